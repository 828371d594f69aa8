/* web_route.c - which handler answers a request, after the session, the CSRF token and
 * the account's right to the zone or county asked for are checked here, whatever the
 * handler checks again. Every refusal is audited. */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "i18n.h"
#include "web_server.h"

void web_reply_error(web_reply_t *rp, int status, const char *message) {
    strbuf_reset(&rp->body);
    strbuf_puts(&rp->body, "{\"error\":");
    strbuf_json_string(&rp->body, message);
    strbuf_puts(&rp->body, "}");
    rp->status = status;
    rp->content_type = "application/json; charset=utf-8";
    rp->path = NULL;
    rp->filename[0] = '\0';
    rp->no_store = true;
}

static void redirect(web_reply_t *rp, const char *to) {
    strbuf_reset(&rp->body);
    rp->status = 303;
    rp->content_type = "text/plain; charset=utf-8";
    snprintf(rp->location, sizeof rp->location, "%s", to);
}

/* The part of path after prefix when path starts with it and the rest is one segment of
 * [A-Za-z0-9_-]; NULL otherwise. */
static const char *segment(const char *path, const char *prefix) {
    size_t n = strlen(prefix);
    const char *rest = path + n;
    if (strncmp(path, prefix, n) != 0 || !*rest || strlen(rest) > 32) return NULL;
    for (const char *p = rest; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
              *p == '-'))
            return NULL;
    return rest;
}

static void refuse(web_t *w, const web_request_t *rq, web_reply_t *rp, int status, const char *message) {
    web_reply_error(rp, status, message);
    web_audit(w->audit, "refused", rq->user ? rq->user->name : NULL, rq->client, rq->path);
}

/* A zone's or county's page or JSON: 404 unknown, 403 another county's. True if the
 * handler may run. */
static bool allowed(const web_request_t *rq, web_reply_t *rp, const char *county) {
    if (!county) {
        web_reply_error(rp, 404, _("no such zone or county in the city's master data"));
        return false;
    }
    if (!web_may_see_county(rq->user, county)) {
        web_reply_error(rp, 403, _("this account may see its own county's zones only")); /* audited below */
        return false;
    }
    return true;
}

void web_route(web_t *w, web_request_t *rq, web_raw_t *raw, web_reply_t *rp, bool *stream, strbuf_t *set_cookie) {
    const char *path = rq->path, *p;
    bool post = strcmp(rq->method, "POST") == 0, is_api;
    int64_t now = clock_now_ms();

    *stream = false;
    rp->no_store = true;
    rp->content_type = "application/json; charset=utf-8";
    if (strncmp(path, "/assets/", 8) == 0 && !post) {
        rp->no_store = false;
        web_static(w, rq, rp);
        return;
    }
    if (strcmp(path, "/login") == 0) {
        if (post) web_login_post(w, rq, raw, rp, set_cookie);
        else web_login_form(w, rq, rp, set_cookie);
        return;
    }

    is_api = strncmp(path, "/api/", 5) == 0 || strncmp(path, "/download/", 10) == 0;
    if (!raw->session_cookie || !web_session_find(w->auth, raw->session_cookie, now, &raw->user, raw->csrf)) {
        if (is_api || post) web_reply_error(rp, 401, _("not logged in, or the session has ended: log in again"));
        else redirect(rp, "/login");
        return;
    }
    rq->user = &raw->user;
    rq->csrf = raw->csrf;

    if (post) {
        /* every state-changing request carries the session's CSRF token */
        const char *token = raw->form_csrf ? raw->form_csrf : raw->csrf_header;
        if (!web_token_equal(token, raw->csrf)) {
            refuse(w, rq, rp, 403, _("the form has expired or did not come from this site: reload the page"));
            return;
        }
        if (strcmp(path, "/logout") == 0) web_logout_post(w, rq, raw, rp, set_cookie);
        else web_reply_error(rp, 404, _("no such page"));
        return;
    }

    if (strcmp(path, "/") == 0) redirect(rp, "/overview");
    else if (strcmp(path, "/overview") == 0) web_page(w, rq, "overview", rp);
    else if (strcmp(path, "/ranking") == 0) web_page(w, rq, "ranking", rp);
    else if (strcmp(path, "/downloads") == 0) web_page(w, rq, "downloads", rp);
    else if ((p = segment(path, "/zone/"))) {
        rq->param = p;
        if (allowed(rq, rp, web_zone_county(w, p))) web_page(w, rq, "zone", rp);
    } else if ((p = segment(path, "/county/"))) {
        rq->param = p;
        if (allowed(rq, rp, web_county_known(w, p) ? p : NULL)) web_page(w, rq, "county", rp);
    } else if (strcmp(path, "/api/me") == 0) web_api_me(w, rq, rp);
    else if (strcmp(path, "/api/periods") == 0) web_api_periods(w, rq, rp);
    else if (strcmp(path, "/api/overview") == 0) web_api_overview(w, rq, rp);
    else if (strcmp(path, "/api/ranking") == 0) web_api_ranking(w, rq, rp);
    else if (strcmp(path, "/api/alerts") == 0) web_api_alerts(w, rq, rp);
    else if ((p = segment(path, "/api/zone/"))) {
        rq->param = p;
        if (allowed(rq, rp, web_zone_county(w, p))) web_api_zone(w, rq, rp);
    } else if ((p = segment(path, "/api/county/"))) {
        rq->param = p;
        if (allowed(rq, rp, web_county_known(w, p) ? p : NULL)) web_api_county(w, rq, rp);
    } else if (strcmp(path, "/api/stream") == 0) *stream = true;
    else if (strcmp(path, "/download/bulletin") == 0) {
        const char *county = web_arg(rq, "county");
        if (!county || allowed(rq, rp, web_county_known(w, county) ? county : NULL)) web_download(w, rq, rp);
        if (rp->status == 200 && rp->filename[0]) {
            char detail[256];
            snprintf(detail, sizeof detail, "%s %s", rp->filename, county ? county : "");
            web_audit(w->audit, "download", rq->user->name, rq->client, detail);
        }
    } else
        web_reply_error(rp, 404, _("no such page"));
    if (rp->status == 403 && rq->user) web_audit(w->audit, "refused", rq->user->name, rq->client, path);
}
