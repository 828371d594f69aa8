/* test_notifier_engine.c - the engine over a real notification store in a temp dir:
 * grouping, first start, restart and resync sending nothing twice, resolved alerts
 * reported once, inhibition, silences, reminders; the outbox and the log. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "notifier.h"

static char dir[256], path[300];
static notify_config_t cfg;

static int64_t cst(int y, int m, int d, int hh, int mi) {
    return (clock_days_from_civil(y, m, d) * 86400LL + hh * 3600 + mi * 60) * 1000 - CLOCK_SHANGHAI_OFFSET_MS;
}

static alert_t mk(alert_kind_t kind, severity_t sev, const char *zone, const char *county) {
    alert_t a;
    memset(&a, 0, sizeof a);
    a.kind = kind;
    a.severity = sev;
    snprintf(a.zone, sizeof a.zone, "%s", zone);
    snprintf(a.county, sizeof a.county, "%s", county);
    a.year = 2017;
    snprintf(a.period, sizeof a.period, "2017-06");
    if (kind != ALERT_OVERDUE) snprintf(a.indicator, sizeof a.indicator, "fai");
    a.value = a.target = a.expected = a.gap = NAN;
    a.transition = TR_FIRING;
    a.since_ms = 1000;
    snprintf(a.message, sizeof a.message, "%s behind", zone);
    return a;
}

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/yb-notify-engine-XXXXXX");
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/notify.db", dir);
    memset(&cfg, 0, sizeof cfg);
    cfg.routes.n = 1;
    snprintf(cfg.routes.routes[0].name, NOTIFY_NAME_LEN, "root");
    cfg.routes.routes[0].parent = -1;
    snprintf(cfg.routes.routes[0].receiver, NOTIFY_NAME_LEN, "office");
    cfg.routes.routes[0].group_wait_ms = 30000;
    cfg.routes.routes[0].group_interval_ms = 300000;
    cfg.routes.routes[0].repeat_interval_ms = 86400000;
    cfg.inhibits[0] = inhibit_default();
    cfg.n_inhibits = 1;
    cfg.cal = (notify_calendar_t){
        .quiet_from_min = 21 * 60, .quiet_to_min = 8 * 60, .working_days = 0x3e, .remind_at_min = 540};
}

static void teardown(void) {
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(notifier_engine, .init = setup, .fini = teardown);

static void snapshot(engine_t *e, const alert_t *a, size_t n) {
    alert_list_t l = {0};
    for (size_t i = 0; i < n; i++)
        alert_list_add(&l, &a[i]);
    engine_replace(e, &l);
}

static long long outbox(nstore_t *s) {
    return nstore_pending(s, "office");
}

Test(notifier_engine, three_alerts_of_a_county_are_one_first_start_summary_and_a_restart_sends_nothing) {
    char err[512];
    nstore_t *s = nstore_open(path, err, sizeof err);
    engine_t e;
    bool first;
    int64_t first_ms, next, t0 = cst(2017, 7, 3, 10, 0);
    nstore_job_t j;
    alert_t a[4] = {mk(ALERT_PACE, SEV_CRITICAL, "z1", "410602"), mk(ALERT_PACE, SEV_WARNING, "z2", "410602"),
                    mk(ALERT_PACE, SEV_CRITICAL, "z3", "410602"),
                    mk(ALERT_GROWTH, SEV_WARNING, "z4", "410603")};
    cr_assert(s, "%s", err);
    cr_assert_eq(nstore_first_start(s, t0, &first, &first_ms), 0);
    cr_assert(first);
    cr_assert_eq(engine_init(&e, &cfg, NULL, s, first), 0);
    cr_assert_eq(engine_tick(&e, t0, &next), 0, "no snapshot yet: nothing");
    snapshot(&e, a, 4);
    cr_assert_eq(engine_tick(&e, t0, &next), 0, "group_wait");
    cr_assert_eq(next, t0 + 30000);
    cr_assert_eq(engine_tick(&e, t0 + 30000, &next), 2, "two groups: 410602/pace and 410603/growth");
    cr_assert_eq(outbox(s), 2);
    cr_assert_eq(nstore_next_job(s, "office", &j), 1);
    cr_assert_eq(j.notice.kind, NOTICE_FIRST_START);
    cr_assert_str_eq(j.notice.group_key, "{county=\"410602\",kind=\"pace\"}");
    cr_assert_eq(j.notice.n_alerts, 3, "one message listing the three");
    cr_assert_eq(j.notice.n_labels, 2);
    cr_assert_str_eq(j.notice.group_labels[0][1], "410602");
    cr_assert_str_eq(j.notice.alerts[0].alert.message, "z1 behind", "the alert comes back whole");
    cr_assert_eq(nstore_job_done(s, j.id, "sent", j.notice.n_alerts, "HTTP 200", t0 + 31000), 0);
    nstore_job_clear(&j);
    cr_assert_eq(nstore_log_count(s, "office", "sent"), 1);
    cr_assert_eq(engine_tick(&e, t0 + 40000, &next), 0, "said already");
    engine_free(&e);
    nstore_close(&s);

    /* restart: the same snapshot, nothing new */
    s = nstore_open(path, err, sizeof err);
    cr_assert_eq(nstore_first_start(s, t0 + 60000, &first, &first_ms), 0);
    cr_assert_not(first);
    cr_assert_eq(first_ms, t0);
    cr_assert_eq(engine_init(&e, &cfg, NULL, s, first), 0);
    cr_assert_eq(e.n_groups, 2);
    snapshot(&e, a, 4);
    cr_assert_eq(engine_tick(&e, t0 + 100000, &next), 0, "a restart sends nothing already decided");
    cr_assert_eq(engine_tick(&e, t0 + 400000, &next), 0);
    cr_assert_eq(outbox(s), 1, "the undelivered one is still owed");

    /* z2 resolves and z1 de-escalates: one message with both, after group_interval */
    {
        alert_t r = a[1];
        r.transition = TR_RESOLVED;
        r.previous = r.severity;
        r.severity = SEV_NONE;
        engine_apply(&e, &r);
        r = a[0];
        r.transition = TR_DEESCALATED;
        r.previous = SEV_CRITICAL;
        r.severity = SEV_WARNING;
        engine_apply(&e, &r);
    }
    cr_assert_eq(engine_tick(&e, t0 + 410000, &next), 1, "group_interval since t0+30 s has passed");
    while (nstore_next_job(s, "office", &j) == 1 &&
           strcmp(j.notice.group_key, "{county=\"410602\",kind=\"pace\"}")) {
        cr_assert_eq(nstore_job_done(s, j.id, "sent", 0, "", t0), 0);
        nstore_job_clear(&j);
    }
    cr_assert_eq(j.notice.kind, NOTICE_NORMAL);
    cr_assert_eq(j.notice.n_alerts, 3, "two firing, one resolved");
    cr_assert_eq(j.notice.alerts[0].status, NOTICE_FIRING);
    cr_assert_eq(j.notice.alerts[2].status, NOTICE_RESOLVED, "resolved last");
    cr_assert_str_eq(j.notice.alerts[2].alert.zone, "z2");
    nstore_job_clear(&j);
    cr_assert_eq(engine_tick(&e, t0 + 800000, &next), 0, "the resolved one is reported once");
    engine_free(&e);
    nstore_close(&s);
}

Test(notifier_engine, an_overdue_report_mutes_the_zones_target_alerts_and_silences_expire) {
    char err[512];
    nstore_t *s = nstore_open(path, err, sizeof err);
    engine_t e;
    int64_t next, t0 = cst(2017, 7, 3, 10, 0);
    nstore_job_t j;
    alert_t a[2] = {mk(ALERT_OVERDUE, SEV_WARNING, "z1", "410602"),
                    mk(ALERT_PACE, SEV_CRITICAL, "z1", "410602")};
    silence_t *sil = calloc(1, sizeof *sil);
    cr_assert(s, "%s", err);
    cr_assert_eq(engine_init(&e, &cfg, NULL, s, false), 0);
    cr_assert_eq(nstore_silence_parse_matchers("zone=z1,kind=overdue", sil, err, sizeof err), 0, "%s", err);
    sil->starts_ms = t0;
    sil->ends_ms = t0 + 3600000;
    snprintf(sil->created_by, sizeof sil->created_by, "desk");
    cr_assert_eq(nstore_silence_add(s, sil, "KEY", t0), 0);
    cr_assert_eq(sil->id, 1);
    engine_set_silences(&e, sil, 1);
    snapshot(&e, a, 2);
    cr_assert_eq(engine_tick(&e, t0 + 60000, &next), 0, "overdue silenced, pace inhibited: nothing to say");
    cr_assert_eq(engine_tick(&e, t0 + 3600000, &next), 0, "the silence has just expired: group_wait starts");
    cr_assert_eq(engine_tick(&e, t0 + 3630000, &next), 1);
    cr_assert_eq(nstore_next_job(s, "office", &j), 1);
    cr_assert_str_eq(j.notice.group_key, "{county=\"410602\",kind=\"overdue\"}",
                     "the pace alert stays inhibited");
    cr_assert_eq(j.notice.n_alerts, 1);
    cr_assert_eq(nstore_job_done(s, j.id, "sent", 1, "", t0), 0);
    nstore_job_clear(&j);
    /* silenced again after it was told: it leaves quietly, and is told again after */
    {
        silence_t *again = calloc(1, sizeof *again);
        cr_assert_eq(nstore_silence_parse_matchers("zone=z1", again, err, sizeof err), 0);
        again->starts_ms = t0 + 3700000;
        again->ends_ms = t0 + 3800000;
        engine_set_silences(&e, again, 1);
    }
    cr_assert_eq(engine_tick(&e, t0 + 3700000, &next), 0, "muted: nothing told, not even resolved");
    cr_assert_eq(nstore_pending(s, "office"), 0);
    cr_assert_eq(engine_tick(&e, t0 + 4200000, &next), 0, "unmuted: group_wait again");
    cr_assert_eq(engine_tick(&e, t0 + 4230000, &next), 1, "told again once the silence is over");
    cr_assert_eq(nstore_next_job(s, "office", &j), 1);
    cr_assert_eq(j.notice.n_alerts, 1);
    cr_assert_eq(j.notice.alerts[0].status, NOTICE_FIRING);
    nstore_job_clear(&j);
    /* expire through the store, audited */
    cr_assert_eq(nstore_silence_expire(s, 1, "desk", "KEY", t0 + 10), 1);
    cr_assert_eq(nstore_silence_expire(s, 1, "desk", "KEY", t0 + 20), 0, "already over");
    cr_assert_eq(nstore_silence_expire(s, 7, "desk", "KEY", t0 + 20), 0, "no such silence");
    {
        silence_t *l;
        size_t n;
        cr_assert_eq(nstore_silences(s, t0 + 30, &l, &n), 0);
        cr_assert_eq(n, 0);
        free(l);
    }
    engine_free(&e);
    nstore_close(&s);
}

Test(notifier_engine, a_firing_group_is_reminded_the_next_working_day_at_nine) {
    char err[512];
    nstore_t *s = nstore_open(path, err, sizeof err);
    engine_t e;
    int64_t next, t0 = cst(2017, 7, 7, 15, 0); /* a Friday */
    nstore_job_t j;
    alert_t a = mk(ALERT_OVERDUE, SEV_WARNING, "z1", "410602");
    cr_assert(s, "%s", err);
    cr_assert_eq(engine_init(&e, &cfg, NULL, s, false), 0);
    snapshot(&e, &a, 1);
    cr_assert_eq(engine_tick(&e, t0, &next), 0);
    cr_assert_eq(engine_tick(&e, t0 + 30000, &next), 1);
    cr_assert_eq(next, cst(2017, 7, 10, 9, 0), "Monday 09:00, not the weekend");
    cr_assert_eq(engine_tick(&e, cst(2017, 7, 10, 8, 59), &next), 0);
    cr_assert_eq(engine_tick(&e, cst(2017, 7, 10, 9, 0), &next), 1);
    cr_assert_eq(next, cst(2017, 7, 11, 9, 0));
    cr_assert_eq(nstore_next_job(s, "office", &j), 1);
    cr_assert_eq(nstore_job_done(s, j.id, "sent", 1, "", t0), 0);
    nstore_job_clear(&j);
    cr_assert_eq(nstore_next_job(s, "office", &j), 1);
    cr_assert_eq(j.notice.kind, NOTICE_REMINDER);
    nstore_job_clear(&j);
    engine_free(&e);
    nstore_close(&s);
    /* a restart on Monday 10:00 does not remind again before Tuesday */
    s = nstore_open(path, err, sizeof err);
    cr_assert_eq(engine_init(&e, &cfg, NULL, s, false), 0);
    snapshot(&e, &a, 1);
    cr_assert_eq(engine_tick(&e, cst(2017, 7, 10, 10, 0), &next), 0);
    cr_assert_eq(next, cst(2017, 7, 11, 9, 0));
    engine_free(&e);
    nstore_close(&s);
}

Test(notifier_engine, the_outbox_is_bounded_oldest_dropped) {
    char err[512];
    nstore_t *s = nstore_open(path, err, sizeof err);
    notice_t n;
    cr_assert(s, "%s", err);
    memset(&n, 0, sizeof n);
    n.receiver = "office";
    for (int i = 0; i < 5; i++) {
        snprintf(n.group_key, sizeof n.group_key, "{g=\"%d\"}", i);
        n.made_at_ms = i;
        cr_assert_eq(nstore_enqueue(s, "root", &n, 0, NULL, 0, false), 0);
    }
    cr_assert_eq(nstore_bound(s, "office", 3, 100), 2);
    cr_assert_eq(nstore_pending(s, "office"), 3);
    cr_assert_eq(nstore_log_count(s, "office", "dropped"), 2);
    {
        nstore_job_t j;
        cr_assert_eq(nstore_next_job(s, "office", &j), 1);
        cr_assert_str_eq(j.notice.group_key, "{g=\"2\"}", "the oldest two went");
        nstore_job_clear(&j);
    }
    nstore_close(&s);
}
