/* config.c - table-driven INI reading over libinih, and the key list for --help (see config.h).
 *
 * Every value goes through assign(), whether it comes from a row's default, a file or
 * --set: one parser, one bounds check and one wording per type, so a default that
 * would be refused in a file is caught by config_defaults() as well.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "log.h"
#include "text.h"

#define USAGE_WIDTH 100

typedef struct {
    const char *path;
    const config_key_t *table;
    void *base;
    char *err;
    size_t errsz;
    int failed;
} reader_t;

static bool is_text(config_type_t t) {
    return t == CONF_STRING || t == CONF_PATH;
}

static bool is_whole(config_type_t t) {
    return t == CONF_INT || t == CONF_MS;
}

static const config_key_t *find(const config_key_t *t, const char *section, const char *key) {
    for (; t->key; t++)
        if ((!section || !strcmp(t->section, section)) && !strcmp(t->key, key)) return t;
    return NULL;
}

/* "1..28", ">= 10", "<= 5", or "" when unbounded: the range a row accepts. */
static void range_text(const config_key_t *k, char *out, size_t size) {
    char lo[32], hi[32];
    bool has_lo = k->min > -CONF_UNBOUNDED, has_hi = k->max < CONF_UNBOUNDED;
    if (is_whole(k->type)) {
        has_lo = has_lo && k->min > INT_MIN;
        has_hi = has_hi && k->max < INT_MAX;
    }
    snprintf(lo, sizeof lo, is_whole(k->type) ? "%.0f" : "%g", k->min);
    snprintf(hi, sizeof hi, is_whole(k->type) ? "%.0f" : "%g", k->max);
    if (has_lo && has_hi)
        snprintf(out, size, "%s..%s", lo, hi);
    else if (has_lo)
        snprintf(out, size, ">= %s", lo);
    else if (has_hi)
        snprintf(out, size, "<= %s", hi);
    else
        out[0] = '\0';
}

static int in_bounds(const config_key_t *k, double v, const char *value, char *err, size_t errsz) {
    char range[80];
    if (v >= k->min && v <= k->max) return 0;
    range_text(k, range, sizeof range);
    snprintf(err, errsz, _("%s %s: expected %s"), k->key, value, range);
    return -1;
}

/* Parses value as k's type, checks its bounds and stores it; on an error the field is
 * untouched. */
static int assign(const config_key_t *k, void *base, const char *value, char *err, size_t errsz) {
    char *field = (char *)base + k->offset;
    switch (k->type) {
    case CONF_STRING:
    case CONF_PATH:
        if (strlen(value) >= k->size) {
            snprintf(err, errsz, _("%s: longer than %zu bytes"), k->key, k->size - 1);
            return -1;
        }
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case CONF_INT:
    case CONF_MS: {
        char *end;
        long v;
        errno = 0;
        v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < INT_MIN || v > INT_MAX) {
            snprintf(err, errsz, _("%s: \"%s\" is not a whole number"), k->key, value);
            return -1;
        }
        if (in_bounds(k, (double)v, value, err, errsz) < 0) return -1;
        *(int *)(void *)field = (int)v;
        return 0;
    }
    case CONF_DOUBLE: {
        char *end;
        double v;
        errno = 0;
        v = strtod(value, &end);
        if (errno || end == value || *end || !isfinite(v)) {
            snprintf(err, errsz, _("%s: \"%s\" is not a number"), k->key, value);
            return -1;
        }
        if (in_bounds(k, v, value, err, errsz) < 0) return -1;
        *(double *)(void *)field = v;
        return 0;
    }
    case CONF_BOOL:
        if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") || !strcmp(value, "1") ||
            !strcasecmp(value, "on"))
            *(bool *)(void *)field = true;
        else if (!strcasecmp(value, "no") || !strcasecmp(value, "false") || !strcmp(value, "0") ||
                 !strcasecmp(value, "off"))
            *(bool *)(void *)field = false;
        else {
            snprintf(err, errsz, _("%s: \"%s\" is not yes or no"), k->key, value);
            return -1;
        }
        return 0;
    }
    snprintf(err, errsz, _("%s: unknown type %d"), k->key, (int)k->type);
    return -1;
}

/* assign(), then for a deprecated key its seen flag and the warning, naming where the
 * value came from. */
static int take(const config_key_t *k, void *base, const char *value, const char *where, char *err,
                size_t errsz) {
    if (assign(k, base, value, err, errsz) < 0) return -1;
    if (k->flags & CONF_DEPRECATED) {
        *(bool *)(void *)((char *)base + k->seen) = true;
        log_warn(_("%s: %s is deprecated and goes in the next release: %s"), where, k->key, _(k->help));
    }
    return 0;
}

/* A row's shape, before its default is tried. */
static int row_check(const config_key_t *table, const config_key_t *k, char *err, size_t errsz) {
    if (!k->section || !k->help || !k->help[0]) {
        snprintf(err, errsz, _("%s: a row needs a section and a help line"), k->key);
        return -1;
    }
    if (find(table, NULL, k->key) != k) {
        snprintf(err, errsz, _("%s: listed twice (--set could not tell the rows apart)"), k->key);
        return -1;
    }
    if (is_text(k->type) ? k->size == 0 : (k->flags & CONF_REQUIRED) != 0) {
        snprintf(err, errsz, "%s: %s", k->key,
                 is_text(k->type) ? _("a string row needs its buffer's size") : _("only a string can be required"));
        return -1;
    }
    if ((k->flags & CONF_DEPRECATED) && (k->def || (k->flags & CONF_REQUIRED))) {
        snprintf(err, errsz, _("%s: a deprecated key has no default and is never required"), k->key);
        return -1;
    }
    if ((is_whole(k->type) || k->type == CONF_DOUBLE) && !(k->min <= k->max)) {
        snprintf(err, errsz, _("%s: bounds %g..%g are empty"), k->key, k->min, k->max);
        return -1;
    }
    return 0;
}

int config_defaults(const config_key_t *table, void *base, char *err, size_t errsz) {
    for (const config_key_t *k = table; k->key; k++) {
        char msg[512];
        if (row_check(table, k, err, errsz) < 0) return -1;
        if (k->def && assign(k, base, k->def, msg, sizeof msg) < 0) {
            snprintf(err, errsz, _("default of %s"), msg);
            return -1;
        }
    }
    return 0;
}

/* Returning 0 makes ini_parse report this line as its first error (Debian's libinih
 * is built without line numbers in the handler). */
static int on_value(void *user, const char *section, const char *name, const char *value) {
    reader_t *r = user;
    const config_key_t *k;
    if (r->failed) return 1;
    k = find(r->table, section, name);
    if (!k) {
        snprintf(r->err, r->errsz, _("unknown key \"%s\" in section [%s]"), name, section);
        r->failed = 1;
        return 0;
    }
    if (take(k, r->base, value, r->path, r->err, r->errsz) < 0) {
        r->failed = 1;
        return 0;
    }
    return 1;
}

int config_read(const char *path, const config_key_t *table, void *base, char *err, size_t errsz) {
    reader_t r = {path, table, base, NULL, 0, 0};
    char msg[512] = "";
    int rc;
    r.err = msg;
    r.errsz = sizeof msg;
    rc = ini_parse(path, on_value, &r);
    if (rc == -1) {
        snprintf(err, errsz, _("%s: cannot open: %s"), path, strerror(errno));
        return -1;
    }
    if (r.failed) {
        snprintf(err, errsz, "%s:%d: %s", path, rc, msg);
        return -1;
    }
    if (rc > 0) {
        snprintf(err, errsz, _("%s:%d: not a key = value line or [section]"), path, rc);
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errsz, _("%s: cannot be read"), path);
        return -1;
    }
    return 0;
}

int config_set(const config_key_t *table, void *base, const char *key, const char *value, char *err,
               size_t errsz) {
    const config_key_t *k = find(table, NULL, key);
    if (!k) {
        snprintf(err, errsz, _("unknown key \"%s\""), key);
        return -1;
    }
    return take(k, base, value, "--set", err, errsz);
}

int config_set_all(const config_key_t *table, void *base, char *const *items, int n, char *err,
                   size_t errsz) {
    for (int i = 0; i < n; i++) {
        char key[128], msg[512];
        const char *eq = strchr(items[i], '=');
        if (!eq || eq == items[i] || (size_t)(eq - items[i]) >= sizeof key) {
            snprintf(err, errsz, _("--set %s: expected KEY=VALUE"), items[i]);
            return -1;
        }
        memcpy(key, items[i], (size_t)(eq - items[i]));
        key[eq - items[i]] = '\0';
        if (config_set(table, base, key, eq + 1, msg, sizeof msg) < 0) {
            snprintf(err, errsz, _("--set %s: %s"), items[i], msg);
            return -1;
        }
    }
    return 0;
}

/* The first CONF_REQUIRED row left empty, or NULL. */
static const config_key_t *missing(const config_key_t *table, const void *base) {
    for (const config_key_t *k = table; k->key; k++)
        if ((k->flags & CONF_REQUIRED) && !((const char *)base + k->offset)[0]) return k;
    return NULL;
}

int config_apply(const char *prog, const char *path, const config_key_t *table, void *base,
                 char *const *items, int n) {
    char err[1024];
    const config_key_t *k;
    if ((path && path[0] && config_read(path, table, base, err, sizeof err) < 0) ||
        config_set_all(table, base, items, n, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return -1;
    }
    if ((k = missing(table, base)) != NULL) {
        fprintf(stderr, _("%s: %s is not set (%s): set it in [%s] of the -c FILE, or --set %s=...\n"), prog,
                k->key, _(k->help), k->section, k->key);
        return -1;
    }
    return 0;
}

/* ---- --help ---------------------------------------------------------------------------- */

/* Prints one word (n bytes) at column *col, wrapping to indent first when
 * it would pass USAGE_WIDTH. */
static void put_word(FILE *out, const char *p, size_t n, size_t *col, size_t indent, bool first) {
    char word[512];
    size_t w;
    snprintf(word, sizeof word, "%.*s", (int)n, p);
    w = (size_t)text_width(word);
    if (!first && *col + 1 + w > USAGE_WIDTH) {
        fprintf(out, "\n%*s", (int)indent, "");
        *col = indent;
    } else if (!first) {
        fputc(' ', out);
        (*col)++;
    }
    fwrite(p, 1, n, out);
    *col += w;
}

/* Prints help word by word from column indent (already reached), wrapping to indent,
 * then note (if any) in parentheses as one unbroken piece. */
static void put_wrapped(FILE *out, const char *help, const char *note, size_t indent) {
    char tail[300];
    size_t col = indent;
    bool first = true;
    for (const char *p = help; *p;) {
        size_t n = strcspn(p, " ");
        if (n) put_word(out, p, n, &col, indent, first), first = false;
        p += n;
        while (*p == ' ')
            p++;
    }
    if (note[0]) {
        snprintf(tail, sizeof tail, "(%s)", note);
        put_word(out, tail, strlen(tail), &col, indent, first);
    }
    fputc('\n', out);
}

static const char *type_word(config_type_t t) {
    switch (t) {
    case CONF_STRING: return "text";
    case CONF_PATH: return "path";
    case CONF_INT: return "int";
    case CONF_MS: return "ms";
    case CONF_DOUBLE: return "number";
    case CONF_BOOL: return "yes|no";
    }
    return "?";
}

/* One entry of the key list. */
static void usage_row(FILE *out, const config_key_t *k, size_t key_w, size_t type_w) {
    char range[80] = "", notes[256] = "";
    if (is_whole(k->type) || k->type == CONF_DOUBLE) range_text(k, range, sizeof range);
    if (k->flags & CONF_REQUIRED)
        snprintf(notes, sizeof notes, _("required"));
    else if (k->def && k->def[0])
        snprintf(notes, sizeof notes, _("%s%sdefault %s"), range, range[0] ? ", " : "", k->def);
    else if (range[0])
        snprintf(notes, sizeof notes, "%s", range);
    fprintf(out, "  %-*s  %-*s  ", (int)key_w, k->key, (int)type_w, type_word(k->type));
    put_wrapped(out, _(k->help), notes, 2 + key_w + 2 + type_w + 2);
}

void config_usage(FILE *out, const config_key_t *table) {
    size_t key_w = 0, type_w = 0;
    const char *section = NULL;
    bool any_deprecated = false;
    for (const config_key_t *k = table; k->key; k++) {
        if (strlen(k->key) > key_w) key_w = strlen(k->key);
        if (strlen(type_word(k->type)) > type_w) type_w = strlen(type_word(k->type));
    }
    for (const config_key_t *k = table; k->key; k++) {
        if (k->flags & CONF_DEPRECATED) {
            any_deprecated = true;
            continue;
        }
        if (!section || strcmp(section, k->section) != 0) {
            section = k->section;
            fprintf(out, _("keys (section [%s], or --set KEY=VALUE):\n"), section);
        }
        usage_row(out, k, key_w, type_w);
    }
    if (any_deprecated) fprintf(out, _("deprecated keys, still taken with a warning until the next release:\n"));
    for (const config_key_t *k = table; k->key; k++)
        if (k->flags & CONF_DEPRECATED) usage_row(out, k, key_w, type_w);
}
