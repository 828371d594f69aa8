/* cli_bulletin.h - private to the printed bulletin (`yuebao export --format xlsx`): what
 * its sheet writers share.
 *
 *   cli_export_xlsx.c        the workbook: its formats, the page setup every sheet shares,
 *                            the sheets in order (export_xlsx)
 *   cli_bulletin_cover.c     封面: title, 制表单位, period, data state, date, contents
 *   cli_bulletin_ranking.c   一、综合排名: rank, Δrank, total and dimension scores, star,
 *                            十强, 十快
 *   cli_bulletin_indicators.c  二、主要指标完成情况: the main indicators, a few per sheet
 *   cli_bulletin_projects.c  三、重点项目进展, 四、重点企业运行
 *   cli_bulletin_remarks.c   五、存在问题及下一步措施: the counties' own words, wrapped
 *   cli_bulletin_text.c      the arithmetic of wrapped text: lines, row heights, chunks
 *
 * Each sheet is laid out for A4 (landscape where wide) at 100 % scale, so what prints
 * is the fonts' own size (10 pt cells, 9 pt notes and page header and footer): the
 * column widths of a sheet add up to less than the printable width, and fit-to-width
 * is there for a sheet a long name makes wider, never to shrink a table to 2 pt as the
 * one-sheet bulletin did. libxlsxwriter does not autofit rows, so a wrapped cell's row
 * height is estimated from its text (CJK characters are two width units, as Excel
 * measures a column in widths of "0").
 */
#ifndef YB_CLI_BULLETIN_H
#define YB_CLI_BULLETIN_H

#include <stdbool.h>
#include <stddef.h>
#include <xlsxwriter.h>

#include "bulletin.h"
#include "master.h"

#define BULLETIN_FONT "宋体"
#define BULLETIN_PT 10.0      /* cells */
#define BULLETIN_NOTE_PT 9.0  /* notes under a table, page header and footer */
#define BULLETIN_LINE_PT 14.0 /* the height of one line of 10 pt text */
#define BULLETIN_ROW_MAX_PT 409.0
/* The width budget of a landscape sheet, in Excel's column width units (a "0" of the
 * default font, 7 px, plus 5 px a column): A4 landscape less 2 × 0.5 in of margin is
 * about 140, and LibreOffice, without Calibri, draws a unit a little wider, so every
 * sheet keeps its columns under this to print at 100 %. */
#define BULLETIN_LANDSCAPE_UNITS 125.0
/* At most this many lines of text in one row, so a long remark continues in the next
 * row rather than growing a row taller than a page. */
#define BULLETIN_MAX_LINES 24

/* Row styles × number formats of the tables. */
enum { BS_NORMAL, BS_LAGGARD, BS_UNREPORTED, BS_TOTAL, BS_N };
enum {
    BN_TEXT,   /* text, centred, wrapped */
    BN_LEFT,   /* text, left and top, wrapped (names, remarks) */
    BN_INT,    /* 0 */
    BN_AMOUNT, /* #,##0.0 */
    BN_ONE,    /* 0.0 */
    BN_TWO,    /* 0.00 */
    BN_CHANGE, /* "↑"0;"↓"0;"—" */
    BN_N
};

typedef struct {
    lxw_format *cell[BS_N][BN_N];
    lxw_format *lagging;     /* a pace gap below the laggard threshold: red on red */
    lxw_format *title;       /* a sheet's title row */
    lxw_format *subtitle;    /* the line under it: unit, period, state */
    lxw_format *head;        /* header cells */
    lxw_format *note;        /* the notes under a table */
    lxw_format *cover_big;   /* the cover's title lines */
    lxw_format *cover_state; /* its （初步数据） */
    lxw_format *cover_line;  /* its 制表单位 … lines */
    lxw_format *stopped;     /* an enterprise stopped or cutting output: red */
} cli_bulletin_fmt_t;

/* One printed bulletin being written. */
typedef struct {
    lxw_workbook *wb;
    const bulletin_t *b;
    const master_t *m;
    cli_bulletin_fmt_t f;
    char title[512]; /* "鹤壁市产业集聚区 2017年1-6月 主要指标完成情况通报（初步数据）" */
    char months[64]; /* "2017年1-6月" */
    char made[64];   /* the date of making, "2017年7月5日" */
    int n_sheets;    /* added so far */
} cli_bulletin_t;

/* A sheet named name (UTF-8, ≤ 31 characters) added to d's workbook, or NULL. */
lxw_worksheet *cli_bulletin_sheet(cli_bulletin_t *d, const char *name);

/* Page setup shared by the sheets: A4, landscape or portrait, one page wide (as tall as
 * it takes), centred, margins, the title in the page header and 第 P 页 共 N 页 in the
 * footer (both 9 pt), rows first_repeat..last_repeat printed atop every page and
 * columns 0..repeat_cols-1 at the left of every page (0: none), the print area A1 to
 * (last_row, last_col). */
void cli_bulletin_page(cli_bulletin_t *d, lxw_worksheet *ws, bool landscape, lxw_row_t first_repeat,
                       lxw_row_t last_repeat, lxw_col_t repeat_cols, lxw_row_t last_row, lxw_col_t last_col);

/* A sheet's title row 0 (merged over columns 0..last_col, "一、综合排名" style heading
 * after the bulletin's title) and row 1, a line of small print (unit, period). */
void cli_bulletin_heading(cli_bulletin_t *d, lxw_worksheet *ws, const char *heading, const char *small,
                          lxw_col_t last_col);

/* Lines of note under a table from row on, merged over columns 0..last_col, each row
 * as tall as its text needs over width units. Returns the row after the last. */
lxw_row_t cli_bulletin_notes(cli_bulletin_t *d, lxw_worksheet *ws, lxw_row_t row, lxw_col_t last_col,
                             double width, const char *const *lines, size_t n);

/* The style of a bulletin row: total, not reported, laggard, normal. */
int cli_bulletin_style(const bulletin_row_t *row);

/* A zone row's names: its county's ("全市合计" for the total) and its own ("" for the
 * total). */
const char *cli_bulletin_county(const bulletin_row_t *row);
const char *cli_bulletin_zone(const bulletin_row_t *row);

/* The sheets, in the order they are printed; each 0, or -1 when libxlsxwriter cannot
 * add its sheet (out of memory). */
int cli_bulletin_cover(cli_bulletin_t *d);
int cli_bulletin_ranking(cli_bulletin_t *d);
int cli_bulletin_indicators(cli_bulletin_t *d);
int cli_bulletin_projects(cli_bulletin_t *d);
int cli_bulletin_enterprises(cli_bulletin_t *d);
int cli_bulletin_remarks(cli_bulletin_t *d);

/* ---- cli_bulletin_text.c ------------------------------------------------------------- */

/* Lines text takes in a wrapped cell of width units: each paragraph (split at '\n')
 * ceil(display width / usable width), at least 1; CJK characters are 2 units. */
int cli_bulletin_lines(const char *text, double width);

/* The row height in points for that many lines of 10 pt text (≤ BULLETIN_ROW_MAX_PT). */
double cli_bulletin_height(int lines);

/* Splits text into pieces of at most max_lines lines each in a cell of width units, at
 * paragraph ends where it can and otherwise between characters (never inside a UTF-8
 * sequence). Returns a malloc'd NULL-terminated array of malloc'd pieces (*n set; an
 * empty or NULL text gives none), or NULL out of memory. */
char **cli_bulletin_chunks(const char *text, double width, int max_lines, size_t *n);

/* Frees what cli_bulletin_chunks returned; NULL-safe. */
void cli_bulletin_chunks_free(char **chunks);

#endif
