/* cmd_instrument.c — `tanhui instrument add|list|show`. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/num.h"
#include "exchange/cash.h"
#include "exchange/instruments.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void instrument_line(json_t *o, th_buf *out)
{
    json_t *project = json_object_get(o, "project");
    char lo[32], hi[32];
    th_money_format((int64_t)json_integer_value(json_object_get(o, "band_lo_fen")), lo);
    th_money_format((int64_t)json_integer_value(json_object_get(o, "band_hi_fen")), hi);
    char proj[32] = "any project";
    if (json_is_integer(project))
        snprintf(proj, sizeof proj, "project %lld", (long long)json_integer_value(project));
    th_buf_printf(out, "%-16s vintage %lld, %s; reference %s CNY, band %s..%s; fees maker %lld "
                       "taker %lld bps; pick depth %lld%s\n",
                  json_string_value(json_object_get(o, "code")),
                  (long long)json_integer_value(json_object_get(o, "vintage")), proj,
                  json_string_value(json_object_get(o, "ref_price")), lo, hi,
                  (long long)json_integer_value(json_object_get(o, "maker_fee_bps")),
                  (long long)json_integer_value(json_object_get(o, "taker_fee_bps")),
                  (long long)json_integer_value(json_object_get(o, "pick_depth")),
                  json_is_true(json_object_get(o, "t_plus_one")) ? "; T+1" : "");
}

static void added_lines(json_t *o, th_buf *out)
{
    th_buf_printf(out, "added instrument %lld: ",
                  (long long)json_integer_value(json_object_get(o, "id")));
    instrument_line(o, out);
}

static void added_text(const th_buf *json, th_buf *out)
{
    th_cli_json_lines(json, out, added_lines);
}

static int list_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    return th_instrument_list_json(db, out, e);
}

static void list_lines(json_t *o, th_buf *out)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, "instruments"), i, v) instrument_line(v, out);
    if (json_array_size(json_object_get(o, "instruments")) == 0)
        th_buf_puts(out, "no instruments yet: add one with tanhui instrument add\n");
}

static int list_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(list_json, db, arg, out, e, list_lines);
}

static int show_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    th_instrument in;
    if (th_instrument_find(db, ref, &in, e))
        return -1;
    th_instrument_json(&in, out);
    return 0;
}

static int show_text(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    return th_cli_as_text(show_json, db, ref, out, e, instrument_line);
}

/* An integer option in [lo, hi] into *v (untouched when absent); -1 with e set if bad. */
static int int_opt(const th_opts *op, const char *name, int lo, int hi, int *v, th_err *e)
{
    const char *s = th_opt(op, name);
    int64_t x;
    if (!s)
        return 0;
    if (th_parse_int64(s, strlen(s), lo, hi, &x))
        return th_fail_at(e, TH_EUSAGE, NULL, 0, name, s, strlen(s),
                          "instrument add: --%s must be a whole number from %d to %d", name, lo,
                          hi);
    *v = (int)x;
    return 0;
}

int th_cmd_instrument(const th_global *g, int argc, char **argv)
{
    th_err e;
    if (argc < 1) {
        th_fail(&e, TH_EUSAGE, "instrument: say add, list or show (see tanhui help instrument)");
        return th_cli_fail(&e);
    }
    if (strcmp(argv[0], "list") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "instrument list", NULL, list_json, list_text);
    if (strcmp(argv[0], "show") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "instrument show", "CODE", show_json,
                           show_text);
    if (strcmp(argv[0], "add") != 0) {
        th_fail(&e, TH_EUSAGE, "instrument: unknown subcommand '%s': use add, list or show",
                argv[0]);
        return th_cli_fail(&e);
    }
    static const th_optspec spec[] = {
        {"vintage", true, false},       {"project", true, false},
        {"ref-price", true, false},     {"band-pct", true, false},
        {"maker-fee-bps", true, false}, {"taker-fee-bps", true, false},
        {"pick-depth", true, false},    {"t-plus-one", false, false},
        {"block-min", true, false},     {"json", false, false},
        {"request-id", true, false}};
    th_opts op;
    if (th_opts_parse(&op, spec, 11, argc - 1, argv + 1, "instrument add", &e))
        return th_cli_fail(&e);
    if (op.npos != 1 || !th_opt(&op, "vintage") || !th_opt(&op, "ref-price")) {
        th_fail(&e, TH_EUSAGE, "instrument add: give one CODE, --vintage YEAR and --ref-price "
                               "PRICE (see tanhui help instrument)");
        return th_cli_fail(&e);
    }
    th_instrument_new in = {.code = op.pos[0], .project = th_opt(&op, "project"),
                            .t_plus_one = th_opt_flag(&op, "t-plus-one")};
    const char *s = th_opt(&op, "ref-price");
    if (th_money_parse(s, &in.ref_price)) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "ref-price", s, strlen(s),
                   "instrument add: --ref-price is yuan per tonne with at most two decimals, "
                   "more than 0, like 58.50");
        return th_cli_fail(&e);
    }
    s = th_opt(&op, "band-pct");
    int64_t bps;
    if (s && (th_parse_fixed(s, strlen(s), 2, &bps) || bps < 1 || bps > 10000)) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "band-pct", s, strlen(s),
                   "instrument add: --band-pct is a percentage more than 0 and at most 100, "
                   "with at most two decimals");
        return th_cli_fail(&e);
    }
    in.band_bps = s ? (int)bps : 0;
    if (int_opt(&op, "vintage", 1900, 9999, &in.vintage, &e) ||
        int_opt(&op, "maker-fee-bps", 0, 1000, &in.maker_fee_bps, &e) ||
        int_opt(&op, "taker-fee-bps", 0, 1000, &in.taker_fee_bps, &e) ||
        int_opt(&op, "pick-depth", 1, 100, &in.pick_depth, &e))
        return th_cli_fail(&e);
    s = th_opt(&op, "block-min");
    if (s && (th_parse_int64(s, strlen(s), 1, INT64_C(999999999999999), &in.block_min) != 0)) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "block-min", s, strlen(s),
                   "instrument add: --block-min is a whole number of tonnes, at least 1");
        return th_cli_fail(&e);
    }
    th_cmd c = {.type = TH_CMD_INSTRUMENT_ADD, .request_id = th_opt(&op, "request-id"),
                .instrument = in};
    return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), added_text);
}
