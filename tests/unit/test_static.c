/* test_static.c — the web app's paths: / is index.html, a file is itself, an app route without
 * a file is index.html, and nothing outside the root is ever named. */
#include "test.h"

#include "server/static_files.h"

#include <string.h>

static bool only_app_js(const char *path)
{
    return strcmp(path, "/w/app.js") == 0 || strcmp(path, "/w/index.html") == 0;
}

TEST(static_paths)
{
    char out[256];
    CHECK(th_static_path("/w", "/", only_app_js, out, sizeof out));
    CHECK_STR(out, "/w/index.html");
    CHECK(th_static_path("/w", "/app.js", only_app_js, out, sizeof out));
    CHECK_STR(out, "/w/app.js");
    CHECK(th_static_path("/w", "/projects/7", only_app_js, out, sizeof out));
    CHECK_STR(out, "/w/index.html"); /* the app's own route */
    CHECK(th_static_path("/w", "/missing.css", only_app_js, out, sizeof out));
    CHECK_STR(out, "/w/missing.css"); /* a file that is not there: the server's 404 */
    static const char *const refused[] = {"/../etc/passwd", "/a/../../b", "//etc/passwd",
                                          "/a\\b", "/a b", "/\xe7\xa2\xb3", "x", ""};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        CHECK(!th_static_path("/w", refused[i], only_app_js, out, sizeof out));
    char small[8];
    CHECK(!th_static_path("/w", "/app.js", only_app_js, small, sizeof small));
    CHECK_STR(th_static_type("/w/index.html"), "text/html; charset=utf-8");
    CHECK_STR(th_static_type("/w/assets/app-1a2b.js"), "text/javascript; charset=utf-8");
    CHECK_STR(th_static_type("/w/x.v2/README"), "application/octet-stream");
    CHECK(th_static_immutable("/assets/app-1a2b.js"));
    CHECK(!th_static_immutable("/index.html"));
}
