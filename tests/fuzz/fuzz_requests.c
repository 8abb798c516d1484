/* Fuzz target: the request frontends (Query API, AWS CLI command, CLI
 * --cli-input-json, CloudTrail event) with the built-in ruleset. The first
 * byte chooses the options: bits 0-2 the format (api-query, aws-cli,
 * cli-json, cloudtrail, else detection), bits 3-5 the regions, bit 6 an
 * --operation. The rest is the request. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned opt = data[0];
    static const char *const formats[] = {"api-query", "aws-cli", "cli-json", "cloudtrail"};
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = "request";
    unsigned f = opt & 7u;
    o.input_format = f < 4 ? formats[f] : NULL;
    tn_fuzz_regions(opt >> 3, &o);
    o.operation = (opt & 64u) ? "CreateReplicationGroup" : NULL;
    tn_fuzz_check(tn_fuzz_builtin(), data + 1, size - 1, &o);
    return 0;
}
