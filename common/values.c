/* values.c - one period's values, loaded from the report store, and their totals (see
 * values.h).
 *
 * The loader reads the period twice through the store's own queries, both in zone
 * order: its current reports (who reported, with which revision, from which county),
 * which fix the rows, then its values, which fill them. A value streams by with its
 * zone's code; a zone of master data finds its row by master_zone (a binary search),
 * one master data does not list by a binary search of the rows after n_master.
 */
#include "values.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "log.h"
#include "rstore.h"
#include "text.h"

static int alloc(values_t *v, size_t n_zones, size_t n_indicators) {
    size_t n = n_zones * n_indicators;
    memset(v, 0, sizeof *v);
    v->zones = calloc(n_zones ? n_zones : 1, sizeof *v->zones);
    v->amount = malloc((n ? n : 1) * sizeof *v->amount);
    v->growth = malloc((n ? n : 1) * sizeof *v->growth);
    if (!v->zones || !v->amount || !v->growth) {
        values_free(v);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        v->amount[i] = v->growth[i] = NAN;
    v->n_zones = n_zones;
    v->n_indicators = n_indicators;
    return 0;
}

int values_init(values_t *v, size_t n_zones, size_t n_indicators) {
    return alloc(v, n_zones, n_indicators);
}

/* Rows 0..m->n_zones named after master data's zones. */
static void name_master_rows(values_t *v, const master_t *m) {
    for (size_t z = 0; z < m->n_zones; z++) {
        snprintf(v->zones[z].code, sizeof v->zones[z].code, "%s", m->zones[z].code);
        v->zones[z].zone = &m->zones[z];
    }
    v->n_master = m->n_zones;
}

int values_init_master(values_t *v, const master_t *m) {
    if (alloc(v, m->n_zones, m->n_indicators) < 0) return -1;
    name_master_rows(v, m);
    return 0;
}

void values_free(values_t *v) {
    if (!v) return;
    free(v->zones);
    free(v->amount);
    free(v->growth);
    memset(v, 0, sizeof *v);
}

size_t values_reported(const values_t *v) {
    size_t n = 0;
    for (size_t z = 0; z < v->n_zones; z++)
        n += v->zones[z].reported;
    return n;
}

/* Stores one value at row z, column i. */
static void put(values_t *v, size_t z, size_t i, double amount, bool has_growth, double growth_pct) {
    size_t at = z * v->n_indicators + i;
    v->amount[at] = isfinite(amount) ? amount : NAN;
    v->growth[at] = has_growth && isfinite(growth_pct) ? growth_pct : NAN;
}

int values_set(values_t *v, const master_t *m, const char *zone, const char *indicator, double amount,
               bool has_growth, double growth_pct) {
    const zone_t *z = master_zone(m, zone);
    const indicator_t *ind = master_indicator(m, indicator);
    size_t iz, ii;
    if (!z || !ind) return -1;
    iz = (size_t)(z - m->zones);
    ii = (size_t)(ind - m->indicators);
    if (iz >= v->n_master || ii >= v->n_indicators) return -1;
    v->zones[iz].reported = true;
    put(v, iz, ii, amount, has_growth, growth_pct);
    return 0;
}

void values_set_report(values_t *v, size_t z, const master_t *m, const report_t *r) {
    for (size_t i = 0; i < v->n_indicators; i++)
        v->amount[z * v->n_indicators + i] = v->growth[z * v->n_indicators + i] = NAN;
    for (size_t k = 0; k < r->n_values; k++) {
        const report_value_t *rv = &r->values[k];
        const indicator_t *ind = master_indicator(m, rv->indicator);
        if (!ind || (size_t)(ind - m->indicators) >= v->n_indicators) continue;
        put(v, z, (size_t)(ind - m->indicators), rv->amount, rv->has_growth, rv->growth_pct);
    }
    v->zones[z].reported = true;
    v->zones[z].revision = r->revision;
}

/* ---- the loader ------------------------------------------------------------------------ */

/* The period's current reports, as they stream by in zone order. */
typedef struct {
    const master_t *m;
    values_zone_t *list;
    size_t n, cap, n_extra; /* n_extra: zones master data does not list */
    bool oom;
} reports_t;

static void on_report(const char *zone, uint32_t revision, const char *county, int64_t stored_at_ms,
                      void *arg) {
    reports_t *rs = arg;
    values_zone_t *row;
    if (rs->oom) return;
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 64;
        values_zone_t *p = realloc(rs->list, cap * sizeof *p);
        if (!p) {
            rs->oom = true;
            return;
        }
        rs->list = p;
        rs->cap = cap;
    }
    row = &rs->list[rs->n++];
    memset(row, 0, sizeof *row);
    text_copy(row->code, sizeof row->code, zone);
    text_copy(row->county, sizeof row->county, county ? county : "");
    row->zone = master_zone(rs->m, zone);
    row->reported = true;
    row->revision = revision;
    row->stored_at_ms = stored_at_ms;
    if (!row->zone) rs->n_extra++;
}

static int by_code(const void *a, const void *b) {
    return strcmp(((const values_zone_t *)a)->code, ((const values_zone_t *)b)->code);
}

/* The period's values, as they stream by. */
/* The values arrive zone by zone, each zone's in the store's key order (indicator
 * codes in strcmp order, not the catalogue's): the last zone's row, and the indicator
 * that followed the last one the time before, are tried before a search (a period of
 * 10 000 zones is 140 000 values; the catalogue's next one was right for 1 in 14). */
#define LEARNED 64
typedef struct {
    values_t *v;
    const master_t *m;
    char zone[ZONE_CODE_SIZE]; /* the last value's zone, "" before the first */
    size_t row;                /* its row, SIZE_MAX: none */
    size_t last;               /* the last value's indicator + 1, 0 before the first */
    /* after[i]: the indicator + 1 that came after indicator i - 1 (after[0]: first) */
    unsigned short after[LEARNED];
} fill_t;

/* master_indicator, trying first what followed the last indicator before. */
static const indicator_t *indicator_of(fill_t *f, const char *indicator) {
    const indicator_t *ind;
    size_t guess = f->last < LEARNED ? f->after[f->last] : 0;
    if (guess && guess <= f->m->n_indicators && strcmp(f->m->indicators[guess - 1].code, indicator) == 0)
        ind = &f->m->indicators[guess - 1];
    else
        ind = master_indicator(f->m, indicator);
    if (ind) {
        size_t i = (size_t)(ind - f->m->indicators) + 1;
        if (f->last < LEARNED && i < 65536) f->after[f->last] = (unsigned short)i;
        f->last = i;
    }
    return ind;
}

static void on_value(const char *zone, const char *indicator, double amount, bool has_growth,
                     double growth_pct, void *arg) {
    fill_t *f = arg;
    values_t *v = f->v;
    const zone_t *z;
    const indicator_t *ind = indicator_of(f, indicator);
    size_t row;
    if (!ind) {
        v->n_dropped++; /* an indicator retired from the catalogue since */
        return;
    }
    if (f->zone[0] && strcmp(f->zone, zone) == 0) {
        if (f->row != SIZE_MAX) put(v, f->row, (size_t)(ind - f->m->indicators), amount, has_growth, growth_pct);
        return;
    }
    if (strlen(zone) < sizeof f->zone) text_copy(f->zone, sizeof f->zone, zone);
    else f->zone[0] = '\0'; /* too long to remember: searched each time */
    f->row = SIZE_MAX;
    z = master_zone(f->m, zone);
    if (z) {
        row = (size_t)(z - f->m->zones);
    } else {
        values_zone_t key, *found;
        snprintf(key.code, sizeof key.code, "%s", zone);
        found = bsearch(&key, v->zones + v->n_master, v->n_zones - v->n_master, sizeof *v->zones, by_code);
        if (!found) return; /* values without a report row: not written so by rstore_apply */
        row = (size_t)(found - v->zones);
    }
    f->row = row;
    put(v, row, (size_t)(ind - f->m->indicators), amount, has_growth, growth_pct);
}

int values_load(values_t *v, rstore_t *st, const master_t *m, const char *period) {
    reports_t rs = {m, NULL, 0, 0, 0, false};
    fill_t f = {v, m, "", SIZE_MAX, 0};
    size_t extra;
    /* two queries: one read transaction, so a commit between them is all in or all out */
    bool own = !rstore_in_transaction(st);
    memset(v, 0, sizeof *v);
    if (own && rstore_read_begin(st) < 0) return -1;
    if (rstore_each_report(st, period, on_report, &rs) < 0) goto fail;
    if (rs.oom || alloc(v, m->n_zones + rs.n_extra, m->n_indicators) < 0) {
        log_error(_("the values of %s: out of memory"), period);
        goto fail;
    }
    name_master_rows(v, m);
    extra = m->n_zones;
    for (size_t i = 0; i < rs.n; i++) {
        values_zone_t *row = rs.list[i].zone ? &v->zones[rs.list[i].zone - m->zones] : &v->zones[extra++];
        *row = rs.list[i];
        if (row->zone) snprintf(row->code, sizeof row->code, "%s", row->zone->code);
    }
    /* they came in the store's zone order; on_value's binary search relies on strcmp's */
    qsort(v->zones + m->n_zones, rs.n_extra, sizeof *v->zones, by_code);
    snprintf(v->period, sizeof v->period, "%s", period);
    if (rstore_each_value(st, period, on_value, &f) < 0) goto fail;
    free(rs.list);
    if (own && rstore_read_end(st) < 0) {
        values_free(v);
        return -1;
    }
    return 0;
fail:
    free(rs.list);
    values_free(v);
    if (own) rstore_read_end(st);
    return -1;
}

/* One zone's report row, for values_reload_zone. */
typedef struct {
    values_zone_t row;
    bool found;
} one_report_t;

static void on_one_report(const char *zone, uint32_t revision, const char *county, int64_t stored_at_ms,
                          void *arg) {
    one_report_t *o = arg;
    snprintf(o->row.county, sizeof o->row.county, "%s", county ? county : "");
    o->row.reported = true;
    o->row.revision = revision;
    o->row.stored_at_ms = stored_at_ms;
    o->found = zone != NULL;
}

int values_reload_zone(values_t *v, rstore_t *st, const master_t *m, const char *zone) {
    const zone_t *z = master_zone(m, zone);
    one_report_t o;
    fill_t f = {v, m, "", SIZE_MAX, 0};
    size_t row, n_dropped = v->n_dropped;
    if (!v->period[0] || !z || strcmp(z->code, zone) != 0 || v->n_master != m->n_zones ||
        v->n_indicators != m->n_indicators || &m->zones[z - m->zones] != v->zones[z - m->zones].zone)
        return 1; /* not a row of master data's, or v not built for m: a whole load */
    row = (size_t)(z - m->zones);
    memset(&o, 0, sizeof o);
    if (rstore_each_report_of(st, v->period, zone, on_one_report, &o) < 0) return -1;
    snprintf(o.row.code, sizeof o.row.code, "%s", z->code);
    o.row.zone = z;
    v->zones[row] = o.row; /* not reported any more: code and zone kept, the rest zero */
    for (size_t i = 0; i < v->n_indicators; i++)
        v->amount[row * v->n_indicators + i] = v->growth[row * v->n_indicators + i] = NAN;
    if (o.found && rstore_each_value_of(st, v->period, zone, on_value, &f) < 0) return -1;
    v->n_dropped = n_dropped; /* counted by a whole load only: see values.h */
    return 0;
}

/* ---- totals ---------------------------------------------------------------------------- */

size_t values_scope(const master_t *m, const char *county) {
    const county_t *c;
    if (!county || !*county) return 0;
    c = master_county(m, county);
    return c ? 1 + (size_t)(c - m->counties) : SIZE_MAX;
}

const aggregate_t *values_total(const values_totals_t *t, size_t scope, size_t i) {
    return &t->agg[scope * t->n_indicators + i];
}

void values_totals_free(values_totals_t *t) {
    if (!t) return;
    free(t->agg);
    free(t->expected);
    free(t->reported);
    memset(t, 0, sizeof *t);
}

int values_totals(const values_t *v, const master_t *m, values_totals_t *out) {
    size_t ns = m->n_counties + 1, ni = m->n_indicators;
    memset(out, 0, sizeof *out);
    if (v->n_master != m->n_zones || v->n_indicators != ni) return -1;
    out->agg = calloc(ni ? ns * ni : 1, sizeof *out->agg);
    out->expected = calloc(ns, sizeof *out->expected);
    out->reported = calloc(ns, sizeof *out->reported);
    if (!out->agg || !out->expected || !out->reported) {
        values_totals_free(out);
        return -1;
    }
    out->n_scopes = ns;
    out->n_indicators = ni;
    for (size_t z = 0; z < v->n_master; z++) {
        size_t county = values_scope(m, m->zones[z].county);
        /* master data guarantees the county; without one a zone counts in the city only */
        size_t scopes[2] = {0, county == SIZE_MAX ? 0 : county}, n_scopes = scopes[1] ? 2 : 1;
        for (size_t k = 0; k < n_scopes; k++) {
            out->expected[scopes[k]]++;
            out->reported[scopes[k]] += v->zones[z].reported;
        }
        for (size_t i = 0; i < ni; i++) {
            double x = v->amount[z * ni + i], g = v->growth[z * ni + i];
            if (isnan(x)) continue;
            for (size_t k = 0; k < n_scopes; k++)
                aggregate_add(&out->agg[scopes[k] * ni + i], x, !isnan(g), g);
        }
    }
    return 0;
}
