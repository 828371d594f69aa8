/* clone.c - Clone pattern, subscriber side (see clone.h). */
#include "clone.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "clock.h"
#include "i18n.h"

#define DEFAULT_TIMEOUT_MS 5000

struct clone {
    clone_opts_t o;
    void *sub;
    uint64_t last;     /* the sequence our state is as of */
    uint64_t seen;     /* the highest sequence received since the snapshot */
    bool live;         /* a message at or above the snapshot's sequence came since it */
    uint64_t n_below;  /* messages below the snapshot's sequence since it */
    int64_t heard_ms;  /* monotonic: the last message on the SUB */
    int64_t hb_ms;     /* monotonic: the last heartbeat */
    int64_t hb_gap_ms; /* the publisher's heartbeat interval as last seen; 0 unknown */
    bool unanswered;   /* the last snapshot failed for want of any answer in time */
};

static bool stopping(const clone_t *c) {
    return c->o.stop && *c->o.stop;
}

clone_t *clone_open(const clone_opts_t *o, char *err, size_t errsz) {
    clone_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errsz, _("out of memory"));
        return NULL;
    }
    c->o = *o;
    if (c->o.snapshot_timeout_ms <= 0) c->o.snapshot_timeout_ms = DEFAULT_TIMEOUT_MS;
    if (c->o.silence_ms <= 0) c->o.silence_ms = DEFAULT_TIMEOUT_MS;
    if (!c->o.who) c->o.who = _("the publisher");
    if (o->pub && !(c->sub = sock_sub(o->ctx, o->pub, "", o->sec, err, errsz))) {
        free(c);
        return NULL;
    }
    c->heard_ms = clock_mono_ms();
    return c;
}

void clone_close(clone_t **cp) {
    if (!cp || !*cp) return;
    sock_close(&(*cp)->sub);
    free(*cp);
    *cp = NULL;
}

uint64_t clone_sequence(const clone_t *c) {
    return c->last;
}

bool clone_unanswered(const clone_t *c) {
    return c->unanswered;
}

void clone_touch(clone_t *c) {
    c->heard_ms = clock_mono_ms();
}

/* Reads what the DEALER has: hands messages to fn until the SnapshotEnd. 1 at the end
 * (sequence in *seq), 0 for more to come, -1 on OOM. */
static int take_answer(clone_t *c, void *dealer, clone_fn fn, void *arg, uint64_t *seq) {
    for (;;) {
        void *frame = NULL;
        size_t flen = 0;
        msg_t m;
        char why[256];
        int k = sock_recv_frames(dealer, &frame, &flen, 1), end = 0;
        if (k < 0) return 0;
        if (k == 1 && codec_decode(frame, flen, &m, why, sizeof why) == 0) {
            if (m.kind == MSG_SNAPSHOT_END) {
                *seq = m.snap_end_sequence;
                end = 1;
            } else {
                fn(&m, true, arg);
            }
            msg_clear(&m);
        } else if (k == 1) {
            fprintf(stderr, _("yuebao: ignored a snapshot message from %s that does not decode: %s\n"), c->o.who,
                    why);
        }
        free(frame);
        if (end) return 1;
    }
}

clone_result_t clone_snapshot(clone_t *c, const msg_t *request, clone_fn fn, void *arg, char *err,
                              size_t errsz) {
    void *dealer;
    sock_watch_t watch;
    uint8_t *buf = NULL;
    size_t len = 0;
    int64_t deadline = clock_mono_ms() + c->o.snapshot_timeout_ms;
    uint64_t seq = 0;
    clone_result_t rc = CLONE_FAILED;
    bool sent = false;

    c->unanswered = false;
    dealer = sock_dealer(c->o.ctx, c->o.snapshot, NULL, c->o.sec, err, errsz);
    if (!dealer) return CLONE_FAILED;
    sock_watch_start(&watch, c->o.ctx, dealer); /* to say why, when the publisher will not talk */
    if (codec_encode(request, &buf, &len) < 0) {
        snprintf(err, errsz, _("cannot encode a snapshot request"));
        goto out;
    }
    while (!stopping(c)) {
        zmq_pollitem_t it = {dealer, 0, ZMQ_POLLIN, 0};
        int64_t left = deadline - clock_mono_ms();
        int n;
        if (left <= 0) {
            c->unanswered = true;
            snprintf(err, errsz, _("no answer from %s at %s within %d s"), c->o.who, c->o.snapshot,
                     c->o.snapshot_timeout_ms / 1000);
            goto out;
        }
        switch (sock_watch_read(&watch, 0, 0, NULL)) {
        case SOCK_EV_REFUSED:
            snprintf(err, errsz, _("%s at %s refused our key %s: it must be in %s's subscriber_keys"), c->o.who,
                     c->o.snapshot, c->o.sec->self.public_z85, c->o.who);
            goto out;
        case SOCK_EV_PROTOCOL:
            snprintf(err, errsz, _("handshake with %s at %s failed: %s"), c->o.who, c->o.snapshot,
                     c->o.sec->insecure ? _("it uses CURVE; give --key and --server-key")
                                        : _("is --server-key its public key?"));
            goto out;
        default: break;
        }
        if (!sent) {
            const void *frames[1] = {buf};
            /* IMMEDIATE: nothing is queued until the connection is up, so retry */
            if (sock_send_frames(dealer, frames, &len, 1) == 0) {
                sent = true;
                continue;
            }
            if (errno != EAGAIN) {
                snprintf(err, errsz, _("cannot ask %s for a snapshot: %s"), c->o.snapshot, zmq_strerror(errno));
                goto out;
            }
            it.events = 0; /* just wait a little */
            if (left > 20) left = 20;
        }
        /* short polls: a stop request is seen within 0.2 s */
        n = zmq_poll(&it, 1, (long)(left > 200 ? 200 : left));
        if (n < 0 && errno != EINTR) {
            snprintf(err, errsz, _("zmq_poll: %s"), zmq_strerror(errno));
            goto out;
        }
        if (n > 0 && sent && take_answer(c, dealer, fn, arg, &seq) == 1) {
            c->last = seq;
            c->seen = 0;
            c->live = false;
            c->n_below = 0;
            c->heard_ms = clock_mono_ms();
            rc = CLONE_OK;
            goto out;
        }
    }
    rc = CLONE_STOPPED;
out:
    free(buf);
    sock_watch_stop(&watch, dealer);
    sock_close(&dealer);
    return rc;
}

/* One message from the SUB. 1 handed over, 0 not (a heartbeat, an old or lost update),
 * -1 resync needed (why). */
static int on_message(clone_t *c, void *const *frames, const size_t *lens, int n, clone_fn fn, void *arg,
                      char *why, size_t whysz) {
    msg_t m;
    char err[256];
    bool update;
    uint64_t expect;
    int rc = 0;
    if (n != 2 || codec_decode(frames[1], lens[1], &m, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao: ignored a message from %s that does not decode: %s\n"), c->o.who,
                n != 2 ? _("not [topic, envelope]") : err);
        c->heard_ms = clock_mono_ms();
        return 0; /* its sequence number, if any, shows as a gap on the next one */
    }
    update = m.kind != MSG_HEARTBEAT;
    if (update && c->o.lose && c->o.lose(m.sequence, c->o.lose_arg)) {
        msg_clear(&m);
        return 0;
    }
    if (!c->live && m.sequence < c->last && m.sequence >= c->seen) {
        /* Below the snapshot before anything at or above it: sent before the snapshot
         * and queued, or sent by a publisher restarted with its clock behind, whose
         * numbers may stay below ours for hours. Only the first kind is followed soon
         * by the publisher's next heartbeat at the snapshot's number, so these do not
         * count as hearing from it: if nothing else comes, the silence check resyncs. */
        c->seen = m.sequence;
        c->n_below++;
        msg_clear(&m);
        return 0;
    }
    c->heard_ms = clock_mono_ms();
    if (m.sequence >= c->last) c->live = true;
    /* a heartbeat repeats the last number; an update takes the next one */
    expect = update ? c->last + 1 : c->last;
    if (!update) {
        int64_t now = clock_mono_ms();
        if (c->hb_ms) c->hb_gap_ms = now - c->hb_ms;
        c->hb_ms = now;
    }
    if (m.sequence < c->seen) {
        snprintf(why, whysz, _("%s's sequence went back from %llu to %llu (restarted?)"), c->o.who,
                 (unsigned long long)c->seen, (unsigned long long)m.sequence);
        rc = -1;
    } else if (m.sequence > expect) {
        snprintf(why, whysz, _("missed updates %llu..%llu from %s"), (unsigned long long)c->last + 1,
                 (unsigned long long)(update ? m.sequence - 1 : m.sequence), c->o.who);
        rc = -1;
    } else if (update && m.sequence == expect) {
        c->last = m.sequence;
        fn(&m, false, arg);
        rc = 1;
    } /* else: at or below the snapshot's sequence, already in our state */
    if (m.sequence > c->seen) c->seen = m.sequence;
    msg_clear(&m);
    return rc;
}

/* How long without a word before the publisher counts as silent. */
static int64_t silence_ms(const clone_t *c) {
    return c->hb_gap_ms * 3 > c->o.silence_ms ? c->hb_gap_ms * 3 : c->o.silence_ms;
}

clone_result_t clone_poll(clone_t *c, int timeout_ms, clone_fn fn, void *arg, char *why, size_t whysz) {
    zmq_pollitem_t it = {c->sub, 0, ZMQ_POLLIN, 0};
    int64_t limit = silence_ms(c), quiet = clock_mono_ms() - c->heard_ms;
    int n;
    if (!c->sub) {
        snprintf(why, whysz, _("not subscribed to %s (snapshots only)"), c->o.who);
        return CLONE_ERROR;
    }
    if (quiet >= limit) {
        if (!c->live && c->n_below)
            snprintf(why, whysz,
                     _("%s's sequence stayed below the snapshot's %llu for %lld s (%llu messages): restarted "
                     "with its clock behind?"),
                     c->o.who, (unsigned long long)c->last, (long long)(quiet / 1000),
                     (unsigned long long)c->n_below);
        else
            snprintf(why, whysz, _("no heartbeat from %s at %s for %lld s"), c->o.who, c->o.pub,
                     (long long)(quiet / 1000));
        return CLONE_RESYNC;
    }
    if (timeout_ms > limit - quiet) timeout_ms = (int)(limit - quiet);
    n = zmq_poll(&it, 1, timeout_ms);
    if (n < 0) {
        if (errno == EINTR) return CLONE_OK;
        snprintf(why, whysz, _("zmq_poll: %s"), zmq_strerror(errno));
        return CLONE_ERROR;
    }
    /* a bounded batch, so the caller gets to redraw and to see a stop request */
    for (int budget = 0; n > 0 && budget < 1000 && !stopping(c); budget++) {
        void *frames[2] = {NULL, NULL};
        size_t lens[2] = {0, 0};
        int rc, k = sock_recv_frames(c->sub, frames, lens, 2);
        if (k < 0) break;
        rc = on_message(c, frames, lens, k, fn, arg, why, whysz);
        free(frames[0]);
        free(frames[1]);
        if (rc < 0) return CLONE_RESYNC;
    }
    return CLONE_OK;
}

void *clone_socket(const clone_t *c) {
    return c->sub;
}
