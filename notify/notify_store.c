/* notify_store.c - the notification store (notify.db): what yuebao-notify owes, what it
 * sent, what each group last said, and the silences.
 *
 * Workload: a handful of writes per group message (tens a day, a few hundred on a bad
 * day), one read per delivery. So, like the other stores: WAL, synchronous=FULL,
 * numbered migrations, statements prepared once (util/db.h), one writer (the daemon's
 * main thread; the delivery threads never touch it).
 *
 * Never twice, never lost, in two transactions:
 *   1. deciding: the notice goes into `outbox` and its group's row in `groups` takes the
 *      new state (its hash and the firing alerts it lists) in ONE commit, so after a
 *      crash either both are there (the notice is owed and will go) or neither (the
 *      state is judged again and found new). A restart, a resync or a reconnect compares
 *      the group's state with `groups` and finds nothing new to say.
 *   2. delivered: after DELIVER_OK, the `log` row is written and the outbox row deleted
 *      in ONE commit. A SIGKILL between the receiver's answer and that commit leaves the
 *      row owed, and it goes again: at most that one message twice (at-least-once).
 * Alerts inside a row are a blob: per alert a status byte, starts and ends (8 bytes
 * each, little-endian), a 4-byte length and the alert as the wire codec writes it, so
 * every field comes back exactly and one decoder judges it.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "notifier.h"

static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE groups ("
    "  route TEXT NOT NULL, receiver TEXT NOT NULL, gkey TEXT NOT NULL,"
    "  sent_hash INTEGER NOT NULL, last_ms INTEGER NOT NULL, alerts BLOB NOT NULL,"
    "  PRIMARY KEY (route, receiver, gkey)) WITHOUT ROWID;"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY, receiver TEXT NOT NULL, route TEXT NOT NULL, gkey TEXT NOT NULL,"
    "  labels TEXT NOT NULL, kind INTEGER NOT NULL, made_at_ms INTEGER NOT NULL, hash INTEGER NOT NULL,"
    "  alerts BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_try_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX outbox_by_receiver ON outbox (receiver, id);"
    "CREATE TABLE log ("
    "  id INTEGER PRIMARY KEY, receiver TEXT NOT NULL, route TEXT NOT NULL, gkey TEXT NOT NULL,"
    "  kind INTEGER NOT NULL, hash INTEGER NOT NULL, n_alerts INTEGER NOT NULL, made_at_ms INTEGER NOT NULL,"
    "  done_at_ms INTEGER NOT NULL, outcome TEXT NOT NULL, attempts INTEGER NOT NULL, detail TEXT NOT NULL);"
    "CREATE TABLE silences ("
    "  id INTEGER PRIMARY KEY, matchers TEXT NOT NULL, starts_ms INTEGER NOT NULL, ends_ms INTEGER NOT NULL,"
    "  comment TEXT NOT NULL, created_by TEXT NOT NULL, created_key TEXT NOT NULL, created_ms INTEGER NOT "
    "NULL,"
    "  expired_by TEXT, expired_ms INTEGER);"
    "CREATE TABLE silence_audit ("
    "  id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, silence INTEGER NOT NULL, action TEXT NOT NULL,"
    "  actor TEXT NOT NULL, actor_key TEXT NOT NULL, detail TEXT NOT NULL);",
};
#define N_MIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

enum {
    Q_GET_META,
    Q_ADD_META,
    Q_GROUPS,
    Q_PUT_GROUP,
    Q_TOUCH_GROUP,
    Q_ENQUEUE,
    Q_NEXT_JOB,
    Q_JOB_LOG,
    Q_JOB_DELETE,
    Q_JOB_RETRY,
    Q_PENDING,
    Q_OLDEST,
    Q_LOG_COUNT,
    Q_SIL_ADD,
    Q_SIL_EXPIRE,
    Q_SIL_ACTIVE,
    Q_AUDIT,
    Q_COUNT
};

static const char *const sql[Q_COUNT] = {
    [Q_GET_META] = "SELECT value FROM meta WHERE key = ?1",
    [Q_ADD_META] = "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
    [Q_GROUPS] = "SELECT route, receiver, gkey, sent_hash, last_ms, alerts FROM groups",
    [Q_PUT_GROUP] = "INSERT OR REPLACE INTO groups (route, receiver, gkey, sent_hash, last_ms, alerts)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_TOUCH_GROUP] = "UPDATE groups SET last_ms = ?4 WHERE route = ?1 AND receiver = ?2 AND gkey = ?3",
    [Q_ENQUEUE] = "INSERT INTO outbox (receiver, route, gkey, labels, kind, made_at_ms, hash, alerts)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_NEXT_JOB] = "SELECT id, route, gkey, labels, kind, made_at_ms, hash, alerts, attempts, next_try_ms"
                   " FROM outbox WHERE receiver = ?1 ORDER BY id LIMIT 1",
    [Q_JOB_LOG] =
        "INSERT INTO log (receiver, route, gkey, kind, hash, n_alerts, made_at_ms, done_at_ms, outcome,"
        " attempts, detail) SELECT receiver, route, gkey, kind, hash, ?4, made_at_ms, ?2, ?3,"
        " attempts + 1, ?5 FROM outbox WHERE id = ?1",
    [Q_JOB_DELETE] = "DELETE FROM outbox WHERE id = ?1",
    [Q_JOB_RETRY] = "UPDATE outbox SET attempts = attempts + 1, next_try_ms = ?2 WHERE id = ?1",
    [Q_PENDING] = "SELECT count(*) FROM outbox WHERE receiver = ?1",
    [Q_OLDEST] = "SELECT id FROM outbox WHERE receiver = ?1 ORDER BY id LIMIT 1",
    [Q_LOG_COUNT] = "SELECT count(*) FROM log WHERE (?1 IS NULL OR receiver = ?1) AND outcome = ?2",
    [Q_SIL_ADD] =
        "INSERT INTO silences (matchers, starts_ms, ends_ms, comment, created_by, created_key, created_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [Q_SIL_EXPIRE] = "UPDATE silences SET expired_by = ?2, expired_ms = ?3, ends_ms = min(ends_ms, ?3)"
                     " WHERE id = ?1 AND ends_ms > ?3",
    [Q_SIL_ACTIVE] = "SELECT id, matchers, starts_ms, ends_ms, comment, created_by FROM silences"
                     " WHERE ends_ms > ?1 ORDER BY id",
    [Q_AUDIT] = "INSERT INTO silence_audit (at_ms, silence, action, actor, actor_key, detail)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

static const db_schema_t schema = {.what = N_("notification store"),
                                   .creator = N_("yuebao-notify"),
                                   .migrations = migrations,
                                   .n_migrations = N_MIGRATIONS,
                                   .statements = sql,
                                   .n_statements = Q_COUNT};

struct nstore {
    db_t *h;
    sqlite3 *db;
};

nstore_t *nstore_open(const char *path, char *err, size_t errsz) {
    nstore_t *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errsz, _("out of memory"));
        return NULL;
    }
    if (!(s->h = db_open(path, false, &schema, err, errsz))) {
        free(s);
        return NULL;
    }
    s->db = db_conn(s->h);
    return s;
}

void nstore_close(nstore_t **sp) {
    if (!sp || !*sp) return;
    db_close(&(*sp)->h);
    free(*sp);
    *sp = NULL;
}

struct sqlite3 *nstore_db(nstore_t *s) {
    return s->db;
}

static int step_done(nstore_t *s, sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return 0;
    log_error(_("notification store: %s"), sqlite3_errmsg(s->db));
    return -1;
}

static int begin(nstore_t *s) {
    if (db_begin(s->h) == 0) return 0;
    log_error("%s", db_error(s->h));
    return -1;
}

static int commit(nstore_t *s) {
    if (db_commit(s->h) == 0) return 0;
    log_error("%s", db_error(s->h));
    return -1;
}

static int fail(nstore_t *s) {
    db_rollback(s->h);
    return -1;
}

/* ---- alerts as a blob ------------------------------------------------------------------ */

static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t get64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

int nstore_encode_alerts(const notice_alert_t *a, size_t n, uint8_t **out, size_t *len) {
    size_t cap = 64, used = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) return -1;
    for (size_t i = 0; i < n; i++) {
        msg_t m;
        uint8_t *enc;
        size_t elen;
        memset(&m, 0, sizeof m);
        m.kind = MSG_ALERT;
        codec_new_id(m.id);
        m.alert = a[i].alert;
        if (m.alert.transition == TR_NONE) m.alert.transition = TR_ACTIVE;
        if (codec_encode(&m, &enc, &elen) < 0) goto oom;
        if (used + 21 + elen > cap) {
            uint8_t *nb;
            while (used + 21 + elen > cap)
                cap *= 2;
            if (!(nb = realloc(buf, cap))) {
                free(enc);
                goto oom;
            }
            buf = nb;
        }
        buf[used] = (uint8_t)a[i].status;
        put64(buf + used + 1, (uint64_t)a[i].starts_at_ms);
        put64(buf + used + 9, (uint64_t)a[i].ends_at_ms);
        buf[used + 17] = (uint8_t)elen;
        buf[used + 18] = (uint8_t)(elen >> 8);
        buf[used + 19] = (uint8_t)(elen >> 16);
        buf[used + 20] = (uint8_t)(elen >> 24);
        memcpy(buf + used + 21, enc, elen);
        used += 21 + elen;
        free(enc);
    }
    *out = buf;
    *len = used;
    return 0;
oom:
    free(buf);
    return -1;
}

int nstore_decode_alerts(const uint8_t *p, size_t len, notice_alert_t **out, size_t *n) {
    size_t at = 0, cap = 0;
    *out = NULL;
    *n = 0;
    while (at < len) {
        msg_t m;
        char err[256];
        size_t elen;
        notice_alert_t *na;
        if (len - at < 21) goto bad;
        elen = (size_t)p[at + 17] | (size_t)p[at + 18] << 8 | (size_t)p[at + 19] << 16 |
               (size_t)p[at + 20] << 24;
        if (elen > len - at - 21) goto bad;
        if (codec_decode(p + at + 21, elen, &m, err, sizeof err) != 0 || m.kind != MSG_ALERT) {
            msg_clear(&m);
            goto bad;
        }
        if (*n == cap) {
            notice_alert_t *g = realloc(*out, (cap = cap ? 2 * cap : 8) * sizeof **out);
            if (!g) {
                msg_clear(&m);
                goto bad;
            }
            *out = g;
        }
        na = &(*out)[(*n)++];
        memset(na, 0, sizeof *na);
        na->alert = m.alert;
        na->status = p[at] == NOTICE_RESOLVED ? NOTICE_RESOLVED : NOTICE_FIRING;
        na->starts_at_ms = (int64_t)get64(p + at + 1);
        na->ends_at_ms = (int64_t)get64(p + at + 9);
        notify_fingerprint(&na->alert, na->fingerprint);
        msg_clear(&m);
        at += 21 + elen;
    }
    return 0;
bad:
    free(*out);
    *out = NULL;
    *n = 0;
    return -1;
}

/* ---- meta ------------------------------------------------------------------------------ */

int nstore_first_start(nstore_t *s, int64_t now_ms, bool *first, int64_t *first_ms) {
    sqlite3_stmt *st = db_stmt(s->h, Q_GET_META);
    char v[32];
    int rc;
    sqlite3_bind_text(st, 1, "first_start_ms", -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *first = false;
        snprintf(v, sizeof v, "%s", (const char *)sqlite3_column_text(st, 0));
        *first_ms = strtoll(v, NULL, 10);
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        log_error(_("notification store: %s"), sqlite3_errmsg(s->db));
        return -1;
    }
    *first = true;
    *first_ms = now_ms;
    snprintf(v, sizeof v, "%lld", (long long)now_ms);
    st = db_stmt(s->h, Q_ADD_META);
    sqlite3_bind_text(st, 1, "first_start_ms", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, v, -1, SQLITE_TRANSIENT);
    return step_done(s, st);
}

/* ---- groups ---------------------------------------------------------------------------- */

int nstore_each_group(nstore_t *s, nstore_group_fn fn, void *arg) {
    sqlite3_stmt *st = db_stmt(s->h, Q_GROUPS);
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        nstore_group_t g;
        memset(&g, 0, sizeof g);
        snprintf(g.route, sizeof g.route, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(g.receiver, sizeof g.receiver, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(g.key, sizeof g.key, "%s", (const char *)sqlite3_column_text(st, 2));
        g.sent_hash = (uint64_t)sqlite3_column_int64(st, 3);
        g.last_ms = sqlite3_column_int64(st, 4);
        if (nstore_decode_alerts(sqlite3_column_blob(st, 5), (size_t)sqlite3_column_bytes(st, 5), &g.alerts,
                                 &g.n_alerts) < 0)
            log_warn(_("notification store: group %s of %s: its alerts cannot be read; taken as none"), g.key,
                     g.receiver);
        fn(&g, arg); /* fn takes g.alerts */
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        log_error(_("notification store: %s"), sqlite3_errmsg(s->db));
        return -1;
    }
    return n;
}

static void labels_text(const notice_t *n, char *out, size_t size) {
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n->n_labels && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s=%s", i ? "\n" : "", n->group_labels[i][0],
                                 n->group_labels[i][1]);
}

static void labels_parse(const char *t, notice_t *n) {
    n->n_labels = 0;
    while (*t && n->n_labels < 8) {
        size_t len = strcspn(t, "\n");
        const char *eq = memchr(t, '=', len);
        if (eq) {
            snprintf(n->group_labels[n->n_labels][0], 64, "%.*s", (int)(eq - t), t);
            snprintf(n->group_labels[n->n_labels][1], 64, "%.*s", (int)(len - (size_t)(eq - t) - 1), eq + 1);
            n->n_labels++;
        }
        t += len;
        if (*t) t++;
    }
}

int nstore_enqueue(nstore_t *s, const char *route, const notice_t *n, uint64_t hash,
                   const notice_alert_t *firing, size_t n_firing, bool touch_only) {
    uint8_t *blob = NULL, *gblob = NULL;
    size_t blen, glen;
    char labels[1200];
    sqlite3_stmt *st;
    if (nstore_encode_alerts(n->alerts, n->n_alerts, &blob, &blen) < 0 ||
        (!touch_only && nstore_encode_alerts(firing, n_firing, &gblob, &glen) < 0)) {
        free(blob);
        log_error(_("out of memory"));
        return -1;
    }
    labels_text(n, labels, sizeof labels);
    if (begin(s) < 0) goto oops;
    st = db_stmt(s->h, Q_ENQUEUE);
    sqlite3_bind_text(st, 1, n->receiver, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, route, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, n->group_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, labels, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, (int)n->kind);
    sqlite3_bind_int64(st, 6, n->made_at_ms);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)notify_state_hash(n->alerts, n->n_alerts));
    sqlite3_bind_blob(st, 8, blob, (int)blen, SQLITE_STATIC);
    if (step_done(s, st) < 0) goto rollback;
    if (touch_only) {
        st = db_stmt(s->h, Q_TOUCH_GROUP);
        sqlite3_bind_text(st, 1, route, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, n->receiver, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, n->group_key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, n->made_at_ms);
    } else {
        st = db_stmt(s->h, Q_PUT_GROUP);
        sqlite3_bind_text(st, 1, route, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, n->receiver, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, n->group_key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)hash);
        sqlite3_bind_int64(st, 5, n->made_at_ms);
        sqlite3_bind_blob(st, 6, gblob, (int)glen, SQLITE_STATIC);
    }
    if (step_done(s, st) < 0 || commit(s) < 0) goto rollback;
    free(blob);
    free(gblob);
    return 0;
rollback:
    fail(s);
oops:
    free(blob);
    free(gblob);
    return -1;
}

int nstore_put_group(nstore_t *s, const char *route, const char *receiver, const char *key, uint64_t hash,
                     int64_t last_ms, const notice_alert_t *firing, size_t n_firing) {
    uint8_t *blob = NULL;
    size_t len;
    sqlite3_stmt *st;
    int rc;
    if (nstore_encode_alerts(firing, n_firing, &blob, &len) < 0) {
        log_error(_("out of memory"));
        return -1;
    }
    st = db_stmt(s->h, Q_PUT_GROUP);
    sqlite3_bind_text(st, 1, route, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, receiver, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)hash);
    sqlite3_bind_int64(st, 5, last_ms);
    sqlite3_bind_blob(st, 6, blob, (int)len, SQLITE_STATIC);
    rc = step_done(s, st);
    free(blob);
    return rc;
}

/* ---- the outbox ------------------------------------------------------------------------ */

int nstore_next_job(nstore_t *s, const char *receiver, nstore_job_t *j) {
    sqlite3_stmt *st = db_stmt(s->h, Q_NEXT_JOB);
    int rc;
    memset(j, 0, sizeof *j);
    sqlite3_bind_text(st, 1, receiver, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) return 0;
        log_error(_("notification store: %s"), sqlite3_errmsg(s->db));
        return -1;
    }
    j->id = sqlite3_column_int64(st, 0);
    snprintf(j->route, sizeof j->route, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(j->notice.group_key, sizeof j->notice.group_key, "%s", (const char *)sqlite3_column_text(st, 2));
    labels_parse((const char *)sqlite3_column_text(st, 3), &j->notice);
    j->notice.kind = (notice_kind_t)sqlite3_column_int(st, 4);
    j->notice.made_at_ms = sqlite3_column_int64(st, 5);
    j->hash = (uint64_t)sqlite3_column_int64(st, 6);
    if (nstore_decode_alerts(sqlite3_column_blob(st, 7), (size_t)sqlite3_column_bytes(st, 7),
                             &j->notice.alerts, &j->notice.n_alerts) < 0) {
        log_error(_("notification store: outbox row %lld cannot be read"), (long long)j->id);
        j->unreadable = true;
    }
    j->attempts = sqlite3_column_int(st, 8);
    j->next_try_ms = sqlite3_column_int64(st, 9);
    sqlite3_reset(st);
    return 1;
}

void nstore_job_clear(nstore_job_t *j) {
    free(j->notice.alerts);
    memset(j, 0, sizeof *j);
}

int nstore_job_done(nstore_t *s, int64_t id, const char *outcome, size_t n_alerts, const char *detail,
                    int64_t now_ms) {
    sqlite3_stmt *st;
    if (begin(s) < 0) return -1;
    st = db_stmt(s->h, Q_JOB_LOG);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_text(st, 3, outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)n_alerts);
    sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
    if (step_done(s, st) < 0) return fail(s);
    st = db_stmt(s->h, Q_JOB_DELETE);
    sqlite3_bind_int64(st, 1, id);
    if (step_done(s, st) < 0 || commit(s) < 0) return fail(s);
    return 0;
}

int nstore_job_retry(nstore_t *s, int64_t id, int64_t next_try_ms) {
    sqlite3_stmt *st = db_stmt(s->h, Q_JOB_RETRY);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, next_try_ms);
    return step_done(s, st);
}

static long long count(nstore_t *s, int which, const char *a, const char *b) {
    sqlite3_stmt *st = db_stmt(s->h, which);
    long long n = -1;
    if (a) sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b) sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
}

long long nstore_pending(nstore_t *s, const char *receiver) {
    return count(s, Q_PENDING, receiver, NULL);
}

long long nstore_log_count(nstore_t *s, const char *receiver, const char *outcome) {
    return count(s, Q_LOG_COUNT, receiver, outcome);
}

int nstore_bound(nstore_t *s, const char *receiver, long long max, int64_t now_ms) {
    int dropped = 0;
    while (nstore_pending(s, receiver) > max) {
        sqlite3_stmt *st = db_stmt(s->h, Q_OLDEST);
        int64_t id;
        sqlite3_bind_text(st, 1, receiver, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            break;
        }
        id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (nstore_job_done(s, id, "dropped", 0, "max_pending", now_ms) < 0) return -1;
        dropped++;
    }
    return dropped;
}

/* ---- silences -------------------------------------------------------------------------- */

static void matchers_text(const silence_t *sil, char *out, size_t size) {
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sil->n_matchers && used < size; i++) {
        static const char *const names[LABEL_N] = {"county",   "zone",      "kind",
                                                   "severity", "indicator", "period"};
        used += (size_t)snprintf(out + used, size - used, "%s%s=%s", i ? "," : "",
                                 names[sil->matchers[i].label], sil->matchers[i].value);
    }
}

int nstore_silence_parse_matchers(const char *text, silence_t *sil, char *err, size_t errsz) {
    char buf[1024], *save = NULL;
    sil->n_matchers = 0;
    snprintf(buf, sizeof buf, "%s", text);
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (sil->n_matchers == NOTIFY_MAX_MATCHERS) {
            snprintf(err, errsz, _("more than %d matchers"), NOTIFY_MAX_MATCHERS);
            return -1;
        }
        if (matcher_parse(tok, &sil->matchers[sil->n_matchers], err, errsz) < 0) return -1;
        sil->n_matchers++;
    }
    if (!sil->n_matchers) {
        snprintf(err, errsz, _("a silence needs at least one matcher (e.g. zone=shancheng)"));
        return -1;
    }
    return 0;
}

static int audit(nstore_t *s, int64_t now_ms, int64_t id, const char *action, const char *actor,
                 const char *key, const char *detail) {
    sqlite3_stmt *st = db_stmt(s->h, Q_AUDIT);
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, detail, -1, SQLITE_STATIC);
    return step_done(s, st);
}

int nstore_silence_add(nstore_t *s, silence_t *sil, const char *actor_key, int64_t now_ms) {
    char m[1024];
    sqlite3_stmt *st;
    matchers_text(sil, m, sizeof m);
    if (begin(s) < 0) return -1;
    st = db_stmt(s->h, Q_SIL_ADD);
    sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, sil->starts_ms);
    sqlite3_bind_int64(st, 3, sil->ends_ms);
    sqlite3_bind_text(st, 4, sil->comment, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, sil->created_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, actor_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, now_ms);
    if (step_done(s, st) < 0) return fail(s);
    sil->id = sqlite3_last_insert_rowid(s->db);
    if (audit(s, now_ms, sil->id, "add", sil->created_by, actor_key, m) < 0 || commit(s) < 0) return fail(s);
    return 0;
}

int nstore_silence_expire(nstore_t *s, int64_t id, const char *actor, const char *actor_key, int64_t now_ms) {
    sqlite3_stmt *st;
    int changed;
    if (begin(s) < 0) return -1;
    st = db_stmt(s->h, Q_SIL_EXPIRE);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ms);
    if (step_done(s, st) < 0) return fail(s);
    changed = sqlite3_changes(s->db);
    if (changed && audit(s, now_ms, id, "expire", actor, actor_key, "") < 0) return fail(s);
    if (commit(s) < 0) return fail(s);
    return changed ? 1 : 0;
}

int nstore_silences(nstore_t *s, int64_t now_ms, silence_t **out, size_t *n) {
    sqlite3_stmt *st = db_stmt(s->h, Q_SIL_ACTIVE);
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    sqlite3_bind_int64(st, 1, now_ms);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        silence_t sil;
        char err[256];
        memset(&sil, 0, sizeof sil);
        sil.id = sqlite3_column_int64(st, 0);
        if (nstore_silence_parse_matchers((const char *)sqlite3_column_text(st, 1), &sil, err, sizeof err) <
            0)
            continue;
        sil.starts_ms = sqlite3_column_int64(st, 2);
        sil.ends_ms = sqlite3_column_int64(st, 3);
        snprintf(sil.comment, sizeof sil.comment, "%s", (const char *)sqlite3_column_text(st, 4));
        snprintf(sil.created_by, sizeof sil.created_by, "%s", (const char *)sqlite3_column_text(st, 5));
        if (*n == cap) {
            silence_t *g = realloc(*out, (cap = cap ? 2 * cap : 8) * sizeof **out);
            if (!g) break;
            *out = g;
        }
        (*out)[(*n)++] = sil;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        log_error(_("notification store: %s"), sqlite3_errmsg(s->db));
        return -1;
    }
    return 0;
}
