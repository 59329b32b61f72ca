/* router.h — the API's routes: a method and a path pattern ("/api/v1/accounts/{id}/holdings")
 * to a handler. Pure: matching a request's path against the table, the path's parameters
 * percent-decoded (account names are UTF-8). The same table makes the OpenAPI document, so the
 * two cannot drift. */
#ifndef TH_ROUTER_H
#define TH_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

enum { TH_ROUTE_PARAMS = 4, TH_ROUTE_PARAM_MAX = 512 };

typedef struct {
    size_t n;
    const char *name[TH_ROUTE_PARAMS]; /* points into the pattern, up to '}' */
    size_t name_len[TH_ROUTE_PARAMS];
    char value[TH_ROUTE_PARAMS][TH_ROUTE_PARAM_MAX]; /* decoded, NUL-terminated */
} th_route_params;

/* The value of parameter name ("id"), or NULL. */
const char *th_route_param(const th_route_params *p, const char *name);

/* Whether path matches pattern, filling p. A parameter matches one non-empty segment; a
 * segment that decodes to a '/' or a NUL, or is malformed, does not match. */
bool th_route_match(const char *pattern, const char *path, th_route_params *p);

/* Percent-decode s[0..n) into out (cap bytes with the NUL); -1 on a bad escape, a NUL, or no
 * room. */
int th_url_decode(const char *s, size_t n, char *out, size_t cap);

#endif
