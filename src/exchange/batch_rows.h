/* batch_rows.h — what the exchange keeps through a batch, switched and written together: the
 * orders' rows (order_rows.h) and the cash balances (cash.h). The engine keeps them for the
 * order commands (th_batch_rows_defer), writes them before every other command, before the first
 * command after a failed one, and at the batch's end (th_batch_rows_flush), undoes a failed
 * command's (mark, rewind) and forgets them when a batch is rolled back (drop). */
#ifndef TH_BATCH_ROWS_H
#define TH_BATCH_ROWS_H

#include "base/err.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    size_t orders, cash;
} th_batch_mark;

void th_batch_rows_defer(th_db *db, bool on);
int th_batch_rows_flush(th_db *db, th_err *e) __attribute__((warn_unused_result));
th_batch_mark th_batch_rows_mark(th_db *db);
void th_batch_rows_rewind(th_db *db, th_batch_mark mark);
void th_batch_rows_drop(th_db *db);

#endif
