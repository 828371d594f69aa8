/* codec_internal.h - private to the codec's files: the helpers every message kind
 * shares, and each kind's pair of functions.
 *
 * One file per message kind, as mosquitto has handle_connect.c and send_connack.c:
 *   codec.c            the Envelope: header, the decoding fences (size cap, parse
 *                      budget, the raw walk), the table of kinds, msg_clear, ids
 *   codec_report.c     Report, and the canonical content bytes of a report
 *   codec_enterprise.c the Report's key-enterprise rows
 *   codec_ack.c        Ack
 *   codec_event.c      ReportAccepted, ReportRejected (the aggregator's events)
 *   codec_heartbeat.c  Heartbeat
 *   codec_ranking.c    Ranking (one chunk of rows)
 *   codec_alert.c      Alert
 *   codec_totals.c     Totals (the live totals of one scope)
 *   codec_snapshot.c   SnapshotRequest, SnapshotEnd
 *   codec_reconcile.c  ReconcileRequest, Reconcile
 *   codec_period.c     PeriodRequest, PeriodReply, PeriodState (核准 / 发布)
 *   codec_silence.c    SilenceRequest, SilenceReply (yuebao-notify's control)
 * A new field touches its kind's file (and proto/yuebao.proto); a new kind adds a file,
 * its two declarations below and a row in codec.c's table.
 */
#ifndef YB_CODEC_INTERNAL_H
#define YB_CODEC_INTERNAL_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "codec_check.h"
#include "yuebao.pb-c.h"

/* ---- encoding ------------------------------------------------------------------- */

/* What the protobuf-c structs of one message borrow until it is packed: blocks freed
 * together. Zero-initialise. */
#define CODEC_SCRATCH_SLOTS 8
typedef struct {
    void *blocks[CODEC_SCRATCH_SLOTS];
    size_t n;
} codec_scratch_t;

/* n zeroed elements of size bytes (room for one at least), freed by codec_scratch_free;
 * NULL when out of memory or out of slots (a programmer's error, reported as OOM). */
void *codec_scratch_alloc(codec_scratch_t *s, size_t n, size_t size);

/* Frees every block of s and empties it; NULL-safe. */
void codec_scratch_free(codec_scratch_t *s);

/* Sets *dst and *has for a finite v. NAN means "does not apply"; an infinity (a target
 * of 0 somewhere upstream) carries no figure either, and the decoder refuses
 * non-finite figures. */
void codec_put_double(protobuf_c_boolean *has, double *dst, double v);

/* ---- decoding: every check before a byte reaches a domain buffer ----------------- */

/* Writes the one-line reason into err (NULL or errsz 0: nothing). */
void codec_fail(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Copies wire string s (NULL = absent = "") into dst[size]: it must be UTF-8 and fit
 * with its NUL. what names the field for the message. 0, or -1 with err set. */
int codec_take_str(char *dst, size_t size, const char *s, const char *what, char *err, size_t errsz);

/* A timestamp (absent = 0): within ±CODEC_MAX_TIME_MS, so formatting it as a date
 * cannot overflow. 0, or -1 with err set. */
int codec_take_ms(int64_t *dst, protobuf_c_boolean has, int64_t v, const char *what, char *err, size_t errsz);

/* An optional figure (absent = NAN, as the domain has it): finite when present; the
 * encoder never sends NaN or infinity. 0, or -1 with err set. */
int codec_take_figure(double *dst, protobuf_c_boolean has, double v, const char *what, char *err,
                      size_t errsz);

/* "value 3 (line 12)", or "value 3" without a line: row i of kind, for messages. */
void codec_row_name(char *out, size_t size, const char *kind, size_t i, bool has_line, uint32_t line);

/* codec_take_str for a field of row i; the row's label is built only when there is an
 * error to report (this runs for every value of every report). */
int codec_take_row_str(char *dst, size_t size, const char *s, const char *kind, size_t i, bool has_line,
                       uint32_t line, const char *field, char *err, size_t errsz);

/* ---- the kinds ----------------------------------------------------------------------
 *
 * Each encoder points env's body at a message built from m, from blocks borrowed from
 * s (the caller sets env->body_case, packs, then frees s): 0, or -1 on OOM or a count
 * past its limit. Each decoder fills m from the body env->body_case says is there: 0,
 * or -1 with err naming the field (the caller clears m). */

int codec_report_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_report_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

/* What can be read safely of a refused report, for its answer and the rejections
 * table: zone, period and source from the raw bytes (chk), escaped and cut to fit, the
 * revision unless it is what was wrong. Nothing else (no rows, no texts) is kept. */
/* The Report's enterprise rows (codec_enterprise.c): onto msg, borrowed from r and s
 * (canonical: sorted, without lines), 0 or -1 on OOM; and from w into r, 0 or -1 with
 * err naming the row and field (more than REPORT_MAX_ENTERPRISES, a field too long or
 * not UTF-8). */
int codec_enterprises_to_wire(const report_t *r, bool canonical, Yuebao__Report *msg, codec_scratch_t *s);
int codec_enterprises_decode(const Yuebao__Report *w, report_t *r, char *err, size_t errsz);

void codec_report_salvage(const Yuebao__Report *w, const codec_check_t *chk, report_t *r);

int codec_ack_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_ack_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_accepted_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_accepted_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_rejected_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_rejected_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_heartbeat_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_heartbeat_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_ranking_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_ranking_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_alert_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_alert_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_totals_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_totals_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_snapshot_request_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_snapshot_request_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_snapshot_end_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_snapshot_end_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_reconcile_request_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_reconcile_request_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_reconcile_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_reconcile_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_period_request_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_period_request_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_period_reply_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_period_reply_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_period_state_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_period_state_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);
int codec_silence_request_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_silence_request_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

int codec_silence_reply_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
int codec_silence_reply_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

#endif
