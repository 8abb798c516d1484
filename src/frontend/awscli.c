/* The aws-cli frontend: `aws [global options] <service> <command> --flag
 * value ...` command lines in scripts, READMEs and documentation, one
 * subject per command of an operation the rules cover. The command maps to
 * the api operation by kebab-case and flags to its parameters the way the
 * CLI derives them (exact, `--no-x`, unambiguous prefixes such as
 * `--cache-parameter-group`, hidden aliases such as
 * `--preferred-cache-cluster-a-zs`), so the CLI needs no mapping of its own.
 * What the CLI itself would reject (unknown or ambiguous options, stray
 * arguments) is an error note. */
#include "frontend/awscli.h"
#include "util/alloc.h"
#include "util/strmap.h"
#include "util/vec.h"

#include <string.h>

static int awscli_run(tn_run *run);

const tn_frontend tn_frontend_aws_cli = {"aws-cli", false, tn_awscli_detect, awscli_run};

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

static bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static bool digit(char c) { return c >= '0' && c <= '9'; }

static size_t eol(const char *t, size_t len, size_t i) {
    const char *nl = memchr(t + i, '\n', len - i);
    return nl ? (size_t)(nl - t) : len;
}

/* ---- finding commands ---- */

/* Offset past a shell prompt at p ("$ ", "% ", "> ", "PS> ", "PS C:\x> ",
 * "C:\x> "), or p. */
static size_t skip_prompt(const char *t, size_t len, size_t p) {
    size_t e = eol(t, len, p);
    if (p + 1 < e && strchr("$%>", t[p]) && blank(t[p + 1]))
        return p + 2;
    bool ps = e - p >= 3 && t[p] == 'P' && t[p + 1] == 'S' && (t[p + 2] == '>' || t[p + 2] == ' ');
    bool drive = e - p >= 3 && alpha(t[p]) && t[p + 1] == ':' && t[p + 2] == '\\';
    if (ps || drive) {
        const char *gt = memchr(t + p, '>', e - p);
        if (gt && gt - (t + p) < 260)
            return (size_t)(gt - t) + 1;
    }
    return p;
}

/* Whether an `aws` command starts at p, after NAME=value assignments. */
static bool aws_at(const char *t, size_t len, size_t p) {
    for (;;) {
        while (p < len && blank(t[p]))
            p++;
        size_t k = p;
        while (k < len && (alpha(t[k]) || digit(t[k]) || t[k] == '_'))
            k++;
        if (k > p && k < len && t[k] == '=' && !digit(t[p])) {
            for (k++; k < len && !blank(t[k]) && t[k] != '\n';) {
                if (t[k] == '\'' || t[k] == '"') {
                    const char *q = memchr(t + k + 1, t[k], len - k - 1);
                    if (!q)
                        return false;
                    k = (size_t)(q - t) + 1;
                } else {
                    k++;
                }
            }
            p = k;
            continue;
        }
        if (len - p < 5 || memcmp(t + p, "aws", 3) != 0 || !blank(t[p + 3]))
            return false;
        for (p += 4; p < len && blank(t[p]);)
            p++; /* then a service, an option or a continuation; not `aws = x` */
        return p < len && ((t[p] >= 'a' && t[p] <= 'z') || (t[p] && strchr("-\\^", t[p])));
    }
}

/* Start of the `aws` command on the line at ls (prompt skipped), or len. */
static size_t command_on_line(const char *t, size_t len, size_t ls) {
    size_t p = ls;
    while (p < len && blank(t[p]))
        p++;
    p = skip_prompt(t, len, p);
    while (p < len && blank(t[p]))
        p++;
    return p < len && aws_at(t, len, p) ? p : len;
}

int tn_awscli_detect(const char *text, size_t len, const tn_doc *doc) {
    (void)doc;
    for (size_t i = 0; i < len; i = eol(text, len, i) + 1)
        if (command_on_line(text, len, i) < len)
            return 80;
    return 0;
}

/* ---- options ---- */

static const struct {
    const char *name;
    bool value;
} globals[] = {
    {"region", true},
    {"profile", true},
    {"output", true},
    {"endpoint-url", true},
    {"query", true},
    {"color", true},
    {"ca-bundle", true},
    {"cli-read-timeout", true},
    {"cli-connect-timeout", true},
    {"cli-binary-format", true},
    {"debug", false},
    {"no-verify-ssl", false},
    {"no-paginate", false},
    {"no-sign-request", false},
    {"no-cli-pager", false},
    {"version", false},
    {"cli-auto-prompt", false},
    {"no-cli-auto-prompt", false},
};

static long global_option(const char *name, size_t len) {
    for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++)
        if (strlen(globals[i].name) == len && memcmp(globals[i].name, name, len) == 0)
            return (long)i;
    return -1;
}

/* `-x` and `--x`, but not "-" or a negative number (argparse takes those
 * as values). */
static bool is_option(const tn_sw_word *w) {
    return w->len > 1 && w->text[0] == '-' && !digit(w->text[1]) && w->text[1] != '.';
}

typedef struct flagarg {
    const tn_sw_word *flag;
    const char *name; /* without dashes and =value */
    size_t name_len;
    tn_sw_word *vals;
    size_t nvals;
} flagarg;

typedef struct opnames {
    const char **names;
    const char **kebab;
    size_t n;
    size_t *amb; /* scratch: ambiguous candidates */
} opnames;

/* The parameter flag `f` names: exact (ignoring case and hyphens, which
 * also admits hidden aliases), `no-` + exact, else an unambiguous prefix of
 * one flag as argparse allows. -1 unknown, -2 ambiguous (o->amb[0..*namb)). */
static long resolve(const opnames *o, const char *f, size_t fl, bool *neg, size_t *namb) {
    *neg = false;
    *namb = 0;
    for (size_t i = 0; i < o->n; i++)
        if (tn_request_norm_eq(f, fl, o->names[i], strlen(o->names[i])))
            return (long)i;
    bool no = fl > 3 && memcmp(f, "no-", 3) == 0;
    for (size_t i = 0; no && i < o->n; i++)
        if (tn_request_norm_eq(f + 3, fl - 3, o->names[i], strlen(o->names[i]))) {
            *neg = true;
            return (long)i;
        }
    for (int pass = 0; pass < (no ? 2 : 1); pass++) {
        const char *g = pass ? f + 3 : f;
        size_t gl = pass ? fl - 3 : fl;
        for (size_t i = 0; i < o->n; i++)
            if (strlen(o->kebab[i]) > gl && memcmp(o->kebab[i], g, gl) == 0)
                o->amb[(*namb)++] = i;
        if (*namb == 1) {
            *neg = pass == 1;
            return (long)o->amb[0];
        }
        if (*namb > 1)
            return -2;
    }
    return -1;
}

/* ---- one command ---- */

typedef struct opcache_entry {
    const tn_api_op *op;
    opnames on;
} opcache_entry;

/* What the commands of one input share: flag names per operation (most
 * commands of a script run the same few), and scratch space. */
typedef struct shared {
    TN_VEC(opcache_entry) ops;
    flagarg *fl;
    tn_sw_word *stray;
    size_t cap;
} shared;

typedef struct pcmd {
    const tenet_ruleset *rs;
    tn_cli_ctx ctx;
    const tn_sw_command *cmd;
    tn_req_target t;
    opnames on;
    shared *sh;
} pcmd;

static tn_span word_span(const pcmd *pc, const tn_sw_word *w) {
    return tn_textpos_span(pc->ctx.tp, w->off, w->end);
}

static int note(pcmd *pc, tenet_severity sev, const char *code, const tn_sw_word *at,
                const char *msg) {
    tn_span sp = word_span(pc, at);
    return tn_request_add_note(pc->ctx.req, pc->ctx.arena, sev, code, &sp, "%s", msg);
}

/* "the AWS CLI rejects unknown options: a, b" for words w[0..n). */
static int reject_words(pcmd *pc, const tn_sw_word *w, size_t n) {
    if (n == 0)
        return TENET_OK;
    const char *list = w[0].text;
    for (size_t i = 1; i < n && i < 10 && list; i++)
        list = tn_arena_sprintf(pc->ctx.arena, "%s, %s", list, w[i].text);
    if (n > 10 && list) /* enough to see the mistake */
        list = tn_arena_sprintf(pc->ctx.arena, "%s and %zu more", list, n - 10);
    const char *msg =
        list ? tn_arena_sprintf(pc->ctx.arena, "the AWS CLI rejects unknown options: %s", list)
             : NULL;
    return msg ? note(pc, TENET_SEVERITY_ERROR, "unknown-parameter", &w[0], msg) : TENET_ENOMEM;
}

static int unresolved(pcmd *pc, const flagarg *fa, long r, size_t namb) {
    tn_arena *a = pc->ctx.arena;
    const char *msg;
    if (r == -2) {
        const char *list = tn_arena_sprintf(a, "--%s", pc->on.kebab[pc->on.amb[0]]);
        for (size_t i = 1; i < namb && list; i++)
            list = tn_arena_sprintf(a, "%s, --%s", list, pc->on.kebab[pc->on.amb[i]]);
        msg = list ? tn_arena_sprintf(a,
                                      "the AWS CLI rejects the ambiguous option %s: it could "
                                      "be %s",
                                      fa->flag->text, list)
                   : NULL;
    } else {
        const char *name = tn_arena_strndup(a, fa->name, fa->name_len);
        const char *near =
            name ? tn_request_suggest_for(pc->ctx.req, name, pc->on.kebab, pc->on.n) : NULL;
        msg = tn_arena_sprintf(a, "the AWS CLI rejects unknown options: %.*s%s%s%s",
                               (int)(fa->name + fa->name_len - fa->flag->text), fa->flag->text,
                               near ? "; did you mean --" : "", near ? near : "", near ? "?" : "");
    }
    return msg ? note(pc, TENET_SEVERITY_ERROR, "unknown-parameter", fa->flag, msg) : TENET_ENOMEM;
}

/* The value of one resolved flag. *keep is false when the CLI would refuse
 * the flag outright (a value-taking flag given none). */
static int flag_value(pcmd *pc, const flagarg *fa, const char *name, bool neg, tn_value *out,
                      bool *keep) {
    tn_arena *a = pc->ctx.arena;
    long fi = tn_request_mapped_field(&pc->t, name);
    tn_ftype ft = fi >= 0 ? pc->t.kind->fields[fi].type : TN_T_STRING;
    /* How the CLI would read the words depends on the parameter's type in
     * the service model; the rules tell what they need to look into. */
    bool structured = tn_request_structured(&pc->t, name);
    bool scalar = fi >= 0 && !structured;
    tn_ftype wt = !structured ? TN_T_STRING : ft == TN_T_LIST || ft == TN_T_MAP ? ft : TN_T_ANY;
    const char *flag =
        tn_arena_strndup(a, fa->flag->text, (size_t)(fa->name + fa->name_len - fa->flag->text));
    if (!flag)
        return TENET_ENOMEM;
    memset(out, 0, sizeof *out);
    *keep = true;
    out->path = name;
    out->provenance = flag;
    bool is_bool = fi >= 0 && !structured && ft == TN_T_BOOL;
    if (fa->nvals == 0 || neg || is_bool) {
        if (fa->nvals == 0 && fi >= 0 && !is_bool && ft != TN_T_ANY && !neg) {
            *keep = false;
            const char *msg = tn_arena_sprintf(a,
                                               "the AWS CLI rejects %s without a value: "
                                               "expected one argument",
                                               flag);
            return msg ? note(pc, TENET_SEVERITY_ERROR, "missing-value", fa->flag, msg)
                       : TENET_ENOMEM;
        }
        out->kind = TN_V_BOOL;
        out->u.b = !neg;
        out->text = neg ? "false" : "true";
        out->len = strlen(out->text);
        out->has_span = true;
        out->span = word_span(pc, fa->flag);
        return reject_words(pc, fa->vals, fa->nvals);
    }
    size_t n = scalar ? 1 : fa->nvals;
    tn_value *vals = tn_arena_calloc(a, n, sizeof *vals);
    if (!vals)
        return TENET_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        int rc = tn_cli_word_value(&pc->ctx, &fa->vals[i], flag, name, wt, &vals[i]);
        if (rc != TENET_OK)
            return rc;
    }
    if (scalar && fa->nvals > 1) {
        int rc = reject_words(pc, fa->vals + 1, fa->nvals - 1);
        if (rc != TENET_OK)
            return rc;
    }
    if (n == 1) {
        *out = vals[0];
        return TENET_OK;
    }
    out->kind = TN_V_LIST;
    out->u.list.items = vals;
    out->u.list.n = n;
    out->has_span = true;
    out->span = tn_textpos_span(pc->ctx.tp, fa->vals[0].off, fa->vals[n - 1].end);
    return TENET_OK;
}

/* Parameters from --cli-input-json/yaml, under the explicit flags. The CLI
 * validates their names against the model: an unknown one is an error. */
static int merge_input(pcmd *pc, const flagarg *fa, bool yaml) {
    tn_request *req = pc->ctx.req;
    if (fa->nvals != 1) {
        const char *msg = tn_arena_sprintf(pc->ctx.arena,
                                           "the AWS CLI rejects %s without "
                                           "exactly one value",
                                           fa->flag->text);
        return msg ? note(pc, TENET_SEVERITY_ERROR, "missing-value", fa->flag, msg) : TENET_ENOMEM;
    }
    tn_value in;
    int rc = tn_cli_input(&pc->ctx, &fa->vals[0], yaml, &in);
    if (rc <= 0)
        return rc;
    tn_strmap explicit = {0};
    for (size_t i = 0; i < req->nparams; i++)
        if (tn_strmap_put(&explicit, req->params[i].name, strlen(req->params[i].name), req) < 0)
            rc = TENET_ENOMEM;
    for (size_t i = 0; i < in.u.map.n && rc >= 0; i++) {
        const char *key = in.u.map.keys[i];
        if (tn_strmap_get(&explicit, key, strlen(key)))
            continue; /* an explicit flag wins */
        tn_req_param p;
        memset(&p, 0, sizeof p);
        p.name = key;
        p.value = in.u.map.vals[i];
        p.has_key_span = p.value.has_span && !p.value.file;
        p.key_span = p.value.span;
        p.checked = true;
        if ((rc = tn_request_add_param(req, pc->ctx.arena, &p)) != TENET_OK)
            break;
        if (tn_request_is_valid(&pc->t, key) || tn_request_is_mapped(&pc->t, key))
            continue;
        const char *near = tn_request_suggest_for(req, key, pc->t.op->params, pc->t.op->nparams);
        rc = tn_request_add_note(req, pc->ctx.arena, TENET_SEVERITY_ERROR, "unknown-parameter",
                                 p.has_key_span ? &p.key_span : NULL,
                                 "the AWS CLI rejects unknown parameter %s in %s%s%s%s", key,
                                 fa->flag->text, near ? "; did you mean " : "", near ? near : "",
                                 near ? "?" : "");
    }
    tn_strmap_free(&explicit);
    return rc < 0 ? rc : TENET_OK;
}

static bool flag_is(const flagarg *fa, const char *name) {
    return fa->name_len == strlen(name) && memcmp(fa->name, name, fa->name_len) == 0;
}

/* The parameter names and flags of pc->t's operation. */
static int op_names(pcmd *pc) {
    for (size_t i = 0; i < pc->sh->ops.n; i++)
        if (pc->sh->ops.v[i].op == pc->t.op) {
            pc->on = pc->sh->ops.v[i].on;
            return TENET_OK;
        }
    opnames *on = &pc->on;
    long names = tn_request_names(&pc->t, pc->ctx.arena, &on->names);
    if (names < 0)
        return TENET_ENOMEM;
    on->n = (size_t)names;
    on->kebab = tn_arena_alloc(pc->ctx.arena, (on->n + 1) * sizeof *on->kebab);
    on->amb = tn_arena_alloc(pc->ctx.arena, (on->n + 1) * sizeof *on->amb);
    if (!on->kebab || !on->amb)
        return TENET_ENOMEM;
    for (size_t i = 0; i < on->n; i++)
        if (!(on->kebab[i] = tn_request_kebab(on->names[i], pc->ctx.arena)))
            return TENET_ENOMEM;
    opcache_entry e = {pc->t.op, *on};
    return TN_VEC_PUSH(pc->sh->ops, e) < 0 ? TENET_ENOMEM : TENET_OK;
}

static int add_flags(pcmd *pc, flagarg *fl, size_t nfl) {
    tn_request *req = pc->ctx.req;
    int rc0 = op_names(pc);
    if (rc0 != TENET_OK)
        return rc0;
    const flagarg *input = NULL;
    for (size_t f = 0; f < nfl; f++) {
        flagarg *fa = &fl[f];
        int rc = TENET_OK;
        if (flag_is(fa, "cli-input-json") || flag_is(fa, "cli-input-yaml")) {
            input = fa;
            continue;
        }
        bool neg;
        size_t namb;
        long r =
            fa->flag->text[1] == '-' ? resolve(&pc->on, fa->name, fa->name_len, &neg, &namb) : -1;
        if (r < 0) {
            if ((rc = unresolved(pc, fa, r, namb)) != TENET_OK)
                return rc;
            continue;
        }
        tn_req_param p;
        memset(&p, 0, sizeof p);
        p.name = pc->on.names[r];
        p.written = fa->flag->text;
        p.has_key_span = true;
        p.key_span = word_span(pc, fa->flag);
        p.checked = true;
        bool keep;
        if ((rc = flag_value(pc, fa, p.name, neg, &p.value, &keep)) != TENET_OK)
            return rc;
        if (keep && (rc = tn_request_add_param(req, pc->ctx.arena, &p)) != TENET_OK)
            return rc;
    }
    return input ? merge_input(pc, input, flag_is(input, "cli-input-yaml")) : TENET_OK;
}

static const char *region_of(pcmd *pc, const tn_sw_word *region, const tn_sw_word *endpoint,
                             const char *env, const char **reason) {
    tn_arena *a = pc->ctx.arena;
    *reason = NULL;
    if (region && region->expands) {
        *reason = tn_arena_sprintf(a, "the region is set by the shell (%s)", region->text);
        return NULL;
    }
    if (region && region->len)
        return region->text;
    if (endpoint && !endpoint->expands) {
        const char *h = strstr(endpoint->text, "://");
        h = h ? h + 3 : endpoint->text;
        size_t hl = strcspn(h, "/?#");
        const char *r = tn_request_host_region(h, hl, a, NULL);
        if (r)
            return r;
    }
    if (env && *env && !strchr(env, '$'))
        return env;
    *reason = "the command has no --region (pass --region)";
    return NULL;
}

/* "create-replication-group my-classic-rg": the command and its first *Id. */
static const char *command_name(const tn_request *r, tn_arena *arena) {
    for (size_t i = 0; i < r->nparams; i++) {
        const tn_req_param *p = &r->params[i];
        size_t n = strlen(p->name);
        if (n > 2 && strcmp(p->name + n - 2, "Id") == 0 && p->value.kind == TN_V_STR &&
            p->value.len > 0)
            return tn_arena_sprintf(arena, "%s %s", r->operation, p->value.text);
    }
    return r->operation;
}

static bool assignment(const char *s) {
    size_t k = 0;
    while (alpha(s[k]) || s[k] == '_' || (k && digit(s[k])))
        k++;
    return k > 0 && s[k] == '=';
}

/* Builds the request of one command; *made is false when the words are
 * not a command the rules cover. */
static int parse_command(pcmd *pc, bool *made) {
    const tn_sw_command *cmd = pc->cmd;
    tn_sw_word *w = cmd->words;
    size_t n = cmd->n, k = 0;
    tn_arena *a = pc->ctx.arena;
    const char *env_region = NULL;
    *made = false;
    for (; k < n && assignment(w[k].text); k++)
        if (strncmp(w[k].text, "AWS_REGION=", 11) == 0)
            env_region = w[k].text + 11;
        else if (strncmp(w[k].text, "AWS_DEFAULT_REGION=", 19) == 0 && !env_region)
            env_region = w[k].text + 19;
    if (k >= n || strcmp(w[k].text, "aws") != 0)
        return TENET_OK;
    const tn_sw_word *aws = &w[k++], *service = NULL, *command = NULL, *region = NULL,
                     *endpoint = NULL;
    shared *sh = pc->sh;
    if (n > sh->cap) {
        flagarg *nf = tn_realloc(sh->fl, n * sizeof *nf);
        if (nf)
            sh->fl = nf;
        tn_sw_word *ns = nf ? tn_realloc(sh->stray, n * sizeof *ns) : NULL;
        if (!ns)
            return TENET_ENOMEM;
        sh->stray = ns;
        sh->cap = n;
    }
    flagarg *fl = sh->fl;
    tn_sw_word *stray = sh->stray;
    size_t nfl = 0, nstray = 0;
    for (; k < n; k++) {
        tn_sw_word *x = &w[k];
        if (!is_option(x)) {
            if (!service)
                service = x;
            else if (!command)
                command = x;
            else if (strcmp(x->text, "help") == 0)
                return TENET_OK; /* prints help, sends nothing */
            else
                stray[nstray++] = *x;
            continue;
        }
        flagarg *fa = &fl[nfl];
        memset(fa, 0, sizeof *fa);
        fa->flag = x;
        fa->name = x->text + (x->text[1] == '-' ? 2 : 1);
        const char *eq = x->text[1] == '-' ? strchr(fa->name, '=') : NULL;
        fa->name_len = eq ? (size_t)(eq - fa->name) : strlen(fa->name);
        if (eq) { /* --flag=value */
            tn_sw_word *v = tn_arena_alloc(a, sizeof *v);
            if (!v)
                return TENET_ENOMEM;
            *v = *x;
            v->text = eq + 1;
            v->len = x->len - (size_t)(eq + 1 - x->text);
            v->verbatim = x->verbatim >= 0 ? x->verbatim + (eq + 1 - x->text) : -1;
            fa->vals = v;
            fa->nvals = 1;
        } else {
            fa->vals = x + 1;
            while (k + 1 < n && !is_option(&w[k + 1]) &&
                   (command || global_option(fa->name, fa->name_len) >= 0))
                fa->nvals++, k++;
        }
        long g = global_option(fa->name, fa->name_len);
        if (g >= 0) {
            /* a global option takes one value; more are positional */
            if (globals[g].value && fa->nvals > 1) {
                k -= fa->nvals - 1;
                fa->nvals = 1;
            } else if (!globals[g].value && !eq) {
                k -= fa->nvals;
                fa->nvals = 0;
            }
            if (strcmp(globals[g].name, "region") == 0 && fa->nvals)
                region = &fa->vals[0];
            else if (strcmp(globals[g].name, "endpoint-url") == 0 && fa->nvals)
                endpoint = &fa->vals[0];
            continue;
        }
        if (command)
            nfl++; /* an operation option before the command is a CLI error: ignored */
    }
    if (!service || !command ||
        !tn_request_find_op(pc->rs, command->text, command->len, service->text, &pc->t))
        return TENET_OK;
    for (size_t f = 0; f < nfl; f++)
        if (flag_is(&fl[f], "generate-cli-skeleton"))
            return TENET_OK; /* prints a skeleton, sends nothing */
    tn_request *req = pc->ctx.req;
    *made = true;
    req->target = pc->t;
    req->operation = command->text;
    req->service = service->text;
    req->span = tn_textpos_span(pc->ctx.tp, aws->off, command->end);
    int rc = TENET_OK;
    if (cmd->ended_by == TN_SW_UNTERMINATED) { /* the shell would still be reading it */
        tn_span sp = tn_textpos_span(pc->ctx.tp, cmd->quote_off, cmd->quote_off + 1);
        req->nojudge = true;
        req->name = command->text;
        return tn_request_add_note(req, a, TENET_SEVERITY_ERROR, "unterminated-quote", &sp,
                                   "this quote is never closed, so the command does not end");
    }
    if (cmd->nslashes) { /* said once: every one is the same mistake */
        tn_span sp = tn_textpos_span(pc->ctx.tp, cmd->slashes[0], cmd->slashes[0] + 1);
        rc = tn_request_add_note(req, a, TENET_SEVERITY_ERROR, "bad-continuation", &sp,
                                 "'/' does not continue a command line (use '\\', or '^' in "
                                 "cmd.exe); a shell runs the next line as another command");
    }
    if (rc == TENET_OK)
        rc = reject_words(pc, stray, nstray);
    if (rc == TENET_OK)
        rc = add_flags(pc, fl, nfl);
    if (rc != TENET_OK)
        return rc;
    req->region = region_of(pc, region, endpoint, env_region, &req->region_reason);
    req->name = command_name(req, a);
    return req->name ? TENET_OK : TENET_ENOMEM;
}

static int parse_all(const tenet_ruleset *rs, const char *text, size_t len, const char *file,
                     tn_textpos *tp, tn_arena *arena, tn_request **reqs, size_t *n, shared *sh) {
    tn_request *v = NULL;
    size_t nv = 0, cap = 0;
    for (size_t i = 0; i < len;) {
        size_t le = eol(text, len, i);
        size_t st = command_on_line(text, len, i);
        i = le < len ? le + 1 : len;
        while (st < len) {
            tn_sw_command cmd;
            if (tn_sw_split(text, len, st, arena, &cmd) < 0)
                return TENET_ENOMEM;
            if (nv == cap) {
                size_t nc = cap ? cap * 2 : 8;
                tn_request *nr = tn_arena_calloc(arena, nc, sizeof *nr);
                if (!nr)
                    return TENET_ENOMEM;
                if (nv)
                    memcpy(nr, v, nv * sizeof *nr);
                v = nr;
                cap = nc;
            }
            pcmd pc;
            memset(&pc, 0, sizeof pc);
            pc.rs = rs;
            pc.cmd = &cmd;
            pc.ctx.file = file;
            pc.ctx.tp = tp;
            pc.ctx.arena = arena;
            pc.ctx.req = &v[nv];
            pc.sh = sh;
            memset(&v[nv], 0, sizeof v[nv]);
            bool made;
            int rc = parse_command(&pc, &made);
            if (rc != TENET_OK)
                return rc;
            nv += made;
            st = len;
            if (cmd.ended_by == TN_SW_UNTERMINATED)
                break; /* go on with the line after the command's first */
            if (cmd.end > i)
                i = cmd.end;
            if (cmd.ended_by == TN_SW_SEPARATOR) { /* aws ... && aws ... */
                size_t p = cmd.end;
                while (p < len && blank(text[p]))
                    p++;
                if (p < len && aws_at(text, len, p))
                    st = p;
                else if (cmd.end < len)
                    i = eol(text, len, cmd.end) < len ? eol(text, len, cmd.end) + 1 : len;
            }
        }
    }
    *reqs = v;
    *n = nv;
    return TENET_OK;
}

int tn_awscli_parse(const tenet_ruleset *rs, const char *text, size_t len, const char *file,
                    tn_textpos *tp, tn_arena *arena, tn_request **reqs, size_t *n) {
    shared sh;
    memset(&sh, 0, sizeof sh);
    int rc = parse_all(rs, text, len, file, tp, arena, reqs, n, &sh);
    TN_VEC_FREE(sh.ops);
    tn_free(sh.fl);
    tn_free(sh.stray);
    return rc;
}

static int awscli_run(tn_run *run) {
    tn_textpos tp;
    tn_request *reqs = NULL;
    size_t n = 0;
    int rc = tn_textpos_init(&tp, run->text, run->len, run->arena);
    if (rc == TENET_OK)
        rc = tn_awscli_parse(run->rs, run->text, run->len, run->file, &tp, run->arena, &reqs, &n);
    for (size_t i = 0; i < n && rc == TENET_OK; i++) {
        rc = tn_request_emit_notes(run, &reqs[i]);
        if (rc == TENET_OK && !reqs[i].nojudge)
            rc = tn_request_judge(run, &reqs[i]);
    }
    return rc;
}
