/* test_e2e_ingest.c - end to end: real collectors and a real aggregator, the store
 * checked the way a county office and the central office would check it.
 *
 * Each test has its own temporary folder and its own aggregator (ipc:// in the folder,
 * tcp://127.0.0.1 in one test); .fini kills whatever is still running.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <zmq.h>

#include "e2e_suite.h"

TestSuite(e2e_ingest, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 60);

/* ---- helpers -------------------------------------------------------------------- */

static bool near(double a, double b) {
    return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b));
}

/* Data rows of a CSV file (its lines but the header). */
static int data_rows(const char *csv) {
    int n = e2e_count_lines(csv);
    cr_assert_gt(n, 1, "%s: no data rows", csv);
    return n - 1;
}

/* A raw collector speaking for county, with a fixed suffix in its routing id. */
static void *raw_client(const char *county, const char *suffix) {
    void *d = e2e_dealer(agg.listen, P("c:%s:%s", county, suffix));
    cr_assert_not_null(d, "cannot connect a raw client to %s", agg.listen);
    return d;
}

static void load_report(const char *rel, const char *zone, uint32_t revision, report_t *r) {
    cr_assert_eq(e2e_load_report(e2e_sample(rel), NULL, zone, revision, r), 0, "cannot read %s", rel);
}

typedef struct {
    uint8_t id[MSG_ID_LEN];
    uint8_t *bytes;
    size_t len;
} wire_t;

static void encode(const report_t *r, wire_t *w) {
    cr_assert_eq(e2e_encode_report(r, w->id, &w->bytes, &w->len), 0, "cannot encode the report");
}

/* Sends w and returns its ack (status asserted to be an ack of w). */
static ack_status_t exchange(void *dealer, const wire_t *w, msg_t *ack) {
    int st = e2e_exchange(dealer, w->bytes, w->len, w->id, e2e_scaled_ms(10000), ack);
    cr_assert_geq(st, 0, "no ack for the report; aggregator log:\n%s", e2e_tail(agg.err_log, 2000));
    return (ack_status_t)st;
}

static void check_ack(const msg_t *m, ack_status_t want, const char *zone, const char *period,
                      uint32_t revision, uint32_t store_revision) {
    const ack_t *a = &m->ack;
    char first[1024] = "";
    if (a->issues.n) diag_format(&a->issues.items[0], first, sizeof first);
    cr_assert_eq(a->status, want, "ack %s for %s %s rev %u, expected %s (%s)", ack_status_name(a->status),
                 zone, period, revision, ack_status_name(want), first);
    cr_assert_str_eq(a->zone, zone);
    cr_assert_str_eq(a->period, period);
    cr_assert_eq(a->revision, revision);
    cr_assert_eq(a->store_revision, store_revision, "ack says the store has revision %u, expected %u",
                 a->store_revision, store_revision);
}

/* Changes the content: revenue (year to date) raised by delta. */
static void bump_revenue(report_t *r, double delta) {
    for (size_t i = 0; i < r->n_values; i++)
        if (!strcmp(r->values[i].indicator, "revenue")) {
            r->values[i].amount += delta;
            return;
        }
    cr_assert_fail("the report has no revenue value");
}

static double revenue_of(const report_t *r) {
    const report_value_t *v = report_find(r, "revenue");
    cr_assert_not_null(v);
    return v->amount;
}

/* Submits jinshan's June file with its key projects to the running aggregator and checks
 * what the county and the central office would: exit 0, ACCEPTED, the values as in the
 * file, the two projects. */
static void submit_jinshan_june_and_check(void) {
    const char *csv = e2e_sample("reports/2017-06/410671.csv");
    const char *projects = e2e_sample("reports/2017-06/410671.projects.csv");
    char *out = NULL;
    int rc = e2e_submit(P("%s/submit", dir), &out, "410671", agg.listen, P("%s/outbox.db", dir), csv,
                        projects, NULL);
    cr_assert_eq(rc, 0, "submit exited %d\nstdout:\n%s\nstderr:\n%s", rc, out,
                 e2e_tail(P("%s/submit.err", dir), 2000));
    cr_assert_not_null(strstr(out, "ACCEPTED"), "stdout:\n%s", out);
    cr_assert_not_null(strstr(out, "jinshan 2017-06 revision 1"), "stdout:\n%s", out);
    free(out);

    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='jinshan' AND period='2017-06'"), 1);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='jinshan' AND period='2017-06'"), 1);
    cr_assert_eq(sql("SELECT county FROM reports WHERE zone='jinshan' AND period='2017-06'"), 410671);
    int64_t n_values = sql("SELECT count(*) FROM report_values WHERE zone='jinshan' AND period='2017-06'");
    cr_assert_eq(n_values, data_rows(csv), "%lld values stored, the file has %d rows", (long long)n_values,
                 data_rows(csv));
    cr_assert_eq(n_values, 14);

    double want = e2e_csv_number(csv, "jinshan", "revenue", "amount");
    double want_g = e2e_csv_number(csv, "jinshan", "revenue", "growth_pct");
    cr_assert(!isnan(want) && !isnan(want_g), "revenue not found in %s", csv);
    double got = e2e_sql_double(agg.store, "SELECT amount FROM report_values WHERE zone='jinshan' AND "
                                           "period='2017-06' AND indicator='revenue'");
    double got_g = e2e_sql_double(agg.store, "SELECT growth_pct FROM report_values WHERE zone='jinshan' AND "
                                             "period='2017-06' AND indicator='revenue'");
    cr_assert(near(got, want), "revenue stored %.3f, the file says %.3f", got, want);
    cr_assert(near(got_g, want_g), "revenue growth stored %.3f, the file says %.3f", got_g, want_g);
    /* a ratio without growth keeps NULL growth, not 0 */
    cr_assert_eq(sql("SELECT growth_pct IS NULL FROM report_values WHERE zone='jinshan' AND period='2017-06' "
                     "AND indicator='rd_share'"),
                 1);

    cr_assert_eq(sql("SELECT count(*) FROM projects WHERE zone='jinshan' AND period='2017-06'"),
                 data_rows(projects));
    cr_assert_eq(sql("SELECT count(*) FROM projects WHERE zone='jinshan' AND period='2017-06'"), 2);
    double want_ytd = e2e_csv_field(projects, "zone", "jinshan", "project", "P2017001", "ytd_investment");
    double got_ytd = e2e_sql_double(agg.store, "SELECT ytd_investment FROM projects WHERE zone='jinshan' AND "
                                               "period='2017-06' AND code='P2017001'");
    cr_assert(!isnan(want_ytd), "P2017001 not found in %s", projects);
    cr_assert(near(got_ytd, want_ytd), "P2017001 ytd investment stored %.1f, the file says %.1f", got_ytd,
              want_ytd);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='jinshan' AND period='2017-06'"), 1);
}

/* ---- 1. submit ------------------------------------------------------------------ */

Test(e2e_ingest, submit_stores_values_and_projects, .timeout = 60) {
    start_aggregator(NULL, NULL);
    submit_jinshan_june_and_check();
    stop_aggregator();
}

/* ---- 2. the same file again ------------------------------------------------------ */

Test(e2e_ingest, resubmit_same_file_is_duplicate_stored_once, .timeout = 60) {
    const char *csv = e2e_sample("reports/2017-06/410671.csv");
    const char *outbox = P("%s/outbox.db", dir);
    char *out = NULL;
    int rc;
    start_aggregator(NULL, NULL);
    rc = e2e_submit(P("%s/submit1", dir), &out, "410671", agg.listen, outbox, csv, NULL);
    cr_assert_eq(rc, 0, "first submit exited %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "ACCEPTED"), "stdout:\n%s", out);
    free(out);

    rc = e2e_submit(P("%s/submit2", dir), &out, "410671", agg.listen, outbox, csv, NULL);
    cr_assert_eq(rc, 0, "second submit exited %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "DUPLICATE"), "stdout:\n%s", out);
    cr_assert_null(strstr(out, "ACCEPTED"), "the same file was accepted twice:\n%s", out);
    cr_assert_not_null(strstr(out, "revision 1"), "the same content must keep its revision:\n%s", out);
    free(out);

    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='jinshan' AND period='2017-06'"), 1);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='jinshan' AND period='2017-06'"), 1);
    stop_aggregator();
}

/* A reinstalled office PC: the outbox is gone, the same file is sent again. */
Test(e2e_ingest, resubmit_with_new_outbox_is_duplicate, .timeout = 60) {
    const char *csv = e2e_sample("reports/2017-06/410671.csv");
    char *out = NULL;
    int rc;
    start_aggregator(NULL, NULL);
    rc = e2e_submit(P("%s/submit1", dir), &out, "410671", agg.listen, P("%s/outbox1.db", dir), csv, NULL);
    cr_assert_eq(rc, 0, "first submit exited %d:\n%s", rc, out);
    free(out);
    rc = e2e_submit(P("%s/submit2", dir), &out, "410671", agg.listen, P("%s/outbox2.db", dir), csv, NULL);
    cr_assert_eq(rc, 0, "submit with a fresh outbox exited %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "DUPLICATE"), "stdout:\n%s", out);
    free(out);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='jinshan' AND period='2017-06'"), 1);
    stop_aggregator();
}

/* ---- 3. a lost ack --------------------------------------------------------------- */

Test(e2e_ingest, lost_ack_resend_is_duplicate, .timeout = 60) {
    report_t r;
    wire_t w;
    msg_t ack;
    void *client, *client2;
    start_aggregator(NULL, NULL);
    load_report("reports/2017-05/410671.csv", "jinshan", 1, &r);
    encode(&r, &w);
    client = raw_client("410671", "e2e-a");

    exchange(client, &w, &ack);
    check_ack(&ack, ACK_ACCEPTED, "jinshan", "2017-05", 1, 1);
    cr_assert_gt(ack.ack.stored_at_ms, 0, "an ACCEPTED ack carries the commit time");
    int64_t stored_at = ack.ack.stored_at_ms;
    msg_clear(&ack);

    /* the ack was "lost": the identical bytes (same message id) again */
    exchange(client, &w, &ack);
    check_ack(&ack, ACK_DUPLICATE, "jinshan", "2017-05", 1, 1);
    cr_assert_eq(ack.ack.stored_at_ms, stored_at, "a DUPLICATE carries the original commit time");
    msg_clear(&ack);

    /* and once more from a new connection, as after a collector restart */
    client2 = raw_client("410671", "e2e-b");
    exchange(client2, &w, &ack);
    check_ack(&ack, ACK_DUPLICATE, "jinshan", "2017-05", 1, 1);
    msg_clear(&ack);

    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='jinshan' AND period='2017-05'"), 1);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='jinshan' AND period='2017-05'"), 1);
    cr_assert_eq(sql("SELECT count(*) FROM report_values WHERE zone='jinshan' AND period='2017-05'"),
                 (int64_t)r.n_values);
    free(w.bytes);
    report_clear(&r);
    stop_aggregator();
}

/* ---- 4. revision rules ------------------------------------------------------------ */

Test(e2e_ingest, revision_rules, .timeout = 60) {
    report_t a, b;
    wire_t w;
    msg_t ack;
    void *client;
    double rev_a, rev_b;
    start_aggregator(NULL, NULL);
    client = raw_client("410671", "e2e");
    load_report("reports/2017-05/410671.csv", "jinshan", 1, &a);
    load_report("reports/2017-05/410671.csv", "jinshan", 2, &b);
    bump_revenue(&b, 1000.0);
    rev_a = revenue_of(&a);
    rev_b = revenue_of(&b);

    /* revision 1 */
    encode(&a, &w);
    exchange(client, &w, &ack);
    check_ack(&ack, ACK_ACCEPTED, "jinshan", "2017-05", 1, 1);
    msg_clear(&ack);
    free(w.bytes);

    /* revision 2 with other content: the correction becomes current */
    encode(&b, &w);
    exchange(client, &w, &ack);
    check_ack(&ack, ACK_ACCEPTED, "jinshan", "2017-05", 2, 2);
    msg_clear(&ack);
    free(w.bytes);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='jinshan' AND period='2017-05'"), 2);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='jinshan' AND period='2017-05'"), 2);
    cr_assert_eq(
        sql("SELECT count(*) FROM report_values WHERE zone='jinshan' AND period='2017-05' AND revision=2"),
        (int64_t)b.n_values, "every current value comes from revision 2");
    double got = e2e_sql_double(agg.store, "SELECT amount FROM report_values WHERE zone='jinshan' AND "
                                           "period='2017-05' AND indicator='revenue'");
    cr_assert(near(got, rev_b), "current revenue %.1f, revision 2 says %.1f", got, rev_b);

    /* revision 1 again, new message id, its original content: stored before, DUPLICATE,
     * and the ack tells the store is at 2 */
    encode(&a, &w);
    exchange(client, &w, &ack);
    check_ack(&ack, ACK_DUPLICATE, "jinshan", "2017-05", 1, 2);
    msg_clear(&ack);
    free(w.bytes);
    got = e2e_sql_double(agg.store,
                         "SELECT amount FROM report_values WHERE zone='jinshan' AND period='2017-05' "
                         "AND indicator='revenue'");
    cr_assert(near(got, rev_b) && !near(got, rev_a),
              "a DUPLICATE of revision 1 brought its values back (%.1f)", got);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='jinshan' AND period='2017-05'"), 2);

    /* revision 1 with different content: a revision number is never reused */
    b.revision = 1;
    encode(&b, &w);
    exchange(client, &w, &ack);
    check_ack(&ack, ACK_REJECTED, "jinshan", "2017-05", 1, 2);
    cr_assert_gt(ack.ack.issues.n_errors, 0, "a REJECTED ack says why");
    msg_clear(&ack);
    free(w.bytes);
    cr_assert_eq(
        sql("SELECT count(*) FROM rejections WHERE zone='jinshan' AND period='2017-05' AND revision=1"), 1);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='jinshan' AND period='2017-05'"), 2);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='jinshan' AND period='2017-05'"), 2);
    got = e2e_sql_double(agg.store,
                         "SELECT amount FROM report_values WHERE zone='jinshan' AND period='2017-05' "
                         "AND indicator='revenue'");
    cr_assert(near(got, rev_b), "a rejected report changed the current values (%.1f)", got);
    report_clear(&a);
    report_clear(&b);

    /* STALE: April has revisions 1 and 3; revision 2 was never stored */
    report_t r1, r3, r2;
    load_report("reports/2017-04/410671.csv", "jinshan", 1, &r1);
    load_report("reports/2017-04/410671.csv", "jinshan", 3, &r3);
    load_report("reports/2017-04/410671.csv", "jinshan", 2, &r2);
    bump_revenue(&r3, 300.0);
    bump_revenue(&r2, 200.0);
    encode(&r1, &w);
    exchange(client, &w, &ack);
    check_ack(&ack, ACK_ACCEPTED, "jinshan", "2017-04", 1, 1);
    msg_clear(&ack);
    free(w.bytes);
    encode(&r3, &w);
    exchange(client, &w, &ack);
    check_ack(&ack, ACK_ACCEPTED, "jinshan", "2017-04", 3, 3);
    msg_clear(&ack);
    free(w.bytes);
    encode(&r2, &w);
    exchange(client, &w, &ack);
    check_ack(&ack, ACK_STALE, "jinshan", "2017-04", 2, 3);
    msg_clear(&ack);
    free(w.bytes);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='jinshan' AND period='2017-04'"), 3);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='jinshan' AND period='2017-04'"), 2);
    got = e2e_sql_double(agg.store,
                         "SELECT amount FROM report_values WHERE zone='jinshan' AND period='2017-04' "
                         "AND indicator='revenue'");
    cr_assert(near(got, revenue_of(&r3)), "a stale report changed the current values (%.1f)", got);
    report_clear(&r1);
    report_clear(&r2);
    report_clear(&r3);
    stop_aggregator();
}

/* ---- 5. the wrong county ----------------------------------------------------------- */

Test(e2e_ingest, wrong_county_refused_locally, .timeout = 60) {
    char *out = NULL;
    int rc;
    start_aggregator(NULL, NULL);
    rc = e2e_submit(P("%s/submit", dir), &out, "410602", agg.listen, P("%s/outbox.db", dir),
                    e2e_sample("reports/2017-06/410671.csv"), NULL);
    cr_assert_eq(rc, 1, "submit exited %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "REJECTED"), "stdout:\n%s", out);
    cr_assert_not_null(strstr(out, "410671"), "the message should name the owning county:\n%s", out);
    cr_assert_null(strstr(out, "ACCEPTED"), "stdout:\n%s", out);
    free(out);
    cr_assert_eq(sql("SELECT count(*) FROM reports"), 0);
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 0);
    stop_aggregator();
}

Test(e2e_ingest, wrong_county_rejected_by_aggregator, .timeout = 60) {
    report_t r;
    wire_t w;
    msg_t ack;
    void *client;
    start_aggregator(NULL, NULL);
    /* a collector claiming baoshan's county sends jinshan's report */
    client = raw_client("410602", "e2e");
    load_report("reports/2017-06/410671.csv", "jinshan", 1, &r);
    encode(&r, &w);
    exchange(client, &w, &ack);
    check_ack(&ack, ACK_REJECTED, "jinshan", "2017-06", 1, 0);
    cr_assert_gt(ack.ack.issues.n_errors, 0, "a REJECTED ack says why");
    msg_clear(&ack);
    cr_assert_eq(sql("SELECT count(*) FROM rejections WHERE county='410602' AND zone='jinshan' AND "
                     "period='2017-06'"),
                 1);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='jinshan'"), 0);
    cr_assert_eq(sql("SELECT count(*) FROM report_values WHERE zone='jinshan'"), 0);
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 0);

    /* REJECTED is final and costs nothing else: the real owner is still accepted */
    void *owner = raw_client("410671", "e2e");
    free(w.bytes);
    encode(&r, &w);
    exchange(owner, &w, &ack);
    check_ack(&ack, ACK_ACCEPTED, "jinshan", "2017-06", 1, 1);
    msg_clear(&ack);
    free(w.bytes);
    report_clear(&r);
    stop_aggregator();
}

/* ---- 6. a file with mistakes -------------------------------------------------------- */

Test(e2e_ingest, bad_file_refused_with_lines_then_good_file_accepted, .timeout = 60) {
    const char *outbox = P("%s/outbox.db", dir);
    char *out = NULL;
    int rc;
    start_aggregator(NULL, NULL);
    rc = e2e_submit(P("%s/submit1", dir), &out, "410602", agg.listen, outbox,
                    e2e_sample("reports/2017-06/410602.bad.csv"), NULL);
    cr_assert_eq(rc, 1, "submit of the bad file exited %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "REJECTED"), "stdout:\n%s", out);
    cr_assert_not_null(strstr(out, "410602.bad.csv:4: amount:"), "line 4 (negative amount) not named:\n%s",
                       out);
    cr_assert_not_null(strstr(out, "negative"), "stdout:\n%s", out);
    cr_assert_not_null(strstr(out, "410602.bad.csv:16:"), "line 16 (unknown indicator) not named:\n%s", out);
    cr_assert_not_null(strstr(out, "gdp"), "stdout:\n%s", out);
    cr_assert_null(strstr(out, "ACCEPTED"), "stdout:\n%s", out);
    free(out);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='baoshan' AND period='2017-06'"), 0);
    cr_assert_eq(sql("SELECT count(*) FROM report_values WHERE zone='baoshan' AND period='2017-06'"), 0);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='baoshan'"), 0);

    /* the corrected file: accepted, and as revision 1 (the refused file used no number) */
    rc = e2e_submit(P("%s/submit2", dir), &out, "410602", agg.listen, outbox,
                    e2e_sample("reports/2017-06/410602.csv"), NULL);
    cr_assert_eq(rc, 0, "submit of the good file exited %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "ACCEPTED  baoshan 2017-06 revision 1"), "stdout:\n%s", out);
    free(out);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='baoshan' AND period='2017-06'"), 1);
    cr_assert_eq(sql("SELECT count(*) FROM report_values WHERE zone='baoshan' AND period='2017-06'"),
                 data_rows(e2e_sample("reports/2017-06/410602.csv")));
    stop_aggregator();
}

/* The desk officer reads the list of errors: exactly the file's two mistakes, no noise. */
Test(e2e_ingest, bad_file_lists_only_its_real_errors, .timeout = 60) {
    char *out = NULL;
    int rc;
    start_aggregator(NULL, NULL);
    rc = e2e_submit(P("%s/submit", dir), &out, "410602", agg.listen, P("%s/outbox.db", dir),
                    e2e_sample("reports/2017-06/410602.bad.csv"), NULL);
    cr_assert_eq(rc, 1, "exit %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "not sent, 2 error(s)"), "expected exactly 2 errors:\n%s", out);
    cr_assert_null(strstr(out, "revision"), "an error about a revision the user never gave:\n%s", out);
    free(out);
    stop_aggregator();
}

/* ---- 7. the daemon delivers what it queued while the aggregator was down ----------- */

Test(e2e_ingest, daemon_queues_while_aggregator_down_then_delivers, .timeout = 60) {
    const char *inbox = P("%s/inbox", dir), *done = P("%s/done", dir), *rejected = P("%s/rejected", dir);
    const char *outbox = P("%s/outbox.db", dir);
    const char *periods[3] = {"2017-04", "2017-05", "2017-06"};
    const char *endpoint = P("ipc://%s/agg.sock", dir);
    char log[512], err_log[520];
    pid_t col;
    int64_t n;

    col = e2e_collector_start(dir, "410671", endpoint, log, sizeof log);
    cr_assert_gt(col, 0, "the collector did not start");
    snprintf(err_log, sizeof err_log, "%s.err", log);

    for (int i = 0; i < 3; i++)
        cr_assert_eq(e2e_drop(e2e_sample(P("reports/%s/410671.csv", periods[i])), inbox,
                              P("410671-%s.csv", periods[i])),
                     0);
    sleep(1);
    n = e2e_sql_wait(outbox, 3, e2e_scaled_ms(5000), "SELECT count(*) FROM outbox WHERE settled=0");
    cr_assert_eq(n, 3, "%lld reports waiting in the outbox, expected 3; collector log:\n%s", (long long)n,
                 e2e_tail(err_log, 3000));
    cr_assert_eq(e2e_count_files(inbox, ".csv"), 0, "taken files leave the inbox");
    cr_assert_eq(e2e_count_files(P("%s/.sending", inbox), ".csv"), 3, "taken files wait in inbox/.sending");
    cr_assert_eq(e2e_count_files(done, ""), 0, "nothing can be done before the aggregator runs");
    cr_assert(e2e_alive(col));

    /* now the central office comes up */
    start_aggregator(endpoint, NULL);
    for (int i = 0; i < 3; i++) {
        const char *receipt = P("%s/410671-%s.csv.receipt.txt", done, periods[i]);
        wait_for_file(receipt, err_log);
        /* the receipt is written first, then the file moves */
        wait_for_file(P("%s/410671-%s.csv", done, periods[i]), err_log);
        char *text = e2e_read_file(receipt);
        cr_assert_not_null(text);
        cr_assert_not_null(strstr(text, "ACCEPTED"), "receipt:\n%s", text);
        cr_assert_not_null(strstr(text, P("jinshan %s revision 1", periods[i])), "receipt:\n%s", text);
        free(text);
    }
    cr_assert_eq(e2e_count_files(rejected, ""), 0);
    cr_assert_eq(e2e_count_files(P("%s/.sending", inbox), ".csv"), 0);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='jinshan' AND period='%s'", periods[i]), 1,
                     "%s not stored", periods[i]);
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 3, "each report stored once");
    cr_assert_eq(e2e_sql_int(outbox, "SELECT count(*) FROM outbox WHERE settled=0"), 0);

    int st = e2e_stop(col, 10000);
    cr_assert_eq(st, 0, "the collector exited with %d:\n%s", st, e2e_tail(err_log, 3000));
    stop_aggregator();
}

/* A file with mistakes dropped into the inbox: rejected/ with the reasons by line, and
 * the corrected file then delivered. */
Test(e2e_ingest, daemon_files_bad_file_into_rejected_with_reasons, .timeout = 60) {
    const char *inbox = P("%s/inbox", dir), *done = P("%s/done", dir), *rejected = P("%s/rejected", dir);
    char log[512], err_log[520], *text;
    pid_t col;

    start_aggregator(NULL, NULL);
    col = e2e_collector_start(dir, "410602", agg.listen, log, sizeof log);
    cr_assert_gt(col, 0, "the collector did not start");
    snprintf(err_log, sizeof err_log, "%s.err", log);

    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410602.bad.csv"), inbox, "410602.bad.csv"), 0);
    wait_for_file(P("%s/410602.bad.csv.errors.txt", rejected), err_log);
    /* the errors file is written first, then the file moves beside it */
    wait_for_file(P("%s/410602.bad.csv", rejected), err_log);
    text = e2e_read_file(P("%s/410602.bad.csv.errors.txt", rejected));
    cr_assert_not_null(text);
    cr_assert_not_null(strstr(text, "410602.bad.csv:4: amount:"), "errors.txt:\n%s", text);
    cr_assert_not_null(strstr(text, "410602.bad.csv:16:"), "errors.txt:\n%s", text);
    cr_assert_not_null(strstr(text, "gdp"), "errors.txt:\n%s", text);
    free(text);
    cr_assert_eq(e2e_count_files(inbox, ".csv"), 0);
    cr_assert_eq(e2e_count_files(done, ""), 0);
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 0, "nothing of a refused file is stored");

    /* the desk officer drops the corrected file with its key projects */
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410602.csv"), inbox, "410602.csv"), 0);
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410602.projects.csv"), inbox, "410602.projects.csv"),
                 0);
    wait_for_file(P("%s/410602.csv.receipt.txt", done), err_log);
    wait_for_file(P("%s/410602.projects.csv.receipt.txt", done), err_log);
    text = e2e_read_file(P("%s/410602.csv.receipt.txt", done));
    cr_assert_not_null(strstr(text, "ACCEPTED  baoshan 2017-06 revision 1"), "receipt:\n%s", text);
    free(text);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='baoshan' AND period='2017-06'"), 1);
    cr_assert_eq(sql("SELECT count(*) FROM projects WHERE zone='baoshan' AND period='2017-06'"),
                 data_rows(e2e_sample("reports/2017-06/410602.projects.csv")));
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 1, "values and projects make one report");

    int st = e2e_stop(col, 10000);
    cr_assert_eq(st, 0, "the collector exited with %d:\n%s", st, e2e_tail(err_log, 3000));
    stop_aggregator();
}

/* The collector is killed (power cut) after queuing and before any ack: restarted, it
 * delivers from its outbox, exactly once, and files the source. */
Test(e2e_ingest, daemon_killed_while_sending_resumes_from_outbox, .timeout = 60) {
    const char *inbox = P("%s/inbox", dir), *done = P("%s/done", dir);
    const char *endpoint = P("ipc://%s/agg.sock", dir);
    char log[512], err_log[520];
    pid_t col;

    col = e2e_collector_start(dir, "410603", endpoint, NULL, 0);
    cr_assert_gt(col, 0, "the collector did not start");
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410603.csv"), inbox, "410603.csv"), 0);
    cr_assert_eq(
        e2e_sql_wait(P("%s/outbox.db", dir), 1, e2e_scaled_ms(10000), "SELECT count(*) FROM outbox WHERE settled=0"), 1,
        "the report never reached the outbox");
    e2e_kill(col);

    start_aggregator(endpoint, NULL);
    col = e2e_collector_start(dir, "410603", endpoint, log, sizeof log);
    cr_assert_gt(col, 0, "the collector did not restart");
    snprintf(err_log, sizeof err_log, "%s.err", log);
    wait_for_file(P("%s/410603.csv.receipt.txt", done), err_log);
    wait_for_file(P("%s/410603.csv", done), err_log); /* the receipt is written first, then the file moves */
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='shancheng' AND period='2017-06'"), 1);
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 1);
    cr_assert_eq(e2e_sql_int(P("%s/outbox.db", dir), "SELECT count(*) FROM outbox WHERE settled=0"), 0);
    int st = e2e_stop(col, 10000);
    cr_assert_eq(st, 0, "the collector exited with %d:\n%s", st, e2e_tail(err_log, 3000));
    stop_aggregator();
}

/* ---- 8. a GB18030 file from Excel --------------------------------------------------- */

Test(e2e_ingest, gb18030_file_two_zones, .timeout = 60) {
    const char *csv = e2e_sample("reports/2017-03/410621.csv");
    const char *utf8 = P("%s/410621.utf8.csv", dir);
    char *out = NULL, *raw;
    int rc;

    /* the sample really is GB18030 (not UTF-8): the test is about decoding it */
    raw = e2e_read_file(csv);
    cr_assert_not_null(raw);
    cr_assert_null(strstr(raw, "园区代码"), "the sample file is expected in GB18030, not UTF-8");
    free(raw);

    start_aggregator(NULL, NULL);
    rc = e2e_submit(P("%s/submit", dir), &out, "410621", agg.listen, P("%s/outbox.db", dir), csv, NULL);
    cr_assert_eq(rc, 0, "submit exited %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "ACCEPTED  xunxian 2017-03 revision 1"), "stdout:\n%s", out);
    cr_assert_not_null(strstr(out, "ACCEPTED  liyang 2017-03 revision 1"), "stdout:\n%s", out);
    free(out);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE period='2017-03'"), 2);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE period='2017-03' AND zone IN ('xunxian','liyang') "
                     "AND county='410621'"),
                 2);

    /* the Chinese indicator names resolved and the numbers read right */
    cr_assert_eq(e2e_iconv_file(csv, "GB18030", utf8), 0);
    cr_assert_eq(
        sql("SELECT count(*) FROM report_values WHERE period='2017-03' AND zone IN ('xunxian','liyang')"),
        data_rows(utf8));
    double want = e2e_csv_number(utf8, "xunxian", "主营业务收入", "amount");
    cr_assert(!isnan(want), "主营业务收入 of xunxian not found in the converted file");
    double got = e2e_sql_double(agg.store, "SELECT amount FROM report_values WHERE zone='xunxian' AND "
                                           "period='2017-03' AND indicator='revenue'");
    cr_assert(near(got, want), "xunxian revenue stored %.2f, the file says %.2f", got, want);
    stop_aggregator();
}

/* ---- 9. over TCP loopback ------------------------------------------------------------ */

Test(e2e_ingest, submit_over_tcp_loopback, .timeout = 60) {
    int started = -1;
    /* the port was free a moment ago; another process may take it meanwhile: retry */
    for (int attempt = 0; attempt < 5 && started < 0; attempt++) {
        int port = e2e_free_port();
        cr_assert_gt(port, 0, "no free TCP port");
        started = e2e_agg_start(&agg, dir, P("tcp://127.0.0.1:%d", port), NULL);
    }
    cr_assert_eq(started, 0, "the aggregator did not start on TCP:\n%s", e2e_tail(agg.err_log, 3000));
    cr_assert_not_null(strstr(agg.listen, "tcp://127.0.0.1:"));
    submit_jinshan_june_and_check();
    stop_aggregator();
}

/* ---- 10. hostile bytes ------------------------------------------------------------- */

Test(e2e_ingest, garbage_does_not_stop_the_aggregator, .timeout = 60) {
    report_t r;
    wire_t w;
    msg_t ack;
    void *bad, *anon, *big, *good;
    uint8_t junk[4096];
    start_aggregator(NULL, NULL);
    load_report("reports/2017-06/410671.csv", "jinshan", 1, &r);
    encode(&r, &w);

    bad = raw_client("410671", "garbage");
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 131u + 7u);
    cr_assert_eq(e2e_send(bad, "\x00\xff\x10garbage", 10), 0);
    cr_assert_eq(e2e_send(bad, "", 0), 0);
    cr_assert_eq(e2e_send(bad, junk, sizeof junk), 0);
    cr_assert_eq(e2e_send(bad, w.bytes, w.len / 2), 0); /* truncated protobuf */
    {
        const void *frames[3] = {w.bytes, w.bytes, "x"};
        size_t lens[3] = {w.len, w.len, 1};
        cr_assert_eq(e2e_send_multi(bad, frames, lens, 3), 0); /* extra frames */
    }
    {
        /* a well-formed envelope that is not a report */
        msg_t m;
        uint8_t *buf;
        size_t len;
        memset(&m, 0, sizeof m);
        m.kind = MSG_HEARTBEAT;
        codec_new_id(m.id);
        m.hb_now_ms = 1;
        cr_assert_eq(codec_encode(&m, &buf, &len), 0);
        cr_assert_eq(e2e_send(bad, buf, len), 0);
        free(buf);
    }
    /* a valid report from a connection that names no county */
    anon = e2e_dealer(agg.listen, "no-county");
    cr_assert_not_null(anon);
    cr_assert_eq(e2e_send(anon, w.bytes, w.len), 0);
    /* a frame over the size cap (ZMQ_MAXMSGSIZE drops the connection) */
    big = raw_client("410671", "big");
    {
        size_t n = CODEC_MAX_MSG_BYTES * 2;
        uint8_t *huge = calloc(1, n);
        cr_assert_not_null(huge);
        cr_assert_eq(e2e_send(big, huge, n), 0);
        free(huge);
    }
    usleep(300 * 1000);
    cr_assert(e2e_alive(agg.pid), "the aggregator died on bad input:\n%s", e2e_tail(agg.err_log, 3000));

    /* and the next good report is accepted */
    good = raw_client("410671", "good");
    exchange(good, &w, &ack);
    check_ack(&ack, ACK_ACCEPTED, "jinshan", "2017-06", 1, 1);
    msg_clear(&ack);
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 1, "exactly the good report is stored");
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='jinshan' AND period='2017-06'"), 1);
    cr_assert(e2e_alive(agg.pid));
    free(w.bytes);
    report_clear(&r);
    stop_aggregator();
}

/* The flooder: its own context and DEALER, sending junk until told to stop. */
static volatile int flood_stop;
static unsigned long long flood_sent;

static void *flood(void *endpoint) {
    static const char junk[] = {0x00, (char)0xff, 'j', 'u', 'n', 'k'};
    void *ctx = zmq_ctx_new(), *d = ctx ? zmq_socket(ctx, ZMQ_DEALER) : NULL;
    int linger = 0, timeout = 100;
    if (!d) return NULL;
    zmq_setsockopt(d, ZMQ_ROUTING_ID, "c:410671:flood", 14);
    zmq_setsockopt(d, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(d, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    if (zmq_connect(d, endpoint) == 0)
        while (!__atomic_load_n(&flood_stop, __ATOMIC_RELAXED))
            if (zmq_send(d, junk, sizeof junk, 0) == (int)sizeof junk)
                __atomic_add_fetch(&flood_sent, 1, __ATOMIC_RELAXED);
    zmq_close(d);
    zmq_ctx_term(ctx);
    return NULL;
}

/* One peer sending junk as fast as it can must not keep the aggregator from everyone
 * else: it reads a bounded number of messages per turn, drops and counts the junk
 * (before decoding it), and logs it at most once per 10 s. The flood runs in a thread
 * with its own context while this one exchanges a good report. (Every test here has the
 * same .timeout: Criterion's runner leaks when they differ, which LeakSanitizer fails.) */
Test(e2e_ingest, a_flood_of_junk_does_not_starve_other_counties, .timeout = 60) {
    report_t r;
    wire_t w;
    msg_t ack;
    void *good;
    pthread_t flooder;
    int dropped_lines;
    start_aggregator(NULL, NULL);
    load_report("reports/2017-06/410602.csv", "baoshan", 1, &r);
    encode(&r, &w);

    flood_stop = 0;
    flood_sent = 0;
    cr_assert_eq(pthread_create(&flooder, NULL, flood, agg.listen), 0);
    usleep(500 * 1000); /* the flood is on */
    cr_assert(e2e_alive(agg.pid), "the aggregator died under the flood:\n%s", e2e_tail(agg.err_log, 2000));
    good = raw_client("410602", "good");
    {
        int st = e2e_exchange(good, w.bytes, w.len, w.id, e2e_scaled_ms(10000), &ack);
        if (st >= 0) msg_clear(&ack);
        __atomic_store_n(&flood_stop, 1, __ATOMIC_RELAXED);
        pthread_join(flooder, NULL);
        cr_assert_eq(st, ACK_ACCEPTED, "no ACCEPTED ack while another county floods; aggregator log:\n%s",
                     e2e_tail(agg.err_log, 2000));
    }
    cr_assert_geq(flood_sent, 1000, "only %llu junk messages sent: was there a flood?", flood_sent);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='baoshan' AND period='2017-06'"), 1);
    stop_aggregator();
    /* thousands dropped (the stop line counts them), a handful of lines about it */
    dropped_lines = e2e_count_in_file(agg.err_log, "dropped a message");
    cr_assert_geq(dropped_lines, 1, "%s", e2e_tail(agg.err_log, 2000));
    cr_assert_leq(dropped_lines, 12, "the junk flooded the log: %d lines", dropped_lines);
    {
        char *log = e2e_read_file(agg.err_log);
        const char *stop = log ? strstr(log, "rejected, ") : NULL;
        unsigned long long garbled = 0;
        cr_assert_not_null(stop, "no stop line");
        cr_assert_eq(sscanf(stop, "rejected, %llu garbled", &garbled), 1, "%s", stop);
        cr_assert_geq(garbled, 1000, "only %llu garbled messages: was there a flood?", garbled);
        free(log);
    }
    free(w.bytes);
    report_clear(&r);
}

/* ---- corrections, outages and crashes ------------------------------------------------ */

/* A county corrects April with the .rev2 file: revision 2 is current, both are kept. */
Test(e2e_ingest, correction_file_becomes_revision_2, .timeout = 60) {
    const char *v1 = e2e_sample("reports/2017-04/410622.csv"),
               *v2 = e2e_sample("reports/2017-04/410622.rev2.csv");
    const char *outbox = P("%s/outbox.db", dir);
    char *out = NULL;
    int rc;
    start_aggregator(NULL, NULL);
    rc = e2e_submit(P("%s/submit1", dir), &out, "410622", agg.listen, outbox, v1, NULL);
    cr_assert_eq(rc, 0, "exit %d:\n%s", rc, out);
    free(out);
    rc = e2e_submit(P("%s/submit2", dir), &out, "410622", agg.listen, outbox, v2, NULL);
    cr_assert_eq(rc, 0, "exit %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "ACCEPTED  heqi 2017-04 revision 2 (store has revision 2)"), "stdout:\n%s",
                       out);
    free(out);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='heqi' AND period='2017-04'"), 2);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='heqi' AND period='2017-04'"), 2);
    double want = e2e_csv_number(v2, "heqi", "fai", "amount");
    double got = e2e_sql_double(agg.store, "SELECT amount FROM report_values WHERE zone='heqi' AND "
                                           "period='2017-04' AND indicator='fai'");
    cr_assert(near(got, want), "fai stored %.1f, the correction says %.1f", got, want);
    cr_assert(!near(want, e2e_csv_number(v1, "heqi", "fai", "amount")), "the sample correction changes fai");
    stop_aggregator();
}

/* A reinstalled PC (fresh outbox) sends a correction after the store has revision 2:
 * it is never locked out, and continues above the store's revision. */
Test(e2e_ingest, fresh_outbox_continues_above_store_revision, .timeout = 60) {
    const char *v1 = e2e_sample("reports/2017-04/410622.csv"),
               *v2 = e2e_sample("reports/2017-04/410622.rev2.csv");
    const char *v3 = P("%s/410622.csv", dir);
    char *text, *p, *out = NULL;
    int rc;
    start_aggregator(NULL, NULL);
    cr_assert_eq(e2e_submit(P("%s/s1", dir), NULL, "410622", agg.listen, P("%s/old.db", dir), v1, NULL), 0);
    cr_assert_eq(e2e_submit(P("%s/s2", dir), NULL, "410622", agg.listen, P("%s/old.db", dir), v2, NULL), 0);
    /* a third version: the correction's file with one more figure changed */
    text = e2e_read_file(v2);
    cr_assert_not_null(text);
    p = strstr(text, "heqi,2017-04,tax,");
    cr_assert_not_null(p, "no tax row in %s", v2);
    p += strlen("heqi,2017-04,tax,");
    cr_assert(*p >= '0' && *p <= '8');
    (*p)++; /* the leading digit of the tax amount, one higher */
    FILE *f = fopen(v3, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    free(text);

    const char *fresh = P("%s/new.db", dir);
    rc = e2e_submit(P("%s/s3", dir), &out, "410622", agg.listen, fresh, v3, NULL);
    if (rc != 0) {
        /* refused once at the collector's own numbering; the ack taught it the store's */
        cr_assert_eq(rc, 1, "exit %d:\n%s", rc, out);
        cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='heqi' AND period='2017-04'"), 2);
        free(out);
        rc = e2e_submit(P("%s/s4", dir), &out, "410622", agg.listen, fresh, v3, NULL);
    }
    cr_assert_eq(rc, 0, "the fresh collector is locked out (exit %d):\n%s", rc, out);
    cr_assert_not_null(strstr(out, "ACCEPTED  heqi 2017-04 revision 3"), "stdout:\n%s", out);
    free(out);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='heqi' AND period='2017-04'"), 3);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='heqi' AND period='2017-04'"), 3);
    stop_aggregator();
}

/* `submit` with the aggregator down: exit 2 after --timeout, the report stays in the
 * outbox, and the next run delivers it once. */
Test(e2e_ingest, submit_timeout_keeps_report_for_next_run, .timeout = 60) {
    const char *csv = e2e_sample("reports/2017-06/410611.csv");
    const char *outbox = P("%s/outbox.db", dir), *endpoint = P("ipc://%s/agg.sock", dir);
    char *out = NULL;
    int rc = e2e_submit_timeout(P("%s/submit1", dir), &out, 1, "410611", endpoint, outbox, csv, NULL);
    cr_assert_eq(rc, 2, "exit %d with the aggregator down:\n%s", rc, out);
    cr_assert_null(strstr(out, "ACCEPTED"), "stdout:\n%s", out);
    free(out);
    cr_assert_not_null(strstr(e2e_tail(P("%s/submit1.err", dir), 2000), "outbox"),
                       "the timeout message should say the report stays in the outbox");
    cr_assert_eq(e2e_sql_int(outbox, "SELECT count(*) FROM outbox WHERE settled=0"), 1);

    start_aggregator(endpoint, NULL);
    rc = e2e_submit(P("%s/submit2", dir), &out, "410611", agg.listen, outbox, csv, NULL);
    cr_assert_eq(rc, 0, "exit %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "qibin 2017-06 revision 1"), "stdout:\n%s", out);
    free(out);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='qibin' AND period='2017-06'"), 1);
    cr_assert_eq(e2e_sql_int(outbox, "SELECT count(*) FROM outbox WHERE settled=0"), 0);
    stop_aggregator();
}

/* `submit` stopped by the operator (SIGTERM, as Ctrl-C or a cron timeout would) before
 * its ack: exit 2, never 0, and it says the report waits in the outbox. */
Test(e2e_ingest, interrupted_submit_exits_2_and_keeps_the_report, .timeout = 60) {
    const char *outbox = P("%s/outbox.db", dir);
    const char *log = P("%s/submit-int", dir);
    pid_t pid = e2e_startl(log, e2e_bin("yuebao-collector"), "submit", "--insecure", "--timeout", "60",
                           "--set", "county=410611", "--set", P("master_dir=%s", e2e_city()), "--set",
                           P("aggregator=ipc://%s/agg.sock", dir), "--set", P("outbox=%s", outbox),
                           e2e_sample("reports/2017-06/410611.csv"), NULL);
    cr_assert_gt(pid, 0);
    cr_assert_eq(e2e_sql_wait(outbox, 1, e2e_scaled_ms(15000), "SELECT count(*) FROM outbox WHERE settled=0"), 1,
                 "the report never reached the outbox");
    int st = e2e_stop(pid, 15000);
    cr_assert_eq(st, 2, "an interrupted submit exits 2, got %d:\n%s", st, e2e_tail(P("%s.err", log), 2000));
    cr_assert_not_null(strstr(e2e_tail(P("%s.err", log), 2000), "interrupted"), "%s",
                       e2e_tail(P("%s.err", log), 2000));
    cr_assert_eq(e2e_sql_int(outbox, "SELECT count(*) FROM outbox WHERE settled=0"), 1);
}

/* The aggregator is killed with SIGKILL after acking: the store kept the report, and
 * the same report sent again after the restart is a DUPLICATE, stored once. */
Test(e2e_ingest, acked_report_survives_aggregator_sigkill, .timeout = 60) {
    const char *csv = e2e_sample("reports/2017-06/410672.csv");
    char *out = NULL;
    int rc;
    start_aggregator(NULL, NULL);
    rc = e2e_submit(P("%s/submit1", dir), &out, "410672", agg.listen, P("%s/outbox1.db", dir), csv, NULL);
    cr_assert_eq(rc, 0, "exit %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "ACCEPTED"), "stdout:\n%s", out);
    free(out);
    e2e_kill(agg.pid);
    agg.pid = 0;

    start_aggregator(NULL, NULL); /* same folder, same store */
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='shifanqu' AND period='2017-06'"), 1);
    cr_assert_eq(sql("SELECT count(*) FROM report_values WHERE zone='shifanqu' AND period='2017-06'"),
                 data_rows(csv));
    rc = e2e_submit(P("%s/submit2", dir), &out, "410672", agg.listen, P("%s/outbox2.db", dir), csv, NULL);
    cr_assert_eq(rc, 0, "exit %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "DUPLICATE"), "stdout:\n%s", out);
    free(out);
    cr_assert_eq(sql("SELECT count(*) FROM report_history WHERE zone='shifanqu'"), 1);
    stop_aggregator();
}

/* DESIGN §2: Chinese names are accepted wherever a code is. A client that names the zone
 * and an indicator by their Chinese names on the wire must land on the same keys as one
 * that uses the codes: one current report for jinshan, its revenue under "revenue".
 */
Test(e2e_ingest, chinese_names_on_the_wire_are_stored_under_codes, .timeout = 60) {
    report_t r;
    wire_t w;
    msg_t ack;
    void *client;
    start_aggregator(NULL, NULL);
    client = raw_client("410671", "e2e");
    load_report("reports/2017-06/410671.csv", "jinshan", 1, &r);
    snprintf(r.zone, sizeof r.zone, "%s", "金山产业集聚区");
    for (size_t i = 0; i < r.n_values; i++)
        if (!strcmp(r.values[i].indicator, "revenue"))
            snprintf(r.values[i].indicator, sizeof r.values[i].indicator, "%s", "主营业务收入");
    encode(&r, &w);
    exchange(client, &w, &ack);
    cr_assert_eq(ack.ack.status, ACK_ACCEPTED);
    msg_clear(&ack);
    free(w.bytes);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE period='2017-06'"), 1);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE period='2017-06' AND zone='jinshan'"), 1,
                 "the report is not stored under the zone code");
    cr_assert_eq(sql("SELECT count(*) FROM report_values WHERE period='2017-06' AND zone='jinshan' AND "
                     "indicator='revenue'"),
                 1, "revenue is not stored under its code");
    report_clear(&r);

    /* the same report written with the codes is the same report */
    load_report("reports/2017-06/410671.csv", "jinshan", 1, &r);
    encode(&r, &w);
    exchange(client, &w, &ack);
    check_ack(&ack, ACK_DUPLICATE, "jinshan", "2017-06", 1, 1);
    msg_clear(&ack);
    free(w.bytes);
    report_clear(&r);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE period='2017-06'"), 1);
    stop_aggregator();
}
