/* aggregator_reconcile.c - telling a collector which revisions the store holds.
 *
 * A store restored from a backup, or one whose WAL was truncated, has lost reports that
 * were acknowledged; the collectors keep their settled reports for a while
 * (keep_settled_days) and ask, at start, after each reconnect and every hour, with a
 * ReconcileRequest. The answer lists the store's current revision of each (zone, period)
 * of the requesting county — the county of the connection (ZAP User-Id, or the routing
 * id when insecure), never one named in the message, so a county learns nothing of
 * another's — and the collector resends what the store lacks. Reading only: the answer
 * goes out at once, outside any group commit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "aggregator.h"
#include "i18n.h"
#include "wire.h"
#include "log.h"

typedef struct {
    msg_t *m;
    size_t cap;
    bool oom;
} collect_t;

static void collect(const char *zone, const char *period, uint32_t revision, void *arg) {
    collect_t *c = arg;
    stored_revision_t *e;
    if (c->oom) return;
    if (c->m->n_stored == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        stored_revision_t *p = realloc(c->m->stored, cap * sizeof *p);
        if (!p) {
            c->oom = true;
            return;
        }
        c->m->stored = p;
        c->cap = cap;
    }
    e = &c->m->stored[c->m->n_stored++];
    snprintf(e->zone, sizeof e->zone, "%s", zone ? zone : "");
    snprintf(e->period, sizeof e->period, "%s", period ? period : "");
    e->revision = revision;
}

void aggregator_reconcile_answer(aggregator_t *a, const ingest_item_t *it) {
    msg_t m = {0};
    collect_t c = {&m, 0, false};
    int n;
    m.kind = MSG_RECONCILE;
    m.has_reply_to = true;
    memcpy(m.in_reply_to, it->msg.id, MSG_ID_LEN);
    /* one more than fits tells a cut list */
    n = rstore_county_revisions(a->store, it->county, it->msg.reconcile_since, CODEC_MAX_STORED + 1, collect,
                                &c);
    if (n < 0 || c.oom) {
        log_warn(_("reconcile for county %s: cannot read the store; no answer (the collector asks again)"),
                 it->county);
        msg_clear(&m);
        return;
    }
    m.stored_complete = m.n_stored <= CODEC_MAX_STORED;
    if (!m.stored_complete) m.n_stored = CODEC_MAX_STORED;
    if (wire_send_msg(a->router, it->identity, it->identity_len, NULL, &m) < 0)
        log_debug("reconcile answer for county %s not delivered: %s", it->county, zmq_strerror(errno));
    else
        log_debug("reconcile: county %s, %zu (zone, period) key(s)%s", it->county, m.n_stored,
                  m.stored_complete ? "" : " (cut)");
    msg_clear(&m);
}
