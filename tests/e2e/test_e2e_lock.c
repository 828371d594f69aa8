/* test_e2e_lock.c - one daemon per store: a second one on the same store is refused.
 *
 * Someone tries a configuration change by starting a second scorer on the running one's
 * scores.db, or a second aggregator on reports.db, or a collector (or a `submit`) on an
 * outbox a collector daemon is using. Each must exit at once with a non-zero status and
 * name the process that holds the store, and leave the first one running untouched.
 * The second instance gets its own sockets in another folder, so what refuses it is the
 * lock and nothing else.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "e2e.h"

static char dir[256], other[256];
static e2e_agg_t agg;

static void setup(void) {
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-05", 1), 0);
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0);
    cr_assert_eq(e2e_tmpdir(other, sizeof other), 0);
    memset(&agg, 0, sizeof agg);
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0, "aggregator not ready:\n%s",
                 e2e_tail(agg.err_log, 2000));
}

static void teardown(void) {
    e2e_cleanup();
}

TestSuite(e2e_lock, .init = setup, .fini = teardown, .timeout = 120);

#define P(...) e2e_fmt(__VA_ARGS__)

static int wait_ms(void) {
    return e2e_scaled_ms(E2E_WAIT_MS);
}

/* The second process pid (log base log) exits by itself, non-zero, naming holder. */
static void assert_refused(pid_t pid, const char *log, pid_t holder, const char *what) {
    int st;
    cr_assert_gt(pid, 0);
    st = e2e_wait(pid, wait_ms());
    cr_assert_neq(st, -1, "the second %s is still running:\n%s", what, e2e_tail(P("%s.err", log), 2000));
    cr_assert_neq(st, 0, "the second %s exits non-zero", what);
    cr_assert_eq(e2e_count_in_file(P("%s.err", log), P("in use by process %d", (int)holder)), 1,
                 "the second %s names the first one's PID %d:\n%s", what, (int)holder,
                 e2e_tail(P("%s.err", log), 2000));
    cr_assert_eq(e2e_count_in_file(P("%s.err", log), "ready:"), 0);
}

Test(e2e_lock, a_second_aggregator_on_the_same_store_is_refused) {
    const char *log = P("%s/aggregator-second", other);
    pid_t pid = e2e_startl(
        log, e2e_bin("yuebao-aggregator"), "--insecure", "--set", P("master_dir=%s", e2e_city()), "--set",
        P("store=%s", agg.store), "--set", P("listen=ipc://%s/agg.sock", other), "--set",
        P("publish=ipc://%s/pub.sock", other), "--set", P("snapshot=ipc://%s/snap.sock", other), NULL);
    assert_refused(pid, log, agg.pid, "aggregator");
    cr_assert(e2e_alive(agg.pid), "the first one runs on");
    cr_assert_eq(e2e_agg_stop(&agg), 0);

    /* once it has stopped, the store is free again */
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0, "restart:\n%s", e2e_tail(agg.err_log, 2000));
}

Test(e2e_lock, a_second_scorer_on_the_same_score_store_is_refused) {
    static const char *const first_args[] = {"--set", "reporting_since=2017-02", NULL};
    e2e_scorer_t sc, second;
    const char *second_args[] = {"--set", "reporting_since=2017-02", "--set", NULL, NULL};
    int64_t events;

    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, first_args), 0, "scorer not ready:\n%s",
                 e2e_tail(sc.err_log, 2000));
    events = e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events");
    cr_assert_gt(events, 0, "the first scorer fired its overdue alerts");
    second_args[3] = P("scores=%s", sc.scores);
    cr_assert_gt(e2e_scorer_spawn(&second, other, &agg, second_args), 0);
    assert_refused(second.pid, second.log, sc.pid, "scorer");
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events"), events,
                 "the second one wrote nothing into the first one's store");
    cr_assert(e2e_alive(sc.pid), "the first one runs on");
    cr_assert_eq(e2e_scorer_stop(&sc), 0, "%s", e2e_tail(sc.err_log, 2000));
}

Test(e2e_lock, a_second_collector_or_a_submit_on_the_same_outbox_is_refused) {
    char log_base[400];
    const char *log = P("%s/collector-second", other);
    const char *outbox = P("%s/outbox.db", dir);
    pid_t first = e2e_collector_start(dir, "410602", agg.listen, log_base, sizeof log_base), pid;
    char *out = NULL;
    int st;

    cr_assert_gt(first, 0, "collector not ready");
    pid = e2e_startl(log, e2e_bin("yuebao-collector"), "--insecure", "--set", "county=410602", "--set",
                     P("master_dir=%s", e2e_city()), "--set", P("aggregator=%s", agg.listen), "--set",
                     P("outbox=%s", outbox), "--set", P("inbox=%s/inbox", other), "--set",
                     P("done=%s/done", other), "--set", P("rejected=%s/rejected", other), NULL);
    assert_refused(pid, log, first, "collector");

    /* submit on the daemon's outbox: refused, naming the daemon; nothing sent */
    st = e2e_submit(P("%s/submit", other), &out, "410602", agg.listen, outbox,
                    e2e_sample("reports/2017-06/410602.csv"), NULL);
    cr_assert_eq(st, 2, "submit on a busy outbox is an error (2), not a rejection (1): status %d", st);
    cr_assert_eq(e2e_count_in_file(P("%s/submit.err", other), P("in use by process %d", (int)first)), 1, "%s",
                 e2e_tail(P("%s/submit.err", other), 2000));
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM reports"), 0, "nothing was sent");
    free(out);
    cr_assert(e2e_alive(first), "the daemon runs on");
    cr_assert_eq(e2e_stop(first, 10000), 0);
}
