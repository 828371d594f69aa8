/* log.h - one log function with levels, to stderr, each line with program and level. */
#ifndef YB_LOG_H
#define YB_LOG_H

typedef enum { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_FATAL } log_level_t;

/* Names the program in every line and sets the lowest level printed: quiet_default
 * (LOG_INFO for daemons, LOG_WARN for one-shot commands whose stdout is the report),
 * unless YUEBAO_LOG=debug|info|warn|error says otherwise. Call once at start. */
void log_init(const char *progname, log_level_t quiet_default);

/* Prints "progname: level: message" to stderr. LOG_FATAL also exits with status 1:
 * only for start-up and configuration failures, never while serving. */
void log_msg(log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_fatal(...) log_msg(LOG_FATAL, __VA_ARGS__)

#endif
