/* Small helpers shared by the machine-readable renderers. */
#ifndef TN_RENDER_UTIL_H
#define TN_RENDER_UTIL_H
#include "report/report.h"
#include <stdbool.h>
#include <stddef.h>

/* "error" | "warning" | "info". */
const char *tn_severity_name(tenet_severity s);

/* Stable machine-readable name of an input error code ("parse-error", ...);
 * tenet_status_str() gives the human sentence. */
const char *tn_status_token(int code);

/* Splits a diagnostic's `suppression` ("config: legacy cluster") into the
 * mechanism ("config", `mech_len` bytes) and the reason (NULL when none). */
void tn_suppression_split(const char *suppression, const char **mech, size_t *mech_len,
                          const char **reason);

/* Whether the diagnostic carries a position. */
static inline bool tn_diag_positioned(const tn_diag *d) { return d->has_span && d->span.line; }

/* The name of the file a diagnostic or input error belongs to. */
static inline const char *tn_report_file_name(const tenet_report *r, size_t file_index) {
    return file_index < r->files.n ? r->files.v[file_index].name : "<input>";
}

#endif
