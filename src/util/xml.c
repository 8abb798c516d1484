/* XML 1.0 escaping. */
#include "util/xml.h"

#include "util/utf8.h"

#include <string.h>

static bool plain(unsigned char c, bool attr) {
    if (c >= 0x80 || c == '&' || c == '<' || c == '>')
        return false;
    if (c == '"' || c == '\'') /* quotes matter only inside attribute values */
        return !attr;
    if (c >= 0x20 && c != 0x7f)
        return true;
    /* Tab/newline/CR are fine as text; attributes need references. */
    return !attr && (c == '\t' || c == '\n' || c == '\r');
}

void tn_buf_put_xml(tn_buf *b, const char *s, bool attr) {
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    size_t i = 0;
    while (i < len && !b->failed) {
        size_t run = i;
        while (run < len && plain(p[run], attr))
            run++;
        if (run > i) {
            tn_buf_put(b, s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = p[i];
        switch (c) {
        case '&': tn_buf_puts(b, "&amp;"); i++; continue;
        case '<': tn_buf_puts(b, "&lt;"); i++; continue;
        case '>': tn_buf_puts(b, "&gt;"); i++; continue;
        case '"': tn_buf_puts(b, "&quot;"); i++; continue;
        case '\'': tn_buf_puts(b, "&apos;"); i++; continue;
        case '\t': tn_buf_puts(b, "&#9;"); i++; continue;
        case '\n': tn_buf_puts(b, "&#10;"); i++; continue;
        case '\r': tn_buf_puts(b, "&#13;"); i++; continue;
        case 0x7f: tn_buf_puts(b, "&#127;"); i++; continue;
        default: break;
        }
        if (c < 0x80) { /* a C0 control: not representable in XML 1.0 */
            tn_buf_puts(b, "\xEF\xBF\xBD");
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = tn_utf8_seq_len(p + i, len - i);
        if (n == 0 || (tn_utf8_decode(p + i, len - i, &cp), cp == 0xFFFE || cp == 0xFFFF)) {
            tn_buf_puts(b, "\xEF\xBF\xBD");
            i += n ? n : 1;
            continue;
        }
        tn_buf_put(b, s + i, n);
        i += n;
    }
}
