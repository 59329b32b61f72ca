/* fuzz_csv.c — libFuzzer driver for the inventory CSV path: decoding (UTF-8/GBK detection),
 * the tokenizer, row validation, and the join. The input is split at the first form feed (0x0C)
 * into a before and an after survey, so the join sees related files too.
 *
 *   make fuzz && build/fuzz-csv tests/fuzz/corpus/csv      (clang, libFuzzer)
 *   build/fuzz-csv-replay tests/fuzz/corpus/csv             (gcc, in make test)
 */
#include "carbon/params_default.h"
#include "inventory/csv_reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static th_params *params;

static char *owned[2];

static void read_one(const char *p, size_t n, th_parcel_set *set, th_rowerrs *errs, int k)
{
    th_row_opts o = {.params = params, .by = TH_BY_OWNER, .has_default_date = (n & 1) != 0,
                     .default_date = 18000};
    th_row_ctx ctx;
    th_row_ctx_init(&ctx, &o, set, errs);
    th_encoding used;
    th_err e;
    /* a file-level error leaves the rows read so far: the join still runs on them */
    if (th_csv_read_bytes(p, n, TH_ENC_AUTO, "fuzz.csv", &ctx, &used, &owned[k], &e) != 0)
        th_err_clear(&e);
    th_row_ctx_free(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!params) {
        th_err e;
        if (th_params_parse(th_params_default_csv, th_params_default_len, "default", &params, &e))
            abort();
    }
    const char *p = (const char *)data;
    const char *ff = memchr(p, '\f', size);
    size_t n1 = ff ? (size_t)(ff - p) : size;
    th_parcel_set b, a;
    th_parcel_set_init(&b, "before.csv");
    th_parcel_set_init(&a, "after.csv");
    th_rowerrs errs;
    th_rowerrs_init(&errs, 50);
    read_one(p, n1, &b, &errs, 0);
    if (ff)
        read_one(ff + 1, size - n1 - 1, &a, &errs, 1);
    th_measure_join(&b, &a, &errs);
    th_deductions d;
    th_deductions_default(&d);
    th_measure m;
    th_err e;
    if (th_measure_compute(&b, &a, TH_BY_OWNER, &d, &m, &e) == 0) {
        /* the sums must hold together whatever the input */
        if (m.parcels != m.matched + m.before_only + m.after_only)
            abort();
    }
    th_measure_free(&m);
    th_rowerrs_free(&errs);
    th_parcel_set_free(&b);
    th_parcel_set_free(&a);
    for (int k = 0; k < 2; k++) {
        free(owned[k]);
        owned[k] = NULL;
    }
    return 0;
}
