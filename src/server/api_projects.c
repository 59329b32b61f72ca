/* api_projects.c — the API's projects, their beneficiaries, monitoring reports and uploads.
 *
 * An owner submits a report by uploading its two inventories (multipart/form-data, to
 * POST /api/v1/uploads or straight to the report's route: the HTTP layer stores each file part
 * and hands the handler its upload id in the file part's name) and naming them, with the
 * measurement's options, in POST /api/v1/projects/{id}/reports. The measurement runs in the
 * request's thread (it is the slow part, and reads nothing the writer holds); the report then
 * goes through the sequencer like any other write. A bad row is a 400 that lists the findings,
 * each naming the field (before or after), line and column. */
#include "server/api_projects.h"

#include "base/mem.h"
#include "base/num.h"
#include "engine/report_draft.h"
#include "inventory/measure_opts.h"
#include "inventory/measure_report.h"
#include "exchange/sharing.h"
#include "ledger/projects.h"
#include "ledger/reports.h"
#include "base/json.h"
#include "server/api_req.h"
#include "server/uploads.h"

#include <stdio.h>
#include <string.h>

int th_api_get_project(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    th_project p;
    int rc = th_project_find(r->db, th_api_param(r, "id"), &p, &e);
    if (rc == 0)
        th_project_json(r->db, &p, &out->body);
    return th_api_answer(out, rc, &e);
}

int th_api_get_reports(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    const char *ref = r->query(r->query_arg, "project");
    const char *status = r->query(r->query_arg, "status");
    th_project p = {.id = 0};
    if (ref && th_project_find(r->db, ref, &p, &e))
        return th_api_answer(out, -1, &e);
    if (status && strcmp(status, "submitted") && strcmp(status, "verified") &&
        strcmp(status, "rejected") && strcmp(status, "issued")) {
        th_api_error(out, 400, "invalid",
                     "status: a report is submitted, verified, rejected or issued", "status");
        return 0;
    }
    th_page pg;
    char times[2][32];
    if (th_api_page_args(r, out, &pg, times))
        return 0;
    return th_api_answer(out, th_report_list_json(r->db, p.id, status, &pg, &out->body, &e), &e);
}

int th_api_get_report(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    int64_t id;
    if (th_api_number(out, "id", th_api_param(r, "id"), 1, INT64_MAX, &id))
        return 0;
    return th_api_answer(out, th_report_json(r->db, id, true, &out->body, &e), &e);
}

/* The project of the path, if it is the user's account's (or operator may, and the user is
 * one); else -1 with the 403 or 404 answer. */
static int own_project(const th_api_req *r, th_api_resp *out, bool operator, th_project *p)
{
    th_err e;
    if (th_project_find(r->db, th_api_param(r, "id"), p, &e)) {
        th_api_fail(out, &e);
        return -1;
    }
    if (p->owner_id == r->user->account || (operator && !strcmp(r->user->role, "operator")))
        return 0;
    char msg[300];
    snprintf(msg, sizeof msg, "user %s acts for account %lld; project %s is account %lld's",
             r->user->name, (long long)r->user->account, p->code, (long long)p->owner_id);
    th_api_error(out, 403, "forbidden", msg, "project");
    return -1;
}

/* The stored upload the body names under key: its path; -1 with the answer when it has none. */
static int upload_of(const th_api_req *r, th_api_resp *out, th_api_body *b, const char *key,
                     bool required, char *path, size_t cap, int64_t *bytes)
{
    const char *id = th_api_str(b, key, required, false);
    if (!id)
        return b->bad ? -1 : 1;
    if (!r->uploads_dir) {
        th_api_error(out, 503, "unavailable", "this server takes no uploads", NULL);
        return -1;
    }
    th_err e;
    if (th_upload_path(r->uploads_dir, id, key, path, cap, bytes, &e)) {
        th_api_fail(out, &e);
        return -1;
    }
    return 0;
}

int th_api_post_upload(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "owner|operator", "uploading inventories") ||
        th_api_body_open(r, out, &b))
        return 0;
    char path[4400];
    int64_t bytes;
    if (upload_of(r, out, &b, "file", true, path, sizeof path, &bytes) == 0) {
        th_buf_printf(&out->body, "{\"upload\":\"%s\",\"bytes\":%lld,\"kind\":\"%s\"}",
                      json_string_value(json_object_get(b.root, "file")), (long long)bytes,
                      strrchr(path, '.') + 1);
        out->status = 201;
        out->content_type = "application/json";
    }
    th_api_body_close(&b);
    return 0;
}

int th_api_post_project(const th_api_req *r, th_api_resp *out)
{
    th_api_body b;
    if (th_api_need_role(r, out, "owner|operator", "adding projects") ||
        th_api_body_open(r, out, &b))
        return 0;
    char self[24], params_path[4400];
    snprintf(self, sizeof self, "%lld", (long long)r->user->account);
    const char *name = th_api_str(&b, "name", true, false);
    const char *owner = th_api_str(&b, "owner", false, true);
    const char *pct_text = th_api_str(&b, "buffer_pct", false, false);
    int64_t bytes;
    int has_params = b.bad ? -1 : upload_of(r, out, &b, "params", false, params_path,
                                            sizeof params_path, &bytes);
    int64_t pct = 20 * TH_PCT_SCALE;
    if (!b.bad && pct_text &&
        (th_parse_fixed(pct_text, strlen(pct_text), 6, &pct) != 0 || pct < 0 ||
         pct > 100 * TH_PCT_SCALE))
        th_api_body_bad(&b, "buffer_pct", "a percentage from 0 to 100, with at most 6 "
                                          "decimals, as a string, like \"20\"");
    th_account a;
    /* an owner adds its own projects; an operator anyone's */
    if (b.bad || has_params < 0 ||
        (strcmp(r->user->role, "operator") != 0 &&
         th_api_own_account(r, out, owner ? owner : self, false, &a))) {
        th_api_body_close(&b);
        return 0;
    }
    /* an uploaded table is named by its upload (the server's path is its own) */
    char upload_name[80] = "";
    if (has_params == 0)
        snprintf(upload_name, sizeof upload_name, "upload %.64s",
                 json_string_value(json_object_get(b.root, "params")));
    th_params *params;
    th_params_info pi;
    th_err e;
    if (th_params_load(has_params == 0 ? params_path : NULL, &params, &pi, &e)) {
        snprintf(e.field, sizeof e.field, "params");
        th_api_fail(out, &e);
    } else {
        th_params_free(params);
        th_cmd c = {.type = TH_CMD_PROJECT_ADD};
        c.project = (th_project_new){.name = name,
                                     .owner = owner ? owner : self,
                                     .buffer_pct_scaled = pct,
                                     .params_name = has_params == 0 ? upload_name : pi.name,
                                     .params_sha256 = pi.sha256,
                                     .params_csv = pi.text.p ? pi.text.p : ""};
        th_api_submit(r, out, &c, 201);
    }
    th_params_info_free(&pi);
    th_api_body_close(&b);
    return 0;
}

/* The measurement's options from the body's members (named with "_" for the options' "-"):
 * strings, or numbers where a number is meant; unknown members refused. */
static int options(th_api_body *b, th_measure_opts *o, bool *dry_run, th_api_resp *out)
{
    const char *key;
    json_t *v;
    json_object_foreach(b->root, key, v)
    {
        if (strcmp(key, "before") == 0 || strcmp(key, "after") == 0)
            continue;
        if (strcmp(key, "skip_invalid") == 0 || strcmp(key, "dry_run") == 0) {
            /* a form's fields are text: "true" and "false" too */
            const char *t = json_is_string(v) ? json_string_value(v) : NULL;
            if (!json_is_boolean(v) && !(t && (!strcmp(t, "true") || !strcmp(t, "false")))) {
                th_api_body_bad(b, key, "true or false is expected");
                return -1;
            }
            bool on = json_is_true(v) || (t && !strcmp(t, "true"));
            if (strcmp(key, "dry_run") == 0)
                *dry_run = on;
            else
                o->skip_invalid = on;
            continue;
        }
        char name[40], text[64];
        snprintf(name, sizeof name, "%s", key);
        for (char *p = name; *p; p++)
            *p = *p == '_' ? '-' : *p;
        if (strcmp(name, "buffer-pct") == 0 || strcmp(name, "params") == 0) {
            th_api_body_bad(b, key, "the parameter table and the buffer percentage are the "
                                    "project's, not the report's");
            return -1;
        }
        if (strchr(key, '-') || !th_measure_opt_known(name)) {
            th_api_body_bad(b, key, "no such member of a report (before, after, before_date, "
                                    "after_date, area_unit, encoding, by, baseline_tco2e, "
                                    "leakage_pct, uncertainty_pct, skip_invalid, dry_run)");
            return -1;
        }
        if (json_is_string(v))
            snprintf(text, sizeof text, "%s", json_string_value(v));
        else if (json_is_integer(v))
            snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
            snprintf(text, sizeof text, "%.17g", json_real_value(v));
        else {
            th_api_body_bad(b, key, "a string or a number is expected");
            return -1;
        }
        th_err e;
        if (th_measure_opt_set(o, name, key, text, &e)) {
            th_api_fail(out, &e);
            return -1;
        }
    }
    return 0;
}

/* s with every `path` written as `field` instead (the server's file names are its own). */
static void rename_path(th_buf *s, const char *path, const char *field)
{
    size_t n = strlen(path), m = strlen(field);
    th_buf o;
    th_buf_init(&o);
    for (size_t i = 0; i < s->len;) {
        if (n && i + n <= s->len && memcmp(s->p + i, path, n) == 0) {
            th_buf_put(&o, field, m);
            i += n;
        } else {
            th_buf_putc(&o, s->p[i++]);
        }
    }
    th_buf_free(s);
    *s = o;
}

/* The 400 of a measurement that failed: its message and its findings, files named by field. */
static void measure_failed(th_api_resp *out, const th_err *e, const th_measure_run *run,
                           const char *before, const char *after)
{
    char msg[900];
    th_err_format(e, msg, sizeof msg);
    th_buf all;
    th_buf_init(&all);
    th_buf_puts(&all, msg);
    if (run && run->errs.total > 0) {
        th_buf_putc(&all, '\n');
        th_rowerrs_text(&run->errs, 20, &all);
    }
    rename_path(&all, before, "before");
    rename_path(&all, after, "after");
    rename_path(&all, "--skip-invalid", "\"skip_invalid\": true");
    while (all.len && all.p[all.len - 1] == '\n')
        all.len--;
    th_buf_putc(&all, '\0');
    th_api_error(out, e->code == TH_EIO ? 500 : 400, e->code == TH_EIO ? "internal" : "invalid",
                 all.p, e->field[0] ? e->field : NULL);
    th_buf_free(&all);
}

/* A dry run's answer: the report as it would be submitted, with its measurement, and nothing
 * changed (the owner looks before submitting). */
static void draft_answer(th_api_resp *out, int64_t project, const th_report_new *r,
                         const th_report_draft *d, const char *before, const char *after)
{
    th_buf m;
    th_buf_init(&m);
    th_buf_put(&m, d->json.p, d->json.len);
    rename_path(&m, before, "before");
    rename_path(&m, after, "after");
    th_json j;
    th_json_init(&j, &out->body);
    th_json_obj_begin(&j);
    th_json_key(&j, "project");
    th_json_int(&j, project);
    th_json_key(&j, "dry_run");
    th_json_bool(&j, true);
    th_json_key(&j, "period_start");
    th_json_str(&j, r->period_start);
    th_json_key(&j, "period_end");
    th_json_str(&j, r->period_end);
    th_json_key(&j, "vintage");
    th_json_int(&j, r->vintage);
    th_json_key(&j, "net_tco2e");
    th_json_double(&j, r->net_tco2e);
    th_json_key(&j, "credits_total");
    th_json_int(&j, r->credits_total);
    th_json_key(&j, "buffer_credits");
    th_json_int(&j, r->buffer_credits);
    th_json_key(&j, "owner_credits");
    th_json_int(&j, r->owner_credits);
    th_json_key(&j, "measurement");
    th_json_raw(&j, m.p, m.len);
    th_json_obj_end(&j);
    th_buf_free(&m);
    out->status = 200;
    out->content_type = "application/json";
}

int th_api_post_report(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_role(r, out, "owner", "submitting reports"))
        return 0;
    th_err e;
    th_project p;
    if (own_project(r, out, false, &p))
        return 0;
    th_api_body b;
    if (th_api_body_open(r, out, &b))
        return 0;
    char before[4400], after[4400];
    int64_t bytes;
    bool dry_run = false;
    th_measure_opts o;
    th_measure_opts_default(&o);
    if (upload_of(r, out, &b, "before", true, before, sizeof before, &bytes) == 0 &&
        upload_of(r, out, &b, "after", true, after, sizeof after, &bytes) == 0 &&
        options(&b, &o, &dry_run, out) == 0) {
        o.before_path = before;
        o.after_path = after;
        th_report_draft d;
        th_report_draft_init(&d);
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)p.id);
        th_cmd c = {.type = TH_CMD_REPORT_ADD};
        if (th_report_draft_make(r->db, id, &o, &d, &c.report, &e))
            measure_failed(out, &e, d.measured ? &d.run : NULL, before, after);
        else if (dry_run)
            draft_answer(out, p.id, &c.report, &d, before, after);
        else
            th_api_submit(r, out, &c, 201);
        th_report_draft_free(&d);
    }
    th_api_body_close(&b);
    return 0;
}

int th_api_get_beneficiaries(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_beneficiaries_json(r->db, th_api_param(r, "id"), &out->body, &e),
                         &e);
}

/* Set who shares the project's income: {"from_report": ID, "add_accounts": KIND} or
 * {"beneficiaries": [{"account": ID|NAME, "weight": "2.5"}, ...]} (the project's owner, or an
 * operator). */
int th_api_put_beneficiaries(const th_api_req *r, th_api_resp *out)
{
    if (th_api_need_role(r, out, "owner|operator", "setting beneficiaries"))
        return 0;
    th_project p;
    if (own_project(r, out, true, &p))
        return 0;
    th_api_body b;
    if (th_api_body_open(r, out, &b))
        return 0;
    const char *report = th_api_str(&b, "from_report", false, true);
    const char *add = th_api_str(&b, "add_accounts", false, false);
    json_t *list = json_object_get(b.root, "beneficiaries");
    size_t n = json_is_array(list) ? json_array_size(list) : 0;
    if (!b.bad && (report != NULL) == (list != NULL))
        th_api_body_bad(&b, "beneficiaries", "give either from_report or beneficiaries");
    else if (!b.bad && list && (!json_is_array(list) || n == 0 || n > 100000))
        th_api_body_bad(&b, "beneficiaries", "a list of {\"account\", \"weight\"}, 1 or more");
    else if (!b.bad && add && !report)
        th_api_body_bad(&b, "add_accounts", "goes with from_report only");
    const char **accounts = th_xcalloc(n + 1, sizeof *accounts);
    int64_t *weights = th_xcalloc(n + 1, sizeof *weights);
    char (*ids)[24] = th_xcalloc(n + 1, sizeof *ids);
    for (size_t i = 0; !b.bad && i < n; i++) {
        json_t *o = json_array_get(list, i), *a = json_object_get(o, "account");
        json_t *w = json_object_get(o, "weight");
        const char *ws = json_string_value(w);
        if (json_is_integer(a)) {
            snprintf(ids[i], sizeof ids[i], "%lld", (long long)json_integer_value(a));
            accounts[i] = ids[i];
        } else {
            accounts[i] = json_string_value(a);
        }
        if (!accounts[i] || !ws || th_parse_fixed(ws, strlen(ws), 6, &weights[i]) != 0 ||
            weights[i] <= 0)
            th_api_body_bad(&b, "beneficiaries",
                            "each is {\"account\": an id or name, \"weight\": more than 0 with "
                            "at most 6 decimals, as a string, like \"2.5\"}");
    }
    if (!b.bad) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)p.id);
        th_cmd c = {.type = TH_CMD_PROJECT_SHARE};
        c.share = (th_share_new){.project = id, .report = report, .add_accounts = add,
                                 .accounts = accounts, .weights = weights, .n = n};
        th_api_submit(r, out, &c, 200);
    }
    free(accounts);
    free(weights);
    free(ids);
    th_api_body_close(&b);
    return 0;
}
