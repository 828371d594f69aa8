/* test_intake.c - the inbox's verdict on a file by its name (common/intake.c).
 *
 * What a desk officer sees: the CSV and text files are read as text, Excel workbooks
 * (.xlsx, .xlsm, any case) are read as workbooks; other workbook formats, documents and
 * archives are refused at once with a sentence naming what the file is and what to put
 * into the inbox instead (for a workbook: how to save it as .xlsx from Excel); files
 * still being uploaded or copied (WinSCP's .filepart, browsers' .part, .crdownload,
 * .download, a .tmp), Excel's lock files and other names that are none of ours are left
 * alone without a word, so a file is never taken half-written.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "intake.h"

Test(intake, csv_and_text_are_read) {
    const char *names[] = {"410602.csv", "410602.CSV", "410602.rev2.csv", "unicode.txt", "x.tsv"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        cr_expect_eq(intake_verdict(names[i], NULL, 0), INTAKE_READ, "%s is read", names[i]);
}

Test(intake, xlsx_workbooks_are_read_as_workbooks) {
    const char *names[] = {"410602.xlsx", "410602.XLSX", "410621-2017-06.xlsx", "a.xlsm", "a.rev2.Xlsx"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char why[512] = "x";
        cr_expect_eq(intake_verdict(names[i], why, sizeof why), INTAKE_WORKBOOK, "%s is read as a workbook",
                     names[i]);
        cr_expect_str_eq(why, "", "%s: no refusal to tell", names[i]);
    }
}

/* Each refused name with the kind the sentence names, and what it says to do. */
Test(intake, other_workbooks_documents_and_archives_are_refused_with_a_reason) {
    static const struct {
        const char *name, *ext, *says;
    } cases[] = {
        {"410602.xls", ".xls", "另存为"},     {"410602.XLS", ".xls", "另存为"},
        {"a.xlsb", ".xlsb", "另存为"},        {"a.et", ".et", "另存为"},
        {"a.ods", ".ods", "另存为"},          {"a.docx", ".docx", "yuebao template"},
        {"a.doc", ".doc", "yuebao template"}, {"a.wps", ".wps", "yuebao template"},
        {"a.pdf", ".pdf", "yuebao template"}, {"a.odt", ".odt", "yuebao template"},
        {"a.zip", ".zip", "does not unpack"}, {"a.rar", ".rar", "does not unpack"},
        {"a.7z", ".7z", "does not unpack"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char why[512] = "", ext[16];
        snprintf(ext, sizeof ext, "(%s)", cases[i].ext);
        cr_expect_eq(intake_verdict(cases[i].name, why, sizeof why), INTAKE_REFUSE, "%s is refused",
                     cases[i].name);
        cr_expect_not_null(strstr(why, ext), "%s: names what it is, %s: %s", cases[i].name, ext, why);
        cr_expect_not_null(strstr(why, cases[i].says), "%s: says \"%s\": %s", cases[i].name, cases[i].says,
                           why);
        cr_expect_not_null(strstr(why, ".xlsx"), "%s: says what to put into the inbox: %s", cases[i].name,
                           why);
        cr_expect_not_null(strstr(why, "into the inbox"), "%s: %s", cases[i].name, why);
    }
    {
        char why[512] = "";
        intake_verdict("a.xls", why, sizeof why);
        cr_expect_not_null(strstr(why, "Excel 工作簿(*.xlsx)"), "an .xls: save as .xlsx: %s", why);
    }
}

/* The paragraph an errors file ends with: both ways in, and how to get them from Excel. */
Test(intake, the_help_says_what_the_collector_takes) {
    const char *help = intake_help();
    const char *says[] = {"yuebao template",
                          ".xlsx",
                          "zone,period,indicator,amount,growth_pct",
                          "zone,period,project,name,total_investment,ytd_investment,status",
                          "CSV UTF-8",
                          "GB18030",
                          "Unicode text",
                          "另存为"};
    cr_assert_not_null(help);
    cr_expect_eq(help[strlen(help) - 1], '\n', "a paragraph with its final newline");
    for (size_t i = 0; i < sizeof says / sizeof *says; i++)
        cr_expect_not_null(strstr(help, says[i]), "the help says \"%s\":\n%s", says[i], help);
}

Test(intake, uploads_in_progress_and_foreign_files_are_ignored) {
    const char *names[] = {"410602.csv.filepart",
                           "410602.csv.part",
                           "410602.csv.crdownload",
                           "410602.csv.tmp",
                           "410602.csv.download",
                           "410602.xlsx.partial",
                           ".410602.csv.swp",
                           "~$410602.xlsx",
                           "~$410602.xls",
                           ".~lock.410602.xlsx#",
                           "410602.xlsx~",
                           "410602.csv~"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        cr_expect_eq(intake_verdict(names[i], NULL, 0), INTAKE_IGNORE, "%s is left alone", names[i]);
}

/* A file of no kind the collector knows, and no upload in progress either, is not left
 * in the inbox without a word: the desk is told what the collector takes. */
Test(intake, anything_else_is_refused_saying_what_is_taken) {
    const char *names[] = {"410602", "notes.md", "410602.dat", "report.json", "410602.csv.bak"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char why[512] = "";
        cr_expect_eq(intake_verdict(names[i], why, sizeof why), INTAKE_REFUSE, "%s is refused", names[i]);
        cr_expect_not_null(strstr(why, ".xlsx"), "%s: %s", names[i], why);
        cr_expect_not_null(strstr(why, ".csv"), "%s: %s", names[i], why);
    }
}
