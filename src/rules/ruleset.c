/* The compiled ruleset: public metadata accessors, freeing, and the internal
 * lookups frontends and the evaluator use. All read-only, so safe to call
 * from any number of threads once compiled. */
#include "eval/regex.h"
#include "rules/ir.h"
#include "util/alloc.h"
#include "util/arena.h"
#include <string.h>

void tenet_ruleset_free(tenet_ruleset *rs) {
    if (!rs) return;
    for (size_t i = 0; i < rs->nregexes; i++) tn_regex_free(rs->regexes[i]);
    tn_free(rs->regexes);
    tn_arena_release(&rs->arena);
    tn_free(rs);
}

size_t tenet_ruleset_rule_count(const tenet_ruleset *rs) { return rs ? rs->nrules : 0; }

static const char *on_unknown_name(tn_on_unknown u) {
    switch (u) {
    case TN_UNKNOWN_PASS: return "pass";
    case TN_UNKNOWN_FAIL: return "fail";
    case TN_UNKNOWN_REPORT: break;
    }
    return "report";
}

int tenet_ruleset_rule_info(const tenet_ruleset *rs, size_t index, tenet_rule_info *out) {
    if (!rs || !out || index >= rs->nrules) return TENET_EINVAL;
    const tn_rule *r = &rs->rules[index];
    memset(out, 0, sizeof *out);
    out->version = TENET_RULE_INFO_VERSION;
    out->id = r->id;
    out->title = r->title;
    out->kind = r->kind ? r->kind->name : NULL;
    out->severity = r->severity;
    out->message = r->message;
    out->fix = r->fix;
    out->source = r->source;
    out->quote = r->quote;
    out->why = r->why;
    out->on_unknown = on_unknown_name(r->on_unknown);
    out->pack = r->pack < rs->npacks ? rs->packs[r->pack].name : NULL;
    out->operations = r->ops_text;
    out->suppressible = r->suppressible;
    return TENET_OK;
}

int tenet_ruleset_find_rule(const tenet_ruleset *rs, const char *id, size_t *index_out) {
    if (!rs || !id) return TENET_EINVAL;
    for (size_t i = 0; i < rs->nrules; i++)
        if (strcmp(rs->rules[i].id, id) == 0) {
            if (index_out) *index_out = i;
            return TENET_OK;
        }
    return TENET_EINVAL;
}

size_t tenet_ruleset_pack_count(const tenet_ruleset *rs) { return rs ? rs->npacks : 0; }

int tenet_ruleset_pack_info(const tenet_ruleset *rs, size_t index, const char **name,
                            const char **title, const char **data_as_of, const char **source) {
    if (!rs || index >= rs->npacks) return TENET_EINVAL;
    const tn_pack *p = &rs->packs[index];
    if (name) *name = p->name;
    if (title) *title = p->title;
    if (data_as_of) *data_as_of = p->data_as_of;
    if (source) *source = p->source;
    return TENET_OK;
}

const tn_kind *tn_ruleset_kind(const tenet_ruleset *rs, const char *name) {
    if (!rs || !name) return NULL;
    for (size_t i = 0; i < rs->nkinds; i++)
        if (strcmp(rs->kinds[i].name, name) == 0) return &rs->kinds[i];
    return NULL;
}

const tn_set *tn_ruleset_set(const tenet_ruleset *rs, const char *name) {
    if (!rs || !name) return NULL;
    if (name[0] == '$') name++;
    for (size_t i = 0; i < rs->nsets; i++)
        if (strcmp(rs->sets[i].name, name) == 0) return &rs->sets[i];
    return NULL;
}

long tn_kind_field(const tn_kind *kind, const char *name) {
    if (!kind || !name) return -1;
    for (size_t i = 0; i < kind->nfields; i++)
        if (kind->fields[i].name && strcmp(kind->fields[i].name, name) == 0) return (long)i;
    return -1;
}

/* Frontend format names map onto the three mapping keys of a rules file:
 * every request format uses the `api` mapping, Terraform plans `terraform`. */
static const char *mapping_key(const char *format) {
    static const char *const api_formats[] = {"api-query", "aws-cli", "cli-json", "cloudtrail"};
    if (strcmp(format, "terraform-plan") == 0) return "terraform";
    for (size_t i = 0; i < sizeof api_formats / sizeof api_formats[0]; i++)
        if (strcmp(format, api_formats[i]) == 0) return "api";
    return format;
}

const tn_format_map *tn_kind_format(const tn_kind *kind, const char *format) {
    if (!kind || !format) return NULL;
    format = mapping_key(format);
    for (size_t i = 0; i < kind->nmaps; i++)
        if (strcmp(kind->maps[i].format, format) == 0) return &kind->maps[i];
    return NULL;
}

/* For the api mapping `type` is an operation name (CreateBucket). */
const tn_kind *tn_ruleset_kind_for_type(const tenet_ruleset *rs, const char *format,
                                        const char *type, const tn_format_map **map_out) {
    if (map_out) *map_out = NULL;
    if (!rs || !format || !type) return NULL;
    for (size_t i = 0; i < rs->nkinds; i++) {
        const tn_format_map *m = tn_kind_format(&rs->kinds[i], format);
        if (!m) continue;
        bool hit = false;
        for (size_t j = 0; j < m->ntypes && !hit; j++) hit = strcmp(m->types[j], type) == 0;
        for (size_t j = 0; j < m->nops && !hit; j++) hit = strcmp(m->ops[j].name, type) == 0;
        if (hit) {
            if (map_out) *map_out = m;
            return &rs->kinds[i];
        }
    }
    return NULL;
}

bool tn_set_contains(const tn_set *set, const char *s, size_t len) {
    if (!set || !s) return false;
    /* The first byte rules out most members without measuring them. */
    char first = len ? s[0] : '\0';
    for (size_t i = 0; i < set->n; i++)
        if (set->values[i][0] == first && strlen(set->values[i]) == len &&
            memcmp(set->values[i], s, len) == 0)
            return true;
    return false;
}

const char *tn_ftype_name(tn_ftype t) {
    switch (t) {
    case TN_T_ANY: return "any";
    case TN_T_STRING: return "string";
    case TN_T_BOOL: return "bool";
    case TN_T_INT: return "int";
    case TN_T_NUMBER: return "number";
    case TN_T_VERSION: return "version";
    case TN_T_LIST: return "list";
    case TN_T_MAP: return "map";
    }
    return "?";
}

const char *tn_opr_name(tn_opr op) {
    switch (op) {
    case TN_OPR_EQUALS: return "equals";
    case TN_OPR_IN: return "in";
    case TN_OPR_MATCHES: return "matches";
    case TN_OPR_VERSION: return "version";
    case TN_OPR_PRESENT: return "present";
    case TN_OPR_IS: return "is";
    case TN_OPR_GT: return "gt";
    case TN_OPR_GE: return "ge";
    case TN_OPR_LT: return "lt";
    case TN_OPR_LE: return "le";
    case TN_OPR_CONTAINS: return "contains";
    case TN_OPR_CHANGED: return "changed";
    case TN_OPR_LINKED: return "linked";
    }
    return "?";
}
