/* engine.h — the sequencer: the one writer of the registry.
 *
 * Every state change is a command. th_engine_apply takes a batch of commands and applies them in
 * order inside ONE transaction, each within its own savepoint: a command that fails (bad input,
 * an unknown account...) is rolled back to its savepoint and reports why, and changes nothing,
 * while the others of the batch go on. The transaction commits once (one fsync for the batch:
 * group commit); only then are results handed back. If the commit fails, every command of the
 * batch fails with that error and nothing was applied.
 *
 * Idempotency: a command may carry a request id. The first time, its result is stored with the
 * command's canonical text in the same transaction; a later command with the same id and the same
 * text gets the stored result and changes nothing; with another text it is an error. The text
 * goes into the log entry too ("request"), so a replay records the request as it was.
 *
 * The transparency log: every command that changes state makes one entry, its event as
 * canonical JSON (RFC 8785: a "type", "time", the "request_id" and "request" when there are, and
 * what the ledger says it did). A command rolled back to its savepoint drops its entry; the
 * batch's entries are appended, with their tree hashes, in the batch's transaction just before it
 * commits, so an entry exists exactly when its change does. With a signer, a checkpoint covering
 * the batch is signed then too (or, with an interval, at most that often; th_engine_checkpoint
 * signs the rest; or, for a writer whose commits are synced apart, only up to what a sync has
 * covered: th_engine_sign_durable).
 *
 * The exchange's order books live in the engine, in memory (exchange/books.h): a command that
 * changed a book and then failed, or a batch that failed, drops the books it touched, and they
 * are loaded again from the store's open orders when next used.
 *
 * The clock's changes: before each batch, and after a command that adds an instrument or changes
 * the calendar, the session changes the trading calendar has made due (exchange/schedule.h,
 * "by":"calendar") and the settlements of one-way auctions that have ended (exchange/auctions.h,
 * "by":"clock") are applied as commands of their own, each logged. A replay turns this off
 * (th_engine_set_follow): the log holds those changes already.
 *
 * The clock is injectable (th_engine_set_clock) so tests can fix time. */
#ifndef TH_ENGINE_H
#define TH_ENGINE_H

#include "base/buf.h"
#include "base/err.h"
#include "exchange/auctions.h"
#include "exchange/block_trades.h"
#include "exchange/instruments.h"
#include "exchange/orders.h"
#include "exchange/schedule.h"
#include "exchange/sessions.h"
#include "exchange/sharing.h"
#include "ledger/projects.h"
#include "ledger/moves.h"
#include "ledger/reports.h"
#include "log/note.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    TH_CMD_ACCOUNT_ADD,
    TH_CMD_INIT_REGISTRY, /* the registry's own accounts, made by `tanhui init` */
    TH_CMD_PROJECT_ADD,
    TH_CMD_REPORT_ADD,
    TH_CMD_REPORT_VERIFY,
    TH_CMD_REPORT_REJECT,
    TH_CMD_ISSUE,
    TH_CMD_TRANSFER,
    TH_CMD_RETIRE,
    TH_CMD_CASH_DEPOSIT,
    TH_CMD_CASH_WITHDRAW,
    TH_CMD_INSTRUMENT_ADD,
    TH_CMD_ORDER_ADD,
    TH_CMD_ORDER_CANCEL,
    TH_CMD_PROJECT_SHARE,
    TH_CMD_SESSION_PREOPEN,
    TH_CMD_SESSION_OPEN,
    TH_CMD_SESSION_CLOSE,
    TH_CMD_ORDER_REPLACE,
    TH_CMD_ORDER_PICK,
    TH_CMD_BLOCK_PROPOSE,
    TH_CMD_BLOCK_ACCEPT,
    TH_CMD_CALENDAR_SET,
    TH_CMD_AUCTION_OPEN,
    TH_CMD_AUCTION_BID,
    TH_CMD_AUCTION_SETTLE,
} th_cmd_type;

/* The last type: log replay looks types up by name up to it. */
#define TH_CMD_LAST TH_CMD_AUCTION_SETTLE

typedef struct {
    const char *account; /* id or name */
    int64_t amount;      /* fen, > 0 */
    const char *reference; /* NULL: none */
} th_cash_cmd;

typedef struct {
    th_cmd_type type;
    const char *request_id; /* NULL: none */
    const char *name;       /* account add */
    const char *kind;
    th_project_new project; /* project add */
    th_report_new report;   /* report add */
    const char *report_id, *verifier, *reason; /* report verify / reject */
    th_move move;           /* transfer, retire */
    th_cash_cmd cash;       /* cash deposit, withdraw */
    th_instrument_new instrument; /* instrument add */
    th_order_new order;     /* order add; replace (price, qty); pick (account, qty) */
    const char *order_id;   /* order cancel, replace; pick: the listing */
    th_share_new share;     /* project share */
    const char *instrument_ref; /* session preopen, open, close */
    bool by_clock;          /* session, auction settle: the clock's change, not by hand */
    th_calendar_change calendar; /* calendar set */
    th_auction_new auction; /* auction open, bid (auction, account, price, qty), settle */
    th_block_new block;     /* block propose; accept: block.buyer and order_id (the proposal) */
    const char *key_path;   /* init: where the log's private key is (NULL: no key) */
    const th_note_verifier *key; /* init: its verifier key */
    const char *request_text; /* a replay: the request's text as first recorded (NULL: made) */
} th_cmd;

/* The event type of a command in the log: "account.add", "transfer"... */
const char *th_cmd_type_name(th_cmd_type t);
/* An order placed, cancelled, replaced or picked: the commands whose rows the engine keeps to
 * the batch's end (exchange/batch_rows.h). */
bool th_cmd_order_entry(th_cmd_type t);

typedef struct {
    int status;      /* 0 applied (or replayed), -1 failed */
    bool replayed;   /* the stored result of an earlier request with the same id */
    th_err err;
    th_buf result;   /* a JSON object */
} th_cmd_result;

typedef struct th_engine th_engine;

th_engine *th_engine_new(th_db *db);
void th_engine_free(th_engine *en);
/* now(): the current time as "YYYY-MM-DDTHH:MM:SSZ" into out (32 bytes). */
void th_engine_set_clock(th_engine *en, void (*now)(char out[32], void *arg), void *arg);

/* Sign checkpoints with s (copied; NULL: sign none): after every batch that appended entries,
 * or with interval_ms > 0 after a batch when at least that long has passed since the last one
 * (the first batch after this call signs, however soon after boot). */
void th_engine_set_signer(th_engine *en, const th_note_signer *s, int interval_ms);
/* With an interval: how many milliseconds until a batch may sign again (0: the next one signs,
 * as it does without an interval). */
int64_t th_engine_sign_wait_ms(const th_engine *en);
/* Sign no checkpoint beyond the log's first `durable` entries (-1: sign the whole log, the
 * default). The server's writer commits without waiting for the disk and syncs apart
 * (th_db_sync_later); before each batch it says how much of the log a sync has covered, and a
 * batch then signs up to there, even one of no command, so a checkpoint is never of entries a
 * power cut could take back. */
void th_engine_sign_durable(th_engine *en, int64_t durable);
/* The log's size after the last batch that committed. */
int th_engine_log_size(th_engine *en, int64_t *size, th_err *e) __attribute__((warn_unused_result));
/* Sign a checkpoint of the whole log now, in a transaction of its own, if entries are left
 * unsigned. */
int th_engine_checkpoint(th_engine *en, th_err *e) __attribute__((warn_unused_result));
/* Off: the clock's changes are not made (a replay makes the logged ones). */
void th_engine_set_follow(th_engine *en, bool on);
/* Off: append no log entries. Only the benchmark's baseline turns it off. */
void th_engine_set_logging(th_engine *en, bool on);

void th_cmd_result_init(th_cmd_result *r);
void th_cmd_result_free(th_cmd_result *r);
/* Give from's outcome to `to` (its error copied only when it failed), and to's result buffer to
 * `from`, to be written over: a writer hands results on without copying a whole th_err or
 * making a buffer anew for every command. */
void th_cmd_result_move(th_cmd_result *to, th_cmd_result *from);

/* Apply cmds[0..n) as one batch; res[i] gets command i's outcome. Returns 0 when the batch
 * committed (whatever each command's outcome), -1 when it did not (e says why). */
int th_engine_apply(th_engine *en, const th_cmd *cmds, size_t n, th_cmd_result *res, th_err *e)
    __attribute__((warn_unused_result));

#endif
