/* scorer_events.c - the aggregator's events: wake-ups, sequence gaps and silence.
 *
 * Frames: [topic, envelope], "report.<county>.<zone>" for a report accepted, "hb" for
 * heartbeats, "state.<period>.<scope>" for a period's approval, publication or unlock
 * (a full pass: the rankings carry the state), and the live totals and rejections the
 * scorer only counts (see aggregator_publish.c). An event only says "the store changed";
 * the pass finds what changed from the store itself (scorer_recompute.c). Sequence
 * numbers tell what we may have missed: a gap, a number going backwards (the
 * aggregator restarted), a heartbeat ahead of the last event, or no heartbeat for
 * silence_ms all mean a full resync, which recomputes every period from the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "scorer.h"

static void resync(scorer_t *s, const char *why) {
    log_warn(_("resync: %s"), why);
    s->n_resyncs++;
    scorer_request(s, true);
}

void scorer_events_track(scorer_t *s, const msg_t *m) {
    char why[160];
    uint64_t seq = m->sequence, last = s->agg_sequence;
    /* Every update takes the next number, whatever it is; only an accepted report
     * changes what the scorer computes from. */
    bool is_event = m->kind != MSG_HEARTBEAT, changes = m->kind == MSG_REPORT_ACCEPTED;
    /* a period's state changed (核准 / 发布): its ranking carries it; no report changed,
     * so the watermark finds nothing, and the pass goes over every period */
    bool state = m->kind == MSG_PERIOD_STATE;

    s->agg_heard_ms = clock_mono_ms();
    if (s->agg_silent) {
        s->agg_silent = false;
        s->agg_sequence = seq;
        resync(s, _("the aggregator is heard again"));
        return;
    }
    if (last == 0) { /* the first word since start: the start-up pass covers what came before */
        s->agg_sequence = seq;
        if (changes || state) scorer_request(s, state);
        return;
    }
    if (is_event && seq == last + 1) {
        s->agg_sequence = seq;
        if (changes || state) scorer_request(s, state);
        return;
    }
    if (!is_event && seq == last) return; /* heartbeat, nothing missed */
    if (seq < last)
        snprintf(why, sizeof why, _("sequence went back from %llu to %llu: the aggregator restarted"),
                 (unsigned long long)last, (unsigned long long)seq);
    else
        snprintf(why, sizeof why, _("sequence gap: expected %llu, got %llu"),
                 (unsigned long long)last + (is_event ? 1 : 0), (unsigned long long)seq);
    s->agg_sequence = seq;
    resync(s, why);
}

void scorer_events_ready(loop_t *loop, void *socket, int fd, void *arg) {
    scorer_t *s = arg;
    (void)loop;
    (void)fd;
    for (int budget = 0; budget < 10000; budget++) {
        void *frames[2] = {NULL, NULL};
        size_t lens[2] = {0, 0};
        msg_t m;
        char err[256];
        int n = sock_recv_frames(socket, frames, lens, 2);
        if (n < 0) {
            if (errno != EAGAIN) log_warn(_("events: receive failed: %s"), strerror(errno));
            return;
        }
        if (n == 2 && codec_decode(frames[1], lens[1], &m, err, sizeof err) == 0) {
            if (m.kind == MSG_REPORT_ACCEPTED || m.kind == MSG_HEARTBEAT || m.kind == MSG_TOTALS ||
                m.kind == MSG_REPORT_REJECTED || m.kind == MSG_PERIOD_STATE) {
                if (m.kind == MSG_REPORT_ACCEPTED) s->n_events++;
                scorer_events_track(s, &m);
            }
            msg_clear(&m);
        } else {
            log_warn(_("events: a message that is not an event (%d frames%s%s); ignored"), n, n == 2 ? ": " : "",
                     n == 2 ? err : "");
        }
        free(frames[0]);
        free(frames[1]);
    }
}

void scorer_events_handshake(loop_t *loop, void *socket, int fd, void *arg) {
    scorer_t *s = arg;
    sock_event_t was = SOCK_EV_NONE,
                 ev = sock_watch_read(&s->sub_watch, clock_mono_ms(), s->cfg.silence_ms, &was);
    (void)loop;
    (void)socket;
    (void)fd;
    if (ev == SOCK_EV_REFUSED)
        log_error(_("the aggregator at %s refused the scorer's key %s: list it in the aggregator's "
                  "subscriber_keys; until then rankings follow the store only on resyncs"),
                  s->cfg.events, s->sec.self.public_z85);
    else if (ev == SOCK_EV_PROTOCOL)
        log_error(_("handshake with the aggregator at %s failed: is events_server_key its public key%s?"),
                  s->cfg.events, s->sec.insecure ? _(", and does it run --insecure too") : "");
    else if (ev == SOCK_EV_NO_ANSWER)
        log_warn(_("no answer from the aggregator at %s: the handshake is never answered (is it stopped or "
                 "overloaded?)"),
                 s->cfg.events);
    else if (ev == SOCK_EV_CONNECTED && was != SOCK_EV_NONE)
        log_info(_("subscribed to the aggregator's events at %s"), s->cfg.events);
}

void scorer_events_check_silence(loop_t *loop, void *arg) {
    scorer_t *s = arg;
    int64_t now = clock_mono_ms(), quiet = now - s->agg_heard_ms;
    (void)loop;
    if (sock_watch_retry(&s->sub_watch, s->sub, s->cfg.events, now) < 0)
        log_warn(_("subscribe to %s again: %s"), s->cfg.events, strerror(errno));
    if (s->agg_silent || quiet < s->cfg.silence_ms) return;
    s->agg_silent = true;
    s->agg_sequence = 0;
    log_warn(_("no heartbeat from the aggregator for %lld ms"), (long long)quiet);
    resync(s, _("the aggregator went silent"));
}
