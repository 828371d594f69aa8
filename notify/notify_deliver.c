/* notify_deliver.c - getting the owed notices to the receivers: one delivery thread per
 * receiver, retries with exponential backoff, the receivers' rate limits, the log.
 *
 * Why threads (the other daemons have none): receiver_deliver blocks up to its timeout
 * (10 s by default; an unreachable SMTP server or a robot that stopped answering takes
 * all of it), and the poll loop must keep reading the scorer's stream meanwhile - a
 * subscriber that stalls misses heartbeats and updates and resyncs for nothing. One
 * thread per receiver, so a receiver that is down delays only its own messages, never
 * another's. The threads own nothing but their receiver and touch neither SQLite nor
 * the engine: the main thread reads the oldest owed notice of an idle receiver from
 * the store, hands the thread a pointer over an inproc PAIR, and gets the
 * deliver_result_t back the same way; every store write stays on the main thread
 * (one writer, as util/db.h wants), and a job's memory is the main thread's until the
 * answer comes back.
 *
 * Order and bounds: per receiver, oldest first; one notice in flight; a notice that
 * must wait (backoff, or receiver_ready_at under the robot's 20-a-minute limit) holds
 * the ones behind it, so what a receiver missed arrives in the order it happened,
 * marked NOTICE_LATE when older than late_ms. At most max_pending are kept per
 * receiver; beyond that the oldest are dropped, logged and written to the log as
 * "dropped". DELIVER_FAILED (a 4xx, a wrong key) is logged and not retried: retrying
 * a refusal never makes it succeed, and would hold every later message.
 *
 * A notice the receiver took whose log row cannot be written (a store error) is
 * remembered as delivered, not recorded: the write is tried again every retry_min_ms,
 * holding the receiver's later notices, and the notice is never delivered again by this
 * process (a restart before the write succeeds sends it once more: at least once).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "i18n.h"
#include "log.h"
#include "notifier.h"
#include "receiver.h"
#include "text.h"

typedef struct worker {
    deliverer_t *d;
    receiver_t *r;
    void *main_end, *thread_end;
    pthread_t thread;
    bool started, busy;
    nstore_job_t job;
    int64_t hold_until_ms; /* nothing tried before this (backoff, rate limit) */
    int failures;          /* in a row */
    /* delivered, not recorded: the receiver took the notice but the store could not
     * write its log row; only that write is tried again, never the delivery */
    bool unrecorded;
    int64_t unrecorded_id;
    size_t unrecorded_alerts;
    char unrecorded_detail[300];
} worker_t;

struct deliverer {
    notify_config_t *cfg;
    nstore_t *store;
    engine_t *engine;
    loop_t *loop;
    int64_t (*now)(void);
    worker_t workers[NOTIFY_MAX_RECEIVERS];
    size_t n;
    deliver_stats_t stats;
};

typedef struct {
    deliver_result_t res;
    int64_t called_ms; /* when receiver_deliver was entered (for the bench) */
} answer_t;

static void *run(void *arg) {
    worker_t *w = arg;
    for (;;) {
        nstore_job_t *job = NULL;
        answer_t a;
        int64_t (*now)(void) = w->d->now;
        if (zmq_recv(w->thread_end, &job, sizeof job, 0) != (int)sizeof job || !job) break;
        memset(&a, 0, sizeof a);
        a.called_ms = now();
        a.res = receiver_deliver(w->r, &job->notice, a.called_ms);
        if (zmq_send(w->thread_end, &a, sizeof a, 0) < 0) break;
    }
    return NULL;
}

static int64_t backoff(const notify_config_t *cfg, int attempts) {
    int64_t b = cfg->retry_min_ms;
    for (int i = 1; i < attempts && b < cfg->retry_max_ms; i++)
        b *= 2;
    return b < cfg->retry_max_ms ? b : cfg->retry_max_ms;
}

/* The thread's answer for w's job: the log, a retry, or a refusal. */
static void take_answer(worker_t *w, const answer_t *ans) {
    deliverer_t *d = w->d;
    answer_t a = *ans;
    int64_t now = d->now();
    char detail[300];
    w->busy = false;
    text_shown(a.res.detail, detail, sizeof detail);
    d->stats.n_calls++;
    if (d->stats.on_called) d->stats.on_called(&w->job, a.called_ms, d->stats.arg);
    switch (a.res.status) {
    case DELIVER_OK:
        if (nstore_job_done(d->store, w->job.id, "sent", w->job.notice.n_alerts, detail, now) < 0) {
            /* it went: only the record is owed (kick_one writes it before anything else) */
            w->unrecorded = true;
            w->unrecorded_id = w->job.id;
            w->unrecorded_alerts = w->job.notice.n_alerts;
            snprintf(w->unrecorded_detail, sizeof w->unrecorded_detail, "%s", detail);
            w->hold_until_ms = now + d->cfg->retry_min_ms;
            break;
        }
        if (w->failures)
            log_info(_("receiver %s: delivered again after %d failed attempt(s)"), receiver_name(w->r),
                     w->failures);
        w->failures = 0;
        d->stats.n_sent++;
        break;
    case DELIVER_RETRY: {
        int64_t next = now + backoff(d->cfg, w->job.attempts + 1);
        if (a.res.retry_after_ms > next) next = a.res.retry_after_ms; /* an instant, as receiver.h has it */
        if (!w->failures)
            log_warn(_("receiver %s: %s; trying again, backing off up to %d s"), receiver_name(w->r), detail,
                     d->cfg->retry_max_ms / 1000);
        w->failures++;
        nstore_job_retry(d->store, w->job.id, next);
        w->hold_until_ms = next;
        d->stats.n_retries++;
        break;
    }
    default: {
        char group[sizeof w->job.notice.group_key * 2]; /* built of county text: shown escaped */
        log_error(_("receiver %s refused the message for %s: %s; not retried (check its url, key or secret)"),
                  receiver_name(w->r), text_shown(w->job.notice.group_key, group, sizeof group), detail);
        nstore_job_done(d->store, w->job.id, "failed", w->job.notice.n_alerts, detail, now);
        w->failures = 0;
        d->stats.n_failed++;
        break;
    }
    }
    nstore_job_clear(&w->job);
}

static void on_answer(loop_t *loop, void *socket, int fd, void *arg) {
    worker_t *w = arg;
    answer_t a;
    (void)loop;
    (void)fd;
    if (zmq_recv(socket, &a, sizeof a, ZMQ_DONTWAIT) != (int)sizeof a) return;
    take_answer(w, &a);
    deliver_kick(w->d);
}

deliverer_t *deliver_start(void *ctx, loop_t *loop, notify_config_t *cfg, nstore_t *store, engine_t *engine,
                           int64_t (*now)(void), char *err, size_t errsz) {
    deliverer_t *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errsz, _("out of memory"));
        return NULL;
    }
    d->cfg = cfg;
    d->store = store;
    d->engine = engine;
    d->loop = loop;
    d->now = now;
    for (size_t i = 0; i < cfg->n_receivers; i++) {
        worker_t *w = &d->workers[d->n++];
        char ep[64];
        w->d = d;
        w->r = cfg->receivers[i];
        snprintf(ep, sizeof ep, "inproc://yuebao-notify-deliver-%p-%zu", (void *)d, i);
        if (!(w->main_end = zmq_socket(ctx, ZMQ_PAIR)) || !(w->thread_end = zmq_socket(ctx, ZMQ_PAIR)) ||
            zmq_bind(w->main_end, ep) < 0 || zmq_connect(w->thread_end, ep) < 0) {
            snprintf(err, errsz, _("delivery thread of %s: %s"), receiver_name(w->r),
                     zmq_strerror(zmq_errno()));
            deliver_stop(&d);
            return NULL;
        }
        if (pthread_create(&w->thread, NULL, run, w) != 0) {
            snprintf(err, errsz, _("delivery thread of %s: cannot start"), receiver_name(w->r));
            deliver_stop(&d);
            return NULL;
        }
        w->started = true;
        loop_add_socket(loop, w->main_end, on_answer, w);
    }
    return d;
}

/* Hands worker w its oldest owed notice if it is idle and may be called. */
static void kick_one(deliverer_t *d, worker_t *w, int64_t now) {
    const char *name = receiver_name(w->r);
    int dropped, got;
    nstore_job_t *job = &w->job;
    int64_t ready;
    if (w->busy || now < w->hold_until_ms) return;
    if (w->unrecorded) { /* the notice went: its log row is written, it is not delivered again */
        if (nstore_job_done(d->store, w->unrecorded_id, "sent", w->unrecorded_alerts, w->unrecorded_detail,
                            now) < 0) {
            w->hold_until_ms = now + d->cfg->retry_min_ms;
            return;
        }
        w->unrecorded = false;
        w->failures = 0;
        d->stats.n_sent++;
    }
    if ((dropped = nstore_bound(d->store, name, d->cfg->max_pending, now)) > 0)
        log_warn(_("receiver %s: more than %d messages owed; the oldest %d dropped"), name,
                 d->cfg->max_pending, dropped);
    if ((got = nstore_next_job(d->store, name, job)) <= 0) return;
    if (job->unreadable) {
        nstore_job_done(d->store, job->id, "failed", 0, "unreadable", now);
        nstore_job_clear(job);
        return;
    }
    if (job->next_try_ms > now) {
        w->hold_until_ms = job->next_try_ms;
        nstore_job_clear(job);
        return;
    }
    if ((ready = receiver_ready_at(w->r, now)) > now) {
        w->hold_until_ms = ready;
        nstore_job_clear(job);
        return;
    }
    job->notice.receiver = name;
    job->notice.external_url = d->cfg->external_url;
    if (now - job->notice.made_at_ms > d->cfg->late_ms) job->notice.kind = NOTICE_LATE;
    engine_names(d->engine, &job->notice);
    {
        nstore_job_t *p = job;
        if (zmq_send(w->main_end, &p, sizeof p, 0) != (int)sizeof p) {
            log_error(_("delivery thread of %s: %s"), name, zmq_strerror(zmq_errno()));
            nstore_job_clear(job);
            return;
        }
    }
    w->busy = true;
}

void deliver_kick(deliverer_t *d) {
    int64_t now = d->now();
    for (size_t i = 0; i < d->n; i++)
        kick_one(d, &d->workers[i], now);
}

deliver_stats_t *deliver_stats(deliverer_t *d) {
    return &d->stats;
}

bool deliver_idle(const deliverer_t *d) {
    for (size_t i = 0; i < d->n; i++)
        if (d->workers[i].busy) return false;
    return true;
}

void deliver_stop(deliverer_t **dp) {
    deliverer_t *d;
    if (!dp || !*dp) return;
    d = *dp;
    for (size_t i = 0; i < d->n; i++) {
        worker_t *w = &d->workers[i];
        if (w->started) {
            nstore_job_t *stop = NULL;
            /* a thread inside receiver_deliver finishes that call first (at most its
             * timeout), and its answer is logged: a message that went is not owed */
            if (w->busy) {
                answer_t a;
                if (zmq_recv(w->main_end, &a, sizeof a, 0) == (int)sizeof a) take_answer(w, &a);
            }
            zmq_send(w->main_end, &stop, sizeof stop, 0);
            pthread_join(w->thread, NULL);
            /* a last try at the record of what went: otherwise the next start resends it */
            if (w->unrecorded)
                nstore_job_done(d->store, w->unrecorded_id, "sent", w->unrecorded_alerts,
                                w->unrecorded_detail, d->now());
        }
        if (w->main_end) {
            loop_remove_socket(d->loop, w->main_end);
            zmq_close(w->main_end);
        }
        if (w->thread_end) zmq_close(w->thread_end);
        nstore_job_clear(&w->job);
    }
    free(d);
    *dp = NULL;
}
