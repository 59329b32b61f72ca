/* api_req.c — what the API's handlers share. See api_req.h. */
#include "server/api_req.h"

#include "base/date.h"
#include "base/num.h"
#include "exchange/calendar.h"
#include "exchange/cash.h"

#include <stdio.h>
#include <string.h>

/* The answer of a read that writes JSON into a buffer. */
int th_api_answer(th_api_resp *out, int rc, const th_err *e)
{
    if (rc != 0) {
        th_api_fail(out, e);
        return 0;
    }
    out->status = 200;
    out->content_type = "application/json";
    return 0;
}

const char *th_api_param(const th_api_req *r, const char *name)
{
    const char *v = th_route_param(r->params, name);
    return v ? v : "";
}

/* A whole number from the path or the query (lo..hi); -1 with the 400 answer when it is not. */
int th_api_number(th_api_resp *out, const char *field, const char *v, int64_t lo, int64_t hi,
                  int64_t *n)
{
    if (v && th_parse_int64(v, strlen(v), lo, hi, n) == 0)
        return 0;
    char msg[200];
    snprintf(msg, sizeof msg, "%s '%s': a whole number from %lld is expected", field, v ? v : "",
             (long long)lo);
    th_api_error(out, 400, "invalid", msg, field);
    return -1;
}

/* 0 when a user is logged in, else the 401 answer. */
int th_api_need_user(const th_api_req *r, th_api_resp *out)
{
    if (r->user)
        return 0;
    th_api_error(out, 401, "unauthorized",
                 "this needs a user: send Authorization: Bearer TOKEN (tanhui token create)", NULL);
    return -1;
}

/* The account named by ref, if the user may act for it (reading: an operator may read any);
 * else the 401, 403 or 404 answer. */
int th_api_own_account(const th_api_req *r, th_api_resp *out, const char *ref, bool reading,
                       th_account *a)
{
    th_err e;
    if (th_api_need_user(r, out))
        return -1;
    if (th_account_find(r->db, ref, a, &e) != 0) {
        th_api_fail(out, &e);
        return -1;
    }
    if (a->id == r->user->account || (reading && strcmp(r->user->role, "operator") == 0))
        return 0;
    char msg[300];
    snprintf(msg, sizeof msg, "user %s acts for account %lld, not for %lld", r->user->name,
             (long long)r->user->account, (long long)a->id);
    th_api_error(out, 403, "forbidden", msg, "account");
    return -1;
}

/* A write through the sequencer: status on success; 409 when the Idempotency-Key was used
 * for another request. */
int th_api_submit(const th_api_req *r, th_api_resp *out, th_cmd *c, int status)
{
    char rid[200];
    if (r->idempotency_key) {
        if (strlen(r->idempotency_key) > 128) {
            th_api_error(out, 400, "invalid", "an Idempotency-Key is at most 128 bytes",
                         "Idempotency-Key");
            return 0;
        }
        /* a key is the user's own: two users may use the same */
        snprintf(rid, sizeof rid, "api:%lld:%s", (long long)r->user->id, r->idempotency_key);
        c->request_id = rid;
    }
    if (!r->seq) { /* a reader's tool (the request fuzzer) has no writer */
        th_api_error(out, 503, "unavailable", "this server takes no writes", NULL);
        return 0;
    }
    /* a write the HTTP layer sets aside holds no thread while its batch commits: the request
     * is suspended and answered from the writer's result */
    if (r->defer) {
        if (r->defer(r->defer_arg, c, status) == 0)
            out->deferred = true;
        else
            th_api_error(out, 503, "unavailable",
                         "the server is stopping: it takes no more writes", NULL);
        return 0;
    }
    th_cmd_result res;
    th_cmd_result_init(&res);
    th_sequencer_submit(r->seq, c, &res);
    th_api_submitted(out, &res, status);
    th_cmd_result_free(&res);
    return 0;
}

void th_api_submitted(th_api_resp *out, const th_cmd_result *res, int status)
{
    if (res->status == 0) {
        th_buf_put(&out->body, res->result.p, res->result.len);
        out->status = status;
        out->content_type = "application/json";
    } else if (strcmp(res->err.field, "request_id") == 0) {
        th_api_error(out, 409, "conflict", "this Idempotency-Key was used for a different request",
                     "Idempotency-Key");
    } else {
        th_api_fail(out, &res->err);
    }
}

/* How deep the JSON text nests its arrays and objects (strings skipped). */
static int json_depth(const char *p, size_t n)
{
    int depth = 0, most = 0;
    bool in_string = false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > most)
                most = depth;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return most;
}

int th_api_body_open(const th_api_req *r, th_api_resp *out, th_api_body *b)
{
    memset(b, 0, sizeof *b);
    b->out = out;
    if (r->body && json_depth(r->body, r->body_len) > TH_API_JSON_DEPTH) {
        char msg[120];
        snprintf(msg, sizeof msg, "the body nests deeper than %d levels", TH_API_JSON_DEPTH);
        th_api_error(out, 400, "invalid", msg, NULL);
        return -1;
    }
    json_error_t je;
    b->root = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (json_is_object(b->root))
        return 0;
    char msg[300];
    snprintf(msg, sizeof msg, "the body is not a JSON object: %s", je.text);
    th_api_error(out, 400, "invalid", msg, NULL);
    json_decref(b->root);
    b->root = NULL;
    return -1;
}

void th_api_body_close(th_api_body *b)
{
    json_decref(b->root);
}

void th_api_body_bad(th_api_body *b, const char *key, const char *why)
{
    if (b->bad)
        return;
    char msg[200];
    snprintf(msg, sizeof msg, "%s: %s", key, why);
    th_api_error(b->out, 400, "invalid", msg, key);
    b->bad = true;
}

void th_api_body_only(th_api_body *b, const char *const *keys)
{
    const char *key;
    json_t *v;
    json_object_foreach(b->root, key, v)
    {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], key) != 0)
            i++;
        if (!keys[i]) {
            th_api_body_bad(b, key, "not a member this request takes");
            return;
        }
    }
}

/* A string member; an integer too when it names something by id. NULL when absent (and not
 * required) or bad. */
const char *th_api_str(th_api_body *b, const char *key, bool required, bool id)
{
    json_t *v = json_object_get(b->root, key);
    if (json_is_string(v))
        return json_string_value(v);
    if (id && json_is_integer(v) && b->nids < 6) {
        snprintf(b->ids[b->nids], 24, "%lld", (long long)json_integer_value(v));
        return b->ids[b->nids++];
    }
    if (v || required)
        th_api_body_bad(b, key, v ? "of the wrong type" : "missing");
    return NULL;
}

/* A whole number member; 0 when absent (and not required) or bad. */
int64_t th_api_int(th_api_body *b, const char *key, bool required)
{
    json_t *v = json_object_get(b->root, key);
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (v || required)
        th_api_body_bad(b, key, v ? "a whole number is expected" : "missing");
    return 0;
}

/* An amount of money, written as a string ("59.00"); 0 when absent (and not required) or bad. */
int64_t th_api_money(th_api_body *b, const char *key, bool required)
{
    const char *s = th_api_str(b, key, required, false);
    int64_t fen = 0;
    if (s && th_money_parse(s, &fen) != 0)
        th_api_body_bad(b, key, "yuan with at most two decimals, as a string, like \"59.00\"");
    return fen;
}

/* 0 when the user's role is one of roles ("a|b"), else the 401 or 403 answer. */
int th_api_need_role(const th_api_req *r, th_api_resp *out, const char *roles, const char *what)
{
    if (th_api_need_user(r, out))
        return -1;
    size_t n = strlen(r->user->role);
    for (const char *p = roles; (p = strstr(p, r->user->role)) != NULL; p += n)
        if ((p == roles || p[-1] == '|') && (p[n] == '\0' || p[n] == '|'))
            return 0;
    char msg[200];
    snprintf(msg, sizeof msg, "%s is for a user whose role is %s, not %s", what, roles,
             r->user->role);
    th_api_error(out, 403, "forbidden", msg, NULL);
    return -1;
}

/* The id text of the account the body names under key, if the user acts for it. */
const char *th_api_acting_for(const th_api_req *r, th_api_resp *out, th_api_body *b,
                              const char *key, char id[24])
{
    const char *ref = th_api_str(b, key, true, true);
    th_account a;
    if (!ref || th_api_own_account(r, out, ref, false, &a))
        return NULL;
    snprintf(id, 24, "%lld", (long long)a.id);
    return id;
}

enum { PAGE_DEFAULT = 100, PAGE_MAX = 1000 };

/* ?limit=N (1..1000, default 100), ?cursor=ID (from next_cursor), and the filters ?from= and
 * ?to= (ISO 8601 times with their zone, kept in times as UTC); -1 with the 400 answer. */
int th_api_page_args(const th_api_req *r, th_api_resp *out, th_page *pg, char times[2][32])
{
    const char *limit = r->query(r->query_arg, "limit"), *cursor = r->query(r->query_arg, "cursor");
    int64_t n = PAGE_DEFAULT, c = 0;
    if ((limit && th_api_number(out, "limit", limit, 1, PAGE_MAX, &n)) ||
        (cursor && th_api_number(out, "cursor", cursor, 1, INT64_MAX, &c)))
        return -1;
    *pg = (th_page){.before = c, .limit = (int)n};
    static const char *const keys[2] = {"from", "to"};
    for (int k = 0; k < 2; k++) {
        const char *v = r->query(r->query_arg, keys[k]);
        int64_t t;
        if (!v)
            continue;
        if (th_time_parse(v, &t) != 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "%s '%.60s': an ISO 8601 time with its zone is expected, "
                                      "like 2026-11-30T09:30:00+08:00",
                     keys[k], v);
            th_api_error(out, 400, "invalid", msg, keys[k]);
            return -1;
        }
        th_utc_format(t, times[k]);
        *(k ? &pg->to : &pg->from) = times[k];
    }
    return 0;
}

