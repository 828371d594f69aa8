/* cli_template.c - `yuebao template --county C --period P [-o FILE.xlsx]`: the county's
 * monthly report workbook (月报模板), to fill in Excel and drop into the collector's inbox.
 *
 * The layout is a contract with the reader that takes the filled workbook back (the
 * county parser; docs/DESIGN.md §7): five sheets, in this order —
 *   主要指标                 title, note, header (row 3), then one row per zone of the
 *                            county (master order) × indicator (indicators.csv order):
 *                            园区代码 | 园区名称 | 指标代码 | 指标名称 | 单位 | 上期本年累计 |
 *                            上期同比增长(%) | 本年累计 | 同比增长(%) | 说明
 *   重点项目                 title, note, header, PROJECT_ROWS empty input rows
 *   存在问题及下一步措施     title, note, header, one row per zone
 *   重点企业运行             title, note, header, ENTERPRISE_ROWS input rows (the first
 *                            ones listing the previous period's enterprises from the
 *                            store: zone, code, name, industry; the rest empty):
 *                            园区代码 | 统一社会信用代码 | 企业名称 | 行业 | 工业总产值(万元) |
 *                            工业总产值同比增长(%) | 营业收入(万元) | 营业收入同比增长(%) |
 *                            生产状态 | 备注
 *   _yuebao                  veryHidden and protected: A1 yuebao-template, B1 the
 *                            version, A2 county, B2 its code, A3 period, B3 YYYY-MM
 * Headers, names and reference cells are locked (the sheets are protected, without a
 * password: protection guards against slips, not against the desk); the cells to fill
 * are unlocked and yellow, with Excel's data validation — decimals only, in the range
 * validate.c would accept, and an input message naming the unit (单位：万元 / % / 人) shown
 * when the cell is selected. The 上期 columns (grey) hold the zone's stored figures of
 * the previous period of the same year, read from the report store through values_load
 * when a store is at hand (the central office); at a county desk there is none and
 * they stay empty. An indicator without growth has its growth cell locked and grey.
 * Empty input cells mean "not reported": the template carries no value of its own.
 * January follows the city's policy (city.csv's merge_jan_feb, as the collector judges
 * it): merged, there is no January template and February's is "1-2月" with no 上期.
 *
 * libxlsxwriter (1.1) can hide a sheet but not make it veryHidden (not even listed in
 * Excel's 取消隐藏 dialog), so once the workbook is written the one attribute is
 * changed in xl/workbook.xml with libzip, which rewrites that part and copies the others
 * as they are.
 *
 * The workbook is built under a hidden temporary name in the target's folder (which the
 * collector's inbox ignores) and only then given its name — by link(), which refuses to
 * replace a file that appeared meanwhile, or with --force by rename() — so a
 * half-written workbook never lies under a name someone might open or send.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "cli.h"
#include "i18n.h"
#include "text.h"
#include "util.h"
#include "values.h"

#define TEMPLATE_VERSION 1
#define TEMPLATE_MARK "yuebao-template"
#define PROJECT_ROWS 50
#define ENTERPRISE_ROWS 100 /* a county's 重点企业: tens */
#define REMARK_MAX_CHARS 170 /* a 备注 is at most 511 bytes: 170 汉字 */
#define GROWTH_MAX 10000     /* validate_enterprise.c: more than a hundredfold is refused */
#define NOTE_MAX_CHARS 170  /* a 说明 is at most REPORT_MAX_NOTE − 1 = 511 bytes: 170 汉字 */
#define TEXT_MAX_CHARS 5000 /* 存在问题 / 下一步措施: REPORT_MAX_TEXT bytes, 3 a 汉字 */
#define AMOUNT_MAX 1e15     /* VALIDATE_MAX_NUMBER */
#define WORKBOOK_XML_MAX (4u << 20)

#define ROW_TITLE 0
#define ROW_NOTE 1
#define ROW_HEAD 2
#define ROW_FIRST 3 /* the first data row (Excel row 4) */

#define FILL_INPUT 0xFFFF99 /* yellow: to fill */
#define FILL_REF 0xD9D9D9   /* grey: for reference, or nothing to fill */
#define FILL_HEAD 0xDDEBF7

/* The statuses of a key project in the sample city's files (county_csv takes any text);
 * the list is a suggestion: another word only draws a warning. */
static const char *const project_statuses[] = {"planned", "under_construction", "in_production", NULL};

/* 主要指标's columns. */
enum {
    C_ZONE,
    C_ZONE_NAME,
    C_IND,
    C_IND_NAME,
    C_UNIT,
    C_PREV,
    C_PREV_GROWTH,
    C_AMOUNT,
    C_GROWTH,
    C_NOTE,
    N_MAIN
};
static const char *const main_head[N_MAIN] = {"园区代码",    "园区名称",     "指标代码",        "指标名称",
                                              "单位",        "上期本年累计", "上期同比增长(%)", "本年累计",
                                              "同比增长(%)", "说明"};
enum { P_ZONE, P_CODE, P_NAME, P_TOTAL, P_YTD, P_STATUS, N_PROJ };
static const char *const proj_head[N_PROJ] = {"园区代码",     "项目编号",           "项目名称",
                                              "总投资(万元)", "本年完成投资(万元)", "状态"};
enum { E_ZONE, E_CODE, E_NAME, E_INDUSTRY, E_OUTPUT, E_OUTPUT_GROWTH, E_REVENUE, E_REVENUE_GROWTH, E_STATUS,
       E_REMARK, N_ENT };
static const char *const ent_head[N_ENT] = {"园区代码",       "统一社会信用代码",      "企业名称", "行业",
                                            "工业总产值(万元)", "工业总产值同比增长(%)", "营业收入(万元)",
                                            "营业收入同比增长(%)", "生产状态",           "备注"};
/* The production statuses (enterprise.h), by their labels: the list is the rule. */
static const char *const ent_statuses[] = {"正常生产", "减产", "停产", "半停产", "停产整顿", "新投产", NULL};
enum { T_ZONE, T_ZONE_NAME, T_PROBLEMS, T_NEXT, N_TEXT };
static const char *const text_head[N_TEXT] = {"园区代码", "园区名称", "存在问题", "下一步措施"};

typedef struct {
    lxw_format *title, *note, *head, *fixed, *ref, *input, *input_wrap;
} formats_t;

/* What the workbook is made of. */
typedef struct {
    const master_t *m;
    const county_t *county;
    period_t p;
    char period[PERIOD_STRLEN]; /* "2017-06" */
    char when[32];              /* "2017年1-6月" */
    bool merge_jan_feb;         /* the city's policy (city.csv), unless --no-merge-jan-feb */
    size_t *zones;              /* indices into m->zones of the county's zones, master order */
    size_t n_zones;
    values_t prev; /* the previous period's values, when has_prev */
    bool has_prev;
    char prev_period[PERIOD_STRLEN];
    size_t n_prev_zones;  /* the county's zones with a report of prev_period */
    char prev_words[600]; /* what the 上期 columns hold, for the closing line */
    report_t prev_ents;   /* the county's key enterprises of the previous period (rows only, in
                           * the store's order: zone, line), to list on 重点企业运行 */
    char (*prev_ent_zones)[ZONE_CODE_SIZE]; /* each row's zone */
} template_t;

/* ---- the arguments ------------------------------------------------------------------- */

/* The period in the office's words: "2017年1-6月", or "2017年1月" for January alone. */
static void period_words(period_t p, char *buf, size_t size) {
    if (p.month == 1)
        snprintf(buf, size, "%d年1月", p.year);
    else
        snprintf(buf, size, "%d年1-%d月", p.year, p.month);
}

/* ---- the previous period from the report store ----------------------------------------- */

/* One enterprise row of the previous period: kept when its zone is the county's, as many
 * as the sheet has rows. */
static void on_prev_enterprise(const char *zone, uint32_t revision, const enterprise_t *e, void *arg) {
    template_t *t = arg;
    const zone_t *z = master_zone(t->m, zone ? zone : "");
    char (*zones)[ZONE_CODE_SIZE];
    size_t n = t->prev_ents.n_enterprises;
    (void)revision;
    if (!z || strcmp(z->county, t->county->code) || n >= ENTERPRISE_ROWS) return;
    if (!(zones = realloc(t->prev_ent_zones, (n + 1) * sizeof *zones))) return;
    t->prev_ent_zones = zones;
    if (!report_add_enterprise(&t->prev_ents, e)) return;
    snprintf(zones[n], sizeof zones[n], "%s", z->code);
}

/* The county's key enterprises of the previous period into t->prev_ents: 重点企业运行
 * lists them (zone, code, name, industry), so the desk types only this month's figures
 * and status. 0, or -1 on a store error. */
static int load_prev_enterprises(rstore_t *st, template_t *t) {
    return rstore_each_enterprise(st, t->prev_period, on_prev_enterprise, t) < 0 ? -1 : 0;
}

/* Fills t->prev with the previous period's values when there is one to show; else says
 * in t->prev_words why the 上期 columns are empty. 0, or -1 when a store is there but
 * cannot be read (said on stderr). */
static int load_prev(const cli_opts_t *o, template_t *t) {
    period_t pp = period_prev(t->p, t->merge_jan_feb);
    char err[1024];
    rstore_t *st;
    int rc;
    if (pp.year == 0) {
        snprintf(t->prev_words, sizeof t->prev_words,
                 _("previous period 上期 empty: %s is the year's first report"), t->period);
        return 0;
    }
    period_format(pp, t->prev_period);
    if (!o->store || access(o->store, F_OK) != 0) {
        snprintf(t->prev_words, sizeof t->prev_words,
                 _("previous period 上期 (%s) empty: no report store at %s"), t->prev_period,
                 o->store ? o->store : _("(none)"));
        return 0;
    }
    if (!(st = rstore_open(o->store, true, err, sizeof err))) {
        fprintf(
            stderr,
            _("yuebao template: cannot read the report store for the previous period's figures (上期): %s\n"),
            err);
        return -1;
    }
    rc = values_load(&t->prev, st, t->m, t->prev_period);
    if (rc >= 0) rc = load_prev_enterprises(st, t);
    rstore_close(&st);
    if (rc < 0) {
        fprintf(stderr, _("yuebao template: cannot read the %s reports from %s (see above)\n"),
                t->prev_period, o->store);
        return -1;
    }
    for (size_t i = 0; i < t->n_zones; i++)
        t->n_prev_zones += t->prev.zones[t->zones[i]].reported;
    t->has_prev = t->n_prev_zones > 0;
    if (t->has_prev)
        snprintf(t->prev_words, sizeof t->prev_words,
                 ngettext("previous period 上期 = %s from %s (%zu of %zu zone reported)",
                          "previous period 上期 = %s from %s (%zu of %zu zones reported)", t->n_zones),
                 t->prev_period, o->store, t->n_prev_zones, t->n_zones);
    else
        snprintf(t->prev_words, sizeof t->prev_words, _("previous period 上期 empty: no report of %s in %s"),
                 t->prev_period, o->store);
    return 0;
}

/* The previous amount (growth when growth) of indicator i of zone index z: true with *x. */
static bool prev_value(const template_t *t, size_t z, size_t i, bool growth, double *x) {
    const double *col;
    if (!t->has_prev) return false;
    col = growth ? t->prev.growth : t->prev.amount;
    *x = col[z * t->prev.n_indicators + i];
    return !isnan(*x);
}

/* ---- the workbook's pieces ------------------------------------------------------------- */

static lxw_format *cell_format(lxw_workbook *wb, uint32_t fill, bool locked, bool wrap) {
    lxw_format *f = workbook_add_format(wb);
    if (!f) return NULL;
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, wrap ? LXW_ALIGN_VERTICAL_TOP : LXW_ALIGN_VERTICAL_CENTER);
    if (fill) format_set_bg_color(f, fill);
    if (!locked) format_set_unlocked(f);
    if (wrap) format_set_text_wrap(f);
    return f;
}

static int make_formats(lxw_workbook *wb, formats_t *f) {
    if ((f->title = workbook_add_format(wb))) {
        format_set_bold(f->title);
        format_set_font_size(f->title, 16);
        format_set_align(f->title, LXW_ALIGN_CENTER);
        format_set_align(f->title, LXW_ALIGN_VERTICAL_CENTER);
    }
    if ((f->note = workbook_add_format(wb))) {
        format_set_text_wrap(f->note);
        format_set_align(f->note, LXW_ALIGN_VERTICAL_CENTER);
        format_set_font_color(f->note, 0x595959);
    }
    if ((f->head = workbook_add_format(wb))) {
        format_set_bold(f->head);
        format_set_text_wrap(f->head);
        format_set_border(f->head, LXW_BORDER_THIN);
        format_set_align(f->head, LXW_ALIGN_CENTER);
        format_set_align(f->head, LXW_ALIGN_VERTICAL_CENTER);
        format_set_bg_color(f->head, FILL_HEAD);
    }
    f->fixed = cell_format(wb, 0, true, false);
    f->ref = cell_format(wb, FILL_REF, true, false);
    f->input = cell_format(wb, FILL_INPUT, false, false);
    f->input_wrap = cell_format(wb, FILL_INPUT, false, true);
    return f->title && f->note && f->head && f->fixed && f->ref && f->input && f->input_wrap ? 0 : -1;
}

/* Column widths that fit what the column holds: CJK characters count two. */
typedef struct {
    double w[16];
} widths_t;

static void fit(widths_t *ws, int col, const char *text) {
    double w = text_width(text) + 2;
    if (w > ws->w[col]) ws->w[col] = w > 50 ? 50 : w;
}

static void set_widths(lxw_worksheet *ws, const widths_t *w, int n) {
    for (int c = 0; c < n; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w->w[c], NULL);
}

/* What every sheet of the three shares: the title and note merged across its columns,
 * the header row, the header frozen, print setup and protection. */
static void sheet_start(lxw_worksheet *ws, const formats_t *f, const char *title, const char *note,
                        const char *const *head, int n_cols, double note_height) {
    static lxw_protection protect = {.format_columns = 1, .format_rows = 1};
    worksheet_merge_range(ws, ROW_TITLE, 0, ROW_TITLE, (lxw_col_t)(n_cols - 1), title, f->title);
    worksheet_set_row(ws, ROW_TITLE, 30, NULL);
    worksheet_merge_range(ws, ROW_NOTE, 0, ROW_NOTE, (lxw_col_t)(n_cols - 1), note, f->note);
    worksheet_set_row(ws, ROW_NOTE, note_height, NULL);
    worksheet_set_row(ws, ROW_HEAD, 32, NULL);
    for (int c = 0; c < n_cols; c++)
        worksheet_write_string(ws, ROW_HEAD, (lxw_col_t)c, head[c], f->head);
    worksheet_freeze_panes(ws, ROW_FIRST, 0);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, ROW_TITLE, ROW_HEAD);
    worksheet_center_horizontally(ws);
    worksheet_set_footer(ws, "&C第 &P 页，共 &N 页");
    worksheet_protect(ws, NULL, &protect);
}

/* One data validation on cells (r1, c1)..(r2, c2); a refusal by libxlsxwriter (a
 * message too long) is a programmer's error, counted in *bad. */
static void validate_range(lxw_worksheet *ws, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2, lxw_col_t c2,
                           lxw_data_validation *dv, int *bad) {
    if (worksheet_data_validation_range(ws, r1, c1, r2, c2, dv) != LXW_NO_ERROR) (*bad)++;
}

/* The amount cell's validation: the range validate.c accepts for the indicator's kind,
 * its unit in the input message. */
static void amount_rule(const template_t *t, const indicator_t *ind, lxw_data_validation *dv, char *msg,
                        size_t msgsz, char *errmsg, size_t errsz) {
    memset(dv, 0, sizeof *dv);
    dv->validate = LXW_VALIDATION_TYPE_DECIMAL;
    dv->criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    dv->minimum_number = 0;
    dv->maximum_number = AMOUNT_MAX;
    if (ind->percent) {
        dv->maximum_number = 100;
        snprintf(errmsg, errsz, "请填写 0 到 100 之间的数字（单位：%%），不要输入%%号或文字。");
    } else if (ind->kind == KIND_RATIO) {
        dv->minimum_number = -AMOUNT_MAX;
        snprintf(errmsg, errsz, "请填写数字（单位：%s），不要输入单位或文字。", ind->unit);
    } else {
        snprintf(errmsg, errsz, "请填写不小于 0 的数字（单位：%s），不要输入单位或文字。", ind->unit);
    }
    if (ind->kind == KIND_FLOW)
        snprintf(msg, msgsz, "单位：%s\n填写%s累计数。", ind->unit, t->when);
    else if (ind->kind == KIND_STOCK)
        snprintf(msg, msgsz, "单位：%s\n填写%d月末数。", ind->unit, t->p.month);
    else
        snprintf(msg, msgsz, "单位：%s\n填写%s的数值。", ind->unit, t->when);
    dv->input_title = (char *)"本年累计";
    dv->input_message = msg;
    dv->error_title = (char *)"本年累计只能填数字";
    dv->error_message = errmsg;
}

/* ---- the sheets ------------------------------------------------------------------------- */

static void write_main(lxw_workbook *wb, const template_t *t, const formats_t *f, int *bad) {
    lxw_worksheet *ws = workbook_add_worksheet(wb, "主要指标");
    const master_t *m = t->m;
    char title[256], msg[256], errmsg[256];
    widths_t w = {{0}};
    lxw_data_validation growth = {0}, note = {0}, amount;
    lxw_row_t r = ROW_FIRST;
    if (!ws) {
        (*bad)++;
        return;
    }
    snprintf(title, sizeof title, "%s %s 产业集聚区主要指标月报", t->county->name, t->when);
    sheet_start(
        ws, f, title,
        "请在黄色单元格填写本年累计数（从业人员等期末指标填期末数）和同比增长率；灰色为上期数，仅供参考；"
        "不填的单元格视为未报。金额单位见“单位”列。",
        main_head, N_MAIN, 36);
    growth.validate = LXW_VALIDATION_TYPE_DECIMAL;
    growth.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN;
    growth.value_number = -100;
    growth.input_title = (char *)"同比增长(%)";
    growth.input_message = (char *)"单位：%\n比上年同期增长的百分数，如 8.5；下降填负数，如 -3.2。";
    growth.error_title = (char *)"同比增长只能填数字";
    growth.error_message = (char *)"请填写大于 -100 的数字（单位：%），如 8.5，不要输入%号。";
    note.validate = LXW_VALIDATION_TYPE_LENGTH;
    note.criteria = LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO;
    note.value_number = NOTE_MAX_CHARS;
    note.input_title = (char *)"说明";
    note.input_message = (char *)"数据变动较大、需要说明时填写（如统计范围变化），不超过 170 字。";
    note.error_title = (char *)"说明太长";
    note.error_message = (char *)"说明不超过 170 字。";

    for (int c = 0; c < N_MAIN; c++)
        w.w[c] = (text_width(main_head[c]) + 1) / 2 + 4; /* headers wrap onto two lines */
    w.w[C_AMOUNT] = w.w[C_GROWTH] = w.w[C_PREV] = w.w[C_PREV_GROWTH] = 14;
    w.w[C_NOTE] = 30;
    for (size_t zi = 0; zi < t->n_zones; zi++) {
        size_t z = t->zones[zi];
        const zone_t *zone = &m->zones[z];
        fit(&w, C_ZONE, zone->code);
        fit(&w, C_ZONE_NAME, zone->name);
        for (size_t i = 0; i < m->n_indicators; i++, r++) {
            const indicator_t *ind = &m->indicators[i];
            double x;
            fit(&w, C_IND, ind->code);
            fit(&w, C_IND_NAME, ind->name_zh);
            fit(&w, C_UNIT, ind->unit);
            worksheet_write_string(ws, r, C_ZONE, zone->code, f->fixed);
            worksheet_write_string(ws, r, C_ZONE_NAME, zone->name, f->fixed);
            worksheet_write_string(ws, r, C_IND, ind->code, f->fixed);
            worksheet_write_string(ws, r, C_IND_NAME, ind->name_zh, f->fixed);
            worksheet_write_string(ws, r, C_UNIT, ind->unit, f->fixed);
            if (prev_value(t, z, i, false, &x))
                worksheet_write_number(ws, r, C_PREV, x, f->ref);
            else
                worksheet_write_blank(ws, r, C_PREV, f->ref);
            if (ind->has_growth && prev_value(t, z, i, true, &x))
                worksheet_write_number(ws, r, C_PREV_GROWTH, x, f->ref);
            else
                worksheet_write_blank(ws, r, C_PREV_GROWTH, f->ref);
            worksheet_write_blank(ws, r, C_AMOUNT, f->input);
            amount_rule(t, ind, &amount, msg, sizeof msg, errmsg, sizeof errmsg);
            validate_range(ws, r, C_AMOUNT, r, C_AMOUNT, &amount, bad);
            if (ind->has_growth) {
                worksheet_write_blank(ws, r, C_GROWTH, f->input);
                validate_range(ws, r, C_GROWTH, r, C_GROWTH, &growth, bad);
            } else {
                worksheet_write_blank(ws, r, C_GROWTH, f->ref);
            }
            worksheet_write_blank(ws, r, C_NOTE, f->input_wrap);
        }
    }
    if (r > ROW_FIRST) validate_range(ws, ROW_FIRST, C_NOTE, r - 1, C_NOTE, &note, bad);
    set_widths(ws, &w, N_MAIN);
    if (r > ROW_FIRST) worksheet_set_selection(ws, ROW_FIRST, C_AMOUNT, ROW_FIRST, C_AMOUNT);
}

/* The county's zone codes, "a,b,c" into buf: true when they fit an Excel list (255
 * characters with the commas). Else the codes are checked against the ones listed on
 * 存在问题及下一步措施 (column A), by a custom formula and without a dropdown: the
 * dropdown from a cell range (LXW_VALIDATION_TYPE_LIST_FORMULA) leaks its formula in
 * libxlsxwriter 1.1.4 (copied twice in worksheet_data_validation_range), and a county
 * of more than about twenty zones is rare enough to do without it. */
static bool zone_list(const template_t *t, char *buf, size_t size) {
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->n_zones; i++) {
        int n = snprintf(buf + off, size - off, "%s%s", i ? "," : "", t->m->zones[t->zones[i]].code);
        if (n < 0 || (size_t)n >= size - off) return false;
        off += (size_t)n;
    }
    return off <= 255;
}

/* The 园区代码 column's rule on a sheet of rows (key projects, key enterprises): the
 * county's zones as a dropdown when they fit Excel's list (zone_list), else a formula
 * against 存在问题及下一步措施's column A; titles and messages in Chinese. *zone points
 * into *b, which must outlive it. */
typedef struct {
    char codes[1024], formula[160], msg[300];
    char *zones[129]; /* ≤ 255 characters: at most 128 codes, NULL-terminated */
} zone_rule_t;

static void zone_rule(const template_t *t, lxw_data_validation *zone, zone_rule_t *b) {
    char *save = NULL;
    size_t n = 0;
    zone->validate = LXW_VALIDATION_TYPE_LIST;
    if (zone_list(t, b->codes, sizeof b->codes)) {
        for (char *p = strtok_r(b->codes, ",", &save); p && n + 1 < sizeof b->zones / sizeof b->zones[0];
             p = strtok_r(NULL, ",", &save))
            b->zones[n++] = p;
        b->zones[n] = NULL;
        zone->value_list = b->zones;
        snprintf(b->msg, sizeof b->msg, "从下拉列表中选择本县区的园区代码（%s的园区）。", t->county->name);
    } else {
        zone->validate = LXW_VALIDATION_TYPE_CUSTOM_FORMULA;
        snprintf(b->formula, sizeof b->formula, "=COUNTIF('存在问题及下一步措施'!$A$%u:$A$%u,A%u)>0",
                 ROW_FIRST + 1, ROW_FIRST + (unsigned)t->n_zones, ROW_FIRST + 1);
        zone->value_formula = b->formula;
        snprintf(b->msg, sizeof b->msg, "填写本县区的园区代码（%s的园区，见“存在问题及下一步措施”表A列）。",
                 t->county->name);
    }
    zone->input_title = (char *)"园区代码";
    zone->input_message = b->msg;
    zone->error_title = (char *)"园区代码不对";
    zone->error_message = (char *)"请填写本县区的园区代码（见下拉列表或“存在问题及下一步措施”表A列）。";
}

/* 重点企业运行: one row per key enterprise. The code cells are text (Excel would make
 * 913501000000000000-like codes a number and drop digits) of exactly 18 characters, the
 * status a list of the labels enterprise.h takes, the amounts and growth rates the
 * ranges validate_enterprise.c accepts. */
static void write_enterprises(lxw_workbook *wb, const template_t *t, const formats_t *f, int *bad) {
    lxw_worksheet *ws = workbook_add_worksheet(wb, "重点企业运行");
    lxw_format *code_fmt = cell_format(wb, FILL_INPUT, false, false);
    char title[256], note[1024];
    zone_rule_t zr;
    lxw_data_validation zone = {0}, code = {0}, money = {0}, growth = {0}, status = {0}, remark = {0};
    lxw_row_t last = ROW_FIRST + ENTERPRISE_ROWS - 1;
    widths_t w = {{0}};
    if (!ws || !code_fmt) {
        (*bad)++;
        return;
    }
    format_set_num_format_index(code_fmt, 49); /* the built-in "@": text */
    snprintf(title, sizeof title, "%s %s 重点企业运行情况", t->county->name, t->when);
    snprintf(note, sizeof note, "%s%s",
             "每户重点企业填一行：园区代码从下拉列表中选择；统一社会信用代码按营业执照填写18位（系统校验"
             "校验码）；工业总产值、营业收入填本年累计数，单位：万元；增长率填同比增长的百分数；生产状态从"
             "下拉列表中选择；停产、减产的请在备注中说明原因。",
             t->prev_ents.n_enterprises ? "已列出上期报送的重点企业，请逐户填写本期数据和生产状态；不再报送的企业请清空该行。"
                                        : "");
    sheet_start(ws, f, title, note, ent_head, N_ENT, t->prev_ents.n_enterprises ? 64 : 48);
    zone_rule(t, &zone, &zr);
    code.validate = LXW_VALIDATION_TYPE_LENGTH;
    code.criteria = LXW_VALIDATION_CRITERIA_EQUAL_TO;
    code.value_number = 18;
    code.input_title = (char *)"统一社会信用代码";
    code.input_message = (char *)"18位，按营业执照填写，如 91410621MA2TH3BJ35。";
    code.error_title = (char *)"统一社会信用代码为18位";
    code.error_message = (char *)"统一社会信用代码为18位数字或大写字母，请按营业执照填写。";
    money.validate = LXW_VALIDATION_TYPE_DECIMAL;
    money.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    money.minimum_number = 0;
    money.maximum_number = AMOUNT_MAX;
    money.input_title = (char *)"本年累计";
    money.input_message = (char *)"单位：万元\n填写本年累计数，不小于 0。";
    money.error_title = (char *)"只能填数字";
    money.error_message = (char *)"请填写不小于 0 的数字（单位：万元），不要输入单位或文字。";
    growth.validate = LXW_VALIDATION_TYPE_DECIMAL;
    growth.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    growth.minimum_number = -100;
    growth.maximum_number = GROWTH_MAX;
    growth.input_title = (char *)"同比增长(%)";
    growth.input_message = (char *)"单位：%\n比上年同期增长的百分数，如 8.5；下降填负数，如 -3.2。";
    growth.error_title = (char *)"同比增长只能填数字";
    growth.error_message = (char *)"请填写 -100 到 10000 之间的数字（单位：%），如 8.5，不要输入%号。";
    status.validate = LXW_VALIDATION_TYPE_LIST;
    status.value_list = (char **)ent_statuses;
    status.input_title = (char *)"生产状态";
    status.input_message = (char *)"从下拉列表中选择：正常生产、减产、停产、半停产、停产整顿或新投产。";
    status.error_title = (char *)"生产状态";
    status.error_message = (char *)"请从下拉列表中选择生产状态。";
    remark.validate = LXW_VALIDATION_TYPE_LENGTH;
    remark.criteria = LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO;
    remark.value_number = REMARK_MAX_CHARS;
    remark.input_title = (char *)"备注";
    remark.input_message = (char *)"停产、减产的原因和预计恢复时间等，不超过 170 字。";
    remark.error_title = (char *)"备注太长";
    remark.error_message = (char *)"备注不超过 170 字。";

    for (lxw_row_t r = ROW_FIRST; r <= last; r++)
        for (int c = 0; c < N_ENT; c++)
            worksheet_write_blank(ws, r, (lxw_col_t)c,
                                  c == E_CODE                   ? code_fmt
                                  : c == E_NAME || c == E_REMARK ? f->input_wrap
                                                                 : f->input);
    /* last month's enterprises, listed: still cells to fill (or clear), figures and status empty */
    for (size_t i = 0; i < t->prev_ents.n_enterprises; i++) {
        const enterprise_t *e = &t->prev_ents.enterprises[i];
        lxw_row_t r = ROW_FIRST + (lxw_row_t)i;
        worksheet_write_string(ws, r, E_ZONE, t->prev_ent_zones[i], f->input);
        worksheet_write_string(ws, r, E_CODE, e->code, code_fmt);
        worksheet_write_string(ws, r, E_NAME, e->name, f->input_wrap);
        if (e->industry[0]) worksheet_write_string(ws, r, E_INDUSTRY, e->industry, f->input);
    }
    validate_range(ws, ROW_FIRST, E_ZONE, last, E_ZONE, &zone, bad);
    validate_range(ws, ROW_FIRST, E_CODE, last, E_CODE, &code, bad);
    validate_range(ws, ROW_FIRST, E_OUTPUT, last, E_OUTPUT, &money, bad);
    validate_range(ws, ROW_FIRST, E_REVENUE, last, E_REVENUE, &money, bad);
    validate_range(ws, ROW_FIRST, E_OUTPUT_GROWTH, last, E_OUTPUT_GROWTH, &growth, bad);
    validate_range(ws, ROW_FIRST, E_REVENUE_GROWTH, last, E_REVENUE_GROWTH, &growth, bad);
    validate_range(ws, ROW_FIRST, E_STATUS, last, E_STATUS, &status, bad);
    validate_range(ws, ROW_FIRST, E_REMARK, last, E_REMARK, &remark, bad);
    for (int c = 0; c < N_ENT; c++)
        w.w[c] = (text_width(ent_head[c]) + 1) / 2 + 4;
    for (size_t i = 0; i < t->n_zones; i++)
        fit(&w, E_ZONE, t->m->zones[t->zones[i]].code);
    w.w[E_CODE] = 22;
    w.w[E_NAME] = 30;
    w.w[E_INDUSTRY] = 16;
    w.w[E_OUTPUT] = w.w[E_REVENUE] = w.w[E_OUTPUT_GROWTH] = w.w[E_REVENUE_GROWTH] = 14;
    w.w[E_STATUS] = 12;
    w.w[E_REMARK] = 30;
    set_widths(ws, &w, N_ENT);
    worksheet_set_selection(ws, ROW_FIRST, E_ZONE, ROW_FIRST, E_ZONE);
}

static void write_projects(lxw_workbook *wb, const template_t *t, const formats_t *f, int *bad) {
    lxw_worksheet *ws = workbook_add_worksheet(wb, "重点项目");
    char title[256];
    zone_rule_t zr;
    lxw_data_validation zone = {0}, money = {0}, status = {0};
    lxw_row_t last = ROW_FIRST + PROJECT_ROWS - 1;
    widths_t w = {{0}};
    if (!ws) {
        (*bad)++;
        return;
    }
    snprintf(title, sizeof title, "%s %s 重点项目进展情况", t->county->name, t->when);
    sheet_start(
        ws, f, title,
        "每个项目填一行：园区代码从下拉列表中选择；项目编号由本县区自定，逐月保持不变；投资单位：万元。"
        "状态：planned（前期）、under_construction（在建）、in_production（投产）。没有重点项目可不填。",
        proj_head, N_PROJ, 36);
    zone_rule(t, &zone, &zr);
    money.validate = LXW_VALIDATION_TYPE_DECIMAL;
    money.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    money.minimum_number = 0;
    money.maximum_number = AMOUNT_MAX;
    money.input_title = (char *)"投资";
    money.input_message = (char *)"单位：万元\n填写不小于 0 的数字。";
    money.error_title = (char *)"投资只能填数字";
    money.error_message = (char *)"请填写不小于 0 的数字（单位：万元），不要输入单位或文字。";
    status.validate = LXW_VALIDATION_TYPE_LIST;
    status.value_list = (char **)project_statuses;
    status.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
    status.input_title = (char *)"状态";
    status.input_message = (char *)"planned 前期，under_construction 在建，in_production 投产。";
    status.error_title = (char *)"状态";
    status.error_message = (char *)"建议从下拉列表中选择：planned、under_construction 或 in_production。";

    for (lxw_row_t r = ROW_FIRST; r <= last; r++)
        for (int c = 0; c < N_PROJ; c++)
            worksheet_write_blank(ws, r, (lxw_col_t)c, c == P_NAME ? f->input_wrap : f->input);
    validate_range(ws, ROW_FIRST, P_ZONE, last, P_ZONE, &zone, bad);
    validate_range(ws, ROW_FIRST, P_TOTAL, last, P_YTD, &money, bad);
    validate_range(ws, ROW_FIRST, P_STATUS, last, P_STATUS, &status, bad);
    for (int c = 0; c < N_PROJ; c++)
        w.w[c] = (text_width(proj_head[c]) + 1) / 2 + 4;
    for (size_t i = 0; i < t->n_zones; i++)
        fit(&w, P_ZONE, t->m->zones[t->zones[i]].code);
    w.w[P_CODE] = 14;
    w.w[P_NAME] = 36;
    w.w[P_TOTAL] = w.w[P_YTD] = 16;
    w.w[P_STATUS] = 20;
    set_widths(ws, &w, N_PROJ);
    worksheet_set_selection(ws, ROW_FIRST, P_ZONE, ROW_FIRST, P_ZONE);
}

static void write_texts(lxw_workbook *wb, const template_t *t, const formats_t *f, int *bad) {
    lxw_worksheet *ws = workbook_add_worksheet(wb, "存在问题及下一步措施");
    char title[256];
    lxw_data_validation text = {0};
    widths_t w = {{0}};
    lxw_row_t r = ROW_FIRST;
    if (!ws) {
        (*bad)++;
        return;
    }
    snprintf(title, sizeof title, "%s %s 存在问题及下一步措施", t->county->name, t->when);
    sheet_start(ws, f, title, "请按园区填写本期存在的主要问题和下一步工作措施；单元格内换行按 Alt+Enter。",
                text_head, N_TEXT, 24);
    text.validate = LXW_VALIDATION_TYPE_LENGTH;
    text.criteria = LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO;
    text.value_number = TEXT_MAX_CHARS;
    text.input_title = (char *)"文字说明";
    text.input_message = (char *)"按条目填写，不超过 5000 字；单元格内换行按 Alt+Enter。";
    text.error_title = (char *)"文字太长";
    text.error_message = (char *)"不超过 5000 字。";
    for (int c = 0; c < N_TEXT; c++)
        w.w[c] = (text_width(text_head[c]) + 1) / 2 + 4;
    for (size_t i = 0; i < t->n_zones; i++, r++) {
        const zone_t *zone = &t->m->zones[t->zones[i]];
        fit(&w, T_ZONE, zone->code);
        fit(&w, T_ZONE_NAME, zone->name);
        worksheet_write_string(ws, r, T_ZONE, zone->code, f->fixed);
        worksheet_write_string(ws, r, T_ZONE_NAME, zone->name, f->fixed);
        worksheet_write_blank(ws, r, T_PROBLEMS, f->input_wrap);
        worksheet_write_blank(ws, r, T_NEXT, f->input_wrap);
        worksheet_set_row(ws, r, 120, NULL);
    }
    if (r > ROW_FIRST) validate_range(ws, ROW_FIRST, T_PROBLEMS, r - 1, T_NEXT, &text, bad);
    w.w[T_PROBLEMS] = w.w[T_NEXT] = 50;
    set_widths(ws, &w, N_TEXT);
    if (r > ROW_FIRST) worksheet_set_selection(ws, ROW_FIRST, T_PROBLEMS, ROW_FIRST, T_PROBLEMS);
}

/* The hidden sheet the reader identifies the template by. */
static void write_mark(lxw_workbook *wb, const template_t *t, int *bad) {
    lxw_worksheet *ws = workbook_add_worksheet(wb, "_yuebao");
    if (!ws) {
        (*bad)++;
        return;
    }
    worksheet_write_string(ws, 0, 0, TEMPLATE_MARK, NULL);
    worksheet_write_number(ws, 0, 1, TEMPLATE_VERSION, NULL);
    worksheet_write_string(ws, 1, 0, "county", NULL);
    worksheet_write_string(ws, 1, 1, t->county->code, NULL);
    worksheet_write_string(ws, 2, 0, "period", NULL);
    worksheet_write_string(ws, 2, 1, t->period, NULL);
    worksheet_set_column(ws, 0, 1, 18, NULL);
    worksheet_protect(ws, NULL, NULL);
    worksheet_hide(ws); /* veryHidden once written: very_hide() */
}

/* Writes the workbook to path. 0, or -1 with the reason in err. */
static int write_workbook(const template_t *t, const char *path, char *err, size_t errsz) {
    lxw_workbook *wb = workbook_new(path);
    lxw_doc_properties props;
    char title[256], subject[] = "产业集聚区主要指标月报", author[] = "yuebao", keywords[64];
    formats_t f;
    lxw_error rc;
    int bad = 0;
    if (!wb) {
        snprintf(err, errsz, "%s", _("cannot start the workbook (out of memory?)"));
        return -1;
    }
    snprintf(title, sizeof title, "%s %s 月报", t->county->name, t->when);
    snprintf(keywords, sizeof keywords, "%s %s %s", TEMPLATE_MARK, t->county->code, t->period);
    memset(&props, 0, sizeof props);
    props.title = title;
    props.subject = subject;
    props.author = author;
    props.keywords = keywords;
    workbook_set_properties(wb, &props);
    memset(&f, 0, sizeof f);
    if (make_formats(wb, &f) < 0) bad++;
    if (!bad) {
        write_main(wb, t, &f, &bad);
        write_projects(wb, t, &f, &bad);
        write_texts(wb, t, &f, &bad);
        write_enterprises(wb, t, &f, &bad);
        write_mark(wb, t, &bad);
    }
    rc = workbook_close(wb); /* writes the file and frees wb, whatever happened */
    if (bad) {
        snprintf(err, errsz,
                 ngettext("libxlsxwriter refused %d part of the workbook (out of memory?)",
                          "libxlsxwriter refused %d parts of the workbook (out of memory?)",
                          (unsigned long)bad),
                 bad);
        return -1;
    }
    if (rc != LXW_NO_ERROR) {
        snprintf(err, errsz, "%s", lxw_strerror(rc));
        return -1;
    }
    return 0;
}

/* Makes the sheet `sheet`, which libxlsxwriter wrote as hidden, veryHidden: rewrites
 * the one attribute in xl/workbook.xml of the workbook at path. 0, or -1 with err. */
static int very_hide(const char *path, const char *sheet, char *err, size_t errsz) {
    const char *part = "xl/workbook.xml";
    char name[160];
    int zerr = 0;
    zip_t *z = zip_open(path, 0, &zerr);
    zip_stat_t st;
    zip_int64_t idx;
    zip_file_t *zf;
    zip_source_t *src;
    char *xml = NULL, *out = NULL, *at, *end, *state;
    size_t len, out_len;
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        snprintf(err, errsz, _("cannot reopen the workbook: %s"), zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    if ((idx = zip_name_locate(z, part, 0)) < 0 || zip_stat_index(z, (zip_uint64_t)idx, 0, &st) < 0 ||
        !(st.valid & ZIP_STAT_SIZE) || st.size > WORKBOOK_XML_MAX) {
        snprintf(err, errsz, _("the workbook has no readable %s"), part);
        goto fail;
    }
    len = (size_t)st.size;
    if (!(xml = malloc(len + 1)) || !(zf = zip_fopen_index(z, (zip_uint64_t)idx, 0))) {
        snprintf(err, errsz, _("cannot read %s: %s"), part, xml ? zip_strerror(z) : _("out of memory"));
        goto fail;
    }
    if (zip_fread(zf, xml, len) != (zip_int64_t)len) {
        snprintf(err, errsz, _("cannot read %s: %s"), part, zip_file_strerror(zf));
        zip_fclose(zf);
        goto fail;
    }
    zip_fclose(zf);
    xml[len] = '\0';
    snprintf(name, sizeof name, "<sheet name=\"%s\"", sheet);
    if (!(at = strstr(xml, name)) || !(end = strstr(at, "/>")) ||
        !(state = strstr(at, " state=\"hidden\"")) || state > end) {
        snprintf(err, errsz, _("%s does not list the sheet %s as hidden"), part, sheet);
        goto fail;
    }
    state += strlen(" state=\"");
    out_len = len + strlen("very") + strlen("Hidden") - strlen("hidden");
    if (!(out = malloc(out_len))) {
        snprintf(err, errsz, "%s", _("out of memory"));
        goto fail;
    }
    memcpy(out, xml, (size_t)(state - xml));
    memcpy(out + (state - xml), "veryHidden", 10);
    memcpy(out + (state - xml) + 10, state + 6, len - (size_t)(state + 6 - xml));
    if (!(src = zip_source_buffer(z, out, out_len, 1))) {
        snprintf(err, errsz, _("cannot rewrite %s: %s"), part, zip_strerror(z));
        goto fail;
    }
    out = NULL; /* the source owns it now */
    if (zip_file_replace(z, (zip_uint64_t)idx, src, 0) < 0) {
        snprintf(err, errsz, _("cannot rewrite %s: %s"), part, zip_strerror(z));
        zip_source_free(src);
        goto fail;
    }
    zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 0);
    if (st.valid & ZIP_STAT_MTIME)
        zip_file_set_mtime(z, (zip_uint64_t)idx, st.mtime, 0); /* as its siblings */
    if (zip_close(z) < 0) {
        snprintf(err, errsz, _("cannot rewrite the workbook: %s"), zip_strerror(z));
        goto fail;
    }
    free(xml);
    return 0;
fail:
    zip_discard(z);
    free(xml);
    free(out);
    return -1;
}

/* fsync of path (a file or a folder): 0 or -1 with errno. */
static int sync_path(const char *path, bool folder) {
    int fd = open(path, (folder ? O_RDONLY | O_DIRECTORY : O_WRONLY) | O_CLOEXEC), rc;
    if (fd < 0) return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* Gives the finished file tmp the name path: over an existing file with force (rename),
 * else only if there is none (link, which refuses to replace one). A folder that takes
 * no hard links (a FAT stick, some network shares) gets a rename after a last look for
 * the name. 0, or -1 with errno. */
static int place(const char *tmp, const char *path, bool force) {
    if (force) return rename(tmp, path);
    if (link(tmp, path) == 0) {
        unlink(tmp);
        return 0;
    }
    if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS) return -1;
    if (access(path, F_OK) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(tmp, path);
}

/* Builds the workbook under a hidden temporary name beside path, then gives it path:
 * with force over an existing file, else only if none is there. 0, or 1 with the reason
 * said (nothing left behind). */
static int write_atomic(const template_t *t, const char *path, bool force) {
    char tmp[4200], dir[4096], err[600];
    if (cli_temp_beside(path, tmp, sizeof tmp, dir, sizeof dir) < 0) {
        if (errno == ENAMETOOLONG)
            fprintf(stderr, _("yuebao template: %s: the path is too long\n"), path);
        else
            fprintf(stderr, _("yuebao template: cannot write in the folder %s: %s\n"), dir, strerror(errno));
        return 1;
    }
    if (write_workbook(t, tmp, err, sizeof err) < 0 || very_hide(tmp, "_yuebao", err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao template: cannot write %s: %s\n"), path, err);
        unlink(tmp);
        return 1;
    }
    if (sync_path(tmp, false) < 0) {
        fprintf(stderr, _("yuebao template: cannot write %s: %s\n"), path, strerror(errno));
        unlink(tmp);
        return 1;
    }
    if (place(tmp, path, force) < 0) {
        int e = errno;
        if (e == EEXIST)
            fprintf(stderr,
                    _("yuebao template: %s appeared while the workbook was written; kept it (--force "
                      "replaces it)\n"),
                    path);
        else
            fprintf(stderr, _("yuebao template: cannot write %s: %s\n"), path, strerror(e));
        unlink(tmp);
        return 1;
    }
    sync_path(dir, true); /* the name is there; a failing folder fsync cannot undo that */
    return 0;
}

/* ---- the command -------------------------------------------------------------------- */

int cli_template(const cli_opts_t *o) {
    template_t t;
    master_t *m = NULL;
    char def[64], n_zones[64], n_inds[64];
    const char *path;
    struct stat sb;
    int rc = 2;

    memset(&t, 0, sizeof t);
    if (!o->county || !o->period) {
        fprintf(stderr,
                _("yuebao template: name the county and the period, e.g. --county 410621 --period 2017-06; "
                  "see yuebao template --help\n"));
        return 2;
    }
    if (period_parse(o->period, &t.p) < 0) {
        fprintf(stderr, _("yuebao template: \"%s\" is not a period; write YYYY-MM, e.g. --period 2017-06\n"),
                o->period);
        return 2;
    }
    period_format(t.p, t.period);
    period_words(t.p, t.when, sizeof t.when);
    if (!(m = cli_master(o))) return 2;
    t.m = m;
    t.merge_jan_feb = m->policy.merge_jan_feb && !o->no_merge_jan_feb; /* as the collector judges */
    if (t.p.month == 1 && t.merge_jan_feb) {
        fprintf(stderr,
                _("yuebao template: January is not reported on its own (city.csv: merge_jan_feb): it is "
                  "reported together with February as %04d-02 (1-2月); make the template for %04d-02\n"),
                t.p.year, t.p.year);
        goto done;
    }
    if (!(t.county = cli_county(o, m, "template", o->county))) goto done;
    if (!(t.zones = calloc(m->n_zones ? m->n_zones : 1, sizeof *t.zones))) {
        fputs(_("yuebao template: out of memory\n"), stderr);
        rc = 1;
        goto done;
    }
    for (size_t z = 0; z < m->n_zones; z++)
        if (!strcmp(m->zones[z].county, t.county->code)) t.zones[t.n_zones++] = z;

    snprintf(def, sizeof def, "%s-%s.xlsx", t.county->code, t.period);
    path = o->output ? o->output : def;
    if (!cli_named(path, ".xlsx")) {
        fprintf(stderr, _("yuebao template: %s: a workbook's name ends in .xlsx (e.g. -o %s)\n"), path, def);
        goto done;
    }
    rc = 1;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            fprintf(stderr, _("yuebao template: %s is a folder; name the workbook, e.g. -o %s/%s\n"), path,
                    path, def);
        else if (!o->force)
            fprintf(stderr,
                    _("yuebao template: %s already exists; kept it. Give --force to replace it, or -o "
                      "another name\n"),
                    path);
        if (S_ISDIR(sb.st_mode) || !o->force) goto done;
    }
    if (load_prev(o, &t) < 0) goto done;
    if ((rc = write_atomic(&t, path, o->force)) != 0) goto done;
    /* two counts, each its own plural: "2 zones" and "14 indicators" */
    snprintf(n_zones, sizeof n_zones, ngettext("%zu zone", "%zu zones", t.n_zones), t.n_zones);
    snprintf(n_inds, sizeof n_inds, ngettext("%zu indicator", "%zu indicators", m->n_indicators),
             m->n_indicators);
    /* TRANSLATORS: file, county, its code, period (2017年1-6月), "2 zones", "14 indicators", 上期 */
    printf(_("wrote %s: %s (%s) %s, %s × %s; %s\n"), path, t.county->name, t.county->code, t.when, n_zones,
           n_inds, t.prev_words);
done:
    values_free(&t.prev);
    report_clear(&t.prev_ents);
    free(t.prev_ent_zones);
    free(t.zones);
    master_destroy(&m);
    return rc;
}
