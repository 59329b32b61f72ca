/* stream.c — the follower that turns commits into stream events. See stream.h. */
#include "server/stream.h"

#include "base/json.h"
#include "base/mem.h"
#include "exchange/instruments.h"
#include "exchange/orders.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { PING_SECONDS = 15 };

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int scalar(th_db *db, const char *sql, int64_t *v, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, sql, &st, e))
        return -1;
    int r = sqlite3_step(st);
    *v = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    th_db_done(db, st);
    return r == SQLITE_ROW ? 0 : th_db_fail(db, "cannot read where the stream stands", e);
}

int th_stream_end(th_db *db, th_stream_marks *m, th_err *e)
{
    m->npending = 0;
    m->books_at = -TH_STREAM_BOOK_GAP; /* the next books go at once */
    return scalar(db, "SELECT coalesce(max(idx) + 1, 0) FROM log_entries", &m->next_entry, e) ||
                   scalar(db, "SELECT coalesce(max(id), 0) FROM trades", &m->last_trade, e) ||
                   scalar(db, "SELECT coalesce(max(size), 0) FROM log_checkpoints",
                          &m->last_checkpoint, e)
               ? -1
               : 0;
}

typedef struct {
    th_events *h;
    int64_t last;
} trade_pub;

static void publish_trade(void *arg, int64_t id, int64_t instrument, const char *json)
{
    trade_pub *p = arg;
    th_events_publish(p->h, "trade", instrument, json);
    p->last = id;
}

/* The instruments the entries from m->next_entry on name, added to m->pending (distinct). */
static int touched(th_db *db, th_stream_marks *m, th_err *e)
{
    int64_t *ids = m->pending;
    size_t cap = sizeof m->pending / sizeof *m->pending, *n = &m->npending;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT idx, entry FROM log_entries WHERE idx >= ?1 ORDER BY idx", &st,
                   e))
        return -1;
    sqlite3_bind_int64(st, 1, m->next_entry);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        m->next_entry = sqlite3_column_int64(st, 0) + 1;
        const char *text = (const char *)sqlite3_column_text(st, 1);
        if (!text || !strstr(text, "\"instrument\":"))
            continue; /* most entries of the registry: no parse */
        json_t *j = json_loads(text, 0, NULL);
        json_t *in = j ? json_object_get(j, "instrument") : NULL;
        if (json_is_integer(in)) {
            int64_t id = json_integer_value(in);
            size_t k = 0;
            while (k < *n && ids[k] != id)
                k++;
            if (k == *n && *n < cap)
                ids[(*n)++] = id;
        }
        json_decref(j);
    }
    th_db_done(db, st);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot read the new log entries", e);
}

static int publish_book(th_db *db, th_events *h, int64_t id, th_err *e)
{
    th_instrument in;
    if (th_instrument_get(db, id, &in, e))
        return -1;
    th_buf b;
    th_buf_init(&b);
    int rc = th_book_view_json(db, in.code, &b, e);
    if (rc == 0) {
        th_buf_putc(&b, '\0');
        th_events_publish(h, "book", id, b.p);
    }
    th_buf_free(&b);
    return rc;
}

static int publish_checkpoint(th_db *db, th_stream_marks *m, th_events *h, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT size, note FROM log_checkpoints WHERE size > ?1"
                       " ORDER BY size DESC LIMIT 1",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, m->last_checkpoint);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        m->last_checkpoint = sqlite3_column_int64(st, 0);
        th_buf b;
        th_buf_init(&b);
        th_json j;
        th_json_init(&j, &b);
        th_json_obj_begin(&j);
        th_json_key(&j, "size");
        th_json_int(&j, m->last_checkpoint);
        th_json_key(&j, "note");
        th_json_str(&j, (const char *)sqlite3_column_text(st, 1));
        th_json_obj_end(&j);
        th_buf_putc(&b, '\0');
        th_events_publish(h, "checkpoint", 0, b.p);
        th_buf_free(&b);
    }
    th_db_done(db, st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0
                                               : th_db_fail(db, "cannot read the checkpoints", e);
}

int th_stream_publish(th_db *db, th_stream_marks *m, th_events *h, double now, th_err *e)
{
    /* one snapshot: the trades, books and checkpoint agree */
    if (th_db_exec(db, "BEGIN", e))
        return -1;
    trade_pub tp = {h, m->last_trade};
    int rc = th_trades_since(db, m->last_trade, publish_trade, &tp, e);
    m->last_trade = tp.last;
    if (rc == 0)
        rc = touched(db, m, e);
    if (rc == 0 && m->npending && now - m->books_at >= TH_STREAM_BOOK_GAP) {
        for (size_t i = 0; rc == 0 && i < m->npending; i++)
            rc = publish_book(db, h, m->pending[i], e);
        if (rc == 0) {
            m->npending = 0;
            m->books_at = now;
        }
    }
    if (rc == 0)
        rc = publish_checkpoint(db, m, h, e);
    th_err e2;
    if (th_db_exec(db, "COMMIT", &e2))
        th_err_clear(&e2);
    return rc;
}

struct th_stream {
    th_db *db;
    th_events *h;
    th_stream_marks marks;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool poked, stopping;
};

static void *follow(void *arg)
{
    th_stream *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        if (!s->poked) {
            /* books left pending: look again when they may go; else ping in a while */
            bool books = s->marks.npending > 0;
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            if (books) {
                until.tv_nsec += (long)(TH_STREAM_BOOK_GAP * 1e9);
                until.tv_sec += until.tv_nsec / 1000000000;
                until.tv_nsec %= 1000000000;
            } else {
                until.tv_sec += PING_SECONDS;
            }
            if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT) {
                if (books) {
                    s->poked = true;
                    continue;
                }
                pthread_mutex_unlock(&s->mu);
                th_events_ping(s->h);
                pthread_mutex_lock(&s->mu);
            }
            continue;
        }
        s->poked = false;
        pthread_mutex_unlock(&s->mu);
        th_err e;
        int rc = th_events_listened(s->h)
                     ? th_stream_publish(s->db, &s->marks, s->h, mono_now(), &e)
                     : th_stream_end(s->db, &s->marks, &e);
        if (rc)
            th_err_clear(&e); /* the next commit tries again from the same marks */
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

th_stream *th_stream_start(const char *db_path, th_events *h, th_err *e)
{
    th_stream *s = th_xcalloc(1, sizeof *s);
    s->h = h;
    if (th_db_open(db_path, TH_DB_READ, &s->db, e) || th_stream_end(s->db, &s->marks, e)) {
        th_db_close(s->db);
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->thread, NULL, follow, s) != 0) {
        th_fail(e, TH_EIO, "cannot start the stream's thread: %s", strerror(errno));
        th_db_close(s->db);
        free(s);
        return NULL;
    }
    return s;
}

void th_stream_poke(void *arg)
{
    th_stream *s = arg;
    pthread_mutex_lock(&s->mu);
    s->poked = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void th_stream_stop(th_stream *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    th_db_close(s->db);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
