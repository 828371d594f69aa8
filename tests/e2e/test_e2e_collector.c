/* test_e2e_collector.c - end to end: the collector daemon's filing, refusals and
 * recovery against a real aggregator (issue 11: items 2, 5, 6, 8, 15).
 *
 * Each test has its own temporary folder, its own aggregator on ipc:// and its own
 * collector daemon; what is checked is what a desk officer finds in inbox/, done/ and
 * rejected/ and what the central office finds in its store.
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e_suite.h"

TestSuite(e2e_collector, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 90);

static pid_t start_collector(const char *county, const char *endpoint, char *err_log, size_t size) {
    char log[512];
    pid_t col = e2e_collector_start(dir, county, endpoint, log, sizeof log);
    cr_assert_gt(col, 0, "the collector did not start");
    snprintf(err_log, size, "%s.err", log);
    return col;
}

static void stop_collector(pid_t col, const char *err_log) {
    int st = e2e_stop(col, 10000);
    cr_assert_eq(st, 0, "the collector exited with %d:\n%s", st, e2e_tail(err_log, 3000));
}

/* A sample file's text with `from` replaced by `to` (NULL: unchanged), written to path. */
static void write_variant(const char *rel, const char *from, const char *to, const char *path) {
    char *text = e2e_read_file(e2e_sample(rel)), *at;
    FILE *f;
    cr_assert_not_null(text, "cannot read %s", rel);
    f = fopen(path, "wb");
    cr_assert_not_null(f);
    at = from ? strstr(text, from) : NULL;
    cr_assert(!from || at, "\"%s\" not in %s", from, rel);
    if (at) {
        fwrite(text, 1, (size_t)(at - text), f);
        fputs(to, f);
        fputs(at + strlen(from), f);
    } else {
        fputs(text, f);
    }
    fclose(f);
    free(text);
}

/* ---- item 2: two files for one report, one invalid ------------------------------- */

/* An invalid file (va twice) and a valid one without va for jinshan 2017-06 dropped
 * together: neither gets a receipt, both are in rejected/ saying why, and nothing of
 * the report is stored (it must not lose 增加值 silently). */
Test(e2e_collector, invalid_and_valid_file_for_one_report_nothing_stored) {
    const char *inbox = P("%s/inbox", dir), *done = P("%s/done", dir), *rejected = P("%s/rejected", dir);
    const char *twice = P("%s/twice.csv", dir), *without = P("%s/without.csv", dir);
    const char *line = "jinshan,2017-06,va,702316.6,11.8\n";
    char err_log[600], *text;
    pid_t col;

    write_variant("reports/2017-06/410671.csv", line,
                  "jinshan,2017-06,va,702316.6,11.8\njinshan,2017-06,va,702316.6,11.8\n", twice);
    write_variant("reports/2017-06/410671.csv", line, "", without);
    start_aggregator(NULL, NULL);
    col = start_collector("410671", agg.listen, err_log, sizeof err_log);
    cr_assert_eq(e2e_drop(twice, inbox, "410671.a.csv"), 0);
    cr_assert_eq(e2e_drop(without, inbox, "410671.b.csv"), 0);

    wait_for_file(P("%s/410671.a.csv.errors.txt", rejected), err_log);
    wait_for_file(P("%s/410671.b.csv.errors.txt", rejected), err_log);
    text = e2e_read_file(P("%s/410671.a.csv.errors.txt", rejected));
    cr_assert(text && strstr(text, "va") && strstr(text, "twice"), "the invalid file's own error:\n%s", text);
    free(text);
    text = e2e_read_file(P("%s/410671.b.csv.errors.txt", rejected));
    cr_assert(text && strstr(text, "not sent"), "the partner is told why it was held back:\n%s", text);
    free(text);
    cr_assert_eq(e2e_count_files(done, ".receipt.txt"), 0, "no receipt claims either file is stored");
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='jinshan' AND period='2017-06'"), 0,
                 "nothing of the report is stored");
    stop_collector(col, err_log);
    stop_aggregator();
}

/* ---- item 15: files the collector cannot read ------------------------------------ */

/* Writes an ASCII CSV as Excel's "Unicode text": UTF-16 LE with a BOM, tabs between
 * the fields, CRLF line ends. */
static void write_unicode_text(const char *rel, const char *path) {
    char *text = e2e_read_file(e2e_sample(rel));
    FILE *f = fopen(path, "wb");
    cr_assert(text && f);
    fputc(0xFF, f);
    fputc(0xFE, f);
    for (const char *p = text; *p; p++) {
        char ch = *p == ',' ? '\t' : *p;
        cr_assert((unsigned char)ch < 0x80, "the sample is expected in ASCII");
        if (ch == '\n') {
            fputc('\r', f);
            fputc(0, f);
        }
        fputc(ch, f);
        fputc(0, f);
    }
    fclose(f);
    free(text);
}

/* What the collector's refusals say, asserted alike on its errors files and on
 * `yuebao check`'s output: one verdict (intake.c, filecheck.c). */
static const struct {
    const char *name, *says;
} by_name[] = {
    /* refused at once by name, whatever they hold */
    {"410671.xls", "save it as \"Excel 工作簿(*.xlsx)\""},
    {"410671.et", "a workbook the collector cannot read (.et)"},
    {"410671.ods", "a workbook the collector cannot read (.ods)"},
    {"410671.docx", "a document (.docx), not a table"},
    {"410671.zip", "the collector does not unpack archives"},
};
/* a file named .xlsx that is no ZIP: read, then refused with the reader's reason */
static const char fake_workbook_says[] = "a damaged or incomplete ZIP";

/* Writes text into a new file at path. */
static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* Workbooks of other formats, a document and an archive go to rejected/ at once, each
 * with an errors file that says what it is and what the collector takes; a fake .xlsx
 * is read as a workbook and refused with the reader's reason; Excel's lock file, a
 * hidden file and a file still being uploaded are left alone without a word; Excel's
 * "Unicode text" is read like a CSV and delivered. */
Test(e2e_collector, unreadable_files_rejected_at_once_lock_files_ignored) {
    const size_t n_by_name = sizeof by_name / sizeof *by_name;
    char inbox[300], done[300], rejected[300], fake[300], utf16[300], err_log[600], *text;
    pid_t col;

    /* copies: P's ring of buffers turns over in the loops below */
    snprintf(inbox, sizeof inbox, "%s/inbox", dir);
    snprintf(done, sizeof done, "%s/done", dir);
    snprintf(rejected, sizeof rejected, "%s/rejected", dir);
    snprintf(fake, sizeof fake, "%s/book.xlsx", dir);
    snprintf(utf16, sizeof utf16, "%s/unicode.txt", dir);

    write_text(fake, "PK\003\004 not really a workbook");
    write_unicode_text("reports/2017-06/410671.csv", utf16);
    start_aggregator(NULL, NULL);
    col = start_collector("410671", agg.listen, err_log, sizeof err_log);
    cr_assert_eq(e2e_drop(fake, inbox, "~$410671.xlsx"), 0);
    cr_assert_eq(e2e_drop(fake, inbox, ".410671.csv.swp"), 0);
    cr_assert_eq(e2e_drop(utf16, inbox, "410671.csv.filepart"), 0); /* WinSCP still uploading */
    for (size_t i = 0; i < n_by_name; i++)
        cr_assert_eq(e2e_drop(fake, inbox, by_name[i].name), 0);
    cr_assert_eq(e2e_drop(fake, inbox, "410671.xlsx"), 0);
    cr_assert_eq(e2e_drop(utf16, inbox, "410671.txt"), 0);

    for (size_t i = 0; i < n_by_name; i++) {
        const char *name = by_name[i].name;
        wait_for_file(P("%s/%s.errors.txt", rejected, name), err_log);
        wait_for_file(P("%s/%s", rejected, name), err_log); /* the errors file first, then the file */
        text = e2e_read_file(P("%s/%s.errors.txt", rejected, name));
        cr_assert(text && strstr(text, name) && strstr(text, by_name[i].says),
                  "%s: the errors file says what it is (\"%s\"):\n%s", name, by_name[i].says, text);
        cr_assert(strstr(text, "yuebao template") && strstr(text, "CSV UTF-8") && strstr(text, "另存为") &&
                      strstr(text, "zone,period,indicator,amount,growth_pct"),
                  "%s: the errors file says what the collector takes and how:\n%s", name, text);
        free(text);
        cr_assert(!e2e_exists(P("%s/%s", inbox, name)), "%s is not left in the inbox", name);
    }
    wait_for_file(P("%s/410671.xlsx.errors.txt", rejected), err_log);
    wait_for_file(P("%s/410671.xlsx", rejected), err_log); /* the errors file first, then the workbook */
    text = e2e_read_file(P("%s/410671.xlsx.errors.txt", rejected));
    cr_assert(text && strstr(text, "410671.xlsx") && strstr(text, fake_workbook_says),
              "the fake workbook is read and refused with the reader's reason:\n%s", text);
    cr_assert(!strstr(text, "cannot read (.xlsx)"), "not refused by its name:\n%s", text);
    free(text);

    wait_for_file(P("%s/410671.txt.receipt.txt", done), err_log);
    cr_assert_eq(sql("SELECT count(*) FROM report_values WHERE zone='jinshan' AND period='2017-06'"), 14,
                 "the Unicode text file is read like the CSV");
    cr_assert(e2e_exists(P("%s/~$410671.xlsx", inbox)), "Excel's lock file is left alone");
    cr_assert(e2e_exists(P("%s/.410671.csv.swp", inbox)), "a hidden file is left alone");
    cr_assert(e2e_exists(P("%s/410671.csv.filepart", inbox)), "a file still being uploaded is left alone");
    cr_assert(!e2e_exists(P("%s/~$410671.xlsx.errors.txt", rejected)), "and not rejected");
    cr_assert_eq(e2e_count_files(rejected, ".errors.txt"), (int)n_by_name + 1,
                 "only the refused files and the fake workbook are rejected");
    cr_assert_eq(sql("SELECT count(*) FROM reports"), 1, "nothing but the Unicode text's report is stored");
    stop_collector(col, err_log);
    stop_aggregator();
}

/* `yuebao check` gives each of those files the collector's verdict, in its words. */
Test(e2e_collector, check_refuses_a_workbook_like_the_collector) {
    char fake[300], *out = NULL;
    int rc;
    snprintf(fake, sizeof fake, "%s/410671.xlsx", dir);
    write_text(fake, "PK\003\004");
    rc = e2e_runl(P("%s/check", dir), &out, e2e_scaled_ms(20000), e2e_bin("yuebao"), "check", "--master",
                  e2e_city(), fake, NULL);
    cr_assert_eq(rc, 1, "check exits 1 for a workbook it cannot read (got %d):\n%s\n%s", rc, out,
                 e2e_tail(P("%s/check.err", dir), 2000));
    cr_assert(out && strstr(out, "410671.xlsx: ") && strstr(out, fake_workbook_says), "stdout:\n%s", out);
    free(out);
    for (size_t i = 0; i < sizeof by_name / sizeof *by_name; i++) {
        const char *path = P("%s/%s", dir, by_name[i].name);
        write_text(path, "PK\003\004");
        out = NULL;
        rc = e2e_runl(P("%s/check-%zu", dir, i), &out, e2e_scaled_ms(20000), e2e_bin("yuebao"), "check",
                      "--master", e2e_city(), path, NULL);
        cr_assert_eq(rc, 1, "%s: check exits 1 (got %d):\n%s", by_name[i].name, rc, out);
        cr_assert(out && strstr(out, P("%s: ", by_name[i].name)) && strstr(out, by_name[i].says),
                  "%s: the collector's reason (\"%s\"):\n%s", by_name[i].name, by_name[i].says, out);
        free(out);
    }
}

/* ---- item 8: RETRY keeps the report and sends it again ----------------------------- */

/* The central office's regions.csv lags (no liyang yet) while the county's has it: the
 * aggregator answers liyang's report RETRY. The collector warns once, keeps the report
 * and the file (neither done/ nor rejected/: it is not settled), sends again every
 * retry_max_ms, and once the central office has the zone (a SIGHUP after the corrected
 * regions.csv is renamed into place) the report is stored and the file filed whole. */
Test(e2e_collector, retry_keeps_the_report_and_sends_it_again) {
    const char *done = P("%s/done", dir), *rejected = P("%s/rejected", dir);
    const char *master = P("%s/master", dir);
    char err_log[600], *text, cmd[2048];
    pid_t col;

    snprintf(cmd, sizeof cmd,
             "cp -r '%s' '%s' && grep -v ',liyang,' '%s/regions.csv' > '%s/regions.tmp' && mv "
             "'%s/regions.tmp' '%s/regions.csv'",
             e2e_city(), master, e2e_city(), master, master, master);
    cr_assert_eq(system(cmd), 0, "cannot make the aggregator's master data");
    const char *extra[] = {"--set", P("master_dir=%s", master), NULL};
    start_aggregator(NULL, extra);
    col = start_collector("410621", agg.listen, err_log, sizeof err_log);
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410621.csv"), P("%s/inbox", dir), "410621.csv"), 0);

    cr_assert_eq(e2e_wait_log(err_log, "cannot take liyang 2017-06", col, e2e_scaled_ms(20000)), 0,
                 "no RETRY warning:\n%s", e2e_tail(err_log, 3000));
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='xunxian' AND period='2017-06'"), 1);
    /* several more RETRY answers (retry_max_ms is 1 s here): still one warning, nothing filed */
    e2e_sleep_ms(e2e_scaled_ms(3500));
    cr_assert_eq(e2e_count_in_file(err_log, "cannot take liyang"), 1, "one warning per report:\n%s",
                 e2e_tail(err_log, 3000));
    cr_assert_eq(e2e_count_files(done, ""), 0, "nothing filed while a report waits");
    cr_assert_eq(e2e_count_files(rejected, ""), 0, "RETRY is not a refusal");
    cr_assert_eq(e2e_sql_int(P("%s/outbox.db", dir), "SELECT count(*) FROM outbox WHERE settled = 0"), 1,
                 "liyang's report waits in the outbox");
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='liyang'"), 0);

    /* the central office catches up: write-then-rename, then SIGHUP */
    snprintf(cmd, sizeof cmd, "cp '%s/regions.csv' '%s/regions.tmp' && mv '%s/regions.tmp' '%s/regions.csv'",
             e2e_city(), master, master, master);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(kill(agg.pid, SIGHUP), 0);
    wait_for_file(P("%s/410621.csv.receipt.txt", done), err_log);
    wait_for_file(P("%s/410621.csv", done), err_log); /* the receipt is written first, then the file moves */
    text = e2e_read_file(P("%s/410621.csv.receipt.txt", done));
    cr_assert(text && strstr(text, "every report in it is stored") &&
                  strstr(text, "ACCEPTED  liyang 2017-06"),
              "receipt:\n%s", text);
    free(text);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='liyang' AND period='2017-06'"), 1);
    stop_collector(col, err_log);
    stop_aggregator();
}

/* ---- item 5: a file stranded in inbox/.sending ----------------------------------- */

/* The outbox is deleted while a file waits in inbox/.sending: at the next start the
 * collector takes the file again and delivers it. */
Test(e2e_collector, stranded_sending_file_requeued_after_outbox_lost) {
    const char *inbox = P("%s/inbox", dir), *done = P("%s/done", dir);
    const char *outbox = P("%s/outbox.db", dir), *endpoint = P("ipc://%s/agg.sock", dir);
    char err_log[600];
    pid_t col;

    col = start_collector("410671", endpoint, err_log, sizeof err_log);
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410671.csv"), inbox, "410671.csv"), 0);
    cr_assert_eq(e2e_sql_wait(outbox, 1, e2e_scaled_ms(10000), "SELECT count(*) FROM outbox WHERE settled=0"),
                 1);
    for (int waited = 0; e2e_count_files(P("%s/.sending", inbox), ".csv") != 1 && waited < e2e_scaled_ms(10000);
         waited += 50)
        e2e_sleep_ms(50);
    cr_assert_eq(e2e_count_files(P("%s/.sending", inbox), ".csv"), 1, "the file waits in inbox/.sending");
    stop_collector(col, err_log);
    cr_assert_eq(unlink(outbox), 0);
    unlink(P("%s-wal", outbox));
    unlink(P("%s-shm", outbox));

    start_aggregator(endpoint, NULL);
    col = start_collector("410671", endpoint, err_log, sizeof err_log);
    wait_for_file(P("%s/410671.csv.receipt.txt", done), err_log);
    wait_for_file(P("%s/410671.csv", done), err_log); /* the receipt is written first, then the file moves */
    cr_assert_eq(e2e_count_files(P("%s/.sending", inbox), ""), 0, "nothing left in .sending");
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='jinshan' AND period='2017-06'"), 1);
    cr_assert_gt(e2e_count_in_file(err_log, "no outbox row claims it"), 0, "the operator is told");
    stop_collector(col, err_log);
    stop_aggregator();
}

/* A file whose every report is acknowledged but which could not be filed — done/ is not
 * a folder for a while, as after a kill between the last ack's COMMIT and the filing —
 * waits in .sending/ as 'sending' with nothing left to send, so no ack will come to
 * file it. Filing is tried again without one: at the next start (restart set), and
 * while the collector runs, at its next look at the inbox (every 10 s) even when the
 * inbox is empty. */
static void settled_but_unfiled_is_filed(bool restart) {
    const char *inbox = P("%s/inbox", dir), *done = P("%s/done", dir);
    const char *outbox = P("%s/outbox.db", dir), *endpoint = P("ipc://%s/agg.sock", dir);
    char err_log[600];
    pid_t col;
    FILE *f;

    start_aggregator(endpoint, NULL);
    col = start_collector("410671", endpoint, err_log, sizeof err_log);
    cr_assert_eq(rmdir(done), 0);
    cr_assert_not_null(f = fopen(done, "w"), "done/ is a file for now");
    fclose(f);
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410671.csv"), inbox, "410671.csv"), 0);
    cr_assert_eq(e2e_wait_log(err_log, "not filed yet", col, e2e_scaled_ms(20000)), 0,
                 "filing into a done/ that is a file fails:\n%s", e2e_tail(err_log, 3000));
    cr_assert_eq(e2e_sql_int(outbox, "SELECT count(*) FROM outbox WHERE settled = 0"), 0, "every report acked");
    cr_assert_eq(e2e_sql_int(outbox, "SELECT count(*) FROM sources WHERE state = 'sending'"), 1);
    if (restart) stop_collector(col, err_log);
    cr_assert_eq(unlink(done), 0);
    cr_assert_eq(mkdir(done, 0755), 0);
    if (restart) col = start_collector("410671", endpoint, err_log, sizeof err_log);
    wait_for_file(P("%s/410671.csv", done), err_log);
    wait_for_file(P("%s/410671.csv.receipt.txt", done), err_log);
    cr_assert_eq(e2e_count_files(P("%s/.sending", inbox), ""), 0, "nothing left in .sending");
    cr_assert_eq(e2e_sql_wait(outbox, 1, e2e_scaled_ms(5000), "SELECT count(*) FROM sources WHERE state = 'done'"),
                 1);
    stop_collector(col, err_log);
    stop_aggregator();
}

Test(e2e_collector, a_file_acked_whole_but_not_filed_is_filed_at_the_next_start) {
    settled_but_unfiled_is_filed(true);
}

Test(e2e_collector, a_file_acked_whole_but_not_filed_is_filed_again_while_running) {
    settled_but_unfiled_is_filed(false);
}

/* ---- item 8: a file stored in part ---------------------------------------------- */

/* The central office's master data has moved liyang to 淇县 (the collector's still has
 * it in 浚县, and a zone of another county is final, unlike a zone the central office
 * does not know yet, which is RETRY): xunxian's report is stored, liyang's REJECTED. The file goes to done/ —
 * part of it is stored — with a receipt saying which report is stored and which is not, and an errors file
 * beside it; rejected/ stays empty ("nothing from a rejected file is stored"). */
Test(e2e_collector, partly_stored_file_goes_to_done_listing_refusals) {
    const char *done = P("%s/done", dir), *rejected = P("%s/rejected", dir);
    const char *master = P("%s/master", dir);
    char err_log[600], *text, cmd[2048];
    pid_t col;

    snprintf(cmd, sizeof cmd,
             "cp -r '%s' '%s' && sed 's/^410621,浚县,liyang,/410622,淇县,liyang,/' '%s/regions.csv' > "
             "'%s/regions.tmp' && mv '%s/regions.tmp' '%s/regions.csv'",
             e2e_city(), master, e2e_city(), master, master, master);
    cr_assert_eq(system(cmd), 0, "cannot make the aggregator's master data");
    const char *extra[] = {"--set", P("master_dir=%s", master), NULL};
    start_aggregator(NULL, extra);
    col = start_collector("410621", agg.listen, err_log, sizeof err_log);
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410621.csv"), P("%s/inbox", dir), "410621.csv"), 0);

    wait_for_file(P("%s/410621.csv.receipt.txt", done), err_log);
    wait_for_file(P("%s/410621.csv", done), err_log); /* the receipt is written first, then the file moves */
    cr_assert(e2e_exists(P("%s/410621.csv.errors.txt", done)), "with its errors beside it");
    cr_assert_eq(e2e_count_files(rejected, ""), 0, "nothing in rejected/");
    text = e2e_read_file(P("%s/410621.csv.receipt.txt", done));
    cr_assert(text && strstr(text, "in part") && strstr(text, "NOT stored"), "receipt:\n%s", text);
    cr_assert(strstr(text, "ACCEPTED  xunxian 2017-06") && strstr(text, "REJECTED  liyang 2017-06"),
              "each report with its status:\n%s", text);
    free(text);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='xunxian' AND period='2017-06'"), 1);
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='liyang'"), 0);
    stop_collector(col, err_log);
    stop_aggregator();
}

/* ---- item 5: the central office loses acknowledged reports ------------------------ */

/* Runs SQL statements on the (stopped) aggregator's store, as a lost WAL would. */
static void store_exec(const char *q) {
    sqlite3 *db = NULL;
    char *msg = NULL;
    cr_assert_eq(sqlite3_open(agg.store, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, q, NULL, NULL, &msg), SQLITE_OK, "%s: %s", q, msg ? msg : "");
    sqlite3_close(db);
}

static char *store_text(const char *q) {
    char *t = e2e_sql_text(agg.store, "%s", q);
    cr_assert_not_null(t, "%s", q);
    return t;
}

/* A report is delivered and filed; the store then loses it behind the aggregator's back.
 * When the aggregator comes back, the collector's reconcile finds the gap and sends the
 * same report again: the store ends as it was. */
Test(e2e_collector, reconcile_resends_what_the_store_lost) {
    const char *inbox = P("%s/inbox", dir), *done = P("%s/done", dir),
               *endpoint = P("ipc://%s/agg.sock", dir);
    const char *values =
        "SELECT group_concat(indicator || '=' || amount || '/' || coalesce(growth_pct, '-'), ';') "
        "FROM (SELECT * FROM report_values WHERE zone='jinshan' ORDER BY period, indicator)";
    const char *reports = "SELECT group_concat(period || ':' || revision, ';') FROM (SELECT * FROM reports "
                          "WHERE zone='jinshan' ORDER BY period)";
    char err_log[600], *before_v, *before_r, *after_v, *after_r;
    pid_t col;

    start_aggregator(endpoint, NULL);
    col = start_collector("410671", endpoint, err_log, sizeof err_log);
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-05/410671.csv"), inbox, "410671-05.csv"), 0);
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410671.csv"), inbox, "410671-06.csv"), 0);
    wait_for_file(P("%s/410671-05.csv.receipt.txt", done), err_log);
    wait_for_file(P("%s/410671-06.csv.receipt.txt", done), err_log);
    before_v = store_text(values);
    before_r = store_text(reports);
    cr_assert_str_eq(before_r, "2017-05:1;2017-06:1");
    stop_aggregator();

    /* the June report vanishes from every report table, as with a truncated WAL */
    store_exec("DELETE FROM issues WHERE history_id IN (SELECT id FROM report_history WHERE "
               "zone='jinshan' AND period='2017-06');"
               "DELETE FROM report_history WHERE zone='jinshan' AND period='2017-06';"
               "DELETE FROM report_values WHERE zone='jinshan' AND period='2017-06';"
               "DELETE FROM projects WHERE zone='jinshan' AND period='2017-06';"
               "DELETE FROM reports WHERE zone='jinshan' AND period='2017-06';");
    {
        char *lost = store_text(reports);
        cr_assert_str_eq(lost, "2017-05:1");
        free(lost);
    }

    start_aggregator(endpoint, NULL);
    cr_assert_eq(e2e_wait_log(err_log, "the central office lost jinshan 2017-06 revision 1", col,
                              e2e_scaled_ms(20000)),
                 0, "the collector notices; its log:\n%s", e2e_tail(err_log, 3000));
    cr_assert_eq(e2e_sql_wait(agg.store, 1, e2e_scaled_ms(20000),
                              "SELECT count(*) FROM reports WHERE zone='jinshan' AND period='2017-06'"),
                 1, "the report is stored again; collector log:\n%s", e2e_tail(err_log, 3000));
    after_v = store_text(values);
    after_r = store_text(reports);
    cr_assert_str_eq(after_r, before_r, "the same revisions as before");
    cr_assert_str_eq(after_v, before_v, "the same values as before");
    cr_assert_eq(e2e_count_in_file(err_log, "the central office lost jinshan 2017-05"), 0,
                 "what the store kept is not resent");
    free(before_v);
    free(before_r);
    free(after_v);
    free(after_r);
    stop_collector(col, err_log);
    stop_aggregator();
}

/* ---- filing: rejected/ on another filesystem ------------------------------------- */

/* rejected/ on another filesystem (a symlink to /dev/shm, a tmpfs): a file refused
 * locally and a workbook both land there beside their errors files — no rename across
 * filesystems failing at every rescan, no file left in the inbox. */
Test(e2e_collector, rejected_on_another_filesystem_gets_the_files_and_their_errors) {
    const char *inbox = P("%s/inbox", dir), *rejected = P("%s/rejected", dir);
    const char *twice = P("%s/twice.csv", dir), *xlsx = P("%s/book.xlsx", dir);
    const char *line = "jinshan,2017-06,va,702316.6,11.8\n";
    char shm[64] = "/dev/shm/yb_rejected_XXXXXX", err_log[600], *text;
    struct stat a, b;
    FILE *f;
    pid_t col;

    cr_assert_not_null(mkdtemp(shm));
    cr_assert_eq(stat(shm, &a), 0);
    cr_assert_eq(stat(dir, &b), 0);
    if (a.st_dev == b.st_dev) {
        rmdir(shm);
        cr_skip_test("/dev/shm is on the same filesystem as %s", dir);
    }
    cr_assert_eq(symlink(shm, rejected), 0);
    write_variant("reports/2017-06/410671.csv", line,
                  "jinshan,2017-06,va,702316.6,11.8\njinshan,2017-06,va,702316.6,11.8\n", twice);
    f = fopen(xlsx, "wb");
    cr_assert_not_null(f);
    fputs("PK\003\004 not really a workbook", f);
    fclose(f);
    start_aggregator(NULL, NULL);
    col = start_collector("410671", agg.listen, err_log, sizeof err_log);
    cr_assert_eq(e2e_drop(twice, inbox, "410671.csv"), 0);
    cr_assert_eq(e2e_drop(xlsx, inbox, "410671.xlsx"), 0);

    wait_for_file(P("%s/410671.csv.errors.txt", rejected), err_log);
    wait_for_file(P("%s/410671.xlsx.errors.txt", rejected), err_log);
    /* each errors file is written first, then its file moves beside it */
    wait_for_file(P("%s/410671.csv", rejected), err_log);
    wait_for_file(P("%s/410671.xlsx", rejected), err_log);
    text = e2e_read_file(P("%s/410671.csv.errors.txt", rejected));
    cr_assert(text && strstr(text, "va") && strstr(text, "twice"), "its errors file says why:\n%s", text);
    free(text);
    cr_assert(!e2e_exists(P("%s/410671.csv", inbox)), "not left in the inbox");
    cr_assert(!e2e_exists(P("%s/410671.xlsx", inbox)), "not left in the inbox");
    cr_assert_eq(e2e_count_in_file(err_log, "cannot file"), 0, "no filing error:\n%s",
                 e2e_tail(err_log, 3000));
    stop_collector(col, err_log);
    stop_aggregator();
    e2e_rmtree(shm);
}
