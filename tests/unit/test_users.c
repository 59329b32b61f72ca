/* test_users.c — the API's users and tokens: a password checked against its Argon2id hash (and
 * a wrong one refused), bad names, roles and passwords refused with nothing added, a token found
 * by its text and refused once revoked, only hashes stored. */
#include "test.h"

#include "ledger/accounts.h"
#include "server/users.h"
#include "store_fixture.h"

#include <string.h>

TEST(users_passwords_and_tokens)
{
    th_db *db = th_test_db_new("users.db");
    if (!db)
        return;
    th_err e;
    th_buf out;
    th_buf_init(&out);
    CHECK_INT(th_db_exec1(db, "BEGIN", &e), 0);
    CHECK_INT(th_account_add(db, "甲", "company", false, "2026-11-28T00:00:00Z", &out, NULL, &e),
              0);
    CHECK_INT(th_db_exec1(db, "COMMIT", &e), 0);
    char gen[32] = "";
    int64_t id;
    CHECK_INT(th_user_add(db, "jia", "甲", "holder", NULL, gen, &id, &e), 0);
    CHECK_INT((int)strlen(gen), 20);
    CHECK_INT(th_user_add(db, "op", "甲", "operator", "a long enough password", gen, &id, &e), 0);
    /* refused, and nothing added */
    CHECK(th_user_add(db, "jia", "甲", "holder", "another long password", gen, &id, &e) != 0);
    CHECK_CONTAINS(e.msg, "exists");
    CHECK(th_user_add(db, "bad name", "甲", "holder", NULL, gen, &id, &e) != 0);
    CHECK(th_user_add(db, "k", "甲", "king", NULL, gen, &id, &e) != 0);
    CHECK(th_user_add(db, "k", "nobody", "holder", NULL, gen, &id, &e) != 0);
    CHECK(th_user_add(db, "k", "甲", "holder", "short", gen, &id, &e) != 0);
    CHECK_INT((int)th_test_scalar(db, "SELECT count(*) FROM users"), 2);
    CHECK_INT((int)th_test_scalar(db, "SELECT count(*) FROM users WHERE password_hash LIKE"
                                      " '$argon2id$%'"), 2);
    th_user u;
    CHECK_INT(th_user_login(db, "op", "a long enough password", &u, &e), 1);
    CHECK_STR(u.role, "operator");
    CHECK_INT(th_user_login(db, "op", "a long enough passwore", &u, &e), 0);
    CHECK_INT(th_user_login(db, "nobody", "a long enough password", &u, &e), 0);
    char tok[60];
    int64_t tid;
    CHECK_INT(th_token_create(db, "jia", tok, &tid, &e), 0);
    CHECK(strncmp(tok, "th_", 3) == 0 && strlen(tok) == 46);
    char none[60];
    int64_t nid;
    CHECK(th_token_create(db, "nobody", none, &nid, &e) != 0);
    CHECK_CONTAINS(e.msg, "no user has this name");
    CHECK_INT(th_token_create(db, "jia", tok, &tid, &e), 0);
    CHECK_INT(th_token_user(db, tok, &u, &e), 1);
    CHECK_STR(u.name, "jia");
    CHECK_INT(th_token_user(db, "th_nothing", &u, &e), 0);
    CHECK_INT((int)th_test_scalar(db, "SELECT count(*) FROM tokens WHERE length(hash) = 32"),
              (int)th_test_scalar(db, "SELECT count(*) FROM tokens"));
    CHECK_INT(th_token_revoke(db, tid, &e), 0);
    CHECK_INT(th_token_user(db, tok, &u, &e), 0);
    CHECK(th_token_revoke(db, tid, &e) != 0);
    th_buf_free(&out);
    th_db_close(db);
}
