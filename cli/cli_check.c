/* cli_check.c - `yuebao check FILE…`: what the collector would say, without sending.
 *
 * The verdict is the collector's own: the file-level rules come from filecheck.c and,
 * with --outbox, the soft checks against the reports the collector sent come from
 * outbox_soft.c, reading its outbox read-only. Without the outbox those checks
 * cannot run, and the output says so rather than passing a file the collector may
 * refuse. The files named together are one batch, as files dropped together are for
 * the collector (a projects file may come with its values). January is judged as the
 * master folder's city.csv says (merge_jan_feb), as the collector does; --no-merge-jan-feb
 * checks as if it said no.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"
#include "cli.h"
#include "filecheck.h"
#include "i18n.h"
#include "validate.h"

/* Whether any file of the batch carries values for (zone, period): the collector
 * merges the files dropped together, so a projects file may come with its values. */
static bool batch_has_values(const report_set_t *sets, int n, const char *zone, const char *period) {
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < sets[i].n; k++)
            if (sets[i].reports[k].n_values && !strcmp(sets[i].reports[k].zone, zone) &&
                !strcmp(sets[i].reports[k].period, period))
                return true;
    return false;
}

/* What the outbox adds to one file's reports, as the collector merges the batch: a
 * projects file needs values in the batch or sent before; values are compared with the
 * reports sent. -1 on an outbox error. */
static int against_outbox(outbox_t *ob, const master_t *m, const validate_opts_t *vo, const char *path,
                          const report_set_t *sets, int n_sets, report_set_t *set, diag_list_t *dl) {
    for (size_t k = 0; k < set->n; k++) {
        report_t *r = &set->reports[k];
        if (r->n_values == 0) {
            int known = outbox_values_known(ob, r->zone, r->period,
                                               batch_has_values(sets, n_sets, r->zone, r->period));
            if (known < 0) return -1;
            if (!known && r->n_enterprises && !r->n_projects)
                filecheck_enterprises_first(dl, path, r->zone, r->period);
            else if (!known)
                filecheck_projects_first(dl, path, r->zone, r->period);
            continue;
        }
        if (outbox_soft_check(ob, m, vo->merge_jan_feb, r, dl) < 0) return -1;
    }
    return 0;
}

int cli_check(const cli_opts_t *o) {
    master_t *m = cli_master(o);
    validate_opts_t vo = validate_defaults();
    outbox_t *ob = NULL;
    report_set_t *sets;
    diag_list_t *dls;
    const county_t *county = NULL;
    int bad = 0;
    if (!m) return 2;
    if (o->county && !(county = cli_county(o, m, "check", o->county))) {
        master_destroy(&m);
        return 2;
    }
    if (o->n_args == 0) {
        fprintf(stderr, _("yuebao check: name at least one CSV file\n"));
        master_destroy(&m);
        return 2;
    }
    vo.merge_jan_feb = m->policy.merge_jan_feb && !o->no_merge_jan_feb; /* as the collector's */
    if (o->outbox) {
        char err[1200];
        if (!(ob = outbox_open_readonly(o->outbox, err, sizeof err))) {
            fprintf(stderr, _("yuebao check: cannot read the collector's outbox %s\n"), err);
            master_destroy(&m);
            return 2;
        }
    }
    sets = calloc((size_t)o->n_args, sizeof *sets);
    dls = calloc((size_t)o->n_args, sizeof *dls);
    if (!sets || !dls) {
        fprintf(stderr, _("yuebao check: out of memory\n"));
        free(sets);
        free(dls);
        outbox_close(&ob);
        master_destroy(&m);
        return 2;
    }
    /* every file on its own first, then the batch: the files named together are judged
     * as the collector judges files dropped together */
    for (int i = 0; i < o->n_args; i++) {
        filecheck_file_t in;
        if (filecheck_read(o->args[i], &in, &dls[i]) == 0) /* CSV or text, or a workbook */
            filecheck_judge_file(m, &vo, county ? county->code : NULL, o->args[i], &in, &sets[i], &dls[i]);
        filecheck_file_free(&in);
    }
    for (int i = 0; i < o->n_args; i++) {
        diag_list_t *dl = &dls[i];
        if (ob && dl->n_errors == 0 &&
            against_outbox(ob, m, &vo, o->args[i], sets, o->n_args, &sets[i], dl) < 0) {
            fprintf(stderr, _("yuebao check: the outbox %s could not be read\n"), o->outbox);
            bad = 2;
        }
        diag_sort(dl);
        diag_group(dl); /* one line per mistake, with its count and first places */
        printf(_("%s: %zu report(s), %zu error(s), %zu warning(s)\n"), o->args[i], sets[i].n, dl->n_errors,
               dl->n_warnings);
        for (size_t k = 0; k < dl->n; k++) {
            char line[1024];
            diag_format(&dl->items[k], line, sizeof line);
            printf("    %s\n", line);
        }
        if (dl->n_errors && !bad) bad = 1;
    }
    for (int i = 0; i < o->n_args; i++) {
        diag_clear(&dls[i]);
        report_set_clear(&sets[i]);
    }
    free(sets);
    free(dls);
    if (!ob)
        printf(_("not checked against earlier reports (jumps such as 元 instead of 万元, key projects "
               "before values): name the collector's outbox with --outbox FILE\n"));
    outbox_close(&ob);
    master_destroy(&m);
    return bad;
}
