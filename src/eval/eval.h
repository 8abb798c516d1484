/* Evaluating a compiled ruleset against one subject. */
#ifndef TN_EVAL_H
#define TN_EVAL_H
#include "eval/tristate.h"
#include "rules/ir.h"
#include "subject/subject.h"

/* Per-check evaluation state: the only mutable state evaluation needs. */
typedef struct tn_eval_ctx {
    const tenet_ruleset *rs;
    tn_arena *arena; /* scratch for messages of this check */
    void *match_data;         /* carries the regex limits below */
    size_t regex_match_limit; /* PCRE2 match limit of `matches`/`derive`; 0 = default */
    size_t regex_depth_limit; /* PCRE2 depth limit; 0 = default */
    /* What each rule of `reads_rs` reads (tn_eval_rule_reads), made on first
     * use and freed with the context. */
    struct tn_eval_reads *reads;
    const tenet_ruleset *reads_rs;
} tn_eval_ctx;

int tn_eval_ctx_init(tn_eval_ctx *ctx, const tenet_ruleset *rs, tn_arena *arena);
/* The same with regex limits (0 = the defaults of eval/regex.h). */
int tn_eval_ctx_init_limits(tn_eval_ctx *ctx, const tenet_ruleset *rs, tn_arena *arena,
                            size_t regex_match_limit, size_t regex_depth_limit);
void tn_eval_ctx_dispose(tn_eval_ctx *ctx);

typedef enum tn_verdict { TN_VERDICT_FAIL = 1, TN_VERDICT_UNKNOWN = 2 } tn_verdict;

/* What a rule says about a subject when it does not simply pass. */
typedef struct tn_finding {
    const tn_rule *rule;
    tn_verdict verdict;
    tenet_severity severity;  /* rule severity for FAIL; INFO for UNKNOWN (REPORT) */
    const char *message;      /* placeholders filled; for UNKNOWN "could not verify: <title>" */
    const char *reason;       /* UNKNOWN: the first unknown leaf's reason */
    const tn_value *at;       /* value to point at, or NULL (the subject's own span) */
    const char *at_path;      /* document path of `at` (or NULL) */
} tn_finding;

typedef int (*tn_finding_fn)(void *payload, const tn_subject *s, const tn_finding *f);

/* Runs every rule of the subject's kind whose operations include the subject's
 * operation. Calls `cb` for each FAIL and reportable UNKNOWN. Returns TENET_OK,
 * the callback's non-zero result, or a negative status. */
int tn_eval_subject(tn_eval_ctx *ctx, const tn_subject *s, tn_finding_fn cb, void *payload);
/* The same for the rules i with only[i] non-zero (only == NULL: every rule). */
int tn_eval_subject_only(tn_eval_ctx *ctx, const tn_subject *s, const unsigned char *only,
                         tn_finding_fn cb, void *payload);

/* The fields of its kind that rule `i` of ctx->rs reads through the first
 * hop of its when, require, at and message references: *fields[0 .. *n),
 * ascending; *fields == NULL when it cannot tell (a kind of more than 255
 * fields). Whatever else a finding depends on is the subject's own (region,
 * operation, name, ...), never another field. Returns TENET_OK or
 * TENET_ENOMEM. */
int tn_eval_rule_reads(tn_eval_ctx *ctx, size_t i, const uint8_t **fields, size_t *n);
/* The indexes of the rules of `kind`, ascending, when the ruleset lists
 * them (a compiled one does, and `kind` is one of its kinds): *idx[0 .. *n).
 * false: whether a rule applies takes tn_eval_rule_applies. */
bool tn_eval_kind_rules(const tenet_ruleset *rs, const tn_kind *kind, const size_t **idx,
                        size_t *n);
/* Cuts message template `m` (for rules of `kind`) into literal text and
 * the placeholders shown as values: "{{" and "}}" are literal braces, and a
 * {...} that names no field is kept as written. Parts and references live
 * in `arena`; the parts point into `m`. TENET_OK or TENET_ENOMEM. */
int tn_eval_template(tn_arena *arena, const tn_kind *kind, const char *m, tn_msg_part **out,
                     size_t *nout);
/* Whether tn_eval_subject() judges `s` with rule `r` (same kind, and the
 * rule's operations include the subject's). */
bool tn_eval_rule_applies(const tn_rule *r, const tn_subject *s);

/* Exposed for unit tests: evaluate one condition / one test on one value. */
tn_tri tn_eval_cond(tn_eval_ctx *ctx, const tn_subject *s, const tn_cond *c,
                    const tn_value **first_false, const tn_value **first_unknown);
tn_tri tn_eval_test(tn_eval_ctx *ctx, const tn_subject *s, const tn_test *t, const tn_value *v,
                    const tn_value *before);
/* Resolves a field reference on a subject (following links); the result is
 * borrowed from the subject or allocated in ctx->arena for pseudo-fields. */
const tn_value *tn_eval_resolve(tn_eval_ctx *ctx, const tn_subject *s, const tn_fieldref *ref,
                                const tn_value **before_out);

#endif
