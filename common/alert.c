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
    l->items[l->n] = *a;
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
 * checks number in the hundreds of thousands. */
void alert_list_sort(alert_list_t *l) {
    keyed_t *k;
    alert_t *sorted;
    if (l->n < 2) return;
    k = malloc(l->n * sizeof *k);
    sorted = malloc(l->n * sizeof *sorted);
    if (!k || !sorted) { /* no memory for the fast way: sort in place, slowly */
        free(k);
        free(sorted);
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
    for (size_t i = 0; i < l->n; i++)
        sorted[i] = l->items[k[i].index];
    free(l->items);
    l->items = sorted;
    l->cap = l->n;
    free(k);
}

void alert_list_clear(alert_list_t *l) {
    free(l->items);
    memset(l, 0, sizeof *l);
}

void alert_key(const alert_t *a, char out[ALERT_KEY_LEN]) {
    if (a->kind == ALERT_OVERDUE)
        snprintf(out, ALERT_KEY_LEN, "%s/%s/%s", alert_kind_name(a->kind), a->zone, a->period);
    else
        snprintf(out, ALERT_KEY_LEN, "%s/%s/%s/%d", alert_kind_name(a->kind), a->zone, a->indicator, a->year);
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
