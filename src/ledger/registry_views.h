/* registry_views.h — the public registry's read views for the web app and the API: a project's
 * issuances with the serial blocks each made, and any serial number's block and history.
 *
 * A serial's history is read from what the ledger keeps anyway: the issuance whose range holds
 * it, the trades (trade_parts) and moves (move_parts) whose ranges hold it, in time order. Parts
 * lie inside one issuance's range, so the search is bounded by that range (indexed on first). */
#ifndef TH_REGISTRY_VIEWS_H
#define TH_REGISTRY_VIEWS_H

#include "base/buf.h"
#include "base/err.h"
#include "store/db.h"

#include <stdint.h>

/* {"project", "issuances": [{"id", "report", "vintage", "quantity", "created_at", "blocks":
 * [{"serial", "first", "last", "quantity", "role": "owner"|"buffer"}]}]}, oldest first. */
int th_issuances_json(th_db *db, const char *project, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
/* {"serial": N, "project_name", "block": {"serial", "project", "project_id", "vintage", "first",
 * "last", "quantity", "state", "account": {"id", "name"}}, "history": [{"kind": "issuance" |
 * "trade" | "transfer" | "retirement", "time", ...}]}; ref is the number, or a serial's text
 * whose last number is taken. A number no block holds is an input error. */
int th_serial_json(th_db *db, const char *ref, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
