/* codec_totals.c - the Totals message: the live totals of one period and scope (the
 * city or a county) as the aggregator keeps them at each commit.
 *
 * The counts must add up (on time <= reported <= expected) and every figure must be
 * finite; a sum or count left out reads as 0, a growth rate left out as none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"
#include "i18n.h"

int codec_totals_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    const scope_totals_t *t = &m->totals;
    Yuebao__Totals *msg = codec_scratch_alloc(s, 1, sizeof *msg);
    Yuebao__IndicatorTotal *rows, **row_ptrs;
    if (!msg || t->n_rows > TOTALS_MAX_ROWS) return -1;
    yuebao__totals__init(msg);
    env->totals = msg;
    msg->period = (char *)t->period;
    msg->scope = (char *)t->scope;
    msg->has_expected = msg->has_reported = msg->has_on_time = 1;
    msg->expected = t->expected;
    msg->reported = t->reported;
    msg->on_time = t->on_time;
    if (t->updated_at_ms) {
        msg->has_updated_at_ms = 1;
        msg->updated_at_ms = t->updated_at_ms;
    }
    if (t->n_rows == 0) return 0;
    rows = codec_scratch_alloc(s, t->n_rows, sizeof *rows);
    row_ptrs = codec_scratch_alloc(s, t->n_rows, sizeof *row_ptrs);
    if (!rows || !row_ptrs) return -1;
    for (size_t i = 0; i < t->n_rows; i++) {
        const indicator_total_t *r = &t->rows[i];
        Yuebao__IndicatorTotal *o = &rows[i];
        yuebao__indicator_total__init(o);
        o->indicator = (char *)r->indicator;
        o->has_n = o->has_n_growth = 1;
        o->n = r->n;
        o->n_growth = r->n_growth;
        codec_put_double(&o->has_sum, &o->sum, r->sum);
        if (r->has_growth) codec_put_double(&o->has_growth_pct, &o->growth_pct, r->growth_pct);
        codec_put_double(&o->has_min, &o->min, r->min);
        codec_put_double(&o->has_max, &o->max, r->max);
        row_ptrs[i] = o;
    }
    msg->n_indicators = t->n_rows;
    msg->indicators = row_ptrs;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------- */

/* A count or sum is a figure too: absent reads as 0, never as NAN. */
static int take_total(double *dst, protobuf_c_boolean has, double v, const char *what, char *err,
                      size_t errsz) {
    if (codec_take_figure(dst, has, v, what, err, errsz) < 0) return -1;
    if (!has) *dst = 0;
    return 0;
}

int codec_totals_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__Totals *w = env->totals;
    scope_totals_t *t = &m->totals;
    if (codec_take_str(t->period, sizeof t->period, w->period, "totals period", err, errsz) < 0 ||
        codec_take_str(t->scope, sizeof t->scope, w->scope, "totals scope", err, errsz) < 0)
        return -1;
    if (w->n_indicators > TOTALS_MAX_ROWS) {
        codec_fail(err, errsz, _("totals: %zu indicators, more than %d"), w->n_indicators, TOTALS_MAX_ROWS);
        return -1;
    }
    t->expected = w->has_expected ? w->expected : 0;
    t->reported = w->has_reported ? w->reported : 0;
    t->on_time = w->has_on_time ? w->on_time : 0;
    if (t->reported > t->expected || t->on_time > t->reported) {
        codec_fail(err, errsz, _("totals: %u on time of %u reported of %u expected does not add up"), t->on_time,
                   t->reported, t->expected);
        return -1;
    }
    if (codec_take_ms(&t->updated_at_ms, w->has_updated_at_ms, w->updated_at_ms, "totals updated_at_ms", err,
                      errsz) < 0)
        return -1;
    if (w->n_indicators == 0) return 0;
    if (!(t->rows = calloc(w->n_indicators, sizeof *t->rows))) {
        codec_fail(err, errsz, _("out of memory"));
        return -1;
    }
    for (size_t i = 0; i < w->n_indicators; i++) {
        const Yuebao__IndicatorTotal *wr = w->indicators[i];
        indicator_total_t *r = &t->rows[t->n_rows++];
        char what[64];
        snprintf(what, sizeof what, "totals indicator %zu", i + 1);
        if (codec_take_str(r->indicator, sizeof r->indicator, wr->indicator, what, err, errsz) < 0 ||
            take_total(&r->sum, wr->has_sum, wr->sum, what, err, errsz) < 0 ||
            take_total(&r->min, wr->has_min, wr->min, what, err, errsz) < 0 ||
            take_total(&r->max, wr->has_max, wr->max, what, err, errsz) < 0 ||
            codec_take_figure(&r->growth_pct, wr->has_growth_pct, wr->growth_pct, what, err, errsz) < 0)
            return -1;
        r->has_growth = wr->has_growth_pct;
        if (!r->has_growth) r->growth_pct = 0;
        r->n = wr->has_n ? wr->n : 0;
        r->n_growth = wr->has_n_growth ? wr->n_growth : 0;
    }
    return 0;
}
