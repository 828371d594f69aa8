/* text.h - bytes from county files into UTF-8: BOM, GB18030, validation, display width.
 *
 * County desks export CSV from Excel: UTF-8 with or without BOM, or GB18030/GBK when
 * saved in a Chinese locale. Everything past this module is UTF-8 without BOM.
 */
#ifndef YB_TEXT_H
#define YB_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool utf8_valid(const char *s, size_t len);

/* src into dst[0..size) (size > 0), cut to size - 1 bytes: what snprintf(dst, size,
 * "%s", src) writes, without the formatter, for loops over every zone, check or row. */
void text_copy(char *dst, size_t size, const char *src);

/* Drops a partial UTF-8 character that a truncating snprintf left at the end of s, so
 * the string stays valid UTF-8 (and passes the codec's checks). */
void text_truncate_utf8(char *s);

/* Converts in[0..len) to NUL-terminated UTF-8 in *out (caller frees) and its length in
 * *outlen. A UTF-8 BOM is stripped; input that starts with a UTF-16 BOM (LE, as Excel's
 * "Unicode text", or BE) is decoded as UTF-16; input that is not valid UTF-8 is decoded
 * as GB18030. *encoding (may be NULL) is set to a static name: "UTF-8", "UTF-8 (BOM)",
 * "UTF-16LE (BOM)", "UTF-16BE (BOM)" or "GB18030". Returns 0, or -1 with a message in err when neither decoding works. */
int text_to_utf8(const char *in, size_t len, char **out, size_t *outlen, const char **encoding, char *err,
                 size_t errsz);

/* Reads the whole file (at most max_bytes) and converts it as text_to_utf8 does.
 * Returns 0, or -1 with a message naming the file in err. */
int text_load_file(const char *path, size_t max_bytes, char **out, size_t *outlen, const char **encoding,
                   char *err, size_t errsz);

/* Terminal columns the UTF-8 string takes: CJK and full-width characters count 2. */
int text_width(const char *s);

/* Writes s to buf left-aligned and padded with spaces to `width` columns (never cut). */
void text_pad(char *buf, size_t size, const char *s, int width);

/* Copies s into buf (size bytes, at least 4) fit for a message, an Ack or a log line:
 * the same as text_escape_controls (C0, DEL and C1 controls and bytes that are not UTF-8
 * become visible escapes; a string too long for buf is cut on a character boundary and
 * marked "..."). The result is always valid UTF-8 without a control character. Returns
 * buf. */
const char *text_shown(const char *s, char *buf, size_t size);

/* Copies s into buf (size bytes, at least 8) fit for a terminal or a log line: control
 * characters become visible escapes ("\n", "\t", "\r", "\x1b", DEL "\x7f", C1 as
 * "\u0085", and the bidi controls and line separators that reorder or break a shown
 * line as "\u202e", "\u2028"), a byte that is not UTF-8 becomes "\xff", and a string too long for buf is
 * cut on a character boundary and marked "...". The result is valid UTF-8 with no
 * control character, so county text can never forge a log line or drive a terminal.
 * Every place that prints or logs what a county sent uses this. Returns buf. */
const char *text_escape_controls(const char *s, char *buf, size_t size);

/* The same for len bytes that need not be text nor NUL-terminated (a routing id): a NUL
 * byte shows as "\x00". */
const char *text_escape_bytes(const void *bytes, size_t len, char *buf, size_t size);

/* True if s holds a control character (C0, DEL or C1): codes and names must not. */
bool text_has_controls(const char *s);

/* Removes leading and trailing ASCII white space in place; returns s. */
char *text_trim(char *s);

/* Removes leading and trailing white space in place as text_trim does, and also the
 * ideographic space U+3000 (what a Chinese input method types) and the no-break space
 * U+00A0 (what a cell copied from a web page carries). Returns s. */
char *text_trim_spaces(char *s);

/* What text_fold_width replaced: bits. */
#define TEXT_FOLD_DIGITS 1u /* full-width digits ０-９ */
#define TEXT_FOLD_SIGNS 2u  /* full-width ＋ － ． ， ％ （ ） ／ */
#define TEXT_FOLD_SPACES 4u /* the ideographic space U+3000, the no-break space U+00A0 */

/* Copies s into buf (size bytes, at least 1) with the full-width forms an office types in
 * numbers, dates and codes replaced by what Unicode's NFKC makes of them: the digits
 * ０-９, ＋ － ． ， ％ （ ） ／ and the spaces U+3000 and U+00A0 become their ASCII
 * characters. Nothing else changes, so a ① or a ㎡ is never taken for a digit or a
 * unit. A result too long for buf is cut on a character boundary. Returns the
 * TEXT_FOLD_* bits of what was replaced, 0 when buf holds s as it was. */
unsigned text_fold_width(const char *s, char *buf, size_t size);

#endif
