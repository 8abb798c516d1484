/* File URIs for SARIF: paths relative to a base directory, percent-encoded. */
#ifndef TN_URI_H
#define TN_URI_H
#include "util/buf.h"
#include <stdbool.h>

/* Appends the URI of `file`: relative to `base_dir` (the working directory
 * when NULL) when the file lies under it, and then *relative_out is true;
 * else an absolute file:// URI. Paths are normalised lexically ("./",
 * "a/.." and repeated slashes go; symbolic links are not resolved). Names
 * such as "<stdin>" stay relative names. Failures show in the buffer. */
void tn_uri_for_file(tn_buf *out, const char *file, const char *base_dir, bool *relative_out);

/* Appends the absolute file:// URI of directory `dir` (resolved against the
 * working directory), ending with '/'. Returns false, appending nothing,
 * when the working directory cannot be determined. */
bool tn_uri_for_dir(tn_buf *out, const char *dir);

#endif
