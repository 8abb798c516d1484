/* Helpers shared by the renderers. */
#include "report/render_util.h"

#include <string.h>

const char *tn_severity_name(tenet_severity s) {
    switch (s) {
    case TENET_SEVERITY_ERROR: return "error";
    case TENET_SEVERITY_WARNING: return "warning";
    default: return "info";
    }
}

const char *tn_status_token(int code) {
    switch (code) {
    case TENET_EINVAL: return "invalid-argument";
    case TENET_ENOMEM: return "out-of-memory";
    case TENET_EPARSE: return "parse-error";
    case TENET_ERULES: return "rules-error";
    case TENET_ELIMIT: return "limit-exceeded";
    case TENET_EIO: return "io-error";
    case TENET_EFORMAT: return "unknown-format";
    default: return "error";
    }
}

void tn_suppression_split(const char *suppression, const char **mech, size_t *mech_len,
                          const char **reason) {
    *mech = suppression ? suppression : "";
    *reason = NULL;
    const char *colon = suppression ? strstr(suppression, ": ") : NULL;
    *mech_len = colon ? (size_t)(colon - suppression) : strlen(*mech);
    if (colon && colon[2])
        *reason = colon + 2;
}
