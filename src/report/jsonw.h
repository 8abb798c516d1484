/* A small pretty-printing JSON writer (two-space indentation, one member per
 * line) for the SARIF renderer. Errors accumulate in the buffer. */
#ifndef TN_JSONW_H
#define TN_JSONW_H
#include "util/buf.h"
#include <stdbool.h>
#include <stdint.h>

#define TN_JSONW_MAX_DEPTH 32

typedef struct tn_jsonw {
    tn_buf *out;
    int depth;
    bool keyed; /* a key was written: the next value is its value */
    bool has_items[TN_JSONW_MAX_DEPTH];
} tn_jsonw;

void tn_jsonw_init(tn_jsonw *w, tn_buf *out);
/* Containers: after a key, as an array item, or at the top. */
void tn_jsonw_object(tn_jsonw *w);
void tn_jsonw_array(tn_jsonw *w);
void tn_jsonw_end_object(tn_jsonw *w);
void tn_jsonw_end_array(tn_jsonw *w);
/* Starts a member; the value follows. */
void tn_jsonw_key(tn_jsonw *w, const char *key);
/* Values: as an array item when not after a key. */
void tn_jsonw_str(tn_jsonw *w, const char *s);
void tn_jsonw_uint(tn_jsonw *w, uint64_t v);
void tn_jsonw_bool(tn_jsonw *w, bool v);
/* Member shorthands; a NULL string skips the member. */
void tn_jsonw_kstr(tn_jsonw *w, const char *key, const char *s);
void tn_jsonw_kuint(tn_jsonw *w, const char *key, uint64_t v);
/* Starts an item of the current array (for a raw value written next). */
void tn_jsonw_item(tn_jsonw *w);

#endif
