/* ranking.h - one period's assessment ranking: what the scorer computes, stores,
 * publishes, and what `yuebao ranking` prints.
 *
 * A domain type like report.h, independent of SQLite and the wire: the scorer fills it,
 * the score store (sstore) keeps it, the codec carries it in chunks.
 */
#ifndef YB_RANKING_H
#define YB_RANKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "approval.h"
#include "master.h"
#include "period.h"

#define RANKING_MAX_DIMS 16
#define RANKING_MAX_ROWS 100000
#define RANKING_STAR_NONE (-2)  /* no December judged yet */
#define RANKING_STAR_BELOW (-1) /* judged: below the entry threshold (star 0) */

typedef struct {
    char zone[ZONE_CODE_SIZE];
    char county[COUNTY_CODE_SIZE];
    int rank;      /* 1 = best; tied zones share the better rank (1, 2, 2, 4) */
    int prev_rank; /* rank in the previous period of the same year, 0 if none */
    double total;  /* 0..100 */
    double dims[RANKING_MAX_DIMS];
    int star;          /* latest judged star (RANKING_STAR_*, or 0..) */
    int star_year;     /* the December it was judged on, 0 if none */
    bool promoted;     /* star_year's star is above every earlier year's */
    char missing[256]; /* contents the zone did not report, "tax.growth;rd_share" */
} ranking_row_t;

typedef struct {
    char period[PERIOD_STRLEN];
    char method[16]; /* "efficacy" (功效系数法) or "minmax" */
    int64_t computed_at_ms;
    char dims[RANKING_MAX_DIMS][64]; /* dimension names, scheme order */
    size_t n_dims;
    pstate_t state;   /* the period's city-wide state it was ranked in (PSTATE_NONE: unknown) */
    uint32_t version; /* 1; 2, 3 … once a published ranking was corrected (更正版); 0 unknown */
    ranking_row_t *rows; /* by rank, then zone code */
    size_t n_rows, cap_rows;
} ranking_t;

/* Appends a row (copied). Returns it, or NULL on out of memory or RANKING_MAX_ROWS. */
ranking_row_t *ranking_add_row(ranking_t *r, const ranking_row_t *row);

/* Frees the rows and zeroes r; r itself is not freed. */
void ranking_clear(ranking_t *r);

/* The climb since the previous period: prev_rank - rank (positive = climbed); 0 when
 * there is no previous rank. */
int ranking_delta(const ranking_row_t *row);

#endif
