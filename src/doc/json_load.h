/* The JSON loader's insides, shared by json.c (reading, checking and
 * building) and json_skip.c (skipping the values a pruner drops); not part
 * of any other module's contract. */
#ifndef TN_JSON_LOAD_H
#define TN_JSON_LOAD_H
#include "doc/load.h"

#include "util/vec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A collection being built. */
typedef struct tn_json_frame {
    tn_node *node;
    size_t first; /* index of the first child in parser.kids */
} tn_json_frame;

/* A collection being skipped. */
typedef struct tn_json_skip_frame {
    size_t first; /* mappings: index of their first key in skip.keys */
    size_t n;     /* items, or keys, so far */
    bool map;
} tn_json_skip_frame;

/* A key of a mapping being skipped: its decoded text is in skip.bytes. */
typedef struct tn_json_skip_key {
    size_t off, len;
    tn_span span;
} tn_json_skip_key;

/* A string as read, before any copy. */
typedef struct tn_json_str {
    const char *raw; /* between the quotes */
    size_t raw_len;
    size_t len;   /* decoded */
    bool escaped; /* holds an escape: decoding is more than a copy */
} tn_json_str;

/* A key's copy in the document, for keys that repeat it. */
typedef struct tn_json_key_slot {
    const char *str;
    size_t len;
} tn_json_key_slot;

#define TN_JSON_RECENT_KEYS 256

typedef struct tn_json_parser {
    const unsigned char *s;
    size_t len, pos;
    uint32_t line, col;
    tn_doc *doc;
    tn_doc_limits lim;
    tenet_error *err;
    TN_VEC(tn_json_frame) frames;
    TN_VEC(tn_node *) kids;
    tn_doc_prune prune;
    struct {
        TN_VEC(tn_json_skip_frame) frames;
        TN_VEC(tn_json_skip_key) keys; /* of the open mappings */
        TN_VEC(char) bytes;            /* their decoded text */
    } skip;
    tn_node hole; /* a null node: what keep() sees in place of nested values */
    /* The last key copied at each hash slot, made while nothing was being
     * dropped (so no rollback frees it). */
    tn_json_key_slot recent_keys[TN_JSON_RECENT_KEYS];
} tn_json_parser;

/* Skips blanks; indentation, eight spaces at a time. */
static inline void tn_json_skip_ws(tn_json_parser *p) {
    const uint64_t spaces = 0x2020202020202020u;
    size_t i = p->pos;
    uint32_t col = p->col;
    while (i < p->len) {
        if (p->len - i >= 8) {
            uint64_t w;
            memcpy(&w, p->s + i, 8);
            if (w == spaces) {
                i += 8;
                col += 8;
                continue;
            }
        }
        unsigned char c = p->s[i];
        if (c == '\n') {
            p->line++;
            col = 1;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            col++;
        } else {
            break;
        }
        i++;
    }
    p->pos = i;
    p->col = col;
}

/* The start or the end of a span at the current position. */
static inline void tn_json_mark_start(const tn_json_parser *p, tn_span *sp) {
    sp->line = p->line;
    sp->col = p->col;
    sp->off = p->pos > UINT32_MAX ? UINT32_MAX : (uint32_t)p->pos;
}

static inline void tn_json_mark_end(const tn_json_parser *p, tn_span *sp) {
    sp->end_line = p->line;
    sp->end_col = p->col;
    sp->end_off = p->pos > UINT32_MAX ? UINT32_MAX : (uint32_t)p->pos;
}

static inline void tn_json_advance(tn_json_parser *p, size_t n) {
    p->pos += n;
    p->col += n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* json.c: errors, set in p->err, and the lexical parts. */
int tn_json_fail(tn_json_parser *p, const char *msg);
int tn_json_nomem(tn_json_parser *p);
/* Describes the unexpected byte at the current position. */
int tn_json_unexpected(tn_json_parser *p, const char *expected);
/* At the ',' after a member or item of a collection that ends with
 * `close`: the comma and the blanks after it; a trailing comma fails. */
int tn_json_comma(tn_json_parser *p, char close);
/* After a member's key: the ':' and the blanks around it. */
int tn_json_key_colon(tn_json_parser *p);
/* Reads the string at p->pos (its opening quote) to past its closing
 * quote, checking it and its decoded length against the scalar limit. */
int tn_json_string(tn_json_parser *p, tn_json_str *out);
/* Writes the decoded bytes of a string read by tn_json_string to `dst`
 * (room for s->len bytes). */
void tn_json_decode(const tn_json_str *s, char *dst);
/* Checks the number at p->pos against the grammar and the scalar limit,
 * leaving p at it: *len is its length, *integral false when it has a
 * fraction or an exponent. */
int tn_json_number(tn_json_parser *p, size_t *len, bool *integral);
/* Which of true, false and null is at p->pos: *which is its index in
 * tn_json_literals; p stays there. */
int tn_json_literal(tn_json_parser *p, int *which);
extern const char *const tn_json_literals[3];

/* json_skip.c: skips the collection at p->pos, which the pruner started
 * dropping (p->prune.active), checking it as building would. Then
 * *dropped is the null node that stands for it, or NULL when the value
 * must stay after all (it holds a duplicate key, or keep() wants it): p
 * is back at its start, with p->prune.keep set, to build it. */
int tn_json_skip(tn_json_parser *p, tn_node **dropped);

#endif
