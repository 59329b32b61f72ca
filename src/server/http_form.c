/* http_form.c — a multipart/form-data body read as it comes. See http_form.h. */
#include "server/http_form.h"

#include "base/mem.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct th_form {
    struct MHD_PostProcessor *pp;
    json_t *parts;   /* the fields, and each file part's upload id */
    th_upload *up;   /* the file part being stored */
    char up_key[64]; /* its name */
    uint64_t bytes;
    const char *uploads;
    int failed; /* 1: err says why */
    th_err err;
};

/* The upload in progress complete: its part's name gets its id. */
static int form_finish_file(th_form *f)
{
    if (!f->up)
        return 0;
    char id[65];
    int64_t bytes;
    th_upload *u = f->up;
    f->up = NULL;
    if (th_upload_finish(u, id, &bytes, &f->err)) {
        snprintf(f->err.field, sizeof f->err.field, "%s", f->up_key);
        return -1;
    }
    json_object_set_new(f->parts, f->up_key, json_string(id));
    return 0;
}

static enum MHD_Result form_fail(th_form *f)
{
    f->failed = 1;
    return MHD_NO;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    th_form *f = cls;
    if (f->failed)
        return MHD_NO;
    if (!key || !*key || strlen(key) >= sizeof f->up_key) {
        th_fail(&f->err, TH_EINPUT, "a form part needs a name of 1 to 63 bytes");
        return form_fail(f);
    }
    if (off == 0) { /* a part begins */
        if (form_finish_file(f))
            return form_fail(f);
        if (json_object_get(f->parts, key)) {
            th_fail(&f->err, TH_EINPUT, "the form part %s comes twice", key);
            snprintf(f->err.field, sizeof f->err.field, "%s", key);
            return form_fail(f);
        }
        if (filename) {
            if (th_upload_begin(f->uploads, filename, &f->up, &f->err)) {
                snprintf(f->err.field, sizeof f->err.field, "%s", key);
                return form_fail(f);
            }
            snprintf(f->up_key, sizeof f->up_key, "%s", key);
        }
    }
    if (filename) {
        if (!f->up || strcmp(f->up_key, key) != 0) {
            th_fail_at(&f->err, TH_EINPUT, NULL, 0, key, "", 0, "a file part is cut");
            return form_fail(f);
        }
        if (size && th_upload_write(f->up, data, size, &f->err))
            return form_fail(f);
        return MHD_YES;
    }
    /* a field, perhaps in pieces */
    json_t *had = json_object_get(f->parts, key);
    const char *old = had ? json_string_value(had) : "";
    size_t n = strlen(old);
    if (n + size > 4096) {
        th_fail_at(&f->err, TH_EINPUT, NULL, 0, key, "", 0, "a form field is at most 4 KiB");
        return form_fail(f);
    }
    char *v = th_xmalloc(n + size + 1);
    memcpy(v, old, n);
    memcpy(v + n, data, size);
    v[n + size] = '\0';
    json_t *js = json_stringn(v, n + size);
    free(v);
    if (!js) {
        th_fail_at(&f->err, TH_EINPUT, NULL, 0, key, "", 0, "a form field is UTF-8 text");
        return form_fail(f);
    }
    json_object_set_new(f->parts, key, js);
    return MHD_YES;
}

int th_form_end(th_form *f, th_buf *body, th_err *e)
{
    if (!f->failed && MHD_destroy_post_processor(f->pp) != MHD_YES) {
        th_fail(&f->err, TH_EINPUT, "the multipart/form-data body is cut short");
        f->failed = 1;
    } else if (f->failed) {
        MHD_destroy_post_processor(f->pp);
    }
    f->pp = NULL;
    if (f->failed || form_finish_file(f)) {
        *e = f->err;
        return -1;
    }
    char *j = json_dumps(f->parts, JSON_COMPACT);
    th_buf_reset(body);
    th_buf_puts(body, j);
    free(j);
    return 0;
}

th_form *th_form_new(struct MHD_Connection *c, const char *uploads)
{
    th_form *f = th_xcalloc(1, sizeof *f);
    f->uploads = uploads;
    f->parts = json_object();
    f->pp = MHD_create_post_processor(c, 64 * 1024, on_part, f);
    if (!f->pp) {
        th_form_free(f);
        return NULL;
    }
    return f;
}

int th_form_feed(th_form *f, const char *data, size_t n)
{
    f->bytes += n;
    if (f->bytes > TH_UPLOAD_MAX)
        return -1;
    if (!f->failed && MHD_post_process(f->pp, data, n) != MHD_YES && !f->failed) {
        th_fail(&f->err, TH_EINPUT, "the multipart/form-data body is malformed");
        f->failed = 1;
    }
    return 0;
}

void th_form_free(th_form *f)
{
    if (!f)
        return;
    if (f->pp)
        MHD_destroy_post_processor(f->pp);
    th_upload_abort(f->up);
    json_decref(f->parts);
    free(f);
}
