/* test_ingest.c - the aggregator's store half: revision rules and group commit.
 *
 * An aggregator_t is built in memory (no sockets) over the sample city's master data and
 * a report store in a temporary folder. Reports are jinshan's (county 410671) figures of
 * examples/sample-city/reports/2017-06/410671.csv with their CSV line numbers; each test
 * calls aggregator_ingest_batch() and checks what a collector reads in its ack and what
 * the central office finds in the store.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "../../aggregator/aggregator.h" /* -Icommon only */
#include "codec.h"
#include "diag.h"
#include "loop.h"
#include "master.h"
#include "period.h"
#include "report.h"
#include "rstore.h"

/* 2017-07-15 00:00 Asia/Shanghai (2017-07-14T16:00:00Z): June is reportable, August not. */
#define NOW_2017_07_15 1500048000000LL
#define MINUTE 60000LL

static aggregator_t A;
static char tmpdir[64], dbpath[128];

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char dir[4096], err[512] = "";
    diag_list_t mdl;
    memset(&mdl, 0, sizeof mdl);
    memset(&A, 0, sizeof A);
    A.cfg.batch_max = 256;
    snprintf(dir, sizeof dir, "%s/sample-city", ex && *ex ? ex : "examples");
    A.master = master_load(dir, &mdl);
    for (size_t i = 0; !A.master && i < mdl.n; i++) {
        char buf[800];
        diag_format(&mdl.items[i], buf, sizeof buf);
        cr_log_error("%s", buf);
    }
    diag_clear(&mdl);
    cr_assert_not_null(A.master, "cannot load the master data from %s", dir);

    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_ingest_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/reports.db", tmpdir);
    A.store = rstore_open(dbpath, false, err, sizeof err);
    cr_assert_not_null(A.store, "rstore_open: %s", err);
    /* as the aggregator starts: the live state from the store, which the checks read */
    cr_assert_eq(live_init(&A.live, A.master, A.master->policy.deadline_day), 0);
    cr_assert_eq(live_load(&A.live, A.store), 0);
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

TestSuite(ingest, .init = setup, .fini = teardown);

/* ---- building items ------------------------------------------------------------------ */

static void item_init(ingest_item_t *it, const char *county, const char *zone, const char *period,
                      uint32_t revision) {
    char id[64];
    memset(it, 0, sizeof *it);
    snprintf(it->county, sizeof it->county, "%s", county);
    it->identity_len = (size_t)snprintf(id, sizeof id, "c:%s:test", county);
    it->identity = malloc(it->identity_len);
    cr_assert_not_null(it->identity);
    memcpy(it->identity, id, it->identity_len);
    it->msg.kind = MSG_REPORT;
    codec_new_id(it->msg.id);
    snprintf(it->msg.report.zone, sizeof it->msg.report.zone, "%s", zone);
    snprintf(it->msg.report.period, sizeof it->msg.report.period, "%s", period);
    snprintf(it->msg.report.source, sizeof it->msg.report.source, "%s.csv", county);
    it->msg.report.revision = revision;
}

/* growth NAN: the indicator carries none */
static void add_value(ingest_item_t *it, const char *indicator, double amount, double growth, unsigned line) {
    report_value_t v;
    memset(&v, 0, sizeof v);
    snprintf(v.indicator, sizeof v.indicator, "%s", indicator);
    v.amount = amount;
    v.has_growth = !isnan(growth);
    v.growth_pct = v.has_growth ? growth : 0;
    v.line = line;
    cr_assert_not_null(report_add_value(&it->msg.report, &v));
}

/* jinshan 2017-06, rows of 410671.csv: revenue (flow, line 2), employees (stock, line 5),
 * rd_share (ratio %, line 7). */
static void jinshan_2017_06(ingest_item_t *it, uint32_t revision) {
    item_init(it, "410671", "jinshan", "2017-06", revision);
    add_value(it, "revenue", 2759085.3, 10.5, 2);
    add_value(it, "employees", 19483, 2.1, 5);
    add_value(it, "rd_share", 3.01, NAN, 7);
}

static void item_free(ingest_item_t *it) {
    free(it->identity);
    msg_clear(&it->msg);
    diag_clear(&it->ack.issues);
    diag_clear(&it->check_issues);
    free(it->content);
    memset(it, 0, sizeof *it);
}

/* Ingests items as one batch that must commit. */
static void ingest(ingest_item_t *items, size_t n, int64_t now_ms) {
    uint64_t commits = A.n_commits;
    cr_assert_eq(aggregator_ingest_batch(&A, items, n, now_ms), 0, "the batch did not commit");
    cr_assert_eq(A.n_commits, commits + 1, "one batch, one commit");
}

/* Ingests one item alone, then checks its status. */
static void ingest_one(ingest_item_t *it, int64_t now_ms, ack_status_t expect) {
    ingest(it, 1, now_ms);
    cr_assert_eq(it->ack.status, expect, "ack %s, expected %s (first issue: %s)",
                 ack_status_name(it->ack.status), ack_status_name(expect),
                 it->ack.issues.n ? it->ack.issues.items[0].message : "none");
}

/* ---- reading the store --------------------------------------------------------------- */

static long long q_int(const char *sql) {
    sqlite3_stmt *st;
    long long v;
    cr_assert_eq(sqlite3_prepare_v2(rstore_db(A.store), sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(rstore_db(A.store)));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static double q_double(const char *sql) {
    sqlite3_stmt *st;
    double v;
    cr_assert_eq(sqlite3_prepare_v2(rstore_db(A.store), sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* First column of the first row as text into buf ("" for NULL). */
static const char *q_text(const char *sql, char *buf, size_t size) {
    sqlite3_stmt *st;
    const unsigned char *t;
    cr_assert_eq(sqlite3_prepare_v2(rstore_db(A.store), sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    t = sqlite3_column_text(st, 0);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
    sqlite3_finalize(st);
    return buf;
}

static uint32_t current_rev(const char *zone, const char *period) {
    uint32_t rev = 0;
    int rc = rstore_current_revision(A.store, zone, period, &rev);
    cr_assert_geq(rc, 0);
    return rc == 1 ? rev : 0;
}

/* The first finding of that severity in the ack, or fails. */
static const diag_t *first_issue(const ack_t *ack, diag_severity_t sev) {
    for (size_t i = 0; i < ack->issues.n; i++)
        if (ack->issues.items[i].severity == sev) return &ack->issues.items[i];
    cr_assert_fail("the ack has no %s (%zu issues)", sev == DIAG_ERROR ? "error" : "warning", ack->issues.n);
    return NULL;
}

#define assert_says(msg, words)                                                                              \
    cr_assert_not_null(strstr((msg), (words)), "\"%s\" lacks \"%s\"", (msg), (words))

/* ---- ACCEPTED ------------------------------------------------------------------------ */

Test(ingest, new_report_is_accepted_and_stored) {
    ingest_item_t it;
    report_t back;
    char buf[256];
    jinshan_2017_06(&it, 1);
    ingest_one(&it, NOW_2017_07_15, ACK_ACCEPTED);

    cr_assert_str_eq(it.ack.zone, "jinshan");
    cr_assert_str_eq(it.ack.period, "2017-06");
    cr_assert_eq(it.ack.revision, 1);
    cr_assert_eq(it.ack.store_revision, 1);
    cr_assert_eq(it.ack.stored_at_ms, NOW_2017_07_15);
    cr_assert_eq(it.ack.issues.n_errors, 0);
    cr_assert_eq(it.ack.issues.n_warnings, 0, "first: %s",
                 it.ack.issues.n ? it.ack.issues.items[0].message : "");

    cr_assert_eq(current_rev("jinshan", "2017-06"), 1);
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 1);
    cr_assert_str_eq(q_text("SELECT county FROM reports WHERE zone='jinshan'", buf, sizeof buf), "410671");
    cr_assert_eq(q_int("SELECT stored_at_ms FROM reports WHERE zone='jinshan'"), NOW_2017_07_15);
    cr_assert_eq(q_int("SELECT count(*) FROM report_values WHERE period='2017-06' AND zone='jinshan'"), 3);
    cr_assert_float_eq(q_double("SELECT amount FROM report_values WHERE indicator='revenue'"), 2759085.3,
                       1e-6);
    cr_assert_float_eq(q_double("SELECT growth_pct FROM report_values WHERE indicator='revenue'"), 10.5,
                       1e-9);
    cr_assert_eq(q_int("SELECT growth_pct IS NULL FROM report_values WHERE indicator='rd_share'"), 1);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 1);
    cr_assert_str_eq(q_text("SELECT sender FROM report_history", buf, sizeof buf), "410671");
    cr_assert_str_eq(q_text("SELECT source FROM report_history", buf, sizeof buf), "410671.csv");
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 0);

    cr_assert_eq(rstore_load_report(A.store, "jinshan", "2017-06", &back), 1);
    cr_assert_eq(back.revision, 1);
    cr_assert_eq(back.n_values, 3);
    const report_value_t *e = report_find(&back, "employees");
    cr_assert_not_null(e);
    cr_assert_float_eq(e->amount, 19483, 1e-9);
    cr_assert(e->has_growth);
    cr_assert_float_eq(e->growth_pct, 2.1, 1e-9);
    cr_assert_not(report_find(&back, "rd_share")->has_growth);
    report_clear(&back);
    item_free(&it);
}

/* ---- DUPLICATE ----------------------------------------------------------------------- */

Test(ingest, same_revision_same_content_is_a_duplicate_stored_once) {
    ingest_item_t a, b;
    jinshan_2017_06(&a, 1);
    ingest_one(&a, NOW_2017_07_15, ACK_ACCEPTED);
    jinshan_2017_06(&b, 1);
    ingest_one(&b, NOW_2017_07_15 + 5 * MINUTE, ACK_DUPLICATE);

    cr_assert_eq(b.ack.revision, 1);
    cr_assert_eq(b.ack.store_revision, 1);
    cr_assert_eq(b.ack.stored_at_ms, NOW_2017_07_15, "a duplicate reports when it was first stored");
    cr_assert_eq(b.ack.issues.n_errors, 0);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 1);
    cr_assert_eq(q_int("SELECT count(*) FROM report_values"), 3);
    cr_assert_eq(q_int("SELECT stored_at_ms FROM reports"), NOW_2017_07_15);
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 0);
    item_free(&a);
    item_free(&b);
}

Test(ingest, duplicate_ignores_value_order_and_line_numbers) {
    ingest_item_t a, b;
    jinshan_2017_06(&a, 1);
    ingest_one(&a, NOW_2017_07_15, ACK_ACCEPTED);

    /* the same figures from a re-exported file: other order, other lines, other name */
    item_init(&b, "410671", "jinshan", "2017-06", 1);
    snprintf(b.msg.report.source, sizeof b.msg.report.source, "410671-resent.csv");
    add_value(&b, "rd_share", 3.01, NAN, 12);
    add_value(&b, "employees", 19483, 2.1, 13);
    add_value(&b, "revenue", 2759085.3, 10.5, 14);
    ingest_one(&b, NOW_2017_07_15 + MINUTE, ACK_DUPLICATE);
    cr_assert_eq(b.ack.store_revision, 1);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 1);
    item_free(&a);
    item_free(&b);
}

Test(ingest, same_report_twice_in_one_batch_is_accepted_then_duplicate) {
    ingest_item_t it[2];
    jinshan_2017_06(&it[0], 1);
    jinshan_2017_06(&it[1], 1);
    ingest(it, 2, NOW_2017_07_15);
    cr_assert_eq(it[0].ack.status, ACK_ACCEPTED);
    cr_assert_eq(it[1].ack.status, ACK_DUPLICATE);
    cr_assert_eq(it[1].ack.store_revision, 1);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 1);
    item_free(&it[0]);
    item_free(&it[1]);
}

/* ---- REJECTED: a revision number is never reused --------------------------------------- */

Test(ingest, same_revision_other_content_is_rejected) {
    ingest_item_t a, b;
    char buf[1024];
    jinshan_2017_06(&a, 1);
    ingest_one(&a, NOW_2017_07_15, ACK_ACCEPTED);

    item_init(&b, "410671", "jinshan", "2017-06", 1);
    add_value(&b, "revenue", 2759999.0, 10.5, 2); /* corrected, but not renumbered */
    add_value(&b, "employees", 19483, 2.1, 5);
    add_value(&b, "rd_share", 3.01, NAN, 7);
    ingest_one(&b, NOW_2017_07_15 + MINUTE, ACK_REJECTED);

    cr_assert_eq(b.ack.store_revision, 1);
    cr_assert_eq(b.ack.stored_at_ms, 0);
    const diag_t *d = first_issue(&b.ack, DIAG_ERROR);
    cr_assert_str_eq(d->field, "revision");
    assert_says(d->message, "never reused");
    assert_says(d->message, "revision 2");

    /* the store keeps revision 1 as it was */
    cr_assert_float_eq(q_double("SELECT amount FROM report_values WHERE indicator='revenue'"), 2759085.3,
                       1e-6);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 1);
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 1);
    cr_assert_str_eq(q_text("SELECT county FROM rejections", buf, sizeof buf), "410671");
    cr_assert_eq(q_int("SELECT revision FROM rejections"), 1);
    assert_says(q_text("SELECT reasons FROM rejections", buf, sizeof buf), "never reused");
    item_free(&a);
    item_free(&b);
}

/* ---- a correction: higher revision ------------------------------------------------------ */

Test(ingest, higher_revision_replaces_values_and_history_keeps_both) {
    ingest_item_t a, b;
    jinshan_2017_06(&a, 1);
    ingest_one(&a, NOW_2017_07_15, ACK_ACCEPTED);

    /* revision 2: revenue corrected, rd_share withdrawn */
    item_init(&b, "410671", "jinshan", "2017-06", 2);
    add_value(&b, "revenue", 2760000.0, 10.6, 2);
    add_value(&b, "employees", 19483, 2.1, 5);
    ingest_one(&b, NOW_2017_07_15 + MINUTE, ACK_ACCEPTED);

    cr_assert_eq(b.ack.store_revision, 2);
    cr_assert_eq(b.ack.stored_at_ms, NOW_2017_07_15 + MINUTE);
    cr_assert_eq(current_rev("jinshan", "2017-06"), 2);
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 1);
    cr_assert_eq(q_int("SELECT revision FROM reports"), 2);
    cr_assert_eq(q_int("SELECT count(*) FROM report_values"), 2);
    cr_assert_eq(q_int("SELECT count(*) FROM report_values WHERE indicator='rd_share'"), 0,
                 "a withdrawn indicator must leave the current values");
    cr_assert_float_eq(q_double("SELECT amount FROM report_values WHERE indicator='revenue'"), 2760000.0,
                       1e-6);
    cr_assert_eq(q_int("SELECT min(revision) FROM report_values"), 2);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history WHERE zone='jinshan' AND period='2017-06'"), 2);
    cr_assert_eq(q_int("SELECT group_concat(revision, ',') = '1,2' FROM "
                       "(SELECT revision FROM report_history ORDER BY revision)"),
                 1);
    cr_assert_eq(q_int("SELECT stored_at_ms FROM report_history WHERE revision=1"), NOW_2017_07_15);

    /* the audit trail still holds revision 1's content */
    uint8_t *content = NULL, *expect = NULL;
    size_t len = 0, elen = 0;
    int64_t at = 0;
    cr_assert_eq(rstore_revision_content(A.store, "jinshan", "2017-06", 1, &content, &len, &at), 1);
    cr_assert_eq(codec_report_content(&a.msg.report, &expect, &elen), 0);
    cr_assert_eq(len, elen);
    cr_assert_eq(memcmp(content, expect, len), 0);
    cr_assert_eq(at, NOW_2017_07_15);
    free(content);
    free(expect);
    item_free(&a);
    item_free(&b);
}

Test(ingest, revision_may_skip_numbers) {
    ingest_item_t a, b;
    jinshan_2017_06(&a, 1);
    ingest_one(&a, NOW_2017_07_15, ACK_ACCEPTED);
    jinshan_2017_06(&b, 5);
    b.msg.report.values[0].amount = 2760000.0;
    ingest_one(&b, NOW_2017_07_15 + MINUTE, ACK_ACCEPTED);
    cr_assert_eq(b.ack.store_revision, 5);
    cr_assert_eq(current_rev("jinshan", "2017-06"), 5);
    item_free(&a);
    item_free(&b);
}

/* ---- STALE and lower revisions ----------------------------------------------------------- */

Test(ingest, lower_revision_never_stored_is_stale) {
    ingest_item_t a, c, b;
    jinshan_2017_06(&a, 1);
    ingest_one(&a, NOW_2017_07_15, ACK_ACCEPTED);
    jinshan_2017_06(&c, 3);
    c.msg.report.values[0].amount = 2760300.0;
    ingest_one(&c, NOW_2017_07_15 + MINUTE, ACK_ACCEPTED);

    /* revision 2 arrives late (say from an old outbox): it was never stored */
    jinshan_2017_06(&b, 2);
    b.msg.report.values[0].amount = 2760200.0;
    ingest_one(&b, NOW_2017_07_15 + 2 * MINUTE, ACK_STALE);
    cr_assert_eq(b.ack.revision, 2);
    cr_assert_eq(b.ack.store_revision, 3, "the ack names the store's current revision");
    const diag_t *d = first_issue(&b.ack, DIAG_ERROR);
    assert_says(d->message, "revision 3");
    assert_says(d->message, "revision 4");

    cr_assert_eq(current_rev("jinshan", "2017-06"), 3);
    cr_assert_float_eq(q_double("SELECT amount FROM report_values WHERE indicator='revenue'"), 2760300.0,
                       1e-6);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 2);
    item_free(&a);
    item_free(&b);
    item_free(&c);
}

Test(ingest, lower_revision_stored_with_same_content_is_a_duplicate) {
    ingest_item_t a, b, again;
    jinshan_2017_06(&a, 1);
    ingest_one(&a, NOW_2017_07_15, ACK_ACCEPTED);
    jinshan_2017_06(&b, 2);
    b.msg.report.values[0].amount = 2760000.0;
    ingest_one(&b, NOW_2017_07_15 + MINUTE, ACK_ACCEPTED);

    /* the collector never got revision 1's ack and resends it */
    jinshan_2017_06(&again, 1);
    ingest_one(&again, NOW_2017_07_15 + 2 * MINUTE, ACK_DUPLICATE);
    cr_assert_eq(again.ack.store_revision, 2);
    cr_assert_eq(again.ack.stored_at_ms, NOW_2017_07_15);
    cr_assert_eq(current_rev("jinshan", "2017-06"), 2, "a resent old revision does not become current");
    cr_assert_float_eq(q_double("SELECT amount FROM report_values WHERE indicator='revenue'"), 2760000.0,
                       1e-6);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 2);
    item_free(&a);
    item_free(&b);
    item_free(&again);
}

Test(ingest, lower_stored_revision_with_other_content_is_rejected) {
    ingest_item_t a, b, other;
    jinshan_2017_06(&a, 1);
    ingest_one(&a, NOW_2017_07_15, ACK_ACCEPTED);
    jinshan_2017_06(&b, 2);
    b.msg.report.values[0].amount = 2760000.0;
    ingest_one(&b, NOW_2017_07_15 + MINUTE, ACK_ACCEPTED);

    jinshan_2017_06(&other, 1);
    other.msg.report.values[0].amount = 2761111.0;
    ingest_one(&other, NOW_2017_07_15 + 2 * MINUTE, ACK_REJECTED);
    cr_assert_eq(other.ack.store_revision, 2);
    const diag_t *d = first_issue(&other.ack, DIAG_ERROR);
    assert_says(d->message, "never reused");
    assert_says(d->message, "revision 3");
    cr_assert_eq(current_rev("jinshan", "2017-06"), 2);
    cr_assert_float_eq(q_double("SELECT amount FROM report_values WHERE indicator='revenue'"), 2760000.0,
                       1e-6);
    item_free(&a);
    item_free(&b);
    item_free(&other);
}

/* ---- REJECTED by validation -------------------------------------------------------------- */

Test(ingest, zone_of_another_county_is_rejected_and_recorded) {
    ingest_item_t it;
    char buf[1024];
    jinshan_2017_06(&it, 1);
    snprintf(it.county, sizeof it.county, "410602"); /* 鹤山区 claims 鹤壁经开区's zone */
    ingest_one(&it, NOW_2017_07_15, ACK_REJECTED);

    cr_assert_eq(it.ack.store_revision, 0);
    const diag_t *d = first_issue(&it.ack, DIAG_ERROR);
    cr_assert_str_eq(d->field, "zone");
    assert_says(d->message, "410602");
    assert_says(d->message, "410671");

    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 0);
    cr_assert_eq(q_int("SELECT count(*) FROM report_values"), 0);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 0);
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 1);
    cr_assert_str_eq(q_text("SELECT county FROM rejections", buf, sizeof buf), "410602");
    cr_assert_str_eq(q_text("SELECT zone FROM rejections", buf, sizeof buf), "jinshan");
    cr_assert_str_eq(q_text("SELECT period FROM rejections", buf, sizeof buf), "2017-06");
    cr_assert_eq(q_int("SELECT received_at_ms FROM rejections"), NOW_2017_07_15);
    q_text("SELECT reasons FROM rejections", buf, sizeof buf);
    assert_says(buf, "410602");
    assert_says(buf, "410671");
    item_free(&it);
}

Test(ingest, rejection_keeps_the_store_revision_in_the_ack) {
    ingest_item_t a, b;
    jinshan_2017_06(&a, 2);
    ingest_one(&a, NOW_2017_07_15, ACK_ACCEPTED);
    jinshan_2017_06(&b, 3);
    add_value(&b, "tax", -1.0, NAN, 8);
    ingest_one(&b, NOW_2017_07_15 + MINUTE, ACK_REJECTED);
    cr_assert_eq(b.ack.store_revision, 2);
    cr_assert_eq(current_rev("jinshan", "2017-06"), 2);
    item_free(&a);
    item_free(&b);
}

Test(ingest, unknown_zone_of_an_unknown_county_is_rejected) {
    ingest_item_t it;
    char buf[1024];
    item_init(&it, "410699", "jinshan2", "2017-06", 1);
    add_value(&it, "revenue", 2759085.3, 10.5, 2);
    ingest_one(&it, NOW_2017_07_15, ACK_REJECTED);
    const diag_t *d = first_issue(&it.ack, DIAG_ERROR);
    cr_assert_str_eq(d->field, "zone");
    assert_says(d->message, "unknown zone \"jinshan2\"");
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 0);
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 1);
    assert_says(q_text("SELECT reasons FROM rejections", buf, sizeof buf), "jinshan2");
    item_free(&it);
}

Test(ingest, negative_flow_is_rejected_with_its_line) {
    ingest_item_t it;
    char buf[1024];
    item_init(&it, "410671", "jinshan", "2017-06", 1);
    add_value(&it, "revenue", 2759085.3, 10.5, 2);
    add_value(&it, "tax", -124483.9, 5.9, 6);
    add_value(&it, "rd_share", 3.01, NAN, 7);
    ingest_one(&it, NOW_2017_07_15, ACK_REJECTED);

    cr_assert_eq(it.ack.issues.n_errors, 1);
    const diag_t *d = first_issue(&it.ack, DIAG_ERROR);
    cr_assert_str_eq(d->field, "amount");
    cr_assert_eq(d->line, 6, "the error points at the tax row");
    assert_says(d->message, "tax");
    assert_says(d->message, "negative");
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 0);
    cr_assert_eq(q_int("SELECT count(*) FROM report_values"), 0, "nothing of a rejected report is stored");
    q_text("SELECT reasons FROM rejections", buf, sizeof buf);
    assert_says(buf, "410671.csv:6: amount:");
    item_free(&it);
}

Test(ingest, future_period_is_rejected) {
    ingest_item_t it;
    item_init(&it, "410671", "jinshan", "2017-09", 1); /* beyond the next month: final */
    add_value(&it, "revenue", 3200000.0, 10.5, 2);
    ingest_one(&it, NOW_2017_07_15, ACK_REJECTED);
    cr_assert_str_eq(first_issue(&it.ack, DIAG_ERROR)->field, "period");
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 0);
    item_free(&it);
}

/* The central office's regions.csv lags behind the county's: not final. */
Test(ingest, unknown_zone_of_a_known_county_is_retry_and_stores_nothing) {
    ingest_item_t it;
    item_init(&it, "410671", "jinshan2", "2017-06", 1);
    add_value(&it, "revenue", 2759085.3, 10.5, 2);
    ingest_one(&it, NOW_2017_07_15, ACK_RETRY);
    const diag_t *d = first_issue(&it.ack, DIAG_WARNING);
    cr_assert_str_eq(d->field, "zone");
    assert_says(d->message, "zone \"jinshan2\" is not in the central office's master data for county 410671");
    cr_assert_eq(it.ack.issues.n_errors, 0);
    cr_assert_eq(it.ack.store_revision, 0);
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 0);
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 0);
    item_free(&it);
}

/* A report received (and checked on the loop) before a master data reload is judged
 * by the master data in force when it is committed: here jinshan2, unknown when it
 * came, is listed by the reloaded regions.csv. */
Test(ingest, a_report_checked_before_a_master_data_reload_is_checked_again) {
    ingest_item_t it;
    char cmd[4400], city[128];
    const char *ex = getenv("YUEBAO_EXAMPLES");
    snprintf(city, sizeof city, "%s/city", tmpdir);
    snprintf(cmd, sizeof cmd,
             "cp -r '%s/sample-city' '%s' && printf '410671,鹤壁经济技术开发区管委会,jinshan2,金山二区,电子\\n' >> '%s/regions.csv'",
             ex && *ex ? ex : "examples", city, city);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    item_init(&it, "410671", "jinshan2", "2017-06", 1);
    add_value(&it, "revenue", 2759085.3, 10.5, 2);
    aggregator_ingest_check(&A, &it, NOW_2017_07_15);
    cr_assert_gt(it.check_errors, 0, "jinshan2 is not in the master data it came under");

    snprintf(A.cfg.master_dir, sizeof A.cfg.master_dir, "%s", city);
    cr_assert_eq(aggregator_master_load(&A), 0, "the reload");
    cr_assert_eq(aggregator_live_rebuild(&A, false), 0, "as on SIGHUP");
    ingest_one(&it, NOW_2017_07_15, ACK_ACCEPTED);
    cr_assert_eq(current_rev("jinshan2", "2017-06"), 1);
    item_free(&it);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", city);
    cr_expect_eq(system(cmd), 0);
}

/* A zone with a C1 control (U+009B CSI, bytes C2 9B) is refused by validation as a
 * control character: final, not RETRY (the receiver's master data cannot cure it), and
 * the zone is recorded escaped. */
Test(ingest, zone_with_a_c1_control_is_rejected_not_retried) {
    ingest_item_t it;
    char buf[128];
    item_init(&it, "410671", "jin\xc2\x9b" "31mshan", "2017-06", 1);
    add_value(&it, "revenue", 2759085.3, 10.5, 2);
    ingest_one(&it, NOW_2017_07_15, ACK_REJECTED);
    assert_says(first_issue(&it.ack, DIAG_ERROR)->message, "contains a control character");
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 1);
    cr_assert_str_eq(q_text("SELECT zone FROM rejections", buf, sizeof buf), "jin\\u009b31mshan");
    item_free(&it);
}

/* An unknown zone of a known county and another error in the zone field together are
 * final: only the findings validation tags transient make a RETRY. */
Test(ingest, unknown_zone_with_another_error_is_rejected) {
    ingest_item_t it;
    item_init(&it, "410671", "jinshan2", "2017-06", 1);
    add_value(&it, "revenue", -5, 10.5, 2);
    ingest_one(&it, NOW_2017_07_15, ACK_REJECTED);
    item_free(&it);
}

/* The RETRY text tells the aggregator's own time, not its time plus the tolerated skew. */
Test(ingest, next_month_retry_tells_the_real_time_under_clock_skew) {
    ingest_item_t it;
    A.cfg.clock_skew_s = 600;
    item_init(&it, "410671", "jinshan", "2017-08", 1);
    add_value(&it, "revenue", 3200000.0, 10.5, 2);
    ingest_one(&it, NOW_2017_07_15, ACK_RETRY);
    assert_says(first_issue(&it.ack, DIAG_WARNING)->message, "(its time is 2017-07-15 00:00:00,");
    item_free(&it);
}

/* 15 July: August is the central office's next month, its clock may be behind. */
Test(ingest, next_month_is_retry_and_stores_nothing) {
    ingest_item_t it;
    item_init(&it, "410671", "jinshan", "2017-08", 1);
    add_value(&it, "revenue", 3200000.0, 10.5, 2);
    ingest_one(&it, NOW_2017_07_15, ACK_RETRY);
    assert_says(
        first_issue(&it.ack, DIAG_WARNING)->message,
        "the central office's clock says 2017-08 is still in the future (its time is 2017-07-15 00:00:00");
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 0);
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 0);
    item_free(&it);
}

/* clock_skew_s: ten minutes to midnight on 31 July, August is taken. */
Test(ingest, clock_skew_is_tolerated) {
    ingest_item_t it;
    A.cfg.clock_skew_s = 600;
    item_init(&it, "410671", "jinshan", "2017-08", 1);
    add_value(&it, "revenue", 3200000.0, 10.5, 2);
    /* 2017-08-01 00:00 Asia/Shanghai = 2017-07-31T16:00Z, minus 5 minutes */
    ingest_one(&it, 1501516800000LL - 5 * MINUTE, ACK_ACCEPTED);
    item_free(&it);
}

/* ---- soft warnings ------------------------------------------------------------------------- */

Test(ingest, ytd_below_previous_period_is_accepted_with_a_warning) {
    ingest_item_t may, june;
    char buf[1024];
    item_init(&may, "410671", "jinshan", "2017-05", 1);
    add_value(&may, "revenue", 2300000.0, 10.0, 2);
    add_value(&may, "employees", 19400, 2.0, 5);
    ingest_one(&may, NOW_2017_07_15, ACK_ACCEPTED);
    cr_assert_eq(may.ack.issues.n, 0);

    /* June's revenue typed as the month's own figure instead of the YTD */
    item_init(&june, "410671", "jinshan", "2017-06", 1);
    add_value(&june, "revenue", 459085.3, 10.5, 2);
    add_value(&june, "employees", 19300, 2.1, 5); /* a stock may fall: no warning */
    ingest_one(&june, NOW_2017_07_15 + MINUTE, ACK_ACCEPTED);

    cr_assert_eq(june.ack.store_revision, 1);
    cr_assert_eq(june.ack.issues.n_errors, 0);
    cr_assert_eq(june.ack.issues.n_warnings, 1);
    const diag_t *d = first_issue(&june.ack, DIAG_WARNING);
    cr_assert_str_eq(d->field, "amount");
    cr_assert_eq(d->line, 2);
    assert_says(d->message, "revenue");
    assert_says(d->message, "2017-05");

    cr_assert_eq(current_rev("jinshan", "2017-06"), 1);
    cr_assert_eq(q_int("SELECT count(*) FROM issues"), 1);
    cr_assert_eq(q_int("SELECT count(*) FROM issues i JOIN report_history h ON h.id = i.history_id"
                       " WHERE h.period='2017-06' AND h.zone='jinshan' AND h.revision=1"),
                 1);
    cr_assert_eq(q_int("SELECT line FROM issues"), 2);
    cr_assert_str_eq(q_text("SELECT field FROM issues", buf, sizeof buf), "amount");
    assert_says(q_text("SELECT message FROM issues", buf, sizeof buf), "revenue");
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 0);
    item_free(&may);
    item_free(&june);
}

/* The previous month sent in the same batch is the one June is checked against: it is
 * in neither the store's committed state nor the live state yet. */
Test(ingest, a_previous_month_in_the_same_batch_is_checked_against) {
    ingest_item_t it[2];
    item_init(&it[0], "410671", "jinshan", "2017-05", 1);
    add_value(&it[0], "revenue", 2300000.0, 10.0, 2);
    item_init(&it[1], "410671", "jinshan", "2017-06", 1);
    add_value(&it[1], "revenue", 459085.3, 10.5, 2);
    ingest(it, 2, NOW_2017_07_15);
    cr_assert_eq(it[0].ack.status, ACK_ACCEPTED);
    cr_assert_eq(it[1].ack.status, ACK_ACCEPTED);
    cr_assert_eq(it[1].ack.issues.n_warnings, 1, "June's YTD below May's");
    assert_says(first_issue(&it[1].ack, DIAG_WARNING)->message, "2017-05");
    item_free(&it[0]);
    item_free(&it[1]);
}

/* A May refused in the same batch is no baseline: June is checked against what is
 * stored, and nothing of May is. */
Test(ingest, a_refused_report_earlier_in_the_batch_is_not_checked_against) {
    ingest_item_t it[2];
    item_init(&it[0], "410671", "jinshan", "2017-05", 1);
    add_value(&it[0], "revenue", 2300000.0, 10.0, 2);
    add_value(&it[0], "tax", -1.0, 5.9, 6); /* refused: a negative flow */
    item_init(&it[1], "410671", "jinshan", "2017-06", 1);
    add_value(&it[1], "revenue", 459085.3, 10.5, 2);
    ingest(it, 2, NOW_2017_07_15);
    cr_assert_eq(it[0].ack.status, ACK_REJECTED);
    cr_assert_eq(it[1].ack.status, ACK_ACCEPTED);
    cr_assert_eq(it[1].ack.issues.n_warnings, 0, "not below the refused May: %s",
                 it[1].ack.issues.n ? it[1].ack.issues.items[0].message : "");
    item_free(&it[0]);
    item_free(&it[1]);
}

/* A figure accepted on a 说明 is no baseline for its next revision (plausibility.c), as
 * the live state keeps it: a revision repeating the jump without the 说明 is refused. */
Test(ingest, a_figure_that_stood_on_a_note_is_no_baseline_for_the_next_revision) {
    ingest_item_t may, june1, june2;
    item_init(&may, "410671", "jinshan", "2017-05", 1);
    add_value(&may, "revenue", 2300000.0, 10.0, 2);
    ingest_one(&may, NOW_2017_07_15, ACK_ACCEPTED);
    item_init(&june1, "410671", "jinshan", "2017-06", 1);
    add_value(&june1, "revenue", 2.3e10, 10.5, 2);
    june1.msg.report.values[0].note = strdup("园区托管富士康科技园，统计范围扩大");
    ingest_one(&june1, NOW_2017_07_15 + MINUTE, ACK_ACCEPTED);
    item_init(&june2, "410671", "jinshan", "2017-06", 2);
    add_value(&june2, "revenue", 2.3e10, 10.5, 2);
    ingest_one(&june2, NOW_2017_07_15 + 2 * MINUTE, ACK_REJECTED);
    assert_says(first_issue(&june2.ack, DIAG_ERROR)->message, "2017-05");
    item_free(&may);
    item_free(&june1);
    item_free(&june2);
}

/* May's figure changed in the store behind the aggregator's back (an analyst's UPDATE):
 * the checks compare with what the aggregator committed, which its live state keeps;
 * with a live state that cannot say (a failed load or update), with the store. */
static void june_after_a_tampered_may(bool live_whole, int expect_warnings) {
    ingest_item_t may, june;
    item_init(&may, "410671", "jinshan", "2017-05", 1);
    add_value(&may, "revenue", 2300000.0, 10.0, 2);
    ingest_one(&may, NOW_2017_07_15, ACK_ACCEPTED);
    cr_assert_eq(
        sqlite3_exec(rstore_db(A.store),
                     "UPDATE report_values SET amount = 400000 WHERE period = '2017-05' AND zone = 'jinshan'",
                     NULL, NULL, NULL),
        SQLITE_OK);
    A.live.whole = live_whole;
    item_init(&june, "410671", "jinshan", "2017-06", 1);
    add_value(&june, "revenue", 459085.3, 10.5, 2);
    ingest_one(&june, NOW_2017_07_15 + MINUTE, ACK_ACCEPTED);
    cr_assert_eq(june.ack.issues.n_warnings, expect_warnings, "%s",
                 june.ack.issues.n ? june.ack.issues.items[0].message : "no warning");
    item_free(&may);
    item_free(&june);
}

Test(ingest, the_checks_compare_with_the_committed_state_kept_in_memory) {
    june_after_a_tampered_may(true, 1); /* 459085.3 < the committed 2300000 */
}

Test(ingest, without_a_whole_live_state_the_checks_read_the_store) {
    june_after_a_tampered_may(false, 0); /* 459085.3 > the store's 400000 */
}

/* ---- group commit --------------------------------------------------------------------------- */

Test(ingest, fifty_reports_in_one_commit) {
    enum { N = 50 };
    static const char *const periods[] = {"2017-02", "2017-03", "2017-04", "2017-05",
                                          "2017-06", "2017-07", "2016-11", "2016-12"};
    ingest_item_t it[N];
    size_t nz = A.master->n_zones;
    uint64_t commits = A.n_commits;
    cr_assert_geq(nz * 8, (size_t)N);
    for (size_t i = 0; i < N; i++) {
        const zone_t *z = &A.master->zones[i % nz];
        item_init(&it[i], z->county, z->code, periods[i / nz], 1);
        add_value(&it[i], "revenue", 100000.0 + (double)i, 9.5, 2);
        add_value(&it[i], "employees", 1000.0 + (double)i, NAN, 5);
    }
    cr_assert_eq(aggregator_ingest_batch(&A, it, N, NOW_2017_07_15), 0);
    cr_assert_eq(A.n_commits, commits + 1, "the whole batch shares one commit");
    for (size_t i = 0; i < N; i++) {
        cr_assert_eq(it[i].ack.status, ACK_ACCEPTED, "item %zu (%s %s): %s, %s", i, it[i].msg.report.zone,
                     it[i].msg.report.period, ack_status_name(it[i].ack.status),
                     it[i].ack.issues.n ? it[i].ack.issues.items[0].message : "");
        cr_assert_eq(it[i].ack.store_revision, 1);
    }
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), N);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), N);
    cr_assert_eq(q_int("SELECT count(*) FROM report_values"), 2 * N);
    cr_assert_eq(q_int("SELECT count(DISTINCT zone) FROM reports"), (long long)nz);
    for (size_t i = 0; i < N; i++)
        item_free(&it[i]);
}

Test(ingest, two_revisions_of_one_report_in_one_batch) {
    ingest_item_t it[2];
    jinshan_2017_06(&it[0], 1);
    jinshan_2017_06(&it[1], 2);
    it[1].msg.report.values[0].amount = 2760000.0;
    ingest(it, 2, NOW_2017_07_15);
    cr_assert_eq(it[0].ack.status, ACK_ACCEPTED);
    cr_assert_eq(it[0].ack.store_revision, 1);
    cr_assert_eq(it[1].ack.status, ACK_ACCEPTED);
    cr_assert_eq(it[1].ack.store_revision, 2);
    cr_assert_eq(current_rev("jinshan", "2017-06"), 2);
    cr_assert_float_eq(q_double("SELECT amount FROM report_values WHERE indicator='revenue'"), 2760000.0,
                       1e-6);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 2);
    item_free(&it[0]);
    item_free(&it[1]);
}

Test(ingest, a_rejected_report_does_not_spoil_its_batch) {
    ingest_item_t it[3];
    jinshan_2017_06(&it[0], 1);
    item_init(&it[1], "410602", "jinshan", "2017-05", 1); /* wrong county */
    add_value(&it[1], "revenue", 1.0, NAN, 2);
    item_init(&it[2], "410602", "baoshan", "2017-06", 1);
    add_value(&it[2], "revenue", 2032384.0, 11.4, 2);
    ingest(it, 3, NOW_2017_07_15);
    cr_assert_eq(it[0].ack.status, ACK_ACCEPTED);
    cr_assert_eq(it[1].ack.status, ACK_REJECTED);
    cr_assert_eq(it[2].ack.status, ACK_ACCEPTED);
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 2);
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 1);
    for (size_t i = 0; i < 3; i++)
        item_free(&it[i]);
}

/* A store error on the third report: the first two, already written inside the
 * transaction, must vanish with it, and no commit is counted. */
Test(ingest, store_failure_rolls_back_the_whole_batch) {
    ingest_item_t it[4];
    char *msg = NULL;
    uint64_t commits;
    const zone_t *heqi = master_zone(A.master, "heqi");
    cr_assert_not_null(heqi);
    cr_assert_eq(sqlite3_exec(rstore_db(A.store),
                              "CREATE TRIGGER fail_heqi BEFORE INSERT ON report_history"
                              " WHEN NEW.zone = 'heqi' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
                              NULL, NULL, &msg),
                 SQLITE_OK, "%s", msg ? msg : "");
    jinshan_2017_06(&it[0], 1);
    item_init(&it[1], "410602", "baoshan", "2017-06", 1);
    add_value(&it[1], "revenue", 2032384.0, 11.4, 2);
    item_init(&it[2], heqi->county, "heqi", "2017-06", 1);
    add_value(&it[2], "revenue", 1500000.0, 9.0, 2);
    item_init(&it[3], "410671", "shifanqu", "2017-06", 1); /* another county's: a rejection row */
    add_value(&it[3], "revenue", 1.0, NAN, 2);

    commits = A.n_commits;
    cr_assert_eq(aggregator_ingest_batch(&A, it, 4, NOW_2017_07_15), -1);
    cr_assert_eq(A.n_commits, commits, "a failed batch is not a commit");
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 0);
    cr_assert_eq(q_int("SELECT count(*) FROM report_values"), 0);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 0);
    cr_assert_eq(q_int("SELECT count(*) FROM rejections"), 0);
    cr_assert(sqlite3_get_autocommit(rstore_db(A.store)), "the transaction must be closed");

    /* the store is still usable: the collectors resend and it goes through */
    cr_assert_eq(sqlite3_exec(rstore_db(A.store), "DROP TRIGGER fail_heqi", NULL, NULL, NULL), SQLITE_OK);
    ingest(it, 4, NOW_2017_07_15 + MINUTE);
    cr_assert_eq(it[0].ack.status, ACK_ACCEPTED);
    cr_assert_eq(it[1].ack.status, ACK_ACCEPTED);
    cr_assert_eq(it[2].ack.status, ACK_ACCEPTED);
    cr_assert_eq(it[3].ack.status, ACK_REJECTED);
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 3);
    cr_assert_eq(q_int("SELECT count(*) FROM report_history"), 3);
    for (size_t i = 0; i < 4; i++)
        item_free(&it[i]);
}

Test(ingest, read_only_store_fails_the_batch) {
    ingest_item_t it;
    char err[512] = "";
    rstore_close(&A.store);
    A.store = rstore_open(dbpath, true, err, sizeof err);
    cr_assert_not_null(A.store, "%s", err);
    jinshan_2017_06(&it, 1);
    cr_assert_eq(aggregator_ingest_batch(&A, &it, 1, NOW_2017_07_15), -1);
    cr_assert_eq(A.n_commits, 0);
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 0);
    item_free(&it);
}

/* A commit hook that vetoes: COMMIT fails and SQLite has already rolled back. */
static int veto_commit(void *arg) {
    (void)arg;
    return 1;
}

/* Lines of what was written to the redirected stderr. */
static int stderr_lines(char *buf, size_t size) {
    FILE *f;
    size_t n;
    int lines = 0;
    fflush(stderr);
    f = cr_get_redirected_stderr();
    cr_assert_not_null(f);
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\n') lines++;
    return lines;
}

Test(ingest, failed_commit_logs_one_clear_line_and_stores_nothing) {
    ingest_item_t it;
    char log[4096];
    cr_redirect_stderr(); /* after the setup's own lines */
    jinshan_2017_06(&it, 1);
    sqlite3_commit_hook(rstore_db(A.store), veto_commit, NULL);
    cr_assert_eq(aggregator_ingest_batch(&A, &it, 1, NOW_2017_07_15), -1);
    cr_assert_eq(A.n_commits, 0);
    sqlite3_commit_hook(rstore_db(A.store), NULL, NULL);
    cr_assert(sqlite3_get_autocommit(rstore_db(A.store)), "the transaction must be closed");
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 0);

    int lines = stderr_lines(log, sizeof log);
    cr_assert_eq(lines, 1, "one line for one failure:\n%s", log);
    cr_assert_null(strstr(log, "cannot rollback"), "no confusing follow-up error:\n%s", log);
    cr_assert_not_null(strstr(log, "reports.db"), "the line names the store:\n%s", log);
    cr_assert_not_null(strstr(log, "no acks sent"), "the line says what happens next:\n%s", log);

    /* the store is still usable: the resend goes through */
    ingest_one(&it, NOW_2017_07_15 + MINUTE, ACK_ACCEPTED);
    item_free(&it);
}

/* ---- a busy store without a timer ------------------------------------------------------ */

static void stop_loop(loop_t *loop, void *arg) {
    (void)arg;
    loop_stop(loop);
}

static void stop_on_ack(loop_t *loop, void *socket, int fd, void *arg) {
    (void)socket;
    (void)fd;
    (void)arg;
    loop_stop(loop);
}

static void no_op(loop_t *loop, void *arg) {
    (void)loop;
    (void)arg;
}

/* Sends it's report from dealer and waits until the ROUTER has it. */
static void send_report(void *dealer, void *router, ingest_item_t *it) {
    uint8_t *buf;
    size_t len;
    zmq_pollitem_t pi = {router, 0, ZMQ_POLLIN, 0};
    cr_assert_eq(codec_encode(&it->msg, &buf, &len), 0);
    cr_assert_eq(zmq_send(dealer, buf, len, 0), (int)len);
    free(buf);
    cr_assert_eq(zmq_poll(&pi, 1, 10000), 1, "the report did not arrive");
}

/* The store is busy (an analyst's BEGIN IMMEDIATE) and the loop has no timer left to
 * retry with: the held batch is dropped unacknowledged (its collector resends) and the
 * ROUTER is read again, so the resent report is stored once the lock is gone. Before,
 * the ROUTER stayed out of the loop with nothing to bring it back. */
Test(ingest, busy_store_without_a_timer_drops_the_held_batch_and_reads_on) {
    void *ctx = zmq_ctx_new(), *router = zmq_socket(ctx, ZMQ_ROUTER), *dealer = zmq_socket(ctx, ZMQ_DEALER);
    sqlite3 *analyst;
    ingest_item_t it;
    int linger = 0, timers = 0;
    uint8_t ackbuf[4096];
    msg_t ack;
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "c:410671:t", 10);
    cr_assert_eq(zmq_bind(router, "inproc://yb-busy"), 0);
    cr_assert_eq(zmq_connect(dealer, "inproc://yb-busy"), 0);
    A.cfg.insecure = true;
    A.router = router;
    A.loop = loop_new();
    A.batch = calloc((size_t)A.cfg.batch_max, sizeof *A.batch);
    A.inflight = calloc((size_t)A.cfg.batch_max, sizeof *A.inflight);
    cr_assert(A.loop && A.batch && A.inflight);
    cr_assert_eq(loop_add_socket(A.loop, router, aggregator_ingest_ready, &A), 0);
    cr_assert_eq(loop_add_socket(A.loop, dealer, stop_on_ack, NULL), 0);
    cr_assert_geq(loop_add_timer(A.loop, 60000, false, stop_loop, NULL), 0); /* a safety net only */
    while (loop_add_timer(A.loop, 3600000, false, no_op, NULL) >= 0)
        timers++;
    cr_assert_gt(timers, 0, "the loop's timer table is full");

    rstore_set_busy_timeout(A.store, 0);
    cr_assert_eq(sqlite3_open(dbpath, &analyst), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(analyst, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

    jinshan_2017_06(&it, 1);
    send_report(dealer, router, &it);
    aggregator_ingest_ready(A.loop, router, -1, &A);
    cr_assert_eq(A.n_batch + A.n_inflight, 0, "the batch is dropped, not held with no timer to retry it");
    cr_assert_eq(A.busy_since_ms, 0);

    sqlite3_exec(analyst, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(analyst);
    send_report(dealer, router, &it); /* the collector resends */
    cr_assert_eq(loop_run(A.loop), 0);
    int n = zmq_recv(dealer, ackbuf, sizeof ackbuf, ZMQ_DONTWAIT);
    cr_assert_gt(n, 0, "no ack: the ROUTER was not read again");
    cr_assert_eq(codec_decode(ackbuf, (size_t)n, &ack, NULL, 0), 0);
    cr_assert_eq(ack.ack.status, ACK_ACCEPTED);
    cr_assert_eq(zmq_recv(dealer, ackbuf, sizeof ackbuf, ZMQ_DONTWAIT), -1, "one ack: the first was dropped");
    cr_assert_eq(q_int("SELECT count(*) FROM reports"), 1);
    msg_clear(&ack);
    item_free(&it);
    loop_destroy(&A.loop);
    free(A.batch);
    free(A.inflight);
    zmq_close(dealer);
    zmq_close(router);
    zmq_ctx_term(ctx);
}
