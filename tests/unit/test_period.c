/* test_period.c - reporting periods and the office clock (Asia/Shanghai, UTC+8).
 *
 * Every instant below was computed by hand from the Unix epoch:
 *   2017-07-14 is day 17361 after 1970-01-01 (1500000000 s = 17361 d + 2 h 40 min), so
 *   2017-07-15 00:00 +08:00 = 2017-07-14 16:00Z = 17361·86400 + 57600 s = 1500048000 s.
 *   2017-06-10 is 34 days earlier (day 17327): 17327·86400 + 57600 = 1497110400 s,
 *     which is 2017-06-11 00:00 +08:00, i.e. June 10th 24:00 — May's deadline.
 *   2017-07-01 00:00 +08:00 = 2017-06-30 16:00Z: 14 days before 07-15: 1498838400 s.
 *   2018-01-01 is day 17532 (1514764800 s); 2018-01-11 00:00 +08:00 = day 17541 − 8 h =
 *     17541·86400 + 57600 = 1515600000 s — December's deadline.
 *   2017-03-01 00:00 +08:00: 2017-02-28 is day 17225: 17225·86400 + 57600 = 1488297600 s.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"
#include "clock.h"

#define NOW_2017_07_15 1500048000000LL
#define JUL_01_2017 1498838400000LL
#define MAY_DEADLINE 1497110400000LL
#define DEC_DEADLINE 1515600000000LL
#define MAR_01_2017 1488297600000LL
#define HOUR 3600000LL

static period_t P(int y, int m) {
    return (period_t){y, m};
}

static void assert_parses(const char *s, int year, int month) {
    period_t p = {0, 0};
    cr_assert_eq(period_parse(s, &p), 0, "\"%s\" should parse", s);
    cr_assert_eq(p.year, year, "\"%s\": year %d", s, p.year);
    cr_assert_eq(p.month, month, "\"%s\": month %d", s, p.month);
}

static void assert_rejects(const char *s) {
    period_t p = {0, 0};
    cr_assert_eq(period_parse(s, &p), -1, "\"%s\" should be rejected (got %d-%d)", s, p.year, p.month);
}

/* ---- parsing ------------------------------------------------------------------------- */

Test(period, parses_every_accepted_form) {
    assert_parses("2017-06", 2017, 6);
    assert_parses("2017-6", 2017, 6);
    assert_parses("2017/06", 2017, 6);
    assert_parses("2017/6", 2017, 6);
    assert_parses("201706", 2017, 6);
    assert_parses("2017年6月", 2017, 6);
    assert_parses("2017年06月", 2017, 6);
    assert_parses("2017年1-6月", 2017, 6);
    assert_parses("2017年1-2月", 2017, 2);
    assert_parses("2017-12", 2017, 12);
    assert_parses("2017-01", 2017, 1);
    assert_parses("1990-01", 1990, 1);
    assert_parses("2100-12", 2100, 12);
}

Test(period, rejects_what_is_not_a_period) {
    assert_rejects("2017-13");
    assert_rejects("2017-00");
    assert_rejects("2017-0");
    assert_rejects("17-06");
    assert_rejects("");
    assert_rejects("2017-06x");
    assert_rejects("2017-06-01");
    assert_rejects("1989-01");
    assert_rejects("2101-01");
    assert_rejects("2017");
    assert_rejects("2017-");
    assert_rejects("20176");
    assert_rejects("2017066");
    assert_rejects("2017年13月");
    assert_rejects("2017年6");
    assert_rejects("2017年2-6月"); /* a YTD period always starts in January */
    assert_rejects("June 2017");
    cr_assert_eq(period_parse(NULL, &(period_t){0, 0}), -1);
}

Test(period, format_and_compare) {
    char s[PERIOD_STRLEN];
    period_format(P(2017, 6), s);
    cr_assert_str_eq(s, "2017-06");
    period_format(P(2017, 12), s);
    cr_assert_str_eq(s, "2017-12");
    period_format(P(987, 1), s);
    cr_assert_str_eq(s, "0987-01", "four digits, as %04u");
    period_format(P(12017, 123), s);
    cr_assert_str_eq(s, "2017-23", "year mod 10 000, month mod 100: never more than 7 bytes");
    period_format(P(-1, -1), s);
    cr_assert_str_eq(s, "7295-95", "as (unsigned)-1 %% 10 000 and %% 100");
    cr_assert_lt(period_cmp(P(2017, 6), P(2017, 7)), 0);
    cr_assert_gt(period_cmp(P(2018, 2), P(2017, 12)), 0);
    cr_assert_eq(period_cmp(P(2017, 6), P(2017, 6)), 0);
    cr_assert_lt(period_cmp(P(2016, 12), P(2017, 2)), 0);
}

Test(period, parse_then_format_is_canonical) {
    period_t p;
    char s[PERIOD_STRLEN];
    cr_assert_eq(period_parse("2017年1-6月", &p), 0);
    period_format(p, s);
    cr_assert_str_eq(s, "2017-06");
}

/* ---- the previous reporting period ------------------------------------------------------ */

Test(period, prev_with_january_merged_into_february) {
    period_t p = period_prev(P(2017, 3), true);
    cr_assert_eq(p.year, 2017);
    cr_assert_eq(p.month, 2);
    p = period_prev(P(2017, 12), true);
    cr_assert_eq(p.year, 2017);
    cr_assert_eq(p.month, 11);
    p = period_prev(P(2017, 2), true); /* "1-2月" is the year's first report */
    cr_assert_eq(p.year, 0);
    cr_assert_eq(p.month, 0);
    p = period_prev(P(2017, 1), true);
    cr_assert_eq(p.year, 0);
    cr_assert_eq(p.month, 0);
}

Test(period, prev_without_merge) {
    period_t p = period_prev(P(2017, 2), false);
    cr_assert_eq(p.year, 2017);
    cr_assert_eq(p.month, 1);
    p = period_prev(P(2017, 3), false);
    cr_assert_eq(p.year, 2017);
    cr_assert_eq(p.month, 2);
    p = period_prev(P(2017, 1), false); /* never into the previous year: YTD restarts */
    cr_assert_eq(p.year, 0);
    cr_assert_eq(p.month, 0);
}

/* ---- the office calendar ----------------------------------------------------------------- */

Test(period, period_of_time_uses_shanghai_midnight) {
    period_t p = period_of_time(JUL_01_2017);
    cr_assert_eq(p.year, 2017);
    cr_assert_eq(p.month, 7, "2017-07-01 00:00 +08:00 is July in the office");
    p = period_of_time(JUL_01_2017 - 1);
    cr_assert_eq(p.month, 6, "one millisecond earlier is still June");
    p = period_of_time(NOW_2017_07_15);
    cr_assert_eq(p.year, 2017);
    cr_assert_eq(p.month, 7);
    p = period_of_time(1514764800000LL - 8 * HOUR); /* 2018-01-01 00:00 +08:00 */
    cr_assert_eq(p.year, 2018);
    cr_assert_eq(p.month, 1);
}

Test(period, is_future_at_fixed_instants) {
    cr_assert_not(period_is_future(P(2017, 6), NOW_2017_07_15));
    cr_assert_not(period_is_future(P(2017, 7), NOW_2017_07_15), "the current month is not the future");
    cr_assert(period_is_future(P(2017, 8), NOW_2017_07_15));
    cr_assert(period_is_future(P(2018, 2), NOW_2017_07_15));
    cr_assert_not(period_is_future(P(2016, 12), NOW_2017_07_15));
    /* across Shanghai midnight on 1 July (16:00 UTC on 30 June) */
    cr_assert(period_is_future(P(2017, 7), JUL_01_2017 - 1));
    cr_assert_not(period_is_future(P(2017, 7), JUL_01_2017));
}

Test(period, deadline_is_the_10th_of_the_next_month_at_24h) {
    cr_assert_eq(period_deadline_ms(P(2017, 5), 10), MAY_DEADLINE);
    cr_assert_eq(period_deadline_ms(P(2017, 6), 10), NOW_2017_07_15 - 4 * 24 * HOUR);
}

Test(period, december_deadline_is_in_january_of_the_next_year) {
    cr_assert_eq(period_deadline_ms(P(2017, 12), 10), DEC_DEADLINE);
}

Test(period, deadline_at_the_end_of_a_short_month) {
    /* January's report due on 28 February 24:00 = 1 March 00:00 */
    cr_assert_eq(period_deadline_ms(P(2017, 1), 28), MAR_01_2017);
}

/* ---- the clock --------------------------------------------------------------------------- */

Test(period, clock_now_pinned_by_yuebao_now) {
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-15", 1), 0);
    cr_assert_eq(clock_now_ms(), NOW_2017_07_15);
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-15T08:00", 1), 0);
    cr_assert_eq(clock_now_ms(), NOW_2017_07_15 + 8 * HOUR);
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-15 08:30:15", 1), 0);
    cr_assert_eq(clock_now_ms(), NOW_2017_07_15 + 8 * HOUR + 30 * 60000LL + 15000);
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-06-11", 1), 0);
    cr_assert_eq(clock_now_ms(), MAY_DEADLINE);
}

Test(period, clock_now_without_yuebao_now_is_the_wall_clock) {
    cr_assert_eq(unsetenv("YUEBAO_NOW"), 0);
    int64_t now = clock_now_ms();
    cr_assert_gt(now, 1700000000000LL, "after November 2023");
    cr_assert_lt(now, 4102444800000LL, "before 2100");
}

Test(period, clock_mono_never_goes_back) {
    int64_t a = clock_mono_ms(), b = clock_mono_ms();
    cr_assert_geq(b, a);
}

Test(period, clock_format_in_shanghai_time) {
    char s[20];
    clock_format(NOW_2017_07_15, s);
    cr_assert_str_eq(s, "2017-07-15 00:00:00");
    clock_format(MAY_DEADLINE - 1000, s);
    cr_assert_str_eq(s, "2017-06-10 23:59:59");
    clock_format(DEC_DEADLINE, s);
    cr_assert_str_eq(s, "2018-01-11 00:00:00");
    clock_format(0, s);
    cr_assert_str_eq(s, "1970-01-01 08:00:00");
    clock_format(NOW_2017_07_15 + 13 * HOUR + 5 * 60000LL + 9000, s);
    cr_assert_str_eq(s, "2017-07-15 13:05:09");
}

/* ---- what a spreadsheet shows for a period -------------------------------------------- */

static void assert_sheet(const char *s, int year, int month, bool as_date) {
    period_t p = {0, 0};
    bool d = !as_date;
    cr_assert_eq(period_parse_sheet(s, &p, &d), 0, "\"%s\" should parse", s);
    cr_assert_eq(p.year, year, "\"%s\": year %d", s, p.year);
    cr_assert_eq(p.month, month, "\"%s\": month %d", s, p.month);
    cr_assert_eq(d, as_date, "\"%s\": as_date", s);
}

Test(period, sheet_forms_excel_makes_of_a_period) {
    assert_sheet("2017-06", 2017, 6, false);
    assert_sheet("2017年1-6月", 2017, 6, false);
    assert_sheet("2017.6", 2017, 6, false);
    assert_sheet("2017/6", 2017, 6, false);
    assert_sheet("2017/6/1", 2017, 6, true);
    assert_sheet("2017-06-01", 2017, 6, true);
    assert_sheet("2017-6-30", 2017, 6, true);
    assert_sheet("2017.6.1", 2017, 6, true);
    assert_sheet("2017/6/1 0:00", 2017, 6, true);
    assert_sheet("2017-06-01 00:00:00", 2017, 6, true);
    assert_sheet("2017年6月1日", 2017, 6, true);
    assert_sheet("Jun-17", 2017, 6, true);
    assert_sheet("jun-17", 2017, 6, true);
    assert_sheet("Jun-2017", 2017, 6, true);
    assert_sheet("June 2017", 2017, 6, true);
    assert_sheet("Dec-99", 1999, 12, true);
    assert_sheet("42887", 2017, 6, true); /* a date serial written out */
}

Test(period, sheet_forms_that_are_refused) {
    static const char *const bad[] = {"2017/6/31", "2017/2/29", "2017-06/01", "2017/6/1 25:00", "17-Jun",
                                      "Jun",       "Jux-17",    "Jun-017",    "42887.5",         "4288",
                                      "2017/13/1", "June-1017", "2017年6月1", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        period_t p = {0, 0};
        cr_assert_eq(period_parse_sheet(bad[i], &p, NULL), -1, "\"%s\" accepted as %d-%d", bad[i], p.year, p.month);
    }
    assert_sheet("2016/2/29", 2016, 2, true); /* a leap day is a day */
}

/* Serials count days from 1900-01-01 = 1 with Lotus's phantom 1900-02-29 = 60, so from
 * 61 on serial − 25569 is days since 1970-01-01: 42887 − 25569 = 17318, and 17318 days
 * are 2017-06-01 (2017-06-10 is day 17327, above). One day off would move 42886
 * (2017-05-31) into June or 42887 into May. */
Test(period, serials_in_the_1900_system) {
    period_t p = {0, 0};
    cr_assert_eq(period_from_serial(42887, &p), 0);
    cr_assert_eq(p.year, 2017);
    cr_assert_eq(p.month, 6);
    cr_assert_eq(period_from_serial(42886, &p), 0);
    cr_assert_eq(p.month, 5, "42886 is 2017-05-31");
    cr_assert_eq(period_from_serial(42916.75, &p), 0, "a time of day is ignored");
    cr_assert_eq(p.month, 6, "42916 is 2017-06-30");
    cr_assert_eq(period_from_serial(42917, &p), 0);
    cr_assert_eq(p.month, 7);
    cr_assert_eq(period_from_serial(32874, &p), 0, "1990-01-01: 7305 days after 1970-01-01");
    cr_assert_eq(p.year, 1990);
    cr_assert_eq(p.month, 1);
    cr_assert_eq(period_from_serial(32873, &p), -1, "1989-12-31 is no reporting year");
    cr_assert_eq(period_from_serial(60, &p), -1, "1900-02-29 never was");
    cr_assert_eq(period_from_serial(0, &p), -1);
    cr_assert_eq(period_from_serial(-1, &p), -1);
    cr_assert_eq(period_from_serial(INFINITY, &p), -1);
}
