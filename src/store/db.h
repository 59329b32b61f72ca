/* db.h — the store: one SQLite database file, the truth of the registry.
 *
 * Opened in WAL mode with synchronous=FULL (a committed transaction survives power loss; the
 * server's writer syncs apart instead, th_db_sync_later) and foreign keys on; a writing
 * connection's WAL frames go to the file in runs (wal_vfs.h). The schema carries a version in
 * `meta`; th_db_open applies the migrations that a database lacks, each in its own transaction,
 * so an old file is brought up to date and a new one is created the same way. Readers may open
 * the file at any time: WAL lets them read while the one writer (engine/) writes. */
#ifndef TH_DB_H
#define TH_DB_H

#include "base/buf.h"
#include "base/err.h"
#include "base/versions.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct th_db th_db;

typedef enum {
    TH_DB_CREATE, /* create a new database; fail if the file exists */
    TH_DB_WRITE,  /* open an existing database to change it */
    TH_DB_READ    /* open an existing database to read it */
} th_db_mode;

/* A writing connection's page cache, in KiB (a reading one keeps SQLite's default of 2 MiB,
 * unless its owner sets another: the server's request threads share a budget). */
#define TH_DB_WRITER_CACHE_KIB 32768

int th_db_open(const char *path, th_db_mode mode, th_db **out, th_err *e)
    __attribute__((warn_unused_result));
void th_db_close(th_db *db);
/* The bytes SQLite's page caches hold, all connections of the process together (SQLite's other
 * memory is not counted: its statistics are off, for speed). */
int64_t th_db_page_cache_bytes(void);
/* Remove a database file and its WAL side files (closed databases only). */
void th_db_unlink(const char *path);
sqlite3 *th_db_handle(th_db *db);
int th_db_schema_version(th_db *db);
/* The version this tanhui writes. */
int th_db_schema_latest(void);

/* A command's savepoint (the engine runs each command in one, so that a failed command is undone
 * alone). lazy: made only before the command's first statement that writes (th_db_stmt,
 * th_db_prepare and th_db_exec make it then), so that a command that writes nothing, such as an
 * order kept in memory (exchange/order_rows.h), costs no savepoint nor its journal of pages.
 * th_db_savepoint_end: undo (roll back to it) or keep what the command wrote, and release it;
 * nothing to do when none was made. -1 (e set) when the store fails. */
int th_db_savepoint_begin(th_db *db, bool lazy, th_err *e) __attribute__((warn_unused_result));
int th_db_savepoint_end(th_db *db, bool undo, th_err *e) __attribute__((warn_unused_result));

/* Write into out (cap bytes) the text `head` followed by n rows of cols placeholders,
 * "(?,?),(?,?)": a multi-row INSERT's (the rows written at a batch's end). Once per text: a
 * caller keeps it at a fixed address for the statement cache. */
void th_db_values_sql(char *out, size_t cap, const char *head, int n, int cols);

/* Run SQL with no result rows (several statements allowed). */
int th_db_exec(th_db *db, const char *sql, th_err *e) __attribute__((warn_unused_result));
/* Prepare a statement (the caller finalizes it). */
int th_db_prepare(th_db *db, const char *sql, sqlite3_stmt **st, th_err *e)
    __attribute__((warn_unused_result));
/* A prepared statement from the connection's cache (prepared once per SQL text, then reused):
 * the caller binds, steps, and hands it back with th_db_done instead of finalizing it. A
 * statement must be done with before the same SQL is asked for again. Only SQL texts from a
 * finite set (literals, or texts assembled from fixed parts) belong here: the cache keeps each. */
int th_db_stmt(th_db *db, const char *sql, sqlite3_stmt **st, th_err *e)
    __attribute__((warn_unused_result));
void th_db_done(th_db *db, sqlite3_stmt *st);
/* A per-connection memo of facts that never change once committed (an account's row, the
 * registry code), so that the ledger need not query them for every command. Keys are text;
 * values are copied bytes. The memo is dropped whenever a transaction rolls back (a fact read
 * inside it may be undone with it); after rolling back one command the engine forgets what that
 * command memoized (th_db_memo_rewind).
 * A miss costs nothing but the query it would have saved: the memo forgets when it fills. */
const void *th_db_memo_get(th_db *db, const char *key, size_t *len);
void th_db_memo_put(th_db *db, const char *key, const void *value, size_t len);
void th_db_memo_clear(th_db *db);
/* A mark of what the memo holds now, and forgetting what was memoized since it (a command rolled
 * back to its savepoint: what it read may be undone, what was known before it stands). When a
 * fact known before was rewritten, or the memo cleared, since the mark, all of it is forgotten. */
size_t th_db_memo_mark(th_db *db);
void th_db_memo_rewind(th_db *db, size_t mark);
/* Checkpoint the WAL on a thread of its own (store/checkpointer.h) instead of in the commits
 * that fill it: for a long-running writer (the server's sequencer). Idempotent; undone by
 * th_db_close. th_db_background_checkpoints: how many it ran that copied pages (-1: none is
 * running), and (pages, unless NULL) the pages they copied. */
int th_db_checkpoint_in_background(th_db *db, th_err *e) __attribute__((warn_unused_result));
long th_db_background_checkpoints(th_db *db, long *pages);
/* Commit without waiting for the disk (synchronous = NORMAL), and let th_db_sync make what has
 * committed durable, from any thread (it touches only a descriptor of the WAL file, and
 * fdatasync covers every write made to the file before it, through any descriptor): the
 * server's writer overlaps a batch's sync with the next batch's work, and answers a batch only
 * once a sync has covered it. In WAL mode SQLite writes a commit's pages to the WAL in order and
 * recovers the WAL up to the last whole commit, so what a sync covered survives a power cut and
 * a later commit lost in it takes nothing earlier with it. th_db_sync_later first syncs what is
 * there (a crash before may have left commits made but not synced). Idempotent; the descriptor
 * goes with th_db_close. */
int th_db_sync_later(th_db *db, th_err *e) __attribute__((warn_unused_result));
int th_db_sync(th_db *db, th_err *e) __attribute__((warn_unused_result));
/* Blocks of memory that modules above the store keep with the connection, one per key (the log's
 * right edge: log_store.c; the next order's id and priority: order_rows.c),
 * zeroed when first made and freed with the connection; NULL if it is
 * not made (and make is false) or was made with another size. th_db_rollbacks counts the
 * transactions rolled back on the connection: what such a cache learnt inside one is void once
 * the count has moved. */
typedef enum {
    TH_DB_CACHE_LOG,
    TH_DB_CACHE_ORDERS,
    TH_DB_CACHE_BLOCKS, /* the next block's id: ledger/block_rows.c */
    TH_DB_CACHES
} th_db_cache_key;
void *th_db_cache(th_db *db, th_db_cache_key key, size_t size, bool make);
uint64_t th_db_rollbacks(th_db *db);
/* The rows a batch keeps to write once at its end (exchange/batch_rows.h): versions by key of
 * one kind of row, kept with the connection and emptied whenever a transaction is rolled back
 * (what they held was undone). th_db_keep_rows: whether the command in hand keeps its rows
 * (true) or writes them at once (false, the default). */
typedef enum {
    TH_DB_KEPT_ORDERS,
    TH_DB_KEPT_CASH,
    TH_DB_KEPT_BLOCKS,  /* ledger/block_rows.h: the blocks, by id */
    TH_DB_KEPT_HOLDERS, /* and their holders' newest versions, by account */
    /* the store's rows read of each holder's credits (ledger/block_rows.c): emptied too when
     * a command may write at once (th_db_keep_rows(db, false)) */
    TH_DB_KEPT_READ_BLOCKS,
    TH_DB_KEPTS
} th_db_kept_kind;
th_versions *th_db_kept(th_db *db, th_db_kept_kind kind, size_t record_size);
/* How one kind of kept row is written: stored(rec) says whether the store has its row (update
 * writes it alone), else insert writes it with others, `many` to a statement (n: many, or 1 for
 * each of the rest, so that a kind builds two INSERT texts only). */
typedef struct {
    bool (*stored)(const void *rec);
    int (*update)(th_db *db, const void *rec, th_err *e);
    int (*insert)(th_db *db, const void *const *recs, int n, th_err *e);
    int many;
} th_db_kept_writer;
/* Write each key's latest version of vs (th_versions_write); -1 (e set) at the first failure. */
int th_db_write_kept(th_db *db, const th_versions *vs, const th_db_kept_writer *w, th_err *e)
    __attribute__((warn_unused_result));
void th_db_keep_rows(th_db *db, bool on);
bool th_db_keeps_rows(th_db *db);
/* Copy text column `col` of the current row into out (cap bytes, NUL-terminated), cut at a
 * UTF-8 character boundary if it does not fit; NULL gives "". No printf: rows are read on the
 * ledger's hot path. */
void th_db_column_text(sqlite3_stmt *st, int col, char *out, size_t cap);
/* The row of a table named by its id (by_id) or by a text key: sql, a cached statement with one
 * ?, is stepped once. 1: *st is on the row (read it, then th_db_done); 0: no such row; -1: the
 * store failed (e set). */
int th_db_find_row(th_db *db, const char *sql, bool by_id, int64_t id, const char *text,
                   sqlite3_stmt **st, th_err *e) __attribute__((warn_unused_result));
/* {"<key>":[...]} into out: item() writes each row of sql (a statement of the cache; bind, when
 * not NULL, is its ?1) as a JSON value. `what` names the rows in the error ("cannot list the
 * <what>"). */
int th_db_json_list(th_db *db, const char *sql, const int64_t *bind, const char *key,
                    const char *what,
                    void (*item)(th_db *db, sqlite3_stmt *st, th_buf *out), th_buf *out,
                    th_err *e) __attribute__((warn_unused_result));
/* th_db_exec for one statement, through the cache. */
int th_db_exec1(th_db *db, const char *sql, th_err *e) __attribute__((warn_unused_result));

/* Turn the last SQLite failure into e (TH_EIO) with what was being done. */
int th_db_fail(th_db *db, const char *doing, th_err *e);

/* The stored tree's hashes cut again from tiles of OLD hashes into tiles of NEW (NEW <= OLD + 1,
 * so a new tile spans at most two old ones): migration 23, and the test fixture's undo of it (so
 * both are the same statement). */
#define TH_DB_RETILE_SQL(OLD, NEW)                                                                      \
    "CREATE TABLE log_tiles_new (id INTEGER PRIMARY KEY, hashes BLOB NOT NULL);"                  \
    "WITH RECURSIVE lv (level, n) AS (SELECT id >> 40, sum(length(hashes)) / 32 FROM log_tiles"   \
    "  GROUP BY id >> 40),"                                                                       \
    " k (level, n, t) AS (SELECT level, n, 0 FROM lv WHERE n > 0"                                 \
    "  UNION ALL SELECT level, n, t + 1 FROM k WHERE (t + 1) * " #NEW " < n)"                     \
    " INSERT INTO log_tiles_new (id, hashes)"                                                     \
    " SELECT (k.level << 40) + k.t, CAST("                                                        \
    "  substr(a.hashes, (k.t * " #NEW " % " #OLD ") * 32 + 1,"                                    \
    "         min(" #OLD " - k.t * " #NEW " % " #OLD ", " #NEW ") * 32)"                           \
    "  || coalesce(substr(b.hashes, 1,"                                                           \
    "         max(" #NEW " - (" #OLD " - k.t * " #NEW " % " #OLD "), 0) * 32), X'') AS BLOB)"     \
    " FROM k JOIN log_tiles a ON a.id = (k.level << 40) + k.t * " #NEW " / " #OLD                 \
    " LEFT JOIN log_tiles b ON b.id = a.id + 1;"                                                  \
    "DELETE FROM log_tiles;"                                                                      \
    "INSERT INTO log_tiles (id, hashes) SELECT id, hashes FROM log_tiles_new;"                    \
    "DROP TABLE log_tiles_new;"

#endif
