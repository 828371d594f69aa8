/* sock.h - every ZeroMQ socket of yuebao is made here, so options and security are set
 * in one place: MAXMSGSIZE, LINGER, HWMs, heartbeats, reconnect backoff, IMMEDIATE on
 * clients, ROUTER_MANDATORY on servers, and CURVE.
 *
 * Security: unless insecure, every socket speaks CURVE. Servers (ROUTER, PUB) hold their
 * secret key and name the ZAP domain whose key list admits clients; they are made with
 * ZAP_ENFORCE_DOMAIN, so without a running ZAP handler (zap.h) no client gets in.
 * Clients (DEALER, SUB) hold their own key pair and the server's public key.
 */
#ifndef YB_SOCK_H
#define YB_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"

/* ZMQ_MAXMSGSIZE on every socket: a longer message is refused by libzmq before it is
 * read. 1 MiB and some room for framing (wire.c checks that the codec's largest envelope
 * fits). */
#define SOCK_MAX_MSG_BYTES ((1 << 20) + 4096)

typedef struct {
    bool insecure;                    /* plain ZeroMQ: local development only */
    keypair_t self;                   /* this process's key pair */
    char server_key[KEY_Z85_LEN + 1]; /* clients: the server's public key */
} sock_security_t;

/* A ROUTER bound to endpoint (collectors' reports, snapshots), admitting the clients of
 * ZAP domain (ignored when insecure). NULL with err set. */
void *sock_router(void *ctx, const char *endpoint, const sock_security_t *sec, const char *domain, char *err,
                  size_t errsz);

/* A DEALER connected to endpoint (collector to aggregator), with routing_id (NULL for
 * a random one). NULL with err set. */
void *sock_dealer(void *ctx, const char *endpoint, const char *routing_id, const sock_security_t *sec,
                  char *err, size_t errsz);

/* A PUB bound to endpoint; its subscribers are admitted by ZAP in domain. NULL with err
 * set. */
void *sock_pub(void *ctx, const char *endpoint, const sock_security_t *sec, const char *domain, char *err,
               size_t errsz);

/* A SUB connected to endpoint, subscribed to prefix ("" = everything). NULL with err. */
void *sock_sub(void *ctx, const char *endpoint, const char *prefix, const sock_security_t *sec, char *err,
               size_t errsz);

/* True for endpoints that never leave this host: ipc://, inproc:// and loopback TCP.
 * Plain (non-CURVE) sockets are allowed only there. */
bool sock_endpoint_is_local(const char *endpoint);

/* Loads the security of a process from its configuration: insecure, or the secret key
 * file key_file (refused unless mode 0600) and, for a client, the server's public key
 * file server_key_file (NULL or "" for a process that is only a server). 0, or -1 with
 * err set. */
int sock_security_load(sock_security_t *sec, bool insecure, const char *key_file, const char *server_key_file,
                       char *err, size_t errsz);

/* The outcome of a client's handshakes. */
typedef enum {
    SOCK_EV_NONE,      /* nothing yet, or no change */
    SOCK_EV_CONNECTED, /* a CURVE (or plain) handshake succeeded */
    SOCK_EV_REFUSED,   /* the server's ZAP handler refused our key */
    SOCK_EV_PROTOCOL,  /* the handshake failed: a wrong server key, or plain against CURVE */
    SOCK_EV_NO_ANSWER  /* connected, but the server never answered the handshake within
                        * its interval (30 s): a stopped or overloaded server, not a key */
} sock_event_t;

/* A client socket's handshakes, watched, so that it can say why it gets no answer
 * instead of only timing out, and connect again after its key was refused: libzmq never
 * retries a connection the server's ZAP handler refused, so without this, listing the
 * key on the server would need a restart of the client too. */
typedef struct {
    void *monitor;       /* a PAIR receiving the socket's events; NULL when not watched */
    sock_event_t state;  /* the outcome last returned by sock_watch_read */
    int64_t retry_at_ms; /* refused: connect again at this monotonic time (0 = no) */
    uint64_t handshakes; /* successful handshakes seen: a reconnect counts, state or not */
    int64_t connected_ms; /* when the last connection came up (monotonic), for telling a
                           * handshake that timed out from one that was refused */
} sock_watch_t;

/* Starts watching client socket sock (the monitor goes into the caller's poll loop as
 * w->monitor). 0, or -1 (the socket works, unwatched). */
int sock_watch_start(sock_watch_t *w, void *ctx, void *sock);

/* Reads the events waiting on w->monitor without blocking. Returns the outcome when it
 * differs from the one last returned (the previous one into *was, if not NULL), else
 * SOCK_EV_NONE. A refusal schedules a new connection retry_ms after now_ms (none when
 * retry_ms <= 0). */
sock_event_t sock_watch_read(sock_watch_t *w, int64_t now_ms, int retry_ms, sock_event_t *was);

/* When a refusal's retry is due at now_ms, connects sock to endpoint anew (a DEALER or
 * SUB ignores a second connect to an endpoint it still holds, so it disconnects first).
 * 1 reconnected, 0 nothing due, -1 with errno. */
int sock_watch_retry(sock_watch_t *w, void *sock, const char *endpoint, int64_t now_ms);

/* Stops watching sock, reading what events are left (an event left in a closing pipe
 * can leak inside libzmq), and closes the monitor. Call it before closing sock;
 * NULL-safe, and safe on a watch never started. */
void sock_watch_stop(sock_watch_t *w, void *sock);

/* Closes *sock and sets it to NULL; NULL-safe. */
void sock_close(void **sock);

/* Sends frames[0..n) as one multipart message without blocking. 0, or -1 with errno
 * (EAGAIN: not now; EHOSTUNREACH: the ROUTER peer is gone). */
int sock_send_frames(void *sock, const void *const *frames, const size_t *lens, size_t n);

/* Receives one whole multipart message without blocking into at most max frames
 * (each a malloc'd copy, caller frees); extra frames are discarded. Returns the
 * number of frames kept, or -1 with errno (EAGAIN when none waits). */
int sock_recv_frames(void *sock, void **frames, size_t *lens, size_t max);

#endif
