/* test_sequencer.c — the server's writer: commands handed over without waiting are applied in
 * the order they came, batched, each answered exactly once with its own result after its batch
 * committed, beside commands whose submitters wait; stopping answers what is queued. The sync
 * thread: with a sync held, the next batch still commits, nothing is answered and no checkpoint
 * covers either; once released both are answered and signed; a failed sync fails what it
 * covered and stops the writes; stopping leaves every entry signed. */
#include "test.h"

#include "server/sequencer.h"
#include "store_fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { ASYNC = 60 };

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int calls[ASYNC];
    int done;
    th_db *reader; /* the answer comes after the commit: a reader sees the account by then */
    int seen_committed;
} tally;

typedef struct {
    tally *t;
    int i;
    char name[16];
    th_cmd c;
    th_cmd_result res;
} job;

static void on_done(void *arg)
{
    job *j = arg;
    char sql[80];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM accounts WHERE name = '%s'", j->name);
    int there = th_test_scalar(j->t->reader, sql) == 1;
    pthread_mutex_lock(&j->t->mu);
    j->t->calls[j->i]++;
    j->t->done++;
    j->t->seen_committed += there;
    pthread_cond_signal(&j->t->cv);
    pthread_mutex_unlock(&j->t->mu);
}

TEST(sequencer_answers_commands_handed_over_after_their_commit)
{
    th_db *db = th_test_db_new("seq.db");
    if (!db)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/seq.db", th_test_tmpdir());
    th_err e;
    tally t = {.done = 0};
    pthread_mutex_init(&t.mu, NULL);
    pthread_cond_init(&t.cv, NULL);
    CHECK_INT(th_db_open(path, TH_DB_READ, &t.reader, &e), 0);
    th_sequencer *s = th_sequencer_start(db, NULL, 0, 16, &e);
    CHECK(s != NULL);
    th_cmd init = {.type = TH_CMD_INIT_REGISTRY};
    th_cmd_result r;
    th_cmd_result_init(&r);
    CHECK_INT(th_sequencer_submit(s, &init, &r), 0);
    CHECK_INT(r.status, 0);

    static job jobs[ASYNC];
    for (int i = 0; i < ASYNC; i++) {
        job *j = &jobs[i];
        j->t = &t;
        j->i = i;
        snprintf(j->name, sizeof j->name, "A%02d", i);
        /* every tenth is refused (the account exists already): its own answer says so */
        if (i % 10 == 9)
            snprintf(j->name, sizeof j->name, "A%02d", i - 1);
        j->c = (th_cmd){.type = TH_CMD_ACCOUNT_ADD, .name = j->name, .kind = "company"};
        th_cmd_result_init(&j->res);
        CHECK_INT(th_sequencer_submit_async(s, &j->c, &j->res, on_done, j), 0);
        if (i == ASYNC / 2) { /* a waiting submitter among them */
            th_cmd w = {.type = TH_CMD_ACCOUNT_ADD, .name = "W", .kind = "company"};
            CHECK_INT(th_sequencer_submit(s, &w, &r), 0);
            CHECK_INT(r.status, 0);
        }
    }
    pthread_mutex_lock(&t.mu);
    while (t.done < ASYNC)
        pthread_cond_wait(&t.cv, &t.mu);
    pthread_mutex_unlock(&t.mu);
    for (int i = 0; i < ASYNC; i++) {
        CHECK_INT(t.calls[i], 1);
        if (i % 10 == 9) {
            CHECK_INT(jobs[i].res.status, -1);
            CHECK(strstr(jobs[i].res.err.msg, "exists already") != NULL);
        } else {
            CHECK_INT(jobs[i].res.status, 0);
            CHECK(strstr(jobs[i].res.result.p, jobs[i].name) != NULL);
        }
    }
    CHECK_INT(t.seen_committed, ASYNC); /* the refused ones' names are there from before */
    /* in the order handed over: the ids follow it (W among them) */
    CHECK_INT(th_test_scalar(t.reader, "SELECT count(*) FROM accounts a JOIN accounts b"
                                       " ON a.name < b.name AND a.id > b.id"
                                       " WHERE a.name LIKE 'A%' AND b.name LIKE 'A%'"),
              0);
    th_sequencer_stats st;
    th_sequencer_stats_get(s, &st);
    CHECK(st.commands == ASYNC + 2);

    /* stopping: what is queued is still applied and answered; after, nothing is taken */
    static job late[8];
    int before = t.done;
    for (int i = 0; i < 8; i++) {
        late[i] = (job){.t = &t, .i = i};
        snprintf(late[i].name, sizeof late[i].name, "L%d", i);
        late[i].c = (th_cmd){.type = TH_CMD_ACCOUNT_ADD, .name = late[i].name, .kind = "company"};
        th_cmd_result_init(&late[i].res);
        CHECK_INT(th_sequencer_submit_async(s, &late[i].c, &late[i].res, on_done, &late[i]), 0);
    }
    th_sequencer_stop(s);
    CHECK_INT(t.done, before + 8);
    for (int i = 0; i < 8; i++) {
        CHECK_INT(late[i].res.status, 0);
        th_cmd_result_free(&late[i].res);
    }
    for (int i = 0; i < ASYNC; i++)
        th_cmd_result_free(&jobs[i].res);
    th_cmd_result_free(&r);
    th_db_close(t.reader);
    pthread_cond_destroy(&t.cv);
    pthread_mutex_destroy(&t.mu);
}

/* A sync the test holds (while hold is set) or fails (while fail is set). */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool hold, fail;
    int entered, held; /* syncs begun; ... of them now waiting for the test */
    th_db *db;
} gate;

static int gated_sync(void *arg, th_err *e)
{
    gate *g = arg;
    pthread_mutex_lock(&g->mu);
    g->entered++;
    g->held++;
    pthread_cond_broadcast(&g->cv);
    while (g->hold)
        pthread_cond_wait(&g->cv, &g->mu);
    g->held--;
    bool fail = g->fail;
    pthread_mutex_unlock(&g->mu);
    if (fail)
        return th_fail(e, TH_EIO, "injected: the disk said no");
    return th_db_sync(g->db, e);
}

static void wait_for(th_db *reader, const char *sql, int64_t want)
{
    for (int i = 0; i < 400 && th_test_scalar(reader, sql) != want; i++)
        nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
}

/* A new database `name` (*db: the sequencer's connection to it) under a sequencer of at most
 * `batch` a batch that signs with a fresh key (at most every sign_every ms, 0: every batch), its
 * registry made, and a reader of it; NULL if any of that fails. */
static th_sequencer *signing_sequencer(const char *name, size_t batch, int sign_every,
                                       th_db **reader, th_db **written)
{
    th_db *db = th_test_db_new(name);
    *written = db;
    if (!db)
        return NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", th_test_tmpdir(), name);
    th_err e;
    th_note_signer key;
    th_sequencer *s = NULL;
    if (th_note_generate("test.tanhui/log", &key, &e) != 0 ||
        th_db_open(path, TH_DB_READ, reader, &e) != 0 ||
        !(s = th_sequencer_start(db, &key, sign_every, batch, &e))) {
        th_db_close(db);
        return NULL;
    }
    th_cmd init = {.type = TH_CMD_INIT_REGISTRY};
    th_cmd_result r;
    th_cmd_result_init(&r);
    int rc = th_sequencer_submit(s, &init, &r) || r.status;
    th_cmd_result_free(&r);
    if (rc) {
        th_sequencer_stop(s);
        th_db_close(*reader);
        return NULL;
    }
    return s;
}

TEST(sequencer_answers_after_the_sync_and_signs_only_what_it_covered)
{
    th_db *reader, *db;
    th_sequencer *s = signing_sequencer("seqsync.db", 16, 0, &reader, &db);
    CHECK(s != NULL);
    if (!s)
        return;
    gate g = {.db = db};
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.cv, NULL);
    th_sequencer_set_sync(s, gated_sync, &g);
    th_cmd_result r;
    th_cmd_result_init(&r);
    /* a batch of no command signs what the sync covered */
    int64_t n0 = th_test_scalar(reader, "SELECT count(*) FROM log_entries");
    CHECK(n0 > 0);
    wait_for(reader, "SELECT max(size) FROM log_checkpoints", n0);
    CHECK_INT(th_test_scalar(reader, "SELECT max(size) FROM log_checkpoints"), n0);

    /* held: A commits, and B after it while A's sync waits; neither is answered, and no
     * checkpoint covers either */
    tally t = {.reader = reader};
    pthread_mutex_init(&t.mu, NULL);
    pthread_cond_init(&t.cv, NULL);
    static job ab[2];
    pthread_mutex_lock(&g.mu);
    g.hold = true;
    pthread_mutex_unlock(&g.mu);
    for (int i = 0; i < 2; i++) {
        ab[i] = (job){.t = &t, .i = i};
        snprintf(ab[i].name, sizeof ab[i].name, "%c", 'A' + i);
        ab[i].c = (th_cmd){.type = TH_CMD_ACCOUNT_ADD, .name = ab[i].name, .kind = "company"};
        th_cmd_result_init(&ab[i].res);
        CHECK_INT(th_sequencer_submit_async(s, &ab[i].c, &ab[i].res, on_done, &ab[i]), 0);
        char sql[80];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM accounts WHERE name = '%s'", ab[i].name);
        wait_for(reader, sql, 1);
        CHECK_INT(th_test_scalar(reader, sql), 1); /* committed, and visible */
    }
    pthread_mutex_lock(&g.mu);
    while (g.held == 0)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);
    pthread_mutex_lock(&t.mu);
    CHECK_INT(t.done, 0);
    pthread_mutex_unlock(&t.mu);
    CHECK_INT(th_test_scalar(reader, "SELECT count(*) FROM log_entries"), n0 + 2);
    CHECK_INT(th_test_scalar(reader, "SELECT max(size) FROM log_checkpoints"), n0);

    /* released: both answered, and then signed */
    pthread_mutex_lock(&g.mu);
    g.hold = false;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    pthread_mutex_lock(&t.mu);
    while (t.done < 2)
        pthread_cond_wait(&t.cv, &t.mu);
    pthread_mutex_unlock(&t.mu);
    CHECK_INT(ab[0].res.status, 0);
    CHECK_INT(ab[1].res.status, 0);
    CHECK_INT(t.seen_committed, 2);
    wait_for(reader, "SELECT max(size) FROM log_checkpoints", n0 + 2);
    CHECK_INT(th_test_scalar(reader, "SELECT max(size) FROM log_checkpoints"), n0 + 2);

    /* a failed sync: its command is told its change was not confirmed, and nothing more is
     * taken */
    pthread_mutex_lock(&g.mu);
    g.fail = true;
    pthread_mutex_unlock(&g.mu);
    th_cmd c = {.type = TH_CMD_ACCOUNT_ADD, .name = "C", .kind = "company"};
    CHECK_INT(th_sequencer_submit(s, &c, &r), 0);
    CHECK_INT(r.status, -1);
    CHECK(strstr(r.err.msg, "the disk did not confirm it (injected: the disk said no)") != NULL);
    th_cmd d = {.type = TH_CMD_ACCOUNT_ADD, .name = "D", .kind = "company"};
    CHECK_INT(th_sequencer_submit(s, &d, &r), -1);
    CHECK(strstr(r.err.msg, "takes no more writes") != NULL);
    th_sequencer_stop(s);
    CHECK_INT(th_test_scalar(reader, "SELECT count(*) FROM accounts WHERE name = 'D'"), 0);
    for (int i = 0; i < 2; i++)
        th_cmd_result_free(&ab[i].res);
    th_cmd_result_free(&r);
    th_db_close(reader);
    pthread_cond_destroy(&t.cv);
    pthread_mutex_destroy(&t.mu);
    pthread_cond_destroy(&g.cv);
    pthread_mutex_destroy(&g.mu);
}

TEST(sequencer_stop_leaves_every_entry_signed_and_on_the_disk)
{
    th_db *reader, *db;
    th_sequencer *s = signing_sequencer("seqstop.db", 4, 0, &reader, &db);
    CHECK(s != NULL);
    if (!s)
        return;
    static job many[40];
    tally t = {.reader = reader};
    pthread_mutex_init(&t.mu, NULL);
    pthread_cond_init(&t.cv, NULL);
    for (int i = 0; i < 40; i++) {
        many[i] = (job){.t = &t, .i = i % ASYNC};
        snprintf(many[i].name, sizeof many[i].name, "M%02d", i);
        many[i].c = (th_cmd){.type = TH_CMD_ACCOUNT_ADD, .name = many[i].name, .kind = "company"};
        th_cmd_result_init(&many[i].res);
        CHECK_INT(th_sequencer_submit_async(s, &many[i].c, &many[i].res, on_done, &many[i]), 0);
    }
    th_sequencer_stop(s);
    CHECK_INT(t.done, 40);
    CHECK_INT(t.seen_committed, 40);
    int64_t n = th_test_scalar(reader, "SELECT count(*) FROM log_entries");
    CHECK_INT(th_test_scalar(reader, "SELECT count(*) FROM accounts WHERE name LIKE 'M%'"), 40);
    CHECK_INT(th_test_scalar(reader, "SELECT max(size) FROM log_checkpoints"), n);
    for (int i = 0; i < 40; i++)
        th_cmd_result_free(&many[i].res);
    th_db_close(reader);
    pthread_cond_destroy(&t.cv);
    pthread_mutex_destroy(&t.mu);
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(sequencer_signs_at_most_once_an_interval_and_then_all_that_is_synced)
{
    /* longer than the idle writer's second: its clock batch within the interval must not count
     * as signing */
    enum { EVERY_MS = 1500, WRITES = 8 };
    th_db *reader, *db;
    th_sequencer *s = signing_sequencer("seqevery.db", 16, EVERY_MS, &reader, &db);
    CHECK(s != NULL);
    if (!s)
        return;
    /* the first checkpoint is due at once: it covers the registry's entries */
    int64_t n0 = th_test_scalar(reader, "SELECT count(*) FROM log_entries");
    wait_for(reader, "SELECT max(size) FROM log_checkpoints", n0);
    CHECK_INT(th_test_scalar(reader, "SELECT max(size) FROM log_checkpoints"), n0);
    double signed_at = seconds_now();
    int64_t k0 = th_test_scalar(reader, "SELECT count(*) FROM log_checkpoints");
    /* writes in batches of their own, within the interval: answered, none of them signed */
    th_cmd_result r;
    th_cmd_result_init(&r);
    static char names[WRITES][16];
    for (int i = 0; i < WRITES; i++) {
        snprintf(names[i], sizeof names[i], "E%d", i);
        th_cmd c = {.type = TH_CMD_ACCOUNT_ADD, .name = names[i], .kind = "company"};
        CHECK_INT(th_sequencer_submit(s, &c, &r), 0);
        CHECK_INT(r.status, 0);
    }
    if (seconds_now() - signed_at < EVERY_MS / 1000.0 * 0.8) /* a machine this slow: no claim */
        CHECK_INT(th_test_scalar(reader, "SELECT count(*) FROM log_checkpoints"), k0);
    /* once the interval has passed, one checkpoint over all of them, with no write to carry it */
    for (int i = 0; i < 4 && th_test_scalar(reader, "SELECT max(size) FROM log_checkpoints") !=
                                 n0 + WRITES;
         i++)
        wait_for(reader, "SELECT max(size) FROM log_checkpoints", n0 + WRITES);
    CHECK_INT(th_test_scalar(reader, "SELECT max(size) FROM log_checkpoints"), n0 + WRITES);
    CHECK(seconds_now() - signed_at >= EVERY_MS / 1000.0 * 0.95);
    CHECK_INT(th_test_scalar(reader, "SELECT count(*) FROM log_checkpoints"), k0 + 1);
    /* stopping signs what is left, interval or not */
    th_cmd c = {.type = TH_CMD_ACCOUNT_ADD, .name = "Last", .kind = "company"};
    CHECK_INT(th_sequencer_submit(s, &c, &r), 0);
    th_sequencer_stop(s);
    CHECK_INT(th_test_scalar(reader, "SELECT max(size) FROM log_checkpoints"), n0 + WRITES + 1);
    th_cmd_result_free(&r);
    th_db_close(reader);
}
