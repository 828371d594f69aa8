/* codec_enterprise.c - the Report's key-enterprise rows (重点企业运行) on the wire.
 *
 * A part of the Report message (field 9), kept in a file of its own so that the row kind
 * added later touches one file: codec_report.c calls these two functions where it
 * handles its values and projects. Encoding borrows the report's buffers; decoding
 * takes every string through codec_take_row_str and refuses only what the domain cannot
 * hold (more than REPORT_MAX_ENTERPRISES rows, a field longer than its buffer). A wrong
 * 统一社会信用代码, an unknown status or a negative amount is representable and left to
 * validation, which names the source line.
 */
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"
#include "i18n.h"

/* Orders wire rows by every field the content packs (as value_cmp does), so the
 * canonical bytes do not depend on the order the county wrote them in. */
static int enterprise_cmp(const void *a, const void *b) {
    const Yuebao__Enterprise *x = *(Yuebao__Enterprise *const *)a;
    const Yuebao__Enterprise *y = *(Yuebao__Enterprise *const *)b;
    int c;
    if ((c = strcmp(x->credit_code, y->credit_code))) return c;
    if ((c = strcmp(x->name, y->name))) return c;
    if ((c = strcmp(x->industry, y->industry))) return c;
    if (x->has_output_value != y->has_output_value) return x->has_output_value ? 1 : -1;
    if ((c = memcmp(&x->output_value, &y->output_value, sizeof x->output_value))) return c;
    if (x->has_output_growth_pct != y->has_output_growth_pct) return x->has_output_growth_pct ? 1 : -1;
    if ((c = memcmp(&x->output_growth_pct, &y->output_growth_pct, sizeof x->output_growth_pct))) return c;
    if (x->has_revenue != y->has_revenue) return x->has_revenue ? 1 : -1;
    if ((c = memcmp(&x->revenue, &y->revenue, sizeof x->revenue))) return c;
    if (x->has_revenue_growth_pct != y->has_revenue_growth_pct) return x->has_revenue_growth_pct ? 1 : -1;
    if ((c = memcmp(&x->revenue_growth_pct, &y->revenue_growth_pct, sizeof x->revenue_growth_pct))) return c;
    if ((c = strcmp(x->status, y->status))) return c;
    return strcmp(x->remark, y->remark);
}

int codec_enterprises_to_wire(const report_t *r, bool canonical, Yuebao__Report *msg, codec_scratch_t *s) {
    Yuebao__Enterprise *rows, **ptrs;
    size_t n = r->n_enterprises;
    msg->n_enterprises = 0;
    msg->enterprises = NULL;
    if (!n) return 0;
    rows = codec_scratch_alloc(s, n, sizeof *rows);
    ptrs = codec_scratch_alloc(s, n, sizeof *ptrs);
    if (!rows || !ptrs) return -1;
    for (size_t i = 0; i < n; i++) {
        const enterprise_t *e = &r->enterprises[i];
        Yuebao__Enterprise *o = &rows[i];
        yuebao__enterprise__init(o);
        o->credit_code = (char *)e->code;
        o->name = (char *)e->name;
        o->industry = (char *)e->industry;
        o->status = (char *)e->status;
        o->remark = (char *)e->remark;
        o->has_output_value = e->has_output;
        o->output_value = e->has_output ? e->output_value : 0;
        o->has_output_growth_pct = e->has_output_growth;
        o->output_growth_pct = e->has_output_growth ? e->output_growth_pct : 0;
        o->has_revenue = e->has_revenue;
        o->revenue = e->has_revenue ? e->revenue : 0;
        o->has_revenue_growth_pct = e->has_revenue_growth;
        o->revenue_growth_pct = e->has_revenue_growth ? e->revenue_growth_pct : 0;
        if (!canonical && e->line) {
            o->has_line = 1;
            o->line = e->line;
        }
        ptrs[i] = o;
    }
    if (canonical && n > 1) qsort(ptrs, n, sizeof *ptrs, enterprise_cmp);
    msg->n_enterprises = n;
    msg->enterprises = ptrs;
    return 0;
}

int codec_enterprises_decode(const Yuebao__Report *w, report_t *r, char *err, size_t errsz) {
    if (w->n_enterprises > REPORT_MAX_ENTERPRISES) {
        codec_fail(err, errsz, _("report: %zu enterprises, more than %d"), w->n_enterprises,
                   REPORT_MAX_ENTERPRISES);
        return -1;
    }
    for (size_t i = 0; i < w->n_enterprises; i++) {
        const Yuebao__Enterprise *we = w->enterprises[i];
        enterprise_t e;
        bool hl = we->has_line;
        uint32_t ln = we->line;
        memset(&e, 0, sizeof e);
        if (codec_take_row_str(e.code, sizeof e.code, we->credit_code, "enterprise", i, hl, ln, "credit_code",
                               err, errsz) < 0 ||
            codec_take_row_str(e.name, sizeof e.name, we->name, "enterprise", i, hl, ln, "name", err, errsz) < 0 ||
            codec_take_row_str(e.industry, sizeof e.industry, we->industry, "enterprise", i, hl, ln, "industry",
                               err, errsz) < 0 ||
            codec_take_row_str(e.status, sizeof e.status, we->status, "enterprise", i, hl, ln, "status", err,
                               errsz) < 0 ||
            codec_take_row_str(e.remark, sizeof e.remark, we->remark, "enterprise", i, hl, ln, "remark", err,
                               errsz) < 0)
            return -1;
        e.has_output = we->has_output_value;
        e.output_value = we->has_output_value ? we->output_value : 0;
        e.has_output_growth = we->has_output_growth_pct;
        e.output_growth_pct = we->has_output_growth_pct ? we->output_growth_pct : 0;
        e.has_revenue = we->has_revenue;
        e.revenue = we->has_revenue ? we->revenue : 0;
        e.has_revenue_growth = we->has_revenue_growth_pct;
        e.revenue_growth_pct = we->has_revenue_growth_pct ? we->revenue_growth_pct : 0;
        e.line = hl ? ln : 0;
        if (!report_add_enterprise(r, &e)) {
            codec_fail(err, errsz, _("out of memory"));
            return -1;
        }
    }
    return 0;
}
