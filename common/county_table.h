/* county_table.h - a county's monthly report, as a table of cells, into reports.
 *
 * One reader for every file a county desk sends: a CSV file (county_csv.h turns its
 * text into a table first), a workbook laid out like one (the long format on a sheet),
 * and the monthly template `yuebao template` writes (DESIGN §7).
 *
 * The long format is one row per zone × period × indicator, English headers
 * (zone,period,indicator,amount,growth_pct) or the Chinese template headers
 * (园区代码,统计期,指标,本年累计,同比增长(%)); or a key-project table told apart by its
 * header (zone,period,project,name,total_investment,ytd_investment,status, or 园区代码,
 * 统计期,项目编号,项目名称,总投资,本年完成投资,状态). Indicator and zone Chinese names
 * resolve to codes. Optional columns problems / next_steps (存在问题, 下一步措施) carry
 * the report's free text; in a values table an optional note (说明, 情况说明) column
 * carries a row's explanation, which confirms a figure the soft checks (plausibility.h)
 * would otherwise refuse. Column order is free; unknown columns are an error (a
 * misspelt header would silently drop data). Title and note rows above the header are
 * skipped: the header is the first row naming two of the columns.
 *
 * A workbook whose hidden `_yuebao` sheet says `yuebao-template` is a template: its
 * county and period come from that sheet, 主要指标 rows with a 本年累计 become values,
 * 重点项目 rows with a 项目编号 projects, 存在问题及下一步措施 the report's texts. Any
 * other workbook: each visible sheet with a header row is read like a CSV file.
 *
 * What an office types is forgiven where the meaning is plain — full-width digits and
 * signs, thousands separators, (12.3) for -12.3, spaces around codes and names, names
 * with stray spaces, periods that Excel made dates of — and said once per file in a
 * warning, with how many cells and the first few; what has lost information (2.03E+6
 * from a narrow column) is refused with the cell and what to do.
 */
#ifndef YB_COUNTY_TABLE_H
#define YB_COUNTY_TABLE_H

#include <stddef.h>

#include "diag.h"
#include "master.h"
#include "report.h"
#include "table.h"

#define COUNTY_TABLE_MAX_COLUMNS 1024 /* a header with more is refused, before any memory per column */

typedef struct {
    report_t *reports; /* in order of first appearance */
    size_t n, cap;
} report_set_t;

typedef struct {
    const char *county; /* a template must be this county's (NULL: any county master data knows) */
    const char *period; /* a template must be for this period, "YYYY-MM" (NULL: any) */
    const char *reader_error;   /* the reader's error that cut the table short (csv_to_table's),
                                 * reported after the rows (NULL: none) */
    unsigned reader_error_line; /* and its line */
} county_parse_opts_t;

/* Reads table t, named `name` (the file's base name) in messages, into set. Rows join
 * the report of their (zone, period) in set, creating it if needed, so a projects table
 * merges into the values table's reports. Appends every problem to dl: a CSV file's as
 * name:line: column: message, a workbook's as name: Sheet!D7: message; and a warning per
 * kind of input it forgave. Returns the number of errors. Rows with errors add nothing;
 * the caller decides whether a file with errors is sent at all. opts may be NULL. */
size_t county_table_parse(const master_t *m, const char *name, const table_t *t, report_set_t *set,
                          diag_list_t *dl, const county_parse_opts_t *opts);

/* Frees every report in set and the set's storage; the set can be reused. */
void report_set_clear(report_set_t *set);

#endif
