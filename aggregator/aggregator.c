/* yuebao-aggregator - the central office's receiver of county reports.
 *
 * Binds a ROUTER for collectors, a PUB for events and live totals, a ROUTER for
 * their snapshots and (with control set) a ROUTER for the approvers' approve, publish
 * and unlock (aggregator_approval.c), loads master data, opens the report store and builds the live
 * totals from it, then serves one poll loop: reports in, one group commit per batch,
 * acks after COMMIT, events and the changed totals after acks. SIGHUP reloads master data; SIGTERM and SIGINT
 * stop cleanly between batches.
 *
 * Configuration: see --help, deploy/etc/yuebao/aggregator.ini (production) and
 * deploy/dev/aggregator.ini (local development).
 * Security (aggregator_security.c): CURVE with a fail-closed ZAP handler; a report's
 * zone must belong to the county of the key that sent it. --insecure takes the county
 * from the connection's routing id and is for local development only.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "aggregator.h"
#include "wire.h"
#include "clock.h"
#include "i18n.h"
#include "lockfile.h"
#include "log.h"
#include "notify.h"
#include "util.h"

static void on_signal(loop_t *loop, void *socket, int fd, void *arg) {
    aggregator_t *a = arg;
    int sig = loop_read_signal(fd);
    (void)socket;
    if (sig == SIGHUP) {
        log_info(_("SIGHUP: reloading master data and key lists"));
        notify_reloading();
        aggregator_ingest_drain(a); /* master data and the store are the writer thread's while it commits */
        if (aggregator_master_load(a) == 0) {
            /* zones may have moved between counties: the totals are rebuilt and all sent */
            aggregator_live_rebuild(a, true);
            aggregator_publish_totals(a);
        }
        aggregator_security_reload(a);
        aggregator_ingest_resume(a);
        notify_ready();
    } else if (sig) {
        log_info(_("signal %d: stopping"), sig);
        notify_stopping();
        loop_stop(loop);
    }
}

int main(int argc, char **argv) {
    aggregator_t a;
    char err[1024];

    i18n_init(); /* first: every message after it is in the locale's language */
    memset(&a, 0, sizeof a);
    log_init("yuebao-aggregator", LOG_INFO);
    /* Before any thread exists (ZeroMQ starts its own): every thread inherits the blocked
     * signals, so SIGHUP and SIGTERM reach us only through the loop's signalfd. */
    a.signal_fd = loop_signal_fd();
    if (a.signal_fd < 0) log_fatal(_("signalfd: cannot block signals"));
    if (aggregator_config_load(&a.cfg, argc, argv) < 0) return 2;
    if (aggregator_master_load(&a) < 0) log_fatal(_("cannot start without valid master data"));
    if (util_mkdir_parent(a.cfg.store) < 0)
        log_fatal(_("store folder for %s: %s"), a.cfg.store, strerror(errno));
    /* the lock first: a running aggregator's live WAL is not ours to judge */
    if (lockfile_acquire(a.cfg.store, NULL, err, sizeof err) < 0) /* held until exit */
        log_fatal(_("%s; one aggregator per report store"), err);
    if (aggregator_store_open(&a) < 0) log_fatal(_("cannot start without its report store"));
    if (aggregator_master_check_store(&a) < 0)
        log_fatal(_("cannot start: the master data does not fit the store"));
    if (aggregator_live_rebuild(&a, false) < 0) log_fatal(_("cannot load the live totals from %s"), a.cfg.store);
    if (aggregator_approval_load(&a) < 0) log_fatal(_("cannot start without the periods' approval states"));
    /* From here on the loop must never wait long for the store: BEGIN IMMEDIATE against
     * another program's write lock fails fast and the batch is retried from a timer. */
    rstore_set_busy_timeout(a.store, 20);
    a.batch = calloc((size_t)a.cfg.batch_max, sizeof *a.batch);
    a.inflight = calloc((size_t)a.cfg.batch_max, sizeof *a.inflight);
    a.settling = calloc((size_t)a.cfg.batch_max, sizeof *a.settling);
    a.ctx = zmq_ctx_new();
    a.loop = loop_new();
    if (!a.batch || !a.inflight || !a.settling || !a.ctx || !a.loop) log_fatal(_("out of memory"));
    /* The store half of each commit on a thread of its own, while the loop receives the
     * next batch and acks the last (DESIGN §1): after the signals are blocked. */
    if (!(a.writer = aggregator_writer_start(&a))) log_fatal(_("cannot start the writer thread"));
    if (aggregator_security_start(&a) < 0) log_fatal(_("cannot start without its security in place"));
    a.router = sock_router(a.ctx, a.cfg.listen, &a.sec, WIRE_DOMAIN_COLLECTORS, err, sizeof err);
    if (!a.router) log_fatal(_("collectors' endpoint: %s"), err);
    if (a.cfg.publish[0]) {
        a.pub = sock_pub(a.ctx, a.cfg.publish, &a.sec, WIRE_DOMAIN_SUBSCRIBERS, err, sizeof err);
        if (!a.pub) log_fatal(_("events endpoint: %s"), err);
    }
    if (a.cfg.snapshot[0]) {
        a.snapshot = sock_router(a.ctx, a.cfg.snapshot, &a.sec, WIRE_DOMAIN_SUBSCRIBERS, err, sizeof err);
        if (!a.snapshot) log_fatal(_("snapshot endpoint: %s"), err);
    }
    if (a.cfg.control[0]) {
        a.control = sock_router(a.ctx, a.cfg.control, &a.sec, WIRE_DOMAIN_APPROVERS, err, sizeof err);
        if (!a.control) log_fatal(_("control endpoint: %s"), err);
    }
    a.sequence = clock_sequence_origin(); /* a restart reads as a gap, never as the next number */
    loop_add_fd(a.loop, a.signal_fd, on_signal, &a);
    loop_add_socket(a.loop, a.router, aggregator_ingest_ready, &a);
    loop_add_fd(a.loop, aggregator_writer_fd(a.writer), aggregator_ingest_written, &a);
    if (a.snapshot) loop_add_socket(a.loop, a.snapshot, aggregator_snapshot_ready, &a);
    if (a.control) loop_add_socket(a.loop, a.control, aggregator_control_ready, &a);
    loop_add_timer(a.loop, a.cfg.heartbeat_ms, true, aggregator_publish_heartbeat, &a);
    log_info(_("ready: collectors on %s, events on %s, snapshots on %s, store %s%s"), a.cfg.listen,
             a.cfg.publish[0] ? a.cfg.publish : _("(none)"), a.cfg.snapshot[0] ? a.cfg.snapshot : _("(none)"),
             a.cfg.store, a.cfg.insecure ? _(" (INSECURE)") : _(", CURVE"));
    notify_ready();

    if (loop_run(a.loop) < 0) log_error(_("poll loop failed: %s"), zmq_strerror(zmq_errno()));

    /* the batch the writer has is settled first: its commit and acks are in the counts */
    aggregator_ingest_stop(&a);
    aggregator_writer_stop(&a.writer);
    log_info(_("stopped: %llu accepted, %llu duplicate, %llu stale, %llu rejected, %llu garbled, "
             "%llu throttled, %llu commits, %llu retry"),
             (unsigned long long)a.n_accepted, (unsigned long long)a.n_duplicate,
             (unsigned long long)a.n_stale, (unsigned long long)a.n_rejected, (unsigned long long)a.n_garbled,
             (unsigned long long)a.n_throttled, (unsigned long long)a.n_commits,
             (unsigned long long)a.n_retry);
    sock_close(&a.router);
    sock_close(&a.pub);
    sock_close(&a.snapshot);
    sock_close(&a.control);
    aggregator_security_stop(&a);
    zmq_ctx_term(a.ctx);
    aggregator_limit_free(&a);
    loop_destroy(&a.loop);
    live_free(&a.live);
    approval_table_clear(&a.approvals);
    rstore_close(&a.store);
    master_destroy(&a.master);
    free(a.batch);
    free(a.inflight);
    free(a.settling);
    close(a.signal_fd);
    return 0;
}
