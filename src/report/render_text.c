/* The text renderer, the CLI's default output:
 *
 *   template.yaml:12:22: error: version 3.2.10 is not supported
 *      |
 *   12 |       EngineVersion: 3.2.10
 *      |                      ^^^^^^
 *      = fix: set EngineVersion to 4.0.10 or later
 *
 * then one summary line. Strings that come from the input (messages quote
 * values) are sanitised so they cannot drive the terminal. */
#include "codeframe.h"
#include "report/report.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <string.h>

#define BOLD "\x1b[1m"
#define RESET "\x1b[0m"
#define RED "\x1b[1;31m"
#define YELLOW "\x1b[1;33m"
#define CYAN "\x1b[1;36m"
#define BLUE "\x1b[1;34m"

typedef struct text_ctx {
    const tenet_report *r;
    tn_buf *out;
    bool color;
    bool any;        /* something was printed */
    bool prev_multi; /* the previous block had more than one line */
    tn_frame_cursor cursor; /* frames of one long line resume their search */
} text_ctx;

static const char *sev_name(tenet_severity s) {
    switch (s) {
    case TENET_SEVERITY_ERROR: return "error";
    case TENET_SEVERITY_WARNING: return "warning";
    default: return "info";
    }
}

static const char *sev_color(tenet_severity s) {
    switch (s) {
    case TENET_SEVERITY_ERROR: return RED;
    case TENET_SEVERITY_WARNING: return YELLOW;
    default: return CYAN;
    }
}

static void style(text_ctx *t, const char *seq) {
    if (t->color)
        tn_buf_puts(t->out, seq);
}

/* Appends `s` with control characters replaced (tabs and newlines become
 * spaces) and invalid UTF-8 shown as U+FFFD. */
static void put_safe(tn_buf *out, const char *s) {
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    while (len > 0) {
        size_t run = 0;
        while (run < len && p[run] >= 0x20 && p[run] < 0x7f)
            run++;
        tn_buf_put(out, (const char *)p, run);
        p += run;
        len -= run;
        if (len == 0)
            break;
        uint32_t cp = 0;
        size_t valid = tn_utf8_seq_len(p, len);
        size_t n = tn_utf8_decode(p, len, &cp);
        if (n == 0)
            n = 1;
        if (cp == '\t' || cp == '\n' || cp == '\r')
            tn_buf_putc(out, ' ');
        else if (valid == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
                 (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
            tn_buf_puts(out, "\xEF\xBF\xBD");
        else
            tn_buf_put(out, (const char *)p, n);
        p += n;
        len -= n;
    }
}

static void separate(text_ctx *t, bool multi) {
    if (t->any && (multi || t->prev_multi))
        tn_buf_putc(t->out, '\n');
    t->any = true;
    t->prev_multi = multi;
}

/* "file:line:col: severity: " */
static void put_header(text_ctx *t, const char *file, uint32_t line, uint32_t col,
                       tenet_severity sev) {
    style(t, BOLD);
    put_safe(t->out, file);
    if (line) {
        tn_buf_printf(t->out, ":%u", (unsigned)line);
        if (col)
            tn_buf_printf(t->out, ":%u", (unsigned)col);
    }
    tn_buf_putc(t->out, ':');
    style(t, RESET);
    tn_buf_putc(t->out, ' ');
    style(t, sev_color(sev));
    tn_buf_puts(t->out, sev_name(sev));
    tn_buf_putc(t->out, ':');
    style(t, RESET);
    tn_buf_putc(t->out, ' ');
}

/* "   = label: value" aligned under the frame's gutter. */
static void put_note(text_ctx *t, size_t gutter, const char *label, const char *value) {
    for (size_t i = 0; i <= gutter; i++)
        tn_buf_putc(t->out, ' ');
    style(t, BLUE);
    tn_buf_putc(t->out, '=');
    style(t, RESET);
    tn_buf_putc(t->out, ' ');
    style(t, BOLD);
    tn_buf_puts(t->out, label);
    tn_buf_putc(t->out, ':');
    style(t, RESET);
    tn_buf_putc(t->out, ' ');
    put_safe(t->out, value);
    tn_buf_putc(t->out, '\n');
}

static size_t list_count(const char *list) {
    if (!list || !*list)
        return 0;
    size_t n = 1;
    for (const char *p = list; (p = strchr(p, ',')); p++)
        n++;
    return n;
}

/* Whether comma-separated `list` contains the `n` bytes at `item`. */
static bool list_has(const char *list, const char *item, size_t n) {
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, item, n) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

static bool shows_regions(const char *regions, const char *checked) {
    size_t k = list_count(regions);
    return k >= 2 && k != list_count(checked);
}

/* The regions line, only for findings that depend on the region: nothing
 * when the finding holds in every region checked, "all checked except a, b"
 * when that is shorter, else the list. */
static void put_regions(text_ctx *t, size_t gutter, const char *regions, const char *checked) {
    if (!shows_regions(regions, checked))
        return;
    size_t k = list_count(regions), total = list_count(checked);
    bool except = total > k && total - k < k && total - k <= 8;
    tn_buf list = {0};
    if (except)
        tn_buf_puts(&list, "all checked except ");
    const char *src = except ? checked : regions;
    bool first = true;
    for (const char *p = src; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (!except || !list_has(regions, p, len)) {
            if (!first)
                tn_buf_puts(&list, ", ");
            tn_buf_put(&list, p, len);
            first = false;
        }
        p = comma ? comma + 1 : NULL;
    }
    tn_buf_putc(&list, '\0');
    if (tn_buf_failed(&list))
        t->out->failed = true;
    else
        put_note(t, gutter, "regions", list.ptr);
    tn_buf_free(&list);
}

/* Writes the frame for (line, col..end) of the file's text if that line
 * exists. Returns the gutter width used (0 when no frame was printed). */
static size_t put_frame(text_ctx *t, const tn_report_file *f, uint32_t line, uint32_t col,
                        uint32_t end_line, uint32_t end_col, tenet_severity sev) {
    const char *s;
    size_t n;
    if (!line || !tn_report_file_line(f, line, &s, &n))
        return 0;
    tn_frame_style st = {NULL, NULL, NULL};
    if (t->color) {
        st.gutter = BLUE;
        st.mark = sev_color(sev);
        st.reset = RESET;
    }
    uint32_t end = end_line == line ? end_col : 0;
    if (end_line == 0 && end_col == 0)
        end = col + 1;
    size_t gutter = tn_frame_gutter_width(line);
    tn_codeframe(t->out, s, n, line, col ? col : 1, end, gutter, &st, &t->cursor);
    return gutter;
}

static bool has_notes(const tn_diag *d, const tn_report_file *f) {
    bool unknown = d->verdict && strcmp(d->verdict, "unknown") == 0;
    return (d->reason && *d->reason) || (!unknown && d->fix && *d->fix) || d->scenario ||
           shows_regions(d->regions, f->regions) || (!d->has_span && d->path);
}


static void render_diag(text_ctx *t, const tn_diag *d, const tn_report_file *f) {
    const char *file = f->name;
    bool unknown = d->verdict && strcmp(d->verdict, "unknown") == 0;
    const char *ls;
    size_t ln;
    bool framed = d->has_span && d->span.line && tn_report_file_line(f, d->span.line, &ls, &ln);
    separate(t, framed || has_notes(d, f));

    put_header(t, file, d->has_span ? d->span.line : 0, d->has_span ? d->span.col : 0,
               d->severity);
    static const char prefix[] = "could not verify: ";
    if (unknown && (!d->message || strncmp(d->message, prefix, sizeof prefix - 1) != 0))
        tn_buf_puts(t->out, prefix);
    put_safe(t->out, d->message);
    if (d->rule) {
        tn_buf_puts(t->out, " [");
        put_safe(t->out, d->rule);
        tn_buf_putc(t->out, ']');
    }
    tn_buf_putc(t->out, '\n');

    size_t gutter = 1;
    if (framed) {
        size_t g = put_frame(t, f, d->span.line, d->span.col, d->span.end_line,
                             d->span.end_col, d->severity);
        if (g)
            gutter = g;
    } else if (d->path) {
        put_note(t, gutter, "at", d->path);
    }
    if (d->reason && *d->reason)
        put_note(t, gutter, unknown ? "reason" : "note", d->reason);
    if (!unknown && d->fix && *d->fix)
        put_note(t, gutter, "fix", d->fix);
    if (d->scenario)
        put_note(t, gutter, "scenario", d->scenario);
    put_regions(t, gutter, d->regions, f->regions);
}

static void render_input_error(text_ctx *t, const tn_input_error *e, const tn_report_file *f) {
    const char *ls;
    size_t ln;
    bool framed = e->line && tn_report_file_line(f, e->line, &ls, &ln);
    separate(t, framed);
    put_header(t, f->name, e->line, e->column, TENET_SEVERITY_ERROR);
    put_safe(t->out, e->message);
    tn_buf_puts(t->out, " [input-error]\n");
    if (framed)
        put_frame(t, f, e->line, e->column, 0, 0, TENET_SEVERITY_ERROR);
}

static void put_count(tn_buf *out, size_t n, const char *one, const char *many) {
    tn_buf_printf(out, "%zu %s", n, n == 1 ? one : many);
}

int tn_render_text(const tenet_report *r, const tenet_render_options *o, tn_buf *out) {
    text_ctx t = {r, out, o->color != 0, false, false, {NULL, 0, 0}};
    size_t next_error = 0;
    for (size_t fi = 0; fi < r->files.n; fi++) {
        const tn_report_file *f = &r->files.v[fi];
        size_t first = f->first_diag;
        size_t last = fi + 1 < r->files.n ? r->files.v[fi + 1].first_diag : r->diags.n;
        /* Input errors first: they explain why a file has few diagnostics. */
        for (size_t i = next_error; i < r->errors.n; i++) {
            if (r->errors.v[i].file_index == fi)
                render_input_error(&t, &r->errors.v[i], f);
        }
        for (size_t i = first; i < last; i++) {
            const tn_diag *d = &r->diags.v[i];
            if (!d->suppressed && (int)d->severity >= o->min_severity)
                render_diag(&t, d, f);
        }
        while (next_error < r->errors.n && r->errors.v[next_error].file_index <= fi)
            next_error++;
    }

    tenet_summary s;
    tenet_report_summary(r, &s);
    if (t.any)
        tn_buf_putc(out, '\n');
    /* One line, "2 files, 3 subjects, 1 error, 2 warnings, 0 suppressed";
     * infos and input errors are named only when there are any. */
    style(&t, BOLD);
    put_count(out, s.files, "file", "files");
    tn_buf_puts(out, ", ");
    put_count(out, s.subjects, "subject", "subjects");
    tn_buf_puts(out, ", ");
    put_count(out, s.errors, "error", "errors");
    tn_buf_puts(out, ", ");
    put_count(out, s.warnings, "warning", "warnings");
    if (s.infos) {
        tn_buf_puts(out, ", ");
        put_count(out, s.infos, "info", "infos");
    }
    tn_buf_printf(out, ", %zu suppressed", s.suppressed);
    if (s.input_errors) {
        tn_buf_puts(out, ", ");
        put_count(out, s.input_errors, "input error", "input errors");
    }
    style(&t, RESET);
    tn_buf_putc(out, '\n');
    return tn_buf_failed(out) ? TENET_ENOMEM : TENET_OK;
}
