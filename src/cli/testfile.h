/* Rule test files (rules/README.md, "Rule tests"): loading and validation.
 * Strings are borrowed from the loaded documents, which live as long as the
 * cli_testfile. */
#ifndef CLI_TESTFILE_H
#define CLI_TESTFILE_H
#include "doc/node.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct cli_strs {
    const char **v;
    size_t n;
} cli_strs;

typedef struct cli_testcase {
    const char *file;         /* the test file's path */
    uint32_t line, column;    /* position of the case in it */
    const char *name;
    const char *input;
    size_t input_len;
    const char *filename;     /* NULL = "<test>.yaml" */
    const char *input_format; /* NULL = auto */
    const char *operation;    /* NULL = none */
    cli_strs regions;
    cli_strs param_names, param_values;
    char *rules_path;         /* resolved against the test file's directory; NULL = default */
    uint32_t rules_line, rules_column;
    cli_strs expect_fail, expect_pass, expect_unknown, expect_notes, expect_messages;
    long expect_count;        /* -1 = not given */
} cli_testcase;

typedef struct cli_testfile {
    tn_doc *doc;
    cli_testcase *cases;
    size_t ncases;
} cli_testfile;

/* Loads and validates one test file. Prints every problem to stderr as
 * `file:line:col: error: message` and returns false if there was any. */
bool cli_testfile_load(cli_testfile *tf, const char *path);
void cli_testfile_free(cli_testfile *tf);

#endif
