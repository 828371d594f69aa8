/* test_e2e_web_browser.c - yuebao-web in a real browser: Debian's chromium, headless,
 * driven by puppeteer-core (tests/browser/web_browser.mjs) against the real
 * aggregator, scorer and yuebao-web over HTTPS.
 *
 * May 2017 (due 2017-06-10): 鹤山区, 淇滨区, 浚县 (2 zones) and 淇县 report on
 * 2017-06-05; 金山 (410671) and 示范区 (410672) do not. The aggregator is restarted on 2017-07-05 (yuebao-web resyncs by itself),
 * and while the browser watches the overview, 山城区's late report is dropped into its
 * collector's inbox: the completeness row of 410603 must turn to reported and late
 * without a reload. The expected figures come from the store and regions.csv here. The
 * screenshots go to build/test-logs/web-*.png for a human to look at.
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e_suite.h"

TestSuite(e2e_web_browser, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 600);

#define PASSWORD "Hebi-2017-yuebao"

static e2e_scorer_t sc;

/* The repository's root (YUEBAO_EXAMPLES is its examples/). */
static const char *root(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    cr_assert(ex && *ex, "YUEBAO_EXAMPLES names the examples folder");
    return P("%s/..", ex);
}

static void submit(const char *county, const char *rel) {
    char *out = NULL;
    int st = e2e_submit(P("%s/submit-%s", dir, county), &out, county, agg.listen, P("%s/outbox-%s.db", dir, county),
                        e2e_sample(rel), NULL);
    cr_assert_eq(st, 0, "submit %s: status %d\n%s", rel, st, out ? out : "");
    free(out);
}

/* One county's completeness row of the expectations, from the store. */
static void expect_county(FILE *f, const char *county, int zones, bool comma) {
    int64_t reported = e2e_sql_int(agg.store, "SELECT count(*) FROM reports WHERE period = '2017-05' AND county = '%s'",
                                   county);
    fprintf(f, "%s{\"county\":\"%s\",\"reported\":%lld,\"missing\":%lld,\"late\":0}", comma ? "," : "", county,
            (long long)reported, (long long)(zones - reported));
}

Test(e2e_web_browser, a_browser_sees_the_store_and_the_late_report_arrive) {
    const char *users = P("%s/web-users", dir), *shots = P("%s/test-logs", e2e_bin(".."));
    char users_path[300], shots_dir[400], expect[300], web_err[300], browser_log[300], base[64];
    char coll_dir[300], coll_log[300], *argv[8];
    pid_t web, coll;
    int st;
    FILE *f;
    snprintf(users_path, sizeof users_path, "%s", users);
    snprintf(shots_dir, sizeof shots_dir, "%s", shots);
    snprintf(expect, sizeof expect, "%s/expect.json", dir);
    snprintf(web_err, sizeof web_err, "%s/web.err", dir);
    snprintf(browser_log, sizeof browser_log, "%s/browser.log", dir);
    cr_assert(e2e_exists(P("%s/node_modules/puppeteer-core", root())), "make installs puppeteer-core (npm ci)");
    /* in Chinese, as a deployment runs (the screenshots show what a desk officer reads) */
    cr_assert_eq(e2e_set_language("zh_CN.UTF-8"), 0, "the zh_CN.UTF-8 locale (make deps generates it)");

    /* the on-time reports of 2017-06-05 */
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-06-05", 1), 0);
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0);
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, NULL), 0, "%s", e2e_tail(sc.err_log, 2000));
    submit("410602", "reports/2017-05/410602.csv");
    submit("410611", "reports/2017-05/410611.csv");
    submit("410621", "reports/2017-05/410621.csv");
    submit("410622", "reports/2017-05/410622.csv");
    cr_assert_eq(e2e_sql_wait(sc.scores, 5, e2e_scaled_ms(20000),
                              "SELECT count(*) FROM rankings WHERE period = '2017-05'"),
                 5, "2017-05 ranked:\n%s", e2e_tail(sc.err_log, 2000));

    /* July: the aggregator restarts with the clock past the deadline */
    cr_assert_eq(e2e_agg_stop(&agg), 0);
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-05", 1), 0);
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0);
    snprintf(coll_dir, sizeof coll_dir, "%s/county-410603", dir);
    cr_assert_eq(mkdir(coll_dir, 0755), 0);
    coll = e2e_collector_start(coll_dir, "410603", agg.listen, coll_log, sizeof coll_log);
    cr_assert_gt(coll, 0);

    /* an account, a certificate, the web */
    cr_assert_eq(e2e_user_add(P("%s/user", dir), users_path, "zhang", "central", PASSWORD), 0, "%s",
                 e2e_tail(P("%s/user.err", dir), 1000));
    cr_assert_eq(e2e_web_cert(dir), 0, "openssl: %s", e2e_tail(P("%s/openssl.err", dir), 2000));
    web = e2e_web_start(dir, &agg, &sc, users_path, NULL, base, sizeof base);
    cr_assert_gt(web, 0, "yuebao-web did not start:\n%s", e2e_tail(web_err, 3000));

    /* what the page must show: the store's figures */
    f = fopen(expect, "w");
    cr_assert_not_null(f);
    fprintf(f, "{\"period\":\"2017-05\",\"completeness\":[");
    expect_county(f, "410602", 1, false);
    expect_county(f, "410611", 1, true);
    expect_county(f, "410621", 2, true);
    expect_county(f, "410622", 1, true);
    expect_county(f, "410603", 1, true);
    expect_county(f, "410671", 1, true); /* no report: the overview lists every county */
    expect_county(f, "410672", 1, true);
    fprintf(f, "],\"city_revenue\":%.17g,",
            e2e_sql_double(agg.store, "SELECT sum(amount) FROM report_values WHERE period = '2017-05' AND "
                                      "indicator = 'revenue'"));
    fprintf(f, "\"change\":{\"county\":\"410603\",\"reported\":1},\"zone\":\"baoshan\",\"revisions\":1,");
    fprintf(f, "\"ranking_rows\":5,\"county\":\"410621\",\"zones\":2,\"downloads\":1}\n");
    cr_assert_eq(fclose(f), 0);

    /* the browser, in two phases: the overview as it is, then the late report live */
    {
        int in[2];
        pid_t pid;
        cr_assert_eq(pipe(in), 0);
        pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            char wait_ms[32];
            snprintf(wait_ms, sizeof wait_ms, "%d", e2e_scaled_ms(10000));
            setenv("YB_WAIT_MS", wait_ms, 1);
            dup2(in[0], 0);
            close(in[1]);
            if (!freopen(browser_log, "w", stdout) || dup2(1, 2) < 0) _exit(126);
            if (chdir(root()) < 0) _exit(126);
            argv[0] = "/usr/bin/node";
            argv[1] = "tests/browser/web_browser.mjs";
            argv[2] = base;
            argv[3] = "zhang";
            argv[4] = PASSWORD;
            argv[5] = shots_dir;
            argv[6] = expect;
            argv[7] = NULL;
            execv(argv[0], argv);
            _exit(127);
        }
        close(in[0]);
        st = e2e_wait_log(browser_log, "READY-FOR-CHANGE", pid, e2e_scaled_ms(120000));
        cr_assert_eq(st, 0, "the browser's first phase:\n%s", e2e_tail(browser_log, 4000));
        cr_assert_eq(e2e_drop(e2e_sample("late/2017-05/410603.csv"), P("%s/inbox", coll_dir), "410603.csv"), 0);
        cr_assert_eq(write(in[1], "go\n", 3), 3);
        close(in[1]);
        cr_assert_eq(waitpid(pid, &st, 0), pid);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the browser's checks:\n%s", e2e_tail(browser_log, 6000));
    }
    cr_assert_eq(e2e_sql_int(agg.store, "SELECT count(*) FROM reports WHERE period = '2017-05' AND zone = 'shancheng'"),
                 1, "the late report is in the store");
    for (const char *const *s = (const char *const[]){"login", "overview", "zone", "ranking", "county", "downloads",
                                                       NULL};
         *s; s++)
        cr_assert(e2e_exists(P("%s/web-%s.png", shots_dir, *s)), "screenshot web-%s.png", *s);

    cr_assert_eq(e2e_stop(web, 20000), 0, "yuebao-web did not stop cleanly:\n%s", e2e_tail(web_err, 3000));
    cr_assert_eq(e2e_stop(coll, 10000), 0);
    cr_assert_eq(e2e_scorer_stop(&sc), 0);
    cr_assert_eq(e2e_agg_stop(&agg), 0);
}
