/* test_sequencer.c — the server's writer: commands handed over without waiting are applied in
 * the order they came, batched, each answered exactly once with its own result after its batch
 * committed, beside commands whose submitters wait; stopping answers what is queued. */
#include "test.h"

#include "server/sequencer.h"
#include "store_fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

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
    th_sequencer *s = th_sequencer_start(db, NULL, 16, &e);
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
