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

size_t filecheck_judge(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                       const char *utf8, size_t len, report_set_t *set, diag_list_t *dl) {
    size_t before = dl->n_errors, first = set->n;
    /* every report the rows built is judged, also when some rows failed: the desk
     * officer sees every mistake at once */
    county_csv_parse(m, name, utf8, len, set, dl);
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

void filecheck_projects_first(diag_list_t *dl, const char *name, const char *zone, const char *period) {
    diag_add(dl, DIAG_ERROR, util_basename(name), 0, NULL,
             _("%s %s: key projects arrived before any indicator values for this zone and period; drop the "
             "values file first, or together with this one"),
             zone, period);
}
