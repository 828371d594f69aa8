/* bench.h - the helpers bench_ingest and bench_score share: clock, failure, daemon
 * processes, scratch files, /proc figures, number formatting, medians, and a
 * collector's report on the wire.
 *
 * A benchmark is a measurement that must not measure broken work: anything that goes
 * wrong ends the run through bench_fail(), which names the program given to
 * bench_init(), exits 1 and so runs the benchmark's own cleanup. What differs between
 * the two benchmarks (their workloads, how they wait for a daemon's "ready:", how they
 * print a daemon's log) stays in each.
 */
#ifndef YB_BENCH_H
#define YB_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "codec.h"
#include "strbuf.h"
#include "report.h"

/* Call once, first thing after the environment is set: names the program in
 * bench_fail()'s messages and in log lines (log_init at LOG_INFO, so YUEBAO_LOG still
 * decides), registers cleanup with atexit and runs it on SIGINT or SIGTERM before
 * exiting 128 + signal (SA_RESETHAND: a second signal kills), and ignores SIGPIPE.
 * name is borrowed and must outlive the program (a literal). */
void bench_init(const char *name, void (*cleanup)(void));

/* Prints "<name>: FAILED: <message>" on stderr (stdout flushed first) and exits 1, so
 * atexit's cleanup runs. Never returns. */
void bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* CLOCK_MONOTONIC in ns. */
int64_t bench_now_ns(void);

/* Sleeps ms milliseconds (less if a signal comes). */
void bench_sleep_ms(int ms);

/* Removes path and everything under it, not following links; best effort, no error. */
void bench_remove_tree(const char *path);

/* Starts args[0] (a path) with args (NULL-terminated) as a child: its stdout and
 * stderr into log_path (truncated), YUEBAO_LOG=info (its "ready:", "pass" and "stopped:"
 * lines are read), YUEBAO_NOW set to now or unset for NULL, SIGTERM to it when this
 * process dies. Sets *slot to its pid at once, so the cleanup can find it; does not
 * wait. Fails if args[0] is not executable or fork fails; a failed exec shows as exit
 * status 127 with the reason in the log. */
void bench_spawn(pid_t *slot, char **args, const char *log_path, const char *now);

/* SIGTERM to *slot, then waits up to timeout_ms for it to exit. Returns its wait status
 * with *slot = 0, or -1 with it still running and *slot unchanged. */
int bench_stop(pid_t *slot, int timeout_ms);

/* The whole of a text file, NUL-terminated; caller frees. NULL if unreadable or out of
 * memory. */
char *bench_slurp(const char *path);

/* Copies the text file from to to, or fails: "cannot read <from>: …" or "cannot write
 * <to_name>: …", where to_name is what the message calls the copy (NULL: to itself). */
void bench_copy_file(const char *from, const char *to, const char *to_name);

/* The name of the filesystem dir is on ("ext4", "tmpfs", "other filesystem", …), a
 * literal. If is_tmpfs is not NULL, *is_tmpfs says whether it is a tmpfs, where fsync
 * costs nothing. */
const char *bench_fs_name(const char *dir, bool *is_tmpfs);

/* VmHWM (peak resident set) of pid (0 = this process) in kB, or -1 if unknown. */
long bench_vm_hwm_kb(pid_t pid);

/* v rounded to an integer with thousands grouped by spaces ("14 000"). Returns one of
 * 12 rotating static buffers, so several fit in one printf. */
const char *bench_grouped(double v);

/* measured / ceiling as "0.58 ×" (or "31 ×" from 10 up; "0.00 ×" when ceiling is not
 * positive). Returns one of 8 rotating static buffers. */
const char *bench_ratio(double measured, double ceiling);

/* x rounded to a multiple of unit (0.1, 0.001, …). */
double bench_round_to(double x, double unit);

/* A deterministic generator (splitmix64): the same seed, the same figures on every
 * run. Seed it by setting s. */
typedef struct {
    uint64_t s;
} bench_rng_t;

/* The next uniform number in [0, 1) from r. */
double bench_rng_u(bench_rng_t *r);

/* The median of v[0..n), 0 when n is 0; sorts v. */
double bench_median(double *v, size_t n);

/* The q-quantile (0..1) of v[0..n), the nearest rank; 0 when n is 0. Sorts v. */
double bench_quantile(double *v, size_t n, double q);

/* A collector's DEALER in ctx, connected to endpoint without security, routing id
 * "c:<county>:bench<pid>" (county: its code, "900001"), each send blocking at most
 * timeout_ms. Fails "collector <county>: …" if it cannot be made. Close it with
 * sock_close. */
void *bench_collector(void *ctx, const char *endpoint, const char *county, int timeout_ms);

/* r encoded as a collector sends it: MSG_REPORT under a new message id, into *buf
 * (caller frees) and *len; the id also into id unless it is NULL. Fails if r cannot be
 * encoded. r is not changed. */
void bench_encode_report(const report_t *r, uint8_t **buf, size_t *len, uint8_t id[MSG_ID_LEN]);

/* ---- live viewers of yuebao-web (bench_viewers.c, libcurl) -------------------------- */
typedef struct bench_viewers bench_viewers_t;
/* One "report" event a viewer received: the report it names, and when (bench_now_ns). */
typedef struct {
    char zone[16];
    char period[8];
    int64_t t_ns;
} bench_seen_t;
/* Logs in at base ("http://127.0.0.1:PORT") as user and opens n live streams on that
 * session, read by one thread; returns once each has its "hello". NULL (said on stderr)
 * if the login fails or the streams do not open within timeout_ms. */
bench_viewers_t *bench_viewers_open(const char *base, const char *user, const char *password, int n,
                                    int timeout_ms);
/* Viewer i's report events so far (borrowed until close), its events in all and its
 * resyncs. */
void bench_viewers_stats(bench_viewers_t *b, int i, const bench_seen_t **seen, size_t *n_seen, size_t *n_events,
                         size_t *n_resync);
/* Stops the thread and closes the streams; NULL-safe. */
void bench_viewers_close(bench_viewers_t **b);
/* `BIN_DIR/yuebao user add name --role central --users users` with password on stdin.
 * 0, or -1. */
int bench_user_add(const char *bin_dir, const char *users, const char *name, const char *password);

#endif
