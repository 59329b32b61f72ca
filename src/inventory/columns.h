/* columns.h — which inventory column means what (docs/measurement.md, "Inputs").
 *
 * Each role has our name first, then the forest inventory's own names; matching ignores ASCII
 * case and surrounding white space, and the first name present wins. The parcel key is our
 * `parcel_id`, or else the inventory's five location codes XIAN-XIANG-CUN-LIN_BAN-XIAO_BAN joined
 * by '-'. */
#ifndef TH_COLUMNS_H
#define TH_COLUMNS_H

#include <stddef.h>

typedef enum {
    TH_COL_KEY,
    TH_COL_DATE,
    TH_COL_AREA,
    TH_COL_TYPE,
    TH_COL_VOLUME,
    TH_COL_STEMS,
    TH_COL_OWNER,
    TH_COL_VILLAGE,
    TH_COL_TOWNSHIP,
    TH_COL_COUNTY,
    /* the parts of the inventory's own key */
    TH_COL_K_XIAN,
    TH_COL_K_XIANG,
    TH_COL_K_CUN,
    TH_COL_K_LIN_BAN,
    TH_COL_K_XIAO_BAN,
    TH_COL_COUNT
} th_col;

enum { TH_COL_KEY_PARTS = 5 };

/* The names accepted for a role, NULL-terminated; [0] is ours. */
const char *const *th_col_names(th_col c);
/* "area_ha, MIAN_JI, XBMJ" */
void th_col_names_list(th_col c, char *out, size_t cap);

/* Map a header to roles: col[c] = the header index holding role c, or -1. */
void th_col_map(const char *const *names, const size_t *lens, int n, int col[TH_COL_COUNT]);

#endif
