/* PCRE2 behind a small interface: compiled at rule-compile time, JIT
 * compiled at first match (thread-safe: see regex.c), matched with per-call
 * match data and bounded match/depth limits so a hostile pattern cannot
 * hang a check. */
#ifndef TN_REGEX_H
#define TN_REGEX_H
#include <stddef.h>

typedef struct tn_regex tn_regex;

/* Compiles `pattern` (UTF mode). On failure returns NULL and writes PCRE2's
 * message into errbuf and the pattern offset into *erroffset. */
tn_regex *tn_regex_compile(const char *pattern, size_t len, char *errbuf, size_t errlen,
                           size_t *erroffset);
void tn_regex_free(tn_regex *re);
/* Number of capture groups. */
int tn_regex_captures(const tn_regex *re);

/* Defaults of the match limits (PCRE2 match limit and depth limit). */
#define TN_REGEX_MATCH_LIMIT 1000000u
#define TN_REGEX_DEPTH_LIMIT 10000u

/* Per-thread/per-call match data, large enough for any pattern (32 groups),
 * carrying the limits matches through it obey: the defaults, or (with
 * _limits) `match_limit`/`depth_limit`, where 0 means the default. */
void *tn_regex_match_data_new(void);
void *tn_regex_match_data_new_limits(size_t match_limit, size_t depth_limit);
void tn_regex_match_data_free(void *md);

/* 1 = match, 0 = no match, TENET_ELIMIT when a limit (those of `md`, or the
 * defaults when `md` is NULL) was hit,
 * TENET_ERROR on other failures. When cap1_off/cap1_len are non-NULL and the
 * pattern matched, they receive capture group 1 (or the whole match if the
 * pattern has no group). */
int tn_regex_match(const tn_regex *re, const char *s, size_t len, void *md, size_t *cap1_off,
                   size_t *cap1_len);

#endif
