/* Shared by the loader tests (included after cmocka.h): comparing a pruned
 * load with a full one. */
#ifndef TN_TEST_DOC_ASSERT_H
#define TN_TEST_DOC_ASSERT_H
#include "doc/node.h"

/* `got` is `want` but for dropped values (a null without a span); counts them. */
static void same_but_dropped(const tn_node *got, const tn_node *want, size_t *dropped) {
    if (got->type == TN_NODE_NULL && got->span.line == 0 && !tn_node_is_scalar(want)) {
        (*dropped)++;
        return;
    }
    assert_int_equal(got->type, want->type);
    assert_int_equal(got->tag == NULL, want->tag == NULL);
    if (want->tag)
        assert_string_equal(got->tag, want->tag);
    assert_int_equal(got->quoted, want->quoted);
    assert_memory_equal(&got->span, &want->span, sizeof got->span);
    assert_int_equal(got->n, want->n);
    if (tn_node_is_scalar(want)) {
        assert_int_equal(got->len, want->len);
        assert_memory_equal(got->str, want->str, want->len + 1);
        assert_memory_equal(&got->as, &want->as, sizeof got->as);
        return;
    }
    for (size_t i = 0; i < want->n; i++) {
        if (want->type == TN_NODE_SEQ) {
            same_but_dropped(got->ch.items[i], want->ch.items[i], dropped);
        } else {
            same_but_dropped(got->ch.pairs[i].key, want->ch.pairs[i].key, dropped);
            same_but_dropped(got->ch.pairs[i].value, want->ch.pairs[i].value, dropped);
        }
    }
}

#endif
