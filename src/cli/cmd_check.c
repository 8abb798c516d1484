/* `tenet check`: checks files (or stdin) into one report and renders it. */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "cli/config.h"
#include "cli/jobs.h"
#include "cli/opt.h"
#include "cli/util.h"
#include "cli/walk.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <tenet.h>

const char cli_check_usage[] =
    "usage: tenet check [options] PATH... | -\n"
    "\n"
    "Checks each file (a CloudFormation template, Terraform plan JSON, API request,\n"
    "AWS CLI command, ...) against the rules and prints one report. `-` reads stdin.\n"
    "A directory is searched (hidden entries and node_modules skipped, symlinked\n"
    "directories not followed) for the CloudFormation templates and Terraform plans\n"
    "among its .yaml/.yml/.json/.template files; with --input-format, for files in\n"
    "that format, including .sh/.bash/.txt/.md. Other files are skipped silently;\n"
    "files named on the command line are always checked.\n"
    "\n"
    "Options:\n"
    "  --region R            region to evaluate; repeatable, or a comma list; `all` =\n"
    "                        every region of the pack's region set. Default: $AWS_REGION,\n"
    "                        then $AWS_DEFAULT_REGION, else the input's own region\n"
    "  --param K=V           template parameter / variable value; repeatable\n"
    "  --rules FILE          rule pack file; repeatable; replaces the built-in packs\n"
    "  --format FMT          text (default), json (one JSON object), sarif (SARIF\n"
    "                        2.1.0), junit (JUnit XML) or github (Actions annotations)\n"
    "  --base-dir DIR        sarif: file URIs relative to DIR (default: the working\n"
    "                        directory)\n"
    "  --input-format FMT    auto (default), cloudformation, terraform-plan, ...\n"
    "  --operation NAME      operation for inputs that do not name one\n"
    "  --color WHEN          auto (default: on a terminal without NO_COLOR), always, never\n"
    "  -q, --quiet           text: only errors and warnings, no summary line\n"
    "  --max-scenarios N     parameter/condition scenarios per resource (default 256)\n"
    "  --max-input-bytes N, --max-depth N, --max-alias-nodes N, --max-scalar-bytes N,\n"
    "  --regex-match-limit N, --regex-depth-limit N\n"
    "                        limits (README, Hardening); N may end in K, M or G\n"
    "  --exclude GLOB        skip directory entries whose path (relative to the\n"
    "                        directory, or as shown) or name matches; repeatable\n"
    "  --skip-unrecognized   check named files only when recognised, like files found\n"
    "                        in a directory (for hooks that pass every changed file)\n"
    "  -j, --jobs N          files checked in parallel (default: online CPUs); the\n"
    "                        output is the same for every N, sorted by file\n"
    "  --fail-on LEVEL       exit 1 on an unsuppressed diagnostic at or above LEVEL:\n"
    "                        error (default), warning, info, or never\n"
    "  --config FILE         read this configuration instead of the nearest .tenet.yaml\n"
    "                        (searched from the working directory up to the repository\n"
    "                        root); command-line options win over the file\n"
    "  --no-config           read no configuration file\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit codes: 0 nothing at or above the --fail-on level (suppressed diagnostics\n"
    "never count); 1 at least one; 2 usage error, unreadable or unparseable input,\n"
    "or a bad rules or configuration file.\n";

enum {
    OPT_REGION = 1,
    OPT_PARAM,
    OPT_RULES,
    OPT_FORMAT,
    OPT_INPUT_FORMAT,
    OPT_OPERATION,
    OPT_COLOR,
    OPT_QUIET,
    OPT_MAX_SCENARIOS,
    OPT_MAX_INPUT_BYTES,
    OPT_MAX_DEPTH,
    OPT_MAX_ALIAS_NODES,
    OPT_MAX_SCALAR_BYTES,
    OPT_REGEX_MATCH_LIMIT,
    OPT_REGEX_DEPTH_LIMIT,
    OPT_EXCLUDE,
    OPT_SKIP_UNRECOGNIZED,
    OPT_JOBS,
    OPT_FAIL_ON,
    OPT_CONFIG,
    OPT_NO_CONFIG,
    OPT_BASE_DIR,
    OPT_HELP
};

static const cli_opt_spec check_opts[] = {
    {"region", 0, true, OPT_REGION},
    {"param", 0, true, OPT_PARAM},
    {"rules", 0, true, OPT_RULES},
    {"format", 0, true, OPT_FORMAT},
    {"input-format", 0, true, OPT_INPUT_FORMAT},
    {"operation", 0, true, OPT_OPERATION},
    {"color", 0, true, OPT_COLOR},
    {"quiet", 'q', false, OPT_QUIET},
    {"max-scenarios", 0, true, OPT_MAX_SCENARIOS},
    {"max-input-bytes", 0, true, OPT_MAX_INPUT_BYTES},
    {"max-depth", 0, true, OPT_MAX_DEPTH},
    {"max-alias-nodes", 0, true, OPT_MAX_ALIAS_NODES},
    {"max-scalar-bytes", 0, true, OPT_MAX_SCALAR_BYTES},
    {"regex-match-limit", 0, true, OPT_REGEX_MATCH_LIMIT},
    {"regex-depth-limit", 0, true, OPT_REGEX_DEPTH_LIMIT},
    {"exclude", 0, true, OPT_EXCLUDE},
    {"skip-unrecognized", 0, false, OPT_SKIP_UNRECOGNIZED},
    {"jobs", 'j', true, OPT_JOBS},
    {"fail-on", 0, true, OPT_FAIL_ON},
    {"config", 0, true, OPT_CONFIG},
    {"no-config", 0, false, OPT_NO_CONFIG},
    {"base-dir", 0, true, OPT_BASE_DIR},
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};

typedef struct check_args {
    cli_strlist regions, param_names, param_values, rules, paths;
    int format;
    const char *input_format;
    const char *base_dir;
    const char *operation;
    cli_color color;
    bool quiet;
    size_t max_scenarios;
    /* --max-input-bytes ... --regex-depth-limit, in that order; 0 = default */
    size_t limits[6];
    cli_strlist excludes;
    bool skip_unrecognized;
    size_t jobs; /* 0 = online CPUs */
    cli_fail_on fail_on;
    const char *config_path; /* --config */
    bool no_config;
    cli_config config;
} check_args;

static void args_free(check_args *a)
{
    cli_strlist_free(&a->regions);
    cli_strlist_free(&a->param_names);
    cli_strlist_free(&a->param_values);
    cli_strlist_free(&a->rules);
    cli_strlist_free(&a->paths);
    cli_strlist_free(&a->excludes);
    cli_config_free(&a->config);
}

static int usage_error(const char *msg)
{
    cli_error("%s (run `tenet check --help`)", msg);
    return CLI_EXIT_USAGE;
}

static int oom(void)
{
    cli_error("out of memory");
    return CLI_EXIT_USAGE;
}

/* Adds each comma-separated region of `list`, skipping empties and repeats. */
static bool add_regions(cli_strlist *regions, const char *list)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len > 0 && !cli_strlist_contains(regions, p, len) &&
            !cli_strlist_push(regions, p, len))
            return false;
        p += len;
        if (*p == ',')
            p++;
    }
    return true;
}

/* A positive count with an optional binary suffix: 64K, 16M, 1G. */
static bool parse_limit(const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || v[0] == '-' || n == 0)
        return false;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    if (*end || n > (SIZE_MAX >> shift))
        return false;
    *out = (size_t)n << shift;
    return true;
}

/* Parses argv into `a`; returns -1 to continue, or an exit code. */
static int parse_args(int argc, char **argv, check_args *a)
{
    cli_opt_parser p;
    cli_opt_init(&p, check_opts, argc, argv);
    const char *v;
    int id;
    while ((id = cli_opt_next(&p, &v)) != CLI_OPT_DONE) {
        switch (id) {
        case CLI_OPT_ERROR:
            return usage_error(p.error);
        case CLI_OPT_POSITIONAL:
            if (!cli_strlist_push(&a->paths, v, strlen(v)))
                return oom();
            break;
        case OPT_REGION:
            if (!add_regions(&a->regions, v))
                return oom();
            break;
        case OPT_PARAM: {
            const char *eq = strchr(v, '=');
            if (!eq || eq == v) {
                char msg[300];
                snprintf(msg, sizeof(msg), "--param expects NAME=VALUE, got '%.200s'", v);
                return usage_error(msg);
            }
            if (!cli_strlist_push(&a->param_names, v, (size_t)(eq - v)) ||
                !cli_strlist_push(&a->param_values, eq + 1, strlen(eq + 1)))
                return oom();
            break;
        }
        case OPT_RULES:
            if (!cli_strlist_push(&a->rules, v, strlen(v)))
                return oom();
            break;
        case OPT_FORMAT: {
            static const struct { const char *name; int format; } formats[] = {
                {"text", TENET_FORMAT_TEXT},   {"json", TENET_FORMAT_JSON},
                {"sarif", TENET_FORMAT_SARIF}, {"junit", TENET_FORMAT_JUNIT},
                {"github", TENET_FORMAT_GITHUB}};
            size_t k = 0, n = sizeof formats / sizeof formats[0];
            while (k < n && strcmp(v, formats[k].name) != 0)
                k++;
            if (k == n)
                return usage_error("--format must be text, json, sarif, junit or github");
            a->format = formats[k].format;
            break;
        }
        case OPT_BASE_DIR: {
            struct stat st;
            if (stat(v, &st) != 0 || !S_ISDIR(st.st_mode)) {
                char msg[300];
                snprintf(msg, sizeof(msg), "--base-dir %.200s: not a directory", v);
                return usage_error(msg);
            }
            a->base_dir = v;
            break;
        }
        case OPT_INPUT_FORMAT:
            a->input_format = v;
            break;
        case OPT_OPERATION:
            a->operation = v;
            break;
        case OPT_COLOR:
            if (!cli_parse_color(v, &a->color))
                return usage_error("--color must be auto, always or never");
            break;
        case OPT_QUIET:
            a->quiet = true;
            break;
        case OPT_MAX_SCENARIOS: {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(v, &end, 10);
            if (errno || end == v || *end || v[0] == '-' || n == 0)
                return usage_error("--max-scenarios expects a positive integer");
            a->max_scenarios = (size_t)n;
            break;
        }
        case OPT_MAX_INPUT_BYTES:
        case OPT_MAX_DEPTH:
        case OPT_MAX_ALIAS_NODES:
        case OPT_MAX_SCALAR_BYTES:
        case OPT_REGEX_MATCH_LIMIT:
        case OPT_REGEX_DEPTH_LIMIT:
            if (!parse_limit(v, &a->limits[id - OPT_MAX_INPUT_BYTES])) {
                const cli_opt_spec *o = check_opts;
                while (o->id != id)
                    o++;
                char msg[300];
                snprintf(msg, sizeof(msg), "--%s expects a positive integer (K, M, G allowed)",
                         o->name);
                return usage_error(msg);
            }
            break;
        case OPT_EXCLUDE:
            if (!cli_strlist_push(&a->excludes, v, strlen(v)))
                return oom();
            break;
        case OPT_SKIP_UNRECOGNIZED:
            a->skip_unrecognized = true;
            break;
        case OPT_JOBS: {
            char *end;
            errno = 0;
            unsigned long n = strtoul(v, &end, 10);
            if (errno || end == v || *end || v[0] == '-' || n == 0 || n > 1024)
                return usage_error("--jobs expects a number from 1 to 1024");
            a->jobs = (size_t)n;
            break;
        }
        case OPT_FAIL_ON:
            if (!cli_parse_fail_on(v, &a->fail_on))
                return usage_error("--fail-on must be error, warning, info or never");
            break;
        case OPT_CONFIG:
            a->config_path = v;
            break;
        case OPT_NO_CONFIG:
            a->no_config = true;
            break;
        case OPT_HELP:
            fputs(cli_check_usage, stdout);
            return CLI_EXIT_OK;
        default:
            break;
        }
    }
    if (a->paths.n == 0)
        return usage_error("no input: give one or more paths, or - for stdin");
    if (a->config_path && a->no_config)
        return usage_error("--config and --no-config exclude each other");
    /* The configuration fills what the command line left out. */
    if (!a->no_config) {
        int rc = cli_config_load(&a->config, a->config_path);
        if (rc)
            return rc;
        if (!cli_config_merge(&a->config, &a->rules, &a->regions, &a->param_names,
                              &a->param_values))
            return oom();
        for (size_t i = 0; i < a->config.nexclude; i++)
            if (!cli_strlist_push(&a->excludes, a->config.exclude[i], strlen(a->config.exclude[i])))
                return oom();
        if (a->fail_on == CLI_FAIL_ON_UNSET)
            a->fail_on = a->config.fail_on;
    }
    if (a->regions.n == 0) {
        const char *env = cli_getenv("AWS_REGION");
        if (!env)
            env = cli_getenv("AWS_DEFAULT_REGION");
        if (env && !add_regions(&a->regions, env))
            return oom();
    }
    if (a->input_format && !cli_input_format(a->input_format, NULL)) {
        char msg[400];
        snprintf(msg, sizeof(msg), "unknown input format %.100s (expected one of: auto, %s)",
                 a->input_format, cli_input_format_names());
        return usage_error(msg);
    }
    return -1;
}

/* The text renderer ends with a summary line; --quiet drops it. */
static size_t strip_summary(const char *text, size_t len)
{
    if (len == 0)
        return 0;
    size_t end = len;
    if (text[end - 1] == '\n')
        end--;
    while (end > 0 && text[end - 1] != '\n')
        end--;
    /* Also drop the blank separator line before the summary, if any. */
    if (end >= 2 && text[end - 1] == '\n' && text[end - 2] == '\n')
        end--;
    return end;
}

/* Where the rendered report goes, piece by piece. For --quiet text the
 * end is held back: strip_summary() cuts within the last three line
 * breaks, so everything before the third-to-last break seen so far can go
 * out at once. */
typedef struct report_out {
    FILE *fp;
    bool strip; /* drop the summary line at the end */
    char *held;
    size_t n, cap;
    int error; /* errno of the write that failed; 0 = none failed */
    bool oom;  /* nowhere to hold the end */
} report_out;

static bool out_emit(report_out *o, const char *data, size_t len)
{
    if (o->error)
        return false;
    errno = 0;
    if (!cli_write(o->fp, data, len)) {
        o->error = errno ? errno : EIO;
        return false;
    }
    return true;
}

static bool out_hold(report_out *o, const char *data, size_t len)
{
    if (len > o->cap - o->n) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap - o->n < len) {
            if (cap > SIZE_MAX / 2)
                return false;
            cap *= 2;
        }
        char *p = realloc(o->held, cap);
        if (!p)
            return false;
        o->held = p;
        o->cap = cap;
    }
    memcpy(o->held + o->n, data, len);
    o->n += len;
    return true;
}

/* Where the third-to-last line break of `s` is, or `len` if it has fewer. */
static size_t third_last_break(const char *s, size_t len)
{
    size_t at = len, breaks = 0;
    while (at > 0 && breaks < 3)
        if (s[--at] == '\n')
            breaks++;
    return breaks == 3 ? at : len;
}

static int out_write(void *ctx, const char *data, size_t len)
{
    report_out *o = ctx;
    if (!o->strip)
        return out_emit(o, data, len) ? 0 : -1;
    size_t cut = third_last_break(data, len);
    if (cut < len) { /* what was held goes out, and this piece up to the cut */
        if (!out_emit(o, o->held, o->n) || !out_emit(o, data, cut))
            return -1;
        o->n = 0;
        data += cut;
        len -= cut;
    }
    if (!out_hold(o, data, len)) {
        o->oom = true;
        return -1;
    }
    cut = third_last_break(o->held, o->n);
    if (cut < o->n) {
        if (!out_emit(o, o->held, cut))
            return -1;
        memmove(o->held, o->held + cut, o->n - cut);
        o->n -= cut;
    }
    return 0;
}

/* Writes what is still held, minus the summary. */
static bool out_finish(report_out *o)
{
    return !o->strip || out_emit(o, o->held, strip_summary(o->held, o->n));
}

/* Checks every path into `report`. Returns the number of inputs that could
 * not be read or judged, or -1 after a fatal error already printed. */
static long check_all(const check_args *a, const tenet_ruleset *rs, tenet_report *report)
{
    tenet_param *params = NULL;
    if (a->param_names.n) {
        params = calloc(a->param_names.n, sizeof(*params));
        if (!params) {
            oom();
            return -1;
        }
        for (size_t i = 0; i < a->param_names.n; i++) {
            params[i].name = a->param_names.v[i];
            params[i].value = a->param_values.v[i];
        }
    }
    tenet_check_options opts;
    tenet_check_options_init(&opts, TENET_CHECK_OPTIONS_VERSION);
    opts.regions = (const char *const *)a->regions.v;
    opts.region_count = a->regions.n;
    opts.params = params;
    opts.param_count = a->param_names.n;
    opts.input_format = a->input_format;
    opts.operation = a->operation;
    opts.max_scenarios = a->max_scenarios;
    cli_config_apply(&a->config, &opts);
    const size_t *lim = a->limits;
    opts.max_input_bytes = lim[0] ? lim[0] : opts.max_input_bytes;
    opts.max_depth = lim[1] ? lim[1] : opts.max_depth;
    opts.max_alias_nodes = lim[2] ? lim[2] : opts.max_alias_nodes;
    opts.max_scalar_bytes = lim[3] ? lim[3] : opts.max_scalar_bytes;
    opts.regex_match_limit = lim[4] ? lim[4] : opts.regex_match_limit;
    opts.regex_depth_limit = lim[5] ? lim[5] : opts.regex_depth_limit;

    /* Directories become their files; the list is sorted, and the merge
     * keeps that order, so the report is the same whatever -j is. */
    const char *want = NULL;
    cli_input_format(a->input_format, &want);
    cli_walk_options wo = {a->excludes.v, a->excludes.n, want != NULL};
    cli_inputs inputs = {0};
    long failed = -1;
    if (cli_collect_inputs(a->paths.v, a->paths.n, &wo, &inputs) != 0) {
        oom();
    } else {
        cli_check_job job = {&inputs, rs, &opts, want, a->skip_unrecognized,
                             a->jobs ? a->jobs : cli_online_cpus(), &a->config};
        failed = cli_check_inputs(&job, report);
    }
    cli_inputs_free(&inputs);
    free(params);
    return failed;
}

int cli_cmd_check(int argc, char **argv)
{
    check_args a = {0};
    a.format = TENET_FORMAT_TEXT;
    a.color = CLI_COLOR_AUTO;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0) {
        args_free(&a);
        return rc;
    }
    tenet_ruleset *rs = NULL;
    tenet_report *report = NULL;
    report_out out = {stdout, a.quiet && a.format == TENET_FORMAT_TEXT, NULL, 0, 0, 0, false};
    rc = cli_config_load_ruleset(&a.config, a.rules.v, a.rules.n, &rs);
    if (rc)
        goto done;
    rc = CLI_EXIT_USAGE;
    if (tenet_report_new(&report) != TENET_OK) {
        oom();
        goto done;
    }
    long failed = check_all(&a, rs, report);
    if (failed < 0)
        goto done;

    tenet_render_options ro;
    tenet_render_options_init(&ro, TENET_RENDER_OPTIONS_VERSION);
    ro.format = a.format;
    ro.color = a.format == TENET_FORMAT_TEXT && cli_use_color(a.color, stdout);
    ro.min_severity = a.quiet ? TENET_SEVERITY_WARNING : TENET_SEVERITY_INFO;
    ro.base_dir = a.base_dir;
    ro.ruleset = rs; /* SARIF lists every rule, not only those that fired */
    tenet_error err = {0};
    int st = tenet_report_write(report, &ro, out_write, &out, &err);
    if (out.oom) {
        oom();
        goto done;
    }
    if (st != TENET_OK && !out.error) {
        cli_error("cannot render the report: %s", err.message[0] ? err.message : tenet_status_str(st));
        goto done;
    }
    if (out.error || !out_finish(&out) || fflush(stdout) != 0) {
        cli_error("cannot write the report: %s", strerror(out.error ? out.error : errno));
        goto done;
    }
    tenet_summary sum;
    tenet_report_summary(report, &sum);
    if (failed > 0 || sum.input_errors > 0)
        rc = CLI_EXIT_USAGE;
    else
        rc = cli_findings_exit(&sum, a.fail_on);
done:
    free(out.held);
    tenet_report_free(report);
    tenet_ruleset_free(rs);
    args_free(&a);
    return rc;
}
