/* period.c - reporting periods (see period.h); the dates come from util/clock.c.
 *
 * Asia/Shanghai has been UTC+8 without daylight saving since 1991, so the office
 * calendar is plain arithmetic on a fixed offset: no TZ database, no setenv("TZ").
 */
#include "period.h"
#include "clock.h"

#include "log.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>


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

static bool valid_year_month(int year, int month) {
    return year >= 1990 && year <= 2100 && month >= 1 && month <= 12;
}

static int days_in_month(int year, int month) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* " 0:00", " 00:00:00", "T00:00" after a date: the time Excel shows with it. 1 if s is
 * empty or such a time, else 0. */
static int time_or_end(const char *s) {
    int hh, mi;
    if (*s == '\0') return 1;
    if (*s != ' ' && *s != 'T') return 0;
    s++;
    if ((hh = parse_uint(&s, 1, 2)) < 0 || hh > 23 || *s++ != ':' || (mi = parse_uint(&s, 2, 2)) < 0 ||
        mi > 59)
        return 0;
    if (*s == ':') {
        s++;
        if (parse_uint(&s, 2, 2) < 0) return 0;
    }
    return *s == '\0';
}

/* "2017/6/1", "2017-06-01", "2017.6.1" (one separator throughout), "2017年6月1日". */
static int parse_date(const char *s, period_t *p) {
    const char *q = s;
    int year = parse_uint(&q, 4, 4), month, day;
    char sep;
    if (year < 0) return -1;
    if (eat(&q, "年")) {
        if ((month = parse_uint(&q, 1, 2)) < 0 || !eat(&q, "月") || (day = parse_uint(&q, 1, 2)) < 0 ||
            !eat(&q, "日"))
            return -1;
    } else {
        sep = *q;
        if (sep != '-' && sep != '/' && sep != '.') return -1;
        q++;
        if ((month = parse_uint(&q, 1, 2)) < 0 || *q++ != sep || (day = parse_uint(&q, 1, 2)) < 0) return -1;
    }
    if (!time_or_end(q) || !valid_year_month(year, month) || day < 1 || day > days_in_month(year, month))
        return -1;
    p->year = year;
    p->month = month;
    return 0;
}

/* "Jun-17", "Jun-2017", "June 2017", "jun/17": what Excel's mmm-yy format shows. */
static int parse_month_name(const char *s, period_t *p) {
    static const char *const names[12] = {"january", "february", "march",     "april",   "may",      "june",
                                          "july",    "august",   "september", "october", "november", "december"};
    const char *q = s;
    size_t n = 0;
    int month = 0, year;
    while ((q[n] >= 'a' && q[n] <= 'z') || (q[n] >= 'A' && q[n] <= 'Z'))
        n++;
    for (int i = 0; i < 12 && n >= 3; i++)
        if ((n == 3 || n == strlen(names[i])) && !strncasecmp(q, names[i], n)) month = i + 1;
    if (!month) return -1;
    q += n;
    if (*q != '-' && *q != ' ' && *q != '/') return -1;
    q++;
    {
        const char *start = q;
        year = parse_uint(&q, 2, 4);
        if (year < 0 || *q != '\0' || (q - start) == 3) return -1;
        if (q - start == 2) year += year >= 90 ? 1900 : 2000;
    }
    if (!valid_year_month(year, month)) return -1;
    p->year = year;
    p->month = month;
    return 0;
}

int period_from_serial(double serial, period_t *p) {
    long long days;
    int y, m, d, hh, mi, ss;
    if (!isfinite(serial) || serial < 1 || serial >= 2958466) return -1; /* 2958465 is 9999-12-31 */
    days = (long long)floor(serial);
    if (days == 60) return -1; /* 1900-02-29 */
    /* days since 1970-01-01: serial 25569 is 1970-01-01 (from 61 on; before, one less) */
    days -= days < 60 ? 25568 : 25569;
    clock_civil_from_ms(days * 86400000LL - CLOCK_SHANGHAI_OFFSET_MS, &y, &m, &d, &hh, &mi, &ss);
    if (!valid_year_month(y, m)) return -1;
    p->year = y;
    p->month = m;
    return 0;
}

int period_parse_sheet(const char *s, period_t *p, bool *as_date) {
    period_t pd;
    const char *q = s;
    int serial;
    if (as_date) *as_date = false;
    if (!s) return -1;
    if (period_parse(s, p) == 0) return 0;
    serial = parse_uint(&q, 5, 5);
    if (parse_date(s, &pd) < 0 && parse_month_name(s, &pd) < 0 &&
        (serial < 0 || *q != '\0' || period_from_serial(serial, &pd) < 0))
        return -1;
    *p = pd;
    if (as_date) *as_date = true;
    return 0;
}

/* "%04u-%02u" of year mod 10 000 and month mod 100, digit by digit: a scorer pass
 * formats a period per zone judged, and snprintf cost 630 instructions a time. */
void period_format(period_t p, char out[PERIOD_STRLEN]) {
    unsigned y = (unsigned)p.year % 10000u, m = (unsigned)p.month % 100u;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '\0';
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
