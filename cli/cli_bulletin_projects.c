/* cli_bulletin_projects.c - 三、重点项目进展 and 四、重点企业运行: the lists the counties
 * send with their figures, zone by zone in the bulletin's order, as the bulletin model
 * holds them (bulletin_t.projects from bulletin_set_report; .enterprises from
 * bulletin_enterprises_load).
 *
 * Projects: code, name, total investment, this year's investment, and the state
 * (planned 前期, under_construction 在建, in_production 投产). Enterprises: 统一社会信用
 * 代码, name, industry, output value and revenue this year with their growth, the state
 * in words (停产, 半停产, 停产整顿 and 减产 red: what the office asks about first,
 * ent_status_down) and the county's remark. Names
 * and remarks wrap in their cells, each row as tall as its longest text. A period
 * without any is said so in one line, so the section is never silently missing.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_bulletin.h"
#include "enterprise.h"

#define ROW_HEAD 2
#define ROW_FIRST 3

typedef struct {
    const char *head;
    double width;
    int numfmt; /* BN_* */
} col_t;

/* Header row, column widths; returns the total width. */
static double head(cli_bulletin_t *d, lxw_worksheet *ws, const col_t *cols, size_t n) {
    double width = 0;
    int lines = 1;
    for (size_t c = 0; c < n; c++) {
        int k = cli_bulletin_lines(cols[c].head, cols[c].width);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width, NULL);
        worksheet_write_string(ws, ROW_HEAD, (lxw_col_t)c, cols[c].head, d->f.head);
        if (k > lines) lines = k;
        width += cols[c].width;
    }
    worksheet_set_row(ws, ROW_HEAD, cli_bulletin_height(lines), NULL);
    return width;
}

/* A text cell; raises *lines to what it needs. */
static void text(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, const col_t *col,
                 lxw_format *fmt, int *lines) {
    int k;
    if (!s || !s[0]) {
        worksheet_write_blank(ws, r, c, fmt);
        return;
    }
    worksheet_write_string(ws, r, c, s, fmt);
    if ((k = cli_bulletin_lines(s, col->width)) > *lines) *lines = k;
}

static void number(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, bool has, double x, lxw_format *fmt) {
    if (has)
        worksheet_write_number(ws, r, c, x, fmt);
    else
        worksheet_write_blank(ws, r, c, fmt);
}

/* The one line said instead of an empty table. */
static lxw_row_t none(cli_bulletin_t *d, lxw_worksheet *ws, lxw_row_t r, lxw_col_t last, const char *s) {
    worksheet_merge_range(ws, r, 0, r, last, s, d->f.cell[BS_NORMAL][BN_TEXT]);
    worksheet_set_row(ws, r, 24, NULL);
    return r + 1;
}

/* A project's state in words. */
static const char *project_state(const char *s) {
    if (!strcmp(s, "planned")) return "前期";
    if (!strcmp(s, "under_construction")) return "在建";
    if (!strcmp(s, "in_production")) return "投产";
    return s;
}

int cli_bulletin_projects(cli_bulletin_t *d) {
    static const col_t cols[] = {{"序号", 5, BN_INT},
                                 {"县区", 12, BN_TEXT},
                                 {"园区", 14, BN_TEXT},
                                 {"项目编号", 10, BN_TEXT},
                                 {"项目名称", 30, BN_LEFT},
                                 {"总投资\n(万元)", 11, BN_AMOUNT},
                                 {"本年完成投资\n(万元)", 11, BN_AMOUNT},
                                 {"完成投资占\n总投资(%)", 9, BN_ONE},
                                 {"进展", 6, BN_TEXT}};
    const size_t n_cols = sizeof cols / sizeof cols[0];
    const bulletin_t *b = d->b;
    const cli_bulletin_fmt_t *f = &d->f;
    lxw_worksheet *ws = cli_bulletin_sheet(d, "重点项目进展");
    lxw_col_t last = (lxw_col_t)(n_cols - 1);
    lxw_row_t r = ROW_FIRST;
    char heading[600], small[300];
    double width;
    if (!ws) return -1;
    width = head(d, ws, cols, n_cols);
    snprintf(heading, sizeof heading, "三、%s产业集聚区%s重点项目进展情况", d->m->policy.city_name,
             d->months);
    snprintf(small, sizeof small, "共 %zu 个项目　　单位：万元　　数据状态：%s", b->n_projects,
             b->state_label);
    cli_bulletin_heading(d, ws, heading, small, last);
    for (size_t i = 0; i < b->n_projects; i++, r++) {
        const bulletin_project_t *p = &b->projects[i];
        const bulletin_row_t *row = &b->rows[p->row];
        int lines = 1;
        worksheet_write_number(ws, r, 0, (double)(i + 1), f->cell[BS_NORMAL][BN_INT]);
        text(ws, r, 1, cli_bulletin_county(row), &cols[1], f->cell[BS_NORMAL][BN_TEXT], &lines);
        text(ws, r, 2, cli_bulletin_zone(row), &cols[2], f->cell[BS_NORMAL][BN_TEXT], &lines);
        text(ws, r, 3, p->code, &cols[3], f->cell[BS_NORMAL][BN_TEXT], &lines);
        text(ws, r, 4, p->name, &cols[4], f->cell[BS_NORMAL][BN_LEFT], &lines);
        number(ws, r, 5, p->has_total, p->total_investment, f->cell[BS_NORMAL][BN_AMOUNT]);
        number(ws, r, 6, p->has_ytd, p->ytd_investment, f->cell[BS_NORMAL][BN_AMOUNT]);
        number(ws, r, 7, p->has_total && p->has_ytd && p->total_investment > 0,
               p->has_total && p->total_investment > 0 ? p->ytd_investment / p->total_investment * 100.0 : 0,
               f->cell[BS_NORMAL][BN_ONE]);
        text(ws, r, 8, project_state(p->status), &cols[8], f->cell[BS_NORMAL][BN_TEXT], &lines);
        worksheet_set_row(ws, r, cli_bulletin_height(lines), NULL);
    }
    if (b->n_projects == 0) r = none(d, ws, r, last, "本期各园区未报送重点项目。");
    {
        const char *lines[] = {"说明：重点项目为各县区随月报报送的项目；进展：前期、在建、投产。"
                               "完成投资占总投资 = 本年完成投资 ÷ 总投资。"};
        r = cli_bulletin_notes(d, ws, r + 1, last, width, lines, 1);
    }
    worksheet_freeze_panes(ws, ROW_FIRST, 0);
    cli_bulletin_page(d, ws, true, 0, ROW_HEAD, 0, r, last);
    return 0;
}

int cli_bulletin_enterprises(cli_bulletin_t *d) {
    static const col_t cols[] = {{"序号", 4, BN_INT},
                                 {"园区", 12, BN_TEXT},
                                 {"统一社会信用代码", 19, BN_TEXT},
                                 {"企业名称", 20, BN_LEFT},
                                 {"行业", 9, BN_TEXT},
                                 {"工业总产值\n本年累计\n(万元)", 10, BN_AMOUNT},
                                 {"同比增长\n(%)", 7, BN_ONE},
                                 {"营业收入\n本年累计\n(万元)", 10, BN_AMOUNT},
                                 {"同比增长\n(%)", 7, BN_ONE},
                                 {"运行状态", 7, BN_TEXT},
                                 {"备注", 17, BN_LEFT}};
    const size_t n_cols = sizeof cols / sizeof cols[0];
    const bulletin_enterprises_t *list = &d->b->enterprises;
    const cli_bulletin_fmt_t *f = &d->f;
    lxw_worksheet *ws = cli_bulletin_sheet(d, "重点企业运行");
    lxw_col_t last = (lxw_col_t)(n_cols - 1);
    lxw_row_t r = ROW_FIRST;
    char heading[600], small[300];
    double width;
    if (!ws) return -1;
    width = head(d, ws, cols, n_cols);
    snprintf(heading, sizeof heading, "四、%s产业集聚区%s重点企业运行情况", d->m->policy.city_name, d->months);
    snprintf(small, sizeof small, "共 %zu 家，其中停产 %zu 家、减产 %zu 家　　数据状态：%s", list->n,
             list->by_status[ENT_STOPPED] + list->by_status[ENT_PARTIAL] + list->by_status[ENT_RECTIFYING],
             list->by_status[ENT_REDUCED], d->b->state_label);
    cli_bulletin_heading(d, ws, heading, small, last);
    for (size_t i = 0; i < list->n; i++, r++) {
        const bulletin_enterprise_t *row = &list->rows[i];
        const enterprise_t *e = &row->e;
        const char *status = row->status != ENT_STATUS_NONE ? ent_status_label(row->status) : e->status;
        int lines = 1;
        worksheet_write_number(ws, r, 0, (double)(i + 1), f->cell[BS_NORMAL][BN_INT]);
        text(ws, r, 1, row->zone->name, &cols[1], f->cell[BS_NORMAL][BN_TEXT], &lines);
        text(ws, r, 2, e->code, &cols[2], f->cell[BS_NORMAL][BN_TEXT], &lines);
        text(ws, r, 3, e->name, &cols[3], f->cell[BS_NORMAL][BN_LEFT], &lines);
        text(ws, r, 4, e->industry, &cols[4], f->cell[BS_NORMAL][BN_TEXT], &lines);
        number(ws, r, 5, e->has_output, e->output_value, f->cell[BS_NORMAL][BN_AMOUNT]);
        number(ws, r, 6, e->has_output_growth, e->output_growth_pct, f->cell[BS_NORMAL][BN_ONE]);
        number(ws, r, 7, e->has_revenue, e->revenue, f->cell[BS_NORMAL][BN_AMOUNT]);
        number(ws, r, 8, e->has_revenue_growth, e->revenue_growth_pct, f->cell[BS_NORMAL][BN_ONE]);
        text(ws, r, 9, status, &cols[9], ent_status_down(row->status) ? f->stopped : f->cell[BS_NORMAL][BN_TEXT],
             &lines);
        text(ws, r, 10, e->remark, &cols[10], f->cell[BS_NORMAL][BN_LEFT], &lines);
        worksheet_set_row(ws, r, cli_bulletin_height(lines), NULL);
    }
    if (list->n == 0) r = none(d, ws, r, last, "本期各园区未报送重点企业运行情况。");
    {
        const char *lines[] = {"说明：重点企业为各县区随月报报送的企业，按县区、园区排列；停产含半停产、停产整顿；"
                               "红色：停产、半停产、停产整顿、减产。"};
        r = cli_bulletin_notes(d, ws, r + 1, last, width, lines, 1);
    }
    worksheet_freeze_panes(ws, ROW_FIRST, 0);
    cli_bulletin_page(d, ws, true, 0, ROW_HEAD, 0, r, last);
    return 0;
}
