/* api.c — the routes of /api/v1 and their handlers. See api.h.
 *
 * The public role reads supply, projects, certificates, instruments, books, trades, auctions
 * and the log; a user reads its own account's holdings, cash, orders and payouts (an operator
 * any account's), and a holder or owner places and cancels its own account's orders. */
#include "server/api.h"
#include "server/api_access.h"
#include "server/api_projects.h"
#include "server/api_registry.h"
#include "server/api_req.h"

#include "base/json.h"
#include "base/mem.h"
#include "base/num.h"
#include "exchange/auctions.h"
#include "exchange/cash.h"
#include "exchange/sharing.h"
#include "ledger/accounts.h"
#include "exchange/bars.h"
#include "exchange/block_trades.h"
#include "exchange/calendar.h"
#include "exchange/instruments.h"
#include "exchange/orders.h"
#include "exchange/schedule.h"
#include "ledger/issuance.h"
#include "ledger/moves.h"
#include "ledger/projects.h"
#include "log/checkpoints.h"
#include "log/log_store.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void th_api_error(th_api_resp *out, int status, const char *code, const char *message,
                  const char *field)
{
    out->status = status;
    out->content_type = "application/json";
    th_buf_reset(&out->body);
    th_json j;
    th_json_init(&j, &out->body);
    th_json_obj_begin(&j);
    th_json_key(&j, "error");
    th_json_obj_begin(&j);
    th_json_key(&j, "code");
    th_json_str(&j, code);
    th_json_key(&j, "message");
    th_json_str(&j, message);
    th_json_key(&j, "field");
    if (field && *field)
        th_json_str(&j, field);
    else
        th_json_null(&j);
    th_json_obj_end(&j);
    th_json_obj_end(&j);
}

void th_api_fail(th_api_resp *out, const th_err *e)
{
    char msg[900];
    th_err_format(e, msg, sizeof msg);
    /* what names nothing that exists is a 404; the core says so in its words */
    bool missing = e->code == TH_EINPUT && strstr(e->msg, "no ") == e->msg &&
                   (strstr(e->msg, " has this") || strstr(e->msg, " has the id"));
    if (missing)
        th_api_error(out, 404, "not_found", msg, e->field);
    else if (e->code == TH_EINPUT || e->code == TH_EUSAGE)
        th_api_error(out, 400, "invalid", msg, e->field);
    else
        th_api_error(out, 500, "internal", msg, e->field);
}

static int get_supply(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_supply_json(r->db, &out->body, &e), &e);
}

static int get_projects(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_project_list_json(r->db, &out->body, &e), &e);
}

static int get_certificate(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_certificate_json(r->db, th_api_param(r, "id"), &out->body, &e), &e);
}

static int get_instruments(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_instrument_list_json(r->db, &out->body, &e), &e);
}

static int get_instrument(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    th_instrument in;
    int rc = th_instrument_find(r->db, th_api_param(r, "code"), &in, &e);
    if (rc == 0)
        th_instrument_json(&in, &out->body);
    return th_api_answer(out, rc, &e);
}

static int get_book(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_book_view_json(r->db, th_api_param(r, "code"), &out->body, &e), &e);
}


/* ?account= (an id or name): the trades it bought or sold; -1 with the answer. */
static int account_arg(const th_api_req *r, th_api_resp *out, th_page *pg)
{
    const char *ref = r->query(r->query_arg, "account");
    th_account a;
    th_err e;
    if (!ref)
        return 0;
    if (th_account_find(r->db, ref, &a, &e)) {
        th_api_fail(out, &e);
        return -1;
    }
    pg->account = a.id;
    return 0;
}

static int get_trades_of(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    th_page pg;
    char times[2][32];
    if (th_api_page_args(r, out, &pg, times) || account_arg(r, out, &pg))
        return 0;
    return th_api_answer(
        out, th_trades_page_json(r->db, th_api_param(r, "code"), &pg, &out->body, &e), &e);
}

static int get_trades(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    th_page pg;
    char times[2][32];
    if (th_api_page_args(r, out, &pg, times) || account_arg(r, out, &pg))
        return 0;
    return th_api_answer(
        out, th_trades_page_json(r->db, r->query(r->query_arg, "instrument"), &pg, &out->body, &e),
        &e);
}

static int get_retirements(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    th_page pg;
    char times[2][32];
    if (th_api_page_args(r, out, &pg, times) || account_arg(r, out, &pg))
        return 0;
    const char *project = r->query(r->query_arg, "project");
    const char *vintage = r->query(r->query_arg, "vintage");
    th_project p;
    int64_t v = 0;
    if (project && th_project_find(r->db, project, &p, &e))
        return th_api_answer(out, -1, &e);
    if (vintage && th_api_number(out, "vintage", vintage, 1900, 9999, &v))
        return 0;
    pg.project = project ? p.id : 0;
    pg.vintage = (int)v;
    return th_api_answer(out, th_retirements_page_json(r->db, &pg, &out->body, &e), &e);
}

static int get_bars(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    const char *interval = r->query(r->query_arg, "interval");
    th_page pg;
    char times[2][32];
    if (th_api_page_args(r, out, &pg, times))
        return 0;
    /* a page of bars is the newest ones, all of TH_BARS_MAX unless ?limit asks fewer; older
     * ones by ?to=next_to */
    th_bars_range rg = {.from = pg.from, .to = pg.to,
                        .limit = r->query(r->query_arg, "limit") ? pg.limit : 0};
    return th_api_answer(out,
                         th_bars_json(r->db, th_api_param(r, "code"), interval ? interval : "1d",
                                      &rg, &out->body, &e),
                         &e);
}

static int get_auctions(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_auctions_json(r->db, NULL, &out->body, &e), &e);
}

static int get_auction(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_auction_json(r->db, th_api_param(r, "id"), &out->body, &e), &e);
}

static int get_sessions(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    char now[32];
    th_utc_format((int64_t)time(NULL), now);
    return th_api_answer(out, th_sessions_json(r->db, now, &out->body, &e), &e);
}

static int get_calendar(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    th_calendar c;
    int rc = th_calendar_load(r->db, &c, &e);
    if (rc == 0)
        th_calendar_json(&c, &out->body);
    return th_api_answer(out, rc, &e);
}

static int get_log_size(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    int64_t n;
    int rc = th_log_size(r->db, &n, &e);
    if (rc == 0)
        th_buf_printf(&out->body, "{\"size\":%lld}", (long long)n);
    return th_api_answer(out, rc, &e);
}

static int get_log_entry(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    int64_t i;
    if (th_api_number(out, "index", th_api_param(r, "index"), 0, INT64_MAX, &i))
        return 0;
    return th_api_answer(out, th_log_entry(r->db, i, &out->body, &e), &e);
}

/* ?size=S (0..), or -1 when not given. */
static int size_arg(const th_api_req *r, th_api_resp *out, int64_t *size)
{
    const char *v = r->query(r->query_arg, "size");
    *size = -1;
    return v ? th_api_number(out, "size", v, 0, INT64_MAX, size) : 0;
}

/* Server-Sent Events: the answer says what to stream; the HTTP layer streams it. */
static int get_stream(const th_api_req *r, th_api_resp *out)
{
    const char *code = r->query(r->query_arg, "instrument");
    th_err e;
    th_instrument in = {.id = 0};
    if (code && th_instrument_find(r->db, code, &in, &e))
        return th_api_answer(out, -1, &e);
    int64_t from = 0;
    if (r->last_event_id && th_api_number(out, "Last-Event-ID", r->last_event_id, 0, INT64_MAX, &from))
        return 0;
    out->status = 200;
    out->content_type = "text/event-stream";
    out->stream.on = true;
    out->stream.resume = r->last_event_id != NULL;
    out->stream.cursor = (uint64_t)from;
    out->stream.instrument = in.id;
    return 0;
}

static int get_log_checkpoint(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    int64_t size;
    if (size_arg(r, out, &size))
        return 0;
    int rc = th_log_checkpoint(r->db, size, &out->body, &e);
    th_api_answer(out, rc, &e);
    if (rc == 0)
        out->content_type = "text/plain; charset=utf-8";
    return 0;
}

static int get_log_key(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    char path[TH_KEY_PATH_MAX];
    th_note_verifier v;
    int k = th_log_key_get(r->db, path, &v, &e);
    if (k == 0) {
        th_api_error(out, 404, "not_found", "this registry has no log key", NULL);
        return 0;
    }
    if (k > 0) {
        th_note_verifier_format(&v, &out->body);
        th_buf_putc(&out->body, '\n');
    }
    th_api_answer(out, k > 0 ? 0 : -1, &e);
    if (k > 0)
        out->content_type = "text/plain; charset=utf-8";
    return 0;
}

static int get_log_proof(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    int64_t i, size;
    if (th_api_number(out, "index", th_api_param(r, "index"), 0, INT64_MAX, &i) || size_arg(r, out, &size))
        return 0;
    int rc = size < 0 ? th_log_size(r->db, &size, &e) : 0;
    if (rc == 0)
        rc = th_log_prove_json(r->db, i, size, &out->body, &e);
    return th_api_answer(out, rc, &e);
}

static int get_log_consistency(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    int64_t m, n;
    if (th_api_number(out, "old", th_api_param(r, "old"), 0, INT64_MAX, &m) ||
        th_api_number(out, "new", th_api_param(r, "new"), 0, INT64_MAX, &n))
        return 0;
    return th_api_answer(out, th_log_consistency_json(r->db, m, n, &out->body, &e), &e);
}

static int account_read(const th_api_req *r, th_api_resp *out,
                        int (*read)(th_db *, const char *, th_buf *, th_err *))
{
    th_account a;
    if (th_api_own_account(r, out, th_api_param(r, "id"), true, &a))
        return 0;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)a.id);
    th_err e;
    return th_api_answer(out, read(r->db, id, &out->body, &e), &e);
}

static int get_holdings(const th_api_req *r, th_api_resp *out)
{
    return account_read(r, out, th_holdings_json);
}

static int get_cash(const th_api_req *r, th_api_resp *out)
{
    return account_read(r, out, th_cash_balance_json);
}

static int get_orders(const th_api_req *r, th_api_resp *out)
{
    th_account a;
    th_page pg;
    char times[2][32];
    if (th_api_own_account(r, out, th_api_param(r, "id"), true, &a) ||
        th_api_page_args(r, out, &pg, times))
        return 0;
    th_err e;
    const char *status = r->query(r->query_arg, "status");
    const char *code = r->query(r->query_arg, "instrument");
    if (status && strcmp(status, "open") && strcmp(status, "filled") &&
        strcmp(status, "cancelled") && strcmp(status, "expired")) {
        th_api_error(out, 400, "invalid", "status: an order is open, filled, cancelled or expired",
                     "status");
        return 0;
    }
    th_instrument in;
    if (code && th_instrument_find(r->db, code, &in, &e))
        return th_api_answer(out, -1, &e);
    pg.status = status;
    pg.instrument = code ? in.id : 0;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)a.id);
    return th_api_answer(out, th_orders_page_json(r->db, id, &pg, &out->body, &e), &e);
}

static int get_payouts(const th_api_req *r, th_api_resp *out)
{
    return account_read(r, out, th_payouts_json);
}

static int post_order(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "holder|owner", "trading") || th_api_body_open(r, out, &b))
        return 0;
    th_cmd c = {.type = TH_CMD_ORDER_ADD};
    c.order = (th_order_new){.instrument = th_api_str(&b, "instrument", true, false),
                             .side = th_api_str(&b, "side", true, false),
                             .type = th_api_str(&b, "type", false, false),
                             .tif = th_api_str(&b, "tif", false, false),
                             .price = th_api_money(&b, "price", false),
                             .qty = th_api_int(&b, "qty", true)};
    char id[24];
    if (!b.bad && (c.order.account = th_api_acting_for(r, out, &b, "account", id)) != NULL)
        th_api_submit(r, out, &c, 201);
    th_api_body_close(&b);
    return 0;
}

/* The open order id names, if it is the user's own account's; else the answer. */
static int own_order(const th_api_req *r, th_api_resp *out, const char *ref)
{
    int64_t id;
    if (th_api_number(out, "id", ref, 1, INT64_MAX, &id))
        return -1;
    sqlite3_stmt *st;
    th_err e;
    if (th_db_stmt(r->db, "SELECT account_id FROM orders WHERE id = ?", &st, &e) != 0) {
        th_api_fail(out, &e);
        return -1;
    }
    sqlite3_bind_int64(st, 1, id);
    int64_t owner = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    th_db_done(r->db, st);
    if (!owner) {
        th_api_error(out, 404, "not_found", "no order has this id", "id");
        return -1;
    }
    if (owner != r->user->account) {
        th_api_error(out, 403, "forbidden", "an order is changed by its own account's user",
                     "id");
        return -1;
    }
    return 0;
}

static int put_order(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "holder|owner", "trading") || own_order(r, out, th_api_param(r, "id")) ||
        th_api_body_open(r, out, &b))
        return 0;
    th_cmd c = {.type = TH_CMD_ORDER_REPLACE, .order_id = th_api_param(r, "id")};
    c.order.price = th_api_money(&b, "price", false);
    c.order.qty = th_api_int(&b, "qty", true);
    if (!b.bad)
        th_api_submit(r, out, &c, 200);
    th_api_body_close(&b);
    return 0;
}

static int post_pick(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "holder|owner", "trading") || th_api_body_open(r, out, &b))
        return 0;
    th_cmd c = {.type = TH_CMD_ORDER_PICK};
    c.order_id = th_api_str(&b, "listing", true, true);
    c.order.qty = th_api_int(&b, "qty", true);
    char id[24];
    if (!b.bad && (c.order.account = th_api_acting_for(r, out, &b, "account", id)) != NULL)
        th_api_submit(r, out, &c, 201);
    th_api_body_close(&b);
    return 0;
}

static int post_move(const th_api_req *r, th_api_resp *out, bool retire)
{
    th_api_body b;
    if (th_api_need_user(r, out) || th_api_body_open(r, out, &b))
        return 0;
    th_cmd c = {.type = retire ? TH_CMD_RETIRE : TH_CMD_TRANSFER};
    c.move = (th_move){.to = retire ? NULL : th_api_str(&b, "to", true, true),
                       .qty = th_api_int(&b, "qty", false),
                       .project = th_api_str(&b, "project", false, true),
                       .vintage = (int)th_api_int(&b, "vintage", false),
                       .serials = th_api_str(&b, "serials", false, false)};
    if (retire) {
        c.move.beneficiary = th_api_str(&b, "beneficiary", true, false);
        c.move.reason = th_api_str(&b, "reason", true, false);
        c.move.jurisdiction = th_api_str(&b, "jurisdiction", false, false);
    }
    char id[24];
    if (!b.bad && (c.move.from = th_api_acting_for(r, out, &b, "from", id)) != NULL)
        th_api_submit(r, out, &c, 201);
    th_api_body_close(&b);
    return 0;
}

static int post_transfer(const th_api_req *r, th_api_resp *out)
{
    return post_move(r, out, false);
}

static int post_retirement(const th_api_req *r, th_api_resp *out)
{
    return post_move(r, out, true);
}

static int post_cash(const th_api_req *r, th_api_resp *out, bool deposit)
{
    th_api_body b;
    if (th_api_need_role(r, out, "operator", "cash") || th_api_body_open(r, out, &b))
        return 0;
    th_cmd c = {.type = deposit ? TH_CMD_CASH_DEPOSIT : TH_CMD_CASH_WITHDRAW};
    c.cash = (th_cash_cmd){.account = th_api_str(&b, "account", true, true),
                           .amount = th_api_money(&b, "amount", true),
                           .reference = th_api_str(&b, "reference", false, false)};
    if (!b.bad)
        th_api_submit(r, out, &c, 201);
    th_api_body_close(&b);
    return 0;
}

static int post_deposit(const th_api_req *r, th_api_resp *out)
{
    return post_cash(r, out, true);
}

static int post_withdrawal(const th_api_req *r, th_api_resp *out)
{
    return post_cash(r, out, false);
}

static int post_session(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "operator", "a session change") || th_api_body_open(r, out, &b))
        return 0;
    const char *to = th_api_str(&b, "to", true, false);
    th_cmd c = {.instrument_ref = th_api_param(r, "code")};
    if (to && strcmp(to, "preopen") == 0)
        c.type = TH_CMD_SESSION_PREOPEN;
    else if (to && strcmp(to, "open") == 0)
        c.type = TH_CMD_SESSION_OPEN;
    else if (to && strcmp(to, "close") == 0)
        c.type = TH_CMD_SESSION_CLOSE;
    else
        th_api_body_bad(&b, "to", "preopen, open or close");
    if (!b.bad)
        th_api_submit(r, out, &c, 200);
    th_api_body_close(&b);
    return 0;
}

static int post_bid(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "holder|owner", "bidding") || th_api_body_open(r, out, &b))
        return 0;
    th_cmd c = {.type = TH_CMD_AUCTION_BID};
    c.auction = (th_auction_new){.auction = th_api_param(r, "id"),
                                 .price = th_api_money(&b, "price", true),
                                 .qty = th_api_int(&b, "qty", true)};
    char id[24];
    if (!b.bad && (c.auction.account = th_api_acting_for(r, out, &b, "account", id)) != NULL)
        th_api_submit(r, out, &c, 201);
    th_api_body_close(&b);
    return 0;
}

static int delete_order(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_user(r, out) || own_order(r, out, th_api_param(r, "id")))
        return 0;
    th_cmd c = {.type = TH_CMD_ORDER_CANCEL, .order_id = th_api_param(r, "id")};
    return th_api_submit(r, out, &c, 200);
}

/* The user's own account's id, as text. */
static const char *self(const th_api_req *r, char id[24])
{
    snprintf(id, 24, "%lld", (long long)r->user->account);
    return id;
}

static int post_account(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "operator", "opening accounts") || th_api_body_open(r, out, &b))
        return 0;
    th_cmd c = {.type = TH_CMD_ACCOUNT_ADD, .name = th_api_str(&b, "name", true, false),
                .kind = th_api_str(&b, "kind", true, false)};
    if (!b.bad)
        th_api_submit(r, out, &c, 201);
    th_api_body_close(&b);
    return 0;
}

static int get_accounts(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    if (th_api_need_role(r, out, "operator", "listing accounts"))
        return 0;
    return th_api_answer(out, th_account_list_json(r->db, &out->body, &e), &e);
}

static int get_account(const th_api_req *r, th_api_resp *out)
{
    th_account a;
    if (th_api_own_account(r, out, th_api_param(r, "id"), true, &a))
        return 0;
    th_account_json(&a, &out->body);
    return th_api_answer(out, 0, NULL);
}

/* A list of texts of the body (NULL when absent); -1 marks the body bad. */
static int str_list(th_api_body *b, const char *key, const char ***out, size_t *n)
{
    json_t *v = json_object_get(b->root, key);
    *out = NULL;
    *n = 0;
    if (!v)
        return 0;
    if (!json_is_array(v) || json_array_size(v) > 1000) {
        th_api_body_bad(b, key, "a list of dates YYYY-MM-DD is expected");
        return -1;
    }
    *out = th_xcalloc(json_array_size(v) + 1, sizeof **out);
    for (size_t i = 0; i < json_array_size(v); i++)
        if (!((*out)[(*n)++] = json_string_value(json_array_get(v, i)))) {
            th_api_body_bad(b, key, "a list of dates YYYY-MM-DD is expected");
            return -1;
        }
    return 0;
}

/* Change the trading calendar (an operator): the members it names, as `calendar set` takes
 * them; the zone is Asia/Shanghai or a UTC offset (the zone database is the command line's). */
static int put_calendar(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "operator", "the trading calendar") ||
        th_api_body_open(r, out, &b))
        return 0;
    static const char *const members[] = {"enabled", "tz",    "days",         "pre_open",
                                          "open",    "break", "close",        "holidays_add",
                                          "holidays_remove"};
    const char *key;
    json_t *v;
    json_object_foreach(b.root, key, v)
    {
        size_t k = 0;
        while (k < sizeof members / sizeof *members && strcmp(key, members[k]) != 0)
            k++;
        if (k == sizeof members / sizeof *members)
            th_api_body_bad(&b, key, "no such member of the calendar (enabled, tz, days, "
                                     "pre_open, open, break, close, holidays_add, "
                                     "holidays_remove)");
    }
    if (json_object_size(b.root) == 0)
        th_api_body_bad(&b, "enabled", "name at least one member to change");
    json_t *en = json_object_get(b.root, "enabled");
    if (en && !json_is_boolean(en))
        th_api_body_bad(&b, "enabled", "true or false is expected");
    const char *tz = th_api_str(&b, "tz", false, false);
    int min;
    if (tz && strcmp(tz, "Asia/Shanghai") != 0 && th_calendar_parse_offset(tz, &min) != 0)
        th_api_body_bad(&b, "tz", "Asia/Shanghai or a UTC offset like +08:00 (other zone names: "
                                  "tanhui calendar set --tz, with the server stopped)");
    const char **add = NULL, **rem = NULL;
    size_t nadd = 0, nrem = 0;
    th_cmd c = {.type = TH_CMD_CALENDAR_SET};
    c.calendar = (th_calendar_change){.enabled = en ? json_is_true(en) : -1,
                                      .tz = tz,
                                      .days = th_api_str(&b, "days", false, false),
                                      .pre_open = th_api_str(&b, "pre_open", false, false),
                                      .open = th_api_str(&b, "open", false, false),
                                      .brk = th_api_str(&b, "break", false, false),
                                      .close = th_api_str(&b, "close", false, false)};
    if (!b.bad && str_list(&b, "holidays_add", &add, &nadd) == 0 &&
        str_list(&b, "holidays_remove", &rem, &nrem) == 0) {
        c.calendar.add = add;
        c.calendar.nadd = nadd;
        c.calendar.remove = rem;
        c.calendar.nremove = nrem;
        th_api_submit(r, out, &c, 200);
    }
    free(add);
    free(rem);
    th_api_body_close(&b);
    return 0;
}

static int post_instrument(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "operator", "listing instruments") || th_api_body_open(r, out, &b))
        return 0;
    th_cmd c = {.type = TH_CMD_INSTRUMENT_ADD};
    json_t *t1 = json_object_get(b.root, "t_plus_one");
    if (t1 && !json_is_boolean(t1))
        th_api_body_bad(&b, "t_plus_one", "true or false");
    c.instrument = (th_instrument_new){.code = th_api_str(&b, "code", true, false),
                                       .vintage = (int)th_api_int(&b, "vintage", true),
                                       .project = th_api_str(&b, "project", false, true),
                                       .ref_price = th_api_money(&b, "ref_price", true),
                                       .band_bps = (int)th_api_int(&b, "band_bps", false),
                                       .maker_fee_bps = (int)th_api_int(&b, "maker_fee_bps", false),
                                       .taker_fee_bps = (int)th_api_int(&b, "taker_fee_bps", false),
                                       .pick_depth = (int)th_api_int(&b, "pick_depth", false),
                                       .t_plus_one = json_is_true(t1),
                                       .block_min = th_api_int(&b, "block_min", false)};
    if (!b.bad)
        th_api_submit(r, out, &c, 201);
    th_api_body_close(&b);
    return 0;
}

static int post_auction(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "holder|owner", "selling") || th_api_body_open(r, out, &b))
        return 0;
    th_cmd c = {.type = TH_CMD_AUCTION_OPEN};
    c.auction = (th_auction_new){.instrument = th_api_str(&b, "instrument", true, true),
                                 .qty = th_api_int(&b, "qty", true),
                                 .reserve = th_api_money(&b, "reserve", true),
                                 .until = th_api_str(&b, "until", true, false),
                                 .pricing = th_api_str(&b, "pricing", false, false)};
    char id[24];
    if (!b.bad && (c.auction.seller = th_api_acting_for(r, out, &b, "seller", id)) != NULL)
        th_api_submit(r, out, &c, 201);
    th_api_body_close(&b);
    return 0;
}

static int get_blocks(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_block_list_json(r->db, &out->body, &e), &e);
}

static int post_block(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "holder|owner", "selling") || th_api_body_open(r, out, &b))
        return 0;
    th_cmd c = {.type = TH_CMD_BLOCK_PROPOSE};
    c.block = (th_block_new){.buyer = th_api_str(&b, "buyer", true, true),
                             .instrument = th_api_str(&b, "instrument", true, true),
                             .price = th_api_money(&b, "price", true),
                             .qty = th_api_int(&b, "qty", true)};
    char id[24];
    if (!b.bad && (c.block.seller = th_api_acting_for(r, out, &b, "seller", id)) != NULL)
        th_api_submit(r, out, &c, 201);
    th_api_body_close(&b);
    return 0;
}

static int post_block_accept(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_role(r, out, "holder|owner", "buying"))
        return 0;
    char id[24];
    th_cmd c = {.type = TH_CMD_BLOCK_ACCEPT, .order_id = th_api_param(r, "id")};
    c.block.buyer = self(r, id); /* the engine refuses a buyer the proposal does not name */
    return th_api_submit(r, out, &c, 200);
}

static int post_decision(const th_api_req *r, th_api_resp *out, bool verify)
{
    th_api_body b;
    if (th_api_need_role(r, out, "verifier", "verifying") ||
        (!verify && th_api_body_open(r, out, &b)))
        return 0;
    char id[24];
    th_cmd c = {.type = verify ? TH_CMD_REPORT_VERIFY : TH_CMD_REPORT_REJECT,
                .report_id = th_api_param(r, "id"), .verifier = self(r, id)};
    if (!verify)
        c.reason = th_api_str(&b, "reason", true, false);
    if (verify || !b.bad)
        th_api_submit(r, out, &c, 200);
    if (!verify)
        th_api_body_close(&b);
    return 0;
}

static int post_verify(const th_api_req *r, th_api_resp *out)
{
    return post_decision(r, out, true);
}

static int post_reject(const th_api_req *r, th_api_resp *out)
{
    return post_decision(r, out, false);
}

static int post_issue(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_role(r, out, "operator", "issuing"))
        return 0;
    th_cmd c = {.type = TH_CMD_ISSUE, .report_id = th_api_param(r, "id")};
    return th_api_submit(r, out, &c, 201);
}

static void user_json(const th_user *u, th_buf *out)
{
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "user");
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, u->id);
    th_json_key(&j, "name");
    th_json_str(&j, u->name);
    th_json_key(&j, "account");
    th_json_int(&j, u->account);
    th_json_key(&j, "role");
    th_json_str(&j, u->role);
    th_json_obj_end(&j);
    th_json_obj_end(&j);
}

static int post_login(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_body_open(r, out, &b))
        return 0;
    const char *name = th_api_str(&b, "name", true, false), *pw = th_api_str(&b, "password", true, false);
    th_err e;
    th_user u;
    th_db *w = r->credentials ? r->credentials(r->credentials_arg) : NULL;
    int k = b.bad ? -2 : th_user_login(r->db, name, pw, &u, &e);
    char token[60];
    if (k == -2) {
        /* the 400 is in out */
    } else if (k < 0) {
        th_api_fail(out, &e);
    } else if (k == 0) {
        th_api_error(out, 401, "unauthorized", "the name or the password is wrong", NULL);
    } else if (!w) {
        th_api_error(out, 500, "internal", "no connection to record the session", NULL);
    } else if (th_session_create(w, name, TH_SESSION_SECONDS, token, &e) != 0) {
        th_api_fail(out, &e);
    } else {
        snprintf(out->set_cookie, sizeof out->set_cookie,
                 "%s=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d", TH_SESSION_COOKIE,
                 token, TH_SESSION_SECONDS);
        sodium_memzero(token, sizeof token);
        user_json(&u, &out->body);
        out->status = 200;
        out->content_type = "application/json";
    }
    th_api_body_close(&b);
    return 0;
}

static int post_logout(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    th_db *w = r->credentials ? r->credentials(r->credentials_arg) : NULL;
    if (r->session && w && th_token_revoke_text(w, r->session, &e) != 0) {
        th_api_fail(out, &e);
        return 0;
    }
    snprintf(out->set_cookie, sizeof out->set_cookie,
             "%s=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0", TH_SESSION_COOKIE);
    th_buf_puts(&out->body, "{\"ok\":true}");
    out->status = 200;
    out->content_type = "application/json";
    return 0;
}

static int get_me(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_user(r, out))
        return 0;
    user_json(r->user, &out->body);
    out->status = 200;
    out->content_type = "application/json";
    return 0;
}

static int get_openapi(const th_api_req *r, th_api_resp *out)
{
    (void)r;
    th_api_openapi(&out->body);
    out->status = 200;
    out->content_type = "application/json";
    return 0;
}

#define JSON "application/json"
#define TEXT "text/plain"
const th_api_route th_api_routes[] = {
    {"POST", "/api/v1/login", post_login, "Log in ({\"name\", \"password\"}): a session "
                                          "cookie, HttpOnly and SameSite=Strict, for 12 hours",
     JSON},
    {"POST", "/api/v1/logout", post_logout, "End the session of the cookie", JSON},
    {"GET", "/api/v1/me", get_me, "The user of the token or session", JSON},
    {"GET", "/api/v1/tokens", th_api_get_tokens,
     "The user's own API tokens and sessions, newest first, never their texts (an operator: "
     "?user=NAME for another's; ?limit, ?cursor, ?from, ?to)",
     JSON},
    {"POST", "/api/v1/tokens", th_api_post_token,
     "A new API token for the user itself ({}): {\"id\", \"token\"}, the text shown this once "
     "(no Idempotency-Key: the answer cannot be repeated)",
     JSON},
    {"DELETE", "/api/v1/tokens/{id}", th_api_delete_token,
     "Revoke a token or session of the user's own (an operator: anyone's), in force at once",
     JSON},
    {"GET", "/api/v1/users", th_api_get_users,
     "Every user (an operator): the same object as tanhui user list --json", JSON},
    {"POST", "/api/v1/users", th_api_post_user,
     "Add a user (an operator: {\"name\", \"account\", \"role\", \"password\" (else one is "
     "made and shown once)}): {\"id\", \"name\"[, \"password\"]}",
     JSON},
    {"GET", "/api/v1/supply", get_supply, "The registry's supply: issued, held, retired, "
                                          "cancelled and in the buffer", JSON},
    {"GET", "/api/v1/projects", get_projects, "Every project", JSON},
    {"POST", "/api/v1/projects", th_api_post_project,
     "Add a project (an owner for its own account, an operator for any: {\"name\", \"owner\", "
     "\"buffer_pct\": \"20\", \"params\": an upload of a parameter table, else the "
     "built-in one})",
     JSON},
    {"GET", "/api/v1/projects/{id}", th_api_get_project, "One project (by id, code or name)",
     JSON},
    {"GET", "/api/v1/projects/{id}/issuances", th_api_get_issuances,
     "A project's issuances, each with the serial blocks it made (the owner's, the buffer's)",
     JSON},
    {"GET", "/api/v1/projects/{id}/parcels", th_api_get_parcels,
     "The parcels of the project's latest report: each one's change in carbon stock and, from "
     "a GIS inventory, its outline (the files are checked against the report's SHA-256)",
     JSON},
    {"GET", "/api/v1/projects/{id}/beneficiaries", th_api_get_beneficiaries,
     "Who shares the project's income, and by what weight", JSON},
    {"PUT", "/api/v1/projects/{id}/beneficiaries", th_api_put_beneficiaries,
     "Set who shares the project's income (its owner, or an operator): {\"from_report\": ID, "
     "\"add_accounts\": \"household\"} or {\"beneficiaries\": [{\"account\", \"weight\": "
     "\"2.5\"}]}",
     JSON},
    {"POST", "/api/v1/projects/{id}/reports", th_api_post_report,
     "Submit a monitoring report of the user's own project: {\"before\", \"after\": upload "
     "ids, and the measurement's options before_date, after_date, area_unit, encoding, by, "
     "baseline_tco2e, leakage_pct, uncertainty_pct, skip_invalid}; or multipart/form-data with "
     "the two files as parts before and after and the options as fields",
     JSON},
    {"GET", "/api/v1/reports", th_api_get_reports,
     "Monitoring reports, newest first, without their measurements (?limit, ?cursor; "
     "?project=, ?status=submitted|verified|rejected|issued, ?from, ?to)",
     JSON},
    {"GET", "/api/v1/reports/{id}", th_api_get_report, "One report with its measurement", JSON},
    {"POST", "/api/v1/uploads", th_api_post_upload,
     "Upload an inventory (.csv or .gpkg) or a parameter table (.csv) as multipart/form-data, "
     "part file: {\"upload\": its SHA-256, \"bytes\", \"kind\"} (an owner or operator)",
     JSON},
    {"GET", "/api/v1/accounts", get_accounts, "Every account (an operator)", JSON},
    {"GET", "/api/v1/accounts/{id}", get_account, "One account (its user, or an operator)",
     JSON},
    {"POST", "/api/v1/accounts", post_account, "Open an account (operator: {\"name\", "
                                               "\"kind\"})", JSON},
    {"POST", "/api/v1/reports/{id}/verify", post_verify, "Verify a report (a verifier that does "
                                                         "not own its project)", JSON},
    {"POST", "/api/v1/reports/{id}/reject", post_reject, "Reject a report (a verifier: "
                                                         "{\"reason\"})", JSON},
    {"POST", "/api/v1/reports/{id}/issue", post_issue, "Issue a verified report's credits "
                                                       "(operator)", JSON},
    {"GET", "/api/v1/accounts/{id}/holdings", get_holdings, "An account's holdings by serial "
                                                            "block (its user, or an operator)",
     JSON},
    {"GET", "/api/v1/accounts/{id}/cash", get_cash, "An account's cash (its user, or an "
                                                    "operator)", JSON},
    {"GET", "/api/v1/accounts/{id}/orders", get_orders, "An account's orders, newest first (its "
                                                        "user, or an operator; ?limit, "
                                                        "?cursor, ?status, ?instrument, "
                                                        "?from, ?to)", JSON},
    {"GET", "/api/v1/accounts/{id}/payouts", get_payouts, "What an account received in benefit "
                                                          "shares (its user, or an operator)",
     JSON},
    {"POST", "/api/v1/orders", post_order, "Place an order for the user's own account "
                                           "(Idempotency-Key optional)", JSON},
    {"PUT", "/api/v1/orders/{id}", put_order, "Replace an order's price and quantity left "
                                               "({\"price\", \"qty\"})", JSON},
    {"DELETE", "/api/v1/orders/{id}", delete_order, "Cancel an order of the user's own account",
     JSON},
    {"POST", "/api/v1/picks", post_pick, "Take a listing (挂牌点选: {\"account\", \"listing\", "
                                         "\"qty\"})", JSON},
    {"POST", "/api/v1/transfers", post_transfer, "Transfer credits from the user's own account "
                                                 "({\"from\", \"to\", \"qty\", \"project\", "
                                                 "\"vintage\", \"serials\"})", JSON},
    {"POST", "/api/v1/retirements", post_retirement, "Retire credits for offsetting ({\"from\", "
                                                     "\"qty\", \"beneficiary\", \"reason\", "
                                                     "\"jurisdiction\"...})", JSON},
    {"POST", "/api/v1/cash/deposits", post_deposit, "Record a deposit (operator: {\"account\", "
                                                    "\"amount\": \"1250.50\", "
                                                    "\"reference\"})", JSON},
    {"POST", "/api/v1/cash/withdrawals", post_withdrawal, "Record a withdrawal (operator)", JSON},
    {"POST", "/api/v1/instruments/{code}/session", post_session, "Pre-open, open or close an "
                                                                 "instrument's session by hand "
                                                                 "(operator: {\"to\"})", JSON},
    {"GET", "/api/v1/blocks", get_blocks, "Block trades, newest first", JSON},
    {"POST", "/api/v1/blocks", post_block, "Propose a block trade of the user's own credits "
                                           "({\"seller\", \"buyer\", \"instrument\", "
                                           "\"price\", \"qty\"})", JSON},
    {"POST", "/api/v1/blocks/{id}/accept", post_block_accept, "Accept a block trade proposed to "
                                                              "the user's own account", JSON},
    {"POST", "/api/v1/auctions/{id}/bids", post_bid, "Bid in a one-way auction ({\"account\", "
                                                     "\"price\", \"qty\"})", JSON},
    {"GET", "/api/v1/certificates/{id}", get_certificate, "A retirement certificate (log_index: the log entry that recorded it)", JSON},
    {"GET", "/api/v1/retirements", get_retirements,
     "Retirements, newest first, each as its certificate (?limit, ?cursor; filters ?account "
     "(who retired), ?project, ?vintage, ?from, ?to)",
     JSON},
    {"GET", "/api/v1/instruments", get_instruments, "Every instrument", JSON},
    {"POST", "/api/v1/instruments", post_instrument, "List an instrument (operator: {\"code\", "
                                                     "\"vintage\", \"ref_price\": \"58.50\", "
                                                     "...})", JSON},
    {"GET", "/api/v1/instruments/{code}", get_instrument, "One instrument", JSON},
    {"GET", "/api/v1/instruments/{code}/book", get_book, "An instrument's order book by price "
                                                         "level", JSON},
    {"GET", "/api/v1/instruments/{code}/trades", get_trades_of, "An instrument's trades, newest "
                                                                "first (?limit, ?cursor, ?account, ?from, ?to)", JSON},
    {"GET", "/api/v1/instruments/{code}/bars", get_bars,
     "An instrument's bars (?interval=1m, 1h or 1d), the newest 1,000 (?limit fewer) of its "
     "trades ?from= and ?to= (ISO 8601); next_to, when older ones are left, is the ?to of "
     "the page before",
     JSON},
    {"GET", "/api/v1/trades", get_trades, "Every trade, newest first (?limit=1..1000, "
                                          "default 100; ?cursor=next_cursor; filters "
                                          "?instrument=CODE, ?account=ID, ?from=, ?to=: ISO "
                                          "8601 times)", JSON},
    {"GET", "/api/v1/auctions", get_auctions, "One-way auctions, newest first", JSON},
    {"POST", "/api/v1/auctions", post_auction, "Open a one-way auction of the user's own "
                                               "credits ({\"seller\", \"instrument\", \"qty\", "
                                               "\"reserve\", \"until\", \"pricing\"})", JSON},
    {"GET", "/api/v1/auctions/{id}", get_auction, "One one-way auction (its bids once settled)",
     JSON},
    {"GET", "/api/v1/sessions", get_sessions, "Every instrument's trading session", JSON},
    {"GET", "/api/v1/calendar", get_calendar, "The trading calendar", JSON},
    {"PUT", "/api/v1/calendar", put_calendar,
     "Change the trading calendar (an operator: {\"enabled\", \"tz\": \"+08:00\", \"days\": "
     "\"mon-fri\", \"pre_open\", \"open\", \"break\": \"11:30-13:00\", \"close\", "
     "\"holidays_add\", \"holidays_remove\"}, the members named)",
     JSON},
    {"GET", "/api/v1/serials/{serial}", th_api_get_serial,
     "The block holding a serial number (any number inside it, or a block's text) and the "
     "serial's history: issuance, trades, transfers, retirement", JSON},
    {"GET", "/api/v1/log/checkpoints", th_api_get_checkpoints,
     "Every signed checkpoint, newest first (?limit=1..1000, ?cursor=next_cursor; ?from, ?to: "
     "signed at or after, before, ISO 8601): size, root, time", JSON},
    {"GET", "/api/v1/log/size", get_log_size, "The transparency log's size", JSON},
    {"GET", "/api/v1/log/entries/{index}", get_log_entry, "A log entry, its bytes exactly", JSON},
    {"GET", "/api/v1/log/checkpoint", get_log_checkpoint, "The latest signed checkpoint (or at "
                                                          "?size=S)", TEXT},
    {"GET", "/api/v1/log/key", get_log_key, "The log's verifier key", TEXT},
    {"GET", "/api/v1/log/proof/{index}", get_log_proof, "An inclusion proof (at ?size=S, else "
                                                        "the latest)", JSON},
    {"GET", "/api/v1/log/consistency/{old}/{new}", get_log_consistency, "A consistency proof",
     JSON},
    {"GET", "/api/v1/stream", get_stream, "Server-Sent Events: \"trade\" (a trade of the tape), "
                                          "\"book\" (an instrument's book after a change, at "
                                          "most 5 a second), "
                                          "\"checkpoint\" ({\"size\", \"note\"}); "
                                          "?instrument=CODE for one instrument's; resumes after "
                                          "the Last-Event-ID header", "text/event-stream"},
    {"GET", "/api/v1/openapi.json", get_openapi, "This document", JSON},
};
const size_t th_api_nroutes = sizeof th_api_routes / sizeof *th_api_routes;

static double now_mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The routes whose answers are shared (answer_cache.h): public, the same for everyone, made
 * from the database alone (no clock), and each a read of a table that trading makes longer */
static bool shared(const th_api_route *rt)
{
    return rt->fn == get_supply || rt->fn == get_book || rt->fn == get_bars;
}

/* A shared route's answer: the one kept, or made (and kept, when this request makes it for
 * all). */
static void shared_answer(const th_api_route *rt, th_api_req *r, th_api_resp *out)
{
    th_buf key;
    th_buf_init(&key);
    uint64_t commits = r->answer_key(r->answer_arg, &key); /* read before the answer is made */
    bool mine;
    double t0 = now_mono();
    if (th_answer_cache_get(r->answers, key.p, commits, t0, &out->body, &out->content_type,
                            &mine)) {
        out->status = 200;
    } else {
        rt->fn(r, out);
        if (mine && out->status == 200 && !out->stream.on)
            th_answer_cache_put(r->answers, key.p, commits, t0, now_mono() - t0,
                                out->content_type, &out->body);
        else if (mine)
            th_answer_cache_drop(r->answers, key.p);
    }
    th_buf_free(&key);
}

void th_api_dispatch(const char *method, const char *path, th_api_req *r, th_api_resp *out,
                     const char **route)
{
    th_route_params p;
    char allowed[64] = "";
    *route = "unmatched";
    for (size_t i = 0; i < th_api_nroutes; i++) {
        if (!th_route_match(th_api_routes[i].pattern, path, &p))
            continue;
        if (strcmp(th_api_routes[i].method, method) != 0) {
            size_t len = strlen(allowed);
            snprintf(allowed + len, sizeof allowed - len, "%s%s", len ? ", " : "",
                     th_api_routes[i].method);
            *route = th_api_routes[i].pattern;
            continue;
        }
        *route = th_api_routes[i].pattern;
        r->params = &p;
        if (shared(&th_api_routes[i]) && r->answers && r->answer_key)
            shared_answer(&th_api_routes[i], r, out);
        else
            th_api_routes[i].fn(r, out);
        r->params = NULL;
        return;
    }
    char msg[400];
    if (allowed[0]) {
        snprintf(msg, sizeof msg, "%s is not allowed on %s (allowed: %s)", method, path, allowed);
        th_api_error(out, 405, "method_not_allowed", msg, NULL);
        snprintf(out->allow, sizeof out->allow, "%s", allowed);
    } else {
        snprintf(msg, sizeof msg, "no such resource: %.150s (the routes are listed at "
                                  "/api/v1/openapi.json)", path);
        th_api_error(out, 404, "not_found", msg, NULL);
    }
}

void th_api_openapi(th_buf *out)
{
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "openapi");
    th_json_str(&j, "3.1.0");
    th_json_key(&j, "info");
    th_json_obj_begin(&j);
    th_json_key(&j, "title");
    th_json_str(&j, "tanhui 碳汇 registry and exchange");
    th_json_key(&j, "version");
    th_json_str(&j, "1");
    th_json_obj_end(&j);
    th_json_key(&j, "paths");
    th_json_obj_begin(&j);
    for (size_t i = 0; i < th_api_nroutes; i++) {
        const th_api_route *rt = &th_api_routes[i];
        size_t first = 0;
        while (strcmp(th_api_routes[first].pattern, rt->pattern) != 0)
            first++;
        if (first < i)
            continue; /* written with the first of its methods, wherever the table has them */
        th_json_key(&j, rt->pattern);
        th_json_obj_begin(&j);
        for (size_t k = i; k < th_api_nroutes; k++) {
            const th_api_route *m = &th_api_routes[k];
            if (strcmp(m->pattern, rt->pattern) != 0)
                continue;
            char lower[8];
            size_t n = strlen(m->method);
            for (size_t c = 0; c <= n && c < sizeof lower; c++)
                lower[c] = (char)(m->method[c] >= 'A' && m->method[c] <= 'Z' ? m->method[c] + 32
                                                                             : m->method[c]);
            th_json_key(&j, lower);
            th_json_obj_begin(&j);
            th_json_key(&j, "summary");
            th_json_str(&j, m->summary);
            /* the path's parameters, in order */
            th_json_key(&j, "parameters");
            th_json_arr_begin(&j);
            for (const char *s = strchr(m->pattern, '{'); s; s = strchr(s + 1, '{')) {
                const char *close = strchr(s, '}');
                th_json_obj_begin(&j);
                th_json_key(&j, "name");
                th_json_strn(&j, s + 1, (size_t)(close - s - 1));
                th_json_key(&j, "in");
                th_json_str(&j, "path");
                th_json_key(&j, "required");
                th_json_bool(&j, true);
                th_json_key(&j, "schema");
                th_json_obj_begin(&j);
                th_json_key(&j, "type");
                th_json_str(&j, "string");
                th_json_obj_end(&j);
                th_json_obj_end(&j);
            }
            th_json_arr_end(&j);
            th_json_key(&j, "responses");
            th_json_obj_begin(&j);
            th_json_key(&j, "200");
            th_json_obj_begin(&j);
            th_json_key(&j, "description");
            th_json_str(&j, "OK");
            th_json_key(&j, "content");
            th_json_obj_begin(&j);
            th_json_key(&j, m->content_type);
            th_json_obj_begin(&j);
            th_json_obj_end(&j);
            th_json_obj_end(&j);
            th_json_obj_end(&j);
            static const char *const codes[] = {"400", "404", "500"};
            for (int c = 0; c < 3; c++) {
                th_json_key(&j, codes[c]);
                th_json_obj_begin(&j);
                th_json_key(&j, "description");
                th_json_str(&j, "{\"error\": {\"code\", \"message\", \"field\"}}");
                th_json_obj_end(&j);
            }
            th_json_obj_end(&j);
            th_json_obj_end(&j);
        }
        th_json_obj_end(&j);
    }
    th_json_obj_end(&j);
    th_json_obj_end(&j);
}
