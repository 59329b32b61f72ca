/* test_cash.c — money written and read to the fen; deposits and withdrawals, with what a
 * refused one leaves (nothing); reserved cash not withdrawable; invariants 4 and 5 checked; an
 * instrument's price band rounded inward. */
#include "test.h"

#include "exchange/cash.h"
#include "exchange/instruments.h"
#include "exchange/sharing.h"
#include "ledger/accounts.h"
#include "ledger/check.h"
#include "store_fixture.h"

TEST(cash_money_parse_and_format)
{
    static const struct {
        const char *s;
        int64_t fen; /* -1: refused */
    } cases[] = {
        {"1250.50", 125050}, {"1250.5", 125050}, {"1250", 125000}, {"0.01", 1},
        {"0.1", 10},         {"007.00", 700},    {"10000000000000.00", TH_FEN_MAX},
        {"0", -1},           {"0.00", -1},       {"-1", -1},       {"+1", -1},
        {"1.005", -1},       {"1e3", -1},        {"1,000", -1},    {"", -1},
        {".5", -1},          {"5.", -1},         {"1..2", -1},     {" 1", -1},
        {"10000000000000.01", -1},               {"99999999999999999999999", -1},
        {"1.2.3", -1},       {"１", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t fen = -1;
        int rc = th_money_parse(cases[i].s, &fen);
        if (cases[i].fen < 0 ? rc == 0 : (rc != 0 || fen != cases[i].fen))
            th_test_fail(__FILE__, __LINE__, "money '%s': rc %d, %lld fen", cases[i].s, rc,
                         (long long)fen);
    }
    char m[32];
    CHECK_INT((int)th_money_format(125050, m), 7);
    CHECK_STR(m, "1250.50");
    th_money_format(7, m);
    CHECK_STR(m, "0.07");
    th_money_format(0, m);
    CHECK_STR(m, "0.00");
    th_money_format(-1999, m);
    CHECK_STR(m, "-19.99");
    th_money_format(INT64_MIN, m);
    CHECK_STR(m, "-92233720368547758.08");
    /* every amount written back reads as itself */
    for (int64_t f = 1; f < 100000; f += 7) {
        int64_t back;
        th_money_format(f, m);
        if (th_money_parse(m, &back) != 0 || back != f)
            th_test_fail(__FILE__, __LINE__, "%lld fen -> '%s' -> %lld", (long long)f, m,
                         (long long)back);
    }
}

static const char now[] = "2026-11-27T10:00:00Z";

TEST(cash_deposit_withdraw_and_invariants)
{
    th_db *db = th_test_db_new("cash.db");
    if (!db)
        return;
    th_err e;
    th_buf out;
    th_buf_init(&out);
    CHECK_INT(th_account_add(db, "buffer", "buffer", true, now, &out, NULL, &e), 0);
    CHECK_INT(th_account_add(db, "fees", "fees", true, now, &out, NULL, &e), 0);
    CHECK_INT(th_account_add(db, "买家", "company", false, now, &out, NULL, &e), 0);
    th_buf_reset(&out);
    CHECK_INT(th_cash_deposit(db, "买家", 125050, "BANK-1", now, &out, NULL, &e), 0);
    CHECK_CONTAINS(out.p, "\"balance_fen\":125050,\"available_fen\":125050,\"reserved_fen\":0");
    th_cash c;
    CHECK_INT(th_cash_get(db, 3, &c, &e), 0);
    CHECK_INT(c.balance, 125050);
    /* the buffer holds no cash; the fees account takes no deposit but gives withdrawals */
    CHECK_INT(th_cash_deposit(db, "buffer", 1, NULL, now, &out, NULL, &e), -1);
    CHECK_CONTAINS(e.msg, "the buffer account takes no deposit");
    CHECK_INT(th_cash_deposit(db, "fees", 1, NULL, now, &out, NULL, &e), -1);
    CHECK_CONTAINS(e.msg, "it receives only the exchange's fees");
    CHECK_INT(th_cash_deposit(db, "买家", 0, NULL, now, &out, NULL, &e), -1);
    CHECK_INT(th_cash_deposit(db, "买家", TH_FEN_MAX + 1, NULL, now, &out, NULL, &e), -1);
    CHECK_INT(th_cash_deposit(db, "买家", 1, "two\nlines", now, &out, NULL, &e), -1);
    CHECK_INT(th_cash_deposit(db, "无此人", 1, NULL, now, &out, NULL, &e), -1);
    /* reserved cash is not available: a withdrawal takes only the rest */
    CHECK_INT(th_db_exec(db, "UPDATE cash SET reserved_fen = 25000 WHERE account_id = 3", &e), 0);
    CHECK_INT(th_cash_withdraw(db, "3", 100051, NULL, now, &out, NULL, &e), -1);
    CHECK_CONTAINS(e.msg, "has 1000.50 available (250.00 reserved for open orders)");
    th_buf_reset(&out);
    CHECK_INT(th_cash_withdraw(db, "3", 100050, "BANK-2", now, &out, NULL, &e), 0);
    CHECK_CONTAINS(out.p, "\"balance_fen\":25000,\"available_fen\":0,\"reserved_fen\":25000");
    /* an account with no cash row refuses a withdrawal by name, not by a constraint */
    CHECK_INT(th_cash_withdraw(db, "fees", 1, NULL, now, &out, NULL, &e), -1);
    CHECK_CONTAINS(e.msg, "insufficient cash: fees has 0.00 available");
    /* reserved with no open order behind it is itself a violation: give it back first */
    th_buf_reset(&out);
    CHECK_INT(th_registry_check(db, &out, &e), 1);
    CHECK_CONTAINS(e.msg, "an account's reserved cash is not what its open buy orders reserve");
    CHECK_INT(th_db_exec(db, "UPDATE cash SET reserved_fen = 0", &e), 0);
    CHECK_INT((int)th_test_scalar(db, "SELECT count(*) FROM cash_moves"), 2);
    CHECK_INT(th_test_scalar(db, "SELECT sum(balance_fen) FROM cash"), 25000);
    th_buf_reset(&out);
    CHECK_INT(th_registry_check(db, &out, &e), 0);
    CHECK_CONTAINS(out.p, "\"cash_fen\":25000");
    /* cash made from nothing, or reserved past the balance, is named */
    CHECK_INT(th_db_exec(db, "UPDATE cash SET balance_fen = 25001", &e), 0);
    CHECK_INT(th_registry_check(db, &out, &e), 1);
    CHECK_CONTAINS(e.msg, "invariant 5");
    CHECK_INT(th_db_exec(db, "PRAGMA ignore_check_constraints = ON;"
                             "UPDATE cash SET balance_fen = 25000, reserved_fen = 25001", &e), 0);
    CHECK_INT(th_registry_check(db, &out, &e), 1);
    CHECK_CONTAINS(e.msg, "invariant 4: a cash balance is negative or less than what it reserves");
    th_buf_free(&out);
    th_db_close(db);
}

/* The band, against the same sums done in 128 bits: inward rounding, never past the band. */
TEST(instrument_band_rounds_inward)
{
    uint64_t x = 88172645463325252u;
    for (int k = 0; k < 20000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        th_instrument in = {.ref_price = k < 3 ? (int64_t[]){1, 5850, TH_FEN_MAX}[k]
                                               : (int64_t)(x % (uint64_t)TH_FEN_MAX) + 1,
                            .band_bps = k % 7 == 0 ? 10000 : (int)(x >> 40) % 10000 + 1};
        int64_t lo, hi;
        th_instrument_band(&in, &lo, &hi);
        __int128 r = in.ref_price, b = in.band_bps;
        __int128 want_lo = (r * (10000 - b) + 9999) / 10000, want_hi = r * (10000 + b) / 10000;
        if (want_lo < 1)
            want_lo = 1;
        if (lo != (int64_t)want_lo || hi != (int64_t)want_hi) {
            th_test_fail(__FILE__, __LINE__, "band of %lld at %d bps: %lld..%lld",
                         (long long)in.ref_price, in.band_bps, (long long)lo, (long long)hi);
            break;
        }
    }
    th_instrument in = {.ref_price = 5850, .band_bps = 1000};
    int64_t lo, hi;
    th_instrument_band(&in, &lo, &hi);
    CHECK_INT(lo, 5265);
    CHECK_INT(hi, 6435);
}

/* Largest remainder, against its definition worked out in 128 bits: floors plus one unit to each
 * of the (amount - sum of floors) largest remainders, earlier first on ties. */
TEST(benefit_split_largest_remainder)
{
    uint64_t x = 0x5DEECE66Dull;
    for (int k = 0; k < 5000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t n = (size_t)(x % 9) + 1;
        int64_t w[10], got[10], amount = (int64_t)((x >> 8) % 100000000);
        if (k % 5 == 0)
            amount = (int64_t)(x >> 2) % TH_FEN_MAX; /* large amounts and weights: 128 bits */
        __int128 total = 0;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            w[i] = k % 7 == 0 ? 3 : (int64_t)(x % 1000000007) + (k % 3 == 0 ? 0 : 1);
            if (k % 5 == 0)
                w[i] = (int64_t)(x >> 4);
            total += w[i];
        }
        if (total == 0)
            continue;
        th_split_largest_remainder(amount, w, n, got);
        /* the definition: rank by remainder (descending), earlier first */
        int64_t want[10];
        __int128 rem[10];
        int64_t given = 0;
        for (size_t i = 0; i < n; i++) {
            want[i] = (int64_t)((__int128)amount * w[i] / total);
            rem[i] = (__int128)amount * w[i] % total;
            given += want[i];
        }
        bool taken[10] = {false};
        for (int64_t left = amount - given; left > 0; left--) {
            size_t best = n;
            for (size_t i = 0; i < n; i++)
                if (!taken[i] && (best == n || rem[i] > rem[best]))
                    best = i;
            taken[best] = true;
            want[best]++;
        }
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum += got[i];
            if (got[i] != want[i]) {
                th_test_fail(__FILE__, __LINE__, "split of %lld over %zu weights: part %zu is "
                                                 "%lld, not %lld", (long long)amount, n, i,
                             (long long)got[i], (long long)want[i]);
                return;
            }
        }
        CHECK_INT(sum, amount);
    }
    /* 100 fen in thirds: 34, 33, 33 (the tie goes to the first) */
    int64_t third[3];
    th_split_largest_remainder(100, (int64_t[]){1, 1, 1}, 3, third);
    CHECK_INT(third[0], 34);
    CHECK_INT(third[1], 33);
    CHECK_INT(third[2], 33);
}
