/* uploads.c — the uploads directory. See uploads.h. */
#include "server/uploads.h"

#include "base/mem.h"
#include "base/sha256.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const kinds[] = {"csv", "gpkg"};

struct th_upload {
    char dir[4096], tmp[4200];
    const char *kind;
    int fd;
    int64_t bytes;
    th_sha256_ctx *h;
};

int th_uploads_dir(const char *db_path, char *out, size_t cap, th_err *e)
{
    if ((size_t)snprintf(out, cap, "%s.uploads", db_path) >= cap)
        return th_fail(e, TH_EIO, "the database's path is too long for its uploads directory");
    if (mkdir(out, 0700) != 0 && errno != EEXIST)
        return th_fail(e, TH_EIO, "cannot make the uploads directory %s: %s", out,
                       strerror(errno));
    return 0;
}

/* The kind a file name says, or NULL. */
static const char *kind_of(const char *filename)
{
    const char *dot = filename ? strrchr(filename, '.') : NULL;
    if (!dot)
        return NULL;
    if (strcasecmp(dot + 1, "csv") == 0 || strcasecmp(dot + 1, "txt") == 0)
        return kinds[0];
    if (strcasecmp(dot + 1, "gpkg") == 0)
        return kinds[1];
    return NULL;
}

int th_upload_begin(const char *dir, const char *filename, th_upload **out, th_err *e)
{
    const char *kind = kind_of(filename);
    if (!kind)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "filename", filename ? filename : "",
                          filename ? strlen(filename) : 0,
                          "an inventory is uploaded as a .csv (or .txt) or a .gpkg file; send "
                          "a shapefile converted to GeoPackage (ogr2ogr -f GPKG)");
    th_upload *u = th_xcalloc(1, sizeof *u);
    snprintf(u->dir, sizeof u->dir, "%s", dir);
    snprintf(u->tmp, sizeof u->tmp, "%s/.partial-XXXXXX", dir);
    u->kind = kind;
    u->fd = mkstemp(u->tmp);
    if (u->fd < 0) {
        int err = errno;
        free(u);
        return th_fail(e, TH_EIO, "cannot store an upload in %s: %s", dir, strerror(err));
    }
    u->h = th_sha256_new();
    *out = u;
    return 0;
}

int th_upload_write(th_upload *u, const void *p, size_t n, th_err *e)
{
    if (u->bytes + (int64_t)n > TH_UPLOAD_MAX)
        return th_fail(e, TH_EINPUT, "an upload is at most %d MiB", TH_UPLOAD_MAX >> 20);
    for (size_t off = 0; off < n;) {
        ssize_t k = write(u->fd, (const char *)p + off, n - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return th_fail(e, TH_EIO, "cannot write an upload: %s", strerror(errno));
        off += (size_t)k;
    }
    th_sha256_update(u->h, p, n);
    u->bytes += (int64_t)n;
    return 0;
}

static void drop(th_upload *u)
{
    if (u->fd >= 0)
        close(u->fd);
    unlink(u->tmp);
    th_sha256_free(u->h);
    free(u);
}

void th_upload_abort(th_upload *u)
{
    if (u)
        drop(u);
}

int th_upload_finish(th_upload *u, char id[65], int64_t *bytes, th_err *e)
{
    uint8_t sum[32];
    th_sha256_final(u->h, sum);
    th_hex(sum, 32, id);
    *bytes = u->bytes;
    char path[4300];
    snprintf(path, sizeof path, "%s/%s.%s", u->dir, id, u->kind);
    int rc = 0;
    if (u->bytes == 0)
        rc = th_fail(e, TH_EINPUT, "an uploaded file is empty");
    else if (fsync(u->fd) != 0 || rename(u->tmp, path) != 0)
        rc = th_fail(e, TH_EIO, "cannot store an upload at %s: %s", path, strerror(errno));
    drop(u); /* after a rename, the temporary name is gone already */
    return rc;
}

int th_upload_path(const char *dir, const char *id, const char *field, char *path, size_t cap,
                   int64_t *bytes, th_err *e)
{
    size_t n = id ? strlen(id) : 0;
    bool hex = n == 64;
    for (size_t i = 0; hex && i < n; i++)
        hex = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f');
    if (!hex)
        return th_fail_at(e, TH_EINPUT, NULL, 0, field, id ? id : "", n,
                          "an upload is named by its SHA-256, 64 lowercase hex digits");
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        snprintf(path, cap, "%s/%s.%s", dir, id, kinds[k]);
        struct stat st;
        if (stat(path, &st) == 0) {
            *bytes = (int64_t)st.st_size;
            return 0;
        }
    }
    return th_fail_at(e, TH_EINPUT, NULL, 0, field, id, n, "no upload has this id");
}
