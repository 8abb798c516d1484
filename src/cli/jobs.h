/* Checking many inputs on several threads over one compiled ruleset.
 *
 * Each input is checked into a report of its own by whichever thread takes
 * it; the reports are then merged in input order (the sorted path order of
 * cli_collect_inputs), so the output is byte-for-byte the same whatever the
 * number of threads. */
#ifndef CLI_JOBS_H
#define CLI_JOBS_H
#include "cli/walk.h"
#include <stddef.h>
#include <tenet.h>

typedef struct cli_check_job {
    const cli_inputs *inputs;
    const tenet_ruleset *rs;
    const tenet_check_options *opts; /* shared; `filename` is set per input */
    const char *want;                /* canonical input format asked for, or NULL */
    bool filter_named;               /* treat named files like walked ones */
    size_t threads;                  /* 1 = no threads */
    const struct cli_config *config; /* for suppressions' path globs, or NULL */
} cli_check_job;

/* Checks every input into `report`. Returns the number of inputs that could
 * not be read or judged, or -1 after a fatal error already printed. */
long cli_check_inputs(const cli_check_job *job, tenet_report *report);

/* The number of online CPUs, at least 1. */
size_t cli_online_cpus(void);

#endif
