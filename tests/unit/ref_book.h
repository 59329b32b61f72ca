/* ref_book.h — a reference order book for the differential test: written from the rules of
 * issue 5 as directly as possible (a flat list of orders, linear scans, FOK decided by running
 * the matching on a copy), slow and obviously correct. Writes events in the replay's text. */
#ifndef TH_REF_BOOK_H
#define TH_REF_BOOK_H

#include "base/buf.h"
#include "market/book.h"

typedef struct ref_book ref_book;

ref_book *ref_new(const th_book_config *cfg, th_buf *out);
void ref_free(ref_book *r);
void ref_limit(ref_book *r, int64_t id, int64_t acct, th_side side, int64_t price, int64_t qty,
               th_tif tif);
void ref_market(ref_book *r, int64_t id, int64_t acct, th_side side, int64_t qty);
void ref_cancel(ref_book *r, int64_t id);
void ref_replace(ref_book *r, int64_t id, int64_t price, int64_t qty);
void ref_pick(ref_book *r, int64_t id, int64_t acct, th_side side, int64_t qty, int64_t resting);
void ref_uncross(ref_book *r);

#endif
