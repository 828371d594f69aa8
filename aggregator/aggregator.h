/* aggregator.h - private to the aggregator daemon: its state and the functions each of
 * its files provides. One file per concern:
 *   aggregator.c          main: start-up, the loop, shutdown
 *   aggregator_config.c   configuration file and command line
 *   aggregator_master.c   master data, loaded at start and on SIGHUP
 *   aggregator_ingest.c   receive, validate, apply revision rules, group commit
 *   aggregator_ack.c      acks back to the collectors, only after COMMIT
 *   aggregator_publish.c  "report accepted" events and heartbeats on PUB
 *   aggregator_security.c keys, the ZAP handler and its key lists (authorized_keys,
 *                         subscriber_keys), or the insecure development mode
 *   aggregator_limit.c    the per-county rate limit
 */
#ifndef YB_AGGREGATOR_H
#define YB_AGGREGATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"
#include "loop.h"
#include "master.h"
#include "rstore.h"
#include "sock.h"
#include "validate.h"
#include "zap.h"

typedef struct {
    char config_path[1024];
    char master_dir[1024]; /* regions.csv, indicators.csv */
    char store[1024];      /* the report store (SQLite) */
    char listen[256];      /* ROUTER for collectors */
    char publish[256];     /* PUB for events; "" = none */
    bool merge_jan_feb;
    int batch_max; /* reports per group commit at most */
    int heartbeat_ms;
    bool insecure;
    char key[1024];             /* this server's secret key file */
    char authorized_keys[1024]; /* collectors' keys and their counties */
    char subscriber_keys[1024]; /* keys that may subscribe to the events */
    double rate_limit;          /* reports per second per county; 0 = no limit */
    int rate_burst;             /* reports a county may send at once */
} aggregator_config_t;

/* One received report waiting for the group commit. */
typedef struct {
    uint8_t *identity; /* ROUTER routing id of the sending connection */
    size_t identity_len;
    char county[KEY_NAME_MAX]; /* the authenticated reporting unit */
    char key[KEY_Z85_LEN + 1]; /* the connection's CURVE key ("" when insecure) */
    msg_t msg;                 /* MSG_REPORT */
    ack_t ack;                 /* filled by the ingest, sent after COMMIT */
} ingest_item_t;

/* A county's token bucket. */
typedef struct {
    char county[KEY_NAME_MAX];
    double tokens;
    int64_t last_ms;
    uint64_t dropped; /* since the last warning */
    int64_t warned_ms;
} rate_bucket_t;

typedef struct {
    aggregator_config_t cfg;
    master_t *master;
    rstore_t *store;
    void *ctx, *router, *pub;
    sock_security_t sec;
    zap_t *zap; /* NULL when insecure */
    rate_bucket_t *buckets;
    size_t n_buckets;
    loop_t *loop;
    int signal_fd;
    uint64_t sequence;    /* last sequence number published */
    ingest_item_t *batch; /* cfg.batch_max slots */
    /* counters, logged at shutdown */
    uint64_t n_accepted, n_duplicate, n_stale, n_rejected, n_garbled, n_commits, n_throttled;
    int64_t drop_logged_ms;  /* when a dropped message was last logged */
    uint64_t drops_unlogged; /* dropped since, not logged one by one */
} aggregator_t;

/* aggregator_config.c */

/* Fills cfg from defaults, the file named by -c and the command line. Prints help and
 * exits 0 for --help; returns 0, or -1 with a message printed for a bad invocation. */
int aggregator_config_load(aggregator_config_t *cfg, int argc, char **argv);

/* aggregator_master.c */

/* Loads master data from cfg.master_dir. At start (a->master NULL) a bad file is
 * fatal; on reload the previous master data stays in force and the errors are logged.
 * Returns 0 or -1. */
int aggregator_master_load(aggregator_t *a);

/* aggregator_security.c */

/* Sets up a->sec and, unless insecure, the ZAP handler with both key lists (fatal
 * errors are logged and return -1). Insecure mode warns loudly and allows only local
 * endpoints. Call before making any socket. */
int aggregator_security_start(aggregator_t *a);

/* SIGHUP: reloads authorized_keys and subscriber_keys; a bad file keeps the previous
 * list in force. Keys naming a county unknown to master data are logged. */
void aggregator_security_reload(aggregator_t *a);

/* After the sockets are closed. */
void aggregator_security_stop(aggregator_t *a);

/* aggregator_limit.c */

/* Takes one report from county's bucket at now_ms: true if it may be processed, false
 * if the county is over rate_limit (the report is dropped unacked; its collector resends
 * later). Logs at most one warning per county per 10 s. */
bool aggregator_limit_take(aggregator_t *a, const char *county, int64_t now_ms);

void aggregator_limit_free(aggregator_t *a);

/* aggregator_ingest.c */

/* The ROUTER is readable: take every report waiting (up to batch_max), judge each,
 * write all in one transaction, then ack and publish. Never exits on bad input. */
void aggregator_ingest_ready(loop_t *loop, void *socket, int fd, void *arg);

/* The store half of the above, without sockets: judges items[0..n) and writes them
 * in one transaction, filling each item's ack. Returns 0 when committed, or -1 when
 * nothing was (the acks must then not be sent). */
int aggregator_ingest_batch(aggregator_t *a, ingest_item_t *items, size_t n, int64_t now_ms);

/* aggregator_ack.c */

/* Sends item's ack to its connection. A vanished peer is logged at debug level: its
 * collector retries and gets a DUPLICATE. */
void aggregator_ack_send(aggregator_t *a, const ingest_item_t *item);

/* aggregator_publish.c */

/* Publishes "report accepted" for item (topic report.<county>.<zone>). */
void aggregator_publish_accepted(aggregator_t *a, const ingest_item_t *item);

/* Timer: publishes a heartbeat with the current sequence number. */
void aggregator_publish_heartbeat(loop_t *loop, void *arg);

#endif
