/* test_base.c — dates, numbers, text, JSON and the CSV tokenizer. */
#include "test.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/date.h"
#include "base/err.h"
#include "base/json.h"
#include "base/num.h"
#include "base/rowerr.h"
#include "base/sha256.h"
#include "base/text.h"

#include <stdlib.h>

TEST(date_parse_and_format)
{
    int32_t d;
    CHECK_INT(th_date_parse("1970-01-01", 10, &d), 0);
    CHECK_INT(d, 0);
    CHECK_INT(th_date_parse("2024-02-29", 10, &d), 0);
    char out[11];
    th_date_format(d, out);
    CHECK_STR(out, "2024-02-29");
    CHECK_INT(th_date_parse("2023-02-29", 10, &d), -1); /* not a leap year */
    CHECK_INT(th_date_parse("1900-02-29", 10, &d), -1); /* century, not leap */
    CHECK_INT(th_date_parse("2000-02-29", 10, &d), 0);  /* 400-year, leap */
    CHECK_INT(th_date_parse("2019-13-01", 10, &d), -1);
    CHECK_INT(th_date_parse("2019-04-31", 10, &d), -1);
    CHECK_INT(th_date_parse("2019-4-1", 8, &d), -1);
    CHECK_INT(th_date_parse("2019/04/01", 10, &d), -1);
    CHECK_INT(th_date_parse("20a9-04-01", 10, &d), -1);
    /* every day of four centuries round-trips */
    int32_t lo = th_days_from_civil(1800, 1, 1), hi = th_days_from_civil(2200, 12, 31);
    bool ok = true;
    for (int32_t x = lo; x <= hi && ok; x++) {
        th_date_format(x, out);
        int32_t back;
        ok = th_date_parse(out, 10, &back) == 0 && back == x;
    }
    CHECK(ok);
    CHECK_INT(th_days_from_civil(2024, 9, 21) - th_days_from_civil(2019, 4, 1), 2000);
}

TEST(parse_double_is_exact)
{
    static const char *const good[] = {"0", "12", "-0.5", "+3.25", "1e3", "1.5E-2", "175.4",
                                       "0.1", "123456789012345678901234567890", "4.9e-324",
                                       "1.7976931348623157e308", "00012.5000", ".5", "5."};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        double v;
        CHECK_INT(th_parse_double(good[i], strlen(good[i]), &v), 0);
        CHECK_DBL(v, strtod(good[i], NULL));
    }
    static const char *const bad[] = {"", "-", "abc", "1,5", "1.2.3", "1e", "1e+", "inf", "nan",
                                      "0x10", " 1", "1 ", "--1", "."};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v;
        if (th_parse_double(bad[i], strlen(bad[i]), &v) == 0)
            th_test_fail(__FILE__, __LINE__, "'%s' was accepted as a number", bad[i]);
    }
    /* random decimals: the fast path must agree with strtod to the bit */
    uint64_t x = 88172645463325252u;
    int n = th_test_long() ? 2000000 : 100000, wrong = 0;
    for (int i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        char s[64];
        int digits = (int)(x % 19) + 1, frac = (int)((x >> 8) % (unsigned)(digits + 1));
        uint64_t m = (x >> 16) % 10000000000000000000u;
        snprintf(s, sizeof s, "%llu", (unsigned long long)m);
        size_t len = strlen(s) > (size_t)digits ? (size_t)digits : strlen(s);
        s[len] = '\0';
        if (frac > 0 && (size_t)frac < len) {
            memmove(s + len - (size_t)frac + 1, s + len - (size_t)frac, (size_t)frac + 1);
            s[len - (size_t)frac] = '.';
        }
        double v;
        if (th_parse_double(s, strlen(s), &v) != 0 || v != strtod(s, NULL))
            wrong++;
    }
    CHECK_INT(wrong, 0);
}

TEST(parse_fixed_and_int)
{
    int64_t v;
    CHECK_INT(th_parse_fixed("12.5", 4, 6, &v), 0);
    CHECK_INT(v, 12500000);
    CHECK_INT(th_parse_fixed("14.3", 4, 6, &v), 0);
    CHECK_INT(v, 14300000);
    CHECK_INT(th_parse_fixed("0.0000001", 9, 6, &v), -1); /* too many decimals */
    CHECK_INT(th_parse_fixed("1e3", 3, 6, &v), -1);
    CHECK_INT(th_parse_int64("42", 2, 0, 100, &v), 0);
    CHECK_INT(v, 42);
    CHECK_INT(th_parse_int64("4.0", 3, 0, 100, &v), -1);
    CHECK_INT(th_parse_int64("101", 3, 0, 100, &v), -1);
    CHECK_INT(th_parse_int64("99999999999999999999", 20, 0, INT64_MAX, &v), -1);
}

TEST(text_helpers)
{
    const char *s = "\t 杉木\xE3\x80\x80 ";
    size_t n = strlen(s);
    th_trim(&s, &n);
    CHECK_INT(n, 6);
    CHECK(memcmp(s, "杉木", 6) == 0);
    CHECK(th_eq_nocase("Chinese Fir", 11, "chinese fir", 11));
    CHECK(!th_eq_nocase("fir", 3, "firs", 4));
    CHECK(th_utf8_valid("abc杉木", 9));
    CHECK(!th_utf8_valid("\xC0\xAF", 2));         /* overlong */
    CHECK(!th_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    CHECK(!th_utf8_valid("\xC2\xED\xCE\xB2\xCB\xC9", 6)); /* 马尾松 in GBK */
    CHECK(!th_utf8_valid("abcdefghij\xE6\x9D", 12)); /* cut sequence after a fast stretch */
}

TEST(json_writer)
{
    th_buf b;
    th_buf_init(&b);
    th_json j;
    th_json_init(&j, &b);
    th_json_obj_begin(&j);
    th_json_key(&j, "a");
    th_json_int(&j, -3);
    th_json_key(&j, "ints");
    th_json_arr_begin(&j);
    th_json_int(&j, 0);
    th_json_int(&j, INT64_MIN);
    th_json_int(&j, INT64_MAX);
    th_json_arr_end(&j);
    th_json_key(&j, "s");
    th_json_str(&j, "q\"\\\n\x01杉");
    th_json_key(&j, "arr");
    th_json_arr_begin(&j);
    th_json_double(&j, 0.1);
    th_json_double(&j, 20);
    th_json_double(&j, 1.0 / 3.0);
    th_json_double(&j, NAN);
    th_json_bool(&j, true);
    th_json_null(&j);
    th_json_arr_end(&j);
    th_json_key(&j, "bad");
    th_json_strn(&j, "a\xFFz", 3);
    th_json_obj_end(&j);
    CHECK_STR(b.p, "{\"a\":-3,\"ints\":[0,-9223372036854775808,9223372036854775807],"
                   "\"s\":\"q\\\"\\\\\\n\\u0001杉\",\"arr\":[0.1,20,0.3333333333333333,"
                   "null,true,null],\"bad\":\"a\xEF\xBF\xBDz\"}");
    th_buf_free(&b);
    /* every double comes back exactly from its text */
    uint64_t x = 42;
    bool ok = true;
    for (int i = 0; i < 100000 && ok; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v))
            continue;
        char s[40];
        th_fmt_double(s, sizeof s, v);
        ok = strtod(s, NULL) == v;
    }
    CHECK(ok);
}

static int next(th_csv *c, th_csv_field *f, int *nf, long *line)
{
    const char *msg;
    int r = th_csv_next(c, f, 4, nf, &msg);
    *line = c->rec_line;
    return r;
}

static int first_record(const char *text, th_csv_field *f, int *nf)
{
    th_csv c;
    long line;
    th_csv_init(&c, text, strlen(text));
    int r = next(&c, f, nf, &line);
    if (r == 1)
        r = next(&c, f, nf, &line);
    th_csv_free(&c);
    return r;
}

TEST(csv_tokenizer)
{
    const char *text = "a,b\r\n\r\n\"x, y\",\"he said \"\"hi\"\"\"\n"
                       "\"multi\nline\",2\n,\n" "last,row";
    th_csv c;
    th_csv_init(&c, text, strlen(text));
    th_csv_field f[4];
    int nf;
    long line;
    CHECK_INT(next(&c, f, &nf, &line), 1);
    CHECK_INT(nf, 2);
    CHECK_INT(line, 1);
    CHECK(f[0].len == 1 && f[0].p[0] == 'a');
    CHECK_INT(next(&c, f, &nf, &line), 1);
    CHECK_INT(line, 3); /* the empty line was skipped */
    CHECK(f[0].len == 4 && memcmp(f[0].p, "x, y", 4) == 0);
    CHECK(f[1].len == 12 && memcmp(f[1].p, "he said \"hi\"", 12) == 0);
    CHECK_INT(next(&c, f, &nf, &line), 1);
    CHECK_INT(line, 4);
    CHECK(f[0].len == 10 && memcmp(f[0].p, "multi\nline", 10) == 0);
    CHECK_INT(next(&c, f, &nf, &line), 1);
    CHECK_INT(line, 6);
    CHECK_INT(nf, 2);
    CHECK(f[0].len == 0 && f[1].len == 0);
    CHECK_INT(next(&c, f, &nf, &line), 1);
    CHECK_INT(line, 7);
    CHECK(f[1].len == 3 && memcmp(f[1].p, "row", 3) == 0);
    CHECK_INT(next(&c, f, &nf, &line), 0);
    th_csv_free(&c);

    CHECK_INT(first_record("h\na,\"never closed\n", f, &nf), -1);
    CHECK_INT(first_record("h\na,\"q\"x,b\n", f, &nf), -1);
    /* more fields than room: counted, not stored past max */
    CHECK_INT(first_record("h\n1,2,3,4,5,6\n", f, &nf), 1);
    CHECK_INT(nf, 6);
    /* UTF-8 checked only in the fields asked for */
    {
        const char *t = "\xff,ok,\"\xfe\"\n";
        uint8_t cols[3] = {0, 1, 0};
        th_csv_init(&c, t, strlen(t));
        th_csv_check_utf8(&c, cols, 3);
        CHECK_INT(next(&c, f, &nf, &line), 1);
        CHECK(c.bad_utf8 == SIZE_MAX);
        th_csv_free(&c);
        cols[2] = 1;
        th_csv_init(&c, t, strlen(t));
        th_csv_check_utf8(&c, cols, 3);
        CHECK_INT(next(&c, f, &nf, &line), 1);
        CHECK_INT(c.bad_utf8, 6);
        th_csv_free(&c);
        th_csv_init(&c, t, strlen(t));
        th_csv_check_utf8(&c, NULL, 0);
        CHECK_INT(next(&c, f, &nf, &line), 1);
        CHECK_INT(c.bad_utf8, 0);
        th_csv_free(&c);
    }
    /* a lone CR ends a record too */
    CHECK_INT(first_record("h\rx,y\r", f, &nf), 1);
    CHECK_INT(nf, 2);
}

TEST(sha256_known_vectors)
{
    uint8_t d[32];
    char hex[65];
    th_sha256("abc", 3, d);
    th_hex(d, 32, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    th_sha256("", 0, d);
    th_hex(d, 32, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* The many-at-once SHA-256 against libcrypto's, one by one: random lengths around every block
 * boundary the padding has (55, 56, 63, 64...), groups of every size, both prefixes, at every
 * width the CPU has (16 lanes, 8, and libcrypto's one at a time). */
static void sha256_many_at(int lanes);

TEST(sha256_many_matches_one_at_a_time)
{
    int widest = th_sha256_many_limit(16);
    for (int lanes = 16; lanes >= 1; lanes /= 2) {
        if (lanes == 4 || lanes == 2 || lanes > widest)
            continue;
        CHECK_INT(th_sha256_many_limit(lanes), lanes);
        sha256_many_at(lanes);
    }
    th_sha256_many_limit(16);
}

static void sha256_many_at(int lanes)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    enum { MAX = 40 };
    static uint8_t data[MAX][700];
    const uint8_t *msg[MAX];
    size_t len[MAX];
    uint8_t many[MAX][32], one[32];
    int rounds = th_test_long() ? 4000 : 400;
    for (int r = 0; r < rounds; r++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t count = (size_t)(x % MAX) + 1;
        for (size_t i = 0; i < count; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            len[i] = r % 3 == 0 ? (size_t)(x % 700) : (size_t)(x % 140);
            for (size_t j = 0; j < len[i]; j++)
                data[i][j] = (uint8_t)(x >> (j % 56));
            msg[i] = data[i];
        }
        uint8_t prefix = (uint8_t)(r & 1);
        th_sha256_prefixed_many(prefix, msg, len, count, many);
        for (size_t i = 0; i < count; i++) {
            uint8_t buf[701];
            buf[0] = prefix;
            memcpy(buf + 1, data[i], len[i]);
            th_sha256(buf, len[i] + 1, one);
            if (memcmp(one, many[i], 32) != 0) {
                th_test_fail(__FILE__, __LINE__,
                             "%d lanes: message %zu of %zu (%zu bytes) differs", lanes, i, count,
                             len[i]);
                return;
            }
        }
    }
}

TEST(rowerrs_cap_and_sort)
{
    th_rowerrs l;
    th_rowerrs_init(&l, 3);
    th_rowerrs_add(&l, "b.csv", 9, "x", "1", 1, "m1");
    th_rowerrs_add(&l, "a.csv", 5, "y", "2", 1, "m2");
    th_rowerrs_add(&l, "a.csv", 2, "z", "3", 1, "m3");
    th_rowerrs_add(&l, "a.csv", 1, "w", "4", 1, "m4");
    CHECK_INT(l.total, 4);
    CHECK_INT(l.n, 3);
    th_rowerrs_sort(&l);
    CHECK_STR(l.v[0].file, "a.csv");
    CHECK_INT(l.v[0].line, 2);
    CHECK_INT(l.v[1].line, 5);
    CHECK_STR(l.v[2].file, "b.csv");
    th_rowerrs_free(&l);
}

TEST(error_values_are_shown_as_text)
{
    char out[16];
    th_copy_utf8(out, sizeof out, "杉木", strlen("杉木"));
    CHECK_STR(out, "杉木");
    /* invalid UTF-8 and control characters are shown, never sent raw */
    th_copy_utf8(out, sizeof out, "a\xFF\tb", 4);
    CHECK_STR(out, "a\\xFF\\x09b");
    /* a cut never splits a character or an escape */
    th_copy_utf8(out, 7, "ab杉木", strlen("ab杉木"));
    CHECK_STR(out, "ab杉");
    th_copy_utf8(out, 6, "ab\x01", 3);
    CHECK_STR(out, "ab");
    th_copy_utf8(out, sizeof out, NULL, 5);
    CHECK_STR(out, "");
}

TEST(text_copy_joins_and_cuts_at_a_character)
{
    char out[12];
    CHECK_INT((int64_t)th_text_copy(out, sizeof out, "", ""), 0); /* one literal, twice */
    CHECK_STR(out, "");
    CHECK_INT((int64_t)th_text_copy(out, sizeof out, "account ", "42"), 10);
    CHECK_STR(out, "account 42");
    /* 11 bytes fit: "碳汇" is 6, "林场" would end past them, so it is cut before its second
     * character */
    CHECK_INT((int64_t)th_text_copy(out, sizeof out, "碳汇", "林场"), 9);
    CHECK_STR(out, "碳汇林");
    CHECK_INT((int64_t)th_text_copy(out, sizeof out, "a prefix too long", "x"), 11);
    CHECK_STR(out, "a prefix to");
    char one[1];
    CHECK_INT((int64_t)th_text_copy(one, sizeof one, "abc", "def"), 0);
    CHECK_STR(one, "");
}
