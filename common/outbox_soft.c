/* outbox_soft.c - the soft checks of a report against the reports the outbox holds (see outbox.h).
 *
 * The aggregator judges a jump against its store; the collector knows the same figures
 * for every report it sent (the outbox's last_reports), so it refuses a 元-for-万元
 * file at once, with line and column, instead of after a round trip. `yuebao check
 * --outbox` opens the outbox read-only and calls the same function, so the dry run and
 * the collector agree. The outbox remembers the last report sent for a key and not
 * refused: a refusal puts it back to the content the store confirmed (outbox_settle_last),
 * so a correction is never judged against the refused figures. The aggregator's verdict
 * stays the authority.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"
#include "plausibility.h"

/* outbox_last into *out; 1 with a report that has values, 0 none, -1 error. */
static int last_of(outbox_t *o, const char *zone, const char *period, report_t *out) {
    uint32_t rev = 0;
    uint8_t *content = NULL;
    size_t len = 0;
    int have;
    memset(out, 0, sizeof *out);
    if (!period[0]) return 0;
    have = outbox_last(o, zone, period, &rev, &content, &len, out);
    free(content);
    if (have == 1 && out->n_values) {
        out->revision = rev;
        return 1;
    }
    report_clear(out);
    return have < 0 ? -1 : 0;
}

int outbox_values_known(outbox_t *o, const char *zone, const char *period, bool batch_has_values) {
    report_t last;
    int have;
    if (batch_has_values) return 1;
    have = last_of(o, zone, period, &last);
    report_clear(&last);
    return have;
}

int outbox_soft_check(outbox_t *o, const master_t *m, bool merge_jan_feb, const report_t *r,
                         diag_list_t *dl) {
    char prev_p[PERIOD_STRLEN], year_p[PERIOD_STRLEN];
    report_t cur, prev, year;
    int h0, h1, h2, n = -1;
    plausibility_neighbours(r->period, merge_jan_feb, prev_p, year_p);
    h0 = last_of(o, r->zone, r->period, &cur);
    h1 = last_of(o, r->zone, prev_p, &prev);
    h2 = last_of(o, r->zone, year_p, &year);
    if (h0 >= 0 && h1 >= 0 && h2 >= 0) {
        plausibility_base_t b = {h0 ? &cur : NULL, h1 ? &prev : NULL, h2 ? &year : NULL};
        n = (int)plausibility_check(m, r, &b, dl);
    }
    report_clear(&cur);
    report_clear(&prev);
    report_clear(&year);
    return n;
}
