/* The cloudtrail frontend: CloudTrail events, to audit what was already
 * sent. Accepts a log file ({"Records": [...]}), a single event, an
 * EventBridge envelope ({"detail": event}) and `aws cloudtrail lookup-events`
 * output ({"Events": [{"CloudTrailEvent": "<event as a JSON string>"}]}).
 * Each event of an operation the rules cover is one subject: the operation
 * is eventName, the region awsRegion, and requestParameters (camelCase)
 * become API parameter names. A failed call (errorCode) is still judged —
 * it was attempted — and says so. */
#include "frontend/request.h"

#include <string.h>

static int cloudtrail_detect(const char *text, size_t len, const tn_doc *doc);
static int cloudtrail_run(tn_run *run);

const tn_frontend tn_frontend_cloudtrail = {"cloudtrail", true, cloudtrail_detect, cloudtrail_run};

static bool is_event(const tn_node *n) {
    return n && n->type == TN_NODE_MAP && tn_map_get(n, "eventName") &&
           tn_map_get(n, "eventSource");
}

static int cloudtrail_detect(const char *text, size_t len, const tn_doc *doc) {
    (void)text;
    (void)len;
    const tn_node *root = doc ? doc->root : NULL;
    if (!root || root->type != TN_NODE_MAP)
        return 0;
    const tn_node *recs = tn_map_get(root, "Records");
    if (recs && recs->type == TN_NODE_SEQ)
        return recs->n == 0 || is_event(recs->ch.items[0]) ? 95 : 0;
    if (is_event(root) || is_event(tn_map_get(root, "detail")))
        return 95;
    const tn_node *evs = tn_map_get(root, "Events");
    if (evs && evs->type == TN_NODE_SEQ && evs->n && evs->ch.items[0]->type == TN_NODE_MAP &&
        tn_map_get(evs->ch.items[0], "CloudTrailEvent"))
        return 95;
    return 0;
}

static const char *str(const tn_node *map, const char *key) {
    const tn_node *n = tn_map_get(map, key);
    return n && tn_node_is_scalar(n) && n->str && n->len ? n->str : NULL;
}

/* A value parsed from an embedded JSON string points at that string. */
static void flatten(tn_value *v, const tn_span *at) {
    if (v->has_span)
        v->span = *at;
    if (v->kind == TN_V_LIST)
        for (size_t i = 0; i < v->u.list.n; i++)
            flatten(&v->u.list.items[i], at);
    else if (v->kind == TN_V_MAP)
        for (size_t i = 0; i < v->u.map.n; i++)
            flatten(&v->u.map.vals[i], at);
}

/* requestParameters' camelCase key as an API name: the parameter it names
 * ignoring case, else the key with its first letter upper-cased. */
static const char *api_name(const tn_node *key, const char **names, long nn, tn_arena *arena) {
    for (long i = 0; i < nn; i++)
        if (tn_request_norm_eq(key->str, key->len, names[i], strlen(names[i])))
            return names[i];
    char *s = tn_arena_strndup(arena, key->str, key->len);
    if (s && s[0] >= 'a' && s[0] <= 'z')
        s[0] = (char)(s[0] - 'a' + 'A');
    return s;
}

/* Judges one event. `path` is its document path; `at` (embedded events)
 * the span every position collapses to, or NULL. */
static int event(tn_run *run, const tn_node *ev, const char *path, const tn_span *at) {
    tn_arena *a = run->arena;
    const tn_node *name = tn_map_get(ev, "eventName");
    if (!name || name->type != TN_NODE_STRING || !name->len)
        return TENET_OK;
    const char *source = str(ev, "eventSource"), *service = NULL;
    if (source) {
        const char *dot = strchr(source, '.');
        if (!(service = tn_arena_strndup(a, source, dot ? (size_t)(dot - source) : strlen(source))))
            return TENET_ENOMEM;
    }
    tn_request req;
    memset(&req, 0, sizeof req);
    if (!tn_request_find_op(run->rs, name->str, name->len, service, &req.target))
        return TENET_OK; /* an operation the rules do not cover */
    req.operation = name->str;
    req.service = service;
    req.path = path;
    req.span = at ? *at : name->span;
    req.region = str(ev, "awsRegion");
    req.region_reason = "the event has no awsRegion";
    const char *id = str(ev, "requestID") ? str(ev, "requestID") : str(ev, "eventID");
    const char *when = str(ev, "eventTime");
    req.name = tn_arena_sprintf(a, "%s%s%s%s%s", name->str, id ? " " : "", id ? id : "",
                                when ? " " : "", when ? when : "");
    const char *code = str(ev, "errorCode"), *msg = str(ev, "errorMessage");
    if (code)
        req.note =
            tn_arena_sprintf(a, "the call failed (%s%s%s)", code, msg ? ": " : "", msg ? msg : "");
    if (!req.name || (code && !req.note))
        return TENET_ENOMEM;
    const char **names;
    long nn = tn_request_names(&req.target, a, &names);
    if (nn < 0)
        return TENET_ENOMEM;
    const tn_node *params = tn_map_get(ev, "requestParameters");
    for (size_t i = 0; params && params->type == TN_NODE_MAP && i < params->n; i++) {
        const tn_node *key = params->ch.pairs[i].key;
        if (!key->str)
            continue;
        tn_req_param p;
        memset(&p, 0, sizeof p);
        p.name = api_name(key, names, nn, a);
        const char *vp = tn_arena_sprintf(a, "%s%srequestParameters.%s", path ? path : "",
                                          path ? "." : "", key->str);
        if (!p.name || !vp)
            return TENET_ENOMEM;
        p.has_key_span = true;
        p.key_span = at ? *at : key->span;
        int rc = tn_value_from_node(&p.value, params->ch.pairs[i].value, vp, a);
        if (rc == TENET_OK && at)
            flatten(&p.value, at);
        if (rc == TENET_OK)
            rc = tn_request_add_param(&req, a, &p);
        if (rc != TENET_OK)
            return rc;
    }
    int rc = tn_request_check_names(run, &req, TENET_SEVERITY_WARNING);
    return rc == TENET_OK ? tn_request_judge(run, &req) : rc;
}

/* lookup-events output: each event is a JSON string to parse. */
static int embedded(tn_run *run, const tn_node *evs) {
    for (size_t i = 0; i < evs->n; i++) {
        const tn_node *s = tn_map_get(evs->ch.items[i], "CloudTrailEvent");
        if (!s || s->type != TN_NODE_STRING)
            continue;
        tn_doc *doc = NULL;
        tenet_error err;
        memset(&err, 0, sizeof err);
        const char *path = tn_arena_sprintf(run->arena, "Events[%zu].CloudTrailEvent", i);
        if (!path)
            return TENET_ENOMEM;
        int rc = tn_doc_parse_json(&doc, s->str, s->len, run->file, NULL, &err);
        if (rc == TENET_ENOMEM)
            return rc;
        if (rc != TENET_OK) {
            rc = tn_run_note(run, TENET_SEVERITY_WARNING, "invalid-event", &s->span, path, NULL,
                             "this CloudTrailEvent is not valid JSON: %s", err.message);
        } else {
            rc = is_event(doc->root) ? event(run, doc->root, path, &s->span) : TENET_OK;
        }
        tn_doc_free(doc); /* the event was judged: nothing refers to it any more */
        if (rc != TENET_OK)
            return rc;
    }
    return TENET_OK;
}

static int cloudtrail_run(tn_run *run) {
    const tn_node *root = run->doc ? run->doc->root : NULL;
    if (!root || root->type != TN_NODE_MAP)
        return tn_run_note(run, TENET_SEVERITY_ERROR, "not-events", root ? &root->span : NULL, NULL,
                           NULL, "expected CloudTrail events (a mapping with Records)");
    const tn_node *recs = tn_map_get(root, "Records");
    if (recs && recs->type == TN_NODE_SEQ) {
        for (size_t i = 0; i < recs->n; i++) {
            if (!is_event(recs->ch.items[i]))
                continue;
            const char *path = tn_arena_sprintf(run->arena, "Records[%zu]", i);
            int rc = path ? event(run, recs->ch.items[i], path, NULL) : TENET_ENOMEM;
            if (rc != TENET_OK)
                return rc;
        }
        return TENET_OK;
    }
    if (is_event(root))
        return event(run, root, NULL, NULL);
    if (is_event(tn_map_get(root, "detail")))
        return event(run, tn_map_get(root, "detail"), "detail", NULL);
    const tn_node *evs = tn_map_get(root, "Events");
    return evs && evs->type == TN_NODE_SEQ ? embedded(run, evs) : TENET_OK;
}
