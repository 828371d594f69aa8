/* codec_event.c - the aggregator's events on its PUB: ReportAccepted (a report is in
 * the store) and ReportRejected (one was refused, with its first reason).
 */
#include <stdio.h>
#include <string.h>

#include "codec_internal.h"

int codec_accepted_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    Yuebao__ReportAccepted *acc = codec_scratch_alloc(s, 1, sizeof *acc);
    if (!acc) return -1;
    yuebao__report_accepted__init(acc);
    acc->county = (char *)m->accepted.county;
    acc->zone = (char *)m->accepted.zone;
    acc->period = (char *)m->accepted.period;
    acc->has_revision = 1;
    acc->revision = m->accepted.revision;
    acc->has_stored_at_ms = 1;
    acc->stored_at_ms = m->accepted.stored_at_ms;
    acc->has_n_values = 1;
    acc->n_values = m->accepted.n_values;
    env->report_accepted = acc;
    return 0;
}

int codec_rejected_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    Yuebao__ReportRejected *rej = codec_scratch_alloc(s, 1, sizeof *rej);
    if (!rej) return -1;
    yuebao__report_rejected__init(rej);
    rej->county = (char *)m->rejected.county;
    rej->zone = (char *)m->rejected.zone;
    rej->period = (char *)m->rejected.period;
    rej->has_revision = 1;
    rej->revision = m->rejected.revision;
    rej->has_received_at_ms = 1;
    rej->received_at_ms = m->rejected.received_at_ms;
    rej->reason = (char *)m->rejected.reason;
    rej->has_n_errors = 1;
    rej->n_errors = m->rejected.n_errors;
    env->report_rejected = rej;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------- */

int codec_accepted_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__ReportAccepted *w = env->report_accepted;
    event_accepted_t *e = &m->accepted;
    if (codec_take_str(e->county, sizeof e->county, w->county, "report_accepted county", err, errsz) < 0 ||
        codec_take_str(e->zone, sizeof e->zone, w->zone, "report_accepted zone", err, errsz) < 0 ||
        codec_take_str(e->period, sizeof e->period, w->period, "report_accepted period", err, errsz) < 0)
        return -1;
    e->revision = w->has_revision ? w->revision : 0;
    if (codec_take_ms(&e->stored_at_ms, w->has_stored_at_ms, w->stored_at_ms, "report_accepted stored_at_ms",
                      err, errsz) < 0)
        return -1;
    e->n_values = w->has_n_values ? w->n_values : 0;
    return 0;
}

int codec_rejected_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__ReportRejected *w = env->report_rejected;
    event_rejected_t *e = &m->rejected;
    if (codec_take_str(e->county, sizeof e->county, w->county, "report_rejected county", err, errsz) < 0 ||
        codec_take_str(e->zone, sizeof e->zone, w->zone, "report_rejected zone", err, errsz) < 0 ||
        codec_take_str(e->period, sizeof e->period, w->period, "report_rejected period", err, errsz) < 0 ||
        codec_take_str(e->reason, sizeof e->reason, w->reason, "report_rejected reason", err, errsz) < 0)
        return -1;
    e->revision = w->has_revision ? w->revision : 0;
    e->n_errors = w->has_n_errors ? w->n_errors : 0;
    return codec_take_ms(&e->received_at_ms, w->has_received_at_ms, w->received_at_ms,
                         "report_rejected received_at_ms", err, errsz);
}
