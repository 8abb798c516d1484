/* `tenet check`: checks files (or stdin) into one report and renders it. */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "cli/opt.h"
#include "cli/util.h"
#include <errno.h>
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
    "\n"
    "Options:\n"
    "  --region R            region to evaluate; repeatable, or a comma list; `all` =\n"
    "                        every region of the pack's region set. Default: $AWS_REGION,\n"
    "                        then $AWS_DEFAULT_REGION, else the input's own region\n"
    "  --param K=V           template parameter / variable value; repeatable\n"
    "  --rules FILE          rule pack file; repeatable; replaces the built-in packs\n"
    "  --format FMT          text (default) or json (one JSON object on stdout)\n"
    "  --input-format FMT    auto (default), cloudformation, terraform-plan, ...\n"
    "  --operation NAME      operation for inputs that do not name one\n"
    "  --color WHEN          auto (default: on a terminal without NO_COLOR), always, never\n"
    "  -q, --quiet           text: only errors and warnings, no summary line\n"
    "  --max-scenarios N     parameter/condition scenarios per resource (default 256)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit codes: 0 no error-severity diagnostic; 1 at least one; 2 usage error,\n"
    "unreadable or unparseable input, or a bad rules file.\n";

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
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};

typedef struct check_args {
    cli_strlist regions, param_names, param_values, rules, paths;
    int format;
    const char *input_format;
    const char *operation;
    cli_color color;
    bool quiet;
    size_t max_scenarios;
} check_args;

static void args_free(check_args *a)
{
    cli_strlist_free(&a->regions);
    cli_strlist_free(&a->param_names);
    cli_strlist_free(&a->param_values);
    cli_strlist_free(&a->rules);
    cli_strlist_free(&a->paths);
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
        case OPT_FORMAT:
            if (strcmp(v, "text") == 0)
                a->format = TENET_FORMAT_TEXT;
            else if (strcmp(v, "json") == 0)
                a->format = TENET_FORMAT_JSON;
            else
                return usage_error("--format must be text or json");
            break;
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
        case OPT_HELP:
            fputs(cli_check_usage, stdout);
            return CLI_EXIT_OK;
        default:
            break;
        }
    }
    if (a->paths.n == 0)
        return usage_error("no input: give one or more paths, or - for stdin");
    if (a->regions.n == 0) {
        const char *env = cli_getenv("AWS_REGION");
        if (!env)
            env = cli_getenv("AWS_DEFAULT_REGION");
        if (env && !add_regions(&a->regions, env))
            return oom();
    }
    for (size_t i = 0; i < a->paths.n; i++) {
        struct stat st;
        if (strcmp(a->paths.v[i], "-") != 0 && stat(a->paths.v[i], &st) == 0 &&
            S_ISDIR(st.st_mode)) {
            char msg[300];
            snprintf(msg, sizeof(msg), "%.200s: directories are not supported yet",
                     a->paths.v[i]);
            return usage_error(msg);
        }
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

    long failed = 0;
    for (size_t i = 0; i < a->paths.n; i++) {
        const char *path = a->paths.v[i];
        bool is_stdin = strcmp(path, "-") == 0;
        char *data;
        size_t len;
        int e = cli_read_file(path, &data, &len);
        if (e) {
            /* Recorded in the report, so every output format shows it and
             * the other files are still checked. */
            tenet_error rerr = {0};
            rerr.code = TENET_EIO;
            snprintf(rerr.message, sizeof rerr.message, "cannot read: %s", strerror(e));
            if (tenet_report_add_input_error(report, is_stdin ? "<stdin>" : path, &rerr) != TENET_OK)
                fprintf(stderr, "%s: error: cannot read: %s\n", is_stdin ? "<stdin>" : path,
                        strerror(e));
            failed++;
            continue;
        }
        opts.filename = is_stdin ? "<stdin>" : path;
        tenet_error err = {0};
        int rc = tenet_check(report, rs, data, len, &opts, &err);
        free(data);
        if (rc == TENET_EINVAL || rc == TENET_ENOMEM) {
            /* Bad options or no memory: every other file would fail the same way. */
            cli_error("%s", err.message[0] ? err.message : tenet_status_str(rc));
            free(params);
            return -1;
        }
        if (rc != TENET_OK)
            failed++; /* the report carries the input error and renders it */
    }
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
    tenet_buf out = {0};
    rc = cli_load_ruleset(a.rules.v, a.rules.n, &rs);
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
    tenet_error err = {0};
    int st = tenet_report_render(report, &ro, &out, &err);
    if (st != TENET_OK) {
        cli_error("cannot render the report: %s", err.message[0] ? err.message : tenet_status_str(st));
        goto done;
    }
    size_t len = out.size;
    if (a.quiet && a.format == TENET_FORMAT_TEXT)
        len = strip_summary(out.ptr, out.size);
    if (!cli_write(stdout, out.ptr, len) || fflush(stdout) != 0) {
        cli_error("cannot write the report: %s", strerror(errno));
        goto done;
    }
    tenet_summary sum;
    tenet_report_summary(report, &sum);
    if (failed > 0 || sum.input_errors > 0)
        rc = CLI_EXIT_USAGE;
    else
        rc = sum.errors > 0 ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
done:
    tenet_buf_dispose(&out);
    tenet_report_free(report);
    tenet_ruleset_free(rs);
    args_free(&a);
    return rc;
}
