/* A shell word splitter for command lines found in scripts and
 * documentation: POSIX quoting and escapes, line continuations (POSIX `\`,
 * Windows `^`, and the lone `\` or `^` that documentation flattened onto one
 * line leaves mid-line), `#` comments and command separators. Every word
 * keeps its position in the input. No expansion is performed: a word that
 * would expand ($VAR, $(...), `...`) is flagged instead. */
#ifndef TN_SHELLWORDS_H
#define TN_SHELLWORDS_H
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct tn_sw_word {
    const char *text; /* the word after quote removal, NUL-terminated (arena) */
    size_t len;
    size_t off, end; /* the raw word in the input: [off, end) */
    /* Offset of the input where `text` is written verbatim (one unquoted run
     * without escapes, or the inside of one pair of quotes), or -1 when the
     * word was assembled: positions inside it are then approximate. */
    long verbatim;
    bool quoted;  /* some part was quoted */
    bool expands; /* contains a shell expansion ($VAR, ${..}, $(..), `..`) */
} tn_sw_word;

typedef enum tn_sw_end {
    TN_SW_EOF,
    TN_SW_NEWLINE,
    TN_SW_SEPARATOR,   /* ; | & && || */
    TN_SW_UNTERMINATED /* a quote was still open at the end of the input */
} tn_sw_end;

typedef struct tn_sw_command {
    tn_sw_word *words;
    size_t n;
    size_t end; /* offset past the terminator: where the next command may start */
    tn_sw_end ended_by;
    size_t quote_off; /* TN_SW_UNTERMINATED: the opening quote */
    /* Lone '/' at the end of a line followed by a line starting with '-':
     * documentation typos for '\'. Taken as continuations; offsets kept so
     * the caller can say so. */
    size_t *slashes;
    size_t nslashes;
} tn_sw_command;

/* Splits one command starting at byte `start` of `text`. Returns 0, or -1
 * when out of memory. */
int tn_sw_split(const char *text, size_t len, size_t start, tn_arena *arena, tn_sw_command *out);

#endif
