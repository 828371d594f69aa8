/* plausibility.c - the soft checks: a figure orders of magnitude off its baseline (see plausibility.h).
 *
 * The baselines differ in what they can say. The previous revision of the same period
 * is the sharpest: a correction changes a figure by a few percent, so 10 000× is a unit
 * mistake. The previous period of the same year is a year-to-date for a flow, so it is
 * compared per month covered (1-5月 against 1-6月: 5 months against 6), which keeps
 * January-to-December growth of the cumulative figure from counting as a jump. The same
 * period last year catches a zone's first report of a year.
 *
 * Only the first baseline that has the indicator is used: a figure entered in 元 would
 * trip all three, and the desk officer needs one message per row, about the report
 * they know best (their own previous revision).
 */
#include "plausibility.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

#define NUM "%.15g"

void plausibility_neighbours(const char *period, bool merge_jan_feb, char prev[PERIOD_STRLEN],
                             char last_year[PERIOD_STRLEN]) {
    period_t p, pp;
    prev[0] = last_year[0] = '\0';
    if (period_parse(period, &p) < 0) return;
    pp = period_prev(p, merge_jan_feb);
    if (pp.year != 0) period_format(pp, prev);
    period_format((period_t){p.year - 1, p.month}, last_year);
}

/* "10 000": 10^k with a space between groups of three digits, as Chinese forms print
 * large numbers in Latin digits. */
static void power_text(int k, char *out, size_t size) {
    char digits[24];
    size_t n = 0, o = 0;
    digits[n++] = '1';
    for (int i = 0; i < k && n < sizeof digits - 1; i++)
        digits[n++] = '0';
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        if (i && (n - i) % 3 == 0) out[o++] = ' ';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* The likely unit mistake behind a jump of 10^k in a 万元 figure, or "". */
static const char *unit_hint(const indicator_t *ind, int k) {
    if (strcmp(ind->unit, "万元") != 0) return "";
    if (k == 4) return " 元 instead of 万元?";
    if (k == 2) return " 百元 instead of 万元?";
    if (k == -4) return " 亿元 instead of 万元?";
    return "";
}

/* The months a period's year-to-date covers: "2017-06" is 1-6月, six months. */
static int months_of(const char *period) {
    period_t p;
    return period_parse(period, &p) == 0 && p.month >= 1 ? p.month : 1;
}

/* Compares v with the same indicator in base; 1 and *ratio and what[] when base has a
 * positive figure for it, else 0. */
static int against(const indicator_t *ind, const report_t *r, const report_value_t *v, const report_t *base,
                   int which, double *ratio, char *what, size_t size) {
    const report_value_t *bv = base ? report_find(base, ind->code) : NULL;
    if (!bv || !isfinite(bv->amount) || bv->amount <= 0) return 0;
    if (which == 0) {
        *ratio = v->amount / bv->amount;
        snprintf(what, size, "the previous report (revision %u of %s: " NUM ")", (unsigned)base->revision,
                 base->period, bv->amount);
    } else if (which == 1 && ind->kind == KIND_FLOW) {
        int mr = months_of(r->period), mb = months_of(base->period);
        *ratio = (v->amount / mr) / (bv->amount / mb);
        snprintf(what, size,
                 "the previous period per month (%s: " NUM " year to date, over %d against %d months)",
                 base->period, bv->amount, mb, mr);
    } else {
        *ratio = v->amount / bv->amount;
        snprintf(what, size, "%s (%s: " NUM ")",
                 which == 1 ? "the previous period" : "the same period last year", base->period, bv->amount);
    }
    return 1;
}

size_t plausibility_check(const master_t *m, const report_t *r, const plausibility_base_t *b,
                          diag_list_t *dl) {
    size_t before = dl->n_errors;
    const report_t *bases[3] = {b->revision, b->prev, b->last_year};
    for (size_t i = 0; i < r->n_values; i++) {
        const report_value_t *v = &r->values[i];
        const indicator_t *ind = master_indicator(m, v->indicator);
        char what[192], times[32], note[200];
        double ratio = 1;
        int k, which;
        if (!ind || ind->kind == KIND_RATIO || !isfinite(v->amount) || v->amount <= 0) continue;
        for (which = 0; which < 3; which++)
            if (against(ind, r, v, bases[which], which, &ratio, what, sizeof what)) break;
        if (which == 3 || !(ratio >= PLAUSIBILITY_RATIO || ratio <= 1 / PLAUSIBILITY_RATIO)) continue;
        k = (int)lround(log10(ratio));
        if (k > 15) k = 15;
        if (k < -15) k = -15;
        power_text(k < 0 ? -k : k, times, sizeof times);
        if (!v->note[0])
            diag_add(dl, DIAG_ERROR, r->source, v->line, "amount",
                     "%s: amount " NUM " is about %s%s%s %s:%s correct the figure, or if it is right, "
                     "confirm it with a 说明 in the note (说明) column of this row",
                     ind->code, v->amount, k < 0 ? "1/" : "", times, k < 0 ? " of" : "×", what,
                     unit_hint(ind, k));
        else
            diag_add(dl, DIAG_WARNING, r->source, v->line, "note",
                     "%s: amount " NUM " is about %s%s%s %s; accepted on the reporter's 说明: \"%s\"",
                     ind->code, v->amount, k < 0 ? "1/" : "", times, k < 0 ? " of" : "×", what,
                     text_shown(v->note, note, sizeof note));
    }
    return dl->n_errors - before;
}
