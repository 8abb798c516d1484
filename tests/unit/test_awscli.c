/* The AWS CLI frontend's command and flag mapping, against a small pack:
 * commands and services, prefix abbreviations, --no-x, hidden aliases,
 * booleans, lists, shorthand, JSON values with exact positions,
 * --cli-input-json inline and from a file, global options and regions,
 * what the CLI rejects, and the name helpers (kebab-case, suggestions). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "frontend/awscli.h"
#include "tenet/ruleset.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char PACK[] =
    "tenet: 1\n"
    "name: cli-test\n"
    "kinds:\n"
    "  test.group:\n"
    "    fields:\n"
    "      id: {type: string}\n"
    "      engine: {type: string, default: redis}\n"
    "      secure: {type: bool, default: false}\n"
    "      azs: {type: list}\n"
    "      groups: {type: list}\n"
    "      shards: {type: int, default: 1}\n"
    "      pgroup: {type: string}\n"
    "      conf: {type: list}\n"
    "      extra: {type: any}\n"
    "      logtype: {type: string}\n"
    "    api:\n"
    "      service: testsvc\n"
    "      operations: {CreateThingGroup: create, ModifyThingGroup: update}\n"
    "      fields:\n"
    "        id: ThingGroupId\n"
    "        engine: Engine\n"
    "        secure: AtRestEncryptionEnabled\n"
    "        azs: PreferredCacheClusterAZs\n"
    "        groups: SecurityGroupIds\n"
    "        shards: NumNodeGroups\n"
    "        pgroup: CacheParameterGroupName\n"
    "        conf: NodeGroupConfiguration\n"
    "        extra: Extra\n"
    "        logtype: 'LogDeliveryConfigurations[0].LogType'\n"
    "      parameters:\n"
    "        CreateThingGroup: [ThingGroupId, Engine, AtRestEncryptionEnabled,\n"
    "          PreferredCacheClusterAZs, SecurityGroupIds, NumNodeGroups,\n"
    "          CacheParameterGroupName, CacheNodeType, NodeGroupConfiguration, Tags,\n"
    "          MultiAZEnabled, Extra, LogDeliveryConfigurations]\n"
    "        ModifyThingGroup: [ThingGroupId, Engine, ApplyImmediately]\n"
    "  test.other:\n"
    "    fields:\n"
    "      name: {type: string}\n"
    "    api:\n"
    "      operations: {CreateAlias: create}\n"
    "      fields: {name: AliasName}\n"
    "rules:\n"
    "  - id: DUMP\n"
    "    kind: test.group\n"
    "    severity: info\n"
    "    when: {'@name': {present: true}}\n"
    "    message: 'x'\n";

static tenet_ruleset *rs;
static tn_arena arena;

static int group_setup(void **state) {
    (void)state;
    tenet_rules_source src = {"pack.yaml", PACK, sizeof PACK - 1};
    tenet_error err;
    int rc = tenet_ruleset_compile(&rs, &src, 1, &err);
    if (rc != TENET_OK)
        fprintf(stderr, "%s:%u:%u: %s\n", err.source, err.line, err.column, err.message);
    return rc == TENET_OK ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    tenet_ruleset_free(rs);
    return 0;
}

static int setup(void **state) {
    (void)state;
    tn_arena_init(&arena);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    tn_arena_release(&arena);
    return 0;
}

static tn_request *parse_file(const char *text, const char *file, size_t *n) {
    tn_textpos *tp = tn_arena_alloc(&arena, sizeof *tp);
    assert_non_null(tp);
    assert_int_equal(tn_textpos_init(tp, text, strlen(text), &arena), TENET_OK);
    tn_request *reqs = NULL;
    assert_int_equal(tn_awscli_parse(rs, text, strlen(text), file, tp, &arena, &reqs, n), TENET_OK);
    return reqs;
}

static tn_request *parse(const char *text, size_t *n) { return parse_file(text, "in.sh", n); }

static tn_request *parse_one(const char *text) {
    size_t n = 0;
    tn_request *r = parse(text, &n);
    assert_int_equal(n, 1);
    return r;
}

static const char *param(const tn_request *r, const char *name) {
    const tn_req_param *p = tn_request_param(r, name, strlen(name));
    return p ? tn_value_display(&p->value, &arena) : NULL;
}

/* The messages of the request's notes joined by " | ". */
static const char *notes(const tn_request *r) {
    const char *s = "";
    for (size_t i = 0; i < r->nnotes; i++)
        s = tn_arena_sprintf(&arena, "%s%s%s", s, i ? " | " : "", r->notes[i].message);
    return s;
}

static void test_commands_and_services(void **state) {
    (void)state;
    size_t n = 0;
    tn_request *r = parse("# a script\n"
                          "$ aws testsvc create-thing-group --thing-group-id g1\n"
                          "aws testsvc describe-thing-groups\n"     /* not in the rules */
                          "aws othersvc create-thing-group --x y\n" /* another service */
                          "aws testsvc create-thing-group help\n"
                          "aws testsvc create-thing-group --generate-cli-skeleton\n"
                          "echo aws testsvc create-thing-group\n"
                          "  PS C:\\> aws testsvc modify-thing-group --thing-group-id g2; "
                          "aws testsvc create-thing-group\n"
                          "AWS_REGION=eu-west-1 aws lambda create-alias --alias-name a\n",
                          &n);
    assert_int_equal(n, 4);
    assert_string_equal(r[0].name, "create-thing-group g1");
    assert_string_equal(r[0].target.op->name, "CreateThingGroup");
    assert_int_equal(r[0].span.line, 2);
    assert_int_equal(r[0].span.col, 3);
    assert_string_equal(r[1].name, "modify-thing-group g2");
    assert_string_equal(r[1].target.op->name, "ModifyThingGroup");
    assert_string_equal(r[2].name, "create-thing-group");
    assert_int_equal(r[2].span.line, 8);
    /* a kind without a declared service matches any service */
    assert_string_equal(r[3].target.op->name, "CreateAlias");
    assert_string_equal(r[3].region, "eu-west-1");
    assert_string_equal(param(&r[3], "AliasName"), "a");
}

static void test_flags(void **state) {
    (void)state;
    tn_request *r =
        parse_one("aws testsvc create-thing-group --thing-group-id g --engine \"valkey\" "
                  "--at-rest-encryption-enabled --no-multi-az-enabled --num-node-groups 3 "
                  "--cache-parameter-group default.redis4.0.cluster.on "
                  "--preferred-cache-cluster-a-zs us-east-1a us-east-1b --security-group-ids sg-1 "
                  "--cache-node-type=cache.r5.large --tags Key=a,Value=b Key=c,Value=d");
    assert_string_equal(param(r, "ThingGroupId"), "g");
    assert_string_equal(param(r, "Engine"), "valkey");
    assert_string_equal(param(r, "AtRestEncryptionEnabled"), "true");
    assert_string_equal(param(r, "MultiAZEnabled"), "false");
    assert_string_equal(param(r, "NumNodeGroups"), "3");
    assert_string_equal(param(r, "CacheParameterGroupName"), "default.redis4.0.cluster.on");
    assert_string_equal(param(r, "PreferredCacheClusterAZs"), "[us-east-1a, us-east-1b]");
    assert_string_equal(param(r, "SecurityGroupIds"), "sg-1");
    assert_string_equal(param(r, "CacheNodeType"), "cache.r5.large");
    /* Tags has no field: its words stay strings */
    assert_string_equal(param(r, "Tags"), "[Key=a,Value=b, Key=c,Value=d]");
    assert_int_equal(r->nnotes, 0);
    const tn_req_param *p = tn_request_param(r, "AtRestEncryptionEnabled", 23);
    assert_int_equal(p->value.kind, TN_V_BOOL);
    assert_string_equal(p->written, "--at-rest-encryption-enabled");
    assert_int_equal(p->key_span.col, 69);
    p = tn_request_param(r, "Engine", 6);
    assert_int_equal(p->value.span.col, 60); /* the quoted word */
    assert_int_equal(p->value.span.end_col, 68);
}

static void test_rejected_options(void **state) {
    (void)state;
    tn_request *r = parse_one(
        "aws testsvc create-thing-group --cache-paremeter-group x --cache y --engine redis valkey "
        "--at-rest-encryption-enabled true --shards 2 stray");
    assert_string_equal(
        notes(r),
        "the AWS CLI rejects unknown options: --cache-paremeter-group; did you mean "
        "--cache-parameter-group-name? | the AWS CLI rejects the ambiguous option --cache: it "
        "could be --cache-parameter-group-name, --cache-node-type | the AWS CLI rejects unknown "
        "options: valkey | the AWS CLI rejects unknown options: true | the AWS CLI rejects "
        "unknown options: --shards");
    assert_string_equal(param(r, "Engine"), "redis");
    assert_string_equal(param(r, "AtRestEncryptionEnabled"), "true");
    assert_null(param(r, "CacheParameterGroupName"));
    for (size_t i = 0; i < r->nnotes; i++) {
        assert_int_equal(r->notes[i].sev, TENET_SEVERITY_ERROR);
        assert_string_equal(r->notes[i].code, "unknown-parameter");
    }
    r = parse_one("aws testsvc create-thing-group extra --engine");
    assert_string_equal(notes(r), "the AWS CLI rejects unknown options: extra | the AWS CLI "
                                  "rejects --engine without a value: expected one argument");
    assert_null(param(r, "Engine"));
}

static void test_values(void **state) {
    (void)state;
    const char *t = "aws testsvc create-thing-group \\\n"
                    "  --node-group-configuration \\\n"
                    "    \"ReplicaCount=1,Slots=0-8999,PrimaryAvailabilityZone='us-east-1c',"
                    "ReplicaAvailabilityZones='us-east-1b'\" \\\n"
                    "    'ReplicaCount=2,ReplicaAvailabilityZones=us-east-1a,us-east-1c,"
                    "Slots=[1, 2],Nested={A=b}' \\\n"
                    "  --extra '{\n    \"K\": [1, true]\n  }' \\\n"
                    "  --security-group-ids '[\"sg-1\", \"sg-2\"]' \\\n"
                    "  --engine-version $VERSION --engine \"$ENGINE\" \\\n"
                    "  --thing-group-id '{not json}'\n";
    tn_request *r = parse_one(t);
    const tn_req_param *ngc = tn_request_param(r, "NodeGroupConfiguration", 22);
    assert_int_equal(ngc->value.kind, TN_V_LIST);
    assert_int_equal(ngc->value.u.list.n, 2);
    assert_string_equal(tn_value_display(&ngc->value.u.list.items[0], &arena),
                        "{ReplicaCount: 1, Slots: 0-8999, PrimaryAvailabilityZone: us-east-1c, "
                        "ReplicaAvailabilityZones: us-east-1b}");
    assert_string_equal(tn_value_display(&ngc->value.u.list.items[1], &arena),
                        "{ReplicaCount: 2, ReplicaAvailabilityZones: [us-east-1a, us-east-1c], "
                        "Slots: [1, 2], Nested: {A: b}}");
    assert_string_equal(param(r, "Extra"), "{K: [1, true]}");
    assert_string_equal(param(r, "SecurityGroupIds"), "[sg-1, sg-2]");
    assert_string_equal(param(r, "ThingGroupId"), "{not json}"); /* a string field */
    assert_string_equal(notes(r), "the AWS CLI rejects unknown options: --engine-version");
    const tn_req_param *p = tn_request_param(r, "Engine", 6);
    assert_int_equal(p->value.kind, TN_V_UNKNOWN);
    assert_string_equal(p->value.reason, "--engine is set by the shell ($ENGINE)");
    /* positions inside a JSON word are exact */
    p = tn_request_param(r, "Extra", 5);
    const tn_value *k = &p->value.u.map.vals[0].u.list.items[1];
    assert_int_equal(k->span.line, 6);
    assert_int_equal(k->span.col, 14);
    /* and inside a shorthand word written verbatim */
    p = tn_request_param(r, "NodeGroupConfiguration", 22);
    const tn_value *slots = &p->value.u.list.items[1].u.map.vals[2];
    assert_string_equal(slots->path, "NodeGroupConfiguration.Slots");
    assert_int_equal(slots->span.line, 4);
    assert_int_equal(slots->span.col, 74);
    /* a string field deep inside a parameter makes the parameter structured */
    r = parse_one("aws testsvc create-thing-group --log-delivery-configurations "
                  "LogType=slow-log,DestinationType=cloudwatch-logs");
    assert_string_equal(param(r, "LogDeliveryConfigurations"),
                        "{LogType: slow-log, DestinationType: cloudwatch-logs}");
    /* broken JSON and shorthand in structured fields */
    r = parse_one("aws testsvc create-thing-group --extra '{\"a\": }' --node-group-configuration "
                  "A={b=c");
    assert_int_equal(r->nnotes, 2);
    assert_int_equal(tn_request_param(r, "Extra", 5)->value.kind, TN_V_UNKNOWN);
    assert_int_equal(tn_request_param(r, "NodeGroupConfiguration", 22)->value.kind, TN_V_UNKNOWN);
    assert_non_null(strstr(r->notes[0].message, "is not valid JSON"));
    assert_non_null(strstr(r->notes[1].message, "not valid shorthand syntax"));
}

static void test_cli_input_json(void **state) {
    (void)state;
    tn_request *r = parse_one("aws testsvc create-thing-group --engine redis --cli-input-json "
                              "'{\"Engine\": \"x\", \"NumNodeGroups\": 2, \"ThingGroupId\": "
                              "\"j\", \"CacheParemeterGroup\": \"p\"}'");
    assert_string_equal(param(r, "Engine"), "redis"); /* the explicit flag wins */
    assert_string_equal(param(r, "NumNodeGroups"), "2");
    assert_string_equal(r->name, "create-thing-group j");
    assert_string_equal(notes(r), "the AWS CLI rejects unknown parameter CacheParemeterGroup in "
                                  "--cli-input-json; did you mean CacheParameterGroupName?");
    const tn_req_param *p = tn_request_param(r, "NumNodeGroups", 13);
    assert_int_equal(p->value.kind, TN_V_INT);
    assert_int_equal(p->value.span.col, 98);

    /* from a file next to the input, and YAML */
    char dir[] = "/tmp/tenet-awscli-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/in.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"NumNodeGroups\": 4, \"SecurityGroupIds\": [\"sg-9\"]}", f);
    fclose(f);
    char input[512];
    snprintf(input, sizeof input, "%s/script.sh", dir);
    size_t n = 0;
    r = parse_file("aws testsvc create-thing-group --cli-input-json file://in.json\n"
                   "aws testsvc create-thing-group --cli-input-yaml 'NumNodeGroups: 5'\n"
                   "aws testsvc create-thing-group --cli-input-json file://missing.json\n",
                   input, &n);
    assert_int_equal(n, 3);
    assert_string_equal(param(&r[0], "NumNodeGroups"), "4");
    assert_string_equal(param(&r[0], "SecurityGroupIds"), "[sg-9]");
    assert_string_equal(tn_request_param(&r[0], "NumNodeGroups", 13)->value.file, path);
    assert_string_equal(param(&r[1], "NumNodeGroups"), "5");
    assert_int_equal(r[2].nnotes, 1);
    assert_non_null(strstr(r[2].notes[0].message, "cannot read file://missing.json"));
    assert_int_equal(unlink(path), 0);

    /* A FIFO (or a terminal, a device) named by the input is not read: it
     * used to block the check for ever. The alarm turns a hang into a
     * failure. */
    snprintf(path, sizeof path, "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    alarm(20);
    r = parse_file("aws testsvc create-thing-group --cli-input-json file://fifo\n"
                   "aws testsvc create-thing-group --cli-input-json file:///dev/zero\n",
                   input, &n);
    alarm(0);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].nnotes, 1);
    assert_non_null(strstr(r[0].notes[0].message, "not a regular file"));
    assert_non_null(strstr(r[1].notes[0].message, "not a regular file"));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_regions(void **state) {
    (void)state;
    size_t n = 0;
    tn_request *r = parse("aws --region us-east-2 testsvc create-thing-group\n"
                          "aws testsvc create-thing-group --region=eu-west-3 --output json\n"
                          "aws --endpoint-url https://testsvc.ap-south-1.amazonaws.com "
                          "--debug testsvc create-thing-group\n"
                          "aws testsvc create-thing-group --region \"$R\"\n"
                          "aws --profile p testsvc create-thing-group\n",
                          &n);
    assert_int_equal(n, 5);
    assert_string_equal(r[0].region, "us-east-2");
    assert_string_equal(r[1].region, "eu-west-3");
    assert_null(param(&r[1], "Output"));
    assert_string_equal(r[2].region, "ap-south-1");
    assert_null(r[3].region);
    assert_string_equal(r[3].region_reason, "the region is set by the shell ($R)");
    assert_null(r[4].region);
    assert_string_equal(r[4].region_reason, "the command has no --region (pass --region)");
    for (size_t i = 0; i < n; i++)
        assert_string_equal(notes(&r[i]), "");
}

static void test_documentation_quirks(void **state) {
    (void)state;
    size_t n = 0;
    tn_request *r = parse("   aws testsvc modify-thing-group /\n"
                          "\t--thing-group-id g /\n"
                          "\t--apply-immediately\n"
                          "aws testsvc create-thing-group --engine \u201cA b\" \\\n"
                          "  --thing-group-id x\n"
                          "aws testsvc create-thing-group --thing-group-id after\n",
                          &n);
    assert_int_equal(n, 3);
    assert_string_equal(param(&r[0], "ApplyImmediately"), "true");
    assert_int_equal(r[0].nnotes, 1);
    assert_string_equal(r[0].notes[0].code, "bad-continuation");
    assert_true(r[1].nojudge);
    assert_string_equal(r[1].notes[0].code, "unterminated-quote");
    assert_int_equal(r[1].notes[0].span.line, 4);
    assert_string_equal(r[2].name, "create-thing-group after");
}

static void test_detect(void **state) {
    (void)state;
    const char *t = "text\n  $ aws elasticache x\n";
    assert_int_equal(tn_awscli_detect(t, strlen(t), NULL), 80);
    t = "PS C:\\Users\\me> aws elasticache x";
    assert_int_equal(tn_awscli_detect(t, strlen(t), NULL), 80);
    t = "AWS_PROFILE=x aws s3 ls";
    assert_int_equal(tn_awscli_detect(t, strlen(t), NULL), 80);
    t = "the aws elasticache command\nawsome\n`aws s3`\n  aws = aws.euwest1\n";
    assert_int_equal(tn_awscli_detect(t, strlen(t), NULL), 0);
}

static void test_kebab(void **state) {
    (void)state;
    static const char *const cases[][2] = {
        {"PreferredCacheClusterAZs", "preferred-cache-cluster-azs"},
        {"MultiAZEnabled", "multi-az-enabled"},
        {"AZMode", "az-mode"},
        {"CacheParameterGroupName", "cache-parameter-group-name"},
        {"UserGroupIdsToAdd", "user-group-ids-to-add"},
        {"DBInstanceIdentifier", "db-instance-identifier"},
        {"SSEKMSKeyId", "ssekms-key-id"},
        {"ARNs", "-arns"},
        {"aBcDe", "a-bc-de"},
        {"HTTPSServer", "https-server"},
        {"already-kebab", "already-kebab"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(tn_request_kebab(cases[i][0], &arena), cases[i][1]);
    assert_true(
        tn_request_norm_eq("preferred-cache-cluster-a-zs", 28, "PreferredCacheClusterAZs", 24));
    assert_false(tn_request_norm_eq("engine", 6, "engines", 7));
}

static void test_suggest(void **state) {
    (void)state;
    const char *const names[] = {"CacheNodeType", "CacheParameterGroupName", "Engine",
                                 "EngineVersion", "Port"};
    assert_string_equal(tn_request_suggest("CacheParemeterGroup", names, 5),
                        "CacheParameterGroupName");
    assert_string_equal(tn_request_suggest("CacheParameterGroup", names, 5),
                        "CacheParameterGroupName");
    assert_string_equal(tn_request_suggest("engine", names, 5), "Engine");
    assert_string_equal(tn_request_suggest("EngineVerison", names, 5), "EngineVersion");
    assert_string_equal(tn_request_suggest("Engin", names, 5), "Engine");
    assert_null(tn_request_suggest("SnapshotName", names, 5));
    assert_null(tn_request_suggest("Pt", names, 5));
    assert_null(tn_request_suggest("Prt", names, 0));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commands_and_services, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejected_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_input_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_documentation_quirks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kebab, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggest, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
