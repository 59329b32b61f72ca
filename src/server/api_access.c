/* api_access.c — tokens and users over the API. See api_access.h.
 *
 * These rows are the server's credentials, not registry state (server/users.h): they are
 * written on the request thread's credentials connection, outside the sequencer and the log,
 * as a login's session is. A revocation is in force from its commit: the commit moves
 * th_users_generation, and the server's token cache (token_cache.h) forgets what it knew.
 *
 * Who may do what: any user lists, makes and revokes its own tokens and sessions; an operator
 * also lists and revokes another user's (?user=NAME, any token's id: an incident is answered
 * without stopping the server), and lists and adds users. Nobody makes a token for another
 * user: that would let an operator act for every account without a trace of it in the users
 * (adding a user is the one, visible, way). A token that is not the caller's is answered as
 * one that does not exist (404), so that its id tells nobody else anything. A body's members
 * are checked by name, so that a misspelt one is refused, not ignored.
 *
 * A new token's text, and a generated password, are in the answer that made them and nowhere
 * else (only their hashes are kept), so a repeat of that answer cannot be given: these routes
 * refuse an Idempotency-Key (400) instead of executing twice or answering without the secret. */
#include "server/api_access.h"
#include "server/api_req.h"
#include "server/users.h"

#include "base/json.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* 0, or -1 with the 400 answer when the request carries an Idempotency-Key. */
static int no_idempotency_key(const th_api_req *r, th_api_resp *out)
{
    if (!r->idempotency_key)
        return 0;
    th_api_error(out, 400, "invalid",
                 "this answer holds a secret shown once and kept nowhere, so it cannot be "
                 "repeated: send the request without an Idempotency-Key",
                 "Idempotency-Key");
    return -1;
}

/* The connection credentials are written on, else -1 with the 500 answer. */
static th_db *credentials(const th_api_req *r, th_api_resp *out)
{
    th_db *w = r->credentials ? r->credentials(r->credentials_arg) : NULL;
    if (!w)
        th_api_error(out, 500, "internal", "no connection to write the credentials on", NULL);
    return w;
}

static bool is_operator(const th_api_req *r)
{
    return strcmp(r->user->role, "operator") == 0;
}

/* The user named (another than the caller's only for an operator), else -1 with the 403 or
 * 404 answer. */
static int named_user(const th_api_req *r, th_api_resp *out, const char *name, const char *what,
                      th_user *u)
{
    *u = *r->user;
    if (!name || strcmp(name, r->user->name) == 0)
        return 0;
    if (th_api_need_role(r, out, "operator", what))
        return -1;
    th_err e;
    int k = th_user_by_name(r->db, name, u, &e);
    if (k < 0)
        th_api_fail(out, &e);
    else if (k == 0)
        th_api_error(out, 404, "not_found", "no user has this name", "user");
    return k == 1 ? 0 : -1;
}

int th_api_get_tokens(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_user(r, out))
        return 0;
    th_user u;
    th_page pg;
    char times[2][32];
    if (named_user(r, out, r->query(r->query_arg, "user"), "reading another user's tokens", &u) ||
        th_api_page_args(r, out, &pg, times))
        return 0;
    th_err e;
    return th_api_answer(out, th_tokens_json(r->db, u.id, &pg, &out->body, &e), &e);
}

int th_api_post_token(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_user(r, out) || no_idempotency_key(r, out))
        return 0;
    th_api_body b;
    if (th_api_body_open(r, out, &b))
        return 0;
    static const char *const members[] = {NULL};
    th_api_body_only(&b, members);
    th_db *w;
    if (!b.bad && (w = credentials(r, out)) != NULL) {
        char text[60];
        int64_t id;
        th_err e;
        if (th_token_create(w, r->user->name, text, &id, &e) != 0) {
            th_api_fail(out, &e);
        } else {
            th_buf_printf(&out->body, "{\"id\":%lld,\"token\":\"%s\"}", (long long)id, text);
            out->status = 201;
            out->content_type = "application/json";
        }
        sodium_memzero(text, sizeof text);
    }
    th_api_body_close(&b);
    return 0;
}

int th_api_delete_token(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_user(r, out))
        return 0;
    int64_t id, owner = 0;
    if (th_api_number(out, "id", th_api_param(r, "id"), 1, INT64_MAX, &id))
        return 0;
    th_err e;
    int k = th_token_owner(r->db, id, &owner, &e);
    th_db *w;
    if (k < 0) {
        th_api_fail(out, &e);
    } else if (k == 0 || (owner != r->user->id && !is_operator(r))) {
        char msg[80];
        snprintf(msg, sizeof msg, "no token has the id %lld", (long long)id);
        th_api_error(out, 404, "not_found", msg, "id");
    } else if ((w = credentials(r, out)) == NULL) {
        /* the 500 is in out */
    } else if (th_token_revoke(w, id, &e) != 0) {
        th_api_fail(out, &e); /* revoked already: a 404 */
    } else {
        th_buf_printf(&out->body, "{\"id\":%lld,\"revoked\":true}", (long long)id);
        out->status = 200;
        out->content_type = "application/json";
    }
    return 0;
}

int th_api_get_users(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_role(r, out, "operator", "the list of users"))
        return 0;
    th_err e;
    return th_api_answer(out, th_users_json(r->db, NULL, &out->body, &e), &e);
}

int th_api_post_user(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_role(r, out, "operator", "adding a user") || no_idempotency_key(r, out))
        return 0;
    th_api_body b;
    if (th_api_body_open(r, out, &b))
        return 0;
    static const char *const members[] = {"name", "account", "role", "password", NULL};
    th_api_body_only(&b, members);
    const char *name = th_api_str(&b, "name", true, false),
               *account = th_api_str(&b, "account", true, true),
               *role = th_api_str(&b, "role", true, false),
               *password = th_api_str(&b, "password", false, false);
    th_db *w;
    if (!b.bad && (w = credentials(r, out)) != NULL) {
        char generated[32] = "";
        int64_t id;
        th_err e;
        if (th_user_add(w, name, account, role, password, generated, &id, &e) != 0) {
            th_api_fail(out, &e);
        } else {
            th_json j;
            th_json_init(&j, &out->body);
            th_json_obj_begin(&j);
            th_json_key(&j, "id");
            th_json_int(&j, id);
            th_json_key(&j, "name");
            th_json_str(&j, name);
            if (generated[0]) {
                th_json_key(&j, "password");
                th_json_str(&j, generated);
            }
            th_json_obj_end(&j);
            out->status = 201;
            out->content_type = "application/json";
        }
        sodium_memzero(generated, sizeof generated);
    }
    th_api_body_close(&b);
    return 0;
}
