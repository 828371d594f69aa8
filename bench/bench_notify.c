/* bench_notify.c - alert → receiver called: yuebao-notify's share of "report accepted →
 * someone is told" (DESIGN §8).
 *
 * What it measures: the real yuebao-notify, subscribed to a stand-in scorer in this
 * process (a PUB and a snapshot ROUTER speaking the Clone protocol the real scorer
 * speaks: numbered updates, heartbeats, "as of sequence N"), delivering to the fake
 * webhook of tests/e2e/fake_receivers.c (a real HTTP server thread on 127.0.0.1, the
 * receiver a real libcurl POST). The scorer's state holds one growth alert per zone (not an inhibiting kind),
 * 100 or 1 000 zones in 10 counties, so each of the daemon's passes looks at every one
 * of them. The bench then publishes 200 transitions of one zone's pace alert, one at a
 * time (firing, resolved, firing, …), each a new state of its group and so one message
 * (group_wait and group_interval 0); the latency runs from the bench's send of the
 * transition to the webhook's request having been recorded; p50 and p99.
 *
 * Report accepted → alert published is bench_score's part 3 (the real aggregator and
 * scorer); the two add up to report accepted → receiver called. They are measured
 * apart so each figure says whose it is.
 *
 * This is a measurement, never a test: nothing here asserts on timing. It fails (exit
 * 1) only when the work went wrong: notify not ready, a message missing or one too many.
 *
 * Usage: bench_notify BIN_DIR [EXAMPLES_DIR]   (make bench passes build/bin)
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "bench.h"
#include "codec.h"
#include "../tests/e2e/fake_receivers.h"
#include "sock.h"
#include "wire.h"

#define N_COUNTIES 10
#define N_TRANSITIONS 200

static struct {
    char tmp[PATH_MAX];
    pid_t notify;
    fake_http_t *http;
    void *ctx, *pub, *router;
    uint64_t seq;
    size_t nz;
    int64_t last_hb_ns;
    char log[PATH_MAX + 64]; /* notify's log, shown when the work went wrong */
} B;

static void show_log(void) {
    char *t = B.log[0] ? bench_slurp(B.log) : NULL;
    if (t) fprintf(stderr, "--- %s:\n%s\n", B.log, t);
    free(t);
    if (getenv("BENCH_DEBUG")) {
        char cmd[PATH_MAX * 2];
        snprintf(cmd, sizeof cmd,
                 "cd %s/n%zu && sqlite3 notify.db 'select id,gkey,outcome,detail from log; select id,gkey "
                 "from outbox; select gkey,sent_hash from groups' >&2",
                 B.tmp, B.nz);
        if (system(cmd) != 0) fprintf(stderr, "(sqlite3 failed)\n");
    }
}

static void cleanup(void) {
    if (B.notify > 0) {
        kill(B.notify, SIGKILL);
        waitpid(B.notify, NULL, 0);
        B.notify = 0;
    }
    fake_http_stop(&B.http);
    if (B.tmp[0]) {
        bench_remove_tree(B.tmp);
        B.tmp[0] = '\0';
    }
}

static void zone_alert(size_t k, alert_kind_t kind, severity_t sev, transition_t tr, alert_t *a) {
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->severity = sev;
    a->previous = tr == TR_RESOLVED ? SEV_CRITICAL : SEV_NONE;
    a->transition = tr;
    snprintf(a->zone, sizeof a->zone, "z%05zu", k);
    snprintf(a->county, sizeof a->county, "4199%02zu", k % N_COUNTIES);
    a->year = 2017;
    snprintf(a->period, sizeof a->period, "%s", kind == ALERT_OVERDUE ? "2017-05" : "2017-06");
    if (kind != ALERT_OVERDUE) snprintf(a->indicator, sizeof a->indicator, "fai");
    a->value = a->target = a->expected = a->gap = NAN;
    a->since_ms = 1499000000000LL;
    a->at_ms = a->since_ms;
    snprintf(a->message, sizeof a->message, "zone %zu", k);
}

static void publish(msg_t *m) {
    char topic[128];
    m->sequence = ++B.seq;
    snprintf(topic, sizeof topic, "alert.%s.%s.%s", m->alert.county, m->alert.zone,
             alert_kind_name(m->alert.kind));
    if (wire_send_msg(B.pub, NULL, 0, topic, m) < 0) bench_fail("publish: %s", zmq_strerror(zmq_errno()));
}

static void heartbeat(void) {
    msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = MSG_HEARTBEAT;
    m.sequence = B.seq;
    if (wire_send_msg(B.pub, NULL, 0, "heartbeat", &m) < 0) bench_fail("heartbeat");
    B.last_hb_ns = bench_now_ns();
}

/* Answers snapshot requests: every zone's growth alert, then SnapshotEnd as of B.seq. */
static void serve_snapshots(void) {
    for (;;) {
        void *frames[3] = {NULL, NULL, NULL};
        size_t lens[3] = {0, 0, 0};
        int n = sock_recv_frames(B.router, frames, lens, 3);
        if (n < 0) return;
        for (size_t k = 0; k < B.nz && n >= 2; k++) {
            msg_t m;
            memset(&m, 0, sizeof m);
            m.kind = MSG_ALERT;
            zone_alert(k, ALERT_GROWTH, SEV_WARNING, TR_ACTIVE, &m.alert);
            if (wire_send_msg(B.router, frames[0], lens[0], NULL, &m) < 0) bench_fail("snapshot");
        }
        if (n >= 2) {
            msg_t end;
            memset(&end, 0, sizeof end);
            end.kind = MSG_SNAPSHOT_END;
            end.snap_end_sequence = B.seq;
            end.snap_end_alerts = (uint32_t)B.nz;
            if (wire_send_msg(B.router, frames[0], lens[0], NULL, &end) < 0) bench_fail("snapshot end");
        }
        for (int i = 0; i < 3; i++)
            free(frames[i]);
    }
}

/* Keeps the stand-in scorer alive (snapshots, heartbeats) until the webhook has n
 * requests, or fails after timeout_ms. */
static void wait_requests(size_t n, int timeout_ms) {
    int64_t deadline = bench_now_ns() + (int64_t)timeout_ms * 1000000;
    while (fake_http_count(B.http, "/hook") < n) {
        serve_snapshots();
        if (bench_now_ns() - B.last_hb_ns > 100 * 1000000LL) heartbeat();
        if (bench_now_ns() > deadline) show_log();
        if (bench_now_ns() > deadline)
            bench_fail("%zu zones: %zu messages, %zu expected", B.nz, fake_http_count(B.http, "/hook"), n);
        usleep(50);
    }
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void run(const char *bin, size_t nz) {
    char dir[PATH_MAX + 16], ini[PATH_MAX + 64], log[PATH_MAX + 64], exe[PATH_MAX + 32],
        pub_ep[PATH_MAX + 32], snap_ep[PATH_MAX + 32];
    char *args[6];
    double lat[N_TRANSITIONS];
    size_t base;
    FILE *f;
    memset(lat, 0, sizeof lat);
    B.nz = nz;
    snprintf(dir, sizeof dir, "%.*s/n%zu", PATH_MAX - 32, B.tmp, nz);
    if (mkdir(dir, 0700) != 0) bench_fail("mkdir: %s", strerror(errno));
    snprintf(pub_ep, sizeof pub_ep, "ipc://%s/p", dir);
    snprintf(snap_ep, sizeof snap_ep, "ipc://%s/s", dir);
    {
        sock_security_t sec;
        char err[256];
        memset(&sec, 0, sizeof sec);
        sec.insecure = true;
        if (!(B.pub = sock_pub(B.ctx, pub_ep, &sec, NULL, err, sizeof err)) ||
            !(B.router = sock_router(B.ctx, snap_ep, &sec, NULL, err, sizeof err)))
            bench_fail("the stand-in scorer: %s", err);
    }
    B.seq = 1000;
    snprintf(ini, sizeof ini, "%s/notify.ini", dir);
    if (!(f = fopen(ini, "w"))) bench_fail("%s: %s", ini, strerror(errno));
    fprintf(f,
            "[notify]\nstore = %s/notify.db\nsubscribe = %s\nsnapshot = %s\ncontrol =\ntick_ms = 1000\n"
            "[route]\nreceiver = hook\ngroup_wait = 0s\ngroup_interval = 0s\nrepeat_interval = 0\n"
            "[receiver hook]\ntype = webhook\nurl = http://127.0.0.1:%d/hook\n",
            dir, pub_ep, snap_ep, fake_http_port(B.http));
    fclose(f);
    snprintf(log, sizeof log, "%s/notify.log", dir);
    snprintf(B.log, sizeof B.log, "%s", log);
    snprintf(exe, sizeof exe, "%s/yuebao-notify", bin);
    args[0] = exe;
    args[1] = "-c";
    args[2] = ini;
    args[3] = "--insecure";
    args[4] = NULL;
    base = fake_http_count(B.http, "/hook");
    bench_spawn(&B.notify, args, log, "2017-07-05T10:00");
    /* the first start: one summary per county */
    wait_requests(base + N_COUNTIES, 30000);
    base += N_COUNTIES;
    for (int i = 0; i < N_TRANSITIONS; i++) {
        msg_t m;
        int64_t t0;
        memset(&m, 0, sizeof m);
        m.kind = MSG_ALERT;
        codec_new_id(m.id);
        zone_alert(0, ALERT_PACE, i % 2 ? SEV_NONE : SEV_CRITICAL, i % 2 ? TR_RESOLVED : TR_FIRING, &m.alert);
        t0 = bench_now_ns();
        publish(&m);
        wait_requests(base + (size_t)i + 1, 10000);
        lat[i] = (double)(bench_now_ns() - t0) / 1e6;
    }
    bench_sleep_ms(300);
    serve_snapshots();
    if (fake_http_count(B.http, "/hook") != base + N_TRANSITIONS)
        bench_fail("%zu zones: %zu messages after the transitions, %zu expected", nz,
                   fake_http_count(B.http, "/hook"), base + N_TRANSITIONS);
    if (bench_stop(&B.notify, 10000) < 0) bench_fail("notify did not stop");
    qsort(lat, N_TRANSITIONS, sizeof lat[0], cmp_d);
    printf("  %5zu zones (%zu alerts firing): alert published → receiver called  p50 %.2f ms  p99 %.2f ms  "
           "(%d transitions, one message each)\n",
           nz, nz, lat[N_TRANSITIONS / 2], lat[N_TRANSITIONS * 99 / 100], N_TRANSITIONS);
    sock_close(&B.pub);
    sock_close(&B.router);
}

int main(int argc, char **argv) {
    const char *tmp = getenv("TMPDIR");
    if (argc < 2) {
        fprintf(stderr, "usage: bench_notify BIN_DIR\n");
        return 2;
    }
    bench_init("bench_notify", cleanup);
    snprintf(B.tmp, sizeof B.tmp, "%s/yb-bench-notify-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(B.tmp)) bench_fail("mkdtemp: %s", strerror(errno));
    if (!(B.http = fake_http_start())) bench_fail("the fake webhook did not start");
    if (!(B.ctx = zmq_ctx_new())) bench_fail("zmq_ctx_new");
    printf("bench_notify: yuebao-notify, alert → webhook (real libcurl POST to 127.0.0.1)\n");
    run(argv[1], 100);
    run(argv[1], 1000);
    zmq_ctx_term(B.ctx);
    return 0;
}
