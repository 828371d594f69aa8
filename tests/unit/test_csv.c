/* test_csv.c - the RFC 4180 reader: fields, quoting, line endings and line numbers.
 *
 * Line numbers are what a desk officer uses to find a mistake in a sheet, so every
 * test that reads records also checks the line each record reports.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define MAX_RECS 16
#define MAX_FIELDS 8

/* Everything one input yields: records copied out (fields are only borrowed). */
typedef struct {
    size_t n;
    unsigned line[MAX_RECS];
    size_t n_fields[MAX_RECS];
    char field[MAX_RECS][MAX_FIELDS][64];
    int rc; /* the last csv_next() result: 0 at the end, -1 on malformed input */
    char err[256];
} read_t;

static read_t read_all(const char *data, size_t len) {
    read_t out;
    csv_reader_t *r = csv_open(data, len);
    csv_record_t rec;
    memset(&out, 0, sizeof out);
    cr_assert_not_null(r);
    while ((out.rc = csv_next(r, &rec, out.err, sizeof out.err)) == 1) {
        cr_assert_lt(out.n, MAX_RECS);
        out.line[out.n] = rec.line;
        out.n_fields[out.n] = rec.n_fields;
        for (size_t i = 0; i < rec.n_fields && i < MAX_FIELDS; i++)
            snprintf(out.field[out.n][i], sizeof out.field[0][0], "%s", rec.fields[i]);
        out.n++;
    }
    csv_close(&r);
    cr_assert_null(r, "csv_close sets the pointer to NULL");
    return out;
}

static read_t read_str(const char *s) {
    return read_all(s, strlen(s));
}

Test(csv, lf_records_and_lines) {
    read_t r = read_str("zone,period\njinshan,2017-06\nliyang,2017-05\n");
    cr_assert_eq(r.rc, 0);
    cr_assert_eq(r.n, 3);
    cr_assert_eq(r.n_fields[1], 2);
    cr_assert_str_eq(r.field[1][0], "jinshan");
    cr_assert_str_eq(r.field[1][1], "2017-06");
    cr_assert_str_eq(r.field[2][0], "liyang");
    cr_assert_eq(r.line[0], 1);
    cr_assert_eq(r.line[1], 2);
    cr_assert_eq(r.line[2], 3);
}

Test(csv, crlf_does_not_leave_a_carriage_return) {
    read_t r = read_str("a,b\r\nc,d\r\n\"e\",\"f\"\r\n");
    cr_assert_eq(r.rc, 0);
    cr_assert_eq(r.n, 3);
    cr_assert_str_eq(r.field[0][1], "b");
    cr_assert_str_eq(r.field[1][1], "d");
    cr_assert_str_eq(r.field[2][1], "f");
    cr_assert_eq(r.line[2], 3);
}

Test(csv, quoted_field_with_comma) {
    read_t r = read_str("P1,\"汽车电子产业园, 二期\",260000\n");
    cr_assert_eq(r.rc, 0);
    cr_assert_eq(r.n_fields[0], 3);
    cr_assert_str_eq(r.field[0][1], "汽车电子产业园, 二期");
    cr_assert_str_eq(r.field[0][2], "260000");
}

Test(csv, doubled_quotes) {
    read_t r = read_str("\"落实\"\"双控\"\"要求\",\"\"\"\",x\n");
    cr_assert_eq(r.rc, 0);
    cr_assert_str_eq(r.field[0][0], "落实\"双控\"要求");
    cr_assert_str_eq(r.field[0][1], "\"");
    cr_assert_str_eq(r.field[0][2], "x");
}

Test(csv, quoted_newline_keeps_later_line_numbers) {
    read_t r = read_str("h1,h2\n"
                        "a,\"line one\nline two\nline three\"\n"
                        "b,c\n"
                        "d,\"x\r\ny\"\r\n"
                        "e,f\n");
    cr_assert_eq(r.rc, 0);
    cr_assert_eq(r.n, 5);
    cr_assert_str_eq(r.field[1][1], "line one\nline two\nline three");
    cr_assert_eq(r.line[1], 2);
    cr_assert_eq(r.line[2], 5, "b,c follows a record spanning lines 2..4");
    cr_assert_eq(r.line[3], 6);
    cr_assert_str_eq(r.field[3][1], "x\r\ny", "a CRLF inside quotes is data");
    cr_assert_eq(r.line[4], 8);
}

Test(csv, blank_lines_are_skipped) {
    read_t r = read_str("\n\na,b\n\n\r\nc,d\n\n");
    cr_assert_eq(r.rc, 0);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(r.line[0], 3);
    cr_assert_eq(r.line[1], 6);
}

Test(csv, unterminated_quote_names_its_line) {
    read_t r = read_str("a,b\nc,d\ne,\"never closed\nf,g\n");
    cr_assert_eq(r.rc, -1);
    cr_assert_eq(r.n, 2, "records before the mistake are read");
    cr_assert(strstr(r.err, "line 3"), "%s", r.err);
    cr_assert(strstr(r.err, "never closed"), "%s", r.err);
}

Test(csv, text_after_closing_quote) {
    read_t r = read_str("a,b\n\"abc\"def,x\n");
    cr_assert_eq(r.rc, -1);
    cr_assert_eq(r.n, 1);
    cr_assert(strstr(r.err, "line 2"), "%s", r.err);
    cr_assert(strstr(r.err, "after a closing quote"), "%s", r.err);
}

Test(csv, text_after_closing_quote_on_a_later_line) {
    read_t r = read_str("\"a\nb\"c,d\n");
    cr_assert_eq(r.rc, -1);
    cr_assert(strstr(r.err, "line 2"), "the stray text is on line 2: %s", r.err);
}

Test(csv, final_record_without_newline) {
    read_t r = read_str("a,b\nc,d");
    cr_assert_eq(r.rc, 0);
    cr_assert_eq(r.n, 2);
    cr_assert_str_eq(r.field[1][1], "d");
    r = read_str("a,\"q\"");
    cr_assert_eq(r.rc, 0);
    cr_assert_str_eq(r.field[0][1], "q");
    r = read_str("a,b\r");
    cr_assert_eq(r.rc, 0);
    cr_assert_str_eq(r.field[0][1], "b", "a CR at the very end is a line ending");
}

Test(csv, empty_fields) {
    read_t r = read_str(",a,,\"\",\n,\n");
    cr_assert_eq(r.rc, 0);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(r.n_fields[0], 5);
    cr_assert_str_eq(r.field[0][0], "");
    cr_assert_str_eq(r.field[0][1], "a");
    cr_assert_str_eq(r.field[0][2], "");
    cr_assert_str_eq(r.field[0][3], "");
    cr_assert_str_eq(r.field[0][4], "");
    cr_assert_eq(r.n_fields[1], 2);
}

Test(csv, spaces_are_kept) {
    read_t r = read_str(" a , b \n");
    cr_assert_str_eq(r.field[0][0], " a ");
    cr_assert_str_eq(r.field[0][1], " b ");
}

Test(csv, empty_input) {
    read_t r = read_all("", 0);
    cr_assert_eq(r.rc, 0);
    cr_assert_eq(r.n, 0);
}

Test(csv, only_the_given_length_is_read) {
    const char data[] = "a,b\nc,d\n";
    read_t r = read_all(data, 4);
    cr_assert_eq(r.n, 1);
    cr_assert_str_eq(r.field[0][1], "b");
}

Test(csv, many_fields_and_long_fields) {
    char big[4096], line[2048];
    size_t off = 0;
    memset(line, 'x', 1500);
    line[1500] = '\0';
    off += (size_t)snprintf(big + off, sizeof big - off, "%s", line);
    for (int i = 0; i < 40; i++)
        off += (size_t)snprintf(big + off, sizeof big - off, ",%d", i);
    snprintf(big + off, sizeof big - off, "\nz\n");
    csv_reader_t *r = csv_open(big, strlen(big));
    csv_record_t rec;
    char err[128];
    cr_assert_eq(csv_next(r, &rec, err, sizeof err), 1);
    cr_assert_eq(rec.n_fields, 41);
    cr_assert_eq(strlen(rec.fields[0]), 1500);
    cr_assert_str_eq(rec.fields[40], "39");
    cr_assert_eq(csv_next(r, &rec, err, sizeof err), 1);
    cr_assert_eq(rec.line, 2);
    cr_assert_str_eq(rec.fields[0], "z");
    cr_assert_eq(csv_next(r, &rec, err, sizeof err), 0);
    csv_close(&r);
    csv_close(&r); /* NULL-safe */
}

/* What the CLI writes (ranking --csv, export) reads back as the same fields. */
Test(csv, written_fields_read_back_unchanged) {
    const char *fields[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "山城区", ""};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    csv_reader_t *r;
    csv_record_t rec;
    char err[128];
    cr_assert_not_null(f);
    for (size_t i = 0; i < 6; i++) {
        csv_write_field(f, fields[i]);
        fputc(i < 5 ? ',' : '\n', f);
    }
    fclose(f);
    cr_assert_str_eq(text, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",山城区,\n");
    r = csv_open(text, len);
    cr_assert_eq(csv_next(r, &rec, err, sizeof err), 1, "%s", err);
    cr_assert_eq(rec.n_fields, 6);
    for (size_t i = 0; i < 6; i++)
        cr_assert_str_eq(rec.fields[i], fields[i], "field %zu", i);
    csv_close(&r);
    free(text);
}

/* A title line above the header may hold no separator: the first line that holds one
 * decides, and a comma wins over tabs as before. */
Test(csv, guess_sep_looks_past_a_title_line) {
    const char *s = "鹤山区 2017年1-6月\nzone\tperiod\tamount\nbaoshan\t2017-06\t1,5\n";
    cr_assert_eq(csv_guess_sep(s, strlen(s)), '\t');
    cr_assert_eq(csv_guess_sep("a,b\tc\n", 6), ',');
    cr_assert_eq(csv_guess_sep("a\tb\n", 4), '\t');
    cr_assert_eq(csv_guess_sep("title\n", 6), ',');
    cr_assert_eq(csv_guess_sep("", 0), ',');
}
