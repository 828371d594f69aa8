/* web_api_ranking.c - /api/ranking?period=P: the period's ranking as the scorer stored it
 * (yuebao ranking's rows) with the bulletin's 十强 and 十快. 404 when the period is not
 * ranked; a county account gets its county's rows only. */
#include <math.h>
#include <string.h>

#include "i18n.h"
#include "log.h"
#include "web_json.h"

/* "star": 0.. as judged, null when none was judged yet or below the entry threshold
 * (then "star_below": true). */
static void star_json(strbuf_t *b, int star) {
    web_json_num(b, "star", star >= 0, star);
    web_json_bool(b, "star_below", star == RANKING_STAR_BELOW);
}

static void zones_flagged(strbuf_t *b, const web_period_t *wp, const account_t *u, bool fast) {
    size_t n = 0;
    strbuf_puts(b, "[");
    for (size_t i = 0; i < wp->b.n_rows; i++) {
        const bulletin_row_t *row = &wp->b.rows[i];
        if (row->is_total || !(fast ? row->fast : row->top) || !web_may_see_county(u, row->zone->county)) continue;
        if (n++) strbuf_puts(b, ",");
        strbuf_json_string(b, row->zone->code);
    }
    strbuf_puts(b, "]");
}

int web_api_ranking(web_t *w, const web_request_t *rq, web_reply_t *rp) {
    const master_t *m = web_data_master(w->data);
    char period[PERIOD_STRLEN], err[1024];
    rstore_t *st = web_json_rstore(w, rp);
    sstore_t *ss = NULL;
    web_period_t wp;
    size_t n = 0;
    memset(&wp, 0, sizeof wp);
    if (!st) return 0;
    if (web_json_period(w, rq, st, rp, period) < 0) goto out;
    if (!(ss = web_data_sstore(w->data, err, sizeof err))) {
        log_error(_("web: %s"), err);
        web_reply_error(rp, 500, _("the score store cannot be read"));
        goto out;
    }
    if (web_period_load(w->data, st, ss, period, &wp) < 0) {
        web_reply_error(rp, 500, _("the stores cannot be read"));
        goto out;
    }
    if (!wp.ranked) {
        web_reply_error(rp, 404, _("this period is not ranked"));
        goto out;
    }
    web_json_begin(rp);
    strbuf_puts(&rp->body, "{\"period\":");
    strbuf_json_string(&rp->body, wp.period);
    web_json_str(&rp->body, "state", web_state_name(wp.state));
    web_json_num(&rp->body, "version", wp.rk.version > 0, wp.rk.version);
    web_json_str(&rp->body, "method", wp.rk.method);
    strbuf_puts(&rp->body, ",\"dimensions\":[");
    for (size_t d = 0; d < wp.rk.n_dims; d++) {
        if (d) strbuf_puts(&rp->body, ",");
        strbuf_json_string(&rp->body, wp.rk.dims[d]);
    }
    strbuf_puts(&rp->body, "],\"rows\":[");
    for (size_t i = 0; i < wp.rk.n_rows; i++) {
        const ranking_row_t *row = &wp.rk.rows[i];
        const zone_t *z = master_zone(m, row->zone);
        const county_t *c = master_county(m, row->county);
        if (!web_may_see_county(rq->user, row->county)) continue;
        strbuf_puts(&rp->body, n++ ? ",{\"rank\":" : "{\"rank\":");
        strbuf_printf(&rp->body, "%d", row->rank);
        web_json_num(&rp->body, "prev_rank", row->prev_rank > 0, row->prev_rank);
        web_json_num(&rp->body, "delta", row->prev_rank > 0, ranking_delta(row));
        web_json_str(&rp->body, "zone", row->zone);
        web_json_str(&rp->body, "zone_name", z ? z->name : row->zone);
        web_json_str(&rp->body, "county", row->county);
        web_json_str(&rp->body, "county_name", c ? c->name : row->county);
        web_json_num(&rp->body, "total", true, row->total);
        strbuf_puts(&rp->body, ",\"scores\":[");
        for (size_t d = 0; d < wp.rk.n_dims; d++) {
            if (d) strbuf_puts(&rp->body, ",");
            if (isfinite(row->dims[d]))
                strbuf_json_number(&rp->body, row->dims[d], WEB_JSON_DECIMALS);
            else
                strbuf_puts(&rp->body, "null");
        }
        strbuf_puts(&rp->body, "]");
        star_json(&rp->body, row->star);
        strbuf_puts(&rp->body, "}");
    }
    strbuf_puts(&rp->body, "],\"top10\":");
    zones_flagged(&rp->body, &wp, rq->user, false);
    strbuf_puts(&rp->body, ",\"fast10\":");
    zones_flagged(&rp->body, &wp, rq->user, true);
    strbuf_puts(&rp->body, "}");
out:
    web_period_free(&wp);
    sstore_close(&ss);
    rstore_close(&st);
    return 0;
}
