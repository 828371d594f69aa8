/* diag.h - a list of errors and warnings, each with file, line, field and a message.
 *
 * Every layer that judges input (CSV reader, master data, validation, the aggregator's
 * revision rules) appends here instead of printing, so the same finding reaches a desk
 * officer's .errors.txt, an Ack on the wire and a log line with the same words.
 */
#ifndef YB_DIAG_H
#define YB_DIAG_H

#include <stddef.h>

typedef enum { DIAG_ERROR = 0, DIAG_WARNING = 1 } diag_severity_t;

typedef struct {
    diag_severity_t severity;
    char file[128]; /* source file name, "" if none */
    unsigned line;  /* 1-based source line, 0 if none */
    char field[64]; /* column or field name, "" if none */
    char message[384];
    unsigned kind; /* 0, or what the layer that made it says it is (validate.h: a
                    * finding the receiver's own state may cure); not on the wire */
} diag_t;

typedef struct {
    diag_t *items;
    size_t n, cap;
    size_t n_errors, n_warnings;
    size_t max_items; /* further findings are counted but not kept; 0 = 200 */
} diag_list_t;

/* Appends a finding. Never fails: when memory or max_items run out the finding is
 * counted but dropped. file/field may be NULL. */
void diag_add(diag_list_t *dl, diag_severity_t sev, const char *file, unsigned line, const char *field,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Formats one finding as "file:line: field: message" (omitting empty parts). */
void diag_format(const diag_t *d, char *buf, size_t size);

/* Orders the findings by file, then line (stable), as a reader goes through a file. */
void diag_sort(diag_list_t *dl);

/* Empties the list and frees its storage; the list can be reused. */
void diag_clear(diag_list_t *dl);

#endif
