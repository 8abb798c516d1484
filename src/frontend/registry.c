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

const char *tn_frontend_names(void) {
    return names;
}
