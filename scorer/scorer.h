/* scorer.h - private to the scorer daemon: its state and what each of its files provides.
 * One file per concern:
 *   scorer.c            main: start-up, the loop, shutdown
 *   scorer_config.c     configuration file and command line
 *   scorer_score.c      功效系数法: content scores, items, dimensions, totals, ranks, stars
 *   scorer_targets.c    target gaps, overdue reports, and alert transitions
 *   scorer_recompute.c  the report store → scores and alerts → the score store → PUB
 *   scorer_events.c     the aggregator's events: dirty periods, sequence gaps, resync
 *   scorer_publish.c    rankings and alert transitions on PUB, heartbeats, snapshots
 * The assessment configuration (scheme, targets, pacing, stars) is loaded by common/rules.c
 * (rules.h), shared with the CLI's bulletin. The score and targets files are pure: no
 * sockets, no SQLite, testable alone.
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
#include "sock.h"
#include "sstore.h"
#include "zap.h"

/* ---- scorer_score.c: the assessment method ----------------------------------------- */

typedef enum { METHOD_EFFICACY = 0, METHOD_MINMAX } score_method_t;

typedef struct {
    score_method_t method; /* efficacy: 60 + 40·(x − min)/(max − min); minmax: 0..100 */
    double equal_score;    /* every zone's score when max − min < 1e-9 (default 100) */
    double missing_score;  /* a value the zone did not report (default 0) */
} score_params_t;

/* One period's reported values: n_zones × n_indicators, NAN where not reported. */
typedef struct {
    size_t n_zones, n_indicators;
    double *amount; /* [zone * n_indicators + indicator] */
    double *growth; /* the same for growth %, NAN where absent */
} period_values_t;

typedef struct {
    double total;
    double dims[RANKING_MAX_DIMS];
    double items[RULES_MAX_ITEMS];
    int rank;
    char missing[256]; /* "tax.growth;rd_share", "" if none */
} zone_score_t;

/* Allocates v for n_zones × n_indicators, every value NAN. 0 or -1. */
int period_values_init(period_values_t *v, size_t n_zones, size_t n_indicators);
void period_values_free(period_values_t *v);

/* Scores every zone of v under scheme s into out[0..n_zones): each content and part
 * scored across the zones that reported it, parts and contents averaged, items
 * weighted into dimension subtotals and totals; then ranked by total (ties within
 * 1e-9 share the better rank). m gives directions and names. 0, or -1 on bad input. */
int score_period(const scheme_t *s, const master_t *m, const period_values_t *v, const score_params_t *p,
                 zone_score_t *out);

/* The star a zone earns with December amounts amount[indicator] (NAN = not reported):
 * the highest star s such that every rule of every level 0..s is met;
 * RANKING_STAR_BELOW when level 0 is not met, RANKING_STAR_NONE without stars.csv. */
int score_star(const rules_t *r, const double *amount);

const char *score_method_name(score_method_t m);
int score_method_parse(const char *s); /* -1 if unknown */

/* ---- scorer_targets.c: target gaps, overdue, transitions --------------------------- */

typedef struct {
    double pace_warning_pp;     /* gap < this → warning (default −2) */
    double pace_critical_pp;    /* gap < this → critical (default −5) */
    double growth_warning_pp;   /* gap ≤ this → warning (default −1) */
    double growth_critical_pp;  /* gap ≤ this → critical (default −3) */
    double level_critical_frac; /* below target by more than this share → critical (0.10) */
} thresholds_t;

/* Evaluates zone's report for period p (its latest of the year) against ty: appends one
 * alert_t per check made — severity SEV_NONE where the target is met — with value,
 * target, expected and gap filled. amount/growth are indexed by indicator (NAN = not
 * reported; an unreported value is not judged). county names the zone's county. */
void targets_evaluate(const rules_t *r, const master_t *m, const thresholds_t *t, const target_year_t *ty,
                      const char *zone, const char *county, period_t p, const double *amount,
                      const double *growth, alert_list_t *out);

/* Is zone's report for period on file? */
typedef bool (*targets_reported_fn)(const char *zone, const char *period, void *arg);

/* Appends an overdue alert (critical) for every zone of m and every period from since
 * up to the last whose deadline (day deadline_day of the next month, 24:00 Asia/
 * Shanghai) is at or before now_ms, with no report on file. merge_jan_feb skips
 * January. An alert no longer appended resolves in targets_transitions. */
void targets_overdue(const master_t *m, period_t since, int deadline_day, bool merge_jan_feb, int64_t now_ms,
                     targets_reported_fn reported, void *arg, alert_list_t *out);

/* The overdue alerts of prev (those firing) that targets_overdue at now_ms did not
 * append, so that they do not resolve for want of being appended: one still owed — its
 * report not on file, its zone in m, its period from since on, its deadline as stored —
 * is appended as it is, firing, even though now_ms is before that deadline (the clock
 * stepped back: only an arrival resolves an overdue report); one the configuration no
 * longer asks for is appended with SEV_NONE and a message saying so, which resolves
 * it. One whose report is on file is left out: it resolves as arrived. */
void targets_overdue_held(const master_t *m, period_t since, int deadline_day, bool merge_jan_feb,
                          int64_t now_ms, const alert_list_t *prev, targets_reported_fn reported, void *arg,
                          alert_list_t *out);

/* The first period whose deadline (day deadline_day of the next month, 24:00 Asia/
 * Shanghai) is after the instant t_ms — January skipped when merge_jan_feb: what an
 * install first started at t_ms owes first. Started 2017-07-05, before June's
 * deadline of 07-10 24:00, it owes June; started 2017-07-11, July. */
period_t targets_first_due(int64_t t_ms, int deadline_day, bool merge_jan_feb);

/* The transitions from prev (the alerts firing, sorted by key) to cur (this evaluation,
 * any order; SEV_NONE entries allowed): firing, escalated, deescalated, and resolved —
 * also for a prev alert that cur no longer mentions (its message names the zone from m,
 * which may be NULL). Appends to out with transition,
 * previous and at_ms = now_ms set; since_ms carried over or set to now_ms. An alert
 * still firing at the same severity with new figures (a later period, a new value) is
 * appended as TR_NONE: stored, never published. */
void targets_transitions(const master_t *m, const alert_list_t *prev, alert_list_t *cur, int64_t now_ms,
                         alert_list_t *out);

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
    bool full_pending;        /* recompute every period */
    bool scan_pending;        /* recompute periods changed since the watermark */
    int64_t first_pending_ms; /* monotonic: when the oldest pending work arrived */
    int64_t last_request_ms;  /* monotonic: the latest request */
    int coalesce_timer;       /* loop timer id, 0 if none */
    uint64_t sequence;        /* our publisher's last sequence number */
    int64_t first_start_ms;   /* the scorer's first start on this score store (meta) */
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

/* scorer_recompute.c */

/* Loads master data and rules. At start (s->master NULL) a bad file is fatal to the
 * caller (-1); on reload the previous ones stay in force. 0 when new rules are in force
 * (the caller then asks for a full recompute), -1 otherwise. */
int scorer_rules_reload(scorer_t *s);

/* Asks for a recompute: of every period (full) or of the periods the report store
 * changed since the watermark. Arms the coalescing timer, so a burst of requests
 * becomes one pass. */
void scorer_request(scorer_t *s, bool full);

/* One pass now: recompute the pending periods (and the later periods of their years,
 * whose rank changes depend on them), judge stars, targets and deadlines, persist in
 * one score-store transaction, then publish what changed. 0, or -1 on a store error
 * (the work stays pending and is retried). */
int scorer_recompute(scorer_t *s);

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

/* Publishes period's ranking (in chunks of CODEC_RANKING_CHUNK rows), each chunk with
 * the next sequence number; topic "ranking.<period>". */
void scorer_publish_ranking(scorer_t *s, const ranking_t *r);

/* Publishes an alert transition; topic "alert.<county>.<zone>.<kind>". */
void scorer_publish_alert(scorer_t *s, const alert_t *a);

/* Timer: a heartbeat carrying the last sequence number. */
void scorer_publish_heartbeat(loop_t *loop, void *arg);

/* The snapshot ROUTER is readable: answer each request with the ranking asked for (or
 * the latest), the firing alerts under the request's prefix, and SnapshotEnd with the
 * sequence the state is as of. */
void scorer_snapshot_ready(loop_t *loop, void *socket, int fd, void *arg);

/* The topic of an alert: "alert.<county>.<zone>.<kind>". */
void scorer_alert_topic(const alert_t *a, char *out, size_t size);

#endif
