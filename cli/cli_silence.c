/* cli_silence.c - `yuebao silence add|list|expire`: yuebao-notify's silences.
 *
 * Each is one request to notify's control ROUTER (cli_request.c), signed by our key,
 * which notify admits only if it is in its silence_keys; notify takes who we are from
 * that list, never from the request, and stores it with the silence and in the audit.
 * Times are Asia/Shanghai, as everywhere; --until also takes a duration from now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "codec.h"
#include "wire.h"
#include "i18n.h"
#include "text.h"

/* "2017-07-20", "2017-07-20T18:00" (Asia/Shanghai) or "2h", "3d", "30m" from now_ms. */
static int parse_until(const char *s, int64_t now_ms, int64_t *out) {
    int y, m, d, hh = 0, mi = 0, used = 0;
    char unit;
    double v;
    if (sscanf(s, "%d-%d-%d%n", &y, &m, &d, &used) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
        if (s[used] && (sscanf(s + used, "%*[T ]%d:%d%n", &hh, &mi, &used) != 2 || hh > 23 || mi > 59))
            return -1;
        if (!s[used] || s[used] == '\0') {
            *out = (clock_days_from_civil(y, m, d) * 86400LL + hh * 3600 + mi * 60) * 1000 -
                   CLOCK_SHANGHAI_OFFSET_MS;
            return 0;
        }
        return -1;
    }
    if (sscanf(s, "%lf%c%n", &v, &unit, &used) == 2 && !s[used] && v > 0) {
        double ms = unit == 'm' ? 60e3 : unit == 'h' ? 3600e3 : unit == 'd' ? 86400e3 : 0;
        if (!ms) return -1;
        *out = now_ms + (int64_t)(v * ms);
        return 0;
    }
    return -1;
}

static int request(const cli_opts_t *o, msg_t *req, msg_t *reply) {
    sock_security_t sec;
    cli_endpoint_t ep;
    char err[512], rid[64];
    int rc;
    if (cli_security(o, "silence", _("yuebao-notify"), o->notify_key_file, o->notify_control, NULL, &sec) < 0)
        return 2;
    memset(&ep, 0, sizeof ep);
    ep.endpoint = o->notify_control;
    ep.sec = &sec;
    ep.who = _("yuebao-notify");
    ep.key_list = "silence_keys";
    /* insecure only: notify names us from the routing id */
    wire_insecure_id(WIRE_TAG_USER, getenv("USER"), "operator", rid, sizeof rid);
    ep.routing_id = rid;
    req->kind = MSG_SILENCE_REQUEST;
    rc = cli_request(&ep, req, reply, 5000, err, sizeof err);
    explicit_bzero(&sec, sizeof sec);
    if (rc < 0) {
        fprintf(stderr, _("yuebao silence: %s\n"), err);
        return 1;
    }
    if (reply->kind != MSG_SILENCE_REPLY) {
        fprintf(stderr, _("yuebao silence: yuebao-notify answered with something else\n"));
        return 1;
    }
    if (!reply->silence_reply.ok) {
        char shown[300];
        fprintf(stderr, _("yuebao silence: refused: %s\n"),
                text_shown(reply->silence_reply.error, shown, sizeof shown));
        return 1;
    }
    return 0;
}

static int add(const cli_opts_t *o) {
    msg_t req, reply;
    silence_wire_t *s = &req.silence_req.silence;
    int rc;
    memset(&req, 0, sizeof req);
    if (!o->n_matches) {
        fprintf(stderr,
                _("yuebao silence add: say what to silence with --match, e.g. --match zone=shancheng\n"));
        return 2;
    }
    if (!o->until || parse_until(o->until, clock_now_ms(), &s->ends_ms) < 0) {
        fprintf(stderr,
                _("yuebao silence add: --until is a date (2017-07-20, 2017-07-20T18:00) or a duration "
                  "(2h, 3d), not \"%s\"\n"),
                o->until ? o->until : "");
        return 2;
    }
    snprintf(req.silence_req.action, sizeof req.silence_req.action, "add");
    for (int i = 0; i < o->n_matches; i++) {
        if (strlen(o->matches[i]) >= sizeof s->matchers[0] || !strchr(o->matches[i], '=')) {
            fprintf(stderr,
                    _("yuebao silence add: --match is LABEL=VALUE, e.g. zone=shancheng, not \"%s\"\n"),
                    o->matches[i]);
            return 2;
        }
        snprintf(s->matchers[i], sizeof s->matchers[i], "%s", o->matches[i]);
    }
    s->n_matchers = (size_t)o->n_matches;
    if (o->comment) snprintf(s->comment, sizeof s->comment, "%s", o->comment);
    if ((rc = request(o, &req, &reply)) == 0) {
        char until[20];
        clock_format(s->ends_ms, until);
        printf(_("silence %lld added, until %s\n"), (long long)reply.silence_reply.id, until);
    }
    msg_clear(&reply);
    return rc;
}

static int list(const cli_opts_t *o) {
    msg_t req, reply;
    int rc;
    memset(&req, 0, sizeof req);
    snprintf(req.silence_req.action, sizeof req.silence_req.action, "list");
    if ((rc = request(o, &req, &reply)) != 0) return rc;
    for (size_t i = 0; i < reply.silence_reply.n_items; i++) {
        const silence_wire_t *s = &reply.silence_reply.items[i];
        char from[20], until[20], by[140], comment[300], m[700] = "";
        size_t used = 0;
        clock_format(s->starts_ms, from);
        clock_format(s->ends_ms, until);
        for (size_t k = 0; k < s->n_matchers; k++) {
            char shown[100];
            used += (size_t)snprintf(m + used, sizeof m - used, "%s%s", k ? "," : "",
                                     text_shown(s->matchers[k], shown, sizeof shown));
            if (used >= sizeof m) break;
        }
        printf("%lld  %s  %s  %s  %s  %s\n", (long long)s->id, from, until,
               text_shown(s->created_by, by, sizeof by), m, text_shown(s->comment, comment, sizeof comment));
    }
    fprintf(stderr,
            ngettext("yuebao silence: %zu silence in force or to come\n",
                     "yuebao silence: %zu silences in force or to come\n", reply.silence_reply.n_items),
            reply.silence_reply.n_items);
    msg_clear(&reply);
    return 0;
}

static int expire(const cli_opts_t *o, const char *id) {
    msg_t req, reply;
    char *end;
    long long v = strtoll(id, &end, 10);
    int rc;
    if (*end || v <= 0) {
        fprintf(stderr, _("yuebao silence expire: \"%s\" is not a silence's number (yuebao silence list)\n"),
                id);
        return 2;
    }
    memset(&req, 0, sizeof req);
    snprintf(req.silence_req.action, sizeof req.silence_req.action, "expire");
    req.silence_req.silence.id = v;
    if ((rc = request(o, &req, &reply)) == 0) printf(_("silence %lld expired\n"), v);
    msg_clear(&reply);
    return rc;
}

int cli_silence(const cli_opts_t *o) {
    const char *what = o->n_args ? o->args[0] : "";
    if (!strcmp(what, "add") && o->n_args == 1) return add(o);
    if (!strcmp(what, "list") && o->n_args == 1) return list(o);
    if (!strcmp(what, "expire") && o->n_args == 2) return expire(o, o->args[1]);
    fprintf(stderr, _("yuebao silence: say add, list or expire ID; see yuebao silence --help\n"));
    return 2;
}
