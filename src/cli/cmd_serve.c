/* cmd_serve.c — `tanhui serve`: the JSON API (server/http.h). */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/num.h"
#include "cli/log_key.h"
#include "server/http.h"
#include "server/serve_lock.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Option name's whole number from lo to hi into *out (left as it is when not given); what it
 * is, for the error. */
static int int_opt(const th_opts *op, const char *name, int64_t lo, int64_t hi, const char *is,
                   int64_t *out, th_err *e)
{
    const char *v = th_opt(op, name);
    if (v && th_parse_int64(v, strlen(v), lo, hi, out))
        return th_fail_at(e, TH_EUSAGE, NULL, 0, name, v, strlen(v), "serve: --%s is %s", name,
                          is);
    return 0;
}

int th_cmd_serve(const th_global *g, int argc, char **argv)
{
    th_err e;
    static const th_optspec spec[] = {
        {"listen", true, false}, {"threads", true, false}, {"rate", true, false},
        {"web", true, false}, {"sign-every", true, false}};
    th_opts op;
    if (th_opts_parse(&op, spec, 5, argc, argv, "serve", &e))
        return th_cli_fail(&e);
    if (op.npos) {
        th_fail(&e, TH_EUSAGE, "serve takes options only (see tanhui help serve)");
        return th_cli_fail(&e);
    }
    int64_t threads = 0, rate = 0, sign_every = -1; /* not given: the server's defaults */
    char what[96];
    snprintf(what, sizeof what, "a whole number from 1 to %d", TH_SERVE_THREADS_LIMIT);
    if (int_opt(&op, "threads", 1, TH_SERVE_THREADS_LIMIT, what, &threads, &e))
        return th_cli_fail(&e);
    snprintf(what, sizeof what, "requests a second per user, 1 to %d", TH_SERVE_RATE_LIMIT);
    if (int_opt(&op, "rate", 1, TH_SERVE_RATE_LIMIT, what, &rate, &e))
        return th_cli_fail(&e);
    if (int_opt(&op, "sign-every", 0, 3600000,
                "milliseconds between checkpoints under load, 0 (after every batch) to 3600000",
                &sign_every, &e))
        return th_cli_fail(&e);
    const char *web = th_opt(&op, "web");
    struct stat st;
    if (web && (stat(web, &st) != 0 || !S_ISDIR(st.st_mode))) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "web", web, strlen(web),
                   "serve: --web is a directory (the web app's files)");
        return th_cli_fail(&e);
    }
    /* the log's key, to sign checkpoints: read here, once, from the database's key file (opened
     * for writing: an older database is migrated first, unless a server holds it) */
    if (th_serve_lock_check(g->db, &e))
        return th_cli_fail(&e);
    th_db *db;
    if (th_db_open(g->db, TH_DB_WRITE, &db, &e))
        return th_cli_fail(&e);
    th_note_signer key;
    int has_key = th_cli_key_load(db, &key, &e);
    th_db_close(db);
    if (has_key < 0)
        return th_cli_fail(&e);
    th_serve_opts o = {.db_path = g->db,
                       .listen = th_opt(&op, "listen") ? th_opt(&op, "listen")
                                                       : "127.0.0.1:8080",
                       .threads = (int)threads,
                       .rate = (int)rate,
                       .web = web,
                       .sign_every_ms = (int)sign_every,
                       .signer = has_key ? &key : NULL};
    int rc = th_serve(&o, &e);
    OPENSSL_cleanse(&key, sizeof key);
    return rc ? th_cli_fail(&e) : 0;
}
