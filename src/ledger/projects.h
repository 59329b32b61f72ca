/* projects.h — registry projects: a forest area with an owner account, a parameter table (kept
 * whole, with its SHA-256, so every report of the project can be re-run), a buffer percentage,
 * a status and an outstanding-reversal figure (domain: registry.md, "Objects"). Runs inside the
 * engine's transaction. A project's code, used in serial numbers, is P and its id in four or
 * more digits: P0007. */
#ifndef TH_PROJECTS_H
#define TH_PROJECTS_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "store/db.h"

#include <stdint.h>

typedef struct {
    int64_t id;
    char code[24];
    char name[404];
    int64_t owner_id;
    int64_t buffer_pct_scaled;
    char params_name[512];
    char params_sha256[65];
    char status[16];
    int64_t outstanding_reversal;
    char created_at[32];
} th_project;

typedef struct {
    const char *name;
    const char *owner;          /* account id or name */
    int64_t buffer_pct_scaled;  /* percent * TH_PCT_SCALE */
    const char *params_name, *params_sha256, *params_csv;
} th_project_new;

int th_project_add(th_db *db, const th_project_new *p, const char *now, th_buf *out, th_cjson *ev,
                   th_err *e)
    __attribute__((warn_unused_result));
/* By id (all digits), code (P0007) or exact name. */
int th_project_find(th_db *db, const char *ref, th_project *p, th_err *e)
    __attribute__((warn_unused_result));
/* The stored parameter table's text (malloc'd into out). */
int th_project_params(th_db *db, int64_t id, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
void th_project_json(th_db *db, const th_project *p, th_buf *out);
int th_project_list_json(th_db *db, th_buf *out, th_err *e) __attribute__((warn_unused_result));

#endif
