/* web_api_me.c - /api/me (who is asking, the city, the current period, the counties they
 * may see) and /api/periods (the periods there is something to show of). */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "web_json.h"

static const char *role_name(account_role_t r) {
    switch (r) {
    case ACCOUNT_CENTRAL: return "central";
    case ACCOUNT_COUNTY: return "county";
    default: return "viewer";
    }
}

int web_api_me(web_t *w, const web_request_t *rq, web_reply_t *rp) {
    const master_t *m = web_data_master(w->data);
    char period[PERIOD_STRLEN];
    rstore_t *st = web_json_rstore(w, rp);
    size_t n = 0;
    if (!st) return 0;
    if (web_data_current_period(w->data, st, clock_now_ms(), period) < 0) {
        rstore_close(&st);
        web_reply_error(rp, 500, _("the report store cannot be read"));
        return 0;
    }
    rstore_close(&st);
    web_json_begin(rp);
    strbuf_puts(&rp->body, "{\"name\":");
    strbuf_json_string(&rp->body, rq->user->name);
    web_json_str(&rp->body, "role", role_name(rq->user->role));
    web_json_str(&rp->body, "county", rq->user->role == ACCOUNT_COUNTY ? rq->user->county : NULL);
    web_json_bool(&rp->body, "revisions", web_may_see_revisions(rq->user));
    web_json_str(&rp->body, "csrf", rq->csrf ? rq->csrf : "");
    web_json_str(&rp->body, "city", m->policy.city_name);
    web_json_str(&rp->body, "period", period);
    strbuf_puts(&rp->body, ",\"counties\":[");
    for (size_t i = 0; i < m->n_counties; i++) {
        if (!web_may_see_county(rq->user, m->counties[i].code)) continue;
        strbuf_puts(&rp->body, n++ ? ",{\"county\":" : "{\"county\":");
        strbuf_json_string(&rp->body, m->counties[i].code);
        web_json_str(&rp->body, "name", m->counties[i].name);
        strbuf_puts(&rp->body, "}");
    }
    strbuf_puts(&rp->body, "]}");
    return 0;
}

/* ---- /api/periods ------------------------------------------------------------------ */

typedef struct {
    char period[PERIOD_STRLEN];
    bool ranked;
} listed_t;

typedef struct {
    listed_t *v;
    size_t n, cap;
    bool ranked; /* what on_period marks */
    bool oom;
} periods_t;

static void on_period(const char *period, void *arg) {
    periods_t *l = arg;
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].period, period)) {
            l->v[i].ranked |= l->ranked;
            return;
        }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        listed_t *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    snprintf(l->v[l->n].period, sizeof l->v[l->n].period, "%s", period);
    l->v[l->n++].ranked = l->ranked;
}

static int newest_first(const void *a, const void *b) {
    return strcmp(((const listed_t *)b)->period, ((const listed_t *)a)->period);
}

int web_api_periods(web_t *w, const web_request_t *rq, web_reply_t *rp) {
    char current[PERIOD_STRLEN], err[1024];
    periods_t l = {0};
    rstore_t *st = web_json_rstore(w, rp);
    sstore_t *ss;
    (void)rq;
    if (!st) return 0;
    if (web_data_current_period(w->data, st, clock_now_ms(), current) < 0 || rstore_each_period(st, on_period, &l) < 0)
        goto fail;
    if ((ss = web_data_sstore(w->data, err, sizeof err)) != NULL) {
        l.ranked = true;
        if (sstore_each_period(ss, on_period, &l) < 0) {
            sstore_close(&ss);
            goto fail;
        }
        sstore_close(&ss);
    } else {
        log_warn(_("web: %s"), err); /* the periods reported are still worth listing */
    }
    if (l.oom) goto fail;
    if (l.n > 1) qsort(l.v, l.n, sizeof *l.v, newest_first);
    web_json_begin(rp);
    strbuf_puts(&rp->body, "{\"current\":");
    strbuf_json_string(&rp->body, current);
    strbuf_puts(&rp->body, ",\"periods\":[");
    for (size_t i = 0; i < l.n; i++) {
        period_state_t t;
        int known = rstore_period_state(st, l.v[i].period, "", &t);
        if (known < 0) goto fail;
        strbuf_puts(&rp->body, i ? ",{\"period\":" : "{\"period\":");
        strbuf_json_string(&rp->body, l.v[i].period);
        web_json_str(&rp->body, "state", web_state_name(known ? t.state : PSTATE_OPEN));
        web_json_bool(&rp->body, "ranked", l.v[i].ranked);
        strbuf_puts(&rp->body, "}");
    }
    strbuf_puts(&rp->body, "]}");
    free(l.v);
    rstore_close(&st);
    return 0;
fail:
    free(l.v);
    rstore_close(&st);
    web_reply_error(rp, 500, _("the report store cannot be read"));
    return 0;
}
