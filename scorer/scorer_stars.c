/* scorer_stars.c - the stars a ranking shows, read once per star year and kept.
 *
 * Every ranked row shows a star (sstore_star_shown): one query per row was a third of
 * an incremental pass at 1 000 zones. The scorer is the score store's only writer, so
 * the stars of one star year (the December they were judged on, or an earlier one),
 * read in one query (sstore_each_star), stay true until the scorer itself judges a
 * December: judge_stars forgets them before it writes, and so does a rollback (what
 * was read inside the transaction may be gone) and a full pass.
 */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "log.h"
#include "scorer.h"

typedef struct {
    char zone[ZONE_CODE_SIZE];
    int star, star_year;
    bool promoted;
} star_row_t;

struct scorer_stars {
    int year; /* the star year read: stars judged on a year <= it */
    star_row_t *rows; /* by zone, strcmp order */
    size_t n, cap;
    bool oom;
};

void scorer_forget_stars(scorer_t *s) {
    if (!s->stars) return;
    free(s->stars->rows);
    free(s->stars);
    s->stars = NULL;
}

static void on_star(const char *zone, int star, int star_year, bool promoted, void *arg) {
    struct scorer_stars *c = arg;
    star_row_t *r;
    size_t len = zone ? strlen(zone) : sizeof r->zone;
    /* a code longer than any zone's is no ranked row's: not kept */
    if (c->oom || len >= sizeof r->zone) return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        star_row_t *grown = realloc(c->rows, cap * sizeof *grown);
        if (!grown) {
            c->oom = true;
            return;
        }
        c->rows = grown;
        c->cap = cap;
    }
    r = &c->rows[c->n];
    memcpy(r->zone, zone, len + 1);
    r->star = star;
    r->star_year = star_year;
    r->promoted = promoted;
    c->n++;
}

/* The kept stars of star year `year`, read if need be; NULL on a store error or out of
 * memory (logged). */
static struct scorer_stars *stars_of(scorer_t *s, int year) {
    struct scorer_stars *c;
    if (s->stars && s->stars->year == year) return s->stars;
    scorer_forget_stars(s);
    if (!(c = calloc(1, sizeof *c))) {
        log_error(_("out of memory reading the stars"));
        return NULL;
    }
    c->year = year;
    s->stars = c; /* freed by scorer_forget_stars below on failure */
    if (sstore_each_star(s->scores, year, on_star, c) < 0 || c->oom) {
        if (c->oom) log_error(_("out of memory reading the stars"));
        scorer_forget_stars(s);
        return NULL;
    }
    return c;
}

static int by_zone(const void *key, const void *row) {
    return strcmp(key, ((const star_row_t *)row)->zone);
}

int scorer_star_shown(scorer_t *s, const char *zone, int year, int month, int *star, int *star_year,
                      bool *promoted) {
    struct scorer_stars *c = stars_of(s, month == 12 ? year : year - 1);
    const star_row_t *r;
    if (!c) return -1;
    if (c->n == 0) return 0; /* bsearch's array may not be NULL, even for none */
    if (!(r = bsearch(zone, c->rows, c->n, sizeof *c->rows, by_zone))) return 0;
    *star = r->star;
    *star_year = r->star_year;
    *promoted = r->promoted;
    return 1;
}
