/* rstore.h - the report store: the aggregator's SQLite database, read by scorer and CLI.
 *
 * One writer (the aggregator) and any number of read-only readers, in WAL mode with
 * synchronous=FULL so a COMMIT that returned survives power loss. Tables:
 *   reports        current revision per (period, zone), with its content bytes
 *   report_values  current values keyed (period, zone, indicator)
 *   report_history every revision ever accepted: who sent it and when
 *   history_values the values of every revision, keyed by history id
 *   projects       current key-project rows
 *   enterprises    key-enterprise rows (重点企业运行) of every revision, keyed by history id
 *   issues         warnings stored with a revision
 *   rejections     every rejected report, with the reason, for status and audit
 *   period_transitions  every approval, publication and unlock of a period (city or
 *                  county): who (the approver key's name and the key), when, comment,
 *                  reason, from and to; a scope's current state is its last row
 * Keys lead with the period: reports arrive month by month, so inserts append to the
 * B-trees instead of scattering across them.
 */
#ifndef YB_RSTORE_H
#define YB_RSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "approval.h"
#include "diag.h"
#include "report.h"

typedef struct rstore rstore_t;

/* Opens the store at path. Writers create it and apply numbered migrations; readers
 * open read-only with a busy timeout and refuse a store newer than they know.
 * Returns NULL with a message in err. */
rstore_t *rstore_open(const char *path, bool readonly, char *err, size_t errsz);

/* Before the writer opens it: is the store at path whole? Opens it read-only (nothing is
 * written to a damaged file) and runs PRAGMA quick_check, which reads every page once —
 * a quarter of a second for ten thousand zones' year (145 MB), warm. 0 when whole or not
 * there yet; -2 when damaged (SQLITE_CORRUPT, SQLITE_NOTADB or a quick_check finding;
 * what SQLite said, escaped, in err); -1 when it cannot be checked (permissions, I/O). */
int rstore_check(const char *path, char *err, size_t errsz);

/* What a store holds, for the start-up line an operator compares with what was acked. */
typedef struct {
    int64_t reports;   /* current (period, zone) reports */
    int64_t periods;   /* periods with a current report */
    int64_t revisions; /* accepted revisions ever */
    int64_t latest_ms; /* the latest commit, 0 if none */
} rstore_summary_t;

/* Fills *out. 0, or -1 (logged) on a store error. */
int rstore_summary(rstore_t *s, rstore_summary_t *out);

/* Closes and sets *s to NULL; NULL-safe. */
void rstore_close(rstore_t **s);

/* BEGIN IMMEDIATE: 0; -2 when another connection holds the write lock past the busy
 * timeout (SQLITE_BUSY: an analyst's open transaction; try again later); -1 on any
 * other failure. Neither failure is logged: the reason is in rstore_error(). */
int rstore_begin(rstore_t *s);
/* COMMIT: 0, or -1 with the reason in rstore_error() (not logged); on failure the
 * transaction is over whatever SQLite did (rolled back by it, or by us), so nothing
 * of it is stored and no ROLLBACK is needed. */
int rstore_commit(rstore_t *s);
/* ROLLBACK of the open transaction; 0 when none is open (SQLite may already have rolled
 * back after a failed statement). -1 (logged) if the rollback itself fails. */
int rstore_rollback(rstore_t *s);
/* How long a statement waits for a lock another connection holds before failing with
 * SQLITE_BUSY (opened with 5 s). The aggregator's poll loop sets a short one, so that an
 * analyst's open write transaction costs it a retry, not a frozen loop. */
void rstore_set_busy_timeout(rstore_t *s, int ms);
/* The reason the last rstore_begin or rstore_commit failed ("path: statement: message"). */
const char *rstore_error(const rstore_t *s);

/* Checkpoints off the commit path. SQLite copies the write-ahead log into the database
 * (and fsyncs it) inside the COMMIT that takes the log past 1 000 pages, so that one
 * commit's acks wait for the whole copy. After rstore_defer_checkpoints(s), s's commits
 * never checkpoint; rstore_wal_pages(s) tells the log's size after its last commit, and
 * whoever owns s runs rstore_checkpoint on a second connection to the same store
 * (a PASSIVE checkpoint: it copies what no reader still needs, beside the writer's
 * commits, without blocking them). The log then restarts from its beginning at a later
 * commit. rstore_checkpoint: 0, or -1 (logged). */
void rstore_defer_checkpoints(rstore_t *s);
int rstore_wal_pages(const rstore_t *s);
int rstore_checkpoint(rstore_t *s);

/* The current revision of (zone, period): 1 with *revision set, 0 if none, -1 on error. */
int rstore_current_revision(rstore_t *s, const char *zone, const char *period, uint32_t *revision);

/* The content bytes and commit time of a stored revision: 1 found (caller frees
 * *content), 0 if that revision was never stored, -1 on error. */
int rstore_revision_content(rstore_t *s, const char *zone, const char *period, uint32_t revision,
                            uint8_t **content, size_t *len, int64_t *stored_at_ms);

/* Stores r as the new current revision: history row, its values and warnings,
 * current values replaced, projects replaced, its enterprise rows added beside those of
 * earlier revisions. Must run inside rstore_begin().
 * 0, or -1 on a database error (the caller rolls back). */
int rstore_apply(rstore_t *s, const report_t *r, const char *county, const char *sender,
                 const uint8_t *content, size_t content_len, const diag_list_t *warnings, int64_t now_ms);

/* Records a rejected report with its reasons (one line each). Inside a transaction. */
int rstore_record_rejection(rstore_t *s, const char *county, const report_t *r, const diag_list_t *errors,
                            int64_t now_ms);

/* Loads the current values (and revision) of (zone, period) into *out (zeroed
 * first). 1 found, 0 none, -1 error. */
int rstore_load_report(rstore_t *s, const char *zone, const char *period, report_t *out);

/* Adds what the current report of (zone, period) says besides its figures to *out (a
 * report from rstore_load_report, or zeroed): its 存在问题 and 下一步措施 (replacing
 * out's) and its key projects (appended, by project code). Kept apart from
 * rstore_load_report, whose report the aggregator merges corrections with. 1 found, 0
 * no current report, -1 error or out of memory (logged; out keeps what was added). */
int rstore_load_projects_texts(rstore_t *s, const char *zone, const char *period, report_t *out);

/* Runs fn once per current value of period, in (zone, indicator) order. Returns the
 * number of rows, or -1 on error. */
typedef void (*rstore_value_fn)(const char *zone, const char *indicator, double amount, bool has_growth,
                                double growth_pct, void *arg);
int rstore_each_value(rstore_t *s, const char *period, rstore_value_fn fn, void *arg);

/* Runs fn once per current report of period (zone order). Returns count or -1. */
typedef void (*rstore_report_fn)(const char *zone, uint32_t revision, const char *county,
                                 int64_t stored_at_ms, void *arg);
int rstore_each_report(rstore_t *s, const char *period, rstore_report_fn fn, void *arg);

/* rstore_each_value and rstore_each_report of one zone of period only (a period's
 * matrix kept in memory, brought up to date zone by zone: values_reload_zone). */
int rstore_each_value_of(rstore_t *s, const char *period, const char *zone, rstore_value_fn fn, void *arg);
int rstore_each_report_of(rstore_t *s, const char *period, const char *zone, rstore_report_fn fn, void *arg);

/* Runs fn once per period with at least one current report, oldest first. Returns the
 * number of periods, or -1 on error. */
typedef void (*rstore_period_fn)(const char *period, void *arg);
int rstore_each_period(rstore_t *s, rstore_period_fn fn, void *arg);

/* Runs fn once per zone with a current report in any period (zone order; fn's argument
 * is the zone code): what a master-data reload must not drop unnoticed. Returns the
 * number of zones, or -1 on error. */
int rstore_each_zone(rstore_t *s, rstore_period_fn fn, void *arg);

/* Runs fn once per zone of period with a report: when its first revision was committed
 * (what decides "on time": a correction after the deadline does not make a zone late).
 * Returns the number of zones, or -1 on error. */
typedef void (*rstore_arrival_fn)(const char *zone, int64_t first_at_ms, void *arg);
int rstore_each_first_arrival(rstore_t *s, const char *period, rstore_arrival_fn fn, void *arg);

/* Runs fn once per current value of period that carries a 说明 (report_values.note):
 * its zone and indicator code. Returns the number of such values, or -1 on error. */
typedef void (*rstore_noted_fn)(const char *zone, const char *indicator, void *arg);
int rstore_each_noted(rstore_t *s, const char *period, rstore_noted_fn fn, void *arg);

/* Runs fn once per figure of a current report of period that was accepted on the
 * reporter's 说明 (a soft check it passed by explanation, kept as a "note" issue of the
 * revision): zone, revision, source line and the check's message, in (zone, line)
 * order. Returns how many, or -1 on error. */
typedef void (*rstore_explained_fn)(const char *zone, uint32_t revision, unsigned line, const char *message,
                                    void *arg);
int rstore_each_explained(rstore_t *s, const char *period, rstore_explained_fn fn, void *arg);

/* Runs fn once per key-enterprise row of the current revision of each report of period,
 * in (zone, source line, code) order, with the zone and that revision; e is borrowed for
 * the call. What `yuebao status`, `watch` and the bulletin read (bulletin.h). Returns
 * how many rows, or -1 (logged) on error. */
typedef void (*rstore_enterprise_fn)(const char *zone, uint32_t revision, const enterprise_t *e, void *arg);
int rstore_each_enterprise(rstore_t *s, const char *period, rstore_enterprise_fn fn, void *arg);

/* Appends to out's enterprises the rows stored with revision `revision` of (zone,
 * period), any revision ever accepted, in source-line order. Returns how many, or -1 on
 * error (rows appended before it stay; the caller clears out). */
int rstore_revision_enterprises(rstore_t *s, const char *zone, const char *period, uint32_t revision,
                                report_t *out);

/* An accepted revision or a rejected report, as the recent-events lists show them. */
typedef struct {
    bool rejected;
    const char *county, *zone, *period; /* zone and period may be NULL for a rejection */
    uint32_t revision;
    int64_t at_ms;       /* committed, or received */
    const char *reasons; /* rejections: one error per line; NULL otherwise */
} rstore_event_t;
typedef void (*rstore_event_fn)(const rstore_event_t *e, void *arg);

/* The latest accepted revisions (rejected = false) or rejections (true), newest first,
 * at most limit, of period (NULL: of any period). Returns how many, or -1 on error. */
int rstore_recent(rstore_t *s, bool rejected, const char *period, int limit, rstore_event_fn fn, void *arg);

/* Every accepted revision of (zone, period), oldest first: fn(revision, county, sender,
 * stored_at_ms, arg) — the county that sent it, the sender as the aggregator recorded
 * it (the county's key name) and when it was committed. What the web's revision list
 * of a zone shows. Returns how many, or -1 (logged) on error. */
typedef void (*rstore_history_fn)(uint32_t revision, const char *county, const char *sender, int64_t stored_at_ms,
                                  void *arg);
int rstore_each_revision_of(rstore_t *s, const char *zone, const char *period, rstore_history_fn fn, void *arg);

/* The underlying connection, for tests and the bench only: every reader of the store
 * goes through the functions above and below, which own its SQL. Borrowed. */
struct sqlite3 *rstore_db(rstore_t *s);

/* The current revision of every (zone, period) the county sent, periods from since on
 * ("" or NULL: all), in (period, zone) order: fn(zone, period, revision, arg) for each,
 * at most limit. Returns how many, or -1. (The collectors' reconcile.) */
typedef void (*rstore_revision_fn)(const char *zone, const char *period, uint32_t revision, void *arg);
int rstore_county_revisions(rstore_t *s, const char *county, const char *since, int limit, rstore_revision_fn fn,
                            void *arg);

/* ---- reads for the scorer's passes ---------------------------------------------------
 * A pass reads what changed since the last one, by the history ids every accepted
 * revision gets (report_history.id, increasing commit by commit), inside one read
 * transaction so that everything it reads is one state of the store. */

/* BEGIN (deferred) on any connection: every read until rstore_read_end sees the state
 * of the store the first of them found, however the writer commits meanwhile. 0, or
 * -1 (logged). It does not nest: a second call before rstore_read_end fails (ask
 * rstore_in_transaction first). */
int rstore_read_begin(rstore_t *s);

/* True while a transaction is open on s (rstore_read_begin's or rstore_begin's). */
bool rstore_in_transaction(rstore_t *s);

/* Ends the transaction rstore_read_begin opened (nothing was written, so nothing is
 * lost either way); 0 when none is open, -1 (logged) on failure. */
int rstore_read_end(rstore_t *s);

/* The highest history id into *id, 0 for an empty store: the watermark of a reader
 * that has seen every revision so far. 0, or -1 (logged). */
int rstore_history_top(rstore_t *s, int64_t *id);

/* Runs fn(zone, period) once per (zone, period) with a revision accepted after the
 * watermark since_id (history id > since_id; 0: every revision ever), in (period,
 * zone) order. Returns how many pairs, or -1 (logged). */
typedef void (*rstore_key_fn)(const char *zone, const char *period, void *arg);
int rstore_each_changed(rstore_t *s, int64_t since_id, rstore_key_fn fn, void *arg);

/* Runs fn once per period with a current report from `from` to `to`, both included
 * (period text order: "2017-01" .. "2017-12" is that year), oldest first. Returns how
 * many, or -1 (logged). */
int rstore_each_period_between(rstore_t *s, const char *from, const char *to, rstore_period_fn fn, void *arg);

/* Runs fn(zone, period) once per current report of the periods from since on ("" or
 * NULL: of every period), in (period, zone) order: which reports are on file. Returns
 * how many, or -1 (logged). */
int rstore_each_current(rstore_t *s, const char *since, rstore_key_fn fn, void *arg);

/* Runs fn(zone, period, county) once per zone with a current report in year (periods
 * YYYY-01 .. YYYY-12), in zone order: its latest period of the year and the county that
 * sent that report — what the year's targets are judged on. Returns how many zones, or
 * -1 (logged). */
typedef void (*rstore_latest_fn)(const char *zone, const char *period, const char *county, void *arg);
int rstore_each_latest(rstore_t *s, int year, rstore_latest_fn fn, void *arg);

/* ---- a period's approval (核准 / 发布) ----------------------------------------------- */

/* Records transition t (approval.h). Inside rstore_begin. 0, or -1 (logged). */
int rstore_record_transition(rstore_t *s, const period_state_t *t);

/* Runs fn once per transition of period (NULL: of every period), oldest first: applied
 * in order, the last of each scope is its current state. Returns how many, or -1
 * (logged). */
typedef void (*rstore_transition_fn)(const period_state_t *t, void *arg);
int rstore_each_transition(rstore_t *s, const char *period, rstore_transition_fn fn, void *arg);

/* The current state of (period, county; "" or NULL = the city): 1 with *out its last
 * transition, 0 never moved (open), -1 (logged). */
int rstore_period_state(rstore_t *s, const char *period, const char *county, period_state_t *out);

/* Whether the store holds a current report of period (of county's zones, when county is
 * not NULL): 1 yes, 0 no, -1 (logged). */
int rstore_has_reports(rstore_t *s, const char *period, const char *county);

#endif
