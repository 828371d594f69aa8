/* cli_export.c - `yuebao export --period P [--format csv|xlsx|sdmx-csv] [-o FILE]`: the
 * monthly bulletin (主要指标完成情况通报) as a file for the office, a spreadsheet or a
 * machine.
 *
 * Reads three things read-only — the report store (the period's current values), the
 * master folder (zones, indicators and the rules: targets, pacing) and the scorer's
 * score store (the period's ranking) — and writes what common/bulletin.c computes. One
 * table model serves the two tabular writers: the columns (export_columns) and each
 * cell's number and text (export_number, export_text), so csv and xlsx always agree;
 * the xlsx writer is cli_export_xlsx.c.
 *
 * Formats:
 *   csv       one header row, the zone rows, the city total (县区 = 全市合计); no title
 *             line, so it stays a clean table. UTF-8 with a BOM (without it Excel in a
 *             Chinese locale reads the file as GBK) and CRLF line ends, as RFC 4180
 *             says and as Excel writes; every reader, ours included, takes both.
 *             Fixed decimals: amounts 1, growth 1, completion and gaps 2, scores 2.
 *   xlsx      the bulletin to print and to mail: a cover, the ranking, the main
 *             indicators a few a sheet, key projects and enterprises, and the counties'
 *             own words (cli_export_xlsx.c and the cli_bulletin_*.c sheets); its figures
 *             are this table model's.
 *   sdmx-csv  SDMX-CSV (version 1 style): one observation per row, zone × indicator ×
 *             measure, codes not names, plain UTF-8 without a BOM, LF, dot decimals.
 * Without --format the name given to -o decides: FILE.xlsx is a workbook, anything else
 * csv; a --format the name contradicts is refused.
 *
 * Laggards (落后): a pace gap below −5 percentage points (the scorer's critical
 * threshold) on any main indicator, or a rank among the last three when more than three
 * zones are ranked. A zone that has not reported is marked 未报 instead.
 *
 * Files are written whole to a temporary file in the target's folder and renamed over
 * it, so a failed export never leaves half a file; without -o csv and sdmx-csv go to
 * stdout.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bulletin.h"
#include "cli.h"
#include "csv.h"
#include "i18n.h"
#include "rules.h"
#include "sstore.h"
#include "util.h"

#define SDMX_DATAFLOW "YUEBAO:BULLETIN(1.0)"
#define SDMX_TOTAL_AREA "_T" /* SDMX's code for a total: the city */

typedef enum { FORMAT_CSV, FORMAT_XLSX, FORMAT_SDMX } format_t;

/* ---- the table model: columns and cells ---------------------------------------------- */

export_col_t *export_columns(const bulletin_t *b, const master_t *m, size_t *n) {
    static const struct {
        export_kind_t kind;
        const char *head;
    } lead[] = {{EXPORT_SEQ, "序号"}, {EXPORT_COUNTY, "县区"}, {EXPORT_ZONE, "园区"}},
      tail[] = {{EXPORT_SCORE, "综合得分"},
                {EXPORT_RANK, "排名"},
                {EXPORT_CHANGE, "排名变化"},
                {EXPORT_STAR, "星级"},
                {EXPORT_NOTE, "备注"}};
    size_t n_lead = sizeof lead / sizeof lead[0], n_tail = sizeof tail / sizeof tail[0];
    size_t total = n_lead + 4 * b->n_indicators + n_tail, c = 0;
    export_col_t *cols = calloc(total, sizeof *cols);
    if (!cols) return NULL;
    for (size_t i = 0; i < n_lead; i++, c++) {
        cols[c].kind = lead[i].kind;
        snprintf(cols[c].head, sizeof cols[c].head, "%s", lead[i].head);
    }
    for (size_t k = 0; k < b->n_indicators; k++) {
        const indicator_t *ind = &m->indicators[b->indicators[k]];
        cols[c].kind = EXPORT_AMOUNT;
        cols[c].k = k;
        snprintf(cols[c++].head, sizeof cols[0].head, "%s%s(%s)", ind->name_zh,
                 ind->kind == KIND_STOCK ? "期末数" : "本年累计", ind->unit);
        cols[c].kind = EXPORT_GROWTH;
        cols[c].k = k;
        snprintf(cols[c++].head, sizeof cols[0].head, "%s同比增长(%%)", ind->name_zh);
        cols[c].kind = EXPORT_COMPLETION;
        cols[c].k = k;
        snprintf(cols[c++].head, sizeof cols[0].head, "%s目标完成率(%%)", ind->name_zh);
        cols[c].kind = EXPORT_GAP;
        cols[c].k = k;
        snprintf(cols[c++].head, sizeof cols[0].head, "%s进度差(百分点)", ind->name_zh);
    }
    for (size_t i = 0; i < n_tail; i++, c++) {
        cols[c].kind = tail[i].kind;
        snprintf(cols[c].head, sizeof cols[c].head, "%s", tail[i].head);
    }
    *n = total;
    return cols;
}

int export_decimals(export_kind_t kind) {
    switch (kind) {
    case EXPORT_AMOUNT:
    case EXPORT_GROWTH: return 1;
    case EXPORT_COMPLETION:
    case EXPORT_GAP:
    case EXPORT_SCORE: return 2;
    default: return 0;
    }
}

bool export_number(const bulletin_row_t *row, size_t index, const export_col_t *c, double *x) {
    const bulletin_cell_t *cell = NULL;
    switch (c->kind) {
    case EXPORT_SEQ:
        if (row->is_total) return false;
        *x = (double)(index + 1);
        return true;
    case EXPORT_AMOUNT:
    case EXPORT_GROWTH:
    case EXPORT_COMPLETION:
    case EXPORT_GAP: cell = &row->cells[c->k]; break;
    case EXPORT_SCORE: *x = row->total_score; return row->ranked;
    case EXPORT_RANK: *x = row->rank; return row->ranked;
    case EXPORT_CHANGE: *x = row->rank_change; return row->ranked && row->has_rank_change;
    default: return false;
    }
    switch (c->kind) {
    case EXPORT_AMOUNT: *x = cell->amount; return cell->has_amount;
    case EXPORT_GROWTH: *x = cell->growth_pct; return cell->has_growth;
    case EXPORT_COMPLETION: *x = cell->completion_pct; return cell->has_completion;
    default: *x = cell->gap_pp; return cell->has_gap;
    }
}

/* x with `decimals` fixed decimals, never "-0.0". */
static void fixed(double x, int decimals, char *buf, size_t size) {
    snprintf(buf, size, "%.*f", decimals, x);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) memmove(buf, buf + 1, strlen(buf));
}

void export_star(int star, char *buf, size_t size) {
    if (star == RANKING_STAR_NONE)
        buf[0] = '\0';
    else if (star == RANKING_STAR_BELOW)
        snprintf(buf, size, "入门以下");
    else
        snprintf(buf, size, "★%d", star);
}

/* 备注: 未报, or why the zone is a laggard, or for the city how many zones reported. */
static void note_text(const bulletin_t *b, const master_t *m, const bulletin_row_t *row, char *buf,
                      size_t size) {
    size_t off = 0;
    buf[0] = '\0';
    if (row->is_total) {
        snprintf(buf, size, "已报园区 %zu/%zu", b->n_reported, b->n_zones);
        return;
    }
    if (!row->reported) {
        snprintf(buf, size, "未报");
        return;
    }
    if (!bulletin_row_laggard(row)) return;
    off = (size_t)snprintf(buf, size, "落后：");
    if (row->lag_pace) {
        bool first = true;
        for (size_t k = 0; k < b->n_indicators && off < size; k++) {
            const bulletin_cell_t *c = &row->cells[k];
            if (!bulletin_cell_lagging(b, c)) continue;
            off += (size_t)snprintf(buf + off, size - off, "%s%s", first ? "" : "、",
                                    m->indicators[b->indicators[k]].name_zh);
            first = false;
        }
        if (off < size)
            off += (size_t)snprintf(buf + off, size - off, "进度差低于%g个百分点", b->lag_pace_pp);
    }
    if (row->lag_rank && off < size)
        snprintf(buf + off, size - off, "%s排名后%d位", row->lag_pace ? "；" : "", BULLETIN_LAG_BOTTOM);
}

void export_text(const bulletin_t *b, const master_t *m, const bulletin_row_t *row, size_t index,
                 const export_col_t *c, char *buf, size_t size) {
    double x;
    buf[0] = '\0';
    switch (c->kind) {
    case EXPORT_COUNTY:
        if (row->is_total)
            snprintf(buf, size, "%s", row->total_name);
        else
            snprintf(buf, size, "%s", row->county ? row->county->name : row->zone->county);
        return;
    case EXPORT_ZONE:
        if (!row->is_total) snprintf(buf, size, "%s", row->zone->name);
        return;
    case EXPORT_STAR: export_star(row->star, buf, size); return;
    case EXPORT_NOTE: note_text(b, m, row, buf, size); return;
    default:
        if (export_number(row, index, c, &x)) fixed(x, export_decimals(c->kind), buf, size);
        return;
    }
}

void export_months(const bulletin_t *b, char *buf, size_t size) {
    if (b->period.month == 1)
        snprintf(buf, size, "%d年1月", b->period.year);
    else
        snprintf(buf, size, "%d年1-%d月", b->period.year, b->period.month);
}

void export_title(const bulletin_t *b, const master_t *m, char *buf, size_t size) {
    char months[64];
    export_months(b, months, sizeof months);
    snprintf(buf, size, "%s产业集聚区 %s 主要指标完成情况通报%s%s%s", m->policy.city_name, months,
             b->state_in_title ? "（" : "", b->state_in_title ? b->state_label : "", b->state_in_title ? "）" : "");
}

/* ---- csv -------------------------------------------------------------------------------- */

static void write_csv(FILE *f, const bulletin_t *b, const master_t *m, const export_col_t *cols,
                      size_t n_cols) {
    char cell[1024];
    fputs("\xEF\xBB\xBF", f); /* the BOM: Excel then reads UTF-8 */
    for (size_t c = 0; c < n_cols; c++) {
        if (c) fputc(',', f);
        csv_write_field(f, cols[c].head);
    }
    fputs("\r\n", f);
    for (size_t i = 0; i < b->n_rows; i++) {
        for (size_t c = 0; c < n_cols; c++) {
            export_text(b, m, &b->rows[i], i, &cols[c], cell, sizeof cell);
            if (c) fputc(',', f);
            csv_write_field(f, cell);
        }
        fputs("\r\n", f);
    }
}

/* ---- sdmx-csv ----------------------------------------------------------------------------- */

/* A number for machines: up to six decimals, trailing zeros dropped, no exponent. */
static void plain_number(double x, char *buf, size_t size) {
    char *end;
    fixed(x, 6, buf, size);
    end = buf + strlen(buf);
    while (end > buf && end[-1] == '0')
        *--end = '\0';
    if (end > buf && end[-1] == '.') *--end = '\0';
    if (!strcmp(buf, "-0")) snprintf(buf, size, "0");
}

static void sdmx_obs(FILE *f, const char *period, const char *area, const char *indicator,
                     const char *measure, bool has, double x, const char *unit) {
    char value[64] = "";
    if (has) plain_number(x, value, sizeof value);
    fprintf(f, "%s,M,", SDMX_DATAFLOW);
    csv_write_field(f, area);
    fputc(',', f);
    csv_write_field(f, indicator);
    fprintf(f, ",%s,%s,%s,", measure, period, value);
    csv_write_field(f, unit);
    fprintf(f, ",%s\n", has ? "A" : "M");
}

/* Every row × main indicator: AMOUNT and GROWTH always (OBS_STATUS M and an empty value
 * when not reported), COMPLETION and PACE_GAP where they could be computed. */
static void write_sdmx(FILE *f, const bulletin_t *b, const master_t *m) {
    char period[PERIOD_STRLEN];
    period_format(b->period, period);
    fputs("DATAFLOW,FREQ,REF_AREA,INDICATOR,MEASURE,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS\n", f);
    for (size_t i = 0; i < b->n_rows; i++) {
        const bulletin_row_t *row = &b->rows[i];
        const char *area = row->is_total ? SDMX_TOTAL_AREA : row->zone->code;
        for (size_t k = 0; k < b->n_indicators; k++) {
            const indicator_t *ind = &m->indicators[b->indicators[k]];
            const bulletin_cell_t *c = &row->cells[k];
            sdmx_obs(f, period, area, ind->code, "AMOUNT", c->has_amount, c->amount, ind->unit);
            sdmx_obs(f, period, area, ind->code, "GROWTH", c->has_growth, c->growth_pct, "PCT");
            if (c->has_completion)
                sdmx_obs(f, period, area, ind->code, "COMPLETION", true, c->completion_pct, "PCT");
            if (c->has_gap) sdmx_obs(f, period, area, ind->code, "PACE_GAP", true, c->gap_pp, "PP");
        }
    }
}

/* ---- reading the stores ------------------------------------------------------------------- */

/* The values of v the bulletin leaves out: of zones or indicators master data does not
 * know. */
static size_t n_unknown(const values_t *v) {
    size_t n = v->n_dropped;
    for (size_t z = v->n_master; z < v->n_zones; z++)
        for (size_t i = 0; i < v->n_indicators; i++)
            n += !isnan(v->amount[z * v->n_indicators + i]);
    return n;
}

static rules_t *load_rules(const cli_opts_t *o, const master_t *m) {
    diag_list_t dl = {0};
    rules_t *r = rules_load(o->master_dir, m, &dl);
    if (!r) cli_print_diags("yuebao export", o->master_dir, &dl);
    diag_clear(&dl);
    return r;
}

typedef struct {
    int n;
} listed_t;

static void on_ranked(const char *period, void *arg) {
    listed_t *l = arg;
    fprintf(stderr, "%s%s", l->n++ ? ", " : _("  ranked periods: "), period);
}

/* Loads the ranking of period into rk: 1 ranked, 0 not (explained on stderr; the score
 * columns stay empty), -1 the score store cannot be read (explained). */
static int load_ranking(const cli_opts_t *o, const char *period, ranking_t *rk) {
    char err[1024], scheme[1100];
    sstore_t *ss = sstore_open(o->scores, true, err, sizeof err);
    listed_t l = {0};
    int found;
    if (!ss) {
        fprintf(
            stderr,
            _("yuebao export: %s\n  the bulletin's ranking comes from the scorer's score store: name it with "
            "--scores FILE or YUEBAO_SCORES\n"),
            err);
        return -1;
    }
    found = sstore_load_ranking(ss, period, rk);
    if (found < 0) {
        fprintf(stderr, _("yuebao export: cannot read the ranking of %s from %s (see above)\n"), period,
                o->scores);
    } else if (found == 0) {
        fprintf(stderr, _("yuebao export: %s is not ranked in %s; the score, rank and star columns are empty\n"),
                period, o->scores);
        if (!cli_has_scheme(o, period, scheme, sizeof scheme))
            fprintf(stderr, _("  there is no %s (a year without scheme-YYYY.csv is not ranked)\n"), scheme);
        else if (sstore_each_period(ss, on_ranked, &l) > 0)
            fputc('\n', stderr);
    }
    sstore_close(&ss);
    return found;
}

/* What each reported zone's current report says in words and lists — 存在问题, 下一步措施,
 * key projects — and the period's key enterprises into b, for the printed bulletin. 0,
 * or -1 on a store error or out of memory (explained). */
static int load_words(rstore_t *st, const master_t *m, const char *period, bulletin_t *b) {
    bulletin_enterprises_t list;
    for (size_t i = 0; i < b->n_rows; i++) {
        const bulletin_row_t *row = &b->rows[i];
        report_t r;
        int found;
        if (row->is_total || !row->reported) continue;
        memset(&r, 0, sizeof r);
        found = rstore_load_projects_texts(st, row->zone->code, period, &r);
        if (found < 0) {
            fprintf(stderr, _("yuebao export: cannot read the report of %s for %s (see above)\n"),
                    row->zone->code, period);
            return -1;
        }
        if (found > 0 && bulletin_set_report(b, i, &r) < 0) {
            report_clear(&r);
            fprintf(stderr, _("yuebao export: out of memory\n"));
            return -1;
        }
        report_clear(&r);
    }
    if (bulletin_enterprises_load(&list, st, m, period) < 0) {
        fprintf(stderr, _("yuebao export: cannot read the key enterprises of %s (see above)\n"), period);
        return -1;
    }
    bulletin_take_enterprises(b, &list);
    return 0;
}

/* ---- writing ------------------------------------------------------------------------------ */

/* csv and sdmx-csv: built in memory, then written to stdout or atomically to path. */
static int write_text(format_t fmt, const bulletin_t *b, const master_t *m, const char *path) {
    char *data = NULL, dir[4096];
    size_t len = 0, n_cols = 0;
    export_col_t *cols = NULL;
    FILE *f = open_memstream(&data, &len);
    int rc = 0;
    if (!f || (fmt == FORMAT_CSV && !(cols = export_columns(b, m, &n_cols)))) {
        fprintf(stderr, _("yuebao export: out of memory\n"));
        if (f) fclose(f);
        free(data);
        return 1;
    }
    if (fmt == FORMAT_CSV)
        write_csv(f, b, m, cols, n_cols);
    else
        write_sdmx(f, b, m);
    free(cols);
    if (fclose(f) != 0) {
        fprintf(stderr, _("yuebao export: out of memory\n"));
        free(data);
        return 1;
    }
    if (!path) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            fprintf(stderr, _("yuebao export: cannot write to stdout: %s\n"), strerror(errno));
            rc = 1;
        }
    } else if (util_write_atomic(path, data, len) < 0) {
        cli_folder_of(path, dir, sizeof dir);
        fprintf(stderr, _("yuebao export: cannot write %s: %s (is the folder %s there and writable?)\n"), path,
                strerror(errno), dir);
        rc = 1;
    }
    free(data);
    return rc;
}

/* xlsx: libxlsxwriter writes a temporary file beside path, renamed over it when whole. */
static int write_xlsx(const bulletin_t *b, const master_t *m, const char *path) {
    char tmp[4200], dir[4096], err[512];
    if (cli_temp_beside(path, tmp, sizeof tmp, dir, sizeof dir) < 0) {
        if (errno == ENAMETOOLONG)
            fprintf(stderr, _("yuebao export: %s: the path is too long\n"), path);
        else
            fprintf(stderr, _("yuebao export: cannot write in %s: %s\n"), dir, strerror(errno));
        return 1;
    }
    if (export_xlsx(b, m, tmp, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao export: cannot write %s: %s\n"), path, err);
        unlink(tmp);
        return 1;
    }
    if (rename(tmp, path) < 0) {
        fprintf(stderr, _("yuebao export: cannot write %s: %s\n"), path, strerror(errno));
        unlink(tmp);
        return 1;
    }
    return 0;
}

static int parse_format(const char *s, format_t *fmt) {
    if (!strcmp(s, "csv"))
        *fmt = FORMAT_CSV;
    else if (!strcmp(s, "xlsx"))
        *fmt = FORMAT_XLSX;
    else if (!strcmp(s, "sdmx-csv"))
        *fmt = FORMAT_SDMX;
    else
        return -1;
    return 0;
}

/* The format: --format when given, else what -o's name says (.xlsx a workbook, .csv or
 * anything else csv). A --format the name contradicts — a workbook into FILE.csv, text
 * into FILE.xlsx, which Excel would refuse to open — is refused rather than guessed
 * between. 0, or 2 (the exit status) with the reason printed. */
static int choose_format(const cli_opts_t *o, const char *path, format_t *fmt) {
    bool xlsx_name = path && cli_named(path, ".xlsx"), csv_name = path && cli_named(path, ".csv");
    if (!o->format) {
        *fmt = xlsx_name ? FORMAT_XLSX : FORMAT_CSV;
        return 0;
    }
    if (parse_format(o->format, fmt) < 0) {
        fprintf(stderr, _("yuebao export: unknown format \"%s\"; expected csv, xlsx or sdmx-csv\n"),
                o->format);
        return 2;
    }
    if (*fmt == FORMAT_XLSX && csv_name) {
        fprintf(stderr,
                _("yuebao export: --format xlsx writes a workbook, but %s is named as a CSV file: name it "
                  ".xlsx, or leave out --format\n"),
                path);
        return 2;
    }
    if (*fmt != FORMAT_XLSX && xlsx_name) {
        fprintf(
            stderr,
            _("yuebao export: --format %s writes text, but %s is named as a workbook (.xlsx), which Excel "
              "would refuse to open: name it .csv, or leave out --format\n"),
            o->format, path);
        return 2;
    }
    return 0;
}

/* The master data of one county: m's zones and county entry of c only, in *out, whose
 * arrays the caller frees (the rest is borrowed from m). 0, or -1 out of memory. */
static int county_master(const master_t *m, const county_t *c, master_t *out) {
    *out = *m;
    out->zones = calloc(m->n_zones ? m->n_zones : 1, sizeof *out->zones);
    out->counties = calloc(1, sizeof *out->counties);
    if (!out->zones || !out->counties) {
        free(out->zones);
        free(out->counties);
        return -1;
    }
    out->n_zones = 0;
    for (size_t i = 0; i < m->n_zones; i++)
        if (strcmp(m->zones[i].county, c->code) == 0) out->zones[out->n_zones++] = m->zones[i];
    out->counties[0] = *c;
    out->n_counties = 1;
    return 0;
}

int cli_export(const cli_opts_t *o) {
    master_t *m = NULL, one = {0}, *bm; /* bm: the bulletin's master data (one county's, or m) */
    const county_t *county = NULL;
    char total_name[160];
    rules_t *r = NULL;
    rstore_t *st = NULL;
    ranking_t rk;
    values_t v;
    bulletin_t b;
    format_t fmt;
    period_t p;
    char period[PERIOD_STRLEN];
    const char *path = o->output && strcmp(o->output, "-") ? o->output : NULL;
    int rc = 0, ranked = 0;

    memset(&rk, 0, sizeof rk);
    memset(&v, 0, sizeof v);
    memset(&b, 0, sizeof b);
    if ((rc = choose_format(o, path, &fmt)) != 0) return rc;
    if (fmt == FORMAT_XLSX && !path) {
        fprintf(stderr, _("yuebao export: an xlsx workbook is written to a file: name it with -o FILE.xlsx\n"));
        return 2;
    }
    if (!o->period || period_parse(o->period, &p) < 0) {
        if (o->period)
            fprintf(stderr, _("yuebao export: \"%s\" is not a period; write YYYY-MM, e.g. --period 2017-06\n"),
                    o->period);
        else
            fprintf(stderr, _("yuebao export: --period YYYY-MM is required (e.g. 2017-06)\n"));
        return 2;
    }
    period_format(p, period);
    if (!(m = cli_master(o))) return 2;
    if (!(r = load_rules(o, m))) {
        rc = 2;
        goto out;
    }
    bm = m;
    if (o->county) { /* one county's zones: a county account's download of the web */
        if (!(county = cli_county(o, m, "export", o->county))) {
            rc = 2;
            goto out;
        }
        if (county_master(m, county, &one) < 0) {
            fprintf(stderr, _("yuebao export: out of memory\n"));
            rc = 1;
            goto out;
        }
        bm = &one;
        snprintf(total_name, sizeof total_name, "%s合计", county->name);
    }
    if (!(st = cli_store(o))) {
        rc = 1;
        goto out;
    }
    if (values_load(&v, st, bm, period) < 0) {
        fprintf(stderr, _("yuebao export: cannot read %s from %s (see above)\n"), period, o->store);
        rc = 1;
        goto out;
    }
    if (values_reported(&v) == 0) {
        fprintf(stderr, _("yuebao export: no zone has reported %s in %s; there is no bulletin to write\n"),
                period, o->store);
        rc = 1;
        goto out;
    }
    if (n_unknown(&v) && !county)
        fprintf(stderr,
                _("yuebao export: %zu values of %s name zones or indicators %s/ does not know; left out\n"),
                n_unknown(&v), period, o->master_dir);
    if ((ranked = load_ranking(o, period, &rk)) < 0) {
        rc = 1;
        goto out;
    }
    if (bulletin_build(&b, bm, r, p, &v, ranked ? &rk : NULL, BULLETIN_LAG_PACE_PP) < 0) {
        fprintf(stderr, _("yuebao export: out of memory\n"));
        rc = 1;
        goto out;
    }
    if (county) b.rows[b.n_rows - 1].total_name = total_name;
    if (fmt == FORMAT_XLSX && load_words(st, bm, period, &b) < 0) {
        rc = 1;
        goto out;
    }
    { /* the store says what the figures are: 初步数据 until the 统计局 approves them */
        period_state_t city;
        char label[64];
        int known = rstore_period_state(st, period, "", &city);
        if (known < 0) {
            fprintf(stderr, _("yuebao export: cannot read the state of %s from %s (see above)\n"), period, o->store);
            rc = 1;
            goto out;
        }
        b.state = known ? city.state : PSTATE_OPEN;
        if (b.version > 1)
            snprintf(label, sizeof label, "%s·更正版 第%u版", bulletin_state_words(&b), b.version);
        else
            snprintf(label, sizeof label, "%s", bulletin_state_words(&b));
        /* the title says it while the figures are preliminary, and for a corrected version */
        bulletin_set_state(&b, label, b.state == PSTATE_OPEN || b.version > 1);
    }
    rc = fmt == FORMAT_XLSX ? write_xlsx(&b, bm, path) : write_text(fmt, &b, bm, path);
    if (rc == 0 && path)
        fprintf(stderr, _("yuebao export: %s: %s, %zu of %zu zones reported%s\n"), path, period, b.n_reported,
                b.n_zones, ranked ? "" : _(", not ranked"));
out:
    bulletin_clear(&b);
    values_free(&v);
    ranking_clear(&rk);
    rstore_close(&st);
    rules_destroy(&r);
    free(one.zones);
    free(one.counties);
    master_destroy(&m);
    return rc;
}
