/* The tenet_error out-parameter and the one table of status strings. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int tn_error_set(tenet_error *err, int code, const char *source, uint32_t line, uint32_t column,
                 const char *fmt, ...) {
    if (!err)
        return code;
    err->version = TENET_ERROR_VERSION;
    err->code = code;
    err->line = line;
    err->column = column;
    snprintf(err->source, sizeof err->source, "%s", source ? source : "");
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    } else {
        snprintf(err->message, sizeof err->message, "%s", tenet_status_str(code));
    }
    return code;
}

void tn_error_clear(tenet_error *err) {
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->version = TENET_ERROR_VERSION;
}

TENET_EXTERN(const char *) tenet_status_str(int code) {
    switch (code) {
    case TENET_OK: return "success";
    case TENET_ERROR: return "error";
    case TENET_EINVAL: return "invalid argument";
    case TENET_ENOMEM: return "out of memory";
    case TENET_EPARSE: return "malformed input document";
    case TENET_ERULES: return "malformed rules";
    case TENET_ELIMIT: return "input exceeds a configured limit";
    case TENET_EIO: return "input/output error";
    case TENET_EFORMAT: return "unsupported or undetected input format";
    default: return "unknown status";
    }
}
