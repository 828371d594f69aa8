/* codec.h - the wire: domain structs to and from the protobuf envelope (proto/yuebao.proto).
 *
 * Decoding treats every byte as hostile: a size cap before parsing, a bounded allocator
 * under protobuf-c, then checks of presence, lengths, counts and UTF-8 before anything
 * reaches a domain struct. Nothing here asserts on input.
 */
#ifndef YB_CODEC_H
#define YB_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "alert.h"
#include "approval.h"
#include "diag.h"
#include "ranking.h"
#include "report.h"

#define SCHEMA_VERSION 1
#define CODEC_MAX_MSG_BYTES (1u << 20) /* SOCK_MAX_MSG_BYTES (sock.h) leaves room for it */
#define MSG_ID_LEN 16
#define CODEC_RANKING_CHUNK 1000 /* ranking rows per message */
#define CODEC_MAX_ISSUES 1000    /* errors + warnings in one Ack */
/* What protobuf-c may allocate to unpack one message: 8 × its size plus 256 KiB (see
 * codec.c), so never more than this whatever the bytes say. */
#define CODEC_MAX_PARSE_BYTES (8u * CODEC_MAX_MSG_BYTES + 256u * 1024u)
/* Timestamps (ms since the epoch) beyond ±9999-12-31 are refused: no clock sends them,
 * and date arithmetic on them would overflow. */
#define CODEC_MAX_TIME_MS 253402300799999LL

typedef enum {
    ACK_UNKNOWN = 0,
    ACK_ACCEPTED = 1,
    ACK_DUPLICATE = 2,
    ACK_STALE = 3,
    ACK_REJECTED = 4,
    ACK_RETRY = 5 /* transient at the receiver: nothing stored, resend later */
} ack_status_t;

typedef struct {
    char zone[ZONE_CODE_SIZE];
    char period[PERIOD_STRLEN];
    uint32_t revision;
    ack_status_t status;
    uint32_t store_revision;
    int64_t stored_at_ms;
    diag_list_t issues; /* errors and warnings; file is not sent, line and field are */
} ack_t;

typedef struct {
    char county[COUNTY_CODE_SIZE];
    char zone[ZONE_CODE_SIZE];
    char period[PERIOD_STRLEN];
    uint32_t revision;
    int64_t stored_at_ms;
    uint32_t n_values;
} event_accepted_t;

typedef struct {
    char county[COUNTY_CODE_SIZE];
    char zone[ZONE_CODE_SIZE];
    char period[PERIOD_STRLEN];
    uint32_t revision;
    int64_t received_at_ms;
    char reason[512]; /* the first error, as diag_format writes it */
    uint32_t n_errors;
} event_rejected_t;

typedef struct {
    char prefix[128];           /* alert topic prefix, "" = all */
    char period[PERIOD_STRLEN]; /* the ranking wanted, "" = the latest */
    bool no_ranking;            /* alerts only */
    uint32_t recent;            /* the aggregator: recent arrivals and rejections wanted */
} snapshot_request_t;

typedef enum {
    MSG_NONE = 0,
    MSG_REPORT,
    MSG_ACK,
    MSG_REPORT_ACCEPTED,
    MSG_HEARTBEAT,
    MSG_RANKING,
    MSG_ALERT,
    MSG_SNAPSHOT_REQUEST,
    MSG_SNAPSHOT_END,
    MSG_TOTALS,
    MSG_REPORT_REJECTED,
    MSG_RECONCILE_REQUEST,
    MSG_RECONCILE,
    MSG_PERIOD_REQUEST, /* an approver's approve / publish / unlock (control ROUTER) */
    MSG_PERIOD_REPLY,   /* the aggregator's answer to it */
    MSG_PERIOD_STATE,   /* a transition on the PUB, or a current state in a snapshot */
    MSG_SILENCE_REQUEST, /* yuebao silence → yuebao-notify */
    MSG_SILENCE_REPLY
} msg_kind_t;

/* Reconcile: one (zone, period) of the store and its current revision. */
typedef struct {
    char zone[ZONE_CODE_SIZE];
    char period[PERIOD_STRLEN];
    uint32_t revision;
} stored_revision_t;

#define CODEC_MAX_STORED 20000 /* entries of one Reconcile: ~25 bytes each on the wire */

/* A silence as the wire carries it (yuebao-notify's control ROUTER). */
#define SILENCE_MAX_MATCHERS 8
#define CODEC_MAX_SILENCES 1000
typedef struct {
    int64_t id;
    char matchers[SILENCE_MAX_MATCHERS][80]; /* "label=glob" */
    size_t n_matchers;
    int64_t starts_ms, ends_ms;
    char comment[256];
    char created_by[128];
} silence_wire_t;

typedef struct {
    char action[16]; /* "add", "list", "expire" */
    silence_wire_t silence;
} silence_request_t;

typedef struct {
    bool ok;
    char error[256];
    int64_t id;
    silence_wire_t *items; /* list (malloc'd; msg_clear frees) */
    size_t n_items;
} silence_reply_t;

typedef struct {
    msg_kind_t kind;
    uint8_t id[MSG_ID_LEN];
    bool has_reply_to;
    uint8_t in_reply_to[MSG_ID_LEN];
    uint64_t sequence;
    report_t report;           /* MSG_REPORT */
    ack_t ack;                 /* MSG_ACK */
    event_accepted_t accepted; /* MSG_REPORT_ACCEPTED */
    int64_t hb_now_ms;         /* MSG_HEARTBEAT */
    uint32_t ranking_first, ranking_total; /* MSG_RANKING: rows ranking_first .. of ranking_total */
    snapshot_request_t snap_req; /* MSG_SNAPSHOT_REQUEST */
    uint64_t snap_end_sequence;  /* MSG_SNAPSHOT_END: the state is as of this sequence */
    uint32_t snap_end_alerts;
    uint32_t snap_end_totals;
    scope_totals_t totals;     /* MSG_TOTALS */
    char reconcile_since[PERIOD_STRLEN]; /* MSG_RECONCILE_REQUEST: "" = every period */
    stored_revision_t *stored;           /* MSG_RECONCILE (malloc'd; msg_clear frees) */
    size_t n_stored;
    bool stored_complete; /* false: the list was cut at CODEC_MAX_STORED */
    /* One of them at a time, by kind: every report the aggregator holds for a group
     * commit carries this room (three batches of batch_max), so these share it. Of
     * them only the ranking owns memory: msg_clear frees its rows when kind is
     * MSG_RANKING, and only then (set kind before filling ranking). */
    union {
        ranking_t ranking;             /* MSG_RANKING */
        period_request_t period_req;   /* MSG_PERIOD_REQUEST */
        period_reply_t period_reply;   /* MSG_PERIOD_REPLY */
        period_state_t period_state;   /* MSG_PERIOD_STATE */
        alert_t alert;                 /* MSG_ALERT */
        event_rejected_t rejected;     /* MSG_REPORT_REJECTED */
        silence_request_t silence_req; /* MSG_SILENCE_REQUEST */
    };
    silence_reply_t silence_reply; /* MSG_SILENCE_REPLY */
} msg_t;

/* Encodes m into a new buffer *buf (caller frees) of *len bytes. 0, or -1 on OOM or
 * when the result would exceed CODEC_MAX_MSG_BYTES. */
int codec_encode(const msg_t *m, uint8_t **buf, size_t *len);

/* codec_decode: the envelope was read, but its report cannot be taken (see there). */
#define CODEC_REFUSED (-2)

/* Decodes untrusted bytes into *out (zeroed first; release with msg_clear). Returns 0,
 * CODEC_REFUSED, or -1 with a one-line reason in err naming the field.
 * CODEC_REFUSED: the envelope's header is sound (a message id to reply to) and its body
 * is a Report that cannot be taken; out->kind is MSG_REPORT with the id, and the report
 * holds only what could be read safely (zone, period, source escaped and cut, the
 * revision unless it is what is wrong; no rows, no texts), for a REJECTED answer.
 * A string holding a NUL byte and a uint32 sent beyond 32 bits are refused (see
 * codec_check.h); protobuf-c alone would cut the one and wrap the other.
 * -1, dropped by the receiver: too large, more memory than
 * the parse budget, not protobuf, wrong schema version, missing id or body, a string
 * too long or not UTF-8, too many rows (REPORT_MAX_VALUES, REPORT_MAX_PROJECTS, REPORT_MAX_ENTERPRISES,
 * CODEC_MAX_ISSUES, CODEC_RANKING_CHUNK, RANKING_MAX_DIMS, TOTALS_MAX_ROWS), a ranking,
 * alert or totals figure
 * that is not a finite number, a timestamp beyond CODEC_MAX_TIME_MS. Amounts and growth
 * rates are left to validation, which can name the source line. */
int codec_decode(const void *buf, size_t len, msg_t *out, char *err, size_t errsz);

/* Frees what m owns and zeroes it. */
void msg_clear(msg_t *m);

/* The canonical bytes of a report's content (zone, period, values sorted by indicator,
 * projects sorted by code, enterprises sorted by every field, texts) without revision, lines or source: equal bytes mean
 * equal content. Caller frees *buf. 0, or -1 on OOM. */
int codec_report_content(const report_t *r, uint8_t **buf, size_t *len);

/* Reads content bytes (codec_report_content's, as the report store keeps every
 * revision) back into *out (zeroed first; msg_clear a msg_t holding it, or
 * report_clear). 0, or -1 with the reason in err: bytes that are not a report's. */
int codec_report_from_content(const uint8_t *buf, size_t len, report_t *out, char *err, size_t errsz);

/* Fills id with random bytes (getrandom). */
void codec_new_id(uint8_t id[MSG_ID_LEN]);

/* Lower-case hex of an id into out (33 bytes). */
void codec_id_hex(const uint8_t id[MSG_ID_LEN], char out[2 * MSG_ID_LEN + 1]);

/* "ACCEPTED", "DUPLICATE", … */
const char *ack_status_name(ack_status_t s);

/* A status name as people read it, in the reader's language (gettext): "ACCEPTED" /
 * 已入库. Takes the names above, as the outbox stores them, and "CHECKED" (a file the
 * collector judged before sending); any other name comes back as it is. */
const char *ack_status_label(const char *name);

#endif
