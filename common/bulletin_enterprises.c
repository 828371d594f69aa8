/* bulletin_enterprises.c - the key enterprises of a period for the bulletin (see bulletin_enterprises.h). */
#include "bulletin_enterprises.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    bulletin_enterprises_t *out;
    const master_t *m;
    bool failed;
} load_t;

static void on_row(const char *zone, uint32_t revision, const enterprise_t *e, void *arg) {
    load_t *l = arg;
    bulletin_enterprises_t *b = l->out;
    const zone_t *z = master_zone(l->m, zone ? zone : "");
    bulletin_enterprise_t *row;
    if (!z) {
        b->n_unlisted++;
        return;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 32;
        bulletin_enterprise_t *p = realloc(b->rows, cap * sizeof *p);
        if (!p) {
            l->failed = true;
            return;
        }
        b->rows = p;
        b->cap = cap;
    }
    row = &b->rows[b->n++];
    row->zone = z;
    row->county = master_county(l->m, z->county);
    row->revision = revision;
    row->status = ent_status_of(e->status);
    row->e = *e;
    b->by_status[row->status]++;
    if (ent_status_down(row->status)) b->n_down++;
}

/* The bulletin's zone order: the county's place in regions.csv, then the zone's in master. */
static size_t zone_rank(const master_t *m, const zone_t *z) {
    size_t ci = m->n_counties;
    for (size_t i = 0; i < m->n_counties; i++)
        if (!strcmp(m->counties[i].code, z->county)) ci = i;
    return ci * (m->n_zones + 1) + (size_t)(z - m->zones);
}

int bulletin_enterprises_load(bulletin_enterprises_t *out, rstore_t *st, const master_t *m, const char *period) {
    load_t l = {out, m, false};
    memset(out, 0, sizeof *out);
    if (rstore_each_enterprise(st, period, on_row, &l) < 0 || l.failed) {
        bulletin_enterprises_clear(out);
        return -1;
    }
    /* stable: the store gives each zone's rows in the county's own order */
    for (size_t i = 1; i < out->n; i++) {
        bulletin_enterprise_t key = out->rows[i];
        size_t k = zone_rank(m, key.zone), j = i;
        while (j > 0 && zone_rank(m, out->rows[j - 1].zone) > k) {
            out->rows[j] = out->rows[j - 1];
            j--;
        }
        out->rows[j] = key;
    }
    return 0;
}

void bulletin_enterprises_clear(bulletin_enterprises_t *b) {
    if (!b) return;
    free(b->rows);
    memset(b, 0, sizeof *b);
}
