/* `tenet rules` (the rule table) and `tenet rules show ID` (one rule in
 * full); also the --rules loading shared by every command. */
#include "cli/cli.h"
#include "cli/opt.h"
#include "cli/util.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <tenet.h>

const char cli_rules_usage[] =
    "usage: tenet rules [--rules FILE]...\n"
    "       tenet rules [--rules FILE]... show ID\n"
    "\n"
    "Lists the rules (id, severity, kind, title), or shows everything about one:\n"
    "its operations, pack, source section and quote, explanation, message and fix.\n"
    "\n"
    "Options:\n"
    "  --rules FILE   rule pack file; repeatable; replaces the built-in packs\n"
    "  -h, --help     show this help\n"
    "\n"
    "Exit codes: 0 ok; 2 usage error, bad rules file or unknown rule ID.\n";

int cli_load_ruleset(char *const *paths, size_t n, tenet_ruleset **out)
{
    return cli_load_ruleset_with(paths, n, NULL, out);
}

int cli_load_ruleset_with(char *const *paths, size_t n, const tenet_rules_source *extra,
                          tenet_ruleset **out)
{
    *out = NULL;
    tenet_error err = {0};
    int rc;
    if (n == 0 && !extra) {
        rc = tenet_ruleset_builtin(out, &err);
    } else {
        /* The files, or the built-in packs when none is given; then `extra`. */
        size_t nbuiltin = 0;
        if (n == 0)
            while (tenet_builtin_pack(nbuiltin, NULL, NULL))
                nbuiltin++;
        size_t total = (n ? n : nbuiltin) + (extra ? 1 : 0);
        tenet_rules_source *src = calloc(total ? total : 1, sizeof(*src));
        if (!src) {
            cli_error("out of memory");
            return CLI_EXIT_USAGE;
        }
        for (size_t i = 0; i < nbuiltin; i++)
            src[i].data = tenet_builtin_pack(i, &src[i].name, &src[i].len);
        size_t loaded = 0;
        rc = TENET_OK;
        for (; loaded < n; loaded++) {
            char *data;
            size_t len;
            int e = cli_read_file(paths[loaded], &data, &len);
            if (e) {
                fprintf(stderr, "%s: error: cannot read: %s\n", paths[loaded], strerror(e));
                rc = TENET_EIO;
                break;
            }
            src[loaded].name = paths[loaded];
            src[loaded].data = data;
            src[loaded].len = len;
        }
        if (extra)
            src[total - 1] = *extra;
        if (rc == TENET_OK)
            rc = tenet_ruleset_compile(out, src, total, &err);
        for (size_t i = 0; i < loaded; i++)
            free((char *)src[i].data);
        free(src);
        if (rc == TENET_EIO)
            return CLI_EXIT_USAGE;
    }
    if (rc == TENET_OK)
        return 0;
    const char *where = err.source[0] ? err.source : (n ? paths[0] : "<builtin>");
    const char *msg = err.message[0] ? err.message : tenet_status_str(rc);
    if (err.line)
        fprintf(stderr, "%s:%u:%u: error: %s\n", where, (unsigned)err.line,
                (unsigned)err.column, msg);
    else
        fprintf(stderr, "%s: error: %s\n", where, msg);
    *out = NULL;
    return CLI_EXIT_USAGE;
}

static const char *severity_name(tenet_severity s)
{
    switch (s) {
    case TENET_SEVERITY_ERROR:
        return "error";
    case TENET_SEVERITY_WARNING:
        return "warning";
    default:
        return "info";
    }
}

static const char *str_or(const char *s, const char *dflt)
{
    return s && *s ? s : dflt;
}

static int list_rules(const tenet_ruleset *rs)
{
    size_t n = tenet_ruleset_rule_count(rs);
    int wid = 2, wsev = 8, wkind = 4;
    for (size_t i = 0; i < n; i++) {
        tenet_rule_info ri = {0};
        ri.version = TENET_RULE_INFO_VERSION;
        if (tenet_ruleset_rule_info(rs, i, &ri) != TENET_OK)
            continue;
        int l = (int)strlen(str_or(ri.id, ""));
        wid = l > wid ? l : wid;
        l = (int)strlen(str_or(ri.kind, ""));
        wkind = l > wkind ? l : wkind;
    }
    printf("%-*s  %-*s  %-*s  %s\n", wid, "ID", wsev, "SEVERITY", wkind, "KIND", "TITLE");
    for (size_t i = 0; i < n; i++) {
        tenet_rule_info ri = {0};
        ri.version = TENET_RULE_INFO_VERSION;
        if (tenet_ruleset_rule_info(rs, i, &ri) != TENET_OK)
            continue;
        printf("%-*s  %-*s  %-*s  %s\n", wid, str_or(ri.id, ""), wsev,
               severity_name(ri.severity), wkind, str_or(ri.kind, ""), str_or(ri.title, ""));
    }
    return CLI_EXIT_OK;
}

/* Prints `text` word-wrapped to `width` columns, each line indented (the
 * first one only when `indent_first`). Keeps the text's own line breaks. */
static void print_wrapped_at(const char *text, int indent, int width, bool indent_first)
{
    const char *p = text;
    bool first = true;
    while (*p) {
        size_t line_len = strcspn(p, "\n");
        const char *end = p + line_len;
        int col = 0;
        if (!first || indent_first)
            printf("%*s", indent, "");
        first = false;
        const char *w = p;
        while (w < end) {
            while (w < end && *w == ' ')
                w++;
            const char *we = w;
            while (we < end && *we != ' ')
                we++;
            int wl = (int)(we - w);
            if (wl == 0)
                break;
            if (col > 0 && indent + col + 1 + wl > width) {
                printf("\n%*s", indent, "");
                col = 0;
            }
            if (col > 0) {
                putchar(' ');
                col++;
            }
            fwrite(w, 1, (size_t)wl, stdout);
            col += wl;
            w = we;
        }
        putchar('\n');
        p = *end ? end + 1 : end;
    }
}

static void print_wrapped(const char *text, int indent, int width)
{
    print_wrapped_at(text, indent, width, true);
}

/* "  label:        value", the value wrapped under itself. */
static void print_field(const char *label, const char *value)
{
    char head[32];
    snprintf(head, sizeof(head), "%s:", label);
    printf("  %-15s", head);
    print_wrapped_at(value, 17, 78, false);
}

static void print_section(const char *title, const char *text)
{
    if (!text || !*text)
        return;
    printf("\n%s:\n", title);
    print_wrapped(text, 2, 78);
}

static int show_rule(const tenet_ruleset *rs, const char *id)
{
    size_t index;
    tenet_rule_info ri = {0};
        ri.version = TENET_RULE_INFO_VERSION;
    if (tenet_ruleset_find_rule(rs, id, &index) != TENET_OK ||
        tenet_ruleset_rule_info(rs, index, &ri) != TENET_OK) {
        fprintf(stderr, "tenet: %s: unknown rule ID (run `tenet rules` for the list)\n", id);
        return CLI_EXIT_USAGE;
    }
    const char *data_as_of = NULL, *pack_title = NULL, *pack_source = NULL;
    for (size_t i = 0; ri.pack && i < tenet_ruleset_pack_count(rs); i++) {
        const char *name = NULL, *title = NULL, *as_of = NULL, *source = NULL;
        if (tenet_ruleset_pack_info(rs, i, &name, &title, &as_of, &source) == TENET_OK && name &&
            strcmp(name, ri.pack) == 0) {
            data_as_of = as_of;
            pack_title = title;
            pack_source = source;
            break;
        }
    }
    printf("%s  %s\n\n", ri.id, str_or(ri.title, ""));
    print_field("severity", severity_name(ri.severity));
    print_field("kind", str_or(ri.kind, "-"));
    char ops[256];
    size_t k = 0;
    for (const char *o = str_or(ri.operations, "-"); *o && k + 3 < sizeof(ops); o++) {
        ops[k++] = *o;
        if (*o == ',')
            ops[k++] = ' ';
    }
    ops[k] = '\0';
    print_field("operations", ops);
    print_field("on unknown", str_or(ri.on_unknown, "report"));
    print_field("suppressible", ri.suppressible ? "yes" : "no");
    char pack[512];
    snprintf(pack, sizeof(pack), "%s%s%s%s", str_or(ri.pack, "-"),
             data_as_of ? " (data as of " : "", data_as_of ? data_as_of : "",
             data_as_of ? ")" : "");
    print_field("pack", pack);
    if (pack_title)
        print_field("pack title", pack_title);
    if (pack_source)
        print_field("document", pack_source);
    if (ri.source)
        print_field("section", ri.source);
    if (ri.quote) {
        printf("\nThe source document says:\n");
        print_wrapped(ri.quote, 2, 78);
    }
    print_section("Why", ri.why);
    print_section("Message", ri.message);
    print_section("Fix", ri.fix);
    return CLI_EXIT_OK;
}

enum { OPT_RULES = 1, OPT_HELP };

static const cli_opt_spec rules_opts[] = {
    {"rules", 0, true, OPT_RULES},
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};

int cli_cmd_rules(int argc, char **argv)
{
    cli_strlist files = {0}, args = {0};
    cli_opt_parser p;
    cli_opt_init(&p, rules_opts, argc, argv);
    const char *v;
    int id, rc = -1;
    while (rc < 0 && (id = cli_opt_next(&p, &v)) != CLI_OPT_DONE) {
        switch (id) {
        case CLI_OPT_ERROR:
            cli_error("%s (run `tenet rules --help`)", p.error);
            rc = CLI_EXIT_USAGE;
            break;
        case CLI_OPT_POSITIONAL:
            if (!cli_strlist_push(&args, v, strlen(v)))
                rc = CLI_EXIT_USAGE;
            break;
        case OPT_RULES:
            if (!cli_strlist_push(&files, v, strlen(v)))
                rc = CLI_EXIT_USAGE;
            break;
        case OPT_HELP:
            fputs(cli_rules_usage, stdout);
            rc = CLI_EXIT_OK;
            break;
        default:
            break;
        }
    }
    if (rc < 0 && args.n != 0 && !(args.n == 2 && strcmp(args.v[0], "show") == 0)) {
        cli_error("usage: tenet rules [--rules FILE]... [show ID]");
        rc = CLI_EXIT_USAGE;
    }
    if (rc < 0) {
        tenet_ruleset *rs = NULL;
        rc = cli_load_ruleset(files.v, files.n, &rs);
        if (rc == 0)
            rc = args.n ? show_rule(rs, args.v[1]) : list_rules(rs);
        tenet_ruleset_free(rs);
    }
    cli_strlist_free(&files);
    cli_strlist_free(&args);
    return rc;
}
