/* http_form.h — a multipart/form-data body (POST /api/v1/uploads and a project's reports), read
 * as it comes through MHD's post processor: each file part is stored as an upload
 * (server/uploads.h) while it arrives, each field kept; at the end the parts become the JSON
 * object the API's handler reads, a file part's name with its upload's id. A part without a
 * name, a part twice, a field over 4 KiB or not UTF-8, a file of a kind not taken: the form
 * fails, saying which. Over TH_UPLOAD_MAX in all, nothing of it is kept. */
#ifndef TH_HTTP_FORM_H
#define TH_HTTP_FORM_H

#include "base/buf.h"
#include "base/err.h"
#include "server/uploads.h"

#include <microhttpd.h>

typedef struct th_form th_form;

/* A form for the request of c, its files stored in uploads; NULL when the body has no
 * boundary. */
th_form *th_form_new(struct MHD_Connection *c, const char *uploads);
/* Feed the next bytes of the body: -1 once the body is over TH_UPLOAD_MAX. */
int th_form_feed(th_form *f, const char *data, size_t n);
/* The body is read: the file in flight completed, the parts as JSON into body; -1 with e. */
int th_form_end(th_form *f, th_buf *body, th_err *e) __attribute__((warn_unused_result));
/* Free it; an upload not completed is dropped. */
void th_form_free(th_form *f);

#endif
