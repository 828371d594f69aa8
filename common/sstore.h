/* sstore.h - the score store: the scorer's own SQLite database of rankings, stars and
 * alert state, read by `yuebao ranking` and the bulletin export.
 *
 * One writer (the scorer) and read-only readers, WAL and synchronous=FULL, numbered
 * migrations at start-up, like the report store (rstore.h). Tables:
 *   ranking_periods  one row per ranked period: method, dimension names, when computed
 *   rankings         one row per (period, zone): rank, previous rank, total, subtotals
 *                    (JSON array, scheme order), star shown, missing contents
 *   stars            one row per (year, zone) judged on December data, kept forever
 *   alerts           the alerts firing now, keyed by alert_key()
 *   alert_events     every transition ever published, with the values behind it
 *   published_periods, published_rankings  every published version of a period's
 *                    ranking, whole, as it was published (核准 / 发布): an unlock and a
 *                    correction make a new current version, never rewrite these
 *   meta             facts about the store (key, value): first_start_ms, the scorer's
 *                    first start on it, from which reports are owed by default
 */
#ifndef YB_SSTORE_H
#define YB_SSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "ranking.h"

typedef struct sstore sstore_t;

/* Opens the score store at path. The writer creates it and applies migrations; a reader
 * opens read-only with a busy timeout and refuses a store newer than it knows. NULL
 * with a message in err. */
sstore_t *sstore_open(const char *path, bool readonly, char *err, size_t errsz);

/* Closes and sets *s to NULL; NULL-safe. */
void sstore_close(sstore_t **s);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. 0 or -1 (logged). A failed COMMIT leaves no
 * transaction open (nothing of it is stored); a ROLLBACK with none open returns 0. */
int sstore_begin(sstore_t *s);
int sstore_commit(sstore_t *s);
int sstore_rollback(sstore_t *s);

/* Replaces the ranking of r->period (its period row and all its zone rows). Inside a
 * transaction. 0 or -1. */
int sstore_put_ranking(sstore_t *s, const ranking_t *r);

/* sstore_put_ranking, writing only what differs from old, the ranking of r->period as
 * it is stored now (sstore_load_ranking's; NULL or no rows: none): the period row, then
 * a row for every zone whose row is new or changed in any column, and a delete for
 * every zone old has and r has not. The store then holds exactly what
 * sstore_put_ranking(s, r) would have left. *n_written (may be NULL) gets the rows
 * written or deleted. Inside a transaction. 0 or -1. */
int sstore_update_ranking(sstore_t *s, const ranking_t *old, const ranking_t *r, size_t *n_written);

/* Removes a period's ranking (its year lost its scheme). Inside a transaction. 0 or -1. */
int sstore_delete_ranking(sstore_t *s, const char *period);

/* Loads the ranking of period into *out (zeroed first; ranking_clear it), rows by rank
 * then zone. 1 found, 0 not ranked, -1 error. */
int sstore_load_ranking(sstore_t *s, const char *period, ranking_t *out);

/* The highest published version of period's ranking into *version: 1, 0 never
 * published (*version 0), -1 error. */
int sstore_published_version(sstore_t *s, const char *period, uint32_t *version);

/* Loads published version of period's ranking as it was published (as
 * sstore_load_ranking): 1 found, 0 not, -1 error. */
int sstore_load_published(sstore_t *s, const char *period, uint32_t version, ranking_t *out);

/* Keeps the current ranking of period (stored with sstore_put_ranking, state published)
 * as its published version, published at now_ms. A version already kept is left as it
 * is (its first publication's date and rows): publishing it again changes nothing.
 * Inside a transaction. 0 or -1. */
int sstore_archive_published(sstore_t *s, const char *period, int64_t now_ms);

/* The latest ranked period into out: 1, 0 if none, -1 error. */
int sstore_latest_period(sstore_t *s, char out[PERIOD_STRLEN]);

/* Each ranked period, oldest first, into fn. Count or -1. */
int sstore_each_period(sstore_t *s, void (*fn)(const char *period, void *arg), void *arg);

/* Records zone's star judged on year's December data (RANKING_STAR_BELOW or 0..);
 * promoted when it is above every star of earlier years (a first judgement is not a
 * promotion). Replaces an earlier judgement of the same year. Inside a transaction. */
int sstore_put_star(sstore_t *s, int year, const char *zone, const char *county, int star, int64_t now_ms);

/* The most recent star of zone judged on a year <= year: 1 with *star, *star_year and
 * *promoted set, 0 if none, -1 error. */
int sstore_star(sstore_t *s, const char *zone, int year, int *star, int *star_year, bool *promoted);

/* The star a ranking of period (YYYY-MM) shows: the most recent one judged on a December
 * before the period — last year's, or earlier if the zone was not judged then — and, for
 * a December, the star that December itself judges. So a period's star never depends on
 * whether a later December had come in when it was ranked. Returns as sstore_star. */
int sstore_star_shown(sstore_t *s, const char *zone, int year, int month, int *star, int *star_year,
                      bool *promoted);

/* Calls fn for every zone that has a star judged on a year <= year, in zone (strcmp)
 * order, with its most recent one: what sstore_star answers for each, in one query
 * instead of one per zone. Returns how many, or -1 (logged). */
typedef void (*sstore_star_fn)(const char *zone, int star, int star_year, bool promoted, void *arg);
int sstore_each_star(sstore_t *s, int year, sstore_star_fn fn, void *arg);

/* Appends to out every firing alert (severity, values, since_ms set; transition
 * TR_ACTIVE), ordered by key. kind < 0 = all kinds; year 0 = all years. 0 or -1. */
int sstore_alerts_firing(sstore_t *s, int kind, int year, alert_list_t *out);

/* sstore_alerts_firing of one zone's alerts only (ordered by key). 0 or -1. */
int sstore_alerts_firing_of(sstore_t *s, const char *zone, int kind, int year, alert_list_t *out);

/* sstore_alerts_firing of the zones after `after` ("" or NULL: from the first) up to and
 * including `upto` (NULL: to the last), in strcmp order: a pass reads the firing alerts
 * of a range of zones beside the judgements of the same zones. 0 or -1. */
int sstore_alerts_firing_between(sstore_t *s, const char *after, const char *upto, int kind, int year,
                                 alert_list_t *out);

/* Calls fn for each year that has a firing target alert (any kind but overdue), in
 * order: a full pass judges those years too, though their reports are gone from view.
 * Returns how many, or -1 (logged). */
int sstore_each_target_year(sstore_t *s, void (*fn)(int year, void *arg), void *arg);

/* The id of the last recorded transition (0: none yet), into *id. 0, or -1 (logged). */
int sstore_event_top(sstore_t *s, int64_t *id);

/* Calls fn for every transition recorded after the one with id after_id, oldest first,
 * each whole as it was recorded: figures, message, transition, previous severity,
 * at_ms, since_ms (0 for a transition recorded before schema 5 that had none). The
 * alert is valid during the call only. Returns how many, or -1 (logged). */
typedef void (*sstore_alert_fn)(const alert_t *a, void *arg);
int sstore_each_event_since(sstore_t *s, int64_t after_id, sstore_alert_fn fn, void *arg);

/* The recorded transitions of the alert with key (alert_key), newest first, at most
 * limit: each with its time, transition, severity, previous severity and message as
 * stored (the names transition_name and severity_name write). 0, or -1 (logged). */
typedef void (*sstore_history_fn)(int64_t at_ms, const char *transition, const char *severity,
                                  const char *previous, const char *message, void *arg);
int sstore_alert_history(sstore_t *s, const char *key, int limit, sstore_history_fn fn, void *arg);

/* Records transition a->transition of alert a at a->at_ms: the event row, and the
 * firing row inserted, updated (since_ms kept) or deleted on TR_RESOLVED. TR_NONE
 * refreshes a firing row's figures (a later report, the same severity) without an
 * event. Inside a transaction. 0 or -1. */
int sstore_record_transition(sstore_t *s, const alert_t *a);

/* The value of key in the meta table into out (truncated to size): 1 found, 0 not, -1
 * error. */
int sstore_get_meta(sstore_t *s, const char *key, char *out, size_t size);

/* 1 if the store holds rankings or alert events, a scorer has worked on it; 0 if not;
 * -1 on error. Tells a store upgraded from before meta existed from a fresh one. */
int sstore_has_history(sstore_t *s);

/* Sets key to value unless key is already set (a first fact stays first): 0, or -1.
 * Outside a transaction it commits by itself. */
int sstore_add_meta(sstore_t *s, const char *key, const char *value);

/* The underlying connection, for tests and tools. Borrowed. */
struct sqlite3 *sstore_db(sstore_t *s);

#endif
