/* replay.h — the replay language of `tanhui book replay`, the engine's test interface. Pure: a
 * line in, its events appended to a buffer as text.
 *
 * Commands, one per line (fields separated by spaces or tabs; `#` comments and blank lines are
 * ignored; ids, accounts, prices and quantities are signed 64-bit integers):
 *   O <id> <account> <B|S> <price> <qty> [GTC|IOC|FOK|POST]   limit order (GTC when omitted)
 *   M <id> <account> <B|S> <qty>                              market order
 *   C <id>                                                    cancel
 *   R <id> <price> <qty>                                      replace
 *   P <id> <account> <B|S> <qty> <resting-id>                 pick
 *   X                                                         uncross the auction
 * Events, one per line: A <id> · T <buy> <sell> <price> <qty> <B|S|X> · K <id> <qty> · U <id> ·
 * J <id> <reason>. A malformed line gives `J <id> bad-line`, with its second field as the id when
 * that is a number, else `-`. */
#ifndef TH_REPLAY_H
#define TH_REPLAY_H

#include "base/buf.h"
#include "market/book.h"

#include <stddef.h>

typedef struct {
    th_book *book;
    th_buf *out;
} th_replay;

/* A replay writing to `out`, with a book of the given configuration. */
void th_replay_init(th_replay *r, const th_book_config *cfg, th_buf *out);
void th_replay_free(th_replay *r);
/* Apply one line (without its newline). */
void th_replay_line(th_replay *r, const char *line, size_t n);
/* The text of a reject reason ("bad-qty", …). */
const char *th_reject_name(th_reject why);

#endif
