/* test_e2e_security.c - CURVE between the real daemons over TCP loopback, attacked.
 *
 * Every test starts its own aggregator (and collectors, a scorer, the CLI) with keys
 * made by `yuebao keygen` in its temporary folder, never --insecure unless that is what
 * is tested, and checks what a user would: the row in the store, the status a
 * collector prints and exits with, the daemons' log lines and exit statuses.
 *
 *   right_county      a listed key reports its own county's zone: ACCEPTED, stored
 *   wrong_county      a key listed for 410602 sends 410603's zone (the collector claims
 *                     410603): REJECTED, nothing stored, the log names key and county
 *   unknown_key       refused by the ZAP handler: nothing stored, the collector says so
 *   plain_client      --insecure (and a wrong server key) against CURVE: no handshake
 *   sighup_reload     a waiting report arrives once its key is listed and the list
 *                     reloaded; a broken list on reload keeps the previous one
 *   key_files         a secret key readable by others, a missing or ambiguous
 *                     authorized_keys: the programs refuse to start
 *   insecure_scope    --insecure only on loopback (an address, not a name that looks
 *                     like one), and loudly
 *   subscribers       the scorer's events from the aggregator over CURVE; alerts only
 *                     for a key in the scorer's subscriber_keys
 *   rate_limit        a flooding county is held back, and loses nothing
 *
 * The clock is pinned at 2017-07-05 (YUEBAO_NOW, inherited by the daemons).
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"

#define P(...) e2e_fmt(__VA_ARGS__)

static char dir[256];

static void setup(void) {
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-05", 1), 0);
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
}

static void teardown(void) {
    e2e_cleanup();
}

TestSuite(e2e_security, .init = setup, .fini = teardown, .timeout = 300);

/* Waits: generous, and more so when the programs run under valgrind. */
static int wait_ms(void) {
    return e2e_scaled_ms(E2E_WAIT_MS);
}

/* A status of a program that refused to start: an exit, not a crash (128+signal) nor
 * valgrind's 99 for a memory error. */
static bool refused_to_start(int st) {
    return st > 0 && st < 128 && st != 99;
}

/* --- keys ---------------------------------------------------------------------------- */

typedef struct {
    char key[300]; /* NAME.key */
    char pub[300]; /* NAME.pub */
    char z85[64];  /* the public key */
} ykey_t;

/* `yuebao keygen dir/name`: checks the files it writes and reads the public key. */
static void keygen(ykey_t *k, const char *name) {
    struct stat sb;
    char *text, *line, *save = NULL;
    int st;
    memset(k, 0, sizeof *k);
    snprintf(k->key, sizeof k->key, "%s/%s.key", dir, name);
    snprintf(k->pub, sizeof k->pub, "%s/%s.pub", dir, name);
    st = e2e_runl(P("%s/keygen-%s", dir, name), NULL, wait_ms(), e2e_bin("yuebao"), "keygen",
                  P("%s/%s", dir, name), NULL);
    cr_assert_eq(st, 0, "yuebao keygen %s: status %d\n%s", name, st,
                 e2e_tail(P("%s/keygen-%s.err", dir, name), 2000));
    cr_assert_eq(stat(k->key, &sb), 0, "%s written", k->key);
    cr_assert_eq(sb.st_mode & 0777, 0600, "%s: mode %o, not 0600", k->key, (unsigned)(sb.st_mode & 0777));
    text = e2e_read_file(k->pub);
    cr_assert_not_null(text, "%s written", k->pub);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (line[0] != '#' && line[0] != '\0') {
            snprintf(k->z85, sizeof k->z85, "%s", line);
            break;
        }
    free(text);
    cr_assert_eq(strlen(k->z85), 40, "%s: a Z85 key line, got \"%s\"", k->pub, k->z85);
}

/* Writes (mode "w") or appends ("a") one line to a file. */
static void put_line(const char *path, const char *mode, const char *line) {
    FILE *f = fopen(path, mode);
    cr_assert_not_null(f, "open %s", path);
    cr_assert_geq(fprintf(f, "%s\n", line), 0);
    cr_assert_eq(fclose(f), 0);
}

/* A key list line: "<z85> <name> [comment]". */
static const char *entry(const ykey_t *k, const char *name, const char *comment) {
    return P("%s %s %s", k->z85, name, comment);
}

/* --- the programs ------------------------------------------------------------------- */

#define MAX_ARGV 64

typedef struct {
    char *v[MAX_ARGV];
    char buf[MAX_ARGV][1100];
    int n;
} argv_t;

/* Appends one argument (copied). */
static void arg(argv_t *a, const char *s) {
    cr_assert_lt(a->n, MAX_ARGV - 1, "too many arguments");
    snprintf(a->buf[a->n], sizeof a->buf[0], "%s", s);
    a->v[a->n] = a->buf[a->n];
    a->v[++a->n] = NULL;
}

/* Appends "--set" and the formatted KEY=VALUE. */
static void set(argv_t *a, const char *kv) {
    arg(a, "--set");
    arg(a, kv);
}

static void args(argv_t *a, const char *const *list) {
    for (size_t i = 0; list && list[i]; i++)
        arg(a, list[i]);
}

typedef struct {
    char listen[64], publish[64]; /* publish "" = none */
    char snapshot[64];            /* the live totals' snapshot ROUTER when publishing */
    char store[320];
    char log[320], err_log[330];
    pid_t pid;
} sagg_t;

/* The aggregator with CURVE: its key dir/agg.key, dir/authorized_keys and (when it
 * publishes) dir/subscriber_keys. Log base dir/<name>. extra: NULL-terminated
 * arguments after those (a later --set wins), or NULL. Does not wait: the pid. */
static pid_t agg_spawn(sagg_t *a, const char *name, bool publish, const char *const *extra) {
    static argv_t av;
    memset(a, 0, sizeof *a);
    memset(&av, 0, sizeof av);
    snprintf(a->listen, sizeof a->listen, "tcp://127.0.0.1:%d", e2e_free_port());
    if (publish) {
        int port;
        while ((port = e2e_free_port()) > 0 && strstr(a->listen, P(":%d", port))) {}
        snprintf(a->publish, sizeof a->publish, "tcp://127.0.0.1:%d", port);
        while ((port = e2e_free_port()) > 0 &&
               (strstr(a->listen, P(":%d", port)) || strstr(a->publish, P(":%d", port)))) {}
        snprintf(a->snapshot, sizeof a->snapshot, "tcp://127.0.0.1:%d", port);
    }
    snprintf(a->store, sizeof a->store, "%s/store.db", dir);
    snprintf(a->log, sizeof a->log, "%s/%s", dir, name);
    snprintf(a->err_log, sizeof a->err_log, "%s.err", a->log);
    arg(&av, e2e_bin("yuebao-aggregator"));
    set(&av, P("master_dir=%s", e2e_city()));
    set(&av, P("store=%s", a->store));
    set(&av, P("listen=%s", a->listen));
    set(&av, P("publish=%s", a->publish));
    set(&av, P("snapshot=%s", a->snapshot));
    set(&av, "heartbeat_ms=100");
    set(&av, P("key=%s/agg.key", dir));
    set(&av, P("authorized_keys=%s/authorized_keys", dir));
    set(&av, P("subscriber_keys=%s/subscriber_keys", dir));
    args(&av, extra);
    a->pid = e2e_start(a->log, av.v);
    return a->pid;
}

/* The same, and waits for "ready:". */
static void agg_start(sagg_t *a, const char *name, bool publish, const char *const *extra) {
    cr_assert_gt(agg_spawn(a, name, publish, extra), 0);
    cr_assert_eq(e2e_wait_log(a->err_log, "ready:", a->pid, wait_ms()), 0, "aggregator not ready:\n%s",
                 e2e_tail(a->err_log, 3000));
}

static void agg_stop(sagg_t *a) {
    int st = e2e_stop(a->pid, wait_ms());
    a->pid = 0;
    cr_assert_eq(st, 0, "the aggregator stops cleanly (99: valgrind found errors), status %d:\n%s", st,
                 e2e_tail(a->err_log, 3000));
}

/* Sends SIGHUP and waits until the reload has been logged: the n-th occurrence of what. */
static void agg_reload(sagg_t *a, const char *what, int n) {
    cr_assert_eq(kill(a->pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log_n(a->err_log, what, n, a->pid, wait_ms()), 0,
                 "no \"%s\" (×%d) after SIGHUP:\n%s", what, n, e2e_tail(a->err_log, 3000));
}

/* `yuebao-collector submit` as county with secret key k (NULL: --insecure) and the
 * server's public key file server_pub to endpoint, outbox dir/outbox-<name>.db, log base
 * dir/<name>. extra: NULL-terminated options, or NULL; files NULL-terminated. Returns
 * the exit status; its stdout in *out (free it). */
static int submit(const char *name, char **out, const char *county, const ykey_t *k, const char *server_pub,
                  const char *endpoint, int timeout_s, const char *const *extra, const char *const *files) {
    static argv_t av;
    memset(&av, 0, sizeof av);
    arg(&av, e2e_bin("yuebao-collector"));
    arg(&av, "submit");
    if (!k) arg(&av, "--insecure");
    set(&av, P("county=%s", county));
    set(&av, P("master_dir=%s", e2e_city()));
    set(&av, P("aggregator=%s", endpoint));
    set(&av, P("outbox=%s/outbox-%s.db", dir, name));
    if (k) {
        set(&av, P("key=%s", k->key));
        set(&av, P("server_key=%s", server_pub));
    }
    arg(&av, "--timeout");
    arg(&av, P("%d", timeout_s));
    args(&av, extra);
    args(&av, files);
    return e2e_run(P("%s/%s", dir, name), out, timeout_s * 1000 + 2 * wait_ms(), av.v);
}

/* The collector daemon for county in dir/<name>/ (inbox, done, rejected, outbox.db),
 * settle 100 ms, retries 200 … 1000 ms, with CURVE. Log base dir/<name>/collector.
 * Waits for "ready:". */
static pid_t collector_start(const char *name, const char *county, const ykey_t *k, const char *server_pub,
                             const char *endpoint) {
    static argv_t av;
    char cdir[300];
    pid_t pid;
    snprintf(cdir, sizeof cdir, "%s/%s", dir, name);
    memset(&av, 0, sizeof av);
    cr_assert_eq(mkdir(cdir, 0755), 0, "mkdir %s", cdir);
    arg(&av, e2e_bin("yuebao-collector"));
    set(&av, P("county=%s", county));
    set(&av, P("master_dir=%s", e2e_city()));
    set(&av, P("aggregator=%s", endpoint));
    set(&av, P("outbox=%s/outbox.db", cdir));
    set(&av, P("inbox=%s/inbox", cdir));
    set(&av, P("done=%s/done", cdir));
    set(&av, P("rejected=%s/rejected", cdir));
    set(&av, "settle_ms=100");
    set(&av, "retry_min_ms=200");
    set(&av, "retry_max_ms=1000");
    set(&av, P("key=%s", k->key));
    set(&av, P("server_key=%s", server_pub));
    pid = e2e_start(P("%s/collector", cdir), av.v);
    cr_assert_gt(pid, 0);
    cr_assert_eq(e2e_wait_log(P("%s/collector.err", cdir), "ready:", pid, wait_ms()), 0,
                 "collector not ready:\n%s", e2e_tail(P("%s/collector.err", cdir), 3000));
    return pid;
}

/* A sample report file, in a ring of its own (e2e_fmt's is shared by every helper). */
static const char *report_file(const char *period, const char *county) {
    static char ring[16][512];
    static unsigned next;
    char *buf = ring[next++ % 16];
    snprintf(buf, sizeof ring[0], "%s", e2e_sample(P("reports/%s/%s.csv", period, county)));
    return buf;
}

/* Rows of zone/period in the store: the current report and its values. */
static int64_t stored_reports(const sagg_t *a, const char *zone, const char *period) {
    return e2e_sql_int(a->store, "SELECT count(*) FROM reports WHERE zone = '%s' AND period = '%s'", zone,
                       period);
}

static int64_t stored_values(const sagg_t *a, const char *zone, const char *period) {
    return e2e_sql_int(a->store, "SELECT count(*) FROM report_values WHERE zone = '%s' AND period = '%s'",
                       zone, period);
}

static bool starts_with(const char *s, const char *prefix) {
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The usual keys: the aggregator's and 鹤山区 (410602)'s, listed for 410602. */
static ykey_t agg_key, k602;

static void usual_keys(void) {
    keygen(&agg_key, "agg");
    keygen(&k602, "county-410602");
    put_line(P("%s/authorized_keys", dir), "w", "# county keys: <public key> <county> [comment]");
    put_line(P("%s/authorized_keys", dir), "a", entry(&k602, "410602", "鹤山区 office"));
    put_line(P("%s/subscriber_keys", dir), "w", "# nobody yet");
}

/* --- 1. the right county --------------------------------------------------------------- */

Test(e2e_security, right_county) {
    sagg_t a;
    char *out = NULL;
    const char *files[] = {report_file("2017-06", "410602"), NULL};
    int st;
    usual_keys();
    agg_start(&a, "aggregator", false, NULL);
    cr_assert_eq(e2e_count_in_file(a.err_log, "INSECURE"), 0, "no insecure mode:\n%s",
                 e2e_tail(a.err_log, 2000));
    cr_assert_geq(e2e_count_in_file(a.err_log, P("CURVE: server key %s", agg_key.z85)), 1,
                  "the log names the server key:\n%s", e2e_tail(a.err_log, 2000));

    st = submit("submit", &out, "410602", &k602, agg_key.pub, a.listen, 20, NULL, files);
    cr_assert_eq(st, 0, "submit: status %d\n%s\n%s", st, out, e2e_tail(P("%s/submit.err", dir), 2000));
    cr_assert(starts_with(out, "ACCEPTED"), "ACCEPTED: %s", out);
    cr_assert(strstr(out, "baoshan 2017-06 revision 1"), "%s", out);
    free(out);

    cr_assert_eq(stored_reports(&a, "baoshan", "2017-06"), 1);
    cr_assert_gt(stored_values(&a, "baoshan", "2017-06"), 0);
    cr_assert_eq(e2e_sql_int(a.store, "SELECT count(*) FROM reports WHERE zone = 'baoshan' AND period = "
                                      "'2017-06' AND county = '410602'"),
                 1, "stored as the key's county");
    /* the history names the key that sent it, so a stolen or rotated key can be traced
     * (Z85 has no quote character, so the key can go into the SQL as it is) */
    cr_assert_eq(e2e_sql_int(a.store,
                             "SELECT count(*) FROM report_history WHERE zone = 'baoshan' AND "
                             "county = '410602' AND sender = '%s'",
                             k602.z85),
                 1, "the history's sender is the key %s", k602.z85);
    agg_stop(&a);
}

/* --- 2. a key listed for another county ------------------------------------------------ */

Test(e2e_security, wrong_county) {
    sagg_t a;
    char *out = NULL;
    const char *files[] = {report_file("2017-06", "410603"), NULL};
    int st;
    usual_keys();
    agg_start(&a, "aggregator", false, NULL);

    /* 410602's key in a collector that says it is 410603 (its own checks pass), sending
     * 山城区's zone: the aggregator goes by the key */
    st = submit("submit", &out, "410603", &k602, agg_key.pub, a.listen, 20, NULL, files);
    cr_assert_eq(st, 1, "REJECTED exits 1, got %d\n%s\n%s", st, out, e2e_tail(P("%s/submit.err", dir), 2000));
    cr_assert(starts_with(out, "REJECTED"), "REJECTED: %s", out);
    cr_assert(strstr(out, "shancheng 2017-06"), "%s", out);
    cr_assert(strstr(out, "410602"), "the collector is told which county its key reports for: %s", out);
    free(out);

    cr_assert_eq(stored_values(&a, "shancheng", "2017-06"), 0, "nothing of shancheng stored");
    cr_assert_eq(stored_reports(&a, "shancheng", "2017-06"), 0);
    cr_assert_eq(e2e_sql_int(a.store, "SELECT count(*) FROM report_history"), 0);
    cr_assert_eq(e2e_sql_int(a.store, "SELECT count(*) FROM rejections WHERE county = '410602' AND zone = "
                                      "'shancheng' AND period = '2017-06'"),
                 1, "the rejection is recorded against the key's county");
    cr_assert_geq(e2e_count_in_file(a.err_log, P("from county 410602 key %s", k602.z85)), 1,
                  "the log names the county and the key:\n%s", e2e_tail(a.err_log, 3000));
    agg_stop(&a);
}

/* --- 3. a key nobody listed ------------------------------------------------------------ */

Test(e2e_security, unknown_key) {
    sagg_t a;
    ykey_t stranger;
    char *out = NULL;
    const char *files[] = {report_file("2017-06", "410602"), NULL};
    char *err;
    int st;
    usual_keys();
    keygen(&stranger, "stranger");
    agg_start(&a, "aggregator", false, NULL);

    /* it claims 410602, whose key is listed; its own key is not */
    st = submit("submit", &out, "410602", &stranger, agg_key.pub, a.listen, 3, NULL, files);
    err = e2e_read_file(P("%s/submit.err", dir));
    cr_assert_eq(st, 2, "a timeout (2), got %d\n%s\n%s", st, out, err);
    cr_assert(!strstr(out, "ACCEPTED"), "%s", out);
    cr_assert(err && strstr(err, "refused this collector's key"), "the collector says why:\n%s", err);
    cr_assert(strstr(err, stranger.z85), "and names its key:\n%s", err);
    free(err);
    free(out);

    cr_assert_eq(e2e_sql_int(a.store, "SELECT count(*) FROM reports"), 0);
    cr_assert_eq(e2e_sql_int(a.store, "SELECT count(*) FROM report_values"), 0);
    cr_assert_eq(e2e_sql_int(a.store, "SELECT count(*) FROM rejections"), 0, "not even looked at");
    cr_assert_eq(e2e_wait_log(a.err_log, "refused a CURVE client", a.pid, wait_ms()), 0, "%s",
                 e2e_tail(a.err_log, 3000));
    cr_assert_geq(e2e_count_in_file(a.err_log, P("key %s", stranger.z85)), 1, "the log names the key:\n%s",
                  e2e_tail(a.err_log, 3000));
    agg_stop(&a);
}

/* --- 4. no CURVE, or the wrong server --------------------------------------------------- */

Test(e2e_security, plain_client) {
    sagg_t a;
    char *out = NULL, *err;
    const char *files[] = {report_file("2017-06", "410602"), NULL};
    int st;
    usual_keys();
    agg_start(&a, "aggregator", false, NULL);

    /* plain ZeroMQ on loopback, naming 410602 in its routing id */
    st = submit("plain", &out, "410602", NULL, NULL, a.listen, 3, NULL, files);
    err = e2e_read_file(P("%s/plain.err", dir));
    cr_assert_eq(st, 2, "a timeout (2), got %d\n%s\n%s", st, out, err);
    cr_assert(!strstr(out, "ACCEPTED"), "%s", out);
    cr_assert(err && strstr(err, "handshake") && strstr(err, "failed"),
              "the collector says the handshake failed:\n%s", err);
    free(err);
    free(out);

    /* its own listed key, but the server key of somebody else: it cannot talk to an
     * impostor, and the real aggregator does not talk to it */
    st = submit("wrong-server", &out, "410602", &k602, k602.pub, a.listen, 3, NULL, files);
    err = e2e_read_file(P("%s/wrong-server.err", dir));
    cr_assert_eq(st, 2, "a timeout (2), got %d\n%s\n%s", st, out, err);
    cr_assert(err && strstr(err, "handshake") && strstr(err, "failed"), "%s", err);
    free(err);
    free(out);

    cr_assert_eq(e2e_sql_int(a.store, "SELECT count(*) FROM reports"), 0);
    cr_assert_eq(stored_values(&a, "baoshan", "2017-06"), 0);
    cr_assert_eq(e2e_sql_int(a.store, "SELECT count(*) FROM rejections"), 0);
    cr_assert_eq(e2e_alive(a.pid), true);
    agg_stop(&a);
}

/* --- 5. SIGHUP ------------------------------------------------------------------------- */

Test(e2e_security, sighup_reload) {
    sagg_t a;
    ykey_t k603;
    pid_t col;
    char *out = NULL, col_err[300];
    const char *files[] = {report_file("2017-04", "410603"), NULL};
    int st;
    snprintf(col_err, sizeof col_err, "%s/c603/collector.err", dir);
    usual_keys();
    keygen(&k603, "county-410603");
    agg_start(&a, "aggregator", false, NULL);
    cr_assert_eq(e2e_count_in_file(a.err_log, "authorized_keys: 1 key(s)"), 1);

    /* 山城区's collector is not listed yet: its report waits in the outbox */
    col = collector_start("c603", "410603", &k603, agg_key.pub, a.listen);
    cr_assert_eq(e2e_drop(report_file("2017-06", "410603"), P("%s/c603/inbox", dir), "410603.csv"), 0);
    cr_assert_eq(e2e_wait_log(col_err, "refused this collector's key", col, wait_ms()), 0, "%s",
                 e2e_tail(col_err, 3000));
    cr_assert_eq(e2e_wait_log(a.err_log, P("key %s", k603.z85), a.pid, wait_ms()), 0, "%s",
                 e2e_tail(a.err_log, 3000));
    cr_assert_eq(stored_reports(&a, "shancheng", "2017-06"), 0);

    /* listed, reloaded: the same collector, never restarted, gets through */
    put_line(P("%s/authorized_keys", dir), "a", entry(&k603, "410603", "山城区 office, added later"));
    agg_reload(&a, "authorized_keys: 2 key(s)", 1);
    cr_assert_eq(e2e_sql_wait(a.store, 1, 2 * wait_ms(),
                              "SELECT count(*) FROM reports WHERE zone = 'shancheng' AND period = '2017-06' "
                              "AND county = '410603'"),
                 1, "the waiting report arrives after the reload; the collector's log:\n%s",
                 e2e_tail(col_err, 3000));
    cr_assert_eq(e2e_alive(col), true);
    cr_assert_eq(e2e_wait_log(col_err, "410603.csv delivered", col, wait_ms()), 0, "the file is done:\n%s",
                 e2e_tail(col_err, 2000));

    /* a garbage line on reload: refused as a whole, the previous list stays */
    put_line(P("%s/authorized_keys", dir), "a", "this-is-not-a-key 410611");
    agg_reload(&a, "previous list stays in force", 1);
    cr_assert_eq(e2e_count_in_file(a.err_log, "authorized_keys: 2 key(s)"), 1, "not reloaded:\n%s",
                 e2e_tail(a.err_log, 2000));
    /* a new connection of a key of the previous list is still admitted */
    st = submit("after-bad-reload", &out, "410603", &k603, agg_key.pub, a.listen, 20, NULL, files);
    cr_assert_eq(st, 0, "status %d\n%s\n%s", st, out, e2e_tail(P("%s/after-bad-reload.err", dir), 2000));
    cr_assert(starts_with(out, "ACCEPTED"), "%s", out);
    free(out);
    cr_assert_eq(stored_reports(&a, "shancheng", "2017-04"), 1);

    /* and a key removed on reload no longer gets in on a new connection */
    put_line(P("%s/authorized_keys", dir), "w", entry(&k602, "410602", "only 鹤山区 again"));
    agg_reload(&a, "authorized_keys: 1 key(s)", 2);
    st = submit("after-removal", &out, "410603", &k603, agg_key.pub, a.listen, 3, NULL,
                (const char *[]){report_file("2017-03", "410603"), NULL});
    cr_assert_eq(st, 2, "refused after removal: status %d\n%s", st, out);
    free(out);
    cr_assert_eq(stored_reports(&a, "shancheng", "2017-03"), 0);

    /* a key listed for a county master data does not know is loaded, and named in a warning */
    put_line(P("%s/authorized_keys", dir), "a", entry(&k603, "999999", "a typo for 410603"));
    agg_reload(&a, "authorized_keys: 2 key(s)", 2);
    cr_assert_eq(e2e_count_in_file(a.err_log, "authorized_keys:2: county 999999 is not in master data"), 1,
                 "%s", e2e_tail(a.err_log, 2000));

    cr_assert_eq(e2e_stop(col, wait_ms()), 0, "the collector stops cleanly:\n%s", e2e_tail(col_err, 2000));
    agg_stop(&a);
}

/* --- 6. key files ---------------------------------------------------------------------- */

Test(e2e_security, key_files) {
    sagg_t a;
    ykey_t scorer_key;
    char *out = NULL;
    const char *files[] = {report_file("2017-06", "410602"), NULL};
    int st;
    usual_keys();
    keygen(&scorer_key, "scorer");

    /* the aggregator's secret key readable by everyone */
    cr_assert_eq(chmod(agg_key.key, 0644), 0);
    cr_assert_gt(agg_spawn(&a, "agg-0644", false, NULL), 0);
    st = e2e_wait(a.pid, wait_ms());
    cr_assert(refused_to_start(st), "the aggregator refuses to start: status %d\n%s", st,
              e2e_tail(a.err_log, 2000));
    cr_assert_geq(e2e_count_in_file(a.err_log, "chmod 600"), 1, "%s", e2e_tail(a.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(a.err_log, "ready:"), 0);
    cr_assert_eq(chmod(agg_key.key, 0600), 0);

    /* the collector's */
    cr_assert_eq(chmod(k602.key, 0644), 0);
    st = submit("submit-0644", &out, "410602", &k602, agg_key.pub, "tcp://127.0.0.1:9", 3, NULL, files);
    cr_assert(refused_to_start(st), "submit refuses: status %d\n%s", st, out);
    cr_assert_geq(e2e_count_in_file(P("%s/submit-0644.err", dir), "chmod 600"), 1, "%s",
                  e2e_tail(P("%s/submit-0644.err", dir), 2000));
    free(out);
    cr_assert_eq(chmod(k602.key, 0600), 0);

    /* the scorer's */
    cr_assert_eq(chmod(scorer_key.key, 0640), 0);
    {
        pid_t pid = e2e_startl(P("%s/scorer-0640", dir), e2e_bin("yuebao-scorer"), "--set",
                               P("master_dir=%s", e2e_city()), "--set", P("store=%s/store.db", dir), "--set",
                               P("scores=%s/scores.db", dir), "--set",
                               P("events=tcp://127.0.0.1:%d", e2e_free_port()), "--set",
                               P("publish=tcp://127.0.0.1:%d", e2e_free_port()), "--set",
                               P("snapshot=tcp://127.0.0.1:%d", e2e_free_port()), "--set",
                               P("key=%s", scorer_key.key), "--set", P("events_server_key=%s", agg_key.pub),
                               "--set", P("subscriber_keys=%s/subscriber_keys", dir), NULL);
        cr_assert_gt(pid, 0);
        st = e2e_wait(pid, wait_ms());
        cr_assert(refused_to_start(st), "the scorer refuses: status %d\n%s", st,
                  e2e_tail(P("%s/scorer-0640.err", dir), 2000));
        cr_assert_geq(e2e_count_in_file(P("%s/scorer-0640.err", dir), "chmod 600"), 1, "%s",
                      e2e_tail(P("%s/scorer-0640.err", dir), 2000));
    }
    cr_assert_eq(chmod(scorer_key.key, 0600), 0);

    /* authorized_keys missing */
    cr_assert_gt(agg_spawn(&a, "agg-no-list", false,
                           (const char *[]){"--set", P("authorized_keys=%s/no-such-file", dir), NULL}),
                 0);
    st = e2e_wait(a.pid, wait_ms());
    cr_assert(refused_to_start(st), "the aggregator refuses to start: status %d\n%s", st,
              e2e_tail(a.err_log, 2000));
    cr_assert_geq(e2e_count_in_file(a.err_log, "authorized_keys"), 1, "%s", e2e_tail(a.err_log, 2000));

    /* authorized_keys not set at all */
    cr_assert_gt(agg_spawn(&a, "agg-unset-list", false, (const char *[]){"--set", "authorized_keys=", NULL}),
                 0);
    st = e2e_wait(a.pid, wait_ms());
    cr_assert(refused_to_start(st), "status %d\n%s", st, e2e_tail(a.err_log, 2000));

    /* one key listed for two counties: which one would it report for? */
    put_line(P("%s/authorized_keys", dir), "a", entry(&k602, "410603", "the same key again"));
    cr_assert_gt(agg_spawn(&a, "agg-ambiguous", false, NULL), 0);
    st = e2e_wait(a.pid, wait_ms());
    cr_assert(refused_to_start(st), "a key listed twice: status %d\n%s", st, e2e_tail(a.err_log, 2000));

    /* the secret key missing */
    cr_assert_gt(
        agg_spawn(&a, "agg-no-key", false, (const char *[]){"--set", P("key=%s/nokey.key", dir), NULL}), 0);
    st = e2e_wait(a.pid, wait_ms());
    cr_assert(refused_to_start(st), "status %d\n%s", st, e2e_tail(a.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(a.err_log, "ready:"), 0);
}

/* --- 7. --insecure ----------------------------------------------------------------------- */

Test(e2e_security, insecure_scope) {
    int port = e2e_free_port(), port2 = e2e_free_port(), st;
    char log[300];
    pid_t pid;
    char *out = NULL;

    /* every interface */
    snprintf(log, sizeof log, "%s/agg-any", dir);
    pid = e2e_startl(log, e2e_bin("yuebao-aggregator"), "--insecure", "--set", P("master_dir=%s", e2e_city()),
                     "--set", P("store=%s/store.db", dir), "--set", P("listen=tcp://0.0.0.0:%d", port),
                     "--set", "publish=", NULL);
    cr_assert_gt(pid, 0);
    st = e2e_wait(pid, wait_ms());
    cr_assert(refused_to_start(st), "--insecure on 0.0.0.0 refused: status %d\n%s", st,
              e2e_tail(P("%s.err", log), 2000));
    cr_assert_eq(e2e_count_in_file(P("%s.err", log), "ready:"), 0);
    cr_assert_geq(e2e_count_in_file(P("%s.err", log), "plain ZeroMQ is allowed only"), 1, "%s",
                  e2e_tail(P("%s.err", log), 2000));

    /* collectors on loopback, but the events to the world */
    snprintf(log, sizeof log, "%s/agg-pub-any", dir);
    pid = e2e_startl(log, e2e_bin("yuebao-aggregator"), "--insecure", "--set", P("master_dir=%s", e2e_city()),
                     "--set", P("store=%s/store.db", dir), "--set", P("listen=tcp://127.0.0.1:%d", port),
                     "--set", P("publish=tcp://*:%d", port2), "--set", "snapshot=", NULL);
    cr_assert_gt(pid, 0);
    st = e2e_wait(pid, wait_ms());
    cr_assert(refused_to_start(st), "--insecure publishing on * refused: status %d\n%s", st,
              e2e_tail(P("%s.err", log), 2000));

    /* a collector sending in plain text to another host */
    st = submit("submit-remote", &out, "410602", NULL, NULL, P("tcp://192.0.2.1:%d", port), 2, NULL,
                (const char *[]){report_file("2017-06", "410602"), NULL});
    cr_assert(refused_to_start(st), "status %d\n%s", st, out);
    cr_assert_geq(e2e_count_in_file(P("%s/submit-remote.err", dir), "plain ZeroMQ is allowed only"), 1, "%s",
                  e2e_tail(P("%s/submit-remote.err", dir), 2000));
    free(out);

    /* names and forms that only look like loopback: a host name starting with "127."
     * (resolved through DNS by a client), and ZeroMQ's "source;destination" */
    {
        const char *fake[] = {"tcp://127.0.0.1.example.com", "tcp://127.0.0.1:0;192.0.2.1",
                              "tcp://127.attacker.example", NULL};
        for (size_t i = 0; fake[i]; i++) {
            char ep[128], name[32];
            snprintf(ep, sizeof ep, "%s:%d", fake[i], port);
            snprintf(name, sizeof name, "submit-fake-%zu", i);
            st = submit(name, &out, "410602", NULL, NULL, ep, 2, NULL,
                        (const char *[]){report_file("2017-06", "410602"), NULL});
            cr_assert(refused_to_start(st), "%s: status %d\n%s", ep, st, out);
            cr_assert_geq(e2e_count_in_file(P("%s/%s.err", dir, name), "plain ZeroMQ is allowed only"), 1,
                          "%s:\n%s", ep, e2e_tail(P("%s/%s.err", dir, name), 2000));
            free(out);
        }
    }

    /* loopback: it runs, and says how */
    snprintf(log, sizeof log, "%s/agg-loopback", dir);
    pid = e2e_startl(log, e2e_bin("yuebao-aggregator"), "--insecure", "--set", P("master_dir=%s", e2e_city()),
                     "--set", P("store=%s/store.db", dir), "--set", P("listen=tcp://127.0.0.1:%d", port),
                     "--set", P("publish=tcp://127.0.0.1:%d", port2), "--set", "snapshot=", NULL);
    cr_assert_gt(pid, 0);
    cr_assert_eq(e2e_wait_log(P("%s.err", log), "ready:", pid, wait_ms()), 0, "%s",
                 e2e_tail(P("%s.err", log), 2000));
    cr_assert_geq(e2e_count_in_file(P("%s.err", log), "INSECURE MODE"), 1, "%s",
                  e2e_tail(P("%s.err", log), 2000));
    st = e2e_stop(pid, wait_ms());
    cr_assert_eq(st, 0, "stops cleanly: %d\n%s", st, e2e_tail(P("%s.err", log), 2000));
}

/* --- 8. subscribers -------------------------------------------------------------------- */

typedef struct {
    char publish[64], snapshot[64], scores[320], log[320], err_log[330];
    pid_t pid;
} sscorer_t;

/* A scorer with CURVE in dir/<name>: its key k, the aggregator's events over CURVE,
 * its subscribers in dir/<name>-subscribers. Only events make it recompute (no silence
 * resync, no deadline checks after the first pass). Waits for "ready:". */
static void scorer_start(sscorer_t *s, const char *name, const sagg_t *a, const ykey_t *k) {
    static argv_t av;
    int p1 = e2e_free_port(), p2;
    while ((p2 = e2e_free_port()) == p1) {}
    memset(s, 0, sizeof *s);
    memset(&av, 0, sizeof av);
    snprintf(s->publish, sizeof s->publish, "tcp://127.0.0.1:%d", p1);
    snprintf(s->snapshot, sizeof s->snapshot, "tcp://127.0.0.1:%d", p2);
    snprintf(s->scores, sizeof s->scores, "%s/%s-scores.db", dir, name);
    snprintf(s->log, sizeof s->log, "%s/%s", dir, name);
    snprintf(s->err_log, sizeof s->err_log, "%s.err", s->log);
    arg(&av, e2e_bin("yuebao-scorer"));
    set(&av, P("master_dir=%s", e2e_city()));
    set(&av, P("rules_dir=%s", e2e_city()));
    set(&av, P("store=%s", a->store));
    set(&av, P("scores=%s", s->scores));
    set(&av, P("events=%s", a->publish));
    set(&av, P("publish=%s", s->publish));
    set(&av, P("snapshot=%s", s->snapshot));
    set(&av, P("key=%s", k->key));
    set(&av, P("events_server_key=%s", agg_key.pub));
    set(&av, P("subscriber_keys=%s/%s-subscribers", dir, name));
    set(&av, "reporting_since=2017-02");
    set(&av, "coalesce_ms=50");
    set(&av, "heartbeat_ms=100");
    set(&av, "silence_ms=600000");
    set(&av, "check_ms=600000");
    s->pid = e2e_start(s->log, av.v);
    cr_assert_gt(s->pid, 0);
    cr_assert_eq(e2e_wait_log(s->err_log, "ready:", s->pid, wait_ms()), 0, "scorer not ready:\n%s",
                 e2e_tail(s->err_log, 3000));
}

static void scorer_stop(sscorer_t *s) {
    int st = e2e_stop(s->pid, wait_ms());
    s->pid = 0;
    cr_assert_eq(st, 0, "the scorer stops cleanly (99: valgrind found errors), status %d:\n%s", st,
                 e2e_tail(s->err_log, 3000));
}

/* `yuebao alerts` from scorer s, with key k (NULL: none) and the scorer's public key. */
static int alerts(const char *name, char **out, const sscorer_t *s, const ykey_t *k, const ykey_t *server) {
    static argv_t av;
    memset(&av, 0, sizeof av);
    arg(&av, e2e_bin("yuebao"));
    arg(&av, "alerts");
    arg(&av, "--master");
    arg(&av, e2e_city());
    arg(&av, "--pub");
    arg(&av, s->publish);
    arg(&av, "--snapshot");
    arg(&av, s->snapshot);
    if (k) {
        arg(&av, "--key");
        arg(&av, k->key);
        arg(&av, "--server-key");
        arg(&av, server->pub);
    }
    return e2e_run(P("%s/%s", dir, name), out, 2 * wait_ms(), av.v);
}

static int count_lines(const char *s) {
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

Test(e2e_security, subscribers) {
    sagg_t a;
    sscorer_t sc, rogue;
    ykey_t scorer_key, rogue_key, analyst, stranger;
    char *out = NULL, *err;
    const char *files[] = {report_file("2017-06", "410602"), NULL};
    int st;
    usual_keys();
    keygen(&scorer_key, "scorer");
    keygen(&rogue_key, "rogue-scorer");
    keygen(&analyst, "analyst");
    keygen(&stranger, "stranger");
    put_line(P("%s/subscriber_keys", dir), "w", entry(&scorer_key, "scorer", "the central office's scorer"));
    put_line(P("%s/scorer-subscribers", dir), "w", entry(&analyst, "analyst", "desk 3"));
    put_line(P("%s/rogue-subscribers", dir), "w", entry(&analyst, "analyst", ""));

    agg_start(&a, "aggregator", true, NULL);
    scorer_start(&sc, "scorer", &a, &scorer_key);
    scorer_start(&rogue, "rogue", &a, &rogue_key); /* its key is not in the aggregator's list */
    cr_assert_eq(e2e_wait_log(a.err_log, P("key %s", rogue_key.z85), a.pid, wait_ms()), 0,
                 "the aggregator refuses the unlisted scorer:\n%s", e2e_tail(a.err_log, 3000));
    cr_assert_eq(e2e_count_in_file(a.err_log, P("key %s", scorer_key.z85)), 0, "but not the listed one:\n%s",
                 e2e_tail(a.err_log, 3000));

    /* the analyst's key: the overdue alerts of 2017-02 … 2017-05 */
    st = alerts("alerts-analyst", &out, &sc, &analyst, &scorer_key);
    cr_assert_eq(st, 0, "status %d\n%s\n%s", st, out, e2e_tail(P("%s/alerts-analyst.err", dir), 2000));
    cr_assert_geq(count_lines(out), 1, "at least one alert: \"%s\"", out);
    cr_assert_eq(count_lines(out), e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts"),
                 "one line per firing alert:\n%s", out);
    free(out);

    /* a key the scorer does not list: no answer */
    st = alerts("alerts-stranger", &out, &sc, &stranger, &scorer_key);
    cr_assert_eq(st, 1, "status %d\n%s\n%s", st, out, e2e_tail(P("%s/alerts-stranger.err", dir), 2000));
    cr_assert_str_eq(out, "");
    free(out);
    cr_assert_eq(e2e_wait_log(sc.err_log, "refused a CURVE client", sc.pid, wait_ms()), 0, "%s",
                 e2e_tail(sc.err_log, 3000));
    cr_assert_geq(e2e_count_in_file(sc.err_log, P("key %s", stranger.z85)), 1, "%s",
                  e2e_tail(sc.err_log, 3000));

    /* the analyst's key but somebody else's idea of the scorer's */
    st = alerts("alerts-wrong-server", &out, &sc, &analyst, &stranger);
    cr_assert_eq(st, 1, "status %d\n%s", st, out);
    cr_assert_str_eq(out, "");
    free(out);

    /* no key at all: plain ZeroMQ on loopback is allowed to try, and cannot succeed */
    st = alerts("alerts-plain", &out, &sc, NULL, NULL);
    err = e2e_read_file(P("%s/alerts-plain.err", dir));
    cr_assert_eq(st, 1, "status %d\n%s\n%s", st, out, err);
    cr_assert_str_eq(out, "");
    cr_assert(err && strstr(err, "--key"), "it suggests a key:\n%s", err);
    free(err);
    free(out);

    /* the events: nothing ranked before, a report accepted, the scorer ranks it — it can
     * only have heard of it over CURVE (no resync on silence, no deadline checks) */
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE period = '2017-06'"), 0);
    st = submit("submit", &out, "410602", &k602, agg_key.pub, a.listen, 20, NULL, files);
    cr_assert_eq(st, 0, "status %d\n%s", st, out);
    cr_assert(starts_with(out, "ACCEPTED"), "%s", out);
    free(out);
    cr_assert_eq(e2e_sql_wait(sc.scores, 1, 2 * wait_ms(),
                              "SELECT count(*) > 0 FROM rankings WHERE period = '2017-06'"),
                 1, "the scorer ranks 2017-06 after the event:\n%s", e2e_tail(sc.err_log, 3000));
    st = e2e_runl(P("%s/ranking", dir), &out, 2 * wait_ms(), e2e_bin("yuebao"), "ranking", "--scores",
                  sc.scores, "--master", e2e_city(), NULL);
    cr_assert_eq(st, 0, "status %d\n%s\n%s", st, out, e2e_tail(P("%s/ranking.err", dir), 2000));
    cr_assert(strstr(out, "ranking 2017-06"), "%s", out);
    free(out);
    cr_assert_eq(e2e_count_in_file(sc.err_log, "no heartbeat"), 0, "%s", e2e_tail(sc.err_log, 3000));

    /* the aggregator's live totals, over CURVE: a listed key sees them, another is told */
    st = e2e_runl(P("%s/watch", dir), &out, 2 * wait_ms(), e2e_bin("yuebao"), "watch", "--once", "--master",
                  e2e_city(), "--pub", a.publish, "--snapshot", a.snapshot, "--key", scorer_key.key,
                  "--server-key", agg_key.pub, NULL);
    cr_assert_eq(st, 0, "status %d\n%s\n%s", st, out, e2e_tail(P("%s/watch.err", dir), 2000));
    cr_assert(strstr(out, "completeness: 1 of 8 zones reported"), "%s", out);
    free(out);
    st = e2e_runl(P("%s/watch-stranger", dir), &out, 2 * wait_ms(), e2e_bin("yuebao"), "watch", "--once",
                  "--pub", a.publish, "--snapshot", a.snapshot, "--key", stranger.key, "--server-key",
                  agg_key.pub, NULL);
    cr_assert_eq(st, 1, "status %d\n%s", st, out);
    cr_assert_str_eq(out, "");
    free(out);
    cr_assert_geq(e2e_count_in_file(P("%s/watch-stranger.err", dir), P("refused our key %s", stranger.z85)),
                  1, "%s", e2e_tail(P("%s/watch-stranger.err", dir), 2000));

    /* the rogue scorer heard nothing */
    cr_assert_eq(e2e_sql_int(rogue.scores, "SELECT count(*) FROM rankings WHERE period = '2017-06'"), 0,
                 "the unlisted scorer got the event:\n%s", e2e_tail(rogue.err_log, 3000));

    scorer_stop(&rogue);
    scorer_stop(&sc);
    agg_stop(&a);
}

/* --- 9. the rate limit ----------------------------------------------------------------- */

Test(e2e_security, rate_limit) {
    sagg_t a;
    char *out = NULL;
    const char *files[] = {report_file("2017-02", "410602"), report_file("2017-03", "410602"),
                           report_file("2017-04", "410602"), report_file("2017-05", "410602"),
                           report_file("2017-06", "410602"), NULL};
    char log[300];
    const char *retry[] = {"--set", "retry_min_ms=200", "--set", "retry_max_ms=1000", NULL};
    int st;
    snprintf(log, sizeof log, "%s/submit.out", dir);
    usual_keys();
    agg_start(&a, "aggregator", false,
              (const char *[]){"--set", "rate_limit=1", "--set", "rate_burst=2", NULL});

    st = submit("submit", &out, "410602", &k602, agg_key.pub, a.listen, 60, retry, files);
    cr_assert_eq(st, 0, "status %d\n%s\n%s", st, out, e2e_tail(P("%s/submit.err", dir), 2000));
    cr_assert_eq(e2e_count_in_file(log, "ACCEPTED"), 5, "all five accepted in the end:\n%s", out);
    cr_assert_eq(e2e_count_in_file(log, "DUPLICATE"), 0, "%s", out);
    free(out);
    cr_assert_eq(e2e_sql_int(a.store, "SELECT count(*) FROM reports WHERE zone = 'baoshan'"), 5);
    cr_assert_eq(
        e2e_sql_int(a.store, "SELECT count(DISTINCT period) FROM report_values WHERE zone = 'baoshan'"), 5);
    cr_assert_geq(e2e_count_in_file(a.err_log, "county 410602 is over its rate limit"), 1,
                  "the aggregator says it held 410602 back:\n%s", e2e_tail(a.err_log, 3000));
    agg_stop(&a);
    {
        /* the stop line counts the reports left unacked: at least the three over the burst */
        char *text = e2e_read_file(a.err_log);
        const char *p = text ? strstr(text, " throttled") : NULL;
        long n = -1;
        cr_assert_not_null(p, "%s", e2e_tail(a.err_log, 2000));
        while (p > text && p[-1] >= '0' && p[-1] <= '9')
            p--;
        n = strtol(p, NULL, 10);
        cr_assert_geq(n, 3, "throttled %ld:\n%s", n, e2e_tail(a.err_log, 2000));
        free(text);
    }
}
