/* notify_route.c - where an alert goes and whether it is muted: the route tree, group
 * keys, silence matchers and inhibit rules. Pure functions over alert_t, no I/O.
 *
 * The route model is Alertmanager's: a root that takes every alert, children that narrow
 * it by county (a glob over the county code), least severity and kind, tried in order;
 * the first matching child is descended into and, with `continue`, its later siblings
 * too. A child leaves unset what it inherits: receiver, group_by, the three timings.
 */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "notifier.h"

static const char *const label_names[LABEL_N] = {"county", "zone", "kind", "severity", "indicator", "period"};

int notify_label_parse(const char *s) {
    for (int i = 0; i < LABEL_N; i++)
        if (!strcmp(s, label_names[i])) return i;
    return -1;
}

void notify_label_value(const alert_t *a, label_t l, char *out, size_t size) {
    switch (l) {
    case LABEL_COUNTY: snprintf(out, size, "%s", a->county); break;
    case LABEL_ZONE: snprintf(out, size, "%s", a->zone); break;
    case LABEL_KIND: snprintf(out, size, "%s", alert_kind_name(a->kind)); break;
    case LABEL_SEVERITY:
        snprintf(out, size, "%s", severity_name(a->severity == SEV_NONE ? a->previous : a->severity));
        break;
    case LABEL_INDICATOR: snprintf(out, size, "%s", a->indicator); break;
    case LABEL_PERIOD: snprintf(out, size, "%s", a->period); break;
    default: snprintf(out, size, "%s", ""); break;
    }
}

static severity_t fired_severity(const alert_t *a) {
    return a->severity == SEV_NONE ? a->previous : a->severity;
}

bool route_matches(const route_t *r, const alert_t *a) {
    if (r->match_county[0] && fnmatch(r->match_county, a->county, 0) != 0) return false;
    if (r->match_severity != SEV_NONE && fired_severity(a) < r->match_severity) return false;
    if (r->match_kinds && !(r->match_kinds & (1u << a->kind))) return false;
    return true;
}

route_t route_effective(const route_tree_t *t, size_t i) {
    route_t r = t->routes[i];
    for (int p = r.parent; p >= 0; p = t->routes[p].parent) {
        const route_t *up = &t->routes[p];
        if (!r.receiver[0]) snprintf(r.receiver, sizeof r.receiver, "%s", up->receiver);
        if (!r.group_by) r.group_by = up->group_by;
        if (r.group_wait_ms < 0) r.group_wait_ms = up->group_wait_ms;
        if (r.group_interval_ms < 0) r.group_interval_ms = up->group_interval_ms;
        if (r.repeat_interval_ms < 0) r.repeat_interval_ms = up->repeat_interval_ms;
    }
    if (!r.group_by) r.group_by = (1u << LABEL_COUNTY) | (1u << LABEL_KIND);
    if (r.group_wait_ms < 0) r.group_wait_ms = 30000;
    if (r.group_interval_ms < 0) r.group_interval_ms = 300000;
    if (r.repeat_interval_ms < 0) r.repeat_interval_ms = 4LL * 3600 * 1000;
    return r;
}

/* Descends from route i (which matched): fills out, returns the new count. */
static size_t descend(const route_tree_t *t, size_t i, const alert_t *a, size_t *out, size_t n, size_t max) {
    bool any = false;
    for (size_t c = i + 1; c < t->n; c++) {
        if (t->routes[c].parent != (int)i || !route_matches(&t->routes[c], a)) continue;
        any = true;
        n = descend(t, c, a, out, n, max);
        if (!t->routes[c].cont) break;
    }
    if (!any && n < max) out[n++] = i;
    return n;
}

size_t route_match(const route_tree_t *t, const alert_t *a, size_t *out, size_t max) {
    if (!t->n) return 0;
    return descend(t, 0, a, out, 0, max);
}

void route_group_key(unsigned group_by, const alert_t *a, char key[256], char labels[8][2][64],
                     size_t *n_labels) {
    size_t len = 0, n = 0;
    key[len++] = '{';
    key[len] = '\0';
    for (int l = 0; l < LABEL_N; l++) {
        char v[64];
        if (!(group_by & (1u << l))) continue;
        notify_label_value(a, (label_t)l, v, sizeof v);
        if (n < 8) {
            snprintf(labels[n][0], 64, "%s", label_names[l]);
            snprintf(labels[n][1], 64, "%s", v);
        }
        len += (size_t)snprintf(key + len, 256 - len, "%s%s=\"%s\"", n ? "," : "", label_names[l], v);
        if (len >= 254) len = 253;
        n++;
    }
    snprintf(key + len, 256 - len, "}");
    *n_labels = n < 8 ? n : 8;
}

int matcher_parse(const char *s, matcher_t *m, char *err, size_t errsz) {
    const char *eq = strchr(s, '=');
    char label[32];
    int l;
    if (!eq || eq == s || (size_t)(eq - s) >= sizeof label) {
        snprintf(err, errsz, _("\"%s\" is not label=value (e.g. zone=shancheng, county=4106*)"), s);
        return -1;
    }
    memcpy(label, s, (size_t)(eq - s));
    label[eq - s] = '\0';
    if ((l = notify_label_parse(label)) < 0) {
        snprintf(err, errsz, _("unknown label \"%s\": county, zone, kind, severity, indicator or period"),
                 label);
        return -1;
    }
    if (!eq[1] || strlen(eq + 1) >= sizeof m->value) {
        snprintf(err, errsz, _("%s: the value is empty or longer than %zu bytes"), label,
                 sizeof m->value - 1);
        return -1;
    }
    m->label = (label_t)l;
    snprintf(m->value, sizeof m->value, "%s", eq + 1);
    return 0;
}

bool matchers_match(const matcher_t *m, size_t n, const alert_t *a) {
    if (!n) return false;
    for (size_t i = 0; i < n; i++) {
        char v[64];
        notify_label_value(a, m[i].label, v, sizeof v);
        if (fnmatch(m[i].value, v, 0) != 0) return false;
    }
    return true;
}

bool silence_mutes(const silence_t *s, int64_t now_ms, const alert_t *a) {
    return now_ms >= s->starts_ms && now_ms < s->ends_ms && matchers_match(s->matchers, s->n_matchers, a);
}

inhibit_t inhibit_default(void) {
    inhibit_t r;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "overdue");
    r.source_kinds = 1u << ALERT_OVERDUE;
    r.target_kinds = (1u << ALERT_PACE) | (1u << ALERT_GROWTH) | (1u << ALERT_LEVEL);
    r.source_severity = SEV_WARNING;
    r.equal = 1u << LABEL_ZONE;
    return r;
}

static bool equal_on(unsigned labels, const alert_t *x, const alert_t *y) {
    for (int l = 0; l < LABEL_N; l++) {
        char a[64], b[64];
        if (!(labels & (1u << l))) continue;
        notify_label_value(x, (label_t)l, a, sizeof a);
        notify_label_value(y, (label_t)l, b, sizeof b);
        if (strcmp(a, b)) return false;
    }
    return true;
}

bool inhibit_mutes(const inhibit_t *rules, size_t n_rules, const alert_t *firing, size_t n_firing,
                   const alert_t *a) {
    char ka[ALERT_KEY_LEN] = "", ks[ALERT_KEY_LEN];
    for (size_t r = 0; r < n_rules; r++) {
        const inhibit_t *rule = &rules[r];
        if (!(rule->target_kinds & (1u << a->kind))) continue;
        for (size_t i = 0; i < n_firing; i++) {
            const alert_t *s = &firing[i];
            /* the cheap tests first: this runs for every alert against every other */
            if (!(rule->source_kinds & (1u << s->kind))) continue;
            if (s->severity == SEV_NONE || s->severity < rule->source_severity) continue;
            if (!equal_on(rule->equal, s, a)) continue;
            if (!ka[0]) alert_key(a, ka);
            alert_key(s, ks);
            if (!strcmp(ka, ks)) continue; /* an alert never inhibits itself */
            return true;
        }
    }
    return false;
}
