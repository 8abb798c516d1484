/* tenet/check.h — checking one input against a ruleset, and the report it fills. */
#ifndef TENET_CHECK_H
#define TENET_CHECK_H

#include "common.h"
#include "errors.h"
#include "ruleset.h"

TENET_BEGIN_DECL

/* A name=value override for a template parameter (CloudFormation Parameters,
 * Terraform variables). Borrowed for the duration of the call. */
typedef struct tenet_param {
    const char *name;
    const char *value;
} tenet_param;

/* A central suppression (what a `.tenet.yaml` lists): diagnostics of the rules
 * matching `rule`, in files matching `path`, of subjects matching `subject`
 * are suppressed until `expires`. `rule`, `path` and `subject` are globs
 * (`*` stays within a path segment, `**` crosses `/`, `?`, `[a-z]`); NULL
 * `path`/`subject` match anything; `rule` is required. `reason` is required.
 * `expires` is NULL or YYYY-MM-DD: from that day on the suppression no longer
 * applies, and each diagnostic it would have silenced gets an info note
 * "expired-suppression". */
typedef struct tenet_suppression {
    const char *rule;
    const char *path;
    const char *subject;
    const char *reason;
    const char *expires;
} tenet_suppression;

/* Turns a rule off in a severity override. */
#define TENET_SEVERITY_OFF (-1)

/* Changes the severity of the failures of the rules matching `rule` (an id or
 * a glob; an exact id wins over globs, else the last matching glob), or drops
 * every diagnostic of them with TENET_SEVERITY_OFF. Engine notes
 * (duplicate-key, ...) are matched by their code. */
typedef struct tenet_severity_override {
    const char *rule;
    int severity; /* a tenet_severity, or TENET_SEVERITY_OFF */
} tenet_severity_override;

/* Version 2 added the fields from `suppressions` on. Version 1 callers (and
 * bindings that mirror the version 1 layout) keep working: init and check
 * then touch only the version 1 fields. */
#define TENET_CHECK_OPTIONS_VERSION 2

/* Options of one check. Initialise with tenet_check_options_init() (or
 * TENET_CHECK_OPTIONS_INIT) and set what you need; zero means "default".
 * Every pointer is borrowed for the duration of tenet_check() only. */
typedef struct tenet_check_options {
    unsigned int version;
    const char *filename;              /* shown in diagnostics; NULL = "<input>" */
    const char *const *regions;        /* regions to evaluate; "all" = the pack's region set */
    size_t region_count;               /* 0 = the input's own region, else unknown */
    const tenet_param *params;
    size_t param_count;
    const char *input_format;          /* NULL or "auto" = detect; or "cloudformation", ... */
    const char *operation;             /* operation for inputs that do not name one */
    /* Limits; 0 = the default shown. Exceeding one is a positioned TENET_ELIMIT error. */
    size_t max_input_bytes;            /* 64 MiB */
    size_t max_depth;                  /* 256 nesting levels; at most 1000 (else TENET_EINVAL) */
    size_t max_alias_nodes;            /* 1,000,000 nodes produced by alias expansion */
    size_t max_scalar_bytes;           /* 16 MiB */
    size_t max_scenarios;              /* 256 scenarios per resource */
    /* Central suppressions; inline comments and template metadata are always read. */
    const tenet_suppression *suppressions;
    size_t suppression_count;
    const char *today;                 /* YYYY-MM-DD for `expires`; NULL = today (UTC) */
    const tenet_severity_override *severity_overrides;
    size_t severity_override_count;
    const char *match_path; /* the file as `path` globs see it; NULL = filename (minus "./") */
    /* PCRE2 limits for the `matches` and `derive` patterns of rules; 0 = the
     * default shown. A match that hits one makes the test "could not verify". */
    size_t regex_match_limit;          /* 1,000,000 backtracking steps */
    size_t regex_depth_limit;          /* 10,000 (backtracking depth) */
} tenet_check_options;

#define TENET_CHECK_OPTIONS_INIT                                                                   \
    {TENET_CHECK_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

TENET_EXTERN(int) tenet_check_options_init(tenet_check_options *opts, unsigned int version);

/* A report accumulates the diagnostics of one or more checks. Owned by the
 * caller; free with tenet_report_free(). Not safe for concurrent mutation:
 * use one report per thread (the ruleset itself is shared). */
typedef struct tenet_report tenet_report;

TENET_EXTERN(int) tenet_report_new(tenet_report **out);
TENET_EXTERN(void) tenet_report_free(tenet_report *report);

/* Checks `len` bytes of input against `rs` and appends the diagnostics to
 * `report`. The bytes are copied (code frames need them later).
 * Returns TENET_OK when the input was judged (whatever the findings), or an
 * error status when it could not be read (TENET_EPARSE, TENET_ELIMIT,
 * TENET_EFORMAT, ...); in that case `err` says why and where, and the report
 * records the failure as an input error so renderings still show it. */
TENET_EXTERN(int) tenet_check(tenet_report *report, const tenet_ruleset *rs, const char *data,
                              size_t len, const tenet_check_options *opts, tenet_error *err);

/* Records that an input could not be checked at all (e.g. the caller could
 * not read the file), so renderings and the summary include it like any
 * other input error. `err->code`, `message`, `line` and `column` are used;
 * `filename` NULL means "<input>". */
TENET_EXTERN(int) tenet_report_add_input_error(tenet_report *report, const char *filename,
                                               const tenet_error *err);

/* Moves everything `src` holds (files, diagnostics, input errors, subject
 * counts) to the end of `dst`; `src` is left empty and still usable. For
 * checking files in parallel: one report per thread or per file, merged in a
 * fixed order so the output does not depend on scheduling. On TENET_ENOMEM
 * neither report changed. */
TENET_EXTERN(int) tenet_report_merge(tenet_report *dst, tenet_report *src);

/* Tells which input format `len` bytes are in, as tenet_check() does when
 * no input_format is given: TENET_OK with *format_out set to the format's
 * name ("cloudformation", "terraform-plan", ...; static storage), or
 * TENET_EFORMAT when no format recognises the input (also when it is not
 * valid YAML/JSON and no text format matches), TENET_EINVAL or
 * TENET_ENOMEM. Keeps nothing; safe to call from any thread. */
TENET_EXTERN(int) tenet_detect_format(const char *data, size_t len, const char **format_out);

#define TENET_DIAGNOSTIC_VERSION 1

/* One diagnostic. Strings are borrowed from the report and stay valid until
 * it is freed; optional ones are NULL. Lines and columns are 1-based and
 * count Unicode code points; end_column points one past the last character. */
typedef struct tenet_diagnostic {
    unsigned int version;
    const char *rule;
    tenet_severity severity;
    const char *verdict;   /* "fail" (the rule is violated), "unknown" (could not verify), "note" */
    const char *message;
    const char *fix;
    const char *reason;    /* for "unknown": why the value could not be resolved */
    const char *file;
    uint32_t line, column, end_line, end_column;
    const char *path;      /* document path, e.g. Resources.Db.Properties.EngineVersion */
    const char *subject;   /* logical id, Terraform address or request action */
    const char *kind;      /* canonical kind */
    const char *operation; /* create | update | replace | delete */
    const char *region;    /* first region the diagnostic holds in */
    const char *regions;   /* every region it holds in, comma-separated */
    const char *scenario;  /* the parameter/condition choices that trigger it; NULL = always */
    const char *source;    /* the source-document section the rule encodes */
    int suppressed;        /* non-zero: silenced by a suppression (kept for JSON/SARIF) */
    /* When suppressed: how ("inline", "metadata" or "config"), then ": " and
     * the reason when one was given, e.g. "config: legacy cluster"; else NULL. */
    const char *suppression;
} tenet_diagnostic;

/* Number of diagnostics, and diagnostic `index` in report order
 * (files in check order; within a file by line, column, rule). */
TENET_EXTERN(size_t) tenet_report_count(const tenet_report *report);
TENET_EXTERN(int) tenet_report_get(const tenet_report *report, size_t index, tenet_diagnostic *out);

typedef struct tenet_summary {
    size_t files;        /* inputs checked (including failed ones) */
    size_t input_errors; /* inputs that could not be read or parsed */
    size_t subjects;     /* distinct subjects judged */
    size_t errors, warnings, infos; /* unsuppressed diagnostics only */
    size_t suppressed;   /* diagnostics silenced by a suppression */
} tenet_summary;

TENET_EXTERN(void) tenet_report_summary(const tenet_report *report, tenet_summary *out);

typedef enum tenet_format {
    TENET_FORMAT_TEXT = 0,
    TENET_FORMAT_JSON = 1,
    TENET_FORMAT_SARIF = 2,  /* SARIF 2.1.0, one run */
    TENET_FORMAT_JUNIT = 3,  /* JUnit XML: one testcase per subject and rule judged */
    TENET_FORMAT_GITHUB = 4  /* GitHub Actions workflow commands (::error file=...::) */
} tenet_format;

/* Version 2 added `base_dir` and `ruleset`. Version 1 callers (and bindings
 * that mirror the version 1 layout) keep working: init and render then touch
 * only the version 1 fields. */
#define TENET_RENDER_OPTIONS_VERSION 2

typedef struct tenet_render_options {
    unsigned int version;
    int format;    /* a tenet_format */
    int color;     /* text only: ANSI colours when non-zero */
    int min_severity; /* text only: hide diagnostics below this tenet_severity */
    /* SARIF only: artifact URIs are relative to this directory (the working
     * directory when NULL), under the uriBaseId "%SRCROOT%"; files outside it
     * get absolute file:// URIs. When set, originalUriBaseIds gives its
     * absolute URI. Borrowed for the call. */
    const char *base_dir;
    /* SARIF only: the ruleset the report was checked with, so the driver
     * lists every rule with its metadata (not only those that fired). NULL:
     * only the rules and engine notes that occur, without metadata.
     * Borrowed for the call. */
    const tenet_ruleset *ruleset;
} tenet_render_options;

#define TENET_RENDER_OPTIONS_INIT {TENET_RENDER_OPTIONS_VERSION, TENET_FORMAT_TEXT, 0, 0, 0, 0}

TENET_EXTERN(int) tenet_render_options_init(tenet_render_options *opts, unsigned int version);

/* Renders the report into `out` (caller disposes it with tenet_buf_dispose).
 * JSON is one object: {"tenet": VERSION, "diagnostics": [...], "input_errors": [...],
 * "summary": {...}}; its schema is documented in the README. SARIF, JUnit and
 * GitHub are described there too ("SARIF, JUnit and GitHub output"). */
TENET_EXTERN(int) tenet_report_render(const tenet_report *report, const tenet_render_options *opts,
                                      tenet_buf *out, tenet_error *err);

/* Receives rendered output: `len` (never 0) bytes at `data`, borrowed for
 * the call only (not NUL-terminated). Return 0 to go on; anything else
 * stops the rendering. */
typedef int (*tenet_write_fn)(void *ctx, const char *data, size_t len);

/* Renders the report as tenet_report_render() does, but hands the output
 * to `write` piece by piece, in order, instead of building it whole, so
 * memory stays small however large the report is. The pieces (most of
 * them 64 KiB or less) put together are exactly the bytes
 * tenet_report_render() returns.
 * `ctx` is passed to `write` as is; the library keeps neither after the
 * call. Returns TENET_OK after the last piece; TENET_EIO when `write`
 * returned non-zero (it is not called again); TENET_EINVAL for a NULL
 * report or write or bad options (nothing written); TENET_ENOMEM. On a
 * failure after the first piece the output written so far is incomplete. */
TENET_EXTERN(int) tenet_report_write(const tenet_report *report, const tenet_render_options *opts,
                                     tenet_write_fn write, void *ctx, tenet_error *err);

TENET_END_DECL

#endif
