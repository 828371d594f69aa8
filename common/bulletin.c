/* bulletin.c - the monthly bulletin's figures: completion, pace gaps, city totals and
 * laggards (see bulletin.h).
 *
 * The arithmetic is the scorer's own, so the bulletin and the alerts never disagree: a
 * target is looked up with rules_target; what is paced, the pace gap and the laggard
 * comparison are targets.c's (targets_paced, targets_pace_gap, targets_below), the very
 * functions the scorer's pace alerts call; the city's amounts and aggregate growth are
 * values_totals', as the live totals and `yuebao totals` show them.
 */
#include "bulletin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "targets.h"

bool bulletin_is_main(const indicator_t *ind) {
    return (ind->kind == KIND_FLOW || ind->kind == KIND_STOCK) && ind->has_growth;
}

bool bulletin_cell_lagging(const bulletin_t *b, const bulletin_cell_t *c) {
    return c->has_gap && targets_below(c->gap_pp, b->lag_pace_pp);
}

bool bulletin_row_laggard(const bulletin_row_t *row) {
    return row->lag_pace || row->lag_rank;
}

void bulletin_clear(bulletin_t *b) {
    if (!b) return;
    for (size_t i = 0; b->rows && i < b->n_rows; i++) {
        free(b->rows[i].cells);
        free(b->rows[i].problems);
        free(b->rows[i].next_steps);
    }
    free(b->rows);
    free(b->indicators);
    free(b->projects);
    bulletin_enterprises_clear(&b->enterprises);
    memset(b, 0, sizeof *b);
}

void bulletin_set_state(bulletin_t *b, const char *label, bool in_title) {
    snprintf(b->state_label, sizeof b->state_label, "%s",
             label && label[0] ? label : BULLETIN_STATE_PRELIMINARY);
    b->state_in_title = in_title;
}

/* *slot = a copy of s ("" and NULL: none). 0, or -1 out of memory (*slot unchanged). */
static int copy_text(char **slot, const char *s) {
    char *c = NULL;
    if (s && s[0] && !(c = strdup(s))) return -1;
    free(*slot);
    *slot = c;
    return 0;
}

void bulletin_take_enterprises(bulletin_t *b, bulletin_enterprises_t *list) {
    bulletin_enterprises_clear(&b->enterprises);
    b->enterprises = *list;
    memset(list, 0, sizeof *list);
}

int bulletin_set_report(bulletin_t *b, size_t row, const report_t *r) {
    bulletin_project_t *p;
    if (row >= b->n_zones || b->rows[row].is_total) return -1;
    if (copy_text(&b->rows[row].problems, r->problems) < 0 ||
        copy_text(&b->rows[row].next_steps, r->next_steps) < 0)
        return -1;
    if (r->n_projects) {
        if (!(p = realloc(b->projects, (b->n_projects + r->n_projects) * sizeof *p))) return -1;
        b->projects = p;
        for (size_t i = 0; i < r->n_projects; i++) {
            const report_project_t *rp = &r->projects[i];
            bulletin_project_t *bp = &b->projects[b->n_projects++];
            memset(bp, 0, sizeof *bp);
            bp->row = row;
            snprintf(bp->code, sizeof bp->code, "%s", rp->code);
            snprintf(bp->name, sizeof bp->name, "%s", rp->name);
            bp->has_total = rp->has_total;
            bp->total_investment = rp->total_investment;
            bp->has_ytd = rp->has_ytd;
            bp->ytd_investment = rp->ytd_investment;
            snprintf(bp->status, sizeof bp->status, "%s", rp->status);
        }
    }
    return 0;
}

/* 十强 and 十快 (bulletin.h) over the ranked zone rows. */
static void mark_top_fast(bulletin_t *b) {
    int climbs[BULLETIN_TOP_N];
    size_t n = 0;
    for (size_t i = 0; i < b->n_zones; i++) {
        bulletin_row_t *row = &b->rows[i];
        int c = row->rank_change;
        if (!row->ranked) continue;
        if (row->rank <= BULLETIN_TOP_N) {
            row->top = true;
            b->n_top++;
        }
        if (!row->has_rank_change || c <= 0) continue;
        /* keep the BULLETIN_TOP_N greatest climbs, descending */
        if (n < BULLETIN_TOP_N)
            climbs[n++] = c;
        else if (c > climbs[n - 1])
            climbs[n - 1] = c;
        else
            continue;
        for (size_t k = n - 1; k > 0 && climbs[k] > climbs[k - 1]; k--) {
            int t = climbs[k];
            climbs[k] = climbs[k - 1];
            climbs[k - 1] = t;
        }
    }
    if (n == 0) return;
    for (size_t i = 0; i < b->n_zones; i++) {
        bulletin_row_t *row = &b->rows[i];
        if (row->ranked && row->has_rank_change && row->rank_change > 0 &&
            row->rank_change >= climbs[n - 1]) {
            row->fast = true;
            b->n_fast++;
        }
    }
}

/* Completion and pace gap of cell c for indicator i, once amount and target are set. */
static void complete(bulletin_cell_t *c, const master_t *m, const rules_t *r, int i, period_t p) {
    double share;
    if (!c->has_amount || !c->has_target) return;
    c->has_completion = true;
    c->completion_pct = c->amount / c->target * 100.0;
    if (!targets_paced(m, r, i)) return;
    c->gap_pp = targets_pace_gap(r, i, p, c->amount, c->target, &share, NULL);
    c->has_gap = true;
    c->expected_pct = share * 100.0;
}

/* Fills row from zone iz's values, its targets and its ranking row (or NULL). */
static void zone_row(bulletin_t *b, bulletin_row_t *row, const master_t *m, const rules_t *r,
                     const target_year_t *ty, const values_t *v, size_t iz, const ranking_row_t *rr,
                     size_t n_ranked) {
    row->zone = &m->zones[iz];
    row->county = master_county(m, row->zone->county);
    row->reported = v->zones[iz].reported;
    row->star = RANKING_STAR_NONE;
    for (size_t k = 0; k < b->n_indicators; k++) {
        int i = b->indicators[k];
        size_t at = iz * v->n_indicators + (size_t)i;
        bulletin_cell_t *c = &row->cells[k];
        const target_t *tg = rules_target(ty, row->zone->code, i);
        c->has_amount = !isnan(v->amount[at]);
        c->amount = v->amount[at];
        c->has_growth = c->has_amount && !isnan(v->growth[at]);
        c->growth_pct = v->growth[at];
        if (tg && tg->has_amount && tg->amount != 0) {
            c->has_target = true;
            c->target = tg->amount;
        }
        complete(c, m, r, i, b->period);
        if (bulletin_cell_lagging(b, c)) row->lag_pace = true;
    }
    if (rr) {
        row->ranked = true;
        row->total_score = rr->total;
        row->rank = rr->rank;
        row->has_rank_change = rr->prev_rank > 0;
        row->rank_change = ranking_delta(rr);
        row->star = rr->star;
        memcpy(row->dims, rr->dims, sizeof row->dims);
        row->lag_rank = n_ranked > BULLETIN_LAG_BOTTOM && rr->rank > (int)(n_ranked - BULLETIN_LAG_BOTTOM);
    }
}

/* The city total row: amounts and growth from the city's totals t, completion from the
 * zone rows before it. */
static void total_row(bulletin_t *b, bulletin_row_t *row, const master_t *m, const rules_t *r,
                      const values_totals_t *t) {
    row->is_total = true;
    row->star = RANKING_STAR_NONE;
    row->reported = b->n_reported > 0;
    for (size_t k = 0; k < b->n_indicators; k++) {
        bulletin_cell_t *c = &row->cells[k];
        const aggregate_t *a = values_total(t, 0, (size_t)b->indicators[k]);
        double done = 0, target = 0;
        size_t n_targets = 0;
        for (size_t z = 0; z < b->n_zones; z++) {
            const bulletin_cell_t *zc = &b->rows[z].cells[k];
            if (!zc->has_amount || !zc->has_target) continue;
            done += zc->amount;
            target += zc->target;
            n_targets++;
        }
        if (a->n == 0) continue;
        c->has_amount = true;
        c->amount = a->sum;
        c->has_growth = aggregate_growth(a, &c->growth_pct);
        if (n_targets && target != 0) {
            /* like with like: the completion of the zones that have a target */
            bulletin_cell_t like = {.has_amount = true, .amount = done, .has_target = true, .target = target};
            complete(&like, m, r, b->indicators[k], b->period);
            c->has_target = true;
            c->target = target;
            c->has_completion = like.has_completion;
            c->completion_pct = like.completion_pct;
            c->has_gap = like.has_gap;
            c->expected_pct = like.expected_pct;
            c->gap_pp = like.gap_pp;
        }
    }
}

/* The ranking row of zone code in rk, or NULL. */
static const ranking_row_t *ranking_of(const ranking_t *rk, const char *code) {
    for (size_t i = 0; rk && i < rk->n_rows; i++)
        if (!strcmp(rk->rows[i].zone, code)) return &rk->rows[i];
    return NULL;
}

/* The zone indexes in the bulletin's order into order[0..n_zones); placed is scratch
 * space of n_zones flags, all false. */
static void row_order(const master_t *m, const ranking_t *rk, size_t *order, bool *placed) {
    size_t n = 0;
    for (size_t i = 0; rk && i < rk->n_rows; i++) {
        const zone_t *z = master_zone(m, rk->rows[i].zone);
        size_t iz;
        if (!z || strcmp(z->code, rk->rows[i].zone) != 0) continue; /* by code only */
        iz = (size_t)(z - m->zones);
        if (placed[iz]) continue;
        placed[iz] = true;
        order[n++] = iz;
    }
    for (size_t c = 0; c < m->n_counties; c++)
        for (size_t iz = 0; iz < m->n_zones; iz++) {
            if (placed[iz] || strcmp(m->zones[iz].county, m->counties[c].code) != 0) continue;
            placed[iz] = true;
            order[n++] = iz;
        }
    for (size_t iz = 0; iz < m->n_zones; iz++)
        if (!placed[iz]) order[n++] = iz; /* a county master data does not list */
}

int bulletin_build(bulletin_t *out, const master_t *m, const rules_t *r, period_t p, const values_t *v,
                   const ranking_t *rk, double lag_pace_pp) {
    const target_year_t *ty = rules_targets(r, p.year);
    size_t *order = NULL, nz = m->n_zones;
    bool *placed = NULL;
    values_totals_t totals;
    memset(out, 0, sizeof *out);
    if (v->n_master != m->n_zones || v->n_indicators != m->n_indicators) return -1;
    if (values_totals(v, m, &totals) < 0) return -1;
    out->period = p;
    out->lag_pace_pp = lag_pace_pp;
    out->ranked = rk != NULL;
    /* the ranking's state until the caller sets the store's (bulletin.h) */
    out->state = rk && rk->state != PSTATE_NONE ? rk->state : PSTATE_OPEN;
    out->version = rk ? rk->version : 0;
    out->has_targets = ty != NULL;
    out->n_zones = m->n_zones;
    out->n_ranked = rk ? rk->n_rows : 0;
    bulletin_set_state(out, NULL, true);
    if (rk) {
        out->n_dims = rk->n_dims < RANKING_MAX_DIMS ? rk->n_dims : RANKING_MAX_DIMS;
        for (size_t d = 0; d < out->n_dims; d++)
            snprintf(out->dims[d], sizeof out->dims[d], "%s", rk->dims[d]);
    }
    out->indicators = calloc(m->n_indicators ? m->n_indicators : 1, sizeof *out->indicators);
    out->rows = calloc(m->n_zones + 1, sizeof *out->rows);
    order = calloc(nz ? nz : 1, sizeof *order);
    placed = calloc(nz ? nz : 1, sizeof *placed);
    if (!out->indicators || !out->rows || !order || !placed) goto oom;
    out->n_rows = m->n_zones + 1;
    for (size_t i = 0; i < m->n_indicators; i++)
        if (bulletin_is_main(&m->indicators[i])) out->indicators[out->n_indicators++] = (int)i;
    for (size_t i = 0; i < out->n_rows; i++)
        if (!(out->rows[i].cells =
                  calloc(out->n_indicators ? out->n_indicators : 1, sizeof(bulletin_cell_t))))
            goto oom;

    row_order(m, rk, order, placed);
    for (size_t i = 0; i < m->n_zones; i++) {
        size_t iz = order[i];
        zone_row(out, &out->rows[i], m, r, ty, v, iz, ranking_of(rk, m->zones[iz].code), out->n_ranked);
        out->n_reported += v->zones[iz].reported;
    }
    total_row(out, &out->rows[m->n_zones], m, r, &totals);
    out->rows[m->n_zones].total_name = "全市合计";
    mark_top_fast(out);
    values_totals_free(&totals);
    free(order);
    free(placed);
    return 0;
oom:
    values_totals_free(&totals);
    free(order);
    free(placed);
    bulletin_clear(out);
    return -1;
}

const char *bulletin_state_words(const bulletin_t *b) {
    switch (b->state) {
    case PSTATE_APPROVED: return "已核准";
    case PSTATE_PUBLISHED: return "已发布";
    default: return "初步数据";
    }
}

void bulletin_state_mark(const bulletin_t *b, char *buf, size_t size) {
    if (b->version > 1)
        snprintf(buf, size, "（%s·更正版 第%u版）", bulletin_state_words(b), b->version);
    else
        snprintf(buf, size, "（%s）", bulletin_state_words(b));
}
