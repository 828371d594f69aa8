/* test_e2e_i18n.c - end to end: the county desk and the central office in Chinese, and
 * the same in English (issue 13, item 4).
 *
 * The daemons and the CLI speak the locale's language (util/i18n.h). Each test runs the
 * real programs under one locale (e2e_set_language: LC_ALL, and YUEBAO_LOCALEDIR the
 * build's catalogue) and reads what a person reads: a rejected file's errors file and a
 * receipt in the desk's folders, what `yuebao-collector submit` prints for a report the
 * aggregator refused (its words travel in the ack, in the aggregator's language),
 * `yuebao status` and `yuebao alerts` at the central office, the closing line of
 * `yuebao template` and `yuebao check`'s refusal of that template for another county,
 * and `yuebao check` folding twenty rows typed the same wrong way into one line that
 * counts them. Under zh_CN.UTF-8 they hold the Chinese words a 统计局 officer
 * expects and not the English ones; under C.UTF-8 exactly the English that the other
 * suites read. `--version` is read by scripts as well as people: in either language
 * it is the program's name, its revision and the wire schema, in that order.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "e2e_suite.h"

static void setup(void) {
    /* the deadlines of 2017-02 … 2017-05 have passed, June's not */
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-05", 1), 0);
    e2e_suite_setup();
}

TestSuite(e2e_i18n, .init = setup, .fini = e2e_suite_teardown, .timeout = 120);

/* What one language must show, and what it must not. */
typedef struct {
    const char *locale;
    const char *errors_file[3]; /* in rejected/410602.bad.csv.errors.txt */
    const char *receipt[3];     /* in done/410602.csv.receipt.txt */
    const char *refused[3];     /* in submit's output for a report the aggregator refused */
    const char *status[4];      /* in `yuebao status --period 2017-05` */
    const char *alerts[3];      /* in `yuebao alerts` */
    const char *template[3];    /* in `yuebao template`'s closing line */
    const char *other_county[2]; /* in `yuebao check --county 410602` of 浚县's template */
    const char *grouped[2];     /* in `yuebao check`'s one line for 20 rows with amount "abc" */
    const char *version;        /* in every binary's --version, beside the schema */
    const char *not_there;      /* a word of the other language, in none of them (English
                                 * field names such as "revision:" are data: they stay) */
} words_t;

static const words_t ZH = {
    "zh_CN.UTF-8",
    {"未被接收", "请按下列各条修改", "流量指标的本年累计必须 >= 0"},
    {"已报送：其中每份报表均已在中心入库", "已入库", "第 1 版"},
    {"退回", "已以不同内容入库", "版本号不能重复使用"},
    {"统计期 2017-05（1-5月）", "已报", "未报", "逾期"},
    {"逾期", "严重", "逾期未报 2017-05"},
    {"已写入 ", "浚县（410621）2017年1-6月，2 个园区 × 14 项指标", "上期（2017-05）为空：没有报表库 "},
    {"此报表模板属于 410621 浚县（统计期 2017-06）", "本采集端只收 410602 鹤山区 的报表"},
    {"\"abc\" 不是数字", "（共 20 行：第 2、3、4、… 行）"},
    "协议版本",
    "was ",
};

static const words_t EN = {
    "C.UTF-8",
    {"was not accepted", "Fix what is listed below", "a flow's year-to-date amount must be >= 0"},
    {"was delivered: every report in it is stored at the central office", "ACCEPTED", "revision 1"},
    {"REJECTED", "was already stored with different content", "a revision number is never reused"},
    {"period 2017-05 (1-5月)", "reported", "MISSING", "overdue"},
    {"overdue", "critical", "has not reported 2017-05"},
    {"wrote ", "浚县 (410621) 2017年1-6月, 2 zones × 14 indicators",
     "previous period 上期 (2017-05) empty: no report store at "},
    {"this template is for 410621 浚县, 2017-06", "this collector takes the reports of 410602 鹤山区 only"},
    {"\"abc\" is not a number", "(20 rows: 2, 3, 4, …)"},
    "wire schema",
    "统计期",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Asserts that text holds each of the n words and not the other language's. */
static void assert_words(const char *what, const char *text, const char *const *words, size_t n,
                         const char *not_there) {
    cr_assert_not_null(text, "%s: nothing to read", what);
    for (size_t i = 0; i < n; i++)
        cr_assert(strstr(text, words[i]), "%s lacks \"%s\":\n%s", what, words[i], text);
    cr_assert_null(strstr(text, not_there), "%s holds \"%s\", a word of the other language:\n%s", what,
                   not_there, text);
}

static void use_language(const words_t *w) {
    cr_assert_eq(e2e_set_language(w->locale), 0, "the %s locale is missing: make deps generates it",
                 w->locale);
}

/* The county desk: a file with mistakes dropped into a real collector's inbox comes
 * back in rejected/ with its errors file, a good one goes to done/ with its receipt;
 * then a second office sends a different revision 1 of the same report, which only the
 * aggregator can refuse: its reason is in the ack, as submit prints it. */
static void desk(const words_t *w) {
    char log[512], *text, *out = NULL;
    const char *inbox = P("%s/inbox", dir);
    const char *changed = P("%s/410602.changed.csv", dir);
    pid_t col;
    int st;

    use_language(w);
    start_aggregator(NULL, NULL);
    col = e2e_collector_start(dir, "410602", agg.listen, log, sizeof log);
    cr_assert_gt(col, 0, "the collector did not start");

    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410602.bad.csv"), inbox, "410602.bad.csv"), 0);
    wait_for_file(P("%s/rejected/410602.bad.csv.errors.txt", dir), P("%s.err", log));
    text = e2e_read_file(P("%s/rejected/410602.bad.csv.errors.txt", dir));
    assert_words("the errors file", text, w->errors_file, N_OF(w->errors_file), w->not_there);
    free(text);

    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410602.csv"), inbox, "410602.csv"), 0);
    wait_for_file(P("%s/done/410602.csv.receipt.txt", dir), P("%s.err", log));
    text = e2e_read_file(P("%s/done/410602.csv.receipt.txt", dir));
    assert_words("the receipt", text, w->receipt, N_OF(w->receipt), w->not_there);
    free(text);
    cr_assert_eq(e2e_stop(col, 10000), 0, "the collector stops cleanly:\n%s", e2e_tail(P("%s.err", log), 2000));

    /* another outbox starts at revision 1 again, with one figure changed */
    text = e2e_read_file(e2e_sample("reports/2017-06/410602.csv"));
    cr_assert_not_null(text);
    {
        const char *row = "baoshan,2017-06,revenue,2032384.0,";
        char *at = strstr(text, row);
        FILE *f = fopen(changed, "wb");
        cr_assert(at && f, "cannot write %s from the sample", changed);
        fwrite(text, 1, (size_t)(at - text), f);
        fputs("baoshan,2017-06,revenue,2032385.0,", f);
        fputs(at + strlen(row), f);
        fclose(f);
        free(text);
    }
    st = e2e_submit(P("%s/submit-changed", dir), &out, "410602", agg.listen, P("%s/other-outbox.db", dir),
                    changed, NULL);
    cr_assert_eq(st, 1, "the aggregator refuses a second revision 1 (exit 1):\n%s\n%s", out,
                 e2e_tail(P("%s/submit-changed.err", dir), 2000));
    assert_words("submit's output", out, w->refused, N_OF(w->refused), w->not_there);
    free(out);
    stop_aggregator();
}

Test(e2e_i18n, desk_in_chinese) {
    desk(&ZH);
}

Test(e2e_i18n, desk_in_english) {
    desk(&EN);
}

/* The central office: one county's May report arrives, the scorer judges the rest
 * overdue (reporting_since 2017-05, "now" 2017-07-05); `yuebao status` and `yuebao
 * alerts` say so. The scorer writes the alerts' messages in its own language. */
static void central_office(const words_t *w) {
    static const char *const extra[] = {"--set", "reporting_since=2017-05", "--set", "coalesce_ms=50",
                                        "--set", "heartbeat_ms=100", NULL};
    e2e_scorer_t sc;
    char *out = NULL;
    int st;
    int ms = e2e_under_valgrind() ? 120000 : 20000;

    use_language(w);
    memset(&sc, 0, sizeof sc);
    start_aggregator(NULL, NULL);
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, extra), 0, "the scorer did not start:\n%s",
                 e2e_tail(sc.err_log, 3000));
    st = e2e_submit(P("%s/submit", dir), &out, "410602", agg.listen, P("%s/outbox.db", dir),
                    e2e_sample("reports/2017-05/410602.csv"), NULL);
    cr_assert_eq(st, 0, "submit:\n%s", out);
    free(out);
    cr_assert_eq(e2e_sql_wait(sc.scores, 7, e2e_scaled_ms(E2E_WAIT_MS),
                              "SELECT count(*) FROM alerts WHERE kind = 'overdue' AND period = '2017-05'"),
                 7, "the seven other zones are overdue for May:\n%s", e2e_tail(sc.err_log, 2000));

    st = e2e_runl(P("%s/status", dir), &out, ms, e2e_bin("yuebao"), "status", "--period", "2017-05", "--store",
                  agg.store, "--scores", sc.scores, "--master", e2e_city(), NULL);
    cr_assert_eq(st, 0, "yuebao status:\n%s", e2e_tail(P("%s/status.err", dir), 2000));
    assert_words("yuebao status", out, w->status, N_OF(w->status), w->not_there);
    free(out);

    st = e2e_runl(P("%s/alerts", dir), &out, ms, e2e_bin("yuebao"), "alerts", "--master", e2e_city(), "--pub",
                  sc.publish, "--snapshot", sc.snapshot, NULL);
    cr_assert_eq(st, 0, "yuebao alerts:\n%s", e2e_tail(P("%s/alerts.err", dir), 2000));
    assert_words("yuebao alerts", out, w->alerts, N_OF(w->alerts), w->not_there);
    free(out);

    cr_assert_eq(e2e_scorer_stop(&sc), 0, "the scorer stops cleanly:\n%s", e2e_tail(sc.err_log, 2000));
    stop_aggregator();
}

Test(e2e_i18n, central_office_in_chinese) {
    central_office(&ZH);
}

Test(e2e_i18n, central_office_in_english) {
    central_office(&EN);
}

/* The county desk's template: `yuebao template` says what it wrote in the desk's
 * language (no report store here, so the 上期 columns are empty and it says why). Then
 * every binary's --version: "<name> <revision> ", the schema last, the same name,
 * revision and schema whatever the language; only the words around the schema change. */
static void template_and_versions(const words_t *w) {
    static const char *const names[] = {"yuebao", "yuebao-aggregator", "yuebao-collector", "yuebao-scorer"};
    char *out = NULL, english[4][160];
    int st;

    /* each binary's version line in English first, to compare with */
    for (size_t i = 0; i < N_OF(names); i++) {
        st = e2e_runl(P("%s/version-en-%zu", dir, i), &out, 20000, e2e_bin(names[i]), "--version", NULL);
        cr_assert_eq(st, 0, "%s --version exits %d", names[i], st);
        cr_assert_not_null(out);
        snprintf(english[i], sizeof english[i], "%s", out);
        free(out);
    }
    use_language(w);
    st = e2e_runl(P("%s/template", dir), &out, e2e_under_valgrind() ? 120000 : 20000, e2e_bin("yuebao"),
                  "template", "--county", "浚县", "--period", "2017-06", "-o",
                  P("%s/410621-2017-06.xlsx", dir), "--master", e2e_city(), "--store",
                  P("%s/no-store.db", dir), NULL);
    cr_assert_eq(st, 0, "yuebao template:\n%s", e2e_tail(P("%s/template.err", dir), 2000));
    cr_assert(e2e_exists(P("%s/410621-2017-06.xlsx", dir)), "the workbook is there");
    assert_words("yuebao template", out, w->template, N_OF(w->template), w->not_there);
    cr_assert_eq(strncmp(out, w->template[0], strlen(w->template[0])), 0, "the line opens with \"%s\":\n%s",
                 w->template[0], out);
    free(out);
    /* 鹤山区's desk checks 浚县's template: refused, saying whose it is, in one language */
    st = e2e_runl(P("%s/check-other", dir), &out, e2e_under_valgrind() ? 120000 : 20000, e2e_bin("yuebao"),
                  "check", "--master", e2e_city(), "--county", "410602", P("%s/410621-2017-06.xlsx", dir),
                  NULL);
    cr_assert_eq(st, 1, "another county's template: exit 1\n%s", out);
    assert_words("yuebao check of another county's template", out, w->other_county, N_OF(w->other_county),
                 w->not_there);
    free(out);

    for (size_t i = 0; i < N_OF(names); i++) {
        char name[64], revision[64], name_en[64], revision_en[64];
        const char *digits;
        st = e2e_runl(P("%s/version-%zu", dir, i), &out, 20000, e2e_bin(names[i]), "--version", NULL);
        cr_assert_eq(st, 0, "%s --version exits %d", names[i], st);
        cr_assert_not_null(out);
        assert_words(names[i], out, &w->version, 1, w == &ZH ? EN.version : ZH.version);
        /* name and revision: the first two words, as a script reads them */
        cr_assert_eq(sscanf(out, "%63s %63s", name, revision), 2, "%s", out);
        cr_assert_eq(sscanf(english[i], "%63s %63s", name_en, revision_en), 2, "%s", english[i]);
        cr_assert_str_eq(name, names[i], "%s", out);
        cr_assert_str_eq(revision, revision_en, "the revision is the same in English:\n%s%s", out,
                         english[i]);
        /* the schema: the line's last number, then the closing bracket and the newline */
        digits = strpbrk(out + strlen(name) + strlen(revision) + 2, "0123456789");
        cr_assert_not_null(digits, "%s", out);
        cr_assert_eq(strtol(digits, NULL, 10), SCHEMA_VERSION, "%s", out);
        cr_assert_null(strpbrk(digits + strspn(digits, "0123456789"), "0123456789"), "one number: %s", out);
        cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "one line: %s", out);
        free(out);
    }
}

Test(e2e_i18n, template_and_versions_in_chinese) {
    template_and_versions(&ZH);
}

Test(e2e_i18n, template_and_versions_in_english) {
    template_and_versions(&EN);
}

/* One mistake made in twenty rows: the sample's 410602.csv with "abc" as the amount of
 * 20 rows (its 14, then its first 6 again). `yuebao check` says it once, in the desk's
 * language, with the count and the first rows, and exits 1. */
static void twenty_rows_one_line(const words_t *w) {
    const char *csv = P("%s/410602.abc.csv", dir);
    char *text, *out = NULL, *line, *rows[32];
    size_t n_rows = 0, n_lines = 0;
    FILE *f;
    int st;

    text = e2e_read_file(e2e_sample("reports/2017-06/410602.csv"));
    cr_assert_not_null(text);
    for (line = strtok(text, "\n"); line && n_rows < N_OF(rows); line = strtok(NULL, "\n"))
        rows[n_rows++] = line;
    cr_assert_eq(n_rows, 15, "the sample is a header and 14 rows");
    f = fopen(csv, "wb");
    cr_assert_not_null(f, "cannot write %s", csv);
    fprintf(f, "%s\n", rows[0]);
    for (size_t i = 0; i < 20; i++) {
        /* zone,period,indicator,amount,growth_pct: the amount becomes "abc" */
        char *r = rows[1 + i % 14], *c1 = strchr(r, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL,
             *c3 = c2 ? strchr(c2 + 1, ',') : NULL, *c4 = c3 ? strchr(c3 + 1, ',') : NULL;
        cr_assert_not_null(c4, "%s", r);
        fprintf(f, "%.*s,abc%s\n", (int)(c3 - r), r, c4);
    }
    fclose(f);
    free(text);

    use_language(w);
    st = e2e_runl(P("%s/check", dir), &out, e2e_under_valgrind() ? 120000 : 20000, e2e_bin("yuebao"), "check",
                  "--master", e2e_city(), "--county", "410602", csv, NULL);
    cr_assert_eq(st, 1, "a file with errors: exit 1\n%s", out);
    assert_words("yuebao check", out, w->grouped, N_OF(w->grouped), w->not_there);
    for (const char *p = out; (p = strstr(p, "\"abc\"")); p++)
        n_lines++;
    cr_assert_eq(n_lines, 1, "one line for the twenty rows:\n%s", out);
    free(out);
}

Test(e2e_i18n, twenty_mistakes_one_line_in_chinese) {
    twenty_rows_one_line(&ZH);
}

Test(e2e_i18n, twenty_mistakes_one_line_in_english) {
    twenty_rows_one_line(&EN);
}
