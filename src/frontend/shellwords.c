/* Shell word splitting with positions (see shellwords.h). The grammar is the
 * POSIX one where it matters for command lines (quotes, backslash escapes,
 * comments, separators), plus what documentation does to commands: Windows
 * `^` continuations, continuation characters followed by stray blanks, and
 * the lone `\` or `^` left mid-line when a multi-line example is flattened.
 * `<` and `>` stay word characters: documentation uses them for placeholders
 * (`--subnet-group <name>`) far more often than commands redirect output. */
#include "frontend/shellwords.h"
#include "util/buf.h"
#include "util/vec.h"

#include <string.h>

typedef struct sw {
    const char *t;
    size_t len;
    size_t i;
    tn_arena *arena;
    tn_buf buf;
    bool in_word;
    size_t woff;
    long vb;       /* -2: no segment yet; -1: assembled; else offset of the only segment */
    bool run_open; /* the current unquoted run is still contiguous with the input */
    bool quoted, expands;
    TN_VEC(tn_sw_word) words;
    TN_VEC(size_t) slashes;
} sw;

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

/* Line continuation characters: POSIX '\\', cmd.exe '^', PowerShell '`'. */
static bool continuation(char c) { return c == '\\' || c == '^' || c == '`'; }

static bool is_sep(char c) { return c == ';' || c == '|' || c == '&'; }

/* True when only blanks follow `i` up to the end of its line; *next is the
 * offset after that line's newline. */
static bool rest_blank(const char *t, size_t len, size_t i, size_t *next) {
    while (i < len && blank(t[i]))
        i++;
    if (i == len) {
        *next = len;
        return true;
    }
    if (t[i] == '\n') {
        *next = i + 1;
        return true;
    }
    return false;
}

static void seg_start(sw *s, size_t content_off) { s->vb = s->vb == -2 ? (long)content_off : -1; }

/* Appends input bytes [a, b) as unquoted text. */
static void unquoted(sw *s, size_t a, size_t b) {
    if (!s->run_open) {
        seg_start(s, a);
        s->run_open = true;
    }
    tn_buf_put(&s->buf, s->t + a, b - a);
}

/* Appends a byte that is not where the input has it (escape results). */
static void assembled(sw *s, const char *p, size_t n) {
    s->vb = -1;
    s->run_open = false;
    tn_buf_put(&s->buf, p, n);
}

static int finish_word(sw *s, size_t end) {
    if (!s->in_word)
        return 0;
    s->in_word = false;
    if (tn_buf_failed(&s->buf))
        return -1;
    tn_sw_word w;
    memset(&w, 0, sizeof w);
    w.text = tn_arena_strndup(s->arena, s->buf.ptr ? s->buf.ptr : "", s->buf.size);
    if (!w.text)
        return -1;
    w.len = s->buf.size;
    w.off = s->woff;
    w.end = end;
    w.verbatim = s->vb >= 0 ? s->vb : -1;
    w.quoted = s->quoted;
    w.expands = s->expands;
    s->buf.size = 0;
    return TN_VEC_PUSH(s->words, w);
}

static void start_word(sw *s) {
    s->in_word = true;
    s->woff = s->i;
    s->vb = -2;
    s->run_open = false;
    s->quoted = s->expands = false;
    s->buf.size = 0;
}

/* Index of `close` at or after j, or len. */
static size_t find(const char *t, size_t len, size_t j, char close) {
    while (j < len && t[j] != close)
        j++;
    return j;
}

/* Whether "$" followed by `n` starts a parameter expansion. */
static bool expansion_char(char n) {
    return (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || (n >= '0' && n <= '9') ||
           (n != '\0' && strchr("_{(@*#?$!-", n) != NULL);
}

/* An unquoted '$': $(...) and ${...} are copied whole (their blanks do not
 * split the word); $NAME and the special parameters are flagged. */
static void dollar(sw *s) {
    const char *t = s->t;
    size_t i = s->i, len = s->len;
    char n = i + 1 < len ? t[i + 1] : '\0';
    if (n == '(') {
        size_t j = i + 2;
        int depth = 1;
        for (; j < len && depth > 0; j++) {
            if (t[j] == '(')
                depth++;
            else if (t[j] == ')')
                depth--;
        }
        s->expands = true;
        unquoted(s, i, j);
        s->i = j;
        return;
    }
    if (n == '{') {
        size_t j = find(t, len, i + 2, '}');
        j = j < len ? j + 1 : len;
        s->expands = true;
        unquoted(s, i, j);
        s->i = j;
        return;
    }
    if (expansion_char(n))
        s->expands = true;
    unquoted(s, i, i + 1);
    s->i = i + 1;
}

/* Single quotes: everything up to the next quote, literally. */
static bool single_quote(sw *s) {
    size_t close = find(s->t, s->len, s->i + 1, '\'');
    if (close >= s->len)
        return false;
    s->quoted = true;
    s->run_open = false;
    seg_start(s, s->i + 1);
    tn_buf_put(&s->buf, s->t + s->i + 1, close - s->i - 1);
    s->i = close + 1;
    return true;
}

/* Double quotes: backslash escapes only $ ` " \ and newline. */
static bool double_quote(sw *s) {
    const char *t = s->t;
    size_t j = s->i + 1, mark = s->buf.size;
    s->quoted = true;
    s->run_open = false;
    seg_start(s, j);
    for (; j < s->len && t[j] != '"'; j++) {
        if (t[j] == '\\' && j + 1 < s->len && strchr("$`\"\\\n", t[j + 1])) {
            s->vb = -1;
            if (t[j + 1] != '\n')
                tn_buf_putc(&s->buf, t[j + 1]);
            j++;
            continue;
        }
        if (t[j] == '`' || (t[j] == '$' && j + 1 < s->len && expansion_char(t[j + 1])))
            s->expands = true;
        tn_buf_putc(&s->buf, t[j]);
    }
    if (j >= s->len) {
        s->buf.size = mark; /* the caller keeps the rest as written */
        return false;
    }
    s->i = j + 1;
    return true;
}

/* A lone '/' ending a line whose next line starts with '-': a typo for '\'. */
static bool slash_continuation(const sw *s, size_t *next) {
    if (!rest_blank(s->t, s->len, s->i + 1, next) || *next >= s->len)
        return false;
    size_t j = *next;
    while (j < s->len && blank(s->t[j]))
        j++;
    return j < s->len && s->t[j] == '-';
}

/* One step outside a word. Returns 1 to go on, 0 when the command ended,
 * -1 when out of memory. */
static int between_words(sw *s, tn_sw_command *out) {
    const char *t = s->t;
    char c = t[s->i];
    size_t next;
    if (blank(c)) {
        s->i++;
        return 1;
    }
    if (c == '\n') {
        s->i++;
        out->ended_by = TN_SW_NEWLINE;
        return 0;
    }
    if (c == '#') {
        while (s->i < s->len && t[s->i] != '\n')
            s->i++;
        return 1;
    }
    if (is_sep(c)) {
        char d = s->i + 1 < s->len ? t[s->i + 1] : '\0';
        s->i += (d == c || (c == '|' && d == '&')) ? 2 : 1;
        out->ended_by = TN_SW_SEPARATOR;
        return 0;
    }
    if (continuation(c) && rest_blank(t, s->len, s->i + 1, &next)) {
        s->i = next; /* a continuation, maybe with trailing blanks */
        return 1;
    }
    if (continuation(c) && s->i + 1 < s->len && blank(t[s->i + 1])) {
        s->i++; /* a continuation left mid-line by flattening */
        return 1;
    }
    if (c == '/' && slash_continuation(s, &next)) {
        if (TN_VEC_PUSH(s->slashes, s->i) < 0)
            return -1;
        s->i = next;
        return 1;
    }
    start_word(s);
    return 1;
}

/* One step inside a word. Returns 1 to go on, 0 at an unterminated quote,
 * -1 when out of memory. */
static int in_word(sw *s, tn_sw_command *out) {
    const char *t = s->t;
    char c = t[s->i];
    size_t next;
    if (blank(c) || c == '\n' || is_sep(c))
        return finish_word(s, s->i) < 0 ? -1 : 1;
    switch (c) {
    case '\\':
        if (s->i + 1 >= s->len) {
            unquoted(s, s->i, s->i + 1);
            s->i++;
        } else if (t[s->i + 1] == '\n') {
            s->vb = -1; /* joined across lines */
            s->run_open = false;
            s->i += 2;
        } else if (rest_blank(t, s->len, s->i + 1, &next)) {
            if (finish_word(s, s->i) < 0)
                return -1;
            s->i = next;
        } else {
            assembled(s, t + s->i + 1, 1);
            s->i += 2;
        }
        return 1;
    case '^':
        if (rest_blank(t, s->len, s->i + 1, &next)) {
            if (finish_word(s, s->i) < 0)
                return -1;
            s->i = next;
            return 1;
        }
        break;
    case '\'':
    case '"':
        if (!(c == '\'' ? single_quote(s) : double_quote(s))) {
            out->ended_by = TN_SW_UNTERMINATED;
            out->quote_off = s->i;
            tn_buf_put(&s->buf, t + s->i + 1, s->len - s->i - 1);
            s->vb = -1;
            s->i = s->len;
            return finish_word(s, s->len) < 0 ? -1 : 0;
        }
        return 1;
    case '$':
        dollar(s);
        return 1;
    case '`':
        if (rest_blank(t, s->len, s->i + 1, &next)) { /* PowerShell continuation */
            if (finish_word(s, s->i) < 0)
                return -1;
            s->i = next;
            return 1;
        } else {
            size_t close = find(t, s->len, s->i + 1, '`');
            close = close < s->len ? close + 1 : s->len;
            s->expands = true;
            unquoted(s, s->i, close);
            s->i = close;
            return 1;
        }
    default:
        break;
    }
    unquoted(s, s->i, s->i + 1);
    s->i++;
    return 1;
}

int tn_sw_split(const char *text, size_t len, size_t start, tn_arena *arena, tn_sw_command *out) {
    memset(out, 0, sizeof *out);
    sw s;
    memset(&s, 0, sizeof s);
    s.t = text;
    s.len = len;
    s.i = start < len ? start : len;
    s.arena = arena;
    out->ended_by = TN_SW_EOF;
    int rc = 1;
    while (rc > 0 && s.i < len)
        rc = s.in_word ? in_word(&s, out) : between_words(&s, out);
    if (rc >= 0 && finish_word(&s, s.i) < 0)
        rc = -1;
    out->end = s.i;
    if (rc >= 0 && s.words.n) {
        out->words = tn_arena_alloc(arena, s.words.n * sizeof *out->words);
        if (!out->words)
            rc = -1;
        else
            memcpy(out->words, s.words.v, s.words.n * sizeof *out->words);
        out->n = s.words.n;
    }
    if (rc >= 0 && s.slashes.n) {
        out->slashes = tn_arena_alloc(arena, s.slashes.n * sizeof *out->slashes);
        if (!out->slashes)
            rc = -1;
        else
            memcpy(out->slashes, s.slashes.v, s.slashes.n * sizeof *out->slashes);
        out->nslashes = s.slashes.n;
    }
    TN_VEC_FREE(s.words);
    TN_VEC_FREE(s.slashes);
    tn_buf_free(&s.buf);
    if (rc < 0) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}
