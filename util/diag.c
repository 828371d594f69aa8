/* diag.c - the list of findings (see diag.h). */
#include "diag.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

void diag_add(diag_list_t *dl, diag_severity_t sev, const char *file, unsigned line, const char *field,
              const char *fmt, ...) {
    size_t max = dl->max_items ? dl->max_items : 200;
    va_list ap;
    diag_t *d;
    if (sev == DIAG_ERROR)
        dl->n_errors++;
    else
        dl->n_warnings++;
    if (dl->n >= max) return;
    if (dl->n == dl->cap) {
        size_t cap = dl->cap ? dl->cap * 2 : 8;
        diag_t *p = realloc(dl->items, cap * sizeof *p);
        if (!p) return;
        dl->items = p;
        dl->cap = cap;
    }
    d = &dl->items[dl->n++];
    memset(d, 0, sizeof *d);
    d->severity = sev;
    d->line = line;
    /* a file name can come from a county (a report's source): never a control byte */
    text_escape_controls(file ? file : "", d->file, sizeof d->file);
    snprintf(d->field, sizeof d->field, "%s", field ? field : "");
    va_start(ap, fmt);
    int k = vsnprintf(d->message, sizeof d->message, fmt, ap);
    va_end(ap);
    if (k >= (int)sizeof d->message) {
        /* cut at a character boundary: a message may travel in an Ack as UTF-8 */
        size_t end = sizeof d->message - 1;
        while (end > 0 && ((unsigned char)d->message[end] & 0xC0) == 0x80)
            end--;
        d->message[end] = '\0';
    }
}

void diag_format(const diag_t *d, char *buf, size_t size) {
    size_t off = 0;
    buf[0] = '\0';
#define PUT(...)                                                                                             \
    do {                                                                                                     \
        int k = snprintf(buf + off, off < size ? size - off : 0, __VA_ARGS__);                               \
        if (k > 0) off += (size_t)k;                                                                         \
    } while (0)
    if (d->file[0]) PUT("%s:", d->file);
    if (d->line) PUT("%u:", d->line);
    if (off) PUT(" ");
    if (d->field[0]) PUT("%s: ", d->field);
    PUT("%s%s", d->severity == DIAG_WARNING ? _("warning: ") : "", d->message);
#undef PUT
}

void diag_clear(diag_list_t *dl) {
    size_t max = dl->max_items;
    free(dl->items);
    memset(dl, 0, sizeof *dl);
    dl->max_items = max;
}

void diag_sort(diag_list_t *dl) {
    /* insertion sort: lists are short, and it is stable */
    for (size_t i = 1; i < dl->n; i++) {
        diag_t d = dl->items[i];
        size_t j = i;
        while (j > 0) {
            const diag_t *p = &dl->items[j - 1];
            int c = strcmp(p->file, d.file);
            if (c < 0 || (c == 0 && p->line <= d.line)) break;
            dl->items[j] = dl->items[j - 1];
            j--;
        }
        dl->items[j] = d;
    }
}
