/* cli_totals.c - `yuebao totals --period P`: city (and per county) totals per indicator. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "text.h"
#include "values.h"

static void print_table(const master_t *m, const values_totals_t *t, size_t scope) {
    for (size_t i = 0; i < m->n_indicators; i++) {
        const indicator_t *ind = &m->indicators[i];
        const aggregate_t *a = values_total(t, scope, i);
        char name[200], unit[80];
        double g;
        if (a->n == 0) continue;
        text_pad(name, sizeof name, ind->name_zh, 32);
        text_pad(unit, sizeof unit, ind->unit, 14);
        if (ind->kind == KIND_RATIO) {
            printf(_("  %s %s mean %12.2f   min %10.2f   max %10.2f\n"), name, unit, aggregate_mean(a), a->min,
                   a->max);
        } else if (aggregate_growth(a, &g)) {
            printf(_("  %s %s total %14.1f   growth %+6.1f%%\n"), name, unit, a->sum, g);
        } else {
            printf(_("  %s %s total %14.1f   growth    n/a\n"), name, unit, a->sum);
        }
    }
}

static int totals_for(const master_t *m, rstore_t *st, const char *period, const char *county) {
    values_t v;
    values_totals_t t;
    size_t scope = values_scope(m, county);
    if (values_load(&v, st, m, period) < 0) return -1;
    if (values_totals(&v, m, &t) < 0) {
        fprintf(stderr, _("yuebao totals: out of memory\n"));
        values_free(&v);
        return -1;
    }
    if (county)
        printf(_("%s (%s): %u of %u zones reported\n"), master_county(m, county)->name, county,
               (unsigned)t.reported[scope], (unsigned)t.expected[scope]);
    else
        printf(_("city total, %s: %u of %u zones reported\n"), period, (unsigned)t.reported[0],
               (unsigned)t.expected[0]);
    print_table(m, &t, scope);
    values_totals_free(&t);
    values_free(&v);
    return 0;
}

int cli_totals(const cli_opts_t *o) {
    master_t *m;
    rstore_t *st;
    const county_t *c = NULL;
    char period[PERIOD_STRLEN];
    int rc = 0;
    if (cli_open(o, "totals", period, &m, &st) < 0) return 2;
    if (o->county && !(c = cli_county(o, m, "totals", o->county))) {
        rc = 2;
    } else if (totals_for(m, st, period, c ? c->code : NULL) < 0) {
        rc = 2;
    }
    rstore_close(&st);
    master_destroy(&m);
    return rc;
}
