/* test_enterprise.c - key enterprises (重点企业运行): the 统一社会信用代码 check, the
 * statuses, a county's CSV file of them, validation, the wire and the store.
 *
 * The check characters are worked out by hand in the comments (GB 32100-2015: charset
 * 0-9 A-H J-N P-R T U W-Y valued 0..30, weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10
 * 30 28, check = 31 − Σ mod 31, 31 as 0), so the function is tested against arithmetic,
 * not against itself.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "county_csv.h"
#include "diag.h"
#include "enterprise.h"
#include "master.h"
#include "report.h"
#include "rstore.h"
#include "text.h"
#include "validate.h"

/* ---- the code ------------------------------------------------------------------------ */

Test(uscc, the_commonly_cited_example_checks_by_hand) {
    /* 91350100M000100Y4 | 3: values 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4;
     * products 9 3 27 135 0 26 0 0 420 0 0 0 8 0 0 900 112, sum 1640;
     * 1640 mod 31 = 1640 − 52·31 = 28; 31 − 28 = 3 */
    cr_assert_eq(uscc_check_char("91350100M000100Y4"), '3');
    cr_assert_eq(uscc_check("91350100M000100Y43"), USCC_OK);
    /* its 组织机构代码 M000100Y4: M=22 (GB 11714 letters A=10), 22·3 + 1·5 + Y=34·2 = 139;
     * 139 mod 11 = 7; 11 − 7 = 4 */
    cr_assert(uscc_org_code_ok("91350100M000100Y43"));
}

Test(uscc, a_sample_city_code_checks_by_hand) {
    /* 91410621MAJE0TNC8 | K (浚县恒泰家具): values 9 1 4 1 0 6 2 1 M=21 A=10 J=18 E=14 0 T=26
     * N=22 C=12 8; products 9 3 36 27 0 156 32 17 420 290 450 182 0 624 220 360 224, sum
     * 3050; 3050 mod 31 = 3050 − 98·31 = 12; 31 − 12 = 19 = K */
    cr_assert_eq(uscc_check_char("91410621MAJE0TNC8"), 'K');
    cr_assert_eq(uscc_check("91410621MAJE0TNC8K"), USCC_OK);
}

Test(uscc, a_sum_that_divides_gives_check_character_0) {
    /* 31 − Σ mod 31 is 31 when 31 divides Σ, and the standard writes it 0. Varying the
     * 17th character of 91410621MAJE0TNC8 through the charset changes Σ by 28·v, and 28
     * is invertible mod 31, so exactly one of the 31 characters makes Σ ≡ 0: that one
     * must give '0', every other one the character 31 − Σ mod 31. Σ is recomputed here
     * from the weights, not by the function. */
    const char *set = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    char s[18] = "91410621MAJE0TNC8";
    bool seen = false;
    for (const char *c = set; *c; c++) {
        int sum = 0;
        static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
        s[16] = *c;
        for (int i = 0; i < 17; i++)
            sum += uscc_char_value(s[i]) * w[i];
        if (sum % 31 == 0) {
            cr_assert_eq(uscc_check_char(s), '0', "%s", s);
            seen = true;
        } else {
            cr_assert_eq(uscc_check_char(s), set[31 - sum % 31], "%s", s);
        }
    }
    cr_assert(seen, "one of the 31 characters makes the sum divisible by 31");
}

Test(uscc, one_changed_or_two_swapped_characters_are_caught) {
    const char *good = "91410621MAJE0TNC8K";
    char s[19];
    for (int i = 2; i < 17; i++) { /* every position after the department and kind */
        snprintf(s, sizeof s, "%s", good);
        s[i] = s[i] == '7' ? '5' : '7';
        cr_assert_eq(uscc_check(s), USCC_CHECK, "%s", s);
    }
    snprintf(s, sizeof s, "%s", good);
    s[9] = 'J', s[10] = 'A'; /* MAJE → MJAE */
    cr_assert_eq(uscc_check(s), USCC_CHECK, "%s", s);
}

Test(uscc, each_kind_of_mistake_has_its_verdict) {
    cr_assert_eq(uscc_check("91410621MAJE0TNC8"), USCC_LENGTH);
    cr_assert_eq(uscc_check("91410621MAJE0TNC8KK"), USCC_LENGTH);
    cr_assert_eq(uscc_check("91410621MAJE0TNC8k"), USCC_CHARSET, "lower case is not in the charset");
    cr_assert_eq(uscc_check("91410621MAJEOTNC8K"), USCC_CHARSET, "O (letter) is not in the charset");
    cr_assert_eq(uscc_check("94410621MAJE0TNC8K"), USCC_DEPARTMENT, "工商 has kinds 1, 2, 3 only");
    cr_assert_eq(uscc_check("B1410621MAJE0TNC8K"), USCC_DEPARTMENT, "no department B");
    cr_assert_eq(uscc_check("91A10621MAJE0TNC8K"), USCC_REGION);
    cr_assert_eq(uscc_check("91410621MAJE0TNC8X"), USCC_CHECK);
}

Test(uscc, what_a_desk_types_is_read_as_meant) {
    char out[24];
    cr_assert(uscc_normalize(" 9141 0621-maje0tnc8k ", out, sizeof out));
    cr_assert_str_eq(out, "91410621MAJE0TNC8K");
    cr_assert(uscc_normalize("９１４１０６２１ＭＡＪＥ０ＴＮＣ８ｋ", out, sizeof out));
    cr_assert_str_eq(out, "91410621MAJE0TNC8K");
    cr_assert_not(uscc_normalize("91410621MAJE0TNC8K", out, sizeof out));
}

Test(uscc, a_wrong_organisation_code_is_only_noticed) {
    /* 91410621MAJE0TNC8K: MAJE0TNC = 22·3 + 10·7 + 19·9 + 14·10 + 0 + 29·8 + 23·4 + 12·2
     * = 66 + 70 + 171 + 140 + 232 + 92 + 24 = 795; 795 mod 11 = 3; 11 − 3 = 8: the 17th */
    cr_assert(uscc_org_code_ok("91410621MAJE0TNC8K"));
    /* 91410621MAJE0TNC7?: its own check character then, with 7 in place of 8 */
    cr_assert_not(uscc_org_code_ok("91410621MAJE0TNC7D"));
}

Test(ent_status, codes_and_labels_both_name_a_status) {
    cr_assert_eq(ent_status_of("stopped"), ENT_STOPPED);
    cr_assert_eq(ent_status_of("Stopped"), ENT_STOPPED);
    cr_assert_eq(ent_status_of("停产"), ENT_STOPPED);
    cr_assert_eq(ent_status_of("停产整顿"), ENT_RECTIFYING);
    cr_assert_eq(ent_status_of("新投产"), ENT_NEW);
    cr_assert_eq(ent_status_of("正常"), ENT_STATUS_NONE);
    cr_assert_eq(ent_status_of(""), ENT_STATUS_NONE);
    cr_assert_str_eq(ent_status_code(ENT_REDUCED), "reduced");
    cr_assert_str_eq(ent_status_label(ENT_PARTIAL), "半停产");
    cr_assert(ent_status_down(ENT_STOPPED) && ent_status_down(ENT_REDUCED) && ent_status_down(ENT_PARTIAL) &&
              ent_status_down(ENT_RECTIFYING));
    cr_assert_not(ent_status_down(ENT_NORMAL) || ent_status_down(ENT_NEW) || ent_status_down(ENT_STATUS_NONE));
}

/* ---- a county's CSV file ----------------------------------------------------------------- */

static master_t *m;
static char city[4096];
static report_set_t set;
static diag_list_t dl;

static void csv_setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    diag_list_t mdl = {0};
    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    m = master_load(city, &mdl);
    cr_assert_not_null(m, "master_load(%s)", city);
    diag_clear(&mdl);
    memset(&set, 0, sizeof set);
    memset(&dl, 0, sizeof dl);
}

static void csv_teardown(void) {
    report_set_clear(&set);
    diag_clear(&dl);
    master_destroy(&m);
}

static size_t parse(const char *text) {
    return county_csv_parse(m, "e.csv", text, strlen(text), &set, &dl);
}

static const char *all_diags(void) {
    static char buf[16384];
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < dl.n && off + 600 < sizeof buf; i++) {
        char one[600];
        diag_format(&dl.items[i], one, sizeof one);
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s\n", one);
    }
    return buf;
}

static bool said(const char *head, const char *words) {
    for (size_t i = 0; i < dl.n; i++) {
        char one[1024];
        diag_format(&dl.items[i], one, sizeof one);
        if (!strncmp(one, head, strlen(head)) && strstr(one, words)) return true;
    }
    return false;
}

TestSuite(enterprise_csv, .init = csv_setup, .fini = csv_teardown);

#define ENT_HEADER                                                                                            \
    "zone,period,credit_code,enterprise,industry,output_value,output_growth_pct,revenue,revenue_growth_pct,"  \
    "production_status,remark\n"

/* The sample files' rows read by a plain line scan (fgets, strsep, strtod), no csv.c. */
Test(enterprise_csv, the_sample_files_rows_are_read_as_written) {
    static const char *const files[] = {"410602", "410611", "410621", "410622", "410671", "410672", "410603"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        char path[4300], line[2048];
        FILE *fp;
        size_t n_rows = 0;
        report_set_clear(&set);
        snprintf(path, sizeof path, "%s/reports/2017-06/%s.enterprises.csv", city, files[f]);
        cr_assert_eq(county_csv_load(m, path, &set, &dl), 0, "%s: %s", path, all_diags());
        cr_assert_not_null(fp = fopen(path, "r"));
        cr_assert_not_null(fgets(line, sizeof line, fp));
        while (fgets(line, sizeof line, fp)) {
            char *p = line, *col[11];
            const report_t *r = NULL;
            const enterprise_t *e = NULL;
            line[strcspn(line, "\r\n")] = '\0';
            for (int i = 0; i < 11; i++)
                col[i] = strsep(&p, ",");
            cr_assert_not_null(col[10]);
            for (size_t i = 0; i < set.n; i++)
                if (!strcmp(set.reports[i].zone, col[0])) r = &set.reports[i];
            cr_assert_not_null(r, "%s: no report of %s", path, col[0]);
            for (size_t i = 0; i < r->n_enterprises; i++)
                if (!strcmp(r->enterprises[i].code, col[2])) e = &r->enterprises[i];
            cr_assert_not_null(e, "%s: no row %s", path, col[2]);
            cr_assert_eq(uscc_check(e->code), USCC_OK, "the sample's code %s is valid", e->code);
            cr_assert_str_eq(e->name, col[3]);
            cr_assert_str_eq(e->industry, col[4]);
            cr_assert_eq(e->has_output, col[5][0] != '\0');
            if (col[5][0]) cr_assert_eq(e->output_value, strtod(col[5], NULL));
            cr_assert_eq(e->has_output_growth, col[6][0] != '\0');
            if (col[6][0]) cr_assert_eq(e->output_growth_pct, strtod(col[6], NULL));
            cr_assert_eq(e->has_revenue, col[7][0] != '\0');
            if (col[7][0]) cr_assert_eq(e->revenue, strtod(col[7], NULL));
            cr_assert_eq(e->has_revenue_growth, col[8][0] != '\0');
            if (col[8][0]) cr_assert_eq(e->revenue_growth_pct, strtod(col[8], NULL));
            cr_assert_str_eq(e->status, ent_status_code(ent_status_of(col[9])), "%s", col[9]);
            cr_assert_str_eq(e->remark, col[10]);
            n_rows++;
        }
        fclose(fp);
        {
            size_t n = 0;
            for (size_t i = 0; i < set.n; i++)
                n += set.reports[i].n_enterprises;
            cr_assert_eq(n, n_rows, "%s", path);
        }
    }
}

Test(enterprise_csv, enterprises_join_the_values_of_their_zone) {
    char path[4300];
    snprintf(path, sizeof path, "%s/reports/2017-06/410602.csv", city);
    cr_assert_eq(county_csv_load(m, path, &set, &dl), 0, "%s", all_diags());
    snprintf(path, sizeof path, "%s/reports/2017-06/410602.enterprises.csv", city);
    cr_assert_eq(county_csv_load(m, path, &set, &dl), 0, "%s", all_diags());
    cr_assert_eq(set.n, 1, "one report of baoshan 2017-06");
    cr_assert_gt(set.reports[0].n_values, 0);
    cr_assert_eq(set.reports[0].n_enterprises, 4);
    cr_assert_str_eq(set.reports[0].enterprises[3].status, "stopped");
    cr_assert_eq(set.reports[0].enterprises[3].line, 5);
}

Test(enterprise_csv, a_wrong_code_is_refused_with_its_line_and_column) {
    /* 91410602599521784H (万和碳素) with two characters swapped: …784H → …748H */
    cr_assert_eq(parse(ENT_HEADER "baoshan,2017-06,91410600582284209E,鹤壁宝能热电有限公司,热力,98650.2,3.1,"
                                  "101230.7,4.0,正常生产,\n"
                                  "baoshan,2017-06,91410602599521748H,鹤壁万和碳素有限公司,碳素,0,-100,0,-100,"
                                  "停产,\n"),
                 1, "%s", all_diags());
    cr_assert(said("e.csv:3: credit_code: 统一社会信用代码 91410602599521748H", "should be"), "%s", all_diags());
    cr_assert_eq(set.n, 1, "the good row is read");
    cr_assert_eq(set.reports[0].n_enterprises, 1);
}

Test(enterprise_csv, chinese_headers_labels_and_spaced_codes_are_read) {
    cr_assert_eq(parse("园区代码,统计期,统一社会信用代码,企业名称,行业,工业总产值,工业总产值同比增长(%),营业收入,"
                       "营业收入同比增长(%),生产状态,备注\n"
                       "浚县产业集聚区,2017年1-6月,9141 0621 maje 0tnc 8k,浚县恒泰家具有限公司,木质家具制造,"
                       "\"15,840.3\",-9.7,15230.6,-10.4,减产,订单不足\n"),
                 0, "%s", all_diags());
    cr_assert_eq(set.n, 1);
    cr_assert_str_eq(set.reports[0].zone, "xunxian");
    cr_assert_str_eq(set.reports[0].enterprises[0].code, "91410621MAJE0TNC8K");
    cr_assert_str_eq(set.reports[0].enterprises[0].status, "reduced");
    cr_assert_eq(set.reports[0].enterprises[0].output_value, 15840.3);
    cr_assert(said("e.csv", "91410621MAJE0TNC8K"), "the code's spelling is said once: %s", all_diags());
}

Test(enterprise_csv, an_unknown_status_and_a_missing_name_are_refused) {
    cr_assert_eq(parse(ENT_HEADER "xunxian,2017-06,91410621MAJE0TNC8K,浚县恒泰家具有限公司,家具,1,1,1,1,歇业,\n"
                                  "xunxian,2017-06,91410621MA2J4FN82K,,食品,1,1,1,1,normal,\n"),
                 2, "%s", all_diags());
    cr_assert(said("e.csv:2: production_status: unknown production status \"歇业\"", "停产 (stopped)"), "%s",
              all_diags());
    cr_assert(said("e.csv:3: enterprise: empty", ""), "%s", all_diags());
    cr_assert_eq(set.n, 0);
}

Test(enterprise_csv, a_header_mixing_enterprises_and_values_is_refused) {
    cr_assert_eq(parse("zone,period,indicator,amount,credit_code\nxunxian,2017-06,revenue,1,91410621MAJE0TNC8K\n"),
                 1, "%s", all_diags());
    cr_assert(said("e.csv:1:", "mixes key enterprises"), "%s", all_diags());
}

/* ---- validation ---------------------------------------------------------------------- */

static void base_report(report_t *r) {
    memset(r, 0, sizeof *r);
    snprintf(r->zone, sizeof r->zone, "xunxian");
    snprintf(r->period, sizeof r->period, "2017-06");
    snprintf(r->source, sizeof r->source, "e.csv");
    r->revision = 1;
}

static enterprise_t ent(const char *code, const char *status, unsigned line) {
    enterprise_t e;
    memset(&e, 0, sizeof e);
    snprintf(e.code, sizeof e.code, "%s", code);
    snprintf(e.name, sizeof e.name, "企业%u", line);
    snprintf(e.status, sizeof e.status, "%s", status);
    e.has_output = e.has_revenue = true;
    e.output_value = 100;
    e.revenue = 90;
    e.line = line;
    return e;
}

static bool has_diag(const diag_list_t *l, diag_severity_t sev, unsigned line, const char *field, const char *words) {
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].severity == sev && l->items[i].line == line && !strcmp(l->items[i].field, field) &&
            strstr(l->items[i].message, words))
            return true;
    return false;
}

static const char *list_of(const diag_list_t *l) {
    static char buf[8192];
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->n && off + 600 < sizeof buf; i++) {
        char one[600];
        diag_format(&l->items[i], one, sizeof one);
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s\n", one);
    }
    return buf;
}

Test(enterprise_validate, good_rows_pass) {
    report_t r;
    diag_list_t l = {0};
    enterprise_t a = ent("91410621MAJE0TNC8K", "reduced", 2), b = ent("91350100M000100Y43", "new", 3);
    base_report(&r);
    b.has_output_growth = true;
    b.output_growth_pct = 450; /* new: a big growth is no surprise */
    report_add_enterprise(&r, &a);
    report_add_enterprise(&r, &b);
    validate_enterprises(&r, &l);
    cr_assert_eq(l.n, 0, "%s", list_of(&l));
    report_clear(&r);
}

Test(enterprise_validate, every_rule_names_its_line_and_field) {
    report_t r;
    diag_list_t l = {0};
    enterprise_t e[9];
    base_report(&r);
    e[0] = ent("91410621MAJE0TNC8X", "normal", 2);  /* check character */
    e[1] = ent("91410621MAJE0TNC8K", "normal", 3);
    e[2] = ent("91410621MAJE0TNC8K", "normal", 4);  /* twice */
    e[3] = ent("91410621MA2J4FN82K", "closed", 5);  /* status */
    e[4] = ent("91410621MAYD0BNJ2J", "stopped", 6); /* negative */
    e[4].output_value = -1;
    e[5] = ent("91410621MA2TH3BJ35", "stopped", 7); /* NaN, and growth below -100 */
    e[5].revenue = NAN;
    e[5].has_output_growth = true;
    e[5].output_growth_pct = -100; /* -100 with an output of 100 */
    e[6] = ent("914106216147637905", "normal", 8); /* a growth that is a unit mistake */
    e[6].has_revenue_growth = true;
    e[6].revenue_growth_pct = 12000;
    e[7] = ent("91410621MAAY4CL12U", "normal", 9); /* high growth, not new: a warning */
    e[7].has_output_growth = true;
    e[7].output_growth_pct = 320;
    e[8] = ent("", "", 10);
    for (int i = 0; i < 9; i++)
        report_add_enterprise(&r, &e[i]);
    validate_enterprises(&r, &l);
    cr_assert(has_diag(&l, DIAG_ERROR, 2, "credit_code", "should be K"), "%s", list_of(&l));
    cr_assert(has_diag(&l, DIAG_ERROR, 4, "credit_code", "on line 3 and line 4"), "%s", list_of(&l));
    cr_assert(has_diag(&l, DIAG_ERROR, 5, "production_status", "\"closed\""), "%s", list_of(&l));
    cr_assert(has_diag(&l, DIAG_ERROR, 6, "output_value", "negative"), "%s", list_of(&l));
    cr_assert(has_diag(&l, DIAG_ERROR, 7, "revenue", "NaN"), "%s", list_of(&l));
    cr_assert(has_diag(&l, DIAG_ERROR, 7, "output_growth_pct", "impossible"), "%s", list_of(&l));
    cr_assert(has_diag(&l, DIAG_ERROR, 8, "revenue_growth_pct", "hundredfold"), "%s", list_of(&l));
    cr_assert(has_diag(&l, DIAG_WARNING, 9, "output_growth_pct", "unusually high"), "%s", list_of(&l));
    cr_assert(has_diag(&l, DIAG_ERROR, 10, "credit_code", "missing"), "%s", list_of(&l));
    cr_assert(has_diag(&l, DIAG_ERROR, 10, "production_status", "missing"), "%s", list_of(&l));
    cr_assert_eq(l.n_errors, 9, "%s", list_of(&l));
    cr_assert_eq(l.n_warnings, 1, "%s", list_of(&l));
    diag_clear(&l);
    report_clear(&r);
}

Test(enterprise_validate, a_stopped_enterprise_may_fall_by_100_percent_to_zero) {
    report_t r;
    diag_list_t l = {0};
    enterprise_t e = ent("91410602599521784H", "stopped", 5);
    base_report(&r);
    e.output_value = e.revenue = 0;
    e.has_output_growth = e.has_revenue_growth = true;
    e.output_growth_pct = e.revenue_growth_pct = -100;
    report_add_enterprise(&r, &e);
    validate_enterprises(&r, &l);
    cr_assert_eq(l.n, 0, "%s", list_of(&l));
    report_clear(&r);
}

/* ---- the wire ------------------------------------------------------------------------ */

Test(enterprise_codec, a_report_with_enterprises_round_trips) {
    msg_t in, out;
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[256] = "";
    enterprise_t a = ent("91410621MAJE0TNC8K", "reduced", 2), b = ent("91350100M000100Y43", "new", 3);
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    in.kind = MSG_REPORT;
    codec_new_id(in.id);
    base_report(&in.report);
    a.has_output_growth = true;
    a.output_growth_pct = -9.7;
    snprintf(a.industry, sizeof a.industry, "木质家具制造");
    snprintf(a.remark, sizeof a.remark, "订单不足");
    b.has_output = false;
    b.has_revenue_growth = true;
    b.revenue_growth_pct = 0;
    report_add_enterprise(&in.report, &a);
    report_add_enterprise(&in.report, &b);
    cr_assert_eq(codec_encode(&in, &buf, &len), 0);
    cr_assert_eq(codec_decode(buf, len, &out, err, sizeof err), 0, "%s", err);
    cr_assert_eq(out.report.n_enterprises, 2);
    for (int i = 0; i < 2; i++) {
        const enterprise_t *x = &in.report.enterprises[i], *y = &out.report.enterprises[i];
        cr_assert_str_eq(y->code, x->code);
        cr_assert_str_eq(y->name, x->name);
        cr_assert_str_eq(y->industry, x->industry);
        cr_assert_str_eq(y->status, x->status);
        cr_assert_str_eq(y->remark, x->remark);
        cr_assert_eq(y->has_output, x->has_output);
        cr_assert_eq(y->output_value, x->has_output ? x->output_value : 0);
        cr_assert_eq(y->has_output_growth, x->has_output_growth);
        cr_assert_eq(y->output_growth_pct, x->output_growth_pct);
        cr_assert_eq(y->has_revenue, x->has_revenue);
        cr_assert_eq(y->revenue, x->revenue);
        cr_assert_eq(y->has_revenue_growth, x->has_revenue_growth, "a growth of 0 is present, not absent");
        cr_assert_eq(y->revenue_growth_pct, x->revenue_growth_pct);
        cr_assert_eq(y->line, x->line);
    }
    free(buf);
    msg_clear(&in);
    msg_clear(&out);
}

Test(enterprise_codec, content_bytes_do_not_depend_on_row_order_and_see_every_field) {
    report_t r1, r2;
    uint8_t *c1, *c2, *c3, *c0;
    size_t n1, n2, n3, n0;
    enterprise_t a = ent("91410621MAJE0TNC8K", "reduced", 2), b = ent("91350100M000100Y43", "new", 3);
    base_report(&r1);
    base_report(&r2);
    cr_assert_eq(codec_report_content(&r1, &c0, &n0), 0);
    report_add_enterprise(&r1, &a);
    report_add_enterprise(&r1, &b);
    b.line = 7; /* lines are not content */
    report_add_enterprise(&r2, &b);
    report_add_enterprise(&r2, &a);
    cr_assert_eq(codec_report_content(&r1, &c1, &n1), 0);
    cr_assert_eq(codec_report_content(&r2, &c2, &n2), 0);
    cr_assert(n1 == n2 && !memcmp(c1, c2, n1), "the same rows in another order are the same content");
    snprintf(r2.enterprises[0].status, sizeof r2.enterprises[0].status, "stopped");
    cr_assert_eq(codec_report_content(&r2, &c3, &n3), 0);
    cr_assert(n3 != n1 || memcmp(c1, c3, n1), "a changed status is changed content");
    cr_assert_lt(n0, n1, "the rows are in the content");
    free(c0);
    free(c1);
    free(c2);
    free(c3);
    report_clear(&r1);
    report_clear(&r2);
}

Test(enterprise_codec, more_rows_than_the_limit_are_refused) {
    msg_t in, out;
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[256] = "";
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    in.kind = MSG_REPORT;
    codec_new_id(in.id);
    base_report(&in.report);
    /* REPORT_MAX_ENTERPRISES is the domain's limit too: fill it, then one more by hand */
    for (int i = 0; i < REPORT_MAX_ENTERPRISES; i++) {
        enterprise_t e = ent("91410621MAJE0TNC8K", "normal", (unsigned)i + 2);
        cr_assert_not_null(report_add_enterprise(&in.report, &e));
    }
    {
        enterprise_t e = ent("91410621MAJE0TNC8K", "normal", 999);
        cr_assert_null(report_add_enterprise(&in.report, &e), "the domain holds at most the limit");
    }
    cr_assert_eq(codec_encode(&in, &buf, &len), 0);
    cr_assert_eq(codec_decode(buf, len, &out, err, sizeof err), 0, "the limit itself is taken: %s", err);
    cr_assert_eq(out.report.n_enterprises, REPORT_MAX_ENTERPRISES);
    free(buf);
    msg_clear(&in);
    msg_clear(&out);
}

/* ---- the store ------------------------------------------------------------------------ */

typedef struct {
    char codes[8][24];
    char status[8][32];
    uint32_t revision[8];
    int n;
} seen_t;

static void on_row(const char *zone, uint32_t revision, const enterprise_t *e, void *arg) {
    seen_t *s = arg;
    cr_assert_str_eq(zone, "xunxian");
    if (s->n >= 8) return;
    snprintf(s->codes[s->n], sizeof s->codes[0], "%s", e->code);
    snprintf(s->status[s->n], sizeof s->status[0], "%s", e->status);
    s->revision[s->n++] = revision;
}

Test(enterprise_store, every_revision_is_kept_and_the_current_one_is_read) {
    char dir[] = "/tmp/yb_ent_XXXXXX", path[128], err[512] = "", p2[160];
    rstore_t *s;
    report_t r1, r2, back;
    seen_t seen = {0};
    enterprise_t a = ent("91410621MAJE0TNC8K", "normal", 2), b = ent("91350100M000100Y43", "new", 3);
    report_value_t v = {.indicator = "revenue", .amount = 1};
    uint8_t content[1] = {0};
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/reports.db", dir);
    cr_assert_not_null(s = rstore_open(path, false, err, sizeof err), "%s", err);
    base_report(&r1);
    report_add_value(&r1, &v);
    report_add_enterprise(&r1, &a);
    report_add_enterprise(&r1, &b);
    cr_assert_eq(rstore_begin(s), 0);
    cr_assert_eq(rstore_apply(s, &r1, "410621", "410621", content, 1, NULL, 1000), 0);
    cr_assert_eq(rstore_commit(s), 0);
    /* revision 2: the enterprise stopped, the other one is gone */
    base_report(&r2);
    r2.revision = 2;
    report_add_value(&r2, &v);
    snprintf(a.status, sizeof a.status, "stopped");
    report_add_enterprise(&r2, &a);
    cr_assert_eq(rstore_begin(s), 0);
    cr_assert_eq(rstore_apply(s, &r2, "410621", "410621", content, 1, NULL, 2000), 0);
    cr_assert_eq(rstore_commit(s), 0);

    cr_assert_eq(rstore_each_enterprise(s, "2017-06", on_row, &seen), 1);
    cr_assert_str_eq(seen.codes[0], "91410621MAJE0TNC8K");
    cr_assert_str_eq(seen.status[0], "stopped");
    cr_assert_eq(seen.revision[0], 2);
    cr_assert_eq(rstore_each_enterprise(s, "2017-05", on_row, &seen), 0);

    memset(&back, 0, sizeof back);
    cr_assert_eq(rstore_revision_enterprises(s, "xunxian", "2017-06", 1, &back), 2, "revision 1 is kept whole");
    cr_assert_str_eq(back.enterprises[0].code, "91410621MAJE0TNC8K");
    cr_assert_str_eq(back.enterprises[0].status, "normal");
    cr_assert_str_eq(back.enterprises[1].code, "91350100M000100Y43");
    cr_assert_eq(back.enterprises[1].output_value, 100);
    cr_assert(back.enterprises[1].has_revenue && !back.enterprises[1].has_output_growth);
    cr_assert_eq(back.enterprises[1].line, 3);
    report_clear(&back);
    report_clear(&r1);
    report_clear(&r2);
    rstore_close(&s);
    unlink(path);
    snprintf(p2, sizeof p2, "%s-wal", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-shm", path);
    unlink(p2);
    rmdir(dir);
}

/* ---- the bulletin's rows ------------------------------------------------------------- */

#include "bulletin_enterprises.h"

static void store_report(rstore_t *s, const char *zone, uint32_t revision, const enterprise_t *e, size_t n) {
    report_t r;
    report_value_t v = {.indicator = "revenue", .amount = 1};
    uint8_t content[1] = {0};
    memset(&r, 0, sizeof r);
    snprintf(r.zone, sizeof r.zone, "%s", zone);
    snprintf(r.period, sizeof r.period, "2017-06");
    r.revision = revision;
    report_add_value(&r, &v);
    for (size_t i = 0; i < n; i++)
        report_add_enterprise(&r, &e[i]);
    cr_assert_eq(rstore_begin(s), 0);
    cr_assert_eq(rstore_apply(s, &r, "x", "x", content, 1, NULL, 1000 + revision), 0);
    cr_assert_eq(rstore_commit(s), 0);
    report_clear(&r);
}

Test(enterprise_csv, the_bulletin_gets_every_current_row_in_regions_order_with_counts) {
    char dir[] = "/tmp/yb_entb_XXXXXX", path[128], err[512] = "", p2[160];
    rstore_t *s;
    bulletin_enterprises_t b;
    enterprise_t xun[2] = {ent("91410621MAJE0TNC8K", "reduced", 2), ent("91410621MA2J4FN82K", "normal", 3)};
    enterprise_t bao[2] = {ent("91410602599521784H", "stopped", 5), ent("914106025366979187", "reduced", 4)};
    enterprise_t jin[1] = {ent("914106005983444133", "normal", 2)};
    enterprise_t gone[1] = {ent("91410622MA31690005", "stopped", 2)};
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/reports.db", dir);
    cr_assert_not_null(s = rstore_open(path, false, err, sizeof err), "%s", err);
    store_report(s, "xunxian", 1, gone, 1); /* replaced by revision 2: not in the bulletin */
    store_report(s, "xunxian", 2, xun, 2);
    store_report(s, "baoshan", 1, bao, 2);
    store_report(s, "jinshan", 1, jin, 1);
    store_report(s, "nowhere", 1, gone, 1); /* a zone regions.csv does not list */
    cr_assert_eq(bulletin_enterprises_load(&b, s, m, "2017-06"), 0);
    /* regions.csv: 410671 (jinshan) first, then 410602 (baoshan), …, 410621 (xunxian) */
    cr_assert_eq(b.n, 5);
    cr_assert_str_eq(b.rows[0].zone->code, "jinshan");
    cr_assert_str_eq(b.rows[1].zone->code, "baoshan");
    cr_assert_str_eq(b.rows[1].e.code, "914106025366979187", "the county's own order: its source line 4 first");
    cr_assert_str_eq(b.rows[2].e.code, "91410602599521784H");
    cr_assert_str_eq(b.rows[3].zone->code, "xunxian");
    cr_assert_str_eq(b.rows[3].county->name, "浚县");
    cr_assert_eq(b.rows[3].revision, 2);
    cr_assert_eq(b.rows[2].status, ENT_STOPPED);
    cr_assert_eq(b.by_status[ENT_STOPPED], 1);
    cr_assert_eq(b.by_status[ENT_REDUCED], 2);
    cr_assert_eq(b.by_status[ENT_NORMAL], 2);
    cr_assert_eq(b.n_down, 3);
    cr_assert_eq(b.n_unlisted, 1);
    bulletin_enterprises_clear(&b);
    cr_assert_eq(b.n, 0);
    rstore_close(&s);
    unlink(path);
    snprintf(p2, sizeof p2, "%s-wal", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-shm", path);
    unlink(p2);
    rmdir(dir);
}
