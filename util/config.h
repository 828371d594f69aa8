/* config.h - table-driven INI configuration, one row per key (libinih underneath).
 *
 * Lifecycle as in mosquitto: defaults → file → command-line overrides → check. An
 * unknown section or key, or a bad value, is an error naming file and line.
 */
#ifndef YB_CONFIG_H
#define YB_CONFIG_H

#include <stddef.h>

typedef enum { CONF_STRING, CONF_INT, CONF_BOOL, CONF_DOUBLE } config_type_t;

typedef struct {
    const char *section; /* e.g. "collector" */
    const char *key;
    config_type_t type;
    size_t offset; /* offsetof the field in the caller's struct */
    size_t size;   /* CONF_STRING: buffer size */
} config_key_t;

/* Reads path into base according to table (terminated by a row with key NULL).
 * Relative paths stay as written. 0, or -1 with "file:line: message" in err. */
int config_read(const char *path, const config_key_t *table, void *base, char *err, size_t errsz);

/* Sets key to value as config_read would (for --set key=value style overrides).
 * 0, or -1 with a message in err. */
int config_set(const config_key_t *table, void *base, const char *key, const char *value, char *err,
               size_t errsz);

/* Applies "KEY=VALUE" strings in order (the --set options), as config_set does.
 * 0, or -1 with "--set ITEM: message" in err. The strings are not modified. */
int config_set_all(const config_key_t *table, void *base, char *const *items, int n, char *err, size_t errsz);

/* The lifecycle's middle for a program: reads path (if not empty), then applies the
 * --set items in order. On an error prints "prog: file:line: message" on stderr and
 * returns -1; 0 otherwise. */
int config_apply(const char *prog, const char *path, const config_key_t *table, void *base, char *const *items,
                 int n);

#endif
