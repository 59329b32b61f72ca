/* db.c — opening the store and migrating its schema. */
#include "store/db.h"

#include "base/mem.h"
#include "store/checkpointer.h"
#include "store/sqlite_mem.h"
#include "store/wal_vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The statement cache: every SQL text the program uses, prepared once per connection. The
 * program has a finite set of texts (a few are assembled from fixed parts), so the cache is never
 * evicted, and a statement handed out is never finalized under its user. Look-ups go first by the
 * text's address (most are literals), checked by content, then by the content's hash (texts
 * built in a buffer on the stack share its address). */
typedef struct {
    const char *key; /* the address last asked with (content checked on use) */
    char *sql;
    uint64_t hash;
    sqlite3_stmt *st;
} cached_stmt;

enum { ADDR_SLOTS = 1024, TEXT_SLOTS = 2048 };

typedef struct {
    char *key; /* NULL: empty slot */
    void *value;
    size_t len;
    uint64_t hash;
} memo_entry;

enum { MEMO_SLOTS = 8192, MEMO_MAX = MEMO_SLOTS / 2 };
_Static_assert(MEMO_SLOTS <= 65536, "a memo slot's index fits in 16 bits");

struct th_db {
    sqlite3 *h;
    char *path;
    memo_entry *memo; /* MEMO_SLOTS slots, open addressing; NULL until first used */
    size_t nmemo;
    uint16_t *used;   /* the slots in use (nmemo of them), in the order they were filled */
    bool memo_kept;   /* since the last mark, no fact was rewritten and the memo not cleared */
    cached_stmt *cache;
    size_t ncache, capcache;
    uint16_t by_addr[ADDR_SLOTS]; /* hash of a text's address -> 1 + index into cache (0: none) */
    uint16_t by_text[TEXT_SLOTS]; /* hash of a text, open addressing -> 1 + index into cache */
    th_checkpointer *ckpt; /* NULL: SQLite checkpoints in the writer's commits */
    struct {
        void *block; /* NULL until asked for */
        size_t size;
    } mcache[TH_DB_CACHES]; /* th_db_cache's blocks */
    uint64_t rollbacks;  /* transactions rolled back so far */
    th_versions kept[TH_DB_KEPTS]; /* th_db_kept's (size 0: not made yet) */
    bool keep_rows;
    bool sp_lazy, sp_open; /* a command's savepoint: due before its first write; made */
    int wal_fd;            /* th_db_sync_later's descriptor of the WAL (-1: none) */
};

static size_t addr_slot(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 17;
    x *= UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(x >> 54);
}
_Static_assert(ADDR_SLOTS == 1024, "addr_slot gives 10 bits");

/* Each migration takes the schema from version i to i + 1. Never edit one that has shipped:
 * add another. */
static const char *const migrations[] = {
    /* 1: accounts, and the results of requests (for idempotent retries) */
    "CREATE TABLE accounts ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('state','collective','household','company',"
    "                                     'verifier','operator','buffer','fees')),"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE requests ("
    "  id TEXT PRIMARY KEY,"
    "  command TEXT NOT NULL,"
    "  result TEXT NOT NULL"
    ");",
    /* 2: projects and their monitoring reports, with each report's parcels (for the rule that
     * no parcel's growth is counted twice) */
    "CREATE TABLE projects ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  owner_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  buffer_pct_scaled INTEGER NOT NULL CHECK (buffer_pct_scaled BETWEEN 0 AND 100000000),"
    "  params_name TEXT NOT NULL,"
    "  params_sha256 TEXT NOT NULL,"
    "  params_csv TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'suspended')),"
    "  outstanding_reversal INTEGER NOT NULL DEFAULT 0 CHECK (outstanding_reversal >= 0),"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE reports ("
    "  id INTEGER PRIMARY KEY,"
    "  project_id INTEGER NOT NULL REFERENCES projects (id),"
    "  status TEXT NOT NULL CHECK (status IN ('submitted', 'verified', 'rejected', 'issued')),"
    "  period_start TEXT NOT NULL,"
    "  period_end TEXT NOT NULL,"
    "  vintage INTEGER NOT NULL,"
    "  net_tco2e REAL NOT NULL,"
    "  credits_total INTEGER NOT NULL CHECK (credits_total >= 0),"
    "  buffer_credits INTEGER NOT NULL CHECK (buffer_credits >= 0),"
    "  owner_credits INTEGER NOT NULL CHECK (owner_credits >= 0),"
    "  reversal_tco2e REAL NOT NULL CHECK (reversal_tco2e >= 0),"
    "  result TEXT NOT NULL,"
    "  verifier_id INTEGER REFERENCES accounts (id),"
    "  decided_at TEXT,"
    "  reject_reason TEXT,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX reports_project ON reports (project_id, id);"
    "CREATE TABLE report_parcels ("
    "  report_id INTEGER NOT NULL REFERENCES reports (id),"
    "  parcel_id TEXT NOT NULL,"
    "  before_date INTEGER,"  /* day numbers; NULL where the parcel was in one survey only */
    "  after_date INTEGER,"
    "  PRIMARY KEY (report_id, parcel_id)"
    ") WITHOUT ROWID;",
    /* 3: issuances, cancellations, and credit blocks: contiguous inclusive serial ranges, each in
     * one state (registry.md, "Credit block") */
    "INSERT INTO meta (key, value) VALUES ('registry_code', 'SGFC'), ('next_serial', 1);"
    "CREATE TABLE issuances ("
    "  id INTEGER PRIMARY KEY,"
    "  report_id INTEGER NOT NULL UNIQUE REFERENCES reports (id),"
    "  project_id INTEGER NOT NULL REFERENCES projects (id),"
    "  vintage INTEGER NOT NULL,"
    "  first INTEGER,"
    "  last INTEGER,"
    "  quantity INTEGER NOT NULL CHECK (quantity >= 0),"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE cancellations ("
    "  id INTEGER PRIMARY KEY,"
    "  report_id INTEGER NOT NULL UNIQUE REFERENCES reports (id),"
    "  project_id INTEGER NOT NULL REFERENCES projects (id),"
    "  quantity INTEGER NOT NULL CHECK (quantity >= 0),"
    "  outstanding INTEGER NOT NULL CHECK (outstanding >= 0),"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE blocks ("
    "  id INTEGER PRIMARY KEY,"
    "  issuance_id INTEGER NOT NULL REFERENCES issuances (id),"
    "  project_id INTEGER NOT NULL REFERENCES projects (id),"
    "  vintage INTEGER NOT NULL,"
    "  first INTEGER NOT NULL,"
    "  last INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('available', 'reserved', 'retired', 'cancelled')),"
    "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  cancellation_id INTEGER REFERENCES cancellations (id),"
    "  CHECK (first >= 1 AND first <= last)"
    ");"
    "CREATE UNIQUE INDEX blocks_first ON blocks (first);"
    "CREATE INDEX blocks_holder ON blocks (account_id, state, project_id, vintage, first);",
    /* 4: transfers and retirements, each linked to the serial ranges it moved */
    "CREATE TABLE moves ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('transfer', 'retirement')),"
    "  from_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  to_id INTEGER REFERENCES accounts (id),"
    "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
    "  beneficiary TEXT,"
    "  reason TEXT,"
    "  jurisdiction TEXT,"
    "  created_at TEXT NOT NULL,"
    "  CHECK ((kind = 'transfer') = (to_id IS NOT NULL))"
    ");"
    "CREATE TABLE move_parts ("
    "  move_id INTEGER NOT NULL REFERENCES moves (id),"
    "  project_id INTEGER NOT NULL REFERENCES projects (id),"
    "  vintage INTEGER NOT NULL,"
    "  first INTEGER NOT NULL,"
    "  last INTEGER NOT NULL,"
    "  PRIMARY KEY (move_id, first)"
    ") WITHOUT ROWID;"
    "ALTER TABLE blocks ADD COLUMN retirement_id INTEGER REFERENCES moves (id);"
    "CREATE INDEX blocks_taking ON blocks (account_id, state, first);",
    /* 5: the same blocks table, its state CHECK written without IN: SQLite evaluates a CHECK's
     * IN list by building a temporary b-tree on every insert and update, which was half the
     * cost of a transfer. Nothing references blocks, so it is rebuilt in place. */
    "CREATE TABLE blocks_v5 ("
    "  id INTEGER PRIMARY KEY,"
    "  issuance_id INTEGER NOT NULL REFERENCES issuances (id),"
    "  project_id INTEGER NOT NULL REFERENCES projects (id),"
    "  vintage INTEGER NOT NULL,"
    "  first INTEGER NOT NULL,"
    "  last INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK (state = 'available' OR state = 'reserved' OR"
    "                             state = 'retired' OR state = 'cancelled'),"
    "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  cancellation_id INTEGER REFERENCES cancellations (id),"
    "  retirement_id INTEGER REFERENCES moves (id),"
    "  CHECK (first >= 1 AND first <= last)"
    ");"
    "INSERT INTO blocks_v5 (id, issuance_id, project_id, vintage, first, last, state, account_id,"
    "  cancellation_id, retirement_id) SELECT id, issuance_id, project_id, vintage, first, last,"
    "  state, account_id, cancellation_id, retirement_id FROM blocks;"
    "DROP TABLE blocks;"
    "ALTER TABLE blocks_v5 RENAME TO blocks;"
    "CREATE UNIQUE INDEX blocks_first ON blocks (first);"
    "CREATE INDEX blocks_holder ON blocks (account_id, state, project_id, vintage, first);"
    "CREATE INDEX blocks_taking ON blocks (account_id, state, first);",
    /* 6: blocks_holder duplicated blocks_taking for every query the ledger makes (they filter an
     * account's blocks in serial order), and each transfer paid to keep both */
    "DROP INDEX blocks_holder;",
    /* 7: the transparency log: entries verbatim (canonical JSON, readable with sqlite3), the hash
     * of every complete subtree stored once (level, index), and every checkpoint signed */
    "CREATE TABLE log_entries ("
    "  idx INTEGER PRIMARY KEY CHECK (idx >= 0),"
    "  entry TEXT NOT NULL"
    ");"
    "CREATE TABLE log_hashes ("
    "  level INTEGER NOT NULL CHECK (level >= 0),"
    "  idx INTEGER NOT NULL CHECK (idx >= 0),"
    "  hash BLOB NOT NULL CHECK (length(hash) = 32),"
    "  PRIMARY KEY (level, idx)"
    ") WITHOUT ROWID;"
    "CREATE TABLE log_checkpoints ("
    "  size INTEGER PRIMARY KEY CHECK (size >= 0),"
    "  root BLOB NOT NULL CHECK (length(root) = 32),"
    "  note TEXT NOT NULL,"
    "  created_at TEXT NOT NULL"
    ");",
    /* 8: `check` finds each retirement's and cancellation's blocks by these (without them it
     * scanned every block per retirement: 8,000 retirements took 10.7 s); partial, so transfers,
     * which touch neither column, pay nothing */
    "CREATE INDEX blocks_retirement ON blocks (retirement_id) WHERE retirement_id IS NOT NULL;"
    "CREATE INDEX blocks_cancellation ON blocks (cancellation_id)"
    " WHERE cancellation_id IS NOT NULL;",
    /* 9: the tree's hashes in tiles of 64 consecutive hashes of one level (2 KiB, within one
     * page), id = level * 2^40 + tile: a batch of 1,000 entries writes some 40 rows, not 2,000.
     * The hashes are rebuilt from the entries by the next write (th_log_append_many) */
    "DROP TABLE log_hashes;"
    "CREATE TABLE log_tiles ("
    "  id INTEGER PRIMARY KEY CHECK (id >= 0),"
    "  hashes BLOB NOT NULL"
    "    CHECK (length(hashes) BETWEEN 32 AND 2048 AND length(hashes) % 32 = 0)"
    ");",
    /* 10: cash in fen: each account's balance and the part reserved for open orders, and the
     * deposits and withdrawals, the only ways money enters or leaves (registry.md, invariant 5) */
    "CREATE TABLE cash ("
    "  account_id INTEGER PRIMARY KEY REFERENCES accounts (id),"
    "  balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),"
    "  reserved_fen INTEGER NOT NULL DEFAULT 0"
    "    CHECK (reserved_fen >= 0 AND reserved_fen <= balance_fen)"
    ");"
    "CREATE TABLE cash_moves ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind = 'deposit' OR kind = 'withdrawal'),"
    "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
    "  reference TEXT,"
    "  created_at TEXT NOT NULL"
    ");",
    /* 11: the exchange's instruments: a vintage (and a project, or any), the reference price
     * that sets the band (a column, so it survives a restart), fees, pick depth, T+1 */
    "CREATE TABLE instruments ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  vintage INTEGER NOT NULL,"
    "  project_id INTEGER REFERENCES projects (id),"
    "  ref_price_fen INTEGER NOT NULL CHECK (ref_price_fen > 0),"
    "  band_bps INTEGER NOT NULL CHECK (band_bps BETWEEN 1 AND 10000),"
    "  maker_fee_bps INTEGER NOT NULL CHECK (maker_fee_bps BETWEEN 0 AND 1000),"
    "  taker_fee_bps INTEGER NOT NULL CHECK (taker_fee_bps BETWEEN 0 AND 1000),"
    "  pick_depth INTEGER NOT NULL CHECK (pick_depth BETWEEN 1 AND 100),"
    "  t_plus_one INTEGER NOT NULL CHECK (t_plus_one = 0 OR t_plus_one = 1),"
    "  created_at TEXT NOT NULL"
    ");",
    /* 12: orders (the open ones are the books, rebuilt from here at start in priority order),
     * trades with the serial ranges each delivered, and the sell order a reserved block is
     * held for */
    "CREATE TABLE orders ("
    "  id INTEGER PRIMARY KEY,"
    "  instrument_id INTEGER NOT NULL REFERENCES instruments (id),"
    "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  side TEXT NOT NULL CHECK (side = 'buy' OR side = 'sell'),"
    "  type TEXT NOT NULL CHECK (type = 'limit' OR type = 'market'),"
    "  tif TEXT NOT NULL CHECK (tif = 'gtc' OR tif = 'day' OR tif = 'ioc' OR tif = 'fok' OR"
    "                           tif = 'post'),"
    "  price_fen INTEGER NOT NULL CHECK (price_fen > 0),"
    "  qty INTEGER NOT NULL CHECK (qty > 0),"
    "  filled INTEGER NOT NULL DEFAULT 0 CHECK (filled >= 0 AND filled <= qty),"
    "  status TEXT NOT NULL CHECK (status = 'open' OR status = 'filled' OR"
    "                              status = 'cancelled' OR status = 'expired'),"
    "  reserved_fen INTEGER NOT NULL DEFAULT 0 CHECK (reserved_fen >= 0),"
    "  priority INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  closed_at TEXT"
    ");"
    "CREATE INDEX orders_book ON orders (instrument_id, priority) WHERE status = 'open';"
    "CREATE INDEX orders_account ON orders (account_id, id);"
    "CREATE TABLE trades ("
    "  id INTEGER PRIMARY KEY,"
    "  instrument_id INTEGER NOT NULL REFERENCES instruments (id),"
    "  buy_order_id INTEGER REFERENCES orders (id),"
    "  sell_order_id INTEGER REFERENCES orders (id),"
    "  buyer_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  seller_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  price_fen INTEGER NOT NULL CHECK (price_fen > 0),"
    "  qty INTEGER NOT NULL CHECK (qty > 0),"
    "  aggressor TEXT NOT NULL CHECK (aggressor = 'buy' OR aggressor = 'sell' OR"
    "                                 aggressor = 'auction' OR aggressor = 'block'),"
    "  buyer_fee_fen INTEGER NOT NULL CHECK (buyer_fee_fen >= 0),"
    "  seller_fee_fen INTEGER NOT NULL CHECK (seller_fee_fen >= 0),"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX trades_instrument ON trades (instrument_id, id);"
    "CREATE TABLE trade_parts ("
    "  trade_id INTEGER NOT NULL REFERENCES trades (id),"
    "  project_id INTEGER NOT NULL REFERENCES projects (id),"
    "  vintage INTEGER NOT NULL,"
    "  first INTEGER NOT NULL,"
    "  last INTEGER NOT NULL,"
    "  PRIMARY KEY (trade_id, first)"
    ") WITHOUT ROWID;"
    "ALTER TABLE blocks ADD COLUMN order_id INTEGER REFERENCES orders (id);"
    "CREATE INDEX blocks_order ON blocks (order_id, first) WHERE order_id IS NOT NULL;",
    /* 13: benefit sharing: a project's beneficiaries with their weights, and every payout of a
     * sale's proceeds, naming its trade */
    "CREATE TABLE beneficiaries ("
    "  project_id INTEGER NOT NULL REFERENCES projects (id),"
    "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  weight INTEGER NOT NULL CHECK (weight > 0),"
    "  PRIMARY KEY (project_id, account_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE payouts ("
    "  id INTEGER PRIMARY KEY,"
    "  trade_id INTEGER NOT NULL REFERENCES trades (id),"
    "  project_id INTEGER NOT NULL REFERENCES projects (id),"
    "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX payouts_account ON payouts (account_id, id);",
    /* 14: trading sessions: each instrument's state (closed, the pre-open call auction, or
     * continuous trading), the last trade before it opened (the day's VWAP counts the continuous
     * trades after it), and every close with the reference price it set */
    "ALTER TABLE instruments ADD COLUMN session TEXT NOT NULL DEFAULT 'open'"
    "  CHECK (session = 'closed' OR session = 'pre_open' OR session = 'open');"
    "ALTER TABLE instruments ADD COLUMN session_from INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE session_closes ("
    "  id INTEGER PRIMARY KEY,"
    "  instrument_id INTEGER NOT NULL REFERENCES instruments (id),"
    "  ref_before_fen INTEGER NOT NULL,"
    "  ref_after_fen INTEGER NOT NULL,"
    "  vwap_fen INTEGER,"
    "  continuous_qty INTEGER NOT NULL,"
    "  expired_orders INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL"
    ");",
    /* 15: block trades (大宗协议): proposed by the seller, accepted by the buyer, settled outside
     * the book as a trade */
    "CREATE TABLE block_trades ("
    "  id INTEGER PRIMARY KEY,"
    "  instrument_id INTEGER NOT NULL REFERENCES instruments (id),"
    "  seller_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  buyer_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  price_fen INTEGER NOT NULL CHECK (price_fen > 0),"
    "  qty INTEGER NOT NULL CHECK (qty > 0),"
    "  status TEXT NOT NULL CHECK (status = 'proposed' OR status = 'accepted'),"
    "  trade_id INTEGER REFERENCES trades (id),"
    "  created_at TEXT NOT NULL,"
    "  accepted_at TEXT,"
    "  CHECK ((status = 'accepted') = (trade_id IS NOT NULL))"
    ");",
    /* 16: the trading calendar (one row; off until the operator sets it), its holidays, and what
     * each instrument needs to follow it: when its session last changed, and from when the
     * calendar drives it (NULL: held by hand). And a block trade's least quantity. */
    "CREATE TABLE calendar ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),"
    "  tz TEXT NOT NULL,"
    "  offset_min INTEGER NOT NULL,"
    "  days INTEGER NOT NULL,"
    "  pre_open INTEGER NOT NULL,"
    "  open INTEGER NOT NULL,"
    "  break_from INTEGER NOT NULL,"
    "  break_to INTEGER NOT NULL,"
    "  close INTEGER NOT NULL"
    ");"
    "INSERT INTO calendar VALUES (1, 0, 'Asia/Shanghai', 480, 31, 555, 570, 690, 780, 900);"
    "CREATE TABLE holidays (day TEXT PRIMARY KEY) WITHOUT ROWID;"
    "ALTER TABLE instruments ADD COLUMN session_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE instruments ADD COLUMN calendar_after INTEGER;"
    "ALTER TABLE instruments ADD COLUMN block_min INTEGER NOT NULL DEFAULT 100000"
    "  CHECK (block_min > 0);",
    /* 17: one-way auctions (单向竞价): the offer and the bids are orders kept out of the book
     * (auction_id set), so that their reservations are an order's like any other */
    "CREATE TABLE auctions ("
    "  id INTEGER PRIMARY KEY,"
    "  instrument_id INTEGER NOT NULL REFERENCES instruments (id),"
    "  seller_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  offer_order_id INTEGER REFERENCES orders (id),"
    "  qty INTEGER NOT NULL CHECK (qty > 0),"
    "  reserve_fen INTEGER NOT NULL CHECK (reserve_fen > 0),"
    "  pricing TEXT NOT NULL CHECK (pricing = 'uniform' OR pricing = 'pay_as_bid'),"
    "  ends_at TEXT NOT NULL,"
    "  ends INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status = 'open' OR status = 'settled'),"
    "  sold INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= qty),"
    "  clearing_fen INTEGER,"
    "  created_at TEXT NOT NULL,"
    "  settled_at TEXT"
    ");"
    "CREATE INDEX auctions_open ON auctions (ends) WHERE status = 'open';"
    "ALTER TABLE orders ADD COLUMN auction_id INTEGER REFERENCES auctions (id);"
    "CREATE INDEX orders_auction ON orders (auction_id, id) WHERE auction_id IS NOT NULL;",
    /* 18: the API's users (a name, the account it acts for, a role, an Argon2id password hash)
     * and their bearer tokens, kept as SHA-256 hashes only. Not registry state: not logged. */
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
    "  role TEXT NOT NULL CHECK (role = 'holder' OR role = 'owner' OR role = 'verifier' OR"
    "                           role = 'operator'),"
    "  password_hash TEXT NOT NULL,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users (id),"
    "  hash BLOB NOT NULL UNIQUE,"
    "  created_at TEXT NOT NULL,"
    "  revoked_at TEXT"
    ");",
    /* 19: login sessions are tokens too, with an end */
    "ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api'"
    "  CHECK (kind = 'api' OR kind = 'session');"
    "ALTER TABLE tokens ADD COLUMN expires_at TEXT;",
    /* 20: a transfer's or retirement's log entry by its move id (a certificate's proof); an
     * entry that is not JSON (none the engine writes) is simply not indexed */
    "CREATE INDEX log_entries_move ON log_entries (json_extract(entry, '$.move'))"
    "  WHERE iif(json_valid(entry), json_extract(entry, '$.type'), NULL) IN"
    "  ('transfer', 'retire');",
    /* 21: a serial's history: the trades' and moves' ranges by their first serial */
    "CREATE INDEX trade_parts_first ON trade_parts (first);"
    "CREATE INDEX move_parts_first ON move_parts (first);",
    /* 22: a move's log entry kept on the move (the engine knows the index when it writes it),
     * found once for the moves made before; the index of 20 cost every append a JSON parse */
    "ALTER TABLE moves ADD COLUMN log_index INTEGER;"
    "UPDATE moves SET log_index = (SELECT idx FROM log_entries WHERE iif(json_valid(entry),"
    "  json_extract(entry, '$.type'), NULL) IN ('transfer', 'retire')"
    "  AND json_extract(entry, '$.move') = moves.id);"
    "DROP INDEX log_entries_move;",
    /* 23: tiles of 63 hashes, not 64: a tile of 64 (2,048 bytes and its cell's header) left no
     * room for a second on a 4 KiB page, so every full tile took a page of its own, half empty;
     * two of 63 fill one. The hashes of each level are cut again into runs of 63, in order (new
     * tile t takes old tile a = 63t / 64 from hash o = 63t % 64 on, and the rest from tile a + 1;
     * blob substr counts bytes, and || of blobs cast back to a blob keeps them) */
    TH_DB_RETILE_SQL(64, 63),
    /* 24: a sell order's reserved blocks found by holder, state and order in the index the
     * ledger takes blocks by, (account_id, state, order_id, first): the partial index by order
     * alone cost every reservation, trade and release one more index entry to write and one
     * more page to the batch. An available block has no order (check.c), so the available ones
     * are still read in serial order */
    "DROP INDEX blocks_order;"
    "DROP INDEX blocks_taking;"
    "CREATE INDEX blocks_taking ON blocks (account_id, state, order_id, first);",
    /* 25: the orders' rows of a batch are written at its end (exchange/order_rows.c), after the
     * trades and reservations that name them: the trades' and blocks' foreign keys to orders go
     * (`tanhui check` verifies both references). Removing a foreign key leaves the stored format
     * as it is, so the tables' texts are edited in place, the way SQLite documents; the schema
     * is read again, and a table made and dropped moves the schema cookie for other
     * connections. Priorities come from a counter of their own: a replace took max(priority)
     * + 1, which could equal the next new order's */
    "PRAGMA writable_schema = ON;"
    "UPDATE sqlite_schema SET sql = replace(sql, ' REFERENCES orders (id)', '')"
    "  WHERE type = 'table' AND name IN ('blocks', 'trades');"
    "PRAGMA writable_schema = RESET;"
    "CREATE TABLE schema_moved (x); DROP TABLE schema_moved;"
    "INSERT INTO meta (key, value) VALUES ('order_priority',"
    "  (SELECT coalesce(max(priority), 0) FROM orders));",
    /* 26: an account's orders by runs of 4,096 ids, (id >> 12, account_id), not by
     * (account_id, id). That index took each batch's orders to a page of each account's: 215
     * of the 917 pages a batch of 1,000 orders wrote in bench-market, each insert into a page
     * of its own; by runs, a batch's orders go to a few pages of the newest run (bench-market
     * x1.12). A listing asks the runs in turn, newest first (exchange/orders.c): one seek a
     * run, some 250 for a million orders */
    "DROP INDEX orders_account;"
    "CREATE INDEX orders_account_run ON orders (id >> 12, account_id);",
    /* 27: an order's fills by its id (exchange/orders.c, fills_of): without these every order
     * shown read the whole trades table, 4.1 s for an account's 3,661 orders among 16,462
     * trades (67 ns a row) and so, at two million trades, some 130 ms for each GET of one
     * order, holding a request thread. Partial: a block trade names no orders */
    "CREATE INDEX trades_buy_order ON trades (buy_order_id) WHERE buy_order_id IS NOT NULL;"
    "CREATE INDEX trades_sell_order ON trades (sell_order_id) WHERE sell_order_id IS NOT NULL;",
    /* 28: a user's tokens (server/users.c: GET /api/v1/tokens, the count a new token is held
     * to, users' live tokens): every login adds a session row, so without it each of those
     * read the whole table */
    "CREATE INDEX tokens_user ON tokens (user_id, id);",
};

enum { SCHEMA_VERSION = (int)(sizeof migrations / sizeof *migrations) };

int th_db_fail(th_db *db, const char *doing, th_err *e)
{
    return th_fail_at(e, TH_EIO, db ? db->path : NULL, 0, NULL, NULL, 0, "%s: %s", doing,
                      db && db->h ? sqlite3_errmsg(db->h) : "cannot open");
}

static int savepoint_now(th_db *db, th_err *e);

int th_db_exec(th_db *db, const char *sql, th_err *e)
{
    char *msg = NULL;
    if (db->sp_lazy && savepoint_now(db, e)) /* its text may write: the savepoint comes first */
        return -1;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        th_fail_at(e, TH_EIO, db->path, 0, NULL, NULL, 0, "database: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

void th_db_values_sql(char *out, size_t cap, const char *head, int n, int cols)
{
    size_t len = (size_t)snprintf(out, cap, "%s", head);
    for (int r = 0; r < n && len + 2 * (size_t)cols + 2 < cap; r++) {
        if (r)
            out[len++] = ',';
        out[len++] = '(';
        for (int c = 0; c < cols; c++) {
            if (c)
                out[len++] = ',';
            out[len++] = '?';
        }
        out[len++] = ')';
    }
    out[len < cap ? len : cap - 1] = '\0';
}

int th_db_prepare(th_db *db, const char *sql, sqlite3_stmt **st, th_err *e)
{
    if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
        return th_db_fail(db, "database", e);
    if (db->sp_lazy && !sqlite3_stmt_readonly(*st) && savepoint_now(db, e)) {
        sqlite3_finalize(*st);
        *st = NULL;
        return -1;
    }
    return 0;
}

sqlite3 *th_db_handle(th_db *db) { return db->h; }

static uint64_t text_hash(const char *sql)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * UINT64_C(1099511628211);
    return h;
}

/* The cached statement of this text (by its hash; NULL: none); *slot: where it is or goes. */
static cached_stmt *by_text(th_db *db, const char *sql, uint64_t h, size_t *slot)
{
    size_t i = (size_t)(h >> 53) & (TEXT_SLOTS - 1);
    for (;; i = (i + 1) & (TEXT_SLOTS - 1)) {
        size_t k = db->by_text[i];
        if (k == 0) {
            *slot = i;
            return NULL;
        }
        cached_stmt *c = &db->cache[k - 1];
        if (c->hash == h && strcmp(c->sql, sql) == 0) {
            *slot = i;
            return c;
        }
    }
}

int th_db_stmt(th_db *db, const char *sql, sqlite3_stmt **st, th_err *e)
{
    size_t slot = addr_slot(sql), tslot;
    cached_stmt *c = NULL;
    size_t hit = db->by_addr[slot];
    if (hit && db->cache[hit - 1].key == sql && strcmp(db->cache[hit - 1].sql, sql) == 0)
        c = &db->cache[hit - 1];
    uint64_t h = 0;
    if (!c) {
        h = text_hash(sql);
        c = by_text(db, sql, h, &tslot);
    }
    if (c) {
        c->key = sql;
        db->by_addr[slot] = (uint16_t)(c - db->cache + 1);
        *st = c->st;
        sqlite3_reset(*st);
        sqlite3_clear_bindings(*st);
        /* a statement that writes opens the command's savepoint first, if it is due */
        return db->sp_lazy && !sqlite3_stmt_readonly(*st) ? savepoint_now(db, e) : 0;
    }
    /* the table stays at most half full: the program's texts number a few hundred */
    if (db->ncache >= TEXT_SLOTS / 2)
        return th_fail(e, TH_EINTERNAL, "too many SQL texts for the statement cache");
    if (th_db_prepare(db, sql, st, e))
        return -1;
    if (db->ncache == db->capcache) {
        db->capcache = db->capcache ? db->capcache * 2 : 32;
        db->cache = th_xrealloc(db->cache, db->capcache * sizeof *db->cache);
    }
    db->cache[db->ncache] = (cached_stmt){.key = sql, .sql = th_xstrdup(sql), .hash = h, .st = *st};
    db->by_addr[slot] = (uint16_t)++db->ncache;
    db->by_text[tslot] = (uint16_t)db->ncache;
    return 0;
}

/* The savepoint a command's writes are undone to (engine.c's apply_one). SAVEPOINT, RELEASE and
 * ROLLBACK TO count as read-only statements, so making one never asks for another. */
static int savepoint_now(th_db *db, th_err *e)
{
    db->sp_lazy = false;
    if (th_db_exec1(db, "SAVEPOINT cmd", e))
        return -1;
    db->sp_open = true;
    return 0;
}

int th_db_savepoint_begin(th_db *db, bool lazy, th_err *e)
{
    db->sp_open = false;
    db->sp_lazy = lazy;
    return lazy ? 0 : savepoint_now(db, e);
}

int th_db_savepoint_end(th_db *db, bool undo, th_err *e)
{
    db->sp_lazy = false;
    if (!db->sp_open)
        return 0;
    db->sp_open = false;
    if (undo && th_db_exec1(db, "ROLLBACK TO cmd", e))
        return -1;
    return th_db_exec1(db, "RELEASE cmd", e);
}

void th_db_done(th_db *db, sqlite3_stmt *st)
{
    (void)db;
    if (st)
        sqlite3_reset(st); /* every statement th_db_stmt hands out is a cached one */
}


void th_db_memo_clear(th_db *db)
{
    if (!db->memo || db->nmemo == 0)
        return;
    /* a failed command clears the memo: visiting only the slots in use keeps that cheap */
    for (size_t k = 0; k < db->nmemo; k++) {
        memo_entry *m = &db->memo[db->used[k]];
        free(m->key);
        free(m->value);
        memset(m, 0, sizeof *m);
    }
    db->nmemo = 0;
    db->memo_kept = false;
}

size_t th_db_memo_mark(th_db *db)
{
    db->memo_kept = true;
    return db->nmemo;
}

void th_db_memo_rewind(th_db *db, size_t mark)
{
    if (!db->memo_kept || mark > db->nmemo) {
        th_db_memo_clear(db);
        return;
    }
    /* the last filled slots, last first: linear probing never passes through a slot filled
     * after the entry it looks for, so emptying them leaves every older chain whole */
    while (db->nmemo > mark) {
        memo_entry *m = &db->memo[db->used[--db->nmemo]];
        free(m->key);
        free(m->value);
        memset(m, 0, sizeof *m);
    }
}

const void *th_db_memo_get(th_db *db, const char *key, size_t *len)
{
    if (!db->memo)
        return NULL;
    uint64_t h = text_hash(key);
    for (size_t i = h % MEMO_SLOTS;; i = (i + 1) % MEMO_SLOTS) {
        memo_entry *m = &db->memo[i];
        if (!m->key)
            return NULL;
        if (m->hash == h && strcmp(m->key, key) == 0) {
            if (len)
                *len = m->len;
            return m->value;
        }
    }
}

void th_db_memo_put(th_db *db, const char *key, const void *value, size_t len)
{
    if (!db->memo) {
        db->memo = th_xcalloc(MEMO_SLOTS, sizeof *db->memo);
        db->used = th_xcalloc(MEMO_MAX, sizeof *db->used);
    }
    if (db->nmemo >= MEMO_MAX)
        th_db_memo_clear(db); /* the table stays at most half full, so probes stay short */
    uint64_t h = text_hash(key);
    size_t i = h % MEMO_SLOTS;
    for (; db->memo[i].key; i = (i + 1) % MEMO_SLOTS)
        if (db->memo[i].hash == h && strcmp(db->memo[i].key, key) == 0)
            break;
    memo_entry *m = &db->memo[i];
    if (!m->key) {
        m->key = th_xstrdup(key);
        m->hash = h;
        db->used[db->nmemo++] = (uint16_t)i;
    } else {
        db->memo_kept = false; /* a fact rewritten: a rewind cannot restore it */
    }
    free(m->value);
    m->value = th_xmalloc(len ? len : 1);
    memcpy(m->value, value, len);
    m->len = len;
}

static void on_rollback(void *arg)
{
    th_db *db = arg;
    th_db_memo_clear(db);
    for (int k = 0; k < TH_DB_KEPTS; k++)
        if (db->kept[k].size)
            th_versions_clear(&db->kept[k]);
    db->rollbacks++;
}

int th_db_checkpoint_in_background(th_db *db, th_err *e)
{
    if (db->ckpt)
        return 0;
    db->ckpt = th_checkpointer_start(db->h, db->path, e);
    return db->ckpt ? 0 : -1;
}

/* fsync the directory that holds path: a file's name, once made, survives a power cut */
static int sync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
    if (fd >= 0)
        close(fd);
    free(dir);
    return rc;
}

int th_db_sync_later(th_db *db, th_err *e)
{
    if (db->wal_fd >= 0)
        return 0;
    /* the WAL file exists: this connection has read in WAL mode (the migrations' check) */
    const char *wal = sqlite3_filename_wal(sqlite3_db_filename(db->h, "main"));
    int fd = wal ? open(wal, O_RDWR | O_CLOEXEC) : -1;
    if (fd < 0)
        return th_fail(e, TH_EIO, "cannot open the WAL %s to sync it: %s", wal ? wal : "(none)",
                       strerror(errno));
    if (fdatasync(fd) != 0 || sync_dir_of(wal) != 0) {
        int err = errno;
        close(fd);
        return th_fail(e, TH_EIO, "cannot sync the WAL %s: %s", wal, strerror(err));
    }
    if (th_db_exec1(db, "PRAGMA synchronous = NORMAL", e)) {
        close(fd);
        return -1;
    }
    db->wal_fd = fd;
    return 0;
}

int th_db_sync(th_db *db, th_err *e)
{
    if (db->wal_fd < 0)
        return 0; /* each commit synced itself */
    if (fdatasync(db->wal_fd) != 0)
        return th_fail(e, TH_EIO, "cannot sync the WAL of %s: %s", db->path, strerror(errno));
    return 0;
}

long th_db_background_checkpoints(th_db *db, long *pages)
{
    if (pages)
        *pages = 0;
    return db->ckpt ? th_checkpointer_runs(db->ckpt, pages) : -1;
}

void *th_db_cache(th_db *db, th_db_cache_key key, size_t size, bool make)
{
    if (!db->mcache[key].block && make) {
        db->mcache[key].block = th_xcalloc(1, size);
        db->mcache[key].size = size;
    }
    return db->mcache[key].block && db->mcache[key].size == size ? db->mcache[key].block : NULL;
}

uint64_t th_db_rollbacks(th_db *db)
{
    return db->rollbacks;
}

th_versions *th_db_kept(th_db *db, th_db_kept_kind kind, size_t record_size)
{
    if (!db->kept[kind].size)
        th_versions_init(&db->kept[kind], record_size);
    return &db->kept[kind];
}

typedef struct {
    th_db *db;
    const th_db_kept_writer *w;
    th_err *e;
} kept_writing;

static int update_kept(const void *rec, void *arg)
{
    const kept_writing *k = arg;
    return k->w->update(k->db, rec, k->e);
}

static int insert_kept(const void *const *recs, int n, void *arg)
{
    const kept_writing *k = arg;
    return k->w->insert(k->db, recs, n, k->e);
}

int th_db_write_kept(th_db *db, const th_versions *vs, const th_db_kept_writer *w, th_err *e)
{
    kept_writing k = {db, w, e};
    return th_versions_write(vs, w->stored, update_kept, insert_kept, w->many, &k) ? -1 : 0;
}

void th_db_keep_rows(th_db *db, bool on)
{
    db->keep_rows = on;
    /* the command in hand may write any row at once: what was read of the store goes */
    if (!on && db->kept[TH_DB_KEPT_READ_BLOCKS].size)
        th_versions_clear(&db->kept[TH_DB_KEPT_READ_BLOCKS]);
}

bool th_db_keeps_rows(th_db *db) { return db->keep_rows; }

int th_db_json_list(th_db *db, const char *sql, const int64_t *bind, const char *key,
                    const char *what, void (*item)(th_db *db, sqlite3_stmt *st, th_buf *out),
                    th_buf *out, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, sql, &st, e))
        return -1;
    if (bind)
        sqlite3_bind_int64(st, 1, *bind);
    th_buf_printf(out, "{\"%s\":[", key);
    int r, n = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++)
            th_buf_putc(out, ',');
        item(db, st, out);
    }
    th_db_done(db, st);
    if (r != SQLITE_DONE) {
        char doing[80];
        snprintf(doing, sizeof doing, "cannot list the %s", what);
        return th_db_fail(db, doing, e);
    }
    th_buf_puts(out, "]}");
    return 0;
}

int th_db_find_row(th_db *db, const char *sql, bool by_id, int64_t id, const char *text,
                   sqlite3_stmt **st, th_err *e)
{
    if (th_db_stmt(db, sql, st, e))
        return -1;
    if (by_id)
        sqlite3_bind_int64(*st, 1, id);
    else
        sqlite3_bind_text(*st, 1, text, -1, SQLITE_STATIC);
    int r = sqlite3_step(*st);
    if (r == SQLITE_ROW)
        return 1;
    th_db_done(db, *st);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot read", e);
}

void th_db_column_text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && (t[n] & 0xC0) == 0x80) /* never half a character */
            n--;
    }
    if (n)
        memcpy(out, t, n);
    out[n] = 0;
}

int th_db_exec1(th_db *db, const char *sql, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, sql, &st, e))
        return -1;
    int r = sqlite3_step(st);
    th_db_done(db, st);
    if (r != SQLITE_DONE && r != SQLITE_ROW)
        return th_db_fail(db, "database", e);
    return 0;
}

int th_db_schema_latest(void) { return SCHEMA_VERSION; }

int th_db_schema_version(th_db *db)
{
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(db->h, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static int migrate(th_db *db, th_err *e)
{
    if (th_db_exec(db, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)", e))
        return -1;
    int v = th_db_schema_version(db);
    if (v > SCHEMA_VERSION)
        return th_fail_at(e, TH_EINPUT, db->path, 0, NULL, NULL, 0,
                          "the database has schema version %d; this tanhui knows up to %d "
                          "(use a newer tanhui)", v, SCHEMA_VERSION);
    for (; v < SCHEMA_VERSION; v++) {
        char set[128];
        snprintf(set, sizeof set,
                 "INSERT INTO meta (key, value) VALUES ('schema_version', %d) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", v + 1);
        if (th_db_exec(db, "BEGIN IMMEDIATE", e))
            return -1;
        if (th_db_exec(db, migrations[v], e) || th_db_exec(db, set, e)) {
            char *msg = NULL;
            sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, &msg);
            sqlite3_free(msg);
            return -1;
        }
        if (th_db_exec(db, "COMMIT", e))
            return -1;
    }
    return 0;
}

void th_db_unlink(const char *path)
{
    char side[4096];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* SQLite's memory statistics take a global mutex on every allocation (this build of SQLite has
 * no lookaside, so that is several times a statement): 7 % of an order's instructions. They
 * must be switched off before SQLite starts; the page caches are still counted
 * (th_db_page_cache_bytes). */
static bool wal_vfs; /* the writers' WAL frames go in runs (wal_vfs.h) */

static void configure_sqlite(void)
{
    /* refused once SQLite has started: then a cost, not an error */
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
#ifndef __SANITIZE_ADDRESS__ /* the sanitizers' malloc sees SQLite's blocks as they are */
    (void)sqlite3_config(SQLITE_CONFIG_MALLOC, th_sqlite_mem_methods());
#endif
    wal_vfs = th_wal_vfs_register() == SQLITE_OK; /* without it, SQLite's own writes */
}

int64_t th_db_page_cache_bytes(void)
{
    sqlite3_int64 cur = 0, hi = 0;
    sqlite3_status64(SQLITE_STATUS_PAGECACHE_OVERFLOW, &cur, &hi, 0);
    return cur;
}

#define TEXT_OF(x) #x
#define TEXT_OF_VALUE(x) TEXT_OF(x)
#define CACHE_KIB TEXT_OF_VALUE(TH_DB_WRITER_CACHE_KIB)

int th_db_open(const char *path, th_db_mode mode, th_db **out, th_err *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    *out = NULL;
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (mode == TH_DB_CREATE && exists)
        return th_fail_at(e, TH_EINPUT, path, 0, NULL, NULL, 0,
                          "a database is already there: tanhui init creates a new one only");
    if (mode != TH_DB_CREATE && !exists)
        return th_fail_at(e, TH_EINPUT, path, 0, NULL, NULL, 0,
                          "no database here: create one with `tanhui init` (or name it with "
                          "--db PATH or $TANHUI_DB)");
    th_db *db = th_xcalloc(1, sizeof *db);
    db->path = th_xstrdup(path);
    db->wal_fd = -1;
    int flags = mode == TH_DB_READ ? SQLITE_OPEN_READONLY
                                   : SQLITE_OPEN_READWRITE | (mode == TH_DB_CREATE ? SQLITE_OPEN_CREATE : 0);
    const char *vfs = mode != TH_DB_READ && wal_vfs ? TH_WAL_VFS : NULL;
    if (sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_NOMUTEX, vfs) != SQLITE_OK) {
        th_db_fail(db, "cannot open the database", e);
        th_db_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db->h, 5000);
    sqlite3_rollback_hook(db->h, on_rollback, db);
    /* temp_store: a batch's savepoints journal the pages their commands change again; past
     * 64 KiB SQLite spills that journal to a temporary file, made, written and removed in every
     * batch, unless it is kept in memory (a batch's pages: a few MB at most).
     * cache_size: a batch of a thousand orders changes some 1,500 pages (the indexes by holder
     * and by serial put each order on pages of its own); in SQLite's default cache of 2 MiB the
     * writer spilled them to the WAL before its commit and read them back (88,000 reads for
     * 100,000 orders in bench-market, 67 with this) */
    const char *pragmas = mode == TH_DB_READ
                              ? "PRAGMA foreign_keys = ON"
                              : "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                                "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; "
                                "PRAGMA cache_size = -" CACHE_KIB;
    if (th_db_exec(db, pragmas, e) || (mode != TH_DB_READ && migrate(db, e))) {
        th_db_close(db);
        if (mode == TH_DB_CREATE)
            th_db_unlink(path); /* nothing half made is left behind */
        return -1;
    }
    if (mode == TH_DB_READ && th_db_schema_version(db) != SCHEMA_VERSION) {
        th_fail_at(e, TH_EINPUT, path, 0, NULL, NULL, 0,
                   "the database has schema version %d; this tanhui reads version %d (open it "
                   "once for writing to migrate it)", th_db_schema_version(db), SCHEMA_VERSION);
        th_db_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

void th_db_close(th_db *db)
{
    if (!db)
        return;
    th_checkpointer_stop(db->ckpt); /* its connection closes first: this one is then the last,
                                       which checkpoints the rest and removes the WAL */
    for (size_t i = 0; i < db->ncache; i++) {
        sqlite3_finalize(db->cache[i].st);
        free(db->cache[i].sql);
    }
    free(db->cache);
    th_db_memo_clear(db);
    free(db->memo);
    free(db->used);
    db->memo = NULL; /* closing may roll back, and the hook clears the memo */
    db->used = NULL;
    sqlite3_close_v2(db->h);
    if (db->wal_fd >= 0)
        close(db->wal_fd);
    for (int k = 0; k < TH_DB_KEPTS; k++)
        th_versions_free(&db->kept[k]);
    for (int k = 0; k < TH_DB_CACHES; k++)
        free(db->mcache[k].block);
    free(db->path);
    free(db);
}
