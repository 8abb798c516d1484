/* Allocation wrappers: the single place the library reaches the C allocator,
 * so failure injection and accounting need only touch this file. Every
 * caller must handle NULL (it becomes TENET_ENOMEM). */
#ifndef TN_ALLOC_H
#define TN_ALLOC_H
#include <stddef.h>

void *tn_malloc(size_t size);
void *tn_calloc(size_t count, size_t size);
void *tn_realloc(void *ptr, size_t size);
void tn_free(void *ptr);
char *tn_strndup(const char *s, size_t len);

/* Tests only: after `n` more successful allocations every allocation fails;
 * n < 0 (the default) disables failure injection. Process-wide. */
void tn_alloc_fail_after(long n);

#endif
