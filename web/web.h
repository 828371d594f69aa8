/* web.h - yuebao-web's private header: the types its parts share.
 *
 * yuebao-web is the central office's browser front. Three kinds of thread:
 *   - two ZeroMQ loops (web_live.c), each a Clone subscriber: the main thread's to the
 *     aggregator (accepted/rejected reports, live totals, period states), a thread's to
 *     the scorer (rankings, alert transitions); they tell the viewers (web_events.c),
 *     and a publisher that is down holds only its own loop;
 *   - libmicrohttpd's threads (web_http.c) answer requests: pages (web_page.c), JSON
 *     (web_api_*.c), downloads (web_download.c), assets (web_static.c) and the live
 *     streams (web_stream.c), after web_route.c has checked the session, the CSRF token
 *     and the account's right to what is asked (web_access.c);
 *   - none other. The handlers read the stores on every request. Shared state is behind the mutexes of the modules that own it.
 * It opens the stores read-only and never writes them. Nothing here is reachable without
 * a session except the login page, its POST and the assets.
 */
#ifndef YB_WEB_H
#define YB_WEB_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "strbuf.h"

#include <limits.h>

typedef struct web web_t;

/* ---- configuration (web_config.c: the table, the checks) ---------------------------- */
typedef struct {
    char config_path[PATH_MAX];  /* -c FILE, or "" */
    /* [web] */
    char listen[128];            /* "0.0.0.0:8443", "127.0.0.1:8080", "[::1]:8080" */
    bool insecure;               /* plain HTTP: refused unless listen is a loopback address */
    char tls_cert[PATH_MAX];     /* PEM certificate (chain) and key: required unless insecure */
    char tls_key[PATH_MAX];
    char users[PATH_MAX];        /* the accounts file (account.h) */
    char audit[PATH_MAX];        /* the audit log: logins, lock-outs, downloads, refusals */
    char assets[PATH_MAX];       /* the folder of the pages' scripts, styles and ECharts */
    char cli[PATH_MAX];          /* the yuebao CLI, which writes the bulletin downloads */
    char trusted_proxy[64];      /* the reverse proxy's address, whose X-Forwarded-For is
                                    believed; "" = none */
    int session_minutes;         /* a session ends this long after login (480) */
    int idle_minutes;            /* … or after this long unused (30) */
    int login_attempts;          /* wrong passwords before a lock-out (5) */
    int lockout_minutes;         /* how long a lock-out lasts (15) */
    int max_viewers;             /* live streams at once (1000) */
    /* the data */
    char store[PATH_MAX];        /* reports.db, opened read-only */
    char scores[PATH_MAX];       /* scores.db, opened read-only */
    char master[PATH_MAX];       /* the city's master data folder */
    char aggregator_pub[256];    /* the aggregator's PUB and snapshot ROUTER */
    char aggregator_snapshot[256];
    char scorer_pub[256];        /* the scorer's PUB and snapshot ROUTER */
    char scorer_snapshot[256];
    char key[PATH_MAX];          /* our CURVE secret key (a subscriber of both); "" = plain
                                    ZeroMQ, refused unless every endpoint is ipc:// or
                                    loopback */
    char aggregator_key[PATH_MAX]; /* their public keys */
    char scorer_key[PATH_MAX];
} web_config_t;

/* The daemon: what every part reaches (web.c makes it). */
struct web {
    const web_config_t *cfg;
    struct web_data *data;       /* master data, stores, live state (web_data.c) */
    struct web_stream *stream;   /* the live streams (web_stream.c) */
    struct web_auth *auth;       /* accounts, sessions, lock-outs (web_session.c, web_login.c) */
    struct web_audit *audit;     /* the audit log (web_audit.c) */
    struct web_http *http;       /* the HTTP(S) server (web_http.c) */
    void *zmq;                   /* the ZeroMQ context */
};

/* ---- one request, as the handlers see it (web_http.c fills it) -------------------- */
#define WEB_ARGS_MAX 8

typedef struct {
    const char *key, *value; /* decoded query arguments */
} web_arg_t;

typedef struct {
    const account_t *user;   /* the session's account (a copy, valid for the request);
                                NULL only on the routes open without a session */
    const char *method;      /* "GET", "HEAD", "POST" */
    const char *path;        /* decoded, without the query: "/api/zone/410602001" */
    const char *param;       /* the route's path argument ("410602001"), or NULL */
    web_arg_t args[WEB_ARGS_MAX];
    size_t n_args;
    const char *client;      /* the client's address, for the audit log */
    const char *csrf;        /* the session's CSRF token (pages embed it), or NULL */
} web_request_t;

/* The value of query argument key, or NULL. */
static inline const char *web_arg(const web_request_t *rq, const char *key) {
    for (size_t i = 0; i < rq->n_args; i++)
        if (rq->args[i].key && rq->args[i].value && __builtin_strcmp(rq->args[i].key, key) == 0)
            return rq->args[i].value;
    return NULL;
}

typedef struct {
    int status;               /* 200 unless set */
    const char *content_type; /* "application/json; charset=utf-8" unless set */
    strbuf_t body;
    char filename[128];       /* set: sent as an attachment with this (UTF-8) name */
    const char *path;         /* set instead of body: send this file (a download), then
                                 unlink it if unlink_after */
    bool unlink_after;
    bool no_store;            /* Cache-Control: no-store (every JSON and page reply) */
    char location[256];       /* set: a redirect (status 303 or 302) to this path */
    char static_path[PATH_MAX + 256]; /* storage for path when the handler has none */
} web_reply_t;

/* A handler fills rp; returns 0. It never returns partial data: on an error it resets
 * rp->body and answers with web_reply_error. */
typedef int (*web_handler_fn)(web_t *w, const web_request_t *rq, web_reply_t *rp);

/* Replaces rp's body with {"error": message} and sets status (403, 404, 400, 500 …).
 * message is in the reader's language. Defined in web_route.c. */
void web_reply_error(web_reply_t *rp, int status, const char *message);

/* ---- who may see what (web_access.c; pure) ----------------------------------------- */
/* True if u may see county's data: central and viewer see every county, county:<c>
 * only c. */
bool web_may_see_county(const account_t *u, const char *county);
/* True if u may see revision details (who sent a report, what changed): not a viewer. */
bool web_may_see_revisions(const account_t *u);

/* ---- the live streams (web_stream.c) ------------------------------------------------ */
/* One event for the viewers: SSE "event: type" and "data: json". county is the county
 * the event is about ("" or NULL: the whole city — the ranking, a period's city state);
 * a county:<c> viewer receives city-wide events and those about c only, never another
 * county's. */
typedef struct {
    const char *type; /* "report", "rejected", "totals", "ranking", "alert", "state", "resync" */
    const char *county;
    const char *json; /* one line, no newline */
} web_event_t;

typedef struct web_stream web_stream_t;
/* Queues e for every connected viewer allowed to see it; never blocks on a viewer (a
 * viewer too slow to keep up is sent "resync" and its queue dropped). Thread-safe. */
void web_stream_publish(web_stream_t *s, const web_event_t *e);
/* Between hold and release, published events are queued without waking the viewers;
 * release wakes each viewer with something queued once. For a burst of events (one
 * flush of the live loop). Nestable, thread-safe. */
void web_stream_hold(web_stream_t *s);
void web_stream_release(web_stream_t *s);
/* How many viewers are connected (for the status line and the bench). */
size_t web_stream_viewers(web_stream_t *s);

/* ---- handlers (each in its own file) ------------------------------------------------ */
int web_api_me(web_t *w, const web_request_t *rq, web_reply_t *rp);          /* /api/me */
int web_api_periods(web_t *w, const web_request_t *rq, web_reply_t *rp);     /* /api/periods */
int web_api_overview(web_t *w, const web_request_t *rq, web_reply_t *rp);    /* /api/overview?period= */
int web_api_ranking(web_t *w, const web_request_t *rq, web_reply_t *rp);     /* /api/ranking?period= */
int web_api_zone(web_t *w, const web_request_t *rq, web_reply_t *rp);        /* /api/zone/<zone>?period= */
int web_api_county(web_t *w, const web_request_t *rq, web_reply_t *rp);      /* /api/county/<county>?period= */
int web_api_alerts(web_t *w, const web_request_t *rq, web_reply_t *rp);      /* /api/alerts */
int web_download(web_t *w, const web_request_t *rq, web_reply_t *rp);        /* /download/<file> */
/* The pages' HTML (web_page.c): page is "overview", "ranking", "zone", "county",
 * "downloads"; rq->param the zone or county. */
int web_page(web_t *w, const web_request_t *rq, const char *page, web_reply_t *rp);
/* The login page, with message (an error in the reader's language) or NULL, and the
 * name typed before (shown again) or NULL. */
int web_page_login(web_t *w, const web_request_t *rq, const char *message, const char *name, web_reply_t *rp);

/* ---- the data the handlers read (web_data.c, web_state.c, web_live.c) -------------- */
typedef struct web_data web_data_t;

/* Loads the master data and checks both stores open read-only. NULL with the reason. */
web_data_t *web_data_open(const web_config_t *c, char *err, size_t errsz);
void web_data_close(web_data_t **d);
/* The main thread's loop: the Clone subscribers to the aggregator and the scorer, which
 * keep the live state and publish to w->stream. Returns 0 when *stop is set, -1 on a
 * fatal error (logged). Resyncs (a gap, a restart, silence) are not errors: they take
 * a new snapshot and publish a "resync" event. */
int web_live_run(web_t *w, volatile sig_atomic_t *stop);

/* The zone's county, or NULL if the zone is not in the city's master data. */
const char *web_zone_county(web_t *w, const char *zone);
/* True if county is a county of the city. */
bool web_county_known(web_t *w, const char *county);

#endif
