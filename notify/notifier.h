/* notifier.h - private to yuebao-notify: its state and what each of its files provides.
 * (util/notify.h is sd_notify for systemd; this daemon's header is notifier.h.)
 * One file per concern:
 *   notifier.c          main: start-up, the loop, shutdown
 *   notify_clock.c      the daemon's clock (YUEBAO_NOW pins its start) and its tick
 *   notify_config.c     [notify] keys (a table), [route …], [inhibit …], [receiver …] sections
 *   notify_route.c      pure: the route tree, group keys, inhibition and silence matching
 *   notify_group.c      pure: fingerprints, group state hashes, when a group is due, reminders
 *   notify_store.c      the notification store (SQLite): outbox, sent log, group states, silences
 *   notify_engine.c     the firing alerts as known, the groups, turning them into notices
 *   notify_subscribe.c  the scorer's alert stream: Clone subscriber, snapshot, resync
 *   notify_deliver.c    one delivery thread per receiver, retries with backoff, the log
 *   notify_control.c    the control ROUTER: silences added, listed, expired (silencers)
 * The receivers (notify/receiver_*.c, receiver.h) and their templates are another concern:
 * the core hands them a notice_t (notice.h) and takes back a deliver_result_t.
 */
#ifndef YB_NOTIFIER_H
#define YB_NOTIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "config.h"
#include "clone.h"
#include "loop.h"
#include "sock.h"
#include "zap.h"
#include "master.h"
#include "notice.h"

/* ---- pure logic: routes, muting, groups, reminders (no sockets, no SQLite) ---------------- */

#define NOTIFY_NAME_LEN 64
#define NOTIFY_MAX_ROUTES 64
#define NOTIFY_MAX_INHIBITS 16
#define NOTIFY_MAX_RECEIVERS 32
#define NOTIFY_MAX_MATCHERS 8

/* The labels an alert has, for group_by, silences and inhibit rules. */
typedef enum {
    LABEL_COUNTY,
    LABEL_ZONE,
    LABEL_KIND,
    LABEL_SEVERITY,
    LABEL_INDICATOR,
    LABEL_PERIOD,
    LABEL_N
} label_t;

/* "county" → LABEL_COUNTY …; -1 when unknown. */
int notify_label_parse(const char *s);
/* The value of label l of a into out ("410603", "pace", "critical" …). For severity, a
 * resolved alert has the severity it had while firing (its previous). */
void notify_label_value(const alert_t *a, label_t l, char *out, size_t size);

typedef struct {
    char name[NOTIFY_NAME_LEN];     /* "" for the root */
    int parent;                     /* index of the parent route, -1 for the root */
    char match_county[64];          /* a glob (fnmatch): "4106*"; "" matches every county */
    severity_t match_severity;      /* least severity (critical: only critical); SEV_NONE: any */
    unsigned match_kinds;           /* bit (1 << kind) per kind matched; 0: every kind */
    char receiver[NOTIFY_NAME_LEN]; /* "" inherited from the parent */
    unsigned group_by;              /* bit (1 << label); 0 inherited (the root's default: county, kind) */
    int64_t group_wait_ms, group_interval_ms, repeat_interval_ms; /* -1 inherited */
    bool cont; /* continue: siblings after a match are tried too */
} route_t;

typedef struct {
    route_t routes[NOTIFY_MAX_ROUTES]; /* [0] is the root; a child comes after its parent */
    size_t n;
} route_tree_t;

/* The settings of route i with what it leaves unset taken from its ancestors. */
route_t route_effective(const route_tree_t *t, size_t i);

/* Alertmanager's routing: starting at the root (which matches everything), the first
 * child that matches is descended into, and the next ones too while the matching child
 * has continue set; a route none of whose children matches is where the alert goes.
 * Fills out with route indexes (at most max), returns how many. */
size_t route_match(const route_tree_t *t, const alert_t *a, size_t *out, size_t max);

/* Whether route r's own matchers (not its parent's) take a. */
bool route_matches(const route_t *r, const alert_t *a);

/* The group an alert falls in under labels (group_by bits): the Alertmanager-style key
 * "{county=\"410603\",kind=\"pace\"}" in key, and the label=value pairs. */
void route_group_key(unsigned group_by, const alert_t *a, char key[256], char labels[8][2][64],
                     size_t *n_labels);

/* A matcher "label=glob" (zone=shancheng, county=4106*, kind=overdue). */
typedef struct {
    label_t label;
    char value[64];
} matcher_t;

/* Parses "label=value"; 0, or -1 with the reason in err. */
int matcher_parse(const char *s, matcher_t *m, char *err, size_t errsz);
/* Whether every matcher takes a (an empty list takes nothing). */
bool matchers_match(const matcher_t *m, size_t n, const alert_t *a);

typedef struct {
    int64_t id;
    matcher_t matchers[NOTIFY_MAX_MATCHERS];
    size_t n_matchers;
    int64_t starts_ms, ends_ms; /* active in [starts, ends) */
    char comment[256], created_by[128];
} silence_t;

/* Whether s is active at now and takes a. */
bool silence_mutes(const silence_t *s, int64_t now_ms, const alert_t *a);

/* An inhibit rule: a firing source alert mutes the target alerts equal to it on the
 * `equal` labels. The default rule: an overdue report mutes its zone's target alerts. */
typedef struct {
    char name[NOTIFY_NAME_LEN];
    unsigned source_kinds, target_kinds; /* bits (1 << kind) */
    severity_t source_severity;          /* least severity of the source */
    unsigned equal;                      /* bits (1 << label) */
} inhibit_t;

/* The built-in rule "overdue": source overdue, target pace/growth/level, equal zone. */
inhibit_t inhibit_default(void);

/* Whether a is muted by one of the rules, given the firing alerts (a itself among them
 * or not). An alert never inhibits itself. */
bool inhibit_mutes(const inhibit_t *rules, size_t n_rules, const alert_t *firing, size_t n_firing,
                   const alert_t *a);

/* The fingerprint of an alert: 16 hex digits of FNV-1a 64 over alert_key(). */
void notify_fingerprint(const alert_t *a, char out[17]);

/* The hash of a group's state: its firing alerts (fingerprint and severity) and its
 * resolved ones, in any order (sorted inside). 0 never comes out: 0 is "nothing sent". */
uint64_t notify_state_hash(const notice_alert_t *alerts, size_t n);

/* The calendar for reminders and quiet hours, in Asia/Shanghai. */
typedef struct {
    int quiet_from_min, quiet_to_min; /* minutes after midnight; equal: no quiet hours */
    unsigned working_days;            /* bit per weekday, 0 = Sunday … 6 = Saturday */
    int remind_at_min;                /* -1: none, else reminders at this time of day */
} notify_calendar_t;

/* "21:00-08:00" → from, to in minutes; "" → no quiet hours (both 0). 0 or -1. */
int notify_parse_quiet(const char *s, int *from_min, int *to_min);
/* "09:00" → 540; "" → -1 (none). 0 or -1. */
int notify_parse_time_of_day(const char *s, int *min);
/* "mon-fri", "mon,tue,sat", "all" → bits. 0 or -1. */
int notify_parse_days(const char *s, unsigned *bits);

/* The weekday (0 = Sunday) of the Asia/Shanghai date of ms. */
int notify_weekday(int64_t ms);

/* Whether ms falls in the quiet hours. */
bool notify_in_quiet(const notify_calendar_t *c, int64_t ms);

/* The earliest instant at or after ms outside the quiet hours and on a working day
 * (moved to the quiet hours' end, or the next working day's start of day). */
int64_t notify_not_at_night(const notify_calendar_t *c, int64_t ms);

/* When a group last notified at last_ms (still firing) is reminded, repeat_ms later:
 *  - with remind_at: on the Asia/Shanghai date of last + repeat, at remind_at, moved to
 *    the next working day (and a day on while that is not after last), so "24h at 09:00
 *    on working days" is every working day at 09:00 whatever time the first message went;
 *  - without: last + repeat, moved out of quiet hours and off non-working days.
 * repeat_ms <= 0: never (INT64_MAX). */
int64_t notify_next_reminder(const notify_calendar_t *c, int64_t last_ms, int64_t repeat_ms);

/* When a group is next due, and with what. */
typedef enum { DUE_NOTHING, DUE_NOTIFY, DUE_REMIND } due_t;
typedef struct {
    uint64_t sent_hash;    /* the state last handed to the receiver (0: none) */
    int64_t first_seen_ms; /* when the group had its first firing alert in this run */
    int64_t last_ms;       /* when it was last notified (or reminded), 0: never */
} group_clock_t;

/* What a group with state hash `hash` (0: nothing to say: no firing alert and no
 * resolved one to report) should do at now, under the route's timings: a changed state
 * notifies after group_wait (a group never notified) or group_interval (since the last
 * message); an unchanged firing one is reminded at notify_next_reminder. *next_ms is
 * when to look again (INT64_MAX: nothing pending). */
due_t notify_group_due(const group_clock_t *g, uint64_t hash, bool firing, const route_t *eff,
                       const notify_calendar_t *cal, int64_t now_ms, int64_t *next_ms);

/* ---- notify_store.c: the notification store ------------------------------------------- */

typedef struct nstore nstore_t;

/* Opens (creating and migrating) the store at path as its writer. NULL with err. */
nstore_t *nstore_open(const char *path, char *err, size_t errsz);
/* Closes, NULL-safe, sets *s to NULL. */
void nstore_close(nstore_t **s);
/* The connection, for tests. Borrowed. */
struct sqlite3 *nstore_db(nstore_t *s);

/* Whether this is the first start on the store: reads, or records now_ms as, the first
 * start. 0 or -1 (logged). */
int nstore_first_start(nstore_t *s, int64_t now_ms, bool *first, int64_t *first_ms);

/* A group's row: the state last decided for it. */
typedef struct {
    char route[NOTIFY_NAME_LEN], receiver[NOTIFY_NAME_LEN], key[256];
    uint64_t sent_hash;
    int64_t last_ms;
    notice_alert_t *alerts; /* its firing alerts as last notified (malloc'd: fn takes them) */
    size_t n_alerts;
} nstore_group_t;
typedef void (*nstore_group_fn)(nstore_group_t *g, void *arg);
/* Each group row into fn. Count, or -1 (logged). */
int nstore_each_group(nstore_t *s, nstore_group_fn fn, void *arg);

/* Decides a notice, in one transaction: the outbox row for n (to n->receiver), and the
 * group's new state (hash and its firing alerts) — or, touch_only (a reminder), only
 * the group's last_ms. 0, or -1 (logged; nothing stored). */
int nstore_enqueue(nstore_t *s, const char *route, const notice_t *n, uint64_t hash,
                   const notice_alert_t *firing, size_t n_firing, bool touch_only);

/* Sets a group's state without a notice (alerts it listed are now muted: forgotten
 * quietly, so that when the silence or the inhibiting alert ends they are told again).
 * 0 or -1. */
int nstore_put_group(nstore_t *s, const char *route, const char *receiver, const char *key, uint64_t hash,
                     int64_t last_ms, const notice_alert_t *firing, size_t n_firing);

/* One owed notice, oldest first per receiver. */
typedef struct {
    int64_t id;
    char route[NOTIFY_NAME_LEN];
    notice_t notice; /* receiver and external_url unset; alerts malloc'd (nstore_job_clear) */
    uint64_t hash;
    int attempts;
    int64_t next_try_ms;
    bool unreadable; /* its alerts could not be decoded: log it failed */
} nstore_job_t;
/* The oldest owed notice of receiver: 1, 0 none, -1 (logged). */
int nstore_next_job(nstore_t *s, const char *receiver, nstore_job_t *j);
void nstore_job_clear(nstore_job_t *j);
/* The job is done ("sent", "failed", "dropped"): its log row and its outbox row
 * deleted, in one transaction. 0 or -1 (logged). */
int nstore_job_done(nstore_t *s, int64_t id, const char *outcome, size_t n_alerts, const char *detail,
                    int64_t now_ms);
/* One more attempt failed: tried again not before next_try_ms. 0 or -1. */
int nstore_job_retry(nstore_t *s, int64_t id, int64_t next_try_ms);
/* Owed notices of a receiver; log rows of a receiver (NULL: any) with an outcome. -1 on error. */
long long nstore_pending(nstore_t *s, const char *receiver);
long long nstore_log_count(nstore_t *s, const char *receiver, const char *outcome);
/* Keeps at most max owed notices for receiver, dropping the oldest (logged "dropped").
 * How many were dropped, or -1. */
int nstore_bound(nstore_t *s, const char *receiver, long long max, int64_t now_ms);

/* The alert blob of a row (see notify_store.c); for the tests. 0 or -1. */
int nstore_encode_alerts(const notice_alert_t *a, size_t n, uint8_t **out, size_t *len);
int nstore_decode_alerts(const uint8_t *p, size_t len, notice_alert_t **out, size_t *n);

/* "zone=shan*,kind=overdue" into sil's matchers. 0, or -1 with err. */
int nstore_silence_parse_matchers(const char *text, silence_t *sil, char *err, size_t errsz);
/* Stores sil (its id set) and its audit row. 0 or -1. */
int nstore_silence_add(nstore_t *s, silence_t *sil, const char *actor_key, int64_t now_ms);
/* Ends silence id now, audited: 1, 0 no such silence (or already over), -1 error. */
int nstore_silence_expire(nstore_t *s, int64_t id, const char *actor, const char *actor_key, int64_t now_ms);
/* The silences not over at now (active or still to come) into *out (free it). 0 or -1. */
int nstore_silences(nstore_t *s, int64_t now_ms, silence_t **out, size_t *n);

/* ---- the daemon ------------------------------------------------------------------------ */

typedef struct {
    char config_path[1024];
    char master_dir[1024]; /* regions.csv: zone and county names for the messages; may be "" */
    char store[1024];      /* notify.db */
    char subscribe[256];   /* the scorer's PUB */
    char snapshot[256];    /* the scorer's snapshot ROUTER */
    char control[256];     /* our control ROUTER (silences) */
    bool insecure;
    char key[1024];          /* our secret key file */
    char server_key[1024];   /* the scorer's public key file */
    char silence_keys[1024]; /* who may add and expire silences */
    char quiet[32];          /* "21:00-08:00" */
    char working_days[64];   /* "mon-fri" */
    char remind_at[16];      /* "09:00" or "" */
    char timezone[64];       /* Asia/Shanghai only */
    char external_url[256];
    int silence_ms;                 /* scorer silent this long: resync */
    int tick_ms;                    /* groups looked at this often */
    int retry_min_ms, retry_max_ms; /* backoff */
    int late_ms;                    /* a notice older than this when it goes out is NOTICE_LATE */
    int max_pending;                /* per receiver: beyond it the oldest are dropped (logged) */
    /* the sections */
    route_tree_t routes;
    inhibit_t inhibits[NOTIFY_MAX_INHIBITS];
    size_t n_inhibits;
    bool default_inhibit; /* [inhibit] rules not given: the built-in one */
    struct receiver *receivers[NOTIFY_MAX_RECEIVERS];
    size_t n_receivers;
    notify_calendar_t cal;
} notify_config_t;

/* notify_config.c */

/* The [notify] keys (config.h). */
extern const config_key_t notify_config_keys[];

/* Fills cfg from defaults, the file named by -c (its [notify], [route …], [inhibit …] and
 * [receiver …] sections) and the command line. --help / --version print and exit 0.
 * 0, or -1 with a message printed. */
int notify_config_load(notify_config_t *cfg, int argc, char **argv);

/* The config before any file: the table's defaults, the root route, the built-in
 * inhibit rule. 0, or -1 with err (a malformed table). */
int notify_config_init(notify_config_t *cfg, char *err, size_t errsz);

/* Reads the sections of path into cfg (also used by the tests). 0, or -1 with
 * "file:line: message" in err. */
int notify_config_read(notify_config_t *cfg, const char *path, char *err, size_t errsz);

/* The cross-section checks (each route's receiver exists, the root has one). 0 or -1. */
int notify_config_check(notify_config_t *cfg, char *err, size_t errsz);

/* Frees the receivers. */
void notify_config_free(notify_config_t *cfg);

/* The receiver named name, or NULL. */
struct receiver *notify_config_receiver(const notify_config_t *cfg, const char *name);

/* ---- notify_engine.c ------------------------------------------------------------------- */

typedef struct {
    int route; /* index in cfg->routes */
    char receiver[NOTIFY_NAME_LEN], key[256];
    char labels[8][2][64];
    size_t n_labels;
    uint64_t sent_hash;    /* hash of `sent` (0: nothing) */
    int64_t last_ms;       /* last notice decided (0: never) */
    int64_t first_seen_ms; /* when it last went from no alert to some, in this run */
    bool had_members, first_start;
    notice_alert_t *sent; /* its firing alerts as last notified */
    size_t n_sent;
    notice_alert_t *now; /* scratch: its unmuted firing alerts this tick */
    size_t n_now, cap_now;
} ngroup_t;

typedef struct {
    const notify_config_t *cfg;
    const master_t *master; /* names for the messages; may be NULL */
    nstore_t *store;
    alert_list_t firing; /* the scorer's firing alerts as we know them */
    bool synced;         /* a snapshot has been taken */
    bool first_start;    /* the first run on this store: groups' first messages are summaries */
    ngroup_t *groups;
    size_t n_groups, cap_groups;
    silence_t *silences;
    size_t n_silences;
    uint64_t n_notices;
    char (*keys)[ALERT_KEY_LEN]; /* scratch: the firing alerts' keys … */
    const char **key_order;      /* … sorted, for is_firing */
    size_t n_keys;
} engine_t;

/* Sets e up and loads the groups' states from the store (rows of routes no longer
 * configured are left alone). 0 or -1. */
int engine_init(engine_t *e, const notify_config_t *cfg, const master_t *m, nstore_t *store,
                bool first_start);
void engine_free(engine_t *e);
/* A transition from the scorer: the firing alerts updated. */
void engine_apply(engine_t *e, const alert_t *a);
/* A snapshot: the firing alerts are *snapshot's (taken over; *snapshot emptied). */
void engine_replace(engine_t *e, alert_list_t *snapshot);
/* The silences in force (taken over). */
void engine_set_silences(engine_t *e, silence_t *s, size_t n);
/* Whether a is silenced or inhibited at now. */
bool engine_muted(const engine_t *e, const alert_t *a, int64_t now_ms);
/* Fills the notice's zone and county names from the master data. */
void engine_names(const engine_t *e, notice_t *n);
/* Looks at every group at now and decides (stores) the notices due. How many were
 * decided, or -1 (a store error: the rest is looked at again next tick). *next_ms: when
 * something is due next (INT64_MAX: nothing). Does nothing before the first snapshot. */
int engine_tick(engine_t *e, int64_t now_ms, int64_t *next_ms);

/* ---- notify_deliver.c ------------------------------------------------------------------ */

typedef struct deliverer deliverer_t;
typedef struct {
    uint64_t n_calls, n_sent, n_retries, n_failed;
    /* for the bench and tests: called on the main thread after each answer, with the
     * job and when receiver_deliver was entered. NULL in production. */
    void (*on_called)(const nstore_job_t *job, int64_t called_ms, void *arg);
    void *arg;
} deliver_stats_t;

/* One delivery thread per receiver of cfg, each with an inproc PAIR to the main thread
 * registered on loop. now() is the daemon's clock. NULL with err. */
deliverer_t *deliver_start(void *ctx, loop_t *loop, notify_config_t *cfg, nstore_t *store, engine_t *engine,
                           int64_t (*now)(void), char *err, size_t errsz);
/* Hands each idle receiver its oldest owed notice, if it may be called now. */
void deliver_kick(deliverer_t *d);
deliver_stats_t *deliver_stats(deliverer_t *d);
/* Whether no delivery is in flight. */
bool deliver_idle(const deliverer_t *d);
/* Waits for deliveries in flight (their answers are logged), stops the threads, frees;
 * NULL-safe. */
void deliver_stop(deliverer_t **d);

/* ---- the daemon's state ------------------------------------------------------------ */

typedef struct {
    notify_config_t cfg;
    master_t *master; /* may be NULL (no master_dir): codes instead of names */
    nstore_t *store;
    engine_t engine;
    deliverer_t *deliver;
    void *ctx, *control;
    loop_t *loop;
    clone_t *clone;
    sock_security_t sec;
    zap_t *zap;
    int signal_fd;
    bool resync_pending;  /* the last snapshot failed: try again on the timer … */
    int64_t next_sync_ms; /* … not before this (monotonic) */
    bool told_unanswered;
    uint64_t n_updates, n_resyncs, n_silence_requests;
} notifier_t;

/* notify_clock.c */

/* Reads the wall clock once (the start of notifier_now). */
void notifier_clock_start(void);
/* The daemon's clock: the wall clock at start (YUEBAO_NOW pins it) advanced by the
 * monotonic clock since, so a pinned clock still moves and group_wait elapses. */
int64_t notifier_now(void);

/* The engine looks at every group now and the deliverers send what is owed: on the
 * tick_ms timer, and at once after updates from the scorer (a group_wait of 0 means now,
 * not at the next tick). */
void notifier_tick(notifier_t *n);

/* notify_subscribe.c */

/* Opens the Clone subscriber on the scorer (SUB first, then the snapshot) and registers
 * the SUB on the loop. Fatal (log_fatal) when the SUB cannot be made; a scorer that does
 * not answer yet is tried again on the timer. */
void notify_subscribe_start(notifier_t *n);
/* Takes a snapshot of the firing alerts into the engine. 0, or -1 (logged once; tried
 * again by the timer). */
int notify_subscribe_sync(notifier_t *n);
/* Timer: a pending resync is tried, and silence on the SUB noticed. */
void notify_subscribe_check(loop_t *loop, void *arg);
void notify_subscribe_stop(notifier_t *n);

/* notify_control.c */

/* The control ROUTER (silences), with its ZAP domain silencers admitting silence_keys
 * (none without it: nobody may add one). Fatal on a bind error. No-op when control is "". */
void notify_control_start(notifier_t *n);
/* SIGHUP: silence_keys again (a bad file keeps the previous list). */
void notify_control_reload(notifier_t *n);
void notify_control_stop(notifier_t *n);
/* The silences in force from the store into the engine. */
void notify_silences_reload(notifier_t *n);

#endif
