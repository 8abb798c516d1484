/* Small helpers shared by the CLI commands: whole-file reading, terminal
 * detection and the colour decision, and the exit-code policy. */
#ifndef CLI_UTIL_H
#define CLI_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes of every command (documented in `tenet --help`). */
enum {
    CLI_EXIT_OK = 0,       /* no error-severity diagnostic */
    CLI_EXIT_FINDINGS = 1, /* at least one error-severity diagnostic (or a failed rule test) */
    CLI_EXIT_USAGE = 2     /* usage error, unreadable or unparseable input, bad rules file */
};

/* tenet_check's default max_input_bytes (64 MiB). */
#define CLI_DEFAULT_MAX_INPUT ((size_t)64 << 20)

/* Reads a file ("-" = stdin) into a malloc'd, NUL-terminated buffer, but
 * never more than `limit` + 1 bytes (0 = CLI_DEFAULT_MAX_INPUT): an endless
 * or huge input (/dev/zero, a pipe) cannot exhaust memory, and the library
 * still sees that it is over the limit and reports it. Returns 0, or an
 * errno value (the buffer is then NULL). */
int cli_read_file_limit(const char *path, size_t limit, char **data_out, size_t *len_out);
/* cli_read_file_limit() with the default limit. */
int cli_read_file(const char *path, char **data_out, size_t *len_out);

/* True when `fp` is a terminal. */
bool cli_isatty(FILE *fp);

typedef enum cli_color { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER } cli_color;

/* Parses "auto" | "always" | "never"; returns false for anything else. */
bool cli_parse_color(const char *s, cli_color *out);

/* Whether to colour output written to `fp`: auto means a terminal and no
 * (non-empty) NO_COLOR in the environment. */
bool cli_use_color(cli_color mode, FILE *fp);

/* Writes `len` bytes to `fp`; false on a write error. */
bool cli_write(FILE *fp, const char *data, size_t len);

/* Non-NULL when the variable is set and non-empty. */
const char *cli_getenv(const char *name);

/* A growable list of owned strings. The zero value is empty. */
typedef struct cli_strlist {
    char **v;
    size_t n, cap;
} cli_strlist;

/* Appends a copy of s[0..len); false when out of memory. */
bool cli_strlist_push(cli_strlist *l, const char *s, size_t len);
/* Whether s[0..len) is in the list. */
bool cli_strlist_contains(const cli_strlist *l, const char *s, size_t len);
void cli_strlist_free(cli_strlist *l);

/* Prints "tenet: MESSAGE" to stderr; the message is printf-style. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
