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
#include <stdint.h>

#include "master.h"
#include "period.h"

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

/* ---- live totals, as the aggregator publishes them (DESIGN §2, §3) ---------------- */

#define TOTALS_MAX_ROWS 256 /* indicators in one Totals message at most */

/* One indicator's aggregate over a scope's zones, in the form it travels. */
typedef struct {
    char indicator[64];
    uint32_t n;        /* zones with a value */
    double sum;        /* Σ amount */
    bool has_growth;   /* aggregate growth known */
    double growth_pct; /* Σamount / Σ(amount/(1+g/100)) − 1, in % */
    uint32_t n_growth; /* zones whose growth entered it */
    double min, max;   /* over the zones with a value; the mean is sum / n */
} indicator_total_t;

/* The live aggregates of one period for the city (scope "") or one county. */
typedef struct {
    char period[PERIOD_STRLEN];
    char scope[COUNTY_CODE_SIZE]; /* "" = the whole city, else a county code */
    uint32_t expected;            /* zones that must report */
    uint32_t reported;            /* zones with a current report */
    uint32_t on_time;             /* of those, first accepted by the deadline */
    int64_t updated_at_ms;        /* the commit that last changed it; 0 = never */
    indicator_total_t *rows;      /* indicators with at least one value, master order */
    size_t n_rows;
} scope_totals_t;

/* Fills row from a (growth computed as aggregate_growth does). */
void indicator_total_from(indicator_total_t *row, const char *indicator, const aggregate_t *a);

/* Deep copy of src into *dst (dst's old rows are not freed). 0, or -1 on OOM. */
int scope_totals_copy(scope_totals_t *dst, const scope_totals_t *src);

/* Frees the rows and zeroes t; NULL-safe. */
void scope_totals_clear(scope_totals_t *t);

#endif
