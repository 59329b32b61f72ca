/* http.h — `tanhui serve`: the JSON API over HTTP (libmicrohttpd: a small, well-kept C server
 * library packaged by Debian, with a thread pool and no framework around it).
 *
 * The server takes the database's serve lock (server/serve_lock.h), starts the sequencer (its
 * one writer) and a pool of request threads, each with its own read-only connection, and runs
 * until SIGTERM or SIGINT: then it stops accepting, lets the requests in flight finish (their
 * batch committed), stops the writer (a checkpoint signed over what is left) and returns 0.
 * One line per request on stderr: method, path, status, duration, account ("-" when none),
 * written in runs (server/access_log.h): a line is out within 100 ms, and all are at the end.
 *
 * Order entry holds no request thread while its batch commits: the handler's command is copied
 * into the request, the connection suspended and the command handed to the sequencer, whose
 * writer resumes the connection once the batch has committed; the request is then answered from
 * the writer's result. So a batch takes every order in flight, not one per thread, and a few
 * threads serve many trading connections. Invariant: every write taken (set aside or waiting on
 * its thread) is counted until MHD is done with its request, its answer sent; at shutdown no
 * write is taken any more (503) and MHD stops only once the count is zero (it cannot stop with a
 * suspended connection, and stopping between a write's commit and its answer would lose the
 * answer).
 *
 * Limits: a body of 1 MiB (413), 30 s for a slow client, 1,024 connections in all and 64 from
 * one address, and a token bucket per user (429 with Retry-After when it is empty). */
#ifndef TH_HTTP_H
#define TH_HTTP_H

#include "base/err.h"
#include "log/note.h"

enum { TH_SERVE_SIGN_EVERY_MS = 1000 }; /* serve --sign-every's default */
/* serve --threads's default: two a core, from TH_SERVE_THREADS_MIN to TH_SERVE_THREADS_MAX */
enum { TH_SERVE_THREADS_MIN = 4, TH_SERVE_THREADS_MAX = 16 };

typedef struct {
    const char *db_path;
    const char *listen;            /* "127.0.0.1:8080"; port 0: any free one */
    int threads;                   /* request threads; 0: th_serve_default_threads() */
    int rate;                      /* requests a second per token; 0: 500 (bursts of 2 s) */
    const th_note_signer *signer;  /* NULL: sign no checkpoints */
    int sign_every_ms;             /* under load, a checkpoint at most this often; -1:
                                      TH_SERVE_SIGN_EVERY_MS,
                                      0: after every batch */
    const char *web;               /* the web app's files, served at /; NULL: none */
} th_serve_opts;

int th_serve_default_threads(void);
/* Serve until a signal; prints "listening on http://HOST:PORT" on stdout once it accepts. */
int th_serve(const th_serve_opts *o, th_err *e) __attribute__((warn_unused_result));

#endif
