/* master.h - master data: reporting units, their zones, the indicator catalogue, and
 * the city-wide reporting policy.
 *
 * Loaded from regions.csv, indicators.csv and (optional) city.csv in a configuration
 * folder. Loading is all-or-nothing: a file with any error yields no master_t, so a
 * daemon reloading on SIGHUP keeps the previous one in force.
 *
 * The policy (when reports are due, whether January is reported on its own) is one
 * for the whole city: the collectors, the aggregator, the scorer and the CLI must agree
 * on it, so it lives with the master data the central office edits and copies to the
 * counties, not in each daemon's configuration.
 */
#ifndef YB_MASTER_H
#define YB_MASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "diag.h"

/* The longest zone and county codes, in bytes of UTF-8, and the size of a buffer that
 * holds one with its NUL. Every struct that carries a code is sized by these, so a
 * code regions.csv accepts fits wherever it travels (reports, acks, events, rankings,
 * alerts, totals, the stores), and the codec refuses a longer one off the wire. */
#define ZONE_CODE_MAX 63
#define ZONE_CODE_SIZE (ZONE_CODE_MAX + 1)
#define COUNTY_CODE_MAX 23 /* 行政区划代码 are 6 digits; a committee's code may be longer */
#define COUNTY_CODE_SIZE (COUNTY_CODE_MAX + 1)

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
    char code[COUNTY_CODE_SIZE]; /* 行政区划代码 or a management committee's code */
    char name[128];
} county_t;

typedef struct {
    char code[ZONE_CODE_SIZE];
    char name[128];
    char county[COUNTY_CODE_SIZE];
    char industries[256];
    int line; /* its row in regions.csv; 0 when it did not come from one */
} zone_t;

/* city.csv: one row per setting (setting,value,note); a setting not listed keeps its
 * default, and without the file every setting has its default. */
typedef struct {
    int deadline_day;   /* 报送截止日: due by this day of the next month, 24:00 Asia/Shanghai; 1..28 */
    bool merge_jan_feb; /* 1-2月合并: no January report; period 2 is "1-2月" */
    char city_name[64]; /* 城市名称, e.g. 鹤壁市: the bulletin's title starts with it; "" none */
    char issuer[128];   /* 制表单位, e.g. 鹤壁市统计局: on the bulletin's cover; "" none */
} master_policy_t;

typedef struct {
    indicator_t *indicators; /* in file order */
    size_t n_indicators;
    zone_t *zones; /* sorted by code */
    size_t n_zones;
    county_t *counties; /* in file order */
    size_t n_counties;
    master_policy_t policy;
    /* master_indicator's index, made by the loader: open addressing on a hash of the
     * code (and of the Chinese name), slot = 1 + the indicator's position, 0 = empty;
     * NULL (a master_t made by hand) searches in order */
    uint32_t *by_code, *by_name;
    size_t hash_slots; /* a power of two, at least twice n_indicators */
} master_t;

/* city.csv's settings: key, type, default, bounds and help of each (config.h). A row's
 * setting is its key or its Chinese name (master_policy_names). */
extern const config_key_t master_policy_keys[];

/* The Chinese name of each setting in master_policy_keys, in the same order. */
extern const char *const master_policy_names[];

/* The policy's deprecated overrides, for one release: a daemon's old deadline_day and
 * merge_jan_feb keys, the CLI's YUEBAO_DEADLINE_DAY. Only what is set overrides. */
typedef struct {
    int deadline_day;
    bool merge_jan_feb;
    bool deadline_day_set, merge_jan_feb_set; /* given (config.h's seen flags) */
} master_policy_override_t;

/* Replaces m's policy values by o's that are set. Returns how many of those differ from
 * what the master folder said, described in note (e.g. "deadline_day 20 instead of the
 * master folder's 10"; "" if none) for the caller to log. */
int master_policy_override(master_t *m, const master_policy_override_t *o, char *note, size_t size);

/* Loads dir/regions.csv, dir/indicators.csv and dir/city.csv if it exists. Returns a
 * new master_t, or NULL with every problem appended to dl as file:line: field: message. */
master_t *master_load(const char *dir, diag_list_t *dl);

/* Same, from explicit file paths, with the policy's defaults (no city.csv). */
master_t *master_load_files(const char *regions_csv, const char *indicators_csv, diag_list_t *dl);

/* Frees *m and sets it to NULL; NULL-safe. */
void master_destroy(master_t **m);

/* The indicator whose code or Chinese name is s, or NULL. */
const indicator_t *master_indicator(const master_t *m, const char *s);

/* The zone with that code (or Chinese name), or NULL. */
const zone_t *master_zone(const master_t *m, const char *s);

/* The reporting unit with that code, or NULL. */
const county_t *master_county(const master_t *m, const char *code);

/* The reporting unit whose code or name (regions.csv's county_name, e.g. 浚县) is s, or
 * NULL: a code first, as master_zone does; what people type on a command line. */
const county_t *master_county_find(const master_t *m, const char *s);

/* Kind as a word: "flow", "stock", "ratio". */
const char *indicator_kind_name(indicator_kind_t k);

#endif
