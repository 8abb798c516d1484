/* The project configuration file `.tenet.yaml`: found upward from the
 * working directory (or named with --config), read strictly (an unknown key
 * is an error, with its position), and merged under the command line. */
#ifndef CLI_CONFIG_H
#define CLI_CONFIG_H
#include "cli/util.h"
#include <stdbool.h>
#include <stddef.h>
#include <tenet.h>

#define CLI_CONFIG_NAME ".tenet.yaml"

/* Lowest severity that makes `check` exit 1. */
typedef enum cli_fail_on {
    CLI_FAIL_ON_UNSET = 0, /* neither --fail-on nor fail-on: given; means error */
    CLI_FAIL_ON_INFO,
    CLI_FAIL_ON_WARNING,
    CLI_FAIL_ON_ERROR,
    CLI_FAIL_ON_NEVER
} cli_fail_on;

struct tn_doc;

typedef struct cli_config {
    char *path;                /* the file read, as a path from the working directory; NULL = none */
    char *dir;                 /* its directory, same form ("." when it is here) */
    char *abs_dir;             /* the same, absolute, for the `path` globs of suppressions */
    cli_strlist rules;         /* rule pack paths, resolved against `dir` */
    cli_strlist regions;
    cli_strlist param_names, param_values;
    tenet_severity_override *severity;
    size_t nseverity;
    cli_fail_on fail_on;
    tenet_suppression *suppressions;
    size_t nsuppressions;
    char *sets_pack;           /* `sets:` as a rule pack of override_sets, or NULL */
    size_t sets_pack_len;
    char **exclude;            /* globs of paths to skip when walking directories */
    size_t nexclude;
    cli_strlist exclude_list;  /* owns `exclude` */
    struct tn_doc *doc;        /* owns the strings the arrays above borrow */
} cli_config;

/* Parses "error" | "warning" | "info" | "never". */
bool cli_parse_fail_on(const char *s, cli_fail_on *out);

/* Reads `explicit_path` (from --config), or else the nearest .tenet.yaml in
 * the working directory or above it; the search stops at the directory that
 * holds `.git` (the repository root) or at the filesystem root. Finding none
 * is fine (cfg->path stays NULL). Returns 0, or CLI_EXIT_USAGE after printing
 * `file:line:col: error: message` to stderr. */
int cli_config_load(cli_config *cfg, const char *explicit_path);
void cli_config_free(cli_config *cfg);

/* Fills each empty list from the configuration: the command line wins, a
 * list given there replaces the file's. Returns false when out of memory. */
bool cli_config_merge(const cli_config *cfg, cli_strlist *rules, cli_strlist *regions,
                      cli_strlist *param_names, cli_strlist *param_values);

/* Sets the suppressions and severity overrides of `opts` from the file. */
void cli_config_apply(const cli_config *cfg, tenet_check_options *opts);

/* The path `input` (as given on the command line) relative to the
 * configuration's directory, which suppressions' `path` globs match; NULL
 * when there is no configuration or for stdin. malloc'd. */
char *cli_config_match_path(const cli_config *cfg, const char *input);

/* The exit code for `sum` under `fail_on` (no input errors assumed). */
int cli_findings_exit(const tenet_summary *sum, cli_fail_on fail_on);

/* Compiles `paths` (or the built-in packs when n == 0) followed by the
 * configuration's set overrides, like cli_load_ruleset. */
int cli_config_load_ruleset(const cli_config *cfg, char *const *paths, size_t n,
                            tenet_ruleset **out);

#endif
