/* Glob matching (see glob.h). A small recursive matcher in the manner of
 * git's wildmatch; a step budget bounds pathological patterns (many stars
 * against a long string), which then simply do not match. */
#include "util/glob.h"

#include <stddef.h>
#include <string.h>

#define GLOB_BUDGET 100000

/* Matches the class starting after '[' against c; returns the position after
 * ']' and sets *hit, or NULL when the class is not closed ('[' is then literal). */
static const char *match_class(const char *p, char c, bool *hit) {
    bool neg = *p == '!' || *p == '^';
    if (neg)
        p++;
    bool in = false;
    const char *start = p;
    while (*p && (*p != ']' || p == start)) {
        char lo = *p;
        if (lo == '\\' && p[1])
            lo = *++p;
        char hi = lo;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            p += 2;
            if (*p == '\\' && p[1])
                p++;
            hi = *p;
        }
        if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi)
            in = true;
        p++;
    }
    if (*p != ']')
        return NULL;
    *hit = in != neg && c != '/';
    return p + 1;
}

static bool match(const char *p, const char *s, long *budget) {
    for (;;) {
        if (--*budget < 0)
            return false;
        if (*p == '*') {
            bool cross = p[1] == '*';
            while (*p == '*')
                p++;
            /* A double star followed by a slash also matches no directory at
             * all: a/DOUBLESTAR/b matches a/b. */
            if (cross && *p == '/' && match(p + 1, s, budget))
                return true;
            for (;; s++) {
                if (match(p, s, budget))
                    return true;
                if (!*s || (!cross && *s == '/') || *budget < 0)
                    return false;
            }
        }
        if (!*s)
            return !*p;
        if (*p == '?') {
            if (*s == '/')
                return false;
            p++;
        } else if (*p == '[') {
            bool hit = false;
            const char *after = match_class(p + 1, *s, &hit);
            if (after ? !hit : *s != '[')
                return false;
            p = after ? after : p + 1;
        } else {
            if (*p == '\\' && p[1])
                p++;
            if (*p != *s)
                return false;
            p++;
        }
        s++;
    }
}

bool tn_glob_match(const char *pattern, const char *s) {
    long budget = GLOB_BUDGET;
    return pattern && s && match(pattern, s, &budget);
}

bool tn_glob_is_pattern(const char *p) { return p && strpbrk(p, "*?[\\") != NULL; }
