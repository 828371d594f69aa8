/* alert.c - alert lists, keys and names (see alert.h). */
#include "alert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

alert_t *alert_list_add(alert_list_t *l, const alert_t *a) {
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 32;
        alert_t *p = realloc(l->items, ncap * sizeof *p);
        if (!p) return NULL;
        l->items = p;
        l->cap = ncap;
    }
    if (a) l->items[l->n] = *a;
    return &l->items[l->n++];
}

typedef struct {
    char key[ALERT_KEY_LEN];
    size_t index;
} keyed_t;

static int by_key(const void *pa, const void *pb) {
    return strcmp(((const keyed_t *)pa)->key, ((const keyed_t *)pb)->key);
}

/* Keys are formatted once per alert, not once per comparison: a province's target
 * checks number in the hundreds of thousands. The sorted order is then applied by
 * following each cycle of the permutation, one alert moved at a time. */
void alert_list_sort(alert_list_t *l) {
    keyed_t *k;
    if (l->n < 2) return;
    if (!(k = malloc(l->n * sizeof *k))) { /* no memory for the fast way: insertion sort */
        for (size_t i = 1; i < l->n; i++) {
            alert_t a = l->items[i];
            char ka[ALERT_KEY_LEN], kb[ALERT_KEY_LEN];
            size_t j = i;
            alert_key(&a, ka);
            for (; j > 0; j--) {
                alert_key(&l->items[j - 1], kb);
                if (strcmp(kb, ka) <= 0) break;
                l->items[j] = l->items[j - 1];
            }
            l->items[j] = a;
        }
        return;
    }
    for (size_t i = 0; i < l->n; i++) {
        alert_key(&l->items[i], k[i].key);
        k[i].index = i;
    }
    qsort(k, l->n, sizeof *k, by_key);
    /* position j takes the alert at k[j].index; a placed position points at itself */
    for (size_t i = 0; i < l->n; i++) {
        alert_t held;
        size_t j = i;
        if (k[i].index == i) continue;
        held = l->items[i];
        for (;;) {
            size_t from = k[j].index;
            k[j].index = j;
            if (from == i) {
                l->items[j] = held;
                break;
            }
            l->items[j] = l->items[from];
            j = from;
        }
    }
    free(k);
}

void alert_list_clear(alert_list_t *l) {
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* Appends src to out[*at..size-1), truncating as snprintf would. */
static void put(char *out, size_t size, size_t *at, const char *src) {
    size_t n = strlen(src);
    if (*at + 1 >= size) return;
    if (n > size - 1 - *at) n = size - 1 - *at;
    memcpy(out + *at, src, n);
    *at += n;
}

/* Without the formatter: a pass makes a key per alert checked, hundreds of thousands. */
void alert_key(const alert_t *a, char out[ALERT_KEY_LEN]) {
    size_t at = 0;
    put(out, ALERT_KEY_LEN, &at, alert_kind_name(a->kind));
    put(out, ALERT_KEY_LEN, &at, "/");
    put(out, ALERT_KEY_LEN, &at, a->zone);
    put(out, ALERT_KEY_LEN, &at, "/");
    if (a->kind == ALERT_OVERDUE) {
        put(out, ALERT_KEY_LEN, &at, a->period);
    } else {
        char digits[16], *d = digits + sizeof digits - 1;
        unsigned y = a->year < 0 ? 0u - (unsigned)a->year : (unsigned)a->year;
        *d = '\0';
        do *--d = (char)('0' + y % 10);
        while (y /= 10);
        if (a->year < 0) *--d = '-';
        put(out, ALERT_KEY_LEN, &at, a->indicator);
        put(out, ALERT_KEY_LEN, &at, "/");
        put(out, ALERT_KEY_LEN, &at, d);
    }
    out[at] = '\0';
}

static const char *const kinds[] = {"pace", "growth", "level", "overdue"};
static const char *const severities[] = {"none", "warning", "critical"};
static const char *const transitions[] = {"none", "firing", "escalated", "deescalated", "resolved", "active"};

const char *alert_kind_name(alert_kind_t k) {
    return (unsigned)k < sizeof kinds / sizeof *kinds ? kinds[k] : "?";
}

const char *severity_name(severity_t s) {
    return (unsigned)s < sizeof severities / sizeof *severities ? severities[s] : "?";
}

const char *transition_name(transition_t t) {
    return (unsigned)t < sizeof transitions / sizeof *transitions ? transitions[t] : "?";
}

/* What people read, in the order of the names above. */
static const char *const kind_labels[] = {N_("pace"), N_("growth"), N_("level"), N_("overdue")};
static const char *const severity_labels[] = {N_("none"), N_("warning"), N_("critical")};
static const char *const transition_labels[] = {N_("NONE"),     N_("FIRING"),   N_("ESCALATED"),
                                                N_("DEESCALATED"), N_("RESOLVED"), N_("ACTIVE")};

const char *alert_kind_label(alert_kind_t k) {
    return (unsigned)k < sizeof kind_labels / sizeof *kind_labels ? _(kind_labels[k]) : "?";
}

const char *severity_label(severity_t s) {
    return (unsigned)s < sizeof severity_labels / sizeof *severity_labels ? _(severity_labels[s]) : "?";
}

const char *transition_label(transition_t t) {
    return (unsigned)t < sizeof transition_labels / sizeof *transition_labels ? _(transition_labels[t]) : "?";
}

static int find(const char *const *names, size_t n, const char *s) {
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0) return (int)i;
    return -1;
}

int alert_kind_parse(const char *s) {
    return find(kinds, sizeof kinds / sizeof *kinds, s);
}

int severity_parse(const char *s) {
    return find(severities, sizeof severities / sizeof *severities, s);
}

int transition_parse(const char *s) {
    return find(transitions, sizeof transitions / sizeof *transitions, s);
}
