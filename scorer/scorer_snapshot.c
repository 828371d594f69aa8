/* scorer_snapshot.c - the snapshot ROUTER beside the rankings PUB (zguide's Clone).
 *
 * A subscriber (yuebao alerts, a dashboard) subscribes to the PUB first, then sends a
 * SnapshotRequest here and receives, as frames [identity, envelope]:
 *   the ranking of the period asked for (the latest ranked when none is named, none
 *   when the request says no_ranking), in chunks as on PUB but unnumbered, then
 *   the firing alerts whose topic starts with the request's prefix ("alert.410603."),
 *   then a SnapshotEnd: the state above is the state as of that sequence number.
 * It drops published updates at or below that number and applies the ones after it.
 * The daemon is single-threaded, so the state it sends is exactly the state at that
 * sequence: nothing is published while a snapshot is being sent.
 *
 * The request is untrusted; wire_each_snapshot_request drops a malformed one. A score
 * store error ends the answer without a SnapshotEnd: the subscriber times out and asks
 * again.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "scorer.h"
#include "wire.h"

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
    if (found > 0 && scorer_send_ranking(s->snapshot, identity, id_len, &r, NULL) < 0) goto done;
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
