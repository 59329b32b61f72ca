/* http_stream.c — a stream's connection (GET /api/v1/stream). See http_stream.h. */
#include "server/http_stream.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

/* A stream's connection: a subscriber of the hub, and what it has yet to send. */
typedef struct {
    th_subscriber sub;
    struct MHD_Connection *c;
    th_events *hub;
    th_buf pending;
    size_t off;
} sse;

static void sse_park(void *arg)
{
    MHD_suspend_connection(((sse *)arg)->c);
}

static void sse_wake(void *arg)
{
    MHD_resume_connection(((sse *)arg)->c);
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    sse *x = cls;
    if (x->off == x->pending.len) {
        x->pending.len = x->off = 0;
        int r = th_events_read(x->hub, &x->sub, &x->pending);
        if (r < 0)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (r == 0)
            return 0; /* parked: the connection is suspended until an event comes */
    }
    size_t n = x->pending.len - x->off < max ? x->pending.len - x->off : max;
    memcpy(buf, x->pending.p + x->off, n);
    x->off += n;
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    sse *x = cls;
    th_events_unsubscribe(x->hub, &x->sub);
    th_buf_free(&x->pending);
    free(x);
}

enum MHD_Result th_http_stream(struct MHD_Connection *c, th_events *hub, const th_api_resp *r)
{
    sse *x = th_xcalloc(1, sizeof *x);
    x->c = c;
    x->hub = hub;
    th_buf_init(&x->pending);
    /* sent at once: the client knows it is connected, and how soon to come back */
    th_buf_puts(&x->pending, "retry: 2000\n: tanhui stream\n\n");
    x->sub = (th_subscriber){.cursor = r->stream.resume ? r->stream.cursor : th_events_last(hub),
                             .instrument = r->stream.instrument,
                             .park = sse_park,
                             .wake = sse_wake,
                             .arg = x};
    th_events_subscribe(hub, &x->sub);
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, x, sse_free);
    if (!resp) {
        sse_free(x);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ok = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    return ok;
}
