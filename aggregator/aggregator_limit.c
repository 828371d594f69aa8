/* aggregator_limit.c - the per-county rate limit: a token bucket per county, refilled
 * at rate_limit reports per second up to rate_burst. A report over the limit is dropped
 * without an ack, which costs nothing: it stays in its collector's outbox and is resent
 * after the retry interval. A county that floods (a bug, a loop, a stolen key) can then
 * not starve the others of group commits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "i18n.h"
#include "log.h"

#define LIMIT_MAX_COUNTIES 4096 /* named buckets; beyond, one shared overflow bucket */
#define LIMIT_WARN_MS 10000

/* The bucket of county; past LIMIT_MAX_COUNTIES names (only an insecure peer can invent
 * names: with CURVE they come from authorized_keys) every new one shares the last,
 * overflow bucket, never a real county's. NULL when out of memory. */
static rate_bucket_t *bucket_of(aggregator_t *a, const char *county, int64_t now_ms) {
    rate_bucket_t *b;
    for (size_t i = 0; i < a->n_buckets; i++)
        if (strcmp(a->buckets[i].county, county) == 0) return &a->buckets[i];
    if (!a->buckets && !(a->buckets = calloc(LIMIT_MAX_COUNTIES + 1, sizeof *a->buckets))) return NULL;
    if (a->n_buckets == LIMIT_MAX_COUNTIES) {
        b = &a->buckets[LIMIT_MAX_COUNTIES];
        if (!b->county[0]) {
            snprintf(b->county, sizeof b->county, "(other)");
            b->tokens = a->cfg.rate_burst;
            b->last_ms = now_ms;
        }
        return b;
    }
    b = &a->buckets[a->n_buckets++];
    memset(b, 0, sizeof *b);
    snprintf(b->county, sizeof b->county, "%s", county);
    b->tokens = a->cfg.rate_burst;
    b->last_ms = now_ms;
    return b;
}

bool aggregator_limit_take(aggregator_t *a, const char *county, int64_t now_ms) {
    rate_bucket_t *b;
    if (a->cfg.rate_limit <= 0) return true;
    if (!(b = bucket_of(a, county, now_ms))) return true; /* out of memory: do not lose reports over it */
    if (now_ms > b->last_ms) {
        b->tokens += (double)(now_ms - b->last_ms) * a->cfg.rate_limit / 1000.0;
        if (b->tokens > a->cfg.rate_burst) b->tokens = a->cfg.rate_burst;
        b->last_ms = now_ms;
    }
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        return true;
    }
    b->dropped++;
    a->n_throttled++;
    if (b->warned_ms == 0 || now_ms - b->warned_ms >= LIMIT_WARN_MS) {
        log_warn(_("county %s is over its rate limit (%.0f reports/s, burst %d): %llu report(s) left unacked "
                 "for its collector to resend"),
                 county, a->cfg.rate_limit, a->cfg.rate_burst, (unsigned long long)b->dropped);
        b->dropped = 0;
        b->warned_ms = now_ms;
    }
    return false;
}

void aggregator_limit_free(aggregator_t *a) {
    free(a->buckets);
    a->buckets = NULL;
    a->n_buckets = 0;
}
