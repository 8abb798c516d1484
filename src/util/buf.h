/* A growable byte buffer. The zero value is an empty buffer. Once an append
 * fails the buffer is marked failed and further appends are no-ops, so a
 * writer can check once at the end (tn_buf_failed).
 *
 * A buffer given a sink (tn_buf_set_sink) streams instead: it holds at most
 * about TN_BUF_CHUNK bytes and passes them on when full, so `ptr` then holds
 * only what was not passed on yet. Writers of such a buffer only append;
 * they never read back or patch what they wrote. */
#ifndef TN_BUF_H
#define TN_BUF_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Receives a streaming buffer's bytes; non-zero refuses them, which fails
 * the buffer. */
typedef int (*tn_buf_sink)(void *ctx, const char *data, size_t len);

/* What a streaming buffer holds before passing it on; larger appends go
 * to the sink directly. */
#define TN_BUF_CHUNK ((size_t)64 * 1024)

typedef struct tn_buf {
    char *ptr;
    size_t size, cap;
    bool failed;
    bool sink_failed;  /* the sink refused bytes (failed is set too) */
    tn_buf_sink sink;  /* NULL: the buffer keeps every byte */
    void *sink_ctx;
} tn_buf;

/* Makes empty buffer `b` stream its bytes to `sink`. */
void tn_buf_set_sink(tn_buf *b, tn_buf_sink sink, void *ctx);
/* Passes the bytes held to the sink (a no-op without one). False when the
 * buffer has failed, now or before. */
bool tn_buf_flush(tn_buf *b);

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
/* Hands the (NUL-terminated) bytes to the caller; the buffer becomes empty.
 * Not for a streaming buffer. */
char *tn_buf_detach(tn_buf *b, size_t *size_out);
/* Frees the bytes held; the buffer is the zero value again (no sink). */
void tn_buf_free(tn_buf *b);

#endif
