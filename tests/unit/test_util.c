/* Unit tests of the utility layer: arena, buffers, JSON escaping, string map,
 * UTF-8 and UTF-16. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tenet/common.h"
#include "tenet/errors.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/utf8.h"
#include "util/vec.h"

#include <stdio.h>
#include <string.h>

static void test_arena_alignment_and_growth(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    for (size_t i = 0; i < 5000; i++) {
        size_t size = (i * 37) % 300;
        unsigned char *p = tn_arena_alloc(&a, size);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xAB, size); /* must be writable to its full size */
    }
    void *zero = tn_arena_alloc(&a, 0);
    assert_non_null(zero);
    /* A large block gets its own chunk; small allocations keep working. */
    char *big = tn_arena_alloc(&a, 10u << 20);
    assert_non_null(big);
    memset(big, 1, 10u << 20);
    char *small = tn_arena_strdup(&a, "after big");
    assert_string_equal(small, "after big");
    assert_true(a.total >= (10u << 20));
    tn_arena_release(&a);
    assert_null(a.head);
    assert_int_equal(a.total, 0);
}

static void test_arena_strings(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    char *s = tn_arena_strndup(&a, "hello world", 5);
    assert_string_equal(s, "hello");
    int *zeros = tn_arena_calloc(&a, 100, sizeof(int));
    for (int i = 0; i < 100; i++)
        assert_int_equal(zeros[i], 0);
    char *f = tn_arena_sprintf(&a, "%s-%d-%.2f", "x", 42, 1.5);
    assert_string_equal(f, "x-42-1.50");
    assert_null(tn_arena_calloc(&a, SIZE_MAX / 2, 4)); /* overflow is refused */
    tn_arena_release(&a);
}

static void test_arena_oom(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    tn_alloc_fail_after(0);
    assert_null(tn_arena_alloc(&a, 10));
    tn_alloc_fail_after(-1);
    assert_non_null(tn_arena_alloc(&a, 10));
    tn_arena_release(&a);
}

/* Large arenas take whole pages: aligned blocks a huge page can back. */
static void test_arena_pages(void **state) {
    (void)state;
    long live = tn_alloc_live();
    unsigned char *p = tn_alloc_pages(2 * TN_PAGES_UNIT);
    assert_non_null(p);
#ifdef __linux__
    assert_int_equal((uintptr_t)p % TN_PAGES_UNIT, 0);
#endif
    p[0] = 1;
    p[2 * TN_PAGES_UNIT - 1] = 2;
    tn_free_pages(p, 2 * TN_PAGES_UNIT);
    tn_free_pages(NULL, 0);

    /* Hinted: the first chunk is already a page block. */
    tn_arena a;
    tn_arena_init(&a);
    tn_arena_expect(&a, 3u << 20);
    tn_arena_mark m = tn_arena_mark_get(&a);
    size_t got = 0;
    while (got < 5 * TN_PAGES_UNIT) { /* spans several page chunks */
        unsigned char *q = tn_arena_alloc(&a, 40000);
        assert_non_null(q);
        memset(q, 0xA5, 40000);
        got += 40000;
    }
    char *big = tn_arena_alloc(&a, TN_PAGES_UNIT + 1); /* a page chunk of its own */
    assert_non_null(big);
    big[TN_PAGES_UNIT] = 'x';
    tn_arena_rollback(&a, &m);
    assert_non_null(tn_arena_strdup(&a, "after rollback"));
    tn_arena_release(&a);
    assert_int_equal(tn_alloc_live(), live);

    /* Unhinted growth reaches page chunks after the largest malloc'd one. */
    tn_arena_init(&a);
    for (got = 0; got < 6 * TN_PAGES_UNIT; got += 1000)
        assert_non_null(tn_arena_alloc(&a, 1000));
    tn_arena_release(&a);
    assert_int_equal(tn_alloc_live(), live);

    /* A failed page block is a NULL, like any other allocation failure. */
    tn_arena_init(&a);
    tn_arena_expect(&a, 3u << 20);
    tn_alloc_fail_after(0);
    assert_null(tn_arena_alloc(&a, 10));
    tn_alloc_fail_after(-1);
    assert_non_null(tn_arena_alloc(&a, 10));
    tn_arena_release(&a);
    assert_int_equal(tn_alloc_live(), live);
}

static void test_buf_basic(void **state) {
    (void)state;
    tn_buf b = {0};
    tn_buf_puts(&b, "abc");
    tn_buf_putc(&b, '-');
    tn_buf_printf(&b, "%d/%s", 7, "x");
    for (int i = 0; i < 1000; i++)
        tn_buf_putc(&b, 'z');
    assert_false(tn_buf_failed(&b));
    assert_int_equal(b.size, 7 + 1000);
    assert_memory_equal(b.ptr, "abc-7/x", 7);
    size_t n;
    char *s = tn_buf_detach(&b, &n);
    assert_int_equal(n, 1007);
    assert_int_equal(s[n], '\0');
    assert_null(b.ptr);
    tn_free(s);

    tn_buf e = {0};
    s = tn_buf_detach(&e, &n); /* an empty buffer gives "" */
    assert_string_equal(s, "");
    assert_int_equal(n, 0);
    tn_free(s);

    tn_buf f = {0};
    tn_alloc_fail_after(0);
    tn_buf_puts(&f, "x");
    tn_alloc_fail_after(-1);
    assert_true(tn_buf_failed(&f));
    tn_buf_puts(&f, "y"); /* no-op after failure */
    assert_null(tn_buf_detach(&f, &n));
}

static void json_of(const char *in, const char *expect) {
    tn_buf b = {0};
    tn_buf_put_json_string(&b, in);
    assert_false(tn_buf_failed(&b));
    assert_string_equal(b.ptr, expect);
    tn_buf_free(&b);
}

static void test_buf_json_escaping(void **state) {
    (void)state;
    json_of("plain", "\"plain\"");
    json_of("", "\"\"");
    json_of("a\"b\\c", "\"a\\\"b\\\\c\"");
    json_of("l1\nl2\tt\rr\b\f", "\"l1\\nl2\\tt\\rr\\b\\f\"");
    json_of("\x01\x1f", "\"\\u0001\\u001f\"");
    json_of("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    json_of("bad\xFFx", "\"bad\\ufffdx\""); /* invalid UTF-8 never leaks into JSON */
    json_of("\xC3", "\"\\ufffd\"");
}

static void test_buf_dispose(void **state) {
    (void)state;
    tenet_buf b = {tn_strndup("abc", 3), 3};
    tenet_buf_dispose(&b);
    assert_null(b.ptr);
    assert_int_equal(b.size, 0);
    tenet_buf_dispose(&b); /* twice is fine */
    tenet_buf_dispose(NULL);
}

static void test_vec(void **state) {
    (void)state;
    TN_VEC(int) v = {0};
    for (int i = 0; i < 10000; i++)
        assert_int_equal(TN_VEC_PUSH(v, i), 0);
    assert_int_equal(v.n, 10000);
    assert_int_equal(v.v[9999], 9999);
    tn_alloc_fail_after(0);
    v.n = v.cap; /* force a grow */
    assert_int_equal(TN_VEC_PUSH(v, 1), -1);
    tn_alloc_fail_after(-1);
    TN_VEC_FREE(v);
    assert_null(v.v);
}

static void test_error(void **state) {
    (void)state;
    tenet_error err;
    tn_error_clear(&err);
    assert_int_equal(err.code, 0);
    int rc = tn_error_set(&err, TENET_EPARSE, "a.yaml", 3, 7, "bad %s", "thing");
    assert_int_equal(rc, TENET_EPARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 7);
    assert_string_equal(err.source, "a.yaml");
    assert_string_equal(err.message, "bad thing");
    assert_int_equal(tn_error_set(NULL, TENET_ENOMEM, NULL, 0, 0, "x"), TENET_ENOMEM);
    assert_string_equal(tenet_status_str(TENET_ENOMEM), "out of memory");
    assert_string_equal(tenet_status_str(TENET_OK), "success");
    assert_non_null(tenet_status_str(12345));
    for (int c = TENET_EFORMAT; c <= TENET_OK; c++)
        assert_string_not_equal(tenet_status_str(c), "unknown status");
}

static void test_strmap(void **state) {
    (void)state;
    tn_strmap m = {0};
    static char keys[20000][12];
    for (int i = 0; i < 20000; i++) {
        snprintf(keys[i], sizeof keys[i], "key%d", i);
        assert_int_equal(tn_strmap_put(&m, keys[i], strlen(keys[i]), &keys[i]), 0);
        assert_true(m.count * 10 <= m.cap * 7); /* load factor stays below 70% */
    }
    assert_int_equal(m.count, 20000);
    for (int i = 0; i < 20000; i++)
        assert_ptr_equal(tn_strmap_get(&m, keys[i], strlen(keys[i])), &keys[i]);
    assert_null(tn_strmap_get(&m, "key20000", 8));
    assert_null(tn_strmap_get(&m, "key1", 3)); /* length matters: "key" */
    /* Replacing keeps the count; the empty key is a key like any other. */
    assert_int_equal(tn_strmap_put(&m, "key5", 4, NULL), 0);
    assert_int_equal(m.count, 20000);
    assert_null(tn_strmap_get(&m, "key5", 4));
    assert_int_equal(tn_strmap_put(&m, "", 0, keys[0]), 0);
    assert_ptr_equal(tn_strmap_get(&m, "", 0), keys[0]);
    tn_strmap_free(&m);
    tn_strmap empty = {0};
    assert_null(tn_strmap_get(&empty, "x", 1));
    assert_int_not_equal(tn_hash("a", 1), tn_hash("b", 1));

    /* Reserved room holds that many keys without growing; less is a no-op. */
    tn_strmap r = {0};
    assert_int_equal(tn_strmap_reserve(&r, 1000), 0);
    size_t cap = r.cap;
    assert_true(1000 * 10 <= cap * 7);
    assert_int_equal(tn_strmap_reserve(&r, 10), 0);
    assert_int_equal(r.cap, cap);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(tn_strmap_put(&r, keys[i], strlen(keys[i]), &keys[i]), 0);
    assert_int_equal(r.cap, cap);
    for (int i = 1000; i < 2000; i++) /* then it grows as before */
        assert_int_equal(tn_strmap_put(&r, keys[i], strlen(keys[i]), &keys[i]), 0);
    assert_true(r.cap > cap);
    for (int i = 0; i < 2000; i++)
        assert_ptr_equal(tn_strmap_get(&r, keys[i], strlen(keys[i])), &keys[i]);
    assert_int_equal(tn_strmap_reserve(&r, SIZE_MAX), -1);
    tn_strmap_free(&r);
}

static void test_utf8(void **state) {
    (void)state;
    const unsigned char *u = (const unsigned char *)"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    assert_int_equal(tn_utf8_seq_len(u, 9), 2);
    assert_int_equal(tn_utf8_seq_len(u + 2, 7), 3);
    assert_int_equal(tn_utf8_seq_len(u + 5, 4), 4);
    assert_int_equal(tn_utf8_seq_len(u + 5, 3), 0); /* truncated */
    assert_int_equal(tn_utf8_seq_len((const unsigned char *)"\xC0\x80", 2), 0); /* overlong */
    assert_int_equal(tn_utf8_seq_len((const unsigned char *)"\xED\xA0\x80", 3), 0); /* surrogate */
    assert_int_equal(tn_utf8_seq_len((const unsigned char *)"\xF4\x90\x80\x80", 4), 0);
    assert_int_equal(tn_utf8_count((const char *)u, 9), 3);
    size_t bad = 0;
    assert_true(tn_utf8_validate((const char *)u, 9, &bad));
    assert_false(tn_utf8_validate("ab\x80" "c", 4, &bad));
    assert_int_equal(bad, 2);
    uint32_t cp;
    assert_int_equal(tn_utf8_decode(u + 5, 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(tn_utf8_decode((const unsigned char *)"\xFF", 1, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(tn_utf8_width('a'), 1);
    assert_int_equal(tn_utf8_width(0x4E2D), 2);  /* CJK */
    assert_int_equal(tn_utf8_width(0xFF21), 2);  /* fullwidth A */
    assert_int_equal(tn_utf8_width(0x1F600), 2); /* emoji */
    assert_int_equal(tn_utf8_width(0x0301), 0);  /* combining acute */
    assert_int_equal(tn_utf8_width(0x00E9), 1);
}

static void test_utf16(void **state) {
    (void)state;
    /* "a\u00e9\n\U0001F600" in UTF-16LE and BE, each with a BOM. */
    const char le[] = "\xFF\xFE" "a\0" "\xE9\0" "\n\0" "\x3D\xD8\x00\xDE";
    const char be[] = "\xFE\xFF" "\0a" "\0\xE9" "\0\n" "\xD8\x3D\xDE\x00";
    char *out;
    size_t n;
    assert_int_equal(tn_utf16_to_utf8(le, sizeof le - 1, &out, &n), 1);
    assert_int_equal(n, 8);
    assert_memory_equal(out, "a\xC3\xA9\n\xF0\x9F\x98\x80", 8);
    tn_free(out);
    assert_int_equal(tn_utf16_to_utf8(be, sizeof be - 1, &out, &n), 1);
    assert_memory_equal(out, "a\xC3\xA9\n\xF0\x9F\x98\x80", 8);
    tn_free(out);
    assert_int_equal(tn_utf16_to_utf8("plain", 5, &out, &n), 0);
    assert_int_equal(tn_utf16_to_utf8("\xFF\xFE" "a", 3, &out, &n), -1);              /* odd */
    assert_int_equal(tn_utf16_to_utf8("\xFF\xFE\x3D\xD8" "a\0", 6, &out, &n), -1);    /* lone high */
    assert_int_equal(tn_utf16_to_utf8("\xFF\xFE\x00\xDE", 4, &out, &n), -1);         /* lone low */
    assert_int_equal(tn_utf16_to_utf8("\xFF\xFE", 2, &out, &n), 1);                   /* empty */
    assert_int_equal(n, 0);
    tn_free(out);
    tn_alloc_fail_after(0);
    assert_int_equal(tn_utf16_to_utf8(le, sizeof le - 1, &out, &n), -2);
    tn_alloc_fail_after(-1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alignment_and_growth),
        cmocka_unit_test(test_arena_strings),
        cmocka_unit_test(test_arena_oom),
        cmocka_unit_test(test_arena_pages),
        cmocka_unit_test(test_buf_basic),
        cmocka_unit_test(test_buf_json_escaping),
        cmocka_unit_test(test_buf_dispose),
        cmocka_unit_test(test_vec),
        cmocka_unit_test(test_error),
        cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_utf16),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
