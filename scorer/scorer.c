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
 * Security (scorer_security.c): it reads the report store on this host, subscribes to
 * the aggregator with its own key, and admits only subscriber_keys to its PUB and
 * snapshot ROUTER through a fail-closed ZAP handler; --insecure (plain ZeroMQ on ipc://
 * or loopback) is for local development only.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "lockfile.h"
#include "wire.h"
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "notify.h"
#include "scorer.h"
#include "util.h"

static void on_signal(loop_t *loop, void *socket, int fd, void *arg) {
    scorer_t *s = arg;
    int sig = loop_read_signal(fd);
    (void)socket;
    if (sig == SIGHUP) {
        log_info(_("SIGHUP: reloading master data, rules and subscriber_keys"));
        notify_reloading();
        if (scorer_rules_reload(s) == 0) scorer_request(s, true);
        scorer_security_reload(s);
        notify_ready();
    } else if (sig) {
        log_info(_("signal %d: stopping"), sig);
        notify_stopping();
        loop_stop(loop);
    }
}

int main(int argc, char **argv) {
    scorer_t s;
    char err[1024];
    int lock_fd;

    i18n_init(); /* first: every message after it is in the locale's language */
    memset(&s, 0, sizeof s);
    log_init("yuebao-scorer", LOG_INFO);
    /* Before ZeroMQ starts its threads, so they inherit the blocked signals. */
    s.signal_fd = loop_signal_fd();
    if (s.signal_fd < 0) log_fatal(_("signalfd: cannot block signals"));
    if (scorer_config_load(&s.cfg, argc, argv) < 0) return 2;
    scorer_config_params(&s.cfg, &s.params, &s.thresholds);
    if (scorer_rules_reload(&s) < 0) log_fatal(_("cannot start without valid master data and rules"));
    if (util_mkdir_parent(s.cfg.scores) < 0)
        log_fatal(_("score store folder for %s: %s"), s.cfg.scores, strerror(errno));
    /* one scorer per score store: a second one would publish alerts into our view */
    if ((lock_fd = lockfile_acquire(s.cfg.scores, NULL, err, sizeof err)) < 0)
        log_fatal(_("%s; one scorer per score store"), err);
    scorer_store_open(&s);
    if (scorer_first_start(&s, clock_now_ms()) < 0) log_fatal(_("score store %s: cannot start"), s.cfg.scores);

    s.ctx = zmq_ctx_new();
    s.loop = loop_new();
    if (!s.ctx || !s.loop) log_fatal(_("out of memory"));
    scorer_security_start(&s);
    /* Subscribe before the first pass reads the store: an event that arrives meanwhile
     * only asks for one more pass. */
    s.sub = sock_sub(s.ctx, s.cfg.events, "", &s.sec, err, sizeof err);
    if (!s.sub) log_fatal(_("aggregator's events: %s"), err);
    if (s.cfg.publish[0] && !(s.pub = sock_pub(s.ctx, s.cfg.publish, &s.sec, WIRE_DOMAIN_SUBSCRIBERS, err, sizeof err)))
        log_fatal(_("publish endpoint: %s"), err);
    if (s.cfg.snapshot[0] &&
        !(s.snapshot = sock_router(s.ctx, s.cfg.snapshot, &s.sec, WIRE_DOMAIN_SUBSCRIBERS, err, sizeof err)))
        log_fatal(_("snapshot endpoint: %s"), err);
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
    if (scorer_recompute(&s) < 0) log_fatal(_("the first pass over the report store failed"));
    log_info(_("ready: events from %s, publishing on %s, snapshots on %s, scores in %s"), s.cfg.events,
             s.cfg.publish[0] ? s.cfg.publish : _("(none)"), s.cfg.snapshot[0] ? s.cfg.snapshot : _("(none)"),
             s.cfg.scores);
    notify_ready();

    if (loop_run(s.loop) < 0) log_error(_("poll loop failed: %s"), zmq_strerror(zmq_errno()));

    log_info(_("stopped: %llu events, %llu passes, %llu resyncs, %llu rankings and %llu alert transitions "
             "published"),
             (unsigned long long)s.n_events, (unsigned long long)s.n_passes, (unsigned long long)s.n_resyncs,
             (unsigned long long)s.n_rankings, (unsigned long long)s.n_transitions);
    sock_watch_stop(&s.sub_watch, s.sub);
    sock_close(&s.sub);
    sock_close(&s.pub);
    sock_close(&s.snapshot);
    scorer_security_stop(&s);
    zmq_ctx_term(s.ctx);
    loop_destroy(&s.loop);
    rstore_close(&s.store);
    sstore_close(&s.scores);
    scorer_forget_values(&s);
    scorer_forget_stars(&s);
    rules_destroy(&s.rules);
    master_destroy(&s.master);
    close(s.signal_fd);
    lockfile_release(&lock_fd);
    return 0;
}
