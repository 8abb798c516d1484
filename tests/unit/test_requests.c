/* The request frontends end to end through tenet_check: the seed's four
 * at-rest encryption examples against the built-in pack (CLI in flattened,
 * Linux and Windows forms; Query API flattened and as documented), then
 * Query, CLI, CLI JSON and CloudTrail inputs against a small pack whose
 * DUMP rule prints the fields a request filled. */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "tenet/check.h"
#include "tenet/ruleset.h"
#include "util/alloc.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char PACK[] =
    "tenet: 1\n"
    "name: requests-test\n"
    "kinds:\n"
    "  test.group:\n"
    "    fields:\n"
    "      id: {type: string}\n"
    "      engine: {type: string, default: redis}\n"
    "      secure: {type: bool, default: false}\n"
    "      groups: {type: list}\n"
    "      shards: {type: int, default: 1}\n"
    "      pgroup: {type: string}\n"
    "      logtype: {type: string}\n"
    "    api:\n"
    "      service: testsvc\n"
    "      operations: {CreateThingGroup: create, ModifyThingGroup: update}\n"
    "      fields:\n"
    "        id: ThingGroupId\n"
    "        engine: Engine\n"
    "        secure: AtRestEncryptionEnabled\n"
    "        groups: SecurityGroupIds\n"
    "        shards: NumNodeGroups\n"
    "        pgroup: CacheParameterGroupName\n"
    "        logtype: 'LogDeliveryConfigurations[0].LogType'\n"
    "      parameters:\n"
    "        CreateThingGroup: [ThingGroupId, Engine, AtRestEncryptionEnabled, SecurityGroupIds,\n"
    "          NumNodeGroups, CacheParameterGroupName, Tags, Description,\n"
    "          LogDeliveryConfigurations]\n"
    "        ModifyThingGroup: [ThingGroupId, Engine, ApplyImmediately, Description]\n"
    "rules:\n"
    "  - id: DUMP\n"
    "    kind: test.group\n"
    "    on: [create, update]\n"
    "    severity: info\n"
    "    when: {'@name': {present: true}}\n"
    "    message: 'op={@operation} region={@region} id={id} engine={engine} secure={secure} "
    "groups={groups} shards={shards} pgroup={pgroup} log={logtype}'\n"
    "  - id: SECURE\n"
    "    kind: test.group\n"
    "    on: [create]\n"
    "    severity: error\n"
    "    require: {secure: {is: true}}\n"
    "    message: not secure\n"
    "    at: secure\n";

static tenet_ruleset *builtin, *small;

static int group_setup(void **state) {
    (void)state;
    tenet_error err;
    memset(&err, 0, sizeof err);
    if (tenet_ruleset_builtin(&builtin, &err) != TENET_OK) {
        fprintf(stderr, "builtin: %s\n", err.message);
        return -1;
    }
    tenet_rules_source src = {"pack.yaml", PACK, sizeof PACK - 1};
    if (tenet_ruleset_compile(&small, &src, 1, &err) != TENET_OK) {
        fprintf(stderr, "pack: %u:%u: %s\n", err.line, err.column, err.message);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    tenet_ruleset_free(builtin);
    tenet_ruleset_free(small);
    return 0;
}

typedef struct run_opts {
    const char *format;
    const char *operation;
    const char *const *regions;
    size_t nregions;
    const char *filename;
} run_opts;

static tenet_report *run(const tenet_ruleset *rs, const char *text, const run_opts *ro) {
    tenet_report *rep = NULL;
    tenet_check_options o;
    tenet_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(tenet_report_new(&rep), TENET_OK);
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = ro && ro->filename ? ro->filename : "input.txt";
    o.input_format = ro ? ro->format : NULL;
    o.operation = ro ? ro->operation : NULL;
    o.regions = ro ? ro->regions : NULL;
    o.region_count = ro ? ro->nregions : 0;
    int rc = tenet_check(rep, rs, text, strlen(text), &o, &err);
    if (rc != TENET_OK)
        fprintf(stderr, "check: %s\n", err.message);
    assert_int_equal(rc, TENET_OK);
    return rep;
}

static size_t count(const tenet_report *rep, const char *rule, tenet_severity sev) {
    size_t n = 0;
    for (size_t i = 0; i < tenet_report_count(rep); i++) {
        tenet_diagnostic d;
        assert_int_equal(tenet_report_get(rep, i, &d), TENET_OK);
        if ((!rule || strcmp(d.rule, rule) == 0) && d.severity == sev)
            n++;
    }
    return n;
}

/* The message of the only diagnostic of `rule` (NULL if none; fails on several). */
static const char *only(const tenet_report *rep, const char *rule, tenet_diagnostic *out) {
    const char *msg = NULL;
    for (size_t i = 0; i < tenet_report_count(rep); i++) {
        tenet_diagnostic d;
        assert_int_equal(tenet_report_get(rep, i, &d), TENET_OK);
        if (strcmp(d.rule, rule) != 0)
            continue;
        assert_null(msg);
        msg = d.message;
        if (out)
            *out = d;
    }
    return msg;
}

/* Every DUMP message in report order, joined by "\n". */
static char *dumps(const tenet_report *rep) {
    static char buf[4096];
    buf[0] = '\0';
    for (size_t i = 0; i < tenet_report_count(rep); i++) {
        tenet_diagnostic d;
        assert_int_equal(tenet_report_get(rep, i, &d), TENET_OK);
        if (strcmp(d.rule, "DUMP") != 0)
            continue;
        if (buf[0])
            strncat(buf, "\n", sizeof buf - strlen(buf) - 1);
        strncat(buf, d.message, sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

/* ---- the seed's examples, built-in pack ---- */

static const char EX1_FLAT[] =
    "aws elasticache create-replication-group \\ --replication-group-id my-classic-rg \\ "
    "--replication-group-description \"3 node replication group\" \\ --cache-node-type "
    "cache.m4.large \\ --engine redis \\ --engine-version 4.0.10 \\ "
    "--at-rest-encryption-enabled \\ --num-cache-clusters 3 \\ --cache-parameter-group "
    "default.redis4.0";
static const char EX1_FLAT_WIN[] =
    "aws elasticache create-replication-group ^ --replication-group-id my-classic-rg ^ "
    "--replication-group-description \"3 node replication group\" ^ --cache-node-type "
    "cache.m4.large ^ --engine redis ^ --engine-version 4.0.10 ^ --at-rest-encryption-enabled "
    "^ --num-cache-clusters 3 ^ --cache-parameter-group default.redis4.0";
static const char EX1_LINUX[] =
    "aws elasticache create-replication-group \\\n"
    "    --replication-group-id my-classic-rg \\\n"
    "    --replication-group-description \"3 node replication group\" \\\n"
    "    --cache-node-type cache.m4.large \\\n"
    "    --engine redis \\\n"
    "    --engine-version 4.0.10 \\\n"
    "    --at-rest-encryption-enabled \\\n"
    "    --num-cache-clusters 3 \\\n"
    "    --cache-parameter-group default.redis4.0\n";
static const char EX1_WINDOWS[] =
    "aws elasticache create-replication-group ^\r\n"
    "    --replication-group-id my-classic-rg ^\r\n"
    "    --replication-group-description \"3 node replication group\" ^\r\n"
    "    --cache-node-type cache.m4.large ^\r\n"
    "    --engine redis ^\r\n"
    "    --engine-version 4.0.10 ^\r\n"
    "    --at-rest-encryption-enabled ^\r\n"
    "    --num-cache-clusters 3 ^\r\n"
    "    --cache-parameter-group default.redis4.0\r\n";
static const char EX2_FLAT[] =
    "aws elasticache create-replication-group \\ --replication-group-id my-clustered-rg \\ "
    "--replication-group-description \"redis clustered cluster\" \\ --cache-node-type "
    "cache.m3.large \\ --num-node-groups 3 \\ --replicas-per-node-group 2 \\ --engine redis \\ "
    "--engine-version 4.0.10 \\ --at-rest-encryption-enabled \\ --cache-parameter-group "
    "default.redis4.0.cluster.on";
static const char EX2_FLAT_WIN[] =
    "aws elasticache create-replication-group ^ --replication-group-id my-clustered-rg ^ "
    "--replication-group-description \"redis clustered cluster\" ^ --cache-node-type "
    "cache.m3.large ^ --num-node-groups 3 ^ --replicas-per-node-group 2 ^ --engine redis ^ "
    "--engine-version 4.0.10 ^ --at-rest-encryption-enabled ^ --cache-parameter-group "
    "default.redis4.0.cluster.on";
static const char EX2_LINUX[] =
    "aws elasticache create-replication-group \\\n"
    "    --replication-group-id my-clustered-rg \\\n"
    "    --replication-group-description \"redis clustered cluster\" \\\n"
    "    --cache-node-type cache.m3.large \\\n"
    "    --num-node-groups 3 \\\n"
    "    --replicas-per-node-group 2 \\\n"
    "    --engine redis \\\n"
    "    --engine-version 4.0.10 \\\n"
    "    --at-rest-encryption-enabled \\\n"
    "    --cache-parameter-group default.redis4.0.cluster.on\n";
static const char EX2_WINDOWS[] =
    "aws elasticache create-replication-group ^\n"
    "    --replication-group-id my-clustered-rg ^\n"
    "    --replication-group-description \"redis clustered cluster\" ^\n"
    "    --cache-node-type cache.m3.large ^\n"
    "    --num-node-groups 3 ^\n"
    "    --replicas-per-node-group 2 ^\n"
    "    --engine redis ^\n"
    "    --engine-version 4.0.10 ^\n"
    "    --at-rest-encryption-enabled ^\n"
    "    --cache-parameter-group default.redis4.0.cluster.on\n";
static const char EX3_FLAT[] =
    "https://elasticache.us-west-2.amazonaws.com/ ?Action=CreateReplicationGroup "
    "&AtRestEncryptionEnabled=true &CacheNodeType=cache.m3.large "
    "&CacheParameterGroup=default.redis4.0 &Engine=redis &EngineVersion=4.0.10 "
    "&NumCacheClusters=3 &ReplicationGroupDescription=test%20group "
    "&ReplicationGroupId=my-classic-rg &Version=2015-02-02 &SignatureVersion=4 "
    "&SignatureMethod=HmacSHA256 &Timestamp=20150202T192317Z &X-Amz-Credential=<credential>";
static const char EX3_DOC[] = "https://elasticache.us-west-2.amazonaws.com/\n"
                              "    ?Action=CreateReplicationGroup \n"
                              "    &AtRestEncryptionEnabled=true\n"
                              "    &CacheNodeType=cache.m3.large\n"
                              "    &CacheParameterGroup=default.redis4.0\n"
                              "    &Engine=redis\n"
                              "    &EngineVersion=4.0.10\n"
                              "    &NumCacheClusters=3\n"
                              "    &ReplicationGroupDescription=test%20group\n"
                              "    &ReplicationGroupId=my-classic-rg\n"
                              "    &Version=2015-02-02\n"
                              "    &SignatureVersion=4\n"
                              "    &SignatureMethod=HmacSHA256\n"
                              "    &Timestamp=20150202T192317Z\n"
                              "    &X-Amz-Credential=<credential>\n";
static const char EX4_FLAT[] =
    "https://elasticache.us-west-2.amazonaws.com/ ?Action=CreateReplicationGroup "
    "&AtRestEncryptionEnabled=true &CacheNodeType=cache.m3.large "
    "&CacheParemeterGroup=default.redis4.0.cluster.on &Engine=redis &EngineVersion=4.0.10 "
    "&NumNodeGroups=3 &ReplicasPerNodeGroup=2 &ReplicationGroupDescription=test%20group "
    "&ReplicationGroupId=my-clustered-rg &Version=2015-02-02 &SignatureVersion=4 "
    "&SignatureMethod=HmacSHA256 &Timestamp=20150202T192317Z &X-Amz-Credential=<credential>";
static const char EX4_DOC[] = "https://elasticache.us-west-2.amazonaws.com/\n"
                              "    ?Action=CreateReplicationGroup \n"
                              "    &AtRestEncryptionEnabled=true\n"
                              "    &CacheNodeType=cache.m3.large\n"
                              "    &CacheParemeterGroup=default.redis4.0.cluster.on\n"
                              "    &Engine=redis\n"
                              "    &EngineVersion=4.0.10\n"
                              "    &NumNodeGroups=3\n"
                              "    &ReplicasPerNodeGroup=2\n"
                              "    &ReplicationGroupDescription=test%20group\n"
                              "    &ReplicationGroupId=my-clustered-rg\n"
                              "    &Version=2015-02-02\n"
                              "    &SignatureVersion=4\n"
                              "    &SignatureMethod=HmacSHA256\n"
                              "    &Timestamp=20150202T192317Z\n"
                              "    &X-Amz-Credential=<credential>\n";

/* Examples 1 and 2: no error or warning; the infos are EC-AR-005 (no
 * subnet group) and rules that need the region. */
static void expect_clean_cli(const char *text, const char *subject) {
    tenet_report *rep = run(builtin, text, NULL);
    tenet_summary s;
    tenet_report_summary(rep, &s);
    assert_int_equal(s.errors, 0);
    assert_int_equal(s.warnings, 0);
    assert_int_equal(s.subjects, 1);
    assert_int_equal(count(rep, "EC-AR-005", TENET_SEVERITY_INFO), 1);
    for (size_t i = 0; i < tenet_report_count(rep); i++) {
        tenet_diagnostic d;
        assert_int_equal(tenet_report_get(rep, i, &d), TENET_OK);
        assert_string_equal(d.subject, subject);
        if (strcmp(d.rule, "EC-AR-005") != 0) {
            assert_string_equal(d.verdict, "unknown");
            assert_string_equal(d.reason, "the command has no --region (pass --region)");
        }
    }
    tenet_report_free(rep);
    /* with a region there is nothing left to say but EC-AR-005 */
    const char *region = "us-east-1";
    run_opts ro = {NULL, NULL, &region, 1, NULL};
    rep = run(builtin, text, &ro);
    assert_int_equal(tenet_report_count(rep), 1);
    assert_int_equal(count(rep, "EC-AR-005", TENET_SEVERITY_INFO), 1);
    tenet_report_free(rep);
}

static void test_seed_cli_examples(void **state) {
    (void)state;
    const char *ex1[] = {EX1_FLAT, EX1_FLAT_WIN, EX1_LINUX, EX1_WINDOWS};
    const char *ex2[] = {EX2_FLAT, EX2_FLAT_WIN, EX2_LINUX, EX2_WINDOWS};
    for (size_t i = 0; i < 4; i++) {
        expect_clean_cli(ex1[i], "create-replication-group my-classic-rg");
        expect_clean_cli(ex2[i], "create-replication-group my-clustered-rg");
    }
}

static void test_seed_api_examples(void **state) {
    (void)state;
    const char *ex3[] = {EX3_FLAT, EX3_DOC};
    for (size_t i = 0; i < 2; i++) {
        tenet_report *rep = run(builtin, ex3[i], NULL);
        tenet_summary s;
        tenet_report_summary(rep, &s);
        assert_int_equal(s.errors, 0);
        assert_int_equal(s.warnings, 1);
        tenet_diagnostic d;
        assert_string_equal(only(rep, "unknown-parameter", &d),
                            "unknown parameter CacheParameterGroup for CreateReplicationGroup; "
                            "did you mean CacheParameterGroupName?");
        assert_int_equal(d.severity, TENET_SEVERITY_WARNING);
        assert_string_equal(d.subject, "CreateReplicationGroup my-classic-rg");
        assert_int_equal(d.line, i ? 5 : 1);
        assert_int_equal(d.column, i ? 6 : 138);
        assert_int_equal(count(rep, "EC-AR-005", TENET_SEVERITY_INFO), 1);
        assert_int_equal(tenet_report_count(rep), 2); /* the URL names the region */
        tenet_report_free(rep);
    }
    const char *ex4[] = {EX4_FLAT, EX4_DOC};
    for (size_t i = 0; i < 2; i++) {
        tenet_report *rep = run(builtin, ex4[i], NULL);
        tenet_summary s;
        tenet_report_summary(rep, &s);
        assert_int_equal(s.errors, 1);
        assert_int_equal(s.warnings, 1);
        assert_string_equal(only(rep, "unknown-parameter", NULL),
                            "unknown parameter CacheParemeterGroup for CreateReplicationGroup; "
                            "did you mean CacheParameterGroupName?");
        tenet_diagnostic d;
        assert_non_null(only(rep, "EC-AR-009", &d));
        assert_int_equal(d.severity, TENET_SEVERITY_ERROR);
        assert_string_equal(d.verdict, "fail");
        assert_string_equal(d.region, "us-west-2");
        assert_string_equal(d.subject, "CreateReplicationGroup my-clustered-rg");
        tenet_report_free(rep);
    }
}

/* ---- the small pack ---- */

static void test_query(void **state) {
    (void)state;
    tenet_report *rep =
        run(small,
            "https://testsvc.eu-west-1.amazonaws.com/?Action=CreateThingGroup&ThingGroupId=a"
            "&AtRestEncryptionEnabled=TRUE&NumNodeGroups=3&SecurityGroupIds.member.1=sg-1"
            "&SecurityGroupIds.member.2=sg-2&CacheParameterGroup=p&Nonsense=1&Version=x"
            "&LogDeliveryConfigurations.LogDeliveryConfigurationRequest.1.LogType=slow-log\n"
            "Action=ModifyThingGroup&ThingGroupId=b&SecurityGroupIds=&NumNodeGroups=many\n"
            "Action=DescribeThingGroups&X=1\n"
            "https://othersvc.eu-west-1.amazonaws.com/?Action=CreateThingGroup&ThingGroupId=c\n",
            NULL);
    assert_string_equal(dumps(rep),
                        "op=create region=eu-west-1 id=a engine=redis secure=true "
                        "groups=[sg-1, sg-2] shards=3 pgroup=<absent> log=slow-log\n"
                        "op=update region=<unknown> id=b engine=redis secure=false groups=[] "
                        "shards=<unknown> pgroup=<absent> log=<absent>");
    assert_int_equal(count(rep, "unknown-parameter", TENET_SEVERITY_WARNING), 2);
    tenet_summary s;
    tenet_report_summary(rep, &s);
    assert_int_equal(s.subjects, 2);
    tenet_report_free(rep);
}

static void test_cli(void **state) {
    (void)state;
    const char *regions[] = {"us-east-1", "eu-central-1"};
    run_opts ro = {NULL, NULL, regions, 2, NULL};
    tenet_report *rep = run(small,
                            "#!/bin/sh\n"
                            "aws testsvc create-thing-group --thing-group-id a "
                            "--security-group-ids sg-1 --num-node-groups 2\n"
                            "aws --region ap-east-1 testsvc create-thing-group "
                            "--thing-group-id b --at-rest-encryption-enabled --cache-param p "
                            "--log-delivery-configurations '{\"LogType\": \"engine-log\"}'\n",
                            &ro);
    assert_string_equal(dumps(rep),
                        "op=create region=us-east-1 id=a engine=redis secure=false groups=[sg-1] "
                        "shards=2 pgroup=<absent> log=<absent>\n"
                        "op=create region=eu-central-1 id=a engine=redis secure=false "
                        "groups=[sg-1] shards=2 pgroup=<absent> log=<absent>\n"
                        "op=create region=ap-east-1 id=b engine=redis secure=true "
                        "groups=<absent> shards=1 pgroup=p log=engine-log");
    tenet_diagnostic d;
    assert_non_null(only(rep, "SECURE", &d));
    assert_string_equal(d.subject, "create-thing-group a");
    assert_string_equal(d.regions, "us-east-1,eu-central-1");
    assert_int_equal(d.line, 2);
    tenet_summary s;
    tenet_report_summary(rep, &s);
    assert_int_equal(s.subjects, 2);
    tenet_report_free(rep);
}

static void test_cli_json(void **state) {
    (void)state;
    /* Tags is only a parameter of CreateThingGroup: inferred */
    tenet_report *rep = run(small,
                            "{\"ThingGroupId\": \"j\", \"NumNodeGroups\": 4, \"Tags\": [], "
                            "\"AtRestEncryptionEnabled\": true}",
                            NULL);
    assert_string_equal(dumps(rep), "op=create region=<unknown> id=j engine=redis secure=true "
                                    "groups=<absent> shards=4 pgroup=<absent> log=<absent>");
    tenet_report_free(rep);
    /* both operations take these keys */
    rep = run(small, "ThingGroupId: j\nEngine: redis\n", NULL);
    assert_string_equal(only(rep, "unknown-operation", NULL),
                        "cannot tell which operation this JSON is for; pass --operation "
                        "(candidates: CreateThingGroup, ModifyThingGroup)");
    assert_string_equal(dumps(rep), "");
    tenet_report_free(rep);
    run_opts ro = {"cli-json", "modify-thing-group", NULL, 0, NULL};
    rep = run(small, "ThingGroupId: j\nEngine: redis\nEngin: x\n", &ro);
    assert_string_equal(dumps(rep), "op=update region=<unknown> id=j engine=redis secure=false "
                                    "groups=<absent> shards=1 pgroup=<absent> log=<absent>");
    tenet_diagnostic d;
    assert_string_equal(only(rep, "unknown-parameter", &d),
                        "unknown parameter Engin for ModifyThingGroup; did you mean Engine?");
    assert_int_equal(d.line, 3);
    assert_int_equal(d.severity, TENET_SEVERITY_WARNING);
    tenet_report_free(rep);
    ro.operation = "DeleteThing";
    rep = run(small, "ThingGroupId: j\n", &ro);
    assert_string_equal(only(rep, "unknown-operation", NULL),
                        "the rules know no operation DeleteThing (they know: CreateThingGroup, "
                        "ModifyThingGroup)");
    tenet_report_free(rep);
}

static void test_cloudtrail(void **state) {
    (void)state;
    const char *log =
        "{\"Records\": [\n"
        " {\"eventSource\": \"testsvc.amazonaws.com\", \"eventName\": \"CreateThingGroup\",\n"
        "  \"awsRegion\": \"sa-east-1\", \"eventTime\": \"2024-01-02T03:04:05Z\",\n"
        "  \"requestID\": \"r-1\", \"errorCode\": \"InvalidParameterValue\",\n"
        "  \"errorMessage\": \"bad\",\n"
        "  \"requestParameters\": {\"thingGroupId\": \"ct\", \"atRestEncryptionEnabled\": false,\n"
        "    \"securityGroupIds\": [\"sg-7\"], \"numNodeGroups\": 2, \"bogusParam\": 1,\n"
        "    \"logDeliveryConfigurations\": [{\"logType\": \"slow-log\"}]}},\n"
        " {\"eventSource\": \"testsvc.amazonaws.com\", \"eventName\": \"DescribeThings\",\n"
        "  \"awsRegion\": \"sa-east-1\"},\n"
        " {\"eventSource\": \"othersvc.amazonaws.com\", \"eventName\": \"CreateThingGroup\"}\n"
        "]}\n";
    tenet_report *rep = run(small, log, NULL);
    assert_string_equal(dumps(rep), "op=create region=sa-east-1 id=ct engine=redis secure=false "
                                    "groups=[sg-7] shards=2 pgroup=<absent> log=slow-log");
    tenet_diagnostic d;
    assert_non_null(only(rep, "SECURE", &d));
    assert_string_equal(d.subject, "CreateThingGroup r-1 2024-01-02T03:04:05Z");
    assert_string_equal(d.reason, "the call failed (InvalidParameterValue: bad)");
    assert_int_equal(d.line, 6);
    assert_string_equal(d.path, "Records[0].requestParameters.atRestEncryptionEnabled");
    assert_string_equal(only(rep, "unknown-parameter", NULL),
                        "unknown parameter BogusParam for CreateThingGroup");
    tenet_report_free(rep);

    /* lookup-events output and an EventBridge envelope */
    rep = run(small,
              "{\"Events\": [{\"EventId\": \"e\", \"CloudTrailEvent\": \"{\\\"eventSource\\\": "
              "\\\"testsvc.amazonaws.com\\\", \\\"eventName\\\": \\\"ModifyThingGroup\\\", "
              "\\\"awsRegion\\\": \\\"us-west-1\\\", \\\"eventID\\\": \\\"e-9\\\", "
              "\\\"requestParameters\\\": {\\\"thingGroupId\\\": \\\"lk\\\"}}\"}]}",
              NULL);
    assert_string_equal(dumps(rep), "op=update region=us-west-1 id=lk engine=redis secure=false "
                                    "groups=<absent> shards=1 pgroup=<absent> log=<absent>");
    tenet_report_free(rep);
    rep = run(small,
              "{\"detail-type\": \"AWS API Call via CloudTrail\", \"detail\": {\"eventSource\": "
              "\"testsvc.amazonaws.com\", \"eventName\": \"CreateThingGroup\", "
              "\"requestParameters\": {\"thingGroupId\": \"eb\", \"atRestEncryptionEnabled\": "
              "true}}}",
              NULL);
    assert_string_equal(dumps(rep), "op=create region=<unknown> id=eb engine=redis secure=true "
                                    "groups=<absent> shards=1 pgroup=<absent> log=<absent>");
    assert_null(only(rep, "SECURE", NULL));
    tenet_report_free(rep);
}

/* Every allocation failure is TENET_ENOMEM, never a crash or a leak, and a
 * check that succeeds gives the same report. */
static void survive_failures(const tenet_ruleset *rs, const char *text, const char *format) {
    run_opts ro = {format, NULL, NULL, 0, NULL};
    tenet_report *ref = run(rs, text, &ro);
    size_t expected = tenet_report_count(ref);
    tenet_report_free(ref);
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = "input.txt";
    o.input_format = format;
    bool ok = false;
    long n = 0;
    for (; !ok && n < 100000; n++) {
        tenet_report *rep = NULL;
        assert_int_equal(tenet_report_new(&rep), TENET_OK);
        tenet_error err;
        tn_alloc_fail_after(n);
        int rc = tenet_check(rep, rs, text, strlen(text), &o, &err);
        tn_alloc_fail_after(-1);
        if (rc != TENET_OK && rc != TENET_ENOMEM)
            fail_msg("after %ld allocations: status %d (%s)", n, rc, err.message);
        ok = rc == TENET_OK;
        if (ok)
            assert_int_equal(tenet_report_count(rep), expected);
        tenet_report_free(rep);
    }
    assert_true(ok);
    assert_true(n > 1); /* the first attempts did fail */
}

static void test_allocation_failures(void **state) {
    (void)state;
    survive_failures(builtin, EX1_LINUX, NULL);
    survive_failures(builtin, EX4_DOC, NULL);
    survive_failures(small,
                     "Action=CreateThingGroup&SecurityGroupIds.member.1=a&Tags.Tag.1.Key=k"
                     "&Bogus=1&LogDeliveryConfigurations.X.1.LogType=t\nAction=ModifyThingGroup\n",
                     NULL);
    survive_failures(small,
                     "aws testsvc create-thing-group --thing-group-id a --cach x --bad y "
                     "--security-group-ids '[\"s\"]' --log-delivery-configurations "
                     "LogType=a,B=[c,d],E={F=g} --engine $E --cli-input-json "
                     "'{\"NumNodeGroups\": 2, \"Nope\": 1}' && aws testsvc "
                     "modify-thing-group --no-x /\n  --engine e \"unterminated\n",
                     NULL);
    survive_failures(small, "{\"ThingGroupId\": \"j\", \"Tags\": [], \"Bogus\": 1}", NULL);
    survive_failures(small, "ThingGroupId: j\n", "cli-json");
    survive_failures(small,
                     "{\"Records\": [{\"eventSource\": \"testsvc.amazonaws.com\", "
                     "\"eventName\": \"CreateThingGroup\", \"errorCode\": \"E\", "
                     "\"requestParameters\": {\"thingGroupId\": \"x\", \"b\": [1]}}]}",
                     NULL);
    survive_failures(small,
                     "{\"Events\": [{\"CloudTrailEvent\": \"{\\\"eventSource\\\": "
                     "\\\"testsvc.amazonaws.com\\\", \\\"eventName\\\": "
                     "\\\"ModifyThingGroup\\\"}\"}]}",
                     NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_cli_examples),
        cmocka_unit_test(test_seed_api_examples),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_cli_json),
        cmocka_unit_test(test_cloudtrail),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
