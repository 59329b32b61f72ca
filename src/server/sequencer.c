/* sequencer.c — the writer thread. See sequencer.h. */
#include "server/sequencer.h"

#include "base/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const double th_sequencer_buckets[TH_SEQ_BUCKETS] = {0.001, 0.0025, 0.005, 0.01,
                                                     0.025, 0.05,   0.1,   0.25};

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
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work;
    item *head, *tail;
    int stopping;
    th_sequencer_stats stats;
    void (*on_commit)(void *arg);
    void *on_commit_arg;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void record(th_sequencer *s, size_t n, double took)
{
    s->stats.batches++;
    s->stats.commands += n;
    s->stats.last_batch = n;
    s->stats.latency_sum += took;
    int b = 0;
    while (b < TH_SEQ_BUCKETS && took > th_sequencer_buckets[b])
        b++;
    s->stats.latency_count[b]++;
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
        if (!s->head && !s->stopping) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            if (pthread_cond_timedwait(&s->work, &s->mu, &until) == ETIMEDOUT && !s->head) {
                /* idle: the clock's changes alone */
                void (*fn)(void *) = s->on_commit, *fn_arg = s->on_commit_arg;
                pthread_mutex_unlock(&s->mu);
                th_err e;
                if (th_engine_apply(s->en, NULL, 0, NULL, &e) != 0)
                    th_err_clear(&e);
                else if (fn)
                    fn(fn_arg);
                pthread_mutex_lock(&s->mu);
            }
            continue;
        }
        if (!s->head)
            break; /* stopping, and nothing is left */
        size_t n = 0;
        while (s->head && n < s->max_batch) {
            taken[n] = s->head;
            s->head = s->head->next;
            cmds[n] = *taken[n]->c;
            n++;
        }
        if (!s->head)
            s->tail = NULL;
        void (*fn)(void *) = s->on_commit, *fn_arg = s->on_commit_arg;
        pthread_mutex_unlock(&s->mu);
        double t0 = now_s();
        th_err e;
        th_err_clear(&e);
        int rc = th_engine_apply(s->en, cmds, n, res, &e);
        double took = now_s() - t0;
        if (rc == 0 && fn)
            fn(fn_arg);
        pthread_mutex_lock(&s->mu);
        if (rc == 0)
            record(s, n, took);
        size_t nasync = 0;
        for (size_t i = 0; i < n; i++) {
            /* the result moves to the submitter; ours starts afresh */
            th_cmd_result_free(taken[i]->res);
            *taken[i]->res = res[i];
            th_cmd_result_init(&res[i]);
            if (taken[i]->fn) {
                taken[nasync++] = taken[i]; /* told below, out of the lock */
            } else {
                taken[i]->done = 1;
                pthread_cond_signal(&taken[i]->cv);
            }
        }
        if (nasync) {
            pthread_mutex_unlock(&s->mu);
            for (size_t i = 0; i < nasync; i++) {
                taken[i]->fn(taken[i]->arg); /* the submitter's memory may go from here on */
                free(taken[i]);
            }
            pthread_mutex_lock(&s->mu);
        }
    }
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < s->max_batch; i++)
        th_cmd_result_free(&res[i]);
    free(cmds);
    free(res);
    free(taken);
    return NULL;
}

th_sequencer *th_sequencer_start(th_db *db, const th_note_signer *signer, size_t max_batch,
                                 th_err *e)
{
    th_sequencer *s = th_xcalloc(1, sizeof *s);
    s->db = db;
    s->en = th_engine_new(db);
    s->max_batch = max_batch ? max_batch : 1000;
    if (signer)
        th_engine_set_signer(s->en, signer, 0);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->work, NULL);
    if (pthread_create(&s->thread, NULL, writer, s) != 0) {
        th_fail(e, TH_EIO, "cannot start the writer thread: %s", strerror(errno));
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
    if (s->stopping) {
        it->res->status = -1;
        th_fail(&it->res->err, TH_EIO, "the server is shutting down");
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
    pthread_join(s->thread, NULL);
    th_err e;
    if (th_engine_checkpoint(s->en, &e) != 0)
        th_err_clear(&e);
    th_engine_free(s->en);
    th_db_close(s->db);
    pthread_cond_destroy(&s->work);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
