/* db.c - db_t, the SQLite handle of every yuebao store (see db.h). */
#include "db.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"

struct db {
    sqlite3 *conn;
    const db_schema_t *schema;
    bool readonly;
    sqlite3_stmt **stmt; /* schema->n_statements, prepared at open */
    char *path;
    char err[1536]; /* why the last db_begin or db_commit failed */
};

int db_exec(sqlite3 *conn, const char *where, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_error("%s: %s", where, msg ? msg : sqlite3_errmsg(conn));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int user_version(sqlite3 *conn) {
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(conn, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The schema version of the file: its user_version, as the store's version_of reads it. */
static int version(db_t *db) {
    int v = user_version(db->conn);
    if (v >= 0 && db->schema->version_of) v = db->schema->version_of(db, v);
    return v;
}

static int migrate(db_t *db, char *err, size_t errsz) {
    const db_schema_t *sc = db->schema;
    int said = user_version(db->conn), v = version(db);
    if (v < 0) {
        snprintf(err, errsz, _("%s: cannot read schema version"), db->path);
        return -1;
    }
    if (v > sc->n_migrations) {
        snprintf(err, errsz, _("%s: schema version %d is newer than this program (%d)"), db->path, v,
                 sc->n_migrations);
        return -1;
    }
    if (v != said) { /* version_of found another version than the file says: from now on it says that */
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v);
        if (db_exec(db->conn, db->path, pragma) < 0) {
            snprintf(err, errsz, _("%s: cannot record schema version %d: %s"), db->path, v,
                     sqlite3_errmsg(db->conn));
            return -1;
        }
        log_info(_("%s: schema version %d, found by its tables (it said %d)"), db->path, v, said);
    }
    for (; v < sc->n_migrations; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (db_exec(db->conn, db->path, "BEGIN IMMEDIATE") < 0) goto fail;
        if (db_exec(db->conn, db->path, sc->migrations[v]) < 0 || db_exec(db->conn, db->path, pragma) < 0) {
            snprintf(err, errsz, _("%s: migration to schema version %d failed: %s"), db->path, v + 1,
                     sqlite3_errmsg(db->conn));
            db_exec(db->conn, db->path, "ROLLBACK");
            return -1;
        }
        if (db_exec(db->conn, db->path, "COMMIT") < 0) goto fail;
        log_info(_("%s: schema migrated to version %d"), db->path, v + 1);
    }
    return 0;
fail:
    snprintf(err, errsz, _("%s: migration to schema version %d failed: %s"), db->path, v + 1,
             sqlite3_errmsg(db->conn));
    return -1;
}

db_t *db_open(const char *path, bool readonly, const db_schema_t *sc, char *err, size_t errsz) {
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    db_t *db;
    if (readonly && access(path, F_OK) != 0) {
        snprintf(err, errsz, _("%s: no such file (%s creates the %s when it first starts)"), path, _(sc->creator),
                 _(sc->what));
        return NULL;
    }
    db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path)) ||
        !(db->stmt = calloc(sc->n_statements > 0 ? (size_t)sc->n_statements : 1, sizeof *db->stmt))) {
        snprintf(err, errsz, _("%s: out of memory"), path);
        goto fail;
    }
    db->schema = sc;
    db->readonly = readonly;
    if (sqlite3_open_v2(path, &db->conn, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "%s: %s", path, db->conn ? sqlite3_errmsg(db->conn) : _("cannot open"));
        goto fail;
    }
    sqlite3_busy_timeout(db->conn, 5000);
    if (!readonly) {
        if (db_exec(db->conn, path, "PRAGMA journal_mode = WAL") < 0 ||
            db_exec(db->conn, path, "PRAGMA synchronous = FULL") < 0 ||
            (sc->writer_pragmas && db_exec(db->conn, path, sc->writer_pragmas) < 0)) {
            snprintf(err, errsz, _("%s: cannot set WAL mode: %s"), path, sqlite3_errmsg(db->conn));
            goto fail;
        }
        if (migrate(db, err, errsz) < 0) goto fail;
    } else {
        int v = version(db);
        if (v < 0) {
            snprintf(err, errsz, _("%s: cannot read schema version: %s"), path, sqlite3_errmsg(db->conn));
            goto fail;
        }
        if (v != sc->n_migrations) {
            char why[160] = "";
            if (v <= 0)
                snprintf(why, sizeof why, _(" (not a yuebao store of this kind, or not created yet)"));
            else if (v < sc->n_migrations)
                snprintf(why, sizeof why, _(" (%s upgrades the %s when it next starts)"), _(sc->creator), _(sc->what));
            snprintf(err, errsz, _("%s: schema version %d, this program reads %d%s"), path, v, sc->n_migrations,
                     why);
            goto fail;
        }
    }
    for (int i = 0; i < sc->n_statements; i++) {
        assert(sc->statements[i] && "every statement of a schema has its SQL");
        if (sqlite3_prepare_v3(db->conn, sc->statements[i], -1, SQLITE_PREPARE_PERSISTENT, &db->stmt[i],
                               NULL) != SQLITE_OK) {
            snprintf(err, errsz, "%s: %s", path, sqlite3_errmsg(db->conn));
            goto fail;
        }
    }
    return db;
fail:
    db_close(&db);
    return NULL;
}

void db_close(db_t **dbp) {
    db_t *db;
    if (!dbp || !*dbp) return;
    db = *dbp;
    for (int i = 0; db->stmt && i < db->schema->n_statements; i++)
        sqlite3_finalize(db->stmt[i]);
    if (db->conn) sqlite3_close(db->conn);
    free(db->stmt);
    free(db->path);
    free(db);
    *dbp = NULL;
}

sqlite3_stmt *db_stmt(db_t *db, int which) {
    sqlite3_stmt *st;
    assert(which >= 0 && which < db->schema->n_statements);
    st = db->stmt[which];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

/* Runs a transaction statement; on failure the reason goes into db->err, not the log:
 * the caller knows what the failure means for its work and says it in one line. */
static int tx(db_t *db, const char *sql) {
    char *msg = NULL;
    int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK) {
        db->err[0] = '\0';
        return 0;
    }
    snprintf(db->err, sizeof db->err, "%s: %s: %s", db->path, sql, msg ? msg : sqlite3_errmsg(db->conn));
    sqlite3_free(msg);
    return (rc & 0xff) == SQLITE_BUSY ? -2 : -1;
}

int db_begin(db_t *db) {
    if (db->readonly) {
        snprintf(db->err, sizeof db->err, _("%s: opened read-only; cannot write"), db->path);
        return -1;
    }
    return tx(db, "BEGIN IMMEDIATE");
}

int db_commit(db_t *db) {
    int rc = tx(db, "COMMIT");
    /* COMMIT may fail with the transaction still open (a busy or deferred-constraint
     * failure) or already rolled back by SQLite (I/O error, disk full, a vetoing hook):
     * either way the caller ends up with none open and nothing of it stored. */
    if (rc < 0 && !sqlite3_get_autocommit(db->conn)) sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
    return rc < 0 ? -1 : 0;
}

int db_rollback(db_t *db) {
    if (sqlite3_get_autocommit(db->conn)) return 0; /* SQLite rolled back already: nothing open */
    return db_exec(db->conn, db->path, "ROLLBACK");
}

const char *db_error(const db_t *db) {
    return db->err[0] ? db->err : _("no error");
}

sqlite3 *db_conn(db_t *db) {
    return db->conn;
}

const char *db_path(const db_t *db) {
    return db->path;
}

bool db_readonly(const db_t *db) {
    return db->readonly;
}
