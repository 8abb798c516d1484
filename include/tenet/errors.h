/* tenet/errors.h — status codes and the caller-owned error out-parameter. */
#ifndef TENET_ERRORS_H
#define TENET_ERRORS_H

#include "common.h"

TENET_BEGIN_DECL

/* Every fallible function returns one of these. Values are never renumbered. */
typedef enum tenet_status {
    TENET_OK = 0,
    TENET_ERROR = -1,  /* generic failure */
    TENET_EINVAL = -2, /* bad argument (NULL handle, unknown option value) */
    TENET_ENOMEM = -3, /* allocation failed */
    TENET_EPARSE = -4, /* the input document is malformed */
    TENET_ERULES = -5, /* the rules file is malformed or inconsistent */
    TENET_ELIMIT = -6, /* an input exceeded a configured limit (depth, aliases, size, ...) */
    TENET_EIO = -7,    /* a file could not be read */
    TENET_EFORMAT = -8 /* the input format could not be detected or is not supported */
} tenet_status;

#define TENET_ERROR_VERSION 1

/* Filled by a failing call when the caller passes a non-NULL pointer.
 * `line`/`column` are 1-based; 0 means "no position". `source` names the
 * file (or "<rules>", "<stdin>") the position refers to. The struct is owned
 * by the caller and may live on the stack; the library never keeps it. */
typedef struct tenet_error {
    unsigned int version; /* TENET_ERROR_VERSION; informational */
    int code;             /* a tenet_status */
    uint32_t line;
    uint32_t column;
    char source[256];
    char message[512];
} tenet_error;

/* A short static description of a status code ("out of memory"). Never NULL. */
TENET_EXTERN(const char *) tenet_status_str(int code);

TENET_END_DECL

#endif
