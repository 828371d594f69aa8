/* targets.h - target gaps, overdue reports, and the transitions between alerts
 * (DESIGN §2: target alerts).
 *
 * Pure domain code — no sockets, no SQLite. The scorer judges every zone's latest report
 * of the year with it; the monthly bulletin (bulletin.h) takes its pace gaps, its "is
 * this indicator paced" and its threshold comparison from here too, so a zone the
 * bulletin marks as lagging is one the scorer raises a pace alert for, to the last bit.
 */
#ifndef YB_TARGETS_H
#define YB_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "master.h"
#include "period.h"
#include "rules.h"

/* The tolerance of every comparison of a gap with a threshold: a gap of exactly −3.0
 * computed as −2.9999999999999996 still counts as −3. */
#define TARGETS_EPS 1e-9

typedef struct {
    double pace_warning_pp;     /* gap < this → warning (default −2) */
    double pace_critical_pp;    /* gap < this → critical (default −5) */
    double growth_warning_pp;   /* gap ≤ this → warning (default −1) */
    double growth_critical_pp;  /* gap ≤ this → critical (default −3) */
    double level_critical_frac; /* below target by more than this share → critical (0.10) */
} thresholds_t;

/* True if gap is below threshold by more than TARGETS_EPS: a gap of exactly −5 is not
 * below −5. How pace gaps are graded against the pace thresholds, level shortfalls
 * against theirs, and how the bulletin judges a laggard. */
bool targets_below(double gap, double threshold);

/* Whether a target amount for indicator (an index into m->indicators) is judged by pace
 * (DESIGN §2): a flow, or anything pacing.csv lists; every other target amount is judged
 * as a level. r may be NULL (no pacing.csv: flows only). */
bool targets_paced(const master_t *m, const rules_t *r, int indicator);

/* The pace gap of a year-to-date amount ytd against the year's target amount for
 * indicator by the end of period p, in percentage points:
 *     gap = (ytd / target − expected share) × 100
 * with the expected share rules_pace's (pacing.csv's value for p's month, else
 * month/12). *expected gets that share (0..1) and *listed whether pacing.csv gave it;
 * either may be NULL. target must not be 0 (a zero target is no target: not judged).
 * The one place a pace gap is computed: the scorer's pace alerts and the bulletin's
 * gap column both call it. */
double targets_pace_gap(const rules_t *r, int indicator, period_t p, double ytd, double target,
                        double *expected, bool *listed);

/* Evaluates zone's report for period p (its latest of the year) against ty: appends one
 * alert_t per check made — severity SEV_NONE where the target is met — with value,
 * target, expected and gap filled. amount/growth are indexed by indicator (NAN = not
 * reported; an unreported value is not judged). county names the zone's county. */
void targets_evaluate(const rules_t *r, const master_t *m, const thresholds_t *t, const target_year_t *ty,
                      const char *zone, const char *county, period_t p, const double *amount,
                      const double *growth, alert_list_t *out);

/* targets_evaluate, except that a check that passes (SEV_NONE) gets no message: the
 * scorer judges a province's hundreds of thousands of checks and keeps the few that fire
 * or resolve, and formats the message of a resolving one with targets_message. Every
 * other field is the same as targets_evaluate's, to the last bit. */
void targets_evaluate_quiet(const rules_t *r, const master_t *m, const thresholds_t *t,
                            const target_year_t *ty, const char *zone, const char *county, period_t p,
                            const double *amount, const double *growth, alert_list_t *out);

/* Writes a's message (a pace, growth or level check of targets_evaluate's, its figures
 * filled) as targets_evaluate would have: the same text to the last byte. Kinds without
 * a target message (overdue), or an indicator m does not know, leave it as it is. */
void targets_message(const rules_t *r, const master_t *m, alert_t *a);

/* Is zone's report for period on file? */
typedef bool (*targets_reported_fn)(const char *zone, const char *period, void *arg);

/* Appends an overdue alert (critical) for every zone of m and every period from since
 * up to the last whose deadline (day deadline_day of the next month, 24:00 Asia/
 * Shanghai) is at or before now_ms, with no report on file. merge_jan_feb skips
 * January. An alert no longer appended resolves in targets_transitions. */
void targets_overdue(const master_t *m, period_t since, int deadline_day, bool merge_jan_feb, int64_t now_ms,
                     targets_reported_fn reported, void *arg, alert_list_t *out);

/* The overdue alerts of prev (those firing) that targets_overdue at now_ms did not
 * append, so that they do not resolve for want of being appended: one still owed — its
 * report not on file, its zone in m, its period from since on, its deadline as stored —
 * is appended as it is, firing, even though now_ms is before that deadline (the clock
 * stepped back: only an arrival resolves an overdue report); one the configuration no
 * longer asks for is appended with SEV_NONE and a message saying so, which resolves
 * it. One whose report is on file is left out: it resolves as arrived. */
void targets_overdue_held(const master_t *m, period_t since, int deadline_day, bool merge_jan_feb,
                          int64_t now_ms, const alert_list_t *prev, targets_reported_fn reported, void *arg,
                          alert_list_t *out);

/* The first period whose deadline (day deadline_day of the next month, 24:00 Asia/
 * Shanghai) is after the instant t_ms — January skipped when merge_jan_feb: what an
 * install first started at t_ms owes first. Started 2017-07-05, before June's
 * deadline of 07-10 24:00, it owes June; started 2017-07-11, July. */
period_t targets_first_due(int64_t t_ms, int deadline_day, bool merge_jan_feb);

/* The transitions from prev (the alerts firing, sorted by key) to cur (this evaluation,
 * any order; SEV_NONE entries allowed): firing, escalated, deescalated, and resolved —
 * also for a prev alert that cur no longer mentions (its message names the zone from m,
 * which may be NULL). Appends to out with transition,
 * previous and at_ms = now_ms set; since_ms carried over or set to now_ms. An alert
 * still firing at the same severity with new figures (a later period, a new value) is
 * appended as TR_NONE: stored, never published. */
void targets_transitions(const master_t *m, const alert_list_t *prev, alert_list_t *cur, int64_t now_ms,
                         alert_list_t *out);

#endif
