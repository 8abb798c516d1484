/* The CloudFormation frontend: intrinsics in both spellings, value
 * resolution, conditions and scenarios, links, and end-to-end checks through
 * the public tenet_check(). Templates are inline; the pack maps made-up
 * AWS::X::* types so the engine is exercised without any service knowledge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc/node.h"
#include "frontend/cfn.h"
#include "frontend/frontend.h"
#include "rules/ir.h"
#include "tenet/check.h"
#include "tenet/ruleset.h"
#include "util/alloc.h"

static const char PACK[] = "tenet: 1\n"
                           "name: cfn-test\n"
                           "kinds:\n"
                           "  test.thing:\n"
                           "    fields:\n"
                           "      version: {type: version}\n"
                           "      enabled: {type: bool, default: false}\n"
                           "      size: {type: string}\n"
                           "      key: {type: string, ref: test.key}\n"
                           "      other: {type: string, ref: test.key}\n"
                           "      anyref: {type: string}\n"
                           "      names: {type: list}\n"
                           "      count: {type: int}\n"
                           "      policy: {type: string}\n"
                           "      nested: {type: string}\n"
                           "      item: {type: string}\n"
                           "      peer: {type: string, ref: test.thing}\n"
                           "    cloudformation:\n"
                           "      type: AWS::X::Thing\n"
                           "      fields:\n"
                           "        version: Version\n"
                           "        enabled: Enabled\n"
                           "        size: Size\n"
                           "        key: KeyId\n"
                           "        other: OtherKey\n"
                           "        anyref: AnyRef\n"
                           "        names: Names\n"
                           "        count: Count\n"
                           "        policy: /DeletionPolicy\n"
                           "        nested: Config.Inner\n"
                           "        item: 'Items[1]'\n"
                           "        peer: Peer\n"
                           "  test.key:\n"
                           "    fields:\n"
                           "      deletion_policy: {type: string, default: Delete}\n"
                           "      rotation: {type: bool, default: false}\n"
                           "    cloudformation:\n"
                           "      type: AWS::X::Key\n"
                           "      fields: {deletion_policy: /DeletionPolicy, rotation: Rotate}\n"
                           "rules:\n"
                           "  - id: T-001\n"
                           "    title: old version\n"
                           "    kind: test.thing\n"
                           "    severity: error\n"
                           "    when: {enabled: {is: true}}\n"
                           "    require: {version: {version: '>= 4.0.10'}}\n"
                           "    message: 'version {version} is too old'\n"
                           "  - id: T-002\n"
                           "    title: key kept\n"
                           "    kind: test.thing\n"
                           "    severity: warning\n"
                           "    when: {key: {linked: true}}\n"
                           "    require: {key->deletion_policy: {equals: Retain}}\n"
                           "    message: 'key is deleted with the stack'\n"
                           "  - id: T-003\n"
                           "    title: small size\n"
                           "    kind: test.thing\n"
                           "    severity: error\n"
                           "    when: {size: {equals: tiny}}\n"
                           "    message: 'size {size} is too small'\n";

static tenet_ruleset *rs;
static const char *input_format; /* for check_ex: NULL = detect */

static int group_setup(void **state) {
    (void)state;
    tenet_rules_source src = {"cfn-test.yaml", PACK, sizeof PACK - 1};
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rc = tenet_ruleset_compile(&rs, &src, 1, &err);
    if (rc != TENET_OK)
        fprintf(stderr, "pack: %s:%u:%u: %s\n", err.source, err.line, err.column, err.message);
    return rc == TENET_OK ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    tenet_ruleset_free(rs);
    return 0;
}

/* ---- a fixture: one template indexed for direct calls ---- */

typedef struct fx {
    tn_doc *doc;
    tn_arena arena;
    tn_run run;
    tn_cfn cfn;
} fx;

static void fx_open_ex(fx *f, const char *yaml, const tenet_param *params, size_t np,
                       const char *region, size_t max_scenarios) {
    memset(f, 0, sizeof *f);
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rc = tn_doc_parse(&f->doc, yaml, strlen(yaml), "t.yaml", NULL, &err);
    if (rc != TENET_OK)
        fail_msg("parse: %u:%u %s", err.line, err.column, err.message);
    tn_arena_init(&f->arena);
    f->run.rs = rs;
    f->run.doc = f->doc;
    f->run.file = "t.yaml";
    f->run.format = "cloudformation";
    f->run.params = params;
    f->run.nparams = np;
    f->run.max_scenarios = max_scenarios;
    f->run.arena = &f->arena;
    assert_int_equal(tn_cfn_init(&f->cfn, &f->run), TENET_OK);
    tn_cfn_set_region(&f->cfn, region, NULL);
}

static void fx_open(fx *f, const char *yaml, const tenet_param *params, size_t np,
                    const char *region) {
    fx_open_ex(f, yaml, params, np, region, 0);
}

static void fx_close(fx *f) {
    tn_cfn_dispose(&f->cfn);
    tn_arena_release(&f->arena);
    tn_doc_free(f->doc);
}

static tn_cfn_env env_of(fx *f, const tn_cfn_scn *scn) {
    tn_cfn_env e;
    memset(&e, 0, sizeof e);
    e.cfn = &f->cfn;
    e.arena = &f->arena;
    e.scn = scn;
    return e;
}

static const tn_node *prop_node(fx *f, const char *res, const char *prop) {
    const tn_node *r = tn_map_get(tn_map_get(f->doc->root, "Resources"), res);
    assert_non_null(r);
    const tn_node *n = tn_map_get(tn_map_get(r, "Properties"), prop);
    if (n == NULL)
        fail_msg("no property %s.%s", res, prop);
    return n;
}

/* Resolves Resources.<res>.Properties.<prop> under `scn`. */
static tn_value resolve_in(fx *f, const char *res, const char *prop, const tn_cfn_scn *scn) {
    tn_cfn_env e = env_of(f, scn);
    tn_value v;
    const char *path = tn_arena_sprintf(&f->arena, "Resources.%s.Properties.%s", res, prop);
    assert_int_equal(tn_cfn_resolve(&e, prop_node(f, res, prop), false, path, &v), TENET_OK);
    return v;
}

static tn_value resolve(fx *f, const char *prop) {
    return resolve_in(f, "R", prop, NULL);
}

static void assert_str(const tn_value *v, const char *s) {
    if (v->kind != TN_V_STR)
        fail_msg("expected string '%s', got kind %d (reason: %s)", s, (int)v->kind,
                 v->reason ? v->reason : "-");
    assert_string_equal(v->text, s);
}

static void assert_unknown(const tn_value *v, const char *reason) {
    if (v->kind != TN_V_UNKNOWN)
        fail_msg("expected unknown '%s', got kind %d (%s)", reason, (int)v->kind,
                 v->text ? v->text : "-");
    assert_string_equal(v->reason, reason);
}

/* ---- intrinsics ---- */

static void test_intrinsic_detection(void **state) {
    (void)state;
    fx f;
    fx_open(&f,
            "Resources:\n"
            "  R:\n"
            "    Type: AWS::X::Thing\n"
            "    Properties:\n"
            "      A: !Ref P\n"
            "      B: {Ref: P}\n"
            "      C: !GetAtt K.Arn\n"
            "      D: !GetAtt [K, Arn]\n"
            "      E: {Fn::GetAtt: [K, Arn]}\n"
            "      F: {Fn::If: [c, 1, 2], Other: 1}\n"
            "      G: !Whatever x\n"
            "      H: !!str plain\n",
            NULL, 0, NULL);
    tn_cfn_fn a, b;
    assert_true(tn_cfn_intrinsic(prop_node(&f, "R", "A"), false, &a));
    assert_true(tn_cfn_intrinsic(prop_node(&f, "R", "B"), false, &b));
    assert_string_equal(a.name, "Ref");
    assert_string_equal(b.name, "Ref");
    assert_true(a.short_form && a.arg_tagged);
    assert_false(b.short_form || b.arg_tagged);
    assert_string_equal(a.arg->str, "P");
    assert_string_equal(b.arg->str, "P");
    assert_false(tn_cfn_intrinsic(prop_node(&f, "R", "A"), true, &a));
    const char *names[] = {"C", "D", "E"};
    for (size_t i = 0; i < 3; i++) {
        tn_cfn_fn g;
        assert_true(tn_cfn_intrinsic(prop_node(&f, "R", names[i]), false, &g));
        assert_string_equal(g.name, "Fn::GetAtt");
        const char *res, *attr;
        size_t rl, al;
        const tn_node *an;
        assert_true(tn_cfn_getatt_target(&g, &res, &rl, &attr, &al, &an));
        assert_int_equal(rl, 1);
        assert_memory_equal(res, "K", 1);
        assert_int_equal(al, 3);
        assert_memory_equal(attr, "Arn", 3);
    }
    assert_false(tn_cfn_intrinsic(prop_node(&f, "R", "F"), false, &a)); /* two keys */
    assert_true(tn_cfn_intrinsic(prop_node(&f, "R", "G"), false, &a));
    assert_true(a.unknown_tag);
    assert_false(tn_cfn_intrinsic(prop_node(&f, "R", "H"), false, &a));
    tn_value g = resolve(&f, "G");
    assert_unknown(&g, "!Whatever is not a CloudFormation intrinsic function");
    fx_close(&f);
}

/* Every short form resolves exactly like its long form. */
static void test_short_equals_long(void **state) {
    (void)state;
    fx f;
    fx_open(&f,
            "Parameters:\n"
            "  P: {Type: String, Default: v1}\n"
            "  L: {Type: CommaDelimitedList, Default: 'a, b,c'}\n"
            "Mappings:\n"
            "  M: {us-east-1: {Ami: ami-1}}\n"
            "Conditions:\n"
            "  IsUs: !Equals [!Ref 'AWS::Region', us-east-1]\n"
            "  IsUsLong: {Fn::Equals: [{Ref: AWS::Region}, us-east-1]}\n"
            "  NotUs: !Not [!Condition IsUs]\n"
            "  NotUsLong: {Fn::Not: [{Condition: IsUsLong}]}\n"
            "  Both: !And [!Condition IsUs, !Or [!Condition NotUs, !Equals [a, a]]]\n"
            "  BothLong: {Fn::And: [{Condition: IsUs}, {Fn::Or: [{Condition: NotUs}, {Fn::Equals: "
            "[a, a]}]}]}\n"
            "Resources:\n"
            "  K: {Type: AWS::X::Key}\n"
            "  R:\n"
            "    Type: AWS::X::Thing\n"
            "    Properties:\n"
            "      S1: !Ref P\n"
            "      L1: {Ref: P}\n"
            "      S2: !Sub '${P}-${AWS::Region}'\n"
            "      L2: {Fn::Sub: '${P}-${AWS::Region}'}\n"
            "      S3: !If [IsUs, yes, no]\n"
            "      L3: {Fn::If: [IsUs, yes, no]}\n"
            "      S4: !Join ['-', [a, !Ref P]]\n"
            "      L4: {Fn::Join: ['-', [a, {Ref: P}]]}\n"
            "      S5: !Select [1, !Ref L]\n"
            "      L5: {Fn::Select: [1, {Ref: L}]}\n"
            "      S6: !Split [',', 'x,y']\n"
            "      L6: {Fn::Split: [',', 'x,y']}\n"
            "      S7: !FindInMap [M, !Ref 'AWS::Region', Ami]\n"
            "      L7: {Fn::FindInMap: [M, {Ref: 'AWS::Region'}, Ami]}\n"
            "      S8: !Base64 hello\n"
            "      L8: {Fn::Base64: hello}\n"
            "      S9: !ImportValue Exp\n"
            "      L9: {Fn::ImportValue: Exp}\n"
            "      S10: !GetAZs ''\n"
            "      L10: {Fn::GetAZs: ''}\n"
            "      S11: !Cidr [10.0.0.0/16, 2, 8]\n"
            "      L11: {Fn::Cidr: [10.0.0.0/16, 2, 8]}\n"
            "      S12: !GetAtt K.Arn\n"
            "      L12: {Fn::GetAtt: [K, Arn]}\n"
            "      S13: !Length [a, b]\n"
            "      L13: {Fn::Length: [a, b]}\n"
            "      S14: !ToJsonString {a: [1, x]}\n"
            "      L14: {Fn::ToJsonString: {a: [1, x]}}\n"
            "      S15: !Base64 {Fn::Sub: '${P}'}\n"
            "      L15: {Fn::Base64: !Sub '${P}'}\n"
            "      S16: !Transform {Name: M, Parameters: {}}\n"
            "      L16: {Fn::Transform: {Name: M, Parameters: {}}}\n",
            NULL, 0, "us-east-1");
    for (int i = 1; i <= 16; i++) {
        char s[8], l[8];
        snprintf(s, sizeof s, "S%d", i);
        snprintf(l, sizeof l, "L%d", i);
        tn_value a = resolve(&f, s), b = resolve(&f, l);
        if (a.kind == TN_V_UNKNOWN || b.kind == TN_V_UNKNOWN) {
            assert_int_equal(a.kind, b.kind);
            assert_string_equal(a.reason, b.reason);
        } else if (!tn_cfn_value_equal(&a, &b)) {
            fail_msg("%s and %s differ", s, l);
        }
    }
    /* a few of the values themselves */
    tn_value v = resolve(&f, "S2");
    assert_str(&v, "v1-us-east-1");
    v = resolve(&f, "S3");
    assert_str(&v, "yes");
    v = resolve(&f, "S4");
    assert_str(&v, "a-v1");
    v = resolve(&f, "S5");
    assert_str(&v, "b");
    v = resolve(&f, "S6");
    assert_int_equal(v.kind, TN_V_LIST);
    assert_int_equal(v.u.list.n, 2);
    assert_str(&v.u.list.items[1], "y");
    v = resolve(&f, "S7");
    assert_str(&v, "ami-1");
    assert_string_equal(v.provenance, "Mappings.M.us-east-1.Ami");
    v = resolve(&f, "S8");
    assert_str(&v, "aGVsbG8=");
    v = resolve(&f, "S9");
    assert_unknown(&v, "imported from another stack's export at deploy time");
    v = resolve(&f, "S11");
    assert_unknown(&v, "Fn::Cidr is not evaluated");
    v = resolve(&f, "S13");
    assert_int_equal(v.kind, TN_V_INT);
    assert_int_equal(v.u.i, 2);
    v = resolve(&f, "S14");
    assert_str(&v, "{\"a\":[1,\"x\"]}");
    v = resolve(&f, "S15");
    assert_str(&v, "djE=");

    /* conditions: short and long forms agree */
    tn_cfn_env e = env_of(&f, NULL);
    const char *pairs[][2] = {{"IsUs", "IsUsLong"}, {"NotUs", "NotUsLong"}, {"Both", "BothLong"}};
    tn_tri want[] = {TN_TRUE, TN_FALSE, TN_TRUE};
    for (size_t i = 0; i < 3; i++) {
        const char *r;
        tn_tri a = tn_cfn_cond_value(&e, pairs[i][0], strlen(pairs[i][0]), &r);
        tn_tri b = tn_cfn_cond_value(&e, pairs[i][1], strlen(pairs[i][1]), &r);
        assert_int_equal(a, want[i]);
        assert_int_equal(b, want[i]);
    }
    fx_close(&f);
}

/* ---- Ref ---- */

static const char REF_TEMPLATE[] =
    "Parameters:\n"
    "  WithDefault: {Type: String, Default: '6.0'}\n"
    "  NoDefault: {Type: String}\n"
    "  FromSsm: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /my/param}\n"
    "  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>', Default: 'subnet-1, subnet-2'}\n"
    "  Count: {Type: Number, Default: 3}\n"
    "Resources:\n"
    "  R:\n"
    "    Type: AWS::X::Thing\n"
    "    Properties:\n"
    "      A: !Ref WithDefault\n"
    "      B: !Ref NoDefault\n"
    "      C: !Ref FromSsm\n"
    "      D: !Ref Subnets\n"
    "      E: !Ref Count\n"
    "      F: !Ref Nowhere\n"
    "      G: !Ref AWS::Region\n"
    "      H: !Ref AWS::Partition\n"
    "      I: !Ref AWS::URLSuffix\n"
    "      J: !Ref AWS::AccountId\n"
    "      K: !Ref AWS::StackName\n";

static void test_ref_params(void **state) {
    (void)state;
    fx f;
    fx_open(&f, REF_TEMPLATE, NULL, 0, NULL);
    tn_value v = resolve(&f, "A");
    assert_str(&v, "6.0");
    assert_string_equal(v.provenance, "Parameters.WithDefault Default");
    assert_string_equal(v.path, "Resources.R.Properties.A");
    /* the span is the Ref in the resource, not the parameter's Default */
    const tn_node *ref = prop_node(&f, "R", "A");
    assert_true(v.has_span);
    assert_int_equal(v.span.line, ref->span.line);
    assert_int_equal(v.span.col, ref->span.col);
    v = resolve(&f, "B");
    assert_unknown(&v, "parameter NoDefault has no default (pass --param NoDefault=VALUE)");
    assert_false(v.maybe_absent);
    v = resolve(&f, "C");
    assert_unknown(&v, "parameter FromSsm is read from SSM Parameter Store at deploy time");
    v = resolve(&f, "D");
    assert_int_equal(v.kind, TN_V_LIST);
    assert_int_equal(v.u.list.n, 2);
    assert_str(&v.u.list.items[0], "subnet-1");
    assert_str(&v.u.list.items[1], "subnet-2");
    v = resolve(&f, "E");
    assert_int_equal(v.kind, TN_V_INT);
    assert_string_equal(v.text, "3");
    v = resolve(&f, "F");
    assert_unknown(&v, "Ref to undefined name Nowhere");
    v = resolve(&f, "G");
    assert_unknown(&v, "no region given (pass --region)");
    v = resolve(&f, "H");
    assert_unknown(&v, "AWS::Partition depends on the region: no region given (pass --region)");
    v = resolve(&f, "J");
    assert_unknown(&v, "pseudo parameter AWS::AccountId is known only at deploy time");
    v = resolve(&f, "K");
    assert_unknown(&v, "pseudo parameter AWS::StackName is known only at deploy time");
    fx_close(&f);

    tenet_param params[] = {
        {"WithDefault", "7.1"}, {"NoDefault", "x"}, {"Subnets", "s-9"}, {"WithDefault", "7.2"}};
    fx_open(&f, REF_TEMPLATE, params, 4, "cn-north-1");
    v = resolve(&f, "A");
    assert_str(&v, "7.2"); /* the last --param wins */
    assert_string_equal(v.provenance, "--param WithDefault");
    v = resolve(&f, "B");
    assert_str(&v, "x");
    v = resolve(&f, "D");
    assert_int_equal(v.kind, TN_V_LIST);
    assert_int_equal(v.u.list.n, 1);
    assert_str(&v.u.list.items[0], "s-9");
    v = resolve(&f, "G");
    assert_str(&v, "cn-north-1");
    v = resolve(&f, "H");
    assert_str(&v, "aws-cn");
    v = resolve(&f, "I");
    assert_str(&v, "amazonaws.com.cn");
    fx_close(&f);

    fx_open(&f, REF_TEMPLATE, NULL, 0, "us-gov-west-1");
    v = resolve(&f, "H");
    assert_str(&v, "aws-us-gov");
    v = resolve(&f, "I");
    assert_str(&v, "amazonaws.com");
    fx_close(&f);
}

static void test_novalue(void **state) {
    (void)state;
    fx f;
    fx_open(&f,
            "Resources:\n"
            "  R:\n"
            "    Type: AWS::X::Thing\n"
            "    Properties:\n"
            "      A: !Ref AWS::NoValue\n"
            "      B: [a, !Ref AWS::NoValue, c]\n"
            "      C: {x: 1, y: !Ref 'AWS::NoValue'}\n"
            "      D: !Join [',', [a, !Ref AWS::NoValue, b]]\n",
            NULL, 0, NULL);
    tn_value v = resolve(&f, "A");
    assert_int_equal(v.kind, TN_V_ABSENT);
    v = resolve(&f, "B");
    assert_int_equal(v.kind, TN_V_LIST);
    assert_int_equal(v.u.list.n, 2);
    assert_str(&v.u.list.items[1], "c");
    v = resolve(&f, "C");
    assert_int_equal(v.kind, TN_V_MAP);
    assert_int_equal(v.u.map.n, 1);
    assert_string_equal(v.u.map.keys[0], "x");
    v = resolve(&f, "D");
    assert_str(&v, "a,b");
    fx_close(&f);
}

/* ---- Sub, Join, Select, Split, FindInMap ---- */

static void test_sub_join(void **state) {
    (void)state;
    fx f;
    fx_open(&f,
            "Parameters:\n"
            "  Env: {Type: String, Default: prod}\n"
            "  Secret: {Type: String}\n"
            "Resources:\n"
            "  K: {Type: AWS::X::Key}\n"
            "  R:\n"
            "    Type: AWS::X::Thing\n"
            "    Properties:\n"
            "      A: !Sub 'arn:${AWS::Partition}:s3:::${Env}-${!Literal}'\n"
            "      B: !Sub ['${Name}-x', {Name: !Ref Env}]\n"
            "      C: !Sub '${Env}-${AWS::AccountId}-${Secret}'\n"
            "      D: !Sub '${K.Arn}'\n"
            "      E: !Join ['', [a, !Ref Secret]]\n"
            "      F: !Join [':', [!Ref Env, 2, true]]\n"
            "      G: !Select [5, [a, b]]\n"
            "      H: !Sub '${Undefined}'\n"
            "      I: '{{resolve:secretsmanager:MySecret:SecretString:password}}'\n"
            "      J: !Select [0, !Split ['/', 'a/b/c']]\n",
            NULL, 0, "eu-west-1");
    tn_value v = resolve(&f, "A");
    assert_str(&v, "arn:aws:s3:::prod-${Literal}");
    v = resolve(&f, "B");
    assert_str(&v, "prod-x");
    v = resolve(&f, "C");
    assert_unknown(&v, "pseudo parameter AWS::AccountId is known only at deploy time");
    v = resolve(&f, "D");
    assert_unknown(&v, "refers to resource K (its value is known only after deploy)");
    v = resolve(&f, "E");
    assert_unknown(&v, "parameter Secret has no default (pass --param Secret=VALUE)");
    v = resolve(&f, "F");
    assert_str(&v, "prod:2:true");
    v = resolve(&f, "G");
    assert_unknown(&v, "Fn::Select index 5 is out of range (2 items)");
    v = resolve(&f, "H");
    assert_unknown(&v, "Ref to undefined name Undefined");
    v = resolve(&f, "I");
    assert_unknown(&v,
                   "dynamic reference {{resolve:secretsmanager:MySecret:SecretString:password}} "
                   "is resolved at deploy time");
    v = resolve(&f, "J");
    assert_str(&v, "a");
    fx_close(&f);
}

static void test_findinmap(void **state) {
    (void)state;
    const char *t =
        "Mappings:\n"
        "  RegionMap:\n"
        "    us-east-1: {Version: '6.2', Zones: [a, b]}\n"
        "    eu-west-1: {Version: '7.1'}\n"
        "Resources:\n"
        "  R:\n"
        "    Type: AWS::X::Thing\n"
        "    Properties:\n"
        "      A: !FindInMap [RegionMap, !Ref 'AWS::Region', Version]\n"
        "      B: !FindInMap [RegionMap, !Ref 'AWS::Region', Zones]\n"
        "      C: !FindInMap [RegionMap, !Ref 'AWS::Region', Nope, {DefaultValue: dflt}]\n"
        "      D: !FindInMap [NoMap, a, b]\n";
    fx f;
    fx_open(&f, t, NULL, 0, "us-east-1");
    tn_value v = resolve(&f, "A");
    assert_str(&v, "6.2");
    assert_string_equal(v.provenance, "Mappings.RegionMap.us-east-1.Version");
    v = resolve(&f, "B");
    assert_int_equal(v.kind, TN_V_LIST);
    assert_int_equal(v.u.list.n, 2);
    assert_string_equal(v.u.list.items[1].path, "Resources.R.Properties.B[1]");
    v = resolve(&f, "C");
    assert_str(&v, "dflt");
    v = resolve(&f, "D");
    assert_unknown(&v, "Fn::FindInMap refers to undefined mapping NoMap");
    fx_close(&f);

    fx_open(&f, t, NULL, 0, "eu-west-9");
    v = resolve(&f, "A");
    assert_unknown(&v, "Mappings.RegionMap has no key eu-west-9");
    fx_close(&f);
    fx_open(&f, t, NULL, 0, "eu-west-1");
    v = resolve(&f, "B");
    assert_unknown(&v, "Mappings.RegionMap.eu-west-1 has no key Zones");
    fx_close(&f);
    fx_open(&f, t, NULL, 0, NULL);
    v = resolve(&f, "A");
    assert_unknown(&v, "no region given (pass --region)");
    fx_close(&f);
}

/* ---- conditions and scenarios ---- */

static const char COND_TEMPLATE[] = "Parameters:\n"
                                    "  KeyArn: {Type: String, Default: ''}\n"
                                    "  Stage: {Type: String, Default: dev}\n"
                                    "Conditions:\n"
                                    "  HasKey: !Not [!Equals [!Ref KeyArn, '']]\n"
                                    "  NoKey: !Not [!Condition HasKey]\n"
                                    "  InUs: !Equals [!Ref 'AWS::Region', us-east-1]\n"
                                    "  IsProd: !Equals [!Ref Stage, prod]\n"
                                    "  Loop1: !Condition Loop2\n"
                                    "  Loop2: !Not [!Condition Loop1]\n"
                                    "Resources:\n"
                                    "  R:\n"
                                    "    Type: AWS::X::Thing\n"
                                    "    Properties:\n"
                                    "      Version: !If [InUs, '6.2', '3.2.6']\n"
                                    "      KeyId: !If [HasKey, !Ref KeyArn, !Ref 'AWS::NoValue']\n"
                                    "      Size: !If [NoKey, tiny, big]\n"
                                    "      Same: !If [HasKey, x, x]\n"
                                    "      Names: [!If [Loop1, a, b]]\n"
                                    "      Undef: !If [Nope, a, b]\n"
                                    "  OnlyProd:\n"
                                    "    Type: AWS::X::Thing\n"
                                    "    Condition: IsProd\n"
                                    "    Properties: {Size: tiny}\n"
                                    "  OnlyUs:\n"
                                    "    Type: AWS::X::Thing\n"
                                    "    Condition: InUs\n"
                                    "    Properties: {Size: tiny}\n";

static void test_conditions_pinned_and_free(void **state) {
    (void)state;
    fx f;
    fx_open(&f, COND_TEMPLATE, NULL, 0, "us-east-1");
    tn_cfn_env e = env_of(&f, NULL);
    const char *r;
    assert_int_equal(tn_cfn_cond_value(&e, "InUs", 4, &r), TN_TRUE);      /* pinned by region */
    assert_int_equal(tn_cfn_cond_value(&e, "HasKey", 6, &r), TN_UNKNOWN); /* free: not --param */
    assert_string_equal(r, "depends on condition HasKey");
    assert_int_equal(tn_cfn_cond_value(&e, "Loop1", 5, &r), TN_UNKNOWN); /* cycle, no hang */
    assert_string_equal(r, "condition Loop1 is circular");
    assert_int_equal(tn_cfn_cond_value(&e, "Nope", 4, &r), TN_UNKNOWN);
    assert_string_equal(r, "condition Nope is not defined");

    tn_value v = resolve(&f, "Version");
    assert_str(&v, "6.2");
    v = resolve(&f, "KeyId");
    assert_unknown(&v, "depends on condition HasKey");
    assert_true(v.maybe_absent);
    v = resolve(&f, "Same");
    assert_str(&v, "x");
    v = resolve(&f, "Undef");
    assert_unknown(&v, "condition Nope is not defined");

    /* scenarios of R: HasKey and NoKey are free (Loop1 is circular, so not
     * enumerated); NoKey contradicts HasKey half the time, so 2 remain. */
    const tn_cfn_res *res = tn_cfn_res_get(&f.cfn, "R", 1);
    tn_cfn_scn *scns;
    size_t n;
    const char *limit;
    assert_int_equal(tn_cfn_scenarios(&f.cfn, res, &f.arena, &scns, &n, &limit), TENET_OK);
    assert_null(limit);
    assert_int_equal(n, 2);
    assert_string_equal(scns[0].name, "when HasKey is true, NoKey is false");
    assert_string_equal(scns[1].name, "when HasKey is false, NoKey is true");
    v = resolve_in(&f, "R", "Names", &scns[0]);
    assert_unknown(&v.u.list.items[0], "condition Loop1 is circular");
    for (size_t i = 0; i < n; i++) {
        tn_value k = resolve_in(&f, "R", "KeyId", &scns[i]);
        tn_value s = resolve_in(&f, "R", "Size", &scns[i]);
        if (scns[i].vals[0] == TN_TRUE) {
            assert_str(&k, ""); /* the default of KeyArn */
            assert_str(&s, "big");
        } else {
            assert_int_equal(k.kind, TN_V_ABSENT);
            assert_str(&s, "tiny");
        }
    }
    fx_close(&f);

    /* --param pins HasKey: no scenarios for it */
    tenet_param p[] = {{"KeyArn", "arn:aws:kms:us-east-1:1:key/x"}};
    fx_open(&f, COND_TEMPLATE, p, 1, "eu-west-1");
    e = env_of(&f, NULL);
    assert_int_equal(tn_cfn_cond_value(&e, "HasKey", 6, &r), TN_TRUE);
    assert_int_equal(tn_cfn_cond_value(&e, "NoKey", 5, &r), TN_FALSE);
    v = resolve(&f, "Version");
    assert_str(&v, "3.2.6");
    v = resolve(&f, "KeyId");
    assert_str(&v, "arn:aws:kms:us-east-1:1:key/x");
    res = tn_cfn_res_get(&f.cfn, "R", 1);
    assert_int_equal(tn_cfn_scenarios(&f.cfn, res, &f.arena, &scns, &n, &limit), TENET_OK);
    assert_int_equal(n, 1); /* nothing is free */
    assert_null(scns[0].name);
    fx_close(&f);
}

static void test_allowed_values_scenarios(void **state) {
    (void)state;
    const char *t = "Parameters:\n"
                    "  NodeType: {Type: String, Default: m5, AllowedValues: [t2, m5, r5, t2]}\n"
                    "  Engine: {Type: String, AllowedValues: [a, b]}\n"
                    "  Unused: {Type: String, AllowedValues: [x, y, z]}\n"
                    "  Single: {Type: String, AllowedValues: [only]}\n"
                    "Conditions:\n"
                    "  Big: !Equals [!Ref NodeType, r5]\n"
                    "Resources:\n"
                    "  R:\n"
                    "    Type: AWS::X::Thing\n"
                    "    Properties:\n"
                    "      Size: !Ref NodeType\n"
                    "      Version: !Sub '${Engine}'\n"
                    "      KeyId: !Ref Single\n"
                    "      Tags: [!Ref Unused]\n";
    fx f;
    fx_open(&f, t, NULL, 0, NULL);
    const tn_cfn_res *res = tn_cfn_res_get(&f.cfn, "R", 1);
    tn_cfn_scn *scns;
    size_t n;
    const char *limit;
    assert_int_equal(tn_cfn_scenarios(&f.cfn, res, &f.arena, &scns, &n, &limit), TENET_OK);
    /* baseline + NodeType {t2, r5} + Engine {b}; Unused is not mapped; Single has one value */
    assert_int_equal(n, 4);
    assert_null(scns[0].name);
    /* in declaration order */
    assert_string_equal(scns[1].name, "NodeType=t2");
    assert_string_equal(scns[2].name, "NodeType=r5");
    assert_string_equal(scns[3].name, "Engine=b");
    tn_value v = resolve_in(&f, "R", "Size", &scns[0]);
    assert_str(&v, "m5");
    assert_string_equal(v.provenance, "Parameters.NodeType Default");
    v = resolve_in(&f, "R", "Version", &scns[0]);
    assert_str(&v, "a"); /* no default: the first allowed value */
    v = resolve_in(&f, "R", "Size", &scns[2]);
    assert_str(&v, "r5");
    assert_string_equal(v.provenance, "Parameters.NodeType AllowedValues");
    v = resolve_in(&f, "R", "Version", &scns[3]);
    assert_str(&v, "b");
    v = resolve_in(&f, "R", "KeyId", &scns[0]);
    assert_str(&v, "only");
    /* conditions see only --param values: Big stays free */
    tn_cfn_env e = env_of(&f, NULL);
    const char *r;
    assert_int_equal(tn_cfn_cond_value(&e, "Big", 3, &r), TN_UNKNOWN);
    fx_close(&f);

    /* a --param removes the parameter's variants */
    tenet_param p[] = {{"NodeType", "t2"}};
    fx_open(&f, t, p, 1, NULL);
    res = tn_cfn_res_get(&f.cfn, "R", 1);
    assert_int_equal(tn_cfn_scenarios(&f.cfn, res, &f.arena, &scns, &n, &limit), TENET_OK);
    assert_int_equal(n, 2);
    assert_string_equal(scns[1].name, "Engine=b");
    fx_close(&f);
}

static void test_scenario_limit(void **state) {
    (void)state;
    const char *t = "Parameters:\n"
                    "  A: {Type: String, Default: ''}\n"
                    "  N: {Type: String, Default: x, AllowedValues: [x, y, z]}\n"
                    "Conditions:\n"
                    "  C1: !Equals [!Ref A, '1']\n"
                    "  C2: !Equals [!Ref A, '2']\n"
                    "  C3: !Equals [!Ref A, '3']\n"
                    "Resources:\n"
                    "  R:\n"
                    "    Type: AWS::X::Thing\n"
                    "    Properties:\n"
                    "      Size: !Ref N\n"
                    "      Version: !If [C1, '1', !If [C2, '2', !If [C3, '3', '4']]]\n";
    fx f;
    /* 8 condition assignments x 3 parameter choices = 24 > 10: drop choices */
    fx_open_ex(&f, t, NULL, 0, NULL, 10);
    const tn_cfn_res *res = tn_cfn_res_get(&f.cfn, "R", 1);
    tn_cfn_scn *scns;
    size_t n;
    const char *limit;
    assert_int_equal(tn_cfn_scenarios(&f.cfn, res, &f.arena, &scns, &n, &limit), TENET_OK);
    assert_int_equal(n, 8);
    assert_non_null(limit);
    assert_non_null(strstr(limit, "N=y, N=z"));
    fx_close(&f);

    /* a limit of 4 enumerates two conditions; the third becomes unknown */
    fx_open_ex(&f, t, NULL, 0, NULL, 4);
    res = tn_cfn_res_get(&f.cfn, "R", 1);
    assert_int_equal(tn_cfn_scenarios(&f.cfn, res, &f.arena, &scns, &n, &limit), TENET_OK);
    assert_int_equal(n, 4);
    assert_non_null(strstr(limit, "conditions C3 are not enumerated"));
    tn_value v = resolve_in(&f, "R", "Version", &scns[3]); /* C1 false, C2 false */
    assert_unknown(&v, "too many conditions to enumerate (3)");
    v = resolve_in(&f, "R", "Version", &scns[0]);
    assert_str(&v, "1");
    fx_close(&f);
}

/* ---- subjects, lookups and links ---- */

static const tn_value *field(const tn_subject *s, const char *name) {
    long i = tn_kind_field(s->kind, name);
    assert_true(i >= 0);
    return &s->fields[i];
}

static const char LINK_TEMPLATE[] = "Conditions:\n"
                                    "  Never: !Equals [a, b]\n"
                                    "Resources:\n"
                                    "  Key:\n"
                                    "    Type: AWS::X::Key\n"
                                    "    DeletionPolicy: Retain\n"
                                    "    Properties: {Rotate: 'true'}\n"
                                    "  R:\n"
                                    "    Type: AWS::X::Thing\n"
                                    "    DeletionPolicy: Snapshot\n"
                                    "    Properties:\n"
                                    "      KeyId: !GetAtt Key.Arn\n"
                                    "      OtherKey: !Ref R2\n"
                                    "      AnyRef: !Ref Key\n"
                                    "      Peer: !Ref R2\n"
                                    "      Config: !If [Never, {Inner: no}, {Inner: yes-inner}]\n"
                                    "      Items: [a, !Ref AWS::NoValue, b, c]\n"
                                    "      Enabled: 'true'\n"
                                    "      Count: '3'\n"
                                    "  R2:\n"
                                    "    Type: AWS::X::Thing\n"
                                    "    Properties:\n"
                                    "      Peer: !Ref R\n";

static void test_subject_and_links(void **state) {
    (void)state;
    fx f;
    fx_open(&f, LINK_TEMPLATE, NULL, 0, "us-east-1");
    const tn_cfn_res *r = tn_cfn_res_get(&f.cfn, "R", 1);
    tn_subject s;
    assert_int_equal(tn_cfn_build_subject(&f.cfn, r, NULL, 0, &f.arena, &s), TENET_OK);
    assert_string_equal(s.name, "R");
    assert_string_equal(s.type, "AWS::X::Thing");
    assert_string_equal(s.format, "cloudformation");
    assert_string_equal(s.path, "Resources.R");
    assert_string_equal(s.region, "us-east-1");
    assert_int_equal(s.op, TN_OP_CREATE);
    assert_null(s.scenario);

    const tn_value *k = field(&s, "key");
    assert_int_equal(k->kind, TN_V_UNKNOWN);
    assert_false(k->maybe_absent);
    assert_string_equal(k->reason, "refers to resource Key (its value is known only after deploy)");
    assert_string_equal(k->path, "Resources.R.Properties.KeyId");
    assert_non_null(k->link);
    assert_string_equal(k->link->name, "Key");
    assert_string_equal(field(k->link, "deletion_policy")->text, "Retain");
    assert_true(field(k->link, "rotation")->u.b);
    /* OtherKey may only link to a test.key: R2 is a thing */
    assert_null(field(&s, "other")->link);
    /* no ref: any kind */
    assert_non_null(field(&s, "anyref")->link);
    assert_ptr_equal(field(&s, "anyref")->link, k->link); /* cached per scenario */
    /* a cycle R -> R2 -> R ends */
    const tn_value *peer = field(&s, "peer");
    assert_non_null(peer->link);
    assert_string_equal(peer->link->name, "R2");
    const tn_value *back = field(peer->link, "peer");
    assert_non_null(back->link);
    assert_string_equal(back->link->name, "R");

    assert_string_equal(field(&s, "policy")->text, "Snapshot");
    assert_string_equal(field(&s, "policy")->path, "Resources.R.DeletionPolicy");
    assert_string_equal(field(&s, "nested")->text, "yes-inner");
    assert_string_equal(field(&s, "nested")->path, "Resources.R.Properties.Config.Inner");
    assert_string_equal(field(&s, "item")->text, "b"); /* NoValue dropped before indexing */
    assert_true(field(&s, "enabled")->u.b);
    assert_int_equal(field(&s, "count")->u.i, 3);
    assert_int_equal(field(&s, "version")->kind, TN_V_ABSENT);
    fx_close(&f);
}

/* Scenarios share the values that do not depend on them: each cached
 * build equals a build from scratch, fields that read the same parts of the
 * scenario get the same id, and the others different ones. */
static const char SHARE_TEMPLATE[] =
    "Parameters:\n"
    "  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}\n"
    "  Node: {Type: String, Default: m5, AllowedValues: [m5, r5, t2]}\n"
    "Conditions:\n"
    "  IsProd: !Equals [!Ref Env, prod]\n"
    "  Big: !Equals [!Ref Node, r5]\n"
    "  InUs: !Equals [!Ref 'AWS::Region', us-east-1]\n"
    "Resources:\n"
    "  Key:\n"
    "    Type: AWS::X::Key\n"
    "    DeletionPolicy: Retain\n"
    "  R:\n"
    "    Type: AWS::X::Thing\n"
    "    Properties:\n"
    "      Version: '6.2'\n"
    "      Size: !Ref Node\n"
    "      KeyId: !If [IsProd, !GetAtt Key.Arn, !Ref 'AWS::NoValue']\n"
    "      Count: !If [Big, 3, 1]\n"
    "      Enabled: !If [InUs, true, false]\n"
    "      Names: [!If [IsProd, a, b], !Sub '${Node}-x']\n";

static void assert_same_value(const tn_value *a, const tn_value *b) {
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->maybe_absent, b->maybe_absent);
    assert_int_equal(a->has_span, b->has_span);
    assert_int_equal(a->span.line, b->span.line);
    assert_int_equal(a->span.col, b->span.col);
    assert_int_equal(a->len, b->len);
    const char *sa[] = {a->text, a->path, a->reason, a->provenance};
    const char *sb[] = {b->text, b->path, b->reason, b->provenance};
    for (int i = 0; i < 4; i++) {
        assert_true((sa[i] == NULL) == (sb[i] == NULL));
        if (sa[i])
            assert_string_equal(sa[i], sb[i]);
    }
    assert_true((a->link == NULL) == (b->link == NULL));
    if (a->link)
        assert_string_equal(a->link->name, b->link->name);
    if (a->kind == TN_V_BOOL)
        assert_int_equal(a->u.b, b->u.b);
    if (a->kind == TN_V_INT)
        assert_int_equal(a->u.i, b->u.i);
    if (a->kind == TN_V_LIST) {
        assert_int_equal(a->u.list.n, b->u.list.n);
        for (size_t i = 0; i < a->u.list.n; i++)
            assert_same_value(&a->u.list.items[i], &b->u.list.items[i]);
    }
}

static void test_scenarios_share_values(void **state) {
    (void)state;
    fx f;
    fx_open(&f, SHARE_TEMPLATE, NULL, 0, "us-east-1");
    const tn_cfn_res *r = tn_cfn_res_get(&f.cfn, "R", 1);
    tn_cfn_scn *scns;
    size_t n;
    const char *limit;
    assert_int_equal(tn_cfn_scenarios(&f.cfn, r, &f.arena, &scns, &n, &limit), TENET_OK);
    /* IsProd and Big free (InUs is pinned by the region), times Node {m5, r5, t2} */
    assert_int_equal(n, 12);
    tn_cfn_fcache cache = {0};
    tn_subject *cached = tn_arena_calloc(&f.arena, n, sizeof *cached);
    assert_non_null(cached);
    for (size_t i = 0; i < n; i++) {
        tn_subject fresh;
        assert_int_equal(
            tn_cfn_build_subject_cached(&f.cfn, r, &scns[i], 0, &f.arena, &cache, &cached[i]),
            TENET_OK);
        assert_int_equal(tn_cfn_build_subject(&f.cfn, r, &scns[i], 0, &f.arena, &fresh),
                         TENET_OK);
        assert_null(fresh.field_ids);
        assert_non_null(cached[i].field_ids);
        for (size_t k = 0; k < r->kind->nfields; k++)
            assert_same_value(&cached[i].fields[k], &fresh.fields[k]);
    }
    long version = tn_kind_field(r->kind, "version"), size = tn_kind_field(r->kind, "size");
    long key = tn_kind_field(r->kind, "key"), count = tn_kind_field(r->kind, "count");
    long enabled = tn_kind_field(r->kind, "enabled"), names = tn_kind_field(r->kind, "names");
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            const uint32_t *a = cached[i].field_ids, *b = cached[j].field_ids;
            bool prod = scns[i].vals[0] == scns[j].vals[0];
            bool big = scns[i].vals[1] == scns[j].vals[1];
            bool node = scns[i].value == scns[j].value; /* the same choice of Node */
            assert_int_equal(a[version], b[version]);
            assert_int_equal(a[enabled], b[enabled]); /* InUs is the region's */
            assert_true((a[size] == b[size]) == node);
            assert_true((a[key] == b[key]) == prod);
            assert_true((a[count] == b[count]) == big);
            assert_true((a[names] == b[names]) == (prod && node));
            if (a[key] == b[key]) /* one value: pointers and all */
                assert_ptr_equal(cached[i].fields[key].link, cached[j].fields[key].link);
        }
    }
    /* the linked key depends on no scenario: one subject for all of them */
    for (size_t i = 0; i < n; i++)
        if (scns[i].vals[0] == TN_TRUE)
            assert_ptr_equal(cached[i].fields[key].link, cached[0].fields[key].link);
    fx_close(&f);
}

/* ---- end to end through the public API ---- */

typedef struct diag_list {
    tenet_report *report;
    size_t n;
} diag_list;

static diag_list check_ex(const char *text, const char *const *regions, size_t nregions,
                          const tenet_param *params, size_t np, size_t max_scenarios) {
    diag_list d = {0};
    assert_int_equal(tenet_report_new(&d.report), TENET_OK);
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.filename = "t.yaml";
    o.regions = regions;
    o.region_count = nregions;
    o.params = params;
    o.param_count = np;
    o.max_scenarios = max_scenarios;
    o.input_format = input_format;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rc = tenet_check(d.report, rs, text, strlen(text), &o, &err);
    if (rc != TENET_OK)
        fail_msg("check: %s", err.message);
    d.n = tenet_report_count(d.report);
    return d;
}

static diag_list check(const char *text, const char *region) {
    const char *regions[1] = {region};
    return check_ex(text, regions, region ? 1 : 0, NULL, 0, 0);
}

/* The index-th diagnostic of `rule`, or -1. */
static int find(const diag_list *d, const char *rule, size_t nth, tenet_diagnostic *out) {
    for (size_t i = 0; i < d->n; i++) {
        tenet_diagnostic x;
        assert_int_equal(tenet_report_get(d->report, i, &x), TENET_OK);
        if (x.rule && strcmp(x.rule, rule) == 0 && nth-- == 0) {
            if (out)
                *out = x;
            return (int)i;
        }
    }
    return -1;
}

static size_t count(const diag_list *d, const char *rule) {
    size_t n = 0;
    while (find(d, rule, n, NULL) >= 0)
        n++;
    return n;
}

static void test_e2e_findings(void **state) {
    (void)state;
    diag_list d = check("AWSTemplateFormatVersion: '2010-09-09'\n"
                        "Parameters:\n"
                        "  Ver: {Type: String, Default: 4.0.10, AllowedValues: [4.0.10, 3.2.10]}\n"
                        "Resources:\n"
                        "  Cache:\n"
                        "    Type: AWS::X::Thing\n"
                        "    Properties:\n"
                        "      Enabled: true\n"
                        "      Version: !Ref Ver\n"
                        "      KeyId: !Ref Key\n"
                        "  Key:\n"
                        "    Type: AWS::X::Key\n",
                        "us-east-1");
    tenet_diagnostic x;
    assert_true(find(&d, "T-001", 0, &x) >= 0);
    assert_string_equal(x.verdict, "fail");
    assert_string_equal(x.message, "version 3.2.10 is too old");
    assert_string_equal(x.scenario, "Ver=3.2.10");
    assert_string_equal(x.path, "Resources.Cache.Properties.Version");
    assert_int_equal(x.line, 9);
    assert_int_equal(x.column, 16);
    assert_string_equal(x.subject, "Cache");
    assert_true(find(&d, "T-002", 0, &x) >= 0); /* the key's DeletionPolicy defaults to Delete */
    assert_string_equal(x.verdict, "fail");
    assert_null(x.scenario); /* in every scenario */
    tenet_report_free(d.report);
}

static void test_e2e_resource_condition(void **state) {
    (void)state;
    const char *t = "Parameters:\n"
                    "  Stage: {Type: String, Default: dev}\n"
                    "Conditions:\n"
                    "  IsProd: !Equals [!Ref Stage, prod]\n"
                    "  InCn: !Equals [!Ref 'AWS::Region', cn-north-1]\n"
                    "Resources:\n"
                    "  P:\n"
                    "    Type: AWS::X::Thing\n"
                    "    Condition: IsProd\n"
                    "    Properties: {Size: tiny}\n"
                    "  C:\n"
                    "    Type: AWS::X::Thing\n"
                    "    Condition: InCn\n"
                    "    Properties: {Size: tiny}\n";
    diag_list d = check(t, "us-east-1");
    tenet_diagnostic x;
    assert_int_equal(count(&d, "T-003"), 1); /* C does not exist outside cn-north-1 */
    assert_true(find(&d, "T-003", 0, &x) >= 0);
    assert_string_equal(x.subject, "P");
    assert_null(x.scenario); /* P only exists when IsProd is true: every variant */
    tenet_report_free(d.report);

    tenet_param p[] = {{"Stage", "dev"}};
    const char *regions[] = {"us-east-1"};
    d = check_ex(t, regions, 1, p, 1, 0);
    assert_int_equal(count(&d, "T-003"), 0);
    tenet_report_free(d.report);
}

static void test_e2e_notes(void **state) {
    (void)state;
    tenet_param p[] = {{"Typo", "1"}};
    diag_list d = check_ex("Transform: AWS::Serverless-2016-10-31\n"
                           "Resources:\n"
                           "  F: {Type: 'AWS::Serverless::Function'}\n",
                           NULL, 0, p, 1, 0);
    tenet_diagnostic x;
    assert_true(find(&d, "transform-not-expanded", 0, &x) >= 0);
    assert_string_equal(x.verdict, "note");
    assert_int_equal(x.severity, TENET_SEVERITY_INFO);
    assert_string_equal(x.message, "Transform AWS::Serverless-2016-10-31 is not expanded: "
                                   "resources it would generate are not checked");
    assert_int_equal(x.line, 1);
    assert_int_equal(count(&d, "transform-not-expanded"), 1);
    assert_true(find(&d, "unknown-parameter", 0, &x) >= 0);
    assert_int_equal(x.severity, TENET_SEVERITY_WARNING);
    tenet_report_free(d.report);

    /* scenario-limit: once per resource, even across regions */
    const char *regions[] = {"us-east-1", "eu-west-1"};
    d = check_ex("Parameters:\n"
                 "  S: {Type: String, Default: a, AllowedValues: [a, b, c, tiny]}\n"
                 "Resources:\n"
                 "  R:\n"
                 "    Type: AWS::X::Thing\n"
                 "    Properties: {Size: !Ref S}\n",
                 regions, 2, NULL, 0, 2);
    assert_int_equal(count(&d, "scenario-limit"), 1);
    assert_int_equal(count(&d, "T-003"), 0); /* tiny was past the limit */
    tenet_report_free(d.report);
}

static void test_e2e_corner_templates(void **state) {
    (void)state;
    /* none of these may crash or invent findings */
    const char *inputs[] = {
        "[1, 2]\n",
        "Resources: 3\n",
        "Resources:\n  A: 1\n  B: {Properties: {}}\n  C: {Type: [x]}\n",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
        "Resources:\n  R:\n    Type: AWS::X::Thing\n    Properties: !If [C, {Size: tiny}, {}]\n",
        "Resources:\n  R:\n    Type: AWS::X::Thing\n    Properties:\n      Size: !Ref\n",
        "Resources:\n  R:\n    Type: AWS::X::Thing\n    Properties:\n      Size: !If [a]\n"
        "      Version: !Sub [1, 2]\n      KeyId: !GetAtt nodot\n      Names: !Join x\n"
        "      Count: !Select [x, [1]]\n      Config: {Inner: !FindInMap [a]}\n",
        "{\"Resources\": {\"R\": {\"Type\": \"AWS::X::Thing\", \"Properties\": "
        "{\"Size\": {\"Fn::If\": [\"C\", \"tiny\", {\"Ref\": \"AWS::NoValue\"}]}}}}}\n",
        "Conditions:\n  A: !Condition B\n  B: !Condition A\nResources:\n  R:\n"
        "    Type: AWS::X::Thing\n    Condition: A\n    Properties: {Size: !If [B, tiny, big]}\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        /* Forced to cloudformation: either judged, or refused as not a
         * template (EFORMAT) — never a crash. */
        tenet_report *r = NULL;
        assert_int_equal(tenet_report_new(&r), TENET_OK);
        tenet_check_options o;
        tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
        o.filename = "t.yaml";
        o.input_format = "cloudformation";
        tenet_error err;
        int rc = tenet_check(r, rs, inputs[i], strlen(inputs[i]), &o, &err);
        assert_true(rc == TENET_OK || rc == TENET_EFORMAT);
        tenet_report_free(r);
    }
    diag_list d = check(inputs[4], NULL);
    tenet_diagnostic x;
    assert_true(find(&d, "T-003", 0, &x) >= 0);
    assert_string_equal(x.verdict, "unknown");
    tenet_report_free(d.report);
}

/* Nested Fn::If on many free conditions (sharing subtrees through YAML
 * aliases) stays fast: past the scenario bound the branches are not all
 * compared. */
static void test_nested_if_bound(void **state) {
    (void)state;
    char t[8192];
    size_t o = 0;
    o += (size_t)snprintf(t + o, sizeof t - o, "Conditions:\n");
    for (int i = 0; i < 16; i++)
        o += (size_t)snprintf(t + o, sizeof t - o, "  C%d: !Equals [!Ref 'AWS::AccountId', '%d']\n",
                              i, i);
    o += (size_t)snprintf(t + o, sizeof t - o,
                          "Resources:\n  R:\n    Type: AWS::X::Thing\n    Properties:\n"
                          "      Count: &l0 !If [C0, '1', '2']\n");
    for (int i = 1; i < 16; i++)
        o += (size_t)snprintf(t + o, sizeof t - o, "      P%d: &l%d !If [C%d, *l%d, *l%d]\n", i, i,
                              i, i - 1, i - 1);
    o += (size_t)snprintf(t + o, sizeof t - o, "      Version: *l15\n");
    assert_true(o < sizeof t);
    diag_list d = check_ex(t, NULL, 0, NULL, 0, 0);
    assert_int_equal(count(&d, "scenario-limit"), 1);
    tenet_report_free(d.report);
}

/* Every allocation failure surfaces as TENET_ENOMEM: no crash, no leak. */
static void test_alloc_failures(void **state) {
    (void)state;
    const char *t = "Transform: X\n"
                    "Parameters:\n"
                    "  V: {Type: String, Default: 3.2.6, AllowedValues: [3.2.6, 6.2]}\n"
                    "  K: {Type: CommaDelimitedList, Default: 'a,b'}\n"
                    "Mappings: {M: {us-east-1: {V: '6.2'}}}\n"
                    "Conditions:\n"
                    "  C: !Equals [!Ref 'AWS::AccountId', '1']\n"
                    "  D: !Not [!Condition C]\n"
                    "Resources:\n"
                    "  Key: {Type: AWS::X::Key, DeletionPolicy: Retain}\n"
                    "  R:\n"
                    "    Type: AWS::X::Thing\n"
                    "    Properties:\n"
                    "      Enabled: true\n"
                    "      Version: !If [C, !Ref V, !FindInMap [M, !Ref 'AWS::Region', V]]\n"
                    "      KeyId: !If [D, !GetAtt Key.Arn, !Ref 'AWS::NoValue']\n"
                    "      Size: !Sub '${AWS::Region}-${V}'\n"
                    "      Names: !Split [',', !Join [',', !Ref K]]\n";
    const char *regions[] = {"us-east-1", "eu-west-1"};
    tenet_param params[] = {{"Nope", "1"}};
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.regions = regions;
    o.region_count = 2;
    o.params = params;
    o.param_count = 1;
    o.input_format = "cloudformation";
    tenet_report *full = NULL;
    assert_int_equal(tenet_report_new(&full), TENET_OK);
    assert_int_equal(tenet_check(full, rs, t, strlen(t), &o, NULL), TENET_OK);
    size_t expected = tenet_report_count(full);
    assert_true(expected >= 4);
    tenet_report_free(full);
    bool ok = false;
    for (long n = 0; n < 20000 && !ok; n++) {
        tenet_report *rep = NULL;
        assert_int_equal(tenet_report_new(&rep), TENET_OK);
        tenet_error err;
        tn_alloc_fail_after(n);
        int rc = tenet_check(rep, rs, t, strlen(t), &o, &err);
        tn_alloc_fail_after(-1);
        if (rc != TENET_OK && rc != TENET_ENOMEM)
            fail_msg("after %ld allocations: status %d (%s)", n, rc, err.message);
        ok = rc == TENET_OK;
        if (ok) /* the same report as without failures */
            assert_int_equal(tenet_report_count(rep), expected);
        tenet_report_free(rep);
    }
    assert_true(ok);
}

/* ---- detection and the registry ---- */

static int detect(const char *text) {
    tn_doc *doc = NULL;
    tenet_error err;
    if (tn_doc_parse(&doc, text, strlen(text), "t", NULL, &err) != TENET_OK)
        return -1;
    int s = tn_frontend_cloudformation.detect(text, strlen(text), doc);
    tn_doc_free(doc);
    return s;
}

static void test_detect_and_registry(void **state) {
    (void)state;
    assert_int_equal(detect("AWSTemplateFormatVersion: '2010-09-09'\n"), 90);
    assert_int_equal(detect("Resources: {R: {Type: 'AWS::S3::Bucket'}}\n"), 90);
    assert_int_equal(detect("{\"Resources\": {\"R\": {\"Type\": \"Custom::X\"}}}"), 90);
    assert_int_equal(detect("Resources: {R: {Type: aws_s3_bucket}}\n"), 0);
    assert_int_equal(detect("resource_changes: []\n"), 0);
    assert_int_equal(detect("- a\n"), 0);
    assert_int_equal(tn_frontend_cloudformation.detect("x", 1, NULL), 0);

    assert_ptr_equal(tn_frontend_find("cloudformation"), &tn_frontend_cloudformation);
    assert_ptr_equal(tn_frontend_find("cfn"), &tn_frontend_cloudformation);
    assert_null(tn_frontend_find("nope"));
    assert_null(tn_frontend_find(NULL));
    /* every registered name is listed */
    const char *names = tn_frontend_names();
    const char *all[] = {"cloudformation", "terraform-plan"};
    for (size_t i = 0; i < 2; i++) {
        const tn_frontend *fe = tn_frontend_find(all[i]);
        assert_non_null(fe);
        assert_non_null(strstr(names, fe->name));
    }
    tn_doc *doc = NULL;
    tenet_error err;
    const char *t = "AWSTemplateFormatVersion: '2010-09-09'\n";
    assert_int_equal(tn_doc_parse(&doc, t, strlen(t), "t", NULL, &err), TENET_OK);
    assert_ptr_equal(tn_frontend_detect(t, strlen(t), doc), &tn_frontend_cloudformation);
    tn_doc_free(doc);
    assert_null(tn_frontend_detect("x", 1, NULL));
}

/* ---- hostile scale: nothing quadratic, nothing amplified without bound ---- */

static size_t pow2_at_least(size_t n) {
    size_t c = 64;
    while (c < n) c *= 2;
    return c;
}

/* Appends to a buffer whose size is always pow2_at_least(*len + 1): growth
 * by doubling, so building a large template stays linear (also under ASan,
 * whose realloc always copies). */
static char *grow(char *buf, size_t *len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    size_t need = *len + (size_t)n + 1;
    if (!buf || need > pow2_at_least(*len + 1)) {
        char *nb = realloc(buf, pow2_at_least(need));
        assert_non_null(nb);
        buf = nb;
    }
    memcpy(buf + *len, tmp, (size_t)n + 1);
    *len += (size_t)n;
    return buf;
}

static double seconds_since(clock_t t0) { return (double)(clock() - t0) / CLOCKS_PER_SEC; }

/* Before: every allowed value was compared with every other (minutes for
 * 50,000 values), and the limit note listed all of them. */
static void test_many_allowed_values(void **state) {
    (void)state;
    char *t = NULL;
    size_t len = 0;
    for (int p = 0; p < 2; p++) {
        t = grow(t, &len, p ? "  N:\n    Type: String\n    AllowedValues: [" :
                              "Parameters:\n  V:\n    Type: String\n    AllowedValues: [");
        for (int i = 0; i < 50000; i++) t = grow(t, &len, "%sv%d", i ? ", " : "", i % 40000);
        t = grow(t, &len, "]\n");
    }
    t = grow(t, &len, "Resources:\n  R:\n    Type: AWS::X::Thing\n"
                      "    Properties: {Enabled: true, Version: !Ref V, Size: !Ref N}\n");
    clock_t t0 = clock();
    diag_list d = check(t, NULL);
    assert_true(seconds_since(t0) < 20.0);
    tenet_diagnostic x;
    assert_true(find(&d, "scenario-limit", 0, &x) >= 0);
    assert_non_null(strstr(x.message, " more"));
    assert_true(strlen(x.message) < 2000);
    tenet_report_free(d.report);
    free(t);
}

/* Before: each reference was looked up in a list of the ones seen (and the
 * lists insertion-sorted), quadratic in the references of one resource. */
static void test_many_references(void **state) {
    (void)state;
    enum { N = 20000 };
    char *t = NULL;
    size_t len = 0;
    t = grow(t, &len, "Parameters:\n  P: {Type: String}\n");
    for (int i = N - 1; i >= 0; i--) t = grow(t, &len, "  Q%d: {Type: String}\n", i);
    t = grow(t, &len, "Conditions:\n");
    for (int i = N - 1; i >= 0; i--) t = grow(t, &len, "  C%d: !Equals [!Ref P, x%d]\n", i, i);
    t = grow(t, &len, "Resources:\n  R:\n    Type: AWS::X::Thing\n    Properties:\n"
                      "      Names: [");
    for (int i = 0; i < N; i++) t = grow(t, &len, "%s!If [C%d, a, b]", i ? ", " : "", i);
    t = grow(t, &len, "]\n      Size: !Sub \"");
    for (int i = 0; i < N; i++) t = grow(t, &len, "${Q%d}", i);
    t = grow(t, &len, "\"\n");
    clock_t t0 = clock();
    diag_list d = check(t, NULL);
    assert_true(seconds_since(t0) < 20.0);
    assert_int_equal(count(&d, "scenario-limit"), 1);
    tenet_report_free(d.report);
    free(t);
}

/* Before: a 2 KB template whose aliases expand to ~300,000 values (within
 * max_alias_nodes) was resolved once per scenario (256), taking minutes and
 * gigabytes, and every message repeated the whole list. */
static void test_alias_amplification(void **state) {
    (void)state;
    char *t = NULL;
    size_t len = 0;
    t = grow(t, &len, "Metadata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 5; i++)
        t = grow(t, &len, "  a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
                 i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    t = grow(t, &len, "Parameters:\n  V: {Type: String, AllowedValues: [");
    for (int i = 0; i < 300; i++) t = grow(t, &len, "%s'1.%d'", i ? ", " : "", i);
    t = grow(t, &len, "]}\nResources:\n  R:\n    Type: AWS::X::Thing\n    Properties:\n"
                      "      Enabled: true\n      Version: !Ref V\n      Size: tiny\n"
                      "      Names: *a4\n      Config: {Inner: *a4}\n      Items: [*a4, *a4]\n");
    clock_t t0 = clock();
    diag_list d = check(t, NULL);
    assert_true(seconds_since(t0) < 20.0);
    tenet_diagnostic x;
    assert_true(find(&d, "scenario-limit", 0, &x) >= 0);
    assert_non_null(strstr(x.message, "values per scenario"));
    for (size_t i = 0; i < d.n; i++) {
        assert_int_equal(tenet_report_get(d.report, i, &x), TENET_OK);
        assert_true(strlen(x.message) < 2000);
    }
    tenet_report_free(d.report);
    free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intrinsic_detection),
        cmocka_unit_test(test_short_equals_long),
        cmocka_unit_test(test_ref_params),
        cmocka_unit_test(test_novalue),
        cmocka_unit_test(test_sub_join),
        cmocka_unit_test(test_findinmap),
        cmocka_unit_test(test_conditions_pinned_and_free),
        cmocka_unit_test(test_allowed_values_scenarios),
        cmocka_unit_test(test_scenario_limit),
        cmocka_unit_test(test_subject_and_links),
        cmocka_unit_test(test_scenarios_share_values),
        cmocka_unit_test(test_e2e_findings),
        cmocka_unit_test(test_e2e_resource_condition),
        cmocka_unit_test(test_e2e_notes),
        cmocka_unit_test(test_e2e_corner_templates),
        cmocka_unit_test(test_nested_if_bound),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_detect_and_registry),
        cmocka_unit_test(test_many_allowed_values),
        cmocka_unit_test(test_many_references),
        cmocka_unit_test(test_alias_amplification),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
