/* note.h — signed notes (C2SP signed-note) with Ed25519, and the log's checkpoints in them (C2SP
 * tlog-checkpoint; domain: transparency-log.md). No I/O: keys come in and go out as text.
 *
 * A note is text (non-empty, valid UTF-8, no control characters but newlines, ending in a
 * newline), a blank line, then signature lines "— <name> <base64(key hash || signature)>". The
 * key hash is the first 4 bytes, big-endian, of SHA-256(name || "\n" || 0x01 || public key).
 * Keys as text: verifier "<name>+<hash hex>+<base64(0x01 || public key)>", signer
 * "PRIVATE+KEY+<name>+<hash hex>+<base64(0x01 || seed)>". A name is non-empty, printable, with
 * no spaces and no '+'. */
#ifndef TH_NOTE_H
#define TH_NOTE_H

#include "base/buf.h"
#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

enum { TH_NOTE_NAME_MAX = 128 };

typedef struct {
    char name[TH_NOTE_NAME_MAX];
    uint32_t hash;
    uint8_t pub[32];
} th_note_verifier;

typedef struct {
    th_note_verifier v;
    uint8_t seed[32]; /* the Ed25519 private key */
} th_note_signer;

uint32_t th_note_key_hash(const char *name, const uint8_t pub[32]);
/* A new key pair from the system's random source. */
int th_note_generate(const char *name, th_note_signer *s, th_err *e)
    __attribute__((warn_unused_result));
int th_note_signer_parse(const char *text, size_t n, th_note_signer *s, th_err *e)
    __attribute__((warn_unused_result));
int th_note_verifier_parse(const char *text, size_t n, th_note_verifier *v, th_err *e)
    __attribute__((warn_unused_result));
void th_note_signer_format(const th_note_signer *s, th_buf *out);
void th_note_verifier_format(const th_note_verifier *v, th_buf *out);

/* text + "\n" + the signature line of s. */
int th_note_sign(const char *text, size_t n, const th_note_signer *s, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
/* 0 when msg is a well-formed note carrying a valid signature by v; *text_len gets the length of
 * its text (up to and including the newline before the blank line). Other signatures are
 * ignored; a malformed note, or a bad signature by v, is an error. */
int th_note_open(const char *msg, size_t n, const th_note_verifier *v, size_t *text_len,
                 th_err *e) __attribute__((warn_unused_result));

/* The checkpoint text: "<origin>\n<size>\n<base64 root>\n". */
void th_checkpoint_text(const char *origin, int64_t size, const uint8_t root[32], th_buf *out);
/* Read a checkpoint's text (extension lines after the root are allowed and ignored). */
int th_checkpoint_parse(const char *text, size_t n, char origin[TH_NOTE_NAME_MAX * 2],
                        int64_t *size, uint8_t root[32], th_err *e)
    __attribute__((warn_unused_result));

#endif
