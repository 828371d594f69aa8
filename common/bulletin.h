/* bulletin.h - the monthly bulletin (主要指标完成情况通报): what `yuebao export` writes,
 * computed without any I/O or formatting.
 *
 * One row per zone of master data and a city total row last. For each main indicator —
 * every flow or stock that carries a growth figure (indicators.csv: kind flow|stock,
 * has_growth yes), chosen from the catalogue, never by code — a row holds:
 *   amount       the YTD amount (flows) or the period-end level (stocks), as reported
 *   growth       the YoY growth % as reported (the city's: Σamount / Σ(amount/(1+g/100)) − 1)
 *   completion   amount / the year's target amount (targets-YYYY.csv), when there is one
 *   gap          (completion − expected share) × 100 percentage points, for what the
 *                scorer paces (flows, and whatever pacing.csv lists): expected share from
 *                pacing.csv, else month/12 (rules_pace)
 * then what the scorer stored for the period (total, rank, rank change, star), if the
 * period is ranked. Each figure has a has_* flag: a cell that does not apply or was not
 * reported is empty, never zero.
 *
 * The city total sums the amounts of the zones that reported; its completion compares
 * like with like — the amounts of the zones that reported and have a target amount
 * against the sum of those zones' targets — so a zone without a target (or one that has
 * not reported) neither inflates nor deflates the city's rate.
 *
 * Laggards (落后): a zone whose pace gap is below lag_pace_pp (the scorer's critical
 * pace threshold, −5 pp by default) on any main indicator, or whose rank is among the
 * last three when more than three zones are ranked. A zone that did not report is not
 * judged (it is marked not reported instead).
 *
 * 十强 and 十快 (DESIGN §2: the province rewards both): 十强 are the zones ranked in the
 * first BULLETIN_TOP_N places (tied zones share a rank, so a tie at the tenth place may
 * make more than ten); 十快 the BULLETIN_TOP_N zones that climbed most since the
 * previous period of the same year (rank change prev_rank − rank, only a climb, > 0,
 * counts; a tie at the tenth-largest climb takes every zone of it), none in the year's
 * first period.
 *
 * The printed bulletin also carries what the counties wrote: per zone its 存在问题 and
 * 下一步措施 and its key projects (bulletin_set_report), and the period's key enterprises
 * (bulletin_take_enterprises), as plain lists here, so the sheet writers read one model
 * and never a store. And the period's data
 * state for the title: 初步数据 until the period is approved (bulletin_set_state).
 */
#ifndef YB_BULLETIN_H
#define YB_BULLETIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bulletin_enterprises.h"
#include "master.h"
#include "period.h"
#include "ranking.h"
#include "report.h"
#include "rules.h"
#include "values.h"

#define BULLETIN_LAG_PACE_PP (-5.0) /* DESIGN §2: a pace gap below −5 pp is critical */
#define BULLETIN_LAG_BOTTOM 3       /* the last three places of the ranking */
#define BULLETIN_TOP_N 10           /* 十强, 十快 */
#define BULLETIN_STATE_PRELIMINARY "初步数据"

/* One figure set for one indicator of one row. */
typedef struct {
    bool has_amount;
    double amount;
    bool has_growth;
    double growth_pct;
    bool has_target; /* a target amount (≠ 0) for the year */
    double target;   /* for the total row: Σ targets of the zones counted in completion */
    bool has_completion;
    double completion_pct; /* amount / target × 100 */
    bool has_gap;
    double expected_pct; /* the expected share × 100 (set whenever has_gap) */
    double gap_pp;       /* completion_pct − expected_pct */
} bulletin_cell_t;

typedef struct {
    bool is_total;          /* the city total row (the last one) */
    const char *total_name; /* the total row's name: "全市合计", or a county's "XX合计" when
                               the bulletin is of one county's zones (borrowed) */
    const zone_t *zone;     /* borrowed from master; NULL for the total row */
    const county_t *county; /* borrowed from master; NULL for the total row or unknown */
    bool reported;          /* total row: true if any zone reported */
    bulletin_cell_t *cells; /* [n_indicators], in bulletin_t.indicators order */
    bool ranked;            /* the ranking has a row for the zone */
    double total_score;     /* 0..100 */
    int rank;               /* 1 = best */
    bool has_rank_change;   /* false in the year's first period */
    int rank_change;        /* prev_rank − rank: positive = climbed */
    int star;               /* RANKING_STAR_NONE (no December judged), _BELOW, or 0.. */
    bool lag_pace;          /* a pace gap below lag_pace_pp */
    bool lag_rank;          /* among the last BULLETIN_LAG_BOTTOM of the ranking */
    double dims[RANKING_MAX_DIMS]; /* the ranking's dimension scores (bulletin_t.dims order) */
    bool top;                      /* 十强: rank ≤ BULLETIN_TOP_N */
    bool fast;                     /* 十快: among the BULLETIN_TOP_N greatest climbs */
    char *problems;                /* 存在问题 as the county wrote it; NULL if none */
    char *next_steps;              /* 下一步措施; NULL if none */
} bulletin_row_t;

/* One key project of a zone's report (report_project_t), for the bulletin. */
typedef struct {
    size_t row; /* the zone's row in bulletin_t.rows */
    char code[64];
    char name[256];
    bool has_total;
    double total_investment; /* 万元 */
    bool has_ytd;
    double ytd_investment; /* 万元, this year to date */
    char status[64];       /* planned, under_construction, in_production (or as written) */
} bulletin_project_t;

typedef struct {
    period_t period;
    int *indicators; /* indexes into master_t.indicators: the main indicators */
    size_t n_indicators;
    bulletin_row_t *rows; /* the zones, then the city total */
    size_t n_rows;
    size_t n_zones, n_reported, n_ranked;
    bool ranked;      /* a ranking of the period was given */
    bool has_targets; /* targets-YYYY.csv exists for the period's year */
    double lag_pace_pp;
    char dims[RANKING_MAX_DIMS][64]; /* the ranking's dimension names, scheme order */
    size_t n_dims;
    size_t n_top, n_fast;         /* zones marked 十强, 十快 */
    bulletin_project_t *projects; /* by row, then as the report lists them */
    size_t n_projects;
    bulletin_enterprises_t enterprises; /* 重点企业运行 (bulletin_enterprises.h), master order */
    bool state_in_title;   /* the title ends in （state_label）: preliminary figures, a 更正版 */
    char state_label[64]; /* the data state as printed: 初步数据, 已核准, 已发布 (第2版) … */
    /* 核准 / 发布: the period's city-wide state — PSTATE_OPEN (初步数据, preliminary),
     * PSTATE_APPROVED (已核准) or PSTATE_PUBLISHED (已发布). bulletin_build takes the
     * ranking's (PSTATE_OPEN without one); the caller sets the report store's, which is
     * the truth (rstore_period_state). */
    pstate_t state;
    uint32_t version; /* the ranking's: 1, or 2, 3 … corrected after publication (更正版); 0 unranked */
} bulletin_t;

/* True for a main indicator of the bulletin: a flow or a stock that carries growth. */
bool bulletin_is_main(const indicator_t *ind);

/* Computes the bulletin of period p into *out (zeroed first; bulletin_clear it) from
 * master m, rules r (may be NULL: no targets, m/12 pacing), the period's values v
 * (values.h, built for m: its rows of master data's zones; the others are not in the
 * bulletin) and
 * the period's ranking rk (NULL when the period is not ranked; rows for zones m does
 * not know are ignored). Rows: with a ranking, the ranked zones as it lists them (by
 * rank, ties by zone code), then the others in master order; without one, master order
 * — counties as in regions.csv, zones by code within a county. The city total is the
 * last row. lag_pace_pp is the laggard threshold
 * (BULLETIN_LAG_PACE_PP). 0, or -1 out of memory or on values not built for m. */
int bulletin_build(bulletin_t *out, const master_t *m, const rules_t *r, period_t p, const values_t *v,
                   const ranking_t *rk, double lag_pace_pp);

/* Takes what zone row `row`'s report r says in words and lists into the bulletin: its
 * 存在问题 and 下一步措施 (copied) and its key projects (appended to b->projects, which
 * stays ordered by row when rows are given in order). Call it once per reported zone,
 * after bulletin_build. 0, or -1 out of memory or on a row that is not a zone's (b is
 * then as it was before, except for what was copied). */
int bulletin_set_report(bulletin_t *b, size_t row, const report_t *r);

/* Moves the period's key enterprises (bulletin_enterprises_load) into b, which owns
 * them from now on (bulletin_clear frees them); *list is left zeroed. Any enterprises b
 * held are freed first. */
void bulletin_take_enterprises(bulletin_t *b, bulletin_enterprises_t *list);

/* Sets the data state printed on the cover and atop every sheet: label (e.g. 已核准,
 * 已发布·更正版 第2版; NULL or "" gives 初步数据), and whether the title carries it too
 * ("…通报（初步数据）"): it must while the figures are preliminary, and should for a
 * corrected version. bulletin_build starts at 初步数据, in the title. */
void bulletin_set_state(bulletin_t *b, const char *label, bool in_title);

/* True if cell's pace gap is below b's laggard threshold (beyond a 1e-9 tolerance, as
 * the scorer grades: a gap of exactly −5 is not below −5). */
bool bulletin_cell_lagging(const bulletin_t *b, const bulletin_cell_t *c);

/* True if row is a laggard (lag_pace or lag_rank). */
bool bulletin_row_laggard(const bulletin_row_t *row);

/* The state as the bulletin's title says it: "初步数据", "已核准" or "已发布" (the
 * document is Chinese whatever the locale). */
const char *bulletin_state_words(const bulletin_t *b);

/* The title's mark of the state into buf: "（初步数据）", "（已发布）", and with a
 * corrected ranking "（初步数据·更正版 第2版）". */
void bulletin_state_mark(const bulletin_t *b, char *buf, size_t size);

/* Frees the bulletin's rows and zeroes it; NULL-safe. */
void bulletin_clear(bulletin_t *b);

#endif
