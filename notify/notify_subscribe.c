/* notify_subscribe.c - the scorer's alert stream, as a Clone subscriber (common/clone.c),
 * as `yuebao alerts --follow` follows it.
 *
 * The SUB is made first and subscribed to everything (the scorer numbers rankings and
 * alerts with one sequence); then a snapshot of the firing alerts replaces what the
 * engine knew, and updates after its sequence are applied in order. A gap, a sequence
 * going back (the scorer restarted) or silence means a new snapshot, which again
 * replaces the engine's alerts. Nothing is sent from here: the engine compares every
 * group with what the store says it last said, so a resync or a reconnect sends only
 * what really changed meanwhile (resolved alerts included), and never the same again.
 * The SUB is polled by the daemon's loop; clone_poll is called with no wait when it is
 * readable, and from a timer for the silence check.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "notifier.h"

static void on_update(const msg_t *m, bool in_snapshot, void *arg) {
    notifier_t *n = arg;
    (void)in_snapshot;
    if (m->kind != MSG_ALERT) return;
    n->n_updates++;
    engine_apply(&n->engine, &m->alert);
}

static void ignore(const msg_t *m, bool in_snapshot, void *arg) {
    (void)m;
    (void)in_snapshot;
    (void)arg;
}

static void on_snapshot_msg(const msg_t *m, bool in_snapshot, void *arg) {
    alert_list_t *out = arg;
    (void)in_snapshot;
    if (m->kind == MSG_ALERT && m->alert.severity != SEV_NONE && !alert_list_add(out, &m->alert))
        log_error(_("out of memory"));
}

int notify_subscribe_sync(notifier_t *n) {
    msg_t req;
    alert_list_t l = {0};
    char err[512];
    clone_result_t rc;
    memset(&req, 0, sizeof req);
    req.kind = MSG_SNAPSHOT_REQUEST;
    codec_new_id(req.id);
    snprintf(req.snap_req.prefix, sizeof req.snap_req.prefix, "alert.");
    req.snap_req.no_ranking = true;
    rc = clone_snapshot(n->clone, &req, on_snapshot_msg, &l, err, sizeof err);
    if (rc != CLONE_OK) {
        alert_list_clear(&l);
        if (!n->told_unanswered) log_warn(_("the scorer's snapshot: %s; trying again every 5 s"), err);
        n->told_unanswered = true;
        n->resync_pending = true;
        /* each try blocks the loop up to the snapshot timeout: not too often, so that
         * silences and deliveries are served meanwhile */
        n->next_sync_ms = clock_mono_ms() + 5000;
        return -1;
    }
    if (n->told_unanswered || n->n_resyncs)
        log_info(_("in step with the scorer again: %zu alerts firing, as of sequence %llu"), l.n,
                 (unsigned long long)clone_sequence(n->clone));
    else
        log_info(_("%zu alerts firing at the scorer, as of sequence %llu"), l.n,
                 (unsigned long long)clone_sequence(n->clone));
    n->told_unanswered = false;
    n->resync_pending = false;
    engine_replace(&n->engine, &l);
    return 0;
}

static void resync(notifier_t *n, const char *why) {
    log_warn(_("the scorer's alerts: %s; resyncing"), why);
    n->n_resyncs++;
    notify_subscribe_sync(n);
}

static void on_sub(loop_t *loop, void *socket, int fd, void *arg) {
    notifier_t *n = arg;
    char why[512];
    clone_result_t rc;
    (void)loop;
    (void)socket;
    (void)fd;
    if (n->resync_pending && (clock_mono_ms() < n->next_sync_ms || notify_subscribe_sync(n) < 0)) {
        /* drained unread: the snapshot that succeeds decides */
        clone_poll(n->clone, 0, ignore, NULL, why, sizeof why);
        return;
    }
    {
        uint64_t before = n->n_updates;
        rc = clone_poll(n->clone, 0, on_update, n, why, sizeof why);
        if (rc == CLONE_RESYNC)
            resync(n, why);
        else if (rc == CLONE_ERROR)
            log_error(_("the scorer's alerts: %s"), why);
        if (n->n_updates != before || rc == CLONE_RESYNC) notifier_tick(n);
    }
}

void notify_subscribe_check(loop_t *loop, void *arg) {
    notifier_t *n = arg;
    char why[512];
    clone_result_t rc;
    (void)loop;
    if (n->resync_pending) {
        if (clock_mono_ms() >= n->next_sync_ms) notify_subscribe_sync(n);
        return;
    }
    rc = clone_poll(n->clone, 0, on_update, n, why, sizeof why);
    if (rc == CLONE_RESYNC) resync(n, why);
}

void notify_subscribe_start(notifier_t *n) {
    clone_opts_t co;
    char err[512];
    memset(&co, 0, sizeof co);
    co.ctx = n->ctx;
    co.pub = n->cfg.subscribe;
    co.snapshot = n->cfg.snapshot;
    co.sec = &n->sec;
    co.who = _("the scorer");
    co.snapshot_timeout_ms = 2000;
    co.silence_ms = n->cfg.silence_ms;
    if (!(n->clone = clone_open(&co, err, sizeof err))) log_fatal(_("the scorer's alerts: %s"), err);
    loop_add_socket(n->loop, clone_socket(n->clone), on_sub, n);
    notify_subscribe_sync(n);
}

void notify_subscribe_stop(notifier_t *n) {
    if (n->clone) loop_remove_socket(n->loop, clone_socket(n->clone));
    clone_close(&n->clone);
}
