/* aggregator_security.c - who may talk to the aggregator.
 *
 * Production: the aggregator's secret key, a fail-closed ZAP handler (start-up aborts
 * if it cannot be bound), authorized_keys for the collectors' ROUTER (a key's name is
 * the county it may report for, and becomes the connection's User-Id) and
 * subscriber_keys for the events PUB, approver_keys for the control ROUTER (approve,
 * publish, unlock). The lists are reloaded on SIGHUP.
 * Development (--insecure): plain ZeroMQ on ipc:// and loopback only, loudly.
 */
#include <string.h>

#include "aggregator.h"
#include "wire.h"
#include "i18n.h"
#include "log.h"

/* Names in authorized_keys that are not counties of master data can never report. */
static void check_counties(const char *path, const key_list_t *list, void *arg) {
    const aggregator_t *a = arg;
    for (size_t i = 0; a->master && i < list->n; i++)
        if (!master_county(a->master, list->v[i].name))
            log_warn(_("%s:%d: county %s is not in master data: that key cannot report for any zone"), path,
                     list->v[i].line, list->v[i].name);
}

int aggregator_security_start(aggregator_t *a) {
    char err[1024];
    if (a->cfg.insecure) {
        log_warn(_("INSECURE MODE: no encryption, no authentication; the county is taken from what the "
                 "collector claims. For local development only."));
        if (!sock_endpoint_is_local(a->cfg.listen) ||
            (a->cfg.publish[0] && !sock_endpoint_is_local(a->cfg.publish)) ||
            (a->cfg.control[0] && !sock_endpoint_is_local(a->cfg.control))) {
            log_error(_("plain ZeroMQ is allowed only on ipc:// or loopback TCP (listen=%s publish=%s)"),
                      a->cfg.listen, a->cfg.publish);
            return -1;
        }
        return sock_security_load(&a->sec, true, NULL, NULL, err, sizeof err);
    }
    if (sock_security_load(&a->sec, false, a->cfg.key, NULL, err, sizeof err) < 0) {
        log_error(_("key: %s"), err);
        return -1;
    }
    if (!(a->zap = zap_start(a->ctx, err, sizeof err))) {
        log_error(_("%s; refusing to start without it"), err);
        return -1;
    }
    if (zap_load_logged(a->zap, WIRE_DOMAIN_COLLECTORS, "authorized_keys", a->cfg.authorized_keys, false,
                        check_counties, a) < 0)
        return -1;
    if (a->cfg.publish[0] && zap_load_logged(a->zap, WIRE_DOMAIN_SUBSCRIBERS, "subscriber_keys",
                                             a->cfg.subscriber_keys, false, NULL, NULL) < 0)
        return -1;
    if (a->cfg.control[0] && zap_load_logged(a->zap, WIRE_DOMAIN_APPROVERS, "approver_keys", a->cfg.approver_keys,
                                             false, NULL, NULL) < 0)
        return -1;
    log_info(_("CURVE: server key %s"), a->sec.self.public_z85);
    return 0;
}

void aggregator_security_reload(aggregator_t *a) {
    if (!a->zap) return;
    zap_load_logged(a->zap, WIRE_DOMAIN_COLLECTORS, "authorized_keys", a->cfg.authorized_keys, true,
                    check_counties, a);
    if (a->cfg.publish[0])
        zap_load_logged(a->zap, WIRE_DOMAIN_SUBSCRIBERS, "subscriber_keys", a->cfg.subscriber_keys, true,
                        NULL, NULL);
    if (a->cfg.control[0])
        zap_load_logged(a->zap, WIRE_DOMAIN_APPROVERS, "approver_keys", a->cfg.approver_keys, true, NULL, NULL);
}

void aggregator_security_stop(aggregator_t *a) {
    zap_stop(&a->zap);
    explicit_bzero(&a->sec, sizeof a->sec);
}
