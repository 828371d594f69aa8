/* diag.c - the list of findings (see diag.h). */
#include "diag.h"
#include "text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* Cuts s (a message) to fit size-1 bytes on a character boundary: a message may travel
 * in an Ack as UTF-8. */
static void cut_utf8(char *s, size_t size) {
    size_t end = size - 1;
    if (strlen(s) <= end) return;
    while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80)
        end--;
    s[end] = '\0';
}

void diag_vadd(diag_list_t *dl, diag_severity_t sev, const char *file, unsigned line, const char *field,
               bool cell, unsigned group, const char *fmt, va_list ap) {
    char raw[2 * sizeof ((diag_t *)0)->message];
    size_t max = dl->max_items ? dl->max_items : 200;
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
    d->cell = cell;
    d->group = group;
    /* a file name, a field (a workbook's sheet name) and a message (a cell's bytes)
     * can all come from a county: whatever reached here, a finding is one line with no
     * control character, shown escaped — every path to an errors file, an Ack, a log
     * line or a terminal goes through here */
    text_escape_controls(file ? file : "", d->file, sizeof d->file);
    text_escape_controls(field ? field : "", d->field, sizeof d->field);
    vsnprintf(raw, sizeof raw, fmt, ap);
    text_escape_controls(raw, d->message, sizeof d->message);
}

void diag_add(diag_list_t *dl, diag_severity_t sev, const char *file, unsigned line, const char *field,
              const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(dl, sev, file, line, field, false, 0, fmt, ap);
    va_end(ap);
}

void diag_add_cell(diag_list_t *dl, diag_severity_t sev, const char *file, unsigned row, const char *cell,
                   const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(dl, sev, file, row, cell, true, diag_group_of(fmt), fmt, ap);
    va_end(ap);
}

unsigned diag_group_of(const char *fmt) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)fmt; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h ? h : 1;
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
    if (d->line && !d->cell && d->count <= 1) PUT("%u:", d->line);
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

/* The sheet a cell finding is about: its field up to the last '!' ("主要指标!D7"), or
 * the whole field (a sheet-wide finding); "" for a finding that is not a cell's. Sets
 * *len and returns where it starts. */
static const char *sheet_of(const diag_t *d, size_t *len) {
    const char *bang = d->cell ? strrchr(d->field, '!') : NULL;
    *len = !d->cell ? 0 : bang ? (size_t)(bang - d->field) : strlen(d->field);
    return d->field;
}

static int sheet_cmp(const diag_t *a, const diag_t *b) {
    size_t na, nb;
    const char *sa = sheet_of(a, &na), *sb = sheet_of(b, &nb);
    int c = memcmp(sa, sb, na < nb ? na : nb);
    return c ? c : na < nb ? -1 : na > nb ? 1 : 0;
}

void diag_sort(diag_list_t *dl) {
    /* insertion sort: lists are short, and it is stable */
    for (size_t i = 1; i < dl->n; i++) {
        diag_t d = dl->items[i];
        size_t j = i;
        while (j > 0) {
            const diag_t *p = &dl->items[j - 1];
            int c = strcmp(p->file, d.file);
            if (c == 0) c = sheet_cmp(p, &d);
            if (c < 0 || (c == 0 && p->line <= d.line)) break;
            dl->items[j] = dl->items[j - 1];
            j--;
        }
        dl->items[j] = d;
    }
}

/* --- grouping ------------------------------------------------------------------------ */

/* A cell finding's column: the sheet and the letters of "Sheet!D7" ("Sheet!D"), and its
 * place ("D7"); a CSV finding's column is its field and its place its line. */
static size_t column_len(const diag_t *d) {
    const char *bang = strrchr(d->field, '!');
    const char *p;
    if (!d->cell || !bang) return strlen(d->field);
    for (p = bang + 1; *p >= 'A' && *p <= 'Z'; p++) {}
    return (size_t)(p - d->field);
}

static bool same_mistake(const diag_t *a, const diag_t *b) {
    size_t n = column_len(a);
    if (a->severity != b->severity || a->cell != b->cell || a->group != b->group || !a->line || !b->line)
        return false;
    if (strcmp(a->file, b->file) || n != column_len(b) || memcmp(a->field, b->field, n)) return false;
    return a->group ? true : !strcmp(a->message, b->message);
}

static void place_of(const diag_t *d, char *buf, size_t size) {
    const char *bang = strrchr(d->field, '!');
    if (d->cell)
        snprintf(buf, size, "%.16s", bang ? bang + 1 : d->field);
    else
        snprintf(buf, size, "%u", d->line);
}

#define GROUP_PLACES 3 /* places named in a folded line */

const char *diag_list_sep(void) {
    /* TRANSLATORS: between the cells or line numbers of a list, as in "D7, D8, D9, …" */
    return C_("list of places", ", ");
}

/* A folded line: the first finding's message, the count and the places, as one
 * sentence so a language puts the count where it belongs. Returns what snprintf does. */
static int folded_line(char *buf, size_t size, bool cell, bool differ, const char *msg, size_t n,
                       const char *places) {
    if (cell && differ)
        return snprintf(
            buf, size,
            ngettext("%s (%zu cell: %s; the first shown)", "%s (%zu cells: %s; the first shown)", n), msg, n,
            places);
    if (cell)
        return snprintf(buf, size, ngettext("%s (%zu cell: %s)", "%s (%zu cells: %s)", n), msg, n, places);
    if (differ)
        return snprintf(
            buf, size, ngettext("%s (%zu row: %s; the first shown)", "%s (%zu rows: %s; the first shown)", n),
            msg, n, places);
    return snprintf(buf, size, ngettext("%s (%zu row: %s)", "%s (%zu rows: %s)", n), msg, n, places);
}

/* Rewrites d's message as the folded line for n findings at places; the first
 * finding's words are cut (with "…") where the whole would not fit. */
static void fold_message(diag_t *d, bool differ, size_t n, const char *places) {
    char msg[sizeof d->message], line[sizeof d->message];
    int k;
    snprintf(msg, sizeof msg, "%s", d->message);
    k = folded_line(line, sizeof line, d->cell, differ, msg, n, places);
    if (k >= (int)sizeof line) {
        size_t over = (size_t)k - (sizeof line - 1), len = strlen(msg), keep;
        keep = len > over + strlen("…") ? len - over - strlen("…") : 0;
        cut_utf8(msg, keep + 1);
        strcat(msg, "…");
        folded_line(line, sizeof line, d->cell, differ, msg, n, places);
    }
    memcpy(d->message, line, sizeof d->message);
}

void diag_group(diag_list_t *dl) {
    size_t *leader, out = 0;
    if (dl->n < 2) return;
    if (!(leader = malloc(dl->n * sizeof *leader))) return; /* shown unfolded: nothing lost */
    for (size_t i = 0; i < dl->n; i++) {
        leader[i] = i;
        for (size_t j = 0; j < i; j++)
            if (leader[j] == j && same_mistake(&dl->items[j], &dl->items[i])) {
                leader[i] = j;
                break;
            }
    }
    for (size_t i = 0; i < dl->n; i++) {
        diag_t *d = &dl->items[i];
        char places[GROUP_PLACES * 24 + 32] = "";
        size_t n = 0, off = 0;
        bool differ = false;
        if (leader[i] != i) continue;
        for (size_t j = i; j < dl->n; j++) {
            const diag_t *m = &dl->items[j];
            if (leader[j] != i) continue;
            n += m->count > 1 ? m->count : 1;
            if (strcmp(m->message, d->message)) differ = true;
            if (n <= GROUP_PLACES && m->count <= 1) {
                char one[24];
                place_of(m, one, sizeof one);
                off += (size_t)snprintf(places + off, sizeof places - off, "%s%s", off ? diag_list_sep() : "",
                                        one);
            }
        }
        if (n > 1 && d->count <= 1) {
            if (n > GROUP_PLACES) snprintf(places + off, sizeof places - off, "%s…", diag_list_sep());
            fold_message(d, differ, n, places);
            if (d->cell) {
                char *bang = strrchr(d->field, '!');
                if (bang) *bang = '\0'; /* the sheet: the places name the cells */
            }
            d->count = (unsigned)n;
        }
        dl->items[out++] = *d;
    }
    dl->n = out;
    free(leader);
}

int diag_copy(diag_list_t *dst, const diag_list_t *src) {
    *dst = *src;
    dst->items = NULL;
    dst->n = dst->cap = 0;
    if (!src->n) return 0;
    if (!(dst->items = malloc(src->n * sizeof *dst->items))) return -1;
    memcpy(dst->items, src->items, src->n * sizeof *dst->items);
    dst->n = dst->cap = src->n;
    return 0;
}

size_t diag_unlisted(const diag_list_t *dl) {
    size_t shown = 0, total = dl->n_errors + dl->n_warnings;
    for (size_t i = 0; i < dl->n; i++)
        shown += dl->items[i].count > 1 ? dl->items[i].count : 1;
    return total > shown ? total - shown : 0;
}
