/* PCRE2 behind tn_regex. The compiled code and its match context are
 * read-only after compilation, so one tn_regex serves any number of threads;
 * each match brings its own match data. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "eval/regex.h"
#include "tenet/errors.h"
#include "util/alloc.h"
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

/* Bounds that stop catastrophic backtracking long before it is noticeable,
 * yet leave ordinary rule patterns far from the limit. */
#define TN_REGEX_MATCH_LIMIT 1000000u
#define TN_REGEX_DEPTH_LIMIT 10000u
#define TN_REGEX_OVECTOR_PAIRS 32u

struct tn_regex {
    pcre2_code *code;
    pcre2_match_context *mctx;
    int ncap;
};

tn_regex *tn_regex_compile(const char *pattern, size_t len, char *errbuf, size_t errlen,
                           size_t *erroffset) {
    int errcode = 0;
    PCRE2_SIZE off = 0;
    if (erroffset) *erroffset = 0;
    if (errbuf && errlen) errbuf[0] = '\0';
    /* Invalid UTF-8 in a subject must not turn a check into an error:
     * MATCH_INVALID_UTF makes such bytes simply never match. */
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, len,
                                     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &off, NULL);
    if (!code) {
        if (errbuf && errlen) {
            if (pcre2_get_error_message(errcode, (PCRE2_UCHAR *)errbuf, errlen) < 0 &&
                errbuf[0] == '\0')
                snprintf(errbuf, errlen, "regular expression error %d", errcode);
        }
        if (erroffset) *erroffset = (size_t)off;
        return NULL;
    }
    tn_regex *re = tn_calloc(1, sizeof *re);
    pcre2_match_context *mctx = pcre2_match_context_create(NULL);
    if (!re || !mctx) {
        pcre2_match_context_free(mctx);
        pcre2_code_free(code);
        tn_free(re);
        if (errbuf && errlen) snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    pcre2_set_match_limit(mctx, TN_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(mctx, TN_REGEX_DEPTH_LIMIT);
    /* JIT is an optimisation only: if it is unavailable the interpreter runs. */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    uint32_t ncap = 0;
    if (pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &ncap) != 0) ncap = 0;
    re->code = code;
    re->mctx = mctx;
    re->ncap = (int)ncap;
    return re;
}

void tn_regex_free(tn_regex *re) {
    if (!re) return;
    pcre2_match_context_free(re->mctx);
    pcre2_code_free(re->code);
    tn_free(re);
}

int tn_regex_captures(const tn_regex *re) { return re ? re->ncap : 0; }

void *tn_regex_match_data_new(void) {
    return pcre2_match_data_create(TN_REGEX_OVECTOR_PAIRS, NULL);
}

void tn_regex_match_data_free(void *md) { pcre2_match_data_free((pcre2_match_data *)md); }

int tn_regex_match(const tn_regex *re, const char *s, size_t len, void *md, size_t *cap1_off,
                   size_t *cap1_len) {
    if (!re || (!s && len)) return TENET_ERROR;
    if (!s) s = "";
    pcre2_match_data *data = md;
    pcre2_match_data *own = NULL;
    if (!data) {
        /* Convenience for callers without per-thread match data. */
        own = data = pcre2_match_data_create(TN_REGEX_OVECTOR_PAIRS, NULL);
        if (!data) return TENET_ENOMEM;
    }
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, data, re->mctx);
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
