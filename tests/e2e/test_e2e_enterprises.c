/* test_e2e_enterprises.c - end to end: a county's key enterprises (重点企业运行, issue 14
 * item 1 and "What it must show").
 *
 * Real programs, a real aggregator and store: `yuebao-collector submit` sends 鹤山区's
 * 2017-06 values with its enterprises file, and the store's enterprise rows must equal
 * the file's, read by a plain line scan here; a file with a mistyped 统一社会信用代码 is
 * refused with its line and column and nothing of it is stored; `yuebao status` lists
 * the enterprise marked 停产. Then the template: `yuebao template` for 浚县, its
 * 主要指标 revenue cells and its 重点企业运行 rows filled as Excel leaves them (numbers as
 * <v>, text as inline strings), rewritten with libzip; sent, stored as filled; with one
 * character of a code changed, refused naming 重点企业运行 and the cell.
 *
 * Hand checks, examples/sample-city/reports/2017-06/410602.enterprises.csv: four rows of
 * baoshan; line 5 is 鹤壁万和碳素有限公司, 91410602599521784H, 停产, output 0 (-100 %).
 * 91410602599521784H with …784H written …748H: the check character of the first 17
 * changes (every transposition of unequal characters does), so it is refused.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "e2e_suite.h"

TestSuite(e2e_enterprises, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 240);

/* The stored enterprise rows of a zone and period's current revision, one line each,
 * in the file's column order ('|' between; growth and amounts as SQLite prints them). */
static char *stored_rows(const char *zone) {
    return e2e_sql_text(agg.store,
                        "SELECT group_concat(r, char(10)) FROM (SELECT e.code || '|' || e.name || '|' || "
                        "e.industry || '|' || ifnull(e.output_value, '') || '|' || ifnull(e.output_growth_pct, '') "
                        "|| '|' || ifnull(e.revenue, '') || '|' || ifnull(e.revenue_growth_pct, '') || '|' || "
                        "e.status || '|' || ifnull(e.remark, '') AS r FROM enterprises e JOIN reports p ON "
                        "p.history_id = e.history_id WHERE p.zone = '%s' AND p.period = '2017-06' ORDER BY e.line)",
                        zone);
}

/* The same rows from the file, by a line scan: numbers through strtod and printed as
 * SQLite prints a REAL (%.15g with a ".0" for a whole number), the status label as its
 * code. */
static char *file_rows(const char *path, const char *zone) {
    static const char *const labels[][2] = {{"正常生产", "normal"}, {"减产", "reduced"},     {"停产", "stopped"},
                                            {"半停产", "partial"},  {"停产整顿", "rectifying"}, {"新投产", "new"}};
    char *text = e2e_read_file(path), *save = NULL, *line, *out = calloc(1, 65536);
    bool header = true;
    cr_assert_not_null(text, "%s", path);
    cr_assert_not_null(out);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *p = line, *col[11];
        if (header) {
            header = false;
            continue;
        }
        for (int i = 0; i < 11; i++)
            col[i] = strsep(&p, ",");
        cr_assert_not_null(col[10], "%s: 11 columns", path);
        if (strcmp(col[0], zone)) continue;
        if (out[0]) strcat(out, "\n");
        strcat(out, e2e_fmt("%s|%s|%s|", col[2], col[3], col[4]));
        for (int i = 5; i <= 8; i++) {
            if (col[i][0]) {
                double x = strtod(col[i], NULL);
                const char *s = e2e_fmt("%.15g", x);
                strcat(out, strpbrk(s, ".e") ? s : e2e_fmt("%s.0", s));
            }
            strcat(out, "|");
        }
        for (size_t k = 0; k < sizeof labels / sizeof *labels; k++)
            if (!strcmp(col[9], labels[k][0])) strcat(out, labels[k][1]);
        strcat(out, e2e_fmt("|%s", col[10]));
    }
    free(text);
    return out;
}

static int yuebao(const char *name, char **out, ...) __attribute__((sentinel));
static int yuebao(const char *name, char **out, ...) {
    char *argv[24];
    const char *a;
    int n = 0;
    va_list ap;
    argv[n++] = (char *)e2e_bin("yuebao");
    va_start(ap, out);
    while ((a = va_arg(ap, const char *)) != NULL) {
        cr_assert_lt(n, 23);
        argv[n++] = (char *)a;
    }
    va_end(ap);
    argv[n] = NULL;
    return e2e_run(P("%s/%s", dir, name), out, e2e_scaled_ms(20000), argv);
}

Test(e2e_enterprises, a_county_sends_its_enterprises_and_status_lists_the_stopped_one) {
    const char *values = e2e_sample("reports/2017-06/410602.csv");
    const char *ents = e2e_sample("reports/2017-06/410602.enterprises.csv");
    char *out = NULL, *stored, *expected;
    int st;
    start_aggregator(NULL, NULL);
    st = e2e_submit(P("%s/submit", dir), &out, "410602", agg.listen, P("%s/outbox.db", dir), values, ents, NULL);
    cr_assert_eq(st, 0, "submit: %d\n%s\n%s", st, out, e2e_tail(P("%s/submit.err", dir), 3000));
    cr_assert_not_null(strstr(out, "ACCEPTED"), "%s", out);
    free(out);

    stored = stored_rows("baoshan");
    expected = file_rows(ents, "baoshan");
    cr_assert_not_null(stored);
    cr_assert_str_eq(stored, expected, "the stored rows are the file's");
    cr_assert_eq(sql("SELECT count(*) FROM enterprises WHERE zone = 'baoshan'"), 4);
    free(stored);
    free(expected);

    st = yuebao("status", &out, "status", "--period", "2017-06", "--store", agg.store, "--master", e2e_city(),
                "--scores", P("%s/no-scores.db", dir), NULL);
    cr_assert_eq(st, 0, "status: %d\n%s", st, e2e_tail(P("%s/status.err", dir), 2000));
    cr_assert_not_null(strstr(out, "key enterprises stopped or cutting output (停产/减产): 2 of 4 reported"), "%s",
                       out);
    cr_assert_not_null(strstr(out, "  停产  鹤壁万和碳素有限公司 (91410602599521784H), 宝山循环经济产业集聚区: "
                                   "output 0.0 万元 -100.0%, revenue 0.0 万元 -100.0%; 环保设施升级改造，预计8月复产\n"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "  减产  河南鹤焦煤化有限公司 (914106025366979187)"), "%s", out);
    cr_assert_null(strstr(out, "鹤壁宝能热电有限公司"), "a normal one is not listed:\n%s", out);
    cr_assert_lt(strstr(out, "万和碳素"), strstr(out, "鹤焦煤化"), "stops before cuts");
    free(out);
    stop_aggregator();
}

Test(e2e_enterprises, a_wrong_credit_code_is_refused_with_its_line_and_nothing_is_stored) {
    const char *values = e2e_sample("reports/2017-06/410602.csv");
    char *text = e2e_read_file(e2e_sample("reports/2017-06/410602.enterprises.csv")), *p, *out = NULL;
    const char *bad = P("%s/410602.enterprises.csv", dir);
    FILE *f;
    int st;
    cr_assert_not_null(text);
    cr_assert_not_null(p = strstr(text, "91410602599521784H"));
    memcpy(p + 14, "748H", 4); /* …784H → …748H */
    cr_assert_not_null(f = fopen(bad, "w"));
    fputs(text, f);
    fclose(f);
    free(text);
    start_aggregator(NULL, NULL);
    st = e2e_submit(P("%s/submit", dir), &out, "410602", agg.listen, P("%s/outbox.db", dir), values, bad, NULL);
    cr_assert_neq(st, 0, "refused:\n%s", out);
    {
        const char *err = e2e_tail(P("%s/submit.err", dir), 8000);
        char both[16384];
        snprintf(both, sizeof both, "%s\n%s", out, err);
        cr_assert_not_null(strstr(both, "410602.enterprises.csv:5: credit_code: 统一社会信用代码 91410602599521748H: "
                                        "the check character (the last) should be"),
                           "the line and the column:\n%s", both);
    }
    free(out);
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 0, "neither file of the report is stored");
    cr_assert_eq(sql("SELECT count(*) FROM enterprises"), 0);
    stop_aggregator();
}

/* ---- the template ---------------------------------------------------------------------- */

static char *zip_member(zip_t *za, const char *name) {
    zip_stat_t st;
    zip_file_t *zf;
    char *buf;
    zip_stat_init(&st);
    cr_assert_eq(zip_stat(za, name, 0, &st), 0, "the workbook has %s", name);
    cr_assert_not_null(buf = malloc(st.size + 1));
    cr_assert_not_null(zf = zip_fopen(za, name, 0));
    cr_assert_eq(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
    zip_fclose(zf);
    buf[st.size] = '\0';
    return buf;
}

/* The part of sheet n (1-based, the order yuebao template writes them in). */
static const char *sheet_part(int n) {
    return e2e_fmt("xl/worksheets/sheet%d.xml", n);
}

/* Gives the empty cell ref (<c r="B4" s="9"/>) a number (<v>) or, with text, an inline
 * string, as Excel's and LibreOffice's writers may leave a typed cell. */
static void fill(char **xml, const char *ref, const char *value, bool text) {
    const char *c = strstr(*xml, e2e_fmt("<c r=\"%s\"", ref)), *gt;
    size_t head, tail_at, len = strlen(*xml);
    char *out;
    cr_assert_not_null(c, "the sheet has the input cell %s", ref);
    gt = strchr(c, '>');
    cr_assert(gt && gt[-1] == '/', "the input cell %s is empty", ref);
    head = (size_t)(gt - 1 - *xml);
    tail_at = (size_t)(gt + 1 - *xml);
    cr_assert_not_null(out = malloc(len + strlen(value) + 64));
    if (text)
        sprintf(out, "%.*s t=\"inlineStr\"><is><t>%s</t></is></c>%s", (int)head, *xml, value, *xml + tail_at);
    else
        sprintf(out, "%.*s><v>%s</v></c>%s", (int)head, *xml, value, *xml + tail_at);
    free(*xml);
    *xml = out;
}

static void replace_part(zip_t *za, const char *part, char *xml) {
    zip_source_t *src = zip_source_buffer(za, xml, strlen(xml), 1);
    cr_assert_not_null(src);
    cr_assert_geq(zip_file_add(za, part, src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8), 0, "%s", zip_strerror(za));
}

/* 浚县's 2017-06 template with each zone's revenue (main sheet rows 4 and 18: liyang's
 * 14 indicators first, revenue the first of each) and three enterprise rows; code0 is the
 * first row's code. */
static const char *filled_template(const char *code0) {
    char tpl[PATH_MAX], *out = NULL, *main_xml, *ent_xml, *book;
    const char *path = P("%s/410621-2017-06.xlsx", dir);
    zip_t *za;
    int code = 0, st;
    snprintf(tpl, sizeof tpl, "%s/template.xlsx", dir);
    st = yuebao("template", &out, "template", "--county", "410621", "--period", "2017-06", "--master", e2e_city(),
                "--store", P("%s/no-store.db", dir), "-o", tpl, NULL);
    cr_assert_eq(st, 0, "template: %s", e2e_tail(P("%s/template.err", dir), 2000));
    free(out);
    cr_assert_eq(e2e_copy(tpl, path), 0);
    cr_assert_not_null(za = zip_open(path, 0, &code));
    book = zip_member(za, "xl/workbook.xml");
    cr_assert_not_null(strstr(book, "<sheet name=\"重点企业运行\" sheetId=\"4\""), "the fourth sheet:\n%s", book);
    free(book);
    main_xml = zip_member(za, sheet_part(1));
    fill(&main_xml, "H4", "195192.7", false);   /* liyang revenue */
    fill(&main_xml, "H18", "1122030.5", false); /* xunxian revenue */
    fill(&main_xml, "I18", "11.3", false);
    ent_xml = zip_member(za, sheet_part(4));
    fill(&ent_xml, "A4", "xunxian", true);
    fill(&ent_xml, "B4", code0, true);
    fill(&ent_xml, "C4", "浚县恒泰家具有限公司", true);
    fill(&ent_xml, "D4", "木质家具制造", true);
    fill(&ent_xml, "E4", "15840.3", false);
    fill(&ent_xml, "F4", "-9.7", false);
    fill(&ent_xml, "G4", "15230.6", false);
    fill(&ent_xml, "H4", "-10.4", false);
    fill(&ent_xml, "I4", "停产", true);
    fill(&ent_xml, "J4", "订单不足，6月起停产", true);
    fill(&ent_xml, "A5", "xunxian", true);
    fill(&ent_xml, "B5", "91410621MA2J4FN82K", true);
    fill(&ent_xml, "C5", "河南浚丰食品有限公司", true);
    fill(&ent_xml, "E5", "33570.8", false);
    fill(&ent_xml, "I5", "正常生产", true);
    fill(&ent_xml, "A6", "liyang", true);
    fill(&ent_xml, "B6", "91410621MAYD0BNJ2J", true);
    fill(&ent_xml, "C6", "鹤壁黎阳冷链食品有限公司", true);
    fill(&ent_xml, "G6", "6010.2", false);
    fill(&ent_xml, "I6", "新投产", true);
    replace_part(za, sheet_part(1), main_xml);
    replace_part(za, sheet_part(4), ent_xml);
    cr_assert_eq(zip_close(za), 0, "%s", zip_strerror(za));
    return path;
}

Test(e2e_enterprises, the_template_sheet_is_read_and_stored_as_filled) {
    const char *book = filled_template("91410621MAJE0TNC8K");
    char *out = NULL, *rows;
    int st;
    start_aggregator(NULL, NULL);
    st = e2e_submit(P("%s/submit", dir), &out, "410621", agg.listen, P("%s/outbox.db", dir), book, NULL);
    cr_assert_eq(st, 0, "submit: %d\n%s\n%s", st, out, e2e_tail(P("%s/submit.err", dir), 3000));
    free(out);
    rows = e2e_sql_text(agg.store,
                        "SELECT group_concat(r, char(10)) FROM (SELECT zone || '|' || code || '|' || name || '|' || "
                        "ifnull(industry, '') || '|' || ifnull(output_value, '') || '|' || "
                        "ifnull(output_growth_pct, '') || '|' || ifnull(revenue, '') || '|' || "
                        "ifnull(revenue_growth_pct, '') || '|' || status || '|' || ifnull(remark, '') || '|' || line "
                        "AS r FROM enterprises ORDER BY zone, line)");
    cr_assert_str_eq(rows,
                     "liyang|91410621MAYD0BNJ2J|鹤壁黎阳冷链食品有限公司||||6010.2||new||6\n"
                     "xunxian|91410621MAJE0TNC8K|浚县恒泰家具有限公司|木质家具制造|15840.3|-9.7|15230.6|-10.4|stopped|"
                     "订单不足，6月起停产|4\n"
                     "xunxian|91410621MA2J4FN82K|河南浚丰食品有限公司||33570.8||||normal||5");
    free(rows);
    st = yuebao("status", &out, "status", "--period", "2017-06", "--store", agg.store, "--master", e2e_city(),
                "--scores", P("%s/no-scores.db", dir), NULL);
    cr_assert_eq(st, 0);
    cr_assert_not_null(strstr(out, "停产  浚县恒泰家具有限公司 (91410621MAJE0TNC8K), 浚县产业集聚区"), "%s", out);
    cr_assert_not_null(strstr(out, ": 1 of 3 reported"), "%s", out);
    free(out);
    stop_aggregator();
}

Test(e2e_enterprises, a_wrong_code_in_the_template_is_refused_with_its_cell) {
    /* 91410621MAJE0TNC8K with E typed F */
    const char *book = filled_template("91410621MAJF0TNC8K");
    char *out = NULL, both[16384];
    int st;
    start_aggregator(NULL, NULL);
    st = e2e_submit(P("%s/submit", dir), &out, "410621", agg.listen, P("%s/outbox.db", dir), book, NULL);
    cr_assert_neq(st, 0, "%s", out);
    snprintf(both, sizeof both, "%s\n%s", out, e2e_tail(P("%s/submit.err", dir), 8000));
    cr_assert_not_null(strstr(both, "410621-2017-06.xlsx: 重点企业运行!B4: 统一社会信用代码 91410621MAJF0TNC8K: the "
                                    "check character (the last) should be"),
                       "the sheet and cell:\n%s", both);
    free(out);
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 0, "nothing of the workbook is stored");
    stop_aggregator();
}
