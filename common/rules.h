/* rules.h - the assessment configuration: scheme-YYYY.csv, targets-YYYY.csv, pacing.csv,
 * stars.csv (DESIGN §2: targets, pacing, assessment scheme, stars).
 *
 * Domain code shared by the scorer (scores, target alerts, stars) and the CLI (the
 * monthly bulletin's completion rates and pace gaps): no sockets, no SQLite. Loaded from
 * the same folder as master data (or the scorer's rules_dir) and checked against it.
 */
#ifndef YB_RULES_H
#define YB_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "master.h"
#include "period.h"
#include "ranking.h"

#define RULES_MAX_CONTENTS 8
#define RULES_MAX_ITEMS 64

typedef struct {
    int dim; /* index into scheme_t.dims */
    char item[128];
    double weight;                    /* points out of 100 */
    int contents[RULES_MAX_CONTENTS]; /* indexes into master_t.indicators */
    size_t n_contents;
    bool growth; /* parts "amount+growth": amount and growth weigh 50% each */
    unsigned line;
} scheme_item_t;

typedef struct {
    int year;
    scheme_item_t items[RULES_MAX_ITEMS];
    size_t n_items;
    char dims[RANKING_MAX_DIMS][64]; /* dimension names in order of first appearance */
    size_t n_dims;
} scheme_t;

typedef struct {
    char zone[ZONE_CODE_SIZE];
    int indicator; /* index into master_t.indicators */
    bool has_amount;
    double amount;
    bool has_growth;
    double growth_pct;
    unsigned line;
} target_t;

typedef struct {
    int year;
    target_t *targets; /* sorted by (zone, indicator) */
    size_t n_targets;
} target_year_t;

typedef struct {
    int indicator;
    bool has[13];     /* has[m]: the file gives month m (m01 … m12) */
    double share[13]; /* cumulative share of the year expected by the end of month m */
} pacing_t;

typedef struct {
    int star;      /* 0 = the entry threshold */
    int indicator; /* index into master_t.indicators */
    double threshold;
    unsigned line;
} star_rule_t;

typedef struct {
    scheme_t *schemes; /* one per scheme-YYYY.csv, by year */
    size_t n_schemes;
    target_year_t *targets; /* one per targets-YYYY.csv, by year */
    size_t n_targets;
    pacing_t *pacing; /* pacing.csv, optional */
    size_t n_pacing;
    star_rule_t *stars; /* stars.csv, optional; by star */
    size_t n_stars;
} rules_t;

/* Loads every scheme-YYYY.csv and targets-YYYY.csv in dir, and pacing.csv and stars.csv
 * if present, checking them against master m: weights sum to 100, contents are known
 * indicators (code or Chinese name), parts are "amount" or "amount+growth" (growth only
 * for indicators that carry it), targets name known zones and indicators of the file's
 * year, pacing shares lie in 0..1, never fall and reach 1.0 in m12, stars name known
 * indicators. All-or-nothing: NULL with every problem in dl as file:line: field:
 * message, so a reload keeps the previous rules in force. */
rules_t *rules_load(const char *dir, const master_t *m, diag_list_t *dl);

/* Frees *r and sets it to NULL; NULL-safe. */
void rules_destroy(rules_t **r);

/* The scheme of year, or NULL (that year is not ranked). */
const scheme_t *rules_scheme(const rules_t *r, int year);

/* The targets of year, or NULL (no target alerts that year). */
const target_year_t *rules_targets(const rules_t *r, int year);

/* zone's target for indicator in ty, or NULL. */
const target_t *rules_target(const target_year_t *ty, const char *zone, int indicator);

/* The cumulative share of the year expected by the end of period p for indicator:
 * pacing.csv's value for p's month if the file lists the indicator and the month
 * (*listed = true), else month/12 ("时间过半、任务过半"; *listed = false). With
 * merge_jan_feb the 1-2月 period is month 2. listed may be NULL. */
double rules_pace(const rules_t *r, int indicator, period_t p, bool *listed);

/* True if pacing.csv lists indicator. */
bool rules_paced(const rules_t *r, int indicator);

#endif
