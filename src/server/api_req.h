/* api_req.h — what the API's handlers share (server/api.c, server/api_projects.c): answers,
 * the path's and query's values, the user and the account it acts for, the JSON body read member
 * by member, and writes through the sequencer. Internal to the server. */
#ifndef TH_API_REQ_H
#define TH_API_REQ_H

#include "engine/engine.h"
#include "ledger/accounts.h"
#include "server/api.h"
#include "store/page.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* A request's JSON body, read member by member: the first bad member gives the 400 answer
 * (naming it) and marks the body bad; later reads then return nothing. */
typedef struct {
    json_t *root;
    th_api_resp *out;
    bool bad;
    char ids[6][24]; /* integers given for ids, as text */
    int nids;
} th_api_body;

/* The answer of a read that writes JSON into a buffer. */
int th_api_answer(th_api_resp *out, int rc, const th_err *e);
/* A parameter of the path ("" when it has none of that name). */
const char *th_api_param(const th_api_req *r, const char *name);
/* A whole number from the path or the query (lo..hi); -1 with the 400 answer when it is not. */
int th_api_number(th_api_resp *out, const char *field, const char *v, int64_t lo, int64_t hi,
                  int64_t *n);
/* 0 when a user is logged in, else the 401 answer. */
int th_api_need_user(const th_api_req *r, th_api_resp *out);
/* The account named by ref, if the user may act for it (reading: an operator may read any);
 * else the 401, 403 or 404 answer. */
int th_api_own_account(const th_api_req *r, th_api_resp *out, const char *ref, bool reading,
                       th_account *a);
/* A write through the sequencer: status on success; 409 when the Idempotency-Key was used
 * for another request. When the HTTP layer sets it aside (r->defer: order entry),
 * out->deferred, and the answer comes from th_api_submitted later. */
int th_api_submit(const th_api_req *r, th_api_resp *out, th_cmd *c, int status);
/* A body nests its arrays and objects at most this deep (no request needs more than 3). */
enum { TH_API_JSON_DEPTH = 16 };
/* Open the body (a JSON object, at most TH_API_JSON_DEPTH deep), else -1 with the 400 answer;
 * close it when done. */
int th_api_body_open(const th_api_req *r, th_api_resp *out, th_api_body *b);
void th_api_body_close(th_api_body *b);
/* Mark the body bad (the first time: the 400 answer naming key). */
void th_api_body_bad(th_api_body *b, const char *key, const char *why);
/* Mark the body bad when it has a member not among keys (NULL-ended), naming the first. */
void th_api_body_only(th_api_body *b, const char *const *keys);
/* A string member; an integer too when it names something by id. NULL when absent (and not
 * required) or bad. */
const char *th_api_str(th_api_body *b, const char *key, bool required, bool id);
/* A whole number member; 0 when absent (and not required) or bad. */
int64_t th_api_int(th_api_body *b, const char *key, bool required);
/* An amount of money, written as a string ("59.00"); 0 when absent (and not required) or bad. */
int64_t th_api_money(th_api_body *b, const char *key, bool required);
/* 0 when the user's role is one of roles ("a|b"), else the 401 or 403 answer. */
int th_api_need_role(const th_api_req *r, th_api_resp *out, const char *roles, const char *what);
/* The id text of the account the body names under key, if the user acts for it. */
const char *th_api_acting_for(const th_api_req *r, th_api_resp *out, th_api_body *b,
                              const char *key, char id[24]);
/* ?limit=N (1..1000, default 100), ?cursor=ID (from next_cursor), and the filters ?from= and
 * ?to= (ISO 8601 times with their zone, kept in times as UTC); -1 with the 400 answer. */
int th_api_page_args(const th_api_req *r, th_api_resp *out, th_page *pg, char times[2][32]);

#endif
