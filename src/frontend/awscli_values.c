/* Values of AWS CLI arguments: plain words, JSON (`'{"A": 1}'`), the CLI's
 * shorthand syntax (`Key=a,Value=b`, `Zones=a,b`, `[..]`, `{..}`),
 * file:// contents, and --cli-input-json / --cli-input-yaml. Like the CLI,
 * JSON and shorthand apply only to structured parameters; the CLI knows
 * which those are from the service model, tenet from the field's type. */
#define _POSIX_C_SOURCE 200809L /* open, fstat, fdopen */
#include "frontend/awscli.h"
#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE (16u << 20)
#define MAX_DEPTH 64

tn_span tn_cli_span(const tn_cli_ctx *c, const tn_sw_word *w, size_t a, size_t b) {
    if (w->verbatim >= 0 && a <= b && b <= w->len)
        return tn_textpos_span(c->tp, (size_t)w->verbatim + a, (size_t)w->verbatim + b);
    return tn_textpos_span(c->tp, w->off, w->end);
}

static void set_unknown(tn_value *v, const char *reason) {
    v->kind = TN_V_UNKNOWN;
    v->reason = reason;
    v->text = NULL;
    v->len = 0;
}

/* ---- shorthand ---- */

typedef struct sh {
    tn_cli_ctx *c;
    const tn_sw_word *w;
    const char *s;
    size_t n, i;
    const char *err;
    int depth;
} sh;

static bool sblank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void ws(sh *p) {
    while (p->i < p->n && sblank(p->s[p->i]))
        p->i++;
}

static bool keychar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("-_.#/:@", c) != NULL);
}

/* Whether a `key=` starts at i (blanks allowed around the key). */
static bool key_ahead(const sh *p, size_t i) {
    while (i < p->n && sblank(p->s[i]))
        i++;
    size_t k = i;
    while (k < p->n && keychar(p->s[k]))
        k++;
    while (k < p->n && sblank(p->s[k]))
        k++;
    return k > i && k < p->n && p->s[k] == '=';
}

static void leaf(sh *p, tn_value *v, const char *text, size_t len, size_t a, size_t b,
                 const char *path) {
    memset(v, 0, sizeof *v);
    v->kind = TN_V_STR;
    v->text = text;
    v->len = len;
    v->path = path;
    v->has_span = p->w != NULL;
    if (p->w)
        v->span = tn_cli_span(p->c, p->w, a, b);
}

static int fail(sh *p, const char *msg) {
    if (!p->err)
        p->err = tn_arena_sprintf(p->c->arena, "%s at character %zu", msg, p->i + 1);
    return TENET_EPARSE;
}

/* Appends v to a growing array of values (and key to keys when given). */
static int append(tn_arena *a, tn_value **vals, const char ***keys, size_t *n, size_t *cap,
                  const tn_value *v, const char *key) {
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        tn_value *nv = tn_arena_alloc(a, nc * sizeof *nv);
        const char **nk = keys ? tn_arena_alloc(a, nc * sizeof *nk) : NULL;
        if (!nv || (keys && !nk))
            return TENET_ENOMEM;
        if (*n) {
            memcpy(nv, *vals, *n * sizeof *nv);
            if (keys)
                memcpy(nk, *keys, *n * sizeof *nk);
        }
        *vals = nv;
        if (keys)
            *keys = nk;
        *cap = nc;
    }
    (*vals)[*n] = *v;
    if (keys)
        (*keys)[*n] = key;
    (*n)++;
    return TENET_OK;
}

static int keyvals(sh *p, char close, const char *path, tn_value *out);
static int explicit_list(sh *p, const char *path, tn_value *out);

/* One value: a quoted or unquoted scalar, [list] or {hash}. */
static int one_value(sh *p, const char *path, tn_value *out) {
    ws(p);
    if (p->i < p->n && p->s[p->i] == '{') {
        p->i++;
        return keyvals(p, '}', path, out);
    }
    if (p->i < p->n && p->s[p->i] == '[')
        return explicit_list(p, path, out);
    size_t a = p->i;
    if (p->i < p->n && (p->s[p->i] == '\'' || p->s[p->i] == '"')) {
        char q = p->s[p->i++];
        size_t j = p->i;
        while (j < p->n && p->s[j] != q)
            j += p->s[j] == '\\' && j + 1 < p->n && p->s[j + 1] == q ? 2 : 1;
        if (j >= p->n)
            return fail(p, "unterminated quote");
        char *buf = tn_arena_alloc(p->c->arena, j - p->i + 1);
        if (!buf)
            return TENET_ENOMEM;
        size_t k = 0;
        for (; p->i < j; p->i++) {
            if (p->s[p->i] == '\\' && p->i + 1 < j && p->s[p->i + 1] == q)
                p->i++;
            buf[k++] = p->s[p->i];
        }
        buf[k] = '\0';
        p->i = j + 1;
        leaf(p, out, buf, k, a, p->i, path);
        return TENET_OK;
    }
    while (p->i < p->n && !strchr(",]}", p->s[p->i]))
        p->i++;
    size_t b = p->i;
    while (b > a && sblank(p->s[b - 1]))
        b--;
    char *text = tn_arena_strndup(p->c->arena, p->s + a, b - a);
    if (!text)
        return TENET_ENOMEM;
    leaf(p, out, text, b - a, a, b, path);
    return TENET_OK;
}

static int explicit_list(sh *p, const char *path, tn_value *out) {
    size_t a = p->i++;
    if (++p->depth > MAX_DEPTH)
        return fail(p, "nested too deeply");
    tn_value *vals = NULL;
    size_t n = 0, cap = 0;
    ws(p);
    if (p->i < p->n && p->s[p->i] == ']') {
        p->i++;
    } else {
        for (;;) {
            tn_value v;
            const char *ip = tn_arena_sprintf(p->c->arena, "%s[%zu]", path, n);
            if (!ip)
                return TENET_ENOMEM;
            int rc = one_value(p, ip, &v);
            if (rc != TENET_OK)
                return rc;
            if (append(p->c->arena, &vals, NULL, &n, &cap, &v, NULL) != TENET_OK)
                return TENET_ENOMEM;
            ws(p);
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (p->i < p->n && p->s[p->i] == ']') {
                p->i++;
                break;
            }
            return fail(p, "expected ',' or ']'");
        }
    }
    p->depth--;
    memset(out, 0, sizeof *out);
    out->kind = TN_V_LIST;
    out->u.list.items = vals;
    out->u.list.n = n;
    out->path = path;
    out->has_span = p->w != NULL;
    if (p->w)
        out->span = tn_cli_span(p->c, p->w, a, p->i);
    return TENET_OK;
}

/* What follows `key=`: [list], {hash}, or comma-separated values (several
 * make a list, up to the next `key=`). */
static int values(sh *p, const char *path, tn_value *out) {
    ws(p);
    if (p->i < p->n && (p->s[p->i] == '[' || p->s[p->i] == '{'))
        return one_value(p, path, out);
    size_t a = p->i;
    tn_value first;
    int rc = one_value(p, path, &first);
    if (rc != TENET_OK)
        return rc;
    if (!(p->i < p->n && p->s[p->i] == ',' && p->i + 1 < p->n && !key_ahead(p, p->i + 1))) {
        *out = first;
        return TENET_OK;
    }
    tn_value *vals = NULL;
    size_t n = 0, cap = 0;
    first.path = tn_arena_sprintf(p->c->arena, "%s[0]", path);
    if (!first.path || append(p->c->arena, &vals, NULL, &n, &cap, &first, NULL) != TENET_OK)
        return TENET_ENOMEM;
    while (p->i < p->n && p->s[p->i] == ',' && p->i + 1 < p->n && !key_ahead(p, p->i + 1)) {
        p->i++;
        tn_value v;
        const char *ip = tn_arena_sprintf(p->c->arena, "%s[%zu]", path, n);
        if (!ip)
            return TENET_ENOMEM;
        if ((rc = one_value(p, ip, &v)) != TENET_OK)
            return rc;
        if (append(p->c->arena, &vals, NULL, &n, &cap, &v, NULL) != TENET_OK)
            return TENET_ENOMEM;
    }
    memset(out, 0, sizeof *out);
    out->kind = TN_V_LIST;
    out->u.list.items = vals;
    out->u.list.n = n;
    out->path = path;
    out->has_span = p->w != NULL;
    if (p->w)
        out->span = tn_cli_span(p->c, p->w, a, p->i);
    return TENET_OK;
}

static int keyvals(sh *p, char close, const char *path, tn_value *out) {
    size_t a = p->i;
    if (++p->depth > MAX_DEPTH)
        return fail(p, "nested too deeply");
    tn_value *vals = NULL;
    const char **keys = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        ws(p);
        if (close && n == 0 && p->i < p->n && p->s[p->i] == close)
            break;
        size_t k0 = p->i;
        while (p->i < p->n && keychar(p->s[p->i]))
            p->i++;
        if (p->i == k0)
            return fail(p, "expected a key");
        char *key = tn_arena_strndup(p->c->arena, p->s + k0, p->i - k0);
        const char *kp =
            tn_arena_sprintf(p->c->arena, "%s%s%s", path, *path ? "." : "", key ? key : "");
        if (!key || !kp)
            return TENET_ENOMEM;
        ws(p);
        if (p->i >= p->n || p->s[p->i] != '=')
            return fail(p, "expected '=' after a key");
        p->i++;
        tn_value v;
        int rc = values(p, kp, &v);
        if (rc != TENET_OK)
            return rc;
        if (append(p->c->arena, &vals, &keys, &n, &cap, &v, key) != TENET_OK)
            return TENET_ENOMEM;
        ws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        break;
    }
    if (close) {
        if (p->i >= p->n || p->s[p->i] != close)
            return fail(p, "expected '}'");
        p->i++;
    }
    p->depth--;
    memset(out, 0, sizeof *out);
    out->kind = TN_V_MAP;
    out->u.map.keys = keys;
    out->u.map.vals = vals;
    out->u.map.n = n;
    out->path = path;
    out->has_span = p->w != NULL;
    if (p->w)
        out->span = tn_cli_span(p->c, p->w, a, p->i);
    return TENET_OK;
}

int tn_cli_shorthand(tn_cli_ctx *c, const tn_sw_word *w, const char *s, size_t len,
                     const char *path, tn_value *out, const char **err) {
    sh p;
    memset(&p, 0, sizeof p);
    p.c = c;
    p.w = w;
    p.s = s;
    p.n = len;
    *err = NULL;
    int rc = keyvals(&p, '\0', path ? path : "", out);
    if (rc == TENET_OK) {
        ws(&p);
        if (p.i < p.n)
            rc = fail(&p, "unexpected text");
    }
    if (rc == TENET_EPARSE)
        *err = p.err ? p.err : "malformed shorthand syntax";
    return rc;
}

/* ---- JSON and files ---- */

/* Reads `rel` (a file:// path) relative to the input file's directory. */
static char *read_file(tn_cli_ctx *c, const char *rel, size_t *len, const char **full,
                       const char **why) {
    const char *slash = c->file ? strrchr(c->file, '/') : NULL;
    *full = rel[0] == '/' || !slash
                ? tn_arena_strdup(c->arena, rel)
                : tn_arena_sprintf(c->arena, "%.*s/%s", (int)(slash - c->file), c->file, rel);
    *why = NULL;
    if (!*full)
        return NULL;
    /* Only regular files: the command comes from the input, and a FIFO or a
     * terminal named there would block the check for ever. O_NONBLOCK keeps
     * even the open of a FIFO from waiting for a writer. */
    int fd = open(*full, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *why = tn_arena_strdup(c->arena, strerror(errno));
        return NULL;
    }
    struct stat st;
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (!regular) {
        *why = "not a regular file";
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        *why = tn_arena_strdup(c->arena, strerror(errno));
        close(fd);
        return NULL;
    }
    tn_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.size <= MAX_FILE)
        tn_buf_put(&b, chunk, n);
    bool err = ferror(f) != 0;
    fclose(f);
    char *out = NULL;
    if (err || b.size > MAX_FILE)
        *why = err ? "read error" : "larger than 16 MiB";
    else if (!tn_buf_failed(&b) && (out = tn_arena_strndup(c->arena, b.ptr ? b.ptr : "", b.size)))
        *len = b.size;
    tn_buf_free(&b);
    return out;
}

/* Moves every span of v: inline text at input offset `base`, a file, or
 * (assembled words) the whole word. */
static void place(const tn_cli_ctx *c, const tn_sw_word *w, const char *file, long base,
                  tn_value *v) {
    if (file) {
        v->file = file;
    } else if (v->has_span) {
        v->span = base >= 0 ? tn_textpos_span(c->tp, (size_t)base + v->span.off,
                                              (size_t)base + v->span.end_off)
                            : tn_textpos_span(c->tp, w->off, w->end);
    }
    if (v->kind == TN_V_LIST)
        for (size_t i = 0; i < v->u.list.n; i++)
            place(c, w, file, base, &v->u.list.items[i]);
    else if (v->kind == TN_V_MAP)
        for (size_t i = 0; i < v->u.map.n; i++)
            place(c, w, file, base, &v->u.map.vals[i]);
}

/* Parses text as JSON (or YAML); a failure is a warning note and an
 * unknown value. `file` is the file the text came from, or NULL (inline). */
static int structured(tn_cli_ctx *c, const tn_sw_word *w, const char *flag, const char *text,
                      size_t len, bool yaml, const char *file, const char *path, tn_value *out) {
    tn_doc *doc = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rc = yaml ? tn_doc_parse_yaml(&doc, text, len, file ? file : flag, NULL, &err)
                  : tn_doc_parse_json(&doc, text, len, file ? file : flag, NULL, &err);
    if (rc == TENET_ENOMEM)
        return rc;
    memset(out, 0, sizeof *out);
    out->path = path;
    out->has_span = true;
    out->span = tn_textpos_span(c->tp, w->off, w->end);
    if (rc != TENET_OK || !doc->root) {
        tn_doc_free(doc);
        tn_span sp = out->span;
        const char *what = yaml ? "YAML" : "JSON";
        set_unknown(out, tn_arena_sprintf(c->arena, "%s is not valid %s", flag, what));
        if (!out->reason)
            return TENET_ENOMEM;
        if (rc != TENET_OK)
            return tn_request_add_note(c->req, c->arena, TENET_SEVERITY_WARNING, "invalid-value",
                                       &sp, "the value of %s is not valid %s: %u:%u: %s", flag,
                                       what, err.line, err.column, err.message);
        return tn_request_add_note(c->req, c->arena, TENET_SEVERITY_WARNING, "invalid-value", &sp,
                                   "the value of %s is empty", flag);
    }
    rc = tn_value_from_node(out, doc->root, path, c->arena);
    if (rc == TENET_OK)
        rc = tn_request_own_value(out, c->arena);
    tn_doc_free(doc);
    if (rc != TENET_OK)
        return rc;
    place(c, w, file, file ? -1 : w->verbatim, out);
    return TENET_OK;
}

static const char *skip_blanks(const char *s) {
    while (*s && sblank(*s))
        s++;
    return s;
}

int tn_cli_word_value(tn_cli_ctx *c, const tn_sw_word *w, const char *flag, const char *path,
                      tn_ftype ft, tn_value *out) {
    memset(out, 0, sizeof *out);
    out->path = path;
    out->has_span = true;
    out->span = tn_textpos_span(c->tp, w->off, w->end);
    out->provenance = flag;
    if (w->expands) {
        set_unknown(out, tn_arena_sprintf(c->arena, "%s is set by the shell (%s)", flag, w->text));
        return out->reason ? TENET_OK : TENET_ENOMEM;
    }
    const char *text = w->text;
    size_t len = w->len;
    const char *file = NULL;
    bool structured_ok = ft == TN_T_LIST || ft == TN_T_MAP || ft == TN_T_ANY;
    if (strncmp(text, "fileb://", 8) == 0) {
        set_unknown(out, tn_arena_sprintf(c->arena, "%s is read from a binary file", flag));
        return out->reason ? TENET_OK : TENET_ENOMEM;
    }
    if (strncmp(text, "file://", 7) == 0) {
        const char *why;
        text = read_file(c, text + 7, &len, &file, &why);
        if (!text) {
            if (!why || !file)
                return TENET_ENOMEM;
            tn_span sp = out->span;
            set_unknown(out, tn_arena_sprintf(c->arena, "cannot read %s", w->text));
            if (!out->reason)
                return TENET_ENOMEM;
            return tn_request_add_note(c->req, c->arena, TENET_SEVERITY_WARNING, "unreadable-file",
                                       &sp, "cannot read %s for %s: %s", w->text, flag, why);
        }
    }
    const char *lead = skip_blanks(text);
    if (structured_ok && (*lead == '[' || *lead == '{'))
        return structured(c, w, flag, text, len, false, file, path, out);
    if (structured_ok && !file) {
        sh probe = {c, w, text, len, 0, NULL, 0};
        if (key_ahead(&probe, 0)) {
            const char *err;
            int rc = tn_cli_shorthand(c, w, text, len, path, out, &err);
            if (rc != TENET_EPARSE)
                return rc;
            tn_span sp = tn_textpos_span(c->tp, w->off, w->end);
            memset(out, 0, sizeof *out);
            out->path = path;
            out->has_span = true;
            out->span = sp;
            set_unknown(out, tn_arena_sprintf(c->arena, "%s is not valid shorthand syntax", flag));
            if (!out->reason)
                return TENET_ENOMEM;
            return tn_request_add_note(c->req, c->arena, TENET_SEVERITY_WARNING, "invalid-value",
                                       &sp, "the value of %s is not valid shorthand syntax: %s",
                                       flag, err);
        }
    }
    out->kind = TN_V_STR;
    out->text = file ? text : w->text;
    out->len = len;
    if (file) {
        out->file = file;
        out->has_span = false;
    }
    return TENET_OK;
}

int tn_cli_input(tn_cli_ctx *c, const tn_sw_word *w, bool yaml, tn_value *out) {
    const char *flag = yaml ? "--cli-input-yaml" : "--cli-input-json";
    const char *text = w->text, *file = NULL;
    size_t len = w->len;
    tn_span sp = tn_textpos_span(c->tp, w->off, w->end);
    if (w->expands)
        return tn_request_add_note(c->req, c->arena, TENET_SEVERITY_INFO, "unknown-input", &sp,
                                   "%s is set by the shell (%s); its parameters are not checked",
                                   flag, w->text) == TENET_OK
                   ? 0
                   : TENET_ENOMEM;
    if (strncmp(text, "file://", 7) == 0) {
        const char *why;
        if (!(text = read_file(c, w->text + 7, &len, &file, &why))) {
            if (!why || !file)
                return TENET_ENOMEM;
            return tn_request_add_note(c->req, c->arena, TENET_SEVERITY_WARNING, "unreadable-file",
                                       &sp, "cannot read %s for %s: %s", w->text, flag,
                                       why) == TENET_OK
                       ? 0
                       : TENET_ENOMEM;
        }
    }
    int rc = structured(c, w, flag, text, len, yaml, file, "", out);
    if (rc != TENET_OK)
        return rc;
    if (out->kind == TN_V_UNKNOWN)
        return 0;
    if (out->kind != TN_V_MAP)
        return tn_request_add_note(c->req, c->arena, TENET_SEVERITY_ERROR, "invalid-value", &sp,
                                   "%s must be a mapping of parameter names to values",
                                   flag) == TENET_OK
                   ? 0
                   : TENET_ENOMEM;
    return 1;
}
