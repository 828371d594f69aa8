/* web_server.h - the HTTP half of yuebao-web: the server, the routes, the sessions, the
 * login, the audit log, the assets and the live streams, as web_http.c and its
 * neighbours share them. The data half (the JSON, the pages) sees only web.h.
 */
#ifndef YB_WEB_SERVER_H
#define YB_WEB_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "web.h"

#define WEB_TOKEN_HEX 65 /* 32 random bytes as hex, and the NUL */

/* ---- configuration (web_config.c) --------------------------------------------------- */
/* The [web] keys, one row each (util/config.h). */
extern const config_key_t web_config_keys[];
/* Defaults, then -c FILE, --set KEY=VALUE …, --insecure; then the checks one key cannot
 * make alone (plain HTTP only on loopback, a certificate unless insecure). 0; 1 when
 * --help or --version was answered; -1 (2 from main) on an error, said on stderr. */
int web_config_load(web_config_t *c, int argc, char **argv);
/* True if listen ("host:port", "[v6]:port") names a loopback address. */
bool web_listen_is_loopback(const char *listen);

/* ---- the server (web_http.c) -------------------------------------------------------- */
typedef struct web_http web_http_t;
/* Listens on cfg->listen (TLS unless insecure) and serves on libmicrohttpd's threads.
 * NULL with the reason in err (the address in use, a certificate that does not load). */
web_http_t *web_http_start(web_t *w, char *err, size_t errsz);
/* Stops listening, ends the live streams and joins the threads; NULL-safe. */
void web_http_stop(web_http_t **h);

/* ---- routing (web_route.c) ---------------------------------------------------------- */
/* What web_http.c knows of a request beyond web_request_t. */
typedef struct {
    const char *session_cookie; /* "yb_session", or NULL */
    const char *login_cookie;   /* "yb_login", or NULL */
    const char *csrf_header;    /* X-CSRF-Token, or NULL */
    const char *form_csrf;      /* the POSTed csrf field, or NULL */
    const char *form_name;      /* the POSTed name and password (POST /login), or NULL */
    const char *form_password;
    bool tls;
    account_t user;                /* web_route fills these: rq->user and rq->csrf point here */
    char csrf[WEB_TOKEN_HEX];
} web_raw_t;

/* Answers one request: the session, the CSRF token, the route, the handler. rq's user,
 * param and csrf are filled here. Sets rp (and, for /api/stream, *stream true: the
 * caller then opens a live stream for rq->user instead of sending rp). Cookies to set
 * are appended to set_cookie (one "Set-Cookie" value per line). */
void web_route(web_t *w, web_request_t *rq, web_raw_t *raw, web_reply_t *rp, bool *stream,
               strbuf_t *set_cookie);

/* ---- accounts and sessions (web_session.c) ------------------------------------------ */
typedef struct web_auth web_auth_t;
typedef enum { WEB_LOGIN_OK = 0, WEB_LOGIN_WRONG, WEB_LOGIN_LOCKED } web_login_t;

/* Reads the accounts file (cfg->users). NULL with the reason ("FILE:LINE: …"). */
web_auth_t *web_auth_new(const web_config_t *cfg, char *err, size_t errsz);
void web_auth_free(web_auth_t **a);
/* Checks name and password (case-folded name; a locked-out name or client is refused
 * even with the right password, and *until_ms says until when). WEB_LOGIN_OK copies the
 * account into *out. A disabled account is WEB_LOGIN_WRONG. The accounts file is re-read
 * first if it changed. */
web_login_t web_auth_login(web_auth_t *a, const char *name, const char *password, const char *client,
                           int64_t now_ms, account_t *out, int64_t *until_ms);
/* A new session for u: its token (the cookie's value) and CSRF token. 0, or -1 when the
 * table is full (the oldest idle session is dropped first, so only when all are live). */
int web_session_new(web_auth_t *a, const account_t *u, int64_t now_ms, char token[WEB_TOKEN_HEX],
                    char csrf[WEB_TOKEN_HEX]);
/* The session of token, if live: copies its account (as the accounts file says now: a
 * disabled or removed account ends it) and CSRF token, and marks it used at now_ms.
 * False if none, expired (idle or too old) or ended. */
bool web_session_find(web_auth_t *a, const char *token, int64_t now_ms, account_t *user,
                      char csrf[WEB_TOKEN_HEX]);
/* Ends the session of token (logout); unknown tokens are ignored. */
void web_session_end(web_auth_t *a, const char *token);
/* A random token (32 bytes, hex): a login form's CSRF cookie. */
void web_token(char out[WEB_TOKEN_HEX]);
/* True if the two tokens are equal (constant time; NULL is never equal). */
bool web_token_equal(const char *a, const char *b);

/* ---- the login and the logout (web_login.c) ---------------------------------------- */
/* GET /login: a fresh login token in the cookie "yb_login" and the form's hidden field. */
int web_login_form(web_t *w, web_request_t *rq, web_reply_t *rp, strbuf_t *set_cookie);
/* POST /login: the login token (cookie = field), then the name and password. Right: a
 * session cookie and 303 to /overview (or the page asked for); wrong: the form again
 * with the reason (401), locked out: with until when (429). Each outcome is audited. */
int web_login_post(web_t *w, web_request_t *rq, web_raw_t *raw, web_reply_t *rp, strbuf_t *set_cookie);
/* POST /logout (the CSRF token already checked): ends the session and its streams, 303
 * to /login. */
int web_logout_post(web_t *w, web_request_t *rq, web_raw_t *raw, web_reply_t *rp, strbuf_t *set_cookie);

/* ---- the audit log (web_audit.c) ---------------------------------------------------- */
typedef struct web_audit web_audit_t;
/* Opens path for appending (mode 0640; "" logs to stderr only). NULL with the reason. */
web_audit_t *web_audit_open(const char *path, char *err, size_t errsz);
void web_audit_close(web_audit_t **a);
/* One JSON line: {"at":"…","event":event,"user":user,"client":client,"detail":detail};
 * every field escaped; NULLs omitted. Thread-safe. */
void web_audit(web_audit_t *a, const char *event, const char *user, const char *client, const char *detail);

/* ---- assets (web_static.c) ---------------------------------------------------------- */
/* Serves /assets/<name> from cfg->assets: a name with "..", a hidden part or bytes
 * outside [A-Za-z0-9._/-] is 404, as is a missing file. */
int web_static(web_t *w, const web_request_t *rq, web_reply_t *rp);

/* ---- live streams (web_stream.c) ---------------------------------------------------- */
typedef struct web_viewer web_viewer_t;
/* The streams' registry, at most max viewers. */
web_stream_t *web_stream_new(size_t max);
/* Ends every stream: their readers return -1 and no viewer may join (shutting down). */
void web_stream_end_all(web_stream_t *s);
/* Frees the registry once the last viewer is gone (after web_stream_end_all and the
 * HTTP server's stop, so none is left). NULL-safe. */
void web_stream_free(web_stream_t **s);
/* Registers a viewer for user (its county filter) with its first "hello" event; NULL
 * when max viewers are connected. */
web_viewer_t *web_stream_join(web_stream_t *s, const account_t *user);
/* Waits up to wait_ms for the viewer's queued bytes and copies at most max into buf:
 * the count; 0 when nothing came (the caller sends a keep-alive); -1 when the stream
 * ended (shut down). Used by the HTTP reader callback on its connection's thread. */
long web_stream_read(web_viewer_t *v, char *buf, size_t max, int wait_ms);
/* Unregisters and frees the viewer (the connection closed). */
void web_stream_leave(web_viewer_t *v);
/* Ends every stream of account name (logout, disabled): their readers return -1. */
void web_stream_end_user(web_stream_t *s, const char *name);

#endif
