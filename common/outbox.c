/* outbox.c - the collector's durable outbox in SQLite.
 *
 * A report is written here, in one transaction with the source file that produced it,
 * before any byte of it is sent; it leaves only when an ack settled it and its source
 * was filed. So a report reaches the store however often the collector is killed, and
 * the same revision and message id are resent every time (the aggregator answers
 * DUPLICATE), never a new one. last_reports remembers, per (zone, period), the last
 * revision and content, so corrections number themselves and a projects file can join
 * the values already sent. It also keeps the last content the store confirmed
 * (ACCEPTED or DUPLICATE): when the aggregator refuses a report, the content goes back
 * to that one, so the correction is merged with and soft-checked against what the
 * store holds, not against the refused figures.
 *
 * It is opened like the stores (util/db.h): WAL and synchronous=FULL, numbered
 * migrations, statements prepared once; `yuebao check --outbox` opens it read-only.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"
#include "clock.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "text.h"

/* Numbered like the stores' (db.h). Outboxes written before the numbers all say version
 * 1, whatever they hold: version_of() below reads their version off their tables. */
static const char *const migrations[] = {
    /* 1: the first schema. IF NOT EXISTS: the code before numbered migrations made these
     * one by one, outside a transaction, so one that died half way left some of them */
    "CREATE TABLE IF NOT EXISTS sources ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, path TEXT, hash TEXT NOT NULL,"
    "  state TEXT NOT NULL, queued_at_ms INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS sources_by_name ON sources (name, hash);"
    "CREATE TABLE IF NOT EXISTS outbox ("
    "  id INTEGER PRIMARY KEY, message_id BLOB NOT NULL UNIQUE, zone TEXT NOT NULL,"
    "  period TEXT NOT NULL, revision INTEGER NOT NULL, payload BLOB NOT NULL,"
    "  settled INTEGER NOT NULL DEFAULT 0, status TEXT, store_revision INTEGER, detail TEXT,"
    "  settled_at_ms INTEGER);"
    "CREATE TABLE IF NOT EXISTS source_reports ("
    "  source_id INTEGER NOT NULL, outbox_id INTEGER NOT NULL,"
    "  PRIMARY KEY (source_id, outbox_id)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS source_reports_by_outbox ON source_reports (outbox_id);"
    "CREATE TABLE IF NOT EXISTS last_reports ("
    "  zone TEXT NOT NULL, period TEXT NOT NULL, revision INTEGER NOT NULL, content BLOB,"
    "  report BLOB, PRIMARY KEY (zone, period)) WITHOUT ROWID;",
    /* 2: the collector's own findings about a queued file, for its receipt */
    "ALTER TABLE sources ADD COLUMN note TEXT;",
    /* 3: the last content the store confirmed. An outbox from before it gets the last
     * content of every key: the old code deleted a settled row, so which ones the store
     * acked is no longer known, and the last content is what the old code built the
     * next revision on. Left NULL, a refusal would forget the base, and the next file
     * carrying only a few indicators would replace the whole stored report without a
     * word. */
    "ALTER TABLE last_reports ADD COLUMN confirmed_content BLOB;"
    "ALTER TABLE last_reports ADD COLUMN confirmed_report BLOB;"
    "UPDATE last_reports SET confirmed_content = content, confirmed_report = report;",
    /* 4: the reconcile's per-key lookups (outbox_load_settled_last). IF NOT EXISTS: the
     * code before numbered migrations made it at every open, before adding columns */
    "CREATE INDEX IF NOT EXISTS outbox_by_key ON outbox (zone, period, settled);",
};
#define N_MIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

enum {
    Q_SOURCE_FIND,
    Q_SOURCE_ADD,
    Q_SOURCE_SET_STATE,
    Q_SOURCE_CLAIMS,
    Q_SOURCE_SET_NOTE,
    Q_SOURCE_SET_PATH,
    Q_LAST,
    Q_RAISE_REVISION,
    Q_CONFIRM_PAYLOAD,
    Q_CONFIRM_LAST,
    Q_UNDO_REFUSED,
    Q_SET_LAST,
    Q_ENQUEUE,
    Q_LINK_SOURCE,
    Q_SETTLE,
    Q_LOAD_PENDING,
    Q_SOURCES_COMPLETE,
    Q_RECEIPT_SOURCE,
    Q_RECEIPT_REPORTS,
    Q_FORGET_REFUSED,
    Q_FORGET_LINKS,
    Q_PURGE_SETTLED,
    Q_SETTLED_SINCE,
    Q_LOAD_SETTLED_LAST,
    Q_UNSETTLE,
    Q_COUNT_PENDING,
    Q_COUNT
};

static const char *const sql[Q_COUNT] = {
    [Q_SOURCE_FIND] = "SELECT id, state FROM sources WHERE name = ?1 AND hash = ?2 ORDER BY id DESC LIMIT 1",
    [Q_SOURCE_ADD] =
        "INSERT INTO sources (name, path, hash, state, queued_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_SOURCE_SET_STATE] = "UPDATE sources SET state = ?2 WHERE id = ?1",
    [Q_SOURCE_CLAIMS] = "SELECT 1 FROM sources WHERE state = 'sending' AND (id = ?1 OR path = ?2) LIMIT 1",
    [Q_SOURCE_SET_NOTE] = "UPDATE sources SET note = ?2 WHERE id = ?1",
    [Q_SOURCE_SET_PATH] = "UPDATE sources SET path = ?2 WHERE id = ?1",
    [Q_LAST] = "SELECT revision, content, report FROM last_reports WHERE zone = ?1 AND period = ?2",
    /* When the store is ahead of us (a reinstalled office PC), we no longer know the
     * current content: forget it, so the next file is sent as a new revision. */
    [Q_RAISE_REVISION] = "INSERT INTO last_reports (zone, period, revision) VALUES (?1, ?2, ?3) "
                         "ON CONFLICT (zone, period) DO UPDATE SET "
                         "content = CASE WHEN excluded.revision > revision THEN NULL ELSE content END, "
                         "report = CASE WHEN excluded.revision > revision THEN NULL ELSE report END, "
                         "confirmed_content = CASE WHEN excluded.revision > revision THEN NULL "
                         "ELSE confirmed_content END, "
                         "confirmed_report = CASE WHEN excluded.revision > revision THEN NULL "
                         "ELSE confirmed_report END, "
                         "revision = max(revision, excluded.revision)",
    [Q_CONFIRM_PAYLOAD] = "UPDATE last_reports SET confirmed_content = ?3, confirmed_report = ?4 "
                          "WHERE zone = ?1 AND period = ?2 AND revision > ?5",
    [Q_CONFIRM_LAST] = "UPDATE last_reports SET confirmed_content = content, confirmed_report = report "
                       "WHERE zone = ?1 AND period = ?2 AND revision = ?3",
    [Q_UNDO_REFUSED] = "UPDATE last_reports SET content = confirmed_content, report = confirmed_report "
                       "WHERE zone = ?1 AND period = ?2 AND revision = ?3",
    /* an upsert, not INSERT OR REPLACE: the confirmed content stays (what a refusal of
     * this report goes back to) */
    [Q_SET_LAST] = "INSERT INTO last_reports (zone, period, revision, content, report) "
                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (zone, period) DO UPDATE SET "
                   "revision = excluded.revision, content = excluded.content, report = excluded.report",
    [Q_ENQUEUE] =
        "INSERT INTO outbox (message_id, zone, period, revision, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_LINK_SOURCE] = "INSERT OR IGNORE INTO source_reports (source_id, outbox_id) VALUES (?1, ?2)",
    [Q_SETTLE] = "UPDATE outbox SET settled = 1, status = ?2, store_revision = ?3, detail = ?4, "
                 "settled_at_ms = ?5 WHERE id = ?1 AND settled = 0",
    [Q_LOAD_PENDING] = "SELECT id, message_id, zone, period, revision, payload FROM outbox "
                       "WHERE settled = 0 ORDER BY id",
    [Q_SOURCES_COMPLETE] = "SELECT s.id FROM sources s WHERE s.state = 'sending' AND NOT EXISTS ("
                           " SELECT 1 FROM source_reports sr JOIN outbox b ON b.id = sr.outbox_id"
                           " WHERE sr.source_id = s.id AND b.settled = 0) ORDER BY s.id",
    [Q_RECEIPT_SOURCE] = "SELECT name, path, note FROM sources WHERE id = ?1",
    [Q_RECEIPT_REPORTS] = "SELECT b.status, b.zone, b.period, b.revision, b.store_revision, b.detail, "
                          "b.settled_at_ms FROM source_reports sr JOIN outbox b ON b.id = sr.outbox_id "
                          "WHERE sr.source_id = ?1 ORDER BY b.id",
    /* refused rows go (the receipt holds what they said); stored ones stay, unlinked, for
     * the reconcile until outbox_purge_settled() finds them older than the retention */
    [Q_FORGET_REFUSED] =
        "DELETE FROM outbox WHERE settled = 1 AND status NOT IN ('ACCEPTED', 'DUPLICATE') "
        "AND id IN (SELECT outbox_id FROM source_reports WHERE source_id = ?1) AND id NOT IN "
        "(SELECT outbox_id FROM source_reports sr JOIN sources s ON s.id = sr.source_id "
        "WHERE s.state = 'sending' AND s.id <> ?1)",
    [Q_FORGET_LINKS] = "DELETE FROM source_reports WHERE source_id = ?1",
    [Q_PURGE_SETTLED] = "DELETE FROM outbox WHERE settled = 1 AND settled_at_ms < ?1 AND id NOT IN "
                        "(SELECT outbox_id FROM source_reports)",
    [Q_SETTLED_SINCE] =
        "SELECT min(period) FROM outbox WHERE settled = 1 AND status IN ('ACCEPTED', 'DUPLICATE')",
    /* per (zone, period) the highest stored revision kept, unless a report of that key
     * is still pending (a newer revision is on its way anyway) */
    [Q_LOAD_SETTLED_LAST] =
        "SELECT b.id, b.message_id, b.zone, b.period, b.revision, b.payload FROM outbox b "
        "WHERE b.settled = 1 AND b.status IN ('ACCEPTED', 'DUPLICATE') AND b.revision = "
        "(SELECT max(x.revision) FROM outbox x WHERE x.zone = b.zone AND x.period = b.period "
        "AND x.settled = 1 AND x.status IN ('ACCEPTED', 'DUPLICATE')) AND NOT EXISTS "
        "(SELECT 1 FROM outbox y WHERE y.zone = b.zone AND y.period = b.period AND "
        "y.settled = 0) GROUP BY b.zone, b.period ORDER BY b.id",
    [Q_UNSETTLE] = "UPDATE outbox SET settled = 0, status = NULL, detail = NULL WHERE id = ?1",
    [Q_COUNT_PENDING] = "SELECT count(*) FROM outbox WHERE settled = 0",
};

/* The count query's answer, or -1. */
static int count(db_t *db, const char *query) {
    sqlite3_stmt *st = NULL;
    int n = -1;
    if (sqlite3_prepare_v2(db_conn(db), query, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The version of an outbox that says 1. Before numbered migrations every outbox said 1
 * and the code added what it lacked at open, always in the order of migrations 2, 3, 4:
 * the first of those a file lacks tells how far it got. (A file of this code says 1 only
 * when it stopped after migration 1, and then it lacks all three.) */
static int version_of(db_t *db, int user_version) {
    static const char *const since[] = {
        "SELECT count(*) FROM pragma_table_info('sources') WHERE name = 'note'",
        "SELECT count(*) FROM pragma_table_info('last_reports') WHERE name = 'confirmed_report'",
        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'outbox_by_key'",
    };
    int v = 1;
    if (user_version != 1) return user_version;
    for (size_t i = 0; i < sizeof since / sizeof since[0]; i++, v++) {
        int n = count(db, since[i]);
        if (n < 0) return -1;
        if (n == 0) break;
    }
    return v;
}

static const db_schema_t schema = {.what = N_("outbox"),
                                   .creator = N_("the collector"),
                                   .migrations = migrations,
                                   .n_migrations = N_MIGRATIONS,
                                   .statements = sql,
                                   .n_statements = Q_COUNT,
                                   .version_of = version_of};

struct outbox {
    db_t *h;          /* the handle: connection, statements, transactions */
    sqlite3 *db;      /* h's connection, borrowed */
    const char *path; /* h's path, borrowed */
};

/* A cached statement, ready for a new run. */
static sqlite3_stmt *q(outbox_t *o, int which) {
    return db_stmt(o->h, which);
}

/* Steps a write statement to completion and resets it. 0 or -1 (logged). */
static int done(outbox_t *o, sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        log_error(_("outbox %s: %s"), o->path, sqlite3_errmsg(o->db));
        return -1;
    }
    return 0;
}

static outbox_t *open_as(const char *path, bool readonly, char *err, size_t errsz) {
    outbox_t *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errsz, _("out of memory"));
        return NULL;
    }
    if (!(o->h = db_open(path, readonly, &schema, err, errsz))) {
        free(o);
        return NULL;
    }
    o->db = db_conn(o->h);
    o->path = db_path(o->h);
    return o;
}

outbox_t *outbox_open(const char *path, char *err, size_t errsz) {
    return open_as(path, false, err, errsz);
}

outbox_t *outbox_open_readonly(const char *path, char *err, size_t errsz) {
    /* db_open sets the busy timeout before the first read: a collector writing the
     * outbox must not make the dry run fail with "database is locked" */
    return open_as(path, true, err, errsz);
}

void outbox_close(outbox_t **o) {
    if (!o || !*o) return;
    db_close(&(*o)->h);
    free(*o);
    *o = NULL;
}

/* A transaction statement's result, its failure logged (the collector logs no more). */
static int logged(outbox_t *o, int rc) {
    if (rc >= 0) return 0;
    log_error(_("outbox %s"), db_error(o->h));
    return -1;
}

int outbox_begin(outbox_t *o) {
    return logged(o, db_begin(o->h));
}
int outbox_commit(outbox_t *o) {
    return logged(o, db_commit(o->h));
}
int outbox_rollback(outbox_t *o) {
    return db_rollback(o->h);
}

static void hash_text(unsigned long long h, char out[17]) {
    snprintf(out, 17, "%016llx", h);
}

int outbox_source_find(outbox_t *o, const char *name, unsigned long long hash, int64_t *id, char *state,
                       size_t state_sz) {
    char hx[17];
    int rc;
    sqlite3_stmt *st = q(o, Q_SOURCE_FIND);
    hash_text(hash, hx);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hx, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        snprintf(state, state_sz, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int64_t outbox_source_add(outbox_t *o, const char *name, const char *path, unsigned long long hash,
                          const char *state) {
    char hx[17];
    sqlite3_stmt *st = q(o, Q_SOURCE_ADD);
    hash_text(hash, hx);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hx, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, clock_now_ms());
    if (done(o, st) < 0) return -1;
    return sqlite3_last_insert_rowid(o->db);
}

int outbox_source_set_state(outbox_t *o, int64_t id, const char *state) {
    sqlite3_stmt *st = q(o, Q_SOURCE_SET_STATE);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    return done(o, st);
}

int outbox_source_claims(outbox_t *o, const char *parked) {
    const char *base = strrchr(parked, '/');
    long long id = -1;
    int rc, n = 0;
    sqlite3_stmt *st;
    base = base ? base + 1 : parked;
    if (sscanf(base, "%lld.%n", &id, &n) != 1 || n == 0) id = -1;
    st = q(o, Q_SOURCE_CLAIMS);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, parked, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int outbox_source_set_note(outbox_t *o, int64_t id, const char *note) {
    sqlite3_stmt *st = q(o, Q_SOURCE_SET_NOTE);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, note, -1, SQLITE_STATIC);
    return done(o, st);
}

int outbox_source_set_path(outbox_t *o, int64_t id, const char *path) {
    sqlite3_stmt *st = q(o, Q_SOURCE_SET_PATH);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    return done(o, st);
}

int outbox_last(outbox_t *o, const char *zone, const char *period, uint32_t *revision, uint8_t **content,
                size_t *content_len, report_t *last_report) {
    int rc;
    sqlite3_stmt *st = q(o, Q_LAST);
    sqlite3_bind_text(st, 1, zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
    *content = NULL;
    *content_len = 0;
    memset(last_report, 0, sizeof *last_report);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *revision = (uint32_t)sqlite3_column_int64(st, 0);
        if (sqlite3_column_type(st, 1) == SQLITE_BLOB && sqlite3_column_type(st, 2) == SQLITE_BLOB) {
            int n = sqlite3_column_bytes(st, 1);
            msg_t m;
            char err[256];
            *content = malloc((size_t)n + 1);
            if (*content) {
                memcpy(*content, sqlite3_column_blob(st, 1), (size_t)n);
                *content_len = (size_t)n;
            }
            /* The stored report is our own encoding; decoding it is still checked. */
            if (codec_decode(sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), &m, err,
                             sizeof err) == 0 &&
                m.kind == MSG_REPORT) {
                *last_report = m.report;
                memset(&m.report, 0, sizeof m.report);
            }
            msg_clear(&m);
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int outbox_raise_revision(outbox_t *o, const char *zone, const char *period, uint32_t revision) {
    sqlite3_stmt *st = q(o, Q_RAISE_REVISION);
    sqlite3_bind_text(st, 1, zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, revision);
    return done(o, st);
}

/* p's content and encoded report as the confirmed ones of its key, decoded from p's
 * payload: only when a newer revision was queued over p since (last_reports then holds
 * that one's). 0 or -1. */
static int confirm_from_payload(outbox_t *o, const pending_t *p) {
    msg_t m;
    char err[256];
    uint8_t *content = NULL;
    size_t len = 0;
    sqlite3_stmt *st;
    int rc, d = codec_decode(p->payload, p->payload_len, &m, err, sizeof err);
    if (d == 0 && m.kind != MSG_REPORT) snprintf(err, sizeof err, _("not a report"));
    if (d != 0 || m.kind != MSG_REPORT) {
        msg_clear(&m);
        log_error(_("outbox %s: the queued report of %s %s does not decode: %s"), o->path, p->zone, p->period,
                  err);
        return -1;
    }
    rc = codec_report_content(&m.report, &content, &len);
    msg_clear(&m);
    if (rc < 0) return -1;
    st = q(o, Q_CONFIRM_PAYLOAD);
    sqlite3_bind_text(st, 1, p->zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->period, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, content, (int)len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, p->payload, (int)p->payload_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, p->revision);
    rc = done(o, st);
    free(content);
    return rc;
}

int outbox_settle_last(outbox_t *o, const pending_t *p, const ack_t *ack) {
    sqlite3_stmt *st;
    if (ack->status == ACK_ACCEPTED || ack->status == ACK_DUPLICATE) {
        int rc;
        /* the store holds p only when its revision is p's: a DUPLICATE of revision 2
         * while the store has 3 (sent by another outbox) confirms nothing we know */
        if (ack->store_revision != p->revision) return 0;
        /* p is still the last report (the usual case): its content is already there */
        st = q(o, Q_CONFIRM_LAST);
        sqlite3_bind_text(st, 1, p->zone, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, p->period, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, p->revision);
        if ((rc = done(o, st)) < 0 || sqlite3_changes(o->db) > 0) return rc;
        return confirm_from_payload(o, p);
    }
    if (ack->status != ACK_REJECTED && ack->status != ACK_STALE) return 0;
    /* refused: unless a newer report is already queued over it, the content goes back to
     * the confirmed one; the revision number stays (it was used). None known (the store
     * holds a revision this outbox never sent): the next file goes alone, as the first
     * one did, never merged onto refused figures. */
    st = q(o, Q_UNDO_REFUSED);
    sqlite3_bind_text(st, 1, p->zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->period, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, p->revision);
    return done(o, st);
}

int outbox_set_last(outbox_t *o, const report_t *r, const uint8_t *content, size_t content_len) {
    msg_t m = {0};
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc;
    sqlite3_stmt *st;
    m.kind = MSG_REPORT;
    m.report = *r; /* shallow: encode only reads */
    if (codec_encode(&m, &buf, &len) < 0) return -1;
    st = q(o, Q_SET_LAST);
    sqlite3_bind_text(st, 1, r->zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->period, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, r->revision);
    sqlite3_bind_blob(st, 4, content, (int)content_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, buf, (int)len, SQLITE_STATIC);
    rc = done(o, st);
    free(buf);
    return rc;
}

int64_t outbox_enqueue(outbox_t *o, const pending_t *p, const int64_t *sources, size_t n_sources) {
    int64_t id;
    sqlite3_stmt *st = q(o, Q_ENQUEUE);
    sqlite3_bind_blob(st, 1, p->msg_id, MSG_ID_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->period, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, p->revision);
    sqlite3_bind_blob(st, 5, p->payload, (int)p->payload_len, SQLITE_STATIC);
    if (done(o, st) < 0) return -1;
    id = sqlite3_last_insert_rowid(o->db);
    for (size_t i = 0; i < n_sources; i++) {
        st = q(o, Q_LINK_SOURCE);
        sqlite3_bind_int64(st, 1, sources[i]);
        sqlite3_bind_int64(st, 2, id);
        if (done(o, st) < 0) return -1;
    }
    return id;
}

int outbox_settle(outbox_t *o, int64_t id, const ack_t *ack) {
    char *detail = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&detail, &len);
    sqlite3_stmt *st;
    int rc;
    if (!f) return -1;
    for (size_t i = 0; i < ack->issues.n; i++) {
        char line[1024];
        diag_format(&ack->issues.items[i], line, sizeof line);
        fprintf(f, "%s%s", i ? "\n" : "", line);
    }
    fclose(f);
    st = q(o, Q_SETTLE);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, ack_status_name(ack->status), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ack->store_revision);
    sqlite3_bind_text(st, 4, detail ? detail : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, clock_now_ms());
    rc = done(o, st);
    free(detail);
    return rc;
}

static int load_rows(sqlite3_stmt *st, pending_t **out, size_t *n);

int outbox_load_pending(outbox_t *o, pending_t **out, size_t *n) {
    return load_rows(q(o, Q_LOAD_PENDING), out, n);
}

/* Steps st (id, message_id, zone, period, revision, payload) into *out; resets it. */
static int load_rows(sqlite3_stmt *st, pending_t **out, size_t *n) {
    pending_t *arr = NULL;
    size_t cap = 0, k = 0;
    int rc;
    *out = NULL;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pending_t *p;
        if (k == cap) {
            pending_t *a2 = realloc(arr, (cap = cap ? cap * 2 : 64) * sizeof *a2);
            if (!a2) break;
            arr = a2;
        }
        p = &arr[k];
        memset(p, 0, sizeof *p);
        p->id = sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == MSG_ID_LEN)
            memcpy(p->msg_id, sqlite3_column_blob(st, 1), MSG_ID_LEN);
        snprintf(p->zone, sizeof p->zone, "%s", (const char *)sqlite3_column_text(st, 2));
        snprintf(p->period, sizeof p->period, "%s", (const char *)sqlite3_column_text(st, 3));
        p->revision = (uint32_t)sqlite3_column_int64(st, 4);
        p->payload_len = (size_t)sqlite3_column_bytes(st, 5);
        p->payload = malloc(p->payload_len ? p->payload_len : 1);
        if (!p->payload) break;
        memcpy(p->payload, sqlite3_column_blob(st, 5), p->payload_len);
        k++;
    }
    sqlite3_reset(st);
    *out = arr;
    *n = k;
    return rc == SQLITE_DONE ? 0 : -1;
}

int outbox_sources_complete(outbox_t *o, int64_t **out, size_t *n) {
    sqlite3_stmt *st = q(o, Q_SOURCES_COMPLETE);
    int64_t *arr = NULL;
    size_t cap = 0, k = 0;
    int rc;
    *out = NULL;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            int64_t *a2 = realloc(arr, (cap = cap ? cap * 2 : 16) * sizeof *a2);
            if (!a2) break;
            arr = a2;
        }
        arr[k++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    *out = arr;
    *n = k;
    return rc == SQLITE_DONE ? 0 : -1;
}

int outbox_source_receipt(outbox_t *o, int64_t id, char *name, size_t name_sz, char *path, size_t path_sz,
                          char **lines, int *stored, int *refused) {
    sqlite3_stmt *st = q(o, Q_RECEIPT_SOURCE);
    char *buf = NULL, *note = NULL;
    size_t len = 0;
    FILE *f;
    int rc;
    *stored = *refused = 0;
    *lines = NULL;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return -1;
    }
    snprintf(name, name_sz, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(path, path_sz, "%s", sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
    if (sqlite3_column_text(st, 2) && *sqlite3_column_text(st, 2))
        note = strdup((const char *)sqlite3_column_text(st, 2));
    sqlite3_reset(st);
    f = open_memstream(&buf, &len);
    if (!f) {
        free(note);
        return -1;
    }
    st = q(o, Q_RECEIPT_REPORTS);
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *status = (const char *)sqlite3_column_text(st, 0);
        const char *detail = (const char *)sqlite3_column_text(st, 5);
        char when[20];
        clock_format(sqlite3_column_int64(st, 6), when);
        if (status && (strcmp(status, "ACCEPTED") == 0 || strcmp(status, "DUPLICATE") == 0)) ++*stored;
        if (status && (strcmp(status, "REJECTED") == 0 || strcmp(status, "STALE") == 0)) ++*refused;
        char label[64];
        text_pad(label, sizeof label, status ? ack_status_label(status) : "?", 9);
        fprintf(f, _("%s %s %s revision %lld (store has revision %lld) at %s\n"), label,
                (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
                (long long)sqlite3_column_int64(st, 3), (long long)sqlite3_column_int64(st, 4), when);
        if (detail && *detail) {
            const char *p = detail;
            while (*p) {
                const char *nl = strchr(p, '\n');
                int n = nl ? (int)(nl - p) : (int)strlen(p);
                fprintf(f, "    %.*s\n", n, p);
                p += n + (nl ? 1 : 0);
            }
        }
    }
    sqlite3_reset(st);
    if (note) fprintf(f, _("\nChecked by this collector before sending:\n%s"), note);
    free(note);
    fclose(f);
    *lines = buf;
    return rc == SQLITE_DONE ? 0 : -1;
}

int outbox_source_forget(outbox_t *o, int64_t id) {
    sqlite3_stmt *st = q(o, Q_FORGET_REFUSED);
    sqlite3_bind_int64(st, 1, id);
    if (done(o, st) < 0) return -1;
    st = q(o, Q_FORGET_LINKS);
    sqlite3_bind_int64(st, 1, id);
    return done(o, st);
}

int outbox_purge_settled(outbox_t *o, int64_t before_ms) {
    sqlite3_stmt *st = q(o, Q_PURGE_SETTLED);
    sqlite3_bind_int64(st, 1, before_ms);
    return done(o, st);
}

int outbox_settled_since(outbox_t *o, char *period, size_t size) {
    sqlite3_stmt *st = q(o, Q_SETTLED_SINCE);
    int rc;
    period[0] = '\0';
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(period, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? (period[0] != '\0') : -1;
}

int outbox_load_settled_last(outbox_t *o, pending_t **out, size_t *n) {
    return load_rows(q(o, Q_LOAD_SETTLED_LAST), out, n);
}

int outbox_unsettle(outbox_t *o, int64_t id) {
    sqlite3_stmt *st = q(o, Q_UNSETTLE);
    sqlite3_bind_int64(st, 1, id);
    return done(o, st);
}

int64_t outbox_count_pending(outbox_t *o) {
    sqlite3_stmt *st = q(o, Q_COUNT_PENDING);
    int64_t n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
}
