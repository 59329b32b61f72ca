/* sharing.h — benefit sharing (联农带农, domain: market.md "Benefit sharing").
 *
 * A project may list beneficiaries, each an account with a positive weight. By hand the weights
 * are decimals with up to six places (stored times 10^6); from a monitoring report measured by
 * owner (`report add ... --by owner`), each owner whose parcels gained carbon gets its measured
 * net change in grams of CO2e, so the weights are the owners' shares of the removals. An owner
 * is the account of the same name (with --add-accounts KIND, one is made for an owner that has
 * none). Setting a project's beneficiaries replaces the list.
 *
 * When a trade delivers a project's credits out of its owner's account, the owner's net proceeds
 * for them (the trade's value less the owner's fee, shared among the trade's projects by their
 * credits) are split among the beneficiaries by weight, exactly to the fen: each gets the floor
 * of its share, and the fen left over go one each to the largest remainders (ties to the lower
 * account id). A beneficiary that is the owner keeps its part without a payout. Every payout is
 * a row naming its trade. Runs inside the engine's transaction. */
#ifndef TH_SHARING_H
#define TH_SHARING_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "ledger/blocks.h"
#include "store/db.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *project;
    const char *report;           /* from a report measured by owner; NULL: by hand */
    const char *add_accounts;     /* with a report: the kind of the accounts to make, or NULL */
    const char *const *accounts;  /* by hand */
    const int64_t *weights;       /* by hand, times 10^6 */
    size_t n;
} th_share_new;

int th_project_share(th_db *db, const th_share_new *s, const char *now, th_buf *out,
                     th_cjson *ev, th_err *e) __attribute__((warn_unused_result));

/* amount (>= 0) split by the weights (>= 0, not all 0), to the unit: each gets the floor of its
 * share, then the units left go one each to the largest remainders, ties to the earlier entry. */
void th_split_largest_remainder(int64_t amount, const int64_t *w, size_t n, int64_t *out);

/* Split the seller's net proceeds of a trade (net fen for the credits delivered as the ranges
 * given) among the beneficiaries of the seller's projects; *paid gets the fen paid out (taken from
 * the seller by the caller). Payouts go to ev (an array; NULL: none). */
int th_share_proceeds(th_db *db, int64_t trade, int64_t seller, int64_t net,
                      const th_range *ranges, size_t nranges, const char *now, th_cjson *ev,
                      int64_t *paid, th_err *e) __attribute__((warn_unused_result));

/* {"account", "total_fen", "total", "payouts": [{"id", "trade", "project", "amount_fen",
 * "amount", "time"}]}, newest first. */
int th_payouts_json(th_db *db, const char *account, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
/* {"project", "beneficiaries": [{"account", "name", "weight"}]} */
int th_beneficiaries_json(th_db *db, const char *project, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
