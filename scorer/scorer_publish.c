/* scorer_publish.c - rankings and alert transitions on PUB, heartbeats, and snapshots.
 *
 * PUB frames are [topic, envelope]: "ranking.<period>", "alert.<county>.<zone>.<kind>"
 * (a county subscribes to "alert.<county>."), and "hb". Every update takes the next
 * sequence number; a heartbeat repeats the last one. The snapshot ROUTER follows
 * zguide's Clone pattern: a subscriber subscribes first, then asks for a snapshot,
 * receives the ranking and the firing alerts and a SnapshotEnd carrying the sequence
 * the state is as of, and drops updates at or below it. The daemon is single-threaded,
 * so the state it sends is exactly the state at that sequence.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "wire.h"
#include "clock.h"
#include "log.h"
#include "scorer.h"

void scorer_alert_topic(const alert_t *a, char *out, size_t size) {
    snprintf(out, size, "alert.%s.%s.%s", a->county, a->zone, alert_kind_name(a->kind));
}

/* Sends r in chunks; seq (if not NULL) numbers each chunk. */
static int send_ranking(void *sock, const void *identity, size_t id_len, const ranking_t *r, uint64_t *seq) {
    char topic[32];
    size_t first = 0;
    snprintf(topic, sizeof topic, "ranking.%s", r->period);
    do {
        msg_t m;
        size_t n = r->n_rows - first < CODEC_RANKING_CHUNK ? r->n_rows - first : CODEC_RANKING_CHUNK;
        int rc;
        memset(&m, 0, sizeof m);
        m.kind = MSG_RANKING;
        m.ranking = *r;
        m.ranking.rows = r->rows + first;
        m.ranking.n_rows = n;
        m.ranking_first = (uint32_t)first;
        m.ranking_total = (uint32_t)r->n_rows;
        if (seq) m.sequence = ++*seq;
        rc = wire_send_msg(sock, identity, id_len, identity ? NULL : topic, &m);
        if (rc < 0) return -1;
        first += n;
    } while (first < r->n_rows);
    return 0;
}

void scorer_publish_ranking(scorer_t *s, const ranking_t *r) {
    if (!s->pub) return;
    /* PUB never blocks: a slow subscriber loses messages and sees the gap. */
    send_ranking(s->pub, NULL, 0, r, &s->sequence);
}

void scorer_publish_alert(scorer_t *s, const alert_t *a) {
    msg_t m;
    char topic[160];
    if (!s->pub) return;
    memset(&m, 0, sizeof m);
    m.kind = MSG_ALERT;
    m.alert = *a;
    m.sequence = ++s->sequence;
    scorer_alert_topic(a, topic, sizeof topic);
    wire_send_msg(s->pub, NULL, 0, topic, &m);
}

void scorer_publish_heartbeat(loop_t *loop, void *arg) {
    scorer_t *s = arg;
    msg_t m;
    (void)loop;
    if (!s->pub) return;
    memset(&m, 0, sizeof m);
    m.kind = MSG_HEARTBEAT;
    m.sequence = s->sequence;
    m.hb_now_ms = clock_now_ms();
    wire_send_msg(s->pub, NULL, 0, "hb", &m);
}

/* Answers one snapshot request from identity. */
static void serve(const void *identity, size_t id_len, const snapshot_request_t *req, void *arg) {
    scorer_t *s = arg;
    ranking_t r;
    alert_list_t firing = {0};
    char period[PERIOD_STRLEN] = "";
    msg_t m;
    uint32_t n_alerts = 0;
    int found = 0;

    memset(&r, 0, sizeof r);
    if (!req->no_ranking) {
        if (req->period[0])
            snprintf(period, sizeof period, "%s", req->period);
        else if (sstore_latest_period(s->scores, period) < 0)
            goto done;
    }
    if (period[0] && (found = sstore_load_ranking(s->scores, period, &r)) < 0) goto done;
    if (found > 0 && send_ranking(s->snapshot, identity, id_len, &r, NULL) < 0) goto done;
    if (sstore_alerts_firing(s->scores, -1, 0, &firing) < 0) goto done;
    for (size_t i = 0; i < firing.n; i++) {
        char topic[160];
        scorer_alert_topic(&firing.items[i], topic, sizeof topic);
        if (strncmp(topic, req->prefix, strlen(req->prefix)) != 0) continue;
        memset(&m, 0, sizeof m);
        m.kind = MSG_ALERT;
        m.alert = firing.items[i];
        if (wire_send_msg(s->snapshot, identity, id_len, NULL, &m) < 0) goto done;
        n_alerts++;
    }
    memset(&m, 0, sizeof m);
    m.kind = MSG_SNAPSHOT_END;
    m.snap_end_sequence = s->sequence;
    m.snap_end_alerts = n_alerts;
    if (wire_send_msg(s->snapshot, identity, id_len, NULL, &m) == 0)
        log_debug("snapshot served: ranking %s, %u alerts, as of sequence %llu",
                  found > 0 ? period : "(none)", n_alerts, (unsigned long long)s->sequence);
done:
    ranking_clear(&r);
    alert_list_clear(&firing);
}

void scorer_snapshot_ready(loop_t *loop, void *socket, int fd, void *arg) {
    (void)loop;
    (void)fd;
    wire_each_snapshot_request(socket, 100, serve, arg);
}
