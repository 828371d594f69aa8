/* cli_ranking.c - `yuebao ranking [--period P] [--csv]`: one period's ranking as the
 * scorer stored it.
 *
 * Reads the score store read-only (the scorer is its only writer) and prints what the
 * bulletin needs: rank, the climb since the previous period (十快), the zone, its total
 * and dimension subtotals under the dimension names stored with the ranking (so a
 * year's scheme is shown as it was), and the zone's star. Master data only supplies
 * names; without it the codes are shown. The table is aligned for Chinese text by
 * display width; --csv gives the same rows to a spreadsheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "csv.h"
#include "i18n.h"
#include "sstore.h"
#include "text.h"

#define CELL 320 /* bytes of one table cell: a zone name, a county name, a "missing" note */
#define GAP "  " /* between columns */

/* Fixed columns before the dimension subtotals, and after them. */
enum { COL_RANK, COL_CHANGE, COL_ZONE, COL_COUNTY, COL_TOTAL, N_HEAD };
#define N_COLS(r) (N_HEAD + (r)->n_dims + 1) /* ... dims, star */

typedef struct {
    char (*cells)[CELL]; /* (n_rows + 1) x N_COLS: the header row first */
    char (*notes)[CELL]; /* per row: the "missing: ..." note, "" if none */
    size_t n_cols;
} table_t;

static void change_text(const ranking_row_t *row, char *buf, size_t size) {
    int d = ranking_delta(row);
    if (row->prev_rank == 0)
        snprintf(buf, size, "–");
    else if (d > 0)
        snprintf(buf, size, "↑%d", d);
    else if (d < 0)
        snprintf(buf, size, "↓%d", -d);
    else
        snprintf(buf, size, "=");
}

static void star_text(const ranking_row_t *row, char *buf, size_t size) {
    if (row->star == RANKING_STAR_NONE)
        buf[0] = '\0';
    else if (row->star == RANKING_STAR_BELOW)
        snprintf(buf, size, "入门以下");
    else
        snprintf(buf, size, "★%d%s", row->star, row->promoted ? "↑" : "");
}

/* "tax.growth;rd_share" as "税收收入 growth, 研发经费占比" (codes without master data). */
static void missing_text(const master_t *m, const char *missing, char *buf, size_t size) {
    const char *p = missing;
    size_t off = 0;
    buf[0] = '\0';
    while (*p && off + 1 < size) {
        char token[128], *dot;
        const indicator_t *ind;
        size_t n = strcspn(p, ";");
        int k;
        snprintf(token, sizeof token, "%.*s", (int)(n < sizeof token ? n : sizeof token - 1), p);
        p += n + (p[n] == ';');
        if (!token[0]) continue;
        dot = strchr(token, '.');
        if (dot) *dot++ = '\0';
        ind = m ? master_indicator(m, token) : NULL;
        k = snprintf(buf + off, size - off, "%s%s%s%s", off ? ", " : "", ind ? ind->name_zh : token,
                     dot ? " " : "", dot ? dot : "");
        if (k < 0) break;
        off += (size_t)k < size - off ? (size_t)k : size - off - 1;
    }
}

static const char *zone_name(const master_t *m, const char *code) {
    const zone_t *z = m ? master_zone(m, code) : NULL;
    return z ? z->name : code;
}

static const char *county_name(const master_t *m, const char *code) {
    const county_t *c = m ? master_county(m, code) : NULL;
    return c ? c->name : code;
}

/* Fills the table's cells from r. 0, or -1 out of memory. */
static int table_fill(table_t *t, const ranking_t *r, const master_t *m) {
    /* TRANSLATORS: the ranking's columns; "total" is the total score */
    const char *const head[N_HEAD] = {_("rank"), _("change"), _("zone"), _("county"), C_("score", "total")};
    t->n_cols = N_COLS(r);
    t->cells = calloc((r->n_rows + 1) * t->n_cols, sizeof *t->cells);
    t->notes = calloc(r->n_rows + 1, sizeof *t->notes);
    if (!t->cells || !t->notes) return -1;
    for (size_t c = 0; c < N_HEAD; c++)
        snprintf(t->cells[c], CELL, "%s", head[c]);
    for (size_t d = 0; d < r->n_dims; d++)
        snprintf(t->cells[N_HEAD + d], CELL, "%s", r->dims[d]);
    snprintf(t->cells[t->n_cols - 1], CELL, "%s", _("star"));
    for (size_t i = 0; i < r->n_rows; i++) {
        const ranking_row_t *row = &r->rows[i];
        char(*cell)[CELL] = t->cells + (i + 1) * t->n_cols;
        snprintf(cell[COL_RANK], CELL, "%d", row->rank);
        change_text(row, cell[COL_CHANGE], CELL);
        snprintf(cell[COL_ZONE], CELL, "%s", zone_name(m, row->zone));
        snprintf(cell[COL_COUNTY], CELL, "%s", county_name(m, row->county));
        snprintf(cell[COL_TOTAL], CELL, "%.2f", row->total);
        for (size_t d = 0; d < r->n_dims; d++)
            snprintf(cell[N_HEAD + d], CELL, "%.2f", row->dims[d]);
        star_text(row, cell[t->n_cols - 1], CELL);
        missing_text(m, row->missing, t->notes[i + 1], CELL);
    }
    return 0;
}

static void table_free(table_t *t) {
    free(t->cells);
    free(t->notes);
}

static bool right_aligned(size_t col, size_t n_cols) {
    return col == COL_RANK || col == COL_TOTAL || (col >= N_HEAD && col + 1 < n_cols);
}

static void print_table(const table_t *t, size_t n_rows) {
    int width[N_HEAD + RANKING_MAX_DIMS + 1] = {0};
    for (size_t i = 0; i <= n_rows; i++)
        for (size_t c = 0; c < t->n_cols; c++) {
            int w = text_width(t->cells[i * t->n_cols + c]);
            if (w > width[c]) width[c] = w;
        }
    for (size_t i = 0; i <= n_rows; i++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *s = t->cells[i * t->n_cols + c];
            int pad = width[c] - text_width(s);
            bool more = c + 1 < t->n_cols || t->notes[i][0]; /* no trailing blanks */
            if (c && (more || *s)) fputs(GAP, stdout);
            if (right_aligned(c, t->n_cols)) printf("%*s", pad, "");
            fputs(s, stdout);
            if (!right_aligned(c, t->n_cols) && more) printf("%*s", pad, "");
        }
        if (t->notes[i][0]) {
            fputs(GAP, stdout);
            printf(_("missing: %s"), t->notes[i]);
        }
        putchar('\n');
    }
}

/* One CSV field and its separator; `last` ends the record. */
static void csv_field(const char *s, bool last) {
    csv_write_field(stdout, s);
    putchar(last ? '\n' : ',');
}

/* The same rows as the table, with codes and names in separate columns and the change
 * as a number (empty without a previous rank), so a spreadsheet can sort on them. */
static void print_csv(const ranking_t *r, const master_t *m) {
    char buf[CELL];
    fputs("period,rank,change,zone,zone_name,county,county_name,total,", stdout);
    for (size_t d = 0; d < r->n_dims; d++)
        csv_field(r->dims[d], false);
    fputs("star,star_year,missing\n", stdout);
    for (size_t i = 0; i < r->n_rows; i++) {
        const ranking_row_t *row = &r->rows[i];
        printf("%s,%d,", r->period, row->rank);
        if (row->prev_rank) printf("%d", ranking_delta(row));
        putchar(',');
        csv_field(row->zone, false);
        csv_field(zone_name(m, row->zone), false);
        csv_field(row->county, false);
        csv_field(county_name(m, row->county), false);
        printf("%.2f,", row->total);
        for (size_t d = 0; d < r->n_dims; d++)
            printf("%.2f,", row->dims[d]);
        star_text(row, buf, sizeof buf);
        csv_field(buf, false);
        if (row->star_year && row->star != RANKING_STAR_NONE) printf("%d", row->star_year);
        putchar(',');
        missing_text(m, row->missing, buf, sizeof buf);
        csv_field(buf, true);
    }
}

/* The stars' footnote: which December they were judged on. */
static void print_star_note(const ranking_t *r) {
    int lo = 0, hi = 0;
    bool promoted = false, below = false;
    for (size_t i = 0; i < r->n_rows; i++) {
        const ranking_row_t *row = &r->rows[i];
        if (row->star == RANKING_STAR_NONE || !row->star_year) continue;
        if (!lo || row->star_year < lo) lo = row->star_year;
        if (row->star_year > hi) hi = row->star_year;
        promoted |= row->promoted;
        below |= row->star == RANKING_STAR_BELOW;
    }
    if (!lo) return;
    if (lo == hi)
        printf(_("star: judged on the %d full-year (December) data"), lo);
    else
        printf(_("star: judged on each zone's latest full-year (December) data, %d-%d"), lo, hi);
    printf("%s%s\n", promoted ? _("; ↑ first time at that level") : "",
           below ? _("; 入门以下 below the entry threshold") : "");
}

/* Zones in master data without a row: they had not reported the period when it was
 * ranked (or were added since). */
static void print_unranked(const ranking_t *r, const master_t *m) {
    bool any = false;
    for (size_t i = 0; m && i < m->n_zones; i++) {
        bool found = false;
        for (size_t k = 0; k < r->n_rows && !found; k++)
            found = !strcmp(r->rows[k].zone, m->zones[i].code);
        if (found) continue;
        printf("%s%s", any ? ", " : _("not ranked (no report for the period): "), m->zones[i].name);
        any = true;
    }
    if (any) putchar('\n');
}

typedef struct {
    const cli_opts_t *o;
    int n;
} periods_t;

static void on_period(const char *period, void *arg) {
    periods_t *p = arg;
    if (p->n++ == 0)
        fprintf(stderr, _("  ranked periods in %s: %s"), p->o->scores, period);
    else
        fprintf(stderr, ", %s", period);
}

/* Explains why period is not ranked, with what is. */
static void not_ranked(const cli_opts_t *o, sstore_t *ss, const char *period) {
    periods_t ps = {o, 0};
    char scheme[1100];
    fprintf(stderr, _("yuebao ranking: %s is not ranked\n"), period);
    if (sstore_each_period(ss, on_period, &ps) > 0)
        fputc('\n', stderr);
    else
        fprintf(stderr, _("  %s holds no ranking yet\n"), o->scores);
    if (!cli_has_scheme(o, period, scheme, sizeof scheme))
        fprintf(stderr, _("  there is no %s (a year without scheme-YYYY.csv is not ranked)\n"), scheme);
    else
        fprintf(stderr, _("  a period is ranked once a zone has reported it (a year without scheme-YYYY.csv "
                        "is not ranked)\n"));
}

int cli_ranking(const cli_opts_t *o) {
    master_t *m = NULL;
    sstore_t *ss = NULL;
    ranking_t r;
    table_t t = {NULL, NULL, 0};
    char period[PERIOD_STRLEN], err[1024];
    int rc = 0, found;

    memset(&r, 0, sizeof r);
    if (o->period) {
        period_t p;
        if (period_parse(o->period, &p) < 0) {
            fprintf(stderr, _("yuebao ranking: \"%s\" is not a period; write YYYY-MM, e.g. --period 2017-06\n"),
                    o->period);
            return 2;
        }
        period_format(p, period);
    }
    if (o->master_dir) {
        if (!(m = cli_master(o))) return 2;
    } else if (!o->csv) {
        fprintf(stderr, _("yuebao ranking: no --master DIR (or YUEBAO_MASTER): showing codes, not names\n"));
    }
    if (!(ss = sstore_open(o->scores, true, err, sizeof err))) {
        fprintf(stderr,
                _("yuebao ranking: %s\n  name the scorer's score store with --scores FILE or YUEBAO_SCORES\n"),
                err);
        rc = 1;
        goto out;
    }
    if (!o->period) {
        found = sstore_latest_period(ss, period);
        if (found == 0) {
            fprintf(stderr,
                    _("yuebao ranking: %s holds no ranking yet; the scorer ranks a period once a zone has "
                    "reported it (a year without scheme-YYYY.csv is not ranked)\n"),
                    o->scores);
            rc = 1;
            goto out;
        }
        if (found < 0) {
            fprintf(stderr, _("yuebao ranking: cannot read %s (see above)\n"), o->scores);
            rc = 1;
            goto out;
        }
    }
    found = sstore_load_ranking(ss, period, &r);
    if (found < 0) {
        fprintf(stderr, _("yuebao ranking: cannot read the ranking of %s from %s (see above)\n"), period,
                o->scores);
        rc = 1;
    } else if (found == 0) {
        not_ranked(o, ss, period);
        rc = 1;
    } else if (o->csv) {
        print_csv(&r, m);
    } else if (table_fill(&t, &r, m) < 0) {
        fprintf(stderr, _("yuebao ranking: out of memory\n"));
        rc = 1;
    } else {
        period_t p;
        char when[20];
        clock_format(r.computed_at_ms, when);
        if (period_parse(r.period, &p) < 0)
            printf(_("ranking %s"), r.period);
        else if (p.month == 1)
            printf(_("ranking %s (1月)"), r.period);
        else
            printf(_("ranking %s (1-%d月)"), r.period, p.month);
        printf(_(", %s, computed %s, %zu zones\n"), cli_method_words(r.method), when, r.n_rows);
        if (r.state != PSTATE_NONE) { /* 核准 / 发布: what the figures are, and which version */
            printf(_("state: %s"), approval_state_label(r.state));
            if (r.version > 1)
                printf(_(", version %u: corrected after publication (更正版)"), r.version);
            else if (r.version == 1)
                printf(_(", version 1"));
            printf("\n");
        }
        print_table(&t, r.n_rows);
        print_star_note(&r);
        print_unranked(&r, m);
    }
out:
    table_free(&t);
    ranking_clear(&r);
    sstore_close(&ss);
    master_destroy(&m);
    return rc;
}
