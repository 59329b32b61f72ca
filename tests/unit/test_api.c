/* test_api.c — the API's routing: paths matched against patterns (parameters percent-decoded,
 * malformed ones refused), every route of the table reached by a path made from its pattern, the
 * 404 and 405 answers, and the OpenAPI document checked against the table (every route in it,
 * nothing else), so that the two cannot drift. */
#include "test.h"

#include "server/api.h"
#include "server/router.h"
#include "store_fixture.h"

#include <jansson.h>
#include <string.h>
#include <strings.h>

TEST(api_url_decode)
{
    char out[64];
    CHECK_INT(th_url_decode("%E9%9F%B6%E5%85%B3", 18, out, sizeof out), 0);
    CHECK_STR(out, "韶关");
    CHECK_INT(th_url_decode("a%2Fb", 5, out, sizeof out), 0);
    CHECK_STR(out, "a/b");
    CHECK(th_url_decode("%4", 2, out, sizeof out) != 0);
    CHECK(th_url_decode("%zz", 3, out, sizeof out) != 0);
    CHECK(th_url_decode("%00", 3, out, sizeof out) != 0);
    CHECK(th_url_decode("abcdef", 6, out, 4) != 0);
}

TEST(api_route_match)
{
    th_route_params p;
    CHECK(th_route_match("/api/v1/supply", "/api/v1/supply", &p));
    CHECK(!th_route_match("/api/v1/supply", "/api/v1/supply/", &p));
    CHECK(!th_route_match("/api/v1/supply", "/api/v1/supp", &p));
    CHECK(th_route_match("/api/v1/log/consistency/{old}/{new}", "/api/v1/log/consistency/3/9",
                         &p));
    CHECK_STR(th_route_param(&p, "old"), "3");
    CHECK_STR(th_route_param(&p, "new"), "9");
    CHECK(th_route_param(&p, "id") == NULL);
    CHECK(th_route_match("/api/v1/instruments/{code}/book",
                         "/api/v1/instruments/%E7%A2%B3-2024/book", &p));
    CHECK_STR(th_route_param(&p, "code"), "碳-2024");
    CHECK(!th_route_match("/api/v1/instruments/{code}/book", "/api/v1/instruments//book", &p));
    CHECK(!th_route_match("/api/v1/instruments/{code}/book", "/api/v1/instruments/a%2Fb/book",
                          &p));
    CHECK(!th_route_match("/api/v1/instruments/{code}", "/api/v1/instruments/x/book", &p));
}

/* The pattern with every parameter replaced by v. */
static void path_of(const char *pattern, const char *v, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *s = pattern; *s && k + 1 < cap; s++) {
        if (*s == '{') {
            s = strchr(s, '}');
            for (const char *c = v; *c && k + 1 < cap; c++)
                out[k++] = *c;
            continue;
        }
        out[k++] = *s;
    }
    out[k] = '\0';
}

static const char *no_query(void *arg, const char *key)
{
    (void)arg;
    (void)key;
    return NULL;
}

TEST(api_every_route_reached_and_documented)
{
    th_db *db = th_test_db_new("api.db");
    if (!db)
        return;
    for (size_t i = 0; i < th_api_nroutes; i++) {
        const th_api_route *rt = &th_api_routes[i];
        char path[300];
        path_of(rt->pattern, "1", path, sizeof path);
        th_api_req req = {.db = db, .query = no_query};
        th_api_resp out = {.status = 0};
        th_buf_init(&out.body);
        const char *route;
        th_api_dispatch(rt->method, path, &req, &out, &route);
        if (strcmp(route, rt->pattern) != 0 || out.status == 0 || out.status == 405)
            th_test_fail(__FILE__, __LINE__, "%s %s: routed to %s, status %d", rt->method, path,
                         route, out.status);
        /* an error is the API's error object */
        if (out.status >= 400) {
            json_t *j = json_loadb(out.body.p, out.body.len, 0, NULL);
            json_t *err = json_object_get(j, "error");
            if (!json_is_string(json_object_get(err, "code")) ||
                !json_is_string(json_object_get(err, "message")))
                th_test_fail(__FILE__, __LINE__, "%s %s: %d without an error object", rt->method,
                             path, out.status);
            json_decref(j);
        }
        th_buf_free(&out.body);
    }
    /* 404 and 405 */
    th_api_req req = {.db = db, .query = no_query};
    th_api_resp out = {.status = 0};
    th_buf_init(&out.body);
    const char *route;
    th_api_dispatch("GET", "/api/v1/nothing", &req, &out, &route);
    CHECK_INT(out.status, 404);
    CHECK_STR(route, "unmatched");
    th_buf_reset(&out.body);
    th_api_dispatch("DELETE", "/api/v1/supply", &req, &out, &route);
    CHECK_INT(out.status, 405);
    CHECK_CONTAINS(out.body.p, "allowed: GET");
    /* the document: every route, and only them */
    th_buf_reset(&out.body);
    th_api_openapi(&out.body);
    json_error_t je;
    json_t *doc = json_loadb(out.body.p, out.body.len, 0, &je);
    CHECK(doc != NULL);
    CHECK_STR(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    json_t *paths = json_object_get(doc, "paths");
    size_t documented = 0;
    const char *p;
    json_t *ops;
    json_object_foreach(paths, p, ops)
    {
        const char *m;
        json_t *op;
        json_object_foreach(ops, m, op)
        {
            documented++;
            size_t k = 0;
            while (k < th_api_nroutes &&
                   !(strcmp(th_api_routes[k].pattern, p) == 0 &&
                     strcasecmp(th_api_routes[k].method, m) == 0))
                k++;
            if (k == th_api_nroutes)
                th_test_fail(__FILE__, __LINE__, "the document has %s %s, the router not", m,
                             p);
        }
    }
    CHECK_INT((int)documented, (int)th_api_nroutes);
    json_decref(doc);
    th_buf_free(&out.body);
    th_db_close(db);
}
