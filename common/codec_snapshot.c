/* codec_snapshot.c - a late subscriber's snapshot (zguide's Clone pattern): the
 * SnapshotRequest it sends (which alerts, which ranking, how many recent events) and
 * the SnapshotEnd closing the answer ("the state above is as of sequence N").
 */
#include "codec_internal.h"

int codec_snapshot_request_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    Yuebao__SnapshotRequest *sreq = codec_scratch_alloc(s, 1, sizeof *sreq);
    if (!sreq) return -1;
    yuebao__snapshot_request__init(sreq);
    if (m->snap_req.prefix[0]) sreq->prefix = (char *)m->snap_req.prefix;
    if (m->snap_req.period[0]) sreq->period = (char *)m->snap_req.period;
    if (m->snap_req.no_ranking) {
        sreq->has_no_ranking = 1;
        sreq->no_ranking = 1;
    }
    if (m->snap_req.recent) {
        sreq->has_recent = 1;
        sreq->recent = m->snap_req.recent;
    }
    env->snapshot_request = sreq;
    return 0;
}

int codec_snapshot_end_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    Yuebao__SnapshotEnd *send = codec_scratch_alloc(s, 1, sizeof *send);
    if (!send) return -1;
    yuebao__snapshot_end__init(send);
    send->has_sequence = 1;
    send->sequence = m->snap_end_sequence;
    send->has_n_alerts = 1;
    send->n_alerts = m->snap_end_alerts;
    if (m->snap_end_totals) {
        send->has_n_totals = 1;
        send->n_totals = m->snap_end_totals;
    }
    env->snapshot_end = send;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------- */

int codec_snapshot_request_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__SnapshotRequest *w = env->snapshot_request;
    if (codec_take_str(m->snap_req.prefix, sizeof m->snap_req.prefix, w->prefix, "snapshot prefix", err,
                       errsz) < 0 ||
        codec_take_str(m->snap_req.period, sizeof m->snap_req.period, w->period, "snapshot period", err,
                       errsz) < 0)
        return -1;
    m->snap_req.no_ranking = w->has_no_ranking && w->no_ranking;
    m->snap_req.recent = w->has_recent ? w->recent : 0;
    return 0;
}

int codec_snapshot_end_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__SnapshotEnd *w = env->snapshot_end;
    (void)err;
    (void)errsz;
    m->snap_end_sequence = w->has_sequence ? w->sequence : 0;
    m->snap_end_alerts = w->has_n_alerts ? w->n_alerts : 0;
    m->snap_end_totals = w->has_n_totals ? w->n_totals : 0;
    return 0;
}
