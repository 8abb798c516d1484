/* The parallel part of `tenet check`: a shared counter hands out inputs,
 * every result lands in the input's own slot, and only the calling thread
 * touches the final report — after all workers have finished — so the
 * output never depends on scheduling. */
#define _POSIX_C_SOURCE 200809L
#include "cli/config.h"
#include "cli/input.h"
#include "cli/jobs.h"
#include "cli/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The outcome of one input. */
typedef struct slot {
    tenet_report *report; /* NULL: skipped, unreadable, or no memory */
    int rc;               /* tenet_check's status, or a fatal TENET_ENOMEM */
    int read_errno;       /* the file or directory could not be read */
    tenet_error err;      /* for a fatal rc */
} slot;

typedef struct pool {
    const cli_check_job *job;
    slot *slots;
    atomic_size_t next;
    atomic_bool stop; /* a fatal error: every other input would fail alike */
    bool map_inputs;  /* the SIGBUS guard is in place (cli/input.h) */
} pool;

static const char *display_name(const cli_input *in) {
    return strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
}

static bool is_fatal(int rc) { return rc == TENET_EINVAL || rc == TENET_ENOMEM; }

static void check_one(const cli_check_job *job, bool map_inputs, const cli_input *in, slot *s) {
    if (in->error) {
        s->read_errno = in->error;
        return;
    }
    cli_input_bytes bytes;
    int e = cli_input_load(in->path, job->opts->max_input_bytes, map_inputs, &bytes);
    if (e) {
        s->read_errno = e;
        return;
    }
    const char *data = bytes.data;
    size_t len = bytes.len;
    if (in->walked || job->filter_named) {
        /* Files nobody asked for by name are checked only when recognised:
         * a directory holds much that is not a template, silently. */
        const char *format = NULL;
        int rc = tenet_detect_format(data, len, &format);
        if (rc != TENET_OK || !cli_walk_keeps(job->want, format)) {
            if (rc == TENET_ENOMEM)
                s->rc = rc;
            cli_input_release(&bytes);
            return;
        }
    }
    int rc = tenet_report_new(&s->report);
    if (rc == TENET_OK) {
        tenet_check_options opts = *job->opts;
        opts.filename = display_name(in);
        char *match = job->config ? cli_config_match_path(job->config, in->path) : NULL;
        opts.match_path = match;
        rc = tenet_check(s->report, job->rs, data, len, &opts, &s->err);
        free(match);
    }
    cli_input_release(&bytes);
    s->rc = rc;
}

static void *worker(void *arg) {
    pool *p = arg;
    const cli_inputs *in = p->job->inputs;
    for (;;) {
        if (atomic_load(&p->stop))
            break;
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= in->n)
            break;
        check_one(p->job, p->map_inputs, &in->v[i], &p->slots[i]);
        if (is_fatal(p->slots[i].rc))
            atomic_store(&p->stop, true);
    }
    return NULL;
}

/* Runs the workers: `threads - 1` new threads plus the calling one. A
 * thread that cannot be started only means less parallelism. */
static void run_pool(pool *p, size_t threads) {
    size_t extra = threads > 1 ? threads - 1 : 0;
    pthread_t *ids = extra ? calloc(extra, sizeof *ids) : NULL;
    size_t started = 0;
    if (ids) {
        for (; started < extra; started++)
            if (pthread_create(&ids[started], NULL, worker, p) != 0)
                break;
    }
    worker(p);
    for (size_t i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    free(ids);
}

/* Folds slot `s` into the final report; returns 1 when the input failed,
 * 0 when not, -1 on a fatal error (printed). */
static int collect(tenet_report *report, const cli_input *in, slot *s) {
    const char *name = display_name(in);
    if (is_fatal(s->rc)) {
        /* Bad options or no memory: every other file would fail the same way. */
        cli_error("%s", s->err.message[0] ? s->err.message : tenet_status_str(s->rc));
        return -1;
    }
    if (s->read_errno) {
        /* Recorded in the report, so every output format shows it and the
         * other files are still checked. */
        tenet_error rerr;
        memset(&rerr, 0, sizeof rerr);
        rerr.code = TENET_EIO;
        snprintf(rerr.message, sizeof rerr.message, "cannot read%s: %s",
                 in->error ? " the directory" : "", strerror(s->read_errno));
        if (tenet_report_add_input_error(report, name, &rerr) != TENET_OK)
            fprintf(stderr, "%s: error: %s\n", name, rerr.message);
        return 1;
    }
    if (!s->report)
        return 0; /* skipped: not a file tenet recognises */
    if (tenet_report_merge(report, s->report) != TENET_OK) {
        cli_error("out of memory");
        return -1;
    }
    return s->rc != TENET_OK;
}

long cli_check_inputs(const cli_check_job *job, tenet_report *report) {
    const cli_inputs *in = job->inputs;
    slot *slots = in->n ? calloc(in->n, sizeof *slots) : NULL;
    if (in->n && !slots) {
        cli_error("out of memory");
        return -1;
    }
    pool p = {job, slots, 0, false, cli_input_guard() == 0};
    size_t threads = job->threads ? job->threads : 1;
    if (threads > in->n)
        threads = in->n;
    run_pool(&p, threads);

    long failed = 0;
    for (size_t i = 0; i < in->n; i++) {
        int r = collect(report, &in->v[i], &slots[i]);
        if (r < 0) {
            failed = -1;
            break;
        }
        failed += r;
    }
    for (size_t i = 0; i < in->n; i++)
        tenet_report_free(slots[i].report);
    free(slots);
    return failed;
}

size_t cli_online_cpus(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}
