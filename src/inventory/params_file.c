/* params_file.c — loading a parameter table. */
#include "inventory/params_file.h"

#include "base/sha256.h"
#include "carbon/params_default.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int th_params_load(const char *path, th_params **out, th_params_info *info, th_err *e)
{
    memset(info, 0, sizeof *info);
    th_buf_init(&info->text);
    *out = NULL;
    if (!path) {
        snprintf(info->name, sizeof info->name, "%s", TH_PARAMS_DEFAULT_NAME);
        th_buf_put(&info->text, th_params_default_csv, th_params_default_len);
    } else {
        snprintf(info->name, sizeof info->name, "%s", path);
        FILE *f = fopen(path, "rb");
        if (!f)
            return th_fail_at(e, TH_EINPUT, path, 0, NULL, NULL, 0, "cannot open: %s",
                              strerror(errno));
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
            th_buf_put(&info->text, tmp, n);
        int bad = ferror(f);
        fclose(f);
        if (bad)
            return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0, "cannot read");
    }
    uint8_t d[32];
    th_sha256(info->text.p ? info->text.p : "", info->text.len, d);
    th_hex(d, 32, info->sha256);
    return th_params_parse(info->text.p ? info->text.p : "", info->text.len, info->name, out, e);
}

void th_params_info_free(th_params_info *info)
{
    th_buf_free(&info->text);
}
