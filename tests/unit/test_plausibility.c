/* test_plausibility.c - the soft checks, with hand-checked ratios on baoshan's figures.
 *
 * baoshan (鹤山区) reported revenue 2 032 384.0 万元 for 1-6月 2017 (reports/2017-06),
 * 1 667 561.5 for 1-5月 and 1 824 000.0 for 1-6月 2016; employees 14 976. Each test
 * changes one figure and checks what a desk officer reads: error or warning, the line,
 * the column, the jump as a power of ten and the likely unit mistake.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "master.h"
#include "plausibility.h"
#include "report.h"

static master_t *m;
static diag_list_t dl;
static report_t r, rev, prev, last_year;

static void put(report_t *x, const char *period, uint32_t revision, const char *ind, double amount,
                unsigned line, const char *note) {
    report_value_t v;
    memset(&v, 0, sizeof v);
    snprintf(x->zone, sizeof x->zone, "baoshan");
    snprintf(x->period, sizeof x->period, "%s", period);
    snprintf(x->source, sizeof x->source, "410602.csv");
    x->revision = revision;
    snprintf(v.indicator, sizeof v.indicator, "%s", ind);
    v.amount = amount;
    v.line = line;
    v.note = (char *)note; /* copied by report_add_value */
    cr_assert_not_null(report_add_value(x, &v));
}

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char dir[4096];
    diag_list_t mdl = {0};
    snprintf(dir, sizeof dir, "%s/sample-city", ex && *ex ? ex : "examples");
    m = master_load(dir, &mdl);
    cr_assert_not_null(m, "master_load(%s)", dir);
    diag_clear(&mdl);
    memset(&dl, 0, sizeof dl);
    memset(&r, 0, sizeof r);
    memset(&rev, 0, sizeof rev);
    memset(&prev, 0, sizeof prev);
    memset(&last_year, 0, sizeof last_year);
    put(&rev, "2017-06", 1, "revenue", 2032384.0, 2, NULL);
    put(&rev, "2017-06", 1, "employees", 14976, 5, NULL);
    put(&rev, "2017-06", 1, "fai", 0, 4, NULL);
    put(&rev, "2017-06", 1, "output_per_mu", 67.8, 8, NULL);
    put(&prev, "2017-05", 3, "revenue", 1667561.5, 2, NULL);
    put(&last_year, "2016-06", 1, "revenue", 1824000.0, 2, NULL);
}

static void teardown(void) {
    report_clear(&r);
    report_clear(&rev);
    report_clear(&prev);
    report_clear(&last_year);
    diag_clear(&dl);
    master_destroy(&m);
}

TestSuite(plausibility, .init = setup, .fini = teardown);

static void expect(const diag_t *d, diag_severity_t sev, unsigned line, const char *field, const char *w1,
                   const char *w2, const char *w3) {
    const char *words[] = {w1, w2, w3};
    cr_assert_eq(d->severity, sev, "%s", d->message);
    cr_assert_eq(d->line, line);
    cr_assert_str_eq(d->field, field);
    cr_assert_str_eq(d->file, "410602.csv");
    for (size_t i = 0; i < 3; i++)
        if (words[i]) cr_assert(strstr(d->message, words[i]), "\"%s\" not in \"%s\"", words[i], d->message);
}

Test(plausibility, yuan_for_wanyuan_against_the_previous_revision_is_refused) {
    plausibility_base_t b = {&rev, &prev, &last_year};
    put(&r, "2017-06", 2, "revenue", 20323840000.0, 2, NULL); /* 2 032 384 × 10 000 */
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 1);
    cr_assert_eq(dl.n, 1, "one finding per row, not one per baseline");
    expect(&dl.items[0], DIAG_ERROR, 2, "amount", "about 10 000× the previous report",
           "revision 1 of 2017-06: 2032384", "元 instead of 万元?");
    cr_assert(strstr(dl.items[0].message, "说明"), "says how to confirm it: %s", dl.items[0].message);
}

Test(plausibility, three_times_is_a_real_change) {
    plausibility_base_t b = {&rev, &prev, &last_year};
    put(&r, "2017-06", 2, "revenue", 6097152.0, 2, NULL);    /* 3 × */
    put(&r, "2017-06", 2, "employees", 14976 * 49, 5, NULL); /* just under 50 × */
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 0);
    cr_assert_eq(dl.n, 0);
}

Test(plausibility, fifty_times_is_refused_and_rounds_to_a_hundred) {
    plausibility_base_t b = {&rev, NULL, NULL};
    put(&r, "2017-06", 2, "employees", 14976 * 50, 5, NULL); /* 748 800 people: 50 × */
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 1);
    expect(&dl.items[0], DIAG_ERROR, 5, "amount", "about 100× the previous report", "14976", NULL);
    cr_assert_null(strstr(dl.items[0].message, "元 instead"), "人 has no 万元 hint: %s", dl.items[0].message);
}

Test(plausibility, explained_jump_is_a_warning_quoting_the_note) {
    plausibility_base_t b = {&rev, &prev, &last_year};
    put(&r, "2017-06", 2, "revenue", 20323840000.0, 2, "新增富士康园区并入本园区统计");
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 0);
    cr_assert_eq(dl.n_warnings, 1);
    expect(&dl.items[0], DIAG_WARNING, 2, "note", "about 10 000× the previous report", "accepted",
           "新增富士康园区并入本园区统计");
}

Test(plausibility, zero_and_absent_baselines_are_skipped) {
    plausibility_base_t b = {&rev, NULL, NULL};
    put(&r, "2017-06", 2, "fai", 604792.1, 4, NULL);  /* the revision had 0 */
    put(&r, "2017-06", 2, "tax", 85940.3, 6, NULL);   /* the revision had none */
    put(&r, "2017-06", 2, "rd_share", 12.8, 7, NULL); /* a percentage: not compared */
    put(&r, "2017-06", 2, "revenue", 0, 2, NULL);     /* nothing this period */
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 0);
    cr_assert_eq(dl.n, 0);
}

/* A new period: against 1-5月 per month. 20 323 840 000 / 6 months against
 * 1 667 561.5 / 5 months = 3 387 306 667 / 333 512.3 ≈ 10 157: about 10 000×. */
Test(plausibility, new_period_against_the_previous_period_per_month) {
    plausibility_base_t b = {NULL, &prev, &last_year};
    put(&r, "2017-06", 1, "revenue", 20323840000.0, 2, NULL);
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 1);
    expect(&dl.items[0], DIAG_ERROR, 2, "amount", "about 10 000× the previous period per month",
           "2017-05: 1667561.5 year to date", "元 instead of 万元?");
    /* 1-6月 at 2 032 384 against 1-5月 at 1 667 561.5 is normal year-to-date growth */
    report_clear(&r);
    diag_clear(&dl);
    put(&r, "2017-06", 1, "revenue", 2032384.0, 2, NULL);
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 0);
}

/* A year's first report: 203.2384 against 1 824 000.0 a year earlier is 1/8 975: in 亿元. */
Test(plausibility, first_report_of_a_year_against_last_year_and_downwards) {
    plausibility_base_t b = {NULL, NULL, &last_year};
    put(&r, "2017-06", 1, "revenue", 203.2384, 2, NULL);
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 1);
    expect(&dl.items[0], DIAG_ERROR, 2, "amount", "about 1/10 000 of the same period last year",
           "2016-06: 1824000", "亿元 instead of 万元?");
}

Test(plausibility, neighbours) {
    char p[PERIOD_STRLEN], y[PERIOD_STRLEN];
    plausibility_neighbours("2017-03", true, p, y);
    cr_assert_str_eq(p, "2017-02");
    cr_assert_str_eq(y, "2016-03");
    plausibility_neighbours("2017-02", true, p, y);
    cr_assert_str_eq(p, "", "January is merged into February: no previous period");
    cr_assert_str_eq(y, "2016-02");
    plausibility_neighbours("2017-02", false, p, y);
    cr_assert_str_eq(p, "2017-01");
}

/* Stored before the soft checks existed: revision 1 holds 20 323 840 000 万元 (元 typed).
 * The correction 2 032 384 is 1/10 000 of it, but in line with 1-5月 per month
 * (2 032 384 / 6 = 338 730.7 against 1 667 561.5 / 5 = 333 512.3: 1.016×): it passes. */
Test(plausibility, correction_of_a_stored_jump_passes_on_another_baseline) {
    report_t bad = {0};
    plausibility_base_t b = {&bad, &prev, &last_year};
    put(&bad, "2017-06", 1, "revenue", 20323840000.0, 2, NULL);
    put(&r, "2017-06", 2, "revenue", 2032384.0, 2, NULL);
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 0, "%s", dl.n ? dl.items[0].message : "");
    cr_assert_eq(dl.n, 0);
    report_clear(&bad);
}

/* Revision 2 was accepted on a 说明 at 20 323 840 000; revision 3 keeps the figure
 * without one. Revision 2's figure is no baseline (it stood only on its 说明); against
 * 1-5月 per month it is 3 387 306 667 / 333 512.3 ≈ 10 157×: refused, naming 1-5月. */
Test(plausibility, figure_accepted_on_a_note_is_no_baseline) {
    report_t explained = {0};
    plausibility_base_t b = {&explained, &prev, NULL};
    put(&explained, "2017-06", 2, "revenue", 20323840000.0, 2, "新增富士康园区并入本园区统计");
    put(&r, "2017-06", 3, "revenue", 20323840000.0, 2, NULL);
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 1);
    expect(&dl.items[0], DIAG_ERROR, 2, "amount", "about 10 000× the previous period per month",
           "2017-05: 1667561.5 year to date", "元 instead of 万元?");
    report_clear(&explained);
}

/* Refused only when every baseline that has the figure jumps; the message names the
 * first. 20 323 840 000 against revision 1 (2 032 384: 10 000×), 1-5月 per month
 * (≈ 10 157×) and 2016-06 (1 824 000: ≈ 11 142×): one error, about the revision. */
Test(plausibility, refused_against_every_baseline_names_the_first) {
    plausibility_base_t b = {&rev, &prev, &last_year};
    put(&r, "2017-06", 2, "revenue", 20323840000.0, 2, NULL);
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 1);
    cr_assert_eq(dl.n, 1);
    cr_assert(strstr(dl.items[0].message, "the previous report (revision 1"), "%s", dl.items[0].message);
    /* the same figure passes when one baseline agrees: last year at 20 000 000 000 */
    report_clear(&last_year);
    diag_clear(&dl);
    put(&last_year, "2016-06", 1, "revenue", 20000000000.0, 2, NULL);
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 0);
}

/* output_per_mu is 万元/亩: 678 000 against 67.8 is 10 000×, 元/亩 typed. energy_intensity
 * is 吨标准煤/万元: 0.000059 against 0.59 is 1/10 000, per 元. Ratios are compared
 * directly, not per month: 678 000 against 1-5月's 60 says "the previous period". */
Test(plausibility, ratios_other_than_percentages_are_checked_with_their_unit) {
    plausibility_base_t b = {&rev, NULL, NULL};
    put(&rev, "2017-06", 1, "energy_intensity", 0.59, 12, NULL);
    put(&r, "2017-06", 2, "output_per_mu", 678000, 8, NULL);
    put(&r, "2017-06", 2, "energy_intensity", 0.000059, 12, NULL);
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 2);
    expect(&dl.items[0], DIAG_ERROR, 8, "amount", "about 10 000× the previous report", "67.8",
           "元/亩 instead of 万元/亩?");
    expect(&dl.items[1], DIAG_ERROR, 12, "amount", "about 1/10 000 of the previous report", "0.59",
           "吨标准煤/元 instead of 吨标准煤/万元?");
    report_clear(&r);
    diag_clear(&dl);
    put(&prev, "2017-05", 3, "output_per_mu", 60, 8, NULL);
    b = (plausibility_base_t){NULL, &prev, NULL};
    put(&r, "2017-06", 1, "output_per_mu", 678000, 8, NULL);
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 1);
    expect(&dl.items[0], DIAG_ERROR, 8, "amount", "about 10 000× the previous period (2017-05: 60)", NULL,
           NULL);
    report_clear(&r);
    diag_clear(&dl);
    put(&r, "2017-06", 1, "output_per_mu", 67.8, 8, NULL); /* 1.13× 1-5月: no per-month scaling */
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 0);
}

/* A ratio beyond double range: 1e300 against 5e-324 is inf (10^623), and 5e-324 against
 * 1e300 is 0; the jump is named at the cap, 10^15, not "about 1×". */
Test(plausibility, infinite_and_zero_ratios_name_the_capped_power) {
    report_t tiny = {0};
    plausibility_base_t b = {&tiny, NULL, NULL};
    put(&tiny, "2017-06", 1, "employees", 5e-324, 5, NULL);
    put(&tiny, "2017-06", 1, "revenue", 1e300, 2, NULL);
    put(&r, "2017-06", 2, "employees", 1e300, 5, NULL);
    put(&r, "2017-06", 2, "revenue", 5e-324, 2, NULL);
    cr_assert_eq(plausibility_check(m, &r, &b, &dl), 2);
    expect(&dl.items[0], DIAG_ERROR, 5, "amount", "about 1 000 000 000 000 000× the previous report", NULL,
           NULL);
    expect(&dl.items[1], DIAG_ERROR, 2, "amount", "about 1/1 000 000 000 000 000 of the previous report",
           NULL, NULL);
    report_clear(&tiny);
}
