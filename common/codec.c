/* codec.c - domain messages to and from the protobuf Envelope (see codec.h).
 *
 * Encoding points protobuf-c structs built on the stack at the domain struct's own
 * buffers and packs them; nothing is copied but the row arrays. Decoding is the only
 * place untrusted bytes meet C structs, so it runs in three fences: a size cap before
 * protobuf-c sees a byte; a byte budget on protobuf-c's allocator, because a 1 MiB
 * message of empty submessages would otherwise cost tens of MiB of structs; then every
 * presence, count, length and UTF-8 check before a byte is copied into a fixed-size
 * domain buffer. The codec rejects only what the domain cannot hold (an amount that is
 * not there, a string too long for its buffer, a ranking or alert figure that is not a
 * finite number, a timestamp whose date arithmetic would overflow); an empty zone, a
 * malformed period or an amount out of range is representable and is left to
 * validation, which can name the source line.
 * The content bytes for duplicate detection reuse the Report message: protobuf-c packs
 * fields in field-number order, so sorted rows without lines, revision or source give
 * the same bytes for the same content on every run and every host.
 */
#include "codec.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "codec_check.h"
#include "text.h"
#include "yuebao.pb-c.h"

/* Parse budget: 8 × the message size plus a fixed slack. Rows and issues are capped in
 * count, but an empty Issue is 2 wire bytes and ~72 unpacked, so 1000 of them need
 * ~72 KiB whatever the size; 256 KiB covers every count-bounded message, and 8× covers
 * strings and unknown fields. 1 MiB of empty submessages (~50 MiB unpacked) fails. */
#define BUDGET_SLACK_BYTES (256u * 1024u)
_Static_assert(8ull * CODEC_MAX_MSG_BYTES + BUDGET_SLACK_BYTES <= CODEC_MAX_PARSE_BYTES,
               "the parse budget of the largest message is CODEC_MAX_PARSE_BYTES");

/* ---- encoding ------------------------------------------------------------------- */

/* The wire rows of one report, owned while the Report message points at them. */
typedef struct {
    Yuebao__Report msg;
    Yuebao__Value *values;
    Yuebao__Value **value_ptrs;
    Yuebao__Project *projects;
    Yuebao__Project **project_ptrs;
} wire_report_t;

/* The wire issues of one ack: errors then warnings share one array. */
typedef struct {
    Yuebao__Ack msg;
    Yuebao__Issue *issues;
    Yuebao__Issue **error_ptrs;
    Yuebao__Issue **warning_ptrs;
} wire_ack_t;

static void wire_report_free(wire_report_t *w) {
    free(w->values);
    free(w->value_ptrs);
    free(w->projects);
    free(w->project_ptrs);
}

static void wire_ack_free(wire_ack_t *w) {
    free(w->issues);
    free(w->error_ptrs);
    free(w->warning_ptrs);
}

/* Orders wire values by every field the content packs, so equal rows are identical
 * and the order of the rest is total; memcmp on doubles keeps NaN from breaking it. */
static int value_cmp(const void *a, const void *b) {
    const Yuebao__Value *x = *(Yuebao__Value *const *)a, *y = *(Yuebao__Value *const *)b;
    int c = strcmp(x->indicator, y->indicator);
    if (c) return c;
    if ((c = memcmp(&x->amount, &y->amount, sizeof x->amount))) return c;
    if (x->has_growth_pct != y->has_growth_pct) return x->has_growth_pct ? 1 : -1;
    if ((c = memcmp(&x->growth_pct, &y->growth_pct, sizeof x->growth_pct))) return c;
    return strcmp(x->note ? x->note : "", y->note ? y->note : "");
}

static int project_cmp(const void *a, const void *b) {
    const Yuebao__Project *x = *(Yuebao__Project *const *)a;
    const Yuebao__Project *y = *(Yuebao__Project *const *)b;
    int c = strcmp(x->code, y->code);
    if (c) return c;
    if ((c = strcmp(x->name, y->name))) return c;
    if (x->has_total_investment != y->has_total_investment) return x->has_total_investment ? 1 : -1;
    if ((c = memcmp(&x->total_investment, &y->total_investment, sizeof x->total_investment))) return c;
    if (x->has_ytd_investment != y->has_ytd_investment) return x->has_ytd_investment ? 1 : -1;
    if ((c = memcmp(&x->ytd_investment, &y->ytd_investment, sizeof x->ytd_investment))) return c;
    return strcmp(x->status, y->status);
}

/* Fills w->msg from r. canonical: rows sorted, no revision, lines or source, and an
 * empty text counted as none. 0, or -1 on OOM (w is then safe to free). */
static int report_to_wire(const report_t *r, bool canonical, wire_report_t *w) {
    Yuebao__Report init = YUEBAO__REPORT__INIT;
    size_t nv = r->n_values, np = r->n_projects;
    memset(w, 0, sizeof *w);
    w->msg = init;
    w->msg.zone = (char *)r->zone;
    w->msg.period = (char *)r->period;
    if (!canonical) {
        w->msg.has_revision = 1;
        w->msg.revision = r->revision;
        if (r->source[0]) w->msg.source = (char *)r->source;
    }
    if (r->problems && (!canonical || r->problems[0])) w->msg.problems = r->problems;
    if (r->next_steps && (!canonical || r->next_steps[0])) w->msg.next_steps = r->next_steps;

    if (nv) {
        w->values = calloc(nv, sizeof *w->values);
        w->value_ptrs = calloc(nv, sizeof *w->value_ptrs);
        if (!w->values || !w->value_ptrs) return -1;
    }
    for (size_t i = 0; i < nv; i++) {
        const report_value_t *v = &r->values[i];
        Yuebao__Value *o = &w->values[i];
        yuebao__value__init(o);
        o->indicator = (char *)v->indicator;
        o->has_amount = 1;
        o->amount = v->amount;
        if (v->has_growth) {
            o->has_growth_pct = 1;
            o->growth_pct = v->growth_pct;
        }
        if (!canonical && v->line) {
            o->has_line = 1;
            o->line = v->line;
        }
        if (v->note) o->note = v->note; /* content too: a 说明 is part of the revision */
        w->value_ptrs[i] = o;
    }

    if (np) {
        w->projects = calloc(np, sizeof *w->projects);
        w->project_ptrs = calloc(np, sizeof *w->project_ptrs);
        if (!w->projects || !w->project_ptrs) return -1;
    }
    for (size_t i = 0; i < np; i++) {
        const report_project_t *p = &r->projects[i];
        Yuebao__Project *o = &w->projects[i];
        yuebao__project__init(o);
        o->code = (char *)p->code;
        o->name = (char *)p->name;
        o->status = (char *)p->status;
        if (p->has_total) {
            o->has_total_investment = 1;
            o->total_investment = p->total_investment;
        }
        if (p->has_ytd) {
            o->has_ytd_investment = 1;
            o->ytd_investment = p->ytd_investment;
        }
        if (!canonical && p->line) {
            o->has_line = 1;
            o->line = p->line;
        }
        w->project_ptrs[i] = o;
    }

    if (canonical) {
        if (nv > 1) qsort(w->value_ptrs, nv, sizeof *w->value_ptrs, value_cmp);
        if (np > 1) qsort(w->project_ptrs, np, sizeof *w->project_ptrs, project_cmp);
    }
    w->msg.n_values = nv;
    w->msg.values = w->value_ptrs;
    w->msg.n_projects = np;
    w->msg.projects = w->project_ptrs;
    return 0;
}

/* Fills w->msg from a; kept findings only (dropped ones have no place on the wire). */
static int ack_to_wire(const ack_t *a, wire_ack_t *w) {
    Yuebao__Ack init = YUEBAO__ACK__INIT;
    size_t n = a->issues.n, ne = 0, nw = 0;
    memset(w, 0, sizeof *w);
    w->msg = init;
    w->msg.zone = (char *)a->zone;
    w->msg.period = (char *)a->period;
    w->msg.has_revision = 1;
    w->msg.revision = a->revision;
    w->msg.has_status = 1;
    w->msg.status = (Yuebao__AckStatus)a->status;
    if (a->store_revision) {
        w->msg.has_store_revision = 1;
        w->msg.store_revision = a->store_revision;
    }
    if (a->stored_at_ms) {
        w->msg.has_stored_at_ms = 1;
        w->msg.stored_at_ms = a->stored_at_ms;
    }
    if (n) {
        w->issues = calloc(n, sizeof *w->issues);
        w->error_ptrs = calloc(n, sizeof *w->error_ptrs);
        w->warning_ptrs = calloc(n, sizeof *w->warning_ptrs);
        if (!w->issues || !w->error_ptrs || !w->warning_ptrs) return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const diag_t *d = &a->issues.items[i];
        Yuebao__Issue *o = &w->issues[i];
        yuebao__issue__init(o);
        if (d->field[0]) o->field = (char *)d->field;
        if (d->line) {
            o->has_line = 1;
            o->line = d->line;
        }
        o->message = (char *)d->message;
        if (d->severity == DIAG_WARNING)
            w->warning_ptrs[nw++] = o;
        else
            w->error_ptrs[ne++] = o;
    }
    w->msg.n_errors = ne;
    w->msg.errors = w->error_ptrs;
    w->msg.n_warnings = nw;
    w->msg.warnings = w->warning_ptrs;
    return 0;
}

/* The wire rows of one ranking chunk, owned while the Ranking message points at them. */
typedef struct {
    Yuebao__Ranking msg;
    Yuebao__RankingRow *rows;
    Yuebao__RankingRow **row_ptrs;
    char **dim_names;
} wire_ranking_t;

static void wire_ranking_free(wire_ranking_t *w) {
    free(w->rows);
    free(w->row_ptrs);
    free(w->dim_names);
}

/* Fills w->msg with r's rows (a chunk: first and total describe its place). */
static int ranking_to_wire(const ranking_t *r, uint32_t first, uint32_t total, wire_ranking_t *w) {
    Yuebao__Ranking init = YUEBAO__RANKING__INIT;
    size_t n = r->n_rows;
    memset(w, 0, sizeof *w);
    w->msg = init;
    if (r->n_dims > RANKING_MAX_DIMS) return -1;
    w->msg.period = (char *)r->period;
    w->msg.method = (char *)r->method;
    w->msg.has_computed_at_ms = 1;
    w->msg.computed_at_ms = r->computed_at_ms;
    w->msg.has_first_row = 1;
    w->msg.first_row = first;
    w->msg.has_total_rows = 1;
    w->msg.total_rows = total;
    w->dim_names = calloc(r->n_dims + 1, sizeof *w->dim_names);
    w->rows = calloc(n + 1, sizeof *w->rows);
    w->row_ptrs = calloc(n + 1, sizeof *w->row_ptrs);
    if (!w->dim_names || !w->rows || !w->row_ptrs) return -1;
    for (size_t i = 0; i < r->n_dims; i++)
        w->dim_names[i] = (char *)r->dims[i];
    w->msg.n_dims = r->n_dims;
    w->msg.dims = w->dim_names;
    for (size_t i = 0; i < n; i++) {
        const ranking_row_t *row = &r->rows[i];
        Yuebao__RankingRow *o = &w->rows[i];
        yuebao__ranking_row__init(o);
        o->zone = (char *)row->zone;
        o->county = (char *)row->county;
        o->has_rank = 1;
        o->rank = (uint32_t)row->rank;
        if (row->prev_rank > 0) {
            o->has_prev_rank = 1;
            o->prev_rank = (uint32_t)row->prev_rank;
        }
        o->has_total = 1;
        o->total = row->total;
        o->n_dims = r->n_dims;
        o->dims = (double *)row->dims;
        if (row->star != RANKING_STAR_NONE) {
            o->has_star = 1;
            o->star = row->star;
            o->has_star_year = 1;
            o->star_year = (uint32_t)row->star_year;
            o->has_promoted = 1;
            o->promoted = row->promoted;
        }
        if (row->missing[0]) o->missing = (char *)row->missing;
        w->row_ptrs[i] = o;
    }
    w->msg.n_rows = n;
    w->msg.rows = w->row_ptrs;
    return 0;
}

/* NAN means "does not apply"; an infinity (a target of 0 somewhere upstream) carries no
 * figure either, and the decoder refuses non-finite figures. */
static void put_double(protobuf_c_boolean *has, double *dst, double v) {
    if (!isfinite(v)) return;
    *has = 1;
    *dst = v;
}

static void alert_to_wire(const alert_t *a, Yuebao__Alert *o) {
    yuebao__alert__init(o);
    o->kind = (char *)alert_kind_name(a->kind);
    o->has_severity = 1;
    o->severity = (Yuebao__Severity)a->severity;
    o->has_previous = 1;
    o->previous = (Yuebao__Severity)a->previous;
    o->has_transition = 1;
    o->transition = (Yuebao__Transition)a->transition;
    o->zone = (char *)a->zone;
    o->county = (char *)a->county;
    if (a->indicator[0]) o->indicator = (char *)a->indicator;
    o->has_year = 1;
    o->year = (uint32_t)a->year;
    o->period = (char *)a->period;
    put_double(&o->has_value, &o->value, a->value);
    put_double(&o->has_target, &o->target, a->target);
    put_double(&o->has_expected, &o->expected, a->expected);
    put_double(&o->has_gap, &o->gap, a->gap);
    if (a->deadline_ms) {
        o->has_deadline_ms = 1;
        o->deadline_ms = a->deadline_ms;
    }
    if (a->since_ms) {
        o->has_since_ms = 1;
        o->since_ms = a->since_ms;
    }
    if (a->at_ms) {
        o->has_at_ms = 1;
        o->at_ms = a->at_ms;
    }
    o->message = (char *)a->message;
}

/* The wire form of a Totals: rows point into t and into the arrays held here. */
typedef struct {
    Yuebao__Totals msg;
    Yuebao__IndicatorTotal *rows;
    Yuebao__IndicatorTotal **row_ptrs;
} wire_totals_t;

static int totals_to_wire(const scope_totals_t *t, wire_totals_t *w) {
    memset(w, 0, sizeof *w);
    yuebao__totals__init(&w->msg);
    if (t->n_rows > TOTALS_MAX_ROWS) return -1;
    w->msg.period = (char *)t->period;
    w->msg.scope = (char *)t->scope;
    w->msg.has_expected = w->msg.has_reported = w->msg.has_on_time = 1;
    w->msg.expected = t->expected;
    w->msg.reported = t->reported;
    w->msg.on_time = t->on_time;
    if (t->updated_at_ms) {
        w->msg.has_updated_at_ms = 1;
        w->msg.updated_at_ms = t->updated_at_ms;
    }
    if (t->n_rows == 0) return 0;
    w->rows = calloc(t->n_rows, sizeof *w->rows);
    w->row_ptrs = calloc(t->n_rows, sizeof *w->row_ptrs);
    if (!w->rows || !w->row_ptrs) return -1;
    for (size_t i = 0; i < t->n_rows; i++) {
        const indicator_total_t *r = &t->rows[i];
        Yuebao__IndicatorTotal *o = &w->rows[i];
        yuebao__indicator_total__init(o);
        o->indicator = (char *)r->indicator;
        o->has_n = o->has_n_growth = 1;
        o->n = r->n;
        o->n_growth = r->n_growth;
        put_double(&o->has_sum, &o->sum, r->sum);
        if (r->has_growth) put_double(&o->has_growth_pct, &o->growth_pct, r->growth_pct);
        put_double(&o->has_min, &o->min, r->min);
        put_double(&o->has_max, &o->max, r->max);
        w->row_ptrs[i] = o;
    }
    w->msg.n_indicators = t->n_rows;
    w->msg.indicators = w->row_ptrs;
    return 0;
}

static void wire_totals_free(wire_totals_t *w) {
    free(w->rows);
    free(w->row_ptrs);
}

int codec_encode(const msg_t *m, uint8_t **buf, size_t *len) {
    Yuebao__Envelope env = YUEBAO__ENVELOPE__INIT;
    Yuebao__ReportAccepted acc = YUEBAO__REPORT_ACCEPTED__INIT;
    Yuebao__Heartbeat hb = YUEBAO__HEARTBEAT__INIT;
    Yuebao__Alert al;
    Yuebao__SnapshotRequest sreq = YUEBAO__SNAPSHOT_REQUEST__INIT;
    Yuebao__SnapshotEnd send = YUEBAO__SNAPSHOT_END__INIT;
    Yuebao__ReportRejected rej = YUEBAO__REPORT_REJECTED__INIT;
    Yuebao__ReconcileRequest rreq = YUEBAO__RECONCILE_REQUEST__INIT;
    Yuebao__Reconcile rec = YUEBAO__RECONCILE__INIT;
    Yuebao__StoredRevision *sr = NULL, **sr_ptrs = NULL;
    wire_totals_t wt;
    wire_ranking_t wk;
    wire_report_t wr;
    wire_ack_t wa;
    uint8_t *out;
    size_t n;
    int rc = -1;

    memset(&wr, 0, sizeof wr);
    memset(&wa, 0, sizeof wa);
    memset(&wk, 0, sizeof wk);
    memset(&wt, 0, sizeof wt);
    *buf = NULL;
    *len = 0;
    env.has_schema_version = 1;
    env.schema_version = SCHEMA_VERSION;
    env.has_message_id = 1;
    env.message_id.len = MSG_ID_LEN;
    env.message_id.data = (uint8_t *)m->id;
    if (m->sequence) {
        env.has_sequence = 1;
        env.sequence = m->sequence;
    }
    if (m->has_reply_to) {
        env.has_in_reply_to = 1;
        env.in_reply_to.len = MSG_ID_LEN;
        env.in_reply_to.data = (uint8_t *)m->in_reply_to;
    }

    switch (m->kind) {
    case MSG_REPORT:
        if (report_to_wire(&m->report, false, &wr) < 0) goto out;
        env.body_case = YUEBAO__ENVELOPE__BODY_REPORT;
        env.report = &wr.msg;
        break;
    case MSG_ACK:
        if (ack_to_wire(&m->ack, &wa) < 0) goto out;
        env.body_case = YUEBAO__ENVELOPE__BODY_ACK;
        env.ack = &wa.msg;
        break;
    case MSG_REPORT_ACCEPTED:
        acc.county = (char *)m->accepted.county;
        acc.zone = (char *)m->accepted.zone;
        acc.period = (char *)m->accepted.period;
        acc.has_revision = 1;
        acc.revision = m->accepted.revision;
        acc.has_stored_at_ms = 1;
        acc.stored_at_ms = m->accepted.stored_at_ms;
        acc.has_n_values = 1;
        acc.n_values = m->accepted.n_values;
        env.body_case = YUEBAO__ENVELOPE__BODY_REPORT_ACCEPTED;
        env.report_accepted = &acc;
        break;
    case MSG_HEARTBEAT:
        hb.has_now_ms = 1;
        hb.now_ms = m->hb_now_ms;
        env.body_case = YUEBAO__ENVELOPE__BODY_HEARTBEAT;
        env.heartbeat = &hb;
        break;
    case MSG_RANKING:
        if (ranking_to_wire(&m->ranking, m->ranking_first, m->ranking_total, &wk) < 0) goto out;
        env.body_case = YUEBAO__ENVELOPE__BODY_RANKING;
        env.ranking = &wk.msg;
        break;
    case MSG_ALERT:
        alert_to_wire(&m->alert, &al);
        env.body_case = YUEBAO__ENVELOPE__BODY_ALERT;
        env.alert = &al;
        break;
    case MSG_SNAPSHOT_REQUEST:
        if (m->snap_req.prefix[0]) sreq.prefix = (char *)m->snap_req.prefix;
        if (m->snap_req.period[0]) sreq.period = (char *)m->snap_req.period;
        if (m->snap_req.no_ranking) {
            sreq.has_no_ranking = 1;
            sreq.no_ranking = 1;
        }
        if (m->snap_req.recent) {
            sreq.has_recent = 1;
            sreq.recent = m->snap_req.recent;
        }
        env.body_case = YUEBAO__ENVELOPE__BODY_SNAPSHOT_REQUEST;
        env.snapshot_request = &sreq;
        break;
    case MSG_SNAPSHOT_END:
        send.has_sequence = 1;
        send.sequence = m->snap_end_sequence;
        send.has_n_alerts = 1;
        send.n_alerts = m->snap_end_alerts;
        if (m->snap_end_totals) {
            send.has_n_totals = 1;
            send.n_totals = m->snap_end_totals;
        }
        env.body_case = YUEBAO__ENVELOPE__BODY_SNAPSHOT_END;
        env.snapshot_end = &send;
        break;
    case MSG_TOTALS:
        if (totals_to_wire(&m->totals, &wt) < 0) goto out;
        env.body_case = YUEBAO__ENVELOPE__BODY_TOTALS;
        env.totals = &wt.msg;
        break;
    case MSG_REPORT_REJECTED:
        rej.county = (char *)m->rejected.county;
        rej.zone = (char *)m->rejected.zone;
        rej.period = (char *)m->rejected.period;
        rej.has_revision = 1;
        rej.revision = m->rejected.revision;
        rej.has_received_at_ms = 1;
        rej.received_at_ms = m->rejected.received_at_ms;
        rej.reason = (char *)m->rejected.reason;
        rej.has_n_errors = 1;
        rej.n_errors = m->rejected.n_errors;
        env.body_case = YUEBAO__ENVELOPE__BODY_REPORT_REJECTED;
        env.report_rejected = &rej;
        break;
    case MSG_RECONCILE_REQUEST:
        if (m->reconcile_since[0]) rreq.since_period = (char *)m->reconcile_since;
        env.body_case = YUEBAO__ENVELOPE__BODY_RECONCILE_REQUEST;
        env.reconcile_request = &rreq;
        break;
    case MSG_RECONCILE:
        if (m->n_stored > CODEC_MAX_STORED) goto out;
        if (m->n_stored) {
            sr = calloc(m->n_stored, sizeof *sr);
            sr_ptrs = calloc(m->n_stored, sizeof *sr_ptrs);
            if (!sr || !sr_ptrs) goto out;
        }
        for (size_t i = 0; i < m->n_stored; i++) {
            yuebao__stored_revision__init(&sr[i]);
            sr[i].zone = (char *)m->stored[i].zone;
            sr[i].period = (char *)m->stored[i].period;
            sr[i].has_revision = 1;
            sr[i].revision = m->stored[i].revision;
            sr_ptrs[i] = &sr[i];
        }
        rec.n_stored = m->n_stored;
        rec.stored = sr_ptrs;
        rec.has_complete = 1;
        rec.complete = m->stored_complete;
        env.body_case = YUEBAO__ENVELOPE__BODY_RECONCILE;
        env.reconcile = &rec;
        break;
    default: goto out;
    }

    n = yuebao__envelope__get_packed_size(&env);
    if (n > CODEC_MAX_MSG_BYTES) goto out;
    if (!(out = malloc(n))) goto out;
    yuebao__envelope__pack(&env, out);
    *buf = out;
    *len = n;
    rc = 0;
out:
    free(sr);
    free(sr_ptrs);
    wire_report_free(&wr);
    wire_ack_free(&wa);
    wire_ranking_free(&wk);
    wire_totals_free(&wt);
    return rc;
}

int codec_report_content(const report_t *r, uint8_t **buf, size_t *len) {
    wire_report_t w;
    uint8_t *out = NULL;
    size_t n;
    int rc = -1;
    *buf = NULL;
    *len = 0;
    if (report_to_wire(r, true, &w) < 0) goto out;
    n = yuebao__report__get_packed_size(&w.msg);
    if (!(out = malloc(n ? n : 1))) goto out; /* an empty report packs to 0 bytes */
    yuebao__report__pack(&w.msg, out);
    *buf = out;
    *len = n;
    rc = 0;
out:
    wire_report_free(&w);
    return rc;
}

/* ---- decoding ------------------------------------------------------------------- */

/* protobuf-c's allocator with a byte budget: each block carries its size in front so
 * frees give the budget back, and a request past the budget fails the whole unpack. */
typedef struct {
    size_t used, budget;
    bool refused, oom;
} budget_t;

typedef union {
    size_t size;
    max_align_t align;
} block_head_t;

static void *budget_alloc(void *data, size_t size) {
    budget_t *b = data;
    block_head_t *h;
    size_t need = sizeof *h + size;
    if (size > b->budget || need > b->budget - b->used) {
        b->refused = true;
        return NULL;
    }
    if (!(h = malloc(need))) {
        b->oom = true;
        return NULL;
    }
    h->size = need;
    b->used += need;
    return h + 1;
}

static void budget_free(void *data, void *p) {
    budget_t *b = data;
    block_head_t *h;
    if (!p) return;
    h = (block_head_t *)p - 1;
    b->used -= h->size;
    free(h);
}

static void fail(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errsz, const char *fmt, ...) {
    va_list ap;
    if (!err || !errsz) return;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

/* Copies wire string s (NULL = absent = "") into dst[size]: it must be UTF-8 and fit
 * with its NUL. what names the field for the message. */
static int take_str(char *dst, size_t size, const char *s, const char *what, char *err, size_t errsz) {
    size_t n = s ? strlen(s) : 0;
    if (n >= size) {
        fail(err, errsz, "%s: %zu bytes, longer than %zu", what, n, size - 1);
        return -1;
    }
    if (!utf8_valid(s ? s : "", n)) {
        fail(err, errsz, "%s: not valid UTF-8", what);
        return -1;
    }
    memcpy(dst, s ? s : "", n);
    dst[n] = '\0';
    return 0;
}

/* problems / next_steps: absent stays NULL; at most REPORT_MAX_TEXT bytes of UTF-8. */
static int take_text(char **slot, const char *s, const char *what, char *err, size_t errsz) {
    size_t n;
    if (!s) return 0;
    n = strlen(s);
    if (n > REPORT_MAX_TEXT) {
        fail(err, errsz, "%s: %zu bytes, more than %d", what, n, REPORT_MAX_TEXT);
        return -1;
    }
    if (!utf8_valid(s, n)) {
        fail(err, errsz, "%s: not valid UTF-8", what);
        return -1;
    }
    if (report_set_text(slot, s) < 0) {
        fail(err, errsz, "out of memory");
        return -1;
    }
    return 0;
}

/* A timestamp (absent = 0): within ±CODEC_MAX_TIME_MS, so formatting it as a date
 * cannot overflow. */
static int take_ms(int64_t *dst, protobuf_c_boolean has, int64_t v, const char *what, char *err,
                   size_t errsz) {
    if (has && (v > CODEC_MAX_TIME_MS || v < -CODEC_MAX_TIME_MS)) {
        fail(err, errsz, "%s: %lld is not a time (beyond year 9999)", what, (long long)v);
        return -1;
    }
    *dst = has ? v : 0;
    return 0;
}

/* An optional figure (absent = NAN, as the domain has it): finite when present; the
 * encoder never sends NaN or infinity. */
static int take_figure(double *dst, protobuf_c_boolean has, double v, const char *what, char *err,
                       size_t errsz) {
    if (has && !isfinite(v)) {
        fail(err, errsz, "%s: %s is not a finite number", what, isnan(v) ? "NaN" : "infinity");
        return -1;
    }
    *dst = has ? v : NAN;
    return 0;
}

/* " (line N)" when the row carries its source line, for messages about row i. */
static void row_name(char *out, size_t size, const char *kind, size_t i, bool has_line, uint32_t line) {
    if (has_line)
        snprintf(out, size, "%s %zu (line %u)", kind, i + 1, (unsigned)line);
    else
        snprintf(out, size, "%s %zu", kind, i + 1);
}

/* take_str for a field of row i; the row's label is built only when there is an error
 * to report (this runs for every value of every report). */
static int take_row_str(char *dst, size_t size, const char *s, const char *kind, size_t i, bool has_line,
                        uint32_t line, const char *field, char *err, size_t errsz) {
    char row[48], what[96];
    size_t n = s ? strlen(s) : 0;
    if (n < size && utf8_valid(s ? s : "", n)) {
        memcpy(dst, s ? s : "", n);
        dst[n] = '\0';
        return 0;
    }
    row_name(row, sizeof row, kind, i, has_line, line);
    snprintf(what, sizeof what, "%s %s", row, field);
    return take_str(dst, size, s, what, err, errsz);
}

static int report_from_wire(const Yuebao__Report *w, report_t *r, char *err, size_t errsz) {
    char row[48];
    if (w->n_values > REPORT_MAX_VALUES) {
        fail(err, errsz, "report: %zu values, more than %d", w->n_values, REPORT_MAX_VALUES);
        return -1;
    }
    if (w->n_projects > REPORT_MAX_PROJECTS) {
        fail(err, errsz, "report: %zu projects, more than %d", w->n_projects, REPORT_MAX_PROJECTS);
        return -1;
    }
    if (take_str(r->zone, sizeof r->zone, w->zone, "report zone", err, errsz) < 0 ||
        take_str(r->period, sizeof r->period, w->period, "report period", err, errsz) < 0 ||
        take_str(r->source, sizeof r->source, w->source, "report source", err, errsz) < 0 ||
        take_text(&r->problems, w->problems, "report problems", err, errsz) < 0 ||
        take_text(&r->next_steps, w->next_steps, "report next_steps", err, errsz) < 0)
        return -1;
    r->revision = w->has_revision ? w->revision : 0;

    for (size_t i = 0; i < w->n_values; i++) {
        const Yuebao__Value *wv = w->values[i];
        report_value_t v;
        char note[REPORT_MAX_NOTE];
        memset(&v, 0, sizeof v);
        if (!wv->has_amount) {
            row_name(row, sizeof row, "value", i, wv->has_line, wv->line);
            fail(err, errsz, "%s: no amount", row);
            return -1;
        }
        if (take_row_str(v.indicator, sizeof v.indicator, wv->indicator, "value", i, wv->has_line, wv->line,
                         "indicator", err, errsz) < 0 ||
            take_row_str(note, sizeof note, wv->note, "value", i, wv->has_line, wv->line, "note", err, errsz) <
                0)
            return -1;
        v.note = note; /* borrowed: report_add_value copies it */
        v.amount = wv->amount;
        v.has_growth = wv->has_growth_pct;
        v.growth_pct = wv->has_growth_pct ? wv->growth_pct : 0;
        v.line = wv->has_line ? wv->line : 0;
        if (!report_add_value(r, &v)) {
            fail(err, errsz, "out of memory");
            return -1;
        }
    }

    for (size_t i = 0; i < w->n_projects; i++) {
        const Yuebao__Project *wp = w->projects[i];
        report_project_t p;
        memset(&p, 0, sizeof p);
        if (take_row_str(p.code, sizeof p.code, wp->code, "project", i, wp->has_line, wp->line, "code", err,
                         errsz) < 0 ||
            take_row_str(p.name, sizeof p.name, wp->name, "project", i, wp->has_line, wp->line, "name", err,
                         errsz) < 0 ||
            take_row_str(p.status, sizeof p.status, wp->status, "project", i, wp->has_line, wp->line,
                         "status", err, errsz) < 0)
            return -1;
        p.has_total = wp->has_total_investment;
        p.total_investment = wp->has_total_investment ? wp->total_investment : 0;
        p.has_ytd = wp->has_ytd_investment;
        p.ytd_investment = wp->has_ytd_investment ? wp->ytd_investment : 0;
        p.line = wp->has_line ? wp->line : 0;
        if (!report_add_project(r, &p)) {
            fail(err, errsz, "out of memory");
            return -1;
        }
    }
    return 0;
}

static int issues_from_wire(Yuebao__Issue *const *items, size_t n, diag_severity_t sev, const char *kind,
                            diag_list_t *dl, char *err, size_t errsz) {
    char field[sizeof((diag_t *)0)->field], message[sizeof((diag_t *)0)->message];
    char what[48];
    for (size_t i = 0; i < n; i++) {
        const Yuebao__Issue *w = items[i];
        snprintf(what, sizeof what, "ack %s %zu field", kind, i + 1);
        if (take_str(field, sizeof field, w->field, what, err, errsz) < 0) return -1;
        snprintf(what, sizeof what, "ack %s %zu message", kind, i + 1);
        if (take_str(message, sizeof message, w->message, what, err, errsz) < 0) return -1;
        diag_add(dl, sev, NULL, w->has_line ? w->line : 0, field, "%s", message);
    }
    return 0;
}

static int ack_from_wire(const Yuebao__Ack *w, ack_t *a, char *err, size_t errsz) {
    if (w->n_errors > CODEC_MAX_ISSUES || w->n_warnings > CODEC_MAX_ISSUES - w->n_errors) {
        fail(err, errsz, "ack: %zu errors and %zu warnings, more than %d", w->n_errors, w->n_warnings,
             CODEC_MAX_ISSUES);
        return -1;
    }
    if (take_str(a->zone, sizeof a->zone, w->zone, "ack zone", err, errsz) < 0 ||
        take_str(a->period, sizeof a->period, w->period, "ack period", err, errsz) < 0)
        return -1;
    a->revision = w->has_revision ? w->revision : 0;
    /* absent or from a newer schema: the caller already handles ACK_UNKNOWN */
    a->status = ACK_UNKNOWN;
    if (w->has_status && w->status >= YUEBAO__ACK_STATUS__ACCEPTED &&
        w->status <= YUEBAO__ACK_STATUS__RETRY)
        a->status = (ack_status_t)w->status;
    a->store_revision = w->has_store_revision ? w->store_revision : 0;
    if (take_ms(&a->stored_at_ms, w->has_stored_at_ms, w->stored_at_ms, "ack stored_at_ms", err, errsz) < 0)
        return -1;
    a->issues.max_items = CODEC_MAX_ISSUES; /* keep all we accepted, not diag's 200 */
    if (issues_from_wire(w->errors, w->n_errors, DIAG_ERROR, "error", &a->issues, err, errsz) < 0 ||
        issues_from_wire(w->warnings, w->n_warnings, DIAG_WARNING, "warning", &a->issues, err, errsz) < 0)
        return -1;
    if (a->issues.n != w->n_errors + w->n_warnings) {
        fail(err, errsz, "out of memory");
        return -1;
    }
    return 0;
}

static int accepted_from_wire(const Yuebao__ReportAccepted *w, event_accepted_t *e, char *err, size_t errsz) {
    if (take_str(e->county, sizeof e->county, w->county, "report_accepted county", err, errsz) < 0 ||
        take_str(e->zone, sizeof e->zone, w->zone, "report_accepted zone", err, errsz) < 0 ||
        take_str(e->period, sizeof e->period, w->period, "report_accepted period", err, errsz) < 0)
        return -1;
    e->revision = w->has_revision ? w->revision : 0;
    if (take_ms(&e->stored_at_ms, w->has_stored_at_ms, w->stored_at_ms, "report_accepted stored_at_ms", err,
                errsz) < 0)
        return -1;
    e->n_values = w->has_n_values ? w->n_values : 0;
    return 0;
}

static int rejected_from_wire(const Yuebao__ReportRejected *w, event_rejected_t *e, char *err, size_t errsz) {
    if (take_str(e->county, sizeof e->county, w->county, "report_rejected county", err, errsz) < 0 ||
        take_str(e->zone, sizeof e->zone, w->zone, "report_rejected zone", err, errsz) < 0 ||
        take_str(e->period, sizeof e->period, w->period, "report_rejected period", err, errsz) < 0 ||
        take_str(e->reason, sizeof e->reason, w->reason, "report_rejected reason", err, errsz) < 0)
        return -1;
    e->revision = w->has_revision ? w->revision : 0;
    e->n_errors = w->has_n_errors ? w->n_errors : 0;
    return take_ms(&e->received_at_ms, w->has_received_at_ms, w->received_at_ms,
                   "report_rejected received_at_ms", err, errsz);
}

/* A count or sum is a figure too: absent reads as 0, never as NAN. */
static int take_total(double *dst, protobuf_c_boolean has, double v, const char *what, char *err,
                      size_t errsz) {
    if (take_figure(dst, has, v, what, err, errsz) < 0) return -1;
    if (!has) *dst = 0;
    return 0;
}

static int totals_from_wire(const Yuebao__Totals *w, scope_totals_t *t, char *err, size_t errsz) {
    if (take_str(t->period, sizeof t->period, w->period, "totals period", err, errsz) < 0 ||
        take_str(t->scope, sizeof t->scope, w->scope, "totals scope", err, errsz) < 0)
        return -1;
    if (w->n_indicators > TOTALS_MAX_ROWS) {
        fail(err, errsz, "totals: %zu indicators, more than %d", w->n_indicators, TOTALS_MAX_ROWS);
        return -1;
    }
    t->expected = w->has_expected ? w->expected : 0;
    t->reported = w->has_reported ? w->reported : 0;
    t->on_time = w->has_on_time ? w->on_time : 0;
    if (t->reported > t->expected || t->on_time > t->reported) {
        fail(err, errsz, "totals: %u on time of %u reported of %u expected does not add up", t->on_time,
             t->reported, t->expected);
        return -1;
    }
    if (take_ms(&t->updated_at_ms, w->has_updated_at_ms, w->updated_at_ms, "totals updated_at_ms", err,
                errsz) < 0)
        return -1;
    if (w->n_indicators == 0) return 0;
    if (!(t->rows = calloc(w->n_indicators, sizeof *t->rows))) {
        fail(err, errsz, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < w->n_indicators; i++) {
        const Yuebao__IndicatorTotal *wr = w->indicators[i];
        indicator_total_t *r = &t->rows[t->n_rows++];
        char what[64];
        snprintf(what, sizeof what, "totals indicator %zu", i + 1);
        if (take_str(r->indicator, sizeof r->indicator, wr->indicator, what, err, errsz) < 0 ||
            take_total(&r->sum, wr->has_sum, wr->sum, what, err, errsz) < 0 ||
            take_total(&r->min, wr->has_min, wr->min, what, err, errsz) < 0 ||
            take_total(&r->max, wr->has_max, wr->max, what, err, errsz) < 0 ||
            take_figure(&r->growth_pct, wr->has_growth_pct, wr->growth_pct, what, err, errsz) < 0)
            return -1;
        r->has_growth = wr->has_growth_pct;
        if (!r->has_growth) r->growth_pct = 0;
        r->n = wr->has_n ? wr->n : 0;
        r->n_growth = wr->has_n_growth ? wr->n_growth : 0;
    }
    return 0;
}

static int ranking_from_wire(const Yuebao__Ranking *w, msg_t *m, char *err, size_t errsz) {
    ranking_t *r = &m->ranking;
    if (w->n_dims > RANKING_MAX_DIMS) {
        fail(err, errsz, "ranking: %zu dimensions, more than %d", w->n_dims, RANKING_MAX_DIMS);
        return -1;
    }
    if (w->n_rows > CODEC_RANKING_CHUNK) {
        fail(err, errsz, "ranking: %zu rows in one message, more than %d", w->n_rows, CODEC_RANKING_CHUNK);
        return -1;
    }
    if (take_str(r->period, sizeof r->period, w->period, "ranking period", err, errsz) < 0 ||
        take_str(r->method, sizeof r->method, w->method, "ranking method", err, errsz) < 0)
        return -1;
    if (take_ms(&r->computed_at_ms, w->has_computed_at_ms, w->computed_at_ms, "ranking computed_at_ms", err,
                errsz) < 0)
        return -1;
    m->ranking_first = w->has_first_row ? w->first_row : 0;
    m->ranking_total = w->has_total_rows ? w->total_rows : (uint32_t)w->n_rows;
    if (m->ranking_total > RANKING_MAX_ROWS || m->ranking_first > m->ranking_total ||
        w->n_rows > m->ranking_total - m->ranking_first) {
        fail(err, errsz, "ranking: rows %u.. of %u do not fit %zu rows", (unsigned)m->ranking_first,
             (unsigned)m->ranking_total, w->n_rows);
        return -1;
    }
    r->n_dims = w->n_dims;
    for (size_t i = 0; i < w->n_dims; i++)
        if (take_str(r->dims[i], sizeof r->dims[i], w->dims[i], "ranking dimension", err, errsz) < 0)
            return -1;
    for (size_t i = 0; i < w->n_rows; i++) {
        const Yuebao__RankingRow *o = w->rows[i];
        ranking_row_t row;
        memset(&row, 0, sizeof row);
        if (o->n_dims != w->n_dims) {
            fail(err, errsz, "ranking row %zu: %zu subtotals for %zu dimensions", i + 1, o->n_dims,
                 w->n_dims);
            return -1;
        }
        if (take_row_str(row.zone, sizeof row.zone, o->zone, "ranking row", i, false, 0, "zone", err, errsz) <
                0 ||
            take_row_str(row.county, sizeof row.county, o->county, "ranking row", i, false, 0, "county", err,
                         errsz) < 0 ||
            take_row_str(row.missing, sizeof row.missing, o->missing, "ranking row", i, false, 0, "missing",
                         err, errsz) < 0)
            return -1;
        if (!o->has_rank || o->rank < 1 || o->rank > RANKING_MAX_ROWS || !o->has_total ||
            !isfinite(o->total) || (o->has_prev_rank && o->prev_rank > RANKING_MAX_ROWS) ||
            (o->has_star && (o->star < -1 || o->star > 1000))) {
            fail(err, errsz, "ranking row %zu: rank, total or star missing or out of range", i + 1);
            return -1;
        }
        row.rank = (int)o->rank;
        row.prev_rank = o->has_prev_rank ? (int)o->prev_rank : 0;
        row.total = o->total;
        for (size_t d = 0; d < o->n_dims; d++) {
            if (!isfinite(o->dims[d])) {
                fail(err, errsz, "ranking row %zu: subtotal %zu is not a finite number", i + 1, d + 1);
                return -1;
            }
            row.dims[d] = o->dims[d];
        }
        row.star = o->has_star ? o->star : RANKING_STAR_NONE;
        row.star_year = o->has_star_year && o->star_year <= 9999 ? (int)o->star_year : 0;
        row.promoted = o->has_promoted && o->promoted;
        if (!ranking_add_row(r, &row)) {
            fail(err, errsz, "out of memory");
            return -1;
        }
    }
    return 0;
}

static int alert_from_wire(const Yuebao__Alert *w, alert_t *a, char *err, size_t errsz) {
    int kind = alert_kind_parse(w->kind);
    if (kind < 0) {
        fail(err, errsz, "alert: unknown kind");
        return -1;
    }
    a->kind = (alert_kind_t)kind;
    if (!w->has_severity || w->severity < 0 || w->severity > YUEBAO__SEVERITY__CRITICAL ||
        (w->has_previous && (w->previous < 0 || w->previous > YUEBAO__SEVERITY__CRITICAL)) ||
        !w->has_transition || w->transition < YUEBAO__TRANSITION__FIRING ||
        w->transition > YUEBAO__TRANSITION__ACTIVE) {
        fail(err, errsz, "alert: severity or transition missing or unknown");
        return -1;
    }
    a->severity = (severity_t)w->severity;
    a->previous = w->has_previous ? (severity_t)w->previous : SEV_NONE;
    a->transition = (transition_t)w->transition;
    if (take_str(a->zone, sizeof a->zone, w->zone, "alert zone", err, errsz) < 0 ||
        take_str(a->county, sizeof a->county, w->county, "alert county", err, errsz) < 0 ||
        take_str(a->indicator, sizeof a->indicator, w->indicator, "alert indicator", err, errsz) < 0 ||
        take_str(a->period, sizeof a->period, w->period, "alert period", err, errsz) < 0 ||
        take_str(a->message, sizeof a->message, w->message, "alert message", err, errsz) < 0)
        return -1;
    a->year = w->has_year && w->year <= 9999 ? (int)w->year : 0;
    if (take_figure(&a->value, w->has_value, w->value, "alert value", err, errsz) < 0 ||
        take_figure(&a->target, w->has_target, w->target, "alert target", err, errsz) < 0 ||
        take_figure(&a->expected, w->has_expected, w->expected, "alert expected", err, errsz) < 0 ||
        take_figure(&a->gap, w->has_gap, w->gap, "alert gap", err, errsz) < 0 ||
        take_ms(&a->deadline_ms, w->has_deadline_ms, w->deadline_ms, "alert deadline_ms", err, errsz) < 0 ||
        take_ms(&a->since_ms, w->has_since_ms, w->since_ms, "alert since_ms", err, errsz) < 0 ||
        take_ms(&a->at_ms, w->has_at_ms, w->at_ms, "alert at_ms", err, errsz) < 0)
        return -1;
    return 0;
}

/* A Reconcile: at most CODEC_MAX_STORED entries, each with a zone, a period and a
 * revision, strings bounded and valid UTF-8. */
static int reconcile_from_wire(const Yuebao__Reconcile *w, msg_t *m, char *err, size_t errsz) {
    if (w->n_stored > CODEC_MAX_STORED) {
        fail(err, errsz, "reconcile: %zu entries, more than %d", w->n_stored, CODEC_MAX_STORED);
        return -1;
    }
    m->stored_complete = w->has_complete && w->complete;
    if (w->n_stored && !(m->stored = calloc(w->n_stored, sizeof *m->stored))) {
        fail(err, errsz, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < w->n_stored; i++) {
        const Yuebao__StoredRevision *e = w->stored[i];
        if (take_str(m->stored[i].zone, sizeof m->stored[i].zone, e->zone, "reconcile zone", err, errsz) < 0 ||
            take_str(m->stored[i].period, sizeof m->stored[i].period, e->period, "reconcile period", err,
                     errsz) < 0)
            return -1;
        if (!e->has_revision || !m->stored[i].zone[0] || !m->stored[i].period[0]) {
            fail(err, errsz, "reconcile entry %zu: zone, period and revision are required", i);
            return -1;
        }
        m->stored[i].revision = e->revision;
        m->n_stored = i + 1;
    }
    return 0;
}

/* Checks the envelope's header (schema version, ids) and fills m's; 0 or -1. */
static int header_from_wire(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    if (!env->has_schema_version) {
        fail(err, errsz, "no schema version");
        return -1;
    }
    if (env->schema_version != SCHEMA_VERSION) {
        fail(err, errsz, "unsupported schema version %u", (unsigned)env->schema_version);
        return -1;
    }
    if (!env->has_message_id) {
        fail(err, errsz, "no message id");
        return -1;
    }
    if (env->message_id.len != MSG_ID_LEN) {
        fail(err, errsz, "message id of %zu bytes, not %d", env->message_id.len, MSG_ID_LEN);
        return -1;
    }
    memcpy(m->id, env->message_id.data, MSG_ID_LEN);
    if (env->has_in_reply_to) {
        if (env->in_reply_to.len != MSG_ID_LEN) {
            fail(err, errsz, "in_reply_to id of %zu bytes, not %d", env->in_reply_to.len, MSG_ID_LEN);
            return -1;
        }
        m->has_reply_to = true;
        memcpy(m->in_reply_to, env->in_reply_to.data, MSG_ID_LEN);
    }
    m->sequence = env->has_sequence ? env->sequence : 0;
    return 0;
}

/* Checks the body and fills m; m is cleared by the caller on failure. */
static int body_from_wire(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    switch (env->body_case) {
    case YUEBAO__ENVELOPE__BODY_REPORT:
        m->kind = MSG_REPORT;
        return report_from_wire(env->report, &m->report, err, errsz);
    case YUEBAO__ENVELOPE__BODY_ACK: m->kind = MSG_ACK; return ack_from_wire(env->ack, &m->ack, err, errsz);
    case YUEBAO__ENVELOPE__BODY_REPORT_ACCEPTED:
        m->kind = MSG_REPORT_ACCEPTED;
        return accepted_from_wire(env->report_accepted, &m->accepted, err, errsz);
    case YUEBAO__ENVELOPE__BODY_HEARTBEAT:
        m->kind = MSG_HEARTBEAT;
        return take_ms(&m->hb_now_ms, env->heartbeat->has_now_ms, env->heartbeat->now_ms, "heartbeat now_ms",
                       err, errsz);
    case YUEBAO__ENVELOPE__BODY_RANKING:
        m->kind = MSG_RANKING;
        return ranking_from_wire(env->ranking, m, err, errsz);
    case YUEBAO__ENVELOPE__BODY_ALERT:
        m->kind = MSG_ALERT;
        return alert_from_wire(env->alert, &m->alert, err, errsz);
    case YUEBAO__ENVELOPE__BODY_SNAPSHOT_REQUEST:
        m->kind = MSG_SNAPSHOT_REQUEST;
        if (take_str(m->snap_req.prefix, sizeof m->snap_req.prefix, env->snapshot_request->prefix,
                     "snapshot prefix", err, errsz) < 0 ||
            take_str(m->snap_req.period, sizeof m->snap_req.period, env->snapshot_request->period,
                     "snapshot period", err, errsz) < 0)
            return -1;
        m->snap_req.no_ranking = env->snapshot_request->has_no_ranking && env->snapshot_request->no_ranking;
        m->snap_req.recent = env->snapshot_request->has_recent ? env->snapshot_request->recent : 0;
        return 0;
    case YUEBAO__ENVELOPE__BODY_SNAPSHOT_END:
        m->kind = MSG_SNAPSHOT_END;
        m->snap_end_sequence = env->snapshot_end->has_sequence ? env->snapshot_end->sequence : 0;
        m->snap_end_alerts = env->snapshot_end->has_n_alerts ? env->snapshot_end->n_alerts : 0;
        m->snap_end_totals = env->snapshot_end->has_n_totals ? env->snapshot_end->n_totals : 0;
        return 0;
    case YUEBAO__ENVELOPE__BODY_TOTALS:
        m->kind = MSG_TOTALS;
        return totals_from_wire(env->totals, &m->totals, err, errsz);
    case YUEBAO__ENVELOPE__BODY_REPORT_REJECTED:
        m->kind = MSG_REPORT_REJECTED;
        return rejected_from_wire(env->report_rejected, &m->rejected, err, errsz);
    case YUEBAO__ENVELOPE__BODY_RECONCILE_REQUEST:
        m->kind = MSG_RECONCILE_REQUEST;
        return take_str(m->reconcile_since, sizeof m->reconcile_since, env->reconcile_request->since_period,
                        "reconcile since_period", err, errsz);
    case YUEBAO__ENVELOPE__BODY_RECONCILE:
        m->kind = MSG_RECONCILE;
        return reconcile_from_wire(env->reconcile, m, err, errsz);
    default: fail(err, errsz, "no body"); return -1;
    }
}

/* One salvaged string: the bytes as sent when the walk saw them (a NUL shown as
 * "\\x00", so the refusal is recorded under what was sent, never under the real key
 * protobuf-c's cut string names), else protobuf-c's string; escaped, cut to fit. */
static void salvage_str(const codec_span_t *raw, const char *cut, char *buf, size_t size) {
    if (raw->seen)
        text_escape_bytes(raw->p, raw->len, buf, size);
    else
        text_escape_controls(cut ? cut : "", buf, size);
}

/* What can be read safely of a refused report, for its answer and the rejections
 * table: zone, period and source from the raw bytes (chk), escaped and cut to fit, the
 * revision unless it is what was wrong. Nothing else (no rows, no texts) is kept. */
static void report_salvage(const Yuebao__Report *w, const codec_check_t *chk, report_t *r) {
    report_clear(r);
    salvage_str(&chk->zone, w->zone, r->zone, sizeof r->zone);
    salvage_str(&chk->period, w->period, r->period, sizeof r->period);
    salvage_str(&chk->source, w->source, r->source, sizeof r->source);
    r->revision = strcmp(chk->path, "report.revision") != 0 && w->has_revision ? w->revision : 0;
}

int codec_decode(const void *buf, size_t len, msg_t *out, char *err, size_t errsz) {
    budget_t b = {0};
    ProtobufCAllocator a = {.alloc = budget_alloc, .free = budget_free, .allocator_data = &b};
    Yuebao__Envelope *env;
    codec_check_t chk = {0};
    bool header_ok;
    int rc;

    memset(out, 0, sizeof *out);
    if (err && errsz) err[0] = '\0';
    if (len == 0 || !buf) {
        fail(err, errsz, "empty message");
        return -1;
    }
    if (len > CODEC_MAX_MSG_BYTES) {
        fail(err, errsz, "message of %zu bytes, larger than the limit of %u", len, CODEC_MAX_MSG_BYTES);
        return -1;
    }
    b.budget = 8 * len + BUDGET_SLACK_BYTES;
    env = yuebao__envelope__unpack(&a, len, buf);
    if (!env) {
        if (b.oom)
            fail(err, errsz, "out of memory");
        else if (b.refused)
            fail(err, errsz, "message of %zu bytes needs more than %zu bytes of memory to parse", len,
                 b.budget);
        else
            fail(err, errsz, "not a protobuf Envelope (%zu bytes)", len);
        return -1;
    }
    header_ok = header_from_wire(env, out, err, errsz) == 0;
    rc = header_ok ? 0 : -1;
    if (rc == 0 && codec_check_raw(&yuebao__envelope__descriptor, buf, len, &chk, err, errsz) < 0)
        rc = -1; /* a NUL in a string, a uint32 past 32 bits: err names the field */
    else if (rc == 0)
        rc = body_from_wire(env, out, err, errsz);
    /* An envelope read whole whose report cannot be taken is answered, not dropped: the
     * sender would resend it for ever. A fault in the header is not (nothing to reply to,
     * or a schema version that wrapped). */
    if (rc < 0 && header_ok && env->body_case == YUEBAO__ENVELOPE__BODY_REPORT &&
        chk.top_field != 1 /* schema_version */) {
        /* header_ok: the walk ran, chk holds the zone, period and source as sent */
        report_salvage(env->report, &chk, &out->report);
        out->kind = MSG_REPORT;
        rc = CODEC_REFUSED;
    }
    yuebao__envelope__free_unpacked(env, &a);
    if (rc == -1) msg_clear(out);
    return rc;
}

void msg_clear(msg_t *m) {
    if (!m) return;
    free(m->stored);
    report_clear(&m->report);
    diag_clear(&m->ack.issues);
    ranking_clear(&m->ranking);
    scope_totals_clear(&m->totals);
    memset(m, 0, sizeof *m);
}

/* ---- ids and names -------------------------------------------------------------- */

static int read_urandom(uint8_t *p, size_t n) {
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    if (fd < 0) return -1;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fd);
    return got == n ? 0 : -1;
}

void codec_new_id(uint8_t id[MSG_ID_LEN]) {
    size_t got = 0;
    while (got < MSG_ID_LEN) {
        ssize_t k = getrandom(id + got, MSG_ID_LEN - got, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    if (got == MSG_ID_LEN || read_urandom(id, MSG_ID_LEN) == 0) return;
    /* Neither source works (a broken sandbox): ids must still differ, so fall back to
     * time, pid and a counter — unique, though not unpredictable. */
    {
        static uint32_t counter;
        struct timespec ts;
        uint64_t t;
        uint32_t pid = (uint32_t)getpid(), c = ++counter;
        clock_gettime(CLOCK_REALTIME, &ts);
        t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        memcpy(id, &t, 8);
        memcpy(id + 8, &pid, 4);
        memcpy(id + 12, &c, 4);
    }
}

void codec_id_hex(const uint8_t id[MSG_ID_LEN], char out[2 * MSG_ID_LEN + 1]) {
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < MSG_ID_LEN; i++) {
        out[2 * i] = hex[id[i] >> 4];
        out[2 * i + 1] = hex[id[i] & 0x0f];
    }
    out[2 * MSG_ID_LEN] = '\0';
}

const char *ack_status_name(ack_status_t s) {
    switch (s) {
    case ACK_ACCEPTED: return "ACCEPTED";
    case ACK_DUPLICATE: return "DUPLICATE";
    case ACK_STALE: return "STALE";
    case ACK_REJECTED: return "REJECTED";
    case ACK_RETRY: return "RETRY";
    default: return "UNKNOWN";
    }
}
