/* cli_status.c - `yuebao status [--period P]`: every expected zone and its state, and
 * the overdue list. What the central office's desk looks at around the deadline.
 *
 * For the period (default: the latest with a report), one line per zone, by county:
 *   reported       its current revision and when it was committed; on time
 *   reported LATE  its first revision came after the deadline
 *   MISSING        no report; "due in …" before the deadline, "overdue" after it
 *   REJECTED       the zone's latest attempt was rejected, with the first reason
 *                  (shown alone when nothing is stored, or after a stored revision
 *                  when a later one was refused)
 * The deadline is day deadline_day of the next month, 24:00 Asia/Shanghai, as the
 * master folder's city.csv says (10 without it; $YUEBAO_DEADLINE_DAY, deprecated,
 * overrides it for one release); "now" honours YUEBAO_NOW.
 * Then the figures accepted on a county's 说明: current revisions a soft check
 * (核实性审核, plausibility.h) questioned and the county confirmed in writing, each with
 * the indicator, the jump and the 说明, for the central office to look at. Then the key
 * enterprises (重点企业运行) that stopped or cut output this period. Then
 * whether the period is ranked, rejections of zones not in master data, and the
 * overdue list: every period a zone owes, as the scorer judges it (its firing overdue
 * alerts, which respect reporting_since), read from the score store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "i18n.h"
#include "sstore.h"
#include "text.h"

#define DAY_MS 86400000LL

typedef struct {
    uint32_t revision; /* 0 = no report */
    int64_t stored_at, first_at;
    uint32_t rej_revision; /* the latest rejection, if any */
    int64_t rej_at;
    char rej_reason[512];
    int rej_count;
} zone_state_t;

typedef struct {
    const master_t *m;
    zone_state_t *z; /* per zone index */
    int n_foreign;   /* rejections naming a zone not in master data */
    char latest[PERIOD_STRLEN];
} seen_t;

static zone_state_t *state_of(seen_t *s, const char *zone) {
    const zone_t *z = zone ? master_zone(s->m, zone) : NULL;
    return z ? &s->z[z - s->m->zones] : NULL;
}

static void on_report(const char *zone, uint32_t revision, const char *county, int64_t stored_at_ms,
                      void *arg) {
    zone_state_t *z = state_of(arg, zone);
    (void)county;
    if (!z) return;
    z->revision = revision;
    z->stored_at = stored_at_ms;
}

static void on_arrival(const char *zone, int64_t first_at_ms, void *arg) {
    zone_state_t *z = state_of(arg, zone);
    if (z) z->first_at = first_at_ms;
}

/* Rejections come newest first: the first one seen per zone is its latest. */
static void on_rejection(const rstore_event_t *e, void *arg) {
    seen_t *s = arg;
    zone_state_t *z = state_of(s, e->zone);
    if (!z) {
        s->n_foreign++;
        return;
    }
    if (z->rej_count++) return;
    z->rej_revision = e->revision;
    z->rej_at = e->at_ms;
    {
        /* the first reason line, escaped: it echoes a county's file */
        char first[512];
        const char *r = e->reasons ? e->reasons : "";
        const char *nl = strchr(r, '\n');
        snprintf(first, sizeof first, "%.*s", (int)(nl ? (size_t)(nl - r) : strlen(r)), r);
        text_escape_controls(first, z->rej_reason, sizeof z->rej_reason);
    }
}

static void on_period(const char *period, void *arg) {
    seen_t *s = arg;
    snprintf(s->latest, sizeof s->latest, "%s", period); /* oldest first: the last is the latest */
}

/* "3 days", "5 hours": how far apart two times are, for people. */
static void span_text(int64_t ms, char *out, size_t size) {
    if (ms < 0) ms = -ms;
    if (ms >= 2 * DAY_MS)
        snprintf(out, size, _("%lld days"), (long long)(ms / DAY_MS));
    else
        snprintf(out, size, _("%lld hours"), (long long)(ms / 3600000));
}

/* "2017-06-10 24:00": the deadline as people say it (the start of the next day). */
static void deadline_text(int64_t deadline_ms, char *out, size_t size) {
    char day[20];
    clock_format(deadline_ms - DAY_MS, day);
    snprintf(out, size, "%.10s 24:00", day);
}

/* One line for one zone; counts into the totals. */
static void zone_line(const zone_state_t *z, const char *county, const char *zone, int64_t deadline,
                      int64_t now, size_t *n_on_time, size_t *n_late, size_t *n_overdue) {
    char when[20], due[32], span[32];
    deadline_text(deadline, due, sizeof due);
    if (z->revision) {
        clock_format(z->stored_at, when);
        if (z->first_at && z->first_at >= deadline) {
            char first[20], late[32];
            clock_format(z->first_at, first);
            span_text(z->first_at - deadline, late, sizeof late);
            printf(_("  %s %s reported LATE  revision %u at %s"), county, zone, z->revision, when);
            if (z->first_at != z->stored_at) printf(_("; first arrived %s"), first);
            printf(_(", %s after the deadline (%s)"), late, due);
            (*n_late)++;
        } else {
            printf(_("  %s %s reported       revision %u at %s, on time"), county, zone, z->revision, when);
            (*n_on_time)++;
        }
        if (z->rej_count && z->rej_at > z->stored_at)
            printf(_("; a later revision %u was REJECTED: %s"), z->rej_revision, z->rej_reason);
        printf("\n");
        return;
    }
    if (z->rej_count) {
        clock_format(z->rej_at, when);
        printf(_("  %s %s REJECTED       revision %u at %s: %s%s\n"), county, zone, z->rej_revision, when,
               z->rej_reason, z->rej_count > 1 ? _(" (rejected more than once)") : "");
    }
    if (now >= deadline) {
        span_text(now - deadline, span, sizeof span);
        printf(_("  %s %s MISSING        overdue: due %s, %s ago\n"), county, zone, due, span);
        (*n_overdue)++;
    } else {
        span_text(deadline - now, span, sizeof span);
        printf(_("  %s %s MISSING        due %s, in %s\n"), county, zone, due, span);
    }
}

typedef struct {
    const master_t *m;
    int n; /* rows printed so far */
} explained_t;

/* One figure accepted on a 说明, printed under the heading the first one brings. */
static void explained_row(const char *zone, uint32_t revision, unsigned line, const char *message, void *arg) {
    explained_t *e = arg;
    const zone_t *z;
    char zb[200], msg[1200];
    if (!zone) zone = "?";
    if (!message) message = "";
    z = master_zone(e->m, zone);
    if (!e->n++)
        printf(_("figures accepted on the county's 说明 (a jump the soft checks question, confirmed in "
               "writing):\n"));
    printf(_("  %s revision %u, line %u: %s\n"), text_shown(z ? z->name : zone, zb, sizeof zb), revision, line,
           text_shown(message, msg, sizeof msg));
}

/* The current revisions of period that passed a soft check only by the county's 说明:
 * the warnings stored with them in field "note" (plausibility.c), one line each. The
 * text comes from a county file: shown through text_shown (no control characters). */
static void explained_list(const master_t *m, rstore_t *st, const char *period) {
    explained_t e = {m, 0};
    if (rstore_each_explained(st, period, explained_row, &e) < 0)
        printf(_("figures accepted on a 说明: the store could not be read\n"));
}

/* The key enterprises of the period that stopped or cut output (cli_enterprises.c). */
static void enterprises_list(const master_t *m, rstore_t *st, const char *period) {
    cli_enterprises_t l;
    if (cli_enterprises_down(st, m, period, NULL, &l) < 0) {
        printf(_("key enterprises: the store could not be read\n"));
        return;
    }
    cli_enterprises_print(stdout, m, &l);
    cli_enterprises_free(&l);
}

/* The period's 核准 / 发布 state for the city, and each county approved on its own. */
static void state_line(const master_t *m, rstore_t *st, const char *period) {
    period_state_t t;
    char day[32];
    int known = rstore_period_state(st, period, "", &t);
    if (known < 0) return; /* logged by the store */
    if (known && t.state != PSTATE_OPEN) {
        approval_day(t.at_ms, day, sizeof day);
        printf(_("state: %s, by %s on %s\n"), approval_state_label(t.state), t.actor, day);
        return;
    }
    printf(_("state: %s\n"), approval_state_label(PSTATE_OPEN));
    for (size_t ci = 0; ci < m->n_counties; ci++)
        if (rstore_period_state(st, period, m->counties[ci].code, &t) == 1 && t.state == PSTATE_APPROVED) {
            approval_day(t.at_ms, day, sizeof day);
            printf(_("  county %s %s: %s, by %s on %s\n"), m->counties[ci].code, m->counties[ci].name,
                   approval_state_label(t.state), t.actor, day);
        }
}

/* One line on the period's ranking: ranked (by the scorer), or why not. */
static void ranking_line(const cli_opts_t *o, sstore_t *ss, const char *ss_err, const char *period) {
    char scheme[1100];
    ranking_t r;
    int found = ss ? sstore_load_ranking(ss, period, &r) : -1;
    if (found > 0)
        printf(_("ranked: %zu zones by %s (yuebao ranking --period %s)\n"), r.n_rows, cli_method_words(r.method),
               period);
    else if (!cli_has_scheme(o, period, scheme, sizeof scheme))
        printf(_("not ranked: %.4s has no assessment scheme (%s); a year without one is not ranked\n"), period,
               scheme);
    else if (!ss)
        printf(_("not ranked yet: %s\n"), ss_err);
    else
        printf(_("not ranked yet: the scorer has not ranked %s\n"), period);
    if (found > 0) ranking_clear(&r);
}

/* The scorer's firing overdue alerts: every period a zone owes. */
static void overdue_list(const master_t *m, sstore_t *ss, const char *ss_err, int64_t now) {
    alert_list_t l = {0};
    if (!ss) {
        printf(_("overdue list: not available without the scorer's score store: %s\n"), ss_err);
        return;
    }
    if (sstore_alerts_firing(ss, ALERT_OVERDUE, 0, &l) < 0) {
        printf(_("overdue list: the score store could not be read\n"));
        return;
    }
    if (l.n == 0) {
        printf(_("overdue: none — every report due so far is in\n"));
    } else {
        printf(ngettext("overdue: %zu report past the deadline (as the scorer judges it)\n",
                        "overdue: %zu reports past the deadline (as the scorer judges it)\n", l.n),
               l.n);
        for (size_t i = 0; i < l.n; i++) {
            const alert_t *a = &l.items[i];
            const zone_t *z = master_zone(m, a->zone);
            const county_t *c = master_county(m, a->county);
            char zone[200], due[32], span[32];
            text_pad(zone, sizeof zone, z ? z->name : a->zone, 26);
            deadline_text(a->deadline_ms, due, sizeof due);
            span_text(now - a->deadline_ms, span, sizeof span);
            printf(_("  %s %s (%s) %s: due %s, %s ago\n"), zone, c ? c->name : a->county, a->county, a->period,
                   due, span);
        }
    }
    alert_list_clear(&l);
}

/* $YUEBAO_DEADLINE_DAY, deprecated: the deadline is city.csv's. Sets o's deadline_day if
 * given; -1 (printed) if it is not a day 1..28. */
static int deadline_from_env(master_policy_override_t *o) {
    const char *v = getenv("YUEBAO_DEADLINE_DAY");
    if (!v || !*v) return 0;
    o->deadline_day = atoi(v);
    if (o->deadline_day < 1 || o->deadline_day > 28) {
        fprintf(stderr, _("yuebao status: YUEBAO_DEADLINE_DAY=%s: expected a day 1..28\n"), v);
        return -1;
    }
    o->deadline_day_set = true;
    fprintf(stderr, _("yuebao status: warning: YUEBAO_DEADLINE_DAY is deprecated and goes in the next release: "
                    "set deadline_day in the master folder's city.csv\n"));
    return 0;
}

int cli_status(const cli_opts_t *o) {
    master_t *m = NULL;
    rstore_t *st = NULL;
    sstore_t *ss = NULL;
    seen_t s;
    period_t p;
    char period[PERIOD_STRLEN], due[32], note[160], ss_err[1024] = "";
    size_t n_on_time = 0, n_late = 0, n_overdue = 0;
    int rc = 0;
    int64_t deadline, now = clock_now_ms();
    master_policy_override_t env = {0};

    memset(&s, 0, sizeof s);
    if (deadline_from_env(&env) < 0) return 2;
    if (o->period) {
        if (cli_open(o, "status", period, &m, &st) < 0) return 2;
    } else {
        if (!(m = cli_master(o))) return 2;
        if (!(st = cli_store(o))) {
            master_destroy(&m);
            return 2;
        }
        if (rstore_each_period(st, on_period, &s) < 0) {
            rc = 2;
            goto out;
        }
        if (!s.latest[0]) {
            printf(_("no reports yet in %s\n"), o->store);
            goto out;
        }
        snprintf(period, sizeof period, "%s", s.latest);
    }
    period_parse(period, &p);
    if (master_policy_override(m, &env, note, sizeof note) > 0)
        fprintf(stderr, _("yuebao status: %s (YUEBAO_DEADLINE_DAY)\n"), note);
    deadline = period_deadline_ms(p, m->policy.deadline_day);
    s.m = m;
    /* several queries, one state of the store: a commit meanwhile is all in or out */
    if (!(s.z = calloc(m->n_zones ? m->n_zones : 1, sizeof *s.z)) || rstore_read_begin(st) < 0 ||
        rstore_each_report(st, period, on_report, &s) < 0 ||
        rstore_each_first_arrival(st, period, on_arrival, &s) < 0 ||
        rstore_recent(st, true, period, 100000, on_rejection, &s) < 0) {
        rc = 2;
        goto out;
    }
    deadline_text(deadline, due, sizeof due);
    if (p.month == 1)
        printf(_("period %s (1月) · due %s Asia/Shanghai\n"), period, due);
    else
        printf(_("period %s (1-%d月) · due %s Asia/Shanghai\n"), period, p.month, due);
    for (size_t ci = 0; ci < m->n_counties; ci++) {
        for (size_t i = 0; i < m->n_zones; i++) {
            char county[160], zone[160];
            if (strcmp(m->zones[i].county, m->counties[ci].code)) continue;
            text_pad(county, sizeof county, m->counties[ci].name, 26);
            text_pad(zone, sizeof zone, m->zones[i].name, 26);
            zone_line(&s.z[i], county, zone, deadline, now, &n_on_time, &n_late, &n_overdue);
        }
    }
    printf(_("%zu of %zu zones reported: %zu on time, %zu late; %zu missing%s\n"), n_on_time + n_late,
           m->n_zones, n_on_time, n_late, m->n_zones - n_on_time - n_late,
           n_overdue ? _(" (past the deadline)") : (m->n_zones - n_on_time - n_late ? _(" (not yet due)") : ""));
    explained_list(m, st, period);
    enterprises_list(m, st, period);
    state_line(m, st, period);
    rstore_read_end(st);
    if (s.n_foreign)
        printf(ngettext("%d rejected report named a zone not in regions.csv (see the aggregator's log)\n",
                        "%d rejected reports named a zone not in regions.csv (see the aggregator's log)\n",
                        (unsigned long)s.n_foreign),
               s.n_foreign);
    ss = sstore_open(o->scores, true, ss_err, sizeof ss_err);
    ranking_line(o, ss, ss_err, period);
    overdue_list(m, ss, ss_err, now);
out:
    free(s.z);
    sstore_close(&ss);
    rstore_close(&st);
    master_destroy(&m);
    return rc;
}
