/* test_table.c - a table's cells named A1-style, and freeing a table built by hand. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static const char *name(size_t col, unsigned row) {
    static char buf[16];
    table_cell_name(col, row, buf);
    return buf;
}

Test(table, cell_names_are_excels) {
    cr_assert_str_eq(name(0, 1), "A1");
    cr_assert_str_eq(name(3, 7), "D7");
    cr_assert_str_eq(name(25, 2), "Z2");
    cr_assert_str_eq(name(26, 12), "AA12"); /* bijective base 26: no "A0" */
    cr_assert_str_eq(name(27, 1), "AB1");
    cr_assert_str_eq(name(51, 1), "AZ1");
    cr_assert_str_eq(name(52, 1), "BA1");
    cr_assert_str_eq(name(701, 1), "ZZ1");
    cr_assert_str_eq(name(702, 1), "AAA1");
    cr_assert_str_eq(name(16383, 1048576), "XFD1048576"); /* Excel's last cell */
    cr_assert_str_eq(name(0, 4294967295u), "A4294967295", "the longest row fits");
}

Test(table, free_releases_what_was_built_by_hand) {
    table_t t = {0};
    t.is_workbook = true;
    t.n_sheets = 1;
    t.sheets = calloc(1, sizeof *t.sheets);
    t.sheets[0].name = strdup("主要指标");
    t.sheets[0].n_rows = 1;
    t.sheets[0].rows = calloc(1, sizeof *t.sheets[0].rows);
    t.sheets[0].rows[0].ref = 4;
    t.sheets[0].rows[0].n_cells = 2;
    t.sheets[0].rows[0].cells = calloc(2, sizeof(table_cell_t));
    t.sheets[0].rows[0].cells[0] = (table_cell_t){TABLE_TEXT, strdup("baoshan"), 0, false, false};
    t.sheets[0].rows[0].cells[1] = (table_cell_t){TABLE_NUMBER, strdup("2032384"), 2032384, false, true};
    table_free(&t); /* ASan's leak check is the assertion */
    cr_assert_eq(t.n_sheets, 0);
    cr_assert_not(t.is_workbook);
    table_free(NULL);
}
