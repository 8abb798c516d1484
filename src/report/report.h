/* The report: diagnostics of one or more checks, their sources (for code
 * frames), and input errors. Internal view of tenet_report. */
#ifndef TN_REPORT_H
#define TN_REPORT_H
#include "doc/node.h"
#include "report/intern.h"
#include "tenet/check.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/strmap.h"
#include "util/vec.h"
#include <stdbool.h>

typedef struct tn_diag {
    const char *rule;
    const char *verdict; /* "fail" | "unknown" | "note" */
    const char *message;
    const char *fix;
    const char *reason;
    size_t file_index;   /* into report->files */
    tn_span span;
    bool has_span;
    tenet_severity severity;
    int suppressed;          /* non-zero: silenced by a suppression */
    uint32_t subject_line;   /* first line of the subject (inline suppressions); 0 = none */
    const char *path;
    const char *subject;
    const char *kind;
    const char *operation;
    const char *region;
    const char *regions; /* comma-separated, built while merging */
    const char *scenario;
    const char *source;
    const char *suppression; /* "inline" | "metadata" | "config", then ": REASON" if given */
} tn_diag;

/* One line of an input that a diagnostic or an input error points at,
 * kept for code frames (without its line break). */
typedef struct tn_report_line {
    uint32_t no;
    uint32_t len;
    const char *text;
} tn_report_line;

typedef struct tn_report_file {
    const char *name;
    /* The caller's text, only between tn_report_begin_file and
     * tn_report_end_file: the report keeps just the lines cited (`lines`,
     * by ascending number) so that it never holds a copy of the input. */
    const char *text;
    size_t len;
    tn_report_line *lines;
    size_t nlines;
    const char *format; /* detected input format, or NULL */
    size_t first_diag;  /* index of its first diagnostic */
    const char *regions; /* regions checked, comma-separated, or NULL */
} tn_report_file;

typedef struct tn_input_error {
    size_t file_index;
    int code;
    uint32_t line, column;
    const char *message;
} tn_input_error;

/* A rule that was judged on a subject, whatever the outcome: the JUnit
 * renderer's testcases (a pair without diagnostics passed). Recorded once
 * per file, subject and rule, in judging order. */
typedef struct tn_judged {
    size_t file_index;
    const char *subject;
    const char *rule;
} tn_judged;

/* A slot of the merge index: the hash of a diagnostic's identity and its
 * index + 1 (0: empty). */
typedef struct tn_merge_slot {
    uint32_t hash, diag;
} tn_merge_slot;

/* Strings of diagnostics, files, input errors and judged pairs are the
 * report's own, in `arena`: nothing points into the caller's input or the
 * ruleset once a file has ended. Repeated strings share one copy, found
 * through `strings` (which only economises: compare strings by content). */
struct tenet_report {
    tn_arena arena;
    tn_intern strings;
    TN_VEC(tn_diag) diags;
    TN_VEC(tn_report_file) files;
    TN_VEC(tn_input_error) errors;
    /* The current file's diagnostics by identity, for merging repeats (an
     * open-addressing table). Entries are checked against the diagnostic
     * they point at, so one left stale by a change to `diags` can only miss
     * a merge, never merge wrongly. Cleared per file. */
    tn_merge_slot *merge;
    size_t merge_cap, merge_count;
    tn_strmap dedupe; /* subjects noted and judged in the current file */
    size_t subjects;
    TN_VEC(tn_judged) judged;
    tn_buf scratch; /* for building a string before storing it */
};

/* Starts a new input whose diagnostics' spans refer to `text` (borrowed:
 * it must stay valid until tn_report_end_file). Returns TENET_OK and its
 * index. */
int tn_report_begin_file(tenet_report *r, const char *name, const char *text, size_t len,
                         size_t *index_out);
void tn_report_set_format(tenet_report *r, size_t file_index, const char *format);
/* Records the regions the file was checked in (so renderers can tell a
 * finding that holds everywhere from one that depends on the region). */
int tn_report_set_regions(tenet_report *r, size_t file_index, const char *const *regions,
                          size_t n);
/* Notes that the subject `name` at `span` was judged in the current file.
 * Returns 1 the first time (a new distinct subject), 0 after (the same
 * subject in another region), or TENET_ENOMEM. */
int tn_report_note_subject(tenet_report *r, const char *name, const tn_span *span);
/* Adds a diagnostic, copying every string into the report (strings equal
 * to one already stored share its copy). A diagnostic equal to an earlier
 * one of the same file (rule, verdict, span, message, subject) is merged:
 * its region is appended to `regions`. */
int tn_report_add(tenet_report *r, const tn_diag *d);
int tn_report_add_input_error(tenet_report *r, size_t file_index, const tenet_error *err);
/* Records that the `n` rules `rules` (ids) were judged on `subject` in the
 * current file; repeats (other regions, scenarios) are ignored. Not part of
 * the JSON output. */
int tn_report_add_judged(tenet_report *r, const char *subject, const char *const *rules,
                         size_t n);
/* Sorts the diagnostics of the file by line, column, rule; keeps the lines
 * they and the file's input errors point at and lets go of the text;
 * clears dedupe state. Out of memory, the lines are not kept (the report
 * then has no code frames for the file; nothing else is lost). */
void tn_report_end_file(tenet_report *r, size_t file_index);
/* Line `no` of the file if a diagnostic pointed at it (tn_report_end_file). */
bool tn_report_file_line(const tn_report_file *f, uint32_t no, const char **s, size_t *n);

/* Renderers (one file each). */
struct tn_buf;
int tn_render_text(const tenet_report *r, const tenet_render_options *o, struct tn_buf *out);
int tn_render_json(const tenet_report *r, const tenet_render_options *o, struct tn_buf *out);
int tn_render_sarif(const tenet_report *r, const tenet_render_options *o, struct tn_buf *out);
int tn_render_junit(const tenet_report *r, const tenet_render_options *o, struct tn_buf *out);
int tn_render_github(const tenet_report *r, const tenet_render_options *o, struct tn_buf *out);

#endif
