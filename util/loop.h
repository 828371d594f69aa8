/* loop.h - a small poll loop over ZeroMQ sockets, file descriptors and timers.
 *
 * Mechanism only, in the manner of Redis's ae: the daemon registers handlers and timers
 * and calls loop_run(); one thread, no locks. Handlers may add or remove handlers and
 * timers, and may call loop_stop().
 */
#ifndef YB_LOOP_H
#define YB_LOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct loop loop_t;

/* socket is the ZeroMQ socket that is readable (NULL for a plain fd). */
typedef void (*loop_io_fn)(loop_t *loop, void *socket, int fd, void *arg);
typedef void (*loop_timer_fn)(loop_t *loop, void *arg);

loop_t *loop_new(void);

/* Frees the loop (not the sockets or fds) and sets *loop to NULL; NULL-safe. */
void loop_destroy(loop_t **loop);

/* Calls fn whenever socket (ZeroMQ) or fd is readable. 0, or -1 when full. */
int loop_add_socket(loop_t *loop, void *socket, loop_io_fn fn, void *arg);
int loop_add_fd(loop_t *loop, int fd, loop_io_fn fn, void *arg);
void loop_remove_socket(loop_t *loop, void *socket);
void loop_remove_fd(loop_t *loop, int fd);

/* Calls fn after delay_ms, and every delay_ms after that if repeat. Returns a timer
 * id (> 0) for loop_cancel, or -1. */
int loop_add_timer(loop_t *loop, int64_t delay_ms, bool repeat, loop_timer_fn fn, void *arg);
void loop_cancel(loop_t *loop, int id);

/* Runs until loop_stop() or a fatal poll error. Returns 0, or -1 on a poll error. */
int loop_run(loop_t *loop);
void loop_stop(loop_t *loop);

/* Blocks SIGHUP, SIGINT, SIGTERM (and SIGPIPE ignored) and returns a signalfd that
 * delivers them, for loop_add_fd; -1 on error. Read with loop_read_signal. */
int loop_signal_fd(void);

/* Reads one signal from a loop_signal_fd; returns its number or 0. */
int loop_read_signal(int fd);

#endif
