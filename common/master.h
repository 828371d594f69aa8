/* master.h - master data: reporting units, their zones, and the indicator catalogue.
 *
 * Loaded from regions.csv and indicators.csv in a configuration folder. Loading is
 * all-or-nothing: a file with any error yields no master_t, so a daemon reloading on
 * SIGHUP keeps the previous one in force.
 */
#ifndef YB_MASTER_H
#define YB_MASTER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef enum { KIND_FLOW = 0, KIND_STOCK, KIND_RATIO } indicator_kind_t;

typedef struct {
    char code[48];
    char name_zh[128];
    char name_en[128];
    char unit[48];
    indicator_kind_t kind;
    int direction;   /* 1 more is better, -1 less is better */
    bool has_growth; /* reports carry the YoY growth % */
    bool percent;    /* unit is "%": the amount must lie in 0..100 */
} indicator_t;

typedef struct {
    char code[24]; /* 行政区划代码 or a management committee's code */
    char name[128];
} county_t;

typedef struct {
    char code[64];
    char name[128];
    char county[24];
    char industries[256];
} zone_t;

typedef struct {
    indicator_t *indicators; /* in file order */
    size_t n_indicators;
    zone_t *zones; /* sorted by code */
    size_t n_zones;
    county_t *counties; /* in file order */
    size_t n_counties;
} master_t;

/* Loads dir/regions.csv and dir/indicators.csv. Returns a new master_t, or NULL with
 * every problem appended to dl as file:line: field: message. */
master_t *master_load(const char *dir, diag_list_t *dl);

/* Same, from explicit file paths. */
master_t *master_load_files(const char *regions_csv, const char *indicators_csv, diag_list_t *dl);

/* Frees *m and sets it to NULL; NULL-safe. */
void master_destroy(master_t **m);

/* The indicator whose code or Chinese name is s, or NULL. */
const indicator_t *master_indicator(const master_t *m, const char *s);

/* The zone with that code (or Chinese name), or NULL. */
const zone_t *master_zone(const master_t *m, const char *s);

/* The reporting unit with that code, or NULL. */
const county_t *master_county(const master_t *m, const char *code);

/* Kind as a word: "flow", "stock", "ratio". */
const char *indicator_kind_name(indicator_kind_t k);

#endif
