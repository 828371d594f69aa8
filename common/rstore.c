/* rstore.c - the report store in SQLite (see rstore.h for the tables).
 *
 * Workload: one writer that commits batches of a few to a few hundred reports of ~15
 * values each, month after month, and readers that scan one period at a time. So keys
 * lead with the period (appends, not scattered page splits), statements are prepared
 * once, and every revision's full content is kept as one canonical blob in
 * report_history rather than a second copy of every value row: the blob is the audit
 * record (decodable with codec.h), the current tables are what queries read.
 */
#include "rstore.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "i18n.h"
#include "log.h"
#include "text.h"

static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE reports ("
    "  period TEXT NOT NULL, zone TEXT NOT NULL, revision INTEGER NOT NULL,"
    "  county TEXT NOT NULL, history_id INTEGER NOT NULL, stored_at_ms INTEGER NOT NULL,"
    "  problems TEXT, next_steps TEXT,"
    "  PRIMARY KEY (period, zone)) WITHOUT ROWID;"
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
    "CREATE TABLE issues ("
    "  history_id INTEGER NOT NULL, line INTEGER, field TEXT, message TEXT NOT NULL);"
    "CREATE INDEX issues_by_history ON issues (history_id);"
    "CREATE TABLE rejections ("
    "  id INTEGER PRIMARY KEY, county TEXT NOT NULL, zone TEXT, period TEXT,"
    "  revision INTEGER, source TEXT, received_at_ms INTEGER NOT NULL, reasons TEXT NOT NULL);",
    /* 2: a value's 说明 (the reporter's explanation of a figure a soft check questioned) */
    "ALTER TABLE report_values ADD COLUMN note TEXT;",
    /* 3: key enterprises (重点企业运行), the rows of every revision: the current ones are
     * those of reports.history_id */
    "CREATE TABLE enterprises ("
    "  history_id INTEGER NOT NULL, period TEXT NOT NULL, zone TEXT NOT NULL,"
    "  revision INTEGER NOT NULL, code TEXT NOT NULL, name TEXT, industry TEXT,"
    "  output_value REAL, output_growth_pct REAL, revenue REAL, revenue_growth_pct REAL,"
    "  status TEXT NOT NULL, remark TEXT, line INTEGER,"
    "  PRIMARY KEY (history_id, code)) WITHOUT ROWID;"
    "CREATE INDEX enterprises_by_key ON enterprises (period, zone, revision);",
    /* 4: a period's approval (核准 / 发布): every transition, who made it, when and why;
     * the current state of a scope (period, county; "" = the city) is its last row */
    "CREATE TABLE period_transitions ("
    "  id INTEGER PRIMARY KEY, period TEXT NOT NULL, county TEXT NOT NULL, action TEXT NOT NULL,"
    "  from_state TEXT NOT NULL, to_state TEXT NOT NULL, actor TEXT NOT NULL, actor_key TEXT NOT NULL,"
    "  at_ms INTEGER NOT NULL, comment TEXT, reason TEXT);"
    "CREATE INDEX period_transitions_by_scope ON period_transitions (period, county, id);",
};
#define N_MIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

enum {
    Q_CURRENT_REV,
    Q_REV_CONTENT,
    Q_INS_HISTORY,
    Q_DEL_VALUES,
    Q_DEL_PROJECTS,
    Q_INS_PROJECT,
    Q_UPSERT_REPORT,
    Q_INS_ISSUE,
    Q_INS_REJECTION,
    Q_LOAD_VALUES,
    Q_EACH_VALUE,
    Q_EACH_REPORT,
    Q_EACH_VALUE_OF,
    Q_EACH_REPORT_OF,
    Q_LOAD_TEXTS,
    Q_LOAD_PROJECTS,
    Q_INS_ENTERPRISE,
    Q_COUNT
};

static const char *const sql[Q_COUNT] = {
    [Q_CURRENT_REV] = "SELECT revision FROM reports WHERE period = ?1 AND zone = ?2",
    [Q_REV_CONTENT] = "SELECT content, stored_at_ms FROM report_history"
                      " WHERE period = ?1 AND zone = ?2 AND revision = ?3",
    [Q_INS_HISTORY] = "INSERT INTO report_history (period, zone, revision, county, sender, source,"
                      " stored_at_ms, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_DEL_VALUES] = "DELETE FROM report_values WHERE period = ?1 AND zone = ?2",
    [Q_DEL_PROJECTS] = "DELETE FROM projects WHERE period = ?1 AND zone = ?2",
    [Q_INS_PROJECT] = "INSERT INTO projects (period, zone, code, name, total_investment,"
                      " ytd_investment, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [Q_UPSERT_REPORT] = "INSERT OR REPLACE INTO reports (period, zone, revision, county, history_id,"
                        " stored_at_ms, problems, next_steps) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_INS_ISSUE] = "INSERT INTO issues (history_id, line, field, message) VALUES (?1, ?2, ?3, ?4)",
    [Q_INS_REJECTION] = "INSERT INTO rejections (county, zone, period, revision, source,"
                        " received_at_ms, reasons) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [Q_LOAD_VALUES] = "SELECT indicator, amount, growth_pct, note, revision FROM report_values"
                      " WHERE period = ?1 AND zone = ?2 ORDER BY indicator",
    [Q_EACH_VALUE] = "SELECT zone, indicator, amount, growth_pct FROM report_values"
                     " WHERE period = ?1 ORDER BY zone, indicator",
    [Q_EACH_REPORT] = "SELECT zone, revision, county, stored_at_ms FROM reports"
                      " WHERE period = ?1 ORDER BY zone",
    [Q_EACH_VALUE_OF] = "SELECT zone, indicator, amount, growth_pct FROM report_values"
                        " WHERE period = ?1 AND zone = ?2 ORDER BY indicator",
    [Q_EACH_REPORT_OF] = "SELECT zone, revision, county, stored_at_ms FROM reports"
                         " WHERE period = ?1 AND zone = ?2",
    [Q_LOAD_TEXTS] = "SELECT problems, next_steps FROM reports WHERE period = ?1 AND zone = ?2",
    [Q_LOAD_PROJECTS] = "SELECT code, name, total_investment, ytd_investment, status FROM projects"
                        " WHERE period = ?1 AND zone = ?2 ORDER BY code",
    [Q_INS_ENTERPRISE] = "INSERT INTO enterprises (period, zone, history_id, revision, code, name, industry,"
                         " output_value, output_growth_pct, revenue, revenue_growth_pct, status, remark, line)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
};

static const db_schema_t schema = {.what = N_("report store"),
                                   .creator = N_("the aggregator"),
                                   .migrations = migrations,
                                   .n_migrations = N_MIGRATIONS,
                                   .writer_pragmas = "PRAGMA foreign_keys = ON",
                                   .statements = sql,
                                   .n_statements = Q_COUNT};

#define VALUES_AT_ONCE 32

struct rstore {
    db_t *h;          /* the handle: connection, statements, transactions */
    sqlite3 *db;      /* h's connection, borrowed */
    const char *path; /* h's path, borrowed */
    /* The writer's hint: inside the open write transaction, the last lookup of a current
     * revision found none for (absent_period, absent_zone), and nothing was written since.
     * rstore_apply of that key then skips deleting the rows a first revision cannot
     * have (two B-tree seeks of ~18 statements a report). "" when none. */
    char absent_period[PERIOD_STRLEN];
    char absent_zone[ZONE_CODE_SIZE];
    int wal_pages; /* rstore_defer_checkpoints: the log's size after the last commit */
    /* INSERTs of n value rows in one statement (n = 1..VALUES_AT_ONCE), prepared when
     * first needed: one statement run per report instead of one per value saves the
     * per-run cost (bind, step, reset, the program's start) of all but one */
    sqlite3_stmt *ins_values[VALUES_AT_ONCE + 1];
};

static void hint_clear(rstore_t *s) {
    s->absent_period[0] = s->absent_zone[0] = '\0';
}

/* Notes that (period, zone) has no current report, inside a write transaction only. */
static void hint_absent(rstore_t *s, const char *period, const char *zone) {
    if (db_readonly(s->h) || sqlite3_get_autocommit(s->db) || strlen(period) >= sizeof s->absent_period ||
        strlen(zone) >= sizeof s->absent_zone) {
        hint_clear(s);
        return;
    }
    memcpy(s->absent_period, period, strlen(period) + 1);
    memcpy(s->absent_zone, zone, strlen(zone) + 1);
}

static bool hinted_absent(const rstore_t *s, const char *period, const char *zone) {
    return s->absent_zone[0] && strcmp(s->absent_zone, zone) == 0 && strcmp(s->absent_period, period) == 0;
}

rstore_t *rstore_open(const char *path, bool readonly, char *err, size_t errsz) {
    rstore_t *s = calloc(1, sizeof *s);
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

void rstore_close(rstore_t **sp) {
    if (!sp || !*sp) return;
    for (int n = 0; n <= VALUES_AT_ONCE; n++)
        sqlite3_finalize((*sp)->ins_values[n]);
    db_close(&(*sp)->h);
    free(*sp);
    *sp = NULL;
}

sqlite3 *rstore_db(rstore_t *s) {
    return s->db;
}

int rstore_begin(rstore_t *s) {
    hint_clear(s);
    return db_begin(s->h);
}
int rstore_commit(rstore_t *s) {
    hint_clear(s);
    return db_commit(s->h);
}
int rstore_rollback(rstore_t *s) {
    hint_clear(s);
    return db_rollback(s->h);
}
void rstore_set_busy_timeout(rstore_t *s, int ms) {
    sqlite3_busy_timeout(s->db, ms);
}
const char *rstore_error(const rstore_t *s) {
    return db_error(s->h);
}

/* SQLite's WAL hook, in place of its automatic checkpoint: only notes the log's size. */
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int pages) {
    (void)db;
    (void)name;
    ((rstore_t *)arg)->wal_pages = pages;
    return SQLITE_OK;
}

void rstore_defer_checkpoints(rstore_t *s) {
    sqlite3_wal_hook(s->db, on_wal_commit, s);
}

int rstore_wal_pages(const rstore_t *s) {
    return s->wal_pages;
}

int rstore_checkpoint(rstore_t *s) {
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (rc == SQLITE_OK || rc == SQLITE_BUSY) return 0; /* BUSY: another checkpoint is running */
    log_error(_("%s: checkpoint: %s"), s->path, sqlite3_errmsg(s->db));
    return -1;
}

/* Prepares a cached statement for a new run. */
static sqlite3_stmt *q(rstore_t *s, int which) {
    return db_stmt(s->h, which);
}

/* A cached statement whose ?1 and ?2 are the report's period and zone. */
static sqlite3_stmt *keyed(rstore_t *s, int which, const char *period, const char *zone) {
    sqlite3_stmt *st = q(s, which);
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
    return st;
}

static int done(rstore_t *s, sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v) {
    if (v && *v) sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

int rstore_current_revision(rstore_t *s, const char *zone, const char *period, uint32_t *revision) {
    sqlite3_stmt *st = keyed(s, Q_CURRENT_REV, period, zone);
    int rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *revision = (uint32_t)sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return 1;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) {
        hint_absent(s, period, zone);
        return 0;
    }
    log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    return -1;
}

int rstore_revision_content(rstore_t *s, const char *zone, const char *period, uint32_t revision,
                            uint8_t **content, size_t *len, int64_t *stored_at_ms) {
    sqlite3_stmt *st = keyed(s, Q_REV_CONTENT, period, zone);
    int rc;
    sqlite3_bind_int64(st, 3, revision);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        const void *p = sqlite3_column_blob(st, 0);
        *content = malloc(n > 0 ? (size_t)n : 1);
        if (!*content) {
            sqlite3_reset(st);
            return -1;
        }
        if (n > 0) memcpy(*content, p, (size_t)n);
        *len = (size_t)n;
        if (stored_at_ms) *stored_at_ms = sqlite3_column_int64(st, 1);
        sqlite3_reset(st);
        return 1;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return 0;
    log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    return -1;
}

/* A reader's connection is read-only: say so before a write fails on it. */
static int writable(rstore_t *s) {
    if (!db_readonly(s->h)) return 1;
    log_error(_("%s: opened read-only; cannot write"), s->path);
    return 0;
}

/* The enterprise rows of revision hid of r: kept for every revision, never replaced. */
static int store_enterprises(rstore_t *s, const report_t *r, sqlite3_int64 hid) {
    for (size_t i = 0; i < r->n_enterprises; i++) {
        const enterprise_t *e = &r->enterprises[i];
        sqlite3_stmt *st = keyed(s, Q_INS_ENTERPRISE, r->period, r->zone);
        sqlite3_bind_int64(st, 3, hid);
        sqlite3_bind_int64(st, 4, r->revision);
        sqlite3_bind_text(st, 5, e->code, -1, SQLITE_STATIC);
        bind_text(st, 6, e->name);
        bind_text(st, 7, e->industry);
        if (e->has_output) sqlite3_bind_double(st, 8, e->output_value);
        if (e->has_output_growth) sqlite3_bind_double(st, 9, e->output_growth_pct);
        if (e->has_revenue) sqlite3_bind_double(st, 10, e->revenue);
        if (e->has_revenue_growth) sqlite3_bind_double(st, 11, e->revenue_growth_pct);
        sqlite3_bind_text(st, 12, e->status, -1, SQLITE_STATIC);
        bind_text(st, 13, e->remark);
        if (e->line) sqlite3_bind_int64(st, 14, e->line);
        if (done(s, st) < 0) return -1;
    }
    return 0;
}

/* The INSERT of n value rows (1..VALUES_AT_ONCE) of one report, reset and cleared:
 * ?1 period, ?2 zone, ?3 revision, then per row indicator, amount, growth_pct, note.
 * NULL (logged) when it cannot be prepared. */
static sqlite3_stmt *values_insert(rstore_t *s, int n) {
    sqlite3_stmt *st = s->ins_values[n];
    if (!st) {
        char text[96 + VALUES_AT_ONCE * 48];
        int off = snprintf(text, sizeof text,
                           "INSERT INTO report_values (period, zone, indicator, amount,"
                           " growth_pct, revision, note) VALUES ");
        for (int k = 0, at = 4; k < n; k++, at += 4)
            off += snprintf(text + off, sizeof text - (size_t)off, "%s(?1, ?2, ?%d, ?%d, ?%d, ?3, ?%d)",
                            k ? ", " : "", at, at + 1, at + 2, at + 3);
        if (sqlite3_prepare_v3(s->db, text, -1, SQLITE_PREPARE_PERSISTENT, &s->ins_values[n], NULL) !=
            SQLITE_OK) {
            log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
            return NULL;
        }
        return s->ins_values[n];
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

int rstore_apply(rstore_t *s, const report_t *r, const char *county, const char *sender,
                 const uint8_t *content, size_t content_len, const diag_list_t *warnings, int64_t now_ms) {
    sqlite3_stmt *st;
    sqlite3_int64 hid;
    bool first = hinted_absent(s, r->period, r->zone); /* no rows of the key to delete */
    if (!writable(s)) return -1;
    hint_clear(s);
    st = keyed(s, Q_INS_HISTORY, r->period, r->zone);
    sqlite3_bind_int64(st, 3, r->revision);
    sqlite3_bind_text(st, 4, county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, sender, -1, SQLITE_STATIC);
    bind_text(st, 6, r->source);
    sqlite3_bind_int64(st, 7, now_ms);
    sqlite3_bind_blob(st, 8, content, (int)content_len, SQLITE_STATIC);
    if (done(s, st) < 0) return -1;
    hid = sqlite3_last_insert_rowid(s->db);
    if (store_enterprises(s, r, hid) < 0) return -1;

    if (!first && done(s, keyed(s, Q_DEL_VALUES, r->period, r->zone)) < 0) return -1;
    for (size_t i = 0; i < r->n_values;) {
        size_t n = r->n_values - i < VALUES_AT_ONCE ? r->n_values - i : VALUES_AT_ONCE;
        if (!(st = values_insert(s, (int)n))) return -1;
        sqlite3_bind_text(st, 1, r->period, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->zone, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, r->revision);
        for (size_t k = 0; k < n; k++, i++) {
            const report_value_t *v = &r->values[i];
            int at = 4 + 4 * (int)k;
            sqlite3_bind_text(st, at, v->indicator, -1, SQLITE_STATIC);
            sqlite3_bind_double(st, at + 1, v->amount);
            if (v->has_growth) sqlite3_bind_double(st, at + 2, v->growth_pct);
            if (v->note) sqlite3_bind_text(st, at + 3, v->note, -1, SQLITE_STATIC);
        }
        if (done(s, st) < 0) return -1;
    }

    if (!first && done(s, keyed(s, Q_DEL_PROJECTS, r->period, r->zone)) < 0) return -1;
    for (size_t i = 0; i < r->n_projects; i++) {
        const report_project_t *p = &r->projects[i];
        st = keyed(s, Q_INS_PROJECT, r->period, r->zone);
        sqlite3_bind_text(st, 3, p->code, -1, SQLITE_STATIC);
        bind_text(st, 4, p->name);
        if (p->has_total) sqlite3_bind_double(st, 5, p->total_investment);
        if (p->has_ytd) sqlite3_bind_double(st, 6, p->ytd_investment);
        bind_text(st, 7, p->status);
        if (done(s, st) < 0) return -1;
    }

    st = keyed(s, Q_UPSERT_REPORT, r->period, r->zone);
    sqlite3_bind_int64(st, 3, r->revision);
    sqlite3_bind_text(st, 4, county, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, hid);
    sqlite3_bind_int64(st, 6, now_ms);
    bind_text(st, 7, r->problems);
    bind_text(st, 8, r->next_steps);
    if (done(s, st) < 0) return -1;

    for (size_t i = 0; warnings && i < warnings->n; i++) {
        const diag_t *d = &warnings->items[i];
        if (d->severity != DIAG_WARNING) continue;
        st = q(s, Q_INS_ISSUE);
        sqlite3_bind_int64(st, 1, hid);
        if (d->line) sqlite3_bind_int64(st, 2, d->line);
        bind_text(st, 3, d->field);
        sqlite3_bind_text(st, 4, d->message, -1, SQLITE_STATIC);
        if (done(s, st) < 0) return -1;
    }
    return 0;
}

int rstore_record_rejection(rstore_t *s, const char *county, const report_t *r, const diag_list_t *errors,
                            int64_t now_ms) {
    sqlite3_stmt *st;
    size_t cap = 256, off = 0;
    char *reasons;
    int rc;
    if (!writable(s)) return -1;
    st = q(s, Q_INS_REJECTION);
    if (!(reasons = malloc(cap))) return -1;
    reasons[0] = '\0';
    for (size_t i = 0; i < errors->n; i++) {
        char line[1024];
        size_t n;
        if (errors->items[i].severity != DIAG_ERROR) continue;
        diag_format(&errors->items[i], line, sizeof line);
        n = strlen(line);
        if (off + n + 2 > cap) {
            char *p = realloc(reasons, (cap = (off + n + 2) * 2));
            if (!p) {
                free(reasons);
                return -1;
            }
            reasons = p;
        }
        memcpy(reasons + off, line, n);
        off += n;
        reasons[off++] = '\n';
        reasons[off] = '\0';
    }
    if (off) reasons[--off] = '\0';
    sqlite3_bind_text(st, 1, county, -1, SQLITE_STATIC);
    bind_text(st, 2, r->zone);
    bind_text(st, 3, r->period);
    if (r->revision) sqlite3_bind_int64(st, 4, r->revision);
    bind_text(st, 5, r->source);
    sqlite3_bind_int64(st, 6, now_ms);
    sqlite3_bind_text(st, 7, reasons, -1, SQLITE_STATIC);
    rc = done(s, st);
    free(reasons);
    return rc;
}

int rstore_load_report(rstore_t *s, const char *zone, const char *period, report_t *out) {
    uint32_t rev = 0;
    sqlite3_stmt *st;
    int rc, n = 0;
    memset(out, 0, sizeof *out);
    /* one lookup, not two: every value row carries its report's current revision, and
     * only a report without values needs the reports row for it */
    st = keyed(s, Q_LOAD_VALUES, period, zone);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        report_value_t v;
        memset(&v, 0, sizeof v);
        snprintf(v.indicator, sizeof v.indicator, "%s", (const char *)sqlite3_column_text(st, 0));
        v.amount = sqlite3_column_double(st, 1);
        v.has_growth = sqlite3_column_type(st, 2) != SQLITE_NULL;
        v.growth_pct = v.has_growth ? sqlite3_column_double(st, 2) : 0;
        /* the 说明: the soft checks skip a figure that stood on one (borrowed: copied below) */
        v.note = (char *)sqlite3_column_text(st, 3);
        rev = (uint32_t)sqlite3_column_int64(st, 4);
        n++;
        if (!report_add_value(out, &v)) break;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        report_clear(out);
        return -1;
    }
    if (n == 0 && (rc = rstore_current_revision(s, zone, period, &rev)) <= 0) return rc;
    snprintf(out->zone, sizeof out->zone, "%s", zone);
    snprintf(out->period, sizeof out->period, "%s", period);
    out->revision = rev;
    return 1;
}

/* Copies column i of st (text, or NULL) into dst of size bytes. */
static void column_text(sqlite3_stmt *st, int i, char *dst, size_t size) {
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, size, "%s", t ? (const char *)t : "");
}

int rstore_load_projects_texts(rstore_t *s, const char *zone, const char *period, report_t *out) {
    sqlite3_stmt *st = keyed(s, Q_LOAD_TEXTS, period, zone);
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW;
    if (found && (report_set_text(&out->problems, (const char *)sqlite3_column_text(st, 0)) < 0 ||
                  report_set_text(&out->next_steps, (const char *)sqlite3_column_text(st, 1)) < 0)) {
        sqlite3_reset(st);
        log_error(_("out of memory"));
        return -1;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) goto fail;
    if (!found) return 0;
    st = keyed(s, Q_LOAD_PROJECTS, period, zone);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        report_project_t p;
        memset(&p, 0, sizeof p);
        column_text(st, 0, p.code, sizeof p.code);
        column_text(st, 1, p.name, sizeof p.name);
        p.has_total = sqlite3_column_type(st, 2) != SQLITE_NULL;
        p.total_investment = p.has_total ? sqlite3_column_double(st, 2) : 0;
        p.has_ytd = sqlite3_column_type(st, 3) != SQLITE_NULL;
        p.ytd_investment = p.has_ytd ? sqlite3_column_double(st, 3) : 0;
        column_text(st, 4, p.status, sizeof p.status);
        if (!report_add_project(out, &p)) {
            sqlite3_reset(st);
            log_error(_("out of memory"));
            return -1;
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) goto fail;
    return 1;
fail:
    log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    return -1;
}

/* rstore_each_value, of one zone when zone is not NULL. */
static int each_value(rstore_t *s, const char *period, const char *zone, rstore_value_fn fn, void *arg) {
    sqlite3_stmt *st = q(s, zone ? Q_EACH_VALUE_OF : Q_EACH_VALUE);
    int rc, n = 0;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    if (zone) sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        bool has_growth = sqlite3_column_type(st, 3) != SQLITE_NULL;
        fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
           sqlite3_column_double(st, 2), has_growth, has_growth ? sqlite3_column_double(st, 3) : 0, arg);
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    return n;
}

int rstore_each_value(rstore_t *s, const char *period, rstore_value_fn fn, void *arg) {
    return each_value(s, period, NULL, fn, arg);
}

int rstore_each_value_of(rstore_t *s, const char *period, const char *zone, rstore_value_fn fn, void *arg) {
    return each_value(s, period, zone, fn, arg);
}

/* rstore_each_report, of one zone when zone is not NULL. */
static int each_report(rstore_t *s, const char *period, const char *zone, rstore_report_fn fn, void *arg) {
    sqlite3_stmt *st = q(s, zone ? Q_EACH_REPORT_OF : Q_EACH_REPORT);
    int rc, n = 0;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    if (zone) sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn((const char *)sqlite3_column_text(st, 0), (uint32_t)sqlite3_column_int64(st, 1),
           (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3), arg);
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    return n;
}

int rstore_each_report(rstore_t *s, const char *period, rstore_report_fn fn, void *arg) {
    return each_report(s, period, NULL, fn, arg);
}

int rstore_each_report_of(rstore_t *s, const char *period, const char *zone, rstore_report_fn fn, void *arg) {
    return each_report(s, period, zone, fn, arg);
}

/* ---- reads for the live totals, status and the recent-events lists ------------------ */

/* Prepares sql for one run; NULL (logged) on error. */
static sqlite3_stmt *once(rstore_t *s, const char *sql_text) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql_text, -1, &st, NULL) != SQLITE_OK) {
        log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        return NULL;
    }
    return st;
}

/* Finishes a run of once(): the row count, or -1 (logged) if the last step failed. */
static int finish(rstore_t *s, sqlite3_stmt *st, int rc, int n) {
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    return n;
}

static const char *col_text(sqlite3_stmt *st, int i) {
    return (const char *)sqlite3_column_text(st, i);
}

int rstore_each_period(rstore_t *s, rstore_period_fn fn, void *arg) {
    sqlite3_stmt *st = once(s, "SELECT DISTINCT period FROM reports ORDER BY period");
    int rc, n = 0;
    if (!st) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(col_text(st, 0), arg);
        n++;
    }
    return finish(s, st, rc, n);
}

int rstore_each_first_arrival(rstore_t *s, const char *period, rstore_arrival_fn fn, void *arg) {
    sqlite3_stmt *st = once(s, "SELECT zone, MIN(stored_at_ms) FROM report_history"
                               " WHERE period = ?1 GROUP BY zone ORDER BY zone");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(col_text(st, 0), sqlite3_column_int64(st, 1), arg);
        n++;
    }
    return finish(s, st, rc, n);
}

int rstore_each_noted(rstore_t *s, const char *period, rstore_noted_fn fn, void *arg) {
    sqlite3_stmt *st =
        once(s, "SELECT zone, indicator FROM report_values WHERE period = ?1 AND note IS NOT NULL"
                " ORDER BY zone, indicator");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(col_text(st, 0), col_text(st, 1), arg);
        n++;
    }
    return finish(s, st, rc, n);
}

int rstore_each_explained(rstore_t *s, const char *period, rstore_explained_fn fn, void *arg) {
    sqlite3_stmt *st = once(s, "SELECT r.zone, r.revision, i.line, i.message FROM reports r JOIN issues i"
                               " ON i.history_id = r.history_id WHERE r.period = ?1 AND i.field = 'note'"
                               " ORDER BY r.zone, i.line");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(col_text(st, 0), (uint32_t)sqlite3_column_int64(st, 1), (unsigned)sqlite3_column_int(st, 2),
           col_text(st, 3), arg);
        n++;
    }
    return finish(s, st, rc, n);
}

/* One enterprise row of a once() statement whose columns 2.. are those of
 * ENTERPRISE_COLUMNS. */
#define ENTERPRISE_COLUMNS                                                                                      \
    "e.code, e.name, e.industry, e.output_value, e.output_growth_pct, e.revenue, e.revenue_growth_pct,"         \
    " e.status, e.remark, e.line"
static void enterprise_row(sqlite3_stmt *st, int c, enterprise_t *e) {
    memset(e, 0, sizeof *e);
    snprintf(e->code, sizeof e->code, "%s", col_text(st, c) ? col_text(st, c) : "");
    snprintf(e->name, sizeof e->name, "%s", col_text(st, c + 1) ? col_text(st, c + 1) : "");
    snprintf(e->industry, sizeof e->industry, "%s", col_text(st, c + 2) ? col_text(st, c + 2) : "");
    if ((e->has_output = sqlite3_column_type(st, c + 3) != SQLITE_NULL)) e->output_value = sqlite3_column_double(st, c + 3);
    if ((e->has_output_growth = sqlite3_column_type(st, c + 4) != SQLITE_NULL))
        e->output_growth_pct = sqlite3_column_double(st, c + 4);
    if ((e->has_revenue = sqlite3_column_type(st, c + 5) != SQLITE_NULL)) e->revenue = sqlite3_column_double(st, c + 5);
    if ((e->has_revenue_growth = sqlite3_column_type(st, c + 6) != SQLITE_NULL))
        e->revenue_growth_pct = sqlite3_column_double(st, c + 6);
    snprintf(e->status, sizeof e->status, "%s", col_text(st, c + 7) ? col_text(st, c + 7) : "");
    snprintf(e->remark, sizeof e->remark, "%s", col_text(st, c + 8) ? col_text(st, c + 8) : "");
    e->line = (unsigned)sqlite3_column_int64(st, c + 9);
}

int rstore_each_enterprise(rstore_t *s, const char *period, rstore_enterprise_fn fn, void *arg) {
    sqlite3_stmt *st = once(s, "SELECT e.zone, e.revision, " ENTERPRISE_COLUMNS " FROM reports r JOIN enterprises e"
                               " ON e.history_id = r.history_id WHERE r.period = ?1"
                               " ORDER BY e.zone, e.line, e.code");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        enterprise_t e;
        enterprise_row(st, 2, &e);
        fn(col_text(st, 0), (uint32_t)sqlite3_column_int64(st, 1), &e, arg);
        n++;
    }
    return finish(s, st, rc, n);
}

int rstore_revision_enterprises(rstore_t *s, const char *zone, const char *period, uint32_t revision,
                                report_t *out) {
    sqlite3_stmt *st = once(s, "SELECT 0, 0, " ENTERPRISE_COLUMNS " FROM enterprises e"
                               " WHERE e.period = ?1 AND e.zone = ?2 AND e.revision = ?3 ORDER BY e.line, e.code");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, revision);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        enterprise_t e;
        enterprise_row(st, 2, &e);
        if (!report_add_enterprise(out, &e)) {
            sqlite3_finalize(st);
            return -1;
        }
        n++;
    }
    return finish(s, st, rc, n);
}

int rstore_recent(rstore_t *s, bool rejected, const char *period, int limit, rstore_event_fn fn, void *arg) {
    static const char *const sql_text[2][2] = {
        {"SELECT county, zone, period, revision, stored_at_ms, NULL FROM report_history"
         " ORDER BY id DESC LIMIT ?2",
         "SELECT county, zone, period, revision, stored_at_ms, NULL FROM report_history"
         " WHERE period = ?1 ORDER BY id DESC LIMIT ?2"},
        {"SELECT county, zone, period, revision, received_at_ms, reasons FROM rejections"
         " ORDER BY id DESC LIMIT ?2",
         "SELECT county, zone, period, revision, received_at_ms, reasons FROM rejections"
         " WHERE period = ?1 ORDER BY id DESC LIMIT ?2"}};
    sqlite3_stmt *st = once(s, sql_text[rejected][period != NULL]);
    int rc, n = 0;
    if (!st) return -1;
    if (period) sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rstore_event_t e = {rejected,
                            col_text(st, 0),
                            col_text(st, 1),
                            col_text(st, 2),
                            (uint32_t)sqlite3_column_int64(st, 3),
                            sqlite3_column_int64(st, 4),
                            col_text(st, 5)};
        fn(&e, arg);
        n++;
    }
    return finish(s, st, rc, n);
}

int rstore_each_revision_of(rstore_t *s, const char *zone, const char *period, rstore_history_fn fn, void *arg) {
    sqlite3_stmt *st = once(s, "SELECT revision, county, sender, stored_at_ms FROM report_history"
                               " WHERE period = ?1 AND zone = ?2 ORDER BY revision");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn((uint32_t)sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2), sqlite3_column_int64(st, 3),
           arg);
        n++;
    }
    return finish(s, st, rc, n);
}

int rstore_county_revisions(rstore_t *s, const char *county, const char *since, int limit, rstore_revision_fn fn,
                            void *arg) {
    sqlite3_stmt *st = once(s, "SELECT zone, period, revision FROM reports WHERE county = ?1 AND period >= ?2"
                               " ORDER BY period, zone LIMIT ?3");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, since ? since : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(col_text(st, 0), col_text(st, 1), (uint32_t)sqlite3_column_int64(st, 2), arg);
        n++;
    }
    return finish(s, st, rc, n);
}

/* ---- start-up: is the store whole, and what does it hold ---------------------------- */

int rstore_check(const char *path, char *err, size_t errsz) {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc, result = 0;
    if (access(path, F_OK) != 0) return 0; /* created on first start */
    /* Read-only, so that a damaged file is not written to (no migration, no schema) before
     * it is judged: it may still be worth salvaging as it is. */
    rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
    }
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *first = (const char *)sqlite3_column_text(st, 0);
        if (!first || strcmp(first, "ok") != 0) {
            char shown[256], flat[256];
            snprintf(flat, sizeof flat, "%s", first ? first : _("(no answer)"));
            for (char *c = flat; *c; c++)
                if (*c == '\n') *c = ' '; /* quick_check's finding spans lines */
            snprintf(err, errsz, "%s", text_shown(flat, shown, sizeof shown));
            result = -2;
        }
    } else {
        int primary = rc & 0xff;
        snprintf(err, errsz, "%s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        result = primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB ? -2 : -1;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return result;
}

int rstore_summary(rstore_t *s, rstore_summary_t *out) {
    sqlite3_stmt *st = once(s, "SELECT (SELECT count(*) FROM reports),"
                               " (SELECT count(DISTINCT period) FROM reports),"
                               " (SELECT count(*) FROM report_history),"
                               " (SELECT max(stored_at_ms) FROM report_history)");
    int rc;
    memset(out, 0, sizeof *out);
    if (!st) return -1;
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->reports = sqlite3_column_int64(st, 0);
        out->periods = sqlite3_column_int64(st, 1);
        out->revisions = sqlite3_column_int64(st, 2);
        out->latest_ms = sqlite3_column_int64(st, 3);
        rc = SQLITE_DONE;
    }
    return finish(s, st, rc, 0);
}

int rstore_each_zone(rstore_t *s, rstore_period_fn fn, void *arg) {
    sqlite3_stmt *st = once(s, "SELECT DISTINCT zone FROM reports ORDER BY zone");
    int rc, n = 0;
    if (!st) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(col_text(st, 0), arg);
        n++;
    }
    return finish(s, st, rc, n);
}

/* ---- reads for the scorer's passes -------------------------------------------------- */

int rstore_read_begin(rstore_t *s) {
    return db_exec(s->db, s->path, "BEGIN");
}

bool rstore_in_transaction(rstore_t *s) {
    return !sqlite3_get_autocommit(s->db);
}

int rstore_read_end(rstore_t *s) {
    if (sqlite3_get_autocommit(s->db)) return 0; /* none open */
    return db_exec(s->db, s->path, "COMMIT");
}

int rstore_history_top(rstore_t *s, int64_t *id) {
    sqlite3_stmt *st = once(s, "SELECT coalesce(max(id), 0) FROM report_history");
    int rc;
    if (!st) return -1;
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        rc = SQLITE_DONE;
    }
    return finish(s, st, rc, 0);
}

/* Runs a query whose rows are (zone, period) through fn. */
static int each_key(rstore_t *s, sqlite3_stmt *st, rstore_key_fn fn, void *arg) {
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(col_text(st, 0), col_text(st, 1), arg);
        n++;
    }
    return finish(s, st, rc, n);
}

int rstore_each_changed(rstore_t *s, int64_t since_id, rstore_key_fn fn, void *arg) {
    sqlite3_stmt *st = once(s, "SELECT DISTINCT zone, period FROM report_history WHERE id > ?1"
                               " ORDER BY period, zone");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, since_id);
    return each_key(s, st, fn, arg);
}

int rstore_each_period_between(rstore_t *s, const char *from, const char *to, rstore_period_fn fn,
                               void *arg) {
    sqlite3_stmt *st = once(s, "SELECT DISTINCT period FROM reports WHERE period >= ?1 AND period <= ?2"
                               " ORDER BY period");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(col_text(st, 0), arg);
        n++;
    }
    return finish(s, st, rc, n);
}

int rstore_each_current(rstore_t *s, const char *since, rstore_key_fn fn, void *arg) {
    sqlite3_stmt *st = once(s, "SELECT zone, period FROM reports WHERE period >= ?1 ORDER BY period, zone");
    if (!st) return -1;
    sqlite3_bind_text(st, 1, since ? since : "", -1, SQLITE_STATIC);
    return each_key(s, st, fn, arg);
}

/* Steps a cursor of rstore_each_latest: *zone its next row's zone, NULL past the last.
 * 0, or -1 on a failed step. */
static int latest_step(sqlite3_stmt *st, const char **zone) {
    int rc = sqlite3_step(st);
    *zone = rc == SQLITE_ROW ? col_text(st, 0) : NULL;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* One cursor per month of the year, each in key order (period, zone), so in zone
 * order, merged: a zone's latest month is the last cursor standing on it. A GROUP BY
 * zone over the year sorted every report of it in a temporary B-tree: at 10 000 zones
 * 11 ms of a full pass, against 1.3 for stepping the same rows. */
int rstore_each_latest(rstore_t *s, int year, rstore_latest_fn fn, void *arg) {
    sqlite3_stmt *st[12] = {NULL};
    const char *zone[12]; /* each cursor's current zone, NULL when it is done */
    int n = 0, rc = -1;
    for (int m = 0; m < 12; m++) {
        char period[PERIOD_STRLEN];
        if (!(st[m] = once(s, "SELECT zone, period, county FROM reports WHERE period = ?1"))) goto done;
        period_format((period_t){year, m + 1}, period);
        sqlite3_bind_text(st[m], 1, period, -1, SQLITE_TRANSIENT);
        if (latest_step(st[m], &zone[m]) < 0) goto failed;
    }
    for (;;) {
        int last = -1; /* the latest month standing on the least zone */
        for (int m = 0; m < 12; m++)
            if (zone[m] && (last < 0 || strcmp(zone[m], zone[last]) <= 0)) last = m;
        if (last < 0) break;
        fn(zone[last], col_text(st[last], 1), col_text(st[last], 2), arg);
        n++;
        for (int m = 0; m < 12; m++) /* past that zone: the cursors on it, the last one last */
            if (m != last && zone[m] && strcmp(zone[m], zone[last]) == 0 && latest_step(st[m], &zone[m]) < 0)
                goto failed;
        if (latest_step(st[last], &zone[last]) < 0) goto failed;
    }
    rc = n;
    goto done;
failed:
    log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
done:
    for (int m = 0; m < 12; m++)
        sqlite3_finalize(st[m]);
    return rc;
}

/* ---- a period's approval (核准 / 发布) --------------------------------------------------- */

int rstore_record_transition(rstore_t *s, const period_state_t *t) {
    sqlite3_stmt *st;
    int rc;
    if (!writable(s)) return -1;
    st = once(s, "INSERT INTO period_transitions (period, county, action, from_state, to_state, actor,"
                 " actor_key, at_ms, comment, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!st) return -1;
    sqlite3_bind_text(st, 1, t->period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, approval_action_name(t->action) ? approval_action_name(t->action) : "?", -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 4, approval_state_name(t->previous) ? approval_state_name(t->previous) : "open", -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 5, approval_state_name(t->state) ? approval_state_name(t->state) : "open", -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 6, t->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, t->actor_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, t->at_ms);
    bind_text(st, 9, t->comment);
    bind_text(st, 10, t->reason);
    rc = sqlite3_step(st);
    return finish(s, st, rc, 0);
}

/* A row of period_transitions (columns as selected below) into *t. */
static void read_transition(sqlite3_stmt *st, period_state_t *t) {
    memset(t, 0, sizeof *t);
    snprintf(t->period, sizeof t->period, "%s", col_text(st, 0) ? col_text(st, 0) : "");
    snprintf(t->county, sizeof t->county, "%s", col_text(st, 1) ? col_text(st, 1) : "");
    t->action = approval_action_parse(col_text(st, 2));
    t->previous = approval_state_parse(col_text(st, 3));
    t->state = approval_state_parse(col_text(st, 4));
    snprintf(t->actor, sizeof t->actor, "%s", col_text(st, 5) ? col_text(st, 5) : "");
    snprintf(t->actor_key, sizeof t->actor_key, "%s", col_text(st, 6) ? col_text(st, 6) : "");
    t->at_ms = sqlite3_column_int64(st, 7);
    snprintf(t->comment, sizeof t->comment, "%s", col_text(st, 8) ? col_text(st, 8) : "");
    snprintf(t->reason, sizeof t->reason, "%s", col_text(st, 9) ? col_text(st, 9) : "");
}

#define TRANSITION_COLS                                                                                      \
    "period, county, action, from_state, to_state, actor, actor_key, at_ms, comment, reason"

int rstore_each_transition(rstore_t *s, const char *period, rstore_transition_fn fn, void *arg) {
    sqlite3_stmt *st = once(s, "SELECT " TRANSITION_COLS " FROM period_transitions"
                               " WHERE ?1 IS NULL OR period = ?1 ORDER BY id");
    int rc, n = 0;
    if (!st) return -1;
    bind_text(st, 1, period);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        period_state_t t;
        read_transition(st, &t);
        fn(&t, arg);
        n++;
    }
    return finish(s, st, rc, n);
}

int rstore_period_state(rstore_t *s, const char *period, const char *county, period_state_t *out) {
    sqlite3_stmt *st = once(s, "SELECT " TRANSITION_COLS " FROM period_transitions"
                               " WHERE period = ?1 AND county = ?2 ORDER BY id DESC LIMIT 1");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, county ? county : "", -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_transition(st, out);
        n = 1;
        rc = sqlite3_step(st);
    }
    return finish(s, st, rc, n);
}

int rstore_has_reports(rstore_t *s, const char *period, const char *county) {
    sqlite3_stmt *st = once(s, "SELECT EXISTS (SELECT 1 FROM reports WHERE period = ?1"
                               " AND (?2 IS NULL OR county = ?2))");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    bind_text(st, 2, county);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        n = sqlite3_column_int(st, 0) ? 1 : 0;
        rc = sqlite3_step(st);
    }
    return finish(s, st, rc, n);
}
