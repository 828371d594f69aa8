/* table.h - a grid of cells, whatever file it came from: the sheets of a workbook, or the
 * one nameless sheet of a CSV file.
 *
 * Mechanism only: a cell is text, a number or nothing, with the few facts a reader of
 * office files needs to judge it (formatted as a date or a percentage, computed by a
 * formula). Every
 * string in a table belongs to it and goes with table_free(); an EMPTY cell's text is a
 * shared "" that is never freed, so a sparse row costs no allocation per cell. Build a
 * table with table_sheet_add(), table_row_add() and table_cell_set_text() so that
 * ownership stays right; read it through the structs.
 */
#ifndef YB_TABLE_H
#define YB_TABLE_H

#include <stdbool.h>
#include <stddef.h>

/* Excel's own bounds on a sheet: rows 1..1,048,576, columns A..XFD. */
#define TABLE_MAX_ROWS 1048576u
#define TABLE_MAX_COLS 16384u

typedef enum { TABLE_EMPTY = 0, TABLE_TEXT, TABLE_NUMBER } table_kind_t;

typedef struct {
    table_kind_t kind;
    char *text;        /* UTF-8, never NULL ("" when empty): what the cell shows or holds */
    double number;     /* TABLE_NUMBER: the value (a cached formula result counts) */
    bool is_date;      /* TABLE_NUMBER formatted as a date/time (number = Excel serial) */
    bool is_percent;   /* TABLE_NUMBER formatted as a percentage: 8.5% is held as 0.085 */
    bool from_formula; /* the cell had a formula; number/text is its cached value */
} table_cell_t;

typedef struct {
    unsigned ref;        /* CSV: 1-based line; XLSX: 1-based row number */
    bool hidden;         /* XLSX: the row is hidden */
    table_cell_t *cells; /* cells[0] is column A / the first field */
    size_t n_cells;
} table_row_t;

typedef struct {
    char *name;        /* sheet name (UTF-8); "" for a CSV file */
    int state;         /* 0 visible, 1 hidden, 2 veryHidden */
    table_row_t *rows; /* rows in order; missing rows are absent */
    size_t n_rows;
} table_sheet_t;

typedef struct {
    bool is_workbook; /* XLSX (cells named "Sheet!D7") vs CSV (cells named "line: column") */
    table_sheet_t *sheets;
    size_t n_sheets;
} table_t;

/* Frees every sheet, row, cell text and name of t and leaves t empty ({0}); the table
 * itself (often on the stack) is not freed. NULL-safe. */
void table_free(table_t *t);

/* Writes the A1-style name of the cell at 0-based column col and 1-based row: "D7" for
 * column 3, row 7; "XFD1048576" for the last cell of a sheet. Always NUL-terminated; a
 * column beyond five letters (col >= 12,356,630, far past Excel's XFD) is written "?". */
void table_cell_name(size_t col, unsigned row, char out[16]);

/* Parses an A1-style cell name ("D7", "$D$7", case-insensitive letters) into a 0-based
 * column and a 1-based row within Excel's bounds (TABLE_MAX_COLS, TABLE_MAX_ROWS).
 * Returns 0, or -1 if name is not exactly such a cell name. */
int table_cell_parse(const char *name, size_t *col, unsigned *row);

/* The first sheet of t named exactly name (bytes compared; a CSV file's sheet is ""), or
 * NULL if none. The pointer is borrowed from t. */
const table_sheet_t *table_sheet_find(const table_t *t, const char *name);

/* Appends a sheet named name (copied; NULL means "") with no rows and marks nothing else.
 * Returns the new sheet, valid until the next table_sheet_add() on t; NULL out of memory
 * (t unchanged). */
table_sheet_t *table_sheet_add(table_t *t, const char *name, int state);

/* Appends a row with ref and n_cells EMPTY cells (text ""). Rows must be added in the
 * order they are to be read; nothing sorts them. Returns the new row, valid until the
 * next table_row_add() on s; NULL out of memory (s unchanged). */
table_row_t *table_row_add(table_sheet_t *s, unsigned ref, size_t n_cells);

/* Sets the cell's text to a copy of text[0..len) (any bytes; NUL-terminated), freeing
 * the old one, and leaves kind, number and flags to the caller. len 0 makes the text the
 * shared "". Returns 0, or -1 out of memory (the cell unchanged). */
int table_cell_set_text(table_cell_t *c, const char *text, size_t len);

/* Empties the cell: kind EMPTY, text "", number 0, no flags; its old text is freed. */
void table_cell_clear(table_cell_t *c);

#endif
