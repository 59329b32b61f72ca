/* accounts.c — adding, finding and listing accounts. */
#include "ledger/accounts.h"

#include "base/json.h"
#include "base/num.h"
#include "base/text.h"

#include <stdio.h>
#include <string.h>

static const char *const user_kinds[] = {"state", "collective", "household", "company",
                                         "verifier", "operator"};

bool th_account_kind_user(const char *kind)
{
    for (size_t i = 0; i < sizeof user_kinds / sizeof *user_kinds; i++)
        if (strcmp(kind, user_kinds[i]) == 0)
            return true;
    return false;
}

int th_account_check_name(const char *name, th_err *e)
{
    size_t n = strlen(name);
    const char *t = name;
    size_t tn = n;
    th_trim(&t, &tn);
    if (n == 0 || tn != n)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "name", name, n,
                          "an account name is not empty and has no white space around it");
    if (!th_utf8_valid(name, n))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "name", name, n, "the name is not valid UTF-8");
    size_t chars = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7F)
            return th_fail_at(e, TH_EINPUT, NULL, 0, "name", name, n,
                              "the name has a control character");
        chars += (c & 0xC0) != 0x80;
        digits += c >= '0' && c <= '9';
    }
    if (chars > 100)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "name", name, n,
                          "the name is longer than 100 characters");
    if (digits == n)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "name", name, n,
                          "the name is all digits, which reads as an account id");
    return 0;
}

void th_account_json(const th_account *a, th_buf *out)
{
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, a->id);
    th_json_key(&j, "name");
    th_json_str(&j, a->name);
    th_json_key(&j, "kind");
    th_json_str(&j, a->kind);
    th_json_key(&j, "created_at");
    th_json_str(&j, a->created_at);
    th_json_obj_end(&j);
}

static void row_to_account(sqlite3_stmt *st, th_account *a)
{
    a->id = sqlite3_column_int64(st, 0);
    th_db_column_text(st, 1, a->name, sizeof a->name);
    th_db_column_text(st, 2, a->kind, sizeof a->kind);
    th_db_column_text(st, 3, a->created_at, sizeof a->created_at);
}

int th_account_add(th_db *db, const char *name, const char *kind, bool system, const char *now,
                   th_buf *out, th_cjson *ev, th_err *e)
{
    if (th_account_check_name(name, e))
        return -1;
    bool sys_kind = strcmp(kind, "buffer") == 0 || strcmp(kind, "fees") == 0;
    if (!th_account_kind_user(kind) && !(system && sys_kind))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "kind", kind, strlen(kind),
                          "unknown account kind: use state, collective, household, company, "
                          "verifier or operator");
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT id FROM accounts WHERE name = ?", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    if (r == SQLITE_ROW)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "name", name, strlen(name),
                          "an account of this name exists already");
    if (th_db_stmt(db, "INSERT INTO accounts (name, kind, created_at) VALUES (?, ?, ?) "
                          "RETURNING id, name, kind, created_at", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        th_db_done(db, st);
        return th_db_fail(db, "cannot add the account", e);
    }
    th_account a;
    row_to_account(st, &a);
    th_db_done(db, st);
    th_account_json(&a, out);
    th_cjson_set_int(ev, "account", a.id);
    th_cjson_set_str(ev, "kind", a.kind);
    th_cjson_set_str(ev, "name", a.name);
    return 0;
}

/* An account's row never changes once committed, so a found one is memoized by the reference it
 * was asked with (id or name); see th_db_memo_get. */
int th_account_find(th_db *db, const char *ref, th_account *a, th_err *e)
{
    char key[440];
    size_t len;
    th_text_copy(key, sizeof key, "account ", ref);
    const void *m = strlen(ref) < 420 ? th_db_memo_get(db, key, &len) : NULL;
    if (m && len == sizeof *a) {
        memcpy(a, m, sizeof *a);
        return 0;
    }
    int64_t id;
    size_t n = strlen(ref);
    bool digits = n > 0 && strspn(ref, "0123456789") == n; /* names are never all digits */
    bool by_id = th_parse_int64(ref, n, 1, INT64_MAX, &id) == 0;
    if (digits && !by_id)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "account", ref, n, "no account has this id");
    sqlite3_stmt *st;
    int r = th_db_find_row(db,
                           by_id ? "SELECT id, name, kind, created_at FROM accounts WHERE id = ?"
                                 : "SELECT id, name, kind, created_at FROM accounts WHERE name = ?",
                           by_id, id, ref, &st, e);
    if (r < 0)
        return -1;
    if (r == 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "account", ref, strlen(ref),
                          "no account has this %s", by_id ? "id" : "name");
    row_to_account(st, a);
    th_db_done(db, st);
    if (strlen(ref) < 420)
        th_db_memo_put(db, key, a, sizeof *a);
    return 0;
}

static void account_item(th_db *db, sqlite3_stmt *st, th_buf *out)
{
    (void)db;
    th_account a;
    row_to_account(st, &a);
    th_account_json(&a, out);
}

int th_account_list_json(th_db *db, th_buf *out, th_err *e)
{
    return th_db_json_list(db, "SELECT id, name, kind, created_at FROM accounts ORDER BY id",
                           NULL, "accounts", "accounts", account_item, out, e);
}
