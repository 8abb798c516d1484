/* Directory walking for `tenet check DIR`. Paths are built as the user
 * typed the root ("infra/a.yaml", or "a.yaml" for the root "."), so the
 * report, --exclude and pre-commit all see the same names. */
#define _POSIX_C_SOURCE 200809L
#include "cli/walk.h"
#include "frontend/frontend.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Deeper trees are not walked further (bind mounts can still make cycles). */
#define MAX_DEPTH 128

static const char *const doc_exts[] = {".yaml", ".yml", ".json", ".template"};
static const char *const text_exts[] = {".sh", ".bash", ".txt", ".md"};

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    if (n <= k)
        return false; /* ".yaml" alone is a hidden file, not a template */
    for (size_t i = 0; i < k; i++) {
        char c = s[n - k + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[i])
            return false;
    }
    return true;
}

static bool wanted_name(const char *name, const cli_walk_options *o) {
    for (size_t i = 0; i < sizeof doc_exts / sizeof doc_exts[0]; i++)
        if (ends_with(name, doc_exts[i]))
            return true;
    for (size_t i = 0; o->text_files && i < sizeof text_exts / sizeof text_exts[0]; i++)
        if (ends_with(name, text_exts[i]))
            return true;
    return false;
}

/* A glob without a leading "./" or trailing "/" (written for directories). */
static bool glob_matches(const char *glob, const char *s) {
    while (glob[0] == '.' && glob[1] == '/')
        glob += 2;
    size_t n = strlen(glob);
    while (n > 1 && glob[n - 1] == '/')
        n--;
    if (glob[n] == '\0')
        return fnmatch(glob, s, 0) == 0;
    char buf[1024];
    if (n >= sizeof buf)
        return false;
    memcpy(buf, glob, n);
    buf[n] = '\0';
    return fnmatch(buf, s, 0) == 0;
}

static bool excluded(const cli_walk_options *o, const char *rel, const char *shown,
                     const char *name) {
    for (size_t i = 0; i < o->nexcludes; i++) {
        const char *g = o->excludes[i];
        if (glob_matches(g, rel) || glob_matches(g, shown) || glob_matches(g, name))
            return true;
    }
    return false;
}

static int push(cli_inputs *out, const char *path, bool walked, int error) {
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        cli_input *v = realloc(out->v, cap * sizeof *v);
        if (!v)
            return ENOMEM;
        out->v = v;
        out->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return ENOMEM;
    out->v[out->n++] = (cli_input){copy, walked, error};
    return 0;
}

/* "dir" + "name", without doubling a slash; the root "." adds nothing. */
static char *join(const char *dir, const char *name) {
    if (!dir || strcmp(dir, ".") == 0 || strcmp(dir, "./") == 0)
        return strdup(name);
    size_t n = strlen(dir), k = strlen(name);
    bool slash = n > 0 && dir[n - 1] == '/';
    char *p = malloc(n + !slash + k + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, n);
    if (!slash)
        p[n++] = '/';
    memcpy(p + n, name, k + 1);
    return p;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entry names of `path`, sorted; NULL with *err set on failure. */
static char **list_dir(const char *path, size_t *n_out, int *err) {
    *n_out = 0;
    DIR *d = opendir(path);
    if (!d) {
        *err = errno ? errno : EIO;
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    *err = 0;
    for (errno = 0; (e = readdir(d)) != NULL; errno = 0) {
        if (e->d_name[0] == '.')
            continue; /* ".", ".." and hidden entries */
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            char **v = realloc(names, ncap * sizeof *v);
            if (!v) {
                *err = ENOMEM;
                break;
            }
            names = v;
            cap = ncap;
        }
        if (!(names[n] = strdup(e->d_name))) {
            *err = ENOMEM;
            break;
        }
        n++;
    }
    if (!*err && errno)
        *err = errno;
    closedir(d);
    if (*err) {
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return NULL;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    if (!names && !(names = calloc(1, sizeof *names))) {
        *err = ENOMEM;
        return NULL;
    }
    *n_out = n;
    return names;
}

/* Walks directory `shown` (`rel` below the root, "" for the root). */
static int walk(const char *shown, const char *rel, int depth, const cli_walk_options *o,
                cli_inputs *out) {
    size_t n;
    int err;
    char **names = list_dir(shown, &n, &err);
    if (!names)
        return err == ENOMEM ? ENOMEM : push(out, shown, false, err);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *name = names[i];
        char *path = join(shown, name);
        char *sub = rel[0] ? join(rel, name) : strdup(name);
        if (!path || !sub) {
            rc = ENOMEM;
        } else if (!excluded(o, sub, path, name)) {
            struct stat st;
            if (lstat(path, &st) == 0) {
                if (S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
                    /* a directory symlink: not followed */
                } else if (S_ISDIR(st.st_mode)) {
                    if (strcmp(name, "node_modules") != 0 && depth < MAX_DEPTH)
                        rc = walk(path, sub, depth + 1, o, out);
                } else if (S_ISREG(st.st_mode) && wanted_name(name, o)) {
                    rc = push(out, path, true, 0);
                }
            }
            /* An entry that vanished or a dangling symlink is not an input. */
        }
        free(path);
        free(sub);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int cmp_input(const void *a, const void *b) {
    const cli_input *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    return (int)x->walked - (int)y->walked; /* named before found */
}

int cli_collect_inputs(char *const *args, size_t nargs, const cli_walk_options *o,
                       cli_inputs *out) {
    size_t first = out->n;
    for (size_t i = 0; i < nargs; i++) {
        struct stat st;
        int rc;
        if (strcmp(args[i], "-") != 0 && stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))
            rc = walk(args[i], "", 0, o, out);
        else
            rc = push(out, args[i], false, 0);
        if (rc)
            return rc;
    }
    size_t n = out->n - first;
    if (n < 2)
        return 0;
    cli_input *v = out->v + first;
    qsort(v, n, sizeof *v, cmp_input);
    size_t k = 1;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i].path, v[k - 1].path) == 0) {
            free(v[i].path);
            continue;
        }
        v[k++] = v[i];
    }
    out->n = first + k;
    return 0;
}

void cli_inputs_free(cli_inputs *in) {
    if (!in)
        return;
    for (size_t i = 0; i < in->n; i++)
        free(in->v[i].path);
    free(in->v);
    in->v = NULL;
    in->n = in->cap = 0;
}

bool cli_walk_keeps(const char *want, const char *detected) {
    if (!detected)
        return false;
    if (want)
        return strcmp(want, detected) == 0;
    return strcmp(detected, "cloudformation") == 0 || strcmp(detected, "terraform-plan") == 0;
}

bool cli_input_format(const char *name, const char **canonical) {
    if (canonical)
        *canonical = NULL;
    if (!name || !*name || strcmp(name, "auto") == 0)
        return true;
    const tn_frontend *fe = tn_frontend_find(name);
    if (!fe)
        return false;
    if (canonical)
        *canonical = fe->name;
    return true;
}

const char *cli_input_format_names(void) { return tn_frontend_names(); }
