/* test_e2e_receivers.c - the receivers delivering for real: over TCP to the local
 * 企业微信/钉钉/webhook fake and the SMTP sink (fake_receivers.h), and to a command.
 *
 * Each test makes receivers as notify.ini would (receiver_set), delivers the fixture
 * notice (notice_fixture.h) and asserts what the far side received - the exact bytes,
 * the 钉钉 signature as the fake verified it, the e-mail as the sink stored it - and how
 * each answer was classified: a rate-limit answer, a 500, a 400, a server that is down,
 * one that never answers. The robots' 20-a-minute limit is shown to hold the 21st
 * message back before it reaches the robot.
 *
 * TLS: the fake and the sink speak plain text on loopback (which the receivers allow
 * only there). That verification is always on is shown against `openssl s_server`
 * (an untrusted certificate, one for another host, the right ca_file); that STARTTLS is
 * required elsewhere against the sink, which then refuses to start TLS, and the
 * receiver refuses to go on.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../notify/receiver_internal.h" /* -Icommon only */
#include "e2e.h"
#include "fake_receivers.h"
#include "notice_fixture.h"

#define P(...) e2e_fmt(__VA_ARGS__)
#define NOW 1781226900000LL

static fake_http_t *http;
static fake_smtp_t *smtp;
static char dir[256], err[512];

static void setup(void) {
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0);
    cr_assert(http = fake_http_start());
    cr_assert(smtp = fake_smtp_start());
}

static void teardown(void) {
    fake_http_stop(&http);
    fake_smtp_stop(&smtp);
    e2e_cleanup();
}

TestSuite(e2e_receivers, .init = setup, .fini = teardown, .timeout = 60);

static receiver_t *make(const char *type, const char *url) {
    receiver_t *r = receiver_new("heshan", err, sizeof err);
    cr_assert(r, "%s", err);
    cr_assert_eq(receiver_set(r, "type", type, err, sizeof err), 0, "%s", err);
    if (url) cr_assert_eq(receiver_set(r, "url", url, err, sizeof err), 0, "%s", err);
    receiver_set_master(r, &fixture_master);
    return r;
}

static const char *wecom_url(void) {
    return P("http://127.0.0.1:%d/cgi-bin/webhook/send?key=693a91f6-7xxx", fake_http_port(http));
}

static const char *dingtalk_url(void) {
    return P("http://127.0.0.1:%d/robot/send?access_token=T0KEN", fake_http_port(http));
}

static deliver_result_t deliver(receiver_t *r) {
    notice_t n = fixture_notice();
    return receiver_deliver(r, &n, NOW);
}

/* The i-th request to prefix; the caller frees it. */
static fake_request_t request(const char *prefix, size_t i) {
    fake_request_t q;
    cr_assert_eq(fake_http_request(http, prefix, i, &q), 0, "no request %zu to %s", i, prefix);
    return q;
}

/* ---- 企业微信 --------------------------------------------------------------------- */

Test(e2e_receivers, wecom_receives_the_markdown_message) {
    receiver_t *r = make("wecom", wecom_url());
    notice_t n = fixture_notice();
    tbuf_t want = {0};
    cr_assert_eq(receiver_check(r, err, sizeof err), 0, "%s", err);
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    cr_assert_str_eq(d.detail, "errcode 0 ok");
    fake_request_t q = request("/cgi-bin/webhook/send", 0);
    cr_assert_str_eq(q.method, "POST");
    cr_assert_str_eq(q.target, "/cgi-bin/webhook/send?key=693a91f6-7xxx");
    cr_assert(strstr(q.headers, "Content-Type: application/json\r\n"), "%s", q.headers);
    cr_assert_null(strstr(q.headers, "Expect:"), "%s", q.headers);
    cr_assert_eq(wecom_payload(r, &n, &want), 0);
    cr_assert_str_eq(q.body, tbuf_str(&want));
    cr_assert(
        strncmp(q.body,
                "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"### 鹤山区: 2 项预警 (2 严重)\\n",
                70) == 0,
        "%s", q.body);
    fake_request_free(&q);
    tbuf_free(&want);
    receiver_free(&r);
}

Test(e2e_receivers, wecom_answers_classified) {
    receiver_t *r = make("wecom", wecom_url());
    deliver_result_t d;
    fake_http_script(http, "/cgi-bin/webhook/send", 200,
                     "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}");
    fake_http_script(http, "/cgi-bin/webhook/send", 500, "oops");
    fake_http_script(http, "/cgi-bin/webhook/send", 400, "bad");
    fake_http_script(http, "/cgi-bin/webhook/send", 429, "");
    fake_http_script(http, "/cgi-bin/webhook/send", FAKE_RESET, NULL);
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert_eq(d.retry_after_ms, NOW + 60000);
    cr_assert_str_eq(d.detail, "errcode 45009 rate limited: api freq out of limit");
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert_str_eq(d.detail, "HTTP 500");
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_FAILED, "%s", d.detail);
    cr_assert_str_eq(d.detail, "HTTP 400");
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert_eq(d.retry_after_ms, NOW + 60000);
    d = deliver(r); /* the connection closed without an answer */
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    d = deliver(r); /* the script is used up: the default answer */
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    cr_assert_eq(fake_http_count(http, "/cgi-bin/webhook/send"), 6);
    receiver_free(&r);
}

Test(e2e_receivers, a_wrong_key_is_refused_for_good) {
    receiver_t *r = make("wecom", P("http://127.0.0.1:%d/cgi-bin/webhook/send?key=", fake_http_port(http)));
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_FAILED, "%s", d.detail);
    cr_assert_str_eq(d.detail, "errcode 93000: invalid webhook url");
    receiver_free(&r);
}

Test(e2e_receivers, down_then_up) {
    receiver_t *r = make("wecom", wecom_url());
    cr_assert_eq(fake_http_down(http, true), 0);
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert_eq(d.retry_after_ms, 0, "the core's backoff");
    cr_assert(strstr(d.detail, "onnect"), "%s", d.detail);
    cr_assert_eq(fake_http_down(http, false), 0);
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    cr_assert_eq(fake_http_count(http, NULL), 1);
    receiver_free(&r);
}

Test(e2e_receivers, no_answer_within_the_timeout_is_retried) {
    receiver_t *r = make("webhook", P("http://127.0.0.1:%d/hook", fake_http_port(http)));
    cr_assert_eq(receiver_set(r, "timeout", "1", err, sizeof err), 0);
    fake_http_script(http, "/hook", FAKE_HANG, NULL);
    int64_t t0 = clock_mono_ms();
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert(strstr(d.detail, "imed out"), "%s", d.detail);
    cr_assert_lt(clock_mono_ms() - t0, e2e_scaled_ms(5000), "the timeout was not kept");
    receiver_free(&r);
}

/* 20 messages a minute per robot: the 21st is held back (never reaches the robot)
 * until the first is a minute old. */
Test(e2e_receivers, the_twenty_first_message_in_a_minute_waits) {
    receiver_t *r = make("wecom", wecom_url());
    notice_t n = fixture_notice();
    for (int i = 0; i < 20; i++) {
        deliver_result_t d = receiver_deliver(r, &n, NOW + i * 2000);
        cr_assert_eq(d.status, DELIVER_OK, "message %d: %s", i + 1, d.detail);
    }
    cr_assert_eq(receiver_ready_at(r, NOW + 40000), NOW + 60000);
    deliver_result_t d = receiver_deliver(r, &n, NOW + 40000);
    cr_assert_eq(d.status, DELIVER_RETRY);
    cr_assert_eq(d.retry_after_ms, NOW + 60000);
    cr_assert_eq(fake_http_count(http, NULL), 20, "the 21st reached the robot");
    d = receiver_deliver(r, &n, NOW + 60000);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    cr_assert_eq(fake_http_count(http, NULL), 21);
    receiver_free(&r);
}

/* ---- 钉钉 ------------------------------------------------------------------------- */

Test(e2e_receivers, dingtalk_signed_request_verified_by_the_robot) {
    static const char secret[] = "SEC1f5e1c3b6b8a2d0c9e7f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1";
    receiver_t *r = make("dingtalk", dingtalk_url());
    notice_t n = fixture_notice();
    tbuf_t want = {0};
    char ts[32], sign[128];
    fake_http_dingtalk_secret(http, secret);
    cr_assert_eq(receiver_set(r, "secret", secret, err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "mention", "13800001111", err, sizeof err), 0);
    cr_assert_eq(receiver_check(r, err, sizeof err), 0, "%s", err);
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    cr_assert_eq(fake_http_bad_signatures(http), 0);
    fake_request_t q = request("/robot/send", 0);
    cr_assert(strncmp(q.target, "/robot/send?access_token=T0KEN&timestamp=", 41) == 0, "%s", q.target);
    /* the signature the fake checked is the one dingtalk_sign makes for that timestamp */
    cr_assert_eq(fake_query_param(q.target, "timestamp", ts, sizeof ts), 0);
    dingtalk_sign(secret, strtoll(ts, NULL, 10), sign, sizeof sign);
    cr_assert(strstr(q.target, P("&sign=%s", sign)), "%s", q.target);
    cr_assert_eq(dingtalk_payload(r, &n, &want), 0);
    cr_assert_str_eq(q.body, tbuf_str(&want));
    cr_assert(strstr(q.body, "\"at\":{\"atMobiles\":[\"13800001111\"],\"isAtAll\":false}}"), "%s", q.body);
    fake_request_free(&q);
    tbuf_free(&want);
    receiver_free(&r);
}

Test(e2e_receivers, dingtalk_wrong_secret_and_rate_limit) {
    receiver_t *r = make("dingtalk", dingtalk_url());
    fake_http_dingtalk_secret(http, "SECthe-right-one");
    cr_assert_eq(receiver_set(r, "secret", "SECa-wrong-one", err, sizeof err), 0);
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_FAILED, "%s", d.detail);
    cr_assert_str_eq(d.detail, "errcode 310000: sign not match");
    cr_assert_eq(fake_http_bad_signatures(http), 1);
    cr_assert_eq(receiver_set(r, "secret", "SECthe-right-one", err, sizeof err), 0);
    fake_http_script(http, "/robot/send", 200, "{\"errcode\":130101,\"errmsg\":\"send too fast\"}");
    fake_http_script(http, "/robot/send", 200,
                     "{\"errcode\":660026,\"errmsg\":\"send too fast, exceed 20 times per minute\"}");
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert_eq(d.retry_after_ms, NOW + 60000);
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    cr_assert_eq(fake_http_bad_signatures(http), 1);
    receiver_free(&r);
}

/* ---- the webhook ----------------------------------------------------------------- */

Test(e2e_receivers, webhook_receives_alertmanager_json) {
    receiver_t *r = make("webhook", P("http://127.0.0.1:%d/alertmanager/hook", fake_http_port(http)));
    notice_t n = fixture_notice();
    tbuf_t want = {0};
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    fake_request_t q = request("/alertmanager/hook", 0);
    cr_assert_eq(webhook_payload(r, &n, &want), 0);
    cr_assert_str_eq(q.body, tbuf_str(&want));
    cr_assert(strstr(q.body, "\"version\":\"4\",\"groupKey\":\"{county=\\\"410603\\\",kind=\\\"pace\\\"}\""),
              "%s", q.body);
    fake_request_free(&q);
    tbuf_free(&want);
    receiver_free(&r);
}

/* A proxy in the environment (a government network often sets one) is for the robots
 * out there: a loopback receiver is reached directly, never through it. The proxy here
 * is a port nobody listens on. */
Test(e2e_receivers, a_loopback_receiver_never_goes_through_the_proxy) {
    receiver_t *r = make("webhook", P("http://127.0.0.1:%d/alertmanager/hook", fake_http_port(http)));
    int port = e2e_free_port();
    cr_assert_gt(port, 0);
    cr_assert_eq(setenv("http_proxy", P("http://127.0.0.1:%d", port), 1), 0);
    cr_assert_eq(setenv("HTTPS_PROXY", P("http://127.0.0.1:%d", port), 1), 0);
    cr_assert_eq(setenv("ALL_PROXY", P("http://127.0.0.1:%d", port), 1), 0);
    deliver_result_t d = deliver(r);
    unsetenv("http_proxy");
    unsetenv("HTTPS_PROXY");
    unsetenv("ALL_PROXY");
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    fake_request_t q = request("/alertmanager/hook", 0);
    fake_request_free(&q);
    receiver_free(&r);
}

/* ---- e-mail ---------------------------------------------------------------------- */

static receiver_t *mailer(const char *url) {
    receiver_t *r = make("email", NULL);
    cr_assert_eq(receiver_set(r, "smtp_url", url, err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "from", "yuebao@kfq.example", err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "to", "heshan@kfq.example, office@kfq.example", err, sizeof err), 0);
    cr_assert_eq(receiver_check(r, err, sizeof err), 0, "%s", err);
    return r;
}

Test(e2e_receivers, email_arrives_in_the_sink) {
    char pw[300];
    snprintf(pw, sizeof pw, "%s/smtp.password", dir);
    FILE *f = fopen(pw, "w");
    fputs("s3cret\n", f);
    fclose(f);
    receiver_t *r = make("email", NULL);
    cr_assert_eq(receiver_set(r, "smtp_url", P("smtp://127.0.0.1:%d", fake_smtp_port(smtp)), err, sizeof err),
                 0);
    cr_assert_eq(receiver_set(r, "from", "yuebao@kfq.example", err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "to", "heshan@kfq.example, office@kfq.example", err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "username", "yuebao", err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "password_file", pw, err, sizeof err), 0, "%s", err);
    cr_assert_eq(receiver_check(r, err, sizeof err), 0, "%s", err);
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    cr_assert_eq(fake_smtp_count(smtp), 1);
    fake_mail_t m;
    cr_assert_eq(fake_smtp_message(smtp, 0, &m), 0);
    cr_assert_str_eq(m.from, "<yuebao@kfq.example>");
    cr_assert_str_eq(m.rcpt, "<heshan@kfq.example>\n<office@kfq.example>\n");
    cr_assert_str_eq(m.auth, "yuebao\ns3cret");
    /* what was sent is the message email_message makes (its Date from the same NOW) */
    notice_t n = fixture_notice();
    tbuf_t want = {0};
    cr_assert_eq(email_message(r, &n, NOW, &want), 0);
    cr_assert_str_eq(m.data, tbuf_str(&want));
    cr_assert(strstr(m.data, "To: <heshan@kfq.example>, <office@kfq.example>\r\n"), "%s", m.data);
    cr_assert(strstr(m.data, "Content-Type: text/plain; charset=UTF-8\r\n"));
    /* the subject decodes to the title */
    {
        const char *w = strstr(m.data, "Subject: =?UTF-8?B?") + 19, *e = strstr(w, "?=");
        unsigned char dec[256];
        size_t len;
        cr_assert_eq(sodium_base642bin(dec, sizeof dec, w, (size_t)(e - w), NULL, &len, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
        dec[len] = '\0';
        cr_assert(strncmp("鹤山区: 2 项预警 (2 严重)", (char *)dec, len) == 0, "%s", dec);
    }
    fake_mail_free(&m);
    tbuf_free(&want);
    receiver_free(&r);
}

Test(e2e_receivers, email_answers_and_a_sink_that_is_down) {
    receiver_t *r = mailer(P("smtp://127.0.0.1:%d", fake_smtp_port(smtp)));
    fake_smtp_script(smtp, 451);
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    fake_smtp_script(smtp, 554);
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_FAILED, "%s", d.detail);
    cr_assert_eq(fake_smtp_count(smtp), 0);
    cr_assert_eq(fake_smtp_down(smtp, true), 0);
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert_eq(fake_smtp_down(smtp, false), 0);
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    cr_assert_eq(fake_smtp_count(smtp), 1);
    receiver_free(&r);
}

/* STARTTLS required (a host that is not loopback): the sink does not offer it, or
 * offers it and then refuses; either way nothing goes out in plain text. */
Test(e2e_receivers, starttls_required_or_nothing_is_sent) {
    http_answer_t a;
    const char *url = P("smtp://127.0.0.1:%d", fake_smtp_port(smtp));
    int rc = notify_smtp_send(url, true, "", "", "", "yuebao@kfq.example", "a@kfq.example",
                              "Subject: x\r\n\r\nx\r\n", 5000, &a);
    cr_assert_eq(rc, -1);
    deliver_result_t d = notify_smtp_classify(rc, &a);
    cr_assert_eq(d.status, DELIVER_FAILED, "%s", d.detail);
    cr_assert(strstr(d.detail, "STARTTLS"), "%s", d.detail);
    fake_smtp_offer_starttls(smtp, true);
    rc = notify_smtp_send(url, true, "", "", "", "yuebao@kfq.example", "a@kfq.example",
                          "Subject: x\r\n\r\nx\r\n", 5000, &a);
    cr_assert_eq(rc, -1);
    cr_assert_neq(notify_smtp_classify(rc, &a).status, DELIVER_OK);
    cr_assert_eq(fake_smtp_count(smtp), 0, "a message went out without TLS");
    /* loopback: TLS if offered, so the same sink takes it */
    fake_smtp_offer_starttls(smtp, false);
    rc = notify_smtp_send(url, false, "", "", "", "yuebao@kfq.example", "a@kfq.example",
                          "Subject: x\r\n\r\nx\r\n", 5000, &a);
    cr_assert_eq(rc, 0, "%s", a.error);
    cr_assert_eq(fake_smtp_count(smtp), 1);
}

/* ---- exec ------------------------------------------------------------------------ */

/* A hook script in the test's folder: stdin to in.json, the environment to env.txt,
 * then what $1 says (exit code, or "sleep"). */
static const char *hook(void) {
    const char *path = P("%s/hook.sh", dir);
    FILE *f = fopen(path, "w");
    fprintf(f,
            "cat > '%s/in.json'\n"
            "env | grep '^YUEBAO_' | sort > '%s/env.txt'\n"
            "case \"$1\" in sleep) exec sleep 30 ;; esac\n"
            "echo \"hook says $1\" >&2\n"
            "exit \"$1\"\n",
            dir, dir);
    fclose(f);
    return path;
}

static receiver_t *exec_receiver(const char *arg) {
    receiver_t *r = make("exec", NULL);
    cr_assert_eq(receiver_set(r, "command", P("/bin/sh %s %s", hook(), arg), err, sizeof err), 0, "%s", err);
    cr_assert_eq(receiver_check(r, err, sizeof err), 0, "%s", err);
    return r;
}

Test(e2e_receivers, exec_gets_the_json_and_environment_no_shell) {
    receiver_t *r = exec_receiver("0");
    notice_t n = fixture_notice();
    tbuf_t want = {0};
    /* a zone name that a shell would run */
    strcpy(fixture_alerts[0].zone_name,
           P("$(touch %s/pwned)`touch %s/pwned2`;touch %s/pwned3", dir, dir, dir));
    deliver_result_t d = receiver_deliver(r, &n, NOW);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    char *in = e2e_read_file(P("%s/in.json", dir)), *env = e2e_read_file(P("%s/env.txt", dir));
    cr_assert(in && env);
    cr_assert_eq(webhook_payload(r, &n, &want), 0);
    cr_assert_str_eq(in, tbuf_str(&want));
    cr_assert(strstr(env, "YUEBAO_RECEIVER=heshan\n"), "%s", env);
    cr_assert(strstr(env, "YUEBAO_NOTICE=normal\n"));
    cr_assert(strstr(env, "YUEBAO_STATUS=firing\n"));
    cr_assert(strstr(env, "YUEBAO_FIRING=2\n"));
    cr_assert(strstr(env, "YUEBAO_RESOLVED=1\n"));
    cr_assert(strstr(env, "YUEBAO_TITLE=鹤山区: 2 项预警 (2 严重)\n"), "%s", env);
    cr_assert(strstr(env, "YUEBAO_GROUP_KEY={county=\"410603\",kind=\"pace\"}\n"), "%s", env);
    cr_assert_not(e2e_exists(P("%s/pwned", dir)));
    cr_assert_not(e2e_exists(P("%s/pwned2", dir)));
    cr_assert_not(e2e_exists(P("%s/pwned3", dir)));
    free(in), free(env);
    tbuf_free(&want);
    receiver_free(&r);
}

Test(e2e_receivers, exec_exit_codes_and_timeout) {
    receiver_t *r = exec_receiver("75");
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert_str_eq(d.detail, "exit 75 (try again): hook says 75");
    receiver_free(&r);
    r = exec_receiver("3");
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_FAILED, "%s", d.detail);
    cr_assert_str_eq(d.detail, "exit 3: hook says 3");
    receiver_free(&r);
    r = exec_receiver("sleep");
    cr_assert_eq(receiver_set(r, "timeout", "1", err, sizeof err), 0);
    int64_t t0 = clock_mono_ms();
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert_str_eq(d.detail, "killed after 1 s");
    cr_assert_lt(clock_mono_ms() - t0, e2e_scaled_ms(5000));
    receiver_free(&r);
}

/* A command that reads part of a large stdin (more than a pipe holds), closes it and
 * exits 0: the next write meets EPIPE, SIGPIPE is held and dropped, the daemon lives
 * on, and the exit code decides. */
Test(e2e_receivers, exec_that_stops_reading_a_large_stdin) {
    static notice_alert_t many[600];
    receiver_t *r = make("exec", NULL);
    notice_t n = fixture_notice();
    tbuf_t json = {0};
    const char *script = P("%s/half.sh", dir);
    FILE *f = fopen(script, "w");
    fputs("head -c 100000 >/dev/null\nexec 0<&-\nsleep 0.2\nexit \"$1\"\n", f);
    fclose(f);
    signal(SIGPIPE, SIG_DFL); /* as a daemon that never set it: Criterion ignores it */
    for (size_t i = 0; i < 600; i++)
        many[i] = fixture_alerts[i % 3];
    n.alerts = many;
    n.n_alerts = 600;
    cr_assert_eq(webhook_payload(r, &n, &json), 0);
    cr_assert_gt(json.n, 4 * 65536, "the body (%zu bytes) must not fit a pipe (64 KiB)", json.n);
    tbuf_free(&json);
    cr_assert_eq(receiver_set(r, "command", P("/bin/sh %s 0", script), err, sizeof err), 0, "%s", err);
    deliver_result_t d = receiver_deliver(r, &n, NOW);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    cr_assert_eq(receiver_set(r, "command", P("/bin/sh %s 4", script), err, sizeof err), 0, "%s", err);
    d = receiver_deliver(r, &n, NOW);
    cr_assert_eq(d.status, DELIVER_FAILED, "%s", d.detail);
    cr_assert_str_eq(d.detail, "exit 4: ");
    receiver_free(&r);
}

/* ---- TLS ------------------------------------------------------------------------- */

/* A free port on 127.0.0.1 (bound, read, closed: the OS does not hand it out again at
 * once). */
static int free_port(void) {
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* Waits until something listens on 127.0.0.1:port. */
static void wait_listening(int port, pid_t pid) {
    int64_t until = clock_mono_ms() + e2e_scaled_ms(E2E_WAIT_MS);
    for (;;) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        int fd = socket(AF_INET, SOCK_STREAM, 0), rc;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        rc = connect(fd, (struct sockaddr *)&a, sizeof a);
        close(fd);
        if (rc == 0) return;
        cr_assert(e2e_alive(pid), "openssl s_server exited: %s", e2e_tail(P("%s/s_server.err", dir), 400));
        cr_assert_lt(clock_mono_ms(), until, "openssl s_server does not listen on %d", port);
        e2e_sleep_ms(20);
    }
}

/* A certificate for name (an IP address or a DNS name) and its key, self-signed. */
static void make_cert(const char *stem, const char *san) {
    cr_assert_eq(e2e_runl(P("%s/%s.req", dir, stem), NULL, e2e_scaled_ms(30000), "/usr/bin/openssl", "req",
                          "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=yuebao-test",
                          "-addext", P("subjectAltName=%s", san), "-keyout", P("%s/%s.key", dir, stem),
                          "-out", P("%s/%s.pem", dir, stem), NULL),
                 0, "openssl req: %s", e2e_tail(P("%s/%s.req.err", dir, stem), 400));
}

/* Verification is always on: against an HTTPS server (openssl s_server, which
 * answers no POST, so a handshake that passes ends in the timeout) the receiver stops
 * at the handshake when the certificate is not trusted or names another host, and
 * gets past it with the right ca_file. */
Test(e2e_receivers, tls_verification_is_always_on) {
    int port = free_port();
    make_cert("local", "IP:127.0.0.1");
    make_cert("other", "DNS:other.example");
    pid_t pid =
        e2e_startl(P("%s/s_server", dir), "/usr/bin/openssl", "s_server", "-accept", P("127.0.0.1:%d", port),
                   "-cert", P("%s/local.pem", dir), "-key", P("%s/local.key", dir), "-www", "-quiet", NULL);
    cr_assert_gt(pid, 0);
    wait_listening(port, pid);
    const char *url = P("https://127.0.0.1:%d/hook", port);

    receiver_t *r = make("webhook", url); /* the system's CAs: a self-signed server is refused */
    cr_assert_eq(receiver_set(r, "timeout", "2", err, sizeof err), 0);
    deliver_result_t d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert(strstr(d.detail, "certificate"), "%s", d.detail);
    receiver_free(&r);

    r = make("webhook", url); /* trusted, but the certificate is for other.example */
    cr_assert_eq(receiver_set(r, "timeout", "2", err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "ca_file", P("%s/other.pem", dir), err, sizeof err), 0, "%s", err);
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert(strstr(d.detail, "certificate") || strstr(d.detail, "subject"), "%s", d.detail);
    cr_assert_null(strstr(d.detail, "imed out"), "%s", d.detail);
    receiver_free(&r);

    r = make("webhook", url); /* the right CA: past the handshake, then no answer */
    cr_assert_eq(receiver_set(r, "timeout", "2", err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "ca_file", P("%s/local.pem", dir), err, sizeof err), 0, "%s", err);
    d = deliver(r);
    cr_assert_eq(d.status, DELIVER_RETRY, "%s", d.detail);
    cr_assert(strstr(d.detail, "imed out"), "the handshake did not pass: %s", d.detail);
    receiver_free(&r);
    e2e_stop(pid, e2e_scaled_ms(5000));
}

/* The daemon blocks SIGHUP, SIGINT and SIGTERM for its signalfd, and the delivery
 * threads inherit that mask: the hook must not, or a kill (the timeout's SIGKILL aside)
 * and the hook's own children would never see them. */
Test(e2e_receivers, exec_hook_runs_with_no_signal_blocked) {
    receiver_t *r = make("exec", NULL);
    notice_t n = fixture_notice();
    sigset_t set, old;
    char *status, *line;
    /* no shell between (dash clears its mask at start): dd copies its own status */
    cr_assert_eq(receiver_set(r, "command",
                              P("/bin/dd if=/proc/self/status of=%s/status.txt status=none", dir), err,
                              sizeof err),
                 0, "%s", err);
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    cr_assert_eq(pthread_sigmask(SIG_BLOCK, &set, &old), 0); /* as yuebao-notify's main does */
    deliver_result_t d = receiver_deliver(r, &n, NOW);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    cr_assert_eq(d.status, DELIVER_OK, "%s", d.detail);
    status = e2e_read_file(P("%s/status.txt", dir));
    cr_assert_not_null(status);
    line = strstr(status, "\nSigBlk:");
    cr_assert_not_null(line, "%s", status);
    cr_assert_eq(strncmp(line, "\nSigBlk:\t0000000000000000\n", 26), 0, "the hook's blocked signals: %.30s",
                 line);
    free(status);
    receiver_free(&r);
}
