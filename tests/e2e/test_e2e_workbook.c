/* test_e2e_workbook.c - end to end: Excel workbooks in the collector's inbox (issue 13,
 * item 1 and "What it must show").
 *
 * A template written by the real `yuebao template` is filled the way Excel would leave
 * it: the empty input cells of 主要指标's columns H (本年累计) and I (同比增长(%)) —
 * libxlsxwriter writes them as <c r="H4" s="6"/> — become <c r="H4" s="6"><v>…</v></c>
 * with the sample city's 2017-06 figures for 浚县 (410621), found row by row from the
 * zone code (column A) and indicator code (column C) that xlsx_read reads back; the
 * sheet's part is rewritten with libzip, the other parts are kept as they are. That
 * workbook, dropped into a real collector's inbox in front of a real aggregator, must be
 * stored exactly as the CSV it was filled from is stored by another aggregator and
 * collector; dropped into the inbox of another county's collector it is refused with a
 * reason naming both counties, and nothing of it is stored. An .xls and a .txt of prose
 * go to rejected/ with their errors files within seconds (the inbox's inotify, not its
 * ten-second rescan). `yuebao check` gives the workbook the collector's verdict.
 *
 * Hand checks, examples/sample-city:
 *   regions.csv: 浚县 410621 has liyang and xunxian; 鹤山区 410602 has baoshan.
 *   reports/2017-06/410621.csv: 2 zones × 14 indicators = 28 values, of which 7 per
 *     zone (revenue va fai employees tax outside_capital energy_intensity) have growth:
 *     14 growth cells to fill.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "clock.h"
#include "e2e_suite.h"
#include "table.h"
#include "xlsx.h"

TestSuite(e2e_workbook, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 240);

#define COUNTY "410621"
#define OTHER_COUNTY "410602"
#define PERIOD "2017-06"
#define BOOK "410621-2017-06.xlsx" /* yuebao template's default name */
#define MAIN_SHEET "主要指标"
#define MAX_VALUES 64

/* The stored values, one line per row, to compare two stores row for row. */
static const char values_query[] =
    "SELECT group_concat(r, char(10)) FROM (SELECT zone || '|' || period || '|' || indicator || '|' || "
    "quote(amount) || '|' || quote(growth_pct) AS r FROM report_values ORDER BY zone, period, indicator)";
/* And the rest of what is stored of a report: its row, each value's 说明, and the
 * canonical blob of its content (every double to the bit). */
static const char reports_query[] =
    "SELECT group_concat(r, char(10)) FROM (SELECT zone || '|' || period || '|' || revision || '|' || "
    "county || '|' || quote(problems) || '|' || quote(next_steps) || '|' || "
    "(SELECT group_concat(quote(note)) FROM (SELECT note FROM report_values v "
    "WHERE v.zone = r.zone AND v.period = r.period ORDER BY indicator)) || '|' || "
    "(SELECT hex(content) FROM report_history h "
    "WHERE h.zone = r.zone AND h.period = r.period AND h.revision = r.revision) AS r "
    "FROM reports r ORDER BY zone, period)";

/* ---- the county CSV the workbook is filled from ------------------------------------- */

/* One row of a values CSV: the numbers as their text, growth "" when it has none. */
typedef struct {
    char zone[32], indicator[48], amount[32], growth[32];
    bool filled;
} value_t;

/* Reads the values CSV (header zone,period,indicator,amount,growth_pct, no quoting, as
 * the sample files are) into v; the number of rows. */
static size_t load_values(const char *csv, value_t *v, size_t max) {
    char *text = e2e_read_file(csv), *line, *save = NULL;
    size_t n = 0;
    cr_assert_not_null(text, "cannot read %s", csv);
    line = strtok_r(text, "\r\n", &save);
    cr_assert(line && !strncmp(line, "zone,period,indicator,amount,growth_pct", 39), "the header of %s", csv);
    while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
        char *field[5], *p = line;
        int k = 0;
        for (; k < 5 && p; k++) {
            field[k] = p;
            if ((p = strchr(p, ',')) != NULL) *p++ = '\0';
        }
        cr_assert_eq(k, 5, "five fields in \"%s\"", line);
        cr_assert_str_eq(field[1], PERIOD);
        cr_assert_lt(n, max);
        memset(&v[n], 0, sizeof v[n]);
        snprintf(v[n].zone, sizeof v[n].zone, "%s", field[0]);
        snprintf(v[n].indicator, sizeof v[n].indicator, "%s", field[2]);
        snprintf(v[n].amount, sizeof v[n].amount, "%s", field[3]);
        snprintf(v[n].growth, sizeof v[n].growth, "%s", field[4]);
        n++;
    }
    free(text);
    return n;
}

static value_t *find_value(value_t *v, size_t n, const char *zone, const char *indicator) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].zone, zone) && !strcmp(v[i].indicator, indicator)) return &v[i];
    return NULL;
}

/* ---- the workbook's parts ------------------------------------------------------------ */

/* The member `name` of the open ZIP, whole and NUL-terminated (caller frees). */
static char *zip_member(zip_t *za, const char *name) {
    zip_stat_t st;
    zip_file_t *zf;
    char *buf;
    zip_stat_init(&st);
    cr_assert_eq(zip_stat(za, name, 0, &st), 0, "the workbook has %s", name);
    cr_assert(st.valid & ZIP_STAT_SIZE);
    buf = malloc(st.size + 1);
    cr_assert_not_null(buf);
    zf = zip_fopen(za, name, 0);
    cr_assert_not_null(zf, "cannot open %s in the workbook", name);
    cr_assert_eq(zip_fread(zf, buf, st.size), (zip_int64_t)st.size, "cannot read %s", name);
    zip_fclose(zf);
    buf[st.size] = '\0';
    return buf;
}

/* The value of attribute attr (e.g. "r:id") of the XML element that starts at element
 * and ends at the next '>': a static copy. */
static const char *attribute(const char *element, const char *attr) {
    static char buf[256];
    const char *end = strchr(element, '>'), *a = strstr(element, e2e_fmt(" %s=\"", attr)), *q;
    cr_assert(end && a && a < end, "attribute %s in %.200s", attr, element);
    a += strlen(attr) + 3;
    q = strchr(a, '"');
    snprintf(buf, sizeof buf, "%.*s", (int)(q - a), a);
    return buf;
}

/* The part that holds sheet `name` (“xl/worksheets/sheet1.xml”), as Excel finds it:
 * the sheet's r:id in xl/workbook.xml, that relationship's Target in
 * xl/_rels/workbook.xml.rels, relative to xl/ unless it starts with '/'. */
static void sheet_part(zip_t *za, const char *name, char *part, size_t size) {
    char *book = zip_member(za, "xl/workbook.xml"), *rels = zip_member(za, "xl/_rels/workbook.xml.rels");
    const char *sheet = strstr(book, e2e_fmt("<sheet name=\"%s\"", name)), *rel, *target;
    char id[64];
    cr_assert_not_null(sheet, "xl/workbook.xml lists the sheet %s", name);
    snprintf(id, sizeof id, "%s", attribute(sheet, "r:id"));
    rel = strstr(rels, e2e_fmt("Id=\"%s\"", id));
    cr_assert_not_null(rel, "the relationship %s", id);
    while (rel > rels && strncmp(rel, "<Relationship ", 14))
        rel--;
    target = attribute(rel, "Target");
    if (target[0] == '/')
        snprintf(part, size, "%s", target + 1);
    else
        snprintf(part, size, "xl/%s", target);
    free(book);
    free(rels);
}

/* Gives the empty cell ref of the sheet's XML (<c r="H4" s="6"/>) the number text:
 * <c r="H4" s="6"><v>text</v></c>. The cell must be there, and empty. */
static void fill_cell(char **xml, const char *ref, const char *number) {
    const char *c = strstr(*xml, e2e_fmt("<c r=\"%s\"", ref)), *gt;
    size_t head, tail_at, len = strlen(*xml);
    char *out;
    cr_assert_not_null(c, "the sheet has the input cell %s", ref);
    gt = strchr(c, '>');
    cr_assert(gt && gt[-1] == '/', "the input cell %s is empty: %.80s", ref, c);
    head = (size_t)(gt - 1 - *xml); /* up to the "/>" */
    tail_at = (size_t)(gt + 1 - *xml);
    out = malloc(len + strlen(number) + 32);
    cr_assert_not_null(out);
    sprintf(out, "%.*s><v>%s</v></c>%s", (int)head, *xml, number, *xml + tail_at);
    free(*xml);
    *xml = out;
}

/* Fills template (written by yuebao template for 浚县) with csv's values into filled:
 * every value's amount into column H of its row, its growth into column I where it has
 * one. Asserts that every value of the CSV found its row. */
static void fill_template(const char *template_path, const char *csv, const char *filled) {
    value_t v[MAX_VALUES];
    size_t n = load_values(csv, v, MAX_VALUES), n_amounts = 0, n_growths = 0;
    const table_sheet_t *sh = NULL;
    table_t t;
    char err[512], part[256], *xml;
    zip_t *za;
    zip_source_t *src;
    int code = 0;
    unsigned header = 0;

    cr_assert_eq(n, 28, "the sample's 28 values of 浚县");
    cr_assert_eq(xlsx_read(template_path, &t, err, sizeof err), 0, "the template reads back: %s", err);
    for (size_t i = 0; i < t.n_sheets; i++)
        if (!strcmp(t.sheets[i].name, MAIN_SHEET)) sh = &t.sheets[i];
    cr_assert_not_null(sh, "the template has the sheet %s", MAIN_SHEET);

    cr_assert_eq(e2e_copy(template_path, filled), 0);
    za = zip_open(filled, 0, &code);
    cr_assert_not_null(za, "libzip cannot open %s (error %d)", filled, code);
    sheet_part(za, MAIN_SHEET, part, sizeof part);
    xml = zip_member(za, part);

    for (size_t i = 0; i < sh->n_rows; i++) {
        const table_row_t *row = &sh->rows[i];
        value_t *val;
        if (row->n_cells >= 3 && !strcmp(row->cells[0].text, "园区代码") &&
            !strcmp(row->cells[2].text, "指标代码")) {
            header = row->ref;
            continue;
        }
        if (!header || row->n_cells < 3) continue;
        val = find_value(v, n, row->cells[0].text, row->cells[2].text);
        cr_assert_not_null(val, "row %u (%s, %s) is a value of the CSV", row->ref, row->cells[0].text,
                           row->cells[2].text);
        cr_assert(!val->filled, "%s %s has one row", val->zone, val->indicator);
        fill_cell(&xml, e2e_fmt("H%u", row->ref), val->amount);
        n_amounts++;
        if (val->growth[0]) {
            fill_cell(&xml, e2e_fmt("I%u", row->ref), val->growth);
            n_growths++;
        }
        val->filled = true;
    }
    table_free(&t);
    cr_assert_eq(header, 3, "主要指标's header is row 3");
    cr_assert_eq(n_amounts, 28, "every value has its row");
    cr_assert_eq(n_growths, 14, "7 indicators with growth per zone");

    src = zip_source_buffer(za, xml, strlen(xml), 1); /* libzip frees xml */
    cr_assert_not_null(src, "%s", zip_strerror(za));
    if (zip_file_add(za, part, src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free(src);
        cr_assert_fail("cannot replace %s: %s", part, zip_strerror(za));
    }
    cr_assert_eq(zip_close(za), 0, "cannot write %s: %s", filled, zip_strerror(za));

    /* the filled workbook reads back with the numbers where they were put */
    cr_assert_eq(xlsx_read(filled, &t, err, sizeof err), 0, "the filled workbook reads back: %s", err);
    sh = NULL;
    for (size_t i = 0; i < t.n_sheets; i++)
        if (!strcmp(t.sheets[i].name, MAIN_SHEET)) sh = &t.sheets[i];
    cr_assert_not_null(sh);
    n_amounts = 0;
    for (size_t i = 0; i < sh->n_rows; i++) {
        const table_row_t *row = &sh->rows[i];
        value_t *val;
        if (row->ref <= header || row->n_cells < 8) continue;
        val = find_value(v, n, row->cells[0].text, row->cells[2].text);
        cr_assert_not_null(val);
        cr_assert_eq(row->cells[7].kind, TABLE_NUMBER, "H%u holds a number", row->ref);
        cr_assert_str_eq(row->cells[7].text, val->amount, "H%u", row->ref);
        n_amounts++;
    }
    cr_assert_eq(n_amounts, 28);
    table_free(&t);
}

/* ---- the programs -------------------------------------------------------------------- */

/* Runs `yuebao ARGS…` (NULL-terminated) with its logs dir/<name>.out and .err. Returns
 * the exit status; its stdout in *out (caller frees). */
static int yuebao(const char *name, char **out, ...) __attribute__((sentinel));
static int yuebao(const char *name, char **out, ...) {
    char *argv[24];
    const char *a;
    int n = 0, st;
    va_list ap;
    argv[n++] = (char *)e2e_bin("yuebao");
    va_start(ap, out);
    while ((a = va_arg(ap, const char *)) != NULL) {
        cr_assert_lt(n, 23);
        argv[n++] = (char *)a;
    }
    va_end(ap);
    argv[n] = NULL;
    st = e2e_run(P("%s/%s", dir, name), out, e2e_scaled_ms(20000), argv);
    cr_assert_not_null(*out, "yuebao %s did not run", argv[1]);
    return st;
}

/* The filled workbook of 浚县 for 2017-06 at dir/BOOK: yuebao template (no report
 * store: the 上期 columns empty), filled with the sample's CSV. Its path (static). */
static const char *filled_workbook(void) {
    static char path[PATH_MAX];
    char template_path[PATH_MAX], *out = NULL;
    int st;
    snprintf(template_path, sizeof template_path, "%s/template.xlsx", dir);
    snprintf(path, sizeof path, "%s/%s", dir, BOOK);
    st = yuebao("template", &out, "template", "--county", COUNTY, "--period", PERIOD, "--master", e2e_city(),
                "--store", P("%s/no-store.db", dir), "-o", template_path, NULL);
    cr_assert_eq(st, 0, "yuebao template exits 0 (got %d):\n%s\n%s", st, out,
                 e2e_tail(P("%s/template.err", dir), 3000));
    free(out);
    fill_template(template_path, e2e_sample("reports/" PERIOD "/" COUNTY ".csv"), path);
    return path;
}

static pid_t start_collector_in(const char *folder, const char *county, const char *endpoint, char *err_log,
                                size_t size) {
    char log[512];
    pid_t col = e2e_collector_start(folder, county, endpoint, log, sizeof log);
    cr_assert_gt(col, 0, "the collector did not start");
    snprintf(err_log, size, "%s.err", log);
    return col;
}

static void stop_collector(pid_t col, const char *err_log) {
    int st = e2e_stop(col, e2e_scaled_ms(10000));
    cr_assert_eq(st, 0, "the collector exited with %d:\n%s", st, e2e_tail(err_log, 3000));
}

/* The text of a file a daemon wrote (caller frees), asserted to be there. */
static char *read_text(const char *path) {
    char *text = e2e_read_file(path);
    cr_assert_not_null(text, "cannot read %s", path);
    return text;
}

/* ---- the tests ------------------------------------------------------------------------- */

/* The filled template goes into 浚县's inbox: ACCEPTED for both zones, and the store
 * holds exactly what another aggregator stores from the CSV the workbook was filled
 * from. */
Test(e2e_workbook, a_filled_template_is_stored_like_the_csv) {
    char csv_dir[256], book_log[600], csv_log[600], done[300], csv_done[300], *text, *from_book, *from_csv;
    const char *book = filled_workbook();
    e2e_agg_t csv_agg;
    pid_t col, csv_col;

    snprintf(done, sizeof done, "%s/done", dir);
    start_aggregator(NULL, NULL);
    col = start_collector_in(dir, COUNTY, agg.listen, book_log, sizeof book_log);
    cr_assert_eq(e2e_drop(book, P("%s/inbox", dir), BOOK), 0);
    wait_for_file(P("%s/%s.receipt.txt", done, BOOK), book_log);
    wait_for_file(P("%s/%s", done, BOOK), book_log); /* the receipt is written first, then the file moves */
    text = read_text(P("%s/%s.receipt.txt", done, BOOK));
    cr_assert(strstr(text, "every report in it is stored") && strstr(text, "ACCEPTED  liyang 2017-06") &&
                  strstr(text, "ACCEPTED  xunxian 2017-06"),
              "the receipt says both zones are stored:\n%s", text);
    free(text);
    cr_assert_eq(e2e_count_files(P("%s/rejected", dir), ""), 0, "nothing rejected:\n%s",
                 e2e_tail(book_log, 3000));

    /* the same values from the CSV, through a second aggregator and collector */
    memset(&csv_agg, 0, sizeof csv_agg);
    cr_assert_eq(e2e_tmpdir(csv_dir, sizeof csv_dir), 0);
    snprintf(csv_done, sizeof csv_done, "%s/done", csv_dir);
    cr_assert_eq(e2e_agg_start(&csv_agg, csv_dir, NULL, NULL), 0, "the second aggregator did not start:\n%s",
                 e2e_tail(csv_agg.err_log, 3000));
    csv_col = start_collector_in(csv_dir, COUNTY, csv_agg.listen, csv_log, sizeof csv_log);
    cr_assert_eq(
        e2e_drop(e2e_sample("reports/" PERIOD "/" COUNTY ".csv"), P("%s/inbox", csv_dir), COUNTY ".csv"), 0);
    wait_for_file(P("%s/%s.csv.receipt.txt", csv_done, COUNTY), csv_log);
    text = read_text(P("%s/%s.csv.receipt.txt", csv_done, COUNTY));
    cr_assert(strstr(text, "ACCEPTED  liyang 2017-06") && strstr(text, "ACCEPTED  xunxian 2017-06"),
              "the CSV's receipt:\n%s", text);
    free(text);

    cr_assert_eq(sql("SELECT count(*) FROM report_values"), 28, "28 values stored from the workbook");
    cr_assert_eq(e2e_sql_int(csv_agg.store, "SELECT count(*) FROM report_values"), 28);
    cr_assert_eq(sql("SELECT count(*) FROM report_values WHERE growth_pct IS NOT NULL"), 14,
                 "14 of them with growth");
    from_book = e2e_sql_text(agg.store, "%s", values_query);
    from_csv = e2e_sql_text(csv_agg.store, "%s", values_query);
    cr_assert(from_book && from_csv, "the stores answer");
    cr_assert_str_eq(from_book, from_csv, "the workbook's rows:\n%s\nthe CSV's rows:\n%s", from_book,
                     from_csv);
    free(from_book);
    free(from_csv);
    from_book = e2e_sql_text(agg.store, "%s", reports_query);
    from_csv = e2e_sql_text(csv_agg.store, "%s", reports_query);
    cr_assert(from_book && from_csv && from_book[0], "the stores answer");
    cr_assert_str_eq(from_book, from_csv, "the same reports, notes and contents:\n%s\nfrom the CSV:\n%s",
                     from_book, from_csv);
    free(from_book);
    free(from_csv);
    cr_assert_eq(
        sql("SELECT count(*) FROM reports WHERE county='" COUNTY "' AND period='" PERIOD "' AND revision=1"),
        2, "two reports, revision 1, of 浚县");
    cr_assert_eq(sql("SELECT count(*) FROM projects"), 0, "the empty 重点项目 sheet stores no project");

    stop_collector(csv_col, csv_log);
    cr_assert_eq(e2e_agg_stop(&csv_agg), 0, "the second aggregator stopped cleanly:\n%s",
                 e2e_tail(csv_agg.err_log, 3000));
    stop_collector(col, book_log);
    stop_aggregator();
}

/* 浚县's filled template in 鹤山区's inbox: rejected/ with an errors file naming both
 * counties (in English here, C.UTF-8; test_e2e_i18n reads the Chinese), and nothing sent
 * or stored. */
Test(e2e_workbook, a_template_of_another_county_is_refused_with_the_reason) {
    char err_log[600], rejected[300], *text;
    const char *book = filled_workbook();
    pid_t col;

    snprintf(rejected, sizeof rejected, "%s/rejected", dir);
    start_aggregator(NULL, NULL);
    col = start_collector_in(dir, OTHER_COUNTY, agg.listen, err_log, sizeof err_log);
    cr_assert_eq(e2e_drop(book, P("%s/inbox", dir), BOOK), 0);
    wait_for_file(P("%s/%s.errors.txt", rejected, BOOK), err_log);
    wait_for_file(P("%s/%s", rejected, BOOK), err_log); /* the errors file first, then the workbook */
    text = read_text(P("%s/%s.errors.txt", rejected, BOOK));
    cr_assert(strstr(text, "this template is for " COUNTY) &&
                  strstr(text, "collector takes the reports of " OTHER_COUNTY),
              "the reason in English names both counties:\n%s", text);
    cr_assert_null(strstr(text, "本采集端只收"), "in one language:\n%s", text);
    cr_assert(strstr(text, BOOK), "the errors file names the workbook:\n%s", text);
    free(text);
    cr_assert(!e2e_exists(P("%s/inbox/%s", dir, BOOK)), "not left in the inbox");
    cr_assert_eq(e2e_count_files(P("%s/done", dir), ""), 0, "no receipt");
    cr_assert_eq(e2e_sql_int(P("%s/outbox.db", dir), "SELECT count(*) FROM outbox"), 0, "nothing queued");
    cr_assert_eq(sql("SELECT count(*) FROM reports"), 0, "nothing stored");
    cr_assert_eq(sql("SELECT count(*) FROM report_values"), 0);
    cr_assert_eq(sql("SELECT count(*) FROM rejections"), 0, "nothing even sent");
    stop_collector(col, err_log);
    stop_aggregator();
}

/* An Excel 97-2003 workbook and a text file of prose: both in rejected/ with their
 * errors files within seconds of being dropped; the .xls told to be saved as .xlsx, the
 * prose told what a report's header is; nothing queued or stored. */
Test(e2e_workbook, xls_and_txt_files_are_rejected_with_an_errors_file_within_seconds) {
    static const unsigned char ole2[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    char err_log[600], inbox[300], rejected[300], xls[300], txt[300], *text;
    int64_t t0;
    int within = e2e_scaled_ms(5000); /* the inbox's rescan would take 10 s */
    FILE *f;
    pid_t col;

    snprintf(inbox, sizeof inbox, "%s/inbox", dir);
    snprintf(rejected, sizeof rejected, "%s/rejected", dir);
    snprintf(xls, sizeof xls, "%s/old.xls", dir);
    snprintf(txt, sizeof txt, "%s/notes.txt", dir);
    f = fopen(xls, "wb");
    cr_assert_not_null(f);
    fwrite(ole2, 1, sizeof ole2, f);
    for (int at = (int)sizeof ole2; at < 512; at++) /* the rest of the header sector: version 3.3E, FFFE */
        fputc(at == 24 ? 0x3E : at == 26 ? 0x03 : at == 28 ? 0xFE : at == 29 ? 0xFF : 0, f);
    fclose(f);
    f = fopen(txt, "wb");
    cr_assert_not_null(f);
    fputs("各位同事：\n附件是我县6月份的报表，请查收。\nDear colleagues, please find the June report "
          "attached.\n",
          f);
    fclose(f);

    start_aggregator(NULL, NULL);
    col = start_collector_in(dir, COUNTY, agg.listen, err_log, sizeof err_log);
    t0 = clock_mono_ms();
    cr_assert_eq(e2e_drop(xls, inbox, COUNTY ".xls"), 0);
    cr_assert_eq(e2e_drop(txt, inbox, COUNTY ".txt"), 0);
    while (clock_mono_ms() - t0 < within &&
           !(e2e_exists(P("%s/%s.xls", rejected, COUNTY)) && e2e_exists(P("%s/%s.txt", rejected, COUNTY))))
        e2e_sleep_ms(50);
    cr_assert(e2e_exists(P("%s/%s.xls.errors.txt", rejected, COUNTY)) &&
                  e2e_exists(P("%s/%s.xls", rejected, COUNTY)),
              "the .xls is in rejected/ with its errors file within %d ms; collector log:\n%s", within,
              e2e_tail(err_log, 3000));
    cr_assert(e2e_exists(P("%s/%s.txt.errors.txt", rejected, COUNTY)) &&
                  e2e_exists(P("%s/%s.txt", rejected, COUNTY)),
              "the .txt is in rejected/ with its errors file within %d ms; collector log:\n%s", within,
              e2e_tail(err_log, 3000));
    cr_assert(!e2e_exists(P("%s/%s.xls", inbox, COUNTY)) && !e2e_exists(P("%s/%s.txt", inbox, COUNTY)),
              "neither is left in the inbox");

    text = read_text(P("%s/%s.xls.errors.txt", rejected, COUNTY));
    cr_assert(strstr(text, COUNTY ".xls") && strstr(text, "(.xls)") && strstr(text, "Excel 工作簿(*.xlsx)") &&
                  strstr(text, "另存为"),
              "the .xls: save it as .xlsx:\n%s", text);
    cr_assert(strstr(text, "zone,period,indicator,amount,growth_pct"), "and what the collector takes:\n%s",
              text);
    free(text);
    text = read_text(P("%s/%s.txt.errors.txt", rejected, COUNTY));
    cr_assert(strstr(text, COUNTY ".txt") && strstr(text, "not a county report header") &&
                  strstr(text, "zone,period,indicator,amount,growth_pct"),
              "the prose: what a report's header is:\n%s", text);
    free(text);

    cr_assert_eq(e2e_count_files(P("%s/done", dir), ""), 0, "no receipt");
    cr_assert_eq(e2e_sql_int(P("%s/outbox.db", dir), "SELECT count(*) FROM outbox"), 0, "nothing queued");
    cr_assert_eq(sql("SELECT count(*) FROM reports"), 0, "nothing stored");
    stop_collector(col, err_log);
    stop_aggregator();
}

/* `yuebao check` on the filled workbook: no error for 浚县; for 鹤山区 the collector's
 * refusal, naming both counties, exit 1. */
Test(e2e_workbook, yuebao_check_gives_the_collectors_verdict_on_a_workbook) {
    const char *book = filled_workbook();
    char *out = NULL;
    int st;

    st = yuebao("check-own", &out, "check", "--master", e2e_city(), "--county", COUNTY, book, NULL);
    cr_assert_eq(st, 0, "check --county %s exits 0 (got %d):\n%s\n%s", COUNTY, st, out,
                 e2e_tail(P("%s/check-own.err", dir), 3000));
    cr_assert(strstr(out, "2 report(s), 0 error(s)"), "two reports without an error:\n%s", out);
    free(out);

    st = yuebao("check-other", &out, "check", "--master", e2e_city(), "--county", OTHER_COUNTY, book, NULL);
    cr_assert_eq(st, 1, "check --county %s exits 1 (got %d):\n%s\n%s", OTHER_COUNTY, st, out,
                 e2e_tail(P("%s/check-other.err", dir), 3000));
    cr_assert(strstr(out, "this template is for " COUNTY) &&
                  strstr(out, "collector takes the reports of " OTHER_COUNTY),
              "the collector's reason, naming both counties:\n%s", out);
    cr_assert(strstr(out, "0 report(s), 1 error(s)"), "one error, no report:\n%s", out);
    free(out);
}
