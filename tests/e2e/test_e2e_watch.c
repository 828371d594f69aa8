/* test_e2e_watch.c - the central office's day around the deadline, through the real
 * `yuebao status` and `yuebao watch` against the real aggregator.
 *
 * May 2017 is due on 2017-06-10 24:00 Asia/Shanghai. On 2017-06-05 (YUEBAO_NOW, the
 * aggregator's clock) 鹤山区, 淇滨区 and 浚县 report (4 zones, on time) and 淇县 sends a
 * report with a negative revenue (rejected). The aggregator is restarted on 2017-07-05,
 * when 山城区's May report arrives late. So for 2017-05: 5 of 8 reported, 4 on time,
 * 1 late, 3 missing and overdue (金山, 示范区, and 鹤淇 whose only attempt was rejected).
 * The expected figures are computed here from the county CSVs.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e_suite.h"
#include "text.h"

TestSuite(e2e_watch, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 120);

/* The line of text that contains needle (a static copy; "" if none). */
static const char *line_of(const char *text, const char *needle) {
    static char buf[2048];
    const char *p = strstr(text, needle), *start, *end;
    buf[0] = '\0';
    if (!p) return buf;
    for (start = p; start > text && start[-1] != '\n'; start--) {}
    end = strchr(p, '\n');
    snprintf(buf, sizeof buf, "%.*s", (int)(end ? end - start : (long)strlen(start)), start);
    return buf;
}

static void submit(const char *name, const char *county, const char *rel) {
    char *out = NULL;
    int st = e2e_submit(P("%s/%s", dir, name), &out, county, agg.listen, P("%s/outbox-%s.db", dir, county),
                        e2e_sample(rel), NULL);
    cr_assert_eq(st, 0, "submit %s: status %d\n%s", rel, st, out ? out : "");
    free(out);
}

/* May as described at the top; the aggregator is left running on 2017-07-05. */
static void may_around_the_deadline(void) {
    report_t r;
    uint8_t id[MSG_ID_LEN], *bytes = NULL;
    size_t len = 0;
    void *d;
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-06-05", 1), 0);
    start_aggregator(NULL, NULL);
    submit("s-410602", "410602", "reports/2017-05/410602.csv");
    submit("s-410611", "410611", "reports/2017-05/410611.csv");
    submit("s-410621", "410621", "reports/2017-05/410621.csv");
    /* 淇县's desk sends heqi with a negative revenue: rejected by the aggregator */
    cr_assert_eq(e2e_load_report(e2e_sample("reports/2017-05/410622.csv"), NULL, "heqi", 1, &r), 0);
    for (size_t i = 0; i < r.n_values; i++)
        if (!strcmp(r.values[i].indicator, "revenue")) r.values[i].amount = -1;
    d = e2e_dealer(agg.listen, "c:410622:desk");
    cr_assert_not_null(d);
    cr_assert_eq(e2e_encode_report(&r, id, &bytes, &len), 0);
    cr_assert_eq(e2e_exchange(d, bytes, len, id, e2e_scaled_ms(10000), NULL), ACK_REJECTED);
    free(bytes);
    report_clear(&r);
    e2e_dealer_close(&d);
    stop_aggregator();

    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-05", 1), 0);
    start_aggregator(NULL, NULL);
    submit("s-410603", "410603", "late/2017-05/410603.csv");
}

/* Σ revenue over the zones of May's sample files for these counties. */
static double may_revenue(const char *const *counties, const char *const *zones, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rel = strcmp(counties[i], "410603") ? P("reports/2017-05/%s.csv", counties[i])
                                                        : "late/2017-05/410603.csv";
        double a = e2e_csv_number(e2e_sample(rel), zones[i], "revenue", "amount");
        cr_assert(!isnan(a), "revenue of %s in %s", zones[i], rel);
        sum += a;
    }
    return sum;
}

/* "1,234,567.8", as watch prints amounts. */
static const char *grouped(double v) {
    char digits[64], out[96];
    size_t n, o = 0, lead;
    snprintf(digits, sizeof digits, "%.1f", v);
    n = strchr(digits, '.') - digits;
    lead = n % 3 ? n % 3 : 3;
    for (size_t i = 0; digits[i]; i++) {
        if (i < n && i >= lead && (i - lead) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return P("%s", out);
}

Test(e2e_watch, status_names_on_time_late_missing_rejected_and_overdue) {
    char *out = NULL;
    int st;
    may_around_the_deadline();
    st = e2e_runl(P("%s/status", dir), &out, e2e_scaled_ms(20000), e2e_bin("yuebao"), "status", "--store",
                  agg.store, "--master", e2e_city(), "--scores", P("%s/no-scores.db", dir), "--period",
                  "2017-05", NULL);
    cr_assert_eq(st, 0, "%s", e2e_tail(P("%s/status.err", dir), 2000));
    cr_assert_not_null(strstr(out, "period 2017-05 (1-5月) · due 2017-06-10 24:00"), "%s", out);
    cr_assert_not_null(
        strstr(line_of(out, "宝山循环经济产业集聚区"), "revision 1 at 2017-06-05 00:00:00, on time"), "%s",
        out);
    cr_assert_not_null(strstr(line_of(out, "山城专业园区"), "reported LATE"), "%s", out);
    cr_assert_not_null(
        strstr(line_of(out, "山城专业园区"), "revision 1 at 2017-07-05 00:00:00, 24 days after the deadline"),
        "%s", out);
    /* 鹤淇: its only attempt was rejected, with the reason, and it is overdue */
    cr_assert_not_null(strstr(line_of(out, "鹤淇产业集聚区 "), "REJECTED"), "%s", out);
    cr_assert_not_null(strstr(line_of(out, "鹤淇产业集聚区 "), "negative"), "the reason is shown:\n%s", out);
    cr_assert_not_null(strstr(out, "MISSING        overdue: due 2017-06-10 24:00, 24 days ago"), "%s", out);
    cr_assert_not_null(strstr(line_of(out, "金山产业集聚区"), "MISSING        overdue"), "%s", out);
    cr_assert_not_null(strstr(out, "5 of 8 zones reported: 4 on time, 1 late; 3 missing (past the deadline)"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "overdue list: not available without the scorer's score store"), "%s",
                       out);
    free(out);

    /* without --period: the latest period with a report */
    st = e2e_runl(P("%s/status-latest", dir), &out, e2e_scaled_ms(20000), e2e_bin("yuebao"), "status",
                  "--store", agg.store, "--master", e2e_city(), NULL);
    cr_assert_eq(st, 0, "%s", e2e_tail(P("%s/status-latest.err", dir), 2000));
    cr_assert_not_null(strstr(out, "period 2017-05"), "%s", out);
    free(out);
    stop_aggregator();
}

Test(e2e_watch, watch_shows_the_live_totals_and_follows_arrivals) {
    static const char *const counties[] = {"410602", "410611", "410621", "410621", "410603", "410671"};
    static const char *const zones[] = {"baoshan", "qibin", "xunxian", "liyang", "shancheng", "jinshan"};
    char *out = NULL;
    const char *line;
    pid_t w;
    int st;
    may_around_the_deadline();

    /* the screen, once */
    st = e2e_runl(P("%s/watch-once", dir), &out, e2e_scaled_ms(20000), e2e_bin("yuebao"), "watch", "--once",
                  "--period", "2017-05", "--master", e2e_city(), "--pub", agg.publish, "--snapshot",
                  agg.snapshot, NULL);
    cr_assert_eq(st, 0, "%s", e2e_tail(P("%s/watch-once.err", dir), 2000));
    cr_assert_not_null(strstr(out, "completeness: 5 of 8 zones reported · 4 on time · 1 late · 3 missing"),
                       "%s", out);
    line = line_of(out, "  主营业务收入 ");
    cr_assert_not_null(strstr(line, grouped(may_revenue(counties, zones, 5))), "city revenue %s:\n%s",
                       grouped(may_revenue(counties, zones, 5)), out);
    cr_assert_not_null(strstr(line_of(out, "浚县 (410621)"), "2/2"), "%s", out);
    cr_assert_not_null(strstr(line_of(out, "淇县 (410622)"), "0/1"), "%s", out);
    cr_assert_not_null(strstr(out, "山城专业园区 (山城区)"), "the late arrival is among the latest:\n%s",
                       out);
    cr_assert_not_null(strstr(line_of(out, "revision 1: "), "negative"), "the rejection and its reason:\n%s",
                       out);
    free(out);

    /* following, into a file: plain lines as reports arrive */
    w = e2e_startl(P("%s/watch", dir), e2e_bin("yuebao"), "watch", "--period", "2017-05", "--master",
                   e2e_city(), "--pub", agg.publish, "--snapshot", agg.snapshot, NULL);
    cr_assert_gt(w, 0);
    cr_assert_eq(e2e_wait_log(P("%s/watch.out", dir), "latest rejections", w, e2e_scaled_ms(10000)), 0, "%s",
                 e2e_tail(P("%s/watch.err", dir), 2000));
    submit("s-410671", "410671", "reports/2017-05/410671.csv");
    cr_assert_eq(e2e_wait_log(P("%s/watch.out", dir),
                              "accepted 2017-05 金山产业集聚区 (鹤壁经济技术开发区管委会) revision 1", w,
                              e2e_scaled_ms(10000)),
                 0, "%s", e2e_tail(P("%s/watch.out", dir), 2000));
    cr_assert_eq(e2e_wait_log(P("%s/watch.out", dir), "totals 2017-05 city: 6 of 8 reported, 4 on time", w,
                              e2e_scaled_ms(10000)),
                 0, "%s", e2e_tail(P("%s/watch.out", dir), 2000));
    cr_assert_geq(e2e_count_in_file(P("%s/watch.out", dir), grouped(may_revenue(counties, zones, 6))), 1,
                  "the new city revenue %s:\n%s", grouped(may_revenue(counties, zones, 6)),
                  e2e_tail(P("%s/watch.out", dir), 2000));
    st = e2e_stop(w, e2e_scaled_ms(5000));
    cr_assert_eq(st, 0, "watch stops cleanly on SIGTERM: %d\n%s", st, e2e_tail(P("%s/watch.err", dir), 2000));

    /* no aggregator there: a clear error, exit 1 */
    st = e2e_runl(P("%s/watch-none", dir), &out, e2e_scaled_ms(30000), e2e_bin("yuebao"), "watch", "--once",
                  "--pub", P("ipc://%s/nobody.sock", dir), "--snapshot", P("ipc://%s/nobody-snap.sock", dir),
                  NULL);
    free(out);
    cr_assert_eq(st, 1, "no aggregator: exit 1");
    cr_assert_geq(e2e_count_in_file(P("%s/watch-none.err", dir), "no answer from the aggregator"), 1, "%s",
                  e2e_tail(P("%s/watch-none.err", dir), 2000));
    stop_aggregator();
}

/* ---- on a terminal ---------------------------------------------------------------- */

/* What the terminal has received from the watch on the pty's master side. */
typedef struct {
    int fd;
    char *buf;
    size_t len, cap;
} tty_t;

/* Reads what the program wrote for up to ms, or until until (if not NULL) appears after
 * byte from, or the other side closes. true when until was seen (or, without one, when
 * the other side closed). */
static bool tty_read(tty_t *t, int ms, size_t from, const char *until) {
    int64_t end = clock_mono_ms() + e2e_scaled_ms(ms);
    for (;;) {
        struct pollfd p = {t->fd, POLLIN, 0};
        int64_t left = end - clock_mono_ms();
        ssize_t n;
        if (until && t->len > from && strstr(t->buf + from, until)) return true;
        if (left <= 0) return false;
        if (poll(&p, 1, (int)left) <= 0) continue;
        if (t->len + 4096 + 1 > t->cap) {
            t->cap = (t->cap + 4096) * 2;
            t->buf = realloc(t->buf, t->cap);
            cr_assert_not_null(t->buf);
        }
        n = read(t->fd, t->buf + t->len, 4096);
        if (n <= 0) return !until; /* EIO: the watch has exited, the pty is closed */
        t->len += (size_t)n;
        t->buf[t->len] = '\0';
    }
}

static bool last_frame(const tty_t *t, size_t from, int *rows, int *widest, char *text, size_t size);

/* Reads until a whole frame ("\033[H" … "\033[J") drawn at or after byte from has
 * `rows` rows (0: any). A redraw under way when from was taken ends after from but began
 * before it, and one already decided before a resize comes at the old size: both are
 * passed over. true when such a frame came within ms. */
static bool tty_frame(tty_t *t, int ms, size_t from, int rows) {
    int64_t end = clock_mono_ms() + e2e_scaled_ms(ms);
    for (;;) {
        const char *h;
        size_t at;
        int n, w;
        char text[8192];
        if (clock_mono_ms() >= end || !tty_read(t, 200, from, "\033[H")) {
            if (clock_mono_ms() >= end) return false;
            continue;
        }
        h = strstr(t->buf + from, "\033[H");
        at = (size_t)(h - t->buf);
        if (!tty_read(t, 200, at, "\033[J")) continue;
        if (last_frame(t, at, &n, &w, text, sizeof text) && (!rows || n == rows)) return true;
        from = at + 3; /* not it: the next frame */
    }
}

/* The rows of the last frame (from the last "\033[H" to the "\033[J" after it) drawn
 * at or after byte from: how many, and the widest in columns; false if there is none. */
static bool last_frame(const tty_t *t, size_t from, int *rows, int *widest, char *text, size_t size) {
    const char *start = NULL, *p, *stop;
    size_t o = 0;
    int w;
    char row[2048];
    size_t r = 0;
    for (p = t->buf + from; (p = strstr(p, "\033[H")) != NULL; p++)
        if (strstr(p, "\033[J")) start = p;
    if (!start) return false;
    stop = strstr(start, "\033[J");
    *rows = 1;
    *widest = 0;
    row[0] = '\0';
    for (p = start + 3; p < stop; p++) {
        if (*p == '\033') { /* CSI: ESC [ parameters, then a final byte */
            for (p += 2; p < stop && !(*p >= '@' && *p <= '~'); p++) {}
            continue;
        }
        if (*p == '\r') continue; /* the pty's ONLCR */
        if (o + 1 < size) text[o++] = *p;
        if (*p == '\n') {
            row[r] = '\0';
            if ((w = text_width(row)) > *widest) *widest = w;
            r = 0;
            (*rows)++;
            continue;
        }
        if (r + 1 < sizeof row) row[r++] = *p;
    }
    row[r] = '\0';
    if ((w = text_width(row)) > *widest) *widest = w;
    text[o] = '\0';
    return true;
}

Test(e2e_watch, on_a_terminal_it_fits_80x24_on_the_alternate_screen) {
    struct winsize ws = {.ws_row = 24, .ws_col = 80};
    tty_t t = {-1, NULL, 0, 0};
    char frame[8192];
    int rows, widest, st;
    size_t mark;
    pid_t pid;
    may_around_the_deadline();

    pid = forkpty(&t.fd, NULL, NULL, &ws);
    cr_assert_geq(pid, 0, "forkpty: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execl(e2e_bin("yuebao"), "yuebao", "watch", "--period", "2017-05", "--master", e2e_city(), "--pub",
              agg.publish, "--snapshot", agg.snapshot, (char *)NULL);
        _exit(127);
    }
    cr_assert(tty_read(&t, 10000, 0, "\033[J"), "no screen drawn:\n%s", t.buf ? t.buf : "");
    cr_assert_eq(strncmp(t.buf, "\033[?1049h", 8), 0, "the alternate screen first: %.40s", t.buf);
    cr_assert(last_frame(&t, 0, &rows, &widest, frame, sizeof frame));
    cr_assert_eq(rows, 24, "the screen fills 24 rows, no more:\n%s", frame);
    cr_assert_leq(widest, 80, "no row wider than 80 columns:\n%s", frame);
    cr_assert_not_null(strstr(frame, "completeness: 5 of 8 zones reported"), "%s", frame);
    cr_assert_not_null(strstr(frame, "  城乡一体化示范区管委会 (410672)"), "every county:\n%s", frame);
    cr_assert_not_null(strstr(frame, "  实际利用省外境外资金"), "every main indicator:\n%s", frame);
    cr_assert_not_null(strstr(frame, " more"), "what does not fit is counted:\n%s", frame);
    cr_assert_null(strstr(t.buf, "\033[2J"), "never cleared and scrolled");

    /* a report arrives: the screen is drawn again in place */
    mark = t.len;
    submit("s-410671", "410671", "reports/2017-05/410671.csv");
    cr_assert(tty_read(&t, 10000, mark, "6 of 8 zones reported"), "%s", t.buf + mark);
    cr_assert(tty_frame(&t, 5000, mark, 0), "%s", t.buf + mark);
    cr_assert(last_frame(&t, mark, &rows, &widest, frame, sizeof frame));
    cr_assert_eq(rows, 24, "%s", frame);
    cr_assert_eq(strncmp(t.buf + mark, "\033[H", 3), 0, "redrawn from the top: %.20s", t.buf + mark);

    /* the terminal grows to 30 × 100 (SIGWINCH): the screen follows */
    ws = (struct winsize){.ws_row = 30, .ws_col = 100};
    mark = t.len;
    cr_assert_eq(ioctl(t.fd, TIOCSWINSZ, &ws), 0);
    cr_assert(tty_frame(&t, 10000, mark, 30), "no 30-row redraw after SIGWINCH:\n%s", t.buf + mark);
    cr_assert(last_frame(&t, mark, &rows, &widest, frame, sizeof frame));
    cr_assert_eq(rows, 30, "%s", frame);
    cr_assert_leq(widest, 100, "%s", frame);
    cr_assert_gt(widest, 80, "the wide tables again:\n%s", frame);

    /* Ctrl-C: the shell's screen back, exit 0 */
    cr_assert_eq(kill(pid, SIGINT), 0);
    tty_read(&t, 10000, t.len, NULL);
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "watch exits 0 on SIGINT: %d", st);
    cr_assert_geq(t.len, 8);
    cr_assert_not_null(strstr(t.buf + t.len - (t.len < 40 ? t.len : 40), "\033[?1049l"),
                       "the alternate screen left last: %s", t.buf + t.len - (t.len < 40 ? t.len : 40));
    close(t.fd);
    free(t.buf);
    stop_aggregator();
}

Test(e2e_watch, a_deadline_day_that_not_every_month_has_is_refused) {
    char *out = NULL;
    int st = e2e_runl(P("%s/agg-bad-day", dir), &out, e2e_scaled_ms(10000), e2e_bin("yuebao-aggregator"),
                      "--insecure", "--set", P("master_dir=%s", e2e_city()), "--set", P("store=%s/s.db", dir),
                      "--set", P("listen=ipc://%s/a.sock", dir), "--set", "publish=", "--set",
                      "deadline_day=31", NULL);
    free(out);
    cr_assert_eq(st, 2, "the aggregator refuses to start: status %d", st);
    cr_assert_geq(e2e_count_in_file(P("%s/agg-bad-day.err", dir), "deadline_day 31: expected 1..28"), 1, "%s",
                  e2e_tail(P("%s/agg-bad-day.err", dir), 1000));
    cr_assert(!e2e_exists(P("%s/s.db", dir)), "nothing was created");

    cr_assert_eq(setenv("YUEBAO_DEADLINE_DAY", "40", 1), 0);
    st = e2e_runl(P("%s/status-bad-day", dir), &out, e2e_scaled_ms(10000), e2e_bin("yuebao"), "status",
                  "--store", P("%s/s.db", dir), "--master", e2e_city(), "--period", "2017-05", NULL);
    unsetenv("YUEBAO_DEADLINE_DAY");
    free(out);
    cr_assert_eq(st, 2, "status %d", st);
    cr_assert_geq(e2e_count_in_file(P("%s/status-bad-day.err", dir), "YUEBAO_DEADLINE_DAY=40"), 1, "%s",
                  e2e_tail(P("%s/status-bad-day.err", dir), 1000));
}
