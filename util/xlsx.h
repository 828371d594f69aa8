/* xlsx.h - reads an Excel workbook (.xlsx, Office Open XML) into a table_t.
 *
 * Mechanism only: it knows cells, not what they mean. The container is read with
 * libzip and each XML part is streamed through expat, so a sheet is never held as a
 * tree. What real files hold is covered: shared and inline strings (rich-text runs
 * joined, phonetic runs left out, Excel's _xHHHH_ escapes decoded), numbers, numbers
 * stored as text (kind TEXT, the text as typed), booleans (TEXT "TRUE"/"FALSE"), errors
 * (TEXT "#DIV/0!"), cached formula results, dates (is_date from the cell's number
 * format), percentages (is_percent: format 0% or 0.00%, or a code with a % that is not
 * quoted; the number is the stored 0.085 of a cell showing 8.5%), merged ranges (the
 * value kept in the top-left cell only), hidden rows, sheet names, order and state from
 * workbook.xml and its relationships.
 *
 * What the table holds: sheets in workbook order (a chart sheet has no rows); per sheet
 * only rows that hold a value, in row order; per row cells from column A to the last
 * value, cells skipped in the file filled as EMPTY. A cell holding the empty string is
 * EMPTY. A NUMBER cell's text is the number as the file stores it ("1234.5"); a 1904-
 * based workbook's dates are moved to the 1900 serials Excel uses everywhere else.
 *
 * Bounded: a workbook is a ZIP, so one that would unpack into far more than a sheet filled
 * in by hand ever holds is refused before it is unpacked (XLSX_MAX_PART_BYTES per part,
 * XLSX_MAX_TOTAL_BYTES over the parts read), as is a sheet past Excel's bounds
 * (TABLE_MAX_ROWS, TABLE_MAX_COLS) or a table over XLSX_MAX_CELLS cells or
 * XLSX_MAX_TEXT_BYTES of text. So is a workbook with more sheets, shared strings, cell
 * formats or custom number formats than the XLSX_MAX_* counts below: each is far past
 * what a report workbook holds (the cell formats are Excel's own limit), and each keeps
 * the reader's memory and time small for a small file (a 64 MiB part of "<si/>" would
 * otherwise be 13 million offsets, a cell format looked up among a million number
 * formats a minute of work). XML with a DTD is refused (no entity tricks).
 */
#ifndef YB_XLSX_H
#define YB_XLSX_H

#include <stddef.h>

#include "table.h"

#define XLSX_MAX_PART_BYTES ((size_t)64 << 20)   /* one part, uncompressed */
#define XLSX_MAX_TOTAL_BYTES ((size_t)256 << 20) /* all the parts read, uncompressed */
#define XLSX_MAX_CELLS ((size_t)2 << 20)         /* cells kept, EMPTY fill included */
#define XLSX_MAX_TEXT_BYTES ((size_t)64 << 20)   /* cell text kept, over the table */
#define XLSX_MAX_SHEETS 1000u                    /* sheets in workbook.xml */
#define XLSX_MAX_SHARED_STRINGS 1000000u         /* entries of sharedStrings.xml */
#define XLSX_MAX_CELL_FORMATS 65490u             /* cellXfs entries: Excel's own limit */
#define XLSX_MAX_NUMBER_FORMATS 1000u            /* custom numFmt entries (Excel: 200-250) */

/* Reads the workbook at path into *out (is_workbook set; free with table_free). Returns
 * 0, or -1 with *out empty and a message in err naming path and, where it is about one,
 * the part and line (“2017-06.xlsx: xl/worksheets/sheet1.xml: line 3: ...”): not a ZIP,
 * an Excel 97-2003 .xls (or password-protected) file, no workbook part, a part or total
 * over the limits, more sheets, shared strings or formats than XLSX_MAX_*, malformed XML, a cell past the sheet's bounds. */
int xlsx_read(const char *path, table_t *out, char *err, size_t errsz);

/* The same over a workbook already in memory, data[0..len) (borrowed for the call);
 * name is what err calls it. */
int xlsx_read_mem(const void *data, size_t len, const char *name, table_t *out, char *err, size_t errsz);

#endif
