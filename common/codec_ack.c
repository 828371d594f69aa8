/* codec_ack.c - the Ack message: the aggregator's answer to one report, sent only after
 * COMMIT, with the store's revision and the findings (errors, then warnings).
 *
 * The findings are capped at CODEC_MAX_ISSUES together; a status from a newer schema
 * reads as ACK_UNKNOWN, which the collector already handles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"
#include "i18n.h"

/* Kept findings only (dropped ones have no place on the wire); errors and warnings
 * share one array of issues. */
int codec_ack_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    const ack_t *a = &m->ack;
    Yuebao__Ack *msg = codec_scratch_alloc(s, 1, sizeof *msg);
    Yuebao__Issue *issues = NULL, **error_ptrs = NULL, **warning_ptrs = NULL;
    size_t n = a->issues.n, ne = 0, nw = 0;
    if (!msg) return -1;
    yuebao__ack__init(msg);
    msg->zone = (char *)a->zone;
    msg->period = (char *)a->period;
    msg->has_revision = 1;
    msg->revision = a->revision;
    msg->has_status = 1;
    msg->status = (Yuebao__AckStatus)a->status;
    if (a->store_revision) {
        msg->has_store_revision = 1;
        msg->store_revision = a->store_revision;
    }
    if (a->stored_at_ms) {
        msg->has_stored_at_ms = 1;
        msg->stored_at_ms = a->stored_at_ms;
    }
    if (n) {
        issues = codec_scratch_alloc(s, n, sizeof *issues);
        error_ptrs = codec_scratch_alloc(s, n, sizeof *error_ptrs);
        warning_ptrs = codec_scratch_alloc(s, n, sizeof *warning_ptrs);
        if (!issues || !error_ptrs || !warning_ptrs) return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const diag_t *d = &a->issues.items[i];
        Yuebao__Issue *o = &issues[i];
        yuebao__issue__init(o);
        if (d->field[0]) o->field = (char *)d->field;
        if (d->line) {
            o->has_line = 1;
            o->line = d->line;
        }
        o->message = (char *)d->message;
        if (d->severity == DIAG_WARNING)
            warning_ptrs[nw++] = o;
        else
            error_ptrs[ne++] = o;
    }
    msg->n_errors = ne;
    msg->errors = error_ptrs;
    msg->n_warnings = nw;
    msg->warnings = warning_ptrs;
    env->ack = msg;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------- */

static int issues_from_wire(Yuebao__Issue *const *items, size_t n, diag_severity_t sev, const char *kind,
                            diag_list_t *dl, char *err, size_t errsz) {
    char field[sizeof((diag_t *)0)->field], message[sizeof((diag_t *)0)->message];
    char what[48];
    for (size_t i = 0; i < n; i++) {
        const Yuebao__Issue *w = items[i];
        snprintf(what, sizeof what, "ack %s %zu field", kind, i + 1);
        if (codec_take_str(field, sizeof field, w->field, what, err, errsz) < 0) return -1;
        snprintf(what, sizeof what, "ack %s %zu message", kind, i + 1);
        if (codec_take_str(message, sizeof message, w->message, what, err, errsz) < 0) return -1;
        diag_add(dl, sev, NULL, w->has_line ? w->line : 0, field, "%s", message);
    }
    return 0;
}

int codec_ack_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__Ack *w = env->ack;
    ack_t *a = &m->ack;
    if (w->n_errors > CODEC_MAX_ISSUES || w->n_warnings > CODEC_MAX_ISSUES - w->n_errors) {
        codec_fail(err, errsz, _("ack: %zu errors and %zu warnings, more than %d"), w->n_errors, w->n_warnings,
                   CODEC_MAX_ISSUES);
        return -1;
    }
    if (codec_take_str(a->zone, sizeof a->zone, w->zone, "ack zone", err, errsz) < 0 ||
        codec_take_str(a->period, sizeof a->period, w->period, "ack period", err, errsz) < 0)
        return -1;
    a->revision = w->has_revision ? w->revision : 0;
    /* absent or from a newer schema: the caller already handles ACK_UNKNOWN */
    a->status = ACK_UNKNOWN;
    if (w->has_status && w->status >= YUEBAO__ACK_STATUS__ACCEPTED && w->status <= YUEBAO__ACK_STATUS__RETRY)
        a->status = (ack_status_t)w->status;
    a->store_revision = w->has_store_revision ? w->store_revision : 0;
    if (codec_take_ms(&a->stored_at_ms, w->has_stored_at_ms, w->stored_at_ms, "ack stored_at_ms", err,
                      errsz) < 0)
        return -1;
    a->issues.max_items = CODEC_MAX_ISSUES; /* keep all we accepted, not diag's 200 */
    if (issues_from_wire(w->errors, w->n_errors, DIAG_ERROR, "error", &a->issues, err, errsz) < 0 ||
        issues_from_wire(w->warnings, w->n_warnings, DIAG_WARNING, "warning", &a->issues, err, errsz) < 0)
        return -1;
    if (a->issues.n != w->n_errors + w->n_warnings) {
        codec_fail(err, errsz, _("out of memory"));
        return -1;
    }
    return 0;
}

const char *ack_status_label(const char *name) {
    static const char *const labels[] = {N_("ACCEPTED"), N_("DUPLICATE"), N_("STALE"),  N_("REJECTED"),
                                         N_("RETRY"),    N_("UNKNOWN"),   N_("CHECKED")};
    for (size_t i = 0; name && i < sizeof labels / sizeof *labels; i++)
        if (strcmp(name, labels[i]) == 0) return _(labels[i]);
    return name;
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
