/* test_scorer_events.c - how the scorer reads the aggregator's sequence numbers.
 *
 * No sockets: messages are handed to scorer_events_track() as the SUB would deliver
 * them, and the test checks what an operator would see in the scorer's behaviour:
 * whether it scans for changes (the next event), resyncs in full (a gap, a restart, a
 * silence) or does nothing (a heartbeat at the last sequence).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../../scorer/scorer.h" /* -Icommon only */
#include "clock.h"
#include "codec.h"

static scorer_t s;

static void setup(void) {
    memset(&s, 0, sizeof s);
    s.cfg.coalesce_ms = 200;
    s.cfg.coalesce_max_ms = 2000;
    s.cfg.silence_ms = 5000;
    /* no loop: scorer_request only records the work */
}

TestSuite(scorer_events, .init = setup);

static void event(uint64_t seq) {
    msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = MSG_REPORT_ACCEPTED;
    m.sequence = seq;
    scorer_events_track(&s, &m);
}

static void heartbeat(uint64_t seq) {
    msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = MSG_HEARTBEAT;
    m.sequence = seq;
    scorer_events_track(&s, &m);
}

static void done(void) { /* what a pass does to the pending flags */
    s.full_pending = s.scan_pending = false;
    s.first_pending_ms = 0;
}

Test(scorer_events, first_word_and_consecutive_events_scan_without_resync) {
    event(41); /* the start-up pass covered everything before: no resync */
    cr_assert(s.scan_pending);
    cr_assert_not(s.full_pending);
    done();
    event(42);
    event(43);
    cr_assert(s.scan_pending);
    cr_assert_not(s.full_pending);
    cr_assert_eq(s.n_resyncs, 0);
    cr_assert_eq(s.agg_sequence, 43);
}

Test(scorer_events, heartbeat_at_the_last_sequence_does_nothing) {
    event(7);
    done();
    heartbeat(7);
    cr_assert_not(s.scan_pending);
    cr_assert_not(s.full_pending);
    cr_assert_eq(s.n_resyncs, 0);
}

Test(scorer_events, gap_in_events_resyncs) {
    event(10);
    done();
    event(12); /* 11 was lost */
    cr_assert(s.full_pending);
    cr_assert_eq(s.n_resyncs, 1);
    cr_assert_eq(s.agg_sequence, 12);
    done();
    event(13); /* back in step */
    cr_assert_not(s.full_pending);
    cr_assert_eq(s.n_resyncs, 1);
}

Test(scorer_events, heartbeat_ahead_of_the_last_event_resyncs) {
    event(5);
    done();
    heartbeat(6); /* event 6 never arrived */
    cr_assert(s.full_pending);
    cr_assert_eq(s.n_resyncs, 1);
}

Test(scorer_events, sequence_going_back_means_a_restart_and_resyncs) {
    event(500);
    done();
    heartbeat(0); /* a restarted aggregator that has published nothing yet */
    cr_assert(s.full_pending);
    cr_assert_eq(s.n_resyncs, 1);
    done();
    event(1);
    cr_assert_not(s.full_pending);
    cr_assert(s.scan_pending);
}

Test(scorer_events, silence_resyncs_and_so_does_the_first_word_after_it) {
    event(3);
    done();
    s.agg_heard_ms = clock_mono_ms() - 6000; /* 6 s without a word, silence_ms 5 s */
    scorer_events_check_silence(NULL, &s);
    cr_assert(s.agg_silent);
    cr_assert(s.full_pending);
    cr_assert_eq(s.n_resyncs, 1);
    done();
    scorer_events_check_silence(NULL, &s); /* still silent: not again */
    cr_assert_not(s.full_pending);
    heartbeat(3);
    cr_assert_not(s.agg_silent);
    cr_assert(s.full_pending);
    cr_assert_eq(s.n_resyncs, 2);
}

Test(scorer_events, a_burst_of_requests_keeps_the_first_time) {
    event(1);
    int64_t first = s.first_pending_ms;
    cr_assert_gt(first, 0);
    event(2);
    event(3);
    cr_assert_eq(s.first_pending_ms, first, "the coalescing deadline runs from the first request");
}

Test(scorer_events, a_burst_in_one_read_keeps_one_timer_armed) {
    /* 10 000 events read in one go: each asks for a recompute; the loop has a fixed
     * table of timers, so the requests must share one timer, and it must stay armed */
    loop_t *loop = loop_new();
    cr_assert_not_null(loop);
    s.loop = loop;
    event(1);
    int timer = s.coalesce_timer;
    cr_assert_gt(timer, 0, "the first request arms the timer");
    for (uint64_t seq = 2; seq <= 10000; seq++)
        event(seq);
    cr_assert_eq(s.coalesce_timer, timer, "one timer for the whole burst");
    cr_assert_eq(s.n_resyncs, 0);
    cr_assert_gt(loop_add_timer(loop, 1000, false, NULL, NULL), 0, "the loop still has timers to give");
    loop_destroy(&loop);
}

/* 核准 / 发布: a period's transition changes no report (the watermark finds nothing), but
 * the rankings carry the state: a full pass, without counting it a resync. */
Test(scorer_events, a_period_state_asks_for_a_full_pass_without_a_resync) {
    msg_t m;
    event(20);
    done();
    memset(&m, 0, sizeof m);
    m.kind = MSG_PERIOD_STATE;
    m.sequence = 21;
    scorer_events_track(&s, &m);
    cr_assert(s.full_pending, "every period is gone over");
    cr_assert_eq(s.n_resyncs, 0);
    cr_assert_eq(s.agg_sequence, 21, "and it takes its place in the sequence");
    done();
    event(22);
    cr_assert_not(s.full_pending, "the next report is a scan again");
    cr_assert_eq(s.n_resyncs, 0);
}
