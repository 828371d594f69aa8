/* diag.h - a list of errors and warnings, each with file, line, field and a message.
 *
 * Every layer that judges input (CSV reader, master data, validation, the aggregator's
 * revision rules) appends here instead of printing, so the same finding reaches a desk
 * officer's .errors.txt, an Ack on the wire and a log line with the same words.
 *
 * A finding about a workbook cell names the cell as its field ("主要指标!D7", its row as
 * the line, for sorting) and is shown without the line: "2017-06.xlsx: 主要指标!D7: …";
 * one about a CSV line is "410602.csv:7: amount: …". Where findings are shown to people,
 * diag_group folds the same mistake made in many rows into one line with the count and
 * the first places, so twenty rows typed the same wrong way read as one mistake.
 */
#ifndef YB_DIAG_H
#define YB_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum { DIAG_ERROR = 0, DIAG_WARNING = 1 } diag_severity_t;

typedef struct {
    diag_severity_t severity;
    char file[128]; /* source file name, "" if none */
    unsigned line;  /* 1-based source line (a workbook cell's row), 0 if none */
    char field[64]; /* column or field name, or a workbook cell "Sheet!D7"; "" if none */
    char message[384];
    unsigned kind; /* 0, or what the layer that made it says it is (validate.h: a
                    * finding the receiver's own state may cure); not on the wire */
    bool cell;      /* field names a workbook cell: shown without the line; not on the wire */
    unsigned group; /* what mistake this is, for diag_group: 0 folds only with the very
                     * same message; else findings of one group fold though their words
                     * differ (diag_group_of); not on the wire */
    unsigned count; /* diag_group: how many findings this line stands for (0 or 1: itself) */
} diag_t;

typedef struct {
    diag_t *items;
    size_t n, cap;
    size_t n_errors, n_warnings;
    size_t max_items; /* further findings are counted but not kept; 0 = 200 */
} diag_list_t;

/* Appends a finding. Never fails: when memory or max_items run out the finding is
 * counted but dropped. file/field may be NULL. Its group is 0. */
void diag_add(diag_list_t *dl, diag_severity_t sev, const char *file, unsigned line, const char *field,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Appends a finding about a workbook cell: cell is "Sheet!D7", row its row. The group
 * is diag_group_of(fmt), so the same mistake in many cells folds into one line. */
void diag_add_cell(diag_list_t *dl, diag_severity_t sev, const char *file, unsigned row, const char *cell,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* diag_add with everything said: whether field is a workbook cell and the group (0 or
 * diag_group_of of the message's format). */
void diag_vadd(diag_list_t *dl, diag_severity_t sev, const char *file, unsigned line, const char *field,
               bool cell, unsigned group, const char *fmt, va_list ap) __attribute__((format(printf, 8, 0)));

/* A group for the findings made from one message format: a hash of its text, never 0. */
unsigned diag_group_of(const char *fmt);

/* Formats one finding as "file:line: field: message" (omitting empty parts); a cell's
 * or a folded finding's without the line ("file: 主要指标!D7: message"). */
void diag_format(const diag_t *d, char *buf, size_t size);

/* Orders the findings by file, then (a workbook's cells) sheet, then line (stable), as a
 * reader goes through a file. */
void diag_sort(diag_list_t *dl);

/* Folds the findings that are one mistake made in several places into the first of
 * them: the same file, severity and column (a CSV field; a workbook cell's sheet and
 * column letters), and the same group (or, for group 0, the same message), each with
 * a line. The first keeps its place and words and gains the count and the first three
 * places: "410602.csv: amount: … (20 rows: 7, 8, 9, …)", "2017-06.xlsx: 主要指标: …
 * (20 cells: D7, D8, D9, …)", with "; the first shown" when the words differed. The
 * message and what is added are one translated sentence (ngettext by the count), so
 * each language says the count its own way. Its field becomes the column (the sheet,
 * for cells) and count the number folded. Call it last, on a list only shown from then
 * on; diag_unlisted keeps counting right. */
void diag_group(diag_list_t *dl);

/* What goes between the places of a list shown to people, as diag_group writes them
 * ("D7, D8, D9, …"): ", " in English, "、" in Chinese. Borrowed, never NULL. */
const char *diag_list_sep(void);

/* How many findings the list counted but does not show, folded ones not included: the
 * "… and N more" under a list capped at max_items. */
size_t diag_unlisted(const diag_list_t *dl);

/* Makes *dst a copy of src with storage of its own (to fold for showing while src is
 * still used). 0, or -1 on out of memory with *dst empty. */
int diag_copy(diag_list_t *dst, const diag_list_t *src);

/* Empties the list and frees its storage; the list can be reused. */
void diag_clear(diag_list_t *dl);

#endif
