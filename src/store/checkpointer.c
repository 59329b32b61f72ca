/* checkpointer.c — WAL checkpoints on their own thread. See checkpointer.h. */
#include "store/checkpointer.h"

#include "base/mem.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct th_checkpointer {
    sqlite3 *writer, *h;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool due, stop;
    long runs, pages;
    int asked; /* the WAL's pages when the thread was last woken (the writer's only) */
    /* of the WAL as it is now, how many pages a checkpoint has copied: SQLite reports that
     * total, not what one checkpoint added, and sets it back to 0 when the WAL starts over */
    int backfilled;
};

/* A checkpoint left `copied` of the WAL's pages copied (the lock held): what it added, since
 * the last one. */
static int newly_copied(th_checkpointer *c, int copied)
{
    int added = copied > c->backfilled ? copied - c->backfilled : 0;
    if (copied > c->backfilled)
        c->backfilled = copied;
    return added;
}

/* The writer's WAL hook, after each commit: wake the thread each time the WAL has grown by
 * TH_WAL_PAGES pages (a checkpoint syncs the database file: one for every few commits would keep
 * the disk busy under the writer's own syncs); past TH_WAL_LIMIT, checkpoint here what the thread
 * has not copied yet, so that the WAL starts over at the next transaction (BUSY while the thread
 * runs one: the next commit tries again). */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    th_checkpointer *c = arg;
    if (pages < c->asked) { /* the WAL started over */
        c->asked = 0;
        pthread_mutex_lock(&c->mu);
        c->backfilled = 0;
        pthread_mutex_unlock(&c->mu);
    }
    if (pages >= TH_WAL_LIMIT) {
        int copied = 0;
        if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, &copied) ==
            SQLITE_OK) {
            pthread_mutex_lock(&c->mu);
            newly_copied(c, copied); /* the writer's copies: not the thread's */
            pthread_mutex_unlock(&c->mu);
        }
        return SQLITE_OK;
    }
    if (pages >= c->asked + TH_WAL_PAGES) {
        c->asked = pages;
        pthread_mutex_lock(&c->mu);
        c->due = true;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->mu);
    }
    return SQLITE_OK;
}

static void *run(void *arg)
{
    th_checkpointer *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->due && !c->stop)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->stop)
            break;
        c->due = false;
        pthread_mutex_unlock(&c->mu);
        /* BUSY (another checkpoint running) or a reader holding old pages: the next commit
         * asks again */
        int copied = 0;
        int rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, &copied);
        pthread_mutex_lock(&c->mu);
        int added = rc == SQLITE_OK ? newly_copied(c, copied) : 0;
        if (added > 0) {
            c->runs++;
            c->pages += added;
        }
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

th_checkpointer *th_checkpointer_start(sqlite3 *writer, const char *path, th_err *e)
{
    th_checkpointer *c = th_xcalloc(1, sizeof *c);
    c->writer = writer;
    if (sqlite3_open_v2(path, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        th_fail(e, TH_EIO, "cannot open the database for checkpoints: %s",
                c->h ? sqlite3_errmsg(c->h) : "out of memory");
        sqlite3_close_v2(c->h);
        free(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->h, 5000);
    /* a connection learns that the database is in WAL mode when it first reads it; until then
     * a checkpoint through it does nothing at all (it reports a WAL of -1 pages) */
    if (sqlite3_exec(c->h, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK) {
        th_fail(e, TH_EIO, "cannot read the database for checkpoints: %s", sqlite3_errmsg(c->h));
        sqlite3_close_v2(c->h);
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&c->thread, NULL, run, c) != 0) {
        th_fail(e, TH_EIO, "cannot start the checkpoint thread");
        pthread_cond_destroy(&c->cv);
        pthread_mutex_destroy(&c->mu);
        sqlite3_close_v2(c->h);
        free(c);
        return NULL;
    }
    sqlite3_wal_hook(writer, on_commit, c); /* replaces SQLite's own checkpoint-on-commit */
    return c;
}

void th_checkpointer_stop(th_checkpointer *c)
{
    if (!c)
        return;
    sqlite3_wal_autocheckpoint(c->writer, TH_WAL_PAGES); /* the writer's own hook again */
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    sqlite3_close_v2(c->h);
    free(c);
}

long th_checkpointer_runs(th_checkpointer *c, long *pages)
{
    pthread_mutex_lock(&c->mu);
    long n = c->runs;
    if (pages)
        *pages = c->pages;
    pthread_mutex_unlock(&c->mu);
    return n;
}
