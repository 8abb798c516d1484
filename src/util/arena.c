/* Chunked bump allocator. Chunks are singly linked, newest first; a request
 * larger than a quarter of the regular chunk size gets a chunk of its own,
 * linked behind the current one so the current chunk's free tail stays in
 * use. Regular chunks double from 4 KiB to 128 KiB; after that they are
 * 2 MiB huge-page blocks (alloc.h). With TENET_DEBUG_ARENA every request is
 * its own chunk, so ASan and valgrind see each object's bounds. */
#include "arena.h"

#include "alloc.h"
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TN_ARENA_ALIGN 16
#define TN_ARENA_FIRST_CHUNK ((size_t)4096)
#define TN_ARENA_MAX_CHUNK ((size_t)128 << 10)

struct tn_arena_chunk {
    tn_arena_chunk *next;
    size_t size; /* usable bytes after the header */
    size_t used;
};

/* The header rounded up so that the payload is 16-byte aligned. */
#define TN_CHUNK_HEADER                                                                    \
    ((sizeof(tn_arena_chunk) + TN_ARENA_ALIGN - 1) & ~(size_t)(TN_ARENA_ALIGN - 1))

static unsigned char *chunk_data(tn_arena_chunk *c) { return (unsigned char *)c + TN_CHUNK_HEADER; }

void tn_arena_init(tn_arena *a) {
    a->head = NULL;
    a->chunk_size = TN_ARENA_FIRST_CHUNK;
    a->total = 0;
}

/* Chunks of TN_PAGES_UNIT bytes or more (header included) are whole
 * pages from tn_alloc_pages(), rounded up to a multiple of the unit; the
 * size recorded is what the rounding made usable. */
#ifndef TENET_DEBUG_ARENA
static bool chunk_is_pages(size_t size) { return size >= TN_PAGES_UNIT - TN_CHUNK_HEADER; }
#endif

static tn_arena_chunk *chunk_new(size_t size) {
    if (size > SIZE_MAX - TN_CHUNK_HEADER - TN_PAGES_UNIT)
        return NULL;
    tn_arena_chunk *c;
#ifndef TENET_DEBUG_ARENA
    if (chunk_is_pages(size)) {
        size_t bytes = (TN_CHUNK_HEADER + size + TN_PAGES_UNIT - 1) & ~(TN_PAGES_UNIT - 1);
        c = tn_alloc_pages(bytes);
        size = bytes - TN_CHUNK_HEADER;
    } else
#endif
        c = tn_malloc(TN_CHUNK_HEADER + size);
    if (!c)
        return NULL;
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

static void chunk_free(tn_arena_chunk *c) {
#ifndef TENET_DEBUG_ARENA
    if (chunk_is_pages(c->size)) {
        tn_free_pages(c, TN_CHUNK_HEADER + c->size);
        return;
    }
#endif
    tn_free(c);
}

/* A dedicated chunk, linked second so the head keeps serving small requests. */
static void *alloc_own_chunk(tn_arena *a, size_t size) {
    tn_arena_chunk *c = chunk_new(size);
    if (!c)
        return NULL;
    c->used = size;
    if (a->head) {
        c->next = a->head->next;
        a->head->next = c;
    } else {
        a->head = c;
    }
    a->total += size;
    return chunk_data(c);
}

#ifndef TENET_DEBUG_ARENA
static size_t align_up(size_t n) {
    return (n + TN_ARENA_ALIGN - 1) & ~(size_t)(TN_ARENA_ALIGN - 1);
}
#endif

/* `align` is TN_ARENA_ALIGN, or 1 for strings: they need no alignment, and
 * packing them saves a tenth of a large document's memory. */
static void *bump(tn_arena *a, size_t size, size_t align) {
    if (size > SIZE_MAX - TN_ARENA_ALIGN)
        return NULL;
#ifdef TENET_DEBUG_ARENA
    (void)align;
    return alloc_own_chunk(a, size ? size : 1);
#else
    size_t need = align == 1 ? size : align_up(size);
    if (need == 0)
        need = align;
    if (a->chunk_size < TN_ARENA_FIRST_CHUNK)
        a->chunk_size = TN_ARENA_FIRST_CHUNK; /* a zeroed arena works too */
    tn_arena_chunk *h = a->head;
    size_t start = h ? (align == 1 ? h->used : align_up(h->used)) : 0;
    if (h && start <= h->size && h->size - start >= need) {
        void *p = chunk_data(h) + start;
        h->used = start + need;
        a->total += need;
        return p;
    }
    if (need > a->chunk_size / 4)
        return alloc_own_chunk(a, align_up(need));
    tn_arena_chunk *c = chunk_new(a->chunk_size);
    if (!c)
        return NULL;
    /* Geometric growth keeps the chunk count logarithmic; past the largest
     * malloc'd chunk come whole huge pages (chunk_new), one fault each. */
    if (a->chunk_size < TN_ARENA_MAX_CHUNK)
        a->chunk_size *= 2;
    else
        a->chunk_size = TN_PAGES_UNIT - TN_CHUNK_HEADER;
    c->next = a->head;
    a->head = c;
    c->used = need;
    a->total += need;
    return chunk_data(c);
#endif
}

void *tn_arena_alloc(tn_arena *a, size_t size) { return bump(a, size, TN_ARENA_ALIGN); }

void *tn_arena_calloc(tn_arena *a, size_t count, size_t size) {
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t bytes = count * size;
    void *p = tn_arena_alloc(a, bytes);
    if (p && bytes > 0)
        memset(p, 0, bytes);
    return p;
}

char *tn_arena_strndup(tn_arena *a, const char *s, size_t len) {
    if (len == SIZE_MAX)
        return NULL;
    char *p = bump(a, len + 1, 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *tn_arena_strdup(tn_arena *a, const char *s) { return tn_arena_strndup(a, s, strlen(s)); }

/* The simple formats (fmt.h) without stdio: into the free tail of the
 * current chunk when they fit, else measured and then printed. *simple is
 * false when `fmt` is not one of them. */
static char *fast_sprintf(tn_arena *a, const char *fmt, va_list ap, bool *simple) {
    va_list copy;
    char *tail = NULL;
    size_t room = 0;
#ifndef TENET_DEBUG_ARENA
    tn_arena_chunk *h = a->head;
    if (h && h->size > h->used) {
        tail = (char *)chunk_data(h) + h->used;
        room = h->size - h->used;
    }
#endif
    va_copy(copy, ap);
    long n = tn_fmt(tail, room, fmt, copy);
    va_end(copy);
    *simple = n >= 0;
    if (n < 0)
        return NULL;
    if (tail && (size_t)n < room) {
        tail[n] = '\0';
        a->head->used += (size_t)n + 1; /* strings need no alignment */
        a->total += (size_t)n + 1;
        return tail;
    }
    char *p = bump(a, (size_t)n + 1, 1);
    if (!p)
        return NULL;
    va_copy(copy, ap);
    tn_fmt(p, (size_t)n, fmt, copy);
    va_end(copy);
    p[n] = '\0';
    return p;
}

char *tn_arena_vsprintf(tn_arena *a, const char *fmt, va_list ap) {
    bool simple;
    char *s = fast_sprintf(a, fmt, ap, &simple);
    if (simple)
        return s;
    va_list copy;
#ifndef TENET_DEBUG_ARENA
    /* Formatting is costly: print straight into the free tail of the current
     * chunk, and keep it when it fits (it usually does), instead of
     * measuring first and printing again. */
    tn_arena_chunk *h = a->head;
    if (h && h->size > h->used) {
        size_t room = h->size - h->used;
        char *p = (char *)chunk_data(h) + h->used;
        va_copy(copy, ap);
        int n = vsnprintf(p, room, fmt, copy);
        va_end(copy);
        if (n < 0)
            return NULL;
        if ((size_t)n < room) {
            h->used += (size_t)n + 1; /* strings need no alignment */
            a->total += (size_t)n + 1;
            return p;
        }
    }
#endif
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *p = bump(a, (size_t)n + 1, 1);
    if (!p)
        return NULL;
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *tn_arena_sprintf(tn_arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *p = tn_arena_vsprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void tn_arena_expect(tn_arena *a, size_t bytes) {
#ifndef TENET_DEBUG_ARENA
    if (bytes >= TN_ARENA_MAX_CHUNK && a->chunk_size < TN_PAGES_UNIT - TN_CHUNK_HEADER)
        a->chunk_size = TN_PAGES_UNIT - TN_CHUNK_HEADER;
#else
    (void)a;
    (void)bytes;
#endif
}

void tn_arena_release(tn_arena *a) {
    tn_arena_chunk *c = a->head;
    while (c) {
        tn_arena_chunk *next = c->next;
        chunk_free(c);
        c = next;
    }
    tn_arena_init(a);
}

tn_arena_mark tn_arena_mark_get(const tn_arena *a) {
    tn_arena_mark m = {a->head, a->head ? a->head->next : NULL, a->head ? a->head->used : 0,
                       a->total};
    return m;
}

/* Chunks made after the mark are the ones in front of the marked head
 * (regular chunks become the head) and those linked right behind it
 * (dedicated chunks go second), up to its successor at the mark. */
void tn_arena_rollback(tn_arena *a, const tn_arena_mark *m) {
    tn_arena_chunk *c = a->head;
    while (c && c != m->head) {
        tn_arena_chunk *next = c->next;
        chunk_free(c);
        c = next;
    }
    if (!m->head) {
        tn_arena_init(a);
        return;
    }
    c = m->head->next;
    while (c && c != m->next) {
        tn_arena_chunk *next = c->next;
        chunk_free(c);
        c = next;
    }
    m->head->next = m->next;
    m->head->used = m->used;
    a->head = m->head;
    a->total = m->total;
}

void tn_arena_adopt(tn_arena *dst, tn_arena *src) {
    if (!src->head) {
        tn_arena_init(src);
        return;
    }
    tn_arena_chunk *last = src->head;
    while (last->next)
        last = last->next;
    /* Behind dst's head, so its free tail keeps serving small requests. */
    if (dst->head) {
        last->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
        if (src->chunk_size > dst->chunk_size)
            dst->chunk_size = src->chunk_size;
    }
    dst->total += src->total;
    tn_arena_init(src);
}
