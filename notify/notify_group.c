/* notify_group.c - a group's identity and state, and when it is due: fingerprints, state
 * hashes, the office calendar (quiet hours, working days, a reminder's time of day) and
 * the group_wait / group_interval / repeat_interval decision. Pure functions: the clock
 * is an argument, so the tests pin every instant by hand.
 *
 * Times of day are Asia/Shanghai (UTC+8 all year, no daylight saving: util/clock.h), the
 * only time zone the offices keep; the config refuses any other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "notifier.h"

#define DAY_MS (86400LL * 1000)
#define MIN_MS (60LL * 1000)

static uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}
#define FNV_OFFSET 14695981039346656037ULL

void notify_fingerprint(const alert_t *a, char out[17]) {
    char key[ALERT_KEY_LEN];
    alert_key(a, key);
    snprintf(out, 17, "%016llx", (unsigned long long)fnv1a(FNV_OFFSET, key, strlen(key)));
}

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(char *const *)x, *(char *const *)y);
}

uint64_t notify_state_hash(const notice_alert_t *alerts, size_t n) {
    char(*items)[40];
    char **order;
    uint64_t h = FNV_OFFSET;
    if (!n) return 0;
    items = calloc(n, sizeof *items);
    order = calloc(n, sizeof *order);
    if (!items || !order) {
        free(items);
        free(order);
        return 1; /* cannot tell: a state that differs from anything sent, so it is said */
    }
    for (size_t i = 0; i < n; i++) {
        const notice_alert_t *a = &alerts[i];
        snprintf(items[i], sizeof items[i], "%.16s:%s", a->fingerprint,
                 a->status == NOTICE_RESOLVED ? "resolved" : severity_name(a->alert.severity));
        order[i] = items[i];
    }
    qsort(order, n, sizeof *order, cmp_str);
    for (size_t i = 0; i < n; i++)
        h = fnv1a(h, order[i], strlen(order[i]) + 1);
    free(items);
    free(order);
    return h ? h : 1;
}

/* ---- the calendar ------------------------------------------------------------------------ */

static int parse_hhmm(const char *s, int *min) {
    int h, m, used = 0;
    if (sscanf(s, "%2d:%2d%n", &h, &m, &used) != 2 || h < 0 || h > 23 || m < 0 || m > 59) return -1;
    *min = h * 60 + m;
    return used;
}

int notify_parse_quiet(const char *s, int *from_min, int *to_min) {
    int n1, n2;
    if (!*s) {
        *from_min = *to_min = 0;
        return 0;
    }
    if ((n1 = parse_hhmm(s, from_min)) < 0 || s[n1] != '-' || (n2 = parse_hhmm(s + n1 + 1, to_min)) < 0 ||
        s[n1 + 1 + n2])
        return -1;
    return 0;
}

int notify_parse_time_of_day(const char *s, int *min) {
    int n;
    if (!*s) {
        *min = -1;
        return 0;
    }
    if ((n = parse_hhmm(s, min)) < 0 || s[n]) return -1;
    return 0;
}

static int day_index(const char *s, size_t len) {
    static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    for (int i = 0; i < 7; i++)
        if (len == 3 && !strncasecmp(s, days[i], 3)) return i;
    return -1;
}

int notify_parse_days(const char *s, unsigned *bits) {
    *bits = 0;
    if (!strcasecmp(s, "all")) {
        *bits = 0x7f;
        return 0;
    }
    while (*s) {
        size_t len = strcspn(s, ",");
        const char *dash = memchr(s, '-', len);
        if (dash) {
            int a = day_index(s, (size_t)(dash - s)), b = day_index(dash + 1, len - (size_t)(dash - s) - 1);
            if (a < 0 || b < 0) return -1;
            for (int d = a;; d = (d + 1) % 7) {
                *bits |= 1u << d;
                if (d == b) break;
            }
        } else {
            int d = day_index(s, len);
            if (d < 0) return -1;
            *bits |= 1u << d;
        }
        s += len;
        if (*s == ',') s++;
    }
    return *bits ? 0 : -1;
}

/* The Asia/Shanghai day number (days since 1970-01-01 there) and minute of day of ms. */
static long long local_day(int64_t ms) {
    int64_t l = ms + CLOCK_SHANGHAI_OFFSET_MS;
    return (l >= 0 ? l : l - DAY_MS + 1) / DAY_MS;
}
static int minute_of_day(int64_t ms) {
    return (int)((ms + CLOCK_SHANGHAI_OFFSET_MS - local_day(ms) * DAY_MS) / MIN_MS);
}
static int64_t at_local(long long day, int min) {
    return day * DAY_MS + min * MIN_MS - CLOCK_SHANGHAI_OFFSET_MS;
}

int notify_weekday(int64_t ms) {
    return (int)(((local_day(ms) + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
}

static bool working(const notify_calendar_t *c, int64_t ms) {
    return !c->working_days || (c->working_days & (1u << notify_weekday(ms)));
}

bool notify_in_quiet(const notify_calendar_t *c, int64_t ms) {
    int m = minute_of_day(ms);
    if (c->quiet_from_min == c->quiet_to_min) return false;
    if (c->quiet_from_min < c->quiet_to_min) return m >= c->quiet_from_min && m < c->quiet_to_min;
    return m >= c->quiet_from_min || m < c->quiet_to_min;
}

int64_t notify_not_at_night(const notify_calendar_t *c, int64_t ms) {
    for (int i = 0; i < 32; i++) {
        if (notify_in_quiet(c, ms)) {
            long long d = local_day(ms);
            ms = minute_of_day(ms) < c->quiet_to_min ? at_local(d, c->quiet_to_min)
                                                     : at_local(d + 1, c->quiet_to_min);
        } else if (!working(c, ms)) {
            ms = at_local(local_day(ms) + 1, 0);
        } else {
            return ms;
        }
    }
    return ms;
}

int64_t notify_next_reminder(const notify_calendar_t *c, int64_t last_ms, int64_t repeat_ms) {
    int64_t t;
    if (repeat_ms <= 0) return INT64_MAX;
    t = last_ms + repeat_ms;
    if (c->remind_at_min >= 0) {
        long long d = local_day(t);
        int64_t slot = at_local(d, c->remind_at_min);
        for (int i = 0; i < 32 && (slot <= last_ms || !working(c, slot)); i++)
            slot = at_local(++d, c->remind_at_min);
        return slot;
    }
    return notify_not_at_night(c, t);
}

due_t notify_group_due(const group_clock_t *g, uint64_t hash, bool firing, const route_t *eff,
                       const notify_calendar_t *cal, int64_t now_ms, int64_t *next_ms) {
    *next_ms = INT64_MAX;
    if (!hash) return DUE_NOTHING;
    if (hash != g->sent_hash) {
        int64_t due = g->first_seen_ms + eff->group_wait_ms;
        if (g->last_ms && g->last_ms + eff->group_interval_ms > due)
            due = g->last_ms + eff->group_interval_ms;
        if (now_ms >= due) return DUE_NOTIFY;
        *next_ms = due;
        return DUE_NOTHING;
    }
    if (!firing || !g->last_ms) return DUE_NOTHING;
    {
        int64_t at = notify_next_reminder(cal, g->last_ms, eff->repeat_interval_ms);
        if (at != INT64_MAX && now_ms >= at) return DUE_REMIND;
        *next_ms = at;
    }
    return DUE_NOTHING;
}
