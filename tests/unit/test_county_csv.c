/* test_county_csv.c - county CSV files into reports, against the sample city's files.
 *
 * The sample files are parsed whole, and their expected figures are read back from the
 * files by an independent line scan (plain fgets + strtod, no csv.c), so the tests
 * fail if a row is dropped, shifted or misread. In-memory files cover the variants a
 * county desk produces: BOM, CRLF, quoting, Chinese headers, and the mistakes whose
 * messages a desk officer must be able to act on (line, column, words).
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "county_csv.h"
#include "diag.h"
#include "master.h"
#include "report.h"
#include "text.h"

static master_t *m;
static char city[4096];
static report_set_t set;
static diag_list_t dl;

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    diag_list_t mdl = {0};
    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    m = master_load(city, &mdl);
    cr_assert_not_null(m, "master_load(%s) failed: %s", city, mdl.n ? mdl.items[0].message : "(no message)");
    diag_clear(&mdl);
    memset(&set, 0, sizeof set);
    memset(&dl, 0, sizeof dl);
}

static void teardown(void) {
    report_set_clear(&set);
    diag_clear(&dl);
    master_destroy(&m);
}

TestSuite(county_csv, .init = setup, .fini = teardown);

/* --- helpers -------------------------------------------------------------------- */

static size_t load(const char *rel) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", city, rel);
    return county_csv_load(m, path, &set, &dl);
}

/* Parses an in-memory file named "t.csv" (any encoding text.h reads). */
static size_t parse(const char *text) {
    char *u = NULL, err[256];
    size_t n, len;
    int rc = text_to_utf8(text, strlen(text), &u, &len, NULL, err, sizeof err);
    cr_assert_eq(rc, 0, "text_to_utf8: %s", err);
    n = county_csv_parse(m, "t.csv", u, len, &set, &dl);
    free(u);
    return n;
}

static const char *all_diags(void) {
    static char buf[16384];
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < dl.n && off + 600 < sizeof buf; i++) {
        char one[600];
        diag_format(&dl.items[i], one, sizeof one);
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s\n", one);
    }
    return buf;
}

/* The finding on that line for that field (NULL: any field), or NULL. */
static const diag_t *diag_at(unsigned line, const char *field) {
    for (size_t i = 0; i < dl.n; i++)
        if (dl.items[i].line == line && (!field || !strcmp(dl.items[i].field, field))) return &dl.items[i];
    return NULL;
}

/* Asserts one finding at line/field whose message holds every word given. */
#define expect_diag(line, field, ...)                                                                        \
    do {                                                                                                     \
        const diag_t *d_ = diag_at((line), (field));                                                         \
        const char *words_[] = {__VA_ARGS__};                                                                \
        cr_assert_not_null(d_, "no finding at line %u field %s; got:\n%s", (unsigned)(line),                 \
                           (field) ? (field) : "(any)", all_diags());                                        \
        cr_assert_eq(d_->severity, DIAG_ERROR);                                                              \
        cr_assert_str_eq(d_->file, "t.csv");                                                                 \
        for (size_t w_ = 0; w_ < sizeof words_ / sizeof *words_; w_++)                                       \
            cr_assert(strstr(d_->message, words_[w_]), "\"%s\" not in \"%s\"", words_[w_], d_->message);     \
    } while (0)

static const report_value_t *value(const report_t *r, const char *code) {
    const report_value_t *v = report_find(r, code);
    cr_assert_not_null(v, "%s %s has no value for %s", r->zone, r->period, code);
    return v;
}

/* Independent reading of a sample file: lines split on ',' (the samples quote nothing). */
typedef struct {
    unsigned line;
    char f[8][128];
    int n;
} line_t;

static size_t scan(const char *path, int gb18030, line_t *out, size_t max) {
    FILE *f = fopen(path, "rb");
    char raw[1024];
    size_t n = 0;
    unsigned line = 0;
    iconv_t cd = gb18030 ? iconv_open("UTF-8", "GB18030") : (iconv_t)-1;
    cr_assert_not_null(f, "cannot open %s", path);
    while (fgets(raw, sizeof raw, f) && n < max) {
        char utf8[2048], *src = raw, *dst = utf8, *tok, *save = NULL;
        size_t in_left = strlen(raw), out_left = sizeof utf8 - 1;
        line++;
        if (gb18030) {
            cr_assert_neq(iconv(cd, &src, &in_left, &dst, &out_left), (size_t)-1);
            *dst = '\0';
        } else {
            snprintf(utf8, sizeof utf8, "%s", raw);
        }
        utf8[strcspn(utf8, "\r\n")] = '\0';
        if (line == 1 || !utf8[0]) continue; /* header */
        out[n].line = line;
        out[n].n = 0;
        /* strsep keeps empty fields (the samples end ratio rows with ",") */
        save = utf8;
        while ((tok = strsep(&save, ",")) && out[n].n < 8)
            snprintf(out[n].f[out[n].n++], sizeof out[n].f[0], "%s", tok);
        n++;
    }
    if (gb18030) iconv_close(cd);
    fclose(f);
    return n;
}

static void assert_matches_scan(const report_t *r, const line_t *rows, size_t n_rows) {
    size_t k = 0;
    for (size_t i = 0; i < n_rows; i++) {
        const indicator_t *ind;
        const report_value_t *v;
        if (strcmp(rows[i].f[0], r->zone) != 0) continue;
        ind = master_indicator(m, rows[i].f[2]);
        cr_assert_not_null(ind, "line %u: %s", rows[i].line, rows[i].f[2]);
        v = value(r, ind->code);
        cr_assert_eq(v->line, rows[i].line, "%s: line %u, expected %u", ind->code, v->line, rows[i].line);
        cr_assert_float_eq(v->amount, strtod(rows[i].f[3], NULL), 1e-9, "%s amount", ind->code);
        cr_assert_eq(v->has_growth, rows[i].f[4][0] != '\0', "%s has_growth", ind->code);
        if (v->has_growth)
            cr_assert_float_eq(v->growth_pct, strtod(rows[i].f[4], NULL), 1e-9, "%s growth", ind->code);
        k++;
    }
    cr_assert_eq(r->n_values, k, "%s: %zu values, the file has %zu rows", r->zone, r->n_values, k);
}

/* --- the sample files ------------------------------------------------------------- */

Test(county_csv, english_utf8_file) {
    line_t rows[64];
    char path[4200];
    size_t n_rows;
    snprintf(path, sizeof path, "%s/reports/2017-06/410671.csv", city);
    n_rows = scan(path, 0, rows, 64);

    cr_assert_eq(load("reports/2017-06/410671.csv"), 0, "%s", all_diags());
    cr_assert_eq(dl.n, 0);
    cr_assert_eq(set.n, 1);
    cr_assert_str_eq(set.reports[0].zone, "jinshan");
    cr_assert_str_eq(set.reports[0].period, "2017-06");
    cr_assert_str_eq(set.reports[0].source, "410671.csv");
    cr_assert_eq(set.reports[0].revision, 0);
    cr_assert_eq(set.reports[0].n_values, 14); /* 15 lines: header + 14 indicators */
    cr_assert_eq(n_rows, 14);
    /* reports/2017-06/410671.csv line 2: jinshan,2017-06,revenue,2759085.3,10.5 */
    const report_value_t *rev = value(&set.reports[0], "revenue");
    cr_assert_float_eq(rev->amount, 2759085.3, 1e-9);
    cr_assert(rev->has_growth);
    cr_assert_float_eq(rev->growth_pct, 10.5, 1e-9);
    cr_assert_eq(rev->line, 2);
    /* line 12: energy_intensity,1.48,-6.2 — a negative growth */
    cr_assert_float_eq(value(&set.reports[0], "energy_intensity")->growth_pct, -6.2, 1e-9);
    /* line 7: rd_share,3.01, — a ratio without growth */
    cr_assert_not(value(&set.reports[0], "rd_share")->has_growth);
    assert_matches_scan(&set.reports[0], rows, n_rows);
    cr_assert_null(set.reports[0].problems);
    cr_assert_null(set.reports[0].projects);
}

Test(county_csv, gb18030_file_with_chinese_headers_and_names) {
    line_t rows[64];
    char path[4200], raw[4096];
    size_t n_rows, n_raw;
    FILE *f;
    snprintf(path, sizeof path, "%s/reports/2017-03/410621.csv", city);
    f = fopen(path, "rb");
    cr_assert_not_null(f);
    n_raw = fread(raw, 1, sizeof raw, f);
    fclose(f);
    cr_assert_not(utf8_valid(raw, n_raw), "the sample is meant to be GB18030");
    n_rows = scan(path, 1, rows, 64);

    cr_assert_eq(load("reports/2017-03/410621.csv"), 0, "%s", all_diags());
    cr_assert_eq(set.n, 2);
    cr_assert_str_eq(set.reports[0].zone, "xunxian");
    cr_assert_str_eq(set.reports[1].zone, "liyang");
    cr_assert_str_eq(set.reports[0].period, "2017-03");
    cr_assert_str_eq(set.reports[1].period, "2017-03");
    /* line 2: xunxian,2017-03,主营业务收入,533050.1,10.4 */
    const report_value_t *rev = value(&set.reports[0], "revenue");
    cr_assert_float_eq(rev->amount, 533050.1, 1e-9);
    cr_assert_float_eq(rev->growth_pct, 10.4, 1e-9);
    cr_assert_eq(rev->line, 2);
    /* line 15: xunxian,2017-03,闲置资源(厂房、土地)盘活率,11.75, */
    cr_assert_float_eq(value(&set.reports[0], "idle_revival")->amount, 11.75, 1e-9);
    /* line 26: liyang,2017-03,万元增加值能耗,1.09,-2.8 */
    cr_assert_eq(value(&set.reports[1], "energy_intensity")->line, 26);
    cr_assert_float_eq(value(&set.reports[1], "energy_intensity")->growth_pct, -2.8, 1e-9);
    assert_matches_scan(&set.reports[0], rows, n_rows);
    assert_matches_scan(&set.reports[1], rows, n_rows);
    cr_assert_eq(set.reports[0].n_values + set.reports[1].n_values, n_rows);
}

Test(county_csv, projects_file_joins_the_values_report) {
    cr_assert_eq(load("reports/2017-06/410671.csv"), 0, "%s", all_diags());
    cr_assert_eq(load("reports/2017-06/410671.projects.csv"), 0, "%s", all_diags());
    cr_assert_eq(set.n, 1);
    const report_t *r = &set.reports[0];
    cr_assert_eq(r->n_values, 14);
    cr_assert_eq(r->n_projects, 2);
    /* 410671.projects.csv line 2 */
    cr_assert_str_eq(r->projects[0].code, "P2017001");
    cr_assert_str_eq(r->projects[0].name, "汽车电子产业园二期");
    cr_assert(r->projects[0].has_total);
    cr_assert_float_eq(r->projects[0].total_investment, 260000, 1e-9);
    cr_assert(r->projects[0].has_ytd);
    cr_assert_float_eq(r->projects[0].ytd_investment, 118000, 1e-9);
    cr_assert_str_eq(r->projects[0].status, "under_construction");
    cr_assert_eq(r->projects[0].line, 2);
    /* line 3 */
    cr_assert_str_eq(r->projects[1].code, "P2017002");
    cr_assert_str_eq(r->projects[1].name, "智能终端整机项目");
    cr_assert_float_eq(r->projects[1].ytd_investment, 42000, 1e-9);
    cr_assert_eq(r->projects[1].line, 3);
    cr_assert_str_eq(r->source, "410671.csv", "the report keeps the file that created it");
}

Test(county_csv, projects_file_first_then_values) {
    cr_assert_eq(load("reports/2017-06/410671.projects.csv"), 0, "%s", all_diags());
    cr_assert_eq(set.n, 1);
    cr_assert_eq(set.reports[0].n_values, 0);
    cr_assert_eq(load("reports/2017-06/410671.csv"), 0, "%s", all_diags());
    cr_assert_eq(set.n, 1);
    cr_assert_eq(set.reports[0].n_values, 14);
    cr_assert_eq(set.reports[0].n_projects, 2);
}

Test(county_csv, bad_file_unknown_indicator_is_a_parse_error) {
    cr_assert_eq(load("reports/2017-06/410602.bad.csv"), 1, "%s", all_diags());
    cr_assert_eq(dl.n, 1);
    /* line 16: baoshan,2017-06,gdp,12.5, */
    cr_assert_eq(dl.items[0].line, 16);
    cr_assert_str_eq(dl.items[0].file, "410602.bad.csv");
    cr_assert_str_eq(dl.items[0].field, "indicator");
    cr_assert(strstr(dl.items[0].message, "unknown indicator \"gdp\""), "%s", dl.items[0].message);
    cr_assert(strstr(dl.items[0].message, "indicators.csv"), "%s", dl.items[0].message);
    cr_assert_eq(set.n, 1);
    cr_assert_eq(set.reports[0].n_values, 14, "the gdp row adds nothing");
    /* line 4: fai,-605586.4 — a negative amount is validation's to judge, not the parser's */
    cr_assert_float_eq(value(&set.reports[0], "fai")->amount, -605586.4, 1e-9);
}

Test(county_csv, every_sample_file_parses) {
    char pattern[4300];
    glob_t g;
    size_t files = 0;
    snprintf(pattern, sizeof pattern, "%s/reports/*/*.csv", city);
    cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
    snprintf(pattern, sizeof pattern, "%s/late/*/*.csv", city);
    cr_assert_eq(glob(pattern, GLOB_APPEND, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        char dir_period[8];
        size_t n;
        if (strstr(path, ".bad.csv")) continue;
        /* the folder name is the period: .../reports/2017-06/410671.csv */
        snprintf(dir_period, sizeof dir_period, "%.7s", strrchr(path, '/') - 7);
        report_set_clear(&set);
        diag_clear(&dl);
        n = county_csv_load(m, path, &set, &dl);
        cr_assert_eq(n, 0, "%s: %s", path, all_diags());
        cr_assert_geq(set.n, 1, "%s", path);
        for (size_t k = 0; k < set.n; k++) {
            cr_assert_str_eq(set.reports[k].period, dir_period, "%s", path);
            cr_assert(set.reports[k].n_values > 0 || set.reports[k].n_projects > 0 || set.reports[k].n_enterprises > 0);
        }
        files++;
    }
    globfree(&g);
    cr_assert_geq(files, 100, "only %zu sample files found", files);
}

Test(county_csv, unreadable_file_is_one_error) {
    cr_assert_eq(county_csv_load(m, "/nonexistent/dir/410699.csv", &set, &dl), 1);
    cr_assert_eq(dl.n, 1);
    cr_assert_str_eq(dl.items[0].file, "410699.csv");
    cr_assert_eq(dl.items[0].line, 0);
    cr_assert(strstr(dl.items[0].message, "cannot open"), "%s", dl.items[0].message);
    cr_assert_eq(set.n, 0);
}

/* --- encodings and layout ------------------------------------------------------------ */

Test(county_csv, utf8_with_bom) {
    cr_assert_eq(parse("\xEF\xBB\xBFzone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,revenue,100,1.5\n"),
                 0, "%s", all_diags());
    cr_assert_eq(set.n, 1);
    cr_assert_float_eq(value(&set.reports[0], "revenue")->amount, 100, 1e-9);
}

Test(county_csv, bom_left_in_by_the_caller) {
    static const char text[] = "\xEF\xBB\xBFzone,period,indicator,amount,growth_pct\n"
                               "jinshan,2017-06,revenue,100,1.5\n";
    cr_assert_eq(county_csv_parse(m, "t.csv", text, sizeof text - 1, &set, &dl), 0, "%s", all_diags());
    cr_assert_eq(set.n, 1);
}

Test(county_csv, gb18030_in_memory) {
    /* what Excel writes in a Chinese locale, with a zone name and a 1-6月 period */
    const char *utf8 = "园区代码,统计期,指标,本年累计,同比增长(%)\n"
                       "金山产业集聚区,2017年1-6月,增加值,702316.6,11.8\n";
    char gb[512], *src = (char *)utf8, *dst = gb;
    size_t in_left = strlen(utf8), out_left = sizeof gb - 1;
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    cr_assert_neq(cd, (iconv_t)-1);
    cr_assert_neq(iconv(cd, &src, &in_left, &dst, &out_left), (size_t)-1);
    iconv_close(cd);
    *dst = '\0';
    cr_assert_eq(parse(gb), 0, "%s", all_diags());
    cr_assert_eq(set.n, 1);
    cr_assert_str_eq(set.reports[0].zone, "jinshan");
    cr_assert_str_eq(set.reports[0].period, "2017-06");
    cr_assert_float_eq(value(&set.reports[0], "va")->amount, 702316.6, 1e-9);
}

Test(county_csv, crlf_line_endings) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\r\n"
                       "jinshan,2017-06,revenue,100,10.5\r\n"
                       "jinshan,2017-06,rd_share,3.01,\r\n"
                       "jinshan,2017-06,va,x1,\r\n"),
                 1, "%s", all_diags());
    cr_assert_eq(set.reports[0].n_values, 2);
    cr_assert_float_eq(value(&set.reports[0], "revenue")->growth_pct, 10.5, 1e-9);
    cr_assert_not(value(&set.reports[0], "rd_share")->has_growth, "a CR is not a growth");
    cr_assert_eq(value(&set.reports[0], "rd_share")->line, 3);
    expect_diag(4, "amount", "\"x1\" is not a number");
}

Test(county_csv, quoted_fields_and_thousands_separators) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct,problems\n"
                       "\"jinshan\",\"2017-06\",\"revenue\",\"2,759,085.3\",\"10.5\",\"用地指标紧张, "
                       "\"\"双控\"\"压力大\n第二行\"\n"
                       "jinshan,2017-06,va,\" 702316.6 \",,\n"),
                 0, "%s", all_diags());
    const report_t *r = &set.reports[0];
    cr_assert_float_eq(value(r, "revenue")->amount, 2759085.3, 1e-9);
    cr_assert_float_eq(value(r, "va")->amount, 702316.6, 1e-9);
    cr_assert_eq(value(r, "va")->line, 4, "the quoted line break moves the next row to line 4");
    cr_assert_str_eq(r->problems, "用地指标紧张, \"双控\"压力大\n第二行");
}

Test(county_csv, chinese_header_in_utf8) {
    cr_assert_eq(parse("园区代码,统计期,指标,本年累计,同比增长(%),存在问题,下一步措施\n"
                       "金山产业集聚区,2017-06,主营业务收入,2759085.3,10.5,融资难,加快项目建设\n"
                       "jinshan,2017-06,万元增加值能耗,1.48,-6.2,,\n"
                       "jinshan,2017-06,增加值,七十,,,\n"),
                 1, "%s", all_diags());
    cr_assert_eq(set.n, 1);
    cr_assert_str_eq(set.reports[0].zone, "jinshan", "a zone name resolves to its code");
    cr_assert_float_eq(value(&set.reports[0], "revenue")->amount, 2759085.3, 1e-9);
    cr_assert_float_eq(value(&set.reports[0], "energy_intensity")->growth_pct, -6.2, 1e-9);
    cr_assert_str_eq(set.reports[0].problems, "融资难");
    cr_assert_str_eq(set.reports[0].next_steps, "加快项目建设");
    expect_diag(4, "本年累计", "\"七十\" is not a number");
}

Test(county_csv, header_variants_and_free_column_order) {
    cr_assert_eq(parse(" Indicator ,Period, amount ,ZONE,同比增长%\n"
                       "revenue,201706,100,jinshan,3\n"),
                 0, "%s", all_diags());
    cr_assert_eq(set.n, 1);
    cr_assert_str_eq(set.reports[0].period, "2017-06");
    cr_assert_float_eq(value(&set.reports[0], "revenue")->growth_pct, 3, 1e-9);
}

Test(county_csv, growth_column_is_optional) {
    cr_assert_eq(parse("zone,period,indicator,amount\n"
                       "jinshan,2017-06,rd_share,3.01\n"),
                 0, "%s", all_diags());
    cr_assert_not(value(&set.reports[0], "rd_share")->has_growth);
}

Test(county_csv, period_spellings_group_into_one_report) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017年1-6月,revenue,1,\n"
                       "jinshan,2017-6,va,2,\n"
                       "jinshan,2017/06,fai,3,\n"
                       "jinshan,2017年6月,tax,4,\n"),
                 0, "%s", all_diags());
    cr_assert_eq(set.n, 1);
    cr_assert_str_eq(set.reports[0].period, "2017-06");
    cr_assert_eq(set.reports[0].n_values, 4);
}

Test(county_csv, rows_group_by_zone_and_period_in_first_appearance_order) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "liyang,2017-06,revenue,1,\n"
                       "xunxian,2017-06,revenue,2,\n"
                       "liyang,2017-05,revenue,3,\n"
                       "浚县产业集聚区,2017-06,va,4,\n"
                       "liyang,2017-06,va,5,\n"),
                 0, "%s", all_diags());
    cr_assert_eq(set.n, 3);
    cr_assert_str_eq(set.reports[0].zone, "liyang");
    cr_assert_str_eq(set.reports[0].period, "2017-06");
    cr_assert_eq(set.reports[0].n_values, 2);
    cr_assert_str_eq(set.reports[1].zone, "xunxian");
    cr_assert_eq(set.reports[1].n_values, 2);
    cr_assert_str_eq(set.reports[2].period, "2017-05");
    cr_assert_eq(set.reports[2].n_values, 1);
    cr_assert_str_eq(set.reports[2].source, "t.csv");
}

Test(county_csv, excel_empty_rows_are_skipped) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,revenue,1,\n"
                       ",,,,\n"
                       " , ,,,\n"
                       "jinshan,2017-06,va,2,\n"),
                 0, "%s", all_diags());
    cr_assert_eq(set.reports[0].n_values, 2);
    cr_assert_eq(value(&set.reports[0], "va")->line, 5);
}

/* --- mistakes, as a desk officer reads them ----------------------------------------- */

Test(county_csv, bad_number_names_line_column_and_text) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,revenue,100,1\n"
                       "jinshan,2017-06,va,12..5,1\n"),
                 1, "%s", all_diags());
    expect_diag(3, "amount", "\"12..5\" is not a number", "e.g.");
    cr_assert_eq(set.reports[0].n_values, 1, "the bad row adds nothing");
    cr_assert_null(report_find(&set.reports[0], "va"));
}

Test(county_csv, numbers_that_are_refused) {
    static const char *const bad[] = {"abc",  "12..5", "10%", "0x10", "inf",   "nan",   "12,5",
                                      "1,23", "1e",    "-",   ".",    "1 234", "1e400", "+-1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[256], want[64];
        report_set_clear(&set);
        diag_clear(&dl);
        snprintf(text, sizeof text,
                 "zone,period,indicator,amount,growth_pct\n"
                 "jinshan,2017-06,revenue,\"%s\",\n",
                 bad[i]);
        cr_assert_eq(parse(text), 1, "%s accepted", bad[i]);
        snprintf(want, sizeof want, "\"%s\" is not a number", bad[i]);
        expect_diag(2, "amount", want);
        cr_assert_eq(set.n, 0, "%s: a row with errors adds nothing", bad[i]);
    }
}

Test(county_csv, numbers_that_are_accepted) {
    static const struct {
        const char *text;
        double want;
    } ok[] = {{"1,234.5", 1234.5},
              {"-6.2", -6.2},
              {"+3", 3},
              {" 42 ", 42},
              {".5", 0.5},
              {"12,345,678", 12345678},
              {"0", 0},
              {"5.", 5}};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char text[256];
        report_set_clear(&set);
        diag_clear(&dl);
        snprintf(text, sizeof text,
                 "zone,period,indicator,amount,growth_pct\n"
                 "jinshan,2017-06,revenue,\"%s\",\"%s\"\n",
                 ok[i].text, ok[i].text);
        cr_assert_eq(parse(text), 0, "%s: %s", ok[i].text, all_diags());
        cr_assert_float_eq(value(&set.reports[0], "revenue")->amount, ok[i].want, 1e-9, "%s", ok[i].text);
        cr_assert_float_eq(value(&set.reports[0], "revenue")->growth_pct, ok[i].want, 1e-9);
    }
}

/* Excel writes a narrow column's number as it shows it: 2032384 becomes "2.03E+6" in
 * the CSV, and the digits it dropped are gone. Such a cell is refused, in every
 * number column, with the file, line, column and what to do in Excel. */
Test(county_csv, scientific_notation_has_lost_digits) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "baoshan,2017-06,revenue,2.03E+6,11.4\n"
                       "baoshan,2017-06,va,460394.0,1.19e1\n"),
                 2, "%s", all_diags());
    expect_diag(2, "amount", "2.03E+6", "scientific notation", "lost digits", "widen the column", "数值");
    expect_diag(3, "growth_pct", "1.19e1", "scientific notation");
    cr_assert_eq(set.n, 0, "nothing of a refused cell is kept");

    report_set_clear(&set);
    diag_clear(&dl);
    cr_assert_eq(parse("zone,period,project,name,total_investment,ytd_investment\n"
                       "baoshan,2017-06,P2017005,煤焦油,4.2E+5,160000\n"
                       "baoshan,2017-06,P2017006,焦化,420000,1.6E5\n"),
                 2, "%s", all_diags());
    expect_diag(2, "total_investment", "4.2E+5", "scientific notation");
    expect_diag(3, "ytd_investment", "1.6E5", "scientific notation");
}

Test(county_csv, empty_amount_and_bad_growth) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,revenue,,1\n"
                       "jinshan,2017-06,va,1,abc\n"),
                 2, "%s", all_diags());
    expect_diag(2, "amount", "empty", "number");
    expect_diag(3, "growth_pct", "\"abc\" is not a number");
    cr_assert_eq(set.n, 0);
}

Test(county_csv, wrong_column_count) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,revenue,100,1\n"
                       "jinshan,2017-06,va,100\n"
                       "jinshan,2017-06,fai,1,234.5,3\n"),
                 2, "%s", all_diags());
    expect_diag(3, NULL, "expected 5 columns, found 4");
    expect_diag(4, NULL, "expected 5 columns, found 6");
    cr_assert_eq(set.reports[0].n_values, 1);
}

Test(county_csv, unknown_header_column) {
    cr_assert_eq(parse("zone,period,indicator,amout,growth_pct\n"
                       "jinshan,2017-06,revenue,100,1\n"),
                 2, "%s", all_diags());
    expect_diag(1, "amout", "unknown column \"amout\"", "zone,period,indicator,amount,growth_pct",
                "本年累计");
    expect_diag(1, "amount", "missing column \"amount\"");
    cr_assert_eq(set.n, 0, "rows under a broken header are not read");
}

Test(county_csv, missing_required_column_in_chinese) {
    cr_assert_eq(parse("园区代码,统计期,本年累计\n"
                       "jinshan,2017-06,100\n"),
                 1, "%s", all_diags());
    expect_diag(1, "指标", "missing column \"指标\"");
}

Test(county_csv, header_of_neither_kind_is_one_error) {
    cr_assert_eq(parse("name,value,comment\n"
                       "a,b,c\n"),
                 1, "%s", all_diags());
    cr_assert_eq(dl.n, 1);
    expect_diag(1, NULL, "zone,period,indicator,amount,growth_pct",
                "zone,period,project,name,total_investment,ytd_investment,status", "园区代码");
}

Test(county_csv, header_mixing_both_kinds) {
    cr_assert_eq(parse("zone,period,indicator,amount,project\n"), 1, "%s", all_diags());
    expect_diag(1, NULL, "two files");
}

Test(county_csv, duplicate_header_column) {
    cr_assert_eq(parse("zone,period,indicator,amount,amount\n"), 1, "%s", all_diags());
    expect_diag(1, "amount", "appears twice");
}

Test(county_csv, empty_file) {
    cr_assert_eq(parse("\n\n"), 1);
    cr_assert(strstr(dl.items[0].message, "header"), "%s", dl.items[0].message);
    cr_assert_eq(set.n, 0);
}

Test(county_csv, unknown_zone) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "nowhere,2017-06,revenue,1,\n"),
                 1, "%s", all_diags());
    expect_diag(2, "zone", "unknown zone \"nowhere\"", "regions.csv");
    cr_assert_eq(set.n, 0);
}

Test(county_csv, bad_period) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-13,revenue,1,\n"
                       "jinshan,June,va,1,\n"),
                 2, "%s", all_diags());
    expect_diag(2, "period", "\"2017-13\"", "YYYY-MM, e.g. 2017-06");
    expect_diag(3, "period", "\"June\"");
    cr_assert_eq(set.n, 0);
}

Test(county_csv, unknown_indicator) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,gdp,1,\n"),
                 1, "%s", all_diags());
    expect_diag(2, "indicator",
                "unknown indicator \"gdp\"; expected a code or Chinese name from indicators.csv");
}

Test(county_csv, several_errors_in_one_row_are_all_reported) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "nowhere,2017-13,gdp,x,y\n"),
                 5, "%s", all_diags());
    expect_diag(2, "zone", "nowhere");
    expect_diag(2, "period", "2017-13");
    expect_diag(2, "indicator", "gdp");
    expect_diag(2, "amount", "\"x\"");
    expect_diag(2, "growth_pct", "\"y\"");
}

Test(county_csv, conflicting_problems_text) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct,problems\n"
                       "jinshan,2017-06,revenue,1,,融资难\n"
                       "jinshan,2017-06,va,1,,\n"
                       "jinshan,2017-06,fai,1,,融资难\n"
                       "jinshan,2017-06,tax,1,,用工难\n"),
                 1, "%s", all_diags());
    expect_diag(5, "problems", "differs", "jinshan 2017-06");
    cr_assert_str_eq(set.reports[0].problems, "融资难");
    cr_assert_eq(set.reports[0].n_values, 3);
    cr_assert_null(report_find(&set.reports[0], "tax"), "the conflicting row adds nothing");
}

Test(county_csv, malformed_csv_stops_the_file) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,revenue,1,\n"
                       "jinshan,2017-06,\"va,1,\n"
                       "jinshan,2017-06,fai,1,\n"),
                 1, "%s", all_diags());
    cr_assert_eq(dl.n, 1);
    expect_diag(3, NULL, "never closed");
    cr_assert_eq(set.reports[0].n_values, 1);
}

Test(county_csv, data_under_a_blank_header) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct,\n"
                       "jinshan,2017-06,revenue,1,,\n"
                       "jinshan,2017-06,va,1,,note\n"),
                 1, "%s", all_diags());
    expect_diag(3, "column 6", "\"note\"", "no header");
    cr_assert_eq(set.reports[0].n_values, 1);
}

Test(county_csv, projects_file_errors_name_chinese_columns) {
    cr_assert_eq(parse("园区代码,统计期,项目编号,项目名称,总投资,本年完成投资,状态\n"
                       "jinshan,2017-06,P1,新项目,,,\n"
                       "jinshan,2017-06,P2,二期,一万,5000,在建\n"
                       "jinshan,2017-06,,三期,1,1,在建\n"),
                 2, "%s", all_diags());
    expect_diag(3, "总投资", "\"一万\" is not a number");
    expect_diag(4, "项目编号", "empty");
    cr_assert_eq(set.reports[0].n_projects, 1);
    cr_assert_not(set.reports[0].projects[0].has_total);
    cr_assert_not(set.reports[0].projects[0].has_ytd);
}

Test(county_csv, errors_stop_after_200) {
    size_t cap = 64 + 400 * 40, off = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    off += (size_t)snprintf(text, cap, "zone,period,indicator,amount,growth_pct\n");
    for (int i = 0; i < 400; i++)
        off += (size_t)snprintf(text + off, cap - off, "jinshan,2017-06,revenue,x%d,\n", i);
    size_t n = parse(text);
    free(text);
    cr_assert_eq(n, 200, "199 errors and the note that reading stopped, not %zu", n);
    cr_assert_eq(dl.n, 200, "the note fits in a list capped at 200");
    cr_assert(strstr(dl.items[199].message, "reading stopped"), "%s", dl.items[199].message);
    cr_assert_eq(dl.items[199].line, 201, "rows on lines 2..200 were read, 201 was not");
    cr_assert_eq(dl.items[198].line, 200);
}

Test(county_csv, not_utf8_input_to_parse) {
    static const char text[] = "zone,period,indicator,amount\njinshan,2017-06,\xD6\xF7,1\n";
    cr_assert_eq(county_csv_parse(m, "t.csv", text, sizeof text - 1, &set, &dl), 1);
    cr_assert(strstr(dl.items[0].message, "UTF-8"), "%s", dl.items[0].message);
    cr_assert_eq(set.n, 0);
}

Test(county_csv, set_clear_allows_reuse) {
    cr_assert_eq(load("reports/2017-06/410671.csv"), 0);
    report_set_clear(&set);
    cr_assert_eq(set.n, 0);
    cr_assert_null(set.reports);
    report_set_clear(&set);
    cr_assert_eq(load("reports/2017-03/410621.csv"), 0);
    cr_assert_eq(set.n, 2);
}

Test(county_csv, long_and_multiline_cells_are_shown_short_in_messages) {
    char text[1024], cell[300];
    memset(cell, '9', 200);
    memcpy(cell + 200, ".e5", 4); /* 200 digits, a point, an exponent: too long a number */
    snprintf(text, sizeof text,
             "zone,period,indicator,amount,growth_pct\n"
             "jinshan,2017-06,revenue,%s,\n"
             "jinshan,2017-06,\"主营业务\n收入\",1,\n"
             "金山产业集聚区金山产业集聚区金山产业集聚区金山产业集聚区,2017-06,va,1,\n",
             cell);
    cr_assert_eq(parse(text), 3, "%s", all_diags());
    const diag_t *d = diag_at(2, "amount");
    cr_assert_not_null(d);
    cr_assert(strstr(d->message, "\"9999"), "%s", d->message);
    cr_assert(strstr(d->message, "...\" is not a number"), "cut and marked: %s", d->message);
    d = diag_at(3, "indicator");
    cr_assert_not_null(d);
    cr_assert(strstr(d->message, "\"主营业务\\n收入\""), "no line break in a message: %s", d->message);
    d = diag_at(5, "zone");
    cr_assert_not_null(d);
    cr_assert(utf8_valid(d->message, strlen(d->message)), "cut on a character boundary");
    cr_assert(strstr(d->message, "unknown zone \"金山"), "%s", d->message);
}

/* The 说明 column: a row's explanation, kept with its value; bounded like any cell. */
Test(county_csv, note_column_carries_a_rows_explanation) {
    char text[2048], longnote[700];
    cr_assert_eq(parse("园区代码,统计期,指标,本年累计,同比增长(%),说明\n"
                       "baoshan,2017-06,revenue,20323840000,11.4,新项目投产，收入大增\n"
                       "baoshan,2017-06,va,460394.0,11.9,\n"),
                 0, "%s", all_diags());
    cr_assert_str_eq(value(&set.reports[0], "revenue")->note, "新项目投产，收入大增");
    cr_assert_null(value(&set.reports[0], "va")->note, "no 说明, no note");

    report_set_clear(&set);
    diag_clear(&dl);
    memset(longnote, 'x', sizeof longnote - 1);
    longnote[sizeof longnote - 1] = '\0';
    snprintf(text, sizeof text, "zone,period,indicator,amount,note\nbaoshan,2017-06,revenue,1,%s\n", longnote);
    cr_assert_eq(parse(text), 1, "%s", all_diags());
    expect_diag(2, "note", "longer than 511 bytes");
}

/* --- forgiving input: what an office types, read as meant and said once ------------- */

/* The one warning of the file, formatted; fails if there is not exactly one. */
static const char *the_warning(void) {
    static char buf[1024];
    const diag_t *w = NULL;
    for (size_t i = 0; i < dl.n; i++)
        if (dl.items[i].severity == DIAG_WARNING) {
            cr_assert_null(w, "more than one warning:\n%s", all_diags());
            w = &dl.items[i];
        }
    cr_assert_not_null(w, "no warning; got:\n%s", all_diags());
    diag_format(w, buf, sizeof buf);
    return buf;
}

Test(county_csv, full_width_digits_and_signs) {
    /* ０-９ U+FF10.., ．U+FF0E, －U+FF0D, ，U+FF0C, ＋U+FF0B, as a Chinese input method types them */
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,revenue,１２３４．５,－６．２\n"
                       "jinshan,2017-06,va,\"１，２３４，５６７\",＋３\n"
                       "jinshan,2017-06,fai,100,1.5\n"
                       "jinshan,２０１７－０６,tax,7,\n"),
                 0, "%s", all_diags());
    cr_assert_eq(set.n, 1, "the full-width period is the same period");
    cr_assert_float_eq(value(&set.reports[0], "revenue")->amount, 1234.5, 1e-9);
    cr_assert_float_eq(value(&set.reports[0], "revenue")->growth_pct, -6.2, 1e-9);
    cr_assert_float_eq(value(&set.reports[0], "va")->amount, 1234567, 1e-9);
    cr_assert_float_eq(value(&set.reports[0], "va")->growth_pct, 3, 1e-9);
    cr_assert_float_eq(value(&set.reports[0], "tax")->amount, 7, 1e-9);
    cr_assert_str_eq(the_warning(),
                     "t.csv: warning: full-width digits and signs were read as ASCII, e.g. \"１２３４．５\" as 1234.5 "
                     "(5 cells on lines 2, 3, 5)");
}

Test(county_csv, full_width_forms_that_stay_refused) {
    /* folding makes "10%" and "1 234" of these, which were never numbers */
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,revenue,１０％,\n"
                       "jinshan,2017-06,va,１\xE3\x80\x80" "２３４,\n"
                       "jinshan,2017-06,fai,\"１，２３\",\n"),
                 3, "%s", all_diags());
    expect_diag(2, "amount", "\"１０％\" is not a number", "no %");
    expect_diag(3, "amount", "\"１\xE3\x80\x80" "２３４\" is not a number");
    expect_diag(4, "amount", "\"１，２３\" is not a number", "thousands separators");
    cr_assert_eq(dl.n_warnings, 0, "nothing was read, so nothing is said to be");
}

Test(county_csv, parentheses_are_a_negative_number) {
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,fai,(12.3),\"(1,234.5)\"\n"
                       "jinshan,2017-06,va,（５６）, ( 7 ) \n"),
                 0, "%s", all_diags());
    cr_assert_float_eq(value(&set.reports[0], "fai")->amount, -12.3, 1e-9);
    cr_assert_float_eq(value(&set.reports[0], "fai")->growth_pct, -1234.5, 1e-9);
    cr_assert_float_eq(value(&set.reports[0], "va")->amount, -56, 1e-9);
    cr_assert_float_eq(value(&set.reports[0], "va")->growth_pct, -7, 1e-9);
    cr_assert_eq(dl.n_warnings, 2, "one for the parentheses, one for （５６）'s full-width forms: %s", all_diags());
    cr_assert_str_eq(dl.items[0].message,
                     "full-width digits and signs were read as ASCII, e.g. \"（５６）\" as -56 (1 cell on line 3)");
    cr_assert_str_eq(dl.items[1].message,
                     "numbers in parentheses were read as negative, as accounting formats show them, e.g. "
                     "\"(12.3)\" as -12.3 (4 cells on lines 2, 3)");

    report_set_clear(&set);
    diag_clear(&dl);
    cr_assert_eq(parse("zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,fai,(-12.3),\n"
                       "jinshan,2017-06,va,(),\n"
                       "jinshan,2017-06,tax,(12,\n"),
                 3, "%s", all_diags());
    expect_diag(2, "amount", "\"(-12.3)\" is not a number");
    expect_diag(3, "amount", "\"()\" is not a number");
    expect_diag(4, "amount", "\"(12\" is not a number");
}

Test(county_csv, full_width_and_no_break_spaces_around_codes_and_names) {
    /* U+3000 before and after the zone, U+00A0 after the indicator's name: no warning,
     * as ASCII spaces never had one */
    cr_assert_eq(parse("园区代码,统计期,指标,本年累计\n"
                       "\xE3\x80\x80" "jinshan\xE3\x80\x80,2017-06 ,主营业务收入\xC2\xA0,\xE3\x80\x80" "100 \n"),
                 0, "%s", all_diags());
    cr_assert_str_eq(set.reports[0].zone, "jinshan");
    cr_assert_float_eq(value(&set.reports[0], "revenue")->amount, 100, 1e-9);
    cr_assert_eq(dl.n, 0, "%s", all_diags());
}

Test(county_csv, names_with_stray_spaces_and_full_width_signs) {
    cr_assert_eq(parse("园区代码,统计期,指标,本年累计\n"
                       "金山产业 集聚区,2017-06,主营 业务收入,1\n"
                       "金山产业集聚区,2017-06,闲置资源（厂房、土地）盘活率,11.75\n"
                       "jinshan,2017-06,万元增加值能耗,1.48\n"),
                 0, "%s", all_diags());
    cr_assert_str_eq(set.reports[0].zone, "jinshan");
    cr_assert_eq(set.reports[0].n_values, 3);
    cr_assert_float_eq(value(&set.reports[0], "revenue")->amount, 1, 1e-9);
    cr_assert_float_eq(value(&set.reports[0], "idle_revival")->amount, 11.75, 1e-9);
    cr_assert_str_eq(the_warning(),
                     "t.csv: warning: names were matched without their spaces and full-width signs, e.g. "
                     "\"金山产业 集聚区\" as jinshan (3 cells on lines 2, 3)");
    report_set_clear(&set);
    diag_clear(&dl);
    cr_assert_eq(parse("zone,period,indicator,amount\n"
                       "jinshan,2017-06,主营业务,1\n"),
                 1, "a part of a name is no name");
    expect_diag(2, "indicator", "unknown indicator \"主营业务\"");
}

Test(county_csv, title_and_note_rows_above_the_header) {
    /* what the template's sheet, or any titled sheet, looks like saved as CSV */
    cr_assert_eq(parse("鹤壁经济技术开发区管委会 2017年1-6月 主要指标,,,,\n"
                       "单位：万元,,,,\n"
                       ",,,,\n"
                       "园区代码,统计期,指标,本年累计,同比增长(%)\n"
                       "jinshan,2017-06,revenue,2759085.3,10.5\n"),
                 0, "%s", all_diags());
    cr_assert_eq(dl.n, 0, "title rows are skipped without a word: %s", all_diags());
    cr_assert_eq(value(&set.reports[0], "revenue")->line, 5);

    report_set_clear(&set);
    diag_clear(&dl);
    cr_assert_eq(parse("jinshan,2017-06,va,702316.6,11.8\n"
                       "zone,period,indicator,amount,growth_pct\n"
                       "jinshan,2017-06,revenue,2759085.3,10.5\n"),
                 0, "%s", all_diags());
    cr_assert_str_eq(the_warning(),
                     "t.csv:2: warning: 1 row of several cells above the header was not read (line 1): figures "
                     "belong below the header row");
    cr_assert_null(report_find(&set.reports[0], "va"));
}

Test(county_csv, periods_excel_turned_into_dates) {
    cr_assert_eq(parse("zone,period,indicator,amount\n"
                       "jinshan,2017/6/1,revenue,1\n"
                       "jinshan,2017-06-01,va,2\n"
                       "jinshan,2017/6,fai,3\n"
                       "jinshan,2017.6,tax,4\n"
                       "jinshan,Jun-17,employees,5\n"
                       "jinshan,2017年6月,rd_share,6\n"
                       "jinshan,42887,outside_capital,7\n"
                       "jinshan,2017年6月30日,output_per_mu,8\n"),
                 0, "%s", all_diags());
    cr_assert_eq(set.n, 1, "all are 2017-06");
    cr_assert_str_eq(set.reports[0].period, "2017-06");
    cr_assert_eq(set.reports[0].n_values, 8);
    cr_assert_str_eq(the_warning(),
                     "t.csv: warning: periods that Excel had turned into dates were read as their month, e.g. "
                     "\"2017/6/1\" as 2017-06 (5 cells on lines 2, 3, 6, …)");
    report_set_clear(&set);
    diag_clear(&dl);
    cr_assert_eq(parse("zone,period,indicator,amount\n"
                       "jinshan,2017/6/31,revenue,1\n"
                       "jinshan,17-Jun,va,1\n"),
                 2, "%s", all_diags());
    expect_diag(2, "period", "\"2017/6/31\" is not a period");
    expect_diag(3, "period", "\"17-Jun\" is not a period");
}

/* Each forgiven kind is said once however many cells, and not at all without one. */
Test(county_csv, forgiven_input_is_said_once_per_kind) {
    char text[8192];
    size_t off = (size_t)snprintf(text, sizeof text, "zone,period,indicator,amount\n");
    for (int i = 0; i < 14; i++)
        off += (size_t)snprintf(text + off, sizeof text - off, "jinshan,Jun-17,%s,１%d\n", m->indicators[i].code, i);
    cr_assert_eq(parse(text), 0, "%s", all_diags());
    cr_assert_eq(dl.n, 2, "%s", all_diags());
    cr_assert(strstr(all_diags(), "(14 cells on lines 2, 3, 4, …)"), "%s", all_diags());
}

/* The case in a CSV file: twenty rows typed the same wrong way read as one line
 * where people are shown the findings (diag_group). */
Test(county_csv, twenty_identical_mistakes_fold_into_one_line) {
    char text[8192];
    size_t off = (size_t)snprintf(text, sizeof text, "zone,period,indicator,amount\n");
    for (int i = 0; i < 20; i++)
        off += (size_t)snprintf(text + off, sizeof text - off, "jinshan,2017-06,revenue,十万\n");
    cr_assert_eq(parse(text), 20);
    cr_assert_eq(dl.n, 20, "the parser keeps every finding");
    diag_sort(&dl);
    diag_group(&dl);
    cr_assert_str_eq(all_diags(),
                     "t.csv: amount: \"十万\" is not a number; expected digits with an optional sign and decimal "
                     "point, e.g. 1234.5 or -6.2 (commas only as thousands separators, no %) (20 rows: 2, 3, 4, "
                     "…)\n");
}

Test(county_csv, the_templates_sheet_saved_as_csv_is_told_apart) {
    cr_assert_eq(parse("鹤山区 2017年1-6月 产业集聚区主要指标月报,,,,,,,,,\n"
                       "园区代码,园区名称,指标代码,指标名称,单位,上期本年累计,上期同比增长(%),本年累计,同比增长(%),说明\n"
                       "baoshan,宝山循环经济产业集聚区,revenue,主营业务收入,万元,,,2032384,11.4,\n"),
                 1, "%s", all_diags());
    expect_diag(2, NULL, "the 主要指标 sheet of the monthly template", ".xlsx workbook itself");
}
