/* test_e2e_crash.c - the reliability contract (DESIGN §6) under crashes and outages.
 *
 * kill9: four county collectors deliver a few thousand synthetic reports while the
 * aggregator and the collectors are killed with SIGKILL at random moments and restarted
 * in the same folders (same store, same outboxes). Afterwards every report of every
 * file is in the store exactly once with the values of the file, every report that was
 * acknowledged before a kill is still there after it, no (zone, period, revision) is in
 * the history twice, and the outboxes are empty. The random delays come from a seed
 * printed on stderr; YUEBAO_CRASH_SEED=N replays one run.
 *
 * spool: the aggregator is down while the collector daemons take their files and spool
 * the reports into their outboxes (one collector is even killed and restarted); then
 * the aggregator starts and the outboxes drain, each report stored exactly once.
 *
 * The data are made up here: a master-data folder (the sample city's indicators, a
 * regions.csv of 4 counties × N zones) and one long-format CSV per county and period.
 * Under valgrind (YUEBAO_E2E_VALGRIND) the same tests run on less data.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "clock.h"

#define P(...) e2e_fmt(__VA_ARGS__)

#define N_COUNTIES 4
#define MAX_INDS 32
#define MAX_LOGS 64
#define N_PERIODS_ALL 16

static const char *const all_periods[N_PERIODS_ALL] = {
    "2016-02", "2016-03", "2016-04", "2016-05", "2016-06", "2016-07", "2016-08", "2016-09",
    "2016-10", "2016-11", "2016-12", "2017-02", "2017-03", "2017-04", "2017-05", "2017-06"};

typedef struct {
    char code[64];
    bool flow, ratio, growth;
} ind_t;

typedef struct {
    char county[16];
    char dir[300];
    char outbox[320];
    pid_t pid;
    char logs[MAX_LOGS][330]; /* the .err of every run */
    int n_logs;
} col_t;

/* The synthetic city: what was generated is what the store must hold. */
typedef struct {
    int n_zones, n_periods, n_inds, n_reports;
    ind_t inds[MAX_INDS];
    char master[300], gen[300], endpoint[320];
    col_t cols[N_COUNTIES];
    double *amount, *growth; /* [report * n_inds + indicator]; growth NAN when none */
} world_t;

static char dir[256];
static e2e_agg_t agg;
static world_t W;
/* [report]: acknowledged (in a collector's log); acknowledged before the last kill (in a
 * log, or settled in an outbox); seen in an outbox */
static unsigned char *acked, *acked_before, *in_outbox;

static void setup(void) {
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
    memset(&agg, 0, sizeof agg);
    memset(&W, 0, sizeof W);
}

static void store_free(void);

static void teardown(void) {
    e2e_cleanup();
    free(W.amount);
    free(W.growth);
    free(acked);
    free(acked_before);
    free(in_outbox);
    acked = acked_before = in_outbox = NULL;
    store_free();
}

TestSuite(e2e_crash, .init = setup, .fini = teardown, .timeout = 420);

/* ---- chance ------------------------------------------------------------------------ */

/* xorshift64*: the run is replayed from its seed whatever else calls rand(). */
static uint64_t rng_state;

static uint32_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

/* A number in [lo, hi]. */
static int rnd_between(int lo, int hi) {
    return hi <= lo ? lo : lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

static uint64_t pick_seed(void) {
    const char *env = getenv("YUEBAO_CRASH_SEED");
    if (env && *env) return strtoull(env, NULL, 10);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_sec * 1000003u) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20);
}

/* ---- the synthetic city ------------------------------------------------------------ */

static const char *county_code(int ci) {
    return P("4199%02d", ci + 1);
}

static int report_index(int ci, int zi, int pi) {
    return (ci * W.n_zones + zi) * W.n_periods + pi;
}

/* The report index of (zone, period), or -1 if it is none of ours. */
static int report_of(const char *zone, const char *period) {
    int c, z, used = 0, pi;
    if (!zone || !period || sscanf(zone, "c%dz%d%n", &c, &z, &used) != 2 || zone[used] != '\0') return -1;
    if (c < 1 || c > N_COUNTIES || z < 1 || z > W.n_zones) return -1;
    for (pi = 0; pi < W.n_periods; pi++)
        if (!strcmp(all_periods[pi], period)) return report_index(c - 1, z - 1, pi);
    return -1;
}

static int indicator_of(const char *code) {
    for (int k = 0; k < W.n_inds; k++)
        if (code && !strcmp(W.inds[k].code, code)) return k;
    return -1;
}

/* Splits a line of the sample's indicators.csv (no quoting) in place. */
static int split(char *line, char **f, int max) {
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        f[n++] = p;
        if (!(p = strchr(p, ','))) break;
        *p++ = '\0';
    }
    return n;
}

/* Reads the catalogue the tests share with the sample city (code first; kind and
 * has_growth counted from the end, so a comma in a name cannot shift them). */
static void load_indicators(const char *csv) {
    char *text = e2e_read_file(csv), *save = NULL;
    cr_assert_not_null(text, "cannot read %s", csv);
    W.n_inds = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[16];
        int n = split(line, f, 16);
        if (n < 7 || !strcmp(f[0], "code") || W.n_inds == MAX_INDS) continue;
        ind_t *ind = &W.inds[W.n_inds++];
        snprintf(ind->code, sizeof ind->code, "%s", f[0]);
        ind->flow = !strcmp(f[n - 3], "flow");
        ind->ratio = !strcmp(f[n - 3], "ratio");
        ind->growth = !strcmp(f[n - 1], "yes");
    }
    free(text);
    cr_assert_geq(W.n_inds, 5, "%s: too few indicators", csv);
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    cr_assert_geq(fputs(text, f), 0);
    cr_assert_eq(fclose(f), 0, "%s: %s", path, strerror(errno));
}

/* Makes the master data, one CSV per county and period in gen/, and the expected
 * values; the collectors' folders are <dir>/col<county>. */
static void make_world(int n_zones, int n_periods) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    W.n_zones = n_zones;
    W.n_periods = n_periods;
    W.n_reports = N_COUNTIES * n_zones * n_periods;
    snprintf(W.master, sizeof W.master, "%s/master", dir);
    snprintf(W.gen, sizeof W.gen, "%s/gen", dir);
    snprintf(W.endpoint, sizeof W.endpoint, "ipc://%s/agg.sock", dir);
    cr_assert_eq(mkdir(W.master, 0755), 0);
    cr_assert_eq(mkdir(W.gen, 0755), 0);
    cr_assert_eq(e2e_copy(e2e_sample("indicators.csv"), P("%s/indicators.csv", W.master)), 0);
    load_indicators(P("%s/indicators.csv", W.master));

    f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    fprintf(f, "county,county_name,zone,zone_name,lead_industries\n");
    for (int ci = 0; ci < N_COUNTIES; ci++)
        for (int zi = 0; zi < n_zones; zi++)
            fprintf(f, "%s,测试县%d,c%dz%02d,测试县%d第%d产业集聚区,电子信息\n", county_code(ci), ci + 1,
                    ci + 1, zi + 1, ci + 1, zi + 1);
    fclose(f);
    write_text(P("%s/regions.csv", W.master), buf);
    free(buf);

    W.amount = calloc((size_t)W.n_reports * (size_t)W.n_inds, sizeof *W.amount);
    W.growth = calloc((size_t)W.n_reports * (size_t)W.n_inds, sizeof *W.growth);
    acked = calloc((size_t)W.n_reports, 1);
    acked_before = calloc((size_t)W.n_reports, 1);
    in_outbox = calloc((size_t)W.n_reports, 1);
    cr_assert(W.amount && W.growth && acked && acked_before && in_outbox);
    for (int ci = 0; ci < N_COUNTIES; ci++) {
        col_t *c = &W.cols[ci];
        snprintf(c->county, sizeof c->county, "%s", county_code(ci));
        snprintf(c->dir, sizeof c->dir, "%s/col%s", dir, county_code(ci));
        snprintf(c->outbox, sizeof c->outbox, "%s/col%s/outbox.db", dir, county_code(ci));
        cr_assert_eq(mkdir(c->dir, 0755), 0);
        for (int pi = 0; pi < n_periods; pi++) {
            int year, month;
            cr_assert_eq(sscanf(all_periods[pi], "%d-%d", &year, &month), 2);
            buf = NULL;
            len = 0;
            f = open_memstream(&buf, &len);
            cr_assert_not_null(f);
            fprintf(f, "zone,period,indicator,amount,growth_pct\n");
            for (int zi = 0; zi < n_zones; zi++) {
                int g = ci * n_zones + zi, r = report_index(ci, zi, pi);
                for (int k = 0; k < W.n_inds; k++) {
                    const ind_t *ind = &W.inds[k];
                    char amount[64], growth[64] = "";
                    if (ind->flow) /* year to date: grows through the year */
                        snprintf(amount, sizeof amount, "%.2f",
                                 (1000.0 + 37 * g + 101 * k) * month / 12.0 * (year == 2017 ? 1.08 : 1.0));
                    else if (ind->ratio)
                        snprintf(amount, sizeof amount, "%.2f", 10.25 + (g * 7 + k * 3 + month) % 80);
                    else
                        snprintf(amount, sizeof amount, "%d", 5000 + 13 * g + 7 * k + month);
                    if (ind->growth) snprintf(growth, sizeof growth, "%.1f", (g + k + month) % 15 - 3.5);
                    fprintf(f, "c%dz%02d,%s,%s,%s,%s\n", ci + 1, zi + 1, all_periods[pi], ind->code, amount,
                            growth);
                    W.amount[(size_t)r * W.n_inds + k] = strtod(amount, NULL);
                    W.growth[(size_t)r * W.n_inds + k] = *growth ? strtod(growth, NULL) : NAN;
                }
            }
            fclose(f);
            write_text(P("%s/%s-%s.csv", W.gen, c->county, all_periods[pi]), buf);
            free(buf);
        }
    }
}

/* Drops county ci's file of period pi into its collector's inbox. */
static void drop_file(int ci, int pi) {
    const col_t *c = &W.cols[ci];
    const char *name = P("%s-%s.csv", c->county, all_periods[pi]);
    cr_assert_eq(e2e_drop(P("%s/%s", W.gen, name), P("%s/inbox", c->dir), name), 0, "cannot drop %s", name);
}

/* ---- the daemons -------------------------------------------------------------------- */

static void start_aggregator(void) {
    const char *extra[] = {"--set", P("master_dir=%s", W.master), NULL};
    int rc = e2e_agg_start(&agg, dir, W.endpoint, extra);
    cr_assert_eq(rc, 0, "the aggregator did not become ready:\n%s", e2e_tail(agg.err_log, 3000));
}

static void stop_aggregator(void) {
    int st = e2e_agg_stop(&agg);
    cr_assert_eq(st, 0, "the aggregator exited with %d; end of its log:\n%s", st,
                 e2e_tail(agg.err_log, 3000));
}

/* Starts county ci's collector daemon on the synthetic master data, in its folder (a
 * restart reopens its outbox); each run logs into a file of its own. */
static void start_collector(int ci) {
    col_t *c = &W.cols[ci];
    char log[320];
    cr_assert_lt(c->n_logs, MAX_LOGS, "too many collector restarts");
    if (c->n_logs == 0)
        snprintf(log, sizeof log, "%s/collector", c->dir);
    else
        snprintf(log, sizeof log, "%s/collector-%d", c->dir, c->n_logs + 1);
    snprintf(c->logs[c->n_logs], sizeof c->logs[0], "%s.err", log);
    c->pid = e2e_startl(log, e2e_bin("yuebao-collector"), "--insecure", "--set", P("county=%s", c->county),
                        "--set", P("master_dir=%s", W.master), "--set", P("aggregator=%s", W.endpoint),
                        "--set", P("outbox=%s", c->outbox), "--set", P("inbox=%s/inbox", c->dir), "--set",
                        P("done=%s/done", c->dir), "--set", P("rejected=%s/rejected", c->dir), "--set",
                        "settle_ms=100", "--set", P("retry_min_ms=%d", e2e_scaled_ms(250)), "--set",
                        P("retry_max_ms=%d", e2e_scaled_ms(1000)), NULL);
    cr_assert_gt(c->pid, 0, "cannot start the collector of %s", c->county);
    c->n_logs++;
    cr_assert_eq(e2e_wait_log(c->logs[c->n_logs - 1], "ready:", c->pid, e2e_scaled_ms(E2E_WAIT_MS)), 0,
                 "the collector of %s did not become ready:\n%s", c->county,
                 e2e_tail(c->logs[c->n_logs - 1], 3000));
}

static void stop_collector(int ci) {
    col_t *c = &W.cols[ci];
    int st = e2e_stop(c->pid, e2e_scaled_ms(10000));
    cr_assert_eq(st, 0, "the collector of %s exited with %d:\n%s", c->county, st,
                 e2e_tail(c->logs[c->n_logs - 1], 3000));
    c->pid = 0;
}

static void kill_collector(int ci) {
    e2e_kill(W.cols[ci].pid);
    W.cols[ci].pid = 0;
}

/* ---- reading the databases and the logs --------------------------------------------- */

typedef void (*row_fn)(sqlite3_stmt *st, void *arg);

/* Runs q on db opened read-only and calls fn for each row. The number of rows, or -1. */
static int each_row(const char *db, const char *q, row_fn fn, void *arg) {
    sqlite3 *conn = NULL;
    sqlite3_stmt *st = NULL;
    int rc, n = 0;
    if (sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "crash: open %s: %s\n", db, conn ? sqlite3_errmsg(conn) : "?");
        sqlite3_close(conn);
        return -1;
    }
    sqlite3_busy_timeout(conn, 10000);
    if (sqlite3_prepare_v2(conn, q, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "crash: %s: %s: %s\n", db, q, sqlite3_errmsg(conn));
        sqlite3_close(conn);
        return -1;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(st, arg);
        n++;
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "crash: %s: %s: %s\n", db, q, sqlite3_errmsg(conn));
        n = -1;
    }
    sqlite3_finalize(st);
    sqlite3_close(conn);
    return n;
}

static const char *col_text(sqlite3_stmt *st, int i) {
    return (const char *)sqlite3_column_text(st, i);
}

/* What the store holds, against what was generated. */
typedef struct {
    unsigned char *current; /* [report]: rows in `reports` (the primary key allows 0 or 1) */
    int *history;           /* [report]: rows in report_history */
    int *values;            /* [report]: rows in report_values */
    int n_current, stray, bad_revision;
    int n_history, dup_history; /* history rows beyond one per (zone, period, revision) */
    int value_mismatch;
    char first_problem[256];
} store_t;

static void note(store_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(store_t *s, const char *fmt, ...) {
    va_list ap;
    if (s->first_problem[0]) return;
    va_start(ap, fmt);
    vsnprintf(s->first_problem, sizeof s->first_problem, fmt, ap);
    va_end(ap);
}

static void on_current(sqlite3_stmt *st, void *arg) {
    store_t *s = arg;
    int r = report_of(col_text(st, 0), col_text(st, 1));
    if (r < 0) {
        s->stray++;
        note(s, "a report of unknown zone/period %s %s", col_text(st, 0), col_text(st, 1));
        return;
    }
    s->current[r]++;
    s->n_current++;
    if (sqlite3_column_int64(st, 2) != 1) {
        s->bad_revision++;
        note(s, "%s %s is at revision %s, expected 1", col_text(st, 0), col_text(st, 1), col_text(st, 2));
    }
}

static void on_history(sqlite3_stmt *st, void *arg) {
    store_t *s = arg;
    int r = report_of(col_text(st, 0), col_text(st, 1));
    int64_t n = sqlite3_column_int64(st, 3);
    s->n_history += (int)n;
    if (n > 1) {
        s->dup_history += (int)n - 1;
        note(s, "%s %s revision %s is in the history more than once", col_text(st, 0), col_text(st, 1),
             col_text(st, 2));
    }
    if (r < 0)
        s->stray++;
    else
        s->history[r] += (int)n;
}

static bool near(double a, double b) {
    return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b));
}

static void on_value(sqlite3_stmt *st, void *arg) {
    store_t *s = arg;
    int r = report_of(col_text(st, 0), col_text(st, 1)), k = indicator_of(col_text(st, 2));
    if (r < 0 || k < 0) {
        s->value_mismatch++;
        note(s, "a value row of unknown key %s %s %s", col_text(st, 0), col_text(st, 1), col_text(st, 2));
        return;
    }
    s->values[r]++;
    double want = W.amount[(size_t)r * W.n_inds + k], want_g = W.growth[(size_t)r * W.n_inds + k];
    bool has_g = sqlite3_column_type(st, 4) != SQLITE_NULL;
    if (!near(sqlite3_column_double(st, 3), want) || has_g != !isnan(want_g) ||
        (has_g && !near(sqlite3_column_double(st, 4), want_g))) {
        s->value_mismatch++;
        note(s, "%s %s %s: the stored value differs from the file", col_text(st, 0), col_text(st, 1),
             col_text(st, 2));
    }
}

static store_t S; /* the last store_read */

static void store_free(void) {
    free(S.current);
    free(S.history);
    free(S.values);
    memset(&S, 0, sizeof S);
}

/* Reads the store into S (with the values if values is set). */
static store_t *store_read(bool values) {
    store_t *s = &S;
    store_free();
    s->current = calloc((size_t)W.n_reports, 1);
    s->history = calloc((size_t)W.n_reports, sizeof *s->history);
    s->values = calloc((size_t)W.n_reports, sizeof *s->values);
    cr_assert(s->current && s->history && s->values);
    cr_assert_geq(each_row(agg.store, "SELECT zone, period, revision FROM reports", on_current, s), 0);
    cr_assert_geq(each_row(agg.store,
                           "SELECT zone, period, revision, count(*) FROM report_history "
                           "GROUP BY zone, period, revision",
                           on_history, s),
                  0);
    if (values)
        cr_assert_geq(each_row(agg.store,
                               "SELECT zone, period, indicator, amount, growth_pct FROM report_values",
                               on_value, s),
                      0);
    return s;
}

static void on_outbox_row(sqlite3_stmt *st, void *arg) {
    const char *status = col_text(st, 3);
    int r = report_of(col_text(st, 0), col_text(st, 1));
    (void)arg;
    cr_assert_geq(r, 0, "the outbox holds a report that was never generated: %s %s", col_text(st, 0),
                  col_text(st, 1));
    in_outbox[r] = 1;
    if (sqlite3_column_int64(st, 2) && status &&
        (!strcmp(status, "ACCEPTED") || !strcmp(status, "DUPLICATE")))
        acked_before[r] = 1; /* settled by an ack: it must be in the store */
}

/* Marks in in_outbox[] every report now in a running collector's outbox, and in
 * acked_before[] those an ACCEPTED or DUPLICATE ack has settled there. */
static void outbox_snapshot(void) {
    for (int ci = 0; ci < N_COUNTIES; ci++)
        if (W.cols[ci].pid > 0 && e2e_exists(W.cols[ci].outbox))
            cr_assert_geq(each_row(W.cols[ci].outbox, "SELECT zone, period, settled, status FROM outbox",
                                   on_outbox_row, NULL),
                          0);
}

typedef struct {
    int accepted, duplicate, refused; /* ack lines in the collectors' logs */
} acks_t;

/* Marks in mark[] every report a collector logged an ACCEPTED or DUPLICATE ack for: it
 * logs one only after the ack is settled in its outbox, and the aggregator sends one only
 * after COMMIT. Only complete lines count (a log may be read while it is written). */
static void read_acks(unsigned char *mark, acks_t *n) {
    memset(n, 0, sizeof *n);
    for (int ci = 0; ci < N_COUNTIES; ci++)
        for (int li = 0; li < W.cols[ci].n_logs; li++) {
            char *text = e2e_read_file(W.cols[ci].logs[li]), *line = text;
            while (line && *line) {
                char *nl = strchr(line, '\n'), *p, status[16], zone[64], period[16];
                unsigned rev;
                if (!nl) break;
                *nl = '\0';
                if ((p = strstr(line, ": info: ")) &&
                    sscanf(p + 8, "%15s %63s %15s rev %u", status, zone, period, &rev) == 4) {
                    int r = report_of(zone, period);
                    bool ok = !strcmp(status, "ACCEPTED") || !strcmp(status, "DUPLICATE");
                    if (r >= 0 && ok) mark[r] = 1;
                    if (!strcmp(status, "ACCEPTED")) n->accepted++;
                    if (!strcmp(status, "DUPLICATE")) n->duplicate++;
                    if (!strcmp(status, "REJECTED") || !strcmp(status, "STALE")) n->refused++;
                }
                line = nl + 1;
            }
            free(text);
        }
}

/* Waits until every collector has filed all its files and settled every report in its
 * outbox (settled rows are kept for the reconcile): each believes all its reports
 * delivered. Whether the store agrees is check_everything's. */
static void wait_drained(int timeout_ms, const char *seed_note) {
    int64_t deadline = clock_mono_ms() + timeout_ms;
    int64_t stored = 0;
    for (;;) {
        bool all = true;
        /* a daemon that died (a crash, or a signal from outside the test) cannot drain */
        cr_assert(e2e_alive(agg.pid), "the aggregator died while the outboxes drained (%s); its log:\n%s",
                  seed_note, e2e_tail(agg.err_log, 3000));
        for (int ci = 0; ci < N_COUNTIES; ci++)
            cr_assert(e2e_alive(W.cols[ci].pid),
                      "the collector of %s died while its outbox drained (%s):\n%s", W.cols[ci].county,
                      seed_note, e2e_tail(W.cols[ci].logs[W.cols[ci].n_logs - 1], 3000));
        for (int ci = 0; ci < N_COUNTIES && all; ci++) {
            const char *ob = W.cols[ci].outbox;
            if (e2e_sql_int(ob, "SELECT count(*) FROM outbox WHERE settled = 0") != 0 ||
                e2e_sql_int(ob, "SELECT count(*) FROM sources WHERE state = 'done'") != W.n_periods)
                all = false;
        }
        if (all) return;
        if (clock_mono_ms() >= deadline) break;
        e2e_sleep_ms(100);
    }
    stored = e2e_sql_int(agg.store, "SELECT count(*) FROM reports");
    for (int ci = 0; ci < N_COUNTIES; ci++) {
        const col_t *c = &W.cols[ci];
        fprintf(stderr, "crash: %s: %lld unsettled, %lld sources done; log:\n%s\n", c->county,
                (long long)e2e_sql_int(c->outbox, "SELECT count(*) FROM outbox WHERE settled = 0"),
                (long long)e2e_sql_int(c->outbox, "SELECT count(*) FROM sources WHERE state = 'done'"),
                e2e_tail(c->logs[c->n_logs - 1], 1500));
    }
    cr_assert_fail("not drained within %d ms: the store has %lld of %d reports (%s); aggregator log:\n%s",
                   timeout_ms, (long long)stored, W.n_reports, seed_note, e2e_tail(agg.err_log, 2000));
}

/* The counts the closing check is about. */
typedef struct {
    int lost, duplicates;
} verdict_t;

/* The store against what was generated, the acks and the outboxes, with the values. */
static verdict_t check_everything(const char *seed_note) {
    verdict_t v = {0, 0};
    int acked_lost = 0, outbox_lost = 0, wrong_values = 0, first = -1;
    const store_t *s = store_read(true);
    for (int r = 0; r < W.n_reports; r++) {
        if (!s->current[r]) {
            v.lost++;
            if (first < 0) first = r;
        }
        if ((acked[r] || acked_before[r]) && !s->current[r]) acked_lost++;
        if (in_outbox[r] && !s->current[r]) outbox_lost++;
        if (s->history[r] > 1) v.duplicates += s->history[r] - 1;
        if (s->values[r] != W.n_inds) wrong_values++;
    }
    v.duplicates += s->stray;
    cr_assert_eq(v.lost, 0, "%d of %d reports are not in the store (the first: report %d) (%s)", v.lost,
                 W.n_reports, first, seed_note);
    cr_assert_eq(acked_lost, 0, "%d acknowledged reports are not in the store (%s)", acked_lost, seed_note);
    cr_assert_eq(outbox_lost, 0, "%d reports seen in an outbox are not in the store (%s)", outbox_lost,
                 seed_note);
    cr_assert_eq(s->n_current, W.n_reports, "%d current reports, %d generated (%s)", s->n_current,
                 W.n_reports, seed_note);
    cr_assert_eq(s->stray, 0, "%d reports in the store that no file holds: %s (%s)", s->stray,
                 s->first_problem, seed_note);
    cr_assert_eq(s->bad_revision, 0, "%s (%s)", s->first_problem, seed_note);
    cr_assert_eq(s->dup_history, 0, "%d duplicate history rows: %s (%s)", s->dup_history, s->first_problem,
                 seed_note);
    cr_assert_eq(v.duplicates, 0, "%d reports applied more than once (%s)", v.duplicates, seed_note);
    cr_assert_eq(s->n_history, W.n_reports, "%d history rows for %d reports (%s)", s->n_history, W.n_reports,
                 seed_note);
    cr_assert_eq(wrong_values, 0, "%d reports without exactly %d values (%s)", wrong_values, W.n_inds,
                 seed_note);
    cr_assert_eq(s->value_mismatch, 0, "%d stored values differ from the files: %s (%s)", s->value_mismatch,
                 s->first_problem, seed_note);
    /* and SQL says the same, independently of the bookkeeping above */
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM (SELECT 1 FROM report_history GROUP BY zone, "
                                        "period, revision HAVING count(*) > 1)"),
                 0);
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM (SELECT 1 FROM report_history GROUP BY zone, "
                                        "period HAVING count(*) > 1)"),
                 0);
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM report_values"),
                 (int64_t)W.n_reports * W.n_inds);
    return v;
}

/* Every collector filed every file in done/ with a receipt, nothing was refused, and no
 * report is unsettled in the outbox (the settled ones are kept for the reconcile). */
static void check_collectors(void) {
    for (int ci = 0; ci < N_COUNTIES; ci++) {
        const col_t *c = &W.cols[ci];
        cr_assert_eq(e2e_count_files(P("%s/done", c->dir), ".receipt.txt"), W.n_periods,
                     "%s: not every file has its receipt in done/", c->county);
        cr_assert_eq(e2e_count_files(P("%s/done", c->dir), ".csv"), W.n_periods, "%s", c->county);
        cr_assert_eq(e2e_count_files(P("%s/rejected", c->dir), ""), 0, "%s: files were refused", c->county);
        cr_assert_eq(e2e_count_files(P("%s/inbox", c->dir), ".csv"), 0, "%s", c->county);
        int parked = e2e_count_files(P("%s/inbox/.sending", c->dir), ".csv");
        cr_assert(parked <= 0, "%s: %d files still in inbox/.sending", c->county, parked);
        cr_assert_eq(e2e_sql_int(c->outbox, "SELECT count(*) FROM outbox WHERE settled = 0"), 0,
                     "%s: the outbox holds unsettled reports", c->county);
        cr_assert_eq(e2e_sql_int(c->outbox, "SELECT count(*) FROM sources"), W.n_periods,
                     "%s: a file was taken more than once", c->county);
        cr_assert_eq(e2e_sql_int(c->outbox, "SELECT count(*) FROM sources WHERE state = 'done'"),
                     W.n_periods);
        char *receipt = e2e_read_file(P("%s/done/%s-%s.csv.receipt.txt", c->dir, c->county, all_periods[0]));
        cr_assert_not_null(receipt);
        cr_assert_not_null(strstr(receipt, P("c%dz01 %s revision 1", ci + 1, all_periods[0])), "receipt:\n%s",
                           receipt);
        free(receipt);
    }
}

/* ---- 1. SIGKILL at random moments ----------------------------------------------------- */

Test(e2e_crash, kill9) {
    bool vg = e2e_under_valgrind();
    int n_cycles = vg ? 6 : 10, n_zones = vg ? 12 : 32;
    uint64_t seed = pick_seed();
    char seed_note[64];
    int next_file = 0, n_files, per_cycle, collector_kills = 0, mid_flight = 0;
    int64_t t0 = clock_mono_ms();
    acks_t acks;

    rng_state = seed ? seed : 1;
    snprintf(seed_note, sizeof seed_note, "seed %llu", (unsigned long long)seed);
    fprintf(stderr, "crash: kill9 seed %llu (replay: YUEBAO_CRASH_SEED=%llu)%s\n", (unsigned long long)seed,
            (unsigned long long)seed, vg ? " under valgrind" : "");

    make_world(n_zones, N_PERIODS_ALL);
    n_files = N_COUNTIES * W.n_periods;
    per_cycle = (n_files + n_cycles - 1) / n_cycles;

    start_aggregator();
    for (int ci = 0; ci < N_COUNTIES; ci++)
        start_collector(ci);

    for (int cycle = 1; cycle <= n_cycles; cycle++) {
        /* this cycle's files, period by period, every county */
        for (int i = 0; i < per_cycle && next_file < n_files; i++, next_file++)
            drop_file(next_file % N_COUNTIES, next_file / N_COUNTIES);
        int64_t dropped = clock_mono_ms();
        int t_agg = e2e_scaled_ms(rnd_between(50, 500));
        int t_col = e2e_scaled_ms(rnd_between(0, 600));
        int victim = rnd_between(0, N_COUNTIES - 1);
        int down = e2e_scaled_ms(rnd_between(0, 400));
        bool col_first = t_col < t_agg;
        int64_t stored_at_kill = -1, pending_at_kill = 0;

        for (int step = 0; step < 2; step++) {
            bool kill_col = (step == 0) == col_first;
            int at = kill_col ? t_col : t_agg;
            int64_t wait = dropped + at - clock_mono_ms();
            if (wait > 0) e2e_sleep_ms((int)wait);
            if (kill_col) {
                kill_collector(victim);
                collector_kills++;
                continue;
            }
            /* what was acknowledged so far must survive this kill */
            read_acks(acked_before, &acks);
            outbox_snapshot();
            for (int ci = 0; ci < N_COUNTIES; ci++)
                if (W.cols[ci].pid > 0) {
                    int64_t n =
                        e2e_sql_int(W.cols[ci].outbox, "SELECT count(*) FROM outbox WHERE settled = 0");
                    if (n > 0) pending_at_kill += n;
                }
            stored_at_kill = e2e_sql_int(agg.store, "SELECT count(*) FROM reports");
            e2e_kill(agg.pid);
            agg.pid = 0;
        }
        if (pending_at_kill > 0) mid_flight++;
        e2e_sleep_ms(down);
        start_aggregator(); /* same folder: the same store */
        start_collector(victim);

        const store_t *s = store_read(false);
        int lost = 0;
        for (int r = 0; r < W.n_reports; r++)
            if (acked_before[r] && !s->current[r]) lost++;
        fprintf(stderr,
                "crash: cycle %d: %d files dropped; collector %s killed at +%d ms, aggregator at +%d ms "
                "(store had %lld reports, %lld unsettled in the outboxes), down %d ms; after the restart "
                "the store has %d, %d acknowledged before the kill are missing\n",
                cycle, next_file, W.cols[victim].county, t_col, t_agg, (long long)stored_at_kill,
                (long long)pending_at_kill, down, s->n_current, lost);
        cr_assert_eq(lost, 0, "%d acknowledged reports did not survive the SIGKILL of cycle %d (%s)", lost,
                     cycle, seed_note);
        cr_assert_eq(s->dup_history, 0, "cycle %d: %s (%s)", cycle, s->first_problem, seed_note);
    }
    while (next_file < n_files) {
        drop_file(next_file % N_COUNTIES, next_file / N_COUNTIES);
        next_file++;
    }

    wait_drained(e2e_scaled_ms(60000), seed_note);
    outbox_snapshot();
    read_acks(acked, &acks);
    cr_assert_eq(acks.refused, 0, "%d reports were refused (%s)", acks.refused, seed_note);
    verdict_t v = check_everything(seed_note);
    check_collectors();
    for (int ci = 0; ci < N_COUNTIES; ci++)
        stop_collector(ci);
    stop_aggregator();

    fprintf(stderr,
            "crash: kill cycles=%d reports=%d lost=%d duplicates=%d (collector kills=%d, kills with reports "
            "in flight=%d, acks ACCEPTED=%d DUPLICATE=%d, seed %llu, %.1f s%s)\n",
            n_cycles, W.n_reports, v.lost, v.duplicates, collector_kills, mid_flight, acks.accepted,
            acks.duplicate, (unsigned long long)seed, (clock_mono_ms() - t0) / 1000.0,
            vg ? ", valgrind" : "");
}

/* ---- 2. the aggregator down: the collectors spool, then drain ------------------------ */

Test(e2e_crash, spool) {
    bool vg = e2e_under_valgrind();
    int n_zones = vg ? 8 : 16;
    int64_t t0 = clock_mono_ms();
    acks_t acks;

    make_world(n_zones, N_PERIODS_ALL);
    snprintf(agg.store, sizeof agg.store, "%s/store.db", dir); /* where it will be */

    /* the central office is down: every county's files go into its outbox */
    for (int ci = 0; ci < N_COUNTIES; ci++)
        start_collector(ci);
    for (int pi = 0; pi < W.n_periods; pi++)
        for (int ci = 0; ci < N_COUNTIES; ci++)
            drop_file(ci, pi);
    int per_county = W.n_zones * W.n_periods;
    for (int ci = 0; ci < N_COUNTIES; ci++) {
        const col_t *c = &W.cols[ci];
        int64_t n = e2e_sql_wait(c->outbox, per_county, e2e_scaled_ms(20000),
                                 "SELECT count(*) FROM outbox WHERE settled = 0");
        cr_assert_eq(n, per_county, "%s: %lld reports spooled, expected %d; log:\n%s", c->county,
                     (long long)n, per_county, e2e_tail(c->logs[c->n_logs - 1], 3000));
        cr_assert_eq(e2e_sql_wait(c->outbox, W.n_periods, e2e_scaled_ms(5000),
                                  "SELECT count(*) FROM sources WHERE state = 'sending'"),
                     W.n_periods);
    }
    outbox_snapshot();
    for (int r = 0; r < W.n_reports; r++)
        cr_assert(in_outbox[r], "report %d was never spooled", r);

    /* a power cut at one county office while it waits: the spool survives, nothing is
     * queued twice */
    kill_collector(0);
    start_collector(0);
    cr_assert_eq(e2e_sql_int(W.cols[0].outbox, "SELECT count(*) FROM outbox"), per_county);
    cr_assert_eq(e2e_sql_int(W.cols[0].outbox, "SELECT count(*) FROM sources"), W.n_periods);
    cr_assert_not_null(strstr(e2e_tail(W.cols[0].logs[W.cols[0].n_logs - 1], 3000), "waiting from before"),
                       "the restarted collector should resume its outbox:\n%s",
                       e2e_tail(W.cols[0].logs[W.cols[0].n_logs - 1], 3000));
    e2e_sleep_ms(e2e_scaled_ms(300));
    for (int ci = 0; ci < N_COUNTIES; ci++) {
        cr_assert(e2e_alive(W.cols[ci].pid), "the collector of %s died while the aggregator was down",
                  W.cols[ci].county);
        cr_assert_eq(e2e_count_files(P("%s/done", W.cols[ci].dir), ""), 0,
                     "nothing can be delivered while the aggregator is down");
        cr_assert_eq(e2e_count_files(P("%s/inbox/.sending", W.cols[ci].dir), ".csv"), W.n_periods);
    }
    cr_assert(!e2e_exists(agg.store), "no store can exist before the aggregator first runs");

    /* the central office comes up: every outbox drains into the store */
    start_aggregator();
    wait_drained(e2e_scaled_ms(60000), "spool");
    read_acks(acked, &acks);
    cr_assert_eq(acks.refused, 0);
    cr_assert_eq(acks.accepted, W.n_reports, "%d ACCEPTED acks for %d reports", acks.accepted, W.n_reports);
    verdict_t v = check_everything("spool");
    check_collectors();
    for (int ci = 0; ci < N_COUNTIES; ci++)
        stop_collector(ci);
    stop_aggregator();
    fprintf(stderr,
            "crash: spool reports=%d lost=%d duplicates=%d (acks ACCEPTED=%d DUPLICATE=%d, %.1f s%s)\n",
            W.n_reports, v.lost, v.duplicates, acks.accepted, acks.duplicate, (clock_mono_ms() - t0) / 1000.0,
            vg ? ", valgrind" : "");
}
