/* Names in requests: finding an operation in the rules, the parameter
 * names an operation accepts, the spellings inputs use for them (CLI
 * kebab-case, CloudTrail camelCase), suggestions for misspelt ones, and the
 * region of an endpoint host. */
#include "frontend/request.h"
#include "util/strmap.h"

#include <stdint.h>
#include <string.h>

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static bool upper(char c) { return c >= 'A' && c <= 'Z'; }

bool tn_request_norm_eq(const char *a, size_t alen, const char *b, size_t blen) {
    size_t i = 0, j = 0;
    for (;;) {
        while (i < alen && (a[i] == '-' || a[i] == '_'))
            i++;
        while (j < blen && (b[j] == '-' || b[j] == '_'))
            j++;
        if (i == alen || j == blen)
            return i == alen && j == blen;
        if (lower(a[i]) != lower(b[j]))
            return false;
        i++;
        j++;
    }
}

/* tn_kind_format(kind, "api"), without mapping a format name first. */
static const tn_format_map *api_map(const tn_kind *kind) {
    for (size_t i = 0; i < kind->nmaps; i++)
        if (strcmp(kind->maps[i].format, "api") == 0)
            return &kind->maps[i];
    return NULL;
}

bool tn_request_find_op(const tenet_ruleset *rs, const char *name, size_t len, const char *service,
                        tn_req_target *out) {
    memset(out, 0, sizeof *out);
    if (!rs || !name || len == 0)
        return false;
    /* Names of another length without '-' and '_' cannot be equal. */
    size_t norm_len = 0;
    for (size_t i = 0; i < len; i++)
        norm_len += name[i] != '-' && name[i] != '_';
    size_t slen = service ? strlen(service) : 0;
    for (size_t k = 0; k < rs->nkinds; k++) {
        const tn_format_map *map = api_map(&rs->kinds[k]);
        if (!map)
            continue;
        if (service && map->service &&
            !tn_request_norm_eq(service, slen, map->service, strlen(map->service)))
            continue;
        for (size_t o = 0; o < map->nops; o++) {
            if (map->ops[o].norm_len && map->ops[o].norm_len != norm_len)
                continue;
            size_t ol = strlen(map->ops[o].name);
            if ((ol == len && memcmp(name, map->ops[o].name, len) == 0) || /* as written */
                tn_request_norm_eq(name, len, map->ops[o].name, ol)) {
                out->kind = &rs->kinds[k];
                out->map = map;
                out->op = &map->ops[o];
                return true;
            }
        }
    }
    return false;
}

static bool first_step_is(const tn_mapping_alt *a, const char *name, size_t len) {
    return !a->root && a->nsegs > 0 && a->segs[0].key && a->segs[0].key_len == len &&
           memcmp(a->segs[0].key, name, len) == 0;
}

long tn_request_mapped_field(const tn_req_target *t, const char *name) {
    if (!t->map || !t->map->fields || !name)
        return -1;
    size_t len = strlen(name);
    for (size_t i = 0; i < t->kind->nfields; i++)
        for (size_t a = 0; a < t->map->fields[i].nalts; a++)
            if (first_step_is(&t->map->fields[i].alts[a], name, len))
                return (long)i;
    return -1;
}

bool tn_request_structured(const tn_req_target *t, const char *name) {
    if (!t->map || !t->map->fields || !name)
        return false;
    size_t len = strlen(name);
    for (size_t i = 0; i < t->kind->nfields; i++) {
        tn_ftype ft = t->kind->fields[i].type;
        for (size_t a = 0; a < t->map->fields[i].nalts; a++) {
            const tn_mapping_alt *alt = &t->map->fields[i].alts[a];
            if (first_step_is(alt, name, len) &&
                (alt->nsegs > 1 || ft == TN_T_LIST || ft == TN_T_MAP || ft == TN_T_ANY))
                return true;
        }
    }
    return false;
}

bool tn_request_is_mapped(const tn_req_target *t, const char *name) {
    return tn_request_mapped_field(t, name) >= 0;
}

bool tn_request_is_valid(const tn_req_target *t, const char *name) {
    return tn_request_is_valid_len(t, name, strlen(name));
}

bool tn_request_is_valid_len(const tn_req_target *t, const char *name, size_t len) {
    if (!t->op || t->op->nparams == 0)
        return true;
    const tn_api_op *op = t->op;
    if (op->param_slots) {
        uint32_t h = (uint32_t)tn_hash(name, len);
        size_t mask = op->param_cap - 1;
        for (size_t i = h & mask; op->param_slots[i].index; i = (i + 1) & mask)
            if (op->param_slots[i].hash == h &&
                strcmp(op->params[op->param_slots[i].index - 1], name) == 0)
                return true;
        return false;
    }
    /* The first byte rules out nearly every name without a call. */
    for (size_t i = 0; i < t->op->nparams; i++)
        if (t->op->params[i][0] == name[0] && strcmp(t->op->params[i], name) == 0)
            return true;
    return false;
}

long tn_request_names(const tn_req_target *t, tn_arena *arena, const char ***out) {
    size_t cap = (t->op ? t->op->nparams : 0) + 1;
    for (size_t i = 0; t->map && t->map->fields && i < t->kind->nfields; i++)
        cap += t->map->fields[i].nalts;
    const char **v = tn_arena_alloc(arena, cap * sizeof *v);
    size_t *lens = tn_arena_alloc(arena, cap * sizeof *lens); /* for the duplicate checks */
    if (!v || !lens)
        return -1;
    size_t n = 0;
    for (size_t i = 0; t->op && i < t->op->nparams; i++) {
        lens[n] = strlen(t->op->params[i]);
        v[n++] = t->op->params[i];
    }
    for (size_t i = 0; t->map && t->map->fields && i < t->kind->nfields; i++) {
        for (size_t a = 0; a < t->map->fields[i].nalts; a++) {
            const tn_mapping_alt *alt = &t->map->fields[i].alts[a];
            if (alt->root || alt->nsegs == 0 || !alt->segs[0].key)
                continue;
            size_t kl = alt->segs[0].key_len;
            bool dup = false;
            for (size_t j = 0; j < n && !dup; j++)
                dup = lens[j] == kl && memcmp(v[j], alt->segs[0].key, kl) == 0;
            if (dup)
                continue;
            if (!(v[n] = tn_arena_strndup(arena, alt->segs[0].key, kl)))
                return -1;
            lens[n] = strlen(v[n]); /* kl, unless the key holds a NUL */
            n++;
        }
    }
    *out = v;
    return (long)n;
}

bool tn_request_is_protocol_key(const char *name, size_t len) {
    static const char amz[] = "x-amz-";
    if (len >= sizeof amz - 1 && lower(name[0]) == 'x') {
        size_t i = 1;
        while (i < sizeof amz - 1 && lower(name[i]) == amz[i])
            i++;
        if (i == sizeof amz - 1)
            return true;
    }
    /* Action, Version, SignatureVersion, SignatureMethod, Timestamp,
     * Signature, AWSAccessKeyId, SecurityToken, Expires: by length. */
    const char *k1 = NULL, *k2 = NULL;
    switch (len) {
    case 6: k1 = "Action"; break;
    case 7:
        k1 = "Version";
        k2 = "Expires";
        break;
    case 9:
        k1 = "Timestamp";
        k2 = "Signature";
        break;
    case 13: k1 = "SecurityToken"; break;
    case 14: k1 = "AWSAccessKeyId"; break;
    case 15: k1 = "SignatureMethod"; break;
    case 16: k1 = "SignatureVersion"; break;
    default: return false;
    }
    return memcmp(name, k1, len) == 0 || (k2 && memcmp(name, k2, len) == 0);
}

/* botocore's xform_name: a trailing run of capitals plus 's' ("AZs", "ARNs")
 * becomes its own lower-case word, then (.)([A-Z][a-z]+) and
 * ([a-z0-9])([A-Z]) are split, non-overlapping, left to right. Each step
 * at most doubles the length, so three buffers of known size do (on the
 * stack for names of ordinary length). */
const char *tn_request_kebab(const char *name, tn_arena *arena) {
    size_t n = strlen(name);
    if (memchr(name, '-', n))
        return tn_arena_strdup(arena, name);
    char stack[512];
    size_t need = 7 * (n + 2); /* a: n + 2, b: 2 (n + 2), c: 4 (n + 2) */
    char *a = need <= sizeof stack ? stack : tn_arena_alloc(arena, need);
    if (!a)
        return NULL;
    char *b = a + (n + 2), *c = b + 2 * (n + 2);
    size_t cut = n;
    if (n >= 3 && name[n - 1] == 's') {
        size_t k = n - 1;
        while (k > 0 && upper(name[k - 1]))
            k--;
        if (n - 1 - k >= 2)
            cut = k;
    }
    size_t la = cut;
    memcpy(a, name, cut);
    if (cut < n) {
        a[la++] = '-';
        for (size_t i = cut; i < n; i++)
            a[la++] = lower(name[i]);
    }
    size_t lb = 0, p = 0;
    while (p < la) { /* (.)([A-Z][a-z]+) */
        size_t i = p;
        while (i + 2 < la && !(upper(a[i + 1]) && a[i + 2] >= 'a' && a[i + 2] <= 'z'))
            i++;
        if (i + 2 >= la) {
            memcpy(b + lb, a + p, la - p);
            lb += la - p;
            break;
        }
        size_t e = i + 2;
        while (e < la && a[e] >= 'a' && a[e] <= 'z')
            e++;
        memcpy(b + lb, a + p, i + 1 - p);
        lb += i + 1 - p;
        b[lb++] = '-';
        memcpy(b + lb, a + i + 1, e - i - 1);
        lb += e - i - 1;
        p = e;
    }
    size_t lc = 0;
    for (size_t i = 0; i < lb; i++) { /* ([a-z0-9])([A-Z]) */
        char ch = b[i];
        c[lc++] = lower(ch);
        if (i + 1 < lb && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) &&
            upper(b[i + 1])) {
            c[lc++] = '-';
            c[lc++] = lower(b[i + 1]);
            i++;
        }
    }
    return tn_arena_strndup(arena, c, lc);
}

#define MAXNAME 128

/* Optimal string alignment distance, ignoring case. */
static size_t distance(const char *a, size_t n, const char *b, size_t m) {
    if (n > MAXNAME || m > MAXNAME)
        return SIZE_MAX / 2;
    size_t rows[3][MAXNAME + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            size_t d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (prev[j - 1] + cost < d)
                d = prev[j - 1] + cost;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

const char *tn_request_suggest(const char *name, const char *const *cands, size_t n) {
    size_t len = name ? strlen(name) : 0;
    if (len < 3)
        return NULL;
    size_t limit = len <= 5 ? 1 : len <= 10 ? 2 : 3;
    const char *best = NULL;
    size_t bestd = SIZE_MAX, bestfull = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t cl = strlen(cands[i]);
        size_t full = distance(name, len, cands[i], cl), d = full;
        /* CacheParameterGroup for CacheParameterGroupName: a shortened name */
        if (cl > len && len >= 4) {
            size_t p = distance(name, len, cands[i], len) + 1;
            if (p < d)
                d = p;
        }
        if (d < bestd || (d == bestd && full < bestfull)) {
            best = cands[i];
            bestd = d;
            bestfull = full;
        }
    }
    return bestd <= limit ? best : NULL;
}

const char *tn_request_suggest_for(tn_request *r, const char *name, const char *const *cands,
                                   size_t n) {
    return r->suggestions++ < 64 ? tn_request_suggest(name, cands, n) : NULL;
}

static bool ends_with_ci(const char *s, size_t len, const char *suffix) {
    size_t n = strlen(suffix);
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s[len - n + i]) != suffix[i])
            return false;
    return true;
}

const char *tn_request_host_region(const char *host, size_t len, tn_arena *arena,
                                   const char **service) {
    if (service)
        *service = NULL;
    const char *colon = memchr(host, ':', len); /* a port */
    if (colon)
        len = (size_t)(colon - host);
    size_t base;
    if (ends_with_ci(host, len, ".amazonaws.com"))
        base = len - strlen(".amazonaws.com");
    else if (ends_with_ci(host, len, ".amazonaws.com.cn"))
        base = len - strlen(".amazonaws.com.cn");
    else
        return NULL;
    const char *dot = memchr(host, '.', base);
    if (!dot || dot == host || memchr(dot + 1, '.', base - (size_t)(dot + 1 - host)))
        return NULL; /* exactly <service>.<region> */
    size_t rl = base - (size_t)(dot + 1 - host);
    if (rl == 0)
        return NULL;
    for (size_t i = 0; i < rl; i++) {
        char c = lower(dot[1 + i]);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return NULL;
    }
    char *region = tn_arena_strndup(arena, dot + 1, rl);
    if (!region)
        return NULL;
    for (char *p = region; *p; p++)
        *p = lower(*p);
    if (service) {
        size_t sl = (size_t)(dot - host);
        if (ends_with_ci(host, sl, "-fips"))
            sl -= 5;
        char *svc = tn_arena_strndup(arena, host, sl);
        if (svc)
            for (char *p = svc; *p; p++)
                *p = lower(*p);
        *service = svc;
    }
    return region;
}
