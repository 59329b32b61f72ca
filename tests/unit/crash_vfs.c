/* crash_vfs.c — an SQLite VFS that can fail an fsync or cut the power at one. See crash_vfs.h.
 *
 * Every file opened by name gets a record, kept past its close: its size at the last successful
 * sync and, in order, every change since (a write's overwritten bytes, a truncation's cut bytes,
 * the size after each). Undoing the changes newest first, down to the ones kept, and truncating
 * to the size after the last kept one, gives the file as a power cut would leave it. */
#include "crash_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    int64_t off;
    unsigned char *old; /* the bytes [off, off + nold) held before the change */
    size_t nold;
    int64_t size_after;
} change;

typedef struct {
    char *path;
    int64_t synced_size;
    change *c;
    size_t n, cap;
} record;

typedef struct {
    sqlite3_file base;
    record *rec;
    sqlite3_file *real; /* follows this struct in the same allocation */
} cfile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs crash_vfs;
static record **records; /* each allocated alone: open files point at theirs */
static size_t nrecords;
static int mode = TH_CRASH_NONE;
static long sync_attempts, sync_target, syncs_ok;
static bool dead;

static record *record_for(const char *path, int64_t size_now)
{
    for (size_t i = 0; i < nrecords; i++)
        if (records[i]->path && strcmp(records[i]->path, path) == 0)
            return records[i];
    records = realloc(records, (nrecords + 1) * sizeof *records);
    record *r = calloc(1, sizeof *r);
    if (!records || !r)
        abort();
    records[nrecords++] = r;
    r->path = strdup(path);
    r->synced_size = size_now;
    return r;
}

static void forget_changes(record *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->c[i].old);
    free(r->c);
    r->c = NULL;
    r->n = r->cap = 0;
}

/* Save what [off, off + len) holds now (the part inside the file), before it changes. */
static int remember(cfile *f, int64_t off, int64_t len, int64_t size_after)
{
    record *r = f->rec;
    sqlite3_int64 size;
    if (f->real->pMethods->xFileSize(f->real, &size) != SQLITE_OK)
        return SQLITE_IOERR;
    change ch = {.off = off, .size_after = size_after};
    if (off < size) {
        ch.nold = (size_t)((off + len < size ? off + len : size) - off);
        ch.old = malloc(ch.nold ? ch.nold : 1);
        if (!ch.old || f->real->pMethods->xRead(f->real, ch.old, (int)ch.nold, off) != SQLITE_OK)
            return SQLITE_IOERR;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->c = realloc(r->c, r->cap * sizeof *r->c);
        if (!r->c)
            abort();
    }
    r->c[r->n++] = ch;
    return SQLITE_OK;
}

static int c_close(sqlite3_file *p)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
}

static int c_read(sqlite3_file *p, void *buf, int n, sqlite3_int64 off)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xRead(f->real, buf, n, off);
}

static int c_write(sqlite3_file *p, const void *buf, int n, sqlite3_int64 off)
{
    cfile *f = (cfile *)p;
    if (dead)
        return SQLITE_IOERR_WRITE;
    if (f->rec) {
        sqlite3_int64 size;
        if (f->real->pMethods->xFileSize(f->real, &size) != SQLITE_OK)
            return SQLITE_IOERR_WRITE;
        int64_t after = off + n > size ? off + n : size;
        if (remember(f, off, n, after) != SQLITE_OK)
            return SQLITE_IOERR_WRITE;
    }
    return f->real->pMethods->xWrite(f->real, buf, n, off);
}

static int c_truncate(sqlite3_file *p, sqlite3_int64 size)
{
    cfile *f = (cfile *)p;
    if (dead)
        return SQLITE_IOERR_TRUNCATE;
    if (f->rec) {
        sqlite3_int64 now;
        if (f->real->pMethods->xFileSize(f->real, &now) != SQLITE_OK)
            return SQLITE_IOERR_TRUNCATE;
        if (size < now && remember(f, size, now - size, size) != SQLITE_OK)
            return SQLITE_IOERR_TRUNCATE;
    }
    return f->real->pMethods->xTruncate(f->real, size);
}

static int c_sync(sqlite3_file *p, int flags)
{
    cfile *f = (cfile *)p;
    if (dead)
        return SQLITE_IOERR_FSYNC;
    sync_attempts++;
    if (mode != TH_CRASH_NONE && sync_attempts == sync_target) {
        if (mode == TH_CRASH_CRASH)
            dead = true;
        mode = TH_CRASH_NONE;
        return SQLITE_IOERR_FSYNC; /* the data stays unsynced, its changes remembered */
    }
    int rc = f->real->pMethods->xSync(f->real, flags);
    if (rc == SQLITE_OK && f->rec) {
        sqlite3_int64 size;
        if (f->real->pMethods->xFileSize(f->real, &size) == SQLITE_OK) {
            forget_changes(f->rec);
            f->rec->synced_size = size;
        }
        syncs_ok++;
    }
    return rc;
}

static int c_size(sqlite3_file *p, sqlite3_int64 *size)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xFileSize(f->real, size);
}

static int c_lock(sqlite3_file *p, int l)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xLock(f->real, l);
}

static int c_unlock(sqlite3_file *p, int l)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xUnlock(f->real, l);
}

static int c_reserved(sqlite3_file *p, int *out)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int c_control(sqlite3_file *p, int op, void *arg)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int c_sector(sqlite3_file *p)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xSectorSize(f->real);
}

static int c_device(sqlite3_file *p)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

static int c_shm_map(sqlite3_file *p, int pg, int sz, int extend, void volatile **out)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xShmMap(f->real, pg, sz, extend, out);
}

static int c_shm_lock(sqlite3_file *p, int off, int n, int flags)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xShmLock(f->real, off, n, flags);
}

static void c_shm_barrier(sqlite3_file *p)
{
    cfile *f = (cfile *)p;
    f->real->pMethods->xShmBarrier(f->real);
}

static int c_shm_unmap(sqlite3_file *p, int del)
{
    cfile *f = (cfile *)p;
    return f->real->pMethods->xShmUnmap(f->real, del);
}

/* Version 2: shared memory for WAL, no memory-mapped reads (they would bypass xRead). */
static const sqlite3_io_methods methods = {
    2,         c_close,  c_read,    c_write,   c_truncate,     c_sync,      c_size,
    c_lock,    c_unlock, c_reserved, c_control, c_sector,      c_device,    c_shm_map,
    c_shm_lock, c_shm_barrier, c_shm_unmap, NULL, NULL,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *p, int flags, int *out)
{
    (void)vfs;
    cfile *f = (cfile *)p;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)(f + 1);
    int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out);
    if (rc != SQLITE_OK) {
        f->real->pMethods = NULL;
        return rc;
    }
    f->base.pMethods = &methods;
    if (name) {
        sqlite3_int64 size = 0;
        if (f->real->pMethods->xFileSize(f->real, &size) != SQLITE_OK)
            size = 0;
        f->rec = record_for(name, size);
    }
    return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    if (dead)
        return SQLITE_IOERR_DELETE;
    for (size_t i = 0; i < nrecords; i++)
        if (records[i]->path && strcmp(records[i]->path, name) == 0) {
            forget_changes(records[i]);
            free(records[i]->path);
            records[i]->path = NULL;
        }
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

int th_crashvfs_install(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs)
        return -1;
    crash_vfs = *real_vfs;
    crash_vfs.iVersion = real_vfs->iVersion < 2 ? real_vfs->iVersion : 2;
    crash_vfs.zName = "tanhui-crash";
    crash_vfs.szOsFile = (int)sizeof(cfile) + real_vfs->szOsFile;
    crash_vfs.pNext = NULL;
    crash_vfs.xOpen = v_open;
    crash_vfs.xDelete = v_delete;
    return sqlite3_vfs_register(&crash_vfs, 1) == SQLITE_OK ? 0 : -1;
}

void th_crashvfs_uninstall(void)
{
    th_crashvfs_recover(SIZE_MAX);
    sqlite3_vfs_unregister(&crash_vfs);
    sqlite3_vfs_register(real_vfs, 1);
    for (size_t i = 0; i < nrecords; i++)
        free(records[i]);
    free(records);
    records = NULL;
    nrecords = 0;
}

void th_crashvfs_arm(int m, int nth_sync)
{
    mode = m;
    sync_target = sync_attempts + nth_sync;
}

bool th_crashvfs_crashed(void) { return dead; }

int th_crashvfs_syncs(void) { return (int)syncs_ok; }

size_t th_crashvfs_recover(size_t keep)
{
    size_t total = 0;
    for (size_t i = 0; i < nrecords; i++) {
        record *r = records[i];
        if (!r->path)
            continue;
        total += r->n;
        if (dead) {
            size_t k = keep < r->n ? keep : r->n;
            int fd = open(r->path, O_RDWR);
            if (fd >= 0) {
                for (size_t j = r->n; j > k; j--) {
                    change *c = &r->c[j - 1];
                    if (c->nold && pwrite(fd, c->old, c->nold, c->off) != (ssize_t)c->nold)
                        abort();
                }
                if (ftruncate(fd, k ? r->c[k - 1].size_after : r->synced_size) != 0)
                    abort();
                close(fd);
            }
            char shm[4200];
            snprintf(shm, sizeof shm, "%s-shm", r->path);
            unlink(shm);
        }
        forget_changes(r);
        free(r->path);
        r->path = NULL;
    }
    dead = false;
    mode = TH_CRASH_NONE;
    return total;
}
