/* Escaping text for XML 1.0 (the JUnit renderer). */
#ifndef TN_XML_H
#define TN_XML_H
#include "util/buf.h"
#include <stdbool.h>

/* Appends `s` escaped for XML 1.0 character data, or for a double- or
 * single-quoted attribute value when `attr` is true. `&`, `<` and `>` (and
 * in attributes `"` and `'`) become entities; characters XML 1.0 cannot
 * carry at all (C0 controls
 * other than tab, newline and carriage return, U+FFFE, U+FFFF, invalid
 * UTF-8) become U+FFFD. In attributes, tab, newline and carriage return
 * become character references so attribute normalisation keeps them. */
void tn_buf_put_xml(tn_buf *b, const char *s, bool attr);

#endif
