/* moves.h — transfers and retirements of credits (domain: registry.md, "Transfer",
 * "retirement", "Moving part of a block splits it exactly").
 *
 * Both take credits from an account's available blocks: the named serials (--serials), or else
 * the lowest serials first within the requested project and vintage. A transfer hands them to
 * another account; a retirement makes them `retired` for good, with a beneficiary, a reason and a
 * public certificate (its id is the retirement's). Each move records the serial ranges it moved.
 * A block the count ends inside is split: the rows always partition the serials issued. Runs
 * inside the engine's transaction; a failure changes nothing. */
#ifndef TH_MOVES_H
#define TH_MOVES_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "store/db.h"
#include "store/page.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *from, *to;          /* accounts (to: transfers only) */
    int64_t qty;
    const char *project;            /* NULL: any */
    int vintage;                    /* 0: any */
    const char *serials;            /* NULL: lowest first; else one block's text */
    const char *beneficiary, *reason, *jurisdiction; /* retirements */
    /* set by the engine, not by callers: the index the move's log entry will have (entries are
     * appended in commit order, one per command), kept on the move for its certificate's proof */
    bool has_log_index;
    int64_t log_index;
} th_move;

int th_transfer(th_db *db, const th_move *m, const char *now, th_buf *out, th_cjson *ev,
                th_err *e) __attribute__((warn_unused_result));
int th_retire(th_db *db, const th_move *m, const char *now, th_buf *out, th_cjson *ev,
                th_err *e) __attribute__((warn_unused_result));
/* A retirement certificate: {"id", "date", "account", "beneficiary", "reason", "jurisdiction",
 * "quantity", "blocks"}. */
int th_certificate_json(th_db *db, const char *id, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
/* {"retirements": [certificates...], "next_cursor"}: newest first, a page, filtered by who
 * retired (account), the credits' project and vintage, and the time. */
int th_retirements_page_json(th_db *db, const th_page *pg, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
