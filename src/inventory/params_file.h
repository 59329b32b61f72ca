/* params_file.h — a parameter table from a file (or the built-in one), with what a report must
 * record of it: its name, its SHA-256, and its text (a registry keeps the table itself, so that
 * anyone can re-run a monitoring report). */
#ifndef TH_PARAMS_FILE_H
#define TH_PARAMS_FILE_H

#include "base/buf.h"
#include "base/err.h"
#include "carbon/params.h"

typedef struct {
    char name[512];  /* the path, or the built-in table's name */
    char sha256[65];
    th_buf text;
} th_params_info;

/* path NULL: the built-in table. The caller frees *out and info. */
int th_params_load(const char *path, th_params **out, th_params_info *info, th_err *e)
    __attribute__((warn_unused_result));
void th_params_info_free(th_params_info *info);

#endif
