/* cli_approve.c - `yuebao approve`, `publish` and `unlock --period P`: a period's 核准
 * and 发布, asked of the aggregator.
 *
 * The CLI never writes the report store: each command is one PeriodRequest to the
 * aggregator's control endpoint, signed by the approver's CURVE key (cli_request.c),
 * and the aggregator decides, stores, answers and publishes. What it answers is printed:
 * the transition as stored (exit 0), or its reason for refusing (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "codec.h"
#include "wire.h"
#include "i18n.h"
#include "text.h"

#define REQUEST_TIMEOUT_MS 15000

/* The routing id that names us to an aggregator run --insecure: "u:<login>:<pid>". */
static void insecure_identity(char *buf, size_t size) {
    wire_insecure_id(WIRE_TAG_USER, getenv("USER"), "approver", buf, size);
}

/* Copies a --comment or --reason, refusing one too long for the record. 0 or -1. */
static int take_text(const char *cmd, const char *what, const char *src, char *dst, size_t size) {
    if (!src) return 0;
    if (strlen(src) >= size) {
        fprintf(stderr, _("yuebao %s: %s is longer than %zu bytes\n"), cmd, what, size - 1);
        return -1;
    }
    snprintf(dst, size, "%s", src);
    return 0;
}

/* Prints a stored transition: "2017-05 (城市): 填报中 → 已核准, by 张三 on 2017-07-10". */
static void print_transition(const period_state_t *t, const master_t *m) {
    char day[32], shown[APPROVAL_TEXT_SIZE * 4];
    const county_t *c = t->county[0] && m ? master_county(m, t->county) : NULL;
    approval_day(t->at_ms, day, sizeof day);
    if (t->county[0])
        printf(_("%s, county %s%s%s%s: %s → %s, by %s on %s\n"), t->period, t->county, c ? " (" : "",
               c ? c->name : "", c ? ")" : "", approval_state_label(t->previous),
               approval_state_label(t->state), t->actor, day);
    else
        printf(_("%s, the whole city: %s → %s, by %s on %s\n"), t->period, approval_state_label(t->previous),
               approval_state_label(t->state), t->actor, day);
    if (t->comment[0]) printf(_("  comment: %s\n"), text_escape_controls(t->comment, shown, sizeof shown));
    if (t->reason[0]) printf(_("  reason: %s\n"), text_escape_controls(t->reason, shown, sizeof shown));
}

static int run(const cli_opts_t *o, const char *cmd, paction_t action) {
    msg_t req = {0}, reply = {0};
    period_request_t *r = &req.period_req;
    sock_security_t sec;
    master_t *m = NULL;
    period_t p;
    char ident[64], err[1024], shown[APPROVAL_TEXT_SIZE * 4];
    cli_endpoint_t ep;
    int rc = 1;

    if (!o->period) {
        fprintf(stderr, _("yuebao %s: name the period with --period YYYY-MM\n"), cmd);
        return 2;
    }
    if (period_parse(o->period, &p) < 0) {
        fprintf(stderr, _("yuebao %s: \"%s\" is not a period (YYYY-MM, e.g. 2017-05)\n"), cmd, o->period);
        return 2;
    }
    if (action == PACTION_UNLOCK && (!o->reason || !*text_trim_spaces((char *)o->reason))) {
        fprintf(stderr, _("yuebao %s: give the reason with --reason TEXT: it is kept with the record\n"),
                cmd);
        return 2;
    }
    req.kind = MSG_PERIOD_REQUEST;
    r->action = action;
    period_format(p, r->period);
    if (take_text(cmd, "--comment", o->comment, r->comment, sizeof r->comment) < 0 ||
        take_text(cmd, "--reason", o->reason, r->reason, sizeof r->reason) < 0)
        return 2;
    if (o->master_dir && !(m = cli_master(o))) return 2;
    if (o->county) {
        if (m) {
            const county_t *c = cli_county(o, m, cmd, o->county);
            if (!c) {
                master_destroy(&m);
                return 2;
            }
            snprintf(r->county, sizeof r->county, "%s", c->code);
        } else if (take_text(cmd, "--county", o->county, r->county, sizeof r->county) < 0) {
            return 2;
        }
    }
    if (cli_security(o, cmd, _("the aggregator"), o->agg_key_file, o->agg_control, NULL, &sec) < 0) {
        master_destroy(&m);
        return 2;
    }
    insecure_identity(ident, sizeof ident);
    ep = (cli_endpoint_t){o->agg_control, &sec, _("the aggregator"), "approver_keys",
                          sec.insecure ? ident : NULL};
    if (cli_request(&ep, &req, &reply, REQUEST_TIMEOUT_MS, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao %s: %s\n"), cmd, err);
    } else if (reply.kind != MSG_PERIOD_REPLY) {
        fprintf(stderr, _("yuebao %s: the aggregator answered with something else than a reply\n"), cmd);
    } else if (!reply.period_reply.ok) {
        fprintf(stderr, _("yuebao %s: refused: %s\n"), cmd,
                text_escape_controls(reply.period_reply.reason, shown, sizeof shown));
    } else {
        print_transition(&reply.period_reply.state, m);
        if (reply.period_reply.reason[0]) /* a note: what stays approved after a city unlock */
            printf("%s\n", text_escape_controls(reply.period_reply.reason, shown, sizeof shown));
        rc = 0;
    }
    msg_clear(&reply);
    explicit_bzero(&sec, sizeof sec);
    master_destroy(&m);
    return rc;
}

int cli_approve(const cli_opts_t *o) {
    return run(o, "approve", PACTION_APPROVE);
}

int cli_publish(const cli_opts_t *o) {
    return run(o, "publish", PACTION_PUBLISH);
}

int cli_unlock(const cli_opts_t *o) {
    return run(o, "unlock", PACTION_UNLOCK);
}
