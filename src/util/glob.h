/* Glob matching for suppressions and excludes: `*` matches any run of
 * characters except `/`, `**` any run including `/`, `?` one character
 * other than `/`, `[abc]` / `[a-z]` / `[!a]` one character of a class, and
 * `\x` the character x. Everything else matches itself (bytes; case
 * sensitive). The whole string must match. */
#ifndef TN_GLOB_H
#define TN_GLOB_H
#include <stdbool.h>

bool tn_glob_match(const char *pattern, const char *s);
/* Whether `pattern` uses any of the special characters above. */
bool tn_glob_is_pattern(const char *pattern);

#endif
