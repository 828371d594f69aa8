/* test_diag.c - findings as people read them: lines, cells, and one line per mistake.
 *
 * The folded lines below are written out in full by hand, so a change to their words
 * or to which findings fold shows here first.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

static diag_list_t dl;

static void reset(void) {
    diag_clear(&dl);
}

TestSuite(diag, .fini = reset);

static const char *line_of(size_t i) {
    static char buf[1024];
    cr_assert_lt(i, dl.n);
    diag_format(&dl.items[i], buf, sizeof buf);
    return buf;
}

/* A finding made from the county parser's "not a number" format, with its group. */
static void not_a_number(const char *file, unsigned line, const char *field, bool cell, const char *text) {
    diag_add_cell(&dl, DIAG_ERROR, file, line, field, "\"%s\" is not a number", text);
    if (!cell) { /* a CSV column: the same group, no cell */
        dl.items[dl.n - 1].cell = false;
    }
}

Test(diag, csv_lines_and_workbook_cells) {
    diag_add(&dl, DIAG_ERROR, "410602.csv", 7, "amount", "\"x\" is not a number");
    diag_add_cell(&dl, DIAG_ERROR, "2017-06.xlsx", 7, "主要指标!D7", "\"x\" is not a number");
    diag_add(&dl, DIAG_WARNING, "410602.csv", 0, NULL, "full-width digits were read");
    cr_assert_str_eq(line_of(0), "410602.csv:7: amount: \"x\" is not a number");
    cr_assert_str_eq(line_of(1), "2017-06.xlsx: 主要指标!D7: \"x\" is not a number");
    cr_assert_eq(dl.items[1].line, 7, "the row stays, for sorting");
    cr_assert_str_eq(line_of(2), "410602.csv: warning: full-width digits were read");
    cr_assert_eq(dl.items[0].group, 0, "diag_add gives no group");
    cr_assert_eq(dl.items[1].group, diag_group_of("\"x\" is not a number"), "a cell's group is its format's");
    cr_assert_neq(diag_group_of(""), 0);
    cr_assert_neq(diag_group_of("a"), diag_group_of("b"));
}

/* The case: the same mistake in twenty rows is one line. */
Test(diag, twenty_identical_mistakes_are_one_line) {
    for (unsigned line = 7; line < 27; line++)
        diag_add(&dl, DIAG_ERROR, "410602.csv", line, "period", "\"Jun-17x\" is not a period");
    diag_add(&dl, DIAG_ERROR, "410602.csv", 30, "zone", "unknown zone \"宝山\"");
    diag_group(&dl);
    cr_assert_eq(dl.n, 2);
    cr_assert_str_eq(line_of(0), "410602.csv: period: \"Jun-17x\" is not a period (20 rows: 7, 8, 9, …)");
    cr_assert_eq(dl.items[0].count, 20);
    cr_assert_str_eq(line_of(1), "410602.csv:30: zone: unknown zone \"宝山\"", "a single finding is unchanged");
    cr_assert_eq(dl.n_errors, 21, "the counts stay");
    cr_assert_eq(diag_unlisted(&dl), 0, "folded findings are shown");
}

Test(diag, one_kind_in_different_words_folds_and_says_so) {
    char text[16];
    for (unsigned line = 7; line < 27; line++) {
        snprintf(text, sizeof text, "x%u", line);
        not_a_number("410602.csv", line, "amount", false, text);
    }
    not_a_number("410602.csv", 40, "growth_pct", false, "y"); /* another column */
    diag_group(&dl);
    cr_assert_eq(dl.n, 2);
    cr_assert_str_eq(line_of(0), "410602.csv: amount: \"x7\" is not a number (20 rows: 7, 8, 9, …; the first shown)");
    cr_assert_str_eq(line_of(1), "410602.csv:40: growth_pct: \"y\" is not a number");
}

Test(diag, workbook_cells_fold_by_sheet_and_column) {
    char cell[32];
    for (unsigned row = 7; row < 27; row++) {
        snprintf(cell, sizeof cell, "主要指标!H%u", row);
        not_a_number("2017-06.xlsx", row, cell, true, "abc");
    }
    not_a_number("2017-06.xlsx", 8, "主要指标!I8", true, "abc");  /* column I: its own line */
    not_a_number("2017-06.xlsx", 9, "重点项目!H9", true, "abc");  /* another sheet */
    not_a_number("2017-06.xlsx", 10, "重点项目!H10", true, "abc");
    diag_group(&dl);
    cr_assert_eq(dl.n, 3);
    cr_assert_str_eq(line_of(0), "2017-06.xlsx: 主要指标: \"abc\" is not a number (20 cells: H7, H8, H9, …)");
    cr_assert_str_eq(line_of(1), "2017-06.xlsx: 主要指标!I8: \"abc\" is not a number");
    cr_assert_str_eq(line_of(2), "2017-06.xlsx: 重点项目: \"abc\" is not a number (2 cells: H9, H10)");
}

/* Findings without a group fold only when their words are the same: the soft checks
 * name each indicator's figure, and each of those stays a line. */
Test(diag, ungrouped_findings_fold_only_when_identical) {
    diag_add(&dl, DIAG_ERROR, "410602.yuan.csv", 2, "amount", "revenue: amount 20323840000 is about 10 000×");
    diag_add(&dl, DIAG_ERROR, "410602.yuan.csv", 3, "amount", "va: amount 4603940000 is about 10 000×");
    diag_add(&dl, DIAG_ERROR, "410602.yuan.csv", 0, NULL, "no data rows");
    diag_add(&dl, DIAG_ERROR, "410602.yuan.csv", 0, NULL, "no data rows"); /* no line: never folded */
    diag_add(&dl, DIAG_WARNING, "410602.yuan.csv", 4, "amount", "revenue: amount 20323840000 is about 10 000×");
    diag_group(&dl);
    cr_assert_eq(dl.n, 5, "nothing folds: other words, no line, another severity");
}

Test(diag, other_files_never_fold) {
    diag_add(&dl, DIAG_ERROR, "a.csv", 2, "zone", "unknown zone \"x\"");
    diag_add(&dl, DIAG_ERROR, "b.csv", 2, "zone", "unknown zone \"x\"");
    diag_group(&dl);
    cr_assert_eq(dl.n, 2);
}

Test(diag, a_long_message_is_cut_to_keep_the_count) {
    char big[400];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    diag_add(&dl, DIAG_ERROR, "f.csv", 2, "note", "%s", big);
    diag_add(&dl, DIAG_ERROR, "f.csv", 3, "note", "%s", big);
    diag_group(&dl);
    cr_assert_eq(dl.n, 1);
    cr_assert_lt(strlen(dl.items[0].message), sizeof dl.items[0].message);
    cr_assert(strstr(dl.items[0].message, "… (2 rows: 2, 3)"), "%s", dl.items[0].message);
}

Test(diag, unlisted_counts_what_a_capped_list_dropped) {
    dl.max_items = 5;
    for (unsigned line = 2; line < 12; line++)
        diag_add(&dl, DIAG_ERROR, "f.csv", line, "zone", "unknown zone \"x\"");
    cr_assert_eq(dl.n, 5);
    cr_assert_eq(diag_unlisted(&dl), 5);
    diag_group(&dl);
    cr_assert_eq(dl.n, 1);
    cr_assert_str_eq(line_of(0), "f.csv: zone: unknown zone \"x\" (5 rows: 2, 3, 4, …)");
    cr_assert_eq(diag_unlisted(&dl), 5, "the five never kept are still unlisted");
}

Test(diag, sort_keeps_a_workbooks_sheets_together) {
    diag_add_cell(&dl, DIAG_ERROR, "w.xlsx", 9, "重点项目!A9", "b");
    diag_add_cell(&dl, DIAG_ERROR, "w.xlsx", 7, "主要指标!H7", "a");
    diag_add_cell(&dl, DIAG_ERROR, "w.xlsx", 4, "重点项目!A4", "c");
    diag_add(&dl, DIAG_ERROR, "a.csv", 3, "zone", "d");
    diag_sort(&dl);
    cr_assert_str_eq(dl.items[0].file, "a.csv");
    cr_assert_str_eq(dl.items[1].field, "主要指标!H7");
    cr_assert_str_eq(dl.items[2].field, "重点项目!A4");
    cr_assert_str_eq(dl.items[3].field, "重点项目!A9");
}

Test(diag, copy_is_independent) {
    diag_list_t c;
    diag_add(&dl, DIAG_ERROR, "f.csv", 2, "zone", "x");
    diag_add(&dl, DIAG_ERROR, "f.csv", 3, "zone", "x");
    cr_assert_eq(diag_copy(&c, &dl), 0);
    diag_group(&c);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(dl.n, 2, "the original is untouched");
    cr_assert_eq(c.n_errors, 2);
    diag_clear(&c);
}

/* Whatever a county's file puts into a finding — a sheet name or a cell's bytes with a
 * line break, an ANSI or 8-bit CSI escape — the finding is one line with no control
 * character: it cannot forge a line of an errors file, a receipt or a log, nor drive
 * the terminal of whoever runs yuebao check. */
Test(diag, a_finding_never_carries_a_control_character) {
    diag_add(&dl, DIAG_ERROR, "2017-06.xlsx", 0, "主要指标\n2017-06.xlsx: ACCEPTED\x1b[2J",
             "cell value %s is not a number", "1\nforged: line\xc2\x9b" "2J");
    diag_add_cell(&dl, DIAG_ERROR, "a.xlsx", 3, "S\rheet!A3", "%s", "\x1b]0;title\x07");
    for (size_t i = 0; i < dl.n; i++) {
        const char *s = line_of(i);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
            cr_assert(*p >= 0x20 && *p != 0x7f, "control byte 0x%02x in: %s", *p, s);
            cr_assert(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f), "a C1 control in: %s", s);
        }
    }
    cr_assert_not_null(strstr(line_of(0), "\\n"), "the line break is shown, escaped: %s", line_of(0));
    cr_assert_not_null(strstr(line_of(0), "主要指标"), "the text around it is kept: %s", line_of(0));
}
