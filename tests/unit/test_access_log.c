/* test_access_log.c — the server's request lines written in runs: nothing written until a run
 * fills or a flush, a full run written without one, lines from many threads all whole, each
 * thread's in its order, a long line whole, and a descriptor that cannot be written to never
 * stopping a line. */
#include "test.h"

#include "server/access_log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* A log onto a new file of the run's directory, whose descriptor is *fd. */
static th_access_log *log_on_file(const char *name, int *fd)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", th_test_tmpdir(), name);
    *fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(*fd >= 0);
    return th_access_log_new(*fd);
}

static long file_size(int fd)
{
    struct stat st;
    return fstat(fd, &st) ? -1 : (long)st.st_size;
}

/* The file's text, NUL-terminated (the caller frees). */
static char *slurp(int fd, long *len)
{
    *len = file_size(fd);
    char *p = malloc((size_t)*len + 1);
    CHECK_INT(pread(fd, p, (size_t)*len, 0), *len);
    p[*len] = '\0';
    return p;
}

TEST(access_log_writes_in_runs)
{
    int fd;
    th_access_log *l = log_on_file("runs.log", &fd);
    size_t lines, writes, n = 0;
    long appended = 0;
    /* "POST /api/v1/orders 201 0.4ms 7\n" and the like: short of a run, nothing is written */
    while (appended + 40 < TH_ACCESS_LOG_RUN) {
        th_access_log_line(l, "POST /api/v1/orders 201 %.1fms %zu", 0.4, n);
        appended += 31 + snprintf(NULL, 0, "%zu", n);
        n++;
    }
    CHECK_INT(file_size(fd), 0);
    th_access_log_counts(l, &lines, &writes);
    CHECK_INT(lines, n);
    CHECK_INT(writes, 0);
    /* the line that fills the run writes it, whole, without a flush */
    for (int i = 0; i < 4; i++, n++)
        th_access_log_line(l, "POST /api/v1/orders 201 %.1fms %zu", 0.4, n);
    th_access_log_counts(l, &lines, &writes);
    CHECK_INT(writes, 1);
    long len;
    char *text = slurp(fd, &len);
    CHECK(len >= TH_ACCESS_LOG_RUN);
    CHECK(len > 0 && text[len - 1] == '\n');
    free(text);
    /* a flush writes the rest; one with nothing to write makes no write */
    th_access_log_line(l, "GET /api/v1/supply 200 1.0ms -");
    th_access_log_flush(l);
    th_access_log_flush(l);
    th_access_log_counts(l, &lines, &writes);
    CHECK_INT(writes, 2);
    CHECK_INT(lines, n + 1);
    text = slurp(fd, &len);
    size_t nl = 0;
    for (long i = 0; i < len; i++)
        nl += text[i] == '\n';
    CHECK_INT(nl, n + 1);
    CHECK(len > 31 && !strcmp(text + len - 31, "GET /api/v1/supply 200 1.0ms -\n"));
    CHECK(!strncmp(text, "POST /api/v1/orders 201 0.4ms 0\nPOST /api/v1/orders 201 0.4ms 1\n", 64));
    free(text);
    th_access_log_free(l);
    close(fd);
}

enum { THREADS = 8, PER_THREAD = 3000 };

typedef struct {
    th_access_log *l;
    int t;
} writer;

static void *write_lines(void *arg)
{
    writer *w = arg;
    for (int i = 0; i < PER_THREAD; i++) /* lines of differing lengths */
        th_access_log_line(w->l, "t%d n%d %.*s.", w->t, i, i % 97,
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    return NULL;
}

TEST(access_log_lines_whole_from_threads)
{
    int fd;
    th_access_log *l = log_on_file("threads.log", &fd);
    pthread_t th[THREADS];
    writer w[THREADS];
    for (int t = 0; t < THREADS; t++) {
        w[t] = (writer){l, t};
        CHECK_INT(pthread_create(&th[t], NULL, write_lines, &w[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    size_t lines, writes;
    th_access_log_counts(l, &lines, &writes);
    th_access_log_free(l); /* writes the rest */
    CHECK_INT(lines, THREADS * PER_THREAD);
    CHECK(writes > 1 && writes < lines / 50); /* in runs, not a write a line */
    long len;
    char *text = slurp(fd, &len);
    int next[THREADS] = {0};
    size_t seen = 0;
    for (char *p = text, *end; *p; p = end + 1, seen++) {
        end = strchr(p, '\n');
        if (!end) {
            CHECK(!"the last line ends in a newline");
            break;
        }
        int t, i, used = 0;
        if (sscanf(p, "t%d n%d %n", &t, &i, &used) != 2 || t < 0 || t >= THREADS) {
            CHECK(!"a line as written");
            break;
        }
        CHECK_INT(i, next[t]); /* each thread's lines in its order */
        next[t] = i + 1;
        /* whole: its run of x's as long as written, then the full stop, then the newline */
        CHECK_INT(end - (p + used), i % 97 + 1);
        CHECK(end[-1] == '.');
    }
    CHECK_INT(seen, THREADS * PER_THREAD);
    for (int t = 0; t < THREADS; t++)
        CHECK_INT(next[t], PER_THREAD);
    free(text);
    close(fd);
}

TEST(access_log_long_line_whole)
{
    int fd;
    th_access_log *l = log_on_file("long.log", &fd);
    /* a URL of 40,000 bytes (MHD allows long ones): longer than a run, one write of its own */
    enum { URL = 40000 };
    char *url = malloc(URL + 1);
    memset(url, 'a', URL);
    url[0] = '/';
    url[URL] = '\0';
    th_access_log_line(l, "GET /x 200 0.1ms -");
    th_access_log_line(l, "GET %s 404 0.2ms -", url);
    th_access_log_line(l, "GET /y 200 0.1ms -");
    th_access_log_free(l);
    long len;
    char *text = slurp(fd, &len);
    CHECK_INT(len, 19 + (4 + URL + 13) + 19);
    CHECK(!strncmp(text, "GET /x 200 0.1ms -\nGET /aaa", 27));
    CHECK(!strcmp(text + len - 32, " 404 0.2ms -\nGET /y 200 0.1ms -\n"));
    free(text);
    free(url);
    close(fd);
}

TEST(access_log_unwritable_never_stops_a_line)
{
    /* a descriptor that is not open: every run is dropped, as a failed fprintf's would be */
    th_access_log *l = th_access_log_new(-1);
    for (int i = 0; i < 2000; i++)
        th_access_log_line(l, "POST /api/v1/orders 201 0.3ms %d", i);
    size_t lines, writes;
    th_access_log_counts(l, &lines, &writes);
    CHECK_INT(lines, 2000);
    CHECK(writes >= 3); /* 2000 lines of ~34 bytes: four runs tried */
    th_access_log_free(l);
    th_access_log_free(NULL);
}
