/* Requests: one API call — an operation, a region and parameters by API
 * name — as read by the api-query, aws-cli, cli-json and cloudtrail
 * frontends, and what they share: finding the kind whose `api` mapping has
 * the operation, filling a subject from the parameters, checking parameter
 * names against the pack, and judging. Service, operation and parameter
 * names all come from the rules; nothing here knows a service. */
#ifndef TN_REQUEST_H
#define TN_REQUEST_H
#include "frontend/frontend.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern const tn_frontend tn_frontend_api_query;
extern const tn_frontend tn_frontend_aws_cli;
extern const tn_frontend tn_frontend_cli_json;
extern const tn_frontend tn_frontend_cloudtrail;

/* Where an operation lives in the rules. */
typedef struct tn_req_target {
    const tn_kind *kind;
    const tn_format_map *map; /* the kind's "api" mapping */
    const tn_api_op *op;
} tn_req_target;

typedef struct tn_req_param {
    const char *name;    /* API name, e.g. CacheParameterGroupName */
    size_t name_len;     /* strlen(name): set when the parameter is added */
    const char *written; /* as written when that differs (a CLI flag), else NULL */
    bool has_key_span;
    tn_span key_span; /* where the name is written */
    tn_value value;   /* raw: strings, numbers, booleans, lists and maps, with spans */
    bool checked;     /* the frontend already judged the name */
} tn_req_param;

/* A diagnostic found while reading a request, emitted only when the request
 * turns out to be one the rules cover. */
typedef struct tn_req_note {
    tenet_severity sev;
    const char *code;
    bool has_span;
    tn_span span;
    const char *message;
} tn_req_note;

typedef struct tn_request {
    const char *operation; /* as written: Action value, CLI command, eventName */
    const char *service;   /* service the input names (endpoint host, CLI service), or NULL */
    const char *region;    /* NULL = not given */
    const char *region_reason;
    const char *name; /* subject name */
    tn_span span;     /* the request's own position */
    const char *path; /* document path (CloudTrail "Records[2]"), or NULL */
    const char *note; /* context for diagnostics (a failed call), or NULL */
    tn_req_param *params;
    size_t nparams, params_cap;
    tn_req_note *notes;
    size_t nnotes, notes_cap;
    tn_req_target target; /* set once resolved */
    bool nojudge;         /* only its notes are reported (the command cannot run) */
    size_t suggestions;   /* tn_request_suggest_for calls so far */
} tn_request;

/* Line index of a text, for turning byte offsets into spans. Columns count
 * code points (bytes, when the text is all ASCII); the last position is
 * remembered so that walking forward along a long line stays linear. */
typedef struct tn_textpos {
    const char *text;
    size_t len;
    size_t *lines; /* start offset of each line */
    size_t nlines;
    bool ascii;
    size_t last_line, last_off; /* the last position located */
    uint32_t last_col;
} tn_textpos;

int tn_textpos_init(tn_textpos *tp, const char *text, size_t len, tn_arena *arena);
tn_span tn_textpos_span_slow(tn_textpos *tp, size_t off, size_t end);

/* The span of text[off, end). Inline: a request's every key and value
 * has one, and most lie on the line of the one before. */
static inline tn_span tn_textpos_span(tn_textpos *tp, size_t off, size_t end) {
    size_t ll = tp ? tp->last_line : 0;
    if (tp && tp->lines && tp->ascii && off <= end && end <= tp->len && tp->lines[ll] <= off &&
        (ll + 1 == tp->nlines || tp->lines[ll + 1] > end)) {
        /* Both on the line of the last position: no search, no counting. */
        tn_span s;
        s.line = s.end_line = (uint32_t)(ll + 1);
        s.col = (uint32_t)(off - tp->lines[ll] + 1);
        s.end_col = (uint32_t)(end - tp->lines[ll] + 1);
        s.off = (uint32_t)off;
        s.end_off = (uint32_t)end;
        tp->last_off = end;
        tp->last_col = s.end_col;
        return s;
    }
    return tn_textpos_span_slow(tp, off, end);
}

/* Appends a copy of *p (its name_len measured here). TENET_OK or TENET_ENOMEM. */
int tn_request_add_param(tn_request *r, tn_arena *arena, const tn_req_param *p);
int tn_request_add_note(tn_request *r, tn_arena *arena, tenet_severity sev, const char *code,
                        const tn_span *span, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/* The last parameter named `name` (exact match first, then ignoring case). */
tn_req_param *tn_request_param(const tn_request *r, const char *name, size_t len);

/* Finds the kind whose api mapping has operation `name`, compared ignoring
 * case, '-' and '_' (so "create-widget-group" finds
 * CreateWidgetGroup). When `service` is given, a mapping that declares
 * another service does not match. */
bool tn_request_find_op(const tenet_ruleset *rs, const char *name, size_t len, const char *service,
                        tn_req_target *out);

/* Parameter names of a target: the operation's `parameters:` list (when the
 * pack gives one), then the first steps of the api field mappings, without
 * duplicates. Returns the count, or -1 when out of memory. */
long tn_request_names(const tn_req_target *t, tn_arena *arena, const char ***out);
/* Whether `name` is the first step of one of the target's field mappings. */
bool tn_request_is_mapped(const tn_req_target *t, const char *name);
/* Index of the kind field whose mapping starts with `name`, or -1. */
long tn_request_mapped_field(const tn_req_target *t, const char *name);
/* Whether the rules read inside parameter `name`: a mapping path goes past
 * it, or its field is a list, map or any. */
bool tn_request_structured(const tn_req_target *t, const char *name);
/* Whether `name` is in the operation's parameter list (true when there is none). */
bool tn_request_is_valid(const tn_req_target *t, const char *name);
/* The same for a name of `len` bytes (its strlen). */
bool tn_request_is_valid_len(const tn_req_target *t, const char *name, size_t len);
/* Query-protocol keys that are not parameters: Action, Version, signatures... */
bool tn_request_is_protocol_key(const char *name, size_t len);

/* Ignoring case, '-' and '_': "preferred-cache-cluster-a-zs" equals
 * "PreferredCacheClusterAZs". */
bool tn_request_norm_eq(const char *a, size_t alen, const char *b, size_t blen);
/* Kebab-case of an API name as the AWS CLI derives its flags
 * (PreferredCacheClusterAZs → preferred-cache-cluster-azs). */
const char *tn_request_kebab(const char *name, tn_arena *arena);
/* The candidate nearest to `name` (case-insensitive Damerau-Levenshtein
 * distance, a prefix of a longer candidate counting as close), or NULL when
 * none is reasonably close. */
const char *tn_request_suggest(const char *name, const char *const *cands, size_t n);
/* The same for a name of request r; after the first 64 it stops suggesting,
 * so a flood of unknown names stays linear. */
const char *tn_request_suggest_for(tn_request *r, const char *name, const char *const *cands,
                                   size_t n);

/* Region and service of an endpoint host `<service>.<region>.amazonaws.com`
 * (or .amazonaws.com.cn). Returns the region (arena) or NULL. */
const char *tn_request_host_region(const char *host, size_t len, tn_arena *arena,
                                   const char **service);

/* Deep-copies a value's strings into `arena` (so the document it came from
 * can be freed). TENET_OK or TENET_ENOMEM. */
int tn_request_own_value(tn_value *v, tn_arena *arena);

/* Emits the request's pending notes. */
int tn_request_emit_notes(tn_run *run, const tn_request *r);
/* Warns (severity `sev`) about parameters not in the operation's list,
 * skipping checked ones and those the kind maps to a field. */
int tn_request_check_names(tn_run *run, tn_request *r, tenet_severity sev);
/* Fills a subject from the request (r->target must be set) and judges it:
 * once in its own region, or once per requested region when it names none. */
int tn_request_judge(tn_run *run, const tn_request *r);

/* Parsers, exposed for tests. They append to *reqs (arena array of *n). */
int tn_query_parse(const char *text, size_t len, tn_textpos *tp, tn_arena *arena,
                   tn_request **reqs, size_t *n);
int tn_awscli_parse(const tenet_ruleset *rs, const char *text, size_t len, const char *file,
                    tn_textpos *tp, tn_arena *arena, tn_request **reqs, size_t *n);
int tn_query_detect(const char *text, size_t len, const tn_doc *doc);
int tn_awscli_detect(const char *text, size_t len, const tn_doc *doc);

#endif
