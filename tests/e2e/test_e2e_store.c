/* test_e2e_store.c - the report store under other programs and damage, against the real
 * aggregator.
 *
 * What the central office relies on: an analyst's open write transaction in sqlite3
 * holds up the reports (nothing is acked before it is stored) but nothing else — the
 * heartbeats keep the subscribers in sync and the snapshot ROUTER answers — and every
 * report is stored and acked once the lock is released. A damaged store is never served
 * from: the aggregator refuses to start, in one line naming the file and what to do.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"
#include "period.h"

static char dir[256];
static e2e_agg_t agg;

static void setup(void) {
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
    memset(&agg, 0, sizeof agg);
}

static void teardown(void) {
    e2e_cleanup();
}

TestSuite(e2e_store, .init = setup, .fini = teardown, .timeout = 90);

#define P(...) e2e_fmt(__VA_ARGS__)

/* Asks the aggregator's snapshot ROUTER for a snapshot of period from a fresh DEALER:
 * true if a first answer comes within timeout_ms. */
static bool snapshot_answers(const char *period, int timeout_ms) {
    msg_t req, reply;
    uint8_t *bytes = NULL;
    size_t len = 0;
    bool ok;
    void *d = e2e_dealer(agg.snapshot, NULL);
    cr_assert_not_null(d);
    memset(&req, 0, sizeof req);
    req.kind = MSG_SNAPSHOT_REQUEST;
    codec_new_id(req.id);
    snprintf(req.snap_req.period, sizeof req.snap_req.period, "%s", period);
    cr_assert_eq(codec_encode(&req, &bytes, &len), 0);
    cr_assert_eq(e2e_send(d, bytes, len), 0);
    free(bytes);
    ok = e2e_recv_msg(d, timeout_ms, &reply) == 0;
    if (ok) msg_clear(&reply);
    e2e_dealer_close(&d);
    return ok;
}

/* Waits for the next heartbeat on sub (other messages are skipped): true if one came,
 * each message within timeout_ms. */
static bool heartbeat(void *sub, int timeout_ms) {
    for (;;) {
        char topic[256];
        msg_t m;
        if (e2e_recv_pub(sub, timeout_ms, topic, sizeof topic, &m) < 0) return false;
        msg_clear(&m);
        if (strcmp(topic, "hb") == 0) return true;
    }
}

Test(e2e_store, a_write_lock_held_elsewhere_holds_the_reports_not_the_loop) {
    const char *extra[] = {"--set", "heartbeat_ms=100", NULL};
    const char *files[] = {e2e_sample("reports/2017-06/410671.csv"), NULL};
    sqlite3 *analyst = NULL;
    char *out = NULL;
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, extra), 0, "aggregator not ready:\n%s",
                 e2e_tail(agg.err_log, 2000));
    void *sub = e2e_sub(agg.publish, "hb");
    cr_assert_not_null(sub);
    cr_assert(heartbeat(sub, e2e_scaled_ms(5000)), "no first heartbeat");

    /* an analyst opens the store in sqlite3 and starts a write transaction */
    cr_assert_eq(sqlite3_open(agg.store, &analyst), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(analyst, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

    pid_t submit = e2e_submit_start(P("%s/submit", dir), "410671", agg.listen, P("%s/outbox.db", dir), files);
    cr_assert_gt(submit, 0);
    cr_assert_eq(e2e_wait_log(agg.err_log, "held unacknowledged", agg.pid, e2e_scaled_ms(10000)), 0,
                 "the aggregator does not say the store is busy:\n%s", e2e_tail(agg.err_log, 2000));

    /* while the lock is held: heartbeats keep coming, each well within the 3 s after which
     * a subscriber resyncs, and the snapshot ROUTER answers */
    for (int i = 0; i < 20; i++)
        cr_assert(heartbeat(sub, e2e_scaled_ms(1000)), "heartbeat %d missing while the store is busy:\n%s", i,
                  e2e_tail(agg.err_log, 2000));
    cr_assert(snapshot_answers("2017-06", e2e_scaled_ms(1000)), "the snapshot ROUTER does not answer:\n%s",
              e2e_tail(agg.err_log, 2000));
    for (int i = 0; i < 5; i++)
        cr_assert(heartbeat(sub, e2e_scaled_ms(1000)), "heartbeat missing after the snapshot");
    cr_assert_eq(e2e_count_in_file(agg.err_log, "held unacknowledged"), 1, "one warning per busy period:\n%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert(e2e_alive(submit), "nothing may be acked while nothing can be stored");
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM reports"), 0);

    /* the analyst ends the transaction: every report is stored and acked */
    cr_assert_eq(sqlite3_exec(analyst, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(analyst);
    int st = e2e_wait(submit, e2e_scaled_ms(30000));
    out = e2e_read_file(P("%s/submit.err", dir));
    cr_assert_eq(st, 0, "submit exited %d:\n%s\naggregator:\n%s", st, out ? out : "",
                 e2e_tail(agg.err_log, 2000));
    free(out);
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM reports WHERE period = '2017-06'"), 1,
                 "410671.csv has one zone, jinshan");
    cr_assert_eq(e2e_wait_log(agg.err_log, "writable again", agg.pid, e2e_scaled_ms(5000)), 0, "%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_agg_stop(&agg), 0, "%s", e2e_tail(agg.err_log, 2000));
}
