/* The one place the library reaches the C allocator. In the test build
 * (TENET_FAULT_INJECTION) a failure countdown lets unit tests prove that
 * every allocation failure surfaces as TENET_ENOMEM instead of a crash or a
 * leak; the shipped library compiles it out. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __linux__
#include <sys/mman.h>
#define TN_HAVE_PAGES 1
#endif

#ifdef TENET_FAULT_INJECTION
#include <stdatomic.h>

/* < 0: never fail; otherwise the number of allocations that still succeed. */
static atomic_long fail_countdown = -1;

void tn_alloc_fail_after(long n) { atomic_store(&fail_countdown, n); }

static atomic_long live_allocations;

long tn_alloc_live(void) { return atomic_load(&live_allocations); }

static void *counted(void *p) {
    if (p)
        atomic_fetch_add(&live_allocations, 1);
    return p;
}

static void uncounted(void *p) {
    if (p)
        atomic_fetch_sub(&live_allocations, 1);
}

static int should_fail(void) {
    long cur = atomic_load(&fail_countdown);
    while (cur >= 0) {
        if (cur == 0)
            return 1;
        if (atomic_compare_exchange_weak(&fail_countdown, &cur, cur - 1))
            return 0;
    }
    return 0;
}
#else
static inline int should_fail(void) { return 0; }
static inline void *counted(void *p) { return p; }
static inline void uncounted(void *p) { (void)p; }
#endif

void *tn_malloc(size_t size) {
    if (should_fail())
        return NULL;
    return counted(malloc(size ? size : 1));
}

void *tn_calloc(size_t count, size_t size) {
    if (should_fail())
        return NULL;
    if (count == 0 || size == 0)
        count = size = 1;
    return counted(calloc(count, size));
}

void *tn_realloc(void *ptr, size_t size) {
    if (should_fail())
        return NULL;
    void *p = realloc(ptr, size ? size : 1);
    return ptr ? p : counted(p);
}

void tn_free(void *ptr) {
    uncounted(ptr);
    free(ptr);
}

char *tn_strndup(const char *s, size_t len) {
    if (len == SIZE_MAX)
        return NULL;
    char *p = tn_malloc(len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

#ifdef TN_HAVE_PAGES
/* Over-map by one unit, then trim both ends to the aligned block: only an
 * aligned block can become a huge page. */
void *tn_alloc_pages(size_t size) {
    if (should_fail() || size == 0 || size > SIZE_MAX - TN_PAGES_UNIT)
        return NULL;
    size_t span = size + TN_PAGES_UNIT;
    unsigned char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                              -1, 0);
    if (raw == MAP_FAILED)
        return NULL;
    uintptr_t at = ((uintptr_t)raw + TN_PAGES_UNIT - 1) & ~(uintptr_t)(TN_PAGES_UNIT - 1);
    size_t head = (size_t)(at - (uintptr_t)raw);
    if (head)
        munmap(raw, head);
    if (span - head > size)
        munmap((unsigned char *)at + size, span - head - size);
#ifdef MADV_HUGEPAGE
    madvise((void *)at, size, MADV_HUGEPAGE); /* advice only: failure is harmless */
#endif
    return counted((void *)at);
}

void tn_free_pages(void *p, size_t size) {
    if (!p)
        return;
    uncounted(p);
    munmap(p, size);
}
#else
void *tn_alloc_pages(size_t size) { return tn_malloc(size); }

void tn_free_pages(void *p, size_t size) {
    (void)size;
    tn_free(p);
}
#endif
