/* cli/input.c: which files are mapped, that their bytes are the file's and
 * NUL-terminated, and that a mapped file shrinking mid-check ends the
 * process with a message and exit code 2 instead of a SIGBUS crash. */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cli/input.h"
#include "cli/util.h"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A temporary file of `size` bytes of a repeating pattern; its path in
 * `path` (PATH_MAX-sized). Returns the open descriptor. */
static int make_file(char *path, size_t size) {
    strcpy(path, "/tmp/tenet-input-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char block[4096];
    for (size_t i = 0; i < sizeof block; i++) block[i] = (char)('a' + i % 26);
    for (size_t done = 0; done < size;) {
        size_t n = size - done < sizeof block ? size - done : sizeof block;
        assert_int_equal(write(fd, block, n), (ssize_t)n);
        done += n;
    }
    return fd;
}

static void check_bytes(const cli_input_bytes *b, size_t size) {
    assert_int_equal(b->len, size);
    for (size_t i = 0; i < size; i += 997) assert_int_equal(b->data[i], 'a' + (i % 4096) % 26);
    assert_int_equal(b->data[size], '\0');
}

static void load(size_t size, bool may_map, bool expect_map) {
    char path[64];
    int fd = make_file(path, size);
    cli_input_bytes b;
    assert_int_equal(cli_input_load(path, 0, may_map, &b), 0);
    assert_int_equal(b.map != NULL, expect_map);
    check_bytes(&b, size);
    cli_input_release(&b);
    assert_null(b.data);
    close(fd);
    unlink(path);
}

static void test_small_file_is_read(void **state) {
    (void)state;
    load(1000, true, false);
}

static void test_large_file_is_mapped(void **state) {
    (void)state;
    load(CLI_INPUT_MAP_MIN + 1234, true, true);
}

static void test_page_multiple_is_read(void **state) {
    (void)state;
    /* No byte after the mapping to serve as the NUL. */
    load((size_t)sysconf(_SC_PAGESIZE) * 32, true, false);
}

static void test_not_mapped_without_guard(void **state) {
    (void)state;
    load(CLI_INPUT_MAP_MIN + 1234, false, false);
}

static void test_over_limit_is_read_to_limit(void **state) {
    (void)state;
    char path[64];
    size_t size = CLI_INPUT_MAP_MIN * 2 + 5;
    int fd = make_file(path, size);
    cli_input_bytes b;
    /* Read up to one byte over the limit, for the library to refuse. */
    assert_int_equal(cli_input_load(path, CLI_INPUT_MAP_MIN, true, &b), 0);
    assert_null(b.map);
    assert_int_equal(b.len, CLI_INPUT_MAP_MIN + 1);
    cli_input_release(&b);
    close(fd);
    unlink(path);
}

static void test_missing_file(void **state) {
    (void)state;
    cli_input_bytes b;
    assert_int_not_equal(cli_input_load("/nonexistent/tenet-input", 0, true, &b), 0);
    assert_null(b.data);
    cli_input_release(&b);
}

/* Runs `fn` in a child with stderr on a pipe; returns its wait status and
 * what it wrote. */
static int in_child(void (*fn)(const char *), const char *arg, char *err, size_t errcap) {
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], STDERR_FILENO);
        close(p[0]);
        fn(arg);
        _exit(99);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < errcap && (r = read(p[0], err + n, errcap - 1 - n)) > 0) n += (size_t)r;
    err[n] = '\0';
    close(p[0]);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return st;
}

static void shrink_while_mapped(const char *path) {
    if (cli_input_guard() != 0) _exit(98);
    cli_input_bytes b;
    if (cli_input_load(path, 0, true, &b) != 0 || !b.map) _exit(97);
    if (truncate(path, 0) != 0) _exit(96);
    volatile char c = b.data[b.len - 1]; /* past the new end: SIGBUS */
    (void)c;
    _exit(0);
}

static void test_shrunk_file_exits_2(void **state) {
    (void)state;
    char path[64], err[512];
    int fd = make_file(path, CLI_INPUT_MAP_MIN * 2 + 77);
    int st = in_child(shrink_while_mapped, path, err, sizeof err);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), CLI_EXIT_USAGE);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "shrank while it was being checked"));
    close(fd);
    unlink(path);
}

static void other_sigbus(const char *unused) {
    (void)unused;
    if (cli_input_guard() != 0) _exit(98);
    raise(SIGBUS);
    _exit(0);
}

static void test_other_sigbus_is_not_swallowed(void **state) {
    (void)state;
    char err[64];
    int st = in_child(other_sigbus, NULL, err, sizeof err);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGBUS);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_file_is_read),
        cmocka_unit_test(test_large_file_is_mapped),
        cmocka_unit_test(test_page_multiple_is_read),
        cmocka_unit_test(test_not_mapped_without_guard),
        cmocka_unit_test(test_over_limit_is_read_to_limit),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_shrunk_file_exits_2),
        cmocka_unit_test(test_other_sigbus_is_not_swallowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
