/* inventory.c — reading one inventory file. */
#include "inventory/inventory.h"

#include "base/mem.h"
#include "base/sha256.h"
#include "base/text.h"
#include "inventory/csv_reader.h"
#include "inventory/ogr_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void th_input_info_free(th_input_info *in)
{
    for (size_t i = 0; i < in->n; i++)
        free(in->files[i].path);
    free(in->files);
    memset(in, 0, sizeof *in);
}

static bool has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), m = strlen(ext);
    return n > m && th_eq_nocase(path + n - m, m, ext, m);
}

bool th_inventory_is_csv(const char *path)
{
    return has_ext(path, ".csv") || has_ext(path, ".txt");
}

static void add_file(th_input_info *in, const char *path, const char hex[65])
{
    in->files = th_xrealloc(in->files, (in->n + 1) * sizeof *in->files);
    in->files[in->n].path = th_xstrdup(path);
    memcpy(in->files[in->n].sha256, hex, 65);
    in->n++;
}

int th_file_sha256(const char *path, char hex[65], th_err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return th_fail_at(e, TH_EINPUT, path, 0, NULL, NULL, 0, "cannot open: %s",
                          strerror(errno));
    th_sha256_ctx *h = th_sha256_new();
    enum { CHUNK = 1 << 20 };
    char *buf = th_xmalloc(CHUNK);
    ssize_t r;
    while ((r = read(fd, buf, CHUNK)) > 0)
        th_sha256_update(h, buf, (size_t)r);
    int err = r < 0 ? errno : 0;
    close(fd);
    free(buf);
    uint8_t d[32];
    th_sha256_final(h, d);
    th_sha256_free(h);
    if (err)
        return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0, "cannot read: %s", strerror(err));
    th_hex(d, 32, hex);
    return 0;
}

/* What a CSV parcel set keeps alive: its mapped file and, for GBK, the converted text. */
typedef struct {
    void *map;
    size_t len;
    char *owned;
} csv_keep;

static void csv_keep_free(void *p)
{
    csv_keep *k = p;
    if (k->map)
        munmap(k->map, k->len);
    free(k->owned);
    free(k);
}

static int read_csv(const char *path, th_encoding enc, th_row_ctx *ctx, th_input_info *info,
                    th_err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return th_fail_at(e, TH_EINPUT, path, 0, NULL, NULL, 0, "cannot open: %s",
                          strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return th_fail_at(e, TH_EINPUT, path, 0, NULL, NULL, 0, "not a regular file");
    }
    size_t n = (size_t)st.st_size;
    csv_keep *keep = th_xcalloc(1, sizeof *keep);
    const char *data = "";
    if (n > 0) {
        void *map = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (map == MAP_FAILED) {
            int err = errno;
            close(fd);
            free(keep);
            return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0, "cannot map: %s",
                              strerror(err));
        }
        keep->map = map;
        keep->len = n;
        data = map;
    }
    close(fd);
    /* the parcels will point into the text: the set keeps it until it is freed */
    ctx->set->keep = keep;
    ctx->set->keep_free = csv_keep_free;
    uint8_t d[32];
    char hex[65];
    th_sha256(data, n, d);
    th_hex(d, 32, hex);
    add_file(info, path, hex);
    info->format = "csv";
    return th_csv_read_bytes(data, n, enc, path, ctx, &info->encoding, &keep->owned, e);
}

int th_inventory_read(const char *path, th_encoding enc, th_row_ctx *ctx, th_input_info *info,
                      th_err *e)
{
    memset(info, 0, sizeof *info);
    if (th_inventory_is_csv(path))
        return read_csv(path, enc, ctx, info, e);
    char hex[65];
    if (th_file_sha256(path, hex, e) != 0)
        return -1;
    add_file(info, path, hex);
    if (has_ext(path, ".shp") || has_ext(path, ".dbf")) {
        static const char *const side[] = {".shp", ".shx", ".dbf", ".cpg", ".prj"};
        size_t n = strlen(path);
        char *p = th_xstrdup(path);
        for (size_t k = 0; k < sizeof side / sizeof *side; k++) {
            memcpy(p + n - 4, side[k], 4);
            struct stat st;
            if (strcmp(p + n - 4, path + n - 4) == 0 || stat(p, &st) != 0)
                continue;
            if (th_file_sha256(p, hex, e) != 0) {
                free(p);
                return -1;
            }
            add_file(info, p, hex);
        }
        free(p);
    }
    info->encoding = enc;
    info->format = "gdal";
    if (th_ogr_read(path, enc, ctx, &info->format, e) != 0)
        return -1;
    return 0;
}
