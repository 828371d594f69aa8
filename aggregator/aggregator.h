/* aggregator.h - private to the aggregator daemon: its state and the functions each of
 * its files provides. One file per concern:
 *   aggregator.c          main: start-up, the loop, shutdown
 *   aggregator_config.c   configuration file and command line
 *   aggregator_master.c   master data, loaded at start and on SIGHUP
 *   aggregator_ingest.c   receive, validate, apply revision rules, group commit
 *   aggregator_ack.c      acks back to the collectors, only after COMMIT
 *   aggregator_live.c     the live totals per period, county and city, kept at commit
 *   aggregator_publish.c  events (accepted, rejected, totals) and heartbeats on PUB
 *   aggregator_snapshot.c the snapshot ROUTER: live totals and recent events as of N
 *   aggregator_security.c keys, the ZAP handler and its key lists (authorized_keys,
 *                         subscriber_keys), or the insecure development mode
 *   aggregator_limit.c    the per-county rate limit
 *   aggregator_reconcile.c which revisions the store holds, for a collector's reconcile
 *   aggregator_store.c    opening the report store: a damaged one is refused
 *   aggregator_writer.c   the writer thread: the store half of each group commit
 *   aggregator_retry.c    RETRY for the central office's own transient conditions
 *   aggregator_approval.c a period's approval (核准 / 发布): the control ROUTER, the
 *                         transitions, and the lock a report meets in validation
 */
#ifndef YB_AGGREGATOR_H
#define YB_AGGREGATOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "aggregate.h"
#include "approval.h"
#include "codec.h"
#include "config.h"
#include "log.h"
#include "loop.h"
#include "master.h"
#include "rstore.h"
#include "sock.h"
#include "validate.h"
#include "values.h"
#include "zap.h"

typedef struct {
    char config_path[1024];
    char master_dir[1024]; /* regions.csv, indicators.csv */
    char store[1024];      /* the report store (SQLite) */
    char listen[256];      /* ROUTER for collectors */
    char publish[256];     /* PUB for events; "" = none */
    char snapshot[256];    /* ROUTER for snapshots of the live totals; "" = none */
    char control[256];     /* ROUTER for approvers' requests (approve, publish, unlock); "" = none */
    master_policy_override_t policy; /* deprecated deadline_day, merge_jan_feb: city.csv's for one release */
    int batch_max; /* reports per group commit at most */
    int heartbeat_ms;
    bool insecure;
    char key[1024];             /* this server's secret key file */
    char authorized_keys[1024]; /* collectors' keys and their counties */
    char subscriber_keys[1024]; /* keys that may subscribe to the events */
    char approver_keys[1024];   /* keys that may approve, publish and unlock periods */
    double rate_limit;          /* reports per second per county; 0 = no limit */
    int rate_burst;             /* reports a county may send at once */
    bool allow_zone_removal;    /* master data may drop zones that have reports */
    int clock_skew_s;           /* a report's period may be this far ahead of our clock */
} aggregator_config_t;

#define AGG_RETRY_SLOTS 32

/* One received report waiting for the group commit. */
typedef struct {
    uint8_t *identity; /* ROUTER routing id of the sending connection */
    size_t identity_len;
    char county[KEY_NAME_MAX]; /* the authenticated reporting unit */
    char key[KEY_Z85_LEN + 1]; /* the connection's CURVE key ("" when insecure) */
    msg_t msg;                 /* MSG_REPORT */
    ack_t ack;                 /* filled by the ingest, sent after COMMIT */
    bool refused;              /* the codec could not take the report (CODEC_REFUSED) … */
    char refusal[256];         /* … for this reason: it is answered REJECTED with it */
    /* aggregator_ingest_check's results, taken by the judgement (which checks again when
     * they are missing, or made with master data since reloaded) */
    bool checked;              /* made, with master data of generation checked_gen */
    uint64_t checked_gen;
    int check_errors;          /* validate_report's errors; 0: normalized, content made */
    diag_list_t check_issues;  /* its findings, errors and warnings */
    uint8_t *content;          /* the canonical content (codec_report_content); NULL on OOM */
    size_t content_len;
} ingest_item_t;

/* A county's token bucket. */
typedef struct {
    char county[KEY_NAME_MAX];
    double tokens;
    int64_t last_ms;
    uint64_t dropped; /* since the last warning */
    int64_t warned_ms;
} rate_bucket_t;

/* The live totals of one period (aggregator_live.c). */
typedef struct {
    char period[PERIOD_STRLEN];
    int64_t deadline_ms; /* first revisions committed before this are on time */
    values_t values;     /* the current reports and values; row z < m->n_zones is zone z */
    int64_t *first_ms;   /* per zone: when its first revision was committed */
    aggregate_t *agg;    /* [scope × indicator]; scope 0 = the city, 1 + county index */
    uint32_t *reported;  /* per scope */
    uint32_t *on_time;   /* per scope */
    int64_t *updated_ms; /* per scope: the commit that last changed it */
    bool *dirty;         /* per scope: changed since last published */
    uint8_t *noted;      /* bits [zone * indicators + indicator]: the value stood on a 说明 */
} live_period_t;

/* The writer thread (aggregator_writer.c). */
typedef struct aggregator_writer aggregator_writer_t;

typedef struct {
    const master_t *m;
    int deadline_day;
    size_t n_scopes;        /* counties + 1 */
    size_t *zone_scope;     /* per zone: 1 + its county's index */
    uint32_t *expected;     /* per scope: zones that must report */
    live_period_t *periods; /* sorted by period */
    size_t n_periods, cap;
    bool whole; /* loaded from the store and every commit since applied: what live_report reads */
} live_t;

typedef struct {
    aggregator_config_t cfg;
    master_t *master;
    uint64_t master_gen; /* counts master data loads: what a report was checked against */
    rstore_t *store;
    void *ctx, *router, *pub, *snapshot, *control;
    approval_table_t approvals; /* every period's current states (aggregator_approval.c) */
    bool approvals_oom;
    live_t live;
    sock_security_t sec;
    zap_t *zap; /* NULL when insecure */
    rate_bucket_t *buckets;
    size_t n_buckets;
    loop_t *loop;
    int signal_fd;
    uint64_t sequence;     /* last sequence number published */
    ingest_item_t *batch;    /* cfg.batch_max slots: the reports received for the next commit */
    size_t n_batch;          /* received, not yet handed to the writer */
    ingest_item_t *inflight; /* cfg.batch_max slots: the batch the writer has (or held while the store is busy) */
    ingest_item_t *settling; /* cfg.batch_max slots: a committed batch acked while the writer has the next */
    size_t n_inflight;       /* handed to the writer and not yet settled */
    aggregator_writer_t *writer; /* NULL: every commit on the poll loop (the unit tests) */
    bool router_paused;      /* the collectors' ROUTER is out of the poll (full batch, busy store) */
    int64_t busy_since_ms; /* monotonic: when the store's write lock was first found taken; 0 = free */
    int busy_delay_ms;     /* the next retry's backoff */
    int busy_timer;        /* the pending retry, 0 = none */
    /* counters, logged at shutdown */
    uint64_t n_accepted, n_duplicate, n_stale, n_rejected, n_garbled, n_commits, n_throttled;
    log_limit_t drop_log; /* lines about dropped messages, rate-limited */
    uint64_t n_retry;
    struct {
        char key[80]; /* a zone, or the clock */
        int64_t at_ms;
    } retry_warned[AGG_RETRY_SLOTS]; /* aggregator_retry.c: the last RETRY warnings */
} aggregator_t;

/* aggregator_config.c */

/* The [aggregator] keys: name, type, default, bounds and help of each (config.h). */
extern const config_key_t aggregator_config_keys[];

/* Fills cfg from defaults, the file named by -c and the command line. Prints help and
 * exits 0 for --help; returns 0, or -1 with a message printed for a bad invocation. */
int aggregator_config_load(aggregator_config_t *cfg, int argc, char **argv);

/* aggregator_master.c */

/* Loads master data from cfg.master_dir. At start (a->master NULL) a bad file is
 * fatal; on reload the previous master data stays in force and the errors are logged,
 * and a reload is also refused when a file's last line has no line break (cut mid-line)
 * or when zones with reports in the store are no longer listed (unless
 * cfg.allow_zone_removal). Returns 0 or -1. */
int aggregator_master_load(aggregator_t *a);

/* At start, once the store is open: the master data loaded must list every zone with
 * reports in the store (unless cfg.allow_zone_removal). 0, or -1 (logged). */
int aggregator_master_check_store(aggregator_t *a);

/* aggregator_store.c */

/* Checks the report store (a damaged one is fatal: one line naming the file and what to
 * do, nothing written to it), opens it as the writer into a->store and logs what it
 * holds. The store's folder must exist (the caller made it before taking the lock).
 * 0, or -1 (logged) when it cannot be opened. */
int aggregator_store_open(aggregator_t *a);

/* aggregator_security.c */

/* Sets up a->sec and, unless insecure, the ZAP handler with both key lists (fatal
 * errors are logged and return -1). Insecure mode warns loudly and allows only local
 * endpoints. Call before making any socket. */
int aggregator_security_start(aggregator_t *a);

/* SIGHUP: reloads authorized_keys and subscriber_keys; a bad file keeps the previous
 * list in force. Keys naming a county unknown to master data are logged. */
void aggregator_security_reload(aggregator_t *a);

/* After the sockets are closed. */
void aggregator_security_stop(aggregator_t *a);

/* aggregator_limit.c */

/* Takes one report from county's bucket at now_ms: true if it may be processed, false
 * if the county is over rate_limit (the report is dropped unacked; its collector resends
 * later). Logs at most one warning per county per 10 s. */
bool aggregator_limit_take(aggregator_t *a, const char *county, int64_t now_ms);

void aggregator_limit_free(aggregator_t *a);

/* aggregator_ingest.c */

/* The ROUTER is readable: take every report waiting (up to batch_max), judge each,
 * write all in one transaction, then ack and publish. Never exits on bad input. */
void aggregator_ingest_ready(loop_t *loop, void *socket, int fd, void *arg);

/* The store half of the above, without sockets: judges items[0..n) and writes them
 * in one transaction, filling each item's ack; once committed, the accepted reports
 * go into the live totals (marked dirty, published by the caller). Returns 0 when
 * committed; -1 when nothing was (logged in one line; the acks must then not be sent);
 * -2 when the store's write lock is held by another connection (nothing done, not
 * logged: the caller keeps the items and tries again later). */
int aggregator_ingest_batch(aggregator_t *a, ingest_item_t *items, size_t n, int64_t now_ms);

/* The same without the live totals: the part the writer thread runs. The caller applies
 * the committed batch to the live totals with aggregator_ingest_live before its acks. */
int aggregator_ingest_store(aggregator_t *a, ingest_item_t *items, size_t n, int64_t now_ms);

/* Once committed: the accepted reports of items[0..n) into the live totals. */
void aggregator_ingest_live(aggregator_t *a, ingest_item_t *items, size_t n);

/* The part of judging a report that needs neither the store nor the approvals, into
 * its item: validate_report against master data (its findings in check_issues), and
 * when it found no error, validate_normalize and the canonical content. The loop makes
 * it as a report is received, beside the writer's commit of the batch before (both
 * only read master data, which a reload changes only with the writer drained). */
void aggregator_ingest_check(aggregator_t *a, ingest_item_t *it, int64_t now_ms);

/* The writer thread's eventfd is readable: settles the batch it finished (acks and
 * events after COMMIT) and hands it the next one. */
void aggregator_ingest_written(loop_t *loop, void *socket, int fd, void *arg);

/* Waits for the batch in the writer's hands, if any, and settles it, without handing
 * over the next: after it the loop may use the store and master data itself (a
 * reconcile, a snapshot, a reload). aggregator_ingest_resume hands over what waits. */
void aggregator_ingest_drain(aggregator_t *a);
void aggregator_ingest_resume(aggregator_t *a);

/* At shutdown: settles the batch the writer has, and frees the reports received but not
 * yet committed, or held for a busy store (logged: unacknowledged, so their collectors
 * resend). */
void aggregator_ingest_stop(aggregator_t *a);

/* aggregator_writer.c */

/* Starts the writer thread (call after the signals are blocked: it inherits the mask).
 * NULL (logged) when it cannot. */
aggregator_writer_t *aggregator_writer_start(aggregator_t *a);

/* Its eventfd, for the poll loop: readable when a batch is done. */
int aggregator_writer_fd(const aggregator_writer_t *w);

/* Hands items[0..n) to the writer, which runs aggregator_ingest_store on them. The
 * caller must not touch them, the store or master data until it has the result back. */
void aggregator_writer_submit(aggregator_writer_t *w, ingest_item_t *items, size_t n, int64_t now_ms);

/* True when the writer has finished its batch and waits for it to be taken. */
bool aggregator_writer_finished(aggregator_writer_t *w);

/* True while the writer has a batch (done or not) whose result was not taken. */
bool aggregator_writer_busy(aggregator_writer_t *w);

/* 1 and *rc when the writer's batch is done (the result is taken), 0 otherwise. */
int aggregator_writer_poll(aggregator_writer_t *w, int *rc);

/* Waits until the writer's batch, if any, is done: 1 and *rc, or 0 when it had none. */
int aggregator_writer_wait(aggregator_writer_t *w, int *rc);

/* Ends the thread (after the batch in its hands; its result is dropped: settle it
 * first) and frees *w; NULL-safe. */
void aggregator_writer_stop(aggregator_writer_t **w);

/* aggregator_retry.c */

/* issues holds validate_report's errors for item: true when every one of them is tagged
 * transient by validation (VALIDATE_PERIOD_NEXT: the central office's next month;
 * VALIDATE_ZONE_UNLISTED: a zone of a known county missing from its master data), and
 * issues then holds the reasons for a RETRY ack instead, telling the aggregator's own
 * time now_ms; false otherwise (issues untouched: REJECTED). */
bool aggregator_retry_judge(const ingest_item_t *item, int64_t now_ms, diag_list_t *issues);

/* Logs a RETRY at warning level: once a minute per zone (or for the clock). */
void aggregator_retry_log(aggregator_t *a, const ingest_item_t *item);

/* aggregator_live.c */

/* An empty state for master data m (borrowed: rebuild after a reload). 0, or -1 OOM. */
int live_init(live_t *l, const master_t *m, int deadline_day);

/* Fills l from the store: every period's current values, first arrivals and revisions.
 * Nothing is marked dirty. 0, or -1 on a store error or OOM (l then partly filled). */
int live_load(live_t *l, rstore_t *st);

/* One committed report (validated and normalized: codes, not names): replaces the
 * zone's previous contribution to its county and the city, counts a first arrival
 * (on time if committed before the period's deadline), and marks both scopes dirty.
 * A zone unknown to master data is ignored. 0, or -1 on OOM. */
int live_apply(live_t *l, const report_t *r, int64_t stored_at_ms);

/* Zone's current report of period as the live state holds it, for the history and soft
 * checks in place of a read of the store: its revision and the values of master data's
 * indicators (codes), a value that stood on a 说明 with a note (its text not kept here).
 * The writer thread may call it: the loop changes the live state only while the writer
 * has no batch (aggregator_writer.c). 1 found (out filled; report_clear), 0 no report,
 * -1 the live state cannot say (not whole after a failed load or update, a zone master
 * data does not list, out of memory): ask the store. */
int live_report(const live_t *l, const char *zone, const char *period, report_t *out);

/* The totals of period l->periods[period_index] for scope (0 = city, 1 + county
 * index) into *out (rows allocated; scope_totals_clear). 0, or -1 on OOM. */
int live_totals(const live_t *l, size_t period_index, size_t scope, scope_totals_t *out);

/* The index of period in l->periods, or -1. */
ssize_t live_find(const live_t *l, const char *period);

void live_free(live_t *l);

/* Rebuilds a->live from the store for a->master (at start, and after a master data
 * reload, when every scope is marked dirty so subscribers hear the new totals).
 * 0, or -1 (logged; the live totals are then empty until the next rebuild). */
int aggregator_live_rebuild(aggregator_t *a, bool publish_all);

/* aggregator_ack.c */

/* Sends item's ack to its connection. A vanished peer is logged at debug level: its
 * collector retries and gets a DUPLICATE. */
void aggregator_ack_send(aggregator_t *a, const ingest_item_t *item);

/* aggregator_reconcile.c */

/* Answers a ReconcileRequest (it->msg) at once with the store's current revision of each
 * (zone, period) of it->county, the connection's county. Failures are logged. */
void aggregator_reconcile_answer(aggregator_t *a, const ingest_item_t *it);

/* aggregator_publish.c */

/* Publishes "report accepted" for item (topic report.<county>.<zone>). */
void aggregator_publish_accepted(aggregator_t *a, const ingest_item_t *item);

/* Publishes "report rejected" for item with its first error (rejected.<county>.<zone>). */
void aggregator_publish_rejected(aggregator_t *a, const ingest_item_t *item);

/* Publishes the totals of every dirty (period, scope) and clears the marks (topic
 * totals.<period>.city or totals.<period>.<county>). */
void aggregator_publish_totals(aggregator_t *a);

/* aggregator_snapshot.c */

/* The snapshot ROUTER is readable: answers each SnapshotRequest with the Totals of the
 * period asked for (every period when none), the latest arrivals and rejections, and a
 * SnapshotEnd carrying the sequence the state is as of. */
void aggregator_snapshot_ready(loop_t *loop, void *socket, int fd, void *arg);

/* Timer: publishes a heartbeat with the current sequence number. */
void aggregator_publish_heartbeat(loop_t *loop, void *arg);

/* aggregator_approval.c */

/* Loads a->approvals from the store's transitions (at start, after the store is open).
 * 0, or -1 (logged). */
int aggregator_approval_load(aggregator_t *a);

/* The lock check of validation: true when r's period is approved or published for the
 * city, or approved for its zone's county; the error (approval_locked_message: who
 * approved it, when, and to ask the 统计局 to unlock it) is then added to issues and r
 * must be REJECTED, nothing stored. Reads a->approvals only. */
bool aggregator_approval_locked(const aggregator_t *a, const report_t *r, diag_list_t *issues);

/* The control ROUTER is readable: decides each approver's request, stores the
 * transition in its own transaction, answers (ok, or refused with the reason) and
 * publishes it (state.<period>.city|<county>). Never exits on bad input. */
void aggregator_control_ready(loop_t *loop, void *socket, int fd, void *arg);

#endif
