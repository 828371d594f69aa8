/* test_e2e_cli.c - the operator CLI against a store the real aggregator wrote.
 *
 * What the central office reads off `yuebao totals` and `yuebao status` must agree with
 * the county files; the expected figures are computed here from the CSVs themselves.
 * And the command line itself: each sub-command takes its own options and arguments
 * only, refuses any other by name (exit 2) and has its own --help.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
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

    /* a county by its name as by its code; an unknown one refused with the known ones */
    {
        char *by_code = NULL, *by_name = NULL;
        cr_assert_eq(e2e_runl(P("%s/totals-code", dir), &by_code, 20000, e2e_bin("yuebao"), "totals",
                              "--store", agg.store, "--master", e2e_city(), "--period", "2017-06", "--county",
                              "410621", NULL),
                     0);
        cr_assert_eq(e2e_runl(P("%s/totals-name", dir), &by_name, 20000, e2e_bin("yuebao"), "totals",
                              "--store", agg.store, "--master", e2e_city(), "--period", "2017-06", "--county",
                              "浚县", NULL),
                     0, "%s", e2e_tail(P("%s/totals-name.err", dir), 2000));
        cr_assert_not_null(strstr(by_code, "浚县 (410621): 2 of 2 zones reported"), "%s", by_code);
        cr_assert_str_eq(by_name, by_code, "浚县 is 410621");
        free(by_code);
        free(by_name);
        cr_assert_eq(e2e_runl(P("%s/totals-unknown", dir), &by_name, 20000, e2e_bin("yuebao"), "totals",
                              "--store", agg.store, "--master", e2e_city(), "--period", "2017-06", "--county",
                              "浚", NULL),
                     2);
        const char *err = e2e_tail(P("%s/totals-unknown.err", dir), 4000);
        cr_assert_not_null(strstr(err, "yuebao totals: no county \"浚\" in "), "%s", err);
        cr_assert_not_null(strstr(err, "\n  410621  浚县\n"), "the known counties listed:\n%s", err);
        cr_assert_not_null(strstr(err, "\n  410671  鹤壁经济技术开发区管委会\n"), "%s", err);
        free(by_name);
    }

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
    /* a finding names the file as the desk knows it, by its name, whatever path was typed:
     * the parser's findings as the rules' (the collector's errors files do the same) */
    cr_assert_null(strstr(out, "    /"), "a finding names the file by its path:\n%s", out);
    free(out);
    st = e2e_runl(P("%s/check2", dir), &out, 20000, e2e_bin("yuebao"), "check", "--master", e2e_city(),
                  "--county", "410671", e2e_sample("reports/2017-06/410602.csv"), NULL);
    cr_assert_eq(st, 1, "another county's zone: exit 1\n%s", out);
    cr_assert_not_null(strstr(out, "belongs to 鹤山区"), "%s", out);
    free(out);
    /* the county by its name: the same verdict as by its code */
    st = e2e_runl(P("%s/check3", dir), &out, 20000, e2e_bin("yuebao"), "check", "--master", e2e_city(),
                  "--county", "鹤壁经济技术开发区管委会", e2e_sample("reports/2017-06/410602.csv"), NULL);
    cr_assert_eq(st, 1, "%s", out);
    cr_assert_not_null(strstr(out, "belongs to 鹤山区"), "%s", out);
    free(out);
    st = e2e_runl(P("%s/check4", dir), &out, 20000, e2e_bin("yuebao"), "check", "--master", e2e_city(),
                  "--county", "鹤山区", e2e_sample("reports/2017-06/410602.csv"), NULL);
    cr_assert_eq(st, 0, "its own county's file passes by name:\n%s", out);
    free(out);
}

/* Runs `yuebao ARGS…` (NULL-terminated) with nothing behind it: no store, no daemon.
 * Returns the exit status; its stdout in *out (caller frees), its stderr in *err (a
 * static copy, valid until the next call). */
static int yuebao(const char *name, char **out, const char **err, ...) __attribute__((sentinel));
static int yuebao(const char *name, char **out, const char **err, ...) {
    char *argv[16];
    const char *a;
    int n = 0, st;
    va_list ap;
    argv[n++] = (char *)e2e_bin("yuebao");
    va_start(ap, err);
    while ((a = va_arg(ap, const char *)) != NULL) {
        cr_assert_lt(n, 15);
        argv[n++] = (char *)a;
    }
    va_end(ap);
    argv[n] = NULL;
    st = e2e_run(P("%s/%s", dir, name), out, 20000, argv);
    cr_assert_not_null(*out, "yuebao %s did not run", argv[1]);
    *err = e2e_tail(P("%s/%s.err", dir, name), 4000);
    return st;
}

Test(e2e_cli, each_command_refuses_what_it_does_not_take_by_name) {
    char *out;
    const char *err;
    int st;
    /* an option no command takes */
    st = yuebao("bogus", &out, &err, "status", "--bogus", NULL);
    cr_assert_eq(st, 2, "exit 2 for an unknown option, got %d\n%s", st, err);
    cr_assert_not_null(strstr(err, "yuebao status: unknown option --bogus"), "%s", err);
    cr_assert_str_eq(out, "", "nothing ran: %s", out);
    free(out);
    /* another command's option: refused, not ignored, with who takes it */
    st = yuebao("csv", &out, &err, "status", "--period", "2017-06", "--csv", NULL);
    cr_assert_eq(st, 2, "%s", err);
    cr_assert_not_null(strstr(err, "yuebao status: --csv is not an option of status (ranking takes it)"),
                       "%s", err);
    free(out);
    st = yuebao("county", &out, &err, "ranking", "--county", "410603", NULL);
    cr_assert_eq(st, 2, "%s", err);
    cr_assert_not_null(strstr(err, "--county is not an option of ranking (check, template, totals, alerts, "
                                   "approve, unlock and export take it)"),
                       "%s", err);
    free(out);
    /* an argument totals does not take */
    st = yuebao("extra", &out, &err, "totals", "--period", "2017-06", "extra-arg", NULL);
    cr_assert_eq(st, 2, "exit 2 for an argument too many, got %d\n%s", st, err);
    cr_assert_not_null(
        strstr(err, "yuebao totals: unexpected argument \"extra-arg\": totals takes no arguments"), "%s",
        err);
    free(out);
    /* keygen takes one */
    st = yuebao("keygen-two", &out, &err, "keygen", P("%s/one", dir), P("%s/two", dir), NULL);
    cr_assert_eq(st, 2, "%s", err);
    cr_assert_not_null(strstr(err, "keygen takes one argument"), "%s", err);
    cr_assert_not(e2e_exists(P("%s/one.key", dir)), "no key written for a refused command line");
    free(out);
    /* a value missing, a value given to a flag, a short option of another command */
    st = yuebao("no-value", &out, &err, "totals", "--period", NULL);
    cr_assert_eq(st, 2, "%s", err);
    cr_assert_not_null(strstr(err, "yuebao totals: --period needs a value"), "%s", err);
    free(out);
    st = yuebao("flag-value", &out, &err, "watch", "--once=yes", NULL);
    cr_assert_eq(st, 2, "%s", err);
    cr_assert_not_null(strstr(err, "yuebao watch: --once takes no value"), "%s", err);
    free(out);
    st = yuebao("short", &out, &err, "ranking", "-o", "x.csv", NULL);
    cr_assert_eq(st, 2, "%s", err);
    cr_assert_not_null(
        strstr(err, "yuebao ranking: -o is not an option of ranking (template and export take it)"), "%s",
        err);
    free(out);
}

Test(e2e_cli, each_command_has_its_own_help) {
    char *out, *again;
    const char *err;
    int st = yuebao("ranking-help", &out, &err, "ranking", "--help", NULL);
    cr_assert_eq(st, 0, "%s", err);
    cr_assert_eq(strncmp(out, "usage: yuebao ranking ", 22), 0, "ranking's own usage first:\n%s", out);
    cr_assert_not_null(strstr(out, "--csv"), "%s", out);
    cr_assert_null(strstr(out, "--follow"), "not another command's options:\n%s", out);
    cr_assert_null(strstr(out, "--format"), "%s", out);
    /* the same text from `yuebao help ranking` and from -h among other options */
    cr_assert_eq(yuebao("help-ranking", &again, &err, "help", "ranking", NULL), 0, "%s", err);
    cr_assert_str_eq(again, out);
    free(again);
    cr_assert_eq(yuebao("ranking-h", &again, &err, "ranking", "--period", "2017-06", "-h", NULL), 0, "%s",
                 err);
    cr_assert_str_eq(again, out);
    free(again);
    free(out);
    /* another command, another text */
    cr_assert_eq(yuebao("export-help", &out, &err, "export", "--help", NULL), 0, "%s", err);
    cr_assert_eq(strncmp(out, "usage: yuebao export ", 21), 0, "%s", out);
    cr_assert_not_null(strstr(out, "-o, --output FILE"), "%s", out);
    free(out);
    /* the whole list, and the version */
    cr_assert_eq(yuebao("help", &out, &err, "--help", NULL), 0, "%s", err);
    cr_assert_not_null(strstr(out, "  ranking   a period's ranking"), "%s", out);
    cr_assert_not_null(strstr(out, "  keygen    "), "%s", out);
    free(out);
    cr_assert_eq(yuebao("version", &out, &err, "--version", NULL), 0, "%s", err);
    cr_assert_eq(strncmp(out, "yuebao ", 7), 0, "%s", out);
    cr_assert_not_null(strstr(out, P("(wire schema %d)", SCHEMA_VERSION)), "%s", out);
    free(out);
    /* an unknown command is still a usage error */
    cr_assert_eq(yuebao("unknown", &out, &err, "rankings", NULL), 2);
    cr_assert_not_null(strstr(err, "yuebao: unknown command \"rankings\""), "%s", err);
    free(out);
}

/* Every binary says what it is with --version: its name, the revision it was built
 * from ("unknown" outside a git checkout) and the wire schema, on stdout, exit 0 —
 * before any configuration is read. */
Test(e2e_cli, every_binary_has_a_version) {
    const char *names[] = {"yuebao", "yuebao-aggregator", "yuebao-collector", "yuebao-scorer"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *out = NULL, want[64];
        int st = e2e_runl(P("%s/version-%zu", dir, i), &out, 20000, e2e_bin(names[i]), "--version", NULL);
        cr_assert_eq(st, 0, "%s --version exits %d", names[i], st);
        cr_assert_not_null(out);
        snprintf(want, sizeof want, "%s ", names[i]);
        cr_assert_eq(strncmp(out, want, strlen(want)), 0, "%s --version says:\n%s", names[i], out);
        cr_assert_not_null(strstr(out, "(wire schema 1)\n"), "%s", out);
        free(out);
    }
}

/* Writes text into path, making its folder. */
static void write_ini(const char *path, const char *text) {
    char folder[512];
    FILE *f;
    snprintf(folder, sizeof folder, "%s", path);
    *strrchr(folder, '/') = '\0';
    cr_assert_eq(e2e_runl(P("%s/mkdir", dir), NULL, 5000, "/bin/mkdir", "-p", folder, NULL), 0);
    cr_assert_not_null(f = fopen(path, "w"), "%s", path);
    fputs(text, f);
    fclose(f);
}

/* One config file instead of eight variables: the user's ~/.config/yuebao/yuebao.ini
 * (or under $XDG_CONFIG_HOME), then the environment, then the command line, each later
 * one winning; a bad file is named with its line, and --help still works. (The host's
 * /etc/yuebao/yuebao.ini comes first; test_cli_config holds that order.) */
Test(e2e_cli, one_config_file_then_the_environment_then_the_command_line) {
    char *out;
    const char *err;
    int st;
    start_aggregator(NULL, NULL);
    stop_aggregator(); /* an empty store, as the aggregator makes it */
    cr_assert_eq(setenv("HOME", P("%s/home", dir), 1), 0);
    unsetenv("XDG_CONFIG_HOME");
    write_ini(P("%s/home/.config/yuebao/yuebao.ini", dir),
              P("; mine\n[yuebao]\nmaster = %s\nstore = %s\n", e2e_city(), agg.store));
    /* every default from the file: no --store, no --master */
    st = yuebao("conf-home", &out, &err, "totals", "--period", "2017-06", NULL);
    cr_assert_eq(st, 0, "%s", err);
    cr_assert_not_null(strstr(out, "city total, 2017-06: 0 of 8 zones reported"), "%s", out);
    free(out);
    st = yuebao("conf-county", &out, &err, "totals", "--period", "2017-06", "--county", "浚县", NULL);
    cr_assert_eq(st, 0, "%s", err);
    cr_assert_not_null(strstr(out, "浚县 (410621): 0 of 2 zones reported"), "%s", out);
    free(out);
    /* $XDG_CONFIG_HOME, when set, instead of ~/.config */
    cr_assert_eq(setenv("XDG_CONFIG_HOME", P("%s/xdg", dir), 1), 0);
    write_ini(P("%s/xdg/yuebao/yuebao.ini", dir),
              P("[yuebao]\nmaster = %s\nstore = %s/from-xdg.db\n", e2e_city(), dir));
    st = yuebao("conf-xdg", &out, &err, "totals", "--period", "2017-06", NULL);
    cr_assert_eq(st, 2, "%s", err);
    cr_assert_not_null(strstr(err, P("%s/from-xdg.db: no such file", dir)), "%s", err);
    free(out);
    /* the environment over the file, the command line over both */
    cr_assert_eq(setenv("YUEBAO_STORE", P("%s/from-env.db", dir), 1), 0);
    st = yuebao("conf-env", &out, &err, "totals", "--period", "2017-06", NULL);
    cr_assert_eq(st, 2, "%s", err);
    cr_assert_not_null(strstr(err, P("%s/from-env.db: no such file", dir)), "%s", err);
    free(out);
    st = yuebao("conf-flag", &out, &err, "totals", "--period", "2017-06", "--store", agg.store, NULL);
    cr_assert_eq(st, 0, "%s", err);
    cr_assert_not_null(strstr(out, "0 of 8 zones reported"), "%s", out);
    free(out);
    unsetenv("YUEBAO_STORE");
    /* a bad line: the file and the line, exit 2, nothing run; --help and keygen still work */
    write_ini(P("%s/xdg/yuebao/yuebao.ini", dir), P("[yuebao]\nmaster = %s\nstroe = x.db\n", e2e_city()));
    st = yuebao("conf-bad", &out, &err, "totals", "--period", "2017-06", NULL);
    cr_assert_eq(st, 2, "%s", err);
    cr_assert_not_null(
        strstr(err, P("yuebao: %s/xdg/yuebao/yuebao.ini:3: unknown key \"stroe\" in section [yuebao]", dir)),
        "%s", err);
    cr_assert_str_eq(out, "");
    free(out);
    st = yuebao("conf-bad-help", &out, &err, "totals", "--help", NULL);
    cr_assert_eq(st, 0, "%s", err);
    free(out);
    st = yuebao("conf-bad-keygen", &out, &err, "keygen", P("%s/op", dir), NULL);
    cr_assert_eq(st, 0, "keygen reads no configuration:\n%s", err);
    free(out);
    /* where the files are: yuebao --help */
    cr_assert_eq(yuebao("conf-help", &out, &err, "--help", NULL), 0, "%s", err);
    cr_assert_not_null(strstr(out, "/etc/yuebao/yuebao.ini"), "%s", out);
    cr_assert_not_null(strstr(out, "~/.config/yuebao/yuebao.ini"), "%s", out);
    cr_assert_not_null(strstr(out, "store = reports.db  ($YUEBAO_STORE)"), "%s", out);
    free(out);
}

/* The folder of the built programs' siblings ($YUEBAO_BIN/../NAME), and deploy/ of the
 * tree ($YUEBAO_EXAMPLES/../deploy). */
static const char *beside_bin(const char *name) {
    const char *bin = getenv("YUEBAO_BIN");
    return P("%s/../%s", bin && *bin ? bin : "build/bin", name);
}

static const char *deploy_file(const char *relative) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    return P("%s/../deploy/%s", ex && *ex ? ex : "examples", relative);
}

/* What the bash completion offers for the words typed (the last one is the one being
 * completed): the real deploy/bash-completion/yuebao in bash, over the built program.
 * Returns the words offered, one a line (caller frees). */
static char *completion(const char *fn, const char *prog, ...) __attribute__((sentinel));
static char *completion(const char *fn, const char *prog, ...) {
    char *argv[16], *out = NULL;
    const char *a;
    int n = 0, st;
    va_list ap;
    argv[n++] = "/bin/bash";
    argv[n++] = "-c";
    argv[n++] = (char *)P("source \"$1\"; prog=$2; f=$3; shift 3; COMP_WORDS=(\"$prog\" \"$@\"); "
                          "COMP_CWORD=$#; $f; printf '%%s\\n' \"${COMPREPLY[@]}\"");
    argv[n++] = "completion";
    argv[n++] = (char *)deploy_file("bash-completion/yuebao");
    argv[n++] = (char *)e2e_bin(prog);
    argv[n++] = (char *)fn;
    va_start(ap, prog);
    while ((a = va_arg(ap, const char *)) != NULL) {
        cr_assert_lt(n, 15);
        argv[n++] = (char *)a;
    }
    va_end(ap);
    argv[n] = NULL;
    st = e2e_run(P("%s/completion", dir), &out, 20000, argv);
    cr_assert_eq(st, 0, "%s", e2e_tail(P("%s/completion.err", dir), 2000));
    cr_assert_not_null(out);
    return out;
}

/* One source of truth: the man pages are help2man's reading of each program's --help,
 * and the completion asks the CLI's own command table (yuebao __complete). */
Test(e2e_cli, a_man_page_per_binary_and_completion_from_the_command_table) {
    const char *names[] = {"yuebao", "yuebao-aggregator", "yuebao-collector", "yuebao-scorer"};
    char *out;
    const char *err;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *page = beside_bin(P("man/%s.1", names[i]));
        char path[600];
        int st;
        snprintf(path, sizeof path, "%s", page);
        cr_assert(e2e_exists(path), "%s is missing: make man", path);
        out = NULL;
        st = e2e_runl(P("%s/man-%zu", dir, i), &out, 20000, "/usr/bin/env", "MANWIDTH=80", "man",
                      "--warnings", "-l", path, NULL);
        err = e2e_tail(P("%s/man-%zu.err", dir, i), 2000);
        cr_assert_eq(st, 0, "man -l %s: %d\n%s", path, st, err);
        cr_assert_str_eq(err, "", "groff warns about %s:\n%s", path, err);
        cr_assert_not_null(out);
        cr_assert_not_null(strstr(out, P("NAME\n       %s ", names[i])), "%s", out);
        cr_assert_not_null(strstr(out, "--help"), "its options, from its --help:\n%s", out);
        if (i == 0) {
            cr_assert_not_null(strstr(out, "\nCOMMANDS\n"), "%s", out);
            cr_assert_not_null(strstr(out, "\n   template\n"), "each command's own help:\n%s", out);
            cr_assert_not_null(strstr(out, "--csv            CSV (UTF-8, header row)"),
                               "ranking's --csv:\n%s", out);
            cr_assert_not_null(strstr(out, "月报模板"), "UTF-8 survives:\n%s", out);
            cr_assert_not_null(strstr(out, "/etc/yuebao/yuebao.ini"), "where the configuration is:\n%s", out);
        }
        free(out);
    }

    /* the table's answers */
    cr_assert_eq(yuebao("complete", &out, &err, "__complete", NULL), 0, "%s", err);
    cr_assert_not_null(strstr(out, "\ntemplate\n"), "%s", out);
    cr_assert_null(strstr(out, "__complete"), "the hidden command is not offered:\n%s", out);
    free(out);
    cr_assert_eq(yuebao("complete-ranking", &out, &err, "__complete", "ranking", NULL), 0, "%s", err);
    cr_assert_not_null(strstr(out, "--csv flag\n"), "%s", out);
    cr_assert_not_null(strstr(out, "--period text\n"), "%s", out);
    cr_assert_null(strstr(out, "--follow"), "not another command's options:\n%s", out);
    free(out);
    /* and the shell's, through the installed script */
    out = completion("_yuebao", "yuebao", "te", NULL);
    cr_assert_str_eq(out, "template\n");
    free(out);
    out = completion("_yuebao", "yuebao", "ranking", "--c", NULL);
    cr_assert_str_eq(out, "--csv\n");
    free(out);
    out = completion("_yuebao", "yuebao", "export", "--format", "", NULL);
    cr_assert_str_eq(out, "csv\nxlsx\nsdmx-csv\n");
    free(out);
    out = completion("_yuebao", "yuebao", "help", "ra", NULL);
    cr_assert_str_eq(out, "ranking\n");
    free(out);
    cr_assert_eq(setenv("YUEBAO_MASTER", e2e_city(), 1), 0);
    out = completion("_yuebao", "yuebao", "totals", "--county", "浚", NULL);
    cr_assert_str_eq(out, "浚县\n", "the counties of the configured master folder");
    free(out);
    unsetenv("YUEBAO_MASTER");
    out = completion("_yuebao_daemon", "yuebao-scorer", "--set", "pace_w", NULL);
    cr_assert_str_eq(out, "pace_warning_pp=\n", "a daemon's keys, off its --help");
    free(out);
    out = completion("_yuebao_daemon", "yuebao-aggregator", "--ins", NULL);
    cr_assert_str_eq(out, "--insecure\n");
    free(out);
}
