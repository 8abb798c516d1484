/* The floor for any libyaml-based linter: read a file and run libyaml's
 * event parser over all of it, counting events, and nothing else (no tree,
 * no positions, no checks). Built against the same libyaml as tenet.
 *
 *     tenet_bench_baseline FILE...
 *
 * Prints "<events> events" per file; exits 1 on a read or parse error. */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

static unsigned char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        unsigned char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static int parse(const char *path) {
    size_t len;
    unsigned char *text = read_all(path, &len);
    if (!text) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 1;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        free(text);
        return 1;
    }
    yaml_parser_set_input_string(&p, text, len);
    unsigned long events = 0;
    int rc = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            fprintf(stderr, "%s:%lu:%lu: %s\n", path, (unsigned long)p.problem_mark.line + 1,
                    (unsigned long)p.problem_mark.column + 1, p.problem ? p.problem : "error");
            rc = 1;
            break;
        }
        events++;
        int done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (done)
            break;
    }
    yaml_parser_delete(&p);
    free(text);
    if (rc == 0)
        printf("%lu events\n", events);
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= parse(argv[i]);
    return rc;
}
