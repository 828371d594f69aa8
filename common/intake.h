/* intake.h - which files a county desk puts in the inbox the collector reads.
 *
 * One decision for the collector's inbox and for `yuebao check`, so both give the same
 * verdict: hidden and temporary files (".x", Excel's lock files "~$x.xlsx", editors'
 * "x~") are none of ours and are ignored without a word; CSV and text files (.csv,
 * .txt, .tsv: Excel's "CSV UTF-8", "CSV", and "Unicode text", which is UTF-16 with
 * tabs) are read as text; Excel workbooks (.xlsx, .xlsm: the monthly template, or any
 * workbook with the long format on a sheet) are read as workbooks; other workbook
 * formats, documents and archives (.xls, .xlsb, .et, .ods, .docx, .wps, .pdf, .zip, …:
 * what a desk officer drops by mistake) are refused at once with a message that says
 * what the collector takes and how to save it from Excel. A file still being uploaded
 * or copied (WinSCP's x.csv.filepart, a browser's .part or .crdownload, x.csv.tmp) is
 * left alone until it has its real name: it must not be taken half-written. Any other
 * name is refused too, saying what the collector takes: nothing is left in the inbox
 * without a word.
 */
#ifndef YB_INTAKE_H
#define YB_INTAKE_H

#include <stddef.h>

typedef enum {
    INTAKE_READ,     /* a file to parse as a county CSV (text) */
    INTAKE_WORKBOOK, /* an Excel workbook (.xlsx) to read with xlsx.h */
    INTAKE_IGNORE, /* hidden, temporary or still being copied in: leave it alone, say nothing */
    INTAKE_REFUSE, /* a file the collector cannot read: refuse it, saying why */
} intake_verdict_t;

/* The verdict for a file of that base name; for INTAKE_REFUSE (and INTAKE_IGNORE) a
 * sentence for the desk officer in why[0..whysz) (may be NULL). */
intake_verdict_t intake_verdict(const char *name, char *why, size_t whysz);

/* What the collector takes and how to get it from Excel: a paragraph (with a final
 * newline) for an errors file. */
const char *intake_help(void);

#endif
