/* test_e2e_export.c - `yuebao export`: the monthly bulletin from a real aggregator and
 * scorer, read back the way its readers would.
 *
 * The sample city goes in through real collectors (December 2016 for the stars, then
 * 2017-02 … 2017-06; 山城区's May is missing), the scorer ranks it, and the real `yuebao`
 * binary writes the 2017-06 bulletin three ways:
 *   csv       parsed back with the project's own CSV reader and checked cell by cell for
 *             金山 and 宝山 and the city total, against figures worked out by hand from
 *             the sample files (below) and the ranks the scorer stored;
 *   xlsx      unzipped: its sheets, the title in the page header, the indicator sheet's
 *             frozen headers and figures, a county's own words and key enterprises
 *             (June's NNNNNN.projects.csv and .enterprises.csv go in too);
 *   sdmx-csv  its header and one known observation.
 * Then the mistakes an operator makes: an unknown format, xlsx to a terminal, a period
 * nobody reported, a folder that cannot be written.
 *
 * Hand checks, 2017-06 (reports/2017-06/NNNNNN.csv, targets-2017.csv, pacing.csv m06: revenue
 * 0.480, fai 0.470):
 *   金山 revenue 2759085.3 (+10.5 %) / 5720000.0 = 48.24 %; gap (0.48236 − 0.480) × 100 = 0.24
 *   金山 fai      651316.6 (+18.4 %) / 1381282.8 = 47.15 %; gap 0.15
 *   宝山 revenue 2032384.0 (+11.4 %) / 4180000.0 = 48.62 %; gap 0.62
 *   宝山 fai      604792.1 (+16.9 %) / 1298521.0 = 46.58 %; gap −0.42
 *   employees: a growth target only → no completion; 金山 19483 (+2.1 %)
 *   stars: December 2016 revenue 金山 5200000, 宝山 3800000: both ≥ 3500000 (star 4),
 *          < 6000000 (star 5) → ★4
 *   山城 fai:  106672.2 (+3.9 %) / 257729.9 = 41.39 %; gap (0.41389 − 0.470) × 100 = −5.61,
 *          below −5: a laggard — and the scorer's own critical pace alert says the same
 *   city revenue: the eight zones sum to 9396053.0, aggregate growth
 *          Σamount / Σ(amount/(1+g)) − 1 = 10.3 %, completion 9396053.0 / 19525000.0 =
 *          48.12 %, gap 0.12; employees 70321.0 (+3.9 %), no completion.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "e2e.h"
#include "period.h"

static char dir[256];
static e2e_agg_t agg;
static e2e_scorer_t sc;

static void setup(void) {
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-05", 1), 0);
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
    memset(&agg, 0, sizeof agg);
    memset(&sc, 0, sizeof sc);
}

static void teardown(void) {
    e2e_cleanup();
}

TestSuite(e2e_export, .init = setup, .fini = teardown, .timeout = 300);

#define P(...) e2e_fmt(__VA_ARGS__)

static int wait_ms(void) {
    return e2e_scaled_ms(E2E_WAIT_MS);
}

static int run_ms(void) {
    return e2e_under_valgrind() ? 120000 : 20000;
}

/* --- the daemons and the sample city --------------------------------------------------- */

static void start_daemons(void) {
    static const char *const extra[] = {"--set", "reporting_since=2017-02", "--set", "coalesce_ms=50", NULL};
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0, "aggregator not ready:\n%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, extra), 0, "scorer not ready:\n%s",
                 e2e_tail(sc.err_log, 3000));
}

static void stop_daemons(void) {
    cr_assert_eq(e2e_scorer_stop(&sc), 0, "the scorer stops cleanly:\n%s", e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_agg_stop(&agg), 0, "the aggregator stops cleanly:\n%s", e2e_tail(agg.err_log, 2000));
}

#define MAX_FILES 16

typedef struct {
    char path[MAX_FILES][512];
    const char *list[MAX_FILES + 1];
    size_t n;
} fileset_t;

/* county's reports/YYYY-MM/NNNNNN.csv from … to; a month without a file is skipped. */
static void county_files(fileset_t *fs, const char *county, const char *from, const char *to) {
    period_t p, end;
    memset(fs, 0, sizeof *fs);
    cr_assert_eq(period_parse(from, &p), 0);
    cr_assert_eq(period_parse(to, &end), 0);
    for (; period_cmp(p, end) <= 0; p.month = p.month % 12 + 1, p.year += p.month == 1) {
        char ps[PERIOD_STRLEN];
        const char *path;
        period_format(p, ps);
        path = e2e_sample(P("reports/%s/%s.csv", ps, county));
        if (!e2e_exists(path)) continue;
        cr_assert_lt(fs->n, MAX_FILES);
        snprintf(fs->path[fs->n], sizeof fs->path[0], "%s", path);
        fs->list[fs->n] = fs->path[fs->n];
        fs->list[++fs->n] = NULL;
        /* June's key projects (with the counties' 存在问题 and 下一步措施) and key
         * enterprises too, for the printed bulletin's sheets */
        for (int k = 0; k < 2 && !strcmp(ps, "2017-06"); k++) {
            path = e2e_sample(P("reports/%s/%s.%s.csv", ps, county, k ? "enterprises" : "projects"));
            if (!e2e_exists(path)) continue;
            cr_assert_lt(fs->n, MAX_FILES);
            snprintf(fs->path[fs->n], sizeof fs->path[0], "%s", path);
            fs->list[fs->n] = fs->path[fs->n];
            fs->list[++fs->n] = NULL;
        }
    }
}

/* Every county sends December 2016 through June 2017 (one collector each, all at
 * once); then waits for the scorer's rankings. */
static void feed_city(void) {
    static const char *const counties[] = {"410602", "410603", "410611", "410621",
                                           "410622", "410671", "410672"};
    static fileset_t fs[7];
    pid_t pids[7];
    for (size_t i = 0; i < 7; i++) {
        county_files(&fs[i], counties[i], "2016-12", "2017-06");
        pids[i] = e2e_submit_start(P("%s/submit-%s", dir, counties[i]), counties[i], agg.listen,
                                   P("%s/outbox-%s.db", dir, counties[i]), fs[i].list);
        cr_assert_gt(pids[i], 0);
    }
    for (size_t i = 0; i < 7; i++) {
        int st = e2e_wait(pids[i], 3 * wait_ms());
        cr_assert_eq(st, 0, "submit of %s: status %d\n%s", counties[i], st,
                     e2e_tail(P("%s/submit-%s.out", dir, counties[i]), 2000));
    }
    cr_assert_eq(
        e2e_sql_wait(sc.scores, 7, wait_ms(), "SELECT count(*) FROM rankings WHERE period = '2017-05'"), 7,
        "2017-05 is ranked without 山城区:\n%s", e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_sql_wait(sc.scores, 8, wait_ms(),
                              "SELECT count(*) FROM rankings WHERE period = '2017-06' AND star_year = 2016"),
                 8, "2017-06 is ranked, with the stars of December 2016:\n%s", e2e_tail(sc.err_log, 2000));
}

/* Runs `yuebao` with the NULL-terminated arguments, logged under dir/name; returns its
 * exit status and its stdout in *out (caller frees) if out is not NULL. */
static int yuebao(const char *name, char **out, ...) __attribute__((sentinel));
static int yuebao(const char *name, char **out, ...) {
    char *argv[32];
    const char *a;
    int n = 0, st;
    va_list ap;
    argv[n++] = (char *)e2e_bin("yuebao");
    va_start(ap, out);
    while ((a = va_arg(ap, const char *)) != NULL) {
        cr_assert_lt(n, 31);
        argv[n++] = (char *)a;
    }
    va_end(ap);
    argv[n] = NULL;
    st = e2e_run(P("%s/%s", dir, name), out, run_ms(), argv);
    cr_assert_geq(st, 0, "yuebao %s did not run", argv[1]);
    return st;
}

static const char *err_of(const char *name) {
    return e2e_tail(P("%s/%s.err", dir, name), 4000);
}

/* --- the csv read back --------------------------------------------------------------- */

#define MAX_ROWS 32
#define MAX_COLS 64

typedef struct {
    char *cell[MAX_ROWS][MAX_COLS]; /* [0] is the header row */
    size_t n_cols[MAX_ROWS];
    size_t n_rows;
} table_t;

static void table_free(table_t *t) {
    for (size_t i = 0; i < t->n_rows; i++)
        for (size_t c = 0; c < t->n_cols[i]; c++)
            free(t->cell[i][c]);
    memset(t, 0, sizeof *t);
}

/* Reads a bulletin csv with util/csv.h: it must start with the UTF-8 BOM and end its
 * lines with CRLF. */
static void read_csv(const char *path, table_t *t) {
    char *text = e2e_read_file(path), err[256];
    csv_reader_t *r;
    csv_record_t rec;
    size_t len, n_lf = 0, n_crlf = 0;
    int rc;
    memset(t, 0, sizeof *t);
    cr_assert_not_null(text, "cannot read %s", path);
    len = strlen(text);
    cr_assert(len > 3 && !memcmp(text, "\xEF\xBB\xBF", 3), "the csv starts with a UTF-8 BOM");
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') {
            n_lf++;
            n_crlf += i > 0 && text[i - 1] == '\r';
        }
    cr_assert_gt(n_lf, 0);
    cr_assert_eq(n_crlf, n_lf, "every line ends with CRLF");
    r = csv_open(text + 3, len - 3);
    cr_assert_not_null(r);
    while ((rc = csv_next(r, &rec, err, sizeof err)) == 1) {
        cr_assert_lt(t->n_rows, MAX_ROWS);
        cr_assert_leq(rec.n_fields, MAX_COLS);
        for (size_t c = 0; c < rec.n_fields; c++)
            t->cell[t->n_rows][c] = strdup(rec.fields[c]);
        t->n_cols[t->n_rows++] = rec.n_fields;
    }
    cr_assert_eq(rc, 0, "well-formed csv: %s", err);
    csv_close(&r);
    free(text);
}

/* The column whose header is head. */
static size_t column(const table_t *t, const char *head) {
    for (size_t c = 0; c < t->n_cols[0]; c++)
        if (!strcmp(t->cell[0][c], head)) return c;
    cr_assert_fail("no column \"%s\"", head);
    return 0;
}

/* The row whose 园区 is zone_name. */
static size_t row_of(const table_t *t, const char *zone_name) {
    size_t c = column(t, "园区");
    for (size_t i = 1; i < t->n_rows; i++)
        if (!strcmp(t->cell[i][c], zone_name)) return i;
    cr_assert_fail("no row for %s", zone_name);
    return 0;
}

#define assert_cell(t, row, head, want)                                                                      \
    cr_assert_str_eq((t)->cell[row][column(t, head)], want, "row %zu (%s), column %s", (size_t)(row),        \
                     (t)->cell[row][column(t, "园区")], head)

/* The score store's figures for zone in 2017-06, as the csv writes them. */
static void assert_ranking_cells(const table_t *t, size_t row, const char *zone) {
    const char *where = P("period = '2017-06' AND zone = '%s'", zone);
    int64_t rank = e2e_sql_int(sc.scores, "SELECT rank FROM rankings WHERE %s", where);
    int64_t prev = e2e_sql_int(sc.scores, "SELECT coalesce(prev_rank, 0) FROM rankings WHERE %s", where);
    double total = e2e_sql_double(sc.scores, "SELECT total FROM rankings WHERE %s", where);
    cr_assert_gt(rank, 0);
    cr_assert_gt(prev, 0, "2017-06 is not the year's first period");
    assert_cell(t, row, "排名", P("%lld", (long long)rank));
    assert_cell(t, row, "排名变化", P("%lld", (long long)(prev - rank)));
    assert_cell(t, row, "综合得分", P("%.2f", total));
    assert_cell(t, row, "星级", "★4");
}

static void check_csv(const char *path) {
    table_t t;
    size_t j, b, total;
    int64_t bottom;
    read_csv(path, &t);

    /* one header row, no title line: 序号 县区 园区, four columns per main indicator, then
     * the ranking's */
    cr_assert_eq(t.n_rows, 1 + 8 + 1, "header, eight zones, the city total");
    cr_assert_eq(t.n_cols[0], 3 + 6 * 4 + 5, "columns: %zu", t.n_cols[0]);
    cr_assert_str_eq(t.cell[0][0], "序号");
    cr_assert_str_eq(t.cell[0][1], "县区");
    cr_assert_str_eq(t.cell[0][2], "园区");
    cr_assert_str_eq(t.cell[0][3], "主营业务收入本年累计(万元)");
    cr_assert_str_eq(t.cell[0][4], "主营业务收入同比增长(%)");
    cr_assert_str_eq(t.cell[0][5], "主营业务收入目标完成率(%)");
    cr_assert_str_eq(t.cell[0][6], "主营业务收入进度差(百分点)");
    (void)column(&t, "从业人员期末数(人)"); /* a stock: a level, not a YTD sum */
    for (size_t i = 1; i < t.n_rows; i++)
        cr_assert_eq(t.n_cols[i], t.n_cols[0], "row %zu has every column", i);

    /* 金山 */
    j = row_of(&t, "金山产业集聚区");
    assert_cell(&t, j, "县区", "鹤壁经济技术开发区管委会");
    assert_cell(&t, j, "序号", P("%zu", j));
    assert_cell(&t, j, "主营业务收入本年累计(万元)", "2759085.3");
    assert_cell(&t, j, "主营业务收入同比增长(%)", "10.5");
    assert_cell(&t, j, "主营业务收入目标完成率(%)", "48.24");
    assert_cell(&t, j, "主营业务收入进度差(百分点)", "0.24");
    assert_cell(&t, j, "固定资产投资本年累计(万元)", "651316.6");
    assert_cell(&t, j, "固定资产投资同比增长(%)", "18.4");
    assert_cell(&t, j, "固定资产投资目标完成率(%)", "47.15");
    assert_cell(&t, j, "固定资产投资进度差(百分点)", "0.15");
    assert_cell(&t, j, "从业人员期末数(人)", "19483.0");
    assert_cell(&t, j, "从业人员同比增长(%)", "2.1");
    assert_cell(&t, j, "从业人员目标完成率(%)", "");
    assert_cell(&t, j, "从业人员进度差(百分点)", "");
    assert_ranking_cells(&t, j, "jinshan");

    /* 宝山 */
    b = row_of(&t, "宝山循环经济产业集聚区");
    assert_cell(&t, b, "县区", "鹤山区");
    assert_cell(&t, b, "主营业务收入本年累计(万元)", "2032384.0");
    assert_cell(&t, b, "主营业务收入同比增长(%)", "11.4");
    assert_cell(&t, b, "主营业务收入目标完成率(%)", "48.62");
    assert_cell(&t, b, "主营业务收入进度差(百分点)", "0.62");
    assert_cell(&t, b, "固定资产投资本年累计(万元)", "604792.1");
    assert_cell(&t, b, "固定资产投资同比增长(%)", "16.9");
    assert_cell(&t, b, "固定资产投资目标完成率(%)", "46.58");
    assert_cell(&t, b, "固定资产投资进度差(百分点)", "-0.42");
    assert_ranking_cells(&t, b, "baoshan");

    /* ranking order, and the laggards' notes */
    bottom = e2e_sql_int(sc.scores, "SELECT count(*) FROM rankings WHERE period = '2017-06'") - 3;
    for (size_t i = 1; i + 1 < t.n_rows; i++) {
        long rank = strtol(t.cell[i][column(&t, "排名")], NULL, 10);
        const char *note = t.cell[i][column(&t, "备注")];
        cr_assert_eq(rank,
                     e2e_sql_int(sc.scores,
                                 "SELECT rank FROM rankings WHERE period = '2017-06' "
                                 "ORDER BY rank, zone LIMIT 1 OFFSET %d",
                                 (int)(i - 1)),
                     "row %zu is in ranking order", i);
        if (rank > bottom)
            cr_assert_not_null(strstr(note, "排名后3位"), "rank %ld of 8 is a laggard: \"%s\"", rank, note);
    }
    {
        /* 山城's investment is behind by more than 5 points: the scorer's own critical alert */
        size_t s = row_of(&t, "山城专业园区");
        double gap = e2e_sql_double(sc.scores, "SELECT gap FROM alerts WHERE zone = 'shancheng' AND "
                                               "indicator = 'fai' AND kind = 'pace'");
        cr_assert(gap < -5, "the scorer's pace alert: %g", gap);
        assert_cell(&t, s, "固定资产投资进度差(百分点)", P("%.2f", gap));
        assert_cell(&t, s, "固定资产投资进度差(百分点)", "-5.61");
        assert_cell(&t, s, "固定资产投资目标完成率(%)", "41.39");
        cr_assert_not_null(strstr(t.cell[s][column(&t, "备注")], "落后：固定资产投资进度差低于-5个百分点"),
                           "%s", t.cell[s][column(&t, "备注")]);
    }

    /* the city total, last */
    total = t.n_rows - 1;
    assert_cell(&t, total, "县区", "全市合计");
    assert_cell(&t, total, "园区", "");
    assert_cell(&t, total, "序号", "");
    assert_cell(&t, total, "主营业务收入本年累计(万元)", "9396053.0");
    assert_cell(&t, total, "主营业务收入同比增长(%)", "10.3");
    assert_cell(&t, total, "主营业务收入目标完成率(%)", "48.12");
    assert_cell(&t, total, "主营业务收入进度差(百分点)", "0.12");
    assert_cell(&t, total, "从业人员期末数(人)", "70321.0");
    assert_cell(&t, total, "从业人员同比增长(%)", "3.9");
    assert_cell(&t, total, "从业人员目标完成率(%)", "");
    assert_cell(&t, total, "综合得分", "");
    assert_cell(&t, total, "排名", "");
    assert_cell(&t, total, "星级", "");
    assert_cell(&t, total, "备注", "已报园区 8/8");
    table_free(&t);
}

/* --- the xlsx unzipped ---------------------------------------------------------------- */

static char *unzip_member(const char *zip, const char *member) {
    char *out = NULL;
    int st = e2e_runl(P("%s/unzip-%s", dir, strrchr(member, '/') + 1), &out, 20000, "/usr/bin/unzip", "-p",
                      zip, member, NULL);
    cr_assert_eq(st, 0, "unzip -p %s %s: status %d", zip, member, st);
    cr_assert_not_null(out);
    cr_assert_gt(strlen(out), 0, "%s is in the workbook", member);
    return out;
}

/* The index of text among the shared strings (<si> elements in order), or -1. */
static int shared_index(const char *xml, const char *text) {
    const char *p = xml;
    int i = 0;
    while ((p = strstr(p, "<si>")) != NULL) {
        const char *end = strstr(p, "</si>");
        const char *hit = strstr(p, P(">%s</t>", text));
        if (!end) break;
        if (hit && hit < end) return i;
        i++;
        p = end;
    }
    return -1;
}

/* The <v> of the cell ref ("B11") in a sheet, "" if none. */
static const char *cell_value(const char *sheet, const char *ref) {
    const char *c = strstr(sheet, P("<c r=\"%s\"", ref)), *v, *end;
    if (!c) return "";
    end = strstr(c, "</c>");
    v = strstr(c, "<v>");
    if (!v || !end || v > end) return "";
    v += 3;
    return P("%.*s", (int)(strstr(v, "</v>") - v), v);
}

/* The printed bulletin: its sheets, the title with 初步数据 in the page header, the
 * first indicator sheet's figures (frozen below its two header rows and beside 序号 and
 * 园区), and the counties' own words on the last sheet. Page setup and fonts are
 * checked in full by test_bulletin_xlsx. */
static void check_xlsx(const char *path) {
    static const char *const sheets[] = {
        "封面",         "综合排名",     "主要指标(一)",        "主要指标(二)",
        "重点项目进展", "重点企业运行", "存在问题及下一步措施"};
    char *ranking = unzip_member(path, "xl/worksheets/sheet2.xml");
    char *sheet = unzip_member(path, "xl/worksheets/sheet3.xml");
    char *strings = unzip_member(path, "xl/sharedStrings.xml");
    char *book = unzip_member(path, "xl/workbook.xml");
    char *styles = unzip_member(path, "xl/styles.xml");
    int total = shared_index(strings, "全市合计");
    const char *at = book;

    for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++)
        cr_assert_not_null(at = strstr(at, P("<sheet name=\"%s\"", sheets[i])), "sheet %zu is %s:\n%s", i + 1,
                           sheets[i], book);
    cr_assert_not_null(
        strstr(ranking, "鹤壁市产业集聚区 2017年1-6月 主要指标完成情况通报（初步数据）</oddHeader>"),
        "the title, preliminary, in the page header");
    cr_assert_not_null(strstr(book, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"2\">"),
                       "print titles on the indicator sheet");
    cr_assert_eq(cell_value(sheet, "C3")[0] ? atoi(cell_value(sheet, "C3")) : -1,
                 shared_index(strings, "主营业务收入（万元）"), "C3 heads the revenue columns");
    cr_assert_not_null(strstr(sheet, "state=\"frozen\""), "the headers are frozen");
    cr_assert_not_null(strstr(sheet, "ySplit=\"4\""), "below the title and the two header rows");
    cr_assert_not_null(strstr(sheet, "xSplit=\"2\""), "beside 序号 and 园区");
    cr_assert_not_null(strstr(sheet, "<v>2759085.3</v>"), "金山's revenue as a number");
    cr_assert_geq(total, 0, "全市合计 is a shared string");
    cr_assert_str_eq(cell_value(sheet, "B13"), P("%d", total),
                     "the total row (row 13 = title, small print, two header rows, 8 zones)");
    cr_assert_not_null(strstr(styles, "FFC7CE"), "the laggards' fill");
    cr_assert_not_null(strstr(styles, "#,##0.0"), "amounts with thousands separators");
    cr_assert_not_null(strstr(strings, "一是固定资产投资进度滞后"), "山城's 存在问题 in its own words");
    cr_assert_not_null(strstr(strings, "<t>镁合金深加工二期项目</t>"), "山城's key project on 重点项目进展");
    cr_assert_not_null(strstr(strings, "鹤壁山城镁业科技有限公司"), "山城's key enterprises on 重点企业运行");
    cr_assert_not_null(strstr(strings, "<t>停产整顿</t>"), "its state in words");
    {
        char *firms = unzip_member(path, "xl/worksheets/sheet6.xml");
        cr_assert_not_null(strstr(firms, "<v>8460</v>"), "its output value as a number");
        free(firms);
    }
    free(ranking);
    free(sheet);
    free(strings);
    free(book);
    free(styles);
}

/* Entries of folder whose name holds ".tmp" (a temporary file left behind). */
static int temporaries(const char *folder) {
    DIR *d = opendir(folder);
    struct dirent *e;
    int n = 0;
    cr_assert_not_null(d, "cannot list %s", folder);
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp") != NULL;
    closedir(d);
    return n;
}

/* --- the tests ---------------------------------------------------------------------------- */

Test(e2e_export, the_bulletin_in_three_formats) {
    char *out = NULL;
    const char *csv = P("%s/bulletin-2017-06.csv", dir), *xlsx = P("%s/bulletin-2017-06.xlsx", dir);
    char csv_path[300], xlsx_path[300];
    int st;
    snprintf(csv_path, sizeof csv_path, "%s", csv);
    snprintf(xlsx_path, sizeof xlsx_path, "%s", xlsx);
    start_daemons();
    feed_city();
    stop_daemons(); /* the stores are read as files: the bulletin needs no daemon */
    cr_assert_eq(setenv("YUEBAO_STORE", agg.store, 1), 0);
    cr_assert_eq(setenv("YUEBAO_SCORES", sc.scores, 1), 0);
    cr_assert_eq(setenv("YUEBAO_MASTER", e2e_city(), 1), 0);

    /* (a) csv to a file, the default format */
    st = yuebao("export-csv", NULL, "export", "--period", "2017-06", "-o", csv_path, NULL);
    cr_assert_eq(st, 0, "exit 0 (99: valgrind found errors)\n%s", err_of("export-csv"));
    check_csv(csv_path);
    /* the same table on stdout */
    st = yuebao("export-stdout", &out, "export", "--period", "2017-06", "--format", "csv", NULL);
    cr_assert_eq(st, 0, "%s", err_of("export-stdout"));
    {
        char *file = e2e_read_file(csv_path);
        cr_assert_str_eq(out, file, "stdout and -o write the same bytes");
        free(file);
    }
    free(out);

    /* one county's bulletin (a county account's download of yuebao-web): its two zones,
     * the city's ranks, and its own total row */
    {
        table_t t;
        const char *county_csv = P("%s/bulletin-410621.csv", dir);
        char path[300];
        double want = e2e_sql_double(agg.store, "SELECT sum(v.amount) FROM report_values v JOIN reports r USING "
                                                "(period, zone) WHERE v.period = '2017-06' AND r.county = "
                                                "'410621' AND v.indicator = 'revenue'");
        snprintf(path, sizeof path, "%s", county_csv);
        st = yuebao("export-county", NULL, "export", "--period", "2017-06", "--county", "浚县", "-o", path, NULL);
        cr_assert_eq(st, 0, "%s", err_of("export-county"));
        read_csv(path, &t);
        cr_assert_eq(t.n_rows, 4, "a header, 浚县's 2 zones and its total");
        for (size_t i = 1; i < 3; i++) cr_assert_str_eq(t.cell[i][column(&t, "县区")], "浚县");
        assert_cell(&t, row_of(&t, "浚县产业集聚区"), "排名",
                    P("%lld", (long long)e2e_sql_int(sc.scores, "SELECT rank FROM rankings WHERE period = "
                                                                "'2017-06' AND zone = 'xunxian'")));
        cr_assert_str_eq(t.cell[3][column(&t, "县区")], "浚县合计");
        cr_assert_float_eq(strtod(t.cell[3][column(&t, "主营业务收入本年累计(万元)")], NULL), want, 0.05);
        table_free(&t);
        st = yuebao("export-county-bad", NULL, "export", "--period", "2017-06", "--county", "999", NULL);
        cr_assert_eq(st, 2);
        cr_assert_not_null(strstr(err_of("export-county-bad"), "410621"), "the counties are listed");
    }

    /* (b) xlsx */
    st = yuebao("export-xlsx", NULL, "export", "--period", "2017-06", "--format", "xlsx", "--output",
                xlsx_path, NULL);
    cr_assert_eq(st, 0, "%s", err_of("export-xlsx"));
    check_xlsx(xlsx_path);
    cr_assert_eq(temporaries(dir), 0, "no temporary file left behind");
    /* the name says it: -o FILE.xlsx is a workbook without --format, in any case */
    {
        char inferred[300];
        snprintf(inferred, sizeof inferred, "%s", P("%s/inferred.XLSX", dir));
        st = yuebao("export-inferred", NULL, "export", "--period", "2017-06", "-o", inferred, NULL);
        cr_assert_eq(st, 0, "%s", err_of("export-inferred"));
        check_xlsx(inferred);
    }

    /* (c) sdmx-csv: codes, one observation a row, no BOM */
    st = yuebao("export-sdmx", &out, "export", "--period", "2017-06", "--format", "sdmx-csv", NULL);
    cr_assert_eq(st, 0, "%s", err_of("export-sdmx"));
    {
        static const char head[] =
            "DATAFLOW,FREQ,REF_AREA,INDICATOR,MEASURE,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,"
            "OBS_STATUS\n";
        cr_assert_eq(strncmp(out, head, strlen(head)), 0, "the header, no BOM:\n%.200s", out);
    }
    cr_assert_not_null(
        strstr(out, "\nYUEBAO:BULLETIN(1.0),M,jinshan,revenue,AMOUNT,2017-06,2759085.3,万元,A\n"),
        "金山's revenue:\n%.600s", out);
    cr_assert_not_null(strstr(out, "\nYUEBAO:BULLETIN(1.0),M,baoshan,fai,GROWTH,2017-06,16.9,PCT,A\n"));
    cr_assert_not_null(strstr(out, "\nYUEBAO:BULLETIN(1.0),M,_T,revenue,AMOUNT,2017-06,9396053,万元,A\n"),
                       "the city total");
    cr_assert_null(strstr(out, "\r"), "LF only");
    free(out);

    /* 2017-05: 山城区 did not report — empty cells and 未报 */
    st = yuebao("export-may", &out, "export", "--period", "2017-05", NULL);
    cr_assert_eq(st, 0, "%s", err_of("export-may"));
    {
        /* after 园区: 6 × 4 indicator cells and 4 ranking cells, all empty, then 备注 */
        char want[256] = "山城专业园区", *line = strstr(out, "山城专业园区"), *end;
        for (int i = 0; i < 6 * 4 + 4; i++)
            strcat(want, ",");
        strcat(want, ",未报");
        cr_assert_not_null(line, "%s", out);
        cr_assert_not_null(end = strstr(line, "\r\n"));
        *end = '\0';
        cr_assert_str_eq(line, want, "every cell empty, then 未报");
        cr_assert_not_null(strstr(end + 2, "全市合计"), "the zones that reported come first, 山城 last");
        cr_assert_not_null(strstr(end + 2, "已报园区 7/8"));
    }
    free(out);

    /* a folder that cannot be written: a message naming it, exit 1, and no file at all */
    if (geteuid() != 0) { /* root writes anywhere */
        const char *ro = P("%s/read-only", dir);
        char ro_dir[300];
        snprintf(ro_dir, sizeof ro_dir, "%s", ro);
        cr_assert_eq(mkdir(ro_dir, 0555), 0);
        st = yuebao("read-only", NULL, "export", "--period", "2017-06", "--format", "xlsx", "-o",
                    P("%s/b.xlsx", ro_dir), NULL);
        cr_assert_eq(st, 1, "%s", err_of("read-only"));
        cr_assert_not_null(strstr(err_of("read-only"), P("cannot write in %s: Permission denied", ro_dir)),
                           "%s", err_of("read-only"));
        cr_assert_eq(e2e_count_files(ro_dir, ""), 0);
        st =
            yuebao("read-only-csv", NULL, "export", "--period", "2017-06", "-o", P("%s/b.csv", ro_dir), NULL);
        cr_assert_eq(st, 1, "%s", err_of("read-only-csv"));
        cr_assert_not_null(strstr(err_of("read-only-csv"), "Permission denied"), "%s",
                           err_of("read-only-csv"));
        cr_assert_eq(e2e_count_files(ro_dir, ""), 0);
        chmod(ro_dir, 0755);
    }
    /* a folder that is not there */
    st = yuebao("no-folder", NULL, "export", "--period", "2017-06", "-o", P("%s/nowhere/b.csv", dir), NULL);
    cr_assert_eq(st, 1, "%s", err_of("no-folder"));
    cr_assert_not_null(strstr(err_of("no-folder"), "No such file or directory"), "%s", err_of("no-folder"));
    /* an existing bulletin is replaced whole, never truncated by a failed run */
    st = yuebao("bad-period", NULL, "export", "--period", "2018-06", "-o", csv_path, NULL);
    cr_assert_eq(st, 1, "%s", err_of("bad-period"));
    check_csv(csv_path);
}

Test(e2e_export, mistakes_get_clear_messages) {
    char *out = NULL;
    int st;

    /* (d) an unknown format: a usage error, before anything is opened */
    st = yuebao("bad-format", &out, "export", "--period", "2017-06", "--format", "pdf", NULL);
    cr_assert_eq(st, 2, "%s", err_of("bad-format"));
    cr_assert_not_null(strstr(err_of("bad-format"), "unknown format \"pdf\"; expected csv, xlsx or sdmx-csv"),
                       "%s", err_of("bad-format"));
    cr_assert_str_eq(out, "");
    free(out);
    /* xlsx needs a file */
    st = yuebao("xlsx-stdout", NULL, "export", "--period", "2017-06", "--format", "xlsx", NULL);
    cr_assert_eq(st, 2, "%s", err_of("xlsx-stdout"));
    cr_assert_not_null(strstr(err_of("xlsx-stdout"), "-o FILE.xlsx"), "%s", err_of("xlsx-stdout"));
    /* --format and the file's name disagree: refused, naming both, nothing written */
    st = yuebao("csv-into-xlsx", NULL, "export", "--period", "2017-06", "--format", "csv", "-o",
                P("%s/b.xlsx", dir), NULL);
    cr_assert_eq(st, 2, "%s", err_of("csv-into-xlsx"));
    cr_assert_not_null(
        strstr(err_of("csv-into-xlsx"), P("--format csv writes text, but %s/b.xlsx is named as a "
                                          "workbook (.xlsx)",
                                          dir)),
        "%s", err_of("csv-into-xlsx"));
    st = yuebao("xlsx-into-csv", NULL, "export", "--period", "2017-06", "--format", "xlsx", "-o",
                P("%s/b.csv", dir), NULL);
    cr_assert_eq(st, 2, "%s", err_of("xlsx-into-csv"));
    cr_assert_not_null(strstr(err_of("xlsx-into-csv"), "--format xlsx writes a workbook, but "), "%s",
                       err_of("xlsx-into-csv"));
    cr_assert_not(e2e_exists(P("%s/b.xlsx", dir)) || e2e_exists(P("%s/b.csv", dir)), "nothing written");
    /* no period, or not a period */
    st = yuebao("no-period", NULL, "export", NULL);
    cr_assert_eq(st, 2);
    cr_assert_not_null(strstr(err_of("no-period"), "--period YYYY-MM is required"), "%s",
                       err_of("no-period"));
    st = yuebao("not-a-period", NULL, "export", "--period", "June", NULL);
    cr_assert_eq(st, 2);
    cr_assert_not_null(strstr(err_of("not-a-period"), "\"June\" is not a period"), "%s",
                       err_of("not-a-period"));

    /* a period nobody has reported: the daemons started on an empty store */
    start_daemons();
    stop_daemons();
    st = yuebao("no-reports", &out, "export", "--period", "2017-06", "--store", agg.store, "--scores",
                sc.scores, "--master", e2e_city(), NULL);
    cr_assert_eq(st, 1, "%s", err_of("no-reports"));
    cr_assert_not_null(strstr(err_of("no-reports"), P("no zone has reported 2017-06 in %s", agg.store)), "%s",
                       err_of("no-reports"));
    cr_assert_str_eq(out, "", "nothing on stdout");
    free(out);
}
