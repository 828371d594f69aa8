/* db.c - opening yuebao's SQLite stores (see db.h). */
#include "db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"

int db_exec(sqlite3 *db, const char *path, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_error("%s: %s", path, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int user_version(sqlite3 *db) {
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int migrate(sqlite3 *db, const char *path, const db_schema_t *sc, char *err, size_t errsz) {
    int v = user_version(db);
    if (v < 0) {
        snprintf(err, errsz, "%s: cannot read schema version", path);
        return -1;
    }
    if (v > sc->n_migrations) {
        snprintf(err, errsz, "%s: schema version %d is newer than this program (%d)", path, v,
                 sc->n_migrations);
        return -1;
    }
    for (; v < sc->n_migrations; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (db_exec(db, path, "BEGIN IMMEDIATE") < 0) goto fail;
        if (db_exec(db, path, sc->migrations[v]) < 0 || db_exec(db, path, pragma) < 0) {
            db_exec(db, path, "ROLLBACK");
            goto fail;
        }
        if (db_exec(db, path, "COMMIT") < 0) goto fail;
        log_info("%s: schema migrated to version %d", path, v + 1);
    }
    return 0;
fail:
    snprintf(err, errsz, "%s: migration to schema version %d failed: %s", path, v + 1, sqlite3_errmsg(db));
    return -1;
}

sqlite3 *db_open(const char *path, bool readonly, const db_schema_t *sc, char *err, size_t errsz) {
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    sqlite3 *db = NULL;
    if (readonly && access(path, F_OK) != 0) {
        snprintf(err, errsz, "%s: no such file (%s creates the %s when it first starts)", path, sc->creator,
                 sc->what);
        return NULL;
    }
    if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(db, 5000);
    if (!readonly) {
        if (db_exec(db, path, "PRAGMA journal_mode = WAL") < 0 ||
            db_exec(db, path, "PRAGMA synchronous = FULL") < 0 ||
            (sc->writer_pragmas && db_exec(db, path, sc->writer_pragmas) < 0)) {
            snprintf(err, errsz, "%s: cannot set WAL mode: %s", path, sqlite3_errmsg(db));
            goto fail;
        }
        if (migrate(db, path, sc, err, errsz) < 0) goto fail;
    } else {
        int v = user_version(db);
        if (v != sc->n_migrations) {
            snprintf(err, errsz, "%s: schema version %d, this program reads %d%s", path, v, sc->n_migrations,
                     v <= 0 ? " (not a yuebao store of this kind, or not created yet)" : "");
            goto fail;
        }
    }
    return db;
fail:
    sqlite3_close(db);
    return NULL;
}
