/* Code frames: caret placement with tabs, wide characters, long lines,
 * line endings and multi-line spans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/codeframe.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

static tn_buf b;

static char *frame(const char *line, uint32_t line_no, uint32_t col, uint32_t end_col) {
    tn_buf_free(&b);
    tn_codeframe(&b, line, strlen(line), line_no, col, end_col, 0, NULL, NULL);
    tn_buf_putc(&b, '\0');
    assert_false(tn_buf_failed(&b));
    return b.ptr;
}

static void free_frame(void) { tn_buf_free(&b); }

static void test_simple(void **state) {
    (void)state;
    assert_string_equal(frame("      EngineVersion: 3.2.10", 12, 22, 28),
                        "   |\n"
                        "12 |       EngineVersion: 3.2.10\n"
                        "   |                      ^^^^^^\n");
}

static void test_empty_range_gets_one_caret(void **state) {
    (void)state;
    assert_string_equal(frame("key: value", 3, 6, 6), "  |\n3 | key: value\n  |      ^\n");
}

static void test_tabs(void **state) {
    (void)state;
    /* The tab expands to column 4; 'v' is code point 7, display column 9. */
    assert_string_equal(frame("\tKey: v", 1, 7, 8), "  |\n1 |     Key: v\n  |          ^\n");
    /* A tab after two characters only fills to the next stop. */
    assert_string_equal(frame("ab\tc", 1, 4, 5), "  |\n1 | ab  c\n  |     ^\n");
    /* The tab itself underlined covers its whole width. */
    assert_string_equal(frame("ab\tc", 1, 3, 4), "  |\n1 | ab  c\n  |   ^^\n");
}

static void test_wide_characters(void **state) {
    (void)state;
    /* 名前: 値 — each CJK character is two columns wide. */
    assert_string_equal(frame("\xE5\x90\x8D\xE5\x89\x8D: \xE5\x80\xA4", 1, 5, 6),
                        "  |\n1 | \xE5\x90\x8D\xE5\x89\x8D: \xE5\x80\xA4\n  |       ^^\n");
    /* An emoji before the caret shifts it by two. */
    assert_string_equal(frame("\xF0\x9F\x94\x92 x", 1, 3, 4),
                        "  |\n1 | \xF0\x9F\x94\x92 x\n  |    ^\n");
}

static void test_multiline_span_underlines_to_end_of_line(void **state) {
    (void)state;
    /* end_col 0: to the end of the text, trailing blanks excluded. */
    assert_string_equal(frame("  Cache:   ", 4, 3, 0), "  |\n4 |   Cache:   \n  |   ^^^^^^\n");
}

static void test_caret_past_the_end(void **state) {
    (void)state;
    assert_string_equal(frame("abc", 1, 4, 5), "  |\n1 | abc\n  |    ^\n");
    /* An empty line prints no trailing blank after the bar. */
    assert_string_equal(frame("", 7, 1, 2), "  |\n7 |\n  | ^\n");
}

static void test_control_characters_are_neutralised(void **state) {
    (void)state;
    const char *out = frame("v: \x1b[31mred", 1, 4, 5);
    assert_null(strchr(out, '\x1b'));
    assert_string_equal(out, "  |\n1 | v: \xEF\xBF\xBD[31mred\n  |    ^\n");
    /* Invalid UTF-8 counts one column per byte, shown as U+FFFD. */
    assert_string_equal(frame("a\xFF" "b", 1, 3, 4), "  |\n1 | a\xEF\xBF\xBD" "b\n  |   ^\n");
}

/* Display column (0-based) of byte offset `off` in `s`, counting the
 * three-byte ellipsis as one column (all other text here is ASCII). */
static size_t column_of(const char *s, size_t off) {
    size_t col = 0;
    for (size_t i = 0; i < off;) {
        if ((unsigned char)s[i] == 0xE2) {
            i += 3;
        } else {
            i++;
        }
        col++;
    }
    return col;
}

static void test_long_line_is_cut_around_the_caret(void **state) {
    (void)state;
    char line[401];
    for (size_t i = 0; i < 400; i++)
        line[i] = (char)('a' + i % 26);
    memcpy(line + 300, "TARGET", 6);
    line[400] = '\0';
    const char *out = frame(line, 9, 301, 307);
    const char *l2 = strchr(out, '\n') + 1;
    const char *l3 = strchr(l2, '\n') + 1;
    /* Both cut ends are marked, and the line fits the budget. */
    assert_true(strncmp(l2, "9 | \xE2\x80\xA6", 7) == 0);
    const char *eol = strchr(l2, '\n');
    assert_true(strncmp(eol - 3, "\xE2\x80\xA6", 3) == 0);
    size_t text_cols = column_of(l2, (size_t)(eol - l2)) - 4;
    assert_true(text_cols <= TN_FRAME_MAX_COLUMNS);
    /* The caret is under TARGET. */
    const char *target = strstr(l2, "TARGET");
    assert_non_null(target);
    const char *caret = strchr(l3, '^');
    assert_non_null(caret);
    assert_int_equal(column_of(l2, (size_t)(target - l2)), (size_t)(caret - l3));
    assert_true(strncmp(caret, "^^^^^^\n", 7) == 0);
}

static void test_long_line_caret_near_the_end(void **state) {
    (void)state;
    char line[301];
    memset(line, 'x', 300);
    line[299] = 'Z';
    line[300] = '\0';
    const char *out = frame(line, 1, 300, 301);
    const char *l2 = strchr(out, '\n') + 1;
    const char *l3 = strchr(l2, '\n') + 1;
    const char *eol = strchr(l2, '\n');
    assert_int_equal(eol[-1], 'Z'); /* no right cut: the line's end is shown */
    const char *z = strchr(l2, 'Z');
    assert_int_equal(column_of(l2, (size_t)(z - l2)), (size_t)(strchr(l3, '^') - l3));
}

/* Display columns of s[0..off): ASCII and the ellipsis take one, the CJK
 * character U+3042 (E3 81 82) two. */
static size_t width_of(const char *s, size_t off) {
    size_t col = 0;
    for (size_t i = 0; i < off;) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xE2) {
            i += 3;
            col += 1;
        } else if (c == 0xE3) {
            i += 3;
            col += 2;
        } else {
            i++;
            col++;
        }
    }
    return col;
}

static void test_long_line_with_wide_characters(void **state) {
    (void)state;
    /* "a" then 200 two-column characters, then the target: the left cut
     * falls in the middle of a wide character, which becomes a blank so
     * that every column after it stays where it was. */
    char line[1 + 200 * 3 + 7];
    line[0] = 'a';
    for (size_t i = 0; i < 200; i++)
        memcpy(line + 1 + 3 * i, "\xE3\x81\x82", 3);
    memcpy(line + 1 + 600, "TARGET", 7);
    const char *out = frame(line, 1, 202, 208);
    const char *l2 = strchr(out, '\n') + 1;
    const char *l3 = strchr(l2, '\n') + 1;
    const char *eol = strchr(l2, '\n');
    assert_true(strncmp(l2, "1 | \xE2\x80\xA6", 7) == 0);
    assert_true(width_of(l2, (size_t)(eol - l2)) - 4 <= TN_FRAME_MAX_COLUMNS);
    const char *target = strstr(l2, "TARGET");
    assert_non_null(target);
    const char *caret = strchr(l3, '^');
    assert_non_null(caret);
    assert_int_equal(width_of(l2, (size_t)(target - l2)), (size_t)(caret - l3));
    assert_true(strncmp(caret, "^^^^^^\n", 7) == 0);
    /* Every printed character is whole: no byte of a split sequence. */
    for (const char *p = l2 + 7; p < eol; p++)
        assert_true((unsigned char)*p != 0x81 || (unsigned char)p[-1] == 0xE3);
}

static void test_wide_character_underlined(void **state) {
    (void)state;
    /* A two-column character gets two carets; the tab before it expands. */
    assert_string_equal(frame("k:\t\xE3\x81\x82!", 1, 4, 5),
                        "  |\n1 | k:  \xE3\x81\x82!\n  |     ^^\n");
}

static void test_tabs_in_a_cut_line(void **state) {
    (void)state;
    /* Tabs before the window count their full width when the window is
     * placed, so the caret still lands under the target. */
    char line[512];
    size_t n = 0;
    for (size_t i = 0; i < 60; i++) {
        line[n++] = 'x';
        line[n++] = '\t';
    }
    memcpy(line + n, "TARGET", 7);
    const char *out = frame(line, 1, (uint32_t)n + 1, (uint32_t)n + 7);
    const char *l2 = strchr(out, '\n') + 1;
    const char *l3 = strchr(l2, '\n') + 1;
    const char *target = strstr(l2, "TARGET");
    assert_non_null(target);
    assert_null(strchr(l2, '\t')); /* tabs are printed as spaces */
    assert_int_equal(width_of(l2, (size_t)(target - l2)), (size_t)(strchr(l3, '^') - l3));
}

/* Frames of one long line through a cursor are the frames without one, in
 * column order or not, and the cursor ends where the last caret is. */
static void test_long_line_cursor(void **state) {
    (void)state;
    size_t len = 5 * TN_FRAME_MAX_SCAN;
    char *line = malloc(len + 1);
    assert_non_null(line);
    size_t n = 0;
    while (n + 3 <= len) { /* "ab\xC3\xA9" repeated: 3 code points in 4 bytes */
        memcpy(line + n, n + 4 <= len ? "ab\xC3\xA9" : "abc", n + 4 <= len ? 4 : 3);
        n += n + 4 <= len ? 4 : 3;
    }
    line[n] = '\0';
    const uint32_t cols[] = {3, 2000, 9000, 9001, 12000, 14000, 500, 15358};
    tn_frame_cursor cur = {NULL, 0, 0};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        tn_buf with = {0}, without = {0};
        tn_codeframe(&with, line, n, 1, cols[i], cols[i] + 2, 0, NULL, &cur);
        tn_codeframe(&without, line, n, 1, cols[i], cols[i] + 2, 0, NULL, NULL);
        tn_buf_putc(&with, '\0');
        tn_buf_putc(&without, '\0');
        assert_string_equal(with.ptr, without.ptr);
        assert_ptr_equal(cur.line, line);
        assert_int_equal(cur.cp, cols[i]);
        tn_buf_free(&with);
        tn_buf_free(&without);
    }
    free(line);
}

static void test_gutter_and_colour(void **state) {
    (void)state;
    assert_int_equal(tn_frame_gutter_width(9), 1);
    assert_int_equal(tn_frame_gutter_width(10), 2);
    assert_int_equal(tn_frame_gutter_width(12345), 5);
    tn_buf_free(&b);
    tn_frame_style st = {"<g>", "<m>", "</>"};
    tn_codeframe(&b, "k: v", 4, 5, 4, 5, 3, &st, NULL);
    tn_buf_putc(&b, '\0');
    assert_string_equal(b.ptr, "<g>    |</>\n<g>  5 |</> k: v\n<g>    |</>    <m>^</>\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_empty_range_gets_one_caret),
        cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_wide_characters),
        cmocka_unit_test(test_multiline_span_underlines_to_end_of_line),
        cmocka_unit_test(test_caret_past_the_end),
        cmocka_unit_test(test_control_characters_are_neutralised),
        cmocka_unit_test(test_long_line_is_cut_around_the_caret),
        cmocka_unit_test(test_long_line_caret_near_the_end),
        cmocka_unit_test(test_long_line_with_wide_characters),
        cmocka_unit_test(test_wide_character_underlined),
        cmocka_unit_test(test_tabs_in_a_cut_line),
        cmocka_unit_test(test_long_line_cursor),
        cmocka_unit_test(test_gutter_and_colour),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free_frame();
    return rc;
}
