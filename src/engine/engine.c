/* engine.c — batches, savepoints, one commit, idempotent requests. See engine.h. */
#include "engine/engine.h"

#include "base/date.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/sha256.h"
#include "exchange/batch_rows.h"
#include "exchange/cash.h"
#include "ledger/accounts.h"
#include "ledger/issuance.h"
#include "log/checkpoints.h"
#include "log/log_store.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct th_engine {
    th_db *db;
    void (*now)(char out[32], void *arg);
    void *now_arg;
    bool logging;
    bool follow;
    bool has_signer;
    th_note_signer signer;
    int interval_ms;
    int64_t last_signed_ms; /* monotonic */
    bool signed_once;       /* last_signed_ms is a checkpoint's (before the first, none is due:
                               the monotonic clock counts from boot, which may be less than an
                               interval ago) */
    int64_t durable;  /* sign no further (-1: no bound; th_engine_sign_durable) */
    /* the batch's log entries, appended together just before it commits: their bytes one
     * after another; entry i starts at pending.p + pend_off[i] */
    th_buf pending;
    size_t *pend_off;
    size_t npend, cappend;
    th_cjson *event; /* the command's event: emptied and built again for each command */
    th_books *books; /* the exchange's order books, a cache of the open orders */
    bool flush_orders; /* a failed command dropped a book: the next one flushes the kept rows
                          first, so that loading it again reads them (batch_rows.h) */
};

static const char *const type_names[] = {
    [TH_CMD_ACCOUNT_ADD] = "account.add",   [TH_CMD_INIT_REGISTRY] = "registry.init",
    [TH_CMD_PROJECT_ADD] = "project.add",   [TH_CMD_REPORT_ADD] = "report.add",
    [TH_CMD_REPORT_VERIFY] = "report.verify", [TH_CMD_REPORT_REJECT] = "report.reject",
    [TH_CMD_ISSUE] = "issue",               [TH_CMD_TRANSFER] = "transfer",
    [TH_CMD_RETIRE] = "retire",             [TH_CMD_CASH_DEPOSIT] = "cash.deposit",
    [TH_CMD_CASH_WITHDRAW] = "cash.withdraw", [TH_CMD_INSTRUMENT_ADD] = "instrument.add",
    [TH_CMD_ORDER_ADD] = "order.add",         [TH_CMD_ORDER_CANCEL] = "order.cancel",
    [TH_CMD_PROJECT_SHARE] = "project.share", [TH_CMD_SESSION_PREOPEN] = "session.preopen",
    [TH_CMD_SESSION_OPEN] = "session.open",   [TH_CMD_SESSION_CLOSE] = "session.close",
    [TH_CMD_ORDER_REPLACE] = "order.replace", [TH_CMD_ORDER_PICK] = "order.pick",
    [TH_CMD_BLOCK_PROPOSE] = "block.propose", [TH_CMD_BLOCK_ACCEPT] = "block.accept",
    [TH_CMD_CALENDAR_SET] = "calendar.set",   [TH_CMD_AUCTION_OPEN] = "auction.open",
    [TH_CMD_AUCTION_BID] = "auction.bid",     [TH_CMD_AUCTION_SETTLE] = "auction.settle",
};

const char *th_cmd_type_name(th_cmd_type t)
{
    return (size_t)t < sizeof type_names / sizeof *type_names ? type_names[t] : "unknown";
}

bool th_cmd_order_entry(th_cmd_type t)
{
    return t == TH_CMD_ORDER_ADD || t == TH_CMD_ORDER_CANCEL || t == TH_CMD_ORDER_REPLACE ||
           t == TH_CMD_ORDER_PICK;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void system_now(char out[32], void *arg)
{
    (void)arg;
    th_utc_format((int64_t)time(NULL), out);
}

th_engine *th_engine_new(th_db *db)
{
    th_engine *en = th_xcalloc(1, sizeof *en);
    en->db = db;
    en->now = system_now;
    en->logging = true;
    en->follow = true;
    en->durable = -1;
    th_buf_init(&en->pending);
    en->books = th_books_new();
    return en;
}

void th_engine_free(th_engine *en)
{
    if (!en)
        return;
    th_books_free(en->books);
    th_cjson_free(en->event);
    th_buf_free(&en->pending);
    free(en->pend_off);
    OPENSSL_cleanse(&en->signer, sizeof en->signer);
    free(en);
}

void th_engine_set_signer(th_engine *en, const th_note_signer *s, int interval_ms)
{
    en->has_signer = s != NULL;
    if (s)
        en->signer = *s;
    en->interval_ms = interval_ms > 0 ? interval_ms : 0;
    en->signed_once = false; /* the next batch signs: the interval runs from its checkpoint */
}

int64_t th_engine_sign_wait_ms(const th_engine *en)
{
    if (!en->interval_ms || !en->signed_once)
        return 0;
    int64_t left = en->last_signed_ms + en->interval_ms - monotonic_ms();
    return left > 0 ? left : 0;
}

void th_engine_sign_durable(th_engine *en, int64_t durable)
{
    en->durable = durable < 0 ? -1 : durable;
}

int th_engine_log_size(th_engine *en, int64_t *size, th_err *e)
{
    return th_log_size(en->db, size, e); /* the store's memo: no statement after a batch */
}

void th_engine_set_logging(th_engine *en, bool on)
{
    en->logging = on;
}

void th_engine_set_follow(th_engine *en, bool on)
{
    en->follow = on;
}

void th_engine_set_clock(th_engine *en, void (*now)(char out[32], void *arg), void *arg)
{
    en->now = now ? now : system_now;
    en->now_arg = arg;
}

void th_cmd_result_init(th_cmd_result *r)
{
    memset(r, 0, sizeof *r);
    th_buf_init(&r->result);
}

void th_cmd_result_free(th_cmd_result *r)
{
    th_buf_free(&r->result);
}

void th_cmd_result_move(th_cmd_result *to, th_cmd_result *from)
{
    to->status = from->status;
    to->replayed = from->replayed;
    if (from->status != 0)
        to->err = from->err;
    else if (to->err.code || to->err.msg[0]) /* a failure's, from the result's last use */
        th_err_clear(&to->err);
    th_buf kept = to->result;
    to->result = from->result;
    from->result = kept;
}

/* The command's canonical text: what a repeated request id is compared with. */
static void canonical(const th_cmd *c, th_buf *out)
{
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    switch (c->type) {
    case TH_CMD_ACCOUNT_ADD:
        th_json_key(&j, "kind");
        th_json_str(&j, c->kind);
        th_json_key(&j, "name");
        th_json_str(&j, c->name);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[TH_CMD_ACCOUNT_ADD]);
        break;
    case TH_CMD_INIT_REGISTRY:
        th_json_key(&j, "type");
        th_json_str(&j, type_names[TH_CMD_INIT_REGISTRY]);
        break;
    case TH_CMD_REPORT_ADD: {
        /* the measurement by its hash: a retry must carry the very same result */
        uint8_t d[32];
        char hex[65];
        th_sha256(c->report.result_json, strlen(c->report.result_json), d);
        th_hex(d, 32, hex);
        th_json_key(&j, "project");
        th_json_str(&j, c->report.project);
        th_json_key(&j, "result_sha256");
        th_json_str(&j, hex);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[TH_CMD_REPORT_ADD]);
        break;
    }
    case TH_CMD_REPORT_VERIFY:
    case TH_CMD_REPORT_REJECT:
        if (c->type == TH_CMD_REPORT_REJECT) {
            th_json_key(&j, "reason");
            th_json_str(&j, c->reason);
        }
        th_json_key(&j, "report");
        th_json_str(&j, c->report_id);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        th_json_key(&j, "verifier");
        th_json_str(&j, c->verifier);
        break;
    case TH_CMD_TRANSFER:
    case TH_CMD_RETIRE: {
        const th_move *m = &c->move;
        if (c->type == TH_CMD_RETIRE) {
            th_json_key(&j, "beneficiary");
            th_json_str(&j, m->beneficiary);
        }
        th_json_key(&j, "from");
        th_json_str(&j, m->from);
        if (c->type == TH_CMD_RETIRE) {
            th_json_key(&j, "jurisdiction");
            th_json_str(&j, m->jurisdiction);
        }
        th_json_key(&j, "project");
        th_json_str(&j, m->project);
        th_json_key(&j, "qty");
        th_json_int(&j, m->qty);
        if (c->type == TH_CMD_RETIRE) {
            th_json_key(&j, "reason");
            th_json_str(&j, m->reason);
        }
        th_json_key(&j, "serials");
        th_json_str(&j, m->serials);
        if (c->type == TH_CMD_TRANSFER) {
            th_json_key(&j, "to");
            th_json_str(&j, m->to);
        }
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        th_json_key(&j, "vintage");
        th_json_int(&j, m->vintage);
        break;
    }
    case TH_CMD_CASH_DEPOSIT:
    case TH_CMD_CASH_WITHDRAW:
        th_json_key(&j, "account");
        th_json_str(&j, c->cash.account);
        th_json_key(&j, "amount_fen");
        th_json_int(&j, c->cash.amount);
        th_json_key(&j, "reference");
        th_json_str(&j, c->cash.reference);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        break;
    case TH_CMD_INSTRUMENT_ADD: {
        const th_instrument_new *in = &c->instrument;
        th_json_key(&j, "band_bps");
        th_json_int(&j, in->band_bps);
        th_json_key(&j, "code");
        th_json_str(&j, in->code);
        th_json_key(&j, "maker_fee_bps");
        th_json_int(&j, in->maker_fee_bps);
        th_json_key(&j, "pick_depth");
        th_json_int(&j, in->pick_depth);
        th_json_key(&j, "project");
        th_json_str(&j, in->project);
        th_json_key(&j, "ref_price_fen");
        th_json_int(&j, in->ref_price);
        th_json_key(&j, "t_plus_one");
        th_json_bool(&j, in->t_plus_one);
        th_json_key(&j, "taker_fee_bps");
        th_json_int(&j, in->taker_fee_bps);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        th_json_key(&j, "vintage");
        th_json_int(&j, in->vintage);
        break;
    }
    case TH_CMD_ORDER_ADD: {
        const th_order_new *o = &c->order;
        th_json_key(&j, "account");
        th_json_str(&j, o->account);
        th_json_key(&j, "instrument");
        th_json_str(&j, o->instrument);
        th_json_key(&j, "order_type");
        th_json_str(&j, o->type);
        th_json_key(&j, "price_fen");
        th_json_int(&j, o->price);
        th_json_key(&j, "qty");
        th_json_int(&j, o->qty);
        th_json_key(&j, "side");
        th_json_str(&j, o->side);
        th_json_key(&j, "tif");
        th_json_str(&j, o->tif);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        break;
    }
    case TH_CMD_ORDER_CANCEL:
        th_json_key(&j, "order");
        th_json_str(&j, c->order_id);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        break;
    case TH_CMD_ORDER_REPLACE:
    case TH_CMD_ORDER_PICK:
        if (c->type == TH_CMD_ORDER_PICK) {
            th_json_key(&j, "account");
            th_json_str(&j, c->order.account);
        }
        th_json_key(&j, c->type == TH_CMD_ORDER_PICK ? "listing" : "order");
        th_json_str(&j, c->order_id);
        if (c->type == TH_CMD_ORDER_REPLACE) {
            th_json_key(&j, "price_fen");
            th_json_int(&j, c->order.price);
        }
        th_json_key(&j, "qty");
        th_json_int(&j, c->order.qty);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        break;
    case TH_CMD_BLOCK_PROPOSE:
    case TH_CMD_BLOCK_ACCEPT:
        if (c->type == TH_CMD_BLOCK_ACCEPT) {
            th_json_key(&j, "block");
            th_json_str(&j, c->order_id);
        }
        th_json_key(&j, "buyer");
        th_json_str(&j, c->block.buyer);
        if (c->type == TH_CMD_BLOCK_PROPOSE) {
            th_json_key(&j, "instrument");
            th_json_str(&j, c->block.instrument);
            th_json_key(&j, "price_fen");
            th_json_int(&j, c->block.price);
            th_json_key(&j, "qty");
            th_json_int(&j, c->block.qty);
            th_json_key(&j, "seller");
            th_json_str(&j, c->block.seller);
        }
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        break;
    case TH_CMD_SESSION_PREOPEN:
    case TH_CMD_SESSION_OPEN:
    case TH_CMD_SESSION_CLOSE:
        th_json_key(&j, "instrument");
        th_json_str(&j, c->instrument_ref);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        break;
    case TH_CMD_AUCTION_OPEN:
    case TH_CMD_AUCTION_BID:
    case TH_CMD_AUCTION_SETTLE: {
        const th_auction_new *a = &c->auction;
        static const char *const keys[] = {"account", "auction", "instrument", "pricing",
                                           "seller", "until"};
        const char *v[] = {a->account, a->auction, a->instrument, a->pricing, a->seller,
                           a->until};
        for (int i = 0; i < 6; i++) {
            th_json_key(&j, keys[i]);
            th_json_str(&j, v[i]);
        }
        th_json_key(&j, "price_fen");
        th_json_int(&j, a->price);
        th_json_key(&j, "qty");
        th_json_int(&j, a->qty);
        th_json_key(&j, "reserve_fen");
        th_json_int(&j, a->reserve);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        break;
    }
    case TH_CMD_CALENDAR_SET: {
        const th_calendar_change *k = &c->calendar;
        static const char *const keys[] = {"break", "close", "days", "offset", "open",
                                           "pre_open"};
        const char *v[] = {k->brk, k->close, k->days, k->offset, k->open, k->pre_open};
        for (int i = 0; i < 6; i++) {
            th_json_key(&j, keys[i]);
            th_json_str(&j, v[i]);
        }
        th_json_key(&j, "enabled");
        th_json_int(&j, k->enabled);
        static const char *const lists[] = {"holidays", "not_holidays"};
        const char *const *items[] = {k->add, k->remove};
        const size_t counts[] = {k->nadd, k->nremove};
        for (int l = 0; l < 2; l++) {
            th_json_key(&j, lists[l]);
            th_json_arr_begin(&j);
            for (size_t i = 0; i < counts[l]; i++)
                th_json_str(&j, items[l][i]);
            th_json_arr_end(&j);
        }
        th_json_key(&j, "replace");
        th_json_bool(&j, k->replace);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        th_json_key(&j, "tz");
        th_json_str(&j, k->tz);
        break;
    }
    case TH_CMD_PROJECT_SHARE: {
        const th_share_new *sh = &c->share;
        th_json_key(&j, "add_accounts");
        th_json_str(&j, sh->add_accounts);
        th_json_key(&j, "beneficiaries");
        th_json_arr_begin(&j);
        for (size_t i = 0; i < sh->n; i++) {
            th_json_arr_begin(&j);
            th_json_str(&j, sh->accounts[i]);
            th_json_int(&j, sh->weights[i]);
            th_json_arr_end(&j);
        }
        th_json_arr_end(&j);
        th_json_key(&j, "project");
        th_json_str(&j, sh->project);
        th_json_key(&j, "report");
        th_json_str(&j, sh->report);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[c->type]);
        break;
    }
    case TH_CMD_ISSUE:
        th_json_key(&j, "report");
        th_json_str(&j, c->report_id);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[TH_CMD_ISSUE]);
        break;
    case TH_CMD_PROJECT_ADD:
        th_json_key(&j, "buffer_pct_scaled");
        th_json_int(&j, c->project.buffer_pct_scaled);
        th_json_key(&j, "name");
        th_json_str(&j, c->project.name);
        th_json_key(&j, "owner");
        th_json_str(&j, c->project.owner);
        th_json_key(&j, "params_sha256");
        th_json_str(&j, c->project.params_sha256);
        th_json_key(&j, "type");
        th_json_str(&j, type_names[TH_CMD_PROJECT_ADD]);
        break;
    }
    th_json_obj_end(&j);
}

static int init_registry(th_engine *en, const th_cmd *c, const char *now, th_buf *out,
                         th_cjson *ev, th_err *e)
{
    th_buf acct;
    th_buf_init(&acct);
    th_cjson *buffer = ev ? th_cjson_object() : NULL;
    int rc = th_account_add(en->db, "buffer", "buffer", true, now, &acct, buffer, e);
    if (ev)
        th_cjson_set(ev, "buffer", buffer);
    if (rc == 0 && c->key_path && c->key)
        rc = th_log_key_set(en->db, c->key_path, c->key, e);
    if (rc == 0) {
        th_buf_puts(out, "{\"buffer\":");
        th_buf_put(out, acct.p, acct.len);
        th_buf_puts(out, "}");
    }
    th_buf_free(&acct);
    return rc;
}

static int run(th_engine *en, const th_cmd *c, const char *now, th_buf *out, th_cjson *ev,
               int64_t *touched, th_err *e)
{
    *touched = 0;
    switch (c->type) {
    case TH_CMD_ORDER_ADD:
        return th_order_add(en->db, en->books, &c->order, now, out, ev, touched, e);
    case TH_CMD_BLOCK_PROPOSE:
        return th_block_propose(en->db, &c->block, now, out, ev, e);
    case TH_CMD_BLOCK_ACCEPT:
        return th_block_accept(en->db, c->order_id, c->block.buyer, now, out, ev, e);
    case TH_CMD_ORDER_REPLACE:
        return th_order_replace(en->db, en->books, c->order_id ? c->order_id : "", c->order.price,
                                c->order.qty, now, out, ev, touched, e);
    case TH_CMD_ORDER_PICK:
        return th_order_pick(en->db, en->books, c->order.account ? c->order.account : "",
                             c->order_id ? c->order_id : "", c->order.qty, now, out, ev, touched,
                             e);
    case TH_CMD_ORDER_CANCEL:
        return th_order_cancel(en->db, en->books, c->order_id ? c->order_id : "", now, out, ev,
                               touched, e);
    case TH_CMD_ACCOUNT_ADD:
        return th_account_add(en->db, c->name ? c->name : "", c->kind ? c->kind : "", false, now,
                              out, ev, e);
    case TH_CMD_INIT_REGISTRY:
        return init_registry(en, c, now, out, ev, e);
    case TH_CMD_PROJECT_ADD:
        return th_project_add(en->db, &c->project, now, out, ev, e);
    case TH_CMD_REPORT_ADD:
        return th_report_add(en->db, &c->report, now, out, ev, e);
    case TH_CMD_TRANSFER:
    case TH_CMD_RETIRE: {
        /* the move's entry comes after the batch's entries so far: its index is known now */
        th_move m = c->move;
        int64_t size = 0;
        if (en->logging && th_log_size(en->db, &size, e))
            return -1;
        m.has_log_index = en->logging;
        m.log_index = size + (int64_t)en->npend;
        return c->type == TH_CMD_TRANSFER ? th_transfer(en->db, &m, now, out, ev, e)
                                          : th_retire(en->db, &m, now, out, ev, e);
    }
    case TH_CMD_CASH_DEPOSIT:
        return th_cash_deposit(en->db, c->cash.account ? c->cash.account : "", c->cash.amount,
                               c->cash.reference, now, out, ev, e);
    case TH_CMD_CASH_WITHDRAW:
        return th_cash_withdraw(en->db, c->cash.account ? c->cash.account : "", c->cash.amount,
                                c->cash.reference, now, out, ev, e);
    case TH_CMD_PROJECT_SHARE:
        return th_project_share(en->db, &c->share, now, out, ev, e);
    case TH_CMD_SESSION_PREOPEN:
    case TH_CMD_SESSION_OPEN:
    case TH_CMD_SESSION_CLOSE:
        return th_session_change(en->db, en->books, c->instrument_ref,
                                 c->type == TH_CMD_SESSION_PREOPEN ? "preopen"
                                 : c->type == TH_CMD_SESSION_OPEN  ? "open"
                                                                   : "close",
                                 c->by_clock, now, out, ev, touched, e);
    case TH_CMD_AUCTION_OPEN:
        return th_auction_open(en->db, &c->auction, now, out, ev, e);
    case TH_CMD_AUCTION_BID:
        return th_auction_bid(en->db, &c->auction, now, out, ev, e);
    case TH_CMD_AUCTION_SETTLE:
        return th_auction_settle(en->db, c->auction.auction, c->by_clock, now, out, ev, e);
    case TH_CMD_CALENDAR_SET:
        return th_calendar_set(en->db, &c->calendar, now, out, ev, e);
    case TH_CMD_INSTRUMENT_ADD:
        return th_instrument_add(en->db, &c->instrument, now, out, ev, e);
    case TH_CMD_ISSUE:
        return th_issue_report(en->db, c->report_id ? c->report_id : "", now, out, ev, e);
    case TH_CMD_REPORT_VERIFY:
    case TH_CMD_REPORT_REJECT:
        return th_report_decide(en->db, c->report_id ? c->report_id : "",
                                c->verifier ? c->verifier : "", c->type == TH_CMD_REPORT_VERIFY,
                                c->reason, now, out, ev, e);
    }
    return th_fail(e, TH_EINTERNAL, "unknown command");
}

/* A stored request: 1 with its result when the id is known (and the text matches), 0 unknown. */
static int lookup_request(th_engine *en, const th_cmd *c, const th_buf *text, th_buf *out,
                          th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(en->db, "SELECT command, result FROM requests WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, c->request_id, -1, SQLITE_STATIC);
    int r = sqlite3_step(st), rc = 0;
    if (r == SQLITE_ROW) {
        if (strcmp((const char *)sqlite3_column_text(st, 0), text->p) != 0) {
            rc = th_fail_at(e, TH_EINPUT, NULL, 0, "request_id", c->request_id,
                            strlen(c->request_id),
                            "this request id was used for a different command");
        } else {
            th_buf_puts(out, (const char *)sqlite3_column_text(st, 1));
            rc = 1;
        }
    } else if (r != SQLITE_DONE) {
        rc = th_db_fail(en->db, "cannot read requests", e);
    }
    th_db_done(en->db, st);
    return rc;
}

static int store_request(th_engine *en, const th_cmd *c, const th_buf *text, const th_buf *res,
                         th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(en->db, "INSERT INTO requests (id, command, result) VALUES (?, ?, ?)", &st,
                      e))
        return -1;
    sqlite3_bind_text(st, 1, c->request_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, text->p, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, res->p ? res->p : "{}", -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    th_db_done(en->db, st);
    return r == SQLITE_DONE ? 0 : th_db_fail(en->db, "cannot record the request", e);
}

/* Complete the command's event and add its bytes to the batch's entries. */
static int log_event(th_engine *en, const th_cmd *c, const char *request_text, const char *now,
                     th_cjson *ev, th_err *e)
{
    th_cjson_set_str(ev, "type", type_names[c->type]);
    th_cjson_set_str(ev, "time", now);
    if (c->request_id) {
        th_cjson_set_str(ev, "request_id", c->request_id);
        th_cjson_set_str(ev, "request", request_text);
    }
    size_t mark = en->pending.len;
    if (th_cjson_write(ev, &en->pending) != 0) {
        en->pending.len = mark;
        return th_fail(e, TH_EINPUT, "the change cannot be logged: a text in it is not valid "
                                     "UTF-8");
    }
    if (en->npend == en->cappend) {
        en->cappend = en->cappend ? 2 * en->cappend : 64;
        en->pend_off = th_xrealloc(en->pend_off, (en->cappend + 1) * sizeof *en->pend_off);
    }
    en->pend_off[en->npend++] = mark;
    en->pend_off[en->npend] = en->pending.len;
    return 0;
}

static int sign_due(th_engine *en, const char *now, th_err *e)
{
    if (!en->has_signer)
        return 0;
    int64_t t = monotonic_ms();
    if (en->interval_ms && en->signed_once && t - en->last_signed_ms < en->interval_ms)
        return 0;
    int64_t size;
    if (th_log_sign(en->db, &en->signer, now, en->durable, &size, e))
        return -1;
    if (size >= 0) { /* the interval runs from a checkpoint signed, not from a batch that had none */
        en->last_signed_ms = t;
        en->signed_once = true;
    }
    return 0;
}

/* Before the batch commits: append its entries and their hashes, and sign a checkpoint when the
 * signer is due: over what the batch appended, or up to the durable bound, which moves without
 * entries. */
static int append_and_sign(th_engine *en, const char *now, th_err *e)
{
    if (en->npend == 0)
        return en->durable >= 0 ? sign_due(en, now, e) : 0;
    const uint8_t **msg = th_xmalloc(en->npend * sizeof *msg);
    size_t *len = th_xmalloc(en->npend * sizeof *len);
    for (size_t i = 0; i < en->npend; i++) {
        msg[i] = (const uint8_t *)en->pending.p + en->pend_off[i];
        len[i] = en->pend_off[i + 1] - en->pend_off[i];
    }
    int64_t first;
    int rc = th_log_append_many(en->db, msg, len, en->npend, &first, e);
    free(msg);
    free(len);
    if (rc)
        return -1;
    return sign_due(en, now, e);
}

int th_engine_checkpoint(th_engine *en, th_err *e)
{
    if (!en->has_signer)
        return 0;
    char now[32];
    en->now(now, en->now_arg);
    if (th_db_exec1(en->db, "BEGIN IMMEDIATE", e))
        return -1;
    int64_t size;
    if (th_log_sign(en->db, &en->signer, now, -1, &size, e) == 0 &&
        th_db_exec1(en->db, "COMMIT", e) == 0) {
        en->last_signed_ms = monotonic_ms();
        en->signed_once = true;
        return 0;
    }
    th_err ignored;
    if (th_db_exec(en->db, "ROLLBACK", &ignored) != 0)
        th_err_clear(&ignored);
    return -1;
}

/* One command in its own savepoint: a failure undoes it alone (r says why). Returns -1 only when
 * the savepoint itself cannot be rolled back or released: the batch cannot go on. */
static int apply_one(th_engine *en, const th_cmd *c, const char *now, th_cmd_result *r,
                     th_buf *text)
{
    th_buf_reset(&r->result);
    th_err_clear(&r->err);
    r->replayed = false;
    th_buf_reset(text);
    if (c->request_id) {
        if (c->request_text)
            th_buf_puts(text, c->request_text);
        else
            canonical(c, text);
        int k = lookup_request(en, c, text, &r->result, &r->err);
        if (k != 0) {
            r->status = k > 0 ? 0 : -1;
            r->replayed = k > 0;
            return 0;
        }
    }
    /* the order commands keep their orders' rows and balances to the batch's end; any other
     * command reads those tables, so it finds them written first */
    bool deferred = th_cmd_order_entry(c->type);
    if (!deferred || en->flush_orders) {
        if (th_batch_rows_flush(en->db, &r->err) != 0) {
            r->status = -1;
            return -1;
        }
        en->flush_orders = false;
    }
    th_db_keep_rows(en->db, deferred);
    /* an order command's savepoint is made only if it writes a row itself (a trade and its
     * serials, a payout): its orders, balances and blocks are kept to the batch's end */
    if (th_db_savepoint_begin(en->db, deferred, &r->err)) {
        r->status = -1;
        return 0;
    }
    size_t pend_mark = en->npend, memo_mark = th_db_memo_mark(en->db);
    th_batch_mark rows_mark = th_batch_rows_mark(en->db);
    th_cjson *ev = NULL;
    if (en->logging) { /* the last command's event emptied: its memory serves again */
        if (!en->event)
            en->event = th_cjson_object();
        th_cjson_reset(en->event);
        ev = en->event;
    }
    int64_t touched;
    r->status = run(en, c, now, &r->result, ev, &touched, &r->err);
    if (r->status == 0 && ev)
        r->status = log_event(en, c, text->p, now, ev, &r->err);
    if (r->status == 0 && c->request_id)
        r->status = store_request(en, c, text, &r->result, &r->err);
    th_err ignored;
    if (r->status != 0) {
        th_buf_reset(&r->result);
        if (en->npend > pend_mark) { /* its entry goes with it */
            en->npend = pend_mark;
            en->pending.len = en->pend_off[pend_mark];
        }
        if (th_db_savepoint_end(en->db, true, &ignored) != 0)
            return -1;
        th_db_memo_rewind(en->db, memo_mark); /* what the command read may be undone */
        th_batch_rows_rewind(en->db, rows_mark);
        if (touched) { /* its book holds what the store no longer does */
            th_books_drop(en->books, touched);
            en->flush_orders = true;
        }
    }
    return th_db_savepoint_end(en->db, false, &ignored) != 0 ? -1 : 0;
}

/* The clock's changes, each applied as a command of its own: the session changes the calendar has
 * made due, then the settlements of the auctions that have ended. One that fails is left for the
 * next batch (its instrument's later steps with it). */
static int follow_clock(th_engine *en, const char *now)
{
    if (!en->follow)
        return 0;
    th_session_step *steps;
    size_t n;
    th_err e;
    if (th_schedule_due(en->db, now, &steps, &n, &e) != 0) {
        th_err_clear(&e);
        return 0; /* a store error here is not the batch's: its commands meet it themselves */
    }
    th_buf text;
    th_buf_init(&text);
    th_cmd_result r;
    th_cmd_result_init(&r);
    int rc = 0;
    int64_t failed = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (steps[i].instrument == failed)
            continue;
        char ref[24];
        snprintf(ref, sizeof ref, "%lld", (long long)steps[i].instrument);
        th_cmd c = {.type = strcmp(steps[i].to, "close") == 0     ? TH_CMD_SESSION_CLOSE
                            : strcmp(steps[i].to, "preopen") == 0 ? TH_CMD_SESSION_PREOPEN
                                                                  : TH_CMD_SESSION_OPEN,
                    .instrument_ref = ref,
                    .by_clock = true};
        rc = apply_one(en, &c, now, &r, &text);
        if (rc == 0 && r.status != 0)
            failed = steps[i].instrument;
    }
    free(steps);
    int64_t *due;
    if (rc == 0 && th_auctions_due(en->db, now, &due, &n, &e) == 0) {
        for (size_t i = 0; rc == 0 && i < n; i++) {
            char ref[24];
            snprintf(ref, sizeof ref, "%lld", (long long)due[i]);
            th_cmd c = {.type = TH_CMD_AUCTION_SETTLE, .auction = {.auction = ref},
                        .by_clock = true};
            rc = apply_one(en, &c, now, &r, &text);
        }
        free(due);
    } else if (rc == 0) {
        th_err_clear(&e);
    }
    th_cmd_result_free(&r);
    th_buf_free(&text);
    return rc;
}

int th_engine_apply(th_engine *en, const th_cmd *cmds, size_t n, th_cmd_result *res, th_err *e)
{
    en->npend = 0;
    th_buf_reset(&en->pending);
    char now[32];
    en->now(now, en->now_arg);
    if (th_db_exec1(en->db, "BEGIN IMMEDIATE", e))
        return -1;
    th_buf text;
    th_buf_init(&text);
    if (follow_clock(en, now) != 0)
        goto abort;
    for (size_t i = 0; i < n; i++) {
        if (apply_one(en, &cmds[i], now, &res[i], &text) != 0)
            goto abort;
        if (res[i].status == 0 && (cmds[i].type == TH_CMD_INSTRUMENT_ADD ||
                                   cmds[i].type == TH_CMD_CALENDAR_SET) &&
            follow_clock(en, now) != 0)
            goto abort;
    }
    th_buf_free(&text);
    th_db_keep_rows(en->db, false); /* what runs between batches writes at once */
    if (th_batch_rows_flush(en->db, e) == 0 && append_and_sign(en, now, e) == 0 &&
        th_db_exec1(en->db, "COMMIT", e) == 0)
        return 0;
    goto fail_all;
abort:
    th_buf_free(&text);
    th_db_fail(en->db, "the batch could not be applied", e);
fail_all: {
    th_err ignored;
    if (th_db_exec(en->db, "ROLLBACK", &ignored) != 0)
        th_err_clear(&ignored);
    th_books_drop_all(en->books); /* they hold the batch's orders, which the store does not */
    th_db_keep_rows(en->db, false); /* the rollback emptied the kept rows */
    en->flush_orders = false;
    for (size_t i = 0; i < n; i++) {
        res[i].status = -1;
        res[i].replayed = false;
        res[i].err = *e;
        th_buf_reset(&res[i].result);
    }
    return -1;
}
}
