/* Suppressions and severity overrides: applied to one file's diagnostics
 * after its frontend ran, so every binding gets the same semantics. */
#ifndef TN_CHECK_SUPPRESS_H
#define TN_CHECK_SUPPRESS_H
#include "frontend/frontend.h"
#include "report/report.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct tn_suppress_in {
    tenet_report *report;
    size_t file_index;             /* its diagnostics are the report's last ones */
    const tenet_ruleset *rs;
    const tenet_check_options *opts;
    const char *file;              /* the file's display name */
    const char *text;              /* the decoded input, for inline comments */
    size_t len;
    bool scan_comments;            /* false for JSON, which has no comments */
    const tn_ignore *ignores;      /* declared by the input (template metadata) */
    size_t nignores;
    tn_arena *arena;               /* scratch, lives until the check ends */
} tn_suppress_in;

/* Checks the suppression and override options (dates, required fields) and
 * writes the date expiry is judged on ("YYYY-MM-DD") to `today`. Returns
 * TENET_OK, or TENET_EINVAL with a message in `msg`. */
int tn_suppress_validate(const tenet_check_options *opts, char today[11], char *msg,
                         size_t msg_size);

/* Marks the file's suppressed diagnostics, adds the notes about expired and
 * refused suppressions, then applies the severity overrides (dropping the
 * diagnostics of rules turned off). TENET_OK or TENET_ENOMEM. */
int tn_suppress_apply(const tn_suppress_in *in, const char *today);

#endif
