/* crash_vfs.h — an SQLite VFS for crash tests: the injected fsync.
 *
 * Installed as the default VFS, it passes every call to the real one and remembers, for each
 * file, what the file held at its last successful sync (an undo record of every write, truncation
 * and growth since). A test arms it to act at the Nth sync from now:
 *   - FAIL: that sync reports an I/O error (the data stays unsynced; the process lives on);
 *   - CRASH: the power goes: that sync and every later write, truncation, sync and delete fail,
 *     so nothing more reaches the disk. After the test closes its connections,
 *     th_crashvfs_recover() puts each file back as the disk would hold it: everything since the
 *     last sync undone, except the first `keep` writes (a power cut may keep some of what was in
 *     flight, in order), and removes the -shm file (shared memory does not survive a crash).
 * Test support only: one process, one thread. */
#ifndef TH_CRASH_VFS_H
#define TH_CRASH_VFS_H

#include <stdbool.h>
#include <stddef.h>

enum { TH_CRASH_NONE, TH_CRASH_FAIL, TH_CRASH_CRASH };

int th_crashvfs_install(void);   /* 0, or -1 when SQLite refuses it */
void th_crashvfs_uninstall(void); /* the real VFS is the default again */
void th_crashvfs_arm(int mode, int nth_sync);
bool th_crashvfs_crashed(void);
int th_crashvfs_syncs(void); /* syncs that succeeded so far */
/* Undo what a crash loses; `keep` counts unsynced writes kept (oldest first). Returns how many
 * unsynced writes there were. Disarms. */
size_t th_crashvfs_recover(size_t keep);

#endif
