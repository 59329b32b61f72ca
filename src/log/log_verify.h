/* log_verify.h — checking the stored log against itself, as an auditor would: every leaf and
 * subtree hash recomputed from the entries, every checkpoint's signature and root, and each
 * checkpoint consistent with the next. It trusts nothing stored but the entries; the first
 * thing that does not hold is named (the entry, the hash's level and index, or the checkpoint's
 * size). Whether the entries themselves say what the registry holds is log_replay.h's part. */
#ifndef TH_LOG_VERIFY_H
#define TH_LOG_VERIFY_H

#include "base/err.h"
#include "log/note.h"
#include "store/db.h"

#include <stdint.h>

typedef struct {
    int64_t entries, hashes, checkpoints;
} th_log_verified;

/* v: the log's verifier key (NULL when the database has none: then any checkpoint fails). */
int th_log_verify(th_db *db, const th_note_verifier *v, th_log_verified *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
