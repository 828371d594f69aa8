/* test_intake.c - the inbox's verdict on a file by its name (common/intake.c).
 *
 * What a desk officer sees: the CSV and text files are read; workbooks and documents are
 * refused at once with a sentence saying how to save a CSV; files still being uploaded or
 * copied (WinSCP's .filepart, browsers' .part, .crdownload, .download, a .tmp) and other
 * names that are none of ours are left alone without a word, so a file is never taken
 * half-written.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "intake.h"

Test(intake, csv_and_text_are_read) {
    const char *names[] = {"410602.csv", "410602.CSV", "410602.rev2.csv", "unicode.txt", "x.tsv"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        cr_expect_eq(intake_verdict(names[i], NULL, 0), INTAKE_READ, "%s is read", names[i]);
}

Test(intake, workbooks_and_documents_are_refused_with_a_reason) {
    const char *names[] = {"410602.xlsx", "410602.XLS", "a.xlsm", "a.xlsb", "a.et",  "a.ods", "a.docx",
                           "a.doc",       "a.wps",      "a.pdf",  "a.odt",  "a.zip", "a.rar", "a.7z"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char why[512] = "";
        cr_expect_eq(intake_verdict(names[i], why, sizeof why), INTAKE_REFUSE, "%s is refused", names[i]);
        cr_expect_not_null(strstr(why, "CSV UTF-8"), "%s: says how to save a CSV: %s", names[i], why);
    }
}

Test(intake, uploads_in_progress_and_foreign_files_are_ignored) {
    const char *names[] = {"410602.csv.filepart",
                           "410602.csv.part",
                           "410602.csv.crdownload",
                           "410602.csv.tmp",
                           "410602.csv.download",
                           "410602",
                           "notes.md",
                           ".410602.csv.swp",
                           "~$410602.xlsx",
                           "410602.csv~"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        cr_expect_eq(intake_verdict(names[i], NULL, 0), INTAKE_IGNORE, "%s is left alone", names[i]);
}
