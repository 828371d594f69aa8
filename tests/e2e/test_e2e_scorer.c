/* test_e2e_scorer.c - the scorer as a real process: reports go in through collectors,
 * rankings and alerts come out on its PUB, its snapshots and its score store.
 *
 * Each test runs its own aggregator and scorer in a temporary folder with the clock
 * pinned at 2017-07-05 (YUEBAO_NOW, inherited by the daemons) and obligations from
 * 2017-02, so 山城区's May report, missing from reports/2017-05, is overdue. What a
 * subscriber relies on: every update numbered without gaps, each transition published
 * once (never again on a recompute or a restart), a late joiner converging through the
 * snapshot, and a daemon that keeps serving when someone breaks a rules file.
 *
 * A subscriber cannot hear what the scorer publishes before it connects: the start-up
 * pass fires the overdue alerts of an empty store, so those are checked in the score
 * store and the snapshot, and their resolution on the PUB.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "e2e.h"
#include "clock.h"
#include "period.h"

static char dir[256];
static e2e_agg_t agg;
static e2e_scorer_t sc;

static void setup(void) {
    /* the daemons inherit it: the deadlines of 2017-02 … 2017-05 have passed, June's not */
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-05", 1), 0);
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
    memset(&agg, 0, sizeof agg);
    memset(&sc, 0, sizeof sc);
}

static void teardown(void) {
    e2e_cleanup();
}

TestSuite(e2e_scorer, .init = setup, .fini = teardown, .timeout = 180);

#define P(...) e2e_fmt(__VA_ARGS__)

/* Waits: generous, and more so when the daemons run under valgrind. */
static int wait_ms(void) {
    return e2e_scaled_ms(E2E_WAIT_MS);
}

/* The scorer's usual test settings: obligations from 2017-02, quick passes and beats,
 * and a full pass's targets judged one zone at a time, so that every test
 * crosses the edges between the ranges. */
#define SCORER_ARGS                                                                                           \
    "--set", "reporting_since=2017-02", "--set", "coalesce_ms=50", "--set", "heartbeat_ms=100", "--set",       \
        "zones_at_once=1"

static const char *const ALL_COUNTIES[] = {"410602", "410603", "410611", "410621",
                                           "410622", "410671", "410672", NULL};

static const struct {
    const char *zone, *county;
} ZONES[] = {
    {"baoshan", "410602"}, {"shancheng", "410603"}, {"qibin", "410611"},   {"xunxian", "410621"},
    {"liyang", "410621"},  {"heqi", "410622"},      {"jinshan", "410671"}, {"shifanqu", "410672"},
};
#define N_ZONES (sizeof ZONES / sizeof ZONES[0])

static void start_daemons(const char *const *scorer_extra) {
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0, "aggregator not ready:\n%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, scorer_extra), 0, "scorer not ready:\n%s",
                 e2e_tail(sc.err_log, 3000));
}

static void stop_daemons(void) {
    cr_assert_eq(e2e_scorer_stop(&sc), 0, "the scorer stops cleanly (99: valgrind found errors):\n%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_agg_stop(&agg), 0, "the aggregator stops cleanly:\n%s", e2e_tail(agg.err_log, 2000));
}

/* --- submitting the sample city ----------------------------------------------------- */

#define MAX_FILES 40

typedef struct {
    char path[MAX_FILES][512];
    const char *list[MAX_FILES + 1]; /* NULL-terminated */
    size_t n;
} fileset_t;

static void fileset_add(fileset_t *fs, const char *path) {
    cr_assert_lt(fs->n, MAX_FILES);
    snprintf(fs->path[fs->n], sizeof fs->path[0], "%s", path);
    fs->list[fs->n] = fs->path[fs->n];
    fs->list[++fs->n] = NULL;
}

/* county's monthly files (reports/YYYY-MM/NNNNNN.csv: no .bad, .projects or .rev2) for
 * the periods from … to, "YYYY-MM"; months without a file are skipped. */
static void county_files(fileset_t *fs, const char *county, const char *from, const char *to) {
    period_t p, end;
    cr_assert_eq(period_parse(from, &p), 0);
    cr_assert_eq(period_parse(to, &end), 0);
    for (; period_cmp(p, end) <= 0; p.month = p.month % 12 + 1, p.year += p.month == 1) {
        char ps[PERIOD_STRLEN];
        const char *path;
        period_format(p, ps);
        path = e2e_sample(P("reports/%s/%s.csv", ps, county));
        if (e2e_exists(path)) fileset_add(fs, path);
    }
}

/* Submits for each county (all at once: one collector each, as the county offices do)
 * its monthly files from … to, and waits until every one is acked. */
static void submit_counties(const char *const *counties, const char *from, const char *to) {
    static fileset_t fs[8];
    pid_t pids[8];
    size_t n = 0;
    for (; counties[n]; n++) {
        cr_assert_lt(n, 8);
        memset(&fs[n], 0, sizeof fs[n]);
        county_files(&fs[n], counties[n], from, to);
        pids[n] = e2e_submit_start(P("%s/submit-%s-%s", dir, counties[n], from), counties[n], agg.listen,
                                   P("%s/outbox-%s.db", dir, counties[n]), fs[n].list);
        cr_assert_gt(pids[n], 0);
    }
    for (size_t i = 0; i < n; i++) {
        int st = e2e_wait(pids[i], 3 * wait_ms());
        cr_assert_eq(st, 0, "submit of %s's %s … %s: status %d\n%s", counties[i], from, to, st,
                     e2e_tail(P("%s/submit-%s-%s.out", dir, counties[i], from), 2000));
    }
}

static void submit_one(const char *county, const char *file) {
    char *out = NULL;
    int st = e2e_submit(P("%s/submit-%s-one", dir, county), &out, county, agg.listen,
                        P("%s/outbox-%s.db", dir, county), file, NULL);
    cr_assert_eq(st, 0, "submit %s: status %d\n%s", file, st, out ? out : "");
    free(out);
}

/* --- a subscriber that keeps what it hears ------------------------------------------ */

#define MAX_PERIODS 24

typedef struct {
    void *sub;
    bool synced;         /* a first message arrived: seq is meaningful */
    uint64_t seq;        /* the last sequence number heard (heartbeat or update) */
    int n_gaps;          /* updates not numbered seq + 1, heartbeats ahead of seq */
    int n_bad_topics;    /* a topic that does not fit its message */
    int n_hb;            /* heartbeats */
    uint64_t hb_seq;     /* the last heartbeat's sequence */
    alert_list_t alerts; /* every alert transition, in order … */
    uint64_t *alert_seq; /* … and its sequence number */
    size_t n_ranking_msgs;
    ranking_t rankings[MAX_PERIODS];   /* the last whole ranking of each period … */
    uint64_t ranking_seq[MAX_PERIODS]; /* … and the sequence number of its last chunk */
    size_t n_rankings;
    ranking_t partial; /* chunks being assembled */
} watch_t;

static void watch_open(watch_t *w, const char *endpoint) {
    memset(w, 0, sizeof *w);
    w->sub = e2e_sub(endpoint, "");
    cr_assert_not_null(w->sub);
}

static void watch_close(watch_t *w) {
    e2e_dealer_close(&w->sub);
    alert_list_clear(&w->alerts);
    free(w->alert_seq);
    for (size_t i = 0; i < w->n_rankings; i++)
        ranking_clear(&w->rankings[i]);
    ranking_clear(&w->partial);
    memset(w, 0, sizeof *w);
}

static const ranking_t *watch_ranking(const watch_t *w, const char *period) {
    for (size_t i = 0; i < w->n_rankings; i++)
        if (!strcmp(w->rankings[i].period, period)) return &w->rankings[i];
    return NULL;
}

static uint64_t watch_ranking_seq(const watch_t *w, const char *period) {
    for (size_t i = 0; i < w->n_rankings; i++)
        if (!strcmp(w->rankings[i].period, period)) return w->ranking_seq[i];
    return 0;
}

static void keep_ranking(watch_t *w, ranking_t *r, uint64_t seq) {
    size_t i = 0;
    while (i < w->n_rankings && strcmp(w->rankings[i].period, r->period) != 0)
        i++;
    cr_assert_lt(i, MAX_PERIODS);
    if (i == w->n_rankings)
        w->n_rankings++;
    else
        ranking_clear(&w->rankings[i]);
    w->rankings[i] = *r;
    w->ranking_seq[i] = seq;
    memset(r, 0, sizeof *r);
}

static void on_ranking(watch_t *w, const char *topic, const msg_t *m) {
    ranking_t *r = &w->partial;
    if (strcmp(topic, P("ranking.%s", m->ranking.period)) != 0) w->n_bad_topics++;
    if (m->ranking_first == 0) {
        ranking_clear(r);
        snprintf(r->period, sizeof r->period, "%s", m->ranking.period);
        snprintf(r->method, sizeof r->method, "%s", m->ranking.method);
        r->n_dims = m->ranking.n_dims;
        memcpy(r->dims, m->ranking.dims, sizeof r->dims);
    } else if (strcmp(r->period, m->ranking.period) != 0 || r->n_rows != m->ranking_first) {
        w->n_gaps++; /* a chunk missing */
        ranking_clear(r);
        return;
    }
    for (size_t i = 0; i < m->ranking.n_rows; i++)
        cr_assert_not_null(ranking_add_row(r, &m->ranking.rows[i]));
    if (r->n_rows == m->ranking_total) {
        w->n_ranking_msgs++;
        keep_ranking(w, r, m->sequence);
    }
}

static void on_alert(watch_t *w, const char *topic, const msg_t *m) {
    const alert_t *a = &m->alert;
    if (strcmp(topic, P("alert.%s.%s.%s", a->county, a->zone, alert_kind_name(a->kind))) != 0)
        w->n_bad_topics++;
    cr_assert_not_null(alert_list_add(&w->alerts, a));
    w->alert_seq = realloc(w->alert_seq, w->alerts.n * sizeof *w->alert_seq);
    cr_assert_not_null(w->alert_seq);
    w->alert_seq[w->alerts.n - 1] = m->sequence;
}

/* Receives one message (up to timeout_ms) and files it. true if one came. */
static bool watch_step(watch_t *w, int timeout_ms) {
    char topic[192];
    msg_t m;
    if (e2e_recv_pub(w->sub, timeout_ms, topic, sizeof topic, &m) < 0) return false;
    if (m.kind == MSG_HEARTBEAT) {
        if (strcmp(topic, "hb") != 0) w->n_bad_topics++;
        if (w->synced && m.sequence != w->seq) w->n_gaps++;
        w->n_hb++;
        w->hb_seq = m.sequence;
        w->seq = m.sequence;
        w->synced = true;
    } else if (m.kind == MSG_RANKING || m.kind == MSG_ALERT) {
        if (w->synced && m.sequence != w->seq + 1) w->n_gaps++;
        w->seq = m.sequence;
        w->synced = true;
        if (m.kind == MSG_RANKING)
            on_ranking(w, topic, &m);
        else
            on_alert(w, topic, &m);
    } else {
        w->n_bad_topics++;
    }
    msg_clear(&m);
    return true;
}

typedef bool (*watch_cond_t)(const watch_t *w, const void *arg);

/* Listens until cond holds or timeout_ms passes. 0 or -1. */
static int watch_until(watch_t *w, watch_cond_t cond, const void *arg, int timeout_ms) {
    int64_t end = clock_mono_ms() + timeout_ms;
    while (!cond(w, arg)) {
        if (clock_mono_ms() >= end) return -1;
        watch_step(w, 100);
    }
    return 0;
}

static bool heard_heartbeats(const watch_t *w, const void *arg) {
    return w->n_hb >= *(const int *)arg;
}

/* Waits for a heartbeat: the subscription is in place (no slow joiner any more). */
static void watch_connect(watch_t *w) {
    int one = 1;
    cr_assert_eq(watch_until(w, heard_heartbeats, &one, wait_ms()), 0, "no heartbeat from the scorer");
}

/* Waits for a heartbeat sent after this call that carries the last sequence number
 * heard: everything published before it has been received. */
static bool settled(const watch_t *w, const void *arg) {
    return w->n_hb >= *(const int *)arg && w->hb_seq == w->seq;
}

static void watch_settle(watch_t *w) {
    int want = w->n_hb + 2; /* the first may have been on its way already */
    cr_assert_eq(watch_until(w, settled, &want, wait_ms()), 0, "the subscriber does not catch up");
}

typedef struct {
    const char *period;
    size_t rows;
} want_ranking_t;

/* Every ranking listed (until a NULL period) heard with its number of rows. */
static bool heard_rankings(const watch_t *w, const void *arg) {
    for (const want_ranking_t *wr = arg; wr->period; wr++) {
        const ranking_t *r = watch_ranking(w, wr->period);
        if (!r || r->n_rows != wr->rows) return false;
    }
    return true;
}

/* Number of alert transitions heard with topic prefix, kind (-1 any), transition
 * (TR_NONE any) and period (NULL any). */
static size_t count_heard(const watch_t *w, const char *prefix, int kind, transition_t tr,
                          const char *period) {
    size_t n = 0;
    for (size_t i = 0; i < w->alerts.n; i++) {
        const alert_t *a = &w->alerts.items[i];
        char topic[192];
        snprintf(topic, sizeof topic, "alert.%s.%s.%s", a->county, a->zone, alert_kind_name(a->kind));
        if (strncmp(topic, prefix, strlen(prefix)) != 0) continue;
        if (kind >= 0 && (int)a->kind != kind) continue;
        if (tr != TR_NONE && a->transition != tr) continue;
        if (period && strcmp(a->period, period) != 0) continue;
        n++;
    }
    return n;
}

typedef struct {
    const char *prefix;
    int kind;
    transition_t tr;
    const char *period;
    size_t n;
} want_alerts_t;

static bool heard_alerts(const watch_t *w, const void *arg) {
    const want_alerts_t *wa = arg;
    return count_heard(w, wa->prefix, wa->kind, wa->tr, wa->period) >= wa->n;
}

/* --- alert state, as a subscriber rebuilds it and as the store holds it ------------- */

/* Applies transition a to the firing set state (keyed by alert_key). */
static void apply_transition(alert_list_t *state, const alert_t *a) {
    char key[ALERT_KEY_LEN], k2[ALERT_KEY_LEN];
    size_t i;
    alert_key(a, key);
    for (i = 0; i < state->n; i++) {
        alert_key(&state->items[i], k2);
        if (!strcmp(key, k2)) break;
    }
    if (a->transition == TR_RESOLVED) {
        if (i < state->n) state->items[i] = state->items[--state->n];
    } else if (i < state->n) {
        state->items[i] = *a;
    } else {
        cr_assert_not_null(alert_list_add(state, a));
    }
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "key=severity key=severity …" of the alerts of l (all, or all but overdue ones),
 * sorted by key, as the store's query below gives it. Caller frees. */
static char *alerts_text(const alert_list_t *l, bool targets_only) {
    char **keys = calloc(l->n + 1, sizeof *keys), *out;
    size_t n = 0, len = 1;
    cr_assert_not_null(keys);
    for (size_t i = 0; i < l->n; i++) {
        char key[ALERT_KEY_LEN];
        if (targets_only && l->items[i].kind == ALERT_OVERDUE) continue;
        alert_key(&l->items[i], key);
        keys[n] = strdup(P("%s=%s", key, severity_name(l->items[i].severity)));
        cr_assert_not_null(keys[n]);
        len += strlen(keys[n++]) + 1;
    }
    qsort(keys, n, sizeof *keys, cmp_str);
    out = calloc(len, 1);
    cr_assert_not_null(out);
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(out, " ");
        strcat(out, keys[i]);
        free(keys[i]);
    }
    free(keys);
    return out;
}

static char *store_alerts_text(bool targets_only) {
    char *t =
        e2e_sql_text(sc.scores,
                     "SELECT group_concat(s, ' ') FROM (SELECT akey || '=' || severity AS s FROM alerts "
                     "%s ORDER BY akey)",
                     targets_only ? "WHERE kind != 'overdue'" : "");
    cr_assert_not_null(t, "cannot read the alerts of %s", sc.scores);
    return t;
}

/* The firing set a subscriber rebuilds from the transitions it heard after sequence
 * `after` on top of base (may be NULL). */
static void replay(const watch_t *w, const alert_list_t *base, uint64_t after, alert_list_t *out) {
    memset(out, 0, sizeof *out);
    for (size_t i = 0; base && i < base->n; i++)
        cr_assert_not_null(alert_list_add(out, &base->items[i]));
    for (size_t i = 0; i < w->alerts.n; i++)
        if (w->alert_seq[i] > after) apply_transition(out, &w->alerts.items[i]);
}

/* A ranking equals the score store's for its period: the same zones, ranks, previous
 * ranks and totals. */
static void assert_ranking_stored(const ranking_t *r) {
    char *county;
    cr_assert_not_null(r);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE period = '%s'", r->period),
                 (int64_t)r->n_rows, "%s: the rows published are the rows stored", r->period);
    for (size_t i = 0; i < r->n_rows; i++) {
        const ranking_row_t *row = &r->rows[i];
        const char *where = P("period = '%s' AND zone = '%s'", r->period, row->zone);
        cr_assert_eq(e2e_sql_int(sc.scores, "SELECT rank FROM rankings WHERE %s", where), row->rank,
                     "%s %s: rank", r->period, row->zone);
        cr_assert_eq(e2e_sql_int(sc.scores, "SELECT coalesce(prev_rank, 0) FROM rankings WHERE %s", where),
                     row->prev_rank, "%s %s: previous rank", r->period, row->zone);
        cr_assert_float_eq(e2e_sql_double(sc.scores, "SELECT total FROM rankings WHERE %s", where),
                           row->total, 1e-9, "%s %s: total", r->period, row->zone);
        county = e2e_sql_text(sc.scores, "SELECT county FROM rankings WHERE %s", where);
        cr_assert_str_eq(county, row->county, "%s %s: county", r->period, row->zone);
        free(county);
    }
}

/* A ranking is whole and ordered: rank 1 first, ranks never falling, totals never
 * rising, every zone once. */
static void assert_ranking_sane(const ranking_t *r) {
    cr_assert_gt(r->n_rows, 0);
    cr_assert_eq(r->rows[0].rank, 1, "%s: rank 1 is there", r->period);
    for (size_t i = 1; i < r->n_rows; i++) {
        cr_assert_geq(r->rows[i].rank, r->rows[i - 1].rank, "%s: ranks in order", r->period);
        cr_assert_leq(r->rows[i].total, r->rows[i - 1].total + 1e-9, "%s: totals in order", r->period);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(r->rows[i].zone, r->rows[j].zone, "%s: %s listed twice", r->period,
                              r->rows[i].zone);
    }
    for (size_t i = 0; i < r->n_rows; i++) {
        cr_assert_geq(r->rows[i].total, 0);
        cr_assert_leq(r->rows[i].total, 100);
    }
}

static bool ranking_has(const ranking_t *r, const char *zone) {
    for (size_t i = 0; i < r->n_rows; i++)
        if (!strcmp(r->rows[i].zone, zone)) return true;
    return false;
}

/* The scorer's "stopped: X events, Y passes, …" line. */
static void stopped_counts(const char *log, unsigned long long *events, unsigned long long *passes) {
    char *text = e2e_read_file(log);
    const char *p = text ? strstr(text, "stopped: ") : NULL;
    cr_assert_not_null(p, "no \"stopped:\" line in %s", log);
    cr_assert_eq(sscanf(p, "stopped: %llu events, %llu passes", events, passes), 2, "%.200s", p);
    free(text);
}

/* ==================================================================================== */

Test(e2e_scorer, reports_become_rankings_and_alert_transitions_on_the_pub) {
    static const char *const some[] = {"410603", "410621", "410671", NULL}; /* 4 zones */
    static const char *const extra[] = {SCORER_ARGS, NULL};
    static const want_ranking_t all_in[] = {{"2017-02", 4}, {"2017-03", 4}, {"2017-04", 4},
                                            {"2017-05", 3}, {"2017-06", 4}, {NULL, 0}};
    watch_t w;
    const ranking_t *r;
    char *heard, *stored;

    start_daemons(extra);
    watch_open(&w, sc.publish);
    watch_connect(&w);

    /* an empty store at 2017-07-05: every zone is overdue for 2017-02 … 2017-05 */
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE kind = 'overdue'"), 8 * 4);
    cr_assert_eq(e2e_sql_int(sc.scores,
                             "SELECT count(*) FROM alerts WHERE akey = 'overdue/shancheng/2017-05' AND "
                             "severity = 'critical' AND county = '410603' AND period = '2017-05'"),
                 1, "山城区's May report is overdue (critical)");

    /* 3 counties (4 zones) send February … June; 山城区 has no May file */
    submit_counties(some, "2017-02", "2017-06");
    cr_assert_eq(watch_until(&w, heard_rankings, all_in, wait_ms()), 0,
                 "the rankings of 2017-02 … 2017-06 with every zone that reported are published");
    watch_settle(&w);

    r = watch_ranking(&w, "2017-02");
    cr_assert_eq(r->n_rows, 4, "2017-02 ranks the 4 zones that reported it");
    assert_ranking_sane(r);
    cr_assert(ranking_has(r, "jinshan") && ranking_has(r, "shancheng") && ranking_has(r, "xunxian") &&
              ranking_has(r, "liyang"));
    cr_assert_str_eq(r->method, "efficacy");
    cr_assert_eq(r->n_dims, 4, "the 2017 scheme's 4 dimensions");
    for (size_t i = 0; i < w.n_rankings; i++)
        assert_ranking_stored(&w.rankings[i]);
    cr_assert(!ranking_has(watch_ranking(&w, "2017-05"), "shancheng"), "no May report, no May rank");

    /* each overdue alert of the 4 zones resolved once, and only those: 15 of them */
    cr_assert_eq(count_heard(&w, "alert.", ALERT_OVERDUE, TR_RESOLVED, NULL), 4 + 4 + 4 + 3);
    cr_assert_eq(count_heard(&w, "alert.", ALERT_OVERDUE, TR_NONE, NULL), 15);
    cr_assert_eq(count_heard(&w, "alert.410603.shancheng.overdue", ALERT_OVERDUE, TR_NONE, "2017-05"), 0,
                 "山城区's May is still missing: no transition");
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE kind = 'overdue'"), 4 * 4 + 1,
                 "the 4 zones that sent nothing, and 山城区's May");
    /* target alerts fire as the reports arrive; what the subscriber heard adds up to
     * what the store says is firing */
    cr_assert_gt(count_heard(&w, "alert.410603.shancheng.", -1, TR_FIRING, NULL), 0,
                 "山城区 falls behind some of its 2017 targets");
    {
        alert_list_t state;
        replay(&w, NULL, 0, &state);
        heard = alerts_text(&state, true);
        stored = store_alerts_text(true);
        cr_assert_str_eq(heard, stored, "the target alerts a subscriber rebuilds are the ones firing");
        cr_assert_gt(strlen(stored), 0);
        free(heard);
        free(stored);
        alert_list_clear(&state);
    }
    cr_assert_eq(w.n_gaps, 0, "updates numbered without gaps");
    cr_assert_eq(w.n_bad_topics, 0);

    /* the late May report arrives in July: the overdue alert resolves, on the PUB … */
    submit_one("410603", e2e_sample("late/2017-05/410603.csv"));
    {
        static const want_alerts_t resolved = {"alert.410603.shancheng.overdue", ALERT_OVERDUE, TR_RESOLVED,
                                               "2017-05", 1};
        static const want_ranking_t may[] = {{"2017-05", 4}, {NULL, 0}};
        cr_assert_eq(watch_until(&w, heard_alerts, &resolved, wait_ms()), 0,
                     "the overdue alert of 山城区's May resolves on alert.410603.shancheng.overdue");
        cr_assert_eq(watch_until(&w, heard_rankings, may, wait_ms()), 0, "May is ranked again, with 山城区");
    }
    watch_settle(&w);
    for (size_t i = 0; i < w.alerts.n; i++) {
        const alert_t *a = &w.alerts.items[i];
        if (a->kind != ALERT_OVERDUE || strcmp(a->zone, "shancheng") || strcmp(a->period, "2017-05"))
            continue;
        cr_assert_eq(a->transition, TR_RESOLVED);
        cr_assert_eq(a->previous, SEV_CRITICAL);
        cr_assert_eq(a->severity, SEV_NONE);
        cr_assert_str_eq(a->county, "410603");
        cr_assert_gt(a->deadline_ms, 0);
    }
    cr_assert_eq(count_heard(&w, "alert.", ALERT_OVERDUE, TR_NONE, NULL), 16, "one transition more, once");
    /* … and in the store: gone from alerts, firing then resolved in alert_events */
    cr_assert_eq(
        e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE akey = 'overdue/shancheng/2017-05'"), 0);
    stored = e2e_sql_text(sc.scores, "SELECT group_concat(transition || ':' || severity, ' ') FROM "
                                     "(SELECT * FROM alert_events WHERE akey = 'overdue/shancheng/2017-05' "
                                     "ORDER BY id)");
    cr_assert_str_eq(stored, "firing:critical resolved:none");
    free(stored);
    assert_ranking_stored(watch_ranking(&w, "2017-05"));
    cr_assert_eq(w.n_gaps, 0);
    cr_assert_eq(w.n_bad_topics, 0);

    watch_close(&w);
    stop_daemons();
}

Test(e2e_scorer, a_late_subscriber_converges_through_the_snapshot) {
    static const char *const extra[] = {SCORER_ARGS, NULL};
    static const want_ranking_t all_in[] = {{"2017-02", 8}, {"2017-03", 8}, {"2017-04", 8},
                                            {"2017-05", 7}, {"2017-06", 8}, {NULL, 0}};
    watch_t early, late;
    e2e_snapshot_t snap, county;
    char *got, *want;
    uint64_t heard_before;

    start_daemons(extra);
    watch_open(&early, sc.publish);
    watch_connect(&early);
    submit_counties(ALL_COUNTIES, "2017-02", "2017-06");
    cr_assert_eq(watch_until(&early, heard_rankings, all_in, wait_ms()), 0, "every ranking published");
    watch_settle(&early);
    heard_before = early.seq;
    cr_assert_gt(heard_before, 0);

    /* a subscriber joins late: subscribe first, then ask for the snapshot */
    watch_open(&late, sc.publish);
    watch_connect(&late);
    cr_assert_eq(e2e_snapshot(sc.snapshot, "", NULL, wait_ms(), &snap), 0, "no snapshot");
    cr_assert_geq(snap.sequence, heard_before, "the snapshot is as of everything published before it");

    /* the latest ranking, as stored and as the early subscriber heard it */
    cr_assert_str_eq(snap.ranking.period, "2017-06", "the latest period by default");
    cr_assert_eq(snap.ranking.n_rows, 8);
    assert_ranking_sane(&snap.ranking);
    assert_ranking_stored(&snap.ranking);
    {
        const ranking_t *heard = watch_ranking(&early, "2017-06");
        for (size_t i = 0; i < 8; i++) {
            cr_assert_str_eq(snap.ranking.rows[i].zone, heard->rows[i].zone);
            cr_assert_eq(snap.ranking.rows[i].rank, heard->rows[i].rank);
            cr_assert_float_eq(snap.ranking.rows[i].total, heard->rows[i].total, 1e-9);
        }
    }
    /* the firing alerts: the same keys, kinds and severities as the store's alerts */
    cr_assert_eq(snap.n_alerts, snap.alerts.n, "SnapshotEnd counts the alerts sent");
    for (size_t i = 0; i < snap.alerts.n; i++)
        cr_assert_eq(snap.alerts.items[i].transition, TR_ACTIVE);
    got = alerts_text(&snap.alerts, false);
    want = store_alerts_text(false);
    cr_assert_str_eq(got, want);
    free(got);
    free(want);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts"), (int64_t)snap.alerts.n);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE kind = 'overdue'"), 1,
                 "only 山城区's May is overdue");
    cr_assert_gt(snap.alerts.n, 1, "and some zones fall behind their targets");

    /* a county asks for its own alerts only */
    cr_assert_eq(e2e_snapshot(sc.snapshot, "alert.410603.", NULL, wait_ms(), &county), 0);
    cr_assert_eq(county.alerts.n, (size_t)e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE county = "
                                                                 "'410603'"));
    cr_assert_geq(county.alerts.n, 1);
    for (size_t i = 0; i < county.alerts.n; i++) {
        cr_assert_str_eq(county.alerts.items[i].county, "410603");
        cr_assert_str_eq(county.alerts.items[i].zone, "shancheng");
    }
    cr_assert_eq(county.n_alerts, county.alerts.n);
    e2e_snapshot_clear(&county);

    /* updates after the snapshot take the late subscriber to the publisher's state */
    submit_one("410603", e2e_sample("late/2017-05/410603.csv"));
    {
        static const want_alerts_t resolved = {"alert.410603.shancheng.overdue", ALERT_OVERDUE, TR_RESOLVED,
                                               "2017-05", 1};
        static const want_ranking_t may[] = {{"2017-05", 8}, {NULL, 0}};
        cr_assert_eq(watch_until(&late, heard_alerts, &resolved, wait_ms()), 0);
        cr_assert_eq(watch_until(&late, heard_rankings, may, wait_ms()), 0);
    }
    watch_settle(&late);
    {
        alert_list_t state;
        const ranking_t *june =
            watch_ranking_seq(&late, "2017-06") > snap.sequence ? watch_ranking(&late, "2017-06") : NULL;
        replay(&late, &snap.alerts, snap.sequence, &state);
        got = alerts_text(&state, false);
        want = store_alerts_text(false);
        cr_assert_str_eq(got, want, "snapshot + later updates = the store's alerts");
        free(got);
        free(want);
        alert_list_clear(&state);
        /* 2017-06's previous ranks changed with May's: republished, or else as snapped */
        assert_ranking_stored(june ? june : &snap.ranking);
        assert_ranking_stored(watch_ranking(&late, "2017-05"));
    }
    cr_assert_eq(late.n_gaps, 0);
    cr_assert_eq(early.n_gaps, 0);
    cr_assert_eq(late.n_bad_topics + early.n_bad_topics, 0);

    e2e_snapshot_clear(&snap);
    watch_close(&late);
    watch_close(&early);
    stop_daemons();
}

Test(e2e_scorer, a_restart_publishes_no_transition_again) {
    static const char *const some[] = {"410602", "410622", "410671", NULL};
    static const char *const extra[] = {SCORER_ARGS, "--set", "check_ms=200", NULL};
    static const want_ranking_t all_in[] = {{"2017-02", 3}, {"2017-03", 3}, {"2017-04", 3},
                                            {"2017-05", 3}, {"2017-06", 3}, {NULL, 0}};
    watch_t w;
    e2e_snapshot_t snap;
    int64_t n_events;
    uint64_t last_seq_of_first_run, start_seq;
    char *alerts_before, *rankings_before, *stars_before, *now;
    const char *rankings_q =
        "SELECT group_concat(s, ' ') FROM (SELECT period || '/' || zone || ':' || rank || "
        "':' || coalesce(prev_rank, 0) || ':' || star || ':' || promoted || ':' || "
        "printf('%%.9f', total) AS s FROM rankings ORDER BY period, zone)";
    const char *stars_q =
        "SELECT group_concat(s, ' ') FROM (SELECT year || '/' || zone || ':' || star || ':' || "
        "promoted AS s FROM stars ORDER BY year, zone)";

    start_daemons(extra);
    watch_open(&w, sc.publish);
    watch_connect(&w);
    submit_counties(some, "2016-12", "2017-06"); /* December 2016 judges stars */
    cr_assert_eq(watch_until(&w, heard_rankings, all_in, wait_ms()), 0);
    watch_settle(&w);
    cr_assert_eq(w.n_gaps, 0);
    last_seq_of_first_run = w.seq;
    cr_assert_eq(e2e_scorer_stop(&sc), 0, "%s", e2e_tail(sc.err_log, 2000));
    watch_close(&w);

    n_events = e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events");
    cr_assert_gt(n_events, 0);
    alerts_before = store_alerts_text(false);
    rankings_before = e2e_sql_text(sc.scores, "%s", rankings_q);
    stars_before = e2e_sql_text(sc.scores, "%s", stars_q);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM stars WHERE year = 2016"), 3);

    /* the same scores.db: the start-up pass finds nothing new */
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, extra), 0, "restart:\n%s", e2e_tail(sc.err_log, 3000));
    if (e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events") != n_events) {
        /* say which, and what the first run's last passes were: the transition is the bug */
        char *added = e2e_sql_text(sc.scores,
                                   "SELECT group_concat(akey || ' ' || transition || ' ' || previous || '->' || "
                                   "severity || ' ' || coalesce(period, '') || ' ' || coalesce(message, ''), '; ') "
                                   "FROM (SELECT * FROM alert_events ORDER BY id LIMIT -1 OFFSET %lld)",
                                   (long long)n_events);
        cr_assert_fail("the start-up pass recorded transitions: %s\nthe first run's log:\n%s", added,
                       e2e_tail(P("%s/scorer.err", dir), 6000));
    }
    now = store_alerts_text(false);
    cr_assert_str_eq(now, alerts_before);
    free(now);
    now = e2e_sql_text(sc.scores, "%s", rankings_q);
    cr_assert_str_eq(now, rankings_before, "the rankings are unchanged (previous ranks, stars included)");
    free(now);
    now = e2e_sql_text(sc.scores, "%s", stars_q);
    cr_assert_str_eq(now, stars_before, "a re-judged December changes no star and promotes nobody");
    free(now);

    /* nothing was published: the heartbeats and the snapshot stay at the sequence the
     * restarted scorer started from (ahead of the previous run's, so a subscriber of the
     * old run sees a gap) */
    watch_open(&w, sc.publish);
    watch_connect(&w);
    start_seq = w.hb_seq;
    cr_assert_gt(start_seq, last_seq_of_first_run, "a restart jumps ahead of the previous run");
    cr_assert_eq(e2e_snapshot(sc.snapshot, "", NULL, wait_ms(), &snap), 0);
    cr_assert_eq(snap.sequence, start_seq, "the restarted scorer published nothing");
    now = alerts_text(&snap.alerts, false);
    cr_assert_str_eq(now, alerts_before, "the snapshot serves the alerts still firing");
    free(now);
    e2e_snapshot_clear(&snap);

    /* a full recompute on SIGHUP (and the deadline checks every 200 ms) change nothing */
    cr_assert_eq(kill(sc.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log(sc.err_log, "pass 2 (full)", sc.pid, wait_ms()), 0,
                 "no full pass on SIGHUP:\n%s", e2e_tail(sc.err_log, 2000));
    watch_settle(&w);
    cr_assert_eq(w.alerts.n, 0, "no alert published for an unchanged state");
    cr_assert_eq(w.n_ranking_msgs, 0, "no ranking published for an unchanged ranking");
    cr_assert_eq(w.hb_seq, start_seq);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events"), n_events);
    cr_assert_eq(e2e_snapshot(sc.snapshot, "", NULL, wait_ms(), &snap), 0);
    cr_assert_eq(snap.sequence, start_seq);
    e2e_snapshot_clear(&snap);

    watch_close(&w);
    stop_daemons();
    cr_assert_eq(e2e_count_in_file(sc.err_log, "0 rankings and 0 alert transitions published"), 1, "%s",
                 e2e_tail(sc.err_log, 1000));
    free(alerts_before);
    free(rankings_before);
    free(stars_before);
}

Test(e2e_scorer, a_burst_of_reports_is_scored_in_few_passes) {
    /* default coalescing (200 ms quiet, 2 s at most) */
    static const char *const extra[] = {"--set", "reporting_since=2017-02", "--set", "heartbeat_ms=100",
                                        NULL};
    static const want_ranking_t feb[] = {{"2017-02", 8}, {NULL, 0}};
    unsigned long long n_events = 0, n_passes = 0;
    int64_t n_reports;
    watch_t w;

    start_daemons(extra);
    watch_open(&w, sc.publish);
    watch_connect(&w);
    /* every county at once: all of 2016 and 2017-02, 12 files each, 96 reports */
    submit_counties(ALL_COUNTIES, "2016-02", "2017-02");
    n_reports = e2e_sql_int(agg.store, "SELECT count(*) FROM report_history");
    cr_assert_eq(n_reports, 12 * 8);
    cr_assert_eq(watch_until(&w, heard_rankings, feb, wait_ms()), 0, "2017-02 is ranked:\n%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_sql_wait(sc.scores, 8, wait_ms(), "SELECT count(*) FROM stars WHERE year = 2016"), 8,
                 "every zone's 2016 star is judged on its December");
    /* a couple of heartbeats: the scorer's loop has turned, every event is read */
    watch_settle(&w);
    cr_assert_eq(w.n_gaps, 0);
    watch_close(&w);
    stop_daemons();

    stopped_counts(sc.err_log, &n_events, &n_passes);
    cr_assert_eq(n_events, (unsigned long long)n_reports, "one event per report accepted");
    cr_assert_geq(n_passes, 1);
    cr_assert_leq(n_passes * 5, n_events, "%llu passes for %llu events: bursts must coalesce", n_passes,
                  n_events);
    cr_assert_eq(e2e_count_in_file(sc.err_log, "info: pass "), (int)n_passes, "one \"pass N\" line per pass");

    /* 2016 has no scheme: not ranked; 2017-02 is, with the stars of 2016 */
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE period < '2017'"), 0);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM ranking_periods"), 1);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM stars"), 8);
    for (size_t z = 0; z < N_ZONES; z++) {
        const char *csv = e2e_sample(P("reports/2016-12/%s.csv", ZONES[z].county));
        double revenue = e2e_csv_field(csv, "zone", ZONES[z].zone, "indicator", "revenue", "amount");
        int want = RANKING_STAR_BELOW;
        cr_assert(!isnan(revenue), "%s's 2016 revenue in %s", ZONES[z].zone, csv);
        /* the highest star whose threshold (and every lower one's) the revenue meets */
        for (int star = 0;; star++) {
            double threshold = e2e_csv_field(e2e_sample("stars.csv"), "star", P("%d", star), "indicator",
                                             "revenue", "threshold");
            if (isnan(threshold) || revenue < threshold) break;
            want = star;
        }
        cr_assert_eq(
            e2e_sql_int(sc.scores, "SELECT star FROM stars WHERE year = 2016 AND zone = '%s'", ZONES[z].zone),
            want, "%s: revenue %.1f gives star %d", ZONES[z].zone, revenue, want);
        cr_assert_eq(e2e_sql_int(sc.scores,
                                 "SELECT star * 10000 + star_year FROM rankings WHERE period = '2017-02' AND "
                                 "zone = '%s'",
                                 ZONES[z].zone),
                     want * 10000 + 2016, "%s: the 2017-02 ranking shows its 2016 star", ZONES[z].zone);
        if (!strcmp(ZONES[z].zone, "jinshan")) cr_assert_eq(want, 4, "金山: 5 200 000 万元 is star 4");
    }
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM stars WHERE promoted != 0"), 0,
                 "a first judgement promotes nobody");
}

typedef struct {
    const char *period, *zone;
    int star, star_year;
} want_star_t;

static bool heard_star(const watch_t *w, const void *arg) {
    const want_star_t *ws = arg;
    const ranking_t *r = watch_ranking(w, ws->period);
    for (size_t i = 0; r && i < r->n_rows; i++)
        if (!strcmp(r->rows[i].zone, ws->zone))
            return r->rows[i].star == ws->star && r->rows[i].star_year == ws->star_year;
    return false;
}

Test(e2e_scorer, a_late_december_shows_its_stars_in_the_next_years_rankings) {
    static const char *const two[] = {"410602", "410671", NULL};
    static const char *const extra[] = {SCORER_ARGS, NULL};
    static const want_ranking_t feb[] = {{"2017-02", 2}, {NULL, 0}};
    static const want_star_t jinshan = {"2017-02", "jinshan", 4, 2016},
                             baoshan = {"2017-02", "baoshan", 4, 2016};
    watch_t w;

    start_daemons(extra);
    watch_open(&w, sc.publish);
    watch_connect(&w);
    /* February first: no December judged yet, no star to show */
    submit_counties(two, "2017-02", "2017-02");
    cr_assert_eq(watch_until(&w, heard_rankings, feb, wait_ms()), 0);
    for (size_t i = 0; i < 2; i++)
        cr_assert_eq(watch_ranking(&w, "2017-02")->rows[i].star, RANKING_STAR_NONE);
    /* then last year's December (late, or a correction of it): the stars it judges are
     * what the 2017 rankings show */
    submit_counties(two, "2016-12", "2016-12");
    cr_assert_eq(e2e_sql_wait(sc.scores, 2, wait_ms(), "SELECT count(*) FROM stars WHERE year = 2016"), 2);
    cr_assert_eq(watch_until(&w, heard_star, &jinshan, wait_ms()), 0,
                 "the 2017-02 ranking is republished with 金山's 2016 star:\n%s", e2e_tail(sc.err_log, 1500));
    cr_assert_eq(watch_until(&w, heard_star, &baoshan, wait_ms()), 0);
    watch_settle(&w);
    assert_ranking_stored(watch_ranking(&w, "2017-02"));
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE period = '2017-02' AND "
                                        "star = 4 AND star_year = 2016"),
                 2, "the score store shows them too");
    cr_assert_eq(w.n_gaps, 0);
    watch_close(&w);
    stop_daemons();
}

/* Copies the sample city's rules and master files into to. */
static void copy_rules(const char *to) {
    static const char *const files[] = {"regions.csv",      "indicators.csv", "scheme-2017.csv",
                                        "targets-2017.csv", "pacing.csv",     "stars.csv"};
    cr_assert_eq(mkdir(to, 0755), 0);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        cr_assert_eq(e2e_copy(e2e_sample(files[i]), P("%s/%s", to, files[i])), 0);
}

/* SIGHUP to the scorer, then waits for its n-th full pass ("(full)" in its log). */
static void reload_and_wait(int n) {
    cr_assert_eq(kill(sc.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log_n(sc.err_log, "(full)", n, sc.pid, wait_ms()), 0, "%s", e2e_tail(sc.err_log, 2000));
}

/* Rewrites scheme-2017.csv in rules with line `line` (1 = the header) replaced. */
static void edit_scheme(const char *rules, unsigned line, const char *text) {
    char *orig = e2e_read_file(e2e_sample("scheme-2017.csv")), *p = orig;
    const char *path = P("%s/scheme-2017.csv", rules);
    FILE *f = fopen(P("%s.tmp", path), "w");
    cr_assert_not_null(orig);
    cr_assert_not_null(f);
    for (unsigned n = 1; *p; n++) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (n == line)
            fprintf(f, "%s\n", text);
        else
            fwrite(p, 1, len, f);
        p += len;
    }
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(P("%s.tmp", path), path), 0);
    free(orig);
}

Test(e2e_scorer, a_bad_rules_file_on_sighup_keeps_the_rules_in_force) {
    char rules[300], rules_dir[320];
    const char *const extra[] = {SCORER_ARGS, "--set", rules_dir, NULL};
    e2e_snapshot_t snap;
    char *before, *now;
    const char *totals_q =
        "SELECT group_concat(s, ' ') FROM (SELECT zone || ':' || rank || ':' || "
        "printf('%%.9f', total) AS s FROM rankings WHERE period = '2017-02' ORDER BY zone)";

    snprintf(rules, sizeof rules, "%s/rules", dir);
    snprintf(rules_dir, sizeof rules_dir, "rules_dir=%s", rules);
    copy_rules(rules);
    start_daemons(extra);
    submit_one("410671", e2e_sample("reports/2017-02/410671.csv"));
    submit_one("410602", e2e_sample("reports/2017-02/410602.csv"));
    cr_assert_eq(
        e2e_sql_wait(sc.scores, 2, wait_ms(), "SELECT count(*) FROM rankings WHERE period = '2017-02'"), 2);
    before = e2e_sql_text(sc.scores, "%s", totals_q);

    /* weights summing to 99: the file is named, the old rules stay */
    edit_scheme(rules, 2, "经济总量,增加值,14,va,amount+growth");
    cr_assert_eq(kill(sc.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log_n(sc.err_log, "stay in force", 1, sc.pid, wait_ms()), 0, "%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_gt(e2e_count_in_file(sc.err_log, "scheme-2017.csv: weight: the weights sum to 99"), 0, "%s",
                 e2e_tail(sc.err_log, 2000));

    /* a weight that is not a number: the file and its line are named */
    edit_scheme(rules, 4, "经济总量,从业人员,ten,employees,amount+growth");
    cr_assert_eq(kill(sc.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log_n(sc.err_log, "stay in force", 2, sc.pid, wait_ms()), 0, "%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_gt(e2e_count_in_file(sc.err_log, "scheme-2017.csv:4: weight: \"ten\" is not a number"), 0, "%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert(e2e_alive(sc.pid), "a bad rules file never stops the daemon");
    cr_assert_eq(e2e_count_in_file(sc.err_log, "rules: schemes for"), 1, "no new rules were taken");

    /* still serving: snapshots, and passes under the rules in force */
    cr_assert_eq(e2e_snapshot(sc.snapshot, "", NULL, wait_ms(), &snap), 0, "the scorer still answers");
    cr_assert_str_eq(snap.ranking.period, "2017-02");
    cr_assert_eq(snap.ranking.n_rows, 2);
    assert_ranking_stored(&snap.ranking);
    e2e_snapshot_clear(&snap);
    now = e2e_sql_text(sc.scores, "%s", totals_q);
    cr_assert_str_eq(now, before, "the ranking is untouched");
    free(now);
    free(before);
    submit_one("410611", e2e_sample("reports/2017-02/410611.csv"));
    cr_assert_eq(
        e2e_sql_wait(sc.scores, 3, wait_ms(), "SELECT count(*) FROM rankings WHERE period = '2017-02'"), 3,
        "a report still gets scored:\n%s", e2e_tail(sc.err_log, 2000));

    /* fixed: the next SIGHUP takes it, and recomputes everything */
    cr_assert_eq(e2e_copy(e2e_sample("scheme-2017.csv"), P("%s/scheme-2017.csv", rules)), 0);
    cr_assert_eq(kill(sc.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log_n(sc.err_log, "rules: schemes for 2017", 2, sc.pid, wait_ms()), 0, "%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_wait_log_n(sc.err_log, "(full)", 2, sc.pid, wait_ms()), 0, "%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(sc.err_log, "stay in force"), 2);
    stop_daemons();
}

/* A year without a targets file raises no target alerts: once targets-2017.csv is taken
 * away (SIGHUP), every target alert of 2017 resolves in the full pass, overdue ones
 * stay. The pass judges the year in one range of every firing alert, as it would with
 * no zone to judge. */
/* Starts both daemons with the rules in a folder of the test's own (rules, a copy of
 * the sample's; extra names it as rules_dir), has three counties report February to
 * June, and waits for the full pass a SIGHUP asks for after every ack: then every
 * report has been judged. */
static void start_on_own_rules(const char *rules, const char *const *extra) {
    static const char *const some[] = {"410602", "410622", "410671", NULL};
    copy_rules(rules);
    start_daemons(extra);
    submit_counties(some, "2017-02", "2017-06");
    reload_and_wait(2);
}

Test(e2e_scorer, a_targets_file_taken_away_resolves_the_years_target_alerts) {
    char rules[300], rules_dir[320];
    const char *const extra[] = {SCORER_ARGS, "--set", rules_dir, NULL};
    const char *targets_q = "SELECT count(*) FROM alerts WHERE kind <> 'overdue'";
    const char *overdue_q = "SELECT count(*) FROM alerts WHERE kind = 'overdue'";
    const char *resolved_q =
        "SELECT count(*) FROM alert_events WHERE transition = 'resolved' AND kind <> 'overdue'";
    int64_t firing, overdue, resolved;

    snprintf(rules, sizeof rules, "%s/rules", dir);
    snprintf(rules_dir, sizeof rules_dir, "rules_dir=%s", rules);
    start_on_own_rules(rules, extra);
    firing = e2e_sql_int(sc.scores, "%s", targets_q);
    overdue = e2e_sql_int(sc.scores, "%s", overdue_q);
    resolved = e2e_sql_int(sc.scores, "%s", resolved_q);
    cr_assert_gt(firing, 0, "the sample's figures miss some 2017 targets:\n%s", e2e_tail(sc.err_log, 2000));
    cr_assert_gt(overdue, 0, "山城区's May report is missing");

    cr_assert_eq(unlink(P("%s/targets-2017.csv", rules)), 0);
    reload_and_wait(3);
    cr_assert_eq(e2e_sql_int(sc.scores, "%s", targets_q), 0, "%s", e2e_tail(sc.err_log, 3000));
    cr_assert_eq(e2e_sql_int(sc.scores, "%s", resolved_q) - resolved, firing,
                 "each firing target alert resolved once");
    cr_assert_eq(e2e_sql_int(sc.scores, "%s", overdue_q), overdue, "the overdue ones stay");
    stop_daemons();
}

/* ",code,code,…," of the indicators where less is better (direction -1 in the
 * sample's indicators.csv), into out. */
static void less_is_better(char *out, size_t size) {
    char *text = e2e_read_file(e2e_sample("indicators.csv")), *line, *save = NULL;
    size_t at = (size_t)snprintf(out, size, ",");
    cr_assert_not_null(text);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char c[64], kind[32], direction[8];
        if (sscanf(line, "%63[^,],%*[^,],%*[^,],%*[^,],%31[^,],%7[^,]", c, kind, direction) == 3 &&
            !strcmp(direction, "-1"))
            at += (size_t)snprintf(out + at, size - at, "%s,", c);
        cr_assert_lt(at, size);
    }
    free(text);
}

/* Rewrites targets-2017.csv in rules so that every target is met: an amount of 1 and a
 * growth of -99 %, or where less is better 10^9 and +999 %; an empty field stays
 * empty. */
static void relax_targets(const char *rules) {
    char *orig = e2e_read_file(e2e_sample("targets-2017.csv")), *line, *save = NULL, path[400], tmp[420];
    char less[512];
    FILE *f;
    less_is_better(less, sizeof less);
    snprintf(path, sizeof path, "%s/targets-2017.csv", rules);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    cr_assert_not_null(orig);
    cr_assert_not_null(f);
    for (unsigned n = 1; (line = strtok_r(n == 1 ? orig : NULL, "\n", &save)) != NULL; n++) {
        char zone[64], year[8], ind[64], amount[32] = "", growth[32] = "";
        if (n == 1) {
            fprintf(f, "%s\n", line);
            continue;
        }
        /* an empty target_amount ends the scan there: amount stays "" */
        cr_assert_geq(sscanf(line, "%63[^,],%7[^,],%63[^,],%31[^,\n]", zone, year, ind, amount), 3, "%s", line);
        if (line[strlen(line) - 1] != ',') snprintf(growth, sizeof growth, "%s", strrchr(line, ',') + 1);
        if (strstr(less, P(",%s,", ind)))
            fprintf(f, "%s,%s,%s,%s,%s\n", zone, year, ind, amount[0] ? "1000000000" : "", growth[0] ? "999" : "");
        else
            fprintf(f, "%s,%s,%s,%s,%s\n", zone, year, ind, amount[0] ? "1" : "", growth[0] ? "-99" : "");
    }
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(tmp, path), 0);
    free(orig);
}

/* Targets relaxed on SIGHUP until every one is met: the full pass resolves each firing
 * target alert once, saying the figure now meets its target ("… done by …", "growth
 * …"), not that it is no longer judged; the overdue ones stay. */
Test(e2e_scorer, targets_met_after_a_reload_resolve_with_what_was_met) {
    char rules[300], rules_dir[320];
    const char *const extra[] = {SCORER_ARGS, "--set", rules_dir, NULL};
    const char *targets_q = "SELECT count(*) FROM alerts WHERE kind <> 'overdue'";
    const char *resolved_q =
        "SELECT count(*) FROM alert_events WHERE transition = 'resolved' AND kind <> 'overdue'";
    const char *unjudged_q = "SELECT count(*) FROM alert_events WHERE transition = 'resolved' AND kind <> "
                             "'overdue' AND message LIKE '%no longer judged%'";
    int64_t firing, resolved;

    snprintf(rules, sizeof rules, "%s/rules", dir);
    snprintf(rules_dir, sizeof rules_dir, "rules_dir=%s", rules);
    start_on_own_rules(rules, extra);
    firing = e2e_sql_int(sc.scores, "%s", targets_q);
    resolved = e2e_sql_int(sc.scores, "%s", resolved_q);
    cr_assert_gt(firing, 0, "the sample's figures miss some 2017 targets:\n%s", e2e_tail(sc.err_log, 2000));

    relax_targets(rules);
    reload_and_wait(3);
    cr_assert_eq(e2e_sql_int(sc.scores, "%s", targets_q), 0, "every target is met:\n%s",
                 e2e_tail(sc.err_log, 3000));
    cr_assert_eq(e2e_sql_int(sc.scores, "%s", resolved_q) - resolved, firing, "each resolved once");
    cr_assert_eq(e2e_sql_int(sc.scores, "%s", unjudged_q), 0, "resolved as met, not as no longer judged: %s",
                 e2e_sql_text(sc.scores, "SELECT group_concat(message, ' | ') FROM alert_events WHERE "
                                         "transition = 'resolved' AND kind <> 'overdue'"));
    stop_daemons();
}

Test(e2e_scorer, a_bad_setting_is_a_usage_error) {
    static const char *const extra[] = {"--set", "method=foo", NULL};
    e2e_agg_t none;
    memset(&none, 0, sizeof none);
    snprintf(none.store, sizeof none.store, "%s/store.db", dir);
    snprintf(none.publish, sizeof none.publish, "ipc://%s/pub.sock", dir);
    cr_assert_eq(e2e_scorer_start(&sc, dir, &none, extra), -1);
    cr_assert_eq(sc.exit_status, 2, "exit 2 for a usage error:\n%s", e2e_tail(sc.err_log, 2000));
    cr_assert_gt(e2e_count_in_file(sc.err_log, "method \"foo\": expected efficacy or minmax"), 0, "%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert(!e2e_exists(sc.scores), "nothing created on the way out");
}

/* The report store does not exist until the aggregator first starts. The scorer names
 * the file, and either refuses to start (exit non-zero) or waits for it and starts
 * once the aggregator has created it; either way it never runs on nothing. */
Test(e2e_scorer, a_missing_report_store_is_named) {
    static const char *const extra[] = {SCORER_ARGS, NULL};
    e2e_agg_t later;
    memset(&later, 0, sizeof later);
    snprintf(later.store, sizeof later.store, "%s/store.db", dir); /* where e2e_agg_start puts it */
    snprintf(later.publish, sizeof later.publish, "ipc://%s/pub.sock", dir);

    cr_assert_gt(e2e_scorer_spawn(&sc, dir, &later, extra), 0);
    cr_assert_eq(e2e_wait_log(sc.err_log, later.store, sc.pid, wait_ms()), 0, "the message names %s:\n%s",
                 later.store, e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(sc.err_log, "ready:"), 0, "not ready without a report store");
    if (!e2e_alive(sc.pid)) {
        int st = e2e_wait(sc.pid, wait_ms());
        sc.pid = 0;
        cr_assert(st > 0 && st < 128 && st != 99, "a clean refusal, exit status %d:\n%s", st,
                  e2e_tail(sc.err_log, 2000));
        cr_assert(!e2e_exists(sc.scores), "nothing created on the way out");
        return;
    }
    /* it waits: the aggregator's first start creates the store, and the scorer goes on */
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0, "%s", e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_wait_log(sc.err_log, "ready:", sc.pid, wait_ms()), 0, "ready once the store exists:\n%s",
                 e2e_tail(sc.err_log, 2000));
    submit_one("410671", e2e_sample("reports/2017-02/410671.csv"));
    cr_assert_eq(
        e2e_sql_wait(sc.scores, 1, wait_ms(), "SELECT count(*) FROM rankings WHERE period = '2017-02'"), 1,
        "and scores what arrives:\n%s", e2e_tail(sc.err_log, 2000));
    stop_daemons();
}
