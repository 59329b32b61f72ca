/* params.h — the parameter table: how each forest type turns stock volume into biomass.
 *
 * The table is data, never code: a CSV file with one row per forest type (see docs/measurement.md
 * for the columns). Each type has exactly one method:
 *   fang  B = a*V + b for V > 0, and 0 for V = 0            (columns a, b)
 *   bef   B = V * wood_density * bef * (1 + root_shoot)     (columns wood_density, bef, root_shoot)
 *   stem  B = stems_ha * kg_per_stem / 1000                 (column kg_per_stem)
 * and a carbon fraction. A forest type is found by its id, its Chinese name or any alias, ignoring
 * ASCII case and surrounding white space. Names never collide: a table where two types share a
 * name is rejected. A parsed table is immutable and may be shared by threads. */
#ifndef TH_PARAMS_H
#define TH_PARAMS_H

#include "base/err.h"

#include <stddef.h>

typedef enum { TH_METHOD_FANG, TH_METHOD_BEF, TH_METHOD_STEM } th_method;

typedef struct {
    char *id;       /* e.g. "chinese_fir" */
    char *name_zh;  /* e.g. "杉木" (may be "") */
    th_method method;
    double a, b;                              /* fang */
    double wood_density, bef, root_shoot;     /* bef: t/m3, dimensionless, dimensionless */
    double kg_per_stem;                       /* stem */
    double carbon_fraction;
    char *source;
} th_forest_type;

typedef struct th_params th_params;

/* Parse a table from text; `name` is used in error messages. */
int th_params_parse(const char *text, size_t n, const char *name, th_params **out, th_err *e)
    __attribute__((warn_unused_result));
void th_params_free(th_params *p);
int th_params_count(const th_params *p);
const th_forest_type *th_params_type(const th_params *p, int idx);
/* Index of the type named s (id, Chinese name or alias), or -1. */
int th_params_lookup(const th_params *p, const char *s, size_t n);
const char *th_method_name(th_method m);

#endif
