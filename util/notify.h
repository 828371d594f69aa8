/* notify.h - the systemd readiness protocol (sd_notify) without libsystemd: one
 * datagram of "KEY=VALUE" lines to the unix socket named by $NOTIFY_SOCKET. Outside
 * systemd (the variable unset) every call is a no-op, so daemons call these always.
 */
#ifndef YB_NOTIFY_H
#define YB_NOTIFY_H

/* Sends state (e.g. "READY=1", "STATUS=…"; several lines joined by '\n') as one
 * datagram to $NOTIFY_SOCKET: a path starting with '/', or an abstract socket name
 * written with a leading '@'. Returns 0 when sent or when $NOTIFY_SOCKET is unset or
 * empty (not under systemd), -1 with errno otherwise (EINVAL: neither '/' nor '@';
 * ENAMETOOLONG: longer than a unix socket name; anything socket(2)/sendto(2) gives,
 * e.g. ECONNREFUSED or ENOENT when nobody listens). Never blocks, never raises
 * SIGPIPE, leaves the environment as it is. */
int notify_send(const char *state);

/* "READY=1": start-up is complete (sockets bound, store open, data loaded), and again
 * after each reload that followed notify_reloading(). Call it right after the daemon's
 * "ready: ..." log line. Failures are logged as warnings, never fatal. */
void notify_ready(void);

/* "RELOADING=1" with MONOTONIC_USEC (the CLOCK_MONOTONIC time, which systemd 253+
 * requires): a SIGHUP reload starts; systemctl reload waits until notify_ready() tells
 * it is over, whether the new files were taken or refused. Failures are logged. */
void notify_reloading(void);

/* "STOPPING=1": a clean stop (SIGTERM/SIGINT) begins; the daemon is finishing the
 * current batch and closing its stores. Failures are logged. */
void notify_stopping(void);

#endif
