/* receiver_email.c - a notice as an e-mail: plain text UTF-8, over SMTP with STARTTLS.
 *
 * The message is RFC 5322 with MIME: Date (Asia/Shanghai, +0800), From, To, Subject
 * (the notice's title, RFC 2047 base64 encoded-words, as Chinese needs), Message-ID,
 * MIME-Version, Content-Type text/plain; charset=UTF-8, Content-Transfer-Encoding
 * base64 (so no line of the body can be read as SMTP's end of data, and any 8-bit-less
 * relay passes it), and Auto-Submitted: auto-generated (RFC 3834: no vacation replies).
 * The Message-ID is made from the notice (receiver, group, time meant, kind), not the
 * clock: a copy sent again after a crash has the same Message-ID, which mail clients
 * show once.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "receiver_internal.h"
#include "util.h"

/* Appends data as base64 lines of at most 76 characters, CRLF-ended. */
static void put_base64(tbuf_t *out, const char *data, size_t len) {
    char line[80];
    for (size_t off = 0; off < len; off += 57) {
        size_t take = len - off < 57 ? len - off : 57;
        sodium_bin2base64(line, sizeof line, (const unsigned char *)data + off, take,
                          sodium_base64_VARIANT_ORIGINAL);
        tbuf_add(out, line);
        tbuf_add(out, "\r\n");
    }
}

/* Subject: the title as RFC 2047 encoded-words of at most 45 bytes of UTF-8 each (60
 * characters of base64, a word of 72), never splitting a character, folded. */
static void put_subject(tbuf_t *out, const char *s) {
    size_t len = strlen(s), off = 0;
    char word[80];
    tbuf_add(out, "Subject:");
    if (len == 0) tbuf_add(out, " ");
    while (off < len) {
        size_t take = len - off < 45 ? len - off : 45;
        while (take > 0 && off + take < len && ((unsigned char)s[off + take] & 0xc0) == 0x80)
            take--; /* s[off + take] continues a character: cut before it */
        sodium_bin2base64(word, sizeof word, (const unsigned char *)s + off, take,
                          sodium_base64_VARIANT_ORIGINAL);
        tbuf_printf(out, "%s=?UTF-8?B?%s?=", off ? "\r\n " : " ", word);
        off += take;
    }
    tbuf_add(out, "\r\n");
}

int email_message(const receiver_t *r, const notice_t *n, int64_t now_ms, tbuf_t *out) {
    tbuf_t body = {0}, title = {0}, id = {0};
    time_t t = (time_t)(now_ms / 1000) + 8 * 3600;
    struct tm tm;
    char date[64];
    const char *host = strchr(r->from, '@');
    if (sodium_init() < 0) return -1;
    gmtime_r(&t, &tm);
    /* English day and month names whatever the locale: RFC 5322 wants them */
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(date, sizeof date, "%s, %02d %s %04d %02d:%02d:%02d +0800", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (receiver_render(r, n, TPL_TEXT, 0, &body) < 0) goto fail;
    tpl_title(n, TPL_TEXT, &title);
    tbuf_printf(&id, "%s\n%s\n%lld\n%d", r->name, n->group_key, (long long)n->made_at_ms, (int)n->kind);
    tbuf_printf(out, "Date: %s\r\nFrom: <%s>\r\nTo: ", date, r->from);
    bool first = true;
    for (const char *p = r->to; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (len) tbuf_printf(out, "%s<%.*s>", first ? "" : ", ", (int)len, p), first = false;
        p = c ? c + 1 : p + strlen(p);
    }
    tbuf_add(out, "\r\n");
    put_subject(out, tbuf_str(&title));
    tbuf_printf(out, "Message-ID: <%lld.%016llx@%s>\r\n", (long long)n->made_at_ms,
                util_hash64(tbuf_str(&id), id.n), host && host[1] ? host + 1 : "yuebao-notify");
    tbuf_add(out, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
    put_base64(out, tbuf_str(&body), body.n);
    if (body.oom || title.oom || id.oom || out->oom) goto fail;
    tbuf_free(&body), tbuf_free(&title), tbuf_free(&id);
    return 0;
fail:
    tbuf_free(&body), tbuf_free(&title), tbuf_free(&id);
    return -1;
}

deliver_result_t email_deliver(receiver_t *r, const notice_t *n, int64_t now_ms) {
    tbuf_t msg = {0};
    http_answer_t a;
    int rc;
    /* smtp:// to a host that is not loopback: STARTTLS or nothing (smtps:// is TLS) */
    bool require_tls = strncmp(r->smtp_url, "smtps://", 8) == 0 || !notify_url_is_loopback(r->smtp_url);
    if (email_message(r, n, now_ms, &msg) < 0) {
        tbuf_free(&msg);
        return receiver_result(DELIVER_RETRY, 0, "%s", _("out of memory"));
    }
    rc = notify_smtp_send(r->smtp_url, require_tls, r->ca_file, r->username, r->password, r->from, r->to,
                          tbuf_str(&msg), r->timeout_ms, &a);
    tbuf_free(&msg);
    return notify_smtp_classify(rc, &a);
}
