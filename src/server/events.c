/* events.c — the stream's hub. See events.h.
 *
 * Invariants: the ring holds the events with ids (last - n, last], in order; a subscriber is
 * `waiting` exactly while it is parked and not yet woken; wake functions run outside the lock,
 * after the park they answer (the park ran under the lock that set `waiting`). */
#include "server/events.h"

#include "base/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    uint64_t id;
    int64_t instrument;
    char *wire; /* "id: N\nevent: TYPE\ndata: JSON\n\n" */
} event;

struct th_events {
    pthread_mutex_t mu;
    pthread_cond_t gone; /* a subscriber left */
    event *ring;
    size_t cap, n, head; /* the oldest at head */
    uint64_t last;
    th_subscriber *subs;
    size_t nsubs;
    bool closed;
};

th_events *th_events_new(size_t cap)
{
    th_events *h = th_xcalloc(1, sizeof *h);
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->gone, NULL);
    h->cap = cap ? cap : 1;
    h->ring = th_xcalloc(h->cap, sizeof *h->ring);
    return h;
}

void th_events_free(th_events *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->cap; i++)
        free(h->ring[i].wire);
    free(h->ring);
    pthread_cond_destroy(&h->gone);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

/* Take the waiting subscribers off (under the lock); their wake functions run after. */
typedef struct {
    th_subscriber **s;
    size_t n;
} woken;

static void take_waiting(th_events *h, woken *w)
{
    w->s = h->nsubs ? th_xmalloc(h->nsubs * sizeof *w->s) : NULL;
    w->n = 0;
    for (th_subscriber *s = h->subs; s; s = s->next)
        if (s->waiting) {
            s->waiting = false;
            w->s[w->n++] = s;
        }
}

static void wake_all(woken *w)
{
    for (size_t i = 0; i < w->n; i++)
        w->s[i]->wake(w->s[i]->arg);
    free(w->s);
}

void th_events_publish(th_events *h, const char *type, int64_t instrument, const char *data)
{
    th_buf b;
    th_buf_init(&b);
    pthread_mutex_lock(&h->mu);
    uint64_t id = ++h->last;
    th_buf_printf(&b, "id: %llu\nevent: %s\ndata: %s\n\n", (unsigned long long)id, type, data);
    size_t at = (h->head + h->n) % h->cap;
    if (h->n == h->cap) { /* full: the oldest goes */
        at = h->head;
        h->head = (h->head + 1) % h->cap;
        free(h->ring[at].wire);
    } else {
        h->n++;
    }
    h->ring[at] = (event){id, instrument, b.p};
    woken w;
    take_waiting(h, &w);
    pthread_mutex_unlock(&h->mu);
    wake_all(&w);
}

bool th_events_listened(th_events *h)
{
    pthread_mutex_lock(&h->mu);
    bool any = h->nsubs > 0;
    pthread_mutex_unlock(&h->mu);
    return any;
}

uint64_t th_events_last(th_events *h)
{
    pthread_mutex_lock(&h->mu);
    uint64_t v = h->last;
    pthread_mutex_unlock(&h->mu);
    return v;
}

void th_events_subscribe(th_events *h, th_subscriber *s)
{
    pthread_mutex_lock(&h->mu);
    s->waiting = s->ping = false;
    s->prev = NULL;
    s->next = h->subs;
    if (h->subs)
        h->subs->prev = s;
    h->subs = s;
    h->nsubs++;
    pthread_mutex_unlock(&h->mu);
}

void th_events_unsubscribe(th_events *h, th_subscriber *s)
{
    pthread_mutex_lock(&h->mu);
    if (s->prev)
        s->prev->next = s->next;
    else
        h->subs = s->next;
    if (s->next)
        s->next->prev = s->prev;
    h->nsubs--;
    pthread_cond_broadcast(&h->gone);
    pthread_mutex_unlock(&h->mu);
}

int th_events_read(th_events *h, th_subscriber *s, th_buf *out)
{
    pthread_mutex_lock(&h->mu);
    if (h->closed) {
        pthread_mutex_unlock(&h->mu);
        return -1;
    }
    size_t before = out->len;
    uint64_t oldest = h->last - h->n + 1;
    if (s->cursor > h->last) /* an id from before a restart: from now on */
        s->cursor = h->last;
    if (s->cursor + 1 < oldest) {
        th_buf_printf(out, "event: lagged\ndata: {\"missed\":%llu}\n\n",
                      (unsigned long long)(oldest - 1 - s->cursor));
        s->cursor = oldest - 1;
    }
    for (uint64_t id = s->cursor + 1; id <= h->last; id++) {
        const event *ev = &h->ring[(h->head + (id - oldest)) % h->cap];
        if (!s->instrument || !ev->instrument || ev->instrument == s->instrument)
            th_buf_puts(out, ev->wire);
    }
    s->cursor = h->last;
    if (s->ping) {
        th_buf_puts(out, ": keep-alive\n\n");
        s->ping = false;
    }
    int r = out->len > before;
    if (!r) {
        s->waiting = true;
        s->park(s->arg);
    }
    pthread_mutex_unlock(&h->mu);
    return r;
}

void th_events_ping(th_events *h)
{
    pthread_mutex_lock(&h->mu);
    for (th_subscriber *s = h->subs; s; s = s->next)
        s->ping = true;
    woken w;
    take_waiting(h, &w);
    pthread_mutex_unlock(&h->mu);
    wake_all(&w);
}

void th_events_close(th_events *h)
{
    pthread_mutex_lock(&h->mu);
    h->closed = true;
    woken w;
    take_waiting(h, &w);
    pthread_mutex_unlock(&h->mu);
    wake_all(&w);
}

bool th_events_drain(th_events *h, int ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&h->mu);
    while (h->nsubs && pthread_cond_timedwait(&h->gone, &h->mu, &until) == 0)
        ;
    bool empty = h->nsubs == 0;
    pthread_mutex_unlock(&h->mu);
    return empty;
}
