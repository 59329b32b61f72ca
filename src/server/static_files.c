/* static_files.c — the web app's files. See static_files.h. */
#include "server/static_files.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".map", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
};

const char *th_static_type(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof types / sizeof *types; i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

bool th_static_immutable(const char *url)
{
    return strncmp(url, "/assets/", 8) == 0;
}

bool th_static_path(const char *root, const char *url, bool (*exists)(const char *path), char *out,
                    size_t cap)
{
    if (url[0] != '/' || strstr(url, "..") || strstr(url, "//"))
        return false;
    for (const char *p = url; *p; p++)
        if (*p == '\\' || (unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
            return false;
    const char *name = strcmp(url, "/") == 0 ? "/index.html" : url;
    if ((size_t)snprintf(out, cap, "%s%s", root, name) >= cap)
        return false;
    const char *last = strrchr(name, '/');
    if (!strchr(last, '.') && !exists(out)) /* an app route: the app draws it */
        return (size_t)snprintf(out, cap, "%s/index.html", root) < cap;
    return true;
}
