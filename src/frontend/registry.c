/* The table of input frontends: lookup by name (--input-format) and
 * detection by confidence score. Adding a format means adding one row. */
#include "frontend/cfn.h"
#include "frontend/request.h"
#include "frontend/tfplan.h"

#include <string.h>

static const tn_frontend *const frontends[] = {
    &tn_frontend_cloudformation,
    &tn_frontend_terraform_plan,
    &tn_frontend_api_query,
    &tn_frontend_aws_cli,
    &tn_frontend_cli_json,
    &tn_frontend_cloudtrail,
};

#define NFRONTENDS (sizeof frontends / sizeof frontends[0])

/* Kept in table order; a unit test checks that it matches the table. */
static const char names[] =
    "cloudformation, terraform-plan, api-query, aws-cli, cli-json, cloudtrail";

/* Short names users type. */
static const struct {
    const char *alias;
    const char *name;
} aliases[] = {
    {"cfn", "cloudformation"},
    {"tfplan", "terraform-plan"},
    {"terraform", "terraform-plan"},
    {"query", "api-query"},
    {"cli", "aws-cli"},
    {"awscli", "aws-cli"},
};

const tn_frontend *tn_frontend_find(const char *name) {
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(name, aliases[i].alias) == 0)
            name = aliases[i].name;
    for (size_t i = 0; i < NFRONTENDS; i++)
        if (strcmp(frontends[i]->name, name) == 0)
            return frontends[i];
    return NULL;
}

/* A document that a structured format claims with at least this score is
 * that format: the text formats, which look for requests anywhere in the
 * text, are then not asked (sparing a line-by-line scan of a large template
 * or plan). */
#define CLAIMED 90

const tn_frontend *tn_frontend_detect(const char *text, size_t len, const tn_doc *doc) {
    int scores[NFRONTENDS] = {0};
    bool claimed = false;
    for (size_t i = 0; i < NFRONTENDS && doc != NULL; i++) {
        if (frontends[i]->needs_doc) {
            scores[i] = frontends[i]->detect(text, len, doc);
            claimed = claimed || scores[i] >= CLAIMED;
        }
    }
    const tn_frontend *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < NFRONTENDS; i++) {
        const tn_frontend *fe = frontends[i];
        if (!fe->needs_doc && !claimed)
            scores[i] = fe->detect(text, len, doc);
        int score = scores[i];
        if (score > best_score) { /* ties go to the earlier row */
            best = fe;
            best_score = score;
        }
    }
    return best;
}

bool tn_frontend_pruner(const tn_frontend *fe, const tenet_ruleset *rs, tn_doc_pruner *out) {
    memset(out, 0, sizeof *out);
    if (rs == NULL)
        return false;
    out->ctx = (void *)rs;
    if (fe == &tn_frontend_cloudformation) {
        out->drop = tn_cfn_prune;
        out->keep = tn_cfn_prune_keep;
        out->max_depth = TN_CFN_PRUNE_DEPTH;
        return true;
    }
    if (fe == &tn_frontend_terraform_plan) {
        out->drop = tn_tfplan_prune;
        out->max_depth = TN_TFPLAN_PRUNE_DEPTH;
        return true;
    }
    return false;
}

/* Before the format is known, loading prunes for every structured format
 * at once: their pruners look at different parts of a document (a
 * template's Resources, a plan's resource_changes), and each one's drops
 * are counted, so the result stands only for the format that is judged. */
static bool guess_drop(void *ctx, const tn_doc_level *levels, size_t depth) {
    tn_prune_guess *g = ctx;
    for (size_t i = 0; i < g->n; i++) {
        const tn_doc_pruner *p = &g->each[i];
        if (depth <= p->max_depth && p->drop(p->ctx, levels, depth)) {
            g->last = i;
            g->dropped[i]++;
            return true;
        }
    }
    return false;
}

static bool guess_keep(void *ctx, const tn_node *value) {
    tn_prune_guess *g = ctx;
    const tn_doc_pruner *p = &g->each[g->last];
    if (p->keep == NULL || !p->keep(p->ctx, value))
        return false;
    g->dropped[g->last]--; /* not dropped after all */
    return true;
}

void tn_frontend_guess_pruner(tn_prune_guess *g, const tenet_ruleset *rs, tn_doc_pruner *out) {
    memset(g, 0, sizeof *g);
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < NFRONTENDS && g->n < TN_PRUNE_GUESS_MAX; i++) {
        if (frontends[i]->needs_doc && tn_frontend_pruner(frontends[i], rs, &g->each[g->n])) {
            g->fe[g->n] = frontends[i];
            if (g->each[g->n].max_depth > out->max_depth)
                out->max_depth = g->each[g->n].max_depth;
            g->n++;
        }
    }
    out->drop = guess_drop;
    out->keep = guess_keep;
    out->ctx = g;
}

bool tn_frontend_guess_holds(const tn_prune_guess *g, const tn_frontend *fe) {
    for (size_t i = 0; i < g->n; i++)
        if (g->dropped[i] > 0 && g->fe[i] != fe)
            return false;
    return true;
}

const char *tn_frontend_names(void) {
    return names;
}
