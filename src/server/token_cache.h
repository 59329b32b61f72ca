/* token_cache.h — the users of the bearer and session tokens a server saw lately, so that a
 * request's authentication reads no database (the read transaction it took, with its locks,
 * was a quarter of the server's work on a request refused early: BENCHMARKS.md).
 *
 * Only answers of "this token is good" are kept, each with the users generation
 * (th_users_generation) read before its row was; an entry counts only while that generation
 * is the current one. Every write of users or tokens in this process moves it, so a revoked
 * token (a logout) is refused from the moment its revocation commits, and a token's end is
 * checked against the clock at every use. While the server runs no other process writes these
 * rows (the serve lock refuses `tanhui user` and `tanhui token`), so the cache sees every
 * change. Safe from any thread. */
#ifndef TH_TOKEN_CACHE_H
#define TH_TOKEN_CACHE_H

#include "server/users.h"

#include <stdint.h>

typedef struct th_token_cache th_token_cache;

th_token_cache *th_token_cache_new(void);
void th_token_cache_free(th_token_cache *c);
/* As th_token_user at time now (seconds since the epoch): 1 with *u when the token is good, 0
 * when it is unknown, revoked or past its end; db is read only when the cache has no answer. */
int th_token_cache_user(th_token_cache *c, th_db *db, const char *token, int64_t now,
                        th_user *u, th_err *e) __attribute__((warn_unused_result));

#endif
