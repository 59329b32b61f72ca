/* cash.h — accounts' cash in CNY, integer fen (domain: market.md "Units", registry.md
 * invariants 4 and 5).
 *
 * Each account that ever held cash has one row of `cash`: its balance and the part of it
 * reserved (冻结) for open buy orders; available = balance - reserved. Money enters and leaves
 * the registry only by the operator's deposits and withdrawals, each a row of `cash_moves`; trades,
 * fees and benefit shares move it between accounts and never make or lose a fen. So, at every
 * commit: the sum of all balances = deposits - withdrawals (invariant 5), and 0 <= reserved <=
 * balance for every account (invariant 4; the table's CHECKs refuse anything else).
 *
 * Amounts are written like "1250.50" (at most two decimals, no sign, no exponent) and shown the
 * same way. The buffer account holds no cash; the fees account receives only fees (it may be
 * withdrawn from). These functions run inside the engine's transaction and change nothing on
 * failure. */
#ifndef TH_CASH_H
#define TH_CASH_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "base/json.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most one amount may be: 10^15 fen (ten trillion yuan), far past any account, and far
 * below where int64 sums of them could overflow. */
#define TH_FEN_MAX ((int64_t)1000000000000000)

/* "1250.50" -> 125050; 0 or -1 (nothing written) when it is not a positive amount of at most two
 * decimals up to TH_FEN_MAX. */
int th_money_parse(const char *s, int64_t *fen) __attribute__((warn_unused_result));
/* 125050 -> "1250.50" (a minus sign when negative); returns the length. */
size_t th_money_format(int64_t fen, char out[32]);

/* "key":"1250.50" into a JSON object being written. */
void th_money_field(th_json *j, const char *key, int64_t fen);

typedef struct {
    int64_t balance, reserved;
} th_cash;

/* An account's cash (zeros when it never had any). */
int th_cash_get(th_db *db, int64_t account, th_cash *c, th_err *e)
    __attribute__((warn_unused_result));

/* 0 when the account (by id) has `need` fen available (its balance less what it reserves); else
 * -1 with e: "insufficient cash: <why> <need> CNY; <account> has <available> available (<reserved>
 * reserved for open orders)", or without the first part when why is NULL. */
int th_cash_require(th_db *db, int64_t account, int64_t need, const char *why, th_err *e)
    __attribute__((warn_unused_result));

/* Change an account's balance and reservation by these amounts (a row made when it has none);
 * refused (TH_EINTERNAL: the callers check first) for a balance below 0 or below the
 * reservation, as the table's CHECKs would. The exchange's settlement. */
int th_cash_change(th_db *db, int64_t account, int64_t d_balance, int64_t d_reserved, th_err *e)
    __attribute__((warn_unused_result));

/* The balances the exchange's order commands change are kept with the writing connection
 * (th_db_kept) and written once each when the batch ends, as the orders' rows are (order_rows.h;
 * the engine switches both, through batch_rows.h): th_cash_flush writes them, th_cash_mark and
 * th_cash_rewind undo a failed command's; a rolled-back transaction empties them. When the
 * connection does not keep rows (th_db_keep_rows, the default), th_cash_change writes at once.
 * th_cash_get reads the kept balance. */
int th_cash_flush(th_db *db, th_err *e) __attribute__((warn_unused_result));
size_t th_cash_mark(th_db *db);
void th_cash_rewind(th_db *db, size_t mark);

/* Deposit or withdraw (amount > 0) for an account named by id or name; reference: the
 * operator's note (a bank transfer's number), may be NULL. Writes the movement and the new
 * balance as JSON into out. A withdrawal takes only available cash. */
int th_cash_deposit(th_db *db, const char *account, int64_t amount, const char *reference,
                    const char *now, th_buf *out, th_cjson *ev, th_err *e)
    __attribute__((warn_unused_result));
int th_cash_withdraw(th_db *db, const char *account, int64_t amount, const char *reference,
                     const char *now, th_buf *out, th_cjson *ev, th_err *e)
    __attribute__((warn_unused_result));

/* {"account":ID,"name":..,"balance_fen":..,"available_fen":..,"reserved_fen":..,"balance":"..",
 *  "available":"..","reserved":".."} */
int th_cash_balance_json(th_db *db, const char *account, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
