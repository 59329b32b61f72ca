/* static_files.h — the web app's files, served by `tanhui serve` at / (issue 8).
 *
 * Pure: which file of the web root a request path names, and its content type; the server
 * opens and sends it. A path is refused (NULL) when it could leave the root: "..", a backslash,
 * a NUL, or anything not printable ASCII after decoding is never mapped. "/" is index.html; a
 * path without an extension that names no file is index.html too (the app's own routes, like
 * /projects/7, are the app's to draw). */
#ifndef TH_STATIC_FILES_H
#define TH_STATIC_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* The file under root for url (its path, no query), into out; false when url is refused.
 * exists says whether a file is there (for the fallback to index.html). */
bool th_static_path(const char *root, const char *url, bool (*exists)(const char *path),
                    char *out, size_t cap);
/* The content type of a file by its extension ("application/octet-stream" when unknown). */
const char *th_static_type(const char *path);
/* Whether the file may be cached for good: the build's hashed assets under /assets/. */
bool th_static_immutable(const char *url);

#endif
