/* test_e2e_soft.c - end to end: figures 10 000× too large (元 for 万元), and one verdict
 * from `yuebao check` and the collector.
 *
 * baoshan (鹤山区, 410602) delivers its June file in 万元; then 410602.yuan.csv, the same
 * figures typed in 元 (five 万元 amounts and output_per_mu in 元/亩: all 10 000×). The
 * aggregator refuses it (store unchanged), the collector refuses it before sending,
 * `yuebao check --outbox` says the same; with a 说明 column it is accepted, the 说明
 * stored and shown by `yuebao status`. A refused file does not become the base of its
 * correction.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_suite.h"

TestSuite(e2e_soft, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 60);

#define YUAN_MSG "revenue: amount 20323840000 is about 10 000× the previous report"
#define YUAN_LINE "410602.yuan.csv:2: amount: " YUAN_MSG

static void start_and_deliver_june(const char *outbox) {
    char *out = NULL;
    int rc;
    start_aggregator(NULL, NULL);
    rc = e2e_submit(P("%s/june", dir), &out, "410602", agg.listen, outbox,
                    e2e_sample("reports/2017-06/410602.csv"), NULL);
    cr_assert_eq(rc, 0, "exit %d:\n%s", rc, out);
    free(out);
}

/* The store as it was after the June file: revision 1, revenue in 万元. */
static void expect_store_unchanged(void) {
    cr_assert_eq(
        e2e_sql_int(agg.store, "SELECT revision FROM reports WHERE zone='baoshan' AND period='2017-06'"), 1);
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM report_history WHERE zone='baoshan'"), 1);
    cr_assert(fabs(e2e_sql_double(agg.store, "SELECT amount FROM report_values WHERE zone='baoshan' AND "
                                             "period='2017-06' AND indicator='revenue'") -
                   2032384.0) < 1e-6);
}

static char *check(const char *log, const char *outbox, const char *file, int *st) {
    char *out = NULL;
    if (outbox)
        *st = e2e_runl(P("%s/%s", dir, log), &out, 20000, e2e_bin("yuebao"), "check", "--master", e2e_city(),
                       "--county", "410602", "--outbox", outbox, file, NULL);
    else
        *st = e2e_runl(P("%s/%s", dir, log), &out, 20000, e2e_bin("yuebao"), "check", "--master", e2e_city(),
                       "--county", "410602", file, NULL);
    return out;
}

/* The aggregator is the authority: a revision 2 in 元 from a collector that did not
 * know the June figures is REJECTED with the reason, and nothing of it is stored. */
Test(e2e_soft, aggregator_refuses_yuan_revision_and_keeps_the_store) {
    report_t r;
    uint8_t id[MSG_ID_LEN], *bytes = NULL;
    size_t len = 0;
    msg_t ack;
    void *d;
    char first[1024] = "";
    start_and_deliver_june(P("%s/outbox.db", dir));
    cr_assert_eq(e2e_load_report(e2e_sample("reports/2017-06/410602.yuan.csv"), NULL, "baoshan", 2, &r), 0);
    cr_assert_eq(e2e_encode_report(&r, id, &bytes, &len), 0);
    d = e2e_dealer(agg.listen, "c:410602:soft");
    cr_assert_eq(e2e_exchange(d, bytes, len, id, 10000, &ack), ACK_REJECTED, "%s",
                 e2e_tail(agg.err_log, 2000));
    for (size_t i = 0; i < ack.ack.issues.n && !first[0]; i++)
        if (ack.ack.issues.items[i].severity == DIAG_ERROR)
            diag_format(&ack.ack.issues.items[i], first, sizeof first);
    cr_assert_not_null(strstr(first, "2: amount: " YUAN_MSG), "line and field in the ack: %s", first);
    cr_assert_not_null(strstr(first, "元 instead of 万元?"), "%s", first);
    expect_store_unchanged();
    cr_assert_eq(
        e2e_sql_int(agg.store, "SELECT count(*) FROM rejections WHERE zone='baoshan' AND revision=2"), 1);
    msg_clear(&ack);
    free(bytes);
    report_clear(&r);
    stop_aggregator();
}

/* The collector knows what it sent: it refuses the 元 file before sending, and `yuebao
 * check --outbox` gives the same verdict in the same words; without the outbox, check
 * says that these checks did not run. */
Test(e2e_soft, collector_and_check_refuse_yuan_file_alike) {
    const char *outbox = P("%s/outbox.db", dir), *yuan = e2e_sample("reports/2017-06/410602.yuan.csv");
    char *out = NULL, *chk;
    int rc, st;
    start_and_deliver_june(outbox);
    chk = check("check", outbox, yuan, &st);
    cr_assert_eq(st, 1, "check with the outbox refuses it:\n%s", chk);
    cr_assert_not_null(strstr(chk, YUAN_LINE), "%s", chk);
    cr_assert_not_null(strstr(chk, "元 instead of 万元?"), "%s", chk);
    rc = e2e_submit(P("%s/yuan", dir), &out, "410602", agg.listen, outbox, yuan, NULL);
    cr_assert_eq(rc, 1, "the collector refuses it:\n%s", out);
    cr_assert_not_null(strstr(out, "REJECTED  410602.yuan.csv: not sent, 6 error(s)"), "%s", out);
    cr_assert_not_null(strstr(out, YUAN_LINE), "%s", out);
    cr_assert_not_null(strstr(out, "410602.yuan.csv:8: amount: output_per_mu: amount 678000 is about 10 000× "
                                   "the previous report"),
                       "a ratio in 万元/亩 typed in 元/亩 is caught too:\n%s", out);
    cr_assert_not_null(strstr(out, "元/亩 instead of 万元/亩?"), "%s", out);
    cr_assert_not_null(strstr(chk, "6 error(s)"), "the same count from check:\n%s", chk);
    expect_store_unchanged();
    free(out);
    free(chk);
    chk = check("check-no-outbox", NULL, yuan, &st);
    cr_assert_eq(st, 0, "%s", chk);
    cr_assert_not_null(strstr(chk, "not checked against earlier reports"), "%s", chk);
    free(chk);
    stop_aggregator();
}

/* With a 说明 on each questioned row the revision is accepted; the 说明 is in the store
 * and `yuebao status` shows the indicator, the jump and the 说明. */
Test(e2e_soft, explained_jump_is_accepted_stored_and_shown) {
    const char *outbox = P("%s/outbox.db", dir), *file = P("%s/410602.csv", dir);
    const char *note = "园区托管富士康科技园，统计范围扩大";
    char *text = e2e_read_file(e2e_sample("reports/2017-06/410602.yuan.csv")), *out = NULL, *chk, *s;
    FILE *f;
    int rc, st;
    cr_assert_not_null(text);
    f = fopen(file, "w");
    cr_assert_not_null(f);
    /* a 说明 column; the 万元 and 万元/亩 rows carry the 说明, the others leave it empty */
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        bool wan = strstr(line, ",revenue,") || strstr(line, ",va,") || strstr(line, ",fai,") ||
                   strstr(line, ",tax,") || strstr(line, ",outside_capital,") ||
                   strstr(line, ",output_per_mu,");
        fprintf(f, "%s,%s\n", line, !strncmp(line, "zone,", 5) ? "说明" : wan ? note : "");
    }
    fclose(f);
    free(text);
    start_and_deliver_june(outbox);
    chk = check("check", outbox, file, &st);
    cr_assert_eq(st, 0, "%s", chk);
    cr_assert_not_null(strstr(chk, "0 error(s), 6 warning(s)"), "%s", chk);
    rc = e2e_submit(P("%s/explained", dir), &out, "410602", agg.listen, outbox, file, NULL);
    cr_assert_eq(rc, 0, "exit %d:\n%s", rc, out);
    cr_assert_not_null(strstr(out, "ACCEPTED  baoshan 2017-06 revision 2"), "%s", out);
    cr_assert_not_null(strstr(out, "accepted on the reporter's 说明"), "the receipt shows it:\n%s", out);
    free(out);
    free(chk);
    cr_assert_eq(
        e2e_sql_int(agg.store, "SELECT revision FROM reports WHERE zone='baoshan' AND period='2017-06'"), 2);
    s = e2e_sql_text(agg.store,
                     "SELECT note FROM report_values WHERE zone='baoshan' AND period='2017-06' AND "
                     "indicator='revenue'");
    cr_assert_str_eq(s, note);
    free(s);
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM issues i JOIN reports r ON i.history_id = "
                                        "r.history_id WHERE r.zone='baoshan' AND i.field='note'"),
                 6);
    rc = e2e_runl(P("%s/status", dir), &out, 20000, e2e_bin("yuebao"), "status", "--master", e2e_city(),
                  "--store", agg.store, "--scores", P("%s/none.db", dir), "--period", "2017-06", NULL);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert_not_null(strstr(out, "figures accepted on the county's 说明"), "%s", out);
    cr_assert_not_null(strstr(out, "revenue: amount 20323840000 is about 10 000× the previous report"), "%s",
                       out);
    cr_assert_not_null(strstr(out, note), "%s", out);
    free(out);
    stop_aggregator();
}

/* One validation, one verdict: files the collector refuses, `yuebao check` refuses too,
 * with the same first finding. */
Test(e2e_soft, check_and_collector_agree) {
    static const struct {
        const char *name, *text, *words;
    } cases[] = {
        {"header.csv", "zone,period,indicator,amount,growth_pct\n", "no data rows"},
        {"empty.csv", "", "empty file"},
        {"blank-rows.csv", "zone,period,indicator,amount,growth_pct\n,,,,\n,,,,\n", "no data rows"},
        {"narrow.csv", "zone,period,indicator,amount,growth_pct\nbaoshan,2017-06,revenue,2.03E+6,11.4\n",
         "scientific notation"},
        {"410602.projects.csv",
         "zone,period,project,name,total_investment,ytd_investment,status\n"
         "baoshan,2017-06,P2017005,煤焦油综合利用项目,420000,160000,under_construction\n",
         "key projects arrived before any indicator values"},
    };
    char outbox[512], file[512]; /* not P(): its ring of buffers turns over in this loop */
    snprintf(outbox, sizeof outbox, "%s/outbox.db", dir);
    start_aggregator(NULL, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *out = NULL, *chk;
        FILE *f;
        int rc, st;
        snprintf(file, sizeof file, "%s/%s", dir, cases[i].name);
        cr_assert_not_null(f = fopen(file, "w"));
        fputs(cases[i].text, f);
        fclose(f);
        rc = e2e_submit(P("%s/submit-%zu", dir, i), &out, "410602", agg.listen, outbox, file, NULL);
        chk = check(P("check-%zu", i), outbox, file, &st);
        cr_assert_eq(rc, 1, "%s: the collector refuses it:\n%s", cases[i].name, out);
        cr_assert_eq(st, 1, "%s: check refuses it too:\n%s", cases[i].name, chk);
        cr_assert_not_null(strstr(out, cases[i].words), "%s:\n%s", cases[i].name, out);
        cr_assert_not_null(strstr(chk, cases[i].words), "%s:\n%s", cases[i].name, chk);
        free(out);
        free(chk);
    }
    stop_aggregator();
}

/* A refusal leaves the collector's idea of the store as it was: a collector whose
 * outbox did not know June sends the 元 file (it cannot refuse it locally), the
 * aggregator refuses it; the 万元 correction from the same collector is then judged
 * against what the store holds, not against the refused 元 figures, and is stored. */
Test(e2e_soft, correction_after_a_refused_yuan_file_is_sent_and_stored) {
    const char *fresh = P("%s/fresh-outbox.db", dir);
    char *out = NULL;
    int rc;
    start_and_deliver_june(P("%s/outbox.db", dir));
    rc = e2e_submit(P("%s/yuan", dir), &out, "410602", agg.listen, fresh,
                    e2e_sample("reports/2017-06/410602.yuan.csv"), NULL);
    cr_assert_eq(rc, 1, "the aggregator refuses it:\n%s", out);
    cr_assert_not_null(strstr(out, "REJECTED  baoshan 2017-06 revision 1"), "%s", out);
    free(out);
    expect_store_unchanged();
    rc = e2e_submit(P("%s/correction", dir), &out, "410602", agg.listen, fresh,
                    e2e_sample("reports/2017-06/410602.csv"), NULL);
    cr_assert_eq(rc, 0, "the correction goes out and is stored, exit %d:\n%s", rc, out);
    cr_assert_null(strstr(out, "亿元 instead of 万元?"), "%s", out);
    cr_assert_not_null(strstr(out, "ACCEPTED  baoshan 2017-06 revision 2"), "%s", out);
    free(out);
    cr_assert_eq(
        e2e_sql_int(agg.store, "SELECT revision FROM reports WHERE zone='baoshan' AND period='2017-06'"), 2);
    cr_assert(fabs(e2e_sql_double(agg.store, "SELECT amount FROM report_values WHERE zone='baoshan' AND "
                                             "period='2017-06' AND indicator='revenue'") -
                   2032384.0) < 1e-6);
    stop_aggregator();
}

/* `yuebao check` judges the files named together as one batch, as the collector judges
 * files dropped together: for a period the outbox does not know, the projects file
 * with its values file passes (alone it is refused). --no-merge-jan-feb follows the
 * collector's merge_jan_feb = false: a January file is then a period of its own. */
Test(e2e_soft, check_judges_its_files_as_one_batch) {
    const char *outbox = P("%s/outbox.db", dir), *empty = P("%s/empty.csv", dir);
    const char *values = e2e_sample("reports/2017-06/410602.csv");
    const char *projects = e2e_sample("reports/2017-06/410602.projects.csv");
    char *out = NULL, jan[512];
    FILE *f;
    int rc;
    start_aggregator(NULL, NULL);
    cr_assert_not_null(f = fopen(empty, "w"));
    fclose(f);
    rc = e2e_submit(P("%s/empty", dir), &out, "410602", agg.listen, outbox, empty,
                    NULL); /* makes the outbox */
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    rc = e2e_runl(P("%s/check-both", dir), &out, 20000, e2e_bin("yuebao"), "check", "--master", e2e_city(),
                  "--county", "410602", "--outbox", outbox, values, projects, NULL);
    cr_assert_eq(rc, 0, "the projects file comes with its values:\n%s", out);
    cr_assert_null(strstr(out, "key projects arrived before any indicator values"), "%s", out);
    free(out);
    rc = e2e_runl(P("%s/check-projects", dir), &out, 20000, e2e_bin("yuebao"), "check", "--master",
                  e2e_city(), "--county", "410602", "--outbox", outbox, projects, NULL);
    cr_assert_eq(rc, 1, "alone it is refused:\n%s", out);
    cr_assert_not_null(strstr(out, "key projects arrived before any indicator values"), "%s", out);
    free(out);
    snprintf(jan, sizeof jan, "%s/jan.csv", dir);
    cr_assert_not_null(f = fopen(jan, "w"));
    fputs("zone,period,indicator,amount,growth_pct\nbaoshan,2017-01,employees,14976,5.9\n", f);
    fclose(f);
    rc = e2e_runl(P("%s/check-jan", dir), &out, 20000, e2e_bin("yuebao"), "check", "--master", e2e_city(),
                  "--county", "410602", jan, NULL);
    cr_assert_eq(rc, 1, "January is merged into February by default:\n%s", out);
    free(out);
    rc = e2e_runl(P("%s/check-jan-alone", dir), &out, 20000, e2e_bin("yuebao"), "check", "--master",
                  e2e_city(), "--county", "410602", "--no-merge-jan-feb", jan, NULL);
    cr_assert_eq(rc, 0, "with --no-merge-jan-feb January is a period:\n%s", out);
    free(out);
    stop_aggregator();
}
