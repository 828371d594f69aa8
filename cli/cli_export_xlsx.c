/* cli_export_xlsx.c - the monthly bulletin as an xlsx workbook (libxlsxwriter), for
 * printing and mailing.
 *
 * One sheet named after the period ("2017-06"): a title row, the header row (frozen,
 * with the zone columns, while scrolling), the zone rows and the city total — the same
 * columns and figures as the csv (the table model in cli_export.c) — then a few lines
 * explaining the figures and the laggard rule. Numbers are written as numbers, with
 * display formats (#,##0.0 for amounts, 0.0 for growth, 0.00 for rates and gaps), so
 * the office can still sum and sort; laggard rows are filled light red, rows of zones
 * that have not reported grey, and the total row is bold. Landscape A4, one page wide,
 * the header repeated on every printed page.
 *
 * The caller writes to a temporary file and renames it (cli_export.c): a workbook is
 * only ever whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "cli.h"
#include "i18n.h"

#define ROW_TITLE 0
#define ROW_HEAD 1
#define ROW_FIRST 2 /* the first zone row */

#define FILL_LAGGARD 0xFFC7CE    /* light red */
#define FILL_UNREPORTED 0xEDEDED /* grey */
#define FONT_UNREPORTED 0x808080

/* Row styles × number formats: one lxw_format each. */
enum { ST_NORMAL, ST_LAGGARD, ST_UNREPORTED, ST_TOTAL, N_STYLES };
enum { NF_TEXT, NF_INT, NF_AMOUNT, NF_ONE, NF_TWO, NF_CHANGE, N_NUMFMTS };

typedef struct {
    lxw_format *cell[N_STYLES][N_NUMFMTS];
    lxw_format *title, *head, *note;
} formats_t;

static void make_formats(lxw_workbook *wb, formats_t *f) {
    static const char *const numfmt[N_NUMFMTS] = {NULL, "0", "#,##0.0", "0.0", "0.00", "+0;-0;0"};
    for (int s = 0; s < N_STYLES; s++)
        for (int n = 0; n < N_NUMFMTS; n++) {
            lxw_format *x = workbook_add_format(wb);
            f->cell[s][n] = x;
            if (!x) continue;
            format_set_border(x, LXW_BORDER_THIN);
            format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
            if (numfmt[n]) format_set_num_format(x, numfmt[n]);
            if (n == NF_TEXT) format_set_text_wrap(x);
            if (s == ST_LAGGARD) format_set_bg_color(x, FILL_LAGGARD);
            if (s == ST_UNREPORTED) {
                format_set_bg_color(x, FILL_UNREPORTED);
                format_set_font_color(x, FONT_UNREPORTED);
            }
            if (s == ST_TOTAL) format_set_bold(x);
        }
    if ((f->title = workbook_add_format(wb))) {
        format_set_bold(f->title);
        format_set_font_size(f->title, 16);
        format_set_align(f->title, LXW_ALIGN_CENTER);
        format_set_align(f->title, LXW_ALIGN_VERTICAL_CENTER);
    }
    if ((f->head = workbook_add_format(wb))) {
        format_set_bold(f->head);
        format_set_text_wrap(f->head);
        format_set_border(f->head, LXW_BORDER_THIN);
        format_set_align(f->head, LXW_ALIGN_CENTER);
        format_set_align(f->head, LXW_ALIGN_VERTICAL_CENTER);
        format_set_bg_color(f->head, 0xDDEBF7);
    }
    if ((f->note = workbook_add_format(wb))) {
        format_set_text_wrap(f->note);
        format_set_align(f->note, LXW_ALIGN_VERTICAL_TOP);
    }
}

static int numfmt_of(export_kind_t kind) {
    switch (kind) {
    case EXPORT_SEQ:
    case EXPORT_RANK: return NF_INT;
    case EXPORT_AMOUNT: return NF_AMOUNT;
    case EXPORT_GROWTH: return NF_ONE;
    case EXPORT_COMPLETION:
    case EXPORT_GAP:
    case EXPORT_SCORE: return NF_TWO;
    case EXPORT_CHANGE: return NF_CHANGE;
    default: return NF_TEXT;
    }
}

static double width_of(export_kind_t kind) {
    switch (kind) {
    case EXPORT_SEQ: return 5;
    case EXPORT_COUNTY: return 22;
    case EXPORT_ZONE: return 24;
    case EXPORT_AMOUNT: return 15;
    case EXPORT_NOTE: return 36;
    case EXPORT_STAR:
    case EXPORT_RANK:
    case EXPORT_CHANGE: return 8;
    default: return 11;
    }
}

static int style_of(const bulletin_row_t *row) {
    if (row->is_total) return ST_TOTAL;
    if (!row->reported) return ST_UNREPORTED;
    return bulletin_row_laggard(row) ? ST_LAGGARD : ST_NORMAL;
}

/* The lines under the table. */
static void write_notes(lxw_worksheet *ws, const bulletin_t *b, lxw_row_t row, lxw_col_t last_col,
                        lxw_format *fmt) {
    char line[1024];
    const char *lines[5];
    char paced[512];
    size_t n = 0;
    if (b->period.month == 1)
        snprintf(paced, sizeof paced, "说明：本年累计为%d年1月数；", b->period.year);
    else
        snprintf(paced, sizeof paced, "说明：本年累计为%d年1-%d月累计数，期末数为%d月末数；", b->period.year,
                 b->period.month, b->period.month);
    snprintf(line, sizeof line,
             "%s目标完成率 = 本年累计 ÷ 年度目标；进度差 = 目标完成率 − 序时进度（百分点），序时进度按 "
             "pacing.csv，未列明的按 月数/12。",
             paced);
    lines[n++] = line;
    lines[n++] = "全市合计：增速 = Σ本年累计 ÷ Σ(本年累计 ÷ (1 + 增速)) − 1；目标完成率以已报送且有目标园区的"
                 "目标之和为分母。";
    lines[n++] =
        "落后（红色底纹）：任一主要指标进度差低于 −5 个百分点，或排名后三位（参与排名的园区多于三个时）；"
        "灰色：未报。";
    lines[n++] = b->ranked ? "排名变化 = 上期名次 − 本期名次（正数为前移）；星级按已评定的上年 12 月数据。"
                           : "本期尚未排名：综合得分、排名、星级空缺。";
    for (size_t i = 0; i < n; i++) {
        worksheet_merge_range(ws, row + (lxw_row_t)i, 0, row + (lxw_row_t)i, last_col, lines[i], fmt);
        worksheet_set_row(ws, row + (lxw_row_t)i, 30, NULL);
    }
}

int export_xlsx(const bulletin_t *b, const master_t *m, const char *path, char *err, size_t errsz) {
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws;
    lxw_doc_properties props;
    char subject[] = "主要指标完成情况通报", author[] = "yuebao";
    export_col_t *cols = NULL;
    formats_t f;
    size_t n_cols = 0;
    char sheet[PERIOD_STRLEN], title[256], text[1024];
    lxw_error rc;

    if (!wb) {
        snprintf(err, errsz, _("cannot start the workbook (out of memory?)"));
        return -1;
    }
    period_format(b->period, sheet);
    export_title(b, title, sizeof title);
    memset(&props, 0, sizeof props);
    props.title = title;
    props.subject = subject;
    props.author = author;
    workbook_set_properties(wb, &props);
    memset(&f, 0, sizeof f);
    make_formats(wb, &f);
    ws = workbook_add_worksheet(wb, sheet);
    cols = export_columns(b, m, &n_cols);
    if (!ws || !cols || n_cols == 0) {
        snprintf(err, errsz, _("out of memory"));
        free(cols);
        workbook_close(wb); /* frees it; the caller removes the file */
        return -1;
    }

    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, ROW_HEAD, ROW_HEAD);
    worksheet_freeze_panes(ws, ROW_FIRST, 3); /* title and header; 序号, 县区, 园区 */
    for (size_t c = 0; c < n_cols; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width_of(cols[c].kind), NULL);

    worksheet_merge_range(ws, ROW_TITLE, 0, ROW_TITLE, (lxw_col_t)(n_cols - 1), title, f.title);
    worksheet_set_row(ws, ROW_TITLE, 30, NULL);
    worksheet_set_row(ws, ROW_HEAD, 48, NULL);
    for (size_t c = 0; c < n_cols; c++)
        worksheet_write_string(ws, ROW_HEAD, (lxw_col_t)c, cols[c].head, f.head);

    for (size_t i = 0; i < b->n_rows; i++) {
        const bulletin_row_t *row = &b->rows[i];
        lxw_row_t r = ROW_FIRST + (lxw_row_t)i;
        int st = style_of(row);
        for (size_t c = 0; c < n_cols; c++) {
            int nf = numfmt_of(cols[c].kind);
            lxw_col_t col = (lxw_col_t)c;
            double x;
            if (nf != NF_TEXT) {
                if (export_number(row, i, &cols[c], &x))
                    worksheet_write_number(ws, r, col, x, f.cell[st][nf]);
                else
                    worksheet_write_blank(ws, r, col, f.cell[st][nf]);
                continue;
            }
            export_text(b, m, row, i, &cols[c], text, sizeof text);
            if (text[0])
                worksheet_write_string(ws, r, col, text, f.cell[st][nf]);
            else
                worksheet_write_blank(ws, r, col, f.cell[st][nf]);
        }
    }
    write_notes(ws, b, ROW_FIRST + (lxw_row_t)b->n_rows + 1, (lxw_col_t)(n_cols - 1), f.note);
    free(cols);

    rc = workbook_close(wb);
    if (rc != LXW_NO_ERROR) {
        snprintf(err, errsz, "%s", lxw_strerror(rc));
        return -1;
    }
    return 0;
}
