/* aggregator_security.c - who may talk to the aggregator.
 *
 * Production: the aggregator's secret key, a fail-closed ZAP handler (start-up aborts
 * if it cannot be bound), authorized_keys for the collectors' ROUTER (a key's name is
 * the county it may report for, and becomes the connection's User-Id) and
 * subscriber_keys for the events PUB. Both lists are reloaded on SIGHUP.
 * Development (--insecure): plain ZeroMQ on ipc:// and loopback only, loudly.
 */
#include <string.h>

#include "aggregator.h"
#include "log.h"

/* Names in authorized_keys that are not counties of master data can never report. */
static void check_counties(aggregator_t *a) {
    key_list_t list;
    char err[1024];
    if (!a->master || keys_list_load(a->cfg.authorized_keys, &list, err, sizeof err) < 0) return;
    for (size_t i = 0; i < list.n; i++)
        if (!master_county(a->master, list.v[i].name))
            log_warn("%s:%d: county %s is not in master data: that key cannot report for any zone",
                     a->cfg.authorized_keys, list.v[i].line, list.v[i].name);
    keys_list_clear(&list);
}

int aggregator_security_start(aggregator_t *a) {
    char err[1024];
    if (a->cfg.insecure) {
        log_warn("INSECURE MODE: no encryption, no authentication; the county is taken from what the "
                 "collector claims. For local development only.");
        if (!sock_endpoint_is_local(a->cfg.listen) ||
            (a->cfg.publish[0] && !sock_endpoint_is_local(a->cfg.publish))) {
            log_error("plain ZeroMQ is allowed only on ipc:// or loopback TCP (listen=%s publish=%s)",
                      a->cfg.listen, a->cfg.publish);
            return -1;
        }
        return sock_security_load(&a->sec, true, NULL, NULL, err, sizeof err);
    }
    if (sock_security_load(&a->sec, false, a->cfg.key, NULL, err, sizeof err) < 0) {
        log_error("key: %s", err);
        return -1;
    }
    if (!(a->zap = zap_start(a->ctx, err, sizeof err))) {
        log_error("%s; refusing to start without it", err);
        return -1;
    }
    if (zap_load_logged(a->zap, SOCK_DOMAIN_COLLECTORS, "authorized_keys", a->cfg.authorized_keys, false) < 0)
        return -1;
    if (a->cfg.publish[0] && zap_load_logged(a->zap, SOCK_DOMAIN_SUBSCRIBERS, "subscriber_keys",
                                             a->cfg.subscriber_keys, false) < 0)
        return -1;
    check_counties(a);
    log_info("CURVE: server key %s", a->sec.self.public_z85);
    return 0;
}

void aggregator_security_reload(aggregator_t *a) {
    if (!a->zap) return;
    /* the county check only for a list actually put in force */
    if (zap_load_logged(a->zap, SOCK_DOMAIN_COLLECTORS, "authorized_keys", a->cfg.authorized_keys, true) == 0)
        check_counties(a);
    if (a->cfg.publish[0])
        zap_load_logged(a->zap, SOCK_DOMAIN_SUBSCRIBERS, "subscriber_keys", a->cfg.subscriber_keys, true);
}

void aggregator_security_stop(aggregator_t *a) {
    zap_stop(&a->zap);
    explicit_bzero(&a->sec, sizeof a->sec);
}
