/* cli_export_xlsx.c - the monthly bulletin as a workbook to print and to mail
 * (libxlsxwriter): the document a development office sends out as its 通报.
 *
 * Sheets, in print order (each is its own file, cli_bulletin.h):
 *   封面               the title, 制表单位, the period, the data state, the date, contents
 *   综合排名           rank, rank change, total and dimension scores, star, 十强, 十快
 *   主要指标(一)…      the main indicators, three a sheet, the zone column on every page
 *   重点项目进展       each zone's key projects
 *   重点企业运行       the period's key enterprises
 *   存在问题及下一步措施  the counties' own words, wrapped in their cells
 * This file holds what they share: the formats (10 pt 宋体 cells, nothing under 9 pt,
 * numbers as numbers with display formats so the office can still sum and sort), and the
 * page setup (A4, one page wide, the title in the page header, page numbers in the
 * footer, title and header rows and the zone columns repeated on every page).
 *
 * The figures are the table model's of cli_export.c (export_number, export_text), so
 * the workbook and the csv never disagree. The caller writes to a temporary file and
 * renames it (cli_export.c): a workbook is only ever whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "cli.h"
#include "cli_bulletin.h"
#include "clock.h"
#include "i18n.h"

#define FILL_LAGGARD 0xFFC7CE    /* light red */
#define FONT_LAGGING 0x9C0006    /* dark red */
#define FILL_UNREPORTED 0xEDEDED /* grey */
#define FONT_UNREPORTED 0x808080
#define FILL_HEAD 0xDDEBF7

/* A format with the bulletin's font at size pt. */
static lxw_format *font(lxw_workbook *wb, double pt) {
    lxw_format *x = workbook_add_format(wb);
    if (x) {
        format_set_font_name(x, BULLETIN_FONT);
        format_set_font_size(x, pt);
    }
    return x;
}

static void make_formats(lxw_workbook *wb, cli_bulletin_fmt_t *f) {
    static const char *const numfmt[BN_N] = {
        NULL, NULL, "0", "#,##0.0", "0.0", "0.00", "\"↑\"0;\"↓\"0;\"—\""};
    lxw_format *x;
    for (int s = 0; s < BS_N; s++)
        for (int n = 0; n < BN_N; n++) {
            if (!(x = f->cell[s][n] = font(wb, BULLETIN_PT))) continue;
            format_set_border(x, LXW_BORDER_THIN);
            format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
            if (numfmt[n]) format_set_num_format(x, numfmt[n]);
            if (n == BN_TEXT || n == BN_CHANGE || n == BN_INT) format_set_align(x, LXW_ALIGN_CENTER);
            if (n == BN_TEXT || n == BN_LEFT) format_set_text_wrap(x);
            if (s == BS_LAGGARD) format_set_bg_color(x, FILL_LAGGARD);
            if (s == BS_UNREPORTED) {
                format_set_bg_color(x, FILL_UNREPORTED);
                format_set_font_color(x, FONT_UNREPORTED);
            }
            if (s == BS_TOTAL) format_set_bold(x);
        }
    if ((x = f->lagging = font(wb, BULLETIN_PT))) {
        format_set_border(x, LXW_BORDER_THIN);
        format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
        format_set_num_format(x, "0.00");
        format_set_bg_color(x, FILL_LAGGARD);
        format_set_font_color(x, FONT_LAGGING);
        format_set_bold(x);
    }
    if ((x = f->stopped = font(wb, BULLETIN_PT))) {
        format_set_border(x, LXW_BORDER_THIN);
        format_set_align(x, LXW_ALIGN_CENTER);
        format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
        format_set_bg_color(x, FILL_LAGGARD);
        format_set_font_color(x, FONT_LAGGING);
        format_set_bold(x);
    }
    if ((x = f->title = font(wb, 16))) {
        format_set_bold(x);
        format_set_align(x, LXW_ALIGN_CENTER);
        format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
        format_set_text_wrap(x);
    }
    if ((x = f->subtitle = font(wb, BULLETIN_PT))) {
        format_set_align(x, LXW_ALIGN_RIGHT);
        format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
    }
    if ((x = f->head = font(wb, BULLETIN_PT))) {
        format_set_bold(x);
        format_set_text_wrap(x);
        format_set_border(x, LXW_BORDER_THIN);
        format_set_align(x, LXW_ALIGN_CENTER);
        format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
        format_set_bg_color(x, FILL_HEAD);
    }
    if ((x = f->note = font(wb, BULLETIN_NOTE_PT))) {
        format_set_text_wrap(x);
        format_set_align(x, LXW_ALIGN_VERTICAL_TOP);
    }
    if ((x = f->cover_big = font(wb, 26))) {
        format_set_bold(x);
        format_set_align(x, LXW_ALIGN_CENTER);
        format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
        format_set_text_wrap(x);
    }
    if ((x = f->cover_state = font(wb, 18))) {
        format_set_bold(x);
        format_set_font_color(x, FONT_LAGGING);
        format_set_align(x, LXW_ALIGN_CENTER);
        format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
    }
    if ((x = f->cover_line = font(wb, 14))) {
        format_set_align(x, LXW_ALIGN_LEFT);
        format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
        format_set_text_wrap(x);
    }
}

/* ---- what the sheets share ------------------------------------------------------------ */

lxw_worksheet *cli_bulletin_sheet(cli_bulletin_t *d, const char *name) {
    lxw_worksheet *ws = workbook_add_worksheet(d->wb, name);
    if (ws) d->n_sheets++;
    return ws;
}

void cli_bulletin_page(cli_bulletin_t *d, lxw_worksheet *ws, bool landscape, lxw_row_t first_repeat,
                       lxw_row_t last_repeat, lxw_col_t repeat_cols, lxw_row_t last_row, lxw_col_t last_col) {
    char header[600];
    lxw_header_footer_options hf = {.margin = 0.3};
    worksheet_set_paper(ws, 9); /* A4 */
    if (landscape)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_fit_to_pages(ws, 1, 0); /* one page wide, as many tall as it takes */
    worksheet_center_horizontally(ws);
    /* inches: left, right, top, bottom; header and footer 0.3 in from the edge */
    if (landscape)
        worksheet_set_margins(ws, 0.5, 0.5, 0.7, 0.7);
    else
        worksheet_set_margins(ws, 0.75, 0.75, 0.8, 0.8);
    snprintf(header, sizeof header, "&C&\"%s\"&9%s", BULLETIN_FONT, d->title);
    if (strlen(header) > 255 || worksheet_set_header_opt(ws, header, &hf) != LXW_NO_ERROR)
        worksheet_set_header_opt(ws, "&C&9&A", &hf); /* a title too long for a header: the sheet's name */
    worksheet_set_footer_opt(ws, "&C&\"" BULLETIN_FONT "\"&9第 &P 页，共 &N 页", &hf);
    if (last_repeat >= first_repeat) worksheet_repeat_rows(ws, first_repeat, last_repeat);
    if (repeat_cols > 0) worksheet_repeat_columns(ws, 0, repeat_cols - 1);
    worksheet_print_area(ws, 0, 0, last_row, last_col);
}

void cli_bulletin_heading(cli_bulletin_t *d, lxw_worksheet *ws, const char *heading, const char *small,
                          lxw_col_t last_col) {
    worksheet_merge_range(ws, 0, 0, 0, last_col, heading, d->f.title);
    worksheet_set_row(ws, 0, 30, NULL);
    worksheet_merge_range(ws, 1, 0, 1, last_col, small ? small : "", d->f.subtitle);
    worksheet_set_row(ws, 1, 18, NULL);
}

lxw_row_t cli_bulletin_notes(cli_bulletin_t *d, lxw_worksheet *ws, lxw_row_t row, lxw_col_t last_col,
                             double width, const char *const *lines, size_t n) {
    for (size_t i = 0; i < n; i++, row++) {
        int k = cli_bulletin_lines(lines[i], width * BULLETIN_PT / BULLETIN_NOTE_PT);
        if (last_col > 0)
            worksheet_merge_range(ws, row, 0, row, last_col, lines[i], d->f.note);
        else
            worksheet_write_string(ws, row, 0, lines[i], d->f.note);
        worksheet_set_row(ws, row, k * 12.5 + 3, NULL);
    }
    return row;
}

int cli_bulletin_style(const bulletin_row_t *row) {
    if (row->is_total) return BS_TOTAL;
    if (!row->reported) return BS_UNREPORTED;
    return bulletin_row_laggard(row) ? BS_LAGGARD : BS_NORMAL;
}

const char *cli_bulletin_county(const bulletin_row_t *row) {
    if (row->is_total) return row->total_name;
    return row->county ? row->county->name : row->zone->county;
}

const char *cli_bulletin_zone(const bulletin_row_t *row) {
    return row->is_total ? "" : row->zone->name;
}

/* ---- the workbook ----------------------------------------------------------------------- */

/* The date of making: today in Asia/Shanghai (YUEBAO_NOW pins it). */
static void made_on(char *buf, size_t size) {
    int y, mo, dd, hh, mi, ss;
    clock_civil_from_ms(clock_now_ms() + 8 * 3600 * 1000LL, &y, &mo, &dd, &hh, &mi, &ss);
    snprintf(buf, size, "%d年%d月%d日", y, mo, dd);
}

int export_xlsx(const bulletin_t *b, const master_t *m, const char *path, char *err, size_t errsz) {
    cli_bulletin_t d;
    lxw_doc_properties props;
    char subject[] = "主要指标完成情况通报", author[] = "yuebao";
    lxw_error rc;
    int bad = 0;

    memset(&d, 0, sizeof d);
    if (!(d.wb = workbook_new(path))) {
        snprintf(err, errsz, _("cannot start the workbook (out of memory?)"));
        return -1;
    }
    d.b = b;
    d.m = m;
    export_title(b, m, d.title, sizeof d.title);
    export_months(b, d.months, sizeof d.months);
    made_on(d.made, sizeof d.made);
    memset(&props, 0, sizeof props);
    props.title = d.title;
    props.subject = subject;
    props.author = author;
    props.company = (char *)m->policy.issuer;
    workbook_set_properties(d.wb, &props);
    make_formats(d.wb, &d.f);

    bad |= cli_bulletin_cover(&d);
    bad |= cli_bulletin_ranking(&d);
    bad |= cli_bulletin_indicators(&d);
    bad |= cli_bulletin_projects(&d);
    bad |= cli_bulletin_enterprises(&d);
    bad |= cli_bulletin_remarks(&d);
    if (bad) {
        snprintf(err, errsz, _("out of memory"));
        workbook_close(d.wb); /* frees it; the caller removes the file */
        return -1;
    }
    rc = workbook_close(d.wb);
    if (rc != LXW_NO_ERROR) {
        snprintf(err, errsz, "%s", lxw_strerror(rc));
        return -1;
    }
    return 0;
}
