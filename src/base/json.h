/* json.h — a streaming JSON writer into a th_buf.
 *
 * The writer tracks only whether a comma is due, in a small stack, so nesting is the caller's
 * business. Doubles are written in the shortest form that reads back to the same double (full
 * precision: %.15g, else %.16g, else %.17g); NaN and infinities, which JSON
 * cannot hold, are written as null. Strings are escaped per RFC 8259; invalid UTF-8 is replaced
 * by U+FFFD so the output is always valid JSON. */
#ifndef TH_JSON_H
#define TH_JSON_H

#include "base/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { TH_JSON_DEPTH = 32 };

typedef struct {
    th_buf *out;
    int depth;
    bool need_comma[TH_JSON_DEPTH];
    bool after_key;
} th_json;

void th_json_init(th_json *j, th_buf *out);
void th_json_obj_begin(th_json *j);
void th_json_obj_end(th_json *j);
void th_json_arr_begin(th_json *j);
void th_json_arr_end(th_json *j);
void th_json_key(th_json *j, const char *key);
void th_json_str(th_json *j, const char *s);
void th_json_strn(th_json *j, const char *s, size_t n);
void th_json_int(th_json *j, int64_t v);
void th_json_double(th_json *j, double v);
void th_json_bool(th_json *j, bool v);
void th_json_null(th_json *j);
/* A value already written as JSON (n bytes), put where a value goes. */
void th_json_raw(th_json *j, const char *s, size_t n);

/* Shortest decimal text of v that strtod reads back exactly; "null" for non-finite. */
void th_fmt_double(char *out, size_t cap, double v);

#endif
