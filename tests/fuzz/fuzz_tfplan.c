/* Fuzz target: the Terraform plan frontend with the built-in ruleset. The
 * first byte chooses the options: bits 0-2 the regions, bit 3 an
 * --operation, bit 6 format detection instead of forcing terraform-plan.
 * The rest is the plan (JSON, or YAML since the loader accepts both). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned opt = data[0];
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = "plan.json";
    tn_fuzz_regions(opt, &o);
    o.operation = (opt & 8u) ? "update" : NULL;
    o.max_scenarios = (opt & 16u) ? 2 : 0;
    o.input_format = (opt & 64u) ? NULL : "terraform-plan";
    tn_fuzz_check(tn_fuzz_builtin(), data + 1, size - 1, &o);
    return 0;
}
