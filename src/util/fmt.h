/* printf without stdio for the simple formats nearly every message, path
 * and key is built with: %s, %.*s, %c, %d, %u (with l, ll or z) and %%, no
 * flags or widths. glibc's vsnprintf costs about a microsecond a call,
 * which showed up in every per-value and per-finding string. */
#ifndef TN_FMT_H
#define TN_FMT_H
#include <stdarg.h>
#include <stddef.h>

/* Formats into dst (at most `cap` bytes, no NUL added) and returns the full
 * length, as vsnprintf would print it; -1 when `fmt` is not one of the
 * simple formats (the caller then uses vsnprintf; `ap` is untouched). */
long tn_fmt(char *dst, size_t cap, const char *fmt, va_list ap);

#endif
