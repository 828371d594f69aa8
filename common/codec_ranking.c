/* codec_ranking.c - the Ranking message: one chunk (at most CODEC_RANKING_CHUNK rows)
 * of a period's ranking, with its place in the whole (first row, total rows).
 *
 * Every figure must be finite and every rank, star and count in range before a row
 * reaches the domain; the chunk must fit the total it claims.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "codec_internal.h"
#include "i18n.h"

/* m's ranking rows (a chunk: ranking_first and ranking_total describe its place). */
int codec_ranking_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    const ranking_t *r = &m->ranking;
    Yuebao__Ranking *msg = codec_scratch_alloc(s, 1, sizeof *msg);
    Yuebao__RankingRow *rows, **row_ptrs;
    char **dim_names;
    size_t n = r->n_rows;
    if (!msg || r->n_dims > RANKING_MAX_DIMS) return -1;
    yuebao__ranking__init(msg);
    msg->period = (char *)r->period;
    msg->method = (char *)r->method;
    msg->has_computed_at_ms = 1;
    msg->computed_at_ms = r->computed_at_ms;
    msg->has_first_row = 1;
    msg->first_row = m->ranking_first;
    msg->has_total_rows = 1;
    msg->total_rows = m->ranking_total;
    if (r->state != PSTATE_NONE) {
        msg->has_state = 1;
        msg->state = (Yuebao__PeriodStateKind)r->state;
    }
    if (r->version) {
        msg->has_version = 1;
        msg->version = r->version;
    }
    dim_names = codec_scratch_alloc(s, r->n_dims + 1, sizeof *dim_names);
    rows = codec_scratch_alloc(s, n + 1, sizeof *rows);
    row_ptrs = codec_scratch_alloc(s, n + 1, sizeof *row_ptrs);
    if (!dim_names || !rows || !row_ptrs) return -1;
    for (size_t i = 0; i < r->n_dims; i++)
        dim_names[i] = (char *)r->dims[i];
    msg->n_dims = r->n_dims;
    msg->dims = dim_names;
    for (size_t i = 0; i < n; i++) {
        const ranking_row_t *row = &r->rows[i];
        Yuebao__RankingRow *o = &rows[i];
        yuebao__ranking_row__init(o);
        o->zone = (char *)row->zone;
        o->county = (char *)row->county;
        o->has_rank = 1;
        o->rank = (uint32_t)row->rank;
        if (row->prev_rank > 0) {
            o->has_prev_rank = 1;
            o->prev_rank = (uint32_t)row->prev_rank;
        }
        o->has_total = 1;
        o->total = row->total;
        o->n_dims = r->n_dims;
        o->dims = (double *)row->dims;
        if (row->star != RANKING_STAR_NONE) {
            o->has_star = 1;
            o->star = row->star;
            o->has_star_year = 1;
            o->star_year = (uint32_t)row->star_year;
            o->has_promoted = 1;
            o->promoted = row->promoted;
        }
        if (row->missing[0]) o->missing = (char *)row->missing;
        row_ptrs[i] = o;
    }
    msg->n_rows = n;
    msg->rows = row_ptrs;
    env->ranking = msg;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------- */

int codec_ranking_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__Ranking *w = env->ranking;
    ranking_t *r = &m->ranking;
    if (w->n_dims > RANKING_MAX_DIMS) {
        codec_fail(err, errsz, _("ranking: %zu dimensions, more than %d"), w->n_dims, RANKING_MAX_DIMS);
        return -1;
    }
    if (w->n_rows > CODEC_RANKING_CHUNK) {
        codec_fail(err, errsz, _("ranking: %zu rows in one message, more than %d"), w->n_rows,
                   CODEC_RANKING_CHUNK);
        return -1;
    }
    if (codec_take_str(r->period, sizeof r->period, w->period, "ranking period", err, errsz) < 0 ||
        codec_take_str(r->method, sizeof r->method, w->method, "ranking method", err, errsz) < 0)
        return -1;
    if (codec_take_ms(&r->computed_at_ms, w->has_computed_at_ms, w->computed_at_ms, "ranking computed_at_ms",
                      err, errsz) < 0)
        return -1;
    m->ranking_first = w->has_first_row ? w->first_row : 0;
    m->ranking_total = w->has_total_rows ? w->total_rows : (uint32_t)w->n_rows;
    /* a state this build does not know is "unknown", not a lock */
    r->state = w->has_state && (int)w->state >= PSTATE_OPEN && (int)w->state <= PSTATE_PUBLISHED ? (pstate_t)w->state
                                                                                        : PSTATE_NONE;
    r->version = w->has_version ? w->version : 0;
    if (m->ranking_total > RANKING_MAX_ROWS || m->ranking_first > m->ranking_total ||
        w->n_rows > m->ranking_total - m->ranking_first) {
        codec_fail(err, errsz, _("ranking: rows %u.. of %u do not fit %zu rows"), (unsigned)m->ranking_first,
                   (unsigned)m->ranking_total, w->n_rows);
        return -1;
    }
    r->n_dims = w->n_dims;
    for (size_t i = 0; i < w->n_dims; i++)
        if (codec_take_str(r->dims[i], sizeof r->dims[i], w->dims[i], "ranking dimension", err, errsz) < 0)
            return -1;
    for (size_t i = 0; i < w->n_rows; i++) {
        const Yuebao__RankingRow *o = w->rows[i];
        ranking_row_t row;
        memset(&row, 0, sizeof row);
        if (o->n_dims != w->n_dims) {
            codec_fail(err, errsz, _("ranking row %zu: %zu subtotals for %zu dimensions"), i + 1, o->n_dims,
                       w->n_dims);
            return -1;
        }
        if (codec_take_row_str(row.zone, sizeof row.zone, o->zone, "ranking row", i, false, 0, "zone", err,
                               errsz) < 0 ||
            codec_take_row_str(row.county, sizeof row.county, o->county, "ranking row", i, false, 0, "county",
                               err, errsz) < 0 ||
            codec_take_row_str(row.missing, sizeof row.missing, o->missing, "ranking row", i, false, 0,
                               "missing", err, errsz) < 0)
            return -1;
        if (!o->has_rank || o->rank < 1 || o->rank > RANKING_MAX_ROWS || !o->has_total ||
            !isfinite(o->total) || (o->has_prev_rank && o->prev_rank > RANKING_MAX_ROWS) ||
            (o->has_star && (o->star < -1 || o->star > 1000))) {
            codec_fail(err, errsz, _("ranking row %zu: rank, total or star missing or out of range"), i + 1);
            return -1;
        }
        row.rank = (int)o->rank;
        row.prev_rank = o->has_prev_rank ? (int)o->prev_rank : 0;
        row.total = o->total;
        for (size_t d = 0; d < o->n_dims; d++) {
            if (!isfinite(o->dims[d])) {
                codec_fail(err, errsz, _("ranking row %zu: subtotal %zu is not a finite number"), i + 1, d + 1);
                return -1;
            }
            row.dims[d] = o->dims[d];
        }
        row.star = o->has_star ? o->star : RANKING_STAR_NONE;
        row.star_year = o->has_star_year && o->star_year <= 9999 ? (int)o->star_year : 0;
        row.promoted = o->has_promoted && o->promoted;
        if (!ranking_add_row(r, &row)) {
            codec_fail(err, errsz, _("out of memory"));
            return -1;
        }
    }
    return 0;
}
