/* page.h — a page of a list for the API: a cursor, a size and filters, each list applying the
 * filters it has. */
#ifndef TH_PAGE_H
#define TH_PAGE_H

#include "base/buf.h"
#include "base/json.h"

#include <sqlite3.h>
#include <stdint.h>

/* A page of a list, newest first: the items whose ids are below `before` (0: from the newest),
 * at most `limit` (0: all), that pass the filters. The answer then has "next_cursor": the id to
 * give as `before` for the next page, or null on the last. */
typedef struct {
    int64_t before;
    int limit;
    /* filters (0 or NULL: none) */
    int64_t account;      /* trades: the account bought or sold; retirements: retired */
    const char *from, *to; /* UTC "YYYY-MM-DDTHH:MM:SSZ": made at or after from, before to */
    const char *status;   /* orders: of this status */
    int64_t instrument;   /* orders: of this instrument (its id) */
    int64_t project;      /* retirements: of credits of this project (its id) */
    int vintage;          /* retirements: of credits of this vintage */
} th_page;

/* The page's bounds as SQL takes them: ids below *before, at most *limit (-1: all). */
static inline void th_page_bounds(const th_page *pg, int64_t *before, int64_t *limit)
{
    *before = pg && pg->before > 0 ? pg->before : INT64_MAX;
    *limit = pg && pg->limit > 0 ? pg->limit : -1;
}

/* The page's time filter bound to a statement's parameters at and after `at`: pg->from to
 * parameter at, pg->to to at + 1, each left NULL (no bound) when absent, for SQL of the shape
 * "(?at IS NULL OR created_at >= ?at) AND (?at+1 IS NULL OR created_at < ?at+1)". */
static inline void th_page_bind_times(sqlite3_stmt *st, const th_page *pg, int at)
{
    if (pg && pg->from)
        sqlite3_bind_text(st, at, pg->from, -1, SQLITE_STATIC);
    if (pg && pg->to)
        sqlite3_bind_text(st, at + 1, pg->to, -1, SQLITE_STATIC);
}

/* "next_cursor": the last id of a full page, else null (n items were written). */
static inline void th_page_cursor(const th_page *pg, int n, int64_t last, th_buf *out)
{
    if (pg && pg->limit > 0 && n == pg->limit)
        th_buf_printf(out, "\"next_cursor\":%lld", (long long)last);
    else
        th_buf_puts(out, "\"next_cursor\":null");
}

/* The same through a JSON writer: the member "next_cursor", or nothing when pg is NULL (a list
 * asked whole). */
static inline void th_page_cursor_json(th_json *j, const th_page *pg, int n, int64_t last)
{
    if (!pg)
        return;
    th_json_key(j, "next_cursor");
    if (pg->limit > 0 && n == pg->limit)
        th_json_int(j, last);
    else
        th_json_null(j);
}

#endif
