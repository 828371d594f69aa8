/* codec_alert.c - the Alert message: one alert transition (firing, severity changed,
 * resolved), with the figures behind it. A figure that does not apply travels as
 * absent and reads back as NAN; a non-finite one is never sent and always refused.
 */
#include <math.h>
#include <string.h>

#include "codec_internal.h"
#include "i18n.h"

int codec_alert_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    const alert_t *a = &m->alert;
    Yuebao__Alert *o = codec_scratch_alloc(s, 1, sizeof *o);
    if (!o) return -1;
    yuebao__alert__init(o);
    o->kind = (char *)alert_kind_name(a->kind);
    o->has_severity = 1;
    o->severity = (Yuebao__Severity)a->severity;
    o->has_previous = 1;
    o->previous = (Yuebao__Severity)a->previous;
    o->has_transition = 1;
    o->transition = (Yuebao__Transition)a->transition;
    o->zone = (char *)a->zone;
    o->county = (char *)a->county;
    if (a->indicator[0]) o->indicator = (char *)a->indicator;
    o->has_year = 1;
    o->year = (uint32_t)a->year;
    o->period = (char *)a->period;
    codec_put_double(&o->has_value, &o->value, a->value);
    codec_put_double(&o->has_target, &o->target, a->target);
    codec_put_double(&o->has_expected, &o->expected, a->expected);
    codec_put_double(&o->has_gap, &o->gap, a->gap);
    if (a->deadline_ms) {
        o->has_deadline_ms = 1;
        o->deadline_ms = a->deadline_ms;
    }
    if (a->since_ms) {
        o->has_since_ms = 1;
        o->since_ms = a->since_ms;
    }
    if (a->at_ms) {
        o->has_at_ms = 1;
        o->at_ms = a->at_ms;
    }
    o->message = (char *)a->message;
    env->alert = o;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------- */

int codec_alert_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__Alert *w = env->alert;
    alert_t *a = &m->alert;
    int kind = alert_kind_parse(w->kind);
    if (kind < 0) {
        codec_fail(err, errsz, _("alert: unknown kind"));
        return -1;
    }
    a->kind = (alert_kind_t)kind;
    if (!w->has_severity || w->severity < 0 || w->severity > YUEBAO__SEVERITY__CRITICAL ||
        (w->has_previous && (w->previous < 0 || w->previous > YUEBAO__SEVERITY__CRITICAL)) ||
        !w->has_transition || w->transition < YUEBAO__TRANSITION__FIRING ||
        w->transition > YUEBAO__TRANSITION__ACTIVE) {
        codec_fail(err, errsz, _("alert: severity or transition missing or unknown"));
        return -1;
    }
    a->severity = (severity_t)w->severity;
    a->previous = w->has_previous ? (severity_t)w->previous : SEV_NONE;
    a->transition = (transition_t)w->transition;
    if (codec_take_str(a->zone, sizeof a->zone, w->zone, "alert zone", err, errsz) < 0 ||
        codec_take_str(a->county, sizeof a->county, w->county, "alert county", err, errsz) < 0 ||
        codec_take_str(a->indicator, sizeof a->indicator, w->indicator, "alert indicator", err, errsz) < 0 ||
        codec_take_str(a->period, sizeof a->period, w->period, "alert period", err, errsz) < 0 ||
        codec_take_str(a->message, sizeof a->message, w->message, "alert message", err, errsz) < 0)
        return -1;
    a->year = w->has_year && w->year <= 9999 ? (int)w->year : 0;
    if (codec_take_figure(&a->value, w->has_value, w->value, "alert value", err, errsz) < 0 ||
        codec_take_figure(&a->target, w->has_target, w->target, "alert target", err, errsz) < 0 ||
        codec_take_figure(&a->expected, w->has_expected, w->expected, "alert expected", err, errsz) < 0 ||
        codec_take_figure(&a->gap, w->has_gap, w->gap, "alert gap", err, errsz) < 0 ||
        codec_take_ms(&a->deadline_ms, w->has_deadline_ms, w->deadline_ms, "alert deadline_ms", err, errsz) <
            0 ||
        codec_take_ms(&a->since_ms, w->has_since_ms, w->since_ms, "alert since_ms", err, errsz) < 0 ||
        codec_take_ms(&a->at_ms, w->has_at_ms, w->at_ms, "alert at_ms", err, errsz) < 0)
        return -1;
    return 0;
}
