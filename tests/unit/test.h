/* test.h — a small unit-test harness: TEST() registers a function; CHECK* record failures
 * without stopping the test. The runner (main.c) prints each failure and a last line
 * "N passed, N failed" that CI reads. Size knobs: th_test_long() is true under
 * `make check-long` (TANHUI_LONG=1), for property tests at full size. */
#ifndef TH_TEST_H
#define TH_TEST_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*th_test_fn)(void);
void th_test_register(const char *name, th_test_fn fn, const char *file);
void th_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool th_test_long(void);
/* A directory for this test run's files (made once, removed at exit). */
const char *th_test_tmpdir(void);
/* The shared test data directory (tests/data). */
const char *th_test_datadir(void);
/* The built-in parameter table, parsed (the caller frees it with th_params_free). */
struct th_params *th_test_default_params(void);

#define TEST(name)                                                                   \
    static void name(void);                                                          \
    __attribute__((constructor)) static void reg_##name(void)                        \
    {                                                                                \
        th_test_register(#name, name, __FILE__);                                     \
    }                                                                                \
    static void name(void)

#define CHECK(c)                                                                     \
    do {                                                                             \
        if (!(c))                                                                    \
            th_test_fail(__FILE__, __LINE__, "CHECK(%s)", #c);                       \
    } while (0)

#define CHECK_INT(a, b)                                                              \
    do {                                                                             \
        long long a_ = (long long)(a), b_ = (long long)(b);                          \
        if (a_ != b_)                                                                \
            th_test_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, a_, \
                         #b, b_);                                                    \
    } while (0)

#define CHECK_DBL(a, b)                                                              \
    do {                                                                             \
        double a_ = (a), b_ = (b);                                                   \
        if (!(a_ == b_))                                                             \
            th_test_fail(__FILE__, __LINE__, "%s == %.17g, expected exactly %.17g", #a, \
                         a_, b_);                                                    \
    } while (0)

#define CHECK_NEAR(a, b, eps)                                                        \
    do {                                                                             \
        double a_ = (a), b_ = (b);                                                   \
        if (!(fabs(a_ - b_) <= (eps)))                                               \
            th_test_fail(__FILE__, __LINE__, "%s == %.17g, expected %.17g +- %g", #a, \
                         a_, b_, (double)(eps));                                     \
    } while (0)

#define CHECK_STR(a, b)                                                              \
    do {                                                                             \
        const char *a_ = (a), *b_ = (b);                                             \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                       \
            th_test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a,     \
                         a_ ? a_ : "(null)", b_ ? b_ : "(null)");                    \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                  \
    do {                                                                             \
        const char *h_ = (hay), *n_ = (needle);                                      \
        if (!h_ || !strstr(h_, n_))                                                  \
            th_test_fail(__FILE__, __LINE__, "%s == \"%s\" does not contain \"%s\"", \
                         #hay, h_ ? h_ : "(null)", n_);                              \
    } while (0)

#endif
