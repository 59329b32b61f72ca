/* checkpoints.h — the log's signed checkpoints in the store, and the key that signs them.
 *
 * The key: `tanhui init` makes an Ed25519 pair; the private key lives in a file (mode 0600), the
 * store keeps the file's path and the verifier key text in `meta` (log_key_path, log_verifier).
 *
 * Signing (th_log_sign): after a batch has appended entries, inside its transaction, so a
 * checkpoint commits with the entries it covers or not at all. Before signing it checks that
 * the stored tree still has the root of the latest checkpoint at that checkpoint's size: the log
 * never signs a tree that does not extend what it signed before. Every checkpoint is kept. */
#ifndef TH_CHECKPOINTS_H
#define TH_CHECKPOINTS_H

#include "base/buf.h"
#include "base/err.h"
#include "log/note.h"
#include "store/db.h"
#include "store/page.h"

#include <stdbool.h>
#include <stdint.h>

enum { TH_KEY_PATH_MAX = 4096 };

/* Record the key's file and verifier key (at init). */
int th_log_key_set(th_db *db, const char *path, const th_note_verifier *v, th_err *e)
    __attribute__((warn_unused_result));
/* 1 when the database has a log key (path and verifier filled), 0 when it has none. */
int th_log_key_get(th_db *db, char path[TH_KEY_PATH_MAX], th_note_verifier *v, th_err *e)
    __attribute__((warn_unused_result));

/* Sign a checkpoint of the log's first `upto` entries (-1, or more than the log has: all of it),
 * unless the latest one is of that size already. A writer whose commits reach the disk after
 * they are made (th_db_sync_later) signs only what a sync has covered, so that no checkpoint is
 * of a tree a power cut could take back. *signed_size gets the size signed (or -1: nothing to
 * sign). */
int th_log_sign(th_db *db, const th_note_signer *s, const char *now, int64_t upto,
                int64_t *signed_size, th_err *e) __attribute__((warn_unused_result));
/* The signed note of the checkpoint at `size` (-1: the latest), appended to out. */
int th_log_checkpoint(th_db *db, int64_t size, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
/* {"checkpoints": [{"size", "root" (hex), "created_at"}], "next_cursor"}: newest first, a page
 * of them (store/page.h; the cursor is a size; pg's from and to bound their signing times;
 * pg NULL: all). */
int th_log_checkpoints_json(th_db *db, const th_page *pg, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
