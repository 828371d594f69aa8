/* db.h - db_t: a SQLite database opened the way every yuebao store is.
 *
 * Mechanism shared by every store above util/ (each a SQLite file with one writing
 * program and any number of readers). A store describes itself once in a db_schema_t -
 * its numbered migrations and the statements it runs - and db_open() gives it a handle
 * that has opened, migrated and prepared it; the store keeps only its queries.
 *
 * The one writer opens with WAL and synchronous=FULL (a COMMIT that returned survives
 * power loss) and applies the migrations the file lacks, each in a transaction of its
 * own that also records it in PRAGMA user_version, so a crash between two leaves a file
 * whose version is true. Readers open read-only with a busy timeout and refuse a file of
 * another version, so a reader never guesses at columns. Every statement is prepared
 * once at open - a column that is not there fails at start-up, not in the middle of
 * serving - and finalized at close; a reader holds the write statements too, but its
 * connection is read-only, so they fail if stepped.
 *
 * Transactions: db_begin() takes the write lock at once (BEGIN IMMEDIATE), so a batch
 * never fails half way for a lock; a failed db_commit() leaves no transaction open, so
 * a caller never has to tell "rolled back by SQLite" from "still open".
 */
#ifndef YB_DB_H
#define YB_DB_H

#include <stdbool.h>
#include <stddef.h>

struct sqlite3;
struct sqlite3_stmt;

typedef struct db db_t;

typedef struct {
    const char *what;              /* what the file is ("item list"), for messages; N_() */
    const char *creator;           /* who creates it ("the item keeper"), for readers'; N_() */
    const char *const *migrations; /* migrations[v] takes schema version v to v + 1 */
    int n_migrations;
    const char *writer_pragmas;    /* more PRAGMAs for the writer, or NULL */
    const char *const *statements; /* statements[i] is what db_stmt(db, i) runs; none NULL */
    int n_statements;
    /* For a store that once wrote one user_version whatever its tables held: given the
     * user_version read, how many of the migrations the file has really had (found by
     * looking at it), or -1 on an error. Called at open, before migrating or, in a
     * reader, before the version check. NULL: user_version is the truth. */
    int (*version_of)(db_t *db, int user_version);
} db_schema_t;

/* Opens path as schema describes: a writer creates the file if need be and migrates it
 * to schema->n_migrations; a reader opens it read-only and only at that version. Then
 * prepares every statement. Returns the handle (db_close it), or NULL with "path: what
 * went wrong" in err (a reader: no such file, not created yet, another version). schema
 * is borrowed for the handle's life. */
db_t *db_open(const char *path, bool readonly, const db_schema_t *schema, char *err, size_t errsz);

/* Finalizes the statements, closes the connection and sets *db to NULL; NULL-safe. */
void db_close(db_t **db);

/* Statement `which` of the schema, reset and with its bindings cleared, ready for a new
 * run. Borrowed until db_close; step it, then sqlite3_reset it (a statement left
 * stepping keeps its read transaction open). */
struct sqlite3_stmt *db_stmt(db_t *db, int which);

/* BEGIN IMMEDIATE: 0; -2 when another connection holds the write lock past the busy
 * timeout (SQLITE_BUSY); -1 on any other failure, or on a read-only handle. Neither
 * failure is logged: the reason is in db_error(). */
int db_begin(db_t *db);
/* COMMIT: 0, or -1 with the reason in db_error() (not logged). On failure no
 * transaction is open, whatever SQLite did (rolled back itself, or left it open and we
 * rolled it back): nothing of it is stored. */
int db_commit(db_t *db);
/* ROLLBACK of the open transaction; 0 when none is open (SQLite may have rolled back
 * after a failed statement). -1 (logged) if the rollback itself fails. */
int db_rollback(db_t *db);
/* Why the last db_begin() or db_commit() failed ("path: statement: message"), or "no
 * error". */
const char *db_error(const db_t *db);

/* The connection, for the store's own queries (sqlite3_changes, last_insert_rowid,
 * errmsg) and for tests. Borrowed. */
struct sqlite3 *db_conn(db_t *db);
/* The path it was opened with. Borrowed. */
const char *db_path(const db_t *db);
/* Whether it was opened read-only. */
bool db_readonly(const db_t *db);

/* Runs sql (no results) on conn; on failure logs "where: message" and returns -1. For
 * a connection borrowed from a store (where names it), and for migrations. */
int db_exec(struct sqlite3 *conn, const char *where, const char *sql);

#endif
