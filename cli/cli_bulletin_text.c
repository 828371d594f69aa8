/* cli_bulletin_text.c - how much room wrapped text takes in the printed bulletin: lines,
 * row heights, and long remarks cut into row-sized pieces (see cli_bulletin.h).
 *
 * Excel and LibreOffice wrap a cell's text themselves but never grow its row when a
 * workbook is written by a program, and libxlsxwriter cannot measure glyphs: so the
 * height is estimated. A column's width is counted in "0"s of the default font; a CJK
 * character of the 10 pt 宋体 is two of them, a digit or Latin letter about one
 * (text_width counts the same way for a terminal). The estimate keeps a margin (half a
 * unit of padding, and a CJK character of 宋体 is 13 px where two units are 14), so a
 * row may be a little taller than its text but not shorter: a remark is never cut off and never
 * printed over the next row.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_bulletin.h"
#include "text.h"

/* The usable width of a column of width units. */
static double usable(double width) {
    double u = width - 0.5;
    return u < 2.0 ? 2.0 : u;
}

/* The bytes of the UTF-8 character at s (1 on a stray byte). */
static size_t char_len(const char *s) {
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) return i;
    return n;
}

/* The display width of the n bytes at s. */
static int width_of(const char *s, size_t n) {
    char buf[8];
    if (n >= sizeof buf) return 2;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return text_width(buf);
}

/* Lines one paragraph of len bytes takes. */
static int para_lines(const char *s, size_t len, double u) {
    double w = 0;
    int lines = 1;
    for (size_t i = 0; i < len;) {
        size_t n = char_len(s + i);
        int cw = width_of(s + i, n);
        if (w + cw > u) {
            lines++;
            w = 0;
        }
        w += cw;
        i += n;
    }
    return lines;
}

int cli_bulletin_lines(const char *text, double width) {
    double u = usable(width);
    int lines = 0;
    const char *p = text ? text : "";
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && p[len - 1] == '\r') len--;
        lines += para_lines(p, len, u);
        if (!nl) break;
        p = nl + 1;
    }
    return lines < 1 ? 1 : lines;
}

double cli_bulletin_height(int lines) {
    double h = (lines < 1 ? 1 : lines) * BULLETIN_LINE_PT + 4.0;
    return h > BULLETIN_ROW_MAX_PT ? BULLETIN_ROW_MAX_PT : h;
}

void cli_bulletin_chunks_free(char **chunks) {
    for (size_t i = 0; chunks && chunks[i]; i++)
        free(chunks[i]);
    free(chunks);
}

typedef struct {
    char **v;
    size_t n, cap;
} list_t;

static int push(list_t *l, const char *s, size_t len) {
    char *c;
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    if (!len) return 0;
    if (l->n + 2 > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(c = strndup(s, len))) return -1;
    l->v[l->n++] = c;
    l->v[l->n] = NULL;
    return 0;
}

/* The byte length of the longest prefix of s (len bytes, one paragraph) that fits in
 * max_lines lines of usable width u; at least one character. */
static size_t fitting(const char *s, size_t len, double u, int max_lines) {
    double w = 0;
    int lines = 1;
    size_t i = 0;
    while (i < len) {
        size_t n = char_len(s + i);
        int cw = width_of(s + i, n);
        if (w + cw > u) {
            if (lines == max_lines) break;
            lines++;
            w = 0;
        }
        w += cw;
        i += n;
    }
    return i ? i : char_len(s);
}

char **cli_bulletin_chunks(const char *text, double width, int max_lines, size_t *n) {
    list_t l = {0};
    double u = usable(width);
    const char *p = text ? text : "", *start = p;
    int used = 0; /* lines in the piece being gathered, which begins at start */
    *n = 0;
    if (max_lines < 1) max_lines = 1;
    if (!(l.v = calloc(1, sizeof *l.v))) return NULL;
    l.cap = 1;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        int lines = para_lines(p, len, u);
        if (used + lines <= max_lines) { /* the paragraph joins the piece */
            used += lines;
            p += len + (nl != NULL);
            continue;
        }
        if (used > 0) { /* close the piece before this paragraph */
            if (push(&l, start, (size_t)(p - start)) < 0) goto oom;
            start = p;
            used = 0;
            continue;
        }
        /* one paragraph longer than a piece: cut it between characters */
        {
            size_t cut = fitting(p, len, u, max_lines);
            if (push(&l, p, cut) < 0) goto oom;
            p += cut;
            start = p;
        }
    }
    if (push(&l, start, (size_t)(p - start)) < 0) goto oom;
    *n = l.n;
    return l.v;
oom:
    cli_bulletin_chunks_free(l.v);
    return NULL;
}
