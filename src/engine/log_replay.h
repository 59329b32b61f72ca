/* log_replay.h — the transparency log read back as commands: rebuild a registry from its
 * entries alone, and compare two registries row by row.
 *
 * An entry (engine.h) carries its command's input as the ledger resolved it (account and
 * project ids, the serials named, the measurement) and the time it ran. Replaying applies each
 * entry again through the engine with the clock set to that time, entries of one time in one
 * batch; the engine is deterministic, so the replayed registry must write back the very same
 * entry bytes, or the replay stops there and says so. Then th_state_compare holds the two
 * registries' tables side by side: the same rows, the same values, or the first difference. */
#ifndef TH_LOG_REPLAY_H
#define TH_LOG_REPLAY_H

#include "base/err.h"
#include "engine/engine.h"
#include "log/log_verify.h"
#include "store/db.h"

#include <stdint.h>

/* Apply every entry of src to dst (a new database, written through en, which signs with its
 * signer if it has one; its registry.init records key_path and key when not NULL). *done gets
 * the number of entries replayed. */
int th_log_replay(th_db *src, th_db *dst, th_engine *en, const char *key_path,
                  const th_note_verifier *key, int64_t *done, th_err *e)
    __attribute__((warn_unused_result));
/* 0 when the registry state of a (the database) and b (its replay) are the same; else the first
 * table, row and column that differ, named in e. */
int th_state_compare(th_db *a, th_db *b, th_err *e) __attribute__((warn_unused_result));
/* The whole audit of `log verify` and `check`, on one snapshot of db: th_log_verify (v: the
 * log's verifier key, NULL when it has none), then every entry replayed into a database in
 * memory and compared with db. */
int th_log_audit(th_db *db, const th_note_verifier *v, th_log_verified *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
