/* web_page.c - the HTML shells of yuebao-web's pages and its login page.
 *
 * A page here is a shell: the header (nav, the user, 退出, the period picker, the live
 * indicator), empty containers with the ids the scripts and the browser test know, and
 * the scripts that fill them from the JSON API. Nothing of the data is written here, so
 * the page is the same for every period and a re-fetch never reloads it.
 *
 * The Content-Security-Policy allows no inline script or style. The words the scripts
 * show go in a JSON data block (<script type="application/json" id="words">), which a
 * browser never executes; it is written with strbuf_json_string, which escapes <, > and
 * &, so no text can close the block. Everything else untrusted (the user's name, the
 * CSRF token, the zone or county of the path) goes through strbuf_html.
 *
 * It reads nothing but the request: the route has already checked the session and the
 * user's right to the zone or county.
 */
#include <string.h>

#include "i18n.h"
#include "web.h"

/* The words the scripts need, keyed by the names yuebao.js's YB.t() uses. "%s" in a
 * word is replaced by the script's arguments, in order. */
static const struct {
    const char *key, *text;
} words[] = {
    {"live", N_("live")},
    {"disconnected", N_("disconnected")},
    {"loading", N_("loading…")},
    {"load_failed", N_("Could not load the data: %s")},
    {"no_data", N_("no data")},
    {"none", N_("none")},
    {"county", N_("county")},
    {"zone", N_("zone")},
    {"zones", N_("zones")},
    {"reported", N_("reported")},
    {"late", N_("late")},
    {"missing", N_("missing")},
    {"not_reported", N_("not reported")},
    {"on_time", N_("on time")},
    {"deadline", N_("deadline %s")},
    {"time_left", N_("%s days %s hours %s minutes left")},
    {"past_deadline", N_("the deadline has passed")},
    {"state_preliminary", N_("preliminary")},
    {"state_approved", N_("approved")},
    {"state_published", N_("published")},
    {"period_label", N_("%s (%s)")},
    {"growth", N_("growth %s%%")},
    {"target", N_("target %s")},
    {"completion", N_("%s%% of the target")},
    {"severity_critical", N_("critical")},
    {"severity_warning", N_("warning")},
    {"severity_info", N_("info")},
    {"alert_counts", N_("%s critical, %s warning, %s info")},
    {"alert_since", N_("since %s")},
    {"revision", N_("revision %s")},
    {"revision_change", N_("%s: %s → %s")},
    {"sender", N_("sent by %s")},
    {"revisions_hidden", N_("Revision details are not shown to viewers.")},
    {"rank", N_("rank")},
    {"change", N_("change")},
    {"total_score", N_("total score")},
    {"stars", N_("stars")},
    {"revision_short", N_("revision")},
    {"not_ranked", N_("This period is not ranked yet.")},
    {"ranking_version", N_("ranking version %s")},
    {"ytd", N_("year to date")},
    {"pace", N_("pace to the target")},
    {"name", N_("name")},
    {"download_xlsx", N_("Excel workbook")},
    {"download_csv", N_("CSV")},
    {"no_downloads", N_("No period is ranked yet: there is nothing to download.")},
    {"period", N_("period")},
    {"state", N_("state")},
    {"files", N_("files")},
    {"transition_fired", N_("fired")},
    {"transition_escalated", N_("escalated")},
    {"transition_eased", N_("eased")},
    {"transition_resolved", N_("resolved")},
};

/* One page: its name (the route's), its title, and whether it draws charts. */
static const struct {
    const char *name, *title;
    bool charts;
} pages[] = {
    {"overview", N_("Overview"), false},
    {"ranking", N_("Ranking"), false},
    {"zone", N_("Zone"), true},
    {"county", N_("County"), false},
    {"downloads", N_("Downloads"), false},
};

/* The head, up to and including <body>: title, the CSRF meta, the style sheet. */
static void page_head(strbuf_t *b, const char *title, const char *csrf) {
    strbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"");
    /* TRANSLATORS: the language tag of the web pages (BCP 47). */
    strbuf_html(b, _("en"));
    strbuf_puts(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"csrf\" content=\"");
    strbuf_html(b, csrf ? csrf : "");
    strbuf_puts(b, "\">\n<title>");
    strbuf_html(b, title);
    strbuf_puts(b, " · ");
    strbuf_html(b, _("yuebao monthly reports"));
    strbuf_puts(b, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/assets/yuebao.css\">\n</head>\n");
}

/* One link of the nav; the current page's is marked for the reader and the style. */
static void nav_link(strbuf_t *b, const char *href, const char *id, const char *label, bool current) {
    strbuf_puts(b, "<a href=\"");
    strbuf_html(b, href);
    strbuf_printf(b, "\" id=\"%s\"%s>", id, current ? " aria-current=\"page\"" : "");
    strbuf_html(b, label);
    strbuf_puts(b, "</a>");
}

/* The header every page shares: the title, nav, user + 退出, period picker, live. */
static void page_header(strbuf_t *b, const web_request_t *rq, const char *page) {
    const account_t *u = rq->user;
    strbuf_puts(b, "<header class=\"masthead\">\n<div class=\"brand\">");
    strbuf_html(b, _("yuebao monthly reports"));
    strbuf_puts(b, "</div>\n<nav class=\"nav\">");
    nav_link(b, "/overview", "nav-overview", _("Overview"), strcmp(page, "overview") == 0);
    nav_link(b, "/ranking", "nav-ranking", _("Ranking"), strcmp(page, "ranking") == 0);
    /* A county's user has one county page; the others reach theirs from the overview's
     * table (yuebao.js points this link at the first county /api/me lists). */
    char href[64] = "/overview#completeness";
    if (u && u->role == ACCOUNT_COUNTY && u->county[0]) {
        strcpy(href, "/county/");
        strncat(href, u->county, sizeof href - strlen(href) - 1);
    }
    nav_link(b, href, "nav-county", _("Counties"), strcmp(page, "county") == 0 || strcmp(page, "zone") == 0);
    nav_link(b, "/downloads", "nav-downloads", _("Downloads"), strcmp(page, "downloads") == 0);
    strbuf_puts(b, "</nav>\n<div class=\"tools\">\n<label class=\"period-picker\"><span>");
    strbuf_html(b, _("Period"));
    strbuf_puts(b, "</span> <select id=\"period\" name=\"period\"></select></label>\n"
                   "<span id=\"live\" class=\"live off\" role=\"status\">");
    strbuf_html(b, _("disconnected"));
    strbuf_puts(b, "</span>\n<span class=\"user\" id=\"user\">");
    strbuf_html(b, u ? u->name : "");
    strbuf_puts(b, "</span>\n<form class=\"logout\" method=\"post\" action=\"/logout\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"");
    strbuf_html(b, rq->csrf ? rq->csrf : "");
    strbuf_puts(b, "\"><button type=\"submit\">");
    strbuf_html(b, _("Log out"));
    strbuf_puts(b, "</button></form>\n</div>\n</header>\n");
}

/* A titled section holding one container: <section><h2>title</h2><TAG id=…></TAG>. */
static void section(strbuf_t *b, const char *cls, const char *title, const char *tag, const char *id) {
    strbuf_printf(b, "<section class=\"card %s\"><h2>", cls);
    strbuf_html(b, title);
    strbuf_printf(b, "</h2><%s id=\"%s\"></%s></section>\n", tag, id, tag);
}

static void body_overview(strbuf_t *b) {
    strbuf_puts(b, "<div class=\"headline\">\n<section class=\"card big\"><h2>");
    strbuf_html(b, _("Main business revenue, city total"));
    strbuf_puts(b, "</h2><div class=\"big-number\" id=\"city-revenue\" data-amount=\"\">—</div>"
                   "<div class=\"sub\" id=\"city-revenue-sub\"></div></section>\n"
                   "<section class=\"card\"><h2>");
    strbuf_html(b, _("Reporting deadline"));
    strbuf_puts(b, "</h2><div id=\"overview-state\" class=\"state\"></div>"
                   "<div id=\"countdown\" class=\"countdown\"></div></section>\n</div>\n");
    section(b, "wide", _("Totals"), "div", "totals");
    section(b, "wide", _("Reporting progress by county"), "div", "completeness");
    strbuf_puts(b, "<div class=\"columns\">\n");
    section(b, "", _("Alerts"), "div", "alerts");
    section(b, "", _("Latest reports"), "ul", "arrivals");
    section(b, "", _("Rejected reports"), "ul", "rejections");
    strbuf_puts(b, "</div>\n");
}

static void body_ranking(strbuf_t *b) {
    strbuf_puts(b, "<section class=\"card wide\"><h2>");
    strbuf_html(b, _("Zone ranking"));
    strbuf_puts(b, " <span id=\"state\" class=\"state\"></span></h2>"
                   "<div class=\"scroll\"><table id=\"ranking-table\" class=\"table\"></table></div>"
                   "<p id=\"ranking-note\" class=\"note\"></p></section>\n<div class=\"columns\">\n");
    section(b, "", _("Top ten"), "ol", "top10");
    section(b, "", _("Ten fastest growing"), "ol", "fast10");
    strbuf_puts(b, "</div>\n");
}

static void body_zone(strbuf_t *b) {
    strbuf_puts(b, "<h1 id=\"zone-title\" class=\"page-title\"></h1>\n");
    section(b, "wide", _("Indicators"), "div", "charts");
    strbuf_puts(b, "<div class=\"columns\">\n");
    section(b, "", _("Revision history"), "ul", "revisions");
    section(b, "", _("Alerts"), "ul", "zone-alerts");
    strbuf_puts(b, "</div>\n");
    section(b, "wide", _("Key projects"), "div", "projects");
    section(b, "wide", _("Key enterprises"), "div", "enterprises");
    strbuf_puts(b, "<div class=\"columns\">\n");
    section(b, "", _("Problems"), "div", "problems");
    section(b, "", _("Measures"), "div", "measures");
    strbuf_puts(b, "</div>\n");
}

static void body_county(strbuf_t *b) {
    strbuf_puts(b, "<h1 id=\"county-title\" class=\"page-title\"></h1>\n");
    section(b, "wide", _("County totals"), "div", "county-totals");
    strbuf_puts(b, "<section class=\"card wide\"><h2>");
    strbuf_html(b, _("Zones"));
    strbuf_puts(b, "</h2><div class=\"scroll\"><table id=\"zones\" class=\"table\"></table></div></section>\n");
}

static void body_downloads(strbuf_t *b) {
    strbuf_puts(b, "<section class=\"card wide\"><h2>");
    strbuf_html(b, _("Monthly bulletin"));
    strbuf_puts(b, "</h2><p class=\"note\">");
    strbuf_html(b, _("The bulletin of each ranked period, as an Excel workbook or as CSV."));
    strbuf_puts(b, "</p><div class=\"scroll\"><table id=\"downloads\" class=\"table\"></table></div></section>\n");
}

/* The words block: {"key":"translated"…}, never executed (a JSON data block). */
static void page_words(strbuf_t *b) {
    strbuf_puts(b, "<script type=\"application/json\" id=\"words\">{");
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (i)
            strbuf_puts(b, ",");
        strbuf_json_string(b, words[i].key);
        strbuf_puts(b, ":");
        strbuf_json_string(b, _(words[i].text));
    }
    strbuf_puts(b, "}</script>\n");
}

int web_page(web_t *w, const web_request_t *rq, const char *page, web_reply_t *rp) {
    (void)w;
    size_t i = 0;
    while (i < sizeof pages / sizeof pages[0] && strcmp(pages[i].name, page) != 0)
        i++;
    if (i == sizeof pages / sizeof pages[0]) {
        web_reply_error(rp, 404, _("No such page."));
        return 0;
    }
    strbuf_t *b = &rp->body;
    strbuf_reset(b);
    page_head(b, _(pages[i].title), rq->csrf);
    strbuf_puts(b, "<body>\n");
    page_header(b, rq, page);
    /* The page's subject (a zone, a county) rides on <main> for the script. */
    strbuf_printf(b, "<main id=\"main\" data-page=\"%s\"", pages[i].name);
    if (rq->param) {
        strbuf_printf(b, " data-%s=\"", pages[i].name);
        strbuf_html(b, rq->param);
        strbuf_puts(b, "\"");
    }
    strbuf_puts(b, ">\n<p id=\"error\" class=\"error\" hidden></p>\n");
    if (strcmp(page, "overview") == 0)
        body_overview(b);
    else if (strcmp(page, "ranking") == 0)
        body_ranking(b);
    else if (strcmp(page, "zone") == 0)
        body_zone(b);
    else if (strcmp(page, "county") == 0)
        body_county(b);
    else
        body_downloads(b);
    strbuf_puts(b, "</main>\n");
    page_words(b);
    if (pages[i].charts)
        strbuf_puts(b, "<script src=\"/assets/vendor/echarts.min.js\"></script>\n");
    strbuf_printf(b, "<script src=\"/assets/yuebao.js\"></script>\n<script src=\"/assets/%s.js\"></script>\n",
                  pages[i].name);
    strbuf_puts(b, "</body>\n</html>\n");
    rp->status = 200;
    rp->content_type = "text/html; charset=utf-8";
    rp->no_store = true;
    return 0;
}

int web_page_login(web_t *w, const web_request_t *rq, const char *message, const char *name,
                   web_reply_t *rp) {
    (void)w;
    strbuf_t *b = &rp->body;
    strbuf_reset(b);
    page_head(b, _("Log in"), rq->csrf);
    strbuf_puts(b, "<body class=\"login-page\">\n<main class=\"login-box\">\n<h1>");
    strbuf_html(b, _("yuebao monthly reports"));
    strbuf_puts(b, "</h1>\n");
    if (message && *message) {
        strbuf_puts(b, "<p class=\"error\" role=\"alert\">");
        strbuf_html(b, message);
        strbuf_puts(b, "</p>\n");
    }
    strbuf_puts(b, "<form id=\"login\" method=\"post\" action=\"/login\">\n<label>");
    strbuf_html(b, _("Name"));
    strbuf_puts(b, "<input name=\"name\" autocomplete=\"username\" autocapitalize=\"none\" required value=\"");
    strbuf_html(b, name ? name : "");
    strbuf_puts(b, "\"></label>\n<label>");
    strbuf_html(b, _("Password"));
    strbuf_puts(b, "<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
                   "</label>\n<input type=\"hidden\" name=\"csrf\" value=\"");
    strbuf_html(b, rq->csrf ? rq->csrf : "");
    strbuf_puts(b, "\">\n<button type=\"submit\">");
    strbuf_html(b, _("Log in"));
    strbuf_puts(b, "</button>\n</form>\n</main>\n</body>\n</html>\n");
    /* A locked-out or failed login keeps the status its caller set (401, 429). */
    if (rp->status == 0)
        rp->status = 200;
    rp->content_type = "text/html; charset=utf-8";
    rp->no_store = true;
    return 0;
}
