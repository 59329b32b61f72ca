/* accounts.h — registry accounts (domain: registry.md, "Objects").
 *
 * An account has a numeric id and a unique name. Names are what people type, so they are checked:
 * valid UTF-8, 1 to 100 characters, no control characters, no surrounding white space, and not
 * all digits (an argument that is all digits is an id). Kinds: state, collective, household,
 * company, verifier, operator; and the registry's own `buffer` (the pooled buffer, made by init)
 * and `fees` (the exchange's fee income), which users cannot add.
 * These functions run inside the engine's transaction; they change nothing on failure. */
#ifndef TH_ACCOUNTS_H
#define TH_ACCOUNTS_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t id;
    char name[404];
    char kind[16];
    char created_at[32];
} th_account;

/* Is KIND one a user may give? */
bool th_account_kind_user(const char *kind);
int th_account_check_name(const char *name, th_err *e) __attribute__((warn_unused_result));

/* Add an account; system: allow the registry's own kinds. Writes the account as a JSON object
 * into out.
 *
 * Every write of the ledger takes `ev`, the transparency-log event of the change (NULL: none),
 * and sets in it what the change did and everything needed to replay it (ids assigned, the
 * input it acted on, serial ranges): see engine.h. */
int th_account_add(th_db *db, const char *name, const char *kind, bool system, const char *now,
                   th_buf *out, th_cjson *ev, th_err *e) __attribute__((warn_unused_result));
/* Find an account by id (all digits) or exact name. */
int th_account_find(th_db *db, const char *ref, th_account *a, th_err *e)
    __attribute__((warn_unused_result));
/* All accounts, as a JSON object {"accounts":[...]} into out. */
int th_account_list_json(th_db *db, th_buf *out, th_err *e) __attribute__((warn_unused_result));
void th_account_json(const th_account *a, th_buf *out);

#endif
