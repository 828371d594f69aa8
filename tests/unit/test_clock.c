/* test_clock.c - the office's clock: civil days, Asia/Shanghai dates and times, the
 * format, YUEBAO_NOW, the monotonic clock and where sequence numbers start.
 *
 * Day counts are worked by hand (365 a year, one more per leap year, then the months):
 * 1970..1999 has 7 leap years, so 2000-01-01 is 30 * 365 + 7 = 10957; 1970..2016 has 12,
 * so 2017-01-01 is 47 * 365 + 12 = 17167, and 2017-07-01 is 17167 + 181 = 17348.
 * Each test runs in its own process, so setenv there stays there.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL

/* The real clock, read here rather than through the module under test. */
static int64_t real_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t real_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- clock_days_from_civil -------------------------------------------------------- */

Test(clock, days_from_civil_by_hand) {
    cr_assert_eq(clock_days_from_civil(1970, 1, 1), 0);
    cr_assert_eq(clock_days_from_civil(1970, 1, 2), 1);
    cr_assert_eq(clock_days_from_civil(1971, 1, 1), 365);
    cr_assert_eq(clock_days_from_civil(1973, 1, 1), 3 * 365 + 1); /* 1972 was leap */
    cr_assert_eq(clock_days_from_civil(2000, 1, 1), 10957);
    cr_assert_eq(clock_days_from_civil(2000, 3, 1), 10957 + 31 + 29); /* 2000 is leap */
    cr_assert_eq(clock_days_from_civil(2000, 3, 1), 11017);
    cr_assert_eq(clock_days_from_civil(2017, 1, 1), 17167);
    cr_assert_eq(clock_days_from_civil(2017, 7, 5), 17167 + 181 + 4);
    cr_assert_eq(clock_days_from_civil(2017, 7, 5), 17352);
    cr_assert_eq(clock_days_from_civil(2100, 3, 1) - clock_days_from_civil(2100, 2, 28), 1,
                 "2100 is not leap");
    cr_assert_eq(clock_days_from_civil(2000, 3, 1) - clock_days_from_civil(2000, 2, 28), 2, "2000 is");
}

Test(clock, days_from_civil_past_the_months_end) {
    cr_assert_eq(clock_days_from_civil(2017, 1, 32), clock_days_from_civil(2017, 2, 1));
    cr_assert_eq(clock_days_from_civil(2017, 1, 32), 17167 + 31);
    cr_assert_eq(clock_days_from_civil(2017, 2, 29), clock_days_from_civil(2017, 3, 1), "not leap");
    cr_assert_eq(clock_days_from_civil(2016, 2, 30), clock_days_from_civil(2016, 3, 1), "leap");
    cr_assert_eq(clock_days_from_civil(2017, 6, 31), clock_days_from_civil(2017, 7, 1));
    cr_assert_eq(clock_days_from_civil(2016, 12, 32), 17167, "into the next year");
    cr_assert_eq(clock_days_from_civil(2017, 7, 40), 17348 + 39);
}

Test(clock, days_from_civil_before_1970) {
    cr_assert_eq(clock_days_from_civil(1969, 12, 31), -1);
    cr_assert_eq(clock_days_from_civil(1969, 1, 1), -365);
    cr_assert_eq(clock_days_from_civil(1968, 1, 1), -365 - 366); /* 1968 was leap */
    /* 1900..1969: 70 years, leap years 1904..1968 = 17 (1900 was not) */
    cr_assert_eq(clock_days_from_civil(1900, 1, 1), -(70 * 365 + 17));
    cr_assert_eq(clock_days_from_civil(1900, 1, 1), -25567);
    /* 0000-03-01 is where the algorithm's eras start; 400 years are 146097 days */
    cr_assert_eq(clock_days_from_civil(0, 3, 1), -719468);
    cr_assert_eq(clock_days_from_civil(-400, 3, 1), -719468 - 146097, "a year before 0");
    cr_assert_eq(clock_days_from_civil(1, 1, 1), -719162);
}

/* ---- clock_civil_from_ms ---------------------------------------------------------- */

/* The Shanghai civil date and time of ms, as one number yyyymmddhhmmss to compare. */
static long long civil(int64_t ms) {
    int y, m, d, hh, mi, ss;
    clock_civil_from_ms(ms, &y, &m, &d, &hh, &mi, &ss);
    return ((((y * 100LL + m) * 100 + d) * 100 + hh) * 100 + mi) * 100 + ss;
}

Test(clock, civil_from_ms_is_shanghai_time) {
    /* 2017-07-04T16:00:00Z is midnight of 2017-07-05 in Shanghai */
    const int64_t ms = (17351 * 86400LL + 16 * 3600) * 1000;
    cr_assert_eq(ms, 1499184000000LL);
    cr_assert_eq(civil(ms), 20170705000000LL);
    cr_assert_eq(civil(ms - 1), 20170704235959LL, "the millisecond before is still the 4th");
    cr_assert_eq(civil(ms + 13 * HOUR_MS + 5 * 60000 + 9000 + 999), 20170705130509LL);
    cr_assert_eq(civil(0), 19700101080000LL, "the epoch is 08:00 in Shanghai");
}

Test(clock, civil_from_ms_negative) {
    cr_assert_eq(civil(-1), 19700101075959LL);
    cr_assert_eq(civil(-8 * HOUR_MS), 19700101000000LL);
    cr_assert_eq(civil(-8 * HOUR_MS - 1), 19691231235959LL, "floored, not truncated to zero");
    cr_assert_eq(civil(-8 * HOUR_MS - DAY_MS), 19691231000000LL);
    cr_assert_eq(civil(-25567 * DAY_MS - 8 * HOUR_MS), 19000101000000LL);
    cr_assert_eq(civil(-25567 * DAY_MS - 8 * HOUR_MS - 1000), 18991231235959LL);
}

static int month_days(int y, int m) {
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* Every 7919th second over about 1000 years on each side of 1970: the date is a real
 * one, and clock_days_from_civil of it gives back the instant to the second. */
Test(clock, civil_from_ms_round_trips_with_days_from_civil) {
    const int64_t step = 7919LL * 1000 * 1009, span = 365250LL * DAY_MS;
    for (int64_t ms = -span; ms <= span; ms += step) {
        int y, m, d, hh, mi, ss;
        int64_t floor_s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
        clock_civil_from_ms(ms, &y, &m, &d, &hh, &mi, &ss);
        cr_assert(m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m), "%lld: %d-%d-%d", (long long)ms, y, m,
                  d);
        cr_assert(hh >= 0 && hh < 24 && mi >= 0 && mi < 60 && ss >= 0 && ss < 60);
        cr_assert_eq((clock_days_from_civil(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss) * 1000 -
                         CLOCK_SHANGHAI_OFFSET_MS,
                     floor_s * 1000, "%lld -> %04d-%02d-%02d %02d:%02d:%02d", (long long)ms, y, m, d, hh, mi,
                     ss);
    }
}

Test(clock, civil_from_ms_round_trips_day_by_day) {
    /* every local midnight from 1968 to 2101: each the day after the one before */
    int py = 1967, pm = 12, pd = 31;
    for (long long day = clock_days_from_civil(1968, 1, 1); day <= clock_days_from_civil(2101, 1, 1); day++) {
        int y, m, d, hh, mi, ss;
        clock_civil_from_ms(day * DAY_MS - CLOCK_SHANGHAI_OFFSET_MS, &y, &m, &d, &hh, &mi, &ss);
        cr_assert(hh == 0 && mi == 0 && ss == 0);
        if (d == 1)
            cr_assert(pd == month_days(py, pm) && (m == pm + 1 || (m == 1 && pm == 12 && y == py + 1)),
                      "%d-%d-%d after %d-%d-%d", y, m, d, py, pm, pd);
        else
            cr_assert(y == py && m == pm && d == pd + 1, "%d-%d-%d after %d-%d-%d", y, m, d, py, pm, pd);
        cr_assert_eq(clock_days_from_civil(y, m, d), day);
        py = y, pm = m, pd = d;
    }
    cr_assert(py == 2101 && pm == 1 && pd == 1);
}

/* ---- clock_format ----------------------------------------------------------------- */

Test(clock, format) {
    char s[20];
    clock_format(1499184000000LL, s);
    cr_assert_str_eq(s, "2017-07-05 00:00:00");
    clock_format(1499184000000LL - 1, s);
    cr_assert_str_eq(s, "2017-07-04 23:59:59");
    clock_format(1499184000000LL + 13 * HOUR_MS + 5 * 60000 + 9000, s);
    cr_assert_str_eq(s, "2017-07-05 13:05:09");
    clock_format(0, s);
    cr_assert_str_eq(s, "1970-01-01 08:00:00");
    clock_format(-8 * HOUR_MS - 1, s);
    cr_assert_str_eq(s, "1969-12-31 23:59:59");
    clock_format(-719162 * DAY_MS - 8 * HOUR_MS, s);
    cr_assert_str_eq(s, "0001-01-01 00:00:00", "the year is padded to four digits");
}

/* ---- clock_now_ms and YUEBAO_NOW -------------------------------------------------- */

/* 2017-07-15 is day 17348 + 14 = 17362; its Shanghai midnight is 8 hours before UTC's. */
#define NOW_2017_07_15 (17362 * DAY_MS - 8 * HOUR_MS)

Test(clock, now_pinned_by_yuebao_now) {
    cr_assert_eq(NOW_2017_07_15, 1500048000000LL);
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-15", 1), 0);
    cr_assert_eq(clock_now_ms(), NOW_2017_07_15);
    cr_assert_eq(clock_now_ms(), NOW_2017_07_15, "pinned: it does not move");
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-15T08:00", 1), 0);
    cr_assert_eq(clock_now_ms(), NOW_2017_07_15 + 8 * HOUR_MS);
    cr_assert_eq(clock_now_ms(), 17362 * DAY_MS, "08:00 in Shanghai is midnight UTC");
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-15 08:30:15", 1), 0);
    cr_assert_eq(clock_now_ms(), NOW_2017_07_15 + 8 * HOUR_MS + 30 * 60000 + 15000);
    cr_assert_eq(setenv("YUEBAO_NOW", "1969-12-31", 1), 0);
    cr_assert_eq(clock_now_ms(), -DAY_MS - 8 * HOUR_MS, "before the epoch");
    cr_assert_eq(unsetenv("YUEBAO_NOW"), 0);
}

Test(clock, now_is_the_real_clock_without_yuebao_now) {
    int64_t before, now, after;
    cr_assert_eq(unsetenv("YUEBAO_NOW"), 0);
    before = real_ms();
    now = clock_now_ms();
    after = real_ms();
    cr_assert(before <= now && now <= after, "%lld not in [%lld, %lld]", (long long)now, (long long)before,
              (long long)after);
    cr_assert_eq(setenv("YUEBAO_NOW", "", 1), 0); /* empty is unset */
    before = real_ms();
    now = clock_now_ms();
    after = real_ms();
    cr_assert(before <= now && now <= after);
}

Test(clock, now_falls_back_to_the_real_clock_on_a_bad_value) {
    const char *bad[] = {"yesterday",        "2017-07",          "2017-13-01",
                         "2017-00-10",       "2017-07-32",       "2017-07-00",
                         "2017-07-15T24:00", "2017-07-15T08:60", "2017-07-15T08:00:60"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t before, now, after;
        cr_assert_eq(setenv("YUEBAO_NOW", bad[i], 1), 0);
        before = real_ms();
        now = clock_now_ms();
        after = real_ms();
        cr_assert(before <= now && now <= after, "YUEBAO_NOW=\"%s\" gave %lld, not the real clock", bad[i],
                  (long long)now);
    }
    cr_assert_eq(unsetenv("YUEBAO_NOW"), 0);
}

/* ---- clock_mono_ms and clock_sequence_origin -------------------------------------- */

Test(clock, mono_never_goes_back_and_keeps_time) {
    struct timespec pause = {0, 20 * 1000000};
    int64_t prev = clock_mono_ms(), start, end;
    for (int i = 0; i < 100000; i++) {
        int64_t t = clock_mono_ms();
        cr_assert_geq(t, prev);
        prev = t;
    }
    start = clock_mono_ms();
    nanosleep(&pause, NULL);
    end = clock_mono_ms();
    cr_assert_geq(end - start, 20, "20 ms slept, %lld ms passed", (long long)(end - start));
    cr_assert_lt(end - start, 10000);
}

Test(clock, mono_ignores_yuebao_now) {
    int64_t a, b;
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-15", 1), 0);
    a = clock_mono_ms();
    b = clock_mono_ms();
    cr_assert(b >= a && b - a < 1000);
    cr_assert_neq(a, NOW_2017_07_15);
}

Test(clock, sequence_origin_is_the_real_time_in_microseconds) {
    uint64_t before, origin, after;
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-15", 1), 0); /* never followed here */
    before = real_us();
    origin = clock_sequence_origin();
    after = real_us();
    cr_assert(before <= origin && origin <= after, "%llu not in [%llu, %llu]", (unsigned long long)origin,
              (unsigned long long)before, (unsigned long long)after);
    /* microseconds, not ms: a thousand times the real ms, give or take a second */
    cr_assert_geq(origin / 1000, (uint64_t)real_ms() - 1000);
    cr_assert_lt(origin / 1000, (uint64_t)real_ms() + 1000);
    cr_assert_gt(origin, (uint64_t)NOW_2017_07_15 * 1000, "later than the pinned date");
    cr_assert_geq(clock_sequence_origin(), origin, "and it moves forward");
}
