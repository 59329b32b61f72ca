/* cmd_log.c — `tanhui log …`: the transparency log read out (size, entries, checkpoints, the
 * verifier key, inclusion and consistency proofs), audited (verify), and replayed into a new
 * database. Every reader opens the database read-only. */
#include "cli/cli.h"
#include "cli/log_key.h"
#include "cli/opts.h"

#include "base/num.h"
#include "engine/log_replay.h"
#include "log/checkpoints.h"
#include "log/log_store.h"
#include "log/log_verify.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int parse_size(const char *name, const char *s, int64_t *out, th_err *e)
{
    if (th_parse_int64(s, strlen(s), 0, INT64_MAX, out) != 0)
        return th_fail_at(e, TH_EUSAGE, NULL, 0, name, s, strlen(s),
                          "not a whole number, 0 or more");
    return 0;
}

static int open_read(const th_global *g, th_db **db, th_err *e)
{
    return th_db_open(g->db, TH_DB_READ, db, e);
}

/* Print out (and a newline when asked), close db, return the status. */
static int finish(th_db *db, int rc, th_buf *out, bool newline, th_err *e)
{
    if (rc == 0 && newline)
        th_buf_putc(out, '\n');
    if (rc == 0 && th_cli_write(stdout, out, e))
        rc = -1;
    th_buf_free(out);
    th_db_close(db);
    return rc ? th_cli_fail(e) : 0;
}

/* The audit `log verify` and `check` run, with the database's own verifier key. */
int th_cli_log_audit(th_db *db, th_log_verified *v, th_err *e)
{
    char path[TH_KEY_PATH_MAX];
    th_note_verifier key;
    int k = th_log_key_get(db, path, &key, e);
    return k < 0 ? -1 : th_log_audit(db, k ? &key : NULL, v, e);
}

static int log_verify(const th_global *g, const th_opts *op)
{
    th_err e;
    th_db *db;
    if (open_read(g, &db, &e))
        return th_cli_fail(&e);
    th_log_verified v;
    if (th_cli_log_audit(db, &v, &e)) {
        th_db_close(db);
        char msg[1200];
        th_err_format(&e, msg, sizeof msg);
        fprintf(stderr, "tanhui: log verify: %s\n", msg);
        return 1;
    }
    th_buf out;
    th_buf_init(&out);
    if (th_opt_flag(op, "json"))
        th_buf_printf(&out, "{\"ok\":true,\"entries\":%lld,\"hashes\":%lld,\"checkpoints\":%lld}",
                      (long long)v.entries, (long long)v.hashes, (long long)v.checkpoints);
    else
        th_buf_printf(&out, "ok: %lld entries, %lld subtree hashes and %lld checkpoints verified;"
                            " replaying the entries gives this registry\n",
                      (long long)v.entries, (long long)v.hashes, (long long)v.checkpoints);
    return finish(db, 0, &out, th_opt_flag(op, "json"), &e);
}

static int log_replay_to(const th_global *g, const th_opts *op)
{
    th_err e;
    const char *to = th_opt(op, "to");
    if (!to || !*to) {
        th_fail(&e, TH_EUSAGE, "log replay: --to NEW names the database to build");
        return th_cli_fail(&e);
    }
    if (access(to, F_OK) == 0) {
        th_fail_at(&e, TH_EINPUT, to, 0, NULL, NULL, 0, "a file is already there: log replay "
                                                        "builds a new database");
        return th_cli_fail(&e);
    }
    th_db *src;
    if (open_read(g, &src, &e))
        return th_cli_fail(&e);
    /* the new database gets a key of its own, under the same log name */
    char path[TH_KEY_PATH_MAX], origin[TH_NOTE_NAME_MAX];
    th_note_verifier old;
    int k = th_log_key_get(src, path, &old, &e);
    snprintf(origin, sizeof origin, "%s", k > 0 ? old.name : TH_LOG_ORIGIN);
    th_note_signer key;
    if (k < 0 || th_cli_key_create(to, th_opt(op, "log-key"), origin, &key, path, &e)) {
        th_db_close(src);
        return th_cli_fail(&e);
    }
    th_db *dst;
    int rc = th_db_open(to, TH_DB_CREATE, &dst, &e);
    int64_t done = 0;
    if (rc == 0) {
        th_engine *en = th_engine_new(dst);
        th_engine_set_signer(en, &key, 0);
        rc = th_log_replay(src, dst, en, path, &key.v, &done, &e);
        if (rc == 0)
            rc = th_state_compare(src, dst, &e);
        th_engine_free(en);
        th_db_close(dst);
        if (rc != 0)
            th_db_unlink(to); /* nothing half made is left behind */
    }
    OPENSSL_cleanse(&key, sizeof key);
    th_db_close(src);
    if (rc != 0) {
        unlink(path);
        return th_cli_fail(&e);
    }
    printf("replayed %lld entries into %s (its log key: %s)\n", (long long)done, to, path);
    return 0;
}

/* A proof's JSON (our own, well formed) as aligned lines: "name  value", the proof's hashes one
 * per line. */
static void proof_text(th_buf *b)
{
    json_t *o = json_loadb(b->p, b->len, 0, NULL);
    th_buf t;
    th_buf_init(&t);
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (json_is_array(v)) {
            size_t i;
            json_t *h;
            if (json_array_size(v) == 0)
                th_buf_printf(&t, "%-10s (none)\n", key);
            json_array_foreach(v, i, h)
                th_buf_printf(&t, "%-10s %s\n", i ? "" : key, json_string_value(h));
        } else if (json_is_integer(v)) {
            th_buf_printf(&t, "%-10s %lld\n", key, (long long)json_integer_value(v));
        } else {
            th_buf_printf(&t, "%-10s %s\n", key, json_string_value(v));
        }
    }
    json_decref(o);
    if (t.len) /* finish() adds the last newline */
        t.p[--t.len] = '\0';
    th_buf_free(b);
    *b = t;
}

int th_cmd_log(const th_global *g, int argc, char **argv)
{
    static const th_optspec spec[] = {{"json", false, false}, {"size", true, false},
                                      {"to", true, false}, {"log-key", true, false}};
    th_err e;
    th_opts op;
    const char *sub = argc > 0 ? argv[0] : "";
    if (th_opts_parse(&op, spec, 4, argc - (argc > 0), argv + (argc > 0), "log", &e))
        return th_cli_fail(&e);
    static const struct {
        const char *name;
        int npos;
    } subs[] = {{"size", 0},  {"entry", 1},       {"checkpoint", 0}, {"key", 0},
                {"prove", 1}, {"consistency", 2}, {"verify", 0},     {"replay", 0}};
    int which = -1;
    for (int i = 0; i < (int)(sizeof subs / sizeof *subs); i++)
        if (strcmp(sub, subs[i].name) == 0)
            which = i;
    if (which < 0) {
        if (!*sub)
            th_fail(&e, TH_EUSAGE, "log needs a subcommand: size, entry, checkpoint, key, prove, "
                                   "consistency, verify or replay (see tanhui help log)");
        else
            th_fail(&e, TH_EUSAGE, "log: unknown subcommand '%s' (size, entry, checkpoint, key, "
                                   "prove, consistency, verify, replay)", sub);
        return th_cli_fail(&e);
    }
    if (op.npos != subs[which].npos) {
        th_fail(&e, TH_EUSAGE, "log %s takes %d argument%s, not %d (see tanhui help log)", sub,
                subs[which].npos, subs[which].npos == 1 ? "" : "s", op.npos);
        return th_cli_fail(&e);
    }
    if (strcmp(sub, "verify") == 0)
        return log_verify(g, &op);
    if (strcmp(sub, "replay") == 0)
        return log_replay_to(g, &op);
    bool json = th_opt_flag(&op, "json");
    int64_t a = 0, b = -1;
    const char *size_opt = th_opt(&op, "size");
    if ((op.npos > 0 && parse_size(strcmp(sub, "consistency") ? "N" : "M", op.pos[0], &a, &e)) ||
        (op.npos > 1 && parse_size("N", op.pos[1], &b, &e)) ||
        (size_opt && parse_size("size", size_opt, &b, &e)))
        return th_cli_fail(&e);
    th_db *db;
    if (open_read(g, &db, &e))
        return th_cli_fail(&e);
    th_buf out;
    th_buf_init(&out);
    int rc = 0;
    bool newline = true;
    if (strcmp(sub, "size") == 0) {
        int64_t n;
        rc = th_log_size(db, &n, &e);
        if (rc == 0)
            th_buf_printf(&out, json ? "{\"size\":%lld}" : "%lld", (long long)n);
    } else if (strcmp(sub, "entry") == 0) {
        rc = th_log_entry(db, a, &out, &e);
        newline = false; /* its bytes exactly */
    } else if (strcmp(sub, "checkpoint") == 0) {
        rc = th_log_checkpoint(db, b, &out, &e);
        newline = false; /* the note ends in its own newline */
    } else if (strcmp(sub, "key") == 0) {
        char path[TH_KEY_PATH_MAX];
        th_note_verifier v;
        int k = th_log_key_get(db, path, &v, &e);
        if (k == 0)
            th_fail(&e, TH_EINPUT, "this database has no log key (it was made before tanhui "
                                   "signed its log)");
        rc = k > 0 ? 0 : -1;
        if (rc == 0)
            th_note_verifier_format(&v, &out);
    } else if (strcmp(sub, "prove") == 0) {
        if (b < 0)
            rc = th_log_size(db, &b, &e);
        if (rc == 0)
            rc = th_log_prove_json(db, a, b, &out, &e);
        if (rc == 0 && !json)
            proof_text(&out);
    } else { /* consistency */
        rc = th_log_consistency_json(db, a, b, &out, &e);
        if (rc == 0 && !json)
            proof_text(&out);
    }
    return finish(db, rc, &out, newline, &e);
}
