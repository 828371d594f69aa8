/* receiver_internal.h - what the receiver files share: the receiver's fields, the
 * transports (notify_http.c, notify_smtp.c) and each kind's payload builder, exported
 * so the tests can check the exact bytes a receiver sends. Not for the daemon core:
 * it uses receiver.h.
 */
#ifndef YB_RECEIVER_INTERNAL_H
#define YB_RECEIVER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "notify_template.h"
#include "receiver.h"

#define RECV_RATE_MAX 20          /* the robots' documented limit: 20 messages ... */
#define RECV_RATE_WINDOW_MS 60000 /* ... per minute, per robot */
#define RECV_RATE_RETRY_MS 60000  /* after a rate-limit answer: try again a minute later */
#define RECV_CONNECT_MS 5000
#define RECV_MAX_ARGS 32

struct receiver {
    char name[64];
    receiver_kind_t kind;
    bool has_kind;
    char url[1024];
    char secret[256];
    int timeout_ms;
    char ca_file[512];
    tpl_t *tpl; /* NULL: the built-in one for the kind */
    char template_path[512];
    char mention[512];
    size_t max_alerts; /* webhook: 0 = all */
    /* email */
    char smtp_url[512], from[256], to[1024], username[256], password[256];
    /* exec */
    char *argv[RECV_MAX_ARGS + 1];
    char command[1024];
    const master_t *master;
    /* the rate limit: when the last RECV_RATE_MAX calls were made (a ring) */
    int64_t sent_ms[RECV_RATE_MAX];
    size_t n_sent;
};

/* --- transports ------------------------------------------------------------------- */
typedef struct {
    long status;           /* HTTP status, or the last SMTP reply code; 0 if none */
    char body[4096];       /* the answer's first bytes, NUL-terminated */
    int64_t retry_after_s; /* a Retry-After header in seconds, -1 if none */
    int curl_rc;           /* CURLcode */
    char error[256];       /* libcurl's words for a transport failure */
} http_answer_t;

/* libcurl's global set-up, once per process, before any transfer (thread-safe). */
void notify_curl_init(void);

/* True if url's host is a loopback address or "localhost" (127.0.0.0/8, ::1). */
bool notify_url_is_loopback(const char *url);

/* One POST of body (len bytes, Content-Type ctype) to url: TLS verified (ca_file if not
 * "" instead of the system's store), no redirects followed, connect at most 5 s, the
 * whole at most timeout_ms. Plain http:// is refused unless the host is loopback.
 * 0 when an HTTP answer came (whatever its status), -1 when none did (a->curl_rc,
 * a->error say why). */
int notify_http_post(const char *url, const char *ctype, const char *body, size_t len, int timeout_ms,
                     const char *ca_file, http_answer_t *a);

/* How a robot says "ok" and "too fast": the errcode values in its JSON answer. */
typedef struct {
    const int *rate_limited; /* errcodes that mean "too fast", ended by 0 */
    bool has_errcode;        /* false: a generic webhook, 2xx is ok whatever the body */
} answer_rules_t;

/* Classifies a POST's outcome (rc and a from notify_http_post) per SPEC-notify: 2xx
 * (and errcode 0 when rules->has_errcode) OK; 5xx, 408, 429, transport failures and
 * rate-limit errcodes RETRY (retry_after_ms = now + Retry-After or a minute for rate
 * limits, else 0); other statuses and errcodes FAILED. detail says it in words. */
deliver_result_t notify_http_classify(int rc, const http_answer_t *a, const answer_rules_t *rules,
                                      int64_t now_ms);

/* Sends one message (the whole of it: headers and body, CRLF lines) over SMTP: TLS by
 * STARTTLS required when require_tls (else used if offered), smtps:// always TLS;
 * AUTH when username is not "". rcpt: comma-separated addresses. 0 or -1 with a (the
 * last reply code in a->status). */
int notify_smtp_send(const char *smtp_url, bool require_tls, const char *ca_file, const char *username,
                     const char *password, const char *from, const char *rcpt, const char *message,
                     int timeout_ms, http_answer_t *a);

/* SMTP outcome: sent OK; 4xx replies and transport failures RETRY; 5xx replies, refused
 * logins and a server without STARTTLS when it is required FAILED. */
deliver_result_t notify_smtp_classify(int rc, const http_answer_t *a);

/* --- payloads --------------------------------------------------------------------- */
/* 企业微信: {"msgtype":"markdown","markdown":{"content":"…"}}, content at most 4096 bytes. */
#define WECOM_MAX_BYTES 4096
int wecom_payload(const receiver_t *r, const notice_t *n, tbuf_t *out);
deliver_result_t wecom_deliver(receiver_t *r, const notice_t *n, int64_t now_ms);

/* 钉钉: {"msgtype":"markdown","markdown":{"title":"…","text":"…"},"at":{"atMobiles":[…],
 * "isAtAll":false}}; the text at most 18000 bytes (the API's 20000 less room). */
#define DINGTALK_MAX_BYTES 18000
int dingtalk_payload(const receiver_t *r, const notice_t *n, tbuf_t *out);
/* The signature: urlencode(base64(HMAC-SHA256(secret, "<ts_ms>\n<secret>"))) into out. */
void dingtalk_sign(const char *secret, int64_t ts_ms, char *out, size_t size);
/* url + "&timestamp=<ts>&sign=<sign>" (no secret: url as it is). */
void dingtalk_signed_url(const receiver_t *r, int64_t ts_ms, char *out, size_t size);
deliver_result_t dingtalk_deliver(receiver_t *r, const notice_t *n, int64_t now_ms);

/* Alertmanager's webhook body, version "4" (also the exec receiver's stdin). */
int webhook_payload(const receiver_t *r, const notice_t *n, tbuf_t *out);
deliver_result_t webhook_deliver(receiver_t *r, const notice_t *n, int64_t now_ms);

/* The whole e-mail (RFC 5322, MIME, UTF-8 base64 body, RFC 2047 subject) for n at
 * now_ms (its Date). The Message-ID is made from the notice alone (receiver, group key,
 * made_at, kind) and the sender's domain, so a copy sent again is the same message. */
int email_message(const receiver_t *r, const notice_t *n, int64_t now_ms, tbuf_t *out);
deliver_result_t email_deliver(receiver_t *r, const notice_t *n, int64_t now_ms);

/* Runs the command: the webhook body on stdin, YUEBAO_* in the environment. Exit 0 OK,
 * 75 (EX_TEMPFAIL) or killed at the timeout RETRY, anything else FAILED. */
deliver_result_t exec_deliver(receiver_t *r, const notice_t *n, int64_t now_ms);

/* Renders n with r's template (or the built-in one of format) into out. 0 or -1. */
int receiver_render(const receiver_t *r, const notice_t *n, tpl_format_t format, size_t max_bytes,
                    tbuf_t *out);

/* A result with a formatted, escaped detail. */
deliver_result_t receiver_result(deliver_status_t st, int64_t retry_after_ms, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
