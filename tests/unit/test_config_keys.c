/* test_config_keys.c - the daemons' and the CLI's key tables, and the shipped ini files
 * against them.
 *
 * Each daemon's _config.c is mostly its table (config.h). These tests hold every table
 * to its own rules (each default parses and lies within its row's bounds), pin the
 * defaults and limits the daemons have always had, and read every example ini file
 * under deploy/ with the table of the daemon it is for: a key the table does not know,
 * or a value it refuses, fails here before an operator meets it.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../aggregator/aggregator.h" /* -Icommon only */
#include "../../collector/collector.h"
#include "../../cli/cli.h"
#include "../../scorer/scorer.h"
#include "../../web/web_server.h"
#include "config.h"

typedef struct {
    const char *name; /* the program (its section), and its ini file's base name */
    const config_key_t *keys;
    size_t size;        /* of its config struct */
    const char *master; /* its key naming the master folder */
    size_t min_rows;    /* its table has at least this many rows */
} program_t;

static const program_t programs[] = {
    {"aggregator", aggregator_config_keys, sizeof(aggregator_config_t), "master_dir", 11},
    {"collector", collector_config_keys, sizeof(collector_config_t), "master_dir", 11},
    {"scorer", scorer_config_keys, sizeof(scorer_config_t), "master_dir", 11},
    {"web", web_config_keys, sizeof(web_config_t), "master", 20},
    {"yuebao", cli_config_keys, sizeof(cli_config_t), "master", 10}, /* the operator's CLI */
};
#define N_PROGRAMS (sizeof programs / sizeof programs[0])

static char err[1024];

static const program_t *program_named(const char *name) {
    for (size_t i = 0; i < N_PROGRAMS; i++)
        if (!strcmp(programs[i].name, name)) return &programs[i];
    return NULL;
}

/* A zeroed config struct of p's with its table's defaults set. */
static void *defaults(const program_t *p) {
    void *base = calloc(1, p->size);
    cr_assert_not_null(base);
    cr_assert_eq(config_defaults(p->keys, base, err, sizeof err), 0, "%s: %s", p->name, err);
    return base;
}

Test(config_keys, every_default_parses_and_lies_within_its_bounds) {
    for (size_t i = 0; i < N_PROGRAMS; i++) {
        size_t n = 0;
        free(defaults(&programs[i])); /* config_defaults refuses a row that breaks its own bounds */
        for (const config_key_t *k = programs[i].keys; k->key; k++, n++) {
            cr_assert_str_eq(k->section, programs[i].name, "%s: its section", k->key);
            cr_assert(k->help && k->help[0], "%s.%s: a help line", programs[i].name, k->key);
            if (k->def && (k->type == CONF_INT || k->type == CONF_MS || k->type == CONF_DOUBLE)) {
                double v = strtod(k->def, NULL);
                cr_assert(v >= k->min && v <= k->max, "%s.%s: default %s outside %g..%g", programs[i].name,
                          k->key, k->def, k->min, k->max);
            }
        }
        cr_assert_geq(n, programs[i].min_rows, "%s: a table of %zu rows", programs[i].name, n);
    }
}

/* The defaults every daemon had before its keys became a table, by hand. */
Test(config_keys, the_defaults_are_the_daemons_own) {
    aggregator_config_t *a = defaults(program_named("aggregator"));
    collector_config_t *c = defaults(program_named("collector"));
    scorer_config_t *s = defaults(program_named("scorer"));

    cr_assert_str_eq(a->master_dir, "");
    cr_assert_str_eq(a->store, "reports.db");
    cr_assert_str_eq(a->listen, "tcp://127.0.0.1:7301");
    cr_assert_str_eq(a->publish, "tcp://127.0.0.1:7302");
    cr_assert_str_eq(a->snapshot, "tcp://127.0.0.1:7305");
    cr_assert_not(a->policy.deadline_day_set, "deprecated: city.csv's unless given");
    cr_assert_not(a->policy.merge_jan_feb_set);
    cr_assert_eq(a->batch_max, 512);
    cr_assert_eq(a->heartbeat_ms, 1000);
    cr_assert_str_eq(a->key, "");
    cr_assert_float_eq(a->rate_limit, 100, 1e-12);
    cr_assert_eq(a->rate_burst, 5000);
    cr_assert_not(a->allow_zone_removal);
    cr_assert_eq(a->clock_skew_s, 600);

    cr_assert_str_eq(c->county, "");
    cr_assert_str_eq(c->aggregator, "tcp://127.0.0.1:7301");
    cr_assert_str_eq(c->inbox, "inbox");
    cr_assert_str_eq(c->done, "done");
    cr_assert_str_eq(c->rejected, "rejected");
    cr_assert_str_eq(c->outbox, "outbox.db");
    cr_assert_eq(c->window, 32);
    cr_assert_eq(c->retry_min_ms, 2000);
    cr_assert_eq(c->retry_max_ms, 30000);
    cr_assert_eq(c->settle_ms, 300);
    cr_assert_not(c->policy.merge_jan_feb_set);
    cr_assert_eq(c->keep_settled_days, 400);
    cr_assert_eq(c->reconcile_interval_s, 3600);

    cr_assert_str_eq(s->rules_dir, "", "master_dir's, once that is known");
    cr_assert_str_eq(s->store, "reports.db");
    cr_assert_str_eq(s->scores, "scores.db");
    cr_assert_str_eq(s->events, "tcp://127.0.0.1:7302");
    cr_assert_str_eq(s->publish, "tcp://127.0.0.1:7303");
    cr_assert_str_eq(s->snapshot, "tcp://127.0.0.1:7304");
    cr_assert_not(s->policy.merge_jan_feb_set);
    cr_assert_str_eq(s->method, "efficacy");
    cr_assert_float_eq(s->equal_score, 100, 1e-12);
    cr_assert_float_eq(s->missing_score, 0, 1e-12);
    cr_assert_float_eq(s->pace_warning_pp, -2, 1e-12);
    cr_assert_float_eq(s->pace_critical_pp, -5, 1e-12);
    cr_assert_float_eq(s->growth_warning_pp, -1, 1e-12);
    cr_assert_float_eq(s->growth_critical_pp, -3, 1e-12);
    cr_assert_float_eq(s->level_critical_pct, 10, 1e-12);
    cr_assert_str_eq(s->reporting_since, "");
    cr_assert_not(s->policy.deadline_day_set);
    cr_assert_eq(s->coalesce_ms, 200);
    cr_assert_eq(s->coalesce_max_ms, 2000);
    cr_assert_eq(s->heartbeat_ms, 1000);
    cr_assert_eq(s->silence_ms, 5000);
    cr_assert_eq(s->check_ms, 60000);
    free(a);
    free(c);
    free(s);
}

/* The city-wide policy's defaults, as the daemons' own were before it moved to city.csv. */
Test(config_keys, the_policy_defaults_are_the_daemons_old_ones) {
    master_policy_t p;
    memset(&p, 0, sizeof p);
    cr_assert_eq(config_defaults(master_policy_keys, &p, err, sizeof err), 0, "%s", err);
    cr_assert_eq(p.deadline_day, 10);
    cr_assert(p.merge_jan_feb);
    cr_assert_eq(config_set(master_policy_keys, &p, "deadline_day", "28", err, sizeof err), 0, "%s", err);
    cr_assert_eq(config_set(master_policy_keys, &p, "deadline_day", "29", err, sizeof err), -1);
    cr_assert_str_eq(err, "deadline_day 29: expected 1..28");
}

/* A deprecated key still works for one release: taken, held to the old bounds, flagged. */
Test(config_keys, the_deprecated_keys_still_override) {
    const program_t *p = program_named("aggregator");
    aggregator_config_t *a = defaults(p);
    scorer_config_t *s = defaults(program_named("scorer"));
    collector_config_t *c = defaults(program_named("collector"));
    cr_assert_eq(config_set(p->keys, a, "deadline_day", "20", err, sizeof err), 0, "%s", err);
    cr_assert(a->policy.deadline_day_set);
    cr_assert_eq(a->policy.deadline_day, 20);
    cr_assert_eq(config_set(p->keys, a, "deadline_day", "31", err, sizeof err), -1);
    cr_assert_str_eq(err, "deadline_day 31: expected 1..28");
    cr_assert_eq(config_set(p->keys, a, "merge_jan_feb", "no", err, sizeof err), 0, "%s", err);
    cr_assert(a->policy.merge_jan_feb_set);
    cr_assert_not(a->policy.merge_jan_feb);
    cr_assert_eq(config_set(scorer_config_keys, s, "deadline_day", "12", err, sizeof err), 0, "%s", err);
    cr_assert(s->policy.deadline_day_set && s->policy.deadline_day == 12);
    cr_assert_not(s->policy.merge_jan_feb_set);
    cr_assert_eq(config_set(collector_config_keys, c, "merge_jan_feb", "off", err, sizeof err), 0, "%s", err);
    cr_assert(c->policy.merge_jan_feb_set && !c->policy.merge_jan_feb);
    cr_assert_eq(config_set(collector_config_keys, c, "deadline_day", "12", err, sizeof err), -1,
                 "the collector never had deadline_day");
    free(a);
    free(s);
    free(c);
}

/* The limits each daemon checked by hand before, now rows' bounds: the last value
 * taken and the first refused on each side. */
Test(config_keys, the_limits_are_the_daemons_own) {
    static const struct {
        const char *program, *key, *ok, *refused;
    } edges[] = {
        {"aggregator", "batch_max", "1", "0"},
        {"aggregator", "batch_max", "100000", "100001"},
        {"aggregator", "deadline_day", "1", "0"},
        {"aggregator", "deadline_day", "28", "29"},
        {"aggregator", "clock_skew_s", "0", "-1"},
        {"aggregator", "clock_skew_s", "86400", "86401"},
        {"aggregator", "heartbeat_ms", "10", "9"},
        {"aggregator", "rate_limit", "0", "-0.001"},
        {"aggregator", "rate_burst", "1", "0"},
        {"collector", "window", "1", "0"},
        {"collector", "window", "10000", "10001"},
        {"collector", "retry_min_ms", "10", "9"},
        {"collector", "settle_ms", "0", "-1"},
        {"collector", "keep_settled_days", "0", "-1"},
        {"collector", "keep_settled_days", "36500", "36501"},
        {"collector", "reconcile_interval_s", "1", "0"},
        {"scorer", "level_critical_pct", "0", "-0.5"},
        {"scorer", "level_critical_pct", "100", "100.5"},
        {"scorer", "deadline_day", "28", "29"},
        {"scorer", "coalesce_ms", "0", "-1"},
        {"scorer", "heartbeat_ms", "10", "9"},
        {"scorer", "check_ms", "100", "99"},
        {"scorer", "pace_warning_pp", "-1000", "x"},
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        const program_t *p = program_named(edges[i].program);
        void *base = defaults(p);
        cr_assert_eq(config_set(p->keys, base, edges[i].key, edges[i].ok, err, sizeof err), 0, "%s %s=%s: %s",
                     p->name, edges[i].key, edges[i].ok, err);
        cr_assert_eq(config_set(p->keys, base, edges[i].key, edges[i].refused, err, sizeof err), -1,
                     "%s %s=%s is refused", p->name, edges[i].key, edges[i].refused);
        cr_assert_not_null(strstr(err, edges[i].key), "\"%s\" names the key", err);
        free(base);
    }
}

/* The collector's county holds the longest code regions.csv takes, and no more. */
Test(config_keys, the_collector_county_is_a_county_code) {
    char code[COUNTY_CODE_SIZE + 1];
    collector_config_t *c = defaults(program_named("collector"));
    memset(code, '4', COUNTY_CODE_MAX);
    code[COUNTY_CODE_MAX] = '\0';
    cr_assert_eq(config_set(collector_config_keys, c, "county", code, err, sizeof err), 0, "%s", err);
    cr_assert_eq(strlen(c->county), 23);
    strcat(code, "4");
    cr_assert_eq(config_set(collector_config_keys, c, "county", code, err, sizeof err), -1);
    cr_assert_str_eq(err, "county: longer than 23 bytes");
    free(c);
}

/* What one row cannot judge stays with the daemon, after the table. */
Test(config_keys, cross_key_checks_stay_with_the_daemon) {
    collector_config_t c;
    scorer_config_t s;
    aggregator_config_t a;
    int first;
    char *col[] = {"yuebao-collector", "--set", "county=410602",   "--set", "master_dir=/nowhere", "--set",
                   "retry_min_ms=500", "--set", "retry_max_ms=400"};
    char *sco[] = {"yuebao-scorer",     "--set", "master_dir=/nowhere", "--set",
                   "heartbeat_ms=1000", "--set", "silence_ms=1999"};
    char *agg[] = {"yuebao-aggregator", "--set", "master_dir=/nowhere", "--set", "publish="};
    char *agg_none[] = {"yuebao-aggregator", "--set", "store=x.db"};
    cr_assert_eq(collector_config_load(&c, 9, col, false, &first), -1, "retry_max_ms below retry_min_ms");
    col[8] = "retry_max_ms=500";
    cr_assert_eq(collector_config_load(&c, 9, col, false, &first), 0);
    cr_assert_eq(c.retry_max_ms, 500);
    cr_assert_eq(scorer_config_load(&s, 7, sco), -1, "silence_ms below 2 x heartbeat_ms");
    sco[6] = "silence_ms=2000";
    cr_assert_eq(scorer_config_load(&s, 7, sco), 0);
    cr_assert_str_eq(s.rules_dir, "/nowhere", "rules_dir defaults to master_dir");
    cr_assert_eq(aggregator_config_load(&a, 5, agg), 0);
    cr_assert_str_eq(a.snapshot, "", "no publish: no snapshot either");
    cr_assert_eq(aggregator_config_load(&a, 3, agg_none), -1, "master_dir is required");
}

/* The text field key of p's struct at base. */
static const char *field(const program_t *p, const void *base, const char *key) {
    for (const config_key_t *k = p->keys; k->key; k++)
        if (!strcmp(k->key, key)) return (const char *)base + k->offset;
    cr_assert_fail("%s has no key %s", p->name, key);
    return NULL;
}

/* Reads every *.ini in dir with the table its name says (but notify.ini); returns how
 * many. */
static int read_inis(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    cr_assert_not_null(d, "%s", dir);
    while ((e = readdir(d)) != NULL) {
        char name[64], file[1024];
        size_t len = strlen(e->d_name);
        const program_t *p;
        void *base;
        if (len < 5 || strcmp(e->d_name + len - 4, ".ini") != 0) continue;
        snprintf(name, sizeof name, "%.*s", (int)(len - 4), e->d_name);
        snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
        /* notify.ini's named sections (routes, receivers) are read by its own reader:
         * test_notifier_config reads the shipped ones */
        if (!strcmp(name, "notify")) continue;
        p = program_named(name);
        cr_assert_not_null(p, "%s: no program is called %s", file, name);
        base = defaults(p);
        cr_assert_eq(config_read(file, p->keys, base, err, sizeof err), 0, "%s", err);
        /* every example names its master folder: the file was read, not skipped */
        cr_assert_neq(field(p, base, p->master)[0], '\0', "%s sets %s", file, p->master);
        for (const config_key_t *k = p->keys; k->key; k++)
            if (k->flags & CONF_DEPRECATED)
                cr_assert_not(*(const bool *)(const void *)((const char *)base + k->seen),
                              "%s uses the deprecated key %s", file, k->key);
        free(base);
        n++;
    }
    closedir(d);
    return n;
}

static const char *deploy_dir(void) {
    static char dir[1024];
    const char *ex = getenv("YUEBAO_EXAMPLES");
    snprintf(dir, sizeof dir, "%s%sdeploy", ex && *ex ? ex : "", ex && *ex ? "/../" : "");
    return dir;
}

Test(config_keys, the_shipped_ini_files_use_only_keys_the_tables_know) {
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/etc/yuebao", deploy_dir());
    cr_assert_eq(read_inis(dir), 5, "production: one file per daemon and the CLI's in %s", dir);
    snprintf(dir, sizeof dir, "%s/dev", deploy_dir());
    cr_assert_eq(read_inis(dir), 4, "local development: one file per daemon in %s", dir);
}

/* The check above can fail: a misspelt key in an ini file is caught, with its line. */
Test(config_keys, a_misspelt_key_in_an_ini_file_is_caught) {
    char tmp[] = "/tmp/yb_config_keys_XXXXXX", file[128];
    FILE *f;
    void *base = defaults(program_named("scorer"));
    cr_assert_not_null(mkdtemp(tmp));
    snprintf(file, sizeof file, "%s/scorer.ini", tmp);
    f = fopen(file, "w");
    cr_assert_not_null(f);
    fputs("[scorer]\nmaster_dir = /etc/yuebao\npace_warnig_pp = -2\n", f);
    fclose(f);
    cr_assert_eq(config_read(file, scorer_config_keys, base, err, sizeof err), -1);
    cr_assert_not_null(strstr(err, "scorer.ini:3: unknown key \"pace_warnig_pp\""), "%s", err);
    unlink(file);
    rmdir(tmp);
    free(base);
}
