/* CloudFormation intrinsic functions, recognised in both spellings: the YAML
 * short form (`!If [c, a, b]`, `!GetAtt a.b`) and the long form, a mapping
 * with a single `Fn::*`, `Ref` or `Condition` key. Everything downstream sees
 * one representation (tn_cfn_fn). */
#include "frontend/cfn.h"

#include <string.h>

/* Short-form tags and the function each stands for. */
static const struct {
    const char *tag;
    const char *name;
} short_forms[] = {
    {"!Ref", "Ref"},
    {"!Condition", "Condition"},
    {"!And", "Fn::And"},
    {"!Base64", "Fn::Base64"},
    {"!Cidr", "Fn::Cidr"},
    {"!Contains", "Fn::Contains"},
    {"!Equals", "Fn::Equals"},
    {"!FindInMap", "Fn::FindInMap"},
    {"!ForEach", "Fn::ForEach"},
    {"!GetAZs", "Fn::GetAZs"},
    {"!GetAtt", "Fn::GetAtt"},
    {"!If", "Fn::If"},
    {"!ImportValue", "Fn::ImportValue"},
    {"!Join", "Fn::Join"},
    {"!Length", "Fn::Length"},
    {"!Not", "Fn::Not"},
    {"!Or", "Fn::Or"},
    {"!Select", "Fn::Select"},
    {"!Split", "Fn::Split"},
    {"!Sub", "Fn::Sub"},
    {"!ToJsonString", "Fn::ToJsonString"},
    {"!Transform", "Fn::Transform"},
};

static bool is_alpha(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool tn_cfn_intrinsic(const tn_node *n, bool ignore_tag, tn_cfn_fn *out) {
    if (n == NULL)
        return false;
    memset(out, 0, sizeof *out);
    /* "!Name" is a local tag; "!!str" and expanded "tag:..." tags are YAML's own. */
    if (!ignore_tag && n->tag != NULL && n->tag[0] == '!' && is_alpha(n->tag[1])) {
        out->arg = n;
        out->arg_tagged = true;
        out->short_form = true;
        for (size_t i = 0; i < sizeof short_forms / sizeof short_forms[0]; i++) {
            /* the first letter rules out all but one or two: no strcmp for them */
            if (short_forms[i].tag[1] == n->tag[1] && strcmp(n->tag, short_forms[i].tag) == 0) {
                out->name = short_forms[i].name;
                return true;
            }
        }
        out->name = n->tag;
        out->unknown_tag = true;
        return true;
    }
    if (n->type == TN_NODE_MAP && n->n == 1) {
        const tn_node *k = n->ch.pairs[0].key;
        if (k == NULL || !tn_node_is_scalar(k) || k->str == NULL)
            return false;
        if (strcmp(k->str, "Ref") == 0 || strcmp(k->str, "Condition") == 0 ||
            strncmp(k->str, "Fn::", 4) == 0) {
            out->name = k->str;
            out->arg = n->ch.pairs[0].value;
            return out->arg != NULL;
        }
    }
    return false;
}

bool tn_cfn_getatt_target(const tn_cfn_fn *fn, const char **res, size_t *res_len, const char **attr,
                          size_t *attr_len, const tn_node **attr_node) {
    const tn_node *a = fn->arg;
    *attr = NULL;
    *attr_len = 0;
    *attr_node = NULL;
    if (a == NULL)
        return false;
    if (tn_node_is_scalar(a) && a->type == TN_NODE_STRING) {
        const char *dot = memchr(a->str, '.', a->len);
        if (dot == NULL || dot == a->str)
            return false;
        *res = a->str;
        *res_len = (size_t)(dot - a->str);
        *attr = dot + 1;
        *attr_len = a->len - *res_len - 1;
        return true;
    }
    if (a->type == TN_NODE_SEQ && a->n == 2 && a->ch.items[0] != NULL &&
        tn_node_is_scalar(a->ch.items[0]) && a->ch.items[0]->str != NULL) {
        *res = a->ch.items[0]->str;
        *res_len = a->ch.items[0]->len;
        const tn_node *b = a->ch.items[1];
        tn_cfn_fn inner;
        if (b != NULL && tn_node_is_scalar(b) && !tn_cfn_intrinsic(b, false, &inner)) {
            *attr = b->str;
            *attr_len = b->len;
        } else {
            *attr_node = b;
        }
        return true;
    }
    return false;
}

int tn_cfn_sub_scan(const char *s, size_t len, tn_cfn_sub_var_fn cb, void *payload) {
    size_t i = 0;
    while (i + 1 < len) {
        if (s[i] != '$' || s[i + 1] != '{') {
            i++;
            continue;
        }
        const char *close = memchr(s + i + 2, '}', len - i - 2);
        if (close == NULL)
            return 0;
        size_t start = i + 2, end = (size_t)(close - s);
        i = end + 1;
        if (start < end && s[start] == '!')
            continue; /* ${!Literal} */
        while (start < end && s[start] == ' ')
            start++;
        while (end > start && s[end - 1] == ' ')
            end--;
        if (start == end)
            continue;
        int rc = cb(payload, s + start, end - start);
        if (rc != 0)
            return rc;
    }
    return 0;
}
