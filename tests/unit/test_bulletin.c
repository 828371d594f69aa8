/* test_bulletin.c - the monthly bulletin's figures: main indicators, completion, pace
 * gaps, the city total, ranking columns, row order and laggards.
 *
 * Two kinds of cases. The sample city (examples/sample-city) with its real 2017 rules
 * and figures copied from reports/2017-06/410671.csv (金山) and 410602.csv (宝山),
 * checked against sums worked out by hand below; every other zone has not reported.
 * Then small synthetic rules and round figures, so the city total's aggregate growth,
 * its like-with-like completion and the laggard rule can be followed on paper. Last,
 * every 2017 period of the sample city, read from its county files, against the
 * scorer's own targets_evaluate: the same gaps, and lagging exactly when a pace alert
 * fires at the bulletin's threshold.
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
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "bulletin.h"
#include "county_csv.h"
#include "diag.h"
#include "master.h"
#include "period.h"
#include "ranking.h"
#include "rules.h"
#include "targets.h"

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

/* ---- the bulletin and the scorer's pace alerts agree on the sample city --------------- */

/* Loads the county files of the sample city's reports/<period>/ into set with the
 * collector's own parser: the first filings, NNNNNN.csv (a .rev2, .projects, .bad or
 * .yuan variant left out). Returns the number of files read. */
static size_t load_month(const char *period_s, report_set_t *set) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char dir[4096], path[4400];
    struct dirent *e;
    diag_list_t dl;
    size_t n_files = 0;
    DIR *d;
    memset(&dl, 0, sizeof dl);
    snprintf(dir, sizeof dir, "%s/sample-city/reports/%s", ex && *ex ? ex : "examples", period_s);
    cr_assert_not_null(d = opendir(dir), "cannot open %s", dir);
    while ((e = readdir(d))) {
        if (strlen(e->d_name) != 10 || strspn(e->d_name, "0123456789") != 6 || strcmp(e->d_name + 6, ".csv"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        cr_assert_eq(county_csv_load(m, path, set, &dl), 0, "%s: %s", path, dl.n ? dl.items[0].message : "");
        n_files++;
    }
    closedir(d);
    diag_clear(&dl);
    return n_files;
}

typedef struct {
    size_t n_gaps;    /* cells with a pace gap, each matched with its alert */
    size_t n_lagging; /* of those, lagging (the alert firing) */
} agreed_t;

/* Builds period's bulletin from the sample city's files with laggard threshold lag_pp,
 * and for every zone's report runs the scorer's targets_evaluate with both pace
 * thresholds at lag_pp, so a pace alert fires exactly when the scorer judges the gap
 * below the bulletin's threshold. Every bulletin cell with a gap must have one pace
 * alert with the same gap and expected share, to the bit, and be lagging exactly when
 * that alert fires; every pace alert on a main indicator must have its cell. */
static void agree(const char *period_s, double lag_pp, agreed_t *n) {
    period_t p = period(period_s);
    const target_year_t *year_targets = rules_targets(rules, p.year);
    thresholds_t t = {.pace_warning_pp = lag_pp,
                      .pace_critical_pp = lag_pp,
                      .growth_warning_pp = -1,
                      .growth_critical_pp = -3,
                      .level_critical_frac = 0.10};
    size_t ni = m->n_indicators;
    double *amount = calloc(ni, sizeof *amount), *growth = calloc(ni, sizeof *growth);
    report_set_t set;
    memset(&set, 0, sizeof set);
    cr_assert(amount && growth);
    cr_assert_not_null(year_targets, "targets-%d.csv", p.year);
    cr_assert_gt(load_month(period_s, &set), 0, "no county files for %s", period_s);

    bulletin_clear(&b);
    values_free(&v);
    cr_assert_eq(values_init_master(&v, m), 0);
    for (size_t k = 0; k < set.n; k++)
        for (size_t j = 0; j < set.reports[k].n_values; j++) {
            const report_value_t *x = &set.reports[k].values[j];
            cr_assert_eq(values_set(&v, m, set.reports[k].zone, x->indicator, x->amount, x->has_growth,
                                    x->growth_pct),
                         0);
        }
    cr_assert_eq(bulletin_build(&b, m, rules, p, &v, NULL, lag_pp), 0);

    for (size_t k = 0; k < set.n; k++) {
        const report_t *rep = &set.reports[k];
        const zone_t *z = master_zone(m, rep->zone);
        const bulletin_row_t *br = row(rep->zone);
        alert_list_t alerts;
        bool lag_pace = false;
        memset(&alerts, 0, sizeof alerts);
        cr_assert_str_eq(rep->period, period_s);
        cr_assert_not_null(z);
        for (size_t i = 0; i < ni; i++)
            amount[i] = growth[i] = NAN;
        for (size_t j = 0; j < rep->n_values; j++) {
            const indicator_t *ix = master_indicator(m, rep->values[j].indicator);
            cr_assert_not_null(ix);
            amount[ix - m->indicators] = rep->values[j].amount;
            if (rep->values[j].has_growth) growth[ix - m->indicators] = rep->values[j].growth_pct;
        }
        targets_evaluate(rules, m, &t, year_targets, z->code, z->county, p, amount, growth, &alerts);

        for (size_t c = 0; c < b.n_indicators; c++) {
            const char *code = m->indicators[b.indicators[c]].code;
            const bulletin_cell_t *cl = &br->cells[c];
            const alert_t *a = NULL;
            for (size_t i = 0; i < alerts.n; i++)
                if (alerts.items[i].kind == ALERT_PACE && !strcmp(alerts.items[i].indicator, code)) {
                    cr_assert_null(a, "%s %s %s: two pace alerts", period_s, z->code, code);
                    a = &alerts.items[i];
                }
            cr_assert_eq(cl->has_gap, a != NULL,
                         "%s %s %s: the bulletin %s a gap, the scorer %s a pace alert", period_s, z->code,
                         code, cl->has_gap ? "shows" : "has no", a ? "raises" : "has no");
            if (!a) continue;
            cr_assert(cl->gap_pp == a->gap, "%s %s %s: gap %.17g pp in the bulletin, %.17g in the alert",
                      period_s, z->code, code, cl->gap_pp, a->gap);
            cr_assert(cl->expected_pct == a->expected, "%s %s %s: expected %.17g %% and %.17g %%", period_s,
                      z->code, code, cl->expected_pct, a->expected);
            cr_assert_eq(bulletin_cell_lagging(&b, cl), a->severity != SEV_NONE,
                         "%s %s %s: gap %.6f pp, threshold %g: the bulletin says %s, the scorer %s", period_s,
                         z->code, code, cl->gap_pp, lag_pp,
                         bulletin_cell_lagging(&b, cl) ? "lagging" : "on pace", severity_name(a->severity));
            lag_pace |= a->severity != SEV_NONE;
            n->n_gaps++;
            n->n_lagging += a->severity != SEV_NONE;
        }
        cr_assert_eq(br->lag_pace, lag_pace, "%s %s: the row's laggard flag", period_s, z->code);
        alert_list_clear(&alerts);
    }
    report_set_clear(&set);
    free(amount);
    free(growth);
}

/* Every 2017 period of the sample city, at the bulletin's default threshold (−5 pp, the
 * scorer's critical one) and at the scorer's warning threshold (−2 pp), so that both
 * lagging and on-pace cells are compared.
 *
 * Hand check, 2017-06 (pacing.csv m06: fai 0.470, revenue 0.480):
 *   山城 fai      106 672.2 / 257 729.9 = 0.4138914 (0.41 × 257 729.9 = 105 669.259, and
 *                 1 002.941 / 257 729.9 = 0.0038914); gap (0.4138914 − 0.470) × 100
 *                 = −5.61 pp: below −5, so lagging in the bulletin and a pace alert from
 *                 the scorer at −5 as well as at −2
 *   淇滨 revenue  740 078.7 / 1 650 000 = 0.4485325; gap (0.4485325 − 0.480) × 100
 *                 = −3.15 pp: not below −5, below −2 */
Test(bulletin, agrees_with_the_scorers_pace_alerts_on_the_sample_city) {
    static const char *const periods[] = {"2017-02", "2017-03", "2017-04", "2017-05", "2017-06"};
    agreed_t at5 = {0, 0}, at2 = {0, 0};
    for (size_t i = 0; i < sizeof periods / sizeof *periods; i++) {
        agree(periods[i], BULLETIN_LAG_PACE_PP, &at5);
        agree(periods[i], -2.0, &at2);
    }

    /* the hand checks, from the last bulletin built (2017-06 at −2) */
    cr_assert_float_eq(cell(row("shancheng"), "fai")->gap_pp, -5.6108558, 1e-6);
    cr_assert(bulletin_cell_lagging(&b, cell(row("shancheng"), "fai")));
    cr_assert_float_eq(cell(row("qibin"), "revenue")->gap_pp, -3.1467455, 1e-6);
    cr_assert(bulletin_cell_lagging(&b, cell(row("qibin"), "revenue")));
    agree("2017-06", BULLETIN_LAG_PACE_PP, &(agreed_t){0, 0});
    cr_assert(bulletin_cell_lagging(&b, cell(row("shancheng"), "fai")), "−5.61 < −5");
    cr_assert_not(bulletin_cell_lagging(&b, cell(row("qibin"), "revenue")), "−3.15 is not below −5");

    /* the comparison saw both verdicts, or it proved nothing */
    cr_assert_eq(at5.n_gaps, at2.n_gaps);
    cr_assert_gt(at5.n_gaps, 100, "%zu gaps compared", at5.n_gaps);
    cr_assert_gt(at5.n_lagging, 0);
    cr_assert_gt(at2.n_lagging, at5.n_lagging, "more lag behind −2 than behind −5");
    cr_assert_lt(at2.n_lagging, at2.n_gaps, "and some are on pace");
}

/* 十强 and 十快 over five ranked zones: all five are within the first ten. Rank changes
 * (prev − rank): baoshan 3 → 1 +2; jinshan no previous rank; qibin 1 → 3 −2; heqi 4 → 4
 * 0; xunxian 2 → 5 −3. Only a climb counts for 十快: baoshan alone. */
Test(bulletin, top_ten_and_fastest_climbers) {
    synthetic_rules();
    synthetic_values();
    snprintf(rk.period, sizeof rk.period, "2017-06");
    rank("baoshan", 1, 3, 91.5, 3);
    rank("jinshan", 2, 0, 88.25, RANKING_STAR_BELOW);
    rank("qibin", 3, 1, 80, RANKING_STAR_NONE);
    rank("heqi", 4, 4, 75, 0);
    rank("xunxian", 5, 2, 70, 1);
    cr_assert_eq(bulletin_build(&b, m, &syn, period("2017-06"), &v, &rk, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_eq(b.n_top, 5, "every ranked zone is within the first ten");
    cr_assert(row("heqi")->top);
    cr_assert_not(row("shancheng")->top, "not ranked");
    cr_assert_eq(b.n_fast, 1);
    cr_assert(row("baoshan")->fast);
    cr_assert_not(row("heqi")->fast, "held its place");
    cr_assert_not(row("jinshan")->fast, "no previous rank");
    cr_assert_not(total()->top || total()->fast);
}

/* Tied climbs at the cut share it: with two climbs of +1 and fewer than ten climbers,
 * both are 十快; the year's first period (no previous ranks) has none. */
Test(bulletin, tied_climbers_and_first_period) {
    synthetic_rules();
    synthetic_values();
    snprintf(rk.period, sizeof rk.period, "2017-06");
    rank("jinshan", 1, 2, 90, RANKING_STAR_NONE);
    rank("baoshan", 2, 3, 80, RANKING_STAR_NONE);
    rank("qibin", 3, 1, 70, RANKING_STAR_NONE);
    cr_assert_eq(bulletin_build(&b, m, &syn, period("2017-06"), &v, &rk, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_eq(b.n_fast, 2);
    cr_assert(row("jinshan")->fast && row("baoshan")->fast);
    cr_assert_not(row("qibin")->fast);
    bulletin_clear(&b);
    ranking_clear(&rk);
    snprintf(rk.period, sizeof rk.period, "2017-02");
    rank("jinshan", 1, 0, 90, RANKING_STAR_NONE);
    rank("baoshan", 2, 0, 80, RANKING_STAR_NONE);
    cr_assert_eq(bulletin_build(&b, m, &syn, period("2017-02"), &v, &rk, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_eq(b.n_fast, 0, "the year's first period has no 十快");
    cr_assert_eq(b.n_top, 2);
}

/* The dimension scores and names come from the ranking. */
Test(bulletin, dimension_scores) {
    ranking_row_t *rr;
    set("jinshan", "revenue", 1, NAN);
    snprintf(rk.period, sizeof rk.period, "2017-06");
    rk.n_dims = 2;
    snprintf(rk.dims[0], sizeof rk.dims[0], "经济总量");
    snprintf(rk.dims[1], sizeof rk.dims[1], "质量效益");
    rank("jinshan", 1, 0, 90, RANKING_STAR_NONE);
    rr = &rk.rows[0];
    rr->dims[0] = 37.5;
    rr->dims[1] = 22.25;
    cr_assert_eq(bulletin_build(&b, m, NULL, period("2017-06"), &v, &rk, BULLETIN_LAG_PACE_PP), 0);
    cr_assert_eq(b.n_dims, 2);
    cr_assert_str_eq(b.dims[1], "质量效益");
    cr_assert_float_eq(row("jinshan")->dims[0], 37.5, EPS);
    cr_assert_float_eq(row("jinshan")->dims[1], 22.25, EPS);
}

/* The data state starts preliminary (初步数据) and is what bulletin_set_state says. */
Test(bulletin, data_state) {
    cr_assert_eq(bulletin_build(&b, m, NULL, period("2017-06"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    cr_assert(b.state_in_title, "preliminary figures say so in the title");
    cr_assert_str_eq(b.state_label, "初步数据");
    bulletin_set_state(&b, "已发布（第2版）", false);
    cr_assert_not(b.state_in_title);
    cr_assert_str_eq(b.state_label, "已发布（第2版）");
    bulletin_set_state(&b, "", true);
    cr_assert_str_eq(b.state_label, "初步数据", "no label: 初步数据");
}

/* A zone's words and projects are copied into its row and the bulletin's list (the
 * total row and a row out of range are refused); the enterprises are moved in. */
Test(bulletin, words_projects_and_enterprises) {
    report_t r;
    report_project_t p;
    bulletin_enterprises_t list;
    size_t jin;
    memset(&r, 0, sizeof r);
    set("jinshan", "revenue", 1, NAN);
    cr_assert_eq(bulletin_build(&b, m, NULL, period("2017-06"), &v, NULL, BULLETIN_LAG_PACE_PP), 0);
    jin = (size_t)(row("jinshan") - b.rows);
    cr_assert_eq(report_set_text(&r.problems, "一是投资进度滞后。\n二是融资难。"), 0);
    memset(&p, 0, sizeof p);
    snprintf(p.code, sizeof p.code, "P2017001");
    snprintf(p.name, sizeof p.name, "汽车电子产业园二期");
    p.has_total = true;
    p.total_investment = 260000;
    snprintf(p.status, sizeof p.status, "under_construction");
    cr_assert_not_null(report_add_project(&r, &p));
    cr_assert_eq(bulletin_set_report(&b, jin, &r), 0);
    report_clear(&r);
    cr_assert_str_eq(row("jinshan")->problems, "一是投资进度滞后。\n二是融资难。", "a copy of its own");
    cr_assert_null(row("jinshan")->next_steps, "none given: NULL, not \"\"");
    cr_assert_eq(b.n_projects, 1);
    cr_assert_eq(b.projects[0].row, jin);
    cr_assert_str_eq(b.projects[0].name, "汽车电子产业园二期");
    cr_assert(b.projects[0].has_total && !b.projects[0].has_ytd);
    cr_assert_float_eq(b.projects[0].total_investment, 260000, EPS);
    cr_assert_eq(bulletin_set_report(&b, b.n_rows - 1, &r), -1, "the total row has no report");
    cr_assert_eq(bulletin_set_report(&b, b.n_rows, &r), -1);

    /* the period's enterprises are moved in whole: b owns them, the list is left empty */
    memset(&list, 0, sizeof list);
    cr_assert_not_null(list.rows = calloc(1, sizeof *list.rows));
    list.n = list.cap = 1;
    list.rows[0].zone = row("jinshan")->zone;
    list.rows[0].status = ENT_STOPPED;
    snprintf(list.rows[0].e.name, sizeof list.rows[0].e.name, "鹤壁天海电子");
    bulletin_take_enterprises(&b, &list);
    cr_assert_eq(b.enterprises.n, 1);
    cr_assert_str_eq(b.enterprises.rows[0].e.name, "鹤壁天海电子");
    cr_assert_null(list.rows, "moved, not copied");
    cr_assert_eq(list.n, 0);
}
