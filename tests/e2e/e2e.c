/* e2e.c - helpers for the end-to-end tests (see e2e.h). */
#include "e2e.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <iconv.h>
#include <locale.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include <criterion/hooks.h>
#include <criterion/stats.h>

#include "county_csv.h"
#include "master.h"
#include "clock.h"

#define MAX_CHILDREN 32
#define MAX_DIRS 16
#define MAX_DEALERS 16

typedef struct {
    pid_t pid;
    bool reaped;
    int status; /* decoded, once reaped */
} child_t;

static child_t children[MAX_CHILDREN];
static char tmpdirs[MAX_DIRS][256];
static void *dealers[MAX_DEALERS];
static void *zctx;
static bool atexit_done;

static void register_atexit(void) {
    if (!atexit_done) {
        atexit(e2e_cleanup);
        atexit_done = true;
    }
}

void e2e_sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (ms > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

/* The programs speak the locale's language (util/i18n.h), and the tests read their
 * English: every test process, and so every program it starts, runs in C.UTF-8 whatever
 * the developer's shell says. A test of another language sets it itself
 * (e2e_set_language). */
__attribute__((constructor)) static void e2e_english(void) {
    unsetenv("LANGUAGE");
    unsetenv("LC_MESSAGES");
    setenv("LC_ALL", "C.UTF-8", 1);
}

/* yuebao reads the user's ~/.config/yuebao/yuebao.ini (cli/cli_config.c): a developer's
 * own must not change what the tests see. XDG_CONFIG_HOME names a folder that is not
 * there; a test of that file points it (or HOME) at its own folder. */
__attribute__((constructor)) static void e2e_no_user_config(void) {
    setenv("XDG_CONFIG_HOME", "/nonexistent/yuebao-e2e-config", 1);
}

int e2e_set_language(const char *locale) {
    const char *bin = getenv("YUEBAO_BIN");
    char dir[1024];
    if (!setlocale(LC_ALL, locale)) {
        fprintf(stderr, "e2e: the locale %s is not installed (make deps generates zh_CN.UTF-8)\n", locale);
        setlocale(LC_ALL, "C");
        return -1;
    }
    setlocale(LC_ALL, "C");
    /* the build's catalogue beside bin/, named outright: under valgrind /proc/self/exe
     * is not the program */
    snprintf(dir, sizeof dir, "%s/../locale", bin && *bin ? bin : "build/bin");
    if (setenv("LC_ALL", locale, 1) < 0 || setenv("YUEBAO_LOCALEDIR", dir, 1) < 0) return -1;
    return 0;
}

/* --- paths ------------------------------------------------------------------------ */

const char *e2e_fmt(const char *fmt, ...) {
    static char ring[64][4096];
    static unsigned next;
    char *buf = ring[next++ % 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof ring[0], fmt, ap);
    va_end(ap);
    return buf;
}

const char *e2e_bin(const char *name) {
    const char *dir = getenv("YUEBAO_BIN");
    return e2e_fmt("%s/%s", dir && *dir ? dir : "build/bin", name);
}

const char *e2e_city(void) {
    const char *dir = getenv("YUEBAO_EXAMPLES");
    return e2e_fmt("%s/sample-city", dir && *dir ? dir : "examples");
}

const char *e2e_sample(const char *relative) {
    return e2e_fmt("%s/%s", e2e_city(), relative);
}

/* --- temporary folders ------------------------------------------------------------ */

/* The runner makes one folder for the whole run before the tests start and removes it
 * after the last: a test killed by its timeout cannot clean up after itself, but its
 * folder lies inside this one. */
#define ROOT_ENV "YUEBAO_E2E_ROOT"
static char run_root[64];

ReportHook(PRE_ALL)(struct criterion_test_set *set) {
    char tmpl[] = "/tmp/yb-e2e.XXXXXX";
    (void)set;
    if (getenv(ROOT_ENV) || !mkdtemp(tmpl)) return;
    snprintf(run_root, sizeof run_root, "%s", tmpl);
    setenv(ROOT_ENV, run_root, 1);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats) {
    (void)stats;
    if (!run_root[0]) return;
    if (getenv("YUEBAO_E2E_KEEP"))
        fprintf(stderr, "e2e: kept %s\n", run_root);
    else
        e2e_rmtree(run_root);
    run_root[0] = '\0';
}

int e2e_tmpdir(char *out, size_t size) {
    const char *root = getenv(ROOT_ENV);
    char tmpl[256];
    register_atexit();
    snprintf(tmpl, sizeof tmpl, "%s/t.XXXXXX", root && *root && e2e_exists(root) ? root : "/tmp");
    if (!mkdtemp(tmpl)) {
        fprintf(stderr, "e2e: mkdtemp: %s\n", strerror(errno));
        return -1;
    }
    snprintf(out, size, "%s", tmpl);
    for (size_t i = 0; i < MAX_DIRS; i++)
        if (!tmpdirs[i][0]) {
            snprintf(tmpdirs[i], sizeof tmpdirs[i], "%s", tmpl);
            break;
        }
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT) {
        fprintf(stderr, "e2e: remove %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int e2e_rmtree(const char *path) {
    if (!path || !*path || strcmp(path, "/") == 0) return -1;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* --- processes -------------------------------------------------------------------- */

static int decode_status(int st) {
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return -1;
}

static child_t *child_find(pid_t pid) {
    for (size_t i = 0; i < MAX_CHILDREN; i++)
        if (children[i].pid == pid) return &children[i];
    return NULL;
}

/* Reaps pid without blocking; true if it has exited (now or before). */
static bool child_poll(child_t *c) {
    int st;
    pid_t r;
    if (c->reaped) return true;
    r = waitpid(c->pid, &st, WNOHANG);
    if (r == c->pid) {
        c->reaped = true;
        c->status = decode_status(st);
        return true;
    }
    if (r < 0 && errno == ECHILD) {
        c->reaped = true;
        c->status = -1;
        return true;
    }
    return false;
}

static int open_log(const char *log_base, const char *ext) {
    const char *p = e2e_fmt("%s.%s", log_base, ext);
    int fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) fprintf(stderr, "e2e: %s: %s\n", p, strerror(errno));
    return fd;
}

#define MAX_ARGS 64

pid_t e2e_start(const char *log_base, char *const argv[]) {
    child_t *slot = NULL;
    int out, err;
    pid_t parent = getpid(), pid;
    register_atexit();
    for (size_t i = 0; i < MAX_CHILDREN; i++)
        if (children[i].pid == 0) {
            slot = &children[i];
            break;
        }
    if (!slot) {
        fprintf(stderr, "e2e: too many children\n");
        return -1;
    }
    out = open_log(log_base, "out");
    err = open_log(log_base, "err");
    if (out < 0 || err < 0) {
        if (out >= 0) close(out);
        if (err >= 0) close(err);
        return -1;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "e2e: fork: %s\n", strerror(errno));
        close(out);
        close(err);
        return -1;
    }
    if (pid == 0) {
        /* dies with the test process, whatever kills it (Criterion's timeout included) */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        dup2(out, 1);
        dup2(err, 2);
        /* the test process may have signals blocked or ignored; the daemon must not */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        /* YUEBAO_E2E_VALGRIND=1: the programs run under memcheck, and any error or
         * definite leak turns their exit status into 99, which the tests check */
        if (e2e_under_valgrind() &&
            strncmp(strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0], "yuebao", 6) == 0) {
            char *vg[MAX_ARGS + 8];
            size_t k = 0;
            vg[k++] = "/usr/bin/valgrind";
            vg[k++] = "--quiet";
            vg[k++] = "--error-exitcode=99";
            vg[k++] = "--leak-check=full";
            vg[k++] = "--errors-for-leak-kinds=definite";
            for (size_t i = 0; argv[i] && k < MAX_ARGS + 7; i++)
                vg[k++] = argv[i];
            vg[k] = NULL;
            execv(vg[0], vg);
        }
        execv(argv[0], argv);
        dprintf(2, "e2e: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(out);
    close(err);
    slot->pid = pid;
    slot->reaped = false;
    slot->status = 0;
    return pid;
}

static int collect_args(const char *prog, va_list ap, char **argv) {
    int n = 0;
    const char *a;
    argv[n++] = (char *)prog;
    while ((a = va_arg(ap, const char *)) != NULL) {
        if (n >= MAX_ARGS - 1) return -1;
        argv[n++] = (char *)a;
    }
    argv[n] = NULL;
    return n;
}

pid_t e2e_startl(const char *log_base, const char *prog, ...) {
    char *argv[MAX_ARGS];
    va_list ap;
    int n;
    va_start(ap, prog);
    n = collect_args(prog, ap, argv);
    va_end(ap);
    if (n < 0) return -1;
    return e2e_start(log_base, argv);
}

bool e2e_alive(pid_t pid) {
    child_t *c = child_find(pid);
    if (!c) return kill(pid, 0) == 0;
    return !child_poll(c);
}

int e2e_wait_log(const char *path, const char *needle, pid_t pid, int timeout_ms) {
    int64_t deadline = clock_mono_ms() + timeout_ms;
    for (;;) {
        char *text = e2e_read_file(path);
        bool found = text && strstr(text, needle);
        free(text);
        if (found) return 0;
        if (pid > 0 && !e2e_alive(pid)) {
            /* it may have written the line just before exiting */
            text = e2e_read_file(path);
            found = text && strstr(text, needle);
            free(text);
            return found ? 0 : -1;
        }
        if (clock_mono_ms() >= deadline) return -1;
        e2e_sleep_ms(20);
    }
}

int e2e_count_in_file(const char *path, const char *needle) {
    char *text = e2e_read_file(path);
    const char *p;
    int n = 0;
    if (!text) return -1;
    for (p = strstr(text, needle); p && *needle; p = strstr(p + strlen(needle), needle))
        n++;
    free(text);
    return n;
}

int e2e_wait_log_n(const char *path, const char *needle, int n, pid_t pid, int timeout_ms) {
    int64_t deadline = clock_mono_ms() + timeout_ms;
    for (;;) {
        if (e2e_count_in_file(path, needle) >= n) return 0;
        if (pid > 0 && !e2e_alive(pid)) return e2e_count_in_file(path, needle) >= n ? 0 : -1;
        if (clock_mono_ms() >= deadline) return -1;
        e2e_sleep_ms(20);
    }
}

/* Waits for a daemon's start-up line in its log: "ready: …", or "就绪：…" when the test
 * runs it in Chinese (e2e_set_language). Like e2e_wait_log. */
static int wait_ready(const char *path, pid_t pid, int timeout_ms) {
    int64_t deadline = clock_mono_ms() + timeout_ms;
    for (;;) {
        bool alive = pid <= 0 || e2e_alive(pid);
        if (e2e_count_in_file(path, "ready:") > 0 || e2e_count_in_file(path, "就绪：") > 0) return 0;
        if (!alive || clock_mono_ms() >= deadline) return -1;
        e2e_sleep_ms(20);
    }
}

static int wait_exit(child_t *c, int timeout_ms) {
    int64_t deadline = clock_mono_ms() + timeout_ms;
    while (!child_poll(c)) {
        if (clock_mono_ms() >= deadline) return -1;
        e2e_sleep_ms(10);
    }
    return 0;
}

int e2e_stop(pid_t pid, int timeout_ms) {
    child_t *c = child_find(pid);
    int st;
    if (pid <= 0 || !c) return -1;
    if (!child_poll(c)) {
        kill(pid, SIGTERM);
        if (wait_exit(c, timeout_ms) < 0) {
            fprintf(stderr, "e2e: pid %d ignored SIGTERM for %d ms: SIGKILL\n", (int)pid, timeout_ms);
            kill(pid, SIGKILL);
            wait_exit(c, 5000);
            c->status = 128 + SIGKILL;
        }
    }
    st = c->status;
    c->pid = 0;
    c->reaped = false;
    return st;
}

void e2e_kill(pid_t pid) {
    child_t *c = child_find(pid);
    if (pid <= 0 || !c) return;
    if (!child_poll(c)) {
        kill(pid, SIGKILL);
        wait_exit(c, 5000);
    }
    c->pid = 0;
    c->reaped = false;
}

int e2e_wait(pid_t pid, int timeout_ms) {
    child_t *c = child_find(pid);
    int st;
    if (pid <= 0 || !c || wait_exit(c, timeout_ms) < 0) return -1;
    st = c->status;
    c->pid = 0;
    c->reaped = false;
    return st;
}

int e2e_run(const char *log_base, char **out, int timeout_ms, char *const argv[]) {
    const char *out_path = e2e_fmt("%s.out", log_base);
    pid_t pid;
    child_t *c;
    int st;
    if (out) *out = NULL;
    unlink(out_path);
    unlink(e2e_fmt("%s.err", log_base));
    pid = e2e_start(log_base, argv);
    if (pid < 0) return -1;
    c = child_find(pid);
    if (wait_exit(c, timeout_ms) < 0) {
        fprintf(stderr, "e2e: %s did not finish within %d ms: SIGKILL\n", argv[0], timeout_ms);
        kill(pid, SIGKILL);
        wait_exit(c, 5000);
        c->status = 128 + SIGKILL;
    }
    st = c->status;
    c->pid = 0;
    c->reaped = false;
    if (out) {
        *out = e2e_read_file(out_path);
        if (!*out) *out = strdup("");
    }
    return st;
}

int e2e_runl(const char *log_base, char **out, int timeout_ms, const char *prog, ...) {
    char *argv[MAX_ARGS];
    va_list ap;
    int n;
    va_start(ap, prog);
    n = collect_args(prog, ap, argv);
    va_end(ap);
    if (n < 0) return -1;
    return e2e_run(log_base, out, timeout_ms, argv);
}

void e2e_cleanup(void) {
    /* children first: a SIGKILL, then reap, so nothing outlives the test */
    for (size_t i = 0; i < MAX_CHILDREN; i++) {
        child_t *c = &children[i];
        if (c->pid > 0 && !child_poll(c)) {
            kill(c->pid, SIGKILL);
            wait_exit(c, 5000);
        }
        c->pid = 0;
        c->reaped = false;
    }
    for (size_t i = 0; i < MAX_DEALERS; i++)
        e2e_dealer_close(&dealers[i]);
    if (zctx) {
        zmq_ctx_term(zctx);
        zctx = NULL;
    }
    for (size_t i = 0; i < MAX_DIRS; i++) {
        if (!tmpdirs[i][0]) continue;
        if (getenv("YUEBAO_E2E_KEEP"))
            fprintf(stderr, "e2e: kept %s\n", tmpdirs[i]);
        else
            e2e_rmtree(tmpdirs[i]);
        tmpdirs[i][0] = '\0';
    }
}

/* --- files ------------------------------------------------------------------------ */

char *e2e_read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, k;
    if (!f) return NULL;
    for (;;) {
        if (cap - len < 4096) {
            char *p = realloc(buf, cap = cap ? cap * 2 : 8192);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        k = fread(buf + len, 1, cap - len - 1, f);
        len += k;
        if (k == 0) break;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

const char *e2e_tail(const char *path, size_t max) {
    static char buf[8192];
    char *text = e2e_read_file(path);
    size_t len;
    if (max >= sizeof buf) max = sizeof buf - 1;
    if (!text) {
        snprintf(buf, sizeof buf, "(no %s)", path);
        return buf;
    }
    len = strlen(text);
    snprintf(buf, sizeof buf, "%s", len > max ? text + len - max : text);
    free(text);
    return buf;
}

int e2e_copy(const char *src, const char *dst) {
    FILE *in = fopen(src, "rb"), *out;
    char buf[8192];
    size_t k;
    int rc = 0;
    if (!in) {
        fprintf(stderr, "e2e: %s: %s\n", src, strerror(errno));
        return -1;
    }
    out = fopen(dst, "wb");
    if (!out) {
        fprintf(stderr, "e2e: %s: %s\n", dst, strerror(errno));
        fclose(in);
        return -1;
    }
    while ((k = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, k, out) != k) rc = -1;
    if (ferror(in)) rc = -1;
    fclose(in);
    if (fclose(out) != 0) rc = -1;
    return rc;
}

int e2e_iconv_file(const char *src, const char *encoding, const char *dst) {
    char *in = e2e_read_file(src), *inp, *out = NULL, *outp;
    size_t inleft, outleft, cap;
    iconv_t cd;
    int rc = -1;
    FILE *f;
    if (!in) return -1;
    cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1) {
        free(in);
        return -1;
    }
    inleft = strlen(in);
    cap = outleft = inleft * 4 + 16;
    out = outp = malloc(cap);
    inp = in;
    if (out && iconv(cd, &inp, &inleft, &outp, &outleft) != (size_t)-1 && (f = fopen(dst, "wb"))) {
        size_t n = cap - outleft;
        rc = fwrite(out, 1, n, f) == n ? 0 : -1;
        if (fclose(f) != 0) rc = -1;
    }
    iconv_close(cd);
    free(out);
    free(in);
    return rc;
}

int e2e_count_lines(const char *path) {
    char *text = e2e_read_file(path);
    int n = 0;
    size_t len;
    if (!text) return -1;
    len = strlen(text);
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') n++;
    if (len && text[len - 1] != '\n') n++;
    free(text);
    return n;
}

bool e2e_exists(const char *path) {
    return access(path, F_OK) == 0;
}

int e2e_drop(const char *src, const char *dir, const char *name) {
    const char *tmp = e2e_fmt("%s/.%s.part", dir, name);
    const char *dst = e2e_fmt("%s/%s", dir, name);
    if (e2e_copy(src, tmp) < 0) return -1;
    if (rename(tmp, dst) < 0) {
        fprintf(stderr, "e2e: rename %s: %s\n", dst, strerror(errno));
        return -1;
    }
    return 0;
}

int e2e_count_files(const char *dir, const char *suffix) {
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t sl = strlen(suffix);
    int n = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (l >= sl && strcmp(e->d_name + l - sl, suffix) == 0) n++;
    }
    closedir(d);
    return n;
}

/* Splits a CSV line (no quoting in the sample files) in place; returns the field count. */
static int split(char *line, char **fields, int max) {
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        fields[n++] = p;
        p = strchr(p, ',');
        if (!p) break;
        *p++ = '\0';
    }
    return n;
}

/* The index of the header field named name or alias (NULL), or -1. */
static int column_of(char **fields, int n, const char *name, const char *alias) {
    for (int i = 0; i < n; i++)
        if (!strcmp(fields[i], name) || (alias && !strcmp(fields[i], alias))) return i;
    return -1;
}

/* Chinese template headers (DESIGN §7) for the English names. */
static const char *alias_of(const char *name) {
    static const char *const pairs[][2] = {
        {"zone", "园区代码"},   {"period", "统计期"},           {"indicator", "指标"},
        {"amount", "本年累计"}, {"growth_pct", "同比增长(%)"},  {"project", "项目编号"},
        {"name", "项目名称"},   {"total_investment", "总投资"}, {"ytd_investment", "本年完成投资"},
        {"status", "状态"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (!strcmp(pairs[i][0], name)) return pairs[i][1];
    return NULL;
}

double e2e_csv_field(const char *csv, const char *col1, const char *val1, const char *col2, const char *val2,
                     const char *column) {
    FILE *f = fopen(csv, "r");
    char line[4096], *fields[32];
    int n, c1 = -1, c2 = -1, cc = -1;
    double v = NAN;
    if (!f) return NAN;
    if (fgets(line, sizeof line, f)) {
        char *h = line;
        if (!strncmp(h, "\xEF\xBB\xBF", 3)) h += 3; /* BOM */
        n = split(h, fields, 32);
        c1 = column_of(fields, n, col1, alias_of(col1));
        c2 = column_of(fields, n, col2, alias_of(col2));
        cc = column_of(fields, n, column, alias_of(column));
    }
    if (c1 >= 0 && c2 >= 0 && cc >= 0)
        while (fgets(line, sizeof line, f)) {
            char *end;
            n = split(line, fields, 32);
            if (n <= c1 || n <= c2 || n <= cc) continue;
            if (strcmp(fields[c1], val1) || strcmp(fields[c2], val2)) continue;
            v = strtod(fields[cc], &end);
            if (end == fields[cc] || *end) v = NAN;
            break;
        }
    fclose(f);
    return v;
}

double e2e_csv_number(const char *csv, const char *zone, const char *indicator, const char *column) {
    return e2e_csv_field(csv, "zone", zone, "indicator", indicator, column);
}

/* --- the store -------------------------------------------------------------------- */

static sqlite3_stmt *query(const char *db, sqlite3 **conn, const char *fmt, va_list ap) {
    char *sql = sqlite3_vmprintf(fmt, ap);
    sqlite3_stmt *st = NULL;
    *conn = NULL;
    if (!sql) return NULL;
    if (sqlite3_open_v2(db, conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "e2e: open %s: %s\n", db, *conn ? sqlite3_errmsg(*conn) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(*conn, 5000);
    if (sqlite3_prepare_v2(*conn, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "e2e: %s: %s: %s\n", db, sql, sqlite3_errmsg(*conn));
        goto fail;
    }
    sqlite3_free(sql);
    return st;
fail:
    sqlite3_free(sql);
    sqlite3_close(*conn);
    *conn = NULL;
    return NULL;
}

static int64_t sql_int_v(const char *db, const char *fmt, va_list ap) {
    sqlite3 *conn;
    sqlite3_stmt *st = query(db, &conn, fmt, ap);
    int64_t v = E2E_SQL_ERROR;
    int rc;
    if (!st) return E2E_SQL_ERROR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_DONE)
        v = 0;
    else
        fprintf(stderr, "e2e: %s: %s\n", db, sqlite3_errmsg(conn));
    sqlite3_finalize(st);
    sqlite3_close(conn);
    return v;
}

int64_t e2e_sql_int(const char *db, const char *fmt, ...) {
    va_list ap;
    int64_t v;
    va_start(ap, fmt);
    v = sql_int_v(db, fmt, ap);
    va_end(ap);
    return v;
}

double e2e_sql_double(const char *db, const char *fmt, ...) {
    sqlite3 *conn;
    sqlite3_stmt *st;
    double v = NAN;
    va_list ap;
    va_start(ap, fmt);
    st = query(db, &conn, fmt, ap);
    va_end(ap);
    if (!st) return NAN;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(conn);
    return v;
}

char *e2e_sql_text(const char *db, const char *fmt, ...) {
    sqlite3 *conn;
    sqlite3_stmt *st;
    char *v = NULL;
    va_list ap;
    int rc;
    va_start(ap, fmt);
    st = query(db, &conn, fmt, ap);
    va_end(ap);
    if (!st) return NULL;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        v = strdup(t ? (const char *)t : "");
    } else if (rc == SQLITE_DONE) {
        v = strdup("");
    } else {
        fprintf(stderr, "e2e: %s: %s\n", db, sqlite3_errmsg(conn));
    }
    sqlite3_finalize(st);
    sqlite3_close(conn);
    return v;
}

int64_t e2e_sql_wait(const char *db, int64_t want, int timeout_ms, const char *fmt, ...) {
    int64_t deadline = clock_mono_ms() + timeout_ms, v;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        v = e2e_exists(db) ? sql_int_v(db, fmt, ap) : E2E_SQL_ERROR;
        va_end(ap);
        if (v == want || clock_mono_ms() >= deadline) return v;
        e2e_sleep_ms(50);
    }
}

/* --- the daemons ------------------------------------------------------------------ */

/* dir/name, or dir/name-2, -3 … if a log of that name exists: a restarted daemon
 * gets a log of its own, so its "ready:" is not found in its predecessor's. */
static const char *fresh_log_base(const char *dir, const char *name) {
    const char *base = e2e_fmt("%s/%s", dir, name);
    for (int i = 2; e2e_exists(e2e_fmt("%s.err", base)) && i < 1000; i++)
        base = e2e_fmt("%s/%s-%d", dir, name, i);
    return base;
}

int e2e_agg_start(e2e_agg_t *a, const char *dir, const char *listen, const char *const *extra) {
    char *argv[MAX_ARGS];
    char s_master[1100], s_store[400], s_listen[400], s_publish[400], s_snapshot[400];
    int n = 0;
    memset(a, 0, sizeof *a);
    snprintf(a->dir, sizeof a->dir, "%s", dir);
    snprintf(a->store, sizeof a->store, "%s/store.db", dir);
    if (listen)
        snprintf(a->listen, sizeof a->listen, "%s", listen);
    else
        snprintf(a->listen, sizeof a->listen, "ipc://%s/agg.sock", dir);
    snprintf(a->publish, sizeof a->publish, "ipc://%s/pub.sock", dir);
    snprintf(a->snapshot, sizeof a->snapshot, "ipc://%s/agg-snap.sock", dir);
    snprintf(a->log, sizeof a->log, "%s", fresh_log_base(dir, "aggregator"));
    snprintf(a->err_log, sizeof a->err_log, "%s.err", a->log);
    snprintf(s_master, sizeof s_master, "master_dir=%s", e2e_city());
    snprintf(s_store, sizeof s_store, "store=%s", a->store);
    snprintf(s_listen, sizeof s_listen, "listen=%s", a->listen);
    snprintf(s_publish, sizeof s_publish, "publish=%s", a->publish);
    snprintf(s_snapshot, sizeof s_snapshot, "snapshot=%s", a->snapshot);
    argv[n++] = (char *)e2e_bin("yuebao-aggregator");
    argv[n++] = "--insecure";
    argv[n++] = "--set";
    argv[n++] = s_master;
    argv[n++] = "--set";
    argv[n++] = s_store;
    argv[n++] = "--set";
    argv[n++] = s_listen;
    argv[n++] = "--set";
    argv[n++] = s_publish;
    argv[n++] = "--set";
    argv[n++] = s_snapshot;
    for (size_t i = 0; extra && extra[i] && n < MAX_ARGS - 1; i++)
        argv[n++] = (char *)extra[i];
    argv[n] = NULL;
    a->pid = e2e_start(a->log, argv);
    if (a->pid < 0) return -1;
    if (wait_ready(a->err_log, a->pid, E2E_WAIT_MS) < 0) {
        fprintf(stderr, "e2e: aggregator not ready; its log:\n%s\n", e2e_tail(a->err_log, 4000));
        e2e_stop(a->pid, 3000);
        a->pid = 0;
        return -1;
    }
    return 0;
}

int e2e_agg_stop(e2e_agg_t *a) {
    int st;
    if (a->pid <= 0) return -1;
    st = e2e_stop(a->pid, 10000);
    a->pid = 0;
    return st;
}

pid_t e2e_scorer_spawn(e2e_scorer_t *s, const char *dir, const e2e_agg_t *agg, const char *const *extra) {
    char *argv[MAX_ARGS];
    char s_master[1100], s_rules[1100], s_store[400], s_scores[400], s_events[400], s_publish[400],
        s_snapshot[400];
    int n = 0;
    memset(s, 0, sizeof *s);
    s->exit_status = -1;
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    snprintf(s->scores, sizeof s->scores, "%s/scores.db", dir);
    snprintf(s->publish, sizeof s->publish, "ipc://%s/scorer-pub.sock", dir);
    snprintf(s->snapshot, sizeof s->snapshot, "ipc://%s/scorer-snap.sock", dir);
    snprintf(s->log, sizeof s->log, "%s", fresh_log_base(dir, "scorer"));
    snprintf(s->err_log, sizeof s->err_log, "%s.err", s->log);
    snprintf(s_master, sizeof s_master, "master_dir=%s", e2e_city());
    snprintf(s_rules, sizeof s_rules, "rules_dir=%s", e2e_city());
    snprintf(s_store, sizeof s_store, "store=%s", agg->store);
    snprintf(s_scores, sizeof s_scores, "scores=%s", s->scores);
    snprintf(s_events, sizeof s_events, "events=%s", agg->publish);
    snprintf(s_publish, sizeof s_publish, "publish=%s", s->publish);
    snprintf(s_snapshot, sizeof s_snapshot, "snapshot=%s", s->snapshot);
    argv[n++] = (char *)e2e_bin("yuebao-scorer");
    argv[n++] = "--insecure";
    argv[n++] = "--set";
    argv[n++] = s_master;
    argv[n++] = "--set";
    argv[n++] = s_rules;
    argv[n++] = "--set";
    argv[n++] = s_store;
    argv[n++] = "--set";
    argv[n++] = s_scores;
    argv[n++] = "--set";
    argv[n++] = s_events;
    argv[n++] = "--set";
    argv[n++] = s_publish;
    argv[n++] = "--set";
    argv[n++] = s_snapshot;
    for (size_t i = 0; extra && extra[i] && n < MAX_ARGS - 1; i++)
        argv[n++] = (char *)extra[i];
    argv[n] = NULL;
    s->pid = e2e_start(s->log, argv);
    if (s->pid < 0) s->pid = 0;
    return s->pid > 0 ? s->pid : -1;
}

int e2e_scorer_start(e2e_scorer_t *s, const char *dir, const e2e_agg_t *agg, const char *const *extra) {
    if (e2e_scorer_spawn(s, dir, agg, extra) < 0) return -1;
    if (wait_ready(s->err_log, s->pid, E2E_WAIT_MS) < 0) {
        bool exited = !e2e_alive(s->pid);
        s->exit_status = e2e_stop(s->pid, 3000);
        if (exited)
            fprintf(stderr, "e2e: scorer exited with status %d before it was ready (log %s)\n",
                    s->exit_status, s->err_log);
        else
            fprintf(stderr, "e2e: scorer not ready; its log:\n%s\n", e2e_tail(s->err_log, 4000));
        s->pid = 0;
        return -1;
    }
    return 0;
}

int e2e_scorer_stop(e2e_scorer_t *s) {
    int st;
    if (s->pid <= 0) return -1;
    st = e2e_stop(s->pid, 10000);
    s->pid = 0;
    return st;
}

/* The fixed part of a `yuebao-collector submit` command line into argv (the strings
 * live in buf); returns the number of arguments. */
typedef struct {
    char county[64], master[1100], agg[400], outbox[1100], timeout[16];
} submit_buf_t;

static int submit_argv(char **argv, submit_buf_t *buf, int timeout_s, const char *county,
                       const char *endpoint, const char *outbox) {
    int n = 0;
    snprintf(buf->county, sizeof buf->county, "county=%s", county);
    snprintf(buf->master, sizeof buf->master, "master_dir=%s", e2e_city());
    snprintf(buf->agg, sizeof buf->agg, "aggregator=%s", endpoint);
    snprintf(buf->outbox, sizeof buf->outbox, "outbox=%s", outbox);
    snprintf(buf->timeout, sizeof buf->timeout, "%d", timeout_s);
    argv[n++] = (char *)e2e_bin("yuebao-collector");
    argv[n++] = "submit";
    argv[n++] = "--insecure";
    argv[n++] = "--set";
    argv[n++] = buf->county;
    argv[n++] = "--set";
    argv[n++] = buf->master;
    argv[n++] = "--set";
    argv[n++] = buf->agg;
    argv[n++] = "--set";
    argv[n++] = buf->outbox;
    argv[n++] = "--timeout";
    argv[n++] = buf->timeout;
    return n;
}

static int submit_v(const char *log_base, char **out, int timeout_s, const char *county, const char *endpoint,
                    const char *outbox, va_list ap) {
    char *argv[MAX_ARGS];
    submit_buf_t buf;
    const char *f;
    int n = submit_argv(argv, &buf, timeout_s, county, endpoint, outbox);
    while ((f = va_arg(ap, const char *)) != NULL && n < MAX_ARGS - 1)
        argv[n++] = (char *)f;
    argv[n] = NULL;
    return e2e_run(log_base, out, timeout_s * 1000 + 20000, argv);
}

/* argv for a submit of the NULL-terminated files; -1 if there are too many. */
static int submit_files_argv(char **argv, submit_buf_t *buf, int timeout_s, const char *county,
                             const char *endpoint, const char *outbox, const char *const *files) {
    int n = submit_argv(argv, buf, timeout_s, county, endpoint, outbox);
    for (size_t i = 0; files && files[i]; i++) {
        if (n >= MAX_ARGS - 1) {
            fprintf(stderr, "e2e: too many files for one submit\n");
            return -1;
        }
        argv[n++] = (char *)files[i];
    }
    argv[n] = NULL;
    return n;
}

int e2e_submit_files(const char *log_base, char **out, const char *county, const char *endpoint,
                     const char *outbox, const char *const *files) {
    char *argv[MAX_ARGS];
    submit_buf_t buf;
    if (out) *out = NULL;
    if (submit_files_argv(argv, &buf, 20, county, endpoint, outbox, files) < 0) return -1;
    return e2e_run(log_base, out, 20 * 1000 + 20000, argv);
}

pid_t e2e_submit_start(const char *log_base, const char *county, const char *endpoint, const char *outbox,
                       const char *const *files) {
    char *argv[MAX_ARGS];
    submit_buf_t buf;
    if (submit_files_argv(argv, &buf, 20, county, endpoint, outbox, files) < 0) return -1;
    unlink(e2e_fmt("%s.out", log_base));
    unlink(e2e_fmt("%s.err", log_base));
    return e2e_start(log_base, argv);
}

int e2e_submit(const char *log_base, char **out, const char *county, const char *endpoint, const char *outbox,
               ...) {
    va_list ap;
    int rc;
    va_start(ap, outbox);
    rc = submit_v(log_base, out, 20, county, endpoint, outbox, ap);
    va_end(ap);
    return rc;
}

int e2e_submit_timeout(const char *log_base, char **out, int timeout_s, const char *county,
                       const char *endpoint, const char *outbox, ...) {
    va_list ap;
    int rc;
    va_start(ap, outbox);
    rc = submit_v(log_base, out, timeout_s, county, endpoint, outbox, ap);
    va_end(ap);
    return rc;
}

pid_t e2e_collector_start(const char *dir, const char *county, const char *endpoint, char *log_base,
                          size_t log_base_size) {
    const char *log = fresh_log_base(dir, "collector");
    if (log_base) snprintf(log_base, log_base_size, "%s", log);
    pid_t pid =
        e2e_startl(log, e2e_bin("yuebao-collector"), "--insecure", "--set", e2e_fmt("county=%s", county),
                   "--set", e2e_fmt("master_dir=%s", e2e_city()), "--set", e2e_fmt("aggregator=%s", endpoint),
                   "--set", e2e_fmt("outbox=%s/outbox.db", dir), "--set", e2e_fmt("inbox=%s/inbox", dir),
                   "--set", e2e_fmt("done=%s/done", dir), "--set", e2e_fmt("rejected=%s/rejected", dir),
                   "--set", "settle_ms=100", "--set", "retry_min_ms=200", "--set", "retry_max_ms=1000", NULL);
    if (pid < 0) return -1;
    if (wait_ready(e2e_fmt("%s.err", log), pid, E2E_WAIT_MS) < 0) {
        fprintf(stderr, "e2e: collector not ready; its log:\n%s\n", e2e_tail(e2e_fmt("%s.err", log), 4000));
        e2e_stop(pid, 3000);
        return -1;
    }
    return pid;
}

int e2e_web_cert(const char *dir) {
    return e2e_runl(e2e_fmt("%s/openssl", dir), NULL, 60000, "/usr/bin/openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", e2e_fmt("%s/key.pem", dir),
                    "-out", e2e_fmt("%s/cert.pem", dir), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1", NULL) == 0
               ? 0
               : -1;
}

int e2e_user_add(const char *log_base, const char *users, const char *name, const char *role,
                 const char *password) {
    char out[400], err[400];
    int in[2], st;
    pid_t pid;
    snprintf(out, sizeof out, "%s.out", log_base);
    snprintf(err, sizeof err, "%s.err", log_base);
    if (pipe(in) < 0 || (pid = fork()) < 0) return -1;
    if (pid == 0) {
        dup2(in[0], 0);
        close(in[1]);
        if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr)) _exit(126);
        execl(e2e_bin("yuebao"), "yuebao", "user", "add", name, "--role", role, "--users", users, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    st = write(in[1], password, strlen(password)) < 0 || write(in[1], "\n", 1) < 0 ? -1 : 0;
    close(in[1]);
    if (waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

pid_t e2e_web_start(const char *dir, const e2e_agg_t *agg, const e2e_scorer_t *sc, const char *users,
                    const char *const *extra, char *base, size_t base_size) {
    static char sets[16][600];
    const char *kv[] = {"listen=127.0.0.1:0",
                        e2e_fmt("tls_cert=%s/cert.pem", dir),
                        e2e_fmt("tls_key=%s/key.pem", dir),
                        e2e_fmt("users=%s", users),
                        e2e_fmt("audit=%s/audit.log", dir),
                        e2e_fmt("assets=%s/web/assets", e2e_bin("..")),
                        e2e_fmt("cli=%s", e2e_bin("yuebao")),
                        e2e_fmt("store=%s", agg->store),
                        e2e_fmt("scores=%s", sc->scores),
                        e2e_fmt("master=%s", e2e_city()),
                        e2e_fmt("aggregator_pub=%s", agg->publish),
                        e2e_fmt("aggregator_snapshot=%s", agg->snapshot),
                        e2e_fmt("scorer_pub=%s", sc->publish),
                        e2e_fmt("scorer_snapshot=%s", sc->snapshot),
                        NULL};
    char *argv[MAX_ARGS], err_log[400], *log;
    const char *at;
    int n = 0;
    pid_t pid;
    argv[n++] = (char *)e2e_bin("yuebao-web");
    for (int i = 0; kv[i]; i++) {
        snprintf(sets[i], sizeof sets[i], "%s", kv[i]);
        argv[n++] = "--set";
        argv[n++] = sets[i];
    }
    for (int i = 0; extra && extra[i] && n < MAX_ARGS - 1; i++) argv[n++] = (char *)extra[i];
    argv[n] = NULL;
    snprintf(err_log, sizeof err_log, "%s/web.err", dir);
    if ((pid = e2e_start(e2e_fmt("%s/web", dir), argv)) < 0) return -1;
    /* "serving https://127.0.0.1:PORT/" (服务地址 … in Chinese) */
    if (e2e_wait_log(err_log, "://127.0.0.1:", pid, e2e_scaled_ms(20000)) < 0) {
        e2e_stop(pid, 3000);
        return -1;
    }
    log = e2e_read_file(err_log);
    at = log ? strstr(log, "://127.0.0.1:") : NULL;
    snprintf(base, base_size, "https://127.0.0.1:%d", at ? atoi(at + strlen("://127.0.0.1:")) : 0);
    free(log);
    return pid;
}

int e2e_free_port(void) {
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;
    if (fd < 0) return -1;
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

/* --- a raw collector -------------------------------------------------------------- */

void *e2e_dealer(const char *endpoint, const char *routing_id) {
    void *s;
    int linger = 0, maxmsg = -1;
    size_t slot = MAX_DEALERS;
    register_atexit();
    for (size_t i = 0; i < MAX_DEALERS; i++)
        if (!dealers[i]) {
            slot = i;
            break;
        }
    if (slot == MAX_DEALERS) return NULL;
    if (!zctx && !(zctx = zmq_ctx_new())) return NULL;
    s = zmq_socket(zctx, ZMQ_DEALER);
    if (!s) return NULL;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    if (routing_id && zmq_setsockopt(s, ZMQ_ROUTING_ID, routing_id, strlen(routing_id)) < 0) {
        fprintf(stderr, "e2e: routing id: %s\n", zmq_strerror(errno));
        zmq_close(s);
        return NULL;
    }
    if (zmq_connect(s, endpoint) < 0) {
        fprintf(stderr, "e2e: connect %s: %s\n", endpoint, zmq_strerror(errno));
        zmq_close(s);
        return NULL;
    }
    dealers[slot] = s;
    return s;
}

void e2e_dealer_close(void **dealer) {
    void *s;
    if (!dealer || !*dealer) return;
    s = *dealer; /* dealer may point into dealers[] */
    *dealer = NULL;
    for (size_t i = 0; i < MAX_DEALERS; i++)
        if (dealers[i] == s) dealers[i] = NULL;
    zmq_close(s);
}

int e2e_load_report(const char *csv, const char *projects_csv, const char *zone, uint32_t revision,
                    report_t *out) {
    diag_list_t dl = {0};
    report_set_t set = {0};
    master_t *m = master_load(e2e_city(), &dl);
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (!m) {
        fprintf(stderr, "e2e: master data in %s does not load\n", e2e_city());
        diag_clear(&dl);
        return -1;
    }
    if (county_csv_load(m, csv, &set, &dl) > 0 ||
        (projects_csv && county_csv_load(m, projects_csv, &set, &dl) > 0)) {
        for (size_t i = 0; i < dl.n; i++) {
            char line[1024];
            diag_format(&dl.items[i], line, sizeof line);
            fprintf(stderr, "e2e: %s\n", line);
        }
        goto out;
    }
    for (size_t i = 0; i < set.n; i++)
        if (!strcmp(set.reports[i].zone, zone)) {
            if (report_copy(out, &set.reports[i]) < 0) goto out;
            out->revision = revision;
            rc = 0;
            break;
        }
    if (rc < 0) fprintf(stderr, "e2e: no report of zone %s in %s\n", zone, csv);
out:
    report_set_clear(&set);
    diag_clear(&dl);
    master_destroy(&m);
    return rc;
}

int e2e_encode_report(const report_t *r, uint8_t id[MSG_ID_LEN], uint8_t **bytes, size_t *len) {
    msg_t m;
    int rc;
    memset(&m, 0, sizeof m);
    m.kind = MSG_REPORT;
    codec_new_id(m.id);
    m.report = *r; /* shallow: codec_encode only reads it */
    rc = codec_encode(&m, bytes, len);
    if (rc == 0 && id) memcpy(id, m.id, MSG_ID_LEN);
    return rc;
}

int e2e_send(void *dealer, const void *buf, size_t len) {
    int timeout = 5000;
    zmq_setsockopt(dealer, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    if (zmq_send(dealer, buf, len, 0) < 0) {
        fprintf(stderr, "e2e: send: %s\n", zmq_strerror(errno));
        return -1;
    }
    return 0;
}

int e2e_send_multi(void *dealer, const void *const *frames, const size_t *lens, size_t n) {
    int timeout = 5000;
    zmq_setsockopt(dealer, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    for (size_t i = 0; i < n; i++)
        if (zmq_send(dealer, frames[i], lens[i], i + 1 < n ? ZMQ_SNDMORE : 0) < 0) {
            fprintf(stderr, "e2e: send: %s\n", zmq_strerror(errno));
            return -1;
        }
    return 0;
}

int e2e_recv_msg(void *dealer, int timeout_ms, msg_t *out) {
    zmq_msg_t part;
    char err[256];
    int rc;
    memset(out, 0, sizeof *out);
    zmq_setsockopt(dealer, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_msg_init(&part);
    if (zmq_msg_recv(&part, dealer, 0) < 0) {
        zmq_msg_close(&part);
        return -1;
    }
    rc = codec_decode(zmq_msg_data(&part), zmq_msg_size(&part), out, err, sizeof err);
    if (rc < 0) fprintf(stderr, "e2e: undecodable reply: %s\n", err);
    zmq_msg_close(&part);
    return rc;
}

int e2e_exchange(void *dealer, const uint8_t *bytes, size_t len, const uint8_t id[MSG_ID_LEN], int timeout_ms,
                 msg_t *ack) {
    msg_t m;
    int status;
    if (ack) memset(ack, 0, sizeof *ack);
    if (e2e_send(dealer, bytes, len) < 0) return -1;
    if (e2e_recv_msg(dealer, timeout_ms, &m) < 0) {
        fprintf(stderr, "e2e: no ack within %d ms\n", timeout_ms);
        return -1;
    }
    if (m.kind != MSG_ACK || !m.has_reply_to || memcmp(m.in_reply_to, id, MSG_ID_LEN) != 0) {
        fprintf(stderr, "e2e: reply is not the ack of the message sent (kind %d)\n", (int)m.kind);
        msg_clear(&m);
        return -1;
    }
    status = (int)m.ack.status;
    if (ack)
        *ack = m;
    else
        msg_clear(&m);
    return status;
}

int e2e_send_value(const char *endpoint, const char *routing_id, const char *zone, const char *period,
                   uint32_t revision, double amount, char *why, size_t why_size) {
    report_t r;
    report_value_t v;
    uint8_t id[MSG_ID_LEN], *bytes = NULL;
    size_t len = 0;
    msg_t ack;
    int status = -1;
    void *dealer;
    if (why && why_size) why[0] = '\0';
    if (!(dealer = e2e_dealer(endpoint, routing_id))) {
        fprintf(stderr, "e2e: cannot connect a DEALER to %s\n", endpoint);
        return -1;
    }
    memset(&r, 0, sizeof r);
    memset(&v, 0, sizeof v);
    snprintf(r.zone, sizeof r.zone, "%s", zone);
    snprintf(r.period, sizeof r.period, "%s", period);
    r.revision = revision;
    snprintf(v.indicator, sizeof v.indicator, "revenue");
    v.amount = amount;
    v.line = 2;
    if (!report_add_value(&r, &v) || e2e_encode_report(&r, id, &bytes, &len) < 0) {
        fprintf(stderr, "e2e: cannot build the report of %s %s\n", zone, period);
    } else {
        status = e2e_exchange(dealer, bytes, len, id, e2e_scaled_ms(10000), &ack);
        if (status >= 0) {
            if (why && why_size && ack.ack.issues.n)
                snprintf(why, why_size, "%s", ack.ack.issues.items[0].message);
            msg_clear(&ack);
        }
    }
    free(bytes);
    report_clear(&r);
    e2e_dealer_close(&dealer);
    return status;
}

/* --- subscribers and snapshots ---------------------------------------------------- */

void *e2e_sub(const char *endpoint, const char *prefix) {
    void *s;
    int linger = 0, maxmsg = -1, hwm = 100000;
    size_t slot = MAX_DEALERS;
    register_atexit();
    for (size_t i = 0; i < MAX_DEALERS; i++)
        if (!dealers[i]) {
            slot = i;
            break;
        }
    if (slot == MAX_DEALERS) return NULL;
    if (!zctx && !(zctx = zmq_ctx_new())) return NULL;
    s = zmq_socket(zctx, ZMQ_SUB);
    if (!s) return NULL;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (zmq_setsockopt(s, ZMQ_SUBSCRIBE, prefix ? prefix : "", prefix ? strlen(prefix) : 0) < 0 ||
        zmq_connect(s, endpoint) < 0) {
        fprintf(stderr, "e2e: subscribe to %s: %s\n", endpoint, zmq_strerror(errno));
        zmq_close(s);
        return NULL;
    }
    dealers[slot] = s;
    return s;
}

int e2e_recv_pub(void *sub, int timeout_ms, char *topic, size_t topic_size, msg_t *out) {
    zmq_msg_t parts[2];
    char err[256];
    int n = 0, rc = -1;
    memset(out, 0, sizeof *out);
    if (topic_size) topic[0] = '\0';
    zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    for (int i = 0;; i++) {
        zmq_msg_t extra, *part = i < 2 ? &parts[i] : &extra;
        zmq_msg_init(part);
        if (zmq_msg_recv(part, sub, 0) < 0) {
            zmq_msg_close(part);
            break;
        }
        if (i < 2) n++;
        if (!zmq_msg_more(part)) {
            if (i >= 2) zmq_msg_close(part);
            rc = 0;
            break;
        }
        if (i >= 2) zmq_msg_close(part);
    }
    if (rc == 0 && n != 2) {
        fprintf(stderr, "e2e: a published message of %d frames; expected [topic, envelope]\n", n);
        rc = -1;
    }
    if (rc == 0) {
        size_t tl = zmq_msg_size(&parts[0]);
        if (tl >= topic_size) tl = topic_size ? topic_size - 1 : 0;
        if (topic_size) {
            memcpy(topic, zmq_msg_data(&parts[0]), tl);
            topic[tl] = '\0';
        }
        rc = codec_decode(zmq_msg_data(&parts[1]), zmq_msg_size(&parts[1]), out, err, sizeof err);
        if (rc < 0) fprintf(stderr, "e2e: undecodable published message: %s\n", err);
    }
    for (int i = 0; i < n; i++)
        zmq_msg_close(&parts[i]);
    return rc;
}

void e2e_snapshot_clear(e2e_snapshot_t *snap) {
    ranking_clear(&snap->ranking);
    alert_list_clear(&snap->alerts);
    memset(snap, 0, sizeof *snap);
}

/* Adds one ranking chunk to r: the header from the first, the rows of all. 0 or -1. */
static int merge_chunk(ranking_t *r, const msg_t *m) {
    if (m->ranking_first == 0) {
        ranking_clear(r);
        snprintf(r->period, sizeof r->period, "%s", m->ranking.period);
        snprintf(r->method, sizeof r->method, "%s", m->ranking.method);
        r->computed_at_ms = m->ranking.computed_at_ms;
        r->n_dims = m->ranking.n_dims;
        memcpy(r->dims, m->ranking.dims, sizeof r->dims);
    } else if (strcmp(r->period, m->ranking.period) != 0 || m->ranking_first != r->n_rows) {
        fprintf(stderr, "e2e: ranking chunk of %s at row %u does not follow %s's %zu rows\n",
                m->ranking.period, m->ranking_first, r->period, r->n_rows);
        return -1;
    }
    for (size_t i = 0; i < m->ranking.n_rows; i++)
        if (!ranking_add_row(r, &m->ranking.rows[i])) return -1;
    return 0;
}

int e2e_snapshot(const char *endpoint, const char *prefix, const char *period, int timeout_ms,
                 e2e_snapshot_t *out) {
    void *dealer = e2e_dealer(endpoint, NULL);
    msg_t req, m;
    uint8_t *bytes = NULL;
    size_t len = 0;
    int rc = -1;
    memset(out, 0, sizeof *out);
    memset(&req, 0, sizeof req);
    if (!dealer) return -1;
    req.kind = MSG_SNAPSHOT_REQUEST;
    codec_new_id(req.id);
    snprintf(req.snap_req.prefix, sizeof req.snap_req.prefix, "%s", prefix ? prefix : "");
    snprintf(req.snap_req.period, sizeof req.snap_req.period, "%s", period ? period : "");
    if (codec_encode(&req, &bytes, &len) < 0 || e2e_send(dealer, bytes, len) < 0) goto done;
    for (;;) {
        if (e2e_recv_msg(dealer, timeout_ms, &m) < 0) {
            fprintf(stderr, "e2e: snapshot from %s: no SnapshotEnd within %d ms\n", endpoint, timeout_ms);
            goto done;
        }
        if (m.kind == MSG_SNAPSHOT_END) {
            out->sequence = m.snap_end_sequence;
            out->n_alerts = m.snap_end_alerts;
            msg_clear(&m);
            rc = 0;
            break;
        }
        if ((m.kind == MSG_RANKING && merge_chunk(&out->ranking, &m) < 0) ||
            (m.kind == MSG_ALERT && !alert_list_add(&out->alerts, &m.alert)) ||
            (m.kind != MSG_RANKING && m.kind != MSG_ALERT)) {
            fprintf(stderr, "e2e: snapshot from %s: unexpected message (kind %d)\n", endpoint, (int)m.kind);
            msg_clear(&m);
            goto done;
        }
        msg_clear(&m);
    }
done:
    free(bytes);
    e2e_dealer_close(&dealer);
    if (rc < 0) e2e_snapshot_clear(out);
    return rc;
}

bool e2e_under_valgrind(void) {
    return getenv("YUEBAO_E2E_VALGRIND") != NULL;
}

int e2e_scaled_ms(int ms) {
    return e2e_under_valgrind() ? 6 * ms : ms;
}
