/* targets.c - target gaps, overdue reports, and the transitions between them.
 *
 * Three target checks (DESIGN §2), each evaluated on a zone's latest report of the year:
 *   pace    flows with a target amount, and anything pacing.csv lists:
 *           gap = (YTD / target − expected share) × 100 percentage points
 *   growth  gap = growth − target growth (target − growth for a reverse indicator)
 *   level   other stocks and ratios with a target amount: (value − target) × direction
 * and one deadline check, overdue: no report for a period whose deadline has passed.
 * An overdue report stays overdue until it arrives: "now" only ever adds obligations,
 * so a clock stepped back (NTP, a replay) resolves nothing (targets_overdue_held); only
 * a configuration that no longer asks for the report does.
 * Severities compare with a 1e-9 tolerance (TARGETS_EPS), so a gap of exactly −3.0
 * computed as −2.9999999999999996 still counts as −3.
 *
 * The pace gap, the choice of what is paced and the "below a threshold" comparison are
 * exported (targets_pace_gap, targets_paced, targets_below) because the monthly bulletin
 * prints the same gaps and marks laggards by the same rule: it calls these, never a
 * copy, so its figures and the scorer's alerts cannot drift apart. They live here, not
 * in rules.c: rules.c says what the configuration files hold (rules_pace: the expected
 * share); judging a figure against it is a target check, like the growth and level gaps
 * beside it.
 *
 * Alerts are published only on transitions: targets_transitions() compares what fires
 * now with what fired before and yields firing, escalated, deescalated and resolved.
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "i18n.h"
#include "targets.h"
#include "text.h"

bool targets_below(double gap, double threshold) {
    return gap < threshold - TARGETS_EPS;
}

bool targets_paced(const master_t *m, const rules_t *r, int indicator) {
    return m->indicators[indicator].kind == KIND_FLOW || rules_paced(r, indicator);
}

double targets_pace_gap(const rules_t *r, int indicator, period_t p, double ytd, double target,
                        double *expected, bool *listed) {
    double share = rules_pace(r, indicator, p, listed);
    assert(target != 0);
    if (expected) *expected = share;
    return (ytd / target - share) * 100.0;
}

static severity_t grade_below(double gap, double warn, double crit) {
    if (targets_below(gap, crit)) return SEV_CRITICAL;
    if (targets_below(gap, warn)) return SEV_WARNING;
    return SEV_NONE;
}

static severity_t grade_at_or_below(double gap, double warn, double crit) {
    if (gap <= crit + TARGETS_EPS) return SEV_CRITICAL;
    if (gap <= warn + TARGETS_EPS) return SEV_WARNING;
    return SEV_NONE;
}

/* The first target of zone in ty (sorted by zone, then indicator), or ty->n_targets. */
static size_t first_of_zone(const target_year_t *ty, const char *zone) {
    size_t lo = 0, hi = ty->n_targets;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ty->targets[mid].zone, zone) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The figures before the message are cleared, the message emptied, not zeroed: a
 * pass makes one alert per check, hundreds of thousands, and most pass unread. */
static void base_alert(alert_t *a, alert_kind_t kind, const char *zone, const char *county,
                       const indicator_t *ind, period_t p, const char *period) {
    memset(a, 0, offsetof(alert_t, message));
    a->message[0] = '\0';
    a->transition = TR_NONE;
    a->previous = SEV_NONE;
    a->at_ms = 0;
    a->kind = kind;
    text_copy(a->zone, sizeof a->zone, zone);
    text_copy(a->county, sizeof a->county, county);
    if (ind) text_copy(a->indicator, sizeof a->indicator, ind->code);
    a->year = p.year;
    text_copy(a->period, sizeof a->period, period); /* p formatted once by the caller */
    a->value = a->target = a->expected = a->gap = NAN;
}

/* The message of a pace alert, from its figures: a->value, a->target, a->expected (%)
 * and a->gap; listed says whether pacing.csv gave the expected share. */
static void pace_message(const indicator_t *ind, bool listed, alert_t *a) {
    double completion = a->value / a->target;
    snprintf(a->message, sizeof a->message,
             _("%s: %.1f%% of the year's target %.10g %s done by %s, %.1f%% expected%s: %+.1f pp"), ind->name_zh,
             completion * 100.0, a->target, ind->unit, a->period, a->expected, listed ? " (pacing.csv)" : " (m/12)",
             a->gap);
}

static void growth_message(const indicator_t *ind, alert_t *a) {
    snprintf(a->message, sizeof a->message,
             _("%s: growth %+.1f%% against a target of %+.1f%% by %s: %+.1f pp%s"), ind->name_zh, a->value,
             a->target, a->period, a->gap, ind->direction < 0 ? _(" (less is better)") : "");
}

static void level_message(const indicator_t *ind, alert_t *a) {
    snprintf(a->message, sizeof a->message, _("%s: %.10g %s in %s against a target of %s%.10g: %+.4g"),
             ind->name_zh, a->value, ind->unit, a->period, ind->direction < 0 ? _("at most ") : "", a->target,
             a->gap);
}

/* A check's figures and severity; its message too when with_message. */
static void check_pace(const rules_t *r, const thresholds_t *t, const target_t *tg, const indicator_t *ind,
                       double x, period_t p, bool with_message, alert_t *a) {
    bool listed;
    double expected;
    a->value = x;
    a->target = tg->amount;
    a->gap = targets_pace_gap(r, tg->indicator, p, x, tg->amount, &expected, &listed);
    a->expected = expected * 100.0;
    a->severity = grade_below(a->gap, t->pace_warning_pp, t->pace_critical_pp);
    if (with_message) pace_message(ind, listed, a);
}

static void check_growth(const thresholds_t *t, const target_t *tg, const indicator_t *ind, double g,
                         bool with_message, alert_t *a) {
    a->value = g;
    a->target = tg->growth_pct;
    a->gap = ind->direction < 0 ? tg->growth_pct - g : g - tg->growth_pct;
    a->severity = grade_at_or_below(a->gap, t->growth_warning_pp, t->growth_critical_pp);
    if (with_message) growth_message(ind, a);
}

static void check_level(const thresholds_t *t, const target_t *tg, const indicator_t *ind, double x,
                        bool with_message, alert_t *a) {
    a->value = x;
    a->target = tg->amount;
    a->gap = (x - tg->amount) * ind->direction;
    if (targets_below(a->gap, -t->level_critical_frac * fabs(tg->amount)))
        a->severity = SEV_CRITICAL;
    else if (targets_below(a->gap, 0))
        a->severity = SEV_WARNING;
    else
        a->severity = SEV_NONE;
    if (with_message) level_message(ind, a);
}

static void evaluate(const rules_t *r, const master_t *m, const thresholds_t *t, const target_year_t *ty,
                     const char *zone, const char *county, period_t p, const double *amount, const double *growth,
                     bool all_messages, alert_list_t *out) {
    char period[PERIOD_STRLEN];
    period_format(p, period);
    for (size_t i = first_of_zone(ty, zone); i < ty->n_targets && strcmp(ty->targets[i].zone, zone) == 0;
         i++) {
        const target_t *tg = &ty->targets[i];
        const indicator_t *ind;
        if (tg->indicator < 0 || (size_t)tg->indicator >= m->n_indicators) continue;
        ind = &m->indicators[tg->indicator];
        /* each check is made in its slot of out, not copied there */
        if (tg->has_amount && tg->amount != 0 && !isnan(amount[tg->indicator])) {
            bool paced = targets_paced(m, r, tg->indicator);
            alert_t *a = alert_list_add(out, NULL);
            if (!a) return;
            base_alert(a, paced ? ALERT_PACE : ALERT_LEVEL, zone, county, ind, p, period);
            if (paced)
                check_pace(r, t, tg, ind, amount[tg->indicator], p, all_messages, a);
            else
                check_level(t, tg, ind, amount[tg->indicator], all_messages, a);
            if (!all_messages && a->severity != SEV_NONE) targets_message(r, m, a);
        }
        if (tg->has_growth && !isnan(growth[tg->indicator])) {
            alert_t *a = alert_list_add(out, NULL);
            if (!a) return;
            base_alert(a, ALERT_GROWTH, zone, county, ind, p, period);
            check_growth(t, tg, ind, growth[tg->indicator], all_messages, a);
            if (!all_messages && a->severity != SEV_NONE) targets_message(r, m, a);
        }
    }
}

void targets_evaluate(const rules_t *r, const master_t *m, const thresholds_t *t, const target_year_t *ty,
                      const char *zone, const char *county, period_t p, const double *amount,
                      const double *growth, alert_list_t *out) {
    evaluate(r, m, t, ty, zone, county, p, amount, growth, true, out);
}

void targets_evaluate_quiet(const rules_t *r, const master_t *m, const thresholds_t *t,
                            const target_year_t *ty, const char *zone, const char *county, period_t p,
                            const double *amount, const double *growth, alert_list_t *out) {
    evaluate(r, m, t, ty, zone, county, p, amount, growth, false, out);
}

void targets_message(const rules_t *r, const master_t *m, alert_t *a) {
    const indicator_t *ind = master_indicator(m, a->indicator);
    period_t p;
    bool listed = false;
    if (!ind || period_parse(a->period, &p) < 0) return;
    switch (a->kind) {
    case ALERT_PACE:
        rules_pace(r, (int)(ind - m->indicators), p, &listed);
        pace_message(ind, listed, a);
        break;
    case ALERT_GROWTH: growth_message(ind, a); break;
    case ALERT_LEVEL: level_message(ind, a); break;
    default: break;
    }
}

static period_t next_period(period_t p, bool merge_jan_feb) {
    p.month++;
    if (p.month > 12) {
        p.year++;
        p.month = merge_jan_feb ? 2 : 1;
    }
    return p;
}

void targets_overdue(const master_t *m, period_t since, int deadline_day, bool merge_jan_feb, int64_t now_ms,
                     targets_reported_fn reported, void *arg, alert_list_t *out) {
    if (merge_jan_feb && since.month == 1) since.month = 2;
    for (period_t p = since; period_deadline_ms(p, deadline_day) <= now_ms;
         p = next_period(p, merge_jan_feb)) {
        int64_t due = period_deadline_ms(p, deadline_day);
        char period[PERIOD_STRLEN], when[20];
        period_format(p, period);
        clock_format(due - 1000, when);
        for (size_t z = 0; z < m->n_zones; z++) {
            const zone_t *zone = &m->zones[z];
            const county_t *c = master_county(m, zone->county);
            alert_t *a;
            if (reported(zone->code, period, arg)) continue;
            if (!(a = alert_list_add(out, NULL))) return;
            base_alert(a, ALERT_OVERDUE, zone->code, zone->county, NULL, p, period);
            a->severity = SEV_CRITICAL;
            a->deadline_ms = due;
            snprintf(a->message, sizeof a->message, _("%s (%s) has not reported %s; it was due %.10s 24:00"),
                     zone->name, c ? c->name : zone->county, period, when);
        }
    }
}

period_t targets_first_due(int64_t t_ms, int deadline_day, bool merge_jan_feb) {
    period_t p = period_of_time(t_ms);
    /* two months back: its deadline is in the month before t's, so it has passed */
    p.month -= 2;
    if (p.month < 1) {
        p.month += 12;
        p.year--;
    }
    while (period_deadline_ms(p, deadline_day) <= t_ms)
        p = next_period(p, false);
    if (merge_jan_feb && p.month == 1) p.month = 2;
    return p;
}

static void emit(alert_list_t *out, const alert_t *a, transition_t tr, severity_t previous, int64_t since_ms,
                 int64_t now_ms) {
    alert_t *e = alert_list_add(out, a);
    if (!e) return;
    e->transition = tr;
    e->previous = previous;
    e->since_ms = since_ms;
    e->at_ms = now_ms;
}

static bool same_number(double a, double b) {
    return (isnan(a) && isnan(b)) || fabs(a - b) < TARGETS_EPS;
}

static bool same_figures(const alert_t *a, const alert_t *b) {
    return strcmp(a->period, b->period) == 0 && same_number(a->value, b->value) &&
           same_number(a->target, b->target) && same_number(a->expected, b->expected) &&
           same_number(a->gap, b->gap) && strcmp(a->message, b->message) == 0;
}

/* "山城专业园区 (山城区)" from master data, or the codes when m is NULL or lacks them. */
static void zone_words(const master_t *m, const alert_t *a, char *out, size_t size) {
    const zone_t *z = m ? master_zone(m, a->zone) : NULL;
    const county_t *c = m ? master_county(m, a->county) : NULL;
    snprintf(out, size, "%s (%s)", z ? z->name : a->zone, c ? c->name : a->county);
}

void targets_overdue_held(const master_t *m, period_t since, int deadline_day, bool merge_jan_feb,
                          int64_t now_ms, const alert_list_t *prev, targets_reported_fn reported, void *arg,
                          alert_list_t *out) {
    if (merge_jan_feb && since.month == 1) since.month = 2;
    for (size_t i = 0; i < prev->n; i++) {
        const alert_t *a = &prev->items[i];
        alert_t *kept;
        char who[sizeof((zone_t *)0)->name + sizeof((county_t *)0)->name + 4];
        period_t p;
        int64_t due;
        bool owed;
        if (a->kind != ALERT_OVERDUE || period_parse(a->period, &p) < 0) continue;
        if (reported(a->zone, a->period, arg)) continue; /* resolves: the report is on file */
        owed = master_zone(m, a->zone) && period_cmp(p, since) >= 0 && !(merge_jan_feb && p.month == 1);
        due = period_deadline_ms(p, deadline_day);
        if (owed && due <= now_ms) continue; /* targets_overdue appended it */
        if (!(kept = alert_list_add(out, a))) return;
        if (owed && due == a->deadline_ms) continue; /* the clock stepped back: still overdue */
        kept->severity = SEV_NONE;
        zone_words(m, a, who, sizeof who);
        if (owed) { /* still owed, due later than it was: not overdue until then */
            char when[20];
            clock_format(due - 1000, when);
            kept->deadline_ms = due;
            snprintf(kept->message, sizeof kept->message,
                     _("%s: the %s report is now due %.10s 24:00 (deadline_day changed)"), who, a->period, when);
        } else {
            snprintf(kept->message, sizeof kept->message,
                     _("%s: the %s report is no longer owed (reporting_since, merge_jan_feb or regions.csv "
                     "changed)"),
                     who, a->period);
        }
    }
}

void targets_transitions(const master_t *m, const alert_list_t *prev, alert_list_t *cur, int64_t now_ms,
                         alert_list_t *out) {
    size_t i = 0, j = 0, kp_of = SIZE_MAX, kc_of = SIZE_MAX; /* the items kp and kc are the keys of */
    char kp[ALERT_KEY_LEN] = "", kc[ALERT_KEY_LEN] = "";
    alert_list_sort(cur);
    while (i < prev->n || j < cur->n) {
        int cmp;
        if (i < prev->n && kp_of != i) alert_key(&prev->items[kp_of = i], kp);
        if (j < cur->n && kc_of != j) alert_key(&cur->items[kc_of = j], kc);
        cmp = i >= prev->n ? 1 : j >= cur->n ? -1 : strcmp(kp, kc);
        if (cmp < 0) { /* fired before, no longer evaluated: the report came, the target went */
            const alert_t *p = &prev->items[i++];
            alert_t a = *p;
            char who[sizeof((zone_t *)0)->name + sizeof((county_t *)0)->name + 4];
            a.severity = SEV_NONE;
            zone_words(m, &a, who, sizeof who);
            if (a.kind == ALERT_OVERDUE)
                snprintf(a.message, sizeof a.message, _("%s: the %s report is on file"), who, a.period);
            else
                snprintf(a.message, sizeof a.message,
                         _("%s: %s %d is no longer judged (no figure or no target)"), who, a.indicator, a.year);
            emit(out, &a, TR_RESOLVED, p->severity, p->since_ms, now_ms);
        } else if (cmp > 0) { /* new */
            const alert_t *c = &cur->items[j++];
            if (c->severity != SEV_NONE) emit(out, c, TR_FIRING, SEV_NONE, now_ms, now_ms);
        } else {
            const alert_t *p = &prev->items[i++], *c = &cur->items[j++];
            if (c->severity == p->severity) {
                /* no transition; a still-firing alert takes the latest figures quietly */
                if (c->severity != SEV_NONE && !same_figures(p, c))
                    emit(out, c, TR_NONE, p->severity, p->since_ms, now_ms);
                continue;
            }
            emit(out, c,
                 c->severity == SEV_NONE     ? TR_RESOLVED
                 : c->severity > p->severity ? TR_ESCALATED
                                             : TR_DEESCALATED,
                 p->severity, p->since_ms, now_ms);
        }
    }
}
