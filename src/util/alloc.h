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

/* Large blocks straight from the kernel, in whole units of TN_PAGES_UNIT
 * bytes aligned to it, marked for transparent huge pages where the system
 * has them: one page fault then maps 2 MiB instead of 512 separate 4 KiB
 * faults, and first touches of fresh memory are what a large check spends
 * most on after parsing. Elsewhere they are plain malloc blocks. `size` must
 * be a positive multiple of TN_PAGES_UNIT; free with the same size. */
#define TN_PAGES_UNIT ((size_t)2 << 20)
void *tn_alloc_pages(size_t size);
void tn_free_pages(void *p, size_t size);

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
