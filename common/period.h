/* period.h - reporting periods "YYYY-MM" (January through MM); the clock is clock.h.
 *
 * By national convention January and February are reported together as "1-2月":
 * with merge_jan_feb, period 2 is the year's first report and January is never one.
 * The office's calendar is Asia/Shanghai (UTC+8, no daylight saving).
 */
#ifndef YB_PERIOD_H
#define YB_PERIOD_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int year;
    int month; /* 1..12 */
} period_t;

#define PERIOD_STRLEN 8 /* "YYYY-MM" plus NUL */

/* Parses "2017-06", "2017-6", "2017/06", "201706", "2017年6月" or "2017年1-6月".
 * Returns 0, or -1 if s is not a period (year 1990..2100, month 1..12). */
int period_parse(const char *s, period_t *p);

/* Parses what a spreadsheet cell shows for a period: everything period_parse takes, and
 * the forms Excel turns a typed period into: a date ("2017/6/1", "2017-06-01",
 * "2017.6.1", "2017年6月1日", with or without a time such as " 0:00"), a month and a
 * two- or four-digit year ("Jun-17", "Jun-2017", "June 2017"), or a date serial written
 * out ("42887", five digits). *as_date (may be NULL) is set when one of those forms was
 * read: the day is dropped, the period is the date's month. 0, or -1. */
int period_parse_sheet(const char *s, period_t *p, bool *as_date);

/* The period of a spreadsheet date serial in the 1900 date system: 1 is 1900-01-01 and,
 * as Lotus 1-2-3 had it, 60 is the 1900-02-29 that never was (so 61 is 1900-03-01 and
 * 42887 is 2017-06-01); the fraction (a time of day) is ignored. 0, or -1 when serial is
 * not a date whose year lies in 1990..2100. */
int period_from_serial(double serial, period_t *p);

/* Writes "YYYY-MM" to out. */
void period_format(period_t p, char out[PERIOD_STRLEN]);

/* Negative, zero or positive as a is before, equal to or after b. */
int period_cmp(period_t a, period_t b);

/* The reporting period before p in the same year, or {0,0} if p is the year's first
 * (month 1, or month 2 when merge_jan_feb). */
period_t period_prev(period_t p, bool merge_jan_feb);

/* The calendar month (Asia/Shanghai) that contains the instant now_ms. */
period_t period_of_time(int64_t now_ms);

/* True if p starts after the current month at now_ms: reports for it cannot exist yet. */
bool period_is_future(period_t p, int64_t now_ms);

/* Milliseconds since the epoch of day `day` of the month after p, 24:00 Asia/Shanghai
 * (i.e. the start of day+1): the default reporting deadline with day = 10. */
int64_t period_deadline_ms(period_t p, int day);

#endif
