/* PCRE2 behind tn_regex. The compiled code and its match context are
 * read-only after compilation, so one tn_regex serves any number of threads;
 * each match brings its own match data, which also carries the caller's
 * match limits (so a check can tighten them without touching the ruleset).
 *
 * The JIT is compiled at a pattern's first match, not with the ruleset: JIT
 * compilation is most of what compiling rules costs, and a small input uses
 * few of the patterns, often none. It goes into a copy of the code that is
 * published atomically, so the shared code is never written while another
 * thread matches with it; every match uses the JIT (when it is available),
 * the first one included, so results never depend on when it was made. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "eval/regex.h"
#include "tenet/errors.h"
#include "util/alloc.h"
#include <pcre2.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The default limits (regex.h) stop catastrophic backtracking long before
 * it is noticeable, yet leave ordinary rule patterns far from them. */
#define TN_REGEX_OVECTOR_PAIRS 32u

/* What tn_regex_match_data_new() hands out behind a void pointer. */
typedef struct tn_regex_md {
    pcre2_match_data *data;
    pcre2_match_context *mctx;
} tn_regex_md;

struct tn_regex {
    pcre2_code *code;
    pcre2_match_context *mctx;
    int ncap;
    /* The only state that changes after compilation (jit_code()): the JIT
     * compiled copy of `code` once made, and whether the JIT turned out to
     * be unavailable here (then the interpreter matches). */
    _Atomic(pcre2_code *) jit;
    atomic_bool no_jit;
};

/* PCRE2 allocates through tn_malloc like the rest of the library, so an
 * allocation failure inside PCRE2 is tested like any other. */
static void *pcre_alloc(PCRE2_SIZE size, void *data) {
    (void)data;
    return tn_malloc(size);
}

static void pcre_free(void *ptr, void *data) {
    (void)data;
    tn_free(ptr);
}

/* Each PCRE2 object copies the allocator out of this context, so it can be
 * freed as soon as they exist. */
static pcre2_general_context *pcre_context(void) {
    return pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
}

tn_regex *tn_regex_compile(const char *pattern, size_t len, char *errbuf, size_t errlen,
                           size_t *erroffset) {
    int errcode = 0;
    PCRE2_SIZE off = 0;
    if (erroffset) *erroffset = 0;
    if (errbuf && errlen) errbuf[0] = '\0';
    pcre2_general_context *gctx = pcre_context();
    pcre2_compile_context *cctx = gctx ? pcre2_compile_context_create(gctx) : NULL;
    pcre2_code *code = NULL;
    if (cctx) {
        /* Invalid UTF-8 in a subject must not turn a check into an error:
         * MATCH_INVALID_UTF makes such bytes simply never match. */
        code = pcre2_compile((PCRE2_SPTR)pattern, len, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                             &errcode, &off, cctx);
    }
    pcre2_compile_context_free(cctx);
    if (!code) {
        pcre2_general_context_free(gctx);
        if (!cctx || errcode == PCRE2_ERROR_HEAP_FAILED) {
            if (errbuf && errlen) snprintf(errbuf, errlen, "out of memory");
            return NULL;
        }
        if (errbuf && errlen) {
            if (pcre2_get_error_message(errcode, (PCRE2_UCHAR *)errbuf, errlen) < 0 &&
                errbuf[0] == '\0')
                snprintf(errbuf, errlen, "regular expression error %d", errcode);
        }
        if (erroffset) *erroffset = (size_t)off;
        return NULL;
    }
    tn_regex *re = tn_calloc(1, sizeof *re);
    pcre2_match_context *mctx = pcre2_match_context_create(gctx);
    pcre2_general_context_free(gctx);
    if (!re || !mctx) {
        pcre2_match_context_free(mctx);
        pcre2_code_free(code);
        tn_free(re);
        if (errbuf && errlen) snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    pcre2_set_match_limit(mctx, TN_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(mctx, TN_REGEX_DEPTH_LIMIT);
    atomic_init(&re->jit, NULL);
    atomic_init(&re->no_jit, false);
    uint32_t ncap = 0;
    if (pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &ncap) != 0) ncap = 0;
    re->code = code;
    re->mctx = mctx;
    re->ncap = (int)ncap;
    return re;
}

void tn_regex_free(tn_regex *re) {
    if (!re) return;
    pcre2_code_free(atomic_load(&re->jit));
    pcre2_match_context_free(re->mctx);
    pcre2_code_free(re->code);
    tn_free(re);
}

int tn_regex_captures(const tn_regex *re) { return re ? re->ncap : 0; }

void *tn_regex_match_data_new_limits(size_t match_limit, size_t depth_limit) {
    tn_regex_md *md = tn_calloc(1, sizeof *md);
    if (!md) return NULL;
    /* With the default limits, each regex's own match context serves. */
    if (!match_limit) match_limit = TN_REGEX_MATCH_LIMIT;
    if (!depth_limit) depth_limit = TN_REGEX_DEPTH_LIMIT;
    bool own_limits = match_limit != TN_REGEX_MATCH_LIMIT || depth_limit != TN_REGEX_DEPTH_LIMIT;
    pcre2_general_context *gctx = pcre_context();
    if (gctx) {
        md->data = pcre2_match_data_create(TN_REGEX_OVECTOR_PAIRS, gctx);
        if (own_limits) md->mctx = pcre2_match_context_create(gctx);
        pcre2_general_context_free(gctx);
    }
    if (!md->data || (own_limits && !md->mctx)) {
        tn_regex_match_data_free(md);
        return NULL;
    }
    if (!own_limits) return md;
    /* PCRE2 takes 32-bit limits: larger requests saturate. */
    pcre2_set_match_limit(md->mctx, match_limit > UINT32_MAX ? UINT32_MAX : (uint32_t)match_limit);
    pcre2_set_depth_limit(md->mctx, depth_limit > UINT32_MAX ? UINT32_MAX : (uint32_t)depth_limit);
    return md;
}

void *tn_regex_match_data_new(void) { return tn_regex_match_data_new_limits(0, 0); }

void tn_regex_match_data_free(void *p) {
    tn_regex_md *md = p;
    if (!md) return;
    pcre2_match_data_free(md->data);
    pcre2_match_context_free(md->mctx);
    tn_free(md);
}

/* The JIT code to match with: made on first use; NULL when the JIT is
 * unavailable (the interpreter then matches). Threads that race here each
 * compile a copy and the first to publish wins; the others free theirs. */
static int jit_code(const tn_regex *cre, pcre2_code **out) {
    *out = NULL;
#ifdef TENET_NO_REGEX_JIT
    (void)cre;
    return TENET_OK;
#else
    tn_regex *re = (tn_regex *)cre; /* only the atomics are written */
    pcre2_code *j = atomic_load_explicit(&re->jit, memory_order_acquire);
    if (j || atomic_load_explicit(&re->no_jit, memory_order_relaxed)) {
        *out = j;
        return TENET_OK;
    }
    pcre2_code *copy = pcre2_code_copy(re->code);
    if (!copy) return TENET_ENOMEM;
    int rc = pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE);
    if (rc != 0) {
        pcre2_code_free(copy);
        if (rc == PCRE2_ERROR_NOMEMORY) return TENET_ENOMEM;
        atomic_store_explicit(&re->no_jit, true, memory_order_relaxed);
        return TENET_OK; /* JIT is an optimisation only */
    }
    pcre2_code *expected = NULL;
    if (atomic_compare_exchange_strong_explicit(&re->jit, &expected, copy, memory_order_acq_rel,
                                                memory_order_acquire)) {
        *out = copy;
    } else {
        pcre2_code_free(copy);
        *out = expected;
    }
    return TENET_OK;
#endif
}

int tn_regex_match(const tn_regex *re, const char *s, size_t len, void *md, size_t *cap1_off,
                   size_t *cap1_len) {
    if (!re || (!s && len)) return TENET_ERROR;
    pcre2_code *jit;
    int jrc = jit_code(re, &jit);
    if (jrc != TENET_OK) return jrc;
    if (!s) s = "";
    tn_regex_md *m = md;
    pcre2_match_data *data = m ? m->data : NULL;
    pcre2_match_context *mctx = m && m->mctx ? m->mctx : re->mctx;
    pcre2_match_data *own = NULL;
    if (!data) {
        /* Convenience for callers without per-thread match data. */
        pcre2_general_context *gctx = pcre_context();
        if (gctx) own = data = pcre2_match_data_create(TN_REGEX_OVECTOR_PAIRS, gctx);
        pcre2_general_context_free(gctx);
        if (!data) return TENET_ENOMEM;
    }
    /* The same match either way: MATCH_INVALID_UTF leaves no UTF check to
     * skip, and pcre2_match would run the JIT code itself. */
    int rc = jit ? pcre2_jit_match(jit, (PCRE2_SPTR)s, len, 0, 0, data, mctx)
                 : pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, data, mctx);
    int result;
    if (rc >= 0) {
        /* rc == 0: the ovector was too small, but the match itself stands. */
        result = 1;
        if (cap1_off || cap1_len) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(data);
            uint32_t pairs = pcre2_get_ovector_count(data);
            size_t o = (size_t)ov[0], l = (size_t)(ov[1] - ov[0]);
            if (re->ncap >= 1) {
                if (pairs > 1 && (rc == 0 || rc > 1) && ov[2] != PCRE2_UNSET) {
                    o = (size_t)ov[2];
                    l = (size_t)(ov[3] - ov[2]);
                } else {
                    /* group 1 did not take part in the match */
                    o = 0;
                    l = 0;
                }
            }
            if (cap1_off) *cap1_off = o;
            if (cap1_len) *cap1_len = l;
        }
    } else if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL) {
        result = 0;
    } else if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
               rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
        result = TENET_ELIMIT;
    } else if (rc == PCRE2_ERROR_NOMEMORY) {
        result = TENET_ENOMEM;
    } else {
        result = TENET_ERROR;
    }
    pcre2_match_data_free(own);
    return result;
}
