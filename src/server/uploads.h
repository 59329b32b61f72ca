/* uploads.h — inventory files sent to the API for monitoring reports (multipart/form-data).
 *
 * They are kept by content in a directory beside the database ("<db>.uploads/"), each named by
 * its SHA-256 and the kind its name said: "<64 hex>.csv" or ".gpkg" (a CSV may come as .txt).
 * A file is written to a temporary name, hashed as it comes, and renamed only once complete,
 * so a stored upload is always whole; the same file sent twice is stored once. Its id is the
 * hash: a report names its inputs by it, and the measurement records it again. These files are
 * inputs, not registry state: the log records what was measured, by hash. */
#ifndef TH_UPLOADS_H
#define TH_UPLOADS_H

#include "base/err.h"

#include <stdint.h>

enum { TH_UPLOAD_MAX = 256 << 20 }; /* bytes, the whole of a multipart request */

typedef struct th_upload th_upload;

/* The uploads directory of a database (created when missing). */
int th_uploads_dir(const char *db_path, char *out, size_t cap, th_err *e)
    __attribute__((warn_unused_result));
/* Start storing a file sent as `filename` (its extension says its kind). */
int th_upload_begin(const char *dir, const char *filename, th_upload **u, th_err *e)
    __attribute__((warn_unused_result));
int th_upload_write(th_upload *u, const void *p, size_t n, th_err *e)
    __attribute__((warn_unused_result));
/* Complete it: id gets its hash (64 hex), *bytes its size. u is freed either way. */
int th_upload_finish(th_upload *u, char id[65], int64_t *bytes, th_err *e)
    __attribute__((warn_unused_result));
/* Drop an unfinished upload (its temporary file removed). */
void th_upload_abort(th_upload *u);
/* The path of a stored upload named by its id; a 404-style error when there is none. field
 * names the request's field that gave the id. */
int th_upload_path(const char *dir, const char *id, const char *field, char *path, size_t cap,
                   int64_t *bytes, th_err *e) __attribute__((warn_unused_result));

#endif
