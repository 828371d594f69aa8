/* cli_check.c - `yuebao check FILE…`: what the collector would say, without sending.
 *
 * The verdict is the collector's own: the file-level rules come from filecheck.c and,
 * with --outbox, the soft checks against the reports the collector sent come from
 * collector_soft.c, reading its outbox read-only. Without the outbox those checks
 * cannot run, and the output says so rather than passing a file the collector may
 * refuse.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../collector/collector.h"
#include "cli.h"
#include "filecheck.h"
#include "validate.h"

/* What the outbox adds to one file's reports, as the collector merges them: a projects
 * file needs values sent before; values are compared with the reports sent. -1 on an
 * outbox error (printed). */
static int against_outbox(outbox_t *ob, const master_t *m, const validate_opts_t *vo, const char *path,
                          report_set_t *set, diag_list_t *dl) {
    for (size_t k = 0; k < set->n; k++) {
        report_t *r = &set->reports[k];
        if (r->n_values == 0) {
            uint32_t rev = 0;
            uint8_t *content = NULL;
            size_t len = 0;
            report_t last;
            int have = outbox_last(ob, r->zone, r->period, &rev, &content, &len, &last);
            free(content);
            if (have < 0) return -1;
            if (have == 0 || last.n_values == 0) filecheck_projects_first(dl, path, r->zone, r->period);
            report_clear(&last);
            continue;
        }
        if (collector_soft_check(ob, m, vo->merge_jan_feb, r, dl) < 0) return -1;
    }
    return 0;
}

int cli_check(const cli_opts_t *o) {
    master_t *m = cli_master(o);
    validate_opts_t vo = validate_defaults();
    outbox_t *ob = NULL;
    int bad = 0;
    if (!m) return 2;
    if (o->n_args == 0) {
        fprintf(stderr, "yuebao check: name at least one CSV file\n");
        master_destroy(&m);
        return 2;
    }
    if (o->outbox) {
        char err[1200];
        if (!(ob = outbox_open_readonly(o->outbox, err, sizeof err))) {
            fprintf(stderr, "yuebao check: cannot read the collector's outbox %s\n", err);
            master_destroy(&m);
            return 2;
        }
    }
    for (int i = 0; i < o->n_args; i++) {
        report_set_t set = {0};
        diag_list_t dl = {0};
        char *text = NULL;
        size_t len = 0;
        if (county_csv_read(o->args[i], &text, &len, &dl) == 0)
            filecheck_judge(m, &vo, o->county, o->args[i], text, len, &set, &dl);
        free(text);
        if (ob && dl.n_errors == 0 && against_outbox(ob, m, &vo, o->args[i], &set, &dl) < 0) {
            fprintf(stderr, "yuebao check: the outbox %s could not be read\n", o->outbox);
            bad = 2;
        }
        diag_sort(&dl);
        printf("%s: %zu report(s), %zu error(s), %zu warning(s)\n", o->args[i], set.n, dl.n_errors,
               dl.n_warnings);
        for (size_t k = 0; k < dl.n; k++) {
            char line[1024];
            diag_format(&dl.items[k], line, sizeof line);
            printf("    %s\n", line);
        }
        if (dl.n_errors && !bad) bad = 1;
        diag_clear(&dl);
        report_set_clear(&set);
    }
    if (!ob)
        printf("not checked against earlier reports (jumps such as 元 instead of 万元, key projects "
               "before values): name the collector's outbox with --outbox FILE\n");
    outbox_close(&ob);
    master_destroy(&m);
    return bad;
}
