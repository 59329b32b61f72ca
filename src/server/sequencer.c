/* sequencer.c — the writer thread and the sync thread. See sequencer.h.
 *
 * A command moves through three lists, under one mutex: queued (head..tail), taken by the
 * writer into a batch, then committed and waiting for a sync (chead..ctail), then answered by
 * the syncer. `committed` counts the writer's commits and `synced` the commits a sync has
 * covered; `durable` is the log's size at the last commit so covered, the most a checkpoint may
 * sign (engine.h, th_engine_sign_durable). A failed batch wrote nothing: its commands are
 * answered at once. */
#include "server/sequencer.h"

#include "base/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const double th_sequencer_buckets[TH_SEQ_BUCKETS] = {0.001, 0.0025, 0.005, 0.01,
                                                     0.025, 0.05,   0.1,   0.25};

enum { STARTS = 64 }; /* committed batches awaiting a sync whose start times are kept */
/* How long an idle writer waits for a batch before it signs a due checkpoint alone: under load
 * the next batch signs it, without a commit and a sync of its own */
#define SIGN_WAIT_NS 2000000L

typedef struct item {
    const th_cmd *c;
    th_cmd_result *res;
    int done; /* 1 applied, -1 refused (stopping) */
    pthread_cond_t cv; /* its own, so that a commit wakes only its submitters */
    void (*fn)(void *arg); /* submitted without waiting: called once the result is in res */
    void *arg;
    struct item *next;
} item;

struct th_sequencer {
    th_db *db;
    th_engine *en;
    size_t max_batch;
    pthread_t writer, syncer;
    pthread_mutex_t mu;
    pthread_cond_t work;   /* the writer's: a command queued, stopping, or a checkpoint due */
    pthread_cond_t commit; /* the syncer's: a commit to sync, or the writer gone */
    item *head, *tail;     /* queued */
    item *chead, *ctail;   /* committed, not yet synced */
    uint64_t committed, synced;
    int64_t committed_size; /* the log's size at the last commit */
    int64_t durable;        /* ... at the last commit a sync covered */
    int64_t signed_upto;    /* the durable size the last batch was bound to (-1: none yet) */
    double sign_from;       /* with an interval, when a batch may sign again (now_s) */
    double starts[STARTS];  /* the unsynced batches' start times, oldest first */
    size_t nstarts;
    int stopping;
    bool signing; /* a signer was given */
    bool writer_done;
    bool failed; /* a sync failed: no command is taken any more */
    th_sequencer_stats stats;
    void (*on_commit)(void *arg);
    void *on_commit_arg;
    int (*sync)(void *arg, th_err *e); /* th_db_sync of db, unless a test watches */
    void *sync_arg;
};

static int sync_db(void *arg, th_err *e)
{
    return th_db_sync(arg, e);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A batch durable `took` seconds after it began (the lock held). */
static void record(th_sequencer *s, double took)
{
    int b = 0;
    while (b < TH_SEQ_BUCKETS && took > th_sequencer_buckets[b])
        b++;
    s->stats.latency_count[b]++;
    s->stats.latency_sum += took;
}

/* Answer the items of list (the lock held, and released while the asynchronous submitters'
 * functions run: their memory may go from then on). */
static void answer(th_sequencer *s, item *list)
{
    item *later = NULL;
    while (list) {
        item *it = list;
        list = it->next;
        if (it->fn) {
            it->next = later;
            later = it;
        } else {
            it->done = 1;
            pthread_cond_signal(&it->cv);
        }
    }
    if (!later)
        return;
    pthread_mutex_unlock(&s->mu);
    while (later) {
        item *it = later;
        later = it->next;
        it->fn(it->arg);
        free(it);
    }
    pthread_mutex_lock(&s->mu);
}

/* A command not taken (the lock held). */
static void refuse(th_sequencer *s, th_cmd_result *res)
{
    res->status = -1;
    th_buf_reset(&res->result);
    th_fail(&res->err, TH_EIO,
            s->failed ? "the server takes no more writes: its disk failed to sync"
                      : "the server is shutting down");
}

static void *writer(void *arg)
{
    th_sequencer *s = arg;
    th_cmd *cmds = th_xmalloc(s->max_batch * sizeof *cmds);
    th_cmd_result *res = th_xmalloc(s->max_batch * sizeof *res);
    item **taken = th_xmalloc(s->max_batch * sizeof *taken);
    for (size_t i = 0; i < s->max_batch; i++)
        th_cmd_result_init(&res[i]);
    pthread_mutex_lock(&s->mu);
    for (;;) {
        if (s->failed && s->head) { /* a sync failed: what is queued is refused, not applied */
            for (item *it = s->head; it; it = it->next)
                refuse(s, it->res);
            item *list = s->head;
            s->head = s->tail = NULL;
            answer(s, list);
            continue;
        }
        bool sign = s->signing && s->durable > s->signed_upto && !s->failed;
        if (!s->head && !s->stopping) {
            /* idle: the clock's changes alone each second; a checkpoint due, after a moment's
             * wait for a batch that would sign it anyway, or once the interval allows one */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            long wait_ns = SIGN_WAIT_NS, interval_ns = th_engine_sign_wait_ms(s->en) * 1000000L;
            if (interval_ns > wait_ns)
                wait_ns = interval_ns;
            if (sign && wait_ns < 1000000000L)
                until.tv_nsec += wait_ns;
            else
                until.tv_sec += 1;
            if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
            }
            if (pthread_cond_timedwait(&s->work, &s->mu, &until) != ETIMEDOUT || s->head ||
                s->failed)
                continue;
            sign = true;
        }
        if (!s->head && (!sign || s->stopping))
            break; /* stopping, and nothing is left (th_sequencer_stop signs what is unsigned) */
        size_t n = 0;
        item *first = s->head;
        while (s->head && n < s->max_batch) {
            taken[n] = s->head;
            cmds[n] = *s->head->c;
            s->head = s->head->next;
            n++;
        }
        if (n)
            taken[n - 1]->next = NULL;
        if (!s->head)
            s->tail = NULL;
        int64_t durable = s->durable;
        pthread_mutex_unlock(&s->mu);
        /* within the signing interval this batch signs nothing: what it leaves unsigned stays
         * due (signed_upto does not move) */
        bool signs = th_engine_sign_wait_ms(s->en) == 0;
        double t0 = now_s();
        th_err e;
        th_err_clear(&e);
        th_engine_sign_durable(s->en, durable);
        int rc = th_engine_apply(s->en, cmds, n, res, &e);
        int64_t size = 0;
        if (rc == 0 && th_engine_log_size(s->en, &size, &e) != 0) {
            fprintf(stderr, "tanhui: the writer lost track of the log's size: %s\n", e.msg);
            size = s->committed_size; /* the checkpoints wait for the next batch to read it */
        }
        pthread_mutex_lock(&s->mu);
        s->sign_from = now_s() + (double)th_engine_sign_wait_ms(s->en) / 1000;
        for (size_t i = 0; i < n; i++)
            th_cmd_result_move(taken[i]->res, &res[i]);
        if (rc != 0) {
            answer(s, n ? first : NULL); /* nothing was written: nothing to wait for */
            if (n == 0 && signs)
                s->signed_upto = durable; /* not tried again at once: the next batch signs */
            continue;
        }
        if (signs)
            s->signed_upto = durable;
        if (n) { /* to wait for the sync (a batch of no command: only its checkpoint) */
            s->stats.batches++;
            s->stats.commands += n;
            s->stats.last_batch = n;
            if (s->nstarts < STARTS)
                s->starts[s->nstarts++] = t0;
            if (s->ctail)
                s->ctail->next = first;
            else
                s->chead = first;
            s->ctail = taken[n - 1];
        }
        s->committed++;
        s->committed_size = size;
        pthread_cond_signal(&s->commit);
    }
    s->writer_done = true;
    pthread_cond_signal(&s->commit);
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < s->max_batch; i++)
        th_cmd_result_free(&res[i]);
    free(cmds);
    free(res);
    free(taken);
    return NULL;
}

/* The syncer: one sync covers every commit made before it began, so that under load a sync
 * runs while the writer applies the next batch, and the batches it covers are answered
 * together. */
static void *syncer(void *arg)
{
    th_sequencer *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (s->committed == s->synced && !s->writer_done)
            pthread_cond_wait(&s->commit, &s->mu);
        if (s->committed == s->synced)
            break; /* the writer is gone and everything is synced */
        uint64_t upto = s->committed;
        int64_t size = s->committed_size;
        item *list = s->chead;
        s->chead = s->ctail = NULL;
        size_t nstarts = s->nstarts;
        double starts[STARTS];
        memcpy(starts, s->starts, nstarts * sizeof *starts);
        s->nstarts = 0;
        void (*fn)(void *) = s->on_commit, *fn_arg = s->on_commit_arg;
        int (*sync)(void *, th_err *) = s->sync;
        void *sync_arg = s->sync_arg;
        pthread_mutex_unlock(&s->mu);
        th_err e;
        th_err_clear(&e);
        int rc = sync(sync_arg, &e);
        double t = now_s();
        pthread_mutex_lock(&s->mu);
        s->synced = upto;
        s->stats.syncs++;
        if (rc == 0) {
            s->durable = size;
            for (size_t i = 0; i < nstarts; i++)
                record(s, t - starts[i]);
        } else {
            /* committed and visible, but perhaps not on the disk: say so, and take no more
             * (a sync that failed once cannot be trusted again: its pages may be dropped) */
            fprintf(stderr, "tanhui: %s; the server takes no more writes\n", e.msg);
            s->failed = true;
            for (item *it = list; it; it = it->next) {
                it->res->status = -1;
                th_fail(&it->res->err, TH_EIO, "the change was made but the disk did not confirm "
                                               "it (%s): the server takes no more writes",
                        e.msg);
                th_buf_reset(&it->res->result);
            }
        }
        answer(s, list);
        if (s->signing && s->durable > s->signed_upto && t >= s->sign_from)
            pthread_cond_signal(&s->work); /* a checkpoint is due, queued work or not (within
                                              the interval the writer's own wait ends then) */
        if (rc == 0 && fn) {
            pthread_mutex_unlock(&s->mu);
            fn(fn_arg);
            pthread_mutex_lock(&s->mu);
        }
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

th_sequencer *th_sequencer_start(th_db *db, const th_note_signer *signer, int sign_every_ms,
                                 size_t max_batch, th_err *e)
{
    if (th_db_sync_later(db, e))
        return NULL;
    th_sequencer *s = th_xcalloc(1, sizeof *s);
    s->db = db;
    s->en = th_engine_new(db);
    s->max_batch = max_batch ? max_batch : 1000;
    s->signed_upto = -1;
    s->sync = sync_db;
    s->sync_arg = db;
    s->signing = signer != NULL;
    if (signer)
        th_engine_set_signer(s->en, signer, sign_every_ms);
    /* everything there now is on the disk (th_db_sync_later synced it) */
    if (th_engine_log_size(s->en, &s->durable, e)) {
        th_engine_free(s->en);
        free(s);
        return NULL;
    }
    s->committed_size = s->durable;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->work, NULL);
    pthread_cond_init(&s->commit, NULL);
    if (pthread_create(&s->syncer, NULL, syncer, s) != 0) {
        th_fail(e, TH_EIO, "cannot start the sync thread: %s", strerror(errno));
        th_engine_free(s->en);
        free(s);
        return NULL;
    }
    if (pthread_create(&s->writer, NULL, writer, s) != 0) {
        th_fail(e, TH_EIO, "cannot start the writer thread: %s", strerror(errno));
        pthread_mutex_lock(&s->mu);
        s->writer_done = true;
        pthread_cond_signal(&s->commit);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->syncer, NULL);
        th_engine_free(s->en);
        free(s);
        return NULL;
    }
    return s;
}

/* Queue it (the lock held; the lock still held on return): 0, or -1 with res failed when the
 * sequencer is stopping. */
static int enqueue(th_sequencer *s, item *it)
{
    if (s->stopping || s->failed) {
        refuse(s, it->res);
        return -1;
    }
    if (s->tail)
        s->tail->next = it;
    else
        s->head = it;
    s->tail = it;
    pthread_cond_signal(&s->work);
    return 0;
}

int th_sequencer_submit(th_sequencer *s, const th_cmd *c, th_cmd_result *res)
{
    item it = {.c = c, .res = res};
    pthread_cond_init(&it.cv, NULL);
    pthread_mutex_lock(&s->mu);
    int rc = enqueue(s, &it);
    while (rc == 0 && !it.done)
        pthread_cond_wait(&it.cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    pthread_cond_destroy(&it.cv);
    return rc;
}

int th_sequencer_submit_async(th_sequencer *s, const th_cmd *c, th_cmd_result *res,
                              void (*done)(void *arg), void *arg)
{
    item *it = th_xcalloc(1, sizeof *it);
    *it = (item){.c = c, .res = res, .fn = done, .arg = arg};
    pthread_mutex_lock(&s->mu);
    int rc = enqueue(s, it);
    pthread_mutex_unlock(&s->mu);
    if (rc)
        free(it);
    return rc;
}

void th_sequencer_on_commit(th_sequencer *s, void (*fn)(void *arg), void *arg)
{
    pthread_mutex_lock(&s->mu);
    s->on_commit = fn;
    s->on_commit_arg = arg;
    pthread_mutex_unlock(&s->mu);
}

void th_sequencer_set_sync(th_sequencer *s, int (*sync)(void *arg, th_err *e), void *arg)
{
    pthread_mutex_lock(&s->mu);
    s->sync = sync ? sync : sync_db;
    s->sync_arg = sync ? arg : s->db;
    pthread_mutex_unlock(&s->mu);
}

void th_sequencer_stats_get(th_sequencer *s, th_sequencer_stats *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->mu);
}

void th_sequencer_stop(th_sequencer *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_signal(&s->work);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->writer, NULL);
    pthread_join(s->syncer, NULL); /* every commit synced and answered */
    th_err e;
    if (!s->failed && (th_engine_checkpoint(s->en, &e) != 0 || th_db_sync(s->db, &e) != 0)) {
        fprintf(stderr, "tanhui: the last checkpoint: %s\n", e.msg);
        th_err_clear(&e);
    }
    th_engine_free(s->en);
    th_db_close(s->db);
    pthread_cond_destroy(&s->commit);
    pthread_cond_destroy(&s->work);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
