/* filecheck.h - the verdict on one county file before anything of it is sent.
 *
 * The collector and `yuebao check` both judge a file here, so a desk officer's dry run
 * refuses exactly the files the collector refuses, in the same words: a file is read
 * (county_csv_read: the names intake.h takes, any encoding text.h takes; or a workbook
 * read into a table), parsed (county_table.h), must hold at least one data row, and every report it builds that
 * carries values must pass the hard rules (validate.h). What depends on earlier reports — a correction's merge with the last
 * report sent, the soft checks against it (plausibility.h) — the caller adds with
 * the reports it knows.
 */
#ifndef YB_FILECHECK_H
#define YB_FILECHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "county_csv.h"
#include "county_table.h"
#include "diag.h"
#include "master.h"
#include "table.h"
#include "validate.h"

/* Judges utf8[0..len) named `name`: parses it into set and validates each report of
 * it that has values (as revision 1: the collector numbers it later) for county (NULL:
 * any). A file without a data row (a header alone, or only empty rows) is an error.
 * Appends every finding to dl; returns the number of errors. */
size_t filecheck_judge(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                       const char *utf8, size_t len, report_set_t *set, diag_list_t *dl);

/* The same for a table: a workbook's (xlsx.h) or a CSV file's (csv_to_table), named
 * `name`. county also decides which templates are taken: a template of another county
 * is refused (county_table.h). */
size_t filecheck_judge_table(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                             const table_t *t, report_set_t *set, diag_list_t *dl);

/* A county file as read from the inbox: a workbook's table, or a text file's UTF-8. */
#define FILECHECK_MAX_WORKBOOK_BYTES (32u << 20) /* a county's month is a few hundred KiB */
typedef struct {
    bool is_workbook;
    table_t table;           /* is_workbook: every sheet (xlsx.h) */
    char *text;              /* else: the file decoded to UTF-8 (county_csv_read) */
    size_t len;
    unsigned long long hash; /* of the file's bytes (workbook) or its text: "the same file" */
} filecheck_file_t;

/* Reads the county file at path by the name intake.h gives it: a workbook (.xlsx) with
 * xlsx.h, a text file with county_csv_read. 0, or -1 with one error in dl naming the
 * file by its base name (a name the collector does not take, a file that cannot be
 * read, a workbook that is not one); *f is then empty. Free with filecheck_file_free. */
int filecheck_read(const char *path, filecheck_file_t *f, diag_list_t *dl);

/* filecheck_judge or filecheck_judge_table, as f is text or a workbook. */
size_t filecheck_judge_file(const master_t *m, const validate_opts_t *vo, const char *county, const char *name,
                            const filecheck_file_t *f, report_set_t *set, diag_list_t *dl);

/* Frees what filecheck_read read; NULL-safe, safe twice. */
void filecheck_file_free(filecheck_file_t *f);

/* The error for a key-projects file whose (zone, period) has no indicator values yet,
 * neither in the batch nor in the last report sent. */
void filecheck_projects_first(diag_list_t *dl, const char *name, const char *zone, const char *period);

/* The same for a key-enterprises file (重点企业运行). */
void filecheck_enterprises_first(diag_list_t *dl, const char *name, const char *zone, const char *period);

#endif
