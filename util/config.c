/* config.c - table-driven INI reading over libinih (see config.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const config_key_t *table;
    void *base;
    char *err;
    size_t errsz;
    int failed;
} reader_t;

static const config_key_t *find(const config_key_t *t, const char *section, const char *key) {
    for (; t->key; t++)
        if ((!section || !strcmp(t->section, section)) && !strcmp(t->key, key)) return t;
    return NULL;
}

static int assign(const config_key_t *k, void *base, const char *value, char *err, size_t errsz) {
    char *field = (char *)base + k->offset;
    switch (k->type) {
    case CONF_STRING:
        if (strlen(value) >= k->size) {
            snprintf(err, errsz, "%s: longer than %zu bytes", k->key, k->size - 1);
            return -1;
        }
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case CONF_INT: {
        char *end;
        long v;
        errno = 0;
        v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < -2147483647L || v > 2147483647L) {
            snprintf(err, errsz, "%s: \"%s\" is not a whole number", k->key, value);
            return -1;
        }
        *(int *)(void *)field = (int)v;
        return 0;
    }
    case CONF_DOUBLE: {
        char *end;
        double v;
        errno = 0;
        v = strtod(value, &end);
        if (errno || end == value || *end || !isfinite(v)) {
            snprintf(err, errsz, "%s: \"%s\" is not a number", k->key, value);
            return -1;
        }
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
            snprintf(err, errsz, "%s: \"%s\" is not yes or no", k->key, value);
            return -1;
        }
        return 0;
    }
    return -1;
}

/* Returning 0 makes ini_parse report this line as its first error (Debian's libinih
 * is built without line numbers in the handler). */
static int on_value(void *user, const char *section, const char *name, const char *value) {
    reader_t *r = user;
    const config_key_t *k;
    if (r->failed) return 1;
    k = find(r->table, section, name);
    if (!k) {
        snprintf(r->err, r->errsz, "unknown key \"%s\" in section [%s]", name, section);
        r->failed = 1;
        return 0;
    }
    if (assign(k, r->base, value, r->err, r->errsz) < 0) {
        r->failed = 1;
        return 0;
    }
    return 1;
}

int config_read(const char *path, const config_key_t *table, void *base, char *err, size_t errsz) {
    reader_t r = {table, base, NULL, 0, 0};
    char msg[512] = "";
    int rc;
    r.err = msg;
    r.errsz = sizeof msg;
    rc = ini_parse(path, on_value, &r);
    if (rc == -1) {
        snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (r.failed) {
        snprintf(err, errsz, "%s:%d: %s", path, rc, msg);
        return -1;
    }
    if (rc > 0) {
        snprintf(err, errsz, "%s:%d: not a key = value line or [section]", path, rc);
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errsz, "%s: cannot be read", path);
        return -1;
    }
    return 0;
}

int config_set(const config_key_t *table, void *base, const char *key, const char *value, char *err,
               size_t errsz) {
    const config_key_t *k = find(table, NULL, key);
    if (!k) {
        snprintf(err, errsz, "unknown key \"%s\"", key);
        return -1;
    }
    return assign(k, base, value, err, errsz);
}

int config_set_all(const config_key_t *table, void *base, char *const *items, int n, char *err,
                   size_t errsz) {
    for (int i = 0; i < n; i++) {
        char key[128], msg[512];
        const char *eq = strchr(items[i], '=');
        if (!eq || eq == items[i] || (size_t)(eq - items[i]) >= sizeof key) {
            snprintf(err, errsz, "--set %s: expected KEY=VALUE", items[i]);
            return -1;
        }
        memcpy(key, items[i], (size_t)(eq - items[i]));
        key[eq - items[i]] = '\0';
        if (config_set(table, base, key, eq + 1, msg, sizeof msg) < 0) {
            snprintf(err, errsz, "--set %s: %s", items[i], msg);
            return -1;
        }
    }
    return 0;
}

int config_apply(const char *prog, const char *path, const config_key_t *table, void *base, char *const *items,
                 int n) {
    char err[1024];
    if ((path && path[0] && config_read(path, table, base, err, sizeof err) < 0) ||
        config_set_all(table, base, items, n, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return -1;
    }
    return 0;
}
