/* log_key.h — the log's signing key on disk: made by `tanhui init` (a file of mode 0600 beside
 * the database, or where --log-key says), read back by every write to sign checkpoints. The file
 * holds one line, the signer key text of note.h ("PRIVATE+KEY+<name>+<hash>+<base64>"). */
#ifndef TH_LOG_KEY_H
#define TH_LOG_KEY_H

#include "base/err.h"
#include "log/checkpoints.h"
#include "log/note.h"
#include "store/db.h"

#include <stdbool.h>

/* Make a key pair named `origin` and write it to a new file at `path` (NULL: "<db>.key"); fail if
 * the file exists. abs gets the file's absolute path (what the database records). */
int th_cli_key_create(const char *db_path, const char *path, const char *origin,
                      th_note_signer *s, char abs[TH_KEY_PATH_MAX], th_err *e)
    __attribute__((warn_unused_result));
/* The database's signing key: 1 when it has one (s filled, and checked against the verifier key
 * the database recorded), 0 when it has none. */
int th_cli_key_load(th_db *db, th_note_signer *s, th_err *e) __attribute__((warn_unused_result));

#endif
