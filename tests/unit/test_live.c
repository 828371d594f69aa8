/* test_live.c - the aggregator's live totals (aggregator_live.c) against hand
 * computations from the sample city's CSVs.
 *
 * An aggregator_t is built in memory over the sample master data and a report store in
 * a temporary folder; reports are read from examples/sample-city with the project's CSV
 * reader and go through aggregator_ingest_batch(), which updates the live totals after
 * COMMIT. Each test checks the totals a subscriber would receive (live_totals), and
 * that the totals built incrementally equal the ones rebuilt from the store.
 *
 * Hand computations (2017-04, revenue, 万元, growth %):
 *   浚县 (410621): xunxian 734243.0 @ 12.8, liyang 155439.7 @ 11.4
 *     Σ = 889682.7; base = 734243.0/1.128 + 155439.7/1.114 = 650924.645 + 139533.034
 *       = 790457.590; growth = 889682.7 / 790457.590 − 1 = 12.5529 %
 *     (the mean of the two rates would say 12.1 %: wrong, xunxian weighs more)
 *   city, first revisions: baoshan 1296094.8 @ 10.0, shancheng 304327.8 @ 9.1,
 *     qibin 478582.2 @ 2.9, xunxian, liyang, heqi 902332.4 @ 12.0, jinshan 1777888.9
 *     @ 10.3, shifanqu 415332.9 @ 11.6: Σ = 6064241.7, base = 5502446.617,
 *     growth = 10.2099 %
 *   city, after 410622.rev2.csv (heqi revenue 905135.4 @ 12.3 replaces 902332.4 @ 12.0):
 *     Σ = 6064241.7 − 902332.4 + 905135.4 = 6067044.7, base = 5502790.373,
 *     growth = 10.2540 % — replaced, not added: 8 zones, not 9
 *   rd_share (ratio, %): baoshan 1.12, shancheng 1.82, qibin 1.22, xunxian 2.33,
 *     liyang 2.29, heqi 2.76 → 2.86 (rev2), jinshan 3.01, shifanqu 2.24; after a
 *     jinshan revision to 1.00 the maximum 3.01 is gone: mean 14.88/8 = 1.86,
 *     min 1.00, max 2.86.
 * Deadline of 2017-04: 2017-05-10 24:00 Asia/Shanghai = 2017-05-10T16:00:00Z.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../aggregator/aggregator.h" /* -Icommon only */
#include "county_csv.h"

#define DEADLINE_2017_04 1494432000000LL /* 2017-05-11 00:00 Asia/Shanghai */
#define DEADLINE_2017_05 1497110400000LL /* 2017-06-11 00:00 Asia/Shanghai */
#define HOUR 3600000LL

static aggregator_t A;
static char tmpdir[64], dbpath[128], city_dir[4096];

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char err[512] = "";
    diag_list_t mdl;
    memset(&mdl, 0, sizeof mdl);
    memset(&A, 0, sizeof A);
    A.cfg.batch_max = 256;
    snprintf(city_dir, sizeof city_dir, "%s/sample-city", ex && *ex ? ex : "examples");
    A.master = master_load(city_dir, &mdl);
    diag_clear(&mdl);
    cr_assert_not_null(A.master, "cannot load the master data from %s", city_dir);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_live_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/reports.db", tmpdir);
    A.store = rstore_open(dbpath, false, err, sizeof err);
    cr_assert_not_null(A.store, "rstore_open: %s", err);
    cr_assert_eq(A.master->policy.deadline_day, 10, "the sample city's city.csv: due by the 10th");
    cr_assert_eq(live_init(&A.live, A.master, A.master->policy.deadline_day), 0);
    cr_assert_eq(live_load(&A.live, A.store), 0, "as the aggregator starts: the (empty) store loaded");
}

static void teardown(void) {
    char p[192];
    live_free(&A.live);
    rstore_close(&A.store);
    master_destroy(&A.master);
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
    rmdir(tmpdir);
}

TestSuite(live, .init = setup, .fini = teardown);

/* ---- feeding reports ------------------------------------------------------------------ */

/* Ingests every report of the sample file (relative to the sample city) as county,
 * with the given revision, committed at at_ms; each must be ACCEPTED. */
static void ingest_file(const char *relative, const char *county, uint32_t revision, int64_t at_ms) {
    char path[4200];
    report_set_t set = {0};
    diag_list_t dl = {0};
    ingest_item_t items[8];
    snprintf(path, sizeof path, "%s/%s", city_dir, relative);
    cr_assert_eq(county_csv_load(A.master, path, &set, &dl), 0, "%s does not parse", path);
    cr_assert(set.n > 0 && set.n <= 8, "%s: %zu reports", path, set.n);
    memset(items, 0, sizeof items);
    for (size_t i = 0; i < set.n; i++) {
        snprintf(items[i].county, sizeof items[i].county, "%s", county);
        items[i].msg.kind = MSG_REPORT;
        items[i].msg.report = set.reports[i]; /* moved: the set no longer owns it */
        items[i].msg.report.revision = revision;
        memset(&set.reports[i], 0, sizeof set.reports[i]);
    }
    cr_assert_eq(aggregator_ingest_batch(&A, items, set.n, at_ms), 0, "%s: the batch did not commit", path);
    for (size_t i = 0; i < set.n; i++) {
        cr_assert_eq(items[i].ack.status, ACK_ACCEPTED, "%s %s: %s (%s)", path, items[i].msg.report.zone,
                     ack_status_name(items[i].ack.status),
                     items[i].ack.issues.n ? items[i].ack.issues.items[0].message : "no issue");
        msg_clear(&items[i].msg);
        diag_clear(&items[i].ack.issues);
    }
    report_set_clear(&set);
    diag_clear(&dl);
}

static void ingest_month(const char *period, int64_t at_ms) {
    static const char *const counties[] = {"410602", "410603", "410611", "410621",
                                           "410622", "410671", "410672"};
    for (size_t i = 0; i < sizeof counties / sizeof counties[0]; i++) {
        char rel[64], path[4200];
        snprintf(rel, sizeof rel, "reports/%s/%s.csv", period, counties[i]);
        snprintf(path, sizeof path, "%s/%s", city_dir, rel);
        if (access(path, R_OK) == 0) ingest_file(rel, counties[i], 1, at_ms);
    }
}

/* ---- reading the totals --------------------------------------------------------------- */

/* The totals of (period, scope) as published; scope "" = the city. */
static void totals_of(const live_t *l, const char *period, const char *scope, scope_totals_t *out) {
    ssize_t i = live_find(l, period);
    size_t k = 0;
    cr_assert(i >= 0, "no live totals for %s", period);
    if (scope[0]) {
        const county_t *c = master_county(A.master, scope);
        cr_assert_not_null(c, "county %s", scope);
        k = 1 + (size_t)(c - A.master->counties);
    }
    cr_assert_eq(live_totals(l, (size_t)i, k, out), 0);
}

static const indicator_total_t *row(const scope_totals_t *t, const char *indicator) {
    for (size_t i = 0; i < t->n_rows; i++)
        if (!strcmp(t->rows[i].indicator, indicator)) return &t->rows[i];
    cr_assert_fail("%s %s: no row for %s", t->period, t->scope[0] ? t->scope : "city", indicator);
    return NULL;
}

#define near(a, b, eps, what) cr_assert(fabs((a) - (b)) < (eps), "%s: %.10g, expected %.10g", what, a, b)

/* ---- tests ---------------------------------------------------------------------------- */

Test(live, aggregate_growth_and_completeness_by_hand) {
    scope_totals_t city, xun;
    ingest_month("2017-04", DEADLINE_2017_04 - 24 * HOUR);
    totals_of(&A.live, "2017-04", "", &city);
    totals_of(&A.live, "2017-04", "410621", &xun);

    cr_assert_eq(city.expected, 8);
    cr_assert_eq(city.reported, 8);
    cr_assert_eq(city.on_time, 8);
    near(row(&city, "revenue")->sum, 6064241.7, 1e-6, "city revenue");
    cr_assert(row(&city, "revenue")->has_growth);
    near(row(&city, "revenue")->growth_pct, 10.2099142850, 1e-6, "city revenue growth");
    cr_assert_eq(row(&city, "revenue")->n, 8);

    cr_assert_eq(xun.expected, 2);
    cr_assert_eq(xun.reported, 2);
    near(row(&xun, "revenue")->sum, 889682.7, 1e-6, "浚县 revenue");
    near(row(&xun, "revenue")->growth_pct, 12.5528695725, 1e-6, "浚县 revenue growth");
    cr_assert(fabs(row(&xun, "revenue")->growth_pct - (12.8 + 11.4) / 2) > 0.4,
              "the aggregate growth is not the mean of the rates");
    /* a ratio has no growth and no meaningful sum to show: mean, min, max */
    cr_assert_not(row(&city, "rd_share")->has_growth);
    near(row(&city, "rd_share")->min, 1.12, 1e-9, "rd_share min");
    near(row(&city, "rd_share")->max, 3.01, 1e-9, "rd_share max");
    scope_totals_clear(&city);
    scope_totals_clear(&xun);
}

Test(live, a_revision_replaces_its_predecessor) {
    scope_totals_t city, qi;
    ingest_month("2017-04", DEADLINE_2017_04 - 24 * HOUR);
    ingest_file("reports/2017-04/410622.rev2.csv", "410622", 2, DEADLINE_2017_04 - HOUR);
    totals_of(&A.live, "2017-04", "", &city);
    totals_of(&A.live, "2017-04", "410622", &qi);
    near(row(&city, "revenue")->sum, 6067044.7, 1e-6, "city revenue after rev2");
    near(row(&city, "revenue")->growth_pct, 10.2539673276, 1e-6, "city growth after rev2");
    cr_assert_eq(row(&city, "revenue")->n, 8, "replaced, not added");
    cr_assert_eq(city.reported, 8);
    near(row(&qi, "revenue")->sum, 905135.4, 1e-6, "淇县 revenue is heqi's rev2");
    near(row(&qi, "revenue")->growth_pct, 12.3, 1e-9, "淇县 growth is heqi's rev2");
    scope_totals_clear(&city);
    scope_totals_clear(&qi);
}

Test(live, a_revision_that_removes_the_maximum_rescans) {
    scope_totals_t city;
    ingest_month("2017-04", DEADLINE_2017_04 - 24 * HOUR);
    ingest_file("reports/2017-04/410622.rev2.csv", "410622", 2, DEADLINE_2017_04 - HOUR);
    /* jinshan corrects rd_share 3.01 → 1.00 after the deadline: still on time (its
     * first revision was), and the city's maximum is now heqi's 2.86 */
    {
        char path[4200];
        report_set_t set = {0};
        diag_list_t dl = {0};
        ingest_item_t it;
        snprintf(path, sizeof path, "%s/reports/2017-04/410671.csv", city_dir);
        cr_assert_eq(county_csv_load(A.master, path, &set, &dl), 0);
        memset(&it, 0, sizeof it);
        snprintf(it.county, sizeof it.county, "410671");
        it.msg.kind = MSG_REPORT;
        it.msg.report = set.reports[0];
        memset(&set.reports[0], 0, sizeof set.reports[0]);
        it.msg.report.revision = 2;
        for (size_t i = 0; i < it.msg.report.n_values; i++)
            if (!strcmp(it.msg.report.values[i].indicator, "rd_share")) it.msg.report.values[i].amount = 1.00;
        cr_assert_eq(aggregator_ingest_batch(&A, &it, 1, DEADLINE_2017_04 + 48 * HOUR), 0);
        cr_assert_eq(it.ack.status, ACK_ACCEPTED);
        msg_clear(&it.msg);
        diag_clear(&it.ack.issues);
        report_set_clear(&set);
        diag_clear(&dl);
    }
    totals_of(&A.live, "2017-04", "", &city);
    near(row(&city, "rd_share")->sum / row(&city, "rd_share")->n, 1.86, 1e-9, "rd_share mean");
    near(row(&city, "rd_share")->min, 1.00, 1e-9, "rd_share min");
    near(row(&city, "rd_share")->max, 2.86, 1e-9, "rd_share max after the maximum left");
    cr_assert_eq(city.on_time, 8, "a late correction does not make a zone late");
    scope_totals_clear(&city);
}

Test(live, on_time_counts_the_first_arrival_against_the_deadline) {
    scope_totals_t city, shan;
    ingest_month("2017-05", DEADLINE_2017_05 - HOUR); /* 山城区 has no May file on time */
    totals_of(&A.live, "2017-05", "", &city);
    cr_assert_eq(city.reported, 7);
    cr_assert_eq(city.on_time, 7);
    scope_totals_clear(&city);
    ingest_file("late/2017-05/410603.csv", "410603", 1, DEADLINE_2017_05 + 20 * 24 * HOUR);
    totals_of(&A.live, "2017-05", "", &city);
    totals_of(&A.live, "2017-05", "410603", &shan);
    cr_assert_eq(city.reported, 8);
    cr_assert_eq(city.on_time, 7, "山城区's May report came in July");
    cr_assert_eq(shan.reported, 1);
    cr_assert_eq(shan.on_time, 0);
    scope_totals_clear(&city);
    scope_totals_clear(&shan);
}

/* Built commit by commit or rebuilt from the store: the same totals. */
Test(live, incremental_equals_rebuilt_from_the_store) {
    live_t fresh;
    ingest_month("2017-04", DEADLINE_2017_04 - 24 * HOUR);
    ingest_file("reports/2017-04/410622.rev2.csv", "410622", 2, DEADLINE_2017_04 + HOUR);
    ingest_month("2017-05", DEADLINE_2017_05 - HOUR);
    ingest_file("late/2017-05/410603.csv", "410603", 1, DEADLINE_2017_05 + 24 * HOUR);
    cr_assert_eq(live_init(&fresh, A.master, 10), 0);
    cr_assert_eq(live_load(&fresh, A.store), 0);
    cr_assert_eq(fresh.n_periods, A.live.n_periods);
    for (size_t i = 0; i < fresh.n_periods; i++) {
        for (size_t k = 0; k < fresh.n_scopes; k++) {
            scope_totals_t a, b;
            cr_assert_eq(live_totals(&A.live, i, k, &a), 0);
            cr_assert_eq(live_totals(&fresh, i, k, &b), 0);
            cr_assert_str_eq(a.period, b.period);
            cr_assert_str_eq(a.scope, b.scope);
            cr_assert_eq(a.reported, b.reported, "%s %s reported", a.period, a.scope);
            cr_assert_eq(a.on_time, b.on_time, "%s %s on time", a.period, a.scope);
            cr_assert_eq(a.updated_at_ms, b.updated_at_ms, "%s %s updated", a.period, a.scope);
            cr_assert_eq(a.n_rows, b.n_rows);
            for (size_t r = 0; r < a.n_rows; r++) {
                cr_assert_str_eq(a.rows[r].indicator, b.rows[r].indicator);
                cr_assert_eq(a.rows[r].n, b.rows[r].n);
                near(a.rows[r].sum, b.rows[r].sum, 1e-6 * (1 + fabs(b.rows[r].sum)), a.rows[r].indicator);
                cr_assert_eq(a.rows[r].has_growth, b.rows[r].has_growth);
                near(a.rows[r].growth_pct, b.rows[r].growth_pct, 1e-9, a.rows[r].indicator);
                near(a.rows[r].min, b.rows[r].min, 1e-12, a.rows[r].indicator);
                near(a.rows[r].max, b.rows[r].max, 1e-12, a.rows[r].indicator);
            }
            scope_totals_clear(&a);
            scope_totals_clear(&b);
        }
    }
    live_free(&fresh);
}

/* ---- a zone's report as the live state keeps it (live_report) ------------------------ */

/* One hand-made report of jinshan (county 410671), committed at at_ms; must be ACCEPTED.
 * note: the 说明 on its revenue figure, or NULL. */
static void ingest_jinshan(const char *period, uint32_t revision, double revenue, const char *note,
                           int64_t at_ms) {
    ingest_item_t it;
    report_value_t v;
    memset(&it, 0, sizeof it);
    snprintf(it.county, sizeof it.county, "410671");
    it.msg.kind = MSG_REPORT;
    snprintf(it.msg.report.zone, sizeof it.msg.report.zone, "jinshan");
    snprintf(it.msg.report.period, sizeof it.msg.report.period, "%s", period);
    it.msg.report.revision = revision;
    memset(&v, 0, sizeof v);
    snprintf(v.indicator, sizeof v.indicator, "revenue");
    v.amount = revenue;
    v.has_growth = true;
    v.growth_pct = 10.5;
    v.note = (char *)note; /* copied by report_add_value */
    cr_assert_not_null(report_add_value(&it.msg.report, &v));
    memset(&v, 0, sizeof v);
    snprintf(v.indicator, sizeof v.indicator, "employees");
    v.amount = 19483;
    cr_assert_not_null(report_add_value(&it.msg.report, &v));
    cr_assert_eq(aggregator_ingest_batch(&A, &it, 1, at_ms), 0);
    cr_assert_eq(it.ack.status, ACK_ACCEPTED, "%s", it.ack.issues.n ? it.ack.issues.items[0].message : "");
    msg_clear(&it.msg);
    diag_clear(&it.ack.issues);
}

static const report_value_t *value_of(const report_t *r, const char *indicator) {
    const report_value_t *v = report_find(r, indicator);
    cr_assert_not_null(v, "%s %s has no %s", r->zone, r->period, indicator);
    return v;
}

Test(live, live_report_is_the_committed_report_with_its_notes) {
    report_t r;
    ingest_jinshan("2017-06", 1, 2759085.3, "园区扩区，统计范围扩大", DEADLINE_2017_05);
    cr_assert_eq(live_report(&A.live, "jinshan", "2017-06", &r), 1);
    cr_assert_str_eq(r.zone, "jinshan");
    cr_assert_str_eq(r.period, "2017-06");
    cr_assert_eq(r.revision, 1);
    cr_assert_eq(r.n_values, 2, "revenue and employees; nothing for what it did not report");
    cr_assert_eq(value_of(&r, "revenue")->amount, 2759085.3);
    cr_assert(value_of(&r, "revenue")->has_growth);
    cr_assert_eq(value_of(&r, "revenue")->growth_pct, 10.5);
    cr_assert_not_null(value_of(&r, "revenue")->note, "the figure stood on a 说明");
    cr_assert_eq(value_of(&r, "employees")->amount, 19483);
    cr_assert_not(value_of(&r, "employees")->has_growth);
    cr_assert_null(value_of(&r, "employees")->note);
    report_clear(&r);

    /* a revision without the 说明 replaces it, note and all */
    ingest_jinshan("2017-06", 2, 2760000.0, NULL, DEADLINE_2017_05 + HOUR);
    cr_assert_eq(live_report(&A.live, "jinshan", "2017-06", &r), 1);
    cr_assert_eq(r.revision, 2);
    cr_assert_eq(value_of(&r, "revenue")->amount, 2760000.0);
    cr_assert_null(value_of(&r, "revenue")->note);
    report_clear(&r);

    cr_assert_eq(live_report(&A.live, "jinshan", "2017-05", &r), 0, "no report of May");
    cr_assert_eq(live_report(&A.live, "baoshan", "2017-06", &r), 0, "nor of another zone in June");
    cr_assert_eq(live_report(&A.live, "nowhere", "2017-06", &r), -1,
                 "a zone master data does not list: ask the store");
}

/* Built from the store at start, the live state says what it said when kept commit by
 * commit, 说明 marks included (read back with rstore_each_noted). */
Test(live, live_report_after_a_load_from_the_store_is_the_same) {
    live_t fresh;
    report_t a, b;
    ingest_jinshan("2017-05", 1, 2300000.0, NULL, DEADLINE_2017_04);
    ingest_jinshan("2017-06", 1, 2759085.3, "园区扩区，统计范围扩大", DEADLINE_2017_05);
    cr_assert_eq(live_init(&fresh, A.master, 10), 0);
    cr_assert_eq(live_load(&fresh, A.store), 0);
    for (int m = 5; m <= 6; m++) {
        char period[24];
        snprintf(period, sizeof period, "2017-%02d", m);
        cr_assert_eq(live_report(&A.live, "jinshan", period, &a), 1);
        cr_assert_eq(live_report(&fresh, "jinshan", period, &b), 1);
        cr_assert_eq(a.revision, b.revision);
        cr_assert_eq(a.n_values, b.n_values);
        for (size_t i = 0; i < a.n_values; i++) {
            cr_assert_str_eq(a.values[i].indicator, b.values[i].indicator);
            cr_assert_eq(a.values[i].amount, b.values[i].amount);
            cr_assert_eq(a.values[i].has_growth, b.values[i].has_growth);
            cr_assert_eq(!a.values[i].note, !b.values[i].note, "%s %s: the 说明 mark", period,
                         a.values[i].indicator);
        }
        report_clear(&a);
        report_clear(&b);
    }
    cr_assert_eq(live_report(&fresh, "jinshan", "2017-06", &b), 1);
    cr_assert_not_null(value_of(&b, "revenue")->note, "June's revenue stood on a 说明");
    report_clear(&b);
    cr_assert_eq(live_report(&fresh, "jinshan", "2017-05", &b), 1);
    cr_assert_null(value_of(&b, "revenue")->note, "May's did not");
    report_clear(&b);
    live_free(&fresh);
}

/* A live state that was never loaded (or failed to load) cannot say: the store decides. */
Test(live, live_report_of_a_state_not_loaded_defers_to_the_store) {
    live_t empty;
    report_t r;
    cr_assert_eq(live_init(&empty, A.master, 10), 0);
    cr_assert_eq(live_report(&empty, "jinshan", "2017-06", &r), -1);
    live_free(&empty);
}
