/* period.c - reporting periods and the office clock (see period.h).
 *
 * Asia/Shanghai has been UTC+8 without daylight saving since 1991, so the office
 * calendar is plain arithmetic on a fixed offset: no TZ database, no setenv("TZ").
 */
#include "period.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHANGHAI_OFFSET_MS (8LL * 3600 * 1000)

static int parse_uint(const char **s, int min_digits, int max_digits) {
    int v = 0, n = 0;
    while (**s >= '0' && **s <= '9' && n < max_digits) {
        v = v * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    return n >= min_digits ? v : -1;
}

static int eat(const char **s, const char *lit) {
    size_t n = strlen(lit);
    if (strncmp(*s, lit, n) != 0) return 0;
    *s += n;
    return 1;
}

int period_parse(const char *s, period_t *p) {
    const char *q = s;
    int year, month;
    if (!s) return -1;
    year = parse_uint(&q, 4, 4);
    if (year < 0) return -1;
    if (*q == '\0' && strlen(s) == 4) return -1;
    if (eat(&q, "-") || eat(&q, "/") || eat(&q, ".")) {
        month = parse_uint(&q, 1, 2);
    } else if (eat(&q, "年")) {
        /* "2017年6月" or "2017年1-6月" (also "1－6月", "1~6月") */
        const char *save = q;
        month = parse_uint(&q, 1, 2);
        if (month == 1 && (eat(&q, "-") || eat(&q, "－") || eat(&q, "~") || eat(&q, "—")))
            month = parse_uint(&q, 1, 2);
        else if (month < 0)
            q = save;
        if (!eat(&q, "月")) return -1;
    } else {
        month = parse_uint(&q, 2, 2); /* "201706" */
    }
    if (*q != '\0' || month < 1 || month > 12 || year < 1990 || year > 2100) return -1;
    p->year = year;
    p->month = month;
    return 0;
}

void period_format(period_t p, char out[PERIOD_STRLEN]) {
    snprintf(out, PERIOD_STRLEN, "%04u-%02u", (unsigned)p.year % 10000u, (unsigned)p.month % 100u);
}

int period_cmp(period_t a, period_t b) {
    if (a.year != b.year) return a.year < b.year ? -1 : 1;
    if (a.month != b.month) return a.month < b.month ? -1 : 1;
    return 0;
}

period_t period_prev(period_t p, bool merge_jan_feb) {
    period_t none = {0, 0};
    if (p.month <= 1 || (merge_jan_feb && p.month == 2)) return none;
    p.month--;
    if (merge_jan_feb && p.month == 1) return none;
    return p;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static void civil_from_ms(int64_t ms, int *y, int *m, int *d, int *hh, int *mi, int *ss) {
    int64_t local = ms + SHANGHAI_OFFSET_MS;
    long long days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
    long long sec = (local - days * 86400000LL) / 1000;
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = (long long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
    *hh = (int)(sec / 3600);
    *mi = (int)(sec / 60 % 60);
    *ss = (int)(sec % 60);
}

period_t period_of_time(int64_t now_ms) {
    period_t p;
    int d, hh, mi, ss;
    civil_from_ms(now_ms, &p.year, &p.month, &d, &hh, &mi, &ss);
    return p;
}

bool period_is_future(period_t p, int64_t now_ms) {
    return period_cmp(p, period_of_time(now_ms)) > 0;
}

int64_t period_deadline_ms(period_t p, int day) {
    int y = p.month == 12 ? p.year + 1 : p.year;
    int m = p.month == 12 ? 1 : p.month + 1;
    /* 24:00 of `day` is 00:00 of day+1; days_from_civil copes with day+1 past month end */
    return (days_from_civil(y, m, 1) + day) * 86400000LL - SHANGHAI_OFFSET_MS;
}

int64_t clock_now_ms(void) {
    const char *env = getenv("YUEBAO_NOW");
    if (env && *env) {
        static bool warned;
        int y, m, d, hh = 0, mi = 0, ss = 0;
        if (sscanf(env, "%d-%d-%d%*[T ]%d:%d:%d", &y, &m, &d, &hh, &mi, &ss) >= 3 && m >= 1 && m <= 12 &&
            d >= 1 && d <= 31 && hh >= 0 && hh < 24 && mi >= 0 && mi < 60 && ss >= 0 && ss < 60)
            return (days_from_civil(y, m, d) * 86400LL + hh * 3600 + mi * 60 + ss) * 1000 -
                   SHANGHAI_OFFSET_MS;
        if (!warned)
            log_warn("YUEBAO_NOW=\"%s\" is not a date (2017-07-15 or 2017-07-15T08:00); using the real clock",
                     env);
        warned = true;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_format(int64_t ms, char out[20]) {
    int y, m, d, hh, mi, ss;
    civil_from_ms(ms, &y, &m, &d, &hh, &mi, &ss);
    snprintf(out, 20, "%04u-%02u-%02u %02u:%02u:%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u, (unsigned)hh % 100u, (unsigned)mi % 100u, (unsigned)ss % 100u);
}

uint64_t clock_sequence_origin(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
