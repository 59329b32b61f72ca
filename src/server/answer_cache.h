/* answer_cache.h — the answers of public reads that are the same for everyone and may cost much
 * to make (the supply, a book, bars: each reads a table that trading makes longer), shared by the
 * request threads.
 *
 * An answer is kept by its URL with the commit count it was made at (the sequencer's committed
 * batches, read before the answer was begun: so it holds at least every commit that count
 * covers), when it was made and what it cost. It is served again while no commit comes; and when
 * it took at least TH_ANSWER_SLOW_MS to make, for up to TH_ANSWER_STALE_MS whatever commits
 * meanwhile, and to every asker while one thread makes the next. So such a read is made at most
 * about once a second for each URL, however many clients ask for it and however fast: without
 * that, a client asking the supply of a registry of 200,000 blocks (0.27 s) 60 times a second
 * held all 16 request threads. An answer cheaper than that is never served stale.
 *
 * At most TH_ANSWER_ENTRIES answers are kept (the least recently served gives way), each at most
 * TH_ANSWER_MAX_BYTES. Thread-safe; no I/O: the caller gives the time. */
#ifndef TH_ANSWER_CACHE_H
#define TH_ANSWER_CACHE_H

#include "base/buf.h"

#include <stdbool.h>
#include <stdint.h>

enum {
    TH_ANSWER_SLOW_MS = 20,
    TH_ANSWER_STALE_MS = 1000,
    TH_ANSWER_ENTRIES = 64,
    TH_ANSWER_MAX_BYTES = 1 << 20
};

typedef struct th_answer_cache th_answer_cache;

th_answer_cache *th_answer_cache_new(void);
void th_answer_cache_free(th_answer_cache *c);
/* An answer for url at commit count gen and time now (seconds, monotonic): 1 with its body
 * appended to body and its content type; else 0, and the caller makes it. When *mine, the caller
 * is the one making it for all: it then calls th_answer_cache_put with the answer, or
 * th_answer_cache_drop when there is none to keep (not a 200). */
int th_answer_cache_get(th_answer_cache *c, const char *url, uint64_t gen, double now,
                        th_buf *body, const char **content_type, bool *mine);
/* The answer made for url (content_type static), begun at commit count gen, at time made,
 * having taken cost seconds. */
void th_answer_cache_put(th_answer_cache *c, const char *url, uint64_t gen, double made,
                         double cost, const char *content_type, const th_buf *body);
void th_answer_cache_drop(th_answer_cache *c, const char *url);
/* Answers served from the cache, and made for it, so far. */
void th_answer_cache_counts(th_answer_cache *c, uint64_t *served, uint64_t *made);

#endif
