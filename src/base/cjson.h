/* cjson.h — canonical JSON (RFC 8785, the JSON Canonicalization Scheme) for values built of
 * integers, strings, booleans, null, arrays and objects: the bytes of a transparency-log entry.
 * Pure.
 *
 * Canonical form: no white space; object members sorted by their keys compared as UTF-16 code
 * units (RFC 8785 §3.2.3 — not UTF-8 byte order, which differs above U+FFFF); strings escaped as
 * ECMAScript's JSON.stringify does (only '"', '\\' and characters below U+0020; the short forms
 * \b \t \n \f \r, else \u00xx in lower case); integers in decimal (no floats: an entry carries
 * none). A key given twice is an error, found when the value is written. */
#ifndef TH_CJSON_H
#define TH_CJSON_H

#include "base/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct th_cjson th_cjson;

th_cjson *th_cjson_object(void);
th_cjson *th_cjson_array(void);
th_cjson *th_cjson_int(int64_t v);
th_cjson *th_cjson_string(const char *s); /* valid UTF-8 */
th_cjson *th_cjson_bool(bool v);
th_cjson *th_cjson_null(void);
/* Add to an object or an array; the container takes the value (a NULL container, an event
 * nobody asked for, frees it; a NULL value adds nothing). The key is not copied: it must
 * outlive the object (a literal). */
void th_cjson_set(th_cjson *obj, const char *key, th_cjson *value);
void th_cjson_push(th_cjson *arr, th_cjson *value);
/* Shorthands that do nothing when obj is NULL (an event nobody asked for); a NULL string is
 * null. */
void th_cjson_set_int(th_cjson *obj, const char *key, int64_t v);
void th_cjson_set_str(th_cjson *obj, const char *key, const char *s);
/* Push onto an array: a string of n bytes; null; an object of n integers {keys[i]: v[i]} (made
 * at once when the keys are plain ASCII in order, as an event's serial ranges are; nothing when
 * the array is NULL). */
void th_cjson_push_str(th_cjson *arr, const char *s, size_t n);
void th_cjson_push_null(th_cjson *arr);
void th_cjson_push_ints(th_cjson *arr, const char *const *keys, const int64_t *v, size_t n);
/* Reuse: th_cjson_reset empties an object or array and keeps its memory, and that of the
 * containers nested in it, so that building the next value allocates nothing (the engine builds
 * one event per command). th_cjson_set_array adds an empty array as obj's member key, taken
 * from what a reset kept when it can, and returns it (NULL when obj is NULL). */
void th_cjson_reset(th_cjson *obj);
th_cjson *th_cjson_set_array(th_cjson *obj, const char *key);
/* Write the canonical bytes; -1 (nothing written) if an object has a key twice or a string is
 * not valid UTF-8. */
int th_cjson_write(const th_cjson *v, th_buf *out) __attribute__((warn_unused_result));
void th_cjson_free(th_cjson *v);

#endif
