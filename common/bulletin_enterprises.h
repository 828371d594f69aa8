/* bulletin_enterprises.h - the bulletin's 重点企业运行 data: the key enterprises of a
 * period, as the bulletin's sheet lists them.
 *
 * Plain data for whoever lays out the sheet (the xlsx bulletin, a CSV): every key-
 * enterprise row of each zone's current revision of the period, in the bulletin's zone
 * order — counties as regions.csv lists them, zones by code within a county (master
 * order), then the county's own row order — with the zone and county borrowed from master
 * data, and counts per status for the sheet's summary line ("停产 2 户，减产 3 户").
 * Rows of zones master data does not know are left out (and counted in n_unlisted).
 */
#ifndef YB_BULLETIN_ENTERPRISES_H
#define YB_BULLETIN_ENTERPRISES_H

#include <stddef.h>

#include "enterprise.h"
#include "master.h"
#include "report.h"
#include "rstore.h"

typedef struct {
    const zone_t *zone;     /* borrowed from master */
    const county_t *county; /* borrowed from master; NULL if regions.csv lacks it */
    uint32_t revision;      /* the zone's current revision the row is of */
    ent_status_t status;    /* e.status as an enum (ENT_STATUS_NONE: not in the list) */
    enterprise_t e;
} bulletin_enterprise_t;

typedef struct {
    bulletin_enterprise_t *rows;
    size_t n, cap;
    size_t by_status[ENT_STATUS_COUNT]; /* rows per status */
    size_t n_down;                      /* rows stopped or cutting output (ent_status_down) */
    size_t n_unlisted;                  /* rows of zones master data does not know: left out */
} bulletin_enterprises_t;

/* Reads period's key enterprises from store st (read-only is enough) for master m into
 * *out (zeroed first; bulletin_enterprises_clear it). 0, or -1 on a store error or out
 * of memory (*out then empty). */
int bulletin_enterprises_load(bulletin_enterprises_t *out, rstore_t *st, const master_t *m, const char *period);

/* Frees the rows and zeroes b; NULL-safe. */
void bulletin_enterprises_clear(bulletin_enterprises_t *b);

#endif
