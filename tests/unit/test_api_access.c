/* test_api_access.c — tokens and users through the API's routes (server/api_access.h), on a
 * small registry: a token made by the route serves, is listed without its text, and stops
 * serving once revoked; another user's token is a 404 to a holder and stays good; an operator
 * lists and revokes anyone's; a user holds at most TH_TOKENS_LIVE_MAX live tokens; a misspelt
 * member, an Idempotency-Key or a bad page is refused with nothing made; an operator adds a user
 * who can log in, and nobody else can. */
#include "test.h"

#include "ledger/accounts.h"
#include "server/api.h"
#include "server/users.h"
#include "store_fixture.h"

#include <jansson.h>
#include <string.h>

/* The query string "k=v&k=v" (no escapes) a test request carries. */
static const char *query_of(void *arg, const char *key)
{
    static char vs[4][64]; /* a handler asks for a few keys before it reads their values */
    static int next;
    char *v = vs[next++ % 4];
    const char *q = arg;
    size_t n = strlen(key);
    for (const char *p = q; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
        if (strncmp(p, key, n) == 0 && p[n] == '=') {
            size_t k = strcspn(p + n + 1, "&");
            snprintf(v, sizeof vs[0], "%.*s", (int)k, p + n + 1);
            return v;
        }
    }
    return NULL;
}

static th_db *writer_of(void *arg)
{
    return arg;
}

typedef struct {
    th_db *db;
    th_buf answer;
} fixture;

/* A request as user u (NULL: nobody); its status, its body in f->answer. */
static int call(fixture *f, const th_user *u, const char *method, const char *path,
                const char *query, const char *body, const char *idem)
{
    th_api_req req = {.db = f->db, .query = query_of, .query_arg = (void *)(query ? query : ""),
                      .body = body, .body_len = body ? strlen(body) : 0, .user = u,
                      .idempotency_key = idem, .credentials = writer_of, .credentials_arg = f->db};
    th_api_resp out = {.status = 0};
    th_buf_init(&out.body);
    const char *route;
    th_api_dispatch(method, path, &req, &out, &route);
    th_buf_reset(&f->answer);
    th_buf_put(&f->answer, out.body.p ? out.body.p : "", out.body.len);
    th_buf_free(&out.body);
    return out.status;
}

/* A member of the last answer (a JSON object). */
static json_t *answer_json(fixture *f)
{
    return json_loads(f->answer.p, 0, NULL);
}

static int64_t answer_int(fixture *f, const char *key)
{
    json_t *j = answer_json(f);
    int64_t v = (int64_t)json_integer_value(json_object_get(j, key));
    json_decref(j);
    return v;
}

static void answer_str(fixture *f, const char *key, char *out, size_t cap)
{
    json_t *j = answer_json(f);
    const char *s = json_string_value(json_object_get(j, key));
    snprintf(out, cap, "%s", s ? s : "");
    json_decref(j);
}

static int64_t tokens_of(fixture *f, const char *user)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM tokens t JOIN users u ON u.id = t.user_id"
                              " WHERE u.name = '%s'", user);
    return th_test_scalar(f->db, sql);
}

/* The registry: accounts 甲 (1) and 乙 (2). 0, or -1 when there is no database. */
static int open_fixture(fixture *f, const char *name)
{
    f->db = th_test_db_new(name);
    if (!f->db)
        return -1;
    th_buf_init(&f->answer);
    th_err e;
    th_buf out;
    th_buf_init(&out);
    CHECK_INT(th_db_exec1(f->db, "BEGIN", &e), 0);
    CHECK_INT(th_account_add(f->db, "甲", "company", false, "2026-12-07T00:00:00Z", &out, NULL, &e),
              0);
    CHECK_INT(th_account_add(f->db, "乙", "company", false, "2026-12-07T00:00:00Z", &out, NULL, &e),
              0);
    CHECK_INT(th_db_exec1(f->db, "COMMIT", &e), 0);
    th_buf_free(&out);
    return 0;
}

/* A user made by the command line's path, with a token (its text in tok). */
static void user_with_token(fixture *f, const char *name, const char *account, const char *role,
                            th_user *u, char tok[60])
{
    th_err e;
    char gen[32];
    int64_t id, tid;
    CHECK_INT(th_user_add(f->db, name, account, role, NULL, gen, &id, &e), 0);
    CHECK_INT(th_token_create(f->db, name, tok, &tid, &e), 0);
    CHECK_INT(th_token_user(f->db, tok, u, &e), 1);
}

TEST(api_tokens_made_listed_and_revoked_by_their_users)
{
    fixture f;
    if (open_fixture(&f, "api-access.db"))
        return;
    th_err e;
    th_user jia, yi, op;
    char jia_token[60], yi_token[60], op_token[60];
    user_with_token(&f, "jia", "甲", "holder", &jia, jia_token);
    user_with_token(&f, "yi", "乙", "holder", &yi, yi_token);
    user_with_token(&f, "op", "甲", "operator", &op, op_token);

    /* made by the route: it serves, and is listed without its text or hash */
    CHECK_INT(call(&f, &jia, "POST", "/api/v1/tokens", NULL, "{}", NULL), 201);
    char tok[60];
    answer_str(&f, "token", tok, sizeof tok);
    int64_t id = answer_int(&f, "id");
    th_user u;
    CHECK_INT(th_token_user(f.db, tok, &u, &e), 1);
    CHECK_STR(u.name, "jia");
    CHECK_INT(call(&f, &jia, "GET", "/api/v1/tokens", NULL, NULL, NULL), 200);
    CHECK_CONTAINS(f.answer.p, "\"kind\":\"api\"");
    CHECK(strstr(f.answer.p, "th_") == NULL);
    json_t *list = answer_json(&f);
    CHECK_INT((int)json_array_size(json_object_get(list, "tokens")), 2);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(json_object_get(list, "tokens"), 0),
                                                 "id")),
              id); /* newest first */
    json_decref(list);
    /* a page of one, and the next from its cursor */
    CHECK_INT(call(&f, &jia, "GET", "/api/v1/tokens", "limit=1", NULL, NULL), 200);
    int64_t cursor = answer_int(&f, "next_cursor");
    CHECK_INT(cursor, id);
    char q[40];
    snprintf(q, sizeof q, "limit=1&cursor=%lld", (long long)cursor);
    CHECK_INT(call(&f, &jia, "GET", "/api/v1/tokens", q, NULL, NULL), 200);
    CHECK_CONTAINS(f.answer.p, "{\"tokens\":[{\"id\":1,\"kind\":\"api\","); /* the CLI's */
    CHECK_CONTAINS(f.answer.p, "],\"next_cursor\":1}");
    CHECK_INT(call(&f, &jia, "GET", "/api/v1/tokens", "limit=1&cursor=1", NULL, NULL), 200);
    CHECK_STR(f.answer.p, "{\"tokens\":[],\"next_cursor\":null}");
    CHECK_INT(call(&f, &jia, "GET", "/api/v1/tokens", "limit=0", NULL, NULL), 400);
    CHECK_INT(call(&f, NULL, "GET", "/api/v1/tokens", NULL, NULL, NULL), 401);

    /* refused, and nothing made */
    int64_t before = tokens_of(&f, "jia");
    CHECK_INT(call(&f, &jia, "POST", "/api/v1/tokens", NULL, "{\"user\":\"op\"}", NULL), 400);
    CHECK_CONTAINS(f.answer.p, "\"field\":\"user\"");
    CHECK_INT(call(&f, &jia, "POST", "/api/v1/tokens", NULL, "{}", "k1"), 400);
    CHECK_CONTAINS(f.answer.p, "\"field\":\"Idempotency-Key\"");
    CHECK_INT(call(&f, &jia, "POST", "/api/v1/tokens", NULL, "", NULL), 400);
    CHECK_INT(call(&f, NULL, "POST", "/api/v1/tokens", NULL, "{}", NULL), 401);
    CHECK_INT(tokens_of(&f, "jia"), before);
    CHECK_INT(tokens_of(&f, "op"), 1);

    /* another user's token: a 404 to a holder, and it still serves; a listing of it is an
     * operator's */
    char path[64];
    int64_t yi_id = th_test_scalar(f.db, "SELECT t.id FROM tokens t JOIN users u ON"
                                         " u.id = t.user_id WHERE u.name = 'yi'");
    snprintf(path, sizeof path, "/api/v1/tokens/%lld", (long long)yi_id);
    CHECK_INT(call(&f, &jia, "DELETE", path, NULL, NULL, NULL), 404);
    CHECK_INT(th_token_user(f.db, yi_token, &u, &e), 1);
    CHECK_INT(call(&f, &jia, "GET", "/api/v1/tokens", "user=yi", NULL, NULL), 403);
    CHECK_INT(call(&f, &op, "GET", "/api/v1/tokens", "user=yi", NULL, NULL), 200);
    CHECK_CONTAINS(f.answer.p, "\"revoked_at\":null");
    CHECK_INT(call(&f, &op, "GET", "/api/v1/tokens", "user=nobody", NULL, NULL), 404);
    CHECK_INT(call(&f, &jia, "DELETE", "/api/v1/tokens/999", NULL, NULL, NULL), 404);
    CHECK_INT(call(&f, &jia, "DELETE", "/api/v1/tokens/x", NULL, NULL, NULL), 400);

    /* revoked by its user: it serves no more, and a second revocation is a 404 */
    snprintf(path, sizeof path, "/api/v1/tokens/%lld", (long long)id);
    uint64_t generation = th_users_generation();
    CHECK_INT(call(&f, &jia, "DELETE", path, NULL, NULL, NULL), 200);
    char want[64];
    snprintf(want, sizeof want, "{\"id\":%lld,\"revoked\":true}", (long long)id);
    CHECK_STR(f.answer.p, want);
    CHECK(th_users_generation() != generation); /* the server's token cache forgets it */
    CHECK_INT(th_token_user(f.db, tok, &u, &e), 0);
    CHECK_INT(call(&f, &jia, "DELETE", path, NULL, NULL, NULL), 404);
    /* and another's, by an operator */
    snprintf(path, sizeof path, "/api/v1/tokens/%lld", (long long)yi_id);
    CHECK_INT(call(&f, &op, "DELETE", path, NULL, NULL, NULL), 200);
    CHECK_INT(th_token_user(f.db, yi_token, &u, &e), 0);

    /* at most TH_TOKENS_LIVE_MAX live ones; a revocation makes room */
    int64_t live = th_test_scalar(f.db, "SELECT count(*) FROM tokens t JOIN users u ON"
                                        " u.id = t.user_id WHERE u.name = 'jia' AND"
                                        " t.revoked_at IS NULL");
    for (int64_t k = live; k < TH_TOKENS_LIVE_MAX; k++)
        CHECK_INT(call(&f, &jia, "POST", "/api/v1/tokens", NULL, "{}", NULL), 201);
    int64_t last = answer_int(&f, "id");
    before = tokens_of(&f, "jia");
    CHECK_INT(call(&f, &jia, "POST", "/api/v1/tokens", NULL, "{}", NULL), 400);
    CHECK_CONTAINS(f.answer.p, "revoke one first");
    CHECK_INT(tokens_of(&f, "jia"), before);
    snprintf(path, sizeof path, "/api/v1/tokens/%lld", (long long)last);
    CHECK_INT(call(&f, &jia, "DELETE", path, NULL, NULL, NULL), 200);
    CHECK_INT(call(&f, &jia, "POST", "/api/v1/tokens", NULL, "{}", NULL), 201);
    th_buf_free(&f.answer);
    th_db_close(f.db);
}

TEST(api_users_added_by_an_operator_only)
{
    fixture f;
    if (open_fixture(&f, "api-users.db"))
        return;
    th_err e;
    th_user jia, op;
    char tok[60];
    user_with_token(&f, "jia", "甲", "holder", &jia, tok);
    user_with_token(&f, "op", "甲", "operator", &op, tok);

    /* a generated password, shown once, that logs in */
    CHECK_INT(call(&f, &op, "POST", "/api/v1/users", NULL,
                   "{\"name\":\"bing\",\"account\":\"甲\",\"role\":\"owner\"}", NULL),
              201);
    char pw[32];
    answer_str(&f, "password", pw, sizeof pw);
    CHECK_INT((int)strlen(pw), 20);
    th_user u;
    CHECK_INT(th_user_login(f.db, "bing", pw, &u, &e), 1);
    CHECK_STR(u.role, "owner");
    /* a password of the operator's choosing is not echoed */
    CHECK_INT(call(&f, &op, "POST", "/api/v1/users", NULL,
                   "{\"name\":\"ding\",\"account\":1,\"role\":\"holder\","
                   "\"password\":\"a long enough password\"}",
                   NULL),
              201);
    CHECK(strstr(f.answer.p, "password") == NULL);
    CHECK_INT(th_user_login(f.db, "ding", "a long enough password", &u, &e), 1);
    CHECK_INT(call(&f, &op, "GET", "/api/v1/users", NULL, NULL, NULL), 200);
    CHECK_CONTAINS(f.answer.p, "\"name\":\"bing\",\"account\":1,\"role\":\"owner\"");

    /* refused, and nobody added */
    static const char *const bad[] = {
        "{\"name\":\"bing\",\"account\":\"甲\",\"role\":\"owner\"}", /* taken */
        "{\"name\":\"x\",\"account\":\"甲\",\"role\":\"king\"}",
        "{\"name\":\"x\",\"account\":\"nobody\",\"role\":\"holder\"}",
        "{\"name\":\"x\",\"account\":\"甲\",\"role\":\"holder\",\"password\":\"short\"}",
        "{\"name\":\"x\",\"account\":\"甲\"}",
        "{\"name\":\"x y\",\"account\":\"甲\",\"role\":\"holder\"}",
        "{\"name\":\"x\",\"account\":\"甲\",\"role\":\"holder\",\"pasword\":\"a long enough one\"}",
        "{\"name\":7,\"account\":\"甲\",\"role\":\"holder\"}",
    };
    int64_t users = th_test_scalar(f.db, "SELECT count(*) FROM users");
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        int status = call(&f, &op, "POST", "/api/v1/users", NULL, bad[k], NULL);
        if (status != 400 && status != 404)
            th_test_fail(__FILE__, __LINE__, "bad user %zu: %d %s", k, status, f.answer.p);
        CHECK_CONTAINS(f.answer.p, "\"error\":");
    }
    CHECK_INT(call(&f, &op, "POST", "/api/v1/users", NULL,
                   "{\"name\":\"x\",\"account\":\"甲\",\"role\":\"holder\"}", "k1"),
              400);
    CHECK_INT(call(&f, &jia, "POST", "/api/v1/users", NULL,
                   "{\"name\":\"x\",\"account\":\"甲\",\"role\":\"operator\"}", NULL),
              403);
    CHECK_INT(call(&f, NULL, "POST", "/api/v1/users", NULL,
                   "{\"name\":\"x\",\"account\":\"甲\",\"role\":\"holder\"}", NULL),
              401);
    CHECK_INT(call(&f, &jia, "GET", "/api/v1/users", NULL, NULL, NULL), 403);
    CHECK_INT(th_test_scalar(f.db, "SELECT count(*) FROM users"), users);
    th_buf_free(&f.answer);
    th_db_close(f.db);
}
