/* master.c - regions.csv, indicators.csv and city.csv into master_t (see master.h).
 *
 * The files are small (tens to thousands of rows) and read at start and on SIGHUP,
 * so loading favours clear messages over speed; lookups by zone use binary search
 * because the aggregator does one per report.
 *
 * city.csv is a settings table for the people who edit the other files in Excel or WPS:
 * a header "setting,value,note", then one row per setting, named by its key or its
 * Chinese name (报送截止日), a yes/no value written yes or 是 alike. Values go through
 * the same table and checks as a daemon's configuration (util/config.h), so the
 * bounds are stated once.
 */
#include "master.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

#define MASTER_MAX_BYTES (8u << 20)

const char *indicator_kind_name(indicator_kind_t k) {
    switch (k) {
    case KIND_FLOW: return "flow";
    case KIND_STOCK: return "stock";
    case KIND_RATIO: return "ratio";
    }
    return "?";
}

/* Column index of each wanted header, -1 when absent; records an error per missing one. */
static int map_header(const csv_record_t *h, const char *const *want, int *idx, size_t n_want,
                      size_t n_required, const char *file, diag_list_t *dl) {
    int ok = 0;
    for (size_t w = 0; w < n_want; w++) {
        idx[w] = -1;
        for (size_t i = 0; i < h->n_fields; i++) {
            char tmp[128];
            snprintf(tmp, sizeof tmp, "%s", h->fields[i]);
            if (strcmp(text_trim(tmp), want[w]) == 0) idx[w] = (int)i;
        }
        if (idx[w] < 0 && w < n_required) {
            diag_add(dl, DIAG_ERROR, file, h->line, want[w], _("missing column \"%s\""), want[w]);
            ok = -1;
        }
    }
    return ok;
}

/* Copies field into dst (size), trimmed; error if empty (when required) or too long. */
static int take(char *dst, size_t size, const csv_record_t *rec, int col, bool required, const char *file,
                const char *name, diag_list_t *dl) {
    const char *v = col >= 0 && (size_t)col < rec->n_fields ? rec->fields[col] : "";
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", v);
    text_trim(tmp);
    if (required && !tmp[0]) {
        diag_add(dl, DIAG_ERROR, file, rec->line, name, _("empty; a value is required"));
        return -1;
    }
    if (strlen(tmp) >= size) {
        char shown[48];
        diag_add(dl, DIAG_ERROR, file, rec->line, name, _("\"%s\" is %zu bytes, longer than the %zu allowed"),
                 text_shown(tmp, shown, sizeof shown), strlen(tmp), size - 1);
        return -1;
    }
    memcpy(dst, tmp, strlen(tmp) + 1);
    return 0;
}

typedef int (*row_fn)(void *arg, const csv_record_t *rec, const int *idx, const char *file, diag_list_t *dl);

static int read_table(void *arg, const char *path, const char *const *cols, size_t n_cols, size_t n_required,
                      row_fn fn, diag_list_t *dl) {
    const char *file = util_basename(path);
    char *text = NULL, err[512];
    size_t len, before = dl->n_errors;
    csv_reader_t *r;
    csv_record_t rec;
    int idx[16], rc;
    if (text_load_file(path, MASTER_MAX_BYTES, &text, &len, NULL, err, sizeof err) < 0) {
        diag_add(dl, DIAG_ERROR, file, 0, NULL, "%s", err);
        return -1;
    }
    r = csv_open(text, len);
    if (!r) {
        free(text);
        diag_add(dl, DIAG_ERROR, file, 0, NULL, _("out of memory"));
        return -1;
    }
    rc = csv_next(r, &rec, err, sizeof err);
    if (rc <= 0) {
        diag_add(dl, DIAG_ERROR, file, 0, NULL, "%s", rc == 0 ? _("empty file: a header row is expected") : err);
    } else if (map_header(&rec, cols, idx, n_cols, n_required, file, dl) == 0) {
        while ((rc = csv_next(r, &rec, err, sizeof err)) == 1)
            fn(arg, &rec, idx, file, dl);
        if (rc < 0) diag_add(dl, DIAG_ERROR, file, 0, NULL, "%s", err);
    }
    csv_close(&r);
    free(text);
    return dl->n_errors > before ? -1 : 0;
}

static int indicator_row(void *arg, const csv_record_t *rec, const int *idx, const char *file,
                         diag_list_t *dl) {
    master_t *m = arg;
    indicator_t ind;
    char kind[16], dir[8], growth[8];
    int bad = 0;
    memset(&ind, 0, sizeof ind);
    bad |= take(ind.code, sizeof ind.code, rec, idx[0], true, file, "code", dl);
    bad |= take(ind.name_zh, sizeof ind.name_zh, rec, idx[1], true, file, "name_zh", dl);
    bad |= take(ind.name_en, sizeof ind.name_en, rec, idx[2], false, file, "name_en", dl);
    bad |= take(ind.unit, sizeof ind.unit, rec, idx[3], false, file, "unit", dl);
    bad |= take(kind, sizeof kind, rec, idx[4], true, file, "kind", dl);
    bad |= take(dir, sizeof dir, rec, idx[5], true, file, "direction", dl);
    bad |= take(growth, sizeof growth, rec, idx[6], true, file, "has_growth", dl);
    if (bad) return -1;
    if (!strcmp(kind, "flow"))
        ind.kind = KIND_FLOW;
    else if (!strcmp(kind, "stock"))
        ind.kind = KIND_STOCK;
    else if (!strcmp(kind, "ratio"))
        ind.kind = KIND_RATIO;
    else {
        diag_add(dl, DIAG_ERROR, file, rec->line, "kind", _("\"%s\": expected flow, stock or ratio"), kind);
        return -1;
    }
    if (!strcmp(dir, "1") || !strcmp(dir, "+1"))
        ind.direction = 1;
    else if (!strcmp(dir, "-1"))
        ind.direction = -1;
    else {
        diag_add(dl, DIAG_ERROR, file, rec->line, "direction", _("\"%s\": expected 1 or -1"), dir);
        return -1;
    }
    if (!strcmp(growth, "yes") || !strcmp(growth, "1") || !strcmp(growth, "true"))
        ind.has_growth = true;
    else if (!strcmp(growth, "no") || !strcmp(growth, "0") || !strcmp(growth, "false"))
        ind.has_growth = false;
    else {
        diag_add(dl, DIAG_ERROR, file, rec->line, "has_growth", _("\"%s\": expected yes or no"), growth);
        return -1;
    }
    ind.percent = strcmp(ind.unit, "%") == 0;
    for (size_t i = 0; i < m->n_indicators; i++) {
        if (!strcmp(m->indicators[i].code, ind.code) || !strcmp(m->indicators[i].name_zh, ind.name_zh)) {
            diag_add(dl, DIAG_ERROR, file, rec->line, "code", _("indicator \"%s\" (%s) is listed twice"),
                     ind.code, ind.name_zh);
            return -1;
        }
    }
    indicator_t *p = realloc(m->indicators, (m->n_indicators + 1) * sizeof *p);
    if (!p) {
        diag_add(dl, DIAG_ERROR, file, rec->line, NULL, _("out of memory"));
        return -1;
    }
    m->indicators = p;
    p[m->n_indicators++] = ind;
    return 0;
}

static int region_row(void *arg, const csv_record_t *rec, const int *idx, const char *file, diag_list_t *dl) {
    master_t *m = arg;
    zone_t z;
    county_t c;
    int bad = 0;
    memset(&z, 0, sizeof z);
    memset(&c, 0, sizeof c);
    bad |= take(c.code, sizeof c.code, rec, idx[0], true, file, "county", dl);
    bad |= take(c.name, sizeof c.name, rec, idx[1], true, file, "county_name", dl);
    bad |= take(z.code, sizeof z.code, rec, idx[2], true, file, "zone", dl);
    bad |= take(z.name, sizeof z.name, rec, idx[3], true, file, "zone_name", dl);
    bad |= take(z.industries, sizeof z.industries, rec, idx[4], false, file, "lead_industries", dl);
    if (bad) return -1;
    memcpy(z.county, c.code, sizeof z.county);
    z.line = rec->line; /* a zone listed twice is found once all are read (twice_listed) */
    size_t ci;
    for (ci = 0; ci < m->n_counties; ci++) {
        if (!strcmp(m->counties[ci].code, c.code)) break;
    }
    if (ci < m->n_counties && strcmp(m->counties[ci].name, c.name) != 0) {
        diag_add(dl, DIAG_ERROR, file, rec->line, "county_name",
                 _("county %s is named \"%s\" here but \"%s\" above"), c.code, c.name, m->counties[ci].name);
        return -1;
    }
    if (ci == m->n_counties) {
        county_t *p = realloc(m->counties, (m->n_counties + 1) * sizeof *p);
        if (!p) return -1;
        m->counties = p;
        p[m->n_counties++] = c;
    }
    zone_t *p = realloc(m->zones, (m->n_zones + 1) * sizeof *p);
    if (!p) return -1;
    m->zones = p;
    p[m->n_zones++] = z;
    return 0;
}

/* ---- city.csv: the city-wide policy ------------------------------------------------ */

const config_key_t master_policy_keys[] = {
    CONFIG_NUMBER("city", master_policy_t, deadline_day, CONF_INT, "10", 1, 28,
                  N_("报送截止日: reports are due by this day of the next month, 24:00 Asia/Shanghai (a day "
                  "every month has)")),
    CONFIG_BOOL("city", master_policy_t, merge_jan_feb, "yes",
                N_("1-2月合并: January and February reported together as period 02 (1-2月), no January report")),
    CONFIG_TEXT("city", master_policy_t, city_name, CONF_STRING, "", 0,
                N_("城市名称: the city's name, e.g. 鹤壁市; the printed bulletin's title starts with it")),
    CONFIG_TEXT("city", master_policy_t, issuer, CONF_STRING, "", 0,
                N_("制表单位: who issues the bulletin, e.g. 鹤壁市统计局; printed on its cover")),
    {NULL},
};
const char *const master_policy_names[] = {"报送截止日", "1-2月合并", "城市名称", "制表单位"};

#define N_POLICY (sizeof master_policy_names / sizeof master_policy_names[0])

typedef struct {
    master_t *m;
    int line[N_POLICY]; /* where each setting was given, 0 = not yet */
} policy_reader_t;

static int policy_row(void *arg, const csv_record_t *rec, const int *idx, const char *file, diag_list_t *dl) {
    policy_reader_t *r = arg;
    char setting[64], value[256], err[512];
    size_t i;
    if (take(setting, sizeof setting, rec, idx[0], true, file, "setting", dl) < 0 ||
        take(value, sizeof value, rec, idx[1], true, file, "value", dl) < 0)
        return -1;
    for (i = 0; i < N_POLICY; i++)
        if (!strcmp(setting, master_policy_keys[i].key) || !strcmp(setting, master_policy_names[i])) break;
    if (i == N_POLICY) {
        diag_add(dl, DIAG_ERROR, file, rec->line, "setting",
                 _("unknown setting \"%s\"; expected deadline_day (报送截止日), merge_jan_feb (1-2月合并), "
                   "city_name (城市名称) or issuer (制表单位)"),
                 setting);
        return -1;
    }
    if (r->line[i]) {
        diag_add(dl, DIAG_ERROR, file, rec->line, "setting", _("%s is set twice (first on line %d)"),
                 master_policy_keys[i].key, r->line[i]);
        return -1;
    }
    r->line[i] = rec->line;
    if (master_policy_keys[i].type == CONF_BOOL && (!strcmp(value, "是") || !strcmp(value, "否")))
        snprintf(value, sizeof value, "%s", !strcmp(value, "是") ? "yes" : "no");
    if (config_set(master_policy_keys, &r->m->policy, master_policy_keys[i].key, value, err, sizeof err) <
        0) {
        diag_add(dl, DIAG_ERROR, file, rec->line, "value", "%s", err);
        return -1;
    }
    return 0;
}

/* Sets the policy's defaults, then path's settings if the file exists. */
static int read_policy(master_t *m, const char *path, diag_list_t *dl) {
    static const char *const cols[] = {"setting", "value", "note"};
    policy_reader_t r;
    char err[512];
    if (config_defaults(master_policy_keys, &m->policy, err, sizeof err) < 0) {
        diag_add(dl, DIAG_ERROR, util_basename(path ? path : "city.csv"), 0, NULL, "%s", err);
        return -1;
    }
    if (!path || (access(path, F_OK) < 0 && errno == ENOENT)) return 0;
    memset(&r, 0, sizeof r);
    r.m = m;
    return read_table(&r, path, cols, 3, 2, policy_row, dl);
}

int master_policy_override(master_t *m, const master_policy_override_t *o, char *note, size_t size) {
    int n = 0;
    size_t len = 0;
    note[0] = '\0';
    if (o->deadline_day_set) {
        if (o->deadline_day != m->policy.deadline_day) {
            snprintf(note, size, _("deadline_day %d instead of the master folder's %d"), o->deadline_day,
                     m->policy.deadline_day);
            len = strlen(note);
            n++;
        }
        m->policy.deadline_day = o->deadline_day;
    }
    if (o->merge_jan_feb_set) {
        if (o->merge_jan_feb != m->policy.merge_jan_feb) {
            snprintf(note + len, size - len, _("%smerge_jan_feb %s instead of the master folder's %s"),
                     n ? "; " : "", o->merge_jan_feb ? "yes" : "no", m->policy.merge_jan_feb ? "yes" : "no");
            n++;
        }
        m->policy.merge_jan_feb = o->merge_jan_feb;
    }
    return n;
}

/* ---- loading ------------------------------------------------------------------------ */

static int zone_cmp(const void *a, const void *b) {
    return strcmp(((const zone_t *)a)->code, ((const zone_t *)b)->code);
}

/* By code, then by the line it came from. */
static int zone_line_cmp(const void *a, const void *b) {
    const zone_t *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Sorts the zones by code and names every row that repeats a zone listed above it: -1
 * when one does. One sort instead of a scan of every earlier row per row (10 000 zones
 * were 50 million comparisons at every start). */
static int twice_listed(master_t *m, const char *regions_csv, diag_list_t *dl) {
    int rc = 0;
    if (m->n_zones < 2) return 0; /* qsort's array may not be NULL, even for none */
    qsort(m->zones, m->n_zones, sizeof *m->zones, zone_line_cmp);
    for (size_t i = 1; i < m->n_zones; i++)
        if (!strcmp(m->zones[i].code, m->zones[i - 1].code)) {
            diag_add(dl, DIAG_ERROR, util_basename(regions_csv), m->zones[i].line, "zone",
                     _("zone \"%s\" is listed twice; a zone belongs to exactly one county"), m->zones[i].code);
            rc = -1;
        }
    return rc;
}

/* The three files; city_csv NULL: the policy's defaults. */
static uint32_t text_hash(const char *s) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

/* The indicator whose code (by_name: Chinese name) is s, through the index. */
static const indicator_t *indexed(const master_t *m, const uint32_t *slots, bool by_name, const char *s) {
    size_t mask = m->hash_slots - 1;
    for (size_t i = text_hash(s) & mask;; i = (i + 1) & mask) {
        const indicator_t *ind;
        if (!slots[i]) return NULL;
        ind = &m->indicators[slots[i] - 1];
        if (!strcmp(by_name ? ind->name_zh : ind->code, s)) return ind;
    }
}

/* Makes m's indicator index; without it (out of memory) lookups search in order. */
static void index_indicators(master_t *m) {
    size_t slots = 16;
    while (slots < 2 * m->n_indicators)
        slots *= 2;
    m->by_code = calloc(slots, sizeof *m->by_code);
    m->by_name = calloc(slots, sizeof *m->by_name);
    if (!m->by_code || !m->by_name) {
        free(m->by_code);
        free(m->by_name);
        m->by_code = m->by_name = NULL;
        return;
    }
    m->hash_slots = slots;
    for (size_t k = 0; k < m->n_indicators; k++) {
        size_t i = text_hash(m->indicators[k].code) & (slots - 1);
        while (m->by_code[i])
            i = (i + 1) & (slots - 1);
        m->by_code[i] = (uint32_t)k + 1;
        i = text_hash(m->indicators[k].name_zh) & (slots - 1);
        while (m->by_name[i])
            i = (i + 1) & (slots - 1);
        m->by_name[i] = (uint32_t)k + 1;
    }
}

static master_t *load(const char *regions_csv, const char *indicators_csv, const char *city_csv,
                      diag_list_t *dl) {
    static const char *const region_cols[] = {"county", "county_name", "zone", "zone_name",
                                              "lead_industries"};
    static const char *const indicator_cols[] = {"code", "name_zh",   "name_en",   "unit",
                                                 "kind", "direction", "has_growth"};
    master_t *m = calloc(1, sizeof *m);
    int rc = 0;
    if (!m) return NULL;
    /* lead_industries (the last region column) is optional */
    rc |= read_table(m, regions_csv, region_cols, 5, 4, region_row, dl);
    rc |= twice_listed(m, regions_csv, dl);
    rc |= read_table(m, indicators_csv, indicator_cols, 7, 7, indicator_row, dl);
    rc |= read_policy(m, city_csv, dl);
    if (rc == 0 && m->n_zones == 0) {
        diag_add(dl, DIAG_ERROR, util_basename(regions_csv), 0, NULL, _("no zones listed"));
        rc = -1;
    }
    if (rc == 0 && m->n_indicators == 0) {
        diag_add(dl, DIAG_ERROR, util_basename(indicators_csv), 0, NULL, _("no indicators listed"));
        rc = -1;
    }
    if (rc) {
        master_destroy(&m);
        return NULL;
    }
    index_indicators(m);
    return m; /* zones sorted by code: twice_listed */
}

master_t *master_load_files(const char *regions_csv, const char *indicators_csv, diag_list_t *dl) {
    return load(regions_csv, indicators_csv, NULL, dl);
}

master_t *master_load(const char *dir, diag_list_t *dl) {
    char regions[4096], indicators[4096], city[4096];
    snprintf(regions, sizeof regions, "%s/regions.csv", dir);
    snprintf(indicators, sizeof indicators, "%s/indicators.csv", dir);
    snprintf(city, sizeof city, "%s/city.csv", dir);
    return load(regions, indicators, city, dl);
}

void master_destroy(master_t **m) {
    if (!m || !*m) return;
    free((*m)->by_code);
    free((*m)->by_name);
    free((*m)->indicators);
    free((*m)->zones);
    free((*m)->counties);
    free(*m);
    *m = NULL;
}

const indicator_t *master_indicator(const master_t *m, const char *s) {
    if (m->by_code) {
        const indicator_t *ind = indexed(m, m->by_code, false, s);
        return ind ? ind : indexed(m, m->by_name, true, s);
    }
    for (size_t i = 0; i < m->n_indicators; i++)
        if (!strcmp(m->indicators[i].code, s)) return &m->indicators[i];
    for (size_t i = 0; i < m->n_indicators; i++)
        if (!strcmp(m->indicators[i].name_zh, s)) return &m->indicators[i];
    return NULL;
}

const zone_t *master_zone(const master_t *m, const char *s) {
    zone_t key;
    const zone_t *z;
    if (strlen(s) < sizeof key.code) {
        memcpy(key.code, s, strlen(s) + 1);
        z = bsearch(&key, m->zones, m->n_zones, sizeof *m->zones, zone_cmp);
        if (z) return z;
    }
    for (size_t i = 0; i < m->n_zones; i++)
        if (!strcmp(m->zones[i].name, s)) return &m->zones[i];
    return NULL;
}

const county_t *master_county(const master_t *m, const char *code) {
    for (size_t i = 0; i < m->n_counties; i++)
        if (!strcmp(m->counties[i].code, code)) return &m->counties[i];
    return NULL;
}

const county_t *master_county_find(const master_t *m, const char *s) {
    const county_t *c = master_county(m, s);
    for (size_t i = 0; !c && i < m->n_counties; i++)
        if (!strcmp(m->counties[i].name, s)) c = &m->counties[i];
    return c;
}
