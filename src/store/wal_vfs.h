/* wal_vfs.h — an SQLite VFS that gives a commit's WAL frames to the kernel in few writes.
 *
 * SQLite writes each WAL frame as two calls, its 24-byte header and its page: a batch of the
 * server's that changes 44 pages made 88 pwrite calls, and on this machine's virtual disk a call
 * costs about a microsecond beyond its bytes (BENCHMARKS.md). This VFS, named
 * TH_WAL_VFS and used by the connections that write, keeps the frames a transaction appends to
 * its WAL in memory and writes them as runs, each one call:
 *   - when the page of a commit frame (a header whose "database size" field is not 0) joins the
 *     run, so the commit's error, if any, is the commit's;
 *   - before any other use of the file (a read, a sync, a truncation, its size, its closing), a
 *     write elsewhere than the run's end, or a run that would pass 128 KiB (the most the unix
 *     VFS writes in one call);
 *   - and, whatever is left, at the shared-memory barrier SQLite passes before it makes a
 *     commit visible (xShmBarrier on the database file): no connection, in this process or
 *     another, ever reads a frame that is not in the file.
 * So the file gets what SQLite asked, in the order it asked, only in fewer calls; syncs and
 * locks are untouched. An error in a write made at the barrier (which cannot report one) is
 * returned by the next call on the WAL. Every other call goes to the default VFS of the moment
 * the file was opened (the crash tests' VFS, when installed). */
#ifndef TH_WAL_VFS_H
#define TH_WAL_VFS_H

#include <stdint.h>

#define TH_WAL_VFS "tanhui-wal"

/* Register the VFS (not as the default); 0, or an SQLite error code. Once per process. */
int th_wal_vfs_register(void);

/* Writes SQLite asked of WAL files, and the writes that reached the VFS below, since the start. */
typedef struct {
    uint64_t asked, made, at_barrier;
} th_wal_vfs_stats;
th_wal_vfs_stats th_wal_vfs_counts(void);

#endif
