/* issuance.h — turning a verified report into credits, or a reversal into cancellations
 * (domain: registry.md, "Issuance", "Serial numbers", "Reversals and the buffer").
 *
 * A positive report takes the next contiguous range of registry-wide serial numbers (never
 * reused: the next number lives in `meta`): its first owner_credits serials go to the project's
 * owner, the rest to the pooled buffer account, as two blocks. A report with a reversal cancels
 * ceil(reversal) credits from the buffer account, lowest serials first, splitting a block where
 * the count ends inside it; what the buffer cannot cover is the project's outstanding reversal,
 * and a project with one is issued nothing more. Either way the report becomes `issued`.
 *
 * Blocks are rows (first, last, state, holder); a split shrinks a row and adds one, so the rows
 * always partition the serials issued. Runs inside the engine's transaction. */
#ifndef TH_ISSUANCE_H
#define TH_ISSUANCE_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "ledger/serial.h"
#include "store/db.h"

/* The registry's code in serial numbers (meta registry_code, "SGFC"). */
void th_registry_code(th_db *db, char out[16]);
/* A serial range's text in this registry: "SGFC-P0007-2024-000000001-000000100". */
void th_block_serial(th_db *db, int64_t project, int vintage, int64_t first, int64_t last,
                     char out[TH_SERIAL_TEXT_MAX]);

/* Push onto arr (NULL: nothing) a serial range of a log event: {"account" (left out when 0),
 * "first", "last", "project", "vintage"}. */
void th_event_range(th_cjson *arr, int64_t project, int vintage, int64_t first, int64_t last,
                    int64_t account);
int th_issue_report(th_db *db, const char *report, const char *now, th_buf *out, th_cjson *ev,
                    th_err *e)
    __attribute__((warn_unused_result));
/* {"account":{...}, "total", "available", "reserved", "blocks":[...]} */
int th_holdings_json(th_db *db, const char *account, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
/* {"issued", "held", "retired", "cancelled", "buffer", "by":[per project and vintage]} */
int th_supply_json(th_db *db, th_buf *out, th_err *e) __attribute__((warn_unused_result));

#endif
