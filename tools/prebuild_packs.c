/* Build-time tool: loads each rule pack with the loader tenet uses at run
 * time (tn_doc_parse_bytes) and writes its document tree as
 * const C data without pointers (see src/rules/builtin.h), so that a process
 * using the built-in packs parses nothing at start-up, and relocates nothing
 * for them either.
 *
 * Usage: prebuild_packs [--symbol NAME] OUT.c PACK...
 * NAME (default tn_builtin_docs) is the table's name; PACK... in the order
 * cmake/embed.cmake embeds them. A pack that does not load (or whose text is
 * not its own bytes, as with UTF-16) is written as not prebuilt and warned
 * about: tenet then parses it at run time and reports what it always did. */
#include "doc/node.h"
#include "util/alloc.h"

#include <inttypes.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    const tn_node *node;
    size_t index;
} slot;

/* One pack being written: its nodes in pre-order (a node shared through a
 * YAML alias appears once), and where each collection's children start in
 * the items or pairs array. */
typedef struct gen {
    FILE *out;
    size_t pack;
    const tn_node **nodes;
    size_t *kids;
    size_t *str_off, *tag_off; /* offset + 1 in the pool; 0: NULL */
    size_t nnodes, cap;
    size_t pool_len;
    size_t nitems, npairs;
    slot *seen; /* open addressing: node -> index */
    size_t seen_cap;
} gen;

static void *xrealloc(void *p, size_t size) {
    void *q = realloc(p, size ? size : 1);
    if (!q) {
        fprintf(stderr, "prebuild_packs: out of memory\n");
        exit(1);
    }
    return q;
}

static size_t hash_ptr(const void *p, size_t cap) {
    uint64_t h = (uint64_t)(uintptr_t)p * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 32) & (cap - 1);
}

static slot *find_slot(gen *g, const tn_node *n) {
    size_t i = hash_ptr(n, g->seen_cap);
    while (g->seen[i].node && g->seen[i].node != n) i = (i + 1) & (g->seen_cap - 1);
    return &g->seen[i];
}

static void grow_seen(gen *g) {
    slot *old = g->seen;
    size_t old_cap = g->seen_cap;
    g->seen_cap = old_cap ? old_cap * 2 : 1024;
    g->seen = xrealloc(NULL, g->seen_cap * sizeof *g->seen);
    memset(g->seen, 0, g->seen_cap * sizeof *g->seen);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].node) *find_slot(g, old[i].node) = old[i];
    free(old);
}

/* Numbers the nodes under `n` in pre-order, reserving each collection's
 * children a run of the items or pairs array. */
static void number(gen *g, const tn_node *n) {
    if (2 * (g->nnodes + 1) > g->seen_cap) grow_seen(g);
    slot *s = find_slot(g, n);
    if (s->node) return; /* an alias: the node is already written */
    s->node = n;
    s->index = g->nnodes;
    if (g->nnodes == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 1024;
        g->nodes = xrealloc(g->nodes, g->cap * sizeof *g->nodes);
        g->kids = xrealloc(g->kids, g->cap * sizeof *g->kids);
        g->str_off = xrealloc(g->str_off, g->cap * sizeof *g->str_off);
        g->tag_off = xrealloc(g->tag_off, g->cap * sizeof *g->tag_off);
    }
    size_t me = g->nnodes++;
    g->nodes[me] = n;
    g->kids[me] = 0;
    if (n->type == TN_NODE_SEQ && n->n) {
        g->kids[me] = g->nitems;
        g->nitems += n->n;
        for (uint32_t i = 0; i < n->n; i++) number(g, n->ch.items[i]);
    } else if (n->type == TN_NODE_MAP && n->n) {
        g->kids[me] = g->npairs;
        g->npairs += n->n;
        for (uint32_t i = 0; i < n->n; i++) {
            number(g, n->ch.pairs[i].key);
            number(g, n->ch.pairs[i].value);
        }
    }
}

static size_t index_of(gen *g, const tn_node *n) { return find_slot(g, n)->index; }

/* A C string literal of exactly these bytes (octal escapes are never
 * followed by a digit that could extend them; '?' is escaped for trigraphs). */
static void put_str(FILE *out, const char *s, size_t len) {
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c == '?')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c >= 0x20 && c < 0x7F)
            fputc(c, out);
        else
            fprintf(out, "\\%03o", c);
    }
    fputc('"', out);
}

/* Appends a string and its NUL to the pool, as a literal of its own. */
static size_t put_pooled(gen *g, const char *s, size_t len) {
    size_t at = g->pool_len + 1;
    if (at > UINT32_MAX - len - 1) {
        fprintf(stderr, "prebuild_packs: a pack's strings exceed 4 GiB\n");
        exit(1);
    }
    fputs("    ", g->out);
    put_str(g->out, s, len + 1);
    fputc('\n', g->out);
    g->pool_len += len + 1;
    return at;
}

static void put_cstr(FILE *out, const char *s) {
    if (s)
        put_str(out, s, strlen(s));
    else
        fputs("NULL", out);
}

static void put_span(FILE *out, const tn_span *sp) {
    fprintf(out, "{%" PRIu32 ", %" PRIu32 ", %" PRIu32 ", %" PRIu32 ", %" PRIu32 ", %" PRIu32 "}",
            sp->line, sp->col, sp->end_line, sp->end_col, sp->off, sp->end_off);
}

/* Exact: hex floats round-trip every finite double. */
static void put_double(FILE *out, double d) {
    if (isnan(d))
        fputs(signbit(d) ? "-NAN" : "NAN", out);
    else if (isinf(d))
        fputs(d < 0 ? "-INFINITY" : "INFINITY", out);
    else
        fprintf(out, "%a", d);
}

static const char *type_name(tn_node_type t) {
    switch (t) {
    case TN_NODE_NULL: return "TN_NODE_NULL";
    case TN_NODE_BOOL: return "TN_NODE_BOOL";
    case TN_NODE_INT: return "TN_NODE_INT";
    case TN_NODE_FLOAT: return "TN_NODE_FLOAT";
    case TN_NODE_STRING: return "TN_NODE_STRING";
    case TN_NODE_SEQ: return "TN_NODE_SEQ";
    case TN_NODE_MAP: return "TN_NODE_MAP";
    }
    return "TN_NODE_NULL";
}

static void put_node(gen *g, size_t i) {
    FILE *out = g->out;
    const tn_node *n = g->nodes[i];
    fprintf(out, "    {.type = %s, ", type_name(n->type));
    if (n->quoted) fputs(".quoted = true, ", out);
    if (g->tag_off[i]) fprintf(out, ".tag = %zu, ", g->tag_off[i]);
    fputs(".span = ", out);
    put_span(out, &n->span);
    if (g->str_off[i]) fprintf(out, ", .str = %zu, .len = %" PRIu32, g->str_off[i], n->len);
    if (n->n) fprintf(out, ", .n = %" PRIu32, n->n);
    switch (n->type) {
    case TN_NODE_BOOL: fprintf(out, ", .as.b = %s", n->as.b ? "true" : "false"); break;
    case TN_NODE_INT:
        if (n->as.i == INT64_MIN)
            fputs(", .as.i = INT64_MIN", out);
        else
            fprintf(out, ", .as.i = INT64_C(%" PRId64 ")", n->as.i);
        break;
    case TN_NODE_FLOAT:
        fputs(", .as.f = ", out);
        put_double(out, n->as.f);
        break;
    case TN_NODE_SEQ:
    case TN_NODE_MAP:
        if (n->n) fprintf(out, ", .kids = %zu", g->kids[i]);
        break;
    case TN_NODE_NULL:
    case TN_NODE_STRING: break;
    }
    fprintf(out, "}, /* %zu */\n", i);
}

/* Writes the arrays of one pack's document. */
static void put_doc(gen *g, const tn_doc *doc) {
    FILE *out = g->out;
    if (doc->root) number(g, doc->root);
    fprintf(out, "static const char p%zu_pool[] =\n", g->pack);
    for (size_t i = 0; i < g->nnodes; i++) {
        const tn_node *n = g->nodes[i];
        g->tag_off[i] = n->tag ? put_pooled(g, n->tag, strlen(n->tag)) : 0;
        g->str_off[i] = n->str ? put_pooled(g, n->str, n->len) : 0;
    }
    fputs("    \"\";\n", out);
    if (g->nitems) {
        fprintf(out, "static const uint32_t p%zu_items[%zu] = {\n", g->pack, g->nitems);
        for (size_t i = 0; i < g->nnodes; i++) {
            const tn_node *n = g->nodes[i];
            if (n->type != TN_NODE_SEQ) continue;
            for (uint32_t k = 0; k < n->n; k++)
                fprintf(out, "    %zu,\n", index_of(g, n->ch.items[k]));
        }
        fputs("};\n", out);
    }
    if (g->npairs) {
        fprintf(out, "static const tn_packed_pair p%zu_pairs[%zu] = {\n", g->pack, g->npairs);
        for (size_t i = 0; i < g->nnodes; i++) {
            const tn_node *n = g->nodes[i];
            if (n->type != TN_NODE_MAP) continue;
            for (uint32_t k = 0; k < n->n; k++)
                fprintf(out, "    {%zu, %zu},\n", index_of(g, n->ch.pairs[k].key),
                        index_of(g, n->ch.pairs[k].value));
        }
        fputs("};\n", out);
    }
    if (g->nnodes) {
        fprintf(out, "static const tn_packed_node p%zu_nodes[%zu] = {\n", g->pack, g->nnodes);
        for (size_t i = 0; i < g->nnodes; i++) put_node(g, i);
        fputs("};\n", out);
    }
    if (doc->nnotes) {
        fprintf(out, "static const tn_doc_note p%zu_notes[%zu] = {\n", g->pack, doc->nnotes);
        for (size_t i = 0; i < doc->nnotes; i++) {
            fputs("    {", out);
            put_span(out, &doc->notes[i].span);
            fputs(", ", out);
            put_cstr(out, doc->notes[i].code);
            fputs(", ", out);
            put_cstr(out, doc->notes[i].message);
            fputs("},\n", out);
        }
        fputs("};\n", out);
    }
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *data = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n == cap) data = xrealloc(data, cap = cap ? cap * 2 : 65536);
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        return NULL;
    }
    *len = n;
    return data;
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Loads one pack as src/rules/load.c would and writes its arrays and, in
 * `entry`, its table entry. -1 when the file cannot be read. */
static int put_pack(FILE *out, size_t pack, const char *path, char *entry, size_t entry_size) {
    size_t len = 0;
    char *data = read_file(path, &len);
    if (!data) {
        fprintf(stderr, "prebuild_packs: cannot read %s\n", path);
        return -1;
    }
    const char *name = base_name(path);
    tn_doc *doc = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rv = tn_doc_parse_bytes(&doc, data, len, name, &err);
    /* The spans index the document's text: it must be a tail of the bytes
     * tenet embeds (a BOM may precede it), which UTF-16 transcoded is not. */
    bool own_bytes = !rv && doc->len <= len &&
                     memcmp(data + (len - doc->len), doc->text, doc->len) == 0;
    if (rv)
        fprintf(stderr, "prebuild_packs: warning: %s:%u:%u: %s (it is parsed at run time)\n",
                name, (unsigned)err.line, (unsigned)err.column, err.message);
    else if (!own_bytes)
        fprintf(stderr, "prebuild_packs: warning: %s is not UTF-8 (it is parsed at run time)\n",
                name);
    if (!own_bytes) {
        snprintf(entry, entry_size, "{.prebuilt = false}");
    } else {
        fprintf(out, "\n/* %s */\n", name);
        gen g = {.out = out, .pack = pack};
        put_doc(&g, doc);
        char nodes[64] = "NULL", items[64] = "NULL", pairs[64] = "NULL", notes[64] = "NULL";
        if (g.nnodes) snprintf(nodes, sizeof nodes, "p%zu_nodes", pack);
        if (g.nitems) snprintf(items, sizeof items, "p%zu_items", pack);
        if (g.npairs) snprintf(pairs, sizeof pairs, "p%zu_pairs", pack);
        if (doc->nnotes) snprintf(notes, sizeof notes, "(tn_doc_note *)p%zu_notes", pack);
        snprintf(entry, entry_size,
                 "{.prebuilt = true, .nodes = %s, .nnodes = %zu, .items = %s, .pairs = %s, "
                 ".nitems = %zu, .npairs = %zu, .pool = p%zu_pool, .notes = %s, .nnotes = %zu, "
                 ".text_off = %zu}",
                 nodes, g.nnodes, items, pairs, g.nitems, g.npairs, pack, notes, doc->nnotes,
                 len - doc->len);
        free(g.nodes);
        free(g.kids);
        free(g.str_off);
        free(g.tag_off);
        free(g.seen);
    }
    tn_doc_free(doc);
    free(data);
    return 0;
}

int main(int argc, char **argv) {
    const char *symbol = "tn_builtin_docs";
    int a = 1;
    if (a + 1 < argc && strcmp(argv[a], "--symbol") == 0) {
        symbol = argv[a + 1];
        a += 2;
    }
    if (a >= argc) {
        fprintf(stderr, "usage: prebuild_packs [--symbol NAME] OUT.c PACK...\n");
        return 2;
    }
    /* Written aside and renamed, so that a failed run leaves no half file. */
    const char *out_path = argv[a++];
    size_t tmp_size = strlen(out_path) + 5;
    char *tmp_path = xrealloc(NULL, tmp_size);
    snprintf(tmp_path, tmp_size, "%s.tmp", out_path);
    FILE *out = fopen(tmp_path, "w");
    if (!out) {
        fprintf(stderr, "prebuild_packs: cannot write %s\n", tmp_path);
        free(tmp_path);
        return 1;
    }
    fputs("/* Generated by tools/prebuild_packs.c from the rules/ packs: do not edit.\n"
          " * Spans are {line, col, end_line, end_col, off, end_off}; .str and .tag are\n"
          " * offsets + 1 in the pack's pool, .kids indices in its items or pairs. */\n"
          "#include \"rules/builtin.h\"\n#include <math.h>\n#include <stdint.h>\n",
          out);
    size_t npacks = (size_t)(argc - a);
    char(*entries)[512] = xrealloc(NULL, (npacks + 1) * sizeof *entries);
    int rv = 0;
    for (size_t i = 0; i < npacks && !rv; i++)
        rv = put_pack(out, i, argv[a + (int)i], entries[i], sizeof entries[i]);
    if (!rv) {
        /* The last entry matches tn_builtin_packs' terminator (and keeps the
         * array non-empty). */
        fprintf(out, "\nconst tn_builtin_doc %s[] = {\n", symbol);
        for (size_t i = 0; i < npacks; i++) fprintf(out, "    %s,\n", entries[i]);
        fputs("    {.prebuilt = false},\n};\n", out);
    }
    free(entries);
    if ((ferror(out) | fclose(out)) != 0 && !rv) {
        fprintf(stderr, "prebuild_packs: cannot write %s\n", tmp_path);
        rv = -1;
    }
    if (!rv && rename(tmp_path, out_path) != 0) {
        fprintf(stderr, "prebuild_packs: cannot write %s\n", out_path);
        rv = -1;
    }
    if (rv) remove(tmp_path);
    free(tmp_path);
    return rv ? 1 : 0;
}
