/* test_master.c - master data: the city-wide policy in city.csv, and the zone and county
 * codes' sizes.
 *
 * Each test builds a master folder in a temporary directory from the sample city's
 * regions.csv and indicators.csv, adds (or not) a city.csv or a row with a long code,
 * and checks what master_load makes of it: the values, or the file:line: field:
 * message a central office clerk reads. A code of the longest length regions.csv
 * takes must then travel everywhere unchanged: validation, the wire (report, ack,
 * events, ranking, alert, totals).
 */
#include <criterion/criterion.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "diag.h"
#include "master.h"
#include "text.h"
#include "validate.h"

static char tmpdir[64], city[4096];
static diag_list_t dl;

static void copy(const char *name) {
    char from[4200], to[200], *text = NULL, err[256];
    size_t len;
    FILE *f;
    snprintf(from, sizeof from, "%s/%s", city, name);
    snprintf(to, sizeof to, "%s/%s", tmpdir, name);
    cr_assert_eq(text_load_file(from, 1 << 20, &text, &len, NULL, err, sizeof err), 0, "%s", err);
    cr_assert_not_null(f = fopen(to, "wb"));
    cr_assert_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    free(text);
}

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_master_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    copy("regions.csv");
    copy("indicators.csv");
    memset(&dl, 0, sizeof dl);
}

static void teardown(void) {
    static const char *const names[] = {"regions.csv", "indicators.csv", "city.csv"};
    char p[200];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    diag_clear(&dl);
}

TestSuite(master, .init = setup, .fini = teardown);

static void write_city(const char *bytes, size_t len) {
    char p[200];
    FILE *f;
    snprintf(p, sizeof p, "%s/city.csv", tmpdir);
    cr_assert_not_null(f = fopen(p, "wb"));
    cr_assert_eq(fwrite(bytes, 1, len, f), len);
    fclose(f);
}

/* master_load of the folder, which must succeed. */
static master_t *load_ok(void) {
    master_t *m = master_load(tmpdir, &dl);
    char line[512] = "";
    if (dl.n) diag_format(&dl.items[0], line, sizeof line);
    cr_assert_not_null(m, "master_load: %s", line);
    return m;
}

/* master_load of the folder, which must fail with words in its first finding. */
static void load_fails(const char *words) {
    master_t *m = master_load(tmpdir, &dl);
    char line[512] = "";
    cr_assert_null(m, "a bad city.csv refuses the whole master data");
    cr_assert_geq(dl.n, 1);
    diag_format(&dl.items[0], line, sizeof line);
    cr_assert_not_null(strstr(line, words), "\"%s\" lacks \"%s\"", line, words);
}

Test(master, without_city_csv_the_policy_is_the_old_default) {
    master_t *m = load_ok();
    cr_assert_eq(m->policy.deadline_day, 10);
    cr_assert(m->policy.merge_jan_feb);
    master_destroy(&m);
}

Test(master, the_sample_city_says_the_10th_and_1_2_merged) {
    master_t *m = master_load(city, &dl);
    cr_assert_not_null(m);
    cr_assert_eq(m->policy.deadline_day, 10);
    cr_assert(m->policy.merge_jan_feb);
    master_destroy(&m);
}

/* What an officer types: 浚县 or 410621; a zone by its name as well. */
Test(master, a_county_and_a_zone_are_found_by_code_or_by_name) {
    master_t *m = master_load(city, &dl);
    cr_assert_not_null(m);
    cr_assert_not_null(master_county_find(m, "浚县"));
    cr_assert_str_eq(master_county_find(m, "浚县")->code, "410621");
    cr_assert_str_eq(master_county_find(m, "410621")->name, "浚县");
    cr_assert_str_eq(master_county_find(m, "鹤壁经济技术开发区管委会")->code, "410671");
    cr_assert_null(master_county_find(m, "浚"), "a name is matched whole");
    cr_assert_null(master_county_find(m, "410699"));
    cr_assert_null(master_county(m, "浚县"), "master_county stays codes only, for the daemons");
    cr_assert_str_eq(master_zone(m, "浚县黎阳专业园区")->code, "liyang");
    master_destroy(&m);
}

/* An indicator by its code or its Chinese name, through the loader's index, the same
 * as the search in order that a master_t made by hand gets. */
Test(master, an_indicator_is_found_by_code_or_by_name) {
    master_t *m = master_load(city, &dl);
    master_t bare;
    cr_assert_not_null(m);
    cr_assert_geq(m->n_indicators, 14);
    bare = (master_t){.indicators = m->indicators, .n_indicators = m->n_indicators}; /* no index */
    for (size_t i = 0; i < m->n_indicators; i++) {
        const indicator_t *ind = &m->indicators[i];
        char longer[80];
        cr_assert_eq(master_indicator(m, ind->code), ind, "%s", ind->code);
        cr_assert_eq(master_indicator(m, ind->name_zh), ind, "%s", ind->name_zh);
        cr_assert_eq(master_indicator(&bare, ind->code), ind, "%s", ind->code);
        cr_assert_eq(master_indicator(&bare, ind->name_zh), ind, "%s", ind->name_zh);
        snprintf(longer, sizeof longer, "%sx", ind->code);
        cr_assert_null(master_indicator(m, longer), "%s: a code is matched whole", longer);
    }
    cr_assert_str_eq(master_indicator(m, "主营业务收入")->code, "revenue");
    cr_assert_null(master_indicator(m, ""));
    cr_assert_null(master_indicator(m, "Revenue"), "codes are matched as written");
    master_destroy(&m);
}

Test(master, city_csv_sets_the_policy) {
    static const char text[] = "setting,value,note\n"
                               "deadline_day,20,次月20日前\n"
                               "merge_jan_feb,no,\n";
    master_t *m;
    write_city(text, sizeof text - 1);
    m = load_ok();
    cr_assert_eq(m->policy.deadline_day, 20);
    cr_assert_not(m->policy.merge_jan_feb);
    master_destroy(&m);
}

Test(master, a_setting_not_listed_keeps_its_default_and_note_is_optional) {
    static const char text[] = "setting,value\ndeadline_day,5\n";
    master_t *m;
    write_city(text, sizeof text - 1);
    m = load_ok();
    cr_assert_eq(m->policy.deadline_day, 5);
    cr_assert(m->policy.merge_jan_feb);
    master_destroy(&m);
}

Test(master, chinese_names_and_yes_no_in_chinese) {
    static const char text[] = "setting,value,note\n"
                               "报送截止日, 15 ,\n"
                               "1-2月合并,否,1月单独报送\n";
    master_t *m;
    write_city(text, sizeof text - 1);
    m = load_ok();
    cr_assert_eq(m->policy.deadline_day, 15);
    cr_assert_not(m->policy.merge_jan_feb);
    master_destroy(&m);
    write_city("setting,value\n1-2月合并,是\n", strlen("setting,value\n1-2月合并,是\n"));
    m = load_ok();
    cr_assert(m->policy.merge_jan_feb);
    master_destroy(&m);
}

/* Saved by Excel or WPS in a Chinese locale: GB18030. */
Test(master, city_csv_in_gb18030) {
    static const char utf8[] = "setting,value,note\n报送截止日,12,次月12日24:00前报送\n1-2月合并,否,\n";
    char gb[256], *in = (char *)utf8, *out = gb;
    size_t in_left = sizeof utf8 - 1, out_left = sizeof gb;
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    master_t *m;
    cr_assert_neq(cd, (iconv_t)-1);
    cr_assert_neq(iconv(cd, &in, &in_left, &out, &out_left), (size_t)-1);
    iconv_close(cd);
    cr_assert_eq(in_left, 0);
    cr_assert_neq(memcmp(gb, utf8, sizeof gb - out_left), 0, "the bytes are not UTF-8 any more");
    write_city(gb, sizeof gb - out_left);
    m = load_ok();
    cr_assert_eq(m->policy.deadline_day, 12);
    cr_assert_not(m->policy.merge_jan_feb);
    master_destroy(&m);
}

Test(master, a_deadline_day_not_every_month_has_names_file_line_and_bounds) {
    static const char text[] = "setting,value,note\nmerge_jan_feb,yes,\ndeadline_day,31,\n";
    write_city(text, sizeof text - 1);
    load_fails("city.csv:3: value: deadline_day 31: expected 1..28");
}

Test(master, a_bad_yes_no_is_refused) {
    static const char text[] = "setting,value\nmerge_jan_feb,maybe\n";
    write_city(text, sizeof text - 1);
    load_fails("city.csv:2: value: merge_jan_feb: \"maybe\" is not yes or no");
}

Test(master, an_unknown_setting_is_named) {
    static const char text[] = "setting,value\ndeadline,10\n";
    write_city(text, sizeof text - 1);
    load_fails("city.csv:2: setting: unknown setting \"deadline\"; expected deadline_day (报送截止日)");
}

Test(master, a_setting_given_twice_is_refused) {
    static const char text[] = "setting,value\ndeadline_day,10\n报送截止日,12\n";
    write_city(text, sizeof text - 1);
    load_fails("city.csv:3: setting: deadline_day is set twice (first on line 2)");
}

Test(master, an_empty_value_or_a_missing_column_is_refused) {
    static const char empty[] = "setting,value\ndeadline_day,\n";
    static const char no_value[] = "setting,note\ndeadline_day,x\n";
    write_city(empty, sizeof empty - 1);
    load_fails("city.csv:2: value: empty; a value is required");
    diag_clear(&dl);
    write_city(no_value, sizeof no_value - 1);
    load_fails("city.csv:1: value: missing column \"value\"");
}

Test(master, explicit_files_have_the_default_policy) {
    char regions[200], indicators[200];
    static const char text[] = "setting,value\ndeadline_day,20\n";
    master_t *m;
    write_city(text, sizeof text - 1);
    snprintf(regions, sizeof regions, "%s/regions.csv", tmpdir);
    snprintf(indicators, sizeof indicators, "%s/indicators.csv", tmpdir);
    m = master_load_files(regions, indicators, &dl);
    cr_assert_not_null(m);
    cr_assert_eq(m->policy.deadline_day, 10, "no folder, no city.csv");
    master_destroy(&m);
}

Test(master, a_deprecated_override_replaces_what_is_set_and_says_what_differs) {
    master_policy_override_t none = {0}, same = {.deadline_day = 10, .deadline_day_set = true},
                             both = {.deadline_day = 20,
                                     .merge_jan_feb = false,
                                     .deadline_day_set = true,
                                     .merge_jan_feb_set = true};
    char note[160];
    master_t *m = load_ok();
    cr_assert_eq(master_policy_override(m, &none, note, sizeof note), 0);
    cr_assert_str_eq(note, "");
    cr_assert_eq(master_policy_override(m, &same, note, sizeof note), 0, "the same value: nothing to say");
    cr_assert_eq(m->policy.deadline_day, 10);
    cr_assert_eq(master_policy_override(m, &both, note, sizeof note), 2);
    cr_assert_str_eq(note,
                     "deadline_day 20 instead of the master folder's 10; merge_jan_feb no instead of the "
                     "master folder's yes");
    cr_assert_eq(m->policy.deadline_day, 20);
    cr_assert_not(m->policy.merge_jan_feb);
    master_destroy(&m);
}

/* ---- the longest codes ------------------------------------------------------------ */

/* A code of n bytes: the prefix, then 'x' up to n. */
static void long_code(char *out, const char *prefix, size_t n) {
    size_t p = strlen(prefix);
    memcpy(out, prefix, p);
    memset(out + p, 'x', n - p);
    out[n] = '\0';
}

static void append_region(const char *county, const char *zone) {
    char p[200];
    FILE *f;
    snprintf(p, sizeof p, "%s/regions.csv", tmpdir);
    cr_assert_not_null(f = fopen(p, "a"));
    fprintf(f, "%s,长名县,%s,长名园区,电子信息\n", county, zone);
    fclose(f);
}

/* encode, decode, and the decoded message back */
static void round_trip(const msg_t *in, msg_t *out) {
    uint8_t *buf;
    size_t len;
    char err[256] = "";
    cr_assert_eq(codec_encode(in, &buf, &len), 0);
    cr_assert_eq(codec_decode(buf, len, out, err, sizeof err), 0, "%s", err);
    free(buf);
}

Test(master, the_longest_codes_regions_csv_takes_travel_everywhere_unchanged) {
    char zone[ZONE_CODE_SIZE], county[COUNTY_CODE_SIZE];
    report_value_t v = {.indicator = "revenue", .amount = 100};
    validate_opts_t vo = validate_defaults();
    msg_t in, out;
    master_t *m;
    ranking_row_t row = {.rank = 1, .total = 90};
    long_code(zone, "zone", ZONE_CODE_MAX);
    long_code(county, "4106", COUNTY_CODE_MAX);
    cr_assert_eq(strlen(zone), 63, "by hand: a zone code may have 63 bytes");
    cr_assert_eq(strlen(county), 23, "by hand: a county code may have 23 bytes");
    append_region(county, zone);
    m = load_ok();
    cr_assert_not_null(master_zone(m, zone));
    cr_assert_str_eq(master_zone(m, zone)->county, county);
    cr_assert_not_null(master_county(m, county));

    /* a report for it passes validation for its county, and crosses the wire whole */
    memset(&in, 0, sizeof in);
    in.kind = MSG_REPORT;
    snprintf(in.report.zone, sizeof in.report.zone, "%s", zone);
    snprintf(in.report.period, sizeof in.report.period, "2017-06");
    in.report.revision = 1;
    cr_assert_not_null(report_add_value(&in.report, &v));
    vo.now_ms = 1499212800000LL; /* 2017-07-05 */
    cr_assert_eq(validate_report(m, &vo, county, &in.report, &dl), 0, "%s", dl.n ? dl.items[0].message : "");
    round_trip(&in, &out);
    cr_assert_str_eq(out.report.zone, zone);
    msg_clear(&out);
    msg_clear(&in);

    /* the ack, the events, a ranking row, an alert and the county's totals */
    in.kind = MSG_ACK;
    snprintf(in.ack.zone, sizeof in.ack.zone, "%s", zone);
    round_trip(&in, &out);
    cr_assert_str_eq(out.ack.zone, zone);
    msg_clear(&out);
    memset(&in, 0, sizeof in);
    in.kind = MSG_REPORT_ACCEPTED;
    snprintf(in.accepted.zone, sizeof in.accepted.zone, "%s", zone);
    snprintf(in.accepted.county, sizeof in.accepted.county, "%s", county);
    round_trip(&in, &out);
    cr_assert_str_eq(out.accepted.zone, zone);
    cr_assert_str_eq(out.accepted.county, county);
    msg_clear(&out);
    memset(&in, 0, sizeof in);
    in.kind = MSG_REPORT_REJECTED;
    snprintf(in.rejected.zone, sizeof in.rejected.zone, "%s", zone);
    snprintf(in.rejected.county, sizeof in.rejected.county, "%s", county);
    round_trip(&in, &out);
    cr_assert_str_eq(out.rejected.zone, zone);
    cr_assert_str_eq(out.rejected.county, county);
    msg_clear(&out);
    memset(&in, 0, sizeof in);
    in.kind = MSG_RANKING;
    snprintf(row.zone, sizeof row.zone, "%s", zone);
    snprintf(row.county, sizeof row.county, "%s", county);
    cr_assert_not_null(ranking_add_row(&in.ranking, &row));
    in.ranking_total = 1;
    round_trip(&in, &out);
    cr_assert_eq(out.ranking.n_rows, 1);
    cr_assert_str_eq(out.ranking.rows[0].zone, zone);
    cr_assert_str_eq(out.ranking.rows[0].county, county);
    msg_clear(&out);
    msg_clear(&in);
    in.kind = MSG_ALERT;
    in.alert.severity = SEV_WARNING;
    in.alert.transition = TR_FIRING;
    in.alert.value = in.alert.target = in.alert.expected = in.alert.gap = NAN;
    snprintf(in.alert.zone, sizeof in.alert.zone, "%s", zone);
    snprintf(in.alert.county, sizeof in.alert.county, "%s", county);
    round_trip(&in, &out);
    cr_assert_str_eq(out.alert.zone, zone);
    cr_assert_str_eq(out.alert.county, county);
    msg_clear(&out);
    memset(&in, 0, sizeof in);
    in.kind = MSG_TOTALS;
    snprintf(in.totals.scope, sizeof in.totals.scope, "%s", county);
    round_trip(&in, &out);
    cr_assert_str_eq(out.totals.scope, county);
    msg_clear(&out);
    master_destroy(&m);
}

Test(master, a_zone_code_one_byte_longer_is_refused_by_name_and_size) {
    char zone[ZONE_CODE_SIZE + 1];
    long_code(zone, "zone", ZONE_CODE_MAX + 1);
    append_region("410602", zone);
    load_fails("regions.csv:10: zone: \"zonexxxx");
    cr_assert_not_null(strstr(dl.items[0].message, "...\" is 64 bytes, longer than the 63 allowed"), "%s",
                       dl.items[0].message);
}

Test(master, a_county_code_one_byte_longer_is_refused_by_name_and_size) {
    char county[COUNTY_CODE_SIZE + 1];
    long_code(county, "4106", COUNTY_CODE_MAX + 1);
    append_region(county, "newzone");
    load_fails(
        "regions.csv:10: county: \"4106xxxxxxxxxxxxxxxxxxxx\" is 24 bytes, longer than the 23 allowed");
}

Test(master, every_row_repeating_a_zone_is_named_by_its_line_and_the_first_stays_unblamed) {
    char line[512];
    append_region("419999", "zz1");     /* line 10: new */
    append_region("419999", "jinshan"); /* line 11: the sample's 金山 zone again */
    append_region("419999", "zz1");     /* line 12: line 10's again */
    cr_assert_null(master_load(tmpdir, &dl));
    diag_sort(&dl);
    cr_assert_eq(dl.n_errors, 2, "one error per repeating row, not %zu", dl.n_errors);
    diag_format(&dl.items[0], line, sizeof line);
    cr_assert_not_null(strstr(line, "regions.csv:11: zone: zone \"jinshan\" is listed twice"), "%s", line);
    diag_format(&dl.items[1], line, sizeof line);
    cr_assert_not_null(strstr(line, "regions.csv:12: zone: zone \"zz1\" is listed twice"), "%s", line);
}

Test(master, a_regions_file_with_only_its_header_says_no_zones_listed) {
    char p[200];
    FILE *f;
    snprintf(p, sizeof p, "%s/regions.csv", tmpdir);
    cr_assert_not_null(f = fopen(p, "wb"));
    fputs("county,county_name,zone,zone_name,lead_industries\n", f);
    fclose(f);
    load_fails("regions.csv: no zones listed");
}
