/* test_validate.c - the report rules, against the sample city's real master data.
 *
 * Reports are built in memory from the figures of examples/sample-city (鹤山区's
 * baoshan zone, 2017-06, with the CSV's line numbers), then broken one rule at a time.
 * Each test checks what a desk officer would read: the line, the column and the words.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "master.h"
#include "period.h"
#include "report.h"
#include "validate.h"

/* 2017-07-15 00:00 Asia/Shanghai: June's reports are due, July's is current. */
#define NOW_2017_07_15 1500048000000LL

typedef struct {
    const char *indicator;
    double amount;
    double growth; /* NAN: none */
} row_t;

/* reports/2017-06/410602.csv, lines 2..15 */
static const row_t baoshan_2017_06[] = {
    {"revenue", 2032384.0, 11.4},       {"va", 460394.0, 11.9},          {"fai", 604792.1, 16.9},
    {"employees", 14976, 5.9},          {"tax", 85940.3, 11.1},          {"rd_share", 1.28, NAN},
    {"output_per_mu", 67.8, NAN},       {"lead_va_share", 74.66, NAN},   {"lead_fai_share", 59.90, NAN},
    {"outside_capital", 92785.0, 13.1}, {"energy_intensity", 0.59, 0.8}, {"waste_treatment", 92.14, NAN},
    {"sewage_compliance", 99.44, NAN},  {"idle_revival", 23.70, NAN},
};

/* reports/2017-05/410602.csv */
static const row_t baoshan_2017_05[] = {
    {"revenue", 1667561.5, 11.1},       {"va", 382864.6, 13.0},          {"fai", 448795.8, 16.5},
    {"employees", 14985, 6.2},          {"tax", 70367.4, 10.5},          {"rd_share", 1.30, NAN},
    {"output_per_mu", 65.7, NAN},       {"lead_va_share", 74.71, NAN},   {"lead_fai_share", 59.78, NAN},
    {"outside_capital", 76903.6, 13.9}, {"energy_intensity", 0.59, 0.3}, {"waste_treatment", 91.84, NAN},
    {"sewage_compliance", 99.19, NAN},  {"idle_revival", 20.25, NAN},
};

/* reports/2016-06/410602.csv */
static const row_t baoshan_2016_06[] = {
    {"revenue", 1824000.0, NAN},       {"va", 407237.4, NAN},           {"fai", 517207.5, NAN},
    {"employees", 14138, NAN},         {"tax", 77373.3, NAN},           {"rd_share", 1.17, NAN},
    {"output_per_mu", 65.9, NAN},      {"lead_va_share", 74.96, NAN},   {"lead_fai_share", 59.66, NAN},
    {"outside_capital", 82046.9, NAN}, {"energy_intensity", 0.59, NAN}, {"waste_treatment", 91.61, NAN},
    {"sewage_compliance", 99.28, NAN}, {"idle_revival", 23.53, NAN},
};

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

static master_t *m;
static validate_opts_t o;
static diag_list_t dl;
static report_t r, prev, base;

static void add_value(report_t *rep, const char *indicator, double amount, double growth, unsigned line) {
    report_value_t v;
    memset(&v, 0, sizeof v);
    snprintf(v.indicator, sizeof v.indicator, "%s", indicator);
    v.amount = amount;
    v.has_growth = !isnan(growth);
    v.growth_pct = growth;
    v.line = line;
    cr_assert_not_null(report_add_value(rep, &v));
}

static void add_project(report_t *rep, const char *code, double total, double ytd, unsigned line) {
    report_project_t p;
    memset(&p, 0, sizeof p);
    snprintf(p.code, sizeof p.code, "%s", code);
    snprintf(p.name, sizeof p.name, "150万吨/年煤焦油综合利用项目");
    snprintf(p.status, sizeof p.status, "under_construction");
    p.has_total = p.has_ytd = true;
    p.total_investment = total;
    p.ytd_investment = ytd;
    p.line = line;
    cr_assert_not_null(report_add_project(rep, &p));
}

/* A report of baoshan's rows, line 2 onwards, as the county CSV gives them. */
static void build(report_t *rep, const char *period, const row_t *rows, size_t n) {
    memset(rep, 0, sizeof *rep);
    snprintf(rep->zone, sizeof rep->zone, "baoshan");
    snprintf(rep->period, sizeof rep->period, "%s", period);
    snprintf(rep->source, sizeof rep->source, "410602.csv");
    rep->revision = 1;
    for (size_t i = 0; i < n; i++)
        add_value(rep, rows[i].indicator, rows[i].amount, rows[i].growth, (unsigned)(i + 2));
}

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char dir[4096];
    diag_list_t mdl;
    memset(&mdl, 0, sizeof mdl);
    snprintf(dir, sizeof dir, "%s/sample-city", ex && *ex ? ex : "examples");
    m = master_load(dir, &mdl);
    if (!m) {
        for (size_t i = 0; i < mdl.n; i++) {
            char buf[800];
            diag_format(&mdl.items[i], buf, sizeof buf);
            cr_log_error("%s", buf);
        }
    }
    diag_clear(&mdl);
    cr_assert_not_null(m, "cannot load the master data from %s", dir);

    o = validate_defaults();
    o.now_ms = NOW_2017_07_15;
    memset(&dl, 0, sizeof dl);
    build(&r, "2017-06", baoshan_2017_06, NROWS(baoshan_2017_06));
    memset(&prev, 0, sizeof prev);
    memset(&base, 0, sizeof base);
}

static void teardown(void) {
    report_clear(&r);
    report_clear(&prev);
    report_clear(&base);
    diag_clear(&dl);
    master_destroy(&m);
}

TestSuite(validate, .init = setup, .fini = teardown);

/* Runs validate_report as 鹤山区 (410602) would be checked by the aggregator. */
static size_t check(void) {
    return validate_report(m, &o, "410602", &r, &dl);
}

/* The single finding the test expects: exactly one, with that severity and field. */
static const diag_t *only(diag_severity_t sev, const char *field) {
    char all[4096] = "";
    for (size_t i = 0; i < dl.n; i++) {
        char buf[800];
        diag_format(&dl.items[i], buf, sizeof buf);
        strncat(all, buf, sizeof all - strlen(all) - 2);
        strcat(all, "\n");
    }
    cr_assert_eq(dl.n, 1, "expected one finding, got %zu:\n%s", dl.n, all);
    cr_assert_eq(dl.items[0].severity, sev, "wrong severity: %s", all);
    cr_assert_str_eq(dl.items[0].field, field, "wrong field: %s", all);
    cr_assert_str_eq(dl.items[0].file, "410602.csv");
    return &dl.items[0];
}

#define assert_says(d, words)                                                                                \
    cr_assert_not_null(strstr((d)->message, (words)), "message \"%s\" lacks \"%s\"", (d)->message, (words))

/* ---- a good report ---------------------------------------------------------------- */

Test(validate, good_report_passes) {
    add_project(&r, "P2017005", 420000, 160000, 2);
    cr_assert_eq(check(), 0);
    cr_assert_eq(dl.n, 0, "first finding: %s", dl.n ? dl.items[0].message : "");
}

Test(validate, defaults) {
    validate_opts_t d = validate_defaults();
    cr_assert(d.merge_jan_feb);
    cr_assert_eq(d.growth_warn_pp, 5);
    cr_assert_gt(d.now_ms, NOW_2017_07_15);
}

Test(validate, county_null_skips_the_ownership_check) {
    snprintf(r.zone, sizeof r.zone, "heqi");
    cr_assert_eq(validate_report(m, &o, NULL, &r, &dl), 0);
}

Test(validate, chinese_indicator_name_is_accepted) {
    snprintf(r.values[1].indicator, sizeof r.values[1].indicator, "增加值");
    cr_assert_eq(check(), 0);
}

/* ---- zone ------------------------------------------------------------------------- */

Test(validate, unknown_zone) {
    snprintf(r.zone, sizeof r.zone, "baoshan2");
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "zone");
    cr_assert_eq(d->line, 2);
    assert_says(d, "unknown zone \"baoshan2\"");
    assert_says(d, "regions.csv");
}

Test(validate, missing_zone) {
    r.zone[0] = '\0';
    cr_assert_eq(check(), 1);
    assert_says(only(DIAG_ERROR, "zone"), "missing");
}

Test(validate, zone_of_another_county) {
    snprintf(r.zone, sizeof r.zone, "heqi");
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "zone");
    assert_says(d, "\"heqi\" belongs to 淇县 (410622)");
    assert_says(d, "410602");
}

/* ---- period ----------------------------------------------------------------------- */

Test(validate, bad_period) {
    snprintf(r.period, sizeof r.period, "2017-13");
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "period");
    assert_says(d, "\"2017-13\" is not a valid period");
    assert_says(d, "YYYY-MM");
}

Test(validate, period_not_canonical) {
    snprintf(r.period, sizeof r.period, "2017-6");
    cr_assert_eq(check(), 1);
    assert_says(only(DIAG_ERROR, "period"), "expected \"2017-06\"");
}

Test(validate, january_rejected_when_merged) {
    snprintf(r.period, sizeof r.period, "2017-01");
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "period");
    assert_says(d, "January");
    assert_says(d, "2017-02 (1-2月)");
}

Test(validate, january_accepted_without_merge) {
    snprintf(r.period, sizeof r.period, "2017-01");
    o.merge_jan_feb = false;
    cr_assert_eq(check(), 0);
}

Test(validate, future_period) {
    snprintf(r.period, sizeof r.period, "2017-08");
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "period");
    assert_says(d, "2017-08 is in the future");
    assert_says(d, "2017-07-15");
    assert_says(d, "2017-07 or earlier");
}

Test(validate, current_month_is_not_future) {
    snprintf(r.period, sizeof r.period, "2017-07");
    cr_assert_eq(check(), 0);
    /* the same instant computed by the period module: 14 July 24:00 = 15 July 00:00 */
    o.now_ms = period_deadline_ms((period_t){2017, 6}, 14);
    cr_assert_eq(o.now_ms, NOW_2017_07_15);
    snprintf(r.period, sizeof r.period, "2017-08");
    cr_assert_eq(check(), 1);
}

/* ---- what may be the receiver's own state ------------------------------------------- */

/* Only two findings are tagged as possibly transient (the aggregator then answers RETRY):
 * an unknown plain zone of a county the master data knows, and the next month. */
Test(validate, transient_findings_are_tagged) {
    snprintf(r.zone, sizeof r.zone, "baoshan2");
    cr_assert_eq(check(), 1);
    cr_assert_eq(only(DIAG_ERROR, "zone")->kind, VALIDATE_ZONE_UNLISTED);
    diag_clear(&dl);
    cr_assert_eq(validate_report(m, &o, "999999", &r, &dl), 1);
    cr_assert_eq(dl.items[0].kind, VALIDATE_FINAL, "a county we do not know: final");
    diag_clear(&dl);
    snprintf(r.zone, sizeof r.zone, "heqi"); /* another county's */
    cr_assert_eq(check(), 1);
    cr_assert_eq(only(DIAG_ERROR, "zone")->kind, VALIDATE_FINAL);
    diag_clear(&dl);
    snprintf(r.zone, sizeof r.zone, "bao\xc2\x9bshan"); /* C1 CSI */
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "zone");
    assert_says(d, "\"bao\\u009bshan\" contains a control character");
    cr_assert_eq(d->kind, VALIDATE_FINAL);
    diag_clear(&dl);

    snprintf(r.zone, sizeof r.zone, "baoshan");
    snprintf(r.period, sizeof r.period, "2017-08");
    cr_assert_eq(check(), 1);
    cr_assert_eq(only(DIAG_ERROR, "period")->kind, VALIDATE_PERIOD_NEXT);
    diag_clear(&dl);
    snprintf(r.period, sizeof r.period, "2017-09");
    cr_assert_eq(check(), 1);
    cr_assert_eq(only(DIAG_ERROR, "period")->kind, VALIDATE_FINAL, "beyond the next month: final");
}

/* ---- revision --------------------------------------------------------------------- */

Test(validate, revision_zero) {
    r.revision = 0;
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "revision");
    assert_says(d, "revision 0");
    assert_says(d, "start at 1");
}

/* ---- values ----------------------------------------------------------------------- */

Test(validate, no_values) {
    report_clear(&r);
    build(&r, "2017-06", NULL, 0);
    cr_assert_eq(check(), 1);
    assert_says(only(DIAG_ERROR, "indicator"), "no indicator values");
}

Test(validate, unknown_indicator_gdp) {
    add_value(&r, "gdp", 12.5, NAN, 16);
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "indicator");
    cr_assert_eq(d->line, 16);
    assert_says(d, "unknown indicator \"gdp\"");
    assert_says(d, "indicators.csv");
}

Test(validate, duplicate_indicator) {
    add_value(&r, "va", 460886.0, 12.0, 16);
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "indicator");
    cr_assert_eq(d->line, 16);
    assert_says(d, "va appears twice");
    assert_says(d, "line 3 and line 16");
}

Test(validate, duplicate_indicator_by_chinese_name) {
    add_value(&r, "增加值", 460886.0, 12.0, 16);
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "indicator");
    assert_says(d, "va appears twice");
    assert_says(d, "line 3 and line 16");
}

Test(validate, negative_flow) {
    r.values[2].amount = -605586.4;
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "amount");
    cr_assert_eq(d->line, 4);
    cr_assert_str_eq(d->message, "fai: amount -605586.4 is negative; a flow's year-to-date amount must be "
                                 ">= 0");
}

Test(validate, negative_stock) {
    r.values[3].amount = -14976;
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "amount");
    cr_assert_eq(d->line, 5);
    assert_says(d, "employees: amount -14976 is negative");
    assert_says(d, "stock");
}

Test(validate, percentage_over_100) {
    r.values[5].amount = 101;
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "amount");
    cr_assert_eq(d->line, 7);
    assert_says(d, "rd_share: amount 101 is outside 0..100");
}

Test(validate, percentage_just_over_100_only_warns) {
    /* the sample city's 2016 files carry 达标率 such as 100.47: a rounding artifact the
     * office wants flagged, not a whole monthly report refused */
    r.values[12].amount = 100.47;
    cr_assert_eq(check(), 0);
    const diag_t *d = only(DIAG_WARNING, "amount");
    cr_assert_eq(d->line, 14);
    assert_says(d, "sewage_compliance: amount 100.47 is above 100%");
}

Test(validate, percentage_bounds_are_inclusive) {
    r.values[5].amount = 0;
    r.values[12].amount = 100;
    cr_assert_eq(check(), 0);
}

Test(validate, negative_percentage) {
    r.values[12].amount = -0.5;
    cr_assert_eq(check(), 1);
    assert_says(only(DIAG_ERROR, "amount"), "sewage_compliance: amount -0.5 is outside 0..100");
}

Test(validate, nan_amount) {
    r.values[0].amount = NAN;
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "amount");
    cr_assert_eq(d->line, 2);
    assert_says(d, "revenue: amount NaN is not a number");
}

Test(validate, infinite_amount) {
    r.values[1].amount = INFINITY;
    r.values[6].amount = -INFINITY;
    cr_assert_eq(check(), 2);
    cr_assert_eq(dl.items[0].line, 3);
    assert_says(&dl.items[0], "va: amount infinity is not a number");
    cr_assert_eq(dl.items[1].line, 8);
    assert_says(&dl.items[1], "output_per_mu: amount -infinity");
}

Test(validate, growth_on_indicator_without_growth) {
    r.values[5].has_growth = true;
    r.values[5].growth_pct = 3.2;
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "growth_pct");
    cr_assert_eq(d->line, 7);
    assert_says(d, "rd_share does not carry a growth rate");
}

Test(validate, growth_minus_100) {
    r.values[1].growth_pct = -100;
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "growth_pct");
    cr_assert_eq(d->line, 3);
    assert_says(d, "va: growth -100%");
    assert_says(d, "greater than -100%");
}

Test(validate, growth_just_above_minus_100) {
    r.values[1].growth_pct = -99.9;
    cr_assert_eq(check(), 0);
}

Test(validate, growth_not_finite) {
    r.values[1].growth_pct = NAN;
    cr_assert_eq(check(), 1);
    assert_says(only(DIAG_ERROR, "growth_pct"), "va: growth NaN is not a number");
}

/* ---- projects --------------------------------------------------------------------- */

Test(validate, duplicate_project_code) {
    add_project(&r, "P2017005", 420000, 160000, 2);
    add_project(&r, "P2017005", 420000, 150000, 4);
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "project");
    cr_assert_eq(d->line, 4);
    assert_says(d, "P2017005 appears twice, on line 2 and line 4");
}

Test(validate, missing_project_code) {
    add_project(&r, "", 420000, 160000, 3);
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "project");
    cr_assert_eq(d->line, 3);
    assert_says(d, "project code is missing");
}

Test(validate, negative_investment) {
    add_project(&r, "P2017005", -420000, 160000, 2);
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "total_investment");
    assert_says(d, "P2017005: total investment -420000 is negative");
}

Test(validate, nan_investment) {
    add_project(&r, "P2017005", 420000, NAN, 2);
    cr_assert_eq(check(), 1);
    assert_says(only(DIAG_ERROR, "ytd_investment"), "NaN is not a number");
}

Test(validate, absent_investments_are_fine) {
    add_project(&r, "P2017005", 0, 0, 2);
    r.projects[0].has_total = r.projects[0].has_ytd = false;
    r.projects[0].ytd_investment = NAN;
    cr_assert_eq(check(), 0);
}

Test(validate, ytd_over_total_is_a_warning) {
    add_project(&r, "P2017005", 420000, 500000, 2);
    cr_assert_eq(check(), 0);
    const diag_t *d = only(DIAG_WARNING, "ytd_investment");
    cr_assert_eq(d->line, 2);
    assert_says(d, "500000 exceeds the total investment 420000");
}

/* ---- texts ------------------------------------------------------------------------ */

Test(validate, text_too_long) {
    char *s = malloc(REPORT_MAX_TEXT + 2);
    cr_assert_not_null(s);
    memset(s, 'x', REPORT_MAX_TEXT + 1);
    s[REPORT_MAX_TEXT + 1] = '\0';
    cr_assert_eq(report_set_text(&r.problems, s), 0);
    s[REPORT_MAX_TEXT] = '\0'; /* exactly the limit is fine */
    cr_assert_eq(report_set_text(&r.next_steps, s), 0);
    free(s);
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "problems");
    assert_says(d, "16385 bytes");
    assert_says(d, "at most 16384");
}

Test(validate, text_not_utf8) {
    cr_assert_eq(report_set_text(&r.next_steps, "\xb4\xe6\xd4\xda"), 0); /* GBK 存在 */
    cr_assert_eq(check(), 1);
    assert_says(only(DIAG_ERROR, "next_steps"), "not valid text");
}

Test(validate, values_echoed_are_clean_utf8) {
    snprintf(r.zone, sizeof r.zone, "bao\xff\nshan");
    cr_assert_eq(check(), 1);
    const diag_t *d = only(DIAG_ERROR, "zone");
    assert_says(d, "\"bao\\xff\\nshan\"");
    assert_says(d, "control character");
}

/* Codes and names never hold a control character (an ANSI escape, a line break); free
 * text keeps them, to be escaped wherever it is printed. */
Test(validate, control_characters_refused_in_codes_kept_in_text) {
    snprintf(r.period, sizeof r.period, "2017\t06");
    cr_assert_eq(report_set_text(&r.problems, "\x1b[31mred\nsecond line"), 0);
    cr_assert_eq(check(), 1, "free text keeps its control characters");
    assert_says(only(DIAG_ERROR, "period"), "\"2017\\t06\" contains a control character");
}

Test(validate, control_characters_refused_in_the_source_name) {
    snprintf(r.source, sizeof r.source, "baoshan\x1b[31m.csv");
    cr_assert_eq(check(), 1);
    cr_assert_eq(dl.n, 1);
    const diag_t *d = &dl.items[0];
    cr_assert_str_eq(d->field, "source");
    assert_says(d, "\"baoshan\\x1b[31m.csv\"");
    cr_assert_str_eq(d->file, "baoshan\\x1b[31m.csv", "the finding's file name is escaped too");
}

/* ---- history ---------------------------------------------------------------------- */

Test(validate, history_consistent_has_no_warning) {
    build(&prev, "2017-05", baoshan_2017_05, NROWS(baoshan_2017_05));
    build(&base, "2016-06", baoshan_2016_06, NROWS(baoshan_2016_06));
    /* employees is a stock: 14985 in May, 14976 in June is no YTD decrease */
    validate_history(m, &o, &r, &prev, &base, &dl);
    cr_assert_eq(dl.n, 0, "first finding: %s", dl.n ? dl.items[0].message : "");
    validate_history(m, &o, &r, NULL, NULL, &dl);
    cr_assert_eq(dl.n, 0);
}

Test(validate, history_ytd_decrease) {
    build(&prev, "2017-05", baoshan_2017_05, NROWS(baoshan_2017_05));
    r.values[2].amount = 156000.3; /* June's own investment typed in instead of the YTD */
    r.values[2].has_growth = false;
    validate_history(m, &o, &r, &prev, NULL, &dl);
    cr_assert_eq(dl.n_errors, 0);
    const diag_t *d = only(DIAG_WARNING, "amount");
    cr_assert_eq(d->line, 4);
    assert_says(d, "year-to-date fai fell from 448795.8 (2017-05) to 156000.3 (2017-06)");
    assert_says(d, "monthly figure");
}

Test(validate, history_growth_mismatch) {
    build(&base, "2016-06", baoshan_2016_06, NROWS(baoshan_2016_06));
    r.values[0].growth_pct = 21.4; /* amount/base implies 11.4% */
    validate_history(m, &o, &r, NULL, &base, &dl);
    cr_assert_eq(dl.n_errors, 0);
    const diag_t *d = only(DIAG_WARNING, "growth_pct");
    cr_assert_eq(d->line, 2);
    assert_says(d, "revenue: reported growth 21.4%");
    assert_says(d, "10.0 points away from the 11.4% that the amounts imply");
    assert_says(d, "2032384 now against 1824000 in 2016-06");
    assert_says(d, "2016-06");
}

Test(validate, history_growth_within_threshold) {
    build(&base, "2016-06", baoshan_2016_06, NROWS(baoshan_2016_06));
    r.values[0].growth_pct = 16.0; /* 4.6 points from 11.4: plausible at comparable prices */
    validate_history(m, &o, &r, NULL, &base, &dl);
    cr_assert_eq(dl.n, 0);
    o.growth_warn_pp = 4;
    validate_history(m, &o, &r, NULL, &base, &dl);
    cr_assert_eq(dl.n_warnings, 1);
}

Test(validate, history_zero_base_is_skipped) {
    build(&base, "2016-06", baoshan_2016_06, NROWS(baoshan_2016_06));
    base.values[0].amount = 0;
    r.values[0].growth_pct = 500;
    validate_history(m, &o, &r, NULL, &base, &dl);
    cr_assert_eq(dl.n, 0);
}
