/* web_live.c - the main thread's ZeroMQ loop: Clone subscribers to the aggregator and
 * the scorer, whose updates become the viewers' live events (web_events.c).
 *
 * Two feeds, a loop each: the aggregator's on the main thread, the scorer's on a thread
 * of its own (web_live_run), so that a publisher that is down, whose snapshot tries
 * block, delays only its own feed. Each feed is a clone_t (common/clone.c): the SUB first, then a
 * snapshot from the ROUTER beside the PUB, then the updates after its sequence in order.
 * The web keeps no state of its own from them (the handlers read the stores), so a
 * snapshot's content is thrown away: what it is for is the sequence, and telling every
 * viewer "resync" (re-fetch everything) once it is taken — at start, and after a gap, a
 * publisher's restart or its silence.
 *
 * A publisher that does not answer its snapshot is asked again every retry_ms; a try
 * blocks the loop up to snapshot_timeout_ms (2 s), so the other feed waits that long at
 * most, and the stop flag is still seen (clone_snapshot watches it). One warning says it
 * is not answering, one line says when it answers again: not a line per try. Meanwhile
 * its SUB is drained unread, so that nothing piles up in libzmq. The HTTP threads are
 * not this loop's: they serve throughout.
 *
 * Each turn polls both SUBs for at most 200 ms (so *stop is seen that soon), then calls
 * clone_poll with no wait on each feed in step — readable or not, as it also checks the
 * publisher's silence — and hands that drain's events, coalesced, to the sink at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "web_live.h"

#include "clock.h"
#include "clone.h"
#include "i18n.h"
#include "log.h"
#include "master.h"

#define POLL_MS 200
/* A drain's events wait until this long after the last flush: an event alone goes at
 * once, a burst at most ten times a second (measured: flushing every drain during
 * ingest cost the aggregator 40% of its rate with 200 viewers on two cores). */
#define FLUSH_MS 100
#define DEFAULT_RETRY_MS 5000
#define DEFAULT_SNAPSHOT_MS 2000

typedef struct {
    const web_feed_opts_t *o;
    clone_t *clone;
    bool in_step;         /* a snapshot was taken and no resync was needed since */
    bool told;            /* the warning that it does not answer was logged */
    int64_t next_try_ms;  /* monotonic: when to ask for a snapshot again */
} feed_t;

static void ignore(const msg_t *m, bool in_snapshot, void *arg) {
    (void)m;
    (void)in_snapshot;
    (void)arg;
}

static void on_msg(const msg_t *m, bool in_snapshot, void *arg) {
    web_batch_add(arg, m, in_snapshot);
}

/* Asks f's publisher for a snapshot; on success tells every viewer to resync. */
static void sync_feed(feed_t *f, const web_live_opts_t *o) {
    msg_t req;
    char err[512];
    clone_result_t rc;
    memset(&req, 0, sizeof req);
    req.kind = MSG_SNAPSHOT_REQUEST;
    codec_new_id(req.id);
    req.snap_req.no_ranking = f->o->scorer; /* the ranking is read from the store */
    rc = clone_snapshot(f->clone, &req, ignore, NULL, err, sizeof err);
    if (rc == CLONE_STOPPED) return;
    if (rc != CLONE_OK) {
        if (!f->told)
            log_warn(_("%s's snapshot: %s; trying again every %d s"), f->o->who, err,
                     (o->retry_ms > 0 ? o->retry_ms : DEFAULT_RETRY_MS) / 1000);
        f->told = true;
        f->next_try_ms = clock_mono_ms() + (o->retry_ms > 0 ? o->retry_ms : DEFAULT_RETRY_MS);
        return;
    }
    if (f->told) log_info(_("in step with %s again, as of sequence %llu"), f->o->who,
                          (unsigned long long)clone_sequence(f->clone));
    f->told = false;
    f->in_step = true;
    o->sink(web_event_resync(), o->sink_arg);
}

/* Hands the batch's events to the sink, in one flush. */
static void flush(const web_live_opts_t *o, web_batch_t *batch) {
    if (!batch->n) return;
    if (o->flush_begin) o->flush_begin(o->sink_arg);
    web_batch_flush(batch, o->sink, o->sink_arg);
    if (o->flush_end) o->flush_end(o->sink_arg);
}

/* One drain of f's SUB into batch (flushed by the loop, or here before a resync). 0,
 * or -1 (logged) on a socket error. */
static int drain(feed_t *f, const web_live_opts_t *o, web_batch_t *batch) {
    char why[512];
    clone_result_t rc;
    if (!f->in_step) {
        clone_poll(f->clone, 0, ignore, NULL, why, sizeof why); /* the snapshot decides */
        return 0;
    }
    rc = clone_poll(f->clone, 0, on_msg, batch, why, sizeof why);
    if (rc != CLONE_OK) flush(o, batch); /* what came in order before a gap is true */
    if (rc == CLONE_ERROR) {
        log_error(_("%s's updates: %s"), f->o->who, why);
        return -1;
    }
    if (rc == CLONE_RESYNC) {
        log_warn(_("%s's updates: %s; resyncing"), f->o->who, why);
        f->in_step = false;
        f->next_try_ms = 0; /* at once */
    }
    return 0;
}

int web_live_loop(void *ctx, const web_live_opts_t *o, volatile sig_atomic_t *stop) {
    feed_t feeds[WEB_LIVE_FEEDS];
    web_batch_t batch;
    size_t n = 0;
    int rc = -1;

    memset(feeds, 0, sizeof feeds);
    web_batch_init(&batch, o->deadline_day);
    for (size_t i = 0; i < o->n_feeds && i < WEB_LIVE_FEEDS; i++) {
        const web_feed_opts_t *fo = &o->feeds[i];
        clone_opts_t co;
        char err[512];
        if (!fo->pub || !fo->pub[0]) continue;
        memset(&co, 0, sizeof co);
        co.ctx = ctx;
        co.pub = fo->pub;
        co.snapshot = fo->snapshot;
        co.sec = fo->sec;
        co.who = fo->who;
        co.snapshot_timeout_ms = o->snapshot_timeout_ms > 0 ? o->snapshot_timeout_ms : DEFAULT_SNAPSHOT_MS;
        co.silence_ms = o->silence_ms;
        co.stop = stop;
        feeds[n].o = fo;
        if (!(feeds[n].clone = clone_open(&co, err, sizeof err))) {
            log_error(_("%s at %s: %s"), fo->who, fo->pub, err);
            goto out;
        }
        n++;
    }
    int64_t last_flush = 0;
    while (!*stop) {
        zmq_pollitem_t items[WEB_LIVE_FEEDS];
        int64_t now = clock_mono_ms();
        for (size_t i = 0; i < n && !*stop; i++)
            if (!feeds[i].in_step && now >= feeds[i].next_try_ms) sync_feed(&feeds[i], o);
        for (size_t i = 0; i < n; i++)
            items[i] = (zmq_pollitem_t){clone_socket(feeds[i].clone), 0, ZMQ_POLLIN, 0};
        if (n == 0) {
            struct timespec ts = {0, POLL_MS * 1000000L};
            nanosleep(&ts, NULL); /* no feed configured: only the stop flag to wait for */
            continue;
        }
        {
            int64_t wait = batch.n ? last_flush + FLUSH_MS - now : POLL_MS;
            if (zmq_poll(items, (int)n, wait < 0 ? 0 : wait > POLL_MS ? POLL_MS : (long)wait) < 0 && errno != EINTR) {
                log_error(_("zmq_poll: %s"), zmq_strerror(errno));
                goto out;
            }
        }
        for (size_t i = 0; i < n && !*stop; i++)
            if (drain(&feeds[i], o, &batch) < 0) goto out;
        now = clock_mono_ms();
        if (batch.n && now - last_flush >= FLUSH_MS) {
            flush(o, &batch);
            last_flush = now;
        }
    }
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        clone_close(&feeds[i].clone);
    web_batch_free(&batch);
    return rc;
}

/* ---- the daemon's loop: its configuration ------------------------------------------ */

static void to_stream(const web_event_t *e, void *arg) {
    web_stream_publish(arg, e);
}

static void stream_hold(void *arg) {
    web_stream_hold(arg);
}

static void stream_release(void *arg) {
    web_stream_release(arg);
}

/* Plain ZeroMQ (no key) only where nothing leaves the host, as the other daemons. */
static bool all_local(const web_config_t *c) {
    const char *eps[] = {c->aggregator_pub, c->aggregator_snapshot, c->scorer_pub, c->scorer_snapshot};
    for (size_t i = 0; i < sizeof eps / sizeof *eps; i++)
        if (eps[i][0] && !sock_endpoint_is_local(eps[i])) return false;
    return true;
}

/* Loads the feeds' keys. 0, or -1 (logged). */
static int load_security(const web_config_t *c, sock_security_t *agg, sock_security_t *sco) {
    char err[1024];
    if (!c->key[0]) {
        if (!all_local(c)) {
            log_error(_("without a key (key =) plain ZeroMQ is allowed only on ipc:// or loopback TCP "
                        "(aggregator_pub=%s aggregator_snapshot=%s scorer_pub=%s scorer_snapshot=%s)"),
                      c->aggregator_pub, c->aggregator_snapshot, c->scorer_pub, c->scorer_snapshot);
            return -1;
        }
        log_warn(_("no key: the publishers are heard without encryption or authentication, on this host "
                   "only"));
        sock_security_load(agg, true, NULL, NULL, err, sizeof err);
        sock_security_load(sco, true, NULL, NULL, err, sizeof err);
        return 0;
    }
    if (c->aggregator_pub[0] &&
        (!c->aggregator_key[0] || sock_security_load(agg, false, c->key, c->aggregator_key, err, sizeof err) < 0)) {
        log_error(_("aggregator_key: %s"), c->aggregator_key[0] ? err : _("not set: name the aggregator's public key file"));
        return -1;
    }
    if (c->scorer_pub[0] &&
        (!c->scorer_key[0] || sock_security_load(sco, false, c->key, c->scorer_key, err, sizeof err) < 0)) {
        log_error(_("scorer_key: %s"), c->scorer_key[0] ? err : _("not set: name the scorer's public key file"));
        return -1;
    }
    return 0;
}

/* The master data's 报送截止日, for the report events' "late". -1 (logged) when the
 * master data does not load. */
static int deadline_day(const web_config_t *c) {
    diag_list_t dl;
    master_t *m;
    int day;
    memset(&dl, 0, sizeof dl);
    if (!(m = master_load(c->master, &dl))) {
        char first[512] = "";
        if (dl.n) diag_format(&dl.items[0], first, sizeof first);
        log_error(_("master data %s does not load: %s"), c->master, first);
        diag_clear(&dl);
        return -1;
    }
    day = m->policy.deadline_day;
    master_destroy(&m);
    diag_clear(&dl);
    return day;
}

/* The scorer's feed on a thread of its own: a publisher that does not answer its
 * snapshot holds only its own feed (up to snapshot_timeout_ms a try), never the other's
 * events. */
typedef struct {
    void *ctx;
    web_live_opts_t o;
    volatile sig_atomic_t *stop;
    int rc;
} feed_thread_t;

static void *feed_main(void *arg) {
    feed_thread_t *t = arg;
    t->rc = web_live_loop(t->ctx, &t->o, t->stop);
    return NULL;
}

int web_live_run(web_t *w, volatile sig_atomic_t *stop) {
    const web_config_t *c = w->cfg;
    sock_security_t agg, sco;
    web_live_opts_t o;
    feed_thread_t scorer;
    pthread_t thread;
    void *ctx = w->zmq;
    int rc = -1, day;

    memset(&agg, 0, sizeof agg);
    memset(&sco, 0, sizeof sco);
    if ((day = deadline_day(c)) < 0 || load_security(c, &agg, &sco) < 0) goto out;
    if (!ctx && !(ctx = zmq_ctx_new())) {
        log_error(_("no ZeroMQ context: %s"), zmq_strerror(errno));
        goto out;
    }
    memset(&o, 0, sizeof o);
    o.feeds[0] = (web_feed_opts_t){_("the aggregator"), c->aggregator_pub, c->aggregator_snapshot, &agg, false};
    o.n_feeds = 1;
    o.deadline_day = day;
    o.sink = to_stream;
    o.sink_arg = w->stream;
    o.flush_begin = stream_hold;
    o.flush_end = stream_release;
    scorer.ctx = ctx;
    scorer.o = o;
    scorer.o.feeds[0] = (web_feed_opts_t){_("the scorer"), c->scorer_pub, c->scorer_snapshot, &sco, true};
    scorer.stop = stop;
    scorer.rc = 0;
    if (pthread_create(&thread, NULL, feed_main, &scorer) != 0) {
        log_error(_("cannot start the scorer's feed: out of threads"));
        goto ctx_done;
    }
    rc = web_live_loop(ctx, &o, stop);
    if (rc < 0) *stop = 1; /* the other feed's loop ends too */
    pthread_join(thread, NULL);
    if (scorer.rc < 0) rc = -1;
ctx_done:
    if (ctx != w->zmq) zmq_ctx_term(ctx);
out:
    explicit_bzero(&agg, sizeof agg);
    explicit_bzero(&sco, sizeof sco);
    return rc;
}
