/* http_stream.h — GET /api/v1/stream over HTTP: a connection subscribed to the hub
 * (server/events.h), sending what it has to read; with nothing to send it is suspended (parked)
 * until an event, a ping or the hub's close resumes it (woken), and it ends when the hub closes.
 * The response is MHD's chunked stream of text/event-stream. */
#ifndef TH_HTTP_STREAM_H
#define TH_HTTP_STREAM_H

#include "server/api.h"
#include "server/events.h"

#include <microhttpd.h>

/* Answer c with the stream r asks for (r->stream: from where, which instrument). */
enum MHD_Result th_http_stream(struct MHD_Connection *c, th_events *hub, const th_api_resp *r);

#endif
