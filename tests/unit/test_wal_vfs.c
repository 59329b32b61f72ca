/* test_wal_vfs.c — a writer's WAL frames go to the file as runs (wal_vfs.h): far fewer writes
 * than SQLite asked, a commit seen at once by a reader of the plain VFS, and the files, copied
 * as a power cut would leave them after the commit (the WAL unchecked, the shared memory gone),
 * open with every committed row: also after a transaction whose spilled pages were written
 * again, so that SQLite rewrote its frames' checksums after the commit frame. */
#include "test.h"

#include "store/wal_vfs.h"
#include "store_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int copy(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    int rc = in && out ? 0 : -1;
    char buf[65536];
    size_t n;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    return rc;
}

/* The database's files as they are now, under another name, and what that copy holds: the
 * number of rows of t and their total length (-1 when it cannot be read). */
static void as_after_a_crash(const char *path, long long *rows, long long *bytes)
{
    char from[700], to[700], copy_path[600];
    snprintf(copy_path, sizeof copy_path, "%s.copy", path);
    th_db_unlink(copy_path);
    CHECK_INT(copy(path, copy_path), 0);
    snprintf(from, sizeof from, "%s-wal", path);
    snprintf(to, sizeof to, "%s-wal", copy_path);
    CHECK_INT(copy(from, to), 0);
    th_db *db;
    th_err e;
    *rows = *bytes = -1;
    if (th_db_open(copy_path, TH_DB_READ, &db, &e) != 0) {
        CHECK_STR(e.msg, "");
        return;
    }
    *rows = th_test_scalar(db, "SELECT count(*) FROM t");
    *bytes = th_test_scalar(db, "SELECT sum(length(x)) FROM t");
    th_db_close(db);
    th_db_unlink(copy_path);
}

TEST(wal_vfs_runs)
{
    th_db *db = th_test_db_new("walvfs.db");
    if (!db)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/walvfs.db", th_test_tmpdir());
    th_err e;
    /* the WAL keeps every frame (no checkpoint copies them away) */
    CHECK_INT(th_db_exec(db, "PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x BLOB)", &e), 0);
    th_db *reader;
    CHECK_INT(th_db_open(path, TH_DB_READ, &reader, &e), 0);
    th_wal_vfs_stats a = th_wal_vfs_counts();
    CHECK_INT(th_db_exec(db, "BEGIN; WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1"
                             " FROM n WHERE k < 200) INSERT INTO t SELECT randomblob(1000)"
                             " FROM n; COMMIT",
                         &e),
              0);
    th_wal_vfs_stats b = th_wal_vfs_counts();
    /* some 55 frames, two writes each asked: a few runs made */
    CHECK(b.asked - a.asked >= 100);
    CHECK(b.made - a.made <= (b.asked - a.asked) / 10);
    CHECK_INT((int)(b.at_barrier - a.at_barrier), 0);
    CHECK_INT((int)th_test_scalar(reader, "SELECT count(*) FROM t"), 200);
    long long rows, bytes;
    as_after_a_crash(path, &rows, &bytes);
    CHECK_INT((int)rows, 200);
    CHECK_INT((int)bytes, 200000);

    /* a cache of 8 pages: the transaction's pages spill to the WAL before its commit, and the
     * update writes them again, each in its frame of this transaction (whose checksums SQLite
     * then rewrites, from the first rewritten frame to the commit frame). Without a sync at
     * the commit (the server's writer: synchronous NORMAL), the last of those goes at the
     * barrier. */
    a = th_wal_vfs_counts();
    CHECK_INT(th_db_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = 8; BEGIN;"
                             " WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n"
                             " WHERE k < 300) INSERT INTO t SELECT randomblob(1500) FROM n;"
                             " UPDATE t SET x = randomblob(1200) WHERE rowid % 3 = 0;"
                             " UPDATE t SET x = randomblob(900) WHERE rowid % 7 = 0; COMMIT",
                         &e),
              0);
    b = th_wal_vfs_counts();
    CHECK_INT((int)(b.at_barrier - a.at_barrier), 1);
    long long want = th_test_scalar(reader, "SELECT sum(length(x)) FROM t");
    CHECK_INT((int)th_test_scalar(reader, "SELECT count(*) FROM t"), 500);
    as_after_a_crash(path, &rows, &bytes);
    CHECK_INT((int)rows, 500);
    CHECK(bytes == want);
    /* the same again, after the WAL started over (its header written at offset 0 while the
     * file holds the older frames) */
    CHECK_INT(th_db_exec(db, "PRAGMA wal_checkpoint(RESTART)", &e), 0);
    CHECK_INT(th_db_exec(db, "DELETE FROM t WHERE rowid % 2 = 0", &e), 0);
    want = th_test_scalar(reader, "SELECT sum(length(x)) FROM t");
    as_after_a_crash(path, &rows, &bytes);
    CHECK_INT((int)rows, 250);
    CHECK(bytes == want);
    th_db_close(reader);
    th_db_close(db);
}
