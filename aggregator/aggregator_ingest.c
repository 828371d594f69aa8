/* aggregator_ingest.c - receive reports, judge them, and store them in one group commit.
 *
 * The durable path. Every report waiting on the ROUTER (up to batch_max) is decoded,
 * validated against master data, and judged by the revision rules inside ONE
 * BEGIN IMMEDIATE … COMMIT; only after COMMIT returns are the acks sent and the events
 * published. A crash before COMMIT loses nothing acked (the collectors resend); a crash
 * after it loses nothing stored (the resend is a DUPLICATE). One fsync is shared by the
 * whole batch, which is where the throughput comes from. The store half (judge and
 * commit: aggregator_ingest_store) runs on the writer thread (aggregator_writer.c) while
 * this loop receives the next batch and settles the last; without a writer (the unit
 * tests) it runs here.
 *
 * Revision rules (DESIGN §2), for a report with revision r and the store's current c:
 *   r > c                      ACCEPTED: stored as current, history kept
 *   r stored, same content     DUPLICATE: acked again, stored once
 *   r stored, other content    REJECTED: a revision number is never reused
 *   r < c and never stored     STALE
 * and a report whose only errors are the central office's own transient conditions
 * (its clock behind, its master data lagging) gets RETRY: nothing stored, sent again
 * (aggregator_retry.c).
 * Every ack carries the store's current revision, so a collector that lost its outbox
 * continues above it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "aggregator.h"
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "plausibility.h"
#include "text.h"
#include "wire.h"

static void set_ack_key(ack_t *ack, const report_t *r) {
    snprintf(ack->zone, sizeof ack->zone, "%s", r->zone);
    snprintf(ack->period, sizeof ack->period, "%s", r->period);
    ack->revision = r->revision;
}

static void item_clear(ingest_item_t *it) {
    free(it->identity);
    msg_clear(&it->msg);
    diag_clear(&it->ack.issues);
    diag_clear(&it->check_issues);
    free(it->content);
    memset(it, 0, sizeof *it);
}

/* The options every check of a report judged at now_ms runs with. */
static validate_opts_t check_options(const aggregator_t *a, int64_t now_ms) {
    validate_opts_t vo = validate_defaults();
    vo.merge_jan_feb = a->master->policy.merge_jan_feb;
    /* a county's clock a little ahead of ours is not a report "in the future" */
    vo.now_ms = now_ms + (int64_t)a->cfg.clock_skew_s * 1000;
    return vo;
}

void aggregator_ingest_check(aggregator_t *a, ingest_item_t *it, int64_t now_ms) {
    validate_opts_t vo = check_options(a, now_ms);
    report_t *r = &it->msg.report;
    diag_clear(&it->check_issues);
    free(it->content);
    it->content = NULL;
    it->content_len = 0;
    it->checked = true;
    it->checked_gen = a->master_gen;
    it->check_errors = it->refused ? 0 : validate_report(a->master, &vo, it->county, r, &it->check_issues);
    if (it->refused || it->check_errors > 0) return;
    validate_normalize(a->master, r); /* one key per report, whether named by code or name */
    if (codec_report_content(r, &it->content, &it->content_len) < 0) it->content = NULL; /* judged a store error */
}

/* Logs a dropped message, rate-limited (log_limit_take): a flood of junk costs a few
 * lines, each saying how many were not logged. */
static void log_dropped(aggregator_t *a, const ingest_item_t *it, const char *err) {
    unsigned long long skipped = 0;
    if (!log_limit_take(&a->drop_log, clock_mono_ms(), &skipped)) return;
    if (skipped) log_warn(_("%llu more message(s) dropped since the last such line"), skipped);
    if (it->county[0])
        log_warn(_("dropped a message from county %s%s%s: %s"), it->county, it->key[0] ? _(" key ") : "", it->key,
                 err);
    else
        log_warn(_("dropped a message from an unidentified peer: %s"), err);
}

/* The reporting unit of the connection a message came on: with CURVE the ZAP User-Id of
 * its payload frame, whatever the message or the routing id claims; insecure, the
 * routing id. 0, or -1 with err set. */
static int identify(aggregator_t *a, ingest_item_t *it, zmq_msg_t *payload, char *err, size_t errsz) {
    if (a->cfg.insecure) {
        if (wire_insecure_name(it->identity, it->identity_len, WIRE_TAG_COUNTY, it->county, sizeof it->county) == 0)
            return 0;
        snprintf(err, errsz, _("connection does not name its county"));
        return -1;
    }
    const char *user = zmq_msg_gets(payload, "User-Id"), *key = zmq_msg_gets(payload, "X-Key");
    if (!user || !*user || strlen(user) >= sizeof it->county) {
        snprintf(err, errsz, _("connection has no authenticated county"));
        return -1;
    }
    snprintf(it->county, sizeof it->county, "%s", user);
    snprintf(it->key, sizeof it->key, "%s", key ? key : "");
    return 0;
}

/* Decodes the payload into it: 1 = a report to judge, also one the codec refused
 * (it->refused, its reason in it->refusal: it is answered REJECTED, not dropped, or its
 * sender would resend it for ever); -1 = not even an envelope with an id (err says why). */
static int decode_report(ingest_item_t *it, zmq_msg_t *payload, char *err, size_t errsz) {
    int rc = codec_decode(zmq_msg_data(payload), zmq_msg_size(payload), &it->msg, err, errsz);
    if (rc == CODEC_REFUSED) {
        it->refused = true;
        snprintf(it->refusal, sizeof it->refusal, "%s", err);
        text_truncate_utf8(it->refusal);
        return 1;
    }
    return rc < 0 ? -1 : 1;
}

/* receive_one's code for a message answered at once (nothing to commit): neither a
 * report for the batch nor a dropped one. */
#define RECEIVED_ANSWERED (-3)

/* Insecure mode only (under CURVE a connection without a county is ZAP's business, and
 * telling the peer about --insecure would be false), a connection whose routing id names
 * no county: a report on it is answered REJECTED at once, saying what routing id is
 * expected (nothing is stored, so there is no commit to wait for) and counted rejected:
 * RECEIVED_ANSWERED. Anything else is -1: dropped (the caller counts it and logs err,
 * rate-limited). */
static int answer_unnamed(aggregator_t *a, ingest_item_t *it, zmq_msg_t *payload) {
    char id[64];
    if (codec_decode(zmq_msg_data(payload), zmq_msg_size(payload), &it->msg, NULL, 0) == -1 ||
        it->msg.kind != MSG_REPORT)
        return -1;
    text_escape_bytes(it->identity, it->identity_len, id, sizeof id);
    set_ack_key(&it->ack, &it->msg.report);
    it->ack.status = ACK_REJECTED;
    diag_add(&it->ack.issues, DIAG_ERROR, NULL, 0, "routing_id",
             _("this aggregator runs --insecure and takes the sending county from the connection's "
             "routing id, which must be c:<county>:<random> (e.g. c:410602:3fa9c1d2); this one is \"%s\""),
             id);
    aggregator_ack_send(a, it);
    a->n_rejected++;
    return RECEIVED_ANSWERED;
}

/* Receives one multipart message [identity, payload]; 1 = got one into it, 0 = none
 * waiting, -1 = received something unusable (logged and dropped), -2 = the county is
 * over its rate limit (dropped unacked, before any decoding: a flood costs one frame
 * read per message, whatever it contains) or a read-only request answered at once,
 * RECEIVED_ANSWERED = a report answered at once (an insecure connection naming no
 * county). */
static int receive_one(aggregator_t *a, ingest_item_t *it, int64_t now_ms) {
    zmq_msg_t part;
    int more = 1, n = 0, rc = 1;
    size_t sz = sizeof more;
    char err[256] = "";
    memset(it, 0, sizeof *it);
    while (more) {
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, a->router, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close(&part);
            if (n == 0 && errno == EAGAIN) return 0;
            log_warn(_("receive: %s"), zmq_strerror(errno));
            item_clear(it);
            return -1;
        }
        zmq_getsockopt(a->router, ZMQ_RCVMORE, &more, &sz);
        if (n == 0) {
            it->identity_len = zmq_msg_size(&part);
            it->identity = malloc(it->identity_len ? it->identity_len : 1);
            if (it->identity)
                memcpy(it->identity, zmq_msg_data(&part), it->identity_len);
            else
                rc = -1;
        } else if (n == 1 && rc == 1) {
            if (identify(a, it, &part, err, sizeof err) < 0)
                rc = a->cfg.insecure ? answer_unnamed(a, it, &part) : -1;
            /* the monotonic clock: clock_now_ms() is pinned by YUEBAO_NOW and steps with
             * the wall clock, and a bucket that never sees time pass never refills */
            else if (!aggregator_limit_take(a, it->county, clock_mono_ms()))
                rc = -2;
            else
                rc = decode_report(it, &part, err, sizeof err);
        } else if (rc == 1) {
            snprintf(err, sizeof err, _("unexpected extra frame"));
            rc = -1;
        }
        zmq_msg_close(&part);
        n++;
    }
    if (rc == 1 && n < 2) {
        snprintf(err, sizeof err, _("no payload frame"));
        rc = -1;
    }
    if (rc == 1 && it->msg.kind == MSG_RECONCILE_REQUEST) { /* read-only: answered at once */
        aggregator_ingest_drain(a); /* the store is the writer thread's while it commits */
        aggregator_reconcile_answer(a, it);
        item_clear(it);
        return -2; /* consumed, nothing to commit */
    }
    if (rc == 1 && it->msg.kind != MSG_REPORT) {
        snprintf(err, sizeof err, _("not a report"));
        rc = -1;
    }
    if (rc == 1) aggregator_ingest_check(a, it, now_ms); /* here, beside the writer's commit */
    if (rc == -1) {
        a->n_garbled++;
        log_dropped(a, it, err);
    }
    if (rc < 0) item_clear(it);
    return rc;
}

/* Zone's current report of period ("" = none) for the history and soft checks, as the
 * open transaction sees it, without reading the store where it can: a report accepted
 * earlier in this batch (items[0..i)) is the current one; otherwise the live state has
 * every committed report (live_report); only when that cannot say, the store. Returns
 * the report — *buf, to report_clear when *owned, or a batch item's — NULL when there
 * is none, and sets *failed on a store error. */
static const report_t *neighbour(aggregator_t *a, const ingest_item_t *items, size_t i, const char *zone,
                                 const char *period, report_t *buf, bool *owned, bool *failed) {
    int rc;
    *owned = false;
    if (!period[0]) return NULL;
    while (i-- > 0) {
        const report_t *r = &items[i].msg.report;
        if (items[i].ack.status == ACK_ACCEPTED && !strcmp(r->zone, zone) && !strcmp(r->period, period))
            return r;
    }
    if ((rc = live_report(&a->live, zone, period, buf)) < 0) rc = rstore_load_report(a->store, zone, period, buf);
    if (rc < 0) *failed = true;
    *owned = rc == 1;
    return rc == 1 ? buf : NULL;
}

/* The soft checks (plausibility.h) of a new revision against the zone's current revision
 * cur, previous period pp and last year bp (each NULL when there is none). Appends to
 * dl; returns the number of errors (jumps without a 说明). */
static int soft_check(aggregator_t *a, const report_t *r, const report_t *cur, const report_t *pp,
                      const report_t *bp, diag_list_t *dl) {
    plausibility_base_t b = {cur, pp, bp};
    return (int)plausibility_check(a->master, r, &b, dl);
}

/* True if zone (code or name) belongs to county in master data. */
static bool zone_is_own(const aggregator_t *a, const char *county, const char *zone) {
    const zone_t *z = master_zone(a->master, zone);
    return z && strcmp(z->county, county) == 0;
}

/* A rejected report's key as it is logged, recorded and published: a control
 * character in it (refused by validation) becomes a visible escape. */
static void escape_key(report_t *r) {
    char buf[sizeof r->source];
    if (text_has_controls(r->zone))
        snprintf(r->zone, sizeof r->zone, "%s", text_escape_controls(r->zone, buf, sizeof r->zone));
    if (text_has_controls(r->period))
        snprintf(r->period, sizeof r->period, "%s", text_escape_controls(r->period, buf, sizeof r->period));
    if (text_has_controls(r->source))
        snprintf(r->source, sizeof r->source, "%s", text_escape_controls(r->source, buf, sizeof r->source));
}

/* A report the codec refused: REJECTED with the codec's reason, recorded for the
 * central office; its key was escaped by the codec, and no store revision is told. */
static int judge_refused(aggregator_t *a, ingest_item_t *it, int64_t now_ms) {
    report_t *r = &it->msg.report;
    set_ack_key(&it->ack, r);
    it->ack.status = ACK_REJECTED;
    diag_add(&it->ack.issues, DIAG_ERROR, NULL, 0, "", "%s", it->refusal);
    return rstore_record_rejection(a->store, it->county, r, &it->ack.issues, now_ms);
}

/* Judges one report inside the open transaction and fills its ack. Returns 0, or -1 on a
 * store error (the batch is rolled back). */
static int judge(aggregator_t *a, ingest_item_t *items, size_t i, const validate_opts_t *vo, int64_t now_ms) {
    ingest_item_t *it = &items[i];
    report_t *r = &it->msg.report;
    ack_t *ack = &it->ack;
    uint32_t current = 0;
    uint8_t *content = NULL, *stored = NULL;
    size_t content_len = 0, stored_len = 0;
    int rc = -1, have;

    if (it->refused) return judge_refused(a, it, now_ms);
    if (!it->checked || it->checked_gen != a->master_gen) aggregator_ingest_check(a, it, now_ms);
    /* the check's findings become the ack's, its content ours: a judgement again (the
     * store was busy) checks again */
    ack->issues = it->check_issues;
    memset(&it->check_issues, 0, sizeof it->check_issues);
    content = it->content;
    content_len = it->content_len;
    it->content = NULL;
    it->checked = false;
    set_ack_key(ack, r);
    if (it->check_errors > 0) {
        free(content); /* none made */
        if (aggregator_retry_judge(it, now_ms, &ack->issues)) {
            ack->status = ACK_RETRY; /* nothing stored: it comes again */
            return 0;
        }
        ack->status = ACK_REJECTED;
        /* the store's revision only for the county's own zone: another county's store
         * is none of the sender's business (the ack then carries none) */
        if (zone_is_own(a, it->county, r->zone)) {
            if (rstore_current_revision(a->store, r->zone, r->period, &current) < 0) return -1;
            ack->store_revision = current;
        }
        escape_key(r); /* from here the key is logged, recorded and published */
        set_ack_key(ack, r);
        return rstore_record_rejection(a->store, it->county, r, &ack->issues, now_ms);
    }
    if (!content) return -1; /* out of memory making it: rolled back, the collectors resend */
    have = rstore_current_revision(a->store, r->zone, r->period, &current);
    if (have < 0) goto out;

    /* a new revision of an approved or published period: REJECTED, nothing stored (a
     * resend of a stored one is still a DUPLICATE) */
    if ((have == 0 || r->revision > current) && aggregator_approval_locked(a, r, &ack->issues)) {
        ack->status = ACK_REJECTED;
        ack->store_revision = current;
        if (rstore_record_rejection(a->store, it->county, r, &ack->issues, now_ms) == 0) rc = 0;
        goto out;
    }
    if (have == 0 || r->revision > current) {
        char prev_p[PERIOD_STRLEN], base_p[PERIOD_STRLEN];
        report_t prev, base, cur;
        const report_t *pp, *bp, *cp;
        bool own_p, own_b, own_c, failed = false;
        int soft;
        /* r->period was validated above */
        plausibility_neighbours(r->period, a->master->policy.merge_jan_feb, prev_p, base_p);
        pp = neighbour(a, items, i, r->zone, prev_p, &prev, &own_p, &failed);
        bp = neighbour(a, items, i, r->zone, base_p, &base, &own_b, &failed);
        cp = have == 1 ? neighbour(a, items, i, r->zone, r->period, &cur, &own_c, &failed) : NULL;
        if (!failed) validate_history(a->master, vo, r, pp, bp, &ack->issues);
        soft = failed ? -1 : soft_check(a, r, cp, pp, bp, &ack->issues);
        if (own_p) report_clear(&prev);
        if (own_b) report_clear(&base);
        if (cp && own_c) report_clear(&cur);
        if (soft != 0) { /* a jump without a 说明: refused, nothing stored */
            if (soft < 0) goto out;
            ack->status = ACK_REJECTED;
            ack->store_revision = current;
            if (rstore_record_rejection(a->store, it->county, r, &ack->issues, now_ms) == 0) rc = 0;
            goto out;
        }
        /* the sender in the history: the key that sent it (a stolen or rotated key can be
         * traced), or the county in insecure mode */
        if (rstore_apply(a->store, r, it->county, it->key[0] ? it->key : it->county, content, content_len,
                         &ack->issues, now_ms) < 0)
            goto out;
        ack->status = ACK_ACCEPTED;
        ack->store_revision = r->revision;
        ack->stored_at_ms = now_ms;
        rc = 0;
        goto out;
    }
    ack->store_revision = current;
    have = rstore_revision_content(a->store, r->zone, r->period, r->revision, &stored, &stored_len,
                                   &ack->stored_at_ms);
    if (have < 0) goto out;
    if (have == 1 && stored_len == content_len && memcmp(stored, content, content_len) == 0) {
        ack->status = ACK_DUPLICATE;
    } else if (have == 1) {
        ack->status = ACK_REJECTED;
        ack->stored_at_ms = 0;
        diag_add(&ack->issues, DIAG_ERROR, r->source, 0, "revision",
                 _("revision %u of %s %s was already stored with different content, and a revision "
                 "number is never reused; the store is at revision %u: send the file again and it "
                 "goes out as revision %u"),
                 r->revision, r->zone, r->period, current, current + 1);
        if (rstore_record_rejection(a->store, it->county, r, &ack->issues, now_ms) < 0) goto out;
    } else {
        ack->status = ACK_STALE;
        diag_add(&ack->issues, DIAG_ERROR, r->source, 0, "revision",
                 _("revision %u of %s %s is older than the stored revision %u; to correct the report, "
                 "send the file again and it goes out as revision %u"),
                 r->revision, r->zone, r->period, current, current + 1);
    }
    rc = 0;
out:
    free(content);
    free(stored);
    return rc;
}

static void count(aggregator_t *a, ack_status_t s) {
    switch (s) {
    case ACK_ACCEPTED: a->n_accepted++; break;
    case ACK_DUPLICATE: a->n_duplicate++; break;
    case ACK_STALE: a->n_stale++; break;
    case ACK_REJECTED: a->n_rejected++; break;
    case ACK_RETRY: a->n_retry++; break;
    default: break;
    }
}

int aggregator_ingest_store(aggregator_t *a, ingest_item_t *items, size_t n, int64_t now_ms) {
    validate_opts_t vo = check_options(a, now_ms);
    int rc;
    if ((rc = rstore_begin(a->store)) == -2) return -2; /* busy: the caller holds the batch */
    if (rc < 0) {
        log_error(_("group commit of %zu report(s) not begun: %s; no acks sent, the collectors resend"), n,
                  rstore_error(a->store));
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        diag_clear(&items[i].ack.issues);
        memset(&items[i].ack, 0, sizeof items[i].ack);
        if (judge(a, items, i, &vo, now_ms) < 0) {
            rstore_rollback(a->store);
            log_error(_("group commit of %zu report(s) rolled back after the store error above; no acks "
                      "sent, the collectors resend"),
                      n);
            return -1;
        }
    }
    if (rstore_commit(a->store) < 0) {
        /* one line: rstore_commit leaves no transaction open and says why in its error */
        log_error(_("group commit of %zu report(s) failed: %s; nothing stored, no acks sent, the collectors "
                  "resend"),
                  n, rstore_error(a->store));
        return -1;
    }
    a->n_commits++;
    return 0;
}

void aggregator_ingest_live(aggregator_t *a, ingest_item_t *items, size_t n) {
    /* Committed: the live totals follow the store, a revision replacing its predecessor. */
    for (size_t i = 0; i < n; i++)
        if (items[i].ack.status == ACK_ACCEPTED &&
            live_apply(&a->live, &items[i].msg.report, items[i].ack.stored_at_ms) < 0)
            log_error(_("out of memory: the live totals of %s miss %s; they are rebuilt on SIGHUP"),
                      items[i].msg.report.period, items[i].msg.report.zone);
}

int aggregator_ingest_batch(aggregator_t *a, ingest_item_t *items, size_t n, int64_t now_ms) {
    int rc = aggregator_ingest_store(a, items, n, now_ms);
    if (rc == 0) aggregator_ingest_live(a, items, n);
    return rc;
}

/* Acks and publishes the committed batch items[0..n) and frees it. */
static void settle_batch(aggregator_t *a, ingest_item_t *items, size_t n) {
    for (size_t i = 0; i < n; i++) {
        ingest_item_t *it = &items[i];
        count(a, it->ack.status);
        if (it->ack.status == ACK_RETRY) aggregator_retry_log(a, it); /* logged before it is answered */
        aggregator_ack_send(a, it);
        if (it->ack.status == ACK_ACCEPTED) aggregator_publish_accepted(a, it);
        if (it->ack.status == ACK_REJECTED) aggregator_publish_rejected(a, it);
        if (it->ack.status == ACK_REJECTED || it->ack.status == ACK_STALE) {
            char line[1024] = "";
            if (it->ack.issues.n) diag_format(&it->ack.issues.items[0], line, sizeof line);
            log_info(_("%s %s/%s rev %u from county %s%s%s: %s"), ack_status_name(it->ack.status),
                     it->msg.report.zone, it->msg.report.period, it->msg.report.revision, it->county,
                     it->key[0] ? _(" key ") : "", it->key, line);
        }
        item_clear(it);
    }
    aggregator_publish_totals(a); /* once per changed scope, after the batch's events */
    log_debug("group commit: %zu report(s)", n);
}

/* The collectors' ROUTER out of the poll (a full batch waits for the writer, or the
 * store is busy: what they send waits in ZeroMQ) and back in. */
static void router_pause(aggregator_t *a) {
    if (a->router_paused) return;
    loop_remove_socket(a->loop, a->router);
    a->router_paused = true;
}

static void router_resume(aggregator_t *a) {
    if (!a->router_paused) return;
    if (loop_add_socket(a->loop, a->router, aggregator_ingest_ready, a) < 0) {
        log_error(_("cannot poll the collectors' socket again: restart the aggregator"));
        return;
    }
    a->router_paused = false;
}

static void drop_items(ingest_item_t *items, size_t *n) {
    for (size_t i = 0; i < *n; i++)
        item_clear(&items[i]);
    *n = 0;
}

static void retry_held(loop_t *loop, void *arg);

/* The longest wait between two attempts at a busy store. */
#define BUSY_RETRY_MAX_MS 1000

/* Hands the batch in flight, a->inflight[0..n_inflight), to the store: to the writer
 * thread, or (without one) committed here and settled at once. */
static void commit_inflight(aggregator_t *a);

/* What became of the batch in flight: rc of aggregator_ingest_store. Committed, it goes
 * into the live totals, and with hand_next the batch received meanwhile goes to the
 * writer before this one's acks and events are sent: the writer commits the next while
 * the loop settles this one (acks after COMMIT all the same). While another
 * connection holds the store's write lock (an analyst's BEGIN IMMEDIATE in sqlite3),
 * the batch stays held, nothing is acked, the collectors' ROUTER is left unread (its
 * messages wait in ZeroMQ and the collectors resend what times out), and a timer tries
 * again with backoff: the loop goes on serving heartbeats and snapshots instead of
 * waiting out a busy timeout. */
static void start_next(aggregator_t *a);

static void inflight_done(aggregator_t *a, int rc, bool hand_next) {
    if (rc == -2) {
        if (!a->busy_since_ms) {
            a->busy_since_ms = clock_mono_ms();
            a->busy_delay_ms = 10;
            log_warn(_("%s; %zu report(s) held unacknowledged until it is free, retrying; heartbeats and "
                     "snapshots go on (an open transaction in another program, e.g. sqlite3, holds the "
                     "store's write lock: end it)"),
                     rstore_error(a->store), a->n_inflight + a->n_batch);
            router_pause(a);
        } else {
            /* 10, 20, ... 640 ms, then every second at most (docs/operations.md) */
            a->busy_delay_ms = a->busy_delay_ms * 2 > BUSY_RETRY_MAX_MS ? BUSY_RETRY_MAX_MS : a->busy_delay_ms * 2;
        }
        a->busy_timer = loop_add_timer(a->loop, a->busy_delay_ms, false, retry_held, a);
        if (a->busy_timer >= 0) return;
        /* Nothing would ever retry, nor read the ROUTER again: give the batch up (not
         * stored, not acked: its collectors resend) and go on reading. */
        log_error(_("no timer left to retry the busy store: %zu held report(s) dropped unacknowledged (their "
                  "collectors resend them); reading reports again"),
                  a->n_inflight + a->n_batch);
        drop_items(a->inflight, &a->n_inflight);
        drop_items(a->batch, &a->n_batch);
        a->busy_since_ms = 0;
        a->busy_timer = 0;
        router_resume(a);
        return;
    }
    if (a->busy_since_ms) {
        log_warn(_("report store writable again after %.1f s of waiting for its write lock"),
                 (double)(clock_mono_ms() - a->busy_since_ms) / 1000.0);
        a->busy_since_ms = 0;
        a->busy_timer = 0;
    }
    if (rc < 0) {
        /* Nothing is acked: every collector in the batch resends, and nothing was stored. */
        drop_items(a->inflight, &a->n_inflight);
    } else {
        /* committed: now, and only now, tell the collectors and the subscribers */
        ingest_item_t *done = a->inflight;
        size_t n = a->n_inflight;
        aggregator_ingest_live(a, done, n); /* before the writer judges the next batch against it */
        a->inflight = a->settling;
        a->settling = done;
        a->n_inflight = 0;
        if (hand_next) start_next(a);
        settle_batch(a, done, n);
    }
}

/* Moves the received batch into flight and hands it over, when the store is free. */
static void start_next(aggregator_t *a) {
    ingest_item_t *t;
    if (a->n_inflight || !a->n_batch || a->busy_since_ms) return;
    t = a->inflight;
    a->inflight = a->batch;
    a->batch = t;
    a->n_inflight = a->n_batch;
    a->n_batch = 0;
    commit_inflight(a);
}

static void commit_inflight(aggregator_t *a) {
    if (a->writer) {
        aggregator_writer_submit(a->writer, a->inflight, a->n_inflight, clock_now_ms());
        return;
    }
    inflight_done(a, aggregator_ingest_store(a, a->inflight, a->n_inflight, clock_now_ms()), false);
}

void aggregator_ingest_resume(aggregator_t *a) {
    start_next(a);
    if (!a->busy_since_ms && a->n_batch < (size_t)a->cfg.batch_max) router_resume(a);
}

void aggregator_ingest_written(loop_t *loop, void *socket, int fd, void *arg) {
    aggregator_t *a = arg;
    int rc;
    (void)loop;
    (void)socket;
    (void)fd;
    if (!aggregator_writer_poll(a->writer, &rc)) return; /* already taken by a drain */
    inflight_done(a, rc, true);
    aggregator_ingest_resume(a);
}

void aggregator_ingest_drain(aggregator_t *a) {
    int rc;
    if (a->writer && aggregator_writer_wait(a->writer, &rc)) inflight_done(a, rc, false);
}

static void retry_held(loop_t *loop, void *arg) {
    aggregator_t *a = arg;
    (void)loop;
    a->busy_timer = 0;
    if (a->n_inflight) commit_inflight(a);
    if (!a->writer) aggregator_ingest_resume(a);
}

void aggregator_ingest_stop(aggregator_t *a) {
    aggregator_ingest_drain(a); /* a batch the writer has is committed or not: either way settled */
    if (a->n_inflight + a->n_batch)
        log_warn(_("stopping with %zu report(s) received but not stored (held for the busy store, or waiting "
                 "for the next commit), not acknowledged: their collectors resend them"),
                 a->n_inflight + a->n_batch);
    drop_items(a->inflight, &a->n_inflight);
    drop_items(a->batch, &a->n_batch);
}

void aggregator_ingest_ready(loop_t *loop, void *socket, int fd, void *arg) {
    aggregator_t *a = arg;
    int64_t now_ms;
    (void)loop;
    (void)socket;
    (void)fd;

    if (a->busy_since_ms) return; /* a batch is held for the busy store (the ROUTER is not polled then) */
    now_ms = clock_now_ms();
    /* Dropped messages count against the reads too: a peer sending junk (or a county
     * over its limit) as fast as it can must not keep us from the poll loop, the other
     * collectors' acks and the heartbeats. The ROUTER is polled level-triggered, so what
     * is left waiting is read on the next turn. While the writer commits one batch, the
     * next is received and decoded here, up to batch_max; then the ROUTER waits. */
    for (size_t reads = 0; a->n_batch < (size_t)a->cfg.batch_max && reads < 4 * (size_t)a->cfg.batch_max;
         reads++) {
        int rc;
        /* a writer done with its batch waits for the loop: settle it and hand it the
         * next now, not after a whole burst of reads */
        if (a->writer && reads % 16 == 15 && aggregator_writer_finished(a->writer)) {
            aggregator_ingest_written(loop, socket, fd, a);
            if (a->busy_since_ms || a->router_paused) break;
        }
        rc = receive_one(a, &a->batch[a->n_batch], now_ms);
        if (rc == 0) break;
        if (rc == 1) a->n_batch++;
        if (a->busy_since_ms) break; /* a reconcile's drain found the store busy */
    }
    start_next(a);
    if (a->n_batch >= (size_t)a->cfg.batch_max) router_pause(a);
}
