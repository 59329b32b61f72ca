/* check.h — `tanhui check`: every invariant of registry.md, from the stored rows alone.
 *
 *  1. every issuance's blocks cover exactly its serial range (issued = held + retired +
 *     cancelled, per issuance);
 *  2. blocks are pairwise disjoint, and the serials issued are exactly their union; the next
 *     serial is past every block;
 *  3. retired and cancelled blocks carry their retirement or cancellation, and only they do; each
 *     retirement's recorded ranges are exactly its retired blocks;
 *  4. no balance is negative (a block holds at least one credit; reserved <= held follows; a
 *     cash balance is at least what it reserves);
 *  5. the cash balances add up to the deposits less the withdrawals, and each account's is its
 *     own deposits, withdrawals, trades and fees;
 *  and the exchange's: every reserved block is held for an open sell order of its holder, which
 *  reserves exactly what it has left; every buy order reserves its price and largest fee per
 *  credit left (nothing once closed), and each account's reserved cash is its open orders'; an
 *  order's fills are its trades; a trade delivered exactly its quantity of serials;
 *  and each project's outstanding reversal is what its cancellations could not cover.
 * Read-only; it can run while the writer writes (WAL). */
#ifndef TH_CHECK_H
#define TH_CHECK_H

#include "base/buf.h"
#include "base/err.h"
#include "store/db.h"

/* 0 when every invariant holds (out gets a summary object); 1 with e naming the first violation;
 * -1 when the database could not be read. */
int th_registry_check(th_db *db, th_buf *out, th_err *e) __attribute__((warn_unused_result));

#endif
