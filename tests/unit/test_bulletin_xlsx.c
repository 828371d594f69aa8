/* test_bulletin_xlsx.c - the printed bulletin (`yuebao export --format xlsx`) read back
 * from the workbook's own XML: what a printer and Excel's page setup see.
 *
 * A bulletin of the sample city (examples/sample-city: 8 zones, 6 main indicators, its
 * 2017 rules) with a hand-made ranking, a long remark, a project and a stopped enterprise
 * is written by the CLI's real writer (export_xlsx), then unzipped with libzip and its
 * parts searched: the sheets and their order, the print titles (definedName
 * _xlnm.Print_Titles), A4 and the orientation, fit to one page wide (fitToHeight="0"
 * with <pageSetUpPr fitToPage="1"/>), the page header (the title, 初步数据) and footer
 * (&P and &N), every font of styles.xml at 9 pt or more, and row heights that hold their
 * wrapped text and never exceed Excel's 409 pt. Then the arithmetic of wrapped text
 * (cli_bulletin_lines, cli_bulletin_chunks) on figures worked out by hand.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "../../cli/cli.h" /* -Iutil -Icommon only */
#include "../../cli/cli_bulletin.h"
#include "bulletin.h"
#include "master.h"
#include "ranking.h"
#include "rules.h"
#include "values.h"

static master_t *m;
static rules_t *rules;
static values_t v;
static ranking_t rk;
static bulletin_t b;
static char dir[64], path[128], err[512];

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char city[4096];
    diag_list_t dl;
    memset(&dl, 0, sizeof dl);
    memset(&b, 0, sizeof b);
    memset(&rk, 0, sizeof rk);
    memset(&v, 0, sizeof v);
    snprintf(city, sizeof city, "%s/sample-city", ex ? ex : "examples");
    cr_assert_not_null(m = master_load(city, &dl), "cannot load %s", city);
    cr_assert_not_null(rules = rules_load(city, m, &dl), "cannot load the rules of %s", city);
    diag_clear(&dl);
    cr_assert_eq(values_init_master(&v, m), 0);
    snprintf(dir, sizeof dir, "/tmp/yb_bulletin_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/b.xlsx", dir);
    setenv("YUEBAO_NOW", "2017-07-05", 1);
}

static void teardown(void) {
    unlink(path);
    rmdir(dir);
    bulletin_clear(&b);
    values_free(&v);
    ranking_clear(&rk);
    rules_destroy(&rules);
    master_destroy(&m);
}

TestSuite(bulletin_xlsx, .init = setup, .fini = teardown);

/* --- the bulletin ------------------------------------------------------------------ */

static void set(const char *zone, const char *indicator, double amount, double growth) {
    cr_assert_eq(values_set(&v, m, zone, indicator, amount, true, growth), 0);
}

static void rank(const char *zone, int r, int prev, double total) {
    ranking_row_t row;
    memset(&row, 0, sizeof row);
    snprintf(row.zone, sizeof row.zone, "%s", zone);
    snprintf(row.county, sizeof row.county, "%s", master_zone(m, zone)->county);
    row.rank = r;
    row.prev_rank = prev;
    row.total = total;
    row.star = RANKING_STAR_NONE;
    row.dims[0] = total * 0.4;
    row.dims[1] = total * 0.6;
    cr_assert_not_null(ranking_add_row(&rk, &row));
}

/* 存在问题 of 山城: 12 paragraphs of 60 CJK characters (120 width units each): 3 lines
 * apiece in a 44-unit column (43.5 usable: 21 characters a line), 36 lines in all —
 * more than BULLETIN_MAX_LINES (24), so it takes two rows. */
static char *long_remark(void) {
    static const char unit[] = "投资进度滞后"; /* 6 characters */
    size_t size = 12 * (10 * strlen(unit) + 1) + 1, off = 0;
    char *s = malloc(size);
    cr_assert_not_null(s);
    for (int p = 0; p < 12; p++) {
        for (int i = 0; i < 10; i++)
            off += (size_t)snprintf(s + off, size - off, "%s", unit);
        if (p < 11) s[off++] = '\n';
    }
    s[off] = '\0';
    return s;
}

static void build(bool approved) {
    report_t r;
    report_project_t p;
    bulletin_enterprises_t list;
    char *remark = long_remark();
    set("jinshan", "revenue", 2759085.3, 10.5);
    set("jinshan", "fai", 651316.6, 18.4);
    set("shancheng", "revenue", 470032.1, 8.8);
    set("shancheng", "fai", 106672.2, 3.9); /* gap −5.61: lagging */
    snprintf(rk.period, sizeof rk.period, "2017-06");
    rk.n_dims = 2;
    snprintf(rk.dims[0], sizeof rk.dims[0], "经济总量");
    snprintf(rk.dims[1], sizeof rk.dims[1], "质量效益");
    rank("jinshan", 1, 2, 90);
    rank("shancheng", 2, 1, 70);
    cr_assert_eq(bulletin_build(&b, m, rules, (period_t){2017, 6}, &v, &rk, BULLETIN_LAG_PACE_PP), 0);
    if (approved) bulletin_set_state(&b, "已发布", false);

    memset(&r, 0, sizeof r);
    cr_assert_eq(report_set_text(&r.problems, remark), 0);
    cr_assert_eq(report_set_text(&r.next_steps, "成立项目推进专班。"), 0);
    cr_assert_eq(bulletin_set_report(&b, 1, &r), 0); /* row 1: 山城, ranked second */
    report_clear(&r);
    memset(&p, 0, sizeof p);
    snprintf(p.code, sizeof p.code, "P2017001");
    snprintf(p.name, sizeof p.name, "汽车电子产业园二期");
    p.has_total = p.has_ytd = true;
    p.total_investment = 260000;
    p.ytd_investment = 118000;
    snprintf(p.status, sizeof p.status, "under_construction");
    cr_assert_not_null(report_add_project(&r, &p));
    cr_assert_eq(bulletin_set_report(&b, 0, &r), 0);
    report_clear(&r);
    memset(&list, 0, sizeof list);
    cr_assert_not_null(list.rows = calloc(1, sizeof *list.rows));
    list.n = list.cap = 1;
    list.rows[0].zone = master_zone(m, "jinshan");
    list.rows[0].status = ENT_STOPPED;
    list.by_status[ENT_STOPPED] = list.n_down = 1;
    snprintf(list.rows[0].e.code, sizeof list.rows[0].e.code, "91410600MA3X4Y5Z6A");
    snprintf(list.rows[0].e.name, sizeof list.rows[0].e.name, "鹤壁天海电子信息系统有限公司");
    snprintf(list.rows[0].e.status, sizeof list.rows[0].e.status, "stopped");
    list.rows[0].e.has_output = true;
    list.rows[0].e.output_value = 52000;
    bulletin_take_enterprises(&b, &list);
    free(remark);
    cr_assert_eq(export_xlsx(&b, m, path, err, sizeof err), 0, "%s", err);
}

/* --- the workbook's parts ------------------------------------------------------------ */

static char *part(const char *name) {
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    zip_stat_t st;
    zip_file_t *f;
    char *buf;
    cr_assert_not_null(z, "%s is a ZIP (libzip error %d)", path, zerr);
    cr_assert_eq(zip_stat(z, name, 0, &st), 0, "%s is in the workbook", name);
    cr_assert_not_null(f = zip_fopen(z, name, 0));
    cr_assert_not_null(buf = calloc(1, st.size + 1));
    cr_assert_eq(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    zip_close(z);
    return buf;
}

/* The value of attribute attr in the first element tag named tag at or after from, or
 * NULL. */
static const char *attr(const char *from, const char *tag, const char *attr_name, char *out, size_t size) {
    char open[64], key[64];
    const char *t, *end, *a;
    snprintf(open, sizeof open, "<%s ", tag);
    snprintf(key, sizeof key, " %s=\"", attr_name);
    if (!(t = strstr(from, open))) return NULL;
    end = strchr(t, '>');
    if (!(a = strstr(t, key)) || a > end) return NULL;
    a += strlen(key);
    snprintf(out, size, "%.*s", (int)(strchr(a, '"') - a), a);
    return out;
}

static const char *const sheets[] = {"封面",         "综合排名",     "主要指标(一)",        "主要指标(二)",
                                     "重点项目进展", "重点企业运行", "存在问题及下一步措施"};
#define N_SHEETS (sizeof sheets / sizeof sheets[0])

static char *sheet_xml(size_t i) {
    char name[64];
    snprintf(name, sizeof name, "xl/worksheets/sheet%zu.xml", i + 1);
    return part(name);
}

Test(bulletin_xlsx, the_sheets_in_print_order) {
    char *book;
    const char *p;
    build(false);
    book = part("xl/workbook.xml");
    p = book;
    for (size_t i = 0; i < N_SHEETS; i++) {
        char want[128];
        snprintf(want, sizeof want, "<sheet name=\"%s\"", sheets[i]);
        cr_assert_not_null(p = strstr(p, want), "sheet %zu is %s:\n%s", i + 1, sheets[i], book);
    }
    cr_assert_null(strstr(book, "<sheet name=\"主要指标(三)\""), "six indicators, three a sheet: two sheets");
    free(book);
}

/* Every table sheet repeats its title and header rows; the indicator sheets also the
 * 序号 and 园区 columns. */
Test(bulletin_xlsx, print_titles) {
    char *book;
    build(false);
    book = part("xl/workbook.xml");
    cr_assert_not_null(
        strstr(book, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">'综合排名'!$1:$3<"),
        "ranking: rows 1-3 (title, small print, header)\n%s", book);
    cr_assert_not_null(strstr(book, "<definedName name=\"_xlnm.Print_Titles\" "
                                    "localSheetId=\"2\">'主要指标(一)'!$A:$B,'主要指标(一)'!$1:$4<"),
                       "indicators: 序号 and 园区 and rows 1-4 on every page\n%s", book);
    cr_assert_not_null(strstr(book, "<definedName name=\"_xlnm.Print_Titles\" "
                                    "localSheetId=\"3\">'主要指标(二)'!$A:$B,'主要指标(二)'!$1:$4<"),
                       "%s", book);
    for (size_t i = 4; i < N_SHEETS; i++) {
        char want[128];
        snprintf(want, sizeof want, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"%zu\">", i);
        cr_assert_not_null(strstr(book, want), "%s has print titles\n%s", sheets[i], book);
    }
    cr_assert_not_null(
        strstr(book, "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">'封面'!$A$1:$D$"),
        "the cover has a print area");
    free(book);
}

/* A4 (paperSize 9), landscape for the tables and portrait for the cover, one page wide
 * as tall as it takes, the title and 初步数据 in the header, page numbers in the footer. */
Test(bulletin_xlsx, page_setup) {
    build(false);
    for (size_t i = 0; i < N_SHEETS; i++) {
        char *x = sheet_xml(i), val[512];
        cr_assert_not_null(strstr(x, "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"),
                           "%s fits to page:\n%.600s", sheets[i], x);
        cr_assert_not_null(attr(x, "pageSetup", "paperSize", val, sizeof val), "%s", sheets[i]);
        cr_assert_str_eq(val, "9", "%s on A4", sheets[i]);
        cr_assert_not_null(attr(x, "pageSetup", "orientation", val, sizeof val));
        cr_assert_str_eq(val, i == 0 ? "portrait" : "landscape", "%s", sheets[i]);
        cr_assert_not_null(attr(x, "pageSetup", "fitToHeight", val, sizeof val), "%s", sheets[i]);
        cr_assert_str_eq(val, "0", "%s: as many pages tall as it takes", sheets[i]);
        cr_assert_null(attr(x, "pageSetup", "fitToWidth", val, sizeof val), "fitToWidth 1 is the default");
        cr_assert_null(attr(x, "pageSetup", "scale", val, sizeof val), "no fixed scale");
        if (i > 0) {
            cr_assert_not_null(strstr(x, "<oddHeader>&amp;C&amp;\"宋体\"&amp;9鹤壁市产业集聚区 2017年1-6月 "
                                         "主要指标完成情况通报（初步数据）</oddHeader>"),
                               "%s: the title in the header:\n%s", sheets[i], strstr(x, "<headerFooter"));
            cr_assert_not_null(
                strstr(x, "<oddFooter>&amp;C&amp;\"宋体\"&amp;9第 &amp;P 页，共 &amp;N 页</oddFooter>"),
                "%s: page numbers in the footer", sheets[i]);
        }
        free(x);
    }
}

/* Once published the title no longer says 初步数据; the cover says the state. */
Test(bulletin_xlsx, an_approved_period_is_not_preliminary) {
    char *x, *strings;
    build(true);
    x = sheet_xml(1);
    strings = part("xl/sharedStrings.xml");
    cr_assert_not_null(strstr(x, "主要指标完成情况通报</oddHeader>"), "%s", strstr(x, "<headerFooter"));
    cr_assert_null(strstr(x, "初步数据"));
    cr_assert_not_null(strstr(strings, "<t>（已发布）</t>"), "the cover's state line");
    free(x);
    free(strings);
}

/* No font of the workbook is below 9 pt — the one-sheet bulletin printed at 2–3 pt. */
Test(bulletin_xlsx, no_font_below_nine_points) {
    char *styles;
    const char *p;
    int n = 0;
    build(false);
    styles = part("xl/styles.xml");
    for (p = styles; (p = strstr(p, "<sz val=\"")) != NULL; p++, n++) {
        double pt = atof(p + 9);
        cr_assert_geq(pt, 9.0, "a %g pt font in styles.xml", pt);
    }
    cr_assert_gt(n, 3, "the fonts have sizes: %d", n);
    cr_assert_not_null(strstr(styles, "<sz val=\"10\"/>"), "10 pt cells");
    free(styles);
}

/* The cover: the title in three lines, 初步数据, the issuer and the date of making. */
Test(bulletin_xlsx, the_cover) {
    char *strings;
    build(false);
    strings = part("xl/sharedStrings.xml");
    cr_assert_not_null(strstr(strings, "<t>鹤壁市产业集聚区</t>"), "city.csv's city_name");
    cr_assert_not_null(strstr(strings, "<t>2017年1-6月</t>"));
    cr_assert_not_null(strstr(strings, "<t>主要指标完成情况通报</t>"));
    cr_assert_not_null(strstr(strings, "<t>（初步数据）</t>"));
    cr_assert_not_null(strstr(strings, "<t>鹤壁市统计局</t>"), "city.csv's issuer (制表单位)");
    cr_assert_not_null(strstr(strings, "<t>2017年7月5日</t>"), "the date of making (YUEBAO_NOW)");
    free(strings);
}

/* The ranking marks 十强 and 十快; the indicators mark the lagging gap; the projects and
 * enterprises are listed with their states in words. */
Test(bulletin_xlsx, marks_and_lists) {
    char *strings, *rank, *ind;
    build(false);
    strings = part("xl/sharedStrings.xml");
    rank = sheet_xml(1);
    ind = sheet_xml(2);
    cr_assert_not_null(strstr(strings, "<t>√</t>"), "十强 and 十快 marks");
    cr_assert(b.rows[0].fast && !b.rows[1].fast, "金山 climbed 2 → 1, 山城 fell 1 → 2");
    cr_assert_not_null(strstr(rank, "<v>36</v>"), "金山's first dimension score 90 × 0.4 = 36");
    cr_assert_not_null(strstr(ind, "<v>-5.61"), "山城's fai gap −5.61 is on sheet 主要指标(一)");
    cr_assert_not_null(strstr(strings, "<t>在建</t>"), "under_construction in words");
    cr_assert_not_null(strstr(strings, "<t>汽车电子产业园二期</t>"));
    cr_assert_not_null(strstr(strings, "<t>停产</t>"), "the status code stopped in words");
    cr_assert_not_null(strstr(strings, "<t>共 1 家，其中停产 1 家、减产 0 家　　数据状态：初步数据</t>"));
    cr_assert_not_null(strstr(strings, "<t>鹤壁天海电子信息系统有限公司</t>"));
    free(strings);
    free(rank);
    free(ind);
}

/* The long remark of 山城 (36 lines) takes two rows of 24 and 12 lines, each as tall as
 * its lines (14 pt each + 4), none above 409 pt; the short one fits one row. */
Test(bulletin_xlsx, remarks_wrap_inside_their_rows) {
    char *x, *strings, val[64];
    const char *p;
    size_t n_rows = 0;
    build(false);
    x = sheet_xml(6);
    strings = part("xl/sharedStrings.xml");
    for (p = x; (p = strstr(p, "<row ")) != NULL; p++) {
        if (attr(p, "row", "ht", val, sizeof val)) cr_assert_leq(atof(val), 409.0, "row height %s", val);
        n_rows++;
    }
    /* rows 4 (金山) and 5-6 (山城's two pieces) */
    cr_assert_not_null(p = strstr(x, "<row r=\"5\""));
    cr_assert_not_null(attr(p, "row", "ht", val, sizeof val));
    cr_assert_float_eq(atof(val), 24 * 14.0 + 4, 1e-9, "24 lines: %s", val);
    cr_assert_not_null(p = strstr(x, "<row r=\"6\""));
    cr_assert_not_null(attr(p, "row", "ht", val, sizeof val));
    cr_assert_float_eq(atof(val), 12 * 14.0 + 4, 1e-9, "12 lines: %s", val);
    cr_assert_not_null(strstr(x, "<mergeCell ref=\"A5:A6\"/>"), "序号 merged beside the two pieces");
    cr_assert_not_null(strstr(x, "<mergeCell ref=\"C5:C6\"/>"), "园区 too");
    cr_assert_not_null(strstr(strings, "<t>成立项目推进专班。</t>"));
    cr_assert_not_null(strstr(strings, "<t>本期未填写</t>"), "a reported zone without words says so");
    cr_assert_not_null(strstr(strings, "<t>未报</t>"));
    free(x);
    free(strings);
}

/* --- the arithmetic of wrapped text -------------------------------------------------- */

Test(bulletin_xlsx, lines_of_text) {
    /* width 10.5: 10 usable units, 5 CJK characters a line */
    cr_assert_eq(cli_bulletin_lines("", 10.5), 1);
    cr_assert_eq(cli_bulletin_lines(NULL, 10.5), 1);
    cr_assert_eq(cli_bulletin_lines("一二三四五", 10.5), 1);
    cr_assert_eq(cli_bulletin_lines("一二三四五六", 10.5), 2);
    cr_assert_eq(cli_bulletin_lines("一二三四五六七八九十一二三四五六七八九十", 10.5), 4);
    cr_assert_eq(cli_bulletin_lines("0123456789", 10.5), 1, "digits are one unit");
    cr_assert_eq(cli_bulletin_lines("一\n二\r\n三", 10.5), 3, "each paragraph its own lines");
    cr_assert_float_eq(cli_bulletin_height(1), 18.0, 1e-9);
    cr_assert_float_eq(cli_bulletin_height(100), 409.0, 1e-9, "never above Excel's limit");
}

Test(bulletin_xlsx, chunks_cut_at_paragraphs_then_characters) {
    size_t n = 0;
    char **c;
    /* three paragraphs of 2, 2, 1 lines at 5 characters a line; at most 3 lines a piece:
     * the first alone (2 + 2 > 3), then the second and the third */
    c = cli_bulletin_chunks("一二三四五六七\n八九十一二三\n四", 10.5, 3, &n);
    cr_assert_not_null(c);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(c[0], "一二三四五六七");
    cr_assert_str_eq(c[1], "八九十一二三\n四");
    cr_assert_null(c[2]);
    cli_bulletin_chunks_free(c);
    /* one paragraph of 12 characters, 2 lines a piece: cut after 10 characters, never
     * inside a character */
    c = cli_bulletin_chunks("一二三四五六七八九十甲乙", 10.5, 2, &n);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(c[0], "一二三四五六七八九十");
    cr_assert_str_eq(c[1], "甲乙");
    cli_bulletin_chunks_free(c);
    c = cli_bulletin_chunks(NULL, 10.5, 2, &n);
    cr_assert_not_null(c);
    cr_assert_eq(n, 0);
    cr_assert_null(c[0]);
    cli_bulletin_chunks_free(c);
}
