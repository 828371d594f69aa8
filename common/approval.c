/* approval.c - a period's state and the rules that move it (see approval.h).
 *
 * The rules are one function, approval_decide, so that the aggregator, the tests and
 * the documentation agree on one table:
 *
 *   request            scope state          result
 *   approve            open                 approved
 *   approve --county   city open, own open  the county approved
 *   publish            city approved, or every county approved   published
 *   unlock             city approved or published               open
 *   unlock --county    city open, own approved                  the county open
 *
 * and every other combination is refused with a reason that says what to do instead.
 */
#include "approval.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "i18n.h"

static const char *const state_names[] = {
    [PSTATE_OPEN] = "open", [PSTATE_APPROVED] = "approved", [PSTATE_PUBLISHED] = "published"};
static const char *const action_names[] = {
    [PACTION_APPROVE] = "approve", [PACTION_PUBLISH] = "publish", [PACTION_UNLOCK] = "unlock"};

const char *approval_state_name(pstate_t s) {
    return s >= PSTATE_OPEN && s <= PSTATE_PUBLISHED ? state_names[s] : NULL;
}

pstate_t approval_state_parse(const char *name) {
    for (int s = PSTATE_OPEN; name && s <= PSTATE_PUBLISHED; s++)
        if (strcmp(name, state_names[s]) == 0) return (pstate_t)s;
    return PSTATE_NONE;
}

const char *approval_action_name(paction_t a) {
    return a >= PACTION_APPROVE && a <= PACTION_UNLOCK ? action_names[a] : NULL;
}

paction_t approval_action_parse(const char *name) {
    for (int a = PACTION_APPROVE; name && a <= PACTION_UNLOCK; a++)
        if (strcmp(name, action_names[a]) == 0) return (paction_t)a;
    return PACTION_NONE;
}

const char *approval_state_label(pstate_t s) {
    switch (s) {
    case PSTATE_APPROVED: return _("approved");
    case PSTATE_PUBLISHED: return _("published");
    default: return _("open for reports");
    }
}

void approval_day(int64_t ms, char *buf, size_t size) {
    int y, m, d, hh, mi, ss;
    clock_civil_from_ms(ms, &y, &m, &d, &hh, &mi, &ss);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

static pstate_t state_of(const period_state_t *st) {
    return st ? st->state : PSTATE_OPEN;
}

/* "by 张三 on 2017-07-10" of a transition, for refusals. */
static void by_whom(const period_state_t *st, char *buf, size_t size) {
    char day[32];
    approval_day(st->at_ms, day, sizeof day);
    snprintf(buf, size, _("by %s on %s"), st->actor[0] ? st->actor : "?", day);
}

static int refuse(char *why, size_t whysz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(char *why, size_t whysz, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whysz, fmt, ap);
    va_end(ap);
    return -1;
}

static int decide_approve(const period_request_t *req, const approval_view_t *v, pstate_t *from, pstate_t *to,
                          char *why, size_t whysz) {
    char by[160];
    pstate_t city = state_of(v->city);
    if (city != PSTATE_OPEN) {
        by_whom(v->city, by, sizeof by);
        if (req->county[0])
            return refuse(why, whysz,
                          _("%s is already %s for the whole city (%s): there is no county left to approve"),
                          req->period, approval_state_label(city), by);
        return refuse(why, whysz, _("%s is already %s (%s)"), req->period, approval_state_label(city), by);
    }
    if (req->county[0]) {
        if (state_of(v->county) != PSTATE_OPEN) {
            by_whom(v->county, by, sizeof by);
            return refuse(why, whysz, _("%s of county %s is already approved (%s)"), req->period, req->county,
                          by);
        }
        *from = PSTATE_OPEN;
        *to = PSTATE_APPROVED;
        return 0;
    }
    *from = PSTATE_OPEN;
    *to = PSTATE_APPROVED;
    return 0;
}

static int decide_publish(const period_request_t *req, const approval_view_t *v, pstate_t *from, pstate_t *to,
                          char *why, size_t whysz) {
    char by[160];
    pstate_t city = state_of(v->city);
    if (req->county[0])
        return refuse(why, whysz,
                      _("a period is published for the whole city, not per county: leave out the county"));
    if (city == PSTATE_PUBLISHED) {
        by_whom(v->city, by, sizeof by);
        return refuse(why, whysz, _("%s is already published (%s)"), req->period, by);
    }
    if (city != PSTATE_APPROVED && !v->all_counties_approved)
        return refuse(
            why, whysz,
            _("%s is not approved yet: approve it (for the city, or every county) before publishing"),
            req->period);
    *from = city;
    *to = PSTATE_PUBLISHED;
    return 0;
}

static int decide_unlock(const period_request_t *req, const approval_view_t *v, pstate_t *from, pstate_t *to,
                         char *why, size_t whysz) {
    char by[160];
    pstate_t city = state_of(v->city);
    if (!req->reason[0])
        return refuse(why, whysz, _("an unlock needs a reason (--reason): it is kept with the record"));
    if (req->county[0]) {
        if (city != PSTATE_OPEN) {
            by_whom(v->city, by, sizeof by);
            return refuse(why, whysz,
                          _("%s is %s for the whole city (%s): unlock the city, without a county"),
                          req->period, approval_state_label(city), by);
        }
        if (state_of(v->county) != PSTATE_APPROVED)
            return refuse(why, whysz, _("%s of county %s is not approved: there is nothing to unlock"),
                          req->period, req->county);
        *from = PSTATE_APPROVED;
        *to = PSTATE_OPEN;
        return 0;
    }
    if (city == PSTATE_OPEN)
        return refuse(
            why, whysz, _("%s is not approved for the whole city: there is nothing to unlock%s"), req->period,
            v->all_counties_approved ? _(" (its counties are approved one by one: unlock a county)") : "");
    *from = city;
    *to = PSTATE_OPEN;
    return 0;
}

int approval_decide(const period_request_t *req, const approval_view_t *v, pstate_t *from, pstate_t *to,
                    char *why, size_t whysz) {
    switch (req->action) {
    case PACTION_APPROVE: return decide_approve(req, v, from, to, why, whysz);
    case PACTION_PUBLISH: return decide_publish(req, v, from, to, why, whysz);
    case PACTION_UNLOCK: return decide_unlock(req, v, from, to, why, whysz);
    default: return refuse(why, whysz, _("unknown request: approve, publish or unlock"));
    }
}

const period_state_t *approval_lock(const period_state_t *city, const period_state_t *county) {
    if (state_of(city) != PSTATE_OPEN) return city;
    if (state_of(county) == PSTATE_APPROVED) return county;
    return NULL;
}

void approval_locked_message(const period_state_t *lock, char *buf, size_t size) {
    char day[32];
    const char *actor = lock->actor[0] ? lock->actor : "?";
    approval_day(lock->at_ms, day, sizeof day);
    if (lock->state == PSTATE_PUBLISHED)
        snprintf(buf, size, _("%s was published by %s on %s; ask the 统计局 to unlock it"), lock->period,
                 actor, day);
    else
        snprintf(buf, size, _("%s was approved by %s on %s; ask the 统计局 to unlock it"), lock->period,
                 actor, day);
}

/* ---- the table of current states ------------------------------------------------------ */

static int cmp_scope(const char *p1, const char *c1, const char *p2, const char *c2) {
    int d = strcmp(p1, p2);
    return d ? d : strcmp(c1, c2);
}

/* The index where (period, county) is or would go; *found set. */
static size_t locate(const approval_table_t *t, const char *period, const char *county, bool *found) {
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = cmp_scope(t->v[mid].period, t->v[mid].county, period, county);
        if (d == 0) {
            *found = true;
            return mid;
        }
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

const period_state_t *approval_table_find(const approval_table_t *t, const char *period, const char *county) {
    bool found;
    size_t i = locate(t, period, county ? county : "", &found);
    return found ? &t->v[i] : NULL;
}

int approval_table_reserve(approval_table_t *t) {
    size_t cap;
    period_state_t *v;
    if (t->n < t->cap) return 0;
    cap = t->cap ? 2 * t->cap : 16;
    if (!(v = realloc(t->v, cap * sizeof *v))) return -1;
    t->v = v;
    t->cap = cap;
    return 0;
}

int approval_table_set(approval_table_t *t, const period_state_t *st) {
    bool found;
    size_t i = locate(t, st->period, st->county, &found);
    if (!found) {
        if (approval_table_reserve(t) < 0) return -1;
        memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof *t->v);
        t->n++;
    }
    t->v[i] = *st;
    return 0;
}

bool approval_table_all_counties(const approval_table_t *t, const master_t *m, const char *period) {
    if (!m || m->n_counties == 0) return false;
    for (size_t i = 0; i < m->n_counties; i++)
        if (state_of(approval_table_find(t, period, m->counties[i].code)) != PSTATE_APPROVED) return false;
    return true;
}

size_t approval_unlock_note(const approval_table_t *t, const master_t *m, const char *period, char *buf,
                            size_t size) {
    char list[4096];
    size_t n = 0, used = 0;
    int len;
    list[0] = '\0';
    for (size_t i = 0; i < t->n; i++) {
        const period_state_t *s = &t->v[i];
        const county_t *c;
        if (strcmp(s->period, period) != 0 || !s->county[0] || s->state != PSTATE_APPROVED) continue;
        c = m ? master_county(m, s->county) : NULL;
        if (used < sizeof list) {
            if (c && c->name[0])
                len =
                    snprintf(list + used, sizeof list - used, "%s%s (%s)", n ? ", " : "", c->name, s->county);
            else
                len = snprintf(list + used, sizeof list - used, "%s%s", n ? ", " : "", s->county);
            used += len > 0 ? (size_t)len : 0;
        }
        n++;
    }
    if (size) buf[0] = '\0';
    if (!n || !size) return n;
    len = used < sizeof list
              ? snprintf(buf, size,
                         ngettext("%s remains approved on its own: unlock it with --county",
                                  "%s remain approved on their own: unlock them with --county", n),
                         list)
              : -1;
    if (len < 0 || (size_t)len >= size)
        snprintf(buf, size,
                 ngettext("%zu county remains approved on its own: unlock it with --county",
                          "%zu counties remain approved on their own: unlock each with --county", n),
                 n);
    return n;
}

void approval_table_clear(approval_table_t *t) {
    if (!t) return;
    free(t->v);
    memset(t, 0, sizeof *t);
}
