/* test_web_live.c - the live loop (web_live.c) against a fake publisher over ipc://.
 *
 * The fake is an XPUB (the test sees the loop's subscription arrive before it publishes:
 * no slow joiner) and a snapshot ROUTER served by a thread that answers every request
 * with SnapshotEnd "as of sequence N" — or, while `answering` is false, not at all, as
 * a publisher that is down. The loop runs in its own thread with the test's sink, which
 * records what the viewers would be sent. Waits are bounded generously and say what
 * they saw; nothing is timed.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "clock.h"
#include "codec.h"
#include "sock.h"
#include "web_live.h"
#include "wire.h"

/* web_live_run publishes to the daemon's streams; the loop under test is given a sink
 * instead, so the stream is never reached. */
void web_stream_publish(web_stream_t *s, const web_event_t *e) {
    (void)s;
    cr_assert_fail("web_stream_publish called with %s", e->type);
}
void web_stream_hold(web_stream_t *s) {
    (void)s;
    cr_assert_fail("web_stream_hold called");
}
void web_stream_release(web_stream_t *s) {
    (void)s;
    cr_assert_fail("web_stream_release called");
}

static char dir[] = "/tmp/test_web_live.XXXXXX";
static char pub_ep[128], snap_ep[128];
static void *ctx, *xpub, *router;
static pthread_t server, looper;
static atomic_bool server_stop, answering;
static atomic_ullong snapshot_seq;
static atomic_uint snapshots; /* requests answered */
static volatile sig_atomic_t loop_stop;
static int loop_rc;
static bool server_running, loop_running; /* for teardown: what start got to */
static sock_security_t sec = {.insecure = true};
static web_live_opts_t opts;

/* What the sink was handed. */
#define MAX_EVENTS 64
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char ev_type[MAX_EVENTS][16], ev_county[MAX_EVENTS][32], ev_json[MAX_EVENTS][512];
static size_t n_events;

static void sink(const web_event_t *e, void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    if (n_events < MAX_EVENTS) {
        snprintf(ev_type[n_events], sizeof ev_type[0], "%s", e->type);
        snprintf(ev_county[n_events], sizeof ev_county[0], "%s", e->county);
        snprintf(ev_json[n_events], sizeof ev_json[0], "%s", e->json);
        n_events++;
    }
    pthread_mutex_unlock(&mu);
}

static size_t events(void) {
    size_t n;
    pthread_mutex_lock(&mu);
    n = n_events;
    pthread_mutex_unlock(&mu);
    return n;
}

/* Waits (up to 10 s) for at least n events; asserts they came. */
static void wait_events(size_t n) {
    int64_t until = clock_mono_ms() + 10000;
    while (events() < n && clock_mono_ms() < until) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    cr_assert_geq(events(), n, "%zu events expected, %zu came (the last: %s)", n, events(),
                  events() ? ev_type[events() - 1] : "none");
}

/* Answers every snapshot request with SnapshotEnd(snapshot_seq), while answering. */
static void *serve(void *arg) {
    (void)arg;
    while (!server_stop) {
        zmq_pollitem_t it = {router, 0, ZMQ_POLLIN, 0};
        void *frames[2] = {NULL, NULL};
        size_t lens[2] = {0, 0};
        if (!answering || zmq_poll(&it, 1, 50) <= 0) {
            struct timespec ts = {0, 10 * 1000000L};
            if (!answering) nanosleep(&ts, NULL);
            continue;
        }
        if (sock_recv_frames(router, frames, lens, 2) == 2) {
            msg_t end;
            memset(&end, 0, sizeof end);
            end.kind = MSG_SNAPSHOT_END;
            end.snap_end_sequence = snapshot_seq;
            wire_send_msg(router, frames[0], lens[0], NULL, &end);
            snapshots++;
        }
        free(frames[0]);
        free(frames[1]);
    }
    return NULL;
}

static void *run_loop(void *arg) {
    (void)arg;
    loop_rc = web_live_loop(ctx, &opts, &loop_stop);
    return NULL;
}

static void start(bool answer) {
    int linger = 0;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(pub_ep, sizeof pub_ep, "ipc://%s/pub", dir);
    snprintf(snap_ep, sizeof snap_ep, "ipc://%s/snap", dir);
    ctx = zmq_ctx_new();
    cr_assert_not_null(ctx);
    xpub = zmq_socket(ctx, ZMQ_XPUB);
    router = zmq_socket(ctx, ZMQ_ROUTER);
    cr_assert(xpub && router);
    zmq_setsockopt(xpub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    cr_assert_eq(zmq_bind(xpub, pub_ep), 0);
    cr_assert_eq(zmq_bind(router, snap_ep), 0);
    server_stop = false;
    answering = answer;
    snapshot_seq = 10;
    cr_assert_eq(pthread_create(&server, NULL, serve, NULL), 0);
    server_running = true;

    memset(&opts, 0, sizeof opts);
    opts.feeds[0] = (web_feed_opts_t){"the fake", pub_ep, snap_ep, &sec, false};
    opts.n_feeds = 1;
    opts.deadline_day = 10;
    opts.retry_ms = 100;
    opts.snapshot_timeout_ms = 300;
    opts.silence_ms = 60000; /* the fake sends no heartbeats: no resync for silence */
    opts.sink = sink;
    loop_stop = 0;
    loop_rc = 42;
    cr_assert_eq(pthread_create(&looper, NULL, run_loop, NULL), 0);
    loop_running = true;
    { /* the subscription has reached the publisher: nothing published from now is lost */
        zmq_pollitem_t it = {xpub, 0, ZMQ_POLLIN, 0};
        char sub[8];
        cr_assert_eq(zmq_poll(&it, 1, 10000), 1, "no subscription");
        cr_assert_gt(zmq_recv(xpub, sub, sizeof sub, 0), 0);
        cr_assert_eq(sub[0], 1);
    }
}

/* Stops the loop (it must return 0: a stop is no error). */
static void stop_loop(void) {
    if (!loop_running) return;
    loop_stop = 1;
    pthread_join(looper, NULL);
    loop_running = false;
    cr_assert_eq(loop_rc, 0, "the loop returned %d on a stop", loop_rc);
}

static void teardown(void) {
    char path[256];
    stop_loop();
    if (server_running) {
        server_stop = true;
        pthread_join(server, NULL);
        server_running = false;
    }
    zmq_close(xpub);
    zmq_close(router);
    zmq_ctx_term(ctx);
    snprintf(path, sizeof path, "%s/pub", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/snap", dir);
    unlink(path);
    rmdir(dir);
}

TestSuite(web_live, .fini = teardown, .timeout = 60);

static void publish_report(uint64_t seq, const char *zone) {
    msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = MSG_REPORT_ACCEPTED;
    m.sequence = seq;
    snprintf(m.accepted.county, sizeof m.accepted.county, "410602");
    snprintf(m.accepted.zone, sizeof m.accepted.zone, "%s", zone);
    snprintf(m.accepted.period, sizeof m.accepted.period, "2017-06");
    m.accepted.revision = 1;
    m.accepted.stored_at_ms = 1499702399999LL; /* a ms before 2017-06's deadline */
    cr_assert_eq(wire_send_msg(xpub, NULL, 0, "report.410602.x", &m), 0);
}

Test(web_live, a_snapshot_is_a_resync_updates_are_events_and_a_gap_resyncs) {
    start(true);
    wait_events(1);
    cr_assert_str_eq(ev_type[0], "resync");
    cr_assert_str_eq(ev_county[0], "");
    cr_assert_str_eq(ev_json[0], "{}");

    publish_report(11, "410602001");
    wait_events(2);
    cr_assert_str_eq(ev_type[1], "report");
    cr_assert_str_eq(ev_county[1], "410602");
    cr_assert_str_eq(ev_json[1], "{\"period\":\"2017-06\",\"county\":\"410602\",\"zone\":\"410602001\","
                                 "\"revision\":1,\"late\":false,\"at_ms\":1499702399999}");

    /* 12 is lost: 13 shows the gap, is not published, and a new snapshot is a resync */
    snapshot_seq = 13;
    publish_report(13, "410602003");
    wait_events(3);
    cr_assert_str_eq(ev_type[2], "resync", "after the gap: %s %s", ev_type[2], ev_json[2]);
    cr_assert_geq(snapshots, 2);

    /* in step again: 14 is handed over */
    publish_report(14, "410602004");
    wait_events(4);
    cr_assert_str_eq(ev_type[3], "report");
    cr_assert(strstr(ev_json[3], "\"zone\":\"410602004\""), "%s", ev_json[3]);
    cr_assert_eq(events(), 4, "nothing else: %s", ev_type[events() - 1]);
    stop_loop();
}

Test(web_live, a_publisher_that_does_not_answer_is_asked_again_until_it_does) {
    start(false);
    { /* a few tries go unanswered (retry 100 ms, timeout 300 ms): no event meanwhile */
        struct timespec ts = {0, 900 * 1000000L};
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(events(), 0, "no snapshot, no resync");
    answering = true;
    wait_events(1);
    cr_assert_str_eq(ev_type[0], "resync");
    publish_report(11, "410602001");
    wait_events(2);
    cr_assert_str_eq(ev_type[1], "report");
}
