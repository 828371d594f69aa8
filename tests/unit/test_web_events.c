/* test_web_events.c - the publishers' updates as the viewers' live events (web_events.c).
 *
 * Every message is encoded and decoded by the real codec first, so what is translated is
 * what a SUB hands over. The expected JSON is written out by hand. The deadline of
 * 2017-06 with deadline day 10 is 2017-07-11 00:00 Asia/Shanghai = 2017-07-10 16:00 UTC:
 * 17357 days after the epoch (47 years with 12 leap days, then 181 + 9 days) × 86400 s
 * + 16 h = 1499702400 s.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_live.h"

#define DEADLINE_MS 1499702400000LL

/* The message as a SUB would hand it over: encoded, then decoded. */
static msg_t wire(const msg_t *m) {
    uint8_t *buf = NULL;
    size_t len = 0;
    msg_t out;
    char err[256] = "";
    cr_assert_eq(codec_encode(m, &buf, &len), 0, "encode");
    cr_assert_eq(codec_decode(buf, len, &out, err, sizeof err), 0, "decode: %s", err);
    free(buf);
    return out;
}

static msg_t accepted(const char *county, const char *zone, uint32_t revision, int64_t at_ms) {
    msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = MSG_REPORT_ACCEPTED;
    codec_new_id(m.id);
    m.sequence = 7;
    snprintf(m.accepted.county, sizeof m.accepted.county, "%s", county);
    snprintf(m.accepted.zone, sizeof m.accepted.zone, "%s", zone);
    snprintf(m.accepted.period, sizeof m.accepted.period, "2017-06");
    m.accepted.revision = revision;
    m.accepted.stored_at_ms = at_ms;
    m.accepted.n_values = 15;
    return wire(&m);
}

static msg_t totals(const char *period, const char *scope) {
    msg_t m;
    indicator_total_t row;
    msg_t out;
    memset(&m, 0, sizeof m);
    memset(&row, 0, sizeof row);
    m.kind = MSG_TOTALS;
    codec_new_id(m.id);
    snprintf(m.totals.period, sizeof m.totals.period, "%s", period);
    snprintf(m.totals.scope, sizeof m.totals.scope, "%s", scope);
    m.totals.expected = 10;
    m.totals.reported = 4;
    m.totals.on_time = 3;
    m.totals.updated_at_ms = DEADLINE_MS - 1000;
    snprintf(row.indicator, sizeof row.indicator, "revenue");
    row.n = 4;
    row.sum = 123.4;
    m.totals.rows = &row;
    m.totals.n_rows = 1;
    out = wire(&m);
    return out;
}

static msg_t alert(transition_t t, severity_t sev, severity_t previous, const char *zone, const char *message) {
    msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = MSG_ALERT;
    codec_new_id(m.id);
    m.alert.kind = ALERT_PACE;
    m.alert.severity = sev;
    m.alert.previous = previous;
    m.alert.transition = t;
    snprintf(m.alert.zone, sizeof m.alert.zone, "%s", zone);
    snprintf(m.alert.county, sizeof m.alert.county, "410602");
    snprintf(m.alert.indicator, sizeof m.alert.indicator, "revenue");
    m.alert.year = 2017;
    snprintf(m.alert.period, sizeof m.alert.period, "2017-06");
    m.alert.value = 24.7;
    m.alert.target = 500;
    m.alert.expected = 41.7;
    m.alert.gap = -17;
    m.alert.since_ms = DEADLINE_MS;
    m.alert.at_ms = DEADLINE_MS;
    snprintf(m.alert.message, sizeof m.alert.message, "%s", message);
    return wire(&m);
}

static int translate(const msg_t *m, web_event_buf_t *e) {
    return web_event_translate(m, 10, e);
}

static void check(const web_event_buf_t *e, const char *type, const char *county, const char *json) {
    cr_assert_str_eq(e->type, type);
    cr_assert_str_eq(e->county, county);
    cr_assert_str_eq(e->json.data, json);
}

Test(web_events, an_accepted_report_before_the_deadline_is_on_time) {
    msg_t m = accepted("410602", "410602001", 2, DEADLINE_MS - 1);
    web_event_buf_t e = {0};
    cr_assert_eq(translate(&m, &e), 1);
    check(&e, "report", "410602",
          "{\"period\":\"2017-06\",\"county\":\"410602\",\"zone\":\"410602001\",\"revision\":2,"
          "\"late\":false,\"at_ms\":1499702399999}");
    web_event_buf_free(&e);
    msg_clear(&m);
}

Test(web_events, an_accepted_report_at_the_deadline_is_late) {
    msg_t m = accepted("410602", "410602001", 1, DEADLINE_MS);
    web_event_buf_t e = {0};
    cr_assert_eq(translate(&m, &e), 1);
    check(&e, "report", "410602",
          "{\"period\":\"2017-06\",\"county\":\"410602\",\"zone\":\"410602001\",\"revision\":1,"
          "\"late\":true,\"at_ms\":1499702400000}");
    /* a later deadline day moves it: the 20th makes the same moment on time */
    cr_assert_eq(web_event_translate(&m, 20, &e), 1);
    cr_assert(strstr(e.json.data, "\"late\":false"), "%s", e.json.data);
    web_event_buf_free(&e);
    msg_clear(&m);
}

Test(web_events, a_rejected_report_names_its_claimed_zone_escaped_and_not_its_reason) {
    msg_t m, d;
    web_event_buf_t e = {0};
    memset(&m, 0, sizeof m);
    m.kind = MSG_REPORT_REJECTED;
    codec_new_id(m.id);
    snprintf(m.rejected.county, sizeof m.rejected.county, "410603");
    /* a zone as a hostile county might claim it: a quote, markup, a control byte */
    snprintf(m.rejected.zone, sizeof m.rejected.zone, "x\"</script><b>\x01\\");
    snprintf(m.rejected.period, sizeof m.rejected.period, "2017-06");
    m.rejected.revision = 4;
    m.rejected.received_at_ms = 1500000000123LL;
    snprintf(m.rejected.reason, sizeof m.rejected.reason, "line 3: revenue: not a number");
    m.rejected.n_errors = 1;
    d = wire(&m);
    cr_assert_eq(translate(&d, &e), 1);
    check(&e, "rejected", "410603",
          "{\"period\":\"2017-06\",\"county\":\"410603\","
          "\"zone\":\"x\\\"\\u003c/script\\u003e\\u003cb\\u003e\\u0001\\\\\",\"at_ms\":1500000000123}");
    web_event_buf_free(&e);
    msg_clear(&d);
}

Test(web_events, totals_say_the_period_and_the_county_or_null_for_the_city) {
    msg_t c = totals("2017-06", "410602"), city = totals("2017-06", "");
    web_event_buf_t e = {0};
    cr_assert_eq(translate(&c, &e), 1);
    check(&e, "totals", "410602", "{\"period\":\"2017-06\",\"county\":\"410602\"}");
    cr_assert_eq(translate(&city, &e), 1);
    check(&e, "totals", "", "{\"period\":\"2017-06\",\"county\":null}");
    web_event_buf_free(&e);
    msg_clear(&c);
    msg_clear(&city);
}

static msg_t ranking(uint32_t first, uint32_t total, uint32_t version, pstate_t state) {
    msg_t m;
    ranking_row_t row;
    memset(&m, 0, sizeof m);
    memset(&row, 0, sizeof row);
    m.kind = MSG_RANKING;
    codec_new_id(m.id);
    snprintf(m.ranking.period, sizeof m.ranking.period, "2017-06");
    snprintf(m.ranking.method, sizeof m.ranking.method, "efficacy");
    m.ranking.computed_at_ms = DEADLINE_MS;
    m.ranking.n_dims = 1;
    snprintf(m.ranking.dims[0], sizeof m.ranking.dims[0], "growth");
    m.ranking.state = state;
    m.ranking.version = version;
    snprintf(row.zone, sizeof row.zone, "410602001");
    snprintf(row.county, sizeof row.county, "410602");
    row.rank = (int)first + 1;
    row.total = 92.5;
    row.dims[0] = 92.5;
    row.star = RANKING_STAR_NONE;
    m.ranking.rows = &row;
    m.ranking.n_rows = 1;
    m.ranking_first = first;
    m.ranking_total = total;
    return wire(&m);
}

Test(web_events, a_ranking_is_one_city_wide_event_on_its_first_chunk) {
    msg_t first = ranking(0, 2, 3, PSTATE_PUBLISHED), second = ranking(1, 2, 3, PSTATE_PUBLISHED);
    msg_t unknown = ranking(0, 1, 0, PSTATE_NONE), open = ranking(0, 1, 1, PSTATE_OPEN);
    web_event_buf_t e = {0};
    cr_assert_eq(translate(&first, &e), 1);
    check(&e, "ranking", "", "{\"period\":\"2017-06\",\"version\":3,\"state\":\"published\"}");
    cr_assert_eq(translate(&second, &e), 0, "a later chunk of the same ranking is no event");
    cr_assert_eq(translate(&unknown, &e), 1);
    check(&e, "ranking", "", "{\"period\":\"2017-06\",\"version\":null,\"state\":null}");
    cr_assert_eq(translate(&open, &e), 1);
    check(&e, "ranking", "", "{\"period\":\"2017-06\",\"version\":1,\"state\":\"preliminary\"}");
    web_event_buf_free(&e);
    msg_clear(&first);
    msg_clear(&second);
    msg_clear(&unknown);
    msg_clear(&open);
}

Test(web_events, alert_transitions_in_the_web_words_with_the_message_escaped) {
    msg_t fired = alert(TR_FIRING, SEV_WARNING, SEV_NONE, "410602001", "营收完成 24.7%，落后 \"17\" 点 <b>");
    msg_t up = alert(TR_ESCALATED, SEV_CRITICAL, SEV_WARNING, "410602001", "m");
    msg_t down = alert(TR_DEESCALATED, SEV_WARNING, SEV_CRITICAL, "410602001", "m");
    msg_t gone = alert(TR_RESOLVED, SEV_NONE, SEV_CRITICAL, "410602001", "m");
    msg_t active = alert(TR_ACTIVE, SEV_CRITICAL, SEV_NONE, "410602001", "m");
    web_event_buf_t e = {0};
    cr_assert_eq(translate(&fired, &e), 1);
    check(&e, "alert", "410602",
          "{\"key\":\"pace/410602001/revenue/2017\",\"zone\":\"410602001\",\"county\":\"410602\","
          "\"kind\":\"pace\",\"severity\":\"warning\",\"transition\":\"fired\","
          "\"message\":\"营收完成 24.7%，落后 \\\"17\\\" 点 \\u003cb\\u003e\"}");
    cr_assert_eq(translate(&up, &e), 1);
    cr_assert(strstr(e.json.data, "\"severity\":\"critical\",\"transition\":\"escalated\""), "%s", e.json.data);
    cr_assert_eq(translate(&down, &e), 1);
    cr_assert(strstr(e.json.data, "\"severity\":\"warning\",\"transition\":\"eased\""), "%s", e.json.data);
    cr_assert_eq(translate(&gone, &e), 1);
    cr_assert(strstr(e.json.data, "\"severity\":\"critical\",\"transition\":\"resolved\""),
              "a resolved alert says the severity it had: %s", e.json.data);
    cr_assert_eq(translate(&active, &e), 0, "a firing alert as a snapshot serves it is no transition");
    web_event_buf_free(&e);
    msg_clear(&fired);
    msg_clear(&up);
    msg_clear(&down);
    msg_clear(&gone);
    msg_clear(&active);
}

Test(web_events, a_hostile_zone_in_an_alert_key_is_escaped_too) {
    msg_t m = alert(TR_FIRING, SEV_CRITICAL, SEV_NONE, "z\"&\n", "m");
    web_event_buf_t e = {0};
    cr_assert_eq(translate(&m, &e), 1);
    check(&e, "alert", "410602",
          "{\"key\":\"pace/z\\\"\\u0026\\u000a/revenue/2017\",\"zone\":\"z\\\"\\u0026\\u000a\","
          "\"county\":\"410602\",\"kind\":\"pace\",\"severity\":\"critical\",\"transition\":\"fired\","
          "\"message\":\"m\"}");
    web_event_buf_free(&e);
    msg_clear(&m);
}

static msg_t state(const char *county, pstate_t to, pstate_t from, paction_t action) {
    msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = MSG_PERIOD_STATE;
    codec_new_id(m.id);
    snprintf(m.period_state.period, sizeof m.period_state.period, "2017-06");
    snprintf(m.period_state.county, sizeof m.period_state.county, "%s", county);
    m.period_state.state = to;
    m.period_state.previous = from;
    m.period_state.action = action;
    snprintf(m.period_state.actor, sizeof m.period_state.actor, "zhang");
    m.period_state.at_ms = DEADLINE_MS;
    return wire(&m);
}

Test(web_events, period_states_for_the_city_and_a_county) {
    msg_t city = state("", PSTATE_PUBLISHED, PSTATE_APPROVED, PACTION_PUBLISH);
    msg_t county = state("410603", PSTATE_APPROVED, PSTATE_OPEN, PACTION_APPROVE);
    msg_t unlocked = state("410603", PSTATE_OPEN, PSTATE_APPROVED, PACTION_UNLOCK);
    web_event_buf_t e = {0};
    cr_assert_eq(translate(&city, &e), 1);
    check(&e, "state", "", "{\"period\":\"2017-06\",\"county\":null,\"state\":\"published\"}");
    cr_assert_eq(translate(&county, &e), 1);
    check(&e, "state", "410603", "{\"period\":\"2017-06\",\"county\":\"410603\",\"state\":\"approved\"}");
    cr_assert_eq(translate(&unlocked, &e), 1);
    check(&e, "state", "410603", "{\"period\":\"2017-06\",\"county\":\"410603\",\"state\":\"preliminary\"}");
    web_event_buf_free(&e);
    msg_clear(&city);
    msg_clear(&county);
    msg_clear(&unlocked);
}

Test(web_events, heartbeats_are_no_event) {
    msg_t m, d;
    web_event_buf_t e = {0};
    memset(&m, 0, sizeof m);
    m.kind = MSG_HEARTBEAT;
    codec_new_id(m.id);
    m.sequence = 9;
    m.hb_now_ms = DEADLINE_MS;
    d = wire(&m);
    cr_assert_eq(translate(&d, &e), 0);
    cr_assert_null(e.json.data, "nothing was written");
    msg_clear(&d);
}

/* ---- the batch ------------------------------------------------------------------------ */

#define MAX_REC 64

typedef struct {
    char type[MAX_REC][16];
    char county[MAX_REC][32];
    char json[MAX_REC][512];
    size_t n;
} recorded_t;

static void record(const web_event_t *e, void *arg) {
    recorded_t *r = arg;
    cr_assert_lt(r->n, MAX_REC);
    snprintf(r->type[r->n], sizeof r->type[0], "%s", e->type);
    snprintf(r->county[r->n], sizeof r->county[0], "%s", e->county);
    snprintf(r->json[r->n], sizeof r->json[0], "%s", e->json);
    r->n++;
}

static void add(web_batch_t *b, msg_t m, bool in_snapshot, int expect) {
    cr_assert_eq(web_batch_add(b, &m, in_snapshot), expect, "kind %d", m.kind);
    msg_clear(&m);
}

Test(web_events, a_burst_keeps_every_report_and_one_totals_per_period_and_county) {
    web_batch_t b;
    static recorded_t r;
    memset(&r, 0, sizeof r);
    web_batch_init(&b, 10);
    /* three commits, as the aggregator publishes them: the report, the county's totals,
     * the city's; two counties, and one totals of another period */
    add(&b, accepted("410602", "410602001", 1, DEADLINE_MS - 5), false, 1);
    add(&b, totals("2017-06", "410602"), false, 1);
    add(&b, totals("2017-06", ""), false, 1);
    add(&b, accepted("410602", "410602002", 1, DEADLINE_MS - 4), false, 1);
    add(&b, totals("2017-06", "410602"), false, 0);
    add(&b, totals("2017-06", ""), false, 0);
    add(&b, accepted("410603", "410603001", 3, DEADLINE_MS + 1), false, 1);
    add(&b, totals("2017-06", "410603"), false, 1);
    add(&b, totals("2017-06", ""), false, 0);
    add(&b, totals("2017-05", "410603"), false, 1);
    cr_assert_eq(b.n, 7);
    cr_assert_eq(web_batch_flush(&b, record, &r), 6, "the city's totals went with its counties'");
    cr_assert_eq(b.n, 0, "emptied");
    cr_assert_str_eq(r.type[0], "report");
    cr_assert_str_eq(r.json[0], "{\"period\":\"2017-06\",\"county\":\"410602\",\"zone\":\"410602001\","
                                "\"revision\":1,\"late\":false,\"at_ms\":1499702399995}");
    cr_assert_str_eq(r.type[1], "totals");
    cr_assert_str_eq(r.county[1], "410602");
    cr_assert_str_eq(r.json[1], "{\"period\":\"2017-06\",\"county\":\"410602\"}");
    cr_assert_str_eq(r.type[2], "report");
    cr_assert(strstr(r.json[2], "\"zone\":\"410602002\""));
    cr_assert_str_eq(r.type[3], "report");
    cr_assert_str_eq(r.county[3], "410603");
    cr_assert(strstr(r.json[3], "\"revision\":3,\"late\":true"), "%s", r.json[3]);
    cr_assert_str_eq(r.type[4], "totals");
    cr_assert_str_eq(r.json[4], "{\"period\":\"2017-06\",\"county\":\"410603\"}");
    cr_assert_str_eq(r.type[5], "totals");
    cr_assert_str_eq(r.json[5], "{\"period\":\"2017-05\",\"county\":\"410603\"}");

    /* the next drain starts empty: the same totals is an event again */
    add(&b, totals("2017-06", "410602"), false, 1);
    cr_assert_eq(web_batch_flush(&b, record, &r), 1);
    cr_assert_str_eq(r.json[6], "{\"period\":\"2017-06\",\"county\":\"410602\"}");
    web_batch_free(&b);
}

Test(web_events, a_county_burst_names_its_first_reports_and_its_totals_tells_the_rest) {
    web_batch_t b;
    static recorded_t r;
    memset(&r, 0, sizeof r);
    web_batch_init(&b, 10);
    for (uint32_t i = 0; i < 20; i++) { /* one group commit: 20 of 410602's zones */
        char zone[16];
        snprintf(zone, sizeof zone, "z%03u", i);
        add(&b, accepted("410602", zone, 1, DEADLINE_MS - 5), false, i < WEB_BATCH_REPORTS ? 1 : 0);
    }
    add(&b, accepted("410603", "z900", 1, DEADLINE_MS - 5), false, 1); /* another county: its own */
    add(&b, totals("2017-06", "410602"), false, 1);
    cr_assert_eq(web_batch_flush(&b, record, &r), WEB_BATCH_REPORTS + 2);
    cr_assert(strstr(r.json[WEB_BATCH_REPORTS - 1], "\"zone\":\"z007\""), "%s", r.json[WEB_BATCH_REPORTS - 1]);
    cr_assert_str_eq(r.county[WEB_BATCH_REPORTS], "410603");
    cr_assert_str_eq(r.type[WEB_BATCH_REPORTS + 1], "totals");
    cr_assert_str_eq(r.county[WEB_BATCH_REPORTS + 1], "410602");
    /* the next drain names the county's reports again */
    add(&b, accepted("410602", "z100", 2, DEADLINE_MS - 5), false, 1);
    web_batch_free(&b);
}

Test(web_events, the_city_totals_alone_is_an_event_for_every_viewer) {
    web_batch_t b;
    static recorded_t r;
    memset(&r, 0, sizeof r);
    web_batch_init(&b, 10);
    add(&b, totals("2017-06", ""), false, 1);
    add(&b, totals("2017-05", "410602"), false, 1); /* another period's county: no cover */
    cr_assert_eq(web_batch_flush(&b, record, &r), 2);
    cr_assert_str_eq(r.json[0], "{\"period\":\"2017-06\",\"county\":null}");
    cr_assert_str_eq(r.county[0], "");
    web_batch_free(&b);
}

Test(web_events, snapshot_content_and_non_events_are_not_published) {
    web_batch_t b;
    static recorded_t r;
    msg_t hb;
    memset(&r, 0, sizeof r);
    memset(&hb, 0, sizeof hb);
    hb.kind = MSG_HEARTBEAT;
    web_batch_init(&b, 10);
    add(&b, accepted("410602", "410602001", 1, DEADLINE_MS), true, 0);
    add(&b, totals("2017-06", "410602"), true, 0);
    add(&b, alert(TR_ACTIVE, SEV_CRITICAL, SEV_NONE, "410602001", "m"), true, 0);
    add(&b, hb, false, 0);
    add(&b, alert(TR_FIRING, SEV_CRITICAL, SEV_NONE, "410602001", "m"), false, 1);
    add(&b, alert(TR_FIRING, SEV_CRITICAL, SEV_NONE, "410602002", "m"), false, 1);
    cr_assert_eq(web_batch_flush(&b, record, &r), 2, "alerts are kept, each");
    cr_assert_str_eq(r.type[0], "alert");
    cr_assert(strstr(r.json[1], "\"zone\":\"410602002\""));
    web_batch_free(&b);
}

Test(web_events, a_batch_grows_past_its_first_allocation) {
    web_batch_t b;
    web_batch_init(&b, 10);
    for (uint32_t i = 0; i < 200; i++) { /* 200 counties' reports: each is kept */
        char zone[16], county[16];
        snprintf(zone, sizeof zone, "z%03u", i);
        snprintf(county, sizeof county, "9%05u", i);
        add(&b, accepted(county, zone, i + 1, DEADLINE_MS), false, 1);
    }
    cr_assert_eq(b.n, 200);
    cr_assert(strstr(b.v[199].json.data, "\"zone\":\"z199\",\"revision\":200"), "%s", b.v[199].json.data);
    web_batch_free(&b);
    cr_assert_eq(b.n, 0);
    cr_assert_null(b.v);
}

Test(web_events, the_resync_event_goes_to_everyone) {
    const web_event_t *e = web_event_resync();
    cr_assert_str_eq(e->type, "resync");
    cr_assert_str_eq(e->county, "");
    cr_assert_str_eq(e->json, "{}");
}
