/* http.c — the HTTP server around the API. See http.h. */
#include "server/http.h"

#include "base/buf.h"
#include "base/mem.h"
#include "engine/cmd_copy.h"
#include "log/log_store.h"
#include "server/access_log.h"
#include "server/api.h"
#include "server/events.h"
#include "server/http_form.h"
#include "server/http_stream.h"
#include "server/serve_lock.h"
#include "server/static_files.h"
#include "server/stream.h"
#include "server/token_cache.h"
#include "server/uploads.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { BODY_MAX = 1 << 20, ROUTE_SLOTS = 128, LAT_BUCKETS = 10, BUCKETS = 4096 };
/* SQLite's page caches of the request threads' connections, all together (KiB), and the most
 * one takes; the writer's is TH_DB_WRITER_CACHE_KIB (store/db.h), the checkpointer's SQLite's
 * default of 2 MiB */
#define SQLITE_CACHES_KIB (48 << 10)
#define OWN_CACHE_KIB 2048
/* logins from one address: 10 a minute, in bursts of 10 */
#define LOGIN_RATE (10.0 / 60)
#define LOGIN_BURST 10.0
/* Passwords hashed at once, whoever asks (a login, a user added): each Argon2id hash takes 64 MiB
 * and some 0.1 s of a core, so that logins from many addresses at once could otherwise take a
 * GiB and every request thread; past this many, 503 with Retry-After */
#define HASHES_AT_ONCE 2

/* A user's token bucket: rate a second, up to 2 s of it. */
typedef struct {
    int64_t user; /* 0: a free slot */
    double tokens, at;
} bucket;

static const double lat_bounds[LAT_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                               0.025,  0.05,  0.1,    0.5,   1.0};

typedef struct {
    const char *route; /* a pattern of the table (static) */
    int status;
    uint64_t count;
} route_count;

typedef struct {
    const char *db_path;
    int cache_kib; /* each request thread connection's page cache */
    const char *web; /* the web app's root, or NULL */
    char uploads[4200]; /* the uploads directory */
    th_sequencer *seq;
    th_db *wdb;     /* the sequencer's connection (its checkpoints are counted) */
    th_events *hub; /* the stream's events */
    th_token_cache *tokens; /* who the tokens seen lately are for */
    th_answer_cache *answers; /* the costly public reads' answers, shared */
    th_access_log *log;     /* the line per request, on stderr */
    pthread_mutex_t mu; /* the readers and the metrics */
    th_db **readers;
    size_t nreaders, capreaders;
    route_count routes[ROUTE_SLOTS];
    size_t nroutes;
    uint64_t lat_count[LAT_BUCKETS + 1];
    double lat_sum;
    double rate;
    bucket buckets[BUCKETS]; /* open addressing by user id; a full table resets */
    size_t nbuckets;
    uint64_t limited;
    /* the writes taken and not yet answered (each set aside while its batch commits, a
     * suspended connection); at shutdown no more is taken, and MHD stops only once these are
     * answered */
    size_t writing;
    bool draining;
    pthread_cond_t answered;
    int hashing; /* passwords being hashed (HASHES_AT_ONCE), under mu */
    uint64_t busy; /* requests refused for it */
} server;

static __thread th_db *reader; /* this request thread's read connection */
static __thread th_db *writer; /* ... and its connection for logins (opened when first needed) */

/* A write set aside: its command, copied whole (the handler's texts are gone when it returns),
 * and what the answer needs once the writer has its result. */
typedef struct {
    th_cmd_copy cmd;
    th_cmd_result res;
    int status;        /* the answer's status on success */
    const char *route; /* for the log line and the metrics */
    int64_t account;   /* the user's (0: none) */
    bool done;         /* res holds the outcome */
} deferred;

typedef struct {
    th_buf body;
    double t0;
    int too_big;
    th_form *form; /* a multipart/form-data body being read (http_form.h), or NULL */
    int multipart;  /* it was one */
    deferred *w;    /* a write set aside, or NULL */
    bool writing;   /* a write taken (counted in server.writing until done) */
    server *s;
    struct MHD_Connection *conn;
    const char *url; /* the path, while the handler runs (libmicrohttpd's) */
} request;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keep a thread's connection, to close it when the server stops. */
static void keep(server *s, th_db *db)
{
    pthread_mutex_lock(&s->mu);
    if (s->nreaders == s->capreaders) {
        s->capreaders = s->capreaders ? 2 * s->capreaders : 8;
        s->readers = th_xrealloc(s->readers, s->capreaders * sizeof *s->readers);
    }
    s->readers[s->nreaders++] = db;
    pthread_mutex_unlock(&s->mu);
}

/* A request thread's connection takes its share of the server's page caches. */
static void bound_cache(server *s, th_db *db)
{
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", s->cache_kib);
    th_err ignored;
    if (th_db_exec(db, sql, &ignored) != 0) /* a cache of the default size: more memory, no harm */
        th_err_clear(&ignored);
}

static th_db *thread_reader(server *s, th_err *e)
{
    if (reader)
        return reader;
    if (th_db_open(s->db_path, TH_DB_READ, &reader, e) != 0)
        return NULL;
    bound_cache(s, reader);
    keep(s, reader);
    return reader;
}

/* The thread's connection for credentials (sessions), outside the sequencer: they are not
 * registry state. NULL when it cannot be opened. */
static th_db *thread_writer(void *arg)
{
    server *s = arg;
    th_err e;
    if (!writer && th_db_open(s->db_path, TH_DB_WRITE, &writer, &e) == 0) {
        bound_cache(s, writer);
        keep(s, writer);
    }
    return writer;
}

static void count(server *s, const char *route, int status, double took)
{
    pthread_mutex_lock(&s->mu);
    size_t i = 0;
    while (i < s->nroutes && !(s->routes[i].route == route && s->routes[i].status == status))
        i++;
    if (i == s->nroutes && s->nroutes < ROUTE_SLOTS)
        s->routes[s->nroutes++] = (route_count){route, status, 0};
    if (i < s->nroutes)
        s->routes[i].count++;
    int b = 0;
    while (b < LAT_BUCKETS && took > lat_bounds[b])
        b++;
    s->lat_count[b]++;
    s->lat_sum += took;
    pthread_mutex_unlock(&s->mu);
}

/* A histogram's lines: counts[0..n] per bucket (the last above every bound), made cumulative. */
static void histogram(th_buf *out, const char *name, const double *bounds,
                      const uint64_t *counts, int n, double sum)
{
    uint64_t cum = 0;
    for (int b = 0; b <= n; b++) {
        cum += counts[b];
        if (b < n)
            th_buf_printf(out, "%s_bucket{le=\"%g\"} %llu\n", name, bounds[b],
                          (unsigned long long)cum);
        else
            th_buf_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cum);
    }
    th_buf_printf(out, "%s_sum %.6f\n%s_count %llu\n", name, sum, name,
                  (unsigned long long)cum);
}

/* The Prometheus text format. */
static void metrics(server *s, th_buf *out)
{
    pthread_mutex_lock(&s->mu);
    th_buf_puts(out, "# HELP tanhui_http_requests_total Requests by route and status.\n"
                     "# TYPE tanhui_http_requests_total counter\n");
    for (size_t i = 0; i < s->nroutes; i++)
        th_buf_printf(out, "tanhui_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                      s->routes[i].route, s->routes[i].status,
                      (unsigned long long)s->routes[i].count);
    th_buf_puts(out, "# HELP tanhui_http_request_seconds Request latency.\n"
                     "# TYPE tanhui_http_request_seconds histogram\n");
    histogram(out, "tanhui_http_request_seconds", lat_bounds, s->lat_count, LAT_BUCKETS,
              s->lat_sum);
    pthread_mutex_unlock(&s->mu);
    th_sequencer_stats st;
    th_sequencer_stats_get(s->seq, &st);
    uint64_t served, made;
    th_answer_cache_counts(s->answers, &served, &made);
    pthread_mutex_lock(&s->mu);
    th_buf_printf(out, "# HELP tanhui_shared_answers_total Answers of the costly public reads"
                       " (supply, books, bars): served again, or made to be.\n"
                       "# TYPE tanhui_shared_answers_total counter\n"
                       "tanhui_shared_answers_total{outcome=\"served\"} %llu\n"
                       "tanhui_shared_answers_total{outcome=\"made\"} %llu\n",
                  (unsigned long long)served, (unsigned long long)made);
    th_buf_printf(out, "# HELP tanhui_rate_limited_total Requests refused with 429.\n"
                       "# TYPE tanhui_rate_limited_total counter\ntanhui_rate_limited_total %llu\n"
                       "# HELP tanhui_password_busy_total Logins and users added refused with 503:"
                       " two passwords were being hashed.\n"
                       "# TYPE tanhui_password_busy_total counter\n"
                       "tanhui_password_busy_total %llu\n",
                  (unsigned long long)s->limited, (unsigned long long)s->busy);
    pthread_mutex_unlock(&s->mu);
    th_buf_printf(out, "# HELP tanhui_batches_total Batches committed.\n"
                       "# TYPE tanhui_batches_total counter\n"
                       "tanhui_batches_total %llu\n"
                       "# HELP tanhui_batch_commands_total Commands in committed batches.\n"
                       "# TYPE tanhui_batch_commands_total counter\n"
                       "tanhui_batch_commands_total %llu\n"
                       "# HELP tanhui_last_batch_size Commands in the last batch.\n"
                       "# TYPE tanhui_last_batch_size gauge\n"
                       "tanhui_last_batch_size %llu\n"
                       "# HELP tanhui_wal_syncs_total Syncs of the WAL (each covers the batches"
                       " committed before it).\n"
                       "# TYPE tanhui_wal_syncs_total counter\n"
                       "tanhui_wal_syncs_total %llu\n"
                       "# HELP tanhui_commit_seconds From a batch's start until it is on the disk.\n"
                       "# TYPE tanhui_commit_seconds histogram\n",
                  (unsigned long long)st.batches, (unsigned long long)st.commands,
                  (unsigned long long)st.last_batch, (unsigned long long)st.syncs);
    histogram(out, "tanhui_commit_seconds", th_sequencer_buckets, st.latency_count,
              TH_SEQ_BUCKETS, st.latency_sum);
    /* memory: the process's, and SQLite's part of it (its page caches, across connections) */
    long pages = 0, resident = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    if (statm) {
        if (fscanf(statm, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(statm);
    }
    th_buf_printf(out, "# HELP process_resident_memory_bytes Resident memory.\n"
                       "# TYPE process_resident_memory_bytes gauge\n"
                       "process_resident_memory_bytes %lld\n"
                       "# HELP tanhui_sqlite_page_cache_bytes Memory of SQLite's page caches.\n"
                       "# TYPE tanhui_sqlite_page_cache_bytes gauge\n"
                       "tanhui_sqlite_page_cache_bytes %lld\n",
                  (long long)resident * sysconf(_SC_PAGESIZE),
                  (long long)th_db_page_cache_bytes());
    long copied = 0, runs = s->wdb ? th_db_background_checkpoints(s->wdb, &copied) : 0L;
    th_buf_printf(out, "# HELP tanhui_wal_checkpoints_total WAL checkpoints run by the "
                       "checkpoint thread.\n"
                       "# TYPE tanhui_wal_checkpoints_total counter\n"
                       "tanhui_wal_checkpoints_total %ld\n"
                       "# HELP tanhui_wal_checkpoint_pages_total Pages the checkpoint thread "
                       "copied from the WAL into the database.\n"
                       "# TYPE tanhui_wal_checkpoint_pages_total counter\n"
                       "tanhui_wal_checkpoint_pages_total %ld\n",
                  runs, copied);
    th_err e;
    th_db *db = thread_reader(s, &e);
    if (!db)
        return;
    /* the log's size by its last index (th_log_size): a count(*) of its entries read them all,
     * a quarter of a second at 3.5 million, holding a request thread at every scrape */
    sqlite3_stmt *q;
    int64_t log_size;
    if (th_log_size(db, &log_size, &e) ||
        th_db_stmt(db, "SELECT count(*) FROM orders WHERE status = 'open'", &q, &e) != 0)
        return;
    if (sqlite3_step(q) == SQLITE_ROW)
        th_buf_printf(out, "# HELP tanhui_open_orders Open orders.\n"
                           "# TYPE tanhui_open_orders gauge\ntanhui_open_orders %lld\n"
                           "# HELP tanhui_log_size Entries in the transparency log.\n"
                           "# TYPE tanhui_log_size gauge\ntanhui_log_size %lld\n",
                      (long long)sqlite3_column_int64(q, 0), (long long)log_size);
    th_db_done(db, q);
}

/* Take one request from the bucket of key (a user's id; an address's, negative), which fills
 * at rate a second up to burst: 0, or the seconds to wait for the next. */
static double take(server *s, int64_t user, double rate, double burst, double now)
{
    pthread_mutex_lock(&s->mu);
    size_t i = (size_t)(uint64_t)user * 2654435761u % BUCKETS;
    while (s->buckets[i].user && s->buckets[i].user != user)
        i = (i + 1) % BUCKETS;
    if (!s->buckets[i].user) {
        if (s->nbuckets >= BUCKETS / 2) { /* forget them all: each starts full again */
            memset(s->buckets, 0, sizeof s->buckets);
            s->nbuckets = 0;
            i = (size_t)(uint64_t)user * 2654435761u % BUCKETS;
        }
        s->buckets[i] = (bucket){user, burst, now};
        s->nbuckets++;
    }
    bucket *b = &s->buckets[i];
    b->tokens += (now - b->at) * rate;
    if (b->tokens > burst)
        b->tokens = burst;
    b->at = now;
    double wait = 0;
    if (b->tokens >= 1)
        b->tokens -= 1;
    else {
        wait = (1 - b->tokens) / rate;
        s->limited++;
    }
    pthread_mutex_unlock(&s->mu);
    return wait;
}

/* Whether the request hashes a password (a login, a user added). */
static bool hashes(const char *method, const char *url)
{
    return strcmp(method, "POST") == 0 &&
           (strcmp(url, "/api/v1/login") == 0 || strcmp(url, "/api/v1/users") == 0);
}

/* Take one of the HASHES_AT_ONCE (true), or count the refusal (false); give it back with
 * hash_done. */
static bool hash_begin(server *s)
{
    pthread_mutex_lock(&s->mu);
    bool ok = s->hashing < HASHES_AT_ONCE;
    if (ok)
        s->hashing++;
    else
        s->busy++;
    pthread_mutex_unlock(&s->mu);
    return ok;
}

static void hash_done(server *s)
{
    pthread_mutex_lock(&s->mu);
    s->hashing--;
    pthread_mutex_unlock(&s->mu);
}

/* The client's IPv4 address (host order), or 0 when it is not one. */
static uint32_t peer_v4(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr || ci->client_addr->sa_family != AF_INET)
        return 0;
    return ntohl(((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr.s_addr);
}

static const char *query_value(void *arg, const char *key)
{
    return MHD_lookup_connection_value(arg, MHD_GET_ARGUMENT_KIND, key);
}

/* A query argument of a shared answer's key: its key and its value each after its length
 * (decoded values may hold '&' and '='), "-" for no value. */
static enum MHD_Result key_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    th_buf *b = cls;
    th_buf_printf(b, "&%zu:%s", strlen(key), key);
    if (value)
        th_buf_printf(b, "%zu:%s", strlen(value), value);
    else
        th_buf_putc(b, '-');
    return MHD_YES;
}

/* A shared answer's key (api.h): the path, then each query argument as it came; and the
 * sequencer's committed batches, read now, before the answer is made. */
static uint64_t answer_key(void *arg, th_buf *key)
{
    request *rq = arg;
    th_buf_puts(key, rq->url);
    MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, key_arg, key);
    th_sequencer_stats st;
    th_sequencer_stats_get(rq->s->seq, &st);
    return st.batches;
}

static enum MHD_Result respond(struct MHD_Connection *c, const th_api_resp *r,
                               const char *retry_after)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r->body.len, r->body.p ? r->body.p : (void *)"",
                                        MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r->content_type);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (retry_after && *retry_after)
        MHD_add_response_header(resp, "Retry-After", retry_after);
    if (r->set_cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
    if (r->status == 405 && r->allow[0])
        MHD_add_response_header(resp, "Allow", r->allow);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* The user of the request's bearer token (user->id 0: none sent); -1 with the 401 answer when
 * the header is malformed or the token unknown or revoked. */
static int authenticate(server *s, struct MHD_Connection *c, th_db *db, th_user *user,
                        th_api_resp *r)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, TH_SESSION_COOKIE);
    if (!h && (!cookie || !*cookie))
        return 0;
    th_err e;
    int64_t now = (int64_t)time(NULL);
    int k = h ? (strncmp(h, "Bearer ", 7) == 0
                     ? th_token_cache_user(s->tokens, db, h + 7, now, user, &e)
                     : 0)
              : th_token_cache_user(s->tokens, db, cookie, now, user, &e);
    if (k > 0)
        return 0;
    memset(user, 0, sizeof *user);
    if (k < 0)
        th_api_fail(r, &e);
    else
        th_api_error(r, 401, "unauthorized",
                     h ? "the bearer token is unknown or revoked"
                       : "the session has ended: log in again",
                     h ? "Authorization" : TH_SESSION_COOKIE);
    return -1;
}

/* Whether a multipart body may go to this route: the uploads, and a project's reports. */
static bool takes_files(const char *url)
{
    size_t n = strlen(url);
    return strcmp(url, "/api/v1/uploads") == 0 ||
           (strncmp(url, "/api/v1/projects/", 17) == 0 && n > 25 &&
            strcmp(url + n - 8, "/reports") == 0);
}

static enum MHD_Result refuse(struct MHD_Connection *c, int status, const char *code,
                              const char *msg)
{
    th_api_resp r = {.status = status, .content_type = "application/json"};
    th_buf_init(&r.body);
    th_api_error(&r, status, code, msg, NULL);
    enum MHD_Result ok = respond(c, &r, NULL);
    th_buf_free(&r.body);
    return ok;
}

/* A multipart/form-data request: refused before its body is read unless it goes where files are
 * taken, from an owner or an operator (the route then checks the rest); else its parts are
 * stored as they come. */
static enum MHD_Result form_start(server *s, struct MHD_Connection *c, const char *url,
                                  const char *method, request *rq)
{
    if (strcmp(method, "POST") != 0 || !takes_files(url))
        return refuse(c, 415, "unsupported",
                      "multipart/form-data goes to POST /api/v1/uploads or "
                      "/api/v1/projects/{id}/reports only");
    th_err e;
    th_db *db = thread_reader(s, &e);
    th_user user = {.id = 0};
    th_api_resp r = {.status = 500, .content_type = "application/json"};
    th_buf_init(&r.body);
    enum MHD_Result ok = MHD_YES;
    if (!db)
        th_api_fail(&r, &e);
    else if (authenticate(s, c, db, &user, &r) == 0 && !user.id)
        th_api_error(&r, 401, "unauthorized", "uploading needs a user: send Authorization: "
                                              "Bearer TOKEN", NULL);
    else if (user.id && strcmp(user.role, "owner") != 0 && strcmp(user.role, "operator") != 0)
        th_api_error(&r, 403, "forbidden", "uploading is for an owner or an operator", NULL);
    else if (user.id) {
        rq->form = th_form_new(c, s->uploads);
        rq->multipart = 1;
        if (!rq->form)
            th_api_error(&r, 400, "invalid", "the multipart/form-data body has no boundary",
                         NULL);
    }
    if (!rq->form)
        ok = respond(c, &r, NULL);
    th_buf_free(&r.body);
    return ok;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A file of the web app (GET or HEAD of a path outside /api/ and /metrics): 404 when there is
 * none. Public: the app's files hold no data; the API behind them checks who asks. */
static enum MHD_Result serve_file(server *s, struct MHD_Connection *c, const char *url,
                                  const char *method, request *rq)
{
    char path[4400];
    int status = 404, fd = -1;
    struct stat st;
    if (th_static_path(s->web, url, is_file, path, sizeof path) &&
        (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        status = 200;
    struct MHD_Response *resp;
    if (status == 200) {
        resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    } else {
        if (fd >= 0)
            close(fd);
        static const char none[] = "no such file of the web app\n";
        resp =
            MHD_create_response_from_buffer(sizeof none - 1, (void *)none, MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type",
                            status == 200 ? th_static_type(path) : "text/plain; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control",
                            th_static_immutable(url) ? "public, max-age=31536000, immutable"
                                                     : "no-cache");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    /* the app works offline: everything from here, nothing from elsewhere */
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' "
                            "'unsafe-inline'; frame-ancestors 'none'");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    double took = now_s() - rq->t0;
    count(s, "static", status, took);
    th_access_log_line(s->log, "%s %s %d %.1fms -", method, url, status, took * 1e3);
    return ok;
}

/* th_api_req.defer: refuse every write once the server is stopping; count the others as in
 * flight until MHD is done with them (on_done), and set each aside: no write holds a request
 * thread (and the connections it serves) while its batch commits and syncs. */
static int defer_write(void *arg, const th_cmd *c, int status)
{
    request *rq = arg;
    server *s = rq->s;
    pthread_mutex_lock(&s->mu);
    bool take = !s->draining;
    if (take)
        s->writing++;
    pthread_mutex_unlock(&s->mu);
    if (!take)
        return 1;
    rq->writing = true;
    deferred *w = th_xcalloc(1, sizeof *w);
    th_cmd_copy_make(&w->cmd, c);
    th_cmd_result_init(&w->res);
    w->status = status;
    rq->w = w;
    return 0;
}

/* The writer's call once a set-aside write is done: the request goes on (MHD calls on_request
 * again, which answers it). Nothing of rq is touched after the resume: it may be gone. It stays
 * counted in flight until MHD is done with it (on_done): stopping MHD between the resume and
 * the answer would close a connection whose order was committed, unanswered. */
static void write_done(void *arg)
{
    request *rq = arg;
    rq->w->done = true;
    MHD_resume_connection(rq->conn);
}

/* The answer of a write set aside, once the writer is done with it. */
static enum MHD_Result answer_deferred(server *s, struct MHD_Connection *c, const char *method,
                                       const char *url, request *rq)
{
    deferred *w = rq->w;
    th_api_resp r = {.status = 500, .content_type = "application/json"};
    th_buf_init(&r.body);
    th_api_submitted(&r, &w->res, w->status);
    double took = now_s() - rq->t0;
    count(s, w->route, r.status, took);
    char who[24] = "-";
    if (w->account)
        snprintf(who, sizeof who, "%lld", (long long)w->account);
    th_access_log_line(s->log, "%s %s %d %.1fms %s", method, url, r.status, took * 1e3, who);
    enum MHD_Result ok = respond(c, &r, NULL);
    th_buf_free(&r.body);
    return ok;
}

static void deferred_free(deferred *w)
{
    if (!w)
        return;
    th_cmd_copy_free(&w->cmd);
    th_cmd_result_free(&w->res);
    free(w);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    server *s = cls;
    request *rq = *state;
    if (rq && rq->w) /* a write set aside: resumed once the writer is done with it */
        return rq->w->done ? answer_deferred(s, c, method, url, rq) : MHD_YES;
    if (!rq) {
        rq = th_xcalloc(1, sizeof *rq);
        th_buf_init(&rq->body);
        rq->t0 = now_s();
        rq->s = s;
        rq->conn = c;
        *state = rq;
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0)
            return form_start(s, c, url, method, rq);
        return MHD_YES;
    }
    if (*upload_size) {
        if (rq->form) {
            if (th_form_feed(rq->form, upload, *upload_size))
                rq->too_big = 1;
        } else if (rq->body.len + *upload_size > BODY_MAX) {
            rq->too_big = 1;
        } else {
            th_buf_put(&rq->body, upload, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (s->web && !rq->multipart && strncmp(url, "/api/", 5) != 0 && strcmp(url, "/metrics") != 0 &&
        (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
        return serve_file(s, c, url, method, rq);
    if (rq->form) {
        /* too big: nothing of it kept; else the parts become the JSON body */
        th_err fe;
        int rc = rq->too_big ? 0 : th_form_end(rq->form, &rq->body, &fe);
        th_form_free(rq->form);
        rq->form = NULL;
        if (rc) {
            th_api_resp r = {.status = 400, .content_type = "application/json"};
            th_buf_init(&r.body);
            th_api_fail(&r, &fe);
            count(s, "multipart", r.status, now_s() - rq->t0);
            th_access_log_line(s->log, "%s %s %d %.1fms -", method, url, r.status,
                    (now_s() - rq->t0) * 1e3);
            enum MHD_Result ok = respond(c, &r, NULL);
            th_buf_free(&r.body);
            return ok;
        }
    }
    th_api_resp r = {.status = 500, .content_type = "application/json"};
    th_buf_init(&r.body);
    const char *route = "unmatched";
    th_user user = {.id = 0};
    double wait = 0;
    bool hashing = false; /* one of the HASHES_AT_ONCE taken */
    char retry[16] = "";
    th_err e;
    th_db *db;
    if (rq->too_big) {
        char msg[120];
        snprintf(msg, sizeof msg, "the request's body is over %d MiB",
                 rq->multipart ? TH_UPLOAD_MAX >> 20 : BODY_MAX >> 20);
        th_api_error(&r, 413, "too_large", msg, NULL);
    } else if (!(db = thread_reader(s, &e))) {
        th_api_fail(&r, &e);
    } else if (authenticate(s, c, db, &user, &r) != 0) {
        /* r holds the 401 */
    } else if (strcmp(url, "/metrics") == 0 && strcmp(method, "GET") == 0) {
        /* for the machine's own scraper, or an operator */
        route = "/metrics";
        if ((peer_v4(c) >> 24) == 127 || (user.id && strcmp(user.role, "operator") == 0)) {
            metrics(s, &r.body);
            r.status = 200;
            r.content_type = "text/plain; version=0.0.4";
        } else {
            th_api_error(&r, user.id ? 403 : 401, user.id ? "forbidden" : "unauthorized",
                         "the metrics are for a scraper on this machine or an operator", NULL);
        }
    } else if (strcmp(url, "/api/v1/login") == 0 &&
               (wait = take(s, -(int64_t)peer_v4(c) - 1, LOGIN_RATE, LOGIN_BURST, now_s())) > 0) {
        /* each login costs an Argon2id hash: a few from one address at a time */
        route = "/api/v1/login";
        th_api_error(&r, 429, "rate_limited",
                     "too many logins from this address: 10 a minute at most", NULL);
        snprintf(retry, sizeof retry, "%d", (int)wait + 1);
    } else if (user.id && (wait = take(s, user.id, s->rate, 2 * s->rate, now_s())) > 0) {
        char msg[120];
        snprintf(msg, sizeof msg, "too many requests for this user: %g a second at most",
                 s->rate);
        th_api_error(&r, 429, "rate_limited", msg, NULL);
        snprintf(retry, sizeof retry, "%d", (int)wait + 1);
    } else if (hashes(method, url) && !(hashing = hash_begin(s))) {
        route = strcmp(url, "/api/v1/login") == 0 ? "/api/v1/login" : "/api/v1/users";
        th_api_error(&r, 503, "busy",
                     "the server is checking other passwords: two at a time at most; try again "
                     "in a second", NULL);
        snprintf(retry, sizeof retry, "1");
    } else {
        th_api_req req = {.db = db, .seq = s->seq, .query = query_value, .query_arg = c,
                          .body = rq->body.p, .body_len = rq->body.len,
                          .user = user.id ? &user : NULL,
                          .idempotency_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                                         "Idempotency-Key"),
                          .session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
                                                                 TH_SESSION_COOKIE),
                          .credentials = thread_writer,
                          .credentials_arg = s,
                          .last_event_id = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                                       "Last-Event-ID"),
                          .uploads_dir = s->uploads,
                          .defer = defer_write,
                          .defer_arg = rq,
                          .answers = s->answers,
                          .answer_key = answer_key,
                          .answer_arg = rq};
        rq->url = url;
        th_api_dispatch(method, url, &req, &r, &route);
        if (hashing)
            hash_done(s);
    }
    if (r.deferred) {
        /* suspended before the writer can be done with it (its resume must find it so) */
        rq->w->route = route;
        rq->w->account = user.id ? user.account : 0;
        th_buf_free(&r.body);
        MHD_suspend_connection(c);
        if (th_sequencer_submit_async(s->seq, &rq->w->cmd.cmd, &rq->w->res, write_done, rq) != 0)
            write_done(rq);
        return MHD_YES;
    }
    double took = now_s() - rq->t0;
    count(s, route, r.status, took);
    /* one line a request: no body, no query string, no token */
    char who[24] = "-";
    if (user.id)
        snprintf(who, sizeof who, "%lld", (long long)user.account);
    th_access_log_line(s->log, "%s %s %d %.1fms %s", method, url, r.status, took * 1e3, who);
    enum MHD_Result ok = r.stream.on && r.status == 200 ? th_http_stream(c, s->hub, &r)
                                                        : respond(c, &r, retry);
    th_buf_free(&r.body);
    return ok;
}

static void on_done(void *cls, struct MHD_Connection *c, void **state,
                    enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)c;
    (void)why;
    request *rq = *state;
    if (rq) {
        if (rq->writing) { /* a write is answered (or its client gone) */
            server *s = rq->s;
            pthread_mutex_lock(&s->mu);
            s->writing--;
            pthread_cond_broadcast(&s->answered);
            pthread_mutex_unlock(&s->mu);
        }
        th_form_free(rq->form);
        th_buf_free(&rq->body);
        deferred_free(rq->w);
        free(rq);
        *state = NULL;
    }
}

/* "HOST:PORT" (IPv4) into addr. */
static int parse_listen(const char *s, struct sockaddr_in *addr, th_err *e)
{
    const char *colon = strrchr(s, ':');
    char host[64];
    long port = -1;
    if (colon && (size_t)(colon - s) < sizeof host) {
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
        char *end;
        port = strtol(colon + 1, &end, 10);
        if (*end || end == colon + 1)
            port = -1;
    }
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    if (port < 0 || port > 65535 || inet_pton(AF_INET, host, &addr->sin_addr) != 1)
        return th_fail_at(e, TH_EUSAGE, NULL, 0, "listen", s, strlen(s),
                          "serve: --listen is an IPv4 address and a port, like 127.0.0.1:8080");
    addr->sin_port = htons((uint16_t)port);
    return 0;
}

int th_serve(const th_serve_opts *o, th_err *e)
{
    struct sockaddr_in addr;
    if (parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &addr, e))
        return -1;
    int threads = o->threads > 0 ? o->threads : TH_SERVE_THREADS;
    if (threads > TH_SERVE_THREADS_LIMIT)
        return th_fail(e, TH_EUSAGE, "serve: --threads is 1 to %d", TH_SERVE_THREADS_LIMIT);
    /* signals are waited for here, never delivered to the threads started below */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    char info[160];
    snprintf(info, sizeof info, "pid %ld, %s", (long)getpid(), o->listen);
    int lock;
    if (th_serve_lock_take(o->db_path, info, &lock, e))
        return -1;
    th_db *wdb;
    if (th_db_open(o->db_path, TH_DB_WRITE, &wdb, e)) {
        close(lock);
        return -1;
    }
    /* the sequencer commits batch after batch: the WAL's pages are copied into the database
     * by a thread of their own, not in the commits (store/checkpointer.h) */
    if (th_db_checkpoint_in_background(wdb, e)) {
        th_db_close(wdb);
        close(lock);
        return -1;
    }
    server s = {.db_path = o->db_path, .web = o->web, .rate = o->rate > 0 ? o->rate : TH_SERVE_RATE,
                .wdb = wdb};
    /* every request thread has a read connection and may open one for logins, each with its
     * page cache: they share a budget of their own, so that the server's memory stays flat
     * however many threads it runs (SQLite's soft heap limit would need its memory statistics,
     * which are off: store/db.c) */
    s.cache_kib = SQLITE_CACHES_KIB / (2 * threads);
    if (s.cache_kib > OWN_CACHE_KIB)
        s.cache_kib = OWN_CACHE_KIB;
    if (th_uploads_dir(o->db_path, s.uploads, sizeof s.uploads, e)) {
        th_db_close(wdb);
        close(lock);
        return -1;
    }
    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.answered, NULL);
    s.seq = th_sequencer_start(wdb, o->signer,
                               o->sign_every_ms < 0 ? TH_SERVE_SIGN_EVERY_MS : o->sign_every_ms,
                               1000, e);
    if (!s.seq) {
        th_db_close(wdb);
        close(lock);
        return -1;
    }
    s.hub = th_events_new(4096);
    th_stream *follower = th_stream_start(o->db_path, s.hub, e);
    if (!follower) {
        th_sequencer_stop(s.seq);
        th_events_free(s.hub);
        close(lock);
        return -1;
    }
    th_sequencer_on_commit(s.seq, th_stream_poke, follower);
    s.tokens = th_token_cache_new();
    s.answers = th_answer_cache_new();
    s.log = th_access_log_new(STDERR_FILENO);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME,
        0, NULL, NULL,
        on_request, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 64u,
        MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
    int rc = 0;
    if (!d) {
        rc = th_fail(e, TH_EIO, "serve: cannot listen on %s: %s", o->listen, strerror(errno));
    } else {
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        char host[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &addr.sin_addr, host, sizeof host);
        unsigned port = di ? (unsigned)di->port : (unsigned)ntohs(addr.sin_port);
        snprintf(info, sizeof info, "pid %ld, http://%s:%u", (long)getpid(), host, port);
        th_serve_lock_note(lock, info);
        printf("listening on http://%s:%u\n", host, port);
        fflush(stdout);
        /* the signal, and meanwhile the request lines written out at least this often */
        const struct timespec tick = {0, TH_ACCESS_LOG_EVERY_MS * 1000000L};
        int sig;
        while ((sig = sigtimedwait(&sigs, NULL, &tick)) < 0)
            th_access_log_flush(s.log);
        th_access_log_flush(s.log);
        fprintf(stderr, "tanhui serve: %s: finishing the requests in flight\n",
                sig == SIGTERM ? "SIGTERM" : "SIGINT");
        MHD_socket listener = MHD_quiesce_daemon(d); /* no new connections */
        /* the writes taken are answered, their responses sent (a suspended connection would
         * stop MHD's stop, and a connection stopped before its answer would lose it); the writes
         * that come now are refused (503) */
        pthread_mutex_lock(&s.mu);
        s.draining = true;
        while (s.writing > 0)
            pthread_cond_wait(&s.answered, &s.mu);
        pthread_mutex_unlock(&s.mu);
        th_events_close(s.hub); /* the streams end (none stays suspended)... */
        th_events_drain(s.hub, 2000); /* ...and are given 2 s to send their last chunk */
        MHD_stop_daemon(d);           /* the requests in flight finish first */
        if (listener != MHD_INVALID_SOCKET)
            close(listener);
    }
    th_access_log_free(s.log); /* every request is done: its line is out */
    th_sequencer_stop(s.seq); /* the batch in flight commits; the rest signed */
    th_stream_stop(follower);
    th_events_free(s.hub);
    th_token_cache_free(s.tokens);
    th_answer_cache_free(s.answers);
    for (size_t i = 0; i < s.nreaders; i++)
        th_db_close(s.readers[i]);
    free(s.readers);
    pthread_cond_destroy(&s.answered);
    pthread_mutex_destroy(&s.mu);
    close(lock);
    return rc;
}
