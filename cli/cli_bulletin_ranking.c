/* cli_bulletin_ranking.c - 一、综合排名: the period's ranking as the scorer stored it —
 * rank, the change since the previous period (↑2 climbed two places, ↓1 fell one, —
 * held), county and zone, the total and each dimension's score, the star, and the 十强
 * and 十快 marks (bulletin.h defines both), then 备注: why a zone is a laggard, or 未报.
 * Laggard rows light red, zones that did not report grey, as in the tables after it.
 * Landscape A4, the title and header rows on every page.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_bulletin.h"

#define ROW_HEAD 2
#define ROW_FIRST 3

enum { K_RANK, K_CHANGE, K_COUNTY, K_ZONE, K_TOTAL, K_DIM, K_STAR, K_TOP, K_FAST, K_NOTE };

typedef struct {
    int kind;
    size_t dim;
    double width;
    const char *head;
} col_t;

/* The columns: fixed ones (85 units) around one per dimension of the ranking, as wide
 * as the sheet's width budget leaves them (5 to 8 units). */
static size_t columns(const bulletin_t *b, col_t *c) {
    size_t n = 0;
    double dim = b->n_dims ? (BULLETIN_LANDSCAPE_UNITS - 85.0) / (double)b->n_dims : 8;
    dim = dim > 8 ? 8 : dim < 5 ? 5 : dim;
    c[n++] = (col_t){K_RANK, 0, 5, "名次"};
    c[n++] = (col_t){K_CHANGE, 0, 6, "比上期升降"};
    c[n++] = (col_t){K_COUNTY, 0, 13, "县区"};
    c[n++] = (col_t){K_ZONE, 0, 16, "园区"};
    c[n++] = (col_t){K_TOTAL, 0, 8, "综合得分"};
    for (size_t d = 0; d < b->n_dims; d++)
        c[n++] = (col_t){K_DIM, d, dim, b->dims[d]};
    c[n++] = (col_t){K_STAR, 0, 7, "星级"};
    c[n++] = (col_t){K_TOP, 0, 5, "十强"};
    c[n++] = (col_t){K_FAST, 0, 5, "十快"};
    c[n++] = (col_t){K_NOTE, 0, 20, "备注"};
    return n;
}

static void cell(cli_bulletin_t *d, lxw_worksheet *ws, lxw_row_t r, lxw_col_t col, const col_t *c,
                 const bulletin_row_t *row, size_t index, int *lines) {
    const cli_bulletin_fmt_t *f = &d->f;
    int st = cli_bulletin_style(row);
    char text[1024] = "";
    double x = 0;
    bool has = false;
    int nf = BN_TWO;
    switch (c->kind) {
    case K_RANK:
        has = row->ranked;
        x = row->rank;
        nf = BN_INT;
        break;
    case K_CHANGE:
        has = row->ranked && row->has_rank_change;
        x = row->rank_change;
        nf = BN_CHANGE;
        break;
    case K_TOTAL:
        has = row->ranked;
        x = row->total_score;
        break;
    case K_DIM:
        has = row->ranked;
        x = row->dims[c->dim];
        break;
    case K_COUNTY: snprintf(text, sizeof text, "%s", cli_bulletin_county(row)); break;
    case K_ZONE: snprintf(text, sizeof text, "%s", cli_bulletin_zone(row)); break;
    case K_STAR: export_star(row->star, text, sizeof text); break;
    case K_TOP: snprintf(text, sizeof text, "%s", row->top ? "√" : ""); break;
    case K_FAST: snprintf(text, sizeof text, "%s", row->fast ? "√" : ""); break;
    default: {
        export_col_t note = {.kind = EXPORT_NOTE};
        export_text(d->b, d->m, row, index, &note, text, sizeof text);
    }
    }
    if (c->kind == K_RANK || c->kind == K_CHANGE || c->kind == K_TOTAL || c->kind == K_DIM) {
        if (has)
            worksheet_write_number(ws, r, col, x, f->cell[st][nf]);
        else
            worksheet_write_blank(ws, r, col, f->cell[st][nf]);
        return;
    }
    nf = c->kind == K_NOTE ? BN_LEFT : BN_TEXT;
    if (text[0]) {
        int k = cli_bulletin_lines(text, c->width);
        if (k > *lines) *lines = k;
        worksheet_write_string(ws, r, col, text, f->cell[st][nf]);
    } else {
        worksheet_write_blank(ws, r, col, f->cell[st][nf]);
    }
}

int cli_bulletin_ranking(cli_bulletin_t *d) {
    const bulletin_t *b = d->b;
    lxw_worksheet *ws = cli_bulletin_sheet(d, "综合排名");
    col_t cols[RANKING_MAX_DIMS + 10];
    size_t n_cols = columns(b, cols);
    lxw_col_t last = (lxw_col_t)(n_cols - 1);
    lxw_row_t r = ROW_FIRST;
    char small[256], heading[600], top[256], fast[256];
    double width = 0;
    int head_lines = 1;
    if (!ws) return -1;

    for (size_t c = 0; c < n_cols; c++) {
        int k = cli_bulletin_lines(cols[c].head, cols[c].width);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width, NULL);
        worksheet_write_string(ws, ROW_HEAD, (lxw_col_t)c, cols[c].head, d->f.head);
        if (k > head_lines) head_lines = k;
        width += cols[c].width;
    }
    worksheet_set_row(ws, ROW_HEAD, cli_bulletin_height(head_lines), NULL);
    snprintf(heading, sizeof heading, "一、%s产业集聚区%s综合排名", d->m->policy.city_name, d->months);
    snprintf(small, sizeof small, "得分：分（满分100）　　数据状态：%s　　制表日期：%s", b->state_label,
             d->made);
    cli_bulletin_heading(d, ws, heading, small, last);

    for (size_t i = 0; i < b->n_rows; i++, r++) {
        const bulletin_row_t *row = &b->rows[i];
        int lines = 1;
        if (row->is_total) {
            r--;
            continue;
        }
        for (size_t c = 0; c < n_cols; c++)
            cell(d, ws, r, (lxw_col_t)c, &cols[c], row, i, &lines);
        worksheet_set_row(ws, r, cli_bulletin_height(lines), NULL);
    }
    worksheet_freeze_panes(ws, ROW_FIRST, 0);

    snprintf(top, sizeof top, "十强：名次在前%d位的园区（并列者同列）；本期 %zu 个。", BULLETIN_TOP_N,
             b->n_top);
    if (b->n_fast)
        snprintf(fast, sizeof fast,
                 "十快：比上期名次上升最多的%d个园区（名次上升者中取，并列者同列）；本期 %zu 个。",
                 BULLETIN_TOP_N, b->n_fast);
    else
        snprintf(fast, sizeof fast,
                 "十快：比上期名次上升最多的%d个园区；本期无名次上升的园区（或为本年首期）。",
                 BULLETIN_TOP_N);
    {
        const char *lines[] = {
            b->ranked
                ? "说明：综合得分按本年考核方案（功效系数法）计算，各维度得分为该维度各项得分的加权小计；"
                  "比上期升降 = 上期名次 − 本期名次，↑为前移，↓为后移，—为持平，空白为本年首期。"
                : "说明：本期尚未排名（没有本年考核方案，或评分程序尚未计算），名次、得分、星级空缺。",
            top, fast,
            "星级按已评定的上年12月（全年）数据；落后（红色底纹）：任一主要指标进度差低于−5个百分点，"
            "或排名后三位（参与排名的园区多于三个时）；灰色：未报。"};
        r = cli_bulletin_notes(d, ws, r + 1, last, width, lines, sizeof lines / sizeof lines[0]);
    }
    cli_bulletin_page(d, ws, true, 0, ROW_HEAD, 0, r, last);
    return 0;
}
