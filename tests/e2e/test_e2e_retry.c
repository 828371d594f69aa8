/* test_e2e_retry.c - RETRY for the central office's own transient conditions, against the
 * real aggregator over a raw client (the ack status itself, whatever a collector does
 * with it).
 *
 * What a county relies on: a valid report is never rejected for good because the
 * central office's clock is behind or its regions.csv lags behind — it gets RETRY,
 * nothing is stored, and once the clock or the master data has caught up the same
 * report is ACCEPTED. What stays final: a period far in the future, a zone of another
 * county.
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_suite.h"

/* The tests set the aggregator's clock. */
static void teardown(void) {
    unsetenv("YUEBAO_NOW");
    e2e_suite_teardown();
}

TestSuite(e2e_retry, .init = e2e_suite_setup, .fini = teardown, .timeout = 60);

/* A one-value report of zone for period, revision 1, from county over a raw client: the
 * ack's status; its first issue's message into why (if not NULL). */
static int send_report(const char *county, const char *zone, const char *period, char *why, size_t why_size) {
    static int n;
    return e2e_send_value(agg.listen, P("c:%s:%d", county, ++n), zone, period, 1, 1000, why, why_size);
}

#define assert_says(msg, words)                                                                              \
    cr_assert_not_null(strstr((msg), (words)), "\"%s\" lacks \"%s\"", (msg), (words))

Test(e2e_retry, a_clock_behind_answers_retry_until_it_has_caught_up) {
    char why[1024];
    /* the central office thinks it is 20 June; jinshan's collector already reports July */
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-06-20", 1), 0);
    start_aggregator(NULL, NULL);
    cr_assert_eq(send_report("410671", "jinshan", "2017-07", why, sizeof why), ACK_RETRY, "%s", why);
    assert_says(why, "the central office's clock says 2017-07 is still in the future");
    assert_says(why, "kept and sent again");
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM reports"), 0, "nothing stored");
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM rejections"), 0, "not even a rejection");
    cr_assert_eq(e2e_count_in_file(agg.err_log, "warning: RETRY jinshan/2017-07"), 1, "%s",
                 e2e_tail(agg.err_log, 2000));
    /* a typo far in the future stays final */
    cr_assert_eq(send_report("410671", "jinshan", "2071-06", why, sizeof why), ACK_REJECTED, "%s", why);
    assert_says(why, "in the future");
    stop_aggregator();

    /* ten minutes to midnight on 30 June: within clock_skew_s (600 s) of July, taken */
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-06-30T23:55", 1), 0);
    start_aggregator(NULL, NULL);
    cr_assert_eq(send_report("410602", "baoshan", "2017-07", why, sizeof why), ACK_ACCEPTED, "%s", why);
    /* skew not tolerated: RETRY */
    stop_aggregator();
    start_aggregator(NULL, (const char *const[]){"--set", "clock_skew_s=0", NULL});
    cr_assert_eq(send_report("410603", "shancheng", "2017-07", why, sizeof why), ACK_RETRY, "%s", why);
    stop_aggregator();

    /* the clock has caught up: the same report goes in */
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-02", 1), 0);
    start_aggregator(NULL, NULL);
    cr_assert_eq(send_report("410671", "jinshan", "2017-07", why, sizeof why), ACK_ACCEPTED, "%s", why);
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM reports WHERE period = '2017-07'"), 2);
    stop_aggregator();
}

Test(e2e_retry, a_zone_missing_from_the_central_master_data_answers_retry) {
    char why[1024], m[512], regions[600];
    snprintf(m, sizeof m, "%s/master", dir);
    snprintf(regions, sizeof regions, "%s/regions.csv", m);
    cr_assert_eq(system(P("mkdir -p '%s'", m)), 0);
    cr_assert_eq(e2e_copy(e2e_sample("indicators.csv"), P("%s/indicators.csv", m)), 0);
    /* the central office's regions.csv lags: liyang (浚县, 410621) is not in it yet */
    cr_assert_eq(system(P("grep -v ',liyang,' '%s' > '%s'", e2e_sample("regions.csv"), regions)), 0);
    start_aggregator(NULL, (const char *const[]){"--set", P("master_dir=%s", m), NULL});

    for (int i = 0; i < 3; i++) {
        cr_assert_eq(send_report("410621", "liyang", "2017-06", why, sizeof why), ACK_RETRY, "%s", why);
        assert_says(why, "zone \"liyang\" is not in the central office's master data for county 410621");
        assert_says(why, "add the zone to regions.csv");
    }
    cr_assert_eq(e2e_count_in_file(agg.err_log, "warning: RETRY liyang/2017-06"), 1,
                 "one warning per zone and minute:\n%s", e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM rejections"), 0, "nothing stored");
    /* a zone of another county stays final, and so does an unknown zone with a bad value */
    cr_assert_eq(send_report("410621", "jinshan", "2017-06", why, sizeof why), ACK_REJECTED, "%s", why);
    cr_assert_eq(send_report("410621", "liyang", "2017-6", why, sizeof why), ACK_REJECTED, "%s", why);

    /* the central office adds the zone and reloads: the resend goes in */
    cr_assert_eq(e2e_copy(e2e_sample("regions.csv"), regions), 0);
    cr_assert_eq(kill(agg.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log(agg.err_log, "8 zones", agg.pid, e2e_scaled_ms(10000)), 0, "%s", e2e_tail(agg.err_log, 2000));
    cr_assert_eq(send_report("410621", "liyang", "2017-06", why, sizeof why), ACK_ACCEPTED, "%s", why);
    stop_aggregator();
}
