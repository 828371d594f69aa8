/* util.h - small file-system helpers (no domain knowledge). */
#ifndef YB_UTIL_H
#define YB_UTIL_H

#include <stddef.h>

/* Creates dir and its missing parents (mode 0750). 0, or -1 with errno. */
int util_mkdir_p(const char *dir);

/* Creates the folder that will hold file path (and its missing parents). 0 or -1. */
int util_mkdir_parent(const char *path);

/* Writes data to path atomically: temporary file in the same folder, fsync, rename,
 * fsync of the folder. 0, or -1 with errno. */
int util_write_atomic(const char *path, const void *data, size_t len);

/* A text file that goes beside a filed file: NAME<suffix> (e.g. ".receipt.txt"). */
typedef struct {
    const char *suffix;
    const char *text;
} util_sidecar_t;

/* Files path into dir under `name` (NULL: path's base name), or "stem-1.ext",
 * "stem-2.ext", … when that name, or NAME<suffix> for a sidecar or for a `reserved`
 * suffix (NULL-terminated list, may be NULL), exists already. In this order, so the
 * file never lies there without them: each sidecar is written atomically, then the file
 * is moved (rename; across filesystems a copy under a temporary name, fsync, rename,
 * then unlink of path), then the folder is fsynced. A name with no file and only
 * sidecars of these suffixes holding exactly these texts is what a filing killed
 * half-way left, and is reused. The final path goes into out.
 * 0, or -1 with errno: then path is still where it was and no sidecar is left. */
int util_file_into(const char *path, const char *dir, const char *name, const util_sidecar_t *sides,
                   size_t n_sides, const char *const *reserved, char *out, size_t outsz);

/* util_file_into without sidecars. 0, or -1 with errno. */
int util_move_into(const char *path, const char *dir, const char *name, char *out, size_t outsz);

/* The part after the last '/'. */
const char *util_basename(const char *path);

/* FNV-1a 64-bit hash of data (file fingerprints, not security). */
unsigned long long util_hash64(const void *data, size_t len);

#endif
