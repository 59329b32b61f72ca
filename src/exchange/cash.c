/* cash.c — cash balances, deposits and withdrawals. See cash.h. */
#include "exchange/cash.h"

#include "base/json.h"
#include "base/num.h"
#include "base/text.h"
#include "ledger/accounts.h"

#include <stdio.h>
#include <string.h>

int th_money_parse(const char *s, int64_t *fen)
{
    size_t n = strlen(s);
    int64_t v;
    /* th_parse_fixed takes a sign; money here has none */
    if (n == 0 || s[0] == '-' || s[0] == '+' || s[0] == '.' || s[n - 1] == '.' ||
        th_parse_fixed(s, n, 2, &v) != 0 || v <= 0 || v > TH_FEN_MAX)
        return -1;
    *fen = v;
    return 0;
}

size_t th_money_format(int64_t fen, char out[32])
{
    size_t n = 0;
    uint64_t u = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    if (fen < 0)
        out[n++] = '-';
    char d[24];
    size_t k = th_format_int64((int64_t)(u / 100), d);
    memcpy(out + n, d, k);
    n += k;
    out[n++] = '.';
    out[n++] = (char)('0' + u % 100 / 10);
    out[n++] = (char)('0' + u % 10);
    out[n] = '\0';
    return n;
}

/* The balances the batch changed, kept until its flush (cash.h): versions by account. */
typedef struct {
    th_cash c;
    bool stored; /* the store has the account's row: an UPDATE writes it */
} kept;

static th_versions *kept_balances(th_db *db)
{
    return th_db_kept(db, TH_DB_KEPT_CASH, sizeof(kept));
}

/* The account's cash as the batch left it; *stored: whether the store has its row. */
static int cash_read(th_db *db, int64_t account, th_cash *c, bool *stored, th_err *e)
{
    const kept *k = th_versions_latest(kept_balances(db), account);
    if (k) {
        *c = k->c;
        *stored = k->stored;
        return 0;
    }
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT balance_fen, reserved_fen FROM cash WHERE account_id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, account);
    int r = sqlite3_step(st);
    *c = (th_cash){0, 0};
    if (r == SQLITE_ROW)
        *c = (th_cash){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)};
    *stored = r == SQLITE_ROW;
    th_db_done(db, st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot read cash", e);
}

int th_cash_get(th_db *db, int64_t account, th_cash *c, th_err *e)
{
    bool stored;
    return cash_read(db, account, c, &stored, e);
}

size_t th_cash_mark(th_db *db) { return th_versions_count(kept_balances(db)); }

void th_cash_rewind(th_db *db, size_t mark)
{
    th_versions_rewind(kept_balances(db), mark, NULL, NULL);
}

int th_cash_flush(th_db *db, th_err *e)
{
    th_versions *vs = kept_balances(db);
    for (size_t i = 0; i < th_versions_count(vs); i++) {
        int64_t account;
        bool latest;
        const kept *k = th_versions_at(vs, i, &account, &latest);
        if (!latest)
            continue;
        sqlite3_stmt *st;
        if (th_db_stmt(db, k->stored ? "UPDATE cash SET balance_fen = ?2, reserved_fen = ?3"
                                       " WHERE account_id = ?1"
                                     : "INSERT INTO cash (account_id, balance_fen, reserved_fen)"
                                       " VALUES (?1, ?2, ?3)",
                       &st, e))
            return -1;
        sqlite3_bind_int64(st, 1, account);
        sqlite3_bind_int64(st, 2, k->c.balance);
        sqlite3_bind_int64(st, 3, k->c.reserved);
        int r = sqlite3_step(st);
        th_db_done(db, st);
        if (r != SQLITE_DONE)
            return th_db_fail(db, "cannot change the cash balance", e);
    }
    th_versions_clear(vs);
    return 0;
}

int th_cash_require(th_db *db, int64_t account, int64_t need, const char *why, th_err *e)
{
    th_cash c;
    th_account a;
    char id[24];
    if (th_cash_get(db, account, &c, e))
        return -1;
    if (need <= c.balance - c.reserved)
        return 0;
    snprintf(id, sizeof id, "%lld", (long long)account);
    if (th_account_find(db, id, &a, e))
        return -1;
    char want[32], avail[32], res[32];
    th_money_format(need, want);
    th_money_format(c.balance - c.reserved, avail);
    th_money_format(c.reserved, res);
    return th_fail_at(e, TH_EINPUT, NULL, 0, "amount", want, strlen(want),
                      "insufficient cash: %s%s%s%s%s has %s available (%s reserved for open "
                      "orders)", why ? why : "", why ? " " : "", why ? want : "",
                      why ? " CNY; " : "", a.name, avail, res);
}

void th_money_field(th_json *j, const char *key, int64_t fen)
{
    char m[32];
    th_money_format(fen, m);
    th_json_key(j, key);
    th_json_str(j, m);
}

static void balance_fields(th_json *j, const th_account *a, const th_cash *c)
{
    th_json_key(j, "account");
    th_json_int(j, a->id);
    th_json_key(j, "name");
    th_json_str(j, a->name);
    th_json_key(j, "balance_fen");
    th_json_int(j, c->balance);
    th_json_key(j, "available_fen");
    th_json_int(j, c->balance - c->reserved);
    th_json_key(j, "reserved_fen");
    th_json_int(j, c->reserved);
    th_money_field(j, "balance", c->balance);
    th_money_field(j, "available", c->balance - c->reserved);
    th_money_field(j, "reserved", c->reserved);
}

int th_cash_change(th_db *db, int64_t account, int64_t d_balance, int64_t d_reserved, th_err *e)
{
    th_cash c;
    bool stored;
    if (cash_read(db, account, &c, &stored, e))
        return -1;
    if (!stored && (d_balance < 0 || d_reserved < 0))
        return th_fail(e, TH_EINTERNAL, "account %lld has no cash to take", (long long)account);
    c.balance += d_balance;
    c.reserved += d_reserved;
    /* the table's CHECKs, here too: a kept balance meets them only at the flush */
    if (c.balance < 0 || c.reserved < 0 || c.reserved > c.balance)
        return th_fail(e, TH_EINTERNAL, "account %lld's cash would be %lld fen with %lld "
                                        "reserved", (long long)account, (long long)c.balance,
                       (long long)c.reserved);
    th_versions_push(kept_balances(db), account, &(kept){.c = c, .stored = stored});
    return th_db_keeps_rows(db) ? 0 : th_cash_flush(db, e); /* else written at once */
}

static int cash_move(th_db *db, const char *ref, int64_t amount, const char *reference,
                     const char *now, bool deposit, th_buf *out, th_cjson *ev, th_err *e)
{
    th_account a;
    if (th_account_find(db, ref, &a, e))
        return -1;
    const char *what = deposit ? "deposit" : "withdrawal";
    if (strcmp(a.kind, "buffer") == 0 || (deposit && strcmp(a.kind, "fees") == 0))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "account", ref, strlen(ref),
                          "the %s account takes no %s: %s", a.kind, what,
                          deposit && strcmp(a.kind, "fees") == 0
                              ? "it receives only the exchange's fees"
                              : "it holds credits, never cash");
    if (amount <= 0 || amount > TH_FEN_MAX)
        return th_fail(e, TH_EINPUT, "a %s must be more than 0 and at most %lld fen", what,
                       (long long)TH_FEN_MAX);
    if (reference && (!th_utf8_valid(reference, strlen(reference)) || strlen(reference) > 200 ||
                      strcspn(reference, "\t\n\r") != strlen(reference)))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "reference", reference, strlen(reference),
                          "a reference is one line of UTF-8 text, at most 200 bytes");
    th_cash c;
    if ((!deposit && th_cash_require(db, a.id, amount, NULL, e)) ||
        th_cash_get(db, a.id, &c, e))
        return -1;
    if (deposit && c.balance > TH_FEN_MAX * 1000 - amount)
        return th_fail(e, TH_EINPUT, "the deposit would take %s's balance past what tanhui "
                                     "counts", a.name);
    if (th_cash_change(db, a.id, deposit ? amount : -amount, 0, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT INTO cash_moves (kind, account_id, amount_fen, reference,"
                       " created_at) VALUES (?, ?, ?, ?, ?) RETURNING id", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, what, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, a.id);
    sqlite3_bind_int64(st, 3, amount);
    if (reference)
        sqlite3_bind_text(st, 4, reference, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    int64_t id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    th_db_done(db, st);
    if (r != SQLITE_ROW)
        return th_db_fail(db, "cannot record the cash movement", e);
    c.balance += deposit ? amount : -amount;
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, id);
    th_json_key(&j, "type");
    th_json_str(&j, what);
    th_json_key(&j, "amount_fen");
    th_json_int(&j, amount);
    th_money_field(&j, "amount", amount);
    th_json_key(&j, "reference");
    if (reference)
        th_json_str(&j, reference);
    else
        th_json_null(&j);
    th_json_key(&j, "date");
    th_json_str(&j, now);
    balance_fields(&j, &a, &c);
    th_json_obj_end(&j);
    th_cjson_set_int(ev, "account", a.id);
    th_cjson_set_int(ev, "amount_fen", amount);
    th_cjson_set_int(ev, "cash_move", id);
    th_cjson_set_str(ev, "reference", reference);
    return 0;
}

int th_cash_deposit(th_db *db, const char *account, int64_t amount, const char *reference,
                    const char *now, th_buf *out, th_cjson *ev, th_err *e)
{
    return cash_move(db, account, amount, reference, now, true, out, ev, e);
}

int th_cash_withdraw(th_db *db, const char *account, int64_t amount, const char *reference,
                     const char *now, th_buf *out, th_cjson *ev, th_err *e)
{
    return cash_move(db, account, amount, reference, now, false, out, ev, e);
}

int th_cash_balance_json(th_db *db, const char *account, th_buf *out, th_err *e)
{
    th_account a;
    th_cash c;
    if (th_account_find(db, account, &a, e) || th_cash_get(db, a.id, &c, e))
        return -1;
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    balance_fields(&j, &a, &c);
    th_json_obj_end(&j);
    return 0;
}
