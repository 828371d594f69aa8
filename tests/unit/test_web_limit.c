/* test_web_limit.c - the login rate limiter: per-name and per-client lock-outs, the
 * window, success, case folding, eviction and concurrent callers.
 *
 * Hand checks: attempts 5, lockout 15 min (900 000 ms) as the shipped defaults: a name
 * locks at its 5th failure within 900 000 ms, a client at its 20th (5 × 4); a lock
 * lasts 900 000 ms from the failure that set it.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdio.h>

#include "web_limit.h"

#define L_MS 900000 /* 15 minutes */

static web_limit_t *lim;

static void setup(void) {
    lim = web_limit_new(5, L_MS);
    cr_assert_not_null(lim);
}

static void teardown(void) {
    web_limit_free(&lim);
    cr_assert_null(lim);
}

TestSuite(web_limit, .init = setup, .fini = teardown);

Test(web_limit, a_name_locks_at_its_fifth_failure_for_the_lockout) {
    int64_t until = 0;
    for (int i = 0; i < 4; i++)
        cr_assert_not(web_limit_failed(lim, "zhang", "10.0.0.1", 1000 + i), "failure %d locks", i + 1);
    cr_assert_not(web_limit_locked(lim, "zhang", "10.0.0.1", 1004, &until));
    cr_assert(web_limit_failed(lim, "zhang", "10.0.0.1", 1004), "the 5th locks");
    cr_assert(web_limit_locked(lim, "zhang", NULL, 1005, &until));
    cr_assert_eq(until, 1004 + L_MS);
    /* from another address too: it is the name that is locked */
    cr_assert(web_limit_locked(lim, "zhang", "10.9.9.9", 1004 + L_MS - 1, NULL));
    /* a failure while locked neither locks again nor extends it */
    cr_assert_not(web_limit_failed(lim, "zhang", "10.0.0.1", 2000));
    cr_assert(web_limit_locked(lim, "zhang", NULL, 2001, &until));
    cr_assert_eq(until, 1004 + L_MS);
    cr_assert_not(web_limit_locked(lim, "zhang", NULL, 1004 + L_MS, NULL), "ends after lockout_ms");
    /* a fresh start after it: the failures that earned the lock are forgotten */
    cr_assert_not(web_limit_failed(lim, "zhang", "10.0.0.2", 1004 + L_MS + 1));
    cr_assert_not(web_limit_locked(lim, "zhang", NULL, 1004 + L_MS + 2, NULL));
    /* another name was never locked */
    cr_assert_not(web_limit_locked(lim, "li", "10.9.9.9", 1005, NULL));
}

Test(web_limit, failures_older_than_the_lockout_are_forgotten) {
    for (int i = 0; i < 4; i++)
        web_limit_failed(lim, "zhang", NULL, i);
    /* the 5th comes L_MS + 10 after the first: only 1 within the window */
    cr_assert_not(web_limit_failed(lim, "zhang", NULL, L_MS + 10));
    cr_assert_not(web_limit_failed(lim, "zhang", NULL, L_MS + 11)); /* 1,2,3 are not within it */
    cr_assert_not(web_limit_failed(lim, "zhang", NULL, L_MS + 12));
    cr_assert_not(web_limit_failed(lim, "zhang", NULL, L_MS + 13));
    /* L+10 … L+14: five within the window */
    cr_assert(web_limit_failed(lim, "zhang", NULL, L_MS + 14));
    cr_assert(web_limit_locked(lim, "zhang", NULL, L_MS + 15, NULL));
}

Test(web_limit, a_client_trying_many_names_locks_at_four_times_attempts) {
    char name[32];
    int64_t until = 0;
    for (int i = 0; i < 19; i++) {
        snprintf(name, sizeof name, "user%d", i);
        cr_assert_not(web_limit_failed(lim, name, "203.0.113.7", 100 + i), "failure %d locks", i + 1);
    }
    cr_assert_not(web_limit_locked(lim, "anyone", "203.0.113.7", 200, NULL));
    cr_assert(web_limit_failed(lim, "user19", "203.0.113.7", 200), "the 20th locks the client");
    cr_assert(web_limit_locked(lim, "anyone", "203.0.113.7", 201, &until), "every name, from that client");
    cr_assert_eq(until, 200 + L_MS);
    cr_assert_not(web_limit_locked(lim, "user3", "198.51.100.1", 201, NULL), "the names themselves are not");
}

Test(web_limit, the_later_of_two_locks_is_when_it_ends) {
    int64_t until = 0;
    for (int i = 0; i < 5; i++)
        web_limit_failed(lim, "zhang", NULL, 10);
    for (int i = 0; i < 20; i++)
        web_limit_failed(lim, NULL, "10.0.0.1", 500);
    cr_assert(web_limit_locked(lim, "zhang", "10.0.0.1", 600, &until));
    cr_assert_eq(until, 500 + L_MS);
}

Test(web_limit, success_forgets_the_names_failures_not_the_clients) {
    for (int i = 0; i < 4; i++)
        web_limit_failed(lim, "zhang", "10.0.0.1", i);
    web_limit_succeeded(lim, "zhang", "10.0.0.1");
    for (int i = 0; i < 4; i++)
        cr_assert_not(web_limit_failed(lim, "zhang", "10.0.0.1", 10 + i), "after success, failure %d", i + 1);
    cr_assert(web_limit_failed(lim, "zhang", "10.0.0.1", 20), "5 since the success");
    web_limit_succeeded(lim, "li", NULL); /* unknown: nothing */
    /* the client has 9 failures: 11 more lock it, whatever the success */
    for (int i = 0; i < 10; i++)
        cr_assert_not(web_limit_failed(lim, NULL, "10.0.0.1", 30 + i));
    cr_assert(web_limit_failed(lim, NULL, "10.0.0.1", 40));
}

Test(web_limit, names_are_case_folded) {
    web_limit_failed(lim, "Zhang", NULL, 1);
    web_limit_failed(lim, "ZHANG", NULL, 2);
    web_limit_failed(lim, "zhang", NULL, 3);
    web_limit_failed(lim, "zHang", NULL, 4);
    cr_assert(web_limit_failed(lim, "zhanG", NULL, 5));
    cr_assert(web_limit_locked(lim, "zhang", NULL, 6, NULL));
}

Test(web_limit, a_full_table_evicts_the_oldest_unlocked_entry_first) {
    char name[32];
    for (int i = 0; i < 5; i++)
        web_limit_failed(lim, "locked", NULL, 1);
    for (int i = 0; i < 4; i++)
        web_limit_failed(lim, "oldest", NULL, 2);
    /* one failure each for more names than the table holds, all within the window */
    for (int i = 0; i < WEB_LIMIT_ENTRIES; i++) {
        snprintf(name, sizeof name, "flood%d", i);
        web_limit_failed(lim, name, NULL, 10 + i);
    }
    cr_assert(web_limit_locked(lim, "locked", NULL, 10 + WEB_LIMIT_ENTRIES, NULL), "the lock survives the flood");
    /* "oldest" was evicted: its 4 failures are gone, so a 5th does not lock */
    cr_assert_not(web_limit_failed(lim, "oldest", NULL, 20 + WEB_LIMIT_ENTRIES));
}

typedef struct {
    web_limit_t *l;
    int locks;
} worker_t;

static void *hammer(void *arg) {
    worker_t *w = arg;
    for (int i = 0; i < 25; i++)
        w->locks += web_limit_failed(w->l, "shared", NULL, 1000);
    return NULL;
}

/* 4 threads × 25 failures of one name, attempts 100: exactly one of them locks. */
Test(web_limit, concurrent_failures_count_each_once) {
    web_limit_t *l = web_limit_new(100, L_MS);
    pthread_t t[4];
    worker_t w[4];
    int locks = 0;
    for (int i = 0; i < 4; i++) {
        w[i] = (worker_t){l, 0};
        cr_assert_eq(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        locks += w[i].locks;
    }
    cr_assert_eq(locks, 1);
    cr_assert(web_limit_locked(l, "shared", NULL, 1001, NULL));
    web_limit_free(&l);
    web_limit_free(&l); /* NULL-safe */
}
