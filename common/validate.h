/* validate.h - the rules a report must pass, shared by collector (local) and aggregator
 * (authoritative). Pure: no sockets, no store; what the store knows is passed in.
 */
#ifndef YB_VALIDATE_H
#define YB_VALIDATE_H

#include <stdint.h>

#include "diag.h"
#include "master.h"
#include "report.h"

typedef struct {
    bool merge_jan_feb;          /* no January report: period 2 is "1-2月" */
    int64_t now_ms;              /* the clock: later periods are "in the future" */
    double growth_warn_pp;       /* warn when reported growth differs from amount/base by more (default 5) */
    double percent_tolerance_pp; /* a percentage above 100 but below 100 + this only warns
                                  * (rounding in county spreadsheets; default 1) */
} validate_opts_t;

/* No revision above this is valid: a client cannot exhaust the numbers of a report. */
#define VALIDATE_MAX_REVISION 1000000u

/* No amount, growth rate or investment beyond ±this is valid (10^15 万元 is a thousand
 * times the world's GDP): scores, sums and growth arithmetic on the figures then stay
 * finite however many zones report. */
#define VALIDATE_MAX_NUMBER 1e15

/* The kind (diag_t.kind) of a finding that may be the receiver's own transient state
 * rather than the report's fault: the collector made the same check against its own
 * clock and master data and passed it. Every other finding has kind 0 (final). */
enum {
    VALIDATE_FINAL = 0,
    VALIDATE_ZONE_UNLISTED = 1, /* a plain-text zone, unknown, of a county the master data knows */
    VALIDATE_PERIOD_NEXT = 2,   /* a canonical period "in the future" that is now's next period */
};

/* Default options at the current clock. */
validate_opts_t validate_defaults(void);

/* Hard rules. county (NULL skips the check) is the authenticated reporting unit: the
 * zone must belong to it. Checks: zone known; period well-formed, not January when
 * merged, not in the future; indicators known, none twice; numbers finite and within
 * ±VALIDATE_MAX_NUMBER; flows and stocks >= 0; percentages 0..100 (up to
 * 100 + percent_tolerance_pp only warns); growth > -100 and only where the indicator has
 * growth; projects well-formed; texts valid UTF-8 within limits. An indicator may be
 * named by code or Chinese name (both count as the same for duplicates); nothing is
 * rewritten. An unknown zone of a known county and a period that is the next one after
 * o->now_ms are tagged VALIDATE_ZONE_UNLISTED / VALIDATE_PERIOD_NEXT. Appends errors — and warnings such as a project's YTD investment above
 * its total — to dl with the report's source and lines; returns the number of errors. */
size_t validate_report(const master_t *m, const validate_opts_t *o, const char *county, const report_t *r,
                       diag_list_t *dl);

/* The key-enterprise rows of r (part of validate_report): each 统一社会信用代码 present,
 * 18 characters of GB 32100's charset, a known department and kind, a region of six
 * digits, its check character right (a warning when only the embedded 组织机构代码's own
 * check fails); no code twice; a name; a status from enterprise.h's list; amounts finite,
 * >= 0 and within VALIDATE_MAX_NUMBER; growth rates finite, > -100 (-100 only for an
 * amount of 0), at most a hundredfold (above 300% a warning, unless 新投产). Appends to
 * dl with the report's source and each row's line. */
void validate_enterprises(const report_t *r, diag_list_t *dl);

/* Rewrites the zone and every indicator given by Chinese name to its code, so one
 * report has one key in the store however it was written. Call after validate_report
 * found no errors. */
void validate_normalize(const master_t *m, report_t *r);

/* Soft rules against stored history; appends warnings only. prev: the same zone's
 * previous period this year (NULL if none): a flow's YTD below it is suspicious.
 * base: the same zone and period a year earlier (NULL if none): a growth far from
 * amount/base - 1 is suspicious. */
void validate_history(const master_t *m, const validate_opts_t *o, const report_t *r, const report_t *prev,
                      const report_t *base, diag_list_t *dl);

#endif
