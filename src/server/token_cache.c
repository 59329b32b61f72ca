/* token_cache.c — the users of recently seen tokens. See token_cache.h.
 *
 * A table of SLOTS entries indexed by the first bytes of the token's SHA-256 (uniform, so no
 * probing: a newer token takes its slot), each behind its own lock so that request threads
 * meet only when two of them ask for tokens of the same slot. */
#include "server/token_cache.h"

#include "base/date.h"
#include "base/mem.h"
#include "base/sha256.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

enum { SLOTS = 1024 };

typedef struct {
    pthread_mutex_t mu;
    uint64_t generation; /* 0: empty */
    uint8_t hash[32];
    th_user user;
    char ends[32]; /* "" when the token has no end */
} slot;

struct th_token_cache {
    slot slots[SLOTS];
};

th_token_cache *th_token_cache_new(void)
{
    th_token_cache *c = th_xcalloc(1, sizeof *c);
    for (int i = 0; i < SLOTS; i++)
        pthread_mutex_init(&c->slots[i].mu, NULL);
    return c;
}

void th_token_cache_free(th_token_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < SLOTS; i++)
        pthread_mutex_destroy(&c->slots[i].mu);
    sodium_memzero(c, sizeof *c);
    free(c);
}

int th_token_cache_user(th_token_cache *c, th_db *db, const char *token, int64_t now,
                        th_user *u, th_err *e)
{
    uint8_t hash[32];
    th_sha256(token, strlen(token), hash);
    char at[32], ends[32] = "";
    /* read before the row: a write committed after it makes what is read now stale */
    uint64_t g = th_users_generation();
    slot *s = &c->slots[(hash[0] | (unsigned)hash[1] << 8) % SLOTS];
    pthread_mutex_lock(&s->mu);
    int hit = s->generation == g && sodium_memcmp(s->hash, hash, 32) == 0;
    if (hit) {
        *u = s->user;
        memcpy(ends, s->ends, sizeof ends);
    }
    pthread_mutex_unlock(&s->mu);
    if (hit && !ends[0])
        return 1;
    th_utc_format(now, at);
    if (hit) /* the same test as the query's: a token is good while its end is after now */
        return strcmp(ends, at) > 0;
    int k = th_token_find(db, hash, at, u, ends, e);
    if (k == 1) {
        pthread_mutex_lock(&s->mu);
        s->generation = g;
        memcpy(s->hash, hash, 32);
        s->user = *u;
        memcpy(s->ends, ends, sizeof ends);
        pthread_mutex_unlock(&s->mu);
    }
    return k;
}
