/* access_log.h — the server's line per request, gathered and written in runs.
 *
 * A write(2) of every line took a twelfth of a request thread's time under load (BENCHMARKS.md,
 * bench-http, "2026-12-07, third session"). Lines are appended whole to one buffer under a
 * mutex, and the buffer is written to the file descriptor once it holds TH_ACCESS_LOG_RUN
 * bytes, whenever th_access_log_flush is called (the server's main thread, every
 * TH_ACCESS_LOG_EVERY_MS, so that a line is out within that when the server is quiet) and when
 * the log is freed. Lines come out whole, in the order they were appended; a line is never
 * split between two writes unless it is itself longer than a run. A write that fails (the
 * descriptor closed, a full disk) drops the run, as a failed fprintf to stderr would: logging
 * never stops a request. Safe from any thread. */
#ifndef TH_ACCESS_LOG_H
#define TH_ACCESS_LOG_H

#include <stddef.h>

enum { TH_ACCESS_LOG_RUN = 16384, TH_ACCESS_LOG_EVERY_MS = 100 };

typedef struct th_access_log th_access_log;

th_access_log *th_access_log_new(int fd);
/* Flushes what is left, then frees (fd stays open). NULL: nothing. */
void th_access_log_free(th_access_log *l);
/* One line, printf-style; a '\n' is added. */
void th_access_log_line(th_access_log *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void th_access_log_flush(th_access_log *l);
/* Lines appended and writes made so far (for the tests). */
void th_access_log_counts(th_access_log *l, size_t *lines, size_t *writes);

#endif
