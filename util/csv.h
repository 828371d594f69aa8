/* csv.h - an RFC 4180 CSV reader over a UTF-8 buffer that knows its line numbers.
 *
 * Mechanism only: it knows nothing of reports. Quoted fields may hold commas, doubled
 * quotes and line breaks; LF and CRLF both end a record. Every record carries the
 * 1-based line it starts on, so errors can name file, line and column.
 */
#ifndef YB_CSV_H
#define YB_CSV_H

#include <stddef.h>
#include <stdio.h>

typedef struct csv_reader csv_reader_t;

typedef struct {
    char **fields; /* borrowed: valid until the next csv_next() or csv_close() */
    size_t n_fields;
    unsigned line; /* line the record starts on */
} csv_record_t;

/* Reads from data[0..len) (borrowed; must outlive the reader). NULL on out of memory. */
csv_reader_t *csv_open(const char *data, size_t len);

/* The same with another separator: '\t' for Excel's "Unicode text". */
csv_reader_t *csv_open_sep(const char *data, size_t len, char sep);

/* The separator of a file by its first line that holds a tab or a comma (a title line
 * above the header may hold neither): '\t' if it holds tabs and no comma (what Excel's
 * "Unicode text" writes), ',' otherwise. */
char csv_guess_sep(const char *data, size_t len);

/* Reads the next non-empty record. Returns 1 with *rec filled, 0 at end of input, -1 on
 * malformed input (e.g. a quote never closed, text after a closing quote) with a
 * message in err naming the line. Blank lines are skipped. */
int csv_next(csv_reader_t *r, csv_record_t *rec, char *err, size_t errsz);

/* After csv_next returned -1 with err: the reason alone, past its "line N: " (which is
 * in the reader's language, so it cannot be parsed), and the line into *line, for a
 * caller that names the line in a place of its own. Points into err. */
const char *csv_error_reason(const csv_reader_t *r, const char *err, unsigned *line);

/* Frees the reader and sets *r to NULL; NULL-safe. */
void csv_close(csv_reader_t **r);

/* Writes s to f as one RFC 4180 field: quoted, with quotes doubled, when it holds a
 * comma, a quote or a line break; as it is otherwise. No separator. */
void csv_write_field(FILE *f, const char *s);

#endif
