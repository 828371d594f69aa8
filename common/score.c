/* score.c - the assessment method: 功效系数法 (efficacy coefficient), relative form.
 *
 * For each content c and part p (amount or growth) of an item, across the zones that
 * reported it:  d = 60 + 40·(x − min)/(max − min), mirrored for a reverse indicator
 * (direction −1). A part scores the mean of its contents, an item the mean of its parts
 * (so amount and growth weigh 50% each), the total Σ weight·item / 100 and each
 * dimension the same sum over its items. The method works column by column over the
 * period's dense zones × indicators matrix (values.h), the rows that reported: 10 000
 * zones and 11 items are a few hundred thousand multiply-adds, far below the cost of
 * reading the store.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"

#define TIE_EPS 1e-9

const char *score_method_name(score_method_t m) {
    return m == METHOD_MINMAX ? "minmax" : "efficacy";
}

int score_method_parse(const char *s) {
    if (strcmp(s, "efficacy") == 0 || strcmp(s, "功效系数法") == 0) return METHOD_EFFICACY;
    if (strcmp(s, "minmax") == 0) return METHOD_MINMAX;
    return -1;
}

static void flag_missing(zone_score_t *z, const char *code, bool growth) {
    size_t len = strlen(z->missing);
    snprintf(z->missing + len, sizeof z->missing - len, "%s%s%s", len ? ";" : "", code,
             growth ? ".growth" : "");
}

/* Adds each reported zone's score for one content and part, divided by n_div, to
 * part[z]; rows[0..n_rows) are the reported rows. */
static void score_column(const double *col, size_t stride, const size_t *rows, size_t n_rows, int direction,
                         const char *code, bool growth, const score_params_t *p, double n_div, double *part,
                         zone_score_t *out) {
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n_rows; k++) {
        double x = col[rows[k] * stride];
        if (isnan(x)) continue;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
    }
    for (size_t k = 0; k < n_rows; k++) {
        size_t z = rows[k];
        double x = col[z * stride], d;
        if (isnan(x)) {
            d = p->missing_score;
            flag_missing(&out[z], code, growth);
        } else if (hi - lo < TIE_EPS) {
            d = p->equal_score;
        } else {
            double r = direction < 0 ? (hi - x) / (hi - lo) : (x - lo) / (hi - lo);
            d = p->method == METHOD_MINMAX ? 100.0 * r : 60.0 + 40.0 * r;
        }
        part[z] += d / n_div;
    }
}

typedef struct {
    const zone_score_t *out;
    size_t zone;
} order_t;

static int by_total(const void *pa, const void *pb) {
    const order_t *a = pa, *b = pb;
    double ta = a->out[a->zone].total, tb = b->out[b->zone].total;
    if (ta > tb) return -1;
    if (ta < tb) return 1;
    return a->zone < b->zone ? -1 : a->zone > b->zone;
}

int score_period(const scheme_t *s, const master_t *m, const values_t *v, const score_params_t *p,
                 zone_score_t *out) {
    size_t nz = v->n_zones, ni = v->n_indicators, nr = 0;
    double *part = NULL, *item = NULL;
    size_t *rows = NULL; /* the reported rows, in row order */
    order_t *order = NULL;
    int rc = -1;

    if (ni != m->n_indicators || s->n_items > RULES_MAX_ITEMS || s->n_dims > RANKING_MAX_DIMS) return -1;
    memset(out, 0, nz * sizeof *out);
    if (nz == 0) return 0;
    part = malloc(nz * sizeof *part);
    item = malloc(nz * sizeof *item);
    rows = malloc(nz * sizeof *rows);
    order = malloc(nz * sizeof *order);
    if (!part || !item || !rows || !order) goto done;
    for (size_t z = 0; z < nz; z++)
        if (v->zones[z].reported) rows[nr++] = z;

    for (size_t k = 0; k < s->n_items; k++) {
        const scheme_item_t *it = &s->items[k];
        size_t n_parts = it->growth ? 2 : 1;
        if (it->n_contents == 0 || it->dim < 0 || (size_t)it->dim >= s->n_dims) goto done;
        for (size_t z = 0; z < nz; z++)
            item[z] = 0;
        for (size_t g = 0; g < n_parts; g++) {
            for (size_t z = 0; z < nz; z++)
                part[z] = 0;
            for (size_t c = 0; c < it->n_contents; c++) {
                int ind = it->contents[c];
                if (ind < 0 || (size_t)ind >= ni) goto done;
                score_column((g ? v->growth : v->amount) + ind, ni, rows, nr, m->indicators[ind].direction,
                             m->indicators[ind].code, g == 1, p, (double)it->n_contents, part, out);
            }
            for (size_t z = 0; z < nz; z++)
                item[z] += part[z] / (double)n_parts;
        }
        for (size_t r = 0; r < nr; r++) {
            size_t z = rows[r];
            double points = it->weight * item[z] / 100.0;
            out[z].items[k] = item[z];
            out[z].dims[it->dim] += points;
            out[z].total += points;
        }
    }

    for (size_t r = 0; r < nr; r++)
        order[r] = (order_t){out, rows[r]};
    qsort(order, nr, sizeof *order, by_total);
    for (size_t i = 0; i < nr; i++) {
        zone_score_t *z = &out[order[i].zone];
        const zone_score_t *before = i ? &out[order[i - 1].zone] : NULL;
        z->rank = before && fabs(before->total - z->total) < TIE_EPS ? before->rank : (int)i + 1;
    }
    rc = 0;
done:
    free(part);
    free(item);
    free(rows);
    free(order);
    return rc;
}

int score_star(const rules_t *r, const double *amount) {
    int star = RANKING_STAR_BELOW;
    size_t i = 0;
    if (!r || r->n_stars == 0) return RANKING_STAR_NONE;
    /* stars[] is sorted by level: take the levels in turn while each is met in full. */
    while (i < r->n_stars) {
        int level = r->stars[i].star;
        bool met = true;
        for (; i < r->n_stars && r->stars[i].star == level; i++) {
            double x = amount[r->stars[i].indicator];
            if (isnan(x) || x < r->stars[i].threshold) met = false;
        }
        if (!met) break;
        star = level;
    }
    return star;
}
