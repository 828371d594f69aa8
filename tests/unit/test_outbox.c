/* test_outbox.c - the collector's outbox as a file: its numbered migrations, and the
 * outboxes written before they were numbered.
 *
 * The code before numbered migrations wrote user_version 1 into every outbox and added
 * what an older one lacked at open: the sources' note, then the confirmed content, then
 * the index of the reconcile. Its files are made here with raw SQL, each as one release
 * left it, with rows in every table; the new code must open them, keep the rows, give
 * them what they lack (only that) and leave them at the current version. What the
 * outbox does with its rows is test_collector's.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "outbox.h"
#include "report.h"

#define CURRENT 4 /* the outbox's schema version */

static char tmpdir[64], path[128];

static void remove_db(const char *p) {
    char q[256];
    unlink(p);
    snprintf(q, sizeof q, "%s-wal", p);
    unlink(q);
    snprintf(q, sizeof q, "%s-shm", p);
    unlink(q);
}

static void setup(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_outbox_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(path, sizeof path, "%s/outbox.db", tmpdir);
}

static void teardown(void) {
    remove_db(path);
    rmdir(tmpdir);
}

TestSuite(outbox, .init = setup, .fini = teardown);

#define assert_says(msg, words)                                                                              \
    cr_assert_not_null(strstr((msg), (words)), "\"%s\" lacks \"%s\"", (msg), (words))

/* The first released schema (the collector's first outbox). */
static const char first_schema[] =
    "CREATE TABLE sources ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, path TEXT, hash TEXT NOT NULL,"
    "  state TEXT NOT NULL, queued_at_ms INTEGER NOT NULL);"
    "CREATE INDEX sources_by_name ON sources (name, hash);"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY, message_id BLOB NOT NULL UNIQUE, zone TEXT NOT NULL,"
    "  period TEXT NOT NULL, revision INTEGER NOT NULL, payload BLOB NOT NULL,"
    "  settled INTEGER NOT NULL DEFAULT 0, status TEXT, store_revision INTEGER, detail TEXT,"
    "  settled_at_ms INTEGER);"
    "CREATE TABLE source_reports ("
    "  source_id INTEGER NOT NULL, outbox_id INTEGER NOT NULL,"
    "  PRIMARY KEY (source_id, outbox_id)) WITHOUT ROWID;"
    "CREATE INDEX source_reports_by_outbox ON source_reports (outbox_id);"
    "CREATE TABLE last_reports ("
    "  zone TEXT NOT NULL, period TEXT NOT NULL, revision INTEGER NOT NULL, content BLOB,"
    "  report BLOB, PRIMARY KEY (zone, period)) WITHOUT ROWID;"
    "PRAGMA user_version = 1;";

/* What the later releases added at open, in their order. */
static const char add_note[] = "ALTER TABLE sources ADD COLUMN note TEXT;";
static const char add_confirmed[] = "ALTER TABLE last_reports ADD COLUMN confirmed_content BLOB;"
                                    "ALTER TABLE last_reports ADD COLUMN confirmed_report BLOB;";
static const char add_index[] = "CREATE INDEX outbox_by_key ON outbox (zone, period, settled);";

/* One source being sent, its pending report (revision 2) and an older stored one
 * (revision 1), linked as the collector links them. */
static const char rows[] =
    "INSERT INTO sources (id, name, path, hash, state, queued_at_ms) VALUES"
    "  (7, '410602.csv', '/inbox/.sending/7.410602.csv', '00000000000000ff', 'sending', 1499184000000);"
    "INSERT INTO outbox (id, message_id, zone, period, revision, payload, settled, status, store_revision,"
    "  detail, settled_at_ms) VALUES"
    "  (2, X'01010101010101010101010101010101', 'baoshan', '2017-06', 1, X'c1', 1, 'ACCEPTED', 1, '',"
    "   1499000000000),"
    "  (3, X'02020202020202020202020202020202', 'baoshan', '2017-06', 2, X'a1b2c3', 0, NULL, NULL, NULL,"
    "   NULL);"
    "INSERT INTO source_reports (source_id, outbox_id) VALUES (7, 3);";

static void raw(const char *sql) {
    sqlite3 *c = NULL;
    char *msg = NULL;
    cr_assert_eq(sqlite3_open(path, &c), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(c, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql, msg);
    sqlite3_close(c);
}

static long long raw_int(const char *sql) {
    sqlite3 *c = NULL;
    sqlite3_stmt *st;
    long long v;
    cr_assert_eq(sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(c));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(c);
    return v;
}

/* baoshan's June revision 2 with one value, as the collector keeps it: its content bytes
 * and its encoded report. */
static void june_report(uint8_t **content, size_t *content_len, uint8_t **report, size_t *report_len) {
    msg_t m;
    report_value_t v;
    memset(&m, 0, sizeof m);
    memset(&v, 0, sizeof v);
    m.kind = MSG_REPORT;
    snprintf(m.report.zone, sizeof m.report.zone, "baoshan");
    snprintf(m.report.period, sizeof m.report.period, "2017-06");
    m.report.revision = 2;
    snprintf(v.indicator, sizeof v.indicator, "revenue");
    v.amount = 2033000.0;
    cr_assert_not_null(report_add_value(&m.report, &v));
    cr_assert_eq(codec_report_content(&m.report, content, content_len), 0);
    cr_assert_eq(codec_encode(&m, report, report_len), 0);
    msg_clear(&m);
}

/* Puts the June report in last_reports; with `confirmed` (a file that has the columns),
 * the confirmed content is other bytes, as after a correction not yet acked. */
static void put_last(bool confirmed) {
    sqlite3 *c = NULL;
    sqlite3_stmt *st;
    uint8_t *content, *report;
    size_t content_len, report_len;
    june_report(&content, &content_len, &report, &report_len);
    cr_assert_eq(sqlite3_open(path, &c), SQLITE_OK);
    cr_assert_eq(
        sqlite3_prepare_v2(c,
                           confirmed ? "INSERT INTO last_reports (zone, period, revision, content, report,"
                                       " confirmed_content, confirmed_report) VALUES ('baoshan', '2017-06',"
                                       " 2, ?1, ?2, X'c0ffee', X'c0ffee')"
                                     : "INSERT INTO last_reports (zone, period, revision, content, report)"
                                       " VALUES ('baoshan', '2017-06', 2, ?1, ?2)",
                           -1, &st, NULL),
        SQLITE_OK, "%s", sqlite3_errmsg(c));
    sqlite3_bind_blob(st, 1, content, (int)content_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, report, (int)report_len, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(c));
    sqlite3_finalize(st);
    sqlite3_close(c);
    free(content);
    free(report);
}

/* An outbox as a release before numbered migrations left it: the first schema, then
 * the first `later` of the additions, then the rows. */
static void old_outbox(int later) {
    raw(first_schema);
    if (later >= 1) raw(add_note);
    if (later >= 2) raw(add_confirmed);
    if (later >= 3) raw(add_index);
    raw(rows);
    put_last(later >= 2);
}

static outbox_t *open_ok(bool readonly) {
    char err[512] = "";
    outbox_t *o = readonly ? outbox_open_readonly(path, err, sizeof err) : outbox_open(path, err, sizeof err);
    cr_assert_not_null(o, "open: %s", err);
    return o;
}

/* Every row of old_outbox() is there and reads as before. */
static void expect_rows(outbox_t *o) {
    pending_t *p = NULL;
    size_t n = 0;
    int64_t id = 0;
    char state[16] = "";
    uint32_t rev = 0;
    uint8_t *content = NULL, *want;
    size_t len = 0, want_len, report_len;
    uint8_t *report;
    report_t last;
    static const uint8_t payload[] = {0xa1, 0xb2, 0xc3};

    cr_assert_eq(outbox_count_pending(o), 1);
    cr_assert_eq(outbox_load_pending(o, &p, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(p[0].id, 3);
    cr_assert_str_eq(p[0].zone, "baoshan");
    cr_assert_eq(p[0].revision, 2);
    cr_assert_eq(p[0].msg_id[15], 0x02);
    cr_assert_eq(p[0].payload_len, sizeof payload);
    cr_assert_eq(memcmp(p[0].payload, payload, sizeof payload), 0);
    free(p[0].payload);
    free(p);

    cr_assert_eq(outbox_source_find(o, "410602.csv", 0xff, &id, state, sizeof state), 1);
    cr_assert_eq(id, 7);
    cr_assert_str_eq(state, "sending");
    cr_assert_eq(outbox_source_claims(o, "/inbox/.sending/7.410602.csv"), 1);

    june_report(&want, &want_len, &report, &report_len);
    cr_assert_eq(outbox_last(o, "baoshan", "2017-06", &rev, &content, &len, &last), 1);
    cr_assert_eq(rev, 2);
    cr_assert_eq(len, want_len);
    cr_assert_eq(memcmp(content, want, len), 0);
    cr_assert_str_eq(last.zone, "baoshan");
    cr_assert_eq(last.n_values, 1);
    cr_assert_eq(last.values[0].amount, 2033000.0);
    report_clear(&last);
    free(content);
    free(want);
    free(report);
}

/* ---- a fresh outbox ---------------------------------------------------------------------- */

Test(outbox, a_fresh_outbox_is_at_the_current_version_and_reopens_unchanged) {
    outbox_t *o = open_ok(false);
    long long objects;
    outbox_close(&o);
    cr_assert_eq(raw_int("PRAGMA user_version"), CURRENT);
    cr_assert_eq(raw_int("SELECT count(*) FROM pragma_table_info('sources') WHERE name = 'note'"), 1);
    cr_assert_eq(
        raw_int("SELECT count(*) FROM pragma_table_info('last_reports') WHERE name LIKE 'confirmed_%'"), 2);
    cr_assert_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'outbox_by_key'"), 1);
    objects = raw_int("SELECT count(*) FROM sqlite_master");
    o = open_ok(false);
    outbox_close(&o);
    cr_assert_null(o);
    cr_assert_eq(raw_int("SELECT count(*) FROM sqlite_master"), objects, "nothing made twice");
    cr_assert_eq(raw_int("PRAGMA user_version"), CURRENT);
}

/* ---- outboxes from before numbered migrations ------------------------------------------ */

Test(outbox, the_first_outbox_is_upgraded_and_keeps_its_rows_and_its_base) {
    outbox_t *o;
    pending_t p;
    ack_t ack;
    uint32_t rev = 0;
    uint8_t *content = NULL;
    size_t len = 0;
    report_t last;
    old_outbox(0);
    o = open_ok(false);
    expect_rows(o);
    cr_assert_eq(outbox_source_set_note(o, 7, "the note column is there"), 0);

    /* the last content counts as confirmed (what the old code built on): a refusal of
     * revision 2 goes back to it, not to nothing */
    memset(&p, 0, sizeof p);
    snprintf(p.zone, sizeof p.zone, "baoshan");
    snprintf(p.period, sizeof p.period, "2017-06");
    p.revision = 2;
    memset(&ack, 0, sizeof ack);
    ack.status = ACK_REJECTED;
    ack.store_revision = 1;
    cr_assert_eq(outbox_settle_last(o, &p, &ack), 0);
    cr_assert_eq(outbox_last(o, "baoshan", "2017-06", &rev, &content, &len, &last), 1);
    cr_assert_not_null(content, "the base is kept");
    cr_assert_eq(last.n_values, 1);
    report_clear(&last);
    free(content);
    outbox_close(&o);

    cr_assert_eq(raw_int("PRAGMA user_version"), CURRENT);
    cr_assert_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'outbox_by_key'"), 1);
    cr_assert_eq(raw_int("SELECT count(*) FROM outbox"), 2, "the stored row stays too");
}

Test(outbox, an_outbox_with_the_note_gets_the_confirmed_content_from_its_last) {
    outbox_t *o;
    old_outbox(1);
    o = open_ok(false);
    expect_rows(o);
    outbox_close(&o);
    cr_assert_eq(raw_int("PRAGMA user_version"), CURRENT);
    cr_assert_eq(raw_int("SELECT count(*) FROM last_reports WHERE confirmed_content = content"
                         " AND confirmed_report = report"),
                 1);
}

/* An outbox of the last release before numbered migrations lacks nothing: it only gets
 * its true number. Its confirmed content - other than its last one, a correction is
 * on its way - must not be overwritten by migration 3. */
Test(outbox, an_outbox_of_the_last_release_only_gets_its_number) {
    outbox_t *o;
    long long objects;
    old_outbox(3);
    objects = raw_int("SELECT count(*) FROM sqlite_master");
    o = open_ok(false);
    expect_rows(o);
    outbox_close(&o);
    cr_assert_eq(raw_int("PRAGMA user_version"), CURRENT);
    cr_assert_eq(raw_int("SELECT count(*) FROM sqlite_master"), objects);
    cr_assert_eq(raw_int("SELECT count(*) FROM last_reports WHERE confirmed_content = X'c0ffee'"), 1,
                 "the confirmed content stays what it was");
}

/* Between releases: the confirmed content without the index (made at open by the code
 * that added it, so an older file lacked it until then). */
Test(outbox, an_outbox_without_the_index_gets_it) {
    outbox_t *o;
    old_outbox(2);
    o = open_ok(false);
    expect_rows(o);
    outbox_close(&o);
    cr_assert_eq(raw_int("PRAGMA user_version"), CURRENT);
    cr_assert_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'outbox_by_key'"), 1);
    cr_assert_eq(raw_int("SELECT count(*) FROM last_reports WHERE confirmed_content = X'c0ffee'"), 1);
}

/* ---- read-only (yuebao check --outbox) ---------------------------------------------------- */

Test(outbox, a_reader_reads_an_outbox_of_the_last_release_and_writes_nothing) {
    outbox_t *o;
    old_outbox(3);
    o = open_ok(true);
    expect_rows(o);
    cr_assert_eq(outbox_begin(o), -1, "a reader cannot write");
    outbox_close(&o);
    cr_assert_eq(raw_int("PRAGMA user_version"), 1, "the file still says what it said");
}

Test(outbox, a_reader_of_an_older_outbox_says_the_collector_upgrades_it) {
    char err[512] = "";
    old_outbox(1);
    cr_assert_null(outbox_open_readonly(path, err, sizeof err));
    assert_says(err, path);
    assert_says(err, "schema version 2, this program reads 4");
    assert_says(err, "the collector upgrades the outbox when it next starts");
    cr_assert_eq(raw_int("PRAGMA user_version"), 1);
    cr_assert_eq(raw_int("SELECT count(*) FROM pragma_table_info('last_reports')"), 5, "nothing was added");
}

Test(outbox, a_reader_of_a_missing_outbox_says_so_and_creates_nothing) {
    char err[512] = "";
    cr_assert_null(outbox_open_readonly(path, err, sizeof err));
    assert_says(err, path);
    assert_says(err, "no such file");
    assert_says(err, "collector");
    cr_assert_neq(access(path, F_OK), 0);
}

/* Not an outbox at all (another store, at its own version 1): refused, not written to. */
Test(outbox, a_file_that_is_no_outbox_is_refused) {
    char err[512] = "";
    raw("CREATE TABLE reports (period TEXT, zone TEXT); PRAGMA user_version = 1");
    cr_assert_null(outbox_open_readonly(path, err, sizeof err));
    assert_says(err, path);
    cr_assert_null(outbox_open(path, err, sizeof err));
    assert_says(err, "migration to schema version 2 failed");
    cr_assert_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'outbox'"), 0);
}
