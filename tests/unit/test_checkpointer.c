/* test_checkpointer.c — WAL checkpoints on their own thread: they run, the WAL never grows past
 * its limit however fast the writer commits, readers read throughout, and every committed row is
 * in the database once it is closed (the WAL gone with it). */
#include "test.h"

#include "store_fixture.h"
#include "store/checkpointer.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

TEST(checkpointer_keeps_the_wal_bounded)
{
    th_db *db = th_test_db_new("ckpt.db");
    if (!db)
        return;
    char path[512], wal[540];
    snprintf(path, sizeof path, "%s/ckpt.db", th_test_tmpdir());
    snprintf(wal, sizeof wal, "%s-wal", path);
    th_err e;
    CHECK_INT(th_db_background_checkpoints(db, NULL), -1);
    CHECK_INT(th_db_checkpoint_in_background(db, &e), 0);
    CHECK_INT(th_db_checkpoint_in_background(db, &e), 0); /* once is enough */
    CHECK_INT(th_db_exec(db, "CREATE TABLE t (x BLOB)", &e), 0);
    th_db *reader;
    CHECK_INT(th_db_open(path, TH_DB_READ, &reader, &e), 0);
    /* commits that each rewrite about 100 pages (the table's rows replaced, so the file stays
     * small): twice the WAL's limit in pages, were nothing to checkpoint them */
    enum { ROWS = 100, COMMITS = 2 * TH_WAL_LIMIT / ROWS };
    /* the limit, and ten commits more: the writer's own checkpoint is refused (BUSY) while the
     * thread runs one, and tried again at the next commit */
    long long most = 0, bound = (long long)(TH_WAL_LIMIT + 10 * (ROWS + 10)) * (4096 + 24) + 32;
    for (int i = 0; i < COMMITS; i++) {
        CHECK_INT(th_db_exec(db, "BEGIN IMMEDIATE; DELETE FROM t;"
                                 "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n"
                                 "  WHERE k < 100)"
                                 "INSERT INTO t SELECT randomblob(3900) FROM n;"
                                 "COMMIT",
                             &e),
                  0);
        long long w = file_size(wal);
        if (w > most)
            most = w;
        if (i % 10 == 0) /* a reader sees every commit so far */
            CHECK_INT(th_test_scalar(reader, "SELECT count(*) FROM t"), ROWS);
    }
    CHECK(most > 0);
    CHECK(most <= bound);
    /* the thread ran: give it a moment for the last request */
    for (int k = 0; k < 200 && th_db_background_checkpoints(db, NULL) < 1; k++)
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    /* and copied pages: a connection that has not read the database yet takes it for one
     * without a WAL, and its checkpoints copy nothing (the thread's did, until 2026-12-06) */
    long pages;
    CHECK(th_db_background_checkpoints(db, &pages) >= 1);
    CHECK(pages >= 100);
    /* pages it copied, not the WAL's copied pages summed at every run: no more than were
     * written (each commit writes its 100 rows' pages, and a few of the table's and schema's) */
    CHECK(pages <= (long)COMMITS * (ROWS + 10));
    th_db_close(reader);
    th_db_close(db);
    CHECK_INT(file_size(wal), -1); /* the last connection checkpointed the rest */
    CHECK_INT(th_db_open(path, TH_DB_READ, &db, &e), 0);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM t"), ROWS);
    th_db_close(db);
}
