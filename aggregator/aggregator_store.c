/* aggregator_store.c - opening the report store at start: never serve from a damaged one.
 *
 * A store that SQLite finds malformed (a damaged page, a truncated file, not a database
 * at all) is refused before anything writes to it, with one line naming the file and
 * what to do: the collectors have forgotten what was acknowledged, so serving from a
 * half-readable store would lose reports without a word. quick_check reads every page
 * once; at a quarter of a second for ten thousand zones' year it is cheap enough for
 * every start.
 *
 * What SQLite cannot see is a write-ahead log that lost its tail (truncated, deleted, or
 * a frame after which SQLite by design ignores the rest): the store is then whole, only
 * older. So the start-up line says what the store holds and when it last committed; an
 * operator (and the collectors' reconcile) compares that with what was acknowledged.
 * A high-water mark kept inside the database would be lost with the same log, and one
 * in a sidecar file would cost a second fsync per group commit, or be as stale as its
 * last write: neither is done here.
 */
#include <errno.h>
#include <string.h>

#include "aggregator.h"
#include "log.h"
#include "period.h"
#include "util.h"

static void refuse_damaged(const char *path, const char *why) {
    log_fatal("report store %s is damaged (%s): not starting on it, and nothing was written to it. Stop "
              "here, keep a copy of the file (and %s-wal if present), then restore the last backup, or "
              "salvage what is readable: sqlite3 %s .recover | sqlite3 recovered.db (docs/operations.md, "
              "\"A damaged report store\")",
              path, why, path, path);
}

int aggregator_store_open(aggregator_t *a) {
    char err[1024] = "";
    rstore_summary_t sum;
    int rc = rstore_check(a->cfg.store, err, sizeof err);
    if (rc == -2) refuse_damaged(a->cfg.store, err);
    if (rc < 0) {
        log_error("report store %s cannot be checked: %s", a->cfg.store, err);
        return -1;
    }
    if (util_mkdir_parent(a->cfg.store) < 0) {
        log_error("store folder for %s: %s", a->cfg.store, strerror(errno));
        return -1;
    }
    a->store = rstore_open(a->cfg.store, false, err, sizeof err);
    if (!a->store) {
        log_error("report store: %s", err);
        return -1;
    }
    if (rstore_summary(a->store, &sum) < 0) return -1;
    if (sum.latest_ms) {
        char latest[20];
        clock_format(sum.latest_ms, latest);
        log_info("report store %s: %lld current report(s) in %lld period(s), %lld revision(s) accepted, the "
                 "latest committed %s (Asia/Shanghai)",
                 a->cfg.store, (long long)sum.reports, (long long)sum.periods, (long long)sum.revisions,
                 latest);
    } else {
        log_info("report store %s: empty", a->cfg.store);
    }
    return 0;
}
