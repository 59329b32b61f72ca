/* main.c — the unit-test runner. Usage: test-unit [SUBSTRING...] runs the tests whose name
 * contains one of the substrings (all without arguments). */
#include "test.h"

#include "carbon/params.h"
#include "carbon/params_default.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
    const char *name, *file;
    th_test_fn fn;
} entry;

static entry tests[512];
static int ntests;
static int cur_failures;
static const char *cur_name;
static char tmpdir[256];

void th_test_register(const char *name, th_test_fn fn, const char *file)
{
    if (ntests < 512)
        tests[ntests++] = (entry){name, file, fn};
}

void th_test_fail(const char *file, int line, const char *fmt, ...)
{
    if (cur_failures++ < 20) {
        fprintf(stdout, "FAIL %s (%s:%d): ", cur_name, file, line);
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stdout, fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
    }
}

bool th_test_long(void)
{
    const char *s = getenv("TANHUI_LONG");
    return s && *s && strcmp(s, "0") != 0;
}

static void rm_tmp(void)
{
    if (tmpdir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdir);
    }
}

const char *th_test_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/tanhui-test.XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            exit(1);
        }
        atexit(rm_tmp);
    }
    return tmpdir;
}

const char *th_test_datadir(void)
{
    const char *s = getenv("TANHUI_TEST_DATA");
    return s && *s ? s : "tests/data";
}

th_params *th_test_default_params(void)
{
    th_params *p = NULL;
    th_err e;
    if (th_params_parse(th_params_default_csv, th_params_default_len, "default", &p, &e) != 0)
        th_test_fail(__FILE__, __LINE__, "the built-in table: %s", e.msg);
    return p;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (int i = 0; i < ntests; i++) {
        bool run = argc < 2;
        for (int k = 1; k < argc; k++)
            run |= strstr(tests[i].name, argv[k]) != NULL;
        if (!run)
            continue;
        cur_name = tests[i].name;
        cur_failures = 0;
        tests[i].fn();
        if (cur_failures) {
            failed++;
            printf("not ok  %s (%d failed checks)\n", tests[i].name, cur_failures);
        } else {
            passed++;
            if (getenv("TANHUI_VERBOSE"))
                printf("ok      %s\n", tests[i].name);
        }
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
