/* receiver.c - a receiver's configuration, its rate limit, and the dispatch to its kind
 * (see receiver.h; the kinds are receiver_<kind>.c).
 *
 * The rate limit is a sliding window: the times of the last 20 calls in a ring, so
 * the 21st call may go one minute after the 1st, exactly as the robots count. A call
 * made before receiver_ready_at is not sent: it comes back RETRY at that time, so even
 * a core that forgets to ask never trips the robot's limit (which 钉钉 punishes with a
 * ten-minute block).
 */
#include "receiver_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "text.h"

static const char *const kind_names[] = {"wecom", "dingtalk", "webhook", "email", "exec"};

receiver_t *receiver_new(const char *name, char *err, size_t errsz) {
    receiver_t *r;
    if (!name || !*name || strlen(name) >= sizeof r->name) {
        snprintf(err, errsz, "%s", _("a receiver needs a name of 1 to 63 bytes"));
        return NULL;
    }
    if (!(r = calloc(1, sizeof *r))) {
        snprintf(err, errsz, "%s", _("out of memory"));
        return NULL;
    }
    snprintf(r->name, sizeof r->name, "%s", name);
    r->timeout_ms = 10000;
    return r;
}

/* Copies value into dst (size bytes); -1 with err if it does not fit. */
static int copy(char *dst, size_t size, const char *key, const char *value, char *err, size_t errsz) {
    if (strlen(value) >= size) {
        snprintf(err, errsz, _("%s: longer than %zu bytes"), key, size - 1);
        return -1;
    }
    memcpy(dst, value, strlen(value) + 1);
    return 0;
}

/* The first line of file path, trimmed, into out: a secret kept out of the ini. */
static int read_secret(const char *key, const char *path, char *out, size_t size, char *err, size_t errsz) {
    FILE *f = fopen(path, "r");
    char shown[256];
    if (!f) {
        snprintf(err, errsz, _("%s: cannot read %s: %s"), key, text_shown(path, shown, sizeof shown),
                 strerror(errno));
        return -1;
    }
    if (!fgets(out, (int)size, f)) out[0] = '\0';
    fclose(f);
    text_trim(out);
    if (!out[0]) {
        snprintf(err, errsz, _("%s: %s is empty"), key, text_shown(path, shown, sizeof shown));
        return -1;
    }
    return 0;
}

/* Splits command on blanks into r->argv: no shell, no quoting, so nothing a notice
 * holds can become a command. */
static int split_command(receiver_t *r, const char *value, char *err, size_t errsz) {
    size_t n = 0;
    r->argv[0] = NULL; /* a refused command leaves none */
    if (copy(r->command, sizeof r->command, "command", value, err, errsz) < 0) return -1;
    for (char *save = NULL, *w = strtok_r(r->command, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (n == RECV_MAX_ARGS) {
            snprintf(err, errsz, _("command: more than %d words"), RECV_MAX_ARGS);
            r->argv[0] = NULL;
            return -1;
        }
        r->argv[n++] = w;
    }
    r->argv[n] = NULL;
    if (n == 0 || r->argv[0][0] != '/') {
        snprintf(err, errsz, "%s", _("command: must start with an absolute path (no shell is used)"));
        r->argv[0] = NULL;
        return -1;
    }
    if (access(r->argv[0], X_OK) < 0) {
        char shown[256];
        snprintf(err, errsz, _("command: %s is not executable: %s"),
                 text_shown(r->argv[0], shown, sizeof shown), strerror(errno));
        r->argv[0] = NULL;
        return -1;
    }
    return 0;
}

int receiver_set(receiver_t *r, const char *key, const char *value, char *err, size_t errsz) {
    char shown[256];
    if (strcmp(key, "type") == 0) {
        for (size_t i = 0; i < sizeof kind_names / sizeof *kind_names; i++)
            if (strcmp(value, kind_names[i]) == 0) {
                r->kind = (receiver_kind_t)i;
                r->has_kind = true;
                return 0;
            }
        snprintf(err, errsz, _("type: \"%s\" is none of wecom, dingtalk, webhook, email, exec"),
                 text_shown(value, shown, sizeof shown));
        return -1;
    }
    if (strcmp(key, "url") == 0) return copy(r->url, sizeof r->url, key, value, err, errsz);
    if (strcmp(key, "secret") == 0) {
        if (value[0] == '@') return read_secret(key, value + 1, r->secret, sizeof r->secret, err, errsz);
        return copy(r->secret, sizeof r->secret, key, value, err, errsz);
    }
    if (strcmp(key, "timeout") == 0) {
        char *end;
        long s = strtol(value, &end, 10);
        if (*end == 's') end++;
        if (end == value || *end || s < 1 || s > 120) {
            snprintf(err, errsz, _("timeout: \"%s\" is not a number of seconds from 1 to 120"),
                     text_shown(value, shown, sizeof shown));
            return -1;
        }
        r->timeout_ms = (int)s * 1000;
        return 0;
    }
    if (strcmp(key, "template") == 0) {
        tpl_t *t = tpl_load(value, err, errsz);
        if (!t) return -1;
        tpl_free(&r->tpl);
        r->tpl = t;
        return copy(r->template_path, sizeof r->template_path, key, value, err, errsz);
    }
    if (strcmp(key, "ca_file") == 0) {
        if (access(value, R_OK) < 0) {
            snprintf(err, errsz, _("ca_file: cannot read %s: %s"), text_shown(value, shown, sizeof shown),
                     strerror(errno));
            return -1;
        }
        return copy(r->ca_file, sizeof r->ca_file, key, value, err, errsz);
    }
    if (strcmp(key, "mention") == 0) {
        for (const char *p = value; *p; p++)
            if (!((*p >= '0' && *p <= '9') || *p == ',' || *p == ' ' || *p == '+') &&
                strcmp(value, "all") != 0) {
                snprintf(err, errsz, "%s", _("mention: mobile numbers separated by commas, or \"all\""));
                return -1;
            }
        return copy(r->mention, sizeof r->mention, key, value, err, errsz);
    }
    if (strcmp(key, "max_alerts") == 0) {
        char *end;
        long v = strtol(value, &end, 10);
        if (end == value || *end || v < 0 || v > 100000) {
            snprintf(err, errsz, "%s", _("max_alerts: a number from 0 (all) to 100000"));
            return -1;
        }
        r->max_alerts = (size_t)v;
        return 0;
    }
    if (strcmp(key, "smtp_url") == 0) return copy(r->smtp_url, sizeof r->smtp_url, key, value, err, errsz);
    if (strcmp(key, "from") == 0) return copy(r->from, sizeof r->from, key, value, err, errsz);
    if (strcmp(key, "to") == 0) return copy(r->to, sizeof r->to, key, value, err, errsz);
    if (strcmp(key, "username") == 0) return copy(r->username, sizeof r->username, key, value, err, errsz);
    if (strcmp(key, "password_file") == 0)
        return read_secret(key, value, r->password, sizeof r->password, err, errsz);
    if (strcmp(key, "command") == 0) return split_command(r, value, err, errsz);
    snprintf(err, errsz, _("unknown key \"%s\""), text_shown(key, shown, sizeof shown));
    return -1;
}

/* True if s starts with prefix. */
static bool starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* An address without CR, LF, '<', '>' and with an '@': it goes into SMTP commands. */
static bool address_ok(const char *a, size_t len) {
    bool at = false;
    if (len == 0) return false;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)a[i] < 0x21 || a[i] == '<' || a[i] == '>' || a[i] == '"' || a[i] == 0x7f)
            return false;
        at = at || a[i] == '@';
    }
    return at;
}

static int check_url(const char *key, const char *url, const char *secure, const char *plain, char *err,
                     size_t errsz) {
    if (!url[0]) {
        snprintf(err, errsz, _("%s is missing"), key);
        return -1;
    }
    if (starts(url, secure)) return 0;
    if (starts(url, plain)) {
        if (notify_url_is_loopback(url)) return 0;
        /* the URL itself is not repeated: a robot's key is in it */
        snprintf(err, errsz, _("%s: plain text to a host that is not loopback; use %s"), key, secure);
        return -1;
    }
    snprintf(err, errsz, _("%s: neither %s nor %s"), key, secure, plain);
    return -1;
}

int receiver_check(const receiver_t *r, char *err, size_t errsz) {
    if (!r->has_kind) {
        snprintf(err, errsz, "%s", _("type is missing (wecom, dingtalk, webhook, email or exec)"));
        return -1;
    }
    switch (r->kind) {
    case RECV_WECOM:
    case RECV_DINGTALK:
    case RECV_WEBHOOK:
        if (check_url("url", r->url, "https://", "http://", err, errsz) < 0) return -1;
        if (strchr(r->url, ' ') || strchr(r->url, '\n')) {
            snprintf(err, errsz, "%s", _("url: a space or a line break in it"));
            return -1;
        }
        if (r->kind != RECV_DINGTALK && r->mention[0]) {
            snprintf(err, errsz, "%s", _("mention: only a dingtalk receiver @-mentions (atMobiles)"));
            return -1;
        }
        if (r->kind != RECV_DINGTALK && r->secret[0]) {
            snprintf(err, errsz, "%s", _("secret: only a dingtalk receiver signs its requests"));
            return -1;
        }
        return 0;
    case RECV_EMAIL: {
        const char *p = r->to;
        /* smtp:// to any host: STARTTLS is then required unless it is loopback */
        if (!starts(r->smtp_url, "smtps://") && !starts(r->smtp_url, "smtp://")) {
            snprintf(err, errsz, "%s",
                     _("smtp_url: missing, or neither smtp://HOST:587 nor smtps://HOST:465"));
            return -1;
        }
        if (!address_ok(r->from, strlen(r->from))) {
            snprintf(err, errsz, "%s", _("from: missing, or not an e-mail address"));
            return -1;
        }
        if (!r->to[0]) {
            snprintf(err, errsz, "%s", _("to is missing"));
            return -1;
        }
        while (*p) {
            const char *c = strchr(p, ',');
            size_t len = c ? (size_t)(c - p) : strlen(p);
            while (len && *p == ' ')
                p++, len--;
            while (len && p[len - 1] == ' ')
                len--;
            if (!address_ok(p, len)) {
                snprintf(err, errsz, "%s", _("to: addresses separated by commas, each with an @"));
                return -1;
            }
            p = c ? c + 1 : p + strlen(p);
        }
        if (!r->username[0] != !r->password[0]) {
            snprintf(err, errsz, "%s", _("username and password_file go together"));
            return -1;
        }
        return 0;
    }
    case RECV_EXEC:
        if (!r->argv[0]) {
            snprintf(err, errsz, "%s", _("command is missing"));
            return -1;
        }
        return 0;
    }
    return 0;
}

const char *receiver_name(const receiver_t *r) {
    return r->name;
}

receiver_kind_t receiver_kind(const receiver_t *r) {
    return r->kind;
}

void receiver_set_master(receiver_t *r, const master_t *m) {
    r->master = m;
}

static bool is_robot(const receiver_t *r) {
    return r->kind == RECV_WECOM || r->kind == RECV_DINGTALK;
}

int64_t receiver_ready_at(const receiver_t *r, int64_t now_ms) {
    int64_t at;
    if (!is_robot(r) || r->n_sent < RECV_RATE_MAX) return now_ms;
    at = r->sent_ms[r->n_sent % RECV_RATE_MAX] + RECV_RATE_WINDOW_MS; /* the oldest of the last 20 */
    return at > now_ms ? at : now_ms;
}

deliver_result_t receiver_result(deliver_status_t st, int64_t retry_after_ms, const char *fmt, ...) {
    deliver_result_t res = {.status = st, .retry_after_ms = retry_after_ms};
    char raw[sizeof res.detail];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    text_shown(raw, res.detail, sizeof res.detail);
    return res;
}

int receiver_render(const receiver_t *r, const notice_t *n, tpl_format_t format, size_t max_bytes,
                    tbuf_t *out) {
    tpl_opts_t o = {.format = format, .master = r->master, .max_bytes = max_bytes};
    char err[256];
    tpl_t *builtin = NULL;
    int rc;
    if (!r->tpl) {
        builtin =
            tpl_parse(format == TPL_MARKDOWN ? tpl_default_markdown : tpl_default_text, err, sizeof err);
        if (!builtin) return -1; /* cannot happen: test_receivers parses them */
    }
    rc = tpl_render(r->tpl ? r->tpl : builtin, n, &o, out);
    tpl_free(&builtin);
    return rc;
}

deliver_result_t receiver_deliver(receiver_t *r, const notice_t *n, int64_t now_ms) {
    int64_t ready = receiver_ready_at(r, now_ms);
    if (n->n_alerts == 0) return receiver_result(DELIVER_OK, 0, "%s", _("nothing to send"));
    if (ready > now_ms)
        return receiver_result(DELIVER_RETRY, ready,
                               _("not sent: %d messages in the last minute is the robot's limit"),
                               RECV_RATE_MAX);
    if (is_robot(r)) r->sent_ms[r->n_sent++ % RECV_RATE_MAX] = now_ms;
    switch (r->kind) {
    case RECV_WECOM: return wecom_deliver(r, n, now_ms);
    case RECV_DINGTALK: return dingtalk_deliver(r, n, now_ms);
    case RECV_WEBHOOK: return webhook_deliver(r, n, now_ms);
    case RECV_EMAIL: return email_deliver(r, n, now_ms);
    case RECV_EXEC: return exec_deliver(r, n, now_ms);
    }
    return receiver_result(DELIVER_FAILED, 0, "%s", _("receiver of no known type"));
}

void receiver_free(receiver_t **r) {
    if (!r || !*r) return;
    tpl_free(&(*r)->tpl);
    explicit_bzero((*r)->secret, sizeof(*r)->secret);
    explicit_bzero((*r)->password, sizeof(*r)->password);
    free(*r);
    *r = NULL;
}
