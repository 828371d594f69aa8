/* collector.h - private to the collector: its state and what each of its files provides.
 *   collector.c          main: daemon mode and the `submit` one-shot mode
 *   collector_config.c   configuration file and command line
 *   collector_queue.c    files → reports: parse, merge, validate, number, write to outbox
 *   collector_outbox.c   the durable outbox (SQLite): every report before it is sent
 *   collector_send.c     DEALER to the aggregator: window in flight, retries, acks
 *   collector_inbox.c    the inbox folder: scan, inotify, filing to done/ and rejected/
 *   collector_submit.c   `submit FILE…`: send, wait for the acks, print, exit status
 */
#ifndef YB_COLLECTOR_H
#define YB_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"
#include "county_csv.h"
#include "diag.h"
#include "loop.h"
#include "master.h"
#include "sock.h"

typedef struct {
    char config_path[1024];
    char county[24];       /* the reporting unit this collector speaks for */
    char aggregator[256];  /* endpoint of the aggregator's ROUTER */
    char master_dir[1024]; /* regions.csv and indicators.csv, for local validation */
    char inbox[1024], done[1024], rejected[1024];
    char outbox[1024];              /* SQLite file */
    int window;                     /* reports in flight at most */
    int retry_min_ms, retry_max_ms; /* ack timeout, doubling per attempt up to max */
    int settle_ms;                  /* inbox quiet time before a batch of files is taken */
    int submit_timeout_s;           /* submit: how long to wait for the acks (-t, --timeout) */
    int keep_settled_days;          /* stored reports kept this long to resend after a loss */
    int reconcile_interval_s;       /* ask the aggregator what it holds this often */
    bool merge_jan_feb;
    bool insecure;
    char key[1024];        /* the county's secret key file */
    char server_key[1024]; /* the aggregator's public key file */
} collector_config_t;

typedef struct outbox outbox_t;

/* A report in the outbox awaiting its ack. */
typedef struct {
    int64_t id; /* outbox row */
    uint8_t msg_id[MSG_ID_LEN];
    char zone[64], period[PERIOD_STRLEN];
    uint32_t revision;
    uint8_t *payload; /* encoded envelope */
    size_t payload_len;
    bool in_flight;
    int attempts;
    int retry_answers;   /* RETRY acks received: the central office asked to wait */
    int64_t due_mono_ms; /* in flight: resend after; idle: not before */
} pending_t;

/* What an ack settled, for receipts and for `submit`'s output. */
typedef struct {
    int64_t outbox_id;
    ack_t ack;
} settled_t;

typedef struct collector collector_t;

/* Called after an ack settled a report (the outbox is already updated). */
typedef void (*collector_ack_fn)(collector_t *c, const pending_t *p, ack_t *ack);

struct collector {
    collector_config_t cfg;
    master_t *master;
    outbox_t *outbox;
    void *ctx, *dealer;
    sock_watch_t watch; /* the dealer's handshakes */
    sock_security_t sec;
    loop_t *loop;
    pending_t *pending; /* in outbox order */
    size_t n_pending, cap_pending;
    int retry_timer;
    int inotify_fd, settle_timer, signal_fd;
    int rescan_timer;
    int reconcile_timer;
    bool reconcile_due; /* a ReconcileRequest is to be sent once the dealer can */
    char reconcile_since[PERIOD_STRLEN]; /* its earliest period, looked up once per request */
    bool submit_mode; /* files stay where they are; no done/ or rejected/ */
    collector_ack_fn on_ack;
    void *on_ack_arg;
};

/* collector_config.c */

/* Defaults, then the file named by -c, then --set overrides; argv starts after any
 * sub-command. Leaves non-option arguments at argv[*first_arg…]. 0, or -1 (printed). */
int collector_config_load(collector_config_t *cfg, int argc, char **argv, bool submit, int *first_arg);

/* collector_outbox.c */

outbox_t *outbox_open(const char *path, char *err, size_t errsz);
/* For `yuebao check --outbox`: reads an existing outbox, never writes, never creates. */
outbox_t *outbox_open_readonly(const char *path, char *err, size_t errsz);
void outbox_close(outbox_t **o);
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

/* collector_queue.c */

typedef struct {
    char path[2048];
    int64_t source_id; /* in the outbox, once queued */
    bool failed;       /* parse or validation errors: nothing of it is sent */
    bool skipped;      /* already being sent (same name and content) */
    diag_list_t diags; /* errors and warnings about this file */
    size_t n_reports;  /* reports it contributed to */
} queued_file_t;

/* Takes files[0..n) as one batch: parses each, merges values, projects and texts per
 * (zone, period) with the last report sent, validates, numbers the revisions and
 * writes every report of the files without errors to the outbox in one transaction,
 * then adds them to c->pending. A file is all or nothing. Returns the number of
 * reports queued, or -1 on an outbox error (nothing queued). */
int collector_queue_files(collector_t *c, queued_file_t *files, size_t n);

/* collector_soft.c */

/* The rule for a key-projects file (项目表) without values: its report of (zone, period)
 * can be built only when the values come in the same batch (batch_has_values) or were
 * sent before (the outbox's last report has values; a refused one does not count).
 * The collector and `yuebao check` both ask this. 1 yes, 0 no, -1 outbox error. */
int collector_values_known(outbox_t *o, const char *zone, const char *period, bool batch_has_values);

/* The soft checks (plausibility.h) of r against the last reports the outbox holds for
 * r's zone: the same period, the previous period and the same period last year.
 * Appends to dl; returns the number of errors, or -1 on an outbox error. */
int collector_soft_check(outbox_t *o, const master_t *m, bool merge_jan_feb, const report_t *r,
                         diag_list_t *dl);

/* collector_send.c */

/* Connects the DEALER (routing id "c:<county>:<random>"). 0, or -1 with err. */
int collector_send_start(collector_t *c, char *err, size_t errsz);
void collector_send_stop(collector_t *c);

/* Sends what the window allows: the oldest pending reports, one revision per
 * (zone, period) at a time, and resends those whose ack is overdue. */
void collector_send_pump(collector_t *c);

/* Adds a queued report to the in-memory pending list (takes the payload). */
int collector_pending_add(collector_t *c, pending_t *p);

/* collector_inbox.c */

/* Creates the folders, scans the inbox once, and watches it with inotify. 0 or -1. */
int collector_inbox_start(collector_t *c);

/* Files every source whose reports are all settled: receipt into done/, or .errors.txt
 * into rejected/. */
void collector_inbox_file_complete(collector_t *c);

/* Writes "<dir>/<name>.errors.txt" for a file refused before sending. */
int collector_inbox_write_errors(const char *dir, const char *name, const diag_list_t *diags,
                                 const char *extra);

/* collector_submit.c */

/* `yuebao-collector submit FILE…`: queues the files, sends, waits for every ack (or
 * timeout_ms), prints one line per report. Returns the process exit status:
 * 0 all accepted or duplicate, 1 any file or report refused, 2 timeout or error. */
int collector_submit(collector_t *c, char **files, int n_files, int timeout_ms);

#endif
