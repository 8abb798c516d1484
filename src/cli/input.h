/* The bytes of one input file for one check.
 *
 * A large regular file is mapped rather than read: its pages are already in
 * the page cache, so mapping them costs no fresh memory, while reading them
 * into a buffer makes the kernel hand out (and zero) a new page for every
 * 4 KiB of input. On a virtual machine that is the largest single cost of
 * checking a big template. Everything else (stdin, pipes, small files, files
 * whose size is a multiple of the page size, so no NUL follows the mapping)
 * is read with cli_read_file_limit().
 *
 * A mapped file that is truncated while being checked would make the next
 * access raise SIGBUS. cli_input_guard() installs a handler that turns that
 * into a message naming the file and exit code 2, instead of a crash. */
#ifndef CLI_INPUT_H
#define CLI_INPUT_H
#include <stdbool.h>
#include <stddef.h>

typedef struct cli_input_bytes {
    const char *data; /* NUL-terminated at data[len] */
    size_t len;
    void *map;        /* the mapping, or NULL when read into `owned` */
    size_t map_len;
    char *owned;
} cli_input_bytes;

/* Files at least this large are mapped: below it a read is as cheap. */
#define CLI_INPUT_MAP_MIN ((size_t)64 << 10)

/* Loads `path` ("-" = stdin), never more than `limit` + 1 bytes (0 = the
 * default limit; see cli_read_file_limit); maps it only when `may_map`
 * (the guard is installed). Returns 0, or an errno value (`out` is then
 * empty). Release with cli_input_release() on the same thread: the SIGBUS
 * guard knows each thread's current mapping. */
int cli_input_load(const char *path, size_t limit, bool may_map, cli_input_bytes *out);
void cli_input_release(cli_input_bytes *in);

/* Installs the SIGBUS handler for mapped inputs (once per process, before
 * any cli_input_load that may map). Returns 0 or an errno value. */
int cli_input_guard(void);

#endif
