/* scorer_security.c - who may talk to the scorer, and how it talks to the aggregator.
 *
 * Production: the scorer's secret key, the aggregator's public key for the events SUB
 * (the scorer is a client there, listed in the aggregator's subscriber_keys), and a
 * fail-closed ZAP handler admitting subscriber_keys to its own PUB and snapshot ROUTER
 * (start-up aborts if it cannot be bound). subscriber_keys is reloaded on SIGHUP.
 * Development (--insecure): plain ZeroMQ on ipc:// and loopback only, loudly.
 */
#include <string.h>

#include "log.h"
#include "wire.h"
#include "i18n.h"
#include "scorer.h"

static bool all_local(const scorer_config_t *c) {
    return sock_endpoint_is_local(c->events) && (!c->publish[0] || sock_endpoint_is_local(c->publish)) &&
           (!c->snapshot[0] || sock_endpoint_is_local(c->snapshot));
}

void scorer_security_start(scorer_t *s) {
    char err[1024];
    const scorer_config_t *c = &s->cfg;
    if (c->insecure) {
        log_warn(_("INSECURE MODE: no encryption, no authentication. For local development only."));
        if (!all_local(c))
            log_fatal(_("plain ZeroMQ is allowed only on ipc:// or loopback TCP (events=%s publish=%s "
                      "snapshot=%s)"),
                      c->events, c->publish, c->snapshot);
        sock_security_load(&s->sec, true, NULL, NULL, err, sizeof err);
        return;
    }
    if (!c->events_server_key[0])
        log_fatal(_("events_server_key is not set: name the aggregator's public key file"));
    if (sock_security_load(&s->sec, false, c->key, c->events_server_key, err, sizeof err) < 0)
        log_fatal(_("key: %s"), err);
    if (!c->publish[0] && !c->snapshot[0]) return;
    if (!(s->zap = zap_start(s->ctx, err, sizeof err))) log_fatal(_("%s; refusing to start without it"), err);
    if (zap_load_logged(s->zap, WIRE_DOMAIN_SUBSCRIBERS, "subscriber_keys", c->subscriber_keys, false, NULL,
                        NULL) < 0)
        log_fatal(_("cannot start without subscriber_keys"));
    log_info(_("CURVE: server key %s"), s->sec.self.public_z85);
}

void scorer_security_reload(scorer_t *s) {
    if (!s->zap) return;
    zap_load_logged(s->zap, WIRE_DOMAIN_SUBSCRIBERS, "subscriber_keys", s->cfg.subscriber_keys, true, NULL,
                    NULL);
}

void scorer_security_stop(scorer_t *s) {
    zap_stop(&s->zap);
    explicit_bzero(&s->sec, sizeof s->sec);
}
