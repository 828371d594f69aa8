/* filecheck.c - one verdict on a county file for the collector and `yuebao check` (see filecheck.h).
 *
 * Before this, `check` passed a header-only file that the collector then refused,
 * because each had its own copy of "parse, then validate": the two drifted. Now the
 * file-level rules live here once, and both callers print what this appends.
 */
#include "filecheck.h"

#include <string.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

/* What follows the parse, the same for text and tables: the hard rules on each report
 * the file built since report first, and a file without a data row refused. */
static size_t judge_parsed(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                           size_t before, size_t first, report_set_t *set, diag_list_t *dl) {
    /* every report the rows built is judged, also when some rows failed: the desk
     * officer sees every mistake at once */
    for (size_t i = first; i < set->n; i++) {
        if (set->reports[i].n_values == 0) continue; /* a projects file's part: "no values" would mislead */
        set->reports[i].revision = 1;                /* not numbered yet: judge the content only */
        validate_report(m, vo, county, &set->reports[i], dl);
    }
    if (dl->n_errors == before && set->n == first)
        diag_add(dl, DIAG_ERROR, util_basename(name), 0, NULL,
                 _("no data rows: the file has only a header; expected one row per zone, period and "
                 "indicator (or project) below it"));
    return dl->n_errors - before;
}

size_t filecheck_judge(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                       const char *utf8, size_t len, report_set_t *set, diag_list_t *dl) {
    size_t before = dl->n_errors, first = set->n;
    county_csv_parse(m, name, utf8, len, set, dl);
    return judge_parsed(m, vo, county, name, before, first, set, dl);
}

size_t filecheck_judge_table(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                             const table_t *t, report_set_t *set, diag_list_t *dl) {
    county_parse_opts_t opts = {.county = county};
    size_t before = dl->n_errors, first = set->n;
    county_table_parse(m, util_basename(name), t, set, dl, &opts);
    return judge_parsed(m, vo, county, name, before, first, set, dl);
}

void filecheck_projects_first(diag_list_t *dl, const char *name, const char *zone, const char *period) {
    diag_add(dl, DIAG_ERROR, util_basename(name), 0, NULL,
             _("%s %s: key projects arrived before any indicator values for this zone and period; drop the "
             "values file first, or together with this one"),
             zone, period);
}
