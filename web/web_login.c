/* web_login.c - the login form's POST and the logout: the form's own CSRF token (a
 * cookie that must equal the hidden field), the password check behind the lock-out, the
 * session cookie, and an audit line for every outcome. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "i18n.h"
#include "web_server.h"

/* Appends one Set-Cookie value (a line of set_cookie). */
static void cookie(strbuf_t *set_cookie, const char *name, const char *value, const char *path, long max_age,
                   bool tls) {
    strbuf_printf(set_cookie, "%s=%s; Path=%s; Max-Age=%ld; HttpOnly; SameSite=Strict%s\n", name, value, path,
                  max_age, tls ? "; Secure" : "");
}

/* The form with a fresh login token, message (or NULL) and the name typed before. */
static int form(web_t *w, web_request_t *rq, web_reply_t *rp, strbuf_t *set_cookie, int status, const char *message,
                const char *name, bool tls) {
    char token[WEB_TOKEN_HEX];
    web_token(token);
    cookie(set_cookie, "yb_login", token, "/login", 3600, tls);
    rq->csrf = token;
    web_page_login(w, rq, message, name, rp);
    rq->csrf = NULL;
    rp->status = status;
    rp->no_store = true;
    return 0;
}

int web_login_form(web_t *w, web_request_t *rq, web_reply_t *rp, strbuf_t *set_cookie) {
    return form(w, rq, rp, set_cookie, 200, NULL, NULL, !w->cfg->insecure);
}

int web_login_post(web_t *w, web_request_t *rq, web_raw_t *raw, web_reply_t *rp, strbuf_t *set_cookie) {
    account_t user;
    int64_t now = clock_now_ms(), until = 0;
    char token[WEB_TOKEN_HEX], csrf[WEB_TOKEN_HEX];
    const char *name = raw->form_name;

    if (!web_token_equal(raw->login_cookie, raw->form_csrf)) {
        web_audit(w->audit, "refused", name, rq->client, _("login form without its token"));
        return form(w, rq, rp, set_cookie, 403, _("The login form has expired: please log in again."), name,
                    raw->tls);
    }
    if (!name || !name[0] || !raw->form_password || !raw->form_password[0])
        return form(w, rq, rp, set_cookie, 400, _("Please enter your user name and password."), name, raw->tls);

    switch (web_auth_login(w->auth, name, raw->form_password, rq->client, now, &user, &until)) {
    case WEB_LOGIN_LOCKED: {
        char msg[256], hhmm[16];
        time_t t = (time_t)(until / 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
        snprintf(msg, sizeof msg, _("Too many failed logins: this account is locked until %s. Please try again "
                                    "then, or ask the administrator."),
                 hhmm);
        web_audit(w->audit, "locked", name, rq->client, NULL);
        return form(w, rq, rp, set_cookie, 429, msg, name, raw->tls);
    }
    case WEB_LOGIN_WRONG:
        web_audit(w->audit, "login-failed", name, rq->client, NULL);
        return form(w, rq, rp, set_cookie, 401, _("Wrong user name or password."), name, raw->tls);
    case WEB_LOGIN_OK: break;
    }
    if (web_session_new(w->auth, &user, now, token, csrf) < 0) {
        web_reply_error(rp, 503, _("too many sessions are open; try again in a minute"));
        return 0;
    }
    cookie(set_cookie, "yb_session", token, "/", (long)w->cfg->session_minutes * 60, raw->tls);
    cookie(set_cookie, "yb_login", "", "/login", 0, raw->tls);
    web_audit(w->audit, "login", user.name, rq->client, NULL);
    strbuf_reset(&rp->body);
    rp->status = 303;
    rp->content_type = "text/plain; charset=utf-8";
    snprintf(rp->location, sizeof rp->location, "/overview");
    return 0;
}

int web_logout_post(web_t *w, web_request_t *rq, web_raw_t *raw, web_reply_t *rp, strbuf_t *set_cookie) {
    web_session_end(w->auth, raw->session_cookie);
    web_stream_end_user(w->stream, rq->user->name);
    cookie(set_cookie, "yb_session", "", "/", 0, raw->tls);
    web_audit(w->audit, "logout", rq->user->name, rq->client, NULL);
    strbuf_reset(&rp->body);
    rp->status = 303;
    rp->content_type = "text/plain; charset=utf-8";
    snprintf(rp->location, sizeof rp->location, "/login");
    return 0;
}
