/* `tenet test`: runs rule tests and, with --coverage, checks that every rule
 * has a fail, a pass and an unknown expectation. */
#include "cli/cli.h"
#include "cli/opt.h"
#include "cli/testfile.h"
#include "cli/util.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <tenet.h>

const char cli_test_usage[] =
    "usage: tenet test [--coverage] [--rules FILE]... FILE...\n"
    "\n"
    "Runs the rule tests in each FILE (format: rules/README.md, \"Rule tests\") and\n"
    "prints PASS/FAIL per case, then a closing line `N passed, N failed`.\n"
    "\n"
    "Options:\n"
    "  --rules FILE   rule pack file for cases without their own `rules:`;\n"
    "                 repeatable; replaces the built-in packs\n"
    "  --coverage     also fail unless every rule of those packs has at least one\n"
    "                 fail, one pass and one unknown expectation across all files\n"
    "  -h, --help     show this help\n"
    "\n"
    "Exit codes: 0 all cases pass; 1 a case failed or coverage has gaps;\n"
    "2 usage error, unreadable or bad test file, or bad rules file.\n";

/* Compiled rulesets, one per distinct `rules:` path (NULL = the default). */
typedef struct rs_cache_entry {
    const char *path;
    tenet_ruleset *rs; /* NULL when it failed to compile */
} rs_cache_entry;

typedef struct test_run {
    char *const *default_rules;
    size_t ndefault_rules;
    rs_cache_entry *cache;
    size_t ncache;
    bool bad_rules; /* a rules file failed: exit 2 */
    size_t passed, failed;
} test_run;

static bool same_path(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static tenet_ruleset *get_ruleset(test_run *t, const char *path)
{
    for (size_t i = 0; i < t->ncache; i++)
        if (same_path(t->cache[i].path, path))
            return t->cache[i].rs;
    rs_cache_entry *nc = realloc(t->cache, (t->ncache + 1) * sizeof(*nc));
    if (!nc)
        return NULL;
    t->cache = nc;
    tenet_ruleset *rs = NULL;
    char *one[1] = {(char *)path};
    if ((path ? cli_load_ruleset(one, 1, &rs) : cli_load_ruleset(t->default_rules, t->ndefault_rules, &rs)))
        t->bad_rules = true;
    t->cache[t->ncache].path = path;
    t->cache[t->ncache].rs = rs;
    t->ncache++;
    return rs;
}

/* A growing problem description for one case. */
typedef struct problems {
    char text[2048];
    size_t len;
} problems;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void add_problem(problems *p, const char *fmt, ...)
{
    if (p->len + 4 >= sizeof(p->text))
        return;
    if (p->len)
        p->len += (size_t)snprintf(p->text + p->len, sizeof(p->text) - p->len, ", ");
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(p->text + p->len, sizeof(p->text) - p->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        p->len += (size_t)n;
    if (p->len >= sizeof(p->text))
        p->len = sizeof(p->text) - 1;
}

static bool has_diag(const tenet_report *r, const char *rule, const char *verdict)
{
    size_t n = tenet_report_count(r);
    for (size_t i = 0; i < n; i++) {
        tenet_diagnostic d = {0};
        d.version = TENET_DIAGNOSTIC_VERSION;
        if (tenet_report_get(r, i, &d) != TENET_OK || !d.rule || strcmp(d.rule, rule) != 0)
            continue;
        if (!verdict || (d.verdict && strcmp(d.verdict, verdict) == 0))
            return true;
    }
    return false;
}

static bool has_message(const tenet_report *r, const char *needle)
{
    size_t n = tenet_report_count(r);
    for (size_t i = 0; i < n; i++) {
        tenet_diagnostic d = {0};
        d.version = TENET_DIAGNOSTIC_VERSION;
        if (tenet_report_get(r, i, &d) == TENET_OK && d.message && strstr(d.message, needle))
            return true;
    }
    return false;
}

static void print_got(const tenet_report *r)
{
    size_t n = tenet_report_count(r);
    fputs("; got: [", stdout);
    for (size_t i = 0; i < n; i++) {
        tenet_diagnostic d = {0};
        d.version = TENET_DIAGNOSTIC_VERSION;
        if (tenet_report_get(r, i, &d) != TENET_OK)
            continue;
        printf("%s%s:%s", i ? ", " : "", d.rule ? d.rule : "?", d.verdict ? d.verdict : "?");
    }
    fputs("]", stdout);
}

static void check_ids_exist(const tenet_ruleset *rs, const cli_strs *ids, problems *p)
{
    for (size_t i = 0; i < ids->n; i++) {
        size_t index;
        if (tenet_ruleset_find_rule(rs, ids->v[i], &index) != TENET_OK)
            add_problem(p, "%s is not a rule of the loaded packs", ids->v[i]);
    }
}

/* Runs one case; prints PASS/FAIL and counts it. */
static void run_case(test_run *t, const cli_testcase *tc)
{
    problems p = {{0}, 0};
    tenet_report *report = NULL;
    tenet_param *params = NULL;
    tenet_ruleset *rs = get_ruleset(t, tc->rules_path);
    if (!rs) {
        add_problem(&p, "the rules could not be loaded");
        goto verdict;
    }
    check_ids_exist(rs, &tc->expect_fail, &p);
    check_ids_exist(rs, &tc->expect_pass, &p);
    check_ids_exist(rs, &tc->expect_unknown, &p);
    if (tc->param_names.n) {
        params = calloc(tc->param_names.n, sizeof(*params));
        if (!params) {
            add_problem(&p, "out of memory");
            goto verdict;
        }
        for (size_t i = 0; i < tc->param_names.n; i++) {
            params[i].name = tc->param_names.v[i];
            params[i].value = tc->param_values.v[i];
        }
    }
    tenet_check_options opts;
    tenet_check_options_init(&opts, TENET_CHECK_OPTIONS_VERSION);
    opts.filename = tc->filename ? tc->filename : "<test>.yaml";
    opts.regions = tc->regions.v;
    opts.region_count = tc->regions.n;
    opts.params = params;
    opts.param_count = tc->param_names.n;
    opts.input_format = tc->input_format;
    opts.operation = tc->operation;
    if (tenet_report_new(&report) != TENET_OK) {
        add_problem(&p, "out of memory");
        goto verdict;
    }
    tenet_error err = {0};
    int rc = tenet_check(report, rs, tc->input, tc->input_len, &opts, &err);
    if (rc != TENET_OK) {
        if (err.line)
            add_problem(&p, "the input could not be checked: %u:%u: %s", (unsigned)err.line,
                        (unsigned)err.column, err.message);
        else
            add_problem(&p, "the input could not be checked: %s",
                        err.message[0] ? err.message : tenet_status_str(rc));
        goto verdict;
    }
    for (size_t i = 0; i < tc->expect_fail.n; i++)
        if (!has_diag(report, tc->expect_fail.v[i], "fail"))
            add_problem(&p, "expected %s to fail", tc->expect_fail.v[i]);
    for (size_t i = 0; i < tc->expect_unknown.n; i++)
        if (!has_diag(report, tc->expect_unknown.v[i], "unknown"))
            add_problem(&p, "expected %s to be unknown", tc->expect_unknown.v[i]);
    for (size_t i = 0; i < tc->expect_pass.n; i++)
        if (has_diag(report, tc->expect_pass.v[i], NULL))
            add_problem(&p, "expected %s to pass", tc->expect_pass.v[i]);
    for (size_t i = 0; i < tc->expect_notes.n; i++)
        if (!has_diag(report, tc->expect_notes.v[i], "note"))
            add_problem(&p, "expected note %s", tc->expect_notes.v[i]);
    if (tc->expect_count >= 0 && tenet_report_count(report) != (size_t)tc->expect_count)
        add_problem(&p, "expected %ld diagnostics, got %zu", tc->expect_count,
                    tenet_report_count(report));
    for (size_t i = 0; i < tc->expect_messages.n; i++)
        if (!has_message(report, tc->expect_messages.v[i]))
            add_problem(&p, "expected a message containing \"%s\"", tc->expect_messages.v[i]);
verdict:
    if (p.len == 0) {
        printf("PASS %s\n", tc->name);
        t->passed++;
    } else {
        printf("FAIL %s: %s", tc->name, p.text);
        if (report)
            print_got(report);
        printf("\n     at %s:%u:%u\n", tc->file, (unsigned)tc->line, (unsigned)tc->column);
        t->failed++;
    }
    free(params);
    tenet_report_free(report);
}

enum { COV_FAIL = 1, COV_PASS = 2, COV_UNKNOWN = 4 };

static void mark(const char *id, int bit, const tenet_ruleset *rs, unsigned char *cov)
{
    size_t index;
    if (tenet_ruleset_find_rule(rs, id, &index) == TENET_OK)
        cov[index] |= (unsigned char)bit;
}

/* Lists coverage gaps of the default ruleset; returns their number. */
static size_t coverage(test_run *t, const cli_testfile *files, size_t nfiles)
{
    const tenet_ruleset *rs = get_ruleset(t, NULL);
    if (!rs)
        return 1;
    size_t nrules = tenet_ruleset_rule_count(rs);
    unsigned char *cov = calloc(nrules ? nrules : 1, 1);
    if (!cov) {
        cli_error("out of memory");
        return 1;
    }
    for (size_t f = 0; f < nfiles; f++) {
        for (size_t c = 0; c < files[f].ncases; c++) {
            const cli_testcase *tc = &files[f].cases[c];
            for (size_t i = 0; i < tc->expect_fail.n; i++)
                mark(tc->expect_fail.v[i], COV_FAIL, rs, cov);
            for (size_t i = 0; i < tc->expect_pass.n; i++)
                mark(tc->expect_pass.v[i], COV_PASS, rs, cov);
            for (size_t i = 0; i < tc->expect_unknown.n; i++)
                mark(tc->expect_unknown.v[i], COV_UNKNOWN, rs, cov);
        }
    }
    size_t gaps = 0;
    for (size_t i = 0; i < nrules; i++) {
        if (cov[i] == (COV_FAIL | COV_PASS | COV_UNKNOWN))
            continue;
        tenet_rule_info ri = {0};
        ri.version = TENET_RULE_INFO_VERSION;
        tenet_ruleset_rule_info(rs, i, &ri);
        const char *missing[3];
        int nm = 0;
        if (!(cov[i] & COV_FAIL))
            missing[nm++] = "fail";
        if (!(cov[i] & COV_PASS))
            missing[nm++] = "pass";
        if (!(cov[i] & COV_UNKNOWN))
            missing[nm++] = "unknown";
        printf("coverage: %s has no ", ri.id ? ri.id : "?");
        for (int m = 0; m < nm; m++)
            printf("%s%s", m == 0 ? "" : (m == nm - 1 ? " or " : ", "), missing[m]);
        printf(" expectation\n");
        gaps++;
    }
    printf("coverage: %zu of %zu rules have fail, pass and unknown expectations\n", nrules - gaps,
           nrules);
    free(cov);
    return gaps;
}

enum { OPT_RULES = 1, OPT_COVERAGE, OPT_HELP };

static const cli_opt_spec test_opts[] = {
    {"rules", 0, true, OPT_RULES},
    {"coverage", 0, false, OPT_COVERAGE},
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};

int cli_cmd_test(int argc, char **argv)
{
    cli_strlist rules = {0}, paths = {0};
    bool want_coverage = false;
    cli_opt_parser p;
    cli_opt_init(&p, test_opts, argc, argv);
    const char *v;
    int id, rc = -1;
    while (rc < 0 && (id = cli_opt_next(&p, &v)) != CLI_OPT_DONE) {
        switch (id) {
        case CLI_OPT_ERROR:
            cli_error("%s (run `tenet test --help`)", p.error);
            rc = CLI_EXIT_USAGE;
            break;
        case CLI_OPT_POSITIONAL:
            if (!cli_strlist_push(&paths, v, strlen(v)))
                rc = CLI_EXIT_USAGE;
            break;
        case OPT_RULES:
            if (!cli_strlist_push(&rules, v, strlen(v)))
                rc = CLI_EXIT_USAGE;
            break;
        case OPT_COVERAGE:
            want_coverage = true;
            break;
        case OPT_HELP:
            fputs(cli_test_usage, stdout);
            rc = CLI_EXIT_OK;
            break;
        default:
            break;
        }
    }
    if (rc < 0 && paths.n == 0) {
        cli_error("no test files (run `tenet test --help`)");
        rc = CLI_EXIT_USAGE;
    }
    cli_testfile *files = NULL;
    test_run t = {0};
    if (rc >= 0)
        goto done;
    files = calloc(paths.n, sizeof(*files));
    if (!files) {
        cli_error("out of memory");
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    /* Validate every file before running anything: a bad file is exit 2. */
    bool files_ok = true;
    for (size_t i = 0; i < paths.n; i++)
        if (!cli_testfile_load(&files[i], paths.v[i]))
            files_ok = false;
    if (!files_ok) {
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    t.default_rules = rules.v;
    t.ndefault_rules = rules.n;
    for (size_t i = 0; i < paths.n; i++)
        for (size_t c = 0; c < files[i].ncases; c++)
            run_case(&t, &files[i].cases[c]);
    size_t gaps = want_coverage ? coverage(&t, files, paths.n) : 0;
    printf("%zu passed, %zu failed\n", t.passed, t.failed);
    if (t.bad_rules)
        rc = CLI_EXIT_USAGE;
    else
        rc = t.failed || gaps ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
done:
    fflush(stdout);
    for (size_t i = 0; i < t.ncache; i++)
        tenet_ruleset_free(t.cache[i].rs);
    free(t.cache);
    if (files)
        for (size_t i = 0; i < paths.n; i++)
            cli_testfile_free(&files[i]);
    free(files);
    cli_strlist_free(&rules);
    cli_strlist_free(&paths);
    return rc;
}
