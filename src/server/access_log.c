/* access_log.c — lines gathered by many threads, written by one. See access_log.h.
 *
 * Two buffers: `cur`, which the request threads append to under `mu`, and `out`, which a flush
 * writes under `io`. A flush takes `io`, then swaps the two under `mu` (a moment), and writes
 * with `mu` free, so an appender never waits for a write. `io` keeps two flushes from
 * interleaving their writes; its holder is the only user of `out`. Lock order: io, then mu. */
#include "server/access_log.h"

#include "base/buf.h"
#include "base/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct th_access_log {
    int fd;
    pthread_mutex_t mu; /* cur and the counts of lines */
    th_buf cur;
    size_t lines, dropped, dropped_told;
    pthread_mutex_t io; /* out and the count of writes */
    th_buf out;
    size_t writes;
};

enum { START = 64 << 10 };

th_access_log *th_access_log_new(int fd)
{
    th_access_log *l = th_xcalloc(1, sizeof *l);
    l->fd = fd;
    pthread_mutex_init(&l->mu, NULL);
    pthread_mutex_init(&l->io, NULL);
    th_buf_init(&l->cur);
    th_buf_init(&l->out);
    th_buf_reserve(&l->cur, START);
    th_buf_reserve(&l->out, START);
    return l;
}

/* All of p[0..n), unless a write fails (then the rest is dropped). */
static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

void th_access_log_line(th_access_log *l, const char *fmt, ...)
{
    char small[512], *line = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof small - 1) { /* long (a long URL): on the heap */
        line = th_xmalloc((size_t)n + 2);
        va_start(ap, fmt);
        vsnprintf(line, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    line[n] = '\n';
    pthread_mutex_lock(&l->mu);
    if (l->cur.len + (size_t)n + 1 > TH_ACCESS_LOG_MAX) {
        l->dropped++;
    } else {
        th_buf_put(&l->cur, line, (size_t)n + 1);
        l->lines++;
    }
    pthread_mutex_unlock(&l->mu);
    if (line != small)
        free(line);
}

void th_access_log_flush(th_access_log *l)
{
    pthread_mutex_lock(&l->io);
    pthread_mutex_lock(&l->mu);
    th_buf t = l->out;
    l->out = l->cur;
    l->cur = t;
    size_t dropped = l->dropped - l->dropped_told;
    l->dropped_told = l->dropped;
    pthread_mutex_unlock(&l->mu);
    /* the lines dropped came after every line of the buffer: the buffer was full */
    if (dropped)
        th_buf_printf(&l->out, "tanhui serve: %zu request lines dropped (the log was not "
                               "written as fast as they came)\n", dropped);
    if (l->out.len) {
        write_all(l->fd, l->out.p, l->out.len);
        l->writes++;
    }
    th_buf_reset(&l->out);
    pthread_mutex_unlock(&l->io);
}

void th_access_log_counts(th_access_log *l, size_t *lines, size_t *writes, size_t *dropped)
{
    pthread_mutex_lock(&l->io);
    pthread_mutex_lock(&l->mu);
    *lines = l->lines;
    *writes = l->writes;
    *dropped = l->dropped;
    pthread_mutex_unlock(&l->mu);
    pthread_mutex_unlock(&l->io);
}

void th_access_log_free(th_access_log *l)
{
    if (!l)
        return;
    th_access_log_flush(l);
    th_buf_free(&l->cur);
    th_buf_free(&l->out);
    pthread_mutex_destroy(&l->mu);
    pthread_mutex_destroy(&l->io);
    free(l);
}
