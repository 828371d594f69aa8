/* aggregator_publish.c - events, live totals and heartbeats on PUB.
 *
 * Frames: [topic, envelope]. Topics "report.<county>.<zone>" (accepted) and
 * "rejected.<county>.<zone>" let a subscriber filter by county prefix;
 * "totals.<period>.city" and "totals.<period>.<county>" carry the live totals of a
 * scope, each replacing the last (after every commit that changed them, one per scope
 * per batch); "hb" carries heartbeats. Every event takes the next sequence number;
 * a heartbeat repeats the last one, so a subscriber that sees a gap, or no heartbeat
 * for a while, knows to resync.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "i18n.h"
#include "wire.h"
#include "clock.h"
#include "log.h"
#include "text.h"

/* PUB never blocks: a slow subscriber loses messages and learns of it from the
 * sequence numbers. */
static void publish(aggregator_t *a, const char *topic, msg_t *m) {
    wire_send_msg(a->pub, NULL, 0, topic, m);
}

void aggregator_publish_accepted(aggregator_t *a, const ingest_item_t *item) {
    msg_t m = {0};
    char topic[192];
    const report_t *r = &item->msg.report;
    if (!a->pub) return;
    m.kind = MSG_REPORT_ACCEPTED;
    m.sequence = ++a->sequence;
    /* accepted: the county is a master data code (validated), which fits */
    snprintf(m.accepted.county, sizeof m.accepted.county, "%.*s", (int)sizeof m.accepted.county - 1,
             item->county);
    snprintf(m.accepted.zone, sizeof m.accepted.zone, "%s", r->zone);
    snprintf(m.accepted.period, sizeof m.accepted.period, "%s", r->period);
    m.accepted.revision = r->revision;
    m.accepted.stored_at_ms = item->ack.stored_at_ms;
    m.accepted.n_values = (uint32_t)r->n_values;
    snprintf(topic, sizeof topic, "report.%s.%s", item->county, r->zone);
    publish(a, topic, &m);
}

void aggregator_publish_rejected(aggregator_t *a, const ingest_item_t *item) {
    msg_t m = {0};
    char topic[192];
    const report_t *r = &item->msg.report;
    if (!a->pub) return;
    m.kind = MSG_REPORT_REJECTED;
    m.sequence = ++a->sequence;
    snprintf(m.rejected.county, sizeof m.rejected.county, "%.*s", (int)sizeof m.rejected.county - 1,
             item->county);
    /* the claimed zone and period fit: the decoder bounds them to these sizes */
    snprintf(m.rejected.zone, sizeof m.rejected.zone, "%s", r->zone);
    snprintf(m.rejected.period, sizeof m.rejected.period, "%s", r->period);
    m.rejected.revision = r->revision;
    m.rejected.received_at_ms = clock_now_ms();
    for (size_t i = 0; i < item->ack.issues.n; i++) {
        const diag_t *d = &item->ack.issues.items[i];
        if (d->severity != DIAG_ERROR) continue;
        if (m.rejected.n_errors++ == 0) diag_format(d, m.rejected.reason, sizeof m.rejected.reason);
    }
    text_truncate_utf8(m.rejected.reason);
    snprintf(topic, sizeof topic, "rejected.%s.%s", item->county, r->zone);
    publish(a, topic, &m);
}

void aggregator_publish_totals(aggregator_t *a) {
    live_t *l = &a->live;
    for (size_t i = 0; i < l->n_periods; i++) {
        live_period_t *p = &l->periods[i];
        for (size_t k = 0; k < l->n_scopes; k++) {
            msg_t m = {0};
            char topic[64];
            if (!p->dirty[k]) continue;
            p->dirty[k] = false;
            if (!a->pub) continue;
            if (live_totals(l, i, k, &m.totals) < 0) {
                log_error(_("out of memory: the totals of %s not published"), p->period);
                continue;
            }
            m.kind = MSG_TOTALS;
            m.sequence = ++a->sequence;
            snprintf(topic, sizeof topic, "totals.%s.%s", p->period, k ? m.totals.scope : "city");
            publish(a, topic, &m);
            scope_totals_clear(&m.totals);
        }
    }
}

void aggregator_publish_heartbeat(loop_t *loop, void *arg) {
    aggregator_t *a = arg;
    msg_t m = {0};
    (void)loop;
    if (!a->pub) return;
    m.kind = MSG_HEARTBEAT;
    m.sequence = a->sequence;
    m.hb_now_ms = clock_now_ms();
    publish(a, "hb", &m);
}
