/* log.h - one log function with levels, to stderr, each line with program and level. */
#ifndef YB_LOG_H
#define YB_LOG_H

#include <stdbool.h>

typedef enum { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_FATAL } log_level_t;

/* Names the program in every line and sets the lowest level printed: quiet_default
 * (LOG_INFO for daemons, LOG_WARN for one-shot commands whose stdout is the report),
 * unless YUEBAO_LOG=debug|info|warn|error says otherwise. Call once at start. */
void log_init(const char *progname, log_level_t quiet_default);

/* Prints "progname: level: message" to stderr if level is at or above the one set by
 * log_init. LOG_FATAL also exits with status 1, as log_fatal does. */
void log_msg(log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "progname: fatal: message" to stderr and exits with status 1: only for start-up
 * and configuration failures, never while serving. Never returns, so the compiler knows
 * the code after it is not reached. */
_Noreturn void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A log line about untrusted traffic (junk on a socket) at most once per interval: the
 * first at once, then one per LOG_LIMIT_MS with the count of those not logged, so a
 * flood cannot flood the journal too. Zero-initialise; one per kind of line. */
#define LOG_LIMIT_MS 10000
typedef struct {
    long long logged_ms;         /* monotonic time of the last line, 0 = never */
    unsigned long long unlogged; /* since then, not logged one by one */
} log_limit_t;

/* True if a line may be logged at monotonic now_ms; then *skipped (if not NULL) is the
 * count suppressed since the last one, for the caller to mention. False: counted. */
bool log_limit_take(log_limit_t *l, long long now_ms, unsigned long long *skipped);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
