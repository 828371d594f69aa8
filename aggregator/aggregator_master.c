/* aggregator_master.c - master data (zones, counties, indicators): loaded at start and
 * on SIGHUP; a bad file never replaces good master data in force. */
#include "aggregator.h"
#include "log.h"

int aggregator_master_load(aggregator_t *a) {
    diag_list_t dl = {0};
    master_t *m = master_load(a->cfg.master_dir, &dl);
    if (!m) {
        for (size_t i = 0; i < dl.n; i++) {
            char line[1024];
            diag_format(&dl.items[i], line, sizeof line);
            log_error("%s/%s", a->cfg.master_dir, line);
        }
        if (a->master)
            log_error("master data not reloaded: %zu error(s); the previous master data stays in force",
                      dl.n_errors);
        diag_clear(&dl);
        return -1;
    }
    diag_clear(&dl);
    log_info("master data: %zu counties, %zu zones, %zu indicators from %s", m->n_counties, m->n_zones,
             m->n_indicators, a->cfg.master_dir);
    master_destroy(&a->master);
    a->master = m;
    return 0;
}
