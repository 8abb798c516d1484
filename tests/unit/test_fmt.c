/* Unit tests of util/fmt: the stdio-free printf of simple formats must
 * print exactly what vsnprintf prints, and refuse everything else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/fmt.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Formats with both and compares, also into a buffer too small. */
static void same(const char *fmt, ...) {
    char want[256], got[256], small[8];
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(want, sizeof want, fmt, cp);
    va_end(cp);
    va_copy(cp, ap);
    long m = tn_fmt(got, sizeof got, fmt, cp);
    va_end(cp);
    assert_int_equal(m, n);
    got[m] = '\0';
    assert_string_equal(got, want);
    va_copy(cp, ap);
    memset(small, '#', sizeof small);
    m = tn_fmt(small, 5, fmt, cp);
    va_end(cp);
    assert_int_equal(m, n);
    assert_memory_equal(small, want, (size_t)n < 5 ? (size_t)n : 5);
    assert_int_equal(small[5], '#'); /* never past cap */
    va_end(ap);
}

static void test_fmt_matches_vsnprintf(void **state) {
    (void)state;
    same("plain text");
    same("");
    same("%s", "abc");
    same("%s%s%s", "a", "", "bc");
    same("[%s] %% %c", "x", 'y');
    same("%.*s|", 3, "abcdef");
    same("%.*s|", 10, "abc");
    same("%.*s|", -1, "abc");
    same("%d %d %d", 0, -7, INT_MIN);
    same("%u %u", 0u, UINT_MAX);
    same("%ld %lu", LONG_MIN, ULONG_MAX);
    same("%lld %llu", LLONG_MIN, ULLONG_MAX);
    same("%zu", (size_t)SIZE_MAX);
    same("Resources.%s.Properties[%zu]", "Cache", (size_t)12);
    same("\x1ejudged\x1f%s\x1f%s", "R", "EC-AR-001");
    same("%s:%u:%u", "f.yaml", 3u, 14u);
}

static long fmt_of(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    long n = tn_fmt(NULL, 0, fmt, ap);
    va_end(ap);
    return n;
}

static void test_fmt_refuses_others(void **state) {
    (void)state;
    assert_int_equal(fmt_of("%x", 1), -1);
    assert_int_equal(fmt_of("%5s", "a"), -1);
    assert_int_equal(fmt_of("%-s", "a"), -1);
    assert_int_equal(fmt_of("%.3s", "abcd"), -1);
    assert_int_equal(fmt_of("%g", 1.0), -1);
    assert_int_equal(fmt_of("%.17g", 1.0), -1);
    assert_int_equal(fmt_of("%02u", 1u), -1);
    assert_int_equal(fmt_of("%lc", 1), -1);
    assert_int_equal(fmt_of("trailing %"), -1);
    assert_int_equal(fmt_of("%s and %d", "a", 1), 7);
}

static void test_fmt_users(void **state) {
    (void)state;
    /* tn_arena_sprintf and tn_buf_printf take the fast path or stdio alike. */
    tn_arena a;
    tn_arena_init(&a);
    assert_string_equal(tn_arena_sprintf(&a, "%s.%s[%zu]", "a", "b", (size_t)3), "a.b[3]");
    assert_string_equal(tn_arena_sprintf(&a, "%.17g", 0.5), "0.5");
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(strlen(tn_arena_sprintf(&a, "<%s>", big)), sizeof big + 1);
    tn_arena_release(&a);
    tn_buf b = {0};
    tn_buf_printf(&b, "%s=%d", "k", -3);
    tn_buf_printf(&b, " %.2f", 1.5);
    tn_buf_printf(&b, " %s", big);
    assert_int_equal(b.size, strlen("k=-3 1.50 ") + sizeof big - 1);
    assert_memory_equal(b.ptr, "k=-3 1.50 x", 11);
    tn_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_matches_vsnprintf),
        cmocka_unit_test(test_fmt_refuses_others),
        cmocka_unit_test(test_fmt_users),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
