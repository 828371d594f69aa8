/* test_clone.c - the Clone subscriber (clone.c) against a fake publisher in-process.
 *
 * The fake is an XPUB (so the test sees the subscription arrive before it publishes:
 * no slow joiner) and a snapshot ROUTER served by a thread that answers every request
 * with SnapshotEnd "as of sequence N". What a subscriber must do: drop what was queued
 * before the snapshot (≤ N), hand over N+1, N+2 …, and take a sequence number going
 * back for what it is, a restarted publisher, also when the publisher restarted with
 * its clock behind before anything newer than the snapshot arrived (its numbers then
 * stay below N for hours: they must not be dropped as old for ever).
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "clone.h"
#include "wire.h"
#include "codec.h"
#include "sock.h"

#define PUB_EP "inproc://clone-pub"
#define SNAP_EP "inproc://clone-snap"

static void *ctx, *xpub, *router;
static pthread_t server;
static atomic_bool server_stop;
static atomic_ullong snapshot_seq;
static sock_security_t sec = {.insecure = true};
static clone_t *C;

/* Answers every snapshot request with SnapshotEnd(snapshot_seq). */
static void *serve(void *arg) {
    (void)arg;
    while (!server_stop) {
        zmq_pollitem_t it = {router, 0, ZMQ_POLLIN, 0};
        void *frames[2] = {NULL, NULL};
        size_t lens[2] = {0, 0};
        if (zmq_poll(&it, 1, 50) <= 0) continue;
        if (sock_recv_frames(router, frames, lens, 2) == 2) {
            msg_t end;
            memset(&end, 0, sizeof end);
            end.kind = MSG_SNAPSHOT_END;
            end.snap_end_sequence = snapshot_seq;
            wire_send_msg(router, frames[0], lens[0], NULL, &end);
        }
        free(frames[0]);
        free(frames[1]);
    }
    return NULL;
}

static void setup(void) {
    char err[256] = "";
    clone_opts_t o;
    int linger = 0;
    ctx = zmq_ctx_new();
    cr_assert_not_null(ctx);
    xpub = zmq_socket(ctx, ZMQ_XPUB);
    router = zmq_socket(ctx, ZMQ_ROUTER);
    cr_assert(xpub && router);
    zmq_setsockopt(xpub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    cr_assert_eq(zmq_bind(xpub, PUB_EP), 0);
    cr_assert_eq(zmq_bind(router, SNAP_EP), 0);
    server_stop = false;
    cr_assert_eq(pthread_create(&server, NULL, serve, NULL), 0);

    memset(&o, 0, sizeof o);
    o.ctx = ctx;
    o.pub = PUB_EP;
    o.snapshot = SNAP_EP;
    o.sec = &sec;
    o.who = "the fake";
    o.silence_ms = 300;
    C = clone_open(&o, err, sizeof err);
    cr_assert_not_null(C, "clone_open: %s", err);
    { /* the subscription has reached the publisher: nothing published from now is lost */
        zmq_pollitem_t it = {xpub, 0, ZMQ_POLLIN, 0};
        char sub[8];
        cr_assert_eq(zmq_poll(&it, 1, 5000), 1, "no subscription");
        cr_assert_gt(zmq_recv(xpub, sub, sizeof sub, 0), 0);
        cr_assert_eq(sub[0], 1);
    }
}

static void teardown(void) {
    clone_close(&C);
    server_stop = true;
    pthread_join(server, NULL);
    zmq_close(xpub);
    zmq_close(router);
    zmq_ctx_term(ctx);
}

TestSuite(clone, .init = setup, .fini = teardown, .timeout = 30);

static void publish(msg_kind_t kind, uint64_t seq) {
    msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = kind;
    m.sequence = seq;
    if (kind == MSG_ALERT) {
        snprintf(m.alert.zone, sizeof m.alert.zone, "jinshan");
        snprintf(m.alert.county, sizeof m.alert.county, "410671");
        snprintf(m.alert.period, sizeof m.alert.period, "2017-05");
        m.alert.kind = ALERT_OVERDUE;
        m.alert.severity = SEV_CRITICAL;
        m.alert.transition = TR_FIRING;
        m.alert.previous = SEV_NONE;
        m.alert.year = 2017;
    }
    cr_assert_eq(
        wire_send_msg(xpub, NULL, 0, kind == MSG_HEARTBEAT ? "hb" : "alert.410671.jinshan.overdue", &m), 0);
}

typedef struct {
    uint64_t seq[16];
    size_t n;
} handed_t;

static void on_update(const msg_t *m, bool in_snapshot, void *arg) {
    handed_t *h = arg;
    cr_assert_not(in_snapshot);
    cr_assert_lt(h->n, 16);
    h->seq[h->n++] = m->sequence;
}

static void snapshot_at(uint64_t n) {
    msg_t req;
    char err[256] = "";
    memset(&req, 0, sizeof req);
    req.kind = MSG_SNAPSHOT_REQUEST;
    snapshot_seq = n;
    cr_assert_eq(clone_snapshot(C, &req, (clone_fn)on_update, NULL, err, sizeof err), CLONE_OK,
                 "snapshot: %s", err);
    cr_assert_eq(clone_sequence(C), n);
}

/* Polls until clone_poll asks for a resync (or fails) or max polls of 100 ms pass,
 * feeding the publisher with feed(i) before each. Returns the last clone_poll result. */
static clone_result_t poll_until_resync(handed_t *h, int max, void (*feed)(int i), char *why, size_t whysz) {
    clone_result_t rc = CLONE_OK;
    for (int i = 0; i < max && rc == CLONE_OK; i++) {
        if (feed) feed(i);
        rc = clone_poll(C, 100, on_update, h, why, whysz);
    }
    return rc;
}

Test(clone, updates_queued_before_the_snapshot_are_dropped_and_the_next_ones_handed_over) {
    handed_t h = {0};
    char why[256] = "";
    clone_result_t rc;
    /* queued in the SUB before the snapshot: 990 … 995 */
    publish(MSG_HEARTBEAT, 990);
    for (uint64_t s = 991; s <= 995; s++)
        publish(MSG_ALERT, s);
    snapshot_at(995);
    publish(MSG_HEARTBEAT, 995);
    publish(MSG_ALERT, 996);
    publish(MSG_HEARTBEAT, 996);
    for (int i = 0; i < 20 && h.n < 1; i++) {
        rc = clone_poll(C, 100, on_update, &h, why, sizeof why);
        cr_assert_eq(rc, CLONE_OK, "no resync for updates already in the snapshot: %s", why);
    }
    cr_assert_eq(h.n, 1, "only 996 is new");
    cr_assert_eq(h.seq[0], 996);
    cr_assert_eq(clone_sequence(C), 996);
}

Test(clone, a_sequence_going_back_once_live_is_a_restart) {
    handed_t h = {0};
    char why[256] = "";
    snapshot_at(1000);
    publish(MSG_ALERT, 1001);
    publish(MSG_HEARTBEAT, 1001);
    publish(MSG_HEARTBEAT, 400); /* restarted, its clock an hour behind */
    cr_assert_eq(poll_until_resync(&h, 20, NULL, why, sizeof why), CLONE_RESYNC, "a restart must resync");
    cr_assert_eq(h.n, 1);
    cr_assert_eq(h.seq[0], 1001);
    cr_assert_not_null(strstr(why, "went back"), "%s", why);
}

static uint64_t restarted_seq;

static void feed_restarted(int i) {
    (void)i;
    usleep(20 * 1000); /* a publisher beating every 20 ms */
    publish(MSG_HEARTBEAT, restarted_seq);
    publish(MSG_ALERT, ++restarted_seq);
}

Test(clone, a_publisher_restarted_behind_the_snapshot_before_anything_new_is_a_restart) {
    handed_t h = {0};
    char why[256] = "";
    snapshot_at(1000);
    /* before a word at or above 1000: the publisher restarts at 400 and keeps going,
     * a heartbeat and an update every 20 ms, all of them below the snapshot's 1000
     * (up to 500 of them: 10 s, far beyond the 300 ms silence_ms) */
    restarted_seq = 400;
    cr_assert_eq(poll_until_resync(&h, 500, feed_restarted, why, sizeof why), CLONE_RESYNC,
                 "numbers that stay below the snapshot are a restart, not old news");
    cr_assert_eq(h.n, 0, "nothing of the restarted run was taken for an update");
    cr_assert_not_null(strstr(why, "below the snapshot"), "%s", why);
}

Test(clone, a_snapshot_unanswered_fails_a_stop_request_stops_and_no_sub_cannot_poll) {
    volatile sig_atomic_t stop = 0;
    clone_opts_t o;
    clone_t *lone;
    msg_t req;
    char err[256] = "";
    memset(&o, 0, sizeof o);
    o.ctx = ctx;
    o.pub = NULL; /* snapshots only */
    o.snapshot = "inproc://clone-nobody";
    o.sec = &sec;
    o.who = "the absent";
    o.snapshot_timeout_ms = 300;
    o.stop = &stop;
    lone = clone_open(&o, err, sizeof err);
    cr_assert_not_null(lone, "clone_open: %s", err);
    memset(&req, 0, sizeof req);
    req.kind = MSG_SNAPSHOT_REQUEST;
    cr_assert_eq(clone_snapshot(lone, &req, (clone_fn)on_update, NULL, err, sizeof err), CLONE_FAILED);
    cr_assert_not_null(strstr(err, "no answer from the absent at inproc://clone-nobody"), "%s", err);
    stop = 1;
    cr_assert_eq(clone_snapshot(lone, &req, (clone_fn)on_update, NULL, err, sizeof err), CLONE_STOPPED);
    cr_assert_eq(clone_poll(lone, 10, (clone_fn)on_update, NULL, err, sizeof err), CLONE_ERROR);
    cr_assert_not_null(strstr(err, "not subscribed to the absent"), "%s", err);
    clone_close(&lone);
    cr_assert_null(lone);
}
