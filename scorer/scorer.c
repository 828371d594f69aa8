/* yuebao-scorer - the central office's assessment: rankings, stars, targets, deadlines.
 *
 * Subscribes to the aggregator's events first, then scores every period from the
 * report store (opened read-only) so nothing that happened before it started is
 * missed; after that each burst of events is one recompute pass. Rankings and alert
 * state live in its own score store; rankings and alert transitions go out on PUB, and
 * a snapshot ROUTER serves the current state to late subscribers. SIGHUP reloads master
 * data and rules (a bad file keeps the old ones); SIGTERM and SIGINT stop.
 *
 * Configuration: see --help, deploy/etc/yuebao/scorer.ini (production) and
 * deploy/dev/scorer.ini (local development).
 * Security: it reads the report store on this host, subscribes to the aggregator with
 * its own key, and admits only subscriber_keys to its PUB and snapshot ROUTER through a
 * fail-closed ZAP handler; --insecure (plain ZeroMQ on ipc:// or loopback) is for local
 * development only.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "lockfile.h"
#include "clock.h"
#include "log.h"
#include "notify.h"
#include "scorer.h"
#include "util.h"

static void on_signal(loop_t *loop, void *socket, int fd, void *arg) {
    scorer_t *s = arg;
    int sig = loop_read_signal(fd);
    (void)socket;
    if (sig == SIGHUP) {
        log_info("SIGHUP: reloading master data, rules and subscriber_keys");
        notify_reloading();
        if (scorer_rules_reload(s) == 0) scorer_request(s, true);
        if (s->zap)
            zap_load_logged(s->zap, SOCK_DOMAIN_SUBSCRIBERS, "subscriber_keys", s->cfg.subscriber_keys, true,
                            NULL, NULL);
        notify_ready();
    } else if (sig) {
        log_info("signal %d: stopping", sig);
        notify_stopping();
        loop_stop(loop);
    }
}

/* Opens the report store read-only, waiting for it: the aggregator creates it on its
 * first start, and the two daemons may start in either order. SIGTERM or SIGINT while
 * waiting exits cleanly. */
static void open_store(scorer_t *s) {
    char err[1024], last[1024] = "";
    for (;;) {
        struct pollfd pfd = {.fd = s->signal_fd, .events = POLLIN};
        s->store = rstore_open(s->cfg.store, true, err, sizeof err);
        if (s->store) return;
        if (strcmp(err, last) != 0) log_warn("report store: %s; waiting for it", err);
        snprintf(last, sizeof last, "%s", err);
        if (poll(&pfd, 1, 500) > 0) {
            int sig = loop_read_signal(s->signal_fd);
            if (sig == SIGTERM || sig == SIGINT) {
                log_info("signal %d: stopping", sig);
                exit(0);
            }
        }
    }
}

static bool all_local(const scorer_config_t *c) {
    return sock_endpoint_is_local(c->events) && (!c->publish[0] || sock_endpoint_is_local(c->publish)) &&
           (!c->snapshot[0] || sock_endpoint_is_local(c->snapshot));
}

/* CURVE: our key, the aggregator's public key for the events, and a fail-closed ZAP
 * handler admitting subscriber_keys to our PUB and snapshot ROUTER. Or, insecure, local
 * endpoints only. Fatal on any error. */
static void security_start(scorer_t *s) {
    char err[1024];
    const scorer_config_t *c = &s->cfg;
    if (c->insecure) {
        log_warn("INSECURE MODE: no encryption, no authentication. For local development only.");
        if (!all_local(c))
            log_fatal("plain ZeroMQ is allowed only on ipc:// or loopback TCP (events=%s publish=%s "
                      "snapshot=%s)",
                      c->events, c->publish, c->snapshot);
        sock_security_load(&s->sec, true, NULL, NULL, err, sizeof err);
        return;
    }
    if (!c->events_server_key[0])
        log_fatal("events_server_key is not set: name the aggregator's public key file");
    if (sock_security_load(&s->sec, false, c->key, c->events_server_key, err, sizeof err) < 0)
        log_fatal("key: %s", err);
    if (!c->publish[0] && !c->snapshot[0]) return;
    if (!(s->zap = zap_start(s->ctx, err, sizeof err))) log_fatal("%s; refusing to start without it", err);
    if (zap_load_logged(s->zap, SOCK_DOMAIN_SUBSCRIBERS, "subscriber_keys", c->subscriber_keys, false, NULL,
                        NULL) < 0)
        log_fatal("cannot start without subscriber_keys");
    log_info("CURVE: server key %s", s->sec.self.public_z85);
}

int main(int argc, char **argv) {
    scorer_t s;
    char err[1024];
    int lock_fd;

    memset(&s, 0, sizeof s);
    log_init("yuebao-scorer", LOG_INFO);
    /* Before ZeroMQ starts its threads, so they inherit the blocked signals. */
    s.signal_fd = loop_signal_fd();
    if (s.signal_fd < 0) log_fatal("signalfd: cannot block signals");
    if (scorer_config_load(&s.cfg, argc, argv) < 0) return 2;
    scorer_config_params(&s.cfg, &s.params, &s.thresholds);
    if (scorer_rules_reload(&s) < 0) log_fatal("cannot start without valid master data and rules");
    if (util_mkdir_parent(s.cfg.scores) < 0)
        log_fatal("score store folder for %s: %s", s.cfg.scores, strerror(errno));
    /* one scorer per score store: a second one would publish alerts into our view */
    if ((lock_fd = lockfile_acquire(s.cfg.scores, NULL, err, sizeof err)) < 0)
        log_fatal("%s; one scorer per score store", err);
    open_store(&s);
    s.scores = sstore_open(s.cfg.scores, false, err, sizeof err);
    if (!s.scores) log_fatal("score store: %s", err);
    if (scorer_first_start(&s, clock_now_ms()) < 0) log_fatal("score store %s: cannot start", s.cfg.scores);

    s.ctx = zmq_ctx_new();
    s.loop = loop_new();
    if (!s.ctx || !s.loop) log_fatal("out of memory");
    security_start(&s);
    /* Subscribe before the first pass reads the store: an event that arrives meanwhile
     * only asks for one more pass. */
    s.sub = sock_sub(s.ctx, s.cfg.events, "", &s.sec, err, sizeof err);
    if (!s.sub) log_fatal("aggregator's events: %s", err);
    if (s.cfg.publish[0] && !(s.pub = sock_pub(s.ctx, s.cfg.publish, &s.sec, err, sizeof err)))
        log_fatal("publish endpoint: %s", err);
    if (s.cfg.snapshot[0] &&
        !(s.snapshot = sock_router(s.ctx, s.cfg.snapshot, &s.sec, SOCK_DOMAIN_SUBSCRIBERS, err, sizeof err)))
        log_fatal("snapshot endpoint: %s", err);
    loop_add_fd(s.loop, s.signal_fd, on_signal, &s);
    loop_add_socket(s.loop, s.sub, scorer_events_ready, &s);
    if (sock_watch_start(&s.sub_watch, s.ctx, s.sub) == 0)
        loop_add_socket(s.loop, s.sub_watch.monitor, scorer_events_handshake, &s);
    if (s.snapshot) loop_add_socket(s.loop, s.snapshot, scorer_snapshot_ready, &s);
    loop_add_timer(s.loop, s.cfg.heartbeat_ms, true, scorer_publish_heartbeat, &s);
    loop_add_timer(s.loop, s.cfg.silence_ms / 2, true, scorer_events_check_silence, &s);
    loop_add_timer(s.loop, s.cfg.check_ms, true, scorer_check_deadlines, &s);
    s.agg_heard_ms = clock_mono_ms();
    s.sequence = clock_sequence_origin(); /* a restart reads as a gap, never as the next number */

    s.full_pending = true;
    if (scorer_recompute(&s) < 0) log_fatal("the first pass over the report store failed");
    log_info("ready: events from %s, publishing on %s, snapshots on %s, scores in %s", s.cfg.events,
             s.cfg.publish[0] ? s.cfg.publish : "(none)", s.cfg.snapshot[0] ? s.cfg.snapshot : "(none)",
             s.cfg.scores);
    notify_ready();

    if (loop_run(s.loop) < 0) log_error("poll loop failed: %s", zmq_strerror(zmq_errno()));

    log_info("stopped: %llu events, %llu passes, %llu resyncs, %llu rankings and %llu alert transitions "
             "published",
             (unsigned long long)s.n_events, (unsigned long long)s.n_passes, (unsigned long long)s.n_resyncs,
             (unsigned long long)s.n_rankings, (unsigned long long)s.n_transitions);
    sock_watch_stop(&s.sub_watch, s.sub);
    sock_close(&s.sub);
    sock_close(&s.pub);
    sock_close(&s.snapshot);
    zap_stop(&s.zap);
    explicit_bzero(&s.sec, sizeof s.sec);
    zmq_ctx_term(s.ctx);
    loop_destroy(&s.loop);
    rstore_close(&s.store);
    sstore_close(&s.scores);
    rules_destroy(&s.rules);
    master_destroy(&s.master);
    close(s.signal_fd);
    lockfile_release(&lock_fd);
    return 0;
}
