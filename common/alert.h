/* alert.h - target and deadline alerts: what the scorer raises, stores and publishes,
 * and what `yuebao alerts` prints or hands to an --exec hook.
 *
 * An alert is identified by (kind, zone, indicator, year); an overdue alert by (kind,
 * zone, period). It is published only on a transition: firing, a severity change, or
 * resolved. The values behind it (value, target, expected, gap) travel with it.
 */
#ifndef YB_ALERT_H
#define YB_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "master.h"
#include "period.h"

typedef enum {
    ALERT_PACE = 0, /* YTD completion behind the expected share of the year */
    ALERT_GROWTH,   /* YoY growth behind the target growth */
    ALERT_LEVEL,    /* a stock or ratio below its target level */
    ALERT_OVERDUE   /* no report by the deadline */
} alert_kind_t;

typedef enum { SEV_NONE = 0, SEV_WARNING = 1, SEV_CRITICAL = 2 } severity_t;

typedef enum {
    TR_NONE = 0,
    TR_FIRING,      /* was none, now warning or critical */
    TR_ESCALATED,   /* warning → critical */
    TR_DEESCALATED, /* critical → warning */
    TR_RESOLVED,    /* was firing, now none */
    TR_ACTIVE       /* not a transition: a firing alert as served in a snapshot */
} transition_t;

#define ALERT_KEY_LEN 160

typedef struct {
    alert_kind_t kind;
    severity_t severity;
    char zone[ZONE_CODE_SIZE];
    char county[COUNTY_CODE_SIZE];
    char indicator[48]; /* "" for overdue */
    int year;
    char period[PERIOD_STRLEN]; /* the period evaluated; for overdue, the missing one */
    double value;               /* NAN where it does not apply */
    double target;
    double expected;     /* pace: expected completion %; overdue: NAN */
    double gap;          /* percentage points (pace, growth) or the indicator's unit (level) */
    int64_t deadline_ms; /* overdue: when the report was due; 0 otherwise */
    int64_t since_ms;    /* when it started firing (stored alerts) */
    char message[384];   /* one line for people */
    /* set on a transition */
    transition_t transition;
    severity_t previous;
    int64_t at_ms;
} alert_t;

typedef struct {
    alert_t *items;
    size_t n, cap;
} alert_list_t;

/* Appends a copy of a; a NULL: a slot whose contents the caller fills. Returns it, or
 * NULL on out of memory. */
alert_t *alert_list_add(alert_list_t *l, const alert_t *a);

/* Sorts by key (alert_key order), in place: a city's year holds tens of thousands of
 * alerts, and a sorted copy beside them was a third of the scorer's peak memory. */
void alert_list_sort(alert_list_t *l);

/* Frees the items; the list can be reused. */
void alert_list_clear(alert_list_t *l);

/* The identity of a: "pace/jinshan/fai/2017", "overdue/shancheng/2017-05". */
void alert_key(const alert_t *a, char out[ALERT_KEY_LEN]);

/* Names: "pace", "warning", "firing", … and their inverses (-1 when unknown). */
const char *alert_kind_name(alert_kind_t k);
const char *severity_name(severity_t s);
const char *transition_name(transition_t t);
/* The same as people read them, in the reader's language (gettext): "overdue" / 逾期,
 * "critical" / 严重, "RESOLVED" / 解除. For printing only; the names above are what
 * keys, topics, the hook's environment and the stores hold. Never NULL. */
const char *alert_kind_label(alert_kind_t k);
const char *severity_label(severity_t s);
const char *transition_label(transition_t t);
int alert_kind_parse(const char *s);
int severity_parse(const char *s);
int transition_parse(const char *s);

#endif
