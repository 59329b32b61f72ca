/* log_replay.c — entries back into commands; two registries compared. See log_replay.h. */
#include "engine/log_replay.h"

#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "log/log_store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH_MAX = 512 };

/* One entry as a command, with the storage its strings point into. */
typedef struct {
    json_t *root;
    th_cmd cmd;
    char ids[3][24];
    th_report_parcel *parcels;
    const char **accounts; /* project share by hand */
    int64_t *weights;
    char (*account_ids)[24];
    const char **holidays; /* calendar set */
    char offset[8];
    char time[32];
} entry_cmd;

static void entry_cmd_free(entry_cmd *c)
{
    json_decref(c->root);
    free(c->parcels);
    free(c->accounts);
    free(c->weights);
    free(c->account_ids);
    free(c->holidays);
    memset(c, 0, sizeof *c);
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key)); /* NULL when absent or not a string */
}

static int64_t num(json_t *o, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(o, key)); /* 0 when absent */
}

/* An id as the text a command names it by ("" when absent). */
static const char *id_text(json_t *o, const char *key, char out[24])
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return NULL;
    snprintf(out, 24, "%lld", (long long)json_integer_value(v));
    return out;
}

static int bad(th_err *e, int64_t i, const char *what)
{
    return th_fail(e, TH_EINPUT, "log entry %lld cannot be replayed: %s", (long long)i, what);
}

static int parcels(entry_cmd *c, json_t *arr, int64_t i, th_err *e)
{
    size_t n = json_array_size(arr);
    c->parcels = th_xcalloc(n ? n : 1, sizeof *c->parcels);
    for (size_t k = 0; k < n; k++) {
        json_t *p = json_array_get(arr, k);
        json_t *key = json_array_get(p, 0);
        if (json_array_size(p) != 3 || !json_is_string(key))
            return bad(e, i, "a parcel is not [key, before date, after date]");
        th_report_parcel *rp = &c->parcels[k];
        rp->key = json_string_value(key);
        rp->key_len = (uint32_t)json_string_length(key);
        for (int d = 1; d <= 2; d++) {
            json_t *v = json_array_get(p, (size_t)d);
            if (json_is_null(v))
                continue;
            int32_t days;
            const char *s = json_string_value(v);
            if (!s || th_date_parse(s, strlen(s), &days) != 0)
                return bad(e, i, "a parcel's survey date is not YYYY-MM-DD");
            if (d == 1) {
                rp->has_before = true;
                rp->before_date = days;
            } else {
                rp->has_after = true;
                rp->after_date = days;
            }
        }
    }
    c->cmd.report.parcels = c->parcels;
    c->cmd.report.nparcels = n;
    return 0;
}

static int to_command(const char *text, size_t len, int64_t i, entry_cmd *c, th_err *e)
{
    memset(c, 0, sizeof *c);
    json_error_t je;
    c->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    json_t *o = c->root;
    if (!json_is_object(o))
        return bad(e, i, "it is not a JSON object");
    const char *type = str(o, "type"), *time = str(o, "time");
    if (!type || !time || strlen(time) >= sizeof c->time)
        return bad(e, i, "it has no type or no time");
    snprintf(c->time, sizeof c->time, "%s", time);
    th_cmd *cmd = &c->cmd;
    cmd->request_id = str(o, "request_id");
    cmd->request_text = str(o, "request");
    if (cmd->request_id && !cmd->request_text)
        return bad(e, i, "it has a request id but not the request");
    int t;
    for (t = 0; t <= TH_CMD_LAST; t++)
        if (strcmp(type, th_cmd_type_name((th_cmd_type)t)) == 0)
            break;
    if (t > TH_CMD_LAST)
        return bad(e, i, "its type is unknown");
    cmd->type = (th_cmd_type)t;
    switch (cmd->type) {
    case TH_CMD_INIT_REGISTRY:
        break;
    case TH_CMD_ACCOUNT_ADD:
        cmd->name = str(o, "name");
        cmd->kind = str(o, "kind");
        break;
    case TH_CMD_PROJECT_ADD:
        cmd->project = (th_project_new){.name = str(o, "name"),
                                        .owner = id_text(o, "owner", c->ids[0]),
                                        .buffer_pct_scaled = num(o, "buffer_pct_scaled"),
                                        .params_name = str(o, "params_name"),
                                        .params_sha256 = str(o, "params_sha256"),
                                        .params_csv = str(o, "params_csv")};
        if (!cmd->project.name || !cmd->project.owner || !cmd->project.params_csv ||
            !cmd->project.params_name || !cmd->project.params_sha256)
            return bad(e, i, "a project needs a name, an owner and its parameters");
        break;
    case TH_CMD_REPORT_ADD:
        cmd->report = (th_report_new){.project = id_text(o, "project", c->ids[0]),
                                      .result_json = str(o, "result"),
                                      .period_start = str(o, "period_start"),
                                      .period_end = str(o, "period_end"),
                                      .vintage = (int)num(o, "vintage"),
                                      .net_tco2e = (double)num(o, "net_gco2e") / 1e6,
                                      .reversal_tco2e = (double)num(o, "reversal_gco2e") / 1e6,
                                      .credits_total = num(o, "credits_total"),
                                      .buffer_credits = num(o, "buffer_credits"),
                                      .owner_credits = num(o, "owner_credits")};
        if (!cmd->report.project || !cmd->report.result_json || !cmd->report.period_start ||
            !cmd->report.period_end)
            return bad(e, i, "a report needs its project, period and measurement");
        return parcels(c, json_object_get(o, "parcels"), i, e);
    case TH_CMD_REPORT_VERIFY:
    case TH_CMD_REPORT_REJECT:
        cmd->report_id = id_text(o, "report", c->ids[0]);
        cmd->verifier = id_text(o, "verifier", c->ids[1]);
        cmd->reason = str(o, "reason");
        if (!cmd->report_id || !cmd->verifier)
            return bad(e, i, "a decision needs its report and verifier");
        break;
    case TH_CMD_ISSUE:
        cmd->report_id = id_text(o, "report", c->ids[0]);
        if (!cmd->report_id)
            return bad(e, i, "an issuance needs its report");
        break;
    case TH_CMD_TRANSFER:
    case TH_CMD_RETIRE:
        cmd->move = (th_move){.from = id_text(o, "from", c->ids[0]),
                              .to = id_text(o, "to", c->ids[1]),
                              .qty = num(o, "qty"),
                              .project = id_text(o, "project", c->ids[2]),
                              .vintage = (int)num(o, "vintage"),
                              .serials = str(o, "serials"),
                              .beneficiary = str(o, "beneficiary"),
                              .reason = str(o, "reason"),
                              .jurisdiction = str(o, "jurisdiction")};
        if (!cmd->move.from)
            return bad(e, i, "a move needs its account");
        break;
    case TH_CMD_CASH_DEPOSIT:
    case TH_CMD_CASH_WITHDRAW:
        cmd->cash = (th_cash_cmd){.account = id_text(o, "account", c->ids[0]),
                                  .amount = num(o, "amount_fen"),
                                  .reference = str(o, "reference")};
        if (!cmd->cash.account)
            return bad(e, i, "a cash movement needs its account");
        break;
    case TH_CMD_INSTRUMENT_ADD:
        cmd->instrument = (th_instrument_new){.code = str(o, "code"),
                                              .vintage = (int)num(o, "vintage"),
                                              .project = id_text(o, "project", c->ids[0]),
                                              .ref_price = num(o, "ref_price_fen"),
                                              .band_bps = (int)num(o, "band_bps"),
                                              .maker_fee_bps = (int)num(o, "maker_fee_bps"),
                                              .taker_fee_bps = (int)num(o, "taker_fee_bps"),
                                              .pick_depth = (int)num(o, "pick_depth"),
                                              .t_plus_one = num(o, "t_plus_one") != 0,
                                              .block_min = num(o, "block_min")};
        if (!cmd->instrument.code)
            return bad(e, i, "an instrument needs its code");
        break;
    case TH_CMD_ORDER_ADD:
        cmd->order = (th_order_new){.account = id_text(o, "account", c->ids[0]),
                                    .instrument = id_text(o, "instrument", c->ids[1]),
                                    .side = str(o, "side"),
                                    .type = str(o, "order_type"),
                                    .tif = str(o, "tif"),
                                    .price = num(o, "price_fen"),
                                    .qty = num(o, "qty")};
        if (!cmd->order.account || !cmd->order.instrument || !cmd->order.side)
            return bad(e, i, "an order needs its account, instrument and side");
        break;
    case TH_CMD_ORDER_CANCEL:
        cmd->order_id = id_text(o, "order", c->ids[0]);
        if (!cmd->order_id)
            return bad(e, i, "a cancel needs its order");
        break;
    case TH_CMD_BLOCK_PROPOSE:
        cmd->block = (th_block_new){.seller = id_text(o, "seller", c->ids[0]),
                                    .buyer = id_text(o, "buyer", c->ids[1]),
                                    .instrument = id_text(o, "instrument", c->ids[2]),
                                    .price = num(o, "price_fen"),
                                    .qty = num(o, "qty")};
        if (!cmd->block.seller || !cmd->block.buyer || !cmd->block.instrument)
            return bad(e, i, "a block trade needs its seller, buyer and instrument");
        break;
    case TH_CMD_BLOCK_ACCEPT:
        cmd->order_id = id_text(o, "block", c->ids[0]);
        cmd->block = (th_block_new){.buyer = id_text(o, "buyer", c->ids[1])};
        if (!cmd->order_id || !cmd->block.buyer)
            return bad(e, i, "an accept needs its block trade and buyer");
        break;
    case TH_CMD_ORDER_REPLACE:
        cmd->order_id = id_text(o, "order", c->ids[0]);
        cmd->order = (th_order_new){.price = num(o, "price_fen"), .qty = num(o, "qty")};
        if (!cmd->order_id)
            return bad(e, i, "a replace needs its order");
        break;
    case TH_CMD_ORDER_PICK:
        cmd->order_id = id_text(o, "listing", c->ids[0]);
        cmd->order = (th_order_new){.account = id_text(o, "account", c->ids[1]),
                                    .qty = num(o, "qty")};
        if (!cmd->order_id || !cmd->order.account)
            return bad(e, i, "a pick needs its listing and account");
        break;
    case TH_CMD_SESSION_PREOPEN:
    case TH_CMD_SESSION_OPEN:
    case TH_CMD_SESSION_CLOSE:
        cmd->instrument_ref = id_text(o, "instrument", c->ids[0]);
        if (!cmd->instrument_ref)
            return bad(e, i, "a session change needs its instrument");
        cmd->by_clock = str(o, "by") && strcmp(str(o, "by"), "calendar") == 0;
        break;
    case TH_CMD_AUCTION_OPEN:
        cmd->auction = (th_auction_new){.seller = id_text(o, "seller", c->ids[0]),
                                        .instrument = id_text(o, "instrument", c->ids[1]),
                                        .qty = num(o, "qty"),
                                        .reserve = num(o, "reserve_fen"),
                                        .until = str(o, "ends_at"),
                                        .pricing = str(o, "pricing")};
        if (!cmd->auction.seller || !cmd->auction.instrument || !cmd->auction.until)
            return bad(e, i, "an auction needs its seller, instrument and end");
        break;
    case TH_CMD_AUCTION_BID:
        cmd->auction = (th_auction_new){.auction = id_text(o, "auction", c->ids[0]),
                                        .account = id_text(o, "account", c->ids[1]),
                                        .price = num(o, "price_fen"),
                                        .qty = num(o, "qty")};
        if (!cmd->auction.auction || !cmd->auction.account)
            return bad(e, i, "a bid needs its auction and account");
        break;
    case TH_CMD_AUCTION_SETTLE:
        cmd->auction = (th_auction_new){.auction = id_text(o, "auction", c->ids[0])};
        cmd->by_clock = str(o, "by") && strcmp(str(o, "by"), "clock") == 0;
        if (!cmd->auction.auction)
            return bad(e, i, "a settlement needs its auction");
        break;
    case TH_CMD_CALENDAR_SET: {
        /* the whole calendar as it was set */
        json_t *en = json_object_get(o, "enabled"), *list = json_object_get(o, "holidays");
        int64_t off = num(o, "offset_min");
        if (!json_is_boolean(en) || !json_is_array(list) || !str(o, "tz") ||
            off < -14 * 60 || off > 14 * 60)
            return bad(e, i, "a calendar needs whether it is on, its zone and its holidays");
        snprintf(c->offset, sizeof c->offset, "%c%02d:%02d", off < 0 ? '-' : '+',
                 (int)((off < 0 ? -off : off) / 60), (int)((off < 0 ? -off : off) % 60));
        size_t n = json_array_size(list);
        c->holidays = th_xcalloc(n + 1, sizeof *c->holidays);
        for (size_t k = 0; k < n; k++)
            if (!(c->holidays[k] = json_string_value(json_array_get(list, k))))
                return bad(e, i, "a holiday is a date");
        cmd->calendar = (th_calendar_change){.enabled = json_is_true(en),
                                             .tz = str(o, "tz"),
                                             .offset = c->offset,
                                             .days = str(o, "days"),
                                             .pre_open = str(o, "pre_open"),
                                             .open = str(o, "open"),
                                             .brk = str(o, "break"),
                                             .close = str(o, "close"),
                                             .add = c->holidays,
                                             .nadd = n,
                                             .replace = true};
        break;
    }
    case TH_CMD_PROJECT_SHARE: {
        cmd->share = (th_share_new){.project = id_text(o, "project", c->ids[0]),
                                    .report = id_text(o, "report", c->ids[1]),
                                    .add_accounts = str(o, "add_accounts")};
        if (!cmd->share.project)
            return bad(e, i, "a share needs its project");
        if (cmd->share.report)
            break; /* the report's owners again */
        json_t *list = json_object_get(o, "beneficiaries");
        size_t n = json_array_size(list);
        c->accounts = th_xcalloc(n + 1, sizeof *c->accounts);
        c->weights = th_xcalloc(n + 1, sizeof *c->weights);
        c->account_ids = th_xcalloc(n + 1, sizeof *c->account_ids);
        for (size_t k = 0; k < n; k++) {
            json_t *b = json_array_get(list, k);
            c->accounts[k] = id_text(b, "account", c->account_ids[k]);
            c->weights[k] = num(b, "weight");
            if (!c->accounts[k])
                return bad(e, i, "a beneficiary needs its account");
        }
        cmd->share.accounts = c->accounts;
        cmd->share.weights = c->weights;
        cmd->share.n = n;
        break;
    }
    }
    return 0;
}

static void fixed_now(char out[32], void *arg)
{
    snprintf(out, 32, "%s", (const char *)arg);
}

/* Apply cmds[0..n) (entries first..first+n) as one batch and check each wrote back its entry. */
static void free_cmds(entry_cmd **cmds, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        entry_cmd_free(cmds[k]);
        free(cmds[k]);
    }
}

static int apply(th_db *src, th_db *dst, th_engine *en, entry_cmd **cmds, size_t n,
                 int64_t first, th_err *e)
{
    th_cmd *batch = th_xmalloc(n * sizeof *batch);
    th_cmd_result *res = th_xmalloc(n * sizeof *res);
    for (size_t k = 0; k < n; k++) {
        batch[k] = cmds[k]->cmd;
        th_cmd_result_init(&res[k]);
    }
    th_engine_set_clock(en, fixed_now, cmds[0]->time);
    int rc = th_engine_apply(en, batch, n, res, e);
    th_buf a, b;
    th_buf_init(&a);
    th_buf_init(&b);
    for (size_t k = 0; k < n && rc == 0; k++) {
        int64_t i = first + (int64_t)k;
        if (res[k].status != 0) {
            rc = th_fail(e, TH_EINPUT, "log entry %lld (%s) cannot be replayed: %s",
                         (long long)i, th_cmd_type_name(cmds[k]->cmd.type), res[k].err.msg);
            break;
        }
        th_buf_reset(&a);
        th_buf_reset(&b);
        if (th_log_entry(src, i, &a, e) || th_log_entry(dst, i, &b, e)) {
            rc = -1;
            break;
        }
        if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
            rc = th_fail(e, TH_EINPUT, "log entry %lld (%s): replaying it does not give it back:"
                                       " the log does not hold what the registry did",
                         (long long)i, th_cmd_type_name(cmds[k]->cmd.type));
    }
    th_buf_free(&a);
    th_buf_free(&b);
    for (size_t k = 0; k < n; k++)
        th_cmd_result_free(&res[k]);
    free(res);
    free(batch);
    th_engine_set_clock(en, NULL, NULL);
    return rc;
}

int th_log_replay(th_db *src, th_db *dst, th_engine *en, const char *key_path,
                  const th_note_verifier *key, int64_t *done, th_err *e)
{
    *done = 0;
    th_engine_set_follow(en, false); /* the log holds the clock's changes */
    sqlite3_stmt *st;
    /* a statement of its own, not the cache's: the engine reads src's entries meanwhile */
    if (th_db_prepare(src, "SELECT idx, entry FROM log_entries ORDER BY idx", &st, e))
        return -1;
    /* each on the heap: a command points into its own entry_cmd */
    entry_cmd **cmds = th_xcalloc(BATCH_MAX, sizeof *cmds);
    size_t n = 0;
    int64_t first = 0, expect = 0;
    int rc = 0, r = SQLITE_DONE;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t i = sqlite3_column_int64(st, 0);
        if (i != expect) {
            rc = th_fail(e, TH_EINPUT, "log entry %lld is missing", (long long)expect);
            break;
        }
        expect++;
        const char *text = (const char *)sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        entry_cmd *c = th_xcalloc(1, sizeof *c);
        if (to_command(text ? text : "", len, i, c, e)) {
            entry_cmd_free(c);
            free(c);
            rc = -1;
            break;
        }
        if (c->cmd.type == TH_CMD_INIT_REGISTRY) {
            c->cmd.key_path = key_path;
            c->cmd.key = key;
        }
        if (n > 0 && (n == BATCH_MAX || strcmp(c->time, cmds[0]->time) != 0)) {
            rc = apply(src, dst, en, cmds, n, first, e);
            free_cmds(cmds, n);
            first += (int64_t)n;
            n = 0;
        }
        cmds[n++] = c;
    }
    if (rc == 0 && r != SQLITE_DONE)
        rc = th_db_fail(src, "cannot read the log", e);
    if (rc == 0 && n > 0)
        rc = apply(src, dst, en, cmds, n, first, e);
    free_cmds(cmds, n);
    free(cmds);
    sqlite3_finalize(st);
    th_engine_set_follow(en, true);
    if (rc == 0)
        *done = expect;
    return rc;
}

/* The registry's state: every table the ledger and the log write, in a fixed order. */
static const struct {
    const char *table, *order;
} state_tables[] = {
    {"accounts", "id"},           {"projects", "id"},          {"reports", "id"},
    {"report_parcels", "report_id, parcel_id"},                {"issuances", "id"},
    {"cancellations", "id"},      {"blocks", "id"},            {"moves", "id"},
    {"move_parts", "move_id, first"},                          {"requests", "id"},
    {"cash", "account_id"},       {"cash_moves", "id"},        {"instruments", "id"},
    {"orders", "id"},             {"trades", "id"},            {"trade_parts", "trade_id, first"},
    {"beneficiaries", "project_id, account_id"},               {"payouts", "id"},
    {"session_closes", "id"},     {"block_trades", "id"},      {"calendar", "id"},
    {"holidays", "day"},          {"auctions", "id"},
    {"log_entries", "idx"},       {"log_tiles", "id"},
};

static void value_text(sqlite3_stmt *st, int col, char out[64])
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
        snprintf(out, 64, "null");
        break;
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
        snprintf(out, 64, "%s", (const char *)sqlite3_column_text(st, col));
        break;
    case SQLITE_BLOB:
        snprintf(out, 64, "a blob of %d bytes", sqlite3_column_bytes(st, col));
        break;
    default:
        snprintf(out, 64, "'%.40s%s'", (const char *)sqlite3_column_text(st, col),
                 sqlite3_column_bytes(st, col) > 40 ? "..." : "");
    }
}

static bool same_value(sqlite3_stmt *a, sqlite3_stmt *b, int col)
{
    int t = sqlite3_column_type(a, col);
    if (t != sqlite3_column_type(b, col))
        return false;
    if (t == SQLITE_NULL)
        return true;
    if (t == SQLITE_INTEGER)
        return sqlite3_column_int64(a, col) == sqlite3_column_int64(b, col);
    if (t == SQLITE_FLOAT)
        return sqlite3_column_double(a, col) == sqlite3_column_double(b, col);
    const void *pa = t == SQLITE_BLOB ? sqlite3_column_blob(a, col) : sqlite3_column_text(a, col);
    const void *pb = t == SQLITE_BLOB ? sqlite3_column_blob(b, col) : sqlite3_column_text(b, col);
    int na = sqlite3_column_bytes(a, col), nb = sqlite3_column_bytes(b, col);
    return na == nb && (na == 0 || memcmp(pa, pb, (size_t)na) == 0);
}

/* The row's key, for the message: its ordering columns. */
static void row_key(sqlite3_stmt *st, const char *order, char out[160])
{
    size_t len = 0;
    out[0] = '\0';
    int ncol = sqlite3_column_count(st);
    for (int c = 0; c < ncol && len < 150; c++) {
        const char *name = sqlite3_column_name(st, c);
        size_t nl = strlen(name);
        const char *hit = strstr(order, name);
        if (!hit || (hit[nl] != '\0' && hit[nl] != ','))
            continue;
        char v[64];
        value_text(st, c, v);
        len += (size_t)snprintf(out + len, 160 - len, "%s%s %s", len ? ", " : "", name, v);
    }
}

static int compare_table(th_db *a, th_db *b, const char *table, const char *order, th_err *e)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", table, order);
    sqlite3_stmt *sa, *sb;
    if (th_db_prepare(a, sql, &sa, e))
        return -1;
    if (th_db_prepare(b, sql, &sb, e)) {
        sqlite3_finalize(sa);
        return -1;
    }
    int rc = 0;
    for (;;) {
        int ra = sqlite3_step(sa), rb = sqlite3_step(sb);
        if (ra == SQLITE_DONE && rb == SQLITE_DONE)
            break;
        char key[160];
        if (ra == SQLITE_ROW && rb != SQLITE_ROW) {
            row_key(sa, order, key);
            rc = th_fail(e, TH_EINPUT, "table %s: the row with %s is in the database but not in "
                                       "the log's replay", table, key);
            break;
        }
        if (rb == SQLITE_ROW && ra != SQLITE_ROW) {
            row_key(sb, order, key);
            rc = th_fail(e, TH_EINPUT, "table %s: the row with %s is in the log's replay but "
                                       "not in the database", table, key);
            break;
        }
        if (ra != SQLITE_ROW) {
            rc = th_db_fail(a, "cannot read the registry", e);
            break;
        }
        int ncol = sqlite3_column_count(sa);
        for (int c = 0; c < ncol && rc == 0; c++) {
            if (same_value(sa, sb, c))
                continue;
            char va[64], vb[64];
            row_key(sa, order, key);
            value_text(sa, c, va);
            value_text(sb, c, vb);
            rc = th_fail(e, TH_EINPUT, "table %s, row with %s: %s is %s in the database but %s "
                                       "when the log is replayed", table, key,
                         sqlite3_column_name(sa, c), va, vb);
        }
        if (rc)
            break;
    }
    sqlite3_finalize(sa);
    sqlite3_finalize(sb);
    return rc;
}

int th_state_compare(th_db *a, th_db *b, th_err *e)
{
    for (size_t t = 0; t < sizeof state_tables / sizeof *state_tables; t++)
        if (compare_table(a, b, state_tables[t].table, state_tables[t].order, e))
            return -1;
    return compare_table(a, b, "(SELECT key, value FROM meta WHERE key IN ('registry_code',"
                               " 'next_serial'))", "key", e);
}

static int audit(th_db *db, const th_note_verifier *v, th_log_verified *out, th_err *e)
{
    if (th_log_verify(db, v, out, e))
        return -1;
    th_db *mem;
    if (th_db_open(":memory:", TH_DB_CREATE, &mem, e))
        return -1;
    th_engine *en = th_engine_new(mem);
    int64_t done;
    int rc = th_log_replay(db, mem, en, NULL, NULL, &done, e);
    if (rc == 0)
        rc = th_state_compare(db, mem, e);
    th_engine_free(en);
    th_db_close(mem);
    return rc;
}

int th_log_audit(th_db *db, const th_note_verifier *v, th_log_verified *out, th_err *e)
{
    /* one snapshot of the database throughout, whatever a writer does meanwhile */
    bool own = sqlite3_get_autocommit(th_db_handle(db));
    if (own && th_db_exec(db, "BEGIN", e))
        return -1;
    int rc = audit(db, v, out, e);
    th_err ignored;
    if (own && th_db_exec(db, "COMMIT", &ignored) != 0)
        th_err_clear(&ignored);
    return rc;
}
