/* e2e.h - helpers for the end-to-end tests: they start the real daemons.
 *
 * The tests run the programs found in $YUEBAO_BIN (default build/bin) against the
 * sample city in $YUEBAO_EXAMPLES (default examples), each test in its own temporary
 * folder with its own aggregator. Every process started here is recorded; e2e_cleanup
 * (call it from the suite's .fini; it is also registered with atexit) kills whatever is
 * still running and removes the temporary folders. Children also get PR_SET_PDEATHSIG,
 * so a test process killed by Criterion's timeout takes its daemons with it.
 *
 * Functions return -1 (or NULL, or E2E_SQL_ERROR) on failure and print why on stderr;
 * the tests assert on the results.
 */
#ifndef YB_E2E_H
#define YB_E2E_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "codec.h"
#include "clock.h"
#include "report.h"

#define E2E_SQL_ERROR INT64_MIN
#define E2E_WAIT_MS 15000 /* default for readiness and polling waits */

/* True when the daemons run under valgrind (YUEBAO_E2E_VALGRIND set): everything is
 * several times slower. */
bool e2e_under_valgrind(void);
/* ms scaled for that: ms as it is, or six times it under valgrind. */
int e2e_scaled_ms(int ms);
/* Sleeps ms milliseconds (resumed after a signal); nothing for ms <= 0. The clock to
 * measure waits with is clock_mono_ms() (period.h). */
void e2e_sleep_ms(int ms);

/* The programs this test starts speak locale ("zh_CN.UTF-8", "C.UTF-8"): LC_ALL for
 * them, and YUEBAO_LOCALEDIR the build's catalogue ($YUEBAO_BIN/../locale). Every test
 * process starts in C.UTF-8 (English), whatever the caller's environment. 0, or -1 when
 * the locale is not installed on this host. */
int e2e_set_language(const char *locale);

/* --- paths ------------------------------------------------------------------------ */

/* A formatted string in one of a ring of static buffers (valid for the next 63 calls). */
const char *e2e_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* $YUEBAO_BIN/<name>, $YUEBAO_EXAMPLES/sample-city, and a file under the sample city. */
const char *e2e_bin(const char *name);
const char *e2e_city(void);
const char *e2e_sample(const char *relative);

/* --- temporary folders ------------------------------------------------------------ */

/* Creates a fresh folder into out: $YUEBAO_E2E_ROOT/t.XXXXXX, the run's folder that
 * the runner makes before the tests and removes after them, or /tmp/t.XXXXXX outside
 * Criterion. Removed by e2e_cleanup unless $YUEBAO_E2E_KEEP is set. 0 or -1. */
int e2e_tmpdir(char *out, size_t size);
/* Removes path and everything under it. 0 or -1. */
int e2e_rmtree(const char *path);

/* --- processes -------------------------------------------------------------------- */

/* Starts argv[0] (a path) with argv; stdout into <log_base>.out, stderr into
 * <log_base>.err. Returns the pid or -1. */
pid_t e2e_start(const char *log_base, char *const argv[]);
/* Same, with the arguments as a NULL-terminated list. */
pid_t e2e_startl(const char *log_base, const char *prog, ...) __attribute__((sentinel));

/* Waits until file `path` contains `needle`. Gives up after timeout_ms, or at once when
 * pid (if > 0) has exited. 0 found, -1 not. */
int e2e_wait_log(const char *path, const char *needle, pid_t pid, int timeout_ms);

/* Occurrences of needle in file path (-1 if unreadable). */
int e2e_count_in_file(const char *path, const char *needle);
/* Waits until file path contains needle at least n times; like e2e_wait_log. 0 or -1. */
int e2e_wait_log_n(const char *path, const char *needle, int n, pid_t pid, int timeout_ms);

/* True while pid (started here) runs. */
bool e2e_alive(pid_t pid);

/* SIGTERM, wait up to timeout_ms, then SIGKILL. Returns the exit status, 128+signal
 * if killed by a signal (also when SIGKILL was needed), or -1. */
int e2e_stop(pid_t pid, int timeout_ms);

/* SIGKILL and reap (a crash, for the reliability tests). */
void e2e_kill(pid_t pid);

/* Waits up to timeout_ms for pid (started here) to exit by itself and reaps it. Returns
 * the exit status or 128+signal, or -1 if it still runs (it is left running). */
int e2e_wait(pid_t pid, int timeout_ms);

/* Runs argv to completion (killed after timeout_ms): stdout into <log_base>.out and
 * *out (malloc'd, NUL-terminated; may be NULL), stderr into <log_base>.err. Returns the
 * exit status, 128+signal, or -1. */
int e2e_run(const char *log_base, char **out, int timeout_ms, char *const argv[]);
int e2e_runl(const char *log_base, char **out, int timeout_ms, const char *prog, ...)
    __attribute__((sentinel));

/* Kills every child still running, closes the raw clients, removes the temporary
 * folders. Safe to call more than once. */
void e2e_cleanup(void);

/* --- files ------------------------------------------------------------------------ */

/* Converts a file from `encoding` (iconv name, e.g. "GB18030") to UTF-8. 0 or -1. */
int e2e_iconv_file(const char *src, const char *encoding, const char *dst);
/* Number of lines of a file (its last line counts without a newline), or -1. */
int e2e_count_lines(const char *path);
/* The whole file, malloc'd and NUL-terminated (NULL if unreadable). */
char *e2e_read_file(const char *path);
/* The last `max` bytes of a file, for failure messages (static buffer; "" if none). */
const char *e2e_tail(const char *path, size_t max);
int e2e_copy(const char *src, const char *dst);
bool e2e_exists(const char *path);
/* Copies src into dir under a hidden temporary name, then renames it to dir/name,
 * as a user (or a sync tool) drops a file into a watched folder. 0 or -1. */
int e2e_drop(const char *src, const char *dir, const char *name);
/* Number of entries of dir whose name ends with suffix ("" = all but . and ..). */
int e2e_count_files(const char *dir, const char *suffix);

/* The numeric value of column `column` (English header name; the Chinese template's
 * header is accepted in the file) in the first row of a UTF-8 county CSV whose col1 is
 * val1 and col2 is val2. NAN if not found. (The sample files use no quoting.) */
double e2e_csv_field(const char *csv, const char *col1, const char *val1, const char *col2, const char *val2,
                     const char *column);
/* The same for a values file: the row of (zone, indicator). */
double e2e_csv_number(const char *csv, const char *zone, const char *indicator, const char *column);

/* --- the store -------------------------------------------------------------------- */

/* Opens db read-only, runs the formatted query, returns the first column of the first
 * row as an integer (0 if no row), or E2E_SQL_ERROR. */
int64_t e2e_sql_int(const char *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same for a REAL; NAN on error or no row. */
double e2e_sql_double(const char *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, the first column as text: malloc'd ("" if no row or NULL), NULL on error. Use
 * group_concat to compare whole tables. */
char *e2e_sql_text(const char *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Polls the query until it returns want or timeout_ms passes; returns the last value. */
int64_t e2e_sql_wait(const char *db, int64_t want, int timeout_ms, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* --- the daemons ------------------------------------------------------------------ */

typedef struct {
    char dir[256];
    char store[320];
    char listen[320];
    char publish[320];
    char snapshot[320]; /* the live totals' snapshot ROUTER */
    char log[320];      /* log base: .out / .err */
    char err_log[330];
    pid_t pid;
} e2e_agg_t;

/* Starts an aggregator in dir with its store dir/store.db (a restart in the same dir
 * reopens it). listen NULL = ipc in dir; events on ipc://dir/pub.sock, snapshots on
 * ipc://dir/agg-snap.sock. Log base dir/aggregator (-2, -3 … on restarts).
 * extra: NULL-terminated extra arguments (e.g. "--set", "batch_max=1"), or NULL.
 * Waits for "ready:". 0, or -1 (the process is stopped). */
int e2e_agg_start(e2e_agg_t *a, const char *dir, const char *listen, const char *const *extra);
/* SIGTERM and wait; returns its exit status (0 for a clean stop). */
int e2e_agg_stop(e2e_agg_t *a);

/* `yuebao-collector submit --insecure --timeout 20` as county to endpoint with outbox,
 * for the NULL-terminated files. log_base as in e2e_run. Returns the exit status. */
int e2e_submit(const char *log_base, char **out, const char *county, const char *endpoint, const char *outbox,
               ...) __attribute__((sentinel));
/* The same with --timeout timeout_s. */
int e2e_submit_timeout(const char *log_base, char **out, int timeout_s, const char *county,
                       const char *endpoint, const char *outbox, ...) __attribute__((sentinel));

/* The same for the NULL-terminated array files (at most about 50). */
int e2e_submit_files(const char *log_base, char **out, const char *county, const char *endpoint,
                     const char *outbox, const char *const *files);
/* Starts that submit without waiting for it (e2e_wait reaps it): several counties at
 * once make one burst. Returns the pid, or -1. */
pid_t e2e_submit_start(const char *log_base, const char *county, const char *endpoint, const char *outbox,
                       const char *const *files);

/* The scorer: publishes on ipc://<dir>/scorer-pub.sock, snapshots on
 * ipc://<dir>/scorer-snap.sock, scores in <dir>/scores.db. */
typedef struct {
    char dir[256];
    char scores[320];
    char publish[320];
    char snapshot[320];
    char log[320]; /* log base: .out / .err */
    char err_log[330];
    pid_t pid;
    int exit_status; /* when the start failed: the status it exited with, or -1 */
} e2e_scorer_t;

/* Starts a scorer in dir beside aggregator agg (events = agg->publish, store =
 * agg->store), master_dir and rules_dir the sample city, --insecure. Log base
 * dir/scorer (-2, -3 … on restarts); a restart in the same dir reopens its scores.db.
 * extra: NULL-terminated extra arguments, which override the ones above (e.g. "--set",
 * "rules_dir=…"), or NULL. Waits for "ready:". 0, or -1 (the process is stopped; its
 * exit status in s->exit_status). The clock comes from $YUEBAO_NOW, as for the
 * aggregator: set it before starting either. */
int e2e_scorer_start(e2e_scorer_t *s, const char *dir, const e2e_agg_t *agg, const char *const *extra);
/* The same without waiting for "ready:": the pid (also in s->pid), or -1. */
pid_t e2e_scorer_spawn(e2e_scorer_t *s, const char *dir, const e2e_agg_t *agg, const char *const *extra);
/* SIGTERM and wait; returns its exit status (0 for a clean stop). */
int e2e_scorer_stop(e2e_scorer_t *s);

/* Starts the collector daemon for county in dir: inbox, done, rejected under dir,
 * outbox dir/outbox.db, settle 100 ms, retries 200..1000 ms; its log base (dir/collector,
 * or collector-2, … after a restart) into log_base if not NULL. Waits for "ready:".
 * Returns the pid, or -1. */
pid_t e2e_collector_start(const char *dir, const char *county, const char *endpoint, char *log_base,
                          size_t log_base_size);

/* --- yuebao-web -------------------------------------------------------------------- */

/* A self-signed certificate for 127.0.0.1 (openssl): dir/cert.pem and dir/key.pem.
 * 0, or -1 (openssl's words in dir/openssl.err). */
int e2e_web_cert(const char *dir);
/* `yuebao user add name --role role --users users` with password on its stdin (as a
 * script pipes it); its stdout and stderr in log_base.out / .err. Its exit status. */
int e2e_user_add(const char *log_base, const char *users, const char *name, const char *role,
                 const char *password);
/* Starts yuebao-web over HTTPS (e2e_web_cert's certificate in dir) on 127.0.0.1:<any
 * port> beside agg and sc, the accounts in users, its audit log dir/audit.log, its log
 * base dir/web; extra: NULL-terminated arguments after those, or NULL. Waits for its
 * "serving" line and writes "https://127.0.0.1:PORT" into base. The pid, or -1 (it
 * exited or did not serve; its log says why). */
pid_t e2e_web_start(const char *dir, const e2e_agg_t *agg, const e2e_scorer_t *sc, const char *users,
                    const char *const *extra, char *base, size_t base_size);

/* A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and released). */
int e2e_free_port(void);

/* --- a raw collector, for crafted and hostile messages ---------------------------- */

/* A DEALER connected to endpoint with routing id routing_id (NULL: none set). Closed by
 * e2e_cleanup if not before. */
void *e2e_dealer(const char *endpoint, const char *routing_id);
void e2e_dealer_close(void **dealer);

/* Reads the report of zone from a county CSV (and, if projects_csv is not NULL, its key
 * projects) with the project's own parser, numbered revision. 0 or -1. */
int e2e_load_report(const char *csv, const char *projects_csv, const char *zone, uint32_t revision,
                    report_t *out);

/* Encodes r as a MSG_REPORT envelope with a fresh message id (returned in id if not
 * NULL) into *bytes (malloc'd). 0 or -1. */
int e2e_encode_report(const report_t *r, uint8_t id[MSG_ID_LEN], uint8_t **bytes, size_t *len);

/* Sends one frame. 0 or -1. */
int e2e_send(void *dealer, const void *buf, size_t len);
/* Sends frames as one multipart message. 0 or -1. */
int e2e_send_multi(void *dealer, const void *const *frames, const size_t *lens, size_t n);

/* Waits up to timeout_ms for one message and decodes it into *out (msg_clear it).
 * 0, or -1 on timeout or an undecodable message. */
int e2e_recv_msg(void *dealer, int timeout_ms, msg_t *out);

/* Sends bytes and waits for the ack replying to id: its status (ACK_* or -1 on
 * timeout / a wrong reply). The ack is left in *ack if not NULL (msg_clear it). */
int e2e_exchange(void *dealer, const uint8_t *bytes, size_t len, const uint8_t id[MSG_ID_LEN], int timeout_ms,
                 msg_t *ack);

/* Sends a one-value report (indicator revenue, amount, line 2) of zone for period,
 * numbered revision, from a fresh DEALER connected to endpoint with routing_id, and
 * waits up to 10 s (scaled) for its ack: the ack's status (ACK_*), or -1 (no connection,
 * no ack, a wrong reply). The message of the ack's first issue goes into why if not NULL
 * ("" if none). The DEALER is closed before returning. */
int e2e_send_value(const char *endpoint, const char *routing_id, const char *zone, const char *period,
                   uint32_t revision, double amount, char *why, size_t why_size);

/* --- subscribers and snapshots ---------------------------------------------------- */

/* A SUB connected to endpoint, subscribed to prefix (NULL or "" = everything), with a
 * large receive HWM. Remember the slow joiner: wait for a first message (a heartbeat)
 * before relying on it. Closed by e2e_cleanup, or by e2e_dealer_close. */
void *e2e_sub(const char *endpoint, const char *prefix);

/* Waits up to timeout_ms for the next [topic, envelope] and decodes it into *out
 * (msg_clear it); the topic into topic. 0, or -1 on timeout or a malformed message. */
int e2e_recv_pub(void *sub, int timeout_ms, char *topic, size_t topic_size, msg_t *out);

/* What a snapshot ROUTER answered. */
typedef struct {
    ranking_t ranking;   /* every chunk's rows; period "" when no ranking was sent */
    alert_list_t alerts; /* the firing alerts under the prefix, transition TR_ACTIVE */
    uint64_t sequence;   /* SnapshotEnd: the state is as of this sequence number */
    uint32_t n_alerts;   /* SnapshotEnd's count of alerts */
} e2e_snapshot_t;

/* Asks endpoint for a snapshot (alert topic prefix, ranking of period; NULL or "" for
 * all alerts and the latest ranking) from a fresh DEALER and collects the answer up to
 * SnapshotEnd within timeout_ms (per message). 0, or -1 (out cleared). */
int e2e_snapshot(const char *endpoint, const char *prefix, const char *period, int timeout_ms,
                 e2e_snapshot_t *out);
void e2e_snapshot_clear(e2e_snapshot_t *snap);

#endif
