/* opts.c — long-option parsing. */
#include "cli/opts.h"

#include <string.h>

int th_opts_parse(th_opts *o, const th_optspec *spec, int nspec, int argc, char **argv,
                  const char *cmd, th_err *e)
{
    memset(o, 0, sizeof *o);
    o->spec = spec;
    o->nspec = nspec;
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0' || (a[1] != '-' && !(a[1] >= 'a' && a[1] <= 'z'))) {
            if (o->npos >= TH_POS_MAX)
                return th_fail(e, TH_EUSAGE, "%s: too many arguments", cmd);
            o->pos[o->npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (a[1] != '-')
            return th_fail(e, TH_EUSAGE, "%s: unknown option '%s' (options are written --name; "
                                         "see tanhui help %s)", cmd, a, cmd);
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        int k;
        for (k = 0; k < nspec; k++)
            if (strlen(spec[k].name) == nlen && memcmp(spec[k].name, name, nlen) == 0)
                break;
        if (k == nspec)
            return th_fail(e, TH_EUSAGE, "%s: unknown option '--%.*s' (see tanhui help %s)", cmd,
                           (int)nlen, name, cmd);
        if (o->seen[k] && !spec[k].repeatable)
            return th_fail(e, TH_EUSAGE, "%s: option --%s given twice", cmd, spec[k].name);
        o->seen[k] = true;
        if (spec[k].has_arg) {
            if (eq) {
                o->value[k] = eq + 1;
            } else {
                if (i + 1 >= argc)
                    return th_fail(e, TH_EUSAGE, "%s: option --%s needs a value", cmd,
                                   spec[k].name);
                o->value[k] = argv[++i];
            }
        } else {
            if (eq)
                return th_fail(e, TH_EUSAGE, "%s: option --%s takes no value", cmd,
                               spec[k].name);
            o->value[k] = "";
        }
    }
    return 0;
}

const char *th_opt(const th_opts *o, const char *name)
{
    for (int k = 0; k < o->nspec; k++)
        if (strcmp(o->spec[k].name, name) == 0)
            return o->seen[k] ? o->value[k] : NULL;
    return NULL;
}

bool th_opt_flag(const th_opts *o, const char *name)
{
    return th_opt(o, name) != NULL;
}

int th_opt_values(int argc, char **argv, const char *name, const char **out)
{
    size_t len = strlen(name);
    int n = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, len) != 0)
            continue;
        if (a[2 + len] == '=')
            out[n++] = a + 3 + len;
        else if (a[2 + len] == '\0' && i + 1 < argc)
            out[n++] = argv[++i];
    }
    return n;
}
