/* CLI helpers: file reading, TTY and colour decision, error printing. */
#define _POSIX_C_SOURCE 200809L
#include "cli/util.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_read_file(const char *path, char **data_out, size_t *len_out)
{
    return cli_read_file_limit(path, 0, data_out, len_out);
}

int cli_read_file_limit(const char *path, size_t limit, char **data_out, size_t *len_out)
{
    if (limit == 0)
        limit = CLI_DEFAULT_MAX_INPUT;
    if (limit > ((size_t)-1) / 4)
        limit = ((size_t)-1) / 4;
    *data_out = NULL;
    *len_out = 0;
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp)
        return errno ? errno : EIO;
    /* A regular file's size is known: one buffer of that size (plus the
     * byte that tells a file grown past the limit, and the NUL) is read
     * into without copies, and big inputs cost no doubling. */
    size_t cap = 64 * 1024, len = 0;
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
        (uintmax_t)st.st_size <= limit)
        cap = (size_t)st.st_size + 2;
    char *buf = malloc(cap);
    int rc = 0;
    if (!buf) {
        rc = ENOMEM;
        goto done;
    }
    for (;;) {
        if (cap - len < 2) {
            /* Doubling keeps reads amortised linear; stop before size_t wraps. */
            if (cap > ((size_t)-1) / 2) {
                rc = EFBIG;
                goto done;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                rc = ENOMEM;
                goto done;
            }
            buf = nb;
            cap *= 2;
        }
        size_t want = cap - len - 1;
        if (want > limit + 1 - len)
            want = limit + 1 - len;
        size_t n = want ? fread(buf + len, 1, want, fp) : 0;
        len += n;
        if (len > limit)
            break; /* one byte over: enough to say "too large" */
        if (n == 0) {
            if (ferror(fp))
                rc = errno ? errno : EIO;
            break;
        }
    }
done:
    if (!is_stdin)
        fclose(fp);
    else
        clearerr(stdin);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *data_out = buf;
    *len_out = len;
    return 0;
}

bool cli_isatty(FILE *fp)
{
    return isatty(fileno(fp)) == 1;
}

bool cli_parse_color(const char *s, cli_color *out)
{
    if (strcmp(s, "auto") == 0)
        *out = CLI_COLOR_AUTO;
    else if (strcmp(s, "always") == 0)
        *out = CLI_COLOR_ALWAYS;
    else if (strcmp(s, "never") == 0)
        *out = CLI_COLOR_NEVER;
    else
        return false;
    return true;
}

bool cli_use_color(cli_color mode, FILE *fp)
{
    switch (mode) {
    case CLI_COLOR_ALWAYS:
        return true;
    case CLI_COLOR_NEVER:
        return false;
    case CLI_COLOR_AUTO:
    default:
        /* https://no-color.org: a set, non-empty NO_COLOR disables colour. */
        return cli_isatty(fp) && cli_getenv("NO_COLOR") == NULL;
    }
}

bool cli_write(FILE *fp, const char *data, size_t len)
{
    if (len && fwrite(data, 1, len, fp) != len)
        return false;
    return true;
}

const char *cli_getenv(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tenet: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

bool cli_strlist_push(cli_strlist *l, const char *s, size_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **nv = realloc(l->v, cap * sizeof(*nv));
        if (!nv)
            return false;
        l->v = nv;
        l->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return false;
    memcpy(copy, s, len);
    copy[len] = '\0';
    l->v[l->n++] = copy;
    return true;
}

bool cli_strlist_contains(const cli_strlist *l, const char *s, size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == len && memcmp(l->v[i], s, len) == 0)
            return true;
    return false;
}

void cli_strlist_free(cli_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}
