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
 * On a terminal the screen lives on the alternate screen (as less and top do: the
 * shell's scrollback is left as it was, and restored on exit, on SIGINT, SIGTERM,
 * SIGHUP and SIGQUIT, and while stopped by Ctrl-Z)
 * and is drawn over itself, never scrolled: its sections are fitted into the terminal's
 * rows and columns (cli_screen.c), read again on SIGWINCH — completeness per county
 * first, then the city totals, the latest arrivals and rejections and the ratios, each
 * ending in "… N more" where the rows run out. Below 88 columns the tables are narrowed.
 *
 * Names come from --master when given; without it codes are shown. A gap, a restart
 * or silence of the aggregator takes a fresh snapshot by itself.
 *
 * Where the report store is at hand (--store, or the configured one, when the file is
 * there: the central office's own host), the screen also lists the period's key
 * enterprises (重点企业运行) stopped or cutting output, read again from the store when a
 * report of the period arrives (cli_enterprises.c); into a pipe, each arrival is followed
 * by a line per such enterprise of its zone. The PUB carries no enterprise rows: the
 * store is where they are.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

/* The terminal's escapes: the alternate screen on and off (smcup/rmcup), the cursor. */
#define ALT_SCREEN_ON "\033[?1049h\033[?25l"
#define ALT_SCREEN_OFF "\033[?25h\033[?1049l"

/* Table widths: as plain output has always had them, and narrowed for a terminal of
 * fewer than WIDE_COLS columns (80 fit the narrow ones). */
#define WIDE_COLS 88

static volatile sig_atomic_t stopping, resized;

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
}

static void on_winch(int sig) {
    (void)sig;
    resized = 1;
}

/* Ctrl-Z: the shell's screen back while stopped, the alternate one again on fg. Only
 * write(2) here: it is async-signal-safe, stdio is not. */
static void on_tstp(int sig) {
    (void)sig;
    if (write(STDOUT_FILENO, ALT_SCREEN_OFF, sizeof ALT_SCREEN_OFF - 1) < 0) {}
    signal(SIGTSTP, SIG_DFL);
    raise(SIGTSTP); /* delivered, and we stop, when this handler returns */
}

static void on_cont(int sig) {
    (void)sig;
    signal(SIGTSTP, on_tstp);
    if (write(STDOUT_FILENO, ALT_SCREEN_ON, sizeof ALT_SCREEN_ON - 1) < 0) {}
    resized = 1; /* drawn again, whatever the size is now */
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
    size_t rows, cols;                    /* the terminal's size (tty only) */
    int name_w, unit_w, amount_w, stat_w; /* the totals' columns: indicator, unit, total, mean/min/max */
    rstore_t *store;         /* the report store, read-only, for the key enterprises; NULL: none */
    cli_enterprises_t ents;  /* the shown period's stopped or cutting, as last read */
    char ents_period[PERIOD_STRLEN]; /* the period ents is of ("" = not read) */
    bool ents_stale;         /* a report arrived since: read again before drawing */
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

/* The city totals of flows and stocks (pass 0) or the ratios' mean/min/max (pass 1),
 * each under its header; the ratios' only if there is a ratio. */
static void print_indicator_rows(const watch_t *w, FILE *out, const scope_totals_t *city, int pass) {
    char head[200], unit_h[80], a[80], b[80], c[80];
    bool any_ratio = false;
    for (size_t i = 0; city && i < city->n_rows; i++) {
        const indicator_t *ind = indicator_of(w, city->rows[i].indicator);
        any_ratio |= ind && ind->kind == KIND_RATIO;
    }
    text_pad(unit_h, sizeof unit_h, _("unit"), w->unit_w);
    if (pass == 0) {
        text_pad(head, sizeof head, _("city totals"), w->name_w + 2);
        fprintf(out, "%s %s %s %s %s\n", head, unit_h, right(a, sizeof a, _("total"), w->amount_w),
                right(b, sizeof b, _("growth"), 9), right(c, sizeof c, _("zones"), 6));
    } else if (any_ratio) {
        text_pad(head, sizeof head, _("ratios"), w->name_w + 2);
        fprintf(out, "%s %s %s %s %s\n", head, unit_h, right(a, sizeof a, _("mean"), w->stat_w),
                right(b, sizeof b, _("min"), w->stat_w), right(c, sizeof c, _("max"), w->stat_w));
    }
    for (size_t i = 0; city && i < city->n_rows; i++) {
        const indicator_total_t *r = &city->rows[i];
        const indicator_t *ind = indicator_of(w, r->indicator);
        bool ratio = ind && ind->kind == KIND_RATIO;
        char name[200], unit[80], amount[64], growth[32];
        if (ratio != (pass == 1)) continue;
        text_pad(name, sizeof name, ind ? ind->name_zh : r->indicator, w->name_w);
        text_pad(unit, sizeof unit, ind ? ind->unit : "", w->unit_w);
        if (ratio) {
            fprintf(out, "  %s %s %*.2f %*.2f %*.2f\n", name, unit, w->stat_w, r->n ? r->sum / r->n : 0.0,
                    w->stat_w, r->min, w->stat_w, r->max);
            continue;
        }
        amount_text(r->sum, amount, sizeof amount);
        if (r->has_growth)
            snprintf(growth, sizeof growth, "%+8.1f%%", r->growth_pct);
        else
            right(growth, sizeof growth, _("n/a"), 9);
        fprintf(out, "  %s %s %*s %s %6u\n", name, unit, w->amount_w, amount, growth, r->n);
    }
}

static void print_indicators(const watch_t *w, FILE *out, const scope_totals_t *city) {
    print_indicator_rows(w, out, city, 0);
    print_indicator_rows(w, out, city, 1);
}

static void print_arrivals(const watch_t *w, FILE *out, const char *period) {
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
}

static void print_rejections(const watch_t *w, FILE *out) {
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

/* The shown period's key enterprises stopped or cutting output, read again from the
 * store when a report arrived or the period changed. */
static void refresh_enterprises(watch_t *w, const char *period) {
    if (!w->store || !period[0]) return;
    if (!w->ents_stale && !strcmp(w->ents_period, period)) return;
    cli_enterprises_free(&w->ents);
    w->ents_period[0] = '\0';
    if (cli_enterprises_down(w->store, w->m, period, NULL, &w->ents) == 0)
        snprintf(w->ents_period, sizeof w->ents_period, "%s", period);
    w->ents_stale = false;
}

static void print_enterprises(watch_t *w, FILE *out, const char *period) {
    if (!w->store) return;
    refresh_enterprises(w, period);
    if (strcmp(w->ents_period, period)) {
        fprintf(out, _("key enterprises: the store could not be read\n"));
        return;
    }
    cli_enterprises_print(out, w->m, &w->ents);
}

static void print_events(const watch_t *w, FILE *out, const char *period) {
    print_arrivals(w, out, period);
    print_rejections(w, out);
}

/* The first line: the period, its last change, the sequence; false when the
 * aggregator holds no reports yet (the line says so, and there is nothing more). */
static bool print_title(const watch_t *w, clone_t *c, FILE *out, const char *period) {
    char words[64], when[20] = "";
    const scope_totals_t *city = period[0] ? find_totals((watch_t *)w, period, "") : NULL;
    if (!period[0]) {
        fprintf(out, _("yuebao watch · the aggregator holds no reports yet · sequence %llu\n"),
                (unsigned long long)clone_sequence(c));
        return false;
    }
    period_words(period, words, sizeof words);
    if (city && city->updated_at_ms) clock_format(city->updated_at_ms, when);
    fprintf(out, _("yuebao watch · %s · last change %s · sequence %llu\n"), words, when[0] ? when : _("none"),
            (unsigned long long)clone_sequence(c));
    return true;
}

/* The screen as a log or a pipe gets it: every section whole. */
static void draw_plain(watch_t *w, clone_t *c, FILE *out) {
    const char *period = shown(w);
    if (print_title(w, c, out, period)) {
        print_completeness(w, out, period);
        print_indicators(w, out, period[0] ? find_totals(w, period, "") : NULL);
        print_events(w, out, period);
        print_enterprises(w, out, period);
    }
    fflush(out);
}

/* One section's text, printed into memory and split into its lines. */
typedef struct {
    char *text;
    size_t len;
    char **lines;
    size_t n;
} part_t;

/* Splits p->text into p->lines (NUL in place of each line break). -1 out of memory. */
static int part_split(part_t *p) {
    size_t n = 0;
    for (size_t i = 0; i < p->len; i++)
        n += p->text[i] == '\n';
    if (!(p->lines = calloc(n ? n : 1, sizeof *p->lines))) return -1;
    for (char *line = p->text, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        *nl = '\0';
        p->lines[p->n++] = line;
    }
    return 0;
}

enum {
    PART_TITLE,
    PART_COMPLETENESS,
    PART_TOTALS,
    PART_ARRIVALS,
    PART_REJECTIONS,
    PART_ENTERPRISES,
    PART_RATIOS,
    N_PARTS
};

/* The screen on a terminal: the same sections, fitted into its rows and columns. */
static void draw_screen(watch_t *w, clone_t *c) {
    /* heading lines and the items each gets before the next section gets more: every
     * county first, then four main indicators, two arrivals, two rejections, two key
     * enterprises stopped or cutting, one line of ratios; what rows are left go to them
     * in that order */
    static const size_t head[N_PARTS] = {1, 2, 1, 1, 1, 1, 1};
    static const size_t share[N_PARTS] = {0, SIZE_MAX, 4, 2, 2, 2, 1};
    part_t part[N_PARTS];
    screen_section_t sec[N_PARTS];
    const char *period = shown(w);
    const scope_totals_t *city = period[0] ? find_totals(w, period, "") : NULL;
    bool any = false, failed = false;
    size_t n = 0;

    memset(part, 0, sizeof part);
    w->name_w = w->cols >= WIDE_COLS ? 32 : 26;
    w->unit_w = w->cols >= WIDE_COLS ? 14 : 12;
    w->amount_w = w->cols >= WIDE_COLS ? 18 : 14;
    w->stat_w = w->cols >= WIDE_COLS ? 12 : 10;
    for (int i = 0; i < N_PARTS && !failed; i++) {
        FILE *f = open_memstream(&part[i].text, &part[i].len);
        if (!f) {
            failed = true;
            break;
        }
        if (i == PART_TITLE)
            any = print_title(w, c, f, period);
        else if (any && i == PART_COMPLETENESS)
            print_completeness(w, f, period);
        else if (any && i == PART_TOTALS)
            print_indicator_rows(w, f, city, 0);
        else if (any && i == PART_ARRIVALS)
            print_arrivals(w, f, period);
        else if (any && i == PART_REJECTIONS)
            print_rejections(w, f);
        else if (any && i == PART_ENTERPRISES)
            print_enterprises(w, f, period);
        else if (any && i == PART_RATIOS)
            print_indicator_rows(w, f, city, 1);
        fclose(f);
        if (part_split(&part[i]) < 0) failed = true;
    }
    for (int i = 0; i < N_PARTS && !failed; i++) {
        size_t h = part[i].n < head[i] ? part[i].n : head[i];
        if (!part[i].n) continue; /* no ratio, or nothing yet */
        sec[n++] = (screen_section_t){(const char *const *)part[i].lines, h, part[i].n - h, share[i]};
    }
    if (failed)
        fprintf(stderr, _("yuebao watch: out of memory\n"));
    else
        screen_draw(stdout, w->rows, w->cols, sec, n, _("(Ctrl-C to quit)"));
    for (int i = 0; i < N_PARTS; i++) {
        free(part[i].lines);
        free(part[i].text);
    }
}

static void draw(watch_t *w, clone_t *c) {
    if (w->tty)
        draw_screen(w, c);
    else
        draw_plain(w, c, stdout);
}

/* The terminal's rows and columns (TIOCGWINSZ), 24 × 80 when it does not say. */
static void terminal_size(watch_t *w) {
    struct winsize ws;
    memset(&ws, 0, sizeof ws);
    w->rows = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row ? ws.ws_row : 24;
    w->cols = ws.ws_col ? ws.ws_col : 80;
}

/* ---- updates -------------------------------------------------------------------------- */

/* After an arrival into a pipe: the zone's key enterprises stopped or cutting output in
 * the revision that arrived, a line each. */
static void plain_enterprises(watch_t *w, const char *zone, const char *period) {
    if (!w->store) return;
    w->ents_stale = true;
    refresh_enterprises(w, period);
    if (strcmp(w->ents_period, period)) return;
    for (size_t i = 0; i < w->ents.n; i++) {
        char line[1600];
        if (strcmp(w->ents.rows[i].zone, zone)) continue;
        cli_enterprise_line(w->m, &w->ents.rows[i], line, sizeof line);
        printf("  %s\n", line);
    }
}

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
    if (m->kind == MSG_REPORT_ACCEPTED) plain_enterprises(w, m->accepted.zone, m->accepted.period);
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
        w->ents_stale = true;
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

/* Back to the shell's screen and its scrollback, as it was before watch, if on the
 * alternate one. */
static void leave_alt_screen(bool *on) {
    if (!*on) return;
    signal(SIGTSTP, SIG_DFL);
    signal(SIGCONT, SIG_DFL);
    fputs(ALT_SCREEN_OFF, stdout);
    fflush(stdout);
    *on = false;
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
    bool alt_screen = false;

    memset(&w, 0, sizeof w);
    w.o = o;
    w.tty = isatty(STDOUT_FILENO) && !o->once;
    w.name_w = 32, w.unit_w = 14, w.amount_w = 18, w.stat_w = 12; /* plain; a terminal's: draw_screen */
    if (o->period) {
        period_t p;
        if (period_parse(o->period, &p) < 0) {
            fprintf(stderr, _("yuebao watch: --period %s: expected YYYY-MM (e.g. 2017-06)\n"), o->period);
            return 2;
        }
        period_format(p, w.period);
    }
    if (o->master_dir && !(w.m = cli_master(o))) return 2;
    if (o->store && access(o->store, F_OK) == 0) { /* the central office's host: the enterprises too */
        char serr[1024];
        if (!(w.store = rstore_open(o->store, true, serr, sizeof serr)))
            fprintf(stderr, _("yuebao watch: %s: %s; the key enterprises are not shown\n"), o->store, serr);
    }
    if (cli_security(o, "watch", _("the aggregator"), o->agg_key_file, o->agg_snapshot, o->agg_pub, &sec) < 0) {
        rstore_close(&w.store);
        master_destroy(&w.m);
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal); /* the terminal closed: stop the same way */
    signal(SIGQUIT, on_signal); /* Ctrl-\: no core, the shell's screen back */
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
    if (w.tty) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_winch; /* no SA_RESTART: the poll returns, the screen is redrawn */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGWINCH, &sa, NULL);
        sa.sa_handler = on_cont;
        sigaction(SIGCONT, &sa, NULL);
        signal(SIGTSTP, on_tstp);
        terminal_size(&w);
        fputs(ALT_SCREEN_ON, stdout);
        alt_screen = true;
    }
    draw(&w, c);
    rc = 0;
    if (o->once) goto out;
    w.changed = false;
    drawn_ms = clock_mono_ms();
    while (!stopping) {
        char why[512];
        clone_result_t n = clone_poll(c, REDRAW_MS, on_msg, &w, why, sizeof why);
        if (n == CLONE_ERROR) {
            leave_alt_screen(&alt_screen); /* the reason stays on the operator's screen */
            fprintf(stderr, _("yuebao watch: %s\n"), why);
            rc = 1;
            break;
        }
        if (resized) {
            resized = 0;
            terminal_size(&w);
            w.changed = true;
            drawn_ms = 0; /* at once */
        }
        if (n == CLONE_RESYNC) {
            fprintf(stderr, _("yuebao watch: %s; resyncing\n"), why);
            if (sync_state(&w, c, true) < 0) break;
            fprintf(stderr, _("yuebao watch: in sync again as of sequence %llu\n"),
                    (unsigned long long)clone_sequence(c));
            w.changed = true;
        }
        if (w.tty && w.changed && clock_mono_ms() - drawn_ms >= REDRAW_MS) {
            draw(&w, c);
            w.changed = false;
            drawn_ms = clock_mono_ms();
        }
    }
out:
    leave_alt_screen(&alt_screen); /* also after SIGINT, SIGTERM, SIGHUP, SIGQUIT: they end the loop */
    clone_close(&c);
    if (ctx) zmq_ctx_term(ctx);
    forget_all(&w);
    free(w.totals);
    cli_enterprises_free(&w.ents);
    rstore_close(&w.store);
    master_destroy(&w.m);
    explicit_bzero(&sec, sizeof sec);
    return rc;
}
