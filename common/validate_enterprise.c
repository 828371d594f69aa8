/* validate_enterprise.c - the rules a report's key-enterprise rows must pass (see validate.h).
 *
 * Part of validate_report, in a file of its own because the rows are a part of their
 * own (重点企业运行): the 统一社会信用代码 with its GB 32100 check character
 * (enterprise.h), one row per code, a status from the fixed list, amounts finite and
 * >= 0, growth rates a year-on-year change can have. The county parser checks the code
 * too, where it can name the cell; this is the authoritative check, for every report
 * however it arrived, naming the source line.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "enterprise.h"
#include "i18n.h"
#include "text.h"
#include "validate.h"

/* A growth above this is refused: a hundredfold in a year is a typing or unit mistake
 * (0.085 typed for 8.5 is a hundredth, 850 for 8.5 a hundredfold). Above WARN it is
 * worth a second look unless the enterprise is new (新投产). */
#define GROWTH_MAX_PCT 10000.0
#define GROWTH_WARN_PCT 300.0

/* The code as a message shows it: escaped, or a placeholder. */
static const char *shown_code(const enterprise_t *e, char *buf, size_t size) {
    if (!e->code[0]) return _("(no code)");
    return text_escape_controls(e->code, buf, size);
}

static void check_code(const report_t *r, size_t i, const char *code, diag_list_t *dl) {
    const enterprise_t *e = &r->enterprises[i];
    uscc_error_t rc;
    if (!e->code[0]) {
        diag_add(dl, DIAG_ERROR, r->source, e->line, "credit_code",
                 _("the 统一社会信用代码 is missing; expected the enterprise's 18-character code as its "
                   "营业执照 shows it"));
        return;
    }
    rc = text_has_controls(e->code) || !utf8_valid(e->code, strlen(e->code)) ? USCC_CHARSET : uscc_check(e->code);
    if (rc != USCC_OK) {
        char why[512];
        uscc_explain(code, e->code, rc, why, sizeof why);
        diag_add(dl, DIAG_ERROR, r->source, e->line, "credit_code", "%s", why);
        return;
    }
    if (!uscc_org_code_ok(e->code))
        diag_add(dl, DIAG_WARNING, r->source, e->line, "credit_code",
                 _("统一社会信用代码 %s: characters 9 to 17 (the 组织机构代码) do not pass their own check "
                   "character; accepted, but compare the code with the 营业执照"),
                 code);
    for (size_t j = 0; j < i; j++)
        if (!strcmp(r->enterprises[j].code, e->code)) {
            diag_add(dl, DIAG_ERROR, r->source, e->line, "credit_code",
                     _("enterprise %s appears twice, on line %u and line %u; expected one row per "
                       "enterprise"),
                     code, r->enterprises[j].line, e->line);
            break;
        }
}

/* A text field: valid UTF-8, and for names and industries no control characters. */
static void check_textual(const report_t *r, const enterprise_t *e, const char *code, const char *field,
                          const char *what, const char *s, bool plain, diag_list_t *dl) {
    char shown[160];
    if (!utf8_valid(s, strlen(s)))
        diag_add(dl, DIAG_ERROR, r->source, e->line, field,
                 _("enterprise %s: the %s is not valid text (UTF-8); save the file as UTF-8 or GBK"), code,
                 what);
    else if (plain && text_has_controls(s))
        diag_add(dl, DIAG_ERROR, r->source, e->line, field,
                 _("enterprise %s: the %s \"%s\" contains a control character (a line break, tab or "
                   "escape); names must be plain text"),
                 code, what, text_escape_controls(s, shown, sizeof shown));
}

static void check_amount(const report_t *r, const enterprise_t *e, const char *code, const char *field,
                         const char *what, double x, diag_list_t *dl) {
    if (!isfinite(x))
        diag_add(dl, DIAG_ERROR, r->source, e->line, field,
                 _("enterprise %s: %s %s is not a number; expected an amount in 万元"), code, what,
                 isnan(x) ? "NaN" : x > 0 ? "infinity" : "-infinity");
    else if (x < 0)
        diag_add(dl, DIAG_ERROR, r->source, e->line, field,
                 _("enterprise %s: %s %.15g is negative; a year-to-date amount must be >= 0"), code, what, x);
    else if (x > VALIDATE_MAX_NUMBER)
        diag_add(dl, DIAG_ERROR, r->source, e->line, field,
                 _("enterprise %s: %s %.15g is out of range; expected an amount of at most %g 万元"), code,
                 what, x, VALIDATE_MAX_NUMBER);
}

static void check_growth(const report_t *r, const enterprise_t *e, const char *code, const char *field,
                         const char *what, bool has_amount, double amount, double g, diag_list_t *dl) {
    if (!isfinite(g))
        diag_add(dl, DIAG_ERROR, r->source, e->line, field,
                 _("enterprise %s: growth of %s %s is not a number; expected a percentage such as 8.5"), code,
                 what, isnan(g) ? "NaN" : g > 0 ? "infinity" : "-infinity");
    else if (g < -100 || (g == -100 && has_amount && amount > 0))
        diag_add(dl, DIAG_ERROR, r->source, e->line, field,
                 _("enterprise %s: growth of %s %.15g%% is impossible; a year-on-year growth is greater "
                   "than -100%% (-100%% only when the amount is 0)"),
                 code, what, g);
    else if (g > GROWTH_MAX_PCT)
        diag_add(dl, DIAG_ERROR, r->source, e->line, field,
                 _("enterprise %s: growth of %s %.15g%% is more than a hundredfold; expected the growth in "
                   "percent, e.g. 8.5 for 8.5%%"),
                 code, what, g);
    else if (g > GROWTH_WARN_PCT && ent_status_of(e->status) != ENT_NEW)
        diag_add(dl, DIAG_WARNING, r->source, e->line, field,
                 _("enterprise %s: growth of %s %.15g%% is unusually high for an enterprise that is not new; "
                   "check the figure"),
                 code, what, g);
}

static void check_enterprise(const report_t *r, size_t i, diag_list_t *dl) {
    const enterprise_t *e = &r->enterprises[i];
    char cb[96];
    const char *code = shown_code(e, cb, sizeof cb);
    ent_status_t st = ent_status_of(e->status);

    check_code(r, i, code, dl);
    if (!e->name[0])
        diag_add(dl, DIAG_ERROR, r->source, e->line, "enterprise",
                 _("enterprise %s: the name is missing; expected its name as registered"), code);
    check_textual(r, e, code, "enterprise", _("name"), e->name, true, dl);
    check_textual(r, e, code, "industry", _("industry"), e->industry, true, dl);
    check_textual(r, e, code, "remark", _("remark"), e->remark, false, dl);
    if (!e->status[0]) {
        diag_add(dl, DIAG_ERROR, r->source, e->line, "production_status",
                 _("enterprise %s: the production status is missing; expected one of %s"), code,
                 ent_status_list());
    } else if (st == ENT_STATUS_NONE) {
        char sb[96];
        diag_add(dl, DIAG_ERROR, r->source, e->line, "production_status",
                 _("enterprise %s: unknown production status \"%s\"; expected one of %s"), code,
                 text_shown(e->status, sb, sizeof sb), ent_status_list());
    }
    if (e->has_output) check_amount(r, e, code, "output_value", _("output value"), e->output_value, dl);
    if (e->has_revenue) check_amount(r, e, code, "revenue", _("revenue"), e->revenue, dl);
    if (e->has_output_growth)
        check_growth(r, e, code, "output_growth_pct", _("output value"), e->has_output, e->output_value,
                     e->output_growth_pct, dl);
    if (e->has_revenue_growth)
        check_growth(r, e, code, "revenue_growth_pct", _("revenue"), e->has_revenue, e->revenue,
                     e->revenue_growth_pct, dl);
}

void validate_enterprises(const report_t *r, diag_list_t *dl) {
    for (size_t i = 0; i < r->n_enterprises; i++)
        check_enterprise(r, i, dl);
}
