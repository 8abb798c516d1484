/* Growth for TN_VEC: geometric, overflow-checked. */
#include "vec.h"

#include <stdint.h>

int tn_vec_grow_(void **v, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 8;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    if (elem && n > SIZE_MAX / elem)
        return -1;
    void *p = tn_realloc(*v, n * elem);
    if (!p)
        return -1;
    *v = p;
    *cap = n;
    return 0;
}
