/* The JSON renderer: one object, schema version 1, the bindings' boundary.
 * Every key is always present and in a fixed order; absent strings and
 * positions are null. Documented in the README ("JSON output"). */
#include "report/render_util.h"
#include "report/report.h"
#include "tenet/version.h"
#include "util/buf.h"

#include <string.h>

#define JSON_SCHEMA 1

static void put_str(tn_buf *out, const char *s) {
    if (s)
        tn_buf_put_json_string(out, s);
    else
        tn_buf_puts(out, "null");
}

static void put_pos(tn_buf *out, bool present, uint32_t v) {
    if (present && v)
        tn_buf_printf(out, "%u", (unsigned)v);
    else
        tn_buf_puts(out, "null");
}

static void key(tn_buf *out, const char *indent, const char *name, bool first) {
    if (!first)
        tn_buf_putc(out, ',');
    tn_buf_putc(out, '\n');
    tn_buf_puts(out, indent);
    tn_buf_putc(out, '"');
    tn_buf_puts(out, name);
    tn_buf_puts(out, "\": ");
}

static const char *sev_name(tenet_severity s) {
    switch (s) {
    case TENET_SEVERITY_ERROR: return "error";
    case TENET_SEVERITY_WARNING: return "warning";
    default: return "info";
    }
}

/* ["a", "b"] from the stored "a,b"; [] when there is no region. */
static void put_regions(tn_buf *out, const char *regions) {
    tn_buf_putc(out, '[');
    if (regions && *regions) {
        tn_buf item = {0};
        const char *p = regions;
        for (bool first = true;; first = false) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            item.size = 0;
            tn_buf_put(&item, p, len);
            tn_buf_putc(&item, '\0');
            if (tn_buf_failed(&item)) {
                out->failed = true;
                break;
            }
            if (!first)
                tn_buf_puts(out, ", ");
            tn_buf_put_json_string(out, item.ptr);
            if (!comma)
                break;
            p = comma + 1;
        }
        tn_buf_free(&item);
    }
    tn_buf_putc(out, ']');
}

static void put_diag(tn_buf *out, const tenet_report *r, const tn_diag *d) {
    const char *in = "      ";
    const char *file = d->file_index < r->files.n ? r->files.v[d->file_index].name : NULL;
    bool sp = d->has_span;
    tn_buf_puts(out, "    {");
    key(out, in, "rule", true);
    put_str(out, d->rule);
    key(out, in, "severity", false);
    put_str(out, sev_name(d->severity));
    key(out, in, "verdict", false);
    put_str(out, d->verdict);
    key(out, in, "message", false);
    put_str(out, d->message);
    key(out, in, "fix", false);
    put_str(out, d->fix);
    key(out, in, "reason", false);
    put_str(out, d->reason);
    key(out, in, "file", false);
    put_str(out, file);
    key(out, in, "line", false);
    put_pos(out, sp, d->span.line);
    key(out, in, "column", false);
    put_pos(out, sp, d->span.col);
    key(out, in, "end_line", false);
    put_pos(out, sp, d->span.end_line);
    key(out, in, "end_column", false);
    put_pos(out, sp, d->span.end_col);
    key(out, in, "path", false);
    put_str(out, d->path);
    key(out, in, "subject", false);
    put_str(out, d->subject);
    key(out, in, "kind", false);
    put_str(out, d->kind);
    key(out, in, "operation", false);
    put_str(out, d->operation);
    key(out, in, "region", false);
    put_str(out, d->region);
    key(out, in, "regions", false);
    put_regions(out, d->regions);
    key(out, in, "scenario", false);
    put_str(out, d->scenario);
    key(out, in, "source", false);
    put_str(out, d->source);
    key(out, in, "suppressed", false);
    tn_buf_puts(out, d->suppressed ? "true" : "false");
    key(out, in, "suppression", false);
    put_str(out, d->suppressed ? d->suppression : NULL);
    tn_buf_puts(out, "\n    }");
}

static void put_input_error(tn_buf *out, const tenet_report *r, const tn_input_error *e) {
    const char *in = "      ";
    const char *file = e->file_index < r->files.n ? r->files.v[e->file_index].name : NULL;
    tn_buf_puts(out, "    {");
    key(out, in, "file", true);
    put_str(out, file);
    key(out, in, "line", false);
    put_pos(out, true, e->line);
    key(out, in, "column", false);
    put_pos(out, true, e->column);
    key(out, in, "code", false);
    put_str(out, tn_status_token(e->code));
    key(out, in, "message", false);
    put_str(out, e->message);
    tn_buf_puts(out, "\n    }");
}

int tn_render_json(const tenet_report *r, const tenet_render_options *o, tn_buf *out) {
    (void)o;
    const char *in = "  ";
    tn_buf_putc(out, '{');
    key(out, in, "tenet", true);
    put_str(out, tenet_version());
    key(out, in, "schema", false);
    tn_buf_printf(out, "%d", JSON_SCHEMA);

    key(out, in, "diagnostics", false);
    tn_buf_putc(out, '[');
    for (size_t i = 0; i < r->diags.n; i++) {
        tn_buf_puts(out, i ? ",\n" : "\n");
        put_diag(out, r, &r->diags.v[i]);
    }
    tn_buf_puts(out, r->diags.n ? "\n  ]" : "]");

    key(out, in, "input_errors", false);
    tn_buf_putc(out, '[');
    for (size_t i = 0; i < r->errors.n; i++) {
        tn_buf_puts(out, i ? ",\n" : "\n");
        put_input_error(out, r, &r->errors.v[i]);
    }
    tn_buf_puts(out, r->errors.n ? "\n  ]" : "]");

    tenet_summary s;
    tenet_report_summary(r, &s);
    key(out, in, "summary", false);
    tn_buf_printf(out,
                  "{\"files\": %zu, \"subjects\": %zu, \"errors\": %zu, \"warnings\": %zu, "
                  "\"infos\": %zu, \"input_errors\": %zu, \"suppressed\": %zu}",
                  s.files, s.subjects, s.errors, s.warnings, s.infos, s.input_errors,
                  s.suppressed);
    tn_buf_puts(out, "\n}\n");
    return tn_buf_failed(out) ? TENET_ENOMEM : TENET_OK;
}
