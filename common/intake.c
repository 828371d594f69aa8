/* intake.c - the inbox's verdict on a file by its name (see intake.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "intake.h"

static const char help[] =
    N_("The collector reads county reports as CSV text: UTF-8 (with or without BOM), GB18030/GBK,\n"
    "or Excel's \"Unicode text\" (UTF-16 with tabs), with the columns\n"
    "    zone,period,indicator,amount,growth_pct   (园区代码,统计期,指标,本年累计,同比增长(%))\n"
    "or, for key projects,\n"
    "    zone,period,project,name,total_investment,ytd_investment,status\n"
    "In Excel: 文件 → 另存为 → 文件类型 \"CSV UTF-8 (逗号分隔)(*.csv)\", then put the .csv file\n"
    "into the inbox.\n");

const char *intake_help(void) {
    return _(help);
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcasecmp(s + n - k, suffix) == 0;
}

intake_verdict_t intake_verdict(const char *name, char *why, size_t whysz) {
    static const char *const readable[] = {".csv", ".txt", ".tsv"};
    static const char *const excel[] = {".xlsx", ".xls", ".xlsm", ".xlsb", ".et", ".ods"};
    static const char *const word[] = {".docx", ".doc", ".wps", ".pdf", ".odt", ".rtf"};
    static const char *const archive[] = {".zip", ".rar", ".7z"};
    size_t n = strlen(name);
    char dummy[1];
    if (!why || !whysz) {
        why = dummy;
        whysz = sizeof dummy;
    }
    why[0] = '\0';
    if (n == 0 || name[0] == '.' || !strncmp(name, "~$", 2) || name[n - 1] == '~') {
        snprintf(why, whysz,
                 _("a hidden or temporary file (an Excel lock file ~$…, an editor's swap or "
                 "backup): the collector ignores it"));
        return INTAKE_IGNORE;
    }
    for (size_t i = 0; i < sizeof readable / sizeof *readable; i++)
        if (ends_with(name, readable[i])) return INTAKE_READ;
    for (size_t i = 0; i < sizeof excel / sizeof *excel; i++)
        if (ends_with(name, excel[i])) {
            snprintf(why, whysz,
                     _("an Excel workbook (%s): the collector reads CSV text only; save the sheet as CSV UTF-8 "
                     "(文件 → 另存为 → CSV UTF-8) and put the .csv file into the inbox"),
                     excel[i]);
            return INTAKE_REFUSE;
        }
    for (size_t i = 0; i < sizeof word / sizeof *word; i++)
        if (ends_with(name, word[i])) {
            snprintf(why, whysz,
                     _("a document (%s), not a table: the collector reads CSV text only; fill in the report "
                     "template in Excel and save it as CSV UTF-8 (文件 → 另存为 → CSV UTF-8)"),
                     word[i]);
            return INTAKE_REFUSE;
        }
    for (size_t i = 0; i < sizeof archive / sizeof *archive; i++)
        if (ends_with(name, archive[i])) {
            snprintf(why, whysz,
                     _("an archive (%s): the collector does not unpack archives; put the .csv files themselves "
                     "into the inbox (saved from Excel as CSV UTF-8: 文件 → 另存为 → CSV UTF-8)"),
                     archive[i]);
            return INTAKE_REFUSE;
        }
    /* any other name: a file still being uploaded or copied (WinSCP's x.csv.filepart, a
     * browser's .part, .crdownload, .download, a tool's x.csv.tmp) must not be taken
     * half-written, and a file of another program is none of ours */
    snprintf(why, whysz,
             _("not a file the collector takes (.csv, .txt, .tsv), nor a workbook or document it refuses: "
             "a file still being copied in, or another program's; the collector ignores it"));
    return INTAKE_IGNORE;
}
