/* test_e2e_template.c - `yuebao template`: the county's monthly workbook, written by the
 * real binary and read back by unzipping it, as the county parser will.
 *
 * What is checked is the layout the reader relies on (ISSUE13-SPEC §3; cli_template.c):
 * the five sheets in order with _yuebao veryHidden and protected, its county, period and
 * version; each sheet's header row; one 主要指标 row per zone × indicator in master order;
 * sheet protection, locked and unlocked cells, data validation with the unit in its
 * prompt on the input columns, print setup; and the previous period's figures from a
 * real aggregator's store. Then the refusals: each exits non-zero, names the problem and
 * leaves no file (and no temporary file) behind.
 *
 * Hand checks, examples/sample-city:
 *   indicators.csv: 14 indicators; with growth: revenue va fai employees tax
 *     outside_capital energy_intensity (7); rd_share (6th, %) has none.
 *   regions.csv: 浚县 410621 has liyang and xunxian (master order is by code: liyang
 *     first), 鹤山区 410602 has baoshan: 主要指标 has 3 + 2 × 14 = 31 and 3 + 14 = 17 rows.
 *     liyang's rows are 4..17 (revenue row 4, employees row 7, rd_share row 9),
 *     xunxian's 18..31 (revenue row 18, rd_share row 23).
 *   reports/2017-05/410621.csv: liyang revenue 195192.7 (+9.8 %), xunxian revenue
 *     926702.2 (+11.7 %), xunxian rd_share 2.27 (no growth).
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e_suite.h"

TestSuite(e2e_template, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 240);

static int run_ms(void) {
    return e2e_under_valgrind() ? 120000 : 20000;
}

/* Runs `yuebao ARGS…` (NULL-terminated). Returns the exit status; its stdout in *out
 * (caller frees), its stderr in *err (a static copy, valid until the next call). */
static int yuebao(const char *name, char **out, const char **err, ...) __attribute__((sentinel));
static int yuebao(const char *name, char **out, const char **err, ...) {
    static char bin[PATH_MAX];
    char *argv[24];
    const char *a;
    int n = 0, st;
    va_list ap;
    if (!bin[0]) cr_assert_not_null(realpath(e2e_bin("yuebao"), bin), "no %s", e2e_bin("yuebao"));
    argv[n++] = bin;
    va_start(ap, err);
    while ((a = va_arg(ap, const char *)) != NULL) {
        cr_assert_lt(n, 23);
        argv[n++] = (char *)a;
    }
    va_end(ap);
    argv[n] = NULL;
    st = e2e_run(P("%s/%s", dir, name), out, run_ms(), argv);
    cr_assert_not_null(*out, "yuebao %s did not run", argv[1]);
    *err = e2e_tail(P("%s/%s.err", dir, name), 4000);
    return st;
}

/* The sample city's folder as an absolute path (the tests may change folder). */
static const char *city(void) {
    static char path[PATH_MAX];
    if (!path[0]) cr_assert_not_null(realpath(e2e_city(), path), "no %s", e2e_city());
    return path;
}

/* Entries of folder other than . and .., and of those how many look temporary. */
static int entries(const char *folder, int *temporaries) {
    DIR *d = opendir(folder);
    struct dirent *e;
    int n = 0;
    cr_assert_not_null(d, "cannot list %s", folder);
    *temporaries = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        n++;
        *temporaries += strstr(e->d_name, ".tmp") != NULL;
    }
    closedir(d);
    return n;
}

/* --- the workbook unzipped ------------------------------------------------------------ */

static char *unzip_member(const char *zip, const char *member) {
    char *out = NULL;
    int st = e2e_runl(P("%s/unzip-%s", dir, strrchr(member, '/') + 1), &out, 20000, "/usr/bin/unzip", "-p",
                      zip, member, NULL);
    cr_assert_eq(st, 0, "unzip -p %s %s: status %d", zip, member, st);
    cr_assert_not_null(out);
    cr_assert_gt(strlen(out), 0, "%s is in the workbook", member);
    return out;
}

typedef struct {
    char *book, *strings, *styles, *sheet[5];
} workbook_t;

#define YB 4 /* _yuebao's index among the sheets: the last of the five */

static void workbook_open(workbook_t *w, const char *path) {
    w->book = unzip_member(path, "xl/workbook.xml");
    w->strings = unzip_member(path, "xl/sharedStrings.xml");
    w->styles = unzip_member(path, "xl/styles.xml");
    for (int i = 0; i < 5; i++)
        w->sheet[i] = unzip_member(path, P("xl/worksheets/sheet%d.xml", i + 1));
}

static void workbook_close(workbook_t *w) {
    free(w->book);
    free(w->strings);
    free(w->styles);
    for (int i = 0; i < 5; i++)
        free(w->sheet[i]);
}

/* The element of cell ref ("H4") in a sheet: a static copy from "<c " to its end
 * ("/>" or "</c>"), "" when the sheet has no such cell. */
static const char *cell_xml(const char *sheet, const char *ref) {
    static char buf[4096];
    const char *c = strstr(sheet, P("<c r=\"%s\"", ref)), *gt, *end;
    buf[0] = '\0';
    if (!c || !(gt = strchr(c, '>'))) return buf;
    end = gt[-1] == '/' ? gt + 1 : strstr(gt, "</c>");
    cr_assert_not_null(end, "cell %s is closed", ref);
    if (gt[-1] != '/') end += 4;
    snprintf(buf, sizeof buf, "%.*s", (int)(end - c), c);
    return buf;
}

/* The <v> of cell ref, "" when it has none (an empty or a blank cell). */
static const char *cell_value(const char *sheet, const char *ref) {
    const char *c = cell_xml(sheet, ref), *v = strstr(c, "<v>");
    if (!v) return "";
    v += 3;
    return P("%.*s", (int)(strstr(v, "</v>") - v), v);
}

/* The number in cell ref (as Excel reads it back), NAN when it holds none. */
static double cell_number(const char *sheet, const char *ref) {
    const char *v = cell_value(sheet, ref);
    return v[0] && !strstr(cell_xml(sheet, ref), "t=\"s\"") ? strtod(v, NULL) : NAN;
}

/* The text of shared string number index, unescaped only of what our strings hold. */
static const char *shared_text(const char *xml, int index) {
    const char *p = xml, *t, *end;
    for (int i = 0; (p = strstr(p, "<si>")) != NULL; i++, p += 4) {
        if (i != index) continue;
        t = strstr(p, "<t");
        cr_assert_not_null(t);
        t = strchr(t, '>') + 1;
        end = strstr(t, "</t>");
        return P("%.*s", (int)(end - t), t);
    }
    return NULL;
}

/* What cell ref shows: its shared string, or its number as written; "" when empty. */
static const char *cell_text(const workbook_t *w, int sheet, const char *ref) {
    const char *c = cell_xml(w->sheet[sheet], ref), *v = cell_value(w->sheet[sheet], ref), *s;
    if (!v[0] || !strstr(c, "t=\"s\"")) return v;
    s = shared_text(w->strings, atoi(v));
    cr_assert_not_null(s, "shared string %s of %s", v, ref);
    return s;
}

/* The style index (s="N") of cell ref, 0 when it has none. */
static int cell_style(const char *sheet, const char *ref) {
    const char *s = strstr(cell_xml(sheet, ref), " s=\"");
    return s ? atoi(s + 4) : 0;
}

/* The <xf> number index of styles' cellXfs (a static copy). */
static const char *cell_xf(const char *styles, int index) {
    static char buf[1024];
    const char *p = strstr(styles, "<cellXfs"), *gt, *end;
    cr_assert_not_null(p);
    for (int i = 0; i <= index; i++) {
        p = strstr(p + 1, "<xf ");
        cr_assert_not_null(p, "cellXfs has an xf number %d", index);
    }
    gt = strchr(p, '>');
    end = gt[-1] == '/' ? gt + 1 : strstr(gt, "</xf>") + 5;
    snprintf(buf, sizeof buf, "%.*s", (int)(end - p), p);
    return buf;
}

static bool cell_locked(const workbook_t *w, int sheet, const char *ref) {
    return !strstr(cell_xf(w->styles, cell_style(w->sheet[sheet], ref)), "locked=\"0\"");
}

/* The fill (an ARGB "FFFFFF99") of cell ref's style; "" for none. */
static const char *cell_fill(const workbook_t *w, int sheet, const char *ref) {
    const char *xf = cell_xf(w->styles, cell_style(w->sheet[sheet], ref)), *id = strstr(xf, "fillId=\"");
    const char *p = strstr(w->styles, "<fills");
    int n;
    cr_assert_not_null(id);
    cr_assert_not_null(p);
    n = atoi(id + 8);
    for (int i = 0; i <= n; i++) {
        p = strstr(p + 1, "<fill>");
        cr_assert_not_null(p);
    }
    {
        const char *fg = strstr(p, "<fgColor rgb=\""), *end = strstr(p, "</fill>");
        if (!fg || fg > end) return "";
        return P("%.8s", fg + 14);
    }
}

/* The <dataValidation> element whose sqref is exactly ref (a static copy), "" if none. */
static const char *validation_of(const char *sheet, const char *ref) {
    static char buf[2048];
    const char *block = strstr(sheet, "<dataValidations"), *p, *start, *end;
    buf[0] = '\0';
    if (!block || !(p = strstr(block, P("sqref=\"%s\"", ref)))) return buf;
    for (start = p; start > block && strncmp(start, "<dataValidation ", 16); start--) {}
    end = strstr(p, "</dataValidation>");
    cr_assert_not_null(end);
    snprintf(buf, sizeof buf, "%.*s", (int)(end - start), start);
    return buf;
}

/* Rows written in a sheet (<row elements). */
static int n_rows(const char *sheet) {
    int n = 0;
    for (const char *p = sheet; (p = strstr(p, "<row ")) != NULL; p++)
        n++;
    return n;
}

static void assert_header(const workbook_t *w, int sheet, const char *const *head, int n) {
    for (int c = 0; c < n; c++) {
        const char *ref = P("%c3", 'A' + c);
        cr_assert_str_eq(cell_text(w, sheet, ref), head[c], "sheet %d %s", sheet + 1, ref);
        cr_assert(cell_locked(w, sheet, ref), "the header %s is locked", ref);
    }
    cr_assert_str_eq(cell_text(w, sheet, P("%c3", 'A' + n)), "", "no column after the header's last");
}

/* --- the tests ---------------------------------------------------------------------- */

Test(e2e_template, the_default_name_in_the_current_folder) {
    char *out;
    const char *err;
    int st, tmp;
    cr_assert_eq(chdir(dir), 0); /* each test runs in its own process */
    st = yuebao("default", &out, &err, "template", "--county", "浚县", "--period", "2017年6月", "--master",
                city(), "--store", P("%s/no-store.db", dir), NULL);
    cr_assert_eq(st, 0, "exit 0 (99: valgrind found errors)\n%s", err);
    cr_assert(e2e_exists(P("%s/410621-2017-06.xlsx", dir)), "the county's code and the period name it:\n%s",
              out);
    cr_assert_not_null(
        strstr(out, "wrote 410621-2017-06.xlsx: 浚县 (410621) 2017年1-6月, 2 zones × 14 indicators"), "%s",
        out);
    cr_assert_not_null(strstr(out, "上期 (2017-05) empty: no report store at"), "%s", out);
    free(out);
    /* -o names it; a name the same county and month had is no obstacle to another */
    st = yuebao("named", &out, &err, "template", "--county", "410602", "--period", "2017-06", "-o",
                "鹤山区.xlsx", "--master", city(), "--store", P("%s/no-store.db", dir), NULL);
    cr_assert_eq(st, 0, "%s", err);
    cr_assert(e2e_exists(P("%s/鹤山区.xlsx", dir)));
    cr_assert_not_null(strstr(out, "1 zone × 14 indicators"), "%s", out);
    free(out);
    cr_assert_eq(entries(dir, &tmp), 2 + 2 * 2, "the two workbooks and the two runs' logs (.out, .err)");
    cr_assert_eq(tmp, 0, "no temporary file left");
}

Test(e2e_template, refusals_name_the_problem_and_leave_no_file) {
    char out_dir[300], path[320];
    char *out, *kept;
    const char *err;
    int st, tmp;
    snprintf(out_dir, sizeof out_dir, "%s/out", dir);
    snprintf(path, sizeof path, "%s/410621-2017-06.xlsx", out_dir);
    cr_assert_eq(mkdir(out_dir, 0755), 0);
    /* an unknown county: the known ones are listed */
    st = yuebao("county", &out, &err, "template", "--county", "410699", "--period", "2017-06", "-o", path,
                "--master", city(), NULL);
    cr_assert_neq(st, 0);
    cr_assert_not_null(strstr(err, "no county \"410699\""), "%s", err);
    cr_assert_not_null(strstr(err, "410621  浚县"), "the counties are listed:\n%s", err);
    cr_assert_not_null(strstr(err, "410602  鹤山区"), "%s", err);
    free(out);
    /* not a period */
    st = yuebao("period", &out, &err, "template", "--county", "410621", "--period", "2017-13", "-o", path,
                "--master", city(), NULL);
    cr_assert_neq(st, 0);
    cr_assert_not_null(strstr(err, "\"2017-13\" is not a period"), "%s", err);
    free(out);
    /* January alone, where January is reported with February */
    st = yuebao("january", &out, &err, "template", "--county", "410621", "--period", "2017-01", "-o", path,
                "--master", city(), NULL);
    cr_assert_neq(st, 0);
    cr_assert_not_null(strstr(err, "2017-02 (1-2月)"), "%s", err);
    free(out);
    /* not a workbook's name */
    st = yuebao("name", &out, &err, "template", "--county", "410621", "--period", "2017-06", "-o",
                P("%s/out/x.csv", dir), "--master", city(), NULL);
    cr_assert_neq(st, 0);
    cr_assert_not_null(strstr(err, "ends in .xlsx"), "%s", err);
    free(out);
    /* the options it needs */
    st = yuebao("missing", &out, &err, "template", "--county", "410621", "--master", city(), NULL);
    cr_assert_eq(st, 2);
    cr_assert_not_null(strstr(err, "name the county and the period"), "%s", err);
    free(out);
    cr_assert_eq(entries(out_dir, &tmp), 0, "nothing written for a refused command line");

    /* an existing file is kept without --force, replaced with it */
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("keep me\n", f);
    fclose(f);
    st = yuebao("exists", &out, &err, "template", "--county", "410621", "--period", "2017-06", "-o", path,
                "--master", city(), NULL);
    cr_assert_neq(st, 0);
    cr_assert_not_null(strstr(err, "already exists"), "%s", err);
    cr_assert_not_null(strstr(err, "--force"), "the way out is named:\n%s", err);
    kept = e2e_read_file(path);
    cr_assert_str_eq(kept, "keep me\n", "the file is untouched");
    free(kept);
    free(out);
    cr_assert_eq(entries(out_dir, &tmp), 1);
    cr_assert_eq(tmp, 0);
    st = yuebao("force", &out, &err, "template", "--county", "410621", "--period", "2017-06", "-o", path,
                "--force", "--master", city(), "--store", P("%s/none.db", dir), NULL);
    cr_assert_eq(st, 0, "%s", err);
    kept = e2e_read_file(path);
    cr_assert_eq(strncmp(kept, "PK", 2), 0, "a workbook (a zip) now");
    free(kept);
    free(out);
    cr_assert_eq(entries(out_dir, &tmp), 1);
    cr_assert_eq(tmp, 0, "no temporary file left");

    /* a folder that cannot be written into: said, nothing left */
    st = yuebao("no-folder", &out, &err, "template", "--county", "410621", "--period", "2017-06", "-o",
                P("%s/nowhere/x.xlsx", dir), "--master", city(), NULL);
    cr_assert_neq(st, 0);
    cr_assert_not_null(strstr(err, "cannot write in the folder"), "%s", err);
    free(out);
}

Test(e2e_template, the_workbook_holds_what_the_reader_expects) {
    static const char *const main_head[] = {"园区代码",    "园区名称",     "指标代码",        "指标名称",
                                            "单位",        "上期本年累计", "上期同比增长(%)", "本年累计",
                                            "同比增长(%)", "说明"};
    static const char *const proj_head[] = {"园区代码",     "项目编号",           "项目名称",
                                            "总投资(万元)", "本年完成投资(万元)", "状态"};
    static const char *const text_head[] = {"园区代码", "园区名称", "存在问题", "下一步措施"};
    static const char *const ent_head[] = {"园区代码",           "统一社会信用代码",      "企业名称",
                                           "行业",               "工业总产值(万元)",      "工业总产值同比增长(%)",
                                           "营业收入(万元)",     "营业收入同比增长(%)", "生产状态",
                                           "备注"};
    char path[300], one[300];
    const char *b, *v, *err;
    char *out;
    workbook_t w, w1;
    snprintf(path, sizeof path, "%s/410621-2017-06.xlsx", dir);
    snprintf(one, sizeof one, "%s/410602-2017-06.xlsx", dir);
    cr_assert_eq(yuebao("tpl", &out, &err, "template", "--county", "410621", "--period", "2017-06", "-o",
                        path, "--master", city(), "--store", P("%s/none.db", dir), NULL),
                 0, "%s", err);
    free(out);
    cr_assert_eq(yuebao("tpl1", &out, &err, "template", "--county", "鹤山区", "--period", "2017-06", "-o",
                        one, "--master", city(), "--store", P("%s/none.db", dir), NULL),
                 0, "%s", err);
    free(out);
    workbook_open(&w, path);

    /* the five sheets, in order; _yuebao veryHidden, the others visible */
    b = w.book;
    const char *s1 = strstr(b, "<sheet name=\"主要指标\" sheetId=\"1\" r:id=\"rId1\"/>");
    const char *s2 = strstr(b, "<sheet name=\"重点项目\" sheetId=\"2\" r:id=\"rId2\"/>");
    const char *s3 = strstr(b, "<sheet name=\"存在问题及下一步措施\" sheetId=\"3\" r:id=\"rId3\"/>");
    const char *s4 = strstr(b, "<sheet name=\"重点企业运行\" sheetId=\"4\" r:id=\"rId4\"/>");
    const char *s5 = strstr(b, "<sheet name=\"_yuebao\" sheetId=\"5\" state=\"veryHidden\" r:id=\"rId5\"/>");
    cr_assert(s1 && s2 && s3 && s4 && s5 && s1 < s2 && s2 < s3 && s3 < s4 && s4 < s5, "five sheets in order:\n%s",
              b);
    cr_assert_null(strstr(b, "state=\"hidden\""), "no sheet merely hidden:\n%s", b);

    /* _yuebao: what the template is */
    cr_assert_str_eq(cell_text(&w, YB, "A1"), "yuebao-template");
    cr_assert_str_eq(cell_text(&w, YB, "B1"), "1", "the template version");
    cr_assert_null(strstr(cell_xml(w.sheet[YB], "B1"), "t=\"s\""), "the version is a number");
    cr_assert_str_eq(cell_text(&w, YB, "A2"), "county");
    cr_assert_str_eq(cell_text(&w, YB, "B2"), "410621");
    cr_assert_not_null(strstr(cell_xml(w.sheet[YB], "B2"), "t=\"s\""), "the county code is text");
    cr_assert_str_eq(cell_text(&w, YB, "A3"), "period");
    cr_assert_str_eq(cell_text(&w, YB, "B3"), "2017-06");
    for (int i = 0; i < 5; i++)
        cr_assert_not_null(strstr(w.sheet[i], "<sheetProtection sheet=\"1\""), "sheet %d is protected",
                           i + 1);

    /* 主要指标: title, header, a row per zone × indicator in master order */
    cr_assert_str_eq(cell_text(&w, 0, "A1"), "浚县 2017年1-6月 产业集聚区主要指标月报");
    cr_assert_not_null(strstr(w.sheet[0], "<mergeCell ref=\"A1:J1\"/>"), "the title spans the columns");
    assert_header(&w, 0, main_head, 10);
    cr_assert_eq(n_rows(w.sheet[0]), 3 + 2 * 14, "title, note, header, 2 zones × 14 indicators");
    cr_assert_str_eq(cell_text(&w, 0, "A4"), "liyang");
    cr_assert_str_eq(cell_text(&w, 0, "B4"), "浚县黎阳专业园区");
    cr_assert_str_eq(cell_text(&w, 0, "C4"), "revenue");
    cr_assert_str_eq(cell_text(&w, 0, "D4"), "主营业务收入");
    cr_assert_str_eq(cell_text(&w, 0, "E4"), "万元");
    cr_assert_str_eq(cell_text(&w, 0, "C7"), "employees");
    cr_assert_str_eq(cell_text(&w, 0, "E7"), "人");
    cr_assert_str_eq(cell_text(&w, 0, "C17"), "idle_revival", "liyang's last indicator");
    cr_assert_str_eq(cell_text(&w, 0, "A18"), "xunxian");
    cr_assert_str_eq(cell_text(&w, 0, "C18"), "revenue");
    cr_assert_str_eq(cell_text(&w, 0, "C31"), "idle_revival");
    cr_assert_str_eq(cell_xml(w.sheet[0], "A32"), "", "no row after the last");
    cr_assert_str_eq(cell_value(w.sheet[0], "F4"), "", "no store: 上期 empty");
    workbook_open(&w1, one);
    cr_assert_eq(n_rows(w1.sheet[0]), 3 + 14, "鹤山区: one zone");
    cr_assert_str_eq(cell_text(&w1, 0, "A1"), "鹤山区 2017年1-6月 产业集聚区主要指标月报");
    cr_assert_str_eq(cell_text(&w1, 0, "A17"), "baoshan");
    cr_assert_str_eq(cell_text(&w1, YB, "B2"), "410602");
    workbook_close(&w1);

    /* locked and grey for reference, unlocked and yellow to fill */
    cr_assert(cell_locked(&w, 0, "A4") && cell_locked(&w, 0, "E4"), "names and units are locked");
    cr_assert(cell_locked(&w, 0, "F4") && cell_locked(&w, 0, "G4"), "上期 is locked");
    cr_assert_str_eq(cell_fill(&w, 0, "F4"), "FFD9D9D9", "上期 is grey");
    cr_assert(!cell_locked(&w, 0, "H4") && !cell_locked(&w, 0, "I4") && !cell_locked(&w, 0, "J4"),
              "本年累计, 同比增长 and 说明 are to fill");
    cr_assert_str_eq(cell_fill(&w, 0, "H4"), "FFFFFF99", "yellow");
    cr_assert_str_eq(cell_fill(&w, 0, "J4"), "FFFFFF99");
    cr_assert(cell_locked(&w, 0, "I9"), "rd_share has no growth: locked");
    cr_assert_str_eq(cell_fill(&w, 0, "I9"), "FFD9D9D9", "and grey");
    cr_assert(!cell_locked(&w, 0, "H9"), "its amount is still to fill");

    /* validation: decimals, the unit in the prompt */
    v = validation_of(w.sheet[0], "H4");
    cr_assert_not_null(strstr(v, "type=\"decimal\""), "%s", v);
    cr_assert_not_null(strstr(v, "prompt=\"单位：万元"), "%s", v);
    cr_assert_not_null(strstr(v, "<formula1>0</formula1>"), "revenue is never negative: %s", v);
    v = validation_of(w.sheet[0], "H7");
    cr_assert_not_null(strstr(v, "prompt=\"单位：人"), "employees: %s", v);
    v = validation_of(w.sheet[0], "H9");
    cr_assert_not_null(strstr(v, "prompt=\"单位：%"), "rd_share: %s", v);
    cr_assert_not_null(strstr(v, "<formula2>100</formula2>"), "a percentage lies in 0..100: %s", v);
    v = validation_of(w.sheet[0], "I4");
    cr_assert_not_null(strstr(v, "type=\"decimal\""), "%s", v);
    cr_assert_not_null(strstr(v, "operator=\"greaterThan\""), "%s", v);
    cr_assert_not_null(strstr(v, "prompt=\"单位：%"), "%s", v);
    cr_assert_not_null(strstr(v, "<formula1>-100</formula1>"), "%s", v);
    cr_assert_str_eq(validation_of(w.sheet[0], "I9"), "", "no growth to validate for rd_share");
    cr_assert_not_null(strstr(validation_of(w.sheet[0], "H31"), "type=\"decimal\""), "the last row too");
    cr_assert_not_null(strstr(validation_of(w.sheet[0], "J4:J31"), "type=\"textLength\""), "说明's length");

    /* print setup, frozen header */
    cr_assert_not_null(strstr(w.sheet[0], "orientation=\"landscape\""), "landscape");
    cr_assert_not_null(strstr(w.sheet[0], "paperSize=\"9\""), "A4");
    cr_assert_not_null(strstr(w.sheet[0], "<pageSetUpPr fitToPage=\"1\"/>"), "fit to the page");
    cr_assert_not_null(strstr(w.sheet[0], "fitToHeight=\"0\""), "one page wide, as many long as it takes");
    cr_assert_not_null(
        strstr(b, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'主要指标'!$1:$3"),
        "rows 1-3 repeat on every page:\n%s", b);
    cr_assert_not_null(strstr(w.sheet[0], "ySplit=\"3\""), "the header is frozen");
    cr_assert_not_null(strstr(w.sheet[0], "<col min=\"4\" max=\"4\" width=\"2"), "指标名称 is wide enough");

    /* 重点项目: the header, 50 rows to fill, the county's zones to choose from */
    cr_assert_str_eq(cell_text(&w, 1, "A1"), "浚县 2017年1-6月 重点项目进展情况");
    assert_header(&w, 1, proj_head, 6);
    cr_assert_eq(n_rows(w.sheet[1]), 3 + 50);
    cr_assert(!cell_locked(&w, 1, "A4") && !cell_locked(&w, 1, "F53"), "the rows are to fill");
    v = validation_of(w.sheet[1], "A4:A53");
    cr_assert_not_null(strstr(v, "<formula1>\"liyang,xunxian\"</formula1>"), "%s", v);
    v = validation_of(w.sheet[1], "D4:E53");
    cr_assert_not_null(strstr(v, "type=\"decimal\""), "%s", v);
    cr_assert_not_null(strstr(v, "prompt=\"单位：万元"), "%s", v);
    v = validation_of(w.sheet[1], "F4:F53");
    cr_assert_not_null(strstr(v, "type=\"list\""), "%s", v);
    cr_assert_not_null(strstr(v, "under_construction"), "%s", v);

    /* 存在问题及下一步措施: a row per zone, the texts to fill */
    cr_assert_str_eq(cell_text(&w, 2, "A1"), "浚县 2017年1-6月 存在问题及下一步措施");
    assert_header(&w, 2, text_head, 4);
    cr_assert_eq(n_rows(w.sheet[2]), 3 + 2);
    cr_assert_str_eq(cell_text(&w, 2, "A4"), "liyang");
    cr_assert_str_eq(cell_text(&w, 2, "B5"), "浚县产业集聚区");
    cr_assert(cell_locked(&w, 2, "B4") && !cell_locked(&w, 2, "C4") && !cell_locked(&w, 2, "D5"));
    cr_assert_not_null(strstr(cell_xf(w.styles, cell_style(w.sheet[2], "C4")), "wrapText=\"1\""), "wrapped");

    /* 重点企业运行: the header, 100 rows to fill; the code a text cell of 18 characters, the
     * status one of the list, the amounts and growth rates numbers */
    cr_assert_str_eq(cell_text(&w, 3, "A1"), "浚县 2017年1-6月 重点企业运行情况");
    assert_header(&w, 3, ent_head, 10);
    cr_assert_eq(n_rows(w.sheet[3]), 3 + 100);
    cr_assert(!cell_locked(&w, 3, "A4") && !cell_locked(&w, 3, "J103"), "the rows are to fill");
    cr_assert_not_null(strstr(cell_xf(w.styles, cell_style(w.sheet[3], "B4")), "numFmtId=\"49\""),
                       "the code cells are text (@), so Excel keeps every digit");
    v = validation_of(w.sheet[3], "A4:A103");
    cr_assert_not_null(strstr(v, "<formula1>\"liyang,xunxian\"</formula1>"), "%s", v);
    v = validation_of(w.sheet[3], "B4:B103");
    cr_assert_not_null(strstr(v, "type=\"textLength\""), "%s", v);
    cr_assert_not_null(strstr(v, "<formula1>18</formula1>"), "%s", v);
    v = validation_of(w.sheet[3], "E4:E103");
    cr_assert_not_null(strstr(v, "prompt=\"单位：万元"), "%s", v);
    v = validation_of(w.sheet[3], "F4:F103");
    cr_assert_not_null(strstr(v, "<formula1>-100</formula1>"), "%s", v);
    v = validation_of(w.sheet[3], "I4:I103");
    cr_assert_not_null(strstr(v, "type=\"list\""), "%s", v);
    cr_assert_not_null(strstr(v, "正常生产,减产,停产,半停产,停产整顿,新投产"), "%s", v);
    workbook_close(&w);
}

Test(e2e_template, the_previous_period_from_the_store) {
    char path[300];
    const char *err;
    char *out;
    workbook_t w;
    snprintf(path, sizeof path, "%s/410621-2017-06.xlsx", dir);
    start_aggregator(NULL, NULL);
    cr_assert_eq(e2e_submit(P("%s/may", dir), &out, "410621", agg.listen, P("%s/outbox.db", dir),
                            e2e_sample("reports/2017-05/410621.csv"), NULL),
                 0, "%s", out);
    free(out);
    cr_assert_eq(yuebao("june", &out, &err, "template", "--county", "410621", "--period", "2017-06", "-o",
                        path, "--master", city(), "--store", agg.store, NULL),
                 0, "%s", err);
    cr_assert_not_null(strstr(out, "上期 = 2017-05 from"), "%s", out);
    cr_assert_not_null(strstr(out, "(2 of 2 zones reported)"), "%s", out);
    free(out);
    workbook_open(&w, path);
    /* as numbers: libxlsxwriter writes 16 digits, 9.8 as 9.800000000000001, the same double */
    cr_assert_eq(cell_number(w.sheet[0], "F4"), 195192.7, "liyang's May revenue: %s",
                 cell_xml(w.sheet[0], "F4"));
    cr_assert_eq(cell_number(w.sheet[0], "G4"), 9.8, "and its growth: %s", cell_xml(w.sheet[0], "G4"));
    cr_assert_eq(cell_number(w.sheet[0], "F18"), 926702.2, "xunxian's May revenue");
    cr_assert_eq(cell_number(w.sheet[0], "G18"), 11.7);
    cr_assert_eq(cell_number(w.sheet[0], "F23"), 2.27, "xunxian's rd_share");
    cr_assert_str_eq(cell_value(w.sheet[0], "G23"), "", "which has no growth");
    cr_assert_str_eq(cell_value(w.sheet[0], "H4"), "",
                     "本年累计 stays empty: nothing is reported for the county");
    workbook_close(&w);

    /* February is the year's first report: nothing before it */
    cr_assert_eq(yuebao("feb", &out, &err, "template", "--county", "410621", "--period", "2017-02", "-o",
                        P("%s/feb.xlsx", dir), "--master", city(), "--store", agg.store, NULL),
                 0, "%s", err);
    cr_assert_not_null(strstr(out, "2017年1-2月"), "%s", out);
    cr_assert_not_null(strstr(out, "上期 empty: 2017-02 is the year's first report"), "%s", out);
    free(out);
    /* a store without the previous period's reports */
    cr_assert_eq(yuebao("aug", &out, &err, "template", "--county", "410621", "--period", "2017-08", "-o",
                        P("%s/aug.xlsx", dir), "--master", city(), "--store", agg.store, NULL),
                 0, "%s", err);
    cr_assert_not_null(strstr(out, "上期 empty: no report of 2017-07 in"), "%s", out);
    free(out);
    stop_aggregator();
}

/* January follows the city's policy (city.csv), or --no-merge-jan-feb. */
Test(e2e_template, january_alone_where_the_city_reports_it) {
    static const char *const files[] = {"regions.csv", "indicators.csv"};
    char path[300], master[300];
    const char *err;
    char *out;
    workbook_t w;
    FILE *f;
    snprintf(path, sizeof path, "%s/jan.xlsx", dir);
    cr_assert_eq(yuebao("jan", &out, &err, "template", "--county", "410621", "--period", "2017-01",
                        "--no-merge-jan-feb", "-o", path, "--master", city(), NULL),
                 0, "%s", err);
    cr_assert_not_null(strstr(out, "2017年1月"), "%s", out);
    free(out);
    workbook_open(&w, path);
    cr_assert_str_eq(cell_text(&w, 0, "A1"), "浚县 2017年1月 产业集聚区主要指标月报");
    cr_assert_str_eq(cell_text(&w, YB, "B3"), "2017-01");
    workbook_close(&w);
    /* a city whose city.csv reports January alone: no option needed, and February's
     * 上期 is January */
    snprintf(master, sizeof master, "%s/master", dir);
    cr_assert_eq(mkdir(master, 0755), 0);
    for (size_t i = 0; i < 2; i++)
        cr_assert_eq(e2e_copy(e2e_sample(files[i]), P("%s/%s", master, files[i])), 0);
    cr_assert_not_null(f = fopen(P("%s/city.csv", master), "w"));
    fputs("setting,value,note\nmerge_jan_feb,no,1月单独报送\n", f);
    fclose(f);
    cr_assert_eq(yuebao("jan-city", &out, &err, "template", "--county", "410621", "--period", "2017-01", "-o",
                        P("%s/jan-city.xlsx", dir), "--master", master, NULL),
                 0, "%s", err);
    cr_assert_not_null(strstr(out, "上期 empty: 2017-01 is the year's first report"), "%s", out);
    free(out);
    cr_assert_eq(yuebao("feb-city", &out, &err, "template", "--county", "410621", "--period", "2017-02", "-o",
                        P("%s/feb-city.xlsx", dir), "--master", master, "--store", P("%s/none.db", dir),
                        NULL),
                 0, "%s", err);
    cr_assert_not_null(strstr(out, "2017年1-2月"), "%s", out);
    cr_assert_not_null(strstr(out, "上期 (2017-01) empty"), "%s", out);
    free(out);
}

/* A county with more zones than an Excel list holds (255 characters): 重点项目's zone
 * codes are checked against the ones on 存在问题及下一步措施 (no dropdown: see
 * cli_template.c's zone_list). */
Test(e2e_template, a_long_zone_list_is_checked_against_the_sheet) {
    char master[300];
    const char *err, *v;
    char *out;
    workbook_t w;
    FILE *f;
    snprintf(master, sizeof master, "%s/master", dir);
    cr_assert_eq(mkdir(master, 0755), 0);
    cr_assert_eq(e2e_copy(e2e_sample("indicators.csv"), P("%s/indicators.csv", master)), 0);
    cr_assert_not_null(f = fopen(P("%s/regions.csv", master), "w"));
    fputs("county,county_name,zone,zone_name,lead_industries\n", f);
    for (int i = 1; i <= 30; i++)
        fprintf(f, "410621,浚县,zone_number_%02d,第%d园区,食品\n", i, i);
    fclose(f);
    cr_assert_eq(yuebao("many", &out, &err, "template", "--county", "410621", "--period", "2017-06", "-o",
                        P("%s/many.xlsx", dir), "--master", master, NULL),
                 0, "%s", err);
    cr_assert_not_null(strstr(out, "30 zones × 14 indicators"), "%s", out);
    free(out);
    workbook_open(&w, P("%s/many.xlsx", dir));
    cr_assert_eq(n_rows(w.sheet[0]), 3 + 30 * 14);
    v = validation_of(w.sheet[1], "A4:A53");
    cr_assert_not_null(strstr(v, "type=\"custom\""), "%s", v);
    cr_assert_not_null(strstr(v, "<formula1>COUNTIF('存在问题及下一步措施'!$A$4:$A$33,A4)&gt;0</formula1>"),
                       "%s", v);
    cr_assert_str_eq(cell_text(&w, 2, "A33"), "zone_number_30", "the list's last cell holds the last zone");
    workbook_close(&w);
}

Test(e2e_template, has_its_own_help) {
    char *out;
    const char *err;
    cr_assert_eq(yuebao("help", &out, &err, "template", "--help", NULL), 0, "%s", err);
    cr_assert_eq(strncmp(out, "usage: yuebao template --county C --period P", 44), 0, "%s", out);
    cr_assert_not_null(strstr(out, "--force"), "%s", out);
    cr_assert_null(strstr(out, "--scores"), "not another command's options:\n%s", out);
    free(out);
    cr_assert_eq(yuebao("list", &out, &err, "--help", NULL), 0, "%s", err);
    cr_assert_not_null(strstr(out, "  template  a county's monthly report workbook"), "%s", out);
    free(out);
    cr_assert_eq(yuebao("scores", &out, &err, "template", "--scores", "x.db", NULL), 2);
    cr_assert_not_null(strstr(err, "--scores is not an option of template"), "%s", err);
    free(out);
}
