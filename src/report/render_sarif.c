/* The SARIF 2.1.0 renderer: one run whose driver lists every rule of the
 * ruleset (when the caller passes it) plus the engine notes that occur, one
 * result per diagnostic (suppressed ones carry `suppressions`), and input
 * errors as tool execution notifications. Columns count code points, as
 * tenet's do, so the run says columnKind "unicodeCodePoints". */
#include "report/jsonw.h"
#include "report/render_util.h"
#include "report/report.h"
#include "report/uri.h"
#include "rules/ir.h"
#include "tenet/version.h"
#include "util/buf.h"
#include "util/strmap.h"
#include "util/vec.h"

#include <stdint.h>
#include <string.h>

/* Where the built-in rules are documented; helpUri links into it. */
#ifndef TENET_HOMEPAGE_URL
#define TENET_HOMEPAGE_URL "https://tenet.dev"
#endif
#define RULES_DOC_URL TENET_HOMEPAGE_URL "/rules"
#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SRCROOT "%SRCROOT%"

typedef struct sarif_rule {
    const char *id;
    const tn_rule *rule;  /* from the ruleset, or NULL */
    const tn_diag *first; /* first diagnostic with this id, or NULL */
} sarif_rule;

typedef struct sarif_ctx {
    const tenet_report *r;
    const tenet_render_options *o;
    tn_jsonw w;
    TN_VEC(sarif_rule) rules;
    tn_strmap index; /* rule id → index + 1 */
    bool oom;
} sarif_ctx;

static const char *level_of(tenet_severity s) {
    switch (s) {
    case TENET_SEVERITY_ERROR: return "error";
    case TENET_SEVERITY_WARNING: return "warning";
    default: return "note";
    }
}

static void add_rule(sarif_ctx *c, const char *id, const tn_rule *rule, const tn_diag *first) {
    if (!id || tn_strmap_get(&c->index, id, strlen(id)))
        return;
    sarif_rule e = {id, rule, first};
    if (TN_VEC_PUSH(c->rules, e) < 0 ||
        tn_strmap_put(&c->index, id, strlen(id), (void *)(uintptr_t)c->rules.n) < 0)
        c->oom = true;
}

/* The driver's rules: the ruleset's in order, then any other id that a
 * diagnostic names (engine notes, or every rule when there is no ruleset). */
static void collect_rules(sarif_ctx *c) {
    const tenet_ruleset *rs = c->o->ruleset;
    for (size_t i = 0; rs && i < rs->nrules; i++)
        add_rule(c, rs->rules[i].id, &rs->rules[i], NULL);
    for (size_t i = 0; i < c->r->diags.n; i++) {
        const tn_diag *d = &c->r->diags.v[i];
        if (!d->rule)
            continue;
        uintptr_t at = (uintptr_t)tn_strmap_get(&c->index, d->rule, strlen(d->rule));
        if (!at)
            add_rule(c, d->rule, NULL, d);
        else if (!c->rules.v[at - 1].first)
            c->rules.v[at - 1].first = d;
    }
}

/* "Storage encryption needs 3.2.6" → "StorageEncryptionNeeds326": the
 * one-identifier friendly name SARIF suggests. */
static void put_pascal(tn_buf *b, const char *s) {
    bool start = true;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum) {
            start = true;
            continue;
        }
        if (start && ch >= 'a' && ch <= 'z')
            ch = (unsigned char)(ch - 'a' + 'A');
        tn_buf_putc(b, (char)ch);
        start = false;
    }
}

/* "duplicate-key" → "Duplicate key": a title for engine notes. */
static void put_code_title(tn_buf *b, const char *code) {
    for (const char *p = code; *p; p++) {
        char ch = *p == '-' || *p == '_' ? ' ' : *p;
        if (p == code && ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        tn_buf_putc(b, ch);
    }
}

/* Case-insensitive ASCII equality. */
static bool same_letters(const char *a, const char *b) {
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

static bool is_builtin_pack(const tn_pack *p) {
    const char *name;
    for (size_t i = 0; p && p->file && tenet_builtin_pack(i, &name, NULL); i++)
        if (strcmp(name, p->file) == 0)
            return true;
    return false;
}

/* Writes "help": {"text": ..., "markdown": ...}: the fix, the source and its
 * words, or `fallback` (the description) when the rule has none of them
 * (code scanning requires help on every rule). */
static void put_help(sarif_ctx *c, const char *fix, const char *source, const char *quote,
                     const char *fallback) {
    tn_jsonw *w = &c->w;
    tn_buf text = {0}, md = {0};
    if (fix) {
        tn_buf_printf(&text, "Fix: %s", fix);
        tn_buf_printf(&md, "**Fix:** %s", fix);
    }
    if (source) {
        tn_buf_printf(&text, "%sSource: %s", text.size ? "\n\n" : "", source);
        tn_buf_printf(&md, "%s**Source:** %s", md.size ? "\n\n" : "", source);
    }
    if (quote) {
        tn_buf_printf(&text, "%s\"%s\"", text.size ? (source ? "\n" : "\n\n") : "", quote);
        tn_buf_puts(&md, md.size ? "\n\n> " : "> ");
        for (const char *p = quote; *p; p++) { /* keep every line in the quote */
            tn_buf_putc(&md, *p);
            if (*p == '\n' && p[1])
                tn_buf_puts(&md, "> ");
        }
    }
    if (!text.size) {
        tn_buf_puts(&text, fallback);
        tn_buf_puts(&md, fallback);
    }
    tn_buf_putc(&text, '\0');
    tn_buf_putc(&md, '\0');
    if (text.failed || md.failed) {
        c->oom = true;
    } else {
        tn_jsonw_key(w, "help");
        tn_jsonw_object(w);
        tn_jsonw_kstr(w, "text", text.ptr);
        tn_jsonw_kstr(w, "markdown", md.ptr);
        tn_jsonw_end_object(w);
    }
    tn_buf_free(&text);
    tn_buf_free(&md);
}

static void put_message(tn_jsonw *w, const char *key, const char *text) {
    tn_jsonw_key(w, key);
    tn_jsonw_object(w);
    tn_jsonw_kstr(w, "text", text ? text : "");
    tn_jsonw_end_object(w);
}

/* A string member built in a scratch buffer. */
static void put_built(sarif_ctx *c, const char *key, tn_buf *b) {
    tn_buf_putc(b, '\0');
    if (b->failed)
        c->oom = true;
    else
        tn_jsonw_kstr(&c->w, key, b->ptr);
    tn_buf_free(b);
}

static void put_rule(sarif_ctx *c, const sarif_rule *e) {
    tn_jsonw *w = &c->w;
    const tn_rule *ru = e->rule;
    const tn_diag *d = e->first;
    const tenet_ruleset *rs = c->o->ruleset;
    const tn_pack *pack = ru && rs && ru->pack < rs->npacks ? &rs->packs[ru->pack] : NULL;
    bool engine = !ru && (!d || !d->verdict || strcmp(d->verdict, "note") == 0);
    tn_buf b = {0};
    tn_jsonw_object(w);
    tn_jsonw_kstr(w, "id", e->id);
    /* The friendly name comes from the title, or from an engine code's words;
     * a rule known only by its id gets none. */
    if (ru && ru->title)
        put_pascal(&b, ru->title);
    else if (engine)
        put_pascal(&b, e->id);
    tn_buf_putc(&b, '\0');
    /* SARIF wants a name that differs from the id (even in case), or none. */
    if (b.failed) {
        c->oom = true;
    } else if (b.size > 1 && !same_letters(b.ptr, e->id)) {
        b.size--;
        put_built(c, "name", &b);
    }
    tn_buf_free(&b);

    tn_buf title = {0};
    if (ru && ru->title)
        tn_buf_puts(&title, ru->title);
    else if (!engine)
        tn_buf_puts(&title, e->id); /* a rule known only by its id */
    else
        put_code_title(&title, e->id);
    tn_buf_putc(&title, '\0');
    if (title.failed) {
        c->oom = true;
        tn_buf_free(&title);
        tn_jsonw_end_object(w);
        return;
    }
    const char *full = ru && ru->why ? ru->why : title.ptr;
    put_message(w, "shortDescription", title.ptr);
    put_message(w, "fullDescription", full);
    if (ru)
        put_help(c, ru->fix, ru->source, ru->quote, full);
    else
        put_help(c, d ? d->fix : NULL, d ? d->source : NULL, NULL, full);
    tn_buf_free(&title);
    if (ru && is_builtin_pack(pack)) {
        tn_buf_puts(&b, RULES_DOC_URL "#");
        for (const char *p = e->id; *p; p++) /* the README's anchor: lower case */
            tn_buf_putc(&b, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
        put_built(c, "helpUri", &b);
    }
    tn_jsonw_key(w, "defaultConfiguration");
    tn_jsonw_object(w);
    tn_jsonw_kstr(w, "level", level_of(ru ? ru->severity : d ? d->severity : TENET_SEVERITY_WARNING));
    tn_jsonw_end_object(w);

    tn_jsonw_key(w, "properties");
    tn_jsonw_object(w);
    const char *kind = ru && ru->kind ? ru->kind->name : NULL;
    tn_jsonw_kstr(w, "source", ru ? ru->source : d ? d->source : NULL);
    tn_jsonw_kstr(w, "kind", kind);
    tn_jsonw_kstr(w, "pack", pack ? pack->name : NULL);
    tn_jsonw_kstr(w, "operations", ru ? ru->ops_text : NULL);
    if (ru) {
        tn_jsonw_key(w, "suppressible");
        tn_jsonw_bool(w, ru->suppressible);
    }
    tn_jsonw_key(w, "tags");
    tn_jsonw_array(w);
    if (ru) {
        if (kind)
            tn_jsonw_str(w, kind);
        if (pack && pack->name)
            tn_jsonw_str(w, pack->name);
    } else if (engine) {
        tn_jsonw_str(w, "engine");
    }
    tn_jsonw_end_array(w);
    tn_jsonw_end_object(w);
    tn_jsonw_end_object(w);
}

static void put_driver(sarif_ctx *c) {
    tn_jsonw *w = &c->w;
    tn_jsonw_key(w, "tool");
    tn_jsonw_object(w);
    tn_jsonw_key(w, "driver");
    tn_jsonw_object(w);
    tn_jsonw_kstr(w, "name", "tenet");
    tn_jsonw_kstr(w, "version", tenet_version());
    tn_jsonw_kstr(w, "semanticVersion", tenet_version());
    tn_jsonw_kstr(w, "informationUri", TENET_HOMEPAGE_URL);
    tn_jsonw_key(w, "rules");
    tn_jsonw_array(w);
    for (size_t i = 0; i < c->rules.n; i++)
        put_rule(c, &c->rules.v[i]);
    tn_jsonw_end_array(w);
    tn_jsonw_end_object(w);
    tn_jsonw_end_object(w);
}

/* {"physicalLocation": {...}} for a position in file `fi` (line 0: none). */
static void put_physical(sarif_ctx *c, size_t fi, uint32_t line, uint32_t col, uint32_t end_line,
                         uint32_t end_col) {
    tn_jsonw *w = &c->w;
    tn_jsonw_key(w, "physicalLocation");
    tn_jsonw_object(w);
    tn_jsonw_key(w, "artifactLocation");
    tn_jsonw_object(w);
    tn_buf uri = {0};
    bool relative;
    tn_uri_for_file(&uri, tn_report_file_name(c->r, fi), c->o->base_dir, &relative);
    put_built(c, "uri", &uri);
    if (relative)
        tn_jsonw_kstr(w, "uriBaseId", SRCROOT);
    tn_jsonw_end_object(w);
    if (line) {
        tn_jsonw_key(w, "region");
        tn_jsonw_object(w);
        tn_jsonw_kuint(w, "startLine", line);
        if (col)
            tn_jsonw_kuint(w, "startColumn", col);
        /* A span's end is one past its last character, as SARIF's endColumn. */
        if (end_line >= line && end_col && (end_line > line || end_col > col)) {
            tn_jsonw_kuint(w, "endLine", end_line);
            tn_jsonw_kuint(w, "endColumn", end_col);
        }
        tn_jsonw_end_object(w);
    }
    tn_jsonw_end_object(w);
}

/* ["a", "b"] from "a,b". */
static void put_list(sarif_ctx *c, const char *key, const char *list) {
    tn_jsonw *w = &c->w;
    tn_jsonw_key(w, key);
    tn_jsonw_array(w);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        tn_jsonw_item(w);
        tn_buf item = {0};
        tn_buf_put(&item, p, len);
        tn_buf_putc(&item, '\0');
        if (item.failed)
            c->oom = true;
        else
            tn_buf_put_json_string(w->out, item.ptr);
        tn_buf_free(&item);
        p = comma ? comma + 1 : NULL;
    }
    tn_jsonw_end_array(w);
}

static void put_suppressions(sarif_ctx *c, const tn_diag *d) {
    tn_jsonw *w = &c->w;
    tn_jsonw_key(w, "suppressions");
    tn_jsonw_array(w);
    if (d->suppressed) {
        const char *mech, *reason;
        size_t mlen;
        tn_suppression_split(d->suppression, &mech, &mlen, &reason);
        bool external = mlen == 6 && memcmp(mech, "config", 6) == 0;
        tn_jsonw_object(w);
        tn_jsonw_kstr(w, "kind", external ? "external" : "inSource");
        tn_jsonw_kstr(w, "status", "accepted");
        tn_jsonw_kstr(w, "justification", reason);
        if (mlen) {
            tn_buf m = {0};
            tn_buf_put(&m, mech, mlen);
            tn_jsonw_key(w, "properties");
            tn_jsonw_object(w);
            put_built(c, "mechanism", &m);
            tn_jsonw_end_object(w);
        }
        tn_jsonw_end_object(w);
    }
    tn_jsonw_end_array(w);
}

static void put_result(sarif_ctx *c, const tn_diag *d) {
    tn_jsonw *w = &c->w;
    const char *verdict = d->verdict ? d->verdict : "fail";
    bool unknown = strcmp(verdict, "unknown") == 0;
    bool informational = strcmp(verdict, "note") == 0 && d->severity == TENET_SEVERITY_INFO;
    tn_jsonw_object(w);
    if (d->rule) {
        tn_jsonw_kstr(w, "ruleId", d->rule);
        uintptr_t at = (uintptr_t)tn_strmap_get(&c->index, d->rule, strlen(d->rule));
        if (at)
            tn_jsonw_kuint(w, "ruleIndex", at - 1);
    }
    /* SARIF: a result that is not a failure has level "none". */
    if (unknown || informational) {
        tn_jsonw_kstr(w, "kind", unknown ? "open" : "informational");
        tn_jsonw_kstr(w, "level", "none");
    } else {
        tn_jsonw_kstr(w, "level", level_of(d->severity));
    }
    if (unknown && d->reason && *d->reason) {
        tn_buf m = {0};
        tn_buf_printf(&m, "%s: %s", d->message ? d->message : "could not verify", d->reason);
        tn_buf_putc(&m, '\0');
        if (m.failed)
            c->oom = true;
        else
            put_message(w, "message", m.ptr);
        tn_buf_free(&m);
    } else {
        put_message(w, "message", d->message);
    }

    tn_jsonw_key(w, "locations");
    tn_jsonw_array(w);
    tn_jsonw_object(w);
    bool at = tn_diag_positioned(d);
    put_physical(c, d->file_index, at ? d->span.line : 0, at ? d->span.col : 0,
                 at ? d->span.end_line : 0, at ? d->span.end_col : 0);
    if (d->subject || d->path) {
        tn_jsonw_key(w, "logicalLocations");
        tn_jsonw_array(w);
        tn_jsonw_object(w);
        tn_jsonw_kstr(w, "name", d->subject);
        tn_jsonw_kstr(w, "fullyQualifiedName", d->path);
        tn_jsonw_end_object(w);
        tn_jsonw_end_array(w);
    }
    tn_jsonw_end_object(w);
    tn_jsonw_end_array(w);

    put_suppressions(c, d);

    tn_jsonw_key(w, "properties");
    tn_jsonw_object(w);
    tn_jsonw_kstr(w, "verdict", verdict);
    tn_jsonw_kstr(w, "severity", tn_severity_name(d->severity));
    tn_jsonw_kstr(w, "fix", d->fix);
    tn_jsonw_kstr(w, "reason", d->reason);
    tn_jsonw_kstr(w, "scenario", d->scenario);
    tn_jsonw_kstr(w, "region", d->region);
    if (d->regions && *d->regions)
        put_list(c, "regions", d->regions);
    tn_jsonw_kstr(w, "subject", d->subject);
    tn_jsonw_kstr(w, "kind", d->kind);
    tn_jsonw_kstr(w, "operation", d->operation);
    tn_jsonw_kstr(w, "path", d->path);
    tn_jsonw_kstr(w, "source", d->source);
    tn_jsonw_end_object(w);
    tn_jsonw_end_object(w);
}

static void put_invocation(sarif_ctx *c) {
    tn_jsonw *w = &c->w;
    const tenet_report *r = c->r;
    tn_jsonw_key(w, "invocations");
    tn_jsonw_array(w);
    tn_jsonw_object(w);
    /* An input that could not be read is an error condition of the run. */
    tn_jsonw_key(w, "executionSuccessful");
    tn_jsonw_bool(w, r->errors.n == 0);
    if (r->errors.n) {
        tn_jsonw_key(w, "toolExecutionNotifications");
        tn_jsonw_array(w);
        for (size_t i = 0; i < r->errors.n; i++) {
            const tn_input_error *e = &r->errors.v[i];
            tn_jsonw_object(w);
            tn_jsonw_key(w, "locations");
            tn_jsonw_array(w);
            tn_jsonw_object(w);
            put_physical(c, e->file_index, e->line, e->column, 0, 0);
            tn_jsonw_end_object(w);
            tn_jsonw_end_array(w);
            put_message(w, "message", e->message);
            tn_jsonw_kstr(w, "level", "error");
            tn_jsonw_key(w, "descriptor");
            tn_jsonw_object(w);
            tn_jsonw_kstr(w, "id", tn_status_token(e->code));
            tn_jsonw_end_object(w);
            tn_jsonw_end_object(w);
        }
        tn_jsonw_end_array(w);
    }
    tn_jsonw_end_object(w);
    tn_jsonw_end_array(w);
}

int tn_render_sarif(const tenet_report *r, const tenet_render_options *o, tn_buf *out) {
    sarif_ctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.o = o;
    tn_jsonw_init(&c.w, out);
    collect_rules(&c);

    tn_jsonw *w = &c.w;
    tn_jsonw_object(w);
    tn_jsonw_kstr(w, "$schema", SARIF_SCHEMA);
    tn_jsonw_kstr(w, "version", "2.1.0");
    tn_jsonw_key(w, "runs");
    tn_jsonw_array(w);
    tn_jsonw_object(w);
    put_driver(&c);
    put_invocation(&c);
    if (o->base_dir) {
        tn_buf base = {0};
        if (tn_uri_for_dir(&base, o->base_dir)) {
            tn_jsonw_key(w, "originalUriBaseIds");
            tn_jsonw_object(w);
            tn_jsonw_key(w, SRCROOT);
            tn_jsonw_object(w);
            put_built(&c, "uri", &base);
            tn_jsonw_end_object(w);
            tn_jsonw_end_object(w);
        }
        tn_buf_free(&base);
    }
    tn_jsonw_kstr(w, "columnKind", "unicodeCodePoints");
    tn_jsonw_key(w, "results");
    tn_jsonw_array(w);
    for (size_t i = 0; i < r->diags.n; i++)
        put_result(&c, &r->diags.v[i]);
    tn_jsonw_end_array(w);
    tn_jsonw_end_object(w);
    tn_jsonw_end_array(w);
    tn_jsonw_end_object(w);
    tn_buf_putc(out, '\n');

    TN_VEC_FREE(c.rules);
    tn_strmap_free(&c.index);
    return c.oom || tn_buf_failed(out) ? TENET_ENOMEM : TENET_OK;
}
