/* cmd_book.c — `tanhui book replay`: drive one order book with commands on stdin and write its
 * events on stdout (the matching engine's test interface; the language is in market/replay.h).
 * `tanhui book INSTRUMENT` is the exchange's book, shown by cmd_order.c. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/num.h"
#include "market/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int book_options(const th_opts *op, th_book_config *cfg, th_err *e)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->stp = TH_STP_CANCEL_NEWEST;
    cfg->pick_depth = 5;
    const char *v;
    if ((v = th_opt(op, "band"))) {
        const char *colon = strchr(v, ':');
        if (!colon || th_parse_int64(v, (size_t)(colon - v), 1, INT64_MAX, &cfg->band_lo) ||
            th_parse_int64(colon + 1, strlen(colon + 1), 1, INT64_MAX, &cfg->band_hi) ||
            cfg->band_lo > cfg->band_hi)
            return th_fail(e, TH_EUSAGE, "book replay: --band '%s' must be LO:HI, prices with "
                                         "0 < LO <= HI", v);
        cfg->has_band = true;
    }
    if ((v = th_opt(op, "stp"))) {
        static const char *const names[] = {"cancel-newest", "cancel-oldest", "cancel-both",
                                            "off"};
        int k = 0;
        while (k < 4 && strcmp(v, names[k]) != 0)
            k++;
        if (k == 4)
            return th_fail(e, TH_EUSAGE, "book replay: --stp '%s' must be cancel-newest, "
                                         "cancel-oldest, cancel-both or off", v);
        cfg->stp = (th_stp)k;
    }
    if ((v = th_opt(op, "pick-depth"))) {
        int64_t d;
        if (th_parse_int64(v, strlen(v), 1, 1000000, &d))
            return th_fail(e, TH_EUSAGE, "book replay: --pick-depth '%s' must be a whole "
                                         "number from 1 to 1000000", v);
        cfg->pick_depth = (int)d;
    }
    if ((v = th_opt(op, "ref")) &&
        th_parse_int64(v, strlen(v), INT64_MIN, INT64_MAX, &cfg->ref_price))
        return th_fail(e, TH_EUSAGE, "book replay: --ref '%s' must be a whole number", v);
    cfg->auction = th_opt_flag(op, "auction");
    return 0;
}

int th_cmd_book(const th_global *g, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "replay") != 0)
        return th_cli_book_view(g, argc, argv);
    static const th_optspec spec[] = {
        {"band", true, false},  {"stp", true, false},  {"pick-depth", true, false},
        {"auction", false, false}, {"ref", true, false},
    };
    th_err e;
    th_err_clear(&e);
    th_opts op;
    if (th_opts_parse(&op, spec, 5, argc, argv, "book", &e))
        return th_cli_fail(&e);
    if (op.npos != 1 || strcmp(op.pos[0], "replay") != 0) {
        th_fail(&e, TH_EUSAGE, "book: use `tanhui book replay [OPTIONS] < COMMANDS` (see "
                               "tanhui help book)");
        return th_cli_fail(&e);
    }
    th_book_config cfg;
    if (book_options(&op, &cfg, &e))
        return th_cli_fail(&e);
    th_buf out;
    th_buf_init(&out);
    th_replay r;
    th_replay_init(&r, &cfg, &out);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int status = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            n--;
        th_replay_line(&r, line, (size_t)n);
        if (out.len >= 1 << 16) {
            if (th_cli_write(stdout, &out, &e)) {
                status = th_cli_fail(&e);
                break;
            }
            th_buf_reset(&out);
        }
    }
    if (status == 0 && th_cli_write(stdout, &out, &e) == 0 && fflush(stdout) != 0)
        th_fail(&e, TH_EIO, "cannot write the output");
    if (status == 0 && e.code != TH_OK)
        status = th_cli_fail(&e);
    free(line);
    th_replay_free(&r);
    th_buf_free(&out);
    return status;
}
