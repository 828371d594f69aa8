/* cli_enterprises.c - the key enterprises (重点企业运行) that stopped or cut output in a
 * period, as `yuebao status` and `yuebao watch` list them for the central office.
 *
 * Read from the report store: the rows of each zone's current revision
 * (rstore_each_enterprise), of the scope shown (the city, or one county), kept when
 * their status is a stop or a cut (enterprise.h's ent_status_down), stops first. The
 * names and remarks come from county files and are shown through text_shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enterprise.h"
#include "i18n.h"
#include "text.h"

typedef struct {
    const master_t *m;
    const char *county;
    cli_enterprises_t *out;
    bool failed;
} collect_t;

static void on_enterprise(const char *zone, uint32_t revision, const enterprise_t *e, void *arg) {
    collect_t *c = arg;
    const zone_t *z = master_zone(c->m, zone ? zone : "");
    cli_enterprise_row_t *row;
    (void)revision;
    if (c->county && (!z || strcmp(z->county, c->county))) return;
    c->out->n_all++;
    if (!ent_status_down(ent_status_of(e->status))) return;
    if (c->out->n == c->out->cap) {
        size_t cap = c->out->cap ? 2 * c->out->cap : 16;
        cli_enterprise_row_t *p = realloc(c->out->rows, cap * sizeof *p);
        if (!p) {
            c->failed = true;
            return;
        }
        c->out->rows = p;
        c->out->cap = cap;
    }
    row = &c->out->rows[c->out->n++];
    snprintf(row->zone, sizeof row->zone, "%s", zone ? zone : "");
    row->e = *e;
}

/* Stops (停产, 半停产, 停产整顿) before cuts (减产); then the store's order. */
static int rank_of(const cli_enterprise_row_t *r) {
    return ent_status_of(r->e.status) == ENT_REDUCED ? 1 : 0;
}

int cli_enterprises_down(rstore_t *st, const master_t *m, const char *period, const char *county,
                         cli_enterprises_t *out) {
    collect_t c = {m, county, out, false};
    memset(out, 0, sizeof *out);
    if (rstore_each_enterprise(st, period, on_enterprise, &c) < 0 || c.failed) {
        cli_enterprises_free(out);
        return -1;
    }
    /* a stable insertion sort: tens of rows */
    for (size_t i = 1; i < out->n; i++) {
        cli_enterprise_row_t key = out->rows[i];
        size_t j = i;
        while (j > 0 && rank_of(&out->rows[j - 1]) > rank_of(&key)) {
            out->rows[j] = out->rows[j - 1];
            j--;
        }
        out->rows[j] = key;
    }
    return 0;
}

void cli_enterprises_free(cli_enterprises_t *l) {
    if (!l) return;
    free(l->rows);
    memset(l, 0, sizeof *l);
}

/* "12,345.6" for an amount, "n/a" (n/a in the locale's words) when absent. */
static void figure(bool has, double v, bool pct, char *buf, size_t size) {
    if (!has)
        snprintf(buf, size, "%s", _("n/a"));
    else if (pct)
        snprintf(buf, size, "%+.1f%%", v);
    else
        snprintf(buf, size, "%.1f", v);
}

void cli_enterprise_line(const master_t *m, const cli_enterprise_row_t *r, char *buf, size_t size) {
    const zone_t *z = master_zone(m, r->zone);
    char name[400], zone[300], remark[700], out[32], og[32], rev[32], rg[32];
    text_shown(r->e.name, name, sizeof name);
    text_shown(z ? z->name : r->zone, zone, sizeof zone);
    text_shown(r->e.remark, remark, sizeof remark);
    figure(r->e.has_output, r->e.output_value, false, out, sizeof out);
    figure(r->e.has_output_growth, r->e.output_growth_pct, true, og, sizeof og);
    figure(r->e.has_revenue, r->e.revenue, false, rev, sizeof rev);
    figure(r->e.has_revenue_growth, r->e.revenue_growth_pct, true, rg, sizeof rg);
    if (remark[0])
        /* TRANSLATORS: status label (停产), enterprise name, its code, zone, output value and its growth, revenue and its growth, remark */
        snprintf(buf, size, _("%s  %s (%s), %s: output %s 万元 %s, revenue %s 万元 %s; %s"),
                 ent_status_label(ent_status_of(r->e.status)), name, r->e.code, zone, out, og, rev, rg, remark);
    else
        snprintf(buf, size, _("%s  %s (%s), %s: output %s 万元 %s, revenue %s 万元 %s"),
                 ent_status_label(ent_status_of(r->e.status)), name, r->e.code, zone, out, og, rev, rg);
}

void cli_enterprises_print(FILE *out, const master_t *m, const cli_enterprises_t *l) {
    if (!l->n_all) {
        fprintf(out, _("key enterprises (重点企业运行): none reported\n"));
        return;
    }
    fprintf(out,
            ngettext("key enterprises stopped or cutting output (停产/减产): %zu of %zu reported\n",
                     "key enterprises stopped or cutting output (停产/减产): %zu of %zu reported\n", l->n_all),
            l->n, l->n_all);
    for (size_t i = 0; i < l->n; i++) {
        char line[1600];
        cli_enterprise_line(m, &l->rows[i], line, sizeof line);
        fprintf(out, "  %s\n", line);
    }
}
