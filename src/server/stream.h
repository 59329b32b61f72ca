/* stream.h — the events of GET /api/v1/stream, made from what the writer committed: a thread
 * that follows the database on its own read connection and publishes to the hub (events.h).
 *
 * After each commit the sequencer pokes it. It then reads, in one read transaction, what came
 * since its last look and publishes, in this order:
 *   - "trade": each new trade, as one item of GET /api/v1/trades;
 *   - "book": for each instrument a new log entry names (an order, a cancel, a session change,
 *     an auction...), its book as GET /api/v1/instruments/{code}/book, at most 5 times a second;
 *   - "checkpoint": the newest signed checkpoint, {"size", "note"} (the note's text).
 * With no subscriber it only moves its marks to the end, so a server nobody watches does no
 * work. Every 15 s it pings the subscribers (a keep-alive comment). */
#ifndef TH_STREAM_H
#define TH_STREAM_H

#include "base/err.h"
#include "server/events.h"
#include "store/db.h"

#include <stdint.h>

/* Where the follower stands: the next log entry, the last trade and checkpoint published, and
 * the instruments whose books changed since their last book event (sent at most every
 * TH_STREAM_BOOK_GAP seconds: a book is read whole, and a busy instrument commits a hundred
 * times a second). */
#define TH_STREAM_BOOK_GAP 0.2
typedef struct {
    int64_t next_entry, last_trade, last_checkpoint;
    int64_t pending[64];
    size_t npending;
    double books_at; /* when the books were last sent */
} th_stream_marks;

/* The marks at the end of what db holds now. */
int th_stream_end(th_db *db, th_stream_marks *m, th_err *e) __attribute__((warn_unused_result));
/* Publish what db holds beyond m, and move m; now (seconds, any monotonic clock) decides whether
 * the changed books are sent now or kept pending. */
int th_stream_publish(th_db *db, th_stream_marks *m, th_events *h, double now, th_err *e)
    __attribute__((warn_unused_result));

typedef struct th_stream th_stream;
/* Start the follower on its own read connection to db_path (NULL, e set, if it cannot open). */
th_stream *th_stream_start(const char *db_path, th_events *h, th_err *e);
/* Something was committed (any thread; cheap). */
void th_stream_poke(void *stream);
/* Stop the thread and close its connection. */
void th_stream_stop(th_stream *s);

#endif
