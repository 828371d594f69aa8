/* receiver_dingtalk.c - the 钉钉 (DingTalk) group robot: one markdown message per
 * notice, signed when the robot's security setting is 加签.
 *
 * POST <url>&timestamp=<ms>&sign=<sign> with {"msgtype":"markdown","markdown":{"title":
 * "…","text":"…"},"at":{"atMobiles":[…],"isAtAll":false}}. sign = urlencode(base64(
 * HMAC-SHA256(secret, "<ms>\n<secret>"))), and DingTalk refuses a timestamp more than an
 * hour from its own clock: so the timestamp is the real time, never a pinned clock
 * (YUEBAO_NOW). A mobile number is @-mentioned only when the text holds "@<number>"
 * too, so those are appended. Errcodes 130101 ("send too fast") and 660026 mean the
 * robot's limit of 20 messages a minute.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "receiver_internal.h"

static const int dingtalk_rate_limited[] = {130101, 660026, 0};

void dingtalk_sign(const char *secret, int64_t ts_ms, char *out, size_t size) {
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    char msg[320],
        b64[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    size_t n = 0;
    if (sodium_init() < 0) { /* cannot happen on Linux; say nothing rather than sign wrong */
        out[0] = '\0';
        return;
    }
    snprintf(msg, sizeof msg, "%lld\n%s", (long long)ts_ms, secret);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    /* base64 holds A-Z a-z 0-9 + / =: the last three are percent-encoded */
    for (const char *p = b64; *p && n + 4 < size; p++) {
        if (*p == '+' || *p == '/' || *p == '=')
            n += (size_t)snprintf(out + n, size - n, "%%%02X", (unsigned char)*p);
        else
            out[n++] = *p;
    }
    out[n] = '\0';
}

void dingtalk_signed_url(const receiver_t *r, int64_t ts_ms, char *out, size_t size) {
    char sign[128];
    if (!r->secret[0]) {
        snprintf(out, size, "%s", r->url);
        return;
    }
    dingtalk_sign(r->secret, ts_ms, sign, sizeof sign);
    snprintf(out, size, "%s%ctimestamp=%lld&sign=%s", r->url, strchr(r->url, '?') ? '&' : '?',
             (long long)ts_ms, sign);
}

int dingtalk_payload(const receiver_t *r, const notice_t *n, tbuf_t *out) {
    tbuf_t text = {0}, title = {0};
    bool all = strcmp(r->mention, "all") == 0;
    int rc = receiver_render(r, n, TPL_MARKDOWN, DINGTALK_MAX_BYTES, &text);
    if (rc == 0) {
        char mobiles[sizeof r->mention];
        bool first = true;
        snprintf(mobiles, sizeof mobiles, "%s", all ? "" : r->mention);
        for (char *save = NULL, *m = strtok_r(mobiles, ", ", &save); m; m = strtok_r(NULL, ", ", &save))
            tbuf_printf(&text, "%s@%s", first ? "\n\n" : " ", m), first = false;
        tpl_title(n, TPL_TEXT, &title);
        tbuf_add(out, "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":");
        tbuf_json(out, tbuf_str(&title));
        tbuf_add(out, ",\"text\":");
        tbuf_json(out, tbuf_str(&text));
        tbuf_add(out, "},\"at\":{\"atMobiles\":[");
        snprintf(mobiles, sizeof mobiles, "%s", all ? "" : r->mention);
        first = true;
        for (char *save = NULL, *m = strtok_r(mobiles, ", ", &save); m; m = strtok_r(NULL, ", ", &save)) {
            if (!first) tbuf_add(out, ",");
            tbuf_json(out, m);
            first = false;
        }
        tbuf_printf(out, "],\"isAtAll\":%s}}", all ? "true" : "false");
        rc = out->oom || text.oom || title.oom ? -1 : 0;
    }
    tbuf_free(&text);
    tbuf_free(&title);
    return rc;
}

static int64_t real_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

deliver_result_t dingtalk_deliver(receiver_t *r, const notice_t *n, int64_t now_ms) {
    static const answer_rules_t rules = {dingtalk_rate_limited, true};
    char url[sizeof r->url + 160];
    tbuf_t body = {0};
    http_answer_t a;
    int rc;
    if (dingtalk_payload(r, n, &body) < 0) {
        tbuf_free(&body);
        return receiver_result(DELIVER_RETRY, 0, "%s", _("out of memory"));
    }
    dingtalk_signed_url(r, real_now_ms(), url, sizeof url);
    rc = notify_http_post(url, "application/json", tbuf_str(&body), body.n, r->timeout_ms, r->ca_file, &a);
    explicit_bzero(url, sizeof url);
    tbuf_free(&body);
    return notify_http_classify(rc, &a, &rules, now_ms);
}
