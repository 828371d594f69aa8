/* web_api_zone.c - /api/zone/Z?period=P: one zone — each indicator's months of the year
 * with its target and pace, its revisions (not for a viewer), key projects and
 * enterprises, the county's words, and its firing alerts. 404 for a zone master data does
 * not list, 403 for a county account asking for another county's zone.
 *
 * "pace" of a month is its year-to-date amount as a share of the year's target amount, in
 * per cent (null without a target): the chart's line against the expected share. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "i18n.h"
#include "log.h"
#include "web_json.h"

typedef struct {
    char period[PERIOD_STRLEN];
    report_t r;
    bool found;
} month_t;

#define MAX_HISTORY 20  /* an alert's newest transitions shown */

typedef struct {
    strbuf_t *b;
    size_t *n;
} hist_t;

/* One recorded transition of an alert: {"at_ms","transition","severity","previous"}. */
static void on_history(int64_t at_ms, const char *transition, const char *severity, const char *previous,
                       const char *message, void *arg) {
    hist_t *h = arg;
    /* the live events' words for the stored names (web_live.h) */
    const char *word = !strcmp(transition, "firing") ? "fired" : !strcmp(transition, "deescalated") ? "eased" : transition;
    (void)message;
    strbuf_puts(h->b, (*h->n)++ ? ",{\"at_ms\":" : "{\"at_ms\":");
    strbuf_printf(h->b, "%lld", (long long)at_ms);
    web_json_str(h->b, "transition", word);
    web_json_str(h->b, "severity", severity);
    web_json_str(h->b, "previous", previous);
    strbuf_puts(h->b, "}");
}

#define MAX_REVISIONS 64 /* the newest shown; a zone's month is rarely revised thrice */

typedef struct {
    uint32_t revision;
    char sender[64];
    int64_t at_ms;
} rev_t;

typedef struct {
    rev_t v[MAX_REVISIONS];
    size_t n, dropped;
} revs_t;

static void on_revision(uint32_t revision, const char *county, const char *sender, int64_t at_ms, void *arg) {
    revs_t *r = arg;
    (void)county;
    if (r->n == MAX_REVISIONS) { /* keep the newest: shift the oldest out */
        memmove(r->v, r->v + 1, (MAX_REVISIONS - 1) * sizeof r->v[0]);
        r->n--;
        r->dropped++;
    }
    r->v[r->n].revision = revision;
    snprintf(r->v[r->n].sender, sizeof r->v[r->n].sender, "%s", sender ? sender : "");
    r->v[r->n].at_ms = at_ms;
    r->n++;
}

/* Revision rev of (zone, period) as stored: 1, 0 (not stored), -1 (unreadable). */
static int load_revision(rstore_t *st, const char *zone, const char *period, uint32_t rev, report_t *out) {
    uint8_t *content = NULL;
    size_t len = 0;
    char err[256];
    int found = rstore_revision_content(st, zone, period, rev, &content, &len, NULL);
    if (found == 1 && codec_report_from_content(content, len, out, err, sizeof err) < 0) found = -1;
    free(content);
    return found;
}

static const report_value_t *value_of(const report_t *r, const char *indicator) {
    for (size_t i = 0; r && i < r->n_values; i++)
        if (strcmp(r->values[i].indicator, indicator) == 0) return &r->values[i];
    return NULL;
}

/* What revision `now` changed against `before`: each indicator whose amount differs, is
 * new or is gone, as {"indicator","from","to"}. */
static void changes_json(strbuf_t *b, const report_t *before, const report_t *now) {
    size_t n = 0;
    strbuf_puts(b, ",\"changes\":[");
    for (size_t i = 0; i < now->n_values; i++) {
        const report_value_t *v = &now->values[i], *old = value_of(before, v->indicator);
        if (old && old->amount == v->amount) continue;
        strbuf_puts(b, n++ ? ",{\"indicator\":" : "{\"indicator\":");
        strbuf_json_string(b, v->indicator);
        strbuf_puts(b, ",\"from\":");
        if (old) strbuf_json_number(b, old->amount, 6);
        else strbuf_puts(b, "null");
        strbuf_puts(b, ",\"to\":");
        strbuf_json_number(b, v->amount, 6);
        strbuf_puts(b, "}");
    }
    for (size_t i = 0; before && i < before->n_values; i++) {
        if (value_of(now, before->values[i].indicator)) continue;
        strbuf_puts(b, n++ ? ",{\"indicator\":" : "{\"indicator\":");
        strbuf_json_string(b, before->values[i].indicator);
        strbuf_puts(b, ",\"from\":");
        strbuf_json_number(b, before->values[i].amount, 6);
        strbuf_puts(b, ",\"to\":null}");
    }
    strbuf_puts(b, "]");
}

/* The revisions, newest first, each with what it changed against the one before. -1
 * when a stored revision cannot be read. */
static int revisions_json(strbuf_t *b, rstore_t *st, const char *zone, const char *period, const revs_t *r,
                          int64_t deadline_ms) {
    for (size_t k = r->n; k-- > 0;) {
        const rev_t *v = &r->v[k];
        report_t now, before;
        int has_before = 0;
        memset(&before, 0, sizeof before);
        if (load_revision(st, zone, period, v->revision, &now) != 1) return -1;
        if (v->revision > 1 && (has_before = load_revision(st, zone, period, v->revision - 1, &before)) < 0) {
            report_clear(&now);
            return -1;
        }
        strbuf_puts(b, k + 1 < r->n ? ",{\"period\":" : "{\"period\":");
        strbuf_json_string(b, period);
        strbuf_printf(b, ",\"revision\":%u", v->revision);
        web_json_int(b, "at_ms", v->at_ms);
        web_json_str(b, "sender", v->sender);
        web_json_bool(b, "late", v->at_ms >= deadline_ms);
        if (v->revision > 1 && has_before) changes_json(b, &before, &now);
        else strbuf_puts(b, ",\"changes\":[]");
        strbuf_puts(b, "}");
        report_clear(&now);
        report_clear(&before);
    }
    return 0;
}

static void indicators_json(strbuf_t *b, const master_t *m, const rules_t *rules, const zone_t *z, period_t p,
                            const month_t *months, size_t n_months) {
    const target_year_t *ty = rules ? rules_targets(rules, p.year) : NULL;
    const report_t *cur = n_months && months[n_months - 1].found ? &months[n_months - 1].r : NULL;
    strbuf_puts(b, ",\"indicators\":[");
    for (size_t i = 0; i < m->n_indicators; i++) {
        const indicator_t *ind = &m->indicators[i];
        const target_t *tg = ty ? rules_target(ty, z->code, (int)i) : NULL;
        const report_value_t *rv = cur ? report_find(cur, ind->code) : NULL;
        bool has_t = tg && tg->has_amount && tg->amount != 0;
        strbuf_puts(b, i ? ",{\"indicator\":" : "{\"indicator\":");
        strbuf_json_string(b, ind->code);
        web_json_str(b, "name", ind->name_zh);
        web_json_str(b, "unit", ind->unit);
        web_json_num(b, "target", has_t, has_t ? tg->amount : 0);
        web_json_num(b, "target_growth_pct", tg && tg->has_growth, tg ? tg->growth_pct : 0);
        web_json_num(b, "growth_pct", rv && rv->has_growth, rv ? rv->growth_pct : 0);
        strbuf_puts(b, ",\"months\":[");
        for (size_t k = 0; k < n_months; k++) {
            const report_value_t *mv = months[k].found ? report_find(&months[k].r, ind->code) : NULL;
            strbuf_puts(b, k ? ",{\"period\":" : "{\"period\":");
            strbuf_json_string(b, months[k].period);
            web_json_num(b, "ytd", mv != NULL, mv ? mv->amount : 0);
            web_json_num(b, "pace", mv && has_t, mv && has_t ? mv->amount / tg->amount * 100.0 : 0);
            strbuf_puts(b, "}");
        }
        strbuf_puts(b, "]}");
    }
    strbuf_puts(b, "]");
}

static void projects_json(strbuf_t *b, const report_t *r) {
    strbuf_puts(b, ",\"projects\":[");
    for (size_t i = 0; i < r->n_projects; i++) {
        const report_project_t *p = &r->projects[i];
        strbuf_puts(b, i ? ",{\"code\":" : "{\"code\":");
        strbuf_json_string(b, p->code);
        web_json_str(b, "name", p->name);
        web_json_num(b, "total_investment", p->has_total, p->total_investment);
        web_json_num(b, "ytd_investment", p->has_ytd, p->ytd_investment);
        web_json_str(b, "status", p->status);
        strbuf_puts(b, "}");
    }
    strbuf_puts(b, "]");
}

static void enterprises_json(strbuf_t *b, const report_t *r) {
    strbuf_puts(b, ",\"enterprises\":[");
    for (size_t i = 0; i < r->n_enterprises; i++) {
        const enterprise_t *e = &r->enterprises[i];
        strbuf_puts(b, i ? ",{\"code\":" : "{\"code\":");
        strbuf_json_string(b, e->code);
        web_json_str(b, "name", e->name);
        web_json_str(b, "industry", e->industry);
        web_json_num(b, "output_value", e->has_output, e->output_value);
        web_json_num(b, "output_growth_pct", e->has_output_growth, e->output_growth_pct);
        web_json_num(b, "revenue", e->has_revenue, e->revenue);
        web_json_num(b, "revenue_growth_pct", e->has_revenue_growth, e->revenue_growth_pct);
        web_json_str(b, "status", e->status);
        web_json_str(b, "remark", e->remark);
        strbuf_puts(b, "}");
    }
    strbuf_puts(b, "]");
}

/* Loads the zone's report of every period of p's year up to p (January skipped when it
 * is merged into 1-2月). Returns how many months, or -1 on a store error. */
static int load_months(rstore_t *st, const master_t *m, const char *zone, period_t p, month_t *months) {
    int n = 0;
    for (int mo = m->policy.merge_jan_feb ? 2 : 1; mo <= p.month; mo++) {
        period_t q = {p.year, mo};
        int found;
        period_format(q, months[n].period);
        found = rstore_load_report(st, zone, months[n].period, &months[n].r);
        if (found < 0) return -1;
        months[n++].found = found > 0;
    }
    return n;
}

int web_api_zone(web_t *w, const web_request_t *rq, web_reply_t *rp) {
    const master_t *m = web_data_master(w->data);
    const char *county = rq->param ? web_zone_county(w, rq->param) : NULL;
    const zone_t *z;
    const county_t *c;
    char period[PERIOD_STRLEN], err[1024];
    month_t months[12];
    report_t words;
    period_t p;
    rstore_t *st;
    sstore_t *ss = NULL;
    alert_list_t al = {0};
    int n_months = 0;
    uint32_t revision = 0;
    if (!county) {
        web_reply_error(rp, 404, _("no such zone"));
        return 0;
    }
    if (!web_may_see_county(rq->user, county)) {
        web_reply_error(rp, 403, _("this account may not see that zone"));
        return 0;
    }
    z = master_zone(m, rq->param);
    c = master_county(m, county);
    memset(months, 0, sizeof months);
    memset(&words, 0, sizeof words);
    if (!(st = web_json_rstore(w, rp))) return 0;
    if (web_json_period(w, rq, st, rp, period) < 0) goto out;
    period_parse(period, &p);
    if (rstore_read_begin(st) < 0 || (n_months = load_months(st, m, z->code, p, months)) < 0 ||
        rstore_load_projects_texts(st, z->code, period, &words) < 0 ||
        rstore_current_revision(st, z->code, period, &revision) < 0 ||
        (revision && rstore_revision_enterprises(st, z->code, period, revision, &words) < 0)) {
        rstore_read_end(st);
        web_reply_error(rp, 500, _("the report store cannot be read"));
        goto out;
    }
    if (!(ss = web_data_sstore(w->data, err, sizeof err)) || sstore_alerts_firing_of(ss, z->code, -1, 0, &al) < 0)
        log_warn(_("web: the alerts of %s cannot be read: %s"), z->code, ss ? "see above" : err);
    web_json_sort_alerts(&al);
    web_json_begin(rp);
    strbuf_puts(&rp->body, "{\"zone\":");
    strbuf_json_string(&rp->body, z->code);
    web_json_str(&rp->body, "name", z->name);
    web_json_str(&rp->body, "county", county);
    web_json_str(&rp->body, "county_name", c ? c->name : county);
    web_json_str(&rp->body, "period", period);
    indicators_json(&rp->body, m, web_data_rules(w->data), z, p, months, (size_t)n_months);
    strbuf_puts(&rp->body, ",\"revisions\":[");
    if (web_may_see_revisions(rq->user)) {
        revs_t r = {0};
        if (rstore_each_revision_of(st, z->code, period, on_revision, &r) < 0 ||
            revisions_json(&rp->body, st, z->code, period, &r, period_deadline_ms(p, m->policy.deadline_day)) < 0) {
            rstore_read_end(st);
            web_reply_error(rp, 500, _("the report store cannot be read"));
            goto out;
        }
        strbuf_puts(&rp->body, "]");
    } else {
        strbuf_puts(&rp->body, "],\"revisions_hidden\":true");
    }
    rstore_read_end(st);
    projects_json(&rp->body, &words);
    enterprises_json(&rp->body, &words);
    web_json_str(&rp->body, "problems", words.problems);
    web_json_str(&rp->body, "measures", words.next_steps);
    strbuf_puts(&rp->body, ",\"alerts\":[");
    for (size_t i = 0; i < al.n; i++) {
        char key[ALERT_KEY_LEN];
        strbuf_t h = STRBUF_INIT;
        size_t n = 0;
        hist_t hs = {&h, &n};
        alert_key(&al.items[i], key);
        strbuf_puts(&h, "[");
        if (sstore_alert_history(ss, key, MAX_HISTORY, on_history, &hs) < 0) {
            strbuf_free(&h);
            web_reply_error(rp, 500, _("the score store cannot be read"));
            goto out;
        }
        strbuf_puts(&h, "]");
        if (i) strbuf_puts(&rp->body, ",");
        web_json_alert(&rp->body, m, &al.items[i], h.data);
        strbuf_free(&h);
    }
    strbuf_puts(&rp->body, "]}");
out:
    for (size_t i = 0; i < 12; i++)
        report_clear(&months[i].r);
    report_clear(&words);
    alert_list_clear(&al);
    sstore_close(&ss);
    rstore_close(&st);
    return 0;
}
