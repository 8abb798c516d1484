/* The option parser; see opt.h. */
#include "cli/opt.h"
#include <stdio.h>
#include <string.h>

void cli_opt_init(cli_opt_parser *p, const cli_opt_spec *specs, int argc, char **argv)
{
    memset(p, 0, sizeof(*p));
    p->specs = specs;
    p->argc = argc;
    p->argv = argv;
}

static const cli_opt_spec *find_long(const cli_opt_spec *specs, const char *name, size_t len)
{
    for (const cli_opt_spec *s = specs; s->name; s++)
        if (strlen(s->name) == len && memcmp(s->name, name, len) == 0)
            return s;
    return NULL;
}

static const cli_opt_spec *find_short(const cli_opt_spec *specs, char c)
{
    for (const cli_opt_spec *s = specs; s->name; s++)
        if (s->short_name && s->short_name == c)
            return s;
    return NULL;
}

static int next_short(cli_opt_parser *p, const char **value)
{
    char c = *p->cluster++;
    const cli_opt_spec *s = find_short(p->specs, c);
    if (!s) {
        snprintf(p->error, sizeof(p->error), "unknown option -%c", c);
        p->cluster = NULL;
        return CLI_OPT_ERROR;
    }
    if (!s->has_value) {
        if (!*p->cluster)
            p->cluster = NULL;
        return s->id;
    }
    if (*p->cluster) { /* -xVALUE */
        *value = p->cluster;
        p->cluster = NULL;
        return s->id;
    }
    p->cluster = NULL;
    if (p->index >= p->argc) {
        snprintf(p->error, sizeof(p->error), "option -%c needs a value", c);
        return CLI_OPT_ERROR;
    }
    *value = p->argv[p->index++];
    return s->id;
}

int cli_opt_next(cli_opt_parser *p, const char **value)
{
    *value = NULL;
    if (p->cluster)
        return next_short(p, value);
    if (p->index >= p->argc)
        return CLI_OPT_DONE;
    const char *arg = p->argv[p->index++];
    if (p->only_positional || arg[0] != '-' || arg[1] == '\0') {
        *value = arg;
        return CLI_OPT_POSITIONAL;
    }
    if (arg[1] != '-') {
        p->cluster = arg + 1;
        return next_short(p, value);
    }
    if (arg[2] == '\0') {
        p->only_positional = true;
        return cli_opt_next(p, value);
    }
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const cli_opt_spec *s = find_long(p->specs, name, len);
    if (!s) {
        snprintf(p->error, sizeof(p->error), "unknown option --%.*s", (int)len, name);
        return CLI_OPT_ERROR;
    }
    if (!s->has_value) {
        if (eq) {
            snprintf(p->error, sizeof(p->error), "option --%s takes no value", s->name);
            return CLI_OPT_ERROR;
        }
        return s->id;
    }
    if (eq) {
        *value = eq + 1;
        return s->id;
    }
    if (p->index >= p->argc) {
        snprintf(p->error, sizeof(p->error), "option --%s needs a value", s->name);
        return CLI_OPT_ERROR;
    }
    *value = p->argv[p->index++];
    return s->id;
}
