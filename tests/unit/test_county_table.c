/* test_county_table.c - workbooks as tables into reports: the template, the long format on a sheet.
 *
 * The tables are built by hand here, cell by cell, as the XLSX reader would fill them
 * (number cells, dates with their serial, text, hidden sheets), so these tests need no
 * workbook file. The template test fills 浚县's template with the figures of the sample
 * city's 2017-06 file for 410621, read by an independent line scan (fgets + strtod), and
 * asserts the reports equal what the CSV files give.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "county_csv.h"
#include "county_table.h"
#include "diag.h"
#include "master.h"
#include "report.h"
#include "table.h"

static master_t *m;
static char city[4096];
static report_set_t set;
static diag_list_t dl;
static table_t T;

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    diag_list_t mdl = {0};
    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    m = master_load(city, &mdl);
    cr_assert_not_null(m, "master_load(%s) failed", city);
    diag_clear(&mdl);
    memset(&set, 0, sizeof set);
    memset(&dl, 0, sizeof dl);
    memset(&T, 0, sizeof T);
    T.is_workbook = true;
}

static void teardown(void) {
    table_free(&T);
    report_set_clear(&set);
    diag_clear(&dl);
    master_destroy(&m);
}

TestSuite(county_table, .init = setup, .fini = teardown);

/* --- building tables by hand ---------------------------------------------------- */

/* A new sheet at the end of T (table.h's builder); the pointer holds until the next
 * sheet() call. */
static table_sheet_t *sheet(const char *name, int state) {
    table_sheet_t *s = table_sheet_add(&T, name, state);
    cr_assert_not_null(s);
    return s;
}

/* Sets a cell from its spec: "" empty; "#2032384" a number cell; "#2032384=2.03E+6" a
 * number cell showing other text; "@42887=2017/6/1" a date cell (serial = what it
 * shows); "%0.085" a number cell formatted as a percentage (it shows 8.5%); anything
 * else text as written. */
static void set_cell(table_cell_t *c, const char *spec) {
    const char *eq = strchr(spec, '=');
    table_cell_clear(c);
    if (!spec[0]) return;
    if (spec[0] == '#' || spec[0] == '@' || spec[0] == '%') {
        const char *shown = eq ? eq + 1 : spec + 1;
        c->kind = TABLE_NUMBER;
        c->is_date = spec[0] == '@';
        c->is_percent = spec[0] == '%';
        c->number = strtod(spec + 1, NULL);
        cr_assert_eq(table_cell_set_text(c, shown, strlen(shown)), 0);
    } else {
        c->kind = TABLE_TEXT;
        cr_assert_eq(table_cell_set_text(c, spec, strlen(spec)), 0);
    }
}

/* Appends row ref with cells given as specs separated by '|' (column A first). */
static void row(table_sheet_t *s, unsigned ref, const char *specs) {
    char buf[2048], *p = buf, *tok;
    size_t n = 1, i = 0;
    table_row_t *r;
    for (const char *q = specs; *q; q++)
        if (*q == '|') n++;
    cr_assert_not_null(r = table_row_add(s, ref, n));
    snprintf(buf, sizeof buf, "%s", specs);
    while ((tok = strsep(&p, "|")))
        set_cell(&r->cells[i++], tok);
}

/* The _yuebao sheet of a template for county and period, version 1 unless told. */
static void yuebao_sheet(const char *version, const char *county, const char *period) {
    table_sheet_t *y = sheet("_yuebao", 2);
    char spec[128];
    snprintf(spec, sizeof spec, "yuebao-template|%s", version);
    row(y, 1, spec);
    snprintf(spec, sizeof spec, "county|%s", county);
    row(y, 2, spec);
    snprintf(spec, sizeof spec, "period|%s", period);
    row(y, 3, spec);
}

static size_t parse_as(const char *county, const char *period) {
    county_parse_opts_t opts = {.county = county, .period = period};
    return county_table_parse(m, "2017-06.xlsx", &T, &set, &dl, &opts);
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

/* The finding whose formatted line starts with `head`, or NULL. */
static const diag_t *diag_starting(const char *head) {
    for (size_t i = 0; i < dl.n; i++) {
        char one[1024];
        diag_format(&dl.items[i], one, sizeof one);
        if (!strncmp(one, head, strlen(head))) return &dl.items[i];
    }
    return NULL;
}

#define expect_line(head, ...)                                                                               \
    do {                                                                                                     \
        const diag_t *d_ = diag_starting(head);                                                              \
        const char *words_[] = {"", __VA_ARGS__}; /* "": a head alone is a whole check */                  \
        cr_assert_not_null(d_, "no finding \"%s…\"; got:\n%s", head, all_diags());                          \
        for (size_t w_ = 0; w_ < sizeof words_ / sizeof *words_; w_++)                                       \
            cr_assert(strstr(d_->message, words_[w_]), "\"%s\" not in \"%s\"", words_[w_], d_->message);     \
    } while (0)

static const report_t *report_of(const char *zone, const char *period) {
    for (size_t i = 0; i < set.n; i++)
        if (!strcmp(set.reports[i].zone, zone) && !strcmp(set.reports[i].period, period)) return &set.reports[i];
    cr_assert_fail("no report for %s %s; got:\n%s", zone, period, all_diags());
    return NULL;
}

static const report_value_t *value(const report_t *r, const char *code) {
    const report_value_t *v = report_find(r, code);
    cr_assert_not_null(v, "%s %s has no value for %s", r->zone, r->period, code);
    return v;
}

/* --- the template --------------------------------------------------------------- */

#define TPL_HEAD "园区代码|园区名称|指标代码|指标名称|单位|上期本年累计|上期同比增长(%)|本年累计|同比增长(%)|说明"

/* One line of the sample file, split on ',' (the samples quote nothing). */
typedef struct {
    char zone[64], indicator[64], amount[32], growth[32];
} sample_row_t;

static size_t scan_sample(const char *rel, sample_row_t *rows, size_t max) {
    char path[4300], line[512];
    size_t n = 0;
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", city, rel);
    cr_assert_not_null(f = fopen(path, "r"), "%s", path);
    cr_assert_not_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f) && n < max) {
        char *p = line, *zone, *period, *ind, *amount, *growth;
        line[strcspn(line, "\r\n")] = '\0';
        zone = strsep(&p, ",");
        period = strsep(&p, ",");
        ind = strsep(&p, ",");
        amount = strsep(&p, ",");
        growth = strsep(&p, ",");
        cr_assert(zone && period && ind && amount && growth);
        snprintf(rows[n].zone, sizeof rows[n].zone, "%s", zone);
        snprintf(rows[n].indicator, sizeof rows[n].indicator, "%s", ind);
        snprintf(rows[n].amount, sizeof rows[n].amount, "%s", amount);
        snprintf(rows[n].growth, sizeof rows[n].growth, "%s", growth);
        n++;
    }
    fclose(f);
    return n;
}

/* 浚县's 2017-06 template as `yuebao template` lays it out, filled with the figures of
 * reports/2017-06/410621.csv as number cells and its key project; every zone × every
 * indicator has a row, in master order, whether the sample has the figure or not. */
static void filled_template(const char *county_in_yuebao) {
    static const char *const zones[] = {"liyang", "xunxian"}; /* regions.csv's zones of 410621, by code */
    sample_row_t s[64];
    size_t n = scan_sample("reports/2017-06/410621.csv", s, 64);
    table_sheet_t *v = sheet("主要指标", 0), *pj, *tx;
    unsigned ref = 4;
    cr_assert_eq(n, 28, "the sample has 2 zones × 14 indicators");
    row(v, 1, "浚县 2017年1-6月 产业集聚区主要指标月报");
    row(v, 2, "请在黄色单元格填写本年累计数和同比增长率；灰色为上期数，仅供参考。金额单位见“单位”列。");
    row(v, 3, TPL_HEAD);
    for (size_t z = 0; z < 2; z++)
        for (size_t i = 0; i < m->n_indicators; i++) {
            const indicator_t *in = &m->indicators[i];
            const zone_t *zn = master_zone(m, zones[z]);
            char spec[1024], amount[48] = "", growth[48] = "";
            for (size_t k = 0; k < n; k++)
                if (!strcmp(s[k].zone, zones[z]) && !strcmp(s[k].indicator, in->code)) {
                    snprintf(amount, sizeof amount, "#%s", s[k].amount);
                    if (s[k].growth[0]) snprintf(growth, sizeof growth, "#%s", s[k].growth);
                }
            snprintf(spec, sizeof spec, "%s|%s|%s|%s|%s|#1|#2|%s|%s|", zn->code, zn->name, in->code, in->name_zh,
                     in->unit, amount, growth);
            row(v, ref++, spec);
        }
    pj = sheet("重点项目", 0);
    row(pj, 1, "浚县 2017年1-6月 重点项目进展");
    row(pj, 3, "园区代码|项目编号|项目名称|总投资(万元)|本年完成投资(万元)|状态");
    /* reports/2017-06/410621.projects.csv line 2 */
    row(pj, 4, "xunxian|P2017004|现代家居产业园|#120000|#0|planned");
    row(pj, 5, "xunxian|||||"); /* an empty input row of the 50 */
    row(pj, 6, "liyang");       /* a zone picked from the list, nothing else: no project */
    tx = sheet("存在问题及下一步措施", 0);
    row(tx, 3, "园区代码|园区名称|存在问题|下一步措施");
    row(tx, 4, "liyang|浚县黎阳专业园区||");
    row(tx, 5, "xunxian|浚县产业集聚区|用工难，招工季节性缺口大|加快职业技能培训基地建设");
    yuebao_sheet("1", county_in_yuebao, "2017-06");
}

Test(county_table, filled_template_gives_what_the_csv_gives) {
    report_set_t csv = {0};
    diag_list_t cdl = {0};
    char path[4300];
    filled_template("410621");
    cr_assert_eq(parse_as("410621", NULL), 0, "%s", all_diags());
    cr_assert_eq(dl.n, 0, "no finding, not even a warning: %s", all_diags());

    snprintf(path, sizeof path, "%s/reports/2017-06/410621.csv", city);
    cr_assert_eq(county_csv_load(m, path, &csv, &cdl), 0);
    snprintf(path, sizeof path, "%s/reports/2017-06/410621.projects.csv", city);
    cr_assert_eq(county_csv_load(m, path, &csv, &cdl), 0);
    cr_assert_eq(set.n, csv.n, "%zu reports from the template, %zu from the CSV", set.n, csv.n);
    for (size_t i = 0; i < csv.n; i++) {
        const report_t *c = &csv.reports[i], *t = report_of(c->zone, c->period);
        cr_assert_eq(t->n_values, c->n_values, "%s", c->zone);
        for (size_t k = 0; k < c->n_values; k++) {
            const report_value_t *tv = value(t, c->values[k].indicator);
            cr_assert_eq(tv->amount, c->values[k].amount, "%s %s", c->zone, c->values[k].indicator);
            cr_assert_eq(tv->has_growth, c->values[k].has_growth, "%s %s", c->zone, c->values[k].indicator);
            if (tv->has_growth) cr_assert_eq(tv->growth_pct, c->values[k].growth_pct);
            cr_assert_null(tv->note);
        }
        cr_assert_eq(t->n_projects, c->n_projects, "%s", c->zone);
        for (size_t k = 0; k < c->n_projects; k++) {
            cr_assert_str_eq(t->projects[k].code, c->projects[k].code);
            cr_assert_str_eq(t->projects[k].name, c->projects[k].name);
            cr_assert_str_eq(t->projects[k].status, c->projects[k].status);
            cr_assert_eq(t->projects[k].has_total, c->projects[k].has_total);
            cr_assert_eq(t->projects[k].total_investment, c->projects[k].total_investment);
            cr_assert_eq(t->projects[k].has_ytd, c->projects[k].has_ytd);
            cr_assert_eq(t->projects[k].ytd_investment, c->projects[k].ytd_investment);
        }
        cr_assert_str_eq(t->source, "2017-06.xlsx");
    }
    /* 410621.csv line 2: xunxian,2017-06,revenue,1122030.5,11.3; in the template it is row
     * 4 + 14 (liyang's rows first) + 0 = 18 */
    cr_assert_float_eq(value(report_of("xunxian", "2017-06"), "revenue")->amount, 1122030.5, 1e-9);
    cr_assert_eq(value(report_of("xunxian", "2017-06"), "revenue")->line, 18);
    cr_assert_str_eq(report_of("xunxian", "2017-06")->problems, "用工难，招工季节性缺口大");
    cr_assert_str_eq(report_of("xunxian", "2017-06")->next_steps, "加快职业技能培训基地建设");
    cr_assert_null(report_of("liyang", "2017-06")->problems);
    report_set_clear(&csv);
    diag_clear(&cdl);
}

Test(county_table, template_for_any_county_when_none_is_given) {
    filled_template("410621");
    cr_assert_eq(parse_as(NULL, NULL), 0, "%s", all_diags()); /* yuebao check without --county */
    cr_assert_eq(set.n, 2);
}

Test(county_table, template_of_another_county_is_refused_naming_both) {
    filled_template("410621");
    cr_assert_eq(parse_as("410602", NULL), 1, "%s", all_diags());
    cr_assert_eq(dl.n, 1);
    cr_assert_str_eq(
        all_diags(),
        "2017-06.xlsx: this template is for 410621 浚县, 2017-06; this collector takes the reports of "
        "410602 鹤山区 only\n");
    cr_assert_eq(set.n, 0, "nothing of it is read");
}

Test(county_table, template_of_another_period_is_refused) {
    filled_template("410621");
    cr_assert_eq(parse_as("410621", "2017-05"), 1, "%s", all_diags());
    expect_line("2017-06.xlsx: this template is for 410621 浚县, 2017-06; the report expected is 2017-05");
    cr_assert_eq(set.n, 0);
}

Test(county_table, template_of_another_version_or_an_unknown_county) {
    filled_template("410621");
    set_cell(&T.sheets[T.n_sheets - 1].rows[0].cells[1], "#2"); /* B1, a number cell */
    cr_assert_eq(parse_as("410621", NULL), 1);
    expect_line("2017-06.xlsx: this is a template of version 2, and this collector reads version 1",
                "yuebao template");
    table_free(&T);
    diag_clear(&dl);
    T.is_workbook = true;
    filled_template("410699");
    cr_assert_eq(parse_as(NULL, NULL), 1);
    expect_line("2017-06.xlsx: the template is for county 410699, which regions.csv does not list");
    cr_assert_eq(set.n, 0);
}

Test(county_table, template_cells_are_named_by_sheet_and_cell) {
    filled_template("410621");
    /* row 4 is liyang's revenue: H4 (本年累计) typed as text "abc"; row 5 (va) with a growth
     * and no amount; row 6 (fai): 2.03E+6 as text (a number stored as text, from a
     * narrow column) */
    table_row_t *r4 = &T.sheets[0].rows[3], *r5 = &T.sheets[0].rows[4], *r6 = &T.sheets[0].rows[5];
    set_cell(&r4->cells[7], "abc");
    set_cell(&r5->cells[7], "");
    set_cell(&r6->cells[7], "2.03E+6");
    cr_assert_eq(parse_as("410621", NULL), 3, "%s", all_diags());
    expect_line("2017-06.xlsx: 主要指标!H4: \"abc\" is not a number");
    expect_line("2017-06.xlsx: 主要指标!H5: empty; a number is required");
    expect_line("2017-06.xlsx: 主要指标!H6: the cell shows 2.03E+6, in scientific notation", "lost digits",
                "widen the column");
    cr_assert_null(report_find(report_of("liyang", "2017-06"), "revenue"));
    cr_assert_not_null(report_find(report_of("liyang", "2017-06"), "tax"), "the other rows are read");
}

Test(county_table, a_number_cell_is_exact_however_it_shows) {
    filled_template("410621");
    /* the same 2.03E+6 on screen, but a number cell: its value is all there */
    table_row_t *r6 = &T.sheets[0].rows[5];
    set_cell(&r6->cells[7], "#2032384=2.03E+6");
    cr_assert_eq(parse_as("410621", NULL), 0, "%s", all_diags());
    cr_assert_eq(value(report_of("liyang", "2017-06"), "fai")->amount, 2032384);
}

Test(county_table, template_zone_of_another_county_is_refused) {
    filled_template("410621");
    set_cell(&T.sheets[0].rows[3].cells[0], "baoshan");
    cr_assert_eq(parse_as("410621", NULL), 1, "%s", all_diags());
    expect_line("2017-06.xlsx: 主要指标!A4: zone baoshan is not in 410621 浚县");
}

Test(county_table, template_with_nothing_filled_in) {
    table_sheet_t *v = sheet("主要指标", 0);
    row(v, 1, "浚县 2017年1-6月 产业集聚区主要指标月报");
    row(v, 3, TPL_HEAD);
    row(v, 4, "xunxian|浚县产业集聚区|revenue|主营业务收入|万元|#1|#2|||");
    yuebao_sheet("1", "410621", "2017-06");
    cr_assert_eq(parse_as("410621", NULL), 1);
    expect_line("2017-06.xlsx: the template has no figures filled in", "本年累计");
}

Test(county_table, template_without_its_main_sheet) {
    yuebao_sheet("1", "410621", "2017-06");
    cr_assert_eq(parse_as("410621", NULL), 1);
    expect_line("2017-06.xlsx: the template has no sheet 主要指标");
}

/* --- the long format on a sheet ------------------------------------------------- */

/* A county's own workbook: title and note rows, Chinese headers, numbers typed as
 * numbers and as text, the period as Excel's date; beside it a sheet of notes, an empty
 * Sheet3 and a hidden lookup sheet. */
static void long_workbook(void) {
    table_sheet_t *s = sheet("6月", 0), *notes, *hidden;
    row(s, 1, "鹤山区 2017年1-6月 主要指标");
    row(s, 2, "单位：万元");
    row(s, 3, "园区代码|统计期|指标|本年累计|同比增长(%)");
    row(s, 4, "baoshan|@42887=2017/6/1|revenue|#2032384|#11.4");
    row(s, 5, "baoshan|@42887=2017/6/1|主营 业务收入x|#1|");   /* a mistake: unknown indicator */
    row(s, 6, "宝山循环经济产业集聚区|2017-06|va|460,394.0|11.9"); /* numbers stored as text */
    row(s, 7, "baoshan|#201706|fai|#604792.1|#16.9");             /* the period typed as a number */
    row(s, 8, "baoshan|#42887|tax|#85940.3|#11.1");               /* a serial that lost its format */
    notes = sheet("说明", 0);
    row(notes, 1, "本表由鹤山区发改委填报");
    sheet("Sheet3", 0);
    hidden = sheet("lists", 1);
    row(hidden, 1, "zone|period|indicator|amount");
    row(hidden, 2, "baoshan|2017-06|revenue|#1");
}

Test(county_table, long_format_workbook_is_read_like_csv) {
    long_workbook();
    cr_assert_eq(parse_as("410602", NULL), 1, "%s", all_diags());
    expect_line("2017-06.xlsx: 6月!C5: unknown indicator \"主营 业务收入x\"");
    cr_assert_eq(set.n, 1, "the hidden sheet's row is not read");
    const report_t *r = report_of("baoshan", "2017-06");
    cr_assert_eq(r->n_values, 4);
    cr_assert_eq(value(r, "revenue")->amount, 2032384);
    cr_assert_eq(value(r, "revenue")->growth_pct, 11.4);
    cr_assert_eq(value(r, "revenue")->line, 4);
    cr_assert_eq(value(r, "va")->amount, 460394.0, "text \"460,394.0\" is parsed as CSV text is");
    cr_assert_eq(value(r, "fai")->amount, 604792.1);
    cr_assert_eq(value(r, "tax")->amount, 85940.3);
    cr_assert_str_eq(r->source, "2017-06.xlsx");
    /* said once: the date cells, and the sheet that was not read */
    expect_line("2017-06.xlsx: 6月: warning: periods that Excel had turned into dates were read as their month",
                "the date 2017/6/1 (serial 42887) as 2017-06", "(3 cells: B4, B5, B8)");
    expect_line("2017-06.xlsx: warning: sheets without a report header were not read: 说明");
    cr_assert_eq(dl.n_warnings, 2, "%s", all_diags());
}

Test(county_table, values_and_projects_sheets_of_one_workbook_join) {
    table_sheet_t *v = sheet("指标", 0), *p;
    row(v, 1, "zone|period|indicator|amount|growth_pct");
    row(v, 2, "baoshan|2017-06|revenue|#2032384|#11.4");
    p = sheet("项目", 0); /* sheet() may move the sheets: v is not used after */
    row(p, 1, "zone|period|project|name|total_investment|ytd_investment|status");
    row(p, 2, "baoshan|2017-06|P2017005|煤焦油|#420000|#160000|under_construction");
    cr_assert_eq(parse_as("410602", NULL), 0, "%s", all_diags());
    cr_assert_eq(set.n, 1);
    cr_assert_eq(set.reports[0].n_values, 1);
    cr_assert_eq(set.reports[0].n_projects, 1);
    cr_assert_eq(set.reports[0].projects[0].total_investment, 420000);
}

Test(county_table, workbook_without_a_report_sheet) {
    table_sheet_t *s = sheet("Sheet1", 0);
    row(s, 1, "name|value|comment");
    row(s, 2, "a|b|c");
    cr_assert_eq(parse_as(NULL, NULL), 1);
    expect_line("2017-06.xlsx: no sheet has a county report header row (sheets: Sheet1)",
                "zone,period,indicator,amount,growth_pct", "园区代码,统计期,指标,本年累计",
                "zone,period,project,name");
    table_free(&T);
    diag_clear(&dl);
    T.is_workbook = true;
    sheet("Sheet1", 0);
    cr_assert_eq(parse_as(NULL, NULL), 1);
    expect_line("2017-06.xlsx: empty workbook");
}

Test(county_table, workbook_cells_beyond_the_header_and_dates_as_amounts) {
    table_sheet_t *s = sheet("6月", 0);
    row(s, 1, "zone|period|indicator|amount");
    row(s, 2, "baoshan|2017-06|revenue|#1||stray");
    row(s, 3, "baoshan|2017-06|va|@42887=2017/6/1");
    row(s, 4, "baoshan|#2017.1|fai|#1");
    row(s, 5, "baoshan"); /* a short row: the missing cells are empty */
    cr_assert_eq(parse_as(NULL, NULL), 6, "%s", all_diags());
    expect_line("2017-06.xlsx: 6月!F2: \"stray\" is under a column with no header");
    expect_line("2017-06.xlsx: 6月!D3: the cell holds a date (2017/6/1), not a number");
    expect_line("2017-06.xlsx: 6月!B4: the number 2017.1 may be January or October");
    expect_line("2017-06.xlsx: 6月!B5: empty; expected YYYY-MM");
    expect_line("2017-06.xlsx: 6月!C5: empty; expected a code or Chinese name");
    expect_line("2017-06.xlsx: 6月!D5: empty; a number is required");
}

/* The case in a workbook: a column of the same mistake is one line. */
Test(county_table, twenty_mistakes_in_a_column_are_one_line) {
    table_sheet_t *s = sheet("主要指标", 0);
    row(s, 1, "园区代码|统计期|指标|本年累计|同比增长(%)");
    for (unsigned r = 2; r < 22; r++)
        row(s, r, "baoshan|2017-06|revenue|十万|");
    cr_assert_eq(parse_as(NULL, NULL), 20);
    diag_sort(&dl);
    diag_group(&dl);
    cr_assert_str_eq(all_diags(),
                     "2017-06.xlsx: 主要指标: \"十万\" is not a number; expected digits with an optional sign and "
                     "decimal point, e.g. 1234.5 or -6.2 (commas only as thousands separators, no %) (20 cells: "
                     "D2, D3, D4, …)\n");
}

Test(county_table, too_many_errors_stop_with_the_cell_named) {
    table_sheet_t *s = sheet("6月", 0);
    row(s, 1, "zone|period|indicator|amount");
    for (unsigned r = 2; r < 400; r++)
        row(s, r, "baoshan|2017-06|revenue|x");
    cr_assert_eq(parse_as(NULL, NULL), 200);
    cr_assert_eq(dl.n, 200);
    expect_line("2017-06.xlsx: 6月!A201: too many errors; reading stopped here");
}

/* 8.5% typed in Excel is stored as 0.085: read where a percent figure belongs (growth, a
 * % indicator), refused where the figure is an amount. */
Test(county_table, percent_formatted_cells_are_read_as_the_percent_they_show) {
    table_sheet_t *s = sheet("6月", 0);
    row(s, 1, "zone|period|indicator|amount|growth_pct");
    row(s, 2, "baoshan|2017-06|revenue|#2032384|%0.085");
    row(s, 3, "baoshan|2017-06|rd_share|%0.023|");
    row(s, 4, "baoshan|2017-06|va|#460394|%-0.012");
    row(s, 5, "baoshan|2017-06|fai|#604792.1|#7.5"); /* a plain number: 7.5 as it is */
    cr_assert_eq(parse_as(NULL, NULL), 0, "%s", all_diags());
    const report_t *r = report_of("baoshan", "2017-06");
    cr_assert_eq(value(r, "revenue")->amount, 2032384);
    cr_assert_eq(value(r, "revenue")->growth_pct, 8.5, "0.085 shown as 8.5%% is 8.5 (%.17g)",
                 value(r, "revenue")->growth_pct);
    cr_assert_eq(value(r, "rd_share")->amount, 2.3, "0.023 in a %% indicator is 2.3 (%.17g)",
                 value(r, "rd_share")->amount);
    cr_assert_eq(value(r, "va")->growth_pct, -1.2, "%.17g", value(r, "va")->growth_pct);
    cr_assert_eq(value(r, "fai")->growth_pct, 7.5);
    expect_line("2017-06.xlsx: 6月: warning: cells formatted as percentages were read as the percent figure "
                "they show, e.g. 8.5% as 8.5 (3 cells: E2, D3, E4)");
    cr_assert_eq(dl.n, 1, "said once for the table: %s", all_diags());
}

Test(county_table, a_percent_formatted_amount_in_wan_yuan_is_refused) {
    table_sheet_t *v = sheet("指标", 0), *p;
    row(v, 1, "zone|period|indicator|amount|growth_pct");
    row(v, 2, "baoshan|2017-06|revenue|%0.2|#11.4");
    row(v, 3, "baoshan|2017-06|employees|%12|");
    p = sheet("项目", 0);
    row(p, 1, "zone|period|project|name|total_investment|ytd_investment|status");
    row(p, 2, "baoshan|2017-06|P2017005|煤焦油|#420000|%1.6|under_construction");
    cr_assert_eq(parse_as(NULL, NULL), 3, "%s", all_diags());
    expect_line(
        "2017-06.xlsx: 指标!D2: the cell is formatted as a percentage (it shows 20%), but the figure is "
        "in 万元; format the cell as 数值 (Number) and type the figure again");
    expect_line(
        "2017-06.xlsx: 指标!D3: the cell is formatted as a percentage (it shows 1200%), but the figure "
        "is in 人");
    expect_line(
        "2017-06.xlsx: 项目!F2: the cell is formatted as a percentage (it shows 160%), but the figure "
        "is in 万元");
    cr_assert_eq(set.n, 0, "no row was read: %s", all_diags());
}

/* A row hidden in Excel is one the office left out, and no one saw what it holds. */
Test(county_table, hidden_rows_are_not_read_and_are_named_once) {
    table_sheet_t *s = sheet("6月", 0);
    row(s, 1, "zone|period|indicator|amount");
    row(s, 2, "baoshan|2017-06|revenue|#2032384");
    row(s, 3, "baoshan|2017-06|va|#1");
    s->rows[s->n_rows - 1].hidden = true;
    row(s, 4, "||"); /* hidden and empty: nothing to say */
    s->rows[s->n_rows - 1].hidden = true;
    for (unsigned r = 5; r <= 8; r++) {
        row(s, r, "baoshan|2017-06|fai|x"); /* not even checked */
        s->rows[s->n_rows - 1].hidden = true;
    }
    row(s, 9, "baoshan|2017-06|tax|#85940.3");
    cr_assert_eq(parse_as(NULL, NULL), 0, "%s", all_diags());
    const report_t *r = report_of("baoshan", "2017-06");
    cr_assert_eq(r->n_values, 2, "rows 2 and 9 only");
    cr_assert_eq(value(r, "revenue")->amount, 2032384);
    cr_assert_eq(value(r, "tax")->amount, 85940.3);
    cr_assert_null(report_find(r, "va"));
    expect_line(
        "2017-06.xlsx: 6月: warning: 5 hidden rows were not read: 3, 5, 6, …; unhide them in Excel if "
        "they hold figures to report");
    cr_assert_eq(dl.n, 1, "%s", all_diags());

    table_free(&T);
    report_set_clear(&set);
    diag_clear(&dl);
    T.is_workbook = true;
    s = sheet("6月", 0);
    row(s, 1, "zone|period|indicator|amount");
    row(s, 2, "baoshan|2017-06|revenue|#1");
    s->rows[s->n_rows - 1].hidden = true;
    row(s, 3, "baoshan|2017-06|va|#2");
    cr_assert_eq(parse_as(NULL, NULL), 0, "%s", all_diags());
    expect_line("2017-06.xlsx: 6月: warning: 1 hidden row was not read: 2; unhide it in Excel");
    cr_assert_eq(report_of("baoshan", "2017-06")->n_values, 1);
}

/* --- the template's 重点企业运行 sheet --------------------------------------------- */

#define ENT_HEAD                                                                                              \
    "园区代码|统一社会信用代码|企业名称|行业|工业总产值(万元)|工业总产值同比增长(%)|营业收入(万元)|"         \
    "营业收入同比增长(%)|生产状态|备注"

/* 浚县's template with its 主要指标 filled, and a 重点企业运行 sheet holding the rows of
 * reports/2017-06/410621.enterprises.csv as a desk officer types them: number cells,
 * the status picked from the list (its Chinese label). */
static table_sheet_t *template_with_enterprises(void) {
    table_sheet_t *e;
    filled_template("410621");
    e = sheet("重点企业运行", 0);
    row(e, 1, "浚县 2017年1-6月 重点企业运行情况");
    row(e, 3, ENT_HEAD);
    row(e, 4, "xunxian|914106216147637905|浚县黎阳面业有限公司|谷物磨制|#41860.2|#7.9|#40320.5|#7.1|正常生产|");
    row(e, 5, "xunxian|91410621MA2J4FN82K|河南浚丰食品有限公司|方便食品制造|#33570.8|#12.6|#32880.1|#12|正常生产|");
    row(e, 6,
        "xunxian|91410621MAJE0TNC8K|浚县恒泰家具有限公司|木质家具制造|#15840.3|#-9.7|#15230.6|#-10.4|减产|订单不足");
    row(e, 7,
        "liyang|91410621MAYD0BNJ2J|鹤壁黎阳冷链食品有限公司|肉制品及副产品加工|#6230.5||#6010.2||新投产|"
        "4月投产，上年同期无产值");
    row(e, 8, "xunxian|||||||||"); /* an empty input row of the 100 */
    return e;
}

Test(county_table, template_enterprises_give_what_the_csv_gives) {
    report_set_t csv = {0};
    diag_list_t cdl = {0};
    char path[4300];
    template_with_enterprises();
    cr_assert_eq(parse_as("410621", NULL), 0, "%s", all_diags());
    snprintf(path, sizeof path, "%s/reports/2017-06/410621.enterprises.csv", city);
    cr_assert_eq(county_csv_load(m, path, &csv, &cdl), 0, "%s", cdl.n ? cdl.items[0].message : "");
    for (size_t i = 0; i < csv.n; i++) {
        const report_t *c = &csv.reports[i], *t = report_of(c->zone, c->period);
        cr_assert_eq(t->n_enterprises, c->n_enterprises, "%s", c->zone);
        for (size_t k = 0; k < c->n_enterprises; k++) {
            const enterprise_t *a = &t->enterprises[k], *b = &c->enterprises[k];
            cr_assert_str_eq(a->code, b->code);
            cr_assert_str_eq(a->name, b->name);
            cr_assert_str_eq(a->industry, b->industry);
            cr_assert_str_eq(a->status, b->status);
            cr_assert_str_eq(a->remark, b->remark);
            cr_assert_eq(a->has_output, b->has_output);
            cr_assert_eq(a->output_value, b->output_value, "%s", a->code);
            cr_assert_eq(a->has_output_growth, b->has_output_growth, "%s", a->code);
            cr_assert_eq(a->output_growth_pct, b->output_growth_pct, "%s", a->code);
            cr_assert_eq(a->has_revenue, b->has_revenue);
            cr_assert_eq(a->revenue, b->revenue, "%s", a->code);
            cr_assert_eq(a->has_revenue_growth, b->has_revenue_growth, "%s", a->code);
            cr_assert_eq(a->revenue_growth_pct, b->revenue_growth_pct, "%s", a->code);
        }
    }
    /* the rows kept their sheet rows, and 减产 became its code */
    cr_assert_eq(report_of("xunxian", "2017-06")->enterprises[2].line, 6);
    cr_assert_str_eq(report_of("xunxian", "2017-06")->enterprises[2].status, "reduced");
    cr_assert_eq(report_of("liyang", "2017-06")->n_enterprises, 1);
    cr_assert_not(report_of("liyang", "2017-06")->enterprises[0].has_output_growth);
    report_set_clear(&csv);
    diag_clear(&cdl);
}

Test(county_table, template_enterprise_with_a_wrong_check_character_is_refused_at_its_cell) {
    table_sheet_t *e = template_with_enterprises();
    /* 91410621MAJE0TNC8K with its last character typed 9: the check character is K */
    row(e, 9, "xunxian|91410621MAJE0TNC89|浚县恒泰家具二厂|木质家具制造|#100|#1|#100|#1|正常生产|");
    cr_assert_eq(parse_as("410621", NULL), 1, "%s", all_diags());
    expect_line("2017-06.xlsx: 重点企业运行!B9: 统一社会信用代码 91410621MAJE0TNC89", "should be K");
}

Test(county_table, template_enterprise_status_outside_the_list_is_refused_at_its_cell) {
    table_sheet_t *e = template_with_enterprises();
    row(e, 9, "xunxian|91410621MA2TH3BJ35|浚县新厂|木质家具制造|#100|#1|#100|#1|正常|");
    cr_assert_eq(parse_as("410621", NULL), 1, "%s", all_diags());
    expect_line("2017-06.xlsx: 重点企业运行!I9: unknown production status \"正常\"", "正常生产 (normal)");
}

Test(county_table, a_template_without_the_enterprises_sheet_is_still_read) {
    filled_template("410621"); /* made before the sheet was added */
    cr_assert_eq(parse_as("410621", NULL), 0, "%s", all_diags());
    cr_assert_eq(report_of("xunxian", "2017-06")->n_enterprises, 0);
}
