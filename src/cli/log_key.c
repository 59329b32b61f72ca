/* log_key.c — the log's key file. See log_key.h. */
#include "cli/log_key.h"

#include "base/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An absolute path for `path`, whose directory exists. */
static int absolute(const char *path, char out[TH_KEY_PATH_MAX], th_err *e)
{
    char dir[TH_KEY_PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
             slash ? path : ".");
    char real[PATH_MAX];
    if (!realpath(dir, real))
        return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0, "cannot find the directory: %s",
                          strerror(errno));
    if (snprintf(out, TH_KEY_PATH_MAX, "%s/%s", strcmp(real, "/") ? real : "", base) >=
        TH_KEY_PATH_MAX)
        return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0, "the path is too long");
    return 0;
}

int th_cli_key_create(const char *db_path, const char *path, const char *origin,
                      th_note_signer *s, char abs[TH_KEY_PATH_MAX], th_err *e)
{
    char def[TH_KEY_PATH_MAX];
    if (!path) {
        snprintf(def, sizeof def, "%s.key", db_path);
        path = def;
    }
    if (th_note_generate(origin, s, e) || absolute(path, abs, e))
        return -1;
    int fd = open(abs, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return th_fail_at(e, errno == EEXIST ? TH_EINPUT : TH_EIO, abs, 0, NULL, NULL, 0,
                          "cannot create the log's key file: %s", strerror(errno));
    th_buf b;
    th_buf_init(&b);
    th_note_signer_format(s, &b);
    th_buf_putc(&b, '\n');
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = write(fd, b.p + off, b.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            break;
        off += (size_t)w;
    }
    int err = off < b.len ? errno : 0;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    OPENSSL_cleanse(b.p, b.len);
    th_buf_free(&b);
    if (err) {
        unlink(abs);
        return th_fail_at(e, TH_EIO, abs, 0, NULL, NULL, 0, "cannot write the log's key: %s",
                          strerror(err));
    }
    return 0;
}

int th_cli_key_load(th_db *db, th_note_signer *s, th_err *e)
{
    char path[TH_KEY_PATH_MAX];
    th_note_verifier v;
    int k = th_log_key_get(db, path, &v, e);
    if (k <= 0)
        return k;
    FILE *f = fopen(path, "rb");
    if (!f)
        return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0,
                          "cannot read the log's signing key: %s", strerror(errno));
    char text[1024];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    text[n] = '\0';
    int rc = th_note_signer_parse(text, n, s, e);
    OPENSSL_cleanse(text, sizeof text);
    if (rc) {
        char why[sizeof e->msg];
        snprintf(why, sizeof why, "%s", e->msg);
        return th_fail_at(e, TH_EINPUT, path, 0, NULL, NULL, 0, "%s", why);
    }
    if (s->v.hash != v.hash || memcmp(s->v.pub, v.pub, sizeof v.pub) != 0 ||
        strcmp(s->v.name, v.name) != 0)
        return th_fail_at(e, TH_EINPUT, path, 0, NULL, NULL, 0,
                          "this is not the key of this database's log (its verifier key is "
                          "%s+%08x+...)", v.name, (unsigned)v.hash);
    return 1;
}
