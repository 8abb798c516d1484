/* Fuzz target: the rules loader and compiler. The first byte's bit 0 puts
 * the built-in pack first (so the input may extend or clash with it); bit 1
 * runs the compiled ruleset over a few fixed inputs, which fuzzes the
 * evaluator with arbitrary rules. The rest of the input is the pack. */
#include "fuzz_common.h"

static const char template_yaml[] =
    "AWSTemplateFormatVersion: '2010-09-09'\n"
    "Parameters:\n"
    "  Version: {Type: String, Default: 3.2.6, AllowedValues: [3.2.6, 3.2.10, 6.x]}\n"
    "  UseKey: {Type: String, Default: 'false'}\n"
    "Conditions:\n"
    "  HasKey: !Equals [!Ref UseKey, 'true']\n"
    "Resources:\n"
    "  Key:\n"
    "    Type: AWS::KMS::Key\n"
    "    DeletionPolicy: Retain\n"
    "    Properties: {EnableKeyRotation: false, KeySpec: SYMMETRIC_DEFAULT}\n"
    "  Group:\n"
    "    Type: AWS::ElastiCache::ReplicationGroup\n"
    "    Properties:\n"
    "      Engine: redis\n"
    "      EngineVersion: !Ref Version\n"
    "      CacheNodeType: cache.t3.micro\n"
    "      NumNodeGroups: 2\n"
    "      AtRestEncryptionEnabled: true\n"
    "      KmsKeyId: !If [HasKey, !GetAtt Key.Arn, !Ref 'AWS::NoValue']\n"
    "      Tags: [{Key: name, Value: !Sub '${AWS::Region}-x'}]\n"
    "  Cluster:\n"
    "    Type: AWS::ElastiCache::CacheCluster\n"
    "    Properties: {Engine: redis, CacheNodeType: cache.m5.large, NumCacheNodes: 1}\n";

static const char plan_json[] =
    "{\"format_version\":\"1.2\",\"terraform_version\":\"1.6.0\","
    "\"resource_changes\":[{\"address\":\"aws_elasticache_replication_group.g\","
    "\"type\":\"aws_elasticache_replication_group\",\"name\":\"g\",\"mode\":\"managed\","
    "\"change\":{\"actions\":[\"create\"],\"before\":null,"
    "\"after\":{\"engine\":\"redis\",\"engine_version\":\"4.0.10\",\"node_type\":\"cache.r5.large\","
    "\"at_rest_encryption_enabled\":true,\"num_node_groups\":3},"
    "\"after_unknown\":{\"kms_key_id\":true}}}],"
    "\"configuration\":{\"provider_config\":{\"aws\":{\"name\":\"aws\",\"expressions\":"
    "{\"region\":{\"constant_value\":\"eu-west-1\"}}}}}}";

static const char query_text[] =
    "Action=CreateReplicationGroup&Version=2015-02-02&Engine=redis&EngineVersion=3.2.4"
    "&CacheNodeType=cache.r5.large&AtRestEncryptionEnabled=true&KmsKeyId=alias%2Faws%2Felasticache";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned opt = data[0];
    tenet_rules_source src[2];
    size_t n = 0;
    if (opt & 1u) {
        const char *name = NULL;
        size_t len = 0;
        const char *pack = tenet_builtin_pack(0, &name, &len);
        tn_fuzz_assert(pack != NULL);
        src[n].name = name;
        src[n].data = pack;
        src[n].len = len;
        n++;
    }
    src[n].name = "fuzz.yaml";
    src[n].data = (const char *)data + 1;
    src[n].len = size - 1;
    n++;

    tenet_ruleset *rs = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rc = tenet_ruleset_compile(&rs, src, n, &err);
    if (rc != TENET_OK) {
        tn_fuzz_assert(rs == NULL);
        tn_fuzz_assert(err.code == rc && err.message[0] != '\0');
        tn_fuzz_assert(rc == TENET_ERULES || rc == TENET_ELIMIT || rc == TENET_ENOMEM);
        return 0;
    }
    tn_fuzz_assert(rs != NULL);
    size_t rules = tenet_ruleset_rule_count(rs);
    for (size_t i = 0; i < rules; i++) {
        tenet_rule_info ri;
        memset(&ri, 0, sizeof ri);
        ri.version = TENET_RULE_INFO_VERSION;
        tn_fuzz_assert(tenet_ruleset_rule_info(rs, i, &ri) == TENET_OK);
        tn_fuzz_assert(ri.id && ri.kind);
        size_t idx = 0;
        tn_fuzz_assert(tenet_ruleset_find_rule(rs, ri.id, &idx) == TENET_OK);
    }
    for (size_t i = 0; i < tenet_ruleset_pack_count(rs); i++) {
        const char *name, *title, *asof, *source;
        tn_fuzz_assert(tenet_ruleset_pack_info(rs, i, &name, &title, &asof, &source) == TENET_OK);
    }
    if (opt & 2u) {
        static const char *const inputs[] = {template_yaml, plan_json, query_text};
        for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
            tenet_check_options o;
            tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
            tn_fuzz_regions(opt >> 2, &o);
            o.max_scenarios = 8;
            tn_fuzz_check(rs, (const uint8_t *)inputs[i], strlen(inputs[i]), &o);
        }
    }
    tenet_ruleset_free(rs);
    return 0;
}
