/* tenet/common.h — export macros and plain value types shared by every public header. */
#ifndef TENET_COMMON_H
#define TENET_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define TENET_BEGIN_DECL extern "C" {
#define TENET_END_DECL }
#else
#define TENET_BEGIN_DECL
#define TENET_END_DECL
#endif

#if defined(_WIN32) && defined(TENET_SHARED_BUILD)
#define TENET_EXTERN(type) __declspec(dllexport) type
#elif defined(__GNUC__)
#define TENET_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define TENET_EXTERN(type) type
#endif

TENET_BEGIN_DECL

/* A byte buffer handed out by the library (rendered reports, messages).
 * The caller owns `ptr` and releases it with tenet_buf_dispose(); `ptr` is
 * NUL-terminated for convenience, `size` excludes the terminator. */
typedef struct tenet_buf {
    char *ptr;
    size_t size;
} tenet_buf;

/* Releases the memory of a buffer filled by the library and zeroes it.
 * Accepts NULL and an already-disposed buffer. */
TENET_EXTERN(void) tenet_buf_dispose(tenet_buf *buf);

/* Severity of a diagnostic. Values are stable. */
typedef enum tenet_severity {
    TENET_SEVERITY_INFO = 0,
    TENET_SEVERITY_WARNING = 1,
    TENET_SEVERITY_ERROR = 2
} tenet_severity;

TENET_END_DECL

#endif
