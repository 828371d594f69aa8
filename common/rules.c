/* rules.c - the assessment configuration: scheme-YYYY.csv, targets-YYYY.csv, pacing.csv, stars.csv.
 *
 * The files are written by hand in the city office, are small (a dozen items, a few
 * hundred targets) and are read at start and on SIGHUP, so loading favours complete,
 * precise messages over speed: every file is read to its end and every problem is
 * reported with file, line and column, and nothing is kept unless all files are
 * right — a reload with a typo keeps the rules in force. As in county_csv.c, a column
 * the loader does not know is an error rather than ignored: a misspelt "target_amout"
 * would otherwise drop every amount target without a word. Columns with a blank
 * header (what Excel leaves at the right of a sheet) are ignored.
 *
 * Years come from the file names, so a folder may hold any number of years; a year
 * without a scheme is not ranked and one without targets raises no target alerts.
 * Targets are sorted by (zone, indicator) because the scorer looks one up for every
 * zone and indicator on every recompute. Shared by the scorer and the CLI's bulletin
 * (rules.h), so it knows nothing of either.
 */
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "text.h"
#include "util.h"

#define RULES_MAX_BYTES (8u << 20)
#define RULES_YEAR_MIN 1990 /* as period_parse accepts */
#define RULES_YEAR_MAX 2100
#define CELL_MAX 1024
#define FULLWIDTH_SEMICOLON "\xEF\xBC\x9B" /* ；U+FF1B in UTF-8 */

/* ---- reading a table ---------------------------------------------------------------- */

typedef struct {
    const char *file; /* base name, for messages */
    char *text;
    csv_reader_t *r;
    csv_record_t head; /* valid until the first table_next() */
    diag_list_t *dl;
} table_t;

/* Loads path (BOM and GB18030 handled) and reads its header row into t->head.
 * 0, or -1 with the problem in dl and nothing left to close. */
static int table_open(table_t *t, const char *path, diag_list_t *dl) {
    char err[512];
    size_t len;
    int rc;
    memset(t, 0, sizeof *t);
    t->file = util_basename(path);
    t->dl = dl;
    if (text_load_file(path, RULES_MAX_BYTES, &t->text, &len, NULL, err, sizeof err) < 0) {
        diag_add(dl, DIAG_ERROR, t->file, 0, NULL, "%s", err);
        return -1;
    }
    t->r = csv_open(t->text, len);
    if (!t->r) {
        diag_add(dl, DIAG_ERROR, t->file, 0, NULL, "out of memory");
        free(t->text);
        return -1;
    }
    rc = csv_next(t->r, &t->head, err, sizeof err);
    if (rc <= 0) {
        diag_add(dl, DIAG_ERROR, t->file, 0, NULL, "%s",
                 rc == 0 ? "empty file: a header row is expected" : err);
        csv_close(&t->r);
        free(t->text);
        return -1;
    }
    return 0;
}

/* True if every cell of rec is empty or white space: what Excel leaves below a sheet. */
static bool row_blank(const csv_record_t *rec) {
    for (size_t i = 0; i < rec->n_fields; i++)
        for (const char *c = rec->fields[i]; *c; c++)
            if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n') return false;
    return true;
}

/* The next row that is not blank: 1, or 0 at the end or on malformed CSV (reported). */
static int table_next(table_t *t, csv_record_t *rec) {
    char err[512];
    int rc;
    while ((rc = csv_next(t->r, rec, err, sizeof err)) == 1 && row_blank(rec)) {}
    if (rc < 0) diag_add(t->dl, DIAG_ERROR, t->file, 0, NULL, "%s", err);
    return rc == 1;
}

static void table_close(table_t *t) {
    csv_close(&t->r);
    free(t->text);
    t->text = NULL;
}

/* Maps the header of t onto want[0..n_want): idx[w] is the column or -1. Every wanted
 * column is required; an unknown non-blank column is an error too. 0 or -1. */
static int map_header(const table_t *t, const char *const *want, int *idx, size_t n_want) {
    const csv_record_t *h = &t->head;
    char expected[256] = "", tmp[128], sb[64];
    int rc = 0;
    for (size_t w = 0; w < n_want; w++) {
        idx[w] = -1;
        snprintf(expected + strlen(expected), sizeof expected - strlen(expected), "%s%s", w ? ", " : "",
                 want[w]);
    }
    for (size_t i = 0; i < h->n_fields; i++) {
        size_t w;
        snprintf(tmp, sizeof tmp, "%s", h->fields[i]);
        text_trim(tmp);
        if (!tmp[0]) continue;
        for (w = 0; w < n_want && strcmp(tmp, want[w]) != 0; w++) {}
        if (w == n_want) {
            diag_add(t->dl, DIAG_ERROR, t->file, h->line, text_shown(tmp, sb, sizeof sb),
                     "unknown column \"%s\"; expected the columns %s", sb, expected);
            rc = -1;
        } else if (idx[w] >= 0) {
            diag_add(t->dl, DIAG_ERROR, t->file, h->line, want[w], "column \"%s\" is given twice", want[w]);
            rc = -1;
        } else {
            idx[w] = (int)i;
        }
    }
    for (size_t w = 0; w < n_want; w++) {
        if (idx[w] >= 0) continue;
        diag_add(t->dl, DIAG_ERROR, t->file, h->line, want[w],
                 "missing column \"%s\"; expected the columns %s", want[w], expected);
        rc = -1;
    }
    return rc;
}

/* The trimmed cell of column col into buf[CELL_MAX] ("" for a short row). 0, or -1
 * (reported) when the cell is too long to be anything this file expects. */
static int cell(const table_t *t, const csv_record_t *rec, int col, const char *name, char *buf) {
    const char *v = col >= 0 && (size_t)col < rec->n_fields ? rec->fields[col] : "";
    buf[0] = '\0';
    if (strlen(v) >= CELL_MAX) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, name, "longer than %d bytes", CELL_MAX - 1);
        return -1;
    }
    memcpy(buf, v, strlen(v) + 1);
    text_trim(buf);
    return 0;
}

/* s as a finite number, the whole of it: "12.5" yes, "12,5", "12.5x", "nan" no. */
static int parse_number(const char *s, double *out) {
    char *end;
    double v;
    if (!*s) return -1;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

/* s as a whole decimal number in lo..hi. */
static int parse_int(const char *s, long lo, long hi, long *out) {
    char *end;
    long v;
    if (!*s) return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end || errno == ERANGE || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* The indicator named by s (code or Chinese name) as an index into m, or -1. */
static int indicator_index(const master_t *m, const char *s) {
    const indicator_t *ind = master_indicator(m, s);
    return ind ? (int)(ind - m->indicators) : -1;
}

/* Reports v, found in column field, as not naming an indicator. */
static void bad_indicator(const table_t *t, const csv_record_t *rec, const char *field, const char *v) {
    char sb[96];
    if (!v[0])
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, field,
                 "empty; an indicator code or Chinese name from indicators.csv is required");
    else
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, field,
                 "unknown indicator \"%s\"; expected a code or Chinese name from indicators.csv",
                 text_shown(v, sb, sizeof sb));
}

/* ---- scheme-YYYY.csv ---------------------------------------------------------------- */

enum { S_DIM, S_ITEM, S_WEIGHT, S_CONTENTS, S_PARTS, S_NCOLS };

typedef struct {
    double weight_sum;
    bool weights_ok; /* every weight parsed, so the sum means something */
} scheme_acc_t;

/* Replaces every full-width semicolon in s by ';', in place. */
static void ascii_semicolons(char *s) {
    char *p;
    size_t n = strlen(FULLWIDTH_SEMICOLON);
    while ((p = strstr(s, FULLWIDTH_SEMICOLON)) != NULL) {
        *p = ';';
        memmove(p + 1, p + n, strlen(p + n) + 1);
    }
}

/* Fills it->contents from the ';'-separated list s; empty pieces are skipped. */
static int scheme_contents(const table_t *t, const csv_record_t *rec, const master_t *m, char *s,
                           scheme_item_t *it) {
    char *save = NULL, sb[96];
    int rc = 0;
    ascii_semicolons(s);
    for (char *tok = strtok_r(s, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
        int ind;
        size_t j;
        text_trim(tok);
        if (!*tok) continue;
        ind = indicator_index(m, tok);
        if (ind < 0) {
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "contents",
                     "unknown indicator \"%s\"; expected codes or Chinese names from indicators.csv, "
                     "separated by ';'",
                     text_shown(tok, sb, sizeof sb));
            rc = -1;
            continue;
        }
        for (j = 0; j < it->n_contents && it->contents[j] != ind; j++) {}
        if (j < it->n_contents) {
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "contents",
                     "indicator %s is listed twice in this item", m->indicators[ind].code);
            rc = -1;
        } else if (it->n_contents == RULES_MAX_CONTENTS) {
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "contents", "more than %d indicators in one item",
                     RULES_MAX_CONTENTS);
            return -1;
        } else {
            it->contents[it->n_contents++] = ind;
        }
    }
    if (rc == 0 && it->n_contents == 0) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "contents",
                 "empty; expected one or more indicator codes separated by ';'");
        rc = -1;
    }
    return rc;
}

/* The dimension named dim as an index into s->dims, adding it if new; -1 if full. */
static int scheme_dim(const table_t *t, const csv_record_t *rec, scheme_t *s, const char *dim) {
    for (size_t d = 0; d < s->n_dims; d++)
        if (!strcmp(s->dims[d], dim)) return (int)d;
    if (s->n_dims == RANKING_MAX_DIMS) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "dimension", "more than %d dimensions",
                 RANKING_MAX_DIMS);
        return -1;
    }
    memcpy(s->dims[s->n_dims], dim, strlen(dim) + 1);
    return (int)s->n_dims++;
}

static void scheme_row(const table_t *t, const csv_record_t *rec, const int *idx, const master_t *m,
                       scheme_t *s, scheme_acc_t *acc) {
    char dim[CELL_MAX], item[CELL_MAX], weight[CELL_MAX], contents[CELL_MAX], parts[CELL_MAX], sb[96];
    scheme_item_t it;
    memset(&it, 0, sizeof it);
    it.line = rec->line;
    it.dim = -1;

    if (cell(t, rec, idx[S_DIM], "dimension", dim) < 0) {
    } else if (!dim[0]) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "dimension", "empty; a dimension name is required");
    } else if (strlen(dim) >= sizeof s->dims[0]) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "dimension", "longer than %zu bytes",
                 sizeof s->dims[0] - 1);
    } else {
        it.dim = scheme_dim(t, rec, s, dim);
    }

    if (cell(t, rec, idx[S_WEIGHT], "weight", weight) < 0) {
        acc->weights_ok = false;
    } else if (!weight[0]) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "weight",
                 "empty; the item's points out of 100 are required");
        acc->weights_ok = false;
    } else if (parse_number(weight, &it.weight) < 0) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "weight",
                 "\"%s\" is not a number; expected the item's points out of 100, such as 7.5",
                 text_shown(weight, sb, sizeof sb));
        acc->weights_ok = false;
    } else if (it.weight <= 0) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "weight", "%g; a weight must be greater than 0",
                 it.weight);
        acc->weights_ok = false;
    } else {
        acc->weight_sum += it.weight;
    }

    if (cell(t, rec, idx[S_CONTENTS], "contents", contents) == 0) scheme_contents(t, rec, m, contents, &it);

    if (cell(t, rec, idx[S_PARTS], "parts", parts) < 0) {
    } else if (!parts[0]) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "parts", "empty; expected amount or amount+growth");
    } else if (!strcmp(parts, "amount+growth")) {
        it.growth = true;
        for (size_t j = 0; j < it.n_contents; j++) {
            const indicator_t *ind = &m->indicators[it.contents[j]];
            if (ind->has_growth) continue;
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "parts",
                     "amount+growth, but %s (%s) carries no growth rate; expected \"amount\" for this item",
                     ind->code, ind->name_zh);
        }
    } else if (strcmp(parts, "amount") != 0) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "parts", "\"%s\": expected amount or amount+growth",
                 text_shown(parts, sb, sizeof sb));
    }

    if (cell(t, rec, idx[S_ITEM], "item", item) < 0) return;
    if (!item[0]) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "item", "empty; an item name is required");
        return;
    }
    if (strlen(item) >= sizeof it.item) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "item", "longer than %zu bytes", sizeof it.item - 1);
        return;
    }
    for (size_t i = 0; i < s->n_items; i++) {
        if (strcmp(s->items[i].item, item) != 0) continue;
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "item",
                 "item \"%s\" is listed twice, on line %u and line %u; expected each item once",
                 text_shown(item, sb, sizeof sb), s->items[i].line, rec->line);
        return;
    }
    if (s->n_items == RULES_MAX_ITEMS) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "item", "more than %d items", RULES_MAX_ITEMS);
        return;
    }
    memcpy(it.item, item, strlen(item) + 1);
    s->items[s->n_items++] = it; /* kept even when the row has errors: they fail the load anyway */
}

/* Reads path into s (year already set). 0, or -1 with the problems in dl. */
static int scheme_load(const char *path, const master_t *m, scheme_t *s, diag_list_t *dl) {
    static const char *const cols[S_NCOLS] = {"dimension", "item", "weight", "contents", "parts"};
    size_t before = dl->n_errors;
    scheme_acc_t acc = {0, true};
    table_t t;
    csv_record_t rec;
    int idx[S_NCOLS];
    if (table_open(&t, path, dl) < 0) return -1;
    if (map_header(&t, cols, idx, S_NCOLS) == 0) {
        while (table_next(&t, &rec))
            scheme_row(&t, &rec, idx, m, s, &acc);
        if (s->n_items == 0 && dl->n_errors == before)
            diag_add(dl, DIAG_ERROR, t.file, 0, NULL, "no items; expected one row per item of the scheme");
        else if (acc.weights_ok && s->n_items > 0 && fabs(acc.weight_sum - 100) > 1e-6)
            diag_add(dl, DIAG_ERROR, t.file, 0, "weight", "the weights sum to %.10g; expected 100",
                     acc.weight_sum);
    }
    table_close(&t);
    return dl->n_errors > before ? -1 : 0;
}

/* ---- targets-YYYY.csv --------------------------------------------------------------- */

enum { T_ZONE, T_YEAR, T_INDICATOR, T_AMOUNT, T_GROWTH, T_NCOLS };

static int target_cmp(const void *a, const void *b) {
    const target_t *x = a, *y = b;
    int c = strcmp(x->zone, y->zone);
    if (c) return c;
    return (x->indicator > y->indicator) - (x->indicator < y->indicator);
}

/* target_cmp, then file order, so a duplicate is reported at its later line. */
static int target_line_cmp(const void *a, const void *b) {
    const target_t *x = a, *y = b;
    int c = target_cmp(a, b);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int target_push(target_year_t *ty, size_t *cap, const target_t *tg) {
    if (ty->n_targets == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        target_t *p = realloc(ty->targets, ncap * sizeof *p);
        if (!p) return -1;
        ty->targets = p;
        *cap = ncap;
    }
    ty->targets[ty->n_targets++] = *tg;
    return 0;
}

static void target_row(const table_t *t, const csv_record_t *rec, const int *idx, const master_t *m,
                       target_year_t *ty, size_t *cap) {
    char zone[CELL_MAX], year[CELL_MAX], ind[CELL_MAX], amount[CELL_MAX], growth[CELL_MAX], sb[96];
    const zone_t *z = NULL;
    target_t tg;
    long y;
    int bad = 0;
    memset(&tg, 0, sizeof tg);
    tg.line = rec->line;
    tg.indicator = -1;

    if (cell(t, rec, idx[T_ZONE], "zone", zone) < 0) {
        bad = 1;
    } else if (!zone[0]) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "zone", "empty; a zone code or name is required");
        bad = 1;
    } else if (!(z = master_zone(m, zone))) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "zone",
                 "unknown zone \"%s\"; expected a zone code or name from regions.csv",
                 text_shown(zone, sb, sizeof sb));
        bad = 1;
    } else {
        memcpy(tg.zone, z->code, sizeof tg.zone);
    }

    if (cell(t, rec, idx[T_YEAR], "year", year) < 0) {
    } else if (parse_int(year, RULES_YEAR_MIN, RULES_YEAR_MAX, &y) < 0) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "year", "\"%s\" is not a year; expected %d",
                 text_shown(year, sb, sizeof sb), ty->year);
    } else if (y != ty->year) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "year",
                 "%ld in a file of year %d; expected %d (the year in the file name)", y, ty->year, ty->year);
    }

    if (cell(t, rec, idx[T_INDICATOR], "indicator", ind) < 0) {
        bad = 1;
    } else if ((tg.indicator = indicator_index(m, ind)) < 0) {
        bad_indicator(t, rec, "indicator", ind);
        bad = 1;
    }

    if (cell(t, rec, idx[T_AMOUNT], "target_amount", amount) == 0 && amount[0]) {
        if (parse_number(amount, &tg.amount) < 0)
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "target_amount",
                     "\"%s\" is not a number; expected a plain number such as 1381282.8",
                     text_shown(amount, sb, sizeof sb));
        else if (tg.amount <= 0)
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "target_amount",
                     "%g; a target amount must be greater than 0", tg.amount);
        tg.has_amount = true; /* given, right or wrong: not "missing" below */
    }

    if (cell(t, rec, idx[T_GROWTH], "target_growth_pct", growth) == 0 && growth[0]) {
        if (parse_number(growth, &tg.growth_pct) < 0)
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "target_growth_pct",
                     "\"%s\" is not a number; expected a percentage such as 8.5",
                     text_shown(growth, sb, sizeof sb));
        else if (tg.indicator >= 0 && !m->indicators[tg.indicator].has_growth)
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "target_growth_pct",
                     "%s carries no growth rate; expected this cell to be empty",
                     m->indicators[tg.indicator].code);
        else if (tg.growth_pct <= -100)
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "target_growth_pct",
                     "%g%% is impossible; a growth target must be greater than -100%%", tg.growth_pct);
        tg.has_growth = true;
    }

    if (!tg.has_amount && !tg.has_growth)
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "target_amount",
                 "neither target_amount nor target_growth_pct is given; expected at least one");

    if (!bad && target_push(ty, cap, &tg) < 0)
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, NULL, "out of memory");
}

/* Reads path into ty (year already set), sorted by (zone, indicator). 0 or -1. */
static int targets_load(const char *path, const master_t *m, target_year_t *ty, diag_list_t *dl) {
    static const char *const cols[T_NCOLS] = {"zone", "year", "indicator", "target_amount",
                                              "target_growth_pct"};
    size_t before = dl->n_errors, cap = 0;
    table_t t;
    csv_record_t rec;
    int idx[T_NCOLS];
    if (table_open(&t, path, dl) < 0) return -1;
    if (map_header(&t, cols, idx, T_NCOLS) == 0) {
        while (table_next(&t, &rec))
            target_row(&t, &rec, idx, m, ty, &cap);
    }
    if (ty->n_targets) qsort(ty->targets, ty->n_targets, sizeof *ty->targets, target_line_cmp);
    for (size_t i = 1; i < ty->n_targets; i++) {
        const target_t *a = &ty->targets[i - 1], *b = &ty->targets[i];
        if (target_cmp(a, b) != 0) continue;
        diag_add(dl, DIAG_ERROR, t.file, b->line, "indicator",
                 "zone %s, indicator %s: a target is given twice, on line %u and line %u; expected one row "
                 "per zone and indicator",
                 b->zone, m->indicators[b->indicator].code, a->line, b->line);
    }
    table_close(&t);
    return dl->n_errors > before ? -1 : 0;
}

/* ---- pacing.csv --------------------------------------------------------------------- */

/* The month of a column named "m01" … "m12", or 0. */
static int month_column(const char *s) {
    if (s[0] != 'm' || s[1] < '0' || s[1] > '1' || s[2] < '0' || s[2] > '9' || s[3]) return 0;
    int mo = (s[1] - '0') * 10 + (s[2] - '0');
    return mo >= 1 && mo <= 12 ? mo : 0;
}

/* Maps the header: col[0] the indicator, col[1..12] the months listed (-1 if not). */
static int pacing_header(const table_t *t, int col[13]) {
    const csv_record_t *h = &t->head;
    char tmp[128], sb[64];
    int rc = 0;
    for (int i = 0; i < 13; i++)
        col[i] = -1;
    for (size_t i = 0; i < h->n_fields; i++) {
        int mo;
        snprintf(tmp, sizeof tmp, "%s", h->fields[i]);
        text_trim(tmp);
        if (!tmp[0]) continue;
        mo = !strcmp(tmp, "indicator") ? 0 : month_column(tmp);
        if (mo == 0 && strcmp(tmp, "indicator") != 0) {
            diag_add(t->dl, DIAG_ERROR, t->file, h->line, text_shown(tmp, sb, sizeof sb),
                     "unknown column \"%s\"; expected indicator and months m01 … m12", sb);
            rc = -1;
        } else if (col[mo] >= 0) {
            diag_add(t->dl, DIAG_ERROR, t->file, h->line, tmp, "column \"%s\" is given twice", tmp);
            rc = -1;
        } else {
            col[mo] = (int)i;
        }
    }
    if (col[0] < 0) {
        diag_add(t->dl, DIAG_ERROR, t->file, h->line, "indicator", "missing column \"indicator\"");
        rc = -1;
    }
    if (col[12] < 0) {
        diag_add(t->dl, DIAG_ERROR, t->file, h->line, "m12",
                 "missing column \"m12\"; the share at year end (1.0) is required");
        rc = -1;
    }
    return rc;
}

static void pacing_row(const table_t *t, const csv_record_t *rec, const int col[13], const master_t *m,
                       rules_t *r) {
    char v[CELL_MAX], sb[96], field[16];
    pacing_t pc;
    int last = 0; /* the last month read, 0 = none yet */
    memset(&pc, 0, sizeof pc);

    if (cell(t, rec, col[0], "indicator", v) < 0) return;
    if ((pc.indicator = indicator_index(m, v)) < 0) { bad_indicator(t, rec, "indicator", v); }
    for (size_t i = 0; pc.indicator >= 0 && i < r->n_pacing; i++) {
        if (r->pacing[i].indicator != pc.indicator) continue;
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "indicator",
                 "%s is listed twice; expected one row per indicator", m->indicators[pc.indicator].code);
        pc.indicator = -1;
    }

    for (int mo = 1; mo <= 12; mo++) {
        double x;
        if (col[mo] < 0) continue;
        snprintf(field, sizeof field, "m%02d", mo);
        if (cell(t, rec, col[mo], field, v) < 0) continue;
        if (!v[0]) {
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, field,
                     "empty; a cumulative share between 0 and 1 is required");
            continue;
        }
        if (parse_number(v, &x) < 0) {
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, field,
                     "\"%s\" is not a number; expected a share between 0 and 1 such as 0.25",
                     text_shown(v, sb, sizeof sb));
            continue;
        }
        if (x < 0 || x > 1) {
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, field,
                     "%g is outside 0..1; expected the cumulative share of the year", x);
            continue;
        }
        if (last && x < pc.share[last])
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, field,
                     "%g falls below m%02d's %g; a cumulative share never decreases", x, last,
                     pc.share[last]);
        else if (mo == 12 && fabs(x - 1.0) > 1e-9)
            diag_add(t->dl, DIAG_ERROR, t->file, rec->line, field,
                     "%g; expected 1 (the whole year by the end of December)", x);
        pc.has[mo] = true;
        pc.share[mo] = x;
        last = mo;
    }

    if (pc.indicator < 0) return;
    pacing_t *p = realloc(r->pacing, (r->n_pacing + 1) * sizeof *p);
    if (!p) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, NULL, "out of memory");
        return;
    }
    r->pacing = p;
    p[r->n_pacing++] = pc;
}

static int pacing_load(const char *path, const master_t *m, rules_t *r, diag_list_t *dl) {
    size_t before = dl->n_errors;
    table_t t;
    csv_record_t rec;
    int col[13];
    if (table_open(&t, path, dl) < 0) return -1;
    if (pacing_header(&t, col) == 0) {
        while (table_next(&t, &rec))
            pacing_row(&t, &rec, col, m, r);
    }
    table_close(&t);
    return dl->n_errors > before ? -1 : 0;
}

/* ---- stars.csv ---------------------------------------------------------------------- */

enum { R_STAR, R_INDICATOR, R_THRESHOLD, R_NCOLS };

static int star_cmp(const void *a, const void *b) {
    const star_rule_t *x = a, *y = b;
    if (x->star != y->star) return (x->star > y->star) - (x->star < y->star);
    return (x->line > y->line) - (x->line < y->line);
}

static void star_row(const table_t *t, const csv_record_t *rec, const int *idx, const master_t *m,
                     rules_t *r) {
    char v[CELL_MAX], sb[96];
    star_rule_t sr;
    long star = -1;
    int bad = 0;
    memset(&sr, 0, sizeof sr);
    sr.line = rec->line;

    if (cell(t, rec, idx[R_STAR], "star", v) < 0) {
        bad = 1;
    } else if (parse_int(v, 0, 1000, &star) < 0) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "star",
                 "\"%s\" is not a star level; expected a whole number 0 (the entry threshold), 1, 2, …",
                 text_shown(v, sb, sizeof sb));
        bad = 1;
    }
    sr.star = (int)star;

    if (cell(t, rec, idx[R_INDICATOR], "indicator", v) < 0) {
        bad = 1;
    } else if ((sr.indicator = indicator_index(m, v)) < 0) {
        bad_indicator(t, rec, "indicator", v);
        bad = 1;
    }

    if (cell(t, rec, idx[R_THRESHOLD], "threshold", v) < 0) {
        bad = 1;
    } else if (parse_number(v, &sr.threshold) < 0) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, "threshold",
                 "\"%s\" is not a number; expected the full-year amount the level requires",
                 text_shown(v, sb, sizeof sb));
        bad = 1;
    }

    if (bad) return;
    star_rule_t *p = realloc(r->stars, (r->n_stars + 1) * sizeof *p);
    if (!p) {
        diag_add(t->dl, DIAG_ERROR, t->file, rec->line, NULL, "out of memory");
        return;
    }
    r->stars = p;
    p[r->n_stars++] = sr;
}

static int stars_load(const char *path, const master_t *m, rules_t *r, diag_list_t *dl) {
    static const char *const cols[R_NCOLS] = {"star", "indicator", "threshold"};
    size_t before = dl->n_errors;
    table_t t;
    csv_record_t rec;
    int idx[R_NCOLS];
    if (table_open(&t, path, dl) < 0) return -1;
    if (map_header(&t, cols, idx, R_NCOLS) == 0) {
        while (table_next(&t, &rec))
            star_row(&t, &rec, idx, m, r);
    }
    table_close(&t);
    if (r->n_stars) qsort(r->stars, r->n_stars, sizeof *r->stars, star_cmp);
    return dl->n_errors > before ? -1 : 0;
}

/* ---- the folder --------------------------------------------------------------------- */

/* The year of a file named exactly prefix + "NNNN.csv", or -1. */
static int file_year(const char *name, const char *prefix) {
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0 || strlen(name) != n + 8 || strcmp(name + n + 4, ".csv") != 0)
        return -1;
    for (size_t i = n; i < n + 4; i++)
        if (name[i] < '0' || name[i] > '9') return -1;
    return atoi(name + n);
}

static int int_cmp(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

typedef struct {
    int *years;
    size_t n, cap;
} years_t;

static int years_push(years_t *y, int year) {
    if (y->n == y->cap) {
        size_t ncap = y->cap ? y->cap * 2 : 8;
        int *p = realloc(y->years, ncap * sizeof *p);
        if (!p) return -1;
        y->years = p;
        y->cap = ncap;
    }
    y->years[y->n++] = year;
    return 0;
}

/* Lists the years of dir's scheme-NNNN.csv and targets-NNNN.csv, each sorted. -1 only
 * when the folder cannot be read; a file name with an impossible year is reported and
 * left out, so the other files are still checked. */
static int list_years(const char *dir, years_t *schemes, years_t *targets, diag_list_t *dl) {
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) {
        diag_add(dl, DIAG_ERROR, dir, 0, NULL, "cannot open the folder: %s", strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        int ys = file_year(e->d_name, "scheme-"), yt = file_year(e->d_name, "targets-");
        int y = ys >= 0 ? ys : yt;
        if (y < 0) continue;
        if (y < RULES_YEAR_MIN || y > RULES_YEAR_MAX)
            diag_add(dl, DIAG_ERROR, e->d_name, 0, NULL, "year %04d in the file name is outside %d..%d", y,
                     RULES_YEAR_MIN, RULES_YEAR_MAX);
        else if (years_push(ys >= 0 ? schemes : targets, y) < 0)
            diag_add(dl, DIAG_ERROR, e->d_name, 0, NULL, "out of memory");
    }
    closedir(d);
    if (schemes->n) qsort(schemes->years, schemes->n, sizeof(int), int_cmp);
    if (targets->n) qsort(targets->years, targets->n, sizeof(int), int_cmp);
    return 0;
}

/* True if path exists; an optional file that does not is simply absent. */
static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 || errno != ENOENT;
}

rules_t *rules_load(const char *dir, const master_t *m, diag_list_t *dl) {
    size_t before = dl->n_errors;
    years_t ys = {0}, yt = {0};
    char path[4096];
    rules_t *r = calloc(1, sizeof *r);
    if (!r) {
        diag_add(dl, DIAG_ERROR, dir, 0, NULL, "out of memory");
        return NULL;
    }
    if (list_years(dir, &ys, &yt, dl) == 0) {
        r->schemes = ys.n ? calloc(ys.n, sizeof *r->schemes) : NULL;
        r->targets = yt.n ? calloc(yt.n, sizeof *r->targets) : NULL;
        if ((ys.n && !r->schemes) || (yt.n && !r->targets)) {
            diag_add(dl, DIAG_ERROR, dir, 0, NULL, "out of memory");
        } else {
            for (size_t i = 0; i < ys.n; i++) {
                scheme_t *s = &r->schemes[r->n_schemes++];
                s->year = ys.years[i];
                snprintf(path, sizeof path, "%s/scheme-%04d.csv", dir, s->year);
                scheme_load(path, m, s, dl);
            }
            for (size_t i = 0; i < yt.n; i++) {
                target_year_t *ty = &r->targets[r->n_targets++];
                ty->year = yt.years[i];
                snprintf(path, sizeof path, "%s/targets-%04d.csv", dir, ty->year);
                targets_load(path, m, ty, dl);
            }
            snprintf(path, sizeof path, "%s/pacing.csv", dir);
            if (exists(path)) pacing_load(path, m, r, dl);
            snprintf(path, sizeof path, "%s/stars.csv", dir);
            if (exists(path)) stars_load(path, m, r, dl);
        }
    }
    free(ys.years);
    free(yt.years);
    if (dl->n_errors > before) rules_destroy(&r);
    return r;
}

void rules_destroy(rules_t **r) {
    if (!r || !*r) return;
    for (size_t i = 0; i < (*r)->n_targets; i++)
        free((*r)->targets[i].targets);
    free((*r)->schemes);
    free((*r)->targets);
    free((*r)->pacing);
    free((*r)->stars);
    free(*r);
    *r = NULL;
}

/* ---- lookups ------------------------------------------------------------------------ */

const scheme_t *rules_scheme(const rules_t *r, int year) {
    for (size_t i = 0; r && i < r->n_schemes; i++)
        if (r->schemes[i].year == year) return &r->schemes[i];
    return NULL;
}

const target_year_t *rules_targets(const rules_t *r, int year) {
    for (size_t i = 0; r && i < r->n_targets; i++)
        if (r->targets[i].year == year) return &r->targets[i];
    return NULL;
}

const target_t *rules_target(const target_year_t *ty, const char *zone, int indicator) {
    target_t key;
    if (!ty || !ty->n_targets || !zone || strlen(zone) >= sizeof key.zone) return NULL;
    memset(&key, 0, sizeof key);
    memcpy(key.zone, zone, strlen(zone) + 1);
    key.indicator = indicator;
    return bsearch(&key, ty->targets, ty->n_targets, sizeof *ty->targets, target_cmp);
}

static const pacing_t *pacing_of(const rules_t *r, int indicator) {
    for (size_t i = 0; r && i < r->n_pacing; i++)
        if (r->pacing[i].indicator == indicator) return &r->pacing[i];
    return NULL;
}

double rules_pace(const rules_t *r, int indicator, period_t p, bool *listed) {
    const pacing_t *pc = pacing_of(r, indicator);
    if (listed) *listed = false;
    if (pc && p.month >= 1 && p.month <= 12 && pc->has[p.month]) {
        if (listed) *listed = true;
        return pc->share[p.month];
    }
    return p.month / 12.0;
}

bool rules_paced(const rules_t *r, int indicator) {
    return pacing_of(r, indicator) != NULL;
}
