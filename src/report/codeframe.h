/* Code frames: the source line under a diagnostic with a caret under the
 * offending text, as compilers print them:
 *
 *      |
 *   12 |       EngineVersion: 3.2.10
 *      |                      ^^^^^^
 *
 * Columns are display columns: tabs expand to the next multiple of 4, wide
 * (CJK, emoji) characters take two, control characters and invalid UTF-8 are
 * shown as U+FFFD so input bytes can never drive the terminal. */
#ifndef TN_CODEFRAME_H
#define TN_CODEFRAME_H
#include "util/buf.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ANSI sequences for the frame's parts; NULL fields print nothing. */
typedef struct tn_frame_style {
    const char *gutter; /* line numbers and the '|' bars */
    const char *mark;   /* the carets */
    const char *reset;
} tn_frame_style;

/* Frames longer than this many display columns are cut around the caret. */
#define TN_FRAME_MAX_COLUMNS 120
/* Lines longer than this many bytes are framed from a window around the
 * caret (the frame shows at most TN_FRAME_MAX_COLUMNS anyway). */
#define TN_FRAME_MAX_SCAN 4096

/* Number of decimal digits of `line` (the gutter width). */
size_t tn_frame_gutter_width(uint32_t line);

/* Where the last frame's search for its caret ended on a long line. Frames
 * of one line come in column order, so with a cursor each resumes there
 * instead of scanning from the line's start: thousands of diagnostics on
 * one minified line then cost the line once, not once per diagnostic.
 * Start it zeroed; it only ever speeds the search up. */
typedef struct tn_frame_cursor {
    const char *line; /* the line it belongs to */
    size_t at;        /* byte offset in it... */
    uint32_t cp;      /* ...of this 1-based code point */
} tn_frame_cursor;

/* Writes the three frame lines for `line_text` (one line, no newline),
 * which is line number `line_no`, underlining code point columns
 * [col, end_col) (1-based, end exclusive). end_col == 0 underlines to the
 * end of the line's text (multi-line spans); an empty range gets one caret.
 * `gutter` is the gutter width (at least tn_frame_gutter_width(line_no)).
 * `style` may be NULL (no colour); `cursor` may be NULL. */
void tn_codeframe(tn_buf *out, const char *line_text, size_t line_len, uint32_t line_no,
                  uint32_t col, uint32_t end_col, size_t gutter, const tn_frame_style *style,
                  tn_frame_cursor *cursor);

#endif
