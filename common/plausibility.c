/* plausibility.c - the soft checks: a figure orders of magnitude off its baseline (see plausibility.h).
 *
 * The baselines differ in what they can say. The previous revision of the same period
 * is the sharpest: a correction changes a figure by a few percent, so 10 000× is a unit
 * mistake. The previous period of the same year is a year-to-date for a flow, so it is
 * compared per month covered (1-5月 against 1-6月: 5 months against 6), which keeps
 * January-to-December growth of the cumulative figure from counting as a jump. The same
 * period last year catches a zone's first report of a year.
 *
 * A figure passes when it is in line with any baseline that has it: a correction of a
 * figure stored in 元 (before these checks, or on a 说明) is 1/10 000 of the current
 * revision but in line with the previous period. It is refused only when it jumps
 * against every one, with one message per row about the first (a figure entered in 元
 * trips all three; the desk officer knows their own previous revision best). A
 * baseline figure that was accepted on a 说明 is not a baseline: the 说明 confirmed
 * that report's jump, and the next revision keeping it needs its own.
 */
#include "plausibility.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

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

/* The likely unit mistake behind a jump of 10^k, into hint ("" if none): 元 or 百元 for
 * 万元 up, 亿元 down; for a ratio 万元/… typed per 元 up, …/万元 typed per 元 down. */
static void unit_hint(const indicator_t *ind, int k, char *hint, size_t size) {
    static const char wan[] = "万元";
    const char *u = ind->unit, *slash = strchr(u, '/');
    size_t n = strlen(u), w = sizeof wan - 1;
    hint[0] = '\0';
    if (strcmp(u, wan) == 0) {
        if (k == 4) snprintf(hint, size, _(" 元 instead of 万元?"));
        if (k == 2) snprintf(hint, size, _(" 百元 instead of 万元?"));
        if (k == -4) snprintf(hint, size, _(" 亿元 instead of 万元?"));
    } else if (slash && k == 4 && (size_t)(slash - u) == w && strncmp(u, wan, w) == 0) {
        snprintf(hint, size, _(" 元%s instead of %s?"), slash, u);
    } else if (slash && k == -4 && n > w && strcmp(u + n - w, wan) == 0 && u + n - w == slash + 1) {
        snprintf(hint, size, _(" %.*s元 instead of %s?"), (int)(slash + 1 - u), u, u);
    }
}

/* The months a period's year-to-date covers: "2017-06" is 1-6月, six months. */
static int months_of(const char *period) {
    period_t p;
    return period_parse(period, &p) == 0 && p.month >= 1 ? p.month : 1;
}

/* Compares v with the same indicator in base; 1 and *ratio and *k when base has a
 * positive figure for it that did not stand on a 说明, else 0. What it was compared with
 * is put in words by describe(), only for a jump: most figures are in line, and
 * formatting (and translating) a sentence per figure was a tenth of the ingest. */
static int against(const indicator_t *ind, const report_t *r, const report_value_t *v, const report_t *base,
                   int which, double *ratio, int *k) {
    const report_value_t *bv = base ? report_find(base, ind->code) : NULL;
    double lv, lb;
    if (!bv || !isfinite(bv->amount) || bv->amount <= 0) return 0;
    /* a figure accepted on its 说明 confirms a jump; it says nothing of the next report */
    if (bv->note) return 0;
    lv = log10(v->amount);
    lb = log10(bv->amount);
    if (which == 1 && ind->kind == KIND_FLOW) {
        int mr = months_of(r->period), mb = months_of(base->period);
        *ratio = (v->amount / mr) / (bv->amount / mb);
        lv -= log10(mr);
        lb -= log10(mb);
    } else {
        *ratio = v->amount / bv->amount;
    }
    /* the power from the logarithms, clamped before rounding: the quotient itself can be
     * inf or 0 for figures near the ends of the double range */
    {
        double d = lv - lb;
        if (!(d <= 15)) d = 15; /* NaN too: cannot happen for positive finite figures */
        if (d < -15) d = -15;
        *k = (int)lround(d);
    }
    return 1;
}

/* What against() compared the figure with (it returned 1 for base), in words, into what. */
static void describe(const indicator_t *ind, const report_t *r, const report_t *base, int which, char *what,
                     size_t size) {
    const report_value_t *bv = report_find(base, ind->code);
    if (which == 0) {
        snprintf(what, size, _("the previous report (revision %u of %s: %.15g)"), (unsigned)base->revision,
                 base->period, bv->amount);
    } else if (which == 1 && ind->kind == KIND_FLOW) {
        int mr = months_of(r->period), mb = months_of(base->period);
        snprintf(what, size,
                 _("the previous period per month (%s: %.15g year to date, over %d against %d months)"),
                 base->period, bv->amount, mb, mr);
    } else {
        snprintf(what, size, which == 1 ? _("the previous period (%s: %.15g)") : _("the same period last year (%s: %.15g)"),
                 base->period, bv->amount);
    }
}

static bool jumps(double ratio) {
    return ratio >= PLAUSIBILITY_RATIO || ratio <= 1 / PLAUSIBILITY_RATIO;
}

size_t plausibility_check(const master_t *m, const report_t *r, const plausibility_base_t *b,
                          diag_list_t *dl) {
    size_t before = dl->n_errors;
    const report_t *bases[3] = {b->revision, b->prev, b->last_year};
    for (size_t i = 0; i < r->n_values; i++) {
        const report_value_t *v = &r->values[i];
        const indicator_t *ind = master_indicator(m, v->indicator);
        char first[192] = "", times[32], note[200], hint[160];
        double ratio = 1;
        int k = 0, k_first = 0, compared = 0, in_line = 0;
        /* a percentage is bounded by the hard checks (0..100) and small shares move by
         * large factors legitimately; any other ratio (万元/亩, 吨标准煤/万元) can be
         * typed in the wrong unit like an amount */
        if (!ind || ind->percent || !isfinite(v->amount) || v->amount <= 0) continue;
        for (int which = 0; which < 3 && !in_line; which++) {
            if (!against(ind, r, v, bases[which], which, &ratio, &k)) continue;
            if (!jumps(ratio)) {
                in_line = 1;
            } else if (!compared++) {
                describe(ind, r, bases[which], which, first, sizeof first);
                k_first = k;
            }
        }
        if (in_line || !compared) continue;
        k = k_first;
        power_text(k < 0 ? -k : k, times, sizeof times);
        unit_hint(ind, k, hint, sizeof hint);
        /* TRANSLATORS: "…is about 10 000× the previous report (revision 1 of 2017-05: 3.5):
         * 元 instead of 万元? correct…"; the last %s is the unit hint or "". */
        if (!v->note && k >= 0)
            diag_add(dl, DIAG_ERROR, r->source, v->line, "amount",
                     _("%s: amount %.15g is about %s× %s:%s correct the figure, or if it is right, "
                       "confirm it with a 说明 in the note (说明) column of this row"),
                     ind->code, v->amount, times, first, hint);
        else if (!v->note)
            diag_add(dl, DIAG_ERROR, r->source, v->line, "amount",
                     _("%s: amount %.15g is about 1/%s of %s:%s correct the figure, or if it is right, "
                       "confirm it with a 说明 in the note (说明) column of this row"),
                     ind->code, v->amount, times, first, hint);
        else if (k >= 0)
            diag_add(dl, DIAG_WARNING, r->source, v->line, "note",
                     _("%s: amount %.15g is about %s× %s; accepted on the reporter's 说明: \"%s\""), ind->code,
                     v->amount, times, first, text_shown(v->note, note, sizeof note));
        else
            diag_add(dl, DIAG_WARNING, r->source, v->line, "note",
                     _("%s: amount %.15g is about 1/%s of %s; accepted on the reporter's 说明: \"%s\""),
                     ind->code, v->amount, times, first, text_shown(v->note, note, sizeof note));
    }
    return dl->n_errors - before;
}
