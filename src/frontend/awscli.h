/* The aws-cli frontend's internals, shared by awscli.c (commands, flags)
 * and awscli_values.c (argument values), and exposed for unit tests. */
#ifndef TN_AWSCLI_H
#define TN_AWSCLI_H
#include "frontend/request.h"
#include "frontend/shellwords.h"

typedef struct tn_cli_ctx {
    const char *file; /* the input file: file:// paths are relative to its directory */
    tn_textpos *tp;
    tn_arena *arena;
    tn_request *req; /* notes are added here */
} tn_cli_ctx;

/* Span of bytes [a, b) of word w's text: exact when the word is written
 * verbatim, else the whole word. */
tn_span tn_cli_span(const tn_cli_ctx *c, const tn_sw_word *w, size_t a, size_t b);

/* The value of one argument word of `flag` for a parameter whose field has
 * type `ft` (TN_T_STRING for parameters no field maps): a shell expansion
 * is unknown; file:// is read; for list, map and any fields a value starting
 * with [ or { is JSON and Key=value,... is shorthand syntax; else a string.
 * TENET_OK (problems become notes and unknown values) or TENET_ENOMEM. */
int tn_cli_word_value(tn_cli_ctx *c, const tn_sw_word *w, const char *flag, const char *path,
                      tn_ftype ft, tn_value *out);

/* Parses AWS CLI shorthand syntax (`Key=a,Value=b`, `A=x,y`, `[..]`,
 * `{..}`) in s[0..len) into a map. Returns TENET_OK, TENET_EPARSE with
 * *err set, or TENET_ENOMEM. Spans come from `w` when given. */
int tn_cli_shorthand(tn_cli_ctx *c, const tn_sw_word *w, const char *s, size_t len,
                     const char *path, tn_value *out, const char **err);

/* The parameters of --cli-input-json / --cli-input-yaml (inline text or
 * file://): a map by API name. Returns 1 with *out set, 0 when it could not
 * be read (a note says why), or TENET_ENOMEM. */
int tn_cli_input(tn_cli_ctx *c, const tn_sw_word *w, bool yaml, tn_value *out);

#endif
