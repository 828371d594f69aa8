/* test_alert.c - alert keys, names and the in-place sort (alert.c).
 *
 * Keys are what the score store, the topics and the notifier match on, so each kind's
 * key is checked against the exact text written out by hand. The sort is checked on a
 * list shuffled by a fixed seed: the order is strcmp's on the keys, and every alert
 * arrives whole (its message names where it started).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"

static alert_t make(alert_kind_t kind, const char *zone, const char *indicator, int year, const char *period) {
    alert_t a;
    memset(&a, 0, sizeof a);
    a.kind = kind;
    snprintf(a.zone, sizeof a.zone, "%s", zone);
    snprintf(a.indicator, sizeof a.indicator, "%s", indicator);
    a.year = year;
    snprintf(a.period, sizeof a.period, "%s", period);
    return a;
}

Test(alert, each_kind_has_its_key_as_written) {
    char key[ALERT_KEY_LEN];
    alert_t a = make(ALERT_PACE, "jinshan", "fai", 2017, "2017-05");
    alert_key(&a, key);
    cr_assert_str_eq(key, "pace/jinshan/fai/2017");
    a = make(ALERT_GROWTH, "410602001", "revenue", 2009, "2009-12");
    alert_key(&a, key);
    cr_assert_str_eq(key, "growth/410602001/revenue/2009");
    a = make(ALERT_LEVEL, "z", "", 0, "");
    alert_key(&a, key);
    cr_assert_str_eq(key, "level/z//0");
    a = make(ALERT_OVERDUE, "shancheng", "fai", 2017, "2017-05");
    alert_key(&a, key);
    cr_assert_str_eq(key, "overdue/shancheng/2017-05", "an overdue key has its period, not indicator and year");
}

Test(alert, the_longest_fields_make_the_key_snprintf_would) {
    char key[ALERT_KEY_LEN], want[ALERT_KEY_LEN], zone[ZONE_CODE_SIZE], ind[48];
    alert_t a;
    memset(zone, 'z', sizeof zone - 1);
    zone[sizeof zone - 1] = '\0';
    memset(ind, 'i', sizeof ind - 1);
    ind[sizeof ind - 1] = '\0';
    a = make(ALERT_GROWTH, zone, ind, -2017, "2017-05");
    alert_key(&a, key);
    snprintf(want, sizeof want, "growth/%s/%s/%d", zone, ind, -2017);
    cr_assert_str_eq(key, want);
}

Test(alert, names_parse_back) {
    for (int t = TR_NONE; t <= TR_ACTIVE; t++)
        cr_assert_eq(transition_parse(transition_name((transition_t)t)), t);
    cr_assert_eq(transition_parse("escalated"), TR_ESCALATED);
    cr_assert_eq(transition_parse("Firing"), -1);
    cr_assert_eq(transition_parse(NULL), -1);
    cr_assert_eq(severity_parse("critical"), SEV_CRITICAL);
    cr_assert_eq(alert_kind_parse("overdue"), ALERT_OVERDUE);
}

Test(alert, a_reserved_slot_is_the_callers_to_fill) {
    alert_list_t l = {0};
    alert_t a = make(ALERT_PACE, "a", "fai", 2017, "2017-03"), *slot;
    cr_assert_not_null(alert_list_add(&l, &a));
    cr_assert_not_null(slot = alert_list_add(&l, NULL));
    cr_assert_eq(l.n, 2);
    cr_assert_eq(slot, &l.items[1]);
    cr_assert_str_eq(l.items[0].zone, "a", "the copy added before is untouched");
    alert_list_clear(&l);
}

static int by_key_text(const void *pa, const void *pb) {
    return strcmp(pa, pb);
}

Test(alert, sorting_orders_by_key_and_keeps_every_alert_whole) {
    enum { N = 500 };
    static const alert_kind_t kinds[] = {ALERT_PACE, ALERT_GROWTH, ALERT_LEVEL, ALERT_OVERDUE};
    static char want[N][ALERT_KEY_LEN];
    alert_list_t l = {0};
    unsigned seed = 12345;
    for (int i = 0; i < N; i++) {
        char zone[16], ind[8], period[PERIOD_STRLEN];
        alert_t a;
        seed = seed * 1103515245u + 12345u;
        snprintf(zone, sizeof zone, "z%03u", (seed >> 8) % 97);
        snprintf(ind, sizeof ind, "i%u", (seed >> 16) % 7);
        snprintf(period, sizeof period, "2017-%02u", 1 + (seed >> 4) % 12);
        a = make(kinds[(seed >> 20) % 4], zone, ind, 2016 + (int)((seed >> 24) % 3), period);
        snprintf(a.message, sizeof a.message, "#%d", i);
        a.value = i;
        cr_assert_not_null(alert_list_add(&l, &a));
        alert_key(&a, want[i]);
    }
    qsort(want, N, sizeof want[0], by_key_text);
    alert_list_sort(&l);
    cr_assert_eq(l.n, (size_t)N);
    for (int i = 0; i < N; i++) {
        char key[ALERT_KEY_LEN], msg[16];
        alert_key(&l.items[i], key);
        cr_assert_str_eq(key, want[i], "position %d", i);
        snprintf(msg, sizeof msg, "#%d", (int)l.items[i].value);
        cr_assert_str_eq(l.items[i].message, msg, "the alert at %d arrived whole", i);
    }
    alert_list_clear(&l);
}
