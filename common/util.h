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

/* Moves path into dir under `name` (NULL: path's base name), as "stem-1.ext",
 * "stem-2.ext", … if taken, and writes the final path into out. 0, or -1 with errno. */
int util_move_into(const char *path, const char *dir, const char *name, char *out, size_t outsz);

/* The part after the last '/'. */
const char *util_basename(const char *path);

/* FNV-1a 64-bit hash of data (file fingerprints, not security). */
unsigned long long util_hash64(const void *data, size_t len);

#endif
