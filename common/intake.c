/* intake.c - the inbox's verdict on a file by its name (see intake.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "intake.h"

static const char help[] =
    N_("The collector reads the monthly report workbook (yuebao template, .xlsx) as filled in\n"
    "Excel; any other Excel workbook (.xlsx) with, on a sheet, the columns\n"
    "    zone,period,indicator,amount,growth_pct   (园区代码,统计期,指标,本年累计,同比增长(%))\n"
    "or, for key projects,\n"
    "    zone,period,project,name,total_investment,ytd_investment,status\n"
    "and CSV text with those columns: UTF-8 (with or without BOM), GB18030/GBK, or Excel's\n"
    "\"Unicode text\" (UTF-16 with tabs). From an older Excel or WPS: 文件 → 另存为 → 文件类型\n"
    "\"Excel 工作簿(*.xlsx)\" or \"CSV UTF-8 (逗号分隔)(*.csv)\", then put that file into the inbox.\n");

const char *intake_help(void) {
    return _(help);
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcasecmp(s + n - k, suffix) == 0;
}

intake_verdict_t intake_verdict(const char *name, char *why, size_t whysz) {
    static const char *const readable[] = {".csv", ".txt", ".tsv"};
    static const char *const workbook[] = {".xlsx", ".xlsm"};
    static const char *const excel[] = {".xls", ".xlsb", ".et", ".ods"};
    static const char *const word[] = {".docx", ".doc", ".wps", ".pdf", ".odt", ".rtf"};
    static const char *const archive[] = {".zip", ".rar", ".7z"};
    static const char *const in_progress[] = {".filepart", ".part", ".partial", ".crdownload", ".download",
                                              ".opdownload", ".tmp"};
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
    for (size_t i = 0; i < sizeof workbook / sizeof *workbook; i++)
        if (ends_with(name, workbook[i])) return INTAKE_WORKBOOK;
    for (size_t i = 0; i < sizeof excel / sizeof *excel; i++)
        if (ends_with(name, excel[i])) {
            snprintf(why, whysz,
                     _("a workbook the collector cannot read (%s): it reads Excel workbooks (.xlsx) and CSV; "
                     "save it as \"Excel 工作簿(*.xlsx)\" (文件 → 另存为) and put the .xlsx file into the inbox"),
                     excel[i]);
            return INTAKE_REFUSE;
        }
    for (size_t i = 0; i < sizeof word / sizeof *word; i++)
        if (ends_with(name, word[i])) {
            snprintf(why, whysz,
                     _("a document (%s), not a table: fill in the monthly report workbook (yuebao template) "
                     "in Excel and put the .xlsx file into the inbox"),
                     word[i]);
            return INTAKE_REFUSE;
        }
    for (size_t i = 0; i < sizeof archive / sizeof *archive; i++)
        if (ends_with(name, archive[i])) {
            snprintf(why, whysz,
                     _("an archive (%s): the collector does not unpack archives; put the workbooks (.xlsx) or "
                     ".csv files themselves into the inbox"),
                     archive[i]);
            return INTAKE_REFUSE;
        }
    /* a file still being uploaded or copied (WinSCP's x.csv.filepart, a browser's
     * .part, .crdownload, .download, a tool's x.csv.tmp) must not be taken half-written:
     * it gets its real name when it is complete */
    for (size_t i = 0; i < sizeof in_progress / sizeof *in_progress; i++)
        if (ends_with(name, in_progress[i])) {
            snprintf(why, whysz, _("a file still being copied in (%s): the collector takes it once it has its name"),
                     in_progress[i]);
            return INTAKE_IGNORE;
        }
    /* anything else is not left in the inbox without a word */
    snprintf(why, whysz,
             _("not a file the collector takes: it reads the monthly report workbook and other Excel "
               "workbooks (.xlsx) and CSV or text files (.csv, .txt, .tsv); save the report as one of them "
               "and put it into the inbox"));
    return INTAKE_REFUSE;
}
