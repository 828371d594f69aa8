/* test_e2e_live.c - the aggregator's live totals, as a subscriber sees them.
 *
 * The real aggregator runs (--insecure on ipc://, clock pinned at 2017-07-05); raw
 * collectors send it the sample city's reports — every month from 2016-02 to 2017-06,
 * then dozens of corrections of 2017-06 and a report for a zone of another county,
 * rejected: hundreds of commits in all. Subscribers use the project's Clone client
 * (common/clone.c), the one `yuebao watch` uses:
 *   - one that starts after everything was sent: its snapshot alone must equal the store;
 *   - one that follows from the start but loses every fifth update, as a lossy network
 *     would: it must notice, resync, and end equal to the store.
 * "Equal to the store" is computed here independently of the aggregator: every current
 * value in the store summed per period for the city and each county, the aggregate
 * growth Σamount / Σ(amount / (1 + g/100)) − 1, and completeness and on-time counts
 * from the report history (first revision before the 10th of the next month, 24:00
 * Asia/Shanghai).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "aggregate.h"
#include "clock.h"
#include "clone.h"
#include "e2e.h"
#include "master.h"
#include "rstore.h"

#define P(...) e2e_fmt(__VA_ARGS__)

static char dir[256];
static e2e_agg_t agg;
static void *ctx;
static master_t *M;
static clone_t *C; /* the test's subscriber: closed in teardown even after a failure */

static void setup(void) {
    diag_list_t dl = {0};
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-05", 1), 0);
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
    memset(&agg, 0, sizeof agg);
    ctx = zmq_ctx_new();
    cr_assert_not_null(ctx);
    M = master_load(e2e_city(), &dl);
    diag_clear(&dl);
    cr_assert_not_null(M, "master data of %s", e2e_city());
}

static void teardown(void) {
    clone_close(&C); /* before zmq_ctx_term, which waits for every socket */
    e2e_cleanup();
    if (ctx) zmq_ctx_term(ctx);
    ctx = NULL;
    master_destroy(&M);
}

TestSuite(e2e_live, .init = setup, .fini = teardown, .timeout = 240);

/* ---- a subscriber's state ------------------------------------------------------------- */

typedef struct {
    scope_totals_t items[256];
    size_t n;
    size_t n_updates, n_lost, n_resyncs;
    int lose_every; /* 0: lose nothing */
    uint64_t counter;
} state_t;

static bool lose(uint64_t sequence, void *arg) {
    state_t *s = arg;
    (void)sequence;
    if (!s->lose_every || ++s->counter % (uint64_t)s->lose_every) return false;
    s->n_lost++;
    return true;
}

static scope_totals_t *find(state_t *s, const char *period, const char *scope) {
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->items[i].period, period) && !strcmp(s->items[i].scope, scope)) return &s->items[i];
    return NULL;
}

static void forget(state_t *s) {
    for (size_t i = 0; i < s->n; i++)
        scope_totals_clear(&s->items[i]);
    s->n = 0;
}

static void on_msg(const msg_t *m, bool in_snapshot, void *arg) {
    state_t *s = arg;
    scope_totals_t *t;
    if (!in_snapshot) s->n_updates++;
    if (m->kind != MSG_TOTALS) return;
    t = find(s, m->totals.period, m->totals.scope);
    if (!t) {
        cr_assert_lt(s->n, 256, "more (period, scope) pairs than the sample city has");
        t = &s->items[s->n++];
    }
    scope_totals_clear(t);
    cr_assert_eq(scope_totals_copy(t, &m->totals), 0);
}

static clone_t *subscribe(state_t *s, sock_security_t *sec) {
    clone_opts_t o;
    char err[512];
    clone_t *c;
    memset(&o, 0, sizeof o);
    sec->insecure = true;
    o.ctx = ctx;
    o.pub = agg.publish;
    o.snapshot = agg.snapshot;
    o.sec = sec;
    o.who = "the aggregator";
    o.snapshot_timeout_ms = e2e_scaled_ms(5000);
    o.silence_ms = e2e_scaled_ms(3000);
    o.lose = lose;
    o.lose_arg = s;
    c = clone_open(&o, err, sizeof err);
    cr_assert_not_null(c, "%s", err);
    return c;
}

/* A fresh snapshot of every period into s. */
static void snapshot(clone_t *c, state_t *s) {
    msg_t req;
    char err[512];
    memset(&req, 0, sizeof req);
    req.kind = MSG_SNAPSHOT_REQUEST;
    codec_new_id(req.id);
    req.snap_req.recent = 5;
    forget(s);
    cr_assert_eq(clone_snapshot(c, &req, on_msg, s, err, sizeof err), CLONE_OK, "snapshot: %s\n%s", err,
                 e2e_tail(agg.err_log, 2000));
}

/* Polls for up to ms; on a gap or silence, resyncs. */
static void follow(clone_t *c, state_t *s, int ms) {
    int64_t end = clock_mono_ms() + ms;
    while (clock_mono_ms() < end) {
        char why[512];
        clone_result_t rc = clone_poll(c, 50, on_msg, s, why, sizeof why);
        cr_assert_neq(rc, CLONE_ERROR, "%s", why);
        if (rc == CLONE_RESYNC) {
            s->n_resyncs++;
            snapshot(c, s);
        }
    }
}

/* Follows until nothing happened for quiet_ms: no update and no resync. */
static void settle(clone_t *c, state_t *s, int quiet_ms) {
    int64_t give_up = clock_mono_ms() + e2e_scaled_ms(60000);
    for (;;) {
        size_t u = s->n_updates, r = s->n_resyncs;
        follow(c, s, quiet_ms);
        if (u == s->n_updates && r == s->n_resyncs) return;
        cr_assert_lt(clock_mono_ms(), give_up, "the subscriber never settled");
    }
}

/* ---- what the store says -------------------------------------------------------------- */

typedef struct {
    const char *county; /* NULL = the city */
    aggregate_t agg[64];
} sum_t;

static void on_value(const char *zone, const char *indicator, double amount, bool has_growth,
                     double growth_pct, void *arg) {
    sum_t *s = arg;
    const zone_t *z = master_zone(M, zone);
    const indicator_t *ind = master_indicator(M, indicator);
    cr_assert(z && ind, "%s/%s in the store but not in master data", zone, indicator);
    if (s->county && strcmp(z->county, s->county)) return;
    aggregate_add(&s->agg[ind - M->indicators], amount, has_growth, growth_pct);
}

/* The subscriber's totals of (period, county or "") against the store. */
static void check_scope(state_t *s, rstore_t *st, const char *period, const char *county) {
    sum_t sum;
    const scope_totals_t *t = find(s, period, county);
    period_t p;
    int64_t deadline;
    uint32_t expected = 0;
    char in[64] = "";
    cr_assert_not_null(t, "the subscriber has no totals for %s %s", period, county[0] ? county : "city");
    memset(&sum, 0, sizeof sum);
    sum.county = county[0] ? county : NULL;
    cr_assert_geq(rstore_each_value(st, period, on_value, &sum), 0);
    for (size_t i = 0; i < M->n_zones; i++)
        if (!sum.county || !strcmp(M->zones[i].county, county)) expected++;
    cr_assert_eq(t->expected, expected, "%s %s expected", period, county);
    if (sum.county) snprintf(in, sizeof in, " AND county = '%s'", county);
    cr_assert_eq(period_parse(period, &p), 0);
    deadline = period_deadline_ms(p, 10);
    cr_assert_eq(
        t->reported,
        (uint32_t)e2e_sql_int(agg.store, "SELECT count(*) FROM reports WHERE period = '%s'%s", period, in),
        "%s %s reported", period, county);
    cr_assert_eq(
        t->on_time,
        (uint32_t)e2e_sql_int(agg.store,
                              "SELECT count(*) FROM (SELECT min(stored_at_ms) AS first FROM "
                              "report_history WHERE period = '%s'%s GROUP BY zone) WHERE first < %lld",
                              period, in, (long long)deadline),
        "%s %s on time", period, county);
    for (size_t i = 0; i < M->n_indicators; i++) {
        const aggregate_t *a = &sum.agg[i];
        const indicator_total_t *r = NULL;
        double g;
        for (size_t k = 0; k < t->n_rows; k++)
            if (!strcmp(t->rows[k].indicator, M->indicators[i].code)) r = &t->rows[k];
        if (a->n == 0) {
            cr_assert_null(r, "%s %s: a row for %s, which nobody reported", period, county,
                           M->indicators[i].code);
            continue;
        }
        cr_assert_not_null(r, "%s %s: no row for %s", period, county, M->indicators[i].code);
        cr_assert_eq(r->n, a->n, "%s %s %s: zones", period, county, r->indicator);
        cr_assert(fabs(r->sum - a->sum) <= 1e-6 * fmax(1, fabs(a->sum)), "%s %s %s: sum %.10g, store %.10g",
                  period, county, r->indicator, r->sum, a->sum);
        cr_assert_eq(r->has_growth, aggregate_growth(a, &g), "%s %s %s: growth known", period, county,
                     r->indicator);
        if (r->has_growth)
            cr_assert(fabs(r->growth_pct - g) <= 1e-6, "%s %s %s: growth %.10g, store %.10g", period, county,
                      r->indicator, r->growth_pct, g);
        cr_assert(fabs(r->min - a->min) <= 1e-9 && fabs(r->max - a->max) <= 1e-9,
                  "%s %s %s: range %g..%g, store %g..%g", period, county, r->indicator, r->min, r->max,
                  a->min, a->max);
    }
}

typedef struct {
    char periods[64][PERIOD_STRLEN];
    size_t n;
} periods_t;

static void on_period(const char *period, void *arg) {
    periods_t *p = arg;
    cr_assert_lt(p->n, 64);
    snprintf(p->periods[p->n++], PERIOD_STRLEN, "%s", period);
}

/* Every (period, scope) of the store against the subscriber, and nothing more. */
static void check_equals_store(state_t *s) {
    char err[512];
    periods_t ps = {0};
    rstore_t *st = rstore_open(agg.store, true, err, sizeof err);
    cr_assert_not_null(st, "%s", err);
    cr_assert_gt(rstore_each_period(st, on_period, &ps), 0);
    for (size_t i = 0; i < ps.n; i++) {
        check_scope(s, st, ps.periods[i], "");
        for (size_t c = 0; c < M->n_counties; c++)
            check_scope(s, st, ps.periods[i], M->counties[c].code);
    }
    cr_assert_eq(s->n, ps.n * (M->n_counties + 1), "the subscriber holds %zu totals, the store %zu", s->n,
                 ps.n * (M->n_counties + 1));
    rstore_close(&st);
}

/* ---- sending -------------------------------------------------------------------------- */

static const struct {
    const char *county, *zone;
} units[] = {{"410602", "baoshan"}, {"410603", "shancheng"}, {"410611", "qibin"},   {"410621", "xunxian"},
             {"410621", "liyang"},  {"410622", "heqi"},      {"410671", "jinshan"}, {"410672", "shifanqu"}};
#define N_UNITS (sizeof units / sizeof units[0])

static void *dealers[N_UNITS];

/* Sends r as county and waits for its ack: want. */
static void send_report(size_t u, const report_t *r, ack_status_t want) {
    uint8_t id[MSG_ID_LEN], *bytes = NULL;
    size_t len = 0;
    msg_t ack;
    int st;
    memset(&ack, 0, sizeof ack);
    if (!dealers[u]) {
        dealers[u] = e2e_dealer(agg.listen, P("c:%s:%s", units[u].county, units[u].zone));
        cr_assert_not_null(dealers[u]);
    }
    cr_assert_eq(e2e_encode_report(r, id, &bytes, &len), 0);
    st = e2e_exchange(dealers[u], bytes, len, id, e2e_scaled_ms(10000), &ack);
    free(bytes);
    cr_assert_eq(st, (int)want, "%s %s rev %u: ack %d, expected %s (%s)\n%s", r->zone, r->period, r->revision,
                 st, ack_status_name(want), ack.ack.issues.n ? ack.ack.issues.items[0].message : "",
                 e2e_tail(agg.err_log, 1500));
    msg_clear(&ack);
}

/* The sample city month by month; between months the subscriber (if any) follows.
 * Returns the number of reports sent. */
static int send_sample(clone_t *c, state_t *s) {
    static const char *const periods[] = {"2016-02", "2016-03", "2016-04", "2016-05", "2016-06", "2016-07",
                                          "2016-08", "2016-09", "2016-10", "2016-11", "2016-12", "2017-02",
                                          "2017-03", "2017-04", "2017-05", "2017-06"};
    int sent = 0;
    for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++) {
        for (size_t u = 0; u < N_UNITS; u++) {
            const char *rel = P("reports/%s/%s.csv", periods[i], units[u].county);
            report_t r;
            if (!e2e_exists(e2e_sample(rel))) continue;
            cr_assert_eq(e2e_load_report(e2e_sample(rel), NULL, units[u].zone, 1, &r), 0, "%s", rel);
            send_report(u, &r, ACK_ACCEPTED);
            report_clear(&r);
            sent++;
        }
        if (c) follow(c, s, 20);
    }
    return sent;
}

/* Corrections of 2017-06: revisions first..last of every zone, each figure scaled a
 * little, so every revision replaces its predecessor with other numbers. */
static int send_corrections(clone_t *c, state_t *s, uint32_t first, uint32_t last) {
    int sent = 0;
    for (uint32_t rev = first; rev <= last; rev++) {
        for (size_t u = 0; u < N_UNITS; u++) {
            report_t r;
            cr_assert_eq(e2e_load_report(e2e_sample(P("reports/2017-06/%s.csv", units[u].county)), NULL,
                                         units[u].zone, rev, &r),
                         0);
            for (size_t k = 0; k < r.n_values; k++) {
                const indicator_t *ind = master_indicator(M, r.values[k].indicator);
                if (ind && ind->kind == KIND_RATIO) continue; /* percentages stay in 0..100 */
                r.values[k].amount *= 1.0 + 0.003 * rev;
                if (r.values[k].has_growth) r.values[k].growth_pct += 0.1 * rev;
            }
            send_report(u, &r, ACK_ACCEPTED);
            report_clear(&r);
            sent++;
        }
        if (c) follow(c, s, 10);
    }
    return sent;
}

/* 淇县 (410622) reporting for 山城区's zone: rejected, and published as such. */
static void send_foreign(void) {
    report_t r;
    cr_assert_eq(e2e_load_report(e2e_sample("reports/2017-06/410603.csv"), NULL, "shancheng", 9, &r), 0);
    send_report(5, &r, ACK_REJECTED); /* units[5] = 410622 */
    report_clear(&r);
}

static void start_aggregator(void) {
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, (const char *const[]){"--set", "heartbeat_ms=100", NULL}), 0,
                 "aggregator not ready:\n%s", e2e_tail(agg.err_log, 2000));
    memset(dealers, 0, sizeof dealers);
}

/* ---- tests ---------------------------------------------------------------------------- */

Test(e2e_live, a_late_subscriber_converges_from_the_snapshot) {
    state_t *s = calloc(1, sizeof *s);
    sock_security_t sec;
    int sent;
    memset(&sec, 0, sizeof sec);
    start_aggregator();
    sent = send_sample(NULL, NULL);
    sent += send_corrections(NULL, NULL, 2, 25);
    send_foreign();
    cr_assert_geq(sent, 300, "hundreds of reports before the subscriber starts (%d)", sent);

    /* untrusted bytes at the snapshot ROUTER first: garbage, a request for a period that
     * is not one, an envelope that is not a request. Logged and dropped; it serves on. */
    {
        void *d = e2e_dealer(agg.snapshot, NULL);
        msg_t bad, end;
        uint8_t *bytes = NULL;
        size_t len = 0;
        cr_assert_not_null(d);
        cr_assert_eq(e2e_send(d, "\x0a\xff\xffgarbage", 10), 0);
        memset(&bad, 0, sizeof bad);
        bad.kind = MSG_SNAPSHOT_REQUEST;
        codec_new_id(bad.id);
        snprintf(bad.snap_req.period, sizeof bad.snap_req.period, "2017-13");
        cr_assert_eq(codec_encode(&bad, &bytes, &len), 0);
        cr_assert_eq(e2e_send(d, bytes, len), 0);
        free(bytes);
        cr_assert_eq(e2e_recv_msg(d, e2e_scaled_ms(5000), &end), 0, "a bad period is answered, empty");
        cr_assert_eq(end.kind, MSG_SNAPSHOT_END);
        cr_assert_eq(end.snap_end_totals, 0);
        msg_clear(&end);
        memset(&bad, 0, sizeof bad);
        bad.kind = MSG_HEARTBEAT;
        codec_new_id(bad.id);
        cr_assert_eq(codec_encode(&bad, &bytes, &len), 0);
        cr_assert_eq(e2e_send(d, bytes, len), 0);
        free(bytes);
        e2e_dealer_close(&d);
        cr_assert_eq(e2e_wait_log(agg.err_log, "not a snapshot request", agg.pid, e2e_scaled_ms(5000)), 0,
                     "%s", e2e_tail(agg.err_log, 2000));
    }

    C = subscribe(s, &sec);
    snapshot(C, s);
    check_equals_store(s);

    /* and it stays equal while more arrive */
    sent = send_corrections(C, s, 26, 28);
    settle(C, s, e2e_scaled_ms(800));
    cr_assert_gt(s->n_updates, 0, "updates were heard after the snapshot");
    cr_assert_eq(s->n_resyncs, 0, "nothing was lost on a local socket");
    check_equals_store(s);
    /* the hand-checkable corner: 2017-06 city completeness, the late May report */
    cr_assert_eq(find(s, "2017-06", "")->reported, 8);
    cr_assert_eq(find(s, "2017-06", "")->on_time, 8, "June was reported before 2017-07-11");
    cr_assert_eq(find(s, "2017-05", "")->on_time, 0, "May, sent on 2017-07-05, was late everywhere");

    clone_close(&C);
    forget(s);
    free(s);
    cr_assert_eq(e2e_agg_stop(&agg), 0, "%s", e2e_tail(agg.err_log, 2000));
}

Test(e2e_live, a_subscriber_that_loses_updates_resyncs_and_converges) {
    state_t *s = calloc(1, sizeof *s);
    sock_security_t sec;
    memset(&sec, 0, sizeof sec);
    start_aggregator();
    s->lose_every = 5;
    C = subscribe(s, &sec);
    snapshot(C, s);
    cr_assert_eq(s->n, 0, "an empty store has no totals");

    send_sample(C, s);
    send_corrections(C, s, 2, 25);
    send_foreign();
    settle(C, s, e2e_scaled_ms(800));

    cr_assert_gt(s->n_lost, 10, "the lossy link dropped updates (%zu)", s->n_lost);
    cr_assert_gt(s->n_resyncs, 0, "the losses were noticed");
    check_equals_store(s);

    clone_close(&C);
    forget(s);
    free(s);
    cr_assert_eq(e2e_agg_stop(&agg), 0, "%s", e2e_tail(agg.err_log, 2000));
}
