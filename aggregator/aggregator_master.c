/* aggregator_master.c - master data (zones, counties, indicators): loaded at start and
 * on SIGHUP; a bad file never replaces good master data in force.
 *
 * "Bad" includes a file that parses but is not what the central office meant: a
 * regions.csv still being copied when SIGHUP came is a valid CSV of its first lines.
 * Two signs give it away, and a reload showing either is refused: a file whose last line
 * has no line break (cut mid-line), and zones that have reports in the store but are no
 * longer listed. A zone is removed for good only when the configuration says so
 * (allow_zone_removal); its reports stay in the store and count in no totals.
 */
#include <stdio.h>
#include <string.h>

#include "aggregator.h"
#include "i18n.h"
#include "log.h"
#include "text.h"

/* True when file dir/name is not empty and does not end with a line break. */
static bool cut_mid_line(const char *dir, const char *name) {
    char path[1200];
    FILE *f;
    int last = '\n';
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!(f = fopen(path, "rb"))) return false; /* master_load has said why */
    if (fseek(f, -1, SEEK_END) == 0) last = fgetc(f);
    fclose(f);
    return last != '\n' && last != EOF;
}

typedef struct {
    const master_t *m;
    size_t n;       /* zones with reports that m does not list */
    char list[512]; /* the first of them, comma-separated */
} dropped_t;

static void on_stored_zone(const char *zone, void *arg) {
    dropped_t *d = arg;
    char shown[96];
    size_t len = strlen(d->list);
    if (master_zone(d->m, zone)) return;
    if (d->n++ < 12 && len + 100 < sizeof d->list)
        snprintf(d->list + len, sizeof d->list - len, "%s%s", len ? ", " : "",
                 text_shown(zone, shown, sizeof shown));
    else if (d->n == 13)
        snprintf(d->list + len, sizeof d->list - len, ", …");
}

/* Zones with reports in the store that m does not list: 0 none (or allowed), 1 some (the
 * load must be refused; logged), -1 on a store error (logged). */
static int check_dropped(aggregator_t *a, const master_t *m) {
    dropped_t d;
    memset(&d, 0, sizeof d);
    d.m = m;
    if (rstore_each_zone(a->store, on_stored_zone, &d) < 0) return -1;
    if (d.n == 0) return 0;
    if (a->cfg.allow_zone_removal) {
        log_warn(_("%s/regions.csv no longer lists %zu zone(s) with reports in the store: %s; removed as "
                 "allow_zone_removal says (their reports stay in the store and count in no totals)"),
                 a->cfg.master_dir, d.n, d.list);
        return 0;
    }
    log_error(_("%s/regions.csv no longer lists %zu zone(s) with reports in the store: %s. A file cut or still "
              "being copied? Write the new file under another name and rename it into place. To remove "
              "these zones for good, set allow_zone_removal = yes and restart (docs/operations.md)"),
              a->cfg.master_dir, d.n, d.list);
    return 1;
}

int aggregator_master_load(aggregator_t *a) {
    diag_list_t dl = {0};
    char note[256];
    master_t *m = master_load(a->cfg.master_dir, &dl);
    if (!m) {
        for (size_t i = 0; i < dl.n; i++) {
            char line[1024];
            diag_format(&dl.items[i], line, sizeof line);
            log_error("%s/%s", a->cfg.master_dir, line);
        }
        if (a->master)
            log_error(_("master data not reloaded: %zu error(s); the previous master data stays in force"),
                      dl.n_errors);
        diag_clear(&dl);
        return -1;
    }
    diag_clear(&dl);
    if (a->master) {
        const char *cut = cut_mid_line(a->cfg.master_dir, "regions.csv")      ? "regions.csv"
                          : cut_mid_line(a->cfg.master_dir, "indicators.csv") ? "indicators.csv"
                                                                              : NULL;
        int dropped = cut ? 0 : check_dropped(a, m);
        if (cut)
            log_error(_("%s/%s ends in the middle of a line (no line break after its last line): cut, or still "
                      "being copied? Write the new file under another name and rename it into place"),
                      a->cfg.master_dir, cut);
        if (cut || dropped) {
            log_error(_("master data not reloaded; the previous master data stays in force"));
            master_destroy(&m);
            return -1;
        }
    }
    if (master_policy_override(m, &a->cfg.policy, note, sizeof note) > 0)
        log_warn(_("%s (deprecated keys in the aggregator's configuration override %s/city.csv)"), note,
                 a->cfg.master_dir);
    log_info(
        _("master data: %zu counties, %zu zones, %zu indicators from %s; reports due by day %d of the next "
        "month, 1-2月 %s"),
        m->n_counties, m->n_zones, m->n_indicators, a->cfg.master_dir, m->policy.deadline_day,
        m->policy.merge_jan_feb ? _("merged") : _("reported apart"));
    master_destroy(&a->master);
    a->master = m;
    a->master_gen++; /* reports checked against the last one are checked again */
    return 0;
}

int aggregator_master_check_store(aggregator_t *a) {
    if (cut_mid_line(a->cfg.master_dir, "regions.csv") || cut_mid_line(a->cfg.master_dir, "indicators.csv"))
        log_warn(_("%s: regions.csv or indicators.csv does not end with a line break: if it was being copied, "
                 "stop and check it (a reload of such a file is refused)"),
                 a->cfg.master_dir);
    return check_dropped(a, a->master) == 0 ? 0 : -1;
}
