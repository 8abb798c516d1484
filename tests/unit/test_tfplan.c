/* The Terraform plan frontend: internals (detection, actions, addresses)
 * and, end to end through tenet_check with a small pack, fields, unknowns,
 * prior values, regions, links, names and positions. Plans are written with
 * ' for " to keep them readable. */
/* clang-format off: cmocka needs these first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "doc/node.h"
#include "frontend/tfplan.h"
#include "tenet/check.h"
#include "tenet/ruleset.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char PACK[] =
    "tenet: 1\n"
    "name: tfplan-test\n"
    "kinds:\n"
    "  test.widget:\n"
    "    fields:\n"
    "      engine: {type: string, default: redis}\n"
    "      version: {type: version}\n"
    "      secure: {type: bool, default: false}\n"
    "      key: {type: string, ref: test.key}\n"
    "      shards: {type: int, default: 1}\n"
    "      mode: {type: string}\n"
    "    terraform:\n"
    "      type: aws_widget\n"
    "      fields:\n"
    "        engine: engine\n"
    "        version: engine_version\n"
    "        secure: at_rest_encryption_enabled\n"
    "        key: kms_key_id\n"
    "        shards: [num_node_groups, 'cluster_mode[0].num_node_groups']\n"
    "        mode: {path: cluster_mode, type: string}\n"
    "  test.key:\n"
    "    fields:\n"
    "      rotation: {type: bool, default: false}\n"
    "      next: {type: string, ref: test.key}\n"
    "    terraform:\n"
    "      type: aws_kms_key\n"
    "      fields:\n"
    "        rotation: enable_key_rotation\n"
    "        next: next_key\n"
    "rules:\n"
    "  - id: DUMP\n"
    "    kind: test.widget\n"
    "    on: [create, update, replace, delete]\n"
    "    severity: info\n"
    "    when: {'@name': {present: true}}\n"
    "    message: 'op={@operation} region={@region} engine={engine} version={version} "
    "secure={secure} key={key} rot={key->rotation} shards={shards} mode={mode}'\n"
    "  - id: SECURE\n"
    "    kind: test.widget\n"
    "    severity: error\n"
    "    require: {secure: {is: true}}\n"
    "    message: not secure\n"
    "  - id: HAS-KEY\n"
    "    kind: test.widget\n"
    "    severity: warning\n"
    "    require: {key: {present: true}}\n"
    "    message: no key\n"
    "  - id: VERSION\n"
    "    kind: test.widget\n"
    "    severity: error\n"
    "    require: {version: {version: '>= 4.0.10'}}\n"
    "    message: old version {version}\n"
    "  - id: CHANGED\n"
    "    kind: test.widget\n"
    "    on: [update, replace]\n"
    "    severity: warning\n"
    "    when: {version: {changed: true}}\n"
    "    message: version changed to {version}\n"
    "  - id: LINKED\n"
    "    kind: test.widget\n"
    "    severity: warning\n"
    "    require: {key: {linked: true}}\n"
    "    message: key not linked\n";

static tenet_ruleset *g_rs;

static int setup(void **state) {
    (void)state;
    tenet_rules_source src = {"pack.yaml", PACK, sizeof PACK - 1};
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rc = tenet_ruleset_compile(&g_rs, &src, 1, &err);
    if (rc != TENET_OK)
        fprintf(stderr, "pack: %d:%d: %s\n", (int)err.line, (int)err.column, err.message);
    return rc;
}

static int teardown(void **state) {
    (void)state;
    tenet_ruleset_free(g_rs);
    return 0;
}

/* ' → " (a plan's own \' stays an escaped quote). */
static char *unquote(const char *s) {
    size_t n = strlen(s);
    char *t = malloc(n + 1);
    assert_non_null(t);
    for (size_t i = 0; i <= n; i++)
        t[i] = s[i] == '\'' ? '"' : s[i];
    return t;
}

static tenet_report *check_regions(const char *plan, const char *const *regions, size_t nregions) {
    char *text = unquote(plan);
    tenet_report *rep = NULL;
    tenet_check_options o;
    tenet_error err;
    assert_int_equal(tenet_report_new(&rep), TENET_OK);
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = "plan.json";
    o.regions = regions;
    o.region_count = nregions;
    int rc = tenet_check(rep, g_rs, text, strlen(text), &o, &err);
    if (rc != TENET_OK)
        fprintf(stderr, "check: %s\n", err.message);
    assert_int_equal(rc, TENET_OK);
    free(text);
    return rep;
}

static tenet_report *check(const char *plan) {
    return check_regions(plan, NULL, 0);
}

/* Number of diagnostics of `rule` on `subject`; the first goes to *out. */
static size_t find(const tenet_report *rep, const char *rule, const char *subject,
                   tenet_diagnostic *out) {
    size_t hits = 0;
    for (size_t i = 0; i < tenet_report_count(rep); i++) {
        tenet_diagnostic d;
        assert_int_equal(tenet_report_get(rep, i, &d), TENET_OK);
        if (strcmp(d.rule, rule) != 0 || (subject && (!d.subject || strcmp(d.subject, subject))))
            continue;
        if (hits++ == 0 && out)
            *out = d;
    }
    return hits;
}

/* The DUMP message of a subject (exactly one expected). */
static const char *dump(const tenet_report *rep, const char *subject) {
    tenet_diagnostic d;
    assert_int_equal(find(rep, "DUMP", subject, &d), 1);
    return d.message;
}

#define assert_has(hay, needle)                                                                    \
    do {                                                                                           \
        const char *h_ = (hay);                                                                    \
        if (!h_ || !strstr(h_, (needle)))                                                          \
            fail_msg("expected \"%s\" in \"%s\"", (needle), h_ ? h_ : "(null)");                   \
    } while (0)

/* A one-resource plan around a change body. */
#define PLAN1(addr, change, conf)                                                                  \
    "{'format_version':'1.2','terraform_version':'1.9.0','resource_changes':[{"                    \
    "'address':'" addr "','mode':'managed','type':'aws_widget','name':'w',"                        \
    "'change':" change "}],'configuration':{'provider_config':{'aws':{'name':'aws',"               \
    "'expressions':{'region':{'constant_value':'us-east-1'}}}},'root_module':"                     \
    "{'resources':[{'address':'aws_widget.w','mode':'managed','type':'aws_widget',"                \
    "'name':'w','provider_config_key':'aws','expressions':" conf "}]}}}"

/* ---- internals ---------------------------------------------------------- */

static tn_doc *parse(const char *json) {
    char *text = unquote(json);
    tn_doc *doc = NULL;
    assert_int_equal(tn_doc_parse(&doc, text, strlen(text), "t.json", NULL, NULL), TENET_OK);
    free(text);
    return doc;
}

static int detect(const char *json) {
    tn_doc *doc = parse(json);
    int score = tn_tfplan_detect(NULL, 0, doc);
    tn_doc_free(doc);
    return score;
}

static void test_detect(void **state) {
    (void)state;
    assert_int_equal(detect("{'format_version':'1.2','resource_changes':[]}"), 95);
    assert_int_equal(detect("{'format_version':'0.1','terraform_version':'0.12.0'}"), 95);
    assert_int_equal(detect("{'format_version':'1.0','planned_values':{}}"), 95);
    assert_int_equal(detect("{'format_version':'1.0'}"), 0);
    assert_int_equal(detect("{'Resources':{}}"), 0);
    assert_int_equal(detect("[{'format_version':'1.0','resource_changes':[]}]"), 0);
    assert_int_equal(tn_tfplan_detect("x", 1, NULL), 0);
}

static tn_operation actions(const char *json, bool *judged) {
    tn_doc *doc = parse(json);
    tn_operation op = tn_tfplan_actions(doc->root, judged);
    tn_doc_free(doc);
    return op;
}

static void test_actions(void **state) {
    (void)state;
    bool j;
    assert_int_equal(actions("['create']", &j), TN_OP_CREATE);
    assert_true(j);
    assert_int_equal(actions("['update']", &j), TN_OP_UPDATE);
    assert_true(j);
    assert_int_equal(actions("['delete','create']", &j), TN_OP_REPLACE);
    assert_true(j);
    assert_int_equal(actions("['create','delete']", &j), TN_OP_REPLACE);
    assert_true(j);
    assert_int_equal(actions("['delete']", &j), TN_OP_DELETE);
    assert_false(j);
    assert_int_equal(actions("['read']", &j), TN_OP_READ);
    assert_false(j);
    actions("['no-op']", &j);
    assert_false(j);
    actions("['forget']", &j);
    assert_false(j);
    actions("['create','forget']", &j);
    assert_false(j);
    actions("[]", &j);
    assert_false(j);
    actions("'create'", &j);
    assert_false(j);
    actions("[1,2,3]", &j);
    assert_false(j);
}

static void test_addresses(void **state) {
    (void)state;
    tn_tfplan_call calls[4];
    size_t off = 99;
    const char *a = "module.a[\"k.x]\"].module.b[0].aws_x.y[1]";
    assert_int_equal(tn_tfplan_parse_address(a, strlen(a), calls, 4, &off), 2);
    assert_int_equal(calls[0].len, 1);
    assert_memory_equal(calls[0].name, "a", 1);
    assert_memory_equal(calls[1].name, "b", 1);
    assert_string_equal(a + off, "aws_x.y[1]");
    a = "aws_x.y";
    assert_int_equal(tn_tfplan_parse_address(a, strlen(a), calls, 4, &off), 0);
    assert_int_equal(off, 0);
    a = "module.m";
    assert_int_equal(tn_tfplan_parse_address(a, strlen(a), calls, 4, &off), 1);
    assert_int_equal(off, strlen(a));
    a = "module..aws_x.y";
    assert_int_equal(tn_tfplan_parse_address(a, strlen(a), calls, 4, &off), -1);
    a = "module.a[\"unterminated].aws_x.y";
    assert_int_equal(tn_tfplan_parse_address(a, strlen(a), calls, 4, &off), -1);
    a = "module.a.module.b.module.c.module.d.module.e.aws_x.y";
    assert_int_equal(tn_tfplan_parse_address(a, strlen(a), calls, 4, &off), -1);

    bool idx;
    assert_int_equal(tn_tfplan_ref_resource("aws_kms_key.k.arn", 17, &idx), 13);
    assert_false(idx);
    a = "aws_kms_key.k[\"a.b\"].arn";
    assert_int_equal(tn_tfplan_ref_resource(a, strlen(a), &idx), strlen("aws_kms_key.k[\"a.b\"]"));
    assert_true(idx);
    a = "data.aws_kms_key.k.arn";
    assert_int_equal(tn_tfplan_ref_resource(a, strlen(a), &idx), strlen("data.aws_kms_key.k"));
    assert_int_equal(tn_tfplan_ref_resource("var.key", 7, &idx), 0);
    assert_int_equal(tn_tfplan_ref_resource("local.key", 9, &idx), 0);
    assert_int_equal(tn_tfplan_ref_resource("module.m.key", 12, &idx), 0);
    assert_int_equal(tn_tfplan_ref_resource("each.value", 10, &idx), 0);
    assert_int_equal(tn_tfplan_ref_resource("aws_kms_key", 11, &idx), 0);
    assert_int_equal(tn_tfplan_ref_resource("", 0, &idx), 0);
}

/* ---- subjects ----------------------------------------------------------- */

static void test_operations(void **state) {
    (void)state;
#define RC(name, acts)                                                                             \
    "{'address':'aws_widget." name "','mode':'managed','type':'aws_widget','name':'" name          \
    "','change':{'actions':" acts ",'before':{},'after':{'at_rest_encryption_enabled':true}}}"
    /* clang-format off */
    tenet_report *rep = check(
        "{'format_version':'1.2','resource_changes':["
        RC("c", "['create']") "," RC("u", "['update']") "," RC("r1", "['delete','create']") ","
        RC("r2", "['create','delete']") "," RC("d", "['delete']") "," RC("n", "['no-op']") ","
        RC("f", "['forget']") "," RC("cf", "['create','forget']") ","
        "{'address':'data.aws_widget.x','mode':'data','type':'aws_widget','name':'x',"
        "'change':{'actions':['read'],'after':{}}},"
        "{'address':'aws_widget.o','mode':'managed','type':'aws_other','name':'o',"
        "'change':{'actions':['create'],'after':{}}}]}");
    /* clang-format on */
#undef RC
    assert_has(dump(rep, "aws_widget.c"), "op=create");
    assert_has(dump(rep, "aws_widget.u"), "op=update");
    assert_has(dump(rep, "aws_widget.r1"), "op=replace");
    assert_has(dump(rep, "aws_widget.r2"), "op=replace");
    const char *skipped[] = {"aws_widget.d",  "aws_widget.n",      "aws_widget.f",
                             "aws_widget.cf", "data.aws_widget.x", "aws_widget.o"};
    for (size_t i = 0; i < sizeof skipped / sizeof *skipped; i++)
        assert_int_equal(find(rep, "DUMP", skipped[i], NULL), 0);
    tenet_summary sum;
    tenet_report_summary(rep, &sum);
    assert_int_equal(sum.subjects, 4);
    tenet_report_free(rep);
}

static void test_unknown_and_null(void **state) {
    (void)state;
    tenet_report *rep = check(
        PLAN1("aws_widget.w",
              "{'actions':['create'],'before':null,'after':{'engine':'redis','kms_key_id':null,"
              "'at_rest_encryption_enabled':true,'cluster_mode':[]},"
              "'after_unknown':{'engine_version':true,'kms_key_id':false,'id':true,"
              "'cluster_mode':[]}}",
              "{'engine_version':{'references':['var.v']}}"));
    const char *m = dump(rep, "aws_widget.w");
    assert_has(m, "version=<unknown>");
    assert_has(m, "key=<absent>"); /* JSON null: not set */
    assert_has(m, "mode=<absent>");
    assert_has(m, "shards=1");
    tenet_diagnostic d;
    assert_int_equal(find(rep, "VERSION", "aws_widget.w", &d), 1);
    assert_string_equal(d.verdict, "unknown");
    assert_has(d.reason, "known after apply");
    assert_string_equal(d.path, "resource_changes[0].change.after_unknown.engine_version");
    assert_int_equal(find(rep, "HAS-KEY", "aws_widget.w", NULL), 1);
    assert_int_equal(find(rep, "SECURE", "aws_widget.w", NULL), 0);
    tenet_report_free(rep);

    /* An unknown key that the configuration sets still means a key is used;
     * an attribute the configuration leaves to the provider is absent (its
     * default applies), as an omitted template property is. */
    rep = check(PLAN1("aws_widget.w",
                      "{'actions':['create'],'after':{'engine_version':'6.2'},"
                      "'after_unknown':{'kms_key_id':true,'at_rest_encryption_enabled':true}}",
                      "{'kms_key_id':{'references':['aws_kms_key.k.arn','aws_kms_key.k']}}"));
    m = dump(rep, "aws_widget.w");
    assert_has(m, "key=<unknown>");
    assert_has(m, "secure=false");
    assert_int_equal(find(rep, "HAS-KEY", NULL, NULL), 0);
    assert_int_equal(find(rep, "VERSION", NULL, NULL), 0);
    assert_int_equal(find(rep, "SECURE", NULL, &d), 1);
    assert_string_equal(d.verdict, "fail");
    tenet_report_free(rep);
    rep = check(PLAN1("aws_widget.w",
                      "{'actions':['create'],'after':{},'after_unknown':{'kms_key_id':true}}",
                      "{}"));
    assert_int_equal(find(rep, "HAS-KEY", NULL, &d), 1);
    assert_string_equal(d.verdict, "fail");
    tenet_report_free(rep);
    /* Without a configuration section nothing says it is computed. */
    rep = check("{'format_version':'1.2','resource_changes':[{'address':'aws_widget.w',"
                "'mode':'managed','type':'aws_widget','name':'w','change':{'actions':['create'],"
                "'after':{},'after_unknown':{'kms_key_id':true}}}]}");
    assert_int_equal(find(rep, "HAS-KEY", NULL, NULL), 0);
    tenet_report_free(rep);

    /* An unknown ancestor makes the leaf unknown; a partly unknown list is unknown. */
    rep = check(PLAN1("aws_widget.w",
                      "{'actions':['create'],'after':{'cluster_mode':[{'replicas':1}]},"
                      "'after_unknown':{'cluster_mode':[{'num_node_groups':true}]}}",
                      "{'cluster_mode':[{'num_node_groups':{'references':['var.n']}}]}"));
    assert_has(dump(rep, "aws_widget.w"), "shards=<unknown>");
    tenet_report_free(rep);
    rep = check(PLAN1("aws_widget.w",
                      "{'actions':['create'],'after':{},'after_unknown':{'cluster_mode':true}}",
                      "{'cluster_mode':{'references':['var.m']}}"));
    m = dump(rep, "aws_widget.w");
    assert_has(m, "shards=<unknown>");
    assert_has(m, "mode=<unknown>");
    tenet_report_free(rep);
}

static void test_booleans_and_blocks(void **state) {
    (void)state;
    struct {
        const char *v;
        size_t fails;
    } cases[] = {{"true", 0}, {"'true'", 0}, {"'false'", 1}, {"''", 1}, {"false", 1}, {"null", 1}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char plan[1024];
        snprintf(plan, sizeof plan,
                 PLAN1("aws_widget.w",
                       "{'actions':['create'],'after':{'at_rest_encryption_enabled':%s}}",
                       "{}"),
                 cases[i].v);
        tenet_report *rep = check(plan);
        assert_int_equal(find(rep, "SECURE", "aws_widget.w", NULL), cases[i].fails);
        tenet_report_free(rep);
    }
    /* The old cluster_mode block and the new string. */
    tenet_report *rep = check(
        PLAN1("aws_widget.w",
              "{'actions':['create'],'after':{'cluster_mode':[{'num_node_groups':3}]}}", "{}"));
    const char *m = dump(rep, "aws_widget.w");
    assert_has(m, "shards=3");
    assert_has(m, "mode=<absent>");
    tenet_report_free(rep);
    rep = check(PLAN1("aws_widget.w",
                      "{'actions':['create'],'after':{'cluster_mode':'enabled',"
                      "'num_node_groups':2}}",
                      "{}"));
    m = dump(rep, "aws_widget.w");
    assert_has(m, "shards=2");
    assert_has(m, "mode=enabled");
    tenet_report_free(rep);
}

static void test_before_and_changed(void **state) {
    (void)state;
    tenet_report *rep = check(
        "{'format_version':'1.2','resource_changes':["
        "{'address':'aws_widget.a','mode':'managed','type':'aws_widget','name':'a',"
        "'change':{'actions':['update'],'before':{'engine_version':'4.0.10'},"
        "'after':{'engine_version':'6.2'}}},"
        "{'address':'aws_widget.b','mode':'managed','type':'aws_widget','name':'b',"
        "'change':{'actions':['update'],'before':{'engine_version':'6.2'},"
        "'after':{'engine_version':'6.2'}}},"
        "{'address':'aws_widget.c','mode':'managed','type':'aws_widget','name':'c',"
        "'change':{'actions':['delete','create'],'before':{'at_rest_encryption_enabled':false},"
        "'after':{'at_rest_encryption_enabled':true,'engine_version':'7.0'},"
        "'replace_paths':[['at_rest_encryption_enabled']]},"
        "'action_reason':'replace_because_cannot_update'},"
        "{'address':'aws_widget.d','mode':'managed','type':'aws_widget','name':'d',"
        "'change':{'actions':['create','delete'],'before':{},'after':{}},"
        "'action_reason':'replace_because_tainted'}]}");
    tenet_diagnostic d;
    assert_int_equal(find(rep, "CHANGED", "aws_widget.a", &d), 1);
    assert_has(d.message, "changed to 6.2");
    assert_int_equal(find(rep, "CHANGED", "aws_widget.b", NULL), 0);
    assert_int_equal(find(rep, "CHANGED", "aws_widget.c", NULL), 1);
    assert_int_equal(find(rep, "HAS-KEY", "aws_widget.c", &d), 1);
    assert_string_equal(d.reason, "replaced because at_rest_encryption_enabled cannot be updated "
                                  "(replace_because_cannot_update)");
    assert_int_equal(find(rep, "HAS-KEY", "aws_widget.d", &d), 1);
    assert_string_equal(d.reason,
                        "replaced because the resource is tainted (replace_because_tainted)");
    tenet_report_free(rep);
}

/* ---- regions ------------------------------------------------------------ */

static void test_regions(void **state) {
    (void)state;
    /* A constant (PLAN1's provider), and the v6 per-resource region. */
    tenet_report *rep = check(PLAN1("aws_widget.w", "{'actions':['create'],'after':{}}", "{}"));
    assert_has(dump(rep, "aws_widget.w"), "region=us-east-1");
    tenet_report_free(rep);
    rep =
        check(PLAN1("aws_widget.w", "{'actions':['create'],'after':{'region':'eu-west-3'}}", "{}"));
    assert_has(dump(rep, "aws_widget.w"), "region=eu-west-3");
    tenet_report_free(rep);

    /* var reference, aliased provider, module provider (its own block with a
     * variable the call sets from a root variable), inherited root provider,
     * and a local that cannot be evaluated. */
    rep = check(
        "{'format_version':'1.2','variables':{'region':{'value':'ap-south-1'},"
        "'mod_region':{'value':'sa-east-1'}},'resource_changes':["
        "{'address':'aws_widget.a','mode':'managed','type':'aws_widget','name':'a',"
        "'change':{'actions':['create'],'after':{}}},"
        "{'address':'aws_widget.b','mode':'managed','type':'aws_widget','name':'b',"
        "'change':{'actions':['create'],'after':{}}},"
        "{'address':'module.m.aws_widget.c','module_address':'module.m','mode':'managed',"
        "'type':'aws_widget','name':'c','change':{'actions':['create'],'after':{}}},"
        "{'address':'module.n[0].aws_widget.c','module_address':'module.n[0]','mode':'managed',"
        "'type':'aws_widget','name':'c','change':{'actions':['create'],'after':{}}},"
        "{'address':'aws_widget.e','mode':'managed','type':'aws_widget','name':'e',"
        "'change':{'actions':['create'],'after':{}}}],"
        "'configuration':{'provider_config':{"
        "'aws':{'name':'aws','expressions':{'region':{'references':['var.region']}}},"
        "'aws.west':{'name':'aws','alias':'west','expressions':"
        "{'region':{'constant_value':'us-west-2'}}},"
        "'aws.loc':{'name':'aws','alias':'loc','expressions':"
        "{'region':{'references':['local.r']}}},"
        "'module.m:aws':{'name':'aws','module_address':'module.m','expressions':{'region':"
        "{'references':['var.r']}}},"
        "'module.n:aws':{'name':'aws','module_address':'module.n','version_constraint':'>= 5'}},"
        "'root_module':{'resources':["
        "{'address':'aws_widget.a','mode':'managed','type':'aws_widget','name':'a',"
        "'provider_config_key':'aws'},"
        "{'address':'aws_widget.b','mode':'managed','type':'aws_widget','name':'b',"
        "'provider_config_key':'aws.west'},"
        "{'address':'aws_widget.e','mode':'managed','type':'aws_widget','name':'e',"
        "'provider_config_key':'aws.loc'}],"
        "'module_calls':{'m':{'source':'./m','expressions':{'r':{'references':['var.mod_region']}},"
        "'module':{'resources':[{'address':'aws_widget.c','mode':'managed','type':'aws_widget',"
        "'name':'c','provider_config_key':'m:aws'}]}},"
        "'n':{'source':'./n','module':{'resources':[{'address':'aws_widget.c','mode':'managed',"
        "'type':'aws_widget','name':'c','provider_config_key':'module.n:aws'}]}}}}}}");
    assert_has(dump(rep, "aws_widget.a"), "region=ap-south-1");
    assert_has(dump(rep, "aws_widget.b"), "region=us-west-2");
    assert_has(dump(rep, "module.m.aws_widget.c"), "region=sa-east-1");
    assert_has(dump(rep, "module.n[0].aws_widget.c"), "region=ap-south-1");
    assert_has(dump(rep, "aws_widget.e"), "region=<unknown>");
    tenet_report_free(rep);

    /* No region in the plan: the requested regions, one judgement each. */
    static const char *const two[] = {"us-east-2", "eu-central-1"};
    static const char NO_PROVIDER[] =
        "{'format_version':'1.2','resource_changes':[{'address':'aws_widget.w',"
        "'mode':'managed','type':'aws_widget','name':'w','change':{'actions':['create'],"
        "'after':{}}}]}";
    rep = check_regions(NO_PROVIDER, two, 2);
    tenet_diagnostic d;
    size_t n = find(rep, "DUMP", "aws_widget.w", &d);
    assert_true(n >= 1);
    assert_has(d.regions, "us-east-2");
    tenet_summary sum;
    tenet_report_summary(rep, &sum);
    assert_int_equal(sum.subjects, 1);
    tenet_report_free(rep);
    rep = check(NO_PROVIDER);
    assert_has(dump(rep, "aws_widget.w"), "region=<unknown>");
    tenet_report_free(rep);
}

/* ---- links, names, positions -------------------------------------------- */

static void test_links(void **state) {
    (void)state;
#define KEY(addr, name, rot)                                                                       \
    "{'address':'" addr "','mode':'managed','type':'aws_kms_key','name':'" name "',"               \
    "'change':{'actions':['no-op'],'before':{'enable_key_rotation':" rot "},"                      \
    "'after':{'enable_key_rotation':" rot "}}}"
#define WIDGET(addr, modaddr)                                                                      \
    "{'address':'" addr "','module_address':'" modaddr "','mode':'managed',"                       \
    "'type':'aws_widget','name':'w','change':{'actions':['create'],"                               \
    "'after':{},'after_unknown':{'kms_key_id':true}}}"
#define CONF_W(ref)                                                                                \
    "{'address':'aws_widget.w','mode':'managed','type':'aws_widget','name':'w',"                   \
    "'expressions':{'kms_key_id':{'references':['" ref ".arn','" ref "']}}}"
    /* clang-format off */
    tenet_report *rep = check(
        "{'format_version':'1.2','resource_changes':["
        KEY("aws_kms_key.k", "k", "true") "," WIDGET("aws_widget.w", "") ","
        KEY("module.m.aws_kms_key.k", "k", "false") ","
        WIDGET("module.m.aws_widget.w", "module.m") ","
        KEY("module.c.aws_kms_key.k[0]", "k", "true") ","
        KEY("module.c.aws_kms_key.k[1]", "k", "false") ","
        WIDGET("module.c.aws_widget.w[0]", "module.c") ","
        WIDGET("module.c.aws_widget.w[1]", "module.c") ","
        WIDGET("module.x.aws_widget.w", "module.x") ","
        WIDGET("module.loop.aws_widget.w", "module.loop") ","
        WIDGET("module.v[\\'a\\'].aws_widget.w", "module.v[\\'a\\']") ","
        WIDGET("module.o.module.i.aws_widget.w", "module.o.module.i") "],"
        "'configuration':{'root_module':{'resources':[" CONF_W("aws_kms_key.k") "],"
        "'module_calls':{'m':{'module':{'resources':[" CONF_W("aws_kms_key.k") "]}},"
        "'c':{'module':{'resources':[" CONF_W("aws_kms_key.k") "]}},"
        "'x':{'module':{'resources':[" CONF_W("aws_other.k") "]}},"
        "'loop':{'module':{'resources':[" CONF_W("aws_widget.w") "]}},"
        "'v':{'expressions':{'kms':{'references':['aws_kms_key.k.arn','aws_kms_key.k']}},"
        "'module':{'resources':[" CONF_W("var.kms") "]}},"
        "'o':{'expressions':{'key':{'references':['aws_kms_key.k']}},'module':{'module_calls':"
        "{'i':{'expressions':{'kms':{'references':['var.key']}},"
        "'module':{'resources':[" CONF_W("var.kms") "]}}}}}}}}}");
    /* clang-format on */
#undef KEY
#undef WIDGET
#undef CONF_W
    assert_has(dump(rep, "aws_widget.w"), "rot=true");
    assert_int_equal(find(rep, "LINKED", "aws_widget.w", NULL), 0);
    assert_has(dump(rep, "module.m.aws_widget.w"), "rot=false");
    assert_has(dump(rep, "module.c.aws_widget.w[0]"), "rot=true");
    assert_has(dump(rep, "module.c.aws_widget.w[1]"), "rot=false");
    /* Through module variables, one and two levels up. */
    assert_has(dump(rep, "module.v[\"a\"].aws_widget.w"), "rot=true");
    assert_has(dump(rep, "module.o.module.i.aws_widget.w"), "rot=true");
    /* A reference to something that is not a change, or to the wrong kind. */
    assert_int_equal(find(rep, "LINKED", "module.x.aws_widget.w", NULL), 1);
    assert_int_equal(find(rep, "LINKED", "module.loop.aws_widget.w", NULL), 1);
    tenet_report_free(rep);
}

static void test_names_and_positions(void **state) {
    (void)state;
    tenet_report *rep = check("{\n"
                              "  'format_version': '1.1',\n"
                              "  'resource_changes': [\n"
                              "    {\n"
                              "      'address': 'module.cache[\\'a\\'].aws_widget.this[\\'x\\']',\n"
                              "      'mode': 'managed', 'type': 'aws_widget', 'name': 'this',\n"
                              "      'change': {\n"
                              "        'actions': ['create'],\n"
                              "        'after': {\n"
                              "          'engine_version': '3.2.10',\n"
                              "          'at_rest_encryption_enabled': 'false'\n"
                              "        }\n"
                              "      }\n"
                              "    }\n"
                              "  ]\n"
                              "}\n");
    const char *name = "module.cache[\"a\"].aws_widget.this[\"x\"]";
    tenet_diagnostic d;
    assert_int_equal(find(rep, "VERSION", name, &d), 1);
    assert_string_equal(d.verdict, "fail");
    assert_int_equal(d.line, 10);
    assert_int_equal(d.column, 29);
    assert_int_equal(d.end_column, 37);
    assert_string_equal(d.path, "resource_changes[0].change.after.engine_version");
    assert_int_equal(find(rep, "SECURE", name, &d), 1);
    assert_int_equal(d.line, 11);
    /* An absent field points at the change itself. */
    assert_int_equal(find(rep, "HAS-KEY", name, &d), 1);
    assert_int_equal(d.line, 4);
    assert_int_equal(d.column, 5);
    assert_int_equal(d.end_line, 14);
    assert_string_equal(d.path, "resource_changes[0]");
    tenet_report_free(rep);
}

/* ---- robustness --------------------------------------------------------- */

static void test_malformed(void **state) {
    (void)state;
    static const char *const plans[] = {
        "{'format_version':'1.0','resource_changes':7}",
        "{'format_version':'1.0','resource_changes':[1,'x',null,[],{}]}",
        "{'format_version':'1.0','resource_changes':[{'change':5},{'type':'aws_widget',"
        "'mode':'managed','change':{'actions':'create'}},{'type':'aws_widget','mode':'managed',"
        "'change':{'actions':['create'],'after':'x','after_unknown':7,'before':[]}}]}",
        "{'format_version':'1.0','resource_changes':[{'address':7,'type':'aws_widget',"
        "'name':'w','mode':'managed','change':{'actions':['update'],'after':{'cluster_mode':"
        "'x','kms_key_id':{'a':1}},'before':5,'after_unknown':{'cluster_mode':[true]}}}],"
        "'configuration':5,'variables':[]}",
        "{'format_version':'1.0','resource_changes':[{'address':'module.','type':'aws_widget',"
        "'name':'w','mode':'managed','change':{'actions':['create'],'after':{},"
        "'after_unknown':true}}],'configuration':{'provider_config':[],'root_module':"
        "{'resources':7,'module_calls':[]}}}",
        "{'format_version':'1.0','resource_changes':[{'address':'aws_widget.w','type':"
        "'aws_widget','name':'w','mode':'managed','change':{'actions':['create'],'after':{}}}],"
        "'configuration':{'provider_config':{'aws':{'expressions':{'region':{'references':"
        "['var.r']}}}},'root_module':{'resources':[{'type':'aws_widget','name':'w',"
        "'provider_config_key':'aws','expressions':{'kms_key_id':{'references':[7,'x',"
        "'aws_widget.w']}}}]}},'variables':{'r':{'value':{'x':1}}}}",
        "{'format_version':{},'resource_changes':[]}",
    };
    for (size_t i = 0; i < sizeof plans / sizeof *plans; i++)
        tenet_report_free(check(plans[i]));

    /* A long chain of references (each key names the one before) builds
     * lazily with bounded recursion (and the chain is a cycle). */
    enum { CHAIN = 3000 };
    size_t cap = CHAIN * 400 + 1000, len = 0;
    char *plan = malloc(cap), *conf = malloc(cap);
    size_t clen = 0;
    assert_non_null(plan);
    assert_non_null(conf);
    len += (size_t)snprintf(plan + len, cap - len, "{'format_version':'1.2','resource_changes':[");
    clen +=
        (size_t)snprintf(conf + clen, cap - clen, "'configuration':{'root_module':{'resources':[");
    for (int i = 0; i < CHAIN; i++) {
        len +=
            (size_t)snprintf(plan + len, cap - len,
                             "{'address':'aws_kms_key.k%d','mode':'managed','type':'aws_kms_key',"
                             "'name':'k%d','change':{'actions':['create'],'after':{},"
                             "'after_unknown':{'next_key':true}}},",
                             i, i);
        clen +=
            (size_t)snprintf(conf + clen, cap - clen,
                             "{'mode':'managed','type':'aws_kms_key','name':'k%d','expressions':"
                             "{'next_key':{'references':['aws_kms_key.k%d.arn']}}},",
                             i, i ? i - 1 : CHAIN - 1);
    }
    len += (size_t)snprintf(plan + len, cap - len,
                            "{'address':'aws_widget.w','mode':'managed','type':'aws_widget',"
                            "'name':'w','change':{'actions':['create'],'after':{},"
                            "'after_unknown':{'kms_key_id':true}}}],");
    clen += (size_t)snprintf(conf + clen, cap - clen,
                             "{'mode':'managed','type':'aws_widget','name':'w','expressions':"
                             "{'kms_key_id':{'references':['aws_kms_key.k%d']}}}]}}}",
                             CHAIN - 1);
    assert_true(len + clen < cap);
    memcpy(plan + len, conf, clen + 1);
    tenet_report *rep = check(plan);
    assert_has(dump(rep, "aws_widget.w"), "rot=false");
    tenet_report_free(rep);
    free(plan);
    free(conf);

    rep = check("{'format_version':'2.0','resource_changes':[]}");
    tenet_diagnostic d;
    assert_int_equal(find(rep, "unsupported-format-version", NULL, &d), 1);
    assert_string_equal(d.verdict, "note");
    assert_int_equal(d.severity, TENET_SEVERITY_WARNING);
    tenet_report_free(rep);
    rep = check("{'format_version':'0.2','resource_changes':[]}");
    assert_int_equal(find(rep, "unsupported-format-version", NULL, NULL), 0);
    tenet_report_free(rep);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_operations),
        cmocka_unit_test(test_unknown_and_null),
        cmocka_unit_test(test_booleans_and_blocks),
        cmocka_unit_test(test_before_and_changed),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_names_and_positions),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
