/* sequencer.h — the server's one writer: a thread that owns the engine and the write connection,
 * and a second thread that makes its commits durable.
 *
 * Request threads submit commands and wait, or hand them over with a function to call when they
 * are done; the writer takes everything queued (up to a batch) and applies it as one batch
 * (th_engine_apply: one transaction, one commit). The commit does not wait for the disk
 * (th_db_sync_later): the sync thread syncs the WAL, covering every batch committed before it
 * began, and only then wakes each submitter of those batches with its command's result, so a
 * response is sent only once its batch is on the disk, while the writer goes on with the next
 * batch during the sync. Other readers of the database may see a batch before its sync ends
 * (by about a millisecond); a checkpoint is signed only over what a sync has covered
 * (th_engine_sign_durable): by the next batch, or by a batch of no command when none comes;
 * with an interval, at most once in it (a batch within it signs nothing).
 * While idle the writer wakes every second to make the clock's changes (the calendar's
 * sessions, auctions that have ended) as a batch of no command. Stopping finishes what is
 * queued and synced, then signs a checkpoint over anything left unsigned. If a sync fails, the
 * commands it covered fail (their changes were made, but the disk did not confirm them) and
 * the sequencer takes no more. */
#ifndef TH_SEQUENCER_H
#define TH_SEQUENCER_H

#include "engine/engine.h"
#include "log/note.h"
#include "store/db.h"

#include <stddef.h>
#include <stdint.h>

typedef struct th_sequencer th_sequencer;

/* Start the writer on db (opened for writing; the sequencer owns it from now). signer NULL:
 * sign no checkpoints. sign_every_ms > 0: under load, sign at most one checkpoint that often
 * (what a batch within the interval appended is signed by the first batch after it, or by a
 * batch of no command once the interval has passed); 0: after every batch. */
th_sequencer *th_sequencer_start(th_db *db, const th_note_signer *signer, int sign_every_ms,
                                 size_t max_batch, th_err *e);
/* Apply c in the next batch and wait for its commit; *res gets its outcome (init'ed by the
 * caller). Returns -1 (res->err says why) when the sequencer is stopping. */
int th_sequencer_submit(th_sequencer *s, const th_cmd *c, th_cmd_result *res);
/* The same without waiting: done(arg) is called on the writer or the sync thread once *res
 * holds the outcome (after the batch's sync, or its failure); c and res stay the caller's and must live
 * until then. -1 (res->err says why, done is not called) when the sequencer is stopping. The
 * server's writes: a request is set aside, not a thread held, until its batch commits. */
int th_sequencer_submit_async(th_sequencer *s, const th_cmd *c, th_cmd_result *res,
                              void (*done)(void *arg), void *arg);
/* Call fn(arg) on the sync thread after each sync that covered a commit (after the submitters
 * are woken); set it before any command is submitted. */
void th_sequencer_on_commit(th_sequencer *s, void (*fn)(void *arg), void *arg);
/* Make the commits durable with sync(arg) instead of th_db_sync of the database (NULL: that
 * again): for tests, to hold a sync or fail it. Syncs that begin after the call use it. */
void th_sequencer_set_sync(th_sequencer *s, int (*sync)(void *arg, th_err *e), void *arg);
/* Finish the queue, stop the threads, close the database. */
void th_sequencer_stop(th_sequencer *s);

/* Figures for /metrics: batches and commands committed, the last batch's size, the syncs, and
 * commit latency (from a batch's start to the end of the sync that covered it) as a histogram
 * over th_sequencer_buckets. */
enum { TH_SEQ_BUCKETS = 8 };
extern const double th_sequencer_buckets[TH_SEQ_BUCKETS]; /* seconds, ascending */
typedef struct {
    uint64_t batches, commands, last_batch, syncs;
    uint64_t latency_count[TH_SEQ_BUCKETS + 1]; /* the last: above the top bucket */
    double latency_sum;
} th_sequencer_stats;
void th_sequencer_stats_get(th_sequencer *s, th_sequencer_stats *out);

#endif
