/* The rule-pack compiler: the IR of a valid pack, every class of load error
 * (with its line, column and message), multi-pack rules, the public ruleset
 * API, and robustness against malformed packs. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, unlink */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "eval/regex.h"
#include "eval/version.h"
#include "rules/ir.h"
#include "tenet/ruleset.h"
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char GOOD[] =
    "tenet: 1\n"
    "name: demo\n"
    "title: Demo pack\n"
    "data_as_of: \"2019-11\"\n"
    "source: Somewhere\n"
    "regions: $aws_regions\n"
    "sets:\n"
    "  aws_regions: [us-east-1, us-west-2, cn-north-1]\n"
    "  no_rest: [cn-north-1]\n"
    "kinds:\n"
    "  svc.group:\n"
    "    title: A group\n"
    "    fields:\n"
    "      engine:          {type: string, default: redis}\n"
    "      engine_version:  {type: version}\n"
    "      node_type:       {type: string}\n"
    "      node_family:     {type: string, derive: {from: node_type, extract: "
    "'^cache\\.([a-z0-9]+)\\.'}}\n"
    "      at_rest:         {type: bool, default: \"TRUE\"}\n"
    "      kms_key_id:      {type: string, ref: [kms.key, kms.alias]}\n"
    "      num_node_groups: {type: int, default: 1}\n"
    "      ratio:           {type: number, default: 2}\n"
    "      cluster_mode:    {type: any}\n"
    "      deletion_policy: {type: string}\n"
    "    cloudformation:\n"
    "      type: AWS::X::Group\n"
    "      fields:\n"
    "        engine: Engine\n"
    "        deletion_policy: /DeletionPolicy\n"
    "        node_type: \"Props['a.b'][2].c\"\n"
    "    terraform:\n"
    "      type: [aws_x_group, aws_x_group2]\n"
    "      fields:\n"
    "        num_node_groups: [num_node_groups, \"cluster_mode[0].num_node_groups\"]\n"
    "        cluster_mode: {path: cluster_mode, type: string}\n"
    "    api:\n"
    "      operations: {CreateGroup: create, ModifyGroup: update}\n"
    "      fields: {engine: Engine, at_rest: AtRestEncryptionEnabled}\n"
    "      parameters:\n"
    "        CreateGroup: [GroupId, Engine]\n"
    "  kms.key:\n"
    "    fields:\n"
    "      deletion_policy: {type: string}\n"
    "      alias: {type: string, ref: kms.alias}\n"
    "  kms.alias:\n"
    "    fields:\n"
    "      target: {type: string}\n"
    "rules:\n"
    "  - id: EC-AR-001\n"
    "    title: Needs 3.2.6 or 4.0.10+\n"
    "    kind: svc.group\n"
    "    on: [update, create]\n"
    "    severity: error\n"
    "    when: {at_rest: {is: true}}\n"
    "    require: {engine_version: {any: [{equals: \"3.2.6\"}, {version: \">= 4.0.10\"}]}}\n"
    "    message: \"Redis {engine_version} in {@region}; {kms_key_id->alias->target}\"\n"
    "    fix: set the engine version\n"
    "    at: engine_version\n"
    "    on_unknown: pass\n"
    "    suppressible: false\n"
    "  - id: EC-AR-002\n"
    "    kind: svc.group\n"
    "    severity: warning\n"
    "    when:\n"
    "      \"@region\": {in: $no_rest}\n"
    "      any:\n"
    "        - num_node_groups: {gt: 1}\n"
    "        - cluster_mode: enabled\n"
    "      not: {node_type: {matches: '^cache\\.t[12]\\.'}}\n"
    "    message: \"no {kms_key_id->deletion_policy}\"\n";

static tenet_ruleset *compile_ok(const char *text) {
    tenet_rules_source src = {"good.yaml", text, strlen(text)};
    tenet_ruleset *rs = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rv = tenet_ruleset_compile(&rs, &src, 1, &err);
    if (rv) fail_msg("compile failed: %s:%u:%u: %s", err.source, err.line, err.column, err.message);
    return rs;
}

static void test_valid_pack_ir(void **state) {
    (void)state;
    tenet_ruleset *rs = compile_ok(GOOD);
    assert_int_equal(rs->npacks, 1);
    assert_string_equal(rs->packs[0].name, "demo");
    assert_string_equal(rs->packs[0].data_as_of, "2019-11");
    assert_string_equal(rs->packs[0].file, "good.yaml");

    /* sets and regions */
    assert_int_equal(rs->nsets, 2);
    const tn_set *regs = tn_ruleset_set(rs, "aws_regions");
    assert_non_null(regs);
    assert_ptr_equal(tn_ruleset_set(rs, "$aws_regions"), regs);
    assert_int_equal(regs->n, 3);
    assert_string_equal(regs->values[2], "cn-north-1");
    assert_ptr_equal(rs->regions, regs);
    assert_true(tn_set_contains(regs, "us-west-2", 9));
    assert_false(tn_set_contains(regs, "us-west", 7));

    /* kinds and fields */
    assert_int_equal(rs->nkinds, 3);
    const tn_kind *k = tn_ruleset_kind(rs, "svc.group");
    assert_non_null(k);
    assert_string_equal(k->title, "A group");
    assert_int_equal(k->nfields, 10);
    long engine = tn_kind_field(k, "engine");
    assert_int_equal(engine, 0);
    assert_int_equal(tn_kind_field(k, "nope"), -1);
    const tn_field *f = &k->fields[engine];
    assert_int_equal(f->type, TN_T_STRING);
    assert_int_equal(f->def.kind, TN_V_STR);
    assert_string_equal(f->def.text, "redis");
    f = &k->fields[tn_kind_field(k, "at_rest")];
    assert_int_equal(f->def.kind, TN_V_BOOL); /* "TRUE" coerced */
    assert_true(f->def.u.b);
    f = &k->fields[tn_kind_field(k, "num_node_groups")];
    assert_int_equal(f->def.kind, TN_V_INT);
    assert_int_equal(f->def.u.i, 1);
    f = &k->fields[tn_kind_field(k, "ratio")];
    assert_int_equal(f->def.kind, TN_V_NUM);
    assert_true(f->def.u.d == 2.0);
    f = &k->fields[tn_kind_field(k, "engine_version")];
    assert_int_equal(f->type, TN_T_VERSION);
    assert_int_equal(f->def.kind, TN_V_ABSENT);
    assert_int_equal(f->derive_from, -1);
    f = &k->fields[tn_kind_field(k, "kms_key_id")];
    assert_int_equal(f->nrefs, 2);
    assert_string_equal(f->refs[1], "kms.alias");
    f = &k->fields[tn_kind_field(k, "node_family")];
    assert_int_equal(f->derive_from, tn_kind_field(k, "node_type"));
    assert_non_null(f->derive);
    assert_int_equal(tn_regex_captures(f->derive), 1);
    assert_int_equal(k->fields[tn_kind_field(k, "cluster_mode")].type, TN_T_ANY);

    /* cloudformation mapping: root path, quoted keys and indices */
    const tn_format_map *cfn = tn_kind_format(k, "cloudformation");
    assert_non_null(cfn);
    assert_int_equal(cfn->ntypes, 1);
    assert_string_equal(cfn->types[0], "AWS::X::Group");
    const tn_field_map *dp = &cfn->fields[tn_kind_field(k, "deletion_policy")];
    assert_int_equal(dp->nalts, 1);
    assert_true(dp->alts[0].root);
    assert_int_equal(dp->alts[0].nsegs, 1);
    assert_string_equal(dp->alts[0].segs[0].key, "DeletionPolicy");
    assert_int_equal(dp->alts[0].want, -1);
    const tn_mapping_alt *nt = &cfn->fields[tn_kind_field(k, "node_type")].alts[0];
    assert_false(nt->root);
    assert_string_equal(nt->text, "Props['a.b'][2].c");
    assert_int_equal(nt->nsegs, 4);
    assert_string_equal(nt->segs[0].key, "Props");
    assert_string_equal(nt->segs[1].key, "a.b");
    assert_int_equal(nt->segs[1].key_len, 3);
    assert_null(nt->segs[2].key);
    assert_int_equal(nt->segs[2].index, 2);
    assert_string_equal(nt->segs[3].key, "c");
    assert_int_equal(cfn->fields[tn_kind_field(k, "ratio")].nalts, 0);

    /* terraform: type list, alternatives, type filter; format alias */
    const tn_format_map *tf = tn_kind_format(k, "terraform");
    assert_ptr_equal(tn_kind_format(k, "terraform-plan"), tf);
    assert_int_equal(tf->ntypes, 2);
    const tn_field_map *nng = &tf->fields[tn_kind_field(k, "num_node_groups")];
    assert_int_equal(nng->nalts, 2);
    assert_int_equal(nng->alts[1].nsegs, 3);
    assert_string_equal(nng->alts[1].segs[0].key, "cluster_mode");
    assert_int_equal(nng->alts[1].segs[1].index, 0);
    assert_int_equal(tf->fields[tn_kind_field(k, "cluster_mode")].alts[0].want, TN_V_STR);

    /* api: operations and parameters */
    const tn_format_map *api = tn_kind_format(k, "api");
    assert_ptr_equal(tn_kind_format(k, "aws-cli"), api);
    assert_int_equal(api->nops, 2);
    assert_string_equal(api->ops[0].name, "CreateGroup");
    assert_int_equal(api->ops[0].op, TN_OP_CREATE);
    assert_int_equal(api->ops[1].op, TN_OP_UPDATE);
    assert_int_equal(api->ops[0].nparams, 2);
    assert_string_equal(api->ops[0].params[1], "Engine");
    assert_int_equal(api->ops[1].nparams, 0);
    assert_int_equal(api->fields[tn_kind_field(k, "at_rest")].nalts, 1);

    const tn_format_map *m = NULL;
    assert_ptr_equal(tn_ruleset_kind_for_type(rs, "cloudformation", "AWS::X::Group", &m), k);
    assert_ptr_equal(m, cfn);
    assert_ptr_equal(tn_ruleset_kind_for_type(rs, "terraform", "aws_x_group2", &m), k);
    assert_ptr_equal(tn_ruleset_kind_for_type(rs, "api", "ModifyGroup", &m), k);
    assert_ptr_equal(m, api);
    assert_null(tn_ruleset_kind_for_type(rs, "cloudformation", "AWS::Y", &m));
    assert_null(m);
    assert_null(tn_kind_format(tn_ruleset_kind(rs, "kms.key"), "cloudformation"));

    /* rule 1 */
    assert_int_equal(rs->nrules, 2);
    const tn_rule *r = &rs->rules[0];
    assert_string_equal(r->id, "EC-AR-001");
    assert_ptr_equal(r->kind, k);
    assert_int_equal(r->ops, TN_OP_CREATE | TN_OP_UPDATE);
    assert_string_equal(r->ops_text, "create,update");
    assert_int_equal(r->severity, TENET_SEVERITY_ERROR);
    assert_int_equal(r->on_unknown, TN_UNKNOWN_PASS);
    assert_false(r->suppressible);
    assert_int_equal(r->span.line, 48);
    assert_non_null(r->at);
    assert_int_equal(r->at->first, tn_kind_field(k, "engine_version"));
    assert_int_equal(r->when->type, TN_COND_FIELD);
    assert_int_equal(r->when->ref.first, tn_kind_field(k, "at_rest"));
    assert_int_equal(r->when->test->type, TN_TEST_OP);
    assert_int_equal(r->when->test->op, TN_OPR_IS);
    assert_int_equal(r->when->test->arg.kind, TN_V_BOOL);
    assert_true(r->when->test->arg.u.b);
    const tn_test *t = r->require->test;
    assert_int_equal(t->type, TN_TEST_ANY);
    assert_int_equal(t->n, 2);
    assert_int_equal(t->kids[0]->op, TN_OPR_EQUALS);
    assert_string_equal(t->kids[0]->arg.text, "3.2.6");
    assert_int_equal(t->kids[1]->op, TN_OPR_VERSION);
    assert_non_null(t->kids[1]->range);
    assert_int_equal(tn_vrange_match(t->kids[1]->range, "4.0.10", 6), TN_TRUE);
    assert_int_equal(tn_vrange_match(t->kids[1]->range, "3.2.10", 6), TN_FALSE);

    /* rule 2: defaults, and a condition tree */
    r = &rs->rules[1];
    assert_string_equal(r->title, "EC-AR-002"); /* no title: the id */
    assert_int_equal(r->ops, TN_OP_CREATE | TN_OP_UPDATE | TN_OP_REPLACE);
    assert_string_equal(r->ops_text, "create,update,replace");
    assert_int_equal(r->severity, TENET_SEVERITY_WARNING);
    assert_int_equal(r->on_unknown, TN_UNKNOWN_REPORT);
    assert_true(r->suppressible);
    assert_null(r->require);
    assert_null(r->fix);
    const tn_cond *c = r->when;
    assert_int_equal(c->type, TN_COND_ALL);
    assert_int_equal(c->n, 3);
    assert_int_equal(c->kids[0]->type, TN_COND_FIELD);
    assert_int_equal(c->kids[0]->ref.pseudo, TN_PSEUDO_REGION);
    assert_int_equal(c->kids[0]->ref.first, -1);
    assert_int_equal(c->kids[0]->test->op, TN_OPR_IN);
    assert_ptr_equal(c->kids[0]->test->set, tn_ruleset_set(rs, "no_rest"));
    assert_int_equal(c->kids[1]->type, TN_COND_ANY);
    assert_int_equal(c->kids[1]->n, 2);
    const tn_test *gt = c->kids[1]->kids[0]->test;
    assert_int_equal(gt->op, TN_OPR_GT);
    assert_int_equal(gt->arg.kind, TN_V_INT);
    assert_int_equal(gt->arg.u.i, 1);
    const tn_test *bare = c->kids[1]->kids[1]->test;
    assert_int_equal(bare->op, TN_OPR_EQUALS); /* bare scalar */
    assert_string_equal(bare->arg.text, "enabled");
    assert_int_equal(c->kids[2]->type, TN_COND_NOT);
    assert_int_equal(c->kids[2]->kids[0]->test->op, TN_OPR_MATCHES);
    assert_non_null(c->kids[2]->kids[0]->test->regex);
    assert_int_equal(c->kids[0]->span.line, 64);
    assert_int_equal(c->kids[0]->span.col, 7);

    tenet_ruleset_free(rs);
}

static void test_fieldrefs(void **state) {
    (void)state;
    static const char pack[] =
        "tenet: 1\nname: refs\n"
        "kinds:\n"
        "  a.x:\n    fields:\n      k: {type: string, ref: [b.y, b.z]}\n      n: {type: int}\n"
        "  b.y:\n    fields:\n      p: {type: string}\n      q: {type: string, ref: a.x}\n"
        "  b.z:\n    fields:\n      q: {type: string, ref: b.y}\n"
        "rules:\n"
        "  - id: R1\n    kind: a.x\n    severity: info\n"
        "    when: {k->q->p: {present: true}, k->q->@kind: a.x, \"k->@name\": {matches: x}}\n"
        "    message: \"{k->q->n} {@operation} {k->q->q->@type}\"\n";
    tenet_ruleset *rs = compile_ok(pack);
    const tn_cond *w = rs->rules[0].when;
    assert_int_equal(w->type, TN_COND_ALL);
    const tn_fieldref *r0 = &w->kids[0]->ref;
    assert_string_equal(r0->text, "k->q->p");
    assert_int_equal(r0->nhops, 3);
    assert_string_equal(r0->hops[0], "k");
    assert_string_equal(r0->hops[1], "q");
    assert_string_equal(r0->hops[2], "p");
    assert_int_equal(r0->first, 0);
    assert_int_equal(r0->pseudo, TN_PSEUDO_NONE);
    const tn_fieldref *r1 = &w->kids[1]->ref;
    assert_int_equal(r1->nhops, 3);
    assert_string_equal(r1->hops[2], "@kind");
    assert_int_equal(r1->pseudo, TN_PSEUDO_KIND);
    assert_int_equal(w->kids[2]->ref.pseudo, TN_PSEUDO_NAME);
    tenet_ruleset_free(rs);
}

/* 1-based line and column of the nth occurrence of `needle` in `text`. */
static void pos_of(const char *text, const char *needle, int nth, unsigned *line, unsigned *col) {
    const char *p = text;
    for (int i = 0; i <= nth; i++) {
        p = strstr(i ? p + 1 : p, needle);
        if (!p) fail_msg("needle '%s' not found", needle);
    }
    *line = 1;
    *col = 1;
    for (const char *q = text; q < p; q++) {
        if (*q == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

#define BASE                                                                                       \
    "tenet: 1\n"                                                                                   \
    "name: t\n"                                                                                    \
    "sets:\n"                                                                                      \
    "  regs: [us-east-1, cn-north-1]\n"                                                            \
    "kinds:\n"                                                                                     \
    "  svc.group:\n"                                                                               \
    "    fields:\n"                                                                                \
    "      engine: {type: string, default: redis}\n"                                               \
    "      engine_version: {type: version}\n"                                                      \
    "      kms_key_id: {type: string, ref: kms.key}\n"                                             \
    "      node_type: {type: string}\n"                                                            \
    "  kms.key:\n"                                                                                 \
    "    fields:\n"                                                                                \
    "      deletion_policy: {type: string}\n"                                                      \
    "rules:\n"                                                                                     \
    "  - id: R-1\n"

#define RULE "    kind: svc.group\n    severity: error\n"

typedef struct err_case {
    const char *text;
    const char *needle; /* where the error must point (first occurrence, or nth) */
    int nth;
    int coloff;      /* added to the needle's column; -1: any column on that line */
    const char *msg; /* substring of the message */
} err_case;

static const err_case cases[] = {
    {BASE RULE "    when: {engine: {equal: redis}}\n    message: m\n", "equal", 0, 0,
     "unknown operator \"equal\" (expected one of: equals, in, matches, "},
    {BASE RULE "    when: {node_type: {matches: '^(cache'}}\n    message: m\n", "^(cache", 0, 7,
     "bad regex \"^(cache\": missing closing parenthesis at offset 7"},
    {BASE RULE "    when: {node_type: {matches: \"^(cache\"}}\n    message: m\n", "^(cache", 0, 7,
     "missing closing parenthesis"},
    {BASE RULE "    when:\n      node_type:\n        matches: ^(cache\n    message: m\n", "^(cache",
     0, 7, "missing closing parenthesis"},
    {BASE RULE "    require: {engine_version: {version: \">= 4.0.x.y\"}}\n    message: m\n",
     ">= 4.0.x.y", 0, -1, "bad version range \">= 4.0.x.y\": "},
    {BASE RULE "    when: {engin: redis}\n    message: m\n", "engin:", 0, 0,
     "unknown field \"engin\" in kind svc.group (did you mean \"engine\"?)"},
    {BASE "    kind: svc.grop\n    severity: error\n    when: {engine: x}\n    message: m\n",
     "svc.grop", 0, 0, "unknown kind \"svc.grop\" (did you mean \"svc.group\"?)"},
    {BASE RULE "    when: {engine: {in: $regionz}}\n    message: m\n", "$regionz", 0, 0,
     "unknown set \"$regionz\""},
    {BASE RULE "    when: {engine: x}\n    message: m\n  - id: R-1\n" RULE
               "    when: {engine: y}\n    message: m\n",
     "R-1", 1, 0, "duplicate rule id \"R-1\" (first defined at line 16)"},
    {BASE "    kind: svc.group\n    severity: fatal\n    when: {engine: x}\n    message: m\n",
     "fatal", 0, 0, "severity must be one of error, warning, info"},
    {BASE RULE "    when: {engine: x}\n", "id: R-1", 0, 0,
     "rule R-1 is missing required key \"message\""},
    {BASE "    kind: svc.group\n    when: {engine: x}\n    message: m\n", "id: R-1", 0, 0,
     "missing required key \"severity\""},
    {BASE RULE "    message: m\n", "id: R-1", 0, 0, "needs a when or a require"},
    {BASE RULE "    when: {engine: x}\n    message: \"Redis {engin_version} bad\"\n",
     "engin_version", 0, 0, "unknown field \"engin_version\""},
    {BASE RULE "    when: {engine: x}\n    message: m\n    fix: \"set {@regoin}\"\n", "@regoin", 0,
     0, "unknown pseudo-field \"@regoin\""},
    {BASE RULE "    when: {engine: x}\n    message: \"Redis {engine\"\n", "{engine\"", 0, 0,
     "unclosed placeholder"},
    {BASE RULE "    when: {kms_key_id->deletion_polcy: {present: true}}\n    message: m\n",
     "deletion_polcy", 0, 0,
     "unknown field \"deletion_polcy\" in kind kms.key (linked from \"kms_key_id\") (did you mean"},
    {BASE RULE "    when: {engine->x: {present: true}}\n    message: m\n", "engine->", 0, 0,
     "field \"engine\" is not a reference"},
    {BASE RULE "    when: {\"@region->engine\": {present: true}}\n    message: m\n", "@region", 0,
     0, "must be the last hop"},
    {BASE RULE "    when: {kms_key_id -> deletion_policy: {present: true}}\n    message: m\n",
     " -> ", 0, 0, "unexpected space in field reference \"kms_key_id -> deletion_policy\""},
    {BASE RULE "    when: {engine: x}\n    message: \"{ engine }{kms_key_id-> x}\"\n", "-> x", 0, 2,
     "unexpected space"},
    {BASE RULE "    when: {engine: {gt: \"x\"}}\n    message: m\n", "\"x\"", 0, 0,
     "gt takes a number"},
    {BASE RULE "    when: {engine: {is: yes please}}\n    message: m\n", "yes please", 0, 0,
     "is takes true or false"},
    {BASE RULE "    when: {engine: {in: 5}}\n    message: m\n", "5}", 0, 0, "in takes a list"},
    {BASE RULE "    when: {engine: {equals: [a]}}\n    message: m\n", "[a]", 0, 0,
     "equals takes a"},
    {BASE RULE "    when: {engine: {in: [a, [b]]}}\n    message: m\n", "[b]", 0, 0,
     "members of in"},
    {BASE RULE "    on: [create, creat]\n    when: {engine: x}\n    message: m\n", "creat]", 0, 0,
     "unknown operation \"creat\" in on"},
    {BASE RULE "    sevrity: x\n    when: {engine: x}\n    message: m\n", "sevrity", 0, 0,
     "unknown key \"sevrity\" in rule R-1 (did you mean \"severity\"?)"},
    {BASE RULE "    when: [engine]\n    message: m\n", "[engine]", 0, 0,
     "a condition must be a mapping"},
    {BASE RULE "    when: {equals: redis}\n    message: m\n", "equals", 0, 0,
     "\"equals\" is an operator, not a field"},
    {BASE RULE "    when: {any: []}\n    message: m\n", "[]", 0, 0,
     "any needs at least one condition"},
    {BASE RULE "    when: {engine: {all: {equals: x}}}\n    message: m\n", "{equals", 0, 0,
     "all must be a list"},
    {BASE RULE "    when: {engine: {}}\n    message: m\n", "{}", 0, 0, "empty test"},
    {BASE RULE "    when: {engine: x}\n    message: m\n    at: engin\n", "engin\n", 0, 0,
     "unknown field \"engin\""},
    {BASE RULE "    when: {engine: x}\n    message: m\n    on_unknown: ignore\n", "ignore", 0, 0,
     "on_unknown must be one of report, pass, fail"},
    {BASE RULE "    when: {engine: x}\n    message: m\n    suppressible: no way\n", "no way", 0, 0,
     "suppressible must be true or false"},
    {BASE "    kind: [svc.group]\n    severity: error\n    when: {engine: x}\n    message: m\n",
     "[svc.group]", 0, 0, "kind must be the name of a kind"},
    {BASE RULE "    when: {engine: x}\n    message: m\n  - id: 9bad\n", "9bad", 0, 0,
     "bad rule id \"9bad\""},
    {BASE RULE "    when: {engine: x}\n    message: m\n  - [not, a, map]\n", "[not", 0, 0,
     "a rule must be a mapping"},

    /* kinds */
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      n: {type: strng}\n", "strng", 0, 0,
     "unknown field type \"strng\" (did you mean \"string\"?)"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      n: {type: int, default: one}\n", "one",
     0, 0, "default of field \"n\" must be an int"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      n: {type: bool, default: \"yes\"}\n",
     "\"yes\"", 0, 0, "default of field \"n\" must be a bool"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      n: {type: list, default: x}\n", "x}", 0,
     0, "must be a list"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      n: {type: string, ref: kms.kye}\n"
     "  kms.key:\n    fields: {}\n",
     "kms.kye", 0, 0, "unknown kind \"kms.kye\" in ref of field \"n\" (did you mean \"kms.key\"?)"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      s: {type: string}\n"
     "      n: {type: string, derive: {from: s, extract: '^cache'}}\n",
     "'^cache'", 0, 0, "needs a capture group"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      s: {type: string}\n"
     "      n: {type: string, derive: {from: t, extract: '^(c)'}}\n",
     "t, ", 0, 0, "unknown field \"t\" in kind a.b"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      s: {type: string}\n"
     "      n: {type: string, derive: {from: s, extract: '^(c'}}\n",
     "^(c'", 0, 3, "bad regex \"^(c\": missing closing parenthesis at offset 3"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      engine: {type: string}\n"
     "    cloudformation:\n      type: AWS::A::B\n      fields: {engin: Engine}\n",
     "engin:", 0, 0, "unknown field \"engin\" in kind a.b (did you mean \"engine\"?)"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      engine: {type: string}\n"
     "    terraform:\n      type: a_b\n      fields: {engine: a..b}\n",
     "a..b", 0, 2, "empty key in path \"a..b\""},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      engine: {type: string}\n"
     "    terraform:\n      type: a_b\n      fields: {engine: \"a[x]\"}\n",
     "a[x]", 0, 1, "bad index in path"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      engine: {type: string}\n"
     "    terraform:\n      type: a_b\n      fields: {engine: [a, {path: b, type: strin}]}\n",
     "strin}", 0, 0, "unknown value type \"strin\""},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      engine: {type: string}\n"
     "    cloudformation:\n      fields: {engine: Engine}\n",
     "fields: {engine", 0, 0,
     "cloudformation mapping of kind a.b is missing required key \"type\""},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      engine: {type: string}\n"
     "    api:\n      operations: {CreateB: make}\n",
     "make", 0, 0, "operation \"CreateB\" must map to one of create"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      engine: {type: string}\n"
     "    api:\n      operations: {CreateB: create}\n      parameters: {CreatB: [X]}\n",
     "CreatB", 0, 0,
     "parameters name operation \"CreatB\", which is not in operations (did you mean"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields: {}\n    cloudformaton: {}\n", "cloudformaton",
     0, 0, "unknown key \"cloudformaton\" in kind a.b (did you mean \"cloudformation\"?)"},
    {"tenet: 1\nname: t\nkinds:\n  Svc.Group:\n    fields: {}\n", "Svc.Group", 0, 0,
     "bad kind name"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields: {}\n    cloudformation: {type: AWS::A}\n"
     "  a.c:\n    fields: {}\n    cloudformation: {type: [AWS::B, AWS::A]}\n",
     "AWS::A]", 0, 0, "cloudformation type \"AWS::A\" is already mapped by kind a.b"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      all: {type: string}\n", "all:", 0, 0,
     "reserved"},
    {"tenet: 1\nname: t\nkinds:\n  a.b:\n    fields:\n      x: [type, string]\n", "[type", 0, 0,
     "field \"x\" must be a mapping"},

    /* top level */
    {"tenet: 1\nname: t\nrulez: []\n", "rulez", 0, 0,
     "unknown key \"rulez\" in the top level of a rules file (did you mean \"rules\"?)"},
    {"tenet: 2\nname: t\n", "2", 0, 0, "unsupported rules format version"},
    {"name: t\n", "name", 0, 0, "missing required key \"tenet\""},
    {"tenet: 1\nname: t\nkinds: []\n", "[]", 0, 0, "kinds must be a mapping"},
    {"tenet: 1\nname: t\nrules: {}\n", "{}", 0, 0, "rules must be a list"},
    {"tenet: 1\nname: t\nsets: {a: [x], a: [y]}\n", "a: [y]", 0, 0, "duplicate key"},
    {"tenet: 1\nname: t\nsets: {a: x}\n", "x}", 0, 0, "a set must be a list"},
    {"tenet: 1\nname: t\nsets: {a-b: [x]}\n", "a-b", 0, 0, "bad set name"},
    {"tenet: 1\nname: t\nregions: $nope\n", "$nope", 0, 0, "unknown set \"$nope\""},
    {"tenet: 1\nname: t\nregions: us-east-1\n", "us-east-1", 0, 0, "regions must be a $set"},
    {"tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: string}}}\n", "\n", 2, -1,
     ""}, /* YAML error */
    {"- just\n- a list\n", "- just", 0, 0, "a rules file must be a mapping"},
};

static void test_error_cases(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const err_case *c = &cases[i];
        tenet_rules_source src = {"bad.yaml", c->text, strlen(c->text)};
        tenet_ruleset *rs = (tenet_ruleset *)&src; /* must be reset to NULL */
        tenet_error err;
        memset(&err, 0, sizeof err);
        int rv = tenet_ruleset_compile(&rs, &src, 1, &err);
        if (rv != TENET_ERULES)
            fail_msg("case %zu (%s): rv %d, message %s", i, c->msg, rv, err.message);
        assert_null(rs);
        assert_int_equal(err.code, TENET_ERULES);
        assert_string_equal(err.source, "bad.yaml");
        unsigned line, col;
        pos_of(c->text, c->needle, c->nth, &line, &col);
        if (c->coloff < 0 && strcmp(c->needle, "\n") == 0) line = err.line; /* parse errors: any */
        if (err.line != line || (c->coloff >= 0 && err.column != col + (unsigned)c->coloff))
            fail_msg("case %zu: got %u:%u, want %u:%u (%s)", i, err.line, err.column, line,
                     col + (unsigned)(c->coloff > 0 ? c->coloff : 0), err.message);
        if (c->coloff < 0 && err.column < 1) fail_msg("case %zu: no column", i);
        if (!strstr(err.message, c->msg))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err.message, c->msg);
    }
}

static void test_yaml_error_position(void **state) {
    (void)state;
    const char *text = "tenet: 1\nname: t\nkinds:\n  a.b: [x\n";
    tenet_rules_source src = {"y.yaml", text, strlen(text)};
    tenet_ruleset *rs = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(tenet_ruleset_compile(&rs, &src, 1, &err), TENET_ERULES);
    assert_int_equal(err.code, TENET_ERULES);
    assert_true(err.line >= 4);
    assert_true(err.column >= 1);
    assert_string_equal(err.source, "y.yaml");

    /* empty file */
    src.data = "";
    src.len = 0;
    assert_int_equal(tenet_ruleset_compile(&rs, &src, 1, &err), TENET_ERULES);
    assert_non_null(strstr(err.message, "empty rules file"));
}

static void test_multi_pack(void **state) {
    (void)state;
    static const char a[] = "tenet: 1\nname: a\nsets: {regs: [x, y]}\n"
                            "kinds:\n  a.k:\n    fields:\n      key: {type: string, ref: b.k}\n"
                            "rules:\n  - id: R-1\n    kind: a.k\n    severity: info\n"
                            "    when: {key->name: {in: $more}}\n    message: \"{key->name}\"\n";
    static const char b[] = "tenet: 1\nname: b\nregions: $regs\nsets: {more: [z]}\n"
                            "kinds:\n  b.k:\n    fields:\n      name: {type: string}\n"
                            "rules:\n  - id: R-2\n    kind: a.k\n    severity: info\n"
                            "    require: {key: {linked: true}}\n    message: m\n";
    tenet_rules_source src[2] = {{"a.yaml", a, strlen(a)}, {"b.yaml", b, strlen(b)}};
    tenet_ruleset *rs = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rv = tenet_ruleset_compile(&rs, src, 2, &err);
    if (rv) fail_msg("%s:%u:%u: %s", err.source, err.line, err.column, err.message);
    assert_int_equal(rs->npacks, 2);
    assert_int_equal(rs->nrules, 2);
    assert_int_equal(rs->rules[1].pack, 1);
    assert_ptr_equal(rs->regions, tn_ruleset_set(rs, "regs"));
    assert_int_equal(tenet_ruleset_pack_count(rs), 2);
    tenet_rule_info info;
    assert_int_equal(tenet_ruleset_rule_info(rs, 1, &info), TENET_OK);
    assert_string_equal(info.pack, "b");
    tenet_ruleset_free(rs);

    /* duplicate rule id across packs names the first file */
    static const char c[] =
        "tenet: 1\nname: c\nrules:\n  - id: R-1\n    kind: a.k\n    severity: info\n"
        "    when: {key: x}\n    message: m\n";
    tenet_rules_source src3[3] = {src[0], src[1], {"c.yaml", c, strlen(c)}};
    assert_int_equal(tenet_ruleset_compile(&rs, src3, 3, &err), TENET_ERULES);
    assert_string_equal(err.source, "c.yaml");
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 9);
    assert_non_null(
        strstr(err.message, "duplicate rule id \"R-1\" (first defined at line 9 of a.yaml)"));

    /* duplicate set and duplicate pack name */
    static const char d[] = "tenet: 1\nname: d\nsets:\n  regs: [q]\n";
    tenet_rules_source src4[2] = {src[0], {"d.yaml", d, strlen(d)}};
    assert_int_equal(tenet_ruleset_compile(&rs, src4, 2, &err), TENET_ERULES);
    assert_string_equal(err.source, "d.yaml");
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.message, "set $regs is already defined (at line 3 of a.yaml)"));
    tenet_rules_source src5[2] = {src[0], src[0]};
    assert_int_equal(tenet_ruleset_compile(&rs, src5, 2, &err), TENET_ERULES);
    assert_non_null(strstr(err.message, "pack a is already loaded"));

    /* a kind defined twice */
    static const char e[] = "tenet: 1\nname: e\nkinds: {b.k: {fields: {}}}\n";
    tenet_rules_source src6[3] = {src[0], src[1], {"e.yaml", e, strlen(e)}};
    assert_int_equal(tenet_ruleset_compile(&rs, src6, 3, &err), TENET_ERULES);
    assert_non_null(strstr(err.message, "kind b.k is defined twice"));
}

static void test_public_api(void **state) {
    (void)state;
    tenet_ruleset *rs = compile_ok(GOOD);
    assert_int_equal(tenet_ruleset_rule_count(rs), 2);
    assert_int_equal(tenet_ruleset_rule_count(NULL), 0);
    tenet_rule_info info;
    assert_int_equal(tenet_ruleset_rule_info(rs, 0, &info), TENET_OK);
    assert_int_equal(info.version, TENET_RULE_INFO_VERSION);
    assert_string_equal(info.id, "EC-AR-001");
    assert_string_equal(info.title, "Needs 3.2.6 or 4.0.10+");
    assert_string_equal(info.kind, "svc.group");
    assert_int_equal(info.severity, TENET_SEVERITY_ERROR);
    assert_string_equal(info.fix, "set the engine version");
    assert_null(info.quote);
    assert_string_equal(info.on_unknown, "pass");
    assert_string_equal(info.pack, "demo");
    assert_string_equal(info.operations, "create,update");
    assert_int_equal(info.suppressible, 0);
    assert_int_equal(tenet_ruleset_rule_info(rs, 2, &info), TENET_EINVAL);
    size_t idx = 99;
    assert_int_equal(tenet_ruleset_find_rule(rs, "EC-AR-002", &idx), TENET_OK);
    assert_int_equal(idx, 1);
    assert_int_equal(tenet_ruleset_find_rule(rs, "EC-AR-003", &idx), TENET_EINVAL);
    const char *name, *title, *asof, *source;
    assert_int_equal(tenet_ruleset_pack_info(rs, 0, &name, &title, &asof, &source), TENET_OK);
    assert_string_equal(name, "demo");
    assert_string_equal(title, "Demo pack");
    assert_string_equal(asof, "2019-11");
    assert_string_equal(source, "Somewhere");
    assert_int_equal(tenet_ruleset_pack_info(rs, 1, &name, NULL, NULL, NULL), TENET_EINVAL);
    tenet_ruleset_free(rs);
    tenet_ruleset_free(NULL);

    assert_string_equal(tn_ftype_name(TN_T_VERSION), "version");
    assert_string_equal(tn_opr_name(TN_OPR_LINKED), "linked");
    assert_string_equal(tn_opr_name(TN_OPR_EQUALS), "equals");

    tenet_error err;
    assert_int_equal(tenet_ruleset_compile(NULL, NULL, 0, &err), TENET_EINVAL);
    assert_int_equal(tenet_ruleset_compile(&rs, NULL, 1, &err), TENET_EINVAL);
    assert_int_equal(tenet_ruleset_compile(&rs, NULL, 0, NULL), TENET_OK); /* empty ruleset */
    assert_int_equal(tenet_ruleset_rule_count(rs), 0);
    tenet_ruleset_free(rs);
}

static void test_load_file(void **state) {
    (void)state;
    tenet_ruleset *rs = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(tenet_ruleset_load_file(&rs, "/nonexistent/tenet/rules.yaml", &err),
                     TENET_EIO);
    assert_null(rs);
    assert_non_null(strstr(err.message, "No such file"));
    assert_string_equal(err.source, "/nonexistent/tenet/rules.yaml");

    char path[] = "/tmp/tenet-rules-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    fputs("\xef\xbb\xbf", f); /* a BOM is fine */
    fputs(GOOD, f);
    fclose(f);
    int rv = tenet_ruleset_load_file(&rs, path, &err);
    if (rv) fail_msg("%s:%u:%u: %s", err.source, err.line, err.column, err.message);
    assert_int_equal(rs->nrules, 2);
    assert_string_equal(rs->packs[0].file, path);
    tenet_ruleset_free(rs);
    unlink(path);
}

static void test_builtin(void **state) {
    (void)state;
    const char *name = NULL;
    size_t len = 0, n = 0;
    while (tenet_builtin_pack(n, &name, &len)) {
        assert_non_null(name);
        assert_true(len > 0);
        n++;
    }
    assert_null(tenet_builtin_pack(n, &name, &len));
    assert_null(name);
    tenet_ruleset *rs = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rv = tenet_ruleset_builtin(&rs, &err);
    if (rv) fail_msg("builtin: %s:%u:%u: %s", err.source, err.line, err.column, err.message);
    assert_int_equal(tenet_ruleset_pack_count(rs), n);
    tenet_ruleset_free(rs);
}

/* Replaces the value of each line of the valid pack (or drops the line) with
 * values of every wrong type: each variant compiles or fails cleanly. */
static void test_malformed_variants(void **state) {
    (void)state;
    static const char *const reps[] = {
        "[]",   "{}",     "[a, {b: c}]", "~",         "1",        "true",   "{x: [1]}",
        "'$x'", "\"{\"",  "[[1]]",       "{all: []}", "{not: ~}", "'a->b'", "'@x'",
        "'/'",  "'a..b'", "{path: [1]}", "''",        "&a [*a]",  "1.5",    NULL};
    size_t textlen = strlen(GOOD);
    char *copy = malloc(textlen + 1), *out = malloc(textlen * 2 + 256);
    assert_non_null(copy);
    assert_non_null(out);
    memcpy(copy, GOOD, textlen + 1);
    char *lines[256];
    size_t n = 0;
    for (char *p = copy; *p && n < 256;) {
        lines[n++] = p;
        char *e = strchr(p, '\n');
        if (!e) break;
        *e = 0;
        p = e + 1;
    }
    size_t failures = 0;
    for (size_t i = 0; i < n; i++) {
        for (int r = -1; r < 0 || reps[r]; r++) {
            size_t o = 0;
            for (size_t j = 0; j < n; j++) {
                const char *l = lines[j];
                if (j != i) {
                    o += (size_t)sprintf(out + o, "%s\n", l);
                    continue;
                }
                if (r < 0) continue;
                const char *colon = strstr(l, ": ");
                const char *dash = l + strspn(l, " ");
                size_t keep = colon          ? (size_t)(colon - l) + 2
                              : *dash == '-' ? (size_t)(dash - l) + 2
                                             : 0;
                memcpy(out + o, l, keep);
                o += keep;
                o += (size_t)sprintf(out + o, "%s\n", reps[r]);
            }
            tenet_rules_source src = {"m.yaml", out, o};
            tenet_ruleset *rs = NULL;
            tenet_error err;
            memset(&err, 0, sizeof err);
            int rv = tenet_ruleset_compile(&rs, &src, 1, &err);
            if (rv == TENET_OK) {
                tenet_ruleset_free(rs);
                continue;
            }
            failures++;
            if (rv != TENET_ERULES || err.line == 0 || !err.message[0])
                fail_msg("line %zu variant %d: rv %d at %u:%u: %s", i + 1, r, rv, err.line,
                         err.column, err.message);
        }
    }
    assert_true(failures > n); /* most variants are errors */
    free(copy);
    free(out);
}

static void test_malformed_packs(void **state) {
    (void)state;
    static const char *const packs[] = {
        "tenet: 1\nname: t\nkinds: {a.b: []}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: []}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: [string]}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: string, ref: {a: b}}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: string, derive: [x]}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: string, derive: {from: [x], extract: "
        "y}}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: string, derive: {from: x, extract: "
        "'(y)'}}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {}, cloudformation: []}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {}, cloudformation: {type: {}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}, terraform: {type: t, fields: "
        "{x: {}}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}, terraform: {type: t, fields: "
        "{x: [[a]]}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}, terraform: {type: t, fields: "
        "{x: \"['a\"}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}, terraform: {type: t, fields: "
        "{x: \"a]\"}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}, terraform: {type: t, fields: "
        "{x: \"a.\"}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}, terraform: {type: t, fields: "
        "{x: \"a[1]b\"}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {}, api: {operations: []}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {}, api: {operations: {}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {}, api: {operations: {X: create}, parameters: "
        "{X: [[]]}}}}\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {}}}\nrules: [[]]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {}}}\nrules: [{id: [x]}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: m, when: {x: {not: [1]}}}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: m, when: {not: [1]}}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: m, when: {x: {version: [1]}}}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: m, when: {x: {version: ''}}}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: m, when: {x: {matches: {}}}}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: m, when: {x: ~}}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: [m], when: {x: 1}}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: '{}', when: {x: 1}}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: '{x->}', when: {x: 1}}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: m, when: {x: 1}, on: []}]\n",
        "tenet: 1\nname: t\nkinds: {a.b: {fields: {x: {type: any}}}}\n"
        "rules: [{id: x, kind: a.b, severity: info, message: m, when: {x: 1}, at: [x]}]\n",
        "tenet: 1\nname: t\nsets: {a: [[]]}\n",
        "tenet: 1\nname: t\nregions: [[]]\n",
        "tenet: [1]\nname: t\n",
        "tenet: 1\nname: [t]\n",
        "tenet: 1\nname: t\n? [complex]\n: key\n",
        "tenet: 1\nname: t\nkinds: {? [x] : y}\n",
        "\"just a string\"\n",
        "tenet: 1\nname: t\n---\ntenet: 1\n",
        "{\"tenet\": 1, \"name\": \"t\", \"rules\": 7}",
    };
    for (size_t i = 0; i < sizeof packs / sizeof packs[0]; i++) {
        tenet_rules_source src = {"m.yaml", packs[i], strlen(packs[i])};
        tenet_ruleset *rs = NULL;
        tenet_error err;
        memset(&err, 0, sizeof err);
        int rv = tenet_ruleset_compile(&rs, &src, 1, &err);
        if (rv != TENET_ERULES || err.line == 0 || !err.message[0])
            fail_msg("pack %zu: rv %d at %u:%u: %s", i, rv, err.line, err.column, err.message);
        assert_null(rs);
    }
}

/* Every allocation failure is a clean TENET_ENOMEM (ASan checks for leaks). */
static void test_out_of_memory(void **state) {
    (void)state;
    tenet_rules_source src = {"good.yaml", GOOD, strlen(GOOD)};
    int rv = TENET_ENOMEM;
    long n;
    for (n = 0; rv == TENET_ENOMEM && n < 100000; n++) {
        tenet_ruleset *rs = NULL;
        tenet_error err;
        memset(&err, 0, sizeof err);
        tn_alloc_fail_after(n);
        rv = tenet_ruleset_compile(&rs, &src, 1, &err);
        tn_alloc_fail_after(-1);
        if (rv != TENET_OK && rv != TENET_ENOMEM)
            fail_msg("allocation %ld: rv %d: %s", n, rv, err.message);
        if (rv == TENET_ENOMEM) assert_null(rs);
        tenet_ruleset_free(rs);
    }
    assert_int_equal(rv, TENET_OK);
    assert_true(n > 10);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_pack_ir),
        cmocka_unit_test(test_fieldrefs),
        cmocka_unit_test(test_error_cases),
        cmocka_unit_test(test_yaml_error_position),
        cmocka_unit_test(test_multi_pack),
        cmocka_unit_test(test_public_api),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_malformed_variants),
        cmocka_unit_test(test_malformed_packs),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
