/* cli_totals.c - `yuebao totals --period P`: city (and per county) totals per indicator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "cli.h"
#include "text.h"

typedef struct {
    const master_t *m;
    const char *county; /* NULL = whole city */
    aggregate_t *agg;   /* per indicator */
    size_t n_zones;
    char last_zone[ZONE_CODE_SIZE];
} totals_t;

static void on_value(const char *zone, const char *indicator, double amount, bool has_growth,
                     double growth_pct, void *arg) {
    totals_t *t = arg;
    const zone_t *z = master_zone(t->m, zone);
    if (!z || (t->county && strcmp(z->county, t->county))) return;
    if (strcmp(t->last_zone, zone)) {
        t->n_zones++;
        snprintf(t->last_zone, sizeof t->last_zone, "%s", zone);
    }
    for (size_t i = 0; i < t->m->n_indicators; i++)
        if (!strcmp(t->m->indicators[i].code, indicator))
            aggregate_add(&t->agg[i], amount, has_growth, growth_pct);
}

static void print_table(const master_t *m, const totals_t *t) {
    for (size_t i = 0; i < m->n_indicators; i++) {
        const indicator_t *ind = &m->indicators[i];
        const aggregate_t *a = &t->agg[i];
        char name[200], unit[80];
        double g;
        if (a->n == 0) continue;
        text_pad(name, sizeof name, ind->name_zh, 32);
        text_pad(unit, sizeof unit, ind->unit, 14);
        if (ind->kind == KIND_RATIO) {
            printf("  %s %s mean %12.2f   min %10.2f   max %10.2f\n", name, unit, aggregate_mean(a), a->min,
                   a->max);
        } else if (aggregate_growth(a, &g)) {
            printf("  %s %s total %14.1f   growth %+6.1f%%\n", name, unit, a->sum, g);
        } else {
            printf("  %s %s total %14.1f   growth    n/a\n", name, unit, a->sum);
        }
    }
}

static int totals_for(const master_t *m, rstore_t *st, const char *period, const char *county) {
    totals_t t = {m, county, calloc(m->n_indicators, sizeof(aggregate_t)), 0, ""};
    size_t expected = 0;
    if (!t.agg || rstore_each_value(st, period, on_value, &t) < 0) {
        free(t.agg);
        return -1;
    }
    for (size_t i = 0; i < m->n_zones; i++)
        if (!county || !strcmp(m->zones[i].county, county)) expected++;
    if (county)
        printf("%s (%s): %zu of %zu zones reported\n", master_county(m, county)->name, county, t.n_zones,
               expected);
    else
        printf("city total, %s: %zu of %zu zones reported\n", period, t.n_zones, expected);
    print_table(m, &t);
    free(t.agg);
    return 0;
}

int cli_totals(const cli_opts_t *o) {
    master_t *m;
    rstore_t *st;
    char period[PERIOD_STRLEN];
    int rc = 0;
    if (cli_open(o, "totals", period, &m, &st) < 0) return 2;
    if (o->county && !master_county(m, o->county)) {
        fprintf(stderr, "yuebao totals: county %s is not in regions.csv\n", o->county);
        rc = 2;
    } else if (totals_for(m, st, period, o->county) < 0) {
        rc = 2;
    }
    rstore_close(&st);
    master_destroy(&m);
    return rc;
}
