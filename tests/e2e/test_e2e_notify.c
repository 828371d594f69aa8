/* test_e2e_notify.c - yuebao-notify between a real aggregator and scorer: what people
 * get told, and that they are never told twice.
 *
 * Real processes (aggregator, scorer, notify, the CLI for silences) over ipc:// in a
 * temporary folder, the clock pinned with YUEBAO_NOW (inherited by every daemon; notify's
 * clock moves on from it, and a restart with another YUEBAO_NOW jumps the calendar).
 * What was told is read where an operator would look: notify.db's log (one row per
 * message a receiver took) and, with the real receivers, the local HTTP server playing
 * the webhook (fake_receivers.h).
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>
#include <zmq.h>

#include "codec.h"
#include "e2e.h"
#include "sock.h"
#include "wire.h"
#include "fake_receivers.h"

#define ROBOT "/cgi-bin/webhook/send"

static char dir[256];
static e2e_agg_t agg;
static e2e_scorer_t sc;
static pid_t notify_pid;
static char notify_err[400], notify_db[320], notify_ini[320];
static int notify_runs;
static fake_http_t *http;

static void setup(void) {
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
    memset(&agg, 0, sizeof agg);
    memset(&sc, 0, sizeof sc);
    notify_pid = 0;
    notify_runs = 0;
    snprintf(notify_db, sizeof notify_db, "%s/notify.db", dir);
    snprintf(notify_ini, sizeof notify_ini, "%s/notify.ini", dir);
    http = fake_http_start();
    cr_assert_not_null(http, "the fake 企业微信 robot");
}

static void teardown(void) {
    e2e_cleanup();
    fake_http_stop(&http);
}

TestSuite(e2e_notify, .init = setup, .fini = teardown, .timeout = 240);

#define P(...) e2e_fmt(__VA_ARGS__)

static int wait_ms(void) {
    return e2e_scaled_ms(E2E_WAIT_MS);
}

static void set_now(const char *now) {
    cr_assert_eq(setenv("YUEBAO_NOW", now, 1), 0);
}

/* notify.ini for this test: one route, one receiver (the fake 企业微信 robot on
 * loopback), extra lines appended to [route] (e.g. "group_by = county") and to [notify]. */
static void write_ini_with(const char *route_extra, const char *notify_extra) {
    FILE *f = fopen(notify_ini, "w");
    cr_assert_not_null(f);
    fprintf(f,
            "[notify]\n"
            "master_dir = %s\n"
            "store = %s\n"
            "subscribe = ipc://%s/scorer-pub.sock\n"
            "snapshot = ipc://%s/scorer-snap.sock\n"
            "control = ipc://%s/notify-ctl.sock\n"
            "tick_ms = 50\n"
            "retry_min_ms = 50\n"
            "retry_max_ms = 200\n"
            "silence_ms = 2000\n"
            "%s\n"
            "\n"
            "[route]\n"
            "receiver = hook\n"
            "group_wait = 0s\n"
            "group_interval = 1s\n"
            "repeat_interval = 1d\n"
            "%s\n"
            "\n"
            "[receiver hook]\n"
            "type = wecom\n"
            "url = http://127.0.0.1:%d" ROBOT "?key=K\n",
            e2e_city(), notify_db, dir, dir, dir, notify_extra ? notify_extra : "",
            route_extra ? route_extra : "", fake_http_port(http));
    cr_assert_eq(fclose(f), 0);
}

static void write_ini(const char *route_extra, const char *unused) {
    (void)unused;
    write_ini_with(route_extra, NULL);
}

/* The i-th message the robot got, its body (malloc'd). */
static char *robot_body(size_t i) {
    fake_request_t rq;
    char *b;
    cr_assert_eq(fake_http_request(http, ROBOT, i, &rq), 0, "request %zu", i);
    b = strdup(rq.body ? rq.body : "");
    fake_request_free(&rq);
    return b;
}

/* How many of the robot's messages contain needle. */
static size_t robot_count(const char *needle) {
    size_t n = 0, total = fake_http_count(http, ROBOT);
    for (size_t i = 0; i < total; i++) {
        char *b = robot_body(i);
        n += strstr(b, needle) != NULL;
        free(b);
    }
    return n;
}

static void notify_start(void) {
    const char *base = P("%s/notify-%d", dir, ++notify_runs);
    snprintf(notify_err, sizeof notify_err, "%s.err", base);
    notify_pid = e2e_startl(base, e2e_bin("yuebao-notify"), "-c", notify_ini, "--insecure", NULL);
    cr_assert_gt(notify_pid, 0);
    cr_assert_eq(e2e_wait_log(notify_err, "ready:", notify_pid, wait_ms()), 0, "notify not ready:\n%s",
                 e2e_tail(notify_err, 3000));
}

static void notify_stop(void) {
    int st = e2e_stop(notify_pid, 15000);
    cr_assert_eq(st, 0, "notify stops cleanly (99: valgrind found errors):\n%s", e2e_tail(notify_err, 2000));
    notify_pid = 0;
}

static void start_daemons(const char *const *scorer_extra) {
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0, "aggregator not ready:\n%s",
                 e2e_tail(agg.err_log, 2000));
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, scorer_extra), 0, "scorer not ready:\n%s",
                 e2e_tail(sc.err_log, 3000));
}

static void stop_daemons(void) {
    if (notify_pid) notify_stop();
    cr_assert_eq(e2e_scorer_stop(&sc), 0, "the scorer stops cleanly:\n%s", e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_agg_stop(&agg), 0, "the aggregator stops cleanly:\n%s", e2e_tail(agg.err_log, 2000));
}

static void submit(const char *county, const char *file) {
    char *out = NULL;
    int st = e2e_submit(P("%s/submit-%s", dir, county), &out, county, agg.listen,
                        P("%s/outbox-%s.db", dir, county), file, NULL);
    cr_assert_eq(st, 0, "submit %s: status %d\n%s", file, st, out ? out : "");
    free(out);
}

static int64_t sent(void) {
    return e2e_sql_int(notify_db, "SELECT count(*) FROM log WHERE outcome = 'sent'");
}

/* Waits until the log holds n sent messages; then a little longer, to see no more come. */
static void expect_sent(int64_t n, const char *what) {
    cr_assert_eq(e2e_sql_wait(notify_db, n, wait_ms(), "SELECT count(*) FROM log WHERE outcome = 'sent'"), n,
                 "%s: %lld sent\n%s", what, (long long)sent(), e2e_tail(notify_err, 3000));
    e2e_sleep_ms(e2e_scaled_ms(600));
    cr_assert_eq(sent(), n, "%s: no more than %lld\n%s", what, (long long)n, e2e_tail(notify_err, 3000));
}

#define SCORER_ARGS "--set", "reporting_since=2017-02", "--set", "coalesce_ms=50", "--set", "heartbeat_ms=100"

/* A fresh install of the sample city on 2017-07-15 owing reports since February: 8
 * zones × 5 months overdue, 40 alerts in 7 counties. notify's first start tells each
 * county one summary (group_by county + kind), not 40 messages; a restart tells nothing
 * again, nor does a SIGKILL and a restart. */
Test(e2e_notify, the_first_start_is_one_summary_per_group_and_a_restart_tells_nothing_again) {
    static const char *const extra[] = {SCORER_ARGS, NULL};
    int64_t groups;
    set_now("2017-07-15T10:00");
    start_daemons(extra);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE kind = 'overdue'"), 40, "%s",
                 e2e_tail(sc.err_log, 2000));
    groups = e2e_sql_int(sc.scores, "SELECT count(DISTINCT county) FROM alerts");
    cr_assert_eq(groups, 7);
    write_ini(NULL, NULL);
    notify_start();
    cr_assert_eq(e2e_count_in_file(notify_err, "first start on"), 1, "%s", e2e_tail(notify_err, 2000));
    expect_sent(7, "one summary per county");
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(DISTINCT gkey) FROM log"), 7);
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(*) FROM log WHERE kind = 1"), 7,
                 "each a first-start summary");
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT sum(n_alerts) FROM log"), 40, "listing the 40 alerts");
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT n_alerts FROM log WHERE gkey = "
                                        "'{county=\"410621\",kind=\"overdue\"}'"),
                 10, "浚县: two zones × five months in one message");
    cr_assert_eq(fake_http_count(http, ROBOT), 7, "the robot got seven messages");
    cr_assert_eq(robot_count("### [汇总] 浚县: 10 项预警 (10 严重)"), 1,
                 "浚县's summary, named as people know it:\n%s", robot_body(0));
    cr_assert_eq(robot_count("\"msgtype\":\"markdown\""), 7);

    notify_stop();
    notify_start();
    cr_assert_eq(e2e_count_in_file(notify_err, "first start on"), 0, "the first start is remembered");
    expect_sent(7, "a restart");

    /* SIGKILL and a restart: still nothing twice */
    e2e_kill(notify_pid);
    notify_pid = 0;
    notify_start();
    expect_sent(7, "a SIGKILL and a restart");
    cr_assert_eq(fake_http_count(http, ROBOT), 7, "the robot heard nothing twice");
    stop_daemons();
}

/* The robot is down while 浚县's June reports arrive: the message waits, retried with
 * backoff, and when the robot is back it gets it once, marked 补发 (late). Then a SIGKILL
 * while the robot holds a delivery open: after the restart that one message goes again
 * (at-least-once: the robot may have posted it), and nothing else does. */
Test(e2e_notify, a_receiver_down_gets_what_it_missed_once_and_a_kill_mid_delivery_resends_only_that) {
    static const char *const extra[] = {SCORER_ARGS, NULL};
    set_now("2017-07-15T10:00");
    start_daemons(extra);
    write_ini_with(NULL, "late_ms = 500");
    notify_start();
    expect_sent(7, "the first start");
    cr_assert_eq(fake_http_down(http, true), 0);
    submit("410621", e2e_sample("reports/2017-06/410621.csv"));
    cr_assert_eq(e2e_wait_log(notify_err, "trying again", notify_pid, wait_ms()), 0,
                 "a refused connection is "
                 "retried:\n%s",
                 e2e_tail(notify_err, 2000));
    e2e_sleep_ms(e2e_scaled_ms(1000));
    cr_assert_eq(sent(), 7, "nothing sent while it is down");
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(*) FROM outbox"), 1, "one message owed");
    cr_assert_eq(fake_http_down(http, false), 0);
    expect_sent(8, "the robot back");
    cr_assert_eq(fake_http_count(http, ROBOT), 8, "once");
    cr_assert_eq(robot_count("### [补发] 浚县: 8 项预警 (8 严重)"), 1, "said to be late:\n%s", robot_body(7));
    cr_assert_eq(e2e_count_in_file(notify_err, "delivered again after"), 1, "%s", e2e_tail(notify_err, 2000));

    /* the robot takes the next one and never answers; notify is killed meanwhile */
    fake_http_script(http, ROBOT, FAKE_HANG, NULL);
    submit("410622", e2e_sample("reports/2017-06/410622.csv"));
    cr_assert_eq(fake_http_wait(http, ROBOT, 9, wait_ms()), 0, "the delivery is in flight");
    e2e_kill(notify_pid);
    notify_pid = 0;
    cr_assert_eq(sent(), 8, "not logged sent: the robot never answered");
    notify_start();
    expect_sent(9, "after the restart the owed one goes");
    cr_assert_eq(fake_http_count(http, ROBOT), 10, "that one message twice, nothing else");
    cr_assert_eq(robot_count("淇县"), 3,
                 "淇县 (410622): its first-start summary, and its June message twice");
    stop_daemons();
}

/* Reports arrive for 浚县's two zones: the scorer resolves their June overdue alerts
 * and raises target alerts; notify tells each of 浚县's groups one message for the
 * whole burst (the resolved overdue alerts reported once in the overdue group's next
 * message). The target alerts of a zone still overdue for an earlier month stay
 * muted (inhibition): nothing is told for them. */
Test(e2e_notify, a_burst_of_transitions_is_one_message_per_group_and_overdue_zones_are_inhibited) {
    static const char *const extra[] = {SCORER_ARGS, NULL};
    int64_t before, transitions;
    set_now("2017-07-15T10:00");
    start_daemons(extra);
    write_ini(NULL, NULL);
    notify_start();
    expect_sent(7, "the first start");
    before = e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events");
    submit("410621", e2e_sample("reports/2017-06/410621.csv"));
    cr_assert_eq(e2e_sql_wait(sc.scores, 0, wait_ms(),
                              "SELECT count(*) FROM alerts WHERE county = '410621' AND kind = 'overdue' AND "
                              "period = '2017-06'"),
                 0, "June is in for 浚县:\n%s", e2e_tail(sc.err_log, 2000));
    e2e_sleep_ms(e2e_scaled_ms(500));
    transitions = e2e_sql_int(sc.scores, "SELECT count(*) FROM alert_events") - before;
    cr_assert_gt(transitions, 2, "a burst: %lld transitions", (long long)transitions);
    /* Feb–May still overdue for both zones: their target alerts are muted */
    expect_sent(7 + 1, "the overdue group's one message (June resolved), nothing for the muted");
    cr_assert_eq(fake_http_count(http, ROBOT), 8);
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT n_alerts FROM log WHERE gkey = "
                                        "'{county=\"410621\",kind=\"overdue\"}' ORDER BY id DESC LIMIT 1"),
                 10, "eight still firing and two resolved, in one message");
    stop_daemons();
}

/* yuebao silence add mutes a zone's alerts; when the silence is expired the zone's
 * alerts are told again, once. */
Test(e2e_notify, a_silence_mutes_and_its_expiry_tells_again) {
    /* reporting_since 2017-05: May overdue (deadline 06-10), 8 alerts, one per zone */
    static const char *const extra[] = {"--set", "reporting_since=2017-05", "--set", "coalesce_ms=50", NULL};
    char *out = NULL;
    int st;
    set_now("2017-07-05T10:00");
    start_daemons(extra);
    write_ini("group_by = zone", NULL);
    notify_start();
    expect_sent(8, "one per zone (group_by zone)");
    st = e2e_runl(P("%s/silence-add", dir), &out, wait_ms(), e2e_bin("yuebao"), "silence", "add", "--match",
                  "zone=shancheng", "--until", "2h", "--comment", "山城 reports late, agreed", "--control",
                  P("ipc://%s/notify-ctl.sock", dir), NULL);
    cr_assert_eq(st, 0, "silence add: %s\n%s", out ? out : "", e2e_tail(P("%s/silence-add.err", dir), 1000));
    cr_assert(strstr(out, "silence 1 added"), "%s", out);
    free(out);
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(*) FROM silence_audit WHERE action = 'add'"), 1);
    st = e2e_runl(P("%s/silence-list", dir), &out, wait_ms(), e2e_bin("yuebao"), "silence", "list",
                  "--control", P("ipc://%s/notify-ctl.sock", dir), NULL);
    cr_assert_eq(st, 0);
    cr_assert(strstr(out, "zone=shancheng"), "%s", out);
    free(out);
    /* shancheng is silenced: it leaves its group quietly, neither told nor resolved */
    e2e_sleep_ms(e2e_scaled_ms(600));
    cr_assert_eq(sent(), 8, "silencing tells nothing");
    st = e2e_runl(P("%s/silence-expire", dir), &out, wait_ms(), e2e_bin("yuebao"), "silence", "expire", "1",
                  "--control", P("ipc://%s/notify-ctl.sock", dir), NULL);
    cr_assert_eq(st, 0, "%s", out ? out : "");
    free(out);
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(*) FROM silence_audit WHERE action = 'expire'"), 1);
    expect_sent(9, "shancheng told again once the silence is over");
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(*) FROM log WHERE gkey = '{zone=\"shancheng\"}'"), 2);
    cr_assert_eq(fake_http_count(http, ROBOT), 9);
    st = e2e_runl(P("%s/silence-bad", dir), &out, wait_ms(), e2e_bin("yuebao"), "silence", "add", "--match",
                  "colour=red", "--until", "2h", "--control", P("ipc://%s/notify-ctl.sock", dir), NULL);
    cr_assert_eq(st, 1, "refused");
    free(out);
    cr_assert_eq(e2e_count_in_file(P("%s/silence-bad.err", dir), "colour"), 1);
    stop_daemons();
}

/* An overdue report still missing is reminded the next working day at 09:00: notify
 * restarted with the clock on Friday 08:59 says nothing, at Monday 09:00 reminds once
 * per group. */
Test(e2e_notify, an_overdue_report_is_reminded_on_the_next_working_day_at_nine) {
    static const char *const extra[] = {"--set", "reporting_since=2017-06", "--set", "coalesce_ms=50", NULL};
    set_now("2017-07-13T15:00"); /* a Thursday: June (due 07-10) overdue, 8 zones */
    start_daemons(extra);
    write_ini(NULL, NULL);
    notify_start();
    expect_sent(7, "the first start");
    notify_stop();
    set_now("2017-07-14T08:59"); /* Friday, before nine */
    notify_start();
    expect_sent(7, "not before 09:00");
    notify_stop();
    set_now("2017-07-14T09:00");
    notify_start();
    expect_sent(14, "reminded at 09:00 Friday");
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(*) FROM log WHERE kind = 2"), 7, "as reminders");
    cr_assert_eq(robot_count("### [提醒] "), 7, "said to be reminders");
    notify_stop();
    set_now("2017-07-15T09:00"); /* Saturday: not a working day */
    notify_start();
    expect_sent(14, "no reminder on Saturday");
    notify_stop();
    set_now("2017-07-17T09:00"); /* Monday */
    notify_start();
    expect_sent(21, "Monday 09:00");
    stop_daemons();
}

/* A fresh install of the sample city without reporting_since: first started on 5 July,
 * the scorer owes June on (due 10 July), nothing before; on 15 July June is overdue for
 * the 8 zones, and notify's first start tells 7 summaries (one per county; 浚县's two
 * zones in one), not a flood of the months before the install. */
Test(e2e_notify, a_fresh_install_without_reporting_since_tells_one_summary_per_group) {
    static const char *const extra[] = {"--set", "coalesce_ms=50", NULL};
    set_now("2017-07-05T10:00");
    start_daemons(extra);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts"), 0, "nothing owed yet:\n%s",
                 e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_scorer_stop(&sc), 0);
    set_now("2017-07-15T10:00");
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, extra), 0, "%s", e2e_tail(sc.err_log, 2000));
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts WHERE kind = 'overdue' AND period = "
                                        "'2017-06'"),
                 8);
    cr_assert_eq(e2e_sql_int(sc.scores, "SELECT count(*) FROM alerts"), 8, "nothing from before the install");
    write_ini(NULL, NULL);
    notify_start();
    expect_sent(7, "one summary per county");
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(DISTINCT gkey) FROM log"), 7, "at most one per group");
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(*) FROM log WHERE kind = 1"), 7,
                 "first-start summaries");
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT sum(n_alerts) FROM log"), 8);
    cr_assert_eq(robot_count("### [汇总] 浚县: 2 项预警"), 1, "浚县's two zones in one message");
    stop_daemons();
}

/* Sends a silence "list" on the DEALER d (waiting for the connection); the reply. */
static void raw_list(void *d, bool *ok, char *error, size_t esz) {
    msg_t m = {0}, r = {0};
    void *frames[2] = {NULL, NULL};
    size_t lens[2];
    zmq_pollitem_t it = {d, 0, ZMQ_POLLIN, 0};
    m.kind = MSG_SILENCE_REQUEST;
    snprintf(m.silence_req.action, sizeof m.silence_req.action, "list");
    for (int waited = 0; wire_send_msg(d, NULL, 0, NULL, &m) < 0; waited += 50) {
        cr_assert_lt(waited, wait_ms(), "the request could not be sent");
        usleep(50 * 1000);
    }
    cr_assert_eq(zmq_poll(&it, 1, wait_ms()), 1, "no answer");
    cr_assert_eq(sock_recv_frames(d, frames, lens, 2), 1);
    cr_assert_eq(codec_decode(frames[0], lens[0], &r, NULL, 0), 0);
    cr_assert_eq(r.kind, MSG_SILENCE_REPLY);
    *ok = r.silence_reply.ok;
    snprintf(error, esz, "%s", r.silence_reply.error);
    msg_clear(&r);
    free(frames[0]);
}

/* Silences are signed requests: over CURVE, a key listed in silence_keys is admitted and
 * the silence is recorded as added by the name beside it (never by what the request
 * says); a key that is not listed is refused at the handshake, and the CLI says so
 * instead of timing out. No scorer is needed for that: notify keeps trying to reach it. */
Test(e2e_notify, a_silence_over_curve_is_recorded_as_its_key_and_an_unlisted_key_is_refused) {
    const char *keys = P("%s/silence_keys", dir);
    char *out = NULL, *z85[3];
    int st;
    FILE *f;
    static const char *const names[3] = {"notify", "alice", "bob"};
    for (int i = 0; i < 3; i++) {
        char *text, *line, *save = NULL;
        st = e2e_runl(P("%s/keygen-%s", dir, names[i]), NULL, wait_ms(), e2e_bin("yuebao"), "keygen",
                      P("%s/%s", dir, names[i]), NULL);
        cr_assert_eq(st, 0, "keygen %s", names[i]);
        text = e2e_read_file(P("%s/%s.pub", dir, names[i]));
        cr_assert_not_null(text);
        z85[i] = NULL;
        for (line = strtok_r(text, "\n", &save); line && !z85[i]; line = strtok_r(NULL, "\n", &save))
            if (line[0] != '#' && line[0]) z85[i] = strdup(line);
        free(text);
        cr_assert_not_null(z85[i]);
    }
    f = fopen(keys, "w");
    cr_assert_not_null(f);
    fprintf(f, "%s alice 张科长\n", z85[1]);
    fclose(f);
    write_ini(NULL, NULL);
    f = fopen(notify_ini, "a");
    cr_assert_not_null(f);
    /* [notify] keys after the receiver section would be the receiver's: a second [notify] */
    fprintf(f,
            "[notify]\nkey = %s/notify.key\nserver_key = %s/notify.pub\nsilence_keys = %s\ncontrol = "
            "tcp://127.0.0.1:%d\n",
            dir, dir, keys, e2e_free_port());
    fclose(f);
    {
        const char *base = P("%s/notify-%d", dir, ++notify_runs);
        char *ini = e2e_read_file(notify_ini), *ctl = strstr(ini, "control = tcp://");
        char control[64];
        cr_assert_not_null(ctl);
        sscanf(ctl + 10, "%63s", control);
        free(ini);
        snprintf(notify_err, sizeof notify_err, "%s.err", base);
        notify_pid = e2e_startl(base, e2e_bin("yuebao-notify"), "-c", notify_ini, NULL);
        cr_assert_eq(e2e_wait_log(notify_err, "ready:", notify_pid, wait_ms()), 0, "%s",
                     e2e_tail(notify_err, 3000));
        st =
            e2e_runl(P("%s/silence-alice", dir), &out, wait_ms(), e2e_bin("yuebao"), "silence", "add",
                     "--match", "county=4106*", "--until", "1d", "--comment", "audit week", "--control",
                     control, "--key", P("%s/alice.key", dir), "--server-key", P("%s/notify.pub", dir), NULL);
        cr_assert_eq(st, 0, "alice may: %s\n%s", out ? out : "",
                     e2e_tail(P("%s/silence-alice.err", dir), 1000));
        free(out);
        st = e2e_runl(P("%s/silence-bob", dir), &out, wait_ms(), e2e_bin("yuebao"), "silence", "add",
                      "--match", "county=4106*", "--until", "1d", "--control", control, "--key",
                      P("%s/bob.key", dir), "--server-key", P("%s/notify.pub", dir), NULL);
        cr_assert_eq(st, 1, "bob may not");
        free(out);
        cr_assert_eq(e2e_count_in_file(P("%s/silence-bob.err", dir), "it is not listed in silence_keys"), 1,
                     "%s", e2e_tail(P("%s/silence-bob.err", dir), 1000));
        /* alice's key removed by SIGHUP no longer works on the connection she has */
        {
            void *ctx = zmq_ctx_new(), *d;
            sock_security_t sec;
            char e[256];
            bool ok;
            cr_assert_eq(
                sock_security_load(&sec, false, P("%s/alice.key", dir), P("%s/notify.pub", dir), e, sizeof e),
                0, "%s", e);
            cr_assert_not_null(d = sock_dealer(ctx, control, NULL, &sec, e, sizeof e), "%s", e);
            raw_list(d, &ok, e, sizeof e);
            cr_assert(ok, "alice may list: %s", e);
            f = fopen(keys, "w");
            cr_assert_not_null(f);
            fprintf(f, "# alice moved to another office\n");
            fclose(f);
            cr_assert_eq(kill(notify_pid, SIGHUP), 0);
            cr_assert_eq(e2e_wait_log(notify_err, "silence_keys: 0 key(s)", notify_pid, wait_ms()), 0, "%s",
                         e2e_tail(notify_err, 3000));
            raw_list(d, &ok, e, sizeof e);
            cr_assert_not(ok, "a removed key is refused on its open connection");
            cr_assert(strstr(e, "no longer listed in silence_keys"), "%s", e);
            sock_close(&d);
            zmq_ctx_term(ctx);
        }
    }
    notify_stop();
    {
        char *who = e2e_sql_text(notify_db, "SELECT created_by || ' ' || created_key FROM silences");
        cr_assert_not_null(who);
        cr_assert_eq(strncmp(who, "alice ", 6), 0, "%s", who);
        cr_assert(strstr(who, z85[1]), "the key recorded with the name: %s", who);
        free(who);
    }
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(*) FROM silence_audit WHERE actor = 'alice'"), 1);
    cr_assert_eq(e2e_sql_int(notify_db, "SELECT count(*) FROM silences"), 1, "bob's is not there");
    for (int i = 0; i < 3; i++)
        free(z85[i]);
}
