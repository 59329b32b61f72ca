/* cmd_account.c — `tanhui init`, `tanhui account add|list`: the registry's first commands. A
 * write opens the database, hands one command to the engine (a batch of one) and prints the
 * result once it is committed. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "cli/log_key.h"
#include "engine/engine.h"
#include "base/date.h"
#include "ledger/accounts.h"
#include "server/serve_lock.h"

#include <openssl/crypto.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int th_cli_apply_one(const th_global *g, th_db_mode mode, const th_cmd *c, bool json,
                     void (*text)(const th_buf *json, th_buf *out))
{
    return th_cli_apply_signed(g, mode, c, NULL, json, text);
}

int th_cli_now(char out[32], th_err *e)
{
    const char *fixed = getenv("TANHUI_NOW");
    int64_t t;
    if (!fixed) {
        th_utc_format((int64_t)time(NULL), out);
        return 0;
    }
    if (th_utc_parse(fixed, &t) != 0)
        return th_fail_at(e, TH_EUSAGE, NULL, 0, "TANHUI_NOW", fixed, strlen(fixed),
                          "the clock is set as a UTC time, like 2026-11-30T01:30:00Z");
    th_utc_format(t, out);
    return 0;
}

static void cli_clock(char out[32], void *arg)
{
    memcpy(out, arg, 32);
}

int th_cli_apply_signed(const th_global *g, th_db_mode mode, const th_cmd *c,
                        const th_note_signer *signer, bool json,
                        void (*text)(const th_buf *json, th_buf *out))
{
    return th_cli_apply_then(g, mode, c, signer, json, text, NULL);
}

int th_cli_apply_then(const th_global *g, th_db_mode mode, const th_cmd *c,
                      const th_note_signer *signer, bool json,
                      void (*text)(const th_buf *json, th_buf *out), th_read_fn after)
{
    th_err e;
    th_err_clear(&e);
    char now[32];
    if (th_cli_now(now, &e))
        return th_cli_fail(&e);
    /* while tanhui serve runs, it is the only writer */
    if (mode == TH_DB_WRITE && th_serve_lock_check(g->db, &e))
        return th_cli_fail(&e);
    th_db *db;
    if (th_db_open(g->db, mode, &db, &e))
        return th_cli_fail(&e);
    th_note_signer key;
    int has_key = signer ? 1 : th_cli_key_load(db, &key, &e);
    if (has_key < 0) {
        th_db_close(db);
        return th_cli_fail(&e);
    }
    th_engine *en = th_engine_new(db);
    th_engine_set_clock(en, cli_clock, now);
    /* every write signs a checkpoint covering its entries before it returns */
    if (has_key)
        th_engine_set_signer(en, signer ? signer : &key, 0);
    OPENSSL_cleanse(&key, sizeof key);
    th_cmd_result r;
    th_cmd_result_init(&r);
    int status = 0;
    if (th_engine_apply(en, c, c ? 1 : 0, &r, &e) != 0) {
        status = th_cli_fail(&e);
    } else if (c && r.status != 0) {
        status = th_cli_fail(&r.err);
    } else if (!c && after(db, now, &r.result, &e) != 0) {
        status = th_cli_fail(&e);
    } else {
        th_buf out;
        th_buf_init(&out);
        if (json) {
            th_buf_put(&out, r.result.p, r.result.len);
            th_buf_putc(&out, '\n');
        } else {
            text(&r.result, &out);
        }
        if (th_cli_write(stdout, &out, &e))
            status = th_cli_fail(&e);
        th_buf_free(&out);
    }
    th_cmd_result_free(&r);
    th_engine_free(en);
    th_db_close(db);
    return status;
}

static void init_text(const th_buf *json, th_buf *out)
{
    (void)json;
    th_buf_puts(out, "created the registry database with its pooled buffer account 'buffer'\n");
}

static void account_text(const th_buf *json, th_buf *out)
{
    /* the result is our own JSON: {"id":N,"name":"...","kind":"...",...} */
    const char *id = strstr(json->p, "\"id\":"), *kind = strstr(json->p, "\"kind\":\"");
    long long n = id ? strtoll(id + 5, NULL, 10) : 0;
    const char *k = kind ? kind + 8 : "";
    th_buf_printf(out, "added account %lld (%.*s)\n", n, (int)strcspn(k, "\""), k);
}

int th_cmd_init(const th_global *g, int argc, char **argv)
{
    static const th_optspec spec[] = {{"json", false, false},
                                      {"request-id", true, false},
                                      {"log-key", true, false},
                                      {"log-origin", true, false}};
    th_err e;
    th_opts op;
    if (th_opts_parse(&op, spec, 4, argc, argv, "init", &e))
        return th_cli_fail(&e);
    if (op.npos) {
        th_fail(&e, TH_EUSAGE, "init: unexpected argument '%s'", op.pos[0]);
        return th_cli_fail(&e);
    }
    if (access(g->db, F_OK) == 0) {
        th_fail_at(&e, TH_EINPUT, g->db, 0, NULL, NULL, 0,
                   "a database is already there: tanhui init creates a new one only");
        return th_cli_fail(&e);
    }
    const char *origin = th_opt(&op, "log-origin");
    th_note_signer key;
    char path[TH_KEY_PATH_MAX];
    if (th_cli_key_create(g->db, th_opt(&op, "log-key"), origin ? origin : TH_LOG_ORIGIN, &key,
                          path, &e))
        return th_cli_fail(&e);
    th_cmd c = {.type = TH_CMD_INIT_REGISTRY, .request_id = th_opt(&op, "request-id"),
                .key_path = path, .key = &key.v};
    int status = th_cli_apply_signed(g, TH_DB_CREATE, &c, &key, th_opt_flag(&op, "json"),
                                     init_text);
    OPENSSL_cleanse(&key, sizeof key);
    if (status != 0)
        unlink(path); /* no database: no key */
    return status;
}

static int account_list_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    return th_account_list_json(db, out, e);
}

static int account_list_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    sqlite3_stmt *st;
    if (th_db_prepare(db, "SELECT id, kind, created_at, name FROM accounts ORDER BY id", &st, e))
        return -1;
    th_buf_printf(out, "%6s  %-10s  %-20s  %s\n", "id", "kind", "created", "name");
    while (sqlite3_step(st) == SQLITE_ROW)
        th_buf_printf(out, "%6lld  %-10s  %-20s  %s\n", (long long)sqlite3_column_int64(st, 0),
                      (const char *)sqlite3_column_text(st, 1),
                      (const char *)sqlite3_column_text(st, 2),
                      (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    return 0;
}

int th_cmd_account(const th_global *g, int argc, char **argv)
{
    th_err e;
    if (argc < 1) {
        th_fail(&e, TH_EUSAGE, "account: say add or list (see tanhui help account)");
        return th_cli_fail(&e);
    }
    if (strcmp(argv[0], "list") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "account list", NULL, account_list_json,
                           account_list_text);
    if (strcmp(argv[0], "add") != 0) {
        th_fail(&e, TH_EUSAGE, "account: unknown subcommand '%s': use add or list", argv[0]);
        return th_cli_fail(&e);
    }
    static const th_optspec spec[] = {
        {"kind", true, false}, {"json", false, false}, {"request-id", true, false}};
    th_opts op;
    if (th_opts_parse(&op, spec, 3, argc - 1, argv + 1, "account add", &e))
        return th_cli_fail(&e);
    if (op.npos != 1 || !th_opt(&op, "kind")) {
        th_fail(&e, TH_EUSAGE, "account add: give one NAME and --kind KIND (see tanhui help "
                               "account)");
        return th_cli_fail(&e);
    }
    th_cmd c = {.type = TH_CMD_ACCOUNT_ADD,
                .request_id = th_opt(&op, "request-id"),
                .name = op.pos[0],
                .kind = th_opt(&op, "kind")};
    return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), account_text);
}
