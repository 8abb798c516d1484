/* Private to src/eval: operator semantics shared by eval.c and ops.c. */
#ifndef TN_EVAL_OPS_H
#define TN_EVAL_OPS_H
#include "eval/eval.h"

/* Evaluates test `t` on value `v` (NULL = absent); `before` is the prior
 * value or NULL when the subject has none. When the result is UNKNOWN and
 * `unknown_op` is non-NULL and still -1, it receives the tn_opr of the first
 * leaf that was unknown (so a reason can say "not a version"). */
tn_tri tn_ops_test(tn_eval_ctx *ctx, const tn_test *t, const tn_value *v, const tn_value *before,
                   int *unknown_op);

/* Three-valued equality: strings exactly, booleans and numbers by value,
 * lists and maps element-wise; UNKNOWN if an unknown is involved. */
tn_tri tn_values_equal(const tn_value *a, const tn_value *b);

#endif
