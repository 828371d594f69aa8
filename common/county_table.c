/* county_csv.c - a county's monthly CSV (values or key projects) into reports (see county_csv.h).
 *
 * This module only parses: it turns cells into codes, canonical periods and numbers,
 * and says precisely which cell it could not read. Whether the numbers make sense
 * (negative amounts, percentages over 100, an indicator given twice) is validate.c's
 * job, so a file is judged by one set of rules whatever way it arrived.
 *
 * The header row decides everything: which kind of file it is (values or key projects,
 * told apart by their columns), the language of the column names and where each column
 * is. An unknown column is an error rather than ignored, because a misspelt
 * "amout" would otherwise drop a county's figures without a word. growth_pct
 * (同比增长(%)) is optional as a column, as it is as a cell: ratio indicators have no
 * growth, and a sheet holding only ratios may leave the column out. A key-projects
 * file needs zone, period, project and name; its investment and status columns are
 * optional. problems / next_steps may come with either kind of file. What Excel adds
 * around a sheet is tolerated: rows whose cells are all empty, and columns with a blank
 * header as long as their cells are blank too.
 *
 * Messages are read by county desk officers, so each names the line and the column as
 * written in their file, what was found and what is expected.
 */
#include "county_csv.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "intake.h"
#include "period.h"
#include "text.h"
#include "util.h"

#define MAX_FILE_ERRORS 200 /* findings per file, the note that reading stopped included */

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
    C_COUNT
} col_t;

typedef enum { FILE_UNKNOWN = 0, FILE_VALUES, FILE_PROJECTS } file_kind_t;

/* Canonical names, in the order the templates list them. */
static const char *const col_en[C_COUNT] = {
    "",           "zone", "period",           "indicator",      "amount", "growth_pct",
    "project",    "name", "total_investment", "ytd_investment", "status", "problems",
    "next_steps", "note"};
static const char *const col_zh[C_COUNT] = {
    "",         "园区代码", "统计期",       "指标", "本年累计", "同比增长(%)", "项目编号",
    "项目名称", "总投资",   "本年完成投资", "状态", "存在问题", "下一步措施",  "说明"};

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

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* One file being parsed. */
typedef struct {
    const master_t *m;
    const char *name;   /* as given, for messages */
    const char *source; /* base name, for report_t.source */
    report_set_t *set;
    diag_list_t *dl;
    size_t errors_before; /* dl->n_errors when the file started */
    file_kind_t kind;
    bool zh; /* the header is in Chinese: name columns in Chinese */
    size_t n_cols;
    col_t *cols;       /* per column */
    char (*heads)[64]; /* per column: its header as written, trimmed */
    int at[C_COUNT];   /* column of each col_t, -1 if absent */
} parse_t;

static void fail(parse_t *p, unsigned line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(parse_t *p, unsigned line, const char *field, const char *fmt, ...) {
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(p->dl, DIAG_ERROR, p->name, line, field, "%s", msg);
}

static size_t file_errors(const parse_t *p) {
    return p->dl->n_errors - p->errors_before;
}

/* --- header --------------------------------------------------------------------- */

static col_t col_of(const char *h, bool *zh) {
    for (int c = 1; c < C_COUNT; c++) {
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
    size_t off = 0;
    buf[0] = '\0';
    for (int lang = 0; lang < 2; lang++) {
        const char *const *names = lang ? col_zh : col_en;
        for (size_t i = 0; i < n && off < size; i++) {
            int k = snprintf(buf + off, size - off, "%s%s%s", i ? "," : (lang ? " (or " : ""), names[cols[i]],
                             lang && i + 1 == n ? ")" : "");
            if (k > 0) off += (size_t)k;
        }
    }
}

/* The template header of one kind of file, without the optional text columns. */
static void template_of(file_kind_t kind, char *buf, size_t size) {
    if (kind == FILE_PROJECTS)
        list_cols(projects_all, N_OF(projects_all) - 2, buf, size);
    else
        list_cols(values_all, N_OF(values_all) - 3, buf, size);
}

static const char *col_name(const parse_t *p, col_t c) {
    return p->zh ? col_zh[c] : col_en[c];
}

/* The field name for column c in messages: its header as written in the file. */
static const char *field_of(const parse_t *p, col_t c) {
    return p->at[c] >= 0 ? p->heads[p->at[c]] : col_name(p, c);
}

static bool in_list(col_t c, const col_t *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (list[i] == c) return true;
    return false;
}

/* Maps the header row onto columns and decides the kind of file. 0, or -1 after
 * reporting why the rows cannot be read.
 *
 * The kind is told by the columns only one kind has and no other sheet would: indicator,
 * amount or growth_pct for values; project, total_investment or ytd_investment for key
 * projects. "name" and "status" are too common words to decide anything: a header of
 * name,value,comment is neither kind and gets one error listing both templates, not an
 * error per column of a file that was never meant to be a report. */
static int read_header(parse_t *p, const csv_record_t *h) {
    static const col_t values_marks[] = {C_INDICATOR, C_AMOUNT, C_GROWTH};
    static const col_t projects_marks[] = {C_PROJECT, C_TOTAL, C_YTD};
    char values_tpl[256], projects_tpl[320], all_exp[384], need_exp[256];
    size_t n_zh = 0, n_en = 0, n_values = 0, n_projects = 0, before = file_errors(p);
    const col_t *all, *required;
    size_t n_all, n_required;

    template_of(FILE_VALUES, values_tpl, sizeof values_tpl);
    template_of(FILE_PROJECTS, projects_tpl, sizeof projects_tpl);
    if (h->n_fields > COUNTY_CSV_MAX_COLUMNS) {
        fail(p, h->line, NULL,
             "the header has %zu columns, more than %d; expected %s, or for key projects %s", h->n_fields,
             COUNTY_CSV_MAX_COLUMNS, values_tpl, projects_tpl);
        return -1;
    }
    p->n_cols = h->n_fields;
    p->cols = calloc(h->n_fields, sizeof *p->cols);
    p->heads = calloc(h->n_fields, sizeof *p->heads);
    if (!p->cols || !p->heads) {
        fail(p, h->line, NULL, "out of memory");
        return -1;
    }
    for (int c = 0; c < C_COUNT; c++)
        p->at[c] = -1;
    for (size_t i = 0; i < h->n_fields; i++) {
        bool zh = false;
        text_shown(text_trim(h->fields[i]), p->heads[i], sizeof p->heads[i]);
        p->cols[i] = p->heads[i][0] ? col_of(p->heads[i], &zh) : C_NONE;
        if (p->cols[i] == C_NONE) continue;
        if (zh)
            n_zh++;
        else
            n_en++;
        if (in_list(p->cols[i], values_marks, N_OF(values_marks))) n_values++;
        if (in_list(p->cols[i], projects_marks, N_OF(projects_marks))) n_projects++;
    }
    p->zh = n_zh > n_en;

    if (n_values && n_projects) {
        fail(p, h->line, NULL,
             "the header mixes indicator values with key projects; send them as two files, "
             "with the headers %s and %s",
             values_tpl, projects_tpl);
        return -1;
    }
    if (!n_values && !n_projects) {
        fail(p, h->line, NULL, "not a county report header; expected %s, or for key projects %s", values_tpl,
             projects_tpl);
        return -1;
    }
    p->kind = n_values ? FILE_VALUES : FILE_PROJECTS;
    all = p->kind == FILE_VALUES ? values_all : projects_all;
    n_all = p->kind == FILE_VALUES ? N_OF(values_all) : N_OF(projects_all);
    required = p->kind == FILE_VALUES ? values_required : projects_required;
    n_required = p->kind == FILE_VALUES ? N_OF(values_required) : N_OF(projects_required);
    list_cols(all, n_all, all_exp, sizeof all_exp);
    list_cols(required, n_required, need_exp, sizeof need_exp);

    for (size_t i = 0; i < p->n_cols; i++) {
        col_t c = p->cols[i];
        if (!p->heads[i][0]) continue; /* blank header: the cells must be blank too */
        if (c == C_NONE || !in_list(c, all, n_all)) {
            fail(p, h->line, p->heads[i], "unknown column \"%s\"; expected %s", p->heads[i], all_exp);
        } else if (p->at[c] >= 0) {
            fail(p, h->line, p->heads[i], "column \"%s\" appears twice (columns %d and %zu)", p->heads[i],
                 p->at[c] + 1, i + 1);
        } else {
            p->at[c] = (int)i;
        }
    }
    for (size_t i = 0; i < n_required; i++) {
        col_t c = required[i];
        if (p->at[c] < 0)
            fail(p, h->line, col_name(p, c), "missing column \"%s\"; %s file needs %s", col_name(p, c),
                 p->kind == FILE_VALUES ? "a values" : "a key-projects", need_exp);
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

/* The trimmed cell of column c, "" if the file has no such column. */
static const char *cell(const parse_t *p, const csv_record_t *rec, col_t c) {
    return p->at[c] >= 0 ? rec->fields[p->at[c]] : "";
}

/* Reads an optional (or, with required, mandatory) number cell. 1 present, 0 absent,
 * -1 after reporting. */
static int number_cell(parse_t *p, const csv_record_t *rec, col_t c, bool required, double *out) {
    const char *s = cell(p, rec, c);
    char sb[64];
    if (!s[0]) {
        if (!required) return 0;
        fail(p, rec->line, field_of(p, c), "empty; a number is required, e.g. 1234.5");
        return -1;
    }
    if (parse_number(s, out) < 0) {
        fail(p, rec->line, field_of(p, c),
             "\"%s\" is not a number; expected digits with an optional sign and decimal "
             "point, e.g. 1234.5 or -6.2 (commas only as thousands separators, no %%)",
             text_shown(s, sb, sizeof sb));
        return -1;
    }
    if (strpbrk(s, "eE")) {
        /* Excel saves a cell as it shows it, and shows a number too wide for its
         * column as 2.03E+6: the digits it dropped are not in the file. */
        fail(p, rec->line, field_of(p, c),
             "the cell shows %s, in scientific notation, which has lost digits: widen the column in "
             "Excel, or format the cells as 数值 (Number) with one decimal, and save again",
             text_shown(s, sb, sizeof sb));
        return -1;
    }
    return 1;
}

/* Copies a text cell into dst[size]; -1 after reporting when it is too long or, with
 * required, empty. */
static int text_cell(parse_t *p, const csv_record_t *rec, col_t c, bool required, char *dst, size_t size) {
    const char *s = cell(p, rec, c);
    size_t len = strlen(s);
    if (required && !s[0]) {
        fail(p, rec->line, field_of(p, c), "empty; a value is required");
        return -1;
    }
    if (len >= size) {
        fail(p, rec->line, field_of(p, c), "longer than %zu bytes (%zu found)", size - 1, len);
        return -1;
    }
    memcpy(dst, s, len + 1);
    return 0;
}

/* The zone code and canonical period every row carries. 0, or -1 after reporting. */
static int key_cells(parse_t *p, const csv_record_t *rec, char zone[ZONE_CODE_SIZE],
                     char period[PERIOD_STRLEN]) {
    const char *z = cell(p, rec, C_ZONE), *s = cell(p, rec, C_PERIOD);
    const zone_t *zn;
    period_t pd;
    char sb[64];
    int rc = 0;
    if (!z[0]) {
        fail(p, rec->line, field_of(p, C_ZONE), "empty; expected a zone code or name from regions.csv");
        rc = -1;
    } else if (!(zn = master_zone(p->m, z))) {
        fail(p, rec->line, field_of(p, C_ZONE),
             "unknown zone \"%s\"; expected a zone code or name from regions.csv",
             text_shown(z, sb, sizeof sb));
        rc = -1;
    } else {
        snprintf(zone, ZONE_CODE_SIZE, "%s", zn->code);
    }
    if (!s[0]) {
        fail(p, rec->line, field_of(p, C_PERIOD), "empty; expected YYYY-MM, e.g. 2017-06");
        rc = -1;
    } else if (period_parse(s, &pd) < 0) {
        fail(p, rec->line, field_of(p, C_PERIOD),
             "\"%s\" is not a period; expected YYYY-MM, e.g. 2017-06 (or 2017年1-6月)",
             text_shown(s, sb, sizeof sb));
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
    if (created && r == &p->set->reports[p->set->n - 1] && !r->n_values && !r->n_projects && !r->problems &&
        !r->next_steps) {
        report_clear(r);
        p->set->n--;
    }
}

/* Checks that a problems / next_steps cell agrees with what the report already holds.
 * 0, or -1 after reporting. */
static int text_agrees(parse_t *p, const csv_record_t *rec, const report_t *r, col_t c, const char *s) {
    const char *have = c == C_PROBLEMS ? r->problems : r->next_steps;
    if (!s[0] || !have || !strcmp(have, s)) return 0;
    fail(p, rec->line, field_of(p, c),
         "differs from the text already given for %s %s; write it once per zone and period "
         "(or repeat the same text)",
         r->zone, r->period);
    return -1;
}

static int set_text(report_t *r, col_t c, const char *s) {
    char **slot = c == C_PROBLEMS ? &r->problems : &r->next_steps;
    if (!s[0] || *slot) return 0;
    return report_set_text(slot, s);
}

/* --- rows ----------------------------------------------------------------------- */

/* Parses one data row into the set; errors are reported and add nothing. */
static void read_row(parse_t *p, const csv_record_t *rec) {
    char zone[ZONE_CODE_SIZE] = "", period[PERIOD_STRLEN] = "";
    const char *problems, *next_steps;
    report_value_t v;
    char note[REPORT_MAX_NOTE];
    report_project_t pr;
    report_t *r;
    char sb[64];
    bool bad = false, created = false;

    if (rec->n_fields != p->n_cols) {
        fail(p, rec->line, NULL,
             "expected %zu columns, found %zu; check for a missing or extra comma "
             "(a cell holding a comma must be quoted)",
             p->n_cols, rec->n_fields);
        return;
    }
    for (size_t i = 0; i < rec->n_fields; i++)
        text_trim(rec->fields[i]);
    {
        size_t i;
        for (i = 0; i < rec->n_fields && !rec->fields[i][0]; i++) {}
        if (i == rec->n_fields) return; /* ",,,," — an empty row as Excel saves it */
    }
    for (size_t i = 0; i < rec->n_fields; i++) {
        if (p->cols[i] == C_NONE && !p->heads[i][0] && rec->fields[i][0]) {
            char field[32];
            snprintf(field, sizeof field, "column %zu", i + 1);
            fail(p, rec->line, field,
                 "\"%s\" is under a column with no header; give the "
                 "column a header or clear it",
                 text_shown(rec->fields[i], sb, sizeof sb));
            bad = true;
        }
    }
    if (key_cells(p, rec, zone, period) < 0) bad = true;
    problems = cell(p, rec, C_PROBLEMS);
    next_steps = cell(p, rec, C_NEXT_STEPS);
    if (strlen(problems) >= REPORT_MAX_TEXT) {
        fail(p, rec->line, field_of(p, C_PROBLEMS), "longer than %d bytes", REPORT_MAX_TEXT - 1);
        bad = true;
    }
    if (strlen(next_steps) >= REPORT_MAX_TEXT) {
        fail(p, rec->line, field_of(p, C_NEXT_STEPS), "longer than %d bytes", REPORT_MAX_TEXT - 1);
        bad = true;
    }

    memset(&v, 0, sizeof v);
    memset(&pr, 0, sizeof pr);
    if (p->kind == FILE_VALUES) {
        const char *ind = cell(p, rec, C_INDICATOR);
        const indicator_t *in;
        int rc;
        if (!ind[0]) {
            fail(p, rec->line, field_of(p, C_INDICATOR),
                 "empty; expected a code or Chinese name from indicators.csv");
            bad = true;
        } else if (!(in = master_indicator(p->m, ind))) {
            fail(p, rec->line, field_of(p, C_INDICATOR),
                 "unknown indicator \"%s\"; expected a code or Chinese name from indicators.csv",
                 text_shown(ind, sb, sizeof sb));
            bad = true;
        } else {
            snprintf(v.indicator, sizeof v.indicator, "%s", in->code);
        }
        if (number_cell(p, rec, C_AMOUNT, true, &v.amount) < 0) bad = true;
        rc = number_cell(p, rec, C_GROWTH, false, &v.growth_pct);
        if (rc < 0) bad = true;
        v.has_growth = rc == 1;
        /* the 说明 that confirms a figure the soft checks would refuse (plausibility.h) */
        if (text_cell(p, rec, C_NOTE, false, note, sizeof note) < 0) bad = true;
        v.note = note; /* borrowed: report_add_value copies it */
        v.line = rec->line;
    } else {
        int rc;
        if (text_cell(p, rec, C_PROJECT, true, pr.code, sizeof pr.code) < 0) bad = true;
        if (text_cell(p, rec, C_NAME, false, pr.name, sizeof pr.name) < 0) bad = true;
        if (text_cell(p, rec, C_STATUS, false, pr.status, sizeof pr.status) < 0) bad = true;
        rc = number_cell(p, rec, C_TOTAL, false, &pr.total_investment);
        if (rc < 0) bad = true;
        pr.has_total = rc == 1;
        rc = number_cell(p, rec, C_YTD, false, &pr.ytd_investment);
        if (rc < 0) bad = true;
        pr.has_ytd = rc == 1;
        pr.line = rec->line;
    }
    if (bad) return;

    r = find_report(p->set, zone, period);
    if (!r) {
        if (!(r = new_report(p, zone, period))) {
            fail(p, rec->line, NULL, "out of memory");
            return;
        }
        created = true;
    }
    if (text_agrees(p, rec, r, C_PROBLEMS, problems) < 0) bad = true;
    if (text_agrees(p, rec, r, C_NEXT_STEPS, next_steps) < 0) bad = true;
    if (!bad && p->kind == FILE_VALUES && r->n_values >= REPORT_MAX_VALUES) {
        fail(p, rec->line, NULL, "more than %d indicator rows for %s %s", REPORT_MAX_VALUES, zone, period);
        bad = true;
    }
    if (!bad && p->kind == FILE_PROJECTS && r->n_projects >= REPORT_MAX_PROJECTS) {
        fail(p, rec->line, NULL, "more than %d project rows for %s %s", REPORT_MAX_PROJECTS, zone, period);
        bad = true;
    }
    if (!bad) {
        bool added =
            p->kind == FILE_VALUES ? report_add_value(r, &v) != NULL : report_add_project(r, &pr) != NULL;
        if (!added) {
            fail(p, rec->line, NULL, "out of memory");
            bad = true;
        } else if (set_text(r, C_PROBLEMS, problems) < 0 || set_text(r, C_NEXT_STEPS, next_steps) < 0) {
            fail(p, rec->line, NULL, "out of memory");
            /* take the row back out: the row adds nothing */
            if (p->kind == FILE_VALUES)
                free(r->values[--r->n_values].note);
            else
                r->n_projects--;
            bad = true;
        }
    }
    if (bad) undo_new(p, r, created);
}

/* csv.c's messages start "line N: "; the line goes in the diag's own slot. */
static void csv_failure(parse_t *p, unsigned rec_line, const char *err) {
    unsigned line = rec_line;
    const char *msg = err;
    if (!strncmp(err, "line ", 5)) {
        char *end;
        unsigned long n = strtoul(err + 5, &end, 10);
        if (end != err + 5 && !strncmp(end, ": ", 2)) {
            line = (unsigned)n;
            msg = end + 2;
        }
    }
    fail(p, line, NULL, "%s", msg);
}

size_t county_csv_parse(const master_t *m, const char *name, const char *utf8, size_t len, report_set_t *set,
                        diag_list_t *dl) {
    parse_t p;
    csv_reader_t *rd = NULL;
    csv_record_t rec;
    char err[384];
    int rc;

    memset(&p, 0, sizeof p);
    p.m = m;
    p.name = name ? name : "";
    p.source = util_basename(p.name);
    p.set = set;
    p.dl = dl;
    p.errors_before = dl->n_errors;

    if (len >= 3 && !memcmp(utf8, "\xEF\xBB\xBF", 3)) { /* a BOM left by the caller */
        utf8 += 3;
        len -= 3;
    }
    if (memchr(utf8, '\0', len) || !utf8_valid(utf8, len)) {
        fail(&p, 0, NULL, "not UTF-8 text (save the sheet as CSV UTF-8 or as CSV in a Chinese locale)");
        goto out;
    }
    if (!(rd = csv_open_sep(utf8, len, csv_guess_sep(utf8, len)))) {
        fail(&p, 0, NULL, "out of memory");
        goto out;
    }
    rc = csv_next(rd, &rec, err, sizeof err);
    if (rc == 0) {
        char exp[256];
        template_of(FILE_VALUES, exp, sizeof exp);
        fail(&p, 0, NULL, "empty file: expected a header row, e.g. %s", exp);
        goto out;
    }
    if (rc < 0) {
        csv_failure(&p, rec.line, err);
        goto out;
    }
    if (read_header(&p, &rec) < 0) goto out;
    while ((rc = csv_next(rd, &rec, err, sizeof err)) == 1) {
        /* the note is the 200th finding, so a list capped at 200 still shows it */
        if (file_errors(&p) >= MAX_FILE_ERRORS - 1) {
            fail(&p, rec.line, NULL,
                 "too many errors; reading stopped here and the rest of the file was not "
                 "checked: correct the lines above and send it again");
            goto out;
        }
        read_row(&p, &rec);
    }
    if (rc < 0) csv_failure(&p, rec.line, err);
out:
    csv_close(&rd);
    free(p.cols);
    free(p.heads);
    return file_errors(&p);
}

int county_csv_read(const char *path, char **text, size_t *len, diag_list_t *dl) {
    const char *name = util_basename(path);
    char err[512];
    const char *msg = err;
    size_t n_path = strlen(path);
    *text = NULL;
    *len = 0;
    if (intake_verdict(name, err, sizeof err) != INTAKE_READ) { /* the collector's verdict too */
        diag_add(dl, DIAG_ERROR, name, 0, NULL, "%s", err);
        return -1;
    }
    if (text_load_file(path, COUNTY_CSV_MAX_BYTES, text, len, NULL, err, sizeof err) == 0) return 0;
    /* text.c prefixes the path; the diag names the file already */
    if (!strncmp(err, path, n_path) && !strncmp(err + n_path, ": ", 2)) msg = err + n_path + 2;
    diag_add(dl, DIAG_ERROR, name, 0, NULL, "%s", msg);
    return -1;
}

size_t county_csv_load(const master_t *m, const char *path, report_set_t *set, diag_list_t *dl) {
    char *text = NULL;
    size_t len = 0, n;
    if (county_csv_read(path, &text, &len, dl) < 0) return 1;
    n = county_csv_parse(m, util_basename(path), text, len, set, dl);
    free(text);
    return n;
}

void report_set_clear(report_set_t *set) {
    if (!set) return;
    for (size_t i = 0; i < set->n; i++)
        report_clear(&set->reports[i]);
    free(set->reports);
    set->reports = NULL;
    set->n = set->cap = 0;
}
