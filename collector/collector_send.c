/* collector_send.c - delivering the outbox to the aggregator over DEALER.
 *
 * A window of reports is in flight at once (throughput over a long link), but only one
 * revision per (zone, period), so revisions always arrive in order. A report without
 * an ack after retry_min_ms is resent with the same message id and revision, the wait
 * doubling up to retry_max_ms. With ZMQ_IMMEDIATE a send while the aggregator is
 * unreachable fails at once and the report simply stays pending: the outbox, not a
 * socket queue, is what survives outages. An ack RETRY (the central office cannot take
 * the report now: its own transient condition) is not an answer about the report: it
 * stays pending, goes again after retry_max_ms (the longest ack wait: a condition such
 * as a clock behind or a regions.csv not yet updated lasts minutes, and one small
 * message per report that often costs the aggregator nothing kept), and is logged once
 * per report, not per attempt; a resend that then times out without any answer counts
 * as unanswered again (the "without an ack" warning resumes).
 *
 * Reconcile: stored reports stay in the outbox for keep_settled_days. At start, after
 * every reconnect and every reconcile_interval_s the collector asks the aggregator which
 * revision its store holds of each (zone, period) of this county; a stored report the
 * store lacks, or holds only in an older revision (a store restored from a backup, a
 * truncated WAL), is sent again — the same bytes, the same revision — with a warning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "collector.h"
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "sock.h"
#include "text.h"

#define PUMP_IDLE_MS 200
/* A report resent this many times without an ack is worth a warning (the aggregator is
 * not hearing us: a stale connection, a wrong endpoint), then every RESEND_WARN_EVERY
 * attempts after: one line each, never one per resend. */
#define RESEND_WARN_FIRST 5
#define RESEND_WARN_EVERY 10

int collector_pending_add(collector_t *c, pending_t *p) {
    if (c->n_pending == c->cap_pending) {
        size_t cap = c->cap_pending ? c->cap_pending * 2 : 64;
        pending_t *a = realloc(c->pending, cap * sizeof *a);
        if (!a) return -1;
        c->pending = a;
        c->cap_pending = cap;
    }
    p->in_flight = false;
    p->attempts = 0;
    p->retry_answers = 0;
    p->retry_said = false;
    p->due_mono_ms = 0;
    c->pending[c->n_pending++] = *p;
    return 0;
}

static void pending_remove(collector_t *c, size_t i) {
    free(c->pending[i].payload);
    memmove(&c->pending[i], &c->pending[i + 1], (c->n_pending - i - 1) * sizeof *c->pending);
    c->n_pending--;
}

static int64_t backoff_ms(const collector_t *c, int attempts) {
    int64_t t = c->cfg.retry_min_ms;
    for (int i = 1; i < attempts && t < c->cfg.retry_max_ms; i++)
        t *= 2;
    return t < c->cfg.retry_max_ms ? t : c->cfg.retry_max_ms;
}

void collector_send_pump(collector_t *c) {
    int64_t now = clock_mono_ms();
    size_t in_flight = 0;
    if (!c->dealer) return;
    for (size_t i = 0; i < c->n_pending; i++) {
        pending_t *p = &c->pending[i];
        if (p->in_flight && p->due_mono_ms <= now) {
            p->in_flight = false; /* ack overdue: eligible for a resend below */
            /* no answer at all, not even RETRY: the resends are unanswered again, and
             * their warning counts (a connection gone stale after a RETRY) */
            p->retry_answers = 0;
            log_debug("no ack for %s %s rev %u after attempt %d", p->zone, p->period, p->revision,
                      p->attempts);
        }
        if (p->in_flight) in_flight++;
    }
    for (size_t i = 0; i < c->n_pending && in_flight < (size_t)c->cfg.window; i++) {
        pending_t *p = &c->pending[i];
        bool blocked = false;
        if (p->in_flight || p->due_mono_ms > now) continue; /* in flight, or told to wait */
        /* an earlier revision of the same report still pending goes first */
        for (size_t k = 0; k < i && !blocked; k++)
            blocked = !strcmp(c->pending[k].zone, p->zone) && !strcmp(c->pending[k].period, p->period);
        if (blocked) continue;
        if (zmq_send(c->dealer, p->payload, p->payload_len, ZMQ_DONTWAIT) < 0) {
            if (errno != EAGAIN) log_warn(_("send: %s"), zmq_strerror(errno));
            break; /* not connected (IMMEDIATE) or HWM: try again on the next pump */
        }
        p->attempts++;
        p->in_flight = true;
        p->due_mono_ms = now + backoff_ms(c, p->attempts);
        in_flight++;
        if (p->retry_answers) continue; /* said once when the first RETRY came */
        if (p->attempts >= RESEND_WARN_FIRST && (p->attempts - RESEND_WARN_FIRST) % RESEND_WARN_EVERY == 0)
            log_warn(_("resent %s %s rev %u: attempt %d without an ack; is the aggregator at %s taking "
                     "reports? it stays in the outbox"),
                     p->zone, p->period, p->revision, p->attempts, c->cfg.aggregator);
        else if (p->attempts > 1)
            log_info(_("resent %s %s rev %u (attempt %d)"), p->zone, p->period, p->revision, p->attempts);
    }
}

/* Sends the ReconcileRequest if one is due and the dealer can take it. */
static void reconcile_send(collector_t *c) {
    msg_t m = {0};
    uint8_t *buf = NULL;
    size_t len = 0;
    if (!c->reconcile_due || !c->dealer) return;
    /* not connected: the send would fail anyway; no outbox scan every pump tick */
    if (c->watch.monitor && c->watch.state != SOCK_EV_CONNECTED) return;
    /* the outbox scan once per request, not at every pump tick the send fails on */
    if (!c->reconcile_since[0]) {
        int have = outbox_settled_since(c->outbox, c->reconcile_since, sizeof c->reconcile_since);
        if (have < 0) return;
        if (have == 0) {
            c->reconcile_due = false; /* nothing kept: nothing to check */
            return;
        }
    }
    m.kind = MSG_RECONCILE_REQUEST;
    codec_new_id(m.id);
    snprintf(m.reconcile_since, sizeof m.reconcile_since, "%s", c->reconcile_since);
    if (codec_encode(&m, &buf, &len) < 0) return;
    if (zmq_send(c->dealer, buf, len, ZMQ_DONTWAIT) == (int)len) {
        c->reconcile_due = false;
        c->reconcile_since[0] = '\0';
    }
    free(buf);
}

static pending_t *find_pending(collector_t *c, const char *zone, const char *period) {
    for (size_t i = 0; i < c->n_pending; i++)
        if (!strcmp(c->pending[i].zone, zone) && !strcmp(c->pending[i].period, period)) return &c->pending[i];
    return NULL;
}

/* The aggregator's answer: resend every stored report the store lacks or holds older. */
static void on_reconcile(collector_t *c, const msg_t *m) {
    pending_t *kept = NULL;
    size_t n = 0, resent = 0;
    if (outbox_load_settled_last(c->outbox, &kept, &n) < 0) {
        free(kept);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        pending_t *p = &kept[i];
        const stored_revision_t *have = NULL;
        for (size_t k = 0; k < m->n_stored && !have; k++)
            if (!strcmp(m->stored[k].zone, p->zone) && !strcmp(m->stored[k].period, p->period))
                have = &m->stored[k];
        /* a key missing from a cut list says nothing */
        if ((have && have->revision >= p->revision) || (!have && !m->stored_complete) ||
            find_pending(c, p->zone, p->period) || outbox_unsettle(c->outbox, p->id) < 0) {
            free(p->payload);
            continue;
        }
        if (have)
            log_warn(_("the central office lost %s %s revision %u (its store has revision %u); resending"),
                     p->zone, p->period, p->revision, have->revision);
        else
            log_warn(_("the central office lost %s %s revision %u (its store has none); resending"), p->zone,
                     p->period, p->revision);
        if (collector_pending_add(c, p) < 0) free(p->payload);
        resent++;
    }
    free(kept);
    if (resent) collector_send_pump(c);
}

static void on_reconcile_timer(loop_t *loop, void *arg) {
    collector_t *c = arg;
    (void)loop;
    if (outbox_purge_settled(c->outbox, clock_now_ms() - (int64_t)c->cfg.keep_settled_days * 86400000) < 0)
        log_warn(_("outbox: cannot delete stored reports older than %d days"), c->cfg.keep_settled_days);
    c->reconcile_due = true;
    reconcile_send(c);
}

void collector_send_on_ack(collector_t *c, msg_t *m) {
    size_t i;
    if (!m->has_reply_to) return;
    for (i = 0; i < c->n_pending; i++)
        if (!memcmp(c->pending[i].msg_id, m->in_reply_to, MSG_ID_LEN)) break;
    if (i == c->n_pending) return; /* an ack for a resend already settled */
    pending_t *p = &c->pending[i];
    if (m->ack.status == ACK_UNKNOWN) {
        log_warn(_("ack with an unknown status for %s %s; will resend"), p->zone, p->period);
        return;
    }
    if (m->ack.status == ACK_RETRY) {
        /* nothing was stored: the report stays pending, idle, and goes again after the wait */
        int64_t wait = c->cfg.retry_max_ms;
        p->retry_answers++;
        char raw[512] = "", why[512] = "";
        if (m->ack.issues.n) diag_format(&m->ack.issues.items[0], raw, sizeof raw);
        text_shown(raw, why, sizeof why); /* the aggregator's words: no control bytes in the log */
        p->in_flight = false;
        p->due_mono_ms = clock_mono_ms() + wait;
        /* once per report: a RETRY arriving after the resend's ack wait ran out (a slow
         * central office) reset retry_answers, but it is the same condition */
        if (!p->retry_said) {
            p->retry_said = true;
            log_warn(_("the central office cannot take %s %s rev %u now (%s); it stays in the outbox and is "
                     "sent again every %lld s"),
                     p->zone, p->period, p->revision, why[0] ? why : _("no reason given"),
                     (long long)(wait / 1000));
        } else {
            log_debug("RETRY %s %s rev %u again (%d); next in %lld s", p->zone, p->period, p->revision,
                      p->retry_answers, (long long)(wait / 1000));
        }
        return;
    }
    /* the receipt, the log and submit's output show one line per mistake (diag_group);
     * a resend gets the same answer folded the same way */
    diag_group(&m->ack.issues);
    if (outbox_begin(c->outbox) < 0) return;
    if (outbox_settle(c->outbox, p->id, &m->ack) < 0 ||
        outbox_raise_revision(c->outbox, p->zone, p->period, m->ack.store_revision) < 0 ||
        outbox_settle_last(c->outbox, p, &m->ack) < 0 || outbox_commit(c->outbox) < 0) {
        outbox_rollback(c->outbox);
        return; /* stays pending: the resend gets the same answer */
    }
    log_info(_("%s %s %s rev %u"), ack_status_name(m->ack.status), p->zone, p->period, p->revision);
    for (size_t k = 0; k < m->ack.issues.n; k++) {
        char line[1024];
        diag_format(&m->ack.issues.items[k], line, sizeof line);
        log_info("  %s", line);
    }
    if (c->on_ack) c->on_ack(c, p, &m->ack);
    pending_remove(c, i);
}

static void on_readable(loop_t *loop, void *socket, int fd, void *arg) {
    collector_t *c = arg;
    int settled = 0;
    (void)loop;
    (void)fd;
    for (;;) {
        zmq_msg_t part;
        msg_t m;
        char err[256];
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, socket, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&part);
            break;
        }
        if (codec_decode(zmq_msg_data(&part), zmq_msg_size(&part), &m, err, sizeof err) < 0) {
            log_warn(_("unreadable message from the aggregator: %s"), err);
        } else if (m.kind == MSG_ACK) {
            collector_send_on_ack(c, &m);
            settled++;
        } else if (m.kind == MSG_RECONCILE) {
            on_reconcile(c, &m);
        }
        msg_clear(&m);
        zmq_msg_close(&part);
    }
    collector_send_pump(c);
    if (settled) collector_file_complete(c);
}

/* The dealer's handshakes: a refused key or a failed handshake is said once, and its
 * end too, so the county's operator learns why nothing is acknowledged. After a refusal
 * the dealer connects again every retry_max_ms (on_pump_timer), so listing the key and
 * reloading the aggregator's authorized_keys is enough. */
static void on_monitor(loop_t *loop, void *socket, int fd, void *arg) {
    collector_t *c = arg;
    uint64_t handshakes = c->watch.handshakes;
    sock_event_t was = SOCK_EV_NONE,
                 ev = sock_watch_read(&c->watch, clock_mono_ms(), c->cfg.retry_max_ms, &was);
    (void)loop;
    (void)socket;
    (void)fd;
    if (ev == SOCK_EV_REFUSED)
        log_error(_("the aggregator at %s refused this collector's key %s: ask the central office to list "
                  "it in authorized_keys for county %s; reports stay in the outbox until then"),
                  c->cfg.aggregator, c->sec.self.public_z85, c->cfg.county);
    else if (ev == SOCK_EV_PROTOCOL)
        log_error(_("handshake with %s failed: is server_key the aggregator's public key, and does it use "
                  "CURVE%s? reports stay in the outbox"),
                  c->cfg.aggregator, c->sec.insecure ? _(" (this collector runs --insecure)") : "");
    else if (ev == SOCK_EV_NO_ANSWER)
        log_warn(_("no answer from the aggregator at %s: the connection comes up but the handshake is never "
                 "answered (is the aggregator stopped or overloaded?); reports stay in the outbox"),
                 c->cfg.aggregator);
    else if (ev == SOCK_EV_CONNECTED && was != SOCK_EV_NONE)
        log_info(_("connected to the aggregator at %s"), c->cfg.aggregator);
    if (c->watch.handshakes != handshakes) {
        /* a new connection (a reconnect too, which is no change of state) may be to a
         * store restored meanwhile: ask what it holds */
        c->reconcile_due = true;
        reconcile_send(c);
    }
}

static void on_pump_timer(loop_t *loop, void *arg) {
    collector_t *c = arg;
    (void)loop;
    if (sock_watch_retry(&c->watch, c->dealer, c->cfg.aggregator, clock_mono_ms()) < 0)
        log_warn(_("connect %s again: %s"), c->cfg.aggregator, zmq_strerror(errno));
    reconcile_send(c);
    collector_send_pump(c);
}

int collector_send_start(collector_t *c, char *err, size_t errsz) {
    char id[64], hex[2 * MSG_ID_LEN + 1];
    uint8_t rnd[MSG_ID_LEN];
    pending_t *loaded = NULL;
    size_t n = 0;

    /* In insecure mode the aggregator reads the county from the routing id; with CURVE
     * it comes from the key, and the id is only a name in its logs. The random part keeps
     * two collectors apart. */
    codec_new_id(rnd);
    codec_id_hex(rnd, hex);
    snprintf(id, sizeof id, "c:%s:%.16s", c->cfg.county, hex);
    c->dealer = sock_dealer(c->ctx, c->cfg.aggregator, id, &c->sec, err, errsz);
    if (!c->dealer) return -1;
    if (sock_watch_start(&c->watch, c->ctx, c->dealer) == 0)
        loop_add_socket(c->loop, c->watch.monitor, on_monitor, c);
    if (outbox_load_pending(c->outbox, &loaded, &n) < 0) {
        snprintf(err, errsz, _("cannot read the outbox"));
        free(loaded);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (collector_pending_add(c, &loaded[i]) < 0) free(loaded[i].payload);
    free(loaded);
    if (n) log_info(_("outbox: %zu report(s) waiting from before"), n);
    loop_add_socket(c->loop, c->dealer, on_readable, c);
    c->retry_timer = loop_add_timer(c->loop, PUMP_IDLE_MS, true, on_pump_timer, c);
    if (!c->submit_mode) {
        c->reconcile_timer =
            loop_add_timer(c->loop, (int64_t)c->cfg.reconcile_interval_s * 1000, true, on_reconcile_timer, c);
        on_reconcile_timer(c->loop, c); /* purge, and ask once connected */
    }
    collector_send_pump(c);
    return 0;
}

void collector_send_stop(collector_t *c) {
    if (c->dealer) loop_remove_socket(c->loop, c->dealer);
    loop_cancel(c->loop, c->retry_timer);
    if (c->reconcile_timer) loop_cancel(c->loop, c->reconcile_timer);
    if (c->watch.monitor) loop_remove_socket(c->loop, c->watch.monitor);
    sock_watch_stop(&c->watch, c->dealer);
    sock_close(&c->dealer);
    for (size_t i = 0; i < c->n_pending; i++)
        free(c->pending[i].payload);
    free(c->pending);
    c->pending = NULL;
    c->n_pending = c->cap_pending = 0;
}
