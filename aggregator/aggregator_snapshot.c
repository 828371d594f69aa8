/* aggregator_snapshot.c - the snapshot ROUTER beside the events PUB (zguide's Clone).
 *
 * A subscriber (yuebao watch, a test, a dashboard) subscribes to the PUB first, then
 * sends a SnapshotRequest here and receives, as frames [identity, envelope]:
 *   the Totals of the period asked for, city first then each county (every period the
 *   aggregator holds when no period is named), then
 *   the latest `recent` (at most SNAPSHOT_RECENT_MAX) accepted revisions and rejections
 *   of that period, newest first, as ReportAccepted / ReportRejected, then
 *   a SnapshotEnd: the state above is the state as of that sequence number.
 * It drops published updates at or below that number and applies the ones after it.
 * Totals replace by (period, scope), so applying one twice is harmless. The daemon is
 * single-threaded: nothing is published while a snapshot is being sent.
 *
 * The request is untrusted: a malformed one is logged and ignored; the period must
 * parse. The ROUTER never blocks: a subscriber that cannot take the snapshot loses it
 * (ROUTER drops to a full peer) and asks again after its timeout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "i18n.h"
#include "wire.h"
#include "log.h"
#include "text.h"

#define SNAPSHOT_RECENT_MAX 50

typedef struct {
    aggregator_t *a;
    const void *identity;
    size_t id_len;
    int failed;
} reply_t;

/* Sends m to the requester: [identity, envelope]. 0, or -1. */
static int reply(reply_t *r, msg_t *m) {
    return wire_send_msg(r->a->snapshot, r->identity, r->id_len, NULL, m);
}

static void on_recent(const rstore_event_t *e, void *arg) {
    reply_t *r = arg;
    msg_t m = {0};
    if (r->failed) return;
    if (e->rejected) {
        const char *nl;
        size_t n;
        m.kind = MSG_REPORT_REJECTED;
        snprintf(m.rejected.county, sizeof m.rejected.county, "%s", e->county ? e->county : "");
        snprintf(m.rejected.zone, sizeof m.rejected.zone, "%s", e->zone ? e->zone : "");
        snprintf(m.rejected.period, sizeof m.rejected.period, "%s", e->period ? e->period : "");
        m.rejected.revision = e->revision;
        m.rejected.received_at_ms = e->at_ms;
        /* the first reason line; the count of lines is the count of errors */
        nl = e->reasons ? strchr(e->reasons, '\n') : NULL;
        n = e->reasons ? (nl ? (size_t)(nl - e->reasons) : strlen(e->reasons)) : 0;
        snprintf(m.rejected.reason, sizeof m.rejected.reason, "%.*s", (int)n, e->reasons ? e->reasons : "");
        text_truncate_utf8(m.rejected.reason);
        m.rejected.n_errors = e->reasons && e->reasons[0] ? 1 : 0;
        for (const char *p = e->reasons; p && (p = strchr(p, '\n')); p++)
            m.rejected.n_errors++;
    } else {
        m.kind = MSG_REPORT_ACCEPTED;
        snprintf(m.accepted.county, sizeof m.accepted.county, "%s", e->county);
        snprintf(m.accepted.zone, sizeof m.accepted.zone, "%s", e->zone);
        snprintf(m.accepted.period, sizeof m.accepted.period, "%s", e->period);
        m.accepted.revision = e->revision;
        m.accepted.stored_at_ms = e->at_ms;
    }
    if (reply(r, &m) < 0) r->failed = 1;
}

/* Sends the totals of period index i, city first; counts them into *n. */
static int send_period(reply_t *r, size_t i, uint32_t *n) {
    for (size_t k = 0; k < r->a->live.n_scopes; k++) {
        msg_t m = {0};
        int rc;
        m.kind = MSG_TOTALS;
        if (live_totals(&r->a->live, i, k, &m.totals) < 0) return -1;
        rc = reply(r, &m);
        scope_totals_clear(&m.totals);
        if (rc < 0) return -1;
        (*n)++;
    }
    return 0;
}

static void serve(const void *identity, size_t id_len, const snapshot_request_t *req, void *arg) {
    aggregator_t *a = arg;
    reply_t r = {a, identity, id_len, 0};
    msg_t end = {0};
    uint32_t n = 0;
    int recent = req->recent > SNAPSHOT_RECENT_MAX ? SNAPSHOT_RECENT_MAX : (int)req->recent;
    const char *period = NULL;
    period_t p;

    if (req->period[0]) {
        ssize_t i;
        if (period_parse(req->period, &p) < 0) {
            char shown[64];
            log_warn(_("snapshot: a request for period \"%s\", which is not YYYY-MM; answered empty"),
                     text_escape_controls(req->period, shown, sizeof shown));
            goto end;
        }
        period = req->period;
        i = live_find(&a->live, period);
        if (i >= 0 && send_period(&r, (size_t)i, &n) < 0) return;
    } else {
        for (size_t i = 0; i < a->live.n_periods; i++)
            if (send_period(&r, i, &n) < 0) return;
    }
    for (size_t i = 0; i < a->approvals.n; i++) { /* the states: a late joiner knows what is locked */
        msg_t m = {0};
        if (period && strcmp(a->approvals.v[i].period, period) != 0) continue;
        m.kind = MSG_PERIOD_STATE;
        m.period_state = a->approvals.v[i];
        if (reply(&r, &m) < 0) return;
    }
    if (recent > 0 && (rstore_recent(a->store, false, period, recent, on_recent, &r) < 0 ||
                       rstore_recent(a->store, true, period, recent, on_recent, &r) < 0 || r.failed))
        return;
end:
    end.kind = MSG_SNAPSHOT_END;
    end.snap_end_sequence = a->sequence;
    end.snap_end_totals = n;
    if (reply(&r, &end) == 0)
        log_debug("snapshot served: %u totals of %s, as of sequence %llu", n,
                  period ? period : "every period", (unsigned long long)a->sequence);
}

void aggregator_snapshot_ready(loop_t *loop, void *socket, int fd, void *arg) {
    (void)loop;
    (void)fd;
    aggregator_ingest_drain(arg); /* the store (its recent events) is the writer thread's while it commits */
    wire_each_snapshot_request(socket, 100, serve, arg);
    aggregator_ingest_resume(arg);
}
