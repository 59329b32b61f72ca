/* wal_vfs.c — a WAL's frames written in runs. See wal_vfs.h.
 *
 * A file of this VFS wraps one of the VFS below (allocated with it, its size unknown until
 * then). A WAL file keeps its run: bytes buf[0..n) due at offset `at`, always a contiguous
 * stretch of what SQLite wrote last, flushed before anything that could see the file. A
 * database file knows its WAL (the same connection opens it right after, under the name
 * sqlite3_filename_wal gives: the pointer itself is compared), so that its xShmBarrier can
 * flush the WAL's run. A connection is used by one thread at a time, and its files with it, so
 * a run needs no lock; the list of database files waiting for their WAL has one. */
#include "store/wal_vfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* SQLite's unix VFS writes at most 128 KiB - 1 a call (os_unix.c masks the length with
 * 0x1ffff): a run stays under it, about 30 frames of 4 KiB */
enum { RUN_LIMIT = 0x1ffff, FRAME_HEADER = 24 };

typedef struct wfile wfile;
struct wfile {
    sqlite3_file base;
    sqlite3_file *real; /* the file of the VFS below */
    bool is_wal;
    wfile *peer;          /* a database file's WAL, a WAL's database file */
    const char *wal_name; /* a database file's: the name its WAL will be opened under */
    wfile *next;          /* in the list of database files (by their WAL's name) */
    unsigned char *buf;   /* a WAL's run */
    size_t n, cap;
    sqlite3_int64 at;
    bool commit_next; /* the run ends with a commit frame's header: its page comes next */
    int err;          /* a flush at the barrier failed: the next call says so */
};

static sqlite3_vfs shim;
static sqlite3_vfs *first_below; /* the default when registered (if the default is this one) */
static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static wfile *dbs;
static _Atomic uint64_t n_asked, n_made, n_barrier;

static sqlite3_vfs *below(void)
{
    sqlite3_vfs *v = sqlite3_vfs_find(NULL);
    return v && v != &shim ? v : first_below;
}

static sqlite3_file *real(sqlite3_file *f)
{
    return ((wfile *)f)->real;
}

static int flush(wfile *f)
{
    if (!f->n)
        return SQLITE_OK;
    int rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->n, f->at);
    atomic_fetch_add(&n_made, 1);
    f->n = 0;
    f->commit_next = false;
    return rc;
}

/* Before any use of a WAL but a write: its run written, or the error a barrier's flush met. */
static int settle(wfile *f)
{
    if (!f->is_wal)
        return SQLITE_OK;
    int rc = flush(f);
    if (f->err && rc == SQLITE_OK) {
        rc = f->err;
        f->err = 0;
    }
    return rc;
}

static int f_close(sqlite3_file *p)
{
    wfile *f = (wfile *)p;
    int rc = settle(f);
    pthread_mutex_lock(&list_mu);
    if (f->peer)
        f->peer->peer = NULL;
    for (wfile **q = &dbs; *q; q = &(*q)->next)
        if (*q == f) {
            *q = f->next;
            break;
        }
    pthread_mutex_unlock(&list_mu);
    int rc2 = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    sqlite3_free(f->real);
    free(f->buf);
    return rc ? rc : rc2;
}

static int f_read(sqlite3_file *p, void *out, int amt, sqlite3_int64 off)
{
    int rc = settle((wfile *)p);
    return rc ? rc : real(p)->pMethods->xRead(real(p), out, amt, off);
}

/* The database size field of a frame header: not 0 in a commit frame's. */
static bool commits(const void *header)
{
    const unsigned char *h = header;
    return (h[4] | h[5] | h[6] | h[7]) != 0;
}

static int f_write(sqlite3_file *p, const void *data, int amt, sqlite3_int64 off)
{
    wfile *f = (wfile *)p;
    if (!f->is_wal)
        return f->real->pMethods->xWrite(f->real, data, amt, off);
    atomic_fetch_add(&n_asked, 1);
    int rc = f->err;
    f->err = 0;
    bool follows = f->n && off == f->at + (sqlite3_int64)f->n;
    bool commit_page = follows && f->commit_next; /* else that header goes as it is */
    if (rc == SQLITE_OK && f->n && (!follows || f->n + (size_t)amt > RUN_LIMIT))
        rc = flush(f);
    if (rc)
        return rc;
    if (f->n + (size_t)amt > f->cap) {
        size_t cap = f->cap ? f->cap : RUN_LIMIT + 1;
        while (cap < f->n + (size_t)amt)
            cap *= 2;
        unsigned char *b = realloc(f->buf, cap);
        if (!b) { /* no room for a run: this write goes by itself */
            rc = flush(f);
            atomic_fetch_add(&n_made, 1);
            return rc ? rc : f->real->pMethods->xWrite(f->real, data, amt, off);
        }
        f->buf = b;
        f->cap = cap;
    }
    if (!f->n)
        f->at = off;
    memcpy(f->buf + f->n, data, (size_t)amt);
    f->n += (size_t)amt;
    if (commit_page)
        return flush(f);
    f->commit_next = amt == FRAME_HEADER && commits(data);
    return SQLITE_OK;
}

static int f_truncate(sqlite3_file *p, sqlite3_int64 size)
{
    int rc = settle((wfile *)p);
    return rc ? rc : real(p)->pMethods->xTruncate(real(p), size);
}

static int f_sync(sqlite3_file *p, int flags)
{
    int rc = settle((wfile *)p);
    return rc ? rc : real(p)->pMethods->xSync(real(p), flags);
}

static int f_size(sqlite3_file *p, sqlite3_int64 *size)
{
    int rc = settle((wfile *)p);
    return rc ? rc : real(p)->pMethods->xFileSize(real(p), size);
}

static int f_lock(sqlite3_file *p, int level)
{
    return real(p)->pMethods->xLock(real(p), level);
}

static int f_unlock(sqlite3_file *p, int level)
{
    return real(p)->pMethods->xUnlock(real(p), level);
}

static int f_reserved(sqlite3_file *p, int *out)
{
    return real(p)->pMethods->xCheckReservedLock(real(p), out);
}

static int f_control(sqlite3_file *p, int op, void *arg)
{
    int rc = settle((wfile *)p);
    return rc ? rc : real(p)->pMethods->xFileControl(real(p), op, arg);
}

static int f_sector(sqlite3_file *p)
{
    return real(p)->pMethods->xSectorSize(real(p));
}

static int f_device(sqlite3_file *p)
{
    return real(p)->pMethods->xDeviceCharacteristics(real(p));
}

static int f_shm_map(sqlite3_file *p, int page, int size, int extend, void volatile **out)
{
    return real(p)->pMethods->xShmMap(real(p), page, size, extend, out);
}

static int f_shm_lock(sqlite3_file *p, int offset, int n, int flags)
{
    return real(p)->pMethods->xShmLock(real(p), offset, n, flags);
}

/* SQLite passes here between writing the two copies of the WAL index's header, the moment a
 * commit becomes visible: the frames go to the file first. */
static void f_shm_barrier(sqlite3_file *p)
{
    wfile *f = (wfile *)p;
    if (f->peer && f->peer->n) {
        atomic_fetch_add(&n_barrier, 1);
        int rc = flush(f->peer);
        if (rc && !f->peer->err)
            f->peer->err = rc;
    }
    real(p)->pMethods->xShmBarrier(real(p));
}

static int f_shm_unmap(sqlite3_file *p, int del)
{
    return real(p)->pMethods->xShmUnmap(real(p), del);
}

static int f_fetch(sqlite3_file *p, sqlite3_int64 off, int amt, void **out)
{
    *out = NULL;
    sqlite3_file *r = real(p);
    return r->pMethods->iVersion >= 3 ? r->pMethods->xFetch(r, off, amt, out) : SQLITE_OK;
}

static int f_unfetch(sqlite3_file *p, sqlite3_int64 off, void *page)
{
    sqlite3_file *r = real(p);
    return r->pMethods->iVersion >= 3 ? r->pMethods->xUnfetch(r, off, page) : SQLITE_OK;
}

static const sqlite3_io_methods methods = {
    .iVersion = 3,
    .xClose = f_close,
    .xRead = f_read,
    .xWrite = f_write,
    .xTruncate = f_truncate,
    .xSync = f_sync,
    .xFileSize = f_size,
    .xLock = f_lock,
    .xUnlock = f_unlock,
    .xCheckReservedLock = f_reserved,
    .xFileControl = f_control,
    .xSectorSize = f_sector,
    .xDeviceCharacteristics = f_device,
    .xShmMap = f_shm_map,
    .xShmLock = f_shm_lock,
    .xShmBarrier = f_shm_barrier,
    .xShmUnmap = f_shm_unmap,
    .xFetch = f_fetch,
    .xUnfetch = f_unfetch,
};

/* The methods SQLite may call are the ones the file below has: a VFS without shared memory
 * (version 1) gets a version-1 table (made at registration), so that SQLite does not try WAL
 * on it. */
static sqlite3_io_methods methods_v1;

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *p, int flags, int *out)
{
    (void)vfs;
    wfile *f = (wfile *)p;
    memset(f, 0, sizeof *f);
    sqlite3_vfs *b = below();
    f->real = sqlite3_malloc(b->szOsFile);
    if (!f->real)
        return SQLITE_NOMEM;
    memset(f->real, 0, (size_t)b->szOsFile);
    int rc = b->xOpen(b, name, f->real, flags, out);
    if (rc != SQLITE_OK) {
        if (f->real->pMethods)
            f->real->pMethods->xClose(f->real);
        sqlite3_free(f->real);
        f->real = NULL;
        return rc; /* base.pMethods stays NULL: SQLite does not close it */
    }
    f->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
    pthread_mutex_lock(&list_mu);
    if ((flags & SQLITE_OPEN_MAIN_DB) && name) {
        f->wal_name = sqlite3_filename_wal(name);
        f->next = dbs;
        dbs = f;
    } else if (f->is_wal && name) {
        for (wfile *d = dbs; d; d = d->next)
            if (d->wal_name == name && !d->peer) {
                d->peer = f;
                f->peer = d;
                break;
            }
    }
    pthread_mutex_unlock(&list_mu);
    f->base.pMethods = f->real->pMethods->iVersion >= 2 ? &methods : &methods_v1;
    return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    return below()->xDelete(below(), name, sync_dir);
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return below()->xAccess(below(), name, flags, out);
}

static int v_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return below()->xFullPathname(below(), name, n, out);
}

static void *v_dlopen(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs;
    return below()->xDlOpen(below(), name);
}

static void v_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
    (void)vfs;
    below()->xDlError(below(), n, msg);
}

static void (*v_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    (void)vfs;
    return below()->xDlSym(below(), h, sym);
}

static void v_dlclose(sqlite3_vfs *vfs, void *h)
{
    (void)vfs;
    below()->xDlClose(below(), h);
}

static int v_random(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return below()->xRandomness(below(), n, out);
}

static int v_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return below()->xSleep(below(), us);
}

static int v_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return below()->xCurrentTime(below(), out);
}

static int v_lasterror(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return below()->xGetLastError ? below()->xGetLastError(below(), n, out) : 0;
}

static int v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    sqlite3_vfs *b = below();
    if (b->iVersion >= 2 && b->xCurrentTimeInt64)
        return b->xCurrentTimeInt64(b, out);
    double d;
    int rc = b->xCurrentTime(b, &d);
    *out = (sqlite3_int64)(d * 86400000.0);
    return rc;
}

int th_wal_vfs_register(void)
{
    first_below = sqlite3_vfs_find(NULL);
    if (!first_below)
        return SQLITE_ERROR;
    methods_v1 = methods;
    methods_v1.iVersion = 1;
    methods_v1.xShmMap = NULL;
    methods_v1.xShmLock = NULL;
    methods_v1.xShmBarrier = NULL;
    methods_v1.xShmUnmap = NULL;
    methods_v1.xFetch = NULL;
    methods_v1.xUnfetch = NULL;
    shim = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(wfile),
        .mxPathname = first_below->mxPathname,
        .zName = TH_WAL_VFS,
        .xOpen = v_open,
        .xDelete = v_delete,
        .xAccess = v_access,
        .xFullPathname = v_fullpath,
        .xDlOpen = v_dlopen,
        .xDlError = v_dlerror,
        .xDlSym = v_dlsym,
        .xDlClose = v_dlclose,
        .xRandomness = v_random,
        .xSleep = v_sleep,
        .xCurrentTime = v_time,
        .xGetLastError = v_lasterror,
        .xCurrentTimeInt64 = v_time64,
    };
    return sqlite3_vfs_register(&shim, 0);
}

th_wal_vfs_stats th_wal_vfs_counts(void)
{
    return (th_wal_vfs_stats){.asked = atomic_load(&n_asked),
                              .made = atomic_load(&n_made),
                              .at_barrier = atomic_load(&n_barrier)};
}
