/* answer_cache.c — shared answers of costly public reads. See answer_cache.h.
 *
 * A fixed table of entries under one mutex, searched by URL (a few dozen, and only for the routes
 * that share their answers). An entry is `making` while one caller makes its answer for all; it
 * is `kept` once it holds an answer. An entry that is making is never evicted, and one that holds
 * no answer yet is emptied when its maker drops it. */
#include "server/answer_cache.h"

#include "base/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *url; /* NULL: the entry is free */
    bool kept, making;
    th_buf body;
    const char *content_type;
    uint64_t gen;
    double made, cost, used;
} entry;

struct th_answer_cache {
    pthread_mutex_t mu;
    entry e[TH_ANSWER_ENTRIES];
    uint64_t served, made;
};

th_answer_cache *th_answer_cache_new(void)
{
    th_answer_cache *c = th_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    for (int i = 0; i < TH_ANSWER_ENTRIES; i++)
        th_buf_init(&c->e[i].body);
    return c;
}

void th_answer_cache_free(th_answer_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < TH_ANSWER_ENTRIES; i++) {
        free(c->e[i].url);
        th_buf_free(&c->e[i].body);
    }
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static entry *find(th_answer_cache *c, const char *url)
{
    for (int i = 0; i < TH_ANSWER_ENTRIES; i++)
        if (c->e[i].url && strcmp(c->e[i].url, url) == 0)
            return &c->e[i];
    return NULL;
}

static void empty(entry *x)
{
    free(x->url);
    x->url = NULL;
    x->kept = x->making = false;
    th_buf_reset(&x->body);
}

/* A free entry, else the least recently served one not making; NULL when every one is. */
static entry *room(th_answer_cache *c)
{
    entry *best = NULL;
    for (int i = 0; i < TH_ANSWER_ENTRIES; i++) {
        entry *x = &c->e[i];
        if (!x->url)
            return x;
        if (!x->making && (!best || x->used < best->used))
            best = x;
    }
    if (best)
        empty(best);
    return best;
}

static bool slow(const entry *x)
{
    return x->cost * 1000 >= TH_ANSWER_SLOW_MS;
}

int th_answer_cache_get(th_answer_cache *c, const char *url, uint64_t gen, double now,
                        th_buf *body, const char **content_type, bool *mine)
{
    *mine = false;
    pthread_mutex_lock(&c->mu);
    entry *x = find(c, url);
    bool serve = x && x->kept &&
                 (x->gen == gen ||
                  (slow(x) && (x->making || (now - x->made) * 1000 < TH_ANSWER_STALE_MS)));
    if (serve) {
        th_buf_put(body, x->body.p, x->body.len);
        *content_type = x->content_type;
        x->used = now;
        c->served++;
    } else if (x && !x->making) {
        x->making = *mine = true; /* stale: this caller makes the next one */
    } else if (!x && (x = room(c)) != NULL) {
        x->url = th_xstrdup(url);
        x->making = *mine = true;
        x->used = now;
    } /* else another caller makes it, and there is none to serve meanwhile: make one too */
    pthread_mutex_unlock(&c->mu);
    return serve;
}

void th_answer_cache_put(th_answer_cache *c, const char *url, uint64_t gen, double made,
                         double cost, const char *content_type, const th_buf *body)
{
    pthread_mutex_lock(&c->mu);
    entry *x = find(c, url);
    if (x && x->making) {
        x->making = false;
        if (body->len <= TH_ANSWER_MAX_BYTES) {
            th_buf_reset(&x->body);
            th_buf_put(&x->body, body->p, body->len);
            x->content_type = content_type;
            x->gen = gen;
            x->made = made;
            x->cost = cost;
            x->kept = true;
            c->made++;
        } else {
            empty(x); /* too big to keep; what it held is out of date */
        }
    }
    pthread_mutex_unlock(&c->mu);
}

void th_answer_cache_drop(th_answer_cache *c, const char *url)
{
    pthread_mutex_lock(&c->mu);
    entry *x = find(c, url);
    if (x && x->making) {
        x->making = false;
        if (!x->kept)
            empty(x);
    }
    pthread_mutex_unlock(&c->mu);
}

void th_answer_cache_counts(th_answer_cache *c, uint64_t *served, uint64_t *made)
{
    pthread_mutex_lock(&c->mu);
    *served = c->served;
    *made = c->made;
    pthread_mutex_unlock(&c->mu);
}
