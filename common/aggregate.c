/* aggregate.c - sums, aggregate growth and ranges over zones (see aggregate.h). */
#include "aggregate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool usable(bool has_growth, double g) {
    return has_growth && isfinite(g) && g > -100.0;
}

void aggregate_add(aggregate_t *a, double amount, bool has_growth, double growth_pct) {
    if (a->n == 0 || amount < a->min) a->min = amount;
    if (a->n == 0 || amount > a->max) a->max = amount;
    a->n++;
    a->sum += amount;
    if (usable(has_growth, growth_pct)) {
        a->n_growth++;
        a->sum_with_growth += amount;
        a->sum_base += amount / (1.0 + growth_pct / 100.0);
    }
}

void aggregate_remove(aggregate_t *a, double amount, bool has_growth, double growth_pct) {
    if (a->n == 0) return;
    a->n--;
    a->sum -= amount;
    if (usable(has_growth, growth_pct) && a->n_growth > 0) {
        a->n_growth--;
        a->sum_with_growth -= amount;
        a->sum_base -= amount / (1.0 + growth_pct / 100.0);
    }
    /* what is left of nothing is rounding: start clean */
    if (a->n == 0) a->sum = 0;
    if (a->n_growth == 0) a->sum_with_growth = a->sum_base = 0;
}

bool aggregate_growth(const aggregate_t *a, double *growth_pct) {
    if (a->n_growth == 0 || !(fabs(a->sum_base) > 1e-12)) return false;
    *growth_pct = (a->sum_with_growth / a->sum_base - 1.0) * 100.0;
    return true;
}

double aggregate_mean(const aggregate_t *a) {
    return a->n ? a->sum / (double)a->n : 0.0;
}

void indicator_total_from(indicator_total_t *row, const char *indicator, const aggregate_t *a) {
    memset(row, 0, sizeof *row);
    snprintf(row->indicator, sizeof row->indicator, "%s", indicator);
    row->n = (uint32_t)a->n;
    row->sum = a->sum;
    row->n_growth = (uint32_t)a->n_growth;
    row->has_growth = aggregate_growth(a, &row->growth_pct);
    row->min = a->n ? a->min : 0;
    row->max = a->n ? a->max : 0;
}

int scope_totals_copy(scope_totals_t *dst, const scope_totals_t *src) {
    *dst = *src;
    dst->rows = NULL;
    if (src->n_rows == 0) return 0;
    dst->rows = malloc(src->n_rows * sizeof *dst->rows);
    if (!dst->rows) {
        dst->n_rows = 0;
        return -1;
    }
    memcpy(dst->rows, src->rows, src->n_rows * sizeof *dst->rows);
    return 0;
}

void scope_totals_clear(scope_totals_t *t) {
    if (!t) return;
    free(t->rows);
    memset(t, 0, sizeof *t);
}
