/* fuzz_request.c — libFuzzer driver for the API's request decoding: the router (paths and their
 * percent-escapes), the query-less handlers and the JSON bodies, as nobody or as a user of any
 * role, against an empty registry (no writer: a write that gets through its checks is answered
 * 503). Every answer must be a status from 200 to 599 with a content type, and every JSON answer
 * valid JSON (the error messages quote what was sent).
 *
 * Input: byte 0 picks the method (bits 0-1) and the caller (the rest, mod 5); then the path up to
 * a newline; the rest is the body.
 *
 *   make fuzz && build/fuzz-request tests/fuzz/corpus/request    (clang, libFuzzer)
 *   build/fuzz-request-replay tests/fuzz/corpus/request           (gcc, in make test)
 */
#include "server/api.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static th_db *db;
static char dir[] = "/tmp/tanhui-fuzz-request.XXXXXX", db_path[128];

/* At exit the database goes, and its directory with it: a run leaves nothing in /tmp. */
static void close_db(void)
{
    th_db_close(db);
    th_db_unlink(db_path);
    rmdir(dir);
}

static th_db *registry(void)
{
    if (db)
        return db;
    if (!mkdtemp(dir))
        abort();
    snprintf(db_path, sizeof db_path, "%s/fuzz.db", dir);
    th_err e;
    if (th_db_open(db_path, TH_DB_CREATE, &db, &e) != 0)
        abort();
    atexit(close_db);
    return db;
}

static const char *no_query(void *arg, const char *key)
{
    (void)arg;
    (void)key;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    static const char *const roles[] = {"holder", "owner", "verifier", "operator"};
    const char *method = methods[data[0] & 3];
    int who = (data[0] >> 2) % 5;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t plen = nl ? (size_t)(nl - p) : (size_t)(end - p);
    char *path = malloc(plen + 1);
    memcpy(path, p, plen);
    path[plen] = '\0';
    if (strlen(path) != plen) { /* a NUL in the path: the server never sees one */
        free(path);
        return 0;
    }
    th_user u = {.id = 1, .account = 1};
    snprintf(u.name, sizeof u.name, "fuzz");
    if (who > 0)
        snprintf(u.role, sizeof u.role, "%s", roles[who - 1]);
    const char *body = nl ? nl + 1 : NULL;
    th_api_req req = {.db = registry(), .query = no_query, .body = body,
                      .body_len = body ? (size_t)(end - body) : 0,
                      .user = who > 0 ? &u : NULL};
    th_api_resp out = {.status = 0};
    th_buf_init(&out.body);
    const char *route;
    th_api_dispatch(method, path, &req, &out, &route);
    if (out.status < 200 || out.status > 599 || !out.content_type)
        abort();
    if (strncmp(out.content_type, "application/json", 16) == 0) {
        json_t *j = json_loadb(out.body.p ? out.body.p : "", out.body.len, 0, NULL);
        if (!j)
            abort(); /* an answer that is not the JSON it says */
        json_decref(j);
    }
    th_buf_free(&out.body);
    free(path);
    return 0;
}
