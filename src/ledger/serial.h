/* serial.h — credit serial numbers and blocks (domain: registry.md, "Serial numbers"). Pure.
 *
 * A block is a contiguous, inclusive range of registry-wide serial numbers of one project and
 * vintage, written <REGISTRY>-<PROJECT>-<VINTAGE>-<FIRST>-<LAST>, for example
 * SGFC-P0007-2024-000120001-000121500 (1,500 credits). Numbers are integers, never text: FIRST
 * and LAST are written with at least nine digits and parsed strictly, so a malformed serial
 * ("…-NaN-NaN-undefined") can never reach the ledger.
 *
 * Invariants kept by every function here:
 *   1. 1 <= first <= last <= TH_SERIAL_MAX, so quantity = last - first + 1 never overflows.
 *   2. Splitting partitions exactly: the parts are contiguous, disjoint, and their quantities sum
 *      to the parent's (the CADT bug of 0-10 split into 0-5 and 6-10 "6 units each" cannot happen).
 *   3. Taking credits from a list of blocks takes the lowest serials first. */
#ifndef TH_SERIAL_H
#define TH_SERIAL_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

#define TH_SERIAL_MAX INT64_C(999999999999999) /* 15 digits */

enum { TH_SERIAL_TEXT_MAX = 96 };

typedef struct {
    char registry[16]; /* letters and digits, e.g. "SGFC" */
    char project[24];  /* letters and digits, e.g. "P0007" */
    int vintage;       /* 1900..9999 */
    int64_t first, last;
} th_block;

int64_t th_block_quantity(const th_block *b);

/* Check a block's fields (the invariants above, and the codes' characters). */
int th_block_check(const th_block *b, th_err *e) __attribute__((warn_unused_result));
/* Write it as text (at most TH_SERIAL_TEXT_MAX bytes with the NUL). */
void th_block_format(const th_block *b, char out[TH_SERIAL_TEXT_MAX]);
/* A project's code in serials: P and its id with at least four digits (P0007). */
void th_project_code(int64_t id, char out[24]);
/* Read s[0..n) strictly; the error names the part that is wrong. */
int th_block_parse(const char *s, size_t n, th_block *out, th_err *e)
    __attribute__((warn_unused_result));

/* Split b after its first `qty` credits: head gets them, tail the rest (tail is empty, its
 * quantity 0, when qty equals b's). Fails unless 0 < qty <= quantity(b). */
int th_block_split(const th_block *b, int64_t qty, th_block *head, th_block *tail, th_err *e)
    __attribute__((warn_unused_result));

/* Cut the inclusive range [first, last] out of b: up to three parts, before, the range, after
 * (a part may be empty). Fails unless the range lies inside b. */
int th_block_cut(const th_block *b, int64_t first, int64_t last, th_block *before,
                 th_block *range, th_block *after, th_err *e) __attribute__((warn_unused_result));

/* From blocks sorted by `first` (and disjoint), take `qty` credits lowest serial first: out gets
 * the pieces taken (at most n), *nout their count, *rest_index and *rest the remainder of the last
 * block touched (rest quantity 0 when it was taken whole). Fails if the blocks hold fewer. */
int th_blocks_take(const th_block *blocks, size_t n, int64_t qty, th_block *out, size_t *nout,
                   size_t *rest_index, th_block *rest, th_err *e)
    __attribute__((warn_unused_result));

#endif
