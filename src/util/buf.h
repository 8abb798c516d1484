/* A growable byte buffer. The zero value is an empty buffer. Once an append
 * fails the buffer is marked failed and further appends are no-ops, so a
 * writer can check once at the end (tn_buf_failed). */
#ifndef TN_BUF_H
#define TN_BUF_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct tn_buf {
    char *ptr;
    size_t size, cap;
    bool failed;
} tn_buf;

bool tn_buf_grow(tn_buf *b, size_t extra);
void tn_buf_put(tn_buf *b, const char *s, size_t len);
void tn_buf_puts(tn_buf *b, const char *s);
void tn_buf_putc(tn_buf *b, char c);
void tn_buf_printf(tn_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends `s` as a JSON string literal, quotes included. */
void tn_buf_put_json_string(tn_buf *b, const char *s);
static inline bool tn_buf_failed(const tn_buf *b) { return b->failed; }
/* Hands the (NUL-terminated) bytes to the caller; the buffer becomes empty. */
char *tn_buf_detach(tn_buf *b, size_t *size_out);
void tn_buf_free(tn_buf *b);

#endif
