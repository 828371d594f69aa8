/* receiver.h - the receivers: 企业微信 and 钉钉 group robots, webhook, e-mail, exec.
 *
 * The interface between the daemon core and the receivers, as SPEC-notify gives it
 * (the receivers' own branch owns this file; the core writes against it).
 */
#ifndef YB_RECEIVER_H
#define YB_RECEIVER_H

#include <stddef.h>
#include <stdint.h>

#include "notice.h"

typedef enum { RECV_WECOM, RECV_DINGTALK, RECV_WEBHOOK, RECV_EMAIL, RECV_EXEC } receiver_kind_t;
typedef struct receiver receiver_t; /* opaque: kind, url, secret, smtp fields, template, limits */
/* Config: the core's config reader hands each [receiver NAME] section's key=value pairs here. */
receiver_t *receiver_new(const char *name, char *err, size_t errsz);
int receiver_set(receiver_t *r, const char *key, const char *value, char *err, size_t errsz); /* 0/-1 */
int receiver_check(const receiver_t *r, char *err, size_t errsz); /* after all keys: complete? */
const char *receiver_name(const receiver_t *r);
typedef enum { DELIVER_OK, DELIVER_RETRY, DELIVER_FAILED } deliver_status_t;
typedef struct {
    deliver_status_t status;
    int64_t retry_after_ms; /* RETRY: earliest next try, 0 = core's backoff */
    char detail[256];       /* "HTTP 500", "errcode 45009 rate limited", escaped */
} deliver_result_t;
/* Earliest time the receiver may be called again under its documented rate limit (WeCom and
 * DingTalk group robots: 20 messages per minute per robot), given now. */
int64_t receiver_ready_at(const receiver_t *r, int64_t now_ms);
/* Renders n with the receiver's template and sends it, blocking at most the receiver's timeout
 * (default 10 s). TLS verification always on. Answers classified: 2xx+errcode 0 OK;
 * 5xx, timeouts, connection refused, rate-limit answers (WeCom errcode 45009, DingTalk 130101/
 * 660026 or HTTP 429) RETRY; other 4xx / errcode FAILED. */
deliver_result_t receiver_deliver(receiver_t *r, const notice_t *n, int64_t now_ms);
void receiver_free(receiver_t **r);

#endif
