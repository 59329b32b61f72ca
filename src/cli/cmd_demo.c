/* cmd_demo.c — `tanhui [--db PATH] demo`: a new database holding a whole demo of the platform,
 * and the demo logins, one per role.
 *
 * The registry half is built here: the registry's operator, a verifier, three buyers, and in
 * each of Shaoguan's ten counties a state forest farm owning a project, measured (by owner) from
 * its own part of a generated inventory pair (kept as CSV in <db>.inventories/ so that they can
 * be uploaded again through the web app), its report verified and issued, the parcel owners set
 * as its beneficiaries; and a second project of the first farm, without a report yet. demo_market.c
 * then makes the days of trading. The clock starts the day before the first trading day and moves
 * forward with every step, so what the demo makes has the times a real registry's would. A failure
 * removes the new database and its key: a demo is made whole or not at all. */
#include "cli/cli.h"
#include "cli/demo.h"
#include "cli/log_key.h"
#include "cli/opts.h"

#include "base/date.h"
#include "base/num.h"
#include "engine/report_draft.h"
#include "inventory/gen.h"
#include "inventory/gen_write.h"
#include "inventory/measure_opts.h"
#include "inventory/params_file.h"
#include "server/users.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SHANGHAI = 8 * 3600, DAY = 86400 };

uint64_t th_demo_rand(th_demo *d, uint64_t n)
{
    d->rng ^= d->rng >> 12;
    d->rng ^= d->rng << 25;
    d->rng ^= d->rng >> 27;
    return (d->rng * 0x2545F4914F6CDD1DULL >> 11) % n;
}

static void demo_clock(char out[32], void *arg)
{
    th_utc_format(((th_demo *)arg)->t, out);
}

int th_demo_apply(th_demo *d, const th_cmd *cmds, size_t n, const char *what, th_buf *res,
                  th_err *e)
{
    th_cmd_result r[64];
    if (n > 64)
        return th_fail(e, TH_EINTERNAL, "demo: %s: a batch of %zu commands", what, n);
    for (size_t i = 0; i < n; i++)
        th_cmd_result_init(&r[i]);
    int rc = th_engine_apply(d->en, cmds, n, r, e);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (r[i].status != 0) {
            char msg[700];
            th_err_format(&r[i].err, msg, sizeof msg);
            rc = th_fail(e, TH_EINTERNAL, "demo: %s: %s", what, msg);
        }
    if (rc == 0 && res) {
        th_buf_reset(res);
        th_buf_put(res, r[0].result.p, r[0].result.len);
    }
    for (size_t i = 0; i < n; i++)
        th_cmd_result_free(&r[i]);
    d->commands += rc == 0 ? (int64_t)n : 0;
    d->t += 7; /* each step a few seconds after the last */
    return rc;
}

int th_demo_result_id(const th_buf *res, char out[24], th_err *e)
{
    json_t *o = json_loadb(res->p, res->len, 0, NULL);
    json_t *id = json_object_get(o, "id");
    int rc = json_is_integer(id) ? 0 : th_fail(e, TH_EINTERNAL, "demo: a result without its id");
    if (rc == 0)
        snprintf(out, 24, "%lld", (long long)json_integer_value(id));
    json_decref(o);
    return rc;
}

static int account(th_demo *d, const char *name, const char *kind, th_err *e)
{
    th_cmd c = {.type = TH_CMD_ACCOUNT_ADD, .name = name, .kind = kind};
    return th_demo_apply(d, &c, 1, name, NULL, e);
}

/* County i: its inventory pair, its project, the report measured by owner, verified, issued,
 * and its beneficiaries. */
static int county_project(th_demo *d, int i, int64_t parcels, uint64_t seed, const char *dir,
                          const th_params_info *pi, th_err *e)
{
    const char *county = th_gen_county(i);
    char before[4200], after[4200], name[200], id[24], report[24];
    snprintf(before, sizeof before, "%s/%s-2019.gpkg", dir, county);
    snprintf(after, sizeof after, "%s/%s-2024.gpkg", dir, county);
    th_gen_counts n;
    if (th_gen_write_county(seed, parcels, TH_GEN_GPKG, county, before, after, &n, e))
        return -1;
    snprintf(name, sizeof name, "%s森林碳汇项目", county);
    th_cmd c = {.type = TH_CMD_PROJECT_ADD};
    c.project = (th_project_new){.name = name,
                                 .owner = d->owners[i],
                                 .buffer_pct_scaled = 20 * TH_PCT_SCALE,
                                 .params_name = pi->name,
                                 .params_sha256 = pi->sha256,
                                 .params_csv = pi->text.p ? pi->text.p : ""};
    th_buf res;
    th_buf_init(&res);
    int rc = th_demo_apply(d, &c, 1, name, &res, e) || th_demo_result_id(&res, id, e) ? -1 : 0;
    if (rc == 0)
        d->projects[i] = strtoll(id, NULL, 10);

    th_measure_opts o;
    th_measure_opts_default(&o);
    o.before_path = before;
    o.after_path = after;
    th_report_draft dr;
    th_report_draft_init(&dr);
    th_cmd r = {.type = TH_CMD_REPORT_ADD};
    if (rc == 0 &&
        (th_measure_opt_set(&o, "by", "by", "owner", e) ||
         th_measure_opt_set(&o, "uncertainty-pct", "uncertainty", "12", e) ||
         th_report_draft_make(d->db, id, &o, &dr, &r.report, e) ||
         th_demo_apply(d, &r, 1, "report add", &res, e) || th_demo_result_id(&res, report, e)))
        rc = -1;
    th_report_draft_free(&dr);
    d->t += 1200; /* the verifier's visit */
    th_cmd v = {
        .type = TH_CMD_REPORT_VERIFY, .report_id = report, .verifier = "广东某检测认证公司"};
    th_cmd is = {.type = TH_CMD_ISSUE, .report_id = report};
    th_cmd sh = {.type = TH_CMD_PROJECT_SHARE};
    sh.share = (th_share_new){.project = id, .report = report, .add_accounts = "household"};
    if (rc == 0 && (th_demo_apply(d, &v, 1, "report verify", NULL, e) ||
                    th_demo_apply(d, &is, 1, "issue", NULL, e) ||
                    th_demo_apply(d, &sh, 1, "project share", NULL, e)))
        rc = -1;
    th_buf_free(&res);
    return rc;
}

/* The first of the `days` weekdays (Shanghai) before now's day, at midnight there, in UTC. */
static int64_t first_trading_day(int64_t now, int days)
{
    int64_t day = (now + SHANGHAI) / DAY * DAY - SHANGHAI;
    for (int k = 0; k < days;) {
        day -= DAY;
        int dow = (int)(((day + SHANGHAI) / DAY + 4) % 7); /* 0 Sunday: 1970-01-01 was a Thursday */
        k += dow != 0 && dow != 6;
    }
    return day;
}

static const char *const owners[10] = {"乐昌市国有林场", "南雄市国有林场",         "仁化县国有林场",
                                       "始兴县国有林场", "乳源瑶族自治县国有林场", "翁源县国有林场",
                                       "新丰县国有林场", "曲江区国有林场",         "武江区国有林场",
                                       "浈江区国有林场"};
static const char *const companies[TH_DEMO_COMPANIES] = {"韶关某制造公司", "深圳某科技公司",
                                                         "广州某能源公司"};

static const struct {
    const char *role, *name, *account, *zh;
} logins[4] = {
    {"operator", "operator", "韶关市林业碳汇登记中心", "登记机构"},
    {"verifier", "verifier", "广东某检测认证公司", "核证机构"},
    {"owner", "owner", "乐昌市国有林场", "项目业主"},
    {"holder", "buyer", "韶关某制造公司", "买方企业"},
};

static int build(th_demo *d, int64_t parcels, uint64_t seed, const char *dir, int64_t now,
                 const char *key_path, const th_note_signer *key, th_err *e)
{
    th_cmd init = {.type = TH_CMD_INIT_REGISTRY, .key_path = key_path, .key = &key->v};
    if (th_demo_apply(d, &init, 1, "init", NULL, e) ||
        account(d, "韶关市林业碳汇登记中心", "operator", e) ||
        account(d, "广东某检测认证公司", "verifier", e))
        return -1;
    for (int i = 0; i < TH_DEMO_COMPANIES; i++) {
        d->companies[i] = companies[i];
        if (account(d, companies[i], "company", e))
            return -1;
    }
    th_params *params;
    th_params_info pi;
    if (th_params_load(NULL, &params, &pi, e)) {
        th_params_info_free(&pi);
        return -1;
    }
    th_params_free(params);
    int rc = 0;
    for (int i = 0; i < 10 && rc == 0; i++) {
        d->owners[i] = owners[i];
        rc = account(d, owners[i], "state", e) || county_project(d, i, parcels, seed, dir, &pi, e)
                 ? -1
                 : 0;
    }
    /* a second project of the owner login's forest farm, without a report yet: an owner's
     * first task in the web app is to submit one */
    th_cmd second = {.type = TH_CMD_PROJECT_ADD};
    second.project = (th_project_new){.name = "乐昌市国有林场新造林碳汇项目",
                                      .owner = owners[0],
                                      .buffer_pct_scaled = 20 * TH_PCT_SCALE,
                                      .params_name = pi.name,
                                      .params_sha256 = pi.sha256,
                                      .params_csv = pi.text.p ? pi.text.p : ""};
    if (rc == 0)
        rc = th_demo_apply(d, &second, 1, "project add", NULL, e);
    th_params_info_free(&pi);
    for (int i = 0; i < TH_DEMO_COMPANIES && rc == 0; i++) {
        th_cmd c = {.type = TH_CMD_CASH_DEPOSIT};
        char ref[40];
        snprintf(ref, sizeof ref, "BANK-DEMO-%04d", i + 1);
        c.cash = (th_cash_cmd){.account = companies[i], .amount = 2000000000, .reference = ref};
        rc = th_demo_apply(d, &c, 1, "cash deposit", NULL, e);
    }
    if (rc == 0)
        rc = th_demo_market(d, now, e);
    if (rc == 0)
        rc = th_engine_checkpoint(d->en, e);
    return rc;
}

/* After a failure: the database, its key, the inventories written, and their directory when the
 * demo made it. */
static void remove_made(const char *db, const char *key, const char *dir, bool made_dir)
{
    static const char *const tails[] = {"", "-wal", "-shm", "-journal"};
    char p[4200];
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s%s", db, tails[i]);
        unlink(p);
    }
    if (key[0])
        unlink(key);
    for (int i = 0; i < TH_GEN_COUNTIES; i++)
        for (int k = 0; k < 2; k++) {
            snprintf(p, sizeof p, "%s/%s-%s.gpkg", dir, th_gen_county(i), k ? "2024" : "2019");
            unlink(p);
        }
    if (made_dir)
        rmdir(dir);
}

int th_cmd_demo(const th_global *g, int argc, char **argv)
{
    static const th_optspec spec[] = {{"parcels", true, false},
                                      {"seed", true, false},
                                      {"days", true, false},
                                      {"inventories", true, false},
                                      {"json", false, false}};
    th_err e;
    th_opts op;
    if (th_opts_parse(&op, spec, 5, argc, argv, "demo", &e))
        return th_cli_fail(&e);
    if (op.npos) {
        th_fail(&e, TH_EUSAGE, "demo: unexpected argument '%s'", op.pos[0]);
        return th_cli_fail(&e);
    }
    int64_t parcels = 6000, seed = 2026, days = 5;
    const char *s;
    if (((s = th_opt(&op, "parcels")) && th_parse_int64(s, strlen(s), 500, 1000000, &parcels)) ||
        ((s = th_opt(&op, "seed")) && th_parse_int64(s, strlen(s), 0, INT64_MAX, &seed)) ||
        ((s = th_opt(&op, "days")) && th_parse_int64(s, strlen(s), 1, 30, &days))) {
        th_fail(&e, TH_EUSAGE,
                "demo: '%s' is out of range: --parcels 500..1000000, --seed a "
                "whole number, --days 1..30",
                s);
        return th_cli_fail(&e);
    }
    if (access(g->db, F_OK) == 0) {
        th_fail_at(&e, TH_EINPUT, g->db, 0, NULL, NULL, 0,
                   "a database is already there: tanhui demo creates a new one only");
        return th_cli_fail(&e);
    }
    char dir[4096], now_s[32];
    snprintf(dir, sizeof dir, "%s", th_opt(&op, "inventories") ? th_opt(&op, "inventories") : "");
    if (!dir[0])
        snprintf(dir, sizeof dir, "%s.inventories", g->db);
    if (strlen(dir) > 4000) {
        th_fail_at(&e, TH_EUSAGE, dir, 0, NULL, NULL, 0,
                   "the inventories' directory's path is "
                   "too long");
        return th_cli_fail(&e);
    }
    bool made_dir = mkdir(dir, 0755) == 0;
    if (!made_dir && errno != EEXIST) {
        th_fail_at(&e, TH_EIO, dir, 0, NULL, NULL, 0, "cannot make the directory: %s",
                   strerror(errno));
        return th_cli_fail(&e);
    }
    /* the reports record their inputs' paths, and the server reads them again for the maps:
     * absolute, so that they hold from wherever it is started */
    char abs[PATH_MAX];
    if (!realpath(dir, abs) || strlen(abs) > 4000) {
        th_fail_at(&e, TH_EIO, dir, 0, NULL, NULL, 0, "cannot resolve the directory: %s",
                   strerror(errno));
        return th_cli_fail(&e);
    }
    snprintf(dir, sizeof dir, "%s", abs);
    int64_t now;
    if (th_cli_now(now_s, &e) || th_utc_parse(now_s, &now))
        return th_cli_fail(&e);

    th_note_signer key;
    char key_path[TH_KEY_PATH_MAX] = "";
    th_db *db = NULL;
    if (th_cli_key_create(g->db, NULL, TH_LOG_ORIGIN, &key, key_path, &e)) {
        remove_made(g->db, "", dir, made_dir); /* a key file already there is not ours */
        return th_cli_fail(&e);
    }
    if (th_db_open(g->db, TH_DB_CREATE, &db, &e)) {
        OPENSSL_cleanse(&key, sizeof key);
        remove_made(g->db, key_path, dir, made_dir);
        return th_cli_fail(&e);
    }
    th_demo d = {.db = db, .rng = (uint64_t)seed * 2654435761u + 1, .days = (int)days};
    d.first_day = first_trading_day(now, (int)days);
    d.t = d.first_day - DAY + 2 * 3600; /* 10:00 the day before */
    d.en = th_engine_new(db);
    th_engine_set_clock(d.en, demo_clock, &d);
    th_engine_set_signer(d.en, &key, 0);
    int rc = build(&d, parcels, (uint64_t)seed, dir, now, key_path, &key, &e);
    OPENSSL_cleanse(&key, sizeof key);
    th_engine_free(d.en);

    /* the logins: server credentials, written outside the log */
    char pw[4][32];
    for (int i = 0; i < 4 && rc == 0; i++) {
        int64_t uid;
        rc = th_user_add(db, logins[i].name, logins[i].account, logins[i].role, NULL, pw[i], &uid,
                         &e);
    }
    th_db_close(db);
    if (rc != 0) {
        remove_made(g->db, key_path, dir, made_dir);
        return th_cli_fail(&e);
    }
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:[]}", "db", g->db, "inventories", dir,
                          "parcels", (json_int_t)parcels, "projects", (json_int_t)10, "commands",
                          (json_int_t)d.commands, "trades", (json_int_t)d.trades, "logins");
    for (int i = 0; i < 4; i++)
        json_array_append_new(json_object_get(o, "logins"),
                              json_pack("{s:s, s:s, s:s, s:s}", "role", logins[i].role, "name",
                                        logins[i].name, "password", pw[i], "account",
                                        logins[i].account));
    th_buf out;
    th_buf_init(&out);
    if (th_opt_flag(&op, "json")) {
        char *t = json_dumps(o, JSON_COMPACT);
        th_buf_printf(&out, "%s\n", t);
        free(t);
    } else {
        th_buf_printf(&out,
                      "made the demo registry %s: %lld parcels in 10 county projects (their "
                      "inventories in %s),\n%lld commands in the log, %lld trades over %lld "
                      "trading day%s and today\n"
                      "demo logins (the passwords are shown only now):\n",
                      g->db, (long long)parcels, dir, (long long)d.commands, (long long)d.trades,
                      (long long)days, days == 1 ? "" : "s");
        for (int i = 0; i < 4; i++)
            th_buf_printf(&out, "  %-8s  %-8s  password %s  (%s, %s)\n", logins[i].role,
                          logins[i].name, pw[i], logins[i].zh, logins[i].account);
    }
    json_decref(o);
    OPENSSL_cleanse(pw, sizeof pw);
    rc = th_cli_write(stdout, &out, &e) ? th_cli_fail(&e) : 0;
    th_buf_free(&out);
    return rc;
}
