/* bench_layers.c — what the HTTP layer alone costs an order, apart from tanhui's own code and
 * its writer (issue 7's target). The same order POST (wrk, keep-alive connections on loopback,
 * a bearer token and the JSON body bench-http sends) is answered with a canned order, after
 * jansson parses the body, by four servers, and in the same rounds nginx serves its small
 * static file:
 *
 *   mhd_now       libmicrohttpd as `tanhui serve` starts it (a pool of 16 polling threads,
 *                 suspend and resume allowed, its timeouts and connection limits), answering in
 *                 the request's own call;
 *   mhd_handoff   the same, but each order set aside (the connection suspended) and handed to
 *                 two threads standing for the sequencer's writer and syncer: the first takes
 *                 what waits as a batch and passes it on, the second resumes each connection,
 *                 and the request's next call answers. This is the order path of `tanhui
 *                 serve` without the batch's work and its sync;
 *   h2o_now       libh2o-evloop (Debian's libh2o-evloop-dev), one event loop a core (each in a
 *                 process of its own, as nginx's workers), answering in its handler;
 *   h2o_handoff   the same hand-off, the answers sent back to each loop as h2o's inter-thread
 *                 messages.
 *
 * The two layers' figures bound what a change of HTTP library could give the server's request
 * path; the hand-off's are what its two thread hops cost on each.
 *
 *   build/bench-layers    one JSON line: for nginx and each server, per_sec (answers a second),
 *                         cpu_us (the server's CPU a request), wrk_cpu_us (wrk's), p99_ms, and
 *                         for the servers ratio (per_sec over nginx's); medians of the rounds
 *   build/bench-layers --serve LAYER PORT
 *                         one of the four servers in the foreground on 127.0.0.1:PORT (to
 *                         profile it, or to send it requests by hand)
 *
 * TANHUI_BENCH_ROUNDS (default 3; the servers and nginx in turn in each), TANHUI_BENCH_SECONDS
 * (5 a run), TANHUI_BENCH_CONNS (64), TANHUI_BENCH_THREADS (libmicrohttpd's pool: 16, `tanhui
 * serve`'s default). Needs wrk, nginx and libh2o-evloop-dev (scripts/deps.sh bench). */
#define _XOPEN_SOURCE 700 /* nftw */
#define H2O_USE_LIBUV 0
#include "bench_proc.h"

#include <arpa/inet.h>
#include <h2o.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>

enum { LAYERS = 5, ROUNDS_MAX = 15, BODY_MAX = 4096, MHD_THREADS = 16, LOOPS = 2 };

static const char *const layer_names[LAYERS] = {"nginx", "mhd_now", "mhd_handoff", "h2o_now",
                                                "h2o_handoff"};

static char dir[] = "/tmp/tanhui-bench-layers.XXXXXX";

/* --- the canned order --------------------------------------------------------------------- */

/* The answer to an order body: the body parsed (so that the layers pay
 * jansson's parse as tanhui does) and an order object of the size tanhui
 * answers with; its length, or -1 for a body that is not an order (400). */
static int answer_of(const char *body, size_t n, char *out, size_t cap)
{
    json_error_t je;
    json_t *j = json_loadb(body, n, 0, &je);
    const char *acct = j ? json_string_value(json_object_get(j, "account")) : NULL;
    json_int_t qty = j ? json_integer_value(json_object_get(j, "qty")) : 0;
    int len = -1;
    if (acct && qty > 0)
        len = snprintf(out, cap,
                       "{\"id\":123456,\"account\":\"%s\",\"instrument\":\"SG24\",\"side\":"
                       "\"buy\","
                       "\"type\":\"limit\",\"tif\":\"gtc\",\"price\":\"58.40\",\"qty\":%lld,"
                       "\"filled\":0,\"remaining\":%lld,\"status\":\"open\",\"fills\":[],"
                       "\"created_at\":\"2026-12-07T21:40:00.000Z\"}",
                       acct, (long long)qty, (long long)qty);
    json_decref(j);
    return len;
}

/* --- the hand-off: two threads standing for the sequencer's writer and syncer ------------- */

typedef struct job {
    struct job *next;
} job;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job *head, **tail;
} queue;

static queue to_writer, to_syncer;
static void (*job_done)(job *j); /* the layer's resume, on the syncer's thread */

static void queue_init(queue *q)
{
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->head = NULL;
    q->tail = &q->head;
}

static void queue_put(queue *q, job *first, job **last_next)
{
    pthread_mutex_lock(&q->mu);
    bool was_empty = !q->head;
    *q->tail = first;
    q->tail = last_next;
    pthread_mutex_unlock(&q->mu);
    if (was_empty)
        pthread_cond_signal(&q->cv);
}

/* All that waits, once something does; its last link in *last_next. */
static job *queue_take(queue *q, job ***last_next)
{
    pthread_mutex_lock(&q->mu);
    while (!q->head)
        pthread_cond_wait(&q->cv, &q->mu);
    job *all = q->head;
    *last_next = q->tail;
    q->head = NULL;
    q->tail = &q->head;
    pthread_mutex_unlock(&q->mu);
    return all;
}

static void *writer(void *arg)
{
    (void)arg;
    for (;;) {
        job **last;
        job *batch = queue_take(&to_writer, &last);
        queue_put(&to_syncer, batch, last);
    }
    return NULL;
}

static void *syncer(void *arg)
{
    (void)arg;
    for (;;) {
        job **last;
        for (job *j = queue_take(&to_syncer, &last), *next; j; j = next) {
            next = j->next; /* j may be gone once done */
            job_done(j);
        }
    }
    return NULL;
}

static void handoff_start(void (*done)(job *))
{
    job_done = done;
    queue_init(&to_writer);
    queue_init(&to_syncer);
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    pthread_create(&t, NULL, syncer, NULL);
}

static void hand_off(job *j)
{
    j->next = NULL;
    queue_put(&to_writer, j, &j->next);
}

/* --- libmicrohttpd, configured as server/http.c configures it ----------------------------- */

typedef struct {
    job j; /* first: the hand-off's link */
    struct MHD_Connection *conn;
    size_t n;
    bool set_aside;
    char body[BODY_MAX];
} mhd_req;

static bool mhd_handoff;

#define BAD_ORDER "{\"error\":{\"code\":\"invalid\"}}"

static void mhd_resume(job *j)
{
    mhd_req *r = (mhd_req *)j;
    MHD_resume_connection(r->conn);
}

static enum MHD_Result mhd_answer(struct MHD_Connection *c, int status, const char *body, size_t n)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(n, (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result mhd_request(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version, const char *upload,
                                   size_t *upload_size, void **state)
{
    (void)cls, (void)url, (void)method, (void)version;
    mhd_req *r = *state;
    if (!r) {
        r = calloc(1, sizeof *r);
        r->conn = c;
        *state = r;
        return MHD_YES;
    }
    if (*upload_size) {
        if (r->n + *upload_size > sizeof r->body)
            return MHD_NO;
        memcpy(r->body + r->n, upload, *upload_size);
        r->n += *upload_size;
        *upload_size = 0;
        return MHD_YES;
    }
    if (mhd_handoff && !r->set_aside) {
        r->set_aside = true;
        MHD_suspend_connection(c);
        hand_off(&r->j);
        return MHD_YES;
    }
    char out[512];
    int len = answer_of(r->body, r->n, out, sizeof out);
    if (len < 0)
        return mhd_answer(c, 400, BAD_ORDER, strlen(BAD_ORDER));
    return mhd_answer(c, 201, out, (size_t)len);
}

static void mhd_completed(void *cls, struct MHD_Connection *c, void **state,
                          enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    free(*state);
    *state = NULL;
}

static void serve_mhd(int listener, bool handoff)
{
    mhd_handoff = handoff;
    if (handoff)
        handoff_start(mhd_resume);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME,
        0, NULL, NULL, mhd_request, NULL, MHD_OPTION_LISTEN_SOCKET, listener,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)envint("TANHUI_BENCH_THREADS", MHD_THREADS),
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 1024u,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, 64u, MHD_OPTION_NOTIFY_COMPLETED, mhd_completed, NULL,
        MHD_OPTION_END);
    if (!d)
        _exit(2);
    for (;;)
        pause();
}

/* --- libh2o-evloop ------------------------------------------------------------------------ */

/* This process's event loop (one a process: see server()). */
static struct {
    h2o_context_t ctx;
    h2o_accept_ctx_t accept;
    h2o_multithread_receiver_t answers; /* the orders coming back from the hand-off */
} the_loop;

/* An order set aside. Its answer is made and its response started (the headers
 * wait for the body) before the hand-off, so that h2o tells the response's
 * generator if it drops the request (the client gone) before the order comes
 * back: stop clears req. Both happen on the request's loop, so neither needs a
 * lock. */
typedef struct {
    job j; /* first */
    h2o_generator_t gen;
    h2o_multithread_message_t msg;
    h2o_req_t *req;
    h2o_iovec_t body;
} h2o_job;

static h2o_globalconf_t h2o_conf;
static bool h2o_handoff;

static void h2o_stopped(h2o_generator_t *gen, h2o_req_t *req)
{
    (void)req;
    H2O_STRUCT_FROM_MEMBER(h2o_job, gen, gen)->req = NULL;
}

/* The answer made and the response started with gen; false (a 400 sent) for a
 * bad order. */
static bool h2o_begin(h2o_req_t *req, h2o_generator_t *gen, h2o_iovec_t *body)
{
    char *out = h2o_mem_alloc_pool(&req->pool, 512);
    int len = answer_of(req->entity.base, req->entity.len, out, 512);
    if (len < 0) {
        h2o_send_error_400(req, "Bad Request", "not an order", 0);
        return false;
    }
    req->res.status = 201;
    req->res.reason = "Created";
    req->res.content_length = (size_t)len;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                   H2O_STRLIT("application/json"));
    h2o_start_response(req, gen);
    *body = h2o_iovec_init(out, (size_t)len);
    return true;
}

static int h2o_request(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    if (!h2o_handoff) {
        static h2o_generator_t gen = {NULL, NULL};
        h2o_iovec_t body;
        if (h2o_begin(req, &gen, &body))
            h2o_send(req, &body, 1, H2O_SEND_STATE_FINAL);
        return 0;
    }
    h2o_job *hj = calloc(1, sizeof *hj);
    hj->gen.stop = h2o_stopped;
    if (!h2o_begin(req, &hj->gen, &hj->body)) {
        free(hj);
        return 0;
    }
    hj->req = req;
    hand_off(&hj->j);
    return 0;
}

static void h2o_back(job *j)
{
    h2o_job *hj = (h2o_job *)j;
    h2o_multithread_send_message(&the_loop.answers, &hj->msg);
}

/* On the loop: the answers of the orders that came back. */
static void h2o_answers(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    (void)receiver;
    while (!h2o_linklist_is_empty(messages)) {
        h2o_job *hj = H2O_STRUCT_FROM_MEMBER(h2o_job, msg.link, messages->next);
        h2o_linklist_unlink(&hj->msg.link);
        if (hj->req)
            h2o_send(hj->req, &hj->body, 1, H2O_SEND_STATE_FINAL);
        free(hj);
    }
}

static void h2o_accepted(h2o_socket_t *listener, const char *err)
{
    if (err)
        return;
    h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
    if (sock)
        h2o_accept(listener->data, sock);
}

/* One event loop on this process's thread: each of the server's processes runs
 * one (see server()). */
static void serve_h2o(int listener, bool handoff)
{
    h2o_handoff = handoff;
    h2o_config_init(&h2o_conf);
    h2o_hostconf_t *host =
        h2o_config_register_host(&h2o_conf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    h2o_handler_t *h = h2o_create_handler(path, sizeof *h);
    h->on_req = h2o_request;
    if (handoff)
        handoff_start(h2o_back);
    h2o_context_init(&the_loop.ctx, h2o_evloop_create(), &h2o_conf);
    the_loop.accept.ctx = &the_loop.ctx;
    the_loop.accept.hosts = h2o_conf.hosts;
    h2o_multithread_register_receiver(the_loop.ctx.queue, &the_loop.answers, h2o_answers);
    h2o_socket_t *s =
        h2o_evloop_socket_create(the_loop.ctx.loop, listener, H2O_SOCKET_FLAG_DONT_READ);
    s->data = &the_loop.accept;
    h2o_socket_read_start(s, h2o_accepted);
    for (;;)
        h2o_evloop_run(the_loop.ctx.loop, INT32_MAX);
}

/* --- the runs ----------------------------------------------------------------------------- */

/* A listening socket on a loopback port (*port, or a free one if 0), its port
 * in *port. */
static int listen_on(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)*port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 1024) ||
        getsockname(fd, (struct sockaddr *)&a, &len))
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

/* Serve a layer on fd, in this process (never returns). */
static void serve_layer(int layer, int fd)
{
    if (layer == 1 || layer == 2)
        serve_mhd(fd, layer == 2);
    else
        serve_h2o(fd, layer == 4);
}

/* The server of a layer, listening on fd, in child processes (so that their CPU
 * is theirs): libmicrohttpd in one (its pool of threads), h2o in one a core, as
 * nginx runs, each an event loop accepting on the same socket. (Two loops in
 * one process, with the orders handed off, crashed in the library's reads
 * within seconds: a use-after-free that ASan shows in its socket code, which
 * one loop a process never gave.) The pids in pids[]; how many, or -1. */
static int server(int layer, int fd, pid_t pids[LOOPS])
{
    int n = layer <= 2 ? 1 : LOOPS;
    for (int i = 0; i < n; i++) {
        pids[i] = fork();
        if (pids[i] < 0)
            return -1;
        if (pids[i] == 0) {
            serve_layer(layer, fd);
            _exit(2);
        }
    }
    return n;
}

static double cpu_all(const pid_t *pids, int n)
{
    double cpu = 0;
    for (int i = 0; i < n; i++)
        cpu += cpu_of(pids[i]);
    return cpu;
}

typedef struct {
    double per_sec, cpu_us, wrk_cpu_us, p99_ms;
} figures;

static int run_layer(int layer, const char *script, int seconds, int conns, figures *f)
{
    char url[64];
    int port;
    wrk_figures w;
    if (layer == 0) {
        double cpu0 = children_cpu();
        pid_t p = nginx(&port);
        if (p < 0)
            return -1;
        snprintf(url, sizeof url, "http://127.0.0.1:%d/index.html", port);
        int rc = run_wrk(url, NULL, seconds, conns, "nginx.out", &w);
        kill(p, SIGQUIT);
        finish(p);
        if (rc)
            return -1;
        f->cpu_us = (children_cpu() - cpu0 - w.cpu_s) / (double)w.requests * 1e6;
    } else {
        port = 0;
        int fd = listen_on(&port);
        pid_t pids[LOOPS];
        int n = fd < 0 ? -1 : server(layer, fd, pids);
        if (fd >= 0)
            close(fd);
        if (n < 0)
            return -1;
        usleep(300000);
        snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/orders", port);
        double cpu0 = cpu_all(pids, n);
        int rc = run_wrk(url, script, seconds, conns, "server.out", &w);
        double cpu = cpu_all(pids, n) - cpu0;
        for (int i = 0; i < n; i++) {
            kill(pids[i], SIGKILL);
            finish(pids[i]);
        }
        if (rc)
            return -1;
        if (w.errors) {
            fprintf(stderr, "bench-layers: %s gave %ld errors\n", layer_names[layer], w.errors);
            return -1;
        }
        f->cpu_us = cpu / (double)w.requests * 1e6;
    }
    f->per_sec = w.rps;
    f->wrk_cpu_us = w.cpu_s / (double)w.requests * 1e6;
    f->p99_ms = w.p99_ms;
    return 0;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--serve")) { /* one server in the foreground, to profile */
        int port = atoi(argv[3]), fd = listen_on(&port);
        pid_t pids[LOOPS];
        for (int l = 1; l < LAYERS; l++)
            if (fd >= 0 && !strcmp(argv[2], layer_names[l]) && server(l, fd, pids) > 0) {
                while (wait(NULL) > 0)
                    ;
                return 0;
            }
        fprintf(stderr, "usage: bench-layers [--serve "
                        "mhd_now|mhd_handoff|h2o_now|h2o_handoff PORT]\n");
        return 2;
    }
    int rounds = envint("TANHUI_BENCH_ROUNDS", 3), seconds = envint("TANHUI_BENCH_SECONDS", 5),
        conns = envint("TANHUI_BENCH_CONNS", 64);
    if (rounds > ROUNDS_MAX)
        rounds = ROUNDS_MAX;
    if (bench_run_dir(dir, "bench-layers"))
        return 1;
    signal(SIGPIPE, SIG_IGN);
    char script[300];
    at(script, sizeof script, "order.lua");
    FILE *f = fopen(script, "w");
    if (!f)
        return 1;
    fputs("wrk.method = 'POST'\n"
          "wrk.body = "
          "'{\"account\":\"T1\",\"instrument\":\"SG24\",\"side\":\"buy\",\"type\":"
          "\"limit\",\"price\":\"58.40\",\"qty\":3,\"tif\":\"gtc\"}'\n"
          "wrk.headers['Content-Type'] = 'application/json'\n"
          "wrk.headers['Authorization'] = "
          "'Bearer th_fWpAh0t5gQWxAGcVBa7Gi21De_8mO6QjWc4kcy4wvDY'\n",
          f);
    fclose(f);
    static figures fig[LAYERS][ROUNDS_MAX];
    for (int r = 0; r < rounds; r++)
        for (int l = 0; l < LAYERS; l++)
            if (run_layer(l, script, seconds, conns, &fig[l][r]))
                return 1;
    printf("{");
    double nginx_rate = 0;
    for (int l = 0; l < LAYERS; l++) {
        double v[4][ROUNDS_MAX];
        for (int r = 0; r < rounds; r++) {
            v[0][r] = fig[l][r].per_sec;
            v[1][r] = fig[l][r].cpu_us;
            v[2][r] = fig[l][r].wrk_cpu_us;
            v[3][r] = fig[l][r].p99_ms;
        }
        double rate = median(v[0], rounds);
        if (l == 0)
            nginx_rate = rate;
        printf("%s\"%s\":{\"per_sec\":%.0f,\"cpu_us\":%.1f,\"wrk_cpu_us\":%.1f,"
               "\"p99_ms\":%.2f",
               l ? "," : "", layer_names[l], rate, median(v[1], rounds), median(v[2], rounds),
               median(v[3], rounds));
        if (l)
            printf(",\"ratio\":%.3f", rate / nginx_rate);
        printf("}");
    }
    printf(",\"rounds\":%d,\"seconds\":%d,\"connections\":%d,\"cores\":%ld}\n", rounds, seconds,
           conns, sysconf(_SC_NPROCESSORS_ONLN));
    return 0;
}
