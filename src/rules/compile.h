/* Internal to src/rules: the state and helpers shared by the rule-pack
 * compiler's passes (load.c drives them; compile_kinds.c, compile_cond.c and
 * compile_rules.c do the work). Nothing outside src/rules includes this. */
#ifndef TN_RULES_COMPILE_H
#define TN_RULES_COMPILE_H
#include "doc/node.h"
#include "rules/ir.h"
#include <stdbool.h>
#include <stddef.h>

/* Compile state. The ruleset is being filled in place; every string and array
 * goes into rs->arena. The documents stay alive until compilation ends. */
typedef struct tn_rc {
    tenet_ruleset *rs;
    tenet_error *err;
    const tn_doc *doc; /* document being compiled */
    const char *file;  /* its name, for error positions */
    size_t pack;       /* index of the pack being compiled */
    size_t regex_cap;  /* capacity of rs->regexes */
    size_t kinds_cap, sets_cap, rules_cap;
} tn_rc;

/* Errors. All return the status they set, so callers can `return tn_rc_error(...)`. */
int tn_rc_error(tn_rc *rc, const tn_node *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Like tn_rc_error, but points `off` bytes into a scalar's value when the
 * scalar is written on one line without escapes (so the column is exact). */
int tn_rc_error_off(tn_rc *rc, const tn_node *at, size_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
int tn_rc_nomem(tn_rc *rc);

/* Arena copy of a scalar's text; NULL on allocation failure. */
const char *tn_rc_dup(tn_rc *rc, const tn_node *n);
/* Checks that `n` is a mapping; `what` names it in the message ("a rule"). */
int tn_rc_expect_map(tn_rc *rc, const tn_node *n, const char *what);
int tn_rc_expect_seq(tn_rc *rc, const tn_node *n, const char *what);
/* A string-like scalar (string or number as written) copied to the arena. */
int tn_rc_string(tn_rc *rc, const tn_node *n, const char *what, const char **out);
int tn_rc_bool(tn_rc *rc, const tn_node *n, const char *what, bool *out);
/* Every key of `map` is a scalar listed in `allowed` (NULL-terminated). */
int tn_rc_check_keys(tn_rc *rc, const tn_node *map, const char *const *allowed, const char *where);
/* `key` of `map` must be present. */
int tn_rc_require(tn_rc *rc, const tn_node *map, const char *key, const char *where);

/* The candidate closest to `name` by edit distance, or NULL if none is close. */
const char *tn_rc_suggest(const char *name, size_t len, const char *const *cands, size_t n);
/* " (did you mean \"x\"?)" or "" — static or arena text. */
const char *tn_rc_hint(tn_rc *rc, const char *name, size_t len, const char *const *cands, size_t n);

/* Identifier syntax of the rules language. */
bool tn_rc_is_kind_name(const char *s, size_t len);
bool tn_rc_is_ident(const char *s, size_t len); /* [A-Za-z_][A-Za-z0-9_]*: sets, fields */
bool tn_rc_is_rule_id(const char *s, size_t len);

/* Compiles the regex written in scalar `n`; the ruleset owns the result.
 * Errors read `bad regex "...": PCRE2 MESSAGE at offset N`, pointing at N. */
int tn_rc_regex(tn_rc *rc, const tn_node *n, struct tn_regex **out);

/* Converts a literal node into a value in the ruleset arena (recursively). */
int tn_rc_value(tn_rc *rc, const tn_node *n, tn_value *out);

/* Parses an operation name (create, update, replace, delete, read). */
tn_operation tn_rc_operation(const char *s, size_t len);

/* Passes (compile_kinds.c). Kinds go to rs->kinds; refs are checked once
 * every pack's kinds are known. */
int tn_rc_kinds(tn_rc *rc, const tn_node *kinds);
int tn_rc_check_refs(tn_rc *rc, const tn_node *kinds);

/* compile_cond.c */
int tn_rc_cond(tn_rc *rc, const tn_kind *kind, const tn_node *n, const tn_cond **out);
/* Parses a field reference written as text (inside `n`, starting `off`
 * bytes into its value, for error columns). */
int tn_rc_fieldref(tn_rc *rc, const tn_kind *kind, const char *text, size_t len, const tn_node *n,
                   size_t off, tn_fieldref *out);
/* Every {placeholder} of a message/fix template names a valid field reference. */
int tn_rc_placeholders(tn_rc *rc, const tn_kind *kind, const tn_node *n);

/* compile_rules.c */
int tn_rc_rules(tn_rc *rc, const tn_node *rules);

#endif
