/* access_log.h — the server's line per request, gathered by the request threads and written by
 * one other thread.
 *
 * A write(2) of every line took a twelfth of a request thread's time under load (BENCHMARKS.md,
 * bench-http, "2026-12-07, third session"), and a write that blocks (a full pipe, the kernel
 * throttling a process that dirties pages fast) held up every request thread waiting to log.
 * Now a request thread only appends its line, whole, to a buffer under a mutex; the buffer is
 * written out by whoever calls th_access_log_flush (the server's main thread, every
 * TH_ACCESS_LOG_EVERY_MS, so that a line is out within that), with the buffer swapped for an
 * empty one first, so that lines go on being appended while it is written. Lines come out
 * whole and in the order they were appended. A line that would take the buffer past
 * TH_ACCESS_LOG_MAX bytes (the descriptor not keeping up) is dropped and counted, and the next
 * flush writes, after the lines it has, a line saying how many were dropped. A write that fails (the descriptor
 * closed, a full disk) drops what it was writing: logging never stops a request. Safe from any
 * thread. */
#ifndef TH_ACCESS_LOG_H
#define TH_ACCESS_LOG_H

#include <stddef.h>

enum { TH_ACCESS_LOG_EVERY_MS = 100, TH_ACCESS_LOG_MAX = 8 << 20 };

typedef struct th_access_log th_access_log;

th_access_log *th_access_log_new(int fd);
/* Flushes what is left, then frees (fd stays open). NULL: nothing. */
void th_access_log_free(th_access_log *l);
/* One line, printf-style; a '\n' is added. Never waits for I/O. */
void th_access_log_line(th_access_log *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Write out the lines appended so far (the caller's thread waits for the write). */
void th_access_log_flush(th_access_log *l);
/* Lines appended, writes made and lines dropped so far (for the tests). */
void th_access_log_counts(th_access_log *l, size_t *lines, size_t *writes, size_t *dropped);

#endif
