/* err.h — the one error type of tanhui.
 *
 * Every fallible function returns an int (0 = success, -1 = failure) and fills a caller-owned
 * th_err. The error carries a code (which decides the exit status and, later, the HTTP status)
 * and the place it happened: file, line, field and value, so a user can always be told *what*
 * was wrong and *where*. Programming errors are assert()s, never th_err. */
#ifndef TH_ERR_H
#define TH_ERR_H

#include <stddef.h>

typedef enum {
    TH_OK = 0,
    TH_EUSAGE,    /* bad command line */
    TH_EINPUT,    /* bad input data: a file, a row, a value */
    TH_EIO,       /* the system failed us: open, read, write */
    TH_EINTERNAL  /* anything else */
} th_code;

typedef struct {
    th_code code;
    long line;        /* 0 when not about a line */
    char file[256];   /* "" when not about a file */
    char field[64];
    char value[128];
    char msg[512];
} th_err;

void th_err_clear(th_err *e);

/* Fill e and return -1. fmt describes what was wrong, in words a user understands. */
int th_fail(th_err *e, th_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int th_fail_at(th_err *e, th_code code, const char *file, long line, const char *field,
               const char *value, size_t value_len, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* "file:line: column f, value 'v': message" for a file; "f 'v': message" for a command's
 * argument; absent parts left out. */
void th_err_format(const th_err *e, char *out, size_t cap);

/* 0 for TH_OK, 2 for usage and input errors, 1 for the rest. */
int th_err_exit_status(const th_err *e);

/* Copy at most n bytes of s into dst (cap bytes), NUL-terminated, as valid UTF-8: a byte that
 * is not part of a valid sequence, or is a control character, is written as \xHH; the copy is
 * cut at a character boundary. */
void th_copy_utf8(char *dst, size_t cap, const char *s, size_t n);

#endif
