/* test_rules.c - the assessment configuration: scheme, targets, pacing and stars files.
 *
 * First the sample city's real files (examples/sample-city: the 2017 method's 11 items
 * in 4 dimensions, 2017 targets, investment's back-loaded pacing, revenue stars) are
 * loaded and checked the way the city office would read them back. Then small files
 * are written into a temporary folder, broken one rule at a time, and each test checks
 * what the person editing the file would read: the file, the line, the column and the
 * words, and that nothing is loaded (a reload keeps the previous rules in force).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "master.h"
#include "period.h"
#include "rules.h"
#include "text.h"

static master_t *m;
static rules_t *r;
static diag_list_t dl;
static char city[4096], tmpdir[64];
static bool loaded; /* the temporary folder was loaded in this test */

static void load_master(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    diag_list_t mdl;
    memset(&mdl, 0, sizeof mdl);
    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    m = master_load(city, &mdl);
    cr_assert_not_null(m, "cannot load the master data from %s: %s", city,
                       mdl.n ? mdl.items[0].message : "(no message)");
    diag_clear(&mdl);
    memset(&dl, 0, sizeof dl);
}

/* All findings, one a line, for failure messages. */
static const char *all_diags(void) {
    static char all[8192];
    all[0] = '\0';
    for (size_t i = 0; i < dl.n; i++) {
        char buf[800];
        diag_format(&dl.items[i], buf, sizeof buf);
        strncat(all, buf, sizeof all - strlen(all) - 2);
        strcat(all, "\n");
    }
    return all[0] ? all : "(none)\n";
}

static int ind(const char *code) {
    const indicator_t *i = master_indicator(m, code);
    cr_assert_not_null(i, "no indicator %s in the sample master", code);
    return (int)(i - m->indicators);
}

/* ---- the sample city ---------------------------------------------------------------- */

static void sample_setup(void) {
    load_master();
    r = rules_load(city, m, &dl);
    cr_assert_not_null(r, "rules_load(%s) failed:\n%s", city, all_diags());
    cr_assert_eq(dl.n, 0, "unexpected findings:\n%s", all_diags());
}

static void sample_teardown(void) {
    rules_destroy(&r);
    cr_assert_null(r);
    diag_clear(&dl);
    master_destroy(&m);
}

TestSuite(sample, .init = sample_setup, .fini = sample_teardown);

Test(sample, scheme_2017_has_11_items_in_4_dimensions) {
    const scheme_t *s = rules_scheme(r, 2017);
    cr_assert_not_null(s);
    cr_assert_eq(s->year, 2017);
    cr_assert_eq(s->n_items, 11);
    cr_assert_eq(s->n_dims, 4);
    cr_assert_str_eq(s->dims[0], "经济总量");
    cr_assert_str_eq(s->dims[1], "质量效益");
    cr_assert_str_eq(s->dims[2], "集群发展");
    cr_assert_str_eq(s->dims[3], "节约集约");
    cr_assert_null(rules_scheme(r, 2016), "2016 has no scheme file and is not ranked");
    cr_assert_null(rules_scheme(r, 2018));
}

Test(sample, items_keep_file_order_weights_and_dimensions) {
    const scheme_t *s = rules_scheme(r, 2017);
    double sum = 0;
    cr_assert_str_eq(s->items[0].item, "增加值");
    cr_assert_eq(s->items[0].dim, 0);
    cr_assert_float_eq(s->items[0].weight, 15, 1e-12);
    cr_assert_eq(s->items[0].line, 2);
    cr_assert_str_eq(s->items[4].item, "R&D经费支出占增加值的比重");
    cr_assert_eq(s->items[4].dim, 1);
    cr_assert_float_eq(s->items[4].weight, 7.5, 1e-12);
    cr_assert_str_eq(s->items[10].item, "闲置资源盘活率");
    cr_assert_eq(s->items[10].dim, 3);
    cr_assert_eq(s->items[10].line, 12);
    for (size_t i = 0; i < s->n_items; i++)
        sum += s->items[i].weight;
    cr_assert_float_eq(sum, 100, 1e-9);
}

Test(sample, an_item_with_two_contents) {
    const scheme_t *s = rules_scheme(r, 2017);
    const scheme_item_t *it = &s->items[6];
    cr_assert_str_eq(it->item, "主导产业增加值及投资占比");
    cr_assert_eq(it->dim, 2);
    cr_assert_eq(it->n_contents, 2);
    cr_assert_eq(it->contents[0], ind("lead_va_share"));
    cr_assert_eq(it->contents[1], ind("lead_fai_share"));
    cr_assert_not(it->growth);
    cr_assert_eq(s->items[9].n_contents, 2, "污水固废… has two contents as well");
}

Test(sample, amount_and_growth_parts) {
    const scheme_t *s = rules_scheme(r, 2017);
    static const struct {
        const char *code;
        bool growth;
    } want[] = {{"va", true},
                {"fai", true},
                {"employees", true},
                {"tax", true},
                {"rd_share", false},
                {"output_per_mu", false},
                {"lead_va_share", false},
                {"outside_capital", true},
                {"energy_intensity", true},
                {"waste_treatment", false},
                {"idle_revival", false}};
    for (size_t i = 0; i < s->n_items; i++) {
        cr_assert_eq(s->items[i].contents[0], ind(want[i].code), "item %zu", i);
        cr_assert_eq(s->items[i].growth, want[i].growth, "item %zu (%s)", i, want[i].code);
    }
}

Test(sample, targets_2017) {
    const target_year_t *ty = rules_targets(r, 2017);
    const target_t *t;
    cr_assert_not_null(ty);
    cr_assert_eq(ty->year, 2017);
    cr_assert_eq(ty->n_targets, 8 * 9, "8 zones × 9 indicators");
    cr_assert_null(rules_targets(r, 2016), "no targets file for 2016: no target alerts");

    t = rules_target(ty, "jinshan", ind("fai"));
    cr_assert_not_null(t);
    cr_assert_str_eq(t->zone, "jinshan");
    cr_assert(t->has_amount);
    cr_assert_float_eq(t->amount, 1381282.8, 1e-6);
    cr_assert(t->has_growth);
    cr_assert_float_eq(t->growth_pct, 18.0, 1e-12);
    cr_assert_eq(t->line, 4);

    t = rules_target(ty, "jinshan", ind("employees"));
    cr_assert_not_null(t);
    cr_assert_not(t->has_amount, "employees has a growth target only");
    cr_assert(t->has_growth);
    cr_assert_float_eq(t->growth_pct, 3.0, 1e-12);

    t = rules_target(ty, "jinshan", ind("idle_revival"));
    cr_assert_not_null(t);
    cr_assert(t->has_amount);
    cr_assert_not(t->has_growth, "idle_revival has an amount target only");

    t = rules_target(ty, "shifanqu", ind("energy_intensity"));
    cr_assert_not_null(t, "the last zone of the file is found too");
    cr_assert_float_eq(t->growth_pct, -3.0, 1e-12);

    cr_assert_null(rules_target(ty, "jinshan", ind("rd_share")), "rd_share has no target");
    cr_assert_null(rules_target(ty, "nowhere", ind("fai")));
    cr_assert_null(rules_target(NULL, "jinshan", ind("fai")));
}

Test(sample, targets_are_sorted_by_zone_and_indicator) {
    const target_year_t *ty = rules_targets(r, 2017);
    for (size_t i = 1; i < ty->n_targets; i++) {
        int c = strcmp(ty->targets[i - 1].zone, ty->targets[i].zone);
        cr_assert(c < 0 || (c == 0 && ty->targets[i - 1].indicator < ty->targets[i].indicator), "at %zu", i);
    }
}

Test(sample, pacing_back_loads_investment) {
    bool listed = false;
    period_t feb = {2017, 2}, jun = {2017, 6}, dec = {2017, 12};
    cr_assert_float_eq(rules_pace(r, ind("fai"), feb, &listed), 0.100, 1e-12);
    cr_assert(listed);
    cr_assert_float_eq(rules_pace(r, ind("fai"), jun, &listed), 0.470, 1e-12, "behind 6/12 in June");
    cr_assert(listed);
    cr_assert_float_eq(rules_pace(r, ind("fai"), dec, NULL), 1.0, 1e-12);
    cr_assert(rules_paced(r, ind("fai")));
}

Test(sample, without_a_pacing_row_the_share_is_months_over_12) {
    bool listed = true;
    period_t feb = {2017, 2}, jun = {2017, 6};
    cr_assert_float_eq(rules_pace(r, ind("employees"), feb, &listed), 2 / 12.0, 1e-12);
    cr_assert_not(listed);
    cr_assert_float_eq(rules_pace(r, ind("employees"), jun, &listed), 0.5, 1e-12, "时间过半、任务过半");
    cr_assert_not(listed);
    cr_assert_not(rules_paced(r, ind("employees")));
}

Test(sample, a_month_pacing_does_not_list_falls_back_to_months_over_12) {
    bool listed = true;
    period_t jan = {2017, 1};
    cr_assert_float_eq(rules_pace(r, ind("fai"), jan, &listed), 1 / 12.0, 1e-12, "pacing.csv starts at m02");
    cr_assert_not(listed);
}

Test(sample, stars_are_sorted_by_level) {
    cr_assert_eq(r->n_stars, 7);
    for (size_t i = 0; i < r->n_stars; i++) {
        cr_assert_eq(r->stars[i].star, (int)i);
        cr_assert_eq(r->stars[i].indicator, ind("revenue"));
    }
    cr_assert_float_eq(r->stars[0].threshold, 500000, 1e-9);
    cr_assert_float_eq(r->stars[6].threshold, 10000000, 1e-9);
    cr_assert_eq(r->stars[0].line, 2);
}

/* ---- files in a temporary folder ---------------------------------------------------- */

static const char *scheme_ok = "dimension,item,weight,contents,parts\n"
                               "经济总量,增加值,60,va,amount+growth\n"
                               "质量效益,R&D,40,rd_share,amount\n";

static void tmp_setup(void) {
    load_master();
    loaded = false;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_rules_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void tmp_teardown(void) {
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    rmdir(tmpdir);
    rules_destroy(&r);
    diag_clear(&dl);
    master_destroy(&m);
}

TestSuite(rules, .init = tmp_setup, .fini = tmp_teardown);

static void put_bytes(const char *name, const char *data, size_t len) {
    char p[512];
    FILE *f;
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    f = fopen(p, "wb");
    cr_assert_not_null(f, "cannot write %s", p);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void put(const char *name, const char *text) {
    put_bytes(name, text, strlen(text));
}

static rules_t *load(void) {
    r = rules_load(tmpdir, m, &dl);
    loaded = true;
    return r;
}

/* Loading fails (the folder is loaded once per test), and there is an error for
 * file/field at line: returned for its words. */
static const diag_t *fails_at(const char *file, unsigned line, const char *field) {
    if (!loaded) load();
    cr_assert_null(r, "the load should fail");
    cr_assert_gt(dl.n_errors, 0);
    for (size_t i = 0; i < dl.n; i++) {
        const diag_t *d = &dl.items[i];
        if (d->severity == DIAG_ERROR && !strcmp(d->file, file) && !strcmp(d->field, field) &&
            d->line == line)
            return d;
    }
    cr_assert_fail("no error at %s:%u in column %s; findings:\n%s", file, line, field, all_diags());
    return NULL;
}

#define assert_says(d, words)                                                                                \
    cr_assert_not_null(strstr((d)->message, (words)), "message \"%s\" lacks \"%s\"", (d)->message, (words))

Test(rules, an_empty_folder_gives_empty_rules) {
    period_t jun = {2017, 6};
    bool listed = true;
    cr_assert_not_null(load(), "no files at all is allowed:\n%s", all_diags());
    cr_assert_eq(r->n_schemes, 0);
    cr_assert_eq(r->n_targets, 0);
    cr_assert_eq(r->n_pacing, 0);
    cr_assert_eq(r->n_stars, 0);
    cr_assert_null(rules_scheme(r, 2017));
    cr_assert_null(rules_targets(r, 2017));
    cr_assert_float_eq(rules_pace(r, 0, jun, &listed), 0.5, 1e-12);
    cr_assert_not(listed);
}

Test(rules, a_missing_folder_is_an_error) {
    r = rules_load("/nonexistent/yb-rules", m, &dl);
    cr_assert_null(r);
    cr_assert_eq(dl.n_errors, 1, "%s", all_diags());
}

Test(rules, several_years_and_only_exact_file_names) {
    put("scheme-2017.csv", scheme_ok);
    put("scheme-2018.csv", "dimension,item,weight,contents,parts\n经济总量,增加值,100,va,amount\n");
    put("scheme-2019.csv.bak", "garbage\n");
    put("scheme-19.csv", "garbage\n");
    put("targets-2018.csv", "zone,year,indicator,target_amount,target_growth_pct\njinshan,2018,va,1,\n");
    put("Targets-2018.csv", "garbage\n");
    cr_assert_not_null(load(), "%s", all_diags());
    cr_assert_eq(r->n_schemes, 2);
    cr_assert_eq(rules_scheme(r, 2017)->n_items, 2);
    cr_assert_eq(rules_scheme(r, 2018)->n_items, 1);
    cr_assert_not(rules_scheme(r, 2018)->items[0].growth);
    cr_assert_null(rules_scheme(r, 2019));
    cr_assert_eq(r->n_targets, 1);
    cr_assert_null(rules_targets(r, 2017));
    cr_assert_not_null(rules_target(rules_targets(r, 2018), "jinshan", ind("va")));
}

Test(rules, a_year_out_of_range_is_reported_and_the_rest_still_checked) {
    put("scheme-1899.csv", scheme_ok);
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\na,x,100,nothing,amount\n");
    assert_says(fails_at("scheme-1899.csv", 0, ""), "outside");
    fails_at("scheme-2017.csv", 2, "contents");
}

Test(rules, rows_left_blank_by_excel_are_skipped) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n"
                           "经济总量,增加值,60,va,amount+growth\n"
                           ",,,,\n"
                           "质量效益,R&D,40,rd_share,amount\n"
                           " , ,,,\n");
    cr_assert_not_null(load(), "%s", all_diags());
    cr_assert_eq(rules_scheme(r, 2017)->n_items, 2);
    cr_assert_eq(rules_scheme(r, 2017)->items[1].line, 4);
}

Test(rules, a_scheme_without_items) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n");
    assert_says(fails_at("scheme-2017.csv", 0, ""), "no items");
}

/* ---- scheme ------------------------------------------------------------------------- */

Test(rules, weights_summing_to_99) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n"
                           "经济总量,增加值,60,va,amount+growth\n"
                           "质量效益,R&D,39,rd_share,amount\n");
    const diag_t *d = fails_at("scheme-2017.csv", 0, "weight");
    assert_says(d, "sum to 99");
    assert_says(d, "expected 100");
}

Test(rules, weights_may_be_fractions_that_sum_to_100) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n"
                           "a,x,33.3,va,amount\n"
                           "a,y,33.3,fai,amount\n"
                           "b,z,33.4,tax,amount\n");
    cr_assert_not_null(load(), "%s", all_diags());
    cr_assert_eq(rules_scheme(r, 2017)->n_dims, 2);
}

Test(rules, zero_weight) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n"
                           "经济总量,增加值,100,va,amount\n"
                           "质量效益,R&D,0,rd_share,amount\n");
    assert_says(fails_at("scheme-2017.csv", 3, "weight"), "greater than 0");
}

Test(rules, unknown_indicator_in_contents) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n"
                           "经济总量,增加值,60,va,amount+growth\n"
                           "质量效益,R&D,40,rd_share;rnd_share,amount\n");
    const diag_t *d = fails_at("scheme-2017.csv", 3, "contents");
    assert_says(d, "unknown indicator \"rnd_share\"");
    assert_says(d, "indicators.csv");
}

Test(rules, parts_growth_alone_is_not_a_part) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n"
                           "经济总量,增加值,60,va,growth\n"
                           "质量效益,R&D,40,rd_share,amount\n");
    const diag_t *d = fails_at("scheme-2017.csv", 2, "parts");
    assert_says(d, "\"growth\"");
    assert_says(d, "expected amount or amount+growth");
}

Test(rules, amount_and_growth_on_an_indicator_without_growth) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n"
                           "经济总量,增加值,60,va,amount+growth\n"
                           "质量效益,R&D,40,rd_share,amount+growth\n");
    const diag_t *d = fails_at("scheme-2017.csv", 3, "parts");
    assert_says(d, "rd_share");
    assert_says(d, "no growth rate");
}

Test(rules, an_item_listed_twice) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n"
                           "经济总量,增加值,50,va,amount\n"
                           "经济总量,增加值,50,fai,amount\n");
    assert_says(fails_at("scheme-2017.csv", 3, "item"), "line 2 and line 3");
}

Test(rules, a_missing_column_names_the_header_line) {
    put("scheme-2017.csv", "dimension,item,weight,contents\n经济总量,增加值,100,va\n");
    assert_says(fails_at("scheme-2017.csv", 1, "parts"), "missing column \"parts\"");
}

Test(rules, a_misspelt_column_is_not_ignored) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts,note\n经济总量,增加值,100,va,amount,\n");
    assert_says(fails_at("scheme-2017.csv", 1, "note"), "unknown column \"note\"");
}

Test(rules, header_names_are_trimmed) {
    put("scheme-2017.csv", " dimension , item,weight ,contents,parts \n经济总量,增加值,100,va,amount\n");
    cr_assert_not_null(load(), "%s", all_diags());
}

Test(rules, every_problem_of_a_file_is_reported) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n"
                           "经济总量,增加值,sixty,va,amount\n"
                           "质量效益,R&D,40,nothing,amount\n"
                           "质量效益,X,10,va,both\n");
    fails_at("scheme-2017.csv", 2, "weight");
    fails_at("scheme-2017.csv", 3, "contents");
    fails_at("scheme-2017.csv", 4, "parts");
    cr_assert_eq(dl.n_errors, 3, "no sum check once a weight is unreadable:\n%s", all_diags());
}

Test(rules, chinese_names_and_a_full_width_semicolon) {
    put("scheme-2017.csv", "dimension,item,weight,contents,parts\n"
                           "经济总量,增加值,60,增加值,amount+growth\n"
                           "集群发展,主导产业,40,主导产业增加值占比；lead_fai_share,amount\n");
    cr_assert_not_null(load(), "%s", all_diags());
    const scheme_t *s = rules_scheme(r, 2017);
    cr_assert_eq(s->items[0].contents[0], ind("va"));
    cr_assert_eq(s->items[1].n_contents, 2);
    cr_assert_eq(s->items[1].contents[0], ind("lead_va_share"));
    cr_assert_eq(s->items[1].contents[1], ind("lead_fai_share"));
}

/* UTF-8 → GB18030, as Excel saves a sheet in a Chinese locale. */
static size_t to_gb18030(const char *in, char *out, size_t outsz) {
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    char *src = (char *)in, *dst = out;
    size_t left_in = strlen(in), left_out = outsz;
    cr_assert_neq(cd, (iconv_t)-1);
    cr_assert_neq(iconv(cd, &src, &left_in, &dst, &left_out), (size_t)-1);
    iconv_close(cd);
    return outsz - left_out;
}

Test(rules, a_gb18030_scheme_file_loads) {
    char gb[1024];
    size_t n =
        to_gb18030("dimension,item,weight,contents,parts\r\n"
                   "经济总量,增加值,50,增加值,amount+growth\r\n"
                   "节约集约,污水固废集中处理率及运行达标率,50,污水固废集中处理率；污水集中处理设施运行"
                   "达标率,amount\r\n",
                   gb, sizeof gb);
    cr_assert_not(utf8_valid(gb, n), "the file really is GB18030");
    put_bytes("scheme-2017.csv", gb, n);
    cr_assert_not_null(load(), "%s", all_diags());
    const scheme_t *s = rules_scheme(r, 2017);
    cr_assert_eq(s->n_items, 2);
    cr_assert_str_eq(s->dims[1], "节约集约");
    cr_assert_str_eq(s->items[1].item, "污水固废集中处理率及运行达标率");
    cr_assert_eq(s->items[1].contents[0], ind("waste_treatment"));
    cr_assert_eq(s->items[1].contents[1], ind("sewage_compliance"));
    cr_assert_eq(s->items[1].line, 3);
}

/* ---- targets ------------------------------------------------------------------------ */

static const char *targets_head = "zone,year,indicator,target_amount,target_growth_pct\n";

static void put_targets(const char *rows) {
    char buf[2048];
    snprintf(buf, sizeof buf, "%s%s", targets_head, rows);
    put("targets-2017.csv", buf);
}

Test(rules, a_zone_by_its_chinese_name_is_stored_by_code) {
    put_targets("金山产业集聚区,2017,固定资产投资,1381282.8,18.0\n");
    cr_assert_not_null(load(), "%s", all_diags());
    const target_t *t = rules_target(rules_targets(r, 2017), "jinshan", ind("fai"));
    cr_assert_not_null(t);
    cr_assert_str_eq(t->zone, "jinshan");
}

Test(rules, target_for_an_unknown_zone) {
    put_targets("jinshan,2017,fai,1381282.8,18.0\n"
                "jinshan2,2017,fai,1381282.8,18.0\n");
    const diag_t *d = fails_at("targets-2017.csv", 3, "zone");
    assert_says(d, "unknown zone \"jinshan2\"");
    assert_says(d, "regions.csv");
}

Test(rules, target_given_twice) {
    put_targets("jinshan,2017,fai,1381282.8,18.0\n"
                "baoshan,2017,fai,1298521.0,18.0\n"
                "金山产业集聚区,2017,fai,1381282.8,\n");
    const diag_t *d = fails_at("targets-2017.csv", 4, "indicator");
    assert_says(d, "jinshan");
    assert_says(d, "line 2 and line 4");
    cr_assert_eq(dl.n_errors, 1, "%s", all_diags());
}

Test(rules, a_number_with_a_decimal_comma) {
    put_targets("jinshan,2017,fai,\"12,5x\",18.0\n");
    const diag_t *d = fails_at("targets-2017.csv", 2, "target_amount");
    assert_says(d, "\"12,5x\" is not a number");
}

Test(rules, a_growth_that_is_not_a_number) {
    put_targets("jinshan,2017,fai,1381282.8,nan\n");
    assert_says(fails_at("targets-2017.csv", 2, "target_growth_pct"), "not a number");
}

Test(rules, year_other_than_the_file_names) {
    put_targets("jinshan,2017,fai,1381282.8,18.0\n"
                "jinshan,2016,va,1424402.7,10.0\n");
    const diag_t *d = fails_at("targets-2017.csv", 3, "year");
    assert_says(d, "2016");
    assert_says(d, "expected 2017");
}

Test(rules, target_for_an_unknown_indicator) {
    put_targets("jinshan,2017,investment,1381282.8,18.0\n");
    assert_says(fails_at("targets-2017.csv", 2, "indicator"), "unknown indicator \"investment\"");
}

Test(rules, growth_target_for_an_indicator_without_growth) {
    put_targets("jinshan,2017,rd_share,2.0,5.0\n");
    assert_says(fails_at("targets-2017.csv", 2, "target_growth_pct"), "rd_share carries no growth rate");
}

Test(rules, a_row_without_any_target) {
    put_targets("jinshan,2017,fai,,\n");
    assert_says(fails_at("targets-2017.csv", 2, "target_amount"), "neither");
}

Test(rules, a_target_amount_of_zero) {
    put_targets("jinshan,2017,fai,0,18.0\n");
    assert_says(fails_at("targets-2017.csv", 2, "target_amount"), "greater than 0");
}

/* ---- pacing ------------------------------------------------------------------------- */

Test(rules, pacing_with_a_subset_of_months) {
    put("pacing.csv", "indicator,m03,m06,m09,m12\nfai,0.2,0.45,0.7,1\n");
    cr_assert_not_null(load(), "%s", all_diags());
    bool listed = false;
    period_t mar = {2017, 3}, apr = {2017, 4};
    cr_assert_float_eq(rules_pace(r, ind("fai"), mar, &listed), 0.2, 1e-12);
    cr_assert(listed);
    cr_assert_float_eq(rules_pace(r, ind("fai"), apr, &listed), 4 / 12.0, 1e-12);
    cr_assert_not(listed);
}

Test(rules, pacing_that_falls) {
    put("pacing.csv", "indicator,m02,m03,m04,m12\n"
                      "va,0.1,0.2,0.3,1.0\n"
                      "fai,0.10,0.18,0.17,1.0\n");
    const diag_t *d = fails_at("pacing.csv", 3, "m04");
    assert_says(d, "never decreases");
}

Test(rules, pacing_that_does_not_reach_1_in_m12) {
    put("pacing.csv", "indicator,m06,m12\nfai,0.47,0.95\n");
    assert_says(fails_at("pacing.csv", 2, "m12"), "expected 1");
}

Test(rules, pacing_without_an_m12_column) {
    put("pacing.csv", "indicator,m06,m11\nfai,0.47,0.91\n");
    fails_at("pacing.csv", 1, "m12");
}

Test(rules, pacing_outside_0_to_1_and_an_empty_cell) {
    put("pacing.csv", "indicator,m06,m09,m12\nfai,47,,1\n");
    assert_says(fails_at("pacing.csv", 2, "m06"), "outside 0..1");
    assert_says(fails_at("pacing.csv", 2, "m09"), "empty");
}

Test(rules, pacing_for_an_unknown_indicator) {
    put("pacing.csv", "indicator,m12\ninvestment,1\n");
    assert_says(fails_at("pacing.csv", 2, "indicator"), "unknown indicator \"investment\"");
}

/* ---- stars -------------------------------------------------------------------------- */

Test(rules, stars_are_sorted_whatever_the_file_order) {
    put("stars.csv", "star,indicator,threshold\n2,revenue,3\n0,主营业务收入,1\n1,revenue,2\n1,tax,5\n");
    cr_assert_not_null(load(), "%s", all_diags());
    cr_assert_eq(r->n_stars, 4);
    cr_assert_eq(r->stars[0].star, 0);
    cr_assert_eq(r->stars[0].indicator, ind("revenue"));
    cr_assert_eq(r->stars[1].star, 1);
    cr_assert_eq(r->stars[2].star, 1);
    cr_assert_eq(r->stars[3].star, 2);
}

Test(rules, a_negative_star_and_a_bad_threshold) {
    put("stars.csv", "star,indicator,threshold\n-1,revenue,1\n1,revenue,inf\n");
    fails_at("stars.csv", 2, "star");
    fails_at("stars.csv", 3, "threshold");
}

/* ---- all or nothing ----------------------------------------------------------------- */

Test(rules, one_bad_file_fails_the_load_and_every_file_is_checked) {
    put("scheme-2017.csv", scheme_ok);
    put_targets("jinshan2,2017,fai,1,\n");
    put("pacing.csv", "indicator,m12\nfai,0.9\n");
    cr_assert_null(load());
    fails_at("targets-2017.csv", 2, "zone");
    fails_at("pacing.csv", 2, "m12");
    cr_assert_eq(dl.n_errors, 2, "%s", all_diags());
}

Test(rules, destroy_is_null_safe) {
    rules_t *none = NULL;
    rules_destroy(&none);
    rules_destroy(NULL);
    cr_assert_null(none);
}
