/* web_api_overview.c - /api/overview?period=P: the desk's first page — completeness per
 * county (yuebao status's counts), the totals (yuebao totals', with the bulletin's target
 * completion), the firing alerts, the latest arrivals and rejections. A county account
 * gets its own county's of each, and nothing of another's. */
#include <string.h>

#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "web_json.h"

#define RECENT_MAX 20
#define RECENT_SCAN 5000 /* events read to find a county's latest RECENT_MAX */

static void counties_json(strbuf_t *b, const master_t *m, const web_period_t *wp, const account_t *u) {
    size_t n = 0;
    strbuf_puts(b, ",\"counties\":[");
    for (size_t ci = 0; ci < m->n_counties; ci++) {
        const county_t *c = &m->counties[ci];
        unsigned zones = 0, reported = 0, late = 0;
        if (!web_may_see_county(u, c->code)) continue;
        for (size_t i = 0; i < m->n_zones; i++) {
            if (strcmp(m->zones[i].county, c->code)) continue;
            zones++;
            if (wp->v.zones[i].reported) {
                reported++;
                late += web_period_late(wp, i);
            }
        }
        strbuf_puts(b, n++ ? ",{\"county\":" : "{\"county\":");
        strbuf_json_string(b, c->code);
        web_json_str(b, "name", c->name);
        web_json_int(b, "zones", zones);
        web_json_int(b, "reported", reported);
        web_json_int(b, "late", late);
        web_json_int(b, "missing", zones - reported);
        strbuf_puts(b, "}");
    }
    strbuf_puts(b, "]");
}

static void alerts_json(strbuf_t *b, const master_t *m, sstore_t *ss, const account_t *u) {
    alert_list_t l = {0};
    size_t crit = 0, warn = 0, n = 0;
    if (ss && sstore_alerts_firing(ss, -1, 0, &l) < 0) alert_list_clear(&l);
    web_json_sort_alerts(&l);
    for (size_t i = 0; i < l.n; i++) {
        if (!web_may_see_county(u, l.items[i].county)) continue;
        crit += l.items[i].severity == SEV_CRITICAL;
        warn += l.items[i].severity == SEV_WARNING;
    }
    strbuf_printf(b, ",\"alerts\":{\"critical\":%zu,\"warning\":%zu,\"info\":0,\"firing\":[", crit, warn);
    for (size_t i = 0; i < l.n && n < RECENT_MAX; i++) {
        if (!web_may_see_county(u, l.items[i].county)) continue;
        if (n++) strbuf_puts(b, ",");
        web_json_alert(b, m, &l.items[i], NULL);
    }
    strbuf_puts(b, "]}");
    alert_list_clear(&l);
}

typedef struct {
    strbuf_t *b;
    const master_t *m;
    const account_t *u;
    int64_t deadline_ms;
    size_t n;
} recent_t;

static void on_arrival(const rstore_event_t *e, void *arg) {
    recent_t *r = arg;
    const zone_t *z = e->zone ? master_zone(r->m, e->zone) : NULL;
    if (r->n >= RECENT_MAX || !web_may_see_county(r->u, e->county)) return;
    strbuf_puts(r->b, r->n++ ? ",{\"at_ms\":" : "{\"at_ms\":");
    strbuf_printf(r->b, "%lld", (long long)e->at_ms);
    web_json_str(r->b, "zone", e->zone);
    web_json_str(r->b, "zone_name", z ? z->name : e->zone);
    web_json_str(r->b, "county", e->county);
    web_json_int(r->b, "revision", e->revision);
    web_json_bool(r->b, "late", e->at_ms >= r->deadline_ms);
    strbuf_puts(r->b, "}");
}

static void on_rejection(const rstore_event_t *e, void *arg) {
    recent_t *r = arg;
    const char *reasons = e->reasons ? e->reasons : "";
    const char *nl = strchr(reasons, '\n');
    char first[1024];
    if (r->n >= RECENT_MAX || !web_may_see_county(r->u, e->county)) return;
    snprintf(first, sizeof first, "%.*s", (int)(nl ? (size_t)(nl - reasons) : strlen(reasons)), reasons);
    strbuf_puts(r->b, r->n++ ? ",{\"at_ms\":" : "{\"at_ms\":");
    strbuf_printf(r->b, "%lld", (long long)e->at_ms);
    web_json_str(r->b, "zone", e->zone);
    web_json_str(r->b, "county", e->county);
    web_json_str(r->b, "reason", first);
    strbuf_puts(r->b, "}");
}

int web_api_overview(web_t *w, const web_request_t *rq, web_reply_t *rp) {
    const master_t *m = web_data_master(w->data);
    const account_t *u = rq->user;
    char period[PERIOD_STRLEN], err[1024];
    rstore_t *st = web_json_rstore(w, rp);
    sstore_t *ss = NULL;
    web_period_t wp;
    recent_t r;
    memset(&wp, 0, sizeof wp);
    if (!st) return 0;
    if (web_json_period(w, rq, st, rp, period) < 0) goto out;
    if (!(ss = web_data_sstore(w->data, err, sizeof err))) log_warn(_("web: %s"), err);
    if (web_period_load(w->data, st, ss, period, &wp) < 0) {
        web_reply_error(rp, 500, _("the report store cannot be read"));
        goto out;
    }
    web_json_begin(rp);
    strbuf_puts(&rp->body, "{\"period\":");
    strbuf_json_string(&rp->body, wp.period);
    web_json_str(&rp->body, "state", web_state_name(wp.state));
    web_json_int(&rp->body, "deadline_ms", wp.deadline_ms);
    web_json_int(&rp->body, "now_ms", clock_now_ms());
    counties_json(&rp->body, m, &wp, u);
    strbuf_puts(&rp->body, ",\"totals\":");
    web_json_totals(&rp->body, m, &wp, u->role == ACCOUNT_COUNTY ? u->county : NULL);
    alerts_json(&rp->body, m, ss, u);
    r = (recent_t){&rp->body, m, u, wp.deadline_ms, 0};
    strbuf_puts(&rp->body, ",\"arrivals\":[");
    if (rstore_recent(st, false, wp.period, RECENT_SCAN, on_arrival, &r) < 0) goto fail;
    r.n = 0;
    strbuf_puts(&rp->body, "],\"rejections\":[");
    if (rstore_recent(st, true, wp.period, RECENT_SCAN, on_rejection, &r) < 0) goto fail;
    strbuf_puts(&rp->body, "]}");
    goto out;
fail:
    web_reply_error(rp, 500, _("the report store cannot be read"));
out:
    web_period_free(&wp);
    sstore_close(&ss);
    rstore_close(&st);
    return 0;
}
