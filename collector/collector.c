/* yuebao-collector - a county office's delivery of monthly reports to the central office.
 *
 * Daemon mode watches the inbox folder; `submit FILE…` sends files once and exits.
 * Either way every report goes to the durable outbox before it is sent, and is resent
 * until the aggregator acknowledges it after its COMMIT.
 *
 * Configuration: see --help, deploy/etc/yuebao/collector.ini (production) and
 * deploy/dev/collector.ini (local development).
 * Security: CURVE with the county's key; the aggregator knows the county from the key
 * alone. --insecure (plain ZeroMQ, the county named in the routing id) is for local
 * development on ipc:// or loopback only.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "collector.h"
#include "i18n.h"
#include "lockfile.h"
#include "log.h"
#include "notify.h"
#include "util.h"
#include "sock.h"

static void on_signal(loop_t *loop, void *socket, int fd, void *arg) {
    int sig = loop_read_signal(fd);
    (void)socket;
    (void)arg;
    if (sig == SIGHUP) {
        log_info(_("SIGHUP: nothing to reload; the inbox is rescanned continuously"));
    } else if (sig) {
        log_info(_("signal %d: stopping; unacknowledged reports stay in the outbox"), sig);
        loop_stop(loop);
    }
}

/* A start-up failure in main (whose `submit` it reads): the daemon exits 1 (log_fatal);
 * submit exits 2, its "timeout or error": a script reads its 1 as "a report was rejected",
 * and nothing was judged. */
#define start_fail(...)                                                                                      \
    do {                                                                                                     \
        if (!submit) log_fatal(__VA_ARGS__);                                                                 \
        log_error(__VA_ARGS__);                                                                              \
        exit(2);                                                                                             \
    } while (0)

int main(int argc, char **argv) {
    collector_t c;
    diag_list_t dl = {0};
    char err[1024];
    bool submit = argc > 1 && strcmp(argv[1], "submit") == 0;
    int first = 0, rc = 0;

    i18n_init(); /* first: every message after it is in the locale's language */
    memset(&c, 0, sizeof c);
    log_init("yuebao-collector", submit ? LOG_WARN : LOG_INFO);
    /* Before any thread exists (ZeroMQ starts its own): every thread inherits the blocked
     * signals, so SIGHUP and SIGTERM reach us only through the loop's signalfd. */
    c.signal_fd = loop_signal_fd();
    if (c.signal_fd < 0) start_fail(_("signalfd: cannot block signals"));
    if (collector_config_load(&c.cfg, submit ? argc - 1 : argc, submit ? argv + 1 : argv, submit, &first) < 0)
        return 2;
    if (submit) {
        first += 1; /* index into argv, which still holds "submit" */
        if (first >= argc) {
            fprintf(stderr, _("yuebao-collector: submit: name at least one CSV file\n"));
            return 2;
        }
    }
    if (c.cfg.insecure) {
        log_warn(_("INSECURE MODE: no encryption, no authentication. For local development only."));
        if (!sock_endpoint_is_local(c.cfg.aggregator))
            start_fail(_("plain ZeroMQ is allowed only on ipc:// or loopback TCP (aggregator=%s)"),
                       c.cfg.aggregator);
    } else if (!c.cfg.server_key[0]) {
        start_fail(_("server_key is not set: name the aggregator's public key file"));
    }
    if (sock_security_load(&c.sec, c.cfg.insecure, c.cfg.key, c.cfg.server_key, err, sizeof err) < 0)
        start_fail(_("key: %s"), err);

    c.master = master_load(c.cfg.master_dir, &dl);
    if (!c.master) {
        for (size_t i = 0; i < dl.n; i++) {
            diag_format(&dl.items[i], err, sizeof err);
            log_error("%s/%s", c.cfg.master_dir, err);
        }
        start_fail(_("cannot start without valid master data"));
    }
    diag_clear(&dl);
    if (master_policy_override(c.master, &c.cfg.policy, err, sizeof err) > 0)
        log_warn(_("%s (a deprecated key in the collector's configuration overrides %s/city.csv)"), err,
                 c.cfg.master_dir);
    if (!master_county(c.master, c.cfg.county))
        start_fail(_("county %s is not in %s/regions.csv"), c.cfg.county, c.cfg.master_dir);
    if (util_mkdir_parent(c.cfg.outbox) < 0)
        start_fail(_("outbox folder for %s: %s"), c.cfg.outbox, strerror(errno));
    if (lockfile_acquire(c.cfg.outbox, NULL, err, sizeof err) < 0) /* held until exit */
        start_fail(_("%s; one collector per outbox%s"), err,
                   submit ? _(" (while the daemon runs, drop the files into its inbox)") : "");
    c.outbox = outbox_open(c.cfg.outbox, err, sizeof err);
    if (!c.outbox) start_fail(_("outbox: %s"), err);
    c.ctx = zmq_ctx_new();
    c.loop = loop_new();
    if (!c.ctx || !c.loop) start_fail(_("out of memory"));
    loop_add_fd(c.loop, c.signal_fd, on_signal, &c);
    c.submit_mode = submit; /* no reconcile for a one-shot submit */
    if (collector_send_start(&c, err, sizeof err) < 0) start_fail("%s", err);

    if (submit) {
        rc = collector_submit(&c, argv + first, argc - first, c.cfg.submit_timeout_s * 1000);
    } else {
        if (collector_inbox_start(&c) < 0) log_fatal(_("cannot watch the inbox %s"), c.cfg.inbox);
        log_info(_("ready: county %s, inbox %s, aggregator %s"), c.cfg.county, c.cfg.inbox, c.cfg.aggregator);
        notify_ready();
        loop_run(c.loop);
    }

    collector_send_stop(&c);
    zmq_ctx_term(c.ctx);
    explicit_bzero(&c.sec, sizeof c.sec);
    loop_destroy(&c.loop);
    outbox_close(&c.outbox);
    master_destroy(&c.master);
    if (c.inotify_fd > 0) close(c.inotify_fd);
    close(c.signal_fd);
    return rc;
}
