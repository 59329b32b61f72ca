/* blocks.h — handing credits between holders and states, block by block (domain: registry.md,
 * "Credit block", "Moving part of a block splits it exactly").
 *
 * The exchange's moves: a sell order reserves its credits (available -> reserved, marked with
 * the order), a trade delivers them (reserved -> the buyer's, available), a cancel releases them
 * (reserved -> available). Credits go lowest serials first; a block the count ends inside is
 * split, its rest keeping its holder, state and order, so the rows always partition the serials
 * issued. Runs inside the engine's transaction, in a command's savepoint: when the source holds
 * fewer credits than asked it fails having handed some, and the savepoint undoes them (no
 * count is taken first: a sell order would pay for it every time). While the connection keeps
 * rows (the engine's order commands) the blocks are kept to the batch's end instead
 * (block_rows.h). (Transfers and retirements keep their own tuned path in moves.c.) */
#ifndef TH_BLOCKS_H
#define TH_BLOCKS_H

#include "base/err.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t account;
    bool reserved;   /* the account's blocks reserved for `order`; else its available ones */
    int64_t order;
    int64_t project; /* available: 0 any */
    int vintage;     /* available: 0 any */
    bool t_plus_one; /* available: not those the account bought in trades after bought_after */
    int64_t bought_after;
} th_block_source;

typedef struct {
    int64_t account;
    bool reserved; /* reserved for `order`; else available */
    int64_t order;
} th_block_dest;

typedef struct {
    int64_t project;
    int vintage;
    int64_t first, last;
} th_range;

/* A held block's row: available, or reserved for an order. */
typedef struct {
    int64_t id, issuance, project;
    int vintage;
    int64_t first, last, account;
    bool reserved;
    int64_t order; /* reserved: the order; else 0 */
} th_block_row;

/* The source's rows that begin after serial `after`, lowest first, 64 at most (for
 * block_rows.c); read each with th_block_row_from, then th_db_done. */
enum { TH_BLOCKS_PAGE = 64 };
int th_blocks_page(th_db *db, const th_block_source *src, int64_t after, sqlite3_stmt **st,
                   th_err *e) __attribute__((warn_unused_result));
void th_block_row_from(sqlite3_stmt *st, const th_block_source *src, th_block_row *b);
/* Under T+1 (src->bought_after), whether src's account bought the serials first..last in a
 * trade of the session: the rule the page's SQL applies to a stored row, for a kept one. 1 yes,
 * 0 no, -1 the store failed. */
int th_blocks_bought(th_db *db, const th_block_source *src, int64_t first, int64_t last,
                     th_err *e) __attribute__((warn_unused_result));

/* How many credits the source holds. */
int th_blocks_count(th_db *db, const th_block_source *src, int64_t *n, th_err *e)
    __attribute__((warn_unused_result));
/* Hand qty (> 0) credits from src to dst, lowest serials first; each range handed goes to cb
 * (in serial order). 0; 1 when the source holds fewer (e says how many), so that the caller can
 * say why in its own terms; -1 when the store fails. */
int th_blocks_hand(th_db *db, const th_block_source *src, int64_t qty, const th_block_dest *dst,
                   void (*cb)(const th_range *r, void *arg), void *arg, th_err *e)
    __attribute__((warn_unused_result));

#endif
