/* batch_rows.h — what the exchange keeps through a batch, marked, undone and written together:
 * the orders' rows (order_rows.h), the cash balances (cash.h) and the credit blocks
 * (ledger/block_rows.h), kept while the connection keeps
 * rows (th_db_keep_rows, which the engine sets for the order commands). The engine writes them
 * before every other command, before the first command after a failed one, and at the batch's
 * end (th_batch_rows_flush), and undoes a failed command's (mark, rewind); a rolled-back
 * transaction empties them (th_db_kept). */
#ifndef TH_BATCH_ROWS_H
#define TH_BATCH_ROWS_H

#include "base/err.h"
#include "store/db.h"

#include <stddef.h>

typedef struct {
    size_t orders, cash, blocks;
} th_batch_mark;

int th_batch_rows_flush(th_db *db, th_err *e) __attribute__((warn_unused_result));
th_batch_mark th_batch_rows_mark(th_db *db);
void th_batch_rows_rewind(th_db *db, th_batch_mark mark);

#endif
