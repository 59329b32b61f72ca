/* columns.c — the column names of roles. */
#include "inventory/columns.h"

#include "base/text.h"

#include <stdio.h>
#include <string.h>

static const char *const names[TH_COL_COUNT][5] = {
    [TH_COL_KEY] = {"parcel_id", NULL},
    [TH_COL_DATE] = {"survey_date", "DIAOCHA_RQ", NULL},
    [TH_COL_AREA] = {"area_ha", "MIAN_JI", "XBMJ", NULL},
    [TH_COL_TYPE] = {"forest_type", "YOU_SHI_SZ", NULL},
    [TH_COL_VOLUME] = {"volume_m3_ha", "HUO_LMGQXJ", NULL},
    [TH_COL_STEMS] = {"stems_ha", "MEI_GQ_ZS", NULL},
    [TH_COL_OWNER] = {"owner", "LIN_ZHU", NULL},
    [TH_COL_VILLAGE] = {"village", "CUN", NULL},
    [TH_COL_TOWNSHIP] = {"township", "XIANG", NULL},
    [TH_COL_COUNTY] = {"county", "XIAN", NULL},
    [TH_COL_K_XIAN] = {"XIAN", NULL},
    [TH_COL_K_XIANG] = {"XIANG", NULL},
    [TH_COL_K_CUN] = {"CUN", NULL},
    [TH_COL_K_LIN_BAN] = {"LIN_BAN", NULL},
    [TH_COL_K_XIAO_BAN] = {"XIAO_BAN", NULL},
};

const char *const *th_col_names(th_col c) { return names[c]; }

void th_col_names_list(th_col c, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; names[c][i] && n < cap; i++) {
        int w = snprintf(out + n, cap - n, "%s%s", i ? ", " : "", names[c][i]);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

void th_col_map(const char *const *hdr, const size_t *lens, int n, int col[TH_COL_COUNT])
{
    for (int c = 0; c < TH_COL_COUNT; c++) {
        col[c] = -1;
        for (int k = 0; names[c][k] && col[c] < 0; k++)
            for (int i = 0; i < n; i++) {
                const char *s = hdr[i];
                size_t len = lens[i];
                th_trim(&s, &len);
                if (th_eq_nocase(s, len, names[c][k], strlen(names[c][k]))) {
                    col[c] = i;
                    break;
                }
            }
    }
}
