/* test_api_auth.c — the API's authorization matrix and its bad input, through the router and a
 * running sequencer on a small registry.
 *
 * Every route is called as nobody and as a user of each role (and with a revoked token's user
 * gone: the server refuses that before routing, see the CLI tests), each naming its own account
 * wherever a body or path names one; each call must be allowed (not 401 or 403) exactly when the
 * route's rule says so. Then every write route gets bad bodies (malformed JSON, wrong types,
 * missing fields, negative and huge numbers, invalid UTF-8): each must be a 4xx JSON error that
 * changes nothing (the log's size the same, and the users' and tokens', which are not in it),
 * and `tanhui check` must pass at the end. */
#include "test.h"

#include "carbon/params_default.h"
#include "engine/engine.h"
#include "ledger/check.h"
#include "log/log_store.h"
#include "server/api.h"
#include "server/sequencer.h"
#include "server/users.h"
#include "store_fixture.h"

#include <jansson.h>
#include <string.h>

static int apply(th_engine *en, const th_cmd *c, size_t n)
{
    th_cmd_result r[8];
    for (size_t i = 0; i < n; i++)
        th_cmd_result_init(&r[i]);
    th_err e;
    int ok = th_engine_apply(en, c, n, r, &e) == 0 ? 0 : -1;
    for (size_t i = 0; i < n; i++) {
        if (ok >= 0 && r[i].status != 0)
            th_test_fail(__FILE__, __LINE__, "setup command %zu: %s", i, r[i].err.msg);
        ok += ok >= 0 && r[i].status == 0;
        th_cmd_result_free(&r[i]);
    }
    return ok;
}

/* 林场 (account 2) owns project P, V (3) verifies, H (4) holds credits, cash and an open sell
 * (order 1), OPS (5) is the operator's; report 2 of project P2 waits for verification. */
static void setup(th_engine *en)
{
    th_cmd c[7] = {
        {.type = TH_CMD_INIT_REGISTRY},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "林场", .kind = "state"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "V", .kind = "verifier"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "H", .kind = "company"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "OPS", .kind = "company"},
        {.type = TH_CMD_PROJECT_ADD},
        {.type = TH_CMD_PROJECT_ADD},
    };
    c[5].project = (th_project_new){.name = "P", .owner = "林场", .buffer_pct_scaled = 10000000,
                                    .params_name = "default", .params_sha256 = "ab",
                                    .params_csv = th_params_default_csv};
    c[6].project = c[5].project;
    c[6].project.name = "P2";
    CHECK_INT(apply(en, c, 7), 7);
    th_cmd rep = {.type = TH_CMD_REPORT_ADD};
    rep.report = (th_report_new){.project = "P", .result_json = "{}",
                                 .period_start = "2019-01-01", .period_end = "2024-01-01",
                                 .vintage = 2024, .net_tco2e = 10000, .credits_total = 10000,
                                 .buffer_credits = 1000, .owner_credits = 9000};
    th_cmd rep2 = rep;
    rep2.report.project = "P2";
    th_cmd d[4] = {rep, {.type = TH_CMD_REPORT_VERIFY, .report_id = "1", .verifier = "V"},
                   {.type = TH_CMD_ISSUE, .report_id = "1"}, rep2};
    CHECK_INT(apply(en, d, 4), 4);
    th_cmd s[4] = {{.type = TH_CMD_TRANSFER}, {.type = TH_CMD_CASH_DEPOSIT},
                   {.type = TH_CMD_INSTRUMENT_ADD}, {.type = TH_CMD_ORDER_ADD}};
    s[0].move = (th_move){.from = "林场", .to = "H", .qty = 1000};
    s[1].cash = (th_cash_cmd){.account = "H", .amount = 10000000};
    s[2].instrument = (th_instrument_new){.code = "SG24", .vintage = 2024, .ref_price = 5850,
                                          .block_min = 1};
    s[3].order = (th_order_new){.account = "H", .instrument = "SG24", .side = "sell",
                                .price = 6000, .qty = 5};
    CHECK_INT(apply(en, s, 4), 4);
}

enum { NOBODY, HOLDER, OWNER, VERIFIER, OPERATOR, CALLERS };
static const char *const caller_names[CALLERS] = {"nobody", "holder", "owner", "verifier",
                                                  "operator"};
static const char *const accounts[CALLERS] = {"4", "4", "2", "3", "5"};

/* Who a route allows: a bit per caller. */
static unsigned allowed(const th_api_route *rt)
{
    const unsigned all = 1u << NOBODY | 1u << HOLDER | 1u << OWNER | 1u << VERIFIER |
                         1u << OPERATOR,
                   users = all & ~(1u << NOBODY), traders = 1u << HOLDER | 1u << OWNER;
    const char *p = rt->pattern, *m = rt->method;
    if (strcmp(p, "/api/v1/me") == 0)
        return users;
    if (strcmp(p, "/api/v1/login") == 0 || strcmp(p, "/api/v1/logout") == 0)
        return all; /* a wrong password is a 401 of its own, not a refusal of the route */
    if (strcmp(p, "/api/v1/accounts") == 0 && strcmp(m, "GET") == 0)
        return 1u << OPERATOR;
    /* a user's own tokens (another's token is a 404, not a refusal); the users, an operator's */
    if (strncmp(p, "/api/v1/tokens", 14) == 0)
        return users;
    if (strcmp(p, "/api/v1/users") == 0)
        return 1u << OPERATOR;
    if (strcmp(p, "/api/v1/projects/{id}/beneficiaries") == 0 && strcmp(m, "PUT") == 0)
        return 1u << OWNER | 1u << OPERATOR; /* project 1 is 林场's */
    if (strcmp(m, "GET") == 0)
        return strncmp(p, "/api/v1/accounts/", 17) == 0 ? users : all;
    if (strcmp(p, "/api/v1/projects/{id}/reports") == 0)
        return 1u << OWNER; /* project 1 is 林场's */
    if (strcmp(p, "/api/v1/projects") == 0 || strcmp(p, "/api/v1/uploads") == 0)
        return 1u << OWNER | 1u << OPERATOR;
    if (strcmp(p, "/api/v1/orders/{id}") == 0)
        return 1u << HOLDER; /* order 1 is H's: nobody else's to change */
    if (strstr(p, "/orders") || strstr(p, "/picks") || strstr(p, "/auctions") ||
        strstr(p, "/blocks"))
        return traders;
    if (strstr(p, "/transfers") || strstr(p, "/retirements"))
        return users;
    if (strstr(p, "/verify") || strstr(p, "/reject"))
        return 1u << VERIFIER;
    return 1u << OPERATOR; /* accounts, issuance, instruments, cash, sessions */
}

/* The pattern with its parameters filled in for a caller. */
static void path_for(const char *pattern, int who, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *s = pattern; *s && k + 1 < cap; s++) {
        if (*s != '{') {
            out[k++] = *s;
            continue;
        }
        const char *close = strchr(s, '}');
        const char *v = "1";
        if (strncmp(s, "{code}", 6) == 0)
            v = "SG24";
        else if (strstr(pattern, "/accounts/"))
            v = accounts[who];
        else if (strstr(pattern, "/reports/"))
            v = "2";
        for (; *v && k + 1 < cap; v++)
            out[k++] = *v;
        s = close;
    }
    out[k] = '\0';
}

static const char *no_query(void *arg, const char *key)
{
    (void)arg;
    (void)key;
    return NULL;
}

static th_db *credentials(void *arg)
{
    return arg;
}

static int call(th_db *db, th_sequencer *seq, const th_user *u, const char *method,
                const char *path, const char *body, th_buf *answer)
{
    th_api_req req = {.db = db, .seq = seq, .query = no_query, .body = body,
                      .body_len = body ? strlen(body) : 0, .user = u,
                      .credentials = credentials, .credentials_arg = db};
    th_api_resp out = {.status = 0};
    th_buf_init(&out.body);
    const char *route;
    th_api_dispatch(method, path, &req, &out, &route);
    th_buf_reset(answer);
    th_buf_put(answer, out.body.p, out.body.len);
    th_buf_free(&out.body);
    return out.status;
}

TEST(api_authorization_matrix_and_bad_input)
{
    th_db *rdb = th_test_db_new("api-auth.db");
    if (!rdb)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/api-auth.db", th_test_tmpdir());
    th_engine *en = th_engine_new(rdb);
    setup(en);
    th_engine_free(en);
    th_err e;
    static const char *const roles[CALLERS] = {NULL, "holder", "owner", "verifier", "operator"};
    th_user users[CALLERS] = {{0}};
    for (int w = HOLDER; w < CALLERS; w++) {
        char gen[32], tok[60];
        int64_t id, tid;
        CHECK_INT(th_user_add(rdb, caller_names[w], accounts[w], roles[w], NULL, gen, &id, &e),
                  0);
        CHECK_INT(th_token_create(rdb, caller_names[w], tok, &tid, &e), 0);
        CHECK_INT(th_token_user(rdb, tok, &users[w], &e), 1);
    }
    th_db *wdb;
    CHECK_INT(th_db_open(path, TH_DB_WRITE, &wdb, &e), 0);
    th_sequencer *seq = th_sequencer_start(wdb, NULL, 0, 100, &e);
    CHECK(seq != NULL);
    th_buf answer;
    th_buf_init(&answer);
    char body[800];
    for (size_t i = 0; i < th_api_nroutes; i++) {
        const th_api_route *rt = &th_api_routes[i];
        unsigned allow = allowed(rt);
        for (int w = NOBODY; w < CALLERS; w++) {
            char p[300];
            path_for(rt->pattern, w, p, sizeof p);
            const char *a = accounts[w];
            if (strstr(rt->pattern, "/session"))
                snprintf(body, sizeof body, "{\"to\":\"close\"}");
            else
                snprintf(body, sizeof body,
                         "{\"account\":%s,\"from\":%s,\"seller\":%s,\"to\":\"OPS\",\"buyer\":"
                         "\"OPS\",\"instrument\":\"SG24\",\"side\":\"buy\",\"price\":\"59.00\","
                         "\"qty\":1,\"listing\":1,\"beneficiary\":\"b\",\"reason\":\"r\","
                         "\"name\":\"N%d%zu\",\"kind\":\"company\",\"amount\":\"1.00\","
                         "\"code\":\"X%d%zu\",\"vintage\":2024,\"ref_price\":\"58.00\","
                         "\"reserve\":\"50.00\",\"until\":\"2099-01-01T00:00:00Z\"}",
                         a, a, a, w, i, w, i);
            int status = call(rdb, seq, w == NOBODY ? NULL : &users[w], rt->method, p,
                              strcmp(rt->method, "GET") == 0 ? NULL : body, &answer);
            bool ok = status != 401 && status != 403 && status != 0 && status != 405;
            bool want = allow >> w & 1u;
            if (ok != want)
                th_test_fail(__FILE__, __LINE__, "%s %s as %s: %d (%s): %.200s", rt->method, p,
                             caller_names[w], status, want ? "should be allowed" : "should be "
                                                                                  "refused",
                             answer.p ? answer.p : "");
            if (!want && status != (w == NOBODY ? 401 : 403))
                th_test_fail(__FILE__, __LINE__, "%s %s as %s: %d, not %d", rt->method, p,
                             caller_names[w], status, w == NOBODY ? 401 : 403);
        }
    }
    /* bad bodies: a 4xx error object each, and nothing changed */
    static const char *const bad[] = {
        "{",
        "[]",
        "",
        "{\"qty\":\"x\"}",
        "{\"account\":{},\"from\":[],\"qty\":-5,\"price\":59}",
        "{\"account\":4,\"from\":4,\"seller\":4,\"instrument\":\"SG24\",\"side\":\"buy\","
        "\"price\":\"59.00\",\"qty\":-1,\"listing\":1,\"to\":\"OPS\",\"amount\":\"-1\"}",
        "{\"account\":4,\"from\":4,\"seller\":4,\"instrument\":\"SG24\",\"side\":\"buy\","
        "\"price\":\"99999999999999999999.00\",\"qty\":99999999999999999999}",
        "{\"account\":4,\"instrument\":\"SG\xff\xfe\",\"side\":\"buy\",\"price\":\"59.00\","
        "\"qty\":1}",
        "{\"account\":4,\"account\":5}",
        /* nested deeper than any request needs */
        "{\"account\":4,\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}",
        "{\"account\":4,\"from\":4,\"seller\":4,\"instrument\":\"NOPE\",\"side\":\"sideways\","
        "\"price\":\"5a\",\"qty\":1,\"to\":\"nobody\",\"amount\":\"1.005\",\"code\":\"\","
        "\"vintage\":-3,\"ref_price\":\"0\",\"name\":\"\",\"kind\":\"dragon\","
        "\"until\":\"yesterday\",\"reserve\":\"0.00\"}",
    };
    for (size_t i = 0; i < th_api_nroutes; i++) {
        const th_api_route *rt = &th_api_routes[i];
        if (strcmp(rt->method, "GET") == 0 || strstr(rt->pattern, "/verify") ||
            strstr(rt->pattern, "/issue") || strstr(rt->pattern, "/accept") ||
            strstr(rt->pattern, "/logout") || strstr(rt->pattern, "/tokens/"))
            continue; /* no body */
        unsigned allow = allowed(rt);
        int w = HOLDER;
        while (w < CALLERS && !(allow >> w & 1u))
            w++;
        char p[300];
        path_for(rt->pattern, w, p, sizeof p);
        for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
            /* the log, and the credentials, which are not in it */
            static const char count[] = "SELECT (SELECT count(*) FROM log_entries) +"
                                        " (SELECT count(*) FROM tokens) +"
                                        " (SELECT count(*) FROM users)";
            int64_t before = th_test_scalar(rdb, count);
            int status = call(rdb, seq, &users[w], rt->method, p, bad[k], &answer);
            int64_t after = th_test_scalar(rdb, count);
            json_t *j = json_loadb(answer.p ? answer.p : "", answer.len, 0, NULL);
            bool err = json_is_string(json_object_get(json_object_get(j, "error"), "code"));
            json_decref(j);
            if (status < 400 || status >= 500 || !err || after != before)
                th_test_fail(__FILE__, __LINE__, "%s %s with bad body %zu: %d, %lld entries "
                                                 "made: %.200s", rt->method, p, k, status,
                             (long long)(after - before), answer.p ? answer.p : "");
        }
    }
    th_sequencer_stop(seq);
    th_buf out;
    th_buf_init(&out);
    if (th_registry_check(rdb, &out, &e) != 0)
        th_test_fail(__FILE__, __LINE__, "check after the matrix: %s", e.msg);
    th_buf_free(&out);
    th_buf_free(&answer);
    th_db_close(rdb);
}
