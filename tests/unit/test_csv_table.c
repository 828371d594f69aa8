/* test_csv_table.c - CSV text as a table: lines, cells as written, the rows before an error.
 *
 * The county parser reads every CSV file through this table, so the line each row
 * carries and where a malformed record cuts the table are checked here first.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_table.h"
#include "table.h"


Test(csv_table, keeps_lines_fields_and_empties) {
    const char *s = "zone,period,amount\n\n\"jin,shan\",2017-06,\n x ,\"two\nlines\",1\n";
    table_t t;
    unsigned line = 99;
    char err[128];
    cr_assert_eq(csv_to_table(s, strlen(s), 0, &t, &line, err, sizeof err), 0, "%s", err);
    cr_assert_eq(line, 0);
    cr_assert_not(t.is_workbook);
    cr_assert_eq(t.n_sheets, 1);
    cr_assert_str_eq(t.sheets[0].name, "");
    cr_assert_eq(t.sheets[0].n_rows, 3, "the blank line 2 is no row");
    cr_assert_eq(t.sheets[0].rows[0].ref, 1);
    cr_assert_eq(t.sheets[0].rows[1].ref, 3);
    cr_assert_eq(t.sheets[0].rows[2].ref, 4, "line 4, where the record starts");
    cr_assert_eq(t.sheets[0].rows[1].n_cells, 3);
    cr_assert_str_eq(t.sheets[0].rows[1].cells[0].text, "jin,shan");
    cr_assert_eq(t.sheets[0].rows[1].cells[0].kind, TABLE_TEXT);
    cr_assert_eq(t.sheets[0].rows[1].cells[2].kind, TABLE_EMPTY);
    cr_assert_str_eq(t.sheets[0].rows[1].cells[2].text, "", "an empty cell's text is \"\", never NULL");
    cr_assert_str_eq(t.sheets[0].rows[2].cells[0].text, " x ", "cells are as written, not trimmed");
    cr_assert_str_eq(t.sheets[0].rows[2].cells[1].text, "two\nlines");
    table_free(&t);
    cr_assert_eq(t.n_sheets, 0);
    cr_assert_null(t.sheets);
    table_free(&t); /* again: nothing left */
    table_free(NULL);
}

Test(csv_table, keeps_the_rows_before_a_malformed_record) {
    const char *s = "a,b\n1,2\n\"3,4\n5,6\n";
    table_t t;
    unsigned line = 99;
    char err[128];
    cr_assert_eq(csv_to_table(s, strlen(s), 0, &t, &line, err, sizeof err), -1);
    cr_assert_eq(line, 3);
    cr_assert(!strncmp(err, "quoted field never closed", 25), "the reason alone, without its line: %s", err);
    cr_assert_eq(t.sheets[0].n_rows, 2);
    cr_assert_str_eq(t.sheets[0].rows[1].cells[1].text, "2");
    table_free(&t);
}

Test(csv_table, refuses_more_cells_than_the_cap) {
    const char *s = "a,b,c\n1,2,3\n4,5,6\n"; /* 9 cells */
    table_t t;
    unsigned line = 99;
    char err[128];
    cr_assert_eq(csv_to_table(s, strlen(s), 9, &t, &line, err, sizeof err), 0, "%s", err);
    table_free(&t);
    cr_assert_eq(csv_to_table(s, strlen(s), 8, &t, &line, err, sizeof err), -1);
    cr_assert_eq(line, 3);
    cr_assert_str_eq(err, "more than 8 cells in the file, the most it may have");
    cr_assert_eq(t.sheets[0].n_rows, 2, "the rows within the cap stay");
    table_free(&t);
}

Test(csv_table, guesses_tabs_past_a_title_line) {
    /* Excel's "Unicode text" of a sheet whose title line holds no separator */
    const char *s = "鹤山区 2017年1-6月\nzone\tperiod\tamount\nbaoshan\t2017-06\t1,5\n";
    table_t t;
    unsigned line = 99;
    char err[128];
    cr_assert_eq(csv_to_table(s, strlen(s), 0, &t, &line, err, sizeof err), 0, "%s", err);
    cr_assert_eq(t.sheets[0].rows[2].n_cells, 3);
    cr_assert_str_eq(t.sheets[0].rows[2].cells[2].text, "1,5", "a comma inside a tab file is text");
    table_free(&t);
}
