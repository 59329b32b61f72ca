/* checkpointer.h — WAL checkpoints on a thread of their own, so that the writer never copies
 * pages.
 *
 * In WAL mode every commit appends its pages to the -wal file, and a checkpoint copies them into
 * the database file. By default SQLite runs that copy inside the COMMIT that takes the WAL past
 * 1,000 pages: the writer (the sequencer) stalls for it, every ten batches or so of a busy
 * server, and the log, whose pages are a good part of every batch, makes it come three times as
 * often. With a checkpointer the writer's connection no longer checkpoints by itself: its WAL
 * hook wakes a thread that checkpoints (PASSIVE: it never blocks the writer, nor readers)
 * through a connection of its own. Durability is the commit's, as before (the WAL is synced by
 * COMMIT); the checkpoint only moves pages that are already safe.
 *
 * Bounded: a PASSIVE checkpoint copies what was committed when it began, and the WAL starts
 * again from its beginning once a checkpoint has caught up. Should the writer outrun the thread
 * and the WAL pass TH_WAL_LIMIT pages, the writer checkpoints itself, as SQLite would have. */
#ifndef TH_CHECKPOINTER_H
#define TH_CHECKPOINTER_H

#include "base/err.h"

#include <sqlite3.h>

enum { TH_WAL_PAGES = 1000, TH_WAL_LIMIT = 20000 };

typedef struct th_checkpointer th_checkpointer;

/* Start checkpointing the database at path (already open in WAL mode as writer) on a thread;
 * NULL (e says why) if its connection or thread cannot be made. */
th_checkpointer *th_checkpointer_start(sqlite3 *writer, const char *path, th_err *e);
/* Stop the thread (after the checkpoint it may be running), close its connection, and give the
 * writer its own checkpoints back. */
void th_checkpointer_stop(th_checkpointer *c);
/* How many checkpoints the thread ran (for tests and /metrics). */
long th_checkpointer_runs(th_checkpointer *c);

#endif
