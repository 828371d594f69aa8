/* receiver.h - where yuebao-notify's messages go: a 企业微信 or 钉钉 group robot, a
 * generic webhook (Alertmanager's JSON), e-mail over SMTP, or a local command.
 *
 * The daemon core (routing, grouping, the notification log, retries) decides WHAT to
 * send and WHEN; a receiver knows only HOW: it renders a notice_t with its template,
 * sends it once, and says what became of it (delivered, try again later, or refused for
 * good). A receiver keeps no queue and never retries by itself, so the core's log is the
 * one record of what was sent.
 *
 * Configuration: the core's INI reader hands each `[receiver NAME]` section's key=value
 * pairs to receiver_set, then calls receiver_check once. Keys (docs/operations.md):
 *   type      wecom | dingtalk | webhook | email | exec                      (required)
 *   url       wecom, dingtalk, webhook: the robot's or the endpoint's address   (required)
 *   secret    dingtalk: the robot's 加签 secret (SEC…), or @FILE to read it from a file
 *   timeout   seconds, 1..120 (default 10): the whole delivery, connect at most 5 s
 *   template  a template file (notify_template.h); default: the built-in Chinese one
 *   ca_file   a PEM bundle to verify the server with instead of the system's
 *   mention   dingtalk/wecom: mobile numbers to @ (comma-separated), or "all"
 *   smtp_url  email: smtp://host:587 (STARTTLS required unless loopback) or smtps://
 *   from, to  email: the sender, the recipients (comma-separated)
 *   username, password_file   email: SMTP AUTH (the password is read from the file)
 *   command   exec: an absolute path and its arguments, split on spaces (no shell)
 *
 * Security: TLS verification is always on (peer and host name); plain http:// and a
 * smtp:// without STARTTLS are refused unless the host is a loopback address, as the
 * daemons' --insecure is. Text from a county (zone names, remarks) is escaped for the
 * message's markup (no links, no @mentions, no control characters).
 */
#ifndef YB_RECEIVER_H
#define YB_RECEIVER_H

#include <stdint.h>

#include "master.h"
#include "notice.h"

typedef enum { RECV_WECOM, RECV_DINGTALK, RECV_WEBHOOK, RECV_EMAIL, RECV_EXEC } receiver_kind_t;
typedef struct receiver receiver_t; /* opaque: kind, url, secret, smtp fields, template, limits */

/* A receiver named name (the section's NAME; copied), with nothing set yet. NULL on out
 * of memory or an empty name (err says which). */
receiver_t *receiver_new(const char *name, char *err, size_t errsz);

/* Sets one configuration key (see above). 0, or -1 with err naming the key and why (an
 * unknown key, a bad value, an unreadable file). A file named by a key (template,
 * password_file, secret=@FILE) is read here, so a bad one fails at start, not at 3 a.m. */
int receiver_set(receiver_t *r, const char *key, const char *value, char *err, size_t errsz);

/* After every key: 0 if r is complete and consistent (type set, the keys its type
 * needs, a URL whose scheme fits, plain transport only on loopback), else -1 with err. */
int receiver_check(const receiver_t *r, char *err, size_t errsz);

/* The name given to receiver_new; its kind (meaningful after receiver_check). */
const char *receiver_name(const receiver_t *r);
receiver_kind_t receiver_kind(const receiver_t *r);

/* Optional: the master data, borrowed (it must outlive r or be set again), so messages
 * name an indicator by its Chinese name rather than its code. NULL: codes. */
void receiver_set_master(receiver_t *r, const master_t *m);

typedef enum { DELIVER_OK, DELIVER_RETRY, DELIVER_FAILED } deliver_status_t;
typedef struct {
    deliver_status_t status;
    int64_t retry_after_ms; /* RETRY: earliest next try (absolute, ms since the epoch), 0 = core's backoff */
    char detail[256];       /* "HTTP 500", "errcode 45009 rate limited", escaped */
} deliver_result_t;

/* Earliest time the receiver may be called again under its documented rate limit (WeCom
 * and DingTalk group robots: 20 messages per minute per robot), given now: now_ms when
 * it may be called at once. Other kinds: always now_ms. */
int64_t receiver_ready_at(const receiver_t *r, int64_t now_ms);

/* Renders n with the receiver's template and sends it, blocking at most the receiver's
 * timeout (default 10 s). TLS verification always on. Answers classified: 2xx+errcode 0
 * OK; 5xx, timeouts, connection refused, rate-limit answers (WeCom errcode 45009,
 * DingTalk 130101/660026 or HTTP 429) RETRY; other 4xx / errcode FAILED. A call counts
 * against the rate limit whatever its outcome. A notice with no alerts is not sent: OK. */
deliver_result_t receiver_deliver(receiver_t *r, const notice_t *n, int64_t now_ms);

/* Frees *r (NULL-safe) and sets *r to NULL. */
void receiver_free(receiver_t **r);

#endif
