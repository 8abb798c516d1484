/* The GitHub Actions renderer: one workflow command per line, which the
 * runner turns into annotations on the files:
 *
 *   ::error file=template.yaml,line=12,col=22,endColumn=27,title=EC-AR-001::message%0Afix: ...
 *
 * error / warning / notice follow the severity (a could-not-verify is a
 * notice). Suppressed diagnostics are left out; input errors are ::error.
 * Positions: `col` is the first character and `endColumn` the last one
 * (inclusive), both only for a span on one line; `endLine` otherwise. */
#include "report/render_util.h"
#include "report/report.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <string.h>

/* Appends `s` escaped as the runner expects: in data '%', CR and LF are
 * percent-encoded; in a property also ':' and ','. Other control and
 * bidirectional-override characters, and invalid UTF-8, become U+FFFD so
 * the log line cannot be broken or disguised. */
static void put_escaped(tn_buf *b, const char *s, bool property) {
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)p);
    while (len > 0 && !b->failed) {
        unsigned char c = *p;
        size_t n = 1;
        if (c == '%') {
            tn_buf_puts(b, "%25");
        } else if (c == '\r') {
            tn_buf_puts(b, "%0D");
        } else if (c == '\n') {
            tn_buf_puts(b, "%0A");
        } else if (property && c == ':') {
            tn_buf_puts(b, "%3A");
        } else if (property && c == ',') {
            tn_buf_puts(b, "%2C");
        } else if (c == '\t') {
            tn_buf_putc(b, ' ');
        } else if (c < 0x20 || c == 0x7f) {
            tn_buf_puts(b, "\xEF\xBF\xBD");
        } else if (c < 0x80) {
            tn_buf_putc(b, (char)c);
        } else {
            uint32_t cp = 0;
            size_t valid = tn_utf8_seq_len(p, len);
            n = tn_utf8_decode(p, len, &cp);
            if (valid == 0 || (cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
                (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029)
                tn_buf_puts(b, "\xEF\xBF\xBD");
            else
                tn_buf_put(b, (const char *)p, n);
            if (n == 0)
                n = 1;
        }
        p += n;
        len -= n;
    }
}

static const char *command_of(tenet_severity s) {
    switch (s) {
    case TENET_SEVERITY_ERROR: return "error";
    case TENET_SEVERITY_WARNING: return "warning";
    default: return "notice";
    }
}

/* "::cmd file=F[,line=L[,col=C,endColumn=E | ,endLine=M]],title=T::" */
static void put_head(tn_buf *b, const char *cmd, const char *file, uint32_t line, uint32_t col,
                     uint32_t end_line, uint32_t end_col, const char *title) {
    tn_buf_printf(b, "::%s file=", cmd);
    put_escaped(b, file, true);
    if (line) {
        tn_buf_printf(b, ",line=%u", (unsigned)line);
        if (end_line == 0 || end_line == line) {
            if (col)
                tn_buf_printf(b, ",col=%u", (unsigned)col);
            if (col && end_col > col + 1)
                tn_buf_printf(b, ",endColumn=%u", (unsigned)(end_col - 1));
        } else if (end_line > line) {
            tn_buf_printf(b, ",endLine=%u", (unsigned)end_line);
        }
    }
    if (title) {
        tn_buf_puts(b, ",title=");
        put_escaped(b, title, true);
    }
    tn_buf_puts(b, "::");
}

static void put_diag(tn_buf *b, const tenet_report *r, const tn_diag *d) {
    const tn_report_file *f = &r->files.v[d->file_index];
    bool unknown = d->verdict && strcmp(d->verdict, "unknown") == 0;
    bool at = tn_diag_positioned(d);
    put_head(b, command_of(d->severity), f->name, at ? d->span.line : 0, at ? d->span.col : 0,
             at ? d->span.end_line : 0, at ? d->span.end_col : 0, d->rule);
    /* One annotation: the message, then its notes on the following lines. */
    tn_buf msg = {0};
    tn_buf_puts(&msg, d->message ? d->message : "");
    if (unknown && d->reason && *d->reason)
        tn_buf_printf(&msg, ": %s", d->reason);
    if (!at && d->path)
        tn_buf_printf(&msg, "\nat: %s", d->path);
    if (!unknown && d->reason && *d->reason)
        tn_buf_printf(&msg, "\nnote: %s", d->reason);
    if (!unknown && d->fix && *d->fix)
        tn_buf_printf(&msg, "\nfix: %s", d->fix);
    if (d->scenario)
        tn_buf_printf(&msg, "\nscenario: %s", d->scenario);
    if (d->regions && strchr(d->regions, ',') && f->regions && strcmp(d->regions, f->regions) != 0)
        tn_buf_printf(&msg, "\nregions: %s", d->regions);
    tn_buf_putc(&msg, '\0');
    if (msg.failed)
        b->failed = true;
    else
        put_escaped(b, msg.ptr, false);
    tn_buf_free(&msg);
    tn_buf_putc(b, '\n');
}

int tn_render_github(const tenet_report *r, const tenet_render_options *o, tn_buf *out) {
    (void)o;
    size_t ei = 0; /* input errors are recorded in file order */
    for (size_t fi = 0; fi < r->files.n; fi++) {
        const tn_report_file *f = &r->files.v[fi];
        /* Input errors first, as in the text output: they explain missing findings. */
        for (; ei < r->errors.n && r->errors.v[ei].file_index <= fi; ei++) {
            const tn_input_error *e = &r->errors.v[ei];
            put_head(out, "error", f->name, e->line, e->column, 0, 0, "input-error");
            put_escaped(out, e->message, false);
            tn_buf_putc(out, '\n');
        }
        size_t last = fi + 1 < r->files.n ? r->files.v[fi + 1].first_diag : r->diags.n;
        for (size_t i = f->first_diag; i < last; i++) {
            const tn_diag *d = &r->diags.v[i];
            if (!d->suppressed)
                put_diag(out, r, d);
        }
    }
    return tn_buf_failed(out) ? TENET_ENOMEM : TENET_OK;
}
