/* clone.h - the subscriber's half of zguide's Clone pattern: a SUB on a publisher's
 * PUB and a snapshot from the ROUTER beside it, kept in step by sequence numbers.
 *
 * The publisher numbers every update 1, 2, 3 … from one counter and repeats the last
 * number in its heartbeats. The client subscribes first (to everything: filtering by
 * topic would make every update it filtered out look like a loss), then asks for a
 * snapshot, which ends with "the state above is as of sequence N". Updates at or below
 * N are dropped; N+1, N+2 … are handed over in order. A gap, a number going backwards
 * (the publisher restarted) or silence — no message for silence_ms, or three of the
 * publisher's heartbeat intervals if it beats slower — means the state may be wrong:
 * clone_poll says so and the caller takes a new snapshot.
 *
 * A publisher restarted with its clock behind numbers from below the snapshot's N (the
 * origin is its clock in µs), so "at or below N" alone cannot tell its updates from
 * those queued before the snapshot. Until a message at or above N arrives (live), one
 * below N is dropped but does not count as hearing from the publisher: a live one beats
 * at N soon, a restarted one never does, and the silence check resyncs. Once live, any
 * number below the highest seen is a restart, and resyncs at once.
 *
 * Used by `yuebao watch` (the aggregator's live totals) and `yuebao alerts --follow`
 * (the scorer's alerts); the tests use `lose` to play a lossy network.
 */
#ifndef YB_CLONE_H
#define YB_CLONE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "sock.h"

typedef struct {
    void *ctx;                   /* the caller's ZeroMQ context */
    const char *pub;             /* the publisher's PUB endpoint; NULL: snapshots only */
    const char *snapshot;        /* its snapshot ROUTER */
    const sock_security_t *sec;  /* our keys and the server's (borrowed) */
    const char *who;             /* "the aggregator": for messages */
    int snapshot_timeout_ms;     /* a snapshot not complete by then failed (default 5000) */
    int silence_ms;              /* no message this long: resync (default 5000) */
    volatile sig_atomic_t *stop; /* set by a signal handler: give up waiting; may be NULL */
    /* For tests: called with each update's sequence before it is looked at; true
     * drops it as a lossy network would. NULL in production. */
    bool (*lose)(uint64_t sequence, void *arg);
    void *lose_arg;
} clone_opts_t;

typedef struct clone clone_t;

/* One message of a snapshot (in_snapshot) or one in-order update after it. */
typedef void (*clone_fn)(const msg_t *m, bool in_snapshot, void *arg);

/* Makes the SUB, subscribed to everything (none when o->pub is NULL). NULL with the
 * reason in err. */
clone_t *clone_open(const clone_opts_t *o, char *err, size_t errsz);

/* What clone_snapshot and clone_poll come back with. */
typedef enum {
    CLONE_OK = 0,  /* snapshot: taken; poll: waited, and handed over what came in order */
    CLONE_FAILED,  /* snapshot: refused, or not answered in time (err: "refused our key …",
                      "no answer …") */
    CLONE_STOPPED, /* snapshot: the stop flag was set while waiting */
    CLONE_RESYNC,  /* poll: a gap, a restart or silence (why): the state may be wrong, take
                      a new snapshot */
    CLONE_ERROR    /* poll: a socket error, or no SUB to poll (why) */
} clone_result_t;

/* Asks the snapshot ROUTER with request (a MSG_SNAPSHOT_REQUEST) from a fresh DEALER
 * and hands every message before SnapshotEnd to fn (in_snapshot true); the End itself
 * is not handed over. Then updates after its sequence are what clone_poll delivers.
 * CLONE_OK, CLONE_FAILED (why in err) or CLONE_STOPPED. fn may have seen part of a
 * snapshot that then failed: start again from an empty state. */
clone_result_t clone_snapshot(clone_t *c, const msg_t *request, clone_fn fn, void *arg, char *err,
                              size_t errsz);

/* True when the last clone_snapshot failed because nothing answered in time (the
 * publisher is down or unreachable), not because it refused: the caller's hint differs,
 * and the reason's words are in the reader's language, so they cannot be matched. */
bool clone_unanswered(const clone_t *c);

/* Waits up to timeout_ms for updates and hands each in-order one to fn (in_snapshot
 * false); heartbeats are only counted. CLONE_OK (also on a timeout, or nothing new),
 * CLONE_RESYNC (why says what was missed: a gap, a restart, silence) or CLONE_ERROR
 * (why). */
clone_result_t clone_poll(clone_t *c, int timeout_ms, clone_fn fn, void *arg, char *why, size_t whysz);

/* The sequence the caller's state is as of. */
uint64_t clone_sequence(const clone_t *c);

/* The caller was busy (a hook ran for a minute): the silence clock starts again, so
 * its own delay is not taken for the publisher's silence. */
void clone_touch(clone_t *c);

/* The SUB (NULL without one), for a caller that polls it in its own loop and calls
 * clone_poll with timeout 0 when it is readable. Borrowed. */
void *clone_socket(const clone_t *c);

/* Closes the SUB; NULL-safe; sets *c to NULL. */
void clone_close(clone_t **c);

#endif
