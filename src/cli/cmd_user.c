/* cmd_user.c — `tanhui user add|list`, `tanhui token create|revoke`: who may use the API. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/num.h"
#include "server/serve_lock.h"
#include "server/users.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The database for writing these rows (refused while the server runs, like every write: the
 * server's routes do the same, and the message names them). */
static int open_write(const th_global *g, th_db **db, th_err *e)
{
    if (th_serve_lock_check(g->db, e)) {
        size_t n = strlen(e->msg);
        snprintf(e->msg + n, sizeof e->msg - n,
                 "; an operator adds users with POST /api/v1/users, and anyone makes and "
                 "revokes its own tokens with POST /api/v1/tokens and DELETE "
                 "/api/v1/tokens/ID (tanhui help serve)");
        return -1;
    }
    return th_db_open(g->db, TH_DB_WRITE, db, e);
}

static void users_lines(json_t *o, th_buf *out)
{
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(o, "users"), i, u)
    {
        th_buf_printf(out, "user %lld: %s, account %lld, %s, %lld tokens\n",
                      (long long)json_integer_value(json_object_get(u, "id")),
                      json_string_value(json_object_get(u, "name")),
                      (long long)json_integer_value(json_object_get(u, "account")),
                      json_string_value(json_object_get(u, "role")),
                      (long long)json_integer_value(json_object_get(u, "tokens")));
    }
    if (json_array_size(json_object_get(o, "users")) == 0)
        th_buf_puts(out, "no users\n");
}

static int users_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(th_users_json, db, arg, out, e, users_lines);
}

/* A password from stdin: its first line. */
static int read_password(char *pw, size_t cap, th_err *e)
{
    if (!fgets(pw, (int)cap, stdin))
        return th_fail(e, TH_EUSAGE, "user add: --password-stdin reads the password's line");
    pw[strcspn(pw, "\r\n")] = '\0';
    return 0;
}

static int user_add(const th_global *g, int argc, char **argv)
{
    th_err e;
    static const th_optspec spec[] = {{"account", true, false}, {"role", true, false},
                                      {"password-stdin", false, false}, {"json", false, false}};
    th_opts op;
    if (th_opts_parse(&op, spec, 4, argc, argv, "user add", &e))
        return th_cli_fail(&e);
    if (op.npos != 1 || !th_opt(&op, "account") || !th_opt(&op, "role")) {
        th_fail(&e, TH_EUSAGE, "user add: give NAME, --account ACCOUNT and --role ROLE (see "
                               "tanhui help user)");
        return th_cli_fail(&e);
    }
    char pw[256] = "", generated[32] = "";
    if (th_opt_flag(&op, "password-stdin") && read_password(pw, sizeof pw, &e))
        return th_cli_fail(&e);
    th_db *db;
    if (open_write(g, &db, &e))
        return th_cli_fail(&e);
    int64_t id;
    int rc = th_user_add(db, op.pos[0], th_opt(&op, "account"), th_opt(&op, "role"),
                         th_opt_flag(&op, "password-stdin") ? pw : NULL, generated, &id, &e);
    th_db_close(db);
    sodium_memzero(pw, sizeof pw);
    if (rc)
        return th_cli_fail(&e);
    if (th_opt_flag(&op, "json")) {
        printf("{\"id\":%lld,\"name\":", (long long)id);
        json_t *n = json_string(op.pos[0]);
        char *s = json_dumps(n, JSON_ENCODE_ANY);
        printf("%s", s ? s : "\"\"");
        free(s);
        json_decref(n);
        if (generated[0])
            printf(",\"password\":\"%s\"", generated);
        printf("}\n");
    } else {
        printf("user %lld: %s (%s)\n", (long long)id, op.pos[0], th_opt(&op, "role"));
        if (generated[0])
            printf("password (shown once): %s\n", generated);
    }
    sodium_memzero(generated, sizeof generated);
    return 0;
}

int th_cmd_token(const th_global *g, int argc, char **argv)
{
    th_err e;
    bool create = argc >= 1 && strcmp(argv[0], "create") == 0;
    if (argc < 1 || (!create && strcmp(argv[0], "revoke") != 0)) {
        th_fail(&e, TH_EUSAGE, "token: say create USER or revoke ID (see tanhui help token)");
        return th_cli_fail(&e);
    }
    static const th_optspec spec[] = {{"json", false, false}};
    th_opts op;
    if (th_opts_parse(&op, spec, 1, argc - 1, argv + 1, create ? "token create" : "token revoke",
                      &e))
        return th_cli_fail(&e);
    if (op.npos != 1) {
        th_fail(&e, TH_EUSAGE, "token %s: give one %s", argv[0], create ? "USER" : "ID");
        return th_cli_fail(&e);
    }
    int64_t id = 0;
    if (!create && th_parse_int64(op.pos[0], strlen(op.pos[0]), 1, INT64_MAX, &id) != 0) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "token", op.pos[0], strlen(op.pos[0]),
                   "token revoke: a token is named by its id, a whole number");
        return th_cli_fail(&e);
    }
    th_db *db;
    if (open_write(g, &db, &e))
        return th_cli_fail(&e);
    char text[60] = "";
    int rc = create ? th_token_create(db, op.pos[0], text, &id, &e) : th_token_revoke(db, id, &e);
    th_db_close(db);
    if (rc)
        return th_cli_fail(&e);
    if (!create)
        printf("token %lld revoked\n", (long long)id);
    else if (th_opt_flag(&op, "json"))
        printf("{\"id\":%lld,\"token\":\"%s\"}\n", (long long)id, text);
    else
        printf("token %lld (shown once): %s\n", (long long)id, text);
    sodium_memzero(text, sizeof text);
    return 0;
}

int th_cmd_user(const th_global *g, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0)
        return user_add(g, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "list") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "user list", NULL, th_users_json, users_text);
    th_err e;
    th_fail(&e, TH_EUSAGE, "user: say add or list (see tanhui help user)");
    return th_cli_fail(&e);
}
