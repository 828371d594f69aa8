/* strbuf.h - a growable byte buffer, always NUL-terminated: for bodies whose size is
 * not known in advance (a JSON reply, a page). Out of memory aborts the process: a
 * half-built reply must never be sent, and a daemon out of memory is restarted by
 * systemd.
 */
#ifndef YB_STRBUF_H
#define YB_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len; /* bytes before the NUL */
    size_t cap; /* bytes allocated */
} strbuf_t;

#define STRBUF_INIT {NULL, 0, 0}

/* Appends len bytes of s (which may hold NULs). */
void strbuf_add(strbuf_t *b, const void *s, size_t len);
/* Appends the NUL-terminated s. */
void strbuf_puts(strbuf_t *b, const char *s);
/* Appends printf(fmt, ...). */
void strbuf_printf(strbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(strbuf_t *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s as a JSON string with its quotes: control bytes as \u00XX, quote and
 * backslash escaped, and <, >, & as \u003c, \u003e, \u0026 so the text can never close
 * a <script> block or open markup when a page embeds it. Invalid UTF-8 is replaced by
 * U+FFFD, so the result is always valid JSON. NULL is written as null. */
void strbuf_json_string(strbuf_t *b, const char *s);
/* Appends x as a JSON number with at most decimals digits after the point, trailing
 * zeros removed ("12.5", "3"); a non-finite x as null. */
void strbuf_json_number(strbuf_t *b, double x, int decimals);
/* Appends s with &, <, >, " and ' as HTML entities: text or an attribute value. */
void strbuf_html(strbuf_t *b, const char *s);
/* Empties b, keeping its memory. */
void strbuf_reset(strbuf_t *b);
/* Hands the data over (caller frees; never NULL: "" when empty) and empties b. */
char *strbuf_take(strbuf_t *b);
/* Frees the data; b is empty and reusable afterwards. */
void strbuf_free(strbuf_t *b);

#endif
