/* db.h - a SQLite database opened the way every yuebao store is.
 *
 * Mechanism shared by the report store (rstore) and the score store (sstore): the one
 * writer opens with WAL and synchronous=FULL (a COMMIT that returned survives power
 * loss) and applies the numbered migrations it knows, each in its own transaction,
 * recording progress in PRAGMA user_version; readers open read-only with a busy
 * timeout and refuse a store of another schema version, so a reader never guesses.
 */
#ifndef YB_DB_H
#define YB_DB_H

#include <stdbool.h>
#include <stddef.h>

struct sqlite3;

typedef struct {
    const char *what;              /* "report store": for messages */
    const char *creator;           /* "the aggregator": who creates it, for readers' messages */
    const char *const *migrations; /* migrations[v] takes schema version v to v + 1 */
    int n_migrations;
    const char *writer_pragmas; /* more PRAGMAs for the writer, or NULL */
} db_schema_t;

/* Opens path as schema describes. Returns the connection, or NULL with "path: what went
 * wrong" in err (a reader: no such file, not created yet, another version). */
struct sqlite3 *db_open(const char *path, bool readonly, const db_schema_t *schema, char *err, size_t errsz);

/* Runs sql (no results); on failure logs "path: message" and returns -1. */
int db_exec(struct sqlite3 *db, const char *path, const char *sql);

#endif
