/* The frontend interface: a frontend turns one input (a parsed document or
 * raw text) into subjects and hands them to tn_run_judge(). It never
 * evaluates rules itself and never writes to the report directly except
 * through tn_run_note(). */
#ifndef TN_FRONTEND_H
#define TN_FRONTEND_H
#include "doc/node.h"
#include "rules/ir.h"
#include "subject/subject.h"
#include "tenet/check.h"
#include "eval/eval.h"
#include "util/vec.h"

typedef struct tn_run tn_run;

/* A suppression written in the input's own structure (CloudFormation
 * `Metadata: {tenet: {ignore: [...]}}`), applied after the run. Strings are
 * borrowed from the document. */
typedef struct tn_ignore {
    const char *subject; /* diagnostics of this subject; NULL = of the whole file */
    const char *rule;    /* exact rule id or engine note code */
    const char *reason;  /* NULL when none is given */
    tn_span span;        /* where it is written */
} tn_ignore;

struct tn_run {
    const tenet_ruleset *rs;
    const tn_doc *doc;    /* parsed document, or NULL for text formats */
    const char *text;     /* the UTF-8 input text */
    size_t len;
    const char *file;     /* file name for diagnostics */
    const char *format;   /* the frontend's name */
    const char *const *regions; /* regions to evaluate (expanded "all"); nregions == 0: none given */
    size_t nregions;
    const tenet_param *params;
    size_t nparams;
    const char *operation; /* --operation, or NULL */
    size_t max_scenarios;
    tn_arena *arena;       /* scratch for this check */
    tn_eval_ctx *eval;
    tenet_report *report;
    size_t file_index;
    tenet_error *err;
    size_t subjects;       /* distinct subjects judged (for the summary) */
    TN_VEC(tn_ignore) ignores; /* filled through tn_run_ignore(); freed by the caller */
};

/* Evaluates `n` variants of one subject (one per scenario, same region) and
 * adds their findings to the report. A finding present in every variant is
 * reported without a scenario; otherwise with the first variant's scenario
 * that produced it. Counts one subject. */
int tn_run_judge(tn_run *run, tn_subject *const *variants, size_t n);
/* Judges `s` once in its own region, or, when the input does not say,
 * once per region asked for (run->regions), counted as one subject. */
int tn_run_judge_regions(tn_run *run, tn_subject *s);

/* A diagnostic from the frontend itself (rule id `code`, e.g.
 * "transform-not-expanded"), with verdict "note". `span` may be NULL. */
int tn_run_note(tn_run *run, tenet_severity sev, const char *code, const tn_span *span,
                const char *path, const char *subject, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* Records a suppression the input itself declares (see tn_ignore). */
int tn_run_ignore(tn_run *run, const char *subject, const char *rule, const char *reason,
                  const tn_span *span);

typedef struct tn_frontend {
    const char *name;     /* --input-format value */
    bool needs_doc;       /* input is YAML/JSON and must be parsed first */
    /* Confidence 0..100 that this input is in this format. `doc` is NULL when
     * the text did not parse as YAML/JSON. */
    int (*detect)(const char *text, size_t len, const tn_doc *doc);
    int (*run)(tn_run *run);
} tn_frontend;

const tn_frontend *tn_frontend_find(const char *name);
/* Best match, or NULL when nothing scores above zero. */
const tn_frontend *tn_frontend_detect(const char *text, size_t len, const tn_doc *doc);
/* The pruner loading may use for documents `fe` judges with `rs`
 * (tn_doc_pruner), when `fe` reads only parts of its documents. */
bool tn_frontend_pruner(const tn_frontend *fe, const tenet_ruleset *rs, tn_doc_pruner *out);

/* Pruning before the format is known: every structured format's pruner at
 * once, counting what each drops. A document loaded with it may be judged
 * as loaded only by a frontend tn_frontend_guess_holds() accepts; any other
 * must load it again in full. */
#define TN_PRUNE_GUESS_MAX 4
typedef struct tn_prune_guess {
    tn_doc_pruner each[TN_PRUNE_GUESS_MAX];
    const tn_frontend *fe[TN_PRUNE_GUESS_MAX];
    size_t dropped[TN_PRUNE_GUESS_MAX];
    size_t n, last;
} tn_prune_guess;

void tn_frontend_guess_pruner(tn_prune_guess *g, const tenet_ruleset *rs, tn_doc_pruner *out);
bool tn_frontend_guess_holds(const tn_prune_guess *g, const tn_frontend *fe);
/* Comma-separated list of frontend names for messages. */
const char *tn_frontend_names(void);

#endif
