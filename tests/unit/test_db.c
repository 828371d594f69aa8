/* test_db.c - db_t, the SQLite handle every store is opened with: migrations, readers,
 * kept statements and transactions.
 *
 * A schema of its own, a list of named items, stands for a store: version 1 makes the
 * table, version 2 adds a column. Files "from before" are made with raw SQL, as an older
 * program left them.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"

static char tmpdir[64], dbpath[128];

static const char *const migrations[] = {
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
    "ALTER TABLE items ADD COLUMN size INTEGER;",
};

enum { Q_ADD, Q_SIZE, Q_NAMES, Q_N };

static const char *const sql[Q_N] = {
    [Q_ADD] = "INSERT INTO items (name, size) VALUES (?1, ?2)",
    [Q_SIZE] = "SELECT size FROM items WHERE name = ?1",
    [Q_NAMES] = "SELECT name FROM items ORDER BY id",
};

static const db_schema_t schema = {.what = "item list",
                                   .creator = "the item keeper",
                                   .migrations = migrations,
                                   .n_migrations = 2,
                                   .statements = sql,
                                   .n_statements = Q_N};

static void remove_db(const char *path) {
    char p[256];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static void setup(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_db_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/items.db", tmpdir);
}

static void teardown(void) {
    remove_db(dbpath);
    rmdir(tmpdir);
}

TestSuite(db, .init = setup, .fini = teardown);

#define assert_says(msg, words)                                                                              \
    cr_assert_not_null(strstr((msg), (words)), "\"%s\" lacks \"%s\"", (msg), (words))

/* Runs sql on a connection of its own, as another program would. */
static void raw(const char *path, const char *sql_text) {
    sqlite3 *c = NULL;
    char *msg = NULL;
    cr_assert_eq(sqlite3_open(path, &c), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(c, sql_text, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql_text, msg);
    sqlite3_close(c);
}

/* The first column of the first row of sql, on a connection of its own. */
static long long raw_int(const char *path, const char *sql_text) {
    sqlite3 *c = NULL;
    sqlite3_stmt *st;
    long long v;
    cr_assert_eq(sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(c, sql_text, -1, &st, NULL), SQLITE_OK, "%s: %s", sql_text,
                 sqlite3_errmsg(c));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql_text);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(c);
    return v;
}

static db_t *open_ok(const char *path, bool readonly, const db_schema_t *sc) {
    char err[512] = "";
    db_t *db = db_open(path, readonly, sc, err, sizeof err);
    cr_assert_not_null(db, "db_open: %s", err);
    return db;
}

static void add(db_t *db, const char *name, int size) {
    sqlite3_stmt *st = db_stmt(db, Q_ADD);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, size);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db_conn(db)));
    sqlite3_reset(st);
}

/* ---- opening and migrating ------------------------------------------------------------ */

Test(db, a_writer_creates_the_file_at_the_latest_version_in_wal_mode) {
    db_t *db = open_ok(dbpath, false, &schema);
    add(db, "bolt", 3);
    cr_assert_not(db_readonly(db));
    cr_assert_str_eq(db_path(db), dbpath);
    db_close(&db);
    cr_assert_null(db, "db_close sets the handle to NULL");
    db_close(&db); /* NULL-safe */
    cr_assert_eq(raw_int(dbpath, "PRAGMA user_version"), 2);
    cr_assert_eq(raw_int(dbpath, "SELECT size FROM items WHERE name = 'bolt'"), 3);
    cr_assert_eq(raw_int(dbpath, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
}

Test(db, a_file_from_before_is_migrated_and_keeps_its_rows) {
    db_t *db;
    raw(dbpath, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
                "INSERT INTO items (name) VALUES ('nut'), ('washer'); PRAGMA user_version = 1");
    db = open_ok(dbpath, false, &schema);
    add(db, "bolt", 3);
    db_close(&db);
    cr_assert_eq(raw_int(dbpath, "PRAGMA user_version"), 2);
    cr_assert_eq(raw_int(dbpath, "SELECT count(*) FROM items"), 3);
    cr_assert_eq(
        raw_int(dbpath, "SELECT count(*) FROM items WHERE name IN ('nut', 'washer') AND size IS NULL"), 2);
}

/* A migration that fails half way takes nothing of itself into the file: the version
 * stays that of the last one that committed, and the open says which one failed. */
Test(db, a_failed_migration_leaves_the_file_at_the_version_before) {
    static const char *const bad[] = {
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
        "ALTER TABLE items ADD COLUMN size INTEGER; CREATE TABLE items (x);",
    };
    db_schema_t sc = schema;
    char err[512] = "";
    sc.migrations = bad;
    cr_assert_null(db_open(dbpath, false, &sc, err, sizeof err));
    assert_says(err, dbpath);
    assert_says(err, "migration to schema version 2 failed");
    assert_says(err, "already exists");
    cr_assert_eq(raw_int(dbpath, "PRAGMA user_version"), 1, "migration 1 committed on its own");
    cr_assert_eq(raw_int(dbpath, "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'size'"), 0,
                 "nothing of migration 2 is left");
}

Test(db, a_writer_refuses_a_newer_file) {
    char err[512] = "";
    raw(dbpath, "PRAGMA user_version = 3");
    cr_assert_null(db_open(dbpath, false, &schema, err, sizeof err));
    assert_says(err, dbpath);
    assert_says(err, "schema version 3 is newer than this program (2)");
}

Test(db, a_statement_that_does_not_prepare_fails_the_open) {
    static const char *const wrong[] = {"SELECT colour FROM items"};
    db_schema_t sc = schema;
    char err[512] = "";
    sc.statements = wrong;
    sc.n_statements = 1;
    cr_assert_null(db_open(dbpath, false, &sc, err, sizeof err));
    assert_says(err, dbpath);
    assert_says(err, "no such column: colour");
}

/* A store that once wrote user_version 1 whatever it held: version_of reads the truth
 * off the file, and only the migrations the file lacks are run. */
static int size_column_tells(db_t *db, int user_version) {
    sqlite3_stmt *st;
    int has;
    if (user_version != 1) return user_version;
    if (sqlite3_prepare_v2(db_conn(db), "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'size'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return has ? 2 : 1;
}

Test(db, version_of_tells_the_version_of_a_file_that_says_too_little) {
    db_schema_t sc = schema;
    db_t *db;
    sc.version_of = size_column_tells;
    /* without version_of, migration 2 would fail: the column is already there */
    raw(dbpath, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, size INTEGER);"
                "INSERT INTO items (name, size) VALUES ('nut', 1); PRAGMA user_version = 1");
    db = open_ok(dbpath, true, &sc);
    db_close(&db);
    cr_assert_eq(raw_int(dbpath, "PRAGMA user_version"), 1, "a reader writes nothing");
    db = open_ok(dbpath, false, &sc);
    db_close(&db);
    cr_assert_eq(raw_int(dbpath, "PRAGMA user_version"), 2);
    cr_assert_eq(raw_int(dbpath, "SELECT size FROM items WHERE name = 'nut'"), 1);

    /* and one that really lacks the column gets it */
    remove_db(dbpath);
    raw(dbpath, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); PRAGMA user_version = 1");
    db = open_ok(dbpath, false, &sc);
    add(db, "bolt", 3);
    db_close(&db);
    cr_assert_eq(raw_int(dbpath, "PRAGMA user_version"), 2);
}

/* ---- readers ---------------------------------------------------------------------------- */

Test(db, a_reader_of_a_missing_file_says_who_creates_it_and_creates_nothing) {
    char err[512] = "";
    cr_assert_null(db_open(dbpath, true, &schema, err, sizeof err));
    assert_says(err, dbpath);
    assert_says(err, "no such file");
    assert_says(err, "the item keeper creates the item list");
    cr_assert_neq(access(dbpath, F_OK), 0);
}

Test(db, a_reader_opens_only_the_version_it_reads) {
    char err[512] = "";
    db_t *db;
    raw(dbpath, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); PRAGMA user_version = 1");
    cr_assert_null(db_open(dbpath, true, &schema, err, sizeof err));
    assert_says(err, "schema version 1, this program reads 2");
    assert_says(err, "the item keeper upgrades the item list when it next starts");

    raw(dbpath, "PRAGMA user_version = 0");
    cr_assert_null(db_open(dbpath, true, &schema, err, sizeof err));
    assert_says(err, "not created yet");

    raw(dbpath, "PRAGMA user_version = 3");
    cr_assert_null(db_open(dbpath, true, &schema, err, sizeof err));
    assert_says(err, "schema version 3");

    raw(dbpath, "PRAGMA user_version = 1");
    db = open_ok(dbpath, false, &schema);
    add(db, "bolt", 3);
    db_close(&db);
    db = open_ok(dbpath, true, &schema);
    cr_assert(db_readonly(db));
    cr_assert_eq(db_begin(db), -1, "a reader cannot begin a write");
    assert_says(db_error(db), "read-only");
    {
        sqlite3_stmt *st = db_stmt(db, Q_ADD); /* prepared, but not to be stepped */
        sqlite3_bind_text(st, 1, "nut", -1, SQLITE_STATIC);
        cr_assert_eq(sqlite3_step(st), SQLITE_READONLY);
        sqlite3_reset(st);
    }
    db_close(&db);
    cr_assert_eq(raw_int(dbpath, "SELECT count(*) FROM items"), 1);
}

Test(db, a_file_that_is_no_database_is_refused_and_says_so) {
    char err[512] = "";
    FILE *f = fopen(dbpath, "w");
    cr_assert_not_null(f);
    fputs("name,size\nnut,1\n", f);
    fclose(f);
    cr_assert_null(db_open(dbpath, true, &schema, err, sizeof err));
    assert_says(err, dbpath);
    assert_says(err, "cannot read schema version: file is not a database");
    cr_assert_null(db_open(dbpath, false, &schema, err, sizeof err));
    assert_says(err, dbpath);
    assert_says(err, "not a database");
}

/* ---- kept statements -------------------------------------------------------------------- */

Test(db, a_statement_comes_back_reset_and_unbound) {
    db_t *db = open_ok(dbpath, false, &schema);
    sqlite3_stmt *st;
    add(db, "nut", 1);
    add(db, "bolt", 3);
    st = db_stmt(db, Q_NAMES);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "nut");
    st = db_stmt(db, Q_NAMES); /* left after one row: the next run starts again */
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "nut");
    sqlite3_reset(st);

    st = db_stmt(db, Q_SIZE);
    sqlite3_bind_text(st, 1, "bolt", -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 3);
    st = db_stmt(db, Q_SIZE); /* ?1 is NULL again: no name equals it */
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    db_close(&db);
}

/* The last connection to close a WAL database checkpoints it and removes the -wal file,
 * which SQLite does only if the close really closed: no statement left unfinalized. */
Test(db, close_finalizes_every_statement) {
    char wal[192];
    db_t *db = open_ok(dbpath, false, &schema);
    sqlite3_stmt *st;
    snprintf(wal, sizeof wal, "%s-wal", dbpath);
    add(db, "nut", 1);
    st = db_stmt(db, Q_NAMES);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW); /* even one left mid-run */
    cr_assert_eq(access(wal, F_OK), 0, "the WAL is there while open");
    db_close(&db);
    cr_assert_neq(access(wal, F_OK), 0, "closed for real: the WAL was checkpointed and removed");
}

/* ---- transactions ----------------------------------------------------------------------- */

Test(db, rollback_discards_and_commit_keeps) {
    db_t *db = open_ok(dbpath, false, &schema);
    cr_assert_eq(db_begin(db), 0);
    add(db, "nut", 1);
    cr_assert_eq(db_rollback(db), 0);
    cr_assert_eq(db_rollback(db), 0, "nothing open to roll back is no error");
    cr_assert_eq(db_begin(db), 0);
    add(db, "bolt", 3);
    cr_assert_eq(db_commit(db), 0);
    cr_assert_str_eq(db_error(db), "no error");
    db_close(&db);
    cr_assert_eq(raw_int(dbpath, "SELECT count(*) FROM items"), 1);
    cr_assert_eq(raw_int(dbpath, "SELECT count(*) FROM items WHERE name = 'bolt'"), 1);
}

static int veto(void *arg) {
    (void)arg;
    return 1;
}

Test(db, a_failed_commit_leaves_no_transaction_and_says_why) {
    db_t *db = open_ok(dbpath, false, &schema);
    cr_assert_eq(db_begin(db), 0);
    add(db, "nut", 1);
    sqlite3_commit_hook(db_conn(db), veto, NULL);
    cr_assert_eq(db_commit(db), -1);
    sqlite3_commit_hook(db_conn(db), NULL, NULL);
    cr_assert(sqlite3_get_autocommit(db_conn(db)), "no transaction is open");
    assert_says(db_error(db), dbpath);
    assert_says(db_error(db), "COMMIT");
    cr_assert_eq(db_rollback(db), 0);
    db_close(&db);
    cr_assert_eq(raw_int(dbpath, "SELECT count(*) FROM items"), 0);
}

Test(db, begin_against_another_writer_is_busy) {
    db_t *db = open_ok(dbpath, false, &schema);
    sqlite3 *other;
    cr_assert_eq(sqlite3_open(dbpath, &other), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db_conn(db), 10);
    cr_assert_eq(db_begin(db), -2);
    assert_says(db_error(db), "BEGIN IMMEDIATE");
    assert_says(db_error(db), "locked");
    cr_assert_eq(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    cr_assert_eq(db_begin(db), 0);
    cr_assert_str_eq(db_error(db), "no error", "a success forgets the last failure");
    cr_assert_eq(db_rollback(db), 0);
    db_close(&db);
}
