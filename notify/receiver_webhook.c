/* receiver_webhook.c - a generic webhook with Alertmanager's JSON (version "4"), so a
 * tool that takes Alertmanager's webhooks takes yuebao's unchanged.
 *
 * The body, byte for byte in the order Alertmanager's Go structs write it (maps with
 * their keys sorted, as encoding/json does):
 *   {"receiver":…,"status":"firing"|"resolved","alerts":[{"status":…,"labels":{…},
 *    "annotations":{…},"startsAt":RFC3339,"endsAt":RFC3339 (firing: Go's zero time),
 *    "generatorURL":…,"fingerprint":…},…],"groupLabels":{…},"commonLabels":{…},
 *    "commonAnnotations":{…},"externalURL":…,"version":"4","groupKey":…,
 *    "truncatedAlerts":N}
 * Labels: alertname (the kind: pace, growth, level, overdue), county, indicator (not for
 * overdue), period, severity (warning, critical; a resolved alert keeps the one it had),
 * zone. Annotations: county_name, deadline, expected, gap, summary (the scorer's line),
 * target, value, zone_name, those that apply. A 2xx answer is delivered, whatever the
 * body says.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "receiver_internal.h"
#include "text.h"

#define MAX_PAIRS 12

typedef struct {
    const char *key;
    char value[400];
} pair_t;

typedef struct {
    pair_t p[MAX_PAIRS];
    size_t n;
} pairs_t;

/* Appends key=value, cleaned of control characters and bad UTF-8 (JSON consumers choke
 * on those), keeping the keys in the order given (callers give them sorted). */
static void put(pairs_t *ps, const char *key, const char *value) {
    tbuf_t b = {0};
    if (ps->n == MAX_PAIRS || !value || !*value) return;
    tpl_escape(&b, value, TPL_TEXT);
    ps->p[ps->n].key = key;
    snprintf(ps->p[ps->n].value, sizeof ps->p[ps->n].value, "%s", tbuf_str(&b));
    text_truncate_utf8(ps->p[ps->n].value);
    ps->n++;
    tbuf_free(&b);
}

static void put_num(pairs_t *ps, const char *key, double v) {
    char s[32];
    if (!isfinite(v)) return;
    snprintf(s, sizeof s, "%.10g", v);
    put(ps, key, s);
}

static severity_t reported_severity(const notice_alert_t *a) {
    return a->alert.severity == SEV_NONE ? a->alert.previous : a->alert.severity;
}

static void labels_of(const notice_alert_t *a, pairs_t *ps) {
    ps->n = 0;
    put(ps, "alertname", alert_kind_name(a->alert.kind));
    put(ps, "county", a->alert.county);
    put(ps, "indicator", a->alert.indicator);
    put(ps, "period", a->alert.period);
    put(ps, "severity", severity_name(reported_severity(a)));
    put(ps, "zone", a->alert.zone);
}

static void annotations_of(const notice_alert_t *a, pairs_t *ps) {
    char t[40];
    ps->n = 0;
    put(ps, "county_name", a->county_name);
    if (a->alert.deadline_ms) {
        tpl_rfc3339(a->alert.deadline_ms, t);
        put(ps, "deadline", t);
    }
    put_num(ps, "expected", a->alert.expected);
    put_num(ps, "gap", a->alert.gap);
    put(ps, "summary", a->alert.message);
    put_num(ps, "target", a->alert.target);
    put_num(ps, "value", a->alert.value);
    put(ps, "zone_name", a->zone_name);
}

static void put_object(tbuf_t *out, const pairs_t *ps) {
    tbuf_add(out, "{");
    for (size_t i = 0; i < ps->n; i++) {
        if (i) tbuf_add(out, ",");
        tbuf_json(out, ps->p[i].key);
        tbuf_add(out, ":");
        tbuf_json(out, ps->p[i].value);
    }
    tbuf_add(out, "}");
}

/* The pairs of ps that every alert [0, n) has alike (of) too. */
static void common(const notice_t *nt, size_t n, void (*of)(const notice_alert_t *, pairs_t *),
                   pairs_t *out) {
    pairs_t other;
    out->n = 0;
    if (n == 0) return;
    of(&nt->alerts[0], out);
    for (size_t i = 1; i < n; i++) {
        size_t kept = 0;
        of(&nt->alerts[i], &other);
        for (size_t k = 0; k < out->n; k++) {
            bool same = false;
            for (size_t j = 0; j < other.n; j++)
                same = same || (strcmp(other.p[j].key, out->p[k].key) == 0 &&
                                strcmp(other.p[j].value, out->p[k].value) == 0);
            if (same) out->p[kept++] = out->p[k];
        }
        out->n = kept;
    }
}

/* Sorts the group labels by key (insertion sort of at most 8). */
static void group_labels(const notice_t *nt, pairs_t *ps) {
    ps->n = 0;
    for (size_t i = 0; i < nt->n_labels && i < 8; i++)
        put(ps, nt->group_labels[i][0], nt->group_labels[i][1]);
    for (size_t i = 1; i < ps->n; i++)
        for (size_t j = i; j > 0 && strcmp(ps->p[j - 1].key, ps->p[j].key) > 0; j--) {
            pair_t t = ps->p[j];
            ps->p[j] = ps->p[j - 1];
            ps->p[j - 1] = t;
        }
}

int webhook_payload(const receiver_t *r, const notice_t *nt, tbuf_t *out) {
    size_t n = r->max_alerts && nt->n_alerts > r->max_alerts ? r->max_alerts : nt->n_alerts;
    bool firing = false;
    pairs_t ps;
    char t[40];
    const char *url = nt->external_url ? nt->external_url : "";
    for (size_t i = 0; i < nt->n_alerts; i++)
        firing = firing || nt->alerts[i].status == NOTICE_FIRING;
    tbuf_add(out, "{\"receiver\":");
    tbuf_json(out, nt->receiver ? nt->receiver : r->name);
    tbuf_printf(out, ",\"status\":\"%s\",\"alerts\":[", firing ? "firing" : "resolved");
    for (size_t i = 0; i < n; i++) {
        const notice_alert_t *a = &nt->alerts[i];
        tbuf_printf(out, "%s{\"status\":\"%s\",\"labels\":", i ? "," : "",
                    a->status == NOTICE_FIRING ? "firing" : "resolved");
        labels_of(a, &ps);
        put_object(out, &ps);
        tbuf_add(out, ",\"annotations\":");
        annotations_of(a, &ps);
        put_object(out, &ps);
        tpl_rfc3339(a->starts_at_ms, t);
        tbuf_printf(out, ",\"startsAt\":\"%s\"", t);
        tpl_rfc3339(a->status == NOTICE_RESOLVED ? a->ends_at_ms : 0, t);
        tbuf_printf(out, ",\"endsAt\":\"%s\",\"generatorURL\":", t);
        tbuf_json(out, url);
        tbuf_add(out, ",\"fingerprint\":");
        tbuf_json(out, a->fingerprint);
        tbuf_add(out, "}");
    }
    tbuf_add(out, "],\"groupLabels\":");
    group_labels(nt, &ps);
    put_object(out, &ps);
    tbuf_add(out, ",\"commonLabels\":");
    common(nt, n, labels_of, &ps);
    put_object(out, &ps);
    tbuf_add(out, ",\"commonAnnotations\":");
    common(nt, n, annotations_of, &ps);
    put_object(out, &ps);
    tbuf_add(out, ",\"externalURL\":");
    tbuf_json(out, url);
    tbuf_add(out, ",\"version\":\"4\",\"groupKey\":");
    tbuf_json(out, nt->group_key);
    tbuf_printf(out, ",\"truncatedAlerts\":%zu}", nt->n_alerts - n);
    return out->oom ? -1 : 0;
}

deliver_result_t webhook_deliver(receiver_t *r, const notice_t *n, int64_t now_ms) {
    static const answer_rules_t rules = {NULL, false};
    tbuf_t body = {0};
    http_answer_t a;
    int rc;
    if (webhook_payload(r, n, &body) < 0) {
        tbuf_free(&body);
        return receiver_result(DELIVER_RETRY, 0, "%s", _("out of memory"));
    }
    rc = notify_http_post(r->url, "application/json", tbuf_str(&body), body.n, r->timeout_ms, r->ca_file, &a);
    tbuf_free(&body);
    return notify_http_classify(rc, &a, &rules, now_ms);
}
