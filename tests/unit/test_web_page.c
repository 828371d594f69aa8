/* test_web_page.c - the pages' HTML shells: the ids the scripts fill, the CSRF token,
 * escaping of what came from outside, and no inline script the CSP would block. */
#include <criterion/criterion.h>
#include <string.h>

#include "web.h"

/* web_route.c's, stubbed: the error reply as the route would write it. */
void web_reply_error(web_reply_t *rp, int status, const char *message) {
    strbuf_reset(&rp->body);
    strbuf_puts(&rp->body, "{\"error\":");
    strbuf_json_string(&rp->body, message);
    strbuf_puts(&rp->body, "}");
    rp->status = status;
}

static account_t central = {.name = "zhang", .role = ACCOUNT_CENTRAL};

static char *page(const web_request_t *rq, const char *name, int *status) {
    web_reply_t rp = {.body = STRBUF_INIT};
    cr_assert_eq(web_page(NULL, rq, name, &rp), 0);
    *status = rp.status;
    if (rp.status == 200) {
        cr_assert_str_eq(rp.content_type, "text/html; charset=utf-8");
        cr_assert(rp.no_store);
    }
    return strbuf_take(&rp.body);
}

/* How many times needle occurs in s. */
static int count(const char *s, const char *needle) {
    int n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

Test(web_page, overview_has_the_ids_the_browser_test_looks_for) {
    web_request_t rq = {.user = &central, .method = "GET", .path = "/overview", .csrf = "c0ffee"};
    int status;
    char *html = page(&rq, "overview", &status);
    cr_assert_eq(status, 200);
    const char *ids[] = {"id=\"completeness\"", "id=\"city-revenue\"", "id=\"alerts\"", "id=\"arrivals\"",
                         "id=\"rejections\"", "id=\"countdown\"", "id=\"live\"", "id=\"period\"",
                         "<meta name=\"csrf\" content=\"c0ffee\">", "name=\"csrf\" value=\"c0ffee\"",
                         "action=\"/logout\"", "<script src=\"/assets/yuebao.js\"></script>",
                         "<script src=\"/assets/overview.js\"></script>", ">zhang<"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        cr_expect(strstr(html, ids[i]), "missing %s", ids[i]);
    cr_expect_null(strstr(html, "echarts"), "the overview draws no chart");
    free(html);
}

Test(web_page, no_inline_script_or_style) {
    web_request_t rq = {.user = &central, .csrf = "t", .param = "410602001"};
    const char *names[] = {"overview", "ranking", "zone", "county", "downloads"};
    for (size_t i = 0; i < 5; i++) {
        int status;
        char *html = page(&rq, names[i], &status);
        /* Every <script is either a src= or the one JSON data block. */
        int scripts = count(html, "<script");
        int external = count(html, "<script src=\"/assets/");
        int data = count(html, "<script type=\"application/json\" id=\"words\">");
        cr_expect_eq(scripts, external + data, "%s: an inline script", names[i]);
        cr_expect_eq(data, 1, "%s: the words block", names[i]);
        cr_expect_null(strstr(html, "style="), "%s: an inline style", names[i]);
        cr_expect_null(strstr(html, "<style"), "%s: a style block", names[i]);
        cr_expect_null(strstr(html, " on"), "%s: an event handler attribute", names[i]);
        free(html);
    }
}

Test(web_page, zone_page_names_its_zone_and_loads_echarts) {
    web_request_t rq = {.user = &central, .csrf = "t", .param = "410602001"};
    int status;
    char *html = page(&rq, "zone", &status);
    cr_assert_eq(status, 200);
    cr_expect(strstr(html, "data-page=\"zone\" data-zone=\"410602001\""));
    cr_expect(strstr(html, "id=\"revisions\""));
    cr_expect(strstr(html, "id=\"zone-alerts\""));
    cr_expect(strstr(html, "id=\"projects\""));
    cr_expect(strstr(html, "id=\"enterprises\""));
    cr_expect(strstr(html, "id=\"problems\""));
    cr_expect(strstr(html, "id=\"measures\""));
    /* ECharts before the page's script, which uses it. */
    const char *e = strstr(html, "/assets/vendor/echarts.min.js"), *z = strstr(html, "/assets/zone.js");
    cr_assert(e && z && e < z);
    free(html);
}

Test(web_page, what_came_from_outside_is_escaped) {
    account_t odd = {.name = "a<b>\"c", .role = ACCOUNT_CENTRAL};
    web_request_t rq = {.user = &odd, .csrf = "\"><script>x</script>", .param = "1\"><img src=x>"};
    int status;
    char *html = page(&rq, "county", &status);
    cr_assert_eq(status, 200);
    cr_expect(strstr(html, "a&lt;b&gt;&quot;c"));
    cr_expect(strstr(html, "data-county=\"1&quot;&gt;&lt;img src=x&gt;\""));
    cr_expect_null(strstr(html, "<script>x"));
    cr_expect_null(strstr(html, "<img"));
    free(html);
}

Test(web_page, a_county_user_is_led_to_its_county) {
    account_t u = {.name = "li", .role = ACCOUNT_COUNTY, .county = "410603"};
    web_request_t rq = {.user = &u, .csrf = "t"};
    int status;
    char *html = page(&rq, "ranking", &status);
    cr_expect(strstr(html, "href=\"/county/410603\" id=\"nav-county\""));
    cr_expect(strstr(html, "id=\"ranking-table\""));
    cr_expect(strstr(html, "id=\"top10\""));
    cr_expect(strstr(html, "id=\"fast10\""));
    cr_expect(strstr(html, "id=\"state\""));
    free(html);
}

Test(web_page, an_unknown_page_is_404) {
    web_request_t rq = {.user = &central, .csrf = "t"};
    int status;
    char *body = page(&rq, "nope", &status);
    cr_expect_eq(status, 404);
    cr_expect(strstr(body, "\"error\""));
    free(body);
}

Test(web_page, login_page_shows_the_message_and_the_name_typed_before) {
    web_request_t rq = {.method = "GET", .path = "/login", .csrf = "L0GIN"};
    web_reply_t rp = {.status = 429, .body = STRBUF_INIT};
    cr_assert_eq(web_page_login(NULL, &rq, "too <many>", "wang\"", &rp), 0);
    cr_expect_eq(rp.status, 429, "the caller's status is kept");
    const char *html = rp.body.data;
    cr_expect(strstr(html, "<form id=\"login\" method=\"post\" action=\"/login\">"));
    cr_expect(strstr(html, "name=\"csrf\" value=\"L0GIN\""));
    cr_expect(strstr(html, "class=\"error\" role=\"alert\">too &lt;many&gt;</p>"));
    cr_expect(strstr(html, "value=\"wang&quot;\""));
    cr_expect(strstr(html, "name=\"password\" type=\"password\""));
    cr_expect_null(strstr(html, "<script"));
    strbuf_free(&rp.body);

    web_reply_t plain = {.body = STRBUF_INIT};
    cr_assert_eq(web_page_login(NULL, &rq, NULL, NULL, &plain), 0);
    cr_expect_eq(plain.status, 200);
    cr_expect_null(strstr(plain.body.data, "class=\"error\""));
    strbuf_free(&plain.body);
}
