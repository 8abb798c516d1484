/* Input files for `tenet check`: mapped when large, read otherwise
 * (see input.h for why), and the SIGBUS guard for mapped ones. */
#define _DEFAULT_SOURCE /* MAP_POPULATE */
#include "cli/input.h"
#include "cli/util.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The mapping this thread is checking, for the SIGBUS handler: a
 * synchronous signal is delivered to the thread that faulted. */
static _Thread_local struct {
    const char *base;
    size_t len;
    const char *path;
} current;

static void put_err(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    while (n) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

/* Async-signal-safe: only write(), _exit(), signal() and raise(). A fault
 * elsewhere is a real bug: it gets the default action (a core dump). */
static void on_sigbus(int sig, siginfo_t *si, void *uctx) {
    (void)sig;
    (void)uctx;
    const char *a = si ? (const char *)si->si_addr : NULL;
    if (!current.base || !a || a < current.base || (size_t)(a - current.base) >= current.len) {
        /* Not a mapped input: die of it as without the handler (a fault
         * re-raises on return too; a sent signal would otherwise be lost). */
        signal(SIGBUS, SIG_DFL);
        raise(SIGBUS);
        return;
    }
    put_err("tenet: ");
    put_err(current.path);
    put_err(": error: the file shrank while it was being checked\n");
    _exit(CLI_EXIT_USAGE);
}

int cli_input_guard(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGBUS, &sa, NULL) == 0 ? 0 : errno;
}

/* Maps `path` when it is a regular file worth mapping; false otherwise
 * (then it is read instead; errors are left for the read to report). */
static bool try_map(const char *path, size_t limit, cli_input_bytes *out) {
    /* O_NONBLOCK: opening a FIFO must not wait for a writer here. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    long page = sysconf(_SC_PAGESIZE);
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && page > 0 &&
              (uintmax_t)st.st_size >= CLI_INPUT_MAP_MIN && (uintmax_t)st.st_size <= limit &&
              (uintmax_t)st.st_size <= SIZE_MAX &&
              /* The rest of the last page reads as zeros: the NUL terminator. */
              (size_t)st.st_size % (size_t)page != 0;
    void *map = MAP_FAILED;
    if (ok) {
        int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
        flags |= MAP_POPULATE; /* one call instead of a fault per 16 pages */
#endif
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, flags, fd, 0);
    }
    close(fd);
    if (map == MAP_FAILED) return false;
    out->map = map;
    out->map_len = (size_t)st.st_size;
    out->data = map;
    out->len = (size_t)st.st_size;
    /* Whole pages: a fault past the new end of a shrunk file may land
     * anywhere in the last page. */
    current.base = map;
    current.len = (out->map_len + (size_t)page - 1) / (size_t)page * (size_t)page;
    current.path = path;
    return true;
}

int cli_input_load(const char *path, size_t limit, bool may_map, cli_input_bytes *out) {
    memset(out, 0, sizeof *out);
    if (limit == 0) limit = CLI_DEFAULT_MAX_INPUT;
    if (may_map && strcmp(path, "-") != 0 && try_map(path, limit, out)) return 0;
    int e = cli_read_file_limit(path, limit, &out->owned, &out->len);
    if (e) return e;
    out->data = out->owned;
    return 0;
}

void cli_input_release(cli_input_bytes *in) {
    if (in->map) {
        current.base = NULL;
        current.len = 0;
        current.path = NULL;
        munmap(in->map, in->map_len);
    }
    free(in->owned);
    memset(in, 0, sizeof *in);
}
