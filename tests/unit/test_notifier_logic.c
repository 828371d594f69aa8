/* test_notifier_logic.c - yuebao-notify's pure logic: routes, group keys, silences,
 * inhibition, state hashes, the calendar and when a group is due. Every instant is
 * hand-checked (Asia/Shanghai = UTC+8; 2017-07-03 was a Monday).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "clock.h"
#include "notifier.h"

/* Asia/Shanghai civil time → ms. */
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
    return a;
}

static route_t rt(const char *name, int parent) {
    route_t r;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", name);
    r.parent = parent;
    r.group_wait_ms = r.group_interval_ms = r.repeat_interval_ms = -1;
    return r;
}

Test(notifier_logic, the_clock_anchor_is_right) {
    cr_assert_eq(cst(2017, 7, 3, 15, 0), 1499065200000LL, "2017-07-03 15:00 +08 = 07:00Z");
    cr_assert_eq(notify_weekday(cst(2017, 7, 3, 15, 0)), 1, "a Monday");
    cr_assert_eq(notify_weekday(cst(2017, 7, 3, 0, 30)), 1, "still Monday in Shanghai (Sunday 16:30Z)");
    cr_assert_eq(notify_weekday(cst(2017, 7, 9, 12, 0)), 0, "Sunday");
}

/* root → office (critical anywhere, continue) and 4106* (a county's group), 4106* → 410603 */
static route_tree_t tree(void) {
    route_tree_t t;
    memset(&t, 0, sizeof t);
    t.routes[0] = rt("", -1);
    snprintf(t.routes[0].receiver, NOTIFY_NAME_LEN, "default");
    t.routes[0].group_wait_ms = 30000;
    t.routes[1] = rt("office", 0);
    t.routes[1].match_severity = SEV_CRITICAL;
    t.routes[1].cont = true;
    snprintf(t.routes[1].receiver, NOTIFY_NAME_LEN, "office");
    t.routes[2] = rt("hebi", 0);
    snprintf(t.routes[2].match_county, 64, "4106*");
    snprintf(t.routes[2].receiver, NOTIFY_NAME_LEN, "hebi");
    t.routes[2].repeat_interval_ms = 86400000;
    t.routes[3] = rt("heshan", 2);
    snprintf(t.routes[3].match_county, 64, "410602");
    t.routes[3].match_kinds = 1u << ALERT_OVERDUE;
    t.n = 4;
    return t;
}

Test(notifier_logic, routes_descend_first_match_and_continue) {
    route_tree_t t = tree();
    size_t out[8], n;
    alert_t a = mk(ALERT_PACE, SEV_CRITICAL, "z1", "410603");
    n = route_match(&t, &a, out, 8);
    cr_assert_eq(n, 2, "critical: the office (continue) and the county");
    cr_assert_eq(out[0], 1);
    cr_assert_eq(out[1], 2);
    a = mk(ALERT_PACE, SEV_WARNING, "z1", "410603");
    n = route_match(&t, &a, out, 8);
    cr_assert_eq(n, 1);
    cr_assert_eq(out[0], 2, "a warning: the county's group only");
    a = mk(ALERT_OVERDUE, SEV_WARNING, "z2", "410602");
    n = route_match(&t, &a, out, 8);
    cr_assert_eq(n, 1);
    cr_assert_eq(out[0], 3, "descended into the child");
    a = mk(ALERT_PACE, SEV_WARNING, "z9", "410100");
    n = route_match(&t, &a, out, 8);
    cr_assert_eq(n, 1);
    cr_assert_eq(out[0], 0, "nothing matched below the root: the root takes it");
    /* a resolved alert routes by the severity it fired with */
    a = mk(ALERT_PACE, SEV_NONE, "z1", "410603");
    a.previous = SEV_CRITICAL;
    a.transition = TR_RESOLVED;
    cr_assert_eq(route_match(&t, &a, out, 8), 2);
}

Test(notifier_logic, a_child_inherits_what_it_leaves_unset) {
    route_tree_t t = tree();
    route_t e = route_effective(&t, 3);
    cr_assert_str_eq(e.receiver, "hebi");
    cr_assert_eq(e.repeat_interval_ms, 86400000);
    cr_assert_eq(e.group_wait_ms, 30000);
    cr_assert_eq(e.group_interval_ms, 300000, "the built-in default");
    cr_assert_eq(e.group_by, (1u << LABEL_COUNTY) | (1u << LABEL_KIND), "county + kind by default");
}

Test(notifier_logic, group_keys_are_alertmanager_style) {
    alert_t a = mk(ALERT_PACE, SEV_WARNING, "z1", "410603");
    char key[256], labels[8][2][64];
    size_t n;
    route_group_key((1u << LABEL_COUNTY) | (1u << LABEL_KIND), &a, key, labels, &n);
    cr_assert_str_eq(key, "{county=\"410603\",kind=\"pace\"}");
    cr_assert_eq(n, 2);
    cr_assert_str_eq(labels[1][0], "kind");
    cr_assert_str_eq(labels[1][1], "pace");
}

Test(notifier_logic, silences_match_by_glob_and_expire) {
    silence_t s;
    char err[256];
    alert_t a = mk(ALERT_OVERDUE, SEV_WARNING, "shancheng", "410603");
    memset(&s, 0, sizeof s);
    cr_assert_eq(matcher_parse("zone=shan*", &s.matchers[0], err, sizeof err), 0, "%s", err);
    cr_assert_eq(matcher_parse("kind=overdue", &s.matchers[1], err, sizeof err), 0, "%s", err);
    s.n_matchers = 2;
    s.starts_ms = 1000;
    s.ends_ms = 2000;
    cr_assert(silence_mutes(&s, 1000, &a));
    cr_assert(silence_mutes(&s, 1999, &a));
    cr_assert_not(silence_mutes(&s, 2000, &a), "expired by itself at ends");
    cr_assert_not(silence_mutes(&s, 999, &a), "not yet");
    a.kind = ALERT_PACE;
    cr_assert_not(silence_mutes(&s, 1500, &a), "every matcher must take it");
    cr_assert_eq(matcher_parse("colour=red", &s.matchers[0], err, sizeof err), -1);
    cr_assert(strstr(err, "colour"));
    cr_assert_eq(matcher_parse("zone", &s.matchers[0], err, sizeof err), -1);
    cr_assert_not(matchers_match(s.matchers, 0, &a), "an empty silence mutes nothing");
}

Test(notifier_logic, an_overdue_report_mutes_its_zones_target_alerts) {
    inhibit_t r = inhibit_default();
    alert_t firing[2] = {mk(ALERT_OVERDUE, SEV_WARNING, "z1", "410603"),
                         mk(ALERT_PACE, SEV_CRITICAL, "z2", "410603")};
    alert_t pace1 = mk(ALERT_PACE, SEV_CRITICAL, "z1", "410603"), pace2 = firing[1];
    cr_assert(inhibit_mutes(&r, 1, firing, 2, &pace1), "z1 is overdue: nothing to judge");
    cr_assert_not(inhibit_mutes(&r, 1, firing, 2, &pace2), "z2 reported");
    cr_assert_not(inhibit_mutes(&r, 1, firing, 2, &firing[0]), "the overdue alert itself stays");
    firing[0].severity = SEV_NONE;
    cr_assert_not(inhibit_mutes(&r, 1, firing, 2, &pace1), "a resolved source mutes nothing");
}

Test(notifier_logic, state_hashes_ignore_order_and_see_severity) {
    notice_alert_t x[2], y[2];
    memset(x, 0, sizeof x);
    x[0].alert = mk(ALERT_PACE, SEV_WARNING, "z1", "410603");
    x[1].alert = mk(ALERT_PACE, SEV_CRITICAL, "z2", "410603");
    notify_fingerprint(&x[0].alert, x[0].fingerprint);
    notify_fingerprint(&x[1].alert, x[1].fingerprint);
    cr_assert_eq(strlen(x[0].fingerprint), 16);
    cr_assert_str_neq(x[0].fingerprint, x[1].fingerprint);
    y[0] = x[1];
    y[1] = x[0];
    cr_assert_eq(notify_state_hash(x, 2), notify_state_hash(y, 2));
    y[0].alert.severity = SEV_WARNING;
    cr_assert_neq(notify_state_hash(x, 2), notify_state_hash(y, 2), "a de-escalation is a new state");
    y[0] = x[1];
    y[0].status = NOTICE_RESOLVED;
    cr_assert_neq(notify_state_hash(x, 2), notify_state_hash(y, 2), "so is a resolution");
    cr_assert_eq(notify_state_hash(x, 0), 0, "nothing: 0");
    /* the fingerprint is FNV-1a 64 of the key: "pace/z1/fai/2017" */
    {
        char key[ALERT_KEY_LEN];
        alert_key(&x[0].alert, key);
        cr_assert_str_eq(key, "pace/z1/fai/2017");
    }
}

Test(notifier_logic, calendar_strings) {
    int a, b;
    unsigned d;
    cr_assert_eq(notify_parse_quiet("21:00-08:00", &a, &b), 0);
    cr_assert_eq(a, 1260);
    cr_assert_eq(b, 480);
    cr_assert_eq(notify_parse_quiet("", &a, &b), 0);
    cr_assert_eq(a, b);
    cr_assert_eq(notify_parse_quiet("21:00", &a, &b), -1);
    cr_assert_eq(notify_parse_quiet("25:00-08:00", &a, &b), -1);
    cr_assert_eq(notify_parse_time_of_day("09:00", &a), 0);
    cr_assert_eq(a, 540);
    cr_assert_eq(notify_parse_days("mon-fri", &d), 0);
    cr_assert_eq(d, 0x3e);
    cr_assert_eq(notify_parse_days("sat,sun", &d), 0);
    cr_assert_eq(d, 0x41);
    cr_assert_eq(notify_parse_days("fri-mon", &d), 0);
    cr_assert_eq(d, 0x63, "wraps over the weekend");
    cr_assert_eq(notify_parse_days("someday", &d), -1);
}

static notify_calendar_t office(void) {
    notify_calendar_t c = {
        .quiet_from_min = 21 * 60, .quiet_to_min = 8 * 60, .working_days = 0x3e, .remind_at_min = 540};
    return c;
}

Test(notifier_logic, an_overdue_report_is_reminded_every_working_day_at_nine) {
    notify_calendar_t c = office();
    int64_t day = 86400000;
    /* first message Monday 15:00 → Tuesday 09:00, then Wednesday 09:00 … */
    cr_assert_eq(notify_next_reminder(&c, cst(2017, 7, 3, 15, 0), day), cst(2017, 7, 4, 9, 0));
    cr_assert_eq(notify_next_reminder(&c, cst(2017, 7, 4, 9, 0), day), cst(2017, 7, 5, 9, 0));
    /* Friday 09:00 → not Saturday nor Sunday: Monday 10 July 09:00 */
    cr_assert_eq(notify_next_reminder(&c, cst(2017, 7, 7, 9, 0), day), cst(2017, 7, 10, 9, 0));
    /* a message at 23:30 Monday (an alert is news, whatever the hour) → Tuesday 09:00 */
    cr_assert_eq(notify_next_reminder(&c, cst(2017, 7, 3, 23, 30), day), cst(2017, 7, 4, 9, 0),
                 "last + 24 h falls on Tuesday: that day's 09:00");
    /* repeat 2 h at 09:00: Monday 08:00 + 2 h is Monday, whose 09:00 is after last */
    cr_assert_eq(notify_next_reminder(&c, cst(2017, 7, 3, 8, 0), 2 * 3600000LL), cst(2017, 7, 3, 9, 0));
    /* Monday 09:30 + 2 h is Monday, whose 09:00 is not after last: Tuesday's */
    cr_assert_eq(notify_next_reminder(&c, cst(2017, 7, 3, 9, 30), 2 * 3600000LL), cst(2017, 7, 4, 9, 0));
    cr_assert_eq(notify_next_reminder(&c, 5, 0), INT64_MAX, "repeat_interval 0: never");
}

Test(notifier_logic, without_a_time_of_day_reminders_skip_the_night_and_weekend) {
    notify_calendar_t c = office();
    c.remind_at_min = -1;
    /* Monday 18:00 + 4 h = 22:00, quiet → Tuesday 08:00 */
    cr_assert_eq(notify_next_reminder(&c, cst(2017, 7, 3, 18, 0), 4 * 3600000LL), cst(2017, 7, 4, 8, 0));
    /* Tuesday 10:00 + 4 h = 14:00: as is */
    cr_assert_eq(notify_next_reminder(&c, cst(2017, 7, 4, 10, 0), 4 * 3600000LL), cst(2017, 7, 4, 14, 0));
    /* Friday 19:00 + 4 h = 23:00 → Saturday 08:00 is not a working day → Monday 08:00 */
    cr_assert_eq(notify_next_reminder(&c, cst(2017, 7, 7, 19, 0), 4 * 3600000LL), cst(2017, 7, 10, 8, 0));
    cr_assert(notify_in_quiet(&c, cst(2017, 7, 3, 21, 0)));
    cr_assert(notify_in_quiet(&c, cst(2017, 7, 3, 7, 59)));
    cr_assert_not(notify_in_quiet(&c, cst(2017, 7, 3, 8, 0)));
}

Test(notifier_logic, a_group_waits_then_keeps_its_interval_then_reminds) {
    notify_calendar_t c = office();
    route_tree_t t = tree();
    route_t e = route_effective(&t, 2); /* wait 30 s, interval 5 min, repeat 24 h */
    group_clock_t g = {.sent_hash = 0, .first_seen_ms = cst(2017, 7, 3, 15, 0), .last_ms = 0};
    int64_t next;
    cr_assert_eq(notify_group_due(&g, 77, true, &e, &c, g.first_seen_ms + 29999, &next), DUE_NOTHING);
    cr_assert_eq(next, g.first_seen_ms + 30000, "group_wait");
    cr_assert_eq(notify_group_due(&g, 77, true, &e, &c, g.first_seen_ms + 30000, &next), DUE_NOTIFY);
    g.sent_hash = 77;
    g.last_ms = g.first_seen_ms + 30000;
    cr_assert_eq(notify_group_due(&g, 78, true, &e, &c, g.last_ms + 60000, &next), DUE_NOTHING,
                 "a change waits");
    cr_assert_eq(next, g.last_ms + 300000, "group_interval after the last message");
    cr_assert_eq(notify_group_due(&g, 77, true, &e, &c, g.last_ms + 60000, &next), DUE_NOTHING, "unchanged");
    cr_assert_eq(next, cst(2017, 7, 4, 9, 0), "reminded Tuesday 09:00");
    cr_assert_eq(notify_group_due(&g, 77, true, &e, &c, cst(2017, 7, 4, 9, 0), &next), DUE_REMIND);
    cr_assert_eq(notify_group_due(&g, 0, false, &e, &c, cst(2017, 7, 4, 9, 0), &next), DUE_NOTHING,
                 "nothing firing, nothing to report");
}
