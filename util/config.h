/* config.h - table-driven INI configuration, one row per key (libinih underneath).
 *
 * As in Redis's config.c, a program's keys are one table: each row names the key, its
 * type, where it lives in the program's config struct, its default, its bounds and one
 * line of help. The defaults, the checks, the error messages and the key list in
 * --help all come from that row, so they cannot disagree; what a table cannot say
 * (one key against another, a value only the domain can judge) stays in the program's
 * own check after config_apply.
 *
 * Lifecycle as in mosquitto: config_defaults → the command line's own options →
 * config_apply (file, then each --set in order, then the required keys) → the
 * program's cross-key checks. An unknown section or key, a bad value or one out of
 * bounds is an error naming the file and line (or the --set item) and the key.
 */
#ifndef YB_CONFIG_H
#define YB_CONFIG_H

#include <float.h>
#include <stddef.h>
#include <stdio.h>

typedef enum {
    CONF_STRING, /* text, as written; "" where the program reads "none" */
    CONF_PATH,   /* a file or folder name, as written (relative: to the working directory) */
    CONF_INT,    /* a whole number in [min, max] */
    CONF_MS,     /* a whole number of milliseconds in [min, max] */
    CONF_DOUBLE, /* a finite number in [min, max] */
    CONF_BOOL    /* yes/no, true/false, on/off, 1/0 (any case) */
} config_type_t;

/* Row flags. */
#define CONF_REQUIRED 0x1u   /* config_apply fails unless the key is given a non-empty value */
#define CONF_DEPRECATED 0x2u /* still taken, with a warning: the key's help says what replaces it */

/* No bound on that side (as min: -CONF_UNBOUNDED). For CONF_INT and CONF_MS the int's
 * own range still holds. */
#define CONF_UNBOUNDED DBL_MAX

typedef struct {
    const char *section; /* e.g. "collector" */
    const char *key;
    config_type_t type;
    size_t offset;    /* offsetof the field in the caller's struct */
    size_t size;      /* CONF_STRING, CONF_PATH: the buffer's size */
    const char *def;  /* the default as a file would write it; NULL: none (left as the caller set it) */
    double min, max;  /* numbers: the accepted range, inclusive */
    unsigned flags;   /* CONF_REQUIRED, CONF_DEPRECATED */
    size_t seen;      /* CONF_DEPRECATED: offset of a bool set true when the key is given */
    const char *help; /* one line for --help; deprecated: what to use instead */
} config_key_t;

/* Rows, with the key named as its field (section and struct type are the caller's). */
#define CONFIG_TEXT(sec, type_t, field, ctype, d, fl, h)                                                     \
    {                                                                                                        \
        .section = (sec), .key = #field, .type = (ctype), .offset = offsetof(type_t, field),                 \
        .size = sizeof(((type_t *)0)->field), .def = (d), .flags = (fl), .help = (h)                         \
    }
#define CONFIG_NUMBER(sec, type_t, field, ctype, d, lo, hi, h)                                               \
    {                                                                                                        \
        .section = (sec), .key = #field, .type = (ctype), .offset = offsetof(type_t, field), .def = (d),     \
        .min = (lo), .max = (hi), .help = (h)                                                                \
    }
#define CONFIG_BOOL(sec, type_t, field, d, h)                                                                \
    {                                                                                                        \
        .section = (sec), .key = #field, .type = CONF_BOOL, .offset = offsetof(type_t, field), .def = (d),   \
        .help = (h)                                                                                          \
    }

/* A deprecated key, kept for one release so existing files still work: no default (the
 * program tells "given" from its seen flag), held to its bounds as before, and a warning
 * each time it is given. Key, field and flag are named explicitly. */
#define CONFIG_DEPRECATED(sec, type_t, k, field, seen_field, ctype, lo, hi, h)                               \
    {                                                                                                        \
        .section = (sec), .key = (k), .type = (ctype), .offset = offsetof(type_t, field), .min = (lo),       \
        .max = (hi), .flags = CONF_DEPRECATED, .seen = offsetof(type_t, seen_field), .help = (h)             \
    }

/* Checks the table (terminated by a row with key NULL) and sets every field whose row
 * has a default to it, as a file would. Fields without one are left as they are (the
 * caller zeroes the struct first). 0, or -1 with "key: message" in err when a row is
 * malformed: a default that does not parse or lies outside its bounds, min > max, a
 * key listed twice, a string row without a size, a deprecated row with a default. That is a programmer's
 * error, caught by the unit test that runs every program's table through here. */
int config_defaults(const config_key_t *table, void *base, char *err, size_t errsz);

/* Reads path into base according to table. Relative paths stay as written. 0, or -1
 * with "file:line: message" in err (an unknown key or section, a bad value, a value out
 * of bounds). A deprecated key is taken, its seen flag set, and a warning logged naming
 * the file and what to use instead. */
int config_read(const char *path, const config_key_t *table, void *base, char *err, size_t errsz);

/* Sets key to value as config_read would (for --set key=value style overrides), in
 * whichever section the key is; a deprecated key is logged as coming from --set. 0, or
 * -1 with a message in err. */
int config_set(const config_key_t *table, void *base, const char *key, const char *value, char *err,
               size_t errsz);

/* Applies "KEY=VALUE" strings in order (the --set options), as config_set does.
 * 0, or -1 with "--set ITEM: message" in err. The strings are not modified. */
int config_set_all(const config_key_t *table, void *base, char *const *items, int n, char *err, size_t errsz);

/* The lifecycle's middle for a program: reads path (if not empty), applies the --set
 * items in order, then checks that every CONF_REQUIRED key is set. On an error prints
 * "prog: file:line: message" on stderr and returns -1; 0 otherwise. */
int config_apply(const char *prog, const char *path, const config_key_t *table, void *base,
                 char *const *items, int n);

/* Prints the table's keys for --help, one entry per row (wrapped to 100 columns): the
 * key, its type, its help line, its bounds and its default; deprecated keys last, under
 * a heading of their own. */
void config_usage(FILE *out, const config_key_t *table);

#endif
