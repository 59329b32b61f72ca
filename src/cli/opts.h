/* opts.h — command-line parsing shared by every subcommand.
 *
 * Options are GNU-style long options: `--name value` or `--name=value`, flags `--name`; `--`
 * ends them. Global options (--db) are taken out of argv wherever they stand, before or after
 * the subcommand, by the dispatcher; a subcommand then parses its own with a table. */
#ifndef TH_OPTS_H
#define TH_OPTS_H

#include "base/err.h"

#include <stdbool.h>

typedef struct {
    const char *name;  /* without the dashes */
    bool has_arg;
    bool repeatable;
} th_optspec;

enum { TH_OPTS_MAX = 40, TH_POS_MAX = 16 };

typedef struct {
    const th_optspec *spec;
    int nspec;
    const char *value[TH_OPTS_MAX];  /* last value of each option (or "" for a flag) */
    bool seen[TH_OPTS_MAX];
    const char *pos[TH_POS_MAX];
    int npos;
} th_opts;

/* Parse argv[0..argc) (after the subcommand name) against spec. */
int th_opts_parse(th_opts *o, const th_optspec *spec, int nspec, int argc, char **argv,
                  const char *cmd, th_err *e) __attribute__((warn_unused_result));
const char *th_opt(const th_opts *o, const char *name);
/* Every value of a repeatable option, in order (the table keeps only the last), into out (room
 * for argc); the count. argv as given to th_opts_parse, already checked by it. */
int th_opt_values(int argc, char **argv, const char *name, const char **out);
bool th_opt_flag(const th_opts *o, const char *name);

#endif
