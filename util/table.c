/* table.c - freeing a table and naming its cells (see table.h). */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void table_free(table_t *t) {
    if (!t) return;
    for (size_t s = 0; s < t->n_sheets; s++) {
        table_sheet_t *sh = &t->sheets[s];
        for (size_t r = 0; r < sh->n_rows; r++) {
            for (size_t c = 0; c < sh->rows[r].n_cells; c++)
                free(sh->rows[r].cells[c].text);
            free(sh->rows[r].cells);
        }
        free(sh->rows);
        free(sh->name);
    }
    free(t->sheets);
    memset(t, 0, sizeof *t);
}

void table_cell_name(size_t col, unsigned row, char out[16]) {
    char letters[8];
    size_t n = 0;
    /* bijective base 26: A..Z, AA..ZZ, AAA.. (Excel's last column is XFD; five letters
     * name 12 million columns, and with a 10-digit row still fit in 16 bytes) */
    for (size_t c = col + 1; c > 0 && n < 5; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    for (size_t i = 0; i < n / 2; i++) {
        char x = letters[i];
        letters[i] = letters[n - 1 - i];
        letters[n - 1 - i] = x;
    }
    letters[n] = '\0';
    snprintf(out, 16, "%.5s%u", letters, row);
}
