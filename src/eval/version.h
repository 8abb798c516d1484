/* Dotted versions in the style of server engines ("3.2.6", "4.0.10", "6.x", "7.1") and ranges
 * ("3.2.6 || >= 4.0.10", ">= 4.0.10, < 7", "6.x"). A version value denotes an
 * interval: "3.2.6" is exactly 3.2.6; "6.x" is every 6.*; "7.1" is every 7.1.*
 * (the service picks the patch). Matching is three-valued: TRUE if the whole
 * interval satisfies the range, FALSE if none of it does, UNKNOWN otherwise. */
#ifndef TN_VERSION_H
#define TN_VERSION_H
#include "eval/tristate.h"
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>

#define TN_VERSION_PARTS 4

typedef struct tn_version {
    long part[TN_VERSION_PARTS];
    int nparts;    /* parts given */
    bool wildcard; /* ended in ".x" / ".*" */
} tn_version;

typedef struct tn_vrange tn_vrange;

/* Parses a version; returns false if `s` is not one. */
bool tn_version_parse(const char *s, size_t len, tn_version *out);
/* Compares two fully specified versions (missing parts are 0). */
int tn_version_cmp(const tn_version *a, const tn_version *b);

/* Compiles a range expression into `arena`. On error returns NULL and writes
 * a message (naming the bad comparator) and the offset of the problem. */
tn_vrange *tn_vrange_compile(const char *expr, size_t len, tn_arena *arena, char *errbuf,
                             size_t errlen, size_t *erroffset);
/* Matches a version text against a range. A text that is not a version is UNKNOWN. */
tn_tri tn_vrange_match(const tn_vrange *r, const char *s, size_t len);

#endif
