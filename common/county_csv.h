/* county_csv.h - a county's monthly CSV file into reports, one per (zone, period).
 *
 * DESIGN §7: long format, one row per zone × period × indicator, English headers
 * (zone,period,indicator,amount,growth_pct) or the Chinese template headers
 * (园区代码,统计期,指标,本年累计,同比增长(%)); or a key-project file told apart by its
 * header (zone,period,project,name,total_investment,ytd_investment,status, or 园区代码,
 * 统计期,项目编号,项目名称,总投资,本年完成投资,状态). Any encoding text.h reads. Indicator and
 * zone Chinese names resolve to codes. Optional columns problems / next_steps (存在问题,
 * 下一步措施) carry the report's free text; in a values file an optional note (说明,
 * 情况说明) column carries a row's explanation, which confirms a figure the soft checks
 * (plausibility.h) would otherwise refuse. Column order is free; unknown columns are
 * an error (a misspelt header would silently drop data).
 */
#ifndef YB_COUNTY_CSV_H
#define YB_COUNTY_CSV_H

#include <stddef.h>

#include "diag.h"
#include "master.h"
#include "report.h"

#define COUNTY_CSV_MAX_BYTES (16u << 20)
#define COUNTY_CSV_MAX_COLUMNS 1024 /* a header with more is refused, before any memory per column */

typedef struct {
    report_t *reports; /* in order of first appearance */
    size_t n, cap;
} report_set_t;

/* Parses utf8[0..len) (already UTF-8, see text.h) named `name` in messages. Rows join
 * the report of their (zone, period) in set, creating it if needed, so a projects
 * file merges into the values file's reports. Appends every problem to dl as
 * name:line: column: message; returns the number of errors. Rows with errors add
 * nothing; the caller decides whether a file with errors is sent at all. */
size_t county_csv_parse(const master_t *m, const char *name, const char *utf8, size_t len, report_set_t *set,
                        diag_list_t *dl);

/* Reads the county file at path into *text (UTF-8, caller frees) and *len: a name the
 * collector does not take (intake.h) or a file that cannot be read or decoded (any
 * supported encoding, at most COUNTY_CSV_MAX_BYTES) is one error in dl naming the file
 * by its base name, and -1; else 0. The collector and `yuebao check` both read so. */
int county_csv_read(const char *path, char **text, size_t *len, diag_list_t *dl);

/* Reads path (any supported encoding, at most COUNTY_CSV_MAX_BYTES) and parses it as
 * above, naming it by its base name. Returns the number of errors (an unreadable file
 * is one error). */
size_t county_csv_load(const master_t *m, const char *path, report_set_t *set, diag_list_t *dl);

/* Frees every report in set and the set's storage; the set can be reused. */
void report_set_clear(report_set_t *set);

#endif
