/* clock.h - the office's clock: wall time (which YUEBAO_NOW can pin), monotonic time,
 * and civil dates in Asia/Shanghai (UTC+8, no daylight saving), the office's calendar.
 *
 * Mechanism only: it knows days and milliseconds, not reporting periods.
 */
#ifndef YB_CLOCK_H
#define YB_CLOCK_H

#include <stdint.h>

/* Asia/Shanghai is UTC+8 all year. */
#define CLOCK_SHANGHAI_OFFSET_MS (8LL * 3600 * 1000)

/* Days since 1970-01-01 of the civil date y-m-d; d may run past the month's end
 * (day 32 of January is 1 February). */
long long clock_days_from_civil(int y, int m, int d);

/* The Asia/Shanghai civil date and time of the instant ms (since the epoch). */
void clock_civil_from_ms(int64_t ms, int *y, int *m, int *d, int *hh, int *mi, int *ss);

/* Wall clock in ms since the epoch. YUEBAO_NOW ("2017-07-15" or "2017-07-15T08:00",
 * Asia/Shanghai) pins it, for demos, tests and replays of history. */
int64_t clock_now_ms(void);

/* Monotonic clock in ms, for timeouts and intervals. */
int64_t clock_mono_ms(void);

/* Where a publisher's sequence numbers start: the real time in microseconds (never
 * YUEBAO_NOW), so a restarted publisher jumps ahead of anything its previous run
 * published and reads as a gap to its subscribers, never as the next number. */
uint64_t clock_sequence_origin(void);

/* Formats ms since the epoch as "YYYY-MM-DD HH:MM:SS" Asia/Shanghai. */
void clock_format(int64_t ms, char out[20]);

#endif
