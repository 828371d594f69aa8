/* test_e2e_cli.c - the operator CLI against a store the real aggregator wrote.
 *
 * What the central office reads off `yuebao totals` and `yuebao status` must agree with
 * the county files; the expected figures are computed here from the CSVs themselves.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_suite.h"

TestSuite(e2e_cli, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 90);

static const struct {
    const char *county;
    const char *zones[2];
} units[] = {{"410671", {"jinshan"}}, {"410602", {"baoshan"}},           {"410603", {"shancheng"}},
             {"410611", {"qibin"}},   {"410621", {"xunxian", "liyang"}}, {"410622", {"heqi"}},
             {"410672", {"shifanqu"}}};
#define N_UNITS (sizeof units / sizeof units[0])

static char *cli(const char *name, const char *cmd, const char *period, int *status) {
    char *out = NULL;
    *status = e2e_runl(P("%s/%s", dir, name), &out, 20000, e2e_bin("yuebao"), cmd, "--store", agg.store,
                       "--master", e2e_city(), "--period", period, NULL);
    cr_assert_not_null(out);
    return out;
}

/* The line of text that contains needle (a static copy; "" if none). */
static const char *line_of(const char *text, const char *needle) {
    static char buf[1024];
    const char *p = strstr(text, needle), *start, *end;
    buf[0] = '\0';
    if (!p) return buf;
    for (start = p; start > text && start[-1] != '\n'; start--) {}
    end = strchr(p, '\n');
    snprintf(buf, sizeof buf, "%.*s", (int)(end ? end - start : (long)strlen(start)), start);
    return buf;
}

Test(e2e_cli, totals_and_status_agree_with_the_county_files) {
    char *out;
    int st;
    double revenue = 0, revenue_base = 0;
    start_aggregator(NULL, NULL);
    for (size_t i = 0; i < N_UNITS; i++) {
        const char *csv = e2e_sample(P("reports/2017-06/%s.csv", units[i].county));
        char path[512];
        snprintf(path, sizeof path, "%s", csv);
        cr_assert_eq(e2e_submit(P("%s/submit-%s", dir, units[i].county), &out, units[i].county, agg.listen,
                                P("%s/outbox-%s.db", dir, units[i].county), path, NULL),
                     0, "%s", out);
        free(out);
        for (size_t z = 0; z < 2 && units[i].zones[z]; z++) {
            double a = e2e_csv_number(path, units[i].zones[z], "revenue", "amount");
            double g = e2e_csv_number(path, units[i].zones[z], "revenue", "growth_pct");
            cr_assert(!isnan(a) && !isnan(g), "revenue of %s not found in %s", units[i].zones[z], path);
            revenue += a;
            revenue_base += a / (1 + g / 100); /* DESIGN §2: never a mean of growth rates */
        }
    }

    out = cli("totals", "totals", "2017-06", &st);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_not_null(strstr(out, "8 of 8 zones reported"), "%s", out);
    char want[128];
    snprintf(want, sizeof want, "total %14.1f   growth %+6.1f%%", revenue,
             (revenue / revenue_base - 1) * 100);
    const char *line = line_of(out, "主营业务收入");
    cr_assert_not_null(strstr(line, want), "expected \"%s\" on the revenue line:\n%s", want, out);
    free(out);

    /* May: only 山城区 has not reported */
    cr_assert_eq(e2e_submit(P("%s/may", dir), &out, "410671", agg.listen, P("%s/outbox-410671.db", dir),
                            e2e_sample("reports/2017-05/410671.csv"), NULL),
                 0, "%s", out);
    free(out);
    out = cli("status", "status", "2017-05", &st);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_not_null(strstr(out, "1 of 8 zones reported"), "%s", out);
    line = line_of(out, "金山产业集聚区");
    cr_assert(strstr(line, "reported") && strstr(line, "revision 1"), "%s", out);
    line = line_of(out, "山城专业园区");
    cr_assert_not_null(strstr(line, "MISSING"), "%s", out);
    free(out);
    stop_aggregator();
}

Test(e2e_cli, check_names_each_mistake_without_sending) {
    char *out = NULL;
    int st = e2e_runl(P("%s/check", dir), &out, 20000, e2e_bin("yuebao"), "check", "--master", e2e_city(),
                      "--county", "410602", e2e_sample("reports/2017-06/410602.bad.csv"),
                      e2e_sample("reports/2017-06/410602.projects.csv"), NULL);
    cr_assert_eq(st, 1, "a file with mistakes: exit 1\n%s", out);
    cr_assert_not_null(strstr(out, "410602.bad.csv: 1 report(s), 2 error(s)"), "%s", out);
    cr_assert_not_null(strstr(out, "410602.bad.csv:4: amount: fai: amount -605586.4 is negative"), "%s", out);
    cr_assert_not_null(strstr(out, "410602.bad.csv:16: indicator: unknown indicator \"gdp\""), "%s", out);
    cr_assert_not_null(strstr(out, "410602.projects.csv: 1 report(s), 0 error(s)"), "%s", out);
    free(out);
    st = e2e_runl(P("%s/check2", dir), &out, 20000, e2e_bin("yuebao"), "check", "--master", e2e_city(),
                  "--county", "410671", e2e_sample("reports/2017-06/410602.csv"), NULL);
    cr_assert_eq(st, 1, "another county's zone: exit 1\n%s", out);
    cr_assert_not_null(strstr(out, "belongs to 鹤山区"), "%s", out);
    free(out);
}
