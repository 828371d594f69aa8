/* test_e2e_master.c - master data at start and on SIGHUP, against the real aggregator.
 *
 * What the central office relies on when it edits regions.csv: a mistake is refused
 * with file:line and the master data in force stays in force (reports keep flowing);
 * a good edit takes effect without a restart; and a daemon never starts on bad data.
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_suite.h"

TestSuite(e2e_master, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 60);

/* A private copy of the sample city's master data in dir/master. */
static const char *copy_master(void) {
    const char *m = P("%s/master", dir);
    char mdir[512];
    snprintf(mdir, sizeof mdir, "%s", m);
    cr_assert_eq(system(P("mkdir -p '%s'", mdir)), 0);
    cr_assert_eq(e2e_copy(e2e_sample("regions.csv"), P("%s/regions.csv", mdir)), 0);
    cr_assert_eq(e2e_copy(e2e_sample("indicators.csv"), P("%s/indicators.csv", mdir)), 0);
    return e2e_fmt("%s", mdir);
}

static void append(const char *path, const char *line) {
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f, "cannot open %s", path);
    fputs(line, f);
    fclose(f);
}

/* A one-value report for zone, period 2017-06, revision 1, from county over a raw client:
 * the ack's status. */
static int send_report(const char *county, const char *zone, const char *client_id) {
    return e2e_send_value(agg.listen, P("c:%s:%s", county, client_id), zone, "2017-06", 1, 1000, NULL, 0);
}

Test(e2e_master, bad_regions_on_sighup_keeps_the_master_data_in_force) {
    const char *m = copy_master();
    char regions[512];
    const char *extra[] = {"--set", P("master_dir=%s", m), NULL};
    snprintf(regions, sizeof regions, "%s/regions.csv", m);
    start_aggregator(NULL, extra);

    /* line 10: jinshan listed a second time, under another county */
    int lines = e2e_count_lines(regions);
    cr_assert_eq(lines, 9, "the sample regions.csv has a header and 8 zones");
    append(regions, "410602,鹤山区,jinshan,重复的园区,x\n");
    cr_assert_eq(kill(agg.pid, SIGHUP), 0);
    if (e2e_wait_log(agg.err_log, "previous master data stays in force", agg.pid, e2e_scaled_ms(10000)) < 0) {
        bool alive = e2e_alive(agg.pid);
        cr_assert_fail("no refusal in the log; the aggregator is %s (status %d):\n%s",
                       alive ? "running" : "gone", alive ? 0 : e2e_stop(agg.pid, 1000),
                       e2e_tail(agg.err_log, 2000));
    }
    char *log = e2e_read_file(agg.err_log);
    cr_assert_not_null(log);
    cr_assert_not_null(strstr(log, "regions.csv:10:"), "the error names file and line:\n%s", log);
    cr_assert_not_null(strstr(log, "listed twice"), "the error says what is wrong:\n%s", log);
    free(log);

    /* the old master data is in force: jinshan still belongs to 410671, not 410602 */
    cr_assert_eq(send_report("410671", "jinshan", "a"), ACK_ACCEPTED);
    cr_assert_eq(send_report("410602", "jinshan", "b"), ACK_REJECTED);
    stop_aggregator();
}

Test(e2e_master, good_regions_on_sighup_take_effect_without_restart) {
    const char *m = copy_master();
    char regions[512];
    const char *extra[] = {"--set", P("master_dir=%s", m), NULL};
    snprintf(regions, sizeof regions, "%s/regions.csv", m);
    start_aggregator(NULL, extra);

    /* before: the zone does not exist here; the county does, so the central office's
     * master data is the one lagging: RETRY, nothing stored */
    cr_assert_eq(send_report("410602", "hexin", "a"), ACK_RETRY);
    append(regions, "410602,鹤山区,hexin,鹤山新区,新材料\n");
    cr_assert_eq(kill(agg.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log(agg.err_log, "9 zones", agg.pid, e2e_scaled_ms(10000)), 0, "no reload in the log:\n%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(send_report("410602", "hexin", "b"), ACK_ACCEPTED);
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM reports WHERE zone='hexin'"), 1);
    stop_aggregator();
}

Test(e2e_master, refuses_to_start_on_bad_master_data) {
    const char *m = copy_master();
    char *out = NULL;
    append(P("%s/indicators.csv", m), "gdp,地区生产总值,GDP,万元,flowish,1,yes\n");
    int st = e2e_runl(P("%s/agg-bad", dir), &out, 10000, e2e_bin("yuebao-aggregator"), "--insecure", "--set",
                      P("master_dir=%s", m), "--set", P("store=%s/store.db", dir), "--set",
                      P("listen=ipc://%s/agg.sock", dir), "--set", "publish=", NULL);
    free(out);
    cr_assert_neq(st, 0, "the aggregator must not start on bad master data");
    char *log = e2e_read_file(P("%s/agg-bad.err", dir));
    cr_assert_not_null(log);
    cr_assert_not_null(strstr(log, "indicators.csv:16:"), "the error names file and line:\n%s", log);
    cr_assert_not_null(strstr(log, "flowish"), "the error quotes the bad value:\n%s", log);
    free(log);
}

/* Writes the first `bytes` bytes of the sample regions.csv over path: a copy caught
 * half-way. */
static void cut_copy(const char *path, long bytes) {
    char *all = e2e_read_file(e2e_sample("regions.csv"));
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(all);
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(all, 1, (size_t)bytes, f), (size_t)bytes);
    cr_assert_eq(fclose(f), 0);
    free(all);
}

/* The byte offset just after the line of regions.csv that lists zone. */
static long end_of_line_of(const char *zone) {
    char *all = e2e_read_file(e2e_sample("regions.csv"));
    cr_assert_not_null(all);
    char *at = strstr(all, P(",%s,", zone));
    cr_assert_not_null(at);
    long off = (long)(strchr(at, '\n') - all) + 1;
    free(all);
    return off;
}

Test(e2e_master, a_reload_that_drops_zones_with_reports_is_refused) {
    const char *m = copy_master();
    char regions[512];
    const char *extra[] = {"--set", P("master_dir=%s", m), NULL};
    snprintf(regions, sizeof regions, "%s/regions.csv", m);
    start_aggregator(NULL, extra);
    cr_assert_eq(send_report("410622", "heqi", "a"), ACK_ACCEPTED);
    cr_assert_eq(send_report("410672", "shifanqu", "b"), ACK_ACCEPTED);

    /* SIGHUP while regions.csv is being copied: only its lines up to qibin are there, a
     * valid CSV of 4 zones */
    cut_copy(regions, end_of_line_of("qibin"));
    cr_assert_eq(kill(agg.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log(agg.err_log, "master data not reloaded", agg.pid, e2e_scaled_ms(10000)), 0,
                 "the cut file was loaded:\n%s", e2e_tail(agg.err_log, 2000));
    char *log = e2e_read_file(agg.err_log);
    cr_assert_not_null(log);
    cr_assert_not_null(strstr(log, "no longer lists 2 zone(s) with reports in the store: heqi, shifanqu"),
                       "the refusal names the zones it would drop:\n%s", log);
    cr_assert_not_null(strstr(log, "rename it into place"), "and says how to replace the file:\n%s", log);
    cr_assert_null(strstr(log, "4 zones"), "the subset must not be loaded:\n%s", log);
    free(log);
    /* the previous master data is in force: the zones dropped by the cut file still report */
    cr_assert_eq(send_report("410622", "heqi", "c"), ACK_DUPLICATE);
    cr_assert_eq(send_report("410621", "xunxian", "d"), ACK_ACCEPTED);
    stop_aggregator();
}

Test(e2e_master, a_reload_of_a_file_cut_mid_line_is_refused) {
    const char *m = copy_master();
    char regions[512];
    const char *extra[] = {"--set", P("master_dir=%s", m), NULL};
    snprintf(regions, sizeof regions, "%s/regions.csv", m);
    start_aggregator(NULL, extra);
    /* cut inside the last line's zone code: "shif" would be a new zone, shifanqu gone */
    long off = end_of_line_of("heqi") + (long)strlen("410672,城乡一体化示范区管委会,shif");
    cut_copy(regions, off);
    append(regions, ",示范区,电子信息"); /* a line that parses, without its line break */
    cr_assert_eq(kill(agg.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log(agg.err_log, "master data not reloaded", agg.pid, e2e_scaled_ms(10000)), 0,
                 "the cut file was loaded:\n%s", e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(agg.err_log, "regions.csv ends in the middle of a line"), 1, "%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(send_report("410672", "shifanqu", "a"), ACK_ACCEPTED);
    cr_assert_eq(send_report("410672", "shif", "b"), ACK_RETRY, "shif is not a zone in force");
    stop_aggregator();
}

Test(e2e_master, allow_zone_removal_lets_a_start_drop_zones_with_reports) {
    const char *m = copy_master();
    char regions[512];
    const char *extra[] = {"--set", P("master_dir=%s", m), NULL};
    const char *allow[] = {"--set", P("master_dir=%s", m), "--set", "allow_zone_removal=yes", NULL};
    char *out = NULL;
    snprintf(regions, sizeof regions, "%s/regions.csv", m);
    start_aggregator(NULL, extra);
    cr_assert_eq(send_report("410672", "shifanqu", "a"), ACK_ACCEPTED);
    stop_aggregator();
    cut_copy(regions, end_of_line_of("heqi"));

    /* without the key the start is refused, naming the zone */
    int st = e2e_runl(P("%s/agg-drop", dir), &out, 10000, e2e_bin("yuebao-aggregator"), "--insecure", "--set",
                      P("master_dir=%s", m), "--set", P("store=%s", agg.store), "--set",
                      P("listen=ipc://%s/agg-drop.sock", dir), "--set", "publish=", NULL);
    free(out);
    cr_assert_eq(st, 1, "exit %d:\n%s", st, e2e_tail(P("%s/agg-drop.err", dir), 2000));
    cr_assert_eq(e2e_count_in_file(P("%s/agg-drop.err", dir), "with reports in the store: shifanqu"), 1);

    /* with it, the zone is dropped and its reports stay in the store */
    start_aggregator(NULL, allow);
    cr_assert_eq(e2e_count_in_file(agg.err_log, "removed as allow_zone_removal says"), 1, "%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(send_report("410672", "shifanqu", "b"), ACK_REJECTED);
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM reports WHERE zone = 'shifanqu'"), 1);
    stop_aggregator();
}

/* ---- the city-wide policy: city.csv in the master folder ---------------------------- */

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* January follows city.csv: refused while 1-2月 is merged (the default, also with no
 * city.csv), taken after a reload that says merge_jan_feb = 否. */
Test(e2e_master, city_csv_says_whether_january_is_reported_and_a_reload_takes_it) {
    const char *m = copy_master();
    const char *extra[] = {"--set", P("master_dir=%s", m), NULL};
    char why[512] = "";
    start_aggregator(NULL, extra);
    cr_assert_eq(e2e_count_in_file(agg.err_log, "reports due by day 10 of the next month, 1-2月 merged"), 1,
                 "no city.csv: the defaults, said at start:\n%s", e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_send_value(agg.listen, "c:410602:a", "baoshan", "2017-01", 1, 1000, why, sizeof why),
                 ACK_REJECTED);
    cr_assert_not_null(strstr(why, "January"), "%s", why);

    write_file(P("%s/city.csv", m), "setting,value,note\n1-2月合并,否,1月单独报送\n");
    cr_assert_eq(kill(agg.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log(agg.err_log, "1-2月 reported apart", agg.pid, 10000), 0, "no reload:\n%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_send_value(agg.listen, "c:410602:b", "baoshan", "2017-01", 1, 1000, why, sizeof why),
                 ACK_ACCEPTED, "%s", why);

    /* a mistake in city.csv is refused like one in regions.csv: the policy in force stays */
    write_file(P("%s/city.csv", m), "setting,value\ndeadline_day,31\n");
    cr_assert_eq(kill(agg.pid, SIGHUP), 0);
    cr_assert_eq(e2e_wait_log(agg.err_log, "previous master data stays in force", agg.pid, 10000), 0, "%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(agg.err_log, "city.csv:2: value: deadline_day 31: expected 1..28"), 1,
                 "%s", e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_send_value(agg.listen, "c:410602:c", "baoshan", "2017-01", 2, 1001, why, sizeof why),
                 ACK_ACCEPTED, "%s", why);
    stop_aggregator();
}

/* The old per-daemon key still works for one release: it overrides city.csv, and the
 * log says it is deprecated and what it changed. */
Test(e2e_master, a_deprecated_key_overrides_city_csv_with_a_warning) {
    const char *m = copy_master();
    const char *extra[] = {"--set", P("master_dir=%s", m), "--set", "merge_jan_feb=no", NULL};
    char why[512] = "";
    write_file(P("%s/city.csv", m), "setting,value\nmerge_jan_feb,yes\n");
    start_aggregator(NULL, extra);
    cr_assert_eq(e2e_count_in_file(agg.err_log, "--set: merge_jan_feb is deprecated"), 1, "%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(agg.err_log, "merge_jan_feb no instead of the master folder's yes"), 1,
                 "%s", e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_send_value(agg.listen, "c:410602:a", "baoshan", "2017-01", 1, 1000, why, sizeof why),
                 ACK_ACCEPTED, "%s", why);
    stop_aggregator();
}

/* `yuebao status` reads the deadline from city.csv; $YUEBAO_DEADLINE_DAY, deprecated,
 * still overrides it with a warning. */
Test(e2e_master, status_takes_the_deadline_from_city_csv) {
    const char *m = copy_master();
    const char *extra[] = {"--set", P("master_dir=%s", m), NULL};
    char *out = NULL;
    int st;
    write_file(P("%s/city.csv", m), "setting,value\n报送截止日,20\n");
    start_aggregator(NULL, extra);
    stop_aggregator();
    st = e2e_runl(P("%s/status", dir), &out, e2e_scaled_ms(10000), e2e_bin("yuebao"), "status", "--store",
                  agg.store, "--master", m, "--period", "2017-05", NULL);
    cr_assert_eq(st, 0, "%s", e2e_tail(P("%s/status.err", dir), 1000));
    cr_assert_not_null(strstr(out, "period 2017-05 (1-5月) · due 2017-06-20 24:00"), "%s", out);
    free(out);

    cr_assert_eq(setenv("YUEBAO_DEADLINE_DAY", "12", 1), 0);
    st = e2e_runl(P("%s/status-env", dir), &out, e2e_scaled_ms(10000), e2e_bin("yuebao"), "status", "--store",
                  agg.store, "--master", m, "--period", "2017-05", NULL);
    unsetenv("YUEBAO_DEADLINE_DAY");
    cr_assert_eq(st, 0, "%s", e2e_tail(P("%s/status-env.err", dir), 1000));
    cr_assert_not_null(strstr(out, "due 2017-06-12 24:00"), "%s", out);
    free(out);
    cr_assert_eq(e2e_count_in_file(P("%s/status-env.err", dir), "YUEBAO_DEADLINE_DAY is deprecated"), 1);
    cr_assert_eq(
        e2e_count_in_file(P("%s/status-env.err", dir), "deadline_day 12 instead of the master folder's 20"),
        1, "%s", e2e_tail(P("%s/status-env.err", dir), 1000));
}
