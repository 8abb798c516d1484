/* Kleene three-valued logic: full truth tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "eval/tristate.h"

#define F TN_FALSE
#define T TN_TRUE
#define U TN_UNKNOWN

static const tn_tri vals[3] = {F, T, U};

static void test_not(void **state) {
    (void)state;
    assert_int_equal(tn_tri_not(F), T);
    assert_int_equal(tn_tri_not(T), F);
    assert_int_equal(tn_tri_not(U), U);
}

static void test_and(void **state) {
    (void)state;
    /* rows: a in F,T,U; columns: b in F,T,U */
    static const tn_tri want[3][3] = {{F, F, F}, {F, T, U}, {F, U, U}};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) assert_int_equal(tn_tri_and(vals[a], vals[b]), want[a][b]);
}

static void test_or(void **state) {
    (void)state;
    static const tn_tri want[3][3] = {{F, T, U}, {T, T, T}, {U, T, U}};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) assert_int_equal(tn_tri_or(vals[a], vals[b]), want[a][b]);
}

static void test_implies(void **state) {
    (void)state;
    static const tn_tri want[3][3] = {{T, T, T}, {F, T, U}, {U, T, U}};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            assert_int_equal(tn_tri_implies(vals[a], vals[b]), want[a][b]);
}

static void test_from_bool(void **state) {
    (void)state;
    assert_int_equal(tn_tri_from_bool(0), F);
    assert_int_equal(tn_tri_from_bool(1), T);
    assert_int_equal(tn_tri_from_bool(42), T);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not),     cmocka_unit_test(test_and),
        cmocka_unit_test(test_or),      cmocka_unit_test(test_implies),
        cmocka_unit_test(test_from_bool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
