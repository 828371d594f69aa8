/* table.c - a grid of cells from a workbook or a CSV file (see table.h).
 *
 * The structs carry no capacities, so the arrays the builders append to grow by doubling
 * at powers of two: an array of n items has room for the next power of two, and
 * reallocates exactly when n is 0 or a power of two. Appending stays amortised O(1)
 * without a field the interface would have to explain.
 */
#include "table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text of every EMPTY cell: writable (so cells can point at it as char *), shared,
 * and never freed. */
static char table_empty_text[1];

/* Makes room for item n of an array built only by appending; 0, or -1 out of memory. */
static int grow(void **items, size_t n, size_t size) {
    if (n & (n - 1)) return 0; /* not a power of two: the room is there */
    size_t cap = n ? n * 2 : 1;
    if (cap > SIZE_MAX / size) return -1;
    void *p = realloc(*items, cap * size);
    if (!p) return -1;
    *items = p;
    return 0;
}

void table_free(table_t *t) {
    if (!t) return;
    for (size_t i = 0; i < t->n_sheets; i++) {
        table_sheet_t *s = &t->sheets[i];
        for (size_t r = 0; r < s->n_rows; r++) {
            for (size_t c = 0; c < s->rows[r].n_cells; c++)
                table_cell_clear(&s->rows[r].cells[c]);
            free(s->rows[r].cells);
        }
        free(s->rows);
        free(s->name);
    }
    free(t->sheets);
    memset(t, 0, sizeof *t);
}

void table_cell_name(size_t col, unsigned row, char out[16]) {
    char letters[6];
    size_t n = 0, i = 0;
    if (col >= 12356630) { /* 26 + 26^2 + ... + 26^5: more than five letters */
        snprintf(out, 16, "?");
        return;
    }
    /* Bijective base 26: A..Z, AA..ZZ, ... (there is no zero digit). */
    for (size_t v = col + 1; v > 0; v = (v - 1) / 26)
        letters[n++] = (char)('A' + (v - 1) % 26);
    while (n > 0)
        out[i++] = letters[--n];
    snprintf(out + i, 16 - i, "%u", row);
}

int table_cell_parse(const char *name, size_t *col, unsigned *row) {
    const char *p = name;
    size_t c = 0, n_letters = 0;
    unsigned long r = 0;
    if (*p == '$') p++;
    for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++) {
        if (++n_letters > 3) return -1;
        c = c * 26 + (size_t)((*p | 0x20) - 'a' + 1);
    }
    if (n_letters == 0 || c > TABLE_MAX_COLS) return -1;
    if (*p == '$') p++;
    if (*p < '1' || *p > '9') return -1; /* no row 0, no leading zeros */
    for (; *p >= '0' && *p <= '9'; p++) {
        r = r * 10 + (unsigned long)(*p - '0');
        if (r > TABLE_MAX_ROWS) return -1;
    }
    if (*p) return -1;
    *col = c - 1;
    *row = (unsigned)r;
    return 0;
}

const table_sheet_t *table_sheet_find(const table_t *t, const char *name) {
    for (size_t i = 0; t && i < t->n_sheets; i++)
        if (strcmp(t->sheets[i].name, name) == 0) return &t->sheets[i];
    return NULL;
}

table_sheet_t *table_sheet_add(table_t *t, const char *name, int state) {
    char *copy = strdup(name ? name : "");
    if (!copy || grow((void **)&t->sheets, t->n_sheets, sizeof *t->sheets) < 0) {
        free(copy);
        return NULL;
    }
    table_sheet_t *s = &t->sheets[t->n_sheets++];
    memset(s, 0, sizeof *s);
    s->name = copy;
    s->state = state;
    return s;
}

table_row_t *table_row_add(table_sheet_t *s, unsigned ref, size_t n_cells) {
    table_cell_t *cells = NULL;
    if (n_cells) {
        cells = calloc(n_cells, sizeof *cells);
        if (!cells) return NULL;
        for (size_t i = 0; i < n_cells; i++)
            cells[i].text = table_empty_text;
    }
    if (grow((void **)&s->rows, s->n_rows, sizeof *s->rows) < 0) {
        free(cells);
        return NULL;
    }
    table_row_t *row = &s->rows[s->n_rows++];
    memset(row, 0, sizeof *row);
    row->ref = ref;
    row->cells = cells;
    row->n_cells = n_cells;
    return row;
}

int table_cell_set_text(table_cell_t *c, const char *text, size_t len) {
    char *copy = table_empty_text;
    if (len) {
        if (!(copy = malloc(len + 1))) return -1;
        memcpy(copy, text, len);
        copy[len] = '\0';
    }
    if (c->text && c->text != table_empty_text) free(c->text);
    c->text = copy;
    return 0;
}

void table_cell_clear(table_cell_t *c) {
    if (c->text && c->text != table_empty_text) free(c->text);
    memset(c, 0, sizeof *c);
    c->text = table_empty_text;
}
