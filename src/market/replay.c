/* replay.c — parse replay lines, drive the book, write its events. See replay.h. */
#include "market/replay.h"

#include "base/num.h"

#include <string.h>

static const char *const reject_names[] = {
    [TH_REJ_BAD_QTY] = "bad-qty",
    [TH_REJ_BAD_PRICE] = "bad-price",
    [TH_REJ_BAND] = "band",
    [TH_REJ_DUPLICATE_ID] = "duplicate-id",
    [TH_REJ_UNKNOWN_ORDER] = "unknown-order",
    [TH_REJ_POST_WOULD_CROSS] = "post-would-cross",
    [TH_REJ_PICK_DEPTH] = "pick-depth",
    [TH_REJ_SELF_TRADE] = "self-trade",
    [TH_REJ_AUCTION] = "auction",
};

const char *th_reject_name(th_reject why) { return reject_names[why]; }

static void put_int(th_buf *b, int64_t v)
{
    char tmp[24];
    th_buf_putc(b, ' ');
    th_buf_put(b, tmp, th_format_int64(v, tmp));
}

static void on_event(const th_book_event *ev, void *arg)
{
    th_buf *b = arg;
    switch (ev->type) {
    case TH_EV_ACCEPTED:
        th_buf_putc(b, 'A');
        put_int(b, ev->id);
        break;
    case TH_EV_TRADE:
        th_buf_putc(b, 'T');
        put_int(b, ev->id);
        put_int(b, ev->sell_id);
        put_int(b, ev->price);
        put_int(b, ev->qty);
        th_buf_putc(b, ' ');
        th_buf_putc(b, ev->aggressor);
        break;
    case TH_EV_CANCELLED:
        th_buf_putc(b, 'K');
        put_int(b, ev->id);
        put_int(b, ev->qty);
        break;
    case TH_EV_REPLACED:
        th_buf_putc(b, 'U');
        put_int(b, ev->id);
        break;
    case TH_EV_REJECTED:
        th_buf_putc(b, 'J');
        put_int(b, ev->id);
        th_buf_putc(b, ' ');
        th_buf_puts(b, reject_names[ev->reject]);
        break;
    }
    th_buf_putc(b, '\n');
}

void th_replay_init(th_replay *r, const th_book_config *cfg, th_buf *out)
{
    r->out = out;
    r->book = th_book_new(cfg, on_event, out);
}

void th_replay_free(th_replay *r) { th_book_free(r->book); }

enum { MAXF = 8 };

typedef struct {
    const char *p[MAXF];
    size_t n[MAXF];
    int count; /* MAXF + 1: too many */
} fields;

static bool space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static void split(const char *s, size_t n, fields *f)
{
    f->count = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && space(s[i]))
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && !space(s[i]))
            i++;
        if (f->count == MAXF) {
            f->count = MAXF + 1;
            return;
        }
        f->p[f->count] = s + start;
        f->n[f->count++] = i - start;
    }
}

static bool num(const fields *f, int k, int64_t *v)
{
    return th_parse_int64(f->p[k], f->n[k], INT64_MIN, INT64_MAX, v) == 0;
}

static bool word(const fields *f, int k, const char *w)
{
    return f->n[k] == strlen(w) && memcmp(f->p[k], w, f->n[k]) == 0;
}

static bool side_of(const fields *f, int k, th_side *s)
{
    if (word(f, k, "B"))
        *s = TH_BUY;
    else if (word(f, k, "S"))
        *s = TH_SELL;
    else
        return false;
    return true;
}

static void bad_line(th_replay *r, const fields *f)
{
    int64_t id;
    if (f->count >= 2 && f->count <= MAXF && num(f, 1, &id)) {
        th_buf_putc(r->out, 'J');
        put_int(r->out, id);
    } else {
        th_buf_puts(r->out, "J -");
    }
    th_buf_puts(r->out, " bad-line\n");
}

/* Run a well-formed command; false when the line is malformed (nothing was run). */
static bool run(th_replay *r, const fields *fp)
{
    const fields f = *fp;
    int64_t id = 0, acct = 0, price = 0, qty = 0, other = 0;
    th_side side;
    if (f.count > MAXF || f.n[0] != 1)
        return false;
    switch (f.p[0][0]) {
    case 'O': {
        th_tif tif = TH_GTC;
        if ((f.count != 6 && f.count != 7) || !num(&f, 1, &id) || !num(&f, 2, &acct) ||
            !side_of(&f, 3, &side) || !num(&f, 4, &price) || !num(&f, 5, &qty))
            return false;
        if (f.count == 7) {
            if (word(&f, 6, "GTC"))
                tif = TH_GTC;
            else if (word(&f, 6, "IOC"))
                tif = TH_IOC;
            else if (word(&f, 6, "FOK"))
                tif = TH_FOK;
            else if (word(&f, 6, "POST"))
                tif = TH_POST;
            else
                return false;
        }
        th_book_limit(r->book, id, acct, side, price, qty, tif);
        return true;
    }
    case 'M':
        if (f.count != 5 || !num(&f, 1, &id) || !num(&f, 2, &acct) || !side_of(&f, 3, &side) ||
            !num(&f, 4, &qty))
            return false;
        th_book_market(r->book, id, acct, side, qty);
        return true;
    case 'C':
        if (f.count != 2 || !num(&f, 1, &id))
            return false;
        th_book_cancel(r->book, id);
        return true;
    case 'R':
        if (f.count != 4 || !num(&f, 1, &id) || !num(&f, 2, &price) || !num(&f, 3, &qty))
            return false;
        th_book_replace(r->book, id, price, qty);
        return true;
    case 'P':
        if (f.count != 6 || !num(&f, 1, &id) || !num(&f, 2, &acct) || !side_of(&f, 3, &side) ||
            !num(&f, 4, &qty) || !num(&f, 5, &other))
            return false;
        th_book_pick(r->book, id, acct, side, qty, other);
        return true;
    case 'X':
        if (f.count != 1)
            return false;
        th_book_uncross(r->book);
        return true;
    }
    return false;
}

void th_replay_line(th_replay *r, const char *line, size_t n)
{
    fields f;
    split(line, n, &f);
    if (f.count == 0 || f.p[0][0] == '#')
        return;
    if (!run(r, &f))
        bad_line(r, &f);
}
