/* A chunked bump allocator. Pointers never move; everything is released at
 * once by tn_arena_release(). With -DTENET_DEBUG_ARENA each allocation is a
 * separate malloc so ASan and valgrind see every object. Not thread-safe:
 * one arena per document, per ruleset, per check. */
#ifndef TN_ARENA_H
#define TN_ARENA_H
#include <stdarg.h>
#include <stddef.h>

typedef struct tn_arena_chunk tn_arena_chunk;

typedef struct tn_arena {
    tn_arena_chunk *head;
    size_t chunk_size; /* size of the next regular chunk */
    size_t total;      /* bytes handed out, for limits and statistics */
} tn_arena;

void tn_arena_init(tn_arena *a);
/* 16-byte aligned; NULL on allocation failure. size 0 returns a valid pointer. */
void *tn_arena_alloc(tn_arena *a, size_t size);
void *tn_arena_calloc(tn_arena *a, size_t count, size_t size);
/* Copies `len` bytes and appends a NUL. Strings (these and the sprintf
 * ones) are packed without alignment. */
char *tn_arena_strndup(tn_arena *a, const char *s, size_t len);
char *tn_arena_strdup(tn_arena *a, const char *s);
char *tn_arena_sprintf(tn_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
char *tn_arena_vsprintf(tn_arena *a, const char *fmt, va_list ap);
void tn_arena_release(tn_arena *a);
/* A hint that the arena will hold about `bytes`: from 128 KiB on it
 * starts with whole huge-page blocks (tn_alloc_pages) instead of growing
 * through malloc'd chunks, each of whose pages would be a separate fault.
 * Without the hint an arena switches to such blocks after 252 KiB. */
void tn_arena_expect(tn_arena *a, size_t bytes);

/* A point to return to: tn_arena_rollback() frees everything allocated
 * after tn_arena_mark() (pointers to it become invalid) and reuses the
 * memory, so a structure built speculatively and then dropped costs no
 * fresh pages. No tn_arena_adopt() on the arena in between. */
typedef struct tn_arena_mark {
    tn_arena_chunk *head, *next; /* head chunk and its successor when marked */
    size_t used, total;
} tn_arena_mark;

tn_arena_mark tn_arena_mark_get(const tn_arena *a);
void tn_arena_rollback(tn_arena *a, const tn_arena_mark *m);
/* Moves every chunk of `src` into `dst` (pointers into them stay valid and
 * now live as long as `dst`); `src` is left empty. Never fails. */
void tn_arena_adopt(tn_arena *dst, tn_arena *src);

#endif
