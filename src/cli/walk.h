/* Turning `tenet check` arguments into the sorted list of inputs.
 *
 * A file argument (or `-`) is always an input. A directory argument is
 * walked: entries in name order, directory symlinks not followed (so no
 * loops), hidden entries (".git", ".terraform", ".env.yaml") and
 * `node_modules` skipped, and files kept by extension — .yaml .yml .json
 * .template, plus .sh .bash .txt .md when a text input format was asked
 * for. Excludes are fnmatch(3) globs tried against the path relative to the
 * walked directory, the path as shown and the base name; an excluded
 * directory is not entered. Walked files are checked only when a frontend
 * recognises them (see cli_walk_keeps). */
#ifndef CLI_WALK_H
#define CLI_WALK_H
#include <stdbool.h>
#include <stddef.h>

typedef struct cli_input {
    char *path;  /* as shown in the report */
    bool walked; /* found in a directory, not named on the command line */
    int error;   /* errno when the directory at `path` could not be read, else 0 */
} cli_input;

typedef struct cli_inputs {
    cli_input *v;
    size_t n, cap;
} cli_inputs;

typedef struct cli_walk_options {
    char *const *excludes;
    size_t nexcludes;
    bool text_files; /* also pick up .sh/.bash/.txt/.md files */
} cli_walk_options;

/* Appends the inputs of `args` to `out`, sorted by path (byte order) with
 * duplicates dropped (a file both named and found counts as named).
 * Returns 0, or ENOMEM. */
int cli_collect_inputs(char *const *args, size_t nargs, const cli_walk_options *o,
                       cli_inputs *out);
void cli_inputs_free(cli_inputs *in);

/* Whether a walked file detected as `detected` is checked. With no input
 * format asked for (`want` NULL) only the formats that describe
 * infrastructure are: CloudFormation templates and Terraform plans (a JSON
 * file with capitalised keys is not an API request just because it could
 * be). Otherwise only files in the asked format. */
bool cli_walk_keeps(const char *want, const char *detected);

/* Resolves an --input-format value (aliases such as "cfn" included): true
 * with *canonical = NULL for NULL or "auto", true with the format's own name
 * for a known format, false for an unknown one. `canonical` may be NULL. */
bool cli_input_format(const char *name, const char **canonical);
/* The known formats, comma-separated, for messages. */
const char *cli_input_format_names(void);

#endif
