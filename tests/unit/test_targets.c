/* test_targets.c - target alerts (pace, growth, level), overdue reports, and the
 * transitions that are all the scorer ever publishes.
 *
 * The sample city's real rules (examples/sample-city: targets-2017.csv, pacing.csv) are
 * loaded, and 金山 (jinshan, county 410671) is given the YTD figures each case needs.
 * Every expected gap is worked out by hand in the comment above its assertion, with
 * the thresholds of DESIGN §2:
 *   pace    gap = (YTD / target − expected share) × 100;  < −5 critical, < −2 warning
 *   growth  gap = growth − target (target − growth when less is better);
 *           ≤ −3 critical, ≤ −1 warning
 *   level   gap = (value − target) × direction;  below by more than 10% of the target
 *           critical, below at all warning
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "diag.h"
#include "master.h"
#include "period.h"
#include "targets.h"

#define EPS 1e-9
#define MAX_IND 64

/* Hand-computed instants (ms since the epoch). 2017-01-01 00:00 UTC = 1 483 228 800 s.
 * Days from 1 January 2017: Feb +31, Mar +59, Apr +90, May +120, Jun +151.
 *   2017-03-11 00:00 +08:00 = 2017-03-10 16:00 UTC: (59 + 9)·86400 + 57600
 *                           = 5 875 200 + 57 600 → 1 489 161 600 s   (February's deadline)
 *   2017-04-11 00:00 +08:00 = (90 + 9)·86400 + 57600 = 8 611 200 → 1 491 840 000 s  (March's)
 *   2017-06-11 00:00 +08:00 = (151 + 9)·86400 + 57600 = 13 881 600 → 1 497 110 400 s  (May's) */
#define FEB_DUE_MS 1489161600000LL
#define MAR_DUE_MS 1491840000000LL
#define MAY_DUE_MS 1497110400000LL

static master_t *m;
static rules_t *r;
static const target_year_t *ty;
static thresholds_t t;
static double amount[MAX_IND], growth[MAX_IND];
static alert_list_t out;

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char city[4096];
    diag_list_t dl;
    memset(&dl, 0, sizeof dl);
    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    m = master_load(city, &dl);
    cr_assert_not_null(m, "cannot load the master data from %s: %s", city,
                       dl.n ? dl.items[0].message : "(no message)");
    r = rules_load(city, m, &dl);
    cr_assert_not_null(r, "cannot load the rules from %s: %s", city,
                       dl.n ? dl.items[0].message : "(no message)");
    diag_clear(&dl);
    cr_assert_not_null(ty = rules_targets(r, 2017));
    cr_assert_leq(m->n_indicators, MAX_IND);
    /* the documented defaults */
    t.pace_warning_pp = -2;
    t.pace_critical_pp = -5;
    t.growth_warning_pp = -1;
    t.growth_critical_pp = -3;
    t.level_critical_frac = 0.10;
    for (size_t i = 0; i < MAX_IND; i++)
        amount[i] = growth[i] = NAN;
    memset(&out, 0, sizeof out);
}

static void teardown(void) {
    alert_list_clear(&out);
    rules_destroy(&r);
    master_destroy(&m);
}

TestSuite(targets, .init = setup, .fini = teardown);

static int ind(const char *code) {
    const indicator_t *i = master_indicator(m, code);
    cr_assert_not_null(i, "no indicator %s in the sample master", code);
    return (int)(i - m->indicators);
}

static period_t per(const char *s) {
    period_t p;
    cr_assert_eq(period_parse(s, &p), 0);
    return p;
}

/* Evaluates jinshan's figures for period under rules rr; out starts empty. */
static void eval_with(const rules_t *rr, const char *period) {
    alert_list_clear(&out);
    targets_evaluate(rr, m, &t, ty, "jinshan", "410671", per(period), amount, growth, &out);
}

static void eval(const char *period) {
    eval_with(r, period);
}

/* The one check of kind on indicator in out, or NULL. */
static const alert_t *find(alert_kind_t kind, const char *indicator) {
    const alert_t *hit = NULL;
    for (size_t i = 0; i < out.n; i++)
        if (out.items[i].kind == kind && strcmp(out.items[i].indicator, indicator) == 0) {
            cr_assert_null(hit, "two %s checks of %s", alert_kind_name(kind), indicator);
            hit = &out.items[i];
        }
    return hit;
}

/* Only amount[code] set: exactly one check, of kind; returns it. */
static const alert_t *only(alert_kind_t kind, const char *code) {
    const alert_t *a;
    cr_assert_eq(out.n, 1, "expected one check, got %zu", out.n);
    cr_assert_not_null(a = find(kind, code), "no %s check of %s", alert_kind_name(kind), code);
    cr_assert_str_eq(a->zone, "jinshan");
    cr_assert_str_eq(a->county, "410671");
    cr_assert_eq(a->year, 2017);
    return a;
}

/* ---- pace ------------------------------------------------------------------------------ */

/* jinshan's fai target 1 381 282.8 万元; pacing.csv m06 = 0.470 → expected 47.0%. */
static const alert_t *fai_june(double ytd) {
    const alert_t *a;
    amount[ind("fai")] = ytd;
    eval("2017-06");
    a = only(ALERT_PACE, "fai");
    cr_assert_str_eq(a->period, "2017-06");
    cr_assert_float_eq(a->value, ytd, EPS);
    cr_assert_float_eq(a->target, 1381282.8, EPS);
    cr_assert_float_eq(a->expected, 47.0, EPS);
    return a;
}

Test(targets, pace_1_9_points_behind_is_fine) {
    /* 0.451 × 1 381 282.8 = 552 513.12 + 70 445.4228 = 622 958.5428;
     * gap = (0.451 − 0.470) × 100 = −1.9 ≥ −2 → none */
    const alert_t *a = fai_june(622958.5428);
    cr_assert_float_eq(a->gap, -1.9, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
}

Test(targets, pace_exactly_2_points_behind_is_fine) {
    /* 0.45 × 1 381 282.8 = 621 577.26; gap −2.0, and only a gap below −2 warns */
    const alert_t *a = fai_june(621577.26);
    cr_assert_float_eq(a->gap, -2.0, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
}

Test(targets, pace_2_5_points_behind_warns) {
    /* 0.445 × 1 381 282.8 = 552 513.12 + 62 157.726 = 614 670.846; gap −2.5 → warning */
    const alert_t *a = fai_june(614670.846);
    cr_assert_float_eq(a->gap, -2.5, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
}

Test(targets, pace_exactly_5_points_behind_still_warns) {
    /* 0.42 × 1 381 282.8 = 552 513.12 + 27 625.656 = 580 138.776; gap −5.0: critical
     * is a gap below −5, so this is a warning */
    const alert_t *a = fai_june(580138.776);
    cr_assert_float_eq(a->gap, -5.0, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
}

Test(targets, pace_6_points_behind_is_critical) {
    /* 0.41 × 1 381 282.8 = 552 513.12 + 13 812.828 = 566 325.948; gap −6.0 → critical */
    const alert_t *a = fai_june(566325.948);
    cr_assert_float_eq(a->gap, -6.0, EPS);
    cr_assert_eq(a->severity, SEV_CRITICAL);
    cr_assert_not_null(strstr(a->message, "固定资产投资"), "message: %s", a->message);
}

/* The sample rules with pacing.csv cut down to its fai row: revenue becomes a flow
 * without a pacing row. */
static rules_t only_fai_paced(pacing_t *keep) {
    rules_t rr = *r;
    bool found = false;
    for (size_t i = 0; i < r->n_pacing; i++)
        if (r->pacing[i].indicator == ind("fai")) {
            *keep = r->pacing[i];
            found = true;
        }
    cr_assert(found, "pacing.csv lists fai");
    rr.pacing = keep;
    rr.n_pacing = 1;
    return rr;
}

Test(targets, a_flow_without_a_pacing_row_expects_months_over_12) {
    pacing_t keep;
    rules_t rr = only_fai_paced(&keep);
    bool listed = true;
    const alert_t *a;

    cr_assert_float_eq(rules_pace(&rr, ind("revenue"), per("2017-06"), &listed), 0.5, EPS);
    cr_assert_not(listed);
    cr_assert_float_eq(rules_pace(r, ind("revenue"), per("2017-06"), &listed), 0.480, EPS);
    cr_assert(listed);

    /* revenue target 5 720 000; YTD 0.46 × 5 720 000 = 2 631 200 */
    amount[ind("revenue")] = 2631200;
    /* with pacing.csv's revenue row (m06 = 0.480): gap = (0.46 − 0.48) × 100 = −2.0 → none */
    eval("2017-06");
    a = only(ALERT_PACE, "revenue");
    cr_assert_float_eq(a->expected, 48.0, EPS);
    cr_assert_float_eq(a->gap, -2.0, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
    /* without it: expected 6/12 = 50.0%, gap = (0.46 − 0.50) × 100 = −4.0 → warning */
    eval_with(&rr, "2017-06");
    a = only(ALERT_PACE, "revenue");
    cr_assert_float_eq(a->expected, 50.0, EPS);
    cr_assert_float_eq(a->gap, -4.0, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
    cr_assert_not_null(strstr(a->message, "m/12"), "message: %s", a->message);
}

Test(targets, the_1_2_month_report_is_month_2) {
    pacing_t keep;
    rules_t rr = only_fai_paced(&keep);
    const alert_t *a;
    bool listed = false;

    /* pacing.csv m02 = 0.100 for fai; 2017-02 is "1-2月" */
    cr_assert_float_eq(rules_pace(r, ind("fai"), per("2017-02"), &listed), 0.100, EPS);
    cr_assert(listed);
    /* fai YTD 0.1 × 1 381 282.8 = 138 128.28: gap 0 → none */
    amount[ind("fai")] = 138128.28;
    eval("2017-02");
    a = only(ALERT_PACE, "fai");
    cr_assert_str_eq(a->period, "2017-02");
    cr_assert_float_eq(a->expected, 10.0, EPS);
    cr_assert_float_eq(a->gap, 0.0, EPS);
    cr_assert_eq(a->severity, SEV_NONE);

    /* revenue without a pacing row: 2/12 = 0.1666… → 16.67%. YTD 0.10 × 5 720 000 = 572 000:
     * gap = (0.10 − 0.1666…) × 100 = −6.67 → critical */
    amount[ind("fai")] = NAN;
    amount[ind("revenue")] = 572000;
    eval_with(&rr, "2017-02");
    a = only(ALERT_PACE, "revenue");
    cr_assert_float_eq(a->expected, 200.0 / 12.0, EPS);
    cr_assert_float_eq(a->expected, 16.67, 0.005);
    cr_assert_float_eq(a->gap, 10.0 - 200.0 / 12.0, EPS);
    cr_assert_eq(a->severity, SEV_CRITICAL);
}

/* targets_pace_gap is the one pace-gap computation (the bulletin's gap column calls it
 * too): (YTD / target − expected share) × 100. */
Test(targets, the_pace_gap_by_hand) {
    pacing_t keep;
    rules_t rr = only_fai_paced(&keep);
    double expected = -1;
    bool listed = false;

    /* fai 2017-06, pacing.csv m06 0.470: YTD 0.41 × 1 381 282.8 = 566 325.948;
     * gap = (0.41 − 0.47) × 100 = −6.0 */
    cr_assert_float_eq(
        targets_pace_gap(r, ind("fai"), per("2017-06"), 566325.948, 1381282.8, &expected, &listed), -6.0,
        EPS);
    cr_assert_float_eq(expected, 0.470, EPS);
    cr_assert(listed);
    /* expected and listed may be NULL */
    cr_assert_float_eq(targets_pace_gap(r, ind("fai"), per("2017-06"), 566325.948, 1381282.8, NULL, NULL),
                       -6.0, EPS);
    /* revenue without its pacing row: 6/12 = 0.5; YTD 2 631 200 / 5 720 000 = 0.46;
     * gap = (0.46 − 0.50) × 100 = −4.0 */
    cr_assert_float_eq(
        targets_pace_gap(&rr, ind("revenue"), per("2017-06"), 2631200, 5720000, &expected, &listed), -4.0,
        EPS);
    cr_assert_float_eq(expected, 0.5, EPS);
    cr_assert_not(listed);
    /* no rules at all: month/12. fai 2017-03, 3/12 = 0.25; YTD 0.30 × 1 381 282.8 =
     * 414 384.84; gap = (0.30 − 0.25) × 100 = +5.0, ahead of pace */
    cr_assert_float_eq(
        targets_pace_gap(NULL, ind("fai"), per("2017-03"), 414384.84, 1381282.8, &expected, &listed), 5.0,
        EPS);
    cr_assert_float_eq(expected, 0.25, EPS);
    cr_assert_not(listed);
}

Test(targets, what_is_paced) {
    cr_assert(targets_paced(m, r, ind("revenue")), "a flow");
    cr_assert(targets_paced(m, r, ind("outside_capital")), "a flow");
    cr_assert_not(targets_paced(m, r, ind("employees")), "a stock pacing.csv does not list");
    cr_assert_not(targets_paced(m, r, ind("waste_treatment")), "a ratio pacing.csv does not list");
    cr_assert(targets_paced(m, r, ind("idle_revival")), "a ratio pacing.csv lists");
    cr_assert(targets_paced(m, NULL, ind("fai")), "without rules a flow is still paced");
    cr_assert_not(targets_paced(m, NULL, ind("idle_revival")), "without pacing.csv a ratio is not");
}

Test(targets, below_a_threshold_means_beyond_the_tolerance) {
    cr_assert_not(targets_below(-5.0, -5.0), "a gap of exactly −5 is not below −5");
    cr_assert_not(targets_below(-5.0 - 1e-10, -5.0), "within TARGETS_EPS");
    cr_assert(targets_below(-5.0 - 2e-9, -5.0), "beyond TARGETS_EPS");
    cr_assert(targets_below(-5.61, -5.0));
    cr_assert_not(targets_below(-4.9, -5.0));
    /* rounding: 0.3 − (0.1 + 0.2) is −5.55e-17 in doubles, a shortfall that is not one */
    cr_assert_not(targets_below(0.3 - (0.1 + 0.2), 0.0));
}

/* ---- growth ---------------------------------------------------------------------------- */

/* jinshan's revenue growth target +10.0%. */
static const alert_t *revenue_growth(double g) {
    const alert_t *a;
    growth[ind("revenue")] = g;
    eval("2017-06");
    a = only(ALERT_GROWTH, "revenue");
    cr_assert_float_eq(a->value, g, EPS);
    cr_assert_float_eq(a->target, 10.0, EPS);
    return a;
}

Test(targets, growth_gaps_against_the_target) {
    const alert_t *a;
    /* 9.1 − 10.0 = −0.9 > −1 → none */
    a = revenue_growth(9.1);
    cr_assert_float_eq(a->gap, -0.9, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
    /* 9.0 − 10.0 = −1.0, at −1 → warning */
    a = revenue_growth(9.0);
    cr_assert_float_eq(a->gap, -1.0, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
    /* 7.1 − 10.0 = −2.9 → warning */
    a = revenue_growth(7.1);
    cr_assert_float_eq(a->gap, -2.9, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
    /* 7.0 − 10.0 = −3.0, at −3 → critical */
    a = revenue_growth(7.0);
    cr_assert_float_eq(a->gap, -3.0, EPS);
    cr_assert_eq(a->severity, SEV_CRITICAL);
    /* 12.0 − 10.0 = +2.0 → none */
    a = revenue_growth(12.0);
    cr_assert_float_eq(a->gap, 2.0, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
}

Test(targets, growth_of_a_reverse_indicator) {
    const alert_t *a;
    /* energy_intensity: direction −1, target growth −3.0 (energy per 万元 down 3%) */
    cr_assert_eq(m->indicators[ind("energy_intensity")].direction, -1);
    /* up 0.7%: gap = target − growth = −3.0 − 0.7 = −3.7 → critical */
    growth[ind("energy_intensity")] = 0.7;
    eval("2017-06");
    a = only(ALERT_GROWTH, "energy_intensity");
    cr_assert_float_eq(a->target, -3.0, EPS);
    cr_assert_float_eq(a->gap, -3.7, EPS);
    cr_assert_eq(a->severity, SEV_CRITICAL);
    /* down 4%: gap = −3.0 − (−4.0) = +1.0 → none */
    growth[ind("energy_intensity")] = -4.0;
    eval("2017-06");
    a = only(ALERT_GROWTH, "energy_intensity");
    cr_assert_float_eq(a->gap, 1.0, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
    /* down 2%: gap = −3.0 − (−2.0) = −1.0 → warning */
    growth[ind("energy_intensity")] = -2.0;
    eval("2017-06");
    a = only(ALERT_GROWTH, "energy_intensity");
    cr_assert_float_eq(a->gap, -1.0, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
}

Test(targets, a_growth_only_target_on_a_stock) {
    const alert_t *a;
    /* employees: stock, target growth +3.0 and no target amount: one growth check only.
     * 19 483 people, +2.1%: gap 2.1 − 3.0 = −0.9 → none */
    amount[ind("employees")] = 19483;
    growth[ind("employees")] = 2.1;
    eval("2017-06");
    a = only(ALERT_GROWTH, "employees");
    cr_assert_float_eq(a->gap, -0.9, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
}

/* ---- level ----------------------------------------------------------------------------- */

/* waste_treatment: ratio, direction 1, target 95.00%, not in pacing.csv. */
static const alert_t *waste(double x) {
    const alert_t *a;
    amount[ind("waste_treatment")] = x;
    eval("2017-06");
    a = only(ALERT_LEVEL, "waste_treatment");
    cr_assert_float_eq(a->value, x, EPS);
    cr_assert_float_eq(a->target, 95.0, EPS);
    cr_assert(isnan(a->expected), "a level check has no expected share");
    return a;
}

Test(targets, level_below_the_target) {
    const alert_t *a;
    /* 95.0: gap 0 → none */
    a = waste(95.0);
    cr_assert_float_eq(a->gap, 0.0, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
    /* 96.87: gap +1.87 → none */
    a = waste(96.87);
    cr_assert_float_eq(a->gap, 1.87, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
    /* 94: gap −1 → below the target: warning */
    a = waste(94.0);
    cr_assert_float_eq(a->gap, -1.0, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
    /* 10% of 95 = 9.5. 85.5: gap −9.5, not more than 10% below → still warning */
    a = waste(85.5);
    cr_assert_float_eq(a->gap, -9.5, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
    /* 85.4: gap −9.6 < −9.5 → critical */
    a = waste(85.4);
    cr_assert_float_eq(a->gap, -9.6, EPS);
    cr_assert_eq(a->severity, SEV_CRITICAL);
}

Test(targets, level_of_a_reverse_indicator) {
    const alert_t *a;
    /* energy_intensity target 1.53 t/万元, direction −1: gap = (x − 1.53) × (−1);
     * 10% of 1.53 = 0.153 */
    amount[ind("energy_intensity")] = 1.48; /* gap +0.05 → none */
    eval("2017-06");
    a = only(ALERT_LEVEL, "energy_intensity");
    cr_assert_float_eq(a->gap, 0.05, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
    amount[ind("energy_intensity")] = 1.60; /* gap −0.07 → warning */
    eval("2017-06");
    a = only(ALERT_LEVEL, "energy_intensity");
    cr_assert_float_eq(a->target, 1.53, EPS);
    cr_assert_float_eq(a->gap, -0.07, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
    amount[ind("energy_intensity")] = 1.70; /* gap −0.17 < −0.153 → critical */
    eval("2017-06");
    a = only(ALERT_LEVEL, "energy_intensity");
    cr_assert_float_eq(a->gap, -0.17, EPS);
    cr_assert_eq(a->severity, SEV_CRITICAL);
}

Test(targets, a_ratio_listed_in_pacing_is_paced_not_levelled) {
    const alert_t *a;
    /* idle_revival: ratio, target 40.00%, pacing m06 = 0.500 → expected 50.0%.
     * 17.84 / 40 = 0.446: gap = (0.446 − 0.500) × 100 = −5.4 → critical */
    cr_assert_eq(m->indicators[ind("idle_revival")].kind, KIND_RATIO);
    amount[ind("idle_revival")] = 17.84;
    eval("2017-06");
    a = only(ALERT_PACE, "idle_revival");
    cr_assert_null(find(ALERT_LEVEL, "idle_revival"));
    cr_assert_float_eq(a->expected, 50.0, EPS);
    cr_assert_float_eq(a->gap, -5.4, EPS);
    cr_assert_eq(a->severity, SEV_CRITICAL);
    /* 20.0 / 40 = 0.5: on pace → none */
    amount[ind("idle_revival")] = 20.0;
    eval("2017-06");
    a = only(ALERT_PACE, "idle_revival");
    cr_assert_float_eq(a->gap, 0.0, EPS);
    cr_assert_eq(a->severity, SEV_NONE);
}

/* ---- what is not judged, and a whole report -------------------------------------------- */

Test(targets, an_unreported_value_is_not_judged) {
    eval("2017-06");
    cr_assert_eq(out.n, 0, "nothing reported, nothing judged");
    /* fai amount reported, its growth not: the pace check only, no growth check */
    amount[ind("fai")] = 651316.6;
    eval("2017-06");
    cr_assert_eq(out.n, 1);
    cr_assert_null(find(ALERT_GROWTH, "fai"));
    /* a zone without targets: nothing */
    alert_list_clear(&out);
    targets_evaluate(r, m, &t, ty, "nowhere", "000000", per("2017-06"), amount, growth, &out);
    cr_assert_eq(out.n, 0);
}

Test(targets, jinshan_june_2017) {
    /* reports/2017-06/410671.csv */
    static const struct {
        const char *code;
        double amount, growth;
    } rows[] = {
        {"revenue", 2759085.3, 10.5},
        {"va", 702316.6, 11.8},
        {"fai", 651316.6, 18.4},
        {"employees", 19483, 2.1},
        {"tax", 124483.9, 5.9},
        {"rd_share", 3.01, NAN},
        {"output_per_mu", 112.4, NAN},
        {"lead_va_share", 81.35, NAN},
        {"lead_fai_share", 79.77, NAN},
        {"outside_capital", 104761.5, 14.7},
        {"energy_intensity", 1.48, -6.2},
        {"waste_treatment", 90.23, NAN},
        {"sewage_compliance", 93.27, NAN},
        {"idle_revival", 17.84, NAN},
    };
    const alert_t *a;
    size_t firing = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        amount[ind(rows[i].code)] = rows[i].amount;
        growth[ind(rows[i].code)] = rows[i].growth;
    }
    eval("2017-06");
    /* targets-2017.csv for jinshan: revenue, va, fai, tax, outside_capital and
     * energy_intensity have amount and growth (2 checks each, 12), employees growth only
     * (1), idle_revival and waste_treatment amount only (2): 15 checks */
    cr_assert_eq(out.n, 15);
    for (size_t i = 0; i < out.n; i++)
        if (out.items[i].severity != SEV_NONE) firing++;
    /* what fires:
     *   tax growth 5.9 − 8.0 = −2.1 → warning
     *   waste_treatment 90.23 − 95 = −4.77, within 9.5 → warning
     *   idle_revival 17.84/40 = 0.446 vs 0.500 → −5.4 → critical
     * and what does not (pacing m06 0.480 for revenue, va, tax, outside_capital):
     *   revenue 5 720 000 × 0.48 = 2 745 600 < 2 759 085.3; growth +0.5
     *   va 1 424 402.7 × 0.48 = 683 713.3 < 702 316.6; growth +1.8
     *   fai 1 381 282.8 × 0.47 = 649 202.9 < 651 316.6; growth 18.4 − 18 = +0.4
     *   tax 264 467.4 × 0.48 = 126 944.4: 124 483.9 is 2 460.5 short = −0.93 pp → none
     *   outside_capital 213 043.1 × 0.48 = 102 260.7 < 104 761.5; growth +2.7
     *   employees 2.1 − 3.0 = −0.9; energy_intensity 1.48 ≤ 1.53, growth −3 − (−6.2) = +3.2 */
    cr_assert_eq(firing, 3);
    cr_assert_not_null(a = find(ALERT_GROWTH, "tax"));
    cr_assert_float_eq(a->gap, -2.1, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
    cr_assert_not_null(a = find(ALERT_LEVEL, "waste_treatment"));
    cr_assert_float_eq(a->gap, -4.77, EPS);
    cr_assert_eq(a->severity, SEV_WARNING);
    cr_assert_not_null(a = find(ALERT_PACE, "idle_revival"));
    cr_assert_eq(a->severity, SEV_CRITICAL);
    cr_assert_not_null(a = find(ALERT_PACE, "tax"));
    cr_assert_float_eq(a->gap, (124483.9 / 264467.4 - 0.48) * 100, EPS);
    cr_assert_float_eq(a->gap, -0.93, 0.005);
    cr_assert_eq(a->severity, SEV_NONE);
}

/* ---- overdue --------------------------------------------------------------------------- */

/* The reports on file, as "zone/period". */
typedef struct {
    char items[64][96];
    size_t n;
} on_file_t;

static bool on_file(const char *zone, const char *period, void *arg) {
    const on_file_t *f = arg;
    char key[96];
    snprintf(key, sizeof key, "%s/%s", zone, period);
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->items[i], key) == 0) return true;
    return false;
}

/* Every zone's reports 2017-02 … 2017-05, except liyang's March and shancheng's May
 * (which in the sample city arrives late, in July). */
static void fill_on_file(on_file_t *f) {
    static const char *const periods[] = {"2017-02", "2017-03", "2017-04", "2017-05"};
    memset(f, 0, sizeof *f);
    for (size_t z = 0; z < m->n_zones; z++)
        for (size_t k = 0; k < 4; k++) {
            const char *zone = m->zones[z].code;
            if ((!strcmp(zone, "liyang") && k == 1) || (!strcmp(zone, "shancheng") && k == 3)) continue;
            snprintf(f->items[f->n++], sizeof f->items[0], "%s/%s", zone, periods[k]);
        }
}

static const alert_t *overdue(const char *zone, const char *period) {
    for (size_t i = 0; i < out.n; i++)
        if (!strcmp(out.items[i].zone, zone) && !strcmp(out.items[i].period, period)) return &out.items[i];
    return NULL;
}

/* The scorer's quiet evaluation: the same checks, figures and severities as
 * targets_evaluate, no message on a check that passes, and targets_message writing the
 * very message targets_evaluate wrote, for every kind (pace by pacing.csv and by m/12,
 * growth of a normal and a reverse indicator, level), met or not. */
Test(targets, quiet_evaluation_and_its_messages_are_the_full_ones) {
    static const char *const periods[] = {"2017-03", "2017-06", "2017-11"};
    static const struct {
        const char *code;
        double amount, growth;
    } rows[] = {
        {"revenue", 2759085.3, 10.5},   {"va", 702316.6, 11.8},         {"fai", 351316.6, 18.4},
        {"employees", 19483, 2.1},      {"tax", 124483.9, 5.9},         {"rd_share", 3.01, NAN},
        {"outside_capital", 14761.5, 4.7}, {"energy_intensity", 1.68, -1.2}, {"waste_treatment", 60.23, NAN},
        {"idle_revival", 17.84, NAN},
    };
    alert_list_t quiet = {0};
    size_t n_none = 0, n_kinds[4] = {0};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        amount[ind(rows[i].code)] = rows[i].amount;
        growth[ind(rows[i].code)] = rows[i].growth;
    }
    for (size_t k = 0; k < sizeof periods / sizeof periods[0]; k++) {
        eval(periods[k]);
        alert_list_clear(&quiet);
        targets_evaluate_quiet(r, m, &t, ty, "jinshan", "410671", per(periods[k]), amount, growth, &quiet);
        cr_assert_gt(out.n, 0);
        cr_assert_eq(quiet.n, out.n);
        for (size_t i = 0; i < out.n; i++) {
            alert_t *a = &out.items[i], *b = &quiet.items[i];
            cr_assert_eq(a->kind, b->kind);
            cr_assert_str_eq(a->indicator, b->indicator);
            cr_assert_eq(a->severity, b->severity);
            cr_assert(memcmp(&a->value, &b->value, sizeof a->value) == 0);
            cr_assert(memcmp(&a->target, &b->target, sizeof a->target) == 0);
            cr_assert(memcmp(&a->expected, &b->expected, sizeof a->expected) == 0);
            cr_assert(memcmp(&a->gap, &b->gap, sizeof a->gap) == 0);
            cr_assert_neq(a->message[0], '\0');
            if (b->severity == SEV_NONE) {
                cr_assert_str_eq(b->message, "", "%s: a check that passes has no message yet", b->indicator);
                n_none++;
            } else {
                cr_assert_str_eq(b->message, a->message);
            }
            targets_message(r, m, b);
            cr_assert_str_eq(b->message, a->message);
            n_kinds[a->kind]++;
        }
    }
    cr_assert_gt(n_none, 0, "some checks pass");
    cr_assert_lt(n_none, 3 * out.n, "some fire");
    cr_assert_gt(n_kinds[ALERT_PACE] + n_kinds[ALERT_GROWTH] + n_kinds[ALERT_LEVEL], 0);
    cr_assert_gt(n_kinds[ALERT_PACE], 0);
    cr_assert_gt(n_kinds[ALERT_GROWTH], 0);
    cr_assert_gt(n_kinds[ALERT_LEVEL], 0);
    alert_list_clear(&quiet);
}

Test(targets, the_deadlines_computed_by_hand) {
    cr_assert_eq(period_deadline_ms(per("2017-02"), 10), FEB_DUE_MS);
    cr_assert_eq(period_deadline_ms(per("2017-03"), 10), MAR_DUE_MS);
    cr_assert_eq(period_deadline_ms(per("2017-05"), 10), MAY_DUE_MS);
}

Test(targets, may_becomes_overdue_at_24_00_on_10_june) {
    on_file_t f;
    const alert_t *a;
    fill_on_file(&f);

    /* 2017-06-10 23:59:59 +08:00: February … April are due, May is not yet */
    targets_overdue(m, per("2017-02"), 10, true, MAY_DUE_MS - 1000, on_file, &f, &out);
    cr_assert_eq(out.n, 1, "only liyang's March");
    a = overdue("liyang", "2017-03");
    cr_assert_not_null(a);
    cr_assert_eq(a->kind, ALERT_OVERDUE);
    cr_assert_eq(a->severity, SEV_CRITICAL);
    cr_assert_eq(a->deadline_ms, MAR_DUE_MS);
    cr_assert_str_eq(a->county, "410621");
    cr_assert_str_empty(a->indicator);
    cr_assert_eq(a->year, 2017);
    cr_assert_null(overdue("shancheng", "2017-05"));

    /* 2017-06-11 00:00:00 +08:00: May's deadline has come */
    alert_list_clear(&out);
    targets_overdue(m, per("2017-02"), 10, true, MAY_DUE_MS, on_file, &f, &out);
    cr_assert_eq(out.n, 2);
    cr_assert_not_null(overdue("liyang", "2017-03"));
    a = overdue("shancheng", "2017-05");
    cr_assert_not_null(a);
    cr_assert_eq(a->kind, ALERT_OVERDUE);
    cr_assert_eq(a->severity, SEV_CRITICAL);
    cr_assert_eq(a->deadline_ms, MAY_DUE_MS);
    cr_assert_str_eq(a->county, "410603");
    cr_assert_not_null(strstr(a->message, "2017-06-10 24:00"), "message: %s", a->message);
}

/* 2017-07-11 00:00 +08:00 = (181 + 9)·86400 + 57600 = 16 473 600 → 1 499 702 400 s (June's
 * deadline); 2017-07-05 00:00 +08:00 = 185·86400 − 28800 → 1 499 184 000 s; 2017-02-05
 * 00:00 +08:00 = 35·86400 − 28800 → 1 486 224 000 s; 2017-01-01 00:00 +08:00 =
 * 1 483 228 800 − 28 800 s. */
#define JUN_DUE_MS 1499702400000LL

Test(targets, a_first_start_owes_the_first_period_due_after_it) {
    char p[PERIOD_STRLEN];
    period_format(targets_first_due(1499184000000LL, 10, true), p);
    cr_assert_str_eq(p, "2017-06", "installed 07-05, before June's deadline: June is owed");
    period_format(targets_first_due(JUN_DUE_MS - 1000, 10, true), p);
    cr_assert_str_eq(p, "2017-06", "a second before June's deadline: still June");
    period_format(targets_first_due(JUN_DUE_MS, 10, true), p);
    cr_assert_str_eq(p, "2017-07", "at June's deadline: July is the first due after it");
    period_format(targets_first_due(1486224000000LL, 10, true), p);
    cr_assert_str_eq(p, "2017-02", "02-05 with 1-2月 merged: no January report, February's");
    period_format(targets_first_due(1486224000000LL, 10, false), p);
    cr_assert_str_eq(p, "2017-01", "02-05 without merging: January is due 02-10 24:00");
    period_format(targets_first_due(1483200000000LL, 10, true), p);
    cr_assert_str_eq(p, "2016-12", "New Year's Day: December is due 01-10 24:00");
}

/* The clock steps back from May's deadline to before March's: liyang's March and
 * shancheng's May stay overdue until they arrive; a configuration that no longer asks
 * for a report resolves its alert, saying why. */
Test(targets, an_overdue_alert_stays_when_the_clock_steps_back) {
    on_file_t f;
    alert_list_t prev = {0}, cur = {0}, tr = {0};
    fill_on_file(&f);
    targets_overdue(m, per("2017-02"), 10, true, MAY_DUE_MS, on_file, &f, &prev);
    cr_assert_eq(prev.n, 2);
    alert_list_sort(&prev);

    targets_overdue(m, per("2017-02"), 10, true, MAR_DUE_MS - 1000, on_file, &f, &cur);
    cr_assert_eq(cur.n, 0, "by the clock, nothing is due yet");
    targets_overdue_held(m, per("2017-02"), 10, true, MAR_DUE_MS - 1000, &prev, on_file, &f, &cur);
    cr_assert_eq(cur.n, 2, "both stay");
    targets_transitions(m, &prev, &cur, 7000, &tr);
    cr_assert_eq(tr.n, 0, "no transition: nothing arrived");

    /* shancheng's May arrives: it resolves as on file; liyang's March stays */
    snprintf(f.items[f.n++], sizeof f.items[0], "shancheng/2017-05");
    alert_list_clear(&cur);
    targets_overdue_held(m, per("2017-02"), 10, true, MAR_DUE_MS - 1000, &prev, on_file, &f, &cur);
    cr_assert_eq(cur.n, 1);
    cr_assert_str_eq(cur.items[0].zone, "liyang");
    cr_assert_eq(cur.items[0].severity, SEV_CRITICAL);
    targets_transitions(m, &prev, &cur, 8000, &tr);
    cr_assert_eq(tr.n, 1);
    cr_assert_str_eq(tr.items[0].zone, "shancheng");
    cr_assert_eq(tr.items[0].transition, TR_RESOLVED);
    cr_assert_str_eq(tr.items[0].message, "山城专业园区 (山城区): the 2017-05 report is on file");

    /* reporting_since moved to 2017-04: March is no longer owed */
    alert_list_clear(&cur);
    alert_list_clear(&tr);
    targets_overdue_held(m, per("2017-04"), 10, true, MAR_DUE_MS - 1000, &prev, on_file, &f, &cur);
    targets_transitions(m, &prev, &cur, 9000, &tr);
    cr_assert_eq(tr.n, 2, "both resolve");
    for (size_t i = 0; i < tr.n; i++) {
        cr_assert_eq(tr.items[i].transition, TR_RESOLVED);
        if (!strcmp(tr.items[i].zone, "liyang"))
            cr_assert_not_null(strstr(tr.items[i].message, "the 2017-03 report is no longer owed"), "%s",
                               tr.items[i].message);
    }

    /* the deadline moved by configuration (deadline_day 20): re-judged by the clock */
    alert_list_clear(&cur);
    alert_list_clear(&tr);
    f.n--; /* shancheng's May not on file again */
    targets_overdue_held(m, per("2017-02"), 20, true, MAR_DUE_MS - 1000, &prev, on_file, &f, &cur);
    cr_assert_eq(cur.n, 2);
    for (size_t i = 0; i < cur.n; i++) {
        const alert_t *c = &cur.items[i];
        const char *want = !strcmp(c->zone, "liyang")
                               ? "the 2017-03 report is now due 2017-04-20 24:00 (deadline_day changed)"
                               : "the 2017-05 report is now due 2017-06-20 24:00 (deadline_day changed)";
        cr_assert_eq(c->severity, SEV_NONE, "%s: not due by the new deadline", c->zone);
        cr_assert_not_null(strstr(c->message, want), "%s: still owed, due later: %s", c->zone, c->message);
        cr_assert_null(strstr(c->message, "no longer owed"), "%s", c->message);
    }
    alert_list_clear(&prev);
    alert_list_clear(&cur);
    alert_list_clear(&tr);
}

Test(targets, no_january_report_when_january_and_february_are_merged) {
    on_file_t f;
    memset(&f, 0, sizeof f); /* nothing on file */
    /* at February's deadline, from January: with merge_jan_feb only 2017-02 is owed */
    targets_overdue(m, per("2017-01"), 10, true, FEB_DUE_MS, on_file, &f, &out);
    cr_assert_eq(out.n, m->n_zones, "one alert per zone, for 2017-02");
    for (size_t i = 0; i < out.n; i++) {
        cr_assert_str_eq(out.items[i].period, "2017-02");
        cr_assert_eq(out.items[i].deadline_ms, FEB_DUE_MS);
    }
    /* without it, January (due 2017-02-11 00:00 +08:00) is owed as well */
    alert_list_clear(&out);
    targets_overdue(m, per("2017-01"), 10, false, FEB_DUE_MS, on_file, &f, &out);
    cr_assert_eq(out.n, 2 * m->n_zones);
    cr_assert_not_null(overdue("jinshan", "2017-01"));
}

Test(targets, across_the_new_year_january_is_skipped) {
    on_file_t f;
    memset(&f, 0, sizeof f);
    /* from 2016-12 (due 2017-01-11) to 2017-02 (due 2017-03-11), merged: 2016-12, 2017-02 */
    targets_overdue(m, per("2016-12"), 10, true, FEB_DUE_MS, on_file, &f, &out);
    cr_assert_eq(out.n, 2 * m->n_zones);
    cr_assert_null(overdue("jinshan", "2017-01"));
    cr_assert_not_null(overdue("jinshan", "2016-12"));
    cr_assert_eq(overdue("jinshan", "2016-12")->year, 2016);
    cr_assert_not_null(overdue("jinshan", "2017-02"));
}

/* ---- transitions ----------------------------------------------------------------------- */

static alert_list_t prev, cur, tr;

/* jinshan's waste_treatment check at x (warning below 95, critical below 85.5). */
static alert_t waste_check(double x) {
    amount[ind("waste_treatment")] = x;
    eval("2017-06");
    cr_assert_eq(out.n, 1);
    return out.items[0];
}

/* prev := the firing alert as stored: a transition's severity, since_ms from it. */
static void remember(const alert_t *a) {
    alert_list_clear(&prev);
    cr_assert_not_null(alert_list_add(&prev, a));
}

static void step(const alert_t *a, int64_t now_ms) {
    alert_list_clear(&cur);
    alert_list_clear(&tr);
    if (a) cr_assert_not_null(alert_list_add(&cur, a));
    targets_transitions(m, &prev, &cur, now_ms, &tr);
}

static void transitions_teardown(void) {
    alert_list_clear(&prev);
    alert_list_clear(&cur);
    alert_list_clear(&tr);
    teardown();
}

TestSuite(transitions, .init = setup, .fini = transitions_teardown);

Test(transitions, fires_once_then_stays_quiet) {
    alert_t a = waste_check(94.0); /* warning */
    step(&a, 1000);
    cr_assert_eq(tr.n, 1);
    cr_assert_eq(tr.items[0].transition, TR_FIRING);
    cr_assert_eq(tr.items[0].severity, SEV_WARNING);
    cr_assert_eq(tr.items[0].previous, SEV_NONE);
    cr_assert_eq(tr.items[0].at_ms, 1000);
    cr_assert_eq(tr.items[0].since_ms, 1000);

    /* recomputed with the same figures: nothing at all */
    remember(&tr.items[0]);
    step(&a, 1500);
    cr_assert_eq(tr.n, 0);

    /* recomputed later with another value, still a warning: no transition to publish,
     * only a quiet refresh (TR_NONE) so the stored alert shows the latest figures */
    a = waste_check(93.5);
    step(&a, 2000);
    cr_assert_eq(tr.n, 1);
    cr_assert_eq(tr.items[0].transition, TR_NONE);
    cr_assert_eq(tr.items[0].value, 93.5);
    cr_assert_eq(tr.items[0].since_ms, 1000, "still firing since the first time");
}

Test(transitions, a_check_that_passes_publishes_nothing) {
    alert_t a = waste_check(96.0); /* none */
    step(&a, 1000);
    cr_assert_eq(tr.n, 0);
}

Test(transitions, escalates_and_deescalates_keeping_since) {
    alert_t a = waste_check(94.0);
    step(&a, 1000);
    remember(&tr.items[0]);

    a = waste_check(85.4); /* gap −9.6: critical */
    step(&a, 2000);
    cr_assert_eq(tr.n, 1);
    cr_assert_eq(tr.items[0].transition, TR_ESCALATED);
    cr_assert_eq(tr.items[0].severity, SEV_CRITICAL);
    cr_assert_eq(tr.items[0].previous, SEV_WARNING);
    cr_assert_float_eq(tr.items[0].value, 85.4, EPS);
    cr_assert_eq(tr.items[0].since_ms, 1000, "firing since the first transition");
    cr_assert_eq(tr.items[0].at_ms, 2000);

    remember(&tr.items[0]);
    a = waste_check(90.0); /* gap −5: warning */
    step(&a, 3000);
    cr_assert_eq(tr.n, 1);
    cr_assert_eq(tr.items[0].transition, TR_DEESCALATED);
    cr_assert_eq(tr.items[0].severity, SEV_WARNING);
    cr_assert_eq(tr.items[0].previous, SEV_CRITICAL);
    cr_assert_eq(tr.items[0].since_ms, 1000);
    cr_assert_eq(tr.items[0].at_ms, 3000);
}

Test(transitions, resolves_when_the_target_is_met) {
    alert_t a = waste_check(94.0);
    step(&a, 1000);
    remember(&tr.items[0]);

    a = waste_check(95.5); /* gap +0.5: none */
    step(&a, 4000);
    cr_assert_eq(tr.n, 1);
    cr_assert_eq(tr.items[0].transition, TR_RESOLVED);
    cr_assert_eq(tr.items[0].severity, SEV_NONE);
    cr_assert_eq(tr.items[0].previous, SEV_WARNING);
    cr_assert_float_eq(tr.items[0].value, 95.5, EPS);
    cr_assert_eq(tr.items[0].since_ms, 1000);
    cr_assert_eq(tr.items[0].at_ms, 4000);
}

Test(transitions, resolves_when_no_longer_evaluated) {
    alert_t a = waste_check(94.0);
    step(&a, 1000);
    remember(&tr.items[0]);

    step(NULL, 5000); /* the check is gone (targets file changed, say) */
    cr_assert_eq(tr.n, 1);
    cr_assert_eq(tr.items[0].transition, TR_RESOLVED);
    cr_assert_eq(tr.items[0].kind, ALERT_LEVEL);
    cr_assert_str_eq(tr.items[0].indicator, "waste_treatment");
    cr_assert_eq(tr.items[0].severity, SEV_NONE);
    cr_assert_eq(tr.items[0].previous, SEV_WARNING);
    cr_assert_eq(tr.items[0].since_ms, 1000);
    cr_assert_eq(tr.items[0].at_ms, 5000);
}

Test(transitions, an_overdue_report_arrives_while_another_alert_fires) {
    on_file_t f;
    const alert_t *late, *idle = NULL, *resolved = NULL;
    alert_t w;

    /* before: shancheng's May overdue (critical), jinshan's waste_treatment (warning) */
    fill_on_file(&f);
    targets_overdue(m, per("2017-05"), 10, true, MAY_DUE_MS, on_file, &f, &out);
    cr_assert_eq(out.n, 1);
    late = &out.items[0];
    alert_list_clear(&prev);
    alert_list_add(&prev, late);
    w = waste_check(94.0);
    alert_list_add(&prev, &w);
    for (size_t i = 0; i < prev.n; i++)
        prev.items[i].since_ms = 1000;
    alert_list_sort(&prev);

    /* now: May's report is on file; waste_treatment unchanged; idle_revival falls behind */
    alert_list_clear(&cur);
    alert_list_clear(&tr);
    amount[ind("idle_revival")] = 17.84; /* −5.4 pp: critical */
    eval("2017-06");
    cr_assert_eq(out.n, 2);
    for (size_t i = 0; i < out.n; i++)
        alert_list_add(&cur, &out.items[i]);
    snprintf(f.items[f.n++], sizeof f.items[0], "shancheng/2017-05");
    targets_overdue(m, per("2017-05"), 10, true, MAY_DUE_MS + 1000, on_file, &f, &cur);
    cr_assert_eq(cur.n, 2, "no overdue alert any more");
    targets_transitions(m, &prev, &cur, 6000, &tr);

    cr_assert_eq(tr.n, 2, "the overdue alert resolves, idle_revival fires, waste_treatment is silent");
    for (size_t i = 0; i < tr.n; i++) {
        if (tr.items[i].kind == ALERT_OVERDUE) resolved = &tr.items[i];
        if (tr.items[i].kind == ALERT_PACE) idle = &tr.items[i];
        cr_assert_eq(tr.items[i].at_ms, 6000);
    }
    cr_assert_not_null(resolved);
    cr_assert_eq(resolved->transition, TR_RESOLVED);
    cr_assert_str_eq(resolved->zone, "shancheng");
    cr_assert_str_eq(resolved->period, "2017-05");
    cr_assert_eq(resolved->previous, SEV_CRITICAL);
    cr_assert_eq(resolved->since_ms, 1000);
    cr_assert_str_eq(resolved->message, "山城专业园区 (山城区): the 2017-05 report is on file",
                     "the desk reads its zone in words");
    cr_assert_not_null(idle);
    cr_assert_eq(idle->transition, TR_FIRING);
    cr_assert_str_eq(idle->indicator, "idle_revival");
    cr_assert_eq(idle->severity, SEV_CRITICAL);
    cr_assert_eq(idle->previous, SEV_NONE);
    cr_assert_eq(idle->since_ms, 6000);
}
