/* test_e2e_events.c - the aggregator's "report accepted" events, as a subscriber sees them.
 *
 * A subscriber (the scorer, `yuebao watch`) relies on three things: an event for every
 * report committed, after its commit; sequence numbers 1, 2, 3 … without gaps; and
 * heartbeats carrying the last sequence number, so silence or a gap means resync.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "e2e.h"
#include "clock.h"
#include "sock.h"

static char dir[256];
static e2e_agg_t agg;
static void *ctx, *sub;

static void setup(void) {
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
    memset(&agg, 0, sizeof agg);
    ctx = zmq_ctx_new();
}

static void teardown(void) {
    sock_close(&sub);
    if (ctx) zmq_ctx_term(ctx);
    e2e_cleanup();
}

TestSuite(e2e_events, .init = setup, .fini = teardown, .timeout = 60);

#define P(...) e2e_fmt(__VA_ARGS__)

/* Receives the next [topic, envelope] whose topic starts with prefix, within timeout_ms;
 * the topic into topic. 0, or -1 on timeout. */
static int next_event(const char *prefix, char *topic, size_t topic_size, msg_t *out, int timeout_ms) {
    int64_t end = clock_mono_ms() + timeout_ms;
    while (clock_mono_ms() < end) {
        zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
        void *frames[2];
        size_t lens[2];
        char err[256];
        int n;
        if (zmq_poll(&it, 1, 100) <= 0) continue;
        n = sock_recv_frames(sub, frames, lens, 2);
        if (n < 0) continue;
        bool match = n == 2 && lens[0] < topic_size && strncmp(frames[0], prefix, strlen(prefix)) == 0;
        if (match) {
            memcpy(topic, frames[0], lens[0]);
            topic[lens[0]] = '\0';
            match = codec_decode(frames[1], lens[1], out, err, sizeof err) == 0;
        }
        for (int i = 0; i < n; i++)
            free(frames[i]);
        if (match) return 0;
    }
    return -1;
}

Test(e2e_events, accepted_reports_are_published_in_sequence_with_heartbeats) {
    char err[256], topic[128], *out = NULL;
    msg_t ev;
    sock_security_t sec = {.insecure = true};
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0, "aggregator not ready:\n%s",
                 e2e_tail(agg.err_log, 2000));
    sub = sock_sub(ctx, agg.publish, "", &sec, err, sizeof err);
    cr_assert_not_null(sub, "%s", err);

    /* a heartbeat arrives before any report: the subscriber is connected; it carries the
     * number the aggregator started from (the clock in µs, so a restart reads as a gap) */
    cr_assert_eq(next_event("hb", topic, sizeof topic, &ev, 5000), 0, "no heartbeat within 5 s");
    cr_assert_eq(ev.kind, MSG_HEARTBEAT);
    uint64_t s0 = ev.sequence;
    cr_assert_gt(s0, 1500000000000000ULL, "sequences start from the real time in µs, not from 0");
    msg_clear(&ev);

    /* 淇县's April report, then its correction, then a duplicate of the correction */
    cr_assert_eq(e2e_submit(P("%s/s1", dir), &out, "410622", agg.listen, P("%s/outbox.db", dir),
                            e2e_sample("reports/2017-04/410622.csv"), NULL),
                 0, "%s", out);
    free(out);
    cr_assert_eq(e2e_submit(P("%s/s2", dir), &out, "410622", agg.listen, P("%s/outbox.db", dir),
                            e2e_sample("reports/2017-04/410622.rev2.csv"), NULL),
                 0, "%s", out);
    free(out);
    cr_assert_eq(e2e_submit(P("%s/s3", dir), &out, "410622", agg.listen, P("%s/outbox.db", dir),
                            e2e_sample("reports/2017-04/410622.rev2.csv"), NULL),
                 0, "%s", out);
    cr_assert_not_null(strstr(out, "DUPLICATE"), "%s", out);
    free(out);

    /* each commit: the event, then the totals it changed, the city's and the county's;
     * every update takes the next number */
    static const char *const topics[] = {"report.410622.heqi", "totals.2017-04.city",
                                         "totals.2017-04.410622"};
    for (uint32_t rev = 1; rev <= 2; rev++) {
        for (size_t t = 0; t < 3; t++) {
            uint64_t want = s0 + (rev - 1) * 3 + t + 1;
            cr_assert_eq(next_event("", topic, sizeof topic, &ev, 5000), 0, "no update %zu for revision %u",
                         t, rev);
            if (ev.kind == MSG_HEARTBEAT) { /* between two commits: the last number again */
                cr_assert_eq(ev.sequence, want - 1, "a heartbeat repeats the last sequence number");
                msg_clear(&ev);
                t--;
                continue;
            }
            cr_assert_str_eq(topic, topics[t], "revision %u: update %zu", rev, t);
            cr_assert_eq(ev.sequence, want, "updates are numbered without gaps");
            if (t == 0) {
                cr_assert_eq(ev.kind, MSG_REPORT_ACCEPTED);
                cr_assert_str_eq(ev.accepted.zone, "heqi");
                cr_assert_str_eq(ev.accepted.period, "2017-04");
                cr_assert_eq(ev.accepted.revision, rev);
                cr_assert_eq(ev.accepted.n_values, 14);
                cr_assert_gt(ev.accepted.stored_at_ms, 0);
            } else {
                cr_assert_eq(ev.kind, MSG_TOTALS);
                cr_assert_str_eq(ev.totals.scope, t == 1 ? "" : "410622");
                cr_assert_eq(ev.totals.expected, t == 1 ? 8u : 1u);
                cr_assert_eq(ev.totals.reported, 1, "a revision replaces, it does not count twice");
                /* heqi's revenue: 902332.4 in revision 1, 905135.4 in the correction */
                bool found = false;
                for (size_t i = 0; i < ev.totals.n_rows; i++)
                    if (!strcmp(ev.totals.rows[i].indicator, "revenue")) {
                        found = true;
                        cr_assert_float_eq(ev.totals.rows[i].sum, rev == 1 ? 902332.4 : 905135.4, 1e-6);
                    }
                cr_assert(found, "the totals carry revenue");
            }
            msg_clear(&ev);
        }
    }
    /* the duplicate changed nothing: no further update; the heartbeat says s0 + 6 */
    cr_assert_eq(next_event("hb", topic, sizeof topic, &ev, 5000), 0, "no heartbeat");
    cr_assert_eq(ev.sequence, s0 + 6, "the heartbeat carries the last sequence number");
    msg_clear(&ev);
    cr_assert_neq(next_event("report.", topic, sizeof topic, &ev, 1500), 0,
                  "a DUPLICATE must not be published");
    cr_assert_eq(e2e_agg_stop(&agg), 0);
}
