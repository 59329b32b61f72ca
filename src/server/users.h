/* users.h — who may use the API: users and their bearer tokens (issue 7, "Accounts, roles,
 * security").
 *
 * A user has a name, the one account it acts for, and a role: holder (its own account's
 * holdings, orders...), owner (its projects and reports), verifier, or operator (accounts,
 * issuance, cash, instruments, sessions). Passwords are kept as Argon2id hashes (libsodium's
 * crypto_pwhash_str_alg); a generated one is 20 random characters, shown once. A token is 32
 * random bytes, written "th_" and base64url, shown once and kept only as its SHA-256 hash; a
 * revoked token is refused. These rows are the server's credentials, not registry state: they
 * are written outside the sequencer and never logged. */
#ifndef TH_USERS_H
#define TH_USERS_H

#include "base/buf.h"
#include "base/err.h"
#include "store/db.h"
#include "store/page.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t id, account;
    char name[128];
    char role[12];
} th_user;

/* Whether role is one a user may have. */
bool th_user_role_ok(const char *role);
/* Add a user (its own transaction). password NULL: one is generated into generated (32 bytes).
 * Prints nothing; *id gets its id. */
int th_user_add(th_db *db, const char *name, const char *account, const char *role,
                const char *password, char generated[32], int64_t *id, th_err *e)
    __attribute__((warn_unused_result));
/* Check a name and password: 1 with *u when they match, 0 when not (no hint which). */
int th_user_login(th_db *db, const char *name, const char *password, th_user *u, th_err *e)
    __attribute__((warn_unused_result));
/* A user may hold this many API tokens not revoked; a new one past them is refused. */
enum { TH_TOKENS_LIVE_MAX = 100 };
/* The user of this name: 1 with *u, 0 when there is none. */
int th_user_by_name(th_db *db, const char *name, th_user *u, th_err *e)
    __attribute__((warn_unused_result));
/* A new token for the user (its own transaction): token gets its text (60 bytes). Refused when
 * the user holds TH_TOKENS_LIVE_MAX already. */
int th_token_create(th_db *db, const char *user, char token[60], int64_t *id, th_err *e)
    __attribute__((warn_unused_result));
/* A login session's token for the user: like an API token, but ending after ttl seconds. */
int th_session_create(th_db *db, const char *user, int ttl, char token[60], th_err *e)
    __attribute__((warn_unused_result));
/* Revoke the token of this text (a logout); 0 also when it was unknown. */
int th_token_revoke_text(th_db *db, const char *token, th_err *e)
    __attribute__((warn_unused_result));
/* Revoke token id (its own transaction); an unknown or revoked one is an error. */
int th_token_revoke(th_db *db, int64_t id, th_err *e) __attribute__((warn_unused_result));
/* The user a bearer token is for: 1 with *u, 0 when it is unknown, revoked or past its end. */
int th_token_user(th_db *db, const char *token, th_user *u, th_err *e)
    __attribute__((warn_unused_result));
/* The same by the token's SHA-256 hash, at time now (UTC, as th_utc_format writes it): ends gets
 * the token's end in the same form, "" for none. */
int th_token_find(th_db *db, const uint8_t hash[32], const char *now, th_user *u, char ends[32],
                  th_err *e) __attribute__((warn_unused_result));
/* The user token id (an API token or a session) is for: 1 with *user, 0 when no token has the
 * id. */
int th_token_owner(th_db *db, int64_t id, int64_t *user, th_err *e)
    __attribute__((warn_unused_result));
/* {"tokens": [{"id", "kind": "api"|"session", "created_at", "expires_at", "revoked_at"}],
 * "next_cursor"}: the user's tokens and sessions, newest first, a page of them (pg: its cursor
 * and limit, and from/to on when each was made). Never a token's text or hash. */
int th_tokens_json(th_db *db, int64_t user, const th_page *pg, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
/* A number moved by every committed write of users or tokens in this process (at least 1). */
uint64_t th_users_generation(void);
/* {"users": [{"id", "name", "account", "role", "created_at", "tokens"}]} */
int th_users_json(th_db *db, const char *arg, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
