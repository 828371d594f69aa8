/* scorer_recompute.c - from the report store to rankings and alerts, and out to PUB.
 *
 * Work is asked for (scorer_request) and done in passes (scorer_recompute). A pass
 * reads the report store inside one read transaction, so it sees one consistent state
 * however the aggregator commits meanwhile, and finds what changed by the store's own
 * history ids: every period with a revision newer than the watermark. An event is a
 * wake-up, not the data; a lost event costs nothing as long as a later one (or a
 * resync) arrives. Each changed period is recomputed together with the later periods
 * of its year, whose rank changes are measured against it. Everything a pass decides
 * is written in one score-store transaction and published only after COMMIT, so a
 * subscriber never hears of a ranking or a transition that a crash could take back.
 *
 * A period's state (核准 / 发布, the report store's period_transitions) goes into its
 * ranking. A published ranking is frozen: while the period stays published it is never
 * recomputed, and its rows are kept as published (sstore's published_rankings). After an
 * unlock, a correction that changes the rows makes a new version (2, 3 …: 更正版)
 * instead of rewriting the published one.
 *
 * Coalescing: a request (re)arms one timer, coalesce_ms after the latest request but
 * no later than coalesce_max_ms after the first, so a burst of a hundred reports is one
 * pass and a steady stream still gets scored.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "scorer.h"
#include "strset.h"
#include "text.h"

/* What one pass decided, published after COMMIT. A changed ranking is kept by its
 * period only and read back from the score store to be published, one at a time: a
 * full pass over a year of 10 000 zones held eleven rankings of 10 000 rows (~50 MB,
 * twice that with the rows' spare capacity) until its COMMIT. */
/* The matrix of the latest period recomputed of one year, kept between passes: the
 * next pass brings it up to date for the zones that changed (values_reload_zone)
 * instead of reading the period whole, and judges the year's targets on its rows for
 * the zones whose latest report is of that period instead of reading each report again
 * (the same figures: values_load and values_set_report fill a row alike). One per year
 * (a year of 10 000 zones × 14 indicators is 2.2 MB). Valid while the watermark is
 * what the pass after it starts from: every change to the store after it is in that
 * pass's changes. A full pass and a reload of master data start afresh. */
struct scorer_values {
    int year;
    values_t v;
    /* v.period's ranking as the score store holds it since the last COMMIT (the scorer
     * is its only writer), when stored_known: the next pass compares and writes against
     * it, and publishes it, without reading it back. pending: what this pass leaves
     * stored (pending_kind 1), or that it leaves none (2); made stored after COMMIT,
     * dropped on ROLLBACK. */
    ranking_t stored, pending;
    bool stored_known;
    int pending_kind;
};

static void kept_clear(struct scorer_values *k) {
    values_free(&k->v);
    ranking_clear(&k->stored);
    ranking_clear(&k->pending);
    k->stored_known = false;
    k->pending_kind = 0;
}

/* A pass's alert transitions are recorded in its transaction as they are decided, a
 * range of zones at a time, and read back after COMMIT to be published (the ids after
 * event_mark): the first pass over a province's year raises tens of thousands, which
 * held in memory until COMMIT were the larger part of the scorer's peak. */
typedef struct {
    char (*rankings)[PERIOD_STRLEN]; /* the periods whose ranking changed */
    size_t n_rankings;
    size_t n_transitions;  /* recorded, refreshes (TR_NONE) left out */
    int64_t overdue_next_ms; /* every zone's deadlines judged: the next deadline after */
    int64_t event_mark;    /* the score store's last transition id before the pass */
    const strset_t *pairs; /* "period zone" changed since the watermark; NULL: a full pass */
} pass_t;

void scorer_forget_values(scorer_t *s) {
    for (size_t i = 0; i < s->n_kept; i++)
        kept_clear(&s->kept[i]);
    free(s->kept);
    s->kept = NULL;
    s->n_kept = 0;
}

/* The kept matrix of year, or NULL. */
static struct scorer_values *kept_of(scorer_t *s, int year) {
    for (size_t i = 0; i < s->n_kept; i++)
        if (s->kept[i].year == year) return &s->kept[i];
    return NULL;
}

/* Drops the kept matrix of year, if any. */
static void forget_year(scorer_t *s, int year) {
    struct scorer_values *k = kept_of(s, year);
    if (!k) return;
    kept_clear(k);
    *k = s->kept[--s->n_kept];
}

/* Keeps *v (moved: *v zeroed) as its year's matrix unless one of a later period is
 * kept; otherwise, or out of memory, frees it. */
static void keep_values(scorer_t *s, int year, values_t *v) {
    struct scorer_values *k = kept_of(s, year), *grown;
    if (k && strcmp(k->v.period, v->period) > 0) {
        values_free(v);
        return;
    }
    if (k) {
        kept_clear(k);
    } else {
        if (!(grown = realloc(s->kept, (s->n_kept + 1) * sizeof *grown))) {
            values_free(v);
            return;
        }
        s->kept = grown;
        k = &s->kept[s->n_kept++];
        memset(k, 0, sizeof *k);
        k->year = year;
    }
    k->v = *v;
    memset(v, 0, sizeof *v);
}

/* The kept matrix of period brought up to date for the zones of pairs changed in it,
 * or NULL: none kept, a full pass, or a change it cannot take zone by zone (it is then
 * dropped, and the caller loads the period whole; so on a store error). */
static values_t *kept_values(scorer_t *s, const pass_t *ps, period_t p, const char *period) {
    struct scorer_values *k = kept_of(s, p.year);
    size_t len = strlen(period);
    if (!k || !ps->pairs || strcmp(k->v.period, period) != 0) return NULL;
    for (size_t i = 0; i < ps->pairs->n; i++) {
        const char *key = ps->pairs->items[i];
        if (strncmp(key, period, len) != 0 || key[len] != ' ') continue;
        if (values_reload_zone(&k->v, s->store, s->master, key + len + 1) != 0) {
            forget_year(s, p.year);
            return NULL;
        }
    }
    return &k->v;
}

/* The kept entry of period's year if it is of period, else NULL. */
static struct scorer_values *kept_period(scorer_t *s, const char *period) {
    struct scorer_values *k = kept_of(s, atoi(period));
    return k && strcmp(k->v.period, period) == 0 ? k : NULL;
}

/* After COMMIT (committed) or ROLLBACK: the rankings this pass left stored become the
 * kept ones, or are forgotten. */
static void kept_settle(scorer_t *s, bool committed) {
    if (!committed) scorer_forget_stars(s); /* read inside the transaction: maybe gone */
    for (size_t i = 0; i < s->n_kept; i++) {
        struct scorer_values *k = &s->kept[i];
        if (committed && k->pending_kind) {
            ranking_clear(&k->stored);
            k->stored = k->pending; /* kind 2: pending is empty, none is stored */
            memset(&k->pending, 0, sizeof k->pending);
            k->stored_known = true;
        }
        ranking_clear(&k->pending);
        k->pending_kind = 0;
    }
}

/* The kept matrix of year, if it is of period; NULL otherwise. */
static const values_t *pass_values(scorer_t *s, int year, const char *period) {
    struct scorer_values *k = kept_of(s, year);
    return k && strcmp(k->v.period, period) == 0 ? &k->v : NULL;
}

/* The row of zone in v (values.h: master data's zones in master order, then the others
 * by code), or SIZE_MAX when v has none or it did not report. */
static size_t values_row(const values_t *v, const master_t *m, const char *zone) {
    const zone_t *z = master_zone(m, zone);
    size_t row = SIZE_MAX;
    if (z && strcmp(z->code, zone) == 0 && (size_t)(z - m->zones) < v->n_master) {
        row = (size_t)(z - m->zones);
    } else if (!z) {
        size_t lo = v->n_master, hi = v->n_zones;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(v->zones[mid].code, zone);
            if (c == 0) {
                row = mid;
                break;
            }
            if (c < 0) lo = mid + 1;
            else hi = mid;
        }
    }
    return row != SIZE_MAX && v->zones[row].reported ? row : SIZE_MAX;
}

static void pass_free(pass_t *ps) {
    free(ps->rankings);
    memset(ps, 0, sizeof *ps);
}

/* Records every transition of l in the pass's transaction, and empties l. 0 or -1. */
static int record_transitions(scorer_t *s, alert_list_t *l, pass_t *ps) {
    int rc = 0;
    for (size_t i = 0; i < l->n && rc == 0; i++) {
        rc = sstore_record_transition(s->scores, &l->items[i]);
        ps->n_transitions += l->items[i].transition != TR_NONE;
    }
    alert_list_clear(l);
    return rc;
}

/* ---- coalescing ------------------------------------------------------------------- */

static void on_coalesce(loop_t *loop, void *arg);

/* Arms the one coalescing timer, delay_ms from now. */
static void arm(scorer_t *s, int64_t delay_ms) {
    if (!s->loop) return;
    s->coalesce_timer = loop_add_timer(s->loop, delay_ms < 0 ? 0 : delay_ms, false, on_coalesce, s);
    if (s->coalesce_timer < 0) {
        log_error(_("no timer left for the recompute: it waits for the next event or deadline check"));
        s->coalesce_timer = 0;
    }
}

static void on_coalesce(loop_t *loop, void *arg) {
    scorer_t *s = arg;
    int64_t now = clock_mono_ms(), due = s->last_request_ms + s->cfg.coalesce_ms;
    (void)loop;
    s->coalesce_timer = 0;
    if (due > s->first_pending_ms + s->cfg.coalesce_max_ms)
        due = s->first_pending_ms + s->cfg.coalesce_max_ms;
    if (now < due) { /* requests kept coming: wait for quiet, or for the cap */
        arm(s, due - now);
        return;
    }
    if (scorer_recompute(s) < 0) arm(s, 1000); /* the work stays pending; retry, don't spin */
}

void scorer_request(scorer_t *s, bool full) {
    int64_t now = clock_mono_ms();
    if (full)
        s->full_pending = true;
    else
        s->scan_pending = true;
    if (!s->first_pending_ms) s->first_pending_ms = now;
    s->last_request_ms = now;
    /* One timer, never re-armed per request: a burst of ten thousand events in one read
     * must not fill the loop's timer table. The timer re-checks the quiet time when it
     * fires. */
    if (!s->coalesce_timer) arm(s, s->cfg.coalesce_ms);
}

/* ---- reading the report store ----------------------------------------------------- */

static int cmp_str(const void *a, const void *b) {
    return strcmp(a, b);
}

static int cmp_str_ptr(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A strset fed by a store callback; oom once an add failed. */
typedef struct {
    strset_t *set;
    bool oom;
} adder_t;

static void add_period(const char *period, void *arg) {
    adder_t *a = arg;
    if (strset_add(a->set, period) < 0) a->oom = true;
}

static void add_year(int year, void *arg) {
    adder_t *a = arg;
    char y[PERIOD_STRLEN];
    snprintf(y, sizeof y, "%04d", year);
    if (strset_add(a->set, y) < 0) a->oom = true;
}

/* Adds "period zone": what is on file. */
static void add_current(const char *zone, const char *period, void *arg) {
    adder_t *a = arg;
    char key[STRSET_LEN];
    snprintf(key, sizeof key, "%s %s", period, zone);
    if (strset_add(a->set, key) < 0) a->oom = true;
}

/* What changed since the watermark: the periods, and the "YYYY zone" keys. */
typedef struct {
    strset_t *periods, *zones, *pairs; /* pairs: "period zone" */
    bool oom, long_pair;               /* long_pair: one did not fit a strset */
} changes_t;

static void add_change(const char *zone, const char *period, void *arg) {
    changes_t *c = arg;
    char key[STRSET_LEN], pair[STRSET_LEN];
    snprintf(key, sizeof key, "%.4s %s", period, zone);
    /* a pair too long for a strset is not kept: the pass then loads its periods whole */
    if ((size_t)snprintf(pair, sizeof pair, "%s %s", period, zone) >= sizeof pair) c->long_pair = true;
    if (strset_add(c->periods, period) < 0 || strset_add(c->zones, key) < 0 || strset_add(c->pairs, pair) < 0)
        c->oom = true;
}

/* The outcome of a store iteration that fed a strset — n rows or -1 (logged by the
 * store), oom when an add failed: 0, or -1 (logged). */
static int fed(int n, bool oom) {
    if (n >= 0 && oom) log_error(_("report store: out of memory"));
    return n < 0 || oom ? -1 : 0;
}

/* ---- rankings ----------------------------------------------------------------------- */

typedef struct {
    const char *zone;
    int rank;
    size_t row; /* the zone's row in the period's matrix (recompute_period) */
} zone_rank_t;

static int cmp_zone_rank(const void *a, const void *b) {
    return strcmp(((const zone_rank_t *)a)->zone, ((const zone_rank_t *)b)->zone);
}

/* A ranking's order: by rank, ties by zone. */
static int cmp_rank_zone(const void *pa, const void *pb) {
    const zone_rank_t *a = pa, *b = pb;
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    return strcmp(a->zone, b->zone);
}

/* The same rows, figures and method: what a version is (state and version aside). */
static bool same_rows(const ranking_t *a, const ranking_t *b) {
    if (a->n_rows != b->n_rows || a->n_dims != b->n_dims || strcmp(a->method, b->method) != 0) return false;
    for (size_t d = 0; d < a->n_dims; d++)
        if (strcmp(a->dims[d], b->dims[d]) != 0) return false;
    for (size_t i = 0; i < a->n_rows; i++) {
        const ranking_row_t *x = &a->rows[i], *y = &b->rows[i];
        if (strcmp(x->zone, y->zone) || strcmp(x->county, y->county) || x->rank != y->rank ||
            x->prev_rank != y->prev_rank || x->star != y->star || x->star_year != y->star_year ||
            x->promoted != y->promoted || fabs(x->total - y->total) > 1e-9 || strcmp(x->missing, y->missing))
            return false;
        for (size_t d = 0; d < a->n_dims; d++)
            if (fabs(x->dims[d] - y->dims[d]) > 1e-9) return false;
    }
    return true;
}

/* The same ranking, state and version included: nothing to store or publish. */
static bool same_ranking(const ranking_t *a, const ranking_t *b) {
    return a->state == b->state && a->version == b->version && same_rows(a, b);
}

/* A ranking's version (核准 / 发布): 1 until the period was first published; once
 * published, the published version while the rows are the same as it, and the next one
 * (更正版) as soon as a correction after an unlock changes them. 0, or -1 (logged). */
static int version_of(scorer_t *s, ranking_t *r) {
    uint32_t published = 0;
    ranking_t pub;
    int found;
    if (sstore_published_version(s->scores, r->period, &published) < 0) return -1;
    if (!published) {
        r->version = 1;
        return 0;
    }
    if ((found = sstore_load_published(s->scores, r->period, published, &pub)) < 0) return -1;
    r->version = found && same_rows(&pub, r) ? published : published + 1;
    ranking_clear(&pub);
    return 0;
}

/* The previous period's ranks, sorted by zone for lookups (rows borrowed from prev, or
 * from the ranking this pass or the last one left stored of it, kept beside its
 * matrix: pass_t's rule, after COMMIT or pending in this pass's transaction). */
static zone_rank_t *previous_ranks(scorer_t *s, period_t p, ranking_t *prev, size_t *n) {
    period_t pp = period_prev(p, s->master->policy.merge_jan_feb);
    char pstr[PERIOD_STRLEN];
    const ranking_t *from = prev;
    struct scorer_values *k;
    zone_rank_t *ranks;
    *n = 0;
    memset(prev, 0, sizeof *prev);
    if (pp.year == 0) return NULL;
    period_format(pp, pstr);
    if ((k = kept_period(s, pstr)) != NULL && k->pending_kind)
        from = &k->pending; /* kind 2: none left, no rows */
    else if (k && k->stored_known)
        from = &k->stored;
    else if (sstore_load_ranking(s->scores, pstr, prev) <= 0)
        return NULL;
    if (from->n_rows == 0) return NULL;
    ranks = malloc(from->n_rows * sizeof *ranks);
    if (!ranks) return NULL;
    for (size_t i = 0; i < from->n_rows; i++)
        ranks[i] = (zone_rank_t){from->rows[i].zone, from->rows[i].rank, i};
    qsort(ranks, from->n_rows, sizeof *ranks, cmp_zone_rank);
    *n = from->n_rows;
    return ranks;
}

/* Judges stars on a December's data: one judgement per zone that reported it. */
static int judge_stars(scorer_t *s, period_t p, const values_t *v, int64_t now_ms) {
    if (p.month != 12 || s->rules->n_stars == 0) return 0;
    scorer_forget_stars(s); /* they change now */
    for (size_t z = 0; z < v->n_zones; z++) {
        int star;
        if (!v->zones[z].reported) continue;
        star = score_star(s->rules, v->amount + z * v->n_indicators);
        if (sstore_put_star(s->scores, p.year, v->zones[z].code, v->zones[z].county, star, now_ms) < 0)
            return -1;
    }
    return 0;
}

/* Recomputes one period: stars (December), then the ranking under its year's scheme.
 * A changed ranking is stored and appended to ps for publishing. 0 or -1. */
static int recompute_period(scorer_t *s, const char *period, int64_t now_ms, pass_t *ps) {
    period_t p;
    const scheme_t *scheme;
    values_t loaded, *vp = &loaded; /* the period's matrix: kept from the last pass, or loaded */
    zone_score_t *sc = NULL;
    zone_rank_t *prev_ranks = NULL, *order = NULL; /* order: the reported zones, in ranking order */
    size_t n_prev = 0, n_order = 0;
    ranking_t prev, r, old;
    const ranking_t *oldp = &old; /* the ranking stored now: kept, or read into old */
    const ranking_t *left = NULL; /* what this period leaves stored, when rc is 0 */
    bool none_left = false;       /* … or that it leaves none */
    struct scorer_values *k;
    int rc = -1;

    memset(&r, 0, sizeof r);
    memset(&old, 0, sizeof old);
    memset(&prev, 0, sizeof prev);
    memset(&loaded, 0, sizeof loaded);
    if (period_parse(period, &p) < 0) return 0; /* not ours to judge: validation keeps these out */
    if (!(vp = kept_values(s, ps, p, period))) {
        vp = &loaded;
        if (values_load(&loaded, s->store, s->master, period) < 0) goto done;
    }
    if (judge_stars(s, p, vp, now_ms) < 0) goto done;

    scheme = rules_scheme(s->rules, p.year);
    if (!scheme) {
        /* A year without a scheme is not ranked; one whose scheme went is unranked. */
        int had = sstore_load_ranking(s->scores, period, &old);
        if (had < 0 || (had > 0 && sstore_delete_ranking(s->scores, period) < 0)) goto done;
        if (had > 0) log_info(_("%s: no scheme-%d.csv any more: ranking withdrawn"), period, p.year);
        none_left = true;
        rc = 0;
        goto done;
    }
    if (!(sc = calloc(vp->n_zones ? vp->n_zones : 1, sizeof *sc))) goto done;
    if (score_period(scheme, s->master, vp, &s->params, sc) < 0) {
        log_error(_("%s: the scheme of %d does not fit the indicator catalogue"), period, p.year);
        goto done;
    }
    prev_ranks = previous_ranks(s, p, &prev, &n_prev);

    period_format(p, r.period);
    snprintf(r.method, sizeof r.method, "%s", score_method_name(s->params.method));
    r.computed_at_ms = now_ms;
    r.n_dims = scheme->n_dims;
    for (size_t d = 0; d < scheme->n_dims; d++)
        snprintf(r.dims[d], sizeof r.dims[d], "%s", scheme->dims[d]);
    /* the rows are made in the ranking's order (rank, then zone): sorting the made
     * rows moved ~500 bytes a step, a tenth of a 10 000-zone period's recompute */
    if (!(order = malloc((vp->n_zones ? vp->n_zones : 1) * sizeof *order))) goto done;
    for (size_t z = 0; z < vp->n_zones; z++)
        if (vp->zones[z].reported) order[n_order++] = (zone_rank_t){vp->zones[z].code, sc[z].rank, z};
    if (n_order > 1) qsort(order, n_order, sizeof *order, cmp_rank_zone);
    for (size_t o = 0; o < n_order; o++) {
        size_t z = order[o].row;
        ranking_row_t row;
        zone_rank_t key = {vp->zones[z].code, 0, 0}, *pr;
        memset(&row, 0, sizeof row);
        text_copy(row.zone, sizeof row.zone, vp->zones[z].code);
        text_copy(row.county, sizeof row.county, vp->zones[z].county);
        row.rank = sc[z].rank;
        pr = n_prev ? bsearch(&key, prev_ranks, n_prev, sizeof *prev_ranks, cmp_zone_rank) : NULL;
        row.prev_rank = pr ? pr->rank : 0;
        row.total = sc[z].total;
        memcpy(row.dims, sc[z].dims, sizeof row.dims);
        row.star = RANKING_STAR_NONE;
        if (scorer_star_shown(s, row.zone, p.year, p.month, &row.star, &row.star_year, &row.promoted) < 0)
            goto done;
        text_copy(row.missing, sizeof row.missing, sc[z].missing);
        if (!ranking_add_row(&r, &row)) goto done;
    }

    k = kept_period(s, period);
    if (k && k->stored_known) oldp = &k->stored;
    else if (sstore_load_ranking(s->scores, period, &old) < 0) goto done;
    {
        period_state_t city;
        int known = rstore_period_state(s->store, period, "", &city);
        if (known < 0) goto done;
        r.state = known ? city.state : PSTATE_OPEN;
    }
    left = oldp;
    if (oldp->state == PSTATE_PUBLISHED && r.state == PSTATE_PUBLISHED) { /* frozen as published */
        rc = 0;
        goto done;
    }
    if (version_of(s, &r) < 0) goto done;
    if (!same_ranking(oldp, &r)) {
        char(*grown)[PERIOD_STRLEN] = realloc(ps->rankings, (ps->n_rankings + 1) * sizeof *grown);
        if (!grown) goto done;
        ps->rankings = grown;
        if (sstore_update_ranking(s->scores, oldp, &r, NULL) < 0 ||
            (r.state == PSTATE_PUBLISHED && sstore_archive_published(s->scores, period, now_ms) < 0))
            goto done;
        if (r.state == PSTATE_PUBLISHED || r.version > 1)
            log_info(_("%s: ranking version %u, %s"), period, r.version, approval_state_name(r.state));
        memcpy(ps->rankings[ps->n_rankings++], r.period, PERIOD_STRLEN);
        left = &r;
    }
    rc = 0;
done:
    if (rc < 0) log_error(_("%s: recompute failed"), period);
    else if (loaded.period[0]) keep_values(s, p.year, &loaded);
    if (rc < 0 && vp != &loaded) forget_year(s, p.year); /* whatever it holds now, load it afresh */
    /* what is left stored, kept beside the matrix for the next pass (after COMMIT); not
     * by a full pass, whose peak memory (a city's year) must not grow by a ranking:
     * the first incremental pass after it reads the ranking once and keeps it */
    if (rc == 0 && (k = kept_period(s, period)) != NULL && !ps->pairs) {
        ranking_clear(&k->stored);
        k->stored_known = false;
    } else if (rc == 0 && k && (none_left || (left && left != &k->stored))) {
        ranking_clear(&k->pending);
        k->pending_kind = none_left ? 2 : 1;
        if (left) {
            k->pending = *left;
            memset((ranking_t *)left, 0, sizeof *left); /* moved: r or old, cleared below */
        }
    }
    ranking_clear(&r);
    ranking_clear(&old);
    ranking_clear(&prev);
    free(prev_ranks);
    free(order);
    free(sc);
    values_free(&loaded);
    return rc;
}

/* ---- targets and deadlines ------------------------------------------------------- */

/* The zones of a year and the latest period each reported, from rstore_each_latest. */
typedef struct {
    char zone[64], period[PERIOD_STRLEN], county[24];
} latest_t;

typedef struct {
    latest_t *list;
    size_t n, cap;
    bool oom;
} latests_t;

static void on_latest(const char *zone, const char *period, const char *county, void *arg) {
    latests_t *ls = arg;
    latest_t *l;
    if (!zone || !period || !county || ls->oom) return;
    if (ls->n == ls->cap) {
        size_t cap = ls->cap ? 2 * ls->cap : 64;
        latest_t *p = realloc(ls->list, cap * sizeof *p);
        if (!p) {
            ls->oom = true;
            return;
        }
        ls->list = p;
        ls->cap = cap;
    }
    l = &ls->list[ls->n++];
    text_copy(l->zone, sizeof l->zone, zone);
    text_copy(l->period, sizeof l->period, period);
    text_copy(l->county, sizeof l->county, county);
}

/* Drops the overdue alerts of out: the target checks' firing alerts are the rest. */
static void drop_overdue(alert_list_t *out) {
    size_t j = 0;
    for (size_t i = 0; i < out->n; i++)
        if (out->items[i].kind != ALERT_OVERDUE) {
            if (j != i) out->items[j] = out->items[i];
            j++;
        }
    out->n = j;
}

/* Appends to out (empty) the firing target alerts (kind != overdue) of year of the
 * zones in zones[0..n_zones), in key order as targets_transitions wants them. */
static int firing_targets(scorer_t *s, int year, const latest_t *zones, size_t n_zones, alert_list_t *out) {
    for (size_t i = 0; i < n_zones; i++)
        if (sstore_alerts_firing_of(s->scores, zones[i].zone, -1, year, out) < 0) return -1;
    drop_overdue(out);
    if (n_zones > 1) alert_list_sort(out);
    return 0;
}

/* Is zone's year among the changed ones ("YYYY zone" keys)? NULL: every zone is. An
 * incremental pass judges the targets of the zones whose reports changed only: a
 * zone's target alerts depend on its own figures. */
static bool in_filter(const strset_t *changed, int year, const char *zone) {
    char key[STRSET_LEN];
    if (!changed) return true;
    snprintf(key, sizeof key, "%04d %s", year, zone);
    return strset_has(changed, key);
}

/* Drops from cur[from..] the checks that passed and did not fire before: they can
 * cause no transition, and a province has hundreds of thousands of them. What fires, and
 * what passes now but fired before (it resolves), stay. */
static void keep_news(scorer_t *s, alert_list_t *cur, size_t from, char (*prev_keys)[ALERT_KEY_LEN],
                      size_t n_prev) {
    size_t j = from;
    for (size_t i = from; i < cur->n; i++) {
        char key[ALERT_KEY_LEN];
        bool keep = cur->items[i].severity != SEV_NONE;
        if (!keep && n_prev) {
            alert_key(&cur->items[i], key);
            keep = bsearch(key, prev_keys, n_prev, sizeof *prev_keys, cmp_str) != NULL;
            /* it resolves: its message, which targets_evaluate_quiet left out */
            if (keep) targets_message(s->rules, s->master, &cur->items[i]);
        }
        if (keep) cur->items[j++] = cur->items[i];
    }
    cur->n = j;
}

/* One zone's report row (rstore_each_report_of): the county that sent it. */
static void on_county(const char *zone, uint32_t revision, const char *county, int64_t stored_at_ms, void *arg) {
    latest_t *l = arg;
    (void)zone;
    (void)revision;
    (void)stored_at_ms;
    if (county) snprintf(l->county, sizeof l->county, "%s", county);
}

/* rstore_each_latest for the zones of year among the changed ones ("YYYY zone" keys),
 * in zone order: each zone's latest period of the year and its county, found by asking
 * for its report of December, November, … (the report store's key is period, zone); a
 * zone with no report in the year any more gets period "" (its alerts resolve). An
 * event for one zone reads a dozen rows instead of every zone's. 0, or -1. */
static int latest_of_changed(scorer_t *s, int year, const strset_t *only, latests_t *out) {
    char prefix[8];
    size_t len = (size_t)snprintf(prefix, sizeof prefix, "%04d ", year);
    for (size_t i = 0; i < only->n; i++) {
        const char *zone = only->items[i] + len;
        latest_t l;
        if (strncmp(only->items[i], prefix, len) != 0) continue;
        memset(&l, 0, sizeof l);
        for (int month = 12; month >= 1 && !l.period[0]; month--) {
            char period[PERIOD_STRLEN];
            int n;
            period_format((period_t){year, month}, period);
            if ((n = rstore_each_report_of(s->store, period, zone, on_county, &l)) < 0) return -1;
            if (n > 0) memcpy(l.period, period, sizeof l.period);
        }
        on_latest(zone, l.period, l.county, out);
        if (out->oom) return -1;
    }
    return 0;
}

/* Judges the latest reports of year of zones->list[lo..hi) (in only, when not NULL)
 * against ty (NULL: no targets), beside prev, the firing target alerts of the same
 * zones in key order, and records the transitions. one: a one-zone matrix to fill. */
static int judge_zones(scorer_t *s, const target_year_t *ty, int year, const latests_t *zones, size_t lo,
                       size_t hi, const strset_t *only, const alert_list_t *prev, values_t *one, int64_t now_ms,
                       pass_t *ps) {
    alert_list_t cur = {0}, tr = {0};
    char(*prev_keys)[ALERT_KEY_LEN] = NULL; /* prev's keys, in prev's (key) order */
    const char **prev_zones = NULL;         /* prev's zones, in strcmp order */
    int rc = -1;
    if (prev->n && (!(prev_keys = malloc(prev->n * sizeof *prev_keys)) ||
                    !(prev_zones = malloc(prev->n * sizeof *prev_zones))))
        goto done;
    for (size_t i = 0; i < prev->n; i++) {
        alert_key(&prev->items[i], prev_keys[i]);
        prev_zones[i] = prev->items[i].zone;
    }
    if (prev->n > 1) qsort(prev_zones, prev->n, sizeof *prev_zones, cmp_str_ptr);
    for (size_t k = lo; ty && k < hi; k++) {
        const latest_t *l = &zones->list[k];
        const char *zone = l->zone;
        report_t rep;
        period_t p;
        const values_t *kept;
        const double *amount = one->amount, *growth = one->growth;
        size_t row = SIZE_MAX, before;
        if (!l->period[0] || period_parse(l->period, &p) < 0 || !in_filter(only, year, l->zone)) continue;
        if ((kept = pass_values(s, year, l->period)) != NULL) row = values_row(kept, s->master, l->zone);
        if (row != SIZE_MAX) {
            amount = kept->amount + row * kept->n_indicators;
            growth = kept->growth + row * kept->n_indicators;
        } else {
            if (rstore_load_report(s->store, l->zone, l->period, &rep) < 0) goto done;
            values_set_report(one, 0, s->master, &rep);
            report_clear(&rep);
        }
        before = cur.n;
        targets_evaluate_quiet(s->rules, s->master, &s->thresholds, ty, l->zone, l->county, p, amount, growth,
                               &cur);
        /* a zone with nothing firing before: its checks that pass resolve nothing, and
         * need no key (half the zones of a city, 150 000 keys at 10 000 zones) */
        if (prev->n && bsearch(&zone, prev_zones, prev->n, sizeof *prev_zones, cmp_str_ptr))
            keep_news(s, &cur, before, prev_keys, prev->n);
        else
            keep_news(s, &cur, before, NULL, 0);
    }
    targets_transitions(s->master, prev, &cur, now_ms, &tr);
    rc = record_transitions(s, &tr, ps);
done:
    alert_list_clear(&cur);
    alert_list_clear(&tr);
    free(prev_keys);
    free(prev_zones);
    return rc;
}

/* Judges the latest report of year of every zone in only (NULL: every zone) against
 * the year's targets. A full pass goes zones_at_once zones at a time, in zone order, so
 * what they fired before, fire now and their transitions are held for one range of
 * zones, not for a city's year. The firing alerts of a range are those of the zones
 * after the last one before it up to its own last (the first range from the start, the
 * last to the end): a zone that no longer reports has its alerts resolved in the range
 * it falls in. */
static int evaluate_year(scorer_t *s, int year, const strset_t *only, int64_t now_ms, pass_t *ps) {
    const target_year_t *ty = rules_targets(s->rules, year);
    alert_list_t prev = {0};
    latests_t zones = {NULL, 0, 0, false};
    values_t one; /* the figures of the zone being judged */
    int rc = -1;

    memset(&one, 0, sizeof one);
    if (values_init(&one, 1, s->master->n_indicators) < 0) goto done;
    if (only) {
        /* the other zones' alerts are not judged, so they cannot change */
        if (latest_of_changed(s, year, only, &zones) < 0 ||
            firing_targets(s, year, zones.list, zones.n, &prev) < 0 ||
            judge_zones(s, ty, year, &zones, 0, zones.n, only, &prev, &one, now_ms, ps) < 0)
            goto done;
    } else {
        /* no targets: no zone to judge, one range of every firing alert, which resolves */
        size_t lo = 0;
        if (ty && (rstore_each_latest(s->store, year, on_latest, &zones) < 0 || zones.oom)) goto done;
        do {
            size_t at_once = s->cfg.zones_at_once > 0 ? (size_t)s->cfg.zones_at_once : 1;
            size_t hi = zones.n - lo > at_once ? lo + at_once : zones.n;
            const char *after = lo ? zones.list[lo - 1].zone : NULL;
            const char *upto = hi < zones.n ? zones.list[hi - 1].zone : NULL;
            alert_list_clear(&prev);
            if (sstore_alerts_firing_between(s->scores, after, upto, -1, year, &prev) < 0) goto done;
            drop_overdue(&prev);
            if (judge_zones(s, ty, year, &zones, lo, hi, NULL, &prev, &one, now_ms, ps) < 0) goto done;
            lo = hi;
        } while (lo < zones.n);
    }
    rc = 0;
done:
    if (rc < 0) log_error(_("targets of %d: cannot be judged in this pass"), year);
    alert_list_clear(&prev);
    free(zones.list);
    values_free(&one);
    return rc;
}

static bool is_reported(const char *zone, const char *period, void *arg) {
    char key[STRSET_LEN];
    snprintf(key, sizeof key, "%s %s", period, zone);
    return strset_has(arg, key);
}

/* The first period every zone must report: reporting_since, or the first one due
 * after the scorer's first start on this score store. A fresh install owes nothing that
 * fell due before it existed; the start recorded in the store keeps that period fixed
 * across restarts, whatever the clock says later. */
static period_t reporting_since(const scorer_t *s) {
    period_t p;
    if (s->cfg.reporting_since[0] && period_parse(s->cfg.reporting_since, &p) == 0) return p;
    return targets_first_due(s->first_start_ms, s->master->policy.deadline_day,
                             s->master->policy.merge_jan_feb);
}

/* What a store upgraded from before the first start was recorded owed: before migration
 * 2, reports were owed from the first period of the current year. The instant that
 * implies is 31 January 24:00 of the upgrade's year: after December's deadline and
 * before January's whatever deadline_day (1..28), so the first period due after it is
 * the year's first, now and if deadline_day changes later. */
static int64_t upgrade_first_start(int64_t now_ms) {
    period_t dec = {period_of_time(now_ms).year - 1, 12};
    return period_deadline_ms(dec, 31);
}

int scorer_first_start(scorer_t *s, int64_t now_ms) {
    char v[32], start[32], when[20], since[PERIOD_STRLEN];
    int found, upgraded = 0;
    if ((found = sstore_get_meta(s->scores, "first_start_ms", v, sizeof v)) < 0) goto fail;
    if (!found) {
        /* a store with history but no first start predates the meta table: taking the
         * upgrade for a first start would forgive every report owed before it */
        if ((upgraded = sstore_has_history(s->scores)) < 0) goto fail;
        snprintf(start, sizeof start, "%lld", (long long)(upgraded ? upgrade_first_start(now_ms) : now_ms));
        if (sstore_add_meta(s->scores, "first_start_ms", start) < 0 ||
            (found = sstore_get_meta(s->scores, "first_start_ms", v, sizeof v)) < 0)
            goto fail;
    }
    s->first_start_ms = found ? strtoll(v, NULL, 10) : now_ms;
    clock_format(s->first_start_ms, when);
    period_format(
        targets_first_due(s->first_start_ms, s->master->policy.deadline_day, s->master->policy.merge_jan_feb),
        since);
    if (upgraded)
        log_warn(_("score store %s has history but no recorded first start (it predates this version): "
                 "recorded %s as its first start, so by default reports stay owed from %s on, as before "
                 "the upgrade%s"),
                 s->cfg.scores, when, since,
                 s->cfg.reporting_since[0] ? _(" (reporting_since is set and takes precedence)")
                                           : _("; set reporting_since = YYYY-MM in scorer.ini to owe from "
                                               "another period"));
    if (s->cfg.reporting_since[0]) return 0;
    log_info(_("reporting_since is not set: reports are owed from %s on, the first period due after the "
             "scorer's first start on this score store (%s)"),
             since, when);
    return 0;
fail:
    log_error(_("score store: cannot record or read the first start"));
    return -1;
}

/* The overdue alerts of the zones of pairs ("period zone") changed since the last
 * pass, when no deadline has passed since every zone's were judged: a report is never
 * withdrawn, so a changed pair can only resolve its zone's overdue alert of that period
 * (as arrived, the words targets_transitions gives it), and nothing new falls due
 * before the next deadline. An event at 10 000 zones read every zone's reports since
 * reporting_since for this. */
static int evaluate_overdue_of(scorer_t *s, const strset_t *pairs, int64_t now_ms, pass_t *ps) {
    strset_t zones = {0};
    alert_list_t prev = {0}, cur = {0}, tr = {0};
    int rc = -1;
    for (size_t i = 0; i < pairs->n; i++) { /* a zone's pairs of several periods: once each */
        const char *zone = strchr(pairs->items[i], ' ');
        if (zone && strset_add(&zones, zone + 1) < 0) goto done;
    }
    strset_seal(&zones);
    for (size_t i = 0; i < zones.n; i++)
        if (sstore_alerts_firing_of(s->scores, zones.items[i], ALERT_OVERDUE, 0, &prev) < 0) goto done;
    for (size_t i = 0; i < prev.n; i++) {
        char key[STRSET_LEN];
        snprintf(key, sizeof key, "%s %s", prev.items[i].period, prev.items[i].zone);
        if (!strset_has(pairs, key) && !alert_list_add(&cur, &prev.items[i])) goto done; /* still owed */
    }
    alert_list_sort(&prev); /* by key, as targets_transitions wants it */
    targets_transitions(s->master, &prev, &cur, now_ms, &tr);
    rc = record_transitions(s, &tr, ps);
done:
    if (rc < 0) log_error(_("deadlines: cannot be judged in this pass"));
    strset_free(&zones);
    alert_list_clear(&prev);
    alert_list_clear(&cur);
    alert_list_clear(&tr);
    return rc;
}

/* The next deadline after now_ms that gives a zone a report to owe. */
static int64_t next_deadline(const scorer_t *s, period_t since, int64_t now_ms) {
    period_t p = targets_first_due(now_ms, s->master->policy.deadline_day, s->master->policy.merge_jan_feb);
    if (period_cmp(p, since) < 0) p = since;
    return period_deadline_ms(p, s->master->policy.deadline_day);
}

/* Overdue reports: every zone × period due by now without a report on file. */
static int evaluate_overdue(scorer_t *s, int64_t now_ms, pass_t *ps) {
    strset_t reported = {0}; /* "period zone" */
    adder_t add = {&reported, false};
    alert_list_t cur = {0}, prev = {0}, tr = {0};
    period_t since = reporting_since(s);
    char since_str[PERIOD_STRLEN];
    int rc = -1;

    period_format(since, since_str);
    if (fed(rstore_each_current(s->store, since_str, add_current, &add), add.oom) < 0) goto done;
    strset_seal(&reported);
    targets_overdue(s->master, since, s->master->policy.deadline_day, s->master->policy.merge_jan_feb, now_ms,
                    is_reported, &reported, &cur);
    if (sstore_alerts_firing(s->scores, ALERT_OVERDUE, 0, &prev) < 0) goto done;
    targets_overdue_held(s->master, since, s->master->policy.deadline_day, s->master->policy.merge_jan_feb,
                         now_ms, &prev, is_reported, &reported, &cur);
    targets_transitions(s->master, &prev, &cur, now_ms, &tr);
    if (record_transitions(s, &tr, ps) < 0) goto done;
    ps->overdue_next_ms = next_deadline(s, since, now_ms);
    rc = 0;
done:
    if (rc < 0) log_error(_("deadlines: cannot be judged in this pass"));
    alert_list_clear(&tr);
    strset_free(&reported);
    alert_list_clear(&cur);
    alert_list_clear(&prev);
    return rc;
}

/* ---- a pass ------------------------------------------------------------------------ */

/* The periods a pass must recompute, oldest first: every period (full), or the
 * changed ones and every later period of their years (their rank changes are measured
 * against the earlier ones). */
static int periods_to_do(scorer_t *s, bool full, const strset_t *changed, strset_t *todo) {
    adder_t add = {todo, false};
    int rc = 0;
    if (full) {
        rc = fed(rstore_each_period(s->store, add_period, &add), add.oom);
    } else {
        for (size_t i = 0; i < changed->n && rc == 0; i++) {
            char end[PERIOD_STRLEN + 2];
            /* a December judges stars, which the next year's rankings show */
            snprintf(end, sizeof end, "%04d-12",
                     atoi(changed->items[i]) + !strcmp(changed->items[i] + 4, "-12"));
            rc = fed(rstore_each_period_between(s->store, changed->items[i], end, add_period, &add), add.oom);
        }
    }
    strset_seal(todo);
    return rc;
}

/* A pass logs this many of its transitions one by one, then how many more: a first
 * pass over a province's year raises tens of thousands, which the score store keeps
 * (alert_events: a zone's page in yuebao-web shows them) and a log need not repeat. */
#define TRANSITIONS_LOGGED 50

typedef struct {
    scorer_t *s;
    size_t n;
} publishing_t;

static void publish_transition(const alert_t *a, void *arg) {
    publishing_t *p = arg;
    if (p->n++ < TRANSITIONS_LOGGED) {
        char key[ALERT_KEY_LEN];
        alert_key(a, key);
        log_info(_("alert %s %s (%s → %s): %s"), key, transition_name(a->transition), severity_name(a->previous),
                 severity_name(a->severity), a->message);
    }
    scorer_publish_alert(p->s, a);
}

/* What was committed could not all be published: a sequence number is skipped, so
 * every subscriber sees a gap and takes a snapshot (the Clone pattern's repair), which
 * serves the committed state; a follower then prints what it missed. */
static void unpublished(scorer_t *s) {
    s->sequence++;
}

static void publish_pass(scorer_t *s, pass_t *ps) {
    publishing_t pub = {s, 0};
    for (size_t i = 0; i < ps->n_rankings && s->pub; i++) {
        ranking_t r;
        struct scorer_values *k = kept_period(s, ps->rankings[i]);
        /* as committed: the scorer is the score store's only writer */
        if (k && k->stored_known && strcmp(k->stored.period, ps->rankings[i]) == 0) {
            scorer_publish_ranking(s, &k->stored);
            continue;
        }
        if (sstore_load_ranking(s->scores, ps->rankings[i], &r) == 1) {
            scorer_publish_ranking(s, &r);
        } else {
            log_error(_("%s: the ranking just committed cannot be read back to publish it; subscribers are "
                        "told to take a snapshot"),
                      ps->rankings[i]);
            unpublished(s);
        }
        ranking_clear(&r);
    }
    /* as committed: every transition recorded after the mark is this pass's */
    if (ps->n_transitions && sstore_each_event_since(s->scores, ps->event_mark, publish_transition, &pub) < 0) {
        log_error(_("the alert transitions just committed cannot be read back to publish them; subscribers "
                    "are told to take a snapshot"));
        unpublished(s);
    }
    if (pub.n > TRANSITIONS_LOGGED)
        log_info(_("… and %zu more alert transitions in this pass, each published and kept in the score store"),
                 pub.n - TRANSITIONS_LOGGED);
    s->n_rankings += ps->n_rankings;
    s->n_transitions += ps->n_transitions;
}

/* One pass: reads the report store in one read transaction, writes the score store in
 * one write transaction, then publishes. deadlines_only re-checks overdue reports. */
static int run_pass(scorer_t *s, bool full, bool deadlines_only) {
    int64_t t0 = clock_mono_ms(), now_ms = clock_now_ms(), top;
    strset_t todo = {0}, years = {0}, changed = {0}; /* changed: "YYYY zone" */
    strset_t changed_periods = {0}, pairs = {0}; /* pairs: "period zone" */
    changes_t changes = {&changed_periods, &changed, &pairs, false, false};
    pass_t ps = {0};
    int rc = -1;

    if (rstore_read_begin(s->store) < 0) return -1;
    if (rstore_history_top(s->store, &top) < 0) goto read_done;
    if (!deadlines_only && !full &&
        fed(rstore_each_changed(s->store, s->watermark, add_change, &changes), changes.oom) < 0)
        goto read_done;
    strset_seal(&changed_periods);
    strset_seal(&changed);
    strset_seal(&pairs);
    if (full) { /* a full pass reads every period afresh */
        scorer_forget_values(s);
        scorer_forget_stars(s);
    }
    ps.pairs = full || changes.long_pair ? NULL : &pairs;
    if (!deadlines_only && periods_to_do(s, full, &changed_periods, &todo) < 0) goto read_done;
    for (size_t i = 0; i < todo.n; i++) {
        char y[PERIOD_STRLEN];
        snprintf(y, sizeof y, "%.4s", todo.items[i]);
        if (strset_add(&years, y) < 0) goto read_done;
    }
    if (full && !deadlines_only) {
        /* years whose alerts still fire though their reports are gone from view */
        adder_t add = {&years, false};
        if (fed(sstore_each_target_year(s->scores, add_year, &add), add.oom) < 0) goto read_done;
    }
    strset_seal(&years);
    if (sstore_begin(s->scores) < 0) goto read_done;
    if (sstore_event_top(s->scores, &ps.event_mark) < 0) goto write_fail;
    for (size_t i = 0; i < todo.n; i++)
        if (recompute_period(s, todo.items[i], now_ms, &ps) < 0) goto write_fail;
    for (size_t i = 0; i < years.n; i++)
        if (evaluate_year(s, atoi(years.items[i]), full ? NULL : &changed, now_ms, &ps) < 0) goto write_fail;
    if (!full && !deadlines_only && ps.pairs && s->overdue_next_ms && now_ms < s->overdue_next_ms) {
        if (evaluate_overdue_of(s, ps.pairs, now_ms, &ps) < 0) goto write_fail;
    } else if (evaluate_overdue(s, now_ms, &ps) < 0) {
        goto write_fail;
    }
    if (sstore_commit(s->scores) < 0) goto write_fail;
    kept_settle(s, true);
    if (ps.overdue_next_ms) s->overdue_next_ms = ps.overdue_next_ms;
    rc = 0;
    goto read_done;
write_fail:
    sstore_rollback(s->scores);
    kept_settle(s, false);
    s->overdue_next_ms = 0; /* the next pass judges every zone's deadlines */
read_done:
    rstore_read_end(s->store);
    if (rc == 0) {
        if (!deadlines_only) s->watermark = top;
        publish_pass(s, &ps);
        if (!deadlines_only) {
            s->n_passes++;
            log_info(
                _("pass %llu%s: %zu periods recomputed, %zu rankings changed, %zu alert transitions, %lld ms"),
                (unsigned long long)s->n_passes, full ? _(" (full)") : "", todo.n, ps.n_rankings,
                ps.n_transitions, (long long)(clock_mono_ms() - t0));
        } else if (ps.n_transitions) {
            log_info(_("deadlines: %zu alert transitions"), ps.n_transitions);
        }
    }
    pass_free(&ps);
    strset_free(&todo);
    strset_free(&years);
    strset_free(&changed);
    strset_free(&changed_periods);
    strset_free(&pairs);
    return rc;
}

int scorer_recompute(scorer_t *s) {
    bool full = s->full_pending;
    if (run_pass(s, full, false) < 0) return -1;
    if (full) s->full_pending = false;
    s->scan_pending = false;
    s->first_pending_ms = 0;
    return 0;
}

void scorer_check_deadlines(loop_t *loop, void *arg) {
    (void)loop;
    run_pass(arg, false, true);
}
