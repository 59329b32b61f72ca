/* books.h — the exchange's order books in memory: one th_book (src/market) per instrument, a
 * cache of the open orders in the store.
 *
 * The store is the truth (DESIGN.md): a book is loaded the first time its instrument is traded,
 * from its open orders in priority order (resting orders never cross, so putting them back in
 * that order trades nothing and restores every price level's queue). When a command that
 * changed a book fails and is rolled back, or a batch fails, the book is dropped and loaded again
 * from what the store then holds. The books also collect the events of the command in hand. */
#ifndef TH_BOOKS_H
#define TH_BOOKS_H

#include "base/err.h"
#include "exchange/instruments.h"
#include "market/book.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct th_books th_books;

th_books *th_books_new(void);
void th_books_free(th_books *m);
/* The book of an instrument, loaded when not held (in call-auction mode in the pre-open, with the
 * instrument's reference price and pick depth); its events collect in the books (below). A
 * session's change of mode drops the book, so that it is loaded again in the new one. */
int th_books_get(th_books *m, th_db *db, const th_instrument *in, th_book **out, th_err *e)
    __attribute__((warn_unused_result));
/* Forget one book, or all: the next use loads them from the store. */
void th_books_drop(th_books *m, int64_t instrument);
void th_books_drop_all(th_books *m);
/* The events since the last clear, in order. */
const th_book_event *th_books_events(const th_books *m, size_t *n);
void th_books_clear_events(th_books *m);

#endif
