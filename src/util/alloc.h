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

#ifdef TENET_FAULT_INJECTION
/* Only in the test build of the library (tenet_objects_fi): after `n` more
 * successful allocations every allocation fails; n < 0 disables it. The
 * shipped library has no such switch, and so no global mutable state. */
void tn_alloc_fail_after(long n);
/* Allocations made through this file and not yet freed (test build only),
 * so a test can prove that a failed call leaked nothing even without LSan. */
long tn_alloc_live(void);
#endif

#endif
