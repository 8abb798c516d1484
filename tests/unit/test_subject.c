/* The subject model: display, values from nodes, coercion, filling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "eval/regex.h"
#include "rules/ir.h"
#include "subject/subject.h"
#include "tenet/errors.h"

static tn_value str_val(const char *s) {
    tn_value v;
    memset(&v, 0, sizeof v);
    v.kind = TN_V_STR;
    v.text = s;
    v.len = strlen(s);
    return v;
}

static void test_operations(void **state) {
    (void)state;
    assert_string_equal(tn_operation_name(TN_OP_CREATE), "create");
    assert_string_equal(tn_operation_name(TN_OP_UPDATE), "update");
    assert_string_equal(tn_operation_name(TN_OP_REPLACE), "replace");
    assert_string_equal(tn_operation_name(TN_OP_DELETE), "delete");
    assert_string_equal(tn_operation_name(TN_OP_READ), "read");
    assert_int_equal(tn_operation_parse("update", 6), TN_OP_UPDATE);
    assert_int_equal(tn_operation_parse("Delete", 6), TN_OP_DELETE);
    assert_int_equal(tn_operation_parse("created", 7), TN_OP_NONE);
    assert_int_equal(tn_operation_parse("create", 3), TN_OP_NONE);
    assert_int_equal(tn_operation_parse(NULL, 0), TN_OP_NONE);
}

static void test_bool_text(void **state) {
    (void)state;
    assert_int_equal(tn_parse_bool_text("true", 4), 1);
    assert_int_equal(tn_parse_bool_text("TRUE", 4), 1);
    assert_int_equal(tn_parse_bool_text("False", 5), 0);
    assert_int_equal(tn_parse_bool_text("yes", 3), -1);
    assert_int_equal(tn_parse_bool_text("", 0), -1);
    assert_int_equal(tn_parse_bool_text("truex", 4), 1);
}

static void test_display(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    tn_value v;
    memset(&v, 0, sizeof v);
    assert_string_equal(tn_value_display(&v, &a), "<absent>");
    assert_string_equal(tn_value_display(NULL, &a), "<absent>");
    v.kind = TN_V_UNKNOWN;
    assert_string_equal(tn_value_display(&v, &a), "<unknown>");
    v = str_val("6.0");
    assert_string_equal(tn_value_display(&v, &a), "6.0");
    tn_value items[3];
    items[0] = str_val("a");
    memset(&items[1], 0, sizeof items[1]);
    items[1].kind = TN_V_INT;
    items[1].u.i = 42; /* no text: formatted */
    memset(&items[2], 0, sizeof items[2]);
    items[2].kind = TN_V_BOOL;
    items[2].u.b = true;
    memset(&v, 0, sizeof v);
    v.kind = TN_V_LIST;
    v.u.list.items = items;
    v.u.list.n = 3;
    assert_string_equal(tn_value_display(&v, &a), "[a, 42, true]");
    const char *keys[] = {"k"};
    tn_value mv;
    memset(&mv, 0, sizeof mv);
    mv.kind = TN_V_MAP;
    mv.u.map.keys = keys;
    mv.u.map.vals = &v;
    mv.u.map.n = 1;
    assert_string_equal(tn_value_display(&mv, &a), "{k: [a, 42, true]}");
    tn_arena_release(&a);
}

static tn_node scalar_node(tn_node_type t, const char *s) {
    tn_node n;
    memset(&n, 0, sizeof n);
    n.type = t;
    n.str = s;
    n.len = strlen(s);
    n.span.line = 3;
    n.span.col = 7;
    return n;
}

static void test_from_node(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    tn_value v;
    tn_node f = scalar_node(TN_NODE_FLOAT, "6.0");
    f.as.f = 6.0;
    assert_int_equal(tn_value_from_node(&v, &f, "Resources.C.Properties.EngineVersion", &a), 0);
    assert_int_equal(v.kind, TN_V_NUM);
    assert_string_equal(v.text, "6.0");
    assert_true(v.has_span);
    assert_int_equal(v.span.line, 3);
    assert_string_equal(v.path, "Resources.C.Properties.EngineVersion");

    tn_node b = scalar_node(TN_NODE_BOOL, "True");
    b.as.b = true;
    assert_int_equal(tn_value_from_node(&v, &b, "x", &a), 0);
    assert_int_equal(v.kind, TN_V_BOOL);
    assert_true(v.u.b);
    assert_string_equal(v.text, "true");

    tn_node nul = scalar_node(TN_NODE_NULL, "null");
    assert_int_equal(tn_value_from_node(&v, &nul, "x", &a), 0);
    assert_int_equal(v.kind, TN_V_NULL);

    assert_int_equal(tn_value_from_node(&v, NULL, "x", &a), 0);
    assert_int_equal(v.kind, TN_V_ABSENT);

    /* {Tags: [{Key: a}, 3]} */
    tn_node k_tags = scalar_node(TN_NODE_STRING, "Tags");
    tn_node k_key = scalar_node(TN_NODE_STRING, "Key");
    tn_node v_a = scalar_node(TN_NODE_STRING, "a");
    tn_node i3 = scalar_node(TN_NODE_INT, "3");
    i3.as.i = 3;
    tn_pair inner_pairs[] = {{&k_key, &v_a}};
    tn_node inner;
    memset(&inner, 0, sizeof inner);
    inner.type = TN_NODE_MAP;
    inner.n = 1;
    inner.ch.pairs = inner_pairs;
    tn_node *items[] = {&inner, &i3};
    tn_node seq;
    memset(&seq, 0, sizeof seq);
    seq.type = TN_NODE_SEQ;
    seq.n = 2;
    seq.ch.items = items;
    tn_pair top_pairs[] = {{&k_tags, &seq}};
    tn_node top;
    memset(&top, 0, sizeof top);
    top.type = TN_NODE_MAP;
    top.n = 1;
    top.ch.pairs = top_pairs;
    assert_int_equal(tn_value_from_node(&v, &top, "Resources.C.Properties", &a), 0);
    assert_int_equal(v.kind, TN_V_MAP);
    assert_int_equal(v.u.map.n, 1);
    assert_string_equal(v.u.map.keys[0], "Tags");
    const tn_value *tags = &v.u.map.vals[0];
    assert_int_equal(tags->kind, TN_V_LIST);
    assert_string_equal(tags->path, "Resources.C.Properties.Tags");
    assert_int_equal(tags->u.list.n, 2);
    assert_string_equal(tags->u.list.items[0].path, "Resources.C.Properties.Tags[0]");
    assert_string_equal(tags->u.list.items[0].u.map.vals[0].path,
                        "Resources.C.Properties.Tags[0].Key");
    assert_int_equal(tags->u.list.items[1].kind, TN_V_INT);
    assert_int_equal(tags->u.list.items[1].u.i, 3);
    assert_string_equal(tags->u.list.items[1].text, "3");
    assert_string_equal(tn_value_display(tags, &a), "[{Key: a}, 3]");
    tn_arena_release(&a);
}

enum { F_ENGINE, F_VERSION, F_NODE, F_FAMILY, F_AT_REST, F_NUM, F_MODE, F_WEIGHT, F_TAGS, NF };

static tn_field fields[NF];
static tn_kind kind;

static int setup_kind(void **state) {
    (void)state;
    memset(fields, 0, sizeof fields);
    static const struct {
        const char *name;
        tn_ftype t;
    } spec[NF] = {{"engine", TN_T_STRING},   {"engine_version", TN_T_VERSION},
                  {"node_type", TN_T_STRING}, {"node_family", TN_T_STRING},
                  {"at_rest_encryption", TN_T_BOOL}, {"num_node_groups", TN_T_INT},
                  {"cluster_mode", TN_T_STRING}, {"weight", TN_T_NUMBER},
                  {"tags", TN_T_LIST}};
    for (int i = 0; i < NF; i++) {
        fields[i].name = spec[i].name;
        fields[i].type = spec[i].t;
        fields[i].derive_from = -1;
    }
    fields[F_ENGINE].def = str_val("redis");
    fields[F_AT_REST].def.kind = TN_V_BOOL;
    fields[F_AT_REST].def.u.b = false;
    fields[F_AT_REST].def.text = "false";
    fields[F_AT_REST].def.len = 5;
    fields[F_NUM].def.kind = TN_V_INT;
    fields[F_NUM].def.u.i = 1;
    fields[F_NUM].def.text = "1";
    fields[F_NUM].def.len = 1;
    char err[128];
    size_t off;
    fields[F_FAMILY].derive_from = F_NODE;
    const char *pat = "^cache\\.([a-z0-9]+)\\.";
    fields[F_FAMILY].derive = tn_regex_compile(pat, strlen(pat), err, sizeof err, &off);
    assert_non_null(fields[F_FAMILY].derive);
    memset(&kind, 0, sizeof kind);
    kind.name = "test.group";
    kind.fields = fields;
    kind.nfields = NF;
    return 0;
}

static int teardown_kind(void **state) {
    (void)state;
    tn_regex_free(fields[F_FAMILY].derive);
    return 0;
}

static void test_coerce_bool(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    const char *texts[] = {"true", "TRUE", "false", "False"};
    const bool want[] = {true, true, false, false};
    for (int i = 0; i < 4; i++) {
        tn_value v = str_val(texts[i]);
        tn_value_coerce(&v, &kind, F_AT_REST, &a);
        assert_int_equal(v.kind, TN_V_BOOL);
        assert_int_equal(v.u.b, want[i]);
    }
    tn_value v = str_val("");
    tn_value_coerce(&v, &kind, F_AT_REST, &a);
    assert_int_equal(v.kind, TN_V_ABSENT);

    v = str_val("yes");
    v.path = "Resources.Cache.Properties.AtRestEncryptionEnabled";
    v.has_span = true;
    tn_value_coerce(&v, &kind, F_AT_REST, &a);
    assert_int_equal(v.kind, TN_V_UNKNOWN);
    assert_string_equal(v.reason, "AtRestEncryptionEnabled: expected bool, got 'yes'");
    assert_true(v.has_span); /* still points at what was written */

    memset(&v, 0, sizeof v);
    v.kind = TN_V_INT;
    v.u.i = 1;
    v.text = "1";
    v.len = 1;
    tn_value_coerce(&v, &kind, F_AT_REST, &a);
    assert_int_equal(v.kind, TN_V_UNKNOWN);
    assert_string_equal(v.reason, "at_rest_encryption: expected bool, got '1'");
    tn_arena_release(&a);
}

static void test_coerce_other(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    tn_value v = str_val("3");
    tn_value_coerce(&v, &kind, F_NUM, &a);
    assert_int_equal(v.kind, TN_V_INT);
    assert_int_equal(v.u.i, 3);
    assert_string_equal(v.text, "3");

    v = str_val("3.5");
    tn_value_coerce(&v, &kind, F_NUM, &a);
    assert_int_equal(v.kind, TN_V_UNKNOWN);
    assert_non_null(strstr(v.reason, "expected int, got '3.5'"));

    v = str_val("0x10");
    tn_value_coerce(&v, &kind, F_NUM, &a);
    assert_int_equal(v.kind, TN_V_UNKNOWN);

    memset(&v, 0, sizeof v);
    v.kind = TN_V_NUM;
    v.u.d = 2.0;
    v.text = "2.0";
    v.len = 3;
    tn_value_coerce(&v, &kind, F_NUM, &a);
    assert_int_equal(v.kind, TN_V_INT);
    assert_int_equal(v.u.i, 2);

    v = str_val("2.5");
    tn_value_coerce(&v, &kind, F_WEIGHT, &a);
    assert_int_equal(v.kind, TN_V_NUM);
    assert_true(v.u.d == 2.5);

    /* 6.0 keeps its text in a version (and string) field */
    memset(&v, 0, sizeof v);
    v.kind = TN_V_NUM;
    v.u.d = 6.0;
    v.text = "6.0";
    v.len = 3;
    tn_value_coerce(&v, &kind, F_VERSION, &a);
    assert_int_equal(v.kind, TN_V_STR);
    assert_string_equal(v.text, "6.0");

    memset(&v, 0, sizeof v);
    v.kind = TN_V_BOOL;
    v.u.b = true;
    v.text = "true";
    v.len = 4;
    tn_value_coerce(&v, &kind, F_ENGINE, &a);
    assert_int_equal(v.kind, TN_V_STR);
    assert_string_equal(v.text, "true");

    /* a list in a string field cannot be coerced */
    tn_value item = str_val("x");
    memset(&v, 0, sizeof v);
    v.kind = TN_V_LIST;
    v.u.list.items = &item;
    v.u.list.n = 1;
    tn_value_coerce(&v, &kind, F_ENGINE, &a);
    assert_int_equal(v.kind, TN_V_UNKNOWN);
    assert_non_null(strstr(v.reason, "expected string, got a list"));

    v = str_val("a,b");
    tn_value_coerce(&v, &kind, F_TAGS, &a);
    assert_int_equal(v.kind, TN_V_UNKNOWN);

    /* null is "not given"; unknown stays unknown */
    memset(&v, 0, sizeof v);
    v.kind = TN_V_NULL;
    tn_value_coerce(&v, &kind, F_ENGINE, &a);
    assert_int_equal(v.kind, TN_V_ABSENT);
    memset(&v, 0, sizeof v);
    v.kind = TN_V_UNKNOWN;
    v.reason = "parameter P has no default";
    tn_value_coerce(&v, &kind, F_NUM, &a);
    assert_int_equal(v.kind, TN_V_UNKNOWN);
    assert_string_equal(v.reason, "parameter P has no default");
    tn_arena_release(&a);
}

/* A fake frontend: alternatives are looked up by their text. */
typedef struct fake_doc {
    const char *names[8];
    tn_value vals[8];
    size_t n;
    int fail;
} fake_doc;

static int fake_lookup(void *ctx, const tn_mapping_alt *alt, tn_value *out) {
    fake_doc *d = ctx;
    if (d->fail) return TENET_ENOMEM;
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->names[i], alt->text) == 0) {
            *out = d->vals[i];
            return 1;
        }
    }
    return 0;
}

static void fake_put(fake_doc *d, const char *name, tn_value v) {
    d->names[d->n] = name;
    d->vals[d->n++] = v;
}

static tn_mapping_alt alts_engine[] = {{"Engine", NULL, 0, false, -1, F_ENGINE}};
static tn_mapping_alt alts_version[] = {{"EngineVersion", NULL, 0, false, -1, F_VERSION}};
static tn_mapping_alt alts_node[] = {{"CacheNodeType", NULL, 0, false, -1, F_NODE}};
static tn_mapping_alt alts_at_rest[] = {{"AtRest", NULL, 0, false, -1, F_AT_REST}};
static tn_mapping_alt alts_num[] = {{"num_node_groups", NULL, 0, false, -1, F_NUM},
                                    {"cluster_mode[0].num_node_groups", NULL, 0, false, -1, F_NUM}};
static tn_mapping_alt alts_mode[] = {{"cluster_mode", NULL, 0, false, TN_V_STR, F_MODE},
                                     {"cluster_mode_enabled", NULL, 0, false, -1, F_MODE}};

static tn_format_map make_map(tn_field_map *fm) {
    memset(fm, 0, sizeof(tn_field_map) * NF);
    fm[F_ENGINE] = (tn_field_map){alts_engine, 1};
    fm[F_VERSION] = (tn_field_map){alts_version, 1};
    fm[F_NODE] = (tn_field_map){alts_node, 1};
    fm[F_AT_REST] = (tn_field_map){alts_at_rest, 1};
    fm[F_NUM] = (tn_field_map){alts_num, 2};
    fm[F_MODE] = (tn_field_map){alts_mode, 2};
    tn_format_map m;
    memset(&m, 0, sizeof m);
    m.format = "test";
    m.fields = fm;
    return m;
}

static void test_fill(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    tn_field_map fm[NF];
    tn_format_map map = make_map(fm);
    void *md = tn_regex_match_data_new();

    fake_doc d = {0};
    tn_value ver = str_val("6.0");
    ver.has_span = true;
    ver.path = "Resources.C.Properties.EngineVersion";
    fake_put(&d, "EngineVersion", ver);
    fake_put(&d, "CacheNodeType", str_val("cache.r6g.large"));
    fake_put(&d, "AtRest", str_val("TRUE"));
    tn_value nullv;
    memset(&nullv, 0, sizeof nullv);
    nullv.kind = TN_V_NULL;
    fake_put(&d, "num_node_groups", nullv); /* null: the next alternative speaks */
    fake_put(&d, "cluster_mode[0].num_node_groups", str_val("3"));
    tn_value list;
    memset(&list, 0, sizeof list);
    list.kind = TN_V_LIST; /* old block form: the type filter skips it */
    fake_put(&d, "cluster_mode", list);
    fake_put(&d, "cluster_mode_enabled", str_val("enabled"));

    tn_subject s;
    memset(&s, 0, sizeof s);
    assert_int_equal(tn_subject_fill(&s, &kind, &map, fake_lookup, &d, &a, md), 0);
    assert_ptr_equal(s.kind, &kind);
    assert_int_equal(s.fields[F_ENGINE].kind, TN_V_STR);
    assert_string_equal(s.fields[F_ENGINE].text, "redis");
    assert_string_equal(s.fields[F_ENGINE].provenance, "default");
    assert_false(s.fields[F_ENGINE].has_span);
    assert_string_equal(s.fields[F_VERSION].text, "6.0");
    assert_string_equal(s.fields[F_VERSION].path, "Resources.C.Properties.EngineVersion");
    assert_int_equal(s.fields[F_AT_REST].kind, TN_V_BOOL);
    assert_true(s.fields[F_AT_REST].u.b);
    assert_int_equal(s.fields[F_NUM].kind, TN_V_INT);
    assert_int_equal(s.fields[F_NUM].u.i, 3);
    assert_string_equal(s.fields[F_MODE].text, "enabled");
    assert_int_equal(s.fields[F_FAMILY].kind, TN_V_STR);
    assert_string_equal(s.fields[F_FAMILY].text, "r6g");
    assert_int_equal(s.fields[F_WEIGHT].kind, TN_V_ABSENT);
    assert_int_equal(s.fields[F_TAGS].kind, TN_V_ABSENT);

    /* the type filter does not skip an unknown */
    d.n = 0;
    tn_value unk;
    memset(&unk, 0, sizeof unk);
    unk.kind = TN_V_UNKNOWN;
    unk.reason = "known after apply";
    fake_put(&d, "cluster_mode", unk);
    fake_put(&d, "cluster_mode_enabled", str_val("enabled"));
    /* an unknown node type makes the derived family unknown, same reason */
    tn_value unk2 = unk;
    unk2.reason = "parameter NodeType has no default";
    fake_put(&d, "CacheNodeType", unk2);
    fake_put(&d, "AtRest", str_val(""));
    memset(&s, 0, sizeof s);
    assert_int_equal(tn_subject_fill(&s, &kind, &map, fake_lookup, &d, &a, NULL), 0);
    assert_int_equal(s.fields[F_MODE].kind, TN_V_UNKNOWN);
    assert_string_equal(s.fields[F_MODE].reason, "known after apply");
    assert_int_equal(s.fields[F_FAMILY].kind, TN_V_UNKNOWN);
    assert_string_equal(s.fields[F_FAMILY].reason, "parameter NodeType has no default");
    /* "" in a bool field is absent, so the default applies */
    assert_int_equal(s.fields[F_AT_REST].kind, TN_V_BOOL);
    assert_false(s.fields[F_AT_REST].u.b);
    assert_string_equal(s.fields[F_AT_REST].provenance, "default");
    assert_int_equal(s.fields[F_NUM].u.i, 1);

    /* derive: no match is absent */
    d.n = 0;
    fake_put(&d, "CacheNodeType", str_val("db.r5.large"));
    memset(&s, 0, sizeof s);
    assert_int_equal(tn_subject_fill(&s, &kind, &map, fake_lookup, &d, &a, md), 0);
    assert_int_equal(s.fields[F_FAMILY].kind, TN_V_ABSENT);
    assert_int_equal(s.fields[F_NODE].kind, TN_V_STR);

    /* no mapping at all: defaults only */
    memset(&s, 0, sizeof s);
    assert_int_equal(tn_subject_fill(&s, &kind, NULL, NULL, NULL, &a, md), 0);
    assert_string_equal(s.fields[F_ENGINE].text, "redis");
    assert_int_equal(s.fields[F_VERSION].kind, TN_V_ABSENT);

    /* known values are copied as they stand: no lookup, coercion, default or
     * derivation (the family is not derived again from the known node) */
    d.n = 0;
    fake_put(&d, "CacheNodeType", str_val("cache.m5.large"));
    fake_put(&d, "EngineVersion", str_val("7.1"));
    tn_value node = str_val("cache.r6g.large"), family = str_val("given");
    tn_value absentv;
    memset(&absentv, 0, sizeof absentv);
    const tn_value *known[NF] = {0};
    known[F_NODE] = &node;
    known[F_FAMILY] = &family;
    known[F_ENGINE] = &absentv;
    memset(&s, 0, sizeof s);
    assert_int_equal(tn_subject_fill_known(&s, &kind, &map, fake_lookup, &d, &a, md, known), 0);
    assert_ptr_equal(s.fields[F_NODE].text, node.text);
    assert_string_equal(s.fields[F_FAMILY].text, "given");
    assert_int_equal(s.fields[F_ENGINE].kind, TN_V_ABSENT); /* no default either */
    assert_string_equal(s.fields[F_VERSION].text, "7.1");   /* the others as before */
    assert_string_equal(s.fields[F_AT_REST].provenance, "default");

    /* lookup failures propagate */
    d.fail = 1;
    memset(&s, 0, sizeof s);
    assert_int_equal(tn_subject_fill(&s, &kind, &map, fake_lookup, &d, &a, md), TENET_ENOMEM);

    tn_regex_match_data_free(md);
    tn_arena_release(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operations),
        cmocka_unit_test(test_bool_text),
        cmocka_unit_test(test_display),
        cmocka_unit_test(test_from_node),
        cmocka_unit_test_setup_teardown(test_coerce_bool, setup_kind, teardown_kind),
        cmocka_unit_test_setup_teardown(test_coerce_other, setup_kind, teardown_kind),
        cmocka_unit_test_setup_teardown(test_fill, setup_kind, teardown_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
