/* test_xlsx.c - real workbooks into tables: what Excel-made files hold, and what a ZIP
 * can do to a reader that trusts it.
 *
 * Two kinds of fixture, both built inside the tests so each one's content is in view:
 * workbooks written by libxlsxwriter (a real writer, as Excel's files are: shared
 * strings, styles with number formats, merged ranges, hidden rows and sheets), and
 * minimal ZIPs written part by part with libzip for what libxlsxwriter never writes
 * (inline rich text, sheets whose file names are not in order, skipped cells, t="e",
 * veryHidden, bombs, damaged and foreign files). Every test checks each cell's kind,
 * text and number, and every failure's message for the words a desk officer acts on.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "table.h"
#include "xlsx.h"

static char dir[64];
static char path[128]; /* the workbook of the test: dir/t.xlsx */
static table_t t;
static char err[512];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/yb_xlsx_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.xlsx", dir);
    memset(&t, 0, sizeof t);
    err[0] = '\0';
}

static void teardown(void) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    table_free(&t);
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    if (d) closedir(d);
    rmdir(dir);
}

TestSuite(xlsx, .init = setup, .fini = teardown);

/* --- reading helpers ------------------------------------------------------------ */

static void read_ok(void) {
    int rc = xlsx_read(path, &t, err, sizeof err);
    cr_assert_eq(rc, 0, "xlsx_read: %s", err);
    cr_assert(t.is_workbook);
}

/* Reads the workbook expecting a refusal whose message holds each of the words. */
static void read_fails(const char *w1, const char *w2) {
    int rc = xlsx_read(path, &t, err, sizeof err);
    cr_assert_eq(rc, -1, "xlsx_read accepted what it should refuse");
    cr_assert_eq(t.n_sheets, 0, "a failed read leaves the table empty");
    cr_assert_null(t.sheets);
    cr_assert_eq(strncmp(err, path, strlen(path)), 0, "message names the file: %s", err);
    cr_assert_not_null(strstr(err, w1), "message \"%s\" lacks \"%s\"", err, w1);
    if (w2) cr_assert_not_null(strstr(err, w2), "message \"%s\" lacks \"%s\"", err, w2);
}

static const table_sheet_t *sheet(size_t i) {
    cr_assert_lt(i, t.n_sheets, "sheet %zu of %zu", i, t.n_sheets);
    return &t.sheets[i];
}

static const table_row_t *row(size_t s, unsigned ref) {
    const table_sheet_t *sh = sheet(s);
    for (size_t i = 0; i < sh->n_rows; i++)
        if (sh->rows[i].ref == ref) return &sh->rows[i];
    cr_assert_fail("sheet %zu has no row %u", s, ref);
    return NULL;
}

/* The cell named name ("D7") of sheet s; it must be stored (inside its row's cells). */
static const table_cell_t *cell(size_t s, const char *name) {
    size_t col;
    unsigned r;
    cr_assert_eq(table_cell_parse(name, &col, &r), 0, "bad cell name %s", name);
    const table_row_t *rw = row(s, r);
    cr_assert_lt(col, rw->n_cells, "%s: row %u has only %zu cells", name, r, rw->n_cells);
    return &rw->cells[col];
}

static void is_text(size_t s, const char *name, const char *text) {
    const table_cell_t *c = cell(s, name);
    cr_assert_eq(c->kind, TABLE_TEXT, "%s: kind %d, not TEXT (text \"%s\")", name, c->kind, c->text);
    cr_assert_str_eq(c->text, text, "%s", name);
    cr_assert(!c->is_date, "%s", name);
}

static void is_number(size_t s, const char *name, double v, const char *text) {
    const table_cell_t *c = cell(s, name);
    cr_assert_eq(c->kind, TABLE_NUMBER, "%s: kind %d, not NUMBER (text \"%s\")", name, c->kind, c->text);
    cr_assert(fabs(c->number - v) < 1e-9, "%s: %.17g, not %.17g", name, c->number, v);
    cr_assert_str_eq(c->text, text, "%s", name);
}

static void is_empty(size_t s, const char *name) {
    const table_cell_t *c = cell(s, name);
    cr_assert_eq(c->kind, TABLE_EMPTY, "%s: kind %d, not EMPTY (text \"%s\")", name, c->kind, c->text);
    cr_assert_str_eq(c->text, "", "%s", name);
    cr_assert(!c->is_date && !c->from_formula, "%s", name);
}

/* --- hand-built packages -------------------------------------------------------- */

typedef struct {
    const char *name;
    const void *data;
    size_t len; /* 0: strlen(data) */
} part_t;

static void zip_make(const char *where, const part_t *parts, size_t n) {
    int code = 0;
    zip_t *za = zip_open(where, ZIP_CREATE | ZIP_TRUNCATE, &code);
    cr_assert_not_null(za, "zip_open %s: %d", where, code);
    for (size_t i = 0; i < n; i++) {
        size_t len = parts[i].len ? parts[i].len : strlen(parts[i].data);
        zip_source_t *src = zip_source_buffer(za, parts[i].data, len, 0);
        cr_assert_not_null(src);
        zip_int64_t idx = zip_file_add(za, parts[i].name, src, ZIP_FL_OVERWRITE);
        cr_assert_geq(idx, 0, "zip_file_add %s: %s", parts[i].name, zip_strerror(za));
        zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 1);
    }
    cr_assert_eq(zip_close(za), 0, "zip_close: %s", zip_strerror(za));
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define REL(id, type, target) "<Relationship Id=\"" id "\" Type=\"" NS_R "/" type "\" Target=\"" target "\"/>"
#define RELS(body) XML_DECL "<Relationships xmlns=\"" NS_PKG "\">" body "</Relationships>"
#define ROOT_RELS RELS(REL("rId1", "officeDocument", "xl/workbook.xml"))
#define WORKBOOK(sheets)                                                                                     \
    XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>" sheets "</sheets></workbook>"
#define SHEET(data) XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" data "</sheetData></worksheet>"
#define SST(body) XML_DECL "<sst xmlns=\"" NS_MAIN "\">" body "</sst>"

/* A workbook of one sheet "S" with this sheet part, and shared strings if sst. */
static void one_sheet(const char *sheet_xml, const char *sst) {
    part_t parts[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml", WORKBOOK("<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"), 0},
        {"xl/_rels/workbook.xml.rels",
         RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")
                  REL("rId2", "sharedStrings", "sharedStrings.xml")),
         0},
        {"xl/worksheets/sheet1.xml", sheet_xml, 0},
        {"xl/sharedStrings.xml", sst, 0},
    };
    zip_make(path, parts, sst ? 5 : 4);
}

static void write_file(const char *where, const void *data, size_t len) {
    FILE *f = fopen(where, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

/* --- workbooks written by libxlsxwriter ----------------------------------------- */

Test(xlsx, shared_strings_numbers_text_booleans_formulas) {
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "主要指标");
    worksheet_write_string(ws, 0, 0, "园区代码", NULL);
    worksheet_write_string(ws, 0, 1, "本年累计", NULL);
    worksheet_write_string(ws, 1, 0, "410602", NULL); /* a code stored as text */
    worksheet_write_number(ws, 1, 1, 1234.5, NULL);
    worksheet_write_string(ws, 2, 0, "007", NULL); /* leading zeros, as typed */
    worksheet_write_number(ws, 2, 1, -0.25, NULL);
    worksheet_write_number(ws, 2, 2, 1e15, NULL);
    worksheet_write_boolean(ws, 3, 0, 1, NULL);
    worksheet_write_boolean(ws, 3, 1, 0, NULL);
    worksheet_write_formula_num(ws, 4, 0, "=B2*2", NULL, 2469);
    worksheet_write_formula_str(ws, 4, 1, "=\"00\"&\"7\"", NULL, "007");
    worksheet_write_string(ws, 5, 0, "园区代码", NULL); /* the same shared string again */
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);

    read_ok();
    cr_assert_eq(t.n_sheets, 1);
    cr_assert_str_eq(sheet(0)->name, "主要指标");
    cr_assert_eq(sheet(0)->state, 0);
    cr_assert_eq(sheet(0)->n_rows, 6);
    is_text(0, "A1", "园区代码");
    is_text(0, "B1", "本年累计");
    is_text(0, "A2", "410602");
    is_number(0, "B2", 1234.5, "1234.5");
    is_text(0, "A3", "007");
    is_number(0, "B3", -0.25, "-0.25");
    is_number(0, "C3", 1e15, "1000000000000000");
    is_text(0, "A4", "TRUE");
    is_text(0, "B4", "FALSE");
    is_number(0, "A5", 2469, "2469");
    cr_assert(cell(0, "A5")->from_formula);
    is_text(0, "B5", "007");
    cr_assert(cell(0, "B5")->from_formula);
    cr_assert(!cell(0, "B2")->from_formula && !cell(0, "A2")->from_formula);
    is_text(0, "A6", "园区代码");
    cr_assert_eq(row(0, 1)->n_cells, 2);
    cr_assert_eq(row(0, 3)->n_cells, 3);
    cr_assert_eq(sheet(0)->rows[0].ref, 1);
    cr_assert_eq(sheet(0)->rows[5].ref, 6);
}

Test(xlsx, dates_from_builtin_and_custom_formats) {
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Sheet1");
    lxw_format *iso = workbook_add_format(wb), *b14 = workbook_add_format(wb), *cn = workbook_add_format(wb);
    lxw_format *hm = workbook_add_format(wb), *b22 = workbook_add_format(wb),
               *money = workbook_add_format(wb);
    lxw_format *red = workbook_add_format(wb), *b2 = workbook_add_format(wb), *pct = workbook_add_format(wb);
    lxw_format *esc = workbook_add_format(wb);
    lxw_datetime jun1 = {2017, 6, 1, 0, 0, 0}, noon = {2017, 6, 1, 12, 0, 0};
    format_set_num_format(iso, "yyyy-mm-dd");
    format_set_num_format_index(b14, 14);
    format_set_num_format(cn, "yyyy\"年\"m\"月\"");
    format_set_num_format(hm, "[h]:mm");
    format_set_num_format_index(b22, 22);
    format_set_num_format(money, "#,##0.00\"万元 (d)\""); /* y, m, d only inside quotes */
    format_set_num_format(red, "[Red]0.0;[Blue]-0.0");    /* ... and inside brackets */
    format_set_num_format_index(b2, 2);                   /* 0.00 */
    format_set_num_format(pct, "0.0%");
    format_set_num_format(esc, "0\\d"); /* an escaped d */
    worksheet_write_datetime(ws, 0, 0, &jun1, iso);
    worksheet_write_number(ws, 0, 1, 42887, b14);
    worksheet_write_number(ws, 0, 2, 42887, cn);
    worksheet_write_number(ws, 0, 3, 1.5, hm);
    worksheet_write_datetime(ws, 0, 4, &noon, b22);
    worksheet_write_number(ws, 1, 0, 42887, money);
    worksheet_write_number(ws, 1, 1, 42887, red);
    worksheet_write_number(ws, 1, 2, 42887, b2);
    worksheet_write_number(ws, 1, 3, 0.125, pct);
    worksheet_write_number(ws, 1, 4, 7, esc);
    worksheet_write_number(ws, 1, 5, 42887, NULL);
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);

    read_ok();
    is_number(0, "A1", 42887, "42887");
    is_number(0, "B1", 42887, "42887");
    is_number(0, "C1", 42887, "42887");
    is_number(0, "D1", 1.5, "1.5");
    is_number(0, "E1", 42887.5, "42887.5");
    for (const char *const *n = (const char *const[]){"A1", "B1", "C1", "D1", "E1", NULL}; *n; n++)
        cr_assert(cell(0, *n)->is_date, "%s is a date", *n);
    is_number(0, "A2", 42887, "42887");
    is_number(0, "B2", 42887, "42887");
    is_number(0, "C2", 42887, "42887");
    is_number(0, "D2", 0.125, "0.125");
    is_number(0, "E2", 7, "7");
    is_number(0, "F2", 42887, "42887");
    for (const char *const *n = (const char *const[]){"A2", "B2", "C2", "D2", "E2", "F2", NULL}; *n; n++)
        cr_assert(!cell(0, *n)->is_date, "%s is not a date", *n);
}

Test(xlsx, merged_title_and_hidden_rows_and_sheets) {
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "主要指标");
    lxw_worksheet *notes = workbook_add_worksheet(wb, "说明");
    lxw_worksheet *secret = workbook_add_worksheet(wb, "_hidden");
    lxw_row_col_options hide = {.hidden = 1};
    worksheet_merge_range(ws, 0, 0, 0, 9, "鹤山区 2017年1-6月 产业集聚区主要指标月报", NULL);
    worksheet_merge_range(ws, 1, 0, 1, 9, "请在黄色单元格填写本年累计数", NULL);
    worksheet_write_string(ws, 2, 0, "园区代码", NULL);
    worksheet_write_string(ws, 2, 9, "说明", NULL);
    worksheet_write_string(ws, 3, 0, "Z01", NULL);
    worksheet_write_number(ws, 3, 7, 10, NULL);
    worksheet_set_row_opt(ws, 3, LXW_DEF_ROW_HEIGHT, NULL, &hide);
    worksheet_merge_range(ws, 4, 1, 6, 2, "two by three", NULL);
    worksheet_write_string(notes, 0, 0, "note", NULL);
    worksheet_write_string(secret, 0, 0, "yuebao-template", NULL);
    worksheet_hide(secret);
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);

    read_ok();
    cr_assert_eq(t.n_sheets, 3);
    cr_assert_str_eq(sheet(0)->name, "主要指标");
    cr_assert_str_eq(sheet(1)->name, "说明");
    cr_assert_str_eq(sheet(2)->name, "_hidden");
    cr_assert_eq(sheet(0)->state, 0);
    cr_assert_eq(sheet(1)->state, 0);
    cr_assert_eq(sheet(2)->state, 1);
    is_text(0, "A1", "鹤山区 2017年1-6月 产业集聚区主要指标月报");
    cr_assert_eq(row(0, 1)->n_cells, 1, "the rest of a merged title is no cell");
    is_text(0, "A2", "请在黄色单元格填写本年累计数");
    cr_assert_eq(row(0, 2)->n_cells, 1);
    is_text(0, "A3", "园区代码");
    for (const char *const *n = (const char *const[]){"B3", "C3", "D3", "E3", "F3", "G3", "H3", "I3", NULL};
         *n; n++)
        is_empty(0, *n);
    is_text(0, "J3", "说明");
    cr_assert(!row(0, 3)->hidden);
    cr_assert(row(0, 4)->hidden);
    is_text(0, "A4", "Z01");
    is_number(0, "H4", 10, "10");
    is_text(0, "B5", "two by three");
    cr_assert_eq(row(0, 5)->n_cells, 2);
    cr_assert_eq(sheet(0)->n_rows, 5, "rows 6 and 7 of the merged range hold nothing");
    is_text(1, "A1", "note");
    is_text(2, "A1", "yuebao-template");
    cr_assert_eq(table_sheet_find(&t, "_hidden"), sheet(2));
}

Test(xlsx, rich_strings_and_constant_memory_strings) {
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "S");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_rich_string_tuple f1 = {.format = NULL, .string = "本年"}, f2 = {.format = bold, .string = "累计"};
    lxw_rich_string_tuple f3 = {.format = NULL, .string = " (万元)"};
    lxw_rich_string_tuple *rich[] = {&f1, &f2, &f3, NULL};
    worksheet_write_rich_string(ws, 0, 0, rich, NULL);
    worksheet_write_string(ws, 0, 1, "  spaces kept  ", NULL);
    worksheet_write_string(ws, 0, 2, "a & b <c> \"d\"", NULL);
    worksheet_write_string(ws, 0, 3, "line 1\nline 2", NULL);
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
    read_ok();
    is_text(0, "A1", "本年累计 (万元)");
    is_text(0, "B1", "  spaces kept  ");
    is_text(0, "C1", "a & b <c> \"d\"");
    is_text(0, "D1", "line 1\nline 2");
    table_free(&t);

    /* libxlsxwriter's constant-memory mode writes strings another way (inline); the
     * cells read the same. */
    wb = workbook_new_opt(path, &opt);
    ws = workbook_add_worksheet(wb, "S");
    worksheet_write_string(ws, 0, 0, "园区名称", NULL);
    worksheet_write_number(ws, 0, 1, 3.25, NULL);
    worksheet_write_string(ws, 1, 0, "  x  ", NULL);
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
    read_ok();
    is_text(0, "A1", "园区名称");
    is_number(0, "B1", 3.25, "3.25");
    is_text(0, "A2", "  x  ");
}

/* --- hand-built parts: what libxlsxwriter never writes -------------------------- */

Test(xlsx, inline_strings_runs_entities_and_escapes) {
    one_sheet(
        SHEET(
            "<row r=\"1\">"
            "<c r=\"A1\" t=\"inlineStr\"><is><t>plain</t></is></c>"
            "<c r=\"B1\" t=\"inlineStr\"><is><r><rPr><b/></rPr><t>本年</t></r>"
            "<r><t xml:space=\"preserve\"> 累计 </t></r></is></c>"
            "<c r=\"C1\" t=\"inlineStr\"><is><t>&lt;&amp;&gt; &#x4E07;&#20803; &quot;&apos;</t></is></c>"
            "<c r=\"D1\" t=\"inlineStr\"><is><t>a_x000D_\nb _x005F_x000D_ _x4e07_</t></is></c>"
            "<c r=\"E1\" t=\"inlineStr\"><is><t>a\tb_x0001_</t></is></c>"
            "<c r=\"F1\" t=\"inlineStr\"><is><t>_xD83D__xDE00_ _xZZZZ_ _x0000_ _xD83D_</t></is></c>"
            "<c r=\"G1\" t=\"inlineStr\"><is><t></t></is></c>"
            "<c r=\"H1\" t=\"inlineStr\"><is><t>last</t></is></c>"
            "</row><row r=\"2\">"
            "<c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\" t=\"s\"><v>1</v></c><c r=\"C2\" t=\"s\"><v>2</v></c>"
            "<c r=\"D2\" t=\"s\"><v>3</v></c><c r=\"E2\" t=\"s\"><v>4</v></c>"
            "</row>"),
        SST("<si><t xml:space=\"preserve\">  两端空格  </t></si>"
            "<si><r><t>鹤山</t></r><r><rPr><sz val=\"9\"/></rPr><t>区</t></r>"
            "<rPh sb=\"0\" eb=\"2\"><t>hèshān</t></rPh><phoneticPr fontId=\"1\"/></si>"
            "<si><t>x&#13;y</t></si>"
            "<si><t/></si>"
            "<si><t>410602</t></si>"));
    read_ok();
    is_text(0, "A1", "plain");
    is_text(0, "B1", "本年 累计 ");
    is_text(0, "C1", "<&> 万元 \"'");
    is_text(0, "D1", "a\r\nb _x000D_ 万");
    is_text(0, "E1", "a\tb\x01"); /* a control character is kept: the reader above judges it */
    is_text(0, "F1", "\xF0\x9F\x98\x80 _xZZZZ_ _x0000_ _xD83D_");
    is_empty(0, "G1");
    is_text(0, "H1", "last");
    is_text(0, "A2", "  两端空格  ");
    is_text(0, "B2", "鹤山区");
    is_text(0, "C2", "x\ry");
    cr_assert_eq(row(0, 2)->n_cells, 5);
    is_empty(0, "D2");
    is_text(0, "E2", "410602");
}

/* Sheets in workbook order, whatever their files are called; state from workbook.xml;
 * relationship targets relative, absolute or climbing; a chart sheet without cells; a
 * prefixed namespace. */
Test(xlsx, sheet_order_from_workbook_and_relationships) {
    part_t parts[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml",
         XML_DECL "<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><x:sheets>"
                  "<x:sheet name=\"第一\" sheetId=\"5\" r:id=\"rId9\"/>"
                  "<x:sheet name=\"second\" sheetId=\"1\" state=\"hidden\" r:id=\"rId2\"/>"
                  "<x:sheet name=\"Chart1\" sheetId=\"2\" r:id=\"rId3\"/>"
                  "<x:sheet name=\"_yuebao\" sheetId=\"3\" state=\"veryHidden\" r:id=\"rId1\"/>"
                  "</x:sheets></x:workbook>",
         0},
        {"xl/_rels/workbook.xml.rels",
         RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")
                  REL("rId2", "worksheet", "/xl/worksheets/data.xml")
                      REL("rId3", "chartsheet", "chartsheets/sheet1.xml")
                          REL("rId9", "worksheet", "./sub/../worksheets/Sheet7.XML")),
         0},
        {"xl/worksheets/sheet1.xml",
         XML_DECL "<x:worksheet xmlns:x=\"" NS_MAIN
                  "\"><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\">"
                  "<x:is><x:t>yuebao-template</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>",
         0},
        {"xl/worksheets/data.xml", SHEET("<row r=\"1\"><c r=\"A1\"><v>2</v></c></row>"), 0},
        {"xl/worksheets/sheet7.xml", SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"), 0},
        {"xl/chartsheets/sheet1.xml", XML_DECL "<chartsheet xmlns=\"" NS_MAIN "\"/>", 0},
    };
    zip_make(path, parts, sizeof parts / sizeof *parts);
    read_ok();
    cr_assert_eq(t.n_sheets, 4);
    cr_assert_str_eq(sheet(0)->name, "第一");
    cr_assert_str_eq(sheet(1)->name, "second");
    cr_assert_str_eq(sheet(2)->name, "Chart1");
    cr_assert_str_eq(sheet(3)->name, "_yuebao");
    cr_assert_eq(sheet(0)->state, 0);
    cr_assert_eq(sheet(1)->state, 1);
    cr_assert_eq(sheet(2)->state, 0);
    cr_assert_eq(sheet(3)->state, 2);
    is_number(0, "A1", 1, "1");
    is_number(1, "A1", 2, "2");
    cr_assert_eq(sheet(2)->n_rows, 0);
    is_text(3, "A1", "yuebao-template");
    cr_assert_eq(table_sheet_find(&t, "_yuebao"), sheet(3));
    cr_assert_eq(table_sheet_find(&t, "second"), sheet(1));
    cr_assert_null(table_sheet_find(&t, "Second"));
}

/* Without _rels/.rels the workbook is where Excel puts it; without shared strings' and
 * styles' relationships, too. */
Test(xlsx, defaults_without_package_relationships) {
    part_t parts[] = {
        {"xl/workbook.xml", WORKBOOK("<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"), 0},
        {"xl/_rels/workbook.xml.rels", RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")), 0},
        {"xl/worksheets/sheet1.xml", SHEET("<row r=\"3\"><c r=\"B3\" t=\"s\"><v>0</v></c></row>"), 0},
        {"xl/sharedStrings.xml", SST("<si><t>found</t></si>"), 0},
    };
    zip_make(path, parts, 4);
    read_ok();
    is_empty(0, "A3");
    is_text(0, "B3", "found");
}

Test(xlsx, skipped_rows_and_cells_filled_as_empty) {
    one_sheet(
        SHEET("<row r=\"2\" spans=\"1:8\"><c r=\"C2\"><v>3</v></c><c r=\"F2\" "
              "t=\"inlineStr\"><is><t>F</t></is></c>"
              "<c r=\"H2\" s=\"0\"/></row>"
              "<row><c><v>1</v></c><c><v>2</v></c><c r=\"E3\"><v>5</v></c><c><v>6</v></c></row>"
              "<row r=\"5\" ht=\"30\" customHeight=\"1\"><c r=\"A5\" s=\"0\"/><c r=\"B5\"><v></v></c></row>"
              "<row r=\"7\"/>"
              "<row r=\"1048576\"><c r=\"XFD1048576\"><v>9</v></c></row>"),
        NULL);
    read_ok();
    cr_assert_eq(sheet(0)->n_rows, 3, "rows 5 and 7 hold nothing");
    cr_assert_eq(sheet(0)->rows[0].ref, 2);
    cr_assert_eq(sheet(0)->rows[1].ref, 3);
    cr_assert_eq(sheet(0)->rows[2].ref, 1048576);
    is_empty(0, "A2");
    is_empty(0, "B2");
    is_number(0, "C2", 3, "3");
    is_empty(0, "D2");
    is_empty(0, "E2");
    is_text(0, "F2", "F");
    cr_assert_eq(row(0, 2)->n_cells, 6, "an empty styled cell does not lengthen the row");
    is_number(0, "A3", 1, "1");
    is_number(0, "B3", 2, "2");
    is_empty(0, "C3");
    is_empty(0, "D3");
    is_number(0, "E3", 5, "5");
    is_number(0, "F3", 6, "6");
    cr_assert_eq(row(0, 1048576)->n_cells, TABLE_MAX_COLS);
    is_number(0, "XFD1048576", 9, "9");
    is_empty(0, "XFC1048576");
}

Test(xlsx, cell_types_errors_formulas_and_text_digits) {
    one_sheet(
        SHEET("<row r=\"1\">"
              "<c r=\"A1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
              "<c r=\"B1\" t=\"e\"><v>#N/A</v></c>"
              "<c r=\"C1\" t=\"str\"><f>TEXT(7,\"000\")</f><v>007</v></c>"
              "<c r=\"D1\" t=\"str\"><v>12.50</v></c>"
              "<c r=\"E1\" t=\"s\"><v>0</v></c>"
              "<c r=\"F1\" t=\"b\"><f>1=1</f><v>1</v></c>"
              "<c r=\"G1\"><f>SUM(A2:B2)</f><v>3.5</v></c>"
              "<c r=\"H1\"><f>NOW()</f></c>"
              "<c r=\"I1\" t=\"n\"><v> 1.25E-3 </v></c>"
              "<c r=\"J1\" t=\"d\"><v>2017-06-01T12:00:00</v></c>"
              "<c r=\"K1\" t=\"d\"><v>sometime</v></c>"
              "<c r=\"L1\" t=\"str\"><f>IF(1,\"\",1)</f><v></v></c>"
              "<c r=\"M1\"><v>-0</v></c>"
              "</row><row r=\"2\"><c r=\"A2\"><f t=\"shared\" ref=\"A2:B2\" si=\"0\">1+1</f><v>2</v></c>"
              "<c r=\"B2\"><f t=\"shared\" si=\"0\"/><v>1.5</v></c></row>"),
        SST("<si><t>2017</t></si>"));
    read_ok();
    is_text(0, "A1", "#DIV/0!");
    cr_assert(cell(0, "A1")->from_formula);
    is_text(0, "B1", "#N/A");
    cr_assert(!cell(0, "B1")->from_formula);
    is_text(0, "C1", "007");
    cr_assert(cell(0, "C1")->from_formula);
    is_text(0, "D1", "12.50");
    is_text(0, "E1", "2017");
    is_text(0, "F1", "TRUE");
    cr_assert(cell(0, "F1")->from_formula);
    is_number(0, "G1", 3.5, "3.5");
    cr_assert(cell(0, "G1")->from_formula);
    is_empty(0, "H1"); /* a formula never calculated has no value */
    is_number(0, "I1", 0.00125, " 1.25E-3 ");
    is_number(0, "J1", 42887.5, "2017-06-01T12:00:00");
    cr_assert(cell(0, "J1")->is_date);
    is_text(0, "K1", "sometime");
    is_empty(0, "L1");
    is_number(0, "M1", 0, "-0");
    is_number(0, "A2", 2, "2");
    is_number(0, "B2", 1.5, "1.5");
    cr_assert(cell(0, "A2")->from_formula && cell(0, "B2")->from_formula);
}

/* A value Excel never leaves in a merged range's other cells is dropped all the same,
 * and rows left with nothing go. */
Test(xlsx, merged_ranges_keep_the_top_left_value_only) {
    one_sheet(XML_DECL
              "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
              "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B1\"><v>2</v></c><c r=\"C1\"><v>3</v></c>"
              "<c r=\"D1\"><v>4</v></c></row>"
              "<row r=\"2\"><c r=\"B2\"><v>5</v></c><c r=\"C2\"><v>6</v></c></row>"
              "<row r=\"3\"><c r=\"A3\"><v>7</v></c></row>"
              "</sheetData><mergeCells count=\"3\"><mergeCell ref=\"A1:C1\"/><mergeCell ref=\"B2:C3\"/>"
              "<mergeCell ref=\"E9:F9\"/></mergeCells>"
              "<extLst><ext uri=\"{x}\"><mergeCell ref=\"nonsense\"/></ext></extLst></worksheet>",
              NULL);
    read_ok();
    is_number(0, "A1", 1, "1");
    is_empty(0, "B1");
    is_empty(0, "C1");
    is_number(0, "D1", 4, "4");
    is_empty(0, "A2");
    is_number(0, "B2", 5, "5");
    cr_assert_eq(row(0, 2)->n_cells, 2, "C2 was a merged cell: the row ends at B2");
    is_number(0, "A3", 7, "7");
    cr_assert_eq(row(0, 3)->n_cells, 1);
    table_free(&t);

    one_sheet(XML_DECL
              "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
              "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\"><v>2</v></c></row>"
              "</sheetData><mergeCells><mergeCell ref=\"A1:A2\"/></mergeCells></worksheet>",
              NULL);
    read_ok();
    cr_assert_eq(sheet(0)->n_rows, 1, "row 2 held only a merged cell");
    is_number(0, "A1", 1, "1");
}

Test(xlsx, dates_in_a_1904_workbook_and_style_formats) {
    part_t parts[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml",
         XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><workbookPr date1904=\"1\"/>"
                  "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
         0},
        {"xl/_rels/workbook.xml.rels",
         RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml") REL("rId3", "styles", "styles.xml")), 0},
        {"xl/worksheets/sheet1.xml",
         SHEET("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>41425</v></c><c r=\"B1\" s=\"2\"><v>41425</v></c>"
               "<c r=\"C1\" s=\"3\"><v>41425</v></c><c r=\"D1\" s=\"4\"><v>41425</v></c>"
               "<c r=\"E1\" s=\"99\"><v>5</v></c><c r=\"F1\" s=\"5\"><v>0.5</v></c></row>"),
         0},
        {"xl/styles.xml",
         XML_DECL
         "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"2\">"
         "<numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d\"/><numFmt numFmtId=\"14\" formatCode=\"0.00\"/>"
         "<numFmt numFmtId=\"165\" formatCode=\"上午/下午h&quot;时&quot;mm&quot;分&quot;\"/></numFmts>"
         "<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
         "<cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/>"
         "<xf numFmtId=\"31\"/><xf numFmtId=\"3\"/><xf numFmtId=\"165\"/></cellXfs>"
         "<dxfs><dxf><numFmt numFmtId=\"3\" formatCode=\"yyyy\"/></dxf></dxfs></styleSheet>",
         0},
    };
    zip_make(path, parts, sizeof parts / sizeof *parts);
    read_ok();
    /* 41425 in the 1904 system is 2017-06-01, 42887 in the 1900 system. */
    is_number(0, "A1", 42887, "42887");
    cr_assert(cell(0, "A1")->is_date);
    is_number(0, "B1", 41425, "41425"); /* id 14 redefined by the file as 0.00 */
    cr_assert(!cell(0, "B1")->is_date);
    is_number(0, "C1", 42887, "42887"); /* built-in 31: yyyy"年"m"月"d"日" */
    cr_assert(cell(0, "C1")->is_date);
    is_number(0, "D1", 41425, "41425"); /* 3 is #,##0; a dxf's numFmt is not a cell format */
    cr_assert(!cell(0, "D1")->is_date);
    is_number(0, "E1", 5, "5"); /* a style past the table: no date */
    cr_assert(!cell(0, "E1")->is_date);
    is_number(0, "F1", 1462.5, "1462.5");
    cr_assert(cell(0, "F1")->is_date);
}

/* 8.5% typed in Excel is stored as 0.085; the cell's format says it is a percentage. */
Test(xlsx, percent_formats_from_builtin_and_custom_codes) {
    part_t parts[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml", WORKBOOK("<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"), 0},
        {"xl/_rels/workbook.xml.rels",
         RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml") REL("rId3", "styles", "styles.xml")), 0},
        {"xl/worksheets/sheet1.xml",
         SHEET("<row r=\"1\"><c r=\"A1\"><v>0.085</v></c><c r=\"B1\" s=\"1\"><v>0.085</v></c>"
               "<c r=\"C1\" s=\"2\"><v>0.085</v></c><c r=\"D1\" s=\"3\"><v>0.085</v></c>"
               "<c r=\"E1\" s=\"4\"><v>8.5</v></c><c r=\"F1\" s=\"5\"><v>8.5</v></c>"
               "<c r=\"G1\" s=\"6\"><v>-0.02</v></c><c r=\"H1\" s=\"7\"><v>42887</v></c>"
               "<c r=\"I1\" s=\"2\" t=\"str\"><v>8.5%</v></c></row>"),
         0},
        {"xl/styles.xml",
         XML_DECL
         "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts>"
         "<numFmt numFmtId=\"164\" formatCode=\"0.0%\"/>"
         "<numFmt numFmtId=\"165\" formatCode=\"0.0&quot;%&quot;\"/>"
         "<numFmt numFmtId=\"166\" formatCode=\"0.0\\%\"/>"
         "<numFmt numFmtId=\"167\" formatCode=\"[Red]0%;[Blue]-0%\"/></numFmts>"
         "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"9\"/><xf numFmtId=\"10\"/><xf numFmtId=\"164\"/>"
         "<xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"167\"/><xf numFmtId=\"14\"/>"
         "</cellXfs></styleSheet>",
         0},
    };
    zip_make(path, parts, sizeof parts / sizeof *parts);
    read_ok();
    static const struct {
        const char *cell;
        double v;
        bool percent;
    } want[] = {
        {"A1", 0.085, false}, /* General */
        {"B1", 0.085, true},  /* built-in 9: 0% */
        {"C1", 0.085, true},  /* built-in 10: 0.00% */
        {"D1", 0.085, true},  /* 0.0% */
        {"E1", 8.5, false},   /* 0.0"%": the sign quoted, shown as typed */
        {"F1", 8.5, false},   /* 0.0\%: escaped, the same */
        {"G1", -0.02, true},  /* [Red]0%;[Blue]-0%: the colours are not the % */
        {"H1", 42887, false}, /* a date is not a percentage */
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const table_cell_t *c = cell(0, want[i].cell);
        cr_assert_eq(c->kind, TABLE_NUMBER, "%s", want[i].cell);
        cr_assert(fabs(c->number - want[i].v) < 1e-12, "%s: %.17g", want[i].cell, c->number);
        cr_assert_eq(c->is_percent, want[i].percent, "%s: is_percent", want[i].cell);
    }
    cr_assert(cell(0, "H1")->is_date);
    is_text(0, "I1", "8.5%"); /* a formula's text result is text, whatever its format */
    cr_assert(!cell(0, "I1")->is_percent);
}

Test(xlsx, read_mem_reads_the_same) {
    one_sheet(SHEET("<row r=\"1\"><c r=\"B1\" t=\"s\"><v>0</v></c></row>"), SST("<si><t>mem</t></si>"));
    FILE *f = fopen(path, "rb");
    static char data[65536];
    size_t n = fread(data, 1, sizeof data, f);
    fclose(f);
    cr_assert_gt(n, 0);
    cr_assert_eq(xlsx_read_mem(data, n, "m.xlsx", &t, err, sizeof err), 0, "%s", err);
    is_empty(0, "A1");
    is_text(0, "B1", "mem");
    table_free(&t);
    cr_assert_eq(xlsx_read_mem("PK\x03\x04", 4, "m.xlsx", &t, err, sizeof err), -1);
    cr_assert_not_null(strstr(err, "m.xlsx: "), "%s", err);
    cr_assert_eq(xlsx_read_mem("", 0, "m.xlsx", &t, err, sizeof err), -1);
    cr_assert_not_null(strstr(err, "empty"), "%s", err);
}

/* --- refusals: files that are not workbooks ------------------------------------- */

Test(xlsx, refuses_a_text_file_renamed) {
    const char csv[] = "zone,period,indicator,amount\nZ01,2017-06,revenue,10\n";
    write_file(path, csv, sizeof csv - 1);
    read_fails("not a ZIP", ".csv");
}

Test(xlsx, refuses_an_xls_workbook) {
    unsigned char ole2[512] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    write_file(path, ole2, sizeof ole2);
    read_fails("Excel 97-2003 .xls", "save it as .xlsx (Excel 工作簿)");
}

Test(xlsx, refuses_an_empty_or_missing_file) {
    write_file(path, "", 0);
    read_fails("empty", NULL);
    unlink(path);
    read_fails("cannot open", "No such file");
}

Test(xlsx, refuses_a_zip_without_a_workbook) {
    part_t parts[] = {{"readme.txt", "hello", 0}, {"xl/worksheets/sheet1.xml", SHEET(""), 0}};
    zip_make(path, parts, 2);
    read_fails("no workbook part", "xl/workbook.xml");
}

Test(xlsx, refuses_a_word_document_and_others) {
    part_t docx[] = {
        {"_rels/.rels", RELS(REL("rId1", "officeDocument", "word/document.xml")), 0},
        {"word/document.xml", XML_DECL "<w:document xmlns:w=\"urn:w\"><w:body/></w:document>", 0},
    };
    zip_make(path, docx, 2);
    read_fails("word/document.xml: the main part is <document>, not a workbook", NULL);
    table_free(&t);

    part_t ods[] = {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0},
                    {"content.xml", "<office:document-content/>", 0}};
    zip_make(path, ods, 2);
    read_fails("OpenDocument spreadsheet (.ods)", "save it as .xlsx");
    table_free(&t);

    part_t xlsb[] = {{"_rels/.rels", RELS(REL("rId1", "officeDocument", "xl/workbook.bin")), 0},
                     {"xl/workbook.bin", "\x83\x01", 0}};
    zip_make(path, xlsb, 2);
    read_fails("binary workbook (.xlsb)", NULL);
}

Test(xlsx, refuses_a_zip_cut_short) {
    lxw_workbook *wb = workbook_new(path);
    worksheet_write_string(workbook_add_worksheet(wb, "S"), 0, 0, "x", NULL);
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(truncate(path, st.st_size / 2), 0);
    read_fails("damaged or incomplete ZIP", NULL);
}

/* --- refusals: damaged and hostile parts ---------------------------------------- */

Test(xlsx, refuses_a_part_that_unpacks_past_the_limit) {
    size_t big = XLSX_MAX_PART_BYTES + 1;
    char *zeros = calloc(1, big);
    cr_assert_not_null(zeros);
    part_t parts[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml", WORKBOOK("<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"), 0},
        {"xl/_rels/workbook.xml.rels", RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")), 0},
        {"xl/worksheets/sheet1.xml", zeros, big},
    };
    zip_make(path, parts, 4);
    free(zeros);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_lt(st.st_size, 1 << 20, "the bomb is small on disk: %lld bytes", (long long)st.st_size);
    read_fails("xl/worksheets/sheet1.xml: more than 64 MiB uncompressed", "ZIP bomb");
}

Test(xlsx, refuses_parts_that_unpack_past_the_total) {
    size_t each = XLSX_MAX_PART_BYTES - 1;
    char *zeros = calloc(1, each);
    cr_assert_not_null(zeros);
    part_t parts[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml",
         WORKBOOK(
             "<sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"B\" sheetId=\"2\" r:id=\"rId1\"/>"
             "<sheet name=\"C\" sheetId=\"3\" r:id=\"rId1\"/><sheet name=\"D\" sheetId=\"4\" "
             "r:id=\"rId2\"/>"),
         0},
        {"xl/_rels/workbook.xml.rels",
         RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")
                  REL("rId2", "worksheet", "worksheets/sheet2.xml")),
         0},
        {"xl/worksheets/sheet1.xml", zeros, each},
        {"xl/worksheets/sheet2.xml", zeros, each},
        {"xl/sharedStrings.xml", zeros, each},
    };
    zip_make(path, parts, sizeof parts / sizeof *parts);
    free(zeros);
    read_fails("more than 256 MiB", "ZIP bomb");
}

Test(xlsx, refuses_malformed_xml_naming_part_and_line) {
    one_sheet(SHEET("<row r=\"1\">\n<c r=\"A1\"><v>1</v></c>\n<c r=\"B1\"><v>2</c></row>"), NULL);
    read_fails("xl/worksheets/sheet1.xml: line 4: mismatched tag", NULL);
}

Test(xlsx, refuses_a_dtd) {
    one_sheet(XML_DECL "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>\n"
                       "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
                       "<is><t>&lol2;</t></is></c></row></sheetData></worksheet>",
              NULL);
    read_fails("xl/worksheets/sheet1.xml: line 2: a document type declaration (DTD)", NULL);
}

Test(xlsx, refuses_cells_past_the_sheet) {
    one_sheet(SHEET("<row r=\"1048577\"><c r=\"A1048577\"><v>1</v></c></row>"), NULL);
    read_fails("row number \"1048577\" is not 1 to 1048576", NULL);
    table_free(&t);
    one_sheet(SHEET("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"), NULL);
    read_fails("xl/worksheets/sheet1.xml: line 2: cell reference \"XFE1\" is not a cell", NULL);
    table_free(&t);
    one_sheet(SHEET("<row r=\"1\"><c r=\"XFD1\"><v>1</v></c><c><v>2</v></c></row>"), NULL);
    read_fails("S: a cell past column XFD", NULL);
    table_free(&t);
    one_sheet(SHEET("<row r=\"0\"/>"), NULL);
    read_fails("row number \"0\"", NULL);
}

Test(xlsx, refuses_rows_and_cells_out_of_order) {
    one_sheet(SHEET("<row r=\"5\"><c r=\"A5\"><v>1</v></c></row><row r=\"3\"/>"), NULL);
    read_fails("row 3 comes after row 5", NULL);
    table_free(&t);
    one_sheet(SHEET("<row r=\"5\"><c r=\"C5\"><v>1</v></c><c r=\"B5\"><v>1</v></c></row>"), NULL);
    read_fails("S!B5: cell out of order", NULL);
    table_free(&t);
    one_sheet(SHEET("<row r=\"5\"><c r=\"C6\"><v>1</v></c></row>"), NULL);
    read_fails("S!C6: cell of row 6 inside row 5", NULL);
}

Test(xlsx, refuses_bad_values_naming_the_cell) {
    one_sheet(SHEET("<row r=\"7\"><c r=\"D7\" t=\"s\"><v>2</v></c></row>"),
              SST("<si><t>a</t></si><si><t>b</t></si>"));
    read_fails("S!D7: shared string 2 does not exist (the workbook has 2)", NULL);
    table_free(&t);
    one_sheet(SHEET("<row r=\"7\"><c r=\"D7\"><v>12,5</v></c></row>"), NULL);
    read_fails("S!D7: \"12,5\" is not a number", NULL);
    table_free(&t);
    const char *bad[] = {"inf", "nan", "0x10", "1e999", "1e", "."};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char xml[512];
        snprintf(xml, sizeof xml, SHEET("<row r=\"1\"><c r=\"A1\"><v>%s</v></c></row>"), bad[i]);
        one_sheet(xml, NULL);
        read_fails("is not a number", bad[i]);
        table_free(&t);
    }
    one_sheet(SHEET("<row r=\"7\"><c r=\"D7\" t=\"b\"><v>2</v></c></row>"), NULL);
    read_fails("S!D7: \"2\" is not a boolean", NULL);
    table_free(&t);
    one_sheet(SHEET("<row r=\"7\"><c r=\"D7\" t=\"x\"><v>2</v></c></row>"), NULL);
    read_fails("S!D7: unknown cell type \"x\"", NULL);
    table_free(&t);
    one_sheet(XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData/><mergeCells><mergeCell ref=\"A1-B2\"/>"
                       "</mergeCells></worksheet>",
              NULL);
    read_fails("merged range \"A1-B2\"", NULL);
}

Test(xlsx, refuses_missing_parts) {
    part_t no_sheet[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml", WORKBOOK("<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"), 0},
        {"xl/_rels/workbook.xml.rels", RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")), 0},
    };
    zip_make(path, no_sheet, 3);
    read_fails("xl/worksheets/sheet1.xml: part missing", NULL);
    table_free(&t);
    zip_make(path, no_sheet, 2);
    read_fails("xl/_rels/workbook.xml.rels: part missing", NULL);
    table_free(&t);
    part_t no_rel[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml", WORKBOOK("<sheet name=\"S\" sheetId=\"1\" r:id=\"rId7\"/>"), 0},
        {"xl/_rels/workbook.xml.rels", RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")), 0},
    };
    zip_make(path, no_rel, 3);
    read_fails("sheet \"S\" has no relationship \"rId7\"", NULL);
}

/* Sparse cells cost memory the file does not show: one cell at XFD per row fills 16,384
 * cells a row, so 128 such rows reach XLSX_MAX_CELLS and the 129th is refused. */
Test(xlsx, refuses_more_cells_than_the_limit) {
    static char xml[16384];
    size_t n = (size_t)snprintf(xml, sizeof xml, "%s", SHEET(""));
    char *tail = strstr(xml, "</sheetData>");
    n = (size_t)(tail - xml);
    for (unsigned r = 1; r <= 128; r++)
        n += (size_t)snprintf(xml + n, sizeof xml - n, "<row r=\"%u\"><c r=\"XFD%u\"><v>1</v></c></row>", r,
                              r);
    snprintf(xml + n, sizeof xml - n, "</sheetData></worksheet>");
    one_sheet(xml, NULL);
    read_ok();
    cr_assert_eq(sheet(0)->n_rows, 128);
    table_free(&t);
    snprintf(xml + n, sizeof xml - n,
             "<row r=\"129\"><c r=\"A129\"><v>1</v></c></row></sheetData></worksheet>");
    one_sheet(xml, NULL);
    read_fails("more than 2097152 cells", NULL);
}

/* Shared strings cost memory each time a cell names one: a 32 KiB string in 2,049 cells
 * is over 64 MiB of cell text. */
Test(xlsx, refuses_more_text_than_the_limit) {
    size_t len = 32768, n;
    char *sst = malloc(len + 256), *xml = malloc(2049 * 64 + 256);
    cr_assert(sst && xml);
    n = (size_t)snprintf(sst, len + 256, "%s", SST("<si><t>"));
    memset(sst + n - strlen("</sst>"), 'x', len);
    snprintf(sst + n - strlen("</sst>") + len, 256, "</t></si></sst>");
    n = (size_t)snprintf(xml, 256, "%s<worksheet xmlns=\"%s\"><sheetData>", XML_DECL, NS_MAIN);
    for (unsigned r = 1; r <= 2049; r++)
        n += (size_t)snprintf(xml + n, 64, "<row r=\"%u\"><c r=\"A%u\" t=\"s\"><v>0</v></c></row>", r, r);
    snprintf(xml + n, 256, "</sheetData></worksheet>");
    one_sheet(xml, sst);
    free(sst);
    free(xml);
    read_fails("text is more than 64 MiB", NULL);
}

/* A growing string for the big fixtures below; aborts the test when out of memory. */
typedef struct {
    char *p;
    size_t n, cap;
} big_t;

static void big_add(big_t *b, const char *s) {
    size_t len = strlen(s);
    if (b->n + len + 1 > b->cap) {
        b->cap = (b->n + len + 1) * 2;
        cr_assert_not_null(b->p = realloc(b->p, b->cap));
    }
    memcpy(b->p + b->n, s, len + 1);
    b->n += len;
}

static void big_repeat(big_t *b, const char *s, size_t times) {
    for (size_t i = 0; i < times; i++)
        big_add(b, s);
}

/* A workbook of n sheets, all of them the one part (each through its own relationship,
 * listed in the reverse order of the sheets). */
static void many_sheets(unsigned n) {
    big_t wb = {0}, rels = {0};
    char one[256];
    big_add(&wb, XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>");
    big_add(&rels, XML_DECL "<Relationships xmlns=\"" NS_PKG "\">");
    for (unsigned i = 1; i <= n; i++) {
        snprintf(one, sizeof one, "<sheet name=\"S%u\" sheetId=\"%u\" r:id=\"rId%u\"/>", i, i, i);
        big_add(&wb, one);
        snprintf(one, sizeof one, REL("rId%u", "worksheet", "worksheets/sheet1.xml"), n + 1 - i);
        big_add(&rels, one);
    }
    big_add(&wb, "</sheets></workbook>");
    big_add(&rels, "</Relationships>");
    part_t parts[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml", wb.p, 0},
        {"xl/_rels/workbook.xml.rels", rels.p, 0},
        {"xl/worksheets/sheet1.xml", SHEET("<row r=\"1\"><c r=\"A1\"><v>7</v></c></row>"), 0},
    };
    zip_make(path, parts, 4);
    free(wb.p);
    free(rels.p);
}

Test(xlsx, refuses_more_sheets_than_the_limit) {
    cr_assert_eq(XLSX_MAX_SHEETS, 1000);
    many_sheets(1000);
    read_ok();
    cr_assert_eq(t.n_sheets, 1000);
    cr_assert_str_eq(sheet(999)->name, "S1000");
    is_number(999, "A1", 7, "7");
    table_free(&t);
    many_sheets(1001);
    read_fails("xl/workbook.xml", "more than 1000 sheets; refused");
}

/* n shared strings "<si/>" (the empty string) but the last, "end"; A1 names the last. */
static void many_strings(size_t n) {
    big_t sst = {0};
    char xml[256];
    big_add(&sst, XML_DECL "<sst xmlns=\"" NS_MAIN "\">");
    big_repeat(&sst, "<si/>", n - 1);
    big_add(&sst, "<si><t>end</t></si></sst>");
    snprintf(xml, sizeof xml, SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>%zu</v></c></row>"), n - 1);
    one_sheet(xml, sst.p);
    free(sst.p);
}

Test(xlsx, refuses_more_shared_strings_than_the_limit) {
    cr_assert_eq(XLSX_MAX_SHARED_STRINGS, 1000000);
    many_strings(1000000);
    read_ok();
    is_text(0, "A1", "end");
    table_free(&t);
    many_strings(1000001);
    read_fails("xl/sharedStrings.xml", "more than 1000000 shared strings; refused");
}

/* n_fmts custom number formats (ids 164...; the last a date) and n_xf cell formats (the
 * last one that date); A1 has the last cell format. */
static void many_formats(size_t n_fmts, size_t n_xf) {
    big_t st = {0};
    char one[128];
    big_add(&st, XML_DECL "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts>");
    for (size_t i = 0; i + 1 < n_fmts; i++) {
        snprintf(one, sizeof one, "<numFmt numFmtId=\"%zu\" formatCode=\"0.00\"/>", 164 + i);
        big_add(&st, one);
    }
    snprintf(one, sizeof one, "<numFmt numFmtId=\"%zu\" formatCode=\"yyyy-mm-dd\"/>", 164 + n_fmts - 1);
    big_add(&st, one);
    big_add(&st, "</numFmts><cellXfs>");
    big_repeat(&st, "<xf numFmtId=\"0\"/>", n_xf - 1);
    snprintf(one, sizeof one, "<xf numFmtId=\"%zu\"/></cellXfs></styleSheet>", 164 + n_fmts - 1);
    big_add(&st, one);
    char sheet_xml[256];
    snprintf(sheet_xml, sizeof sheet_xml, SHEET("<row r=\"1\"><c r=\"A1\" s=\"%zu\"><v>42887</v></c></row>"),
             n_xf - 1);
    part_t parts[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml", WORKBOOK("<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"), 0},
        {"xl/_rels/workbook.xml.rels",
         RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml") REL("rId2", "styles", "styles.xml")), 0},
        {"xl/worksheets/sheet1.xml", sheet_xml, 0},
        {"xl/styles.xml", st.p, 0},
    };
    zip_make(path, parts, 5);
    free(st.p);
}

Test(xlsx, refuses_more_cell_formats_than_the_limit) {
    cr_assert_eq(XLSX_MAX_CELL_FORMATS, 65490);
    many_formats(10, 65490);
    read_ok();
    cr_assert(cell(0, "A1")->is_date, "the 65,490th cell format is read");
    table_free(&t);
    many_formats(10, 65491);
    read_fails("xl/styles.xml", "more than 65490 cell formats (Excel's own limit); refused");
}

Test(xlsx, refuses_more_number_formats_than_the_limit) {
    cr_assert_eq(XLSX_MAX_NUMBER_FORMATS, 1000);
    many_formats(1000, 65490); /* every cell format looked up among 1,000: bounded work */
    read_ok();
    cr_assert(cell(0, "A1")->is_date, "the 1,000th number format is read");
    table_free(&t);
    many_formats(1001, 2);
    read_fails("xl/styles.xml", "more than 1000 custom number formats; refused");
}

/* --- nothing left behind -------------------------------------------------------- */

/* Bytes handed out and not yet freed, as ASan counts them (exactly; glibc's own figures
 * count chunks parked in its per-thread caches as in use, so they cannot say). */
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

Test(xlsx, every_allocation_is_freed_on_success_and_failure) {
    if (!__sanitizer_get_current_allocated_bytes) {
        rmdir(dir); /* a skipped test gets no .fini */
        cr_skip_test("needs AddressSanitizer (make test builds with it)");
    }
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "主要指标");
    lxw_format *d = workbook_add_format(wb);
    format_set_num_format(d, "yyyy-mm-dd");
    for (int r = 0; r < 200; r++) {
        worksheet_write_string(ws, r, 0, "园区", NULL);
        worksheet_write_number(ws, r, 3, r * 1.5, d);
        worksheet_write_formula_num(ws, r, 5, "=D1*2", NULL, r * 3.0);
    }
    worksheet_merge_range(ws, 200, 0, 200, 5, "merged", NULL);
    worksheet_hide(workbook_add_worksheet(wb, "h"));
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
    char bad[128];
    snprintf(bad, sizeof bad, "%s/bad.xlsx", dir);
    part_t parts[] = {
        {"_rels/.rels", ROOT_RELS, 0},
        {"xl/workbook.xml",
         WORKBOOK("<sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"B\" sheetId=\"2\" "
                  "r:id=\"rId2\"/>"),
         0},
        {"xl/_rels/workbook.xml.rels",
         RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml") REL(
             "rId2", "worksheet", "worksheets/sheet2.xml") REL("rId3", "sharedStrings", "sharedStrings.xml")),
         0},
        {"xl/sharedStrings.xml", SST("<si><t>one</t></si><si><t>two</t></si>"), 0},
        {"xl/worksheets/sheet1.xml",
         SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c>"
               "</row>"),
         0},
        /* fails in the middle of a row that holds texts already */
        {"xl/worksheets/sheet2.xml",
         SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v>"
               "</c><c r=\"D1\" t=\"s\"><v>9</v></c></row>"),
         0},
    };
    zip_make(bad, parts, sizeof parts / sizeof *parts);

    cr_assert_eq(xlsx_read(path, &t, err, sizeof err), 0, "%s", err); /* warm-up: one-time allocations */
    table_free(&t);
    size_t before = __sanitizer_get_current_allocated_bytes();
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(xlsx_read(path, &t, err, sizeof err), 0, "%s", err);
        cr_assert_eq(t.sheets[0].n_rows, 201);
        table_free(&t);
        cr_assert_eq(xlsx_read(bad, &t, err, sizeof err), -1);
        cr_assert_not_null(strstr(err, "B!D1: shared string 9"), "%s", err);
        table_free(&t);
    }
    size_t after = __sanitizer_get_current_allocated_bytes();
    cr_assert_eq(after, before, "%zu bytes still held after 5 reads and 5 failures", after - before);
}
