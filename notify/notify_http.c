/* notify_http.c - one HTTPS POST over libcurl for the robots and the webhook, and what
 * its answer means (see receiver_internal.h).
 *
 * Why libcurl: the receivers need HTTPS with certificate and host-name verification,
 * proxies (a government network often has one: libcurl honours https_proxy, for https
 * to a host not on loopback only), timeouts
 * and SMTP with STARTTLS; libcurl is the one Debian library that does all of it well,
 * and writing TLS clients by hand is how verification gets skipped.
 *
 * Every delivery makes its own easy handle and closes it: a notice is sent at most a
 * few times a minute, and a fresh connection each time means a robot that went away
 * is noticed at connect, not on a stale kept-alive socket.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "json.h"
#include "receiver_internal.h"
#include "text.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void global_init(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void notify_curl_init(void) {
    pthread_once(&once, global_init);
}

bool notify_url_is_loopback(const char *url) {
    CURLU *u;
    char *host = NULL;
    bool yes = false;
    notify_curl_init();
    if (!(u = curl_url())) return false;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        struct in_addr a4;
        if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
            yes = true;
        else if (inet_pton(AF_INET, host, &a4) == 1)
            yes = (ntohl(a4.s_addr) >> 24) == 127;
    }
    curl_free(host);
    curl_url_cleanup(u);
    return yes;
}

typedef struct {
    char *buf;
    size_t size, len;
} sink_t;

/* Keeps the answer's first bytes; reads (and drops) the rest. */
static size_t on_body(char *p, size_t size, size_t n, void *arg) {
    sink_t *s = arg;
    size_t len = size * n, room = s->size - 1 - s->len;
    size_t take = len < room ? len : room;
    memcpy(s->buf + s->len, p, take);
    s->len += take;
    s->buf[s->len] = '\0';
    return len;
}

/* The options every transfer shares: timeouts, verification, no signals. */
static void common_opts(CURL *h, const char *url, int timeout_ms, const char *ca_file, char *errbuf) {
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(timeout_ms < RECV_CONNECT_MS ? timeout_ms : RECV_CONNECT_MS));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ca_file && *ca_file) curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    /* the environment's proxy is for the robots out there (https): a loopback receiver,
     * the only one plain http:// may reach, is never sent through it */
    if (strncmp(url, "https://", 8) != 0 || notify_url_is_loopback(url))
        curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
}

int notify_http_post(const char *url, const char *ctype, const char *body, size_t len, int timeout_ms,
                     const char *ca_file, http_answer_t *a) {
    char errbuf[CURL_ERROR_SIZE] = "", header[128];
    sink_t sink = {a->body, sizeof a->body, 0};
    struct curl_slist *hdrs = NULL;
    struct curl_header *ra;
    CURL *h;
    int rc = -1;
    memset(a, 0, sizeof *a);
    a->retry_after_s = -1;
    notify_curl_init();
    if (strncmp(url, "https://", 8) != 0 &&
        !(strncmp(url, "http://", 7) == 0 && notify_url_is_loopback(url))) {
        a->curl_rc = CURLE_UNSUPPORTED_PROTOCOL;
        snprintf(a->error, sizeof a->error, "%s", _("plain http:// is only for loopback hosts"));
        return -1;
    }
    if (!(h = curl_easy_init())) {
        a->curl_rc = CURLE_OUT_OF_MEMORY;
        snprintf(a->error, sizeof a->error, "%s", _("out of memory"));
        return -1;
    }
    snprintf(header, sizeof header, "Content-Type: %s", ctype);
    hdrs = curl_slist_append(hdrs, header);
    hdrs = curl_slist_append(hdrs, "Expect:"); /* no 100-continue round trip */
    common_opts(h, url, timeout_ms, ca_file, errbuf);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "yuebao-notify");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    a->curl_rc = (int)curl_easy_perform(h);
    if (a->curl_rc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
        if (curl_easy_header(h, "Retry-After", 0, CURLH_HEADER, -1, &ra) == CURLHE_OK) {
            char *end;
            long long s = strtoll(ra->value, &end, 10);
            if (end != ra->value && s >= 0) a->retry_after_s = s; /* an HTTP date: the minute below */
        }
        rc = 0;
    } else {
        snprintf(a->error, sizeof a->error, "%s",
                 errbuf[0] ? errbuf : curl_easy_strerror((CURLcode)a->curl_rc));
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return rc;
}

/* The errcode and errmsg of a robot's JSON answer. false if it has no errcode. */
static bool errcode_of(const char *body, long *code, char *msg, size_t size) {
    const char *p = strstr(body, "\"errcode\"");
    double v;
    msg[0] = '\0';
    if (!p) return false;
    p = json_ws(p + 9);
    if (*p++ != ':') return false;
    if (!(p = json_get_number(json_ws(p), &v)) || v != v) return false;
    *code = (long)v;
    if ((p = strstr(body, "\"errmsg\""))) {
        p = json_ws(p + 8);
        if (*p == ':' && !json_get_string(json_ws(p + 1), msg, size)) msg[0] = '\0';
    }
    return true;
}

static bool transient_curl(int rc) {
    switch (rc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_NOT_BUILT_IN:
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED: return false;
    default: return true; /* timeouts, refused, resets, DNS, TLS: the far side may come back */
    }
}

deliver_result_t notify_http_classify(int rc, const http_answer_t *a, const answer_rules_t *rules,
                                      int64_t now_ms) {
    long code;
    char msg[128];
    if (rc < 0)
        return receiver_result(transient_curl(a->curl_rc) ? DELIVER_RETRY : DELIVER_FAILED, 0, "%s",
                               a->error);
    if (a->status == 429) {
        int64_t after = a->retry_after_s >= 0 ? a->retry_after_s * 1000 : RECV_RATE_RETRY_MS;
        return receiver_result(DELIVER_RETRY, now_ms + after, _("HTTP %ld: rate limited"), a->status);
    }
    if (a->status >= 500 || a->status == 408) {
        int64_t after = a->retry_after_s >= 0 ? now_ms + a->retry_after_s * 1000 : 0;
        return receiver_result(DELIVER_RETRY, after, _("HTTP %ld"), a->status);
    }
    if (a->status < 200 || a->status >= 300)
        return receiver_result(DELIVER_FAILED, 0, _("HTTP %ld"), a->status);
    if (!rules->has_errcode) return receiver_result(DELIVER_OK, 0, _("HTTP %ld"), a->status);
    if (!errcode_of(a->body, &code, msg, sizeof msg))
        /* a proxy's page, not the robot's answer: the robot may answer next time */
        return receiver_result(DELIVER_RETRY, 0, _("HTTP %ld without an errcode"), a->status);
    if (code == 0) return receiver_result(DELIVER_OK, 0, "errcode 0 %s", msg);
    for (const int *r = rules->rate_limited; r && *r; r++)
        if (code == *r)
            return receiver_result(DELIVER_RETRY, now_ms + RECV_RATE_RETRY_MS,
                                   _("errcode %ld rate limited: %s"), code, msg);
    return receiver_result(DELIVER_FAILED, 0, _("errcode %ld: %s"), code, msg);
}
