/* The report: owns copies of every string it is given (frontends and the
 * evaluator allocate in per-check arenas that die with the check), stored
 * once each however many diagnostics repeat them, merges diagnostics that
 * repeat across regions and scenarios, and hands them out in a stable
 * order. */
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
    tn_free(r->merge);
    tn_intern_free(&r->strings);
    tn_buf_free(&r->scratch);
    tn_arena_release(&r->arena);
    tn_free(r);
}

/* NULL stays NULL; anything else is stored in the report's arena (once:
 * an equal string stored before is shared). */
static int copy_str(tenet_report *r, const char *s, const char **dst) {
    if (!s) {
        *dst = NULL;
        return 0;
    }
    *dst = tn_intern_str(&r->strings, &r->arena, s);
    return *dst ? 0 : -1;
}

/* Stores the strings the `n` (at most 16) fields point at: each one the
 * report holds already is shared, the others are copied into one block. */
enum { STORE_MAX = 16 };
static int store_strings(tenet_report *r, const char **const *field, size_t n) {
    size_t len[STORE_MAX], total = 0, missing = 0;
    if (n > STORE_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *s = *field[i];
        len[i] = SIZE_MAX; /* nothing to copy */
        if (!s)
            continue;
        size_t k = strlen(s);
        const char *found = tn_intern_find(&r->strings, s, k);
        if (found) {
            *field[i] = found;
            continue;
        }
        len[i] = k;
        total += k + 1;
        missing++;
    }
    if (!missing)
        return 0;
    /* One string is packed (no alignment) where a block would not be. */
    char *block = missing > 1 ? tn_arena_alloc(&r->arena, total) : NULL;
    if (missing > 1 && !block)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (len[i] == SIZE_MAX)
            continue;
        char *copy = block ? block : tn_arena_strndup(&r->arena, *field[i], len[i]);
        if (!copy)
            return -1;
        if (block) {
            memcpy(copy, *field[i], len[i]);
            copy[len[i]] = '\0';
            block += len[i] + 1;
        }
        *field[i] = tn_intern_record(&r->strings, copy, len[i]);
    }
    return 0;
}

/* The merge index belongs to the file being checked. */
static void merge_clear(tenet_report *r) {
    tn_free(r->merge);
    r->merge = NULL;
    r->merge_cap = r->merge_count = 0;
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
    merge_clear(r);
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

/* The identity of a diagnostic within one file is what it says and where:
 * rule, verdict, span, subject and message, NULL the same as "". */
static bool same_str(const char *a, const char *b) {
    return a == b || strcmp(a ? a : "", b ? b : "") == 0;
}

static bool same_identity(const tn_diag *a, const tn_diag *b) {
    return a->span.line == b->span.line && a->span.col == b->span.col &&
           a->span.end_line == b->span.end_line && a->span.end_col == b->span.end_col &&
           same_str(a->rule, b->rule) && same_str(a->verdict, b->verdict) &&
           same_str(a->subject, b->subject) && same_str(a->message, b->message);
}

static uint64_t mix(uint64_t h, uint64_t v) {
    h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 29);
}

static uint64_t hash_str(const char *s) { return s ? tn_hash(s, strlen(s)) : tn_hash("", 0); }

static uint32_t identity_hash(const tn_diag *d) {
    uint64_t h = mix(hash_str(d->rule), hash_str(d->verdict));
    h = mix(h, hash_str(d->subject));
    h = mix(h, hash_str(d->message));
    h = mix(h, (uint64_t)d->span.line << 32 | d->span.col);
    h = mix(h, (uint64_t)d->span.end_line << 32 | d->span.end_col);
    return (uint32_t)(h ^ (h >> 32));
}

/* A file's first diagnostics are searched one by one; the index is built
 * when it has this many (most checks never get there). */
#define MERGE_SCAN 8

/* The current file's diagnostic with the identity of `d`, or NULL. `hash`
 * is its identity_hash when the index exists. */
static tn_diag *merge_find(tenet_report *r, const tn_diag *d, uint32_t hash) {
    size_t first = r->files.v[r->files.n - 1].first_diag;
    if (!r->merge_cap) {
        for (size_t at = first; at < r->diags.n; at++)
            if (same_identity(&r->diags.v[at], d))
                return &r->diags.v[at];
        return NULL;
    }
    size_t mask = r->merge_cap - 1;
    for (size_t i = hash & mask; r->merge[i].diag; i = (i + 1) & mask) {
        size_t at = r->merge[i].diag - 1;
        if (r->merge[i].hash == hash && at >= first && at < r->diags.n &&
            same_identity(&r->diags.v[at], d))
            return &r->diags.v[at];
    }
    return NULL;
}

static void merge_slot_put(tn_merge_slot *slots, size_t cap, tn_merge_slot e) {
    size_t i = e.hash & (cap - 1);
    while (slots[i].diag)
        i = (i + 1) & (cap - 1);
    slots[i] = e;
}

static bool merge_grow(tenet_report *r) {
    size_t cap = r->merge_cap ? r->merge_cap * 2 : 4 * MERGE_SCAN;
    tn_merge_slot *slots = cap <= SIZE_MAX / sizeof *slots ? tn_calloc(cap, sizeof *slots) : NULL;
    if (!slots)
        return false;
    for (size_t i = 0; i < r->merge_cap; i++)
        if (r->merge[i].diag)
            merge_slot_put(slots, cap, r->merge[i]);
    tn_free(r->merge);
    r->merge = slots;
    r->merge_cap = cap;
    return true;
}

/* Indexes the last diagnostic, whose identity_hash is `hash` if the index
 * exists; builds the index when the file reaches MERGE_SCAN diagnostics. */
static int merge_note(tenet_report *r, uint32_t hash) {
    size_t first = r->files.v[r->files.n - 1].first_diag, last = r->diags.n - 1;
    if (last >= UINT32_MAX)
        return TENET_ENOMEM; /* past what a slot can name */
    size_t from = last;
    if (!r->merge_cap) {
        if (r->diags.n - first < MERGE_SCAN)
            return TENET_OK;
        from = first; /* index the file's diagnostics so far */
    }
    for (size_t at = from; at <= last; at++) {
        if ((r->merge_count + 1) * 10 > r->merge_cap * 7 && !merge_grow(r)) {
            if (from != last)
                merge_clear(r); /* half built: keep searching one by one */
            return TENET_ENOMEM;
        }
        uint32_t h = at == last && from == last ? hash : identity_hash(&r->diags.v[at]);
        merge_slot_put(r->merge, r->merge_cap, (tn_merge_slot){h, (uint32_t)(at + 1)});
        r->merge_count++;
    }
    return TENET_OK;
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
    /* Built aside and then stored: the diagnostics that hold in the same
     * regions grow the same lists, which are then kept once. */
    tn_buf *b = &r->scratch;
    b->size = 0;
    tn_buf_puts(b, into->regions);
    tn_buf_putc(b, ',');
    tn_buf_puts(b, region);
    const char *joined = tn_buf_failed(b) ? NULL
                                          : tn_intern_put(&r->strings, &r->arena, b->ptr, b->size);
    if (!joined) {
        tn_buf_free(b);
        return TENET_ENOMEM;
    }
    into->regions = joined;
    return TENET_OK;
}

int tn_report_add(tenet_report *r, const tn_diag *d) {
    if (!r || !d || r->files.n == 0)
        return TENET_EINVAL;
    tn_diag c = *d;
    c.file_index = r->files.n - 1;
    if (!c.has_span)
        memset(&c.span, 0, sizeof c.span);
    uint32_t hash = r->merge_cap ? identity_hash(&c) : 0;
    tn_diag *found = merge_find(r, &c, hash);
    if (found) /* a repeat (another region or scenario) stores nothing new */
        return merge_region(r, found, d->region);

    const char **fields[] = {&c.rule,   &c.verdict,  &c.message, &c.fix,       &c.reason,
                             &c.path,   &c.subject,  &c.kind,    &c.region,    &c.scenario,
                             &c.source, &c.operation, &c.suppression};
    if (store_strings(r, fields, sizeof fields / sizeof fields[0]) < 0)
        return TENET_ENOMEM;
    /* `regions` always lists every region, starting with `region`. */
    c.regions = c.region;
    if (d->regions && d->region && strcmp(d->regions, d->region) != 0 &&
        copy_str(r, d->regions, &c.regions) < 0)
        return TENET_ENOMEM;
    if (TN_VEC_PUSH(r->diags, c) < 0)
        return TENET_ENOMEM;
    if (merge_note(r, hash) != TENET_OK) {
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
    /* A subject's first judgement records every rule: the ids are stored as
     * one block, NUL-separated, which the subjects judged by the same rules
     * share (a duplicate among them wastes its few bytes). */
    const char *block = NULL;
    /* The ids' lengths, measured once when they fit on the stack. */
    size_t few[64], *lens = n <= 64 ? few : NULL;
#define ID_LEN(i) (lens ? lens[i] : strlen(rules[i]))
    if (js->n == 0) {
        for (size_t i = 0; lens && i < n; i++)
            lens[i] = rules[i] ? strlen(rules[i]) : 0;
        size_t total = 0;
        for (size_t i = 0; i < n; i++)
            total += rules[i] ? ID_LEN(i) + 1 : 0;
        /* Built in the arena, and taken back if an equal list is stored. */
        tn_arena_mark mark = tn_arena_mark_get(&r->arena);
        char *list = total ? tn_arena_alloc(&r->arena, total) : NULL;
        if (total && !list)
            return TENET_ENOMEM;
        size_t at = 0;
        for (size_t i = 0; i < n; i++) {
            if (rules[i]) {
                size_t len = ID_LEN(i) + 1;
                memcpy(list + at, rules[i], len);
                at += len;
            }
        }
        if (list && (block = tn_intern_find(&r->strings, list, total - 1)) != NULL)
            tn_arena_rollback(&r->arena, &mark);
        else if (list)
            block = tn_intern_record(&r->strings, list, total - 1);
    }
    for (size_t i = 0; i < n; i++) {
        if (!rules[i])
            continue;
        const char *copy = block;
        if (block)
            block += ID_LEN(i) + 1; /* the block holds the ids in order */
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
        tn_judged j = {r->files.n - 1, name, copy};
        if (!copy && copy_str(r, rules[i], &j.rule) < 0)
            return TENET_ENOMEM;
        r->judged.v[r->judged.n++] = j; /* room reserved above */
        if (at < js->n)
            memmove(js->ids + at + 1, js->ids + at, (js->n - at) * sizeof *js->ids);
        js->ids[at] = j.rule;
        js->n++;
    }
    return TENET_OK;
#undef ID_LEN
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

/* Stable merge sort of the diagnostics' indexes, then each diagnostic
 * moved once into place: 16 bytes of scratch per diagnostic instead of a
 * copy of them all. Insertion sort when no scratch memory is available
 * (also stable, just slower), so sorting itself never fails. */
static void sort_diags(tn_diag *v, size_t n) {
    if (n < 2)
        return;
    size_t *ord = n > 16 && n <= SIZE_MAX / (2 * sizeof *ord) ? tn_malloc(2 * n * sizeof *ord)
                                                                : NULL;
    if (!ord) {
        for (size_t i = 1; i < n; i++) {
            tn_diag x = v[i];
            size_t j = i;
            for (; j > 0 && diag_cmp(&v[j - 1], &x) > 0; j--)
                v[j] = v[j - 1];
            v[j] = x;
        }
        return;
    }
    size_t *tmp = ord + n;
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = diag_cmp(&v[ord[j]], &v[ord[i]]) < 0 ? ord[j++] : ord[i++];
            while (i < mid)
                tmp[k++] = ord[i++];
            while (j < hi)
                tmp[k++] = ord[j++];
        }
        memcpy(ord, tmp, n * sizeof *ord);
    }
    /* ord[k] is the diagnostic that belongs at k: follow each cycle of the
     * permutation once, marking the places filled. */
    for (size_t k = 0; k < n; k++) {
        if (ord[k] == k)
            continue;
        tn_diag x = v[k];
        size_t j = k;
        while (ord[j] != k) {
            size_t from = ord[j];
            v[j] = v[from];
            ord[j] = j;
            j = from;
        }
        v[j] = x;
        ord[j] = j;
    }
    tn_free(ord);
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
        /* Stored once: generated inputs repeat lines. */
        const char *copy = tn_intern_put(&r->strings, &r->arena, p, len);
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
    merge_clear(r);
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

/* Renders into `b` (a plain or a streaming buffer); the options checked as
 * tenet_report_render documents. */
static int render(const tenet_report *report, const tenet_render_options *opts, tn_buf *b,
                  tenet_error *err) {
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
    int rc;
    switch (opts->format) {
    case TENET_FORMAT_TEXT: rc = tn_render_text(report, opts, b); break;
    case TENET_FORMAT_JSON: rc = tn_render_json(report, opts, b); break;
    case TENET_FORMAT_SARIF: rc = tn_render_sarif(report, opts, b); break;
    case TENET_FORMAT_JUNIT: rc = tn_render_junit(report, opts, b); break;
    case TENET_FORMAT_GITHUB: rc = tn_render_github(report, opts, b); break;
    default:
        return tn_error_set(err, TENET_EINVAL, "", 0, 0, "unknown output format %d", opts->format);
    }
    if (rc == TENET_OK && !tn_buf_flush(b))
        rc = TENET_ENOMEM;
    if (b->sink_failed) /* whatever the renderer made of the failed buffer */
        return tn_error_set(err, TENET_EIO, "", 0, 0,
                            "could not write the report: the write callback failed");
    if (rc != TENET_OK)
        return tn_error_set(err, rc, "", 0, 0, "could not render the report: %s",
                            tenet_status_str(rc));
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
    tn_buf b = {0};
    int rc = render(report, opts, &b, err);
    if (rc != TENET_OK) {
        tn_buf_free(&b);
        return rc;
    }
    out->ptr = tn_buf_detach(&b, &out->size);
    if (!out->ptr) {
        out->size = 0;
        return tn_error_set(err, TENET_ENOMEM, "", 0, 0, "could not render the report: %s",
                            tenet_status_str(TENET_ENOMEM));
    }
    return TENET_OK;
}

int tenet_report_write(const tenet_report *report, const tenet_render_options *opts,
                       tenet_write_fn write, void *ctx, tenet_error *err) {
    tn_error_clear(err);
    if (!report || !write)
        return tn_error_set(err, TENET_EINVAL, "", 0, 0, "tenet_report_write: %s is NULL",
                            report ? "write" : "report");
    tn_buf b = {0};
    tn_buf_set_sink(&b, write, ctx);
    int rc = render(report, opts, &b, err);
    tn_buf_free(&b);
    return rc;
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

/* Makes room for `more` elements so that the moves below cannot fail; an
 * empty vector needs none (it takes the other's array). */
#define RESERVE(vec, more)                                                                  \
    ((vec).n == 0 || (vec).n + (more) <= (vec).cap ||                                       \
     tn_vec_grow_((void **)&(vec).v, &(vec).cap, (vec).n + (more), sizeof *(vec).v) == 0)

/* Moves the records of vector `s` to the end of `d` (room reserved), then
 * adds `base` to the `field` of each: into an empty `d` by taking the
 * array whole, so the first report merged into an empty one is not copied. */
#define MOVE_RECORDS(d, s, field, base)                                                     \
    do {                                                                                    \
        size_t from_ = (d).n;                                                               \
        if ((d).n == 0) {                                                                   \
            tn_free((d).v);                                                                 \
            (d) = (s);                                                                      \
        } else {                                                                            \
            if ((s).n)                                                                      \
                memcpy((d).v + (d).n, (s).v, (s).n * sizeof *(s).v);                       \
            (d).n += (s).n;                                                                 \
            tn_free((s).v);                                                                 \
        }                                                                                   \
        (s).v = NULL;                                                                       \
        (s).n = (s).cap = 0;                                                                \
        for (size_t i_ = from_; i_ < (d).n; i_++)                                           \
            (d).v[i_].field += (base);                                                      \
    } while (0)

int tenet_report_merge(tenet_report *dst, tenet_report *src) {
    if (!dst || !src || dst == src)
        return TENET_EINVAL;
    if (!RESERVE(dst->files, src->files.n) || !RESERVE(dst->diags, src->diags.n) ||
        !RESERVE(dst->errors, src->errors.n) || !RESERVE(dst->judged, src->judged.n))
        return TENET_ENOMEM;
    /* Every string of src lives in its arena: adopting the arena keeps them
     * valid, so records move as they are, with their indexes shifted. */
    size_t file_base = dst->files.n, diag_base = dst->diags.n;
    MOVE_RECORDS(dst->files, src->files, first_diag, diag_base);
    MOVE_RECORDS(dst->diags, src->diags, file_index, file_base);
    MOVE_RECORDS(dst->errors, src->errors, file_index, file_base);
    MOVE_RECORDS(dst->judged, src->judged, file_index, file_base);
    dst->subjects += src->subjects;
    tn_arena_adopt(&dst->arena, &src->arena);
    /* Dedupe state belongs to a file being checked; both are closed now. */
    tn_strmap_free(&dst->dedupe);
    tn_strmap_free(&src->dedupe);
    merge_clear(dst);
    merge_clear(src);
    /* src's strings now live in dst's arena: src must not hand them out. */
    tn_intern_free(&src->strings);
    src->subjects = 0;
    return TENET_OK;
}
