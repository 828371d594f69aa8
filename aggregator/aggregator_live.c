/* aggregator_live.c - the live totals: per period, for the city and each county, the
 * sums and aggregate growth of flows and stocks, mean/min/max of ratios, completeness
 * and the on-time count (DESIGN §2, live aggregates).
 *
 * The state is built once from the store at start (and again after a master data
 * reload), then kept up to date at each commit: the zone's current values are kept
 * per period, so a revision first takes its predecessor's contribution out of the sums
 * and then adds its own — a correction replaces a figure, never adds to it. A zone's
 * values count in its county and in the city. min and max cannot be taken back from a
 * running total: when the value leaving was an extreme, that scope is rescanned over
 * its zones' values (rare; every other update is O(indicators)).
 *
 * "On time" is decided by a zone's first accepted revision for the period: committed
 * before the deadline (day deadline_day of the next month, 24:00 Asia/Shanghai).
 * A correction sent after the deadline does not make an on-time zone late.
 *
 * Memory: per period, zones × indicators × 16 bytes plus (counties + 1) × indicators
 * aggregates; 200 zones, 15 indicators and ten years of months come to about 6 MB.
 * No sockets and no SQL here but the start-up load; see live_* in aggregator.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "log.h"

static size_t zone_index(const live_t *l, const char *code) {
    const zone_t *z = l->m ? master_zone(l->m, code) : NULL;
    return z ? (size_t)(z - l->m->zones) : SIZE_MAX;
}

static size_t indicator_index(const live_t *l, const char *code) {
    const indicator_t *ind = master_indicator(l->m, code);
    return ind ? (size_t)(ind - l->m->indicators) : SIZE_MAX;
}

int live_init(live_t *l, const master_t *m, int deadline_day) {
    memset(l, 0, sizeof *l);
    l->m = m;
    l->deadline_day = deadline_day;
    l->n_scopes = m->n_counties + 1;
    l->zone_scope = calloc(m->n_zones ? m->n_zones : 1, sizeof *l->zone_scope);
    l->expected = calloc(l->n_scopes, sizeof *l->expected);
    if (!l->zone_scope || !l->expected) {
        live_free(l);
        return -1;
    }
    for (size_t z = 0; z < m->n_zones; z++) {
        const county_t *c = master_county(m, m->zones[z].county);
        l->zone_scope[z] = c ? 1 + (size_t)(c - m->counties) : 0; /* master data guarantees c */
        l->expected[0]++;
        if (c) l->expected[l->zone_scope[z]]++;
    }
    return 0;
}

static void period_free(live_period_t *p) {
    free(p->revision);
    free(p->first_ms);
    free(p->amount);
    free(p->growth);
    free(p->agg);
    free(p->reported);
    free(p->on_time);
    free(p->updated_ms);
    free(p->dirty);
}

void live_free(live_t *l) {
    for (size_t i = 0; i < l->n_periods; i++)
        period_free(&l->periods[i]);
    free(l->periods);
    free(l->zone_scope);
    free(l->expected);
    memset(l, 0, sizeof *l);
}

/* The period's state, made (empty) if not there yet. NULL on OOM or a bad period. */
static live_period_t *period_get(live_t *l, const char *period) {
    size_t lo = 0, hi = l->n_periods, nz = l->m->n_zones, ni = l->m->n_indicators, ns = l->n_scopes;
    size_t nv = nz * ni > 0 ? nz * ni : 1, na = ns * ni > 0 ? ns * ni : 1;
    live_period_t *p;
    period_t pp;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(l->periods[mid].period, period);
        if (c == 0) return &l->periods[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (period_parse(period, &pp) < 0) return NULL;
    if (l->n_periods == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        live_period_t *np = realloc(l->periods, cap * sizeof *np);
        if (!np) return NULL;
        l->periods = np;
        l->cap = cap;
    }
    memmove(&l->periods[lo + 1], &l->periods[lo], (l->n_periods - lo) * sizeof *l->periods);
    p = &l->periods[lo];
    memset(p, 0, sizeof *p);
    period_format(pp, p->period);
    p->deadline_ms = period_deadline_ms(pp, l->deadline_day);
    p->revision = calloc(nz ? nz : 1, sizeof *p->revision);
    p->first_ms = calloc(nz ? nz : 1, sizeof *p->first_ms);
    p->amount = malloc(nv * sizeof *p->amount);
    p->growth = malloc(nv * sizeof *p->growth);
    p->agg = calloc(na, sizeof *p->agg);
    p->reported = calloc(ns, sizeof *p->reported);
    p->on_time = calloc(ns, sizeof *p->on_time);
    p->updated_ms = calloc(ns, sizeof *p->updated_ms);
    p->dirty = calloc(ns, sizeof *p->dirty);
    if (!p->revision || !p->first_ms || !p->amount || !p->growth || !p->agg || !p->reported || !p->on_time ||
        !p->updated_ms || !p->dirty) {
        period_free(p);
        memmove(&l->periods[lo], &l->periods[lo + 1], (l->n_periods - lo) * sizeof *l->periods);
        return NULL;
    }
    for (size_t i = 0; i < nz * ni; i++)
        p->amount[i] = p->growth[i] = NAN;
    l->n_periods++;
    return p;
}

/* min and max of scope's indicator ind again from its zones' values. */
static void rescan_extremes(const live_t *l, live_period_t *p, size_t scope, size_t ind) {
    size_t ni = l->m->n_indicators;
    aggregate_t *a = &p->agg[scope * ni + ind];
    bool any = false;
    for (size_t z = 0; z < l->m->n_zones; z++) {
        double v = p->amount[z * ni + ind];
        if (isnan(v) || (scope != 0 && l->zone_scope[z] != scope)) continue;
        if (!any || v < a->min) a->min = v;
        if (!any || v > a->max) a->max = v;
        any = true;
    }
    if (!any) a->min = a->max = 0;
}

/* Takes zone z's values out of (sign < 0) or into (sign > 0) its county and the city. */
static void contribute(const live_t *l, live_period_t *p, size_t z, int sign) {
    size_t ni = l->m->n_indicators, scopes[2] = {0, l->zone_scope[z]};
    for (size_t i = 0; i < ni; i++) {
        double v = p->amount[z * ni + i], g = p->growth[z * ni + i];
        if (isnan(v)) continue;
        for (size_t k = 0; k < 2; k++) {
            aggregate_t *a = &p->agg[scopes[k] * ni + i];
            if (sign > 0) {
                aggregate_add(a, v, !isnan(g), g);
            } else {
                bool extreme = v <= a->min || v >= a->max;
                aggregate_remove(a, v, !isnan(g), g);
                if (extreme) a->min = NAN; /* rescanned after the new values are in */
            }
        }
    }
}

int live_apply(live_t *l, const report_t *r, int64_t stored_at_ms) {
    size_t z = zone_index(l, r->zone), ni;
    live_period_t *p;
    size_t scopes[2];
    if (!l->m || z == SIZE_MAX) return 0; /* no live totals kept; or a zone gone from master data */
    ni = l->m->n_indicators;
    if (!(p = period_get(l, r->period))) return -1;
    scopes[0] = 0;
    scopes[1] = l->zone_scope[z];
    if (p->revision[z]) contribute(l, p, z, -1);
    for (size_t i = 0; i < ni; i++)
        p->amount[z * ni + i] = p->growth[z * ni + i] = NAN;
    for (size_t k = 0; k < r->n_values; k++) {
        const report_value_t *v = &r->values[k];
        size_t i = indicator_index(l, v->indicator);
        if (i == SIZE_MAX || !isfinite(v->amount)) continue;
        p->amount[z * ni + i] = v->amount;
        p->growth[z * ni + i] = v->has_growth && isfinite(v->growth_pct) ? v->growth_pct : NAN;
    }
    contribute(l, p, z, +1);
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < ni; i++)
            if (isnan(p->agg[scopes[k] * ni + i].min)) rescan_extremes(l, p, scopes[k], i);
    if (!p->revision[z]) {
        p->first_ms[z] = stored_at_ms;
        for (size_t k = 0; k < 2; k++) {
            p->reported[scopes[k]]++;
            if (stored_at_ms < p->deadline_ms) p->on_time[scopes[k]]++;
        }
    }
    p->revision[z] = r->revision ? r->revision : 1;
    for (size_t k = 0; k < 2; k++) {
        p->updated_ms[scopes[k]] = stored_at_ms;
        p->dirty[scopes[k]] = true;
    }
    return 0;
}

/* ---- the start-up load ---------------------------------------------------------------- */

typedef struct {
    live_t *l;
    int failed;
    char **periods;
    size_t n_periods;
    report_t r; /* one zone's values as they stream by (zone order) */
    int64_t at_ms;
} load_t;

static void on_period(const char *period, void *arg) {
    load_t *ld = arg;
    char **np = realloc(ld->periods, (ld->n_periods + 1) * sizeof *np);
    if (!np || !(np[ld->n_periods] = strdup(period))) {
        if (np) ld->periods = np;
        ld->failed = 1;
        return;
    }
    ld->periods = np;
    ld->n_periods++;
}

static void flush_zone(load_t *ld) {
    if (ld->r.zone[0] && live_apply(ld->l, &ld->r, ld->at_ms) < 0) ld->failed = 1;
    report_clear(&ld->r);
}

static void on_value(const char *zone, const char *indicator, double amount, bool has_growth,
                     double growth_pct, void *arg) {
    load_t *ld = arg;
    report_value_t v;
    if (strcmp(ld->r.zone, zone)) {
        char period[PERIOD_STRLEN];
        memcpy(period, ld->r.period, sizeof period);
        flush_zone(ld);
        memcpy(ld->r.period, period, sizeof period);
        snprintf(ld->r.zone, sizeof ld->r.zone, "%s", zone);
    }
    memset(&v, 0, sizeof v);
    snprintf(v.indicator, sizeof v.indicator, "%s", indicator);
    v.amount = amount;
    v.has_growth = has_growth;
    v.growth_pct = growth_pct;
    if (!report_add_value(&ld->r, &v)) ld->failed = 1;
}

/* The first arrivals: the time each zone first reported, and its current revision. */
static void on_arrival(const char *zone, int64_t first_at_ms, void *arg) {
    load_t *ld = arg;
    live_period_t *p = period_get(ld->l, ld->r.period);
    size_t z = zone_index(ld->l, zone), scopes[2];
    if (!p) {
        ld->failed = 1;
        return;
    }
    if (z == SIZE_MAX) return;
    scopes[0] = 0;
    scopes[1] = ld->l->zone_scope[z];
    p->first_ms[z] = first_at_ms;
    for (size_t k = 0; k < 2; k++) {
        if (!p->revision[z]) p->reported[scopes[k]]++;
        if (first_at_ms < p->deadline_ms) p->on_time[scopes[k]]++;
    }
    p->revision[z] = 1; /* set from the reports table below */
}

static void on_report(const char *zone, uint32_t revision, const char *county, int64_t stored_at_ms,
                      void *arg) {
    load_t *ld = arg;
    live_period_t *p = period_get(ld->l, ld->r.period);
    size_t z = zone_index(ld->l, zone);
    (void)county;
    if (!p || z == SIZE_MAX) return;
    p->revision[z] = revision;
    for (size_t k = 0; k < 2; k++) {
        size_t scope = k ? ld->l->zone_scope[z] : 0;
        if (stored_at_ms > p->updated_ms[scope]) p->updated_ms[scope] = stored_at_ms;
    }
}

int live_load(live_t *l, rstore_t *st) {
    load_t ld;
    memset(&ld, 0, sizeof ld);
    ld.l = l;
    if (rstore_each_period(st, on_period, &ld) < 0) ld.failed = 1;
    for (size_t i = 0; !ld.failed && i < ld.n_periods; i++) {
        live_period_t *p;
        memset(&ld.r, 0, sizeof ld.r);
        snprintf(ld.r.period, sizeof ld.r.period, "%s", ld.periods[i]);
        /* values first: live_apply counts each zone as a first arrival at time 0 … */
        if (rstore_each_value(st, ld.periods[i], on_value, &ld) < 0) ld.failed = 1;
        flush_zone(&ld);
        if (ld.failed || !(p = period_get(l, ld.periods[i]))) {
            ld.failed = 1;
            break;
        }
        /* … which the arrivals then replace with the real first commit times */
        memset(p->reported, 0, l->n_scopes * sizeof *p->reported);
        memset(p->on_time, 0, l->n_scopes * sizeof *p->on_time);
        memset(p->revision, 0, l->m->n_zones * sizeof *p->revision);
        snprintf(ld.r.period, sizeof ld.r.period, "%s", ld.periods[i]);
        if (rstore_each_first_arrival(st, ld.periods[i], on_arrival, &ld) < 0 ||
            rstore_each_report(st, ld.periods[i], on_report, &ld) < 0)
            ld.failed = 1;
        memset(p->dirty, 0, l->n_scopes * sizeof *p->dirty);
    }
    report_clear(&ld.r);
    for (size_t i = 0; i < ld.n_periods; i++)
        free(ld.periods[i]);
    free(ld.periods);
    return ld.failed ? -1 : 0;
}

/* ---- reading it out ------------------------------------------------------------------- */

int live_totals(const live_t *l, size_t period_index, size_t scope, scope_totals_t *out) {
    const live_period_t *p = &l->periods[period_index];
    size_t ni = l->m->n_indicators;
    memset(out, 0, sizeof *out);
    snprintf(out->period, sizeof out->period, "%s", p->period);
    if (scope > 0) snprintf(out->scope, sizeof out->scope, "%s", l->m->counties[scope - 1].code);
    out->expected = l->expected[scope];
    out->reported = p->reported[scope];
    out->on_time = p->on_time[scope];
    out->updated_at_ms = p->updated_ms[scope];
    if (ni == 0) return 0;
    if (!(out->rows = calloc(ni < TOTALS_MAX_ROWS ? ni : TOTALS_MAX_ROWS, sizeof *out->rows))) return -1;
    for (size_t i = 0; i < ni && out->n_rows < TOTALS_MAX_ROWS; i++) {
        const aggregate_t *a = &p->agg[scope * ni + i];
        if (a->n == 0) continue;
        indicator_total_from(&out->rows[out->n_rows++], l->m->indicators[i].code, a);
    }
    return 0;
}

ssize_t live_find(const live_t *l, const char *period) {
    for (size_t i = 0; i < l->n_periods; i++)
        if (!strcmp(l->periods[i].period, period)) return (ssize_t)i;
    return -1;
}

int aggregator_live_rebuild(aggregator_t *a, bool publish_all) {
    live_free(&a->live);
    if (live_init(&a->live, a->master, a->cfg.deadline_day) < 0 || live_load(&a->live, a->store) < 0) {
        log_error("live totals: cannot load them from the store; they start empty");
        live_free(&a->live);
        live_init(&a->live, a->master, a->cfg.deadline_day);
        return -1;
    }
    for (size_t i = 0; publish_all && i < a->live.n_periods; i++)
        for (size_t k = 0; k < a->live.n_scopes; k++)
            a->live.periods[i].dirty[k] = true;
    log_info("live totals: %zu period(s) loaded from the store", a->live.n_periods);
    return 0;
}
