/* json.h - flat JSON arrays of strings or of numbers, written into and read from
 * fixed buffers: what a store keeps in one column (a ranking's dimension names, a row's
 * subtotals). Nested values and objects are not read.
 */
#ifndef YB_JSON_H
#define YB_JSON_H

#include <stddef.h>

/* Longest string json_get_array keeps, with its NUL; longer ones are cut. */
#define JSON_NAME_MAX 64

/* Appends v to buf[*off..size) as a JSON string and NUL-terminates; bytes from 0x80 up
 * are UTF-8 and pass through, control bytes become \u00XX. The caller sizes buf for the
 * worst case (6 bytes per byte of v, plus 3): it cannot overflow then. */
void json_put_string(char *buf, size_t size, size_t *off, const char *v);

/* The room json_number needs: "%.17g" is at most 24 bytes ("-2.2250738585072014e-308"). */
#define JSON_NUMBER_MAX 32

/* Writes snprintf(out, JSON_NUMBER_MAX, "%.17g", v) — the same bytes — and returns its
 * length. Where 1e-4 <= |v| < 1e15 (where a ranking's scores and subtotals lie) the
 * digits come from integer arithmetic, exact and several times cheaper than printf's
 * (30 M instructions against 166 M for a 10 000-zone ranking); elsewhere from
 * snprintf. */
size_t json_number(double v, char out[JSON_NUMBER_MAX]);

/* Writes v[0..n) into out[0..size) as a JSON array of numbers ("%.17g", which reads back
 * exactly; a non-finite number as null), NUL-terminated. 3 + 26 * n bytes always hold it
 * (24 per number, a comma, brackets, NUL). Returns 0, or -1 if it did not fit: then out
 * holds as much as fitted, still NUL-terminated if size > 0 (nothing is written if
 * size is 0), which json_get_array refuses. Never writes past out[size - 1]. */
int json_put_numbers(const double *v, size_t n, char *out, size_t size);

/* Skips JSON white space at p. */
const char *json_ws(const char *p);

/* Parses the JSON string at p (at its opening quote) into out, truncated to size - 1
 * bytes. Returns the byte after the closing quote, or NULL if it is not a string. */
const char *json_get_string(const char *p, char *out, size_t size);

/* Parses a JSON number (or null, as NAN) at p, as strtod reads it, to the bit: plain
 * decimals of up to 19 digits by exact integer arithmetic, the rest by strtod. Returns
 * the byte after it, or NULL. */
const char *json_get_number(const char *p, double *v);

/* Parses json, a JSON array of at most max strings (names != NULL) or numbers (into
 * numbers), with nothing after it but white space. Returns the count, or -1 if it is not
 * such an array. A NULL json is not an array. */
int json_get_array(const char *json, char (*names)[JSON_NAME_MAX], double *numbers, size_t max);

#endif
