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
 * Bounded: a PASSIVE checkpoint copies what was committed when it began, and the WAL file starts
 * again from its beginning only when a write transaction begins with every page copied. The
 * writer begins its next batch right after a commit, before the thread has copied that commit's
 * pages, so the WAL grows: once it holds TH_WAL_LIMIT pages the writer checkpoints after its
 * commit itself, which copies the pages the thread has not (the rest it already has: a batch's
 * worth) and lets the WAL start over at the next batch. That copy and the database file's sync
 * stall the writer: at a limit of 4,000 pages it came every 4 to 6 batches of a thousand orders
 * (bench-market); at 16,000 (a WAL of at most some 64 MiB) a quarter as often, and bench-market
 * ran x1.06-1.09 (medians of 16 and 20 pairs).
 *
 * The thread's connection reads the database once at its start: SQLite learns that a file is
 * in WAL mode only on a first read, and until then a checkpoint through the connection copies
 * nothing (it did so, silently, until 2026-12-06: the writer made every checkpoint itself). */
#ifndef TH_CHECKPOINTER_H
#define TH_CHECKPOINTER_H

#include "base/err.h"

#include <sqlite3.h>

enum { TH_WAL_PAGES = 1000, TH_WAL_LIMIT = 16000 };

typedef struct th_checkpointer th_checkpointer;

/* Start checkpointing the database at path (already open in WAL mode as writer) on a thread;
 * NULL (e says why) if its connection or thread cannot be made. */
th_checkpointer *th_checkpointer_start(sqlite3 *writer, const char *path, th_err *e);
/* Stop the thread (after the checkpoint it may be running), close its connection, and give the
 * writer its own checkpoints back. */
void th_checkpointer_stop(th_checkpointer *c);
/* How many checkpoints the thread ran that copied pages, and (pages, unless NULL) how many pages
 * they copied in all (for tests and /metrics). */
long th_checkpointer_runs(th_checkpointer *c, long *pages);

#endif
