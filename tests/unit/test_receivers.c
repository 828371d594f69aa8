/* test_receivers.c - what yuebao-notify's receivers send, byte for byte, without a
 * network: the template language, the built-in Chinese templates, the 企业微信 and 钉钉
 * payloads, the 钉钉 signature against a vector computed with openssl, Alertmanager's
 * webhook JSON, the e-mail, how answers are classified, the configuration's refusals,
 * and the robots' rate limit. Delivery through real local servers is
 * test_e2e_receivers.
 *
 * The expected texts are typed from the fixture (tests/e2e/notice_fixture.h, whose
 * comment gives every time in UTC and Asia/Shanghai) and the formats' documents, not
 * copied from the program's output unread.
 */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "../../notify/receiver_internal.h" /* -Icommon only */
#include "../e2e/notice_fixture.h"
#include "text.h"

static char err[512];

static receiver_t *make(const char *type, const char *url) {
    receiver_t *r = receiver_new("heshan", err, sizeof err);
    cr_assert(r, "%s", err);
    cr_assert_eq(receiver_set(r, "type", type, err, sizeof err), 0, "%s", err);
    if (url) cr_assert_eq(receiver_set(r, "url", url, err, sizeof err), 0, "%s", err);
    receiver_set_master(r, &fixture_master);
    return r;
}

/* Renders text with n (NULL: the fixture) in format; returns a malloc'd string. */
static char *render(const char *text, const notice_t *n, tpl_format_t format, size_t max) {
    notice_t f;
    if (!n) f = fixture_notice(), n = &f;
    tpl_t *t = tpl_parse(text, err, sizeof err);
    tpl_opts_t o = {.format = format, .master = &fixture_master, .max_bytes = max};
    tbuf_t b = {0};
    cr_assert(t, "%s", err);
    cr_assert_eq(tpl_render(t, n, &o, &b), 0);
    tpl_free(&t);
    char *s = strdup(tbuf_str(&b));
    tbuf_free(&b);
    return s;
}

static void render_is(const char *text, tpl_format_t format, const char *want) {
    char *got = render(text, NULL, format, 0);
    cr_assert_str_eq(got, want, "template %s", text);
    free(got);
}

/* ---- the template language ------------------------------------------------------- */

Test(template, values_of_the_notice_and_of_each_alert) {
    render_is("{{group}} {{n_firing}}/{{n_critical}}/{{n_warning}}/{{n_resolved}} {{made_at}}", TPL_TEXT,
              "鹤山区 2/2/0/1 2026-06-12 09:15");
    render_is("{{#firing}}[{{zone}} {{kind}} {{severity}} {{since}}]{{/firing}}", TPL_TEXT,
              "[hs01 进度 严重 2026-06-05 10:30][hs02 逾期 严重 2026-06-11 00:00]");
    /* pace: 120 of 400 is 30.0 %, 5/12 = 41.67 % expected, 11.67 pp behind */
    render_is("{{#firing}}{{#is_pace}}{{indicator_name}} {{value}}{{unit}}/{{target}} {{completion}}% "
              "{{expected}}% {{gap}} {{gap_abs}}{{/is_pace}}{{/firing}}",
              TPL_TEXT, "固定资产投资 120万元/400 30.0% 41.67% -11.67 11.67");
    /* a resolved alert is reported with the severity it had; its gap signed */
    render_is("{{#resolved}}{{zone_name}} {{severity_code}} {{gap}} {{ended}} {{kind_code}}{{/resolved}}",
              TPL_TEXT, "鹤山工业园 warning +0.5 2026-06-12 09:15 growth");
    render_is("{{#alerts}}{{zone}}{{#firing}}+{{/firing}}{{#resolved}}-{{/resolved}} {{/alerts}}", TPL_TEXT,
              "hs01+ hs02+ hs03- ");
}

Test(template, sections_inverted_flags_and_zero) {
    render_is("{{#late}}late{{/late}}{{^late}}on time{{/late}}", TPL_TEXT, "on time");
    render_is("{{#normal}}normal{{/normal}}", TPL_TEXT, "normal");
    render_is("{{#more}}more{{/more}}{{^more}}all listed{{/more}}", TPL_TEXT,
              "all listed"); /* "0" is unset */
    render_is("{{#n_warning}}w{{/n_warning}}{{^n_warning}}no warning{{/n_warning}}", TPL_TEXT, "no warning");
    notice_t n = fixture_notice();
    n.n_alerts = 2; /* the two firing ones */
    char *got = render("{{^resolved}}nothing resolved{{/resolved}}", &n, TPL_TEXT, 0);
    cr_assert_str_eq(got, "nothing resolved");
    free(got);
}

Test(template, a_line_with_only_a_tag_leaves_no_line) {
    render_is("a\n{{#late}}\nlate\n{{/late}}\n  {{! a comment }}  \nb\n", TPL_TEXT, "a\nb\n");
    render_is("a\n{{^late}}\nnot late\n{{/late}}\nb", TPL_TEXT, "a\nnot late\nb");
    /* a tag with text on its line stays inline */
    render_is("x {{#late}}late{{/late}} y\n", TPL_TEXT, "x  y\n");
    render_is("{{!\n a comment\n over lines }}\nz", TPL_TEXT, "z");
}

static void refused(const char *text, const char *want_in_err) {
    tpl_t *t = tpl_parse(text, err, sizeof err);
    cr_assert_null(t, "%s was accepted", text);
    cr_assert(strstr(err, want_in_err), "%s: \"%s\" lacks \"%s\"", text, err, want_in_err);
}

Test(template, mistakes_refused_when_parsed) {
    refused("{{zone_nam}}", "line 1: unknown name \"{{zone_nam}}\"");
    refused("a\n{{zone}}", "line 2: \"{{zone}}\" is an alert's");
    refused("{{#firing}}x", "\"{{#firing}}\" is not closed");
    refused("{{#late}}x{{/reminder}}", "closes no open section");
    refused("{{firing}}", "is a list");
    refused("{{#firing}}{{#alerts}}{{/alerts}}{{/firing}}", "a list inside a list");
    refused("{{title", "without \"}}\"");
}

Test(template, county_text_cannot_make_markup_links_or_mentions) {
    notice_t n = fixture_notice();
    strcpy(fixture_alerts[0].zone_name,
           "[点此](http://evil.example) <font color=\"info\">@all</font> **x** #h\\");
    char *got = render("{{#firing}}{{#is_pace}}{{zone_name}}{{/is_pace}}{{/firing}}", &n, TPL_MARKDOWN, 0);
    cr_assert_str_eq(
        got, "［点此］（http：//evil.example） ＜font color=\"info\"＞＠all＜/font＞ ＊＊x＊＊ ＃h＼");
    free(got);
    /* in plain text the same is left as it is */
    got = render("{{#firing}}{{#is_pace}}{{zone_name}}{{/is_pace}}{{/firing}}", &n, TPL_TEXT, 0);
    cr_assert_str_eq(got, "[点此](http://evil.example) <font color=\"info\">@all</font> **x** #h\\");
    free(got);
}

/* The robots turn a bare "www." into a link too: its dot becomes a full-width one. */
Test(template, county_text_cannot_make_a_bare_www_link) {
    notice_t n = fixture_notice();
    strcpy(fixture_alerts[0].zone_name, "见 www.evil.example 或 WWW.x.cn");
    char *got = render("{{#firing}}{{#is_pace}}{{zone_name}}{{/is_pace}}{{/firing}}", &n, TPL_MARKDOWN, 0);
    cr_assert_str_eq(got, "见 www．evil.example 或 WWW．x.cn");
    free(got);
    got = render("{{#firing}}{{#is_pace}}{{zone_name}}{{/is_pace}}{{/firing}}", &n, TPL_TEXT, 0);
    cr_assert_str_eq(got, "见 www.evil.example 或 WWW.x.cn", "plain text is left as it is");
    free(got);
}

Test(template, control_characters_bidi_and_bad_utf8_become_harmless) {
    notice_t n = fixture_notice();
    strcpy(fixture_alerts[0].zone_name, "a\nb\rc\td\x1b[31me\x7f"
                                        "f\xe2\x80\xae"
                                        "g\xff"
                                        "h\xc2\x85"
                                        "i");
    char *got = render("{{#firing}}{{#is_pace}}{{zone_name}}{{/is_pace}}{{/firing}}", &n, TPL_TEXT, 0);
    /* \n \r \t ESC DEL U+202E become spaces, 0xff U+FFFD, NEL (C1) a space */
    cr_assert_str_eq(got, "a b c d [31me f g\xef\xbf\xbdh i");
    free(got);
}

Test(template, too_long_lists_fewer_alerts_and_says_how_many) {
    const char *t = "{{title}}\n{{#alerts}}{{zone}};{{/alerts}}{{#more}}+{{more}}{{/more}}";
    char *got = render(t, NULL, TPL_TEXT, 0);
    cr_assert_str_eq(got, "鹤山区: 2 项预警 (2 严重)\nhs01;hs02;hs03;");
    free(got);
    /* the title is 33 bytes (鹤山区 and 项预警 9 each, 严重 6, 9 ASCII) + "\n" = 34;
     * "hs01;" 5 bytes; "+2" 2 bytes: 41 fits one, the resolved one dropped first */
    got = render(t, NULL, TPL_TEXT, 41);
    cr_assert_str_eq(got, "鹤山区: 2 项预警 (2 严重)\nhs01;+2");
    free(got);
    got = render(t, NULL, TPL_TEXT, 40);
    cr_assert_str_eq(got, "鹤山区: 2 项预警 (2 严重)\n+3");
    free(got);
    /* nothing fits: cut on a character boundary (鹤 is 3 bytes) */
    got = render(t, NULL, TPL_TEXT, 5);
    cr_assert_str_eq(got, "鹤");
    free(got);
}

Test(template, titles_of_each_kind_of_notice) {
    static const struct {
        notice_kind_t kind;
        size_t n_alerts;
        const char *want;
    } cases[] = {
        {NOTICE_NORMAL, 3, "鹤山区: 2 项预警 (2 严重)"},
        {NOTICE_LATE, 3, "[补发] 鹤山区: 2 项预警 (2 严重)"},
        {NOTICE_REMINDER, 1, "[提醒] 鹤山区: 1 项预警 (1 严重)"},
        {NOTICE_FIRST_START, 3, "[汇总] 鹤山区: 2 项预警 (2 严重)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        notice_t n = fixture_notice();
        tbuf_t b = {0};
        n.kind = cases[i].kind;
        n.n_alerts = cases[i].n_alerts;
        tpl_title(&n, TPL_TEXT, &b);
        cr_assert_str_eq(tbuf_str(&b), cases[i].want);
        tbuf_free(&b);
    }
    notice_t n = fixture_notice();
    tbuf_t b = {0};
    n.alerts = &fixture_alerts[2]; /* only the resolved one */
    n.n_alerts = 1;
    tpl_title(&n, TPL_TEXT, &b);
    cr_assert_str_eq(tbuf_str(&b), "鹤山区: 1 项预警已解除");
    tbuf_free(&b);
    /* warnings only: no "(0 严重)" */
    n = fixture_notice();
    fixture_alerts[0].alert.severity = SEV_WARNING;
    n.n_alerts = 1;
    tpl_title(&n, TPL_TEXT, &b);
    cr_assert_str_eq(tbuf_str(&b), "鹤山区: 1 项预警");
    tbuf_free(&b);
}

Test(template, group_name_across_counties_is_the_group_labels) {
    notice_t n = fixture_notice();
    char g[128];
    strcpy(fixture_alerts[1].alert.county, "410602");
    tpl_group_name(&n, g, sizeof g);
    cr_assert_str_eq(g, "pace/410603");
    n.n_labels = 0;
    tpl_group_name(&n, g, sizeof g);
    cr_assert_str_eq(g, "全市");
}

Test(template, times_in_shanghai_and_rfc3339) {
    char t[40];
    tpl_time(1781226900000, t);
    cr_assert_str_eq(t, "2026-06-12 09:15");
    tpl_time(0, t);
    cr_assert_str_eq(t, "");
    tpl_rfc3339(1781226900123, t);
    cr_assert_str_eq(t, "2026-06-12T01:15:00.123Z");
    tpl_rfc3339(0, t);
    cr_assert_str_eq(t, "0001-01-01T00:00:00Z");
}

/* The built-in templates are the shipped files, so an operator who copies one to edit
 * starts from what the daemon really sends. */
static void same_as_file(const char *builtin, const char *path) {
    FILE *f = fopen(path, "rb");
    char buf[16384];
    size_t n;
    cr_assert(f, "%s is missing", path);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cr_assert_str_eq(buf, builtin, "%s differs from the built-in template", path);
    tpl_t *t = tpl_parse(builtin, err, sizeof err);
    cr_assert(t, "%s", err);
    tpl_free(&t);
}

Test(template, builtin_templates_parse_and_are_the_shipped_files) {
    same_as_file(tpl_default_markdown, "deploy/etc/yuebao/notify-templates/robot.md");
    same_as_file(tpl_default_text, "deploy/etc/yuebao/notify-templates/email.txt");
}

Test(template, builtin_text_for_the_fixture) {
    receiver_t *r = make("email", NULL);
    notice_t n = fixture_notice();
    tbuf_t b = {0};
    cr_assert_eq(receiver_render(r, &n, TPL_TEXT, 0, &b), 0);
    cr_assert_str_eq(
        tbuf_str(&b),
        "鹤山区: 2 项预警 (2 严重)\n"
        "\n"
        "* [严重] 鹤山经济开发区 (鹤山区) 进度: 固定资产投资累计 120万元, 为全年目标 400万元 的 30.0%, "
        "序时进度应为 41.67%, 落后 11.67 个百分点。请核实进度, 加快推进。\n"
        "  自 2026-06-05 10:30 起\n"
        "* [严重] 宝山循环经济产业集聚区 (鹤山区) 逾期: 2026-05 月报逾期未报 (截止 2026-06-11 00:00)。"
        "请尽快报送。\n"
        "  自 2026-06-11 00:00 起\n"
        "\n"
        "已解除:\n"
        "* 鹤山工业园 (鹤山区) 增速 营业收入 (2026-06-12 09:15)\n"
        "\n"
        "-- \n"
        "yuebao-notify, 接收方 heshan\n");
    tbuf_free(&b);
    /* late: says when it was meant to go */
    n.kind = NOTICE_LATE;
    cr_assert_eq(receiver_render(r, &n, TPL_TEXT, 0, &b), 0);
    cr_assert(
        strstr(tbuf_str(&b),
               "[补发] 鹤山区: 2 项预警 (2 严重)\n\n补发: 原定 2026-06-12 09:15 发出, 当时未能送达。\n\n"),
        "%s", tbuf_str(&b));
    tbuf_free(&b);
    n.kind = NOTICE_REMINDER;
    cr_assert_eq(receiver_render(r, &n, TPL_TEXT, 0, &b), 0);
    cr_assert(strstr(tbuf_str(&b), "\n提醒: 以下预警仍未解除。\n"), "%s", tbuf_str(&b));
    tbuf_free(&b);
    n.kind = NOTICE_FIRST_START;
    cr_assert_eq(receiver_render(r, &n, TPL_TEXT, 0, &b), 0);
    cr_assert(strstr(tbuf_str(&b), "\n通知服务启动时已在预警中的事项, 汇总发出一次。\n"), "%s", tbuf_str(&b));
    tbuf_free(&b);
    receiver_free(&r);
}

/* ---- payloads -------------------------------------------------------------------- */

#define FIXTURE_MD                                                                                                                     \
    "### 鹤山区: 2 项预警 (2 严重)\\n"                                                                                         \
    "- **严重** 鹤山经济开发区 (鹤山区) 进度: 固定资产投资累计 120万元, 为全年目标 400万元 的 30.0%, " \
    "序时进度应为 "                                                                                                              \
    "41.67%, 落后 11.67 个百分点。请核实进度, 加快推进。\\n"                                                          \
    "- **严重** 宝山循环经济产业集聚区 (鹤山区) 逾期: 2026-05 月报逾期未报 (截止 2026-06-11 "                \
    "00:00)。请尽快报送。\\n"                                                                                                   \
    "- 已解除: 鹤山工业园 (鹤山区) 增速 营业收入 (2026-06-12 09:15)\\n"

Test(payload, wecom_markdown_exact_bytes) {
    receiver_t *r = make("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K");
    notice_t n = fixture_notice();
    tbuf_t b = {0};
    cr_assert_eq(wecom_payload(r, &n, &b), 0);
    cr_assert_str_eq(tbuf_str(&b),
                     "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"" FIXTURE_MD "\"}}");
    tbuf_free(&b);
    receiver_free(&r);
}

Test(payload, wecom_content_fits_4096_bytes) {
    receiver_t *r = make("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K");
    static notice_alert_t many[200];
    notice_t n = fixture_notice();
    tbuf_t b = {0}, text = {0};
    for (size_t i = 0; i < 200; i++)
        many[i] = fixture_alerts[i % 2];
    n.alerts = many;
    n.n_alerts = 200;
    cr_assert_eq(receiver_render(r, &n, TPL_MARKDOWN, WECOM_MAX_BYTES, &text), 0);
    cr_assert_leq(text.n, 4096);
    cr_assert(strstr(tbuf_str(&text), "项未列出\n"), "no \"more\" line");
    cr_assert(strstr(tbuf_str(&text), "### 鹤山区: 200 项预警 (200 严重)\n"));
    cr_assert_eq(wecom_payload(r, &n, &b), 0);
    tbuf_free(&b), tbuf_free(&text);
    receiver_free(&r);
}

Test(payload, dingtalk_markdown_with_title_and_mentions) {
    receiver_t *r = make("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=T");
    notice_t n = fixture_notice();
    tbuf_t b = {0};
    cr_assert_eq(receiver_set(r, "mention", "13800001111,13900002222", err, sizeof err), 0, "%s", err);
    cr_assert_eq(dingtalk_payload(r, &n, &b), 0);
    cr_assert_str_eq(tbuf_str(&b),
                     "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"鹤山区: 2 项预警 (2 严重)\","
                     "\"text\":\"" FIXTURE_MD "\\n\\n@13800001111 @13900002222\"},"
                     "\"at\":{\"atMobiles\":[\"13800001111\",\"13900002222\"],\"isAtAll\":false}}");
    tbuf_free(&b);
    cr_assert_eq(receiver_set(r, "mention", "all", err, sizeof err), 0, "%s", err);
    cr_assert_eq(dingtalk_payload(r, &n, &b), 0);
    cr_assert(strstr(tbuf_str(&b), "\"at\":{\"atMobiles\":[],\"isAtAll\":true}}"), "%s", tbuf_str(&b));
    tbuf_free(&b);
    receiver_free(&r);
}

/* The vector, computed outside the program:
 *   printf '%s\n%s' 1700000000000 SECtest0123456789abcdef |
 *     openssl dgst -sha256 -hmac SECtest0123456789abcdef -binary | base64
 *   → /lfnxUUu80FwVTsIlv2F1cMGBb+PxEKAwYh/bsRxXcc=
 * and urlencoded (Python's urllib.parse.quote_plus, as DingTalk's own example does):
 *   %2FlfnxUUu80FwVTsIlv2F1cMGBb%2BPxEKAwYh%2FbsRxXcc%3D */
Test(payload, dingtalk_signature_matches_openssl) {
    char sign[128], url[512];
    dingtalk_sign("SECtest0123456789abcdef", 1700000000000, sign, sizeof sign);
    cr_assert_str_eq(sign, "%2FlfnxUUu80FwVTsIlv2F1cMGBb%2BPxEKAwYh%2FbsRxXcc%3D");
    receiver_t *r = make("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=T");
    dingtalk_signed_url(r, 1700000000000, url, sizeof url);
    cr_assert_str_eq(url, "https://oapi.dingtalk.com/robot/send?access_token=T"); /* no secret: unsigned */
    cr_assert_eq(receiver_set(r, "secret", "SECtest0123456789abcdef", err, sizeof err), 0);
    dingtalk_signed_url(r, 1700000000000, url, sizeof url);
    cr_assert_str_eq(url, "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000"
                          "&sign=%2FlfnxUUu80FwVTsIlv2F1cMGBb%2BPxEKAwYh%2FbsRxXcc%3D");
    receiver_free(&r);
}

/* Alertmanager's webhook body for the fixture: field order of its Go structs, label
 * and annotation keys sorted, firing endsAt Go's zero time. */
#define FIXTURE_AM                                                                                                       \
    "{\"receiver\":\"heshan\",\"status\":\"firing\",\"alerts\":["                                                        \
    "{\"status\":\"firing\",\"labels\":{\"alertname\":\"pace\",\"county\":\"410603\",\"indicator\":\"fai\","             \
    "\"period\":\"2026-05\",\"severity\":\"critical\",\"zone\":\"hs01\"},"                                               \
    "\"annotations\":{\"county_name\":\"鹤山区\",\"expected\":\"41.66666667\",\"gap\":\"-11.66666667\","              \
    "\"summary\":\"固定资产投资: 30.0% of the year's target 400 万元 done by 2026-05, 41.7% expected "           \
    "(m/12): -11.7 pp\","                                                                                                \
    "\"target\":\"400\",\"value\":\"120\",\"zone_name\":\"鹤山经济开发区\"},"                                     \
    "\"startsAt\":\"2026-06-05T02:30:00.000Z\",\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"@URL@"             \
    "\","                                                                                                                \
    "\"fingerprint\":\"0123456789abcdef\"},"                                                                             \
    "{\"status\":\"firing\",\"labels\":{\"alertname\":\"overdue\",\"county\":\"410603\",\"period\":\"2026-"              \
    "05\","                                                                                                              \
    "\"severity\":\"critical\",\"zone\":\"hs02\"},"                                                                      \
    "\"annotations\":{\"county_name\":\"鹤山区\",\"deadline\":\"2026-06-10T16:00:00.000Z\","                          \
    "\"summary\":\"鹤壁宝山循环经济产业集聚区 (鹤山区) has not reported 2026-05; it was due 2026-06-10 " \
    "24:00\","                                                                                                           \
    "\"zone_name\":\"宝山循环经济产业集聚区\"},"                                                              \
    "\"startsAt\":\"2026-06-10T16:00:00.000Z\",\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"@URL@"             \
    "\","                                                                                                                \
    "\"fingerprint\":\"fedcba9876543210\"},"                                                                             \
    "{\"status\":\"resolved\",\"labels\":{\"alertname\":\"growth\",\"county\":\"410603\",\"indicator\":"                 \
    "\"rev\","                                                                                                           \
    "\"period\":\"2026-05\",\"severity\":\"warning\",\"zone\":\"hs03\"},"                                                \
    "\"annotations\":{\"county_name\":\"鹤山区\",\"gap\":\"0.5\","                                                    \
    "\"summary\":\"营业收入: growth +8.5% against a target of +8.0% by 2026-05: +0.5 pp\",\"target\":\"8\","         \
    "\"value\":\"8.5\",\"zone_name\":\"鹤山工业园\"},"                                                              \
    "\"startsAt\":\"2026-06-01T00:00:00.000Z\",\"endsAt\":\"2026-06-12T01:15:00.000Z\",\"generatorURL\":\"@"             \
    "URL@\","                                                                                                            \
    "\"fingerprint\":\"00000000000000ff\"}],"                                                                            \
    "\"groupLabels\":{\"county\":\"410603\",\"kind\":\"pace\"},"                                                         \
    "\"commonLabels\":{\"county\":\"410603\",\"period\":\"2026-05\"},"                                                   \
    "\"commonAnnotations\":{\"county_name\":\"鹤山区\"},"                                                             \
    "\"externalURL\":\"@URL@\",\"version\":\"4\",\"groupKey\":\"{county=\\\"410603\\\",kind=\\\"pace\\\"}"               \
    "\","                                                                                                                \
    "\"truncatedAlerts\":0}"

/* FIXTURE_AM with @URL@ replaced by url. */
static char *fixture_am(const char *url) {
    tbuf_t b = {0};
    for (const char *p = FIXTURE_AM, *at; *p; p = at + 5) {
        if (!(at = strstr(p, "@URL@"))) {
            tbuf_add(&b, p);
            break;
        }
        tbuf_addn(&b, p, (size_t)(at - p));
        tbuf_add(&b, url);
    }
    return b.p;
}

Test(payload, alertmanager_webhook_exact_bytes) {
    receiver_t *r = make("webhook", "https://hooks.example/alertmanager");
    notice_t n = fixture_notice();
    tbuf_t b = {0};
    char *want;
    cr_assert_eq(webhook_payload(r, &n, &b), 0);
    want = fixture_am("");
    cr_assert_str_eq(tbuf_str(&b), want);
    free(want);
    tbuf_free(&b);
    n.external_url = "https://yuebao.example/alerts";
    cr_assert_eq(webhook_payload(r, &n, &b), 0);
    want = fixture_am(n.external_url);
    cr_assert_str_eq(tbuf_str(&b), want);
    free(want);
    tbuf_free(&b);
    receiver_free(&r);
}

Test(payload, alertmanager_truncated_and_all_resolved) {
    receiver_t *r = make("webhook", "https://hooks.example/am");
    notice_t n = fixture_notice();
    tbuf_t b = {0};
    cr_assert_eq(receiver_set(r, "max_alerts", "1", err, sizeof err), 0);
    cr_assert_eq(webhook_payload(r, &n, &b), 0);
    cr_assert(strstr(tbuf_str(&b), "\"truncatedAlerts\":2}"), "%s", tbuf_str(&b));
    cr_assert(strstr(tbuf_str(&b), "\"fingerprint\":\"0123456789abcdef\"}],"));
    /* one alert: every label is common */
    cr_assert(strstr(tbuf_str(&b),
                     "\"commonLabels\":{\"alertname\":\"pace\",\"county\":\"410603\",\"indicator\":\"fai\","
                     "\"period\":\"2026-05\",\"severity\":\"critical\",\"zone\":\"hs01\"}"));
    tbuf_free(&b);
    n.alerts = &fixture_alerts[2];
    n.n_alerts = 1;
    cr_assert_eq(webhook_payload(r, &n, &b), 0);
    static const char head[] = "{\"receiver\":\"heshan\",\"status\":\"resolved\",";
    cr_assert(strncmp(tbuf_str(&b), head, strlen(head)) == 0, "%s", tbuf_str(&b));
    tbuf_free(&b);
    receiver_free(&r);
}

static char *unbase64(const char *b64) {
    size_t cap = strlen(b64), n;
    char *out = malloc(cap + 1);
    cr_assert_eq(sodium_base642bin((unsigned char *)out, cap, b64, strlen(b64), "\r\n", &n, NULL,
                                   sodium_base64_VARIANT_ORIGINAL),
                 0);
    out[n] = '\0';
    return out;
}

Test(payload, email_headers_subject_and_body) {
    receiver_t *r = make("email", NULL);
    notice_t n = fixture_notice();
    tbuf_t b = {0}, text = {0};
    cr_assert_eq(receiver_set(r, "from", "yuebao@kfq.example", err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "to", "a@heshan.example, b@heshan.example", err, sizeof err), 0);
    cr_assert_eq(email_message(r, &n, 1781226900000, &b), 0);
    const char *m = tbuf_str(&b), *body = strstr(m, "\r\n\r\n");
    cr_assert(body);
    /* 2026-06-12T01:15:00Z is a Friday, 09:15 in Shanghai */
    cr_assert(strncmp(m,
                      "Date: Fri, 12 Jun 2026 09:15:00 +0800\r\n"
                      "From: <yuebao@kfq.example>\r\n"
                      "To: <a@heshan.example>, <b@heshan.example>\r\n"
                      "Subject: =?UTF-8?B?",
                      strlen("Date: Fri, 12 Jun 2026 09:15:00 +0800\r\nFrom: <yuebao@kfq.example>\r\n"
                             "To: <a@heshan.example>, <b@heshan.example>\r\nSubject: =?UTF-8?B?")) == 0,
              "%s", m);
    cr_assert(strstr(m, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                        "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n"));
    cr_assert(strstr(m, "\r\nMessage-ID: <1781226900000."), "%s", m);
    cr_assert(strstr(m, "@kfq.example>\r\n"));
    /* the subject: encoded-words of whole characters that decode to the title */
    {
        char subject[512] = "";
        const char *p = strstr(m, "Subject: ") + 9, *end = strstr(p, "\r\nMessage-ID");
        while (p < end) {
            const char *w = strstr(p, "=?UTF-8?B?"), *q;
            char word[128];
            cr_assert(w && w < end);
            w += 10;
            q = strstr(w, "?=");
            cr_assert_lt((size_t)(q - w + 12), 76, "an encoded-word longer than 75");
            snprintf(word, sizeof word, "%.*s", (int)(q - w), w);
            char *dec = unbase64(word);
            cr_assert(utf8_valid(dec, strlen(dec)), "a word split a character");
            strcat(subject, dec);
            free(dec);
            p = q + 2;
            if (strncmp(p, "\r\n ", 3) == 0) p += 3;
        }
        cr_assert_str_eq(subject, "鹤山区: 2 项预警 (2 严重)");
    }
    /* the body: base64 lines of at most 76, decoding to the text template */
    for (const char *l = body + 4; *l;) {
        const char *e = strstr(l, "\r\n");
        cr_assert(e);
        cr_assert_leq((size_t)(e - l), 76);
        l = e + 2;
    }
    char *dec = unbase64(body + 4);
    cr_assert_eq(receiver_render(r, &n, TPL_TEXT, 0, &text), 0);
    cr_assert_str_eq(dec, tbuf_str(&text));
    free(dec);
    tbuf_free(&text);
    /* the same notice later: the same Message-ID (a resent copy is shown once) */
    {
        tbuf_t again = {0};
        cr_assert_eq(email_message(r, &n, 1781226900000 + 3600000, &again), 0);
        const char *id1 = strstr(m, "Message-ID:"), *id2 = strstr(tbuf_str(&again), "Message-ID:");
        cr_assert(strncmp(id1, id2, (size_t)(strstr(id1, "\r\n") - id1)) == 0);
        tbuf_free(&again);
    }
    tbuf_free(&b);
    receiver_free(&r);
}

/* ---- answers --------------------------------------------------------------------- */
static const int wecom_limits[] = {45009, 0}, dingtalk_limits[] = {130101, 660026, 0};

static deliver_result_t answer(long status, const char *body, const answer_rules_t *rules) {
    http_answer_t a;
    memset(&a, 0, sizeof a);
    a.status = status;
    a.retry_after_s = -1;
    snprintf(a.body, sizeof a.body, "%s", body);
    return notify_http_classify(0, &a, rules, 1000000);
}

Test(answers, classified_as_spec_notify_says) {
    answer_rules_t wecom = {wecom_limits, true}, ding = {dingtalk_limits, true}, hook = {NULL, false};
    deliver_result_t d;
    d = answer(200, "{\"errcode\":0,\"errmsg\":\"ok\"}", &wecom);
    cr_assert_eq(d.status, DELIVER_OK);
    d = answer(200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}", &wecom);
    cr_assert_eq(d.status, DELIVER_RETRY);
    cr_assert_eq(d.retry_after_ms, 1000000 + 60000);
    cr_assert_str_eq(d.detail, "errcode 45009 rate limited: api freq out of limit");
    d = answer(200, "{\"errcode\":130101,\"errmsg\":\"send too fast\"}", &ding);
    cr_assert_eq(d.status, DELIVER_RETRY);
    cr_assert_eq(d.retry_after_ms, 1060000);
    d = answer(200, "{\"errcode\":660026,\"errmsg\":\"send too fast, exceed 20 times per minute\"}", &ding);
    cr_assert_eq(d.status, DELIVER_RETRY);
    d = answer(200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}", &ding);
    cr_assert_eq(d.status, DELIVER_FAILED);
    cr_assert_str_eq(d.detail, "errcode 310000: sign not match");
    d = answer(200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}", &wecom);
    cr_assert_eq(d.status, DELIVER_FAILED);
    d = answer(200, "<html>proxy</html>", &wecom); /* not the robot talking */
    cr_assert_eq(d.status, DELIVER_RETRY);
    d = answer(500, "", &wecom);
    cr_assert_eq(d.status, DELIVER_RETRY);
    cr_assert_eq(d.retry_after_ms, 0);
    cr_assert_str_eq(d.detail, "HTTP 500");
    d = answer(503, "", &hook);
    cr_assert_eq(d.status, DELIVER_RETRY);
    d = answer(429, "", &hook);
    cr_assert_eq(d.status, DELIVER_RETRY);
    cr_assert_eq(d.retry_after_ms, 1060000);
    d = answer(400, "", &hook);
    cr_assert_eq(d.status, DELIVER_FAILED);
    cr_assert_str_eq(d.detail, "HTTP 400");
    d = answer(404, "", &wecom);
    cr_assert_eq(d.status, DELIVER_FAILED);
    d = answer(302, "", &hook); /* a redirect is not followed: refused */
    cr_assert_eq(d.status, DELIVER_FAILED);
    d = answer(204, "", &hook);
    cr_assert_eq(d.status, DELIVER_OK);
    d = answer(200, "{\"errcode\":45009}", &hook); /* a webhook's body is not read */
    cr_assert_eq(d.status, DELIVER_OK);
}

Test(answers, retry_after_header_and_transport_failures) {
    answer_rules_t hook = {NULL, false};
    http_answer_t a;
    memset(&a, 0, sizeof a);
    a.status = 429;
    a.retry_after_s = 120;
    cr_assert_eq(notify_http_classify(0, &a, &hook, 1000000).retry_after_ms, 1000000 + 120000);
    a.status = 503;
    cr_assert_eq(notify_http_classify(0, &a, &hook, 1000000).retry_after_ms, 1000000 + 120000);
    memset(&a, 0, sizeof a);
    a.curl_rc = 7; /* CURLE_COULDNT_CONNECT */
    strcpy(a.error, "Failed to connect\x1b[2J");
    deliver_result_t d = notify_http_classify(-1, &a, &hook, 0);
    cr_assert_eq(d.status, DELIVER_RETRY);
    cr_assert_str_eq(d.detail, "Failed to connect\\x1b[2J"); /* escaped */
    a.curl_rc = 28;                                          /* CURLE_OPERATION_TIMEDOUT */
    cr_assert_eq(notify_http_classify(-1, &a, &hook, 0).status, DELIVER_RETRY);
    a.curl_rc = 1; /* CURLE_UNSUPPORTED_PROTOCOL */
    cr_assert_eq(notify_http_classify(-1, &a, &hook, 0).status, DELIVER_FAILED);
}

Test(answers, smtp_classified) {
    http_answer_t a;
    memset(&a, 0, sizeof a);
    a.status = 250;
    cr_assert_eq(notify_smtp_classify(0, &a).status, DELIVER_OK);
    a.curl_rc = 64; /* CURLE_USE_SSL_FAILED */
    cr_assert_eq(notify_smtp_classify(-1, &a).status, DELIVER_FAILED);
    a.curl_rc = 67; /* CURLE_LOGIN_DENIED */
    cr_assert_eq(notify_smtp_classify(-1, &a).status, DELIVER_FAILED);
    a.curl_rc = 55;
    a.status = 451;
    cr_assert_eq(notify_smtp_classify(-1, &a).status, DELIVER_RETRY);
    a.status = 554;
    cr_assert_eq(notify_smtp_classify(-1, &a).status, DELIVER_FAILED);
    a.status = 0;
    a.curl_rc = 7;
    cr_assert_eq(notify_smtp_classify(-1, &a).status, DELIVER_RETRY);
}

/* ---- configuration --------------------------------------------------------------- */
static void check_refuses(receiver_t *r, const char *want) {
    cr_assert_eq(receiver_check(r, err, sizeof err), -1, "accepted; wanted \"%s\"", want);
    cr_assert(strstr(err, want), "\"%s\" lacks \"%s\"", err, want);
}

Test(config, refusals_with_reasons) {
    receiver_t *r = receiver_new("x", err, sizeof err);
    check_refuses(r, "type is missing");
    cr_assert_eq(receiver_set(r, "type", "slack", err, sizeof err), -1);
    cr_assert(strstr(err, "\"slack\" is none of wecom, dingtalk, webhook, email, exec"), "%s", err);
    cr_assert_eq(receiver_set(r, "colour", "red", err, sizeof err), -1);
    cr_assert_str_eq(err, "unknown key \"colour\"");
    cr_assert_eq(receiver_set(r, "timeout", "0", err, sizeof err), -1);
    cr_assert_eq(receiver_set(r, "timeout", "30s", err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "type", "wecom", err, sizeof err), 0);
    check_refuses(r, "url is missing");
    cr_assert_eq(
        receiver_set(r, "url", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K", err, sizeof err), 0);
    check_refuses(r, "plain text to a host that is not loopback");
    cr_assert_null(strstr(err, "key=K"), "the robot's key in a message: %s", err);
    cr_assert_eq(receiver_set(r, "url", "ftp://x/", err, sizeof err), 0);
    check_refuses(r, "url: neither https:// nor http://");
    cr_assert_eq(receiver_set(r, "url", "http://127.0.0.1:8080/cgi-bin/webhook/send?key=K", err, sizeof err),
                 0);
    cr_assert_eq(receiver_check(r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(receiver_set(r, "mention", "13800001111", err, sizeof err), 0);
    check_refuses(r, "only a dingtalk receiver");
    cr_assert_eq(receiver_set(r, "mention", "boss; rm -rf", err, sizeof err), -1);
    cr_assert_eq(receiver_set(r, "template", "/nonexistent/t.md", err, sizeof err), -1);
    cr_assert(strstr(err, "/nonexistent/t.md"), "%s", err);
    receiver_free(&r);
    cr_assert_null(r);
    receiver_free(&r); /* NULL-safe */

    r = make("exec", NULL);
    cr_assert_eq(receiver_set(r, "command", "notify-send hi", err, sizeof err), -1);
    cr_assert(strstr(err, "absolute path"), "%s", err);
    cr_assert_eq(receiver_set(r, "command", "/nonexistent/hook", err, sizeof err), -1);
    check_refuses(r, "command is missing");
    cr_assert_eq(receiver_set(r, "command", "/bin/cat -", err, sizeof err), 0, "%s", err);
    cr_assert_eq(receiver_check(r, err, sizeof err), 0, "%s", err);
    receiver_free(&r);

    r = make("email", NULL);
    check_refuses(r, "smtp_url");
    cr_assert_eq(receiver_set(r, "smtp_url", "smtp://mail.example:587", err, sizeof err), 0);
    check_refuses(r, "from");
    cr_assert_eq(receiver_set(r, "from", "yuebao@kfq.example", err, sizeof err), 0);
    check_refuses(r, "to is missing");
    cr_assert_eq(receiver_set(r, "to", "a@x.example, bad address", err, sizeof err), 0);
    check_refuses(r, "each with an @");
    cr_assert_eq(receiver_set(r, "to", "a@x.example,<b@y>", err, sizeof err), 0);
    check_refuses(r, "each with an @");
    cr_assert_eq(receiver_set(r, "to", "a@x.example, b@y.example", err, sizeof err), 0);
    cr_assert_eq(receiver_set(r, "username", "yuebao", err, sizeof err), 0);
    check_refuses(r, "username and password_file go together");
    receiver_free(&r);
}

Test(config, template_file_is_parsed_at_start) {
    char path[] = "/tmp/test_receivers.XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "{{title}}\n{{#firing}}{{zone_nam}}{{/firing}}\n", 45), 45);
    close(fd);
    receiver_t *r = make("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K");
    cr_assert_eq(receiver_set(r, "template", path, err, sizeof err), -1);
    cr_assert(strstr(err, "line 2: unknown name \"{{zone_nam}}\""), "%s", err);
    fd = open(path, O_WRONLY | O_TRUNC);
    cr_assert_eq(write(fd, "{{title}} / {{#firing}}{{zone}} {{/firing}}", 43), 43);
    close(fd);
    cr_assert_eq(receiver_set(r, "template", path, err, sizeof err), 0, "%s", err);
    notice_t n = fixture_notice();
    tbuf_t b = {0};
    cr_assert_eq(wecom_payload(r, &n, &b), 0);
    cr_assert_str_eq(tbuf_str(&b),
                     "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"鹤山区: 2 项预警 (2 严重) / "
                     "hs01 hs02 \"}}");
    tbuf_free(&b);
    unlink(path);
    receiver_free(&r);
}

Test(config, secret_and_password_from_files) {
    char path[] = "/tmp/test_receivers.XXXXXX";
    int fd = mkstemp(path);
    cr_assert_eq(write(fd, "SECtest0123456789abcdef\n", 24), 24);
    close(fd);
    receiver_t *r = make("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=T");
    char at[64], url[512];
    snprintf(at, sizeof at, "@%s", path);
    cr_assert_eq(receiver_set(r, "secret", at, err, sizeof err), 0, "%s", err);
    dingtalk_signed_url(r, 1700000000000, url, sizeof url);
    cr_assert(strstr(url, "&sign=%2FlfnxUUu80FwVTsIlv2F1cMGBb%2BPxEKAwYh%2FbsRxXcc%3D"), "%s", url);
    cr_assert_eq(receiver_set(r, "secret", "@/nonexistent", err, sizeof err), -1);
    unlink(path);
    receiver_free(&r);
}

Test(config, loopback_hosts) {
    cr_assert(notify_url_is_loopback("http://127.0.0.1:8080/x"));
    cr_assert(notify_url_is_loopback("http://127.5.6.7/x"));
    cr_assert(notify_url_is_loopback("http://localhost/x"));
    cr_assert(notify_url_is_loopback("http://[::1]:80/x"));
    cr_assert(notify_url_is_loopback("smtp://127.0.0.1:2525"));
    cr_assert_not(notify_url_is_loopback("http://128.0.0.1/x"));
    cr_assert_not(notify_url_is_loopback("http://127.0.0.1.evil.example/x"));
    cr_assert_not(notify_url_is_loopback("http://evil.example/?127.0.0.1"));
    cr_assert_not(notify_url_is_loopback("http://user@evil.example:80@127.0.0.1/"));
    cr_assert_not(notify_url_is_loopback("not a url"));
}

/* ---- the rate limit -------------------------------------------------------------- */

/* 20 calls a minute per robot: the 21st waits for the first to be a minute old. The
 * robot is a closed loopback port, so each call is a quick RETRY (refused) and counts. */
Test(rate, twenty_per_minute_sliding) {
    receiver_t *r = make("wecom", "http://127.0.0.1:1/cgi-bin/webhook/send?key=K");
    notice_t n = fixture_notice();
    int64_t t0 = 1781226900000;
    for (int i = 0; i < 20; i++) {
        cr_assert_eq(receiver_ready_at(r, t0 + i * 1000), t0 + i * 1000, "call %d", i + 1);
        deliver_result_t d = receiver_deliver(r, &n, t0 + i * 1000);
        cr_assert_eq(d.status, DELIVER_RETRY, "call %d: %s", i + 1, d.detail);
        cr_assert_eq(d.retry_after_ms, 0, "refused: the core's backoff");
    }
    cr_assert_eq(receiver_ready_at(r, t0 + 20000), t0 + 60000);
    deliver_result_t d = receiver_deliver(r, &n, t0 + 20000);
    cr_assert_eq(d.status, DELIVER_RETRY);
    cr_assert_eq(d.retry_after_ms, t0 + 60000);
    cr_assert(strstr(d.detail, "not sent"), "%s", d.detail);
    cr_assert_eq(receiver_ready_at(r, t0 + 60000), t0 + 60000);
    receiver_deliver(r, &n, t0 + 60000);                        /* replaces the first */
    cr_assert_eq(receiver_ready_at(r, t0 + 60000), t0 + 61000); /* the second's minute */
    /* a notice without alerts is not sent and not counted */
    n.n_alerts = 0;
    cr_assert_eq(receiver_deliver(r, &n, t0 + 60000).status, DELIVER_OK);
    receiver_free(&r);
    /* other kinds have no limit */
    r = make("webhook", "http://127.0.0.1:1/hook");
    cr_assert_eq(receiver_ready_at(r, 5), 5);
    receiver_free(&r);
}
