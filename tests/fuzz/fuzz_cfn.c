/* Fuzz target: the CloudFormation frontend (tags, intrinsic functions,
 * conditions, scenarios, links) with the built-in ruleset. The first byte
 * chooses the options: bits 0-2 the regions, bit 3 a few --param values,
 * bits 4-5 the scenario limit, bit 6 format detection instead of forcing
 * cloudformation. The rest is the template. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned opt = data[0];
    static const tenet_param params[] = {
        {"EngineVersion", "3.2.10"}, {"UseCustomKey", "true"}, {"NodeType", "cache.t2.micro"},
        {"Env", ""}, {"AWS::Region", "cn-north-1"}};
    static const size_t scenario_limits[] = {0, 1, 3, 16};
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = "template.yaml";
    tn_fuzz_regions(opt, &o);
    if (opt & 8u) {
        o.params = params;
        o.param_count = sizeof params / sizeof params[0];
    }
    o.max_scenarios = scenario_limits[(opt >> 4) & 3u];
    o.input_format = (opt & 64u) ? NULL : "cloudformation";
    tn_fuzz_check(tn_fuzz_builtin(), data + 1, size - 1, &o);
    return 0;
}
