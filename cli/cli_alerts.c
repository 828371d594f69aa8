/* cli_alerts.c - `yuebao alerts [--follow] [--exec CMD]`: the scorer's firing alerts,
 * then (with --follow) every transition as it happens, one greppable line each.
 *
 * zguide's Clone pattern, client side, through common/clone.c: with --follow the SUB is
 * made first, then the snapshot ROUTER is asked for the firing alerts under our topic
 * prefix and the sequence number they are as of; updates at or below it are dropped.
 * The scorer numbers every update with one sequence (rankings and every county's
 * alerts), so the follower subscribes to everything and filters the county itself. A
 * gap, a sequence going backwards (the scorer restarted) or silence is a reason to
 * resync: take a new snapshot and print the difference against what we had as the
 * transitions we missed, so a hook fires once per change and never again for an alert
 * it already saw.
 *
 * --exec runs a hook command once per alert shown, one at a time (cli_exec.c).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "alert.h"
#include "clock.h"
#include "cli.h"
#include "clone.h"
#include "codec.h"
#include "i18n.h"
#include "text.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
}

typedef struct {
    const cli_opts_t *o;
    master_t *m;                                     /* NULL: codes are shown instead of names */
    char county[COUNTY_CODE_SIZE];                   /* --county as a code, "" = every county */
    char prefix[sizeof "alert.." + COUNTY_CODE_MAX]; /* "alert." or "alert.<county>.": the topic prefix */
    severity_t least;                                /* --severity */
    sock_security_t sec;
    void *ctx;
    clone_t *clone;      /* the SUB (with --follow) and the snapshots */
    alert_list_t firing; /* the scorer's firing alerts under prefix, as we know them */
    int zone_width, what_width;
    cli_exec_t *exec; /* --exec, else NULL */
} alerts_t;

/* ---- printing ------------------------------------------------------------------------- */

static void zone_text(const alerts_t *a, const alert_t *al, char *buf, size_t size) {
    const zone_t *z = a->m ? master_zone(a->m, al->zone) : NULL;
    const county_t *c = a->m ? master_county(a->m, al->county) : NULL;
    snprintf(buf, size, "%s (%s)", z ? z->name : al->zone, c ? c->name : al->county);
}

/* "2017-06/fai", or the missing period of an overdue alert. */
static void what_text(const alert_t *al, char *buf, size_t size) {
    if (al->indicator[0])
        snprintf(buf, size, "%s/%s", al->period, al->indicator);
    else
        snprintf(buf, size, "%s", al->period);
}

/* The severity as shown: "critical", or "warning→critical" when a transition changed it. */
static void severity_text(const alert_t *al, char *buf, size_t size) {
    if (al->transition == TR_ESCALATED || al->transition == TR_DEESCALATED || al->transition == TR_RESOLVED)
        snprintf(buf, size, "%s→%s", severity_label(al->previous), severity_label(al->severity));
    else
        snprintf(buf, size, "%s", severity_label(al->severity));
}

/* An alert is shown when it touches the least severity asked for: a critical alert that
 * de-escalates or resolves is news to whoever follows only critical ones. */
static bool wanted(const alerts_t *a, const alert_t *al) {
    severity_t s = al->severity > al->previous ? al->severity : al->previous;
    return s >= a->least;
}

static void print_alert(const alerts_t *a, const alert_t *al) {
    char when[20], tr[48], sev[64], kind[48], zone[300], what[80], padded_zone[320], padded_what[100], msg[400];
    clock_format(cli_alert_when(al), when);
    text_pad(tr, sizeof tr, transition_label(al->transition), 11);
    text_pad(kind, sizeof kind, alert_kind_label(al->kind), 7);
    severity_text(al, sev, sizeof sev);
    zone_text(a, al, zone, sizeof zone);
    what_text(al, what, sizeof what);
    text_pad(padded_zone, sizeof padded_zone, zone, a->zone_width);
    text_pad(padded_what, sizeof padded_what, what, a->what_width);
    {
        char padded_sev[80];
        text_pad(padded_sev, sizeof padded_sev, sev, 16);
        printf("%s  %s  %s  %s  %s  %s  %s\n", when, tr, padded_sev, kind, padded_zone, padded_what,
               text_shown(al->message, msg, sizeof msg));
    }
}

/* Prints al when it is wanted, then runs the hook for it. */
static void deliver(alerts_t *a, const alert_t *al) {
    if (!wanted(a, al)) return;
    print_alert(a, al);
    if (!a->exec || stopping) return;
    cli_exec_run(a->exec, a->m, al);
    /* the hook took its time, not the scorer: do not count it as silence */
    if (a->clone) clone_touch(a->clone);
}

/* ---- snapshot ------------------------------------------------------------------------- */

/* A snapshot message: the firing alerts are collected. */
static void on_snapshot_msg(const msg_t *m, bool in_snapshot, void *arg) {
    alert_list_t *out = arg;
    (void)in_snapshot;
    if (m->kind == MSG_ALERT && !alert_list_add(out, &m->alert))
        fprintf(stderr, _("yuebao alerts: out of memory\n"));
}

/* Asks the snapshot ROUTER for the firing alerts under a->prefix. CLONE_OK with *out
 * (sorted by key); CLONE_FAILED when the scorer refused us or did not answer in time
 * (reason in err); CLONE_STOPPED when interrupted by a signal. */
static clone_result_t take_snapshot(alerts_t *a, alert_list_t *out, char *err, size_t errsz) {
    msg_t req;
    clone_result_t rc;
    alert_list_clear(out);
    memset(&req, 0, sizeof req);
    req.kind = MSG_SNAPSHOT_REQUEST;
    codec_new_id(req.id);
    snprintf(req.snap_req.prefix, sizeof req.snap_req.prefix, "%s", a->prefix);
    req.snap_req.no_ranking = true; /* the ranking is `yuebao ranking`'s business */
    rc = clone_snapshot(a->clone, &req, on_snapshot_msg, out, err, errsz);
    if (rc != CLONE_OK) {
        alert_list_clear(out);
        return rc;
    }
    for (size_t i = 0; i < out->n; i++)
        out->items[i].transition = TR_ACTIVE;
    alert_list_sort(out);
    return CLONE_OK;
}

/* ---- following ------------------------------------------------------------------------ */

static alert_t *find(alert_list_t *l, const alert_t *al) {
    char k1[ALERT_KEY_LEN], k2[ALERT_KEY_LEN];
    alert_key(al, k1);
    for (size_t i = 0; i < l->n; i++) {
        alert_key(&l->items[i], k2);
        if (!strcmp(k1, k2)) return &l->items[i];
    }
    return NULL;
}

/* Applies a transition to our copy of the firing alerts. */
static void apply(alerts_t *a, const alert_t *al) {
    alert_t *cur = find(&a->firing, al);
    if (al->transition == TR_RESOLVED || al->severity == SEV_NONE) {
        if (cur) {
            *cur = a->firing.items[a->firing.n - 1];
            a->firing.n--;
        }
    } else if (cur) {
        *cur = *al;
    } else if (!alert_list_add(&a->firing, al)) {
        fprintf(stderr, _("yuebao alerts: out of memory\n"));
    }
}

/* Prints what changed between our copy and a fresh snapshot, as the transitions missed
 * while out of sync; then the snapshot becomes our copy. Returns the number of changes. */
static int diff_snapshot(alerts_t *a, alert_list_t *fresh, int64_t now_ms) {
    size_t i = 0, j = 0;
    int changes = 0;
    alert_list_sort(&a->firing);
    while (!stopping && (i < a->firing.n || j < fresh->n)) {
        char ko[ALERT_KEY_LEN] = "", kn[ALERT_KEY_LEN] = "";
        alert_t ev;
        int cmp;
        if (i < a->firing.n) alert_key(&a->firing.items[i], ko);
        if (j < fresh->n) alert_key(&fresh->items[j], kn);
        cmp = i >= a->firing.n ? 1 : j >= fresh->n ? -1 : strcmp(ko, kn);
        if (cmp < 0) {
            const alert_t *old = &a->firing.items[i++];
            ev = *old;
            ev.previous = old->severity;
            ev.severity = SEV_NONE;
            ev.transition = TR_RESOLVED;
            ev.at_ms = now_ms;
            snprintf(ev.message, sizeof ev.message, _("no longer firing (seen on resync): %.300s"),
                     old->message);
        } else if (cmp > 0) {
            ev = fresh->items[j++];
            ev.previous = SEV_NONE;
            ev.transition = TR_FIRING;
            ev.at_ms = ev.since_ms;
        } else {
            const alert_t *old = &a->firing.items[i++];
            ev = fresh->items[j++];
            if (ev.severity == old->severity) continue;
            ev.previous = old->severity;
            ev.transition = ev.severity > old->severity ? TR_ESCALATED : TR_DEESCALATED;
            ev.at_ms = now_ms;
        }
        changes++;
        deliver(a, &ev);
    }
    alert_list_clear(&a->firing);
    a->firing = *fresh;
    memset(fresh, 0, sizeof *fresh);
    return changes;
}

/* Takes snapshots until one succeeds (or we are asked to stop), then catches up. */
static void resync(alerts_t *a, const char *why) {
    alert_list_t fresh = {0};
    char err[512];
    bool told = false;
    int changes;
    fprintf(stderr, _("yuebao alerts: %s; resyncing\n"), why);
    for (;;) {
        clone_result_t rc = take_snapshot(a, &fresh, err, sizeof err);
        if (rc == CLONE_OK) break;
        if (rc == CLONE_STOPPED || stopping) {
            alert_list_clear(&fresh);
            return;
        }
        if (!told) fprintf(stderr, _("yuebao alerts: %s; retrying until it answers\n"), err);
        told = true;
        sleep(1);
    }
    changes = diff_snapshot(a, &fresh, clock_now_ms());
    fprintf(stderr,
            ngettext("yuebao alerts: in sync again as of sequence %llu (%d change while out of sync)\n",
                     "yuebao alerts: in sync again as of sequence %llu (%d changes while out of sync)\n",
                     (unsigned long)changes),
            (unsigned long long)clone_sequence(a->clone), changes);
}

/* An update after the snapshot, in order: a transition of one of our county's alerts. */
static void on_update(const msg_t *m, bool in_snapshot, void *arg) {
    alerts_t *a = arg;
    (void)in_snapshot;
    if (m->kind != MSG_ALERT || (a->county[0] && strcmp(m->alert.county, a->county))) return;
    apply(a, &m->alert);
    deliver(a, &m->alert);
}

static int follow(alerts_t *a) {
    while (!stopping) {
        char why[512];
        /* short polls: a SIGINT that lands just before zmq_poll is seen within 0.2 s */
        clone_result_t n = clone_poll(a->clone, 200, on_update, a, why, sizeof why);
        if (n == CLONE_ERROR) {
            fprintf(stderr, _("yuebao alerts: %s\n"), why);
            return 1;
        }
        if (n == CLONE_RESYNC && !stopping) resync(a, why);
    }
    return 0;
}

/* ---- start ---------------------------------------------------------------------------- */

/* --county as a code: a code or a name from regions.csv, or (without master data) a
 * code taken as given. 0, or -1 with the reason printed. */
static int resolve_county(alerts_t *a, const char *arg) {
    if (a->m) {
        const county_t *c = cli_county(a->o, a->m, "alerts", arg);
        if (!c) return -1;
        snprintf(a->county, sizeof a->county, "%s", c->code);
        return 0;
    }
    if (!*arg || strlen(arg) >= sizeof a->county ||
        strspn(arg, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "abcdefghijklmnopqrstuvwxyz_-") != strlen(arg)) {
        fprintf(stderr,
                _("yuebao alerts: \"%s\" is not a county code; give the code (e.g. --county 410603), or "
                "name the master data folder (--master DIR or YUEBAO_MASTER) to use a county's name\n"),
                arg);
        return -1;
    }
    snprintf(a->county, sizeof a->county, "%s", arg);
    return 0;
}

/* Column widths from master data, so lines stay aligned as alerts come. */
static void set_widths(alerts_t *a) {
    a->zone_width = 28;
    a->what_width = 24;
    if (!a->m) return;
    a->zone_width = a->what_width = 0;
    for (size_t i = 0; i < a->m->n_zones; i++) {
        alert_t al;
        char zone[300];
        int w;
        memset(&al, 0, sizeof al);
        snprintf(al.zone, sizeof al.zone, "%s", a->m->zones[i].code);
        snprintf(al.county, sizeof al.county, "%s", a->m->zones[i].county);
        zone_text(a, &al, zone, sizeof zone);
        if ((w = text_width(zone)) > a->zone_width) a->zone_width = w;
    }
    for (size_t i = 0; i < a->m->n_indicators; i++) {
        int w = (int)strlen(a->m->indicators[i].code) + PERIOD_STRLEN;
        if (w > a->what_width) a->what_width = w;
    }
}

int cli_alerts(const cli_opts_t *o) {
    alerts_t a;
    alert_list_t snap = {0};
    struct sigaction sa;
    char err[512];
    int rc = 0;
    clone_result_t r;

    memset(&a, 0, sizeof a);
    a.o = o;
    a.least = SEV_WARNING;
    if (o->severity) {
        int s = severity_parse(o->severity);
        if (s != SEV_WARNING && s != SEV_CRITICAL) {
            fprintf(stderr,
                    _("yuebao alerts: --severity is warning (warning and critical) or critical, not \"%s\"\n"),
                    o->severity);
            return 2;
        }
        a.least = (severity_t)s;
    }
    if (o->exec_cmd && !*o->exec_cmd) {
        fprintf(
            stderr,
            _("yuebao alerts: --exec needs a command, e.g. --exec 'notify-send \"$YUEBAO_ALERT_MESSAGE\"'\n"));
        return 2;
    }
    if (o->master_dir) {
        if (!(a.m = cli_master(o))) return 2;
    } else {
        fprintf(stderr, _("yuebao alerts: no --master DIR (or YUEBAO_MASTER): showing codes, not names\n"));
    }
    if (o->county && resolve_county(&a, o->county) < 0) {
        rc = 2;
        goto out;
    }
    if (a.county[0])
        snprintf(a.prefix, sizeof a.prefix, "alert.%s.", a.county);
    else
        snprintf(a.prefix, sizeof a.prefix, "alert.");
    set_widths(&a);
    if (o->exec_cmd && !(a.exec = cli_exec_new(o->exec_cmd, &stopping))) {
        fprintf(stderr, _("yuebao alerts: out of memory\n"));
        rc = 1;
        goto out;
    }

    /* CURVE with our key; without one, plain ZeroMQ and only on this host. */
    if (cli_security(o, "alerts", _("the scorer"), o->server_key, o->snapshot, o->follow ? o->pub : NULL,
                     &a.sec) < 0) {
        rc = 2;
        goto out;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: zmq_poll returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (!(a.ctx = zmq_ctx_new())) {
        fprintf(stderr, _("yuebao alerts: zmq_ctx_new: %s\n"), zmq_strerror(errno));
        rc = 1;
        goto out;
    }
    {
        /* with --follow: subscribe first, to everything (one sequence numbers every topic:
         * see the top of this file), then snapshot */
        clone_opts_t co;
        memset(&co, 0, sizeof co);
        co.ctx = a.ctx;
        co.pub = o->follow ? o->pub : NULL;
        co.snapshot = o->snapshot;
        co.sec = &a.sec;
        co.who = _("the scorer");
        co.stop = &stopping;
        if (!(a.clone = clone_open(&co, err, sizeof err))) {
            fprintf(stderr,
                    _("yuebao alerts: cannot subscribe to the scorer: %s\n  check --pub or YUEBAO_SCORER_PUB\n"),
                    err);
            rc = 1;
            goto out;
        }
    }
    if (o->follow) setvbuf(stdout, NULL, _IOLBF, 0); /* a line as soon as it happens, also into a pipe */
    r = take_snapshot(&a, &snap, err, sizeof err);
    if (r == CLONE_STOPPED) {
        rc = o->follow ? 0 : 1;
        goto out;
    }
    if (r != CLONE_OK) {
        if (clone_unanswered(a.clone))
            fprintf(
                stderr,
                _("yuebao alerts: %s\n  is yuebao-scorer running? name its snapshot socket with --snapshot or "
                "YUEBAO_SCORER_SNAPSHOT%s\n"),
                err, a.sec.insecure ? _("; a scorer that uses CURVE needs --key and --server-key") : "");
        else
            fprintf(stderr, _("yuebao alerts: %s\n"), err);
        rc = 1;
        goto out;
    }
    {
        size_t shown = 0;
        for (size_t i = 0; i < snap.n && !stopping; i++) {
            shown += wanted(&a, &snap.items[i]);
            deliver(&a, &snap.items[i]);
        }
        if (isatty(STDERR_FILENO) || o->follow)
            fprintf(stderr, _("yuebao alerts: %zu firing%s, %zu shown (%s and above), as of sequence %llu%s\n"),
                    snap.n, a.county[0] ? _(" in this county") : "", shown, severity_label(a.least),
                    (unsigned long long)clone_sequence(a.clone),
                    o->follow ? _("; following (Ctrl-C stops)") : "");
    }
    a.firing = snap;
    memset(&snap, 0, sizeof snap);
    if (o->follow) rc = follow(&a);
out:
    alert_list_clear(&snap);
    alert_list_clear(&a.firing);
    clone_close(&a.clone);
    if (a.ctx) zmq_ctx_term(a.ctx);
    cli_exec_destroy(&a.exec);
    master_destroy(&a.m);
    explicit_bzero(&a.sec, sizeof a.sec);
    return rc;
}
