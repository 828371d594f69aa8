/* aggregator_publish.c - "report accepted" events and heartbeats on PUB.
 *
 * Frames: [topic, envelope]. Topic "report.<county>.<zone>" lets a subscriber filter by
 * county prefix; "hb" carries heartbeats. Every event takes the next sequence number;
 * a heartbeat repeats the last one, so a subscriber that sees a gap, or no heartbeat
 * for a while, knows to resync.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "log.h"

static void publish(aggregator_t *a, const char *topic, msg_t *m) {
    uint8_t *buf = NULL;
    size_t len = 0;
    codec_new_id(m->id);
    if (codec_encode(m, &buf, &len) < 0) {
        log_error("cannot encode an event for %s", topic);
        return;
    }
    const void *frames[2] = {topic, buf};
    size_t lens[2] = {strlen(topic), len};
    /* PUB never blocks: a slow subscriber loses messages and learns of it from the
     * sequence numbers. */
    sock_send_frames(a->pub, frames, lens, 2);
    free(buf);
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
