/* sharing.c — beneficiaries and the split of proceeds. See sharing.h. */
#include "exchange/sharing.h"

#include "base/json.h"
#include "base/mem.h"
#include "exchange/cash.h"
#include "ledger/accounts.h"
#include "ledger/projects.h"
#include "ledger/reports.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t account;
    int64_t weight;
} share;

static int by_account(const void *a, const void *b)
{
    int64_t x = ((const share *)a)->account, y = ((const share *)b)->account;
    return (x > y) - (x < y);
}

void th_split_largest_remainder(int64_t amount, const int64_t *w, size_t n, int64_t *out)
{
    __int128 total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    __int128 *rem = th_xcalloc(n ? n : 1, sizeof *rem);
    int64_t given = 0;
    for (size_t i = 0; i < n; i++) {
        __int128 x = (__int128)amount * w[i];
        out[i] = total ? (int64_t)(x / total) : 0;
        rem[i] = total ? x % total : 0;
        given += out[i];
    }
    for (int64_t left = amount - given; left > 0 && total; left--) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (rem[i] > rem[best])
                best = i;
        out[best]++;
        rem[best] = -1;
    }
    free(rem);
}

static int beneficiary_account(th_db *db, const char *ref, th_account *a, th_err *e)
{
    if (th_account_find(db, ref, a, e))
        return -1;
    if (strcmp(a->kind, "buffer") == 0 || strcmp(a->kind, "fees") == 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "beneficiary", ref, strlen(ref),
                          "the registry's %s account cannot be a beneficiary", a->kind);
    return 0;
}

/* The owners of a report measured by owner, as accounts with their net change in grams. */
static int from_report(th_db *db, const th_share_new *s, int64_t project, const char *now,
                       share **out, size_t *n, th_cjson *ev, th_err *e)
{
    th_report_row rr;
    if (th_report_find(db, s->report, &rr, e))
        return -1;
    if (rr.project != project)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "report", s->report, strlen(s->report),
                          "report %lld is of another project", (long long)rr.id);
    th_cjson_set_int(ev, "report", rr.id);
    if (s->add_accounts)
        th_cjson_set_str(ev, "add_accounts", s->add_accounts);
    if (strcmp(rr.status, "verified") != 0 && strcmp(rr.status, "issued") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "report", s->report, strlen(s->report),
                          "report %lld is %s: only a verified report's owners can share",
                          (long long)rr.id, rr.status);
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT result FROM reports WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, rr.id);
    json_t *root = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        root = json_loadb((const char *)sqlite3_column_text(st, 0),
                          (size_t)sqlite3_column_bytes(st, 0), 0, NULL);
    th_db_done(db, st);
    const char *group = json_string_value(json_object_get(root, "group_by"));
    if (!group || strcmp(group, "owner") != 0) {
        json_decref(root);
        return th_fail_at(e, TH_EINPUT, NULL, 0, "report", s->report, strlen(s->report),
                          "report %lld was measured by %s, not by owner: add the report with "
                          "--by owner to share by owner", (long long)rr.id,
                          group ? group : "nothing");
    }
    json_t *by = json_object_get(root, "by");
    *out = th_xcalloc(json_array_size(by) + 1, sizeof **out);
    *n = 0;
    th_buf missing;
    th_buf_init(&missing);
    int nmissing = 0, rc = 0;
    th_cjson *added = ev && s->add_accounts ? th_cjson_array() : NULL;
    size_t i;
    json_t *g;
    json_array_foreach(by, i, g)
    {
        const char *owner = json_string_value(json_object_get(g, "key"));
        double change = json_number_value(json_object_get(g, "change_tco2e"));
        int64_t grams = (int64_t)llround(change * 1e6);
        if (!owner || !*owner || grams <= 0)
            continue; /* no owner named, or no removals to share */
        if (strspn(owner, "0123456789") == strlen(owner)) {
            /* it would name an account by id: no account may be called so */
            rc = th_fail_at(e, TH_EINPUT, NULL, 0, "owner", owner, strlen(owner),
                            "an owner named by digits alone cannot be an account: rename it in "
                            "the inventory");
            break;
        }
        th_account a;
        th_err miss;
        if (th_account_find(db, owner, &a, &miss) != 0) {
            if (!s->add_accounts) {
                if (nmissing++ < 5)
                    th_buf_printf(&missing, "%s%s", nmissing > 1 ? ", " : "", owner);
                continue;
            }
            th_buf acct;
            th_buf_init(&acct);
            th_cjson *made = added ? th_cjson_object() : NULL;
            rc = th_account_add(db, owner, s->add_accounts, false, now, &acct, made, e);
            th_buf_free(&acct);
            if (added)
                th_cjson_push(added, made);
            if (rc || th_account_find(db, owner, &a, e)) {
                rc = -1;
                break;
            }
        }
        if (strcmp(a.kind, "buffer") == 0 || strcmp(a.kind, "fees") == 0) {
            rc = th_fail_at(e, TH_EINPUT, NULL, 0, "owner", owner, strlen(owner),
                            "an owner is named like the registry's %s account", a.kind);
            break;
        }
        (*out)[(*n)++] = (share){a.id, grams};
    }
    json_decref(root);
    th_cjson_set(ev, "accounts_added", added);
    if (rc == 0 && nmissing)
        rc = th_fail(e, TH_EINPUT, "%d owners of report %lld have no account: %s%s (add them, "
                                   "or give --add-accounts household|collective|state)",
                     nmissing, (long long)rr.id, missing.p, nmissing > 5 ? ", ..." : "");
    if (rc == 0 && *n == 0)
        rc = th_fail(e, TH_EINPUT, "no owner of report %lld gained carbon: nobody to share with",
                     (long long)rr.id);
    th_buf_free(&missing);
    return rc;
}

int th_project_share(th_db *db, const th_share_new *s, const char *now, th_buf *out,
                     th_cjson *ev, th_err *e)
{
    th_project p;
    if (th_project_find(db, s->project ? s->project : "", &p, e))
        return -1;
    share *list = NULL;
    size_t n = 0;
    int rc = 0;
    if (s->report) {
        rc = from_report(db, s, p.id, now, &list, &n, ev, e);
    } else {
        if (s->n == 0)
            return th_fail(e, TH_EUSAGE, "give the beneficiaries (--beneficiary ACCOUNT:WEIGHT) "
                                         "or --from-report REPORT");
        list = th_xcalloc(s->n, sizeof *list);
        for (size_t i = 0; i < s->n && rc == 0; i++) {
            th_account a;
            rc = beneficiary_account(db, s->accounts[i] ? s->accounts[i] : "", &a, e);
            if (rc == 0 && s->weights[i] <= 0)
                rc = th_fail(e, TH_EINPUT, "a beneficiary's weight must be more than 0");
            if (rc == 0)
                list[n++] = (share){a.id, s->weights[i]};
        }
    }
    if (rc) {
        free(list);
        return -1;
    }
    qsort(list, n, sizeof *list, by_account);
    for (size_t i = 1; i < n && rc == 0; i++)
        if (list[i].account == list[i - 1].account)
            rc = th_fail(e, TH_EINPUT, "account %lld is named twice as a beneficiary",
                         (long long)list[i].account);
    sqlite3_stmt *st;
    if (rc == 0 && th_db_stmt(db, "DELETE FROM beneficiaries WHERE project_id = ?", &st, e) == 0) {
        sqlite3_bind_int64(st, 1, p.id);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = th_db_fail(db, "cannot set the beneficiaries", e);
        th_db_done(db, st);
    } else if (rc == 0) {
        rc = -1;
    }
    th_cjson *arr = ev ? th_cjson_array() : NULL;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (th_db_stmt(db, "INSERT INTO beneficiaries (project_id, account_id, weight)"
                           " VALUES (?, ?, ?)", &st, e)) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(st, 1, p.id);
        sqlite3_bind_int64(st, 2, list[i].account);
        sqlite3_bind_int64(st, 3, list[i].weight);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = th_db_fail(db, "cannot set the beneficiaries", e);
        th_db_done(db, st);
        static const char *const keys[] = {"account", "weight"};
        th_cjson_push_ints(arr, keys, (int64_t[]){list[i].account, list[i].weight}, 2);
    }
    free(list);
    th_cjson_set_int(ev, "project", p.id);
    th_cjson_set(ev, "beneficiaries", arr);
    if (rc == 0) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)p.id);
        rc = th_beneficiaries_json(db, id, out, e);
    }
    return rc;
}

int th_share_proceeds(th_db *db, int64_t trade, int64_t seller, int64_t net,
                      const th_range *ranges, size_t nranges, const char *now, th_cjson *ev,
                      int64_t *paid, th_err *e)
{
    *paid = 0;
    /* the trade's projects and their credits, in the order first delivered */
    int64_t *proj = th_xcalloc(nranges + 1, sizeof *proj), *qty = th_xcalloc(nranges + 1, sizeof *qty);
    int64_t *part = th_xcalloc(nranges + 1, sizeof *part);
    size_t np = 0;
    for (size_t i = 0; i < nranges; i++) {
        size_t k = 0;
        while (k < np && proj[k] != ranges[i].project)
            k++;
        if (k == np)
            proj[np++] = ranges[i].project;
        qty[k] += ranges[i].last - ranges[i].first + 1;
    }
    th_split_largest_remainder(net, qty, np, part);
    int rc = 0;
    for (size_t k = 0; k < np && rc == 0; k++) {
        sqlite3_stmt *st;
        if (th_db_stmt(db, "SELECT b.account_id, b.weight FROM beneficiaries b JOIN projects p"
                           " ON p.id = b.project_id WHERE b.project_id = ? AND p.owner_id = ?"
                           " ORDER BY b.account_id",
                       &st, e)) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(st, 1, proj[k]);
        sqlite3_bind_int64(st, 2, seller);
        share *list = NULL;
        size_t n = 0, cap = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                list = th_xrealloc(list, cap * sizeof *list);
            }
            list[n++] = (share){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)};
        }
        th_db_done(db, st);
        int64_t *w = th_xcalloc(n ? n : 1, sizeof *w), *amt = th_xcalloc(n ? n : 1, sizeof *amt);
        for (size_t i = 0; i < n; i++)
            w[i] = list[i].weight;
        th_split_largest_remainder(part[k], w, n, amt);
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (amt[i] == 0 || list[i].account == seller)
                continue; /* the owner's own part stays where it is */
            if (th_db_stmt(db, "INSERT INTO payouts (trade_id, project_id, account_id, amount_fen,"
                               " created_at) VALUES (?, ?, ?, ?, ?)", &st, e)) {
                rc = -1;
                break;
            }
            sqlite3_bind_int64(st, 1, trade);
            sqlite3_bind_int64(st, 2, proj[k]);
            sqlite3_bind_int64(st, 3, list[i].account);
            sqlite3_bind_int64(st, 4, amt[i]);
            sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = th_db_fail(db, "cannot record a payout", e);
            th_db_done(db, st);
            if (rc == 0)
                rc = th_cash_change(db, list[i].account, amt[i], 0, e);
            static const char *const keys[] = {"account", "amount_fen", "project"};
            th_cjson_push_ints(ev, keys, (int64_t[]){list[i].account, amt[i], proj[k]}, 3);
            *paid += amt[i];
        }
        free(w);
        free(amt);
        free(list);
    }
    free(proj);
    free(qty);
    free(part);
    return rc;
}

static void payout_item(th_db *db, sqlite3_stmt *st, th_buf *out)
{
    (void)db;
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    static const char *const keys[] = {"id", "trade", "project", "amount_fen"};
    for (int k = 0; k < 4; k++) {
        th_json_key(&j, keys[k]);
        th_json_int(&j, sqlite3_column_int64(st, k));
    }
    th_money_field(&j, "amount", sqlite3_column_int64(st, 3));
    th_json_key(&j, "time");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 4));
    th_json_obj_end(&j);
}

int th_payouts_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    th_account a;
    if (th_account_find(db, ref, &a, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT coalesce(sum(amount_fen), 0) FROM payouts WHERE account_id = ?",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, a.id);
    int64_t total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    th_db_done(db, st);
    th_buf list;
    th_buf_init(&list);
    int rc = th_db_json_list(db, "SELECT id, trade_id, project_id, amount_fen, created_at FROM"
                                 " payouts WHERE account_id = ?1 ORDER BY id DESC",
                             &a.id, "payouts", "payouts", payout_item, &list, e);
    if (rc == 0) {
        th_json j;
        th_json_init(&j, out);
        th_json_obj_begin(&j);
        th_json_key(&j, "account");
        th_json_int(&j, a.id);
        th_json_key(&j, "name");
        th_json_str(&j, a.name);
        th_json_key(&j, "total_fen");
        th_json_int(&j, total);
        th_money_field(&j, "total", total);
        /* the list's own object, without its braces */
        th_buf_putc(out, ',');
        th_buf_put(out, list.p + 1, list.len - 2);
        th_json_obj_end(&j);
    }
    th_buf_free(&list);
    return rc;
}

static void beneficiary_item(th_db *db, sqlite3_stmt *st, th_buf *out)
{
    (void)db;
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "account");
    th_json_int(&j, sqlite3_column_int64(st, 0));
    th_json_key(&j, "name");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 1));
    th_json_key(&j, "weight");
    th_json_int(&j, sqlite3_column_int64(st, 2));
    th_json_obj_end(&j);
}

int th_beneficiaries_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    th_project p;
    if (th_project_find(db, ref, &p, e))
        return -1;
    th_buf_printf(out, "{\"project\":%lld,", (long long)p.id);
    th_buf list;
    th_buf_init(&list);
    int rc = th_db_json_list(db, "SELECT b.account_id, a.name, b.weight FROM beneficiaries b"
                                 " JOIN accounts a ON a.id = b.account_id WHERE b.project_id = ?1"
                                 " ORDER BY b.account_id",
                             &p.id, "beneficiaries", "beneficiaries", beneficiary_item, &list, e);
    if (rc == 0)
        th_buf_put(out, list.p + 1, list.len - 1);
    th_buf_free(&list);
    return rc;
}
