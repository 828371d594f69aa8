/* web_data.h - what yuebao-web's handlers read: the master data and rules loaded once at
 * start-up (read-only afterwards, so any number of threads share them), and the stores,
 * opened read-only by each request for itself.
 *
 * A request opens its own rstore_t / sstore_t (web_data_rstore, web_data_sstore) and
 * closes it before it answers: SQLite connections are not shared between threads, and an
 * open costs a few hundred microseconds against a page's tens of milliseconds. So there
 * is no mutable state here at all: nothing to lock, and what a page shows is the store's
 * at the moment it asked.
 *
 * web_period_t is one period as every page sees it, computed with the project's own
 * code so that the web agrees with the CLI to the last digit: values.h (`yuebao
 * totals`), bulletin.h (`yuebao export`: target completion, 十强 / 十快), the first
 * arrivals and the deadline (`yuebao status`), the ranking (`yuebao ranking`).
 */
#ifndef YB_WEB_DATA_H
#define YB_WEB_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "bulletin.h"
#include "master.h"
#include "ranking.h"
#include "rstore.h"
#include "rules.h"
#include "sstore.h"
#include "values.h"
#include "web.h"

struct web_data {
    const web_config_t *cfg; /* borrowed: store and scores paths */
    master_t *m;             /* the master folder's, loaded once */
    rules_t *rules;          /* its targets, pacing, schemes */
};

/* Builds a web_data_t from master data and rules already loaded (the tests; web_data_open
 * loads them): takes ownership of m and r (r may be NULL: no targets). NULL out of memory
 * (m and r then freed). */
web_data_t *web_data_new(const web_config_t *c, master_t *m, rules_t *r);

/* The master data and rules (never NULL / may be NULL). Borrowed, read-only. */
const master_t *web_data_master(const web_data_t *d);
const rules_t *web_data_rules(const web_data_t *d);

/* The report store / score store opened read-only for this request (caller closes), or
 * NULL with the reason in err (logged by the caller). */
rstore_t *web_data_rstore(const web_data_t *d, char *err, size_t errsz);
sstore_t *web_data_sstore(const web_data_t *d, char *err, size_t errsz);

/* The current period into out: the newest period with a report in st, else the period due
 * now (the first whose deadline is still ahead, targets_first_due). 0, or -1 on a store
 * error. */
int web_data_current_period(const web_data_t *d, rstore_t *st, int64_t now_ms, char out[PERIOD_STRLEN]);

/* The period's city-wide state as the JSON says it: "preliminary" (open), "approved",
 * "published". */
const char *web_state_name(pstate_t s);

/* One period as the pages see it. */
typedef struct {
    char period[PERIOD_STRLEN];
    period_t p;
    int64_t deadline_ms;  /* day deadline_day of the next month, 24:00 Asia/Shanghai */
    pstate_t state;       /* the city's (PSTATE_OPEN when never moved) */
    values_t v;           /* the current values (values.h) */
    values_totals_t t;    /* city and county totals */
    int64_t *first_at_ms; /* [master zone]: the first revision's commit; 0 = none */
    bool ranked;          /* rk holds the period's ranking */
    ranking_t rk;
    bulletin_t b;         /* completion rates, 十强, 十快: the bulletin's */
} web_period_t;

/* Loads period from st (one read transaction) and, when ss is not NULL, its ranking. 0;
 * -1 on a store error or out of memory (logged; out empty, web_period_free safe). */
int web_period_load(const web_data_t *d, rstore_t *st, sstore_t *ss, const char *period, web_period_t *out);
void web_period_free(web_period_t *wp);

/* True if master zone index iz of wp reported late: its first revision came at or after
 * the deadline (yuebao status's rule: a later correction does not make it late). */
bool web_period_late(const web_period_t *wp, size_t iz);

/* The bulletin row of zone (a master zone code), or NULL. */
const bulletin_row_t *web_period_row(const web_period_t *wp, const char *zone);

#endif
