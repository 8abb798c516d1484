/* See fmt.h. The format is checked once before any argument is read, so an
 * unsupported one leaves `ap` for vsnprintf. */
#include "fmt.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

enum { LEN_NONE, LEN_L, LEN_LL, LEN_Z };

/* One conversion after '%': [.*][l|ll|z]conv. Returns the byte after it,
 * or NULL when unsupported. */
static const char *spec(const char *p, bool *prec, int *lenmod, char *conv) {
    *prec = false;
    *lenmod = LEN_NONE;
    if (p[0] == '.' && p[1] == '*') {
        *prec = true;
        p += 2;
    }
    if (p[0] == 'l' && p[1] == 'l') {
        *lenmod = LEN_LL;
        p += 2;
    } else if (p[0] == 'l' || p[0] == 'z') {
        *lenmod = p[0] == 'l' ? LEN_L : LEN_Z;
        p++;
    }
    *conv = *p;
    switch (*p) {
    case 's': return *lenmod == LEN_NONE ? p + 1 : NULL;
    case 'c':
    case '%': return *lenmod == LEN_NONE && !*prec ? p + 1 : NULL;
    case 'd':
    case 'u': return !*prec ? p + 1 : NULL;
    default: return NULL;
    }
}

static bool simple(const char *fmt) {
    bool prec;
    int lenmod;
    char conv;
    for (const char *p = strchr(fmt, '%'); p; p = strchr(p, '%'))
        if (!(p = spec(p + 1, &prec, &lenmod, &conv)))
            return false;
    return true;
}

static void put(char *dst, size_t cap, size_t *n, const char *s, size_t len) {
    if (*n < cap)
        memcpy(dst + *n, s, len < cap - *n ? len : cap - *n);
    *n += len;
}

static void put_unsigned(char *dst, size_t cap, size_t *n, unsigned long long v, bool neg) {
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    if (neg)
        digits[--i] = '-';
    put(dst, cap, n, digits + i, sizeof digits - i);
}

long tn_fmt(char *dst, size_t cap, const char *fmt, va_list ap) {
    if (!simple(fmt))
        return -1;
    size_t n = 0;
    const char *p = fmt;
    while (*p) {
        const char *pct = strchr(p, '%');
        size_t lit = pct ? (size_t)(pct - p) : strlen(p);
        put(dst, cap, &n, p, lit);
        if (!pct)
            break;
        bool prec;
        int lenmod;
        char conv;
        p = spec(pct + 1, &prec, &lenmod, &conv);
        if (conv == '%') {
            put(dst, cap, &n, "%", 1);
        } else if (conv == 'c') {
            char c = (char)va_arg(ap, int);
            put(dst, cap, &n, &c, 1);
        } else if (conv == 's') {
            int max = prec ? va_arg(ap, int) : -1;
            const char *s = va_arg(ap, const char *);
            if (!s) /* as glibc prints it */
                s = max >= 0 && max < 6 ? "" : "(null)";
            size_t len = 0;
            if (max < 0)
                len = strlen(s);
            else
                while (len < (size_t)max && s[len])
                    len++;
            put(dst, cap, &n, s, len);
        } else if (conv == 'd') {
            long long v = lenmod == LEN_LL  ? va_arg(ap, long long)
                          : lenmod == LEN_L ? va_arg(ap, long)
                          : lenmod == LEN_Z ? (long long)va_arg(ap, size_t)
                                            : va_arg(ap, int);
            unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
            put_unsigned(dst, cap, &n, mag, v < 0);
        } else { /* 'u' */
            unsigned long long v = lenmod == LEN_LL  ? va_arg(ap, unsigned long long)
                                   : lenmod == LEN_L ? va_arg(ap, unsigned long)
                                   : lenmod == LEN_Z ? va_arg(ap, size_t)
                                                     : va_arg(ap, unsigned int);
            put_unsigned(dst, cap, &n, v, false);
        }
    }
    return n > (size_t)LONG_MAX ? -1 : (long)n;
}
