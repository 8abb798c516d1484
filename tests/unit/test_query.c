/* The Query API parser: percent-decoding, list and structure keys, the
 * documentation style with spaces and line breaks, URL regions, protocol
 * keys, several requests per file, malformed segments, spans, detection. */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "frontend/request.h"
#include <string.h>

static tn_arena arena;

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

static tn_request *parse(const char *text, size_t *n) {
    tn_textpos *tp = tn_arena_alloc(&arena, sizeof *tp);
    assert_non_null(tp);
    assert_int_equal(tn_textpos_init(tp, text, strlen(text), &arena), TENET_OK);
    tn_request *reqs = NULL;
    assert_int_equal(tn_query_parse(text, strlen(text), tp, &arena, &reqs, n), TENET_OK);
    return reqs;
}

static tn_request *parse_one(const char *text) {
    size_t n = 0;
    tn_request *r = parse(text, &n);
    assert_int_equal(n, 1);
    return r;
}

/* The display text of parameter `name`, or NULL when absent. */
static const char *param(const tn_request *r, const char *name) {
    const tn_req_param *p = tn_request_param(r, name, strlen(name));
    return p ? tn_value_display(&p->value, &arena) : NULL;
}

static void test_simple_and_decoding(void **state) {
    (void)state;
    tn_request *r = parse_one("Action=CreateReplicationGroup&Engine=redis"
                              "&ReplicationGroupDescription=test%20group+x%2Fy&Bad=%zz%4"
                              "&Nul=a%00b&Version=2015-02-02&X-Amz-Credential=<credential>"
                              "&SignatureVersion=4&ReplicationGroupId=my-rg");
    assert_string_equal(r->operation, "CreateReplicationGroup");
    assert_string_equal(r->name, "CreateReplicationGroup my-rg");
    assert_null(r->region);
    assert_int_equal(r->nparams, 5); /* protocol keys are not parameters */
    assert_string_equal(param(r, "Engine"), "redis");
    assert_string_equal(param(r, "ReplicationGroupDescription"), "test group x/y");
    assert_string_equal(param(r, "Bad"), "%zz%4");
    assert_string_equal(param(r, "Nul"), "a%00b"); /* a NUL is kept as written */
    assert_null(param(r, "Version"));
    assert_null(param(r, "X-Amz-Credential"));
    assert_int_equal(r->params[0].value.kind, TN_V_STR);
}

static void test_url_region(void **state) {
    (void)state;
    tn_request *r = parse_one("https://elasticache.us-west-2.amazonaws.com/?Action=Op&A=1");
    assert_string_equal(r->region, "us-west-2");
    assert_string_equal(r->service, "elasticache");
    r = parse_one("https://elasticache.cn-north-1.amazonaws.com.cn:443/path?Action=Op");
    assert_string_equal(r->region, "cn-north-1");
    r = parse_one("http://localhost:4566/?Action=Op");
    assert_null(r->region);
    assert_null(r->service);
    r = parse_one("https://elasticache.amazonaws.com/?Action=Op");
    assert_null(r->region);
    const char *svc = NULL;
    assert_string_equal(
        tn_request_host_region("elasticache-fips.us-gov-west-1.amazonaws.com", 44, &arena, &svc),
        "us-gov-west-1");
    assert_string_equal(svc, "elasticache");
    assert_null(tn_request_host_region("a.b.c.amazonaws.com", 19, &arena, &svc));
}

static void test_documentation_style(void **state) {
    (void)state;
    const char *t = "Some text first.\n\n"
                    "https://elasticache.us-west-2.amazonaws.com/\n"
                    "    ?Action=CreateReplicationGroup \n"
                    "    &AtRestEncryptionEnabled=true\n"
                    "\t&NumNodeGroups=3   \n"
                    "    &ReplicationGroupDescription=test%20group\n"
                    "    &X-Amz-Credential=<credential>\n"
                    "\n"
                    "For more, see https://docs.aws.amazon.com/x.html\n";
    tn_request *r = parse_one(t);
    assert_string_equal(r->region, "us-west-2");
    assert_string_equal(r->operation, "CreateReplicationGroup");
    assert_int_equal(r->nparams, 3);
    assert_string_equal(param(r, "NumNodeGroups"), "3");
    const tn_req_param *p = tn_request_param(r, "NumNodeGroups", 13);
    assert_int_equal(p->key_span.line, 6);
    assert_int_equal(p->key_span.col, 3); /* after the tab and '&' */
    assert_int_equal(p->value.span.line, 6);
    assert_int_equal(p->value.span.col, 17);
    assert_int_equal(p->value.span.end_col, 18);
    assert_int_equal(r->span.line, 4); /* Action=... */
    assert_int_equal(r->span.col, 6);

    /* the seed's flattened form: spaces around ? and & */
    r = parse_one("https://elasticache.us-west-2.amazonaws.com/ ?Action=CreateReplicationGroup "
                  "&CacheParameterGroup=default.redis4.0 &Engine=redis &X-Amz-Credential="
                  "<credential>");
    assert_string_equal(r->region, "us-west-2");
    assert_string_equal(param(r, "CacheParameterGroup"), "default.redis4.0");
    assert_string_equal(param(r, "Engine"), "redis");
    assert_int_equal(r->nparams, 2);
}

/* What each parameter carries: the length of its name, its value's text,
 * span and path; a repeated key keeps the first key's place and takes the
 * last value. */
static void test_param_fields(void **state) {
    (void)state;
    tn_request *r = parse_one("Action=Op&Engine=redis&NumNodeGroups=2&Engine=valkey"
                              "&Flat.3=c&Flat.1=a");
    assert_int_equal(r->nparams, 3);
    for (size_t i = 0; i < r->nparams; i++)
        assert_int_equal(r->params[i].name_len, strlen(r->params[i].name));
    const tn_req_param *e = tn_request_param(r, "Engine", 6);
    assert_non_null(e);
    assert_ptr_equal(e, &r->params[0]);
    assert_int_equal(e->value.kind, TN_V_STR);
    assert_string_equal(e->value.text, "valkey");
    assert_int_equal(e->value.len, 6);
    assert_string_equal(e->value.path, "Engine");
    assert_true(e->value.has_span);
    assert_int_equal(e->value.span.col, 47);
    assert_int_equal(e->value.span.end_col, 53);
    assert_true(e->has_key_span);
    assert_int_equal(e->key_span.col, 11);
    assert_int_equal(e->key_span.end_col, 17);
    assert_string_equal(param(r, "Flat"), "[a, c]");
}

static void test_lists_and_structures(void **state) {
    (void)state;
    tn_request *r = parse_one(
        "Action=Op&SecurityGroupIds.SecurityGroupId.2=sg-2&SecurityGroupIds.SecurityGroupId.1=sg-1"
        "&SnapshotArns.member.1=arn%3Aaws%3As3%3A%3A%3Ab%2Fs.rdb&UserGroupIds.Member.1=u"
        "&Tags.Tag.1.Key=k&Tags.Tag.1.Value=v&Tags.Tag.2.Key=k2"
        "&NodeGroupConfiguration.NodeGroupConfiguration.1.Slots=0-8191"
        "&NodeGroupConfiguration.NodeGroupConfiguration.1.ReplicaAvailabilityZones."
        "AvailabilityZone.1=us-east-1b"
        "&LogDeliveryConfigurations.LogDeliveryConfigurationRequest.1.DestinationDetails."
        "CloudWatchLogsDetails.LogGroup=lg"
        "&Flat.1=a&Flat.3=c&CacheSecurityGroupNames=&Struct.A=1&Struct.B.C=2&Bad..Key=x");
    assert_string_equal(param(r, "SecurityGroupIds"), "[sg-1, sg-2]");
    assert_string_equal(param(r, "SnapshotArns"), "[arn:aws:s3:::b/s.rdb]");
    assert_string_equal(param(r, "UserGroupIds"), "[u]");
    assert_string_equal(param(r, "Tags"), "[{Key: k, Value: v}, {Key: k2}]");
    assert_string_equal(param(r, "NodeGroupConfiguration"),
                        "[{Slots: 0-8191, ReplicaAvailabilityZones: [us-east-1b]}]");
    assert_string_equal(param(r, "LogDeliveryConfigurations"),
                        "[{DestinationDetails: {CloudWatchLogsDetails: {LogGroup: lg}}}]");
    assert_string_equal(param(r, "Flat"), "[a, c]");
    assert_string_equal(param(r, "CacheSecurityGroupNames"), ""); /* an empty list */
    assert_string_equal(param(r, "Struct"), "{A: 1, B: {C: 2}}");
    assert_null(param(r, "Bad"));
    const tn_req_param *p = tn_request_param(r, "Tags", 4);
    assert_int_equal(p->value.kind, TN_V_LIST);
    const tn_value *k2 = &p->value.u.list.items[1].u.map.vals[0];
    assert_string_equal(k2->path, "Tags.Tag.2.Key");
    assert_true(k2->has_span);
    /* an empty list marker followed by members: the members win */
    r = parse_one("Action=Op&Tags=&Tags.member.1.Key=a");
    assert_string_equal(param(r, "Tags"), "[{Key: a}]");
}

static void test_several_requests(void **state) {
    (void)state;
    size_t n = 0;
    tn_request *r = parse("Action=A&X=1\n"
                          "not a request\n"
                          "Action=B&\n"
                          "  Y=2\n"
                          "https://elasticache.eu-west-1.amazonaws.com/\n"
                          "  ?Action=C\n"
                          "  &CacheClusterId=c1\n"
                          "https://example.com/no-action\n",
                          &n);
    assert_int_equal(n, 3);
    assert_string_equal(r[0].operation, "A");
    assert_string_equal(param(&r[0], "X"), "1");
    assert_string_equal(r[1].operation, "B");
    assert_string_equal(param(&r[1], "Y"), "2"); /* the line ended with '&' */
    assert_string_equal(r[2].operation, "C");
    assert_string_equal(r[2].region, "eu-west-1");
    assert_string_equal(r[2].name, "C c1");
    assert_int_equal(r[2].span.line, 6);
}

static void test_inline_urls(void **state) {
    (void)state;
    /* no request at a line start: URLs inside lines */
    size_t n = 0;
    tn_request *r = parse("curl 'https://elasticache.us-east-1.amazonaws.com/?Action=A&Engine=x' "
                          "and \"?Action=B&Z=1\"",
                          &n);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].region, "us-east-1");
    assert_string_equal(param(&r[0], "Engine"), "x");
    assert_null(r[1].region);
    assert_string_equal(param(&r[1], "Z"), "1");
}

static void test_malformed_segments(void **state) {
    (void)state;
    tn_request *r = parse_one("https://elasticache.us-west-2.amazonaws.com/\n"
                              "  ?Action=ModifyCacheCluster\n"
                              "  &CacheParameterGroupName redis32-m2-xl\n"
                              "  &X-Amz-Algorithm=&AWS;4-HMAC-SHA256\n"
                              "  &ApplyImmediately\n"
                              "  &#fragment=1\n");
    assert_string_equal(param(r, "CacheParameterGroupName"), "redis32-m2-xl");
    assert_string_equal(param(r, "ApplyImmediately"), "");
    assert_null(param(r, "fragment"));
    assert_int_equal(r->nparams, 2);
    assert_int_equal(r->nnotes, 1);
    assert_string_equal(r->notes[0].code, "malformed-parameter");
    assert_int_equal(r->notes[0].span.line, 3);
}

static void test_no_action_is_no_request(void **state) {
    (void)state;
    size_t n = 5;
    parse("https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/x.html\n", &n);
    assert_int_equal(n, 0);
    parse("", &n);
    assert_int_equal(n, 0);
}

static void test_detect(void **state) {
    (void)state;
    const char *t = "Action=CreateReplicationGroup&Engine=redis";
    assert_int_equal(tn_query_detect(t, strlen(t), NULL), 90);
    t = "https://elasticache.us-west-2.amazonaws.com/\n   ?Action=X\n";
    assert_int_equal(tn_query_detect(t, strlen(t), NULL), 90);
    t = "see TheAction=X";
    assert_int_equal(tn_query_detect(t, strlen(t), NULL), 20);
    t = "aws elasticache create-replication-group";
    assert_int_equal(tn_query_detect(t, strlen(t), NULL), 0);
    assert_int_equal(tn_query_detect("", 0, NULL), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_simple_and_decoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_region, setup, teardown),
        cmocka_unit_test_setup_teardown(test_documentation_style, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists_and_structures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_param_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_several_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inline_urls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_action_is_no_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detect, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
