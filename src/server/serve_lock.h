/* serve_lock.h — while `tanhui serve` runs it is the database's only writer: it holds an
 * exclusive lock (flock) on the file DB.serve, which names it (pid and address), and a
 * command-line write first checks that lock and refuses, saying who holds it. The lock goes with
 * the process, however it ends. */
#ifndef TH_SERVE_LOCK_H
#define TH_SERVE_LOCK_H

#include "base/err.h"

/* Take the lock for db_path (info: what the file says, "pid N http://..."); *fd keeps it (close
 * it to let go). Fails when another process holds it. */
int th_serve_lock_take(const char *db_path, const char *info, int *fd, th_err *e)
    __attribute__((warn_unused_result));
/* Rewrite what the lock file says (once the address is known). */
void th_serve_lock_note(int fd, const char *info);
/* 0 when no server holds db_path; else -1, e saying which does. */
int th_serve_lock_check(const char *db_path, th_err *e) __attribute__((warn_unused_result));

#endif
