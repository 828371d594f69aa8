/* test_scorer_rules.c - the scorer's master data and rules, at start and on SIGHUP.
 *
 * scorer_rules_reload loads the sample city's folder (8 zones; scheme-2017.csv,
 * targets-2017.csv, 6 pacing rows, 7 star rules: counted from the files), and a reload
 * that finds a broken file keeps the pair in force — the very same master data and
 * rules, not a half-loaded copy — while one that finds good files replaces both.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../scorer/scorer.h" /* -Iutil -Icommon only */
#include "log.h"

static scorer_t s;
static char city[900], tmpdir[64];

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    log_init("test_scorer_rules", LOG_ERROR);
    memset(&s, 0, sizeof s);
    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb-scorer-rules-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void) {
    char cmd[128];
    rules_destroy(&s.rules);
    master_destroy(&s.master);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(scorer_rules, .init = setup, .fini = teardown);

/* The sample city's folder copied into tmpdir, to be broken there. */
static void copy_city(void) {
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "cp %s/*.csv %s/", city, tmpdir);
    cr_assert_eq(system(cmd), 0);
    snprintf(s.cfg.master_dir, sizeof s.cfg.master_dir, "%s", tmpdir);
    snprintf(s.cfg.rules_dir, sizeof s.cfg.rules_dir, "%s", tmpdir);
}

static void write_file(const char *name, const char *text) {
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    cr_assert_not_null(f = fopen(path, "w"));
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

Test(scorer_rules, the_sample_city_loads_as_a_pair) {
    snprintf(s.cfg.master_dir, sizeof s.cfg.master_dir, "%s", city);
    snprintf(s.cfg.rules_dir, sizeof s.cfg.rules_dir, "%s", city);
    cr_assert_eq(scorer_rules_reload(&s), 0);
    cr_assert_not_null(s.master);
    cr_assert_not_null(s.rules);
    cr_assert_eq(s.master->n_zones, 8);
    cr_assert_eq(s.rules->n_schemes, 1);
    cr_assert_eq(s.rules->schemes[0].year, 2017);
    cr_assert_eq(s.rules->n_targets, 1);
    cr_assert_eq(s.rules->n_pacing, 6);
    cr_assert_eq(s.rules->n_stars, 7);
}

Test(scorer_rules, at_start_a_missing_folder_loads_nothing) {
    snprintf(s.cfg.master_dir, sizeof s.cfg.master_dir, "%s/nowhere", tmpdir);
    snprintf(s.cfg.rules_dir, sizeof s.cfg.rules_dir, "%s/nowhere", tmpdir);
    cr_assert_eq(scorer_rules_reload(&s), -1);
    cr_assert_null(s.master);
    cr_assert_null(s.rules);
}

Test(scorer_rules, a_broken_file_on_reload_keeps_both_in_force) {
    master_t *m;
    rules_t *r;
    copy_city();
    cr_assert_eq(scorer_rules_reload(&s), 0);
    m = s.master;
    r = s.rules;
    /* rules broken, master data fine: neither is replaced */
    write_file("scheme-2017.csv", "dimension,item,weight,contents,parts\n经济总量,增加值,15,nosuch,amount\n");
    cr_assert_eq(scorer_rules_reload(&s), -1);
    cr_assert_eq(s.master, m, "the master data in force is the one loaded before");
    cr_assert_eq(s.rules, r, "so are the rules");
    cr_assert_eq(s.rules->n_schemes, 1);
    /* master data broken */
    copy_city();
    write_file("regions.csv", "no,such,header\n");
    cr_assert_eq(scorer_rules_reload(&s), -1);
    cr_assert_eq(s.master, m);
    cr_assert_eq(s.rules, r);
    /* mended, and without the optional stars.csv: a new pair replaces the old (loaded
     * while the old one still lives, so it cannot be the same memory) */
    copy_city();
    {
        char path[256];
        snprintf(path, sizeof path, "%s/stars.csv", tmpdir);
        cr_assert_eq(unlink(path), 0);
    }
    cr_assert_eq(scorer_rules_reload(&s), 0);
    cr_assert_neq(s.master, m);
    cr_assert_neq(s.rules, r);
    cr_assert_eq(s.master->n_zones, 8);
    cr_assert_eq(s.rules->n_stars, 0, "the rules in force now have no stars");
}
