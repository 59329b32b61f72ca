/* test_note.c — base64, signed notes and checkpoints. The note vectors are golang.org/x/mod's
 * (BSD-3-Clause; tests/data/signed-note). */
#include "test.h"

#include "base/base64.h"
#include "log/note.h"

static const char peter_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char peter_skey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char enoch_vkey[] = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
static const char text[] = "If you think cryptography is the answer to your problem,\n"
                           "then you don't know what your problem is.\n";
static const char peter_sig[] = "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAc"
                                "ElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
static const char enoch_sig[] = "\xE2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOX"
                                "m2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

TEST(base64_round_trip_and_strictness)
{
    uint8_t in[40], out[40];
    for (int i = 0; i < 40; i++)
        in[i] = (uint8_t)(i * 37 + 11);
    for (size_t n = 0; n <= 40; n++) {
        th_buf b;
        th_buf_init(&b);
        th_base64_encode(in, n, &b);
        long got = th_base64_decode(b.p ? b.p : "", b.len, out, sizeof out);
        CHECK_INT(got, (long)n);
        CHECK(memcmp(in, out, n) == 0);
        th_buf_free(&b);
    }
    CHECK_INT(th_base64_decode("Zm9v", 4, out, 40), 3);
    CHECK_INT(th_base64_decode("Zm8=", 4, out, 40), 2);
    CHECK_INT(th_base64_decode("Zm9=", 4, out, 40), -1);  /* bits past the data */
    CHECK_INT(th_base64_decode("Zm8", 3, out, 40), -1);   /* no padding */
    CHECK_INT(th_base64_decode("Zm8=Zm8=", 8, out, 40), -1); /* padding inside */
    CHECK_INT(th_base64_decode("Zm\n8=", 5, out, 40), -1);
    CHECK_INT(th_base64_decode("Zm9v", 4, out, 2), -1);   /* does not fit */
}

TEST(note_keys)
{
    th_note_verifier v;
    th_err e;
    CHECK_INT(th_note_verifier_parse(peter_vkey, strlen(peter_vkey), &v, &e), 0);
    CHECK_STR(v.name, "PeterNeumann");
    CHECK_INT(v.hash, 0xc74f20a3);
    th_note_signer s;
    CHECK_INT(th_note_signer_parse(peter_skey, strlen(peter_skey), &s, &e), 0);
    th_buf b;
    th_buf_init(&b);
    th_note_verifier_format(&s.v, &b);
    CHECK_STR(b.p, peter_vkey);
    th_buf_reset(&b);
    th_note_signer_format(&s, &b);
    CHECK_STR(b.p, peter_skey);
    th_buf_free(&b);
    /* every changed character, and every cut, is refused */
    char k[sizeof peter_vkey];
    int accepted = 0;
    for (size_t i = 0; i < strlen(peter_vkey); i++) {
        memcpy(k, peter_vkey, sizeof k);
        k[i]++;
        accepted += th_note_verifier_parse(k, strlen(k), &v, &e) == 0;
        accepted += th_note_verifier_parse(peter_vkey, i, &v, &e) == 0;
        accepted += th_note_verifier_parse(peter_vkey + i + 1, strlen(peter_vkey) - i - 1, &v,
                                           &e) == 0;
    }
    CHECK_INT(accepted, 0);
    CHECK_INT(th_note_signer_parse(peter_vkey, strlen(peter_vkey), &s, &e), -1);
    CHECK_INT(th_note_generate("bad name", &s, &e), -1);
    CHECK_INT(th_note_generate("a+b", &s, &e), -1);
}

TEST(note_sign_and_open)
{
    th_note_signer s;
    th_note_verifier peter, enoch;
    th_err e;
    CHECK_INT(th_note_signer_parse(peter_skey, strlen(peter_skey), &s, &e), 0);
    CHECK_INT(th_note_verifier_parse(peter_vkey, strlen(peter_vkey), &peter, &e), 0);
    CHECK_INT(th_note_verifier_parse(enoch_vkey, strlen(enoch_vkey), &enoch, &e), 0);
    th_buf b, want;
    th_buf_init(&b);
    th_buf_init(&want);
    CHECK_INT(th_note_sign(text, strlen(text), &s, &b, &e), 0);
    th_buf_puts(&want, text);
    th_buf_puts(&want, "\n");
    th_buf_puts(&want, peter_sig);
    CHECK_STR(b.p, want.p); /* Ed25519 is deterministic: the very bytes of the vector */
    /* two signatures: each key finds its own */
    th_buf_puts(&want, enoch_sig);
    size_t tl = 0;
    CHECK_INT(th_note_open(want.p, want.len, &peter, &tl, &e), 0);
    CHECK_INT(tl, strlen(text));
    CHECK_INT(th_note_open(want.p, want.len, &enoch, &tl, &e), 0);
    /* a changed text, a changed signature, a missing signature */
    th_buf_reset(&b);
    th_buf_puts(&b, want.p);
    b.p[3] ^= 1;
    CHECK_INT(th_note_open(b.p, b.len, &peter, &tl, &e), -1);
    CHECK_CONTAINS(e.msg, "invalid signature for key PeterNeumann+c74f20a3");
    th_buf_reset(&b);
    th_buf_puts(&b, text);
    th_buf_puts(&b, "\n");
    th_buf_puts(&b, enoch_sig);
    CHECK_INT(th_note_open(b.p, b.len, &peter, &tl, &e), -1);
    CHECK_CONTAINS(e.msg, "no signature by PeterNeumann");
    static const char *const bad[] = {
        "If you think\n",                                   /* no signatures */
        "If you think\n\n",                                 /* none after the blank line */
        "\x01If you think\n\n\xE2\x80\x94 PeterNeumann x08go/ZJku\n", /* a control character */
        "If you think\n\nUnexpected line.\n",
        "If you think\n\n\xE2\x80\x94 Bad Name x08go/ZJkuBS9UG/Sffc=\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (th_note_open(bad[i], strlen(bad[i]), &peter, &tl, &e) == 0)
            th_test_fail(__FILE__, __LINE__, "bad note %zu opened", i);
    CHECK_INT(th_note_sign("no newline", 10, &s, &b, &e), -1);
    th_buf_free(&b);
    th_buf_free(&want);
}

TEST(checkpoint_text_signed_and_read)
{
    th_note_signer s;
    th_err e;
    CHECK_INT(th_note_generate("tanhui.test", &s, &e), 0);
    uint8_t root[32], back[32];
    for (int i = 0; i < 32; i++)
        root[i] = (uint8_t)(200 - i);
    th_buf t, note;
    th_buf_init(&t);
    th_buf_init(&note);
    th_checkpoint_text("tanhui.test/log", 12345, root, &t);
    CHECK_INT(th_note_sign(t.p, t.len, &s, &note, &e), 0);
    size_t tl;
    CHECK_INT(th_note_open(note.p, note.len, &s.v, &tl, &e), 0);
    char origin[256];
    int64_t size;
    CHECK_INT(th_checkpoint_parse(note.p, tl, origin, &size, back, &e), 0);
    CHECK_STR(origin, "tanhui.test/log");
    CHECK_INT(size, 12345);
    CHECK(memcmp(root, back, 32) == 0);
    CHECK_INT(th_checkpoint_parse("o\n012\nAAAA\n", 11, origin, &size, back, &e), -1);
    CHECK_INT(th_checkpoint_parse("o\n12\n", 5, origin, &size, back, &e), -1);
    th_buf_free(&t);
    th_buf_free(&note);
}
