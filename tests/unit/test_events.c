/* test_events.c — the stream: the hub's ring (events in order, an instrument's filter, a
 * subscriber that fell behind told how many it missed, parking and waking, pings, closing) and
 * the follower's events from a registry's commits (each trade, the book at most every 0.2 s, the
 * newest checkpoint; nothing twice). */
#include "test.h"

#include "carbon/params_default.h"
#include "engine/engine.h"
#include "log/note.h"
#include "server/events.h"
#include "server/stream.h"
#include "store_fixture.h"

#include <string.h>

typedef struct {
    int parked, woken;
} counts;

static void park(void *arg)
{
    ((counts *)arg)->parked++;
}

static void wake(void *arg)
{
    ((counts *)arg)->woken++;
}

static int occurrences(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

TEST(events_hub_ring_filter_lag_park_wake)
{
    th_events *h = th_events_new(4);
    counts c = {0, 0};
    th_subscriber all = {.cursor = th_events_last(h), .park = park, .wake = wake, .arg = &c};
    counts c2 = {0, 0};
    th_subscriber one = {.cursor = 0, .instrument = 7, .park = park, .wake = wake, .arg = &c2};
    CHECK(!th_events_listened(h));
    th_events_subscribe(h, &all);
    th_events_subscribe(h, &one);
    CHECK(th_events_listened(h));
    th_buf out;
    th_buf_init(&out);
    /* nothing to read: parked; a publish wakes it once */
    CHECK_INT(th_events_read(h, &all, &out), 0);
    CHECK_INT(c.parked, 1);
    CHECK_INT((int)out.len, 0);
    th_events_publish(h, "trade", 7, "{\"id\":1}");
    CHECK_INT(c.woken, 1);
    CHECK_INT(c2.woken, 0); /* not parked: nothing to wake */
    th_events_publish(h, "book", 8, "{\"instrument\":\"B\"}");
    th_events_publish(h, "checkpoint", 0, "{\"size\":3}");
    CHECK_INT(th_events_read(h, &all, &out), 1);
    th_buf_putc(&out, '\0');
    CHECK_STR(out.p, "id: 1\nevent: trade\ndata: {\"id\":1}\n\n"
                     "id: 2\nevent: book\ndata: {\"instrument\":\"B\"}\n\n"
                     "id: 3\nevent: checkpoint\ndata: {\"size\":3}\n\n");
    CHECK_INT((int)all.cursor, 3);
    /* instrument 7's subscriber: its trade and the checkpoint, not instrument 8's book */
    th_buf_reset(&out);
    CHECK_INT(th_events_read(h, &one, &out), 1);
    th_buf_putc(&out, '\0');
    CHECK_INT(occurrences(out.p, "event: "), 2);
    CHECK(strstr(out.p, "event: book") == NULL);
    /* the ring keeps 4: a subscriber 6 behind is told it missed 2, then reads the 4 */
    for (int i = 0; i < 3; i++)
        th_events_publish(h, "trade", 7, "{}");
    th_subscriber late = {.cursor = 0, .park = park, .wake = wake, .arg = &c};
    th_events_subscribe(h, &late);
    th_buf_reset(&out);
    CHECK_INT(th_events_read(h, &late, &out), 1);
    th_buf_putc(&out, '\0');
    CHECK(strncmp(out.p, "event: lagged\ndata: {\"missed\":2}\n\n", 34) == 0);
    CHECK_INT(occurrences(out.p, "id: "), 4);
    CHECK(strstr(out.p, "id: 3\n") && strstr(out.p, "id: 6\n"));
    /* a cursor from before a restart (beyond the last): from now on */
    th_subscriber future = {.cursor = 99, .park = park, .wake = wake, .arg = &c};
    th_events_subscribe(h, &future);
    th_buf_reset(&out);
    CHECK_INT(th_events_read(h, &future, &out), 0);
    CHECK_INT((int)future.cursor, 6);
    /* a ping wakes the parked with a comment; closing ends every read */
    int woken = c.woken;
    th_events_ping(h);
    CHECK_INT(c.woken, woken + 1);
    th_buf_reset(&out);
    CHECK_INT(th_events_read(h, &future, &out), 1);
    th_buf_putc(&out, '\0');
    CHECK_STR(out.p, ": keep-alive\n\n");
    CHECK_INT(th_events_read(h, &future, &out), 0);
    th_events_close(h);
    CHECK_INT(c.woken, woken + 2);
    CHECK_INT(th_events_read(h, &future, &out), -1);
    CHECK(!th_events_drain(h, 10)); /* four still subscribed */
    th_events_unsubscribe(h, &all);
    th_events_unsubscribe(h, &one);
    th_events_unsubscribe(h, &late);
    th_events_unsubscribe(h, &future);
    CHECK(!th_events_listened(h));
    CHECK(th_events_drain(h, 10));
    th_buf_free(&out);
    th_events_free(h);
}

static int apply(th_engine *en, th_cmd *c, size_t n)
{
    th_cmd_result r[4];
    for (size_t i = 0; i < n; i++)
        th_cmd_result_init(&r[i]);
    th_err e;
    int bad = th_engine_apply(en, c, n, r, &e) != 0;
    for (size_t i = 0; i < n; i++) {
        if (!bad && r[i].status)
            th_test_fail(__FILE__, __LINE__, "command %zu: %s", i, r[i].err.msg);
        bad |= r[i].status != 0;
        th_cmd_result_free(&r[i]);
    }
    return bad ? -1 : 0;
}

/* Everything the hub holds, as one string. */
static void drain(th_events *h, th_subscriber *s, th_buf *out)
{
    th_buf_reset(out);
    while (th_events_read(h, s, out) > 0)
        ;
    th_buf_putc(out, '\0');
}

TEST(events_follow_the_commits)
{
    th_db *db = th_test_db_new("events.db");
    if (!db)
        return;
    th_engine *en = th_engine_new(db);
    th_note_signer key;
    th_err e;
    CHECK_INT(th_note_generate("test.tanhui/log", &key, &e), 0);
    th_engine_set_signer(en, &key, 0);
    th_cmd c[4] = {{.type = TH_CMD_INIT_REGISTRY},
                   {.type = TH_CMD_ACCOUNT_ADD, .name = "O", .kind = "state"},
                   {.type = TH_CMD_ACCOUNT_ADD, .name = "V", .kind = "verifier"},
                   {.type = TH_CMD_ACCOUNT_ADD, .name = "B", .kind = "company"}};
    CHECK_INT(apply(en, c, 4), 0);
    th_cmd p[2] = {{.type = TH_CMD_PROJECT_ADD}, {.type = TH_CMD_REPORT_ADD}};
    p[0].project = (th_project_new){.name = "P", .owner = "O", .params_name = "default",
                                    .params_sha256 = "-", .params_csv = th_params_default_csv};
    p[1].report = (th_report_new){.project = "P0001", .result_json = "{}",
                                  .period_start = "2019-01-01", .period_end = "2024-01-01",
                                  .vintage = 2024, .net_tco2e = 1000, .credits_total = 1000,
                                  .owner_credits = 1000};
    CHECK_INT(apply(en, p, 2), 0);
    th_cmd q[4] = {{.type = TH_CMD_REPORT_VERIFY, .report_id = "1", .verifier = "V"},
                   {.type = TH_CMD_ISSUE, .report_id = "1"},
                   {.type = TH_CMD_CASH_DEPOSIT},
                   {.type = TH_CMD_INSTRUMENT_ADD}};
    q[2].cash = (th_cash_cmd){.account = "B", .amount = 10000000};
    q[3].instrument = (th_instrument_new){.code = "SG24", .vintage = 2024, .ref_price = 5850};
    CHECK_INT(apply(en, q, 4), 0);

    th_events *h = th_events_new(64);
    counts n = {0, 0};
    th_subscriber s = {.park = park, .wake = wake, .arg = &n};
    th_events_subscribe(h, &s);
    th_stream_marks m;
    CHECK_INT(th_stream_end(db, &m, &e), 0);
    s.cursor = th_events_last(h);
    /* a sell rests, a buy takes 3 of it: a trade, the book, the checkpoint */
    th_cmd o[2] = {{.type = TH_CMD_ORDER_ADD}, {.type = TH_CMD_ORDER_ADD}};
    o[0].order = (th_order_new){.account = "O", .instrument = "SG24", .side = "sell",
                                .price = 5900, .qty = 10};
    o[1].order = (th_order_new){.account = "B", .instrument = "SG24", .side = "buy",
                                .price = 5900, .qty = 3};
    CHECK_INT(apply(en, o, 2), 0);
    CHECK_INT(th_stream_publish(db, &m, h, 100.0, &e), 0);
    th_buf out;
    th_buf_init(&out);
    drain(h, &s, &out);
    CHECK_INT(occurrences(out.p, "event: trade\n"), 1);
    CHECK_INT(occurrences(out.p, "event: book\n"), 1);
    CHECK_INT(occurrences(out.p, "event: checkpoint\n"), 1);
    CHECK_CONTAINS(out.p, "\"price\":\"59.00\",\"qty\":3,\"aggressor\":\"buy\"");
    CHECK_CONTAINS(out.p, "\"asks\":[{\"price_fen\":5900,\"price\":\"59.00\",\"qty\":7,");
    CHECK_CONTAINS(out.p, "data: {\"size\":");
    CHECK_CONTAINS(out.p, "\\n\\n— test.tanhui/log ");
    /* the order of the events: the trade, then the book, then the checkpoint */
    CHECK(strstr(out.p, "event: trade") < strstr(out.p, "event: book") &&
          strstr(out.p, "event: book") < strstr(out.p, "event: checkpoint"));
    /* nothing new: nothing published */
    CHECK_INT(th_stream_publish(db, &m, h, 100.0, &e), 0);
    drain(h, &s, &out);
    CHECK_STR(out.p, "");
    /* a cash deposit: no trade and no book, a new checkpoint */
    th_cmd d = {.type = TH_CMD_CASH_DEPOSIT};
    d.cash = (th_cash_cmd){.account = "B", .amount = 100};
    CHECK_INT(apply(en, &d, 1), 0);
    CHECK_INT(th_stream_publish(db, &m, h, 100.0, &e), 0);
    drain(h, &s, &out);
    CHECK_INT(occurrences(out.p, "event: "), 1);
    CHECK_CONTAINS(out.p, "event: checkpoint");
    /* books go at most every TH_STREAM_BOOK_GAP: an order 50 ms after the last book is told
     * by its trade at once, its book once the gap has passed */
    th_cmd o2 = {.type = TH_CMD_ORDER_ADD};
    o2.order = (th_order_new){.account = "B", .instrument = "SG24", .side = "buy",
                              .price = 5900, .qty = 2};
    CHECK_INT(apply(en, &o2, 1), 0);
    CHECK_INT(th_stream_publish(db, &m, h, 100.05, &e), 0);
    drain(h, &s, &out);
    CHECK_INT(occurrences(out.p, "event: trade\n"), 1);
    CHECK_INT(occurrences(out.p, "event: book\n"), 0);
    CHECK_INT((int)m.npending, 1);
    CHECK_INT(th_stream_publish(db, &m, h, 100.1, &e), 0); /* still within the gap */
    drain(h, &s, &out);
    CHECK_STR(out.p, "");
    CHECK_INT(th_stream_publish(db, &m, h, 100.25, &e), 0);
    drain(h, &s, &out);
    CHECK_INT(occurrences(out.p, "event: book\n"), 1);
    CHECK_CONTAINS(out.p, "\"asks\":[{\"price_fen\":5900,\"price\":\"59.00\",\"qty\":5,");
    CHECK_INT((int)m.npending, 0);
    th_events_unsubscribe(h, &s);
    th_events_free(h);
    th_buf_free(&out);
    th_engine_free(en);
    th_db_close(db);
}
