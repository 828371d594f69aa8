/* cli_check.c - `yuebao check FILE…`: what the collector would say, without sending. */
#include <stdio.h>

#include "cli.h"
#include "county_csv.h"
#include "validate.h"

int cli_check(const cli_opts_t *o) {
    master_t *m = cli_master(o);
    validate_opts_t vo = validate_defaults();
    int bad = 0;
    if (!m) return 2;
    if (o->n_args == 0) {
        fprintf(stderr, "yuebao check: name at least one CSV file\n");
        master_destroy(&m);
        return 2;
    }
    for (int i = 0; i < o->n_args; i++) {
        report_set_t set = {0};
        diag_list_t dl = {0};
        county_csv_load(m, o->args[i], &set, &dl);
        for (size_t k = 0; k < set.n; k++) {
            set.reports[k].revision = 1; /* the collector numbers it; judge the content */
            if (set.reports[k].n_values) validate_report(m, &vo, o->county, &set.reports[k], &dl);
        }
        diag_sort(&dl);
        printf("%s: %zu report(s), %zu error(s), %zu warning(s)\n", o->args[i], set.n, dl.n_errors,
               dl.n_warnings);
        for (size_t k = 0; k < dl.n; k++) {
            char line[1024];
            diag_format(&dl.items[k], line, sizeof line);
            printf("    %s\n", line);
        }
        if (dl.n_errors) bad = 1;
        diag_clear(&dl);
        report_set_clear(&set);
    }
    master_destroy(&m);
    return bad;
}
