/* bench_ingest.c - durable ingest beside the raw ceilings of the same work (DESIGN §8).
 *
 * What it measures, in one run on one machine:
 *
 *   1. Durable ingest. The real yuebao-aggregator (a child process, --insecure on ipc://,
 *      no PUB) receives 10 000 reports from 10 collectors - 10 DEALER sockets, one per
 *      county (routing id "c:<county>:<n>"), each keeping a window of 64 reports in
 *      flight, all driven from one thread - and acks each only after its group commit
 *      (WAL, synchronous=FULL). Reports/s and values/s over the wall time from the first
 *      send to the last ack; ack latency p50/p99 under that load; the aggregator's CPU
 *      time over that wall time (near 100% means it is CPU-bound, not waiting on fsync).
 *      Every ack must be ACCEPTED and the store must hold every report afterwards.
 *   2. The ceilings: the same work with the rest of yuebao taken away.
 *        SQLite     rstore_apply() of the same reports into a fresh store, in arrival
 *                   order (the aggregator's own write path, with the canonical content
 *                   computed per report as the aggregator does it): one transaction per
 *                   500 reports, and one per the aggregator's mean group commit; and a
 *                   bare prepared INSERT of only the value rows, 500 reports per txn.
 *        ZeroMQ     DEALER/ROUTER echo of the same encoded bytes over ipc://, the same
 *                   10 clients x 64 in flight, a ROUTER thread echoing each at once.
 *        protobuf   codec_decode() of the same encoded reports in a loop, and protobuf-c's
 *                   bare unpack of them (how much of decoding is codec's checks).
 *   3. Peak RSS (VmHWM) of the aggregator, read just before it is stopped, and of this
 *      process.
 *   4. Durable ingest over CURVE: the same work, but the aggregator started as in
 *      production - without --insecure, with a server key and an authorized_keys file
 *      listing one client key per bench county - on tcp://127.0.0.1:<free port>, and
 *      each of the 10 DEALERs made by sock_dealer() with a sock_security_t loaded (as
 *      the collector loads it) from its county's key pair and the server's public key.
 *      Its ceiling is the same run with --insecure on the same kind of loopback TCP
 *      endpoint, so the ratio is what CURVE (encryption, the handshake, ZAP) costs, not
 *      ipc:// versus TCP. Every ack ACCEPTED and every report stored, as in 1; with CURVE
 *      the aggregator takes each report's county from the ZAP User-Id, so an ACCEPTED
 *      also proves the key was mapped to the right county.
 * The whole is repeated in 5 rounds - a fresh aggregator on a fresh store, then every
 * ceiling - printed round by round, and the table shows the medians: a shared machine
 * is noisy, and interleaving moves a figure and its ceilings alike. The CURVE run and
 * its plain-TCP ceiling are made in the first 4 rounds only (two more aggregator runs
 * a round would more than double the bench's time), back to back, taking turns at
 * going first; besides the ratio of their medians the table gives the median of the
 * per-round ratios, which the machine's drift moves less.
 *
 * Why: the store is expected to be the ceiling, and where under it we land is decided
 * by the choice of key and batching. Printing each figure as a ratio to the ceiling of
 * the same work says whether a change to yuebao moved us, or the machine did. This is a
 * measurement, never a test: nothing here asserts on timing. It fails (exit 1) only when
 * the work itself went wrong - a report not ACCEPTED, a missing ack, a store that does
 * not hold what was acked - because then the figures would mean nothing.
 *
 * Workload: counties 900001..900010 with 100 zones each (z0001..z1000), the 14
 * indicators of examples/sample-city/indicators.csv (14 values per report: no invented
 * indicators), periods 2016-02..2016-11 arriving month by month (every zone's 2016-02,
 * then 2016-03, ...), amounts valid and plausible (year-to-date flows that never fall,
 * percentages within 0..100, growth only where the indicator has it). Generated from a
 * fixed seed, so every run stores the same figures; only the message ids are random.
 *
 * Usage: bench_ingest BIN_DIR [EXAMPLES_DIR]
 *   BIN_DIR       the folder with yuebao-aggregator (make bench passes build/bin)
 *   EXAMPLES_DIR  folder with indicators.csv; by default examples/sample-city is found
 *                 by walking up from BIN_DIR.
 * The scratch folder is made under $TMPDIR (default /tmp) and removed at exit. If that
 * is a tmpfs, fsync costs nothing and the durable figures are flattered: the bench says
 * so; point TMPDIR at a real disk. YUEBAO_NOW is ignored (unset): the 2016 periods must
 * not be "in the future".
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <protobuf-c/protobuf-c.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "bench.h"
#include "wire.h"
#include "clock.h"
#include "codec.h"
#include "diag.h"
#include "keys.h"
#include "master.h"
#include "period.h"
#include "report.h"
#include "rstore.h"
#include "sock.h"
#include "sstore.h"
#include "yuebao.pb-c.h"

#define N_COUNTIES 10
#define ZONES_PER_COUNTY 100
#define N_PERIODS 10 /* 2016-02 .. 2016-11 */
#define YEAR 2016
#define FIRST_MONTH 2
#define PER_CLIENT (ZONES_PER_COUNTY * N_PERIODS) /* 1 000 reports per collector */
#define N_REPORTS (N_COUNTIES * PER_CLIENT)
#define WINDOW 64              /* reports in flight per collector */
#define TXN_REPORTS 500        /* reports per transaction in the SQLite ceilings */
#define REPLY_TIMEOUT_MS 15000 /* no reply for this long: something is broken */
#define READY_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS 10000
#define DECODE_MIN_NS 200000000LL /* run each decode loop at least this long */
#define RUNS 5                    /* every figure is the median of this many rounds */
#define CURVE_RUNS 4              /* the CURVE figure and its plain-TCP ceiling: the first this many rounds */

/* One pre-encoded report: the bytes a collector sends, and their message id. */
typedef struct {
    uint8_t *buf;
    size_t len;
    uint8_t id[MSG_ID_LEN];
} wire_t;

/* Everything the run owns, so the exit handler can clean up whatever exists. */
static struct {
    char tmp[PATH_MAX]; /* scratch folder, "" when none */
    pid_t agg;          /* running aggregator, 0 when none */
    master_t *master;
    report_t reports[N_COUNTIES][PER_CLIENT]; /* [county][period * ZONES_PER_COUNTY + zone] */
    wire_t wire[N_COUNTIES][PER_CLIENT];
    /* CURVE (make_keys): the aggregator's secret key file and authorized_keys, and each
     * collector's security as the collector itself loads it */
    char server_key[PATH_MAX + 64], authorized[PATH_MAX + 32];
    sock_security_t sec[N_COUNTIES];
    /* the live viewers' runs (viewers_run): the aggregator publishes there, yuebao-web
     * runs, and each report's ack time is kept to time its event at the viewers */
    char publish[PATH_MAX + 32], snapshot[PATH_MAX + 32];
    pid_t web;
    int64_t ack_ns[N_COUNTIES][PER_CLIENT];
} B;

/* How the collectors reach the aggregator in a durable run. */
typedef enum {
    VIA_IPC,   /* --insecure on ipc:// (the durable ingest figure) */
    VIA_TCP,   /* --insecure on tcp://127.0.0.1:<free port> (CURVE's ceiling) */
    VIA_CURVE, /* CURVE on tcp://127.0.0.1:<free port>, authorized_keys, ZAP */
    N_VIA
} via_t;

static const char *const via_name[N_VIA] = {"ipc", "tcp", "curve"};

/* --- small helpers ------------------------------------------------------------------ */

/* At exit, and on Ctrl-C or SIGTERM (bench_init): no aggregator left running, no scratch
 * folder left behind. */
static void cleanup(void) {
    if (B.web > 0) {
        kill(B.web, SIGKILL);
        waitpid(B.web, NULL, 0);
        B.web = 0;
    }
    if (B.agg > 0) {
        kill(B.agg, SIGKILL);
        waitpid(B.agg, NULL, 0);
        B.agg = 0;
    }
    if (B.tmp[0]) {
        bench_remove_tree(B.tmp);
        B.tmp[0] = '\0';
    }
}

/* The workload's generator, from a fixed seed: the same figures on every run. */
static bench_rng_t rng = {20160201};

static void county_code(int c, char out[16]) {
    snprintf(out, 16, "%d", 900001 + c);
}

static void zone_code(int c, int z, char out[16]) {
    snprintf(out, 16, "z%04d", c * ZONES_PER_COUNTY + z + 1);
}

/* CPU time (user + system) that pid has used so far, in seconds; -1 if unknown. */
static double proc_cpu_s(pid_t pid) {
    char path[64], buf[1024], *p;
    unsigned long long utime, stime;
    size_t n;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "r"))) return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* after "pid (comm)": state is field 3, utime 14, stime 15 */
    if (!(p = strrchr(buf, ')')) ||
        sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of v[0..n) in ms; sorts v. */
static double quantile_ms(int64_t *v, size_t n, double q) {
    if (n == 0) return 0;
    qsort(v, n, sizeof *v, cmp_i64);
    return (double)v[(size_t)(q * (double)(n - 1) + 0.5)] / 1e6;
}

/* --- the workload ------------------------------------------------------------------- */

/* examples/sample-city/indicators.csv: EXAMPLES_DIR if given, else found by walking up
 * from BIN_DIR (build/bin, or build/san/bin with BUILD=build/san). */
static void find_indicators(const char *bin_dir, const char *examples_dir, char *out, size_t size) {
    char dir[PATH_MAX];
    if (examples_dir) {
        snprintf(out, size, "%s/indicators.csv", examples_dir);
        if (access(out, R_OK) == 0) return;
        snprintf(out, size, "%s/examples/sample-city/indicators.csv", examples_dir);
        if (access(out, R_OK) == 0) return;
        bench_fail("no indicators.csv in %s (nor in %s/examples/sample-city)", examples_dir, examples_dir);
    }
    if (!realpath(bin_dir, dir)) bench_fail("BIN_DIR %s: %s", bin_dir, strerror(errno));
    for (;;) {
        char *slash;
        int n = snprintf(out, size, "%s/examples/sample-city/indicators.csv", dir);
        if (n > 0 && (size_t)n < size && access(out, R_OK) == 0) return;
        slash = strrchr(dir, '/');
        if (!slash || slash == dir) break;
        *slash = '\0';
    }
    bench_fail("cannot find examples/sample-city/indicators.csv above %s; pass the folder as the "
               "second argument",
               bin_dir);
}

/* regions.csv with 10 counties x 100 zones, and the sample city's indicator catalogue. */
static void write_master(const char *indicators_src) {
    char path[PATH_MAX + 32], cc[16], zc[16];
    diag_list_t dl = {0};
    FILE *f;
    snprintf(path, sizeof path, "%s/regions.csv", B.tmp);
    if (!(f = fopen(path, "w"))) bench_fail("cannot write %s: %s", path, strerror(errno));
    fprintf(f, "county,county_name,zone,zone_name,lead_industries\n");
    for (int c = 0; c < N_COUNTIES; c++)
        for (int z = 0; z < ZONES_PER_COUNTY; z++) {
            county_code(c, cc);
            zone_code(c, z, zc);
            fprintf(f, "%s,基准县%02d,%s,基准产业集聚区%04d,电子电器;新材料\n", cc, c + 1, zc,
                    c * ZONES_PER_COUNTY + z + 1);
        }
    if (fclose(f) != 0) bench_fail("cannot write %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/indicators.csv", B.tmp);
    bench_copy_file(indicators_src, path, NULL);

    B.master = master_load(B.tmp, &dl);
    if (!B.master) {
        char line[1024];
        for (size_t i = 0; i < dl.n; i++) {
            diag_format(&dl.items[i], line, sizeof line);
            fprintf(stderr, "  %s\n", line);
        }
        bench_fail("the generated master data does not load");
    }
    diag_clear(&dl);
}

/* How one zone's indicator behaves over the year: a level fixed per zone and a small
 * jitter per month. */
typedef struct {
    double level, growth, jitter[N_PERIODS];
} profile_t;

static void make_profile(const indicator_t *ind, profile_t *pr) {
    double u = bench_rng_u(&rng);
    if (ind->kind == KIND_FLOW)
        pr->level = pow(10, 3 + 3 * u); /* 1 000 .. 1 000 000 万元 a year */
    else if (ind->kind == KIND_STOCK)
        pr->level = pow(10, 2.5 + 1.5 * u); /* ~300 .. 10 000 people */
    else if (ind->percent)
        pr->level = 20 + 70 * u;
    else if (ind->direction < 0)
        pr->level = 0.2 + 1.3 * u; /* an intensity, e.g. tce per 万元 */
    else
        pr->level = 20 + 380 * u; /* e.g. 万元 of value added per mu */
    u = bench_rng_u(&rng);
    if (ind->kind == KIND_FLOW)
        pr->growth = 2 + 16 * u;
    else if (ind->kind == KIND_STOCK)
        pr->growth = -3 + 11 * u;
    else
        pr->growth = -8 + 10 * u;
    for (int p = 0; p < N_PERIODS; p++)
        pr->jitter[p] = bench_rng_u(&rng);
}

/* The value reported for month (period index p). A flow is year-to-date: level x
 * (month + 0.3 jitter) / 12 never falls from one month to the next. */
static void make_value(const indicator_t *ind, const profile_t *pr, int p, report_value_t *v) {
    int month = FIRST_MONTH + p;
    double j = pr->jitter[p];
    memset(v, 0, sizeof *v);
    snprintf(v->indicator, sizeof v->indicator, "%s", ind->code);
    if (ind->kind == KIND_FLOW)
        v->amount = bench_round_to(pr->level * (month + 0.3 * j) / 12, 0.1);
    else if (ind->kind == KIND_STOCK)
        v->amount = round(pr->level * (1 + 0.004 * (month - 2) + 0.01 * j));
    else if (ind->percent)
        v->amount = fmin(100, fmax(0, bench_round_to(pr->level + 4 * (j - 0.5), 0.1)));
    else if (ind->direction < 0)
        v->amount = bench_round_to(pr->level * (1 + 0.05 * (j - 0.5)), 0.001);
    else
        v->amount = bench_round_to(pr->level * (0.9 + 0.2 * j), 0.1);
    if (ind->has_growth) {
        v->has_growth = true;
        v->growth_pct = bench_round_to(pr->growth + (j - 0.5), 0.1);
    }
}

/* Builds every report and encodes it as the collector would send it: MSG_REPORT,
 * revision 1, a new message id. Returns the total encoded bytes. */
static size_t build_reports(void) {
    const master_t *m = B.master;
    profile_t *prof = calloc(m->n_indicators, sizeof *prof);
    size_t bytes = 0;
    char cc[16];
    if (!prof) bench_fail("out of memory");
    for (int c = 0; c < N_COUNTIES; c++) {
        county_code(c, cc);
        for (int z = 0; z < ZONES_PER_COUNTY; z++) {
            for (size_t i = 0; i < m->n_indicators; i++)
                make_profile(&m->indicators[i], &prof[i]);
            for (int p = 0; p < N_PERIODS; p++) {
                report_t *r = &B.reports[c][p * ZONES_PER_COUNTY + z];
                wire_t *w = &B.wire[c][p * ZONES_PER_COUNTY + z];
                zone_code(c, z, r->zone);
                period_format((period_t){YEAR, FIRST_MONTH + p}, r->period);
                r->revision = 1;
                snprintf(r->source, sizeof r->source, "%s.csv", cc);
                for (size_t i = 0; i < m->n_indicators; i++) {
                    report_value_t v;
                    make_value(&m->indicators[i], &prof[i], p, &v);
                    v.line = (unsigned)(2 + (size_t)z * m->n_indicators + i); /* as in the county's CSV */
                    if (!report_add_value(r, &v)) bench_fail("out of memory");
                }
                bench_encode_report(r, &w->buf, &w->len, w->id);
                bytes += w->len;
            }
        }
    }
    free(prof);
    return bytes;
}

/* --- CURVE ------------------------------------------------------------------------- */

/* Keys as an operator makes them with `yuebao keygen`: the aggregator's (server.key,
 * mode 0600, and server.pub) and one pair per county, whose public keys go into
 * authorized_keys under the county's code. Each collector's security is then loaded
 * from its own files by sock_security_load(), as yuebao-collector does. */
static void make_keys(void) {
    char dir[PATH_MAX + 16], base[PATH_MAX + 48], key[PATH_MAX + 64], pub[PATH_MAX + 64], err[1024], cc[16];
    keypair_t kp;
    FILE *f;
    snprintf(dir, sizeof dir, "%s/keys", B.tmp);
    if (mkdir(dir, 0700) < 0) bench_fail("mkdir %s: %s", dir, strerror(errno));
    snprintf(base, sizeof base, "%s/server", dir);
    if (keys_generate(base, "bench aggregator", NULL, err, sizeof err) < 0) bench_fail("keygen: %s", err);
    snprintf(B.server_key, sizeof B.server_key, "%s.key", base);
    snprintf(pub, sizeof pub, "%s.pub", base);
    snprintf(B.authorized, sizeof B.authorized, "%s/authorized_keys", dir);
    if (!(f = fopen(B.authorized, "w"))) bench_fail("cannot write %s: %s", B.authorized, strerror(errno));
    fprintf(f, "# bench_ingest: one collector key per county\n");
    for (int c = 0; c < N_COUNTIES; c++) {
        char name[64];
        county_code(c, cc);
        snprintf(base, sizeof base, "%s/collector-%s", dir, cc);
        snprintf(name, sizeof name, "bench collector %s", cc);
        if (keys_generate(base, name, &kp, err, sizeof err) < 0) bench_fail("keygen: %s", err);
        fprintf(f, "%s %s bench collector\n", kp.public_z85, cc);
        snprintf(key, sizeof key, "%s.key", base);
        if (sock_security_load(&B.sec[c], false, key, pub, err, sizeof err) < 0)
            bench_fail("collector %s: %s", cc, err);
    }
    if (fclose(f) != 0) bench_fail("cannot write %s: %s", B.authorized, strerror(errno));
}

/* A TCP port on 127.0.0.1 that is free now: the kernel's pick, released at once for the
 * aggregator to bind. */
static int free_tcp_port(void) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (port <= 0) bench_fail("cannot find a free TCP port on 127.0.0.1: %s", strerror(errno));
    close(fd);
    return port;
}

/* --- the aggregator process --------------------------------------------------------- */

static void print_log(const char *path) {
    char *text = bench_slurp(path);
    size_t len;
    if (!text) return;
    len = strlen(text);
    fprintf(stderr, "---- %s%s ----\n%s", path, len > 8000 ? " (last 8000 bytes)" : "",
            len > 8000 ? text + len - 8000 : text);
    fprintf(stderr, "---- end of log ----\n");
    free(text);
}

/* Starts the aggregator on store and endpoint, its log in log_path, and waits until it
 * says "ready:". curve: as in production, with the server key and authorized_keys of
 * make_keys(); else --insecure. */
static void start_aggregator(const char *bin_dir, const char *log_path, const char *store_path,
                             const char *endpoint, bool curve) {
    char exe[PATH_MAX + 32], master_dir[PATH_MAX + 32], store[PATH_MAX + 96], listen[PATH_MAX + 96];
    char key[PATH_MAX + 80], authorized[PATH_MAX + 64];
    char *args[20];
    int n = 0;
    int64_t deadline;

    snprintf(exe, sizeof exe, "%s/yuebao-aggregator", bin_dir);
    snprintf(master_dir, sizeof master_dir, "master_dir=%s", B.tmp);
    snprintf(store, sizeof store, "store=%s", store_path);
    snprintf(listen, sizeof listen, "listen=%s", endpoint);
    args[n++] = exe;
    if (curve) {
        snprintf(key, sizeof key, "key=%s", B.server_key);
        snprintf(authorized, sizeof authorized, "authorized_keys=%s", B.authorized);
        args[n++] = "--set";
        args[n++] = key;
        args[n++] = "--set";
        args[n++] = authorized;
    } else {
        args[n++] = "--insecure";
    }
    args[n++] = "--set";
    args[n++] = master_dir;
    args[n++] = "--set";
    args[n++] = store;
    args[n++] = "--set";
    args[n++] = listen;
    char publish[PATH_MAX + 48], snapshot[PATH_MAX + 48];
    snprintf(publish, sizeof publish, "publish=%s", B.publish);
    snprintf(snapshot, sizeof snapshot, "snapshot=%s", B.snapshot);
    args[n++] = "--set";
    args[n++] = publish; /* "publish=": none, except in the live viewers' runs */
    if (B.snapshot[0]) {
        args[n++] = "--set";
        args[n++] = snapshot;
    }
    args[n++] = "--set";
    args[n++] = "rate_limit=0"; /* the ingest path itself, not the per-county limit */
    args[n] = NULL;

    bench_spawn(&B.agg, args, log_path, NULL);

    deadline = bench_now_ns() + READY_TIMEOUT_MS * 1000000LL;
    for (;;) {
        char *text = bench_slurp(log_path);
        const char *line = text ? strstr(text, "ready:") : NULL;
        bool ready = line, secured = line && strstr(line, ", CURVE");
        int status;
        free(text);
        if (ready && secured != curve) {
            print_log(log_path);
            bench_fail("yuebao-aggregator is ready %s CURVE, but the bench asked for it %s",
                       secured ? "with" : "without", curve ? "with" : "without");
        }
        if (ready) return;
        if (waitpid(B.agg, &status, WNOHANG) == B.agg) {
            B.agg = 0;
            print_log(log_path);
            bench_fail("yuebao-aggregator exited during start-up (status %d)", status);
        }
        if (bench_now_ns() > deadline) {
            print_log(log_path);
            bench_fail("yuebao-aggregator did not say \"ready:\" within %d s", READY_TIMEOUT_MS / 1000);
        }
        bench_sleep_ms(10);
    }
}

/* SIGTERM, then wait for a clean exit. */
static void stop_aggregator(const char *log_path) {
    int status = bench_stop(&B.agg, STOP_TIMEOUT_MS);
    if (status < 0) {
        print_log(log_path);
        bench_fail("yuebao-aggregator did not stop within %d s of SIGTERM", STOP_TIMEOUT_MS / 1000);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        print_log(log_path);
        bench_fail("yuebao-aggregator did not exit cleanly (status 0x%x)", (unsigned)status);
    }
}

/* The aggregator's own account at shutdown: "stopped: N accepted, ..., M commits". */
static bool aggregator_counts(const char *log_path, unsigned long long *accepted,
                              unsigned long long *commits) {
    char *text = bench_slurp(log_path), *p;
    bool ok = false;
    if (text && (p = strstr(text, "stopped: ")))
        ok = sscanf(p,
                    "stopped: %llu accepted, %*u duplicate, %*u stale, %*u rejected, %*u garbled, "
                    "%*u throttled, %llu commits",
                    accepted, commits) == 2;
    free(text);
    return ok;
}

/* What the store holds after the run, read as the CLI would (read-only). */
static void count_store(const char *path, long long *reports, long long *values) {
    char err[1024];
    rstore_t *s = rstore_open(path, true, err, sizeof err);
    const char *sql[2] = {"SELECT count(*) FROM reports", "SELECT count(*) FROM report_values"};
    long long *out[2] = {reports, values};
    if (!s) bench_fail("cannot read the store back: %s", err);
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st;
        *out[i] = -1;
        if (sqlite3_prepare_v2(rstore_db(s), sql[i], -1, &st, NULL) != SQLITE_OK) continue;
        if (sqlite3_step(st) == SQLITE_ROW) *out[i] = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    rstore_close(&s);
}

static long long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* --- the collectors: 10 DEALER sockets driven from one thread ------------------------ */

typedef enum {
    REPLY_ACK, /* the aggregator: each reply is an Ack to decode and check */
    REPLY_ECHO /* the echo ceiling: each reply is the very bytes that were sent */
} reply_kind_t;

typedef struct {
    void *sock;
    int county;              /* index into B.wire */
    size_t next;             /* next report to send */
    size_t inflight[WINDOW]; /* indices of reports awaiting a reply, oldest first */
    size_t n_inflight;
    int64_t sent_ns[PER_CLIENT];
} client_t;

typedef struct {
    double wall_s;
    size_t n_replies, n_accepted, n_bad;
    int64_t lat_ns[N_REPORTS]; /* one per reply */
} run_t;

static void send_one(client_t *c) {
    const wire_t *w = &B.wire[c->county][c->next];
    c->sent_ns[c->next] = bench_now_ns();
    /* Blocking, with ZMQ_SNDTIMEO: the first sends wait for the connection (IMMEDIATE). */
    if (zmq_send(c->sock, w->buf, w->len, 0) < 0) {
        char cc[16];
        county_code(c->county, cc);
        bench_fail("collector %s: send: %s", cc, zmq_strerror(errno));
    }
    c->inflight[c->n_inflight++] = c->next++;
}

static void refill(client_t *c) {
    while (c->n_inflight < WINDOW && c->next < PER_CLIENT)
        send_one(c);
}

/* A report that was not accepted: say exactly what came back (the first few). */
static void complain(run_t *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void complain(run_t *run, const char *fmt, ...) {
    va_list ap;
    if (++run->n_bad > 5) return;
    fprintf(stderr, "bench_ingest: NOT ACCEPTED: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* One reply for client c: match it to the report in flight, record the latency, check
 * the verdict. Replies normally come back in order, so the match is the oldest. */
static void on_reply(client_t *c, const void *data, size_t len, reply_kind_t kind, int64_t t, run_t *run) {
    size_t pos = 0, idx;
    char cc[16];
    county_code(c->county, cc);
    if (c->n_inflight == 0) {
        complain(run, "county %s: a reply with nothing in flight", cc);
        return;
    }
    if (kind == REPLY_ECHO) {
        const wire_t *w = &B.wire[c->county][c->inflight[0]];
        if (len != w->len || memcmp(data, w->buf, len) != 0)
            complain(run, "county %s: the echo differs from what was sent", cc);
        else
            run->n_accepted++;
    } else {
        msg_t m;
        char err[256];
        if (codec_decode(data, len, &m, err, sizeof err) < 0) {
            complain(run, "county %s: undecodable reply: %s", cc, err);
            return;
        }
        if (m.kind != MSG_ACK || !m.has_reply_to) {
            complain(run, "county %s: a reply that is not an Ack", cc);
            msg_clear(&m);
            return;
        }
        while (pos < c->n_inflight &&
               memcmp(B.wire[c->county][c->inflight[pos]].id, m.in_reply_to, MSG_ID_LEN) != 0)
            pos++;
        if (pos == c->n_inflight) {
            complain(run, "county %s: an Ack for %s %s that answers no report in flight", cc, m.ack.zone,
                     m.ack.period);
            msg_clear(&m);
            return;
        }
        {
            const report_t *r = &B.reports[c->county][c->inflight[pos]];
            char first[1024] = "";
            if (m.ack.issues.n) diag_format(&m.ack.issues.items[0], first, sizeof first);
            if (m.ack.status != ACK_ACCEPTED)
                complain(run, "county %s: %s %s rev %u: %s%s%s", cc, r->zone, r->period, r->revision,
                         ack_status_name(m.ack.status), first[0] ? ": " : "", first);
            else if (strcmp(m.ack.zone, r->zone) != 0 || strcmp(m.ack.period, r->period) != 0)
                complain(run, "county %s: the Ack for %s %s names %s %s", cc, r->zone, r->period, m.ack.zone,
                         m.ack.period);
            else
                run->n_accepted++;
        }
        msg_clear(&m);
    }
    idx = c->inflight[pos];
    memmove(&c->inflight[pos], &c->inflight[pos + 1], (c->n_inflight - pos - 1) * sizeof c->inflight[0]);
    c->n_inflight--;
    B.ack_ns[c->county][idx] = t;
    run->lat_ns[run->n_replies++] = t - c->sent_ns[idx];
}

/* Sends every report from the 10 collectors to endpoint, WINDOW in flight each, and
 * waits for every reply. Fills run (wall time from the first send to the last reply,
 * so it holds the connections' handshakes: the first sends wait for them). secs: each
 * collector's CURVE security (B.sec), or NULL for plain ZeroMQ. */
static void drive(const char *endpoint, const sock_security_t *secs, reply_kind_t kind, run_t *run) {
    void *ctx = zmq_ctx_new();
    client_t *clients = calloc(N_COUNTIES, sizeof *clients);
    zmq_pollitem_t items[N_COUNTIES];
    int64_t t0, t_last;

    if (!ctx || !clients) bench_fail("out of memory");
    memset(run, 0, sizeof *run);
    for (int i = 0; i < N_COUNTIES; i++) {
        char cc[16];
        county_code(i, cc);
        clients[i].county = i;
        if (secs) { /* as bench_collector, but with the county's keys */
            char id[64], err[512];
            int timeout = REPLY_TIMEOUT_MS;
            snprintf(id, sizeof id, "c:%s:bench%d", cc, (int)getpid());
            if (!(clients[i].sock = sock_dealer(ctx, endpoint, id, &secs[i], err, sizeof err)))
                bench_fail("collector %s: %s", cc, err);
            zmq_setsockopt(clients[i].sock, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
        } else {
            clients[i].sock = bench_collector(ctx, endpoint, cc, REPLY_TIMEOUT_MS);
        }
        items[i] = (zmq_pollitem_t){.socket = clients[i].sock, .events = ZMQ_POLLIN};
    }

    t0 = t_last = bench_now_ns();
    for (int i = 0; i < N_COUNTIES; i++)
        refill(&clients[i]);
    while (run->n_replies < N_REPORTS) {
        int rc = zmq_poll(items, N_COUNTIES, REPLY_TIMEOUT_MS);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) bench_fail("zmq_poll: %s", zmq_strerror(errno));
        if (rc == 0) {
            fprintf(stderr, "bench_ingest: no reply for %d s; %zu of %d replies received\n",
                    REPLY_TIMEOUT_MS / 1000, run->n_replies, N_REPORTS);
            run->n_bad += N_REPORTS - run->n_replies;
            break;
        }
        for (int i = 0; i < N_COUNTIES; i++) {
            if (!(items[i].revents & ZMQ_POLLIN)) continue;
            for (;;) {
                zmq_msg_t msg;
                zmq_msg_init(&msg);
                if (zmq_msg_recv(&msg, clients[i].sock, ZMQ_DONTWAIT) < 0) {
                    zmq_msg_close(&msg);
                    break;
                }
                t_last = bench_now_ns();
                on_reply(&clients[i], zmq_msg_data(&msg), zmq_msg_size(&msg), kind, t_last, run);
                zmq_msg_close(&msg);
            }
            refill(&clients[i]);
        }
    }
    run->wall_s = (double)(t_last - t0) / 1e9;
    for (int i = 0; i < N_COUNTIES; i++)
        sock_close(&clients[i].sock);
    zmq_ctx_term(ctx);
    free(clients);
}

/* The latency at a set load: the same 10 collectors, but paced instead of saturating.
 * Report j (round robin over the counties, each county's reports in order) is sent at
 * t0 + j / rate, whatever came back meanwhile, until total were sent; every reply is
 * awaited. An open loop: a slow aggregator shows as latency, not as a slower sender.
 * secs as in drive(). Fails if a collector ever has WINDOW in flight (saturated). */
static void drive_paced(const char *endpoint, const sock_security_t *secs, double rate, size_t total,
                        run_t *run) {
    void *ctx = zmq_ctx_new();
    client_t *clients = calloc(N_COUNTIES, sizeof *clients);
    zmq_pollitem_t items[N_COUNTIES];
    int64_t t0, t_last, pace_ns = (int64_t)(1e9 / rate);
    size_t sent = 0;

    if (!ctx || !clients) bench_fail("out of memory");
    if (total > N_REPORTS) bench_fail("paced run: %zu reports asked, %d built", total, N_REPORTS);
    memset(run, 0, sizeof *run);
    for (int i = 0; i < N_COUNTIES; i++) {
        char cc[16], id[64], err[512];
        int timeout = REPLY_TIMEOUT_MS;
        county_code(i, cc);
        clients[i].county = i;
        snprintf(id, sizeof id, "c:%s:paced%d", cc, (int)getpid());
        if (secs) {
            if (!(clients[i].sock = sock_dealer(ctx, endpoint, id, &secs[i], err, sizeof err)))
                bench_fail("collector %s: %s", cc, err);
            zmq_setsockopt(clients[i].sock, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
        } else {
            clients[i].sock = bench_collector(ctx, endpoint, cc, REPLY_TIMEOUT_MS);
        }
        items[i] = (zmq_pollitem_t){.socket = clients[i].sock, .events = ZMQ_POLLIN};
    }
    /* the CURVE handshakes happen before the clock starts */
    bench_sleep_ms(200);
    t0 = t_last = bench_now_ns();
    while (run->n_replies < total) {
        int64_t now = bench_now_ns();
        long timeout;
        int rc;
        while (sent < total && t0 + (int64_t)sent * pace_ns <= now) {
            client_t *c = &clients[sent % N_COUNTIES];
            if (c->n_inflight == WINDOW)
                bench_fail("paced run: %d reports in flight at one collector: the aggregator is saturated "
                           "at %.0f reports/s",
                           WINDOW, rate);
            send_one(c);
            sent++;
        }
        if (sent < total) {
            int64_t due = t0 + (int64_t)sent * pace_ns - bench_now_ns();
            timeout = due > 0 ? (long)(due / 1000000) : 0;
        } else {
            timeout = REPLY_TIMEOUT_MS;
        }
        rc = zmq_poll(items, N_COUNTIES, timeout);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) bench_fail("zmq_poll: %s", zmq_strerror(errno));
        if (rc == 0 && sent == total) {
            fprintf(stderr, "bench_ingest: no reply for %d s; %zu of %zu replies received\n",
                    REPLY_TIMEOUT_MS / 1000, run->n_replies, total);
            run->n_bad += total - run->n_replies;
            break;
        }
        for (int i = 0; i < N_COUNTIES; i++) {
            if (!(items[i].revents & ZMQ_POLLIN)) continue;
            for (;;) {
                zmq_msg_t msg;
                zmq_msg_init(&msg);
                if (zmq_msg_recv(&msg, clients[i].sock, ZMQ_DONTWAIT) < 0) {
                    zmq_msg_close(&msg);
                    break;
                }
                t_last = bench_now_ns();
                on_reply(&clients[i], zmq_msg_data(&msg), zmq_msg_size(&msg), REPLY_ACK, t_last, run);
                zmq_msg_close(&msg);
            }
        }
    }
    run->wall_s = (double)(t_last - t0) / 1e9;
    for (int i = 0; i < N_COUNTIES; i++)
        sock_close(&clients[i].sock);
    zmq_ctx_term(ctx);
    free(clients);
}

/* --- the ceilings ------------------------------------------------------------------- */

/* Arrival order: month by month, and within a month county by county, zone by zone. */
static const report_t *in_arrival_order(size_t i, int *county) {
    size_t p = i / (N_COUNTIES * ZONES_PER_COUNTY), rest = i % (N_COUNTIES * ZONES_PER_COUNTY);
    *county = (int)(rest / ZONES_PER_COUNTY);
    return &B.reports[*county][p * ZONES_PER_COUNTY + rest % ZONES_PER_COUNTY];
}

/* rstore_apply() of every report into a fresh store, batch reports per transaction,
 * with the canonical content computed per report as the aggregator does. Reports/s. */
static double ceiling_rstore(const char *path, size_t batch) {
    char err[1024];
    rstore_t *s = rstore_open(path, false, err, sizeof err);
    int64_t t0;
    if (!s) bench_fail("SQLite ceiling: %s", err);
    t0 = bench_now_ns();
    for (size_t i = 0; i < N_REPORTS; i++) {
        int county;
        const report_t *r = in_arrival_order(i, &county);
        uint8_t *content = NULL;
        size_t len = 0;
        char cc[16];
        county_code(county, cc);
        if (i % batch == 0 && rstore_begin(s) < 0) bench_fail("SQLite ceiling: BEGIN failed");
        if (codec_report_content(r, &content, &len) < 0) bench_fail("out of memory");
        if (rstore_apply(s, r, cc, cc, content, len, NULL, clock_now_ms()) < 0)
            bench_fail("SQLite ceiling: rstore_apply failed");
        free(content);
        if ((i + 1) % batch == 0 || i + 1 == N_REPORTS) {
            if (rstore_commit(s) < 0) bench_fail("SQLite ceiling: COMMIT failed");
        }
    }
    t0 = bench_now_ns() - t0;
    rstore_close(&s);
    return N_REPORTS / ((double)t0 / 1e9);
}

/* A bare prepared INSERT of only the value rows into the same table of a fresh store,
 * batch reports per transaction: the lowest-level ceiling. per_row: one statement run
 * per value row; otherwise one run per report inserting all its rows (VALUES (…), (…),
 * …), the cheaper form, which the store uses itself. Reports/s. */
static double ceiling_raw_values(const char *path, size_t batch, bool per_row) {
    char err[1024], ins[8192];
    rstore_t *s = rstore_open(path, false, err, sizeof err);
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    size_t st_rows = 0;
    int64_t t0;
    if (!s) bench_fail("SQLite ceiling: %s", err);
    db = rstore_db(s);
    t0 = bench_now_ns();
    for (size_t i = 0; i < N_REPORTS; i++) {
        int county;
        const report_t *r = in_arrival_order(i, &county);
        size_t rows = per_row ? 1 : r->n_values;
        if (rows != st_rows) { /* every report has the same indicators: prepared once */
            int off = snprintf(ins, sizeof ins,
                               "INSERT INTO report_values (period, zone, indicator, amount, "
                               "growth_pct, revision) VALUES ");
            for (size_t k = 0; k < rows && off < (int)sizeof ins; k++)
                off += snprintf(ins + off, sizeof ins - (size_t)off, "%s(?, ?, ?, ?, ?, ?)", k ? ", " : "");
            if (off >= (int)sizeof ins) bench_fail("SQLite ceiling: too many values in a report");
            sqlite3_finalize(st);
            if (sqlite3_prepare_v2(db, ins, -1, &st, NULL) != SQLITE_OK)
                bench_fail("SQLite ceiling: %s", sqlite3_errmsg(db));
            st_rows = rows;
        }
        if (i % batch == 0 && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            bench_fail("SQLite ceiling: %s", sqlite3_errmsg(db));
        for (size_t k = 0; k < r->n_values;) {
            for (size_t j = 0; j < rows; j++, k++) {
                const report_value_t *v = &r->values[k];
                int at = 6 * (int)j;
                sqlite3_bind_text(st, at + 1, r->period, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, at + 2, r->zone, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, at + 3, v->indicator, -1, SQLITE_STATIC);
                sqlite3_bind_double(st, at + 4, v->amount);
                if (v->has_growth)
                    sqlite3_bind_double(st, at + 5, v->growth_pct);
                else
                    sqlite3_bind_null(st, at + 5);
                sqlite3_bind_int64(st, at + 6, r->revision);
            }
            if (sqlite3_step(st) != SQLITE_DONE) bench_fail("SQLite ceiling: %s", sqlite3_errmsg(db));
            sqlite3_reset(st);
        }
        if ((i + 1) % batch == 0 || i + 1 == N_REPORTS) {
            if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                bench_fail("SQLite ceiling: %s", sqlite3_errmsg(db));
        }
    }
    t0 = bench_now_ns() - t0;
    sqlite3_finalize(st);
    rstore_close(&s);
    return N_REPORTS / ((double)t0 / 1e9);
}

/* The echo server: a ROUTER that sends every message straight back to its sender. */
typedef struct {
    void *router;
    size_t echoed;
} echo_t;

static void *echo_main(void *arg) {
    echo_t *e = arg;
    while (e->echoed < N_REPORTS) {
        zmq_msg_t id, body;
        int more = 0;
        size_t sz = sizeof more;
        zmq_msg_init(&id);
        zmq_msg_init(&body);
        if (zmq_msg_recv(&id, e->router, 0) < 0 ||
            !(zmq_getsockopt(e->router, ZMQ_RCVMORE, &more, &sz), more) ||
            zmq_msg_recv(&body, e->router, 0) < 0 || zmq_msg_send(&id, e->router, ZMQ_SNDMORE) < 0 ||
            zmq_msg_send(&body, e->router, 0) < 0) {
            zmq_msg_close(&id);
            zmq_msg_close(&body);
            break; /* RCVTIMEO: the client side gave up; it reports the failure */
        }
        zmq_msg_close(&id);
        zmq_msg_close(&body);
        e->echoed++;
    }
    return NULL;
}

static void ceiling_zmq(const char *endpoint, run_t *run) {
    void *ctx = zmq_ctx_new(); /* a context of its own, as the aggregator process has */
    sock_security_t sec = {.insecure = true};
    echo_t e = {0};
    pthread_t th;
    char err[512];
    int timeout = REPLY_TIMEOUT_MS;
    if (!ctx) bench_fail("out of memory");
    e.router = sock_router(ctx, endpoint, &sec, WIRE_DOMAIN_COLLECTORS, err, sizeof err);
    if (!e.router) bench_fail("echo server: %s", err);
    zmq_setsockopt(e.router, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    if (pthread_create(&th, NULL, echo_main, &e) != 0) bench_fail("pthread_create failed");
    drive(endpoint, NULL, REPLY_ECHO, run);
    pthread_join(th, NULL);
    sock_close(&e.router);
    zmq_ctx_term(ctx);
}

/* codec_decode() of every encoded report (the aggregator's first step: bounded
 * allocator, checks, conversion to report_t), over and over for DECODE_MIN_NS or more.
 * raw: only protobuf-c's own unpack of the envelope, for how much of that is codec's. */
static double ceiling_decode(bool raw) {
    size_t n = 0;
    int64_t t0 = bench_now_ns(), dt;
    do {
        for (int c = 0; c < N_COUNTIES; c++)
            for (int k = 0; k < PER_CLIENT; k++) {
                const wire_t *w = &B.wire[c][k];
                if (raw) {
                    Yuebao__Envelope *env = yuebao__envelope__unpack(NULL, w->len, w->buf);
                    if (!env) bench_fail("decode ceiling: protobuf-c cannot unpack a report");
                    yuebao__envelope__free_unpacked(env, NULL);
                } else {
                    msg_t m;
                    char err[256];
                    if (codec_decode(w->buf, w->len, &m, err, sizeof err) < 0)
                        bench_fail("decode ceiling: %s", err);
                    msg_clear(&m);
                }
                n++;
            }
        dt = bench_now_ns() - t0;
    } while (dt < DECODE_MIN_NS);
    return (double)n / ((double)dt / 1e9);
}

/* --- one durable run ---------------------------------------------------------------- */

typedef struct {
    double rps, p50_ms, p99_ms;
    double mean_batch; /* reports per group commit, 0 if unknown */
    double cpu_share;  /* the aggregator's CPU time over the wall time of the run, -1 unknown */
    unsigned long long commits;
    long rss_kb;
    long long store_bytes;
} durable_t;

/* Starts a fresh aggregator on a fresh store, reached via ipc://, plain TCP or CURVE,
 * sends every report through it, stops it, and checks that every report was ACCEPTED
 * and is in the store. */
static void durable_run(int k, const char *bin_dir, int n_ind, via_t via, durable_t *out) {
    static run_t run;
    char log_path[PATH_MAX + 64], store[PATH_MAX + 64], endpoint[PATH_MAX + 64], wal[PATH_MAX + 80];
    unsigned long long accepted = 0;
    long long stored_reports, stored_values;
    double cpu0, cpu1;

    memset(out, 0, sizeof *out);
    /* the ipc:// run keeps the names it always had */
    snprintf(log_path, sizeof log_path, "%s/aggregator-%d%s%s.log", B.tmp, k, via ? "-" : "",
             via ? via_name[via] : "");
    snprintf(store, sizeof store, "%s/bench-%d%s%s.db", B.tmp, k, via ? "-" : "", via ? via_name[via] : "");
    if (via == VIA_IPC)
        snprintf(endpoint, sizeof endpoint, "ipc://%s/agg-%d.sock", B.tmp, k);
    else
        snprintf(endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", free_tcp_port());
    start_aggregator(bin_dir, log_path, store, endpoint, via == VIA_CURVE);
    cpu0 = proc_cpu_s(B.agg);
    drive(endpoint, via == VIA_CURVE ? B.sec : NULL, REPLY_ACK, &run);
    cpu1 = proc_cpu_s(B.agg);
    out->cpu_share = cpu0 >= 0 && cpu1 >= 0 ? (cpu1 - cpu0) / run.wall_s : -1;
    out->rss_kb = bench_vm_hwm_kb(B.agg);
    stop_aggregator(log_path);

    if (run.n_bad || run.n_accepted != N_REPORTS) {
        print_log(log_path);
        bench_fail("%s: %zu of %d reports were not ACCEPTED (%zu replies received): the figures would"
                   " mean nothing",
                   endpoint, (size_t)N_REPORTS - run.n_accepted, N_REPORTS, run.n_replies);
    }
    count_store(store, &stored_reports, &stored_values);
    if (stored_reports != N_REPORTS || stored_values != (long long)N_REPORTS * n_ind)
        bench_fail("%s: every report was acked ACCEPTED but the store holds %lld reports and %lld"
                   " values (expected %d and %d)",
                   endpoint, stored_reports, stored_values, N_REPORTS, N_REPORTS * n_ind);
    snprintf(wal, sizeof wal, "%s-wal", store);
    out->store_bytes = file_size(store) + file_size(wal);
    if (via != VIA_IPC) { /* checked and measured: no need to keep two more stores a round */
        unlink(store);
        unlink(wal);
        snprintf(wal, sizeof wal, "%s-shm", store);
        unlink(wal);
    }
    out->rps = N_REPORTS / run.wall_s;
    out->p50_ms = quantile_ms(run.lat_ns, run.n_replies, 0.50);
    out->p99_ms = quantile_ms(run.lat_ns, run.n_replies, 0.99);
    if (aggregator_counts(log_path, &accepted, &out->commits) && out->commits > 0)
        out->mean_batch = (double)accepted / (double)out->commits;
}

/* Submit -> ack latency at a set load: a fresh aggregator as in production (CURVE, on
 * tcp://127.0.0.1), fed PACED_REPORTS at PACED_RATE reports/s by the 10 collectors;
 * every ack ACCEPTED and every report stored. */
#define PACED_RATE 1000.0
#define PACED_REPORTS 5000
#define PACED_RUNS 2
typedef struct {
    double p50_ms, p99_ms, max_ms, cpu_share;
} paced_t;

static void paced_run(int k, const char *bin_dir, paced_t *out) {
    static run_t run;
    char log_path[PATH_MAX + 64], store[PATH_MAX + 64], endpoint[PATH_MAX + 64], side[PATH_MAX + 80];
    long long stored_reports, stored_values;
    double cpu0, cpu1;
    memset(out, 0, sizeof *out);
    snprintf(log_path, sizeof log_path, "%s/aggregator-paced-%d.log", B.tmp, k);
    snprintf(store, sizeof store, "%s/bench-paced-%d.db", B.tmp, k);
    snprintf(endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", free_tcp_port());
    start_aggregator(bin_dir, log_path, store, endpoint, true);
    cpu0 = proc_cpu_s(B.agg);
    drive_paced(endpoint, B.sec, PACED_RATE, PACED_REPORTS, &run);
    cpu1 = proc_cpu_s(B.agg);
    out->cpu_share = cpu0 >= 0 && cpu1 >= 0 ? (cpu1 - cpu0) / run.wall_s : -1;
    stop_aggregator(log_path);
    if (run.n_bad || run.n_accepted != PACED_REPORTS) {
        print_log(log_path);
        bench_fail("paced run: %zu of %d reports were not ACCEPTED", (size_t)PACED_REPORTS - run.n_accepted,
                   PACED_REPORTS);
    }
    count_store(store, &stored_reports, &stored_values);
    if (stored_reports != PACED_REPORTS)
        bench_fail("paced run: every report was acked ACCEPTED but the store holds %lld (expected %d)",
                   stored_reports, PACED_REPORTS);
    unlink(store);
    snprintf(side, sizeof side, "%s-wal", store);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", store);
    unlink(side);
    out->p50_ms = quantile_ms(run.lat_ns, run.n_replies, 0.50);
    out->p99_ms = quantile_ms(run.lat_ns, run.n_replies, 0.99);
    out->max_ms = quantile_ms(run.lat_ns, run.n_replies, 1.0);
}

/* --- main --------------------------------------------------------------------------- */

/* Everything one round measures. Rounds interleave the durable run with its ceilings,
 * so a machine that gets busier or quieter during the run moves both alike. */
typedef struct {
    durable_t dur;
    durable_t tcp, curve;                   /* the same over loopback TCP: --insecure, and CURVE */
    double curve_ratio;                     /* curve.rps / tcp.rps; 0 when not measured */
    double apply, apply_same, raw, raw_row; /* SQLite ceilings, reports/s */
    size_t same_batch;                      /* the batch of apply_same: the aggregator's own mean */
    double echo, echo_p50, echo_p99;
    double decode, unpack;
} round_t;

/* --- live viewers: yuebao-web beside the ingest --------------------------------------- */
#define N_VIEWERS 200
#define VIEWER_PAIRS 3
#define WEB_USER "bench"
#define WEB_PASSWORD "bench-viewer-2016"
typedef struct {
    double rps, web_cpu;
    size_t n_lat, events_min, events_max, resyncs;
    double lat_p50_ms, lat_p99_ms, lat_max_ms;
} viewers_t;

/* yuebao-web --insecure on 127.0.0.1:0 beside the aggregator of round k; its base URL. */
static void start_web(const char *bin_dir, int k, int n_viewers, const char *store, char *base, size_t size) {
    char exe[PATH_MAX + 32], log_path[PATH_MAX + 64], kv[12][PATH_MAX + 128];
    char *args[32];
    int n = 0;
    int64_t deadline;
    snprintf(exe, sizeof exe, "%s/yuebao-web", bin_dir);
    snprintf(log_path, sizeof log_path, "%s/web-%d-%d.log", B.tmp, k, n_viewers);
    snprintf(kv[0], sizeof kv[0], "listen=127.0.0.1:0");
    snprintf(kv[1], sizeof kv[1], "users=%s/web-users", B.tmp);
    snprintf(kv[2], sizeof kv[2], "audit=%s/web-audit.log", B.tmp);
    snprintf(kv[3], sizeof kv[3], "store=%s", store);
    snprintf(kv[4], sizeof kv[4], "scores=%s/scores-none.db", B.tmp);
    snprintf(kv[5], sizeof kv[5], "master=%s", B.tmp);
    snprintf(kv[6], sizeof kv[6], "aggregator_pub=%s", B.publish);
    snprintf(kv[7], sizeof kv[7], "aggregator_snapshot=%s", B.snapshot);
    snprintf(kv[8], sizeof kv[8], "scorer_pub=ipc://%s/no-scorer.sock", B.tmp);
    snprintf(kv[9], sizeof kv[9], "scorer_snapshot=ipc://%s/no-scorer-snap.sock", B.tmp);
    snprintf(kv[10], sizeof kv[10], "max_viewers=%d", N_VIEWERS + 10);
    { /* the score store the scorer would have made: yuebao-web reads it */
        char err[512], path[PATH_MAX + 32];
        sstore_t *ss;
        snprintf(path, sizeof path, "%s/scores-none.db", B.tmp);
        if (!(ss = sstore_open(path, false, err, sizeof err))) bench_fail("%s", err);
        sstore_close(&ss);
    }
    args[n++] = exe;
    args[n++] = "--insecure";
    for (int i = 0; i < 11; i++) {
        args[n++] = "--set";
        args[n++] = kv[i];
    }
    args[n] = NULL;
    bench_spawn(&B.web, args, log_path, NULL);
    deadline = bench_now_ns() + READY_TIMEOUT_MS * 1000000LL;
    for (;;) {
        char *text = bench_slurp(log_path);
        const char *at = text ? strstr(text, "http://127.0.0.1:") : NULL;
        int status;
        if (at) {
            snprintf(base, size, "http://127.0.0.1:%d", atoi(at + strlen("http://127.0.0.1:")));
            free(text);
            return;
        }
        free(text);
        if (waitpid(B.web, &status, WNOHANG) == B.web) {
            B.web = 0;
            print_log(log_path);
            bench_fail("yuebao-web exited during start-up (status %d)", status);
        }
        if (bench_now_ns() > deadline) {
            print_log(log_path);
            bench_fail("yuebao-web did not serve within %d s", READY_TIMEOUT_MS / 1000);
        }
        bench_sleep_ms(10);
    }
}

/* The report a viewer's event names (zone z0001.., period 2016-02..): its ack time, or -1. */
static int64_t ack_of(const bench_seen_t *s) {
    int zz = atoi(s->zone + 1) - 1, month = atoi(s->period + 5);
    int c = zz / ZONES_PER_COUNTY, z = zz % ZONES_PER_COUNTY, p = month - FIRST_MONTH;
    if (zz < 0 || c >= N_COUNTIES || p < 0 || p >= N_PERIODS) return -1;
    return B.ack_ns[c][p * ZONES_PER_COUNTY + z];
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Durable ingest over ipc:// with the aggregator publishing and yuebao-web subscribed,
 * n_viewers live pages connected (0 or N_VIEWERS); every ack ACCEPTED. */
static void viewers_run(int k, const char *bin_dir, int n_viewers, viewers_t *out) {
    static run_t run;
    static double lat[N_VIEWERS * 400];
    char log_path[PATH_MAX + 64], store[PATH_MAX + 64], endpoint[PATH_MAX + 64], base[64];
    bench_viewers_t *v = NULL;
    double cpu0, cpu1;
    memset(out, 0, sizeof *out);
    snprintf(log_path, sizeof log_path, "%s/aggregator-v%d-%d.log", B.tmp, k, n_viewers);
    snprintf(store, sizeof store, "%s/bench-v%d-%d.db", B.tmp, k, n_viewers);
    snprintf(endpoint, sizeof endpoint, "ipc://%s/agg-v%d-%d.sock", B.tmp, k, n_viewers);
    snprintf(B.publish, sizeof B.publish, "ipc://%s/pub-v%d-%d.sock", B.tmp, k, n_viewers);
    snprintf(B.snapshot, sizeof B.snapshot, "ipc://%s/snap-v%d-%d.sock", B.tmp, k, n_viewers);
    start_aggregator(bin_dir, log_path, store, endpoint, false);
    start_web(bin_dir, k, n_viewers, store, base, sizeof base);
    bench_sleep_ms(500); /* its subscriber has its snapshot */
    if (n_viewers && !(v = bench_viewers_open(base, WEB_USER, WEB_PASSWORD, n_viewers, 30000)))
        bench_fail("the live viewers could not connect to yuebao-web at %s (its log: %s/web-%d-%d.log)", base,
                   B.tmp, k, n_viewers);
    memset(B.ack_ns, 0, sizeof B.ack_ns);
    cpu0 = proc_cpu_s(B.web);
    drive(endpoint, NULL, REPLY_ACK, &run);
    bench_sleep_ms(1000); /* the last events reach the viewers */
    cpu1 = proc_cpu_s(B.web);
    out->web_cpu = cpu0 >= 0 && cpu1 >= 0 ? (cpu1 - cpu0) / (run.wall_s + 1.0) : -1;
    if (run.n_bad || run.n_accepted != N_REPORTS)
        bench_fail("viewers run: %zu of %d reports were not ACCEPTED", (size_t)N_REPORTS - run.n_accepted, N_REPORTS);
    out->rps = N_REPORTS / run.wall_s;
    out->events_min = (size_t)-1;
    for (int i = 0; v && i < n_viewers; i++) {
        const bench_seen_t *seen;
        size_t n_seen, n_events, n_resync;
        bench_viewers_stats(v, i, &seen, &n_seen, &n_events, &n_resync);
        out->resyncs += n_resync;
        if (n_events < out->events_min) out->events_min = n_events;
        if (n_events > out->events_max) out->events_max = n_events;
        for (size_t j = 0; j < n_seen && out->n_lat < sizeof lat / sizeof lat[0]; j++) {
            int64_t ack = ack_of(&seen[j]);
            if (ack > 0) lat[out->n_lat++] = (double)(seen[j].t_ns - ack) / 1e6;
        }
    }
    if (!v) out->events_min = 0;
    if (out->n_lat) {
        qsort(lat, out->n_lat, sizeof lat[0], cmp_double);
        out->lat_p50_ms = lat[(size_t)(0.50 * (double)(out->n_lat - 1))];
        out->lat_p99_ms = lat[(size_t)(0.99 * (double)(out->n_lat - 1))];
        out->lat_max_ms = lat[out->n_lat - 1];
    }
    bench_viewers_close(&v);
    if (bench_stop(&B.web, STOP_TIMEOUT_MS) != 0) bench_fail("yuebao-web did not stop cleanly");
    stop_aggregator(log_path);
    B.publish[0] = B.snapshot[0] = '\0';
}

/* 200 live pages of yuebao-web while the ingest runs (issue 15). */
static void viewers_section(const char *bin_dir) {
    {
        char users[PATH_MAX + 32];
        viewers_t none[VIEWER_PAIRS], some[VIEWER_PAIRS];
        double r0[VIEWER_PAIRS], r1[VIEWER_PAIRS], ratio[VIEWER_PAIRS], l50[VIEWER_PAIRS], l99[VIEWER_PAIRS];
        snprintf(users, sizeof users, "%s/web-users", B.tmp);
        if (bench_user_add(bin_dir, users, WEB_USER, WEB_PASSWORD) < 0) bench_fail("yuebao user add failed");
        printf("\nLive viewers: durable ingest on ipc:// with the aggregator publishing and yuebao-web\n"
               "subscribed, with 0 and with %d live pages (server-sent events, one session, libcurl)\n"
               "connected; %d pairs, taking turns at going first. Latency: from a report's ack at its\n"
               "collector (after COMMIT) to its \"report\" event at a viewer, over every viewer and every\n"
               "report named (a county's burst names its first %d reports per drain, the rest are told\n"
               "by its totals event).\n\n",
               N_VIEWERS, VIEWER_PAIRS, 8);
        printf("  pair  viewers  reports/s   web CPU   events/viewer    resyncs   named   p50 ms   p99 ms   "
               "max ms\n");
        for (int k = 0; k < VIEWER_PAIRS; k++) {
            for (int j = 0; j < 2; j++) {
                bool with = (j == 0) == (k % 2 == 1);
                viewers_t *x = with ? &some[k] : &none[k];
                viewers_run(k + 1, bin_dir, with ? N_VIEWERS : 0, x);
                printf("  %4d  %7d  %9s   %6.0f%%   %6zu..%-6zu   %7zu   %5zu   %6.2f   %6.2f   %6.1f\n", k + 1,
                       with ? N_VIEWERS : 0, bench_grouped(x->rps), x->web_cpu * 100, x->events_min, x->events_max,
                       x->resyncs, x->n_lat / (with ? N_VIEWERS : 1), x->lat_p50_ms, x->lat_p99_ms, x->lat_max_ms);
                fflush(stdout);
            }
            r0[k] = none[k].rps;
            r1[k] = some[k].rps;
            ratio[k] = some[k].rps / none[k].rps;
            l50[k] = some[k].lat_p50_ms;
            l99[k] = some[k].lat_p99_ms;
        }
        printf("\n  ingest with %d viewers / without (medians)          %s   (%s vs %s reports/s;"
               " per-pair median %.2f)\n",
               N_VIEWERS, bench_ratio(bench_median(r1, VIEWER_PAIRS), bench_median(r0, VIEWER_PAIRS)),
               bench_grouped(bench_median(r1, VIEWER_PAIRS)), bench_grouped(bench_median(r0, VIEWER_PAIRS)),
               bench_median(ratio, VIEWER_PAIRS));
        printf("  COMMIT -> viewer latency, %d viewers, p50 / p99      %.2f / %.2f ms (medians of the pairs)\n",
               N_VIEWERS, bench_median(l50, VIEWER_PAIRS), bench_median(l99, VIEWER_PAIRS));
    }
}

static void measure_round(int k, const char *bin_dir, int n_ind, round_t *r) {
    static run_t echo;
    char path[PATH_MAX + 64];

    durable_run(k, bin_dir, n_ind, VIA_IPC, &r->dur);
    /* CURVE and its plain-TCP ceiling back to back, taking turns at going first */
    if (k <= CURVE_RUNS) {
        if (k % 2) {
            durable_run(k, bin_dir, n_ind, VIA_TCP, &r->tcp);
            durable_run(k, bin_dir, n_ind, VIA_CURVE, &r->curve);
        } else {
            durable_run(k, bin_dir, n_ind, VIA_CURVE, &r->curve);
            durable_run(k, bin_dir, n_ind, VIA_TCP, &r->tcp);
        }
        r->curve_ratio = r->curve.rps / r->tcp.rps;
    }

    snprintf(path, sizeof path, "%s/ceiling-apply-%d.db", B.tmp, k);
    r->apply = ceiling_rstore(path, TXN_REPORTS);
    r->same_batch = r->dur.mean_batch > 0 ? (size_t)fmax(1, round(r->dur.mean_batch)) : TXN_REPORTS;
    snprintf(path, sizeof path, "%s/ceiling-same-%d.db", B.tmp, k);
    r->apply_same = r->same_batch == TXN_REPORTS ? r->apply : ceiling_rstore(path, r->same_batch);
    snprintf(path, sizeof path, "%s/ceiling-raw-%d.db", B.tmp, k);
    r->raw = ceiling_raw_values(path, TXN_REPORTS, false);
    snprintf(path, sizeof path, "%s/ceiling-row-%d.db", B.tmp, k);
    r->raw_row = ceiling_raw_values(path, TXN_REPORTS, true);

    snprintf(path, sizeof path, "ipc://%s/echo-%d.sock", B.tmp, k);
    ceiling_zmq(path, &echo);
    if (echo.n_bad || echo.n_accepted != N_REPORTS)
        bench_fail("the echo ceiling lost or garbled %zu of %d messages", (size_t)N_REPORTS - echo.n_accepted,
                   N_REPORTS);
    r->echo = N_REPORTS / echo.wall_s;
    r->echo_p50 = quantile_ms(echo.lat_ns, echo.n_replies, 0.50);
    r->echo_p99 = quantile_ms(echo.lat_ns, echo.n_replies, 0.99);

    r->decode = ceiling_decode(false);
    r->unpack = ceiling_decode(true);
}

/* YUEBAO_BENCH_ONLY=durable: durable ingest on ipc:// beside the store's two ceilings,
 * RUNS times, one line each; for working on the aggregator's store path (a profiler
 * attached to the aggregator sees only that work). */
static void durable_section(const char *bin_dir, int n_ind) {
    printf("%5s  %-9s %7s %7s %11s %5s   %-9s %-9s %-9s %-6s %-6s\n", "", "durable", "p50 ms", "p99 ms",
           "commits", "CPU", "apply", "INSERT", "INS/row", "d/apl", "d/INS");
    for (int k = 1; k <= RUNS; k++) {
        durable_t d;
        char path[PATH_MAX + 64], commits[32];
        double apply, raw, row;
        durable_run(k, bin_dir, n_ind, VIA_IPC, &d);
        snprintf(path, sizeof path, "%s/ceiling-apply-%d.db", B.tmp, k);
        apply = ceiling_rstore(path, TXN_REPORTS);
        snprintf(path, sizeof path, "%s/ceiling-raw-%d.db", B.tmp, k);
        raw = ceiling_raw_values(path, TXN_REPORTS, false);
        snprintf(path, sizeof path, "%s/ceiling-row-%d.db", B.tmp, k);
        row = ceiling_raw_values(path, TXN_REPORTS, true);
        snprintf(commits, sizeof commits, "%llu x %.0f", d.commits, d.mean_batch);
        printf("%5d  %-9s %7.1f %7.1f %11s %4.0f%%   %-9s %-9s %-9s %-6.2f %-6.2f\n", k, bench_grouped(d.rps),
               d.p50_ms, d.p99_ms, commits, d.cpu_share * 100, bench_grouped(apply), bench_grouped(raw),
               bench_grouped(row), d.rps / apply, d.rps / raw);
        fflush(stdout);
    }
}

/* The median over the first n rounds of the double at offset off in round_t. */
static double median_of(const round_t *rounds, int n, size_t off) {
    double v[RUNS];
    for (int k = 0; k < n; k++)
        memcpy(&v[k], (const char *)&rounds[k] + off, sizeof v[k]);
    return bench_median(v, (size_t)n);
}
#define MEDIAN(field) median_of(rounds, RUNS, offsetof(round_t, field))
#define MEDIAN_CURVE(field) median_of(rounds, CURVE_RUNS, offsetof(round_t, field))

int main(int argc, char **argv) {
    static round_t rounds[RUNS];
    char indicators[PATH_MAX], path[PATH_MAX + 64];
    const char *tmpdir = getenv("TMPDIR");
    int zmaj, zmin, zpat, n_ind;
    bool tmpfs;
    size_t bytes;
    double rps, vps, p50, p99, batch, apply, same, raw, raw_row, echo, e50, e99, dec, unpack;
    double tcp, tcp50, tcp99, tcp_cpu, curve, curve50, curve99, curve_cpu, paired;
    long agg_rss = -1, bench_rss;

    if (argc < 2 || argc > 3 || argv[1][0] == '-') {
        fprintf(stderr,
                "usage: %s BIN_DIR [EXAMPLES_DIR]\n"
                "  BIN_DIR       the folder with yuebao-aggregator (make bench passes build/bin)\n"
                "  EXAMPLES_DIR  the folder with indicators.csv (default: examples/sample-city,\n"
                "                found by walking up from BIN_DIR)\n",
                argv[0]);
        return 2;
    }
    setenv("YUEBAO_LOG", "warn", 0); /* this process: no "schema migrated" chatter */
    unsetenv("YUEBAO_NOW");          /* 2016 periods must not be "in the future" */
    bench_init("bench_ingest", cleanup);

    find_indicators(argv[1], argc > 2 ? argv[2] : NULL, indicators, sizeof indicators);
    if (snprintf(path, sizeof path, "%s/yuebao-bench-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp") > 80)
        bench_fail("%s: too long for an ipc:// endpoint; set TMPDIR to a shorter folder", path);
    if (!mkdtemp(path)) bench_fail("mkdtemp %s: %s", path, strerror(errno));
    memcpy(B.tmp, path, strlen(path) + 1);

    write_master(indicators);
    n_ind = (int)B.master->n_indicators;
    bytes = build_reports();
    make_keys();
    zmq_version(&zmaj, &zmin, &zpat);
    if (getenv("YUEBAO_BENCH_ONLY") && !strcmp(getenv("YUEBAO_BENCH_ONLY"), "viewers")) {
        viewers_section(argv[1]); /* the live viewers' section alone (when working on yuebao-web) */
        return 0;
    }
    if (getenv("YUEBAO_BENCH_ONLY") && !strcmp(getenv("YUEBAO_BENCH_ONLY"), "durable")) {
        durable_section(argv[1], n_ind); /* durable ingest and its store ceilings alone (profiling) */
        return 0;
    }

    printf("yuebao ingest benchmark (DESIGN §8): durable ingest beside the raw ceilings of the same work\n");
    printf("  workload  %d collectors (counties 900001..900010), %d zones each, %s reports each:\n"
           "            %s reports x %d values (the indicators of examples/sample-city) = %s values,\n"
           "            periods %d-%02d..%d-%02d month by month, %s bytes per encoded report on average\n",
           N_COUNTIES, ZONES_PER_COUNTY, bench_grouped(PER_CLIENT), bench_grouped(N_REPORTS), n_ind,
           bench_grouped((double)N_REPORTS * n_ind), YEAR, FIRST_MONTH, YEAR, FIRST_MONTH + N_PERIODS - 1,
           bench_grouped((double)bytes / N_REPORTS));
    printf("  load      every collector keeps %d reports in flight (%d in all)\n", WINDOW,
           WINDOW * N_COUNTIES);
    printf("  machine   %ld CPUs; SQLite %s, ZeroMQ %d.%d.%d, protobuf-c %s\n", sysconf(_SC_NPROCESSORS_ONLN),
           sqlite3_libversion(), zmaj, zmin, zpat, protobuf_c_version());
    printf("  scratch   %s (%s)\n", B.tmp, bench_fs_name(B.tmp, &tmpfs));
    if (tmpfs)
        printf("  WARNING   %s is a tmpfs: fsync costs nothing there, so every durable figure\n"
               "            below is flattered. Point TMPDIR at a folder on a real disk.\n",
               B.tmp);

    /* The rounds, each printed as it completes. */
    printf("\n%d rounds; each: a fresh aggregator on a fresh store (in rounds 1-%d one more for plain TCP\n"
           "and one for CURVE), then every ceiling. Per round (reports/s unless noted):\n",
           RUNS, CURVE_RUNS);
    printf("%5s  %-9s %7s %7s %11s %5s   %-9s %-9s %-6s   %-9s %-13s %-9s %-9s %-9s %-9s %-9s\n", "",
           "durable", "p50 ms", "p99 ms", "commits", "CPU", "tcp", "CURVE", "C/tcp", "apply", "apply@batch",
           "INSERT", "row", "echo/s", "decode", "unpack");
    fflush(stdout);
    for (int k = 0; k < RUNS; k++) {
        round_t *r = &rounds[k];
        char commits[32], same_col[32], cpu[16], tcp_col[32] = "-", curve_col[32] = "-", ratio_col[16] = "-";
        measure_round(k + 1, argv[1], n_ind, r);
        if (r->dur.rss_kb > agg_rss) agg_rss = r->dur.rss_kb;
        snprintf(commits, sizeof commits, "%llu x %.0f", r->dur.commits, r->dur.mean_batch);
        snprintf(same_col, sizeof same_col, "%s@%zu", bench_grouped(r->apply_same), r->same_batch);
        snprintf(cpu, sizeof cpu, "%.0f%%", r->dur.cpu_share * 100);
        if (k < CURVE_RUNS) {
            snprintf(tcp_col, sizeof tcp_col, "%s", bench_grouped(r->tcp.rps));
            snprintf(curve_col, sizeof curve_col, "%s", bench_grouped(r->curve.rps));
            snprintf(ratio_col, sizeof ratio_col, "%.2f", r->curve_ratio);
        }
        printf("%5d  %-9s %7.1f %7.1f %11s %5s   %-9s %-9s %-6s   %-9s %-13s %-9s %-9s %-9s %-9s %-9s\n",
               k + 1, bench_grouped(r->dur.rps), r->dur.p50_ms, r->dur.p99_ms, commits,
               r->dur.cpu_share >= 0 ? cpu : "?", tcp_col, curve_col, ratio_col, bench_grouped(r->apply),
               same_col, bench_grouped(r->raw), bench_grouped(r->raw_row), bench_grouped(r->echo),
               bench_grouped(r->decode), bench_grouped(r->unpack));
        fflush(stdout);
    }
    printf("\n  durable   the real aggregator on ipc://; in every run (this, tcp and CURVE) all %s acks\n"
           "            ACCEPTED and the store holding all %s reports and %s values (%.1f MB with its\n"
           "            WAL). commits: group commits x mean reports per commit; CPU: the aggregator's CPU\n"
           "            time / wall time\n"
           "  tcp       the same on tcp://127.0.0.1, --insecure; CURVE: the same with CURVE; C/tcp: CURVE\n"
           "            / tcp, the two run back to back; only in rounds 1-%d (4)\n"
           "  apply     rstore_apply, %d reports/txn; apply@batch: the same at the aggregator's batch\n"
           "  INSERT    bare INSERT of the value rows only, one run per report, %d reports/txn; row:\n"
           "            the same, one run per value row\n"
           "  echo/s    ZeroMQ DEALER/ROUTER echo, same bytes, %d x %d in flight\n"
           "  decode    codec_decode; unpack: protobuf-c's unpack alone\n",
           bench_grouped(N_REPORTS), bench_grouped(N_REPORTS), bench_grouped((double)N_REPORTS * n_ind),
           (double)rounds[0].dur.store_bytes / 1e6, CURVE_RUNS, TXN_REPORTS, TXN_REPORTS, N_COUNTIES, WINDOW);

    rps = MEDIAN(dur.rps);
    vps = rps * n_ind;
    p50 = MEDIAN(dur.p50_ms);
    p99 = MEDIAN(dur.p99_ms);
    batch = MEDIAN(dur.mean_batch);
    apply = MEDIAN(apply);
    same = MEDIAN(apply_same);
    raw = MEDIAN(raw);
    raw_row = MEDIAN(raw_row);
    echo = MEDIAN(echo);
    e50 = MEDIAN(echo_p50);
    e99 = MEDIAN(echo_p99);
    dec = MEDIAN(decode);
    unpack = MEDIAN(unpack);
    tcp = MEDIAN_CURVE(tcp.rps);
    tcp50 = MEDIAN_CURVE(tcp.p50_ms);
    tcp99 = MEDIAN_CURVE(tcp.p99_ms);
    tcp_cpu = MEDIAN_CURVE(tcp.cpu_share);
    curve = MEDIAN_CURVE(curve.rps);
    curve50 = MEDIAN_CURVE(curve.p50_ms);
    curve99 = MEDIAN_CURVE(curve.p99_ms);
    curve_cpu = MEDIAN_CURVE(curve.cpu_share);
    paired = MEDIAN_CURVE(curve_ratio);
    bench_rss = bench_vm_hwm_kb(0);

    /* The table: each figure beside the ceilings of the same work (medians of the rounds). */
    {
        char m[48], c[48], what[64];
#define ROW(fig, meas, ceil, name, r) printf("%-24s %-19s %-19s %-42s %s\n", fig, meas, ceil, name, r)
        printf("\nMedians of the %d rounds (the CURVE and plain TCP rows: of rounds 1-%d):\n\n", RUNS,
               CURVE_RUNS);
        ROW("figure", "measured", "ceiling", "the ceiling is", "ratio");
        ROW("------", "--------", "-------", "--------------", "-----");
        snprintf(m, sizeof m, "%s reports/s", bench_grouped(rps));
        snprintf(c, sizeof c, "%s reports/s", bench_grouped(apply));
        snprintf(what, sizeof what, "SQLite rstore_apply, %d reports/txn", TXN_REPORTS);
        ROW("durable ingest", m, c, what, bench_ratio(rps, apply));
        snprintf(c, sizeof c, "%s reports/s", bench_grouped(same));
        ROW("", "", c, "SQLite rstore_apply, the same batches (1)", bench_ratio(rps, same));
        snprintf(c, sizeof c, "%s reports/s", bench_grouped(raw));
        ROW("", "", c, "SQLite bare INSERT of the value rows (2)", bench_ratio(rps, raw));
        snprintf(c, sizeof c, "%s reports/s", bench_grouped(raw_row));
        ROW("", "", c, "the same, one INSERT run per value row (2)", bench_ratio(rps, raw_row));
        snprintf(c, sizeof c, "%s msgs/s", bench_grouped(echo));
        snprintf(what, sizeof what, "ZeroMQ DEALER/ROUTER echo, %d x %d", N_COUNTIES, WINDOW);
        ROW("", "", c, what, bench_ratio(rps, echo));
        snprintf(c, sizeof c, "%s reports/s", bench_grouped(dec));
        ROW("", "", c, "protobuf: codec_decode", bench_ratio(rps, dec));
        snprintf(c, sizeof c, "%s reports/s", bench_grouped(unpack));
        ROW("", "", c, "protobuf: protobuf-c unpack alone", bench_ratio(rps, unpack));

        snprintf(m, sizeof m, "%s values/s", bench_grouped(vps));
        snprintf(c, sizeof c, "%s values/s", bench_grouped(apply * n_ind));
        snprintf(what, sizeof what, "SQLite rstore_apply, %d reports/txn", TXN_REPORTS);
        ROW("durable ingest, values", m, c, what, bench_ratio(vps, apply * n_ind));
        snprintf(c, sizeof c, "%s rows/s", bench_grouped(raw * n_ind));
        ROW("", "", c, "SQLite bare INSERT of the value rows (2)", bench_ratio(vps, raw * n_ind));

        snprintf(m, sizeof m, "%.1f ms", p50);
        snprintf(c, sizeof c, "%.2f ms", e50);
        ROW("ack latency p50 (3)", m, c, "ZeroMQ echo round trip p50, same load", bench_ratio(p50, e50));
        snprintf(m, sizeof m, "%.1f ms", p99);
        snprintf(c, sizeof c, "%.2f ms", e99);
        ROW("ack latency p99 (3)", m, c, "ZeroMQ echo round trip p99, same load", bench_ratio(p99, e99));

        snprintf(m, sizeof m, "%s reports/s", bench_grouped(curve));
        snprintf(c, sizeof c, "%s reports/s", bench_grouped(tcp));
        ROW("CURVE ingest (4)", m, c, "the same over plain TCP (--insecure)", bench_ratio(curve, tcp));
        ROW("", "", "", "the same, median of the per-round ratios", bench_ratio(paired, 1));
        snprintf(c, sizeof c, "%s reports/s", bench_grouped(rps));
        ROW("", "", c, "durable ingest over ipc:// (above)", bench_ratio(curve, rps));
        snprintf(m, sizeof m, "%s reports/s", bench_grouped(tcp));
        ROW("plain TCP ingest (4)", m, c, "durable ingest over ipc:// (above)", bench_ratio(tcp, rps));
        snprintf(m, sizeof m, "%.1f ms", curve50);
        snprintf(c, sizeof c, "%.1f ms", tcp50);
        ROW("CURVE ack p50 (3)", m, c, "the same over plain TCP, p50", bench_ratio(curve50, tcp50));
        snprintf(m, sizeof m, "%.1f ms", curve99);
        snprintf(c, sizeof c, "%.1f ms", tcp99);
        ROW("CURVE ack p99 (3)", m, c, "the same over plain TCP, p99", bench_ratio(curve99, tcp99));
        snprintf(m, sizeof m, "%.0f%%", curve_cpu * 100);
        snprintf(c, sizeof c, "%.0f%%", tcp_cpu * 100);
        ROW("CURVE aggregator CPU", curve_cpu >= 0 ? m : "unknown", tcp_cpu >= 0 ? c : "unknown",
            "the same over plain TCP (CPU / wall time)", bench_ratio(curve_cpu, tcp_cpu));

        snprintf(m, sizeof m, "%.1f MB", (double)agg_rss / 1024);
        ROW("peak RSS aggregator", agg_rss >= 0 ? m : "unknown", "", "VmHWM before SIGTERM, highest round",
            "");
        snprintf(m, sizeof m, "%.1f MB", (double)bench_rss / 1024);
        ROW("peak RSS bench_ingest", bench_rss >= 0 ? m : "unknown", "",
            "this process, all reports pre-built", "");
#undef ROW
    }
    printf("\n(1) one transaction per the aggregator's own mean group commit of that round (median\n"
           "    %.0f reports), so batching is held equal.\n",
           batch);
    printf("(2) one prepared INSERT INTO report_values per report, all its value rows in one run\n"
           "    (VALUES (...), (...), ...: the cheaper form, which rstore_apply uses too), %d reports\n"
           "    per transaction: no history row, no content blob, no report row, no read - the\n"
           "    lowest-level ceiling. Below it the same with one run per value row, the ceiling\n"
           "    this bench used before the store wrote its rows so.\n",
           TXN_REPORTS);
    printf("(3) from each report's send to its ack, with %d reports in flight throughout: the\n"
           "    latency of a saturated aggregator (Little's law: in flight / throughput).\n",
           WINDOW * N_COUNTIES);
    printf("(4) on tcp://127.0.0.1:<free port>, a fresh aggregator and store per run, CURVE and plain\n"
           "    TCP back to back in rounds 1-%d only (two more aggregator runs in every round would\n"
           "    more than double the bench's time), taking turns at going first. CURVE: the\n"
           "    aggregator without --insecure, with a server key and authorized_keys holding one key\n"
           "    per county; each DEALER with its county's key pair, the county taken from the ZAP\n"
           "    User-Id. The 10 handshakes are inside the wall time, so the ratio holds both the\n"
           "    encryption and the handshakes, and not ipc:// versus TCP.\n",
           CURVE_RUNS);
    {
        /* Name the tightest ceiling of the whole path: that is where the time goes. */
        const char *what = "SQLite rstore_apply";
        double lowest = apply;
        if (echo < lowest) {
            lowest = echo;
            what = "the ZeroMQ echo";
        }
        if (dec < lowest) {
            lowest = dec;
            what = "codec_decode";
        }
        printf("\nThe lowest ceiling is %s at %s reports/s; durable ingest reaches %.2f of it.\n", what,
               bench_grouped(lowest), rps / lowest);
    }

    /* The latency at a set load, after the rounds (it needs no ceiling of its own: its
     * goal is absolute). */
    {
        paced_t pr[PACED_RUNS];
        double v50[PACED_RUNS], v99[PACED_RUNS], l50, l99;
        printf("\nSubmit -> ack latency at a set load, over CURVE: %d runs, each a fresh aggregator as in\n"
               "production (CURVE on tcp://127.0.0.1, authorized_keys) fed %s reports at %s reports/s,\n"
               "paced (report j sent at j / rate, whatever came back: an open loop) by the %d collectors\n\n",
               PACED_RUNS, bench_grouped(PACED_REPORTS), bench_grouped(PACED_RATE), N_COUNTIES);
        printf("   run   p50 ms   p99 ms   max ms   aggregator CPU\n");
        for (int k = 0; k < PACED_RUNS; k++) {
            paced_run(k + 1, argv[1], &pr[k]);
            v50[k] = pr[k].p50_ms;
            v99[k] = pr[k].p99_ms;
            printf("   %3d   %6.2f   %6.2f   %6.1f   %.0f%%\n", k + 1, pr[k].p50_ms, pr[k].p99_ms, pr[k].max_ms,
                   pr[k].cpu_share * 100);
            fflush(stdout);
        }
        l50 = bench_median(v50, PACED_RUNS);
        l99 = bench_median(v99, PACED_RUNS);

        printf("\nGoals (issue 17)                                   goal              measured          met\n");
        printf("  durable ingest / bare INSERT of the value rows     >= 0.80 x         %-17s %s\n",
               bench_ratio(rps, raw), rps >= 0.8 * raw ? "yes" : "no");
        printf("  durable ingest                                     >= 50 000/s       %-17s %s\n",
               bench_grouped(rps), rps >= 50000 ? "yes" : "no");
        printf("  ack latency p50 at %s reports/s, CURVE           <= 2 ms           %-17.2f %s\n",
               bench_grouped(PACED_RATE), l50, l50 <= 2 ? "yes" : "no");
        printf("  ack latency p99 at %s reports/s, CURVE           <= 10 ms          %-17.2f %s\n",
               bench_grouped(PACED_RATE), l99, l99 <= 10 ? "yes" : "no");
        printf("  (medians: of the %d rounds for the ingest, of the %d paced runs for the latency)\n", RUNS,
               PACED_RUNS);
    }

    viewers_section(argv[1]);
    return 0;
}
