/* collector.h - private to the collector: its state and what each of its files provides.
 *   collector.c          main: daemon mode and the `submit` one-shot mode
 *   collector_config.c   configuration file and command line
 *   collector_inbox.c    the inbox folder: scan, inotify, parking in .sending/
 *   collector_queue.c    files → reports: parse, merge, validate, number, write to outbox
 *   collector_send.c     DEALER to the aggregator: window in flight, retries, acks
 *   collector_file.c     filing settled sources: receipts into done/, reasons into rejected/
 *   collector_submit.c   `submit FILE…`: send, wait for the acks, print, exit status
 */
#ifndef YB_COLLECTOR_H
#define YB_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"
#include "config.h"
#include "outbox.h"
#include "county_csv.h"
#include "diag.h"
#include "loop.h"
#include "master.h"
#include "sock.h"

typedef struct {
    char config_path[1024];
    char county[COUNTY_CODE_SIZE]; /* the reporting unit this collector speaks for */
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
    master_policy_override_t policy; /* deprecated merge_jan_feb: city.csv's for one release */
    bool insecure;
    char key[1024];        /* the county's secret key file */
    char server_key[1024]; /* the aggregator's public key file */
} collector_config_t;

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

/* The [collector] keys: name, type, default, bounds and help of each (config.h). */
extern const config_key_t collector_config_keys[];

/* Defaults, then the file named by -c, then --set overrides; argv starts after any
 * sub-command. Leaves non-option arguments at argv[*first_arg…]. 0, or -1 (printed). */
int collector_config_load(collector_config_t *cfg, int argc, char **argv, bool submit, int *first_arg);

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

/* collector_send.c */

/* Connects the DEALER (routing id "c:<county>:<random>"). 0, or -1 with err. */
int collector_send_start(collector_t *c, char *err, size_t errsz);
void collector_send_stop(collector_t *c);

/* Sends what the window allows: the oldest pending reports, one revision per
 * (zone, period) at a time, and resends those whose ack is overdue. */
void collector_send_pump(collector_t *c);

/* One ack arrived (m->kind MSG_ACK): settles its report in the outbox and learns the
 * store's revision; RETRY leaves the report pending, idle until retry_max_ms, and is
 * logged once per report. An ack for no pending report is ignored. */
void collector_send_on_ack(collector_t *c, msg_t *m);

/* Adds a queued report to the in-memory pending list (takes the payload). */
int collector_pending_add(collector_t *c, pending_t *p);

/* collector_inbox.c */

/* Creates the folders, scans the inbox once, and watches it with inotify. 0 or -1. */
int collector_inbox_start(collector_t *c);

/* collector_file.c */

/* Files every source whose reports are all settled: receipt into done/, or .errors.txt
 * into rejected/ when nothing of it is stored; then marks it filed in the outbox. A
 * source that cannot be filed yet stays 'sending' (logged) and is tried on the next
 * call. In submit mode nothing moves: only the outbox is updated. */
void collector_file_complete(collector_t *c);

/* Files path, refused before sending, into rejected/ beside NAME.errors.txt (written
 * first) listing diags and then extra (may be NULL); the file keeps its name, or gets
 * -1, -2 … if an earlier one is still there, and where it went is put in moved. 0, or
 * -1 (logged) with the file left where it is, for the next rescan to try again. */
int collector_file_refused(collector_t *c, const char *path, const diag_list_t *diags, const char *extra,
                           char *moved, size_t moved_sz);

/* Writes "<dir>/<name>.errors.txt" for a file refused before sending (atomically: whole
 * or not at all). 0, or -1 with errno set. */
int collector_file_write_errors(const char *dir, const char *name, const diag_list_t *diags,
                                const char *extra);

/* collector_submit.c */

/* `yuebao-collector submit FILE…`: queues the files, sends, waits for every ack (or
 * timeout_ms), prints one line per report. Returns the process exit status:
 * 0 all accepted or duplicate, 1 any file or report refused, 2 timeout or error. */
int collector_submit(collector_t *c, char **files, int n_files, int timeout_ms);

#endif
