/* cli_request.c - one signed request to a daemon's control ROUTER and its one reply.
 *
 * A state-changing command (approve, publish, unlock on the aggregator; a silence on
 * yuebao-notify) is a DEALER that connects with our own CURVE key, sends one envelope
 * and waits for the envelope answering it (in_reply_to = our message id). CURVE
 * authenticates every message to our long-term key; the daemon's ZAP handler admits
 * the key only if it is in the role's key list, and names us from that list. A key that
 * is not listed never gets a connection: libzmq would keep that quiet and we would only
 * time out, so a socket monitor (sock_watch_*) turns the refusal into one clear line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "clock.h"
#include "cli.h"
#include "codec.h"
#include "i18n.h"

/* Reads what waits on dealer: 1 the answer to id (into reply), 0 nothing for us yet,
 * -1 an answer that does not decode (err set). */
static int take_reply(void *dealer, const uint8_t id[MSG_ID_LEN], msg_t *reply, char *err, size_t errsz) {
    for (;;) {
        void *frames[2] = {NULL, NULL};
        size_t lens[2] = {0, 0};
        int n = sock_recv_frames(dealer, frames, lens, 2);
        char why[256];
        if (n < 0) return 0; /* EAGAIN: nothing (more) waiting */
        if (n != 1) {
            free(frames[0]);
            free(frames[1]);
            continue; /* not [envelope]: not an answer of ours */
        }
        int rc = codec_decode(frames[0], lens[0], reply, why, sizeof why);
        free(frames[0]);
        if (rc < 0) {
            msg_clear(reply);
            snprintf(err, errsz, _("the answer does not decode: %s"), why);
            return -1;
        }
        if (reply->has_reply_to && memcmp(reply->in_reply_to, id, MSG_ID_LEN) == 0) return 1;
        msg_clear(reply); /* an answer to an earlier request on this connection */
    }
}

int cli_request(const cli_endpoint_t *ep, msg_t *req, msg_t *reply, int timeout_ms, char *err, size_t errsz) {
    void *ctx = zmq_ctx_new(), *dealer = NULL;
    sock_watch_t watch;
    uint8_t *buf = NULL;
    size_t len = 0;
    int64_t deadline = clock_mono_ms() + timeout_ms;
    bool sent = false;
    int rc = -1;

    memset(reply, 0, sizeof *reply);
    memset(&watch, 0, sizeof watch);
    if (!ctx) {
        snprintf(err, errsz, _("out of memory"));
        return -1;
    }
    dealer = sock_dealer(ctx, ep->endpoint, ep->routing_id, ep->sec, err, errsz);
    if (!dealer) goto out;
    sock_watch_start(&watch, ctx, dealer);
    codec_new_id(req->id);
    if (codec_encode(req, &buf, &len) < 0) {
        snprintf(err, errsz, _("cannot encode the request"));
        goto out;
    }
    for (;;) {
        zmq_pollitem_t it = {dealer, 0, ZMQ_POLLIN, 0};
        int64_t left = deadline - clock_mono_ms();
        int n;
        if (left <= 0) {
            snprintf(err, errsz, _("no answer from %s at %s within %d s: is it running, with its control endpoint there?"),
                     ep->who, ep->endpoint, timeout_ms / 1000);
            goto out;
        }
        switch (sock_watch_read(&watch, clock_mono_ms(), 0, NULL)) {
        case SOCK_EV_REFUSED:
            snprintf(err, errsz, _("%s refused this key (%s): it is not listed in %s"), ep->who,
                     ep->sec->self.public_z85, ep->key_list);
            goto out;
        case SOCK_EV_PROTOCOL:
            snprintf(err, errsz, _("handshake with %s at %s failed: %s"), ep->who, ep->endpoint,
                     ep->sec->insecure ? _("it uses CURVE; give --key and --server-key")
                                       : _("is --server-key its public key?"));
            goto out;
        default: break;
        }
        if (!sent) {
            const void *frames[1] = {buf};
            /* IMMEDIATE: nothing is queued until the connection is up, so try again */
            if (sock_send_frames(dealer, frames, &len, 1) == 0) {
                sent = true;
                continue;
            }
            if (errno != EAGAIN) {
                snprintf(err, errsz, _("cannot send to %s at %s: %s"), ep->who, ep->endpoint, zmq_strerror(errno));
                goto out;
            }
            it.events = 0; /* not connected yet: wait a little, then look again */
            if (left > 20) left = 20;
        }
        n = zmq_poll(&it, 1, (long)(left > 200 ? 200 : left));
        if (n < 0 && errno != EINTR) {
            snprintf(err, errsz, _("zmq_poll: %s"), zmq_strerror(errno));
            goto out;
        }
        if (n > 0 && sent) {
            int got = take_reply(dealer, req->id, reply, err, errsz);
            if (got < 0) goto out;
            if (got == 1) {
                rc = 0;
                goto out;
            }
        }
    }
out:
    free(buf);
    if (dealer) sock_watch_stop(&watch, dealer);
    sock_close(&dealer);
    zmq_ctx_term(ctx);
    return rc;
}
