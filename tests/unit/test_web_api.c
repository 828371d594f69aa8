/* test_web_api.c - yuebao-web's JSON API handlers and the download (web/web_api_*.c,
 * web_data.c, web_json.c, web_access.c, web_download.c) against real stores in a
 * temporary folder, with the sample city's master data and rules, called directly with a
 * fake request for three accounts: zhang (central), wang (viewer), li (county:410603).
 *
 * The report store holds, for 2017-06 (deadline 2017-07-10 24:00 Asia/Shanghai):
 *   baoshan   (410602) rev 1 at T0:      revenue 2032384.0 @ 11.4 %
 *   shancheng (410603) rev 1 at T0+1 s:  revenue 470032.1 @ 8.8 %
 *                      rev 2 at LATE:    revenue 480000.0 @ 9.0 %  (first arrival on time)
 *   heqi      (410622) rev 1 at LATE:    revenue 900000.0 @ 12.0 % (late)
 * and heqi for 2017-05 (not ranked). T0 is 2017-07-05 00:00, LATE 2017-07-12 00:00
 * (Asia/Shanghai). A rejection of xunxian (410621) for 2017-06.
 * Targets (examples/sample-city/targets-2017.csv, revenue): baoshan 4180000, shancheng
 * 990000, heqi 2860000.
 *
 * Hand computations (revenue, 万元):
 *   city Σ = 2032384.0 + 480000.0 + 900000.0 = 3412384
 *   bases 2032384/1.114 = 1824402.154, 480000/1.09 = 440366.972, 900000/1.12 = 803571.429,
 *     Σ 3068340.555; growth 3412384/3068340.555 − 1 = 11.212688 %
 *   completion 3412384 / (4180000 + 990000 + 2860000 = 8030000) = 42.495442 %
 *   山城区 (410603): 480000 @ 9 %, completion 480000/990000 = 48.484848 %
 * The score store: 2017-06 ranked baoshan 1 (prev 2), shancheng 2 (prev 1), heqi 3 (prev
 * 3), two dimensions; alerts firing: pace/shancheng/revenue/2017 critical, pace/baoshan/
 * revenue/2017 warning.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "report.h"
#include "rstore.h"
#include "sstore.h"
#include "web.h"
#include "web_data.h"
#include "web_json.h"

#define T0 1499184000000LL   /* 2017-07-05 00:00 Asia/Shanghai */
#define LATE 1499788800000LL /* 2017-07-12 00:00 Asia/Shanghai */

static char tmpdir[64];
static web_config_t cfg;
static web_t W;
static web_reply_t rp;
static account_t zhang, wang, li;

/* web_route.c's, which this test does not link. */
void web_reply_error(web_reply_t *r, int status, const char *message) {
    strbuf_reset(&r->body);
    r->status = status;
    strbuf_puts(&r->body, "{\"error\":");
    strbuf_json_string(&r->body, message);
    strbuf_puts(&r->body, "}");
}

static void account(account_t *a, const char *name, account_role_t role, const char *county) {
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", name);
    a->role = role;
    snprintf(a->county, sizeof a->county, "%s", county);
}

static void report(rstore_t *s, const char *zone, const char *county, const char *period, uint32_t revision,
                   double revenue, double growth, int64_t at_ms) {
    uint8_t *content = NULL;
    size_t len = 0;
    report_t r;
    report_value_t v;
    memset(&r, 0, sizeof r);
    memset(&v, 0, sizeof v);
    snprintf(r.zone, sizeof r.zone, "%s", zone);
    snprintf(r.period, sizeof r.period, "%s", period);
    r.revision = revision;
    snprintf(v.indicator, sizeof v.indicator, "revenue");
    v.amount = revenue;
    v.has_growth = true;
    v.growth_pct = growth;
    cr_assert_not_null(report_add_value(&r, &v));
    cr_assert_eq(report_set_text(&r.problems, "用地<紧张>"), 0);
    cr_assert_eq(codec_report_content(&r, &content, &len), 0); /* as the aggregator keeps it */
    cr_assert_eq(rstore_begin(s), 0);
    cr_assert_eq(rstore_apply(s, &r, county, county, content, len, NULL, at_ms), 0);
    cr_assert_eq(rstore_commit(s), 0);
    free(content);
    report_clear(&r);
}

static void rejection(rstore_t *s) {
    report_t r;
    diag_list_t dl = {0};
    memset(&r, 0, sizeof r);
    snprintf(r.zone, sizeof r.zone, "xunxian");
    snprintf(r.period, sizeof r.period, "2017-06");
    r.revision = 1;
    diag_add(&dl, DIAG_ERROR, "410621.csv", 3, "amount", "not a number");
    cr_assert_eq(rstore_begin(s), 0);
    cr_assert_eq(rstore_record_rejection(s, "410621", &r, &dl, T0 + 5000), 0);
    cr_assert_eq(rstore_commit(s), 0);
    diag_clear(&dl);
}

static void rank_row(ranking_t *rk, const char *zone, const char *county, int rank, int prev, double total) {
    ranking_row_t row;
    memset(&row, 0, sizeof row);
    snprintf(row.zone, sizeof row.zone, "%s", zone);
    snprintf(row.county, sizeof row.county, "%s", county);
    row.rank = rank;
    row.prev_rank = prev;
    row.total = total;
    row.dims[0] = total / 2;
    row.dims[1] = total / 2;
    row.star = rank == 1 ? 3 : RANKING_STAR_NONE;
    cr_assert_not_null(ranking_add_row(rk, &row));
}

static void fire(sstore_t *s, const char *zone, const char *county, severity_t sev) {
    alert_t a;
    memset(&a, 0, sizeof a);
    a.kind = ALERT_PACE;
    a.severity = sev;
    snprintf(a.zone, sizeof a.zone, "%s", zone);
    snprintf(a.county, sizeof a.county, "%s", county);
    snprintf(a.indicator, sizeof a.indicator, "revenue");
    a.year = 2017;
    snprintf(a.period, sizeof a.period, "2017-06");
    a.value = a.target = a.expected = a.gap = NAN;
    snprintf(a.message, sizeof a.message, "%s behind <pace>", zone);
    a.transition = TR_FIRING;
    a.at_ms = T0;
    a.since_ms = T0;
    cr_assert_eq(sstore_begin(s), 0);
    cr_assert_eq(sstore_record_transition(s, &a), 0);
    cr_assert_eq(sstore_commit(s), 0);
}

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char err[1024] = "";
    rstore_t *st;
    sstore_t *ss;
    ranking_t rk;
    memset(&cfg, 0, sizeof cfg);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_web_api_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(cfg.store, sizeof cfg.store, "%s/reports.db", tmpdir);
    snprintf(cfg.scores, sizeof cfg.scores, "%s/scores.db", tmpdir);
    snprintf(cfg.master, sizeof cfg.master, "%s/sample-city", ex && *ex ? ex : "examples");
    snprintf(cfg.cli, sizeof cfg.cli, "%s/fake-yuebao", tmpdir);

    st = rstore_open(cfg.store, false, err, sizeof err);
    cr_assert_not_null(st, "rstore_open: %s", err);
    report(st, "baoshan", "410602", "2017-06", 1, 2032384.0, 11.4, T0);
    report(st, "shancheng", "410603", "2017-06", 1, 470032.1, 8.8, T0 + 1000);
    report(st, "shancheng", "410603", "2017-06", 2, 480000.0, 9.0, LATE);
    report(st, "heqi", "410622", "2017-06", 1, 900000.0, 12.0, LATE);
    report(st, "heqi", "410622", "2017-05", 1, 700000.0, 12.0, T0 - 86400000LL * 30);
    rejection(st);
    rstore_close(&st);

    ss = sstore_open(cfg.scores, false, err, sizeof err);
    cr_assert_not_null(ss, "sstore_open: %s", err);
    memset(&rk, 0, sizeof rk);
    snprintf(rk.period, sizeof rk.period, "2017-06");
    snprintf(rk.method, sizeof rk.method, "efficacy");
    snprintf(rk.dims[0], sizeof rk.dims[0], "总量");
    snprintf(rk.dims[1], sizeof rk.dims[1], "效益");
    rk.n_dims = 2;
    rk.state = PSTATE_OPEN;
    rk.version = 1;
    rk.computed_at_ms = T0;
    rank_row(&rk, "baoshan", "410602", 1, 2, 90.0);
    rank_row(&rk, "shancheng", "410603", 2, 1, 80.0);
    rank_row(&rk, "heqi", "410622", 3, 3, 70.0);
    cr_assert_eq(sstore_begin(ss), 0);
    cr_assert_eq(sstore_put_ranking(ss, &rk), 0);
    cr_assert_eq(sstore_commit(ss), 0);
    ranking_clear(&rk);
    fire(ss, "shancheng", "410603", SEV_CRITICAL);
    fire(ss, "baoshan", "410602", SEV_WARNING);
    sstore_close(&ss);

    memset(&W, 0, sizeof W);
    W.cfg = &cfg;
    W.data = web_data_open(&cfg, err, sizeof err);
    cr_assert_not_null(W.data, "web_data_open: %s", err);
    account(&zhang, "zhang", ACCOUNT_CENTRAL, "");
    account(&wang, "wang", ACCOUNT_VIEWER, "");
    account(&li, "li", ACCOUNT_COUNTY, "410603");
    memset(&rp, 0, sizeof rp);
}

static void teardown(void) {
    char cmd[256];
    strbuf_free(&rp.body);
    web_data_close(&W.data);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(web_api, .init = setup, .fini = teardown);

/* Calls h as u with param and query "key=value" pairs (NULL-ended); returns the body. */
static const char *call(web_handler_fn h, const account_t *u, const char *param, const char *k1, const char *v1) {
    web_request_t rq;
    memset(&rq, 0, sizeof rq);
    rq.user = u;
    rq.method = "GET";
    rq.path = "/api/test";
    rq.param = param;
    rq.csrf = "tok";
    if (k1) {
        rq.args[0].key = k1;
        rq.args[0].value = v1;
        rq.n_args = 1;
    }
    strbuf_reset(&rp.body);
    rp.status = 0;
    rp.path = NULL;
    cr_assert_eq(h(&W, &rq, &rp), 0);
    return rp.body.data ? rp.body.data : "";
}

#define HAS(body, s) cr_assert_not_null(strstr(body, s), "expected %s in %s", s, body)
#define HASNT(body, s) cr_assert_null(strstr(body, s), "did not expect %s in %s", s, body)

/* ---- access ------------------------------------------------------------------------ */

Test(web_api, access_rules) {
    cr_assert(web_may_see_county(&zhang, "410602"));
    cr_assert(web_may_see_county(&wang, "410602"));
    cr_assert(web_may_see_county(&li, "410603"));
    cr_assert_not(web_may_see_county(&li, "410602"));
    cr_assert_not(web_may_see_county(&li, NULL));
    cr_assert_not(web_may_see_county(NULL, "410603"));
    cr_assert(web_may_see_revisions(&zhang));
    cr_assert(web_may_see_revisions(&li));
    cr_assert_not(web_may_see_revisions(&wang));
}

/* ---- /api/me and /api/periods ------------------------------------------------------ */

Test(web_api, me_of_central_lists_every_county) {
    const char *b = call(web_api_me, &zhang, NULL, NULL, NULL);
    cr_assert_eq(rp.status, 200);
    HAS(b, "{\"name\":\"zhang\",\"role\":\"central\",\"county\":null,\"revisions\":true,\"csrf\":\"tok\","
           "\"city\":\"鹤壁市\",\"period\":\"2017-06\",\"counties\":[{\"county\":\"410671\"");
    HAS(b, "{\"county\":\"410603\",\"name\":\"山城区\"}");
    HAS(b, "{\"county\":\"410672\"");
}

Test(web_api, me_of_a_county_lists_its_own_only) {
    const char *b = call(web_api_me, &li, NULL, NULL, NULL);
    HAS(b, "\"role\":\"county\",\"county\":\"410603\",\"revisions\":true");
    HAS(b, "\"counties\":[{\"county\":\"410603\",\"name\":\"山城区\"}]}");
    b = call(web_api_me, &wang, NULL, NULL, NULL);
    HAS(b, "\"role\":\"viewer\",\"county\":null,\"revisions\":false");
}

Test(web_api, periods_newest_first_with_ranked) {
    const char *b = call(web_api_periods, &zhang, NULL, NULL, NULL);
    cr_assert_eq(rp.status, 200);
    cr_assert_str_eq(b, "{\"current\":\"2017-06\",\"periods\":[{\"period\":\"2017-06\",\"state\":\"preliminary\","
                        "\"ranked\":true},{\"period\":\"2017-05\",\"state\":\"preliminary\",\"ranked\":false}]}");
}

/* ---- /api/overview ------------------------------------------------------------------ */

Test(web_api, overview_completeness_totals_alerts_arrivals) {
    const char *b = call(web_api_overview, &zhang, NULL, "period", "2017-06");
    cr_assert_eq(rp.status, 200);
    HAS(b, "{\"period\":\"2017-06\",\"state\":\"preliminary\",\"deadline_ms\":1499702400000,");
    HAS(b, "{\"county\":\"410602\",\"name\":\"鹤山区\",\"zones\":1,\"reported\":1,\"late\":0,\"missing\":0}");
    HAS(b, "{\"county\":\"410603\",\"name\":\"山城区\",\"zones\":1,\"reported\":1,\"late\":0,\"missing\":0}");
    HAS(b, "{\"county\":\"410622\",\"name\":\"淇县\",\"zones\":1,\"reported\":1,\"late\":1,\"missing\":0}");
    HAS(b, "{\"county\":\"410621\",\"name\":\"浚县\",\"zones\":2,\"reported\":0,\"late\":0,\"missing\":2}");
    HAS(b, "{\"indicator\":\"revenue\",\"name\":\"主营业务收入\",\"unit\":\"万元\",\"amount\":3412384,"
           "\"growth_pct\":11.212688,\"target\":8030000,\"completion_pct\":42.495442}");
    HAS(b, "{\"indicator\":\"va\",\"name\":\"增加值\",\"unit\":\"万元\",\"amount\":null,\"growth_pct\":null,");
    HAS(b, "\"alerts\":{\"critical\":1,\"warning\":1,\"info\":0,\"firing\":[{\"key\":\"pace/shancheng/revenue/2017\"");
    HAS(b, "\"severity\":\"critical\",\"message\":\"shancheng behind \\u003cpace\\u003e\"");
    /* arrivals newest first: heqi (late), shancheng rev 2 (late), shancheng rev 1, baoshan */
    HAS(b, "\"arrivals\":[{\"at_ms\":1499788800000,\"zone\":\"heqi\",\"zone_name\":\"鹤淇产业集聚区\","
           "\"county\":\"410622\",\"revision\":1,\"late\":true}");
    HAS(b, "{\"at_ms\":1499184000000,\"zone\":\"baoshan\",\"zone_name\":\"宝山循环经济产业集聚区\","
           "\"county\":\"410602\",\"revision\":1,\"late\":false}]");
    HAS(b, "\"rejections\":[{\"at_ms\":1499184005000,\"zone\":\"xunxian\",\"county\":\"410621\",\"reason\":");
}

Test(web_api, overview_of_a_county_shows_its_own_only) {
    const char *b = call(web_api_overview, &li, NULL, NULL, NULL);
    cr_assert_eq(rp.status, 200);
    HAS(b, "\"period\":\"2017-06\"");
    HAS(b, "\"counties\":[{\"county\":\"410603\",\"name\":\"山城区\",\"zones\":1,\"reported\":1,\"late\":0,"
           "\"missing\":0}]");
    HAS(b, "{\"indicator\":\"revenue\",\"name\":\"主营业务收入\",\"unit\":\"万元\",\"amount\":480000,"
           "\"growth_pct\":9,\"target\":990000,\"completion_pct\":48.484848}");
    HAS(b, "\"alerts\":{\"critical\":1,\"warning\":0,");
    HASNT(b, "baoshan");
    HASNT(b, "heqi");
    HASNT(b, "xunxian");
}

Test(web_api, a_bad_period_is_400) {
    call(web_api_overview, &zhang, NULL, "period", "2017-13");
    cr_assert_eq(rp.status, 400);
    call(web_api_overview, &zhang, NULL, "period", "June");
    cr_assert_eq(rp.status, 400);
    HAS(rp.body.data, "{\"error\":");
}

/* ---- /api/ranking ------------------------------------------------------------------ */

Test(web_api, ranking_rows_top_fast) {
    const char *b = call(web_api_ranking, &zhang, NULL, "period", "2017-06");
    cr_assert_eq(rp.status, 200);
    HAS(b, "{\"period\":\"2017-06\",\"state\":\"preliminary\",\"version\":1,\"method\":\"efficacy\","
           "\"dimensions\":[\"总量\",\"效益\"],\"rows\":[{\"rank\":1,\"prev_rank\":2,\"delta\":1,\"zone\":\"baoshan\","
           "\"zone_name\":\"宝山循环经济产业集聚区\",\"county\":\"410602\",\"county_name\":\"鹤山区\",\"total\":90,"
           "\"scores\":[45,45],\"star\":3,\"star_below\":false}");
    HAS(b, "{\"rank\":2,\"prev_rank\":1,\"delta\":-1,\"zone\":\"shancheng\"");
    HAS(b, "\"star\":null");
    HAS(b, "\"top10\":[\"baoshan\",\"shancheng\",\"heqi\"],\"fast10\":[\"baoshan\"]}");
}

Test(web_api, ranking_of_a_county_and_unranked_404) {
    const char *b = call(web_api_ranking, &li, NULL, "period", "2017-06");
    cr_assert_eq(rp.status, 200);
    HAS(b, "\"rows\":[{\"rank\":2,");
    HASNT(b, "baoshan");
    HASNT(b, "heqi");
    call(web_api_ranking, &zhang, NULL, "period", "2017-05");
    cr_assert_eq(rp.status, 404);
}

/* ---- /api/zone ---------------------------------------------------------------------- */

Test(web_api, zone_months_revisions_and_words) {
    const char *b = call(web_api_zone, &zhang, "shancheng", "period", "2017-06");
    cr_assert_eq(rp.status, 200);
    HAS(b, "{\"zone\":\"shancheng\",\"name\":\"山城专业园区\",\"county\":\"410603\",\"county_name\":\"山城区\","
           "\"period\":\"2017-06\",\"indicators\":[{\"indicator\":\"revenue\",\"name\":\"主营业务收入\",\"unit\":\"万元\","
           "\"target\":990000,\"target_growth_pct\":10,\"growth_pct\":9,\"months\":[{\"period\":\"2017-02\",\"ytd\":null,"
           "\"pace\":null}");
    /* 480000 / 990000 = 48.484848 % */
    HAS(b, "{\"period\":\"2017-06\",\"ytd\":480000,\"pace\":48.484848}]}");
    /* newest first, each with what it changed against the one before */
    HAS(b, "\"revisions\":[{\"period\":\"2017-06\",\"revision\":2,\"at_ms\":1499788800000,\"sender\":\"410603\","
           "\"late\":true,\"changes\":[{\"indicator\":\"revenue\",\"from\":470032.1,\"to\":480000}]}");
    HAS(b, "{\"period\":\"2017-06\",\"revision\":1,\"at_ms\":1499184001000,\"sender\":\"410603\",\"late\":false,"
           "\"changes\":[]}]");
    HAS(b, "\"problems\":\"用地\\u003c紧张\\u003e\"");
    HAS(b, "\"alerts\":[{\"key\":\"pace/shancheng/revenue/2017\"");
    /* its recorded transitions, newest first, in the live events' words */
    HAS(b, "\"history\":[{\"at_ms\":1499184000000,\"transition\":\"fired\",\"severity\":\"critical\","
           "\"previous\":\"none\"}]}");
}

Test(web_api, zone_access_404_403_and_the_viewer) {
    const char *b;
    call(web_api_zone, &li, "baoshan", NULL, NULL);
    cr_assert_eq(rp.status, 403);
    HASNT(rp.body.data, "2032384");
    call(web_api_zone, &zhang, "atlantis", NULL, NULL);
    cr_assert_eq(rp.status, 404);
    b = call(web_api_zone, &wang, "shancheng", NULL, NULL);
    cr_assert_eq(rp.status, 200);
    HAS(b, "\"revisions\":[],\"revisions_hidden\":true");
    HASNT(b, "sender");
}

/* ---- /api/county -------------------------------------------------------------------- */

Test(web_api, county_totals_and_zones) {
    const char *b = call(web_api_county, &li, "410603", "period", "2017-06");
    cr_assert_eq(rp.status, 200);
    HAS(b, "{\"county\":\"410603\",\"name\":\"山城区\",\"period\":\"2017-06\",\"totals\":[{\"indicator\":\"revenue\","
           "\"name\":\"主营业务收入\",\"unit\":\"万元\",\"amount\":480000,\"growth_pct\":9,\"target\":990000,"
           "\"completion_pct\":48.484848}");
    HAS(b, "\"zones\":[{\"zone\":\"shancheng\",\"name\":\"山城专业园区\",\"reported\":true,\"late\":false,"
           "\"revision\":2,\"rank\":2,\"star\":null,\"values\":[{\"indicator\":\"revenue\",\"amount\":480000,"
           "\"growth_pct\":9,\"completion_pct\":48.484848}");
    b = call(web_api_county, &zhang, "410622", NULL, NULL);
    HAS(b, "\"zones\":[{\"zone\":\"heqi\",\"name\":\"鹤淇产业集聚区\",\"reported\":true,\"late\":true,");
}

Test(web_api, county_access_403_404) {
    call(web_api_county, &li, "410602", NULL, NULL);
    cr_assert_eq(rp.status, 403);
    HASNT(rp.body.data, "baoshan");
    call(web_api_county, &zhang, "999999", NULL, NULL);
    cr_assert_eq(rp.status, 404);
}

/* ---- /api/alerts --------------------------------------------------------------------- */

Test(web_api, alerts_most_severe_first_filtered) {
    const char *b = call(web_api_alerts, &zhang, NULL, NULL, NULL);
    const char *s = strstr(b, "pace/shancheng"), *w = strstr(b, "pace/baoshan");
    cr_assert_eq(rp.status, 200);
    cr_assert(s && w && s < w, "critical first: %s", b);
    HAS(b, "\"zone_name\":\"山城专业园区\",\"county\":\"410603\",\"kind\":\"pace\",\"severity\":\"critical\"");
    HAS(b, "\"since_ms\":1499184000000,\"period\":\"2017-06\"}");
    b = call(web_api_alerts, &li, NULL, NULL, NULL);
    HAS(b, "pace/shancheng");
    HASNT(b, "baoshan");
}

/* ---- /download/bulletin ------------------------------------------------------------- */

/* A stand-in for `yuebao`: writes its arguments, one a line, to args.txt and "BULLETIN"
 * to the file after -o. */
static void fake_cli(void) {
    FILE *f = fopen(cfg.cli, "w");
    cr_assert_not_null(f);
    fprintf(f, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > '%s/args.txt'\n"
               "while [ $# -gt 0 ]; do if [ \"$1\" = -o ]; then printf BULLETIN > \"$2\"; fi; shift; done\n",
            tmpdir);
    fclose(f);
    cr_assert_eq(chmod(cfg.cli, 0755), 0);
}

static void read_file(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "r");
    size_t n;
    cr_assert_not_null(f, "%s", path);
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

Test(web_api, download_runs_export_with_the_county_of_a_county_account) {
    char args[8192], got[64], path[1024], expect[8192];
    fake_cli();
    call(web_download, &li, NULL, "period", "2017-06");
    cr_assert_eq(rp.status, 200, "%s", rp.body.data);
    cr_assert_not_null(rp.path);
    cr_assert(rp.unlink_after);
    cr_assert_str_eq(rp.filename, "月报-2017-06-410603.xlsx");
    snprintf(path, sizeof path, "%s", rp.path);
    read_file(path, got, sizeof got);
    cr_assert_str_eq(got, "BULLETIN");
    unlink(path);
    snprintf(expect, sizeof expect, "%s/args.txt", tmpdir);
    read_file(expect, args, sizeof args);
    {
        strbuf_t want = STRBUF_INIT;
        strbuf_printf(&want,
                      "export\n--period\n2017-06\n--format\nxlsx\n-o\n%s\n--store\n%s\n--scores\n%s\n--master\n%s\n"
                      "--county\n410603\n",
                      path, cfg.store, cfg.scores, cfg.master);
        cr_assert_str_eq(args, want.data);
        strbuf_free(&want);
    }
}

Test(web_api, download_refusals) {
    fake_cli();
    call(web_download, &li, NULL, "county", "410602");
    cr_assert_eq(rp.status, 403);
    cr_assert_null(rp.path);
    call(web_download, &zhang, NULL, "format", "pdf");
    cr_assert_eq(rp.status, 400);
    call(web_download, &zhang, NULL, "period", "2016-01");
    cr_assert_eq(rp.status, 404);
}
