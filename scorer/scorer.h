/* scorer.h - private to the scorer daemon: its state and what each of its files provides.
 * One file per concern:
 *   scorer.c            main: start-up, the loop, shutdown
 *   scorer_config.c     configuration file and command line
 *   scorer_rules.c      master data and rules, loaded at start and on SIGHUP
 *   scorer_store.c      opening the report store (read-only, waited for) and the score store
 *   scorer_security.c   keys, the ZAP handler and subscriber_keys, or the insecure mode
 *   scorer_recompute.c  the report store → scores and alerts → the score store → PUB
 *   scorer_events.c     the aggregator's events: dirty periods, sequence gaps, resync
 *   scorer_publish.c    rankings and alert transitions on PUB, heartbeats
 *   scorer_snapshot.c   the snapshot ROUTER: a ranking and the firing alerts as of N
 * The assessment configuration (scheme, targets, pacing, stars) is loaded by common/rules.c
 * (rules.h), shared with the CLI's bulletin. The arithmetic is domain code in common/ too,
 * pure (no sockets, no SQLite) and testable alone: common/score.c (功效系数法 scores,
 * ranks, stars) and common/targets.c (target gaps, overdue reports, alert transitions).
 */
#ifndef YB_SCORER_H
#define YB_SCORER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "codec.h"
#include "config.h"
#include "diag.h"
#include "loop.h"
#include "master.h"
#include "period.h"
#include "ranking.h"
#include "rstore.h"
#include "rules.h"
#include "score.h"
#include "sock.h"
#include "sstore.h"
#include "targets.h"
#include "values.h"
#include "zap.h"

/* ---- the daemon -------------------------------------------------------------------- */

typedef struct {
    char config_path[1024];
    char master_dir[1024]; /* regions.csv, indicators.csv */
    char rules_dir[1024];  /* scheme, targets, pacing, stars; default master_dir */
    char store[1024];      /* the report store, opened read-only */
    char scores[1024];     /* the score store, ours */
    char events[256];      /* the aggregator's PUB */
    char publish[256];     /* our PUB: rankings and alert transitions */
    char snapshot[256];    /* our snapshot ROUTER */
    master_policy_override_t policy; /* deprecated merge_jan_feb, deadline_day: city.csv's for one release */
    char method[16];
    double equal_score, missing_score;
    double pace_warning_pp, pace_critical_pp, growth_warning_pp, growth_critical_pp;
    double level_critical_pct;
    char reporting_since[16]; /* first period that must be reported; "" = the first due after
                                 the score store's first start */
    int coalesce_ms;     /* recompute once events have been quiet this long … */
    int coalesce_max_ms; /* … or this long after the first of them at the latest */
    int heartbeat_ms;
    int silence_ms; /* no word from the aggregator this long: resync */
    int check_ms;   /* deadlines are re-checked this often */
    int zones_at_once; /* a full pass judges targets this many zones at a time */
    bool insecure;
    char key[1024];               /* this process's secret key file */
    char events_server_key[1024]; /* the aggregator's public key file */
    char subscriber_keys[1024];   /* keys that may subscribe to rankings and alerts */
} scorer_config_t;

typedef struct {
    scorer_config_t cfg;
    master_t *master;
    rules_t *rules;
    score_params_t params;
    thresholds_t thresholds;
    rstore_t *store;  /* read-only */
    sstore_t *scores; /* the writer */
    void *ctx, *sub, *pub, *snapshot;
    sock_watch_t sub_watch; /* the events SUB's handshakes */
    sock_security_t sec;
    zap_t *zap; /* NULL when insecure */
    loop_t *loop;
    int signal_fd;
    /* the aggregator's events */
    uint64_t agg_sequence; /* last seen; 0 = none since (re)start or silence */
    int64_t agg_heard_ms;  /* monotonic time of its last message */
    bool agg_silent;       /* logged as silent; the next message resyncs */
    /* work waiting for the coalescing timer */
    int64_t watermark;        /* highest report_history id already scored */
    /* the matrix of the latest period recomputed of each year, kept between passes and
     * brought up to date zone by zone for what changed (scorer_recompute.c) */
    struct scorer_values *kept;
    size_t n_kept;
    /* the stars a ranking shows, of one star year, kept between passes (scorer_stars.c) */
    struct scorer_stars *stars;
    bool full_pending;        /* recompute every period */
    bool scan_pending;        /* recompute periods changed since the watermark */
    int64_t first_pending_ms; /* monotonic: when the oldest pending work arrived */
    int64_t last_request_ms;  /* monotonic: the latest request */
    int coalesce_timer;       /* loop timer id, 0 if none */
    uint64_t sequence;        /* our publisher's last sequence number */
    int64_t first_start_ms;   /* the scorer's first start on this score store (meta) */
    /* the next deadline after the last pass that judged every zone's deadlines, 0:
     * none such yet; until then a pass judges the deadlines of the changed zones only */
    int64_t overdue_next_ms;
    /* counters, logged at shutdown and read by the tests */
    uint64_t n_events, n_passes, n_resyncs, n_rankings, n_transitions;
} scorer_t;

/* scorer_config.c */

/* The [scorer] keys: name, type, default, bounds and help of each (config.h). */
extern const config_key_t scorer_config_keys[];

/* Fills cfg from defaults, the file named by -c and the command line. Prints help and
 * exits 0 for --help; returns 0, or -1 with a message printed. */
int scorer_config_load(scorer_config_t *cfg, int argc, char **argv);

/* The scoring parameters and thresholds cfg describes (method checked at load). */
void scorer_config_params(const scorer_config_t *cfg, score_params_t *p, thresholds_t *t);

/* scorer_rules.c */

/* Loads master data and rules from cfg.master_dir and cfg.rules_dir, as a pair. At start
 * (s->master NULL) a bad file is fatal to the caller (-1); on reload the previous ones
 * stay in force and the errors are logged. 0 when new ones are in force (the caller then
 * asks for a full recompute), -1 otherwise. */
int scorer_rules_reload(scorer_t *s);

/* scorer_store.c */

/* Opens the report store read-only into s->store, waiting for it (logged, once per
 * reason) until it can be opened; a SIGTERM or SIGINT on s->signal_fd meanwhile exits 0.
 * Then opens the score store as its writer into s->scores; fatal (log_fatal) if it
 * cannot. The caller holds the score store's lock. */
void scorer_store_open(scorer_t *s);

/* scorer_security.c */

/* Sets up s->sec and, unless insecure, the ZAP handler admitting subscriber_keys to our
 * PUB and snapshot ROUTER (none without either). Our key and events_server_key (the
 * aggregator's public key) are required. Insecure mode warns loudly and allows only
 * local endpoints. Any error is fatal (log_fatal). Call after s->ctx is made and before
 * any socket. */
void scorer_security_start(scorer_t *s);

/* SIGHUP: reloads subscriber_keys; a bad file keeps the previous list in force. */
void scorer_security_reload(scorer_t *s);

/* After the sockets are closed: stops the ZAP handler and wipes the keys. */
void scorer_security_stop(scorer_t *s);

/* scorer_recompute.c */

/* Asks for a recompute: of every period (full) or of the periods the report store
 * changed since the watermark. Arms the coalescing timer, so a burst of requests
 * becomes one pass. */
void scorer_request(scorer_t *s, bool full);

/* One pass now: recompute the pending periods (and the later periods of their years,
 * whose rank changes depend on them), judge stars, targets and deadlines, persist in
 * one score-store transaction, then publish what changed. 0, or -1 on a store error
 * (the work stays pending and is retried). */
int scorer_recompute(scorer_t *s);

/* Forgets the matrices kept between passes (their rows point into s->master): after a
 * reload of master data, and at exit. */
void scorer_forget_values(scorer_t *s);

/* scorer_stars.c */

/* sstore_star_shown, from the stars of the star year kept in memory (read in one query
 * when another year is asked for). Returns as sstore_star_shown. */
int scorer_star_shown(scorer_t *s, const char *zone, int year, int month, int *star, int *star_year,
                      bool *promoted);

/* Forgets the kept stars: before the scorer writes stars, after a rollback, on a full
 * pass, and at exit. */
void scorer_forget_stars(scorer_t *s);

/* Reads when the scorer first started on its score store, recording now_ms if this is
 * that start, into s->first_start_ms, and logs from which period reports are owed. 0,
 * or -1 (logged). */
int scorer_first_start(scorer_t *s, int64_t now_ms);

/* Timer: deadlines move with the clock, so overdue reports are re-checked. */
void scorer_check_deadlines(loop_t *loop, void *arg);

/* scorer_events.c */

/* The aggregator's PUB is readable: track sequence numbers, ask for recomputes, and
 * resync on a gap or a restart. */
void scorer_events_ready(loop_t *loop, void *socket, int fd, void *arg);

/* Judges one message from the aggregator (a report-accepted event or a heartbeat) by
 * its sequence number: the next one asks for a scan of what changed; a gap, a number
 * going back (a restart) or the first word after silence asks for a full resync. */
void scorer_events_track(scorer_t *s, const msg_t *m);

/* Timer: a silent aggregator (no heartbeat for silence_ms) means a resync; a refused
 * subscription is tried again. */
void scorer_events_check_silence(loop_t *loop, void *arg);

/* The events SUB's handshakes (sock_watch): a refused key is logged once and the
 * subscription tried again every silence_ms, so listing the scorer's key in the
 * aggregator's subscriber_keys and reloading it is enough. */
void scorer_events_handshake(loop_t *loop, void *socket, int fd, void *arg);

/* scorer_publish.c */

/* Sends r on sock in chunks of CODEC_RANKING_CHUNK rows (at least one message, for an
 * empty ranking too): to identity on a ROUTER (id_len bytes), or with topic
 * "ranking.<period>" on a PUB (identity NULL). seq, if not NULL, is advanced and numbers
 * each chunk. 0, or -1 when a send failed (the rest is not sent). */
int scorer_send_ranking(void *sock, const void *identity, size_t id_len, const ranking_t *r, uint64_t *seq);

/* Publishes period's ranking (in chunks of CODEC_RANKING_CHUNK rows), each chunk with
 * the next sequence number; topic "ranking.<period>". */
void scorer_publish_ranking(scorer_t *s, const ranking_t *r);

/* Publishes an alert transition; topic "alert.<county>.<zone>.<kind>". */
void scorer_publish_alert(scorer_t *s, const alert_t *a);

/* Timer: a heartbeat carrying the last sequence number. */
void scorer_publish_heartbeat(loop_t *loop, void *arg);

/* The topic of an alert: "alert.<county>.<zone>.<kind>". */
void scorer_alert_topic(const alert_t *a, char *out, size_t size);

/* scorer_snapshot.c */

/* The snapshot ROUTER is readable: answer each request with the ranking asked for (or
 * the latest), the firing alerts under the request's prefix, and SnapshotEnd with the
 * sequence the state is as of. */
void scorer_snapshot_ready(loop_t *loop, void *socket, int fd, void *arg);

#endif
