/* test_cmd_copy.c — engine/cmd_copy: a copied command points into no memory of the original's.
 * Every pointer member of the original is set to the source's memory, and then every
 * pointer-sized word of the copy, and of its arrays, is checked against that memory; the source
 * is wiped and the copy's texts read the same. th_cmd's size is a tripwire for a member added. */
#include "test.h"

#include "engine/cmd_copy.h"

#include <stdint.h>

static char src_text[16];
static const char *src_list[3];
static int64_t src_weights[3];
static th_report_parcel src_parcels[2];
static th_note_verifier src_key;

/* p points into the source's memory. */
static bool in_source(const void *p)
{
    const char *q = p;
    struct {
        const void *at;
        size_t n;
    } areas[] = {{src_text, sizeof src_text},       {src_list, sizeof src_list},
                 {src_weights, sizeof src_weights}, {src_parcels, sizeof src_parcels},
                 {&src_key, sizeof src_key}};
    for (size_t i = 0; i < sizeof areas / sizeof *areas; i++)
        if (q >= (const char *)areas[i].at && q < (const char *)areas[i].at + areas[i].n)
            return true;
    return false;
}

/* No pointer-sized word of [p, p + n) points into the source; how many did. */
static int leaks(const void *p, size_t n)
{
    int bad = 0;
    for (size_t off = 0; off + sizeof(void *) <= n; off += sizeof(void *)) {
        const void *w;
        memcpy(&w, (const char *)p + off, sizeof w);
        bad += in_source(w);
    }
    return bad;
}

TEST(cmd_copy_owns_every_text_and_array)
{
    snprintf(src_text, sizeof src_text, "abc");
    for (int i = 0; i < 3; i++) {
        src_list[i] = src_text;
        src_weights[i] = 1000000 * (i + 1);
    }
    for (int i = 0; i < 2; i++)
        src_parcels[i] = (th_report_parcel){.key = src_text, .key_len = 3, .has_before = true};
    snprintf(src_key.name, sizeof src_key.name, "test.tanhui/log");
    const char *t = src_text;
    th_cmd c = {
        .request_id = t, .name = t, .kind = t,
        .project = {.name = t, .owner = t, .params_name = t, .params_sha256 = t,
                    .params_csv = t, .buffer_pct_scaled = 7},
        .report = {.project = t, .result_json = t, .period_start = t, .period_end = t,
                   .vintage = 2024},
        .report_id = t, .verifier = t, .reason = t,
        .move = {.from = t, .to = t, .project = t, .serials = t, .beneficiary = t, .reason = t,
                 .jurisdiction = t, .qty = 9},
        .cash = {.account = t, .reference = t},
        .instrument = {.code = t, .project = t},
        .order = {.account = t, .instrument = t, .side = t, .type = t, .tif = t, .qty = 5},
        .order_id = t,
        .share = {.project = t, .report = t, .add_accounts = t},
        .instrument_ref = t,
        .calendar = {.tz = t, .offset = t, .days = t, .pre_open = t, .open = t, .brk = t,
                     .close = t},
        .auction = {.seller = t, .instrument = t, .until = t, .pricing = t, .auction = t,
                    .account = t},
        .block = {.seller = t, .buyer = t, .instrument = t},
        .key_path = t, .request_text = t,
    };
    /* a tripwire: th_cmd changed, and cmd_copy.c and this test may miss a new pointer member.
     * Check both, then set the figure to the new size. */
    CHECK_INT((int64_t)sizeof(th_cmd), 744);
    c.type = TH_CMD_REPORT_ADD;
    c.share.accounts = src_list;
    c.share.weights = src_weights;
    c.share.n = 3;
    c.calendar.add = src_list;
    c.calendar.nadd = 2;
    c.calendar.remove = src_list;
    c.calendar.nremove = 3;
    c.report.parcels = src_parcels;
    c.report.nparcels = 2;
    c.key = &src_key;

    th_cmd_copy cc;
    th_cmd_copy_make(&cc, &c);
    CHECK_INT(leaks(&cc.cmd, sizeof cc.cmd), 0);
    CHECK_INT(leaks(cc.cmd.share.accounts, 3 * sizeof(char *)), 0);
    CHECK_INT(leaks(cc.cmd.calendar.add, 2 * sizeof(char *)), 0);
    CHECK_INT(leaks(cc.cmd.calendar.remove, 3 * sizeof(char *)), 0);
    CHECK_INT(leaks(cc.cmd.report.parcels, 2 * sizeof *cc.cmd.report.parcels), 0);

    memset(src_text, 'x', sizeof src_text - 1); /* the original's memory gone */
    memset(src_weights, 0, sizeof src_weights);
    memset(&src_key, 0, sizeof src_key);
    CHECK_STR(cc.cmd.name, "abc");
    CHECK_STR(cc.cmd.report.result_json, "abc");
    CHECK_STR(cc.cmd.order.tif, "abc");
    CHECK_INT(cc.cmd.order.qty, 5);
    CHECK_INT(cc.cmd.move.qty, 9);
    CHECK_STR(cc.cmd.share.accounts[2], "abc");
    CHECK_STR(cc.cmd.calendar.remove[2], "abc");
    CHECK_INT(cc.cmd.share.weights[2], 3000000);
    CHECK_INT(memcmp(cc.cmd.report.parcels[1].key, "abc", 3), 0);
    CHECK_INT(cc.cmd.report.parcels[1].has_before, 1);
    CHECK_STR(cc.cmd.key->name, "test.tanhui/log");
    CHECK_INT(cc.cmd.type, TH_CMD_REPORT_ADD);
    th_cmd_copy_free(&cc);

    /* what was NULL stays NULL, and an empty command owns nothing */
    th_cmd none = {.type = TH_CMD_ORDER_ADD, .order = {.qty = 5}};
    th_cmd_copy_make(&cc, &none);
    CHECK(cc.cmd.order.account == NULL && cc.cmd.key == NULL && cc.cmd.share.accounts == NULL);
    CHECK_INT(cc.cmd.order.qty, 5);
    CHECK_INT((int64_t)cc.nowned, 0);
    th_cmd_copy_free(&cc);
}
