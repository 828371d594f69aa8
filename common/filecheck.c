/* filecheck.c - one verdict on a county file for the collector and `yuebao check` (see filecheck.h).
 *
 * Before this, `check` passed a header-only file that the collector then refused,
 * because each had its own copy of "parse, then validate": the two drifted. Now the
 * file-level rules live here once, and both callers print what this appends.
 */
#include "filecheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "intake.h"
#include "text.h"
#include "util.h"
#include "xlsx.h"

/* What follows the parse, the same for text and tables: the hard rules on each report
 * the file built since report first, and a file without a data row refused. */
static size_t judge_parsed(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                           size_t before, size_t first, report_set_t *set, diag_list_t *dl) {
    /* every report the rows built is judged, also when some rows failed: the desk
     * officer sees every mistake at once */
    for (size_t i = first; i < set->n; i++) {
        if (set->reports[i].n_values == 0) { /* a projects or enterprises file's part: "no values" would mislead */
            validate_enterprises(&set->reports[i], dl);
            continue;
        }
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
    county_csv_parse(m, util_basename(name), utf8, len, set, dl); /* named as the desk knows it */
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

void filecheck_enterprises_first(diag_list_t *dl, const char *name, const char *zone, const char *period) {
    diag_add(dl, DIAG_ERROR, util_basename(name), 0, NULL,
             _("%s %s: key enterprises arrived before any indicator values for this zone and period; drop "
               "the values file first, or together with this one"),
             zone, period);
}

/* Reads path whole into *data (caller frees), at most max bytes. 0, or -1 with errno
 * (EFBIG: larger). */
static int read_all(const char *path, size_t max, unsigned char **data, size_t *len) {
    FILE *fp = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    *data = NULL;
    *len = 0;
    if (!fp) return -1;
    for (;;) {
        size_t got;
        if (n == cap) {
            unsigned char *p;
            if (cap > max) {
                free(buf);
                fclose(fp);
                errno = EFBIG;
                return -1;
            }
            cap = cap ? cap * 2 : 64 * 1024;
            if (!(p = realloc(buf, cap))) {
                free(buf);
                fclose(fp);
                errno = ENOMEM;
                return -1;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0) break;
    }
    if (ferror(fp) || n > max) {
        int e = n > max ? EFBIG : EIO;
        free(buf);
        fclose(fp);
        errno = e;
        return -1;
    }
    fclose(fp);
    *data = buf;
    *len = n;
    return 0;
}

int filecheck_read(const char *path, filecheck_file_t *f, diag_list_t *dl) {
    const char *name = util_basename(path);
    unsigned char *data = NULL;
    size_t len = 0, n_name = strlen(name);
    char err[512];
    memset(f, 0, sizeof *f);
    if (intake_verdict(name, NULL, 0) != INTAKE_WORKBOOK) {
        if (county_csv_read(path, &f->text, &f->len, dl) < 0) return -1;
        f->hash = util_hash64(f->text, f->len);
        return 0;
    }
    if (read_all(path, FILECHECK_MAX_WORKBOOK_BYTES, &data, &len) < 0) {
        if (errno == EFBIG)
            diag_add(dl, DIAG_ERROR, name, 0, NULL,
                     _("the workbook is larger than %u MiB, far more than a county's month: is it the right file?"),
                     FILECHECK_MAX_WORKBOOK_BYTES >> 20);
        else
            diag_add(dl, DIAG_ERROR, name, 0, NULL, _("cannot read the file: %s"), strerror(errno));
        return -1;
    }
    f->hash = util_hash64(data, len);
    if (xlsx_read_mem(data, len, name, &f->table, err, sizeof err) < 0) {
        /* the reader names the workbook first; the finding names it already */
        const char *msg = !strncmp(err, name, n_name) && !strncmp(err + n_name, ": ", 2) ? err + n_name + 2 : err;
        diag_add(dl, DIAG_ERROR, name, 0, NULL, "%s", msg);
        free(data);
        memset(f, 0, sizeof *f);
        return -1;
    }
    free(data);
    f->is_workbook = true;
    return 0;
}

size_t filecheck_judge_file(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                            const filecheck_file_t *f, report_set_t *set, diag_list_t *dl) {
    if (f->is_workbook) return filecheck_judge_table(m, vo, county, name, &f->table, set, dl);
    return filecheck_judge(m, vo, county, name, f->text, f->len, set, dl);
}

void filecheck_file_free(filecheck_file_t *f) {
    if (!f) return;
    if (f->is_workbook) table_free(&f->table);
    free(f->text);
    memset(f, 0, sizeof *f);
}
