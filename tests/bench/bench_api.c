/* Micro-benchmark of the C API as a provisioning tool uses it: one compiled
 * ruleset, then, per request, a new report, tenet_check() on one API request
 * string, the diagnostic count, and the report freed. Prints the median time
 * per check over several batches.
 *
 *     tenet_bench_api [--batches N] [--min-ms MS] [--format F] [--region R] [FILE]
 *
 * Without FILE the input is a CreateReplicationGroup query request (format
 * api-query); with FILE, the file's bytes (format detected unless --format). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <tenet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char k_request[] =
    "Action=CreateReplicationGroup&Version=2015-02-02&ReplicationGroupId=sessions"
    "&ReplicationGroupDescription=Session%20cache&Engine=redis&EngineVersion=7.1"
    "&CacheNodeType=cache.r6g.large&NumCacheClusters=2&AutomaticFailoverEnabled=true"
    "&AtRestEncryptionEnabled=true&TransitEncryptionEnabled=true"
    "&KmsKeyId=arn%3Aaws%3Akms%3Aus-east-1%3A123456789012%3Akey%2F1234abcd"
    "&CacheSubnetGroupName=cache-subnets&SecurityGroupIds.member.1=sg-0123456789abcdef0"
    "&CacheParameterGroupName=default.redis7&Tags.Tag.1.Key=team&Tags.Tag.1.Value=payments";

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            char *bigger = realloc(buf, cap ? cap * 2 : 1 << 16);
            if (!bigger)
                break;
            buf = bigger;
            cap = cap ? cap * 2 : 1 << 16;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* One check as an embedding tool does it; returns the diagnostic count or -1. */
static long check_once(const tenet_ruleset *rs, const char *data, size_t len,
                       const tenet_check_options *o) {
    tenet_report *report = NULL;
    if (tenet_report_new(&report) != TENET_OK)
        return -1;
    tenet_error err;
    int rc = tenet_check(report, rs, data, len, o, &err);
    long n = rc == TENET_OK ? (long)tenet_report_count(report) : -1;
    if (rc != TENET_OK)
        fprintf(stderr, "tenet_check: %s\n", err.message);
    tenet_report_free(report);
    return n;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    int batches = 9;
    double min_ms = 200;
    const char *format = NULL, *path = NULL, *region = "us-east-1";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--batches") == 0 && i + 1 < argc)
            batches = atoi(argv[++i]);
        else if (strcmp(argv[i], "--min-ms") == 0 && i + 1 < argc)
            min_ms = atof(argv[++i]);
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else if (strcmp(argv[i], "--region") == 0 && i + 1 < argc)
            region = argv[++i];
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else {
            fprintf(stderr, "usage: %s [--batches N] [--min-ms MS] [--format F] [--region R] "
                            "[FILE]\n", argv[0]);
            return 2;
        }
    }
    if (batches < 1)
        batches = 1;
    size_t len = sizeof k_request - 1;
    char *owned = NULL;
    const char *data = k_request;
    if (path) {
        if (!(owned = read_file(path, &len))) {
            fprintf(stderr, "%s: cannot read\n", path);
            return 2;
        }
        data = owned;
    } else if (!format) {
        format = "api-query";
    }

    tenet_error err;
    tenet_ruleset *rs = NULL;
    if (tenet_ruleset_builtin(&rs, &err) != TENET_OK) {
        fprintf(stderr, "rules: %s\n", err.message);
        return 2;
    }
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = path ? path : "request";
    o.regions = &region;
    o.region_count = 1;
    o.input_format = format;

    long ndiag = check_once(rs, data, len, &o); /* warm-up, and the answer */
    if (ndiag < 0) {
        tenet_ruleset_free(rs);
        free(owned);
        return 2;
    }
    /* Calibrate: enough iterations per batch for min_ms. */
    long iters = 1;
    for (;;) {
        double t0 = now_ns();
        for (long i = 0; i < iters; i++)
            check_once(rs, data, len, &o);
        double ms = (now_ns() - t0) / 1e6;
        if (ms >= min_ms / 4 || iters >= (1L << 24))
            break;
        iters *= 2;
    }
    iters *= 4;
    double *per = calloc((size_t)batches, sizeof *per);
    if (!per)
        return 2;
    for (int b = 0; b < batches; b++) {
        double t0 = now_ns();
        for (long i = 0; i < iters; i++)
            check_once(rs, data, len, &o);
        per[b] = (now_ns() - t0) / (double)iters;
    }
    qsort(per, (size_t)batches, sizeof *per, cmp_double);
    printf("input: %s (%zu bytes, format %s), %ld diagnostics\n", path ? path : "query request",
           len, format ? format : "auto", ndiag);
    printf("batches: %d x %ld checks\n", batches, iters);
    printf("min %.0f ns, median %.0f ns, max %.0f ns per check\n", per[0], per[batches / 2],
           per[batches - 1]);
    free(per);
    tenet_ruleset_free(rs);
    free(owned);
    return 0;
}
