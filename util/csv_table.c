/* csv_table.c - CSV text as a table (see csv_table.h).
 *
 * The records come from csv.c's reader, so quoting, line breaks in quotes, CRLF and line
 * numbers are exactly what every other CSV reader of the project sees; the cells are
 * built with table.h's builders, so an empty field costs no allocation.
 */
#include "csv_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "i18n.h"

/* Appends one record to sh as a row (table.h's builders: an empty field costs no
 * allocation); -1 on out of memory. */
static int add_row(table_sheet_t *sh, const csv_record_t *rec) {
    table_row_t *row = table_row_add(sh, rec->line, rec->n_fields);
    if (!row) return -1;
    for (size_t i = 0; i < rec->n_fields; i++) {
        size_t len = strlen(rec->fields[i]);
        if (!len) continue; /* EMPTY, text "" */
        if (table_cell_set_text(&row->cells[i], rec->fields[i], len) < 0) return -1;
        row->cells[i].kind = TABLE_TEXT;
    }
    return 0;
}

int csv_to_table(const char *utf8, size_t len, size_t max_cells, table_t *out, unsigned *err_line, char *err,
                 size_t errsz) {
    csv_reader_t *r;
    csv_record_t rec;
    table_sheet_t *sh;
    char why[384];
    size_t n_cells = 0;
    unsigned line = 1;
    int rc;
    memset(out, 0, sizeof *out);
    *err_line = 0;
    err[0] = '\0';
    if (!(sh = table_sheet_add(out, "", 0)) || !(r = csv_open_sep(utf8, len, csv_guess_sep(utf8, len)))) {
        *err_line = 1;
        snprintf(err, errsz, "%s", _("out of memory"));
        return -1;
    }
    while ((rc = csv_next(r, &rec, why, sizeof why)) == 1) {
        line = rec.line;
        if (max_cells && rec.n_fields > max_cells - n_cells) {
            *err_line = line;
            snprintf(err, errsz,
                     ngettext("more than %zu cell in the file, the most it may have",
                              "more than %zu cells in the file, the most it may have", max_cells),
                     max_cells);
            break;
        }
        if (add_row(sh, &rec) < 0) {
            *err_line = line;
            snprintf(err, errsz, "%s", _("out of memory"));
            break;
        }
        n_cells += rec.n_fields;
    }
    if (rc < 0) {
        *err_line = line;
        /* the reader's "line N: " is in its language: ask it for the line and the reason */
        snprintf(err, errsz, "%s", csv_error_reason(r, why, err_line));
    }
    csv_close(&r);
    return *err_line ? -1 : 0;
}
