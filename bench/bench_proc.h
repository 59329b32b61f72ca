/* bench_proc.h — what the HTTP benchmarks share: running programs (wrk, nginx, a server) with
 * their output in files of the run's directory, the CPU a process or the children waited for
 * used, wrk's figures read from its output, and nginx serving a small static file as this
 * machine's HTTP ceiling. Header-only (each benchmark is one program): bench_run_dir makes the
 * run's directory first. */
#ifndef TH_BENCH_PROC_H
#define TH_BENCH_PROC_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *bench_dir = "/tmp";
static const char *bench_name = "bench";

/* A positive number from the environment, or dflt. */
static inline int envint(const char *name, int dflt)
{
    const char *v = getenv(name);
    return v && atoi(v) > 0 ? atoi(v) : dflt;
}

/* Start argv with stdout (and stderr) into files; its pid, or -1. */
static inline pid_t start(char *const argv[], const char *out, const char *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc) {
        fprintf(stderr, "%s: cannot run %s: %s\n", bench_name, argv[0], strerror(rc));
        return -1;
    }
    return pid;
}

static inline int finish(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = calloc(1, 1 << 20);
    size_t n = fread(s, 1, (1 << 20) - 1, f);
    s[n] = 0;
    fclose(f);
    return s;
}

static inline void at(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", bench_dir, name);
}

typedef struct {
    double rps, p50_ms, p99_ms;
    long requests, errors, late;
    double cpu_s; /* wrk's own CPU time over the run */
} wrk_figures;

/* CPU seconds (user and system) of the children waited for so far, and of their
 * children waited for by them: wrk's, after its run; nginx's master and
 * workers, after it quits. */
static inline double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* CPU seconds a running process has used, all its threads (/proc/PID/stat's
 * utime and stime, the 14th and 15th fields: the 12th and 13th after the
 * command's closing parenthesis); -1 when unreadable. */
static inline double cpu_of(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    char *s = slurp(path);
    const char *q = s ? strrchr(s, ')') : NULL;
    unsigned long long ut, st;
    double v = -1;
    if (q && sscanf(q + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
        v = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
    free(s);
    return v;
}

/* A latency as wrk prints it ("812.00us", "1.52ms", "2.01s") in milliseconds.
 */
static inline double wrk_ms(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (!strncmp(end, "us", 2))
        return v / 1000;
    if (!strncmp(end, "ms", 2))
        return v;
    if (*end == 's')
        return v * 1000;
    if (!strncmp(end, "m", 1))
        return v * 60000;
    return v;
}

/* wrk's figures from its output file: -1 when it has none. Errors are the
 * script's bad answers (or, for a run without the script, the non-2xx ones) and
 * socket errors. */
static inline int read_wrk(const char *out, wrk_figures *w)
{
    char *s = slurp(out);
    if (!s)
        return -1;
    *w = (wrk_figures){0};
    const char *q;
    if ((q = strstr(s, "Requests/sec:")))
        w->rps = strtod(q + 13, NULL);
    if ((q = strstr(s, " 50% ")))
        w->p50_ms = wrk_ms(q + 5 + strspn(q + 5, " "));
    if ((q = strstr(s, " 99% ")))
        w->p99_ms = wrk_ms(q + 5 + strspn(q + 5, " "));
    if ((q = strstr(s, " requests in ")))
        while (q > s && q[-1] != '\n' && q[-1] != ' ')
            q--;
    if (q)
        w->requests = strtol(q, NULL, 10);
    long ok = 0, late = 0, bad = 0;
    if ((q = strstr(s, "answers: ")) &&
        sscanf(q, "answers: ok %ld late %ld bad %ld", &ok, &late, &bad) == 3) {
        w->errors += bad;
        w->late = late;
    } else if ((q = strstr(s, "Non-2xx or 3xx responses:"))) {
        w->errors += strtol(q + 25, NULL, 10);
    }
    if ((q = strstr(s, "Socket errors:"))) {
        long a = 0, b = 0, c = 0, d = 0;
        if (sscanf(q, "Socket errors: connect %ld, read %ld, write %ld, timeout %ld", &a, &b, &c,
                   &d) == 4)
            w->errors += a + b + c + d;
    }
    free(s);
    if (w->rps <= 0) {
        fprintf(stderr, "%s: cannot read wrk's figures in %s\n", bench_name, out);
        return -1;
    }
    return 0;
}

static inline int run_wrk(const char *url, const char *script, int seconds, int conns,
                          const char *name, wrk_figures *w)
{
    char out[300], err[300], dur[16], con[16];
    at(out, sizeof out, name);
    at(err, sizeof err, "wrk.err");
    snprintf(dur, sizeof dur, "%ds", seconds);
    snprintf(con, sizeof con, "%d", conns);
    char *argv[12] = {(char *)"wrk", (char *)"-t2", (char *)"-c",       con,
                      (char *)"-d",  dur,           (char *)"--latency"};
    int k = 7;
    if (script) {
        argv[k++] = (char *)"-s";
        argv[k++] = (char *)script;
    }
    argv[k++] = (char *)url;
    argv[k] = NULL;
    double cpu0 = children_cpu();
    pid_t p = start(argv, out, err);
    if (p < 0 || finish(p) != 0) {
        fprintf(stderr, "%s: wrk failed (%s)\n", bench_name, err);
        return -1;
    }
    double cpu = children_cpu() - cpu0;
    if (read_wrk(out, w))
        return -1;
    w->cpu_s = cpu;
    return 0;
}

/* nginx serving a 13-byte file on a free port; its pid (its master), port in
 * *port. */
static inline pid_t nginx(int *port)
{
    char conf[300], root[300], file[300], out[300], err[300];
    at(conf, sizeof conf, "nginx.conf");
    at(root, sizeof root, "www");
    at(file, sizeof file, "www/index.html");
    at(out, sizeof out, "nginx.out");
    at(err, sizeof err, "nginx.err");
    mkdir(root, 0755);
    FILE *f = fopen(file, "w");
    if (!f)
        return -1;
    fputs("hello, tanhui", f);
    fclose(f);
    for (*port = 18080; *port < 18180; (*port)++) {
        f = fopen(conf, "w");
        if (!f)
            return -1;
        fprintf(f,
                "daemon off; worker_processes auto; pid %s/nginx.pid; error_log "
                "%s/nginx.log;\n"
                "%s"
                "events { worker_connections 1024; }\n"
                "http { access_log off; client_body_temp_path %s; proxy_temp_path %s;\n"
                "  fastcgi_temp_path %s; uwsgi_temp_path %s; scgi_temp_path %s;\n"
                "  server { listen 127.0.0.1:%d; root %s; } }\n",
                bench_dir, bench_dir, geteuid() == 0 ? "user root;\n" : "", bench_dir, bench_dir,
                bench_dir, bench_dir, bench_dir, *port, root);
        fclose(f);
        char *argv[] = {access("/usr/sbin/nginx", X_OK) == 0 ? (char *)"/usr/sbin/nginx"
                                                             : (char *)"nginx",
                        (char *)"-c",
                        conf,
                        (char *)"-e",
                        err,
                        NULL};
        pid_t p = start(argv, out, err);
        if (p < 0)
            return -1;
        usleep(300000);
        if (waitpid(p, NULL, WNOHANG) == 0)
            return p; /* still running: it listens */
    }
    fprintf(stderr, "%s: nginx did not start (%s)\n", bench_name, err);
    return -1;
}

static inline int remove_one(const char *p, const struct stat *st, int flag, struct FTW *at)
{
    (void)st;
    (void)flag;
    (void)at;
    return remove(p);
}

/* At exit the run's directory goes (its database grows to hundreds of MB in a
 * soak), unless TANHUI_BENCH_KEEP asks to look into it. */
static inline void remove_run(void)
{
    if (getenv("TANHUI_BENCH_KEEP"))
        fprintf(stderr, "%s: kept %s\n", bench_name, bench_dir);
    else
        nftw(bench_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The run's directory from the template dir (mkdtemp's XXXXXX), removed at exit
 * (see remove_run) and readable by nginx's workers; -1 if it cannot be made. */
static inline int bench_run_dir(char *dir, const char *name)
{
    if (!mkdtemp(dir))
        return -1;
    bench_dir = dir;
    bench_name = name;
    atexit(remove_run);
    chmod(dir, 0755);
    return 0;
}

#endif
