/* test_bulletin.c - the monthly bulletin's figures: main indicators, completion, pace
 * gaps, the city total, ranking columns, row order and laggards.
 *
 * Two kinds of cases. The sample city (examples/sample-city) with its real 2017 rules
 * and figures copied from reports/2017-06/410671.csv (金山) and 410602.csv (宝山),
 * checked against sums worked out by hand below; every other zone has not reported.
 * Then small synthetic rules and round figures, so the city total's aggregate growth,
 * its like-with-like completion and the laggard rule can be followed on paper.
 *
 * Hand checks, 2017-06 (pacing.csv m06: revenue, va, tax, outside_capital 0.480;
 * fai 0.470):
 *   金山 revenue   2759085.3 / 5720000.0 = 0.4823576 → 48.24 %; gap (0.4823576 − 0.480)
 *                  × 100 = +0.24 pp
 *   金山 fai        651316.6 / 1381282.8 = 0.4715302 → 47.15 %; gap +0.15 pp
 *   金山 tax        124483.9 /  264467.4 = 0.4706966 → 47.07 %; gap −0.93 pp
 *   宝山 revenue   2032384.0 / 4180000.0 = 0.4862163 → 48.62 %; gap +0.62 pp
 *   宝山 fai        604792.1 / 1298521.0 = 0.4657546 → 46.58 %; gap −0.42 pp
 *   employees: targets-2017.csv gives a growth target only, no amount → no completion
 *   city revenue   2759085.3 + 2032384.0 = 4791469.3; growth: bases 2759085.3/1.105
 *                  = 2496909.77 and 2032384.0/1.114 = 1824402.15, 4791469.3 /
 *                  4321311.92 − 1 = +10.88 % (the mean of 10.5 and 11.4 would be 10.95);
 *                  completion 4791469.3 / (5720000 + 4180000) = 48.40 %, gap +0.40 pp
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "diag.h"
#include "master.h"
#include "period.h"
#include "ranking.h"
#include "rules.h"

#define EPS 1e-6

static master_t *m;
static rules_t *rules; /* the sample city's */
static values_t v;
static bulletin_t b;
static ranking_t rk;

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char city[4096];
    diag_list_t dl;
    memset(&dl, 0, sizeof dl);
    memset(&b, 0, sizeof b);
    memset(&rk, 0, sizeof rk);
    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    m = master_load(city, &dl);
    cr_assert_not_null(m, "cannot load the master data from %s", city);
    rules = rules_load(city, m, &dl);
    cr_assert_not_null(rules, "cannot load the rules from %s: %s", city, dl.n ? dl.items[0].message : "");
    diag_clear(&dl);
    cr_assert_eq(values_init_master(&v, m), 0);
}

static void teardown(void) {
    bulletin_clear(&b);
    values_free(&v);
    ranking_clear(&rk);
    rules_destroy(&rules);
    master_destroy(&m);
}

TestSuite(bulletin, .init = setup, .fini = teardown);

static period_t period(const char *s) {
    period_t p;
    cr_assert_eq(period_parse(s, &p), 0);
    return p;
}

static void set(const char *zone, const char *indicator, double amount, double growth) {
    cr_assert_eq(values_set(&v, m, zone, indicator, amount, !isnan(growth), growth), 0, "%s %s", zone,
                 indicator);
}

/* The column of indicator code in b. */
static size_t col(const char *code) {
    for (size_t k = 0; k < b.n_indicators; k++)
        if (!strcmp(m->indicators[b.indicators[k]].code, code)) return k;
    cr_assert_fail("%s is not a main indicator of the bulletin", code);
    return 0;
}

/* The row of zone code in b. */
static const bulletin_row_t *row(const char *zone) {
    for (size_t i = 0; i < b.n_rows; i++)
        if (b.rows[i].zone && !strcmp(b.rows[i].zone->code, zone)) return &b.rows[i];
    cr_assert_fail("no row for %s", zone);
    return NULL;
}

static const bulletin_row_t *total(void) {
    cr_assert_gt(b.n_rows, 0);
    cr_assert(b.rows[b.n_rows - 1].is_total, "the city total is the last row");
    return &b.rows[b.n_rows - 1];
}

static const bulletin_cell_t *cell(const bulletin_row_t *r, const char *code) {
    return &r->cells[col(code)];
}

/* jinshan's and baoshan's 2017-06 figures from reports/2017-06/410671.csv, 410602.csv. */
static void sample_june(void) {
    set("jinshan", "revenue", 2759085.3, 10.5);
    set("jinshan", "va", 702316.6, 11.8);
    set("jinshan", "fai", 651316.6, 18.4);
    set("jinshan", "employees", 19483, 2.1);
    set("jinshan", "tax", 124483.9, 5.9);
    set("jinshan", "rd_share", 3.01, NAN);
    set("jinshan", "outside_capital", 104761.5, 14.7);
    set("jinshan", "energy_intensity", 1.48, -6.2);
    set("baoshan", "revenue", 2032384.0, 11.4);
    set("baoshan", "fai", 604792.1, 16.9);
    set("baoshan", "employees", 14976, 5.9);
}

Test(bulletin, main_indicators_are_the_flows_and_stocks_with_growth) {
    static const char *const want[] = {"revenue", "va", "fai", "employees", "tax", "outside_capital"};
    cr_assert_eq(bulletin_build(&b, m, rules, period("2017-06"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_eq(b.n_indicators, 6,
                 "ratios (rd_share …, even energy_intensity with its growth) are left out");
    for (size_t k = 0; k < 6; k++)
        cr_assert_str_eq(m->indicators[b.indicators[k]].code, want[k], "column %zu", k);
    cr_assert_eq(b.n_rows, m->n_zones + 1);
    cr_assert_eq(b.n_reported, 0);
    cr_assert_not(total()->reported);
    cr_assert_not(cell(total(), "revenue")->has_amount, "nothing reported: an empty total, not 0");
}

Test(bulletin, sample_city_june_completion_and_pace_gap) {
    const bulletin_row_t *j, *bs;
    sample_june();
    cr_assert_eq(bulletin_build(&b, m, rules, period("2017-06"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_eq(b.n_reported, 2);
    cr_assert(b.has_targets);
    j = row("jinshan");
    cr_assert(j->reported);
    cr_assert_float_eq(cell(j, "revenue")->amount, 2759085.3, EPS);
    cr_assert_float_eq(cell(j, "revenue")->growth_pct, 10.5, EPS);
    cr_assert(cell(j, "revenue")->has_completion);
    cr_assert_float_eq(cell(j, "revenue")->completion_pct, 48.2357570, EPS);
    cr_assert(cell(j, "revenue")->has_gap);
    cr_assert_float_eq(cell(j, "revenue")->expected_pct, 48.0, EPS);
    cr_assert_float_eq(cell(j, "revenue")->gap_pp, 0.2357570, EPS);
    cr_assert_float_eq(cell(j, "fai")->completion_pct, 47.1530233, EPS);
    cr_assert_float_eq(cell(j, "fai")->expected_pct, 47.0, EPS, "investment is back-loaded (pacing.csv)");
    cr_assert_float_eq(cell(j, "fai")->gap_pp, 0.1530233, EPS);
    cr_assert_float_eq(cell(j, "tax")->gap_pp, -0.9303423, EPS);
    /* a growth target only: the amount has no completion and no gap */
    cr_assert(cell(j, "employees")->has_amount);
    cr_assert_not(cell(j, "employees")->has_target);
    cr_assert_not(cell(j, "employees")->has_completion);
    cr_assert_not(cell(j, "employees")->has_gap);
    cr_assert_not(j->lag_pace, "no gap below −5 pp");

    bs = row("baoshan");
    cr_assert_float_eq(cell(bs, "revenue")->completion_pct, 48.6216268, EPS);
    cr_assert_float_eq(cell(bs, "revenue")->gap_pp, 0.6216268, EPS);
    cr_assert_float_eq(cell(bs, "fai")->gap_pp, -0.4245422, EPS);
    cr_assert_not(cell(bs, "va")->has_amount, "va was not sent: empty, not 0");
    cr_assert_not(cell(bs, "va")->has_completion);

    /* a zone that did not report: every cell empty, not a laggard */
    cr_assert_not(row("shancheng")->reported);
    for (size_t k = 0; k < b.n_indicators; k++) {
        const bulletin_cell_t *c = &row("shancheng")->cells[k];
        cr_assert_not(c->has_amount || c->has_growth || c->has_completion || c->has_gap, "column %zu", k);
    }
    cr_assert_not(bulletin_row_laggard(row("shancheng")));
}

Test(bulletin, sample_city_total_is_the_aggregate_of_the_reporting_zones) {
    const bulletin_row_t *t;
    sample_june();
    cr_assert_eq(bulletin_build(&b, m, rules, period("2017-06"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    t = total();
    cr_assert_null(t->zone);
    cr_assert(t->reported);
    cr_assert_float_eq(cell(t, "revenue")->amount, 4791469.3, EPS);
    cr_assert(cell(t, "revenue")->has_growth);
    cr_assert_float_eq(cell(t, "revenue")->growth_pct, 10.8799684, EPS);
    cr_assert_float_eq(cell(t, "revenue")->target, 9900000.0, EPS, "the two reporting zones' targets");
    cr_assert_float_eq(cell(t, "revenue")->completion_pct, 48.3986798, EPS);
    cr_assert_float_eq(cell(t, "revenue")->gap_pp, 0.3986798, EPS);
    /* va: only 金山 sent it, so the city's va is 金山's */
    cr_assert_float_eq(cell(t, "va")->amount, 702316.6, EPS);
    cr_assert_float_eq(cell(t, "va")->growth_pct, 11.8, EPS);
    cr_assert_float_eq(cell(t, "va")->completion_pct, 702316.6 / 1424402.7 * 100, EPS);
    /* employees: a stock with growth, summed, no target amount anywhere */
    cr_assert_float_eq(cell(t, "employees")->amount, 19483 + 14976, EPS);
    cr_assert_not(cell(t, "employees")->has_completion);
    cr_assert_not(t->ranked);
    cr_assert_not(bulletin_row_laggard(t));
}

Test(bulletin, january_february_is_month_two) {
    /* 1-2月: pacing m02 for revenue is 0.145: 1000000 / 5720000 = 17.48 %, gap +2.98 pp */
    set("jinshan", "revenue", 1000000.0, 9.0);
    cr_assert_eq(bulletin_build(&b, m, rules, period("2017-02"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_float_eq(cell(row("jinshan"), "revenue")->expected_pct, 14.5, EPS);
    cr_assert_float_eq(cell(row("jinshan"), "revenue")->gap_pp, 17.4825175 - 14.5, EPS);
}

Test(bulletin, a_year_without_targets_has_amounts_only) {
    set("jinshan", "revenue", 2400000.0, 8.0);
    cr_assert_eq(bulletin_build(&b, m, rules, period("2016-06"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_not(b.has_targets);
    cr_assert(cell(row("jinshan"), "revenue")->has_amount);
    cr_assert_not(cell(row("jinshan"), "revenue")->has_completion);
    cr_assert_not(cell(total(), "revenue")->has_completion);
}

Test(bulletin, unknown_zones_and_indicators_are_ignored) {
    cr_assert_eq(values_set(&v, m, "atlantis", "revenue", 1, false, 0), -1);
    cr_assert_eq(values_set(&v, m, "jinshan", "gdp", 1, false, 0), -1);
    cr_assert_eq(values_set(&v, m, "jinshan", "主营业务收入", 5, true, 1), 0, "Chinese names too");
    cr_assert_eq(bulletin_build(&b, m, rules, period("2017-06"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_eq(b.n_reported, 1);
    cr_assert_float_eq(cell(row("jinshan"), "revenue")->amount, 5, EPS);
}

/* ---- synthetic rules: round numbers ------------------------------------------------ */

/* Rules with revenue targets for some zones and no pacing.csv, so the expected share is
 * month/12: 0.5 in June. targets must be sorted by (zone, indicator). */
static target_t tg[4];
static target_year_t ty;
static rules_t syn;

static int ind(const char *code) {
    const indicator_t *i = master_indicator(m, code);
    cr_assert_not_null(i);
    return (int)(i - m->indicators);
}

static void synthetic_rules(void) {
    static const struct {
        const char *zone;
        double amount;
    } t[] = {{"heqi", 100}, {"jinshan", 200}, {"qibin", 100}, {"xunxian", 100}}; /* sorted */
    memset(&syn, 0, sizeof syn);
    for (size_t i = 0; i < 4; i++) {
        memset(&tg[i], 0, sizeof tg[i]);
        snprintf(tg[i].zone, sizeof tg[i].zone, "%s", t[i].zone);
        tg[i].indicator = ind("revenue");
        tg[i].has_amount = true;
        tg[i].amount = t[i].amount;
    }
    ty.year = 2017;
    ty.targets = tg;
    ty.n_targets = 4;
    syn.targets = &ty;
    syn.n_targets = 1;
}

/*   zone     revenue  growth  target  completion  gap (m/12 = 50 %)
 *   jinshan    110     +10 %    200     55 %        +5
 *   baoshan    240     +20 %    —       —           —     (no target)
 *   qibin       50     —        100     50 %         0    (no growth figure)
 *   heqi        40     +25 %    100     40 %       −10    laggard
 *   xunxian     45     0 %      100     45 %        −5    exactly −5: not below it
 * city: 485; growth over the zones with one: bases 100 + 200 + 32 + 45 = 377 for
 * 110 + 240 + 40 + 45 = 435 → 435/377 − 1 = +15.38 %; completion like with like:
 * (110 + 50 + 40 + 45) / (200 + 100 + 100 + 100) = 245/500 = 49 %, gap −1 pp. */
static void synthetic_values(void) {
    set("jinshan", "revenue", 110, 10);
    set("baoshan", "revenue", 240, 20);
    set("qibin", "revenue", 50, NAN);
    set("heqi", "revenue", 40, 25);
    set("xunxian", "revenue", 45, 0);
}

Test(bulletin, synthetic_total_growth_and_completion) {
    const bulletin_row_t *t;
    synthetic_rules();
    synthetic_values();
    cr_assert_eq(bulletin_build(&b, m, &syn, period("2017-06"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_float_eq(cell(row("jinshan"), "revenue")->completion_pct, 55, EPS);
    cr_assert_float_eq(cell(row("jinshan"), "revenue")->gap_pp, 5, EPS);
    cr_assert_not(cell(row("baoshan"), "revenue")->has_target, "a zone without a target");
    cr_assert_not(cell(row("baoshan"), "revenue")->has_completion);
    cr_assert_not(cell(row("baoshan"), "revenue")->has_gap);
    cr_assert_not(cell(row("qibin"), "revenue")->has_growth);
    cr_assert_float_eq(cell(row("qibin"), "revenue")->gap_pp, 0, EPS);

    t = total();
    cr_assert_float_eq(cell(t, "revenue")->amount, 485, EPS);
    cr_assert_float_eq(cell(t, "revenue")->growth_pct, (435.0 / 377.0 - 1) * 100, EPS); /* 15.38 */
    cr_assert(fabs(cell(t, "revenue")->growth_pct - 13.75) > 1, "not the mean of the rates");
    cr_assert_float_eq(cell(t, "revenue")->target, 500, EPS);
    cr_assert_float_eq(cell(t, "revenue")->completion_pct, 49, EPS);
    cr_assert_float_eq(cell(t, "revenue")->expected_pct, 50, EPS);
    cr_assert_float_eq(cell(t, "revenue")->gap_pp, -1, EPS);
    cr_assert_not(cell(t, "fai")->has_amount, "nobody sent fai");
}

Test(bulletin, laggards_by_pace_gap) {
    synthetic_rules();
    synthetic_values();
    cr_assert_eq(bulletin_build(&b, m, &syn, period("2017-06"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    cr_assert(row("heqi")->lag_pace, "−10 pp is below −5");
    cr_assert(bulletin_row_laggard(row("heqi")));
    cr_assert_not(row("xunxian")->lag_pace, "−5 pp is not below −5");
    cr_assert_not(row("jinshan")->lag_pace);
    cr_assert_not(row("baoshan")->lag_pace, "no target, no gap");
    cr_assert_not(row("heqi")->lag_rank, "not ranked");
}

Test(bulletin, master_order_without_a_ranking) {
    /* counties as regions.csv lists them: 410671 金山, 410602 宝山, 410603 山城, 410611 淇滨,
     * 410621 (liyang before xunxian: by code), 410622 鹤淇, 410672 示范区 */
    static const char *const want[] = {"jinshan", "baoshan", "shancheng", "qibin",
                                       "liyang",  "xunxian", "heqi",      "shifanqu"};
    cr_assert_eq(bulletin_build(&b, m, rules, period("2017-06"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_eq(b.n_rows, 9);
    for (size_t i = 0; i < 8; i++)
        cr_assert_str_eq(b.rows[i].zone->code, want[i], "row %zu", i);
    cr_assert_str_eq(b.rows[0].county->name, "鹤壁经济技术开发区管委会");
}

static void rank(const char *zone, int r, int prev, double score, int star) {
    ranking_row_t row;
    memset(&row, 0, sizeof row);
    snprintf(row.zone, sizeof row.zone, "%s", zone);
    snprintf(row.county, sizeof row.county, "%s", master_zone(m, zone) ? master_zone(m, zone)->county : "x");
    row.rank = r;
    row.prev_rank = prev;
    row.total = score;
    row.star = star;
    cr_assert_not_null(ranking_add_row(&rk, &row));
}

Test(bulletin, ranking_columns_order_and_bottom_three) {
    synthetic_rules();
    synthetic_values();
    snprintf(rk.period, sizeof rk.period, "2017-06");
    rank("baoshan", 1, 3, 91.5, 3);
    rank("jinshan", 2, 0, 88.25, RANKING_STAR_BELOW);
    rank("qibin", 3, 1, 80, RANKING_STAR_NONE);
    rank("heqi", 4, 4, 75, 0);
    rank("xunxian", 5, 2, 70, 1);
    rank("atlantis", 6, 6, 60, 1); /* a zone master data no longer knows */
    cr_assert_eq(bulletin_build(&b, m, &syn, period("2017-06"), &v, &rk, BULLETIN_LAG_PACE_PP), 0);
    cr_assert(b.ranked);
    cr_assert_eq(b.n_ranked, 6);
    /* ranked zones first, by rank; then the others in master order */
    cr_assert_str_eq(b.rows[0].zone->code, "baoshan");
    cr_assert_str_eq(b.rows[1].zone->code, "jinshan");
    cr_assert_str_eq(b.rows[4].zone->code, "xunxian");
    cr_assert_str_eq(b.rows[5].zone->code, "shancheng");
    cr_assert_str_eq(b.rows[6].zone->code, "liyang");
    cr_assert_str_eq(b.rows[7].zone->code, "shifanqu");
    cr_assert(b.rows[8].is_total);

    cr_assert(row("baoshan")->ranked);
    cr_assert_float_eq(row("baoshan")->total_score, 91.5, EPS);
    cr_assert_eq(row("baoshan")->rank, 1);
    cr_assert(row("baoshan")->has_rank_change);
    cr_assert_eq(row("baoshan")->rank_change, 2, "3 → 1 climbs two places");
    cr_assert_eq(row("xunxian")->rank_change, -3);
    cr_assert_not(row("jinshan")->has_rank_change, "no previous rank");
    cr_assert_eq(row("jinshan")->star, RANKING_STAR_BELOW);
    cr_assert_eq(row("qibin")->star, RANKING_STAR_NONE);
    cr_assert_not(row("shancheng")->ranked);
    cr_assert_eq(row("shancheng")->star, RANKING_STAR_NONE);

    /* bottom three of six: ranks 4, 5, 6 */
    cr_assert_not(row("qibin")->lag_rank);
    cr_assert(row("heqi")->lag_rank);
    cr_assert(row("xunxian")->lag_rank);
    cr_assert(bulletin_row_laggard(row("xunxian")), "−5 pp is fine, the rank is not");
    cr_assert_not(row("shancheng")->lag_rank, "not ranked, not judged");
    cr_assert_not(total()->ranked);
}

Test(bulletin, no_bottom_three_among_three) {
    snprintf(rk.period, sizeof rk.period, "2017-06");
    set("jinshan", "revenue", 1, NAN);
    set("baoshan", "revenue", 1, NAN);
    set("qibin", "revenue", 1, NAN);
    rank("jinshan", 1, 0, 90, RANKING_STAR_NONE);
    rank("baoshan", 2, 0, 80, RANKING_STAR_NONE);
    rank("qibin", 3, 0, 70, RANKING_STAR_NONE);
    cr_assert_eq(bulletin_build(&b, m, NULL, period("2017-06"), &v, &rk, BULLETIN_LAG_PACE_PP), 0);
    for (size_t i = 0; i + 1 < b.n_rows; i++)
        cr_assert_not(b.rows[i].lag_rank, "row %zu", i);
}

Test(bulletin, values_for_another_master_are_refused) {
    values_t other;
    memset(&other, 0, sizeof other);
    cr_assert_eq(bulletin_build(&b, m, rules, period("2017-06"), &other, NULL, BULLETIN_LAG_PACE_PP), -1);
    cr_assert_eq(b.n_rows, 0);
    bulletin_clear(&b);
    values_free(&other);
}
