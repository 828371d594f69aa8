/* test_e2e_cli_scorer.c - `yuebao ranking` and `yuebao alerts` against a real scorer.
 *
 * The sample city goes in through real collectors to a real aggregator and scorer, with
 * the clock pinned at 2017-07-05 and obligations from 2017-02, so 山城区's May report
 * (not in reports/2017-05) is overdue. What the operator reads is then checked against
 * the score store and the sample files themselves: the ranking's ranks, climbs, totals
 * and stars against scores.db, the names against regions.csv, the dimension columns
 * against scheme-2017.csv; every alert line and every hook's environment against the
 * score store's firing alerts; and a follower that sees the late May report resolve
 * the overdue alert, prints it and runs its hook for it.
 *
 * Under YUEBAO_E2E_VALGRIND=1 the CLI runs under memcheck too (e2e_start wraps every
 * yuebao* program), so every wait here is generous and scaled.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"
#include "clock.h"
#include "period.h"

static char dir[256];
static e2e_agg_t agg;
static e2e_scorer_t sc;

static void setup(void) {
    /* the daemons inherit it: the deadlines of 2017-02 … 2017-05 have passed, June's not */
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-05", 1), 0);
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
    memset(&agg, 0, sizeof agg);
    memset(&sc, 0, sizeof sc);
}

static void teardown(void) {
    e2e_cleanup();
}

TestSuite(e2e_cli_scorer, .init = setup, .fini = teardown, .timeout = 300);

#define P(...) e2e_fmt(__VA_ARGS__)

/* Waits for the daemons: generous, and more so under valgrind. */
static int wait_ms(void) {
    return e2e_scaled_ms(E2E_WAIT_MS);
}

/* How long one CLI run may take before it is killed. */
static int run_ms(void) {
    return e2e_under_valgrind() ? 120000 : 20000;
}

#define SCORER_ARGS "--set", "reporting_since=2017-02", "--set", "coalesce_ms=50", "--set", "heartbeat_ms=100"

static const char *const ALL_COUNTIES[] = {"410602", "410603", "410611", "410621",
                                           "410622", "410671", "410672", NULL};

static void start_daemons(void) {
    static const char *const extra[] = {SCORER_ARGS, NULL};
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0, "aggregator not ready:\n%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, extra), 0, "scorer not ready:\n%s",
                 e2e_tail(sc.err_log, 3000));
}

static void stop_daemons(void) {
    cr_assert_eq(e2e_scorer_stop(&sc), 0, "the scorer stops cleanly (99: valgrind found errors):\n%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_agg_stop(&agg), 0, "the aggregator stops cleanly:\n%s", e2e_tail(agg.err_log, 2000));
}

/* --- submitting the sample city ----------------------------------------------------- */

#define MAX_FILES 16

typedef struct {
    char path[MAX_FILES][512];
    const char *list[MAX_FILES + 1]; /* NULL-terminated */
    size_t n;
} fileset_t;

/* county's monthly files reports/YYYY-MM/NNNNNN.csv for the periods from … to; months
 * without a file (山城区's May) are skipped. */
static void county_files(fileset_t *fs, const char *county, const char *from, const char *to) {
    period_t p, end;
    memset(fs, 0, sizeof *fs);
    cr_assert_eq(period_parse(from, &p), 0);
    cr_assert_eq(period_parse(to, &end), 0);
    for (; period_cmp(p, end) <= 0; p.month = p.month % 12 + 1, p.year += p.month == 1) {
        char ps[PERIOD_STRLEN];
        const char *path;
        period_format(p, ps);
        path = e2e_sample(P("reports/%s/%s.csv", ps, county));
        if (!e2e_exists(path)) continue;
        cr_assert_lt(fs->n, MAX_FILES);
        snprintf(fs->path[fs->n], sizeof fs->path[0], "%s", path);
        fs->list[fs->n] = fs->path[fs->n];
        fs->list[++fs->n] = NULL;
    }
}

/* Each county sends (all at once, one collector each) its files from … to; returns
 * when every one is acked. */
static void submit_counties(const char *const *counties, const char *from, const char *to) {
    static fileset_t fs[8];
    pid_t pids[8];
    size_t n = 0;
    for (; counties[n]; n++) {
        cr_assert_lt(n, 8);
        county_files(&fs[n], counties[n], from, to);
        pids[n] = e2e_submit_start(P("%s/submit-%s-%s", dir, counties[n], from), counties[n], agg.listen,
                                   P("%s/outbox-%s.db", dir, counties[n]), fs[n].list);
        cr_assert_gt(pids[n], 0);
    }
    for (size_t i = 0; i < n; i++) {
        int st = e2e_wait(pids[i], 3 * wait_ms());
        cr_assert_eq(st, 0, "submit of %s's %s … %s: status %d\n%s", counties[i], from, to, st,
                     e2e_tail(P("%s/submit-%s-%s.out", dir, counties[i], from), 2000));
    }
}

static void submit_one(const char *county, const char *file) {
    char *out = NULL;
    int st = e2e_submit(P("%s/submit-%s-one", dir, county), &out, county, agg.listen,
                        P("%s/outbox-%s.db", dir, county), file, NULL);
    cr_assert_eq(st, 0, "submit %s: status %d\n%s", file, st, out ? out : "");
    free(out);
}

/* Waits until scores.db has count rows of period's ranking. A pass writes its rankings
 * and alerts in one transaction, so the alerts are as final as the ranking. */
static void wait_ranked(const char *period, int64_t count) {
    cr_assert_eq(e2e_sql_wait(sc.scores, count, wait_ms(),
                              "SELECT count(*) FROM rankings WHERE period = '%s'", period),
                 count, "%s is ranked with %lld zones:\n%s", period, (long long)count,
                 e2e_tail(sc.err_log, 2000));
}

/* The whole sample city, December 2016 (for the stars) through June 2017, scored. */
static void feed_city(void) {
    submit_counties(ALL_COUNTIES, "2016-12", "2017-06");
    wait_ranked("2017-02", 8);
    wait_ranked("2017-03", 8);
    wait_ranked("2017-04", 8);
    wait_ranked("2017-05", 7); /* 山城区's May is missing */
    wait_ranked("2017-06", 8);
    cr_assert_eq(e2e_sql_wait(sc.scores, 8, wait_ms(),
                              "SELECT count(*) FROM rankings WHERE period = '2017-06' AND star_year = 2016"),
                 8, "2017-06 shows the stars judged on December 2016:\n%s", e2e_tail(sc.err_log, 2000));
}

/* --- the sample files --------------------------------------------------------------- */

/* Splits a line in place at each byte of seps, dropping empty fields when squeeze (runs
 * of blanks) and keeping them when not (CSV). Returns the field count. */
static int split(char *line, const char *seps, bool squeeze, char **fields, int max) {
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        size_t len;
        if (squeeze) p += strspn(p, seps);
        if (squeeze && !*p) break;
        len = strcspn(p, seps);
        fields[n++] = p;
        if (!p[len]) break;
        p[len] = '\0';
        p += len + 1;
    }
    return n;
}

/* The column `want` of the row of csv whose column `key_col` is key (headers by name),
 * in e2e_fmt's ring; "" if none. The sample's master files use no quoting. */
static const char *csv_lookup(const char *csv, const char *key_col, const char *key, const char *want) {
    char *text = e2e_read_file(csv), *line, *save = NULL, *fields[32];
    const char *found = "";
    int n, k = -1, w = -1;
    cr_assert_not_null(text, "cannot read %s", csv);
    line = strtok_r(text, "\n", &save);
    n = line ? split(line, ",", false, fields, 32) : 0;
    for (int i = 0; i < n; i++) {
        if (!strcmp(fields[i], key_col)) k = i;
        if (!strcmp(fields[i], want)) w = i;
    }
    cr_assert(k >= 0 && w >= 0, "%s has no column %s or %s", csv, key_col, want);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        n = split(line, ",", false, fields, 32);
        if (n > k && n > w && !strcmp(fields[k], key)) {
            found = P("%s", fields[w]);
            break;
        }
    }
    free(text);
    return found;
}

static const char *zone_name(const char *zone) {
    const char *name = csv_lookup(e2e_sample("regions.csv"), "zone", zone, "zone_name");
    cr_assert_str_neq(name, "", "zone %s is in regions.csv", zone);
    return name;
}

static const char *county_name(const char *county) {
    const char *name = csv_lookup(e2e_sample("regions.csv"), "county", county, "county_name");
    cr_assert_str_neq(name, "", "county %s is in regions.csv", county);
    return name;
}

#define MAX_DIMS 16

/* The dimensions of scheme-2017.csv, in the order they first appear. Returns how many. */
static int scheme_dims(char names[MAX_DIMS][128]) {
    char *text = e2e_read_file(e2e_sample("scheme-2017.csv")), *line, *save = NULL, *fields[8];
    int n = 0;
    cr_assert_not_null(text);
    cr_assert_not_null(strtok_r(text, "\n", &save), "scheme-2017.csv has a header");
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        bool seen = false;
        if (split(line, ",", false, fields, 8) < 1 || !fields[0][0]) continue;
        for (int i = 0; i < n; i++)
            seen |= !strcmp(names[i], fields[0]);
        if (seen) continue;
        cr_assert_lt(n, MAX_DIMS);
        snprintf(names[n++], sizeof names[0], "%s", fields[0]);
    }
    free(text);
    return n;
}

/* --- what the CLI printed ----------------------------------------------------------- */

#define MAX_LINES 256
#define MAX_TOKENS 48

/* Output split into lines, and each line into blank-separated tokens. */
typedef struct {
    char *text; /* the output, cut up in place */
    char *line[MAX_LINES];
    char copy[MAX_LINES][1024]; /* each line whole, for messages */
    char *tok[MAX_LINES][MAX_TOKENS];
    int n_tok[MAX_LINES];
    int n;
} lines_t;

/* Takes text (malloc'd; freed by lines_free). Blank lines are dropped. */
static lines_t *lines_of(char *text) {
    lines_t *l = calloc(1, sizeof *l);
    char *p = text;
    cr_assert_not_null(l);
    cr_assert_not_null(text);
    l->text = text;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        if (p[strspn(p, " ")]) {
            cr_assert_lt(l->n, MAX_LINES);
            snprintf(l->copy[l->n], sizeof l->copy[0], "%s", p);
            l->line[l->n] = p;
            l->n_tok[l->n] = split(p, " ", true, l->tok[l->n], MAX_TOKENS);
            l->n++;
        }
        if (!nl) break;
        p = nl + 1;
    }
    return l;
}

static void lines_free(lines_t *l) {
    if (!l) return;
    free(l->text);
    free(l);
}

static bool all_digits(const char *s) {
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* Runs `yuebao` with the NULL-terminated arguments, logs under dir/name; its exit
 * status into *status; returns its stdout (caller frees). */
static char *yuebao(const char *name, int *status, ...) __attribute__((sentinel));
static char *yuebao(const char *name, int *status, ...) {
    char *argv[MAX_TOKENS], *out = NULL;
    const char *a;
    int n = 0;
    va_list ap;
    argv[n++] = (char *)e2e_bin("yuebao");
    va_start(ap, status);
    while ((a = va_arg(ap, const char *)) != NULL) {
        cr_assert_lt(n, MAX_TOKENS - 1);
        argv[n++] = (char *)a;
    }
    va_end(ap);
    argv[n] = NULL;
    *status = e2e_run(P("%s/%s", dir, name), &out, run_ms(), argv);
    cr_assert_not_null(out, "yuebao %s did not run", argv[1]);
    return out;
}

/* The stderr of the run named name (static copy of its end). */
static const char *err_of(const char *name) {
    return e2e_tail(P("%s/%s.err", dir, name), 4000);
}

/* --- the ranking -------------------------------------------------------------------- */

/* The change column as the ranking shows it for a previous rank (0 = none). */
static const char *change_text(int prev_rank, int rank) {
    int d = prev_rank - rank;
    if (!prev_rank) return "–";
    if (d > 0) return P("↑%d", d);
    if (d < 0) return P("↓%d", -d);
    return "=";
}

/* The star column for zone in period, from scores.db: "" without a star. */
static const char *star_text(const char *period, const char *zone) {
    const char *where = P("period = '%s' AND zone = '%s'", period, zone);
    int64_t star = e2e_sql_int(sc.scores, "SELECT coalesce(star, -2) FROM rankings WHERE %s", where);
    int64_t promoted = e2e_sql_int(sc.scores, "SELECT promoted FROM rankings WHERE %s", where);
    if (star == -2) return "";
    if (star == -1) return "入门以下";
    return P("★%lld%s", (long long)star, promoted ? "↑" : "");
}

/* The zones of period's ranking in scores.db, by rank, blank-separated (caller frees). */
static char *ranked_zones(const char *period) {
    char *z = e2e_sql_text(sc.scores,
                           "SELECT group_concat(zone, ' ') FROM (SELECT zone FROM rankings WHERE "
                           "period = '%s' ORDER BY rank, zone)",
                           period);
    cr_assert_not_null(z);
    return z;
}

Test(e2e_cli_scorer, ranking_shows_the_score_store) {
    char dims[MAX_DIMS][128], *zones, *z, *save = NULL, *out;
    int n_dims, st, header = -1, n_data = 0, rank1 = -1;
    int64_t n_rows;
    lines_t *l;

    start_daemons();
    feed_city();
    n_dims = scheme_dims(dims);
    cr_assert_eq(n_dims, 4, "the 2017 scheme's 4 dimensions");
    n_rows = e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE period = '2017-06'");
    cr_assert_eq(n_rows, 8);
    cr_assert_gt(e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE period = '2017-06' AND "
                                        "prev_rank IS NOT NULL AND prev_rank != rank"),
                 0, "some zone climbed or fell since May (else the change column goes untested)");
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE period = '2017-06' AND "
                                        "prev_rank IS NULL"),
                 1, "山城区 has no May rank");

    /* the table */
    out = yuebao("ranking", &st, "ranking", "--period", "2017-06", "--scores", sc.scores, "--master",
                 e2e_city(), NULL);
    cr_assert_eq(st, 0, "exit 0 (99: valgrind found errors)\n%s\n%s", out, err_of("ranking"));
    l = lines_of(out);
    cr_assert_gt(l->n, 0);
    cr_assert(strstr(l->copy[0], "ranking 2017-06") && strstr(l->copy[0], "8 zones"), "title: %s",
              l->copy[0]);
    for (int i = 0; i < l->n; i++) {
        if (l->n_tok[i] > 0 && !strcmp(l->tok[i][0], "rank") && header < 0) header = i;
        if (l->n_tok[i] > 0 && all_digits(l->tok[i][0])) {
            n_data++;
            if (!strcmp(l->tok[i][0], "1")) rank1 = i;
        }
    }
    cr_assert_eq(n_data, 8, "one line per ranked zone:\n%s", e2e_tail(P("%s/ranking.out", dir), 4000));
    cr_assert_geq(header, 0, "a header line");
    for (int d = 0; d < n_dims; d++) {
        bool found = false;
        for (int k = 0; k < l->n_tok[header]; k++)
            found |= !strcmp(l->tok[header][k], dims[d]);
        cr_assert(found, "the header names the dimension %s of scheme-2017.csv: %s", dims[d],
                  l->copy[header]);
    }
    cr_assert_eq(l->n_tok[header], 5 + n_dims + 1, "rank change zone county total <dims> star: %s",
                 l->copy[header]);

    /* rank 1 */
    {
        char *first =
            e2e_sql_text(sc.scores, "SELECT zone FROM rankings WHERE period = '2017-06' AND rank = 1");
        double total = e2e_sql_double(sc.scores, "SELECT total FROM rankings WHERE period = '2017-06' AND "
                                                 "rank = 1");
        cr_assert_not_null(first);
        cr_assert_geq(rank1, 0);
        cr_assert_eq(
            e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE period = '2017-06' AND rank = 1"), 1);
        cr_assert_str_eq(l->tok[rank1][2], zone_name(first), "rank 1 is %s: %s", first, l->copy[rank1]);
        cr_assert_str_eq(l->tok[rank1][4], P("%.2f", total), "its total: %s", l->copy[rank1]);
        free(first);
    }

    /* every zone's line: rank, change, names, total, subtotals, star */
    zones = ranked_zones("2017-06");
    for (z = strtok_r(zones, " ", &save); z; z = strtok_r(NULL, " ", &save)) {
        char where[200], name[128], star[64];
        snprintf(where, sizeof where, "period = '2017-06' AND zone = '%s'", z);
        snprintf(name, sizeof name, "%s", zone_name(z));
        snprintf(star, sizeof star, "%s", star_text("2017-06", z));
        char *county = e2e_sql_text(sc.scores, "SELECT county FROM rankings WHERE %s", where);
        int64_t rank = e2e_sql_int(sc.scores, "SELECT rank FROM rankings WHERE %s", where);
        int64_t prev = e2e_sql_int(sc.scores, "SELECT coalesce(prev_rank, 0) FROM rankings WHERE %s", where);
        double total = e2e_sql_double(sc.scores, "SELECT total FROM rankings WHERE %s", where);
        int i, n_found = 0, at = -1;
        for (i = 0; i < l->n; i++)
            if (l->n_tok[i] > 2 && all_digits(l->tok[i][0]) && !strcmp(l->tok[i][2], name)) {
                n_found++;
                at = i;
            }
        cr_assert_eq(n_found, 1, "one line for %s (%s)", name, z);
        cr_assert_not_null(county);
        cr_assert_eq(l->n_tok[at], 5 + n_dims + (*star ? 1 : 0), "%s", l->copy[at]);
        cr_assert_str_eq(l->tok[at][0], P("%lld", (long long)rank), "%s: rank", l->copy[at]);
        cr_assert_str_eq(l->tok[at][1], change_text((int)prev, (int)rank), "%s: change from rank %lld",
                         l->copy[at], (long long)prev);
        cr_assert_str_eq(l->tok[at][3], county_name(county), "%s: county", l->copy[at]);
        cr_assert_str_eq(l->tok[at][4], P("%.2f", total), "%s: total", l->copy[at]);
        for (int d = 0; d < n_dims; d++) {
            double sub = e2e_sql_double(
                sc.scores, "SELECT json_extract(dims, '$[%d]') FROM rankings WHERE %s", d, where);
            cr_assert(!isnan(sub), "%s: subtotal %d stored", z, d);
            cr_assert_str_eq(l->tok[at][5 + d], P("%.2f", sub), "%s: %s", l->copy[at], dims[d]);
        }
        if (*star) cr_assert_str_eq(l->tok[at][5 + n_dims], star, "%s: star", l->copy[at]);
        free(county);
    }
    free(zones);
    cr_assert_gt(
        e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE period = '2017-06' AND star >= 0"), 0,
        "some zone has a star (else the star column goes untested)");
    {
        bool note = false;
        for (int i = 0; i < l->n; i++)
            note |= !strncmp(l->copy[i], "star:", 5) && strstr(l->copy[i], "2016");
        cr_assert(note, "a footnote names the December the stars were judged on");
    }
    lines_free(l);

    /* the default period is the latest ranked: the same table */
    {
        char *latest = e2e_sql_text(sc.scores, "SELECT max(period) FROM ranking_periods");
        char *dflt =
            yuebao("ranking-default", &st, "ranking", "--scores", sc.scores, "--master", e2e_city(), NULL);
        char *again = yuebao("ranking-again", &st, "ranking", "--period", latest, "--scores", sc.scores,
                             "--master", e2e_city(), NULL);
        cr_assert_str_eq(latest, "2017-06");
        cr_assert_eq(st, 0);
        cr_assert_str_eq(dflt, again, "without --period: the ranking of %s", latest);
        free(latest);
        free(dflt);
        free(again);
    }

    /* CSV: a header and a row per zone, numbers as scores.db holds them */
    out = yuebao("ranking-csv", &st, "ranking", "--period", "2017-06", "--csv", "--scores", sc.scores,
                 "--master", e2e_city(), NULL);
    cr_assert_eq(st, 0, "%s", err_of("ranking-csv"));
    cr_assert_null(strchr(out, '"'), "nothing in the sample needs quoting:\n%s", out);
    {
        char *rows[MAX_LINES], *fields[MAX_LINES][32], *p = out;
        int n_lines = 0, nf[MAX_LINES], c_period = -1, c_rank = -1, c_change = -1, c_zone = -1, c_name = -1,
            c_total = -1, c_star = -1, c_year = -1;
        while (*p && n_lines < MAX_LINES) {
            char *nl = strchr(p, '\n');
            cr_assert_not_null(nl, "every record ends with a line break");
            *nl = '\0';
            rows[n_lines++] = p;
            p = nl + 1;
        }
        cr_assert_eq(n_lines, 1 + 8, "a header and 8 rows:\n%s",
                     e2e_tail(P("%s/ranking-csv.out", dir), 3000));
        for (int i = 0; i < n_lines; i++)
            nf[i] = split(rows[i], ",", false, fields[i], 32);
        for (int c = 0; c < nf[0]; c++) {
            const char *h = fields[0][c];
            if (!strcmp(h, "period")) c_period = c;
            if (!strcmp(h, "rank")) c_rank = c;
            if (!strcmp(h, "change")) c_change = c;
            if (!strcmp(h, "zone")) c_zone = c;
            if (!strcmp(h, "zone_name")) c_name = c;
            if (!strcmp(h, "total")) c_total = c;
            if (!strcmp(h, "star")) c_star = c;
            if (!strcmp(h, "star_year")) c_year = c;
        }
        cr_assert(c_period >= 0 && c_rank >= 0 && c_change >= 0 && c_zone >= 0 && c_name >= 0 &&
                      c_total >= 0 && c_star >= 0 && c_year >= 0,
                  "the CSV header names its columns");
        for (int d = 0; d < n_dims; d++) {
            bool found = false;
            for (int c = 0; c < nf[0]; c++)
                found |= !strcmp(fields[0][c], dims[d]);
            cr_assert(found, "the CSV header has the dimension %s", dims[d]);
        }
        for (int i = 1; i < n_lines; i++) {
            const char *zone = fields[i][c_zone];
            const char *where = P("period = '2017-06' AND zone = '%s'", zone);
            double total = e2e_sql_double(sc.scores, "SELECT total FROM rankings WHERE %s", where), v;
            int64_t rank = e2e_sql_int(sc.scores, "SELECT rank FROM rankings WHERE %s", where);
            int64_t prev =
                e2e_sql_int(sc.scores, "SELECT coalesce(prev_rank, 0) FROM rankings WHERE %s", where);
            int64_t year =
                e2e_sql_int(sc.scores, "SELECT coalesce(star_year, 0) FROM rankings WHERE %s", where);
            char *end;
            cr_assert_eq(nf[i], nf[0], "row %d has as many fields as the header", i);
            cr_assert_str_eq(fields[i][c_period], "2017-06");
            cr_assert_str_eq(fields[i][c_rank], P("%lld", (long long)rank), "%s: rank", zone);
            cr_assert_str_eq(fields[i][c_change], prev ? P("%lld", (long long)(prev - rank)) : "",
                             "%s: change", zone);
            cr_assert_str_eq(fields[i][c_name], zone_name(zone));
            v = strtod(fields[i][c_total], &end);
            cr_assert(end != fields[i][c_total] && !*end, "%s: total \"%s\" is a number", zone,
                      fields[i][c_total]);
            /* printed with 2 decimals: equal to the stored total as far as printed */
            cr_assert_str_eq(fields[i][c_total], P("%.2f", total), "%s: total", zone);
            cr_assert_float_eq(v, total, 0.005 + 1e-9, "%s: total", zone);
            cr_assert_str_eq(fields[i][c_star], star_text("2017-06", zone), "%s: star", zone);
            cr_assert_str_eq(fields[i][c_year], year ? P("%lld", (long long)year) : "", "%s: star year",
                             zone);
        }
    }
    free(out);

    /* a year without a scheme is not ranked, and the message says why */
    out = yuebao("ranking-2016", &st, "ranking", "--period", "2016-06", "--scores", sc.scores, "--master",
                 e2e_city(), NULL);
    cr_assert_eq(st, 1, "an unranked period: exit 1\n%s", err_of("ranking-2016"));
    cr_assert_str_eq(out, "", "nothing on stdout");
    cr_assert_not_null(strstr(err_of("ranking-2016"), "not ranked"), "%s", err_of("ranking-2016"));
    cr_assert_not_null(strstr(err_of("ranking-2016"), "scheme-2016.csv"), "%s", err_of("ranking-2016"));
    free(out);

    /* status says the same: 2016 is not ranked for want of a scheme; 2017-06 is ranked */
    out = yuebao("status-2016", &st, "status", "--period", "2016-06", "--store", agg.store, "--scores",
                 sc.scores, "--master", e2e_city(), NULL);
    cr_assert_eq(st, 0, "%s", err_of("status-2016"));
    cr_assert_not_null(strstr(out, "not ranked: 2016 has no assessment scheme"), "%s", out);
    free(out);
    out = yuebao("status-2017", &st, "status", "--period", "2017-06", "--store", agg.store, "--scores",
                 sc.scores, "--master", e2e_city(), NULL);
    cr_assert_eq(st, 0, "%s", err_of("status-2017"));
    cr_assert_not_null(
        strstr(out, P("ranked: %lld zones", (long long)e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings "
                                                                              "WHERE period = '2017-06'"))),
        "%s", out);
    free(out);

    /* not a period: a usage error */
    out = yuebao("ranking-bad", &st, "ranking", "--period", "2030-13", "--scores", sc.scores, "--master",
                 e2e_city(), NULL);
    cr_assert_eq(st, 2, "month 13: exit 2\n%s", err_of("ranking-bad"));
    cr_assert_not_null(strstr(err_of("ranking-bad"), "2030-13"), "%s", err_of("ranking-bad"));
    free(out);

    stop_daemons();
}

/* --- alerts ------------------------------------------------------------------------- */

/* The firing alerts in scores.db that match where, one "kind|zone|county|what|severity"
 * record per alert (what = period/indicator, or the period of an overdue alert). */
typedef struct {
    char rec[MAX_LINES][256];
    bool used[MAX_LINES];
    int n;
} store_alerts_t;

static void store_alerts(store_alerts_t *sa, const char *where) {
    char *all =
        e2e_sql_text(sc.scores,
                     "SELECT group_concat(r, ';') FROM (SELECT kind || '|' || zone || '|' || county || "
                     "'|' || coalesce(period, '') || coalesce('/' || indicator, '') || '|' || severity "
                     "AS r FROM alerts WHERE %s ORDER BY akey)",
                     where);
    char *r, *save = NULL;
    memset(sa, 0, sizeof *sa);
    cr_assert_not_null(all);
    for (r = strtok_r(all, ";", &save); r; r = strtok_r(NULL, ";", &save)) {
        cr_assert_lt(sa->n, MAX_LINES);
        snprintf(sa->rec[sa->n++], sizeof sa->rec[0], "%s", r);
    }
    free(all);
}

/* The record of an alert line: "2017-07-05 00:00:00  ACTIVE  critical  overdue  山城专业园区
 * (山城区)  2017-05  message…" (names turned back into codes through regions.csv). */
static const char *line_record(const lines_t *l, int i, const char *zone, const char *county) {
    cr_assert_geq(l->n_tok[i], 8, "an alert line: %s", l->copy[i]);
    cr_assert_str_eq(l->tok[i][2], "ACTIVE", "%s", l->copy[i]);
    cr_assert_str_eq(l->tok[i][5], zone_name(zone), "%s", l->copy[i]);
    cr_assert_str_eq(l->tok[i][6], P("(%s)", county_name(county)), "%s", l->copy[i]);
    return P("%s|%s|%s|%s|%s", l->tok[i][4], zone, county, l->tok[i][7], l->tok[i][3]);
}

/* Every line of l is one of the store's alerts, and every alert has its line. */
static void assert_lines_are_alerts(const lines_t *l, store_alerts_t *sa) {
    cr_assert_eq(l->n, sa->n, "one line per firing alert: %d lines, %d alerts", l->n, sa->n);
    for (int i = 0; i < l->n; i++) {
        bool found = false;
        for (int k = 0; k < sa->n && !found; k++) {
            char zone[64], county[32];
            if (sa->used[k]) continue;
            cr_assert_eq(sscanf(sa->rec[k], "%*[^|]|%63[^|]|%31[^|]", zone, county), 2);
            if (l->n_tok[i] < 6 || strcmp(l->tok[i][5], zone_name(zone)) != 0) continue;
            if (!strcmp(line_record(l, i, zone, county), sa->rec[k])) found = sa->used[k] = true;
        }
        cr_assert(found, "the line is a firing alert of the score store: %s", l->copy[i]);
    }
}

/* The value of YUEBAO_ALERT_<name> in a hook's block ("" when set empty), NULL if unset. */
static const char *block_var(const char *block, const char *name) {
    const char *key = P("YUEBAO_ALERT_%s=", name), *p = block;
    while (p && *p) {
        if (!strncmp(p, key, strlen(key))) {
            p += strlen(key);
            return P("%.*s", (int)strcspn(p, "\n"), p);
        }
        p = strchr(p, '\n');
        if (p) p++;
    }
    return NULL;
}

#define MAX_BLOCKS 64

/* The hook's file cut into its blocks ("---" lines end them). Returns how many. */
static int hook_blocks(char *text, char *blocks[MAX_BLOCKS]) {
    int n = 0;
    char *p = text;
    cr_assert_not_null(text);
    while (*p) {
        char *end = strstr(p, "---\n");
        cr_assert_not_null(end, "each block ends with ---: %s", p);
        *end = '\0';
        cr_assert_lt(n, MAX_BLOCKS);
        blocks[n++] = p;
        p = end + 4;
    }
    return n;
}

/* The --exec hook used below: the alert's variables into file, then a separator. */
static const char *hook_cmd(const char *file) {
    return P("env | grep ^YUEBAO_ALERT_ >> '%s'; echo --- >> '%s'", file, file);
}

/* The overdue alert of 山城区's May, as a hook sees it on transition tr. */
static void assert_overdue_block(const char *b, const char *tr) {
    bool resolved = !strcmp(tr, "RESOLVED");
    cr_assert_str_eq(block_var(b, "KIND"), "overdue");
    cr_assert_str_eq(block_var(b, "TRANSITION"), tr);
    cr_assert_str_eq(block_var(b, "SEVERITY"), resolved ? "none" : "critical");
    if (resolved) cr_assert_str_eq(block_var(b, "PREVIOUS"), "critical");
    cr_assert_str_eq(block_var(b, "ZONE"), "shancheng");
    cr_assert_str_eq(block_var(b, "ZONE_NAME"), zone_name("shancheng"));
    cr_assert_str_eq(block_var(b, "COUNTY"), "410603");
    cr_assert_str_eq(block_var(b, "COUNTY_NAME"), county_name("410603"));
    cr_assert_str_eq(block_var(b, "PERIOD"), "2017-05");
    cr_assert_str_eq(block_var(b, "INDICATOR"), "");
    cr_assert_str_eq(block_var(b, "GAP"), "", "a number that does not apply is empty");
    cr_assert_str_eq(block_var(b, "VALUE"), "");
    cr_assert(all_digits(block_var(b, "DEADLINE")), "the deadline in ms: %s", block_var(b, "DEADLINE"));
    cr_assert_str_neq(block_var(b, "MESSAGE"), "");
}

Test(e2e_cli_scorer, alerts_print_the_scorers_firing_alerts) {
    store_alerts_t sa;
    lines_t *l;
    char *out, *text, *blocks[MAX_BLOCKS], hook_file[300];
    int st, n_blocks, overdue = -1;
    int64_t n_county;

    snprintf(hook_file, sizeof hook_file, "%s/hook.txt", dir);
    start_daemons();
    feed_city();
    cr_assert_eq(e2e_sql_int(sc.scores,
                             "SELECT count(*) FROM alerts WHERE akey = 'overdue/shancheng/2017-05' "
                             "AND severity = 'critical'"),
                 1, "山城区's May is overdue");

    /* every firing alert, the scorer named in the environment */
    cr_assert_eq(setenv("YUEBAO_SCORER_PUB", sc.publish, 1), 0);
    cr_assert_eq(setenv("YUEBAO_SCORER_SNAPSHOT", sc.snapshot, 1), 0);
    out = yuebao("alerts", &st, "alerts", "--master", e2e_city(), NULL);
    cr_assert_eq(st, 0, "exit 0 (99: valgrind found errors)\n%s", err_of("alerts"));
    l = lines_of(out);
    store_alerts(&sa, "1");
    cr_assert_gt(sa.n, 1);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts"), sa.n);
    assert_lines_are_alerts(l, &sa);
    lines_free(l);
    cr_assert_eq(unsetenv("YUEBAO_SCORER_PUB"), 0);
    cr_assert_eq(unsetenv("YUEBAO_SCORER_SNAPSHOT"), 0);

    /* one county, named on the command line with the scorer: 山城区's alerts only */
    out = yuebao("alerts-county", &st, "alerts", "--county", "410603", "--master", e2e_city(), "--pub",
                 sc.publish, "--snapshot", sc.snapshot, NULL);
    cr_assert_eq(st, 0, "%s", err_of("alerts-county"));
    l = lines_of(out);
    store_alerts(&sa, "county = '410603'");
    n_county = sa.n;
    cr_assert_geq(n_county, 2);
    assert_lines_are_alerts(l, &sa);
    for (int i = 0; i < l->n; i++) {
        cr_assert_str_eq(l->tok[i][5], zone_name("shancheng"), "%s", l->copy[i]);
        if (!strcmp(l->tok[i][4], "overdue")) overdue = i;
    }
    cr_assert_geq(overdue, 0, "the overdue May is listed");
    cr_assert_str_eq(l->tok[overdue][7], "2017-05", "%s", l->copy[overdue]);
    cr_assert_str_eq(l->tok[overdue][3], "critical", "%s", l->copy[overdue]);
    lines_free(l);
    {
        /* the county's name selects the same */
        char *by_code = e2e_read_file(P("%s/alerts-county.out", dir));
        char *by_name = yuebao("alerts-county-name", &st, "alerts", "--county", county_name("410603"),
                               "--master", e2e_city(), "--pub", sc.publish, "--snapshot", sc.snapshot, NULL);
        cr_assert_eq(st, 0, "%s", err_of("alerts-county-name"));
        cr_assert_str_eq(by_name, by_code);
        free(by_name);
        free(by_code);
    }

    /* critical only */
    out = yuebao("alerts-critical", &st, "alerts", "--severity", "critical", "--master", e2e_city(), "--pub",
                 sc.publish, "--snapshot", sc.snapshot, NULL);
    cr_assert_eq(st, 0, "%s", err_of("alerts-critical"));
    l = lines_of(out);
    store_alerts(&sa, "severity = 'critical'");
    cr_assert_gt(sa.n, 0);
    cr_assert_lt(sa.n, e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts"), "some are only warnings");
    assert_lines_are_alerts(l, &sa);
    for (int i = 0; i < l->n; i++)
        cr_assert_str_eq(l->tok[i][3], "critical", "%s", l->copy[i]);
    lines_free(l);

    /* --exec: one hook per alert printed, the alert in its environment and nothing else's */
    cr_assert_eq(setenv("YUEBAO_ALERT_STALE", "from the caller", 1), 0);
    out = yuebao("alerts-exec", &st, "alerts", "--county", "410603", "--master", e2e_city(), "--pub",
                 sc.publish, "--snapshot", sc.snapshot, "--exec", hook_cmd(hook_file), NULL);
    cr_assert_eq(unsetenv("YUEBAO_ALERT_STALE"), 0);
    cr_assert_eq(st, 0, "%s", err_of("alerts-exec"));
    cr_assert_eq(e2e_count_lines(P("%s/alerts-exec.out", dir)), n_county, "the lines are printed as well");
    free(out);
    text = e2e_read_file(hook_file);
    n_blocks = hook_blocks(text, blocks);
    cr_assert_eq(n_blocks, n_county, "one hook per alert:\n%s", e2e_tail(hook_file, 3000));
    store_alerts(&sa, "county = '410603'");
    overdue = -1;
    for (int i = 0; i < n_blocks; i++) {
        const char *b = blocks[i], *ind = block_var(b, "INDICATOR"), *rec;
        bool found = false;
        cr_assert_null(block_var(b, "STALE"), "the caller's YUEBAO_ALERT_* are not passed on:\n%s", b);
        cr_assert_str_eq(block_var(b, "TRANSITION"), "ACTIVE", "%s", b);
        cr_assert_str_eq(block_var(b, "COUNTY"), "410603", "%s", b);
        rec = P("%s|%s|%s|%s%s%s|%s", block_var(b, "KIND"), block_var(b, "ZONE"), block_var(b, "COUNTY"),
                block_var(b, "PERIOD"), *ind ? "/" : "", ind, block_var(b, "SEVERITY"));
        for (int k = 0; k < sa.n && !found; k++)
            if (!sa.used[k] && !strcmp(sa.rec[k], rec)) found = sa.used[k] = true;
        cr_assert(found, "the hook's alert %s is firing in the score store", rec);
        if (!strcmp(block_var(b, "KIND"), "overdue")) overdue = i;
    }
    cr_assert_geq(overdue, 0, "a hook ran for the overdue May");
    assert_overdue_block(blocks[overdue], "ACTIVE");
    free(text);

    stop_daemons();
}

/* Waits until file path has a line holding every one of the NULL-terminated needles;
 * gives up after timeout_ms or when pid has exited. The line's index, or -1. */
static int wait_line(const char *path, pid_t pid, int timeout_ms, ...) __attribute__((sentinel));
static int wait_line(const char *path, pid_t pid, int timeout_ms, ...) {
    struct timespec tick = {0, 50 * 1000 * 1000};
    int64_t deadline = clock_mono_ms() + timeout_ms;
    for (;;) {
        bool last = !e2e_alive(pid) || clock_mono_ms() >= deadline;
        char *text = e2e_read_file(path), *line, *save = NULL;
        for (int i = 0; text && (line = strtok_r(i ? NULL : text, "\n", &save)) != NULL; i++) {
            bool all = true;
            va_list ap;
            const char *needle;
            va_start(ap, timeout_ms);
            while (all && (needle = va_arg(ap, const char *)) != NULL)
                all = strstr(line, needle) != NULL;
            va_end(ap);
            if (all) {
                free(text);
                return i;
            }
        }
        free(text);
        if (last) return -1;
        nanosleep(&tick, NULL);
    }
}

Test(e2e_cli_scorer, alerts_follow_prints_and_hooks_a_resolution) {
    static const char *const shancheng_only[] = {"410603", NULL}, *const jinshan[] = {"410671", NULL};
    char plain[300], hooked[300], hook_file[300], plain_out[320], plain_err[320], hooked_out[320],
        hooked_err[320], jinshan_name[128], shancheng_name[128];
    char *text, *blocks[MAX_BLOCKS];
    pid_t f1, f2;
    int64_t n_snap, last_event, n_new;
    int n_blocks, resolved = -1, st;
    int stop_ms = e2e_under_valgrind() ? 60000 : 10000;
    lines_t *l;

    snprintf(plain, sizeof plain, "%s/follow", dir);
    snprintf(hooked, sizeof hooked, "%s/follow-exec", dir);
    snprintf(hook_file, sizeof hook_file, "%s/hook-follow.txt", dir);
    snprintf(plain_out, sizeof plain_out, "%s.out", plain);
    snprintf(plain_err, sizeof plain_err, "%s.err", plain);
    snprintf(hooked_out, sizeof hooked_out, "%s.out", hooked);
    snprintf(hooked_err, sizeof hooked_err, "%s.err", hooked);
    snprintf(jinshan_name, sizeof jinshan_name, "%s", zone_name("jinshan"));
    snprintf(shancheng_name, sizeof shancheng_name, "%s", zone_name("shancheng"));
    start_daemons();
    /* 山城区 sends all but May; 金山 all but May and June: both have an overdue May */
    submit_counties(shancheng_only, "2017-02", "2017-06");
    submit_counties(jinshan, "2017-02", "2017-04");
    wait_ranked("2017-02", 2);
    wait_ranked("2017-04", 2);
    wait_ranked("2017-06", 1);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE akey IN "
                                        "('overdue/shancheng/2017-05', 'overdue/jinshan/2017-05')"),
                 2);
    n_snap = e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE county = '410603'");
    cr_assert_geq(n_snap, 1);

    /* two followers of 山城区: one printing, one running a hook as well */
    f1 = e2e_startl(plain, e2e_bin("yuebao"), "alerts", "--follow", "--county", "410603", "--master",
                    e2e_city(), "--pub", sc.publish, "--snapshot", sc.snapshot, NULL);
    f2 = e2e_startl(hooked, e2e_bin("yuebao"), "alerts", "--follow", "--county", "410603", "--master",
                    e2e_city(), "--pub", sc.publish, "--snapshot", sc.snapshot, "--exec", hook_cmd(hook_file),
                    NULL);
    cr_assert_gt(f1, 0);
    cr_assert_gt(f2, 0);
    cr_assert_eq(e2e_wait_log(plain_err, "following", f1, wait_ms()), 0,
                 "the follower took its snapshot:\n%s", e2e_tail(plain_err, 2000));
    cr_assert_eq(e2e_wait_log(hooked_err, "following", f2, wait_ms()), 0,
                 "the hooked follower took its snapshot:\n%s", e2e_tail(hooked_err, 2000));
    cr_assert_eq(e2e_count_lines(plain_out), n_snap, "the firing alerts first:\n%s",
                 e2e_tail(plain_out, 3000));
    cr_assert_geq(wait_line(plain_out, f1, 1, "ACTIVE", "overdue", shancheng_name, "2017-05", NULL), 0, "%s",
                  e2e_tail(plain_out, 3000));

    /* another county's transition is not shown: 金山's May resolves its overdue alert … */
    last_event = e2e_sql_int(sc.scores, "SELECT coalesce(max(id), 0) FROM alert_events");
    submit_one("410671", e2e_sample("reports/2017-05/410671.csv"));
    cr_assert_eq(e2e_sql_wait(sc.scores, 0, wait_ms(),
                              "SELECT count(*) FROM alerts WHERE akey = 'overdue/jinshan/2017-05'"),
                 0, "金山's May is on file:\n%s", e2e_tail(sc.err_log, 2000));
    cr_assert_gt(e2e_sql_int(sc.scores,
                             "SELECT count(*) FROM alert_events WHERE county = '410671' AND id > %lld",
                             (long long)last_event),
                 0, "金山 has transitions");
    last_event = e2e_sql_int(sc.scores, "SELECT coalesce(max(id), 0) FROM alert_events");

    /* … then 山城区's late May arrives (published after 金山's: one pass after the other) */
    submit_one("410603", e2e_sample("late/2017-05/410603.csv"));
    cr_assert_geq(wait_line(plain_out, f1, wait_ms(), "RESOLVED", "overdue", shancheng_name, "2017-05", NULL),
                  0, "the follower prints the resolution:\n%s\n%s", e2e_tail(plain_out, 3000),
                  e2e_tail(plain_err, 2000));
    cr_assert_eq(
        e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE akey = 'overdue/shancheng/2017-05'"), 0);
    n_new = e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events WHERE county = '410603' AND id > %lld",
                        (long long)last_event);
    cr_assert_geq(n_new, 1);
    /* every transition of 山城区 since, and nothing else */
    cr_assert_eq(e2e_wait_log_n(plain_out, "\n", (int)(n_snap + n_new), f1, wait_ms()), 0, "%s",
                 e2e_tail(plain_out, 3000));
    cr_assert_eq(e2e_wait_log_n(hook_file, "---\n", (int)(n_snap + n_new), f2, wait_ms()), 0,
                 "the hook ran for each:\n%s\n%s", e2e_tail(hook_file, 3000), e2e_tail(hooked_err, 2000));

    st = e2e_stop(f1, stop_ms);
    cr_assert_eq(st, 0, "SIGTERM ends the follower with 0 (99: valgrind found errors):\n%s",
                 e2e_tail(plain_err, 2000));
    st = e2e_stop(f2, stop_ms);
    cr_assert_eq(st, 0, "and the hooked one:\n%s", e2e_tail(hooked_err, 2000));

    l = lines_of(e2e_read_file(plain_out));
    cr_assert_eq(l->n, n_snap + n_new, "%s", e2e_tail(plain_out, 3000));
    for (int i = 0; i < l->n; i++) {
        cr_assert_null(strstr(l->copy[i], jinshan_name), "no other county: %s", l->copy[i]);
        cr_assert_str_eq(l->tok[i][5], zone_name("shancheng"), "%s", l->copy[i]);
        if (strstr(l->copy[i], "RESOLVED") && !strcmp(l->tok[i][4], "overdue")) {
            cr_assert_lt(resolved, 0, "resolved once: %s", l->copy[i]);
            resolved = i;
        }
    }
    cr_assert_geq(resolved, n_snap, "after the firing alerts");
    cr_assert_str_eq(l->tok[resolved][7], "2017-05", "%s", l->copy[resolved]);
    lines_free(l);
    cr_assert_eq(e2e_count_in_file(plain_err, "resyncing"), 0, "no gap, no silence:\n%s",
                 e2e_tail(plain_err, 2000));
    cr_assert_eq(e2e_count_in_file(hooked_out, "\n"), n_snap + n_new, "the hooked one printed the same");

    text = e2e_read_file(hook_file);
    n_blocks = hook_blocks(text, blocks);
    cr_assert_eq(n_blocks, n_snap + n_new, "%s", e2e_tail(hook_file, 3000));
    resolved = -1;
    for (int i = 0; i < n_blocks; i++) {
        cr_assert_str_eq(block_var(blocks[i], "COUNTY"), "410603", "%s", blocks[i]);
        if (!strcmp(block_var(blocks[i], "KIND"), "overdue") &&
            !strcmp(block_var(blocks[i], "TRANSITION"), "RESOLVED"))
            resolved = i;
    }
    cr_assert_geq(resolved, n_snap, "the hook ran for the resolution, after the snapshot's alerts");
    assert_overdue_block(blocks[resolved], "RESOLVED");
    free(text);
    stop_daemons();

    /* no December was sent here: a ranking without stars, its star column empty and no
     * line ending in blanks */
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE star IS NOT NULL"), 0);
    text = yuebao("ranking-no-stars", &st, "ranking", "--scores", sc.scores, "--master", e2e_city(), NULL);
    cr_assert_eq(st, 0, "%s", err_of("ranking-no-stars"));
    l = lines_of(text);
    for (int i = 0; i < l->n; i++) {
        size_t len = strlen(l->copy[i]);
        cr_assert(len && l->copy[i][len - 1] != ' ', "no trailing blanks: \"%s\"", l->copy[i]);
        cr_assert_null(strstr(l->copy[i], "★"), "%s", l->copy[i]);
    }
    cr_assert_str_eq(l->tok[0][1], "2017-06", "the latest period: %s", l->copy[0]);
    lines_free(l);
}

Test(e2e_cli_scorer, alerts_without_a_scorer_say_no_answer) {
    char snap[300], pub[300];
    int64_t limit_ms = e2e_under_valgrind() ? 40000 : 10000;
    const char *const names[] = {"alerts-none", "alerts-none-follow"};
    snprintf(snap, sizeof snap, "ipc://%s/nothing.sock", dir);
    snprintf(pub, sizeof pub, "ipc://%s/nothing2.sock", dir);
    for (int i = 0; i < 2; i++) {
        int64_t start = clock_mono_ms(), took;
        int st;
        char *out = i ? yuebao(names[i], &st, "alerts", "--snapshot", snap, "--pub", pub, "--follow", NULL)
                      : yuebao(names[i], &st, "alerts", "--snapshot", snap, "--pub", pub, NULL);
        took = clock_mono_ms() - start;
        cr_assert_eq(st, 1, "%s: exit 1\n%s", names[i], err_of(names[i]));
        cr_assert_lt(took, limit_ms, "%s: gave up after %lld ms", names[i], (long long)took);
        cr_assert_str_eq(out, "", "nothing on stdout");
        cr_assert_not_null(strstr(err_of(names[i]), "no answer"), "%s", err_of(names[i]));
        cr_assert_not_null(strstr(err_of(names[i]), snap), "the message names the endpoint: %s",
                           err_of(names[i]));
        free(out);
    }
}
