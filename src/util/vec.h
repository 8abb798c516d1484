/* Typed growable arrays on tn_realloc: TN_VEC(T) declares {T *v; size_t n, cap;}.
 * TN_VEC_PUSH evaluates to 0 on success, -1 on allocation failure. */
#ifndef TN_VEC_H
#define TN_VEC_H
#include "alloc.h"
#include <stddef.h>

#define TN_VEC(T) struct { T *v; size_t n, cap; }

int tn_vec_grow_(void **v, size_t *cap, size_t need, size_t elem);

#define TN_VEC_PUSH(vec, item)                                                          \
    (((vec).n < (vec).cap || tn_vec_grow_((void **)&(vec).v, &(vec).cap, (vec).n + 1,    \
                                          sizeof(*(vec).v)) == 0)                        \
         ? ((vec).v[(vec).n++] = (item), 0)                                              \
         : -1)
#define TN_VEC_FREE(vec) (tn_free((vec).v), (vec).v = NULL, (vec).n = (vec).cap = 0)

#endif
