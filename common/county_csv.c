/* county_csv.c - a county's CSV file: its text into a table, the table into reports (see county_csv.h).
 *
 * Reading the file (intake's verdict on its name, any encoding text.h decodes) and
 * turning its text into a table (csv.h) is all that is CSV here; what the cells mean is
 * county_table.c's, which reads workbooks by the same rules.
 */
#include "county_csv.h"

#include <stdlib.h>
#include <string.h>

#include "csv_table.h"
#include "i18n.h"
#include "intake.h"
#include "table.h"
#include "text.h"
#include "util.h"

size_t county_csv_parse(const master_t *m, const char *name, const char *utf8, size_t len, report_set_t *set,
                        diag_list_t *dl) {
    county_parse_opts_t opts = {0};
    table_t t;
    char err[384];
    unsigned err_line;
    size_t n;
    if (len >= 3 && !memcmp(utf8, "\xEF\xBB\xBF", 3)) { /* a BOM left by the caller */
        utf8 += 3;
        len -= 3;
    }
    if (memchr(utf8, '\0', len) || !utf8_valid(utf8, len)) {
        diag_add(dl, DIAG_ERROR, name ? name : "", 0, NULL,
                 _("not UTF-8 text (save the sheet as CSV UTF-8 or as CSV in a Chinese locale)"));
        return 1;
    }
    /* a malformed record ends the table; the rows before it are still read, and the
     * error comes after their findings, where the reading stopped */
    if (csv_to_table(utf8, len, COUNTY_CSV_MAX_CELLS, &t, &err_line, err, sizeof err) < 0) {
        opts.reader_error = err;
        opts.reader_error_line = err_line;
    }
    n = county_table_parse(m, name, &t, set, dl, &opts);
    table_free(&t);
    return n;
}

int county_csv_read(const char *path, char **text, size_t *len, diag_list_t *dl) {
    const char *name = util_basename(path);
    char err[512];
    const char *msg = err;
    size_t n_path = strlen(path);
    *text = NULL;
    *len = 0;
    if (intake_verdict(name, err, sizeof err) != INTAKE_READ) { /* the collector's verdict too */
        diag_add(dl, DIAG_ERROR, name, 0, NULL, "%s", err);
        return -1;
    }
    if (text_load_file(path, COUNTY_CSV_MAX_BYTES, text, len, NULL, err, sizeof err) == 0) return 0;
    /* text.c prefixes the path; the diag names the file already */
    if (!strncmp(err, path, n_path) && !strncmp(err + n_path, ": ", 2)) msg = err + n_path + 2;
    diag_add(dl, DIAG_ERROR, name, 0, NULL, "%s", msg);
    return -1;
}

size_t county_csv_load(const master_t *m, const char *path, report_set_t *set, diag_list_t *dl) {
    char *text = NULL;
    size_t len = 0, n;
    if (county_csv_read(path, &text, &len, dl) < 0) return 1;
    n = county_csv_parse(m, util_basename(path), text, len, set, dl);
    free(text);
    return n;
}
