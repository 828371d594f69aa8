/* aggregator_approval.c - a period's approval (核准 / 发布): the control ROUTER, the
 * transitions it stores and publishes, and the lock a report meets in validation.
 *
 * The 统计局's approvers send PeriodRequests (approve, publish, unlock) over CURVE to
 * the control ROUTER, whose ZAP domain admits only the keys of approver_keys; who asks
 * is the ZAP User-Id of the key (its name in that list) and the key itself, never
 * anything the message says. A request is decided by approval_decide (common/
 * approval.c) against the current states, stored as one row of period_transitions in
 * its own transaction, and only after COMMIT answered, put in force and published
 * ("state.<period>.city" or "state.<period>.<county>", with the next sequence number).
 *
 * The current states live in a->approvals, loaded from the store at start and changed
 * only after a transition's COMMIT. The lock check (aggregator_approval_locked) reads
 * them and nothing else, inside the writer thread's validation of a batch. The rule is
 * drain before use: aggregator_control_ready first waits for the batch the writer has
 * (aggregator_ingest_drain), so the store and a->approvals are the poll loop's alone
 * while requests are handled, and hands the next batch over after
 * (aggregator_ingest_resume): a report validated after an approval's COMMIT meets it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "aggregator.h"
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "text.h"
#include "wire.h"

static void load_one(const period_state_t *t, void *arg) {
    aggregator_t *a = arg;
    if (approval_table_set(&a->approvals, t) < 0) a->approvals_oom = true;
}

int aggregator_approval_load(aggregator_t *a) {
    int n;
    approval_table_clear(&a->approvals);
    a->approvals_oom = false;
    if ((n = rstore_each_transition(a->store, NULL, load_one, a)) < 0 || a->approvals_oom) {
        log_error(_("cannot load the periods' approval states from %s"), a->cfg.store);
        return -1;
    }
    for (size_t i = 0; i < a->approvals.n; i++)
        if (a->approvals.v[i].state != PSTATE_OPEN)
            log_info(_("%s%s%s is %s (%s, %s)"), a->approvals.v[i].period,
                     a->approvals.v[i].county[0] ? " " : "", a->approvals.v[i].county,
                     approval_state_name(a->approvals.v[i].state), a->approvals.v[i].actor,
                     approval_action_name(a->approvals.v[i].action));
    return 0;
}

bool aggregator_approval_locked(const aggregator_t *a, const report_t *r, diag_list_t *issues) {
    const zone_t *z = master_zone(a->master, r->zone);
    const period_state_t *lock =
        approval_lock(approval_table_find(&a->approvals, r->period, ""),
                      z ? approval_table_find(&a->approvals, r->period, z->county) : NULL);
    char msg[APPROVAL_TEXT_SIZE + 128];
    if (!lock) return false;
    approval_locked_message(lock, msg, sizeof msg);
    diag_add(issues, DIAG_ERROR, r->source, 0, "period", "%s", msg);
    return true;
}

/* ---- the control ROUTER ------------------------------------------------------------- */

/* One received request and whom it came from. */
typedef struct {
    uint8_t identity[256];
    size_t identity_len;
    char actor[KEY_NAME_MAX];
    char key[KEY_Z85_LEN + 1];
    msg_t msg;
} control_item_t;

static void answer(aggregator_t *a, control_item_t *it, const period_reply_t *rep) {
    msg_t m = {0};
    m.kind = MSG_PERIOD_REPLY;
    m.has_reply_to = true;
    memcpy(m.in_reply_to, it->msg.id, MSG_ID_LEN);
    m.period_reply = *rep;
    if (wire_send_msg(a->control, it->identity, it->identity_len, NULL, &m) < 0)
        log_debug("control: the approver is gone before its answer: %s", strerror(errno));
}

static void refuse(aggregator_t *a, control_item_t *it, period_reply_t *rep, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void refuse(aggregator_t *a, control_item_t *it, period_reply_t *rep, const char *fmt, ...) {
    va_list ap;
    char period[sizeof it->msg.period_req.period * 4], county[sizeof it->msg.period_req.county * 4];
    const char *action;
    rep->ok = false;
    va_start(ap, fmt);
    vsnprintf(rep->reason, sizeof rep->reason, fmt, ap);
    va_end(ap);
    text_truncate_utf8(rep->reason);
    if (it->msg.kind != MSG_PERIOD_REQUEST) {
        /* period_req shares its room with the other kinds: only the kind is known */
        log_info(_("control: a message of kind %d refused for %s%s%s: %s"), (int)it->msg.kind, it->actor,
                 it->key[0] ? _(" key ") : "", it->key, rep->reason);
        answer(a, it, rep);
        return;
    }
    /* what the approver sent is untrusted bytes: escaped before the log sees them */
    action = approval_action_name(it->msg.period_req.action);
    log_info(_("control: %s %s%s%s refused for %s%s%s: %s"), action ? action : "?",
             text_escape_controls(it->msg.period_req.period, period, sizeof period),
             it->msg.period_req.county[0] ? " " : "",
             text_escape_controls(it->msg.period_req.county, county, sizeof county), it->actor,
             it->key[0] ? _(" key ") : "", it->key, rep->reason);
    answer(a, it, rep);
}

/* Publishes transition t on the PUB with the next sequence number. */
static void publish_state(aggregator_t *a, const period_state_t *t) {
    msg_t m = {0};
    char topic[64];
    if (!a->pub) return;
    m.kind = MSG_PERIOD_STATE;
    m.sequence = ++a->sequence;
    m.period_state = *t;
    snprintf(topic, sizeof topic, "state.%s.%s", t->period, t->county[0] ? t->county : "city");
    wire_send_msg(a->pub, NULL, 0, topic, &m);
}

/* Copies text (a comment or a reason) fit to store and show: controls escaped. */
static void clean_text(char *dst, size_t size, const char *src) {
    char buf[APPROVAL_TEXT_SIZE * 4];
    snprintf(dst, size, "%s", text_escape_controls(src, buf, sizeof buf));
    text_truncate_utf8(dst);
}

/* Decides, stores, answers and publishes one request. */
static void handle(aggregator_t *a, control_item_t *it) {
    period_request_t *req = &it->msg.period_req;
    period_reply_t rep;
    period_state_t t;
    approval_view_t view = {0};
    period_t p;
    char canon[PERIOD_STRLEN], why[APPROVAL_TEXT_SIZE];
    int rc;

    memset(&rep, 0, sizeof rep);
    memset(&t, 0, sizeof t);
    /* the handshake checked the key once; a reload may have removed it since */
    if (a->zap && !zap_listed(a->zap, WIRE_DOMAIN_APPROVERS, it->key)) {
        refuse(a, it, &rep, _("the key %s is no longer listed in approver_keys: nothing was changed"),
               it->key);
        return;
    }
    if (it->msg.kind != MSG_PERIOD_REQUEST) {
        refuse(a, it, &rep, _("this endpoint takes approve, publish and unlock requests only"));
        return;
    }
    if (period_parse(req->period, &p) < 0 || (period_format(p, canon), strcmp(canon, req->period) != 0)) {
        char shown[64];
        refuse(a, it, &rep, _("\"%s\" is not a period (YYYY-MM, e.g. 2017-05)"),
               text_escape_controls(req->period, shown, sizeof shown));
        return;
    }
    if (req->county[0]) {
        const county_t *c = master_county(a->master, req->county);
        char shown[64];
        if (!c) {
            refuse(a, it, &rep, _("no county %s in master data (regions.csv)"),
                   text_escape_controls(req->county, shown, sizeof shown));
            return;
        }
    }
    if (req->action == PACTION_APPROVE) {
        int has = rstore_has_reports(a->store, req->period, req->county[0] ? req->county : NULL);
        if (has < 0) {
            refuse(a, it, &rep, _("the report store cannot be read now; try again"));
            return;
        }
        if (has == 0) {
            if (req->county[0])
                refuse(a, it, &rep,
                       _("no report of %s from county %s is stored: there is nothing to approve"),
                       req->period, req->county);
            else
                refuse(a, it, &rep, _("no report of %s is stored: there is nothing to approve"), req->period);
            return;
        }
    }
    view.city = approval_table_find(&a->approvals, req->period, "");
    view.county = req->county[0] ? approval_table_find(&a->approvals, req->period, req->county) : NULL;
    view.all_counties_approved = approval_table_all_counties(&a->approvals, a->master, req->period);
    if (approval_decide(req, &view, &t.previous, &t.state, why, sizeof why) < 0) {
        refuse(a, it, &rep, "%s", why);
        return;
    }
    snprintf(t.period, sizeof t.period, "%s", req->period);
    snprintf(t.county, sizeof t.county, "%s", req->county);
    t.action = req->action;
    snprintf(t.actor, sizeof t.actor, "%s", it->actor);
    snprintf(t.actor_key, sizeof t.actor_key, "%s", it->key);
    t.at_ms = clock_now_ms();
    clean_text(t.comment, sizeof t.comment, req->comment);
    clean_text(t.reason, sizeof t.reason, req->reason);

    /* room first: once committed, the state must be in force (never stored but not enforced) */
    if (approval_table_reserve(&a->approvals) < 0) {
        refuse(a, it, &rep, _("out of memory; nothing was changed: try again"));
        return;
    }
    if ((rc = rstore_begin(a->store)) < 0) {
        refuse(a, it, &rep, _("the report store is busy (%s); nothing was changed: try again"),
               rstore_error(a->store));
        return;
    }
    if (rstore_record_transition(a->store, &t) < 0) {
        rstore_rollback(a->store);
        refuse(a, it, &rep, _("the transition could not be stored; nothing was changed: try again"));
        return;
    }
    if (rstore_commit(a->store) < 0) {
        refuse(a, it, &rep, _("the transition could not be stored (%s); nothing was changed: try again"),
               rstore_error(a->store));
        return;
    }
    /* committed: now in force, answered and heard */
    approval_table_set(&a->approvals, &t); /* cannot fail: room reserved above */
    log_info(_("control: %s%s%s %s → %s by %s%s%s"), t.period, t.county[0] ? " " : "", t.county,
             approval_state_name(t.previous), approval_state_name(t.state), t.actor,
             t.actor_key[0] ? _(" key ") : "", t.actor_key);
    rep.ok = true;
    rep.state = t;
    /* a city unlock leaves the counties approved on their own locked: the approver is told */
    if (t.action == PACTION_UNLOCK && !t.county[0] &&
        approval_unlock_note(&a->approvals, a->master, t.period, rep.reason, sizeof rep.reason))
        log_info(_("control: %s: %s"), t.period, rep.reason);
    answer(a, it, &rep);
    publish_state(a, &t);
}

/* Receives one [identity, payload]: 1 into it, 0 none waiting, -1 dropped (logged). */
static int receive(aggregator_t *a, control_item_t *it) {
    zmq_msg_t part;
    int more = 1, n = 0, rc = 1;
    size_t sz = sizeof more;
    char err[256] = "";
    memset(it, 0, sizeof *it);
    while (more) {
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, a->control, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close(&part);
            if (n == 0 && errno == EAGAIN) return 0;
            msg_clear(&it->msg);
            return -1;
        }
        zmq_getsockopt(a->control, ZMQ_RCVMORE, &more, &sz);
        if (n == 0) {
            it->identity_len = zmq_msg_size(&part) < sizeof it->identity ? zmq_msg_size(&part) : 0;
            memcpy(it->identity, zmq_msg_data(&part), it->identity_len);
            if (!it->identity_len) rc = -1;
        } else if (n == 1 && rc == 1) {
            if (a->cfg.insecure) {
                if (wire_insecure_name(it->identity, it->identity_len, WIRE_TAG_USER, it->actor, sizeof it->actor) < 0)
                    snprintf(it->actor, sizeof it->actor, "%s", "insecure");
            } else {
                const char *user = zmq_msg_gets(&part, "User-Id"), *key = zmq_msg_gets(&part, "X-Key");
                if (!user || !*user || strlen(user) >= sizeof it->actor) {
                    snprintf(err, sizeof err, _("connection has no authenticated approver"));
                    rc = -1;
                } else {
                    snprintf(it->actor, sizeof it->actor, "%s", user);
                    snprintf(it->key, sizeof it->key, "%s", key ? key : "");
                }
            }
            if (rc == 1 &&
                codec_decode(zmq_msg_data(&part), zmq_msg_size(&part), &it->msg, err, sizeof err) != 0) {
                msg_clear(&it->msg);
                rc = -1;
            }
        } else {
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
    if (rc < 0) {
        unsigned long long skipped = 0;
        if (log_limit_take(&a->drop_log, clock_mono_ms(), &skipped))
            log_warn(_("control: dropped a message from %s: %s"),
                     it->actor[0] ? it->actor : _("an unidentified peer"), err[0] ? err : _("no routing id"));
        msg_clear(&it->msg);
    }
    return rc;
}

void aggregator_control_ready(loop_t *loop, void *socket, int fd, void *arg) {
    aggregator_t *a = arg;
    (void)loop;
    (void)socket;
    (void)fd;
    /* the store and a->approvals are the writer thread's while it commits (its lock check
     * reads the table): the batch it has is settled first, the next handed over after */
    aggregator_ingest_drain(a);
    for (int i = 0; i < 16; i++) { /* a few at a time: the collectors' turn comes between */
        control_item_t it;
        int rc = receive(a, &it);
        if (rc == 0) break;
        if (rc < 0) continue;
        handle(a, &it);
        msg_clear(&it.msg);
    }
    aggregator_ingest_resume(a);
}
