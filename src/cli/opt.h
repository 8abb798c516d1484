/* A small command-line option parser (no getopt_long, no global state).
 *
 * Long options take `--name=value` or `--name value`; short ones `-x value`,
 * `-xvalue` or clustered flags `-qv`. Options may repeat and may be mixed
 * with positional arguments, which come back in order. A lone `-` is a
 * positional argument (stdin); `--` ends the options. */
#ifndef CLI_OPT_H
#define CLI_OPT_H
#include <stdbool.h>
#include <stddef.h>

typedef struct cli_opt_spec {
    const char *name; /* long name without "--"; NULL ends the table */
    char short_name;  /* 0 = none */
    bool has_value;
    int id;           /* > 0, returned by cli_opt_next */
} cli_opt_spec;

enum {
    CLI_OPT_DONE = 0,        /* no more arguments */
    CLI_OPT_POSITIONAL = -1, /* *value is a positional argument */
    CLI_OPT_ERROR = -2       /* the parser's `error` says why */
};

typedef struct cli_opt_parser {
    const cli_opt_spec *specs;
    int argc;
    char **argv;
    int index;          /* next argv element */
    const char *cluster; /* rest of a short-option cluster being read */
    bool only_positional; /* seen "--" */
    char error[256];
} cli_opt_parser;

void cli_opt_init(cli_opt_parser *p, const cli_opt_spec *specs, int argc, char **argv);

/* Returns an option id (with *value set when it takes one), CLI_OPT_POSITIONAL
 * (*value = the argument), CLI_OPT_DONE or CLI_OPT_ERROR. */
int cli_opt_next(cli_opt_parser *p, const char **value);

#endif
