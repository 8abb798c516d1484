/* The CLI's command table entries. Each command gets argv starting after its
 * name and returns the process exit code (see util.h). */
#ifndef CLI_CLI_H
#define CLI_CLI_H
#include <stddef.h>

int cli_cmd_check(int argc, char **argv);
int cli_cmd_rules(int argc, char **argv);
int cli_cmd_test(int argc, char **argv);

struct tenet_ruleset;

/* Compiles the rule pack files `paths` into one ruleset, or the built-in packs
 * when n == 0. Prints a positioned error (`file:line:col: error: message`) to
 * stderr on failure. Returns 0, or CLI_EXIT_USAGE. */
int cli_load_ruleset(char *const *paths, size_t n, struct tenet_ruleset **out);
/* The same, then `extra` (an in-memory pack, e.g. the configuration's set
 * overrides) compiled after the others; `extra` may be NULL. */
struct tenet_rules_source;
int cli_load_ruleset_with(char *const *paths, size_t n, const struct tenet_rules_source *extra,
                          struct tenet_ruleset **out);

/* Each command's --help text. */
extern const char cli_check_usage[];
extern const char cli_rules_usage[];
extern const char cli_test_usage[];

#endif
