/* aggregate.h - totals over zones for one indicator: sums and aggregate growth for flows
 * and stocks, mean/min/max for ratios (DESIGN §2, live aggregates).
 *
 * Aggregate growth is Σamount / Σ(amount / (1 + g/100)) − 1: each zone's base-year
 * amount is recovered from its own growth, so large zones weigh as they should; a mean
 * of growth rates would be wrong. Zones without a growth figure count in the sum but
 * not in the growth.
 */
#ifndef YB_AGGREGATE_H
#define YB_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    size_t n;                         /* values added */
    double sum;                       /* Σ amount */
    size_t n_growth;                  /* values with a usable growth */
    double sum_with_growth, sum_base; /* Σ amount and Σ amount/(1+g/100) over those */
    double min, max;
} aggregate_t;

/* Adds one zone's value; growth ignored unless has_growth and growth > -100. */
void aggregate_add(aggregate_t *a, double amount, bool has_growth, double growth_pct);

/* Removes a value added before (a revision replaces its predecessor's contribution).
 * min and max are not restored: recompute those from the store when needed. */
void aggregate_remove(aggregate_t *a, double amount, bool has_growth, double growth_pct);

/* Aggregate growth in %, or false when no value had a growth or the base is zero. */
bool aggregate_growth(const aggregate_t *a, double *growth_pct);

/* Mean of the values, or 0 when none. */
double aggregate_mean(const aggregate_t *a);

#endif
