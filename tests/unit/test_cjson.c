/* test_cjson.c — canonical JSON: RFC 8785's own sorting example (keys ordered as UTF-16 code
 * units), its escaping, nesting, and the refusals. */
#include "test.h"

#include "base/cjson.h"

static void check_write(th_cjson *v, const char *want)
{
    th_buf b;
    th_buf_init(&b);
    CHECK_INT(th_cjson_write(v, &b), 0);
    CHECK_STR(b.p ? b.p : "", want);
    th_buf_free(&b);
    th_cjson_free(v);
}

TEST(cjson_rfc8785_sorting)
{
    /* RFC 8785 §3.2.3: the emoji (a surrogate pair, D83D DE00) sorts before U+FB33 although its
     * UTF-8 bytes sort after */
    th_cjson *o = th_cjson_object();
    th_cjson_set(o, "\xE2\x82\xAC", th_cjson_string("Euro Sign"));
    th_cjson_set(o, "\r", th_cjson_string("Carriage Return"));
    th_cjson_set(o, "\xEF\xAC\xB3", th_cjson_string("Hebrew Letter Dalet With Dagesh"));
    th_cjson_set(o, "1", th_cjson_string("One"));
    th_cjson_set(o, "\xF0\x9F\x98\x80", th_cjson_string("Emoji: Grinning Face"));
    th_cjson_set(o, "\xC2\x80", th_cjson_string("Control"));
    th_cjson_set(o, "\xC3\xB6", th_cjson_string("Latin Small Letter O With Diaeresis"));
    check_write(o, "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
                   "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\","
                   "\"\xE2\x82\xAC\":\"Euro Sign\",\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
                   "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST(cjson_values_and_escaping)
{
    th_cjson *o = th_cjson_object();
    th_cjson_set(o, "type", th_cjson_string("transfer"));
    th_cjson_set(o, "qty", th_cjson_int(-9223372036854775807LL - 1));
    th_cjson *blocks = th_cjson_array();
    th_cjson *blk = th_cjson_object();
    th_cjson_set(blk, "last", th_cjson_int(100));
    th_cjson_set(blk, "first", th_cjson_int(1));
    th_cjson_push(blocks, blk);
    th_cjson_push(blocks, th_cjson_null());
    th_cjson_push(blocks, th_cjson_bool(true));
    th_cjson_set(o, "blocks", blocks);
    th_cjson_set(o, "note", th_cjson_string("a\"b\\c\b\f\n\r\t\x01\x1f\x7f 碳汇"));
    th_cjson_set(o, "aa", th_cjson_string(""));
    th_cjson_set(o, "a", th_cjson_object());
    check_write(o, "{\"a\":{},\"aa\":\"\",\"blocks\":[{\"first\":1,\"last\":100},null,true],"
                   "\"note\":\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f\x7f 碳汇\","
                   "\"qty\":-9223372036854775808,\"type\":\"transfer\"}");
}

TEST(cjson_push_shorthands_and_many_members)
{
    th_cjson *o = th_cjson_object();
    th_cjson *a = th_cjson_array();
    th_cjson_push_str(a, "x\"\0y", 4); /* n bytes: a NUL inside is escaped */
    th_cjson_push_null(a);
    static const char *const in_order[] = {"first", "last"};
    static const char *const out_of_order[] = {"z", "a"};
    th_cjson_push_ints(a, in_order, (const int64_t[]){1, 2}, 2);
    th_cjson_push_ints(a, out_of_order, (const int64_t[]){3, 4}, 2); /* sorted on writing */
    th_cjson_set(o, "arr", a);
    /* more members than a node holds inline */
    static const char *const keys[] = {"k00", "k01", "k02", "k03", "k04", "k05", "k06", "k07",
                                       "k08", "k09", "k10", "k11", "k12", "k13", "k14"};
    for (int i = 14; i >= 0; i--)
        th_cjson_set_int(o, keys[i], i);
    th_cjson_set_str(o, "nil", NULL);
    check_write(o, "{\"arr\":[\"x\\\"\\u0000y\",null,{\"first\":1,\"last\":2},{\"a\":4,\"z\":3}],"
                   "\"k00\":0,\"k01\":1,\"k02\":2,\"k03\":3,\"k04\":4,\"k05\":5,\"k06\":6,"
                   "\"k07\":7,\"k08\":8,\"k09\":9,\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,"
                   "\"k14\":14,\"nil\":null}");
    th_buf b;
    th_buf_init(&b);
    a = th_cjson_array();
    th_cjson_push_str(a, "\xFF", 1);
    CHECK_INT(th_cjson_write(a, &b), -1);
    th_cjson_free(a);
    th_buf_free(&b);
}

TEST(cjson_refusals)
{
    th_buf b;
    th_buf_init(&b);
    th_buf_puts(&b, "kept");
    th_cjson *o = th_cjson_object();
    th_cjson_set(o, "k", th_cjson_int(1));
    th_cjson_set(o, "k", th_cjson_int(2));
    CHECK_INT(th_cjson_write(o, &b), -1);
    CHECK_STR(b.p, "kept"); /* nothing written */
    th_cjson_free(o);
    o = th_cjson_object();
    th_cjson_set(o, "k", th_cjson_string("bad \xFF byte"));
    CHECK_INT(th_cjson_write(o, &b), -1);
    th_cjson_free(o);
    o = th_cjson_object();
    th_cjson_set(o, "\xC3", th_cjson_int(1));
    CHECK_INT(th_cjson_write(o, &b), -1);
    CHECK_STR(b.p, "kept");
    th_cjson_free(o);
    th_buf_free(&b);
}

/* Keys that share their first eight bytes (sorting compares those as one integer first), keys
 * that are prefixes of others, a long key given twice, and one key array passed to push_ints
 * with fewer keys, or swapped for another, between calls. */
TEST(cjson_long_keys_and_remembered_key_sets)
{
    th_cjson *o = th_cjson_object();
    th_cjson_set_int(o, "transfer_b", 1);
    th_cjson_set_int(o, "transfer", 2);
    th_cjson_set_int(o, "transfer_a", 3);
    th_cjson_set_int(o, "transfe", 4);
    th_cjson_set_int(o, "transfer_ab", 5);
    th_cjson_set_int(o, "transferZ", 6);
    th_cjson_set_int(o, "trans", 7);
    check_write(o, "{\"trans\":7,\"transfe\":4,\"transfer\":2,\"transferZ\":6,\"transfer_a\":3,"
                   "\"transfer_ab\":5,\"transfer_b\":1}");
    th_buf b;
    th_buf_init(&b);
    o = th_cjson_object();
    th_cjson_set_int(o, "beneficiary_x", 1);
    th_cjson_set_int(o, "beneficiary_y", 2);
    th_cjson_set_int(o, "beneficiary_x", 3);
    CHECK_INT(th_cjson_write(o, &b), -1); /* a key twice, beyond the first eight bytes */
    th_cjson_free(o);
    th_buf_free(&b);
    static const char *const three[] = {"first", "last", "project"};
    static const char *const other[] = {"account", "first"};
    th_cjson *a = th_cjson_array();
    th_cjson_push_ints(a, three, (const int64_t[]){1, 2, 3}, 3);
    th_cjson_push_ints(a, three, (const int64_t[]){4, 5, 6}, 3);
    th_cjson_push_ints(a, three, (const int64_t[]){7, 8}, 2);
    th_cjson_push_ints(a, other, (const int64_t[]){9, 10}, 2);
    th_cjson_push_ints(a, three, (const int64_t[]){11, 12, 13}, 3);
    check_write(a, "[{\"first\":1,\"last\":2,\"project\":3},{\"first\":4,\"last\":5,\"project\":6},"
                   "{\"first\":7,\"last\":8},{\"account\":9,\"first\":10},"
                   "{\"first\":11,\"last\":12,\"project\":13}]");
}

/* An object emptied and built again (as the engine builds one event per command): the same bytes
 * as a new one, its arrays taken from what the reset kept, and after a huge value (a thousand
 * nested containers, a long string) only a bounded part is kept (ASan sees the rest freed). */
TEST(cjson_reset_and_build_again)
{
    th_cjson *o = th_cjson_object();
    static const char *const keys[] = {"first", "last"};
    for (int round = 0; round < 3; round++) {
        th_cjson_reset(o);
        th_cjson_set_int(o, "to", round);
        th_cjson *a = th_cjson_set_array(o, "blocks");
        th_cjson_push_ints(a, keys, (const int64_t[]){round, round + 1}, 2);
        th_cjson *inner = th_cjson_object();
        th_cjson_set_str(inner, "s", "x");
        th_cjson_set(inner, "list", th_cjson_array());
        th_cjson_push(a, inner);
        th_cjson_set_str(o, "time", "T");
        th_buf b;
        th_buf_init(&b);
        CHECK_INT(th_cjson_write(o, &b), 0);
        char want[160];
        snprintf(want, sizeof want,
                 "{\"blocks\":[{\"first\":%d,\"last\":%d},{\"list\":[],\"s\":\"x\"}],\"time\":\"T\","
                 "\"to\":%d}",
                 round, round + 1, round);
        CHECK_STR(b.p, want);
        th_buf_free(&b);
    }
    th_cjson_reset(o);
    th_cjson *big = th_cjson_set_array(o, "many");
    for (int i = 0; i < 1000; i++) {
        th_cjson *one = th_cjson_object();
        th_cjson_set(one, "a", th_cjson_array());
        th_cjson_set_str(one, "s", "a long enough string to grow the buffers a little");
        th_cjson_push(big, one);
    }
    th_cjson_reset(o);
    th_cjson_set_array(o, "again");
    th_buf b;
    th_buf_init(&b);
    CHECK_INT(th_cjson_write(o, &b), 0);
    CHECK_STR(b.p, "{\"again\":[]}");
    th_buf_free(&b);
    th_cjson_free(o);
    CHECK(th_cjson_set_array(NULL, "k") == NULL);
}
