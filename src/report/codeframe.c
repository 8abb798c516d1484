/* Code frames. Display columns are computed by walking the line's code points
 * three times (measure, text, carets) so no per-line allocation is needed
 * and the caret stays aligned with exactly what was printed above it. */
#include "report/codeframe.h"

#include "tenet/errors.h"
#include "util/alloc.h"
#include "util/utf8.h"

#include <string.h>

#define TAB_STOP 4
#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define ELLIPSIS "\xE2\x80\xA6"    /* U+2026, one column */

size_t tn_frame_gutter_width(uint32_t line) {
    size_t w = 1;
    while (line >= 10) {
        line /= 10;
        w++;
    }
    return w;
}

/* One displayed character. */
typedef struct cell {
    size_t off, len;  /* its bytes in the line */
    unsigned width;   /* display columns */
    bool tab, replace; /* shown as spaces / as U+FFFD */
} cell;

/* Characters that must not reach a terminal as they are: C0/C1 controls and
 * the bidirectional overrides that can make a line read differently. */
static bool is_unsafe(uint32_t cp) {
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* Decodes the cell at line[*pos], which starts at display column `col`. */
static cell next_cell(const char *line, size_t len, size_t *pos, size_t col) {
    cell c = {*pos, 1, 1, false, false};
    uint32_t cp = 0;
    const unsigned char *s = (const unsigned char *)line + *pos;
    size_t avail = len - *pos;
    size_t valid = tn_utf8_seq_len(s, avail);
    c.len = tn_utf8_decode(s, avail, &cp);
    if (c.len == 0)
        c.len = 1;
    if (cp == '\t') {
        c.tab = true;
        c.width = (unsigned)(TAB_STOP - col % TAB_STOP);
    } else if (valid == 0 || is_unsafe(cp)) {
        c.replace = true;
    } else {
        int w = tn_utf8_width(cp);
        c.width = w < 0 ? 1u : (unsigned)w;
    }
    *pos += c.len;
    return c;
}

/* Display columns of the caret range and of the whole line. */
typedef struct measure {
    size_t width;    /* of the whole line */
    size_t content;  /* up to the last non-blank character */
    size_t cs, ce;   /* caret columns [cs, ce) */
} measure;

static measure measure_line(const char *line, size_t len, uint32_t col, uint32_t end_col) {
    measure m = {0, 0, 0, 0};
    bool cs_set = false, ce_set = false;
    uint32_t cp_index = 1;
    for (size_t pos = 0; pos < len; cp_index++) {
        if (cp_index == col) {
            m.cs = m.width;
            cs_set = true;
        }
        if (end_col && cp_index == end_col) {
            m.ce = m.width;
            ce_set = true;
        }
        cell c = next_cell(line, len, &pos, m.width);
        m.width += c.width;
        if (!(c.tab || (c.len == 1 && line[c.off] == ' ')))
            m.content = m.width;
    }
    if (!cs_set)
        m.cs = m.width; /* past the end: point just after the text */
    if (!ce_set)
        m.ce = end_col ? m.width : m.content;
    if (m.ce <= m.cs)
        m.ce = m.cs + 1;
    return m;
}

static void put_style(tn_buf *out, const char *seq) {
    if (seq)
        tn_buf_puts(out, seq);
}

static void put_spaces(tn_buf *out, size_t n) {
    static const char spaces[] = "                                ";
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        tn_buf_put(out, spaces, k);
        n -= k;
    }
}

static void put_gutter(tn_buf *out, size_t gutter, uint32_t line_no, const tn_frame_style *st) {
    put_style(out, st->gutter);
    if (line_no) {
        size_t w = tn_frame_gutter_width(line_no);
        put_spaces(out, gutter > w ? gutter - w : 0);
        tn_buf_printf(out, "%u |", (unsigned)line_no);
    } else {
        put_spaces(out, gutter);
        tn_buf_puts(out, " |");
    }
    put_style(out, st->reset);
}

void tn_codeframe(tn_buf *out, const char *line, size_t len, uint32_t line_no, uint32_t col,
                  uint32_t end_col, size_t gutter, const tn_frame_style *style,
                  tn_frame_cursor *cursor) {
    static const tn_frame_style plain = {NULL, NULL, NULL};
    const tn_frame_style *st = style ? style : &plain;
    if (!line)
        len = 0;
    if (gutter < tn_frame_gutter_width(line_no))
        gutter = tn_frame_gutter_width(line_no);
    if (end_col && end_col <= col)
        end_col = col + 1; /* an empty range still gets one caret */

    /* A very long line (minified JSON) is framed from a window of bytes
     * around the caret: each frame then costs the window, not the line, so
     * thousands of diagnostics on one line stay linear. */
    bool clipped_left = false, clipped_right = false;
    if (line && len > TN_FRAME_MAX_SCAN) {
        size_t at = 0;
        uint32_t cp = 1;
        if (cursor && cursor->line == line && cursor->cp <= col && cursor->at <= len) {
            at = cursor->at;
            cp = cursor->cp;
        }
        while (at < len && cp < col) { /* code points are counted as the loaders count them */
            at++;
            while (at < len && ((unsigned char)line[at] & 0xC0) == 0x80)
                at++;
            cp++;
        }
        if (cursor) {
            cursor->line = line;
            cursor->at = at;
            cursor->cp = cp;
        }
        size_t from = at > TN_FRAME_MAX_SCAN / 4 ? at - TN_FRAME_MAX_SCAN / 4 : 0;
        while (from > 0 && ((unsigned char)line[from] & 0xC0) == 0x80)
            from--;
        size_t to = at + TN_FRAME_MAX_SCAN / 2 < len ? at + TN_FRAME_MAX_SCAN / 2 : len;
        while (to < len && ((unsigned char)line[to] & 0xC0) == 0x80)
            to++;
        uint32_t before = 0; /* code points in [from, at) */
        for (size_t i = from; i < at; i++)
            before += ((unsigned char)line[i] & 0xC0) != 0x80;
        uint32_t shift = cp - 1 - before; /* code points left of the window */
        col -= shift;
        if (end_col)
            end_col = end_col - shift;
        clipped_left = from > 0;
        clipped_right = to < len;
        line += from;
        len = to - from;
    }

    measure m = measure_line(line, len, col, end_col);
    size_t total = m.width > m.ce ? m.width : m.ce;
    size_t ws = 0, we = total;
    if (total > TN_FRAME_MAX_COLUMNS) {
        /* Keep some context left of the caret, then as much as fits. */
        size_t budget = TN_FRAME_MAX_COLUMNS - 2, left = TN_FRAME_MAX_COLUMNS / 4;
        ws = m.cs > left ? m.cs - left : 0;
        we = ws + budget;
        if (we > total) {
            we = total;
            ws = total > budget ? total - budget : 0;
        }
    }
    bool cut_left = ws > 0 || clipped_left, cut_right = we < m.width || clipped_right;

    /* Empty bar, then the text. */
    put_gutter(out, gutter, 0, st);
    tn_buf_putc(out, '\n');
    put_gutter(out, gutter, line_no, st);
    if (len > 0 && m.width > ws) {
        tn_buf_putc(out, ' ');
        if (cut_left)
            tn_buf_puts(out, ELLIPSIS);
        size_t x = 0;
        for (size_t pos = 0; pos < len && x < we;) {
            cell c = next_cell(line, len, &pos, x);
            size_t a = x, b = x + c.width;
            x = b;
            if (b <= ws)
                continue;
            if (a < ws || b > we || c.tab) {
                /* Straddles the cut (or is a tab): blanks keep the columns. */
                put_spaces(out, (b > we ? we : b) - (a < ws ? ws : a));
                continue;
            }
            if (c.replace)
                tn_buf_puts(out, REPLACEMENT);
            else
                tn_buf_put(out, line + c.off, c.len);
        }
        if (cut_right)
            tn_buf_puts(out, ELLIPSIS);
    }
    tn_buf_putc(out, '\n');

    /* Carets under [cs, ce), clipped to the window. */
    put_gutter(out, gutter, 0, st);
    tn_buf_putc(out, ' ');
    size_t cs = m.cs < ws ? ws : m.cs, ce = m.ce > we ? we : m.ce;
    if (ce <= cs) { /* the caret fell outside the window: point at its edge */
        cs = m.cs < ws ? ws : (we > ws ? we - 1 : ws);
        ce = cs + 1;
    }
    put_spaces(out, (cut_left ? 1 : 0) + (cs - ws));
    put_style(out, st->mark);
    for (size_t i = cs; i < ce; i++)
        tn_buf_putc(out, '^');
    put_style(out, st->reset);
    tn_buf_putc(out, '\n');
}
