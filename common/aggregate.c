/* aggregate.c - sums, aggregate growth and ranges over zones (see aggregate.h). */
#include "aggregate.h"

#include <math.h>

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
}

bool aggregate_growth(const aggregate_t *a, double *growth_pct) {
    if (a->n_growth == 0 || !(fabs(a->sum_base) > 1e-12)) return false;
    *growth_pct = (a->sum_with_growth / a->sum_base - 1.0) * 100.0;
    return true;
}

double aggregate_mean(const aggregate_t *a) {
    return a->n ? a->sum / (double)a->n : 0.0;
}
