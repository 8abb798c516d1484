/* Filling the public tenet_error out-parameter. */
#ifndef TN_ERROR_H
#define TN_ERROR_H
#include "tenet/errors.h"
#include <stdint.h>

/* Sets err (if non-NULL) and returns `code`, so callers can `return tn_error_set(...)`. */
int tn_error_set(tenet_error *err, int code, const char *source, uint32_t line, uint32_t column,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
void tn_error_clear(tenet_error *err);

#endif
