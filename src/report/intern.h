/* Strings stored once per report: most of what diagnostics carry (rule ids,
 * messages, fixes, sources, kinds, subjects, region lists) repeats from one
 * diagnostic to the next, so equal strings share one copy in the report's
 * arena. The table only finds copies; the arena owns them.
 *
 * Sharing is an economy, not a promise: the first strings of a report are
 * not recorded (a report with a diagnostic or two is not worth hashing),
 * nor are strings when the table cannot grow, so equal strings may still
 * be different copies. Compare contents, not pointers. */
#ifndef TN_INTERN_H
#define TN_INTERN_H
#include "util/arena.h"
#include <stddef.h>
#include <stdint.h>

typedef struct tn_intern_slot {
    const char *s; /* NULL: empty slot */
    uint32_t hash, len;
} tn_intern_slot;

typedef struct tn_intern {
    tn_intern_slot *slots;
    size_t cap, count;
    size_t unrecorded; /* strings seen before the table was built */
} tn_intern;

/* The recorded copy of the `len` bytes at `s`, or NULL. */
const char *tn_intern_find(const tn_intern *t, const char *s, size_t len);
/* Records `copy` (`len` bytes, NUL-terminated, in the arena the table's
 * strings live in), a string tn_intern_find did not find, so that later
 * finds return it. Returns the string to use: `copy`, or an equal one
 * recorded since the find. Never fails. */
const char *tn_intern_record(tn_intern *t, const char *copy, size_t len);
/* Find, else copy into `a` and record. NULL only when `a` is out of memory. */
const char *tn_intern_put(tn_intern *t, tn_arena *a, const char *s, size_t len);
/* NULL stays NULL. */
const char *tn_intern_str(tn_intern *t, tn_arena *a, const char *s);
/* Forgets every string (the arena keeps them). */
void tn_intern_free(tn_intern *t);

#endif
