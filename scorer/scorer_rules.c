/* scorer_rules.c - master data and the assessment rules (scheme, targets, pacing,
 * stars): loaded at start and on SIGHUP; a bad file never replaces those in force.
 *
 * Master data and rules are loaded and replaced as a pair: rules are checked against
 * the master data they were loaded with and point into its indicators, so new rules
 * with old master data (or the reverse) would be a pair nobody checked. Whether the
 * new pair is in force decides the caller's next step: a full recompute.
 */
#include <stdio.h>

#include "log.h"
#include "i18n.h"
#include "scorer.h"

int scorer_rules_reload(scorer_t *s) {
    diag_list_t dl = {0};
    master_t *m = master_load(s->cfg.master_dir, &dl);
    rules_t *r = m ? rules_load(s->cfg.rules_dir, m, &dl) : NULL;
    char line[1024];

    if (!m || !r) {
        diag_sort(&dl);
        for (size_t i = 0; i < dl.n; i++) {
            diag_format(&dl.items[i], line, sizeof line);
            log_error("%s", line);
        }
        if (dl.n_errors > dl.n) log_error(_("… and %zu more problems"), dl.n_errors - dl.n);
        if (s->master)
            log_error(_("configuration not reloaded: the previous master data and rules stay in force"));
        diag_clear(&dl);
        rules_destroy(&r);
        master_destroy(&m);
        return -1;
    }
    diag_clear(&dl);
    if (master_policy_override(m, &s->cfg.policy, line, sizeof line) > 0)
        log_warn(_("%s (deprecated keys in the scorer's configuration override %s/city.csv)"), line,
                 s->cfg.master_dir);
    scorer_forget_values(s); /* their rows point into the master data going */
    s->overdue_next_ms = 0;  /* zones and deadlines may change: every zone's judged again */
    rules_destroy(&s->rules);
    master_destroy(&s->master);
    s->master = m;
    s->rules = r;
    {
        char years[256] = "";
        size_t len = 0;
        for (size_t i = 0; i < r->n_schemes && len < sizeof years - 8; i++)
            len +=
                (size_t)snprintf(years + len, sizeof years - len, "%s%d", i ? "," : "", r->schemes[i].year);
        log_info(
            _("rules: schemes for %s; %zu target years; pacing for %zu indicators; %zu star rules; %zu zones"),
            r->n_schemes ? years : _("no year"), r->n_targets, r->n_pacing, r->n_stars, m->n_zones);
    }
    return 0;
}
