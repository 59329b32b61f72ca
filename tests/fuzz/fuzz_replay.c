/* fuzz_replay.c — libFuzzer driver for the order book through its replay language: the parser
 * (any bytes), and the book's invariants after every line (continuous trading is never left
 * crossed; every level holds quantity). The first byte picks the book's configuration.
 *
 *   make fuzz && build/fuzz-replay tests/fuzz/corpus/replay      (clang, libFuzzer)
 *   build/fuzz-replay-replay tests/fuzz/corpus/replay             (gcc, in make test)
 */
#include "market/replay.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_book(const th_book *b, bool continuous)
{
    int64_t bid, ask, total;
    for (int s = 0; s < 2; s++)
        for (int d = 0; d < th_book_levels(b, (th_side)s); d++)
            if (!th_book_level(b, (th_side)s, d, &bid, &total) || total <= 0)
                abort();
    if (continuous && th_book_level(b, TH_BUY, 0, &bid, &total) &&
        th_book_level(b, TH_SELL, 0, &ask, &total) && bid >= ask)
        abort(); /* a crossed book in continuous trading */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t c = data[0];
    th_book_config cfg = {.stp = (th_stp)(c & 3), .pick_depth = 1 + ((c >> 2) & 3),
                          .auction = (c & 16) != 0, .has_band = (c & 32) != 0, .band_lo = 90,
                          .band_hi = 110, .ref_price = 100};
    th_buf out;
    th_buf_init(&out);
    th_replay r;
    th_replay_init(&r, &cfg, &out);
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        th_replay_line(&r, p, n);
        check_book(r.book, !th_book_in_auction(r.book));
        th_buf_reset(&out);
        p += n + 1;
    }
    th_replay_free(&r);
    th_buf_free(&out);
    return 0;
}
