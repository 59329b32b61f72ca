/* events.h — the stream's hub: the recent events of GET /api/v1/stream (Server-Sent Events) and
 * the connections waiting for them.
 *
 * An event has an id (1, 2, 3... in publishing order), a type ("trade", "book", "checkpoint"),
 * the instrument it is about (0: none, as a checkpoint) and its data (one line of JSON). The hub
 * keeps the last `cap` events in a ring: a subscriber reads, from its cursor on, the events its
 * filter lets through, already written in the SSE wire format; one that fell behind the ring is
 * told how many it missed (an event "lagged"), so that a client knows to reload.
 *
 * A subscriber with nothing to read is parked: th_events_read calls its park function under the
 * hub's lock and marks it waiting; a publish (or a ping, or closing the hub) takes it off and
 * calls its wake function outside the lock, so a wake always follows its park. The server parks
 * by suspending the HTTP connection and wakes by resuming it. */
#ifndef TH_EVENTS_H
#define TH_EVENTS_H

#include "base/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct th_events th_events;

typedef struct th_subscriber {
    uint64_t cursor;    /* the last event id read */
    int64_t instrument; /* only this instrument's events (and those of none); 0: all */
    void (*park)(void *arg), (*wake)(void *arg);
    void *arg;
    /* the hub's */
    bool waiting, ping;
    struct th_subscriber *prev, *next;
} th_subscriber;

th_events *th_events_new(size_t cap);
void th_events_free(th_events *h);

/* Append an event (data: one line of JSON) and wake the waiting subscribers. */
void th_events_publish(th_events *h, const char *type, int64_t instrument, const char *data);
/* Whether anyone listens (the publisher skips its work when nobody does). */
bool th_events_listened(th_events *h);
/* The id the next event will have, less one (a new subscriber's cursor: only what comes). */
uint64_t th_events_last(th_events *h);

void th_events_subscribe(th_events *h, th_subscriber *s);
void th_events_unsubscribe(th_events *h, th_subscriber *s);
/* Append to out what s has to read (events, a "lagged" event, a keep-alive comment) and move its
 * cursor. 1: something was written; 0: nothing, and s is parked; -1: the hub is closed. */
int th_events_read(th_events *h, th_subscriber *s, th_buf *out);
/* Wake every subscriber with a keep-alive comment (a dead client is found by the write). */
void th_events_ping(th_events *h);
/* Close: every subscriber is woken and reads the end. */
void th_events_close(th_events *h);
/* Wait, at most ms milliseconds, until every subscriber has left; whether they all have. */
bool th_events_drain(th_events *h, int ms);

#endif
