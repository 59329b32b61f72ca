/* batch_rows.c — the exchange's kept rows, together. See batch_rows.h. */
#include "exchange/batch_rows.h"

#include "exchange/cash.h"
#include "exchange/order_rows.h"

void th_batch_rows_defer(th_db *db, bool on)
{
    th_order_rows_defer(db, on);
    th_cash_defer(db, on);
}

int th_batch_rows_flush(th_db *db, th_err *e)
{
    return th_order_rows_flush(db, e) || th_cash_flush(db, e) ? -1 : 0;
}

th_batch_mark th_batch_rows_mark(th_db *db)
{
    return (th_batch_mark){th_order_rows_mark(db), th_cash_mark(db)};
}

void th_batch_rows_rewind(th_db *db, th_batch_mark mark)
{
    th_order_rows_rewind(db, mark.orders);
    th_cash_rewind(db, mark.cash);
}

void th_batch_rows_drop(th_db *db)
{
    th_order_rows_drop(db);
    th_cash_drop(db);
}
