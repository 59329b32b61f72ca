/* block_rows.h — the credit blocks of a batch's order commands, kept to the batch's end.
 *
 * A sell order reserves its credits, a trade delivers them, a cancel releases them: each splits
 * a block row and changes it (blocks.h). Written as it happens, that is an UPDATE and an INSERT
 * of a row with three indexes, some 50,000 instructions, and the pages they touch journaled
 * again for the command's savepoint: 40 % of an order's cost. While the connection keeps rows
 * (th_db_keep_rows, which the engine sets for the order commands) th_blocks_hand and
 * th_blocks_count come here instead: the blocks they change are kept with the writing connection
 * as versions by block id (base/versions.h), and th_block_rows_flush writes each changed row
 * once, in its last version, when the batch ends (before its log entries and its commit: the
 * same transaction, the same crash safety).
 *
 * Finding an account's lowest qualifying serials reads two sources, merged by serial: the store's
 * rows (a page at a time, those with a kept version passed over) and the kept versions, which
 * are chained by holder (a second set of versions, keyed by account, holds each account's newest
 * block version, and each block version the one before it in its holder's chain), so that a
 * query walks only its own account's changes. T+1 is asked of the store for a kept version as
 * the SQL asks it of a stored row: trades and their serials are written at once.
 *
 * The store's rows an account's available credits are read from are kept too, as the batch read
 * them (the first few, and one more than a hand took): the next sell of that account in the
 * batch, which wants the same rows and the one after, finds them there instead of asking the
 * store again (bench-market: 42,582 of those queries became 22,824). They are kept by holder
 * (th_db_kept) while the store's rows cannot change: a flush, a command that writes at once
 * (th_db_keep_rows) and a rollback empty them.
 *
 * Invariants:
 * - A block id's latest kept version is its row as the batch last made it; the store has the
 *   row as the batch found it (stored: an UPDATE writes it) or none (a row split off in the
 *   batch: an INSERT writes it, with the id handed out here from the store's highest).
 * - Every block version pushes one holder version, so one count marks both; a rewind pops both
 *   to the mark, and the next id with them. A rolled-back transaction empties both (th_db_kept).
 * - A hand that finds too few credits changes nothing (it reads all it takes before it takes).
 * - Kept versions exist only while rows are kept: the engine flushes them (th_batch_rows_flush)
 *   before any other command, which reads and writes blocks with SQL of its own. */
#ifndef TH_BLOCK_ROWS_H
#define TH_BLOCK_ROWS_H

#include "ledger/blocks.h"

#include <stddef.h>

int th_block_rows_hand(th_db *db, const th_block_source *src, int64_t qty,
                       const th_block_dest *dst, void (*cb)(const th_range *r, void *arg),
                       void *arg, th_err *e) __attribute__((warn_unused_result));
int th_block_rows_count(th_db *db, const th_block_source *src, int64_t *n, th_err *e)
    __attribute__((warn_unused_result));
/* Whether any block version is kept. */
bool th_block_rows_kept(th_db *db);
/* Write every kept block's last version and forget them. */
int th_block_rows_flush(th_db *db, th_err *e) __attribute__((warn_unused_result));
/* What is kept now, and forgetting what was kept since. */
size_t th_block_rows_mark(th_db *db);
void th_block_rows_rewind(th_db *db, size_t mark);

#endif
