/* router.c — matching a path against a route's pattern. See router.h. */
#include "server/router.h"

#include <string.h>

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int th_url_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int h = hex(s[i + 1]), l = hex(s[i + 2]);
            if (h < 0 || l < 0)
                return -1;
            c = h * 16 + l;
            i += 2;
        }
        if (c == 0 || k + 1 >= cap)
            return -1;
        out[k++] = (char)c;
    }
    out[k] = '\0';
    return 0;
}

const char *th_route_param(const th_route_params *p, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < p->n; i++)
        if (p->name_len[i] == len && memcmp(p->name[i], name, len) == 0)
            return p->value[i];
    return NULL;
}

bool th_route_match(const char *pattern, const char *path, th_route_params *p)
{
    p->n = 0;
    const char *a = pattern, *b = path;
    while (*a && *b) {
        if (*a == '{') {
            const char *close = strchr(a, '}');
            size_t seg = strcspn(b, "/");
            if (!close || seg == 0 || p->n == TH_ROUTE_PARAMS)
                return false;
            if (th_url_decode(b, seg, p->value[p->n], sizeof p->value[0]) != 0 ||
                strchr(p->value[p->n], '/'))
                return false;
            p->name[p->n] = a + 1;
            p->name_len[p->n] = (size_t)(close - a - 1);
            p->n++;
            a = close + 1;
            b += seg;
            continue;
        }
        if (*a != *b)
            return false;
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}
