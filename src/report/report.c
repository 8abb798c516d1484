/* The report: owns copies of every string it is given (frontends and the
 * evaluator allocate in per-check arenas that die with the check), merges
 * diagnostics that repeat across regions and scenarios, and hands them out
 * in a stable order. */
#include "report/report.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int tenet_report_new(tenet_report **out) {
    if (!out)
        return TENET_EINVAL;
    *out = NULL;
    tenet_report *r = tn_malloc(sizeof *r); /* cheaper than calloc here, per check */
    if (!r)
        return TENET_ENOMEM;
    memset(r, 0, sizeof *r);
    tn_arena_init(&r->arena);
    *out = r;
    return TENET_OK;
}

void tenet_report_free(tenet_report *r) {
    if (!r)
        return;
    TN_VEC_FREE(r->diags);
    TN_VEC_FREE(r->files);
    TN_VEC_FREE(r->errors);
    TN_VEC_FREE(r->judged);
    tn_strmap_free(&r->dedupe);
    tn_arena_release(&r->arena);
    tn_free(r);
}

/* NULL stays NULL; anything else is copied into the report's arena. */
static int copy_str(tenet_report *r, const char *s, const char **dst) {
    if (!s) {
        *dst = NULL;
        return 0;
    }
    *dst = tn_arena_strdup(&r->arena, s);
    return *dst ? 0 : -1;
}

int tn_report_begin_file(tenet_report *r, const char *name, const char *text, size_t len,
                         size_t *index_out) {
    tn_report_file f = {0};
    if (copy_str(r, name ? name : "<input>", &f.name) < 0)
        return TENET_ENOMEM;
    f.text = text;
    f.len = text ? len : 0;
    f.first_diag = r->diags.n;
    if (TN_VEC_PUSH(r->files, f) < 0)
        return TENET_ENOMEM;
    tn_strmap_free(&r->dedupe);
    if (index_out)
        *index_out = r->files.n - 1;
    return TENET_OK;
}

void tn_report_set_format(tenet_report *r, size_t file_index, const char *format) {
    if (file_index >= r->files.n)
        return;
    const char *copy = NULL;
    if (copy_str(r, format, &copy) == 0)
        r->files.v[file_index].format = copy;
}

int tn_report_set_regions(tenet_report *r, size_t file_index, const char *const *regions,
                          size_t n) {
    if (!r || file_index >= r->files.n)
        return TENET_EINVAL;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(regions[i]) + 1;
    char *joined = n ? tn_arena_alloc(&r->arena, len) : NULL; /* commas and the NUL */
    if (n && !joined)
        return TENET_ENOMEM;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(regions[i]);
        if (i)
            joined[at++] = ',';
        memcpy(joined + at, regions[i], k);
        at += k;
    }
    if (joined)
        joined[at] = '\0';
    r->files.v[file_index].regions = joined;
    return TENET_OK;
}

/* Dedupe keys are built from parts, on the stack when they fit (most are
 * looked up and found, or looked up once): no printf, and an arena copy
 * only of the keys that are kept. */
typedef struct key_part {
    const void *p;
    size_t n;
} key_part;

#define KEY_STACK 256

static char *key_join(tenet_report *r, char stack[KEY_STACK], const key_part *parts, size_t n,
                      size_t *len_out) {
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += parts[i].n;
    char *k = len <= KEY_STACK ? stack : tn_arena_alloc(&r->arena, len);
    if (!k)
        return NULL;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].n)
            memcpy(k + at, parts[i].p, parts[i].n);
        at += parts[i].n;
    }
    *len_out = len;
    return k;
}

/* The key to store in the map: a copy when it was built on the stack. */
static const char *key_keep(tenet_report *r, const char *stack, const char *k, size_t len) {
    if (k != stack)
        return k;
    char *c = tn_arena_alloc(&r->arena, len ? len : 1);
    if (c && len)
        memcpy(c, k, len);
    return c;
}

#define KP(s) {(s), strlen(s)}

int tn_report_note_subject(tenet_report *r, const char *name, const tn_span *span) {
    /* Lives in the dedupe map (cleared per file); the leading \x1e keeps
     * these keys apart from diagnostic keys, which start with a rule id. */
    uint32_t pos[2] = {span ? span->line : 0u, span ? span->col : 0u};
    key_part parts[] = {{"\x1esubject\x1f", 9}, KP(name ? name : ""), {pos, sizeof pos}};
    char stack[KEY_STACK];
    size_t len;
    char *key = key_join(r, stack, parts, sizeof parts / sizeof parts[0], &len);
    if (!key)
        return TENET_ENOMEM;
    if (tn_strmap_get(&r->dedupe, key, len))
        return 0;
    const char *kept = key_keep(r, stack, key, len);
    if (!kept || tn_strmap_put(&r->dedupe, kept, len, (void *)(uintptr_t)1) < 0)
        return TENET_ENOMEM;
    return 1;
}

/* The identity of a diagnostic within one file is what it says and where.
 * The map is keyed without the message (short keys hash faster); the first
 * diagnostic under such a key owns it, and the others, whose messages
 * differ, go under the full key, which starts with \x1d. */
static char *dedupe_key(tenet_report *r, const tn_diag *d, bool full, char stack[KEY_STACK],
                        size_t *len) {
    tn_span z = {0};
    const tn_span *s = d->has_span ? &d->span : &z;
    uint32_t pos[4] = {s->line, s->col, s->end_line, s->end_col};
    key_part parts[] = {{"\x1d", full ? 1 : 0},
                        KP(d->rule ? d->rule : ""),
                        {"\x1f", 1},
                        KP(d->verdict ? d->verdict : ""),
                        {"\x1f", 1},
                        {pos, sizeof pos},
                        KP(d->subject ? d->subject : ""),
                        {"\x1f", full ? 1 : 0},
                        KP(full && d->message ? d->message : "")};
    return key_join(r, stack, parts, sizeof parts / sizeof parts[0], len);
}

static bool same_message(const char *a, const char *b) {
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Whether comma-separated `list` contains `item`. */
static bool list_has(const char *list, const char *item) {
    size_t n = strlen(item);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, item, n) == 0)
            return true;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

static int merge_region(tenet_report *r, tn_diag *into, const char *region) {
    if (!region || !*region)
        return TENET_OK;
    if (!into->regions) {
        const char *copy;
        if (copy_str(r, region, &copy) < 0)
            return TENET_ENOMEM;
        into->regions = copy;
        if (!into->region)
            into->region = copy;
        return TENET_OK;
    }
    if (list_has(into->regions, region))
        return TENET_OK;
    char *joined = tn_arena_sprintf(&r->arena, "%s,%s", into->regions, region);
    if (!joined)
        return TENET_ENOMEM;
    into->regions = joined;
    return TENET_OK;
}

int tn_report_add(tenet_report *r, const tn_diag *d) {
    if (!r || !d || r->files.n == 0)
        return TENET_EINVAL;
    char stack[KEY_STACK];
    size_t key_len;
    char *key = dedupe_key(r, d, false, stack, &key_len);
    if (!key)
        return TENET_ENOMEM;
    uintptr_t found = (uintptr_t)tn_strmap_get(&r->dedupe, key, key_len);
    if (found && same_message(r->diags.v[found - 1].message, d->message))
        return merge_region(r, &r->diags.v[found - 1], d->region);
    if (found) { /* the short key is taken by another message */
        if (!(key = dedupe_key(r, d, true, stack, &key_len)))
            return TENET_ENOMEM;
        if ((found = (uintptr_t)tn_strmap_get(&r->dedupe, key, key_len)) != 0)
            return merge_region(r, &r->diags.v[found - 1], d->region);
    }

    tn_diag c = *d;
    c.file_index = r->files.n - 1;
    if (!c.has_span)
        memset(&c.span, 0, sizeof c.span);
    /* Every string copied, into one block. */
    const char **field[] = {&c.rule,    &c.verdict,   &c.message,  &c.fix,    &c.reason,
                            &c.path,    &c.subject,   &c.kind,     &c.region, &c.scenario,
                            &c.source,  &c.operation, &c.suppression};
    enum { NFIELDS = sizeof field / sizeof field[0] };
    size_t len[NFIELDS], total = 0;
    for (size_t i = 0; i < NFIELDS; i++) {
        len[i] = *field[i] ? strlen(*field[i]) + 1 : 0;
        total += len[i];
    }
    char *block = tn_arena_alloc(&r->arena, total);
    if (!block)
        return TENET_ENOMEM;
    for (size_t i = 0; i < NFIELDS; i++) {
        if (*field[i]) {
            *field[i] = memcpy(block, *field[i], len[i]);
            block += len[i];
        }
    }
    /* `regions` always lists every region, starting with `region`. */
    c.regions = c.region;
    if (d->regions && d->region && strcmp(d->regions, d->region) != 0 &&
        copy_str(r, d->regions, &c.regions) < 0)
        return TENET_ENOMEM;
    const char *kept = key_keep(r, stack, key, key_len);
    if (!kept || TN_VEC_PUSH(r->diags, c) < 0)
        return TENET_ENOMEM;
    if (tn_strmap_put(&r->dedupe, kept, key_len, (void *)(uintptr_t)r->diags.n) < 0) {
        r->diags.n--;
        return TENET_ENOMEM;
    }
    return TENET_OK;
}

/* The rules recorded for one subject name in the file being checked,
 * sorted by id; found through the dedupe map, so that a subject judged
 * again (in another region) costs one lookup and a search per rule. */
typedef struct judged_set {
    const char *subject; /* the report's copy */
    const char **ids;    /* the report's copies */
    size_t n, cap;
} judged_set;

/* Index of `id` in the set, or where it belongs (*found false). */
static size_t judged_find(const judged_set *js, const char *id, bool *found) {
    *found = false;
    /* Rules come in ruleset order, which usually sorts: try the end first. */
    if (js->n == 0 || strcmp(js->ids[js->n - 1], id) < 0)
        return js->n;
    size_t lo = 0, hi = js->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(js->ids[mid], id);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static judged_set *judged_set_of(tenet_report *r, const char *subject) {
    key_part parts[] = {{"\x1ejudged\x1f", 8}, KP(subject ? subject : "")};
    char stack[KEY_STACK];
    size_t len;
    char *key = key_join(r, stack, parts, sizeof parts / sizeof parts[0], &len);
    if (!key)
        return NULL;
    judged_set *js = tn_strmap_get(&r->dedupe, key, len);
    if (js)
        return js;
    const char *kept = key_keep(r, stack, key, len);
    js = tn_arena_calloc(&r->arena, 1, sizeof *js);
    if (!kept || !js || copy_str(r, subject, &js->subject) < 0 ||
        tn_strmap_put(&r->dedupe, kept, len, js) < 0)
        return NULL;
    return js;
}

int tn_report_add_judged(tenet_report *r, const char *subject, const char *const *rules,
                         size_t n) {
    if (!r || (!rules && n) || r->files.n == 0)
        return TENET_EINVAL;
    if (n == 0)
        return TENET_OK;
    judged_set *js = judged_set_of(r, subject);
    if (!js || tn_vec_grow_((void **)&r->judged.v, &r->judged.cap, r->judged.n + n,
                            sizeof *r->judged.v) != 0) /* one growth, not one per doubling */
        return TENET_ENOMEM;
    /* NULL and "" share the set; each pair keeps the name it was given. */
    const char *name = js->subject;
    if ((subject == NULL) != (name == NULL) && copy_str(r, subject, &name) < 0)
        return TENET_ENOMEM;
    /* A subject's first judgement records every rule: the ids are copied
     * into one block (a duplicate among them wastes its few bytes). */
    char *block = NULL;
    if (js->n == 0) {
        size_t total = 0;
        for (size_t i = 0; i < n; i++)
            total += rules[i] ? strlen(rules[i]) + 1 : 0;
        if (!(block = tn_arena_alloc(&r->arena, total)))
            return TENET_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (!rules[i])
            continue;
        bool found;
        size_t at = judged_find(js, rules[i], &found);
        if (found)
            continue;
        if (js->n == js->cap) {
            size_t cap = js->cap ? js->cap * 2 : n > 16 ? n : 16;
            const char **ids = tn_arena_alloc(&r->arena, cap * sizeof *ids);
            if (!ids)
                return TENET_ENOMEM;
            if (js->n)
                memcpy(ids, js->ids, js->n * sizeof *ids);
            js->ids = ids;
            js->cap = cap;
        }
        tn_judged j = {r->files.n - 1, name, NULL};
        if (block) {
            size_t len = strlen(rules[i]) + 1;
            j.rule = memcpy(block, rules[i], len);
            block += len;
        } else if (copy_str(r, rules[i], &j.rule) < 0) {
            return TENET_ENOMEM;
        }
        r->judged.v[r->judged.n++] = j; /* room reserved above */
        if (at < js->n)
            memmove(js->ids + at + 1, js->ids + at, (js->n - at) * sizeof *js->ids);
        js->ids[at] = j.rule;
        js->n++;
    }
    return TENET_OK;
}

int tn_report_add_input_error(tenet_report *r, size_t file_index, const tenet_error *err) {
    if (!r || !err || file_index >= r->files.n)
        return TENET_EINVAL;
    tn_input_error e = {file_index, err->code ? err->code : TENET_ERROR, err->line, err->column,
                        NULL};
    const char *msg = err->message[0] ? err->message : tenet_status_str(e.code);
    if (copy_str(r, msg, &e.message) < 0)
        return TENET_ENOMEM;
    return TN_VEC_PUSH(r->errors, e) < 0 ? TENET_ENOMEM : TENET_OK;
}

/* Report order within a file: line, column, then rule id. Diagnostics
 * without a position (line 0) come first: they concern the whole file. */
static int diag_cmp(const tn_diag *a, const tn_diag *b) {
    if (a->span.line != b->span.line)
        return a->span.line < b->span.line ? -1 : 1;
    if (a->span.col != b->span.col)
        return a->span.col < b->span.col ? -1 : 1;
    return strcmp(a->rule ? a->rule : "", b->rule ? b->rule : "");
}

/* Stable merge sort; insertion sort when no scratch memory is available
 * (also stable, just slower), so sorting itself never fails. */
static void sort_diags(tn_diag *v, size_t n) {
    if (n < 2)
        return;
    tn_diag *tmp = n > 16 ? tn_malloc(n * sizeof *tmp) : NULL;
    if (!tmp) {
        for (size_t i = 1; i < n; i++) {
            tn_diag x = v[i];
            size_t j = i;
            for (; j > 0 && diag_cmp(&v[j - 1], &x) > 0; j--)
                v[j] = v[j - 1];
            v[j] = x;
        }
        return;
    }
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = diag_cmp(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
            while (i < mid)
                tmp[k++] = v[i++];
            while (j < hi)
                tmp[k++] = v[j++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
    tn_free(tmp);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Copies the cited lines of f->text into the arena, in one pass over the
 * text up to the last of them. */
static void keep_lines(tenet_report *r, size_t file_index) {
    tn_report_file *f = &r->files.v[file_index];
    size_t want = 0;
    for (size_t i = f->first_diag; i < r->diags.n; i++)
        want += r->diags.v[i].has_span && r->diags.v[i].span.line;
    for (size_t i = 0; i < r->errors.n; i++)
        want += r->errors.v[i].file_index == file_index && r->errors.v[i].line;
    if (want == 0)
        return;
    uint32_t few[64]; /* most checks cite a few lines */
    uint32_t *nos = want <= 64 ? few : tn_malloc(want * sizeof *nos);
    if (!nos)
        return;
    size_t k = 0;
    for (size_t i = f->first_diag; i < r->diags.n; i++)
        if (r->diags.v[i].has_span && r->diags.v[i].span.line)
            nos[k++] = r->diags.v[i].span.line;
    for (size_t i = 0; i < r->errors.n; i++)
        if (r->errors.v[i].file_index == file_index && r->errors.v[i].line)
            nos[k++] = r->errors.v[i].line;
    qsort(nos, k, sizeof *nos, cmp_u32);
    size_t uniq = 0;
    for (size_t i = 0; i < k; i++)
        if (uniq == 0 || nos[uniq - 1] != nos[i])
            nos[uniq++] = nos[i];
    tn_report_line *lines = tn_arena_calloc(&r->arena, uniq, sizeof *lines);
    if (!lines) {
        if (nos != few)
            tn_free(nos);
        return;
    }
    const char *p = f->text, *end = f->text + f->len;
    uint32_t no = 1;
    size_t n = 0;
    for (size_t i = 0; i < uniq && p; i++) {
        /* Advance to line nos[i]; a line past the end is not kept. */
        while (no < nos[i] && p) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : NULL;
            no++;
        }
        if (!p)
            break;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        if (len > 0 && p[len - 1] == '\r')
            len--;
        char *copy = tn_arena_strndup(&r->arena, p, len);
        if (!copy || len > UINT32_MAX)
            break;
        lines[n].no = no;
        lines[n].len = (uint32_t)len;
        lines[n].text = copy;
        n++;
    }
    if (nos != few)
        tn_free(nos);
    f->lines = lines;
    f->nlines = n;
}

void tn_report_end_file(tenet_report *r, size_t file_index) {
    if (!r || file_index >= r->files.n)
        return;
    tn_report_file *f = &r->files.v[file_index];
    if (f->first_diag < r->diags.n)
        sort_diags(r->diags.v + f->first_diag, r->diags.n - f->first_diag);
    if (f->text)
        keep_lines(r, file_index);
    f->text = NULL; /* the caller's: not valid after the check */
    f->len = 0;
    tn_strmap_free(&r->dedupe);
}

bool tn_report_file_line(const tn_report_file *f, uint32_t no, const char **s, size_t *n) {
    size_t lo = 0, hi = f->nlines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->lines[mid].no < no)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == f->nlines || f->lines[lo].no != no)
        return false;
    *s = f->lines[lo].text;
    *n = f->lines[lo].len;
    return true;
}

size_t tenet_report_count(const tenet_report *r) { return r ? r->diags.n : 0; }

int tenet_report_get(const tenet_report *r, size_t index, tenet_diagnostic *out) {
    if (!r || !out || index >= r->diags.n)
        return TENET_EINVAL;
    const tn_diag *d = &r->diags.v[index];
    memset(out, 0, sizeof *out);
    out->version = TENET_DIAGNOSTIC_VERSION;
    out->rule = d->rule;
    out->severity = d->severity;
    out->verdict = d->verdict;
    out->message = d->message;
    out->fix = d->fix;
    out->reason = d->reason;
    out->file = d->file_index < r->files.n ? r->files.v[d->file_index].name : NULL;
    if (d->has_span) {
        out->line = d->span.line;
        out->column = d->span.col;
        out->end_line = d->span.end_line;
        out->end_column = d->span.end_col;
    }
    out->path = d->path;
    out->subject = d->subject;
    out->kind = d->kind;
    out->operation = d->operation;
    out->region = d->region;
    out->regions = d->regions;
    out->scenario = d->scenario;
    out->source = d->source;
    out->suppressed = d->suppressed;
    out->suppression = d->suppression;
    return TENET_OK;
}

void tenet_report_summary(const tenet_report *r, tenet_summary *out) {
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!r)
        return;
    out->files = r->files.n;
    out->input_errors = r->errors.n;
    out->subjects = r->subjects;
    for (size_t i = 0; i < r->diags.n; i++) {
        if (r->diags.v[i].suppressed) {
            out->suppressed++;
            continue;
        }
        switch (r->diags.v[i].severity) {
        case TENET_SEVERITY_ERROR: out->errors++; break;
        case TENET_SEVERITY_WARNING: out->warnings++; break;
        default: out->infos++; break;
        }
    }
}

/* The layout of version 1 ended with min_severity. */
#define RENDER_OPTIONS_V1_SIZE offsetof(tenet_render_options, base_dir)

int tenet_render_options_init(tenet_render_options *opts, unsigned int version) {
    if (!opts || (version != 1 && version != TENET_RENDER_OPTIONS_VERSION))
        return TENET_EINVAL;
    tenet_render_options init = TENET_RENDER_OPTIONS_INIT;
    init.version = version;
    memcpy(opts, &init, version == 1 ? RENDER_OPTIONS_V1_SIZE : sizeof init);
    return TENET_OK;
}

int tenet_report_render(const tenet_report *report, const tenet_render_options *opts,
                        tenet_buf *out, tenet_error *err) {
    tn_error_clear(err);
    if (!report || !out)
        return tn_error_set(err, TENET_EINVAL, "", 0, 0, "tenet_report_render: %s is NULL",
                            report ? "out" : "report");
    out->ptr = NULL;
    out->size = 0;
    tenet_render_options defaults = TENET_RENDER_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    if (opts->version != 1 && opts->version != TENET_RENDER_OPTIONS_VERSION)
        return tn_error_set(err, TENET_EINVAL, "", 0, 0,
                            "unsupported render options version %u (expected %u)", opts->version,
                            (unsigned)TENET_RENDER_OPTIONS_VERSION);
    if (opts->version == 1) { /* read only the fields a version 1 caller has */
        memcpy(&defaults, opts, RENDER_OPTIONS_V1_SIZE);
        defaults.version = TENET_RENDER_OPTIONS_VERSION;
        opts = &defaults;
    }
    tn_buf b = {0};
    int rc;
    switch (opts->format) {
    case TENET_FORMAT_TEXT: rc = tn_render_text(report, opts, &b); break;
    case TENET_FORMAT_JSON: rc = tn_render_json(report, opts, &b); break;
    case TENET_FORMAT_SARIF: rc = tn_render_sarif(report, opts, &b); break;
    case TENET_FORMAT_JUNIT: rc = tn_render_junit(report, opts, &b); break;
    case TENET_FORMAT_GITHUB: rc = tn_render_github(report, opts, &b); break;
    default:
        return tn_error_set(err, TENET_EINVAL, "", 0, 0, "unknown output format %d", opts->format);
    }
    if (rc == TENET_OK && tn_buf_failed(&b))
        rc = TENET_ENOMEM;
    if (rc != TENET_OK) {
        tn_buf_free(&b);
        return tn_error_set(err, rc, "", 0, 0, "could not render the report: %s",
                            tenet_status_str(rc));
    }
    out->ptr = tn_buf_detach(&b, &out->size);
    if (!out->ptr) {
        out->size = 0;
        return tn_error_set(err, TENET_ENOMEM, "", 0, 0, "could not render the report: %s",
                            tenet_status_str(TENET_ENOMEM));
    }
    return TENET_OK;
}

int tenet_report_add_input_error(tenet_report *report, const char *filename,
                                 const tenet_error *err) {
    if (!report || !err)
        return TENET_EINVAL;
    size_t index;
    int rc = tn_report_begin_file(report, filename && *filename ? filename : "<input>", NULL, 0,
                                  &index);
    if (rc != TENET_OK)
        return rc;
    rc = tn_report_add_input_error(report, index, err);
    tn_report_end_file(report, index);
    return rc;
}

/* Makes room for `more` elements so that the appends below cannot fail. */
#define RESERVE(vec, more)                                                                  \
    ((vec).n + (more) <= (vec).cap ||                                                       \
     tn_vec_grow_((void **)&(vec).v, &(vec).cap, (vec).n + (more), sizeof *(vec).v) == 0)

int tenet_report_merge(tenet_report *dst, tenet_report *src) {
    if (!dst || !src || dst == src)
        return TENET_EINVAL;
    if (!RESERVE(dst->files, src->files.n) || !RESERVE(dst->diags, src->diags.n) ||
        !RESERVE(dst->errors, src->errors.n) || !RESERVE(dst->judged, src->judged.n))
        return TENET_ENOMEM;
    /* Every string of src lives in its arena: adopting the arena keeps them
     * valid, so records move as they are, with their indexes shifted. */
    size_t file_base = dst->files.n, diag_base = dst->diags.n;
    for (size_t i = 0; i < src->files.n; i++) {
        tn_report_file f = src->files.v[i];
        f.first_diag += diag_base;
        dst->files.v[dst->files.n++] = f;
    }
    for (size_t i = 0; i < src->diags.n; i++) {
        tn_diag d = src->diags.v[i];
        d.file_index += file_base;
        dst->diags.v[dst->diags.n++] = d;
    }
    for (size_t i = 0; i < src->errors.n; i++) {
        tn_input_error e = src->errors.v[i];
        e.file_index += file_base;
        dst->errors.v[dst->errors.n++] = e;
    }
    for (size_t i = 0; i < src->judged.n; i++) {
        tn_judged j = src->judged.v[i];
        j.file_index += file_base;
        dst->judged.v[dst->judged.n++] = j;
    }
    dst->subjects += src->subjects;
    tn_arena_adopt(&dst->arena, &src->arena);
    /* Dedupe state belongs to a file being checked; both are closed now. */
    tn_strmap_free(&dst->dedupe);
    tn_strmap_free(&src->dedupe);
    TN_VEC_FREE(src->files);
    TN_VEC_FREE(src->diags);
    TN_VEC_FREE(src->errors);
    TN_VEC_FREE(src->judged);
    src->subjects = 0;
    return TENET_OK;
}
