/* cli_screen.c - a screen of sections fitted into a terminal's rows and columns: what
 * `yuebao watch` shows on a terminal, redrawn in place on the alternate screen.
 *
 * A section is a heading (lines shown whenever the section is) and its items. The
 * sections come in order of importance, and the screen must never scroll, so the rows
 * are handed out in two rounds: first each section in turn gets its heading and up to
 * its own share of items (`min_items`; as many as there are for the sections that must
 * be seen whole), then what is left goes to the sections in the same order, up to all
 * their items. A section that cannot be shown whole ends in one "… N more" line in
 * place of its last item line, so the operator knows what is not on screen. A section
 * whose heading and first line no longer fit is left out with every section after it:
 * the screen keeps the order of importance rather than filling gaps with what matters
 * less. Every line is cut to the terminal's width (CJK characters count two columns),
 * ending in "…" when cut, so no line wraps onto the next row.
 *
 * screen_layout is the arithmetic alone (rows → lines per section), so it is tested
 * without a terminal; screen_draw applies it and writes the escape sequences.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "text.h"

/* Item lines a section gets when it is given `lines` rows for its items: all items, or
 * one less than lines and a "… N more" line. */
static void fit_items(const screen_section_t *s, size_t lines, screen_fit_t *f) {
    if (lines >= s->n_items) {
        f->items = s->n_items;
        f->more = 0;
    } else {
        f->items = lines ? lines - 1 : 0;
        f->more = s->n_items - f->items;
    }
}

size_t screen_layout(size_t rows, const screen_section_t *s, size_t n, screen_fit_t *fit) {
    size_t left = rows, lines[SCREEN_MAX_SECTIONS] = {0}, n_shown = 0;
    memset(fit, 0, n * sizeof *fit);
    if (n > SCREEN_MAX_SECTIONS) n = SCREEN_MAX_SECTIONS;
    /* round 1: in order, each heading and its share, while the heading and a line fit */
    for (size_t i = 0; i < n; i++) {
        size_t share = s[i].min_items < s[i].n_items ? s[i].min_items : s[i].n_items;
        size_t least = s[i].n_head + (s[i].n_items ? 1 : 0);
        if (least > left) break;
        if (share == 0 && s[i].n_items) share = 1;
        if (s[i].n_head + share > left) share = left - s[i].n_head;
        fit[i].shown = true;
        lines[i] = share;
        left -= s[i].n_head + share;
        n_shown = i + 1;
    }
    /* round 2: what is left, in the same order, up to every item */
    for (size_t i = 0; i < n_shown && left; i++) {
        size_t more = s[i].n_items - lines[i];
        if (more > left) more = left;
        lines[i] += more;
        left -= more;
    }
    for (size_t i = 0; i < n_shown; i++)
        fit_items(&s[i], lines[i], &fit[i]);
    return rows - left;
}

void screen_cut(const char *s, size_t cols, char *buf, size_t size) {
    size_t o = 0, w = 0;
    if (size == 0) return;
    if ((size_t)text_width(s) <= cols) {
        snprintf(buf, size, "%s", s);
        return;
    }
    /* room for "…" (one column, three bytes) at the end */
    while (*s) {
        char ch[5];
        size_t n = 1, cw;
        while ((s[n] & 0xC0) == 0x80 && n < 4)
            n++;
        memcpy(ch, s, n);
        ch[n] = '\0';
        cw = (size_t)text_width(ch);
        if (w + cw + 1 > cols || o + n + 4 > size) break;
        memcpy(buf + o, ch, n);
        o += n;
        w += cw;
        s += n;
    }
    if (cols > 0 && o + 4 <= size) {
        memcpy(buf + o, "…", 3);
        o += 3;
    }
    buf[o] = '\0';
}

/* One row: cut to cols, the rest of the row cleared; a line break before every row
 * but the first, so the last row never scrolls the screen. */
static void put_row(FILE *out, size_t *row, size_t cols, const char *line) {
    char cut[1024];
    screen_cut(line, cols, cut, sizeof cut);
    fprintf(out, "%s%s\033[K", (*row)++ ? "\n" : "", cut);
}

size_t screen_draw(FILE *out, size_t rows, size_t cols, const screen_section_t *s, size_t n,
                   const char *footer) {
    screen_fit_t fit[SCREEN_MAX_SECTIONS];
    size_t used, row = 0;
    if (n > SCREEN_MAX_SECTIONS) n = SCREEN_MAX_SECTIONS;
    used = screen_layout(rows, s, n, fit);
    fputs("\033[H", out); /* home: drawn over the last screen, never scrolled */
    for (size_t i = 0; i < n && fit[i].shown; i++) {
        for (size_t k = 0; k < s[i].n_head; k++)
            put_row(out, &row, cols, s[i].lines[k]);
        for (size_t k = 0; k < fit[i].items; k++)
            put_row(out, &row, cols, s[i].lines[s[i].n_head + k]);
        if (fit[i].more) {
            char more[128];
            snprintf(more, sizeof more, ngettext("  … %zu more", "  … %zu more", (unsigned long)fit[i].more),
                     fit[i].more);
            put_row(out, &row, cols, more);
        }
    }
    if (footer && used < rows) {
        put_row(out, &row, cols, footer);
        used++;
    }
    fputs("\033[J", out); /* below the last row: what an earlier, longer screen left */
    fflush(out);
    return used;
}
