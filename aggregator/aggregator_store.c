/* aggregator_store.c - opening the report store at start: never serve from a damaged one.
 *
 * A store that SQLite finds malformed (a damaged page, a truncated file, not a database
 * at all) is refused before anything writes to it, with one line naming the file and
 * what to do: the collectors have forgotten what was acknowledged, so serving from a
 * half-readable store would lose reports without a word. quick_check reads every page
 * once; at a quarter of a second for ten thousand zones' year it is cheap enough for
 * every start.
 *
 * The write-ahead log is read before SQLite opens it. SQLite keeps its frames up to the
 * first one whose checksum fails and, by design, ignores the rest: normal after a power
 * cut, when only the transaction being written can be torn. But the next transaction is
 * written only after the previous one's fsync returned, so two or more commit frames of
 * the same log (same salts) after the broken frame mean that committed — acknowledged —
 * transactions follow it: the log is damaged, and opening it would drop them silently
 * (and the first write would overwrite them). That is refused too, before any open.
 *
 * What no check can see is a log that lost its tail (truncated, deleted) or a damaged
 * frame in the last committed transaction: the store is then whole, only older. So the
 * start-up line says what the store holds and when it last committed; an operator (and
 * the collectors' reconcile) compares that with what was acknowledged. A high-water mark
 * kept inside the database would be lost with the same log, and one in a sidecar file
 * would cost a second fsync per group commit, or be as stale as its last write: neither
 * is done here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "i18n.h"
#include "log.h"
#include "clock.h"
#include "util.h"

/* The WAL's 32-bit words are big-endian; its checksums are over native or big-endian
 * words as the magic number says. */
static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wal_checksum(const uint8_t *p, size_t n, bool big_endian, uint32_t s[2]) {
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint32_t x0, x1;
        if (big_endian) {
            x0 = be32(p + i);
            x1 = be32(p + i + 4);
        } else {
            memcpy(&x0, p + i, 4);
            memcpy(&x1, p + i + 4, 4);
        }
        s[0] += x0 + s[1];
        s[1] += x1 + s[0];
    }
}

/* Reads path-wal: 0 when absent, whole, or broken only in its last transaction; 1 when
 * committed transactions follow a broken frame (why says where); -1 unreadable (why). */
static int wal_check(const char *path, char *why, size_t whysz) {
    char wal[1100];
    uint8_t hdr[32], fh[24], *page = NULL;
    uint32_t s[2] = {0, 0}, page_size, salt1, salt2;
    bool be, broken = false;
    long frame = 0, broken_at = 0, commits_after = 0;
    int rc = 0;
    FILE *f;
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (!(f = fopen(wal, "rb"))) return 0; /* no log: nothing to lose there */
    if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr || (be32(hdr) & ~1u) != 0x377f0682u) goto out;
    be = be32(hdr) & 1u;
    page_size = be32(hdr + 8);
    if (page_size == 1) page_size = 65536;
    if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1))) goto out;
    wal_checksum(hdr, 24, be, s);
    if (s[0] != be32(hdr + 24) || s[1] != be32(hdr + 28)) goto out; /* a log SQLite ignores whole */
    salt1 = be32(hdr + 16);
    salt2 = be32(hdr + 20);
    if (!(page = malloc(page_size))) {
        snprintf(why, whysz, _("%s: out of memory"), wal);
        rc = -1;
        goto out;
    }
    while (fread(fh, 1, sizeof fh, f) == sizeof fh && fread(page, 1, page_size, f) == page_size) {
        bool ours = be32(fh + 8) == salt1 && be32(fh + 12) == salt2;
        frame++;
        if (broken) {
            if (ours && be32(fh + 4) != 0) commits_after++;
            continue;
        }
        if (!ours) break; /* a frame of an earlier log: the end of this one */
        wal_checksum(fh, 8, be, s);
        wal_checksum(page, page_size, be, s);
        if (s[0] != be32(fh + 16) || s[1] != be32(fh + 20)) {
            broken = true;
            broken_at = frame;
        }
    }
    if (ferror(f)) {
        snprintf(why, whysz, "%s: %s", wal, strerror(errno));
        rc = -1;
    } else if (commits_after >= 2) {
        snprintf(
            why, whysz,
            _("its write-ahead log %s has a damaged frame (%ld), and %ld committed transactions after it that "
            "SQLite would drop without a word"),
            wal, broken_at, commits_after);
        rc = 1;
    }
out:
    free(page);
    fclose(f);
    return rc;
}

static void refuse_damaged(const char *path, const char *why) {
    log_fatal(_("report store %s is damaged (%s): not starting on it, and nothing was written to it. Stop "
              "here, keep a copy of the file (and %s-wal if present), then restore the last backup, or "
              "salvage what is readable: sqlite3 %s .recover | sqlite3 recovered.db (docs/operations.md, "
              "\"A damaged report store\")"),
              path, why, path, path);
}

static void refuse_damaged_wal(const char *path, const char *why) {
    log_fatal(_("report store %s is damaged: %s. Not starting on it, and nothing was written to it. Stop here, "
              "keep a copy of %s and %s-wal, then restore the last backup, or keep what the log holds up to "
              "the damage and have the counties send the rest again: sqlite3 %s 'PRAGMA "
              "wal_checkpoint(TRUNCATE)' (docs/operations.md, \"A damaged report store\")"),
              path, why, path, path, path);
}

int aggregator_store_open(aggregator_t *a) {
    char err[2048] = "";
    rstore_summary_t sum;
    int rc = wal_check(a->cfg.store, err, sizeof err);
    if (rc == 1) refuse_damaged_wal(a->cfg.store, err);
    if (rc < 0) {
        log_error(_("report store %s cannot be checked: %s"), a->cfg.store, err);
        return -1;
    }
    rc = rstore_check(a->cfg.store, err, sizeof err);
    if (rc == -2) refuse_damaged(a->cfg.store, err);
    if (rc < 0) {
        log_error(_("report store %s cannot be checked: %s"), a->cfg.store, err);
        return -1;
    }
    /* its folder exists: aggregator.c made it before taking the store's lock */
    a->store = rstore_open(a->cfg.store, false, err, sizeof err);
    if (!a->store) {
        log_error(_("report store: %s"), err);
        return -1;
    }
    if (rstore_summary(a->store, &sum) < 0) return -1;
    if (sum.latest_ms) {
        char latest[20];
        clock_format(sum.latest_ms, latest);
        log_info(_("report store %s: %lld current report(s) in %lld period(s), %lld revision(s) accepted, the "
                 "latest committed %s (Asia/Shanghai)"),
                 a->cfg.store, (long long)sum.reports, (long long)sum.periods, (long long)sum.revisions,
                 latest);
    } else {
        log_info(_("report store %s: empty"), a->cfg.store);
    }
    return 0;
}
