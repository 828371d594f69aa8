/* notify_smtp.c - one e-mail over SMTP through libcurl: STARTTLS required (unless the
 * caller says the server is on loopback), AUTH when a user is set (see
 * receiver_internal.h).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "receiver_internal.h"

typedef struct {
    const char *p;
    size_t left;
} source_t;

static size_t on_read(char *buf, size_t size, size_t n, void *arg) {
    source_t *s = arg;
    size_t take = size * n < s->left ? size * n : s->left;
    memcpy(buf, s->p, take);
    s->p += take;
    s->left -= take;
    return take;
}

int notify_smtp_send(const char *smtp_url, bool require_tls, const char *ca_file, const char *username,
                     const char *password, const char *from, const char *rcpt, const char *message,
                     int timeout_ms, http_answer_t *a) {
    char errbuf[CURL_ERROR_SIZE] = "", addr[300];
    struct curl_slist *to = NULL;
    source_t src = {message, strlen(message)};
    CURL *h;
    int rc = -1;
    memset(a, 0, sizeof *a);
    a->retry_after_s = -1;
    notify_curl_init();
    if (!(h = curl_easy_init())) {
        a->curl_rc = CURLE_OUT_OF_MEMORY;
        snprintf(a->error, sizeof a->error, "%s", _("out of memory"));
        return -1;
    }
    for (const char *p = rcpt; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (len && len < sizeof addr - 3) {
            snprintf(addr, sizeof addr, "<%.*s>", (int)len, p);
            to = curl_slist_append(to, addr);
        }
        p = c ? c + 1 : p + strlen(p);
    }
    snprintf(addr, sizeof addr, "<%s>", from);
    curl_easy_setopt(h, CURLOPT_URL, smtp_url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(timeout_ms < RECV_CONNECT_MS ? timeout_ms : RECV_CONNECT_MS));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)(require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ca_file && *ca_file) curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
    if (username && *username) {
        curl_easy_setopt(h, CURLOPT_USERNAME, username);
        curl_easy_setopt(h, CURLOPT_PASSWORD, password);
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, to);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &src);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    a->curl_rc = (int)curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
    if (a->curl_rc == CURLE_OK)
        rc = 0;
    else
        snprintf(a->error, sizeof a->error, "%s",
                 errbuf[0] ? errbuf : curl_easy_strerror((CURLcode)a->curl_rc));
    curl_slist_free_all(to);
    curl_easy_cleanup(h);
    return rc;
}

deliver_result_t notify_smtp_classify(int rc, const http_answer_t *a) {
    if (rc == 0) return receiver_result(DELIVER_OK, 0, _("SMTP %ld"), a->status);
    if (a->curl_rc == CURLE_USE_SSL_FAILED)
        return receiver_result(
            DELIVER_FAILED, 0, "%s",
            _("the SMTP server does not offer STARTTLS, which is required for a host that is not loopback"));
    if (a->curl_rc == CURLE_LOGIN_DENIED)
        return receiver_result(DELIVER_FAILED, 0, _("SMTP login refused: %s"), a->error);
    if (a->status >= 500 && a->status < 600)
        return receiver_result(DELIVER_FAILED, 0, _("SMTP %ld: %s"), a->status, a->error);
    return receiver_result(DELIVER_RETRY, 0, _("SMTP %ld: %s"), a->status, a->error);
}
