/* notice_fixture.h - one notice for the receivers' tests (test_receivers,
 * test_e2e_receivers): 鹤山区's group with two firing alerts and one resolved, and the
 * master data that names their indicators. Times (UTC → Asia/Shanghai):
 *   made_at   1781226900000  2026-06-12T01:15:00Z  2026-06-12 09:15
 *   pace      since 1780626600000  2026-06-05T02:30:00Z  2026-06-05 10:30
 *   overdue   deadline = since 1781107200000  2026-06-10T16:00:00Z  2026-06-11 00:00
 *   growth    since 1780272000000 (2026-06-01 08:00), resolved 1781226900000
 */
#ifndef YB_NOTICE_FIXTURE_H
#define YB_NOTICE_FIXTURE_H

#include <math.h>
#include <string.h>

#include "../../notify/notice.h"

static indicator_t fixture_indicators[] = {
    {.code = "fai", .name_zh = "固定资产投资", .unit = "万元"},
    {.code = "rev", .name_zh = "营业收入", .unit = "万元"},
};
static master_t fixture_master = {.indicators = fixture_indicators, .n_indicators = 2};

static notice_alert_t fixture_alerts[3];

/* The notice, freshly filled (tests may change it). */
static notice_t fixture_notice(void) {
    notice_t n;
    notice_alert_t *a = fixture_alerts;
    memset(&n, 0, sizeof n);
    memset(fixture_alerts, 0, sizeof fixture_alerts);
    n.receiver = "heshan";
    strcpy(n.group_key, "{county=\"410603\",kind=\"pace\"}");
    strcpy(n.group_labels[0][0], "kind");
    strcpy(n.group_labels[0][1], "pace");
    strcpy(n.group_labels[1][0], "county");
    strcpy(n.group_labels[1][1], "410603");
    n.n_labels = 2;
    n.kind = NOTICE_NORMAL;
    n.made_at_ms = 1781226900000;
    n.external_url = "";

    a[0].alert.kind = ALERT_PACE;
    a[0].alert.severity = SEV_CRITICAL;
    strcpy(a[0].alert.zone, "hs01");
    strcpy(a[0].alert.county, "410603");
    strcpy(a[0].alert.indicator, "fai");
    a[0].alert.year = 2026;
    strcpy(a[0].alert.period, "2026-05");
    a[0].alert.value = 120;
    a[0].alert.target = 400;
    a[0].alert.expected = 41.666666666666664;
    a[0].alert.gap = -11.666666666666664;
    strcpy(
        a[0].alert.message,
        "固定资产投资: 30.0% of the year's target 400 万元 done by 2026-05, 41.7% expected (m/12): -11.7 pp");
    a[0].status = NOTICE_FIRING;
    a[0].starts_at_ms = 1780626600000;
    strcpy(a[0].fingerprint, "0123456789abcdef");
    strcpy(a[0].zone_name, "鹤山经济开发区");
    strcpy(a[0].county_name, "鹤山区");

    a[1].alert.kind = ALERT_OVERDUE;
    a[1].alert.severity = SEV_CRITICAL;
    strcpy(a[1].alert.zone, "hs02");
    strcpy(a[1].alert.county, "410603");
    a[1].alert.year = 2026;
    strcpy(a[1].alert.period, "2026-05");
    a[1].alert.value = a[1].alert.target = a[1].alert.expected = a[1].alert.gap = NAN;
    a[1].alert.deadline_ms = 1781107200000;
    strcpy(a[1].alert.message,
           "鹤壁宝山循环经济产业集聚区 (鹤山区) has not reported 2026-05; it was due 2026-06-10 24:00");
    a[1].status = NOTICE_FIRING;
    a[1].starts_at_ms = 1781107200000;
    strcpy(a[1].fingerprint, "fedcba9876543210");
    strcpy(a[1].zone_name, "宝山循环经济产业集聚区");
    strcpy(a[1].county_name, "鹤山区");

    a[2].alert.kind = ALERT_GROWTH;
    a[2].alert.severity = SEV_NONE;
    a[2].alert.previous = SEV_WARNING;
    a[2].alert.transition = TR_RESOLVED;
    strcpy(a[2].alert.zone, "hs03");
    strcpy(a[2].alert.county, "410603");
    strcpy(a[2].alert.indicator, "rev");
    a[2].alert.year = 2026;
    strcpy(a[2].alert.period, "2026-05");
    a[2].alert.value = 8.5;
    a[2].alert.target = 8;
    a[2].alert.expected = NAN;
    a[2].alert.gap = 0.5;
    strcpy(a[2].alert.message, "营业收入: growth +8.5% against a target of +8.0% by 2026-05: +0.5 pp");
    a[2].status = NOTICE_RESOLVED;
    a[2].starts_at_ms = 1780272000000;
    a[2].ends_at_ms = 1781226900000;
    strcpy(a[2].fingerprint, "00000000000000ff");
    strcpy(a[2].zone_name, "鹤山工业园");
    strcpy(a[2].county_name, "鹤山区");

    n.alerts = fixture_alerts;
    n.n_alerts = 3;
    return n;
}

#endif
