/* clock.c - the office's clock: wall and monotonic time, YUEBAO_NOW, Asia/Shanghai dates (see clock.h). */
#include "clock.h"

#include "i18n.h"
#include "log.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Howard Hinnant's algorithm. */
long long clock_days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

void clock_civil_from_ms(int64_t ms, int *y, int *m, int *d, int *hh, int *mi, int *ss) {
    int64_t local = ms + CLOCK_SHANGHAI_OFFSET_MS;
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

int64_t clock_now_ms(void) {
    const char *env = getenv("YUEBAO_NOW");
    if (env && *env) {
        static bool warned;
        int y, m, d, hh = 0, mi = 0, ss = 0;
        if (sscanf(env, "%d-%d-%d%*[T ]%d:%d:%d", &y, &m, &d, &hh, &mi, &ss) >= 3 && m >= 1 && m <= 12 &&
            d >= 1 && d <= 31 && hh >= 0 && hh < 24 && mi >= 0 && mi < 60 && ss >= 0 && ss < 60)
            return (clock_days_from_civil(y, m, d) * 86400LL + hh * 3600 + mi * 60 + ss) * 1000 -
                   CLOCK_SHANGHAI_OFFSET_MS;
        if (!warned)
            log_warn(_("YUEBAO_NOW=\"%s\" is not a date (2017-07-15 or 2017-07-15T08:00); using the real clock"),
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
    clock_civil_from_ms(ms, &y, &m, &d, &hh, &mi, &ss);
    snprintf(out, 20, "%04u-%02u-%02u %02u:%02u:%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u, (unsigned)hh % 100u, (unsigned)mi % 100u, (unsigned)ss % 100u);
}

uint64_t clock_sequence_origin(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
