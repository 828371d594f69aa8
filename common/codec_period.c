/* codec_period.c - a period's state on the wire (核准 / 发布): an approver's
 * PeriodRequest, the aggregator's PeriodReply, and the PeriodState of a transition (on
 * the PUB, and the current state in a snapshot).
 *
 * Who made a transition is in PeriodState, but never trusted from a request: the
 * aggregator fills actor and actor_key from the CURVE key that sent it.
 */
#include <stdio.h>
#include <string.h>

#include "codec_internal.h"
#include "i18n.h"

static Yuebao__PeriodState *state_build(const period_state_t *st, codec_scratch_t *s) {
    Yuebao__PeriodState *w = codec_scratch_alloc(s, 1, sizeof *w);
    if (!w) return NULL;
    yuebao__period_state__init(w);
    w->period = (char *)st->period;
    w->county = (char *)st->county;
    w->has_state = 1;
    w->state = (Yuebao__PeriodStateKind)st->state;
    w->has_previous = 1;
    w->previous = (Yuebao__PeriodStateKind)st->previous;
    w->has_action = 1;
    w->action = (Yuebao__PeriodAction)st->action;
    w->actor = (char *)st->actor;
    w->actor_key = (char *)st->actor_key;
    w->has_at_ms = 1;
    w->at_ms = st->at_ms;
    if (st->comment[0]) w->comment = (char *)st->comment;
    if (st->reason[0]) w->reason = (char *)st->reason;
    return w;
}

int codec_period_request_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    const period_request_t *r = &m->period_req;
    Yuebao__PeriodRequest *w = codec_scratch_alloc(s, 1, sizeof *w);
    if (!w) return -1;
    yuebao__period_request__init(w);
    w->has_action = 1;
    w->action = (Yuebao__PeriodAction)r->action;
    w->period = (char *)r->period;
    if (r->county[0]) w->county = (char *)r->county;
    if (r->comment[0]) w->comment = (char *)r->comment;
    if (r->reason[0]) w->reason = (char *)r->reason;
    env->period_request = w;
    return 0;
}

int codec_period_reply_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    const period_reply_t *r = &m->period_reply;
    Yuebao__PeriodReply *w = codec_scratch_alloc(s, 1, sizeof *w);
    if (!w) return -1;
    yuebao__period_reply__init(w);
    w->has_ok = 1;
    w->ok = r->ok;
    if (r->reason[0]) w->reason = (char *)r->reason;
    if (r->ok && !(w->state = state_build(&r->state, s))) return -1;
    env->period_reply = w;
    return 0;
}

int codec_period_state_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    if (!(env->period_state = state_build(&m->period_state, s))) return -1;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------- */

static bool state_known(protobuf_c_boolean has, int v) {
    return has && v >= PSTATE_OPEN && v <= PSTATE_PUBLISHED;
}

static int state_take(const Yuebao__PeriodState *w, period_state_t *st, char *err, size_t errsz) {
    if (codec_take_str(st->period, sizeof st->period, w->period, "period_state period", err, errsz) < 0 ||
        codec_take_str(st->county, sizeof st->county, w->county, "period_state county", err, errsz) < 0 ||
        codec_take_str(st->actor, sizeof st->actor, w->actor, "period_state actor", err, errsz) < 0 ||
        codec_take_str(st->actor_key, sizeof st->actor_key, w->actor_key, "period_state actor_key", err,
                       errsz) < 0 ||
        codec_take_str(st->comment, sizeof st->comment, w->comment, "period_state comment", err, errsz) < 0 ||
        codec_take_str(st->reason, sizeof st->reason, w->reason, "period_state reason", err, errsz) < 0 ||
        codec_take_ms(&st->at_ms, w->has_at_ms, w->at_ms, "period_state at_ms", err, errsz) < 0)
        return -1;
    if (!st->period[0] || !state_known(w->has_state, w->state)) {
        codec_fail(err, errsz, _("period_state: a period and a known state are required"));
        return -1;
    }
    st->state = (pstate_t)w->state;
    st->previous = state_known(w->has_previous, w->previous) ? (pstate_t)w->previous : PSTATE_NONE;
    st->action = w->has_action && (int)w->action >= PACTION_APPROVE && (int)w->action <= PACTION_UNLOCK
                     ? (paction_t)w->action
                     : PACTION_NONE;
    return 0;
}

/* A request: the action is kept even when unknown (PACTION_NONE), so the aggregator can
 * answer "unknown request" instead of dropping it. */
int codec_period_request_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__PeriodRequest *w = env->period_request;
    period_request_t *r = &m->period_req;
    if (codec_take_str(r->period, sizeof r->period, w->period, "period_request period", err, errsz) < 0 ||
        codec_take_str(r->county, sizeof r->county, w->county, "period_request county", err, errsz) < 0 ||
        codec_take_str(r->comment, sizeof r->comment, w->comment, "period_request comment", err, errsz) < 0 ||
        codec_take_str(r->reason, sizeof r->reason, w->reason, "period_request reason", err, errsz) < 0)
        return -1;
    r->action = w->has_action && (int)w->action >= PACTION_APPROVE && (int)w->action <= PACTION_UNLOCK
                    ? (paction_t)w->action
                    : PACTION_NONE;
    return 0;
}

int codec_period_reply_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__PeriodReply *w = env->period_reply;
    period_reply_t *r = &m->period_reply;
    r->ok = w->has_ok && w->ok;
    if (codec_take_str(r->reason, sizeof r->reason, w->reason, "period_reply reason", err, errsz) < 0)
        return -1;
    if (r->ok) {
        if (!w->state) {
            codec_fail(err, errsz, _("period_reply: ok without the transition"));
            return -1;
        }
        return state_take(w->state, &r->state, err, errsz);
    }
    return 0;
}

int codec_period_state_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    return state_take(env->period_state, &m->period_state, err, errsz);
}
