/* test_score.c - the assessment method (功效系数法): content scores, items, dimension
 * subtotals, totals, ranks, and stars.
 *
 * The small cases build a scheme_t by hand over the sample city's indicator catalogue
 * (examples/sample-city/indicators.csv: directions and codes) and a few zones' values,
 * and every expected score is worked out in the comment above its assertion:
 *     d = 60 + 40·(x − min)/(max − min)      (direction 1)
 *     d = 60 + 40·(max − x)/(max − min)      (direction −1)
 * Then the sample city's June 2017 ranking is recomputed by a second, deliberately
 * plain implementation in this file, which reads the county CSV files and the 2017
 * scheme itself, and compared with score_period on the same figures.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "master.h"
#include "ranking.h"
#include "score.h"

#define EPS 1e-9
#define MAX_ZONES 8

static master_t *m;
static char city[4096];
static values_t v;
static rules_t *rules; /* the sample city's, where a test loads them */
static zone_score_t out[MAX_ZONES];
static score_params_t params;

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    diag_list_t dl;
    memset(&dl, 0, sizeof dl);
    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    m = master_load(city, &dl);
    cr_assert_not_null(m, "cannot load the master data from %s: %s", city,
                       dl.n ? dl.items[0].message : "(no message)");
    diag_clear(&dl);
    /* the documented defaults: 功效系数法, equal_score 100, missing_score 0 */
    params.method = METHOD_EFFICACY;
    params.equal_score = 100;
    params.missing_score = 0;
    memset(&v, 0, sizeof v);
    memset(out, 0, sizeof out);
}

static void teardown(void) {
    values_free(&v);
    rules_destroy(&rules);
    master_destroy(&m);
}

TestSuite(score, .init = setup, .fini = teardown);

static int ind(const char *code) {
    const indicator_t *i = master_indicator(m, code);
    cr_assert_not_null(i, "no indicator %s in the sample master", code);
    return (int)(i - m->indicators);
}

/* n zones that reported, every value of them unreported (NAN). */
static void zones(size_t n) {
    cr_assert_leq(n, MAX_ZONES);
    values_free(&v);
    cr_assert_eq(values_init(&v, n, m->n_indicators), 0);
    for (size_t z = 0; z < n; z++)
        v.zones[z].reported = true;
}

/* Zone z reported code: amount and growth (NAN = not reported). */
static void set(size_t z, const char *code, double amount, double growth) {
    v.amount[z * v.n_indicators + (size_t)ind(code)] = amount;
    v.growth[z * v.n_indicators + (size_t)ind(code)] = growth;
}

/* Appends a dimension name to s; returns its index. */
static int dim(scheme_t *s, const char *name) {
    snprintf(s->dims[s->n_dims], sizeof s->dims[0], "%s", name);
    return (int)s->n_dims++;
}

/* Appends an item of one or two contents (c2 NULL for one). */
static void item(scheme_t *s, int d, double weight, bool growth, const char *c1, const char *c2) {
    scheme_item_t *it = &s->items[s->n_items++];
    memset(it, 0, sizeof *it);
    it->dim = d;
    snprintf(it->item, sizeof it->item, "%s%s%s", c1, c2 ? "+" : "", c2 ? c2 : "");
    it->weight = weight;
    it->contents[it->n_contents++] = ind(c1);
    if (c2) it->contents[it->n_contents++] = ind(c2);
    it->growth = growth;
}

/* One dimension, one item of weight 100: the total is the item score. */
static void one_item(scheme_t *s, bool growth, const char *c1, const char *c2) {
    memset(s, 0, sizeof *s);
    s->year = 2017;
    item(s, dim(s, "经济总量"), 100, growth, c1, c2);
}

static void run(const scheme_t *s) {
    cr_assert_eq(score_period(s, m, &v, &params, out), 0);
}

/* ---- one content ---------------------------------------------------------------------- */

Test(score, three_zones_one_content) {
    static scheme_t s;
    one_item(&s, false, "revenue", NULL);
    zones(3);
    set(0, "revenue", 100, NAN);
    set(1, "revenue", 150, NAN);
    set(2, "revenue", 300, NAN);
    run(&s);
    /* min 100, max 300, max − min 200:
     *   zone 0: 60 + 40·(100 − 100)/200 = 60
     *   zone 1: 60 + 40·(150 − 100)/200 = 60 + 40·0.25 = 70
     *   zone 2: 60 + 40·(300 − 100)/200 = 100
     * weight 100: total = 100·d/100 = d */
    cr_assert_float_eq(out[0].total, 60, EPS);
    cr_assert_float_eq(out[1].total, 70, EPS);
    cr_assert_float_eq(out[2].total, 100, EPS);
    cr_assert_float_eq(out[1].items[0], 70, EPS);
    cr_assert_float_eq(out[1].dims[0], 70, EPS);
    cr_assert_eq(out[0].rank, 3);
    cr_assert_eq(out[1].rank, 2);
    cr_assert_eq(out[2].rank, 1);
    for (size_t z = 0; z < 3; z++)
        cr_assert_str_empty(out[z].missing);
}

Test(score, a_row_that_did_not_report_is_not_scored) {
    static scheme_t s;
    one_item(&s, false, "revenue", NULL);
    zones(4);
    set(0, "revenue", 100, NAN);
    set(1, "revenue", 1000, NAN); /* not reported: its figure must not set the maximum */
    set(2, "revenue", 300, NAN);
    set(3, "revenue", 200, NAN);
    v.zones[1].reported = false;
    run(&s);
    /* over rows 0, 2, 3 only: min 100, max 300:
     *   row 0: 60; row 2: 100; row 3: 60 + 40·(200 − 100)/200 = 80
     * (with row 1's 1000 as the maximum row 2 would score 60 + 40·200/900 = 68.9) */
    cr_assert_float_eq(out[0].total, 60, EPS);
    cr_assert_float_eq(out[2].total, 100, EPS);
    cr_assert_float_eq(out[3].total, 80, EPS);
    cr_assert_eq(out[2].rank, 1);
    cr_assert_eq(out[3].rank, 2);
    cr_assert_eq(out[0].rank, 3, "three ranked: the last is third, not fourth");
    cr_assert_eq(out[1].rank, 0, "not ranked");
    cr_assert_float_eq(out[1].total, 0, EPS);
    cr_assert_str_empty(out[1].missing, "nothing flagged missing for a zone not judged");
}

Test(score, the_weight_scales_the_item) {
    static scheme_t s;
    memset(&s, 0, sizeof s);
    int d = dim(&s, "经济总量");
    item(&s, d, 30, false, "revenue", NULL);
    item(&s, d, 70, false, "tax", NULL);
    zones(2);
    set(0, "revenue", 10, NAN);
    set(0, "tax", 5, NAN);
    set(1, "revenue", 20, NAN);
    set(1, "tax", 1, NAN);
    run(&s);
    /* revenue: zone 0 is the minimum (60), zone 1 the maximum (100);
     * tax: zone 0 the maximum (100), zone 1 the minimum (60).
     *   zone 0: 30·60/100 + 70·100/100 = 18 + 70 = 88
     *   zone 1: 30·100/100 + 70·60/100 = 30 + 42 = 72 */
    cr_assert_float_eq(out[0].total, 88, EPS);
    cr_assert_float_eq(out[1].total, 72, EPS);
    cr_assert_float_eq(out[0].items[0], 60, EPS, "items[] hold the item score, unweighted");
    cr_assert_float_eq(out[0].items[1], 100, EPS);
    cr_assert_eq(out[0].rank, 1);
    cr_assert_eq(out[1].rank, 2);
}

Test(score, a_reverse_indicator_scores_less_as_better) {
    static scheme_t s;
    cr_assert_eq(m->indicators[ind("energy_intensity")].direction, -1);
    one_item(&s, false, "energy_intensity", NULL);
    zones(3);
    set(0, "energy_intensity", 0.5, NAN);
    set(1, "energy_intensity", 1.0, NAN);
    set(2, "energy_intensity", 1.5, NAN);
    run(&s);
    /* min 0.5, max 1.5, max − min 1.0; d = 60 + 40·(1.5 − x)/1.0:
     *   0.5 → 60 + 40·1.0 = 100;  1.0 → 60 + 40·0.5 = 80;  1.5 → 60 */
    cr_assert_float_eq(out[0].total, 100, EPS);
    cr_assert_float_eq(out[1].total, 80, EPS);
    cr_assert_float_eq(out[2].total, 60, EPS);
    cr_assert_eq(out[0].rank, 1);
    cr_assert_eq(out[1].rank, 2);
    cr_assert_eq(out[2].rank, 3);
}

/* ---- equal values ---------------------------------------------------------------------- */

Test(score, all_values_equal_score_equal_score) {
    static scheme_t s;
    one_item(&s, false, "revenue", NULL);
    zones(3);
    for (size_t z = 0; z < 3; z++)
        set(z, "revenue", 7, NAN);
    run(&s);
    /* max − min = 0 < 1e-9: every zone gets equal_score, 100 by default; all rank 1 */
    for (size_t z = 0; z < 3; z++) {
        cr_assert_float_eq(out[z].total, 100, EPS);
        cr_assert_eq(out[z].rank, 1);
    }

    params.equal_score = 80;
    run(&s);
    for (size_t z = 0; z < 3; z++) {
        cr_assert_float_eq(out[z].total, 80, EPS, "equal_score = 80");
        cr_assert_eq(out[z].rank, 1);
    }
}

Test(score, values_closer_than_1e_9_count_as_equal) {
    static scheme_t s;
    one_item(&s, false, "revenue", NULL);
    zones(2);
    set(0, "revenue", 7, NAN);
    set(1, "revenue", 7 + 5e-10, NAN);
    run(&s);
    /* max − min = 5e-10 < 1e-9: both equal_score (100), not 60 and 100 */
    cr_assert_float_eq(out[0].total, 100, EPS);
    cr_assert_float_eq(out[1].total, 100, EPS);
    cr_assert_eq(out[0].rank, 1);
    cr_assert_eq(out[1].rank, 1);
}

/* ---- missing values -------------------------------------------------------------------- */

Test(score, a_missing_amount_scores_missing_score_and_is_named) {
    static scheme_t s;
    one_item(&s, false, "tax", NULL);
    zones(3);
    set(0, "tax", 10, NAN);
    set(2, "tax", 30, NAN);
    run(&s);
    /* zone 1 did not report tax: it scores missing_score (0) and does not take part in
     * min/max, so min = 10, max = 30:
     *   zone 0: 60;  zone 2: 60 + 40·20/20 = 100;  zone 1: 0 */
    cr_assert_float_eq(out[0].total, 60, EPS);
    cr_assert_float_eq(out[1].total, 0, EPS);
    cr_assert_float_eq(out[2].total, 100, EPS);
    cr_assert_str_eq(out[1].missing, "tax");
    cr_assert_str_empty(out[0].missing);
    cr_assert_str_empty(out[2].missing);
    cr_assert_eq(out[2].rank, 1);
    cr_assert_eq(out[0].rank, 2);
    cr_assert_eq(out[1].rank, 3);
}

Test(score, a_missing_growth_and_a_missing_ratio) {
    static scheme_t s;
    memset(&s, 0, sizeof s);
    int d = dim(&s, "质量效益");
    item(&s, d, 60, true, "tax", NULL);
    item(&s, d, 40, false, "rd_share", NULL);
    zones(3);
    set(0, "tax", 10, 5);
    set(1, "tax", 20, NAN);
    set(2, "tax", 30, 15);
    set(0, "rd_share", 1.0, NAN);
    set(2, "rd_share", 3.0, NAN);
    run(&s);
    /* tax amount 10, 20, 30: d = 60, 80, 100
     * tax growth 5, —, 15:   d = 60, 0 (missing), 100
     * item 0 = (amount + growth)/2: 60, 40, 100
     * rd_share 1.0, —, 3.0:  d = 60, 0 (missing), 100
     * total = 60·item0/100 + 40·item1/100:
     *   zone 0: 36 + 24 = 60;  zone 1: 24 + 0 = 24;  zone 2: 60 + 40 = 100 */
    cr_assert_float_eq(out[0].total, 60, EPS);
    cr_assert_float_eq(out[1].total, 24, EPS);
    cr_assert_float_eq(out[2].total, 100, EPS);
    cr_assert_float_eq(out[1].items[0], 40, EPS);
    cr_assert_str_eq(out[1].missing, "tax.growth;rd_share");
    cr_assert_str_empty(out[0].missing);

    params.missing_score = 30;
    run(&s);
    /* with missing_score 30, zone 1: item0 = (80 + 30)/2 = 55, item1 = 30;
     * total = 60·55/100 + 40·30/100 = 33 + 12 = 45 */
    cr_assert_float_eq(out[1].total, 45, EPS);
    cr_assert_str_eq(out[1].missing, "tax.growth;rd_share", "the flags start afresh on each call");
}

/* ---- ties ------------------------------------------------------------------------------ */

Test(score, ties_share_the_better_rank) {
    static scheme_t s;
    one_item(&s, false, "revenue", NULL);
    zones(4);
    set(0, "revenue", 200, NAN);
    set(1, "revenue", 100, NAN);
    set(2, "revenue", 300, NAN);
    set(3, "revenue", 200, NAN);
    run(&s);
    /* min 100, max 300: 300 → 100, 200 → 60 + 40·100/200 = 80 (twice), 100 → 60.
     * ranks: 300 first, the two 200s share 2nd, 100 is 4th (1, 2, 2, 4) */
    cr_assert_float_eq(out[0].total, 80, EPS);
    cr_assert_float_eq(out[3].total, 80, EPS);
    cr_assert_eq(out[2].rank, 1);
    cr_assert_eq(out[0].rank, 2);
    cr_assert_eq(out[3].rank, 2);
    cr_assert_eq(out[1].rank, 4);
}

/* ---- items of several contents and parts ----------------------------------------------- */

Test(score, two_contents_split_the_weight_equally) {
    static scheme_t s;
    one_item(&s, false, "lead_va_share", "lead_fai_share");
    zones(3);
    set(0, "lead_va_share", 50, NAN);
    set(0, "lead_fai_share", 80, NAN);
    set(1, "lead_va_share", 60, NAN);
    set(1, "lead_fai_share", 60, NAN);
    set(2, "lead_va_share", 70, NAN);
    set(2, "lead_fai_share", 70, NAN);
    run(&s);
    /* lead_va_share 50, 60, 70 (min 50, max 70):  d = 60, 80, 100
     * lead_fai_share 80, 60, 70 (min 60, max 80): d = 100, 60, 60 + 40·10/20 = 80
     * item = mean of the two: (60 + 100)/2 = 80, (80 + 60)/2 = 70, (100 + 80)/2 = 90 */
    cr_assert_float_eq(out[0].total, 80, EPS);
    cr_assert_float_eq(out[1].total, 70, EPS);
    cr_assert_float_eq(out[2].total, 90, EPS);
    cr_assert_eq(out[2].rank, 1);
    cr_assert_eq(out[0].rank, 2);
    cr_assert_eq(out[1].rank, 3);
}

Test(score, amount_and_growth_weigh_half_each) {
    static scheme_t s;
    one_item(&s, true, "revenue", NULL);
    zones(3);
    set(0, "revenue", 100, 10);
    set(1, "revenue", 200, 0);
    set(2, "revenue", 300, 5);
    run(&s);
    /* amount 100, 200, 300 (min 100, max 300): d = 60, 80, 100
     * growth 10, 0, 5 (min 0, max 10):         d = 100, 60, 80
     * item = (amount + growth)/2: 80, 70, 90 */
    cr_assert_float_eq(out[0].total, 80, EPS);
    cr_assert_float_eq(out[1].total, 70, EPS);
    cr_assert_float_eq(out[2].total, 90, EPS);
    cr_assert_eq(out[2].rank, 1);
    cr_assert_eq(out[0].rank, 2);
    cr_assert_eq(out[1].rank, 3);
}

/* ---- dimensions ------------------------------------------------------------------------ */

Test(score, dimension_subtotals_sum_to_the_total) {
    static scheme_t s;
    memset(&s, 0, sizeof s);
    int size = dim(&s, "经济总量"), green = dim(&s, "节约集约");
    item(&s, size, 40, false, "revenue", NULL);
    item(&s, size, 20, false, "fai", NULL);
    item(&s, green, 40, false, "energy_intensity", NULL);
    zones(3);
    set(0, "revenue", 100, NAN);
    set(1, "revenue", 200, NAN);
    set(2, "revenue", 300, NAN);
    set(0, "fai", 50, NAN);
    set(1, "fai", 50, NAN);
    set(2, "fai", 150, NAN);
    set(0, "energy_intensity", 0.5, NAN);
    set(1, "energy_intensity", 0.6, NAN);
    set(2, "energy_intensity", 1.0, NAN);
    run(&s);
    /* revenue 100, 200, 300:         d = 60, 80, 100
     * fai 50, 50, 150:               d = 60, 60, 100
     * energy_intensity 0.5, 0.6, 1.0 (reverse, max − min 0.5):
     *                                d = 100, 60 + 40·0.4/0.5 = 92, 60
     * 经济总量 = 40·rev/100 + 20·fai/100:
     *   zone 0: 24 + 12 = 36;  zone 1: 32 + 12 = 44;  zone 2: 40 + 20 = 60
     * 节约集约 = 40·ei/100:   zone 0: 40;  zone 1: 36.8;  zone 2: 24
     * total:                 zone 0: 76;  zone 1: 80.8;  zone 2: 84 */
    cr_assert_float_eq(out[0].dims[size], 36, EPS);
    cr_assert_float_eq(out[1].dims[size], 44, EPS);
    cr_assert_float_eq(out[2].dims[size], 60, EPS);
    cr_assert_float_eq(out[0].dims[green], 40, EPS);
    cr_assert_float_eq(out[1].dims[green], 36.8, EPS);
    cr_assert_float_eq(out[2].dims[green], 24, EPS);
    cr_assert_float_eq(out[0].total, 76, EPS);
    cr_assert_float_eq(out[1].total, 80.8, EPS);
    cr_assert_float_eq(out[2].total, 84, EPS);
    for (size_t z = 0; z < 3; z++)
        cr_assert_float_eq(out[z].dims[size] + out[z].dims[green], out[z].total, EPS);
    cr_assert_eq(out[2].rank, 1);
    cr_assert_eq(out[1].rank, 2);
    cr_assert_eq(out[0].rank, 3);
}

Test(score, method_minmax_scores_0_to_100) {
    static scheme_t s;
    one_item(&s, false, "revenue", NULL);
    zones(3);
    set(0, "revenue", 100, NAN);
    set(1, "revenue", 150, NAN);
    set(2, "revenue", 300, NAN);
    params.method = METHOD_MINMAX;
    run(&s);
    /* d = 100·(x − min)/(max − min): 0, 100·50/200 = 25, 100 */
    cr_assert_float_eq(out[0].total, 0, EPS);
    cr_assert_float_eq(out[1].total, 25, EPS);
    cr_assert_float_eq(out[2].total, 100, EPS);
    cr_assert_eq(out[2].rank, 1);
    cr_assert_eq(out[0].rank, 3);
    cr_assert_str_eq(score_method_name(METHOD_MINMAX), "minmax");
    cr_assert_eq(score_method_parse("功效系数法"), METHOD_EFFICACY);
    cr_assert_eq(score_method_parse("topsis"), -1);
}

Test(score, bad_input_is_refused) {
    static scheme_t s;
    one_item(&s, false, "revenue", NULL);
    cr_assert_eq(values_init(&v, 2, m->n_indicators - 1), 0);
    cr_assert_eq(score_period(&s, m, &v, &params, out), -1, "values of another catalogue");
    zones(2);
    s.items[0].contents[0] = (int)m->n_indicators;
    cr_assert_eq(score_period(&s, m, &v, &params, out), -1, "a content outside the catalogue");
    one_item(&s, false, "revenue", NULL);
    s.items[0].dim = 1;
    cr_assert_eq(score_period(&s, m, &v, &params, out), -1, "an item of an unknown dimension");
}

/* ---- the sample city, June 2017 -------------------------------------------------------- */

/* The test's own reading of the figures: amount and growth by zone (master order) and
 * indicator, NAN where not reported. */
static double amt[MAX_ZONES][64], gro[MAX_ZONES][64];

/* Splits line at commas into at most n fields (in place); returns the count. */
static size_t split(char *line, char sep, char **f, size_t n) {
    size_t k = 0;
    line[strcspn(line, "\r\n")] = '\0';
    f[k++] = line;
    for (char *p = line; *p && k < n; p++)
        if (*p == sep) {
            *p = '\0';
            f[k++] = p + 1;
        }
    return k;
}

/* A county's own file for the month: "NNNNNN.csv" or a correction "NNNNNN.revK.csv";
 * not .bad.csv (rejected) nor .projects.csv (key projects). */
static bool county_file(const char *name) {
    size_t i = 0;
    while (name[i] >= '0' && name[i] <= '9')
        i++;
    if (i != 6) return false;
    if (strcmp(name + 6, ".csv") == 0) return true;
    return strncmp(name + 6, ".rev", 4) == 0 && name[10] >= '2' && name[10] <= '9' &&
           !strcmp(name + 11, ".csv");
}

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads reports/<period>/ into amt/gro; returns the number of rows read. In name order
 * "410622.csv" comes before "410622.rev2.csv", so a correction overwrites the original. */
static size_t read_month(const char *period) {
    char dir[4200], path[4400], line[512];
    char *names[64];
    size_t n_names = 0, n_rows = 0;
    DIR *d;
    struct dirent *e;

    for (size_t z = 0; z < MAX_ZONES; z++)
        for (size_t i = 0; i < 64; i++)
            amt[z][i] = gro[z][i] = NAN;
    snprintf(dir, sizeof dir, "%s/reports/%s", city, period);
    cr_assert_not_null(d = opendir(dir), "cannot open %s", dir);
    while ((e = readdir(d)) && n_names < 64)
        if (county_file(e->d_name)) names[n_names++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n_names, sizeof *names, name_cmp);

    for (size_t k = 0; k < n_names; k++) {
        FILE *f;
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        cr_assert_not_null(f = fopen(path, "r"), "cannot open %s", path);
        cr_assert_not_null(fgets(line, sizeof line, f));
        line[strcspn(line, "\r\n")] = '\0';
        /* a GB18030 file with the Chinese template would fail here, loudly */
        cr_assert_str_eq(line, "zone,period,indicator,amount,growth_pct", "%s: unexpected header", path);
        while (fgets(line, sizeof line, f)) {
            char *fld[5];
            const zone_t *zn;
            const indicator_t *in;
            if (split(line, ',', fld, 5) != 5) continue;
            cr_assert_str_eq(fld[1], period, "%s: a row of another period", path);
            cr_assert_not_null(zn = master_zone(m, fld[0]), "%s: unknown zone %s", path, fld[0]);
            cr_assert_not_null(in = master_indicator(m, fld[2]), "%s: unknown indicator %s", path, fld[2]);
            size_t z = (size_t)(zn - m->zones), i = (size_t)(in - m->indicators);
            amt[z][i] = strtod(fld[3], NULL);
            gro[z][i] = fld[4][0] ? strtod(fld[4], NULL) : NAN;
            n_rows++;
        }
        fclose(f);
        free(names[k]);
    }
    return n_rows;
}

/* One row of scheme-YYYY.csv as this test reads it. */
typedef struct {
    char dim[64];
    double weight;
    int contents[8];
    size_t n_contents;
    bool growth;
} row_t;

static size_t read_scheme(int year, row_t *rows, size_t max, char dims[][64], size_t *n_dims) {
    char path[4200], line[1024];
    size_t n = 0;
    FILE *f;
    snprintf(path, sizeof path, "%s/scheme-%d.csv", city, year);
    cr_assert_not_null(f = fopen(path, "r"), "cannot open %s", path);
    cr_assert_not_null(fgets(line, sizeof line, f));
    *n_dims = 0;
    while (fgets(line, sizeof line, f) && n < max) {
        char *fld[5], *c[8];
        row_t *r = &rows[n];
        size_t nc, di;
        if (split(line, ',', fld, 5) != 5) continue;
        memset(r, 0, sizeof *r);
        snprintf(r->dim, sizeof r->dim, "%s", fld[0]);
        r->weight = strtod(fld[2], NULL);
        r->growth = strcmp(fld[4], "amount+growth") == 0;
        nc = split(fld[3], ';', c, 8);
        for (size_t k = 0; k < nc; k++) {
            const indicator_t *in = master_indicator(m, c[k]);
            cr_assert_not_null(in, "%s: unknown content %s", path, c[k]);
            r->contents[r->n_contents++] = (int)(in - m->indicators);
        }
        for (di = 0; di < *n_dims && strcmp(dims[di], r->dim) != 0; di++)
            ;
        if (di == *n_dims) snprintf(dims[(*n_dims)++], 64, "%s", r->dim);
        n++;
    }
    fclose(f);
    return n;
}

/* The content score of a zone's value x given the column's min and max, by the book. */
static double efficacy(double x, double lo, double hi, int direction) {
    if (isnan(x)) return 0;         /* missing_score */
    if (hi - lo < 1e-9) return 100; /* equal_score */
    return direction > 0 ? 60 + 40 * (x - lo) / (hi - lo) : 60 + 40 * (hi - x) / (hi - lo);
}

/* Scores the sample city's period twice, with score_period and with this file's own
 * reading and arithmetic, and compares every zone's total, subtotals and rank. */
static void compare_month(const char *period, size_t n_values) {
    diag_list_t dl;
    const scheme_t *s;
    row_t rows[RULES_MAX_ITEMS];
    char dims[RANKING_MAX_DIMS][64];
    size_t n_rows, n_dims, nz = m->n_zones, ni = m->n_indicators;
    double total[MAX_ZONES] = {0}, sub[MAX_ZONES][RANKING_MAX_DIMS] = {{0}};

    cr_assert_eq(nz, 8, "the sample city has 8 zones");
    cr_assert_leq(ni, 64);
    memset(&dl, 0, sizeof dl);
    rules = rules_load(city, m, &dl);
    cr_assert_not_null(rules, "rules_load(%s): %s", city, dl.n ? dl.items[0].message : "?");
    diag_clear(&dl);
    cr_assert_not_null(s = rules_scheme(rules, 2017));

    cr_assert_eq(read_month(period), n_values);
    n_rows = read_scheme(2017, rows, RULES_MAX_ITEMS, dims, &n_dims);
    cr_assert_eq(n_rows, s->n_items);
    cr_assert_eq(n_dims, s->n_dims);
    for (size_t d = 0; d < n_dims; d++)
        cr_assert_str_eq(s->dims[d], dims[d]);

    /* the test's own 功效系数法: item = mean over parts of (mean over contents of d) */
    for (size_t k = 0; k < n_rows; k++) {
        const row_t *r = &rows[k];
        size_t di = 0;
        while (strcmp(dims[di], r->dim) != 0)
            di++;
        for (size_t z = 0; z < nz; z++) {
            double parts = 0;
            for (int g = 0; g <= (r->growth ? 1 : 0); g++) {
                double contents = 0;
                for (size_t c = 0; c < r->n_contents; c++) {
                    int i = r->contents[c];
                    double lo = INFINITY, hi = -INFINITY;
                    for (size_t y = 0; y < nz; y++) {
                        double x = g ? gro[y][i] : amt[y][i];
                        if (!isnan(x)) lo = fmin(lo, x), hi = fmax(hi, x);
                    }
                    contents += efficacy(g ? gro[z][i] : amt[z][i], lo, hi, m->indicators[i].direction);
                }
                parts += contents / (double)r->n_contents;
            }
            double item_score = parts / (r->growth ? 2.0 : 1.0);
            total[z] += r->weight * item_score / 100;
            sub[z][di] += r->weight * item_score / 100;
        }
    }

    cr_assert_eq(values_init(&v, nz, ni), 0);
    for (size_t z = 0; z < nz; z++)
        v.zones[z].reported = true;
    for (size_t z = 0; z < nz; z++)
        for (size_t i = 0; i < ni; i++) {
            v.amount[z * ni + i] = amt[z][i];
            v.growth[z * ni + i] = gro[z][i];
        }
    cr_assert_eq(score_period(s, m, &v, &params, out), 0);

    for (size_t z = 0; z < nz; z++) {
        int rank = 1;
        for (size_t y = 0; y < nz; y++)
            if (total[y] > total[z] + 1e-9) rank++;
        cr_assert_float_eq(out[z].total, total[z], 1e-9, "%s %s: total %.12f, expected %.12f", period,
                           m->zones[z].code, out[z].total, total[z]);
        for (size_t d = 0; d < n_dims; d++)
            cr_assert_float_eq(out[z].dims[d], sub[z][d], 1e-9, "%s %s: %s %.12f, expected %.12f", period,
                               m->zones[z].code, dims[d], out[z].dims[d], sub[z][d]);
        cr_assert_eq(out[z].rank, rank, "%s %s: rank %d, expected %d (total %.6f)", period, m->zones[z].code,
                     out[z].rank, rank, total[z]);
        cr_assert_str_empty(out[z].missing, "%s reported everything", m->zones[z].code);
        cr_assert(total[z] >= 60 - 1e-9 && total[z] <= 100 + 1e-9, "a complete report scores 60..100");
    }
}

Test(score, sample_city_june_2017_matches_an_independent_computation) {
    /* 7 county files (410621 holds two zones) × 14 indicators = 8 zones × 14 rows */
    compare_month("2017-06", 8 * 14);

    /* by hand, one item: 固定资产投资 (fai, amount+growth) for jinshan.
     * fai amounts: max jinshan 651316.6, so its amount d = 100;
     * fai growth: max qibin 22.3, min shancheng 3.9; jinshan 18.4:
     *   d = 60 + 40·(18.4 − 3.9)/(22.3 − 3.9) = 60 + 40·14.5/18.4 = 60 + 31.5217391 = 91.5217391
     * item = (100 + 91.5217391)/2 = 95.7608696 */
    size_t jinshan = (size_t)(master_zone(m, "jinshan") - m->zones);
    cr_assert_str_eq(rules_scheme(rules, 2017)->items[1].item, "固定资产投资");
    cr_assert_float_eq(out[jinshan].items[1], 95.7608696, 1e-6);
}

Test(score, sample_city_april_2017_with_heqis_correction) {
    /* 410622.rev2.csv replaces heqi's 14 rows (read after 410622.csv, in name order):
     * 7 county files give 8 zones × 14 rows, and the correction 14 rows more */
    compare_month("2017-04", 8 * 14 + 14);
    size_t heqi = (size_t)(master_zone(m, "heqi") - m->zones);
    cr_assert_float_eq(amt[heqi][ind("fai")], 220527.7, 1e-9, "the correction's fai, not 182 764.1");
}

/* ---- stars ----------------------------------------------------------------------------- */

Test(score, stars_take_every_level_in_turn) {
    double a[64];
    int rev = ind("revenue"), tax = ind("tax");
    /* levels 0..3 on revenue; level 2 also asks for tax ≥ 100 000 */
    star_rule_t st[] = {
        {0, rev, 500000, 2}, {1, rev, 1000000, 3}, {2, rev, 1500000, 4},
        {2, tax, 100000, 5}, {3, rev, 2500000, 6},
    };
    rules_t r;
    memset(&r, 0, sizeof r);
    r.stars = st;
    r.n_stars = sizeof st / sizeof st[0];
    cr_assert_leq(m->n_indicators, 64);
    for (size_t i = 0; i < 64; i++)
        a[i] = NAN;

    a[rev] = 400000;
    cr_assert_eq(score_star(&r, a), RANKING_STAR_BELOW, "below star 0's 500 000");
    a[rev] = 500000;
    cr_assert_eq(score_star(&r, a), 0, "exactly at the threshold counts as met");
    a[rev] = 999999.99;
    cr_assert_eq(score_star(&r, a), 0);
    a[rev] = 1000000;
    cr_assert_eq(score_star(&r, a), 1);
    a[rev] = NAN;
    cr_assert_eq(score_star(&r, a), RANKING_STAR_BELOW, "no revenue reported");

    a[rev] = 3000000; /* revenue alone would reach star 3 */
    cr_assert_eq(score_star(&r, a), 1, "level 2 needs tax as well, and tax is not reported");
    a[tax] = 99999;
    cr_assert_eq(score_star(&r, a), 1, "tax 99 999 < 100 000");
    a[tax] = 100000;
    cr_assert_eq(score_star(&r, a), 3, "both of level 2 met, and level 3's revenue");
    a[rev] = 1600000;
    cr_assert_eq(score_star(&r, a), 2);
}

Test(score, without_stars_there_is_no_star) {
    double a[64];
    rules_t r;
    memset(&r, 0, sizeof r);
    for (size_t i = 0; i < 64; i++)
        a[i] = 1e12;
    cr_assert_eq(score_star(&r, a), RANKING_STAR_NONE);
    cr_assert_eq(score_star(NULL, a), RANKING_STAR_NONE);
}

Test(score, sample_stars_by_full_year_revenue) {
    double a[64];
    diag_list_t dl;
    memset(&dl, 0, sizeof dl);
    rules = rules_load(city, m, &dl);
    cr_assert_not_null(rules);
    diag_clear(&dl);
    for (size_t i = 0; i < 64; i++)
        a[i] = NAN;
    /* stars.csv: 0 ≥ 500 000, 1 ≥ 1 000 000, 2 ≥ 1 500 000, 3 ≥ 2 500 000, 4 ≥ 3 500 000 */
    a[ind("revenue")] = 3499999;
    cr_assert_eq(score_star(rules, a), 3);
    a[ind("revenue")] = 3500000;
    cr_assert_eq(score_star(rules, a), 4);
    a[ind("revenue")] = 499999;
    cr_assert_eq(score_star(rules, a), RANKING_STAR_BELOW);
}
