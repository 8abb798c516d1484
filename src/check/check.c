/* tenet_check: one input from bytes to diagnostics. Decodes the text, picks
 * the frontend (named, or detected), turns loader notes into diagnostics,
 * expands the region list, runs the frontend with a fresh arena and
 * evaluation context, and records every failure as an input error so that
 * renderings show it. Everything allocated here is released before return. */
#include "check/suppress.h"
#include "frontend/frontend.h"
#include "report/report.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_MAX_INPUT ((size_t)64 << 20)
#define DEFAULT_MAX_DEPTH 256
#define DEFAULT_MAX_ALIAS_NODES 1000000
#define DEFAULT_MAX_SCALAR ((size_t)16 << 20)
#define DEFAULT_MAX_SCENARIOS 256

/* Size of the version 1 layout: everything before the version 2 fields. */
#define CHECK_OPTIONS_V1_SIZE offsetof(tenet_check_options, suppressions)

int tenet_check_options_init(tenet_check_options *opts, unsigned int version) {
    if (!opts || (version != 1 && version != TENET_CHECK_OPTIONS_VERSION))
        return TENET_EINVAL;
    tenet_check_options init = TENET_CHECK_OPTIONS_INIT;
    init.version = version;
    memcpy(opts, &init, version == 1 ? CHECK_OPTIONS_V1_SIZE : sizeof init);
    return TENET_OK;
}

/* State of one check, so every exit goes through one cleanup. */
typedef struct check_state {
    tenet_report *report;
    const tenet_ruleset *rs;
    const tenet_check_options *opts;
    const char *name;
    size_t file_index;
    bool file_open;
    tenet_error e; /* the error being built; copied to the caller's at the end */
    tn_arena arena;
    char *owned;   /* decoded text, when decoding had to allocate */
    tn_doc *doc;
} check_state;

/* Records the error in st->e (completed where the failing step left it
 * blank) as an input error of the current file. */
static int fail(check_state *st, int code) {
    st->e.version = TENET_ERROR_VERSION;
    st->e.code = code;
    if (!st->e.message[0])
        snprintf(st->e.message, sizeof st->e.message, "%s", tenet_status_str(code));
    if (!st->e.source[0])
        snprintf(st->e.source, sizeof st->e.source, "%s", st->name);
    if (!st->file_open &&
        tn_report_begin_file(st->report, st->name, NULL, 0, &st->file_index) == TENET_OK)
        st->file_open = true;
    if (st->file_open) {
        tenet_error rec = st->e;
        if (strcmp(rec.source, st->name) != 0) {
            /* The position is in another file (e.g. one the input includes):
             * name it in the message rather than frame the wrong text. */
            snprintf(rec.message, sizeof rec.message, "%.200s:%u:%u: %.280s", st->e.source,
                     (unsigned)st->e.line, (unsigned)st->e.column, st->e.message);
            rec.line = rec.column = 0;
        }
        (void)tn_report_add_input_error(st->report, st->file_index, &rec);
    }
    return code;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int failf(check_state *st, int code, const char *fmt, ...) {
    memset(&st->e, 0, sizeof st->e);
    st->e.version = TENET_ERROR_VERSION;
    st->e.code = code;
    snprintf(st->e.source, sizeof st->e.source, "%s", st->name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->e.message, sizeof st->e.message, fmt, ap);
    va_end(ap);
    return fail(st, code);
}

/* "all" becomes the ruleset's region set; duplicates are dropped. */
static int expand_regions(check_state *st, const char ***out, size_t *nout) {
    const tenet_check_options *o = st->opts;
    *out = NULL;
    *nout = 0;
    if (o->region_count == 0)
        return TENET_OK;
    if (!o->regions)
        return failf(st, TENET_EINVAL, "region_count is set but regions is NULL");
    size_t cap = 0;
    for (size_t i = 0; i < o->region_count; i++) {
        const char *r = o->regions[i];
        if (r && strcmp(r, "all") == 0) {
            if (!st->rs->regions)
                return failf(st, TENET_EINVAL,
                             "the loaded rule packs define no region set for --region all");
            cap += st->rs->regions->n;
        } else {
            cap++;
        }
    }
    const char **v = tn_arena_calloc(&st->arena, cap ? cap : 1, sizeof *v);
    if (!v)
        return fail(st, TENET_ENOMEM);
    size_t n = 0;
    for (size_t i = 0; i < o->region_count; i++) {
        const char *r = o->regions[i];
        if (!r || !*r)
            continue;
        bool all = strcmp(r, "all") == 0;
        size_t m = all ? st->rs->regions->n : 1;
        for (size_t j = 0; j < m; j++) {
            const char *name = all ? st->rs->regions->values[j] : r;
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++)
                dup = strcmp(v[k], name) == 0;
            if (!dup)
                v[n++] = name;
        }
    }
    *out = v;
    *nout = n;
    return TENET_OK;
}

/* Parses the input in place (the text outlives the document), dropping
 * what `pruner` says the frontend will not read (NULL: build all). */
static int parse_doc(check_state *st, const char *text, size_t len, const tn_doc_pruner *pruner,
                     tenet_error *perr) {
    const tenet_check_options *o = st->opts;
    tn_doc_load how = {true, pruner};
    tn_doc_limits lim = {
        o->max_input_bytes ? o->max_input_bytes : DEFAULT_MAX_INPUT,
        o->max_depth ? o->max_depth : DEFAULT_MAX_DEPTH,
        o->max_alias_nodes ? o->max_alias_nodes : DEFAULT_MAX_ALIAS_NODES,
        o->max_scalar_bytes ? o->max_scalar_bytes : DEFAULT_MAX_SCALAR,
    };
    memset(perr, 0, sizeof *perr);
    int rc = tn_doc_parse_with(&st->doc, text, len, st->name, &lim, &how, perr);
    if (rc != TENET_OK) {
        st->doc = NULL;
        if (!perr->code)
            perr->code = rc;
    }
    return rc;
}

/* Loader notes (duplicate keys, extra documents) become diagnostics. A
 * duplicate key is an error: consumers disagree on which value wins. */
static int add_doc_notes(check_state *st) {
    for (size_t i = 0; i < st->doc->nnotes; i++) {
        const tn_doc_note *note = &st->doc->notes[i];
        bool dup = note->code && strcmp(note->code, "duplicate-key") == 0;
        tn_diag d;
        memset(&d, 0, sizeof d);
        d.rule = note->code ? note->code : "document-note";
        d.verdict = "note";
        d.severity = dup ? TENET_SEVERITY_ERROR : TENET_SEVERITY_INFO;
        d.message = note->message ? note->message : d.rule;
        if (dup) {
            d.message = tn_arena_sprintf(&st->arena, "%s: the later value wins silently",
                                         d.message);
            if (!d.message)
                return TENET_ENOMEM;
            d.fix = "delete one of the two keys: some tools reject duplicate keys, others "
                    "silently keep one of the values";
        }
        d.has_span = note->span.line != 0;
        d.span = note->span;
        int rc = tn_report_add(st->report, &d);
        if (rc != TENET_OK)
            return rc;
    }
    return TENET_OK;
}

/* A pruned document stands when the pruning was for the frontend judging it
 * (`holds`) and no duplicate key can have hidden what a pruner saw;
 * otherwise it is parsed again in full (TENET_OK, or the error of parsing
 * again). */
static int unprune(check_state *st, const char *text, size_t len, bool holds, tenet_error *perr) {
    if (!st->doc || !st->doc->pruned)
        return TENET_OK;
    bool dup = false;
    for (size_t i = 0; i < st->doc->nnotes && !dup; i++)
        dup = st->doc->notes[i].code && strcmp(st->doc->notes[i].code, "duplicate-key") == 0;
    if (holds && !dup)
        return TENET_OK;
    tn_doc_free(st->doc);
    st->doc = NULL;
    return parse_doc(st, text, len, NULL, perr);
}

static const tn_frontend *choose_frontend(check_state *st, const char *text, size_t len,
                                          int *rc) {
    const char *want = st->opts->input_format;
    tenet_error perr;
    *rc = TENET_OK;
    if (want && *want && strcmp(want, "auto") != 0) {
        const tn_frontend *fe = tn_frontend_find(want);
        if (!fe) {
            *rc = failf(st, TENET_EINVAL, "unknown input format %s (expected one of: auto, %s)",
                        want, tn_frontend_names());
            return NULL;
        }
        tn_doc_pruner pruner;
        bool prune = tn_frontend_pruner(fe, st->rs, &pruner);
        if (fe->needs_doc && (parse_doc(st, text, len, prune ? &pruner : NULL, &perr) != TENET_OK ||
                              unprune(st, text, len, true, &perr) != TENET_OK)) {
            st->e = perr;
            *rc = fail(st, perr.code);
            return NULL;
        }
        /* A structured input forced into the wrong format would otherwise
         * pass as "0 subjects": say so instead. (Text formats may simply
         * hold no request, which is not an error.) */
        if (fe->needs_doc && fe->detect(text, len, st->doc) == 0) {
            const tn_frontend *seen = tn_frontend_detect(text, len, st->doc);
            *rc = failf(st, TENET_EFORMAT, "the input does not look like %s%s%s",
                        fe->name, seen ? "; it looks like " : "", seen ? seen->name : "");
            return NULL;
        }
        return fe;
    }
    tn_prune_guess guess;
    tn_doc_pruner pruner;
    tn_frontend_guess_pruner(&guess, st->rs, &pruner);
    int prc = parse_doc(st, text, len, &pruner, &perr);
    if (prc == TENET_ENOMEM) {
        *rc = fail(st, TENET_ENOMEM);
        return NULL;
    }
    const tn_frontend *fe = tn_frontend_detect(text, len, st->doc);
    if (st->doc && st->doc->pruned) {
        prc = unprune(st, text, len, tn_frontend_guess_holds(&guess, fe), &perr);
        if (prc == TENET_ENOMEM) {
            *rc = fail(st, TENET_ENOMEM);
            return NULL;
        }
        if (!st->doc || !st->doc->pruned) /* parsed again in full */
            fe = tn_frontend_detect(text, len, st->doc);
    }
    if (fe && (!fe->needs_doc || st->doc))
        return fe;
    if (prc != TENET_OK) {
        st->e = perr;
        *rc = fail(st, perr.code);
    } else {
        *rc = failf(st, TENET_EFORMAT, "could not tell the input format (use --input-format)");
    }
    return NULL;
}

static int run_check(check_state *st, const char *data, size_t len) {
    const tenet_check_options *o = st->opts;
    size_t max = o->max_input_bytes ? o->max_input_bytes : DEFAULT_MAX_INPUT;
    if (len > max) {
        tn_error_set(&st->e, TENET_ELIMIT, st->name, 0, 0,
                     "input is larger than the limit of %zu bytes", max);
        return fail(st, TENET_ELIMIT);
    }
    if (o->max_depth > TN_DOC_MAX_DEPTH_CEILING)
        return failf(st, TENET_EINVAL,
                     "max_depth %zu is above the ceiling of %d (deeper documents could exhaust "
                     "the stack)",
                     o->max_depth, TN_DOC_MAX_DEPTH_CEILING);
    char today[11], msg[256];
    if (tn_suppress_validate(o, today, msg, sizeof msg) != TENET_OK)
        return failf(st, TENET_EINVAL, "%s", msg);
    const char *text = NULL;
    size_t tlen = 0;
    int rc = tn_doc_decode_text(data ? data : "", len, &text, &tlen, &st->owned, st->name, &st->e);
    if (rc != TENET_OK)
        return fail(st, rc);
    rc = tn_report_begin_file(st->report, st->name, text, tlen, &st->file_index);
    if (rc != TENET_OK)
        return rc; /* out of memory: nowhere to record it */
    st->file_open = true;

    const char **regions;
    size_t nregions;
    if ((rc = expand_regions(st, &regions, &nregions)) != TENET_OK)
        return rc;
    if ((rc = tn_report_set_regions(st->report, st->file_index, regions, nregions)) != TENET_OK)
        return fail(st, rc);
    const tn_frontend *fe = choose_frontend(st, text, tlen, &rc);
    if (!fe)
        return rc;
    tn_report_set_format(st->report, st->file_index, fe->name);
    const tn_doc *doc = fe->needs_doc ? st->doc : NULL;
    if (doc && (rc = add_doc_notes(st)) != TENET_OK)
        return fail(st, rc);

    tn_eval_ctx ectx;
    if ((rc = tn_eval_ctx_init_limits(&ectx, st->rs, &st->arena, o->regex_match_limit,
                                      o->regex_depth_limit)) != TENET_OK)
        return fail(st, rc);
    tn_run run;
    memset(&run, 0, sizeof run);
    run.rs = st->rs;
    run.doc = doc;
    run.text = text;
    run.len = tlen;
    run.file = st->name;
    run.format = fe->name;
    run.regions = regions;
    run.nregions = nregions;
    run.params = o->params;
    run.nparams = o->params ? o->param_count : 0;
    run.operation = o->operation;
    run.max_scenarios = o->max_scenarios ? o->max_scenarios : DEFAULT_MAX_SCENARIOS;
    run.arena = &st->arena;
    run.eval = &ectx;
    run.report = st->report;
    run.file_index = st->file_index;
    run.err = &st->e;
    rc = fe->run(&run);
    tn_eval_ctx_dispose(&ectx);
    st->report->subjects += run.subjects;
    if (rc == TENET_OK) {
        tn_suppress_in sin = {st->report, st->file_index, st->rs, o, st->name, text, tlen,
                              !(st->doc && st->doc->is_json), run.ignores.v, run.ignores.n,
                              &st->arena};
        rc = tn_suppress_apply(&sin, today);
    }
    TN_VEC_FREE(run.ignores);
    return rc == TENET_OK ? TENET_OK : fail(st, rc);
}

int tenet_check(tenet_report *report, const tenet_ruleset *rs, const char *data, size_t len,
                const tenet_check_options *opts, tenet_error *err) {
    tn_error_clear(err);
    if (!report || !rs || (!data && len))
        return tn_error_set(err, TENET_EINVAL, "", 0, 0, "tenet_check: %s is NULL",
                            !report ? "report" : !rs ? "the ruleset" : "data");
    tenet_check_options defaults = TENET_CHECK_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    if (opts->version == 1) {
        /* A version 1 struct ends before the newer fields: never read them. */
        memcpy(&defaults, opts, CHECK_OPTIONS_V1_SIZE);
        defaults.version = TENET_CHECK_OPTIONS_VERSION;
        opts = &defaults;
    }
    if (opts->version != TENET_CHECK_OPTIONS_VERSION)
        return tn_error_set(err, TENET_EINVAL, "", 0, 0,
                            "unsupported check options version %u (expected %u)", opts->version,
                            (unsigned)TENET_CHECK_OPTIONS_VERSION);

    check_state st;
    memset(&st, 0, sizeof st);
    st.report = report;
    st.rs = rs;
    st.opts = opts;
    st.name = opts->filename && *opts->filename ? opts->filename : "<input>";
    tn_arena_init(&st.arena);

    int rc = run_check(&st, data, len);

    if (st.file_open)
        tn_report_end_file(report, st.file_index);
    tn_doc_free(st.doc);
    tn_free(st.owned);
    tn_arena_release(&st.arena);
    if (rc != TENET_OK && err) {
        *err = st.e;
        err->version = TENET_ERROR_VERSION;
        err->code = rc;
    }
    return rc;
}
