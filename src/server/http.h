/* http.h — `tanhui serve`: the JSON API over HTTP (libmicrohttpd: a small, well-kept C server
 * library packaged by Debian, with a thread pool and no framework around it).
 *
 * The server takes the database's serve lock (server/serve_lock.h), starts the sequencer (its
 * one writer) and a pool of request threads, each with its own read-only connection, and runs
 * until SIGTERM or SIGINT: then it stops accepting, lets the requests in flight finish (their
 * batch committed), stops the writer (a checkpoint signed over what is left) and returns 0.
 * One line per request on stderr: method, path, status, duration, account ("-" when none),
 * gathered and written by the main thread (server/access_log.h): a line is out within 100 ms,
 * all are out at the end, and a request thread never waits for the write.
 *
 * No write holds a request thread while its batch commits: the handler's command is copied
 * whole into the request (engine/cmd_copy.h), the connection suspended and the command handed to
 * the sequencer, which resumes the connection once the batch's sync is done; the request is then
 * answered from the writer's result. So a batch takes every write in flight, not one per thread,
 * a few threads serve many trading connections, and a slow batch holds up no read. Invariant:
 * every write taken is counted until MHD is done with its request, its answer sent; at shutdown
 * no write is taken any more (503) and MHD stops only once the count is zero (it cannot stop
 * with a suspended connection, and stopping between a write's commit and its answer would lose
 * the answer).
 *
 * Limits: a body of 1 MiB (413), 30 s for a slow client, 1,024 connections in all and 64 from
 * one address, and a token bucket per user (429 with Retry-After when it is empty). */
#ifndef TH_HTTP_H
#define TH_HTTP_H

#include "base/err.h"
#include "log/note.h"

enum { TH_SERVE_SIGN_EVERY_MS = 1000 }; /* serve --sign-every's default */
/* serve --threads: TH_SERVE_THREADS by default, 1 to TH_SERVE_THREADS_LIMIT. A request that
 * holds its thread (a read: no write does) holds up the connections that thread serves, a
 * sixteenth of them by default; 4 threads took 6.5 % more orders a second on
 * two cores, but a slow read every 10 s then put a soak's p99 at 49-82 ms, against 7.6 ms
 * with 16 (BENCHMARKS.md, bench-http, "2026-12-07, third session") */
enum { TH_SERVE_THREADS = 16, TH_SERVE_THREADS_LIMIT = 64 };
/* serve --rate: 1 to TH_SERVE_RATE_LIMIT requests a second per user, TH_SERVE_RATE by default */
enum { TH_SERVE_RATE = 500, TH_SERVE_RATE_LIMIT = 1000000 };

typedef struct {
    const char *db_path;
    const char *listen;            /* "127.0.0.1:8080"; port 0: any free one */
    int threads;                   /* request threads; 0: TH_SERVE_THREADS */
    int rate;                      /* requests a second per user; 0: TH_SERVE_RATE (bursts of 2 s) */
    const th_note_signer *signer;  /* NULL: sign no checkpoints */
    int sign_every_ms;             /* under load, a checkpoint at most this often; -1:
                                      TH_SERVE_SIGN_EVERY_MS,
                                      0: after every batch */
    const char *web;               /* the web app's files, served at /; NULL: none */
} th_serve_opts;

/* Serve until a signal; prints "listening on http://HOST:PORT" on stdout once it accepts. */
int th_serve(const th_serve_opts *o, th_err *e) __attribute__((warn_unused_result));

#endif
