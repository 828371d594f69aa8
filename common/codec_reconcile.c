/* codec_reconcile.c - a collector's ReconcileRequest ("what does the store hold of mine,
 * from this period on?") and the aggregator's Reconcile answer: (zone, period, current
 * revision) for each, at most CODEC_MAX_STORED, marked incomplete when cut there.
 */
#include <stdlib.h>

#include "codec_internal.h"
#include "i18n.h"

int codec_reconcile_request_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    Yuebao__ReconcileRequest *rreq = codec_scratch_alloc(s, 1, sizeof *rreq);
    if (!rreq) return -1;
    yuebao__reconcile_request__init(rreq);
    if (m->reconcile_since[0]) rreq->since_period = (char *)m->reconcile_since;
    env->reconcile_request = rreq;
    return 0;
}

int codec_reconcile_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    Yuebao__Reconcile *rec = codec_scratch_alloc(s, 1, sizeof *rec);
    Yuebao__StoredRevision *sr = NULL, **sr_ptrs = NULL;
    if (!rec || m->n_stored > CODEC_MAX_STORED) return -1;
    yuebao__reconcile__init(rec);
    if (m->n_stored) {
        sr = codec_scratch_alloc(s, m->n_stored, sizeof *sr);
        sr_ptrs = codec_scratch_alloc(s, m->n_stored, sizeof *sr_ptrs);
        if (!sr || !sr_ptrs) return -1;
    }
    for (size_t i = 0; i < m->n_stored; i++) {
        yuebao__stored_revision__init(&sr[i]);
        sr[i].zone = (char *)m->stored[i].zone;
        sr[i].period = (char *)m->stored[i].period;
        sr[i].has_revision = 1;
        sr[i].revision = m->stored[i].revision;
        sr_ptrs[i] = &sr[i];
    }
    rec->n_stored = m->n_stored;
    rec->stored = sr_ptrs;
    rec->has_complete = 1;
    rec->complete = m->stored_complete;
    env->reconcile = rec;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------- */

int codec_reconcile_request_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    return codec_take_str(m->reconcile_since, sizeof m->reconcile_since, env->reconcile_request->since_period,
                          "reconcile since_period", err, errsz);
}

/* A Reconcile: at most CODEC_MAX_STORED entries, each with a zone, a period and a
 * revision, strings bounded and valid UTF-8. */
int codec_reconcile_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__Reconcile *w = env->reconcile;
    if (w->n_stored > CODEC_MAX_STORED) {
        codec_fail(err, errsz, _("reconcile: %zu entries, more than %d"), w->n_stored, CODEC_MAX_STORED);
        return -1;
    }
    m->stored_complete = w->has_complete && w->complete;
    if (w->n_stored && !(m->stored = calloc(w->n_stored, sizeof *m->stored))) {
        codec_fail(err, errsz, _("out of memory"));
        return -1;
    }
    for (size_t i = 0; i < w->n_stored; i++) {
        const Yuebao__StoredRevision *e = w->stored[i];
        if (codec_take_str(m->stored[i].zone, sizeof m->stored[i].zone, e->zone, "reconcile zone", err,
                           errsz) < 0 ||
            codec_take_str(m->stored[i].period, sizeof m->stored[i].period, e->period, "reconcile period",
                           err, errsz) < 0)
            return -1;
        if (!e->has_revision || !m->stored[i].zone[0] || !m->stored[i].period[0]) {
            codec_fail(err, errsz, _("reconcile entry %zu: zone, period and revision are required"), i);
            return -1;
        }
        m->stored[i].revision = e->revision;
        m->n_stored = i + 1;
    }
    return 0;
}
