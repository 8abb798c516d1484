/* tenet — the command line tool: argv → cli_cmds[] dispatch. */
#include "cli/cli.h"
#include "cli/util.h"
#include <stdio.h>
#include <string.h>
#include <tenet.h>

typedef struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    const char *usage;
} cli_cmd;

static const cli_cmd cli_cmds[] = {
    {"check", cli_cmd_check, "check templates, plans and requests against the rules", cli_check_usage},
    {"rules", cli_cmd_rules, "list the rules, or show one (`tenet rules show ID`)", cli_rules_usage},
    {"test", cli_cmd_test, "run rule tests (rules/tests/*.yaml)", cli_test_usage},
    {NULL, NULL, NULL, NULL},
};

static void print_help(FILE *fp)
{
    fprintf(fp, "usage: tenet [--version] [--help] COMMAND [ARGS]\n\n"
                "Validates infrastructure (CloudFormation templates, Terraform plans, API\n"
                "requests, AWS CLI commands) against declarative rule packs.\n\n"
                "Commands:\n");
    for (const cli_cmd *c = cli_cmds; c->name; c++)
        fprintf(fp, "  %-8s %s\n", c->name, c->summary);
    fprintf(fp, "  %-8s %s\n", "help", "show the help of a command (`tenet help check`)");
    fprintf(fp, "\n"
                "Exit codes:\n"
                "  0  no unsuppressed diagnostic at or above the --fail-on level\n"
                "     (default error: warnings and infos do not fail)\n"
                "  1  at least one such diagnostic; for `test`, a failed case\n"
                "  2  usage error, unreadable or unparseable input, or a bad rules,\n"
                "     test or configuration file\n"
                "\n"
                "Environment:\n"
                "  AWS_REGION, AWS_DEFAULT_REGION  region checked when no --region is given\n"
                "  NO_COLOR                        when set, no colour in --color=auto\n"
                "\n"
                "Run `tenet help COMMAND` for the options of a command.\n");
}

static const cli_cmd *find_cmd(const char *name)
{
    for (const cli_cmd *c = cli_cmds; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static int help_cmd(int argc, char **argv)
{
    if (argc < 1) {
        print_help(stdout);
        return CLI_EXIT_OK;
    }
    const cli_cmd *c = find_cmd(argv[0]);
    if (!c) {
        cli_error("unknown command '%s' (run `tenet --help` for the list)", argv[0]);
        return CLI_EXIT_USAGE;
    }
    fputs(c->usage, stdout);
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_help(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("tenet %s\n", tenet_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "help") == 0)
        return help_cmd(argc - 2, argv + 2);
    const cli_cmd *c = find_cmd(name);
    if (!c) {
        if (name[0] == '-')
            cli_error("unknown option '%s' (run `tenet --help`)", name);
        else
            cli_error("unknown command '%s' (run `tenet --help` for the list)", name);
        return CLI_EXIT_USAGE;
    }
    return c->fn(argc - 2, argv + 2);
}
