/* validate.c - the rules a report must pass (see validate.h).
 *
 * The same code runs in the collector, so a desk officer learns at once what is wrong,
 * and in the aggregator, where it is authoritative. Every finding goes to a diag list
 * with the report's source file, the line of the offending row and the column, and a
 * message that names the value, says what is wrong and what is expected: the words a
 * county officer reads in .errors.txt and in a rejection Ack.
 *
 * validate_report() checks only what the report itself and the master data can tell
 * (hard errors); validate_history() compares it with the stored previous period and
 * the same period a year earlier and can only warn: growth is computed by the county
 * at comparable prices, so a mismatch with the nominal amounts is a hint, never proof.
 *
 * Values echoed into messages come from county files; they are cleaned (invalid UTF-8
 * and control characters become '?' or a visible escape) so a finding is always safe to
 * put on the wire. Codes and names with a control character are refused; free text
 * (problems, next steps, a project's name) keeps them, and whoever prints it escapes.
 */
#include "validate.h"
#include "clock.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "period.h"
#include "text.h"

/* Numbers in messages are %.15g: enough digits to show what was typed (-605586.4, not
 * -605586). Written out in each message, so xgettext sees the whole of it. */

validate_opts_t validate_defaults(void) {
    validate_opts_t o;
    o.merge_jan_feb = true;
    o.now_ms = clock_now_ms();
    o.growth_warn_pp = 5;
    o.percent_tolerance_pp = 1;
    return o;
}

/* The line a report-wide finding (zone, period, revision) points at: the first row. */
static unsigned first_line(const report_t *r) {
    if (r->n_values) return r->values[0].line;
    if (r->n_projects) return r->projects[0].line;
    if (r->n_enterprises) return r->enterprises[0].line;
    return 0;
}


/* Tags the finding diag_add just appended (if it was kept: a full list drops it). */
static void tag_last(diag_list_t *dl, size_t before, unsigned kind) {
    if (dl->n > before) dl->items[dl->n - 1].kind = kind;
}

/* The period after p, the way reports are numbered (no January when merged). */
static period_t period_after(period_t p, bool merge_jan_feb) {
    period_t n = {p.month == 12 ? p.year + 1 : p.year, p.month == 12 ? 1 : p.month + 1};
    if (n.month == 1 && merge_jan_feb) n.month = 2;
    return n;
}

/* Codes and names (zone, period, indicator, project code and status, the source file's
 * name) never hold a control character: an ANSI escape or a line break in one is a
 * forged log line or a terminal command, never a code. True (and an error naming the
 * field, the text shown escaped) if s holds one. what is the field's untranslated
 * name (N_), translated only then: a gettext lookup per value was 4% of the ingest. */
static bool refuse_controls(const report_t *r, unsigned line, const char *field, const char *what,
                            const char *s, diag_list_t *dl) {
    char shown[160];
    if (!text_has_controls(s)) return false;
    diag_add(dl, DIAG_ERROR, r->source, line, field,
             _("%s \"%s\" contains a control character (a line break, tab, escape or a C1 control "
             "U+0080..U+009F); codes and names must be plain text"),
             _(what), text_escape_controls(s, shown, sizeof shown));
    return true;
}

static void check_zone(const master_t *m, const char *county, const report_t *r, diag_list_t *dl) {
    char zb[96];
    const zone_t *z;
    unsigned line = first_line(r);
    if (refuse_controls(r, line, "zone", N_("zone"), r->zone, dl)) return;
    if (!r->zone[0]) {
        diag_add(dl, DIAG_ERROR, r->source, line, "zone",
                 _("zone is missing; expected a zone code from regions.csv"));
        return;
    }
    z = master_zone(m, r->zone);
    if (!z) {
        size_t before = dl->n;
        diag_add(dl, DIAG_ERROR, r->source, line, "zone",
                 _("unknown zone \"%s\"; expected one of the zone codes in regions.csv"),
                 text_shown(r->zone, zb, sizeof zb));
        /* the county's regions.csv may be ahead of ours: a well-formed zone of a county we
         * know may be one we have not been given yet */
        if (county && master_county(m, county) && utf8_valid(r->zone, strlen(r->zone)))
            tag_last(dl, before, VALIDATE_ZONE_UNLISTED);
        return;
    }
    if (county && strcmp(z->county, county) != 0) {
        const county_t *owner = master_county(m, z->county);
        const county_t *sender = master_county(m, county);
        char cb[48];
        if (sender)
            diag_add(dl, DIAG_ERROR, r->source, line, "zone",
                     _("zone \"%s\" belongs to %s (%s), not to the sending county %s (%s); "
                     "a county can only report its own zones"),
                     text_shown(r->zone, zb, sizeof zb), owner ? owner->name : _("another county"), z->county,
                     sender->name, sender->code);
        else
            diag_add(dl, DIAG_ERROR, r->source, line, "zone",
                     _("zone \"%s\" belongs to %s (%s), not to the sending county %s; "
                     "a county can only report its own zones"),
                     text_shown(r->zone, zb, sizeof zb), owner ? owner->name : _("another county"), z->county,
                     text_shown(county, cb, sizeof cb));
    }
}

static void check_period(const validate_opts_t *o, const report_t *r, diag_list_t *dl) {
    char pb[48], canon[PERIOD_STRLEN];
    period_t p;
    unsigned line = first_line(r);
    if (refuse_controls(r, line, "period", N_("period"), r->period, dl)) return;
    if (!r->period[0]) {
        diag_add(dl, DIAG_ERROR, r->source, line, "period",
                 _("period is missing; expected the reporting period as YYYY-MM (e.g. 2017-06)"));
        return;
    }
    if (period_parse(r->period, &p) != 0) {
        diag_add(dl, DIAG_ERROR, r->source, line, "period",
                 _("period \"%s\" is not a valid period; expected YYYY-MM with a month "
                 "01..12 (e.g. 2017-06)"),
                 text_shown(r->period, pb, sizeof pb));
        return;
    }
    period_format(p, canon);
    if (strcmp(canon, r->period) != 0) {
        diag_add(dl, DIAG_ERROR, r->source, line, "period",
                 _("period \"%s\" is not in the standard form; expected \"%s\""),
                 text_shown(r->period, pb, sizeof pb), canon);
        return;
    }
    if (p.month == 1 && o->merge_jan_feb) {
        diag_add(dl, DIAG_ERROR, r->source, line, "period",
                 _("period %s is January, which is not reported on its own; January is "
                 "reported together with February as period %04d-02 (1-2月)"),
                 canon, p.year);
        return;
    }
    if (period_is_future(p, o->now_ms)) {
        char now[20], cur[PERIOD_STRLEN];
        clock_format(o->now_ms, now);
        now[10] = '\0'; /* the date is enough */
        size_t before = dl->n;
        period_format(period_of_time(o->now_ms), cur);
        diag_add(dl, DIAG_ERROR, r->source, line, "period",
                 _("period %s is in the future (today is %s); expected %s or earlier"), canon, now, cur);
        /* the next period may be the county's current one: our clock may be behind */
        if (period_cmp(p, period_after(period_of_time(o->now_ms), o->merge_jan_feb)) == 0)
            tag_last(dl, before, VALIDATE_PERIOD_NEXT);
    }
}

/* The catalogue entry of a value's indicator (code or Chinese name), or NULL. */
static const indicator_t *value_indicator(const master_t *m, const report_value_t *v) {
    return v->indicator[0] ? master_indicator(m, v->indicator) : NULL;
}

/* The value in r whose indicator resolves to ind, or NULL. */
static const report_value_t *find_same(const master_t *m, const report_t *r, const indicator_t *ind) {
    const report_value_t *v = report_find(r, ind->code); /* stored reports carry codes */
    if (v) return v;
    for (size_t i = 0; i < r->n_values; i++)
        if (value_indicator(m, &r->values[i]) == ind) return &r->values[i];
    return NULL;
}

/* resolved[k] is the catalogue entry of value k (NULL if unknown), looked up once per
 * report: the duplicate check compares entries, not names. */
static void check_value(const validate_opts_t *o, const report_t *r, const indicator_t *const *resolved,
                        size_t i, diag_list_t *dl) {
    const report_value_t *v = &r->values[i];
    const indicator_t *ind = resolved[i];
    char ib[96];
    const char *name = NULL;

    if (refuse_controls(r, v->line, "indicator", N_("indicator"), v->indicator, dl)) {
        ind = NULL;
        name = _("(indicator with a control character)");
    } else if (!v->indicator[0]) {
        diag_add(dl, DIAG_ERROR, r->source, v->line, "indicator",
                 _("indicator is missing; expected one of the codes or Chinese names in "
                 "indicators.csv"));
        ind = NULL;
        name = _("(no indicator)");
    } else if (!ind) {
        name = text_shown(v->indicator, ib, sizeof ib);
        diag_add(dl, DIAG_ERROR, r->source, v->line, "indicator",
                 _("unknown indicator \"%s\"; expected one of the codes or Chinese names in "
                 "indicators.csv"),
                 name);
    } else {
        name = ind->code;
        for (size_t j = 0; j < i; j++) {
            if (resolved[j] != ind) continue;
            diag_add(dl, DIAG_ERROR, r->source, v->line, "indicator",
                     _("indicator %s appears twice, on line %u and line %u; expected one row "
                     "per indicator"),
                     ind->code, r->values[j].line, v->line);
            break;
        }
    }

    if (!isfinite(v->amount))
        diag_add(dl, DIAG_ERROR, r->source, v->line, "amount",
                 _("%s: amount %s is not a number; expected an ordinary number"), name,
                 isnan(v->amount) ? "NaN"
                 : v->amount > 0  ? "infinity"
                                  : "-infinity");
    else if (fabs(v->amount) > VALIDATE_MAX_NUMBER)
        diag_add(dl, DIAG_ERROR, r->source, v->line, "amount",
                 _("%s: amount %.15g is out of range; expected a figure of at most %g in size"), name,
                 v->amount, VALIDATE_MAX_NUMBER);
    else if (ind && ind->percent && v->amount > 100 && v->amount < 100 + o->percent_tolerance_pp)
        diag_add(dl, DIAG_WARNING, r->source, v->line, "amount",
                 _("%s: amount %.15g is above 100%%; accepted as a rounding difference, but check "
                 "the figure: a percentage cannot exceed 100"),
                 name, v->amount);
    else if (ind && ind->percent && (v->amount < 0 || v->amount > 100))
        diag_add(dl, DIAG_ERROR, r->source, v->line, "amount",
                 _("%s: amount %.15g is outside 0..100; a percentage must lie between 0 "
                 "and 100"),
                 name, v->amount);
    else if (ind && ind->kind != KIND_RATIO && v->amount < 0)
        diag_add(dl, DIAG_ERROR, r->source, v->line, "amount",
                 ind->kind == KIND_FLOW
                     ? _("%s: amount %.15g is negative; a flow's year-to-date amount must be >= 0")
                     : _("%s: amount %.15g is negative; a stock (level at period end) must be >= 0"),
                 name, v->amount);

    if (!v->has_growth) return;
    if (ind && !ind->has_growth)
        diag_add(dl, DIAG_ERROR, r->source, v->line, "growth_pct",
                 _("%s does not carry a growth rate; expected the growth column to be "
                 "empty for it"),
                 name);
    else if (!isfinite(v->growth_pct))
        diag_add(dl, DIAG_ERROR, r->source, v->line, "growth_pct",
                 _("%s: growth %s is not a number; expected a percentage such as 8.5"), name,
                 isnan(v->growth_pct) ? "NaN"
                 : v->growth_pct > 0  ? "infinity"
                                      : "-infinity");
    else if (v->growth_pct > VALIDATE_MAX_NUMBER)
        diag_add(dl, DIAG_ERROR, r->source, v->line, "growth_pct",
                 _("%s: growth %.15g%% is out of range; expected a percentage of at most %g"), name,
                 v->growth_pct, VALIDATE_MAX_NUMBER);
    else if (v->growth_pct <= -100)
        diag_add(dl, DIAG_ERROR, r->source, v->line, "growth_pct",
                 _("%s: growth %.15g%% is impossible; a year-on-year growth must be greater "
                 "than -100%% (-100%% would mean the amount fell to zero)"),
                 name, v->growth_pct);
}

static void check_investment(const report_t *r, const report_project_t *p, const char *code,
                             const char *field, const char *what, double x, diag_list_t *dl) {
    if (!isfinite(x))
        diag_add(dl, DIAG_ERROR, r->source, p->line, field,
                 _("project %s: %s %s is not a number; expected an amount in 万元"), code, what,
                 isnan(x) ? "NaN"
                 : x > 0  ? "infinity"
                          : "-infinity");
    else if (x < 0)
        diag_add(dl, DIAG_ERROR, r->source, p->line, field,
                 _("project %s: %s %.15g is negative; an investment must be >= 0"), code, what, x);
    else if (x > VALIDATE_MAX_NUMBER)
        diag_add(dl, DIAG_ERROR, r->source, p->line, field,
                 _("project %s: %s %.15g is out of range; expected an amount of at most %g 万元"), code, what,
                 x, VALIDATE_MAX_NUMBER);
}

static void check_project(const report_t *r, size_t i, diag_list_t *dl) {
    const report_project_t *p = &r->projects[i];
    char cb[96];
    const char *code = text_shown(p->code, cb, sizeof cb);

    refuse_controls(r, p->line, "status", N_("project status"), p->status, dl);
    if (refuse_controls(r, p->line, "project", N_("project code"), p->code, dl)) {
        code = _("(code with a control character)");
    } else if (!p->code[0]) {
        diag_add(dl, DIAG_ERROR, r->source, p->line, "project",
                 _("project code is missing; expected the project's code (e.g. P2017001)"));
        code = _("(no code)");
    } else if (!utf8_valid(p->code, strlen(p->code))) {
        diag_add(dl, DIAG_ERROR, r->source, p->line, "project",
                 _("project %s: the code is not valid text (UTF-8); save the file as UTF-8 or GBK"), code);
    } else {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(r->projects[j].code, p->code) != 0) continue;
            diag_add(dl, DIAG_ERROR, r->source, p->line, "project",
                     _("project %s appears twice, on line %u and line %u; expected one row "
                     "per project"),
                     code, r->projects[j].line, p->line);
            break;
        }
    }
    if (!utf8_valid(p->name, strlen(p->name)))
        diag_add(dl, DIAG_ERROR, r->source, p->line, "name",
                 _("project %s: the name is not valid text (UTF-8); save the file as UTF-8 or "
                 "GBK"),
                 code);
    if (!utf8_valid(p->status, strlen(p->status)))
        diag_add(dl, DIAG_ERROR, r->source, p->line, "status",
                 _("project %s: the status is not valid text (UTF-8); save the file as UTF-8 "
                 "or GBK"),
                 code);
    if (p->has_total)
        check_investment(r, p, code, "total_investment", _("total investment"), p->total_investment, dl);
    if (p->has_ytd)
        check_investment(r, p, code, "ytd_investment", _("year-to-date investment"), p->ytd_investment, dl);
    if (p->has_total && p->has_ytd && isfinite(p->total_investment) && isfinite(p->ytd_investment) &&
        p->total_investment >= 0 && p->ytd_investment > p->total_investment)
        diag_add(dl, DIAG_WARNING, r->source, p->line, "ytd_investment",
                 _("project %s: year-to-date investment %.15g exceeds the total investment %.15g"
                 "; check both figures"),
                 code, p->ytd_investment, p->total_investment);
}

static void check_text(const report_t *r, const char *s, const char *field, const char *what,
                       diag_list_t *dl) {
    size_t len;
    if (!s) return;
    len = strlen(s);
    if (len > REPORT_MAX_TEXT)
        diag_add(dl, DIAG_ERROR, r->source, 0, field,
                 _("%s is %zu bytes long; at most %d bytes are accepted, please shorten it"), what, len,
                 REPORT_MAX_TEXT);
    else if (!utf8_valid(s, len))
        diag_add(dl, DIAG_ERROR, r->source, 0, field,
                 _("%s is not valid text (UTF-8); save the file as UTF-8 or GBK"), what);
}

size_t validate_report(const master_t *m, const validate_opts_t *o, const char *county, const report_t *r,
                       diag_list_t *dl) {
    size_t before = dl->n_errors;

    refuse_controls(r, first_line(r), "source", N_("the source file name"), r->source, dl);
    check_zone(m, county, r, dl);
    check_period(o, r, dl);
    if (r->revision < 1 || r->revision > VALIDATE_MAX_REVISION)
        diag_add(dl, DIAG_ERROR, r->source, first_line(r), "revision",
                 _("revision %u is not valid; revisions start at 1 (at most %u) and a correction "
                 "carries a higher one"),
                 (unsigned)r->revision, (unsigned)VALIDATE_MAX_REVISION);

    if (r->n_values == 0)
        diag_add(dl, DIAG_ERROR, r->source, first_line(r), "indicator",
                 _("the report has no indicator values; expected at least one indicator row"));
    {
        const indicator_t *resolved[REPORT_MAX_VALUES];
        size_t n = r->n_values < REPORT_MAX_VALUES ? r->n_values : REPORT_MAX_VALUES;
        for (size_t i = 0; i < n; i++)
            resolved[i] = value_indicator(m, &r->values[i]);
        for (size_t i = 0; i < n; i++)
            check_value(o, r, resolved, i, dl);
    }
    for (size_t i = 0; i < r->n_projects; i++)
        check_project(r, i, dl);
    validate_enterprises(r, dl);

    check_text(r, r->problems, "problems", _("存在问题 (problems)"), dl);
    check_text(r, r->next_steps, "next_steps", _("下一步措施 (next steps)"), dl);
    return dl->n_errors - before;
}

void validate_history(const master_t *m, const validate_opts_t *o, const report_t *r, const report_t *prev,
                      const report_t *base, diag_list_t *dl) {
    for (size_t i = 0; i < r->n_values; i++) {
        const report_value_t *v = &r->values[i];
        const indicator_t *ind = value_indicator(m, v);
        const report_value_t *pv, *bv;
        if (!ind || !isfinite(v->amount)) continue;

        if (prev && ind->kind == KIND_FLOW && (pv = find_same(m, prev, ind)) && isfinite(pv->amount) &&
            v->amount < pv->amount)
            diag_add(dl, DIAG_WARNING, r->source, v->line, "amount",
                     _("year-to-date %s fell from %.15g (%s) to %.15g (%s); a year-to-date "
                     "amount cannot decrease — check for a monthly figure entered instead of "
                     "the cumulative one"),
                     ind->code, pv->amount, prev->period, v->amount, r->period);

        if (base && v->has_growth && ind->has_growth && isfinite(v->growth_pct) &&
            (bv = find_same(m, base, ind)) && isfinite(bv->amount) && bv->amount > 0) {
            double implied = (v->amount / bv->amount - 1) * 100;
            if (fabs(v->growth_pct - implied) > o->growth_warn_pp)
                diag_add(dl, DIAG_WARNING, r->source, v->line, "growth_pct",
                         _("%s: reported growth %.1f%% is %.1f points away from the %.1f%% "
                         "that the amounts imply (%.15g now against %.15g in %s); more "
                         "than %g points is unusual even at comparable prices, check the "
                         "amount and the growth rate"),
                         ind->code, v->growth_pct, fabs(v->growth_pct - implied), implied, v->amount,
                         bv->amount, base->period, o->growth_warn_pp);
        }
    }
}

void validate_normalize(const master_t *m, report_t *r) {
    const zone_t *z = master_zone(m, r->zone);
    /* mostly codes already: rewritten only where a name was given */
    if (z && strcmp(r->zone, z->code)) snprintf(r->zone, sizeof r->zone, "%s", z->code);
    for (size_t i = 0; i < r->n_values; i++) {
        const indicator_t *ind = master_indicator(m, r->values[i].indicator);
        if (ind && strcmp(r->values[i].indicator, ind->code))
            snprintf(r->values[i].indicator, sizeof r->values[i].indicator, "%s", ind->code);
    }
}
