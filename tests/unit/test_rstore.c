/* test_rstore.c - the report store: schema, read-only readers, revisions and scans.
 *
 * Each test gets a fresh store in its own temporary folder. Reports are built in memory
 * with the sample city's zones and indicators; the checks are what the scorer and the
 * CLI rely on when they read the store.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "report.h"
#include "rstore.h"

#define T0 1500048000000LL /* 2017-07-15 00:00 Asia/Shanghai */

static char tmpdir[64], dbpath[128];
static rstore_t *S;

static void path_in_tmp(char *out, size_t size, const char *name) {
    snprintf(out, size, "%s/%s", tmpdir, name);
}

static void remove_db(const char *path) {
    char p[256];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-journal", path);
    unlink(p);
}

static void setup(void) {
    char err[512] = "";
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_rstore_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    path_in_tmp(dbpath, sizeof dbpath, "reports.db");
    S = rstore_open(dbpath, false, err, sizeof err);
    cr_assert_not_null(S, "rstore_open: %s", err);
}

static void teardown(void) {
    char p[192];
    rstore_close(&S);
    remove_db(dbpath);
    path_in_tmp(p, sizeof p, "other.db");
    remove_db(p);
    rmdir(tmpdir);
}

TestSuite(rstore, .init = setup, .fini = teardown);

/* ---- helpers ---------------------------------------------------------------------- */

static void build(report_t *r, const char *zone, const char *period, uint32_t revision) {
    memset(r, 0, sizeof *r);
    snprintf(r->zone, sizeof r->zone, "%s", zone);
    snprintf(r->period, sizeof r->period, "%s", period);
    snprintf(r->source, sizeof r->source, "test.csv");
    r->revision = revision;
}

static void add_value(report_t *r, const char *indicator, double amount, double growth) {
    report_value_t v;
    memset(&v, 0, sizeof v);
    snprintf(v.indicator, sizeof v.indicator, "%s", indicator);
    v.amount = amount;
    v.has_growth = !isnan(growth);
    v.growth_pct = v.has_growth ? growth : 0;
    v.line = (unsigned)(r->n_values + 2);
    cr_assert_not_null(report_add_value(r, &v));
}

/* Applies r in its own transaction with fixed content bytes. */
static void apply(rstore_t *s, const report_t *r, const char *county, int64_t now_ms,
                  const diag_list_t *warnings) {
    char content[128];
    int n = snprintf(content, sizeof content, "%s/%s/r%u", r->zone, r->period, r->revision);
    cr_assert_eq(rstore_begin(s), 0);
    cr_assert_eq(rstore_apply(s, r, county, county, (const uint8_t *)content, (size_t)n, warnings, now_ms),
                 0);
    cr_assert_eq(rstore_commit(s), 0);
}

static long long q_int(rstore_t *s, const char *sql) {
    sqlite3_stmt *st;
    long long v;
    cr_assert_eq(sqlite3_prepare_v2(rstore_db(s), sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(rstore_db(s)));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static const char *q_text(rstore_t *s, const char *sql, char *buf, size_t size) {
    sqlite3_stmt *st;
    const unsigned char *t;
    cr_assert_eq(sqlite3_prepare_v2(rstore_db(s), sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    t = sqlite3_column_text(st, 0);
    snprintf(buf, size, "%s", t ? (const char *)t : "(null)");
    sqlite3_finalize(st);
    return buf;
}

#define assert_says(msg, words)                                                                              \
    cr_assert_not_null(strstr((msg), (words)), "\"%s\" lacks \"%s\"", (msg), (words))

/* ---- schema ------------------------------------------------------------------------ */

Test(rstore, open_creates_the_schema_in_wal_mode) {
    char buf[64];
    cr_assert_eq(access(dbpath, F_OK), 0, "the store file exists");
    cr_assert_eq(q_int(S, "PRAGMA user_version"), 4);
    cr_assert_str_eq(q_text(S, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    cr_assert_eq(q_int(S, "PRAGMA synchronous"), 2, "synchronous=FULL for acknowledged data");
    cr_assert_eq(q_int(S, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN "
                          "('reports','report_values','report_history','projects','issues','rejections')"),
                 6);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM reports"), 0);
}

Test(rstore, reopen_is_idempotent_and_keeps_data) {
    report_t r;
    char err[512] = "";
    uint32_t rev = 0;
    long long objects = q_int(S, "SELECT count(*) FROM sqlite_master");
    build(&r, "jinshan", "2017-06", 1);
    add_value(&r, "revenue", 2759085.3, 10.5);
    apply(S, &r, "410671", T0, NULL);
    rstore_close(&S);
    cr_assert_null(S, "rstore_close sets the handle to NULL");
    rstore_close(&S); /* NULL-safe */

    S = rstore_open(dbpath, false, err, sizeof err);
    cr_assert_not_null(S, "reopen: %s", err);
    cr_assert_eq(q_int(S, "PRAGMA user_version"), 4);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM sqlite_master"), objects, "no schema object added twice");
    cr_assert_eq(rstore_current_revision(S, "jinshan", "2017-06", &rev), 1);
    cr_assert_eq(rev, 1);
    report_clear(&r);
}

Test(rstore, writer_refuses_a_newer_schema) {
    char err[512] = "";
    cr_assert_eq(sqlite3_exec(rstore_db(S), "PRAGMA user_version = 7", NULL, NULL, NULL), SQLITE_OK);
    rstore_close(&S);
    S = rstore_open(dbpath, false, err, sizeof err);
    cr_assert_null(S);
    assert_says(err, dbpath);
    assert_says(err, "7");
    assert_says(err, "newer");
}

/* A store of schema version 1, before a value had its 说明, as that aggregator left it:
 * made with raw SQL, with one report in it. */
Test(rstore, a_version_1_store_is_migrated_and_keeps_its_reports) {
    static const char v1[] =
        "CREATE TABLE reports ("
        "  period TEXT NOT NULL, zone TEXT NOT NULL, revision INTEGER NOT NULL,"
        "  county TEXT NOT NULL, history_id INTEGER NOT NULL, stored_at_ms INTEGER NOT NULL,"
        "  problems TEXT, next_steps TEXT, PRIMARY KEY (period, zone)) WITHOUT ROWID;"
        "CREATE TABLE report_values ("
        "  period TEXT NOT NULL, zone TEXT NOT NULL, indicator TEXT NOT NULL,"
        "  amount REAL NOT NULL, growth_pct REAL, revision INTEGER NOT NULL,"
        "  PRIMARY KEY (period, zone, indicator)) WITHOUT ROWID;"
        "CREATE TABLE report_history ("
        "  id INTEGER PRIMARY KEY, period TEXT NOT NULL, zone TEXT NOT NULL,"
        "  revision INTEGER NOT NULL, county TEXT NOT NULL, sender TEXT NOT NULL,"
        "  source TEXT, stored_at_ms INTEGER NOT NULL, content BLOB NOT NULL,"
        "  UNIQUE (period, zone, revision));"
        "CREATE TABLE projects ("
        "  period TEXT NOT NULL, zone TEXT NOT NULL, code TEXT NOT NULL, name TEXT,"
        "  total_investment REAL, ytd_investment REAL, status TEXT,"
        "  PRIMARY KEY (period, zone, code)) WITHOUT ROWID;"
        "CREATE TABLE issues (history_id INTEGER NOT NULL, line INTEGER, field TEXT, message TEXT NOT NULL);"
        "CREATE INDEX issues_by_history ON issues (history_id);"
        "CREATE TABLE rejections ("
        "  id INTEGER PRIMARY KEY, county TEXT NOT NULL, zone TEXT, period TEXT,"
        "  revision INTEGER, source TEXT, received_at_ms INTEGER NOT NULL, reasons TEXT NOT NULL);"
        "INSERT INTO report_history VALUES (1, '2017-06', 'jinshan', 3, '410671', '410671', 'a.csv',"
        "  1500048000000, X'01');"
        "INSERT INTO reports VALUES ('2017-06', 'jinshan', 3, '410671', 1, 1500048000000, NULL, NULL);"
        "INSERT INTO report_values VALUES ('2017-06', 'jinshan', 'revenue', 2759085.3, 10.5, 3),"
        "  ('2017-06', 'jinshan', 'rd_share', 3.5, NULL, 3);"
        "PRAGMA user_version = 1;";
    char path[192], err[512] = "";
    sqlite3 *raw;
    rstore_t *old;
    report_t back;
    path_in_tmp(path, sizeof path, "other.db");
    cr_assert_eq(sqlite3_open(path, &raw), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(raw, v1, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(raw));
    sqlite3_close(raw);

    old = rstore_open(path, false, err, sizeof err);
    cr_assert_not_null(old, "%s", err);
    cr_assert_eq(q_int(old, "PRAGMA user_version"), 4);
    cr_assert_eq(rstore_load_report(old, "jinshan", "2017-06", &back), 1);
    cr_assert_eq(back.revision, 3);
    cr_assert_eq(back.n_values, 2);
    cr_assert_str_eq(back.values[0].indicator, "rd_share");
    cr_assert_not(back.values[0].has_growth);
    cr_assert_eq(back.values[1].amount, 2759085.3);
    cr_assert_null(back.values[1].note, "a value from before has no 说明");
    report_clear(&back);

    build(&back, "jinshan", "2017-06", 4);
    add_value(&back, "revenue", 2800000.0, 11.0);
    cr_assert_eq(report_set_text(&back.values[0].note, "新项目投产"), 0);
    apply(old, &back, "410671", T0, NULL);
    cr_assert_eq(q_int(old, "SELECT count(*) FROM report_values WHERE note = '新项目投产'"), 1);
    cr_assert_eq(q_int(old, "SELECT count(*) FROM report_history"), 2, "the old revision stays in history");
    report_clear(&back);
    rstore_close(&old);
}

/* ---- read-only readers (scorer, CLI) ------------------------------------------------- */

Test(rstore, read_only_open_of_a_missing_store_fails_and_creates_nothing) {
    char path[192], err[512] = "";
    rstore_t *ro;
    path_in_tmp(path, sizeof path, "other.db");
    ro = rstore_open(path, true, err, sizeof err);
    cr_assert_null(ro);
    assert_says(err, path);
    /* "unable to open database file" alone leaves the operator guessing */
    cr_assert(strcasestr(err, "no such file") || strstr(err, "does not exist") || strstr(err, "not created"),
              "the message should say the store does not exist: \"%s\"", err);
    cr_assert_neq(access(path, F_OK), 0, "a reader must not create the store");
}

Test(rstore, read_only_open_of_an_uncreated_file_says_so) {
    char path[192], err[512] = "";
    FILE *f;
    path_in_tmp(path, sizeof path, "other.db");
    f = fopen(path, "w"); /* an empty file: the aggregator has not run yet */
    cr_assert_not_null(f);
    fclose(f);
    cr_assert_null(rstore_open(path, true, err, sizeof err));
    assert_says(err, path);
    assert_says(err, "not created yet");
}

Test(rstore, read_only_reader_sees_what_the_writer_committed) {
    report_t r, back;
    char err[512] = "";
    uint32_t rev = 0;
    rstore_t *ro;
    build(&r, "jinshan", "2017-06", 2);
    add_value(&r, "revenue", 2759085.3, 10.5);
    apply(S, &r, "410671", T0, NULL);

    /* beside the open writer, as the scorer runs */
    ro = rstore_open(dbpath, true, err, sizeof err);
    cr_assert_not_null(ro, "%s", err);
    cr_assert_eq(rstore_current_revision(ro, "jinshan", "2017-06", &rev), 1);
    cr_assert_eq(rev, 2);
    rstore_close(&ro);

    /* and after the writer has gone (its -wal and -shm files removed) */
    rstore_close(&S);
    ro = rstore_open(dbpath, true, err, sizeof err);
    cr_assert_not_null(ro, "%s", err);
    cr_assert_eq(rstore_load_report(ro, "jinshan", "2017-06", &back), 1);
    cr_assert_eq(back.revision, 2);
    cr_assert_eq(back.n_values, 1);
    report_clear(&back);
    rstore_close(&ro);
    report_clear(&r);
}

Test(rstore, read_only_reader_refuses_a_newer_schema) {
    char err[512] = "";
    rstore_t *ro;
    cr_assert_eq(sqlite3_exec(rstore_db(S), "PRAGMA user_version = 5", NULL, NULL, NULL), SQLITE_OK);
    ro = rstore_open(dbpath, true, err, sizeof err);
    cr_assert_null(ro);
    assert_says(err, "schema version 5");
}

/* ---- revisions ------------------------------------------------------------------------ */

Test(rstore, current_revision_of_nothing_is_zero) {
    uint32_t rev = 99;
    cr_assert_eq(rstore_current_revision(S, "jinshan", "2017-06", &rev), 0);
}

Test(rstore, revision_content_round_trip) {
    report_t r;
    uint8_t *content = NULL;
    size_t len = 0;
    int64_t at = 0;
    static const char expect[] = "jinshan/2017-06/r1";
    build(&r, "jinshan", "2017-06", 1);
    add_value(&r, "revenue", 1.0, NAN);
    apply(S, &r, "410671", T0, NULL);
    cr_assert_eq(rstore_revision_content(S, "jinshan", "2017-06", 1, &content, &len, &at), 1);
    cr_assert_eq(len, strlen(expect));
    cr_assert_eq(memcmp(content, expect, len), 0);
    cr_assert_eq(at, T0);
    free(content);
    content = NULL;
    cr_assert_eq(rstore_revision_content(S, "jinshan", "2017-06", 2, &content, &len, &at), 0);
    cr_assert_eq(rstore_revision_content(S, "baoshan", "2017-06", 1, &content, &len, NULL), 0);
    report_clear(&r);
}

Test(rstore, apply_replaces_current_values_and_projects_and_keeps_history) {
    report_t r1, r2;
    report_project_t p;
    build(&r1, "jinshan", "2017-06", 1);
    add_value(&r1, "revenue", 100.0, 10.0);
    add_value(&r1, "rd_share", 3.0, NAN);
    memset(&p, 0, sizeof p);
    snprintf(p.code, sizeof p.code, "P1");
    snprintf(p.name, sizeof p.name, "电子电器产业园");
    p.has_total = true;
    p.total_investment = 50000;
    cr_assert_not_null(report_add_project(&r1, &p));
    snprintf(p.code, sizeof p.code, "P2");
    cr_assert_not_null(report_add_project(&r1, &p));
    cr_assert_eq(report_set_text(&r1.problems, "用地指标紧张"), 0);
    apply(S, &r1, "410671", T0, NULL);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM projects"), 2);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM reports WHERE problems = '用地指标紧张'"), 1);
    cr_assert_eq(q_int(S, "SELECT ytd_investment IS NULL FROM projects WHERE code='P1'"), 1);

    build(&r2, "jinshan", "2017-06", 2);
    add_value(&r2, "revenue", 110.0, 11.0);
    snprintf(p.code, sizeof p.code, "P3");
    cr_assert_not_null(report_add_project(&r2, &p));
    apply(S, &r2, "410671", T0 + 1000, NULL);

    cr_assert_eq(q_int(S, "SELECT count(*) FROM report_values"), 1);
    cr_assert_eq(q_int(S, "SELECT revision FROM report_values WHERE indicator='revenue'"), 2);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM projects"), 1);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM projects WHERE code='P3'"), 1);
    cr_assert_eq(q_int(S, "SELECT problems IS NULL FROM reports"), 1, "revision 2 has no problems text");
    cr_assert_eq(q_int(S, "SELECT count(*) FROM report_history"), 2);
    cr_assert_eq(q_int(S, "SELECT history_id = (SELECT max(id) FROM report_history) FROM reports"), 1);
    cr_assert_eq(q_int(S, "SELECT stored_at_ms FROM reports"), T0 + 1000);
    report_clear(&r1);
    report_clear(&r2);
}

Test(rstore, rollback_discards_an_apply) {
    report_t r;
    uint32_t rev = 0;
    build(&r, "jinshan", "2017-06", 1);
    add_value(&r, "revenue", 100.0, NAN);
    cr_assert_eq(rstore_begin(S), 0);
    cr_assert_eq(rstore_apply(S, &r, "410671", "410671", (const uint8_t *)"x", 1, NULL, T0), 0);
    cr_assert_eq(rstore_rollback(S), 0);
    cr_assert_eq(rstore_current_revision(S, "jinshan", "2017-06", &rev), 0);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM report_history"), 0);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM report_values"), 0);
    report_clear(&r);
}

Test(rstore, apply_stores_the_warnings_not_the_errors) {
    report_t r;
    diag_list_t dl;
    char buf[512];
    memset(&dl, 0, sizeof dl);
    diag_add(&dl, DIAG_WARNING, "test.csv", 2, "amount", "year-to-date revenue fell");
    diag_add(&dl, DIAG_ERROR, "test.csv", 3, "amount", "not a warning");
    diag_add(&dl, DIAG_WARNING, "test.csv", 0, NULL, "no line, no field");
    build(&r, "jinshan", "2017-06", 1);
    add_value(&r, "revenue", 100.0, NAN);
    apply(S, &r, "410671", T0, &dl);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM issues"), 2);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM issues WHERE history_id = (SELECT id FROM report_history)"),
                 2);
    cr_assert_eq(q_int(S, "SELECT line FROM issues WHERE field='amount'"), 2);
    cr_assert_str_eq(q_text(S, "SELECT message FROM issues WHERE field='amount'", buf, sizeof buf),
                     "year-to-date revenue fell");
    cr_assert_eq(
        q_int(S, "SELECT line IS NULL AND field IS NULL FROM issues WHERE message='no line, no field'"), 1);
    diag_clear(&dl);
    report_clear(&r);
}

/* ---- loading and scanning ---------------------------------------------------------------- */

Test(rstore, load_report_round_trip_with_growth_presence) {
    report_t r, back;
    const report_value_t *v;
    build(&r, "jinshan", "2017-06", 3);
    add_value(&r, "rd_share", 3.01, NAN);
    add_value(&r, "revenue", 2759085.3, 10.5);
    add_value(&r, "energy_intensity", 1.48, -6.2);
    add_value(&r, "employees", 19483, 0.0); /* a growth of zero is still a growth */
    apply(S, &r, "410671", T0, NULL);

    cr_assert_eq(rstore_load_report(S, "jinshan", "2017-06", &back), 1);
    cr_assert_str_eq(back.zone, "jinshan");
    cr_assert_str_eq(back.period, "2017-06");
    cr_assert_eq(back.revision, 3);
    cr_assert_eq(back.n_values, 4);
    /* in indicator order */
    cr_assert_str_eq(back.values[0].indicator, "employees");
    cr_assert_str_eq(back.values[1].indicator, "energy_intensity");
    cr_assert_str_eq(back.values[2].indicator, "rd_share");
    cr_assert_str_eq(back.values[3].indicator, "revenue");
    v = report_find(&back, "revenue");
    cr_assert_eq(v->amount, 2759085.3);
    cr_assert(v->has_growth);
    cr_assert_eq(v->growth_pct, 10.5);
    v = report_find(&back, "energy_intensity");
    cr_assert(v->has_growth);
    cr_assert_eq(v->growth_pct, -6.2);
    v = report_find(&back, "employees");
    cr_assert(v->has_growth, "growth 0.0 must not come back as no growth");
    cr_assert_eq(v->growth_pct, 0.0);
    v = report_find(&back, "rd_share");
    cr_assert_not(v->has_growth);
    cr_assert_eq(v->amount, 3.01);
    report_clear(&back);
    report_clear(&r);
}

Test(rstore, load_report_of_nothing_returns_zero_and_an_empty_report) {
    report_t back;
    memset(&back, 0x5a, sizeof back);
    cr_assert_eq(rstore_load_report(S, "jinshan", "2017-06", &back), 0);
    cr_assert_eq(back.n_values, 0);
    cr_assert_null(back.values);
    cr_assert_eq(back.revision, 0);
    report_clear(&back);
}

typedef struct {
    char seen[16][80];
    int n;
} calls_t;

static void on_value(const char *zone, const char *indicator, double amount, bool has_growth,
                     double growth_pct, void *arg) {
    calls_t *c = arg;
    cr_assert_lt(c->n, 16);
    if (has_growth)
        snprintf(c->seen[c->n++], sizeof c->seen[0], "%s/%s=%g/%g", zone, indicator, amount, growth_pct);
    else
        snprintf(c->seen[c->n++], sizeof c->seen[0], "%s/%s=%g", zone, indicator, amount);
}

Test(rstore, each_value_runs_in_zone_then_indicator_order) {
    report_t q, b, j, other;
    calls_t c;
    memset(&c, 0, sizeof c);
    build(&q, "qibin", "2017-06", 1);
    add_value(&q, "va", 30, 8);
    add_value(&q, "employees", 300, NAN);
    build(&b, "baoshan", "2017-06", 1);
    add_value(&b, "revenue", 20, 11.4);
    build(&j, "jinshan", "2017-06", 2);
    add_value(&j, "tax", 12, 5.9);
    add_value(&j, "rd_share", 3.01, NAN);
    add_value(&j, "fai", 11, 18.4);
    build(&other, "jinshan", "2017-05", 1); /* another period: not in the scan */
    add_value(&other, "tax", 9, NAN);
    apply(S, &q, "410611", T0, NULL);
    apply(S, &b, "410602", T0, NULL);
    apply(S, &j, "410671", T0, NULL);
    apply(S, &other, "410671", T0, NULL);

    cr_assert_eq(rstore_each_value(S, "2017-06", on_value, &c), 6);
    cr_assert_eq(c.n, 6);
    cr_assert_str_eq(c.seen[0], "baoshan/revenue=20/11.4");
    cr_assert_str_eq(c.seen[1], "jinshan/fai=11/18.4");
    cr_assert_str_eq(c.seen[2], "jinshan/rd_share=3.01");
    cr_assert_str_eq(c.seen[3], "jinshan/tax=12/5.9");
    cr_assert_str_eq(c.seen[4], "qibin/employees=300");
    cr_assert_str_eq(c.seen[5], "qibin/va=30/8");
    memset(&c, 0, sizeof c);
    cr_assert_eq(rstore_each_value(S, "2017-04", on_value, &c), 0);
    cr_assert_eq(c.n, 0);
    report_clear(&q);
    report_clear(&b);
    report_clear(&j);
    report_clear(&other);
}

static void on_report(const char *zone, uint32_t revision, const char *county, int64_t stored_at_ms,
                      void *arg) {
    calls_t *c = arg;
    cr_assert_lt(c->n, 16);
    snprintf(c->seen[c->n++], sizeof c->seen[0], "%s r%u %s %lld", zone, revision, county,
             (long long)(stored_at_ms - T0));
}

Test(rstore, each_report_runs_in_zone_order_with_the_current_revision) {
    report_t r;
    calls_t c;
    memset(&c, 0, sizeof c);
    build(&r, "shancheng", "2017-06", 1);
    add_value(&r, "revenue", 1, NAN);
    apply(S, &r, "410603", T0, NULL);
    report_clear(&r);
    build(&r, "heqi", "2017-06", 1);
    add_value(&r, "revenue", 1, NAN);
    apply(S, &r, "410622", T0 + 1, NULL);
    report_clear(&r);
    build(&r, "heqi", "2017-06", 2);
    add_value(&r, "revenue", 2, NAN);
    apply(S, &r, "410622", T0 + 2, NULL);
    report_clear(&r);
    build(&r, "baoshan", "2017-05", 1);
    add_value(&r, "revenue", 1, NAN);
    apply(S, &r, "410602", T0, NULL);
    report_clear(&r);

    cr_assert_eq(rstore_each_report(S, "2017-06", on_report, &c), 2);
    cr_assert_eq(c.n, 2);
    cr_assert_str_eq(c.seen[0], "heqi r2 410622 2");
    cr_assert_str_eq(c.seen[1], "shancheng r1 410603 0");
    cr_assert_eq(rstore_each_report(S, "2017-07", on_report, &c), 0);
}

/* ---- rejections ------------------------------------------------------------------------- */

Test(rstore, record_rejection_joins_the_errors_by_newlines) {
    report_t r;
    diag_list_t dl;
    char buf[1024];
    memset(&dl, 0, sizeof dl);
    build(&r, "jinshan", "2017-06", 2);
    diag_add(&dl, DIAG_ERROR, "410671.csv", 6, "amount", "tax: amount -5 is negative");
    diag_add(&dl, DIAG_WARNING, "410671.csv", 2, "amount", "only a warning");
    diag_add(&dl, DIAG_ERROR, "410671.csv", 9, "indicator", "unknown indicator \"foo\"");
    cr_assert_eq(rstore_begin(S), 0);
    cr_assert_eq(rstore_record_rejection(S, "410671", &r, &dl, T0), 0);
    cr_assert_eq(rstore_commit(S), 0);

    cr_assert_eq(q_int(S, "SELECT count(*) FROM rejections"), 1);
    /* each error on its own line, with its file, line and field; no warnings */
    q_text(S, "SELECT reasons FROM rejections", buf, sizeof buf);
    cr_assert_str_eq(buf, "410671.csv:6: amount: tax: amount -5 is negative\n"
                          "410671.csv:9: indicator: unknown indicator \"foo\"");
    cr_assert_str_eq(q_text(S, "SELECT county FROM rejections", buf, sizeof buf), "410671");
    cr_assert_str_eq(q_text(S, "SELECT zone FROM rejections", buf, sizeof buf), "jinshan");
    cr_assert_str_eq(q_text(S, "SELECT period FROM rejections", buf, sizeof buf), "2017-06");
    cr_assert_str_eq(q_text(S, "SELECT source FROM rejections", buf, sizeof buf), "test.csv");
    cr_assert_eq(q_int(S, "SELECT revision FROM rejections"), 2);
    cr_assert_eq(q_int(S, "SELECT received_at_ms FROM rejections"), T0);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM reports"), 0);
    diag_clear(&dl);
    report_clear(&r);
}

Test(rstore, record_rejection_of_a_report_without_zone_or_revision) {
    report_t r;
    diag_list_t dl;
    char buf[512];
    memset(&dl, 0, sizeof dl);
    memset(&r, 0, sizeof r);
    diag_add(&dl, DIAG_ERROR, NULL, 0, "zone", "zone is missing");
    cr_assert_eq(rstore_begin(S), 0);
    cr_assert_eq(rstore_record_rejection(S, "410671", &r, &dl, T0), 0);
    cr_assert_eq(rstore_commit(S), 0);
    cr_assert_str_eq(q_text(S, "SELECT reasons FROM rejections", buf, sizeof buf), "zone: zone is missing");
    cr_assert_eq(q_int(S, "SELECT zone IS NULL AND period IS NULL AND revision IS NULL FROM rejections"), 1);
    diag_clear(&dl);
}

/* Schema 2: a value's 说明 is stored with its revision; a value without one has NULL. */
Test(rstore, a_values_note_is_stored_with_the_revision) {
    report_t r;
    char buf[256];
    build(&r, "baoshan", "2017-06", 2);
    add_value(&r, "revenue", 20323840000.0, 11.4);
    r.values[0].note = strdup("新项目投产"); /* the report owns it */
    add_value(&r, "va", 460394.0, 11.9);
    apply(S, &r, "410602", T0, NULL);
    cr_assert_str_eq(q_text(S, "SELECT note FROM report_values WHERE indicator = 'revenue'", buf, sizeof buf),
                     "新项目投产");
    cr_assert_eq(q_int(S, "SELECT count(*) FROM report_values WHERE indicator = 'va' AND note IS NULL"), 1);
    report_clear(&r);
}

/* The value rows go in several at a time (32 per statement): a report of 70 values —
 * two full statements and a part one — stores every one, each with its own figure,
 * growth and note, and a revision with 3 replaces all 70. */
Test(rstore, a_report_of_many_values_is_stored_whole) {
    report_t r, back;
    char name[16];
    build(&r, "jinshan", "2017-06", 1);
    for (int i = 0; i < 70; i++) {
        snprintf(name, sizeof name, "ind%02d", i);
        add_value(&r, name, 1000.0 + i, i % 3 ? (double)i / 4 : NAN);
    }
    r.values[33].note = strdup("说明 33");
    apply(S, &r, "410671", T0, NULL);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM report_values"), 70);
    cr_assert_eq(rstore_load_report(S, "jinshan", "2017-06", &back), 1);
    cr_assert_eq(back.n_values, 70);
    for (int i = 0; i < 70; i++) {
        snprintf(name, sizeof name, "ind%02d", i);
        const report_value_t *v = report_find(&back, name);
        cr_assert_not_null(v, "%s", name);
        cr_assert_eq(v->amount, 1000.0 + i, "%s", name);
        cr_assert_eq(v->has_growth, i % 3 != 0, "%s", name);
        if (i % 3) cr_assert_eq(v->growth_pct, (double)i / 4, "%s", name);
        cr_assert_eq(!!v->note, i == 33, "%s: only ind33 has a note", name);
    }
    report_clear(&back);
    report_clear(&r);

    build(&r, "jinshan", "2017-06", 2);
    add_value(&r, "ind00", 1.0, NAN);
    add_value(&r, "ind01", 2.0, NAN);
    add_value(&r, "ind69", 3.0, NAN);
    apply(S, &r, "410671", T0 + 1, NULL);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM report_values"), 3);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM report_values WHERE revision = 2"), 3);
    report_clear(&r);
}

static void collect_noted(const char *zone, const char *indicator, void *arg) {
    char *buf = arg;
    strcat(buf, zone);
    strcat(buf, ":");
    strcat(buf, indicator);
    strcat(buf, ";");
}

Test(rstore, each_noted_lists_the_current_values_with_a_note) {
    report_t r;
    char buf[256] = "";
    build(&r, "jinshan", "2017-06", 1);
    add_value(&r, "revenue", 2759085.3, 10.5);
    add_value(&r, "va", 460394.0, 11.9);
    r.values[1].note = strdup("新项目投产");
    apply(S, &r, "410671", T0, NULL);
    report_clear(&r);
    build(&r, "baoshan", "2017-06", 1);
    add_value(&r, "revenue", 1.0, NAN);
    r.values[0].note = strdup("统计口径调整");
    apply(S, &r, "410602", T0, NULL);
    report_clear(&r);
    build(&r, "baoshan", "2017-05", 1); /* another period: not listed */
    add_value(&r, "revenue", 1.0, NAN);
    r.values[0].note = strdup("x");
    apply(S, &r, "410602", T0, NULL);
    report_clear(&r);
    cr_assert_eq(rstore_each_noted(S, "2017-06", collect_noted, buf), 2);
    cr_assert_str_eq(buf, "baoshan:revenue;jinshan:va;");
}

/* ---- start-up: check, summary, zones with reports --------------------------------- */

static void collect_zone(const char *zone, void *arg) {
    char *buf = arg;
    strcat(buf, zone);
    strcat(buf, ";");
}

Test(rstore, each_zone_lists_every_zone_with_a_report_once) {
    report_t r;
    char zones[256] = "";
    build(&r, "jinshan", "2017-05", 1);
    apply(S, &r, "410671", T0, NULL);
    build(&r, "jinshan", "2017-06", 1);
    apply(S, &r, "410671", T0, NULL);
    build(&r, "baoshan", "2017-06", 1);
    apply(S, &r, "410602", T0, NULL);
    cr_assert_eq(rstore_each_zone(S, collect_zone, zones), 2);
    cr_assert_str_eq(zones, "baoshan;jinshan;");
}

Test(rstore, summary_counts_reports_periods_revisions_and_the_latest_commit) {
    report_t r;
    rstore_summary_t sum;
    cr_assert_eq(rstore_summary(S, &sum), 0);
    cr_assert_eq(sum.reports, 0);
    cr_assert_eq(sum.latest_ms, 0);
    build(&r, "jinshan", "2017-05", 1);
    apply(S, &r, "410671", T0, NULL);
    build(&r, "jinshan", "2017-05", 2);
    apply(S, &r, "410671", T0 + 1000, NULL);
    build(&r, "baoshan", "2017-06", 1);
    apply(S, &r, "410602", T0 + 500, NULL);
    cr_assert_eq(rstore_summary(S, &sum), 0);
    cr_assert_eq(sum.reports, 2);
    cr_assert_eq(sum.periods, 2);
    cr_assert_eq(sum.revisions, 3);
    cr_assert_eq(sum.latest_ms, T0 + 1000);
}

Test(rstore, check_passes_a_whole_store_and_a_missing_one) {
    char err[512] = "", other[192];
    cr_assert_eq(rstore_check(dbpath, err, sizeof err), 0, "%s", err);
    path_in_tmp(other, sizeof other, "other.db");
    cr_assert_eq(rstore_check(other, err, sizeof err), 0, "not there yet: created on first start");
    cr_assert_eq(access(other, F_OK), -1, "and not created by the check");
}

Test(rstore, check_finds_a_file_that_is_not_a_database) {
    char err[512] = "", other[192];
    FILE *f;
    path_in_tmp(other, sizeof other, "other.db");
    f = fopen(other, "wb");
    cr_assert_not_null(f);
    for (int i = 0; i < 8192; i++)
        fputc('x', f);
    fclose(f);
    cr_assert_eq(rstore_check(other, err, sizeof err), -2);
    cr_assert_not_null(strstr(err, "not a database"), "%s", err);
}

/* A commit the commit hook vetoes has been rolled back by SQLite already: rstore_commit
 * fails with the reason and leaves nothing open; rstore_rollback then has nothing to do. */
static int veto(void *arg) {
    (void)arg;
    return 1;
}

Test(rstore, a_failed_commit_leaves_no_transaction_and_says_why) {
    report_t r;
    build(&r, "jinshan", "2017-06", 1);
    cr_assert_eq(rstore_begin(S), 0);
    cr_assert_eq(rstore_apply(S, &r, "410671", "410671", (const uint8_t *)"x", 1, NULL, T0), 0);
    sqlite3_commit_hook(rstore_db(S), veto, NULL);
    cr_assert_eq(rstore_commit(S), -1);
    sqlite3_commit_hook(rstore_db(S), NULL, NULL);
    cr_assert(sqlite3_get_autocommit(rstore_db(S)));
    cr_assert_not_null(strstr(rstore_error(S), "COMMIT"), "%s", rstore_error(S));
    cr_assert_eq(rstore_rollback(S), 0, "nothing to roll back is not an error");
    cr_assert_eq(q_int(S, "SELECT count(*) FROM reports"), 0);
}

/* Another connection's write transaction: BEGIN IMMEDIATE fails fast with -2. */
Test(rstore, begin_against_another_writer_is_busy) {
    sqlite3 *other;
    cr_assert_eq(sqlite3_open(dbpath, &other), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    rstore_set_busy_timeout(S, 10);
    cr_assert_eq(rstore_begin(S), -2);
    cr_assert_not_null(strstr(rstore_error(S), "locked"), "%s", rstore_error(S));
    cr_assert_eq(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    cr_assert_eq(rstore_begin(S), 0);
    cr_assert_eq(rstore_rollback(S), 0);
}

static void collect_explained(const char *zone, uint32_t revision, unsigned line, const char *message,
                              void *arg) {
    char *buf = arg;
    size_t n = strlen(buf);
    snprintf(buf + n, 512 - n, "%s r%u l%u %s;", zone, revision, line, message);
}

/* The figures a current revision passed on a 说明 are its "note" warnings; other
 * warnings and superseded revisions are not listed. */
Test(rstore, each_explained_lists_the_current_revisions_note_warnings) {
    report_t r;
    diag_list_t w = {0};
    char got[512] = "";
    build(&r, "baoshan", "2017-06", 1);
    diag_add(&w, DIAG_WARNING, NULL, 2, "note", "old");
    apply(S, &r, "410602", T0, &w);
    diag_clear(&w);
    build(&r, "baoshan", "2017-06", 2);
    diag_add(&w, DIAG_WARNING, NULL, 3, "note", "revenue: about 10 000×");
    diag_add(&w, DIAG_WARNING, NULL, 4, "growth_pct", "not a note");
    apply(S, &r, "410602", T0 + 1, &w);
    diag_clear(&w);
    build(&r, "jinshan", "2017-06", 1);
    apply(S, &r, "410671", T0, NULL);
    cr_assert_eq(rstore_each_explained(S, "2017-06", collect_explained, got), 1);
    cr_assert_str_eq(got, "baoshan r2 l3 revenue: about 10 000×;");
    cr_assert_eq(rstore_each_explained(S, "2017-05", collect_explained, got), 0);
    report_clear(&r);
}

/* ---- the scorer's reads: watermarks, changes, what is on file ---------------------- */

static void collect_key(const char *zone, const char *period, void *arg) {
    char *buf = arg;
    size_t n = strlen(buf);
    snprintf(buf + n, 512 - n, "%s %s;", period, zone);
}

static void collect_period(const char *period, void *arg) {
    char *buf = arg;
    size_t n = strlen(buf);
    snprintf(buf + n, 512 - n, "%s;", period);
}

static void collect_latest(const char *zone, const char *period, const char *county, void *arg) {
    char *buf = arg;
    size_t n = strlen(buf);
    snprintf(buf + n, 512 - n, "%s %s %s;", zone, period, county);
}

/* history ids 1..5: jinshan 2016-12, jinshan 2017-05, baoshan 2017-06, jinshan 2017-05
 * rev 2 (sent by another county after a move), qibin 2017-02 */
static void five_revisions(void) {
    report_t r;
    build(&r, "jinshan", "2016-12", 1);
    apply(S, &r, "410671", T0, NULL);
    build(&r, "jinshan", "2017-05", 1);
    apply(S, &r, "410671", T0, NULL);
    build(&r, "baoshan", "2017-06", 1);
    apply(S, &r, "410602", T0, NULL);
    build(&r, "jinshan", "2017-05", 2);
    apply(S, &r, "410672", T0, NULL);
    build(&r, "qibin", "2017-02", 1);
    apply(S, &r, "410611", T0, NULL);
}

Test(rstore, history_top_is_the_watermark_of_everything_seen) {
    int64_t top = -1;
    cr_assert_eq(rstore_history_top(S, &top), 0);
    cr_assert_eq(top, 0, "an empty store");
    five_revisions();
    cr_assert_eq(rstore_history_top(S, &top), 0);
    cr_assert_eq(top, 5);
}

Test(rstore, each_changed_lists_what_came_after_a_watermark_once) {
    char got[512] = "";
    five_revisions();
    cr_assert_eq(rstore_each_changed(S, 0, collect_key, got), 4, "jinshan 2017-05 twice, listed once");
    cr_assert_str_eq(got, "2016-12 jinshan;2017-02 qibin;2017-05 jinshan;2017-06 baoshan;");
    got[0] = '\0';
    cr_assert_eq(rstore_each_changed(S, 3, collect_key, got), 2);
    cr_assert_str_eq(got, "2017-02 qibin;2017-05 jinshan;");
    got[0] = '\0';
    cr_assert_eq(rstore_each_changed(S, 5, collect_key, got), 0);
    cr_assert_str_empty(got);
}

Test(rstore, each_period_between_includes_both_ends) {
    char got[512] = "";
    five_revisions();
    cr_assert_eq(rstore_each_period_between(S, "2017-01", "2017-12", collect_period, got), 3);
    cr_assert_str_eq(got, "2017-02;2017-05;2017-06;");
    got[0] = '\0';
    cr_assert_eq(rstore_each_period_between(S, "2016-12", "2017-05", collect_period, got), 3);
    cr_assert_str_eq(got, "2016-12;2017-02;2017-05;");
    got[0] = '\0';
    cr_assert_eq(rstore_each_period_between(S, "2018-01", "2018-12", collect_period, got), 0);
}

Test(rstore, each_current_lists_the_reports_on_file_from_a_period_on) {
    char got[512] = "";
    five_revisions();
    cr_assert_eq(rstore_each_current(S, "2017-05", collect_key, got), 2, "current reports, not revisions");
    cr_assert_str_eq(got, "2017-05 jinshan;2017-06 baoshan;");
    got[0] = '\0';
    cr_assert_eq(rstore_each_current(S, NULL, collect_key, got), 4);
    cr_assert_str_eq(got, "2016-12 jinshan;2017-02 qibin;2017-05 jinshan;2017-06 baoshan;");
}

Test(rstore, each_latest_gives_each_zones_last_period_of_the_year_and_its_sender) {
    char got[512] = "";
    five_revisions();
    cr_assert_eq(rstore_each_latest(S, 2017, collect_latest, got), 3);
    /* jinshan's latest of 2017 is 2017-05, whose current revision 410672 sent */
    cr_assert_str_eq(got, "baoshan 2017-06 410602;jinshan 2017-05 410672;qibin 2017-02 410611;");
    got[0] = '\0';
    cr_assert_eq(rstore_each_latest(S, 2016, collect_latest, got), 1);
    cr_assert_str_eq(got, "jinshan 2016-12 410671;");
}

/* Zones whose reports of a year lie in different months, some in several: each is
 * listed once, in zone order, with its latest month and that report's sender — the
 * months are read one by one, each in zone order, and merged. */
Test(rstore, each_latest_merges_the_months_of_a_year_in_zone_order) {
    static const struct {
        const char *zone, *period, *county;
    } in[] = {
        {"a", "2017-12", "410601"}, {"b", "2017-02", "410602"}, {"b", "2017-03", "410603"},
        {"c", "2017-11", "410604"}, {"c", "2017-02", "410605"}, {"d", "2017-02", "410606"},
        {"e", "2017-12", "410607"}, {"e", "2017-01", "410608"}, {"f", "2018-01", "410609"},
        {"g", "2016-12", "410610"}, {"g", "2017-07", "410611"},
    };
    char got[512] = "";
    report_t r;
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        build(&r, in[i].zone, in[i].period, 1);
        apply(S, &r, in[i].county, T0, NULL);
    }
    cr_assert_eq(rstore_each_latest(S, 2017, collect_latest, got), 6);
    cr_assert_str_eq(got, "a 2017-12 410601;b 2017-03 410603;c 2017-11 410604;d 2017-02 410606;"
                          "e 2017-12 410607;g 2017-07 410611;");
    got[0] = '\0';
    cr_assert_eq(rstore_each_latest(S, 2019, collect_latest, got), 0);
    cr_assert_str_eq(got, "");
}

Test(rstore, a_read_transaction_sees_one_state) {
    char err[512] = "";
    rstore_t *ro;
    int64_t top = -1;
    report_t r;
    five_revisions();
    ro = rstore_open(dbpath, true, err, sizeof err);
    cr_assert_not_null(ro, "%s", err);
    cr_assert_eq(rstore_read_end(ro), 0, "none open: nothing to end");
    cr_assert_eq(rstore_read_begin(ro), 0);
    cr_assert_eq(rstore_history_top(ro, &top), 0);
    cr_assert_eq(top, 5);
    build(&r, "heqi", "2017-06", 1);
    apply(S, &r, "410622", T0, NULL);
    cr_assert_eq(rstore_history_top(ro, &top), 0);
    cr_assert_eq(top, 5, "the writer's commit is not seen inside the transaction");
    cr_assert_eq(rstore_read_end(ro), 0);
    cr_assert_eq(rstore_history_top(ro, &top), 0);
    cr_assert_eq(top, 6, "and is seen after it");
    rstore_close(&ro);
}
