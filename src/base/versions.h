/* versions.h — records kept by key through a batch, each change a new version, undone to a mark.
 *
 * The rows a batch of commands changes (orders, cash balances) are kept here until the batch
 * writes them, once each (exchange/order_rows.h, exchange/cash.h). Every change appends a version
 * of its key's record, which supersedes the key's last one; th_versions_latest finds a key's
 * latest version through a table by key (open addressing). th_versions_rewind pops versions, last
 * first, which is what a command rolled back to its savepoint needs.
 *
 * Invariants: a key's latest version is the last one pushed and not popped; the table holds
 * exactly the keys with a version, and stays at most half full. Keys leave the table in the
 * reverse of the order they came in (a rewind, a clear), which linear probing allows: no key still
 * in the table was placed past a slot that is emptied. Records are fixed-size bytes, copied in;
 * pointers into the versions are valid until the next push. Pure: no I/O. */
#ifndef TH_VERSIONS_H
#define TH_VERSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t size;     /* of a record */
    unsigned char *v; /* the versions: a header (versions.c) and the record, one after another */
    size_t n, cap;
    int32_t *slot;   /* 1 + index of a key's latest version (0: empty) */
    size_t nslots, nkeys;
} th_versions;

void th_versions_init(th_versions *vs, size_t record_size);
void th_versions_free(th_versions *vs);
/* The key's latest record (NULL: none). */
void *th_versions_latest(const th_versions *vs, int64_t key);
/* A new version of key's record, a copy of rec; returns where it is kept. */
void *th_versions_push(th_versions *vs, int64_t key, const void *rec);
/* Version i (0 <= i < n, in the order pushed): its record, key, and whether it is its key's
 * latest. */
void *th_versions_at(const th_versions *vs, size_t i, int64_t *key, bool *latest);
size_t th_versions_count(const th_versions *vs);
/* Pop the versions pushed since the mark (a count); before each is popped, undo (if set) sees
 * it, last first. */
void th_versions_rewind(th_versions *vs, size_t mark, void (*undo)(void *rec, void *arg),
                        void *arg);
/* Write each key's latest version, in the order pushed: those for which alone(rec) is true one at
 * a time through one(rec), the others `many` at a time through group (recs, n: many, or 1 for
 * each of the rest, so that a caller builds two statements only). The first nonzero return stops
 * the walk and is returned. (The batch's kept rows: an UPDATE each for the rows the store has, a
 * multi-row INSERT for the new ones.) */
int th_versions_write(const th_versions *vs, bool (*alone)(const void *rec),
                      int (*one)(const void *rec, void *arg),
                      int (*group)(const void *const *recs, int n, void *arg), int many,
                      void *arg);
/* Forget every version. */
void th_versions_clear(th_versions *vs);

#endif
