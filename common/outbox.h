/* outbox.h - the collector's durable outbox (SQLite): every report from the moment it is
 * queued until the central office's ack settles it, the source files it came from, and
 * the last report sent per (zone, period) that merging and the soft checks go by.
 *
 * The collector writes it; `yuebao check --outbox` reads it (read-only) with the same
 * code, so a dry run judges a file exactly as the collector will.
 */
#ifndef YB_OUTBOX_H
#define YB_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "diag.h"
#include "master.h"
#include "period.h"
#include "report.h"

typedef struct outbox outbox_t;

/* A report in the outbox awaiting its ack. */
typedef struct {
    int64_t id; /* outbox row */
    uint8_t msg_id[MSG_ID_LEN];
    char zone[ZONE_CODE_SIZE], period[PERIOD_STRLEN];
    uint32_t revision;
    uint8_t *payload; /* encoded envelope */
    size_t payload_len;
    bool in_flight;
    int attempts;
    int retry_answers;   /* RETRY acks since the last unanswered resend: it asked to wait */
    bool retry_said;     /* the desk was told it cannot be taken now: once per report */
    int64_t due_mono_ms; /* in flight: resend after; idle: not before */
} pending_t;

/* outbox.c */

/* Opens the outbox at path for the collector, creating it or migrating an older one to
 * this program's schema (WAL, synchronous=FULL). NULL with "path: why" in err. */
outbox_t *outbox_open(const char *path, char *err, size_t errsz);
/* For `yuebao check --outbox`: reads an existing outbox of this program's schema, never
 * writes, never creates, never migrates (an older one: the collector upgrades it when it
 * next starts). NULL with "path: why" in err. */
outbox_t *outbox_open_readonly(const char *path, char *err, size_t errsz);
/* Closes and sets *o to NULL; NULL-safe. */
void outbox_close(outbox_t **o);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. 0 or -1 (logged). A failed COMMIT leaves no
 * transaction open (nothing of it is stored); a ROLLBACK with none open returns 0. */
int outbox_begin(outbox_t *o);
int outbox_commit(outbox_t *o);
int outbox_rollback(outbox_t *o);

/* A source file: its id if (name, hash) is known, with its state ("sending", "done",
 * "rejected"); 1 found, 0 not, -1 error. */
int outbox_source_find(outbox_t *o, const char *name, unsigned long long hash, int64_t *id, char *state,
                       size_t state_sz);
/* Records a new source file; returns its id or -1. */
int64_t outbox_source_add(outbox_t *o, const char *name, const char *path, unsigned long long hash,
                          const char *state);
int outbox_source_set_state(outbox_t *o, int64_t id, const char *state);
/* Whether a 'sending' source claims the file parked at path (inbox/.sending/<id>.<name>):
 * 1 yes, 0 no, -1 error. */
int outbox_source_claims(outbox_t *o, const char *parked);
/* Keeps the collector's own findings about a queued file (warnings, one per line): its
 * receipt repeats them. */
int outbox_source_set_note(outbox_t *o, int64_t id, const char *note);
/* Records where the source file now lies (moved out of the inbox while sending). */
int outbox_source_set_path(outbox_t *o, int64_t id, const char *path);

/* The last revision this collector (or the store, via acks) knows for (zone, period),
 * with the last report's content bytes and encoded report if any (caller frees).
 * 1 found, 0 none, -1 error. */
int outbox_last(outbox_t *o, const char *zone, const char *period, uint32_t *revision, uint8_t **content,
                size_t *content_len, report_t *last_report);
/* Raises the known revision of (zone, period) to at least `revision`. */
int outbox_raise_revision(outbox_t *o, const char *zone, const char *period, uint32_t revision);
/* After p's ack (in the same transaction as outbox_settle): ACCEPTED or DUPLICATE with
 * the store at p's revision makes p's report the store-confirmed content of its (zone,
 * period); REJECTED or STALE puts the last report back to that confirmed content (none
 * if unknown), unless a newer revision was queued since, so merging and soft checks
 * never build on refused figures. 0 or -1. */
int outbox_settle_last(outbox_t *o, const pending_t *p, const ack_t *ack);
/* Records r (already numbered) as the last report of its (zone, period). */
int outbox_set_last(outbox_t *o, const report_t *r, const uint8_t *content, size_t content_len);

/* Queues an encoded report; links it to the given sources. Returns the row id or -1. */
int64_t outbox_enqueue(outbox_t *o, const pending_t *p, const int64_t *sources, size_t n_sources);

/* Marks row id settled with the ack. 0 or -1. */
int outbox_settle(outbox_t *o, int64_t id, const ack_t *ack);

/* Loads every unsettled row, oldest first, into *out (caller frees payloads and array). */
int outbox_load_pending(outbox_t *o, pending_t **out, size_t *n);

/* Sources in state "sending" whose reports are all settled: ids into *out (caller frees). */
int outbox_sources_complete(outbox_t *o, int64_t **out, size_t *n);

/* For a source: its name and path, and one line per report it fed: status, zone,
 * period, revision, and the ack's issues. Fills *lines (caller frees), how many of its
 * settled reports the store took (ACCEPTED, DUPLICATE) and how many it refused
 * (REJECTED, STALE). 0 or -1. */
int outbox_source_receipt(outbox_t *o, int64_t id, char *name, size_t name_sz, char *path, size_t path_sz,
                          char **lines, int *stored, int *refused);

/* Unlinks a filed source from its reports and deletes its refused rows (its receipt
 * holds what they said); stored rows (ACCEPTED, DUPLICATE) stay for the reconcile. */
int outbox_source_forget(outbox_t *o, int64_t id);

/* Deletes stored rows settled before before_ms that no source still needs. 0 or -1. */
int outbox_purge_settled(outbox_t *o, int64_t before_ms);
/* The earliest period of the stored rows kept: 1 (into period), 0 none, -1 error. */
int outbox_settled_since(outbox_t *o, char *period, size_t size);
/* Per (zone, period) with nothing pending, the highest stored revision kept: into *out
 * like outbox_load_pending (caller frees). 0 or -1. */
int outbox_load_settled_last(outbox_t *o, pending_t **out, size_t *n);
/* Makes a stored row pending again (the central office lost it). 0 or -1. */
int outbox_unsettle(outbox_t *o, int64_t id);

/* Number of unsettled rows, or -1. */
int64_t outbox_count_pending(outbox_t *o);

/* outbox_soft.c */

/* The rule for a key-projects file (项目表) without values: its report of (zone, period)
 * can be built only when the values come in the same batch (batch_has_values) or were
 * sent before (the outbox's last report has values; a refused one does not count).
 * The collector and `yuebao check` both ask this. 1 yes, 0 no, -1 outbox error. */
int outbox_values_known(outbox_t *o, const char *zone, const char *period, bool batch_has_values);

/* The soft checks (plausibility.h) of r against the last reports the outbox holds for
 * r's zone: the same period, the previous period and the same period last year.
 * Appends to dl; returns the number of errors, or -1 on an outbox error. */
int outbox_soft_check(outbox_t *o, const master_t *m, bool merge_jan_feb, const report_t *r,
                         diag_list_t *dl);

#endif
