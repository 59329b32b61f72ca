/* users.c — users, passwords and tokens. See users.h. */
#include "server/users.h"

#include "base/date.h"
#include "base/json.h"
#include "base/sha256.h"
#include "ledger/accounts.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int ready(th_err *e)
{
    if (sodium_init() < 0)
        return th_fail(e, TH_EINTERNAL, "libsodium cannot start");
    return 0;
}

bool th_user_role_ok(const char *role)
{
    static const char *const roles[] = {"holder", "owner", "verifier", "operator"};
    for (int i = 0; i < 4; i++)
        if (role && strcmp(role, roles[i]) == 0)
            return true;
    return false;
}

static void utc_now(char out[32])
{
    th_utc_format((int64_t)time(NULL), out);
}

/* Moved after every committed write of users or tokens in this process: what a cache of them
 * (token_cache.h) read before it is stale. */
static _Atomic uint64_t generation = 1;

uint64_t th_users_generation(void)
{
    return atomic_load(&generation);
}

/* End the transaction begun: COMMIT when the body went well (rc_body 0), else ROLLBACK. Every
 * write of these rows ends here, so a commit moves the generation. */
static int finish(th_db *db, int rc_body, th_err *e)
{
    th_err ignored;
    if (rc_body == 0 && th_db_exec1(db, "COMMIT", e) == 0) {
        atomic_fetch_add(&generation, 1);
        return 0;
    }
    if (th_db_exec(db, "ROLLBACK", &ignored) != 0)
        th_err_clear(&ignored);
    return -1;
}

int th_user_add(th_db *db, const char *name, const char *account, const char *role,
                const char *password, char generated[32], int64_t *id, th_err *e)
{
    if (ready(e))
        return -1;
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 100 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789._-@") != n)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "name", name ? name : "", n,
                          "a user name is 1 to 100 ASCII letters, digits, '.', '_', '-' or '@'");
    if (!th_user_role_ok(role))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "role", role ? role : "",
                          role ? strlen(role) : 0,
                          "a role is holder, owner, verifier or operator");
    if (!password) {
        /* 20 characters of 57 (no 0, 1, I, O or l): about 116 bits */
        static const char abc[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        for (int i = 0; i < 20; i++)
            generated[i] = abc[randombytes_uniform((uint32_t)(sizeof abc - 1))];
        generated[20] = '\0';
        password = generated;
    } else if (strlen(password) < 12) {
        return th_fail_at(e, TH_EINPUT, NULL, 0, "password", "", 0,
                          "a password is at least 12 characters");
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(hash, password, strlen(password),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return th_fail(e, TH_EINTERNAL, "out of memory hashing the password");
    if (th_db_exec1(db, "BEGIN IMMEDIATE", e))
        return -1;
    th_account a;
    int rc = th_account_find(db, account ? account : "", &a, e);
    sqlite3_stmt *st = NULL;
    if (rc == 0)
        rc = th_db_stmt(db, "INSERT INTO users (name, account_id, role, password_hash, created_at)"
                            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id",
                        &st, e);
    if (rc == 0) {
        char now[32];
        utc_now(now);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, a.id);
        sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW)
            *id = sqlite3_column_int64(st, 0);
        else if (r == SQLITE_DONE)
            rc = th_fail_at(e, TH_EINPUT, NULL, 0, "name", name, n, "a user of this name exists");
        else
            rc = th_db_fail(db, "cannot add the user", e);
        th_db_done(db, st);
    }
    sodium_memzero(hash, sizeof hash);
    return finish(db, rc, e);
}

static void user_from(sqlite3_stmt *st, th_user *u)
{
    u->id = sqlite3_column_int64(st, 0);
    th_db_column_text(st, 1, u->name, sizeof u->name);
    u->account = sqlite3_column_int64(st, 2);
    th_db_column_text(st, 3, u->role, sizeof u->role);
}

int th_user_login(th_db *db, const char *name, const char *password, th_user *u, th_err *e)
{
    if (ready(e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT id, name, account_id, role, password_hash FROM users WHERE name = ?",
                   &st, e))
        return -1;
    sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
    int r = sqlite3_step(st), ok = 0;
    if (r == SQLITE_ROW) {
        const char *hash = (const char *)sqlite3_column_text(st, 4);
        ok = hash && password &&
             crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
        if (ok)
            user_from(st, u);
    }
    th_db_done(db, st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return th_db_fail(db, "cannot read the users", e);
    return ok;
}

int th_user_by_name(th_db *db, const char *name, th_user *u, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT id, name, account_id, role FROM users WHERE name = ?", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        user_from(st, u);
    th_db_done(db, st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return th_db_fail(db, "cannot read the users", e);
    return r == SQLITE_ROW;
}

static int make_token(th_db *db, const char *user, int ttl, char token[60], int64_t *id,
                      th_err *e);

int th_token_create(th_db *db, const char *user, char token[60], int64_t *id, th_err *e)
{
    return make_token(db, user, 0, token, id, e);
}

int th_session_create(th_db *db, const char *user, int ttl, char token[60], th_err *e)
{
    int64_t id;
    return make_token(db, user, ttl > 0 ? ttl : 1, token, &id, e);
}

/* ttl 0: an API token, without an end; else a session ending ttl seconds from now. */
static int make_token(th_db *db, const char *user, int ttl, char token[60], int64_t *id,
                      th_err *e)
{
    if (ready(e))
        return -1;
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    memcpy(token, "th_", 3);
    sodium_bin2base64(token + 3, 57, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    uint8_t hash[32];
    th_sha256(token, strlen(token), hash);
    if (th_db_exec1(db, "BEGIN IMMEDIATE", e))
        return -1;
    sqlite3_stmt *st;
    int rc = 0;
    if (!ttl) { /* an API token lives until revoked: a user keeps a bounded number */
        rc = th_db_stmt(db, "SELECT count(*) FROM tokens t JOIN users u ON u.id = t.user_id"
                            " WHERE u.name = ? AND t.kind = 'api' AND t.revoked_at IS NULL",
                        &st, e);
        if (rc == 0) {
            sqlite3_bind_text(st, 1, user ? user : "", -1, SQLITE_STATIC);
            int64_t live = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
            th_db_done(db, st);
            if (live < 0)
                rc = th_db_fail(db, "cannot count the user's tokens", e);
            else if (live >= TH_TOKENS_LIVE_MAX)
                rc = th_fail_at(e, TH_EINPUT, NULL, 0, "user", user, user ? strlen(user) : 0,
                                "the user holds %d tokens not revoked, the most it may: revoke "
                                "one first", TH_TOKENS_LIVE_MAX);
        }
    }
    if (rc == 0)
        rc = th_db_stmt(db, "INSERT INTO tokens (user_id, hash, created_at, kind, expires_at)"
                            " SELECT id, ?, ?, ?, ? FROM users WHERE name = ? RETURNING id",
                        &st, e);
    if (rc == 0) {
        char now[32], end[32];
        utc_now(now);
        th_utc_format((int64_t)time(NULL) + ttl, end);
        sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, ttl ? "session" : "api", -1, SQLITE_STATIC);
        if (ttl)
            sqlite3_bind_text(st, 4, end, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_text(st, 5, user ? user : "", -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW)
            *id = sqlite3_column_int64(st, 0);
        else if (r == SQLITE_DONE)
            rc = th_fail_at(e, TH_EINPUT, NULL, 0, "user", user ? user : "",
                            user ? strlen(user) : 0, "no user has this name");
        else
            rc = th_db_fail(db, "cannot make the token", e);
        th_db_done(db, st);
    }
    return finish(db, rc, e);
}

int th_token_revoke(th_db *db, int64_t id, th_err *e)
{
    if (th_db_exec1(db, "BEGIN IMMEDIATE", e))
        return -1;
    sqlite3_stmt *st;
    int rc = th_db_stmt(db, "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                        &st, e);
    if (rc == 0) {
        char now[32];
        utc_now(now);
        sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, id);
        int r = sqlite3_step(st);
        th_db_done(db, st);
        if (r != SQLITE_DONE)
            rc = th_db_fail(db, "cannot revoke the token", e);
        else if (sqlite3_changes(th_db_handle(db)) == 0)
            rc = th_fail(e, TH_EINPUT, "no token has the id %lld, or it is revoked already",
                         (long long)id);
    }
    return finish(db, rc, e);
}

int th_token_owner(th_db *db, int64_t id, int64_t *user, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT user_id FROM tokens WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *user = sqlite3_column_int64(st, 0);
    th_db_done(db, st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return th_db_fail(db, "cannot read the tokens", e);
    return r == SQLITE_ROW;
}

static void text_or_null(th_json *j, const char *key, sqlite3_stmt *st, int col)
{
    th_json_key(j, key);
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        th_json_null(j);
    else
        th_json_str(j, (const char *)sqlite3_column_text(st, col));
}

int th_tokens_json(th_db *db, int64_t user, const th_page *pg, th_buf *out, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT id, kind, created_at, expires_at, revoked_at FROM tokens"
                       " WHERE user_id = ?1 AND id < ?2 AND (?4 IS NULL OR created_at >= ?4)"
                       " AND (?5 IS NULL OR created_at < ?5) ORDER BY id DESC LIMIT ?3",
                   &st, e))
        return -1;
    int64_t before, limit;
    th_page_bounds(pg, &before, &limit);
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_int64(st, 2, before);
    sqlite3_bind_int64(st, 3, limit);
    th_page_bind_times(st, pg, 4);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "tokens");
    th_json_arr_begin(&j);
    int r, n = 0;
    int64_t last = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        n++;
        last = sqlite3_column_int64(st, 0);
        th_json_obj_begin(&j);
        th_json_key(&j, "id");
        th_json_int(&j, last);
        text_or_null(&j, "kind", st, 1);
        text_or_null(&j, "created_at", st, 2);
        text_or_null(&j, "expires_at", st, 3);
        text_or_null(&j, "revoked_at", st, 4);
        th_json_obj_end(&j);
    }
    th_db_done(db, st);
    th_json_arr_end(&j);
    th_page_cursor_json(&j, pg, n, last);
    th_json_obj_end(&j);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot list the tokens", e);
}

int th_token_find(th_db *db, const uint8_t hash[32], const char *now, th_user *u,
                  char ends[32], th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT u.id, u.name, u.account_id, u.role, t.expires_at FROM tokens t"
                       " JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND t.revoked_at IS"
                       " NULL AND (t.expires_at IS NULL OR t.expires_at > ?)",
                   &st, e))
        return -1;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        user_from(st, u);
        th_db_column_text(st, 4, ends, 32);
    }
    th_db_done(db, st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return th_db_fail(db, "cannot read the tokens", e);
    return r == SQLITE_ROW;
}

int th_token_user(th_db *db, const char *token, th_user *u, th_err *e)
{
    uint8_t hash[32];
    th_sha256(token, strlen(token), hash);
    char now[32], ends[32];
    utc_now(now);
    return th_token_find(db, hash, now, u, ends, e);
}

int th_token_revoke_text(th_db *db, const char *token, th_err *e)
{
    uint8_t hash[32];
    th_sha256(token, strlen(token), hash);
    if (th_db_exec1(db, "BEGIN IMMEDIATE", e))
        return -1;
    sqlite3_stmt *st;
    int rc = th_db_stmt(db, "UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS"
                            " NULL", &st, e);
    if (rc == 0) {
        char now[32];
        utc_now(now);
        sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(st, 2, hash, 32, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = th_db_fail(db, "cannot end the session", e);
        th_db_done(db, st);
    }
    return finish(db, rc, e);
}

static void user_item(th_db *db, sqlite3_stmt *st, th_buf *out)
{
    (void)db;
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, sqlite3_column_int64(st, 0));
    th_json_key(&j, "name");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 1));
    th_json_key(&j, "account");
    th_json_int(&j, sqlite3_column_int64(st, 2));
    th_json_key(&j, "role");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 3));
    th_json_key(&j, "created_at");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 4));
    th_json_key(&j, "tokens");
    th_json_int(&j, sqlite3_column_int64(st, 5));
    th_json_obj_end(&j);
}

int th_users_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    return th_db_json_list(db, "SELECT u.id, u.name, u.account_id, u.role, u.created_at,"
                               " (SELECT count(*) FROM tokens t WHERE t.user_id = u.id AND"
                               " t.revoked_at IS NULL AND t.kind = 'api') FROM users u"
                               " ORDER BY u.id",
                           NULL, "users", "users", user_item, out, e);
}
