/* filecheck.h - the verdict on one county file before anything of it is sent.
 *
 * The collector and `yuebao check` both judge a file here, so a desk officer's dry run
 * refuses exactly the files the collector refuses, in the same words: a file is read
 * (county_csv_read: the names intake.h takes, any encoding text.h takes; or a workbook
 * read into a table), parsed (county_table.h), must hold at least one data row, and every report it builds that
 * carries values must pass the hard rules (validate.h). What depends on earlier reports — a correction's merge with the last
 * report sent, the soft checks against it (plausibility.h) — the caller adds with
 * the reports it knows.
 */
#ifndef YB_FILECHECK_H
#define YB_FILECHECK_H

#include <stddef.h>

#include "county_csv.h"
#include "county_table.h"
#include "diag.h"
#include "master.h"
#include "table.h"
#include "validate.h"

/* Judges utf8[0..len) named `name`: parses it into set and validates each report of
 * it that has values (as revision 1: the collector numbers it later) for county (NULL:
 * any). A file without a data row (a header alone, or only empty rows) is an error.
 * Appends every finding to dl; returns the number of errors. */
size_t filecheck_judge(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                       const char *utf8, size_t len, report_set_t *set, diag_list_t *dl);

/* The same for a table: a workbook's (xlsx.h) or a CSV file's (csv_to_table), named
 * `name`. county also decides which templates are taken: a template of another county
 * is refused (county_table.h). */
size_t filecheck_judge_table(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                             const table_t *t, report_set_t *set, diag_list_t *dl);

/* The error for a key-projects file whose (zone, period) has no indicator values yet,
 * neither in the batch nor in the last report sent. */
void filecheck_projects_first(diag_list_t *dl, const char *name, const char *zone, const char *period);

#endif
