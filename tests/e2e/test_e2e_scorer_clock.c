/* test_e2e_scorer_clock.c - the scorer's answers must not depend on when it looked.
 *
 * Real aggregator and scorer processes, the clock pinned with YUEBAO_NOW (inherited by
 * the daemons) and changed across restarts, as a replay of history, a clock stepped
 * back by NTP or a fresh install do it. What an operator checks: a ranking shows the
 * star it showed before whatever December came in since, and a restart republishes
 * nothing; a fresh install is not overdue for the months before it was installed, and
 * remembers when that was; an overdue report stays overdue until it arrives, whatever
 * the clock says meanwhile.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static char dir[256];
static e2e_agg_t agg;
static e2e_scorer_t sc;

static void setup(void) {
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
    memset(&agg, 0, sizeof agg);
    memset(&sc, 0, sizeof sc);
}

static void teardown(void) {
    e2e_cleanup();
}

TestSuite(e2e_scorer_clock, .init = setup, .fini = teardown, .timeout = 180);

#define P(...) e2e_fmt(__VA_ARGS__)

static int wait_ms(void) {
    return e2e_scaled_ms(E2E_WAIT_MS);
}

static void set_now(const char *now) {
    cr_assert_eq(setenv("YUEBAO_NOW", now, 1), 0);
}

static void scorer_start(const char *const *extra) {
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, extra), 0, "scorer not ready:\n%s",
                 e2e_tail(sc.err_log, 3000));
}

static void scorer_stop(void) {
    cr_assert_eq(e2e_scorer_stop(&sc), 0, "the scorer stops cleanly (99: valgrind found errors):\n%s",
                 e2e_tail(sc.err_log, 2000));
}

static void start_daemons(const char *const *scorer_extra) {
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0, "aggregator not ready:\n%s",
                 e2e_tail(agg.err_log, 2000));
    scorer_start(scorer_extra);
}

static void stop_daemons(void) {
    scorer_stop();
    cr_assert_eq(e2e_agg_stop(&agg), 0, "the aggregator stops cleanly:\n%s", e2e_tail(agg.err_log, 2000));
}

static void submit(const char *county, const char *file) {
    char *out = NULL;
    int st = e2e_submit(P("%s/submit-%s", dir, county), &out, county, agg.listen,
                        P("%s/outbox-%s.db", dir, county), file, NULL);
    cr_assert_eq(st, 0, "submit %s: status %d\n%s", file, st, out ? out : "");
    free(out);
}

/* Writes to `to` the county file `from` with every "YYYY-MM" of period `was` made `now`. */
static void repaint_period(const char *from, const char *was, const char *now, const char *to) {
    char *text = e2e_read_file(from);
    FILE *f = fopen(to, "w");
    cr_assert_not_null(text, "%s", from);
    cr_assert_not_null(f, "%s", to);
    for (char *p = text; *p;) {
        char *hit = strstr(p, was);
        size_t n = hit ? (size_t)(hit - p) : strlen(p);
        fwrite(p, 1, n, f);
        if (!hit) break;
        fputs(now, f);
        p = hit + strlen(was);
    }
    cr_assert_eq(fclose(f), 0);
    free(text);
}

#define RANKINGS_Q                                                                                           \
    "SELECT group_concat(s, ' ') FROM (SELECT period || '/' || zone || ':' || rank || ':' || "               \
    "coalesce(star, 'none') || ':' || coalesce(star_year, 0) || ':' || promoted AS s FROM rankings "         \
    "ORDER BY period, zone)"

/* Item 7: 金山 (410671) earns star 4 on December 2016 (5 200 000 万元) and star 3 on a
 * December 2017 carrying its June figures (2 759 085.3 万元, ≥ 2 500 000). */
Test(e2e_scorer_clock, a_rankings_star_does_not_change_when_a_later_december_arrives) {
    static const char *const extra[] = {"--set", "reporting_since=2017-06", "--set", "coalesce_ms=50", NULL};
    const char *dec = P("%s/410671-2017-12.csv", dir);
    char *before, *after;

    set_now("2018-01-05");
    start_daemons(extra);
    submit("410671", e2e_sample("reports/2016-12/410671.csv"));
    submit("410671", e2e_sample("reports/2017-06/410671.csv"));
    cr_assert_eq(e2e_sql_wait(sc.scores, 4 * 10000 + 2016, wait_ms(),
                              "SELECT star * 10000 + star_year FROM rankings WHERE period = '2017-06' AND "
                              "zone = 'jinshan'"),
                 4 * 10000 + 2016, "2017-06 shows the star of December 2016:\n%s",
                 e2e_tail(sc.err_log, 2000));

    repaint_period(e2e_sample("reports/2017-06/410671.csv"), "2017-06", "2017-12", dec);
    submit("410671", dec);
    cr_assert_eq(e2e_sql_wait(sc.scores, 3 * 10000 + 2017, wait_ms(),
                              "SELECT star * 10000 + star_year FROM rankings WHERE period = '2017-12' AND "
                              "zone = 'jinshan'"),
                 3 * 10000 + 2017, "the December 2017 ranking shows the star it judges:\n%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT star FROM stars WHERE year = 2017 AND zone = 'jinshan'"), 3);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT star * 10000 + star_year FROM rankings WHERE period = "
                                        "'2017-06' AND zone = 'jinshan'"),
                 4 * 10000 + 2016, "2017-06 still shows the star of December 2016");
    scorer_stop();
    before = e2e_sql_text(sc.scores, "%s", RANKINGS_Q);
    cr_assert_not_null(before);

    /* a restart recomputes everything and finds nothing to change or republish */
    scorer_start(extra);
    after = e2e_sql_text(sc.scores, "%s", RANKINGS_Q);
    cr_assert_str_eq(after, before, "the restart changed no ranking");
    cr_assert_eq(e2e_count_in_file(sc.err_log, "pass 1 (full): 3 periods recomputed, 0 rankings changed"), 1,
                 "the start-up pass changed no ranking:\n%s", e2e_tail(sc.err_log, 2000));
    stop_daemons();
    cr_assert_eq(e2e_count_in_file(sc.err_log, "0 rankings and 0 alert transitions published"), 1, "%s",
                 e2e_tail(sc.err_log, 1000));
    free(before);
    free(after);
}

#define OVERDUE_Q "SELECT count(*) FROM alerts WHERE kind = 'overdue'"

/* Item 14: installed on 2017-07-05, before June's deadline (07-10 24:00): the first
 * report owed is June's, none before it. */
Test(e2e_scorer_clock, a_fresh_install_owes_nothing_due_before_its_first_start) {
    static const char *const extra[] = {"--set", "coalesce_ms=50", NULL};

    set_now("2017-07-05");
    start_daemons(extra);
    cr_assert_eq(e2e_sql_int(sc.scores, OVERDUE_Q), 0, "nothing overdue at the first start:\n%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events"), 0);
    cr_assert_eq(e2e_count_in_file(sc.err_log, "reports are owed from 2017-06"), 1,
                 "the log says from when:\n%s", e2e_tail(sc.err_log, 2000));
    scorer_stop();

    /* six weeks on: June's and July's deadlines have passed, and only those are owed */
    set_now("2017-08-15");
    scorer_start(extra);
    cr_assert_eq(e2e_sql_int(sc.scores, OVERDUE_Q), 2 * 8, "June and July, 8 zones each:\n%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE kind = 'overdue' AND period < "
                                        "'2017-06'"),
                 0, "the first start is remembered, not taken from this start");
    stop_daemons();
}

/* Runs sql on db read-write (the daemons stopped), as an operator with sqlite3 would. */
static void sql_exec(const char *db, const char *sql) {
    sqlite3 *conn = NULL;
    char *err = NULL;
    cr_assert_eq(sqlite3_open_v2(db, &conn, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK, "%s", db);
    cr_assert_eq(sqlite3_exec(conn, sql, NULL, NULL, &err), SQLITE_OK, "%s: %s", sql, err ? err : "");
    sqlite3_close(conn);
}

/* Item 14, on an upgrade: a score store from before the first start was recorded (its
 * meta table empty) has February to May overdue, owed by the old default (the year's
 * first period). Upgraded on 2017-08-15 without reporting_since, the scorer must not
 * take the upgrade for a first start and forgive them: they stay, and June and July
 * join them. */
Test(e2e_scorer_clock, an_upgraded_store_keeps_its_overdue_alerts) {
    static const char *const old[] = {"--set", "reporting_since=2017-02", "--set", "coalesce_ms=50", NULL};
    static const char *const extra[] = {"--set", "coalesce_ms=50", NULL};

    set_now("2017-07-05");
    start_daemons(old); /* what the old default owed: 2017-02 on */
    cr_assert_eq(e2e_sql_int(sc.scores, OVERDUE_Q), 4 * 8, "February to May, 8 zones each");
    scorer_stop();
    sql_exec(sc.scores, "DELETE FROM meta"); /* as migration 2 leaves an existing store */

    set_now("2017-08-15");
    scorer_start(extra);
    cr_assert_eq(e2e_sql_int(sc.scores, OVERDUE_Q), 6 * 8, "February to July stay or fire:\n%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events WHERE transition = 'resolved'"), 0,
                 "nothing resolved:\n%s", e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(sc.err_log, "reports are owed from 2017-02"), 1,
                 "the log says from when:\n%s", e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(sc.err_log, "set reporting_since"), 1,
                 "the log says how to choose otherwise:\n%s", e2e_tail(sc.err_log, 2000));
    scorer_stop();

    /* recorded: the next start owes the same */
    scorer_start(extra);
    cr_assert_eq(e2e_sql_int(sc.scores, OVERDUE_Q), 6 * 8, "%s", e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(sc.err_log, "reports are owed from 2017-02"), 1, "%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_count_in_file(sc.err_log, "set reporting_since"), 0, "warned once, at the upgrade");
    stop_daemons();
}

/* Item 18: the clock steps back before the deadlines of April and May; their overdue
 * alerts stay until the reports arrive. */
Test(e2e_scorer_clock, an_overdue_alert_stays_when_the_clock_steps_back) {
    static const char *const extra[] = {"--set", "reporting_since=2017-02", "--set", "coalesce_ms=50", NULL};

    set_now("2017-07-05");
    start_daemons(extra);
    cr_assert_eq(e2e_sql_int(sc.scores, OVERDUE_Q), 4 * 8, "February to May, 8 zones each");
    scorer_stop();

    set_now("2017-05-05"); /* before April's deadline (05-10) and May's (06-10) */
    scorer_start(extra);
    cr_assert_eq(e2e_sql_int(sc.scores, OVERDUE_Q), 4 * 8, "nothing arrived, nothing resolved:\n%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events WHERE transition = 'resolved'"),
                 0);

    /* an arrival still resolves its alert, whatever the clock */
    submit("410602", e2e_sample("reports/2017-04/410602.csv"));
    cr_assert_eq(e2e_sql_wait(sc.scores, 4 * 8 - 1, wait_ms(), "%s", OVERDUE_Q), 4 * 8 - 1,
                 "baoshan's April report resolves its alert:\n%s", e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events WHERE transition = 'resolved' AND "
                                        "zone = 'baoshan' AND period = '2017-04'"),
                 1);
    stop_daemons();
}
