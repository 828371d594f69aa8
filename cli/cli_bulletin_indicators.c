/* cli_bulletin_indicators.c - 二、主要指标完成情况: every zone's main indicators against
 * its annual targets, BULLETIN_PER_SHEET indicators a sheet (主要指标(一), (二) …) so each
 * prints on landscape A4 at 10 pt: 32 columns on one page were 2–3 pt.
 *
 * Indicators are grouped in catalogue order (indicators.csv), as the csv lists them.
 * Each sheet: 序号 and 园区, then per indicator its amount (本年累计, or 期末数 for a
 * stock), growth, completion and pace gap under the indicator's name and unit; the zones
 * in the bulletin's order and the city total last (bold). A pace gap below the laggard
 * threshold is red on red; a zone that did not report is grey. Title and header rows and
 * the 序号 and 园区 columns are printed on every page; the figures are the table model's
 * (export_number), as in the csv.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_bulletin.h"

#define BULLETIN_PER_SHEET 3
#define ROW_HEAD1 2 /* the indicators' names */
#define ROW_HEAD2 3 /* amount, growth, completion, gap */
#define ROW_FIRST 4
#define COL_SEQ 0
#define COL_ZONE 1
#define COL_FIRST 2 /* the first figure */
#define W_SEQ 4.0
#define W_ZONE 16.0
#define W_AMOUNT 11.0
#define W_RATE 7.0

static const export_kind_t kinds[4] = {EXPORT_AMOUNT, EXPORT_GROWTH, EXPORT_COMPLETION, EXPORT_GAP};
static const int numfmts[4] = {BN_AMOUNT, BN_ONE, BN_TWO, BN_TWO};

/* "一" … "十", then digits. */
static void numeral(size_t i, char *buf, size_t size) {
    static const char *const zh[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    if (i < 10)
        snprintf(buf, size, "%s", zh[i]);
    else
        snprintf(buf, size, "%zu", i + 1);
}

/* The width of indicator k's amount column: what its largest figure takes as #,##0.0
 * shows it (bold on the total row, so a unit more), at least W_AMOUNT: a column too
 * narrow for its number shows ##### in Excel. */
static double amount_width(const bulletin_t *b, size_t k) {
    double w = W_AMOUNT;
    for (size_t i = 0; i < b->n_rows; i++) {
        const bulletin_cell_t *c = &b->rows[i].cells[k];
        char buf[64];
        double x, digits, need;
        if (!c->has_amount) continue;
        x = fabs(c->amount);
        snprintf(buf, sizeof buf, "%.0f", floor(x));
        digits = (double)strlen(buf);
        need = digits + floor((digits - 1) / 3) + 2 /* ".0" */ + (c->amount < 0) + 2;
        if (need > w) w = need;
    }
    return w;
}

/* One sheet: the indicators [k0, k1) of the bulletin. */
static int sheet(cli_bulletin_t *d, size_t group, size_t n_groups, size_t k0, size_t k1) {
    const bulletin_t *b = d->b;
    const cli_bulletin_fmt_t *f = &d->f;
    char name[64], num[24], heading[600], small[600];
    lxw_worksheet *ws;
    lxw_col_t last = (lxw_col_t)(COL_FIRST + 4 * (k1 - k0) - 1);
    lxw_row_t r = ROW_FIRST;
    double width = W_SEQ + W_ZONE;
    numeral(group, num, sizeof num);
    if (n_groups > 1)
        snprintf(name, sizeof name, "主要指标(%s)", num);
    else
        snprintf(name, sizeof name, "主要指标");
    if (!(ws = cli_bulletin_sheet(d, name))) return -1;

    worksheet_set_column(ws, COL_SEQ, COL_SEQ, W_SEQ, NULL);
    worksheet_set_column(ws, COL_ZONE, COL_ZONE, W_ZONE, NULL);
    worksheet_merge_range(ws, ROW_HEAD1, COL_SEQ, ROW_HEAD2, COL_SEQ, "序号", f->head);
    worksheet_merge_range(ws, ROW_HEAD1, COL_ZONE, ROW_HEAD2, COL_ZONE, "园区", f->head);
    for (size_t k = k0; k < k1; k++) {
        const indicator_t *ind = &d->m->indicators[b->indicators[k]];
        lxw_col_t c0 = (lxw_col_t)(COL_FIRST + 4 * (k - k0));
        char head[300];
        double wa = amount_width(b, k);
        snprintf(head, sizeof head, "%s（%s）", ind->name_zh, ind->unit);
        worksheet_merge_range(ws, ROW_HEAD1, c0, ROW_HEAD1, c0 + 3, head, f->head);
        worksheet_write_string(ws, ROW_HEAD2, c0, ind->kind == KIND_STOCK ? "期末数" : "本年累计", f->head);
        worksheet_write_string(ws, ROW_HEAD2, c0 + 1, "同比增长\n(%)", f->head);
        worksheet_write_string(ws, ROW_HEAD2, c0 + 2, "目标完成率\n(%)", f->head);
        worksheet_write_string(ws, ROW_HEAD2, c0 + 3, "进度差\n(百分点)", f->head);
        worksheet_set_column(ws, c0, c0, wa, NULL);
        worksheet_set_column(ws, c0 + 1, c0 + 3, W_RATE, NULL);
        width += wa + 3 * W_RATE;
    }
    worksheet_set_row(ws, ROW_HEAD1, 20, NULL);
    worksheet_set_row(ws, ROW_HEAD2, cli_bulletin_height(cli_bulletin_lines("目标完成率\n(%)", W_RATE)), NULL);
    if (n_groups > 1)
        snprintf(heading, sizeof heading, "二、%s产业集聚区%s主要指标完成情况（%s）", d->m->policy.city_name,
                 d->months, num);
    else
        snprintf(heading, sizeof heading, "二、%s产业集聚区%s主要指标完成情况", d->m->policy.city_name,
                 d->months);
    snprintf(small, sizeof small, "本年累计为%s累计数，期末数为%d月末数　　数据状态：%s", d->months,
             b->period.month, b->state_label);
    cli_bulletin_heading(d, ws, heading, small, last);

    for (size_t i = 0; i < b->n_rows; i++, r++) {
        const bulletin_row_t *row = &b->rows[i];
        int st = cli_bulletin_style(row);
        export_col_t seq = {.kind = EXPORT_SEQ};
        double x;
        if (st == BS_LAGGARD) st = BS_NORMAL; /* here only the lagging gap itself is marked */
        if (export_number(row, i, &seq, &x))
            worksheet_write_number(ws, r, COL_SEQ, x, f->cell[st][BN_INT]);
        else
            worksheet_write_blank(ws, r, COL_SEQ, f->cell[st][BN_INT]);
        worksheet_write_string(ws, r, COL_ZONE, row->is_total ? row->total_name : cli_bulletin_zone(row),
                               f->cell[st][BN_TEXT]);
        worksheet_set_row(ws, r,
                          cli_bulletin_height(cli_bulletin_lines(
                              row->is_total ? row->total_name : cli_bulletin_zone(row), W_ZONE)),
                          NULL);
        for (size_t k = k0; k < k1; k++)
            for (int j = 0; j < 4; j++) {
                export_col_t c = {.kind = kinds[j], .k = k};
                lxw_col_t col = (lxw_col_t)(COL_FIRST + 4 * (k - k0) + (size_t)j);
                lxw_format *fmt = f->cell[st][numfmts[j]];
                if (kinds[j] == EXPORT_GAP && !row->is_total && bulletin_cell_lagging(b, &row->cells[k]))
                    fmt = f->lagging;
                if (export_number(row, i, &c, &x))
                    worksheet_write_number(ws, r, col, x, fmt);
                else
                    worksheet_write_blank(ws, r, col, fmt);
            }
    }
    worksheet_freeze_panes(ws, ROW_FIRST, COL_FIRST);
    {
        char lagging[300];
        const char *lines[4];
        size_t n = 0;
        snprintf(lagging, sizeof lagging,
                 "红色：进度差低于%g个百分点（落后）；灰色：未报；空白：未报送该项，或没有年度目标。",
                 b->lag_pace_pp);
        lines[n++] =
            "说明：目标完成率 = 本年累计 ÷ 年度目标；进度差 = 目标完成率 − 序时进度（百分点），序时进度按 "
            "pacing.csv，未列明的按 月数/12。";
        lines[n++] =
            "全市合计：增速 = Σ本年累计 ÷ Σ(本年累计 ÷ (1 + 增速)) − 1；目标完成率以已报送且有目标园区的"
            "目标之和为分母。";
        lines[n++] = lagging;
        r = cli_bulletin_notes(d, ws, r + 1, last, width, lines, n);
    }
    cli_bulletin_page(d, ws, true, 0, ROW_HEAD2, COL_FIRST, r, last);
    return 0;
}

int cli_bulletin_indicators(cli_bulletin_t *d) {
    size_t n = d->b->n_indicators, groups = (n + BULLETIN_PER_SHEET - 1) / BULLETIN_PER_SHEET;
    if (n == 0) return 0;
    for (size_t g = 0; g < groups; g++) {
        size_t k0 = g * BULLETIN_PER_SHEET, k1 = k0 + BULLETIN_PER_SHEET < n ? k0 + BULLETIN_PER_SHEET : n;
        if (sheet(d, g, groups, k0, k1) < 0) return -1;
    }
    return 0;
}
