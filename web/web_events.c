/* web_events.c - the publishers' updates as the viewers' live events (web_live.h), and
 * the coalescing of one drain's events.
 *
 * Pure: a msg_t in, a type, a county and one line of JSON out. What the publishers send
 * is written by programs we run, but its strings came from the counties (a rejected
 * report's claimed zone, an alert's message echoing a zone's name), so every string goes
 * through strbuf_json_string, which also keeps a page that embeds the text safe.
 *
 * The workload: a burst is many reports in a few seconds, each committed with its
 * county's and the city's totals (three updates, one each). The batch keeps the reports
 * and collapses the totals; the linear search is over one drain (clone_poll hands at
 * most 1000 messages), where a hash would cost more than it saves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_live.h"

#include "approval.h"
#include "period.h"

/* The web's words for a period's state (SPEC-web /api/periods): never moved is open. */
static const char *state_word(pstate_t s) {
    switch (s) {
    case PSTATE_NONE:
    case PSTATE_OPEN: return "preliminary";
    case PSTATE_APPROVED: return "approved";
    case PSTATE_PUBLISHED: return "published";
    }
    return NULL;
}

static const char *transition_word(transition_t t) {
    switch (t) {
    case TR_FIRING: return "fired";
    case TR_ESCALATED: return "escalated";
    case TR_DEESCALATED: return "eased";
    case TR_RESOLVED: return "resolved";
    case TR_NONE:
    case TR_ACTIVE: break;
    }
    return NULL;
}

/* `"key":` then the string s (NULL: null), with a comma before unless first. */
static void field_str(strbuf_t *b, const char *key, const char *s) {
    strbuf_puts(b, b->len > 1 ? "," : "");
    strbuf_json_string(b, key);
    strbuf_puts(b, ":");
    strbuf_json_string(b, s);
}

static void field_num(strbuf_t *b, const char *key, double x) {
    strbuf_puts(b, b->len > 1 ? "," : "");
    strbuf_json_string(b, key);
    strbuf_puts(b, ":");
    strbuf_json_number(b, x, 0);
}

static void field_raw(strbuf_t *b, const char *key, const char *literal) {
    strbuf_puts(b, b->len > 1 ? "," : "");
    strbuf_json_string(b, key);
    strbuf_puts(b, ":");
    strbuf_puts(b, literal);
}

static void begin(web_event_buf_t *out, const char *type, const char *county, const char *period) {
    snprintf(out->type, sizeof out->type, "%s", type);
    snprintf(out->county, sizeof out->county, "%s", county ? county : "");
    snprintf(out->period, sizeof out->period, "%s", period ? period : "");
    strbuf_reset(&out->json);
    strbuf_puts(&out->json, "{");
}

/* True when at_ms is at or after period's deadline; false for a period that does not
 * parse (the aggregator took it, so it does; the event says what it can). */
static bool late(const char *period, int64_t at_ms, int deadline_day) {
    period_t p;
    if (period_parse(period, &p) < 0) return false;
    return at_ms >= period_deadline_ms(p, deadline_day);
}

static void report_event(const event_accepted_t *e, int deadline_day, web_event_buf_t *out) {
    begin(out, "report", e->county, e->period);
    field_str(&out->json, "period", e->period);
    field_str(&out->json, "county", e->county);
    field_str(&out->json, "zone", e->zone);
    field_num(&out->json, "revision", e->revision);
    field_raw(&out->json, "late", late(e->period, e->stored_at_ms, deadline_day) ? "true" : "false");
    field_num(&out->json, "at_ms", (double)e->stored_at_ms);
}

static void rejected_event(const event_rejected_t *e, web_event_buf_t *out) {
    begin(out, "rejected", e->county, e->period);
    field_str(&out->json, "period", e->period);
    field_str(&out->json, "county", e->county);
    field_str(&out->json, "zone", e->zone);
    field_num(&out->json, "at_ms", (double)e->received_at_ms);
}

static void totals_event(const scope_totals_t *t, web_event_buf_t *out) {
    begin(out, "totals", t->scope, t->period);
    field_str(&out->json, "period", t->period);
    field_str(&out->json, "county", t->scope[0] ? t->scope : NULL);
}

static void ranking_event(const ranking_t *r, web_event_buf_t *out) {
    begin(out, "ranking", "", r->period);
    field_str(&out->json, "period", r->period);
    if (r->version)
        field_num(&out->json, "version", r->version);
    else
        field_raw(&out->json, "version", "null");
    field_str(&out->json, "state", r->state == PSTATE_NONE ? NULL : state_word(r->state));
}

static void alert_event(const alert_t *a, const char *transition, web_event_buf_t *out) {
    char key[ALERT_KEY_LEN];
    severity_t sev = a->transition == TR_RESOLVED ? a->previous : a->severity;
    alert_key(a, key);
    begin(out, "alert", a->county, a->period);
    field_str(&out->json, "key", key);
    field_str(&out->json, "zone", a->zone);
    field_str(&out->json, "county", a->county);
    field_str(&out->json, "kind", alert_kind_name(a->kind));
    field_str(&out->json, "severity", severity_name(sev));
    field_str(&out->json, "transition", transition);
    field_str(&out->json, "message", a->message);
}

static void state_event(const period_state_t *s, web_event_buf_t *out) {
    begin(out, "state", s->county, s->period);
    field_str(&out->json, "period", s->period);
    field_str(&out->json, "county", s->county[0] ? s->county : NULL);
    field_str(&out->json, "state", state_word(s->state));
}

int web_event_translate(const msg_t *m, int deadline_day, web_event_buf_t *out) {
    switch (m->kind) {
    case MSG_REPORT_ACCEPTED: report_event(&m->accepted, deadline_day, out); break;
    case MSG_REPORT_REJECTED: rejected_event(&m->rejected, out); break;
    case MSG_TOTALS: totals_event(&m->totals, out); break;
    case MSG_RANKING:
        if (m->ranking_first != 0) return 0; /* one ranking, one event: its first chunk */
        ranking_event(&m->ranking, out);
        break;
    case MSG_ALERT: {
        const char *t = transition_word(m->alert.transition);
        if (!t) return 0;
        alert_event(&m->alert, t, out);
        break;
    }
    case MSG_PERIOD_STATE:
        if (!state_word(m->period_state.state)) return 0;
        state_event(&m->period_state, out);
        break;
    default: return 0;
    }
    strbuf_puts(&out->json, "}");
    return 1;
}

void web_event_buf_free(web_event_buf_t *e) {
    strbuf_free(&e->json);
    e->type[0] = e->county[0] = e->period[0] = '\0';
}

/* ---- one drain ------------------------------------------------------------------------ */

void web_batch_init(web_batch_t *b, int deadline_day) {
    memset(b, 0, sizeof *b);
    b->deadline_day = deadline_day;
}

static bool is_totals(const web_event_buf_t *e) {
    return !strcmp(e->type, "totals");
}

/* The batch's totals event of (period, county), or NULL. */
static const web_event_buf_t *find_totals(const web_batch_t *b, const char *period, const char *county) {
    for (size_t i = 0; i < b->n; i++)
        if (is_totals(&b->v[i]) && !strcmp(b->v[i].period, period) && !strcmp(b->v[i].county, county))
            return &b->v[i];
    return NULL;
}

/* True when the batch has a county's totals event of period. */
static bool county_totals(const web_batch_t *b, const char *period) {
    for (size_t i = 0; i < b->n; i++)
        if (is_totals(&b->v[i]) && b->v[i].county[0] && !strcmp(b->v[i].period, period)) return true;
    return false;
}

/* The batch's report events about county. */
static size_t reports_of(const web_batch_t *b, const char *county) {
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        if (!strcmp(b->v[i].type, "report") && !strcmp(b->v[i].county, county)) n++;
    return n;
}

int web_batch_add(web_batch_t *b, const msg_t *m, bool in_snapshot) {
    web_event_buf_t *e;
    if (in_snapshot) return 0;
    if (m->kind == MSG_TOTALS && find_totals(b, m->totals.period, m->totals.scope)) return 0;
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        web_event_buf_t *nv = realloc(b->v, cap * sizeof *nv);
        if (!nv) abort(); /* as strbuf: a daemon out of memory is restarted */
        memset(nv + b->cap, 0, (cap - b->cap) * sizeof *nv);
        b->v = nv;
        b->cap = cap;
    }
    e = &b->v[b->n];
    if (!web_event_translate(m, b->deadline_day, e)) return 0;
    /* a burst (a county's whole month in one group commit) names its first reports; the
     * county's totals event of the same commits makes the pages re-read the rest */
    if (!strcmp(e->type, "report") && reports_of(b, e->county) >= WEB_BATCH_REPORTS) return 0;
    b->n++;
    return 1;
}

size_t web_batch_flush(web_batch_t *b, web_event_sink_fn sink, void *arg) {
    size_t handed = 0;
    for (size_t i = 0; i < b->n; i++) {
        const web_event_buf_t *e = &b->v[i];
        web_event_t ev = {e->type, e->county, e->json.data};
        if (is_totals(e) && !e->county[0] && county_totals(b, e->period)) continue;
        sink(&ev, arg);
        handed++;
    }
    for (size_t i = 0; i < b->n; i++)
        strbuf_reset(&b->v[i].json);
    b->n = 0;
    return handed;
}

void web_batch_free(web_batch_t *b) {
    for (size_t i = 0; i < b->cap; i++)
        web_event_buf_free(&b->v[i]);
    free(b->v);
    b->v = NULL;
    b->n = b->cap = 0;
}

const web_event_t *web_event_resync(void) {
    static const web_event_t resync = {"resync", "", "{}"};
    return &resync;
}
