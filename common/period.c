/* period.c - reporting periods (see period.h); the dates come from util/clock.c.
 *
 * Asia/Shanghai has been UTC+8 without daylight saving since 1991, so the office
 * calendar is plain arithmetic on a fixed offset: no TZ database, no setenv("TZ").
 */
#include "period.h"
#include "clock.h"

#include <stdio.h>
#include <string.h>

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

period_t period_of_time(int64_t now_ms) {
    period_t p;
    int d, hh, mi, ss;
    clock_civil_from_ms(now_ms, &p.year, &p.month, &d, &hh, &mi, &ss);
    return p;
}

bool period_is_future(period_t p, int64_t now_ms) {
    return period_cmp(p, period_of_time(now_ms)) > 0;
}

int64_t period_deadline_ms(period_t p, int day) {
    int y = p.month == 12 ? p.year + 1 : p.year;
    int m = p.month == 12 ? 1 : p.month + 1;
    /* 24:00 of `day` is 00:00 of day+1; days_from_civil copes with day+1 past month end */
    return (clock_days_from_civil(y, m, 1) + day) * 86400000LL - CLOCK_SHANGHAI_OFFSET_MS;
}
