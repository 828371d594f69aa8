/* csv.c - RFC 4180 CSV reader over a UTF-8 buffer, with line numbers (see csv.h).
 *
 * A record is unquoted into one growing buffer; fields point into it. Line numbers
 * count LF bytes, so a quoted field spanning lines keeps later records' lines right.
 */
#include "csv.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

struct csv_reader {
    const char *p, *end;
    unsigned line; /* line of the byte at p */
    char *buf;     /* unquoted record: fields separated by NUL */
    size_t buf_cap;
    size_t *offsets; /* field start offsets into buf */
    char sep;        /* ',' or '\t' */
    size_t off_cap;
    char **fields;
    unsigned err_line;  /* the last error's line, and where its reason starts in err */
    size_t err_reason;
};

/* "line N: reason" into err, the reason and its "line N: " each in the reader's
 * language, remembering both parts for csv_error_reason. Returns -1. */
static int fail(csv_reader_t *r, unsigned line, char *err, size_t errsz, const char *reason) {
    int k = snprintf(err, errsz, _("line %u: "), line);
    r->err_line = line;
    r->err_reason = k > 0 && (size_t)k < errsz ? (size_t)k : 0;
    snprintf(err + r->err_reason, errsz - r->err_reason, "%s", reason);
    return -1;
}

const char *csv_error_reason(const csv_reader_t *r, const char *err, unsigned *line) {
    *line = r->err_line;
    return err + r->err_reason;
}

csv_reader_t *csv_open(const char *data, size_t len) {
    return csv_open_sep(data, len, ',');
}

csv_reader_t *csv_open_sep(const char *data, size_t len, char sep) {
    csv_reader_t *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->p = data;
    r->end = data + len;
    r->line = 1;
    r->sep = sep;
    return r;
}

char csv_guess_sep(const char *data, size_t len) {
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t n = nl ? (size_t)(nl - data) : len;
        bool tab = memchr(data, '\t', n) != NULL, comma = memchr(data, ',', n) != NULL;
        if (tab || comma) return tab && !comma ? '\t' : ',';
        if (!nl) break;
        len -= n + 1;
        data = nl + 1;
    }
    return ',';
}

void csv_close(csv_reader_t **r) {
    if (!r || !*r) return;
    free((*r)->buf);
    free((*r)->offsets);
    free((*r)->fields);
    free(*r);
    *r = NULL;
}

static int put(csv_reader_t *r, size_t *n, char c) {
    if (*n == r->buf_cap) {
        size_t cap = r->buf_cap ? r->buf_cap * 2 : 256;
        char *b = realloc(r->buf, cap);
        if (!b) return -1;
        r->buf = b;
        r->buf_cap = cap;
    }
    r->buf[(*n)++] = c;
    return 0;
}

static int start_field(csv_reader_t *r, size_t *nf, size_t at) {
    if (*nf == r->off_cap) {
        size_t cap = r->off_cap ? r->off_cap * 2 : 16;
        size_t *o = realloc(r->offsets, cap * sizeof *o);
        if (!o) return -1;
        r->offsets = o;
        r->off_cap = cap;
    }
    r->offsets[(*nf)++] = at;
    return 0;
}

int csv_next(csv_reader_t *r, csv_record_t *rec, char *err, size_t errsz) {
    size_t n, nf;
    for (;;) { /* skip blank lines */
        if (r->p >= r->end) return 0;
        if (*r->p == '\n') {
            r->p++;
            r->line++;
            continue;
        }
        if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n') {
            r->p += 2;
            r->line++;
            continue;
        }
        break;
    }
    rec->line = r->line;
    n = nf = 0;
    if (start_field(r, &nf, 0) < 0) goto oom;
    for (;;) {
        /* at the start of a field */
        if (r->p < r->end && *r->p == '"') {
            unsigned qline = r->line;
            r->p++;
            for (;;) {
                if (r->p >= r->end) {
                    return fail(r, qline, err, errsz, _("quoted field never closed (a '\"' is missing)"));
                }
                if (*r->p == '"') {
                    if (r->p + 1 < r->end && r->p[1] == '"') {
                        if (put(r, &n, '"') < 0) goto oom;
                        r->p += 2;
                        continue;
                    }
                    r->p++;
                    break;
                }
                if (*r->p == '\n') r->line++;
                if (put(r, &n, *r->p++) < 0) goto oom;
            }
            if (r->p < r->end && *r->p != r->sep && *r->p != '\n' &&
                !(*r->p == '\r' && (r->p + 1 == r->end || r->p[1] == '\n'))) {
                return fail(r, r->line, err, errsz,
                            _("text after a closing quote; write \"\" for a quote inside a quoted field"));
            }
        } else {
            while (r->p < r->end && *r->p != r->sep && *r->p != '\n') {
                if (*r->p == '\r' && (r->p + 1 == r->end || r->p[1] == '\n')) break;
                if (put(r, &n, *r->p++) < 0) goto oom;
            }
        }
        if (put(r, &n, '\0') < 0) goto oom;
        if (r->p < r->end && *r->p == r->sep) {
            r->p++;
            if (start_field(r, &nf, n) < 0) goto oom;
            continue;
        }
        /* end of record */
        if (r->p < r->end && *r->p == '\r') r->p++;
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            r->line++;
        }
        break;
    }
    {
        char **f = realloc(r->fields, nf * sizeof *f);
        if (!f) goto oom;
        r->fields = f;
        for (size_t i = 0; i < nf; i++)
            f[i] = r->buf + r->offsets[i];
        rec->fields = f;
        rec->n_fields = nf;
    }
    return 1;
oom:
    return fail(r, r->line, err, errsz, _("out of memory"));
}

void csv_write_field(FILE *f, const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
