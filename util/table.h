/* table.h - a grid of cells, whatever file it came from (a CSV file, an XLSX workbook).
 *
 * Mechanism only: sheets of rows of cells, each cell as the file holds it (text, a
 * number, or nothing) with what a reader needs to name it in a message: the sheet, the
 * row's number in the file and the column. What the cells mean is the reader's business
 * (common/county_table.c for a county's report).
 */
#ifndef YB_TABLE_H
#define YB_TABLE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { TABLE_EMPTY = 0, TABLE_TEXT, TABLE_NUMBER } table_kind_t;

typedef struct {
    table_kind_t kind;
    char *text;        /* UTF-8, never NULL ("" when empty): what the cell shows or holds */
    double number;     /* TABLE_NUMBER: the value (a cached formula result counts) */
    bool is_date;      /* TABLE_NUMBER formatted as a date/time (number = Excel serial) */
    bool from_formula; /* the cell had a formula; number/text is its cached value */
} table_cell_t;

typedef struct {
    unsigned ref; /* CSV: 1-based line; XLSX: 1-based row number */
    bool hidden;  /* XLSX: the row is hidden */
    table_cell_t *cells;
    size_t n_cells; /* cells[0] is column A / the first field */
} table_row_t;

typedef struct {
    char *name; /* sheet name (UTF-8); "" for a CSV file */
    int state;  /* 0 visible, 1 hidden, 2 veryHidden */
    table_row_t *rows;
    size_t n_rows; /* rows in order; missing rows are absent */
} table_sheet_t;

typedef struct {
    bool is_workbook; /* XLSX (cells named "Sheet!D7") vs CSV (cells named "line: column") */
    table_sheet_t *sheets;
    size_t n_sheets;
} table_t;

/* Frees everything t holds (every sheet, row and cell text) and zeroes *t, so it can be
 * filled again. NULL-safe. */
void table_free(table_t *t);

/* Writes the A1-style name of the cell at 0-based column col and 1-based row: "D7" for
 * column index 3, row 7; "AA12" for column 26. Always NUL-terminated. */
void table_cell_name(size_t col, unsigned row, char out[16]);

#endif
