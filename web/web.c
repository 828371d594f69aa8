/* web.c - yuebao-web's main: the configuration, the parts in order, the ZeroMQ loop on
 * this thread until SIGTERM, and the parts stopped in reverse. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "i18n.h"
#include "log.h"
#include "notify.h"
#include "web_server.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv) {
    web_config_t cfg;
    web_t w;
    char err[1024];
    struct sigaction sa;
    int rc, status = 0;

    i18n_init();
    log_init("yuebao-web", LOG_INFO);
    rc = web_config_load(&cfg, argc, argv);
    if (rc != 0) return rc > 0 ? 0 : 2;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a browser that goes away mid-reply is not a reason to die */

    memset(&w, 0, sizeof w);
    w.cfg = &cfg;
    if (!(w.audit = web_audit_open(cfg.audit, err, sizeof err))) log_fatal("%s", err);
    if (!(w.auth = web_auth_new(&cfg, err, sizeof err))) log_fatal(_("accounts: %s"), err);
    if (!(w.stream = web_stream_new((size_t)cfg.max_viewers))) log_fatal(_("out of memory"));
    if (!(w.data = web_data_open(&cfg, err, sizeof err))) log_fatal("%s", err);
    if (!(w.zmq = zmq_ctx_new())) log_fatal(_("out of memory"));
    if (!(w.http = web_http_start(&w, err, sizeof err))) log_fatal("%s", err);
    notify_ready();

    if (web_live_run(&w, &stop) < 0) status = 1;

    log_info(_("stopping: %zu live pages connected"), web_stream_viewers(w.stream));
    web_stream_end_all(w.stream);
    web_http_stop(&w.http);
    web_stream_free(&w.stream);
    zmq_ctx_term(w.zmq);
    web_data_close(&w.data);
    web_auth_free(&w.auth);
    web_audit_close(&w.audit);
    log_info(_("stopped"));
    return status;
}
