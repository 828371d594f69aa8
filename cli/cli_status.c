/* cli_status.c - `yuebao status --period P`: every expected zone and its state. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sstore.h"
#include "text.h"

typedef struct {
    const master_t *m;
    uint32_t *revision; /* per zone index, 0 = none */
    int64_t *stored_at;
} seen_t;

static void on_report(const char *zone, uint32_t revision, const char *county, int64_t stored_at_ms,
                      void *arg) {
    seen_t *s = arg;
    (void)county;
    for (size_t i = 0; i < s->m->n_zones; i++)
        if (!strcmp(s->m->zones[i].code, zone)) {
            s->revision[i] = revision;
            s->stored_at[i] = stored_at_ms;
        }
}

/* One line on the period's ranking: ranked (by the scorer), or why not. */
static void ranking_line(const cli_opts_t *o, const char *period) {
    char err[1024], scheme[1100];
    ranking_t r;
    sstore_t *ss = sstore_open(o->scores, true, err, sizeof err);
    int found = ss ? sstore_load_ranking(ss, period, &r) : -1;
    if (found > 0)
        printf("ranked: %zu zones by %s (yuebao ranking --period %s)\n", r.n_rows, cli_method_words(r.method),
               period);
    else if (!cli_has_scheme(o, period, scheme, sizeof scheme))
        printf("not ranked: %.4s has no assessment scheme (%s); a year without one is not ranked\n", period,
               scheme);
    else if (!ss)
        printf("not ranked yet: %s\n", err);
    else
        printf("not ranked yet: the scorer has not ranked %s\n", period);
    if (found > 0) ranking_clear(&r);
    sstore_close(&ss);
}

int cli_status(const cli_opts_t *o) {
    master_t *m;
    rstore_t *st;
    seen_t s;
    period_t p;
    char period[PERIOD_STRLEN];
    size_t n_reported = 0;
    int rc = 0;
    if (cli_open(o, "status", period, &m, &st) < 0) return 2;
    period_parse(period, &p);
    s.m = m;
    s.revision = calloc(m->n_zones, sizeof *s.revision);
    s.stored_at = calloc(m->n_zones, sizeof *s.stored_at);
    if (!s.revision || !s.stored_at || rstore_each_report(st, period, on_report, &s) < 0) {
        rc = 2;
        goto out;
    }
    if (p.month == 1)
        printf("period %s (1月)\n", period);
    else
        printf("period %s (1-%d月)\n", period, p.month);
    for (size_t ci = 0; ci < m->n_counties; ci++) {
        for (size_t i = 0; i < m->n_zones; i++) {
            char county[160], zone[160], when[20];
            if (strcmp(m->zones[i].county, m->counties[ci].code)) continue;
            text_pad(county, sizeof county, m->counties[ci].name, 26);
            text_pad(zone, sizeof zone, m->zones[i].name, 26);
            if (s.revision[i]) {
                clock_format(s.stored_at[i], when);
                printf("  %s %s reported    revision %u at %s\n", county, zone, s.revision[i], when);
                n_reported++;
            } else {
                printf("  %s %s MISSING\n", county, zone);
            }
        }
    }
    printf("%zu of %zu zones reported\n", n_reported, m->n_zones);
    ranking_line(o, period);
    {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(rstore_db(st),
                               "SELECT zone, county, revision, source, reasons FROM rejections "
                               "WHERE period = ?1 ORDER BY id",
                               -1, &q, NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, period, -1, SQLITE_STATIC);
            while (sqlite3_step(q) == SQLITE_ROW)
                printf("rejected at the aggregator: %s (county %s) revision %lld from %s:\n    %s\n",
                       (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
                       (long long)sqlite3_column_int64(q, 2),
                       sqlite3_column_text(q, 3) ? (const char *)sqlite3_column_text(q, 3) : "?",
                       (const char *)sqlite3_column_text(q, 4));
            sqlite3_finalize(q);
        }
    }
out:
    free(s.revision);
    free(s.stored_at);
    rstore_close(&st);
    master_destroy(&m);
    return rc;
}
