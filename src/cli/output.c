/* output.c — writing results: to a stream, or atomically to a file. */
#include "cli/cli.h"
#include "cli/opts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int th_cli_write(FILE *f, const th_buf *b, th_err *e)
{
    if (b->len && fwrite(b->p, 1, b->len, f) != b->len)
        return th_fail(e, TH_EIO, "cannot write the output: %s", strerror(errno));
    return 0;
}

int th_cli_write_file(const char *path, const th_buf *b, th_err *e)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        abort();
    snprintf(tmp, n + 16, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int err = errno;
        free(tmp);
        return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0, "cannot create: %s", strerror(err));
    }
    size_t off = 0;
    while (off < b->len) {
        ssize_t w = write(fd, b->p + off, b->len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        off += (size_t)w;
    }
    int err = off < b->len ? errno : 0;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err) {
        unlink(tmp);
        free(tmp);
        return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0, "cannot write: %s", strerror(err));
    }
    free(tmp);
    return 0;
}

int th_cli_read(const th_global *g, int argc, char **argv, const char *cmd, const char *arg_name,
                th_read_fn json, th_read_fn text)
{
    static const th_optspec spec[] = {{"json", false, false}};
    th_err e;
    th_opts op;
    if (th_opts_parse(&op, spec, 1, argc, argv, cmd, &e))
        return th_cli_fail(&e);
    if (op.npos != (arg_name ? 1 : 0)) {
        if (arg_name)
            th_fail(&e, TH_EUSAGE, "%s: give one %s (see tanhui help)", cmd, arg_name);
        else
            th_fail(&e, TH_EUSAGE, "%s: unexpected argument '%s'", cmd, op.pos[0]);
        return th_cli_fail(&e);
    }
    th_db *db;
    if (th_db_open(g->db, TH_DB_READ, &db, &e))
        return th_cli_fail(&e);
    th_buf out;
    th_buf_init(&out);
    bool as_json = th_opt_flag(&op, "json");
    const char *arg = arg_name ? op.pos[0] : NULL;
    int status = (as_json ? json : text)(db, arg, &out, &e) ? th_cli_fail(&e) : 0;
    if (status == 0) {
        if (as_json)
            th_buf_putc(&out, '\n');
        status = th_cli_write(stdout, &out, &e) ? th_cli_fail(&e) : 0;
    }
    th_buf_free(&out);
    th_db_close(db);
    return status;
}

void th_cli_json_lines(const th_buf *json, th_buf *out, void (*lines)(json_t *o, th_buf *out))
{
    json_t *o = json_loadb(json->p, json->len, 0, NULL);
    lines(o, out);
    json_decref(o);
}

int th_cli_as_text(th_read_fn json, th_db *db, const char *arg, th_buf *out, th_err *e,
                   void (*lines)(json_t *o, th_buf *out))
{
    th_buf b;
    th_buf_init(&b);
    int rc = json(db, arg, &b, e);
    if (rc == 0)
        th_cli_json_lines(&b, out, lines);
    th_buf_free(&b);
    return rc;
}
