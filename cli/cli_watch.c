/* cli_watch.c - `yuebao watch [--period P] [--once]`: the aggregator's live totals.
 *
 * A Clone-pattern subscriber (common/clone.c) of the aggregator's PUB and snapshot
 * ROUTER: it keeps the latest Totals of each (period, scope) and the latest arrivals
 * and rejections, and shows one period — the one named, or else the latest with
 * reports, following the month as it turns. On a terminal the screen is redrawn in
 * place (at most five times a second) after each change: completeness per county,
 * city totals and aggregate growth per indicator, the ratios' mean/min/max, the latest
 * arrivals and rejections. When stdout is not a terminal (a log, a pipe) the screen is
 * printed once, then one plain line per arrival, rejection and change of the city's
 * totals. --once prints the screen and exits (scripts, the demo).
 *
 * Names come from --master when given; without it codes are shown. A gap, a restart
 * or silence of the aggregator takes a fresh snapshot by itself.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "cli.h"
#include "clock.h"
#include "clone.h"
#include "i18n.h"
#include "text.h"

#define N_ARRIVALS 8
#define N_REJECTIONS 5
#define REDRAW_MS 200

static volatile sig_atomic_t stopping;

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
}

typedef struct {
    const cli_opts_t *o;
    master_t *m;                /* NULL: codes instead of names */
    char period[PERIOD_STRLEN]; /* --period, "" = follow the latest */
    bool tty;
    scope_totals_t *totals; /* every (period, scope) known */
    size_t n_totals, cap;
    event_accepted_t arrivals[N_ARRIVALS]; /* newest first */
    size_t n_arrivals;
    event_rejected_t rejections[N_REJECTIONS];
    size_t n_rejections;
    bool changed;
} watch_t;

/* ---- state ---------------------------------------------------------------------------- */

static scope_totals_t *find_totals(watch_t *w, const char *period, const char *scope) {
    for (size_t i = 0; i < w->n_totals; i++)
        if (!strcmp(w->totals[i].period, period) && !strcmp(w->totals[i].scope, scope)) return &w->totals[i];
    return NULL;
}

static void forget_all(watch_t *w) {
    for (size_t i = 0; i < w->n_totals; i++)
        scope_totals_clear(&w->totals[i]);
    w->n_totals = 0;
    w->n_arrivals = w->n_rejections = 0;
}

/* The period shown: --period, else the latest with totals. */
static const char *shown(const watch_t *w) {
    const char *best = w->period;
    if (w->period[0]) return w->period;
    for (size_t i = 0; i < w->n_totals; i++)
        if (strcmp(w->totals[i].period, best) > 0) best = w->totals[i].period;
    return best;
}

static void keep_totals(watch_t *w, const scope_totals_t *t) {
    scope_totals_t *cur = find_totals(w, t->period, t->scope);
    if (!cur) {
        if (w->n_totals == w->cap) {
            size_t cap = w->cap ? 2 * w->cap : 32;
            scope_totals_t *nt = realloc(w->totals, cap * sizeof *nt);
            if (!nt) return;
            w->totals = nt;
            w->cap = cap;
        }
        cur = &w->totals[w->n_totals++];
        memset(cur, 0, sizeof *cur);
    }
    scope_totals_clear(cur);
    if (scope_totals_copy(cur, t) < 0) fprintf(stderr, _("yuebao watch: out of memory\n"));
}

/* Adds e to a newest-first list of max entries: at the front for a live event, at the
 * back for the snapshot's (which come newest first). */
static void keep_event(void *list, size_t *n, size_t max, size_t size, const void *e, bool at_back) {
    char *l = list;
    if (at_back) {
        if (*n < max) memcpy(l + (*n)++ * size, e, size);
        return;
    }
    if (*n < max) (*n)++;
    memmove(l + size, l, (*n - 1) * size);
    memcpy(l, e, size);
}

/* ---- names and numbers ---------------------------------------------------------------- */

static const char *zone_name(const watch_t *w, const char *code) {
    const zone_t *z = w->m ? master_zone(w->m, code) : NULL;
    return z ? z->name : code;
}

static const char *county_name(const watch_t *w, const char *code) {
    const county_t *c = w->m ? master_county(w->m, code) : NULL;
    return c ? c->name : code;
}

static const indicator_t *indicator_of(const watch_t *w, const char *code) {
    return w->m ? master_indicator(w->m, code) : NULL;
}

static void period_words(const char *period, char *out, size_t size) {
    period_t p;
    if (period_parse(period, &p) < 0)
        snprintf(out, size, "%s", period);
    else if (p.month == 1)
        snprintf(out, size, "%s (1月)", period);
    else
        snprintf(out, size, "%s (1-%d月)", period, p.month);
}

/* "12,345,678.9": amounts are read, not parsed. */
static void amount_text(double v, char *out, size_t size) {
    char digits[64], *dot;
    size_t n, lead, o = 0;
    snprintf(digits, sizeof digits, "%.1f", fabs(v));
    dot = strchr(digits, '.');
    n = dot ? (size_t)(dot - digits) : strlen(digits);
    lead = n % 3 ? n % 3 : 3;
    if (v < 0 && o + 1 < size) out[o++] = '-';
    for (size_t i = 0; digits[i] && o + 2 < size; i++) {
        if (i < n && i >= lead && (i - lead) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

static void when_text(int64_t ms, char *out, size_t size) {
    char full[20];
    clock_format(ms, full);
    snprintf(out, size, "%s", full + 5); /* "MM-DD HH:MM:SS" */
}

/* ---- the screen ----------------------------------------------------------------------- */

/* s right-aligned to `width` columns (display width: a heading may be Chinese). */
static const char *right(char *buf, size_t size, const char *s, int width) {
    int pad = width - text_width(s);
    snprintf(buf, size, "%*s%s", pad > 0 ? pad : 0, "", s);
    return buf;
}

static void print_completeness(const watch_t *w, FILE *out, const char *period) {
    const scope_totals_t *city = find_totals((watch_t *)w, period, "");
    uint32_t expected = city ? city->expected : w->m ? (uint32_t)w->m->n_zones : 0;
    uint32_t reported = city ? city->reported : 0, on_time = city ? city->on_time : 0;
    fprintf(out, _("completeness: %u of %u zones reported · %u on time · %u late · %u missing\n"), reported,
            expected, on_time, reported - on_time, expected - reported);
    {
        char head[200];
        text_pad(head, sizeof head, _("county"), 36);
        fprintf(out, _("  %s  reported  on time\n"), head);
    }
    for (size_t i = 0; i < w->n_totals; i++) {
        const scope_totals_t *t = &w->totals[i];
        char name[200], label[160];
        if (!t->scope[0] || strcmp(t->period, period)) continue;
        snprintf(label, sizeof label, "%s (%s)", county_name(w, t->scope), t->scope);
        text_pad(name, sizeof name, label, 36);
        fprintf(out, "  %s  %3u/%-3u   %3u%s\n", name, t->reported, t->expected, t->on_time,
                t->reported < t->expected ? _("   ← missing") : "");
    }
}

static void print_indicators(const watch_t *w, FILE *out, const scope_totals_t *city) {
    char head[200], unit_h[80], a[80], b[80], c[80];
    bool any_ratio = false;
    text_pad(head, sizeof head, _("city totals"), 34);
    text_pad(unit_h, sizeof unit_h, _("unit"), 14);
    fprintf(out, "%s %s %s %s %s\n", head, unit_h, right(a, sizeof a, _("total"), 18),
            right(b, sizeof b, _("growth"), 9), right(c, sizeof c, _("zones"), 6));
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && any_ratio) {
            text_pad(head, sizeof head, _("ratios"), 34);
            fprintf(out, "%s %s %s %s %s\n", head, unit_h, right(a, sizeof a, _("mean"), 12),
                    right(b, sizeof b, _("min"), 12), right(c, sizeof c, _("max"), 12));
        }
        for (size_t i = 0; city && i < city->n_rows; i++) {
            const indicator_total_t *r = &city->rows[i];
            const indicator_t *ind = indicator_of(w, r->indicator);
            bool ratio = ind && ind->kind == KIND_RATIO;
            char name[200], unit[80], amount[64], growth[32];
            if (ratio) any_ratio = true;
            if (ratio != (pass == 1)) continue;
            text_pad(name, sizeof name, ind ? ind->name_zh : r->indicator, 32);
            text_pad(unit, sizeof unit, ind ? ind->unit : "", 14);
            if (ratio) {
                fprintf(out, "  %s %s %12.2f %12.2f %12.2f\n", name, unit, r->n ? r->sum / r->n : 0.0, r->min,
                        r->max);
                continue;
            }
            amount_text(r->sum, amount, sizeof amount);
            if (r->has_growth)
                snprintf(growth, sizeof growth, "%+8.1f%%", r->growth_pct);
            else
                right(growth, sizeof growth, _("n/a"), 9);
            fprintf(out, "  %s %s %18s %s %6u\n", name, unit, amount, growth, r->n);
        }
    }
}

static void print_events(const watch_t *w, FILE *out, const char *period) {
    fprintf(out, _("latest arrivals\n"));
    if (!w->n_arrivals) fprintf(out, _("  (none yet)\n"));
    for (size_t i = 0; i < w->n_arrivals; i++) {
        const event_accepted_t *e = &w->arrivals[i];
        char when[20], zone[400], label[300];
        if (period[0] && strcmp(e->period, period) && w->period[0]) continue;
        when_text(e->stored_at_ms, when, sizeof when);
        snprintf(label, sizeof label, "%s (%s)", zone_name(w, e->zone), county_name(w, e->county));
        text_pad(zone, sizeof zone, label, 34);
        fprintf(out, _("  %s  %s  %s revision %u\n"), when, e->period, zone, e->revision);
    }
    fprintf(out, _("latest rejections\n"));
    if (!w->n_rejections) fprintf(out, _("  (none)\n"));
    for (size_t i = 0; i < w->n_rejections; i++) {
        const event_rejected_t *e = &w->rejections[i];
        char when[20];
        when_text(e->received_at_ms, when, sizeof when);
        fprintf(out, _("  %s  %s  %s (county %s) revision %u: %s%s\n"), when, e->period[0] ? e->period : "?",
                e->zone[0] ? zone_name(w, e->zone) : "?", county_name(w, e->county), e->revision, e->reason,
                e->n_errors > 1 ? _(" (and more)") : "");
    }
}

static void draw(watch_t *w, clone_t *c, FILE *out) {
    const char *period = shown(w);
    char words[64], when[20] = "";
    const scope_totals_t *city = period[0] ? find_totals(w, period, "") : NULL;
    if (w->tty) fputs("\033[H\033[2J", out); /* home, clear: redraw in place */
    if (!period[0]) {
        fprintf(out, _("yuebao watch · the aggregator holds no reports yet · sequence %llu\n"),
                (unsigned long long)clone_sequence(c));
        fflush(out);
        return;
    }
    period_words(period, words, sizeof words);
    if (city && city->updated_at_ms) clock_format(city->updated_at_ms, when);
    fprintf(out, _("yuebao watch · %s · last change %s · sequence %llu\n"), words, when[0] ? when : _("none"),
            (unsigned long long)clone_sequence(c));
    print_completeness(w, out, period);
    print_indicators(w, out, city);
    print_events(w, out, period);
    if (w->tty) fprintf(out, _("(Ctrl-C to quit)\n"));
    fflush(out);
}

/* ---- updates -------------------------------------------------------------------------- */

/* The plain line for an update (stdout not a terminal). */
static void plain_line(watch_t *w, const msg_t *m) {
    char when[20];
    if (m->kind == MSG_REPORT_ACCEPTED) {
        clock_format(m->accepted.stored_at_ms, when);
        printf(_("%s accepted %s %s (%s) revision %u\n"), when, m->accepted.period,
               zone_name(w, m->accepted.zone), county_name(w, m->accepted.county), m->accepted.revision);
    } else if (m->kind == MSG_REPORT_REJECTED) {
        clock_format(m->rejected.received_at_ms, when);
        printf(_("%s REJECTED %s %s (county %s) revision %u: %s\n"), when, m->rejected.period,
               zone_name(w, m->rejected.zone), county_name(w, m->rejected.county), m->rejected.revision,
               m->rejected.reason);
    } else if (m->kind == MSG_TOTALS && !m->totals.scope[0] && !strcmp(m->totals.period, shown(w))) {
        const scope_totals_t *t = &m->totals;
        clock_format(t->updated_at_ms, when);
        printf(_("%s totals %s city: %u of %u reported, %u on time"), when, t->period, t->reported, t->expected,
               t->on_time);
        for (size_t i = 0; i < t->n_rows; i++) {
            const indicator_t *ind = indicator_of(w, t->rows[i].indicator);
            char amount[64];
            if (!t->rows[i].has_growth || (ind && ind->kind == KIND_RATIO)) continue;
            amount_text(t->rows[i].sum, amount, sizeof amount);
            printf("; %s %s %+.1f%%", ind ? ind->name_zh : t->rows[i].indicator, amount,
                   t->rows[i].growth_pct);
        }
        printf("\n");
    } else {
        return;
    }
    fflush(stdout);
}

/* What a county sent (a zone, a period, a reason echoing its file) is shown escaped: an
 * ANSI escape or a line break in it never reaches the operator's terminal. */
static void escape_in_place(char *s, size_t size) {
    char buf[1024];
    if (!text_has_controls(s) && utf8_valid(s, strlen(s))) return;
    text_escape_controls(s, buf, size < sizeof buf ? size : sizeof buf);
    memcpy(s, buf, strlen(buf) + 1); /* it fits: escaped into at most size bytes */
}

static void on_msg(const msg_t *msg, bool in_snapshot, void *arg) {
    watch_t *w = arg;
    msg_t copy = *msg; /* events hold no pointers: a shallow copy to escape */
    const msg_t *m = &copy;
    if (copy.kind == MSG_REPORT_ACCEPTED) {
        escape_in_place(copy.accepted.county, sizeof copy.accepted.county);
        escape_in_place(copy.accepted.zone, sizeof copy.accepted.zone);
        escape_in_place(copy.accepted.period, sizeof copy.accepted.period);
    } else if (copy.kind == MSG_REPORT_REJECTED) {
        escape_in_place(copy.rejected.county, sizeof copy.rejected.county);
        escape_in_place(copy.rejected.zone, sizeof copy.rejected.zone);
        escape_in_place(copy.rejected.period, sizeof copy.rejected.period);
        escape_in_place(copy.rejected.reason, sizeof copy.rejected.reason);
    }
    if (m->kind == MSG_TOTALS) {
        keep_totals(w, &m->totals);
    } else if (m->kind == MSG_REPORT_ACCEPTED) {
        if (w->period[0] && strcmp(m->accepted.period, w->period)) return;
        keep_event(w->arrivals, &w->n_arrivals, N_ARRIVALS, sizeof w->arrivals[0], &m->accepted, in_snapshot);
    } else if (m->kind == MSG_REPORT_REJECTED) {
        if (w->period[0] && strcmp(m->rejected.period, w->period)) return;
        keep_event(w->rejections, &w->n_rejections, N_REJECTIONS, sizeof w->rejections[0], &m->rejected,
                   in_snapshot);
    } else {
        return;
    }
    w->changed = true;
    if (!in_snapshot && !w->tty) plain_line(w, m);
}

/* Takes snapshots until one succeeds (or we are asked to stop). 0, or -1 (told). */
static int sync_state(watch_t *w, clone_t *c, bool retry) {
    msg_t req;
    char err[512];
    bool told = false;
    memset(&req, 0, sizeof req);
    req.kind = MSG_SNAPSHOT_REQUEST;
    codec_new_id(req.id);
    snprintf(req.snap_req.period, sizeof req.snap_req.period, "%s", w->period);
    req.snap_req.recent = N_ARRIVALS > N_REJECTIONS ? N_ARRIVALS : N_REJECTIONS;
    for (;;) {
        clone_result_t rc;
        forget_all(w);
        rc = clone_snapshot(c, &req, on_msg, w, err, sizeof err);
        if (rc == CLONE_OK) return 0;
        if (rc == CLONE_STOPPED || stopping) return -1;
        if (!retry) {
            fprintf(stderr, _("yuebao watch: %s\n"), err);
            return -1;
        }
        if (!told) fprintf(stderr, _("yuebao watch: %s; retrying until it answers\n"), err);
        told = true;
        sleep(1);
    }
}

int cli_watch(const cli_opts_t *o) {
    watch_t w;
    clone_opts_t co;
    clone_t *c = NULL;
    sock_security_t sec;
    char err[512];
    int rc = 1;
    void *ctx = NULL;
    int64_t drawn_ms = 0;

    memset(&w, 0, sizeof w);
    w.o = o;
    w.tty = isatty(STDOUT_FILENO) && !o->once;
    if (o->period) {
        period_t p;
        if (period_parse(o->period, &p) < 0) {
            fprintf(stderr, _("yuebao watch: --period %s: expected YYYY-MM (e.g. 2017-06)\n"), o->period);
            return 2;
        }
        period_format(p, w.period);
    }
    if (o->master_dir && !(w.m = cli_master(o))) return 2;
    if (cli_security(o, "watch", _("the aggregator"), o->agg_key_file, o->agg_snapshot, o->agg_pub, &sec) < 0) {
        master_destroy(&w.m);
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    ctx = zmq_ctx_new();
    memset(&co, 0, sizeof co);
    co.ctx = ctx;
    co.pub = o->agg_pub;
    co.snapshot = o->agg_snapshot;
    co.sec = &sec;
    co.who = _("the aggregator");
    co.stop = &stopping;
    if (!ctx || !(c = clone_open(&co, err, sizeof err))) {
        fprintf(stderr, _("yuebao watch: %s: %s\n"), o->agg_pub, ctx ? err : _("no ZeroMQ context"));
        goto out;
    }
    if (sync_state(&w, c, false) < 0) goto out;
    draw(&w, c, stdout);
    rc = 0;
    if (o->once) goto out;
    w.changed = false;
    drawn_ms = clock_mono_ms();
    while (!stopping) {
        char why[512];
        clone_result_t n = clone_poll(c, REDRAW_MS, on_msg, &w, why, sizeof why);
        if (n == CLONE_ERROR) {
            fprintf(stderr, _("yuebao watch: %s\n"), why);
            rc = 1;
            break;
        }
        if (n == CLONE_RESYNC) {
            fprintf(stderr, _("yuebao watch: %s; resyncing\n"), why);
            if (sync_state(&w, c, true) < 0) break;
            fprintf(stderr, _("yuebao watch: in sync again as of sequence %llu\n"),
                    (unsigned long long)clone_sequence(c));
            w.changed = true;
        }
        if (w.tty && w.changed && clock_mono_ms() - drawn_ms >= REDRAW_MS) {
            draw(&w, c, stdout);
            w.changed = false;
            drawn_ms = clock_mono_ms();
        }
    }
out:
    clone_close(&c);
    if (ctx) zmq_ctx_term(ctx);
    forget_all(&w);
    free(w.totals);
    master_destroy(&w.m);
    explicit_bzero(&sec, sizeof sec);
    return rc;
}
