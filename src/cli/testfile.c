/* Loading rule test files: YAML through the document loader, then a strict
 * shape check (an unknown key is an error, so a typo cannot silently drop an
 * expectation). */
#include "cli/testfile.h"
#include "cli/util.h"
#include "util/alloc.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct loader {
    const char *path;
    bool ok;
} loader;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fail_at(loader *ld, const tn_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (n)
        fprintf(stderr, "%s:%u:%u: error: ", ld->path, (unsigned)n->span.line,
                (unsigned)n->span.col);
    else
        fprintf(stderr, "%s: error: ", ld->path);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    ld->ok = false;
}

static const char *scalar(loader *ld, const tn_node *n, const char *what)
{
    if (!tn_node_is_scalar(n) || n->type == TN_NODE_NULL) {
        fail_at(ld, n, "%s must be a scalar", what);
        return NULL;
    }
    return n->str;
}

/* A list of scalars; a single scalar is a list of one. */
static void strs(loader *ld, const tn_node *n, const char *what, cli_strs *out)
{
    if (n->type != TN_NODE_SEQ) {
        const char *s = scalar(ld, n, what);
        if (!s)
            return;
        out->v = malloc(sizeof(*out->v));
        if (!out->v) {
            fail_at(ld, n, "out of memory");
            return;
        }
        out->v[0] = s;
        out->n = 1;
        return;
    }
    if (n->n == 0)
        return;
    out->v = calloc(n->n, sizeof(*out->v));
    if (!out->v) {
        fail_at(ld, n, "out of memory");
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const char *s = scalar(ld, n->ch.items[i], what);
        if (s)
            out->v[out->n++] = s;
    }
}

static void load_params(loader *ld, const tn_node *n, cli_testcase *tc)
{
    if (n->type != TN_NODE_MAP) {
        fail_at(ld, n, "params must be a mapping of NAME: VALUE");
        return;
    }
    if (n->n == 0)
        return;
    tc->param_names.v = calloc(n->n, sizeof(char *));
    tc->param_values.v = calloc(n->n, sizeof(char *));
    if (!tc->param_names.v || !tc->param_values.v) {
        fail_at(ld, n, "out of memory");
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const char *k = scalar(ld, n->ch.pairs[i].key, "a parameter name");
        const char *v = scalar(ld, n->ch.pairs[i].value, "a parameter value");
        if (k && v) {
            tc->param_names.v[tc->param_names.n++] = k;
            tc->param_values.v[tc->param_values.n++] = v;
        }
    }
}

static char *resolve_path(const char *test_path, const char *rel)
{
    const char *slash = strrchr(test_path, '/');
    size_t dirlen = rel[0] == '/' || !slash ? 0 : (size_t)(slash - test_path) + 1;
    size_t rl = strlen(rel);
    char *p = malloc(dirlen + rl + 1);
    if (!p)
        return NULL;
    memcpy(p, test_path, dirlen);
    memcpy(p + dirlen, rel, rl + 1);
    return p;
}

static void load_expect(loader *ld, const tn_node *n, cli_testcase *tc)
{
    if (n->type != TN_NODE_MAP) {
        fail_at(ld, n, "expect must be a mapping");
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const tn_node *k = n->ch.pairs[i].key, *v = n->ch.pairs[i].value;
        if (tn_node_str_eq(k, "fail"))
            strs(ld, v, "a rule ID", &tc->expect_fail);
        else if (tn_node_str_eq(k, "pass"))
            strs(ld, v, "a rule ID", &tc->expect_pass);
        else if (tn_node_str_eq(k, "unknown"))
            strs(ld, v, "a rule ID", &tc->expect_unknown);
        else if (tn_node_str_eq(k, "notes"))
            strs(ld, v, "a note code", &tc->expect_notes);
        else if (tn_node_str_eq(k, "messages"))
            strs(ld, v, "a message substring", &tc->expect_messages);
        else if (tn_node_str_eq(k, "count")) {
            if (v->type != TN_NODE_INT || v->as.i < 0)
                fail_at(ld, v, "count must be a non-negative integer");
            else
                tc->expect_count = (long)v->as.i;
        } else
            fail_at(ld, k, "unknown key '%s' in expect (fail, pass, unknown, notes, count, "
                    "messages)", tn_node_is_scalar(k) ? k->str : "?");
    }
}

static void load_case(loader *ld, const tn_node *n, size_t index, cli_testcase *tc)
{
    tc->file = ld->path;
    tc->line = n->span.line;
    tc->column = n->span.col;
    tc->expect_count = -1;
    if (n->type != TN_NODE_MAP) {
        fail_at(ld, n, "a test case must be a mapping");
        return;
    }
    bool has_input = false, has_expect = false;
    for (size_t i = 0; i < n->n; i++) {
        const tn_node *k = n->ch.pairs[i].key, *v = n->ch.pairs[i].value;
        if (tn_node_str_eq(k, "name")) {
            tc->name = scalar(ld, v, "name");
        } else if (tn_node_str_eq(k, "input")) {
            if (v->type != TN_NODE_STRING) {
                fail_at(ld, v, "input must be a string (use a block scalar: `input: |`)");
            } else {
                tc->input = v->str;
                tc->input_len = v->len;
                has_input = true;
            }
        } else if (tn_node_str_eq(k, "filename")) {
            tc->filename = scalar(ld, v, "filename");
        } else if (tn_node_str_eq(k, "input_format")) {
            tc->input_format = scalar(ld, v, "input_format");
        } else if (tn_node_str_eq(k, "operation")) {
            tc->operation = scalar(ld, v, "operation");
        } else if (tn_node_str_eq(k, "regions")) {
            strs(ld, v, "a region", &tc->regions);
        } else if (tn_node_str_eq(k, "params")) {
            load_params(ld, v, tc);
        } else if (tn_node_str_eq(k, "rules")) {
            const char *r = scalar(ld, v, "rules");
            if (r) {
                tc->rules_path = resolve_path(ld->path, r);
                tc->rules_line = v->span.line;
                tc->rules_column = v->span.col;
                if (!tc->rules_path)
                    fail_at(ld, v, "out of memory");
            }
        } else if (tn_node_str_eq(k, "expect")) {
            load_expect(ld, v, tc);
            has_expect = true;
        } else {
            fail_at(ld, k, "unknown key '%s' in a test case (name, input, filename, "
                    "input_format, operation, regions, params, rules, expect)",
                    tn_node_is_scalar(k) ? k->str : "?");
        }
    }
    char label[160];
    if (tc->name)
        snprintf(label, sizeof(label), "test case '%.140s'", tc->name);
    else
        snprintf(label, sizeof(label), "test case %zu", index + 1);
    if (!tc->name)
        fail_at(ld, n, "%s has no name", label);
    if (!has_input)
        fail_at(ld, n, "%s has no input", label);
    if (!has_expect)
        fail_at(ld, n, "%s has no expect", label);
}

bool cli_testfile_load(cli_testfile *tf, const char *path)
{
    memset(tf, 0, sizeof(*tf));
    loader ld = {path, true};
    char *data;
    size_t len;
    int e = cli_read_file(path, &data, &len);
    if (e) {
        fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(e));
        return false;
    }
    tenet_error err = {0};
    const char *text;
    size_t text_len;
    char *owned = NULL;
    int rc = tn_doc_decode_text(data, len, &text, &text_len, &owned, path, &err);
    if (rc == TENET_OK)
        rc = tn_doc_parse_yaml(&tf->doc, text, text_len, path, NULL, &err);
    tn_free(owned);
    free(data);
    if (rc != TENET_OK) {
        if (err.line)
            fprintf(stderr, "%s:%u:%u: error: %s\n", path, (unsigned)err.line,
                    (unsigned)err.column, err.message);
        else
            fprintf(stderr, "%s: error: %s\n", path, err.message);
        return false;
    }
    for (size_t i = 0; i < tf->doc->nnotes; i++) {
        const tn_doc_note *note = &tf->doc->notes[i];
        fprintf(stderr, "%s:%u:%u: error: %s\n", path, (unsigned)note->span.line,
                (unsigned)note->span.col, note->message);
        ld.ok = false;
    }
    const tn_node *root = tf->doc->root;
    const tn_node *tests = tn_map_get(root, "tests");
    if (!root || root->type != TN_NODE_MAP || !tests) {
        fail_at(&ld, root, "a test file is a mapping with a `tests:` list");
        return false;
    }
    for (size_t i = 0; i < root->n; i++)
        if (!tn_node_str_eq(root->ch.pairs[i].key, "tests"))
            fail_at(&ld, root->ch.pairs[i].key, "unknown top-level key '%s' (only `tests`)",
                    tn_node_is_scalar(root->ch.pairs[i].key) ? root->ch.pairs[i].key->str : "?");
    if (tests->type != TN_NODE_SEQ) {
        fail_at(&ld, tests, "`tests` must be a list of test cases");
        return false;
    }
    if (tests->n) {
        tf->cases = calloc(tests->n, sizeof(*tf->cases));
        if (!tf->cases) {
            fail_at(&ld, tests, "out of memory");
            return false;
        }
    }
    tf->ncases = tests->n;
    for (size_t i = 0; i < tests->n; i++)
        load_case(&ld, tests->ch.items[i], i, &tf->cases[i]);
    return ld.ok;
}

static void strs_free(cli_strs *s)
{
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

void cli_testfile_free(cli_testfile *tf)
{
    for (size_t i = 0; i < tf->ncases; i++) {
        cli_testcase *tc = &tf->cases[i];
        strs_free(&tc->regions);
        strs_free(&tc->param_names);
        strs_free(&tc->param_values);
        free(tc->rules_path);
        strs_free(&tc->expect_fail);
        strs_free(&tc->expect_pass);
        strs_free(&tc->expect_unknown);
        strs_free(&tc->expect_notes);
        strs_free(&tc->expect_messages);
    }
    free(tf->cases);
    tn_doc_free(tf->doc);
    memset(tf, 0, sizeof(*tf));
}
