/* web_data.c - the master data loaded once, the stores opened per request, and one
 * period computed as the CLI computes it (web_data.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "log.h"
#include "targets.h"
#include "web_data.h"

web_data_t *web_data_new(const web_config_t *c, master_t *m, rules_t *r) {
    web_data_t *d = calloc(1, sizeof *d);
    if (!d) {
        master_destroy(&m);
        rules_destroy(&r);
        return NULL;
    }
    d->cfg = c;
    d->m = m;
    d->rules = r;
    return d;
}

web_data_t *web_data_open(const web_config_t *c, char *err, size_t errsz) {
    diag_list_t dl = {0};
    master_t *m = master_load(c->master, &dl);
    rules_t *r = NULL;
    rstore_t *st;
    sstore_t *ss;
    char why[1024] = "";
    if (!m || !(r = rules_load(c->master, m, &dl))) {
        if (dl.n) diag_format(&dl.items[0], why, sizeof why);
        snprintf(err, errsz, _("%s: cannot load the master data: %s"), c->master, why);
        diag_clear(&dl);
        master_destroy(&m);
        return NULL;
    }
    diag_clear(&dl);
    if (!(st = rstore_open(c->store, true, why, sizeof why))) {
        snprintf(err, errsz, "%s", why);
        rules_destroy(&r);
        master_destroy(&m);
        return NULL;
    }
    rstore_close(&st);
    if (!(ss = sstore_open(c->scores, true, why, sizeof why))) {
        snprintf(err, errsz, "%s", why);
        rules_destroy(&r);
        master_destroy(&m);
        return NULL;
    }
    sstore_close(&ss);
    return web_data_new(c, m, r);
}

void web_data_close(web_data_t **d) {
    if (!d || !*d) return;
    master_destroy(&(*d)->m);
    rules_destroy(&(*d)->rules);
    free(*d);
    *d = NULL;
}

const master_t *web_data_master(const web_data_t *d) {
    return d->m;
}

const rules_t *web_data_rules(const web_data_t *d) {
    return d->rules;
}

rstore_t *web_data_rstore(const web_data_t *d, char *err, size_t errsz) {
    return rstore_open(d->cfg->store, true, err, errsz);
}

sstore_t *web_data_sstore(const web_data_t *d, char *err, size_t errsz) {
    return sstore_open(d->cfg->scores, true, err, errsz);
}

const char *web_zone_county(web_t *w, const char *zone) {
    const zone_t *z = zone ? master_zone(w->data->m, zone) : NULL;
    /* master_zone also takes a Chinese name; a URL names the code */
    return z && !strcmp(z->code, zone) ? z->county : NULL;
}

bool web_county_known(web_t *w, const char *county) {
    return county && master_county(w->data->m, county) != NULL;
}

static void on_period(const char *period, void *arg) {
    snprintf(arg, PERIOD_STRLEN, "%s", period); /* oldest first: the last is the newest */
}

int web_data_current_period(const web_data_t *d, rstore_t *st, int64_t now_ms, char out[PERIOD_STRLEN]) {
    out[0] = '\0';
    if (rstore_each_period(st, on_period, out) < 0) return -1;
    if (!out[0])
        period_format(targets_first_due(now_ms, d->m->policy.deadline_day, d->m->policy.merge_jan_feb), out);
    return 0;
}

const char *web_state_name(pstate_t s) {
    switch (s) {
    case PSTATE_APPROVED: return "approved";
    case PSTATE_PUBLISHED: return "published";
    default: return "preliminary";
    }
}

typedef struct {
    const master_t *m;
    int64_t *first_at;
} arrivals_t;

static void on_arrival(const char *zone, int64_t first_at_ms, void *arg) {
    arrivals_t *a = arg;
    const zone_t *z = master_zone(a->m, zone);
    if (z && !strcmp(z->code, zone)) a->first_at[z - a->m->zones] = first_at_ms;
}

int web_period_load(const web_data_t *d, rstore_t *st, sstore_t *ss, const char *period, web_period_t *out) {
    const master_t *m = d->m;
    period_state_t city;
    arrivals_t a;
    int known = 0, rc = -1;
    memset(out, 0, sizeof *out);
    if (period_parse(period, &out->p) < 0) return -1;
    period_format(out->p, out->period);
    out->deadline_ms = period_deadline_ms(out->p, m->policy.deadline_day);
    if (!(out->first_at_ms = calloc(m->n_zones ? m->n_zones : 1, sizeof *out->first_at_ms))) {
        log_error(_("web: out of memory"));
        return -1;
    }
    a.m = m;
    a.first_at = out->first_at_ms;
    /* one state of the store: a commit meanwhile is all in or all out */
    if (rstore_read_begin(st) < 0) goto out;
    if (values_load(&out->v, st, m, out->period) < 0 ||
        rstore_each_first_arrival(st, out->period, on_arrival, &a) < 0 ||
        (known = rstore_period_state(st, out->period, "", &city)) < 0) {
        rstore_read_end(st);
        goto out;
    }
    rstore_read_end(st);
    out->state = known ? city.state : PSTATE_OPEN;
    if (values_totals(&out->v, m, &out->t) < 0) {
        log_error(_("web: out of memory"));
        goto out;
    }
    if (ss) {
        int found = sstore_load_ranking(ss, out->period, &out->rk);
        if (found < 0) goto out;
        out->ranked = found > 0;
    }
    if (bulletin_build(&out->b, m, d->rules, out->p, &out->v, out->ranked ? &out->rk : NULL,
                       BULLETIN_LAG_PACE_PP) < 0) {
        log_error(_("web: out of memory"));
        goto out;
    }
    rc = 0;
out:
    if (rc < 0) web_period_free(out);
    return rc;
}

void web_period_free(web_period_t *wp) {
    if (!wp) return;
    bulletin_clear(&wp->b);
    ranking_clear(&wp->rk);
    values_totals_free(&wp->t);
    values_free(&wp->v);
    free(wp->first_at_ms);
    memset(wp, 0, sizeof *wp);
}

bool web_period_late(const web_period_t *wp, size_t iz) {
    return wp->first_at_ms[iz] && wp->first_at_ms[iz] >= wp->deadline_ms;
}

const bulletin_row_t *web_period_row(const web_period_t *wp, const char *zone) {
    for (size_t i = 0; i < wp->b.n_rows; i++)
        if (!wp->b.rows[i].is_total && !strcmp(wp->b.rows[i].zone->code, zone)) return &wp->b.rows[i];
    return NULL;
}
