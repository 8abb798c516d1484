/* Reading `.tenet.yaml` (see config.h and the README, "Configuration").
 * The file is loaded with the library's document loader, so every error
 * points at a line and column; the result borrows the document's strings. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli/config.h"
#include "cli/cli.h"
#include "doc/node.h"
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_UP 256 /* directories climbed looking for the file */

bool cli_parse_fail_on(const char *s, cli_fail_on *out)
{
    static const struct {
        const char *name;
        cli_fail_on v;
    } names[] = {{"error", CLI_FAIL_ON_ERROR},
                 {"warning", CLI_FAIL_ON_WARNING},
                 {"info", CLI_FAIL_ON_INFO},
                 {"never", CLI_FAIL_ON_NEVER}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].v;
            return true;
        }
    return false;
}

typedef struct reader {
    cli_config *cfg;
    const char *path;
} reader;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail_at(const reader *rd, const tn_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (n)
        fprintf(stderr, "%s:%u:%u: error: ", rd->path, (unsigned)n->span.line,
                (unsigned)n->span.col);
    else
        fprintf(stderr, "%s: error: ", rd->path);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

static int oom(void)
{
    cli_error("out of memory");
    return CLI_EXIT_USAGE;
}

static bool is_text(const tn_node *n)
{
    return n && tn_node_is_scalar(n) && n->type != TN_NODE_NULL;
}

static int expect(const reader *rd, const tn_node *n, tn_node_type type, const char *what)
{
    if (n->type == type)
        return 0;
    return fail_at(rd, n, "%s must be a %s", what, type == TN_NODE_MAP ? "mapping" : "list");
}

/* A list of scalars (a lone scalar counts as a list of one) into `out`. */
static int scalars(const reader *rd, const tn_node *n, const char *what, cli_strlist *out)
{
    size_t count = n->type == TN_NODE_SEQ ? n->n : 1;
    for (size_t i = 0; i < count; i++) {
        const tn_node *it = n->type == TN_NODE_SEQ ? n->ch.items[i] : n;
        if (!is_text(it) || it->len == 0)
            return fail_at(rd, it, "%s must be a list of strings", what);
        if (!cli_strlist_push(out, it->str, it->len))
            return oom();
    }
    return 0;
}

static bool is_date(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] - (m == 2 && !leap);
}

static int read_rules(const reader *rd, const tn_node *n)
{
    cli_strlist raw = {0};
    int rc = scalars(rd, n, "rules", &raw);
    for (size_t i = 0; rc == 0 && i < raw.n; i++) {
        const char *p = raw.v[i];
        bool here = p[0] == '/' || strcmp(rd->cfg->dir, ".") == 0;
        size_t len = (here ? 0 : strlen(rd->cfg->dir) + 1) + strlen(p);
        char *full = malloc(len + 1);
        if (!full) {
            rc = oom();
            break;
        }
        snprintf(full, len + 1, "%s%s%s", here ? "" : rd->cfg->dir, here ? "" : "/", p);
        if (!cli_strlist_push(&rd->cfg->rules, full, len))
            rc = oom();
        free(full);
    }
    cli_strlist_free(&raw);
    return rc;
}

static int read_params(const reader *rd, const tn_node *n)
{
    int rc = expect(rd, n, TN_NODE_MAP, "params");
    for (size_t i = 0; rc == 0 && i < n->n; i++) {
        const tn_pair *p = &n->ch.pairs[i];
        if (!is_text(p->key) || p->key->len == 0)
            return fail_at(rd, p->key, "a parameter name must be a string");
        if (!is_text(p->value))
            return fail_at(rd, p->value, "parameter %s needs a scalar value", p->key->str);
        if (!cli_strlist_push(&rd->cfg->param_names, p->key->str, p->key->len) ||
            !cli_strlist_push(&rd->cfg->param_values, p->value->str, p->value->len))
            return oom();
    }
    return rc;
}

static int read_severity(const reader *rd, const tn_node *n)
{
    int rc = expect(rd, n, TN_NODE_MAP, "severity");
    if (rc)
        return rc;
    cli_config *cfg = rd->cfg;
    if (!(cfg->severity = calloc(n->n ? n->n : 1, sizeof(*cfg->severity))))
        return oom();
    for (size_t i = 0; i < n->n; i++) {
        const tn_pair *p = &n->ch.pairs[i];
        static const char *const levels[] = {"info", "warning", "error"};
        int sev = -2;
        if (!is_text(p->key) || p->key->len == 0)
            return fail_at(rd, p->key, "severity keys must be rule ids");
        for (int k = 0; k < 3 && is_text(p->value); k++)
            if (strcmp(p->value->str, levels[k]) == 0)
                sev = k;
        if (is_text(p->value) && strcmp(p->value->str, "off") == 0)
            sev = TENET_SEVERITY_OFF;
        if (sev == -2)
            return fail_at(rd, p->value, "the severity of %s must be error, warning, info or off",
                           p->key->str);
        cfg->severity[cfg->nseverity].rule = p->key->str;
        cfg->severity[cfg->nseverity++].severity = sev;
    }
    return 0;
}

static const char *const supp_keys[] = {"rule", "path", "subject", "reason", "expires", NULL};

static int read_suppression(const reader *rd, const tn_node *n, tenet_suppression *s)
{
    if (n->type != TN_NODE_MAP)
        return fail_at(rd, n, "a suppression must be a mapping with rule and reason");
    for (size_t i = 0; i < n->n; i++) {
        const tn_node *k = n->ch.pairs[i].key, *v = n->ch.pairs[i].value;
        size_t j = 0;
        while (supp_keys[j] && !tn_node_str_eq(k, supp_keys[j]))
            j++;
        if (!supp_keys[j])
            return fail_at(rd, k, "unknown key \"%s\" in a suppression (expected rule, path, "
                                  "subject, reason, expires)",
                           is_text(k) ? k->str : "?");
        if (!is_text(v) || v->len == 0)
            return fail_at(rd, v, "%s must be a non-empty string", supp_keys[j]);
        const char **dst[] = {&s->rule, &s->path, &s->subject, &s->reason, &s->expires};
        *dst[j] = v->str;
        if (j == 4 && !is_date(v->str))
            return fail_at(rd, v, "expires must be a date written YYYY-MM-DD, got \"%s\"", v->str);
    }
    if (!s->rule)
        return fail_at(rd, n, "a suppression needs a rule (an id or a glob such as EC-AR-*)");
    if (!s->reason)
        return fail_at(rd, n, "a suppression needs a reason (say why, for the next reader)");
    return 0;
}

static int read_suppressions(const reader *rd, const tn_node *n)
{
    int rc = expect(rd, n, TN_NODE_SEQ, "suppressions");
    cli_config *cfg = rd->cfg;
    if (!rc && !(cfg->suppressions = calloc(n->n ? n->n : 1, sizeof(*cfg->suppressions))))
        return oom();
    for (size_t i = 0; !rc && i < n->n; i++)
        rc = read_suppression(rd, n->ch.items[i], &cfg->suppressions[cfg->nsuppressions++]);
    return rc;
}

static bool put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t ncap = (*len + n + 1) * 2;
        char *nb = realloc(*buf, ncap);
        if (!nb)
            return false;
        *buf = nb;
        *cap = ncap;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return true;
}

/* A JSON string, which is also a YAML double-quoted scalar. */
static bool put_quoted(char **buf, size_t *len, size_t *cap, const char *s)
{
    bool ok = put(buf, len, cap, "\"", 1);
    for (; ok && *s; s++) {
        char esc[8];
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            snprintf(esc, sizeof(esc), "\\%c", c);
        else if (c < 0x20)
            snprintf(esc, sizeof(esc), "\\u%04x", c);
        else
            esc[0] = (char)c, esc[1] = '\0';
        ok = put(buf, len, cap, esc, strlen(esc));
    }
    return ok && put(buf, len, cap, "\"", 1);
}

/* `sets:` becomes a rule pack of `override_sets`, laid out so each set name
 * sits at the line and column it has in the configuration: the rules
 * compiler's errors ("no earlier pack defines set $x") then point into it. */
static int read_sets(const reader *rd, const tn_node *n)
{
    int rc = expect(rd, n, TN_NODE_MAP, "sets");
    if (rc)
        return rc;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    uint32_t line = 1;
    static const char head[] = "{tenet: 1, name: tenet-config, override_sets: {";
    bool ok = put(&buf, &len, &cap, head, sizeof(head) - 1);
    for (size_t i = 0; ok && i < n->n; i++) {
        const tn_pair *p = &n->ch.pairs[i];
        if (!is_text(p->key) || p->key->len == 0) {
            free(buf);
            return fail_at(rd, p->key, "a set name must be a string");
        }
        if (p->value->type != TN_NODE_SEQ) {
            free(buf);
            return fail_at(rd, p->value, "set %s must be a list of values", p->key->str);
        }
        if (i)
            ok = put(&buf, &len, &cap, ", ", 2);
        if (p->key->span.line > line) {
            for (; ok && line < p->key->span.line; line++)
                ok = put(&buf, &len, &cap, "\n", 1);
            for (uint32_t c = 1; ok && c < p->key->span.col; c++)
                ok = put(&buf, &len, &cap, " ", 1);
        }
        ok = ok && put_quoted(&buf, &len, &cap, p->key->str) && put(&buf, &len, &cap, ": [", 3);
        for (size_t k = 0; ok && k < p->value->n; k++) {
            const tn_node *it = p->value->ch.items[k];
            if (!is_text(it)) {
                free(buf);
                return fail_at(rd, it, "members of set %s must be scalars", p->key->str);
            }
            ok = (k == 0 || put(&buf, &len, &cap, ", ", 2)) && put_quoted(&buf, &len, &cap, it->str);
        }
        ok = ok && put(&buf, &len, &cap, "]", 1);
    }
    ok = ok && put(&buf, &len, &cap, "}}\n", 3);
    if (!ok) {
        free(buf);
        return oom();
    }
    rd->cfg->sets_pack = buf;
    rd->cfg->sets_pack_len = len;
    return 0;
}

static const char *const top_keys[] = {"rules",  "regions",      "params",  "severity",
                                       "fail-on", "suppressions", "sets",    "exclude",
                                       NULL};

static int read_root(const reader *rd, const tn_node *root)
{
    cli_config *cfg = rd->cfg;
    int rc = expect(rd, root, TN_NODE_MAP, "the configuration");
    for (size_t i = 0; !rc && i < root->n; i++) {
        const tn_node *k = root->ch.pairs[i].key, *v = root->ch.pairs[i].value;
        size_t j = 0;
        while (top_keys[j] && !tn_node_str_eq(k, top_keys[j]))
            j++;
        switch (j) {
        case 0: rc = read_rules(rd, v); break;
        case 1: rc = scalars(rd, v, "regions", &cfg->regions); break;
        case 2: rc = read_params(rd, v); break;
        case 3: rc = read_severity(rd, v); break;
        case 4:
            if (!is_text(v) || !cli_parse_fail_on(v->str, &cfg->fail_on))
                rc = fail_at(rd, v, "fail-on must be error, warning, info or never");
            break;
        case 5: rc = read_suppressions(rd, v); break;
        case 6: rc = read_sets(rd, v); break;
        case 7:
            rc = scalars(rd, v, "exclude", &cfg->exclude_list);
            cfg->exclude = cfg->exclude_list.v;
            cfg->nexclude = cfg->exclude_list.n;
            break;
        default:
            rc = fail_at(rd, k, "unknown key \"%s\" in the configuration (expected rules, "
                                "regions, params, severity, fail-on, suppressions, sets or "
                                "exclude)",
                         is_text(k) ? k->str : "?");
        }
    }
    return rc;
}

/* The nearest .tenet.yaml from the working directory up, as a relative path. */
static int find_upward(char **out)
{
    *out = NULL;
    char *prefix = calloc(1, 3 * MAX_UP + 1);
    char *cand = malloc(3 * MAX_UP + sizeof(CLI_CONFIG_NAME) + 8);
    if (!prefix || !cand) {
        free(prefix);
        free(cand);
        return oom();
    }
    struct stat prev = {0};
    for (int up = 0; up < MAX_UP; up++) {
        struct stat here, st;
        snprintf(cand, 3 * MAX_UP + 8, "%s.", prefix);
        if (stat(cand, &here) != 0)
            break;
        if (up > 0 && here.st_dev == prev.st_dev && here.st_ino == prev.st_ino)
            break; /* ".." of the root is the root */
        prev = here;
        sprintf(cand, "%s%s", prefix, CLI_CONFIG_NAME);
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
            *out = cand;
            free(prefix);
            return 0;
        }
        sprintf(cand, "%s.git", prefix);
        if (stat(cand, &st) == 0)
            break; /* a repository's root: its parent is another project */
        strcat(prefix, "../");
    }
    free(prefix);
    free(cand);
    return 0;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

int cli_config_load(cli_config *cfg, const char *explicit_path)
{
    memset(cfg, 0, sizeof(*cfg));
    int rc = 0;
    if (explicit_path) {
        if (!(cfg->path = strdup(explicit_path)))
            return oom();
    } else if ((rc = find_upward(&cfg->path)) != 0 || !cfg->path) {
        return rc;
    }
    if (!(cfg->dir = dir_of(cfg->path)))
        return oom();
    cfg->abs_dir = realpath(cfg->dir, NULL);
    reader rd = {cfg, cfg->path};
    char *data;
    size_t len;
    int e = cli_read_file(cfg->path, &data, &len);
    if (e) {
        fprintf(stderr, "%s: error: cannot read the configuration: %s\n", cfg->path, strerror(e));
        return CLI_EXIT_USAGE;
    }
    const char *text;
    size_t tlen;
    char *owned = NULL;
    tenet_error err = {0};
    int st = tn_doc_decode_text(data, len, &text, &tlen, &owned, cfg->path, &err);
    if (st == TENET_OK)
        st = tn_doc_parse(&cfg->doc, text, tlen, cfg->path, NULL, &err);
    free(owned);
    free(data);
    if (st != TENET_OK) {
        if (err.line)
            fprintf(stderr, "%s:%u:%u: error: %s\n", cfg->path, (unsigned)err.line,
                    (unsigned)err.column, err.message);
        else
            fprintf(stderr, "%s: error: %s\n", cfg->path,
                    err.message[0] ? err.message : tenet_status_str(st));
        return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < cfg->doc->nnotes; i++) {
        const tn_doc_note *nt = &cfg->doc->notes[i];
        fprintf(stderr, "%s:%u:%u: error: %s\n", cfg->path, (unsigned)nt->span.line,
                (unsigned)nt->span.col, nt->message ? nt->message : nt->code);
        return CLI_EXIT_USAGE;
    }
    return cfg->doc->root ? read_root(&rd, cfg->doc->root) : 0;
}

void cli_config_free(cli_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->path);
    free(cfg->dir);
    free(cfg->abs_dir);
    cli_strlist_free(&cfg->rules);
    cli_strlist_free(&cfg->regions);
    cli_strlist_free(&cfg->param_names);
    cli_strlist_free(&cfg->param_values);
    free(cfg->severity);
    free(cfg->suppressions);
    free(cfg->sets_pack);
    cli_strlist_free(&cfg->exclude_list);
    tn_doc_free(cfg->doc);
    memset(cfg, 0, sizeof(*cfg));
}

static bool copy_list(cli_strlist *dst, const cli_strlist *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (!cli_strlist_push(dst, src->v[i], strlen(src->v[i])))
            return false;
    return true;
}

bool cli_config_merge(const cli_config *cfg, cli_strlist *rules, cli_strlist *regions,
                      cli_strlist *param_names, cli_strlist *param_values)
{
    if (rules->n == 0 && !copy_list(rules, &cfg->rules))
        return false;
    if (regions->n == 0 && !copy_list(regions, &cfg->regions))
        return false;
    if (param_names->n == 0 &&
        (!copy_list(param_names, &cfg->param_names) || !copy_list(param_values, &cfg->param_values)))
        return false;
    return true;
}

void cli_config_apply(const cli_config *cfg, tenet_check_options *opts)
{
    opts->suppressions = cfg->suppressions;
    opts->suppression_count = cfg->nsuppressions;
    opts->severity_overrides = cfg->severity;
    opts->severity_override_count = cfg->nseverity;
}

/* Drops "." segments and folds "x/.." in an absolute path, in place. */
static void normalize(char *p)
{
    char *out = p;
    for (char *s = p; *s;) {
        while (*s == '/')
            s++;
        char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0)
            break;
        if (n == 1 && s[0] == '.') {
            /* skip */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (out > p && *--out != '/')
                ;
        } else {
            *out++ = '/';
            memmove(out, s, n);
            out += n;
        }
        s += n;
    }
    if (out == p)
        *out++ = '/';
    *out = '\0';
}

char *cli_config_match_path(const cli_config *cfg, const char *input)
{
    if (!cfg->path || !cfg->abs_dir || !input || strcmp(input, "-") == 0)
        return NULL;
    char cwd[PATH_MAX];
    if (input[0] != '/' && !getcwd(cwd, sizeof(cwd)))
        return NULL;
    size_t len = (input[0] == '/' ? 0 : strlen(cwd) + 1) + strlen(input);
    char *abs = malloc(len + 1);
    if (!abs)
        return NULL;
    snprintf(abs, len + 1, "%s%s%s", input[0] == '/' ? "" : cwd, input[0] == '/' ? "" : "/",
             input);
    normalize(abs);
    size_t dl = strlen(cfg->abs_dir);
    if (strcmp(cfg->abs_dir, "/") == 0)
        memmove(abs, abs + 1, strlen(abs));
    else if (strncmp(abs, cfg->abs_dir, dl) == 0 && abs[dl] == '/')
        memmove(abs, abs + dl + 1, strlen(abs + dl + 1) + 1);
    return abs;
}

int cli_findings_exit(const tenet_summary *sum, cli_fail_on fail_on)
{
    size_t n = 0;
    switch (fail_on) {
    case CLI_FAIL_ON_NEVER: return CLI_EXIT_OK;
    case CLI_FAIL_ON_INFO: n = sum->infos; /* fall through */
    case CLI_FAIL_ON_WARNING: n += sum->warnings; /* fall through */
    default: n += sum->errors; break;
    }
    return n ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
}

int cli_config_load_ruleset(const cli_config *cfg, char *const *paths, size_t n,
                            tenet_ruleset **out)
{
    tenet_rules_source extra = {cfg->path, cfg->sets_pack, cfg->sets_pack_len};
    return cli_load_ruleset_with(paths, n, cfg->sets_pack ? &extra : NULL, out);
}
