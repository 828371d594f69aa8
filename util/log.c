/* log.c - leveled logging to stderr; journald adds the timestamps under systemd. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "yuebao";
static log_level_t min_level = LOG_INFO;
static int with_time;

void log_init(const char *progname, log_level_t quiet_default) {
    const char *env = getenv("YUEBAO_LOG");
    prog = progname;
    min_level = quiet_default;
    if (env) {
        if (!strcasecmp(env, "info")) min_level = LOG_INFO;
        if (!strcasecmp(env, "debug"))
            min_level = LOG_DEBUG;
        else if (!strcasecmp(env, "warn"))
            min_level = LOG_WARN;
        else if (!strcasecmp(env, "error"))
            min_level = LOG_ERROR;
    }
    /* Under systemd the journal stamps lines itself; on a terminal a time helps. */
    with_time = getenv("JOURNAL_STREAM") == NULL;
}

/* One line: "[HH:MM:SS ]progname: level: message". */
__attribute__((format(printf, 2, 0))) static void vlog(log_level_t level, const char *fmt, va_list ap) {
    static const char *names[] = {"debug", "info", "warning", "error", "fatal"};
    char stamp[32] = "";
    if (with_time) {
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        localtime_r(&ts.tv_sec, &tm);
        strftime(stamp, sizeof stamp, "%H:%M:%S ", &tm);
    }
    flockfile(stderr);
    fprintf(stderr, "%s%s: %s: ", stamp, prog, names[level]);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
}

void log_msg(log_level_t level, const char *fmt, ...) {
    va_list ap;
    if (level < min_level) return;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
    if (level == LOG_FATAL) exit(1);
}

void log_fatal(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(LOG_FATAL, fmt, ap);
    va_end(ap);
    exit(1);
}

bool log_limit_take(log_limit_t *l, long long now_ms, unsigned long long *skipped) {
    if (l->logged_ms && now_ms - l->logged_ms < LOG_LIMIT_MS) {
        l->unlogged++;
        return false;
    }
    if (skipped) *skipped = l->unlogged;
    l->unlogged = 0;
    l->logged_ms = now_ms ? now_ms : 1;
    return true;
}
