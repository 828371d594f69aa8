/* notify_engine.c - from the firing alerts to decided notices: routing, muting,
 * grouping, group timings and reminders, recorded in the notification store.
 *
 * The engine holds the scorer's firing alerts as the subscriber last knew them (a
 * snapshot replaces them, a transition updates one) and, per group (route, receiver,
 * group key), the state last decided for it, loaded from the store at start. Each tick
 * recomputes every group from scratch: which unmuted alerts fall in it now, which of
 * those it last listed are no longer firing (resolved: reported once, in this message),
 * the hash of that state, and notify_group_due() says whether to speak. Recomputing is
 * cheap (a few thousand alerts × a few routes) and has no incremental state to get wrong
 * after a resync: a restart, a resync or a reconnect yields the same groups, the same
 * hashes, and so nothing the store says was already decided.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "log.h"
#include "notifier.h"

static void group_free(ngroup_t *g) {
    free(g->sent);
    free(g->now);
    g->sent = g->now = NULL;
}

void engine_free(engine_t *e) {
    for (size_t i = 0; i < e->n_groups; i++)
        group_free(&e->groups[i]);
    free(e->groups);
    free(e->silences);
    free(e->keys);
    free(e->key_order);
    alert_list_clear(&e->firing);
    memset(e, 0, sizeof *e);
}

static int route_index(const notify_config_t *cfg, const char *name) {
    for (size_t i = 0; i < cfg->routes.n; i++)
        if (!strcmp(cfg->routes.routes[i].name, name)) return (int)i;
    return -1;
}

static ngroup_t *find_group(engine_t *e, int route, const char *receiver, const char *key) {
    for (size_t i = 0; i < e->n_groups; i++) {
        ngroup_t *g = &e->groups[i];
        if (g->route == route && !strcmp(g->receiver, receiver) && !strcmp(g->key, key)) return g;
    }
    return NULL;
}

static ngroup_t *add_group(engine_t *e, int route, const char *receiver, const char *key) {
    ngroup_t *g;
    if (e->n_groups == e->cap_groups) {
        size_t cap = e->cap_groups ? 2 * e->cap_groups : 16;
        ngroup_t *ng = realloc(e->groups, cap * sizeof *ng);
        if (!ng) return NULL;
        e->groups = ng;
        e->cap_groups = cap;
    }
    g = &e->groups[e->n_groups++];
    memset(g, 0, sizeof *g);
    g->route = route;
    snprintf(g->receiver, sizeof g->receiver, "%s", receiver);
    snprintf(g->key, sizeof g->key, "%s", key);
    return g;
}

static void on_stored_group(nstore_group_t *sg, void *arg) {
    engine_t *e = arg;
    int r = route_index(e->cfg, sg->route);
    ngroup_t *g;
    if (r < 0 || !(g = add_group(e, r, sg->receiver, sg->key))) {
        free(sg->alerts); /* its route is gone from the config: nothing more to say there */
        return;
    }
    g->sent_hash = sg->sent_hash;
    g->last_ms = sg->last_ms;
    g->sent = sg->alerts;
    g->n_sent = sg->n_alerts;
    if (g->n_sent) {
        char labels[8][2][64];
        route_t eff = route_effective(&e->cfg->routes, (size_t)r);
        char key[256];
        route_group_key(eff.group_by, &g->sent[0].alert, key, labels, &g->n_labels);
        memcpy(g->labels, labels, sizeof labels);
    }
}

int engine_init(engine_t *e, const notify_config_t *cfg, const master_t *m, nstore_t *store,
                bool first_start) {
    memset(e, 0, sizeof *e);
    e->cfg = cfg;
    e->master = m;
    e->store = store;
    e->first_start = first_start;
    return nstore_each_group(store, on_stored_group, e) < 0 ? -1 : 0;
}

static alert_t *find_alert(alert_list_t *l, const alert_t *a) {
    char k1[ALERT_KEY_LEN], k2[ALERT_KEY_LEN];
    alert_key(a, k1);
    for (size_t i = 0; i < l->n; i++) {
        alert_key(&l->items[i], k2);
        if (!strcmp(k1, k2)) return &l->items[i];
    }
    return NULL;
}

void engine_apply(engine_t *e, const alert_t *a) {
    alert_t *cur = find_alert(&e->firing, a);
    if (a->transition == TR_RESOLVED || a->severity == SEV_NONE) {
        if (cur) *cur = e->firing.items[--e->firing.n];
    } else if (cur) {
        *cur = *a;
    } else if (!alert_list_add(&e->firing, a)) {
        log_error(_("out of memory"));
    }
}

void engine_replace(engine_t *e, alert_list_t *snapshot) {
    alert_list_clear(&e->firing);
    e->firing = *snapshot;
    memset(snapshot, 0, sizeof *snapshot);
    e->synced = true;
}

void engine_set_silences(engine_t *e, silence_t *s, size_t n) {
    free(e->silences);
    e->silences = s;
    e->n_silences = n;
}

bool engine_muted(const engine_t *e, const alert_t *a, int64_t now_ms) {
    for (size_t i = 0; i < e->n_silences; i++)
        if (silence_mutes(&e->silences[i], now_ms, a)) return true;
    return inhibit_mutes(e->cfg->inhibits, e->cfg->n_inhibits, e->firing.items, e->firing.n, a);
}

static void names(const engine_t *e, notice_alert_t *na) {
    const zone_t *z = e->master ? master_zone(e->master, na->alert.zone) : NULL;
    const county_t *c = e->master ? master_county(e->master, na->alert.county) : NULL;
    snprintf(na->zone_name, sizeof na->zone_name, "%s", z ? z->name : "");
    snprintf(na->county_name, sizeof na->county_name, "%s", c ? c->name : "");
}

void engine_names(const engine_t *e, notice_t *n) {
    for (size_t i = 0; i < n->n_alerts; i++)
        names(e, &n->alerts[i]);
}

static int push(notice_alert_t **v, size_t *n, size_t *cap, const notice_alert_t *a) {
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        notice_alert_t *nv = realloc(*v, c * sizeof *nv);
        if (!nv) return -1;
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = *a;
    return 0;
}

/* Places every unmuted firing alert in its groups' `now` lists. */
static int place(engine_t *e, int64_t now_ms) {
    for (size_t i = 0; i < e->n_groups; i++)
        e->groups[i].n_now = 0;
    for (size_t i = 0; i < e->firing.n; i++) {
        const alert_t *a = &e->firing.items[i];
        size_t routes[NOTIFY_MAX_ROUTES], n;
        notice_alert_t na;
        if (a->severity == SEV_NONE || engine_muted(e, a, now_ms)) continue;
        memset(&na, 0, sizeof na);
        na.alert = *a;
        na.status = NOTICE_FIRING;
        na.starts_at_ms = a->since_ms;
        notify_fingerprint(a, na.fingerprint);
        n = route_match(&e->cfg->routes, a, routes, NOTIFY_MAX_ROUTES);
        for (size_t r = 0; r < n; r++) {
            route_t eff = route_effective(&e->cfg->routes, routes[r]);
            char key[256], labels[8][2][64];
            size_t n_labels;
            ngroup_t *g;
            route_group_key(eff.group_by, a, key, labels, &n_labels);
            if (!(g = find_group(e, (int)routes[r], eff.receiver, key))) {
                if (!(g = add_group(e, (int)routes[r], eff.receiver, key))) return -1;
                g->first_start = e->first_start;
            }
            memcpy(g->labels, labels, sizeof labels);
            g->n_labels = n_labels;
            if (push(&g->now, &g->n_now, &g->cap_now, &na) < 0) return -1;
        }
    }
    return 0;
}

/* The firing alerts' keys, sorted, rebuilt each tick: is_firing is asked for every
 * alert every group last listed, so a linear search would make a tick quadratic. */
static int cmp_key(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int index_keys(engine_t *e) {
    free(e->keys);
    free(e->key_order);
    e->keys = NULL;
    e->key_order = NULL;
    e->n_keys = 0;
    if (!e->firing.n) return 0;
    if (!(e->keys = malloc(e->firing.n * sizeof *e->keys)) ||
        !(e->key_order = malloc(e->firing.n * sizeof *e->key_order)))
        return -1;
    for (size_t i = 0; i < e->firing.n; i++) {
        if (e->firing.items[i].severity == SEV_NONE) continue;
        alert_key(&e->firing.items[i], e->keys[e->n_keys]);
        e->key_order[e->n_keys] = e->keys[e->n_keys];
        e->n_keys++;
    }
    qsort(e->key_order, e->n_keys, sizeof *e->key_order, cmp_key);
    return 0;
}

static bool is_firing(engine_t *e, const notice_alert_t *na) {
    char key[ALERT_KEY_LEN];
    const char *k = key;
    alert_key(&na->alert, key);
    return e->n_keys && bsearch(&k, e->key_order, e->n_keys, sizeof *e->key_order, cmp_key) != NULL;
}

static bool in_now(const ngroup_t *g, const notice_alert_t *na) {
    for (size_t i = 0; i < g->n_now; i++)
        if (!strcmp(g->now[i].fingerprint, na->fingerprint)) return true;
    return false;
}

/* Alerts the group last listed that still fire but are now muted (silenced, inhibited)
 * leave its state quietly: nobody is told they went, and when they are unmuted they
 * are new again and told. 0 or -1. */
static int forget_muted(engine_t *e, ngroup_t *g) {
    size_t kept = 0;
    bool any = false;
    for (size_t k = 0; k < g->n_sent; k++)
        if (is_firing(e, &g->sent[k]) && !in_now(g, &g->sent[k])) any = true;
    if (!any) return 0;
    for (size_t k = 0; k < g->n_sent; k++)
        if (!is_firing(e, &g->sent[k]) || in_now(g, &g->sent[k])) g->sent[kept++] = g->sent[k];
    g->n_sent = kept;
    g->sent_hash = notify_state_hash(g->sent, g->n_sent);
    return nstore_put_group(e->store, e->cfg->routes.routes[g->route].name, g->receiver, g->key, g->sent_hash,
                            g->last_ms, g->sent, g->n_sent);
}

/* Decides group g's notice of `kind` over list (firing first, then resolved); the
 * group's new state is its `now` list. 0 or -1. */
static int decide(engine_t *e, ngroup_t *g, notice_kind_t kind, notice_alert_t *list, size_t n_list,
                  uint64_t new_hash, int64_t now_ms) {
    notice_t n;
    const route_t *r = &e->cfg->routes.routes[g->route];
    memset(&n, 0, sizeof n);
    n.receiver = g->receiver;
    snprintf(n.group_key, sizeof n.group_key, "%s", g->key);
    memcpy(n.group_labels, g->labels, sizeof n.group_labels);
    n.n_labels = g->n_labels;
    n.kind = kind;
    n.made_at_ms = now_ms;
    n.alerts = list;
    n.n_alerts = n_list;
    if (nstore_enqueue(e->store, r->name, &n, new_hash, g->now, g->n_now, kind == NOTICE_REMINDER) < 0)
        return -1;
    if (kind != NOTICE_REMINDER) {
        notice_alert_t *copy = NULL;
        if (g->n_now && !(copy = malloc(g->n_now * sizeof *copy))) return -1;
        if (g->n_now) memcpy(copy, g->now, g->n_now * sizeof *copy);
        free(g->sent);
        g->sent = copy;
        g->n_sent = g->n_now;
        g->sent_hash = new_hash;
    }
    g->last_ms = now_ms;
    e->n_notices++;
    return 0;
}

int engine_tick(engine_t *e, int64_t now_ms, int64_t *next_ms) {
    int made = 0;
    *next_ms = INT64_MAX;
    if (!e->synced) return 0; /* before the first snapshot every alert would look resolved */
    if (place(e, now_ms) < 0 || index_keys(e) < 0) {
        log_error(_("out of memory"));
        return -1;
    }
    for (size_t i = 0; i < e->n_groups; i++) {
        ngroup_t *g = &e->groups[i];
        route_t eff = route_effective(&e->cfg->routes, (size_t)g->route);
        notice_alert_t *list = NULL;
        size_t n_list = 0, cap = 0;
        group_clock_t clk;
        int64_t nx;
        uint64_t hash;
        due_t due;
        bool firing = g->n_now > 0;
        int rc = forget_muted(e, g);
        if (rc < 0) return -1;
        for (size_t k = 0; k < g->n_now; k++)
            if (push(&list, &n_list, &cap, &g->now[k]) < 0) rc = -1;
        for (size_t k = 0; k < g->n_sent; k++) {
            notice_alert_t na = g->sent[k];
            if (is_firing(e, &na)) continue;
            na.status = NOTICE_RESOLVED;
            na.ends_at_ms = now_ms;
            na.alert.previous = na.alert.severity;
            na.alert.severity = SEV_NONE;
            na.alert.transition = TR_RESOLVED;
            if (push(&list, &n_list, &cap, &na) < 0) rc = -1;
        }
        if (rc < 0) {
            free(list);
            log_error(_("out of memory"));
            return -1;
        }
        if (firing && !g->had_members) g->first_seen_ms = now_ms;
        g->had_members = firing;
        hash = notify_state_hash(list, n_list);
        clk.sent_hash = g->sent_hash;
        clk.first_seen_ms = g->first_seen_ms;
        clk.last_ms = g->last_ms;
        due = notify_group_due(&clk, hash, firing, &eff, &e->cfg->cal, now_ms, &nx);
        if (due == DUE_NOTIFY) {
            notice_kind_t kind = g->first_start ? NOTICE_FIRST_START : NOTICE_NORMAL;
            rc = decide(e, g, kind, list, n_list, notify_state_hash(g->now, g->n_now), now_ms);
            g->first_start = false;
            made += rc == 0;
        } else if (due == DUE_REMIND) {
            rc = decide(e, g, NOTICE_REMINDER, g->now, g->n_now, g->sent_hash, now_ms);
            made += rc == 0;
        } else if (!firing && hash == 0 && g->n_sent == 0) {
            g->first_start = false; /* emptied before it spoke */
        }
        free(list);
        if (rc < 0) return -1;
        if (due != DUE_NOTHING) {
            /* look again after the interval the message started */
            notify_group_due(&(group_clock_t){g->sent_hash, g->first_seen_ms, g->last_ms}, g->sent_hash,
                             firing, &eff, &e->cfg->cal, now_ms, &nx);
        }
        if (nx < *next_ms) *next_ms = nx;
    }
    if (e->first_start) e->first_start = false;
    return made;
}
