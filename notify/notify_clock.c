/* notify_clock.c - the daemon's clock and its tick. The clock: the wall clock read once
 * at start (YUEBAO_NOW pins it, util/clock.h) and advanced by the monotonic clock since. A pinned clock still
 * moves, so group_wait and retries elapse in a test as they do in an office, and a
 * test that restarts the daemon with another YUEBAO_NOW jumps the calendar (reminders). */
#include "clock.h"
#include "notifier.h"

static int64_t wall0, mono0;

void notifier_clock_start(void) {
    wall0 = clock_now_ms();
    mono0 = clock_mono_ms();
}

int64_t notifier_now(void) {
    return wall0 + (clock_mono_ms() - mono0);
}

/* The tick: due groups decided, owed notices handed out, silences re-read each minute. */
void notifier_tick(notifier_t *n) {
    int64_t next;
    static int64_t silences_at;
    int64_t now = notifier_now();
    if (now - silences_at >= 60000) {
        notify_silences_reload(n);
        silences_at = now;
    }
    engine_tick(&n->engine, now, &next);
    deliver_kick(n->deliver);
}
