/* county_table.c - a county's monthly report as a table (CSV or workbook) into reports (see county_table.h).
 *
 * This module only parses: it turns cells into codes, canonical periods and numbers,
 * and says precisely which cell it could not read. Whether the numbers make sense
 * (negative amounts, percentages over 100, an indicator given twice) is validate.c's
 * job, so a file is judged by one set of rules whatever way it arrived.
 *
 * The header row decides everything: which kind of table it is (values or key
 * projects, told apart by their columns), the language of the column names and where
 * each column is. It is the first row naming at least two columns, so the title and
 * note rows a sheet carries above it are skipped. An unknown column is an error rather
 * than ignored, because a misspelt "amout" would otherwise drop a county's figures
 * without a word. growth_pct (同比增长(%)) is optional as a column, as it is as a cell:
 * ratio indicators have no growth, and a sheet holding only ratios may leave the column
 * out. A key-projects table needs zone, period, project and name; its investment and
 * status columns are optional. problems / next_steps may come with either kind. What
 * Excel adds around a sheet is tolerated: rows whose cells are all empty, and columns
 * with a blank header as long as their cells are blank too.
 *
 * A CSV file is one table and every cell is text; a workbook's cells may be numbers
 * (used as they are: a number cell is exact however narrow its column) or dates (a
 * period Excel turned into one). Its sheets are read one by one; the template's
 * (`_yuebao` says which county and month it is for) by their fixed headers, with the
 * period from the hidden sheet. A hidden row below the header is not read (the office
 * hid it to leave it out, and no one checked what it holds); the hidden rows that hold
 * something are named in one warning.
 *
 * Forgiving input: what an office types and Excel shows — full-width digits and signs,
 * (12.3) for a negative, names with stray spaces, periods as dates — is read as meant,
 * and each kind of change is said once per table in a warning that counts the cells
 * and names the first few, never once per cell. The cells' text is shown as written.
 *
 * Messages are read by county desk officers, so each names the line and the column as
 * written in their file (a workbook's: the sheet and cell), what was found and what is
 * expected.
 */
#include "county_table.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enterprise.h"
#include "i18n.h"
#include "period.h"
#include "text.h"
#include "util.h"

#define MAX_FILE_ERRORS 200 /* findings per file, the note that reading stopped included */

#define TEMPLATE_SHEET "_yuebao"        /* the template's hidden sheet (DESIGN §7) */
#define TEMPLATE_MARK "yuebao-template" /* its A1 */
#define TEMPLATE_VERSION "1"            /* its B1: the layout this reader knows */

typedef enum {
    C_NONE = 0, /* a column with a blank header: ignored, but must stay empty */
    C_ZONE,
    C_PERIOD,
    C_INDICATOR,
    C_AMOUNT,
    C_GROWTH,
    C_PROJECT,
    C_NAME,
    C_TOTAL,
    C_YTD,
    C_STATUS,
    C_PROBLEMS,
    C_NEXT_STEPS,
    C_NOTE,
    /* a key-enterprise table's own (重点企业运行) */
    C_CREDIT,
    C_ENTERPRISE,
    C_INDUSTRY,
    C_OUTPUT,
    C_OUTPUT_GROWTH,
    C_REVENUE,
    C_REVENUE_GROWTH,
    C_PROD_STATUS,
    C_REMARK,
    C_IGNORE, /* a template's column for people only (names, units, last period's figures) */
    C_COUNT
} col_t;

typedef enum { FILE_UNKNOWN = 0, FILE_VALUES, FILE_PROJECTS, FILE_TEXTS, FILE_ENTERPRISES } file_kind_t;

/* Canonical names, in the order the templates list them. */
static const char *const col_en[C_COUNT] = {
    "",           "zone", "period",           "indicator",      "amount", "growth_pct",
    "project",    "name", "total_investment", "ytd_investment", "status", "problems",
    "next_steps", "note", "credit_code", "enterprise", "industry", "output_value", "output_growth_pct",
    "revenue", "revenue_growth_pct", "production_status", "remark", ""};
static const char *const col_zh[C_COUNT] = {
    "",         "园区代码", "统计期",       "指标", "本年累计", "同比增长(%)", "项目编号",
    "项目名称", "总投资",   "本年完成投资", "状态", "存在问题", "下一步措施",  "说明",
    "统一社会信用代码", "企业名称", "行业", "工业总产值", "工业总产值同比增长(%)", "营业收入",
    "营业收入同比增长(%)", "生产状态", "备注", ""};

/* Other spellings county sheets use for the same columns. English names match
 * case-insensitively; these match exactly. */
static const struct {
    col_t col;
    const char *name;
} aliases[] = {
    {C_ZONE, "园区"},
    {C_ZONE, "园区名称"},
    {C_PERIOD, "统计期间"},
    {C_PERIOD, "报告期"},
    {C_INDICATOR, "指标名称"},
    {C_AMOUNT, "本年累计数"},
    {C_GROWTH, "同比增长%"},
    {C_GROWTH, "同比增长（%）"},
    {C_GROWTH, "同比(%)"},
    {C_GROWTH, "同比（%）"},
    {C_GROWTH, "同比%"},
    {C_GROWTH, "同比增长"},
    {C_GROWTH, "同比增长率(%)"},
    {C_GROWTH, "同比增长率（%）"},
    {C_GROWTH, "同比增长率"},
    {C_PROJECT, "项目代码"},
    {C_TOTAL, "计划总投资"},
    {C_STATUS, "项目状态"},
    {C_NEXT_STEPS, "下步措施"},
    {C_NOTE, "情况说明"},
    {C_NOTE, "数据说明"},
    {C_CREDIT, "社会信用代码"},
    {C_CREDIT, "信用代码"},
    {C_CREDIT, "统一代码"},
    {C_ENTERPRISE, "企业"},
    {C_ENTERPRISE, "单位名称"},
    {C_INDUSTRY, "所属行业"},
    {C_INDUSTRY, "行业类别"},
    {C_OUTPUT, "工业总产值(万元)"},
    {C_OUTPUT, "工业总产值（万元）"},
    {C_OUTPUT_GROWTH, "工业总产值增速(%)"},
    {C_OUTPUT_GROWTH, "工业总产值增长(%)"},
    {C_OUTPUT_GROWTH, "产值增速(%)"},
    {C_REVENUE, "营业收入(万元)"},
    {C_REVENUE, "营业收入（万元）"},
    {C_REVENUE_GROWTH, "营业收入增速(%)"},
    {C_REVENUE_GROWTH, "营业收入增长(%)"},
    {C_PROD_STATUS, "运行状态"},
    {C_PROD_STATUS, "生产经营状态"},
};

/* Columns each kind of file must have; the rest of its columns are optional. */
static const col_t values_required[] = {C_ZONE, C_PERIOD, C_INDICATOR, C_AMOUNT};
/* The optional columns come last, the text columns (problems, next_steps) before the
 * per-row 说明 (note): template_of() leaves out the last three. */
static const col_t values_all[] = {C_ZONE,   C_PERIOD,   C_INDICATOR,  C_AMOUNT,
                                   C_GROWTH, C_PROBLEMS, C_NEXT_STEPS, C_NOTE};
static const col_t projects_required[] = {C_ZONE, C_PERIOD, C_PROJECT, C_NAME};
static const col_t projects_all[] = {C_ZONE, C_PERIOD, C_PROJECT,  C_NAME,      C_TOTAL,
                                     C_YTD,  C_STATUS, C_PROBLEMS, C_NEXT_STEPS};
static const col_t enterprises_required[] = {C_ZONE, C_PERIOD, C_CREDIT, C_ENTERPRISE, C_PROD_STATUS};
static const col_t enterprises_all[] = {C_ZONE,        C_PERIOD,        C_CREDIT,   C_ENTERPRISE,  C_INDUSTRY,
                                        C_OUTPUT,      C_OUTPUT_GROWTH, C_REVENUE,  C_REVENUE_GROWTH,
                                        C_PROD_STATUS, C_REMARK,        C_PROBLEMS, C_NEXT_STEPS};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The template's sheets (DESIGN §7, written by `yuebao template`): each header as the
 * template writes it, and the columns a desk officer fills in. */
typedef struct {
    const char *head;
    col_t col;
} tpl_col_t;

static const tpl_col_t tpl_values_cols[] = {
    {"园区代码", C_ZONE},      {"园区名称", C_IGNORE},    {"指标代码", C_INDICATOR},
    {"指标名称", C_IGNORE},    {"单位", C_IGNORE},        {"上期本年累计", C_IGNORE},
    {"上期同比增长(%)", C_IGNORE}, {"本年累计", C_AMOUNT}, {"同比增长(%)", C_GROWTH},
    {"说明", C_NOTE}};
static const tpl_col_t tpl_projects_cols[] = {{"园区代码", C_ZONE},           {"项目编号", C_PROJECT},
                                              {"项目名称", C_NAME},           {"总投资(万元)", C_TOTAL},
                                              {"本年完成投资(万元)", C_YTD}, {"状态", C_STATUS}};
static const tpl_col_t tpl_enterprises_cols[] = {
    {"园区代码", C_ZONE},
    {"统一社会信用代码", C_CREDIT},
    {"企业名称", C_ENTERPRISE},
    {"行业", C_INDUSTRY},
    {"工业总产值(万元)", C_OUTPUT},
    {"工业总产值同比增长(%)", C_OUTPUT_GROWTH},
    {"营业收入(万元)", C_REVENUE},
    {"营业收入同比增长(%)", C_REVENUE_GROWTH},
    {"生产状态", C_PROD_STATUS},
    {"备注", C_REMARK}};
static const tpl_col_t tpl_texts_cols[] = {
    {"园区代码", C_ZONE}, {"园区名称", C_IGNORE}, {"存在问题", C_PROBLEMS}, {"下一步措施", C_NEXT_STEPS}};

typedef struct {
    const char *sheet;
    file_kind_t kind;
    const tpl_col_t *cols;
    size_t n_cols;
    col_t required[3];
    size_t n_required;
    col_t inputs[5]; /* a row with all of these empty is not reported */
    size_t n_inputs;
    bool must; /* a template without this sheet is broken */
} tpl_sheet_t;

static const tpl_sheet_t tpl_sheets[] = {
    {"主要指标", FILE_VALUES, tpl_values_cols, N_OF(tpl_values_cols), {C_ZONE, C_INDICATOR, C_AMOUNT}, 3,
     {C_AMOUNT, C_GROWTH, C_NOTE}, 3, true},
    {"重点项目", FILE_PROJECTS, tpl_projects_cols, N_OF(tpl_projects_cols), {C_ZONE, C_PROJECT}, 2,
     {C_PROJECT, C_NAME, C_TOTAL, C_YTD, C_STATUS}, 5, false},
    {"存在问题及下一步措施", FILE_TEXTS, tpl_texts_cols, N_OF(tpl_texts_cols), {C_ZONE, C_PROBLEMS, C_NEXT_STEPS},
     3, {C_PROBLEMS, C_NEXT_STEPS}, 2, false},
    /* a template made before the sheet was added has none: not a must */
    {"重点企业运行", FILE_ENTERPRISES, tpl_enterprises_cols, N_OF(tpl_enterprises_cols), {C_ZONE, C_CREDIT}, 2,
     {C_CREDIT, C_ENTERPRISE, C_OUTPUT, C_REVENUE, C_PROD_STATUS}, 5, false},
};

/* What was forgiven, said once per table. */
typedef enum { CH_WIDTH, CH_PARENS, CH_DATE, CH_NAME, CH_PERCENT, CH_COUNT } change_t;

#define CHANGE_PLACES 3

typedef struct {
    size_t n;             /* cells */
    size_t n_places;      /* of places[] filled */
    char places[CHANGE_PLACES][16];
    unsigned last_line;   /* CSV: the last line listed, so a line is named once */
    char example[160];    /* the first: "\"１２３\" as 123" */
} tally_t;

/* One file being parsed. */
typedef struct {
    const master_t *m;
    const char *name;   /* as given, for messages */
    const char *source; /* base name, for report_t.source */
    report_set_t *set;
    diag_list_t *dl;
    size_t errors_before; /* dl->n_errors when the file started */
    bool workbook;
    bool stopped;      /* MAX_FILE_ERRORS reached: nothing more is read */
    char sheet[64];    /* workbook: the sheet being read, shown fit for a message */
    /* the table being read (one sheet) */
    file_kind_t kind;
    bool zh; /* the header is in Chinese: name columns in Chinese */
    size_t n_cols;
    col_t *cols;       /* per column */
    char (*heads)[64]; /* per column: its header as written, trimmed */
    int at[C_COUNT];   /* column of each col_t, -1 if absent */
    const tpl_sheet_t *tpl; /* a template sheet's layout, or NULL */
    /* a template */
    char period[PERIOD_STRLEN]; /* every row's period, from _yuebao */
    const county_t *county;     /* its county */
    size_t n_input_rows;        /* rows that carried something typed */
    tally_t changes[CH_COUNT];
} parse_t;

/* A row being read: each cell's text, trimmed, "" where the row has no cell. */
typedef struct {
    const table_row_t *row;
    unsigned ref;
    size_t n; /* of txt */
    char **txt;
} row_t;

static size_t file_errors(const parse_t *p) {
    return p->dl->n_errors - p->errors_before;
}

/* --- findings ------------------------------------------------------------------- */

/* "主要指标!D7": the sheet's name (cut to fit) and the cell. */
static void cell_field(const parse_t *p, size_t col, unsigned ref, char out[64]) {
    char cell[16], sheet[48];
    table_cell_name(col, ref, cell);
    snprintf(sheet, sizeof sheet, "%.47s", p->sheet);
    text_truncate_utf8(sheet);
    snprintf(out, 64, "%s!%s", sheet, cell);
}

/* The one place every finding of the parser goes through. A CSV finding names its
 * line and csv_field; a workbook's the cell at column col (-1: the row's first) of row
 * ref, or with ref 0 the sheet (or, outside a sheet, nothing). The group is the
 * format's, so diag_group folds the same mistake made in many rows. */
static void vreport(parse_t *p, diag_severity_t sev, unsigned ref, long col, const char *csv_field,
                    const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

static void vreport(parse_t *p, diag_severity_t sev, unsigned ref, long col, const char *csv_field,
                    const char *fmt, va_list ap) {
    unsigned group = diag_group_of(fmt);
    if (!p->workbook) {
        diag_vadd(p->dl, sev, p->name, ref, csv_field, false, group, fmt, ap);
    } else if (ref && p->sheet[0]) {
        char field[64];
        cell_field(p, col < 0 ? 0 : (size_t)col, ref, field);
        diag_vadd(p->dl, sev, p->name, ref, field, true, group, fmt, ap);
    } else {
        diag_vadd(p->dl, sev, p->name, 0, p->sheet, p->sheet[0] != '\0', group, fmt, ap);
    }
}

static void report_at(parse_t *p, diag_severity_t sev, unsigned ref, long col, const char *csv_field,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void report_at(parse_t *p, diag_severity_t sev, unsigned ref, long col, const char *csv_field,
                      const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vreport(p, sev, ref, col, csv_field, fmt, ap);
    va_end(ap);
}

/* An error about the whole row ref (0: the file, or the sheet being read). */
static void fail_row(parse_t *p, unsigned ref, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail_row(parse_t *p, unsigned ref, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vreport(p, DIAG_ERROR, ref, -1, NULL, fmt, ap);
    va_end(ap);
}

static const char *col_name(const parse_t *p, col_t c) {
    return p->zh ? col_zh[c] : col_en[c];
}

/* The field name for column c in a CSV file's messages: its header as written. */
static const char *field_of(const parse_t *p, col_t c) {
    return p->at[c] >= 0 ? p->heads[p->at[c]] : col_name(p, c);
}

/* An error about column c of row ref. */
static void fail(parse_t *p, unsigned ref, col_t c, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fail(parse_t *p, unsigned ref, col_t c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vreport(p, DIAG_ERROR, ref, p->at[c], field_of(p, c), fmt, ap);
    va_end(ap);
}

/* --- what was forgiven ------------------------------------------------------------ */

/* Counts a forgiven cell of kind k at column col of row ref; the first one's example
 * (a format and its arguments) is kept for the warning. */
static void note_change(parse_t *p, change_t k, unsigned ref, long col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void note_change(parse_t *p, change_t k, unsigned ref, long col, const char *fmt, ...) {
    tally_t *t = &p->changes[k];
    if (t->n++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->example, sizeof t->example, fmt, ap);
        va_end(ap);
        text_truncate_utf8(t->example);
    }
    if (p->workbook) {
        if (t->n_places < CHANGE_PLACES) table_cell_name(col < 0 ? 0 : (size_t)col, ref, t->places[t->n_places++]);
        else t->n_places = CHANGE_PLACES + 1; /* more than named */
    } else if (ref != t->last_line) {
        if (t->n_places < CHANGE_PLACES) snprintf(t->places[t->n_places++], sizeof t->places[0], "%u", ref);
        else t->n_places = CHANGE_PLACES + 1;
        t->last_line = ref;
    }
}

/* One warning per kind of change in the table just read, then the tallies restart. */
static void flush_changes(parse_t *p) {
    for (int k = 0; k < CH_COUNT; k++) {
        tally_t *t = &p->changes[k];
        char places[64] = "", where[96];
        size_t off = 0, named = t->n_places > CHANGE_PLACES ? CHANGE_PLACES : t->n_places;
        if (!t->n) continue;
        for (size_t i = 0; i < named && off < sizeof places; i++)
            off += (size_t)snprintf(places + off, sizeof places - off, "%s%s", i ? diag_list_sep() : "",
                                    t->places[i]);
        if (t->n_places > CHANGE_PLACES && off < sizeof places)
            snprintf(places + off, sizeof places - off, "%s…", diag_list_sep());
        /* whole phrases, one per case, so each can be translated as a whole */
        if (p->workbook)
            snprintf(where, sizeof where, ngettext("%zu cell: %s", "%zu cells: %s", t->n), t->n, places);
        else if (named == 1)
            snprintf(where, sizeof where, ngettext("%zu cell on line %s", "%zu cells on line %s", t->n), t->n,
                     places);
        else
            snprintf(where, sizeof where, ngettext("%zu cell on lines %s", "%zu cells on lines %s", t->n),
                     t->n, places);
        switch ((change_t)k) {
        case CH_WIDTH:
            report_at(p, DIAG_WARNING, 0, -1, NULL,
                      _("full-width digits and signs were read as ASCII, e.g. %s (%s)"), t->example, where);
            break;
        case CH_PARENS:
            report_at(p, DIAG_WARNING, 0, -1, NULL,
                      _("numbers in parentheses were read as negative, as accounting formats show them, e.g. "
                        "%s (%s)"),
                      t->example, where);
            break;
        case CH_DATE:
            report_at(p, DIAG_WARNING, 0, -1, NULL,
                      _("periods that Excel had turned into dates were read as their month, e.g. %s (%s)"),
                      t->example, where);
            break;
        case CH_NAME:
            report_at(p, DIAG_WARNING, 0, -1, NULL,
                      _("names were matched without their spaces and full-width signs, e.g. %s (%s)"),
                      t->example, where);
            break;
        case CH_PERCENT:
            report_at(p, DIAG_WARNING, 0, -1, NULL,
                      _("cells formatted as percentages were read as the percent figure they show, e.g. %s "
                        "(%s)"),
                      t->example, where);
            break;
        case CH_COUNT:
            break;
        }
        memset(t, 0, sizeof *t);
    }
}

/* --- header --------------------------------------------------------------------- */

static col_t col_of(const char *h, bool *zh) {
    for (int c = 1; c < C_IGNORE; c++) {
        if (!strcasecmp(h, col_en[c])) {
            *zh = false;
            return (col_t)c;
        }
        if (!strcmp(h, col_zh[c])) {
            *zh = true;
            return (col_t)c;
        }
    }
    for (size_t i = 0; i < N_OF(aliases); i++) {
        if (!strcmp(h, aliases[i].name)) {
            *zh = true;
            return aliases[i].col;
        }
    }
    return C_NONE;
}

/* "zone,period,… (or 园区代码,统计期,…)": the columns as a header row in both languages. */
static void list_cols(const col_t *cols, size_t n, char *buf, size_t size) {
    char names[2][256];
    for (int lang = 0; lang < 2; lang++) {
        size_t off = 0;
        names[lang][0] = '\0';
        for (size_t i = 0; i < n && off < sizeof names[lang]; i++) {
            int k = snprintf(names[lang] + off, sizeof names[lang] - off, "%s%s", i ? "," : "",
                             (lang ? col_zh : col_en)[cols[i]]);
            if (k > 0) off += (size_t)k;
        }
    }
    /* TRANSLATORS: a header row in English, then in Chinese: "zone,period,… (or 园区代码,统计期,…)" */
    snprintf(buf, size, _("%s (or %s)"), names[0], names[1]);
}

/* The template header of one kind of file, without the optional text columns. */
static void template_of(file_kind_t kind, char *buf, size_t size) {
    if (kind == FILE_ENTERPRISES)
        list_cols(enterprises_all, N_OF(enterprises_all) - 2, buf, size);
    else if (kind == FILE_PROJECTS)
        list_cols(projects_all, N_OF(projects_all) - 2, buf, size);
    else
        list_cols(values_all, N_OF(values_all) - 3, buf, size);
}

static bool in_list(col_t c, const col_t *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (list[i] == c) return true;
    return false;
}

/* The text of a cell fit for codes, names and free text: a number cell's figure (an
 * integer without a point: a code typed as a number), else what the cell holds. */
static const char *cell_str(const table_cell_t *c, char num[32]) {
    if (!c || c->kind == TABLE_EMPTY) return "";
    if (c->kind == TABLE_NUMBER && !c->is_date && isfinite(c->number)) {
        if (c->number == floor(c->number) && fabs(c->number) < 1e15)
            snprintf(num, 32, "%.0f", c->number);
        else
            snprintf(num, 32, "%.15g", c->number);
        return num;
    }
    return c->text ? c->text : "";
}

/* A header cell's text made comparable: trimmed, its full-width forms folded. */
static void head_key(const table_cell_t *c, char out[64]) {
    char num[32], raw[64];
    snprintf(raw, sizeof raw, "%s", cell_str(c, num));
    text_trim_spaces(raw);
    text_fold_width(raw, out, 64);
    text_trim(out);
}

/* The column a header cell names in the template sheet tpl, C_NONE if none. */
static col_t tpl_col_of(const tpl_sheet_t *tpl, const char *key) {
    for (size_t i = 0; i < tpl->n_cols; i++) {
        char want[64];
        text_fold_width(tpl->cols[i].head, want, sizeof want);
        if (!strcmp(key, want)) return tpl->cols[i].col;
    }
    return C_NONE;
}

/* How many cells of row name a column (of the template sheet tpl, if given): a header
 * row names two or more, a title or a note row fewer. */
static size_t heads_named(const table_row_t *row, const tpl_sheet_t *tpl) {
    size_t n = 0;
    for (size_t i = 0; i < row->n_cells && n < 2; i++) {
        char key[64];
        bool zh;
        head_key(&row->cells[i], key);
        if (key[0] && (tpl ? tpl_col_of(tpl, key) : col_of(key, &zh)) != C_NONE) n++;
    }
    return n;
}

/* Allocates the per-column state for a header of n columns. 0, or -1 after reporting. */
static int alloc_cols(parse_t *p, unsigned ref, size_t n) {
    free(p->cols);
    free(p->heads);
    p->n_cols = n;
    p->cols = calloc(n ? n : 1, sizeof *p->cols);
    p->heads = calloc(n ? n : 1, sizeof *p->heads);
    for (int c = 0; c < C_COUNT; c++)
        p->at[c] = -1;
    if (!p->cols || !p->heads) {
        fail_row(p, ref, _("out of memory"));
        return -1;
    }
    return 0;
}

/* Maps the header row onto columns and decides the kind of file. 0, or -1 after
 * reporting why the rows cannot be read.
 *
 * The kind is told by the columns only one kind has and no other sheet would: indicator,
 * amount or growth_pct for values; project, total_investment or ytd_investment for key
 * projects. "name" and "status" are too common words to decide anything: a header of
 * name,value,comment is neither kind and gets one error listing both templates, not an
 * error per column of a file that was never meant to be a report. */
static int read_header(parse_t *p, const table_row_t *h) {
    static const col_t values_marks[] = {C_INDICATOR, C_AMOUNT, C_GROWTH};
    static const col_t projects_marks[] = {C_PROJECT, C_TOTAL, C_YTD};
    static const col_t enterprises_marks[] = {C_CREDIT, C_INDUSTRY, C_OUTPUT, C_OUTPUT_GROWTH, C_REVENUE,
                                              C_REVENUE_GROWTH, C_PROD_STATUS};
    char values_tpl[256], projects_tpl[320], enterprises_tpl[512], all_exp[512], need_exp[384];
    size_t n_zh = 0, n_en = 0, n_values = 0, n_projects = 0, n_enterprises = 0, before = file_errors(p);
    const col_t *all, *required;
    size_t n_all, n_required;
    bool template_csv = false;

    template_of(FILE_VALUES, values_tpl, sizeof values_tpl);
    template_of(FILE_PROJECTS, projects_tpl, sizeof projects_tpl);
    template_of(FILE_ENTERPRISES, enterprises_tpl, sizeof enterprises_tpl);
    if (h->n_cells > COUNTY_TABLE_MAX_COLUMNS) {
        fail_row(p, h->ref,
                 ngettext("the header has %zu column, more than %d; expected %s, or for key projects %s",
                          "the header has %zu columns, more than %d; expected %s, or for key projects %s",
                          h->n_cells),
                 h->n_cells, COUNTY_TABLE_MAX_COLUMNS, values_tpl, projects_tpl);
        return -1;
    }
    if (alloc_cols(p, h->ref, h->n_cells) < 0) return -1;
    for (size_t i = 0; i < h->n_cells; i++) {
        char num[32], raw[64], key[64];
        bool zh = false;
        snprintf(raw, sizeof raw, "%s", cell_str(&h->cells[i], num));
        text_shown(text_trim_spaces(raw), p->heads[i], sizeof p->heads[i]);
        head_key(&h->cells[i], key);
        if (!strcmp(key, "上期本年累计")) template_csv = true; /* a column only the template has */
        p->cols[i] = p->heads[i][0] ? col_of(key, &zh) : C_NONE;
        if (p->cols[i] == C_NONE) continue;
        if (zh)
            n_zh++;
        else
            n_en++;
        if (in_list(p->cols[i], values_marks, N_OF(values_marks))) n_values++;
        if (in_list(p->cols[i], projects_marks, N_OF(projects_marks))) n_projects++;
        if (in_list(p->cols[i], enterprises_marks, N_OF(enterprises_marks))) n_enterprises++;
    }
    p->zh = n_zh > n_en;

    if (template_csv) {
        /* the template's own sheet away from its workbook: its county and period stayed there */
        if (p->workbook)
            fail_row(p, h->ref,
                     _("this sheet is laid out as the monthly template's 主要指标, but the workbook has no "
                       "_yuebao sheet saying its county and period (was the sheet copied into another "
                       "workbook?): fill in the workbook yuebao template made, and send that"));
        else
            fail_row(
                p, h->ref,
                _("this is the 主要指标 sheet of the monthly template (yuebao template) saved as CSV, which "
                  "leaves out the template's county and period: put the .xlsx workbook itself into the "
                  "inbox"));
        return -1;
    }
    if (n_values && n_projects) {
        fail_row(p, h->ref,
                 _("the header mixes indicator values with key projects; send them as two files, "
                   "with the headers %s and %s"),
                 values_tpl, projects_tpl);
        return -1;
    }
    if (n_enterprises && (n_values || n_projects)) {
        fail_row(p, h->ref,
                 _("the header mixes key enterprises with indicator values or key projects; send the "
                   "enterprises as a file of their own, with the header %s"),
                 enterprises_tpl);
        return -1;
    }
    if (!n_values && !n_projects && !n_enterprises) {
        fail_row(p, h->ref,
                 _("not a county report header; expected %s, or for key projects %s, or for key enterprises %s"),
                 values_tpl, projects_tpl, enterprises_tpl);
        return -1;
    }
    p->kind = n_values ? FILE_VALUES : n_projects ? FILE_PROJECTS : FILE_ENTERPRISES;
    if (p->kind == FILE_ENTERPRISES) {
        all = enterprises_all;
        n_all = N_OF(enterprises_all);
        required = enterprises_required;
        n_required = N_OF(enterprises_required);
    } else {
        all = p->kind == FILE_VALUES ? values_all : projects_all;
        n_all = p->kind == FILE_VALUES ? N_OF(values_all) : N_OF(projects_all);
        required = p->kind == FILE_VALUES ? values_required : projects_required;
        n_required = p->kind == FILE_VALUES ? N_OF(values_required) : N_OF(projects_required);
    }
    list_cols(all, n_all, all_exp, sizeof all_exp);
    list_cols(required, n_required, need_exp, sizeof need_exp);

    for (size_t i = 0; i < p->n_cols; i++) {
        col_t c = p->cols[i];
        if (!p->heads[i][0]) continue; /* blank header: the cells must be blank too */
        if (c == C_NONE || !in_list(c, all, n_all)) {
            report_at(p, DIAG_ERROR, h->ref, (long)i, p->heads[i], _("unknown column \"%s\"; expected %s"),
                      p->heads[i], all_exp);
        } else if (p->at[c] >= 0) {
            report_at(p, DIAG_ERROR, h->ref, (long)i, p->heads[i],
                      _("column \"%s\" appears twice (columns %d and %zu)"), p->heads[i], p->at[c] + 1,
                      i + 1);
        } else {
            p->at[c] = (int)i;
        }
    }
    for (size_t i = 0; i < n_required; i++) {
        col_t c = required[i];
        if (p->at[c] < 0)
            report_at(p, DIAG_ERROR, h->ref, -1, col_name(p, c),
                      p->kind == FILE_VALUES     ? _("missing column \"%s\"; a values file needs %s")
                      : p->kind == FILE_PROJECTS ? _("missing column \"%s\"; a key-projects file needs %s")
                                                 : _("missing column \"%s\"; a key-enterprises file needs %s"),
                      col_name(p, c), need_exp);
    }
    return file_errors(p) > before ? -1 : 0;
}

/* The header row of a template sheet: its columns by the template's own headers. 0, or
 * -1 after reporting. Columns the template does not know are left alone: the sheet is
 * protected, and what a newer template adds for people is no figure of ours. */
static int read_tpl_header(parse_t *p, const table_row_t *h, const tpl_sheet_t *tpl) {
    size_t before = file_errors(p);
    if (h->n_cells > COUNTY_TABLE_MAX_COLUMNS) {
        fail_row(
            p, h->ref,
            ngettext("the header has %zu column, more than %d; make a new template with yuebao template",
                     "the header has %zu columns, more than %d; make a new template with yuebao template",
                     h->n_cells),
            h->n_cells, COUNTY_TABLE_MAX_COLUMNS);
        return -1;
    }
    if (alloc_cols(p, h->ref, h->n_cells) < 0) return -1;
    p->zh = true;
    p->kind = tpl->kind;
    for (size_t i = 0; i < h->n_cells; i++) {
        char num[32], raw[64], key[64];
        col_t c;
        snprintf(raw, sizeof raw, "%s", cell_str(&h->cells[i], num));
        text_shown(text_trim_spaces(raw), p->heads[i], sizeof p->heads[i]);
        head_key(&h->cells[i], key);
        c = key[0] ? tpl_col_of(tpl, key) : C_NONE;
        p->cols[i] = c == C_NONE && key[0] ? C_IGNORE : c;
        if (c == C_NONE || c == C_IGNORE) continue;
        if (p->at[c] >= 0)
            report_at(p, DIAG_ERROR, h->ref, (long)i, NULL,
                      _("column \"%s\" appears twice (columns %d and %zu)"), p->heads[i], p->at[c] + 1,
                      i + 1);
        else
            p->at[c] = (int)i;
    }
    for (size_t i = 0; i < tpl->n_required; i++) {
        col_t c = tpl->required[i];
        if (p->at[c] < 0)
            fail_row(p, h->ref,
                     _("the template's sheet has no column \"%s\" in its header row: was the template "
                       "changed? make a new one with yuebao template"),
                     col_zh[c]);
    }
    return file_errors(p) > before ? -1 : 0;
}

/* --- cells ---------------------------------------------------------------------- */

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Parses a plain decimal number: optional sign, digits (commas allowed only as
 * thousands separators, "1,234.5"), optional fraction and exponent (number_cell then
 * refuses the exponent with its own message). No hex, inf, nan
 * or '%': a sheet's "12,5" or "10%" must not become a different number silently.
 * 0 with *out, or -1. */
static int parse_number(const char *s, double *out) {
    char buf[128], *end;
    size_t n = 0, digits = 0, group = 0;
    bool commas = false;
    const char *q = s;
    double d;
    if (strlen(s) >= sizeof buf) return -1; /* buf then holds s without its commas */
    if (*q == '+' || *q == '-') buf[n++] = *q++;
    while (is_digit(*q) || *q == ',') {
        if (*q == ',') {
            if (commas ? group != 3 : (group < 1 || group > 3)) return -1;
            commas = true;
            group = 0;
            q++;
            continue;
        }
        buf[n++] = *q++;
        group++;
        digits++;
    }
    if (commas && group != 3) return -1;
    if (*q == '.') {
        buf[n++] = *q++;
        while (is_digit(*q)) {
            buf[n++] = *q++;
            digits++;
        }
    }
    if (digits == 0) return -1;
    if (*q == 'e' || *q == 'E') {
        size_t exp_digits = 0;
        buf[n++] = *q++;
        if (*q == '+' || *q == '-') buf[n++] = *q++;
        while (is_digit(*q)) {
            buf[n++] = *q++;
            exp_digits++;
        }
        if (exp_digits == 0) return -1;
    }
    if (*q != '\0') return -1;
    buf[n] = '\0';
    d = strtod(buf, &end);
    if (*end != '\0' || !isfinite(d)) return -1;
    *out = d;
    return 0;
}

/* The cell of column c in the row, NULL if the table has no such column or the row no
 * such cell. */
static const table_cell_t *raw_cell(const parse_t *p, const row_t *r, col_t c) {
    int i = p->at[c];
    return i >= 0 && (size_t)i < r->row->n_cells ? &r->row->cells[i] : NULL;
}

/* The trimmed text of column c, "" if the table has no such column. */
static const char *cell(const parse_t *p, const row_t *r, col_t c) {
    return p->at[c] >= 0 ? r->txt[p->at[c]] : "";
}

/* Reads an optional (or, with required, mandatory) number cell. A workbook's number
 * cell is its number; text (every CSV cell, a workbook's number stored as text) is
 * parsed, full-width forms and (12.3) forgiven. unit is the column's: a number cell
 * formatted as a percentage holds 0.085 for the 8.5% it shows, so where unit is "%" it
 * is read as 8.5 (and said once per table), under any other unit it is refused (a
 * percentage is no amount of 万元), and with unit NULL (the indicator is unknown, the row
 * refused already) it is taken as it is. 1 present, 0 absent, -1 after reporting. */
static int number_cell(parse_t *p, const row_t *r, col_t c, bool required, const char *unit, double *out) {
    const table_cell_t *tc = raw_cell(p, r, c);
    const char *s = cell(p, r, c);
    char sb[64], folded[160], *q;
    unsigned width;
    bool negative = false;
    size_t n;
    if (tc && tc->kind == TABLE_NUMBER) {
        if (tc->is_date) {
            fail(p, r->ref, c,
                 _("the cell holds a date (%s), not a number; format the cell as 数值 (Number) and type the "
                   "figure again"),
                 text_shown(s, sb, sizeof sb));
            return -1;
        }
        if (!isfinite(tc->number)) {
            fail(p, r->ref, c, _("\"%s\" is not a number"), text_shown(s, sb, sizeof sb));
            return -1;
        }
        *out = tc->number; /* exact, however narrow its column */
        if (tc->is_percent && unit && !strcmp(unit, "%")) {
            char shown[32];
            /* to Excel's 15 digits, so that 0.085 is 8.5 and not 8.500000000000002 */
            snprintf(shown, sizeof shown, "%.15g", tc->number * 100);
            *out = strtod(shown, NULL);
            note_change(p, CH_PERCENT, r->ref, p->at[c], _("%s%% as %s"), shown, shown);
        } else if (tc->is_percent && unit) {
            snprintf(sb, sizeof sb, "%.15g", tc->number * 100);
            fail(p, r->ref, c,
                 _("the cell is formatted as a percentage (it shows %s%%), but the figure is in %s; format "
                   "the cell as 数值 (Number) and type the figure again"),
                 sb, unit);
            return -1;
        }
        return 1;
    }
    if (!s[0]) {
        if (!required) return 0;
        fail(p, r->ref, c, _("empty; a number is required, e.g. 1234.5"));
        return -1;
    }
    /* fold: parse_number takes at most 127 bytes, and folding only ever shortens */
    width = strlen(s) < sizeof folded ? text_fold_width(s, folded, sizeof folded) : 0;
    if (!width) snprintf(folded, sizeof folded, "%.*s", (int)(sizeof folded - 1), s);
    q = folded;
    n = strlen(q);
    if (n >= 2 && q[0] == '(' && q[n - 1] == ')' && strlen(s) < sizeof folded) {
        /* (12.3): how accounting formats show a negative number */
        q[n - 1] = '\0';
        q = text_trim(q + 1);
        negative = true;
    }
    if (strlen(s) >= sizeof folded || parse_number(q, out) < 0 || (negative && (*q == '-' || *q == '+'))) {
        fail(p, r->ref, c,
             _("\"%s\" is not a number; expected digits with an optional sign and decimal "
               "point, e.g. 1234.5 or -6.2 (commas only as thousands separators, no %%)"),
             text_shown(s, sb, sizeof sb));
        return -1;
    }
    if (strpbrk(q, "eE")) {
        /* Excel saves a cell as it shows it, and shows a number too wide for its
         * column as 2.03E+6: the digits it dropped are not in the file. */
        fail(p, r->ref, c,
             _("the cell shows %s, in scientific notation, which has lost digits: widen the column in "
               "Excel, or format the cells as 数值 (Number) with one decimal, and save again"),
             text_shown(s, sb, sizeof sb));
        return -1;
    }
    if (negative) {
        *out = -*out;
        note_change(p, CH_PARENS, r->ref, p->at[c], _("\"%s\" as %.15g"), text_shown(s, sb, sizeof sb), *out);
    }
    if (width & (TEXT_FOLD_DIGITS | TEXT_FOLD_SIGNS))
        note_change(p, CH_WIDTH, r->ref, p->at[c], _("\"%s\" as %.15g"), text_shown(s, sb, sizeof sb), *out);
    return 1;
}

/* Copies a text cell into dst[size]; -1 after reporting when it is too long or, with
 * required, empty. */
static int text_cell(parse_t *p, const row_t *r, col_t c, bool required, char *dst, size_t size) {
    const char *s = cell(p, r, c);
    size_t len = strlen(s);
    if (required && !s[0]) {
        fail(p, r->ref, c, _("empty; a value is required"));
        return -1;
    }
    if (len >= size) {
        fail(p, r->ref, c, _("longer than %zu bytes (%zu found)"), size - 1, len);
        return -1;
    }
    memcpy(dst, s, len + 1);
    return 0;
}

/* s with its full-width forms folded and every space taken out, for matching a name
 * typed with stray spaces ("主营 业务收入", "闲置资源（厂房、土地）盘活率"). */
static void squeeze(const char *s, char *out, size_t size) {
    char folded[256];
    size_t o = 0;
    text_fold_width(s, folded, sizeof folded);
    for (const char *q = folded; *q && o + 1 < size; q++)
        if (*q != ' ' && *q != '\t') out[o++] = *q;
    out[o] = '\0';
}

/* The zone named s (its code or name), also when s carries stray spaces or full-width
 * signs (then *loose). NULL if none. */
static const zone_t *find_zone(const master_t *m, const char *s, bool *loose) {
    const zone_t *z = master_zone(m, s);
    char want[256];
    *loose = false;
    if (z) return z;
    squeeze(s, want, sizeof want);
    if (!want[0]) return NULL;
    for (size_t i = 0; i < m->n_zones; i++) {
        char a[256], b[256];
        squeeze(m->zones[i].code, a, sizeof a);
        squeeze(m->zones[i].name, b, sizeof b);
        if (!strcmp(a, want) || !strcmp(b, want)) {
            *loose = true;
            return &m->zones[i];
        }
    }
    return NULL;
}

/* The indicator named s (code or Chinese name), as find_zone. */
static const indicator_t *find_indicator(const master_t *m, const char *s, bool *loose) {
    const indicator_t *in = master_indicator(m, s);
    char want[256];
    *loose = false;
    if (in) return in;
    squeeze(s, want, sizeof want);
    if (!want[0]) return NULL;
    for (size_t i = 0; i < m->n_indicators; i++) {
        char a[256], b[256];
        squeeze(m->indicators[i].code, a, sizeof a);
        squeeze(m->indicators[i].name_zh, b, sizeof b);
        if (!strcmp(a, want) || !strcmp(b, want)) {
            *loose = true;
            return &m->indicators[i];
        }
    }
    return NULL;
}

/* The period in column C_PERIOD: a period as text (with what period_parse_sheet
 * forgives), or a workbook's date or number cell. 0 with *pd, or -1 after reporting. */
static int period_cell(parse_t *p, const row_t *r, period_t *pd) {
    const table_cell_t *tc = raw_cell(p, r, C_PERIOD);
    const char *s = cell(p, r, C_PERIOD);
    char sb[64], folded[64], shown[PERIOD_STRLEN];
    bool as_date = false;
    unsigned width = 0;
    if (tc && tc->kind == TABLE_NUMBER && isfinite(tc->number)) {
        double v = tc->number;
        char num[32];
        bool whole = v == floor(v);
        if (tc->is_date || (whole && v >= 32874 && v <= 73415)) { /* 1990-01-01 .. 2100-12-31 */
            if (period_from_serial(v, pd) == 0) {
                period_format(*pd, shown);
                note_change(p, CH_DATE, r->ref, p->at[C_PERIOD], _("the date %s (serial %.0f) as %s"),
                            text_shown(tc->text && tc->text[0] ? tc->text : "-", sb, sizeof sb), floor(v),
                            shown);
                return 0;
            }
        } else if (!whole && floor(v) >= 1990 && floor(v) <= 2100 && fabs(v - floor(v) - 0.1) < 1e-9) {
            /* 2017.1: typed so it is January, but 2017.10 shows the same */
            fail(p, r->ref, C_PERIOD,
                 _("the number %.15g may be January or October (Excel drops the last 0 of 2017.10); type the "
                   "period as text, e.g. 2017-10 or 2017年1-10月"),
                 v);
            return -1;
        } else {
            snprintf(num, sizeof num, whole ? "%.0f" : "%.15g", v);
            if (period_parse(num, pd) == 0) return 0;
        }
        fail(p, r->ref, C_PERIOD,
             _("\"%s\" is not a period; expected YYYY-MM, e.g. 2017-06 (or 2017年1-6月)"),
             text_shown(s, sb, sizeof sb));
        return -1;
    }
    if (!s[0]) {
        fail(p, r->ref, C_PERIOD, _("empty; expected YYYY-MM, e.g. 2017-06"));
        return -1;
    }
    if (strlen(s) < sizeof folded) width = text_fold_width(s, folded, sizeof folded);
    if (period_parse_sheet(width ? folded : s, pd, &as_date) < 0) {
        fail(p, r->ref, C_PERIOD,
             _("\"%s\" is not a period; expected YYYY-MM, e.g. 2017-06 (or 2017年1-6月)"),
             text_shown(s, sb, sizeof sb));
        return -1;
    }
    period_format(*pd, shown);
    if (as_date)
        note_change(p, CH_DATE, r->ref, p->at[C_PERIOD], _("\"%s\" as %s"), text_shown(s, sb, sizeof sb),
                    shown);
    if (width & (TEXT_FOLD_DIGITS | TEXT_FOLD_SIGNS))
        note_change(p, CH_WIDTH, r->ref, p->at[C_PERIOD], _("\"%s\" as %s"), text_shown(s, sb, sizeof sb),
                    shown);
    return 0;
}

/* The zone code and canonical period every row carries (a template's from _yuebao). 0,
 * or -1 after reporting. */
static int key_cells(parse_t *p, const row_t *r, char zone[ZONE_CODE_SIZE], char period[PERIOD_STRLEN]) {
    const char *z = cell(p, r, C_ZONE);
    const zone_t *zn;
    period_t pd;
    char sb[64];
    bool loose;
    int rc = 0;
    if (!z[0]) {
        fail(p, r->ref, C_ZONE, _("empty; expected a zone code or name from regions.csv"));
        rc = -1;
    } else if (!(zn = find_zone(p->m, z, &loose))) {
        fail(p, r->ref, C_ZONE, _("unknown zone \"%s\"; expected a zone code or name from regions.csv"),
             text_shown(z, sb, sizeof sb));
        rc = -1;
    } else if (p->county && strcmp(zn->county, p->county->code)) {
        fail(p, r->ref, C_ZONE, _("zone %s is not in %s %s, the county this template is for"), zn->code,
             p->county->code, p->county->name);
        rc = -1;
    } else {
        snprintf(zone, ZONE_CODE_SIZE, "%s", zn->code);
        if (loose)
            note_change(p, CH_NAME, r->ref, p->at[C_ZONE], _("\"%s\" as %s"), text_shown(z, sb, sizeof sb),
                        zn->code);
    }
    if (p->tpl) {
        snprintf(period, PERIOD_STRLEN, "%s", p->period);
    } else if (period_cell(p, r, &pd) < 0) {
        rc = -1;
    } else {
        period_format(pd, period);
    }
    return rc;
}

/* --- reports -------------------------------------------------------------------- */

static report_t *find_report(report_set_t *set, const char *zone, const char *period) {
    for (size_t i = set->n; i-- > 0;) {
        report_t *r = &set->reports[i];
        if (!strcmp(r->zone, zone) && !strcmp(r->period, period)) return r;
    }
    return NULL;
}

static report_t *new_report(parse_t *p, const char *zone, const char *period) {
    report_set_t *set = p->set;
    report_t *r;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        report_t *rs = realloc(set->reports, cap * sizeof *rs);
        if (!rs) return NULL;
        set->reports = rs;
        set->cap = cap;
    }
    r = &set->reports[set->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->zone, sizeof r->zone, "%s", zone);
    snprintf(r->period, sizeof r->period, "%s", period);
    snprintf(r->source, sizeof r->source, "%s", p->source);
    r->revision = 0;
    return r;
}

/* Drops r again if this row created it and left it empty. */
static void undo_new(parse_t *p, report_t *r, bool created) {
    if (created && r == &p->set->reports[p->set->n - 1] && !r->n_values && !r->n_projects && !r->n_enterprises &&
        !r->problems &&
        !r->next_steps) {
        report_clear(r);
        p->set->n--;
    }
}

/* Checks that a problems / next_steps cell agrees with what the report already holds.
 * 0, or -1 after reporting. */
static int text_agrees(parse_t *p, const row_t *row, const report_t *r, col_t c, const char *s) {
    const char *have = c == C_PROBLEMS ? r->problems : r->next_steps;
    if (!s[0] || !have || !strcmp(have, s)) return 0;
    fail(p, row->ref, c,
         _("differs from the text already given for %s %s; write it once per zone and period "
           "(or repeat the same text)"),
         r->zone, r->period);
    return -1;
}

static int set_text(report_t *r, col_t c, const char *s) {
    char **slot = c == C_PROBLEMS ? &r->problems : &r->next_steps;
    if (!s[0] || *slot) return 0;
    return report_set_text(slot, s);
}

/* --- rows ----------------------------------------------------------------------- */

static void row_free(row_t *r) {
    for (size_t i = 0; r->txt && i < r->n; i++)
        free(r->txt[i]);
    free(r->txt);
    r->txt = NULL;
}

/* Each cell's trimmed text, for every column of the header and every cell of the row.
 * 0, or -1 on out of memory. */
static int row_open(const parse_t *p, const table_row_t *row, row_t *r) {
    r->row = row;
    r->ref = row->ref;
    r->n = row->n_cells > p->n_cols ? row->n_cells : p->n_cols;
    if (!(r->txt = calloc(r->n ? r->n : 1, sizeof *r->txt))) return -1;
    for (size_t i = 0; i < r->n; i++) {
        char num[32];
        if (!(r->txt[i] = strdup(i < row->n_cells ? cell_str(&row->cells[i], num) : ""))) {
            row_free(r);
            return -1;
        }
        text_trim_spaces(r->txt[i]);
    }
    return 0;
}

/* Whether the row holds nothing a desk officer typed: every cell empty or, in a
 * template, every input cell. */
static bool row_is_empty(const parse_t *p, const row_t *r) {
    if (p->tpl) {
        for (size_t i = 0; i < p->tpl->n_inputs; i++)
            if (cell(p, r, p->tpl->inputs[i])[0]) return false;
        return true;
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->txt[i][0]) return false;
    return true;
}

/* The cells of a key-enterprise row into *e. The 统一社会信用代码 is read as meant
 * (spaces, hyphens, full-width and lower-case letters forgiven, said once per table) and
 * judged here as well as in validation (validate_enterprise.c), so that a mistyped one is
 * refused with its cell; the status is taken by its code or its Chinese label and kept
 * as its code. 0, or -1 after reporting. */
static int enterprise_cells(parse_t *p, const row_t *row, enterprise_t *e) {
    const char *code = cell(p, row, C_CREDIT), *status = cell(p, row, C_PROD_STATUS);
    char sb[64], why[512];
    ent_status_t st;
    int rc, bad = 0;
    uscc_error_t uc;
    if (!code[0]) {
        fail(p, row->ref, C_CREDIT, _("empty; expected the enterprise's 18-character 统一社会信用代码"));
        bad = 1;
    } else if (strlen(code) >= 64) {
        fail(p, row->ref, C_CREDIT, _("\"%s\" is not a 统一社会信用代码: it has 18 characters"),
             text_shown(code, sb, sizeof sb));
        bad = 1;
    } else {
        if (uscc_normalize(code, e->code, sizeof e->code))
            note_change(p, CH_NAME, row->ref, p->at[C_CREDIT], _("\"%s\" as %s"), text_shown(code, sb, sizeof sb),
                        e->code);
        if ((uc = uscc_check(e->code)) != USCC_OK) {
            uscc_explain(text_shown(code, sb, sizeof sb), e->code, uc, why, sizeof why);
            fail(p, row->ref, C_CREDIT, "%s", why);
            bad = 1;
        }
    }
    if (text_cell(p, row, C_ENTERPRISE, true, e->name, sizeof e->name) < 0) bad = 1;
    if (text_cell(p, row, C_INDUSTRY, false, e->industry, sizeof e->industry) < 0) bad = 1;
    if (text_cell(p, row, C_REMARK, false, e->remark, sizeof e->remark) < 0) bad = 1;
    if (!status[0]) {
        fail(p, row->ref, C_PROD_STATUS, _("empty; expected one of %s"), ent_status_list());
        bad = 1;
    } else if ((st = ent_status_of(status)) == ENT_STATUS_NONE) {
        fail(p, row->ref, C_PROD_STATUS, _("unknown production status \"%s\"; expected one of %s"),
             text_shown(status, sb, sizeof sb), ent_status_list());
        bad = 1;
    } else {
        snprintf(e->status, sizeof e->status, "%s", ent_status_code(st));
    }
    if ((rc = number_cell(p, row, C_OUTPUT, false, "万元", &e->output_value)) < 0) bad = 1;
    e->has_output = rc == 1;
    if ((rc = number_cell(p, row, C_OUTPUT_GROWTH, false, "%", &e->output_growth_pct)) < 0) bad = 1;
    e->has_output_growth = rc == 1;
    if ((rc = number_cell(p, row, C_REVENUE, false, "万元", &e->revenue)) < 0) bad = 1;
    e->has_revenue = rc == 1;
    if ((rc = number_cell(p, row, C_REVENUE_GROWTH, false, "%", &e->revenue_growth_pct)) < 0) bad = 1;
    e->has_revenue_growth = rc == 1;
    e->line = row->ref;
    return bad ? -1 : 0;
}

/* Parses one data row into the set; errors are reported and add nothing. */
static void read_row(parse_t *p, const table_row_t *tr) {
    char zone[ZONE_CODE_SIZE] = "", period[PERIOD_STRLEN] = "";
    const char *problems, *next_steps;
    report_value_t v;
    char note[REPORT_MAX_NOTE];
    report_project_t pr;
    enterprise_t en;
    report_t *r;
    row_t row = {0};
    char sb[64];
    bool bad = false, created = false;

    if (!p->workbook && tr->n_cells != p->n_cols) {
        fail_row(p, tr->ref,
                 ngettext("expected %zu column, found %zu; check for a missing or extra comma "
                          "(a cell holding a comma must be quoted)",
                          "expected %zu columns, found %zu; check for a missing or extra comma "
                          "(a cell holding a comma must be quoted)",
                          p->n_cols),
                 p->n_cols, tr->n_cells);
        return;
    }
    if (row_open(p, tr, &row) < 0) {
        fail_row(p, tr->ref, _("out of memory"));
        return;
    }
    if (row_is_empty(p, &row)) goto out; /* ",,,," — an empty row as Excel saves it */
    p->n_input_rows++;
    for (size_t i = 0; i < row.n; i++) {
        if ((i >= p->n_cols || (p->cols[i] == C_NONE && !p->heads[i][0])) && row.txt[i][0]) {
            char field[32];
            snprintf(field, sizeof field, _("column %zu"), i + 1);
            report_at(p, DIAG_ERROR, row.ref, (long)i, field,
                      _("\"%s\" is under a column with no header; give the "
                        "column a header or clear it"),
                      text_shown(row.txt[i], sb, sizeof sb));
            bad = true;
        }
    }
    if (key_cells(p, &row, zone, period) < 0) bad = true;
    problems = cell(p, &row, C_PROBLEMS);
    next_steps = cell(p, &row, C_NEXT_STEPS);
    if (strlen(problems) >= REPORT_MAX_TEXT) {
        fail(p, row.ref, C_PROBLEMS, _("longer than %d bytes"), REPORT_MAX_TEXT - 1);
        bad = true;
    }
    if (strlen(next_steps) >= REPORT_MAX_TEXT) {
        fail(p, row.ref, C_NEXT_STEPS, _("longer than %d bytes"), REPORT_MAX_TEXT - 1);
        bad = true;
    }

    memset(&v, 0, sizeof v);
    memset(&pr, 0, sizeof pr);
    memset(&en, 0, sizeof en);
    if (p->kind == FILE_VALUES) {
        const char *ind = cell(p, &row, C_INDICATOR);
        const indicator_t *in = NULL;
        bool loose;
        int rc;
        if (!ind[0]) {
            fail(p, row.ref, C_INDICATOR, _("empty; expected a code or Chinese name from indicators.csv"));
            bad = true;
        } else if (!(in = find_indicator(p->m, ind, &loose))) {
            fail(p, row.ref, C_INDICATOR,
                 _("unknown indicator \"%s\"; expected a code or Chinese name from indicators.csv"),
                 text_shown(ind, sb, sizeof sb));
            bad = true;
        } else {
            snprintf(v.indicator, sizeof v.indicator, "%s", in->code);
            if (loose)
                note_change(p, CH_NAME, row.ref, p->at[C_INDICATOR], _("\"%s\" as %s"),
                            text_shown(ind, sb, sizeof sb), in->code);
        }
        if (number_cell(p, &row, C_AMOUNT, true, !in ? NULL : in->percent ? "%" : in->unit, &v.amount) < 0)
            bad = true;
        rc = number_cell(p, &row, C_GROWTH, false, "%", &v.growth_pct);
        if (rc < 0) bad = true;
        v.has_growth = rc == 1;
        /* the 说明 that confirms a figure the soft checks would refuse (plausibility.h) */
        if (text_cell(p, &row, C_NOTE, false, note, sizeof note) < 0) bad = true;
        v.note = note; /* borrowed: report_add_value copies it */
        v.line = row.ref;
    } else if (p->kind == FILE_PROJECTS) {
        int rc;
        if (text_cell(p, &row, C_PROJECT, true, pr.code, sizeof pr.code) < 0) bad = true;
        if (text_cell(p, &row, C_NAME, false, pr.name, sizeof pr.name) < 0) bad = true;
        if (text_cell(p, &row, C_STATUS, false, pr.status, sizeof pr.status) < 0) bad = true;
        rc = number_cell(p, &row, C_TOTAL, false, "万元", &pr.total_investment);
        if (rc < 0) bad = true;
        pr.has_total = rc == 1;
        rc = number_cell(p, &row, C_YTD, false, "万元", &pr.ytd_investment);
        if (rc < 0) bad = true;
        pr.has_ytd = rc == 1;
        pr.line = row.ref;
    } else if (p->kind == FILE_ENTERPRISES) {
        if (enterprise_cells(p, &row, &en) < 0) bad = true;
    }
    if (bad) goto out;

    r = find_report(p->set, zone, period);
    if (!r) {
        if (!(r = new_report(p, zone, period))) {
            fail_row(p, row.ref, _("out of memory"));
            goto out;
        }
        created = true;
    }
    if (text_agrees(p, &row, r, C_PROBLEMS, problems) < 0) bad = true;
    if (text_agrees(p, &row, r, C_NEXT_STEPS, next_steps) < 0) bad = true;
    if (!bad && p->kind == FILE_VALUES && r->n_values >= REPORT_MAX_VALUES) {
        fail_row(p, row.ref, _("more than %d indicator rows for %s %s"), REPORT_MAX_VALUES, zone, period);
        bad = true;
    }
    if (!bad && p->kind == FILE_PROJECTS && r->n_projects >= REPORT_MAX_PROJECTS) {
        fail_row(p, row.ref, _("more than %d project rows for %s %s"), REPORT_MAX_PROJECTS, zone, period);
        bad = true;
    }
    if (!bad && p->kind == FILE_ENTERPRISES && r->n_enterprises >= REPORT_MAX_ENTERPRISES) {
        fail_row(p, row.ref, _("more than %d enterprise rows for %s %s"), REPORT_MAX_ENTERPRISES, zone, period);
        bad = true;
    }
    if (!bad) {
        bool added = p->kind == FILE_VALUES     ? report_add_value(r, &v) != NULL
                     : p->kind == FILE_PROJECTS    ? report_add_project(r, &pr) != NULL
                     : p->kind == FILE_ENTERPRISES ? report_add_enterprise(r, &en) != NULL
                                                   : true;
        if (!added) {
            fail_row(p, row.ref, _("out of memory"));
            bad = true;
        } else if (set_text(r, C_PROBLEMS, problems) < 0 || set_text(r, C_NEXT_STEPS, next_steps) < 0) {
            fail_row(p, row.ref, _("out of memory"));
            /* take the row back out: the row adds nothing */
            if (p->kind == FILE_VALUES)
                free(r->values[--r->n_values].note);
            else if (p->kind == FILE_PROJECTS)
                r->n_projects--;
            else if (p->kind == FILE_ENTERPRISES)
                r->n_enterprises--;
            bad = true;
        }
    }
    if (bad) undo_new(p, r, created);
out:
    row_free(&row);
}

/* --- tables --------------------------------------------------------------------- */

typedef enum {
    SHEET_NO_HEADER, /* no row names two columns: not a report table */
    SHEET_BAD_HEADER, /* a header that cannot be read (reported): its rows are not read */
    SHEET_READ,
    SHEET_STOPPED /* too many errors: reading stopped (reported) */
} sheet_rc_t;

/* How many cells of row hold something. */
static size_t filled_cells(const table_row_t *row) {
    size_t n = 0;
    for (size_t k = 0; k < row->n_cells; k++) {
        char num[32], s[64];
        snprintf(s, sizeof s, "%s", cell_str(&row->cells[k], num));
        if (text_trim_spaces(s)[0]) n++;
    }
    return n;
}

/* Title and note rows above the header are skipped without a word; a skipped row that
 * holds three cells or more may be figures, and is named in one warning. */
static void warn_above_header(parse_t *p, const table_sheet_t *sh, size_t h) {
    char where[64] = "";
    size_t n = 0, off = 0;
    for (size_t i = 0; i < h; i++) {
        if (filled_cells(&sh->rows[i]) < 3) continue;
        if (n++ < 3 && off < sizeof where)
            off += (size_t)snprintf(where + off, sizeof where - off, "%s%u", n > 1 ? diag_list_sep() : "",
                                    sh->rows[i].ref);
        else if (n == 4 && off < sizeof where)
            off += (size_t)snprintf(where + off, sizeof where - off, "%s…", diag_list_sep());
    }
    if (!n) return;
    if (p->workbook)
        report_at(p, DIAG_WARNING, sh->rows[h].ref, -1, NULL,
                  ngettext("%zu row of several cells above the header was not read (row %s): figures belong "
                           "below the header row",
                           "%zu rows of several cells above the header were not read (rows %s): figures "
                           "belong below the header row",
                           n),
                  n, where);
    else
        report_at(p, DIAG_WARNING, sh->rows[h].ref, -1, NULL,
                  ngettext("%zu row of several cells above the header was not read (line %s): figures belong "
                           "below the header row",
                           "%zu rows of several cells above the header were not read (lines %s): figures "
                           "belong below the header row",
                           n),
                  n, where);
}

/* Whether row is hidden (in Excel) and holds what read_row would read. */
static bool hidden_with_data(const parse_t *p, const table_row_t *row) {
    row_t r = {0};
    bool data;
    if (!row->hidden) return false;
    if (row_open(p, row, &r) < 0) return true; /* read_row will say out of memory */
    data = !row_is_empty(p, &r);
    row_free(&r);
    return data;
}

/* Hidden rows below the header are not read: a desk officer hides rows to leave them out,
 * and what is not seen is not checked before sending. They are named in one warning: the
 * count and the first three rows (refs). */
static void warn_hidden(parse_t *p, const unsigned refs[3], size_t n) {
    char where[96] = "";
    size_t off = 0, n_named = n < 3 ? n : 3;
    if (!n) return;
    for (size_t i = 0; i < n_named && off < sizeof where; i++)
        off += (size_t)snprintf(where + off, sizeof where - off, "%s%u", i ? diag_list_sep() : "", refs[i]);
    if (n > n_named && off < sizeof where) snprintf(where + off, sizeof where - off, "%s…", diag_list_sep());
    report_at(
        p, DIAG_WARNING, 0, -1, NULL,
        ngettext("%zu hidden row was not read: %s; unhide it in Excel if it holds figures to report",
                 "%zu hidden rows were not read: %s; unhide them in Excel if they hold figures to report", n),
        n, where);
}

/* Reads one table (a CSV file, or one sheet) from its header row on; tpl: a template
 * sheet's layout. */
static sheet_rc_t read_sheet(parse_t *p, const table_sheet_t *sh, const tpl_sheet_t *tpl) {
    size_t h, n_hidden = 0;
    unsigned hidden[3];
    p->tpl = tpl;
    p->kind = FILE_UNKNOWN;
    p->zh = false;
    for (h = 0; h < sh->n_rows; h++)
        if (heads_named(&sh->rows[h], tpl) >= 2) break;
    if (h == sh->n_rows) return SHEET_NO_HEADER;
    warn_above_header(p, sh, h);
    if ((tpl ? read_tpl_header(p, &sh->rows[h], tpl) : read_header(p, &sh->rows[h])) < 0) return SHEET_BAD_HEADER;
    for (size_t i = h + 1; i < sh->n_rows; i++) {
        /* the note is the 200th finding, so a list capped at 200 still shows it */
        if (file_errors(p) >= MAX_FILE_ERRORS - 1) {
            fail_row(p, sh->rows[i].ref,
                     _("too many errors; reading stopped here and the rest of the file was not "
                       "checked: correct the lines above and send it again"));
            p->stopped = true;
            warn_hidden(p, hidden, n_hidden);
            return SHEET_STOPPED;
        }
        if (hidden_with_data(p, &sh->rows[i])) {
            if (n_hidden < 3) hidden[n_hidden] = sh->rows[i].ref;
            n_hidden++;
            continue;
        }
        read_row(p, &sh->rows[i]);
    }
    warn_hidden(p, hidden, n_hidden);
    return SHEET_READ;
}

/* The first row of sh that holds anything, or NULL. */
static const table_row_t *first_filled_row(const table_sheet_t *sh) {
    for (size_t i = 0; i < sh->n_rows; i++)
        for (size_t k = 0; k < sh->rows[i].n_cells; k++) {
            char num[32], s[64];
            snprintf(s, sizeof s, "%s", cell_str(&sh->rows[i].cells[k], num));
            if (text_trim_spaces(s)[0]) return &sh->rows[i];
        }
    return NULL;
}

/* The CSV reader's error that cut the table short, on its line. */
static void csv_failure(parse_t *p, const county_parse_opts_t *opts) {
    fail_row(p, opts->reader_error_line, "%s", opts->reader_error);
}

static void read_csv(parse_t *p, const table_t *t, const county_parse_opts_t *opts) {
    const table_sheet_t *sh = t->n_sheets ? &t->sheets[0] : NULL;
    const char *cut = opts ? opts->reader_error : NULL;
    char exp[256], projects_exp[320], enterprises_exp[512];
    sheet_rc_t rc;
    if (!sh || sh->n_rows == 0) {
        if (cut) {
            csv_failure(p, opts);
        } else {
            template_of(FILE_VALUES, exp, sizeof exp);
            fail_row(p, 0, _("empty file: expected a header row, e.g. %s"), exp);
        }
        return;
    }
    rc = read_sheet(p, sh, NULL);
    if (rc == SHEET_NO_HEADER) {
        /* the first row is what a header would have been */
        template_of(FILE_VALUES, exp, sizeof exp);
        template_of(FILE_PROJECTS, projects_exp, sizeof projects_exp);
        template_of(FILE_ENTERPRISES, enterprises_exp, sizeof enterprises_exp);
        fail_row(p, sh->rows[0].ref,
                 _("not a county report header; expected %s, or for key projects %s, or for key enterprises %s"),
                 exp, projects_exp, enterprises_exp);
    }
    if (cut && rc != SHEET_BAD_HEADER && rc != SHEET_STOPPED) csv_failure(p, opts);
    flush_changes(p);
}

/* The text of cell (col, row 1-based) of sh, trimmed, into buf; "" if absent. */
static const char *sheet_cell(const table_sheet_t *sh, size_t col, unsigned ref, char *buf, size_t size) {
    buf[0] = '\0';
    for (size_t i = 0; i < sh->n_rows; i++)
        if (sh->rows[i].ref == ref && col < sh->rows[i].n_cells) {
            char num[32];
            snprintf(buf, size, "%s", cell_str(&sh->rows[i].cells[col], num));
            text_trim_spaces(buf);
        }
    return buf;
}

static const table_sheet_t *sheet_named(const table_t *t, const char *name) {
    for (size_t i = 0; i < t->n_sheets; i++)
        if (t->sheets[i].name && !strcmp(t->sheets[i].name, name)) return &t->sheets[i];
    return NULL;
}

/* The _yuebao sheet of a template, or NULL when t is not one. */
static const table_sheet_t *template_sheet(const table_t *t) {
    const table_sheet_t *ys = sheet_named(t, TEMPLATE_SHEET);
    char a1[64];
    return ys && !strcmp(sheet_cell(ys, 0, 1, a1, sizeof a1), TEMPLATE_MARK) ? ys : NULL;
}

/* The template's county, period and version against what the caller takes. 0, or -1
 * after reporting whose template it is and what was expected. */
static int check_template(parse_t *p, const table_sheet_t *ys, const county_parse_opts_t *opts) {
    char version[32], code[64], period_s[64], sb[64];
    const county_t *mine;
    period_t pd;
    sheet_cell(ys, 1, 1, version, sizeof version);
    sheet_cell(ys, 1, 2, code, sizeof code);
    sheet_cell(ys, 1, 3, period_s, sizeof period_s);
    if (strcmp(version, TEMPLATE_VERSION)) {
        fail_row(p, 0,
                 _("this is a template of version %s, and this collector reads version %s: make a new one "
                   "with yuebao template"),
                 text_shown(version, sb, sizeof sb), TEMPLATE_VERSION);
        return -1;
    }
    if (!(p->county = master_county(p->m, code))) {
        fail_row(p, 0, _("the template is for county %s, which regions.csv does not list"),
                 text_shown(code, sb, sizeof sb));
        return -1;
    }
    if (period_parse(period_s, &pd) < 0) {
        fail_row(p, 0, _("the template's period \"%s\" is not a period: make a new one with yuebao template"),
                 text_shown(period_s, sb, sizeof sb));
        return -1;
    }
    period_format(pd, p->period);
    if (opts && opts->county && strcmp(opts->county, p->county->code)) {
        mine = master_county(p->m, opts->county);
        fail_row(p, 0, _("this template is for %s %s, %s; this collector takes the reports of %s %s only"),
                 p->county->code, p->county->name, p->period, opts->county, mine ? mine->name : "");
        return -1;
    }
    if (opts && opts->period && strcmp(opts->period, p->period)) {
        fail_row(p, 0, _("this template is for %s %s, %s; the report expected is %s"), p->county->code,
                 p->county->name, p->period, opts->period);
        return -1;
    }
    return 0;
}

static bool is_template_sheet(const char *name) {
    if (!name) return false;
    for (size_t i = 0; i < N_OF(tpl_sheets); i++)
        if (!strcmp(name, tpl_sheets[i].sheet)) return true;
    return false;
}

/* A workbook's visible sheets that were not read, as "A, B" (for one warning). */
static void add_ignored(char *buf, size_t size, const char *name) {
    size_t off = strlen(buf);
    char sb[64];
    if (off < size) snprintf(buf + off, size - off, "%s%s", off ? ", " : "", text_shown(name, sb, sizeof sb));
}

static void read_template(parse_t *p, const table_t *t, const table_sheet_t *ys, const county_parse_opts_t *opts) {
    char ignored[256] = "";
    if (check_template(p, ys, opts) < 0) return;
    for (size_t i = 0; i < N_OF(tpl_sheets) && !p->stopped; i++) {
        const tpl_sheet_t *tpl = &tpl_sheets[i];
        const table_sheet_t *sh = sheet_named(t, tpl->sheet);
        if (!sh) {
            if (tpl->must)
                fail_row(p, 0, _("the template has no sheet %s: make a new one with yuebao template"),
                         tpl->sheet);
            continue;
        }
        snprintf(p->sheet, sizeof p->sheet, "%s", tpl->sheet);
        if (read_sheet(p, sh, tpl) == SHEET_NO_HEADER)
            fail_row(p, 0,
                     _("the template's sheet has no header row (园区代码, …): make a new one with yuebao "
                       "template"));
        flush_changes(p);
        p->sheet[0] = '\0';
    }
    for (size_t i = 0; i < t->n_sheets; i++)
        if (t->sheets[i].state == 0 && !is_template_sheet(t->sheets[i].name) && first_filled_row(&t->sheets[i]))
            add_ignored(ignored, sizeof ignored, t->sheets[i].name ? t->sheets[i].name : "");
    if (ignored[0])
        report_at(p, DIAG_WARNING, 0, -1, NULL, _("sheets the template does not have were not read: %s"),
                  ignored);
    if (!p->stopped && file_errors(p) == 0 && p->n_input_rows == 0)
        fail_row(
            p, 0,
            _("the template has no figures filled in: type this period's 本年累计 (and 同比增长) into the "
              "yellow cells of the 主要指标 sheet, save, and send it again"));
}

static void read_workbook(parse_t *p, const table_t *t) {
    char ignored[256] = "", exp[256], projects_exp[320], enterprises_exp[512];
    size_t n_read = 0, n_filled = 0;
    for (size_t i = 0; i < t->n_sheets && !p->stopped; i++) {
        const table_sheet_t *sh = &t->sheets[i];
        if (sh->state != 0 || !first_filled_row(sh)) continue; /* hidden, or nothing in it */
        n_filled++;
        text_shown(sh->name ? sh->name : "", p->sheet, sizeof p->sheet);
        if (read_sheet(p, sh, NULL) == SHEET_NO_HEADER)
            add_ignored(ignored, sizeof ignored, sh->name ? sh->name : "");
        else
            n_read++;
        flush_changes(p);
        p->sheet[0] = '\0';
    }
    template_of(FILE_VALUES, exp, sizeof exp);
    template_of(FILE_PROJECTS, projects_exp, sizeof projects_exp);
    template_of(FILE_ENTERPRISES, enterprises_exp, sizeof enterprises_exp);
    if (n_filled == 0)
        fail_row(
            p, 0,
            _("empty workbook: no visible sheet holds anything; expected a sheet with the header row %s"),
            exp);
    else if (n_read == 0)
        fail_row(
            p, 0,
            _("no sheet has a county report header row (sheets: %s); expected %s, or for key projects %s, "
              "or for key enterprises %s"),
            ignored, exp, projects_exp, enterprises_exp);
    else if (ignored[0])
        report_at(p, DIAG_WARNING, 0, -1, NULL, _("sheets without a report header were not read: %s"),
                  ignored);
}

size_t county_table_parse(const master_t *m, const char *name, const table_t *t, report_set_t *set,
                          diag_list_t *dl, const county_parse_opts_t *opts) {
    parse_t p;
    const table_sheet_t *ys;

    memset(&p, 0, sizeof p);
    p.m = m;
    p.name = name ? name : "";
    p.source = util_basename(p.name);
    p.set = set;
    p.dl = dl;
    p.errors_before = dl->n_errors;
    p.workbook = t->is_workbook;
    for (int c = 0; c < C_COUNT; c++)
        p.at[c] = -1;

    if (!p.workbook)
        read_csv(&p, t, opts);
    else if ((ys = template_sheet(t)))
        read_template(&p, t, ys, opts);
    else
        read_workbook(&p, t);
    free(p.cols);
    free(p.heads);
    return file_errors(&p);
}

void report_set_clear(report_set_t *set) {
    if (!set) return;
    for (size_t i = 0; i < set->n; i++)
        report_clear(&set->reports[i]);
    free(set->reports);
    set->reports = NULL;
    set->n = set->cap = 0;
}
