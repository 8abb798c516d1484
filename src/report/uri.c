/* Relative and absolute file URIs (RFC 3986, RFC 8089) for SARIF
 * artifactLocation and originalUriBaseIds. POSIX paths only. */
#define _POSIX_C_SOURCE 200809L
#include "report/uri.h"

#include "util/alloc.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* The working directory in a tn_malloc'd string, or NULL. */
static char *working_dir(void) {
    for (size_t cap = 256; cap <= ((size_t)1 << 20); cap *= 2) {
        char *buf = tn_malloc(cap);
        if (!buf)
            return NULL;
        if (getcwd(buf, cap))
            return buf;
        tn_free(buf);
        if (errno != ERANGE)
            return NULL;
    }
    return NULL;
}

/* Writes `path` (optionally prefixed by `prefix` and '/') to `out` with ".",
 * ".." and empty segments resolved. A relative path that climbs above its
 * start keeps its leading ".." segments; "" stands for the start itself. */
static void normalize(tn_buf *out, const char *prefix, const char *path) {
    out->size = 0;
    const char *parts[2] = {prefix, path};
    const char *first = prefix ? prefix : path;
    bool abs = first[0] == '/';
    if (abs)
        tn_buf_putc(out, '/');
    size_t root = abs ? 1 : 0, fixed = root;
    for (int k = 0; k < 2; k++) {
        const char *p = parts[k];
        while (p && *p) {
            size_t len = strcspn(p, "/");
            const char *seg = p;
            p += len;
            if (*p == '/')
                p++;
            if (len == 0 || (len == 1 && seg[0] == '.'))
                continue;
            if (len == 2 && seg[0] == '.' && seg[1] == '.') {
                if (out->size > fixed) { /* drop the last segment */
                    size_t q = out->size;
                    while (q > fixed && out->ptr[q - 1] != '/')
                        q--;
                    if (q > fixed)
                        q--;
                    out->size = q;
                    continue;
                }
                if (abs)
                    continue; /* "/.." is "/" */
                if (out->size > root)
                    tn_buf_putc(out, '/');
                tn_buf_puts(out, "..");
                fixed = out->size;
                continue;
            }
            if (out->size > root)
                tn_buf_putc(out, '/');
            tn_buf_put(out, seg, len);
        }
    }
    tn_buf_putc(out, '\0'); /* keep it a C string; not part of size */
    if (!out->failed)
        out->size--;
}

static void put_encoded(tn_buf *out, const char *s, size_t len) {
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        /* unreserved, sub-delims, '@' and '/' may stand as they are in a path;
         * ':' is encoded so a first segment never reads as a scheme. */
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~!$&'()*+,;=@/", c)) {
            if (c)
                tn_buf_putc(out, (char)c);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            tn_buf_put(out, esc, 3);
        }
    }
}

static void put_file_uri(tn_buf *out, const char *abs_path) {
    tn_buf_puts(out, "file://");
    put_encoded(out, abs_path, strlen(abs_path));
}

void tn_uri_for_file(tn_buf *out, const char *file, const char *base_dir, bool *relative_out) {
    *relative_out = true;
    if (!file || !*file) {
        tn_buf_puts(out, "%3Cinput%3E");
        return;
    }
    size_t flen = strlen(file);
    if (file[0] == '<' && file[flen - 1] == '>') { /* "<stdin>": not a path */
        put_encoded(out, file, flen);
        return;
    }
    const char *base = base_dir && *base_dir ? base_dir : ".";
    bool file_abs = file[0] == '/', base_abs = base[0] == '/';
    /* Two relative paths compare lexically unless the base climbs out of
     * the working directory ("..": "tree/x" is under it); otherwise, and
     * when one path is absolute, both are anchored at the working directory. */
    bool climbs = false;
    if (!base_abs) {
        tn_buf lex = {0};
        normalize(&lex, NULL, base);
        climbs = lex.failed || (lex.size >= 2 && memcmp(lex.ptr, "..", 2) == 0 &&
                                (lex.size == 2 || lex.ptr[2] == '/'));
        tn_buf_free(&lex);
    }
    bool anchor = file_abs != base_abs || climbs;
    char *cwd = NULL;
    if (anchor && !(cwd = working_dir())) {
        /* Cannot relate the two: the path as given is the best we have. */
        *relative_out = !file_abs;
        if (file_abs)
            put_file_uri(out, file);
        else
            put_encoded(out, file, flen);
        return;
    }
    tn_buf nf = {0}, nb = {0};
    normalize(&nf, file_abs ? NULL : cwd, file);
    normalize(&nb, base_abs ? NULL : cwd, base);
    const char *rel = NULL;
    if (!nf.failed && !nb.failed) {
        if (nb.size == 0) { /* the base is the (relative) start itself */
            if (strcmp(nf.ptr, "..") != 0 && strncmp(nf.ptr, "../", 3) != 0 && nf.size)
                rel = nf.ptr;
        } else if (nf.size > nb.size && memcmp(nf.ptr, nb.ptr, nb.size) == 0) {
            if (nb.ptr[nb.size - 1] == '/')
                rel = nf.ptr + nb.size;
            else if (nf.ptr[nb.size] == '/')
                rel = nf.ptr + nb.size + 1;
        }
        /* Two relative paths may both climb out ("../a" under ".."). */
        if (rel && (strcmp(rel, "..") == 0 || strncmp(rel, "../", 3) == 0))
            rel = NULL;
    }
    if (nf.failed || nb.failed) {
        out->failed = true;
    } else if (rel) {
        put_encoded(out, rel, strlen(rel));
    } else {
        *relative_out = false;
        if (nf.ptr[0] != '/') { /* both were relative: anchor at the working directory */
            tn_free(cwd);
            cwd = working_dir();
            if (cwd) {
                tn_buf abs = {0};
                normalize(&abs, cwd, nf.ptr);
                if (abs.failed)
                    out->failed = true;
                else
                    put_file_uri(out, abs.ptr);
                tn_buf_free(&abs);
            } else {
                *relative_out = true;
                put_encoded(out, nf.ptr, nf.size);
            }
        } else {
            put_file_uri(out, nf.ptr);
        }
    }
    tn_buf_free(&nf);
    tn_buf_free(&nb);
    tn_free(cwd);
}

bool tn_uri_for_dir(tn_buf *out, const char *dir) {
    if (!dir || !*dir)
        dir = ".";
    char *cwd = NULL;
    if (dir[0] != '/' && !(cwd = working_dir()))
        return false;
    tn_buf nd = {0};
    normalize(&nd, cwd, dir);
    tn_free(cwd);
    if (nd.failed) {
        out->failed = true;
        tn_buf_free(&nd);
        return true;
    }
    put_file_uri(out, nd.ptr);
    if (nd.size == 0 || nd.ptr[nd.size - 1] != '/')
        tn_buf_putc(out, '/');
    tn_buf_free(&nd);
    return true;
}
