/* web_json.c - the JSON pieces the replies share (web_json.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "web_json.h"

void web_json_str(strbuf_t *b, const char *key, const char *s) {
    strbuf_puts(b, ",");
    strbuf_json_string(b, key);
    strbuf_puts(b, ":");
    strbuf_json_string(b, s);
}

void web_json_num(strbuf_t *b, const char *key, bool has, double x) {
    strbuf_puts(b, ",");
    strbuf_json_string(b, key);
    strbuf_puts(b, ":");
    if (has && isfinite(x))
        strbuf_json_number(b, x, WEB_JSON_DECIMALS);
    else
        strbuf_puts(b, "null");
}

void web_json_int(strbuf_t *b, const char *key, int64_t n) {
    strbuf_puts(b, ",");
    strbuf_json_string(b, key);
    strbuf_printf(b, ":%lld", (long long)n);
}

void web_json_bool(strbuf_t *b, const char *key, bool v) {
    strbuf_puts(b, ",");
    strbuf_json_string(b, key);
    strbuf_puts(b, v ? ":true" : ":false");
}

void web_json_alert(strbuf_t *b, const master_t *m, const alert_t *a, const char *history) {
    char key[ALERT_KEY_LEN];
    const zone_t *z = master_zone(m, a->zone);
    alert_key(a, key);
    strbuf_puts(b, "{\"key\":");
    strbuf_json_string(b, key);
    web_json_str(b, "zone", a->zone);
    web_json_str(b, "zone_name", z ? z->name : a->zone);
    web_json_str(b, "county", a->county);
    web_json_str(b, "kind", alert_kind_name(a->kind));
    web_json_str(b, "severity", a->severity == SEV_CRITICAL ? "critical" : a->severity == SEV_WARNING ? "warning"
                                                                                                       : "info");
    web_json_str(b, "message", a->message);
    web_json_int(b, "since_ms", a->since_ms);
    web_json_str(b, "period", a->period[0] ? a->period : NULL);
    if (history) {
        strbuf_puts(b, ",\"history\":");
        strbuf_puts(b, history);
    }
    strbuf_puts(b, "}");
}

/* The index of indicator i among the bulletin's main indicators, or -1. */
static int main_index(const bulletin_t *bl, int i) {
    for (size_t k = 0; k < bl->n_indicators; k++)
        if (bl->indicators[k] == i) return (int)k;
    return -1;
}

/* Target and completion of main indicator k over the zone rows of county, as the
 * bulletin's total row computes the city's: the amounts of the zones that reported and
 * have a target against the sum of those targets. */
static bool county_completion(const bulletin_t *bl, size_t k, const char *county, double *target,
                              double *completion) {
    double done = 0, sum = 0;
    size_t n = 0;
    for (size_t r = 0; r < bl->n_rows; r++) {
        const bulletin_row_t *row = &bl->rows[r];
        const bulletin_cell_t *c;
        if (row->is_total || strcmp(row->zone->county, county)) continue;
        c = &row->cells[k];
        if (!c->has_amount || !c->has_target) continue;
        done += c->amount;
        sum += c->target;
        n++;
    }
    if (!n || sum == 0) return false;
    *target = sum;
    *completion = done / sum * 100.0;
    return true;
}

void web_json_totals(strbuf_t *b, const master_t *m, const web_period_t *wp, const char *county) {
    bool city = !county || !county[0];
    size_t scope = values_scope(m, county);
    const bulletin_row_t *total = wp->b.n_rows ? &wp->b.rows[wp->b.n_rows - 1] : NULL;
    strbuf_puts(b, "[");
    for (size_t i = 0; i < m->n_indicators; i++) {
        const indicator_t *ind = &m->indicators[i];
        const aggregate_t *a = scope == SIZE_MAX ? NULL : values_total(&wp->t, scope, i);
        bool has = a && a->n > 0, has_g = false, has_t = false;
        double amount = 0, g = 0, target = 0, completion = 0;
        int k = main_index(&wp->b, (int)i);
        if (has) amount = ind->kind == KIND_RATIO ? aggregate_mean(a) : a->sum;
        if (has && ind->kind != KIND_RATIO) has_g = aggregate_growth(a, &g);
        if (k >= 0 && city && total && total->is_total && total->cells[k].has_target) {
            has_t = true;
            target = total->cells[k].target;
            completion = total->cells[k].completion_pct;
        } else if (k >= 0 && !city) {
            has_t = county_completion(&wp->b, (size_t)k, county, &target, &completion);
        }
        strbuf_puts(b, i ? ",{\"indicator\":" : "{\"indicator\":");
        strbuf_json_string(b, ind->code);
        web_json_str(b, "name", ind->name_zh);
        web_json_str(b, "unit", ind->unit);
        web_json_num(b, "amount", has, amount);
        web_json_num(b, "growth_pct", has_g, g);
        web_json_num(b, "target", has_t, target);
        web_json_num(b, "completion_pct", has_t && has, completion);
        strbuf_puts(b, "}");
    }
    strbuf_puts(b, "]");
}

int web_json_period(web_t *w, const web_request_t *rq, rstore_t *st, web_reply_t *rp, char out[PERIOD_STRLEN]) {
    const char *arg = web_arg(rq, "period");
    period_t p;
    if (!arg || !*arg) {
        if (web_data_current_period(w->data, st, clock_now_ms(), out) < 0) {
            web_reply_error(rp, 500, _("the report store cannot be read"));
            return -1;
        }
        return 0;
    }
    /* YYYY-MM exactly: a URL is written by the pages, not typed */
    if (strlen(arg) != 7 || arg[4] != '-' || period_parse(arg, &p) < 0) {
        web_reply_error(rp, 400, _("not a period: write YYYY-MM, e.g. 2017-06"));
        return -1;
    }
    period_format(p, out);
    return 0;
}

rstore_t *web_json_rstore(web_t *w, web_reply_t *rp) {
    char err[1024];
    rstore_t *st = web_data_rstore(w->data, err, sizeof err);
    if (!st) {
        log_error(_("web: %s"), err);
        web_reply_error(rp, 500, _("the report store cannot be read"));
    }
    return st;
}

void web_json_begin(web_reply_t *rp) {
    rp->status = 200;
    rp->content_type = "application/json; charset=utf-8";
    rp->no_store = true;
    strbuf_reset(&rp->body);
}

static int by_severity(const void *pa, const void *pb) {
    const alert_t *a = pa, *b = pb;
    char ka[ALERT_KEY_LEN], kb[ALERT_KEY_LEN];
    if (a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
    if (a->since_ms != b->since_ms) return a->since_ms < b->since_ms ? -1 : 1;
    alert_key(a, ka);
    alert_key(b, kb);
    return strcmp(ka, kb);
}

void web_json_sort_alerts(alert_list_t *l) {
    if (l->n > 1) qsort(l->items, l->n, sizeof *l->items, by_severity);
}
