/* test_table.c - the grid of cells: A1 names both ways, building, finding, freeing.
 *
 * Cell names are what a desk officer is shown ("主要指标!D7"), so the names are checked
 * at the edges of bijective base 26 (Z/AA, ZZ/AAA) and of Excel's sheet (XFD1048576).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "table.h"

Test(table, cell_names) {
    char out[16];
    struct {
        size_t col;
        unsigned row;
        const char *name;
    } cases[] = {{0, 1, "A1"},
                 {3, 7, "D7"},
                 {25, 10, "Z10"},
                 {26, 1, "AA1"},
                 {51, 2, "AZ2"},
                 {52, 3, "BA3"},
                 {701, 4, "ZZ4"},
                 {702, 5, "AAA5"},
                 {16383, 1048576, "XFD1048576"},
                 {18277, 1, "ZZZ1"},
                 {12356629, 4294967295u, "ZZZZZ4294967295"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        table_cell_name(cases[i].col, cases[i].row, out);
        cr_assert_str_eq(out, cases[i].name);
    }
    table_cell_name(12356630, 1, out);
    cr_assert_str_eq(out, "?");
}

Test(table, cell_parse) {
    size_t col = 99;
    unsigned row = 99;
    cr_assert_eq(table_cell_parse("D7", &col, &row), 0);
    cr_assert_eq(col, 3);
    cr_assert_eq(row, 7);
    cr_assert_eq(table_cell_parse("$aa$10", &col, &row), 0);
    cr_assert_eq(col, 26);
    cr_assert_eq(row, 10);
    cr_assert_eq(table_cell_parse("XFD1048576", &col, &row), 0);
    cr_assert_eq(col, 16383);
    cr_assert_eq(row, 1048576);
    const char *bad[] = {"",      "A",   "7",   "A0",  "A07", "XFE1", "A1048577",
                         "AAAA1", "A1 ", " A1", "A-1", "1A",  "A$$1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        col = 99, row = 99;
        cr_assert_eq(table_cell_parse(bad[i], &col, &row), -1, "\"%s\" accepted", bad[i]);
        cr_assert_eq(col, 99, "\"%s\" wrote the column", bad[i]);
    }
}

Test(table, build_find_and_free) {
    table_t tb = {0};
    table_free(NULL);
    table_free(&tb);
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        table_sheet_t *s = table_sheet_add(&tb, name, i % 3);
        cr_assert_not_null(s);
        for (unsigned r = 1; r <= 100; r++) {
            table_row_t *rw = table_row_add(s, r * 2, r % 4);
            cr_assert_not_null(rw);
            for (size_t c = 0; c < rw->n_cells; c++) {
                cr_assert_eq(rw->cells[c].kind, TABLE_EMPTY);
                cr_assert_str_eq(rw->cells[c].text, "");
            }
            if (rw->n_cells) {
                cr_assert_eq(table_cell_set_text(&rw->cells[0], "hello", 5), 0);
                cr_assert_eq(table_cell_set_text(&rw->cells[0], "héllo wörld", 13), 0); /* replaces, frees */
                rw->cells[0].kind = TABLE_TEXT;
            }
            if (rw->n_cells > 1) {
                cr_assert_eq(table_cell_set_text(&rw->cells[1], "x", 1), 0);
                table_cell_clear(&rw->cells[1]);
                cr_assert_eq(table_cell_set_text(&rw->cells[1], "ignored", 0), 0);
                cr_assert_str_eq(rw->cells[1].text, "");
            }
        }
    }
    table_sheet_add(&tb, NULL, 0);
    cr_assert_eq(tb.n_sheets, 6);
    cr_assert_str_eq(tb.sheets[5].name, "");
    cr_assert_eq(table_sheet_find(&tb, ""), &tb.sheets[5]);
    cr_assert_eq(table_sheet_find(&tb, "s3"), &tb.sheets[3]);
    cr_assert_eq(tb.sheets[3].state, 0);
    cr_assert_eq(tb.sheets[2].state, 2);
    cr_assert_null(table_sheet_find(&tb, "s9"));
    cr_assert_null(table_sheet_find(NULL, "s1"));
    cr_assert_eq(tb.sheets[4].n_rows, 100);
    cr_assert_eq(tb.sheets[4].rows[99].ref, 200);
    cr_assert_str_eq(tb.sheets[4].rows[0].cells[0].text, "héllo wörld");
    table_free(&tb);
    cr_assert_eq(tb.n_sheets, 0);
    cr_assert_null(tb.sheets);
}
