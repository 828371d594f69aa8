/* test_values.c - one period's values (common/values.c): the loader against a real
 * report store in a temporary folder, written through rstore_apply, and the totals.
 *
 * The store holds, for 2017-06 (the sample city's master data: zones by code baoshan,
 * heqi, jinshan, liyang, qibin, shancheng, shifanqu, xunxian; counties in file order
 * 410671 金山's, 410602, 410603, 410611, 410621 浚县, 410622, 410672):
 *   xunxian  (410621) rev 1: revenue 734243.0 @ 12.8 %, rd_share 2.33
 *   liyang   (410621) rev 1: revenue 100000.0 @ 5.0 %, rev 2: revenue 155439.7 @ 11.4 %,
 *                            rd_share 2.29, employees 5000 (no growth)
 *   jinshan  (410671) rev 1: revenue 1777888.9 @ 10.3 %, gdp 1.0 (no such indicator)
 *   atlantis, aaa_gone (410621): zones master data does not list, revenue 50 and 60
 * and heqi for 2017-05 only.
 *
 * Hand computations (revenue, 万元):
 *   浚县: Σ = 734243.0 + 155439.7 = 889682.7; bases 734243.0/1.128 = 650924.645 and
 *     155439.7/1.114 = 139532.944, Σ 790457.590; growth 889682.7/790457.590 − 1
 *     = 12.5529 % (rev 1's 100000 @ 5 % replaced, not added)
 *   city: Σ = 889682.7 + 1777888.9 = 2667571.6 (atlantis and aaa_gone not counted);
 *     base 790457.590 + 1777888.9/1.103 (= 1611866.636) = 2402324.226; growth
 *     2667571.6/2402324.226 − 1 = 11.0413 %
 *   rd_share (ratio): 2.33 and 2.29 → n 2, min 2.29, max 2.33, mean 2.31
 *   employees: 5000 without growth → Σ 5000, no aggregate growth
 */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "master.h"
#include "report.h"
#include "rstore.h"
#include "values.h"

#define EPS 1e-6
#define T0 1499184000000LL /* 2017-07-05 00:00 Asia/Shanghai */

static char tmpdir[64], dbpath[128];
static rstore_t *S;
static master_t *m;
static values_t v;
static values_totals_t t;

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char err[512] = "", city[4096];
    diag_list_t dl = {0};
    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    m = master_load(city, &dl);
    diag_clear(&dl);
    cr_assert_not_null(m, "cannot load the master data from %s", city);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_values_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/reports.db", tmpdir);
    S = rstore_open(dbpath, false, err, sizeof err);
    cr_assert_not_null(S, "rstore_open: %s", err);
    memset(&v, 0, sizeof v);
    memset(&t, 0, sizeof t);
}

static void teardown(void) {
    char p[192];
    values_totals_free(&t);
    values_free(&v);
    rstore_close(&S);
    master_destroy(&m);
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
    rmdir(tmpdir);
}

TestSuite(values, .init = setup, .fini = teardown);

/* ---- helpers ---------------------------------------------------------------------- */

static void build(report_t *r, const char *zone, const char *period, uint32_t revision) {
    memset(r, 0, sizeof *r);
    snprintf(r->zone, sizeof r->zone, "%s", zone);
    snprintf(r->period, sizeof r->period, "%s", period);
    r->revision = revision;
}

static void add(report_t *r, const char *indicator, double amount, double growth) {
    report_value_t rv;
    memset(&rv, 0, sizeof rv);
    snprintf(rv.indicator, sizeof rv.indicator, "%s", indicator);
    rv.amount = amount;
    rv.has_growth = !isnan(growth);
    rv.growth_pct = rv.has_growth ? growth : 0;
    cr_assert_not_null(report_add_value(r, &rv));
}

/* Stores r in its own transaction, then frees it. */
static void apply(report_t *r, const char *county, int64_t at_ms) {
    static const uint8_t content[] = "test";
    cr_assert_eq(rstore_begin(S), 0);
    cr_assert_eq(rstore_apply(S, r, county, county, content, sizeof content, NULL, at_ms), 0);
    cr_assert_eq(rstore_commit(S), 0);
    report_clear(r);
}

/* The store described at the top of the file. */
static void fill_store(void) {
    report_t r;
    build(&r, "xunxian", "2017-06", 1);
    add(&r, "revenue", 734243.0, 12.8);
    add(&r, "rd_share", 2.33, NAN);
    apply(&r, "410621", T0 + 1000);
    build(&r, "liyang", "2017-06", 1);
    add(&r, "revenue", 100000.0, 5.0);
    apply(&r, "410621", T0 + 2000);
    build(&r, "liyang", "2017-06", 2);
    add(&r, "revenue", 155439.7, 11.4);
    add(&r, "rd_share", 2.29, NAN);
    add(&r, "employees", 5000, NAN);
    apply(&r, "410621", T0 + 3000);
    build(&r, "jinshan", "2017-06", 1);
    add(&r, "revenue", 1777888.9, 10.3);
    add(&r, "gdp", 1.0, NAN);
    apply(&r, "410671", T0 + 4000);
    build(&r, "atlantis", "2017-06", 1);
    add(&r, "revenue", 50, 1.0);
    apply(&r, "410621", T0 + 5000);
    build(&r, "aaa_gone", "2017-06", 1);
    add(&r, "revenue", 60, NAN);
    apply(&r, "410621", T0 + 6000);
    build(&r, "heqi", "2017-05", 1);
    add(&r, "revenue", 900000.0, 12.0);
    apply(&r, "410622", T0);
}

static size_t zone(const char *code) {
    const zone_t *z = master_zone(m, code);
    cr_assert_not_null(z, "no zone %s in the sample master", code);
    return (size_t)(z - m->zones);
}

static size_t ind(const char *code) {
    const indicator_t *i = master_indicator(m, code);
    cr_assert_not_null(i, "no indicator %s in the sample master", code);
    return (size_t)(i - m->indicators);
}

static double amount(size_t row, const char *indicator) {
    return v.amount[row * v.n_indicators + ind(indicator)];
}

static double growth(size_t row, const char *indicator) {
    return v.growth[row * v.n_indicators + ind(indicator)];
}

/* ---- the loader ------------------------------------------------------------------- */

Test(values, rows_are_master_zones_then_the_unlisted_ones_by_code) {
    fill_store();
    cr_assert_eq(values_load(&v, S, m, "2017-06"), 0);
    cr_assert_str_eq(v.period, "2017-06");
    cr_assert_eq(v.n_master, 8);
    cr_assert_eq(v.n_zones, 10, "8 of master data, atlantis and aaa_gone");
    cr_assert_eq(v.n_indicators, 14);
    for (size_t z = 0; z < 8; z++) {
        cr_assert_eq(v.zones[z].zone, &m->zones[z], "row %zu is master zone %zu", z, z);
        cr_assert_str_eq(v.zones[z].code, m->zones[z].code);
    }
    cr_assert_str_eq(v.zones[8].code, "aaa_gone", "by code: aaa_gone before atlantis");
    cr_assert_str_eq(v.zones[9].code, "atlantis");
    cr_assert_null(v.zones[8].zone);
    cr_assert(v.zones[8].reported && v.zones[9].reported);
    cr_assert_str_eq(v.zones[9].county, "410621");
    cr_assert_float_eq(amount(8, "revenue"), 60, EPS);
    cr_assert_float_eq(amount(9, "revenue"), 50, EPS);
    cr_assert_float_eq(growth(9, "revenue"), 1.0, EPS);
    cr_assert(isnan(growth(8, "revenue")), "no growth sent: absent");
    cr_assert_eq(values_reported(&v), 5, "xunxian, liyang, jinshan, aaa_gone, atlantis");
}

Test(values, a_zone_row_holds_its_current_report) {
    size_t x, l;
    fill_store();
    cr_assert_eq(values_load(&v, S, m, "2017-06"), 0);
    x = zone("xunxian");
    l = zone("liyang");
    cr_assert(v.zones[x].reported);
    cr_assert_eq(v.zones[x].revision, 1);
    cr_assert_str_eq(v.zones[x].county, "410621");
    cr_assert_eq(v.zones[x].stored_at_ms, T0 + 1000);
    cr_assert_float_eq(amount(x, "revenue"), 734243.0, EPS);
    cr_assert_float_eq(growth(x, "revenue"), 12.8, EPS);
    cr_assert_float_eq(amount(x, "rd_share"), 2.33, EPS);
    cr_assert(isnan(growth(x, "rd_share")));
    cr_assert(isnan(amount(x, "va")), "not reported: NAN, never 0");
    /* liyang: revision 2 replaced revision 1 */
    cr_assert_eq(v.zones[l].revision, 2);
    cr_assert_eq(v.zones[l].stored_at_ms, T0 + 3000);
    cr_assert_float_eq(amount(l, "revenue"), 155439.7, EPS);
    cr_assert_float_eq(growth(l, "revenue"), 11.4, EPS);
    cr_assert_float_eq(amount(l, "employees"), 5000, EPS);
}

/* A matrix kept since its load and brought up to date zone by zone for what changed
 * (the scorer between passes) equals a fresh load: liyang's revision 3 drops its
 * employees, qibin reports for the first time; a zone master data does not list asks
 * for a whole load. */
Test(values, a_kept_matrix_brought_up_to_date_by_zone_equals_a_fresh_load) {
    values_t fresh;
    report_t r;
    size_t l, q, n;
    fill_store();
    cr_assert_eq(values_load(&v, S, m, "2017-06"), 0);
    build(&r, "liyang", "2017-06", 3);
    add(&r, "revenue", 160000.0, 9.0);
    apply(&r, "410621", T0 + 7000);
    build(&r, "qibin", "2017-06", 1);
    add(&r, "va", 4321.5, -2.5);
    apply(&r, "410611", T0 + 8000);

    cr_assert_eq(rstore_read_begin(S), 0);
    cr_assert_eq(values_reload_zone(&v, S, m, "liyang"), 0);
    cr_assert_eq(values_reload_zone(&v, S, m, "qibin"), 0);
    cr_assert_eq(values_reload_zone(&v, S, m, "heqi"), 0, "no June report: its row stays empty");
    cr_assert_eq(values_reload_zone(&v, S, m, "atlantis"), 1, "not in master data: load whole");
    cr_assert_eq(rstore_read_end(S), 0);

    l = zone("liyang");
    q = zone("qibin");
    cr_assert_eq(v.zones[l].revision, 3);
    cr_assert_eq(v.zones[l].stored_at_ms, T0 + 7000);
    cr_assert_float_eq(amount(l, "revenue"), 160000.0, EPS);
    cr_assert_float_eq(growth(l, "revenue"), 9.0, EPS);
    cr_assert(isnan(amount(l, "employees")), "revision 3 has no employees");
    cr_assert(isnan(amount(l, "rd_share")));
    cr_assert(v.zones[q].reported);
    cr_assert_str_eq(v.zones[q].county, "410611");
    cr_assert_float_eq(amount(q, "va"), 4321.5, EPS);
    cr_assert_float_eq(growth(q, "va"), -2.5, EPS);
    cr_assert(!v.zones[zone("heqi")].reported);

    cr_assert_eq(values_load(&fresh, S, m, "2017-06"), 0);
    cr_assert_eq(fresh.n_zones, v.n_zones);
    cr_assert_eq(fresh.n_master, v.n_master);
    for (size_t z = 0; z < v.n_zones; z++) {
        const values_zone_t *a = &v.zones[z], *b = &fresh.zones[z];
        cr_assert_str_eq(a->code, b->code);
        cr_assert_eq(a->zone, b->zone);
        cr_assert_eq(a->reported, b->reported, "%s", a->code);
        cr_assert_str_eq(a->county, b->county);
        cr_assert_eq(a->revision, b->revision);
        cr_assert_eq(a->stored_at_ms, b->stored_at_ms);
    }
    n = v.n_zones * v.n_indicators;
    for (size_t i = 0; i < n; i++) {
        cr_assert(isnan(v.amount[i]) ? isnan(fresh.amount[i]) : v.amount[i] == fresh.amount[i], "amount %zu", i);
        cr_assert(isnan(v.growth[i]) ? isnan(fresh.growth[i]) : v.growth[i] == fresh.growth[i], "growth %zu", i);
    }
    values_free(&fresh);
}

Test(values, other_periods_and_unknown_indicators_are_left_out) {
    size_t h = zone("heqi");
    fill_store();
    cr_assert_eq(values_load(&v, S, m, "2017-06"), 0);
    cr_assert_not(v.zones[h].reported, "heqi reported 2017-05 only");
    cr_assert_eq(v.zones[h].revision, 0);
    cr_assert_str_empty(v.zones[h].county);
    cr_assert(isnan(amount(h, "revenue")));
    cr_assert_eq(v.n_dropped, 1, "jinshan's gdp");
    values_free(&v);
    cr_assert_eq(values_load(&v, S, m, "2017-05"), 0);
    cr_assert_eq(v.n_zones, 8);
    cr_assert_eq(values_reported(&v), 1);
    cr_assert_float_eq(amount(h, "revenue"), 900000.0, EPS);
}

Test(values, a_period_nobody_reported_loads_empty) {
    fill_store();
    cr_assert_eq(values_load(&v, S, m, "2016-06"), 0);
    cr_assert_eq(v.n_zones, 8);
    cr_assert_eq(v.n_master, 8);
    cr_assert_eq(values_reported(&v), 0);
    for (size_t i = 0; i < v.n_zones * v.n_indicators; i++)
        cr_assert(isnan(v.amount[i]) && isnan(v.growth[i]));
}

Test(values, a_store_error_is_reported) {
    char err[512] = "";
    rstore_t *ro;
    fill_store();
    ro = rstore_open(dbpath, true, err, sizeof err);
    cr_assert_not_null(ro, "%s", err);
    cr_assert_eq(values_load(&v, ro, m, "2017-06"), 0, "a reader loads too");
    cr_assert_eq(values_reported(&v), 5);
    values_free(&v);
    /* the reports load, then the values cannot be read: nothing half-loaded is left */
    cr_assert_eq(sqlite3_exec(rstore_db(S), "DROP TABLE report_values", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(values_load(&v, ro, m, "2017-06"), -1);
    cr_assert_eq(v.n_zones, 0, "left empty");
    cr_assert_null(v.zones);
    rstore_close(&ro);
}

/* The writer commits a zone's first report while a reader is half way through the
 * load (between the reports and their values: each SQLite statement has its own view
 * of a WAL store unless a transaction holds one). The load must be one state of the
 * store: a zone is reported exactly when its values are in. */
static int race_fired;

static int commit_in_the_middle(void *arg) {
    report_t r;
    (void)arg;
    if (race_fired) return 0;
    race_fired = 1;
    build(&r, "qibin", "2017-06", 1);
    add(&r, "revenue", 1000.0, 4.0);
    apply(&r, "410611", T0 + 9000);
    return 0;
}

Test(values, a_commit_during_the_load_is_all_or_nothing_of_it) {
    char err[512] = "";
    rstore_t *ro;
    fill_store();
    ro = rstore_open(dbpath, true, err, sizeof err);
    cr_assert_not_null(ro, "%s", err);
    race_fired = 0;
    sqlite3_progress_handler(rstore_db(ro), 1, commit_in_the_middle, NULL);
    cr_assert_eq(values_load(&v, ro, m, "2017-06"), 0);
    sqlite3_progress_handler(rstore_db(ro), 0, NULL, NULL);
    cr_assert(race_fired, "the writer committed during the load");
    {
        size_t q = zone("qibin");
        bool has = !isnan(amount(q, "revenue"));
        cr_assert_eq(v.zones[q].reported, has, "qibin %s but its revenue %s", v.zones[q].reported ? "reported" : "not reported",
                     has ? "is in" : "is not");
    }
    cr_assert_eq(rstore_read_end(ro), 0);
    rstore_close(&ro);
}

/* ---- filling by hand -------------------------------------------------------------- */

Test(values, init_gives_unnamed_rows_of_nothing) {
    cr_assert_eq(values_init(&v, 3, 2), 0);
    cr_assert_eq(v.n_zones, 3);
    cr_assert_eq(v.n_master, 0);
    cr_assert_eq(v.n_indicators, 2);
    for (size_t z = 0; z < 3; z++) {
        cr_assert_str_empty(v.zones[z].code);
        cr_assert_null(v.zones[z].zone);
        cr_assert_not(v.zones[z].reported);
    }
    for (size_t i = 0; i < 6; i++)
        cr_assert(isnan(v.amount[i]) && isnan(v.growth[i]));
    values_free(&v);
    values_free(&v); /* twice is safe */
    values_free(NULL);
}

Test(values, set_names_the_zone_and_indicator_by_code_or_name) {
    size_t j = zone("jinshan");
    cr_assert_eq(values_init_master(&v, m), 0);
    cr_assert_eq(v.n_master, 8);
    cr_assert_eq(values_set(&v, m, "atlantis", "revenue", 1, false, 0), -1, "not in master data");
    cr_assert_eq(values_set(&v, m, "jinshan", "gdp", 1, false, 0), -1, "not in the catalogue");
    cr_assert_eq(values_reported(&v), 0, "nothing recorded for either");
    cr_assert_eq(values_set(&v, m, "金山产业集聚区", "主营业务收入", 5, true, 1.5), 0, "Chinese names too");
    cr_assert(v.zones[j].reported);
    cr_assert_float_eq(amount(j, "revenue"), 5, EPS);
    cr_assert_float_eq(growth(j, "revenue"), 1.5, EPS);
    cr_assert_eq(values_set(&v, m, "jinshan", "va", INFINITY, true, NAN), 0);
    cr_assert(isnan(amount(j, "va")) && isnan(growth(j, "va")), "not finite: not a value");
    cr_assert_eq(values_set(&v, m, "jinshan", "tax", 7, false, 3.0), 0);
    cr_assert(isnan(growth(j, "tax")), "has_growth false: the figure is ignored");
}

Test(values, set_report_replaces_a_row) {
    report_t r;
    size_t q = zone("qibin");
    cr_assert_eq(values_init_master(&v, m), 0);
    cr_assert_eq(values_set(&v, m, "qibin", "va", 10, true, 2), 0);
    build(&r, "qibin", "2017-06", 3);
    add(&r, "revenue", 478582.2, 2.9);
    add(&r, "gdp", 1, NAN);
    add(&r, "tax", 9, NAN);
    values_set_report(&v, q, m, &r);
    report_clear(&r);
    cr_assert(v.zones[q].reported);
    cr_assert_eq(v.zones[q].revision, 3);
    cr_assert(isnan(amount(q, "va")), "the old row's value is gone: replaced, not merged");
    cr_assert_float_eq(amount(q, "revenue"), 478582.2, EPS);
    cr_assert_float_eq(growth(q, "revenue"), 2.9, EPS);
    cr_assert_float_eq(amount(q, "tax"), 9, EPS);
    cr_assert(isnan(growth(q, "tax")));
    cr_assert_eq(values_reported(&v), 1);
}

/* ---- totals ------------------------------------------------------------------------ */

Test(values, totals_of_the_city_and_a_county) {
    size_t xun = values_scope(m, "410621"), rev = ind("revenue"), rd = ind("rd_share"),
           emp = ind("employees");
    const aggregate_t *a;
    double g;
    fill_store();
    cr_assert_eq(values_load(&v, S, m, "2017-06"), 0);
    cr_assert_eq(values_totals(&v, m, &t), 0);
    cr_assert_eq(t.n_scopes, 8, "the city and 7 counties");
    cr_assert_eq(t.n_indicators, 14);
    cr_assert_eq(xun, 5, "浚县 is the fifth county of regions.csv");

    a = values_total(&t, xun, rev);
    cr_assert_eq(a->n, 2);
    cr_assert_float_eq(a->sum, 889682.7, EPS);
    cr_assert(aggregate_growth(a, &g));
    cr_assert_float_eq(g, 12.5529, 1e-4, "Σamount / Σbase − 1, not the mean of the rates: %f", g);
    cr_assert_eq(t.reported[xun], 2);
    cr_assert_eq(t.expected[xun], 2);

    a = values_total(&t, 0, rev);
    cr_assert_eq(a->n, 3, "atlantis and aaa_gone are not master data's: not in the totals");
    cr_assert_float_eq(a->sum, 2667571.6, EPS);
    cr_assert(aggregate_growth(a, &g));
    cr_assert_float_eq(g, 11.0413, 1e-4, "%f", g);
    cr_assert_eq(t.reported[0], 3);
    cr_assert_eq(t.expected[0], 8);

    a = values_total(&t, 0, rd);
    cr_assert_eq(a->n, 2);
    cr_assert_float_eq(a->min, 2.29, EPS);
    cr_assert_float_eq(a->max, 2.33, EPS);
    cr_assert_float_eq(aggregate_mean(a), 2.31, EPS);

    a = values_total(&t, 0, emp);
    cr_assert_eq(a->n, 1);
    cr_assert_float_eq(a->sum, 5000, EPS);
    cr_assert_not(aggregate_growth(a, &g), "no zone gave a growth");

    a = values_total(&t, values_scope(m, "410671"), rev);
    cr_assert_eq(a->n, 1);
    cr_assert_float_eq(a->sum, 1777888.9, EPS);
    a = values_total(&t, values_scope(m, "410602"), rev);
    cr_assert_eq(a->n, 0, "baoshan has not reported");
    cr_assert_eq(t.reported[values_scope(m, "410602")], 0);
    cr_assert_eq(t.expected[values_scope(m, "410602")], 1);
}

Test(values, scopes) {
    cr_assert_eq(values_scope(m, NULL), 0);
    cr_assert_eq(values_scope(m, ""), 0);
    cr_assert_eq(values_scope(m, "410671"), 1);
    cr_assert_eq(values_scope(m, "410672"), 7);
    cr_assert_eq(values_scope(m, "999999"), SIZE_MAX);
}

Test(values, totals_need_values_built_for_the_master) {
    cr_assert_eq(values_init(&v, 8, m->n_indicators), 0);
    cr_assert_eq(values_totals(&v, m, &t), -1, "unnamed rows are no master's zones");
    cr_assert_null(t.agg);
    values_totals_free(&t);
    values_totals_free(NULL);
}
