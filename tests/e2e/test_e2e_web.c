/* test_e2e_web.c - yuebao-web over HTTPS against the real aggregator and scorer: the
 * login and its lock-out, the session and the CSRF token, what a county account may see
 * (pages, JSON, downloads and live events), and the refusal of plain HTTP off loopback.
 *
 * The city: the sample city's May 2017 from 鹤山区 (410602), 淇滨区 (410611) and 浚县
 * (410621) on 2017-06-05 (YUEBAO_NOW). Accounts come from the real `yuebao user add`;
 * the certificate from openssl. Requests are libcurl's, verifying that certificate.
 */
#include <criterion/criterion.h>

#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e_suite.h"
#include "strbuf.h"

TestSuite(e2e_web, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 240);

#define PASSWORD "Hebi-2017-yuebao"

static e2e_scorer_t sc;
static pid_t web_pid;
static char web_err[400], base[128], users[320];

static int user_add(const char *name, const char *role, const char *password) {
    return e2e_user_add(P("%s/user-%s", dir, name), users, name, role, password);
}

static void submit(const char *county, const char *rel) {
    char *out = NULL;
    int st = e2e_submit(P("%s/submit-%s", dir, county), &out, county, agg.listen, P("%s/outbox-%s.db", dir, county),
                        e2e_sample(rel), NULL);
    cr_assert_eq(st, 0, "submit %s: status %d\n%s", rel, st, out ? out : "");
    free(out);
}

/* Starts yuebao-web over HTTPS beside the daemons; sets base. 0, or -1. */
static int web_start(const char *const *extra) {
    snprintf(web_err, sizeof web_err, "%s/web.err", dir);
    web_pid = e2e_web_start(dir, &agg, &sc, users, extra, base, sizeof base);
    return web_pid > 0 ? 0 : -1;
}

/* The city as the top says, the accounts, a certificate, the three daemons. */
static void start_city(void) {
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-06-05", 1), 0);
    snprintf(users, sizeof users, "%s/web-users", dir);
    cr_assert_eq(e2e_web_cert(dir), 0, "openssl: %s", e2e_tail(P("%s/openssl.err", dir), 2000));
    cr_assert_eq(e2e_agg_start(&agg, dir, NULL, NULL), 0);
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, NULL), 0, "%s", e2e_tail(sc.err_log, 2000));
    submit("410602", "reports/2017-05/410602.csv");
    submit("410611", "reports/2017-05/410611.csv");
    submit("410621", "reports/2017-05/410621.csv");
    cr_assert_eq(user_add("zhang", "central", PASSWORD), 0, "%s", e2e_tail(P("%s/user-zhang.err", dir), 2000));
    cr_assert_eq(user_add("shancheng", "county:410603", PASSWORD), 0);
    cr_assert_eq(user_add("guest", "viewer", PASSWORD), 0);
    cr_assert_eq(web_start(NULL), 0, "yuebao-web did not start:\n%s", e2e_tail(web_err, 3000));
}

static void stop_city(void) {
    cr_assert_eq(e2e_stop(web_pid, 20000), 0, "yuebao-web did not stop cleanly:\n%s", e2e_tail(web_err, 3000));
    web_pid = 0;
    cr_assert_eq(e2e_scorer_stop(&sc), 0);
    cr_assert_eq(e2e_agg_stop(&agg), 0);
}

/* --- a browser, as far as HTTP goes: libcurl with a cookie jar ------------------------ */

typedef struct {
    CURL *c;
    strbuf_t body, headers;
    long status;
} client_t;

static size_t on_data(char *p, size_t size, size_t n, void *arg) {
    strbuf_add(arg, p, size * n);
    return size * n;
}

static void client_open(client_t *cl) {
    memset(cl, 0, sizeof *cl);
    cl->c = curl_easy_init();
    cr_assert_not_null(cl->c);
    curl_easy_setopt(cl->c, CURLOPT_CAINFO, P("%s/cert.pem", dir));
    curl_easy_setopt(cl->c, CURLOPT_COOKIEFILE, ""); /* the cookie engine, in memory */
    curl_easy_setopt(cl->c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(cl->c, CURLOPT_WRITEDATA, &cl->body);
    curl_easy_setopt(cl->c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(cl->c, CURLOPT_HEADERDATA, &cl->headers);
    curl_easy_setopt(cl->c, CURLOPT_TIMEOUT_MS, (long)e2e_scaled_ms(30000));
    if (getenv("YB_CURL_VERBOSE")) curl_easy_setopt(cl->c, CURLOPT_VERBOSE, 1L);
}

static void client_close(client_t *cl) {
    curl_easy_cleanup(cl->c);
    strbuf_free(&cl->body);
    strbuf_free(&cl->headers);
}

/* GET path, or POST it with the form (NULL: a GET); the status. */
static long request(client_t *cl, const char *path, const char *form) {
    CURLcode rc;
    strbuf_reset(&cl->body);
    strbuf_reset(&cl->headers);
    curl_easy_setopt(cl->c, CURLOPT_URL, P("%s%s", base, path));
    if (form) curl_easy_setopt(cl->c, CURLOPT_POSTFIELDS, form);
    else curl_easy_setopt(cl->c, CURLOPT_HTTPGET, 1L);
    rc = curl_easy_perform(cl->c);
    cr_assert_eq(rc, CURLE_OK, "%s: %s", path, curl_easy_strerror(rc));
    curl_easy_getinfo(cl->c, CURLINFO_RESPONSE_CODE, &cl->status);
    return cl->status;
}

/* The login form's hidden csrf value (static). */
static const char *form_token(const char *html) {
    static char tok[128];
    const char *field = "<input type=\"hidden\" name=\"csrf\" value=\"", *p = strstr(html, field);
    tok[0] = '\0';
    cr_assert_not_null(p, "no csrf field in the login form:\n%s", html);
    p += strlen(field);
    snprintf(tok, sizeof tok, "%.*s", (int)strcspn(p, "\""), p);
    return tok;
}

/* Logs in as name with password; the status of the POST (303 when right). */
static long login(client_t *cl, const char *name, const char *password) {
    char *form;
    const char *tok;
    long st;
    cr_assert_eq(request(cl, "/login", NULL), 200);
    tok = form_token(cl->body.data);
    form = curl_easy_escape(cl->c, password, 0);
    st = request(cl, "/login", P("csrf=%s&name=%s&password=%s", tok, name, form));
    curl_free(form);
    return st;
}

static bool has_header(const client_t *cl, const char *line) {
    return cl->headers.data && strcasestr(cl->headers.data, line) != NULL;
}

/* The number after "key": in json, after the first occurrence of after (or from the
 * start); NAN if absent. */
static double json_number_after(const char *json, const char *after, const char *key) {
    const char *p = after ? strstr(json, after) : json;
    if (!p) return NAN;
    p = strstr(p, P("\"%s\":", key));
    if (!p) return NAN;
    return strtod(p + strlen(key) + 3, NULL);
}

/* --- the tests ------------------------------------------------------------------------ */

Test(e2e_web, logs_in_shows_the_store_and_says_who_may_not) {
    client_t cl;
    double want, got;
    start_city();
    client_open(&cl);

    /* no session: a page goes to the login, JSON says 401 */
    cr_assert_eq(request(&cl, "/overview", NULL), 303);
    cr_assert(has_header(&cl, "Location: /login"));
    cr_assert_eq(request(&cl, "/api/overview", NULL), 401);
    cr_assert_eq(request(&cl, "/api/stream", NULL), 401);

    /* the login page: security headers, a login cookie, no inline script */
    cr_assert_eq(request(&cl, "/login", NULL), 200);
    cr_assert(has_header(&cl, "Content-Security-Policy: default-src 'self'; script-src 'self'"));
    cr_assert(has_header(&cl, "Strict-Transport-Security:"));
    cr_assert(has_header(&cl, "X-Frame-Options: DENY"));
    cr_assert(has_header(&cl, "Set-Cookie: yb_login="));
    cr_assert_null(strstr(cl.body.data, "<script>"), "inline script on the login page");

    cr_assert_eq(login(&cl, "zhang", PASSWORD), 303, "%s", cl.body.data);
    cr_assert(has_header(&cl, "Location: /overview"));
    cr_assert(has_header(&cl, "HttpOnly"));
    cr_assert(has_header(&cl, "SameSite=Strict"));
    cr_assert(has_header(&cl, "Secure"));

    /* 总览's city revenue equals the store's sum */
    cr_assert_eq(request(&cl, "/api/overview?period=2017-05", NULL), 200, "%s", cl.body.data);
    want = e2e_sql_double(agg.store, "SELECT sum(amount) FROM report_values WHERE period = '2017-05' AND "
                                     "indicator = 'revenue'");
    got = json_number_after(cl.body.data, "\"indicator\":\"revenue\"", "amount");
    cr_assert_float_eq(got, want, 1e-6 * fabs(want), "revenue %f, the store %f:\n%s", got, want, cl.body.data);
    cr_assert_eq(request(&cl, "/overview", NULL), 200);
    cr_assert(has_header(&cl, "Content-Type: text/html"));
    cr_assert_eq(request(&cl, "/api/zone/baoshan?period=2017-05", NULL), 200, "%s", cl.body.data);
    cr_assert_not_null(strstr(cl.body.data, "\"revisions\":[{"), "a central account sees the revisions");

    /* a county account: its own county's zones only */
    {
        client_t county;
        client_open(&county);
        cr_assert_eq(login(&county, "shancheng", PASSWORD), 303);
        cr_assert_eq(request(&county, "/api/zone/shancheng?period=2017-05", NULL), 200, "%s", county.body.data);
        cr_assert_eq(request(&county, "/zone/baoshan", NULL), 403);
        cr_assert_null(strstr(county.body.data, "宝山"), "a refusal carries no data");
        cr_assert_eq(request(&county, "/api/zone/baoshan?period=2017-05", NULL), 403);
        cr_assert_null(strstr(county.body.data, "revenue"));
        cr_assert_eq(request(&county, "/api/county/410602?period=2017-05", NULL), 403);
        cr_assert_eq(request(&county, "/county/410602", NULL), 403);
        cr_assert_eq(request(&county, "/download/bulletin?period=2017-05&format=csv&county=410602", NULL), 403);
        cr_assert_eq(request(&county, "/api/overview?period=2017-05", NULL), 200);
        cr_assert_null(strstr(county.body.data, "\"410602\""), "another county in the overview:\n%s",
                       county.body.data);
        cr_assert_gt(e2e_count_in_file(P("%s/audit.log", dir), "\"event\":\"refused\""), 3);
        client_close(&county);
    }

    /* a viewer: no revision details */
    {
        client_t viewer;
        client_open(&viewer);
        cr_assert_eq(login(&viewer, "guest", PASSWORD), 303);
        cr_assert_eq(request(&viewer, "/api/zone/baoshan?period=2017-05", NULL), 200);
        cr_assert_null(strstr(viewer.body.data, "\"sender\""), "a viewer sees who sent:\n%s", viewer.body.data);
        /* disabled while logged in: its session ends at its next request (the web looks
         * at the accounts file at most once a second) */
        {
            char *out = NULL;
            cr_assert_eq(e2e_runl(P("%s/disable", dir), &out, 30000, e2e_bin("yuebao"), "user", "disable", "guest",
                                  "--users", users, NULL),
                         0, "%s", e2e_tail(P("%s/disable.err", dir), 1000));
            free(out);
            e2e_sleep_ms(1100);
            cr_assert_eq(request(&viewer, "/api/me", NULL), 401, "a disabled account's session lives on");
        }
        client_close(&viewer);
    }

    /* a POST without the CSRF token is refused and changes nothing; with it, logout */
    cr_assert_eq(request(&cl, "/logout", "x=1"), 403);
    cr_assert_eq(request(&cl, "/api/me", NULL), 200, "the refused logout ended the session");
    {
        const char *csrf = strstr(cl.body.data, "\"csrf\":\"");
        char tok[80];
        cr_assert_not_null(csrf);
        snprintf(tok, sizeof tok, "%.*s", 64, csrf + 8);
        cr_assert_eq(request(&cl, "/logout", P("csrf=%s", tok)), 303);
    }
    cr_assert_eq(request(&cl, "/api/me", NULL), 401, "the session outlived its logout");
    cr_assert_gt(e2e_count_in_file(P("%s/audit.log", dir), "\"event\":\"login\""), 2);
    client_close(&cl);
    stop_city();
}

Test(e2e_web, five_wrong_passwords_lock_the_account) {
    client_t cl;
    start_city();
    client_open(&cl);
    for (int i = 0; i < 4; i++) cr_assert_eq(login(&cl, "zhang", "wrong-password-1"), 401, "try %d", i + 1);
    cr_assert_eq(login(&cl, "zhang", "wrong-password-1"), 429, "the fifth wrong password locks");
    cr_assert_eq(login(&cl, "zhang", PASSWORD), 429, "locked even with the right password");
    cr_assert_not_null(strstr(cl.body.data, "class=\"error\""), "the page says why:\n%s", cl.body.data);
    cr_assert_eq(request(&cl, "/api/me", NULL), 401);
    cr_assert_eq(e2e_count_in_file(P("%s/audit.log", dir), "\"event\":\"locked\""), 2);
    /* a login form posted without its own token */
    cr_assert_eq(request(&cl, "/login", "name=guest&password=" PASSWORD), 403);
    client_close(&cl);
    stop_city();
}

/* --- the live stream: what a county account hears ---------------------------------------- */

typedef struct {
    client_t cl;
    int ms;
} listener_t;

static size_t on_stream(char *p, size_t size, size_t n, void *arg) {
    strbuf_add(arg, p, size * n);
    return size * n;
}

static void *listen_thread(void *arg) {
    listener_t *l = arg;
    strbuf_reset(&l->cl.body);
    curl_easy_setopt(l->cl.c, CURLOPT_URL, P("%s/api/stream", base));
    curl_easy_setopt(l->cl.c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(l->cl.c, CURLOPT_WRITEFUNCTION, on_stream);
    curl_easy_setopt(l->cl.c, CURLOPT_TIMEOUT_MS, (long)l->ms);
    curl_easy_perform(l->cl.c); /* ends with a timeout, by design */
    return NULL;
}

Test(e2e_web, a_county_hears_its_own_county_only) {
    listener_t central, county;
    pthread_t t1, t2;
    start_city();
    client_open(&central.cl);
    client_open(&county.cl);
    cr_assert_eq(login(&central.cl, "zhang", PASSWORD), 303);
    cr_assert_eq(login(&county.cl, "shancheng", PASSWORD), 303);
    central.ms = county.ms = e2e_scaled_ms(8000);
    pthread_create(&t1, NULL, listen_thread, &central);
    pthread_create(&t2, NULL, listen_thread, &county);
    e2e_sleep_ms(e2e_scaled_ms(1500)); /* both connected */
    submit("410603", "late/2017-05/410603.csv");
    submit("410671", "reports/2017-05/410671.csv");
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    cr_assert_not_null(strstr(central.cl.body.data, "event: hello"), "%s", central.cl.body.data);
    cr_assert_not_null(strstr(central.cl.body.data, "\"county\":\"410671\""), "central:\n%s", central.cl.body.data);
    cr_assert_not_null(strstr(central.cl.body.data, "\"county\":\"410603\""), "central:\n%s", central.cl.body.data);
    cr_assert_not_null(strstr(county.cl.body.data, "\"county\":\"410603\""), "county:\n%s", county.cl.body.data);
    cr_assert_null(strstr(county.cl.body.data, "410671"), "another county's event:\n%s", county.cl.body.data);
    cr_assert_null(strstr(county.cl.body.data, "jinshan"), "another county's zone:\n%s", county.cl.body.data);
    client_close(&central.cl);
    client_close(&county.cl);
    stop_city();
}

/* --- start-up refusals ------------------------------------------------------------------- */

static int run_web(char **out, const char *const *args) {
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)e2e_bin("yuebao-web");
    for (int i = 0; args[i]; i++) argv[n++] = (char *)args[i];
    argv[n] = NULL;
    return e2e_run(P("%s/web-once", dir), out, 20000, argv);
}

Test(e2e_web, plain_http_off_loopback_refuses_to_start) {
    char *out = NULL;
    const char *plain_public[] = {"--insecure", "--set", "listen=0.0.0.0:8080", "--set", "audit=", NULL};
    const char *no_cert[] = {"--set", "listen=127.0.0.1:0", "--set", "tls_cert=", "--set", "audit=", NULL};
    const char *help[] = {"--help", NULL};
    const char *version[] = {"--version", NULL};
    char *err;
    cr_assert_eq(run_web(&out, plain_public), 2, "%s", out);
    err = e2e_read_file(P("%s/web-once.err", dir));
    cr_assert_not_null(strstr(err, "0.0.0.0:8080"), "%s", err);
    cr_assert_not_null(strstr(err, "tls_cert"), "%s", err);
    free(err);
    free(out);
    cr_assert_eq(run_web(&out, no_cert), 2);
    free(out);
    cr_assert_eq(run_web(&out, help), 0);
    cr_assert_not_null(strstr(out, "session_minutes"), "%s", out);
    free(out);
    cr_assert_eq(run_web(&out, version), 0);
    cr_assert_not_null(strstr(out, "yuebao-web"));
    free(out);
}
