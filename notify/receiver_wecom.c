/* receiver_wecom.c - the 企业微信 (WeCom) group robot: one markdown message per notice.
 *
 * POST <url> (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…) with
 * {"msgtype":"markdown","markdown":{"content":"…"}}; content at most 4096 bytes of
 * UTF-8. The answer is {"errcode":0,"errmsg":"ok"}; errcode 45009 is "api freq out of
 * limit" (more than 20 messages a minute).
 */
#include "i18n.h"
#include "receiver_internal.h"

static const int wecom_rate_limited[] = {45009, 0};

int wecom_payload(const receiver_t *r, const notice_t *n, tbuf_t *out) {
    tbuf_t text = {0};
    int rc = receiver_render(r, n, TPL_MARKDOWN, WECOM_MAX_BYTES, &text);
    if (rc == 0) {
        tbuf_add(out, "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":");
        tbuf_json(out, tbuf_str(&text));
        tbuf_add(out, "}}");
        rc = out->oom ? -1 : 0;
    }
    tbuf_free(&text);
    return rc;
}

deliver_result_t wecom_deliver(receiver_t *r, const notice_t *n, int64_t now_ms) {
    static const answer_rules_t rules = {wecom_rate_limited, true};
    tbuf_t body = {0};
    http_answer_t a;
    int rc;
    if (wecom_payload(r, n, &body) < 0) {
        tbuf_free(&body);
        return receiver_result(DELIVER_RETRY, 0, "%s", _("out of memory"));
    }
    rc = notify_http_post(r->url, "application/json", tbuf_str(&body), body.n, r->timeout_ms, r->ca_file, &a);
    tbuf_free(&body);
    return notify_http_classify(rc, &a, &rules, now_ms);
}
