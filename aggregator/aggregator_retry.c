/* aggregator_retry.c - RETRY: the central office's own transient conditions.
 *
 * Two findings of validate_report are not final when the aggregator makes them,
 * because the collector has already made the same checks against its own clock and
 * master data and passed them:
 *   - "period in the future" for the aggregator's next month: its clock is behind the
 *     county's (clock_skew_s is tolerated outright; a period beyond the next month, a
 *     typo like 2071-06, stays REJECTED);
 *   - "unknown zone" for a zone of a county it knows: its regions.csv lags behind the
 *     county's, or is being reloaded (a zone of another county stays REJECTED).
 * validate_report tags these two findings (VALIDATE_PERIOD_NEXT, VALIDATE_ZONE_UNLISTED);
 * the judge goes by that tag alone, never by a field's name, so a zone refused for
 * another reason (a control character, another county's) stays final.
 * A report whose only errors are these gets RETRY: nothing is stored, not even a
 * rejection; the collector keeps it pending and sends it again later, so it goes in
 * once the clock or the master data has caught up. A report with any other error is
 * REJECTED with all of them, as before.
 *
 * Abuse: RETRY costs the aggregator nothing it keeps. A client that sends unknown zones
 * on purpose is subject to its county's rate limit like any other, and the warnings it
 * causes are limited per zone in a small fixed table (a flood of invented zones fills it
 * and then logs nothing more until its entries age).
 */
#include <stdio.h>
#include <string.h>

#include "aggregator.h"
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "text.h"
#include "validate.h"

#define RETRY_WARN_EVERY_MS 60000

bool aggregator_retry_judge(const ingest_item_t *it, int64_t now_ms, diag_list_t *issues) {
    const report_t *r = &it->msg.report;
    bool period_t_ = false, zone_t_ = false;
    size_t kept = 0;
    /* validation tags what may be ours; anything else, or an error it could not keep in
     * the list (unseen, so not known to be transient), makes the answer final */
    for (size_t i = 0; i < issues->n; i++) {
        const diag_t *d = &issues->items[i];
        if (d->severity != DIAG_ERROR) continue;
        kept++;
        if (d->kind == VALIDATE_PERIOD_NEXT)
            period_t_ = true;
        else if (d->kind == VALIDATE_ZONE_UNLISTED)
            zone_t_ = true;
        else
            return false;
    }
    if (kept == 0 || kept != issues->n_errors) return false;
    diag_clear(issues);
    if (zone_t_) {
        char zb[96];
        diag_add(issues, DIAG_WARNING, r->source, 0, "zone",
                 _("zone \"%s\" is not in the central office's master data for county %s yet (its regions.csv "
                 "lags behind or is being reloaded): nothing was stored; the report is kept and sent again. "
                 "The central office must add the zone to regions.csv"),
                 text_shown(r->zone, zb, sizeof zb), it->county);
    }
    if (period_t_) {
        char now[20];
        clock_format(now_ms, now); /* its own clock: vo->now_ms has the tolerated skew added */
        diag_add(issues, DIAG_WARNING, r->source, 0, "period",
                 _("the central office's clock says %s is still in the future (its time is %s, which is behind "
                 "yours): nothing was stored; the report is kept and sent again"),
                 r->period, now);
    }
    return true;
}

/* True if a warning about key is due now (one per key per minute, in a table of
 * AGG_RETRY_SLOTS keys; a full table of recent keys suppresses). */
static bool warn_due(aggregator_t *a, const char *key, int64_t now) {
    size_t oldest = 0;
    for (size_t i = 0; i < AGG_RETRY_SLOTS; i++) {
        if (strcmp(a->retry_warned[i].key, key) == 0) {
            if (now - a->retry_warned[i].at_ms < RETRY_WARN_EVERY_MS) return false;
            a->retry_warned[i].at_ms = now;
            return true;
        }
        if (a->retry_warned[i].at_ms < a->retry_warned[oldest].at_ms) oldest = i;
    }
    if (a->retry_warned[oldest].key[0] && now - a->retry_warned[oldest].at_ms < RETRY_WARN_EVERY_MS)
        return false;
    snprintf(a->retry_warned[oldest].key, sizeof a->retry_warned[oldest].key, "%s", key);
    a->retry_warned[oldest].at_ms = now;
    return true;
}

void aggregator_retry_log(aggregator_t *a, const ingest_item_t *it) {
    const report_t *r = &it->msg.report;
    char key[80], zb[96], pb[48], line[1024] = "";
    /* the clock's warnings share one key: it is one condition, whatever the zone */
    bool clock = it->ack.issues.n == 1 && strcmp(it->ack.issues.items[0].field, "period") == 0;
    snprintf(key, sizeof key, "%s", clock ? "\001clock" : r->zone);
    if (!warn_due(a, key, clock_mono_ms())) return;
    if (it->ack.issues.n) diag_format(&it->ack.issues.items[0], line, sizeof line);
    log_warn(_("RETRY %s/%s rev %u from county %s: %s (this warning at most once a minute %s)"),
             text_shown(r->zone, zb, sizeof zb), text_shown(r->period, pb, sizeof pb), r->revision, it->county,
             line,
             clock ? _("for the clock") : _("per zone"));
}
