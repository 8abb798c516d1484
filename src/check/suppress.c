/* Suppressions and severity overrides, applied to one file's diagnostics
 * after its frontend ran:
 *
 *   1. inline comments `# tenet:ignore RULE[,RULE] reason` on the line of a
 *      diagnostic, in the block of comment lines directly above it, or in
 *      the block above its subject's first line (the resource, the command);
 *   2. suppressions the input declares (template metadata, via tn_run_ignore);
 *   3. the caller's central suppressions (globs, reason, optional expiry).
 *
 * A suppressed diagnostic stays in the report, marked, so JSON and SARIF can
 * show it; text output and the summary counts skip it. A rule marked
 * `suppressible: false` is never suppressed: the attempt yields an info note.
 * Severity overrides run last and may drop a rule's diagnostics entirely. */
#include "check/suppress.h"

#include "util/glob.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DIRECTIVE "tenet:ignore"

/* ---- dates ---- */

static bool is_leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* YYYY-MM-DD naming a real day. */
static bool valid_date(const char *s) {
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

/* The current UTC date, from days since 1970-01-01 (Howard Hinnant's
 * civil_from_days; no gmtime, which is not thread-safe). */
static void today_utc(char out[11]) {
    long long t = (long long)time(NULL);
    long long z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    long long y = yoe + era * 400 + (m <= 2);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999;
    /* By hand, not snprintf: every check asks for the date. */
    int yy = (int)y;
    out[0] = (char)('0' + yy / 1000);
    out[1] = (char)('0' + yy / 100 % 10);
    out[2] = (char)('0' + yy / 10 % 10);
    out[3] = (char)('0' + yy % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

int tn_suppress_validate(const tenet_check_options *o, char today[11], char *msg,
                         size_t msg_size) {
    if (o->today && !valid_date(o->today)) {
        snprintf(msg, msg_size, "today must be a date written YYYY-MM-DD, got \"%.40s\"", o->today);
        return TENET_EINVAL;
    }
    if (o->today)
        memcpy(today, o->today, 11);
    else
        today_utc(today);
    if (o->suppression_count && !o->suppressions) {
        snprintf(msg, msg_size, "suppression_count is set but suppressions is NULL");
        return TENET_EINVAL;
    }
    for (size_t i = 0; i < o->suppression_count; i++) {
        const tenet_suppression *s = &o->suppressions[i];
        const char *bad = !s->rule || !*s->rule       ? "has no rule"
                          : !s->reason || !*s->reason ? "has no reason (a reason is required)"
                          : s->expires && !valid_date(s->expires)
                              ? "has an expires date not written YYYY-MM-DD"
                              : NULL;
        if (bad) {
            snprintf(msg, msg_size, "suppression %zu %s", i + 1, bad);
            return TENET_EINVAL;
        }
    }
    if (o->severity_override_count && !o->severity_overrides) {
        snprintf(msg, msg_size, "severity_override_count is set but severity_overrides is NULL");
        return TENET_EINVAL;
    }
    for (size_t i = 0; i < o->severity_override_count; i++) {
        const tenet_severity_override *v = &o->severity_overrides[i];
        if (!v->rule || !*v->rule || v->severity < TENET_SEVERITY_OFF ||
            v->severity > TENET_SEVERITY_ERROR) {
            snprintf(msg, msg_size, "severity override %zu %s", i + 1,
                     !v->rule || !*v->rule ? "has no rule" : "has an invalid severity");
            return TENET_EINVAL;
        }
    }
    return TENET_OK;
}

/* ---- inline comments ---- */

typedef struct directive {
    uint32_t line;
    bool own_line;       /* nothing but blanks before the '#' */
    const char **rules;
    size_t nrules;
    const char *reason;  /* NULL when none is written */
} directive;

typedef struct sctx {
    const tn_suppress_in *in;
    const char *today;
    tenet_report *r;
    const char *match_path;
    directive *dirs;
    size_t ndirs;
    size_t *line_starts; /* byte offset of each line, [0] = line 1 */
    size_t nlines;
} sctx;

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static bool id_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

static bool id_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Code points from `from` to `to`, for columns. */
static uint32_t cols(const char *from, const char *to) {
    uint32_t n = 0;
    for (; from < to; from++)
        n += ((unsigned char)*from & 0xC0) != 0x80;
    return n;
}

static int add_note(sctx *c, const tn_diag *at, const tn_span *span, tenet_severity sev,
                    const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Parses the directive starting at `p` (just after "tenet:ignore") up to
 * `end`. Returns TENET_OK, with d->nrules == 0 when it names no rule. */
static int parse_directive(sctx *c, const char *p, const char *end, directive *d) {
    tn_arena *a = c->in->arena;
    size_t cap = 1;
    for (const char *q = p; q < end; q++)
        cap += *q == ',';
    if (!(d->rules = tn_arena_calloc(a, cap, sizeof *d->rules)))
        return TENET_ENOMEM;
    while (p < end && blank(*p))
        p++;
    for (;;) {
        const char *s = p;
        if (p < end && id_start(*p))
            while (p < end && id_char(*p))
                p++;
        if (p == s || (p < end && !blank(*p) && *p != ',' && *p != ':')) {
            d->nrules = 0; /* not an id: "*", "EC-AR-*", ... */
            return TENET_OK;
        }
        if (!(d->rules[d->nrules++] = tn_arena_strndup(a, s, (size_t)(p - s))))
            return TENET_ENOMEM;
        const char *q = p;
        while (q < end && blank(*q))
            q++;
        if (q < end && *q == ',' && d->nrules < cap) {
            p = q + 1;
            while (p < end && blank(*p))
                p++;
            continue;
        }
        p = q;
        break;
    }
    /* The reason: the rest, without a separating ":" or "-" and blanks. */
    while (p < end && (blank(*p) || *p == ':' || *p == '-'))
        p++;
    while (end > p && blank(end[-1]))
        end--;
    if (end > p && !(d->reason = tn_arena_strndup(a, p, (size_t)(end - p))))
        return TENET_ENOMEM;
    return TENET_OK;
}

/* Looks for the directive's ':', rarer in most texts than its letters. */
static bool mentions_directive(const char *p, const char *end) {
    const size_t dl = sizeof DIRECTIVE - 1, head = sizeof "tenet" - 1, tail = dl - head;
    if ((size_t)(end - p) < dl)
        return false;
    for (const char *q = p + head;
         (size_t)(end - q) >= tail && (q = memchr(q, ':', (size_t)(end - q) - tail + 1)); q++)
        if (memcmp(q - head, DIRECTIVE, dl) == 0)
            return true;
    return false;
}

/* Finds every directive; a malformed one gets a warning note. */
static int scan_directives(sctx *c) {
    const tn_suppress_in *in = c->in;
    const char *text = in->text, *end = in->text + in->len;
    if (!mentions_directive(text, end))
        return TENET_OK; /* the common case: no line index needed */
    size_t nlines = 1, ndirs = 0;
    for (const char *p = text; p < end; p++) {
        nlines += *p == '\n';
        ndirs += *p == '#';
    }
    c->line_starts = tn_arena_calloc(in->arena, nlines, sizeof *c->line_starts);
    c->dirs = tn_arena_calloc(in->arena, ndirs ? ndirs : 1, sizeof *c->dirs);
    if (!c->line_starts || !c->dirs)
        return TENET_ENOMEM;
    uint32_t line = 1;
    for (const char *ls = text; ls <= end; line++) {
        const char *le = memchr(ls, '\n', (size_t)(end - ls));
        if (!le)
            le = end;
        c->line_starts[c->nlines++] = (size_t)(ls - text);
        const char *first = ls;
        while (first < le && blank(*first))
            first++;
        for (const char *h = memchr(ls, '#', (size_t)(le - ls)); h;
             h = h + 1 < le ? memchr(h + 1, '#', (size_t)(le - h - 1)) : NULL) {
            const char *p = h + 1;
            while (p < le && blank(*p))
                p++;
            size_t dl = sizeof DIRECTIVE - 1;
            if ((size_t)(le - p) < dl || memcmp(p, DIRECTIVE, dl) != 0 ||
                (p + dl < le && !blank(p[dl])))
                continue;
            directive d = {line, h == first, NULL, 0, NULL};
            int rc = parse_directive(c, p + dl, le, &d);
            if (rc != TENET_OK)
                return rc;
            if (d.nrules == 0) {
                tn_span sp = {line, cols(ls, h) + 1, line, cols(ls, p + dl) + 1, 0, 0};
                rc = add_note(c, NULL, &sp, TENET_SEVERITY_WARNING, "bad-suppression",
                              "tenet:ignore must name the rules it silences by id, e.g. "
                              "\"# tenet:ignore EC-AR-002 reason\"; this comment is ignored");
                if (rc != TENET_OK)
                    return rc;
            } else {
                c->dirs[c->ndirs++] = d;
            }
            break; /* one directive per line */
        }
        if (le == end)
            break;
        ls = le + 1;
    }
    return TENET_OK;
}

static bool comment_line(const sctx *c, uint32_t line) {
    if (line == 0 || line > c->nlines)
        return false;
    const char *p = c->in->text + c->line_starts[line - 1];
    const char *end = c->in->text + c->in->len;
    while (p < end && blank(*p))
        p++;
    return p < end && *p == '#';
}

static const directive *directive_on(const sctx *c, uint32_t line, const char *rule,
                                     bool own_line_only) {
    for (size_t i = 0; i < c->ndirs; i++) {
        const directive *d = &c->dirs[i];
        if (d->line != line || (own_line_only && !d->own_line))
            continue;
        for (size_t k = 0; k < d->nrules; k++)
            if (strcmp(d->rules[k], rule) == 0)
                return d;
    }
    return NULL;
}

/* A directive on `line` itself, or in the comment block directly above. */
static const directive *directive_for_line(const sctx *c, uint32_t line, const char *rule) {
    if (line == 0)
        return NULL;
    const directive *d = directive_on(c, line, rule, false);
    for (uint32_t k = line - 1; !d && comment_line(c, k); k--)
        d = directive_on(c, k, rule, true);
    return d;
}

/* ---- matching ---- */

typedef struct match {
    const char *how;     /* "inline", "metadata", "config"; NULL = none */
    const char *what;    /* for notes: "the inline comment", ... */
    const char *reason;
    const tenet_suppression *expired; /* the first expired central entry that matched */
} match;

static const char *strip_dot_slash(const char *s) {
    while (s && s[0] == '.' && s[1] == '/')
        s += 2;
    return s;
}

static void find_match(const sctx *c, const tn_diag *d, match *m) {
    const char *rule = d->rule ? d->rule : "";
    memset(m, 0, sizeof *m);
    if (c->ndirs) {
        const directive *dir = directive_for_line(c, d->has_span ? d->span.line : 0, rule);
        if (!dir && d->subject_line && (!d->has_span || d->subject_line != d->span.line))
            dir = directive_for_line(c, d->subject_line, rule);
        if (dir) {
            m->how = "inline";
            m->what = "the tenet:ignore comment";
            m->reason = dir->reason;
            return;
        }
    }
    for (size_t i = 0; i < c->in->nignores; i++) {
        const tn_ignore *ig = &c->in->ignores[i];
        if (strcmp(ig->rule, rule) != 0)
            continue;
        if (ig->subject && (!d->subject || strcmp(ig->subject, d->subject) != 0))
            continue;
        m->how = "metadata";
        m->what = "the metadata suppression";
        m->reason = ig->reason;
        return;
    }
    const tenet_check_options *o = c->in->opts;
    for (size_t i = 0; i < o->suppression_count; i++) {
        const tenet_suppression *s = &o->suppressions[i];
        if (!tn_glob_match(s->rule, rule))
            continue;
        if (s->path && !tn_glob_match(strip_dot_slash(s->path), c->match_path))
            continue;
        if (s->subject && (!d->subject || !tn_glob_match(s->subject, d->subject)))
            continue;
        if (s->expires && strcmp(c->today, s->expires) >= 0) {
            if (!m->expired)
                m->expired = s;
            continue;
        }
        m->how = "config";
        m->what = "the configured suppression";
        m->reason = s->reason;
        return;
    }
}

static const tn_rule *find_rule(const tenet_ruleset *rs, const char *id) {
    for (size_t i = 0; id && i < rs->nrules; i++)
        if (strcmp(rs->rules[i].id, id) == 0)
            return &rs->rules[i];
    return NULL;
}

/* An exact id wins over globs; among globs the last one listed. */
static const tenet_severity_override *find_override(const tenet_check_options *o,
                                                    const char *rule) {
    const tenet_severity_override *hit = NULL;
    for (size_t i = 0; rule && i < o->severity_override_count; i++) {
        const tenet_severity_override *v = &o->severity_overrides[i];
        if (strcmp(v->rule, rule) == 0)
            return v;
        if (tn_glob_is_pattern(v->rule) && tn_glob_match(v->rule, rule))
            hit = v;
    }
    return hit;
}

/* ---- notes ---- */

/* Adds a note at `at`'s position (or `span`), after its own severity override. */
static int add_note(sctx *c, const tn_diag *at, const tn_span *span, tenet_severity sev,
                    const char *code, const char *fmt, ...) {
    const tenet_severity_override *v = find_override(c->in->opts, code);
    if (v && v->severity == TENET_SEVERITY_OFF)
        return TENET_OK;
    va_list ap;
    va_start(ap, fmt);
    char *msg = tn_arena_vsprintf(c->in->arena, fmt, ap);
    va_end(ap);
    if (!msg)
        return TENET_ENOMEM;
    tn_diag n;
    memset(&n, 0, sizeof n);
    n.rule = code;
    n.severity = v ? (tenet_severity)v->severity : sev;
    n.verdict = "note";
    n.message = msg;
    if (at) {
        n.has_span = at->has_span;
        n.span = at->span;
        n.path = at->path;
        n.subject = at->subject;
    } else if (span) {
        n.has_span = true;
        n.span = *span;
    }
    return tn_report_add(c->r, &n);
}

/* In the report's arena: the diagnostic outlives this check. */
static const char *describe(sctx *c, const char *how, const char *reason) {
    if (!reason)
        return tn_arena_strdup(&c->r->arena, how);
    return tn_arena_sprintf(&c->r->arena, "%s: %s", how, reason);
}

/* ---- the passes ---- */

static int suppress_pass(sctx *c, size_t first, size_t last) {
    for (size_t i = first; i < last; i++) {
        tn_diag d = c->r->diags.v[i]; /* a copy: notes may move the vector */
        match m;
        find_match(c, &d, &m);
        int rc = TENET_OK;
        const tn_rule *rule = m.how || m.expired ? find_rule(c->in->rs, d.rule) : NULL;
        if (m.how && rule && !rule->suppressible) {
            rc = add_note(c, &d, NULL, TENET_SEVERITY_INFO, "unsuppressible",
                          "%s cannot be suppressed (the rule is marked suppressible: false); "
                          "%s is ignored",
                          d.rule, m.what);
        } else if (m.how) {
            const char *text = describe(c, m.how, m.reason);
            if (!text)
                return TENET_ENOMEM;
            c->r->diags.v[i].suppressed = 1;
            c->r->diags.v[i].suppression = text;
        } else if (m.expired) {
            rc = add_note(c, &d, NULL, TENET_SEVERITY_INFO, "expired-suppression",
                          "suppression for %s expired on %s (reason: %s)", d.rule,
                          m.expired->expires, m.expired->reason);
        }
        if (rc != TENET_OK)
            return rc;
    }
    return TENET_OK;
}

/* Applies the overrides to [first, last); returns in *drop which to remove. */
static int severity_pass(sctx *c, size_t first, size_t last, bool *drop) {
    const tenet_check_options *o = c->in->opts;
    for (size_t i = first; i < last; i++) {
        tn_diag d = c->r->diags.v[i];
        const tenet_severity_override *v = find_override(o, d.rule);
        if (!v)
            continue;
        bool fail = d.verdict && strcmp(d.verdict, "unknown") != 0;
        bool off = v->severity == TENET_SEVERITY_OFF;
        if (!off && (!fail || (tenet_severity)v->severity == d.severity))
            continue; /* unknowns keep their info severity */
        const tn_rule *rule = find_rule(c->in->rs, d.rule);
        if (rule && !rule->suppressible && (off || v->severity < (int)d.severity)) {
            int rc = add_note(c, &d, NULL, TENET_SEVERITY_INFO, "unsuppressible",
                              "%s cannot be suppressed (the rule is marked suppressible: "
                              "false); its severity override is ignored",
                              d.rule);
            if (rc != TENET_OK)
                return rc;
            continue;
        }
        if (off)
            drop[i - first] = true;
        else
            c->r->diags.v[i].severity = (tenet_severity)v->severity;
    }
    return TENET_OK;
}

int tn_suppress_apply(const tn_suppress_in *in, const char *today) {
    tenet_report *r = in->report;
    if (!r || in->file_index >= r->files.n)
        return TENET_EINVAL;
    sctx c;
    memset(&c, 0, sizeof c);
    c.in = in;
    c.today = today;
    c.r = r;
    c.match_path = strip_dot_slash(in->opts->match_path ? in->opts->match_path : in->file);
    if (!c.match_path)
        c.match_path = "";
    size_t first = r->files.v[in->file_index].first_diag;
    size_t last = r->diags.n;
    int rc = TENET_OK;
    if (in->scan_comments && in->text && in->len)
        rc = scan_directives(&c);
    if (rc == TENET_OK && (c.ndirs || in->nignores || in->opts->suppression_count))
        rc = suppress_pass(&c, first, last);
    if (rc != TENET_OK || in->opts->severity_override_count == 0)
        return rc;
    /* The notes added above already carry their override; applying it again
     * changes nothing, so the pass may simply cover them too. */
    last = r->diags.n;
    bool *drop = tn_arena_calloc(in->arena, last - first + 1, sizeof *drop);
    if (!drop)
        return TENET_ENOMEM;
    if ((rc = severity_pass(&c, first, last, drop)) != TENET_OK)
        return rc;
    size_t out = first;
    for (size_t i = first; i < r->diags.n; i++)
        if (i >= last || !drop[i - first])
            r->diags.v[out++] = r->diags.v[i];
    r->diags.n = out;
    /* The merge index points at old positions; nothing is added after this. */
    tn_strmap_free(&r->dedupe);
    return TENET_OK;
}
