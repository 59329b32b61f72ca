/* test_serial.c — serial numbers and blocks: text, strict parsing, exact splitting. */
#include "test.h"

#include "ledger/serial.h"

static th_block blk(const char *reg, const char *proj, int vintage, int64_t first, int64_t last)
{
    th_block b;
    memset(&b, 0, sizeof b);
    snprintf(b.registry, sizeof b.registry, "%s", reg);
    snprintf(b.project, sizeof b.project, "%s", proj);
    b.vintage = vintage;
    b.first = first;
    b.last = last;
    return b;
}

TEST(serial_text_round_trip)
{
    th_block b = blk("SGFC", "P0007", 2024, 120001, 121500), r;
    char s[TH_SERIAL_TEXT_MAX];
    th_block_format(&b, s);
    CHECK_STR(s, "SGFC-P0007-2024-000120001-000121500");
    CHECK_INT(th_block_quantity(&b), 1500);
    th_err e;
    CHECK_INT(th_block_parse(s, strlen(s), &r, &e), 0);
    CHECK_STR(r.registry, "SGFC");
    CHECK_STR(r.project, "P0007");
    CHECK_INT(r.vintage, 2024);
    CHECK_INT(r.first, 120001);
    CHECK_INT(r.last, 121500);
    /* past nine digits the numbers simply grow */
    b = blk("SGFC", "P1", 2030, 1234567890123, 1234567890124);
    th_block_format(&b, s);
    CHECK_STR(s, "SGFC-P1-2030-1234567890123-1234567890124");
    CHECK_INT(th_block_parse(s, strlen(s), &r, &e), 0);
    CHECK_INT(th_block_quantity(&r), 2);
    /* the largest serials and the widest codes still fit */
    b = blk("ABCDEFGHIJKLMNO", "P12345678901234567890AB", 9999, TH_SERIAL_MAX - 1, TH_SERIAL_MAX);
    th_block_format(&b, s);
    CHECK_STR(s, "ABCDEFGHIJKLMNO-P12345678901234567890AB-9999-999999999999998-999999999999999");
    char code[24];
    th_project_code(7, code);
    CHECK_STR(code, "P0007");
    th_project_code(123456, code);
    CHECK_STR(code, "P123456");
}

TEST(serial_parse_is_strict)
{
    static const char *const bad[] = {
        "SN-BLK-DEMO-D-NaN-NaN-undefined", /* the malformed serial of another registry */
        "SGFC-P0007-2024-000120001",       /* a part missing */
        "SGFC-P0007-2024-000121500-000120001", /* last before first */
        "SGFC-P0007-2024-000000000-000000005", /* serials start at 1 */
        "SGFC-P0007-24-1-5",
        "SGFC-P0007-2024-1-5-6",
        "SGFC-P0007-2024--5",
        "SGFC-P0007-2024-1-",
        "SGFC-P0007-2024-1e3-2000",
        "SGFC-P0007-2024-+1-5",
        "SG FC-P0007-2024-1-5",
        "SGFC-P_7-2024-1-5",
        "-P0007-2024-1-5",
        "SGFC-P0007-2024-1-9999999999999999", /* sixteen digits */
        "SGFC-P0007-1899-1-5",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        th_block b;
        th_err e;
        th_err_clear(&e);
        if (th_block_parse(bad[i], strlen(bad[i]), &b, &e) == 0)
            th_test_fail(__FILE__, __LINE__, "'%s' was accepted", bad[i]);
        else if (!e.field[0] || !e.msg[0])
            th_test_fail(__FILE__, __LINE__, "'%s': the error names no part", bad[i]);
    }
}

TEST(serial_split_partitions_exactly)
{
    /* the CADT bug: 0-10 split into 0-5 and 6-10 showed 6 units each. Here 1-11 (11 credits). */
    th_block b = blk("SGFC", "P1", 2024, 1, 11), head, tail;
    th_err e;
    CHECK_INT(th_block_split(&b, 6, &head, &tail, &e), 0);
    CHECK_INT(head.first, 1);
    CHECK_INT(head.last, 6);
    CHECK_INT(tail.first, 7);
    CHECK_INT(tail.last, 11);
    CHECK_INT(th_block_quantity(&head) + th_block_quantity(&tail), 11);
    CHECK_INT(th_block_split(&b, 11, &head, &tail, &e), 0);
    CHECK_INT(th_block_quantity(&tail), 0);
    CHECK_INT(th_block_split(&b, 12, &head, &tail, &e), -1);
    CHECK_INT(th_block_split(&b, 0, &head, &tail, &e), -1);
    CHECK_INT(th_block_split(&b, -3, &head, &tail, &e), -1);

    th_block before, range, after;
    CHECK_INT(th_block_cut(&b, 4, 8, &before, &range, &after, &e), 0);
    CHECK_INT(th_block_quantity(&before), 3);
    CHECK_INT(th_block_quantity(&range), 5);
    CHECK_INT(th_block_quantity(&after), 3);
    CHECK_INT(th_block_cut(&b, 1, 11, &before, &range, &after, &e), 0);
    CHECK_INT(th_block_quantity(&before) + th_block_quantity(&after), 0);
    CHECK_INT(th_block_cut(&b, 0, 3, &before, &range, &after, &e), -1);
    CHECK_INT(th_block_cut(&b, 5, 12, &before, &range, &after, &e), -1);
    CHECK_INT(th_block_cut(&b, 6, 5, &before, &range, &after, &e), -1);

    /* property: random splits and cuts always partition their parent */
    uint64_t x = 99;
    int n = th_test_long() ? 1000000 : 50000, wrong = 0;
    for (int i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t first = (int64_t)(x % 1000000000u) + 1, q = (int64_t)((x >> 30) % 100000u) + 1;
        th_block p = blk("SGFC", "P9", 2025, first, first + q - 1);
        int64_t k = (int64_t)((x >> 47) % (uint64_t)q) + 1;
        if (th_block_split(&p, k, &head, &tail, &e) != 0 || head.first != p.first ||
            th_block_quantity(&head) != k || th_block_quantity(&head) + th_block_quantity(&tail) != q ||
            (th_block_quantity(&tail) && tail.first != head.last + 1))
            wrong++;
        int64_t a = p.first + (int64_t)((x >> 20) % (uint64_t)q), z = a + (int64_t)((x >> 40) % (uint64_t)(p.last - a + 1));
        if (th_block_cut(&p, a, z, &before, &range, &after, &e) != 0 ||
            th_block_quantity(&before) + th_block_quantity(&range) + th_block_quantity(&after) != q)
            wrong++;
    }
    CHECK_INT(wrong, 0);
}

TEST(serial_take_lowest_first)
{
    th_block have[3] = {blk("SGFC", "P1", 2024, 1, 10), blk("SGFC", "P1", 2024, 21, 25),
                        blk("SGFC", "P1", 2024, 100, 199)};
    th_block out[3], rest;
    size_t nout, ri;
    th_err e;
    CHECK_INT(th_blocks_take(have, 3, 12, out, &nout, &ri, &rest, &e), 0);
    CHECK_INT(nout, 2);
    CHECK_INT(out[0].first, 1);
    CHECK_INT(out[0].last, 10);
    CHECK_INT(out[1].first, 21);
    CHECK_INT(out[1].last, 22);
    CHECK_INT(ri, 1);
    CHECK_INT(rest.first, 23);
    CHECK_INT(rest.last, 25);
    CHECK_INT(th_blocks_take(have, 3, 115, out, &nout, &ri, &rest, &e), 0);
    CHECK_INT(nout, 3);
    CHECK_INT(th_block_quantity(&rest), 0);
    CHECK_INT(th_blocks_take(have, 3, 116, out, &nout, &ri, &rest, &e), -1);
    CHECK_CONTAINS(e.msg, "only 115 credits");
    CHECK_INT(th_blocks_take(have, 3, 0, out, &nout, &ri, &rest, &e), -1);
}
