/* test_access_log.c — the server's request lines: nothing written until a flush, then all of
 * them in one write; lines from many threads, flushed all the while, all whole and each
 * thread's in its order; a long line whole; an appender never waiting for a write that blocks;
 * a full buffer dropping lines and saying how many; a descriptor that cannot be written to
 * never stopping a line. */
#include "test.h"

#include "server/access_log.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
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

static size_t newlines(const char *p, long len)
{
    size_t n = 0;
    for (long i = 0; i < len; i++)
        n += p[i] == '\n';
    return n;
}

TEST(access_log_writes_on_flush)
{
    int fd;
    th_access_log *l = log_on_file("flush.log", &fd);
    size_t lines, writes, dropped, n = 4000; /* some 130 KiB */
    for (size_t i = 0; i < n; i++)
        th_access_log_line(l, "POST /api/v1/orders 201 %.1fms %zu", 0.4, i);
    CHECK_INT(file_size(fd), 0); /* the request threads write nothing */
    th_access_log_counts(l, &lines, &writes, &dropped);
    CHECK_INT(lines, n);
    CHECK_INT(writes, 0);
    th_access_log_flush(l);
    th_access_log_flush(l); /* nothing to write: no write */
    th_access_log_counts(l, &lines, &writes, &dropped);
    CHECK_INT(writes, 1);
    CHECK_INT(dropped, 0);
    th_access_log_line(l, "GET /api/v1/supply 200 1.0ms -");
    th_access_log_free(l); /* writes the rest */
    long len;
    char *text = slurp(fd, &len);
    CHECK_INT(newlines(text, len), n + 1);
    CHECK(!strncmp(text, "POST /api/v1/orders 201 0.4ms 0\nPOST /api/v1/orders 201 0.4ms 1\n", 64));
    CHECK(len > 31 && !strcmp(text + len - 31, "GET /api/v1/supply 200 1.0ms -\n"));
    free(text);
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

typedef struct {
    th_access_log *l;
    atomic_bool stop;
} flusher;

static void *flush_often(void *arg)
{
    flusher *f = arg;
    while (!atomic_load(&f->stop)) {
        th_access_log_flush(f->l);
        nanosleep(&(struct timespec){0, 200000}, NULL);
    }
    return NULL;
}

TEST(access_log_lines_whole_from_threads)
{
    int fd;
    th_access_log *l = log_on_file("threads.log", &fd);
    pthread_t th[THREADS], fl;
    writer w[THREADS];
    flusher f = {l, false};
    CHECK_INT(pthread_create(&fl, NULL, flush_often, &f), 0);
    for (int t = 0; t < THREADS; t++) {
        w[t] = (writer){l, t};
        CHECK_INT(pthread_create(&th[t], NULL, write_lines, &w[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    atomic_store(&f.stop, true);
    pthread_join(fl, NULL);
    th_access_log_free(l); /* writes the rest */
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
    /* a URL of 40,000 bytes (MHD allows long ones): formatted on the heap */
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

typedef struct {
    th_access_log *l;
    atomic_bool done;
} appender;

static void *flush_once(void *arg)
{
    th_access_log_flush(arg);
    return NULL;
}

static void *append_some(void *arg)
{
    appender *a = arg;
    for (int i = 0; i < 1000; i++)
        th_access_log_line(a->l, "POST /api/v1/orders 201 0.3ms %d", i);
    atomic_store(&a->done, true);
    return NULL;
}

TEST(access_log_appends_while_a_write_blocks)
{
    /* a pipe nobody reads: the flush of 256 KiB blocks once the pipe's 64 KiB are full */
    int p[2];
    CHECK_INT(pipe(p), 0);
    th_access_log *l = th_access_log_new(p[1]);
    const size_t line = strlen("GET /api/v1/book/SG 200 0.1ms 00000000\n");
    for (int i = 0; i < 8192; i++)
        th_access_log_line(l, "GET /api/v1/book/SG 200 0.1ms %08d", i);
    pthread_t fl, ap;
    CHECK_INT(pthread_create(&fl, NULL, flush_once, l), 0);
    nanosleep(&(struct timespec){0, 50000000}, NULL); /* the flush is in its write */
    appender a = {l, false};
    CHECK_INT(pthread_create(&ap, NULL, append_some, &a), 0);
    for (int i = 0; i < 200 && !atomic_load(&a.done); i++)
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    CHECK(atomic_load(&a.done)); /* within 2 s, with the write still blocked */
    /* read the pipe dry until the flush is done, then once more for the lines appended */
    char buf[65536];
    size_t got = 0;
    while (got < 8192 * line) {
        ssize_t r = read(p[0], buf, sizeof buf);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    pthread_join(fl, NULL);
    pthread_join(ap, NULL);
    CHECK_INT(got, 8192 * line);
    close(p[0]); /* the last flush's write then fails (EPIPE): dropped, never a stop */
    void (*was)(int) = signal(SIGPIPE, SIG_IGN);
    size_t lines, writes, dropped;
    th_access_log_counts(l, &lines, &writes, &dropped);
    CHECK_INT(lines, 8192 + 1000);
    CHECK_INT(writes, 1);
    th_access_log_free(l);
    signal(SIGPIPE, was);
    close(p[1]);
}

TEST(access_log_full_drops_and_says_so)
{
    int fd;
    th_access_log *l = log_on_file("full.log", &fd);
    /* lines of 64 bytes: the buffer holds TH_ACCESS_LOG_MAX / 64 of them, then drops */
    size_t fit = TH_ACCESS_LOG_MAX / 64, extra = 777;
    for (size_t i = 0; i < fit + extra; i++)
        th_access_log_line(l, "POST /api/v1/orders 201 0.4ms %033zu", i);
    size_t lines, writes, dropped;
    th_access_log_counts(l, &lines, &writes, &dropped);
    CHECK_INT(lines, fit);
    CHECK_INT(dropped, extra);
    th_access_log_flush(l);
    th_access_log_line(l, "GET /after 200 0.1ms -"); /* taken again after the flush */
    th_access_log_free(l);
    long len;
    char *text = slurp(fd, &len);
    CHECK_INT(newlines(text, len), fit + 2);
    char said[160];
    snprintf(said, sizeof said,
             "tanhui serve: %zu request lines dropped (the log was not written as fast as "
             "they came)\nGET /after 200 0.1ms -\n", extra);
    CHECK(len > (long)strlen(said) && !strcmp(text + len - strlen(said), said));
    free(text);
    close(fd);
}

TEST(access_log_unwritable_never_stops_a_line)
{
    /* a descriptor that is not open: every write fails and is dropped, as a failed fprintf's */
    th_access_log *l = th_access_log_new(-1);
    for (int i = 0; i < 2000; i++)
        th_access_log_line(l, "POST /api/v1/orders 201 0.3ms %d", i);
    th_access_log_flush(l);
    th_access_log_line(l, "GET / 200 0.1ms -");
    size_t lines, writes, dropped;
    th_access_log_counts(l, &lines, &writes, &dropped);
    CHECK_INT(lines, 2001);
    CHECK_INT(writes, 1);
    CHECK_INT(dropped, 0);
    th_access_log_free(l);
    th_access_log_free(NULL);
}
