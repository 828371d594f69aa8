/* plausibility.h - the soft checks (核实性审核): figures that jump by orders of magnitude.
 *
 * A hard check (validate.h, 强制性审核) refuses what can never be right. A soft check
 * refuses what is almost certainly a mistake but could be true: a figure about 10 000×
 * the zone's last one is nearly always 元 typed where 万元 is asked, yet a new plant
 * can multiply a small zone's investment. So a soft-check failure is an error unless
 * the row carries the reporter's 说明 (report_value_t.note); then it is a warning that
 * quotes the 说明, is stored with the revision and shown to the central office.
 *
 * Pure: the collector (against its outbox), `yuebao check` (the same, read-only) and
 * the aggregator (against the store, authoritative) pass in what they know.
 */
#ifndef YB_PLAUSIBILITY_H
#define YB_PLAUSIBILITY_H

#include <stdbool.h>

#include "diag.h"
#include "master.h"
#include "period.h"
#include "report.h"

/* A figure at least this many times its baseline, or at most 1/this of it, is refused
 * without a 说明. Unit mistakes are 100× (百元) or 10 000× (元 / 亿元 for 万元);
 * genuine growth of a zone's flow or stock rarely reaches 10× from one report to the
 * next. 50 sits between, with room on both sides; 千元 for 万元 (10×) is not caught —
 * that is a real change's size too. */
#define PLAUSIBILITY_RATIO 50.0

/* What the report is compared with; each may be NULL (not known: not compared). */
typedef struct {
    const report_t *revision;  /* the zone's current revision of the same period */
    const report_t *prev;      /* the zone's previous period of the same year */
    const report_t *last_year; /* the zone's same period a year earlier */
} plausibility_base_t;

/* The periods a report of `period` is compared with: the previous one of the same year
 * (prev[0] == '\0' when there is none: February when January is merged into it) and
 * the same month a year earlier. period must be a valid "YYYY-MM". */
void plausibility_neighbours(const char *period, bool merge_jan_feb, char prev[PERIOD_STRLEN],
                             char last_year[PERIOD_STRLEN]);

/* The soft checks of r (validated, indicators as codes) against b. Each positive value
 * of an indicator that is not a percentage (percentages are bounded by the hard checks
 * and small shares move by large factors legitimately) is compared with each baseline
 * of revision, prev, last_year that has a positive figure for it not accepted on a
 * 说明 (report_value_t.note): a flow's year-to-date against the previous period per
 * month covered, anything else (stocks, ratios like 万元/亩) directly. Zero and absent
 * figures are skipped. The value passes when it is within PLAUSIBILITY_RATIO either
 * way of any of them; otherwise it is an error at the value's line, field "amount",
 * naming the jump against the first as a power of ten ("about 10 000×") and, for 万元,
 * 万元/… and …/万元, the likely unit mistake; with a 说明 on the row it is a warning
 * instead, field "note", quoting the 说明. Returns the number of errors. */
size_t plausibility_check(const master_t *m, const report_t *r, const plausibility_base_t *b,
                          diag_list_t *dl);

#endif
