/* ranking.c - one period's ranking and its rows (see ranking.h). */
#include "ranking.h"

#include <stdlib.h>
#include <string.h>

ranking_row_t *ranking_add_row(ranking_t *r, const ranking_row_t *row) {
    if (r->n_rows == r->cap_rows) {
        size_t ncap = r->cap_rows ? r->cap_rows * 2 : 64;
        ranking_row_t *p;
        if (r->n_rows >= RANKING_MAX_ROWS) return NULL;
        if (ncap > RANKING_MAX_ROWS) ncap = RANKING_MAX_ROWS;
        p = realloc(r->rows, ncap * sizeof *p);
        if (!p) return NULL;
        r->rows = p;
        r->cap_rows = ncap;
    }
    r->rows[r->n_rows] = *row;
    return &r->rows[r->n_rows++];
}

void ranking_clear(ranking_t *r) {
    free(r->rows);
    memset(r, 0, sizeof *r);
}

int ranking_delta(const ranking_row_t *row) {
    return row->prev_rank > 0 ? row->prev_rank - row->rank : 0;
}
