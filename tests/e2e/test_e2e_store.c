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

#include "e2e_suite.h"
#include "period.h"

TestSuite(e2e_store, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 90);

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
    start_aggregator(NULL, extra);
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
    stop_aggregator();
}

/* A store with two counties' June reports, the aggregator stopped (its log folded in). */
static void fill_store(void) {
    char *out = NULL;
    start_aggregator(NULL, NULL);
    int st = e2e_submit(P("%s/submit", dir), &out, "410671", agg.listen, P("%s/outbox.db", dir),
                        e2e_sample("reports/2017-06/410671.csv"), NULL);
    free(out);
    cr_assert_eq(st, 0);
    st = e2e_submit(P("%s/submit2", dir), &out, "410602", agg.listen, P("%s/outbox2.db", dir),
                    e2e_sample("reports/2017-06/410602.csv"), NULL);
    free(out);
    cr_assert_eq(st, 0);
    stop_aggregator();
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM reports"), 2);
}

/* Starts the aggregator on the damaged store and checks what an operator must see: a
 * non-zero exit, one line naming the file and what to do, no other complaint, no
 * "ready", and the file exactly as it was (it may be worth salvaging). */
static void assert_refused(const char *what, const char *salvage) {
    char *before = NULL, *after = NULL, *log = NULL, *out = NULL;
    struct stat sb, sa;
    cr_assert_eq(stat(agg.store, &sb), 0);
    before = e2e_read_file(agg.store);
    cr_assert_not_null(before);
    int st =
        e2e_runl(P("%s/agg-damaged", dir), &out, e2e_scaled_ms(20000), e2e_bin("yuebao-aggregator"),
                 "--insecure", "--set", P("master_dir=%s", e2e_city()), "--set", P("store=%s", agg.store),
                 "--set", P("listen=ipc://%s/agg.sock", dir), "--set", "publish=", NULL);
    free(out);
    log = e2e_read_file(P("%s/agg-damaged.err", dir));
    cr_assert_not_null(log);
    cr_assert_neq(st, 0, "the aggregator started on a %s store:\n%s", what, log);
    cr_assert_eq(st, 1, "exit 1 (fatal), not a crash: %d\n%s", st, log);
    cr_assert_eq(e2e_count_in_file(P("%s/agg-damaged.err", dir), "fatal:"), 1, "one fatal line:\n%s", log);
    cr_assert_eq(e2e_count_in_file(P("%s/agg-damaged.err", dir), "error:"), 0, "nothing else:\n%s", log);
    cr_assert_eq(e2e_count_in_file(P("%s/agg-damaged.err", dir), "warning:"), 0, "nothing else:\n%s", log);
    cr_assert_null(strstr(log, "ready:"), "%s", log);
    cr_assert_null(strstr(log, "migrated"), "%s", log);
    cr_assert_not_null(strstr(log, P("report store %s is damaged", agg.store)), "names the file:\n%s", log);
    cr_assert_not_null(strstr(log, "restore the last backup"), "says what to do:\n%s", log);
    cr_assert_not_null(strstr(log, salvage), "says how to salvage:\n%s", log);
    cr_assert_eq(stat(agg.store, &sa), 0);
    cr_assert_eq(sa.st_size, sb.st_size, "the damaged store was written to");
    after = e2e_read_file(agg.store);
    cr_assert_not_null(after);
    cr_assert_eq(memcmp(before, after, (size_t)sb.st_size), 0, "the damaged store was written to");
    free(before);
    free(after);
    free(log);
}

Test(e2e_store, a_store_with_damaged_pages_is_refused) {
    fill_store();
    struct stat sb;
    cr_assert_eq(stat(agg.store, &sb), 0);
    long pages = sb.st_size / 4096;
    cr_assert_geq(pages, 6, "a store of %ld pages", pages);
    /* garbage over a whole b-tree page in the middle of the file */
    FILE *f = fopen(agg.store, "r+b");
    cr_assert_not_null(f);
    cr_assert_eq(fseek(f, (pages / 2) * 4096, SEEK_SET), 0);
    for (int i = 0; i < 4096; i++)
        fputc(i % 2 ? 0xad : 0xde, f);
    cr_assert_eq(fclose(f), 0);
    assert_refused("damaged", ".recover");
}

Test(e2e_store, a_truncated_store_is_refused) {
    fill_store();
    struct stat sb;
    cr_assert_eq(stat(agg.store, &sb), 0);
    cr_assert_eq(truncate(agg.store, (sb.st_size / 4096 / 2) * 4096), 0);
    assert_refused("truncated", ".recover");
}

Test(e2e_store, the_start_says_what_the_store_holds) {
    fill_store();
    char *log = NULL;
    start_aggregator(NULL, NULL);
    log = e2e_read_file(agg.err_log);
    cr_assert_not_null(log);
    cr_assert_not_null(strstr(log, "2 current report(s) in 1 period(s), 2 revision(s) accepted, the latest "
                                   "committed "),
                       "%s", log);
    free(log);
    stop_aggregator();
}

/* A store whose last commits are still in its write-ahead log: five one-zone counties' June
 * reports, one commit each, and the aggregator killed (no checkpoint at a clean stop). */
static const char *const counties[] = {"410671", "410602", "410603", "410611", "410622"}; /* one zone each */

static void fill_wal(void) {
    start_aggregator(NULL, NULL);
    for (size_t i = 0; i < 5; i++) {
        char *out = NULL;
        int st = e2e_submit(P("%s/submit-%zu", dir, i), &out, counties[i], agg.listen,
                            P("%s/outbox-%zu.db", dir, i),
                            e2e_sample(P("reports/2017-06/%s.csv", counties[i])), NULL);
        free(out);
        cr_assert_eq(st, 0, "submit for %s", counties[i]);
    }
    e2e_kill(agg.pid);
    cr_assert(e2e_exists(P("%s-wal", agg.store)), "the commits are in the log");
}

/* Flips one byte of the page of WAL frame `frame` (1-based; the header is 32 bytes, a
 * frame 24 bytes of header and a 4096-byte page). */
static void flip_wal_frame(long frame) {
    FILE *f = fopen(P("%s-wal", agg.store), "r+b");
    long off = 32 + (frame - 1) * (24 + 4096) + 24 + 100;
    int c;
    cr_assert_not_null(f);
    cr_assert_eq(fseek(f, off, SEEK_SET), 0);
    c = fgetc(f);
    cr_assert_neq(c, EOF);
    cr_assert_eq(fseek(f, off, SEEK_SET), 0);
    fputc(c ^ 0x40, f);
    cr_assert_eq(fclose(f), 0);
}

static long wal_frames(void) {
    struct stat sb;
    cr_assert_eq(stat(P("%s-wal", agg.store), &sb), 0);
    return (sb.st_size - 32) / (24 + 4096);
}

Test(e2e_store, a_damaged_frame_before_committed_ones_in_the_log_is_refused) {
    fill_wal();
    long frames = wal_frames();
    cr_assert_geq(frames, 10, "five commits in the log, %ld frames", frames);
    flip_wal_frame(2);
    assert_refused("WAL-damaged", "wal_checkpoint(TRUNCATE)");
    char *log = e2e_read_file(P("%s/agg-damaged.err", dir));
    cr_assert_not_null(strstr(log, "has a damaged frame (2)"), "%s", log);
    free(log);
    /* nor was the log touched: its frames after the damage are the only copy */
    cr_assert_eq(wal_frames(), frames);
}

Test(e2e_store, a_torn_last_transaction_is_what_a_power_cut_leaves_and_starts) {
    fill_wal();
    flip_wal_frame(wal_frames()); /* the last commit's last frame */
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0,
                 "a torn last transaction must not stop the start:\n%s", e2e_tail(agg.err_log, 2000));
    /* the start says what the store holds: the last commit is gone, and visibly so */
    cr_assert_eq(e2e_count_in_file(agg.err_log, "4 current report(s) in 1 period(s)"), 1, "%s",
                 e2e_tail(agg.err_log, 2000));
    stop_aggregator();
}
