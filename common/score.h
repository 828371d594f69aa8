/* score.h - the assessment method: 功效系数法 (efficacy coefficient) scores for every zone
 * of a period, item and dimension subtotals, totals and ranks; and the star a zone's
 * December figures earn (DESIGN §2: scoring, stars).
 *
 * Pure domain code — no sockets, no SQLite — so the scorer, the bench and the tests run
 * the same arithmetic on the same matrix. The scheme, the stars and the catalogue come
 * from rules.h and master.h.
 */
#ifndef YB_SCORE_H
#define YB_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "master.h"
#include "ranking.h"
#include "rules.h"
#include "values.h"

typedef enum { METHOD_EFFICACY = 0, METHOD_MINMAX } score_method_t;

typedef struct {
    score_method_t method; /* efficacy: 60 + 40·(x − min)/(max − min); minmax: 0..100 */
    double equal_score;    /* every zone's score when max − min < 1e-9 (default 100) */
    double missing_score;  /* a value the zone did not report (default 0) */
} score_params_t;

typedef struct {
    double total;
    double dims[RANKING_MAX_DIMS];
    double items[RULES_MAX_ITEMS];
    int rank;
    char missing[256]; /* "tax.growth;rd_share", "" if none */
} zone_score_t;

/* Scores every reported row of v (values.h; v->zones[z].reported) under scheme s into
 * out[0..v->n_zones): each content and part scored across the zones that reported it,
 * parts and contents averaged, items weighted into dimension subtotals and totals; then
 * ranked by total among the reported rows (ties within 1e-9 share the better rank).
 * A row not reported is not scored: its out[z] is zeroed, rank 0. m gives directions
 * and names (v's columns are its indicators). 0, or -1 on bad input. */
int score_period(const scheme_t *s, const master_t *m, const values_t *v, const score_params_t *p,
                 zone_score_t *out);

/* The star a zone earns with December amounts amount[indicator] (NAN = not reported):
 * the highest star s such that every rule of every level 0..s is met;
 * RANKING_STAR_BELOW when level 0 is not met, RANKING_STAR_NONE without stars.csv. */
int score_star(const rules_t *r, const double *amount);

/* "efficacy" or "minmax": the name configuration files use. */
const char *score_method_name(score_method_t m);

/* The method named s ("efficacy" or "功效系数法", "minmax"), or -1 if unknown. */
int score_method_parse(const char *s);

#endif
