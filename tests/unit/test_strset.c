/* test_strset.c - the sorted set of short keys: any order in, seal sorts and drops
 * repeats, lookups on empty and sealed sets, over-long keys, free and reuse.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "strset.h"

Test(strset, empty_set_has_nothing) {
    strset_t set = {0};
    cr_assert_not(strset_has(&set, ""));
    cr_assert_not(strset_has(&set, "2017-06"));
    strset_seal(&set); /* sealing nothing is fine, and still empty */
    cr_assert_eq(set.n, 0);
    cr_assert_not(strset_has(&set, "2017-06"));
    strset_free(&set); /* and so is freeing it */
    cr_assert_null(set.items);
}

Test(strset, seal_sorts_and_drops_repeats) {
    strset_t set = {0};
    const char *in[] = {"Z03", "Z01", "Z03", "Z02", "Z01", "Z03", "A", ""};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        cr_assert_eq(strset_add(&set, in[i]), 0);
    cr_assert_eq(set.n, 8, "repeats are kept until the seal");
    strset_seal(&set);
    cr_assert_eq(set.n, 5);
    cr_assert_str_eq(set.items[0], "");
    cr_assert_str_eq(set.items[1], "A");
    cr_assert_str_eq(set.items[2], "Z01");
    cr_assert_str_eq(set.items[3], "Z02");
    cr_assert_str_eq(set.items[4], "Z03");
    strset_free(&set);
}

Test(strset, has_on_a_sealed_set) {
    strset_t set = {0};
    cr_assert_eq(strset_add(&set, "2017 Z02"), 0);
    cr_assert_eq(strset_add(&set, "2017 Z01"), 0);
    cr_assert_eq(strset_add(&set, "2017 Z04"), 0);
    strset_seal(&set);
    cr_assert(strset_has(&set, "2017 Z01"));
    cr_assert(strset_has(&set, "2017 Z02"));
    cr_assert(strset_has(&set, "2017 Z04"));
    cr_assert_not(strset_has(&set, "2017 Z00"), "before the first");
    cr_assert_not(strset_has(&set, "2017 Z03"), "between two");
    cr_assert_not(strset_has(&set, "2017 Z05"), "after the last");
    cr_assert_not(strset_has(&set, "2017"), "a prefix is not a member");
    cr_assert_not(strset_has(&set, "2017 Z011"), "nor a longer key");
    cr_assert_not(strset_has(&set, "2017 z01"), "case matters");
    strset_free(&set);
}

Test(strset, one_item) {
    strset_t set = {0};
    cr_assert_eq(strset_add(&set, "x"), 0);
    strset_seal(&set);
    cr_assert_eq(set.n, 1);
    cr_assert(strset_has(&set, "x"));
    cr_assert_not(strset_has(&set, "y"));
    strset_free(&set);
}

Test(strset, two_items_out_of_order) {
    strset_t set = {0};
    cr_assert_eq(strset_add(&set, "2017-07"), 0);
    cr_assert_eq(strset_add(&set, "2017-06"), 0);
    strset_seal(&set);
    cr_assert_str_eq(set.items[0], "2017-06");
    cr_assert_str_eq(set.items[1], "2017-07");
    cr_assert(strset_has(&set, "2017-06"));
    cr_assert(strset_has(&set, "2017-07"));
    strset_free(&set);
}

Test(strset, periods_come_out_in_time_order) {
    strset_t set = {0};
    const char *in[] = {"2017-10", "2017-02", "2016-12", "2017-01", "2017-02", "2018-01", "2017-09"};
    const char *want[] = {"2016-12", "2017-01", "2017-02", "2017-09", "2017-10", "2018-01"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        cr_assert_eq(strset_add(&set, in[i]), 0);
    strset_seal(&set);
    cr_assert_eq(set.n, 6);
    for (size_t i = 0; i < 6; i++)
        cr_assert_str_eq(set.items[i], want[i], "[%zu]", i);
    strset_free(&set);
}

Test(strset, a_key_of_strset_len_or_more_is_not_kept) {
    strset_t set = {0};
    char longest[STRSET_LEN], too_long[STRSET_LEN + 1], much_too_long[3 * STRSET_LEN];
    memset(longest, 'a', STRSET_LEN - 1); /* 95 bytes and its NUL: fits exactly */
    longest[STRSET_LEN - 1] = '\0';
    memset(too_long, 'b', STRSET_LEN); /* 96 bytes: its NUL would not fit */
    too_long[STRSET_LEN] = '\0';
    memset(much_too_long, 'c', sizeof much_too_long - 1);
    much_too_long[sizeof much_too_long - 1] = '\0';
    cr_assert_eq(strset_add(&set, longest), 0);
    cr_assert_eq(strset_add(&set, too_long), 0, "not kept, but not an error");
    cr_assert_eq(strset_add(&set, much_too_long), 0);
    cr_assert_eq(set.n, 1);
    strset_seal(&set);
    cr_assert(strset_has(&set, longest));
    cr_assert_str_eq(set.items[0], longest);
    cr_assert_not(strset_has(&set, too_long));
    cr_assert_not(strset_has(&set, much_too_long));
    /* nor is a cut copy of it: the first 95 bytes of too_long are not in the set */
    too_long[STRSET_LEN - 1] = '\0';
    cr_assert_not(strset_has(&set, too_long));
    strset_free(&set);
}

Test(strset, grows_past_its_first_allocation) {
    strset_t set = {0};
    char key[16];
    /* 300 keys, in reverse and each twice: past the first 64 slots and two doublings */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 299; i >= 0; i--) {
            snprintf(key, sizeof key, "Z%03d", i);
            cr_assert_eq(strset_add(&set, key), 0);
        }
    cr_assert_eq(set.n, 600);
    cr_assert_geq(set.cap, 600);
    strset_seal(&set);
    cr_assert_eq(set.n, 300);
    for (int i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "Z%03d", i);
        cr_assert_str_eq(set.items[i], key);
        cr_assert(strset_has(&set, key), "%s", key);
    }
    cr_assert_not(strset_has(&set, "Z300"));
    strset_free(&set);
}

Test(strset, free_empties_and_the_set_can_be_reused) {
    strset_t set = {0};
    cr_assert_eq(strset_add(&set, "2017-06"), 0);
    cr_assert_eq(strset_add(&set, "2017-07"), 0);
    strset_seal(&set);
    cr_assert(strset_has(&set, "2017-06"));
    strset_free(&set);
    cr_assert_null(set.items);
    cr_assert_eq(set.n, 0);
    cr_assert_eq(set.cap, 0);
    cr_assert_not(strset_has(&set, "2017-06"));
    /* reused: the old members are gone, the new one is there */
    cr_assert_eq(strset_add(&set, "2017-08"), 0);
    strset_seal(&set);
    cr_assert_eq(set.n, 1);
    cr_assert(strset_has(&set, "2017-08"));
    cr_assert_not(strset_has(&set, "2017-06"));
    strset_free(&set);
    strset_free(&set); /* twice is safe: the first left it empty */
}
