/* api.h — the JSON API (/api/v1): its routes, their handlers, its errors and its OpenAPI
 * document, made from the same table so that the two cannot drift.
 *
 * A handler reads through the request's own read-only connection (SQLite's WAL lets readers run
 * beside the writer) and writes through the sequencer. Errors are {"error": {"code", "message",
 * "field"}} with a 4xx status for what the client sent (404 for what does not exist) and 5xx for
 * what failed here. */
#ifndef TH_API_H
#define TH_API_H

#include "base/buf.h"
#include "base/err.h"
#include "server/answer_cache.h"
#include "server/router.h"
#include "server/sequencer.h"
#include "server/users.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    th_db *db;                  /* this request's read connection */
    th_sequencer *seq;          /* the writer */
    const th_route_params *params;
    const char *(*query)(void *arg, const char *key); /* a query string value, or NULL */
    void *query_arg;
    const char *body;
    size_t body_len;
    const th_user *user;        /* from the bearer token or session cookie; NULL: the public */
    const char *idempotency_key; /* the Idempotency-Key header, or NULL */
    const char *session;        /* the session cookie's token, or NULL */
    th_db *(*credentials)(void *arg); /* a write connection for logins, or NULL */
    void *credentials_arg;
    const char *last_event_id;  /* the Last-Event-ID header (a stream resumed), or NULL */
    const char *uploads_dir;    /* where uploaded inventories are kept (uploads.h), or NULL */
    /* A write set aside instead of waited for (th_api_submit): defer(defer_arg, c, status)
     * keeps a copy of c for the HTTP layer, which hands it to the sequencer once the request is
     * suspended and answers (th_api_submitted) when its batch has committed; 0 when it took it,
     * 1 when the server takes no more writes (it is stopping: the answer is 503). NULL: every
     * write waits on the request's thread (a tool without the HTTP layer). */
    int (*defer)(void *arg, const th_cmd *c, int status);
    void *defer_arg;
    /* The answers shared between requests (answer_cache.h: the supply, books and bars, the same
     * for everyone and costly), or NULL. Asked only by those routes: answer_key(answer_arg, key)
     * appends this request's URL with its query (the key) and gives the commit count. */
    th_answer_cache *answers;
    uint64_t (*answer_key)(void *arg, th_buf *key);
    void *answer_arg;
} th_api_req;

typedef struct {
    int status;
    const char *content_type; /* static */
    th_buf body;
    char set_cookie[200]; /* a Set-Cookie header to send ("": none) */
    char allow[64];       /* a 405's Allow header: the methods the path has */
    bool deferred;        /* the write was set aside (defer): no answer yet */
    /* GET /api/v1/stream: the HTTP layer streams the events (server/events.h) instead of body */
    struct {
        bool on, resume;    /* resume: from `cursor` (Last-Event-ID), else from now */
        uint64_t cursor;
        int64_t instrument; /* 0: every instrument */
    } stream;
} th_api_resp;

/* The session cookie's name, and how long a login lasts. */
#define TH_SESSION_COOKIE "tanhui_session"
enum { TH_SESSION_SECONDS = 12 * 3600 };

/* Write routes and an account's own data need a user: 401 without one, 403 when the user may
 * not act for the account. A user acts only for its own account (an operator may read any). */

typedef int (*th_api_fn)(const th_api_req *r, th_api_resp *out);

typedef struct {
    const char *method, *pattern;
    th_api_fn fn;
    const char *summary;
    const char *content_type; /* of a 200 answer */
} th_api_route;

extern const th_api_route th_api_routes[];
extern const size_t th_api_nroutes;

/* Route the request: the handler's answer, or 404 (no such path) or 405 (no such method on
 * it, with the methods it has). *route gets the route's pattern (or "unmatched") for the
 * request log and the metrics. */
void th_api_dispatch(const char *method, const char *path, th_api_req *r, th_api_resp *out,
                     const char **route);
/* The answer to a write the sequencer has done: status and its result, 409 for an
 * Idempotency-Key used for another request, or the error. */
void th_api_submitted(th_api_resp *out, const th_cmd_result *res, int status);
/* The error answer; field may be NULL. */
void th_api_error(th_api_resp *out, int status, const char *code, const char *message,
                  const char *field);
/* The error answer for e: its status and code from its kind and message. */
void th_api_fail(th_api_resp *out, const th_err *e);
/* The OpenAPI 3.1 document of every route. */
void th_api_openapi(th_buf *out);

#endif
