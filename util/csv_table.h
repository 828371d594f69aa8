/* csv_table.h - CSV text as a table: csv.h's records in table.h's grid of cells.
 *
 * Mechanism only. Apart from csv.h so that csv.h's many readers need not see table.h
 * (some of them have a local table_t of their own).
 */
#ifndef YB_CSV_TABLE_H
#define YB_CSV_TABLE_H

#include <stddef.h>

#include "table.h"

/* Reads the whole of utf8[0..len) into *out as a table: one sheet named "", a row per
 * record (row.ref its line, blank lines skipped), a cell per field as written (not
 * trimmed), TABLE_TEXT or, when the field is "", TABLE_EMPTY; the separator as
 * csv_guess_sep says. At most max_cells cells in all (0: no limit), because a table
 * costs some 32 bytes a cell where the file may spend one on an empty field. Returns 0,
 * or -1 when a record is malformed, memory runs out or the cells exceed max_cells, with
 * the line in *err_line and the reason in err (no "line N: " before it): *out then holds
 * the rows before that line. Either way the caller frees *out with table_free. */
int csv_to_table(const char *utf8, size_t len, size_t max_cells, table_t *out, unsigned *err_line, char *err,
                 size_t errsz);

#endif
