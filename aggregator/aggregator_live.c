/* aggregator_live.c - the live totals: per period, for the city and each county, the
 * sums and aggregate growth of flows and stocks, mean/min/max of ratios, completeness
 * and the on-time count (DESIGN §2, live aggregates).
 *
 * The state is built once from the store at start (and again after a master data
 * reload): each period's values (values_load) and their totals (values_totals), as
 * `yuebao totals` computes them. It is then kept up to date at each commit: the zones'
 * current values are kept per period, so a revision first takes its predecessor's
 * contribution out of the sums and then adds its own — a correction replaces a
 * figure, never adds to it. A zone's values count in its county and in the city. min
 * and max cannot be taken back from a running total: when the value leaving was an
 * extreme, that scope is rescanned over its zones' values (rare; every other update
 * is O(indicators)).
 *
 * "On time" is decided by a zone's first accepted revision for the period: committed
 * before the deadline (day deadline_day of the next month, 24:00 Asia/Shanghai).
 * A correction sent after the deadline does not make an on-time zone late.
 *
 * Memory: per period, zones × indicators × 16 bytes, a values_zone_t per zone and
 * (counties + 1) × indicators aggregates; 200 zones, 15 indicators and ten years of
 * months come to about 9.5 MB. No sockets and no SQL here; see live_* in aggregator.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "i18n.h"
#include "log.h"

static size_t zone_index(const live_t *l, const char *code) {
    const zone_t *z = l->m ? master_zone(l->m, code) : NULL;
    return z ? (size_t)(z - l->m->zones) : SIZE_MAX;
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
    values_free(&p->values);
    free(p->first_ms);
    free(p->agg);
    free(p->reported);
    free(p->on_time);
    free(p->updated_ms);
    free(p->dirty);
    free(p->noted);
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
    size_t na = ns * ni > 0 ? ns * ni : 1;
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
    p->first_ms = calloc(nz ? nz : 1, sizeof *p->first_ms);
    p->agg = calloc(na, sizeof *p->agg);
    p->reported = calloc(ns, sizeof *p->reported);
    p->on_time = calloc(ns, sizeof *p->on_time);
    p->updated_ms = calloc(ns, sizeof *p->updated_ms);
    p->dirty = calloc(ns, sizeof *p->dirty);
    p->noted = calloc(nz * ni / 8 + 1, 1);
    if (values_init_master(&p->values, l->m) < 0 || !p->first_ms || !p->agg || !p->reported || !p->on_time ||
        !p->updated_ms || !p->dirty || !p->noted) {
        period_free(p);
        memmove(&l->periods[lo], &l->periods[lo + 1], (l->n_periods - lo) * sizeof *l->periods);
        return NULL;
    }
    l->n_periods++;
    return p;
}

/* min and max of scope's indicator ind again from its zones' values. */
static void rescan_extremes(const live_t *l, live_period_t *p, size_t scope, size_t ind) {
    size_t ni = l->m->n_indicators;
    aggregate_t *a = &p->agg[scope * ni + ind];
    bool any = false;
    for (size_t z = 0; z < l->m->n_zones; z++) {
        double v = p->values.amount[z * ni + ind];
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
        double v = p->values.amount[z * ni + i], g = p->values.growth[z * ni + i];
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

/* Replaces zone z's values in p with r's: its old contribution out of its county and
 * the city, the new one in, and the extremes rescanned where one left. */
static void replace_values(const live_t *l, live_period_t *p, size_t z, const report_t *r) {
    size_t ni = l->m->n_indicators, scopes[2] = {0, l->zone_scope[z]};
    contribute(l, p, z, -1); /* nothing for a zone without values yet */
    values_set_report(&p->values, z, l->m, r);
    contribute(l, p, z, +1);
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < ni; i++)
            if (isnan(p->agg[scopes[k] * ni + i].min)) rescan_extremes(l, p, scopes[k], i);
}

/* Zone z's first revision for p, committed at first_ms: it counts as reported, and as
 * on time if before the deadline, in its county and the city. */
static void count_arrival(const live_t *l, live_period_t *p, size_t z, int64_t first_ms) {
    size_t scopes[2] = {0, l->zone_scope[z]};
    p->first_ms[z] = first_ms;
    for (size_t k = 0; k < 2; k++) {
        p->reported[scopes[k]]++;
        if (first_ms < p->deadline_ms) p->on_time[scopes[k]]++;
    }
}

/* Zone z's current report, committed at stored_ms: the scopes it changed. */
static void mark_changed(const live_t *l, live_period_t *p, size_t z, int64_t stored_ms, bool dirty) {
    size_t scopes[2] = {0, l->zone_scope[z]};
    p->values.zones[z].stored_at_ms = stored_ms;
    for (size_t k = 0; k < 2; k++) {
        if (stored_ms > p->updated_ms[scopes[k]]) p->updated_ms[scopes[k]] = stored_ms;
        if (dirty) p->dirty[scopes[k]] = true;
    }
}

/* Bit i of zone z's row in p->noted. */
static void note_bit(const live_t *l, live_period_t *p, size_t z, size_t i, bool on) {
    size_t bit = z * l->m->n_indicators + i;
    if (on)
        p->noted[bit / 8] |= (uint8_t)(1u << (bit % 8));
    else
        p->noted[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

static bool noted(const live_t *l, const live_period_t *p, size_t z, size_t i) {
    size_t bit = z * l->m->n_indicators + i;
    return p->noted[bit / 8] >> (bit % 8) & 1u;
}

/* Zone z's 说明 marks in p: those of r's values. */
static void set_notes(const live_t *l, live_period_t *p, size_t z, const report_t *r) {
    for (size_t i = 0; i < l->m->n_indicators; i++)
        note_bit(l, p, z, i, false);
    for (size_t k = 0; k < r->n_values; k++) {
        const indicator_t *ind = r->values[k].note ? master_indicator(l->m, r->values[k].indicator) : NULL;
        if (ind) note_bit(l, p, z, (size_t)(ind - l->m->indicators), true);
    }
}

int live_apply(live_t *l, const report_t *r, int64_t stored_at_ms) {
    size_t z = zone_index(l, r->zone);
    live_period_t *p;
    bool first;
    if (!l->m || z == SIZE_MAX) return 0; /* no live totals kept; or a zone gone from master data */
    if (!(p = period_get(l, r->period))) {
        l->whole = false; /* this report is missing from here on: live_report defers to the store */
        return -1;
    }
    first = !p->values.zones[z].reported;
    replace_values(l, p, z, r); /* the zone's row is reported from here on */
    set_notes(l, p, z, r);
    if (first) count_arrival(l, p, z, stored_at_ms);
    mark_changed(l, p, z, stored_at_ms, true);
    return 0;
}

/* ---- the start-up load ---------------------------------------------------------------- */

/* One period from the store: first arrivals, then the current reports and values. */
typedef struct {
    live_t *l;
    live_period_t *p;
} load_t;

static void on_arrival(const char *zone, int64_t first_at_ms, void *arg) {
    load_t *ld = arg;
    size_t z = zone_index(ld->l, zone);
    if (z != SIZE_MAX) count_arrival(ld->l, ld->p, z, first_at_ms);
}

static void on_noted(const char *zone, const char *indicator, void *arg) {
    load_t *ld = arg;
    size_t z = zone_index(ld->l, zone);
    const indicator_t *ind = master_indicator(ld->l->m, indicator);
    if (z != SIZE_MAX && ind) note_bit(ld->l, ld->p, z, (size_t)(ind - ld->l->m->indicators), true);
}

/* p's values and totals from the store, with the scopes' latest commits. 0 or -1. */
static int load_values(live_t *l, live_period_t *p, rstore_t *st) {
    size_t ni = l->m->n_indicators;
    values_totals_t t;
    values_free(&p->values);
    if (values_load(&p->values, st, l->m, p->period) < 0) return -1;
    if (values_totals(&p->values, l->m, &t) < 0) return -1;
    memcpy(p->agg, t.agg, l->n_scopes * ni * sizeof *p->agg);
    values_totals_free(&t);
    for (size_t z = 0; z < p->values.n_master; z++)
        if (p->values.zones[z].reported) mark_changed(l, p, z, p->values.zones[z].stored_at_ms, false);
    return 0;
}

typedef struct {
    char (*list)[PERIOD_STRLEN];
    size_t n;
    int failed;
} periods_t;

static void on_period(const char *period, void *arg) {
    periods_t *ps = arg;
    char(*nl)[PERIOD_STRLEN] = realloc(ps->list, (ps->n + 1) * sizeof *nl);
    if (!nl) {
        ps->failed = 1;
        return;
    }
    ps->list = nl;
    snprintf(ps->list[ps->n++], PERIOD_STRLEN, "%s", period);
}

int live_load(live_t *l, rstore_t *st) {
    periods_t ps = {NULL, 0, 0};
    load_t ld = {l, NULL};
    if (rstore_each_period(st, on_period, &ps) < 0) ps.failed = 1;
    for (size_t i = 0; !ps.failed && i < ps.n; i++)
        if (!(ld.p = period_get(l, ps.list[i])) ||
            rstore_each_first_arrival(st, ps.list[i], on_arrival, &ld) < 0 || load_values(l, ld.p, st) < 0 ||
            rstore_each_noted(st, ps.list[i], on_noted, &ld) < 0)
            ps.failed = 1;
    free(ps.list);
    l->whole = !ps.failed;
    return ps.failed ? -1 : 0;
}

int live_report(const live_t *l, const char *zone, const char *period, report_t *out) {
    size_t z = l->m && l->whole ? zone_index(l, zone) : SIZE_MAX, lo = 0, hi = l->n_periods, ni;
    const live_period_t *p = NULL;
    memset(out, 0, sizeof *out);
    if (z == SIZE_MAX) return -1;
    while (lo < hi && !p) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(l->periods[mid].period, period);
        if (c == 0)
            p = &l->periods[mid];
        else if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!p || !p->values.zones[z].reported) return 0;
    ni = l->m->n_indicators;
    snprintf(out->zone, sizeof out->zone, "%s", l->m->zones[z].code);
    snprintf(out->period, sizeof out->period, "%s", p->period);
    out->revision = p->values.zones[z].revision;
    for (size_t i = 0; i < ni; i++) {
        static char mark[] = "说明";
        report_value_t v = {.amount = p->values.amount[z * ni + i],
                            .growth_pct = p->values.growth[z * ni + i]};
        if (isnan(v.amount)) continue;
        v.has_growth = !isnan(v.growth_pct);
        if (!v.has_growth) v.growth_pct = 0;
        v.note = noted(l, p, z, i) ? mark : NULL;
        snprintf(v.indicator, sizeof v.indicator, "%s", l->m->indicators[i].code);
        if (!report_add_value(out, &v)) {
            report_clear(out);
            return -1;
        }
    }
    return 1;
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
    if (live_init(&a->live, a->master, a->master->policy.deadline_day) < 0 ||
        live_load(&a->live, a->store) < 0) {
        log_error(_("live totals: cannot load them from the store; they start empty"));
        live_free(&a->live);
        live_init(&a->live, a->master, a->master->policy.deadline_day);
        return -1;
    }
    for (size_t i = 0; publish_all && i < a->live.n_periods; i++)
        for (size_t k = 0; k < a->live.n_scopes; k++)
            a->live.periods[i].dirty[k] = true;
    log_info(_("live totals: %zu period(s) loaded from the store"), a->live.n_periods);
    return 0;
}
