/* web_api_county.c - /api/county/C?period=P: one county's totals and its zones, each with
 * its report, rank, star and figures. 404 for a county master data does not list, 403
 * for a county account asking for another county. */
#include <math.h>
#include <string.h>

#include "i18n.h"
#include "log.h"
#include "web_json.h"

static const ranking_row_t *ranked_row(const web_period_t *wp, const char *zone) {
    if (!wp->ranked) return NULL;
    for (size_t i = 0; i < wp->rk.n_rows; i++)
        if (!strcmp(wp->rk.rows[i].zone, zone)) return &wp->rk.rows[i];
    return NULL;
}

/* Every indicator of master data: the zone's amount and growth as reported, and the
 * bulletin's completion for its main indicators. */
static void values_json(strbuf_t *b, const master_t *m, const web_period_t *wp, size_t iz) {
    const bulletin_row_t *row = web_period_row(wp, m->zones[iz].code);
    strbuf_puts(b, ",\"values\":[");
    for (size_t i = 0; i < m->n_indicators; i++) {
        double a = wp->v.amount[iz * wp->v.n_indicators + i], g = wp->v.growth[iz * wp->v.n_indicators + i];
        const bulletin_cell_t *c = NULL;
        for (size_t k = 0; row && k < wp->b.n_indicators; k++)
            if (wp->b.indicators[k] == (int)i) c = &row->cells[k];
        strbuf_puts(b, i ? ",{\"indicator\":" : "{\"indicator\":");
        strbuf_json_string(b, m->indicators[i].code);
        web_json_num(b, "amount", !isnan(a), a);
        web_json_num(b, "growth_pct", !isnan(a) && !isnan(g), g);
        web_json_num(b, "completion_pct", c && c->has_completion, c ? c->completion_pct : 0);
        strbuf_puts(b, "}");
    }
    strbuf_puts(b, "]");
}

int web_api_county(web_t *w, const web_request_t *rq, web_reply_t *rp) {
    const master_t *m = web_data_master(w->data);
    const char *code = rq->param;
    const county_t *county;
    char period[PERIOD_STRLEN], err[1024];
    rstore_t *st;
    sstore_t *ss = NULL;
    web_period_t wp;
    size_t n = 0;
    if (!code || !web_county_known(w, code)) {
        web_reply_error(rp, 404, _("no such county"));
        return 0;
    }
    if (!web_may_see_county(rq->user, code)) {
        web_reply_error(rp, 403, _("this account may not see that county"));
        return 0;
    }
    county = master_county(m, code);
    memset(&wp, 0, sizeof wp);
    if (!(st = web_json_rstore(w, rp))) return 0;
    if (web_json_period(w, rq, st, rp, period) < 0) goto out;
    if (!(ss = web_data_sstore(w->data, err, sizeof err))) log_warn(_("web: %s"), err);
    if (web_period_load(w->data, st, ss, period, &wp) < 0) {
        web_reply_error(rp, 500, _("the report store cannot be read"));
        goto out;
    }
    web_json_begin(rp);
    strbuf_puts(&rp->body, "{\"county\":");
    strbuf_json_string(&rp->body, county->code);
    web_json_str(&rp->body, "name", county->name);
    web_json_str(&rp->body, "period", wp.period);
    strbuf_puts(&rp->body, ",\"totals\":");
    web_json_totals(&rp->body, m, &wp, county->code);
    strbuf_puts(&rp->body, ",\"zones\":[");
    for (size_t i = 0; i < m->n_zones; i++) {
        const zone_t *z = &m->zones[i];
        const values_zone_t *vz = &wp.v.zones[i];
        const ranking_row_t *rr;
        if (strcmp(z->county, county->code)) continue;
        rr = ranked_row(&wp, z->code);
        strbuf_puts(&rp->body, n++ ? ",{\"zone\":" : "{\"zone\":");
        strbuf_json_string(&rp->body, z->code);
        web_json_str(&rp->body, "name", z->name);
        web_json_bool(&rp->body, "reported", vz->reported);
        web_json_bool(&rp->body, "late", vz->reported && web_period_late(&wp, i));
        web_json_num(&rp->body, "revision", vz->reported, vz->revision);
        web_json_num(&rp->body, "rank", rr != NULL, rr ? rr->rank : 0);
        web_json_num(&rp->body, "star", rr && rr->star >= 0, rr ? rr->star : 0);
        values_json(&rp->body, m, &wp, i);
        strbuf_puts(&rp->body, "}");
    }
    strbuf_puts(&rp->body, "]}");
out:
    web_period_free(&wp);
    sstore_close(&ss);
    rstore_close(&st);
    return 0;
}
