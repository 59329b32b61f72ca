/* test_token_cache.c — the server's cache of token users: a good token answered from the cache
 * (without its row), refused once a revocation commits, refused past its end whether cached or
 * not, an unknown token never kept; and many threads asking while one revokes, none of them
 * let in after the revocation returned. */
#include "test.h"

#include "ledger/accounts.h"
#include "server/token_cache.h"
#include "store_fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

static th_db *users_db(const char *name)
{
    th_db *db = th_test_db_new(name);
    if (!db)
        return NULL;
    th_err e;
    th_buf out;
    th_buf_init(&out);
    CHECK_INT(th_db_exec1(db, "BEGIN", &e), 0);
    CHECK_INT(th_account_add(db, "甲", "company", false, "2026-11-28T00:00:00Z", &out, NULL, &e),
              0);
    CHECK_INT(th_db_exec1(db, "COMMIT", &e), 0);
    char gen[32];
    int64_t id;
    CHECK_INT(th_user_add(db, "jia", "甲", "holder", NULL, gen, &id, &e), 0);
    th_buf_free(&out);
    return db;
}

TEST(token_cache_answers_and_forgets)
{
    th_db *db = users_db("token_cache.db");
    if (!db)
        return;
    th_err e;
    th_token_cache *c = th_token_cache_new();
    int64_t now = (int64_t)time(NULL), tid;
    char tok[60], ses[60];
    CHECK_INT(th_token_create(db, "jia", tok, &tid, &e), 0);
    th_user u;
    memset(&u, 0, sizeof u);
    CHECK_INT(th_token_cache_user(c, db, tok, now, &u, &e), 1);
    CHECK_STR(u.name, "jia");
    CHECK_STR(u.role, "holder");
    /* answered from the cache: the row is gone behind its back (no write of users.c moved the
     * generation), and the token is still good */
    CHECK_INT(th_db_exec1(db, "CREATE TEMP TABLE kept AS SELECT * FROM tokens", &e), 0);
    CHECK_INT(th_db_exec1(db, "DELETE FROM tokens", &e), 0);
    memset(&u, 0, sizeof u);
    CHECK_INT(th_token_cache_user(c, db, tok, now, &u, &e), 1);
    CHECK_STR(u.name, "jia");
    CHECK_INT(th_db_exec1(db, "INSERT INTO tokens SELECT * FROM kept", &e), 0);
    /* a revocation that commits makes the entry stale */
    CHECK_INT(th_token_revoke(db, tid, &e), 0);
    CHECK_INT(th_token_cache_user(c, db, tok, now, &u, &e), 0);
    CHECK_INT(th_token_cache_user(c, db, tok, now, &u, &e), 0);
    /* a session's end: refused past it, from the cache and from the database alike */
    CHECK_INT(th_session_create(db, "jia", 60, ses, &e), 0);
    CHECK_INT(th_token_cache_user(c, db, ses, now, &u, &e), 1);
    CHECK_INT(th_token_cache_user(c, db, ses, now + 120, &u, &e), 0);
    th_token_cache *fresh = th_token_cache_new();
    CHECK_INT(th_token_cache_user(fresh, db, ses, now + 120, &u, &e), 0);
    CHECK_INT(th_token_cache_user(fresh, db, ses, now, &u, &e), 1);
    /* an unknown token: refused, and asked of the database each time */
    CHECK_INT(th_token_cache_user(c, db, "th_nothing", now, &u, &e), 0);
    CHECK_INT(th_token_cache_user(c, db, "th_nothing", now, &u, &e), 0);
    th_token_cache_free(fresh);
    th_token_cache_free(c);
    th_db_close(db);
}

typedef struct {
    th_token_cache *c;
    const char *path, *tok;
    atomic_int *revoked; /* 1 once the revocation returned */
    atomic_int *seen;    /* lets in by any thread, before it */
    int late;            /* lets in after it */
    int good;            /* lets in before it */
    int errors;
} asker;

static void *ask(void *arg)
{
    asker *a = arg;
    th_db *db;
    th_err e;
    if (th_db_open(a->path, TH_DB_READ, &db, &e)) {
        a->errors++;
        return NULL;
    }
    th_user u;
    /* until the revocation, and 500 times after it */
    for (int i = 0, after = 0; i < 500 && a->errors < 10; i += after) {
        after = atomic_load(a->revoked);
        int k = th_token_cache_user(a->c, db, a->tok, (int64_t)time(NULL), &u, &e);
        if (k < 0)
            a->errors++;
        else if (k == 1 && after)
            a->late++;
        else if (k == 1) {
            a->good++;
            atomic_fetch_add(a->seen, 1);
        }
    }
    th_db_close(db);
    return NULL;
}

TEST(token_cache_revocation_under_threads)
{
    th_db *db = users_db("token_cache_threads.db");
    if (!db)
        return;
    th_err e;
    th_token_cache *c = th_token_cache_new();
    int64_t tid;
    char tok[60];
    CHECK_INT(th_token_create(db, "jia", tok, &tid, &e), 0);
    atomic_int revoked = 0, seen = 0;
    char path[512];
    snprintf(path, sizeof path, "%s/token_cache_threads.db", th_test_tmpdir());
    asker a[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (asker){.c = c, .path = path, .tok = tok, .revoked = &revoked,
                        .seen = &seen};
        CHECK_INT(pthread_create(&t[i], NULL, ask, &a[i]), 0);
    }
    /* revoked while they ask, once they have been let in (at most 10 s: the threads start slowly
     * under the sanitizers) */
    struct timespec pause = {0, 1000000};
    for (int i = 0; i < 10000 && atomic_load(&seen) < 100; i++)
        nanosleep(&pause, NULL);
    CHECK_INT(th_token_revoke(db, tid, &e), 0);
    atomic_store(&revoked, 1);
    int late = 0, errors = 0, good = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        late += a[i].late;
        errors += a[i].errors;
        good += a[i].good;
    }
    CHECK_INT(errors, 0);
    CHECK(good > 0);
    CHECK_INT(late, 0);
    th_user u;
    CHECK_INT(th_token_cache_user(c, db, tok, (int64_t)time(NULL), &u, &e), 0);
    th_token_cache_free(c);
    th_db_close(db);
}
