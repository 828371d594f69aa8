/* cli_bulletin_cover.c - the printed bulletin's cover (封面): the title in three lines,
 * the data state under it (初步数据 in red until the period is approved), then who made
 * it (制表单位, city.csv's issuer), the period, the state, the date of making, how many
 * zones reported and were ranked, and the contents. Portrait A4, one page, no page
 * header or number, as a cover is printed.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_bulletin.h"

#define COL_LABEL 1
#define COL_VALUE 2

int cli_bulletin_cover(cli_bulletin_t *d) {
    const bulletin_t *b = d->b;
    const master_t *m = d->m;
    lxw_worksheet *ws = cli_bulletin_sheet(d, "封面");
    char line[512], period[PERIOD_STRLEN];
    lxw_row_t r = 0;
    struct {
        const char *label;
        char value[256];
    } info[6];
    size_t n = 0;
    if (!ws) return -1;
    period_format(b->period, period);

    worksheet_set_paper(ws, 9);
    worksheet_set_portrait(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_center_horizontally(ws);
    worksheet_set_margins(ws, 0.75, 0.75, 0.8, 0.8);
    worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
    worksheet_set_column(ws, 0, 0, 6, NULL);
    worksheet_set_column(ws, COL_LABEL, COL_LABEL, 18, NULL);
    worksheet_set_column(ws, COL_VALUE, COL_VALUE, 56, NULL);
    worksheet_set_column(ws, 3, 3, 6, NULL);

    for (; r < 4; r++)
        worksheet_set_row(ws, r, 36, NULL);
    snprintf(line, sizeof line, "%s产业集聚区", m->policy.city_name);
    worksheet_merge_range(ws, r, 0, r, 3, line, d->f.cover_big);
    worksheet_set_row(ws, r++, 48, NULL);
    worksheet_merge_range(ws, r, 0, r, 3, d->months, d->f.cover_big);
    worksheet_set_row(ws, r++, 48, NULL);
    worksheet_merge_range(ws, r, 0, r, 3, "主要指标完成情况通报", d->f.cover_big);
    worksheet_set_row(ws, r++, 48, NULL);
    snprintf(line, sizeof line, "（%s）", b->state_label);
    worksheet_merge_range(ws, r, 0, r, 3, line, d->f.cover_state);
    worksheet_set_row(ws, r++, 36, NULL);
    for (lxw_row_t end = r + 4; r < end; r++)
        worksheet_set_row(ws, r, 30, NULL);

    if (m->policy.issuer[0]) {
        info[n].label = "制表单位：";
        snprintf(info[n++].value, sizeof info[0].value, "%s", m->policy.issuer);
    }
    info[n].label = "统 计 期：";
    snprintf(info[n++].value, sizeof info[0].value, "%s（%s）", d->months, period);
    info[n].label = "数据状态：";
    snprintf(info[n++].value, sizeof info[0].value, "%s", b->state_label);
    info[n].label = "制表日期：";
    snprintf(info[n++].value, sizeof info[0].value, "%s", d->made);
    info[n].label = "报送情况：";
    if (b->ranked)
        snprintf(info[n++].value, sizeof info[0].value, "园区 %zu 个，已报送 %zu 个，参与排名 %zu 个",
                 b->n_zones, b->n_reported, b->n_ranked);
    else
        snprintf(info[n++].value, sizeof info[0].value, "园区 %zu 个，已报送 %zu 个，本期尚未排名",
                 b->n_zones, b->n_reported);
    for (size_t i = 0; i < n; i++, r++) {
        worksheet_write_string(ws, r, COL_LABEL, info[i].label, d->f.cover_line);
        worksheet_write_string(ws, r, COL_VALUE, info[i].value, d->f.cover_line);
        worksheet_set_row(ws, r, 28, NULL);
    }
    worksheet_set_row(ws, r++, 28, NULL);
    {
        static const char *const contents[] = {"一、综合排名", "二、主要指标完成情况", "三、重点项目进展",
                                               "四、重点企业运行", "五、存在问题及下一步措施"};
        worksheet_write_string(ws, r, COL_LABEL, "目    录", d->f.cover_line);
        for (size_t i = 0; i < sizeof contents / sizeof contents[0]; i++, r++) {
            worksheet_write_string(ws, r, COL_VALUE, contents[i], d->f.cover_line);
            worksheet_set_row(ws, r, 26, NULL);
        }
    }
    worksheet_print_area(ws, 0, 0, r, 3);
    return 0;
}
