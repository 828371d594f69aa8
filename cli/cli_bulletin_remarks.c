/* cli_bulletin_remarks.c - 五、存在问题及下一步措施: what each county wrote under 存在问题
 * and 下一步措施, in its own words, zone by zone in the bulletin's order.
 *
 * The text is wrapped inside its cell and the row made as tall as the longer of the two
 * needs (cli_bulletin_lines: libxlsxwriter does not autofit), so nothing is printed
 * over the next row. A text longer than BULLETIN_MAX_LINES lines goes on in the rows
 * below (cut at a paragraph's end where it can), with the zone's 序号, 县区 and 园区
 * merged down beside them: no row is ever taller than a page or Excel's 409 pt.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_bulletin.h"

#define ROW_HEAD 2
#define ROW_FIRST 3
#define W_SEQ 4.0
#define W_COUNTY 12.0
#define W_ZONE 14.0
#define W_TEXT 44.0

/* Writes col 0..2 (序号, 县区, 园区) of a zone over rows r..r+n-1; returns the lines the
 * longer name takes. */
static int names(cli_bulletin_t *d, lxw_worksheet *ws, lxw_row_t r, size_t n, size_t seq,
                 const bulletin_row_t *row, int st) {
    const cli_bulletin_fmt_t *f = &d->f;
    lxw_row_t end = r + (lxw_row_t)n - 1;
    if (n > 1) {
        worksheet_merge_range(ws, r, 0, end, 0, "", f->cell[st][BN_INT]);
        worksheet_merge_range(ws, r, 1, end, 1, "", f->cell[st][BN_TEXT]);
        worksheet_merge_range(ws, r, 2, end, 2, "", f->cell[st][BN_TEXT]);
    }
    worksheet_write_number(ws, r, 0, (double)seq, f->cell[st][BN_INT]);
    worksheet_write_string(ws, r, 1, cli_bulletin_county(row), f->cell[st][BN_TEXT]);
    worksheet_write_string(ws, r, 2, cli_bulletin_zone(row), f->cell[st][BN_TEXT]);
    {
        int a = cli_bulletin_lines(cli_bulletin_county(row), W_COUNTY),
            b = cli_bulletin_lines(cli_bulletin_zone(row), W_ZONE);
        return a > b ? a : b;
    }
}

int cli_bulletin_remarks(cli_bulletin_t *d) {
    static const char *const heads[] = {"序号", "县区", "园区", "存在问题", "下一步措施"};
    static const double widths[] = {W_SEQ, W_COUNTY, W_ZONE, W_TEXT, W_TEXT};
    const bulletin_t *b = d->b;
    const cli_bulletin_fmt_t *f = &d->f;
    lxw_worksheet *ws = cli_bulletin_sheet(d, "存在问题及下一步措施");
    lxw_row_t r = ROW_FIRST;
    char heading[600], small[300];
    size_t seq = 0;
    if (!ws) return -1;
    for (size_t c = 0; c < 5; c++) {
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
        worksheet_write_string(ws, ROW_HEAD, (lxw_col_t)c, heads[c], f->head);
    }
    worksheet_set_row(ws, ROW_HEAD, 20, NULL);
    snprintf(heading, sizeof heading, "五、%s产业集聚区%s存在问题及下一步措施", d->m->policy.city_name,
             d->months);
    snprintf(small, sizeof small, "各县区报送原文　　数据状态：%s", b->state_label);
    cli_bulletin_heading(d, ws, heading, small, 4);

    for (size_t i = 0; i < b->n_rows; i++) {
        const bulletin_row_t *row = &b->rows[i];
        int st = row->reported ? BS_NORMAL : BS_UNREPORTED;
        size_t n_p = 0, n_s = 0, n;
        char **p = NULL, **s = NULL;
        if (row->is_total) continue;
        seq++;
        p = cli_bulletin_chunks(row->problems, W_TEXT, BULLETIN_MAX_LINES, &n_p);
        s = cli_bulletin_chunks(row->next_steps, W_TEXT, BULLETIN_MAX_LINES, &n_s);
        if (!p || !s) {
            cli_bulletin_chunks_free(p);
            cli_bulletin_chunks_free(s);
            return -1;
        }
        n = n_p > n_s ? n_p : n_s;
        if (n == 0) { /* nothing written: say why, in grey */
            int lines = names(d, ws, r, 1, seq, row, st);
            worksheet_write_string(ws, r, 3, row->reported ? "本期未填写" : "未报",
                                   f->cell[BS_UNREPORTED][BN_LEFT]);
            worksheet_write_blank(ws, r, 4, f->cell[BS_UNREPORTED][BN_LEFT]);
            worksheet_set_row(ws, r++, cli_bulletin_height(lines), NULL);
        } else {
            int name_lines = names(d, ws, r, n, seq, row, st);
            for (size_t k = 0; k < n; k++, r++) {
                int lines = 1, lp = 0, ls = 0;
                if (k < n_p) {
                    worksheet_write_string(ws, r, 3, p[k], f->cell[BS_NORMAL][BN_LEFT]);
                    lp = cli_bulletin_lines(p[k], W_TEXT);
                } else {
                    worksheet_write_blank(ws, r, 3, f->cell[BS_NORMAL][BN_LEFT]);
                }
                if (k < n_s) {
                    worksheet_write_string(ws, r, 4, s[k], f->cell[BS_NORMAL][BN_LEFT]);
                    ls = cli_bulletin_lines(s[k], W_TEXT);
                } else {
                    worksheet_write_blank(ws, r, 4, f->cell[BS_NORMAL][BN_LEFT]);
                }
                lines = lp > ls ? lp : ls;
                if (k == 0 && name_lines > lines) lines = name_lines;
                worksheet_set_row(ws, r, cli_bulletin_height(lines), NULL);
            }
        }
        cli_bulletin_chunks_free(p);
        cli_bulletin_chunks_free(s);
    }
    {
        const char *lines[] = {"说明：各县区随月报报送的文字，照录原文；灰色：未报或本期未填写。"};
        r = cli_bulletin_notes(d, ws, r + 1, 4, W_SEQ + W_COUNTY + W_ZONE + 2 * W_TEXT, lines, 1);
    }
    worksheet_freeze_panes(ws, ROW_FIRST, 0);
    cli_bulletin_page(d, ws, true, 0, ROW_HEAD, 0, r, 4);
    return 0;
}
