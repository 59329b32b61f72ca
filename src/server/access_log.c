/* access_log.c — lines gathered and written in runs. See access_log.h.
 *
 * A line is formatted outside the lock (into the stack, or the heap when it is long), then
 * copied in under it. The run is written while the lock is held, so that runs keep their order;
 * that is one write of some 16 KiB every few hundred lines, where each line used to make its
 * own. */
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
    pthread_mutex_t mu;
    th_buf run;
    size_t lines, writes;
};

th_access_log *th_access_log_new(int fd)
{
    th_access_log *l = th_xcalloc(1, sizeof *l);
    l->fd = fd;
    pthread_mutex_init(&l->mu, NULL);
    th_buf_init(&l->run);
    th_buf_reserve(&l->run, TH_ACCESS_LOG_RUN + 512);
    return l;
}

/* Write the run out (the lock held); a failure drops it. */
static void write_run(th_access_log *l)
{
    size_t done = 0;
    while (done < l->run.len) {
        ssize_t w = write(l->fd, l->run.p + done, l->run.len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    if (l->run.len)
        l->writes++;
    th_buf_reset(&l->run);
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
    th_buf_put(&l->run, line, (size_t)n + 1);
    l->lines++;
    if (l->run.len >= TH_ACCESS_LOG_RUN)
        write_run(l);
    pthread_mutex_unlock(&l->mu);
    if (line != small)
        free(line);
}

void th_access_log_flush(th_access_log *l)
{
    pthread_mutex_lock(&l->mu);
    write_run(l);
    pthread_mutex_unlock(&l->mu);
}

void th_access_log_counts(th_access_log *l, size_t *lines, size_t *writes)
{
    pthread_mutex_lock(&l->mu);
    *lines = l->lines;
    *writes = l->writes;
    pthread_mutex_unlock(&l->mu);
}

void th_access_log_free(th_access_log *l)
{
    if (!l)
        return;
    th_access_log_flush(l);
    th_buf_free(&l->run);
    pthread_mutex_destroy(&l->mu);
    free(l);
}
