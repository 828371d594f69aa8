/* values.h - one period's reported values: zones × indicators, the one shape every view
 * of a period reads (the scorer's ranking, the bulletin, `yuebao totals` and `export`,
 * the aggregator's live totals).
 *
 * A row per zone, a column per indicator of master data (file order). A value is a
 * double, NAN where the zone did not report it; its growth % is NAN where absent. NAN
 * is free to mean "absent" because no stored value is ever NAN: validation refuses a
 * figure that is not finite, and SQLite stores a NAN as NULL.
 *
 * Rows: values_load (and values_init_master) put master data's zones first, in master
 * order (by code), so row z of the first n_master is m->zones[z] and the views that
 * index by master zone need no lookup; then the zones the store holds a report of for
 * the period that master data does not list (a zone dropped from regions.csv since), by
 * code. Who counts what is the view's choice: the scorer ranks every zone that reported,
 * listed or not, as it always has; the bulletin and the totals count master data's
 * zones only.
 *
 * "Reported" means a current report of the period is on file — not that it carries a
 * value of every indicator (or of any indicator master data still knows).
 *
 * Totals (values_totals): per indicator, over master data's zones that reported it, for
 * the city and for each county (the zone's county in master data), with aggregate.c's
 * arithmetic. Values are added in row order, which is zone-code order: a total from
 * here is the same to the last bit whoever asks for it.
 */
#ifndef YB_VALUES_H
#define YB_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "master.h"
#include "period.h"
#include "report.h"

/* The report store (rstore.h), named here only: the shape of a period's values is pure
 * domain, and whoever includes this for it (score.h) does not get the store too. */
typedef struct rstore rstore_t;

/* One row: a zone and its current report of the period. */
typedef struct {
    char code[64];        /* the zone's code; "" for a row values_init left unnamed */
    const zone_t *zone;   /* master data's zone; NULL when master data does not list it */
    bool reported;        /* a current report of the period is on file */
    char county[24];      /* the county that sent that report; "" when not reported */
    uint32_t revision;    /* its revision; 0 when not reported */
    int64_t stored_at_ms; /* when it was committed; 0 when not reported or not known */
} values_zone_t;

typedef struct {
    char period[PERIOD_STRLEN]; /* what values_load loaded; "" otherwise */
    size_t n_zones;             /* rows */
    size_t n_master;            /* the first n_master rows are master data's zones, in order */
    size_t n_indicators;        /* columns: master data's indicators */
    values_zone_t *zones;       /* [row] */
    double *amount;             /* [row * n_indicators + indicator]; NAN = not reported */
    double *growth;             /* the same: growth %; NAN = absent */
    size_t n_dropped;           /* values the loader left out: an indicator master data does not know */
} values_t;

/* Allocates v for n_zones unnamed rows (code "", zone NULL, not reported) and
 * n_indicators columns, every value NAN: a matrix a caller fills by hand (the scoring
 * tests, the bench, one zone's figures). 0, or -1 out of memory (v left empty;
 * values_free is still safe). */
int values_init(values_t *v, size_t n_zones, size_t n_indicators);

/* Allocates v with a row per zone of m, in master order, none reported, every value
 * NAN (n_master = n_zones = m->n_zones). 0, or -1 out of memory (v left empty). */
int values_init_master(values_t *v, const master_t *m);

/* Frees v's arrays and zeroes it; NULL-safe, and safe on a zeroed v. */
void values_free(values_t *v);

/* Loads period's current reports and values from the report store st into *v, built
 * for m as described above (v is overwritten, not freed: start from a zeroed or freed
 * v). A value of an indicator m does not know is left out and counted in n_dropped.
 * It reads in one transaction — st's own if one is open (the scorer's pass), else one
 * of its own — so a commit meanwhile is all in or all out. 0, or -1 on a store error
 * (logged by the store) or out of memory (logged); v is then empty. */
int values_load(values_t *v, rstore_t *st, const master_t *m, const char *period);

/* Brings the row of zone, a zone of m, in v (values_load'ed for m, its period's
 * matrix kept since) up to date from st: its report row and values read again, or the
 * row emptied (not reported, every value NAN) when the store has no current report of
 * it any more; the row then is what a whole values_load would give it, so a matrix
 * kept in memory and brought up to date zone by zone for what changed equals a fresh
 * load. n_dropped is left as the whole load counted it. Inside a read transaction of
 * st's (values_load's rule: the reads must see one state). 0; 1 when zone is not a
 * zone of m or v was not built for m (a zone master data does not list changes v's
 * rows: load the period whole instead; v unchanged); -1 on a store error (logged; the
 * row is then undefined: load the period whole). */
int values_reload_zone(values_t *v, rstore_t *st, const master_t *m, const char *zone);

/* Records one value in the row of m's zone (code or Chinese name) and marks the zone
 * reported; a non-finite amount is recorded as not reported, growth only when
 * has_growth and finite. v must have been built for m (values_init_master or
 * values_load). 0, or -1 when m does not know the zone or the indicator (nothing
 * recorded). */
int values_set(values_t *v, const master_t *m, const char *zone, const char *indicator, double amount,
               bool has_growth, double growth_pct);

/* Replaces row z's values with r's (every column NAN first; a value whose indicator m
 * does not know, or whose amount is not finite, is left out; growth as values_set),
 * and marks the row reported with r's revision. v's columns must be m's indicators. */
void values_set_report(values_t *v, size_t z, const master_t *m, const report_t *r);

/* How many rows are reported (of every row, listed in master data or not). */
size_t values_reported(const values_t *v);

/* ---- totals: the city and each county ------------------------------------------------ */

/* Scopes: 0 is the city, 1 + i the county m->counties[i]. */
typedef struct {
    size_t n_scopes;     /* m->n_counties + 1 */
    size_t n_indicators; /* m->n_indicators */
    aggregate_t *agg;    /* [scope * n_indicators + indicator] */
    uint32_t *expected;  /* [scope]: master data's zones */
    uint32_t *reported;  /* [scope]: of those, the ones with a current report */
} values_totals_t;

/* Totals of v's rows of master data's zones (the first n_master; v built for m) into
 * *out (overwritten; values_totals_free it): for every scope and indicator, the
 * aggregate of the zones that reported a value, added in row order; a zone counts in
 * the city and in its county. 0, or -1 out of memory or on v not built for m (out
 * left empty). */
int values_totals(const values_t *v, const master_t *m, values_totals_t *out);

/* The aggregate of indicator i in scope (0 = the city, 1 + county index). */
const aggregate_t *values_total(const values_totals_t *t, size_t scope, size_t i);

/* The scope of county code in m: 1 + its index; 0 (the city) for NULL or "";
 * SIZE_MAX when m does not list it. */
size_t values_scope(const master_t *m, const char *county);

/* Frees t's arrays and zeroes it; NULL-safe. */
void values_totals_free(values_totals_t *t);

#endif
