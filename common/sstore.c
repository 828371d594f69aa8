/* sstore.c - the score store in SQLite (see sstore.h for the tables).
 *
 * Workload: one writer, the scorer, that replaces one period's ranking (a few dozen to a
 * few hundred zones) whenever a report of that period changes, judges stars once a year,
 * and records the rare alert transition; readers (the CLI, the bulletin export) load one
 * period at a time. So it is built like the report store: WAL, synchronous=FULL,
 * numbered migrations, statements prepared once, writes inside the caller's transaction.
 *
 * A ranking's dimension names and a row's dimension subtotals are JSON arrays in one
 * column each, in scheme order: the number of dimensions changes with the year's scheme,
 * and a reader always wants all of them at once. Numbers are written with 17 significant
 * digits and read back with strtod, so a subtotal comes back bit for bit (SQLite's own
 * JSON number conversion is not guaranteed to round correctly). A non-finite number is
 * written as null and read back as NAN. Values that do not apply (an alert's NAN
 * expected, a row's missing previous rank or star) are NULL, so a query reads plainly.
 */
#include "sstore.h"
#include "i18n.h"
#include "json.h"

#include <math.h>
#include <stddef.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "text.h"

static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE ranking_periods ("
    "  period TEXT PRIMARY KEY, year INTEGER NOT NULL, method TEXT NOT NULL,"
    "  computed_at_ms INTEGER NOT NULL, dims TEXT NOT NULL, n_zones INTEGER NOT NULL);"
    "CREATE TABLE rankings ("
    "  period TEXT NOT NULL, zone TEXT NOT NULL, county TEXT NOT NULL, rank INTEGER NOT NULL,"
    "  prev_rank INTEGER, total REAL NOT NULL, dims TEXT NOT NULL, star INTEGER, star_year INTEGER,"
    "  promoted INTEGER NOT NULL, missing TEXT,"
    "  PRIMARY KEY (period, zone)) WITHOUT ROWID;"
    "CREATE TABLE stars ("
    "  year INTEGER NOT NULL, zone TEXT NOT NULL, county TEXT NOT NULL, star INTEGER NOT NULL,"
    "  promoted INTEGER NOT NULL, judged_at_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (year, zone));"
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
    "CREATE INDEX alert_events_by_zone ON alert_events (zone, at_ms);",
    /* 2: facts about the store itself, e.g. when the scorer first started on it */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",
    /* 3: a ranking's period state (核准 / 发布) and version; a published ranking is kept,
     * each published version whole, however the current one changes after an unlock */
    "ALTER TABLE ranking_periods ADD COLUMN state TEXT;"
    "ALTER TABLE ranking_periods ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
    "CREATE TABLE published_periods ("
    "  period TEXT NOT NULL, version INTEGER NOT NULL, method TEXT NOT NULL,"
    "  computed_at_ms INTEGER NOT NULL, dims TEXT NOT NULL, n_zones INTEGER NOT NULL,"
    "  state TEXT, published_at_ms INTEGER NOT NULL, PRIMARY KEY (period, version));"
    "CREATE TABLE published_rankings ("
    "  period TEXT NOT NULL, version INTEGER NOT NULL, zone TEXT NOT NULL, county TEXT NOT NULL,"
    "  rank INTEGER NOT NULL, prev_rank INTEGER, total REAL NOT NULL, dims TEXT NOT NULL, star INTEGER,"
    "  star_year INTEGER, promoted INTEGER NOT NULL, missing TEXT,"
    "  PRIMARY KEY (period, version, zone)) WITHOUT ROWID;",
    /* 4: a zone's stars by zone: the star a ranking shows is looked up per zone and row
     * (sstore_star), which without it scanned every zone's stars — at 10 000 zones half
     * of a year's recompute */
    "CREATE INDEX stars_by_zone ON stars (zone, year);",
    /* 5: a transition's since_ms, so a pass publishes its transitions by reading them back
     * after COMMIT instead of holding every one in memory (a first pass over a province's
     * year raises tens of thousands); and the firing alerts by zone, which a pass reads a
     * range of zones at a time and an incremental pass one zone at a time */
    "ALTER TABLE alert_events ADD COLUMN since_ms INTEGER;"
    "CREATE INDEX alerts_by_zone ON alerts (zone, year);",
};
#define N_MIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

enum {
    Q_LOAD_PERIOD,
    Q_LOAD_ROWS,
    Q_LATEST_PERIOD,
    Q_EACH_PERIOD,
    Q_STAR,
    Q_FIRING,
    Q_GET_META,
    Q_HAS_HISTORY,
    Q_DEL_ROWS,
    Q_DEL_PERIOD,
    Q_PUT_PERIOD,
    Q_INS_ROW,
    Q_UPS_ROW,
    Q_DEL_ROW,
    Q_FIRING_ZONE,
    Q_FIRING_RANGE,
    Q_FIRING_FROM,
    Q_EVENT_TOP,
    Q_TARGET_YEARS,
    Q_EACH_STAR,
    Q_EVENTS_SINCE,
    Q_PUT_STAR,
    Q_REJUDGE_LATER,
    Q_INS_EVENT,
    Q_FIRE,
    Q_CHANGE,
    Q_RESOLVE,
    Q_ADD_META,
    Q_LOAD_PUB_PERIOD,
    Q_LOAD_PUB_ROWS,
    Q_PUB_VERSION,
    Q_ARCHIVE_PERIOD,
    Q_ARCHIVE_ROWS,
    Q_ALERT_HISTORY,
    Q_COUNT
};

#define ALERT_COLS                                                                                           \
    "kind, severity, zone, county, indicator, year, period, value, target, expected, gap,"                   \
    " deadline_ms, message"

static const char *const sql[Q_COUNT] = {
    [Q_LOAD_PERIOD] = "SELECT method, computed_at_ms, dims, state, version FROM ranking_periods WHERE period = ?1",
    [Q_LOAD_ROWS] = "SELECT zone, county, rank, prev_rank, total, dims, star, star_year, promoted, missing"
                    " FROM rankings WHERE period = ?1 ORDER BY rank, zone",
    [Q_LATEST_PERIOD] = "SELECT period FROM ranking_periods ORDER BY period DESC LIMIT 1",
    [Q_EACH_PERIOD] = "SELECT period FROM ranking_periods ORDER BY period",
    [Q_STAR] = "SELECT star, year, promoted FROM stars WHERE zone = ?1 AND year <= ?2"
               " ORDER BY year DESC LIMIT 1",
    [Q_FIRING] = "SELECT " ALERT_COLS ", since_ms FROM alerts"
                 " WHERE (?1 IS NULL OR kind = ?1) AND (?2 = 0 OR year = ?2) ORDER BY akey",
    [Q_FIRING_ZONE] = "SELECT " ALERT_COLS ", since_ms FROM alerts WHERE zone = ?3"
                      " AND (?1 IS NULL OR kind = ?1) AND (?2 = 0 OR year = ?2) ORDER BY akey",
    /* two statements, not "?4 IS NULL OR zone <= ?4": with that OR SQLite cannot take
     * the range from alerts_by_zone and scans every firing alert for each range (at
     * 10 000 zones a seventh of a full pass) */
    [Q_FIRING_RANGE] = "SELECT " ALERT_COLS ", since_ms FROM alerts WHERE zone > ?3 AND zone <= ?4"
                       " AND (?1 IS NULL OR kind = ?1) AND (?2 = 0 OR year = ?2) ORDER BY akey",
    [Q_FIRING_FROM] = "SELECT " ALERT_COLS ", since_ms FROM alerts WHERE zone > ?3"
                      " AND (?1 IS NULL OR kind = ?1) AND (?2 = 0 OR year = ?2) ORDER BY akey",
    [Q_EVENT_TOP] = "SELECT coalesce(max(id), 0) FROM alert_events",
    /* with one max(), SQLite takes the bare columns from the row holding it: each
     * zone's most recent star (over stars_by_zone) */
    [Q_EACH_STAR] = "SELECT zone, star, max(year), promoted FROM stars WHERE year <= ?1"
                    " GROUP BY zone ORDER BY zone",
    [Q_TARGET_YEARS] = "SELECT DISTINCT year FROM alerts WHERE kind <> 'overdue' ORDER BY year",
    [Q_EVENTS_SINCE] = "SELECT " ALERT_COLS ", since_ms, transition, previous, at_ms FROM alert_events"
                       " WHERE id > ?1 ORDER BY id",
    [Q_DEL_ROWS] = "DELETE FROM rankings WHERE period = ?1",
    [Q_DEL_PERIOD] = "DELETE FROM ranking_periods WHERE period = ?1",
    [Q_PUT_PERIOD] = "INSERT OR REPLACE INTO ranking_periods (period, year, method, computed_at_ms, dims,"
                     " n_zones, state, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(?8, 1))",
    [Q_INS_ROW] = "INSERT INTO rankings (period, zone, county, rank, prev_rank, total, dims, star,"
                  " star_year, promoted, missing) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [Q_UPS_ROW] = "INSERT OR REPLACE INTO rankings (period, zone, county, rank, prev_rank, total, dims, star,"
                  " star_year, promoted, missing) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [Q_DEL_ROW] = "DELETE FROM rankings WHERE period = ?1 AND zone = ?2",
    /* promoted: above the best of the earlier years; NULL (no earlier year) is not */
    [Q_PUT_STAR] = "INSERT OR REPLACE INTO stars (year, zone, county, star, promoted, judged_at_ms)"
                   " VALUES (?1, ?2, ?3, ?4, coalesce(?4 > (SELECT max(star) FROM stars"
                   " WHERE zone = ?2 AND year < ?1), 0), ?5)",
    /* a judgement replaced in the past changes what the later years climbed above */
    [Q_REJUDGE_LATER] = "UPDATE stars SET promoted = coalesce(star > (SELECT max(e.star) FROM stars e"
                        " WHERE e.zone = stars.zone AND e.year < stars.year), 0)"
                        " WHERE zone = ?1 AND year > ?2",
    [Q_INS_EVENT] = "INSERT INTO alert_events (" ALERT_COLS ", at_ms, akey, transition, previous, since_ms)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    [Q_FIRE] = "INSERT OR REPLACE INTO alerts (" ALERT_COLS ", since_ms, akey, updated_ms)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    /* a severity change keeps since_ms; a row lost somehow is put back */
    [Q_CHANGE] = "INSERT INTO alerts (" ALERT_COLS ", since_ms, akey, updated_ms)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
                 " ON CONFLICT (akey) DO UPDATE SET severity = excluded.severity,"
                 " county = excluded.county, period = excluded.period, value = excluded.value,"
                 " target = excluded.target, expected = excluded.expected, gap = excluded.gap,"
                 " deadline_ms = excluded.deadline_ms, message = excluded.message,"
                 " updated_ms = excluded.updated_ms",
    [Q_RESOLVE] = "DELETE FROM alerts WHERE akey = ?1",
    [Q_ALERT_HISTORY] = "SELECT at_ms, transition, severity, previous, message FROM alert_events"
                        " WHERE akey = ?1 ORDER BY id DESC LIMIT ?2",
    [Q_GET_META] = "SELECT value FROM meta WHERE key = ?1",
    [Q_HAS_HISTORY] = "SELECT EXISTS (SELECT 1 FROM alert_events) OR EXISTS (SELECT 1 FROM rankings)",
    [Q_ADD_META] = "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
    [Q_LOAD_PUB_PERIOD] = "SELECT method, computed_at_ms, dims, state, version FROM published_periods"
                          " WHERE period = ?1 AND version = ?2",
    [Q_LOAD_PUB_ROWS] = "SELECT zone, county, rank, prev_rank, total, dims, star, star_year, promoted, missing"
                        " FROM published_rankings WHERE period = ?1 AND version = ?2 ORDER BY rank, zone",
    [Q_PUB_VERSION] = "SELECT max(version) FROM published_periods WHERE period = ?1",
    [Q_ARCHIVE_PERIOD] = "INSERT OR IGNORE INTO published_periods (period, version, method, computed_at_ms, dims,"
                         " n_zones, state, published_at_ms) SELECT period, version, method, computed_at_ms, dims,"
                         " n_zones, state, ?2 FROM ranking_periods WHERE period = ?1",
    [Q_ARCHIVE_ROWS] = "INSERT OR REPLACE INTO published_rankings (period, version, zone, county, rank, prev_rank,"
                       " total, dims, star, star_year, promoted, missing) SELECT r.period, p.version, r.zone,"
                       " r.county, r.rank, r.prev_rank, r.total, r.dims, r.star, r.star_year, r.promoted,"
                       " r.missing FROM rankings r JOIN ranking_periods p ON p.period = r.period"
                       " WHERE r.period = ?1",
};

static const db_schema_t schema = {.what = N_("score store"),
                                   .creator = N_("the scorer"),
                                   .migrations = migrations,
                                   .n_migrations = N_MIGRATIONS,
                                   .statements = sql,
                                   .n_statements = Q_COUNT};

struct sstore {
    db_t *h;          /* the handle: connection, statements, transactions */
    sqlite3 *db;      /* h's connection, borrowed */
    const char *path; /* h's path, borrowed */
};

sstore_t *sstore_open(const char *path, bool readonly, char *err, size_t errsz) {
    sstore_t *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errsz, _("out of memory"));
        return NULL;
    }
    if (!(s->h = db_open(path, readonly, &schema, err, errsz))) {
        free(s);
        return NULL;
    }
    s->db = db_conn(s->h);
    s->path = db_path(s->h);
    return s;
}

void sstore_close(sstore_t **sp) {
    if (!sp || !*sp) return;
    db_close(&(*sp)->h);
    free(*sp);
    *sp = NULL;
}

struct sqlite3 *sstore_db(sstore_t *s) {
    return s->db;
}

/* A reader's connection is read-only: say so before a write fails on it. */
static int writable(sstore_t *s) {
    if (!db_readonly(s->h)) return 1;
    log_error(_("%s: opened read-only; cannot write"), s->path);
    return 0;
}

/* A transaction statement's result, its failure logged (the scorer logs no more). */
static int logged(sstore_t *s, int rc) {
    if (rc >= 0) return 0;
    log_error("%s", db_error(s->h));
    return -1;
}

int sstore_begin(sstore_t *s) {
    if (!writable(s)) return -1;
    return logged(s, db_begin(s->h));
}
int sstore_commit(sstore_t *s) {
    return logged(s, db_commit(s->h));
}
int sstore_rollback(sstore_t *s) {
    return db_rollback(s->h);
}

/* Prepares a cached statement for a new run. */
static sqlite3_stmt *q(sstore_t *s, int which) {
    return db_stmt(s->h, which);
}

static int done(sstore_t *s, sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    return 0;
}

/* Ends a scan: rc is the last sqlite3_step result. 0, or -1 (logged). */
static int scanned(sstore_t *s, sqlite3_stmt *st, int rc) {
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return 0;
    log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    return -1;
}

/* Text, NULL when empty. */
static void bind_text(sqlite3_stmt *st, int i, const char *v) {
    if (v && *v) sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* A real, NULL when NAN (or infinite: SQLite has no place for it either). */
static void bind_real(sqlite3_stmt *st, int i, double v) {
    if (isfinite(v)) sqlite3_bind_double(st, i, v);
}

static double column_real(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* Column i's text into out (size > 0), cut to size - 1 bytes; NULL reads as "". Not
 * snprintf: a full pass reads a dozen texts for each of thousands of rows. */
static void column_copy(sqlite3_stmt *st, int i, char *out, size_t size) {
    const unsigned char *t = sqlite3_column_text(st, i);
    text_copy(out, size, t ? (const char *)t : "");
}

/* ---- JSON arrays of names and of numbers (util/json.h) ------------------------------ */

/* 2 brackets, and per name: 2 quotes, a comma, and up to 6 bytes for each of 63 bytes */
#define NAMES_JSON_MAX (2 + RANKING_MAX_DIMS * (3 + 6 * 63) + 1)
/* per number: a comma and at most 24 bytes of "%.17g" ("-2.2250738585072014e-308") */
#define NUMBERS_JSON_MAX (2 + RANKING_MAX_DIMS * 26 + 1)

static void json_names(const ranking_t *r, char out[NAMES_JSON_MAX]) {
    size_t off = 0;
    out[off++] = '[';
    for (size_t i = 0; i < r->n_dims; i++) {
        if (i) out[off++] = ',';
        json_put_string(out, NAMES_JSON_MAX, &off, r->dims[i]);
    }
    out[off++] = ']';
    out[off] = '\0';
}

static void json_numbers(const double *v, size_t n, char out[NUMBERS_JSON_MAX]) {
    json_put_numbers(v, n, out, NUMBERS_JSON_MAX);
}

/* ---- rankings ---------------------------------------------------------------------- */

/* Checks that r's dimensions fit. 0, or -1 (logged). */
static int fits(sstore_t *s, const ranking_t *r) {
    if (r->n_dims <= RANKING_MAX_DIMS) return 0;
    log_error(_("%s: ranking of %s has %zu dimensions, at most %d are kept"), s->path, r->period, r->n_dims,
              RANKING_MAX_DIMS);
    return -1;
}

/* Writes r's period row. 0 or -1. */
static int put_period(sstore_t *s, const ranking_t *r) {
    char names[NAMES_JSON_MAX];
    sqlite3_stmt *st = q(s, Q_PUT_PERIOD);
    json_names(r, names);
    sqlite3_bind_text(st, 1, r->period, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, atoi(r->period)); /* "YYYY-MM" */
    sqlite3_bind_text(st, 3, r->method, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, r->computed_at_ms);
    sqlite3_bind_text(st, 5, names, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)r->n_rows);
    if (approval_state_name(r->state)) sqlite3_bind_text(st, 7, approval_state_name(r->state), -1, SQLITE_STATIC);
    if (r->version) sqlite3_bind_int64(st, 8, r->version);
    return done(s, st);
}

/* Writes one of r's rows with statement which (Q_INS_ROW or Q_UPS_ROW). 0 or -1. */
static int put_row(sstore_t *s, int which, const ranking_t *r, const ranking_row_t *row) {
    char numbers[NUMBERS_JSON_MAX];
    sqlite3_stmt *st = q(s, which);
    json_numbers(row->dims, r->n_dims, numbers);
    sqlite3_bind_text(st, 1, r->period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, row->zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, row->county, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, row->rank);
    if (row->prev_rank) sqlite3_bind_int(st, 5, row->prev_rank);
    sqlite3_bind_double(st, 6, row->total);
    sqlite3_bind_text(st, 7, numbers, -1, SQLITE_STATIC);
    if (row->star != RANKING_STAR_NONE) sqlite3_bind_int(st, 8, row->star);
    if (row->star_year) sqlite3_bind_int(st, 9, row->star_year);
    sqlite3_bind_int(st, 10, row->promoted);
    bind_text(st, 11, row->missing);
    return done(s, st);
}

int sstore_put_ranking(sstore_t *s, const ranking_t *r) {
    sqlite3_stmt *st;
    if (!writable(s) || fits(s, r) < 0) return -1;
    st = q(s, Q_DEL_ROWS);
    sqlite3_bind_text(st, 1, r->period, -1, SQLITE_STATIC);
    if (done(s, st) < 0 || put_period(s, r) < 0) return -1;
    for (size_t i = 0; i < r->n_rows; i++)
        if (put_row(s, Q_INS_ROW, r, &r->rows[i]) < 0) return -1;
    return 0;
}

/* The same double as stored: equal, or both NAN (a subtotal stored as null). */
static bool same_double(double a, double b) {
    return a == b || (isnan(a) && isnan(b));
}

/* The same row as stored: every column equal, the doubles to the bit (what is stored
 * is what was bound: SQLite keeps a REAL exactly, and "%.17g" reads back exactly). */
static bool same_row(const ranking_row_t *a, const ranking_row_t *b, size_t n_dims) {
    if (strcmp(a->zone, b->zone) || strcmp(a->county, b->county) || a->rank != b->rank ||
        a->prev_rank != b->prev_rank || !same_double(a->total, b->total) || a->star != b->star ||
        a->star_year != b->star_year || a->promoted != b->promoted || strcmp(a->missing, b->missing))
        return false;
    for (size_t d = 0; d < n_dims; d++)
        if (!same_double(a->dims[d], b->dims[d])) return false;
    return true;
}

static int by_zone(const void *a, const void *b) {
    return strcmp((*(const ranking_row_t *const *)a)->zone, (*(const ranking_row_t *const *)b)->zone);
}

int sstore_update_ranking(sstore_t *s, const ranking_t *old, const ranking_t *r, size_t *n_written) {
    const ranking_row_t **was = NULL, **now = NULL;
    size_t i = 0, j = 0, written = 0;
    int rc = -1;
    if (n_written) *n_written = 0;
    if (!old || old->n_rows == 0 || old->n_dims != r->n_dims) {
        if (sstore_put_ranking(s, r) < 0) return -1;
        if (n_written) *n_written = r->n_rows;
        return 0;
    }
    if (!writable(s) || fits(s, r) < 0) return -1;
    was = malloc(old->n_rows * sizeof *was);
    now = malloc((r->n_rows ? r->n_rows : 1) * sizeof *now);
    if (!was || !now) {
        log_error(_("%s: ranking of %s: out of memory"), s->path, r->period);
        goto done;
    }
    for (size_t k = 0; k < old->n_rows; k++)
        was[k] = &old->rows[k];
    for (size_t k = 0; k < r->n_rows; k++)
        now[k] = &r->rows[k];
    qsort(was, old->n_rows, sizeof *was, by_zone);
    qsort(now, r->n_rows, sizeof *now, by_zone);
    if (put_period(s, r) < 0) goto done;
    /* a merge of the two by zone: a zone gone is deleted, a new or changed row written */
    while (i < old->n_rows || j < r->n_rows) {
        int c = i == old->n_rows ? 1 : j == r->n_rows ? -1 : strcmp(was[i]->zone, now[j]->zone);
        if (c < 0) {
            sqlite3_stmt *st = q(s, Q_DEL_ROW);
            sqlite3_bind_text(st, 1, r->period, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, was[i]->zone, -1, SQLITE_STATIC);
            if (done(s, st) < 0) goto done;
            i++;
            written++;
            continue;
        }
        if (c > 0 || !same_row(was[i], now[j], r->n_dims)) {
            if (put_row(s, Q_UPS_ROW, r, now[j]) < 0) goto done;
            written++;
        }
        if (c == 0) i++;
        j++;
    }
    if (n_written) *n_written = written;
    rc = 0;
done:
    free(was);
    free(now);
    return rc;
}

int sstore_delete_ranking(sstore_t *s, const char *period) {
    sqlite3_stmt *st;
    if (!writable(s)) return -1;
    st = q(s, Q_DEL_ROWS);
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    if (done(s, st) < 0) return -1;
    st = q(s, Q_DEL_PERIOD);
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    return done(s, st);
}

/* Loads a ranking with the statements q_period and q_rows (?1 the period, ?2 the
 * version when version is not 0): sstore_load_ranking's answer. */
static int load_ranking(sstore_t *s, int q_period, int q_rows, const char *period, uint32_t version,
                        ranking_t *out) {
    sqlite3_stmt *st = q(s, q_period);
    int rc, n;
    memset(out, 0, sizeof *out);
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    if (version) sqlite3_bind_int64(st, 2, version);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return scanned(s, st, rc);
    snprintf(out->period, sizeof out->period, "%s", period);
    column_copy(st, 0, out->method, sizeof out->method);
    out->computed_at_ms = sqlite3_column_int64(st, 1);
    n = json_get_array((const char *)sqlite3_column_text(st, 2), out->dims, NULL, RANKING_MAX_DIMS);
    out->state = approval_state_parse((const char *)sqlite3_column_text(st, 3));
    out->version = (uint32_t)sqlite3_column_int64(st, 4);
    sqlite3_reset(st);
    if (n < 0) {
        log_error(_("%s: ranking of %s: dimension names are not a JSON array of at most %d strings"), s->path,
                  period, RANKING_MAX_DIMS);
        return -1;
    }
    out->n_dims = (size_t)n;

    st = q(s, q_rows);
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    if (version) sqlite3_bind_int64(st, 2, version);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ranking_row_t row;
        memset(&row, 0, sizeof row);
        column_copy(st, 0, row.zone, sizeof row.zone);
        column_copy(st, 1, row.county, sizeof row.county);
        row.rank = sqlite3_column_int(st, 2);
        row.prev_rank = sqlite3_column_int(st, 3); /* NULL reads as 0 */
        row.total = sqlite3_column_double(st, 4);
        n = json_get_array((const char *)sqlite3_column_text(st, 5), NULL, row.dims, RANKING_MAX_DIMS);
        if (n != (int)out->n_dims) {
            log_error(_("%s: ranking of %s, zone %s: subtotals are not a JSON array of %zu numbers"), s->path,
                      period, row.zone, out->n_dims);
            goto fail;
        }
        row.star = sqlite3_column_type(st, 6) == SQLITE_NULL ? RANKING_STAR_NONE : sqlite3_column_int(st, 6);
        row.star_year = sqlite3_column_int(st, 7);
        row.promoted = sqlite3_column_int(st, 8) != 0;
        column_copy(st, 9, row.missing, sizeof row.missing);
        if (!ranking_add_row(out, &row)) {
            log_error(_("%s: ranking of %s: out of memory or more than %d rows"), s->path, period,
                      RANKING_MAX_ROWS);
            goto fail;
        }
    }
    if (scanned(s, st, rc) < 0) {
        ranking_clear(out);
        return -1;
    }
    return 1;
fail:
    sqlite3_reset(st);
    ranking_clear(out);
    return -1;
}

int sstore_load_ranking(sstore_t *s, const char *period, ranking_t *out) {
    return load_ranking(s, Q_LOAD_PERIOD, Q_LOAD_ROWS, period, 0, out);
}

int sstore_load_published(sstore_t *s, const char *period, uint32_t version, ranking_t *out) {
    if (!version) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    return load_ranking(s, Q_LOAD_PUB_PERIOD, Q_LOAD_PUB_ROWS, period, version, out);
}

int sstore_published_version(sstore_t *s, const char *period, uint32_t *version) {
    sqlite3_stmt *st = q(s, Q_PUB_VERSION);
    int rc;
    *version = 0;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *version = (uint32_t)sqlite3_column_int64(st, 0); /* NULL (none) reads as 0 */
        rc = sqlite3_step(st);
    }
    if (scanned(s, st, rc) < 0) return -1;
    return *version ? 1 : 0;
}

int sstore_archive_published(sstore_t *s, const char *period, int64_t now_ms) {
    sqlite3_stmt *st;
    if (!writable(s)) return -1;
    st = q(s, Q_ARCHIVE_PERIOD);
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    if (done(s, st) < 0) return -1;
    /* a version published already (its state heard again) is kept whole, date and rows */
    if (sqlite3_changes(s->db) == 0) return 0;
    st = q(s, Q_ARCHIVE_ROWS);
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    return done(s, st);
}

int sstore_latest_period(sstore_t *s, char out[PERIOD_STRLEN]) {
    sqlite3_stmt *st = q(s, Q_LATEST_PERIOD);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return scanned(s, st, rc);
    column_copy(st, 0, out, PERIOD_STRLEN);
    sqlite3_reset(st);
    return 1;
}

int sstore_each_period(sstore_t *s, void (*fn)(const char *period, void *arg), void *arg) {
    sqlite3_stmt *st = q(s, Q_EACH_PERIOD);
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn((const char *)sqlite3_column_text(st, 0), arg);
        n++;
    }
    return scanned(s, st, rc) < 0 ? -1 : n;
}

/* ---- stars ---------------------------------------------------------------------------- */

int sstore_put_star(sstore_t *s, int year, const char *zone, const char *county, int star, int64_t now_ms) {
    sqlite3_stmt *st;
    if (!writable(s)) return -1;
    st = q(s, Q_PUT_STAR);
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, county, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, star);
    sqlite3_bind_int64(st, 5, now_ms);
    if (done(s, st) < 0) return -1;
    st = q(s, Q_REJUDGE_LATER);
    sqlite3_bind_text(st, 1, zone, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    return done(s, st);
}

int sstore_star(sstore_t *s, const char *zone, int year, int *star, int *star_year, bool *promoted) {
    sqlite3_stmt *st = q(s, Q_STAR);
    int rc;
    sqlite3_bind_text(st, 1, zone, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return scanned(s, st, rc);
    *star = sqlite3_column_int(st, 0);
    *star_year = sqlite3_column_int(st, 1);
    *promoted = sqlite3_column_int(st, 2) != 0;
    sqlite3_reset(st);
    return 1;
}

int sstore_star_shown(sstore_t *s, const char *zone, int year, int month, int *star, int *star_year,
                      bool *promoted) {
    return sstore_star(s, zone, month == 12 ? year : year - 1, star, star_year, promoted);
}

int sstore_each_star(sstore_t *s, int year, sstore_star_fn fn, void *arg) {
    sqlite3_stmt *st = q(s, Q_EACH_STAR);
    int rc, n = 0;
    sqlite3_bind_int(st, 1, year);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
           sqlite3_column_int(st, 3) != 0, arg);
        n++;
    }
    return scanned(s, st, rc) < 0 ? -1 : n;
}

/* ---- alerts ---------------------------------------------------------------------------- */

/* Binds ALERT_COLS as ?1 … ?13. */
static void bind_alert(sqlite3_stmt *st, const alert_t *a) {
    sqlite3_bind_text(st, 1, alert_kind_name(a->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, severity_name(a->severity), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->county, -1, SQLITE_STATIC);
    bind_text(st, 5, a->indicator);
    sqlite3_bind_int(st, 6, a->year);
    bind_text(st, 7, a->period);
    bind_real(st, 8, a->value);
    bind_real(st, 9, a->target);
    bind_real(st, 10, a->expected);
    bind_real(st, 11, a->gap);
    if (a->deadline_ms) sqlite3_bind_int64(st, 12, a->deadline_ms);
    bind_text(st, 13, a->message);
}

/* One row of ALERT_COLS, since_ms (columns 0..13) into *a, transition TR_ACTIVE. 0, or
 * -1 (logged) for a kind or severity this version does not know. */
static int read_alert(sstore_t *s, sqlite3_stmt *st, alert_t *a) {
    int k = alert_kind_parse((const char *)sqlite3_column_text(st, 0));
    int sev = severity_parse((const char *)sqlite3_column_text(st, 1));
    memset(a, 0, offsetof(alert_t, message));
    a->message[0] = '\0';
    a->transition = TR_ACTIVE;
    a->previous = SEV_NONE;
    a->at_ms = 0;
    if (k < 0 || sev < 0) {
        log_error(_("%s: alert %s/%s: unknown kind or severity \"%s\""), s->path,
                  (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 2),
                  (const char *)sqlite3_column_text(st, 1));
        return -1;
    }
    a->kind = (alert_kind_t)k;
    a->severity = (severity_t)sev;
    column_copy(st, 2, a->zone, sizeof a->zone);
    column_copy(st, 3, a->county, sizeof a->county);
    column_copy(st, 4, a->indicator, sizeof a->indicator);
    a->year = sqlite3_column_int(st, 5);
    column_copy(st, 6, a->period, sizeof a->period);
    a->value = column_real(st, 7);
    a->target = column_real(st, 8);
    a->expected = column_real(st, 9);
    a->gap = column_real(st, 10);
    a->deadline_ms = sqlite3_column_int64(st, 11);
    column_copy(st, 12, a->message, sizeof a->message);
    a->since_ms = sqlite3_column_int64(st, 13);
    return 0;
}

/* The firing alerts st selects (kind ?1, year ?2), appended to out. */
static int alerts_firing(sstore_t *s, sqlite3_stmt *st, int kind, int year, alert_list_t *out) {
    int rc;
    if (kind >= 0) sqlite3_bind_text(st, 1, alert_kind_name((alert_kind_t)kind), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        alert_t *a;
        if (!(a = alert_list_add(out, NULL))) {
            log_error(_("%s: out of memory listing alerts"), s->path);
            sqlite3_reset(st);
            return -1;
        }
        if (read_alert(s, st, a) < 0) {
            out->n--;
            sqlite3_reset(st);
            return -1;
        }
    }
    return scanned(s, st, rc);
}

int sstore_alerts_firing(sstore_t *s, int kind, int year, alert_list_t *out) {
    return alerts_firing(s, q(s, Q_FIRING), kind, year, out);
}

int sstore_alerts_firing_of(sstore_t *s, const char *zone, int kind, int year, alert_list_t *out) {
    sqlite3_stmt *st = q(s, Q_FIRING_ZONE);
    sqlite3_bind_text(st, 3, zone, -1, SQLITE_STATIC);
    return alerts_firing(s, st, kind, year, out);
}

int sstore_alerts_firing_between(sstore_t *s, const char *after, const char *upto, int kind, int year,
                                 alert_list_t *out) {
    sqlite3_stmt *st = q(s, upto ? Q_FIRING_RANGE : Q_FIRING_FROM);
    sqlite3_bind_text(st, 3, after ? after : "", -1, SQLITE_STATIC);
    if (upto) sqlite3_bind_text(st, 4, upto, -1, SQLITE_STATIC);
    return alerts_firing(s, st, kind, year, out);
}

int sstore_each_target_year(sstore_t *s, void (*fn)(int year, void *arg), void *arg) {
    sqlite3_stmt *st = q(s, Q_TARGET_YEARS);
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(sqlite3_column_int(st, 0), arg);
        n++;
    }
    return scanned(s, st, rc) < 0 ? -1 : n;
}

int sstore_event_top(sstore_t *s, int64_t *id) {
    sqlite3_stmt *st = q(s, Q_EVENT_TOP);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        scanned(s, st, rc); /* logs the error; an aggregate always has its one row */
        return -1;
    }
    *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

int sstore_each_event_since(sstore_t *s, int64_t after_id, sstore_alert_fn fn, void *arg) {
    sqlite3_stmt *st = q(s, Q_EVENTS_SINCE);
    alert_t a;
    int rc, n = 0;
    sqlite3_bind_int64(st, 1, after_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int tr = transition_parse((const char *)sqlite3_column_text(st, 14));
        int prev = severity_parse((const char *)sqlite3_column_text(st, 15));
        if (tr < 0 || prev < 0) {
            log_error(_("%s: alert event of %s: unknown transition or severity"), s->path,
                      (const char *)sqlite3_column_text(st, 2));
            sqlite3_reset(st);
            return -1;
        }
        if (read_alert(s, st, &a) < 0) { /* logged */
            sqlite3_reset(st);
            return -1;
        }
        a.transition = (transition_t)tr;
        a.previous = (severity_t)prev;
        a.at_ms = sqlite3_column_int64(st, 16);
        fn(&a, arg);
        n++;
    }
    return scanned(s, st, rc) < 0 ? -1 : n;
}

int sstore_alert_history(sstore_t *s, const char *key, int limit, sstore_history_fn fn, void *arg) {
    sqlite3_stmt *st = q(s, Q_ALERT_HISTORY);
    int rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *tr = (const char *)sqlite3_column_text(st, 1), *sev = (const char *)sqlite3_column_text(st, 2);
        const char *prev = (const char *)sqlite3_column_text(st, 3), *msg = (const char *)sqlite3_column_text(st, 4);
        fn(sqlite3_column_int64(st, 0), tr ? tr : "", sev ? sev : "", prev ? prev : "", msg ? msg : "", arg);
    }
    return scanned(s, st, rc);
}

int sstore_record_transition(sstore_t *s, const alert_t *a) {
    char key[ALERT_KEY_LEN];
    sqlite3_stmt *st;
    if (!writable(s)) return -1;
    if (a->transition < TR_NONE || a->transition > TR_RESOLVED) {
        log_error(_("%s: %s is not a transition to record"), s->path, transition_name(a->transition));
        return -1;
    }
    alert_key(a, key);
    if (a->transition != TR_NONE) { /* TR_NONE: fresh figures, same severity: no event */
        st = q(s, Q_INS_EVENT);
        bind_alert(st, a);
        sqlite3_bind_int64(st, 14, a->at_ms);
        sqlite3_bind_text(st, 15, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 16, transition_name(a->transition), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 17, severity_name(a->previous), -1, SQLITE_STATIC);
        if (a->since_ms) sqlite3_bind_int64(st, 18, a->since_ms); /* read back as it was given */
        if (done(s, st) < 0) return -1;
    }

    if (a->transition == TR_RESOLVED) {
        st = q(s, Q_RESOLVE);
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        return done(s, st);
    }
    st = q(s, a->transition == TR_FIRING ? Q_FIRE : Q_CHANGE);
    bind_alert(st, a);
    sqlite3_bind_int64(st, 14, a->since_ms ? a->since_ms : a->at_ms);
    sqlite3_bind_text(st, 15, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 16, a->at_ms);
    return done(s, st);
}

/* ---- facts about the store ----------------------------------------------------------- */

int sstore_get_meta(sstore_t *s, const char *key, char *out, size_t size) {
    sqlite3_stmt *st = q(s, Q_GET_META);
    int rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return scanned(s, st, rc);
    column_copy(st, 0, out, size);
    sqlite3_reset(st);
    return 1;
}

int sstore_has_history(sstore_t *s) {
    sqlite3_stmt *st = q(s, Q_HAS_HISTORY);
    int rc = sqlite3_step(st), has;
    if (rc != SQLITE_ROW) return scanned(s, st, rc);
    has = sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    return has;
}

int sstore_add_meta(sstore_t *s, const char *key, const char *value) {
    sqlite3_stmt *st;
    if (!writable(s)) return -1;
    st = q(s, Q_ADD_META);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return done(s, st);
}
