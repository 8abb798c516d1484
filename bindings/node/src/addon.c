/* The Node-API addon of tenet: the thin native half of bindings/node.
 *
 * It only moves bytes and options into libtenet and the JSON report out
 * (bindings/README.md); index.js decodes the JSON and throws the errors.
 * Every native function returns a plain "result" object rather than
 * throwing, so that error classes and wording stay in one place (JS):
 *   {status, code, message, line, column, source}   on failure
 *   {json}  (check) or  {rules}  (rule loading)     on success; a failed
 *   check also carries {json} when the report recorded the input error.
 *
 * Threads: the addon is context-aware (NAPI_MODULE_INIT), so each worker
 * thread gets its own instance and its own JS objects; the only state
 * shared across threads is the built-in ruleset, compiled once per process
 * and checked against concurrently, as libtenet allows. */
#define NAPI_VERSION 8
#include <node_api.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <tenet.h>

/* The check-options layout this addon fills: version 1 of the contract. */
#define ADDON_CHECK_OPTIONS_VERSION 1
#define ADDON_RENDER_OPTIONS_VERSION 1

/* A ruleset owned by one JS object. `rs` becomes NULL on close(); the box
 * itself is freed by the external's finalizer. */
typedef struct rules_box {
    tenet_ruleset *rs;
} rules_box;

/* The built-in packs: compiled on first use, shared by every thread and
 * never freed (a worker may still be checking when the process exits). */
static pthread_mutex_t builtin_lock = PTHREAD_MUTEX_INITIALIZER;
static tenet_ruleset *builtin_rs;

/* Bails out of a napi_value function when a Node-API call fails; Node has
 * then usually set a pending exception, which reaches the caller. */
#define NAPI_OK(call)                                                                              \
    do {                                                                                           \
        if ((call) != napi_ok)                                                                     \
            goto fail;                                                                             \
    } while (0)

static const char *status_name(int code) {
    switch (code) {
    case TENET_OK: return "TENET_OK";
    case TENET_ERROR: return "TENET_ERROR";
    case TENET_EINVAL: return "TENET_EINVAL";
    case TENET_ENOMEM: return "TENET_ENOMEM";
    case TENET_EPARSE: return "TENET_EPARSE";
    case TENET_ERULES: return "TENET_ERULES";
    case TENET_ELIMIT: return "TENET_ELIMIT";
    case TENET_EIO: return "TENET_EIO";
    case TENET_EFORMAT: return "TENET_EFORMAT";
    default: return "TENET_ERROR";
    }
}

static napi_status set_str(napi_env env, napi_value obj, const char *key, const char *s) {
    napi_value v;
    napi_status st = s && *s ? napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v)
                             : napi_get_null(env, &v);
    return st == napi_ok ? napi_set_named_property(env, obj, key, v) : st;
}

/* Positions: 0 means "no position", surfaced as null. */
static napi_status set_pos(napi_env env, napi_value obj, const char *key, uint32_t n) {
    napi_value v;
    napi_status st = n ? napi_create_uint32(env, n, &v) : napi_get_null(env, &v);
    return st == napi_ok ? napi_set_named_property(env, obj, key, v) : st;
}

/* The failure half of a result object. The message is the C one verbatim,
 * or the status description when the library left it empty. */
static napi_value error_result(napi_env env, int status, const tenet_error *err) {
    napi_value obj, v;
    const char *msg = err && err->message[0] ? err->message : tenet_status_str(status);
    NAPI_OK(napi_create_object(env, &obj));
    NAPI_OK(napi_create_int32(env, status, &v));
    NAPI_OK(napi_set_named_property(env, obj, "status", v));
    NAPI_OK(set_str(env, obj, "code", status_name(status)));
    NAPI_OK(set_str(env, obj, "message", msg));
    NAPI_OK(set_pos(env, obj, "line", err ? err->line : 0));
    NAPI_OK(set_pos(env, obj, "column", err ? err->column : 0));
    NAPI_OK(set_str(env, obj, "source", err ? err->source : NULL));
    return obj;
fail:
    return NULL;
}

static napi_value ok_result(napi_env env) {
    napi_value obj, v;
    NAPI_OK(napi_create_object(env, &obj));
    NAPI_OK(napi_create_int32(env, TENET_OK, &v));
    NAPI_OK(napi_set_named_property(env, obj, "status", v));
    return obj;
fail:
    return NULL;
}

static napi_value oom_result(napi_env env) {
    return error_result(env, TENET_ENOMEM, NULL);
}

/* Copies a JS string into a fresh NUL-terminated UTF-8 buffer (caller frees).
 * Returns NULL with *oom set when malloc fails, NULL alone on a type error. */
static char *dup_string(napi_env env, napi_value v, size_t *len_out, int *oom) {
    size_t len = 0;
    char *s;
    if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok)
        return NULL;
    s = malloc(len + 1);
    if (!s) {
        *oom = 1;
        return NULL;
    }
    if (napi_get_value_string_utf8(env, v, s, len + 1, &len) != napi_ok) {
        free(s);
        return NULL;
    }
    if (len_out)
        *len_out = len;
    return s;
}

/* Bytes of a JS value: a string (copied to UTF-8 into *owned) or any
 * ArrayBuffer view such as a Buffer (borrowed for the call). */
static int get_bytes(napi_env env, napi_value v, const char **data, size_t *len, char **owned,
                     int *oom) {
    bool is_view = false;
    *owned = NULL;
    if (napi_is_typedarray(env, v, &is_view) == napi_ok && is_view) {
        napi_typedarray_type type;
        size_t count;
        void *ptr;
        if (napi_get_typedarray_info(env, v, &type, &count, &ptr, NULL, NULL) != napi_ok ||
            type != napi_uint8_array)
            return 0;
        *data = count ? ptr : "";
        *len = count;
        return 1;
    }
    *owned = dup_string(env, v, len, oom);
    *data = *owned;
    return *owned != NULL;
}

static napi_value type_error(napi_env env, const char *msg) {
    napi_throw_type_error(env, "TENET_EINVAL", msg);
    return NULL;
}

/* --- rulesets ----------------------------------------------------------- */

static void rules_finalize(napi_env env, void *data, void *hint) {
    rules_box *box = data;
    (void)env;
    (void)hint;
    if (box) {
        tenet_ruleset_free(box->rs);
        free(box);
    }
}

/* Wraps an owned ruleset as {rules: external}; frees it on failure. */
static napi_value rules_result(napi_env env, tenet_ruleset *rs) {
    napi_value obj, ext;
    rules_box *box = malloc(sizeof *box);
    if (!box) {
        tenet_ruleset_free(rs);
        return oom_result(env);
    }
    box->rs = rs;
    if (napi_create_external(env, box, rules_finalize, NULL, &ext) != napi_ok) {
        rules_finalize(env, box, NULL);
        return NULL;
    }
    NAPI_OK(napi_create_object(env, &obj));
    NAPI_OK(napi_set_named_property(env, obj, "rules", ext));
    return obj;
fail:
    return NULL;
}

/* builtin(): a ruleset of the built-in packs owned by the caller. */
static napi_value js_builtin(napi_env env, napi_callback_info info) {
    tenet_ruleset *rs = NULL;
    tenet_error err = {0};
    int rc = tenet_ruleset_builtin(&rs, &err);
    (void)info;
    if (rc != TENET_OK)
        return error_result(env, rc, &err);
    return rules_result(env, rs);
}

/* compile(text: string|Buffer, name: string|null) */
static napi_value js_compile(napi_env env, napi_callback_info info) {
    size_t argc = 2;
    napi_value argv[2], result;
    napi_valuetype t;
    tenet_rules_source src = {NULL, NULL, 0};
    tenet_ruleset *rs = NULL;
    tenet_error err = {0};
    char *text = NULL, *name = NULL;
    int oom = 0, rc;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 2)
        return type_error(env, "compile(text, name) expects two arguments");
    if (!get_bytes(env, argv[0], &src.data, &src.len, &text, &oom))
        return oom ? oom_result(env) : type_error(env, "rules text must be a string or a Buffer");
    NAPI_OK(napi_typeof(env, argv[1], &t));
    if (t == napi_string) {
        name = dup_string(env, argv[1], NULL, &oom);
        if (!name) {
            free(text);
            return oom ? oom_result(env) : NULL;
        }
        src.name = name;
    }
    rc = tenet_ruleset_compile(&rs, &src, 1, &err);
    free(text);
    free(name);
    result = rc == TENET_OK ? rules_result(env, rs) : error_result(env, rc, &err);
    return result;
fail:
    return NULL;
}

/* loadFile(path: string) */
static napi_value js_load_file(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    tenet_ruleset *rs = NULL;
    tenet_error err = {0};
    char *path;
    int oom = 0, rc;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 1)
        return type_error(env, "loadFile(path) expects a path");
    path = dup_string(env, argv[0], NULL, &oom);
    if (!path)
        return oom ? oom_result(env) : type_error(env, "the rules path must be a string");
    rc = tenet_ruleset_load_file(&rs, path, &err);
    free(path);
    return rc == TENET_OK ? rules_result(env, rs) : error_result(env, rc, &err);
fail:
    return NULL;
}

/* close(rules): frees the ruleset now; later checks on it are refused. */
static napi_value js_close(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1], undef;
    rules_box *box = NULL;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&box) != napi_ok || !box)
        return type_error(env, "close() expects a rules handle");
    tenet_ruleset_free(box->rs);
    box->rs = NULL;
    NAPI_OK(napi_get_undefined(env, &undef));
    return undef;
fail:
    return NULL;
}

static const tenet_ruleset *shared_builtin(int *rc, tenet_error *err) {
    const tenet_ruleset *rs;
    pthread_mutex_lock(&builtin_lock);
    if (!builtin_rs)
        *rc = tenet_ruleset_builtin(&builtin_rs, err);
    rs = builtin_rs;
    pthread_mutex_unlock(&builtin_lock);
    return rs;
}

/* --- checking ----------------------------------------------------------- */

/* Everything a check borrows or copies from its JS arguments. */
typedef struct check_args {
    const char *data;
    size_t len;
    char *owned_data;
    char **strings; /* every copied option string, freed together */
    size_t nstrings;
    const char **regions;
    tenet_param *params;
    tenet_check_options opts;
} check_args;

static void check_args_free(check_args *a) {
    size_t i;
    free(a->owned_data);
    for (i = 0; i < a->nstrings; i++)
        free(a->strings[i]);
    free(a->strings);
    free(a->regions);
    free(a->params);
}

/* Copies string property `key` of `obj` when it is a string; leaves *out
 * NULL when absent (null/undefined). Returns 0 on a type error or OOM. */
static int opt_string(napi_env env, napi_value obj, const char *key, check_args *a,
                      const char **out, int *oom) {
    napi_value v;
    napi_valuetype t;
    char *s;
    *out = NULL;
    if (napi_get_named_property(env, obj, key, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok)
        return 0;
    if (t == napi_undefined || t == napi_null)
        return 1;
    if (t != napi_string)
        return 0;
    s = dup_string(env, v, NULL, oom);
    if (!s)
        return 0;
    a->strings[a->nstrings++] = s;
    *out = s;
    return 1;
}

/* Reads a JS array of strings into `out` (count strings); NULL when absent. */
static int opt_string_array(napi_env env, napi_value obj, const char *key, check_args *a,
                            const char ***out, size_t *count, int *oom) {
    napi_value arr, v;
    bool is_array = false;
    uint32_t n, i;
    char **grown;
    *out = NULL;
    *count = 0;
    if (napi_get_named_property(env, obj, key, &arr) != napi_ok ||
        napi_is_array(env, arr, &is_array) != napi_ok)
        return 0;
    if (!is_array) {
        napi_valuetype t;
        return napi_typeof(env, arr, &t) == napi_ok && (t == napi_undefined || t == napi_null);
    }
    if (napi_get_array_length(env, arr, &n) != napi_ok)
        return 0;
    if (n == 0)
        return 1;
    grown = realloc(a->strings, (a->nstrings + n + 8) * sizeof *a->strings);
    *out = malloc(n * sizeof **out);
    if (grown)
        a->strings = grown;
    if (!grown || !*out) {
        *oom = 1;
        return 0;
    }
    for (i = 0; i < n; i++) {
        char *s;
        if (napi_get_element(env, arr, i, &v) != napi_ok)
            return 0;
        s = dup_string(env, v, NULL, oom);
        if (!s)
            return 0;
        a->strings[a->nstrings++] = s;
        (*out)[i] = s;
    }
    *count = n;
    return 1;
}

/* Fills `a` from (source, opts). opts is normalised by index.js:
 * {filename?, regions?: string[], params?: string[] (name, value, ...),
 *  inputFormat?, operation?}. */
static int read_check_args(napi_env env, napi_value source, napi_value opts, check_args *a,
                           int *oom) {
    const char **flat = NULL;
    size_t nflat = 0, i;
    memset(a, 0, sizeof *a);
    if (tenet_check_options_init(&a->opts, ADDON_CHECK_OPTIONS_VERSION) != TENET_OK)
        return 0;
    if (!get_bytes(env, source, &a->data, &a->len, &a->owned_data, oom))
        return 0;
    a->strings = malloc(8 * sizeof *a->strings); /* room for the scalar options */
    if (!a->strings) {
        *oom = 1;
        return 0;
    }
    if (!opt_string(env, opts, "filename", a, &a->opts.filename, oom) ||
        !opt_string(env, opts, "inputFormat", a, &a->opts.input_format, oom) ||
        !opt_string(env, opts, "operation", a, &a->opts.operation, oom) ||
        !opt_string_array(env, opts, "regions", a, &a->regions, &a->opts.region_count, oom))
        return 0;
    a->opts.regions = a->regions;
    if (!opt_string_array(env, opts, "params", a, &flat, &nflat, oom)) {
        free(flat);
        return 0;
    }
    if (nflat) {
        a->params = malloc(nflat / 2 * sizeof *a->params + 1);
        if (!a->params) {
            free(flat);
            *oom = 1;
            return 0;
        }
        for (i = 0; i + 1 < nflat; i += 2) {
            a->params[i / 2].name = flat[i];
            a->params[i / 2].value = flat[i + 1];
        }
        a->opts.params = a->params;
        a->opts.param_count = nflat / 2;
    }
    free(flat);
    return 1;
}

/* Renders `report` as JSON into result property "json". */
static int put_report_json(napi_env env, napi_value result, const tenet_report *report, int *rc,
                           tenet_error *err) {
    tenet_render_options ro;
    tenet_buf out = {NULL, 0};
    napi_value v;
    int ok;
    tenet_render_options_init(&ro, ADDON_RENDER_OPTIONS_VERSION);
    ro.format = TENET_FORMAT_JSON;
    *rc = tenet_report_render(report, &ro, &out, err);
    if (*rc != TENET_OK)
        return 0;
    ok = napi_create_string_utf8(env, out.ptr, out.size, &v) == napi_ok &&
         napi_set_named_property(env, result, "json", v) == napi_ok;
    tenet_buf_dispose(&out);
    return ok;
}

/* check(rules: external|null, source: string|Uint8Array, opts) — null
 * means the shared built-in packs. One report per call, freed here. */
static napi_value js_check(napi_env env, napi_callback_info info) {
    size_t argc = 3;
    napi_value argv[3], result = NULL;
    napi_valuetype t;
    rules_box *box = NULL;
    const tenet_ruleset *rs;
    tenet_report *report = NULL;
    tenet_error err = {0};
    check_args a;
    int oom = 0, rc = TENET_OK;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 3)
        return type_error(env, "check(rules, source, opts) expects three arguments");
    NAPI_OK(napi_typeof(env, argv[0], &t));
    if (t == napi_null) {
        rs = shared_builtin(&rc, &err);
        if (!rs)
            return error_result(env, rc, &err);
    } else if (napi_get_value_external(env, argv[0], (void **)&box) == napi_ok && box) {
        if (!box->rs)
            return type_error(env, "check on closed rules");
        rs = box->rs;
    } else {
        return type_error(env, "check() expects a rules handle");
    }
    if (!read_check_args(env, argv[1], argv[2], &a, &oom)) {
        check_args_free(&a);
        return oom ? oom_result(env)
                   : type_error(env, "source must be a string or a Buffer; options strings");
    }
    if (tenet_report_new(&report) != TENET_OK) {
        check_args_free(&a);
        return oom_result(env);
    }
    rc = tenet_check(report, rs, a.data, a.len, &a.opts, &err);
    check_args_free(&a);
    if (rc == TENET_OK)
        result = ok_result(env);
    else
        result = error_result(env, rc, &err);
    /* Input errors are recorded in the report: render it for them too. */
    if (result && rc != TENET_EINVAL && rc != TENET_ENOMEM) {
        tenet_error rerr = {0};
        int render_rc = TENET_OK;
        if (!put_report_json(env, result, report, &render_rc, &rerr))
            result = render_rc != TENET_OK ? error_result(env, render_rc, &rerr) : NULL;
    }
    tenet_report_free(report);
    return result;
fail:
    return NULL;
}

static napi_value js_version(napi_env env, napi_callback_info info) {
    napi_value v;
    (void)info;
    if (napi_create_string_utf8(env, tenet_version(), NAPI_AUTO_LENGTH, &v) != napi_ok)
        return NULL;
    return v;
}

/* NAPI_MODULE_INIT defines this one without a prior declaration. */
NAPI_MODULE_EXPORT int32_t NODE_API_MODULE_GET_API_VERSION(void);

NAPI_MODULE_INIT() {
    static const struct {
        const char *name;
        napi_callback fn;
    } fns[] = {
        {"version", js_version},   {"builtin", js_builtin}, {"compile", js_compile},
        {"loadFile", js_load_file}, {"close", js_close},     {"check", js_check},
    };
    size_t i;
    for (i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        napi_value f;
        if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f) != napi_ok ||
            napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
            return NULL;
    }
    return exports;
}
