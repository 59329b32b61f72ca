/* batch_rows.c — the exchange's kept rows, together. See batch_rows.h. */
#include "exchange/batch_rows.h"

#include "exchange/cash.h"
#include "exchange/order_rows.h"
#include "ledger/block_rows.h"

int th_batch_rows_flush(th_db *db, th_err *e)
{
    return th_order_rows_flush(db, e) || th_cash_flush(db, e) || th_block_rows_flush(db, e) ? -1
                                                                                           : 0;
}

th_batch_mark th_batch_rows_mark(th_db *db)
{
    return (th_batch_mark){th_order_rows_mark(db), th_cash_mark(db), th_block_rows_mark(db)};
}

void th_batch_rows_rewind(th_db *db, th_batch_mark mark)
{
    th_order_rows_rewind(db, mark.orders);
    th_cash_rewind(db, mark.cash);
    th_block_rows_rewind(db, mark.blocks);
}
