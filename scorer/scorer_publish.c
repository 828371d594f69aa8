/* scorer_publish.c - rankings and alert transitions on PUB, and heartbeats.
 *
 * PUB frames are [topic, envelope]: "ranking.<period>", "alert.<county>.<zone>.<kind>"
 * (a county subscribes to "alert.<county>."), and "hb". Every update takes the next
 * sequence number; a heartbeat repeats the last one, so a subscriber sees a loss as a
 * gap (the snapshot that repairs it: scorer_snapshot.c).
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

int scorer_send_ranking(void *sock, const void *identity, size_t id_len, const ranking_t *r, uint64_t *seq) {
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
    scorer_send_ranking(s->pub, NULL, 0, r, &s->sequence);
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
