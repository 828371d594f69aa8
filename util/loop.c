/* loop.c - a small zmq_poll loop with fd handlers and timers (see loop.h).
 *
 * Timers live in a short array scanned on each turn: a daemon has a handful of them,
 * so a heap would only add code. Handlers removed while the loop dispatches are
 * marked dead and swept after the turn, so callbacks may change the set freely.
 */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <zmq.h>

#include "clock.h"

#define LOOP_MAX_IO 64
#define LOOP_MAX_TIMERS 64

typedef struct {
    void *socket;
    int fd;
    loop_io_fn fn;
    void *arg;
    bool dead;
} io_t;

typedef struct {
    int id;
    int64_t due_ms, interval_ms;
    bool repeat, dead;
    loop_timer_fn fn;
    void *arg;
} timer_t_;

struct loop {
    io_t io[LOOP_MAX_IO];
    size_t n_io;
    timer_t_ timers[LOOP_MAX_TIMERS];
    size_t n_timers;
    int next_id;
    bool stop;
};

loop_t *loop_new(void) {
    loop_t *l = calloc(1, sizeof *l);
    if (l) l->next_id = 1;
    return l;
}

void loop_destroy(loop_t **l) {
    if (!l || !*l) return;
    free(*l);
    *l = NULL;
}

static int add_io(loop_t *l, void *socket, int fd, loop_io_fn fn, void *arg) {
    if (l->n_io == LOOP_MAX_IO) return -1;
    l->io[l->n_io++] = (io_t){socket, fd, fn, arg, false};
    return 0;
}

int loop_add_socket(loop_t *l, void *socket, loop_io_fn fn, void *arg) {
    return add_io(l, socket, -1, fn, arg);
}

int loop_add_fd(loop_t *l, int fd, loop_io_fn fn, void *arg) {
    return add_io(l, NULL, fd, fn, arg);
}

void loop_remove_socket(loop_t *l, void *socket) {
    for (size_t i = 0; i < l->n_io; i++)
        if (l->io[i].socket == socket) l->io[i].dead = true;
}

void loop_remove_fd(loop_t *l, int fd) {
    for (size_t i = 0; i < l->n_io; i++)
        if (!l->io[i].socket && l->io[i].fd == fd) l->io[i].dead = true;
}

int loop_add_timer(loop_t *l, int64_t delay_ms, bool repeat, loop_timer_fn fn, void *arg) {
    if (l->n_timers == LOOP_MAX_TIMERS) return -1;
    int id = l->next_id++;
    l->timers[l->n_timers++] = (timer_t_){id, clock_mono_ms() + delay_ms, delay_ms, repeat, false, fn, arg};
    return id;
}

void loop_cancel(loop_t *l, int id) {
    for (size_t i = 0; i < l->n_timers; i++)
        if (l->timers[i].id == id) l->timers[i].dead = true;
}

void loop_stop(loop_t *l) {
    l->stop = true;
}

static void sweep(loop_t *l) {
    size_t j = 0;
    for (size_t i = 0; i < l->n_io; i++)
        if (!l->io[i].dead) l->io[j++] = l->io[i];
    l->n_io = j;
    j = 0;
    for (size_t i = 0; i < l->n_timers; i++)
        if (!l->timers[i].dead) l->timers[j++] = l->timers[i];
    l->n_timers = j;
}

int loop_run(loop_t *l) {
    zmq_pollitem_t items[LOOP_MAX_IO];
    io_t snapshot[LOOP_MAX_IO];
    l->stop = false;
    while (!l->stop) {
        int64_t now = clock_mono_ms(), timeout = -1;
        size_t n = l->n_io, n_timers = l->n_timers;
        for (size_t i = 0; i < n_timers; i++) {
            int64_t wait = l->timers[i].due_ms - now;
            if (l->timers[i].dead) continue;
            if (wait < 0) wait = 0;
            if (timeout < 0 || wait < timeout) timeout = wait;
        }
        memcpy(snapshot, l->io, n * sizeof *snapshot);
        for (size_t i = 0; i < n; i++)
            items[i] = (zmq_pollitem_t){snapshot[i].socket, snapshot[i].fd, ZMQ_POLLIN, 0};
        int rc = zmq_poll(items, (int)n, (long)timeout);
        if (rc < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        for (size_t i = 0; i < n && !l->stop; i++) {
            if (!(items[i].revents & ZMQ_POLLIN)) continue;
            /* skip handlers removed by an earlier callback of this turn */
            bool live = false;
            for (size_t k = 0; k < l->n_io; k++)
                if (l->io[k].socket == snapshot[i].socket && l->io[k].fd == snapshot[i].fd && !l->io[k].dead)
                    live = true;
            if (live) snapshot[i].fn(l, snapshot[i].socket, snapshot[i].fd, snapshot[i].arg);
        }
        now = clock_mono_ms();
        for (size_t i = 0; i < n_timers && !l->stop; i++) {
            timer_t_ *t = &l->timers[i];
            if (t->dead || t->due_ms > now) continue;
            if (t->repeat)
                t->due_ms = now + t->interval_ms;
            else
                t->dead = true;
            t->fn(l, t->arg);
        }
        sweep(l);
    }
    return 0;
}

int loop_signal_fd(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    signal(SIGPIPE, SIG_IGN);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) return -1;
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int loop_read_signal(int fd) {
    struct signalfd_siginfo si;
    ssize_t k = read(fd, &si, sizeof si);
    return k == (ssize_t)sizeof si ? (int)si.ssi_signo : 0;
}
