/* Pretty JSON writer. A value written right after tn_jsonw_key() belongs to
 * that key; otherwise it is a new item of the enclosing array. */
#include "report/jsonw.h"

#include <inttypes.h>

void tn_jsonw_init(tn_jsonw *w, tn_buf *out) {
    w->out = out;
    w->depth = 0;
    w->keyed = false;
    w->has_items[0] = false;
}

static void newline(tn_jsonw *w) {
    tn_buf_putc(w->out, '\n');
    for (int i = 0; i < w->depth; i++)
        tn_buf_puts(w->out, "  ");
}

/* Separator and indentation before a member or an item. */
static void next(tn_jsonw *w) {
    if (w->depth == 0)
        return;
    if (w->has_items[w->depth])
        tn_buf_putc(w->out, ',');
    w->has_items[w->depth] = true;
    newline(w);
}

static void value_start(tn_jsonw *w) {
    if (w->keyed)
        w->keyed = false;
    else
        next(w);
}

static void open_container(tn_jsonw *w, char c) {
    value_start(w);
    tn_buf_putc(w->out, c);
    if (w->depth + 1 >= TN_JSONW_MAX_DEPTH) {
        w->out->failed = true; /* deeper than any document we write */
        return;
    }
    w->depth++;
    w->has_items[w->depth] = false;
}

static void close_container(tn_jsonw *w, char c) {
    if (w->depth == 0) {
        w->out->failed = true;
        return;
    }
    bool items = w->has_items[w->depth];
    w->depth--;
    if (items)
        newline(w);
    tn_buf_putc(w->out, c);
}

void tn_jsonw_object(tn_jsonw *w) { open_container(w, '{'); }
void tn_jsonw_array(tn_jsonw *w) { open_container(w, '['); }
void tn_jsonw_end_object(tn_jsonw *w) { close_container(w, '}'); }
void tn_jsonw_end_array(tn_jsonw *w) { close_container(w, ']'); }

void tn_jsonw_key(tn_jsonw *w, const char *key) {
    next(w);
    tn_buf_put_json_string(w->out, key);
    tn_buf_puts(w->out, ": ");
    w->keyed = true;
}

void tn_jsonw_item(tn_jsonw *w) { value_start(w); }

void tn_jsonw_str(tn_jsonw *w, const char *s) {
    value_start(w);
    tn_buf_put_json_string(w->out, s ? s : "");
}

void tn_jsonw_uint(tn_jsonw *w, uint64_t v) {
    value_start(w);
    tn_buf_printf(w->out, "%" PRIu64, v);
}

void tn_jsonw_bool(tn_jsonw *w, bool v) {
    value_start(w);
    tn_buf_puts(w->out, v ? "true" : "false");
}

void tn_jsonw_kstr(tn_jsonw *w, const char *key, const char *s) {
    if (!s)
        return;
    tn_jsonw_key(w, key);
    tn_jsonw_str(w, s);
}

void tn_jsonw_kuint(tn_jsonw *w, const char *key, uint64_t v) {
    tn_jsonw_key(w, key);
    tn_jsonw_uint(w, v);
}
