/* codec_report.c - the Report message: a county's report on the wire, and the canonical
 * bytes of its content.
 *
 * Encoding points the protobuf-c structs at the report's own buffers; nothing is copied
 * but the row arrays. Decoding takes every string through codec_take_str (UTF-8, fits
 * its buffer) and refuses only what the domain cannot hold: a value without an amount,
 * more rows than REPORT_MAX_VALUES or REPORT_MAX_PROJECTS (or enterprises, codec_enterprise.c), a text longer than
 * REPORT_MAX_TEXT. An empty zone, a malformed period or an amount out of range is
 * representable and left to validation, which can name the source line.
 * The content bytes for duplicate detection reuse the Report message: protobuf-c packs
 * fields in field-number order, so sorted rows without lines, revision or source give
 * the same bytes for the same content on every run and every host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"
#include "i18n.h"
#include "text.h"

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

/* Fills msg from r, its rows borrowed from s. canonical: rows sorted, no revision,
 * lines or source, and an empty text counted as none. 0, or -1 on OOM. */
static int report_to_wire(const report_t *r, bool canonical, Yuebao__Report *msg, codec_scratch_t *s) {
    Yuebao__Value *values = NULL, **value_ptrs = NULL;
    Yuebao__Project *projects = NULL, **project_ptrs = NULL;
    size_t nv = r->n_values, np = r->n_projects;
    yuebao__report__init(msg);
    msg->zone = (char *)r->zone;
    msg->period = (char *)r->period;
    if (!canonical) {
        msg->has_revision = 1;
        msg->revision = r->revision;
        if (r->source[0]) msg->source = (char *)r->source;
    }
    if (r->problems && (!canonical || r->problems[0])) msg->problems = r->problems;
    if (r->next_steps && (!canonical || r->next_steps[0])) msg->next_steps = r->next_steps;

    if (nv) {
        values = codec_scratch_alloc(s, nv, sizeof *values);
        value_ptrs = codec_scratch_alloc(s, nv, sizeof *value_ptrs);
        if (!values || !value_ptrs) return -1;
    }
    for (size_t i = 0; i < nv; i++) {
        const report_value_t *v = &r->values[i];
        Yuebao__Value *o = &values[i];
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
        value_ptrs[i] = o;
    }

    if (np) {
        projects = codec_scratch_alloc(s, np, sizeof *projects);
        project_ptrs = codec_scratch_alloc(s, np, sizeof *project_ptrs);
        if (!projects || !project_ptrs) return -1;
    }
    for (size_t i = 0; i < np; i++) {
        const report_project_t *p = &r->projects[i];
        Yuebao__Project *o = &projects[i];
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
        project_ptrs[i] = o;
    }

    if (canonical) {
        if (nv > 1) qsort(value_ptrs, nv, sizeof *value_ptrs, value_cmp);
        if (np > 1) qsort(project_ptrs, np, sizeof *project_ptrs, project_cmp);
    }
    msg->n_values = nv;
    msg->values = value_ptrs;
    msg->n_projects = np;
    msg->projects = project_ptrs;
    return codec_enterprises_to_wire(r, canonical, msg, s);
}

int codec_report_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    Yuebao__Report *msg = codec_scratch_alloc(s, 1, sizeof *msg);
    if (!msg || report_to_wire(&m->report, false, msg, s) < 0) return -1;
    env->report = msg;
    return 0;
}

int codec_report_content(const report_t *r, uint8_t **buf, size_t *len) {
    Yuebao__Report msg;
    codec_scratch_t s = {0};
    uint8_t *out = NULL;
    size_t n;
    int rc = -1;
    *buf = NULL;
    *len = 0;
    if (report_to_wire(r, true, &msg, &s) < 0) goto out;
    n = yuebao__report__get_packed_size(&msg);
    if (!(out = malloc(n ? n : 1))) goto out; /* an empty report packs to 0 bytes */
    yuebao__report__pack(&msg, out);
    *buf = out;
    *len = n;
    rc = 0;
out:
    codec_scratch_free(&s);
    return rc;
}

int codec_report_from_content(const uint8_t *buf, size_t len, report_t *out, char *err, size_t errsz) {
    Yuebao__Envelope env = YUEBAO__ENVELOPE__INIT;
    Yuebao__Report *w = yuebao__report__unpack(NULL, len, buf);
    msg_t m;
    int rc;
    memset(out, 0, sizeof *out);
    if (!w) {
        codec_fail(err, errsz, _("a stored revision does not read back as a report"));
        return -1;
    }
    memset(&m, 0, sizeof m);
    m.kind = MSG_REPORT;
    env.report = w;
    rc = codec_report_decode(&env, &m, err, errsz);
    yuebao__report__free_unpacked(w, NULL);
    if (rc < 0) {
        msg_clear(&m);
        return -1;
    }
    *out = m.report; /* handed over: m is not cleared */
    return 0;
}

/* ---- decoding ------------------------------------------------------------------- */

/* problems / next_steps: absent stays NULL; at most REPORT_MAX_TEXT bytes of UTF-8. */
static int take_text(char **slot, const char *s, const char *what, char *err, size_t errsz) {
    size_t n;
    if (!s) return 0;
    n = strlen(s);
    if (n > REPORT_MAX_TEXT) {
        codec_fail(err, errsz, _("%s: %zu bytes, more than %d"), what, n, REPORT_MAX_TEXT);
        return -1;
    }
    if (!utf8_valid(s, n)) {
        codec_fail(err, errsz, _("%s: not valid UTF-8"), what);
        return -1;
    }
    if (report_set_text(slot, s) < 0) {
        codec_fail(err, errsz, _("out of memory"));
        return -1;
    }
    return 0;
}

int codec_report_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__Report *w = env->report;
    report_t *r = &m->report;
    char row[48];
    if (w->n_values > REPORT_MAX_VALUES) {
        codec_fail(err, errsz, _("report: %zu values, more than %d"), w->n_values, REPORT_MAX_VALUES);
        return -1;
    }
    if (w->n_projects > REPORT_MAX_PROJECTS) {
        codec_fail(err, errsz, _("report: %zu projects, more than %d"), w->n_projects, REPORT_MAX_PROJECTS);
        return -1;
    }
    if (codec_take_str(r->zone, sizeof r->zone, w->zone, "report zone", err, errsz) < 0 ||
        codec_take_str(r->period, sizeof r->period, w->period, "report period", err, errsz) < 0 ||
        codec_take_str(r->source, sizeof r->source, w->source, "report source", err, errsz) < 0 ||
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
            codec_row_name(row, sizeof row, "value", i, wv->has_line, wv->line);
            codec_fail(err, errsz, _("%s: no amount"), row);
            return -1;
        }
        if (codec_take_row_str(v.indicator, sizeof v.indicator, wv->indicator, "value", i, wv->has_line,
                               wv->line, "indicator", err, errsz) < 0 ||
            codec_take_row_str(note, sizeof note, wv->note, "value", i, wv->has_line, wv->line, "note", err,
                               errsz) < 0)
            return -1;
        v.note = note; /* borrowed: report_add_value copies it */
        v.amount = wv->amount;
        v.has_growth = wv->has_growth_pct;
        v.growth_pct = wv->has_growth_pct ? wv->growth_pct : 0;
        v.line = wv->has_line ? wv->line : 0;
        if (!report_add_value(r, &v)) {
            codec_fail(err, errsz, _("out of memory"));
            return -1;
        }
    }

    for (size_t i = 0; i < w->n_projects; i++) {
        const Yuebao__Project *wp = w->projects[i];
        report_project_t p;
        memset(&p, 0, sizeof p);
        if (codec_take_row_str(p.code, sizeof p.code, wp->code, "project", i, wp->has_line, wp->line, "code",
                               err, errsz) < 0 ||
            codec_take_row_str(p.name, sizeof p.name, wp->name, "project", i, wp->has_line, wp->line, "name",
                               err, errsz) < 0 ||
            codec_take_row_str(p.status, sizeof p.status, wp->status, "project", i, wp->has_line, wp->line,
                               "status", err, errsz) < 0)
            return -1;
        p.has_total = wp->has_total_investment;
        p.total_investment = wp->has_total_investment ? wp->total_investment : 0;
        p.has_ytd = wp->has_ytd_investment;
        p.ytd_investment = wp->has_ytd_investment ? wp->ytd_investment : 0;
        p.line = wp->has_line ? wp->line : 0;
        if (!report_add_project(r, &p)) {
            codec_fail(err, errsz, _("out of memory"));
            return -1;
        }
    }
    return codec_enterprises_decode(w, r, err, errsz);
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

void codec_report_salvage(const Yuebao__Report *w, const codec_check_t *chk, report_t *r) {
    report_clear(r);
    salvage_str(&chk->zone, w->zone, r->zone, sizeof r->zone);
    salvage_str(&chk->period, w->period, r->period, sizeof r->period);
    salvage_str(&chk->source, w->source, r->source, sizeof r->source);
    r->revision = strcmp(chk->path, "report.revision") != 0 && w->has_revision ? w->revision : 0;
}
