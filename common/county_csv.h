/* county_csv.h - a county's monthly CSV file into reports, one per (zone, period).
 *
 * The text becomes a table (csv.h) and the table is read by county_table.h, so a CSV
 * file and a workbook are judged by the same rules in the same words. Any encoding
 * text.h reads.
 */
#ifndef YB_COUNTY_CSV_H
#define YB_COUNTY_CSV_H

#include <stddef.h>

#include "county_table.h"
#include "diag.h"
#include "master.h"
#include "report.h"

#define COUNTY_CSV_MAX_BYTES (16u << 20)
#define COUNTY_CSV_MAX_COLUMNS COUNTY_TABLE_MAX_COLUMNS
/* A county's monthly file has a few hundred cells; the table costs some 64 bytes a cell
 * where the file may spend one, so a file of commas is refused, not held at 64×. */
#define COUNTY_CSV_MAX_CELLS (1u << 20)

/* Parses utf8[0..len) (already UTF-8, see text.h) named `name` in messages, as
 * county_table_parse does (name:line: column: message). Input that is not UTF-8, or has
 * more than COUNTY_CSV_MAX_CELLS cells, is an error. Returns the number of errors. */
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

#endif
