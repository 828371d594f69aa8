/* targets.h - target gaps, overdue reports, and the transitions between alerts
 * (DESIGN §2: target alerts).
 *
 * Pure domain code — no sockets, no SQLite. The scorer judges every zone's latest report
 * of the year with it.
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

typedef struct {
    double pace_warning_pp;     /* gap < this → warning (default −2) */
    double pace_critical_pp;    /* gap < this → critical (default −5) */
    double growth_warning_pp;   /* gap ≤ this → warning (default −1) */
    double growth_critical_pp;  /* gap ≤ this → critical (default −3) */
    double level_critical_frac; /* below target by more than this share → critical (0.10) */
} thresholds_t;

/* Evaluates zone's report for period p (its latest of the year) against ty: appends one
 * alert_t per check made — severity SEV_NONE where the target is met — with value,
 * target, expected and gap filled. amount/growth are indexed by indicator (NAN = not
 * reported; an unreported value is not judged). county names the zone's county. */
void targets_evaluate(const rules_t *r, const master_t *m, const thresholds_t *t, const target_year_t *ty,
                      const char *zone, const char *county, period_t p, const double *amount,
                      const double *growth, alert_list_t *out);

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
