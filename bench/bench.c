/* bench.c - the helpers bench_ingest and bench_score share (see bench.h). */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "log.h"
#include "sock.h"

static const char *progname = "bench";
static void (*cleanup_fn)(void);

/* Ctrl-C or SIGTERM: the benchmark's cleanup, then out. */
static void on_interrupt(int sig) {
    if (cleanup_fn) cleanup_fn();
    _exit(128 + sig);
}

void bench_init(const char *name, void (*cleanup)(void)) {
    struct sigaction sa;
    progname = name;
    cleanup_fn = cleanup;
    log_init(name, LOG_INFO);
    atexit(cleanup);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void bench_fail(const char *fmt, ...) {
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: FAILED: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

int64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void bench_sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

void bench_remove_tree(const char *path) {
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The log is opened (emptied) here, before the fork: opened by the child, a caller
 * polling it for "ready:" could still read the last run's, when a daemon is started
 * again on the same log. */
void bench_spawn(pid_t *slot, char **args, const char *log_path, const char *now) {
    pid_t parent = getpid();
    int fd;
    if (access(args[0], X_OK) != 0) bench_fail("%s: %s (build it first: make)", args[0], strerror(errno));
    if ((fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
        bench_fail("%s: %s", log_path, strerror(errno));
    fflush(NULL);
    *slot = fork();
    if (*slot < 0) bench_fail("fork: %s", strerror(errno));
    if (*slot == 0) {
        signal(SIGINT, SIG_DFL); /* the bench's handlers clean up the bench, not this */
        signal(SIGTERM, SIG_DFL);
        if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0) _exit(126);
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the bench */
        if (getppid() != parent) _exit(1);
        setenv("YUEBAO_LOG", "info", 1);
        if (now)
            setenv("YUEBAO_NOW", now, 1);
        else
            unsetenv("YUEBAO_NOW");
        execv(args[0], args);
        fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
        _exit(127);
    }
    close(fd);
}

int bench_stop(pid_t *slot, int timeout_ms) {
    int64_t deadline = bench_now_ns() + timeout_ms * 1000000LL;
    int status = 0;
    kill(*slot, SIGTERM);
    while (waitpid(*slot, &status, WNOHANG) != *slot) {
        if (bench_now_ns() > deadline) return -1;
        bench_sleep_ms(5);
    }
    *slot = 0;
    return status;
}

char *bench_slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    if (!f) return NULL;
    do {
        if (len + 65536 + 1 > cap) {
            char *p = realloc(buf, cap = (len + 65536 + 1) * 2);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        n = fread(buf + len, 1, 65536, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

void bench_copy_file(const char *from, const char *to, const char *to_name) {
    char *text = bench_slurp(from);
    FILE *f;
    if (!text) bench_fail("cannot read %s: %s", from, strerror(errno));
    if (!(f = fopen(to, "w")) || fputs(text, f) < 0 || fclose(f) != 0)
        bench_fail("cannot write %s: %s", to_name ? to_name : to, strerror(errno));
    free(text);
}

const char *bench_fs_name(const char *dir, bool *is_tmpfs) {
    struct statfs s;
    if (is_tmpfs) *is_tmpfs = false;
    if (statfs(dir, &s) != 0) return "unknown filesystem";
    switch ((unsigned long)s.f_type) {
    case 0x01021994UL:
        if (is_tmpfs) *is_tmpfs = true;
        return "tmpfs";
    case 0x0000EF53UL: return "ext4";
    case 0x58465342UL: return "xfs";
    case 0x9123683EUL: return "btrfs";
    case 0x794C7630UL: return "overlayfs";
    case 0x2FC12FC1UL: return "zfs";
    default: return "other filesystem";
    }
}

long bench_vm_hwm_kb(pid_t pid) {
    char path[64], line[256];
    long kb = -1;
    FILE *f;
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/self/status");
    if (!(f = fopen(path, "r"))) return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
    fclose(f);
    return kb;
}

const char *bench_grouped(double v) {
    static char pool[12][32];
    static unsigned next;
    char digits[32], *out = pool[next++ % 12];
    int n, o = 0;
    long long x = llround(v);
    if (x < 0) {
        out[o++] = '-';
        x = -x;
    }
    n = snprintf(digits, sizeof digits, "%lld", x);
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) out[o++] = ' ';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

const char *bench_ratio(double measured, double ceiling) {
    static char pool[8][32];
    static unsigned next;
    char *out = pool[next++ % 8];
    double r = ceiling > 0 ? measured / ceiling : 0;
    snprintf(out, 32, r >= 10 ? "%.0f ×" : "%.2f ×", r);
    return out;
}

double bench_round_to(double x, double unit) {
    return round(x / unit) * unit;
}

double bench_rng_u(bench_rng_t *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, size_t n) {
    if (n == 0) return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bench_quantile(double *v, size_t n, double q) {
    if (n == 0) return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return v[(size_t)(q * (double)(n - 1) + 0.5)];
}

void *bench_collector(void *ctx, const char *endpoint, const char *county, int timeout_ms) {
    sock_security_t sec = {.insecure = true};
    char id[64], err[512];
    void *s;
    snprintf(id, sizeof id, "c:%s:bench%d", county, (int)getpid()); /* "c:<county>:<n>" */
    if (!(s = sock_dealer(ctx, endpoint, id, &sec, err, sizeof err)))
        bench_fail("collector %s: %s", county, err);
    zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms);
    return s;
}

void bench_encode_report(const report_t *r, uint8_t **buf, size_t *len, uint8_t id[MSG_ID_LEN]) {
    msg_t msg;
    memset(&msg, 0, sizeof msg);
    msg.kind = MSG_REPORT;
    codec_new_id(msg.id);
    msg.report = *r; /* shallow: r keeps ownership, msg is never cleared */
    if (codec_encode(&msg, buf, len) < 0) bench_fail("cannot encode a report");
    if (id) memcpy(id, msg.id, MSG_ID_LEN);
}
