/* notify_control.c - the control ROUTER: `yuebao silence add|list|expire`.
 *
 * A request that changes what people hear comes over CURVE on this ROUTER only, whose
 * ZAP domain (silencers) admits the keys of silence_keys and nobody else (fail-closed:
 * without the file nobody gets in). The actor is the connection's ZAP User-Id - the
 * name beside the key in silence_keys - never anything the message says, and it is
 * stored with the key itself (X-Key) in the silence and its audit row. --insecure
 * (development) takes the actor from the DEALER's routing id ("u:<name>:<random>", as cli_request names us).
 * Each request is answered at once with a SilenceReply; a change is in force from the
 * next tick, and a silence ends by itself at its ends_ms (the engine compares times).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "i18n.h"
#include "log.h"
#include "notifier.h"
#include "text.h"
#include "wire.h"

void notify_silences_reload(notifier_t *n) {
    silence_t *s;
    size_t k;
    if (nstore_silences(n->store, notifier_now(), &s, &k) == 0) engine_set_silences(&n->engine, s, k);
}

/* Who is asking: 0 with actor (and key), or -1. */
static int identify(notifier_t *n, const uint8_t *id, size_t id_len, zmq_msg_t *payload, char *actor,
                    size_t asz, char *key, size_t ksz) {
    key[0] = '\0';
    if (n->cfg.insecure) {
        if (wire_insecure_name(id, id_len, WIRE_TAG_USER, actor, asz) < 0) return -1;
        snprintf(key, ksz, "insecure");
        return 0;
    }
    {
        const char *u = zmq_msg_gets(payload, "User-Id"), *k = zmq_msg_gets(payload, "X-Key");
        if (!u || !*u || strlen(u) >= asz) return -1;
        snprintf(actor, asz, "%s", u);
        snprintf(key, ksz, "%s", k ? k : "");
    }
    return 0;
}

static void to_wire(const silence_t *s, silence_wire_t *w) {
    static const char *const names[LABEL_N] = {"county", "zone", "kind", "severity", "indicator", "period"};
    memset(w, 0, sizeof *w);
    w->id = s->id;
    for (size_t i = 0; i < s->n_matchers && i < SILENCE_MAX_MATCHERS; i++)
        snprintf(w->matchers[i], sizeof w->matchers[i], "%s=%s", names[s->matchers[i].label],
                 s->matchers[i].value);
    w->n_matchers = s->n_matchers;
    w->starts_ms = s->starts_ms;
    w->ends_ms = s->ends_ms;
    snprintf(w->comment, sizeof w->comment, "%s", s->comment);
    snprintf(w->created_by, sizeof w->created_by, "%s", s->created_by);
}

static void handle(notifier_t *n, const msg_t *req, const char *actor, const char *key,
                   silence_reply_t *rep) {
    const silence_request_t *r = &req->silence_req;
    int64_t now = notifier_now();
    n->n_silence_requests++;
    if (!strcmp(r->action, "add")) {
        silence_t s;
        char err[256];
        memset(&s, 0, sizeof s);
        for (size_t i = 0; i < r->silence.n_matchers; i++) {
            if (s.n_matchers == NOTIFY_MAX_MATCHERS ||
                matcher_parse(r->silence.matchers[i], &s.matchers[s.n_matchers], err, sizeof err) < 0) {
                snprintf(rep->error, sizeof rep->error, "%s",
                         s.n_matchers == NOTIFY_MAX_MATCHERS ? _("too many matchers") : err);
                return;
            }
            s.n_matchers++;
        }
        if (!s.n_matchers) {
            snprintf(rep->error, sizeof rep->error,
                     _("a silence needs at least one matcher (e.g. zone=shancheng)"));
            return;
        }
        s.starts_ms = r->silence.starts_ms ? r->silence.starts_ms : now;
        s.ends_ms = r->silence.ends_ms;
        if (s.ends_ms <= now || s.ends_ms <= s.starts_ms) {
            snprintf(rep->error, sizeof rep->error, _("--until must lie in the future and after the start"));
            return;
        }
        text_shown(r->silence.comment, s.comment, sizeof s.comment);
        snprintf(s.created_by, sizeof s.created_by, "%s", actor);
        if (nstore_silence_add(n->store, &s, key, now) < 0) {
            snprintf(rep->error, sizeof rep->error,
                     _("the notification store could not record it; see the log"));
            return;
        }
        log_info(_("silence %lld added by %s, until %lld"), (long long)s.id, actor, (long long)s.ends_ms);
        rep->ok = true;
        rep->id = s.id;
        notify_silences_reload(n);
    } else if (!strcmp(r->action, "expire")) {
        int rc = nstore_silence_expire(n->store, r->silence.id, actor, key, now);
        if (rc < 0) {
            snprintf(rep->error, sizeof rep->error,
                     _("the notification store could not record it; see the log"));
        } else if (rc == 0) {
            snprintf(rep->error, sizeof rep->error, _("no silence %lld in force"), (long long)r->silence.id);
        } else {
            log_info(_("silence %lld expired by %s"), (long long)r->silence.id, actor);
            rep->ok = true;
            rep->id = r->silence.id;
            notify_silences_reload(n);
        }
    } else if (!strcmp(r->action, "list")) {
        silence_t *s;
        size_t k;
        if (nstore_silences(n->store, now, &s, &k) < 0) {
            snprintf(rep->error, sizeof rep->error,
                     _("the notification store could not be read; see the log"));
            return;
        }
        if (k > CODEC_MAX_SILENCES) k = CODEC_MAX_SILENCES;
        if (k && !(rep->items = calloc(k, sizeof *rep->items))) {
            free(s);
            snprintf(rep->error, sizeof rep->error, _("out of memory"));
            return;
        }
        for (size_t i = 0; i < k; i++)
            to_wire(&s[i], &rep->items[i]);
        rep->n_items = k;
        rep->ok = true;
        free(s);
    } else {
        char shown[64];
        snprintf(rep->error, sizeof rep->error, _("unknown action \"%s\": add, list or expire"),
                 text_shown(r->action, shown, sizeof shown));
    }
}

static void on_control(loop_t *loop, void *socket, int fd, void *arg) {
    notifier_t *n = arg;
    (void)loop;
    (void)fd;
    for (int budget = 0; budget < 100; budget++) {
        zmq_msg_t idm, payload;
        msg_t req, reply;
        char actor[128], key[64], err[256];
        bool more;
        zmq_msg_init(&idm);
        zmq_msg_init(&payload);
        if (zmq_msg_recv(&idm, socket, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&idm);
            zmq_msg_close(&payload);
            return;
        }
        more = zmq_msg_more(&idm);
        if (!more || zmq_msg_recv(&payload, socket, 0) < 0) goto next;
        while (zmq_msg_more(&payload)) { /* extra frames: not ours; drain */
            zmq_msg_t x;
            zmq_msg_init(&x);
            zmq_msg_recv(&x, socket, 0);
            bool m2 = zmq_msg_more(&x);
            zmq_msg_close(&x);
            if (!m2) break;
        }
        memset(&reply, 0, sizeof reply);
        if (codec_decode(zmq_msg_data(&payload), zmq_msg_size(&payload), &req, err, sizeof err) != 0 ||
            req.kind != MSG_SILENCE_REQUEST) {
            msg_clear(&req);
            log_warn(_("control: dropped a message that is not a silence request: %s"), err);
            goto next;
        }
        reply.kind = MSG_SILENCE_REPLY;
        codec_new_id(reply.id);
        reply.has_reply_to = true;
        memcpy(reply.in_reply_to, req.id, MSG_ID_LEN);
        if (identify(n, zmq_msg_data(&idm), zmq_msg_size(&idm), &payload, actor, sizeof actor, key,
                     sizeof key) < 0)
            snprintf(reply.silence_reply.error, sizeof reply.silence_reply.error,
                     n->cfg.insecure
                         ? _("this yuebao-notify runs --insecure and takes who asks from the routing "
                             "id, which must be u:<name>:<random>")
                         : _("connection has no authenticated name"));
        else if (n->zap && !zap_listed(n->zap, WIRE_DOMAIN_SILENCERS, key))
            /* the handshake checked the key once; a reload may have removed it since */
            snprintf(reply.silence_reply.error, sizeof reply.silence_reply.error,
                     _("the key %s is no longer listed in silence_keys: nothing was changed"), key);
        else
            handle(n, &req, actor, key, &reply.silence_reply);
        if (wire_send_msg(socket, zmq_msg_data(&idm), zmq_msg_size(&idm), NULL, &reply) < 0)
            log_warn(_("control: the answer could not be sent"));
        msg_clear(&req);
        msg_clear(&reply);
    next:
        zmq_msg_close(&idm);
        zmq_msg_close(&payload);
    }
}

void notify_control_start(notifier_t *n) {
    char err[1024];
    if (!n->cfg.control[0]) return;
    if (!n->cfg.insecure) {
        if (!(n->zap = zap_start(n->ctx, err, sizeof err)))
            log_fatal(_("%s; refusing to start without it"), err);
        if (!n->cfg.silence_keys[0])
            log_warn(_("silence_keys is not set: nobody may add or expire silences"));
        else if (zap_load_logged(n->zap, WIRE_DOMAIN_SILENCERS, "silence_keys", n->cfg.silence_keys, false,
                                 NULL, NULL) < 0)
            log_fatal(_("cannot start without silence_keys"));
    }
    if (!(n->control = sock_router(n->ctx, n->cfg.control, &n->sec, WIRE_DOMAIN_SILENCERS, err, sizeof err)))
        log_fatal(_("control endpoint: %s"), err);
    loop_add_socket(n->loop, n->control, on_control, n);
}

void notify_control_reload(notifier_t *n) {
    if (n->zap && n->cfg.silence_keys[0])
        zap_load_logged(n->zap, WIRE_DOMAIN_SILENCERS, "silence_keys", n->cfg.silence_keys, true, NULL, NULL);
}

void notify_control_stop(notifier_t *n) {
    if (n->control) loop_remove_socket(n->loop, n->control);
    sock_close(&n->control);
    zap_stop(&n->zap);
}
