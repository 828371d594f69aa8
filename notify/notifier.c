/* yuebao-notify - alerts that reach people: the scorer's alert transitions, routed,
 * grouped, inhibited and silenced, told to 企业微信 / 钉钉 group robots, webhooks,
 * e-mail or a command, reminded while they last, and never told twice.
 *
 * Prometheus's Alertmanager is the model, and the reason it is its own daemon, not a
 * part of the scorer: the scorer judges, this one tells; a receiver that hangs or a
 * burst of messages never slows a recompute, and notify can restart (or be replaced)
 * without touching the assessment.
 *
 * Start-up: configuration; the notification store (notify.db; its first start is
 * recorded, and on that one the alerts already firing are told as one summary per
 * group); the Clone subscriber on the scorer (snapshot, then in-order updates); the
 * delivery threads; the control ROUTER for silences. Then the loop: updates change the
 * engine's alerts; a timer (tick_ms) lets the engine decide what is due and the
 * deliverers send what is owed. SIGHUP reloads silence_keys; SIGTERM and SIGINT stop
 * (a delivery in flight finishes first).
 *
 * Configuration: see --help, deploy/etc/yuebao/notify.ini and deploy/dev/notify.ini.
 * Security: subscribes with its own key (listed in the scorer's subscriber_keys);
 * silences come over CURVE from silence_keys only, through a fail-closed ZAP handler;
 * --insecure (plain ZeroMQ on ipc:// or loopback) is for local development only.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "clock.h"
#include "i18n.h"
#include "lockfile.h"
#include "log.h"
#include "notifier.h"
#include "notify.h"
#include "receiver.h"
#include "util.h"

static void on_signal(loop_t *loop, void *socket, int fd, void *arg) {
    notifier_t *n = arg;
    int sig = loop_read_signal(fd);
    (void)socket;
    if (sig == SIGHUP) {
        log_info(_("SIGHUP: reloading silence_keys"));
        notify_reloading();
        notify_control_reload(n);
        notify_ready();
    } else if (sig) {
        log_info(_("signal %d: stopping"), sig);
        notify_stopping();
        loop_stop(loop);
    }
}

static void on_tick(loop_t *loop, void *arg) {
    (void)loop;
    notifier_tick(arg);
}

static master_t *load_master(const char *dir) {
    diag_list_t dl = {0};
    master_t *m;
    char line[1024];
    if (!dir[0]) return NULL;
    if (!(m = master_load(dir, &dl))) {
        diag_sort(&dl);
        for (size_t i = 0; i < dl.n; i++) {
            diag_format(&dl.items[i], line, sizeof line);
            log_error("%s", line);
        }
        diag_clear(&dl);
        log_fatal(_("master data in %s: cannot be read; messages need zone and county names"), dir);
    }
    diag_clear(&dl);
    return m;
}

static void security_start(notifier_t *n) {
    char err[1024];
    const notify_config_t *c = &n->cfg;
    if (c->insecure) {
        log_warn(_("INSECURE MODE: no encryption, no authentication. For local development only."));
        if (!sock_endpoint_is_local(c->subscribe) || !sock_endpoint_is_local(c->snapshot) ||
            (c->control[0] && !sock_endpoint_is_local(c->control)))
            log_fatal(_("plain ZeroMQ is allowed only on ipc:// or loopback TCP (subscribe=%s snapshot=%s "
                        "control=%s)"),
                      c->subscribe, c->snapshot, c->control);
        sock_security_load(&n->sec, true, NULL, NULL, err, sizeof err);
        return;
    }
    if (!c->key[0] || !c->server_key[0])
        log_fatal(
            _("key and server_key must be set (our secret key, the scorer's public key), or --insecure"));
    if (sock_security_load(&n->sec, false, c->key, c->server_key, err, sizeof err) < 0)
        log_fatal(_("key: %s"), err);
}

int main(int argc, char **argv) {
    notifier_t n;
    char err[1024];
    int lock_fd;
    bool first;
    int64_t first_ms;

    i18n_init();
    memset(&n, 0, sizeof n);
    log_init("yuebao-notify", LOG_INFO);
    n.signal_fd = loop_signal_fd(); /* before ZeroMQ's and our threads: they inherit the mask */
    if (n.signal_fd < 0) log_fatal(_("signalfd: cannot block signals"));
    if (notify_config_load(&n.cfg, argc, argv) < 0) return 2;
    notifier_clock_start();
    n.master = load_master(n.cfg.master_dir);
    for (size_t i = 0; i < n.cfg.n_receivers; i++)
        receiver_set_master(n.cfg.receivers[i], n.master);
    /* the keys before the store: a start that fails on them is no first start */
    security_start(&n);
    if (util_mkdir_parent(n.cfg.store) < 0)
        log_fatal(_("notification store folder for %s: %s"), n.cfg.store, strerror(errno));
    /* one notifier per store: two would both tell every group */
    if ((lock_fd = lockfile_acquire(n.cfg.store, NULL, err, sizeof err)) < 0)
        log_fatal(_("%s; one yuebao-notify per notification store"), err);
    if (!(n.store = nstore_open(n.cfg.store, err, sizeof err))) log_fatal(_("notification store: %s"), err);
    if (nstore_first_start(n.store, notifier_now(), &first, &first_ms) < 0)
        log_fatal(_("notification store %s: cannot start"), n.cfg.store);
    if (first)
        log_info(_("first start on %s: alerts already firing are told once, as one summary per group"),
                 n.cfg.store);
    if (engine_init(&n.engine, &n.cfg, n.master, n.store, first) < 0)
        log_fatal(_("notification store %s: cannot read the groups' states"), n.cfg.store);

    if (!(n.ctx = zmq_ctx_new()) || !(n.loop = loop_new())) log_fatal(_("out of memory"));
    if (!(n.deliver =
              deliver_start(n.ctx, n.loop, &n.cfg, n.store, &n.engine, notifier_now, err, sizeof err)))
        log_fatal("%s", err);
    notify_silences_reload(&n);
    notify_control_start(&n);
    loop_add_fd(n.loop, n.signal_fd, on_signal, &n);
    notify_subscribe_start(&n);
    loop_add_timer(n.loop, n.cfg.tick_ms, true, on_tick, &n);
    loop_add_timer(n.loop, 500, true, notify_subscribe_check, &n);
    log_info(_("ready: alerts from %s (snapshots %s), %zu receivers, %zu routes, control on %s, store %s"),
             n.cfg.subscribe, n.cfg.snapshot, n.cfg.n_receivers, n.cfg.routes.n,
             n.cfg.control[0] ? n.cfg.control : _("(none)"), n.cfg.store);
    notify_ready();
    on_tick(n.loop, &n);

    if (loop_run(n.loop) < 0) log_error(_("poll loop failed: %s"), zmq_strerror(zmq_errno()));

    {
        deliver_stats_t *st = deliver_stats(n.deliver);
        log_info(_("stopped: %llu updates, %llu resyncs, %llu notices decided, %llu sent, %llu retries, %llu "
                   "refused, %llu silence requests"),
                 (unsigned long long)n.n_updates, (unsigned long long)n.n_resyncs,
                 (unsigned long long)n.engine.n_notices, (unsigned long long)st->n_sent,
                 (unsigned long long)st->n_retries, (unsigned long long)st->n_failed,
                 (unsigned long long)n.n_silence_requests);
    }
    deliver_stop(&n.deliver);
    notify_subscribe_stop(&n);
    notify_control_stop(&n);
    zmq_ctx_term(n.ctx);
    loop_destroy(&n.loop);
    engine_free(&n.engine);
    nstore_close(&n.store);
    notify_config_free(&n.cfg);
    master_destroy(&n.master);
    explicit_bzero(&n.sec, sizeof n.sec);
    close(n.signal_fd);
    lockfile_release(&lock_fd);
    return 0;
}
