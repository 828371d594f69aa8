/* bench_score.c - scoring, recompute and report → alert latency beside the raw
 * ceilings of the same work (DESIGN §8).
 *
 * What it measures, in one run on one machine:
 *
 *   1. Scoring time against the number of zones. score_period() - the 功效系数法 over
 *      a dense zones × indicators matrix, then the ranking - on 100, 1 000 and 10 000
 *      synthetic zones under the sample city's 2017 scheme (11 items; 19 scored
 *      columns, one per content × part). The median of many calls. The ceiling is
 *      the same arithmetic as a naive loop: for each scored column one min/max pass
 *      and one multiply-add pass over the same strided matrix, adding weighted points
 *      into one total per zone, then a qsort of the n totals (a ranking needs a
 *      sort). Its totals must equal score_period's: the same work, provably.
 *   2. A full recompute through the real daemons. A scratch city with N zones in 10
 *      counties: the sample's indicators, 2017 scheme, stars and pacing, and a
 *      targets-2017.csv for every zone. The real yuebao-aggregator fills one period
 *      (2017-06) from 10 DEALERs; then the real yuebao-scorer starts on that store
 *      (YUEBAO_NOW=2017-07-05), and its log line "pass 1 (full): … N ms" is the
 *      start-up pass: reading the store, scoring, stars, targets, deadlines, writing
 *      the score store, publishing. The ceiling is a plain SQLite read of the same
 *      value rows (SELECT … FROM report_values WHERE period = ?, every row stepped)
 *      on the same store, just before the scorer starts.
 *   3. Report accepted → alert published. In the 100- and 1 000-zone cities the
 *      aggregator and the scorer (coalesce_ms=0: a pass as soon as an event arrives)
 *      keep running after that pass. The bench sends 200 revisions of one zone's
 *      2017-06 report, one at a time; each moves the zone's 固定资产投资 year-to-date
 *      far below its pace target or back above it, so each causes exactly one alert
 *      transition: firing, resolved, firing, … The latency runs from the aggregator's
 *      "report accepted" event (received on a SUB) to the scorer's alert (on another
 *      SUB); p50 and p99. The ceiling is the same shape with the daemons' work taken
 *      away: a PUB sends the very event bytes; a relay thread with a ZeroMQ context
 *      of its own receives them on a SUB and publishes the very alert bytes on a PUB;
 *      the time from the event's arrival to the relayed alert's is one PUB→SUB hop.
 *      The plain hop (send → arrival of the event bytes) is printed beside it.
 *   4. Peak RSS (VmHWM) of the scorer, read just before it is stopped, for every N.
 *
 * This is a measurement, never a test: nothing here asserts on timing. It fails
 * (exit 1) only when the work itself went wrong - a report not ACCEPTED, no pass line
 * in the scorer's log, a ranking without every zone, an alert missing or of the wrong
 * kind, a ceiling that does not compute what it stands for - because then the figures
 * would mean nothing.
 *
 * Usage: bench_score BIN_DIR [EXAMPLES_DIR]
 *   BIN_DIR       the folder with yuebao-aggregator and yuebao-scorer (make bench
 *                 passes build/bin)
 *   EXAMPLES_DIR  the sample city's folder (indicators.csv, scheme-2017.csv, …); by
 *                 default examples/sample-city, found by walking up from BIN_DIR.
 * The scratch folder is made under $TMPDIR (default /tmp) and removed at exit; with
 * YUEBAO_BENCH_KEEP=DIR each city's folder (stores, master data, logs) is moved into DIR
 * instead, to profile a daemon on it; a name already taken there gets a suffix
 * (city-10000, then the year's city-10000.2).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "bench.h"
#include "wire.h"
#include "codec.h"
#include "diag.h"
#include "master.h"
#include "period.h"
#include "ranking.h"
#include "report.h"
#include "../scorer/scorer.h" /* -Icommon only */
#include "sock.h"
#include "sstore.h"

#define N_COUNTIES 10
#define YEAR 2017
#define MONTH 6
#define PERIOD "2017-06"
#define NOW "2017-07-05"   /* after June, before its deadline: nothing is overdue */
#define WINDOW 64          /* reports in flight per collector while filling */
#define LAT_MAX_ZONES 1000 /* the latency is measured in the cities up to this size */
#define LAT_SENDS 200
#define LAT_WARMUP 6 /* revisions sent first and not counted: connections settle */
#define LAT_ZONE 0   /* the zone whose revisions flip its alert: z00001 */
#define READ_RUNS 5  /* the SQLite read ceiling: median of this many */
#define SCORE_MIN_NS 150000000LL
#define SCORE_MIN_RUNS 7
#define SCORE_MAX_RUNS 2001
#define HEARTBEAT_MS 200
#define REPLY_TIMEOUT_MS 15000
#define READY_TIMEOUT_MS 60000 /* the scorer's first pass comes before its "ready:" */
#define STOP_TIMEOUT_MS 10000
#define ALERT_TIMEOUT_MS 10000

static const size_t SIZES[] = {100, 1000, 10000};
#define N_SIZES (sizeof SIZES / sizeof SIZES[0])

/* One pre-encoded message: the bytes a collector sends. */
typedef struct {
    uint8_t *buf;
    size_t len;
} wire_t;

/* Everything the run owns, so the exit handler can clean up whatever exists. */
static struct {
    char tmp[PATH_MAX]; /* scratch folder, "" when none */
    pid_t agg, scorer;  /* running daemons, 0 when none */
    char examples[PATH_MAX];
    master_t *master; /* the sample city: its indicator catalogue */
    rules_t *rules;   /* the sample city: its 2017 scheme */
} B;

/* --- small helpers ------------------------------------------------------------------ */

/* At exit, and on Ctrl-C or SIGTERM (bench_init): no daemon left running, no scratch
 * folder left behind. */
static void cleanup(void) {
    pid_t *pids[2] = {&B.scorer, &B.agg};
    for (int i = 0; i < 2; i++)
        if (*pids[i] > 0) {
            kill(*pids[i], SIGKILL);
            waitpid(*pids[i], NULL, 0);
            *pids[i] = 0;
        }
    if (B.tmp[0]) {
        bench_remove_tree(B.tmp);
        B.tmp[0] = '\0';
    }
}

/* A duration in ms with sensible digits: "0.031 ms", "4.20 ms", "312 ms". */
static const char *ms(double v) {
    static char pool[12][32];
    static unsigned next;
    char *out = pool[next++ % 12];
    if (v < 1)
        snprintf(out, 32, "%.3f ms", v);
    else if (v < 100)
        snprintf(out, 32, "%.2f ms", v);
    else
        snprintf(out, 32, "%s ms", bench_grouped(v));
    return out;
}

/* A figure known to whole ms only (the scorer's log): "13 ms", "1 657 ms". */
static const char *whole_ms(double v) {
    static char pool[4][32];
    static unsigned next;
    char *out = pool[next++ % 4];
    snprintf(out, 32, "%s ms", bench_grouped(v));
    return out;
}

static void print_diags(diag_list_t *dl) {
    char line[1024];
    diag_sort(dl);
    for (size_t i = 0; i < dl->n; i++) {
        diag_format(&dl->items[i], line, sizeof line);
        fprintf(stderr, "  %s\n", line);
    }
}

/* --- the sample city and the synthetic zones ---------------------------------------- */

/* EXAMPLES_DIR if given, else examples/sample-city found by walking up from BIN_DIR
 * (build/bin, or build/san/bin with BUILD=build/san). */
static void find_examples(const char *bin_dir, const char *examples_dir) {
    char dir[PATH_MAX], probe[PATH_MAX + 64];
    if (examples_dir) {
        snprintf(probe, sizeof probe, "%s/scheme-2017.csv", examples_dir);
        if (access(probe, R_OK) == 0 && strlen(examples_dir) < sizeof B.examples) {
            memcpy(B.examples, examples_dir, strlen(examples_dir) + 1);
            return;
        }
        snprintf(probe, sizeof probe, "%s/examples/sample-city/scheme-2017.csv", examples_dir);
        if (access(probe, R_OK) == 0 && strlen(examples_dir) + 24 < sizeof B.examples) {
            snprintf(B.examples, sizeof B.examples, "%.*s/examples/sample-city", PATH_MAX - 32, examples_dir);
            return;
        }
        bench_fail("no scheme-2017.csv in %s (nor in %s/examples/sample-city)", examples_dir, examples_dir);
    }
    if (!realpath(bin_dir, dir)) bench_fail("BIN_DIR %s: %s", bin_dir, strerror(errno));
    for (;;) {
        char *slash;
        int n = snprintf(probe, sizeof probe, "%s/examples/sample-city/scheme-2017.csv", dir);
        if (n > 0 && (size_t)n < sizeof probe && access(probe, R_OK) == 0) {
            snprintf(B.examples, sizeof B.examples, "%.*s/examples/sample-city", PATH_MAX - 32, dir);
            return;
        }
        slash = strrchr(dir, '/');
        if (!slash || slash == dir) break;
        *slash = '\0';
    }
    bench_fail("cannot find examples/sample-city above %s; pass the folder as the second argument", bin_dir);
}

/* The sample city's master data and rules: the indicator catalogue and the 2017 scheme. */
static const scheme_t *load_sample(void) {
    diag_list_t dl = {0};
    const scheme_t *s;
    B.master = master_load(B.examples, &dl);
    B.rules = B.master ? rules_load(B.examples, B.master, &dl) : NULL;
    if (!B.master || !B.rules) {
        print_diags(&dl);
        bench_fail("the sample city's master data or rules do not load");
    }
    diag_clear(&dl);
    if (!(s = rules_scheme(B.rules, YEAR))) bench_fail("the sample city has no scheme for %d", YEAR);
    return s;
}

/* Zone k's values for June 2017: amount[i] and growth[i] (NAN where the indicator has
 * no growth), and level[i], what the zone's indicator runs at (a flow's full year). The
 * same for zone k wherever it is asked for, so part 1 scores what part 2 stores. Valid
 * and plausible: year-to-date flows, percentages within 0..100. */
static void zone_values(size_t k, double *amount, double *growth, double *level) {
    const master_t *m = B.master;
    bench_rng_t r = {20170601ULL + 0x100000001b3ULL * (uint64_t)(k + 1)};
    for (size_t i = 0; i < m->n_indicators; i++) {
        const indicator_t *ind = &m->indicators[i];
        double u = bench_rng_u(&r), lv, g, j, x;
        if (ind->kind == KIND_FLOW)
            lv = pow(10, 3 + 3 * u); /* 1 000 .. 1 000 000 万元 a year */
        else if (ind->kind == KIND_STOCK)
            lv = pow(10, 2.5 + 1.5 * u); /* ~300 .. 10 000 people */
        else if (ind->percent)
            lv = 20 + 70 * u;
        else if (ind->direction < 0)
            lv = 0.2 + 1.3 * u; /* an intensity, e.g. tce per 万元 */
        else
            lv = 20 + 380 * u; /* e.g. 万元 of value added per mu */
        u = bench_rng_u(&r);
        g = ind->kind == KIND_FLOW ? 2 + 16 * u : ind->kind == KIND_STOCK ? -3 + 11 * u : -8 + 10 * u;
        j = bench_rng_u(&r);
        if (ind->kind == KIND_FLOW)
            x = bench_round_to(lv * (MONTH + 0.3 * j) / 12, 0.1);
        else if (ind->kind == KIND_STOCK)
            x = round(lv * (1 + 0.004 * (MONTH - 2) + 0.01 * j));
        else if (ind->percent)
            x = fmin(100, fmax(0, bench_round_to(lv + 4 * (j - 0.5), 0.1)));
        else if (ind->direction < 0)
            x = bench_round_to(lv * (1 + 0.05 * (j - 0.5)), 0.001);
        else
            x = bench_round_to(lv * (0.9 + 0.2 * j), 0.1);
        amount[i] = x;
        growth[i] = ind->has_growth ? bench_round_to(g + (j - 0.5), 0.1) : NAN;
        if (level) level[i] = lv;
    }
}

static void county_code(size_t c, char out[16]) {
    snprintf(out, 16, "%u", (unsigned)(900001 + c));
}

static void zone_code(size_t k, char out[16]) {
    snprintf(out, 16, "z%05u", (unsigned)(k + 1));
}

/* Zones are dealt to the counties in equal blocks. */
static size_t county_of(size_t k, size_t nz) {
    return k * N_COUNTIES / nz;
}

static int find_indicator(const char *code) {
    const indicator_t *ind = master_indicator(B.master, code);
    if (!ind) bench_fail("the sample city has no indicator \"%s\"", code);
    return (int)(ind - B.master->indicators);
}

/* --- 1. score_period against its ceiling -------------------------------------------- */

/* One scored column: content × part, with its share of the total (weight / 100 /
 * parts / contents). */
typedef struct {
    int ind;
    bool growth;
    int direction;
    double w;
} column_t;

static size_t scheme_columns(const scheme_t *s, column_t *cols, size_t max) {
    size_t n = 0;
    for (size_t k = 0; k < s->n_items; k++) {
        const scheme_item_t *it = &s->items[k];
        size_t parts = it->growth ? 2 : 1;
        for (size_t g = 0; g < parts; g++)
            for (size_t c = 0; c < it->n_contents && n < max; c++)
                cols[n++] =
                    (column_t){it->contents[c], g == 1, B.master->indicators[it->contents[c]].direction,
                               it->weight / 100.0 / (double)parts / (double)it->n_contents};
    }
    return n;
}

/* The ceiling's arithmetic: per column a min/max pass and a multiply-add pass, straight
 * into one total per zone. Every value is present, so no NAN checks and no flags. */
static void naive_score(const values_t *v, const column_t *cols, size_t nc, double *total) {
    size_t nz = v->n_zones, ni = v->n_indicators;
    for (size_t z = 0; z < nz; z++)
        total[z] = 0;
    for (size_t c = 0; c < nc; c++) {
        const double *col = (cols[c].growth ? v->growth : v->amount) + cols[c].ind;
        double lo = col[0], hi = col[0], span, w = cols[c].w;
        for (size_t z = 1; z < nz; z++) {
            double x = col[z * ni];
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
        span = hi - lo;
        for (size_t z = 0; z < nz; z++) {
            double x = col[z * ni];
            double r = cols[c].direction < 0 ? (hi - x) / span : (x - lo) / span;
            total[z] += w * (60.0 + 40.0 * r);
        }
    }
}

static int cmp_desc(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

typedef struct {
    double score_ms, ceiling_ms, sort_ms;
    size_t runs;
} score_result_t;

static void bench_scoring(const scheme_t *s, size_t nz, score_result_t *out) {
    size_t ni = B.master->n_indicators, nc, runs = 0;
    column_t cols[RULES_MAX_ITEMS * RULES_MAX_CONTENTS * 2];
    values_t v;
    score_params_t params = {METHOD_EFFICACY, 100, 0}; /* the scorer's defaults */
    zone_score_t *sc = calloc(nz, sizeof *sc);
    double *total = malloc(nz * sizeof *total), *sorted = malloc(nz * sizeof *sorted);
    double *t_score = malloc(SCORE_MAX_RUNS * sizeof *t_score);
    double *t_ceil = malloc(SCORE_MAX_RUNS * sizeof *t_ceil),
           *t_sort = malloc(SCORE_MAX_RUNS * sizeof *t_sort);
    double worst = 0;
    int64_t t0, spent = 0;

    if (!sc || !total || !sorted || !t_score || !t_ceil || !t_sort || values_init(&v, nz, ni) < 0)
        bench_fail("out of memory");
    for (size_t k = 0; k < nz; k++) {
        v.zones[k].reported = true;
        zone_values(k, v.amount + k * ni, v.growth + k * ni, NULL);
    }
    nc = scheme_columns(s, cols, sizeof cols / sizeof cols[0]);

    /* Interleaved, call by call, so a change in machine load moves both alike. */
    while (runs < SCORE_MAX_RUNS && (runs < SCORE_MIN_RUNS || spent < SCORE_MIN_NS)) {
        int64_t a, b, c;
        t0 = bench_now_ns();
        if (score_period(s, B.master, &v, &params, sc) < 0)
            bench_fail("score_period refused the synthetic zones");
        a = bench_now_ns();
        naive_score(&v, cols, nc, total);
        memcpy(sorted, total, nz * sizeof *sorted);
        b = bench_now_ns();
        qsort(sorted, nz, sizeof *sorted, cmp_desc);
        c = bench_now_ns();
        t_score[runs] = (double)(a - t0) / 1e6;
        t_ceil[runs] = (double)(c - a) / 1e6;
        t_sort[runs] = (double)(c - b) / 1e6;
        spent += c - t0;
        runs++;
    }
    /* The ceiling must compute what score_period computes, or it stands for nothing. */
    for (size_t z = 0; z < nz; z++) {
        double d = fabs(total[z] - sc[z].total);
        if (d > worst) worst = d;
        if (sc[z].missing[0])
            bench_fail("zone %zu flagged a missing value: the synthetic zones report all", z);
    }
    if (worst > 1e-6) bench_fail("the naive ceiling's totals differ from score_period's by up to %g", worst);
    if (sc[0].rank < 1 || (size_t)sc[0].rank > nz)
        bench_fail("score_period ranked zone 1 at %d of %zu", sc[0].rank, nz);

    out->runs = runs;
    out->score_ms = bench_median(t_score, runs);
    out->ceiling_ms = bench_median(t_ceil, runs);
    out->sort_ms = bench_median(t_sort, runs);
    values_free(&v);
    free(sc);
    free(total);
    free(sorted);
    free(t_score);
    free(t_ceil);
    free(t_sort);
}

/* --- the scratch city --------------------------------------------------------------- */

typedef struct {
    size_t nz;
    char dir[PATH_MAX];
    char store[PATH_MAX + 64], scores[PATH_MAX + 64];
    char agg_log[PATH_MAX + 64], scorer_log[PATH_MAX + 64];
    char listen[PATH_MAX + 64], events[PATH_MAX + 64], publish[PATH_MAX + 64], snapshot[PATH_MAX + 64];
    double *amount, *growth, *level; /* nz × n_indicators */
    double fai_target;               /* LAT_ZONE's 固定资产投资 target amount */
    wire_t *wire;                    /* one encoded report per zone */
} city_t;

/* targets-2017.csv: for every zone, what the sample city sets its zones (amount and
 * growth of the flows, employees' growth, energy intensity, two rates), drawn around
 * the zone's own figures so that most targets are met and about one zone in two is
 * behind on something: a flow a little behind its pace now and then, far behind
 * (critical) in 3% of cases, a growth target missed by 1 pp or more in 3%, a rate or
 * the energy intensity off its level in 5-10%. LAT_ZONE's 固定资产投资 target is set so
 * its first report meets the pace with room to spare. */
static void write_targets(city_t *c, FILE *f) {
    static const char *flows[] = {"revenue", "va", "fai", "tax", "outside_capital"};
    size_t ni = B.master->n_indicators;
    int fai = find_indicator("fai"), emp = find_indicator("employees"),
        energy = find_indicator("energy_intensity");
    int rates[2] = {find_indicator("idle_revival"), find_indicator("waste_treatment")};
    char zc[16];
    fprintf(f, "zone,year,indicator,target_amount,target_growth_pct\n");
    for (size_t k = 0; k < c->nz; k++) {
        const double *a = c->amount + k * ni, *g = c->growth + k * ni, *lv = c->level + k * ni;
        bench_rng_t r = {7700000ULL + 0x9e3779b9ULL * (uint64_t)(k + 1)};
        zone_code(k, zc);
        for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++) {
            int ind = find_indicator(flows[i]);
            double amount = lv[ind] * (bench_rng_u(&r) < 0.03 ? 1.3 : 0.8 + 0.32 * bench_rng_u(&r));
            if (k == LAT_ZONE && ind == fai) amount = c->fai_target = bench_round_to(a[ind] / 0.6, 0.1);
            /* growth - target = 2.5 - 3.6u: at or below -1 pp for u > 0.97 */
            fprintf(f, "%s,%d,%s,%.1f,%.1f\n", zc, YEAR, flows[i], amount,
                    g[ind] - 2.5 + 3.6 * bench_rng_u(&r));
        }
        fprintf(f, "%s,%d,employees,,%.1f\n", zc, YEAR, g[emp] - 2.5 + 3.6 * bench_rng_u(&r));
        /* less is better: the level target at or above the usual level, the growth
         * target (a fall) above the reported one but now and then */
        fprintf(f, "%s,%d,energy_intensity,%.3f,%.1f\n", zc, YEAR,
                lv[energy] * (1.0 + 0.12 * bench_rng_u(&r)), g[energy] + 2.5 - 3.6 * bench_rng_u(&r));
        for (int i = 0; i < 2; i++)
            fprintf(f, "%s,%d,%s,%.1f,\n", zc, YEAR, B.master->indicators[rates[i]].code,
                    fmin(100, a[rates[i]] * (0.8 + 0.22 * bench_rng_u(&r))));
    }
}

static FILE *open_w(const char *dir, const char *name) {
    char path[PATH_MAX + 64];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!(f = fopen(path, "w"))) bench_fail("cannot write the scratch %s: %s", name, strerror(errno));
    return f;
}

static void close_w(FILE *f, const char *name) {
    if (fclose(f) != 0) bench_fail("cannot write the scratch %s: %s", name, strerror(errno));
}

/* The city's folder: regions.csv, the sample's indicators, scheme, stars and pacing,
 * and targets for every zone; its zones' values and their encoded reports. */
static void make_city(city_t *c, size_t nz) {
    static const char *copied[] = {"indicators.csv", "scheme-2017.csv", "stars.csv", "pacing.csv"};
    size_t ni = B.master->n_indicators;
    char cc[16], zc[16], src[PATH_MAX + 64], dst[PATH_MAX + 64];
    FILE *f;

    memset(c, 0, sizeof *c);
    c->nz = nz;
    snprintf(c->dir, sizeof c->dir, "%.*s/city-%zu", PATH_MAX - 32, B.tmp, nz);
    if (mkdir(c->dir, 0700) != 0) bench_fail("cannot make a scratch folder: %s", strerror(errno));
    snprintf(c->store, sizeof c->store, "%s/reports.db", c->dir);
    snprintf(c->scores, sizeof c->scores, "%s/scores.db", c->dir);
    snprintf(c->agg_log, sizeof c->agg_log, "%s/aggregator.log", c->dir);
    snprintf(c->scorer_log, sizeof c->scorer_log, "%s/scorer.log", c->dir);
    /* ipc:// paths must stay short: in the scratch folder itself */
    snprintf(c->listen, sizeof c->listen, "ipc://%s/l%zu", B.tmp, nz);
    snprintf(c->events, sizeof c->events, "ipc://%s/e%zu", B.tmp, nz);
    snprintf(c->publish, sizeof c->publish, "ipc://%s/p%zu", B.tmp, nz);
    snprintf(c->snapshot, sizeof c->snapshot, "ipc://%s/s%zu", B.tmp, nz);

    c->amount = malloc(nz * ni * sizeof *c->amount);
    c->growth = malloc(nz * ni * sizeof *c->growth);
    c->level = malloc(nz * ni * sizeof *c->level);
    c->wire = calloc(nz, sizeof *c->wire);
    if (!c->amount || !c->growth || !c->level || !c->wire) bench_fail("out of memory");
    for (size_t k = 0; k < nz; k++)
        zone_values(k, c->amount + k * ni, c->growth + k * ni, c->level + k * ni);

    f = open_w(c->dir, "regions.csv");
    fprintf(f, "county,county_name,zone,zone_name,lead_industries\n");
    for (size_t k = 0; k < nz; k++) {
        county_code(county_of(k, nz), cc);
        zone_code(k, zc);
        fprintf(f, "%s,基准县%02zu,%s,基准产业集聚区%05zu,电子电器;新材料\n", cc, county_of(k, nz) + 1, zc,
                k + 1);
    }
    close_w(f, "regions.csv");
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++) {
        snprintf(src, sizeof src, "%s/%s", B.examples, copied[i]);
        snprintf(dst, sizeof dst, "%s/%s", c->dir, copied[i]);
        bench_copy_file(src, dst, "a scratch file");
    }
    f = open_w(c->dir, "targets-2017.csv");
    write_targets(c, f);
    close_w(f, "targets-2017.csv");
}

/* Zone k's 2017-06 report with revision rev; fai_amount replaces its 固定资产投资 if not
 * NAN. The caller clears it. */
static void zone_report_of(const city_t *c, size_t k, const char *period, uint32_t rev, double fai_amount,
                           report_t *r) {
    size_t ni = B.master->n_indicators;
    int fai = find_indicator("fai");
    char cc[16];
    memset(r, 0, sizeof *r);
    zone_code(k, r->zone);
    snprintf(r->period, sizeof r->period, "%s", period);
    r->revision = rev;
    county_code(county_of(k, c->nz), cc);
    snprintf(r->source, sizeof r->source, "%s.csv", cc);
    for (size_t i = 0; i < ni; i++) {
        const indicator_t *ind = &B.master->indicators[i];
        report_value_t v;
        memset(&v, 0, sizeof v);
        snprintf(v.indicator, sizeof v.indicator, "%s", ind->code);
        v.amount = (int)i == fai && !isnan(fai_amount) ? fai_amount : c->amount[k * ni + i];
        v.has_growth = ind->has_growth;
        v.growth_pct = ind->has_growth ? c->growth[k * ni + i] : 0;
        v.line = (unsigned)(2 + i);
        if (!report_add_value(r, &v)) bench_fail("out of memory");
    }
}

static void zone_report(const city_t *c, size_t k, uint32_t rev, double fai_amount, report_t *r) {
    zone_report_of(c, k, PERIOD, rev, fai_amount, r);
}

/* A city's scratch folder, removed; or, with YUEBAO_BENCH_KEEP=DIR, moved into DIR
 * (same file system as TMPDIR) with its stores, master data and logs, to profile a
 * daemon on it afterwards. */
static void keep_or_remove(const char *dir) {
    const char *keep = getenv("YUEBAO_BENCH_KEEP"), *base = strrchr(dir, '/');
    char dst[PATH_MAX + 64];
    if (keep && *keep && base) {
        /* the year's city has the 10 000-zone city's name: city-10000, city-10000.2 */
        snprintf(dst, sizeof dst, "%s%s", keep, base);
        for (int n = 2; access(dst, F_OK) == 0 && n < 100; n++)
            snprintf(dst, sizeof dst, "%s%s.%d", keep, base, n);
        if (rename(dir, dst) == 0) {
            fprintf(stderr, "bench_score: kept %s\n", dst);
            return;
        }
        fprintf(stderr, "bench_score: cannot keep %s in %s: %s\n", dir, keep, strerror(errno));
    }
    bench_remove_tree(dir);
}

static void free_city(city_t *c) {
    if (c->wire)
        for (size_t k = 0; k < c->nz; k++)
            free(c->wire[k].buf);
    free(c->wire);
    free(c->amount);
    free(c->growth);
    free(c->level);
    keep_or_remove(c->dir);
    memset(c, 0, sizeof *c);
}

/* --- the daemons -------------------------------------------------------------------- */

/* The tail of a daemon's log on stderr, the scratch folder's path written as
 * <scratch>: no path of this machine but what the user passed. */
static void print_log(const char *name, const char *path) {
    char *text = bench_slurp(path), *p, *hit;
    size_t len, tlen = strlen(B.tmp);
    if (!text) return;
    len = strlen(text);
    p = len > 8000 ? text + len - 8000 : text;
    fprintf(stderr, "---- %s log%s ----\n", name, len > 8000 ? " (last 8000 bytes)" : "");
    while (tlen && (hit = strstr(p, B.tmp))) {
        fprintf(stderr, "%.*s<scratch>", (int)(hit - p), p);
        p = hit + tlen;
    }
    fprintf(stderr, "%s---- end of log ----\n", p);
    free(text);
}

/* Starts exe with args (NULL-terminated), its output in log_path, YUEBAO_NOW set to now
 * (or unset for NULL), and waits until its log says "ready:". Sets *slot. */
static void start_daemon(pid_t *slot, const char *name, char **args, const char *log_path, const char *now,
                         int timeout_ms) {
    int64_t deadline;

    bench_spawn(slot, args, log_path, now);
    deadline = bench_now_ns() + timeout_ms * 1000000LL;
    for (;;) {
        char *text = bench_slurp(log_path);
        bool ready = text && strstr(text, ": ready:");
        int status;
        free(text);
        if (ready) return;
        if (waitpid(*slot, &status, WNOHANG) == *slot) {
            *slot = 0;
            print_log(name, log_path);
            bench_fail("%s exited during start-up (status 0x%x)", name, (unsigned)status);
        }
        if (bench_now_ns() > deadline) {
            print_log(name, log_path);
            bench_fail("%s did not say \"ready:\" within %d s", name, timeout_ms / 1000);
        }
        bench_sleep_ms(5);
    }
}

/* SIGTERM, then wait for a clean exit. */
static void stop_daemon(pid_t *slot, const char *name, const char *log_path) {
    int status = bench_stop(slot, STOP_TIMEOUT_MS);
    if (status < 0) {
        print_log(name, log_path);
        bench_fail("%s did not stop within %d s of SIGTERM", name, STOP_TIMEOUT_MS / 1000);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        print_log(name, log_path);
        bench_fail("%s did not exit cleanly (status 0x%x)", name, (unsigned)status);
    }
}

static void start_aggregator(const char *bin_dir, const city_t *c) {
    char exe[PATH_MAX + 32], master_dir[PATH_MAX + 96], store[PATH_MAX + 96], listen[PATH_MAX + 96],
        publish[PATH_MAX + 96], hb[32];
    char *args[] = {exe,     "--insecure", "--set", master_dir, "--set", store,          "--set", listen,
                    "--set", publish,      "--set", hb,         "--set", "rate_limit=0", NULL};
    snprintf(exe, sizeof exe, "%s/yuebao-aggregator", bin_dir);
    snprintf(master_dir, sizeof master_dir, "master_dir=%s", c->dir);
    snprintf(store, sizeof store, "store=%s", c->store);
    snprintf(listen, sizeof listen, "listen=%s", c->listen);
    snprintf(publish, sizeof publish, "publish=%s", c->events);
    snprintf(hb, sizeof hb, "heartbeat_ms=%d", HEARTBEAT_MS);
    start_daemon(&B.agg, "yuebao-aggregator", args, c->agg_log, NULL, READY_TIMEOUT_MS);
}

/* since: its reporting_since; now: its YUEBAO_NOW. */
static void start_scorer_at(const char *bin_dir, const city_t *c, const char *since, const char *now) {
    char exe[PATH_MAX + 32], store[PATH_MAX + 96], scores[PATH_MAX + 96], master_dir[PATH_MAX + 96],
        events[PATH_MAX + 96], publish[PATH_MAX + 96], snapshot[PATH_MAX + 96], hb[32], rs[64];
    char *args[] = {exe,     "--insecure",    "--set", store,   "--set", scores,   "--set", master_dir,
                    "--set", events,          "--set", publish, "--set", snapshot, "--set", rs,
                    "--set", "coalesce_ms=0", "--set", hb,      NULL};
    snprintf(rs, sizeof rs, "reporting_since=%s", since);
    snprintf(exe, sizeof exe, "%s/yuebao-scorer", bin_dir);
    snprintf(store, sizeof store, "store=%s", c->store);
    snprintf(scores, sizeof scores, "scores=%s", c->scores);
    snprintf(master_dir, sizeof master_dir, "master_dir=%s", c->dir);
    snprintf(events, sizeof events, "events=%s", c->events);
    snprintf(publish, sizeof publish, "publish=%s", c->publish);
    snprintf(snapshot, sizeof snapshot, "snapshot=%s", c->snapshot);
    snprintf(hb, sizeof hb, "heartbeat_ms=%d", HEARTBEAT_MS);
    start_daemon(&B.scorer, "yuebao-scorer", args, c->scorer_log, now, READY_TIMEOUT_MS);
}

static void start_scorer(const char *bin_dir, const city_t *c) {
    start_scorer_at(bin_dir, c, PERIOD, NOW);
}

/* --- filling the store: 10 collectors --------------------------------------------- */

typedef struct {
    void *sock;
    size_t first, end, next; /* the county's zones [first, end); next to send */
    size_t inflight;
} feeder_t;

/* Sends every zone's report from its county's DEALER, WINDOW in flight each, and waits
 * for every Ack; each must be ACCEPTED. Returns the wall time in seconds. */
static double fill_store(const city_t *c) {
    void *ctx = zmq_ctx_new();
    feeder_t f[N_COUNTIES];
    zmq_pollitem_t items[N_COUNTIES];
    size_t acked = 0;
    int64_t t0;

    if (!ctx) bench_fail("out of memory");
    memset(f, 0, sizeof f);
    for (size_t i = 0; i < N_COUNTIES; i++) {
        char cc[16];
        county_code(i, cc);
        /* county_of's blocks: zone k belongs to county k * N_COUNTIES / nz */
        f[i].first = f[i].next = (i * c->nz + N_COUNTIES - 1) / N_COUNTIES;
        f[i].end = ((i + 1) * c->nz + N_COUNTIES - 1) / N_COUNTIES;
        f[i].sock = bench_collector(ctx, c->listen, cc, REPLY_TIMEOUT_MS);
        items[i] = (zmq_pollitem_t){.socket = f[i].sock, .events = ZMQ_POLLIN};
    }
    t0 = bench_now_ns();
    while (acked < c->nz) {
        int rc;
        for (size_t i = 0; i < N_COUNTIES; i++)
            while (f[i].inflight < WINDOW && f[i].next < f[i].end) {
                const wire_t *w = &c->wire[f[i].next++];
                if (zmq_send(f[i].sock, w->buf, w->len, 0) < 0)
                    bench_fail("collector send: %s", zmq_strerror(errno));
                f[i].inflight++;
            }
        rc = zmq_poll(items, N_COUNTIES, REPLY_TIMEOUT_MS);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) bench_fail("zmq_poll: %s", zmq_strerror(errno));
        if (rc == 0) {
            print_log("yuebao-aggregator", c->agg_log);
            bench_fail("no Ack for %d s; %zu of %zu reports acked", REPLY_TIMEOUT_MS / 1000, acked, c->nz);
        }
        for (size_t i = 0; i < N_COUNTIES; i++) {
            if (!(items[i].revents & ZMQ_POLLIN)) continue;
            for (;;) {
                zmq_msg_t msg;
                msg_t m;
                char cerr[256];
                zmq_msg_init(&msg);
                if (zmq_msg_recv(&msg, f[i].sock, ZMQ_DONTWAIT) < 0) {
                    zmq_msg_close(&msg);
                    break;
                }
                if (codec_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), &m, cerr, sizeof cerr) < 0)
                    bench_fail("an undecodable reply: %s", cerr);
                zmq_msg_close(&msg);
                if (m.kind != MSG_ACK) bench_fail("a reply that is not an Ack");
                if (m.ack.status != ACK_ACCEPTED) {
                    char first[1024] = "";
                    if (m.ack.issues.n) diag_format(&m.ack.issues.items[0], first, sizeof first);
                    bench_fail("%s %s rev %u: %s%s%s", m.ack.zone, m.ack.period, m.ack.revision,
                               ack_status_name(m.ack.status), first[0] ? ": " : "", first);
                }
                msg_clear(&m);
                f[i].inflight--;
                acked++;
            }
        }
    }
    t0 = bench_now_ns() - t0;
    for (size_t i = 0; i < N_COUNTIES; i++)
        sock_close(&f[i].sock);
    zmq_ctx_term(ctx);
    return (double)t0 / 1e9;
}

/* --- 2. the recompute and its ceiling ----------------------------------------------- */

/* The ceiling: one plain read of the period's value rows on a read-only connection,
 * every row stepped and its columns taken as the scorer takes them; median of
 * READ_RUNS, in ms. The rows must all be there. */
static double read_ceiling_ms(const city_t *c) {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    double t[READ_RUNS], sum = 0;
    size_t want = c->nz * B.master->n_indicators;
    if (sqlite3_open_v2(c->store, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT zone, indicator, amount, growth_pct FROM report_values WHERE period = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        bench_fail("SQLite read ceiling: %s", db ? sqlite3_errmsg(db) : "cannot open the store");
    for (int r = 0; r < READ_RUNS; r++) {
        size_t rows = 0;
        int64_t t0 = bench_now_ns();
        int rc;
        sqlite3_bind_text(st, 1, PERIOD, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const unsigned char *zone = sqlite3_column_text(st, 0), *ind = sqlite3_column_text(st, 1);
            sum += sqlite3_column_double(st, 2) + (zone ? zone[0] : 0) + (ind ? ind[0] : 0);
            if (sqlite3_column_type(st, 3) != SQLITE_NULL) sum += sqlite3_column_double(st, 3);
            rows++;
        }
        t[r] = (double)(bench_now_ns() - t0) / 1e6;
        if (rc != SQLITE_DONE) bench_fail("SQLite read ceiling: %s", sqlite3_errmsg(db));
        sqlite3_reset(st);
        if (rows != want)
            bench_fail("the store holds %zu value rows for %s, expected %zu", rows, PERIOD, want);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (isnan(sum)) bench_fail("the store holds a NaN");
    return bench_median(t, READ_RUNS);
}

typedef struct {
    double fill_s;
    double pass_ms, read_ms, restart_ms;
    size_t periods, transitions, ranked;
    long rss_kb;
    bool restarted; /* restart_ms measured */
} recompute_result_t;

/* The scorer restarted on the score store pass 1 left: its start-up pass finds every
 * ranking and alert as stored, so it must change none; restart_ms is its own figure. */
static void check_restart(const city_t *c, recompute_result_t *out) {
    char *text = bench_slurp(c->scorer_log), *p;
    size_t periods, rankings, transitions;
    long long pass_ms;
    if (!text || !(p = strstr(text, "pass 1 (full): ")) ||
        sscanf(p,
               "pass 1 (full): %zu periods recomputed, %zu rankings changed, %zu alert transitions, %lld ms",
               &periods, &rankings, &transitions, &pass_ms) != 4) {
        print_log("yuebao-scorer", c->scorer_log);
        bench_fail("the restarted scorer's log has no \"pass 1 (full): … ms\" line");
    }
    free(text);
    if (rankings != 0 || transitions != 0) {
        print_log("yuebao-scorer", c->scorer_log);
        bench_fail("the restart pass over an unchanged store changed %zu rankings and raised %zu transitions; "
                   "expected none",
                   rankings, transitions);
    }
    out->restart_ms = (double)pass_ms;
    out->restarted = true;
}

/* The start-up pass from the scorer's log, and what it left in the score store. */
static void check_pass(const city_t *c, recompute_result_t *out) {
    char *text = bench_slurp(c->scorer_log), *p, err[512];
    size_t rankings;
    long long pass_ms;
    sstore_t *ss;
    ranking_t r;
    alert_list_t firing = {0};

    if (!text || !(p = strstr(text, "pass 1 (full): ")) ||
        sscanf(p,
               "pass 1 (full): %zu periods recomputed, %zu rankings changed, %zu alert transitions, %lld ms",
               &out->periods, &rankings, &out->transitions, &pass_ms) != 4) {
        print_log("yuebao-scorer", c->scorer_log);
        bench_fail("the scorer's log has no \"pass 1 (full): … ms\" line");
    }
    free(text);
    out->pass_ms = (double)pass_ms;
    if (out->periods != 1 || rankings != 1)
        bench_fail("pass 1 recomputed %zu periods and changed %zu rankings; expected 1 and 1", out->periods,
                   rankings);

    if (!(ss = sstore_open(c->scores, true, err, sizeof err))) bench_fail("the score store: %s", err);
    memset(&r, 0, sizeof r);
    if (sstore_load_ranking(ss, PERIOD, &r) <= 0) bench_fail("the score store has no ranking for %s", PERIOD);
    out->ranked = r.n_rows;
    if (r.n_rows != c->nz)
        bench_fail("the ranking of %s has %zu rows for %zu zones", PERIOD, r.n_rows, c->nz);
    for (size_t i = 0; i < r.n_rows; i++)
        if (r.rows[i].rank < 1 || (size_t)r.rows[i].rank > c->nz)
            bench_fail("rank %d out of range", r.rows[i].rank);
    ranking_clear(&r);
    if (sstore_alerts_firing(ss, -1, 0, &firing) < 0) bench_fail("the score store's alerts cannot be read");
    /* a fresh score store: every transition of pass 1 is an alert firing now */
    if (firing.n != out->transitions)
        bench_fail("pass 1 logged %zu alert transitions but the score store holds %zu firing alerts",
                   out->transitions, firing.n);
    alert_list_clear(&firing);
    sstore_close(&ss);
}

/* --- 3. report accepted → alert published -------------------------------------------- */

typedef struct {
    double acc_alert[LAT_SENDS]; /* event received → alert received, ms */
    double send_alert[LAT_SENDS];
    double send_ack[LAT_SENDS];
    size_t n, other_alerts;
    /* the bytes of the last event and alert, [topic, envelope], for the ceiling */
    void *ev[2], *al[2];
    size_t ev_len[2], al_len[2];
} latency_t;

typedef struct {
    double relay[LAT_SENDS]; /* event bytes received → relayed alert bytes received, ms */
    double hop[LAT_SENDS];   /* event bytes sent → received, ms */
} hop_t;

static void *subscribe(void *ctx, const char *endpoint, const char *prefix) {
    sock_security_t sec = {.insecure = true};
    char err[512];
    void *s = sock_sub(ctx, endpoint, prefix, &sec, err, sizeof err);
    if (!s) bench_fail("SUB: %s", err);
    if (zmq_setsockopt(s, ZMQ_SUBSCRIBE, "hb", 2) < 0) bench_fail("SUB: %s", zmq_strerror(errno));
    return s;
}

static void free_frames(void **frames, int n) {
    for (int i = 0; i < n; i++)
        free(frames[i]);
}

/* Waits until a heartbeat has come through each SUB: both are connected. */
static void await_heartbeats(void **subs, int n) {
    int64_t deadline = bench_now_ns() + 5000LL * 1000000LL;
    bool heard[4] = {false};
    int left = n;
    while (left > 0) {
        zmq_pollitem_t items[4];
        for (int i = 0; i < n; i++)
            items[i] = (zmq_pollitem_t){.socket = subs[i], .events = ZMQ_POLLIN};
        if (bench_now_ns() > deadline) bench_fail("no heartbeat from a daemon within 5 s");
        if (zmq_poll(items, n, 100) <= 0) continue;
        for (int i = 0; i < n; i++) {
            void *frames[2];
            size_t lens[2];
            int got;
            while ((got = sock_recv_frames(subs[i], frames, lens, 2)) >= 0) {
                if (got >= 1 && lens[0] == 2 && memcmp(frames[0], "hb", 2) == 0 && !heard[i]) {
                    heard[i] = true;
                    left--;
                }
                free_frames(frames, got);
            }
        }
    }
}

static void keep_bytes(void **dst, size_t *dst_len, void **frames, const size_t *lens) {
    for (int i = 0; i < 2; i++) {
        free(dst[i]);
        dst[i] = frames[i];
        dst_len[i] = lens[i];
        frames[i] = NULL;
    }
}

/* Sends LAT_WARMUP + LAT_SENDS revisions of LAT_ZONE's report, one at a time, each
 * waiting for its Ack, its event and its alert. Even revisions put 固定资产投资 at 10%
 * of the year's target by June (47% expected: critical), odd ones at 60% (met). */
static void measure_latency(const city_t *c, latency_t *lat) {
    void *ctx = zmq_ctx_new(), *dealer, *sub_agg, *sub_scorer;
    sock_security_t sec = {.insecure = true};
    char id[64], cc[16], zc[16], err[512], want_event[64], want_alert[96];
    int timeout = REPLY_TIMEOUT_MS;

    if (!ctx) bench_fail("out of memory");
    memset(lat, 0, sizeof *lat);
    county_code(county_of(LAT_ZONE, c->nz), cc);
    zone_code(LAT_ZONE, zc);
    snprintf(want_event, sizeof want_event, "report.%s.%s", cc, zc);
    snprintf(want_alert, sizeof want_alert, "alert.%s.%s.pace", cc, zc);
    sub_agg = subscribe(ctx, c->events, "report.");
    sub_scorer = subscribe(ctx, c->publish, "alert.");
    {
        void *subs[2] = {sub_agg, sub_scorer};
        await_heartbeats(subs, 2);
    }
    snprintf(id, sizeof id, "c:%s:latency%d", cc, (int)getpid());
    if (!(dealer = sock_dealer(ctx, c->listen, id, &sec, err, sizeof err))) bench_fail("collector: %s", err);
    zmq_setsockopt(dealer, ZMQ_SNDTIMEO, &timeout, sizeof timeout);

    for (int i = 0; i < LAT_WARMUP + LAT_SENDS; i++) {
        uint32_t rev = 2 + (uint32_t)i;
        bool behind = rev % 2 == 0;
        transition_t want_tr = behind ? TR_FIRING : TR_RESOLVED;
        report_t r;
        wire_t w = {0};
        int64_t t_send, t_ack = 0, t_ev = 0, t_al = 0, deadline;

        zone_report(c, LAT_ZONE, rev, bench_round_to(c->fai_target * (behind ? 0.10 : 0.60), 0.1), &r);
        bench_encode_report(&r, &w.buf, &w.len, NULL);
        report_clear(&r);
        t_send = bench_now_ns();
        if (zmq_send(dealer, w.buf, w.len, 0) < 0) bench_fail("collector send: %s", zmq_strerror(errno));
        free(w.buf);
        deadline = t_send + ALERT_TIMEOUT_MS * 1000000LL;
        while (!t_ack || !t_ev || !t_al) {
            zmq_pollitem_t items[3] = {{.socket = sub_agg, .events = ZMQ_POLLIN},
                                       {.socket = dealer, .events = ZMQ_POLLIN},
                                       {.socket = sub_scorer, .events = ZMQ_POLLIN}};
            int64_t left = (deadline - bench_now_ns()) / 1000000;
            if (left <= 0) {
                print_log("yuebao-scorer", c->scorer_log);
                bench_fail("revision %u of %s %s: %s%s%s within %d s", rev, zc, PERIOD,
                           !t_ack ? "no Ack" : "", !t_ack && (!t_ev || !t_al) ? ", " : "",
                           !t_ev   ? "no report-accepted event"
                           : !t_al ? "no alert"
                                   : "",
                           ALERT_TIMEOUT_MS / 1000);
            }
            if (zmq_poll(items, 3, (long)left) <= 0) continue;
            for (;;) { /* the aggregator's events */
                void *frames[2] = {NULL, NULL};
                size_t lens[2];
                msg_t m;
                char cerr[256];
                int got = sock_recv_frames(sub_agg, frames, lens, 2);
                int64_t t = bench_now_ns();
                if (got < 0) break;
                if (got == 2 && lens[0] == strlen(want_event) &&
                    memcmp(frames[0], want_event, lens[0]) == 0) {
                    if (codec_decode(frames[1], lens[1], &m, cerr, sizeof cerr) < 0)
                        bench_fail("an event: %s", cerr);
                    if (m.kind == MSG_REPORT_ACCEPTED && m.accepted.revision == rev) {
                        t_ev = t;
                        keep_bytes(lat->ev, lat->ev_len, frames, lens);
                    }
                    msg_clear(&m);
                }
                free_frames(frames, got);
            }
            for (;;) { /* the Ack */
                zmq_msg_t msg;
                msg_t m;
                char cerr[256];
                zmq_msg_init(&msg);
                if (zmq_msg_recv(&msg, dealer, ZMQ_DONTWAIT) < 0) {
                    zmq_msg_close(&msg);
                    break;
                }
                if (codec_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), &m, cerr, sizeof cerr) < 0)
                    bench_fail("an undecodable reply: %s", cerr);
                zmq_msg_close(&msg);
                if (m.kind != MSG_ACK || m.ack.status != ACK_ACCEPTED || m.ack.revision != rev)
                    bench_fail("revision %u of %s %s was not ACCEPTED (%s, revision %u)", rev, zc, PERIOD,
                               ack_status_name(m.ack.status), m.ack.revision);
                t_ack = bench_now_ns();
                msg_clear(&m);
            }
            for (;;) { /* the scorer's alerts */
                void *frames[2] = {NULL, NULL};
                size_t lens[2];
                msg_t m;
                char cerr[256];
                int got = sock_recv_frames(sub_scorer, frames, lens, 2);
                int64_t t = bench_now_ns();
                if (got < 0) break;
                if (got == 2 && lens[0] > 6 && memcmp(frames[0], "alert.", 6) == 0) {
                    if (codec_decode(frames[1], lens[1], &m, cerr, sizeof cerr) < 0)
                        bench_fail("an alert: %s", cerr);
                    if (m.kind != MSG_ALERT) bench_fail("a message on an alert topic that is not an alert");
                    if (lens[0] == strlen(want_alert) && memcmp(frames[0], want_alert, lens[0]) == 0 &&
                        strcmp(m.alert.indicator, "fai") == 0) {
                        if (t_al)
                            bench_fail("revision %u of %s caused more than one fai pace alert", rev, zc);
                        if (m.alert.transition != want_tr)
                            bench_fail("revision %u of %s: a fai pace alert %s (%s → %s), expected %s", rev,
                                       zc, transition_name(m.alert.transition),
                                       severity_name(m.alert.previous), severity_name(m.alert.severity),
                                       transition_name(want_tr));
                        t_al = t;
                        keep_bytes(lat->al, lat->al_len, frames, lens);
                    } else {
                        lat->other_alerts++;
                    }
                    msg_clear(&m);
                }
                free_frames(frames, got);
            }
        }
        if (i >= LAT_WARMUP) {
            lat->acc_alert[lat->n] = (double)(t_al - t_ev) / 1e6;
            lat->send_alert[lat->n] = (double)(t_al - t_send) / 1e6;
            lat->send_ack[lat->n] = (double)(t_ack - t_send) / 1e6;
            lat->n++;
        }
    }
    sock_close(&dealer);
    sock_close(&sub_agg);
    sock_close(&sub_scorer);
    zmq_ctx_term(ctx);
}

/* The relay of the ceiling: what the scorer does with an event, minus the work. */
typedef struct {
    char in[PATH_MAX + 64], out[PATH_MAX + 64];
    const latency_t *lat;
    void *ctx, *sub, *pub;
} relay_t;

static void *relay_main(void *arg) {
    relay_t *r = arg;
    for (;;) {
        void *frames[2] = {NULL, NULL};
        size_t lens[2];
        int got;
        zmq_pollitem_t it = {.socket = r->sub, .events = ZMQ_POLLIN};
        if (zmq_poll(&it, 1, REPLY_TIMEOUT_MS) <= 0) break; /* the main side reports it */
        while ((got = sock_recv_frames(r->sub, frames, lens, 2)) >= 0) {
            bool stop = got >= 1 && lens[0] == 4 && memcmp(frames[0], "stop", 4) == 0;
            free_frames(frames, got);
            if (stop) return NULL;
            sock_send_frames(r->pub, (const void *const *)r->lat->al, r->lat->al_len, 2);
        }
    }
    return NULL;
}

/* PUB → SUB with the very bytes, and the relay: see the top of the file. */
static void measure_hop(const latency_t *lat, hop_t *hop) {
    static relay_t r;
    void *ctx = zmq_ctx_new(), *pub, *sub_ev, *sub_al;
    sock_security_t sec = {.insecure = true};
    pthread_t th;
    char err[512];
    int64_t deadline;
    bool through = false;

    memset(&r, 0, sizeof r);
    snprintf(r.in, sizeof r.in, "ipc://%s/hop-in", B.tmp);
    snprintf(r.out, sizeof r.out, "ipc://%s/hop-out", B.tmp);
    r.lat = lat;
    if (!ctx || !(r.ctx = zmq_ctx_new())) bench_fail("out of memory");
    if (!(pub = sock_pub(ctx, r.in, &sec, WIRE_DOMAIN_SUBSCRIBERS, err, sizeof err)))
        bench_fail("hop PUB: %s", err);
    if (!(r.sub = sock_sub(r.ctx, r.in, "", &sec, err, sizeof err))) bench_fail("relay SUB: %s", err);
    if (!(r.pub = sock_pub(r.ctx, r.out, &sec, WIRE_DOMAIN_SUBSCRIBERS, err, sizeof err)))
        bench_fail("relay PUB: %s", err);
    if (!(sub_ev = sock_sub(ctx, r.in, "", &sec, err, sizeof err))) bench_fail("hop SUB: %s", err);
    if (!(sub_al = sock_sub(ctx, r.out, "", &sec, err, sizeof err))) bench_fail("hop SUB: %s", err);
    if (pthread_create(&th, NULL, relay_main, &r) != 0) bench_fail("pthread_create failed");

    /* Slow joiners: send until the relayed bytes come back, then drain. */
    deadline = bench_now_ns() + 5000LL * 1000000LL;
    while (!through) {
        zmq_pollitem_t it = {.socket = sub_al, .events = ZMQ_POLLIN};
        if (bench_now_ns() > deadline) bench_fail("the relay of the hop ceiling never answered");
        sock_send_frames(pub, (const void *const *)lat->ev, lat->ev_len, 2);
        through = zmq_poll(&it, 1, 10) > 0;
    }
    for (int64_t end = bench_now_ns() + 100000000LL; bench_now_ns() < end;) {
        void *frames[2];
        size_t lens[2];
        int got;
        bench_sleep_ms(5);
        while ((got = sock_recv_frames(sub_ev, frames, lens, 2)) >= 0)
            free_frames(frames, got);
        while ((got = sock_recv_frames(sub_al, frames, lens, 2)) >= 0)
            free_frames(frames, got);
    }

    for (int i = 0; i < LAT_SENDS; i++) {
        int64_t t_send = bench_now_ns(), t_ev = 0, t_al = 0;
        deadline = t_send + ALERT_TIMEOUT_MS * 1000000LL;
        if (sock_send_frames(pub, (const void *const *)lat->ev, lat->ev_len, 2) < 0)
            bench_fail("hop PUB: %s", zmq_strerror(errno));
        while (!t_ev || !t_al) {
            zmq_pollitem_t items[2] = {{.socket = sub_ev, .events = ZMQ_POLLIN},
                                       {.socket = sub_al, .events = ZMQ_POLLIN}};
            void *frames[2];
            size_t lens[2];
            int got;
            if (bench_now_ns() > deadline) bench_fail("the hop ceiling lost a message");
            if (zmq_poll(items, 2, 100) <= 0) continue;
            while ((got = sock_recv_frames(sub_ev, frames, lens, 2)) >= 0) {
                if (!t_ev) t_ev = bench_now_ns();
                if (got != 2 || lens[1] != lat->ev_len[1] || memcmp(frames[1], lat->ev[1], lens[1]) != 0)
                    bench_fail("the hop ceiling garbled the event bytes");
                free_frames(frames, got);
            }
            while ((got = sock_recv_frames(sub_al, frames, lens, 2)) >= 0) {
                if (!t_al) t_al = bench_now_ns();
                if (got != 2 || lens[1] != lat->al_len[1] || memcmp(frames[1], lat->al[1], lens[1]) != 0)
                    bench_fail("the hop ceiling garbled the alert bytes");
                free_frames(frames, got);
            }
        }
        hop->hop[i] = (double)(t_ev - t_send) / 1e6;
        hop->relay[i] = (double)(t_al - t_ev) / 1e6;
    }
    {
        const void *stop[1] = {"stop"};
        size_t len[1] = {4};
        sock_send_frames(pub, stop, len, 1);
    }
    pthread_join(th, NULL);
    sock_close(&r.sub);
    sock_close(&r.pub);
    zmq_ctx_term(r.ctx);
    sock_close(&pub);
    sock_close(&sub_ev);
    sock_close(&sub_al);
    zmq_ctx_term(ctx);
}

/* --- main --------------------------------------------------------------------------- */

/* What one city gave. */
typedef struct {
    recompute_result_t rec;
    bool has_latency;
    latency_t lat;
    hop_t hop;
} city_result_t;

/* One city: fill, read ceiling, the scorer's start-up pass, and the latency in the
 * cities of at most LAT_MAX_ZONES zones. */
static void run_city(const char *bin_dir, size_t nz, city_result_t *out) {
    city_t c;
    memset(out, 0, sizeof *out);
    make_city(&c, nz);
    for (size_t k = 0; k < nz; k++) {
        report_t r;
        zone_report(&c, k, 1, NAN, &r);
        bench_encode_report(&r, &c.wire[k].buf, &c.wire[k].len, NULL);
        report_clear(&r);
    }
    start_aggregator(bin_dir, &c);
    out->rec.fill_s = fill_store(&c);
    out->rec.read_ms = read_ceiling_ms(&c);
    start_scorer(bin_dir, &c);
    check_pass(&c, &out->rec);
    if (nz <= LAT_MAX_ZONES) {
        measure_latency(&c, &out->lat);
        measure_hop(&out->lat, &out->hop);
        out->has_latency = true;
    }
    out->rec.rss_kb = bench_vm_hwm_kb(B.scorer);
    stop_daemon(&B.scorer, "yuebao-scorer", c.scorer_log);
    if (nz > LAT_MAX_ZONES) { /* the store as pass 1 left it (the latency runs change it) */
        start_scorer(bin_dir, &c);
        check_restart(&c, &out->rec);
        stop_daemon(&B.scorer, "yuebao-scorer", c.scorer_log);
    }
    stop_daemon(&B.agg, "yuebao-aggregator", c.agg_log);
    free_city(&c);
}

/* 4. Peak RSS at a city's year: 10 000 zones x the 11 periods of 2017 (2017-02 .. 2017-12,
 * January merged into February: twelve months of reports), 110 000 reports filled into
 * the real aggregator; then the real scorer's start-up pass over every period of the
 * year (reporting_since=2017-02, its clock at 2018-01-05). The figures are both
 * daemons' VmHWM before SIGTERM; the fill's rate is printed too. */
#define YEAR_ZONES 10000
#define YEAR_PERIODS 11
typedef struct {
    long agg_kb, scorer_kb;
    double fill_rps;
    int pass_ms;
} year_result_t;

static void run_year(const char *bin_dir, year_result_t *out) {
    city_t c;
    double wall = 0;
    char *log;
    const char *p;
    memset(out, 0, sizeof *out);
    make_city(&c, YEAR_ZONES);
    start_aggregator(bin_dir, &c);
    for (int m = 2; m < 2 + YEAR_PERIODS; m++) {
        char period[PERIOD_STRLEN];
        snprintf(period, sizeof period, "%d-%02d", YEAR, m);
        for (size_t k = 0; k < c.nz; k++) {
            report_t r;
            free(c.wire[k].buf);
            zone_report_of(&c, k, period, 1, NAN, &r);
            bench_encode_report(&r, &c.wire[k].buf, &c.wire[k].len, NULL);
            report_clear(&r);
        }
        wall += fill_store(&c);
    }
    out->fill_rps = (double)(c.nz * YEAR_PERIODS) / wall;
    out->agg_kb = bench_vm_hwm_kb(B.agg);
    start_scorer_at(bin_dir, &c, "2017-02", "2018-01-05");
    out->scorer_kb = bench_vm_hwm_kb(B.scorer);
    log = bench_slurp(c.scorer_log);
    out->pass_ms = -1;
    if (log && (p = strstr(log, "pass 1 (full): "))) {
        const char *q = strstr(p, " ms");
        while (q && q > p && q[-1] >= '0' && q[-1] <= '9')
            q--;
        if (q) out->pass_ms = atoi(q);
    }
    free(log);
    stop_daemon(&B.scorer, "yuebao-scorer", c.scorer_log);
    stop_daemon(&B.agg, "yuebao-aggregator", c.agg_log);
    free_city(&c);
}

/* s padded with spaces to width display columns (printf's %-*s counts bytes, and "→"
 * is three). One of a few rotating buffers. */
static const char *pad(const char *s, int width) {
    static char pool[8][160];
    static unsigned next;
    char *out = pool[next++ % 8];
    int cols = 0;
    size_t n = strlen(s);
    if (n > 120) n = 120;
    memcpy(out, s, n);
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) cols++;
    while (cols < width && n < sizeof pool[0] - 1) {
        out[n++] = ' ';
        cols++;
    }
    out[n] = '\0';
    return out;
}

static void free_latency(latency_t *lat) {
    for (int i = 0; i < 2; i++) {
        free(lat->ev[i]);
        free(lat->al[i]);
    }
}

int main(int argc, char **argv) {
    static score_result_t scoring[N_SIZES];
    static city_result_t cities[N_SIZES];
    year_result_t year;
    const char *tmpdir = getenv("TMPDIR");
    char path[PATH_MAX + 64];
    const scheme_t *scheme;
    column_t cols[RULES_MAX_ITEMS * RULES_MAX_CONTENTS * 2];
    int zmaj, zmin, zpat;
    int64_t t_start = bench_now_ns();

    if (argc < 2 || argc > 3 || argv[1][0] == '-') {
        fprintf(stderr,
                "usage: %s BIN_DIR [EXAMPLES_DIR]\n"
                "  BIN_DIR       the folder with yuebao-aggregator and yuebao-scorer (make bench\n"
                "                passes build/bin)\n"
                "  EXAMPLES_DIR  the sample city's folder (default: examples/sample-city, found by\n"
                "                walking up from BIN_DIR)\n",
                argv[0]);
        return 2;
    }
    setenv("YUEBAO_LOG", "warn", 0); /* this process: no "schema migrated" chatter */
    unsetenv("YUEBAO_NOW");          /* the aggregator's clock: 2017-06 is not in the future */
    bench_init("bench_score", cleanup);

    find_examples(argv[1], argc > 2 ? argv[2] : NULL);
    if (snprintf(path, sizeof path, "%s/yuebao-bench-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp") > 80)
        bench_fail("TMPDIR is too long for an ipc:// endpoint; set TMPDIR to a shorter folder");
    if (!mkdtemp(path)) bench_fail("cannot make a scratch folder under TMPDIR: %s", strerror(errno));
    memcpy(B.tmp, path, strlen(path) + 1);
    scheme = load_sample();
    zmq_version(&zmaj, &zmin, &zpat);

    printf("yuebao scoring benchmark (DESIGN §8): scoring, recompute and report → alert latency\n"
           "beside the raw ceilings of the same work\n");
    printf("  scheme    the sample city's scheme-%d.csv: %zu items in %zu dimensions, %zu scored columns\n"
           "            (content × part) over its %zu indicators\n",
           YEAR, scheme->n_items, scheme->n_dims, scheme_columns(scheme, cols, sizeof cols / sizeof cols[0]),
           B.master->n_indicators);
    printf("  zones     synthetic, %zu counties, every zone reporting %s with every value (fixed seed)\n",
           (size_t)N_COUNTIES, PERIOD);
    printf("  machine   %ld CPUs; SQLite %s, ZeroMQ %d.%d.%d\n", sysconf(_SC_NPROCESSORS_ONLN),
           sqlite3_libversion(), zmaj, zmin, zpat);
    printf("  scratch   a folder under %s (%s), removed at exit\n", tmpdir && *tmpdir ? "$TMPDIR" : "/tmp",
           bench_fs_name(B.tmp, NULL));
    fflush(stdout);

    /* 1. */
    printf("\n1. score_period against the number of zones: median of many calls, interleaved with\n"
           "   its ceiling - the same min/max and multiply-adds as a naive loop over the same\n"
           "   matrix, then a qsort of the totals (its totals are checked against score_period's)\n\n");
    printf("   %7s  %12s  %12s  %12s  %8s  %8s\n", "zones", "score_period", "ceiling", "(its qsort)", "ratio",
           "calls");
    for (size_t i = 0; i < N_SIZES; i++) {
        score_result_t *s = &scoring[i];
        bench_scoring(scheme, SIZES[i], s);
        printf("   %7s  %12s  %12s  %12s  %8s  %8zu\n", bench_grouped((double)SIZES[i]), ms(s->score_ms),
               ms(s->ceiling_ms), ms(s->sort_ms), bench_ratio(s->score_ms, s->ceiling_ms), s->runs);
        fflush(stdout);
    }

    /* 2. (and 3. in the smaller cities) */
    printf("\n2. Full recompute: the real yuebao-scorer's start-up pass over a store the real\n"
           "   yuebao-aggregator filled with one period (%s) for every zone; ceiling: a plain\n"
           "   SQLite read of the same value rows (median of %d)\n\n",
           PERIOD, READ_RUNS);
    printf("   %7s  %10s  %10s  %12s  %8s  %8s  %8s  %10s  %8s\n", "zones", "fill", "pass 1", "SQLite read",
           "ratio", "alerts", "ranked", "scorer RSS", "restart");
    for (size_t i = 0; i < N_SIZES; i++) {
        recompute_result_t *r = &cities[i].rec;
        char fill[32], rss[32];
        run_city(argv[1], SIZES[i], &cities[i]);
        snprintf(fill, sizeof fill, "%s/s", bench_grouped((double)SIZES[i] / r->fill_s));
        snprintf(rss, sizeof rss, "%.1f MB", (double)r->rss_kb / 1024);
        printf("   %7s  %10s  %10s  %12s  %8s  %8s  %8s  %10s  %8s\n", bench_grouped((double)SIZES[i]), fill,
               whole_ms(r->pass_ms), ms(r->read_ms), bench_ratio(r->pass_ms, r->read_ms),
               bench_grouped((double)r->transitions), bench_grouped((double)r->ranked),
               r->rss_kb >= 0 ? rss : "unknown", r->restarted ? whole_ms(r->restart_ms) : "");
        fflush(stdout);
    }
    printf("\n   fill: reports/s into the aggregator (10 DEALERs, %d in flight each). pass 1: the\n"
           "   scorer's own figure, whole ms: read the store, score and rank, judge stars, targets\n"
           "   and deadlines, write the score store, publish. alerts: the transitions that pass\n"
           "   raised (a fresh score store, so every alert firing is new). ranked: rows of the\n"
           "   stored ranking, one per zone. scorer RSS: VmHWM before SIGTERM. restart: the\n"
           "   start-up pass of the scorer started again on the score store pass 1 left (the\n"
           "   largest city only), which finds nothing to change and must change nothing.\n",
           WINDOW);
    printf("   Scoring itself (score_period, part 1) is %.1f%% of pass 1 at %s zones: the pass's\n"
           "   time goes to judging targets and to writing and publishing what it decided.\n",
           100.0 * scoring[N_SIZES - 1].score_ms / fmax(1, cities[N_SIZES - 1].rec.pass_ms),
           bench_grouped((double)SIZES[N_SIZES - 1]));

    /* 3. */
    printf("\n3. Report accepted → alert published, scorer coalesce_ms=0: %d revisions of one zone's\n"
           "   %s report, one at a time, each flipping its 固定资产投资 pace alert (firing,\n"
           "   resolved, …; %d more sent first, not counted). From the aggregator's event to\n"
           "   the scorer's alert, as two SUBs receive them; ceiling: the relay (1)\n\n",
           LAT_SENDS, PERIOD, LAT_WARMUP);
    printf("   %s %10s %10s   %s\n", pad("", 46), "p50", "p99", "ratio p50");
    for (size_t i = 0; i < N_SIZES; i++) {
        latency_t *lat = &cities[i].lat;
        hop_t *hop = &cities[i].hop;
        char what[96];
        if (!cities[i].has_latency) continue;
        snprintf(what, sizeof what, "%s zones: event received → alert received",
                 bench_grouped((double)SIZES[i]));
        printf("   %s %10s %10s   %s\n", pad(what, 46), ms(bench_quantile(lat->acc_alert, lat->n, 0.50)),
               ms(bench_quantile(lat->acc_alert, lat->n, 0.99)),
               bench_ratio(bench_quantile(lat->acc_alert, lat->n, 0.50),
                           bench_quantile(hop->relay, LAT_SENDS, 0.50)));
        printf("   %s %10s %10s\n", pad("  ceiling: ZeroMQ relay of the same bytes (1)", 46),
               ms(bench_quantile(hop->relay, LAT_SENDS, 0.50)),
               ms(bench_quantile(hop->relay, LAT_SENDS, 0.99)));
        printf("   %s %10s %10s\n", pad("  ZeroMQ PUB → SUB hop of the event bytes", 46),
               ms(bench_quantile(hop->hop, LAT_SENDS, 0.50)), ms(bench_quantile(hop->hop, LAT_SENDS, 0.99)));
        printf("   %s %10s %10s\n", pad("  report sent → alert received", 46),
               ms(bench_quantile(lat->send_alert, lat->n, 0.50)),
               ms(bench_quantile(lat->send_alert, lat->n, 0.99)));
        printf("   %s %10s %10s\n", pad("  report sent → Ack (commit and fsync)", 46),
               ms(bench_quantile(lat->send_ack, lat->n, 0.50)),
               ms(bench_quantile(lat->send_ack, lat->n, 0.99)));
        if (lat->other_alerts) printf("   (%zu other alerts were published meanwhile)\n", lat->other_alerts);
    }
    for (size_t i = 0; i < N_SIZES; i++)
        if (cities[i].has_latency) {
            const latency_t *lat = &cities[i].lat;
            printf("\n   (1) a PUB sends the event's %zu bytes; a relay thread with a ZeroMQ context of\n"
                   "       its own receives them on a SUB and publishes the alert's %zu bytes on a PUB;\n"
                   "       the time from the event's arrival to the alert's. Above it, every event\n"
                   "       costs the scorer one incremental pass: the period re-read, re-scored and\n"
                   "       re-ranked, its ranking written and published (one row per zone), and every\n"
                   "       zone's targets for the year judged again, before the alert goes out.\n",
                   lat->ev_len[0] + lat->ev_len[1], lat->al_len[0] + lat->al_len[1]);
            break;
        }

    /* 4. */
    printf("\n4. Peak RSS at a city's year: %s zones x the %d periods of %d (%d-02 .. %d-12, January\n"
           "   merged into February: twelve months), %s reports filled into the real aggregator,\n"
           "   then the real scorer's start-up pass over the whole year (reporting_since=%d-02);\n"
           "   VmHWM of each before SIGTERM\n\n",
           bench_grouped(YEAR_ZONES), YEAR_PERIODS, YEAR, YEAR, YEAR,
           bench_grouped((double)YEAR_ZONES * YEAR_PERIODS), YEAR);
    fflush(stdout);
    run_year(argv[1], &year);
    printf("   fill %s reports/s; scorer pass 1 %s ms; peak RSS aggregator %.1f MiB, scorer %.1f MiB\n",
           bench_grouped(year.fill_rps), year.pass_ms >= 0 ? bench_grouped(year.pass_ms) : "unknown",
           (double)year.agg_kb / 1024, (double)year.scorer_kb / 1024);

    /* The summary. */
    printf("\nSummary:\n\n");
#define ROW(fig, meas, ceil, name, r)                                                                        \
    printf("%s %-12s %-12s %s %s\n", pad(fig, 34), meas, ceil, pad(name, 38), r)
    ROW("figure", "measured", "ceiling", "the ceiling is", "ratio");
    ROW("------", "--------", "-------", "--------------", "-----");
    for (size_t i = 0; i < N_SIZES; i++) {
        char fig[64];
        snprintf(fig, sizeof fig, "score_period, %s zones", bench_grouped((double)SIZES[i]));
        ROW(fig, ms(scoring[i].score_ms), ms(scoring[i].ceiling_ms), "naive min/max + multiply-add, qsort",
            bench_ratio(scoring[i].score_ms, scoring[i].ceiling_ms));
    }
    for (size_t i = 0; i < N_SIZES; i++) {
        const recompute_result_t *r = &cities[i].rec;
        char fig[64];
        snprintf(fig, sizeof fig, "full recompute, %s zones", bench_grouped((double)SIZES[i]));
        ROW(fig, whole_ms(r->pass_ms), ms(r->read_ms), "SQLite read of the value rows",
            bench_ratio(r->pass_ms, r->read_ms));
        if (r->restarted) {
            snprintf(fig, sizeof fig, "restart pass, %s zones", bench_grouped((double)SIZES[i]));
            ROW(fig, whole_ms(r->restart_ms), ms(r->read_ms), "SQLite read of the value rows",
                bench_ratio(r->restart_ms, r->read_ms));
        }
    }
    for (size_t i = 0; i < N_SIZES; i++) {
        latency_t *lat = &cities[i].lat;
        hop_t *hop = &cities[i].hop;
        char fig[64];
        double q[2] = {0.50, 0.99};
        if (!cities[i].has_latency) continue;
        for (int k = 0; k < 2; k++) {
            double m = bench_quantile(lat->acc_alert, lat->n, q[k]),
                   c = bench_quantile(hop->relay, LAT_SENDS, q[k]);
            snprintf(fig, sizeof fig, "accepted → alert p%.0f, %s zones", q[k] * 100,
                     bench_grouped((double)SIZES[i]));
            ROW(fig, ms(m), ms(c), "ZeroMQ relay of the same bytes", bench_ratio(m, c));
        }
    }
    {
        char m[32], fig[64];
        const recompute_result_t *r = &cities[N_SIZES - 1].rec;
        snprintf(m, sizeof m, "%.1f MB", (double)r->rss_kb / 1024);
        snprintf(fig, sizeof fig, "peak RSS scorer, %s zones", bench_grouped((double)SIZES[N_SIZES - 1]));
        printf("%s %-12s %-12s %s\n", pad(fig, 34), r->rss_kb >= 0 ? m : "unknown", "",
               "VmHWM before SIGTERM");
    }
    {
        char m[32];
        snprintf(m, sizeof m, "%.1f MiB", (double)year.agg_kb / 1024);
        printf("%s %-12s %-12s %s\n", pad("peak RSS aggregator, 10 000 x 12", 34), m, "", "VmHWM, a year filled");
        snprintf(m, sizeof m, "%.1f MiB", (double)year.scorer_kb / 1024);
        printf("%s %-12s %-12s %s\n", pad("peak RSS scorer, 10 000 x 12", 34), m, "", "VmHWM after pass 1 of the year");
    }
#undef ROW
    printf("\nThe issue's goal, score_period on 10 000 zones within 50 ms: %s (%s).\n",
           scoring[N_SIZES - 1].score_ms <= 50 ? "met" : "not met", ms(scoring[N_SIZES - 1].score_ms));
    {
        /* issue 17's goals beside what this run measured */
        const recompute_result_t *big = &cities[N_SIZES - 1].rec;
        latency_t *lat = NULL;
        double own = big->pass_ms - big->read_ms;
        for (size_t i = 0; i < N_SIZES; i++)
            if (SIZES[i] == 1000 && cities[i].has_latency) lat = &cities[i].lat;
        printf("\nGoals (issue 17)                                   goal          measured       met\n");
        printf("  full pass, 10 000 zones, own work beyond the read  <= 50 ms      %-14s %s\n", ms(own),
               own <= 50 ? "yes" : "no");
        printf("  full pass, 10 000 zones / plain read               <= 2 x        %-14s %s\n",
               bench_ratio(big->pass_ms, big->read_ms), big->pass_ms <= 2 * big->read_ms ? "yes" : "no");
        if (lat) {
            double p50 = bench_quantile(lat->acc_alert, lat->n, 0.50),
                   p99 = bench_quantile(lat->acc_alert, lat->n, 0.99);
            printf("  accepted -> alert p50, 1 000 zones                 <= 5 ms       %-14s %s\n", ms(p50),
                   p50 <= 5 ? "yes" : "no");
            printf("  accepted -> alert p99, 1 000 zones                 <= 15 ms      %-14s %s\n", ms(p99),
                   p99 <= 15 ? "yes" : "no");
        }
        printf("  peak RSS aggregator, 10 000 zones x 12 months      <= 64 MiB     %-14.1f %s\n",
               (double)year.agg_kb / 1024, year.agg_kb <= 64 * 1024 ? "yes" : "no");
        printf("  peak RSS scorer, 10 000 zones x 12 months          <= 64 MiB     %-14.1f %s\n",
               (double)year.scorer_kb / 1024, year.scorer_kb <= 64 * 1024 ? "yes" : "no");
    }
    printf("The run took %.1f s.\n", (double)(bench_now_ns() - t_start) / 1e9);
    for (size_t i = 0; i < N_SIZES; i++)
        free_latency(&cities[i].lat);
    rules_destroy(&B.rules);
    master_destroy(&B.master);
    return 0;
}
