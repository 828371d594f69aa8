/* notice.h - one message for one receiver: a group of alerts in one state. */
#ifndef YB_NOTICE_H
#define YB_NOTICE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "alert.h"            /* alert_t: kind, severity, zone, county, indicator, value, target... */

typedef enum { NOTICE_FIRING, NOTICE_RESOLVED } notice_status_t;

typedef struct {
    alert_t alert;            /* the latest transition of this alert */
    notice_status_t status;   /* resolved: reported once in the next group message */
    int64_t starts_at_ms;     /* since_ms */
    int64_t ends_at_ms;       /* resolved: when; firing: 0 */
    char fingerprint[17];     /* 16 hex chars, stable for (kind, zone, indicator, period) */
    char zone_name[128], county_name[128]; /* from the master data; "" if unknown */
} notice_alert_t;

typedef enum {
    NOTICE_NORMAL,            /* a group's new/changed state */
    NOTICE_FIRST_START,       /* first start: one summary per group of what is already firing */
    NOTICE_REMINDER,          /* repeat_interval: still firing */
    NOTICE_LATE               /* the receiver was down; this is what it missed (said to be late) */
} notice_kind_t;

typedef struct {
    const char *receiver;     /* the receiver's name from the config */
    char group_key[256];      /* e.g. "{county=\"410603\",kind=\"pace\"}" (Alertmanager style) */
    char group_labels[8][2][64]; size_t n_labels;  /* group_by label=value pairs */
    notice_kind_t kind;
    int64_t made_at_ms;       /* when the core decided to send it (late: original time) */
    notice_alert_t *alerts; size_t n_alerts;       /* firing first, then resolved */
    const char *external_url; /* from config, may be "" */
} notice_t;
#endif
