/* Growable byte buffer; also the public tenet_buf_dispose(). */
#include "buf.h"

#include "alloc.h"
#include "fmt.h"
#include "utf8.h"

#include "tenet/common.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void tn_buf_set_sink(tn_buf *b, tn_buf_sink sink, void *ctx) {
    b->sink = sink;
    b->sink_ctx = ctx;
}

/* Hands `len` bytes to the sink; a refusal fails the buffer. */
static bool pass_on(tn_buf *b, const char *data, size_t len) {
    if (len && b->sink(b->sink_ctx, data, len) != 0) {
        b->failed = true;
        b->sink_failed = true;
    }
    return !b->failed;
}

bool tn_buf_flush(tn_buf *b) {
    if (b->failed)
        return false;
    if (!b->sink || !b->size)
        return true;
    bool ok = pass_on(b, b->ptr, b->size);
    b->size = 0;
    b->ptr[0] = '\0';
    return ok;
}

/* Ensures room for `extra` more bytes plus the terminating NUL. A streaming
 * buffer first passes on what it holds, and grows only for an append larger
 * than a chunk. */
bool tn_buf_grow(tn_buf *b, size_t extra) {
    if (b->failed)
        return false;
    if (extra > SIZE_MAX - 1 - b->size) {
        b->failed = true;
        return false;
    }
    size_t need = b->size + extra + 1;
    if (need <= b->cap)
        return true;
    if (b->sink && b->size) {
        if (!tn_buf_flush(b))
            return false;
        need = extra + 1;
        if (need <= b->cap)
            return true;
    }
    size_t cap = b->cap ? b->cap : b->sink ? TN_BUF_CHUNK : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = tn_realloc(b->ptr, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->ptr = p;
    b->cap = cap;
    return true;
}

void tn_buf_put(tn_buf *b, const char *s, size_t len) {
    /* Most appends fit: one test, no call (cap - size is 0 while empty). */
    if (len >= b->cap - b->size || b->failed) {
        if (b->sink && len >= TN_BUF_CHUNK) { /* not worth holding: straight through */
            if (tn_buf_flush(b))
                pass_on(b, s, len);
            return;
        }
        if (!tn_buf_grow(b, len))
            return;
    }
    if (len)
        memcpy(b->ptr + b->size, s, len);
    b->size += len;
    b->ptr[b->size] = '\0';
}

void tn_buf_puts(tn_buf *b, const char *s) { tn_buf_put(b, s, strlen(s)); }

void tn_buf_putc(tn_buf *b, char c) {
    if (b->cap - b->size < 2 || b->failed) {
        tn_buf_put(b, &c, 1);
        return;
    }
    b->ptr[b->size++] = c;
    b->ptr[b->size] = '\0';
}

void tn_buf_printf(tn_buf *b, const char *fmt, ...) {
    if (b->failed)
        return;
    va_list ap, copy;
    va_start(ap, fmt);
    /* The simple formats (fmt.h) without stdio. */
    va_copy(copy, ap);
    long fast = tn_fmt(b->ptr ? b->ptr + b->size : NULL, b->ptr ? b->cap - b->size - 1 : 0, fmt,
                       copy);
    va_end(copy);
    if (fast >= 0) {
        if (b->ptr && (size_t)fast < b->cap - b->size) {
            b->size += (size_t)fast;
            b->ptr[b->size] = '\0';
        } else if (tn_buf_grow(b, (size_t)fast)) {
            va_copy(copy, ap);
            tn_fmt(b->ptr + b->size, (size_t)fast, fmt, copy);
            va_end(copy);
            b->size += (size_t)fast;
            b->ptr[b->size] = '\0';
        }
        va_end(ap);
        return;
    }
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        b->failed = true;
    } else if (tn_buf_grow(b, (size_t)n)) {
        vsnprintf(b->ptr + b->size, (size_t)n + 1, fmt, ap);
        b->size += (size_t)n;
    }
    va_end(ap);
}

void tn_buf_put_json_string(tn_buf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    tn_buf_putc(b, '"');
    size_t i = 0;
    while (i < len && !b->failed) {
        /* Copy the longest run that needs no escaping in one go. */
        size_t run = i;
        while (run < len && p[run] >= 0x20 && p[run] != '"' && p[run] != '\\' && p[run] < 0x80)
            run++;
        if (run > i) {
            tn_buf_put(b, s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = p[i];
        if (c >= 0x80) {
            size_t n = tn_utf8_seq_len(p + i, len - i);
            if (n) {
                tn_buf_put(b, s + i, n);
                i += n;
            } else {
                tn_buf_put(b, "\\ufffd", 6); /* keep the output valid JSON */
                i++;
            }
            continue;
        }
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t n = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        tn_buf_put(b, esc, n);
        i++;
    }
    tn_buf_putc(b, '"');
}

/* NULL once an append has failed; an empty buffer yields "". */
char *tn_buf_detach(tn_buf *b, size_t *size_out) {
    char *p = NULL;
    size_t size = 0;
    if (!b->failed) {
        if (!b->ptr)
            tn_buf_grow(b, 0);
        if (b->ptr) {
            b->ptr[b->size] = '\0';
            p = b->ptr;
            size = b->size;
            b->ptr = NULL;
        }
    }
    tn_buf_free(b);
    if (size_out)
        *size_out = size;
    return p;
}

void tn_buf_free(tn_buf *b) {
    tn_free(b->ptr);
    memset(b, 0, sizeof *b);
}

TENET_EXTERN(void) tenet_buf_dispose(tenet_buf *buf) {
    if (!buf)
        return;
    tn_free(buf->ptr);
    buf->ptr = NULL;
    buf->size = 0;
}
