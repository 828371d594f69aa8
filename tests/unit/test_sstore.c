/* test_sstore.c - the score store: schema, rankings, stars, alert state and events.
 *
 * Each test gets a fresh store in its own temporary folder. Rankings, stars and alerts
 * are built in memory with the sample city's zones; the checks are what `yuebao
 * ranking`, the bulletin export and an operator with the sqlite3 shell rely on.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "ranking.h"
#include "sstore.h"

#define T0 1500048000000LL /* 2017-07-15 00:00 Asia/Shanghai */

static char tmpdir[64], dbpath[128];
static sstore_t *S;

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
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_sstore_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    path_in_tmp(dbpath, sizeof dbpath, "scores.db");
    S = sstore_open(dbpath, false, err, sizeof err);
    cr_assert_not_null(S, "sstore_open: %s", err);
}

static void teardown(void) {
    char p[192];
    sstore_close(&S);
    remove_db(dbpath);
    path_in_tmp(p, sizeof p, "other.db");
    remove_db(p);
    rmdir(tmpdir);
}

TestSuite(sstore, .init = setup, .fini = teardown);

/* ---- helpers ---------------------------------------------------------------------- */

static long long q_int(sstore_t *s, const char *sql) {
    sqlite3_stmt *st;
    long long v;
    cr_assert_eq(sqlite3_prepare_v2(sstore_db(s), sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(sstore_db(s)));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static const char *q_text(sstore_t *s, const char *sql, char *buf, size_t size) {
    sqlite3_stmt *st;
    const unsigned char *t;
    cr_assert_eq(sqlite3_prepare_v2(sstore_db(s), sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    t = sqlite3_column_text(st, 0);
    snprintf(buf, size, "%s", t ? (const char *)t : "(null)");
    sqlite3_finalize(st);
    return buf;
}

#define assert_says(msg, words)                                                                              \
    cr_assert_not_null(strstr((msg), (words)), "\"%s\" lacks \"%s\"", (msg), (words))

static void start(ranking_t *r, const char *period, int64_t computed_at_ms) {
    memset(r, 0, sizeof *r);
    snprintf(r->period, sizeof r->period, "%s", period);
    snprintf(r->method, sizeof r->method, "efficacy");
    r->computed_at_ms = computed_at_ms;
}

static void add_dim(ranking_t *r, const char *name) {
    cr_assert_lt(r->n_dims, RANKING_MAX_DIMS);
    snprintf(r->dims[r->n_dims++], sizeof r->dims[0], "%s", name);
}

static ranking_row_t *add_row(ranking_t *r, const char *zone, const char *county, int rank, int prev_rank,
                              double total) {
    ranking_row_t row, *p;
    memset(&row, 0, sizeof row);
    snprintf(row.zone, sizeof row.zone, "%s", zone);
    snprintf(row.county, sizeof row.county, "%s", county);
    row.rank = rank;
    row.prev_rank = prev_rank;
    row.total = total;
    row.star = RANKING_STAR_NONE;
    p = ranking_add_row(r, &row);
    cr_assert_not_null(p);
    return p;
}

/* Stores r in its own transaction. */
static void put(sstore_t *s, const ranking_t *r) {
    cr_assert_eq(sstore_begin(s), 0);
    cr_assert_eq(sstore_put_ranking(s, r), 0);
    cr_assert_eq(sstore_commit(s), 0);
}

/* A ranking of period with one dimension and the given zones ranked in order. */
static void put_simple(sstore_t *s, const char *period, int n, const char *const *zones) {
    ranking_t r;
    start(&r, period, T0);
    add_dim(&r, "总量");
    for (int i = 0; i < n; i++)
        add_row(&r, zones[i], "410671", i + 1, 0, 90.0 - i)->dims[0] = 40.0 - i;
    put(s, &r);
    ranking_clear(&r);
}

static void star(sstore_t *s, int year, const char *zone, int value) {
    cr_assert_eq(sstore_begin(s), 0);
    cr_assert_eq(sstore_put_star(s, year, zone, "410671", value, T0 + year), 0);
    cr_assert_eq(sstore_commit(s), 0);
}

static void alert_init(alert_t *a, alert_kind_t kind, severity_t severity, const char *zone,
                       const char *indicator, int year, const char *period) {
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->severity = severity;
    snprintf(a->zone, sizeof a->zone, "%s", zone);
    snprintf(a->county, sizeof a->county, "410671");
    snprintf(a->indicator, sizeof a->indicator, "%s", indicator);
    a->year = year;
    snprintf(a->period, sizeof a->period, "%s", period);
    a->value = a->target = a->expected = a->gap = NAN;
}

/* Records a's transition from previous at at_ms in its own transaction. */
static void record(sstore_t *s, alert_t *a, transition_t tr, severity_t previous, int64_t at_ms) {
    a->transition = tr;
    a->previous = previous;
    a->at_ms = at_ms;
    cr_assert_eq(sstore_begin(s), 0);
    cr_assert_eq(sstore_record_transition(s, a), 0);
    cr_assert_eq(sstore_commit(s), 0);
}

/* An alert of kind firing at severity, recorded at T0 with no figures. */
static void fire(sstore_t *s, alert_kind_t kind, severity_t severity, const char *zone, const char *indicator,
                 int year, const char *period) {
    alert_t a;
    alert_init(&a, kind, severity, zone, indicator, year, period);
    record(s, &a, TR_FIRING, SEV_NONE, T0);
}

/* ---- schema ------------------------------------------------------------------------ */

Test(sstore, open_creates_the_schema_in_wal_mode) {
    char buf[64];
    cr_assert_eq(access(dbpath, F_OK), 0, "the store file exists");
    cr_assert_eq(q_int(S, "PRAGMA user_version"), 5);
    cr_assert_str_eq(q_text(S, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    cr_assert_eq(q_int(S, "PRAGMA synchronous"), 2, "synchronous=FULL");
    cr_assert_eq(q_int(S, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN "
                          "('ranking_periods','rankings','stars','alerts','alert_events','meta')"),
                 6);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM pragma_index_list('alert_events') i"
                          " JOIN pragma_index_info(i.name) c WHERE c.seqno = 0 AND c.name = 'zone'"),
                 1, "alert_events has an index leading with zone");
}

Test(sstore, reopen_is_idempotent_and_writer_refuses_a_newer_schema) {
    char err[512] = "";
    long long objects = q_int(S, "SELECT count(*) FROM sqlite_master");
    sstore_close(&S);
    cr_assert_null(S, "sstore_close sets the handle to NULL");
    sstore_close(&S); /* NULL-safe */
    S = sstore_open(dbpath, false, err, sizeof err);
    cr_assert_not_null(S, "reopen: %s", err);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM sqlite_master"), objects, "no schema object added twice");

    cr_assert_eq(sqlite3_exec(sstore_db(S), "PRAGMA user_version = 7", NULL, NULL, NULL), SQLITE_OK);
    sstore_close(&S);
    S = sstore_open(dbpath, false, err, sizeof err);
    cr_assert_null(S);
    assert_says(err, dbpath);
    assert_says(err, "newer");
}

/* A store of schema version 1, before meta, as that scorer left it: made with raw SQL,
 * with one ranking in it. */
Test(sstore, a_version_1_store_is_migrated_and_keeps_its_rankings) {
    static const char v1[] =
        "CREATE TABLE ranking_periods ("
        "  period TEXT PRIMARY KEY, year INTEGER NOT NULL, method TEXT NOT NULL,"
        "  computed_at_ms INTEGER NOT NULL, dims TEXT NOT NULL, n_zones INTEGER NOT NULL);"
        "CREATE TABLE rankings ("
        "  period TEXT NOT NULL, zone TEXT NOT NULL, county TEXT NOT NULL, rank INTEGER NOT NULL,"
        "  prev_rank INTEGER, total REAL NOT NULL, dims TEXT NOT NULL, star INTEGER, star_year INTEGER,"
        "  promoted INTEGER NOT NULL, missing TEXT, PRIMARY KEY (period, zone)) WITHOUT ROWID;"
        "CREATE TABLE stars ("
        "  year INTEGER NOT NULL, zone TEXT NOT NULL, county TEXT NOT NULL, star INTEGER NOT NULL,"
        "  promoted INTEGER NOT NULL, judged_at_ms INTEGER NOT NULL, PRIMARY KEY (year, zone));"
        "CREATE TABLE alerts ("
        "  akey TEXT PRIMARY KEY, kind TEXT NOT NULL, severity TEXT NOT NULL, zone TEXT NOT NULL,"
        "  county TEXT NOT NULL, indicator TEXT, year INTEGER NOT NULL, period TEXT,"
        "  value REAL, target REAL, expected REAL, gap REAL, deadline_ms INTEGER, message TEXT,"
        "  since_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);"
        "CREATE TABLE alert_events ("
        "  id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, akey TEXT NOT NULL, kind TEXT NOT NULL,"
        "  transition TEXT NOT NULL, severity TEXT NOT NULL, previous TEXT NOT NULL, zone TEXT NOT NULL,"
        "  county TEXT NOT NULL, indicator TEXT, year INTEGER NOT NULL, period TEXT,"
        "  value REAL, target REAL, expected REAL, gap REAL, deadline_ms INTEGER, message TEXT);"
        "CREATE INDEX alert_events_by_zone ON alert_events (zone, at_ms);"
        "INSERT INTO ranking_periods VALUES ('2017-06', 2017, 'efficacy', 1500048000000, '[\"总量\"]', 1);"
        "INSERT INTO rankings VALUES ('2017-06', 'jinshan', '410671', 1, NULL, 87.5, '[40.25]', NULL, NULL,"
        "  0, NULL);"
        "PRAGMA user_version = 1;";
    char path[192], err[512] = "", buf[32] = "";
    sqlite3 *raw;
    sstore_t *old;
    ranking_t back;
    path_in_tmp(path, sizeof path, "other.db");
    cr_assert_eq(sqlite3_open(path, &raw), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(raw, v1, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(raw));
    sqlite3_close(raw);

    old = sstore_open(path, false, err, sizeof err);
    cr_assert_not_null(old, "%s", err);
    cr_assert_eq(q_int(old, "PRAGMA user_version"), 5);
    cr_assert_eq(sstore_load_ranking(old, "2017-06", &back), 1);
    cr_assert_eq(back.n_dims, 1);
    cr_assert_str_eq(back.dims[0], "总量");
    cr_assert_eq(back.n_rows, 1);
    cr_assert_str_eq(back.rows[0].zone, "jinshan");
    cr_assert_eq(back.rows[0].total, 87.5);
    cr_assert_eq(back.rows[0].dims[0], 40.25);
    ranking_clear(&back);
    cr_assert_eq(sstore_has_history(old), 1, "its rankings tell it from a fresh store");
    cr_assert_eq(sstore_get_meta(old, "first_start_ms", buf, sizeof buf), 0, "meta is there, empty");
    cr_assert_eq(sstore_add_meta(old, "first_start_ms", "1500048000000"), 0);
    sstore_close(&old);
}

Test(sstore, meta_keeps_the_first_value_across_reopens) {
    char buf[32] = "", err[512] = "";
    cr_assert_eq(sstore_get_meta(S, "first_start_ms", buf, sizeof buf), 0, "nothing recorded yet");
    cr_assert_eq(sstore_add_meta(S, "first_start_ms", "1499184000000"), 0);
    cr_assert_eq(sstore_add_meta(S, "first_start_ms", "1502726400000"), 0, "a later start is no error …");
    sstore_close(&S);
    S = sstore_open(dbpath, false, err, sizeof err);
    cr_assert_not_null(S, "%s", err);
    cr_assert_eq(sstore_get_meta(S, "first_start_ms", buf, sizeof buf), 1);
    cr_assert_str_eq(buf, "1499184000000", "… and changes nothing: the first start stays");
}

Test(sstore, history_tells_an_upgraded_store_from_a_fresh_one) {
    alert_t a;
    cr_assert_eq(sstore_has_history(S), 0, "a fresh store has none");
    alert_init(&a, ALERT_OVERDUE, SEV_CRITICAL, "baoshan", "", 2017, "2017-03");
    record(S, &a, TR_FIRING, SEV_NONE, T0);
    cr_assert_eq(sstore_has_history(S), 1, "an alert event is history");
}

/* ---- read-only readers (CLI, bulletin) ----------------------------------------------- */

Test(sstore, read_only_open_of_a_missing_store_fails_and_creates_nothing) {
    char path[192], err[512] = "";
    sstore_t *ro;
    path_in_tmp(path, sizeof path, "other.db");
    ro = sstore_open(path, true, err, sizeof err);
    cr_assert_null(ro);
    assert_says(err, path);
    assert_says(err, "no such file");
    assert_says(err, "scorer");
    cr_assert_neq(access(path, F_OK), 0, "a reader must not create the store");
}

Test(sstore, read_only_open_of_an_uncreated_file_says_so) {
    char path[192], err[512] = "";
    FILE *f;
    path_in_tmp(path, sizeof path, "other.db");
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fclose(f);
    cr_assert_null(sstore_open(path, true, err, sizeof err));
    assert_says(err, path);
    assert_says(err, "not created yet");
}

Test(sstore, read_only_reader_reads_but_cannot_write) {
    static const char *const zones[] = {"jinshan", "qibin"};
    char err[512] = "", latest[PERIOD_STRLEN] = "";
    ranking_t r;
    alert_t a;
    sstore_t *ro;
    int st = 0, st_year = 0;
    bool promoted = true;
    put_simple(S, "2017-06", 2, zones);
    star(S, 2016, "jinshan", 2);

    ro = sstore_open(dbpath, true, err, sizeof err);
    cr_assert_not_null(ro, "%s", err);
    cr_assert_eq(sstore_latest_period(ro, latest), 1);
    cr_assert_str_eq(latest, "2017-06");
    cr_assert_eq(sstore_load_ranking(ro, "2017-06", &r), 1);
    cr_assert_eq(r.n_rows, 2);
    ranking_clear(&r);
    cr_assert_eq(sstore_star(ro, "jinshan", 2017, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 2);

    cr_assert_eq(sstore_begin(ro), -1);
    start(&r, "2017-07", T0);
    cr_assert_eq(sstore_put_ranking(ro, &r), -1);
    cr_assert_eq(sstore_delete_ranking(ro, "2017-06"), -1);
    cr_assert_eq(sstore_put_star(ro, 2017, "jinshan", "410671", 3, T0), -1);
    alert_init(&a, ALERT_OVERDUE, SEV_CRITICAL, "jinshan", "", 2017, "2017-06");
    a.transition = TR_FIRING;
    cr_assert_eq(sstore_record_transition(ro, &a), -1);
    cr_assert_neq(sqlite3_exec(sstore_db(ro), "DELETE FROM stars", NULL, NULL, NULL), SQLITE_OK,
                  "the reader's connection itself is read-only");
    sstore_close(&ro);

    cr_assert_eq(q_int(S, "SELECT count(*) FROM ranking_periods"), 1, "nothing was written");
    cr_assert_eq(q_int(S, "SELECT count(*) FROM stars"), 1);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM alert_events"), 0);
}

Test(sstore, read_only_reader_refuses_a_newer_schema) {
    char err[512] = "";
    cr_assert_eq(sqlite3_exec(sstore_db(S), "PRAGMA user_version = 6", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_null(sstore_open(dbpath, true, err, sizeof err));
    assert_says(err, "schema version 6");
}

/* ---- rankings ---------------------------------------------------------------------- */

/* 核准 / 发布: the state and version go with the ranking; a published version is kept
 * whole, however the current ranking changes after it. */
Test(sstore, published_versions_are_kept) {
    ranking_t r, back;
    uint32_t v = 99;
    start(&r, "2017-05", T0);
    add_dim(&r, "经济发展");
    add_row(&r, "jinshan", "410671", 1, 0, 80.5)->dims[0] = 80.5;
    add_row(&r, "qibin", "410611", 2, 0, 60.25)->dims[0] = 60.25;
    cr_assert_eq(sstore_published_version(S, "2017-05", &v), 0, "never published");
    cr_assert_eq(v, 0);
    r.state = PSTATE_PUBLISHED;
    r.version = 1;
    cr_assert_eq(sstore_begin(S), 0);
    cr_assert_eq(sstore_put_ranking(S, &r), 0);
    cr_assert_eq(sstore_archive_published(S, "2017-05", T0 + 1000), 0);
    cr_assert_eq(sstore_commit(S), 0);
    cr_assert_eq(sstore_published_version(S, "2017-05", &v), 1);
    cr_assert_eq(v, 1);

    /* the same version published again (the state heard twice): kept as it was, date too */
    r.rows[0].total = 99.0;
    cr_assert_eq(sstore_begin(S), 0);
    cr_assert_eq(sstore_put_ranking(S, &r), 0);
    cr_assert_eq(sstore_archive_published(S, "2017-05", T0 + 5000), 0);
    cr_assert_eq(sstore_commit(S), 0);
    cr_assert_eq(q_int(S, "SELECT published_at_ms FROM published_periods WHERE period = '2017-05'"), T0 + 1000,
                 "the first publication's date is kept");
    cr_assert_eq(sstore_load_published(S, "2017-05", 1, &back), 1);
    cr_assert_float_eq(back.rows[0].total, 80.5, 1e-12, "and its rows");
    ranking_clear(&back);
    r.rows[0].total = 80.5;

    /* corrected after an unlock: version 2, open */
    r.rows[0].total = 81.0;
    r.state = PSTATE_OPEN;
    r.version = 2;
    put(S, &r);
    cr_assert_eq(sstore_load_ranking(S, "2017-05", &back), 1);
    cr_assert_eq(back.state, PSTATE_OPEN);
    cr_assert_eq(back.version, 2);
    cr_assert_float_eq(back.rows[0].total, 81.0, 1e-12);
    ranking_clear(&back);
    cr_assert_eq(sstore_load_published(S, "2017-05", 1, &back), 1);
    cr_assert_eq(back.state, PSTATE_PUBLISHED);
    cr_assert_eq(back.version, 1);
    cr_assert_eq(back.n_rows, 2);
    cr_assert_float_eq(back.rows[0].total, 80.5, 1e-12, "as it was published");
    cr_assert_float_eq(back.rows[1].dims[0], 60.25, 1e-12);
    ranking_clear(&back);
    cr_assert_eq(sstore_load_published(S, "2017-05", 2, &back), 0, "version 2 is not published");
    cr_assert_eq(q_int(S, "SELECT published_at_ms FROM published_periods WHERE period = '2017-05'"), T0 + 1000);
    ranking_clear(&r);
}

Test(sstore, ranking_round_trip_is_exact) {
    ranking_t r, back;
    ranking_row_t *p;
    char buf[512];
    start(&r, "2017-06", T0);
    add_dim(&r, "经济发展");
    add_dim(&r, "创新\"驱动\"");
    add_dim(&r, "back\\slash/tab\t");
    /* stored out of order: loading orders by rank, then zone */
    p = add_row(&r, "qibin", "410611", 2, 0, 0.1 + 0.2);
    p->dims[0] = 0.1 + 0.2;
    p->dims[1] = 1.0 / 3.0;
    p->dims[2] = 5e-324; /* the smallest subnormal */
    snprintf(p->missing, sizeof p->missing, "tax.growth;rd_share");
    p = add_row(&r, "jinshan", "410671", 1, 3, 97.123456789012345);
    p->dims[0] = 40.0;
    p->dims[1] = -0.0;
    p->dims[2] = 1.7976931348623157e308;
    p->star = 2;
    p->star_year = 2016;
    p->promoted = true;
    p = add_row(&r, "baoshan", "410611", 2, 1, 0.1 + 0.2); /* tied with qibin */
    p->dims[0] = 12.5;
    p->dims[1] = 2.0 / 3.0;
    p->dims[2] = 1e-17;
    p->star = RANKING_STAR_BELOW;
    p->star_year = 2016;
    put(S, &r);

    cr_assert_eq(sstore_load_ranking(S, "2017-06", &back), 1);
    cr_assert_str_eq(back.period, "2017-06");
    cr_assert_str_eq(back.method, "efficacy");
    cr_assert_eq(back.computed_at_ms, T0);
    cr_assert_eq(back.n_dims, 3);
    cr_assert_str_eq(back.dims[0], "经济发展");
    cr_assert_str_eq(back.dims[1], "创新\"驱动\"");
    cr_assert_str_eq(back.dims[2], "back\\slash/tab\t");
    cr_assert_eq(back.n_rows, 3);
    cr_assert_str_eq(back.rows[0].zone, "jinshan");
    cr_assert_str_eq(back.rows[1].zone, "baoshan", "tied ranks in zone order");
    cr_assert_str_eq(back.rows[2].zone, "qibin");
    cr_assert_eq(back.rows[1].rank, 2);
    cr_assert_eq(back.rows[2].rank, 2);

    /* every field, bit for bit, against what was put */
    for (size_t i = 0; i < back.n_rows; i++) {
        const ranking_row_t *b = &back.rows[i], *o = NULL;
        for (size_t j = 0; j < r.n_rows; j++)
            if (strcmp(r.rows[j].zone, b->zone) == 0) o = &r.rows[j];
        cr_assert_not_null(o);
        cr_assert_str_eq(b->county, o->county);
        cr_assert_eq(b->rank, o->rank);
        cr_assert_eq(b->prev_rank, o->prev_rank, "%s prev_rank", b->zone);
        cr_assert_eq(memcmp(&b->total, &o->total, sizeof b->total), 0, "%s total %.17g", b->zone, b->total);
        for (size_t d = 0; d < 3; d++)
            cr_assert_eq(memcmp(&b->dims[d], &o->dims[d], sizeof b->dims[d]), 0,
                         "%s dims[%zu] %.17g vs %.17g", b->zone, d, b->dims[d], o->dims[d]);
        cr_assert_eq(b->star, o->star, "%s star", b->zone);
        cr_assert_eq(b->star_year, o->star_year);
        cr_assert_eq(b->promoted, o->promoted);
        cr_assert_str_eq(b->missing, o->missing);
    }
    cr_assert_eq(back.rows[2].total, 0.1 + 0.2);
    cr_assert_neq(back.rows[2].total, 0.3, "0.1 + 0.2 is not 0.3 and must not come back as 0.3");
    cr_assert(signbit(back.rows[0].dims[1]), "-0.0 keeps its sign");
    ranking_clear(&back);

    /* what a user would see with the sqlite3 shell */
    cr_assert_eq(q_int(S, "SELECT n_zones FROM ranking_periods WHERE period='2017-06'"), 3);
    cr_assert_eq(q_int(S, "SELECT year FROM ranking_periods WHERE period='2017-06'"), 2017);
    cr_assert_eq(q_int(S, "SELECT prev_rank IS NULL FROM rankings WHERE zone='qibin'"), 1,
                 "no previous rank is NULL, not 0");
    cr_assert_eq(q_int(S, "SELECT prev_rank FROM rankings WHERE zone='baoshan'"), 1);
    cr_assert_eq(q_int(S, "SELECT star IS NULL AND star_year IS NULL FROM rankings WHERE zone='qibin'"), 1);
    cr_assert_eq(q_int(S, "SELECT missing IS NULL FROM rankings WHERE zone='jinshan'"), 1);
    cr_assert_str_eq(q_text(S, "SELECT json_extract(dims, '$[1]') FROM ranking_periods", buf, sizeof buf),
                     "创新\"驱动\"", "the names are valid JSON");
    cr_assert_eq(q_int(S, "SELECT json_array_length(dims) FROM rankings WHERE zone='jinshan'"), 3);
    cr_assert_str_eq(q_text(S, "SELECT dims FROM rankings WHERE zone='qibin'", buf, sizeof buf),
                     "[0.30000000000000004,0.33333333333333331,4.9406564584124654e-324]");
    ranking_clear(&r);
}

Test(sstore, nan_subtotal_is_stored_as_null_and_read_back_as_nan) {
    ranking_t r, back;
    char buf[128];
    start(&r, "2017-06", T0);
    add_dim(&r, "a");
    add_dim(&r, "b");
    add_row(&r, "jinshan", "410671", 1, 0, 50.0)->dims[0] = NAN;
    put(S, &r);
    cr_assert_str_eq(q_text(S, "SELECT dims FROM rankings", buf, sizeof buf), "[null,0]");
    cr_assert_eq(sstore_load_ranking(S, "2017-06", &back), 1);
    cr_assert(isnan(back.rows[0].dims[0]));
    cr_assert_eq(back.rows[0].dims[1], 0.0);
    ranking_clear(&back);
    ranking_clear(&r);
}

Test(sstore, put_ranking_replaces_the_period_and_leaves_others_alone) {
    static const char *const three[] = {"jinshan", "qibin", "baoshan"};
    static const char *const may[] = {"shancheng"};
    ranking_t r, back;
    put_simple(S, "2017-05", 1, may);
    put_simple(S, "2017-06", 3, three);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM rankings WHERE period='2017-06'"), 3);

    start(&r, "2017-06", T0 + 1000);
    snprintf(r.method, sizeof r.method, "minmax");
    add_dim(&r, "总量");
    add_dim(&r, "增速");
    add_row(&r, "baoshan", "410611", 1, 3, 88.0);
    put(S, &r);

    cr_assert_eq(sstore_load_ranking(S, "2017-06", &back), 1);
    cr_assert_eq(back.n_rows, 1);
    cr_assert_str_eq(back.rows[0].zone, "baoshan");
    cr_assert_str_eq(back.method, "minmax");
    cr_assert_eq(back.n_dims, 2);
    cr_assert_eq(back.computed_at_ms, T0 + 1000);
    ranking_clear(&back);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM rankings WHERE period='2017-06'"), 1, "old rows gone");
    cr_assert_eq(q_int(S, "SELECT count(*) FROM rankings WHERE zone IN ('jinshan','qibin')"), 0);
    cr_assert_eq(q_int(S, "SELECT n_zones FROM ranking_periods WHERE period='2017-06'"), 1);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM rankings WHERE period='2017-05'"), 1, "May untouched");
    ranking_clear(&r);
}

/* One zone's revision moves two zones, one zone is new and one is gone: the update
 * writes those four rows and leaves the fifth as it is, and the store then holds what a
 * whole rewrite (sstore_put_ranking into a second store) holds. */
static void may_before(ranking_t *r) {
    start(r, "2017-05", T0);
    add_dim(r, "总量");
    add_row(r, "jinshan", "410671", 1, 0, 90.0)->dims[0] = 40.0;
    add_row(r, "qibin", "410611", 2, 0, 80.0)->dims[0] = 30.0;
    add_row(r, "baoshan", "410611", 3, 0, 70.0)->dims[0] = 20.0;
    add_row(r, "shancheng", "410611", 4, 0, 60.0)->dims[0] = 10.0;
}

static void may_after(ranking_t *r) {
    start(r, "2017-05", T0 + 1000);
    add_dim(r, "总量");
    add_row(r, "qibin", "410611", 1, 0, 95.0)->dims[0] = 45.0;  /* revised: rank and score */
    add_row(r, "jinshan", "410671", 2, 0, 90.0)->dims[0] = 40.0; /* rank only */
    add_row(r, "baoshan", "410611", 3, 0, 70.0)->dims[0] = 20.0; /* unchanged */
    add_row(r, "gushi", "410611", 4, 0, 50.0)->dims[0] = 5.0;    /* new; shancheng gone */
}

Test(sstore, update_ranking_writes_only_the_changed_rows_and_ends_as_a_rewrite) {
    char err[512] = "", other_path[192];
    ranking_t before, after, stored, back, whole;
    sstore_t *other;
    size_t n_written = 99;
    may_before(&before);
    may_after(&after);
    put(S, &before);
    cr_assert_eq(sstore_load_ranking(S, "2017-05", &stored), 1);
    cr_assert_eq(sstore_begin(S), 0);
    cr_assert_eq(sstore_update_ranking(S, &stored, &after, &n_written), 0);
    cr_assert_eq(sstore_commit(S), 0);
    cr_assert_eq(n_written, 4, "qibin, jinshan, gushi written, shancheng deleted; got %zu", n_written);

    path_in_tmp(other_path, sizeof other_path, "other.db");
    other = sstore_open(other_path, false, err, sizeof err);
    cr_assert_not_null(other, "%s", err);
    put(other, &after);
    cr_assert_eq(sstore_load_ranking(S, "2017-05", &back), 1);
    cr_assert_eq(sstore_load_ranking(other, "2017-05", &whole), 1);
    cr_assert_eq(back.n_rows, 4);
    cr_assert_eq(whole.n_rows, back.n_rows);
    cr_assert_eq(back.computed_at_ms, T0 + 1000);
    cr_assert_eq(q_int(S, "SELECT n_zones FROM ranking_periods WHERE period='2017-05'"), 4);
    for (size_t i = 0; i < back.n_rows; i++) {
        const ranking_row_t *a = &back.rows[i], *b = &whole.rows[i];
        cr_assert_str_eq(a->zone, b->zone);
        cr_assert_str_eq(a->county, b->county);
        cr_assert_eq(a->rank, b->rank);
        cr_assert_eq(a->prev_rank, b->prev_rank);
        cr_assert_eq(a->total, b->total);
        cr_assert_eq(a->dims[0], b->dims[0]);
        cr_assert_eq(a->star, b->star);
        cr_assert_str_eq(a->missing, b->missing);
    }
    cr_assert_str_eq(back.rows[0].zone, "qibin");
    cr_assert_eq(back.rows[0].total, 95.0);
    cr_assert_str_eq(back.rows[3].zone, "gushi");
    cr_assert_eq(q_int(S, "SELECT count(*) FROM rankings WHERE zone='shancheng'"), 0);

    /* nothing changed: the period row only */
    cr_assert_eq(sstore_begin(S), 0);
    cr_assert_eq(sstore_update_ranking(S, &back, &after, &n_written), 0);
    cr_assert_eq(sstore_commit(S), 0);
    cr_assert_eq(n_written, 0);
    sstore_close(&other);
    ranking_clear(&before);
    ranking_clear(&after);
    ranking_clear(&stored);
    ranking_clear(&back);
    ranking_clear(&whole);
}

Test(sstore, rollback_discards_a_ranking) {
    static const char *const zones[] = {"jinshan"};
    ranking_t r, back;
    put_simple(S, "2017-05", 1, zones);
    start(&r, "2017-05", T0);
    cr_assert_eq(sstore_begin(S), 0);
    cr_assert_eq(sstore_put_ranking(S, &r), 0); /* an empty ranking would replace it */
    cr_assert_eq(sstore_rollback(S), 0);
    cr_assert_eq(sstore_load_ranking(S, "2017-05", &back), 1);
    cr_assert_eq(back.n_rows, 1);
    ranking_clear(&back);
    ranking_clear(&r);
}

Test(sstore, delete_ranking_removes_period_and_rows) {
    static const char *const zones[] = {"jinshan", "qibin"};
    ranking_t back;
    put_simple(S, "2017-05", 2, zones);
    put_simple(S, "2017-06", 2, zones);
    cr_assert_eq(sstore_begin(S), 0);
    cr_assert_eq(sstore_delete_ranking(S, "2017-06"), 0);
    cr_assert_eq(sstore_delete_ranking(S, "2016-12"), 0, "deleting nothing is not an error");
    cr_assert_eq(sstore_commit(S), 0);
    memset(&back, 0x5a, sizeof back);
    cr_assert_eq(sstore_load_ranking(S, "2017-06", &back), 0);
    cr_assert_null(back.rows, "a period not ranked leaves an empty ranking");
    cr_assert_eq(back.n_rows, 0);
    ranking_clear(&back);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM rankings WHERE period='2017-06'"), 0);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM rankings"), 2);
}

typedef struct {
    char seen[8][PERIOD_STRLEN];
    int n;
} periods_t;

static void on_period(const char *period, void *arg) {
    periods_t *p = arg;
    cr_assert_lt(p->n, 8);
    snprintf(p->seen[p->n++], PERIOD_STRLEN, "%s", period);
}

Test(sstore, latest_period_and_each_period_oldest_first) {
    static const char *const zones[] = {"jinshan"};
    char latest[PERIOD_STRLEN] = "x";
    periods_t p;
    memset(&p, 0, sizeof p);
    cr_assert_eq(sstore_latest_period(S, latest), 0, "nothing ranked yet");
    cr_assert_eq(sstore_each_period(S, on_period, &p), 0);

    put_simple(S, "2017-03", 1, zones);
    put_simple(S, "2016-12", 1, zones);
    put_simple(S, "2017-02", 1, zones);
    cr_assert_eq(sstore_latest_period(S, latest), 1);
    cr_assert_str_eq(latest, "2017-03");
    cr_assert_eq(sstore_each_period(S, on_period, &p), 3);
    cr_assert_str_eq(p.seen[0], "2016-12");
    cr_assert_str_eq(p.seen[1], "2017-02");
    cr_assert_str_eq(p.seen[2], "2017-03");
}

/* ---- stars ------------------------------------------------------------------------- */

Test(sstore, star_promotion_over_three_years) {
    char buf[64];
    int st = 0, st_year = 0;
    bool promoted = true;
    cr_assert_eq(sstore_star(S, "jinshan", 2017, &st, &st_year, &promoted), 0, "never judged");

    star(S, 2015, "jinshan", 1);
    cr_assert_eq(sstore_star(S, "jinshan", 2015, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 1);
    cr_assert_eq(st_year, 2015);
    cr_assert_not(promoted, "a first judgement is not a promotion");

    star(S, 2016, "jinshan", 2);
    cr_assert_eq(sstore_star(S, "jinshan", 2016, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 2);
    cr_assert(promoted, "above every earlier year");

    star(S, 2017, "jinshan", 2);
    cr_assert_eq(sstore_star(S, "jinshan", 2017, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 2);
    cr_assert_eq(st_year, 2017);
    cr_assert_not(promoted, "equal to the best earlier year is not a promotion");

    /* the latest judgement on or before the year asked */
    cr_assert_eq(sstore_star(S, "jinshan", 2020, &st, &st_year, &promoted), 1);
    cr_assert_eq(st_year, 2017);
    cr_assert_eq(sstore_star(S, "jinshan", 2016, &st, &st_year, &promoted), 1);
    cr_assert_eq(st_year, 2016);
    cr_assert(promoted);
    cr_assert_eq(sstore_star(S, "jinshan", 2014, &st, &st_year, &promoted), 0);
    cr_assert_eq(sstore_star(S, "qibin", 2017, &st, &st_year, &promoted), 0, "other zones unaffected");

    cr_assert_eq(q_int(S, "SELECT count(*) FROM stars WHERE zone='jinshan'"), 3, "every year kept");
    cr_assert_str_eq(q_text(S,
                            "SELECT group_concat(promoted, ' ') FROM (SELECT promoted FROM stars"
                            " WHERE zone='jinshan' ORDER BY year)",
                            buf, sizeof buf),
                     "0 1 0");
    cr_assert_eq(q_int(S, "SELECT judged_at_ms FROM stars WHERE year=2016"), T0 + 2016);
}

Test(sstore, star_promotion_is_against_every_earlier_year_not_just_the_last) {
    int st = 0, st_year = 0;
    bool promoted = true;
    star(S, 2015, "qibin", 3);
    star(S, 2016, "qibin", RANKING_STAR_BELOW);
    star(S, 2017, "qibin", 2);
    cr_assert_eq(sstore_star(S, "qibin", 2017, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 2);
    cr_assert_not(promoted, "2 climbs over 2016 but not over 2015's 3");
    cr_assert_eq(sstore_star(S, "qibin", 2016, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, RANKING_STAR_BELOW);
    cr_assert_not(promoted);
}

Test(sstore, star_rejudged_replaces_the_year_and_updates_later_years) {
    int st = 0, st_year = 0;
    bool promoted = false;
    star(S, 2015, "baoshan", 1);
    star(S, 2016, "baoshan", 3);
    star(S, 2017, "baoshan", 2);
    cr_assert_eq(sstore_star(S, "baoshan", 2017, &st, &st_year, &promoted), 1);
    cr_assert_not(promoted);

    star(S, 2016, "baoshan", 0); /* 2016 re-judged lower */
    cr_assert_eq(q_int(S, "SELECT count(*) FROM stars WHERE zone='baoshan'"), 3, "replaced, not added");
    cr_assert_eq(sstore_star(S, "baoshan", 2016, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 0);
    cr_assert_not(promoted);
    cr_assert_eq(sstore_star(S, "baoshan", 2017, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 2);
    cr_assert(promoted, "2017's 2 is now above 2015's 1 and 2016's 0");
}

/* A ranking of 2017-06 shows the star judged on December 2016, before and after
 * December 2017 is judged; the December 2017 ranking shows the star it judges itself,
 * and 2018's rankings show that one. */
Test(sstore, a_period_shows_last_decembers_star_whenever_it_is_ranked) {
    int st = 0, st_year = 0;
    bool promoted = true;
    cr_assert_eq(sstore_star_shown(S, "jinshan", 2017, 6, &st, &st_year, &promoted), 0, "never judged");
    star(S, 2016, "jinshan", 4);
    cr_assert_eq(sstore_star_shown(S, "jinshan", 2017, 6, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 4);
    cr_assert_eq(st_year, 2016);
    cr_assert_eq(sstore_star_shown(S, "jinshan", 2016, 12, &st, &st_year, &promoted), 1);
    cr_assert_eq(st_year, 2016, "December 2016 shows what it judged");

    star(S, 2017, "jinshan", 3); /* December 2017 comes in */
    cr_assert_eq(sstore_star_shown(S, "jinshan", 2017, 6, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 4, "2017-06 still shows the 2016 star");
    cr_assert_eq(st_year, 2016);
    cr_assert_eq(sstore_star_shown(S, "jinshan", 2017, 11, &st, &st_year, &promoted), 1);
    cr_assert_eq(st_year, 2016);
    cr_assert_eq(sstore_star_shown(S, "jinshan", 2017, 12, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 3);
    cr_assert_eq(st_year, 2017, "December 2017 shows the star it judges");
    cr_assert_eq(sstore_star_shown(S, "jinshan", 2018, 2, &st, &st_year, &promoted), 1);
    cr_assert_eq(st, 3);
    cr_assert_eq(st_year, 2017);
    /* a year without a judgement: the latest December before it */
    cr_assert_eq(sstore_star_shown(S, "jinshan", 2020, 3, &st, &st_year, &promoted), 1);
    cr_assert_eq(st_year, 2017);
    cr_assert_eq(sstore_star_shown(S, "jinshan", 2016, 6, &st, &st_year, &promoted), 0, "none before 2016");
}

/* ---- alerts ------------------------------------------------------------------------ */

Test(sstore, alert_firing_escalated_resolved) {
    alert_t a;
    alert_list_t l;
    char buf[512];
    memset(&l, 0, sizeof l);
    alert_init(&a, ALERT_PACE, SEV_WARNING, "jinshan", "fai", 2017, "2017-06");
    a.value = 41.5;
    a.target = 1200000;
    a.expected = 45.0;
    a.gap = -3.5;
    snprintf(a.message, sizeof a.message, "金山园区 固定资产投资 完成41.5%%，序时进度45.0%%");
    record(S, &a, TR_FIRING, SEV_NONE, T0);

    cr_assert_eq(sstore_alerts_firing(S, -1, 0, &l), 0);
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.items[0].kind, ALERT_PACE);
    cr_assert_eq(l.items[0].severity, SEV_WARNING);
    cr_assert_eq(l.items[0].since_ms, T0);
    cr_assert_eq(l.items[0].transition, TR_ACTIVE);
    cr_assert_eq(l.items[0].gap, -3.5);
    cr_assert_eq(l.items[0].deadline_ms, 0, "no deadline reads as 0");
    cr_assert_str_eq(l.items[0].message, a.message);
    alert_list_clear(&l);
    cr_assert_str_eq(q_text(S, "SELECT akey FROM alerts", buf, sizeof buf), "pace/jinshan/fai/2017");

    a.severity = SEV_CRITICAL;
    a.value = 38.0;
    a.gap = -7.0;
    a.expected = NAN; /* NULL in the row, NAN read back */
    snprintf(a.message, sizeof a.message, "escalated");
    record(S, &a, TR_ESCALATED, SEV_WARNING, T0 + 1000);
    cr_assert_eq(sstore_alerts_firing(S, -1, 0, &l), 0);
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.items[0].severity, SEV_CRITICAL);
    cr_assert_eq(l.items[0].since_ms, T0, "since_ms kept on a severity change");
    cr_assert_eq(l.items[0].value, 38.0);
    cr_assert(isnan(l.items[0].expected));
    cr_assert_str_eq(l.items[0].message, "escalated");
    alert_list_clear(&l);
    cr_assert_eq(q_int(S, "SELECT updated_ms FROM alerts"), T0 + 1000);
    cr_assert_eq(q_int(S, "SELECT expected IS NULL FROM alerts"), 1);
    cr_assert_str_eq(q_text(S, "SELECT severity FROM alerts", buf, sizeof buf), "critical");

    a.severity = SEV_NONE;
    a.value = 50.0;
    a.gap = 0.5;
    a.expected = 49.5;
    snprintf(a.message, sizeof a.message, "resolved");
    record(S, &a, TR_RESOLVED, SEV_CRITICAL, T0 + 2000);
    cr_assert_eq(sstore_alerts_firing(S, -1, 0, &l), 0);
    cr_assert_eq(l.n, 0);
    alert_list_clear(&l);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM alerts"), 0, "row gone");

    /* the events, as an operator would list them */
    cr_assert_eq(q_int(S, "SELECT count(*) FROM alert_events WHERE akey='pace/jinshan/fai/2017'"), 3);
    cr_assert_str_eq(q_text(S,
                            "SELECT group_concat(transition || ':' || severity || ':' || previous, ' ')"
                            " FROM (SELECT * FROM alert_events ORDER BY id)",
                            buf, sizeof buf),
                     "firing:warning:none escalated:critical:warning resolved:none:critical");
    cr_assert_str_eq(q_text(S,
                            "SELECT group_concat((at_ms - 1500048000000) || '=' || value || '/' ||"
                            " coalesce(expected, 'NULL') || '/' || gap, ' ')"
                            " FROM (SELECT * FROM alert_events ORDER BY id)",
                            buf, sizeof buf),
                     "0=41.5/45.0/-3.5 1000=38.0/NULL/-7.0 2000=50.0/49.5/0.5");
    cr_assert_eq(q_int(S, "SELECT count(*) FROM alert_events WHERE kind='pace' AND zone='jinshan'"
                          " AND county='410671' AND indicator='fai' AND year=2017 AND period='2017-06'"
                          " AND target=1200000 AND deadline_ms IS NULL"),
                 3);
    cr_assert_str_eq(q_text(S, "SELECT message FROM alert_events WHERE transition='firing'", buf, sizeof buf),
                     "金山园区 固定资产投资 完成41.5%，序时进度45.0%");
}

Test(sstore, alert_nan_values_round_trip_as_null) {
    alert_t a;
    alert_list_t l;
    memset(&l, 0, sizeof l);
    alert_init(&a, ALERT_OVERDUE, SEV_CRITICAL, "shancheng", "", 2017, "2017-05");
    a.deadline_ms = T0 - 86400000LL;
    a.since_ms = T0 - 3600000LL; /* fired earlier, recorded now: since_ms wins over at_ms */
    record(S, &a, TR_FIRING, SEV_NONE, T0);
    cr_assert_eq(q_int(S, "SELECT value IS NULL AND target IS NULL AND expected IS NULL AND gap IS NULL"
                          " AND indicator IS NULL FROM alerts"),
                 1);
    cr_assert_eq(q_int(S, "SELECT value IS NULL AND gap IS NULL FROM alert_events"), 1);
    cr_assert_eq(sstore_alerts_firing(S, -1, 0, &l), 0);
    cr_assert_eq(l.n, 1);
    cr_assert(isnan(l.items[0].value));
    cr_assert(isnan(l.items[0].target));
    cr_assert(isnan(l.items[0].expected));
    cr_assert(isnan(l.items[0].gap));
    cr_assert_str_eq(l.items[0].indicator, "");
    cr_assert_str_eq(l.items[0].period, "2017-05");
    cr_assert_eq(l.items[0].deadline_ms, T0 - 86400000LL);
    cr_assert_eq(l.items[0].since_ms, T0 - 3600000LL);
    cr_assert_eq(l.items[0].kind, ALERT_OVERDUE);
    alert_list_clear(&l);
}

Test(sstore, alerts_firing_filters_by_kind_and_year_in_key_order) {
    alert_t a;
    alert_list_t l;
    char key[ALERT_KEY_LEN];
    memset(&l, 0, sizeof l);
    alert_init(&a, ALERT_PACE, SEV_WARNING, "qibin", "fai", 2017, "2017-06");
    record(S, &a, TR_FIRING, SEV_NONE, T0);
    alert_init(&a, ALERT_PACE, SEV_CRITICAL, "jinshan", "fai", 2017, "2017-06");
    record(S, &a, TR_FIRING, SEV_NONE, T0);
    alert_init(&a, ALERT_GROWTH, SEV_WARNING, "jinshan", "va", 2017, "2017-06");
    record(S, &a, TR_FIRING, SEV_NONE, T0);
    alert_init(&a, ALERT_PACE, SEV_WARNING, "jinshan", "fai", 2016, "2016-12");
    record(S, &a, TR_FIRING, SEV_NONE, T0);
    alert_init(&a, ALERT_OVERDUE, SEV_CRITICAL, "baoshan", "", 2017, "2017-06");
    record(S, &a, TR_FIRING, SEV_NONE, T0);

    cr_assert_eq(sstore_alerts_firing(S, -1, 0, &l), 0);
    cr_assert_eq(l.n, 5);
    for (size_t i = 1; i < l.n; i++) {
        char prev[ALERT_KEY_LEN];
        alert_key(&l.items[i - 1], prev);
        alert_key(&l.items[i], key);
        cr_assert_lt(strcmp(prev, key), 0, "%s before %s", prev, key);
    }
    alert_list_clear(&l);

    cr_assert_eq(sstore_alerts_firing(S, ALERT_PACE, 0, &l), 0);
    cr_assert_eq(l.n, 3);
    alert_list_clear(&l);
    cr_assert_eq(sstore_alerts_firing(S, -1, 2016, &l), 0);
    cr_assert_eq(l.n, 1);
    alert_key(&l.items[0], key);
    cr_assert_str_eq(key, "pace/jinshan/fai/2016");
    alert_list_clear(&l);
    cr_assert_eq(sstore_alerts_firing(S, ALERT_PACE, 2017, &l), 0);
    cr_assert_eq(l.n, 2);
    alert_key(&l.items[0], key);
    cr_assert_str_eq(key, "pace/jinshan/fai/2017");
    alert_key(&l.items[1], key);
    cr_assert_str_eq(key, "pace/qibin/fai/2017");
    cr_assert_eq(sstore_alerts_firing(S, ALERT_OVERDUE, 0, &l), 0, "appends");
    cr_assert_eq(l.n, 3);
    cr_assert_eq(l.items[2].kind, ALERT_OVERDUE);
    alert_list_clear(&l);
    cr_assert_eq(sstore_alerts_firing(S, ALERT_LEVEL, 0, &l), 0);
    cr_assert_eq(l.n, 0);
    alert_list_clear(&l);
}

Test(sstore, deescalation_keeps_since_and_a_refresh_updates_quietly) {
    alert_t a;
    alert_list_t l;
    memset(&l, 0, sizeof l);
    alert_init(&a, ALERT_GROWTH, SEV_CRITICAL, "qibin", "va", 2017, "2017-05");
    a.gap = -4.0;
    record(S, &a, TR_FIRING, SEV_NONE, T0);
    a.severity = SEV_WARNING;
    a.gap = -2.0;
    snprintf(a.period, sizeof a.period, "2017-06");
    record(S, &a, TR_DEESCALATED, SEV_CRITICAL, T0 + 5000);
    cr_assert_eq(sstore_alerts_firing(S, -1, 0, &l), 0);
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.items[0].severity, SEV_WARNING);
    cr_assert_eq(l.items[0].since_ms, T0);
    cr_assert_eq(l.items[0].gap, -2.0);
    cr_assert_str_eq(l.items[0].period, "2017-06");
    alert_list_clear(&l);

    cr_assert_eq(sstore_begin(S), 0);
    a.transition = TR_ACTIVE;
    cr_assert_eq(sstore_record_transition(S, &a), -1);
    /* TR_NONE: a later report, the same severity: the row takes the new figures, no event */
    a.transition = TR_NONE;
    a.severity = SEV_WARNING;
    a.gap = -2.5;
    a.at_ms = T0 + 9000;
    a.since_ms = T0;
    cr_assert_eq(sstore_record_transition(S, &a), 0);
    cr_assert_eq(sstore_commit(S), 0);
    cr_assert_eq(q_int(S, "SELECT count(*) FROM alert_events"), 2);
    cr_assert_eq(sstore_alerts_firing(S, -1, 0, &l), 0);
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.items[0].gap, -2.5);
    cr_assert_eq(l.items[0].since_ms, T0, "a refresh keeps when the alert started firing");
    alert_list_clear(&l);
}

static void collect(const alert_t *a, void *arg) {
    cr_assert_not_null(alert_list_add(arg, a));
}

/* A pass publishes its transitions by reading them back after COMMIT: each must come
 * back whole and in order, and only those after the mark taken before it. */
Test(sstore, the_transitions_after_a_mark_come_back_whole_and_in_order) {
    alert_t a;
    alert_list_t got = {0};
    int64_t mark = -1, top = -1;
    alert_init(&a, ALERT_PACE, SEV_WARNING, "jinshan", "fai", 2017, "2017-06");
    record(S, &a, TR_FIRING, SEV_NONE, T0);
    cr_assert_eq(sstore_event_top(S, &mark), 0);
    cr_assert_gt(mark, 0);

    a.severity = SEV_CRITICAL;
    a.value = 38.0;
    a.target = 1200000;
    a.expected = NAN;
    a.gap = -7.25;
    a.since_ms = T0;
    snprintf(a.message, sizeof a.message, "金山园区 固定资产投资 完成38.0%%");
    record(S, &a, TR_ESCALATED, SEV_WARNING, T0 + 1000);
    alert_init(&a, ALERT_OVERDUE, SEV_CRITICAL, "shancheng", "", 2017, "2017-05");
    a.deadline_ms = T0 - 86400000LL;
    a.since_ms = T0 + 2000;
    record(S, &a, TR_FIRING, SEV_NONE, T0 + 2000);
    snprintf(a.message, sizeof a.message, "fresh figures");
    record(S, &a, TR_NONE, SEV_CRITICAL, T0 + 3000); /* a refresh is no transition: not read back */

    cr_assert_eq(sstore_each_event_since(S, mark, collect, &got), 2);
    cr_assert_eq(got.n, 2);
    cr_assert_eq(got.items[0].kind, ALERT_PACE);
    cr_assert_eq(got.items[0].transition, TR_ESCALATED);
    cr_assert_eq(got.items[0].previous, SEV_WARNING);
    cr_assert_eq(got.items[0].severity, SEV_CRITICAL);
    cr_assert_eq(got.items[0].at_ms, T0 + 1000);
    cr_assert_eq(got.items[0].since_ms, T0);
    cr_assert_eq(got.items[0].value, 38.0);
    cr_assert_eq(got.items[0].target, 1200000);
    cr_assert(isnan(got.items[0].expected));
    cr_assert_eq(got.items[0].gap, -7.25);
    cr_assert_str_eq(got.items[0].county, "410671");
    cr_assert_str_eq(got.items[0].message, "金山园区 固定资产投资 完成38.0%");
    cr_assert_eq(got.items[1].kind, ALERT_OVERDUE);
    cr_assert_eq(got.items[1].transition, TR_FIRING);
    cr_assert_eq(got.items[1].previous, SEV_NONE);
    cr_assert_eq(got.items[1].deadline_ms, T0 - 86400000LL);
    cr_assert_str_eq(got.items[1].period, "2017-05");
    alert_list_clear(&got);

    cr_assert_eq(sstore_event_top(S, &top), 0);
    cr_assert_eq(sstore_each_event_since(S, top, collect, &got), 0, "none after the last");
    cr_assert_eq(got.n, 0);
}

Test(sstore, firing_alerts_between_two_zones_take_the_upper_and_not_the_lower) {
    static const char *const zones[] = {"a1", "b2", "b3", "c4", "d5"};
    alert_list_t l = {0};
    for (size_t i = 0; i < sizeof zones / sizeof *zones; i++) {
        fire(S, ALERT_PACE, SEV_WARNING, zones[i], "fai", 2017, "2017-06");
        fire(S, ALERT_GROWTH, SEV_WARNING, zones[i], "va", 2016, "2016-12");
    }
    cr_assert_eq(sstore_alerts_firing_between(S, NULL, "b2", -1, 2017, &l), 0);
    cr_assert_eq(l.n, 2, "a1 and b2 of 2017");
    cr_assert_str_eq(l.items[0].zone, "a1");
    cr_assert_str_eq(l.items[1].zone, "b2");
    alert_list_clear(&l);
    cr_assert_eq(sstore_alerts_firing_between(S, "b2", "c4", -1, 2017, &l), 0);
    cr_assert_eq(l.n, 2, "b3 and c4");
    cr_assert_str_eq(l.items[0].zone, "b3");
    cr_assert_str_eq(l.items[1].zone, "c4");
    alert_list_clear(&l);
    cr_assert_eq(sstore_alerts_firing_between(S, "c4", NULL, -1, 0, &l), 0);
    cr_assert_eq(l.n, 2, "d5, both years");
    cr_assert_eq(l.items[0].kind, ALERT_GROWTH, "in key order: growth/d5/va/2016 first");
    cr_assert_eq(l.items[1].kind, ALERT_PACE);
    alert_list_clear(&l);
}

static void add_year(int year, void *arg) {
    int *years = arg;
    years[years[0] + 1] = year;
    years[0]++;
}

Test(sstore, the_years_with_firing_target_alerts_leave_out_overdue_ones) {
    int years[8] = {0};
    fire(S, ALERT_OVERDUE, SEV_CRITICAL, "a1", "", 2015, "2015-05");
    fire(S, ALERT_LEVEL, SEV_WARNING, "a1", "ratio", 2017, "2017-06");
    fire(S, ALERT_PACE, SEV_WARNING, "b2", "fai", 2016, "2016-12");
    fire(S, ALERT_PACE, SEV_WARNING, "b3", "fai", 2016, "2016-12");
    cr_assert_eq(sstore_each_target_year(S, add_year, years), 2);
    cr_assert_eq(years[0], 2);
    cr_assert_eq(years[1], 2016);
    cr_assert_eq(years[2], 2017);
}

typedef struct {
    char text[512];
} stars_seen_t;

static void on_each_star(const char *zone, int value, int year, bool promoted, void *arg) {
    stars_seen_t *seen = arg;
    size_t len = strlen(seen->text);
    snprintf(seen->text + len, sizeof seen->text - len, "%s%s:%d/%d%s", len ? " " : "", zone, value, year,
             promoted ? "+" : "");
}

/* One query answers for every zone what sstore_star answers for each. */
Test(sstore, each_star_is_every_zones_most_recent_star_up_to_the_year) {
    stars_seen_t seen = {""};
    int v, y;
    bool pr;
    star(S, 2015, "jinshan", 3);
    star(S, 2016, "jinshan", 4); /* above every earlier one: promoted */
    star(S, 2017, "baoshan", 5);
    star(S, 2014, "qibin", 2);
    star(S, 2016, "qibin", 1);
    cr_assert_eq(sstore_each_star(S, 2016, on_each_star, &seen), 2);
    cr_assert_str_eq(seen.text, "jinshan:4/2016+ qibin:1/2016", "baoshan's is of 2017, after the year");
    cr_assert_eq(sstore_star(S, "jinshan", 2016, &v, &y, &pr), 1);
    cr_assert(v == 4 && y == 2016 && pr, "the same as sstore_star");
    memset(&seen, 0, sizeof seen);
    cr_assert_eq(sstore_each_star(S, 2015, on_each_star, &seen), 2);
    cr_assert_str_eq(seen.text, "jinshan:3/2015 qibin:2/2014");
    memset(&seen, 0, sizeof seen);
    cr_assert_eq(sstore_each_star(S, 2013, on_each_star, &seen), 0);
    cr_assert_str_eq(seen.text, "");
}
