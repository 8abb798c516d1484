/* UTF-8 helpers. */
#ifndef TN_UTF8_H
#define TN_UTF8_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid/truncated. */
size_t tn_utf8_seq_len(const unsigned char *s, size_t avail);
/* Returns true if all of s is valid UTF-8; else false and *bad_offset. */
bool tn_utf8_validate(const char *s, size_t len, size_t *bad_offset);
/* Number of code points in s[0..len). Invalid bytes count one each. */
size_t tn_utf8_count(const char *s, size_t len);
/* Display width of a code point in a terminal (0, 1 or 2). */
int tn_utf8_width(uint32_t cp);
/* Decodes one code point; returns bytes consumed (>= 1). Invalid → U+FFFD, 1. */
size_t tn_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);
/* Transcodes UTF-16 (with BOM) to UTF-8 if the input starts with a UTF-16
 * BOM. Returns 1 and a tn_malloc'd buffer (BOM dropped), 0 if not UTF-16,
 * a negative value on failure: -1 malformed input, -2 allocation failure. */
int tn_utf16_to_utf8(const char *in, size_t len, char **out, size_t *out_len);

#endif
